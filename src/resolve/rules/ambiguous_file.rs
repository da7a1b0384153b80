//! DD702 ambiguous-file: several files of the binary match the location.

use crate::checks::Rule;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    id: "DD702",
    name: "ambiguous-file",
    severity: Severity::Error,
    title: "several files of the binary match the location",
    explain: r#"
What it does
  The file part matches more than one distinct source file of the binary (e.g. main.go in
  two packages). Delve refuses such a location: "Location ... ambiguous".

Why it breaks debugging
  The breakpoint is not set at all; in VS Code it shows as unverified.

Fix
  Add enough leading directories to make the path unique (cmd/server/main.go:12), or
  use the absolute path the binary records.

How to verify by hand
  dlv exec ./app, then: sources main.go
"#,
};
