//! The one table of every rule debugdoctor can report, in ID order. Each line names the
//! rule's code and the module that declares it (`RULE`, and for binary checks a
//! `run(&Target)`); the macro generates the list, the binary checks, lookup by code, name
//! or prefix, and a compile-time check that every module's `RULE.id` is the code written
//! here. This module sits at the top: it knows every domain, no domain knows it.

use crate::diagnostic::{Finding, Rule, RuleId};
use crate::Target;

/// A check over one binary: its rule and what computes its findings.
pub struct BinaryCheck {
    pub rule: &'static Rule,
    pub run: fn(&Target) -> Vec<Finding>,
}

macro_rules! registry {
    (
        binary_checks { $($bcode:ident => $($bmod:ident)::+,)* }
        rules { $($code:ident => $($module:ident)::+,)* }
    ) => {
        /// Every rule, in the order written below (ID order; a test keeps it sorted).
        pub static RULES: &[&Rule] = &[
            $(&crate::$($bmod)::+::RULE,)*
            $(&crate::$($module)::+::RULE,)*
        ];

        /// The checks `check` runs over every binary, in ID order.
        pub static BINARY_CHECKS: &[BinaryCheck] = &[
            $(BinaryCheck { rule: &crate::$($bmod)::+::RULE, run: crate::$($bmod)::+::run },)*
        ];

        // The code written in the table is the code the rule declares.
        const _: () = {
            $(assert!(
                crate::$($bmod)::+::RULE.id.number()
                    == RuleId::parse(stringify!($bcode)).number(),
                concat!(stringify!($bcode), " is not the ID its module declares"),
            );)*
            $(assert!(
                crate::$($module)::+::RULE.id.number()
                    == RuleId::parse(stringify!($code)).number(),
                concat!(stringify!($code), " is not the ID its module declares"),
            );)*
        };
    };
}

registry! {
    binary_checks {
        DD101 => checks::no_dwarf,
        DD102 => checks::no_symbols,
        DD103 => checks::compressed_dwarf,
        DD104 => checks::dwarf5,
        DD105 => checks::split_debug_info,
        DD106 => checks::packed_binary,
        DD107 => checks::not_go_binary,
        DD108 => checks::foreign_platform,
        DD109 => checks::go_run_or_test_build,
        DD110 => checks::unreadable_go_data,
        DD201 => checks::optimized_code,
        DD202 => checks::partial_no_opt,
        DD203 => checks::inlining_enabled,
        DD301 => checks::trimpath_paths,
    }
    rules {
        DD401 => vscode::rules::unknown_attribute,
        DD402 => vscode::rules::legacy_only,
        DD403 => vscode::rules::strips_debug_info,
        DD404 => vscode::rules::program_mismatch,
        DD405 => vscode::rules::wrong_type,
        DD406 => vscode::rules::not_for_mode,
        DD407 => vscode::rules::gcflags_ignored,
        DD408 => vscode::rules::trimpath_build,
        DD409 => vscode::rules::auto_test_mode,
        DD410 => vscode::rules::missing_path,
        DD411 => vscode::rules::substitute_path_reversed,
        DD412 => vscode::rules::substitute_path_unmatched,
        DD413 => vscode::rules::no_debug,
        DD414 => vscode::rules::remote_without_address,
        DD415 => vscode::rules::duplicate_name,
        DD416 => vscode::rules::unknown_variable,
        DD417 => vscode::rules::env_not_string,
        DD418 => vscode::rules::launch_connects_to_server,
        DD419 => vscode::rules::build_output_flag,
        DD420 => vscode::rules::gcflags_in_goflags,
        DD421 => vscode::rules::invalid_build_flag,
        DD501 => toolchain::rules::delve_too_old,
        DD502 => toolchain::rules::delve_cannot_read_dwarf5,
        DD503 => toolchain::rules::go_newer_than_delve,
        DD504 => toolchain::rules::delve_too_new,
        DD505 => toolchain::rules::ptrace_blocked,
        DD506 => toolchain::rules::remote_debugging_needed,
        DD507 => toolchain::rules::tool_missing,
        DD508 => toolchain::rules::delve_needs_dwarf,
        DD601 => probe::rules::main_not_reached,
        DD602 => probe::rules::ptrace_denied,
        DD701 => resolve::rules::where_file_not_found,
        DD702 => resolve::rules::where_ambiguous,
        DD703 => resolve::rules::where_no_statement,
        DD704 => resolve::rules::where_function_not_found,
        DD705 => resolve::rules::where_stripped,
        DD706 => resolve::rules::where_trimmed_path,
        DD707 => resolve::rules::where_optimized,
        DD708 => resolve::rules::where_bad_spec,
        DD801 => baseline::build_setting_changed,
        DD802 => baseline::dwarf_lost,
        DD803 => baseline::optimized_packages_grown,
        DD804 => baseline::go_version_changed,
        DD901 => doctor::rules::paths_not_mapped,
        DD902 => doctor::rules::build_failed,
    }
}

