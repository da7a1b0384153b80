//! DD601 main-not-reached: `check --probe` ran the program and `main.main` was not hit.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD601"),
    name: "main-not-reached",
    severity: Severity::Error,
    title: "the program ran but the main.main breakpoint was not hit",
    explain: r#"
What it does
  `check --probe` starts the binary under ptrace, places an int3 where Delve's
  `break main.main` binds (after the prologue), and waits for it to be hit.

Why it breaks debugging
  If the breakpoint Delve would set is never reached, a debugging session shows the same:
  the program exits (or crashes, or blocks in init) before main runs, the address is not
  where the code runs (a stale or different binary, a packed binary that unpacks itself),
  or the program needs arguments, input or environment to get there.

Fix
  Look at how the program ended (exit status, signal, timeout in the evidence); run it
  with the arguments it needs (debugdoctor probe BIN --break main.main -- ARGS); make
  sure the binary on disk is the one being debugged.

Verified with
  Delve 1.27.1 on a Go 1.25.5 build and Delve 1.20.2 on a Go 1.19.8 build (-N -l) of a
  program that calls os.Exit(3) in init: `dlv exec`, break main.main, continue: the
  breakpoint is set, then "Process N has exited with status 3"; `check --probe` and
  `probe --break main.main` report this finding, "not hit before exit: the process
  exited with status 3". With a panic in init instead, both Delves stop at their
  unrecovered-panic breakpoint in runtime.fatalpanic, not at main.main, and the probe
  reports "exited with status 2" (tests/it/explain_verified.rs).

How to verify by hand
  dlv exec ./app -- ARGS, then: break main.main, continue
"#,
};
