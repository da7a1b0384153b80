//! DD507 tool-missing: a debugging tool was not found.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD507"),
    name: "tool-missing",
    severity: Severity::Info,
    title: "a debugging tool was not found",
    explain: r#"
What it does
  Looks for go, dlv and gdb on PATH (or where --go/--dlv and go.alternateTools say).

Why it matters for debugging
  Without dlv nothing can debug Go here (vscode-go needs it too); without go, vscode-go
  cannot build the program in debug mode.

Fix
  go install github.com/go-delve/delve/cmd/dlv@latest (needs go);
  apt-get install golang gdb, or your platform's packages.

How to verify by hand
  command -v go dlv gdb
"#,
};
