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

Verified with
  Delve 1.27.1 (`dlv exec` of a Go 1.25.5 build, before `continue`): `break main.go:`
  and `break main.go:abc` fail with "Malformed breakpoint location ... line offset
  negative or not a number"; `break +3` is taken from where the new process stands (the
  entry point, rt0_linux_amd64.s:11) and fails with "could not find statement";
  `break *0x1` fails with "input/output error".

Fix
  Use FUNC, FILE:LINE, FUNC:LINE, *ADDRESS or /regex/.
"#,
};
