//! debugdoctor: will a breakpoint in this Go binary bind, and if not, why?
//!
//! Library first: [`Target::open`] reads a binary and computes facts lazily (build info,
//! pclntab, DWARF); [`checks::run`] turns them into findings. The CLI is a thin layer.

pub mod baseline;
pub mod binary;
pub mod checks;
pub mod config;
pub mod dwarf;
pub mod error;
pub mod go;
pub(crate) mod memo;
pub mod paths;
pub mod probe;
pub mod report;
pub mod resolve;
pub mod toolchain;
pub mod vscode;

pub mod target;

pub use error::{Error, Result};
pub use target::Target;
