//! One file per launch.json rule: its ID, name, severity, explain text and the test that
//! raises it on one attribute or value. `lint.rs` walks each configuration once and calls
//! them where the rule needs the whole configuration or the file system.

pub mod auto_test_mode;
pub mod build_output_flag;
pub mod duplicate_name;
pub mod env_not_string;
pub mod gcflags_ignored;
pub mod gcflags_in_goflags;
pub mod invalid_build_flag;
pub mod launch_connects_to_server;
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
