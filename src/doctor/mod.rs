//! The whole-workspace chain (launch → toolchain → build → binary → paths → breakpoints).
pub mod rebuild;
