//! DD504 delve-too-new: the binary's Go is older than this Delve supports.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::go::GoVersion;
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD504"),
    name: "delve-too-new",
    severity: Severity::Error,
    title: "the binary's Go is older than this Delve supports",
    explain: concat!(
        r#"
What it does
  The binary's Go version is below the minimum the installed Delve accepts.

Why it breaks debugging
  Delve refuses to start: "Go version go1.19.8 is too old for this version of Delve
  (minimum supported version 1.25, suppress this error with --check-go-version=false)"
  (Delve 1.27.1). Like every version check of Delve it reads the Go version from the DWARF
  producer: a binary without DWARF is not checked (DD508). With
  --check-go-version=false, Delve 1.27.1 printed "WARNING: undefined behavior" and then
  debugged Go 1.19 and 1.21 builds fully (breakpoints, variables, stack), but nothing
  promises that for other versions.
"#,
        verified_with!(),
        r#"
Fix
  Rebuild the program with a Go the Delve supports, or install an older Delve matching it
  (go install github.com/go-delve/delve/cmd/dlv@v1.20.2 for Go 1.18-1.20,
  dlv@v1.21.2 for 1.19-1.21), or run dlv with --check-go-version=false
  (VS Code: "dlvFlags": ["--check-go-version=false"]).
  Verified: for a Go 1.19.8 build, Delve 1.27.1 refuses main.main; with Delve 1.20.2
  `env` reports no error and dlv exec, its version check on, binds main.main and
  main.go:26 (tests/it/fix_proofs.rs).

How to verify by hand
  dlv version;  go version BINARY;  dlv exec BINARY
"#
    ),
};

/// The installed Delve (`version`) accepts Go 1.lo–1.hi; the binary's Go is older.
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
            "Delve {version} supports Go 1.{lo}–1.{hi}{how}; {} is go1.{}.{}: dlv exec refuses it",
            t.path().display(),
            go.minor,
            go.patch
        ),
    )
    .fix("rebuild the program with a newer Go, or use an older Delve")
}
