//! DD411 substitute-path-reversed: a substitutePath entry maps in the wrong direction.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD411"),
    name: "substitute-path-reversed",
    severity: Severity::Error,
    title: "substitutePath from/to are reversed",
    explain: r#"
What it does
  In launch.json "from" is the local (editor) path and "to" the path in the binary or
  on the remote machine. An entry whose "from" does not exist locally while "to" does
  (or whose "from", not "to", prefixes the files recorded in the binary) is reversed.
  Delve's own `dlv config substitute-path` uses the opposite order, which is where the
  mix-up comes from.

Why it breaks debugging
  Editor paths are never rewritten, so every breakpoint names a file the binary does
  not know and stays unverified.

Fix
  Swap "from" and "to" (`--fix` does).

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  after `doctor --fix` swapped the rule, main.main and main.go:26 bind and stop
  (tests/it/doctor.rs).

How to verify by hand
  debugdoctor paths <binary> lists the recorded source paths; "to" must prefix them.
"#,
};
