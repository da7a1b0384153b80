//! DD706 where-trimmed-path: the path matches only after a substitutePath rule.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD706"),
    name: "where-trimmed-path",
    severity: Severity::Error,
    title: "the path matches only after a substitutePath rule",
    explain: r#"
What it does
  When an absolute path does not match, compares trailing path components with the
  binary's file names (trimmed by -trimpath, or built on another machine).

Why it breaks debugging
  Delve: `location "/abs/main.go:16" not found` unless substitutePath maps the path.

Fix
  Add the printed substitutePath rule to launch.json (or `config substitute-path`).
"#,
};
