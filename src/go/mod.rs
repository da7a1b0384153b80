//! Go-specific readers, hand-written: build info, pclntab, version strings.

pub mod buildinfo;
pub mod flags;
pub mod pclntab;
pub mod version;

pub use buildinfo::BuildInfo;
pub use pclntab::Pclntab;
pub use version::GoVersion;
