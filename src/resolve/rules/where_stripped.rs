//! DD705 where-stripped: the binary has no DWARF: file:line cannot bind.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD705"),
    name: "where-stripped",
    severity: Severity::Error,
    title: "the binary has no DWARF: file:line cannot bind",
    explain: r#"
What it does
  Notices that the binary (and its debug file, if any) has no .debug_info.

Why it breaks debugging
  Delve 1.27 still finds functions through pclntab but answers "could not find file ...,
  binary is stripped" for FILE:LINE.

Fix
  Build without -ldflags=-s -w.

Verified with
  Delve 1.27.1 (dlv exec): Go 1.25.5 -s, -w and -s -w builds; after `debugdoctor
  rebuild`'s printed command, main.go:26 binds and `where` reports nothing
  (tests/it/fix_proofs.rs).
"#,
};
