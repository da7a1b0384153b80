//! Findings `check --probe` adds after running the program to `main.main`.

pub mod main_not_reached;
pub mod ptrace_denied;
