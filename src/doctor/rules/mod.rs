//! The rules only `doctor` raises: what a whole debug session meets beyond one file.

pub mod build_failed;
pub mod paths_not_mapped;
