//! DD707 where-optimized: bound in optimised code: variables may be unavailable.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD707"),
    name: "where-optimized",
    severity: Severity::Warning,
    title: "bound in optimised code: variables may be unavailable",
    explain: r#"
What it does
  Reads the producer flags (-N -l) of the unit owning each bound address.

Why it breaks debugging
  Delve warns "debugging optimized function"; locals may be missing or wrong.

Fix
  go build -gcflags=all=-N -l
"#,
};
