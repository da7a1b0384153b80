//! Go build info (`\xff Go buildinf:`): Go version, main module, dependencies and build
//! settings, as `go version -m` prints them. Mirrors Go's `debug/buildinfo`.
//! STUB: API fixed, implementation in progress.

use crate::binary::Image;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Module {
    pub path: String,
    pub version: String,
    pub sum: String,
    pub replace: Option<Box<Module>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct BuildInfo {
    /// e.g. `go1.25.5`
    pub go_version: String,
    /// The `path` line: main package import path.
    pub path: Option<String>,
    /// The `mod` line: main module.
    pub main: Option<Module>,
    pub deps: Vec<Module>,
    /// `build KEY=VALUE` lines, in file order.
    pub settings: Vec<(String, String)>,
}

impl BuildInfo {
    /// Finds and decodes the build info. `Ok(None)` when the binary has none (not Go,
    /// or Go older than 1.13); `Err` when it is present but corrupt.
    pub fn read(_image: &Image) -> Result<Option<BuildInfo>, String> {
        Ok(None)
    }

    /// A build setting's value (`-gcflags`, `-trimpath`, `GOOS`, `vcs.revision`...).
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}
