//! DD404 program-mismatch: "program" is missing or not what the mode needs.

use std::path::Path;

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD404"),
    name: "program-mismatch",
    severity: Severity::Error,
    title: "program missing, absent, or the wrong kind for the mode",
    explain: r#"
What it does
  Expands ${workspaceFolder} and friends, then checks that "program" exists and fits
  the mode: a package folder or .go file for debug/test/auto, a built executable for
  exec and core. For exec it also opens the binary and reports its own check findings
  (DD1xx/DD2xx) at the program attribute. Not checked: a program of a configuration
  with "port" or "debugServer" (it is a path on the server's machine), or in another
  OS's block. An exec program that does not exist yet while a "preLaunchTask" is set is
  reported at info level only (the task is expected to build it).

Why it breaks debugging
  vscode-go builds folders and runs binaries; give it the other kind and the session
  fails to start ("not an executable file", "cannot find package"), or debugs a stale
  or stripped binary whose lines do not match the editor.

Fix
  Point program at "${workspaceFolder}/cmd/app" (debug) or at the binary built with
  go build -gcflags=all="-N -l" (exec), or change the mode.

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  with the program the fix names, main.main and main.go:26 bind and stop
  (tests/it/doctor.rs).

How to verify by hand
  ls -l <program>; file <program>; go list <folder>
"#,
};

/// A program of the wrong kind for the mode (after `auto` is decided): a file that is
/// not Go source for debug/test, a folder or Go source for exec/core.
pub fn kind(mode: &str, raw: &str, path: &Path, meta: &std::fs::Metadata) -> Option<String> {
    let is_go_file = path.extension().is_some_and(|e| e == "go");
    match mode {
        "debug" | "test" if meta.is_file() && !is_go_file => Some(format!(
            "mode {mode:?} builds a package folder or .go file, but {raw:?} is another file (a built binary needs mode \"exec\")"
        )),
        "exec" | "core" if meta.is_dir() => Some(format!(
            "mode {mode:?} needs a built binary, but {raw:?} is a package folder"
        )),
        "exec" | "core" if is_go_file => Some(format!(
            "mode {mode:?} needs a built binary, but {raw:?} is Go source"
        )),
        _ => None,
    }
}
