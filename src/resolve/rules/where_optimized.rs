//! DD707 where-optimized: bound in optimised code: variables may be unavailable.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD707"),
    name: "where-optimized",
    severity: Severity::Warning,
    title: "bound in optimised code: variables may be unavailable",
    explain: r#"
What it does
  Reads the unit owning each bound address: a Go package compiled without -N -l (its
  DW_AT_producer flags), or C code of a cgo program compiled with optimisation (the C
  compiler's DW_AT_producer names -O1/-O2/-O3/-Os; cgo's default CGO_CFLAGS is "-O2 -g").

Why it breaks debugging
  The breakpoint binds and is hit, but Delve warns "debugging optimized function":
  locals may be missing or wrong, and stepping jumps between lines.

Fix
  Go: go build -gcflags=all="-N -l" (vscode-go's debug mode does it).
  C (cgo): CGO_CFLAGS="-O0 -g" go build -gcflags=all="-N -l"

Verified with
  Delve 1.27.1 (dlv exec): a default Go 1.25.5 build; after `debugdoctor rebuild`'s
  printed command, main.go:26 binds and `where` no longer warns
  (tests/it/fix_proofs.rs).
"#,
};
