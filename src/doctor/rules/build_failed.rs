//! DD902 build-failed: the build vscode-go asks Delve to run fails.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD902"),
    name: "build-failed",
    severity: Severity::Error,
    title: "the build Delve runs for this configuration fails",
    explain: r#"
What it does
  For a launch configuration in mode debug, test or auto, runs the build `dlv dap` runs
  (Delve's pkg/gobuild): `go build -o OUT -gcflags "all=-N -l" BUILDFLAGS PROGRAM`, or
  `go test -c …` for test mode, in the program's folder, with go.toolsEnvVars and the
  configuration's env (Delve sets env in its own process before it builds). The
  configuration's buildFlags come after Delve's -gcflags when written as a string,
  before it when written as an array.

Why it breaks debugging
  VS Code shows "Build Error: …" and no session starts; no breakpoint can bind.

Fix
  The go command's own message says what: a flag go build does not define, a package
  that is not main, a missing module, a cgo compiler. Fix the configuration or the code,
  then run doctor again.

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  a cgo program with CGO_ENABLED=0 does not build; without it, main.main and main.go:13
  bind and stop (tests/it/doctor.rs).
"#,
};
