//! DD203 inlining-enabled: functions of the main package were inlined into their callers.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD203"),
    name: "inlining-enabled",
    severity: Severity::Warning,
    title: "inlining on: calls in main were inlined",
    explain: r#"
What it does
  Checks whether the main package was compiled without -l, and counts the inlined call
  sites (DW_TAG_inlined_subroutine) in its compile unit.

Why it matters for debugging
  An inlined function has no call of its own: a breakpoint on it binds at every inlined
  copy (or, when every call was inlined and the body dropped, only there), `step` does not
  enter a frame, and its arguments are often unavailable. Breakpoints on lines of small
  helper functions may hit in unexpected places.

Fix
  go build -gcflags=all=-l       (or all=-N -l for full debuggability)

Verified with
  Delve 1.27.1 (dlv exec): `debugdoctor rebuild`'s printed command, run as printed on
  the Go 1.25.5 hello build that raises this, clears the finding, and Delve binds
  main.main and main.go:26 in the rebuilt binary (tests/it/fix_proofs.rs).

How to verify by hand
  Inlined call sites in package main only (a plain grep -c counts every package):
  readelf --debug-dump=info app | awk '/DW_TAG_compile_unit/{m=0; c=1}
      c && /DW_AT_name/{m=($NF=="main"); c=0} m && /DW_TAG_inlined_subroutine/{n++}
      END{print n+0}'
"#,
};

pub fn run(t: &Target) -> Vec<Finding> {
    let Some(d) = t.dwarf() else {
        return Vec::new();
    };
    let mains: Vec<_> = d.go_units().filter(|u| u.name == "main").collect();
    if mains.is_empty() || mains.iter().all(|u| u.flags.no_inline) {
        return Vec::new();
    }
    let Some(g) = t.gimli() else {
        return Vec::new();
    };
    let count: usize = mains
        .iter()
        .map(|u| crate::dwarf::inlined_call_count(&g, u))
        .sum();
    if count == 0 {
        return Vec::new();
    }
    vec![Finding::new(
        &RULE,
        format!(
            "{count} call {} inlined into package main",
            if count == 1 { "site" } else { "sites" }
        ),
    )
    .evidence(format!(
        "DW_AT_producer \"{}\" on main (no -l)",
        mains[0].producer.as_deref().unwrap_or("")
    ))
    .evidence(format!(
        "{count} DW_TAG_inlined_subroutine {} in the main compile unit",
        if count == 1 { "entry" } else { "entries" }
    ))
    .fix(format!(
        "{} -gcflags=\"all=-N -l\"",
        crate::checks::rebuild_command(t)
    ))]
}
