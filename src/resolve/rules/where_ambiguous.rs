//! DD702 where-ambiguous: several files or functions match the location.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD702"),
    name: "where-ambiguous",
    severity: Severity::Error,
    title: "several files or functions match the location",
    explain: r#"
What it does
  Counts candidate files and functions as Delve's NormalLocationSpec.Find does.

Why it breaks debugging
  Delve refuses: "Location X ambiguous: a.go, b.go…".

Fix
  Give more path components (pkg/a/main.go:10) or the full function name.
"#,
};
