//! DD708 where-bad-spec: the location spec cannot be resolved offline.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD708"),
    name: "where-bad-spec",
    severity: Severity::Error,
    title: "the location spec cannot be resolved offline",
    explain: r#"
What it does
  Parses the spec with Delve's grammar.

Why it breaks debugging
  Malformed specs fail in Delve; offsets (+N) and expressions need a running process;
  an address outside every function has nowhere to go.

Fix
  Use FUNC, FILE:LINE, FUNC:LINE, *ADDRESS or /regex/.
"#,
};
