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

Verified with
  Delve 1.27.1 (dlv exec) on a Go 1.25.5 -N -l build: print.go:314 does not bind;
  fmt/print.go:314 (two components of the listed fmt file) does
  (tests/it/fix_proofs.rs).
"#,
};
