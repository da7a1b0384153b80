//! DD701 file-not-found: no source file of the binary matches the location.

use crate::checks::Rule;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    id: "DD701",
    name: "file-not-found",
    severity: Severity::Error,
    title: "no source file of the binary matches the location",
    explain: r#"
What it does
  Matches the file part of FILE:LINE the way Delve does: as a suffix of the file names
  recorded in the DWARF line tables, on a path-separator boundary (case-insensitive for
  Windows binaries). No recorded file matches.

Why it breaks debugging
  Delve answers "could not find file" / "location not found" and the breakpoint never
  exists. Common causes: the file is excluded by a build constraint (//go:build, _linux.go
  suffixes) or -tags, it is a _test.go file and the binary is not a test binary (go test
  -c), it belongs to another module or binary, or the path was typed from the editor while
  the binary records other paths (-trimpath, container builds: see DD706).

Fix
  Break in a file the binary was built from (debugdoctor where --breakable FILE lists what
  is there); build with the tags that include the file; debug the test binary for
  _test.go files (dlv test, or go test -c -gcflags=all=-N -l).

How to verify by hand
  dlv exec ./app, then: sources FILE   (lists matching source files)
"#,
};
