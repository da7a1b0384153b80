//! Baselines for CI: `check --write-baseline FILE` records, per binary, its findings and
//! the facts that decide debuggability; `check --baseline FILE` then reports only new
//! findings plus **drift** (DD801–DD804) of those facts.
//!
//! Keys: a binary is keyed by its path relative to the baseline file's directory (with
//! `/` separators). A rebuild of the same source writes to the same place in the build
//! tree, so the key survives it; the main module path + binary name would not do,
//! because one module often ships several builds of the same program (debug and release
//! directories) and because module info is missing from stripped or pre-1.13 binaries.
//! A finding is keyed by its ID (and occurrence number when one binary has several of
//! the same ID), never by its message, whose counts change from build to build.

pub mod build_setting_changed;
pub mod dwarf_lost;
pub mod go_version_changed;
pub mod optimized_packages_grown;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Finding, RuleId};
use crate::Target;

/// Version of the baseline file format; bumped on any incompatible change.
pub const BASELINE_VERSION: u32 = 1;

/// The build settings (as `go version -m` names them) whose change is drift.
pub const TRACKED_SETTINGS: &[&str] = &[
    "-gcflags",
    "-ldflags",
    "-trimpath",
    "-buildmode",
    "-compiler",
    "CGO_ENABLED",
    "GOEXPERIMENT",
    "GOOS",
    "GOARCH",
];

/// What decides a binary's debuggability, recorded in a baseline and compared later.
/// Every DWARF-derived field works without Go build info.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildFacts {
    pub go_version: Option<String>,
    /// Tracked build settings present in the build info (absent keys are not recorded).
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    pub dwarf: bool,
    pub dwarf_version: Option<u16>,
    /// `zlib`, `zstd` or null.
    pub dwarf_compressed: Option<String>,
    /// Go compile units (packages) and how many of them are optimised (Delve's rule:
    /// optimised unless the producer has both -N and -l).
    pub go_packages: usize,
    pub optimized_packages: usize,
    /// Compiler flags of the main package (DW_AT_producer after ';'), when it has DWARF.
    #[serde(default)]
    pub main_flags: Option<Vec<String>>,
    /// Whether the main package's source paths are recorded relative (-trimpath).
    pub trimmed_paths: Option<bool>,
}

impl BuildFacts {
    pub fn of(t: &Target) -> BuildFacts {
        let settings = t
            .buildinfo()
            .map(|b| {
                b.settings
                    .iter()
                    .filter(|(k, _)| TRACKED_SETTINGS.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let compressed = t
            .dwarf_image()
            .and_then(crate::dwarf::info_section)
            .and_then(|s| match s.compression {
                crate::binary::Compression::None => None,
                crate::binary::Compression::ElfZstd => Some("zstd".to_string()),
                _ => Some("zlib".to_string()),
            });
        let d = t.dwarf();
        let mut packages: Vec<(&str, bool)> = d
            .map(|d| {
                d.go_units()
                    .map(|u| (u.name.as_str(), u.flags.optimized()))
                    .collect()
            })
            .unwrap_or_default();
        packages.sort_unstable();
        packages.dedup_by(|a, b| a.0 == b.0);
        let main = d.and_then(|d| d.go_units().find(|u| u.name == "main"));
        let trimmed_paths = main.zip(t.gimli()).and_then(|(u, g)| {
            crate::dwarf::unit_files(&g, u)
                .into_iter()
                .find(|f| f.ends_with(".go") && !f.starts_with('<'))
                .map(|f| !crate::pathname::is_abs(&f))
        });
        BuildFacts {
            go_version: t.go_version(),
            settings,
            dwarf: d.is_some(),
            dwarf_version: d.map(|d| d.version),
            dwarf_compressed: compressed,
            go_packages: packages.len(),
            optimized_packages: packages.iter().filter(|p| p.1).count(),
            main_flags: main.map(|u| {
                // regabi and friends are experiment markers, not choices made by a build
                // script; keep only flags (they start with '-').
                u.flags
                    .tokens
                    .iter()
                    .filter(|t| t.starts_with('-'))
                    .cloned()
                    .collect()
            }),
            trimmed_paths,
        }
    }
}

/// One finding as a baseline remembers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingKey {
    pub id: RuleId,
    /// Stable key: the ID, plus `#N` for the N-th (N ≥ 2) finding of that ID.
    pub key: String,
    /// For people reading the file; never compared.
    #[serde(default)]
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinaryEntry {
    pub facts: BuildFacts,
    pub findings: Vec<FindingKey>,
}

/// A baseline file: `{"baseline_version": 1, "tool": "...", "binaries": {KEY: entry}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub baseline_version: u32,
    #[serde(default)]
    pub tool: String,
    pub binaries: BTreeMap<String, BinaryEntry>,
}

impl Default for Baseline {
    fn default() -> Self {
        Baseline {
            baseline_version: BASELINE_VERSION,
            tool: format!("debugdoctor {}", env!("CARGO_PKG_VERSION")),
            binaries: BTreeMap::new(),
        }
    }
}

/// Stable keys of findings, in order: `DD201`, and `DD105#2` for a second DD105.
pub fn finding_keys(findings: &[Finding]) -> Vec<String> {
    let mut seen: BTreeMap<RuleId, usize> = BTreeMap::new();
    findings
        .iter()
        .map(|f| {
            let n = seen.entry(f.id).or_insert(0);
            *n += 1;
            if *n == 1 {
                f.id.to_string()
            } else {
                format!("{}#{n}", f.id)
            }
        })
        .collect()
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read baseline: {e}", path.display()))?;
        let b: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a debugdoctor baseline: {e}", path.display()))?;
        if b.baseline_version != BASELINE_VERSION {
            return Err(format!(
                "{}: baseline_version {} is not supported (expected {BASELINE_VERSION}); write a new one with --write-baseline",
                path.display(),
                b.baseline_version
            ));
        }
        Ok(b)
    }

    pub fn write(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| format!("cannot render baseline: {e}"))?;
        text.push('\n');
        std::fs::write(path, text)
            .map_err(|e| format!("{}: cannot write baseline: {e}", path.display()))
    }

