//! DD413 no-debug: "noDebug": true disables breakpoints.

use jsonc_parser::ast::{ObjectProp, Value};

use crate::diagnostic::{Finding, Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD413"),
    name: "no-debug",
    severity: Severity::Error,
    title: "noDebug true runs the program without the debugger",
    explain: r#"
What it does
  Finds "noDebug": true in a Go configuration.

Why it breaks debugging
  noDebug is what "Run Without Debugging" sets: vscode-go runs the program with go run
  or the binary directly, Delve is not involved, and no breakpoint can be hit.

Fix
  Remove "noDebug" (or set it to false) and start with F5.

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  after the printed removal of noDebug, main.main and main.go:26 bind and stop
  (tests/it/fix_proofs.rs).

How to verify by hand
  The Debug toolbar shows no pause button, and the Debug Console shows go run.
"#,
};

/// `"noDebug": true`.
pub fn check(p: &ObjectProp<'_>) -> Option<Finding> {
    matches!(p.value, Value::BooleanLit(ref b) if b.value).then(|| {
        Finding::new(
            &RULE,
            "\"noDebug\": true runs the program without Delve: no breakpoint can be hit",
        )
        .fix("remove \"noDebug\"")
    })
}
