//! The registry of checks: one file per check, each with a stable ID, a kebab-case name,
//! a default severity, a one-line title and an `explain` text (what / why debugging
//! breaks / fix / how to verify by hand).

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
    rules.sort_by_key(|r| r.id);
    rules
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

pub const BINARY_CHECKS: &[BinaryCheck] = &[];

/// Runs every binary check, in ID order.
pub fn run(target: &Target) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in BINARY_CHECKS {
        out.extend((c.run)(target));
    }
    out
}
