//! The report on one binary: what `check` prints, as a serialisable structure.
//! JSON shape (schema_version 1), documented in README.md:
//! `{"path","format","arch","goos","goarch","go_version","module","build_settings":{..},
//!   "dwarf":{"present","version","compressed","units","file"},"functions",
//!   "main_main":{"pc","entry","file","line","after_prologue"}|null,"findings":[..]}`

use serde::Serialize;

use crate::diagnostic::Finding;
use crate::Target;

#[derive(Clone, Debug, Serialize)]
pub struct BinaryReport {
    pub path: String,
    pub format: &'static str,
    pub arch: &'static str,
    pub goos: String,
    pub goarch: String,
    pub go_version: Option<String>,
    pub module: Option<String>,
    pub build_settings: serde_json::Map<String, serde_json::Value>,
    pub pie: bool,
    pub dwarf: DwarfReport,
    /// Functions in the pclntab (null when there is none).
    pub functions: Option<usize>,
    pub main_main: Option<MainMain>,
    pub findings: Vec<Finding>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DwarfReport {
    pub present: bool,
    pub version: Option<u16>,
    /// `zlib`, `zstd` or null.
    pub compressed: Option<&'static str>,
    pub units: usize,
    /// The separate debug file DWARF was read from, if any.
    pub file: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MainMain {
    /// Where Delve's `break main.main` binds (after the prologue); hex string.
    pub pc: String,
    /// Function entry (what gdb's `info line main.main` starts at); hex string.
    pub entry: String,
    pub file: String,
    pub line: u64,
    pub after_prologue: bool,
}

impl BinaryReport {
    pub fn new(t: &Target, findings: Vec<Finding>) -> BinaryReport {
        let img = t.image();
        let bi = t.buildinfo();
        let dwarf_img = t.dwarf_image();
        let compressed = dwarf_img
            .and_then(crate::dwarf::info_section)
            .and_then(|s| match s.compression {
                crate::binary::Compression::None => None,
                crate::binary::Compression::ElfZstd => Some("zstd"),
                _ => Some("zlib"),
            });
        let d = t.dwarf();
        BinaryReport {
            path: t.path().display().to_string(),
            format: img.format().as_str(),
            arch: img.arch_display(),
            goos: t.goos(),
            goarch: t.goarch(),
            go_version: t.go_version(),
            module: bi
                .and_then(|b| b.main.as_ref())
                .map(|m| m.path.clone())
                .filter(|p| !p.is_empty()),
            build_settings: bi
                .map(|b| {
                    b.settings
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                        .collect()
                })
                .unwrap_or_default(),
            pie: img.is_pie(),
            dwarf: DwarfReport {
                present: d.is_some(),
                version: d.map(|d| d.version),
                compressed,
                units: d.map(|d| d.units.len()).unwrap_or(0),
                file: dwarf_img
                    .filter(|i| !std::ptr::eq(*i, img))
                    .map(|i| i.path().display().to_string()),
            },
            functions: t.pclntab().map(|p| p.funcs.len()),
            main_main: t.main_main().map(|m| MainMain {
                pc: format!("{:#x}", m.pc),
                entry: format!("{:#x}", m.entry),
                file: m.file.clone(),
                line: m.line,
                after_prologue: m.after_prologue,
            }),
            findings,
        }
    }

    /// `./server  ELF x86-64 · go1.25.5 · module example.com/server · DWARF 5 (zlib) · 1,204 functions`
    pub fn headline(&self) -> String {
        let mut parts = vec![format!("{} {}", self.format, self.arch)];
        if self.pie {
            parts[0].push_str(" PIE");
        }
        if let Some(v) = &self.go_version {
            parts.push(v.clone());
        }
        if let Some(m) = &self.module {
            parts.push(format!("module {m}"));
        }
        parts.push(match (&self.dwarf.version, self.dwarf.compressed) {
            (Some(v), Some(c)) => format!("DWARF {v} ({c})"),
            (Some(v), None) => format!("DWARF {v}"),
            _ => "no DWARF".to_string(),
        });
        if let Some(n) = self.functions {
            parts.push(format!("{} functions", super::human::thousands(n)));
        }
        parts.join(" · ")
    }
}
