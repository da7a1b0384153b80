//! DD407 gcflags-ignored: buildFlags pass -gcflags, which vscode-go drops.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD407"),
    name: "gcflags-ignored",
    severity: Severity::Warning,
    title: "buildFlags -gcflags is ignored by vscode-go",
    explain: r#"
What it does
  Finds -gcflags in a buildFlags string. vscode-go removes -gcflags only from a string;
  an array buildFlags reaches `go build` after Delve's own -gcflags and is not reported.

Why it breaks debugging
  vscode-go (through dlv) always builds debug and test configurations with
  -gcflags=all="-N -l" and drops a user -gcflags ("User specified build flag
  '-gcflags' in 'buildFlags' is being ignored"). Flags you expect, such as a
  build tag or -d=checkptr, are not applied, and people add -gcflags=-N -l believing
  it fixes optimised code when it already is off.

Fix
  Remove -gcflags from buildFlags (`--fix` does). Use -tags for build tags.

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  the build was optimised; after `doctor --fix`, main.main and main.go:26 bind and stop
  (tests/it/doctor.rs).

How to verify by hand
  Start the session with "showLog": true and read the dlv build command line in the
  Debug Console.
"#,
};

/// `-gcflags` in buildFlags (the fix removes it and its value).
pub fn finding() -> Finding {
    Finding::new(
        &RULE,
        "buildFlags -gcflags is ignored: vscode-go builds with -gcflags=all=\"-N -l\" and drops yours",
    )
    .fix("remove -gcflags from buildFlags")
}
