//! DD705 stripped: no DWARF: only function names can be resolved.

use crate::checks::Rule;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    id: "DD705",
    name: "stripped",
    severity: Severity::Error,
    title: "no DWARF: only function names can be resolved",
    explain: r#"
What it does
  The binary (and any separate debug file) has no DWARF: -ldflags=-s -w, -w, strip, or a
  go run / go test build. Function names still resolve through the Go runtime's pclntab.

Why it breaks debugging
  FILE:LINE breakpoints cannot bind ("could not find file ..., binary is stripped");
  a FUNC breakpoint lands on the function entry, before the prologue, and variables are
  not readable.

Fix
  Rebuild without -s/-w: go build -gcflags=all=-N -l; or keep the debug info in a
  separate file (objcopy --only-keep-debug) and point Delve at it.

How to verify by hand
  readelf -S app | grep debug_   (nothing)
"#,
};
