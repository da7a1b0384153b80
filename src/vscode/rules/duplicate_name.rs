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

Verified with
  Delve never reads "name": it is VS Code's label, and no field of Delve's launch or
  attach arguments is called that (service/dap/types.go in Delve 1.27.1). Delve 1.27.1
  (Go 1.25.5 build) and 1.20.2 (Go 1.19.8 build), `dlv dap` in mode debug on the hello
  workspace, sent "name": 42, which a string field could not decode: the session starts
  and stops at main.main and main.go:26; "stopOnEntry": 42, a field Delve reads, fails
  the launch ("cannot unmarshal number") (tests/it/explain_verified.rs). Which of two
  equal names the Run view picks is VS Code's behaviour, not measured here.

How to verify by hand
  Open the Run and Debug drop-down: the name appears twice.
"#,
};
