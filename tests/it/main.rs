//! debugdoctor's integration tests, one test crate (`cargo test --test it`): one link of
//! the library and one process instead of a crate per file. Each module was a file of
//! its own under tests/; `common` holds the shared helpers, among them the one way to
//! run the debugdoctor binary (`common::run`, `common::dd`).
//!
//! The modules share a process: no test may change the working directory or the
//! environment of the process, and process-wide state (the panic hook, the rayon global
//! pool) is used with care (see robustness.rs).

mod common;

mod buildinfo;
mod check_human;
mod check_matrix;
mod ci;
mod dap;
mod debuginfod;
mod delve_rpc;
mod doctor;
mod env;
mod env_verdicts;
mod explain_verified;
mod fix_proofs;
mod hygiene;
mod json_errors;
mod launch;
mod layers;
mod main_main;
mod paths;
mod pclntab;
mod probe;
mod qa;
mod readme;
mod rebuild;
mod robustness;
mod rule_snapshots;
mod r#where;
mod where_delve;
