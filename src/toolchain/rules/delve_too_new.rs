//! DD504 delve-too-new: the binary's Go is older than this Delve supports.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::go::GoVersion;
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD504"),
    name: "delve-too-new",
    severity: Severity::Warning,
    title: "the binary's Go is older than this Delve supports",
    explain: r#"
What it does
  The binary's Go version is below the minimum the installed Delve accepts.

Why it breaks debugging
  Delve refuses ("Go version 1.18 is too old for this version of Delve") or warns; old
  runtime layouts are no longer understood.

Fix
  Rebuild the program with a supported Go, or install an older Delve matching it
  (go install github.com/go-delve/delve/cmd/dlv@v1.20.2 for Go 1.18-1.20).

How to verify by hand
  dlv version;  go version BINARY
"#,
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
            "Delve {version} supports Go 1.{lo}–1.{hi}{how}; {} is go1.{}",
            t.path().display(),
            go.minor
        ),
    )
    .fix("rebuild the program with a newer Go, or use an older Delve")
}
