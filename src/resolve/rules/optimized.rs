//! DD707 optimized-location: bound in optimised code: stepping and variables are unreliable.

use crate::checks::Rule;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    id: "DD707",
    name: "optimized-location",
    severity: Severity::Warning,
    title: "bound in optimised code: stepping and variables are unreliable",
    explain: r#"
What it does
  The location binds, but the code there was compiled with optimisation (its compile unit's
  DW_AT_producer lacks -N or -l), as Delve decides per unit.

Why it breaks debugging
  Delve warns "debugging optimized function"; variables can be unreadable or missing,
  and the stop may happen in a different order than the source suggests.

Fix
  go build -gcflags=all=-N -l   (all= so dependencies are included)

How to verify by hand
  dlv exec ./app, then: break LOCATION, continue  (prints the optimized-function warning)
"#,
};
