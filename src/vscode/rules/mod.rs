//! One file per launch.json rule: its ID, name, severity and explain text. The checks
//! themselves live in `lint.rs`, which walks each configuration once.

pub mod auto_test_mode;
pub mod duplicate_name;
pub mod gcflags_ignored;
pub mod legacy_only;
pub mod missing_path;
pub mod no_debug;
pub mod not_for_mode;
pub mod program_mismatch;
pub mod remote_without_address;
pub mod strips_debug_info;
pub mod substitute_path_reversed;
pub mod substitute_path_unmatched;
pub mod trimpath_build;
pub mod unknown_attribute;
pub mod unknown_variable;
pub mod wrong_type;

use crate::checks::Rule;

pub static ALL: &[&Rule] = &[
    &unknown_attribute::RULE,
    &legacy_only::RULE,
    &strips_debug_info::RULE,
    &program_mismatch::RULE,
    &wrong_type::RULE,
    &not_for_mode::RULE,
    &gcflags_ignored::RULE,
    &trimpath_build::RULE,
    &auto_test_mode::RULE,
    &missing_path::RULE,
    &substitute_path_reversed::RULE,
    &substitute_path_unmatched::RULE,
    &no_debug::RULE,
    &remote_without_address::RULE,
    &duplicate_name::RULE,
    &unknown_variable::RULE,
];
