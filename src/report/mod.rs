//! Renderings of findings and reports: human (colour when a terminal), JSON and SARIF.
//! Rules come in as data (the registry's list); nothing here decides what is reported.

pub mod binary;
pub mod human;
pub mod sarif;

/// Version of every `--json` document; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;
