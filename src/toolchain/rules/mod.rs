//! Findings of `env`: one rule per file.

pub mod delve_dwarf5;
pub mod delve_too_new;
pub mod delve_too_old;
pub mod go_too_new;
pub mod ptrace_blocked;
pub mod remote_needed;
pub mod tool_missing;

pub fn all() -> Vec<&'static crate::checks::Rule> {
    vec![
        &delve_too_old::RULE,
        &delve_dwarf5::RULE,
        &go_too_new::RULE,
        &delve_too_new::RULE,
        &ptrace_blocked::RULE,
        &remote_needed::RULE,
        &tool_missing::RULE,
    ]
}
