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

How to verify by hand
  https://code.visualstudio.com/docs/reference/variables-reference
"#,
};
