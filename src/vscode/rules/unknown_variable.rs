//! DD416 unknown-variable: a ${...} variable VS Code cannot resolve.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD416"),
    name: "unknown-variable",
    severity: Severity::Error,
    title: "${...} variable VS Code does not define",
    explain: r#"
What it does
  Checks every ${...} in string values against the variables VS Code predefines
  (workspaceFolder, file, fileDirname, env:NAME, config:..., command:..., input:...).

Why it breaks debugging
  VS Code refuses to start the session ("Variable X can not be resolved"), or for
  some misspellings passes the text through literally, so paths do not exist.

Fix
  Use a defined variable, e.g. ${workspaceFolder} (not ${workspaceDir}).

How to verify by hand
  https://code.visualstudio.com/docs/reference/variables-reference
"#,
};
