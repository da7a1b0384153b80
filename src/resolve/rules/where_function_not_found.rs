//! DD704 where-function-not-found: no function of that name.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD704"),
    name: "where-function-not-found",
    severity: Severity::Error,
    title: "no function of that name",
    explain: r#"
What it does
  Looks the name up as Delve does (exact name, then package/receiver/base matching) among
  DWARF subprograms, their inlined instances, and pclntab.

Why it breaks debugging
  Delve: `location "F" not found`. The function may have been removed as dead code, or
  (with an abstract DWARF entry only) inlined everywhere with no standalone body.

Fix
  Check the spelling (closest names are listed); build with -gcflags=all=-N -l to keep
  every function.

Verified with
  Delve 1.27.1 (dlv exec) on a Go 1.25.5 -N -l build: main.gret does not bind; the first
  closest name (main.greet) does (tests/it/fix_proofs.rs).
"#,
};
