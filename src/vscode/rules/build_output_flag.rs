//! DD419 build-output-flag: "-o" in buildFlags, where "output" is meant.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD419"),
    name: "build-output-flag",
    severity: Severity::Error,
    title: "buildFlags -o: Delve cannot find the binary it built",
    explain: r#"
What it does
  Finds -o in buildFlags of a debug, test or auto configuration.

Why it breaks debugging
  Delve builds with `go build -o <output> -gcflags=all=-N -l <buildFlags> <package>` and
  then starts <output>. A later -o wins (measured with Go 1.25: two -o, the last one
  is used), so the binary is written somewhere else and Delve fails to start the
  program it expected (no such file).

Fix
  Remove -o from buildFlags (`--fix` does) and set "output" if the binary's location
  matters.

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  after `doctor --fix`, main.main and main.go:26 bind and stop (tests/it/doctor.rs).

How to verify by hand
  Start the configuration with "showLog": true and read the build command and the
  launch error in the Debug Console.
"#,
};

/// `-o` (or `-o=path`) in buildFlags.
pub fn finding(value: Option<&str>) -> Finding {
    let shown = value
        .map(|v| format!("-o {v}"))
        .unwrap_or_else(|| "-o".into());
    Finding::new(
        &RULE,
        format!(
            "buildFlags {shown}: Delve builds to its own output path and runs that; a later -o writes the binary elsewhere and the launch fails"
        ),
    )
    .fix("remove -o from buildFlags; use \"output\" to choose where the binary goes")
}
