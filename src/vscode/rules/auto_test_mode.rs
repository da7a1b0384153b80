//! DD409 auto-test-mode: "mode": "auto" will run tests because the program or active file is a _test.go.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD409"),
    name: "auto-test-mode",
    severity: Severity::Warning,
    title: "mode auto resolves to test for a _test.go file",
    explain: r#"
What it does
  With "mode": "auto" (the default of the snippets), vscode-go picks "test" when the
  program or the active editor file (--file) ends in _test.go, and "debug" otherwise. A
  program that is a .go file decides by itself (the active file does not count), so
  only a folder program is reported.

Why it breaks debugging
  Launched from a test file, the same configuration builds the test binary instead of
  main: breakpoints in main() never hit, and test-only breakpoints hit only then.

Fix
  Set "mode": "debug" (or "test") explicitly.

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace
  with a main_test.go focused): after the printed "mode": "debug", main.main and
  main.go:26 bind and stop (tests/it/fix_proofs.rs).

How to verify by hand
  Start the configuration with a _test.go file focused and read the dlv command in the
  Debug Console (dlv test vs dlv debug).
"#,
};

/// `"mode": "auto"` turned into test by the active `_test.go` file.
pub fn finding(active_file: &str) -> Finding {
    Finding::new(
        &RULE,
        format!(
            "mode \"auto\" becomes \"test\" with the active file {active_file}: main() is not run"
        ),
    )
    .fix("set \"mode\": \"debug\" (or \"test\") explicitly")
}
