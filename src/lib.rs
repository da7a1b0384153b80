//! debugdoctor: will a breakpoint in this Go binary bind, and if not, why?
//!
//! Library first: [`Target::open`] reads a binary and computes facts lazily (build info,
//! pclntab, DWARF); [`registry::check`] runs every binary check over it. Findings and rules
//! are [`diagnostic`] types; [`registry`] is the one list of rules. The CLI is a thin layer.

pub mod baseline;
pub mod binary;
pub mod checks;
pub mod config;
#[cfg(target_os = "linux")]
pub mod dap;
pub mod diagnostic;
pub mod doctor;
pub mod dwarf;
pub mod go;
pub(crate) mod memo;
pub mod pathname;
pub mod paths;
pub mod probe;
pub mod registry;
pub mod report;
pub mod resolve;
pub mod toolchain;
pub mod vscode;

pub mod target;

pub use binary::ImageError;
pub use target::Target;
