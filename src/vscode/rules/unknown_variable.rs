//! DD416 unknown-variable: a ${...} variable VS Code cannot resolve.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD416"),
    name: "unknown-variable",
    severity: Severity::Error,
    title: "${...} variable VS Code does not define",
    explain: r#"
What it does
  Checks every ${...} in string values against the variables VS Code resolves
  (configurationResolver's variableResolver.ts: workspaceFolder, file, fileDirname,
  fileWorkspaceFolderBasename, execInstallFolder, ...; any of them scoped to a folder
  as ${name:folder}; env:NAME, config:..., command:..., input:...,
  extensionInstallFolder:publisher.extension).

Why it breaks debugging
  VS Code leaves an unknown ${...} in the value as written, so a program, cwd or
  substitutePath path that uses it names a directory that does not exist.

Fix
  Use a defined variable, e.g. ${workspaceFolder} (not ${workspaceDir}).

Verified with
  Delve 1.27.1 with Go 1.25.5 and Delve 1.20.2 with Go 1.19.8 (dlv dap, driven as
  vscode-go drives it, mode debug on the hello workspace), sent "${workspaceDir}" as VS
  Code leaves it. As "program": the build fails ("Build Error: go build ...
  ${workspaceDir}" with "malformed import path "${workspaceDir}": invalid char '$'").
  As "cwd": the build succeeds and the launch fails with "could not launch process:
  fork/exec BIN: no such file or directory", naming the binary, not the missing
  directory (tests/it/explain_verified.rs). Whether vscode-go stops such a program path
  before Delve sees it is not measured here.

How to verify by hand
  https://code.visualstudio.com/docs/reference/variables-reference
"#,
};
