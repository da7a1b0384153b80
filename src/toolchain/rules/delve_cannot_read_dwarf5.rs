//! DD502 delve-cannot-read-dwarf5: this Delve cannot read the binary's DWARF 5.

use crate::diagnostic::{Rule, RuleId, Severity};

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
