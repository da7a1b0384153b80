//! The registry of checks: one file per check, each with a stable ID, a kebab-case name,
//! a default severity, a one-line title and an `explain` text (what / why debugging
//! breaks / fix / how to verify by hand).

pub mod compressed_dwarf;
pub mod dwarf5;
pub mod foreign_platform;
pub mod go_run_build;
pub mod inlining;
pub mod no_dwarf;
pub mod no_symbols;
pub mod not_go;
pub mod optimized;
pub mod packed;
pub mod partial_no_opt;
pub mod split_debug;
pub mod trimpath;

use crate::report::{Finding, Severity};
use crate::Target;

/// Static description of one finding kind.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub explain: &'static str,
}

/// Every rule debugdoctor can report, in ID order (binary checks, launch.json, env, where...).
pub fn all_rules() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = BINARY_CHECKS.iter().map(|c| c.rule).collect();
    rules.extend(crate::vscode::rules());
    rules.extend(crate::toolchain::rules());
    rules.extend(crate::resolve::rules());
    rules.extend(crate::baseline::rules());
    rules.extend(crate::probe::rules());
    rules.sort_by_key(|r| r.id);
    rules
}

/// The go command that rebuilds this binary: a test binary (build info path
/// `example.com/pkg.test`) is rebuilt with `go test -c`, which takes the same -gcflags;
/// `go build` on its package would produce a different program.
pub fn rebuild_command(t: &Target) -> &'static str {
    let test = t
        .buildinfo()
        .and_then(|b| b.path.as_deref())
        .is_some_and(|p| p.ends_with(".test"));
    if test {
        "go test -c"
    } else {
        "go build"
    }
}

pub fn find_rule(id: &str) -> Option<&'static Rule> {
    let id = id.trim();
    all_rules()
        .into_iter()
        .find(|r| r.id.eq_ignore_ascii_case(id) || r.name.eq_ignore_ascii_case(id))
}

/// A check over one binary.
pub struct BinaryCheck {
    pub rule: &'static Rule,
    pub run: fn(&Target) -> Vec<Finding>,
}

pub const BINARY_CHECKS: &[BinaryCheck] = &[
    BinaryCheck {
        rule: &not_go::RULE,
        run: not_go::run,
    },
    BinaryCheck {
        rule: &no_dwarf::RULE,
        run: no_dwarf::run,
    },
    BinaryCheck {
        rule: &no_symbols::RULE,
        run: no_symbols::run,
    },
    BinaryCheck {
        rule: &compressed_dwarf::RULE,
        run: compressed_dwarf::run,
    },
    BinaryCheck {
        rule: &dwarf5::RULE,
        run: dwarf5::run,
    },
    BinaryCheck {
        rule: &split_debug::RULE,
        run: split_debug::run,
    },
    BinaryCheck {
        rule: &packed::RULE,
        run: packed::run,
    },
    BinaryCheck {
        rule: &foreign_platform::RULE,
        run: foreign_platform::run,
    },
    BinaryCheck {
        rule: &go_run_build::RULE,
        run: go_run_build::run,
    },
    BinaryCheck {
        rule: &optimized::RULE,
        run: optimized::run,
    },
    BinaryCheck {
        rule: &partial_no_opt::RULE,
        run: partial_no_opt::run,
    },
    BinaryCheck {
        rule: &inlining::RULE,
        run: inlining::run,
    },
    BinaryCheck {
        rule: &trimpath::RULE,
        run: trimpath::run,
    },
];

/// Runs every binary check; findings come out in ID order.
pub fn run(target: &Target) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in BINARY_CHECKS {
        out.extend((c.run)(target));
    }
    out.sort_by_key(|f| f.id);
    out
}
