//! Findings `check --probe` adds after running the program to `main.main`.

pub mod main_not_reached;
pub mod ptrace_denied;

pub fn all() -> Vec<&'static crate::checks::Rule> {
    vec![&main_not_reached::RULE, &ptrace_denied::RULE]
}
