//! Go's pclntab (runtime function table): function names, entry PCs and source files.
//! Present in stripped binaries too. Mirrors Go's `debug/gosym` and `runtime/symtab.go`.
//! STUB: API fixed, implementation in progress.

use crate::binary::Image;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum PclnVersion {
    /// magic 0xfffffffb, Go 1.2–1.15
    Go12,
    /// magic 0xfffffffa, Go 1.16–1.17
    Go116,
    /// magic 0xfffffff0, Go 1.18–1.19
    Go118,
    /// magic 0xfffffff1, Go 1.20+
    Go120,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Func {
    pub name: String,
    pub entry: u64,
    pub end: u64,
}

#[derive(Clone, Debug)]
pub struct Pclntab {
    pub version: PclnVersion,
    pub ptr_size: u8,
    /// Address the function offsets are relative to.
    pub text_start: u64,
    /// Virtual address where the table was found, and its section name.
    pub address: u64,
    pub section: String,
    /// Functions sorted by entry PC.
    pub funcs: Vec<Func>,
}

impl Pclntab {
    /// Locates and decodes the table. `Ok(None)` when there is none (not Go).
    pub fn read(_image: &Image) -> Result<Option<Pclntab>, String> {
        Ok(None)
    }

    pub fn func_by_name(&self, name: &str) -> Option<&Func> {
        self.funcs.iter().find(|f| f.name == name)
    }
}
