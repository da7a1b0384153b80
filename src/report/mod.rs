//! Findings and their renderings: human (colour when a terminal) and JSON.

pub mod binary;
pub mod finding;
pub mod human;
pub mod sarif;

pub use finding::{Finding, Location, Severity};

/// Version of every `--json` document; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;
