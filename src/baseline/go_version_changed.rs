//! DD804 go-version-changed: the binary was built with another Go version than the
//! baseline recorded (build info, or the DWARF producer when build info is missing).

use super::BuildFacts;
use crate::diagnostic::{Finding, Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD804"),
    name: "go-version-changed",
    severity: Severity::Warning,
    title: "built with a different Go version than in the baseline",
    explain: r#"
What it does
  With `check --baseline FILE`, compares the Go version that built the binary (build
  info, else the DW_AT_producer "Go cmd/compile go1.25.5") with the baseline's.

Why it matters for debugging
  Delve refuses or misreads binaries from a Go version newer than it supports
  ("Go version go1.27 is too recent for this version of Delve"), and Go versions change
  the DWARF they write (DWARF 5 since Go 1.25, see DD104). A toolchain upgrade is
  routine, so this is a warning: check that the team's Delve and VS Code Go extension
  support the new version.

Fix
  Upgrade Delve (`go install github.com/go-delve/delve/cmd/dlv@latest`) and record the
  new state with `check --write-baseline FILE`; or pin the toolchain (`toolchain` line in
  go.mod, GOTOOLCHAIN) if the change was not intended.

Verified with
  Delve 1.27.1 (dlv exec) on hello built by Go 1.21.13, then by Go 1.25.5: `env` reports
  no error with it; after --write-baseline, the drift is gone and main.main and
  main.go:26 bind (tests/it/fix_proofs.rs). Not applied on the machine debugdoctor's
  tests run on: `go install ...dlv@latest`, for no Go module proxy is reachable there.

How to verify by hand
  go version app
  dlv version
"#,
};

/// DD804 when the Go version changed.
pub fn drift(old: &BuildFacts, new: &BuildFacts) -> Option<Finding> {
    if let (Some(a), Some(b)) = (&old.go_version, &new.go_version) {
        if a != b {
            return Some(
                Finding::new(&RULE, format!("Go version changed: {a} → {b}"))
                    .evidence("Go build info / DW_AT_producer")
                    .fix("make sure the team's Delve supports it, then --write-baseline"),
            );
        }
    }
    None
}
