//! DD107 not-go-binary: a valid executable, but not built by the Go toolchain.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD107"),
    name: "not-go-binary",
    severity: Severity::Error,
    title: "not a Go binary (no Go build info and no pclntab)",
    explain: r#"
What it does
  Looks for the two marks every Go executable has: the build info blob
  ("\xff Go buildinf:") and the runtime's function table (pclntab).

Why it matters
  debugdoctor's checks are for Go programs. A C program, a shell script wrapper or a
  packed binary is not diagnosed further. `check` exits with code 2. Delve is a Go
  debugger: it can stop in a C program that has DWARF, but nothing Go-specific
  (goroutines, Go types, Go function names) is there, and without DWARF it binds nothing.

Verified with
  Delve 1.27.1 and Delve 1.20.2 on a C program built with gcc 12 -g -O0: `break main`
  binds as C.main at c.c:2 and stops there. On /bin/true (C, no DWARF): Delve 1.27.1
  starts with "Warning: no debug info found" and answers `location "main" not found`;
  Delve 1.20.2 refuses ("could not open debug info").

Fix
  Point debugdoctor (and your launch.json "program") at the Go executable itself, not at
  a wrapper script or a non-Go tool.

How to verify by hand
  go version app        ("could not read Go build info" for non-Go files)
"#,
};

pub fn run(t: &Target) -> Vec<Finding> {
    if t.is_go() {
        return Vec::new();
    }
    let mut f = Finding::new(
        &RULE,
        format!(
            "not a Go binary ({} {} executable)",
            t.image().format().as_str(),
            t.image().arch_display()
        ),
    )
    .evidence("no Go build info (\\xff Go buildinf:)")
    .evidence("no pclntab");
    if let Some(p) = t
        .dwarf()
        .and_then(|d| d.units.iter().find_map(|u| u.producer.clone()))
    {
        f = f.evidence(format!("DW_AT_producer \"{p}\""));
    }
    vec![f.fix("point debugdoctor (and launch.json \"program\") at the Go executable itself")]
}
