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

How to verify by hand
  debugdoctor paths <binary>; readelf --debug-dump=line <binary> | grep -m5 "\.go"
"#,
};
