//! DD412 substitute-path-unmatched: a substitutePath entry whose remote side prefixes no source file recorded in the binary.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD412"),
    name: "substitute-path-unmatched",
    severity: Severity::Warning,
    title: "substitutePath to-side matches no file in the binary",
    explain: r#"
What it does
  When the binary is known (exec mode, or --binary), compares each entry's "to" with
  the source file names in the DWARF line tables.

Why it breaks debugging
  A rule that matches nothing rewrites nothing; breakpoints in the files it was meant
  for stay unverified.

Fix
  Set "to" to the directory the binary was built in (the prefix of its recorded paths).

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  an exec binary built in another folder; after "to" is set to that folder (the
  directory of the example file in the message), main.main and main.go:26 bind and
  stop (tests/it/fix_proofs.rs).

How to verify by hand
  debugdoctor paths <binary>; readelf --debug-dump=line <binary> | grep -m5 "\.go"
"#,
};
