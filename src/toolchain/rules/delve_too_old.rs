//! DD501 delve-too-old: Delve is older than the binary's Go version.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::go::GoVersion;
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD501"),
    name: "delve-too-old",
    severity: Severity::Error,
    title: "Delve is older than the binary's Go version",
    explain: concat!(
        r#"
What it does
  Compares the binary's Go version with the range the installed Delve accepts (its
  pkg/goversion/compat.go: Delve 1.N supports Go up to 1.N since Delve 1.18).

Why it breaks debugging
  Delve refuses to start: "Version of Delve is too old for Go version 1.25.5 (maximum
  supported version 1.20, suppress this error with --check-go-version=false)". Delve takes
  the Go version from the DWARF producer, so a binary without DWARF is not checked (DD508
  says what happens then). With the check suppressed it runs, on a runtime layout it was
  not written for: measured with Delve 1.20.2 on Go 1.21, 1.25 and 1.27 builds,
  breakpoints bind and stop and DWARF 4 variables read, but it logs "could not patch
  runtime.mallogc", and on DWARF 5 builds variables are lost (DD502). Goroutine and stack
  listings of a newer runtime are not guaranteed.
"#,
        verified_with!(),
        r#"
Fix
  go install github.com/go-delve/delve/cmd/dlv@latest   (then check: dlv version)
  In VS Code: "Go: Install/Update Tools", or point go.alternateTools.dlv at the new one.

How to verify by hand
  dlv version;  go version BINARY;  dlv exec BINARY
"#
    ),
};

/// The installed Delve (`version`) accepts Go 1.lo–1.hi; the binary's Go is newer.
pub fn finding(
    t: &Target,
    go: GoVersion,
    version: &str,
    (lo, hi): (u32, u32),
    how: &str,
) -> Finding {
    Finding::new(
        &RULE,
        format!(
            "Delve {version} supports Go 1.{lo}–1.{hi}{how}; {} is go1.{}.{}",
            t.path().display(),
            go.minor,
            go.patch
        ),
    )
}
