//! DD415 duplicate-name: two Go configurations with the same name.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD415"),
    name: "duplicate-name",
    severity: Severity::Warning,
    title: "two configurations share a name",
    explain: r#"
What it does
  Compares the "name" of every Go configuration.

Why it breaks debugging
  VS Code lists configurations by name; with duplicates the Run view and compound
  configurations pick one of them, often not the one just edited, so the flags and
  paths you fixed are not the ones used.

Fix
  Give each configuration a unique name.

How to verify by hand
  Open the Run and Debug drop-down: the name appears twice.
"#,
};