/// The rule with this ID.
pub fn get(id: RuleId) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// The rule named by an ID (`DD201`) or a kebab-case name (`optimized-code`),
/// case-insensitive.
pub fn find(text: &str) -> Option<&'static Rule> {
    let text = text.trim();
    match text.parse::<RuleId>() {
        Ok(id) => get(id),
        Err(_) => RULES
            .iter()
            .copied()
            .find(|r| r.name.eq_ignore_ascii_case(text)),
    }
}

/// Runs every binary check; findings come out in ID order.
pub fn check(target: &Target) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in BINARY_CHECKS {
        out.extend((c.run)(target));
    }
    out.sort_by_key(|f| f.id);
    out
}

/// A set of rules chosen by ID or ID prefix (`DD2`, `DD101`), as `--select`/`--ignore`
/// and `debugdoctor.toml` name them. Every prefix must match at least one rule: a typo in
/// a CI gate would otherwise silently select or ignore nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSet {
    prefixes: Vec<String>,
}

impl RuleSet {
    pub fn parse(items: &[String]) -> Result<RuleSet, String> {
        let mut prefixes = Vec::new();
        for item in items {
            let p = item.trim().to_ascii_uppercase();
            if p.is_empty() {
                continue;
            }
            if !RULES.iter().any(|r| r.id.has_prefix(&p)) {
                return Err(format!(
                    "{p:?} matches no finding ID (`debugdoctor explain --list` lists them)"
                ));
            }
            prefixes.push(p);
        }
        Ok(RuleSet { prefixes })
    }
    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty()
    }
    pub fn contains(&self, id: RuleId) -> bool {
        self.prefixes.iter().any(|p| id.has_prefix(p))
    }
}

/// The README's rule table (between `<!-- rules -->` markers), generated from the
/// registry; a test keeps the README equal to it.
pub fn markdown_table() -> String {
    let mut s = String::from("| ID | name | severity | what it means |\n|---|---|---|---|\n");
    for r in RULES {
        s.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            r.id,
            r.name,
            r.severity.as_str(),
            r.title.replace('|', "\\|")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_unique_and_sorted() {
        for w in RULES.windows(2) {
            assert!(w[0].id < w[1].id, "{} before {}", w[0].id, w[1].id);
        }
        let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate rule names");
    }

    #[test]
    fn lookup_by_id_name_and_prefix() {
        assert_eq!(find("dd201").unwrap().name, "optimized-code");
        assert_eq!(find("Optimized-Code").unwrap().id.to_string(), "DD201");
        assert!(find("DD999").is_none() && find("nonsense").is_none());
        let s = RuleSet::parse(&["dd2".into(), " DD101 ".into(), "".into()]).unwrap();
        assert!(s.contains(RuleId::parse("DD203")) && s.contains(RuleId::parse("DD101")));
        assert!(!s.contains(RuleId::parse("DD102")));
        assert!(RuleSet::parse(&["DD0".into()]).is_err());
        assert!(RuleSet::parse(&["XX".into()]).is_err());
    }

    /// Each rule lives in a file named after it (`optimized-code` → `optimized_code.rs`)
    /// and its static is `RULE`.
    #[test]
    fn rule_files_are_named_after_their_rules() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        let mut stack = vec![src];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                let declares = |l: &&str| l.contains("static ") && l.ends_with(": Rule = Rule {");
                let Some(decl) = text.lines().find(declares) else {
                    continue;
                };
                assert_eq!(
                    decl,
                    "pub static RULE: Rule = Rule {",
                    "{}: the rule's static must be `RULE`",
                    p.display()
                );
                let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
                let rule = RULES
                    .iter()
                    .find(|r| r.name.replace('-', "_") == stem)
                    .unwrap_or_else(|| panic!("{}: no rule is named {stem}", p.display()));
                assert!(
                    text.contains(&format!("\"{}\"", rule.id)),
                    "{}: declares another ID than {}",
                    p.display(),
                    rule.id
                );
                found.push(rule.id);
            }
        }
        found.sort();
        let all: Vec<RuleId> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(found, all, "every registered rule has its own file");
    }
}
