//! DD502 delve-cannot-read-dwarf5: this Delve cannot read the binary's DWARF 5.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::go::GoVersion;
use crate::toolchain::detect::DlvTool;
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD502"),
    name: "delve-cannot-read-dwarf5",
    severity: Severity::Error,
    title: "this Delve cannot read the binary's DWARF 5",
    explain: r#"
What it does
  Reads the Go version the dlv executable was built with (its own build info) and the
  DWARF version of the binary.

Why it breaks debugging
  Go 1.25 emits DWARF 5 by default (not on darwin). Delve reads DWARF with Go's
  debug/dwarf; one built with Go older than 1.25 cannot read Go's DWARF 5 (dlv PR#3943,
  issues #3957, #4268): breakpoints fail or Delve errors while loading the binary.

Fix
  Rebuild/reinstall Delve with Go >= 1.25 (go install github.com/go-delve/delve/cmd/dlv@latest
  with a Go 1.25+ toolchain), or build the program with GOEXPERIMENT=nodwarf5.

How to verify by hand
  go version -m $(which dlv) | head -1;  readelf --debug-dump=info BINARY | grep -m1 Version
"#,
};

/// DWARF 5 in the binary, and a dlv built with Go < 1.25 (read from dlv's build info).
pub fn check(t: &Target, dlv: &DlvTool) -> Option<Finding> {
    if t.dwarf().is_none_or(|d| d.version < 5) {
        return None;
    }
    let b = dlv
        .built_with
        .as_deref()
        .and_then(GoVersion::parse)
        .filter(|b| !b.at_least(1, 25))?;
    Some(
        Finding::new(
            &RULE,
            format!(
                "this dlv was built with go1.{}.{}; DWARF 5 needs Delve built with Go >= 1.25",
                b.minor, b.patch
            ),
        )
        .evidence(format!(
            "{}: build info of {}",
            dlv.built_with.as_deref().unwrap_or(""),
            dlv.path
        ))
        .evidence("binary: DWARF 5 compile units")
        .fix("go install github.com/go-delve/delve/cmd/dlv@latest with Go >= 1.25, or build the program with GOEXPERIMENT=nodwarf5"),
    )
}
