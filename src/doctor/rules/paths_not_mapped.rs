//! DD901 paths-not-mapped: the binary's own source files do not resolve to this
//! workspace through the configuration's substitutePath.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD901"),
    name: "paths-not-mapped",
    severity: Severity::Error,
    title: "the binary's source paths do not map to the workspace through substitutePath",
    explain: r#"
What it does
  Takes every source file of the binary's main module (and go.work modules) as recorded
  in its DWARF line tables (the pclntab when there is none), maps each to a local path
  through the configuration's "substitutePath" exactly as Delve's dap server does
  (toClientPath: the first rule whose "to" prefixes the path, on a separator boundary;
  Windows paths case-insensitively), and checks that the file exists in the workspace.

Why it breaks debugging
  VS Code sends breakpoints as absolute paths of the workspace. Delve maps them with the
  same rules in the other direction and looks for that path among the binary's files: a
  binary built in a container (/app/main.go), on another machine or with -trimpath
  (example.com/m/main.go) has other paths, so every breakpoint stays grey ("could not
  find file"), while `launch` and `check` see nothing wrong with either file alone.

Fix
  The substitutePath rules debugdoctor prints (from = the workspace folder, to = the
  directory recorded in the binary); `doctor --fix` writes them into launch.json keeping
  comments. `debugdoctor paths BINARY --workspace DIR` shows every file.

Verify
  debugdoctor doctor again (paths ok), then in VS Code the breakpoint turns red; or
  debugdoctor where BINARY --launch .vscode/launch.json --config NAME $PWD/main.go:LINE.

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  a binary built in another folder; after `doctor --fix` wrote substitutePath, main.main
  and main.go:26 bind and stop, also for go.work and remote attach (tests/it/doctor.rs).
"#,
};
