//! The report on one binary: what `check` prints, as a serialisable structure.
//! JSON shape (schema_version 1), documented in README.md:
//! `{"path","format","arch","goos","goarch","go_version","module","build_settings":{..},
//!   "dwarf":{"present","version","compressed","units","file"},"functions",
//!   "main_main":{"pc","entry","file","line","after_prologue","from"}|null,
//!   "main_main_unbound":"reason"|absent,"main_main_newest":"answer"|absent,
//!   "findings":[..]}`

use serde::Serialize;

use crate::diagnostic::Finding;
use crate::resolve::DelveRules;
use crate::toolchain::binding_rules::BindingRules;
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
    /// Why `break main.main` cannot bind in a binary without DWARF (Delve cannot load its
    /// function table, or there is no main.main); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main_main_unbound: Option<String>,
    /// When the Delve whose rules were applied (`check --delve`, by default the dlv on
    /// PATH) answers `break main.main` differently from Delve 1.25+: whose rules, and
    /// Delve 1.25+'s answer (`/src/main.go:11`, or `not bound`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main_main_newest: Option<String>,
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

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MainMain {
    /// Where Delve's `break main.main` binds (after the prologue); hex string.
    pub pc: String,
    /// Function entry (what gdb's `info line main.main` starts at); hex string.
    pub entry: String,
    pub file: String,
    pub line: u64,
    pub after_prologue: bool,
    /// Where the answer was read: `dwarf`, or `pclntab` for a binary without DWARF (the
    /// function's entry, file and line from the Go runtime's table, as Delve 1.25+ binds
    /// it; `where main.main` gives the same answer).
    pub from: &'static str,
}

impl BinaryReport {
    /// The report on `t` with its `findings`; `break main.main` answered as the Delve of
    /// `rules` binds it.
    pub fn new(t: &Target, findings: Vec<Finding>, rules: &BindingRules) -> BinaryReport {
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
        let (main_main, main_main_unbound) = locate_main_main(t, rules.rules);
        let main_main_newest = (rules.rules != DelveRules::default())
            .then(|| locate_main_main(t, DelveRules::default()))
            .map(|(newest, _)| newest)
            .filter(|newest| *newest != main_main)
            .map(|newest| {
                let answer = newest
                    .map(|m| format!("{}:{} ({})", m.file, m.line, m.pc))
                    .unwrap_or_else(|| "not bound".into());
                format!(
                    "answered as {}; Delve 1.25+: {answer} (--delve newest)",
                    rules.whose(t.go_version().as_deref())
                )
            });
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
            main_main,
            main_main_unbound,
            main_main_newest,
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

/// Where `break main.main` lands: from DWARF when there is any (the unit's DIEs, the
/// same rule `where` applies to its whole index), else the answer `where main.main`
/// gives under the newest Delve's rules: the pclntab entry, file and line, or why it
/// cannot bind.
fn locate_main_main(t: &Target, rules: DelveRules) -> (Option<MainMain>, Option<String>) {
    if t.dwarf().is_some() {
        let m = t.main_main(rules.prologue()).map(|m| MainMain {
            pc: format!("{:#x}", m.pc),
            entry: format!("{:#x}", m.entry),
            file: m.file.clone(),
            line: m.line,
            after_prologue: m.after_prologue,
            from: "dwarf",
        });
        return (m, None);
    }
    if !t.is_go() || t.pclntab().is_none() {
        return (None, None);
    }
    let r = crate::resolve::Resolver::with_rules(t, rules).resolve("main.main");
    match r.addresses.first() {
        Some(a) if r.bound => (
            Some(MainMain {
                pc: format!("{:#x}", a.pc),
                entry: format!("{:#x}", a.pc),
                file: a.file.clone(),
                line: a.line,
                after_prologue: false,
                from: "pclntab",
            }),
            None,
        ),
        _ => (
            None,
            r.reason.map(|why| format!("[{}] {}", why.id, why.message)),
        ),
    }
}
