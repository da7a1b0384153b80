//! DD704 function-not-found: no function of that name in the binary.

use crate::checks::Rule;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    id: "DD704",
    name: "function-not-found",
    severity: Severity::Error,
    title: "no function of that name in the binary",
    explain: r#"
What it does
  Looks the name up as Delve does: the full name (main.main, pkg.(*T).M, pkg.F[...]) or
  a unique partial match (greet, T.M), among DWARF functions, inlined functions and,
  without DWARF, the pclntab.

Why it breaks debugging
  "could not find function": the function does not exist in this binary. It may have
  been removed by the linker's dead-code elimination (never called), inlined everywhere
  with no inlined call left, spelt differently (method receivers, generic instantiation
  names), or live in another binary.

Fix
  Use a name from the list of closest names; for an unused function, call it (or build
  a binary that does); break on a line inside it instead.

How to verify by hand
  go tool nm app | grep NAME;  dlv exec ./app, then: funcs NAME
"#,
};
