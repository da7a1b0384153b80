//! DD503 go-newer-than-delve: the binary's Go is newer than any Delve debugdoctor knows.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::go::GoVersion;
use crate::toolchain::compat;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD503"),
    name: "go-newer-than-delve",
    severity: Severity::Error,
    title: "the binary's Go is newer than any Delve debugdoctor knows",
    explain: concat!(
        r#"
What it does
  The binary's Go version is newer than the newest Go any Delve release in debugdoctor's
  table supports.

Why it breaks debugging
  Delve refuses Go versions newer than it supports ("Version of Delve is too old for Go
  version ..."), so an installed Delve of a release in the table refuses it (error). A
  Delve newer than the table may support it: then this is a warning. A new Delve release
  usually follows each Go release within weeks.
"#,
        verified_with!(),
        r#"
Fix
  Install the newest Delve (go install github.com/go-delve/delve/cmd/dlv@latest); until
  one supports this Go, dlv --check-go-version=false at your own risk.

How to verify by hand
  dlv version;  go version BINARY
"#
    ),
};

/// The binary's Go is newer than the newest Go any known Delve supports. The installed
/// Delve 1.`delve_minor` refuses it when it is a release in the table (error); a newer one
/// may not (warning).
pub fn finding(go: GoVersion, delve_minor: u32) -> Finding {
    let f = Finding::new(
        &RULE,
        format!(
            "go1.{} is newer than any Delve release known here (newest: Go 1.{})",
            go.minor,
            compat::newest_supported_go()
        ),
    );
    if delve_minor > compat::newest_delve() {
        f.severity(Severity::Warning)
    } else {
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Delve release in the table refuses a newer Go for certain; a newer Delve may not.
    #[test]
    fn refusal_is_certain_only_for_known_delves() {
        let go = GoVersion::parse("go1.99.0").unwrap();
        assert_eq!(finding(go, 20).severity, Severity::Error);
        assert_eq!(
            finding(go, compat::newest_delve()).severity,
            Severity::Error
        );
        assert_eq!(
            finding(go, compat::newest_delve() + 1).severity,
            Severity::Warning
        );
    }
}