    pub fn insert(&mut self, key: String, facts: BuildFacts, findings: &[Finding]) {
        let findings = findings
            .iter()
            .zip(finding_keys(findings))
            .map(|(f, key)| FindingKey {
                id: f.id,
                key,
                message: f.message.clone(),
            })
            .collect();
        self.binaries.insert(key, BinaryEntry { facts, findings });
    }

    /// Compares one binary with its baseline entry: the findings not in the baseline,
    /// followed by drift findings. A binary the baseline does not know keeps every
    /// finding (it is new) and has no drift. Also returns how many were suppressed.
    pub fn compare(
        &self,
        key: &str,
        facts: &BuildFacts,
        findings: Vec<Finding>,
    ) -> (Vec<Finding>, usize) {
        let Some(entry) = self.binaries.get(key) else {
            return (findings, 0);
        };
        let known: std::collections::HashSet<&str> =
            entry.findings.iter().map(|f| f.key.as_str()).collect();
        let keys = finding_keys(&findings);
        let before = findings.len();
        let mut out: Vec<Finding> = findings
            .into_iter()
            .zip(keys)
            .filter(|(_, k)| !known.contains(k.as_str()))
            .map(|(f, _)| f)
            .collect();
        let suppressed = before - out.len();
        out.extend(drift(&entry.facts, facts));
        (out, suppressed)
    }
}

/// Drift findings between the recorded facts and the current ones.
pub fn drift(old: &BuildFacts, new: &BuildFacts) -> Vec<Finding> {
    let mut out = build_setting_changed::drift(old, new);
    out.extend(dwarf_lost::drift(old, new));
    out.extend(optimized_packages_grown::drift(old, new));
    out.extend(go_version_changed::drift(old, new));
    out
}

/// The key of a binary in a baseline stored in `baseline_dir`: its path relative to that
/// directory, `/`-separated (`dist/app`, `../out/app`). Both are made absolute first
/// (against the working directory; symlinks are not resolved, so a key follows the path
/// the user wrote, not where a link points).
pub fn binary_key(binary: &Path, baseline_dir: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let b = normalize(&cwd.join(binary));
    let d = normalize(&cwd.join(baseline_dir));
    let rel = relative(&b, &d).unwrap_or(b);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/").replace("//", "/")
}

/// Removes `.` and resolves `..` lexically (no file system access: the paths may not
/// exist on this machine).
pub(crate) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to `base` (both absolute and normalised); None across roots/drives.
fn relative(path: &Path, base: &Path) -> Option<PathBuf> {
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    if p.first() != b.first() {
        return None;
    }
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    #[test]
    fn keys_are_relative_to_the_baseline_directory() {
        assert_eq!(
            binary_key(Path::new("/w/dist/app"), Path::new("/w")),
            "dist/app"
        );
        assert_eq!(
            binary_key(Path::new("/w/dist/./app"), Path::new("/w/ci")),
            "../dist/app"
        );
    }

    #[test]
    fn repeated_ids_get_numbered_keys() {
        let r = &dwarf_lost::RULE;
        let f = vec![Finding::new(r, "a"), Finding::new(r, "b")];
        assert_eq!(finding_keys(&f), vec!["DD802", "DD802#2"]);
    }

    #[test]
    fn drift_from_dwarf_facts_alone() {
        let old = BuildFacts {
            dwarf: true,
            dwarf_version: Some(5),
            go_packages: 10,
            optimized_packages: 0,
            main_flags: Some(vec!["-N".into(), "-l".into()]),
            ..Default::default()
        };
        assert!(drift(&old, &old).is_empty());
        let stripped = BuildFacts::default();
        let ids: Vec<_> = drift(&old, &stripped)
            .iter()
            .map(|f| f.id.to_string())
            .collect();
        assert_eq!(ids, vec!["DD802"]);
        let opt = BuildFacts {
            optimized_packages: 10,
            main_flags: Some(vec![]),
            ..old.clone()
        };
        let ids: Vec<_> = drift(&old, &opt).iter().map(|f| f.id.to_string()).collect();
        assert_eq!(ids, vec!["DD801", "DD803"]);
        // Losing -N -l fails the gate; gaining it back is only a note.
        let d = drift(&old, &opt);
        assert_eq!(d[0].severity, Severity::Error);
        let d = drift(&opt, &old);
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].id.to_string(), d[0].severity),
            ("DD801".into(), Severity::Info)
        );
    }

    #[test]
    fn settings_drift_names_old_and_new() {
        let mut old = BuildFacts::default();
        old.settings.insert("-buildmode".into(), "exe".into());
        let mut new = old.clone();
        new.settings.insert("-ldflags".into(), "-s -w".into());
        let d = drift(&old, &new);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("-ldflags"), "{}", d[0].message);
        assert!(d[0].message.contains("\"-s -w\""), "{}", d[0].message);
    }
}
