//! DD703 where-no-statement: the line has no statement.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD703"),
    name: "where-no-statement",
    severity: Severity::Error,
    title: "the line has no statement",
    explain: r#"
What it does
  Looks for line-table rows of exactly that line in every unit holding the file, and the
  inlined call sites made from that line. Delve does not snap to a nearby line.

Why it breaks debugging
  Delve: "could not find statement at FILE:LINE, please use a line with a statement".
  Comments, blank lines, declarations and code removed by the optimiser have no rows.
  When the lines around it have code of one optimised function, the message says so:
  the optimiser merged or dropped the line's statement (often in an inlined helper).

Fix
  Use one of the nearest bindable lines listed (`debugdoctor where --breakable FILE`);
  for a line in optimised code they are lines of the same function. Or rebuild with
  go build -gcflags="all=-N -l", which keeps a statement on every line with code.

Verified with
  Delve 1.27.1 (dlv exec) on a Go 1.25.5 -N -l build: main.go:23 does not bind; the
  first nearest line listed does (tests/it/fix_proofs.rs).

How to verify by hand
  dlv exec ./app, then `break FILE:LINE` prints the same message.
"#,
};
