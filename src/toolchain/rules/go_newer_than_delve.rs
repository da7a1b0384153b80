//! DD503 go-newer-than-delve: the binary's Go is newer than any Delve debugdoctor knows.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::go::GoVersion;
use crate::toolchain::compat;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD503"),
    name: "go-newer-than-delve",
    severity: Severity::Warning,
    title: "the binary's Go is newer than any Delve debugdoctor knows",
    explain: r#"
What it does
  The binary's Go version is newer than the newest Go any Delve release in debugdoctor's
  table supports.

Why it breaks debugging
  Delve refuses Go versions newer than it knows; a new Delve release usually follows each
  Go release within weeks.

Fix
  Install the newest Delve (go install github.com/go-delve/delve/cmd/dlv@latest); until
  one supports this Go, dlv --check-go-version=false at your own risk.

How to verify by hand
  dlv version;  go version BINARY
"#,
};

/// The binary's Go is newer than the newest Go any known Delve supports.
pub fn finding(go: GoVersion) -> Finding {
    Finding::new(
        &RULE,
        format!(
            "go1.{} is newer than any Delve release known here (newest: Go 1.{})",
            go.minor,
            compat::newest_supported_go()
        ),
    )
}
