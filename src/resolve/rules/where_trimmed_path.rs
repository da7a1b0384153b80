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
  Add the printed substitutePath rule to launch.json: for vscode-go "from" is the
  editor's path and "to" the binary's. Delve's own terminal takes it the other way round:
  `config substitute-path BINARY-PATH EDITOR-PATH`, or in dlv's config.yml
  substitute-path: [{from: BINARY-PATH, to: EDITOR-PATH}]; written in launch.json's order
  there, Delve 1.27.1 still answers `location ... not found`.

Verified with
  Delve 1.27.1 and 1.20.2 (dlv exec, the rule reversed in dlv's config.yml) and Delve
  1.27.1 (dlv dap, the rule as printed in launch.json) on a Go 1.25.5 -trimpath build:
  the editor's path binds only with the rule (tests/it/fix_proofs.rs).
"#,
};
