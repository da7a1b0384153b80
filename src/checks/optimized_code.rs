//! DD201 optimized-code: the main package (and usually everything else) was compiled with
//! optimisations, so Delve reports "optimized function" and variables go missing.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD201"),
    name: "optimized-code",
    severity: Severity::Error,
    title: "compiled with optimisations: lines skipped, variables unavailable",
    explain: r#"
What it does
  Reads DW_AT_producer of every Go compile unit ("Go cmd/compile go1.25.5; -N -l regabi")
  and counts the packages compiled without both -N (no optimisation) and -l (no inlining).
  Delve makes the same decision per unit: optimised unless both flags are present.

Why it breaks debugging
  Optimised code reorders and merges statements and keeps variables in registers. Delve
  warns "Warning: debugging optimized function", breakpoints on some lines bind elsewhere
  or not at all, stepping jumps around, and locals show as "(unreadable ...)" or are
  missing. Go's default build is optimised and inlines (the claim that Go 1.21+ builds
  with -N -l by default is false).

Fix
  go build -gcflags="all=-N -l"
  (vscode-go's "mode": "debug" and `dlv debug` do this for you; `all=` matters: see DD202.)

Verified with
  Delve 1.27.1 (dlv exec): `debugdoctor rebuild`'s printed command, run as printed on
  the Go 1.25.5 hello build that raises this, clears the finding, and Delve binds
  main.main and main.go:26 in the rebuilt binary (tests/it/fix_proofs.rs). The same with
  `doctor`'s printed command for an optimised exec binary (tests/it/doctor.rs).

How to verify by hand
  readelf --debug-dump=info app | grep -A1 'DW_AT_producer' | grep main -B1
  go version -m app | grep gcflags
"#,
};

pub fn run(t: &Target) -> Vec<Finding> {
    let Some((go_units, main)) = super::go_units_with_main(t) else {
        return Vec::new();
    };
    if !main.flags.optimized() {
        return Vec::new();
    }
    let mut optimized: Vec<&str> = go_units
        .iter()
        .filter(|u| u.flags.optimized())
        .map(|u| u.name.as_str())
        .collect();
    optimized.sort_unstable();
    optimized.dedup();
    let mut all: Vec<&str> = go_units.iter().map(|u| u.name.as_str()).collect();
    all.sort_unstable();
    all.dedup();
    let mut f = Finding::new(
        &RULE,
        format!(
            "{} of {} packages compiled with optimisation (main included)",
            optimized.len(),
            all.len()
        ),
    )
    .evidence(format!(
        "DW_AT_producer \"{}\" on main",
        main.producer.as_deref().unwrap_or("")
    ));
    match t.buildinfo().and_then(|b| b.setting("-gcflags")) {
        Some(g) => f = f.evidence(format!("build setting -gcflags=\"{g}\"")),
        None if t.buildinfo().is_some() => f = f.evidence("build setting -gcflags absent"),
        None => {}
    }
    f = f.evidence(format!("optimised: {}", list(&optimized, 12)));
    vec![f.fix(format!(
        "{} -gcflags=\"all=-N -l\"   (vscode-go's debug mode does this for you)",
        crate::checks::rebuild_command(t)
    ))]
}

/// `a, b, c … and 9 more`
pub fn list(items: &[&str], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!(
            "{} … and {} more",
            items[..max].join(", "),
            items.len() - max
        )
    }
}
