//! DD406 not-for-mode: an attribute that this request or mode does not use.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD406"),
    name: "not-for-mode",
    severity: Severity::Warning,
    title: "attribute not used by this request or mode",
    explain: r#"
What it does
  Flags attributes that belong to the other request (processId on launch, program or
  env on attach) or to another mode (buildFlags and output outside debug/test,
  coreFilePath outside core, traceDirPath outside replay).

Why it breaks debugging
  vscode-go ignores them. buildFlags on an exec configuration do not rebuild your
  binary; processId on a launch does not attach. The setting you rely on is not the
  one in effect.

Fix
  Remove the attribute or change request/mode. For exec, pass the flags to the go
  build that makes the binary.

How to verify by hand
  Compare with vscode-go docs/debugging.md, the launch and attach attribute tables.
"#,
};
