//! DD803 optimized-packages-grown: more Go packages are compiled with optimisation than
//! the baseline recorded (read from each compile unit's DW_AT_producer).

use super::BuildFacts;
use crate::diagnostic::{Finding, Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD803"),
    name: "optimized-packages-grown",
    severity: Severity::Error,
    title: "more packages compiled with optimisation than in the baseline",
    explain: r#"
What it does
  With `check --baseline FILE`, counts the Go compile units whose DW_AT_producer lacks
  `-N -l` (the packages Delve treats as optimised, as DD201 does) and compares the count
  with the one the baseline recorded for the same binary.

Why it breaks debugging
  A debug build that used `-gcflags="all=-N -l"` and now uses `-gcflags=-N -l` (without
  `all=`), or a build script that lost the flag for some packages, makes stepping into
  those packages jump around and their variables unreadable, while main may still look
  fine. New dependencies built without the flag show up here too.

Fix
  Build the debug binary with `-gcflags="all=-N -l"` (`all=` applies it to every package).
  If the growth is expected (new dependencies in an optimised build), write a new
  baseline with `check --write-baseline FILE`.

Verified with
  Delve 1.27.1 (dlv exec) on Go 1.25.5 builds of hello: -gcflags="all=-N -l" dropped;
  after the printed go build -gcflags="all=-N -l", the drift is gone against the same
  baseline and main.main and main.go:26 bind (tests/it/fix_proofs.rs).

How to verify by hand
  readelf --debug-dump=info app | grep DW_AT_producer | sort | uniq -c
"#,
};

/// DD803 when more packages are optimised than in the baseline.
pub fn drift(old: &BuildFacts, new: &BuildFacts) -> Option<Finding> {
    if old.dwarf && new.dwarf && new.optimized_packages > old.optimized_packages {
        return Some(
            Finding::new(
                &RULE,
                format!(
                    "optimised packages grew from {} of {} to {} of {}",
                    old.optimized_packages,
                    old.go_packages,
                    new.optimized_packages,
                    new.go_packages
                ),
            )
            .evidence("DW_AT_producer of every Go compile unit without both -N and -l")
            .fix("go build -gcflags=\"all=-N -l\""),
        );
    }
    None
}
