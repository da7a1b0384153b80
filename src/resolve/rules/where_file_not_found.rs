//! DD701 where-file-not-found: no file of the binary matches the location.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD701"),
    name: "where-file-not-found",
    severity: Severity::Error,
    title: "no file of the binary matches the location",
    explain: r#"
What it does
  Matches FILE against every file name in the DWARF line tables the way Delve's
  partialPathMatch does: FILE must be a suffix of the full path on a '/' boundary.

Why it breaks debugging
  Delve answers `location "FILE:LINE" not found`. Usual causes: the file was excluded by
  build tags or GOOS/GOARCH suffixes, it is a _test.go file (only in test binaries), it
  belongs to another module, or it has no code left after dead-code elimination.

Fix
  Check the build tags, build the test binary (go test -c), or use a longer/shorter path.

Verified with
  Delve 1.27.1 (dlv exec) on a Go 1.25.5 -N -l build: app/hello/main.go:26 does not
  bind; the first closest file with the same line does (tests/it/fix_proofs.rs).
"#,
};
