//! Findings of `env`: one rule per file.

pub mod delve_cannot_read_dwarf5;
pub mod delve_too_new;
pub mod delve_too_old;
pub mod go_newer_than_delve;
pub mod ptrace_blocked;
pub mod remote_debugging_needed;
pub mod tool_missing;
