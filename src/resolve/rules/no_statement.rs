//! DD703 no-statement: the line has no statement: nothing to stop at.

use crate::checks::Rule;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    id: "DD703",
    name: "no-statement",
    severity: Severity::Error,
    title: "the line has no statement: nothing to stop at",
    explain: r#"
What it does
  The file is in the binary, but its line table has no instruction for that exact line.

Why it breaks debugging
  Delve does not move a breakpoint to a nearby line: it answers "could not find statement
  at FILE:LINE, please use a line with a statement". Comment lines, blank lines,
  declarations (func headers of inlined-away functions, type and var blocks), a closing
  brace that generates no code, or code the compiler removed all have no statement.

Fix
  Use one of the nearest lines with a statement (listed), or build with
  -gcflags=all=-N -l so fewer lines are optimised away.

How to verify by hand
  debugdoctor where --breakable FILE;  objdump --dwarf=decodedline app | grep FILE
"#,
};
