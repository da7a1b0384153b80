//! DD801 build-setting-changed: a build setting that decides debuggability differs from
//! the baseline (`-gcflags`, `-ldflags`, `-trimpath`, `-buildmode`, `CGO_ENABLED`, or,
//! read from DWARF, the main package's compiler flags or trimmed source paths).

use super::BuildFacts;
use crate::diagnostic::{Finding, Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD801"),
    name: "build-setting-changed",
    severity: Severity::Error,
    title: "a debug-relevant build setting changed since the baseline",
    explain: r#"
What it does
  With `check --baseline FILE`, compares each binary with the facts recorded for it by
  `check --write-baseline FILE`: the build settings Go records in the binary
  (-gcflags, -ldflags, -trimpath, -buildmode, CGO_ENABLED, GOEXPERIMENT, as
  `go version -m` prints them) and, read from DWARF so that it also works when build
  info is missing, the compiler flags of the main package (DW_AT_producer after ';'),
  the DWARF version and compression, and whether source paths are trimmed.

Why it breaks debugging
  Debuggability is usually lost by a one-word change in a build script: `-s -w` added to
  -ldflags, `all=-N -l` dropped from -gcflags, -trimpath added to make builds
  reproducible. Each is silent: the build still works, and the next person to attach a
  debugger finds breakpoints that do not bind.

Fix
  If the change was not intended, restore the build command (the evidence shows the old
  and new value). If it was, record the new state:
      debugdoctor check --write-baseline debugdoctor-baseline.json BUILD_DIR

Verified with
  Delve 1.27.1 (dlv exec) on Go 1.25.5 builds of hello: -ldflags="-s -w" added and
  -gcflags="all=-N -l" dropped; after the build setting is restored as printed, the
  drift is gone against the same baseline and main.main and main.go:26 bind
  (tests/it/fix_proofs.rs).

How to verify by hand
  go version -m app | grep -E 'gcflags|ldflags|trimpath'
  readelf --debug-dump=info app | grep -m1 -A1 'DW_AT_producer'
"#,
};

/// DD801 findings: a tracked build setting, the compiler flags of package main, trimmed
/// paths, or the DWARF format changed since the baseline.
pub fn drift(old: &BuildFacts, new: &BuildFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    // A key absent on one side is a change only when the other side has build info at
    // all, else a binary whose build info became unreadable would report every setting
    // as removed.
    let have_settings = !old.settings.is_empty() && !new.settings.is_empty();
    if have_settings {
        settings(old, new, &mut out);
    }
    // From DWARF: these still work when build info is missing; when it is present and
    // already reported a -gcflags / -trimpath change, the DWARF view would say the same
    // thing twice.
    let changed = |k: &str| have_settings && old.settings.get(k) != new.settings.get(k);
    if !changed("-gcflags") {
        main_flags(old, new, &mut out);
    }
    if !changed("-trimpath") {
        trimmed_paths(old, new, &mut out);
    }
    dwarf_format(old, new, &mut out);
    out
}

/// Settings recorded by the go command.
fn settings(old: &BuildFacts, new: &BuildFacts, out: &mut Vec<Finding>) {
    let keys: std::collections::BTreeSet<&String> =
        old.settings.keys().chain(new.settings.keys()).collect();
    for k in keys {
        let (a, b) = (old.settings.get(k), new.settings.get(k));
        if a != b {
            out.push(
                Finding::new(
                    &RULE,
                    format!(
                        "build setting {k} changed: {} → {}",
                        show(a.map(String::as_str)),
                        show(b.map(String::as_str))
                    ),
                )
                .evidence(format!(
                    "baseline: {k}={}; now: {k}={}",
                    show(a.map(String::as_str)),
                    show(b.map(String::as_str))
                ))
                .fix(format!(
                    "restore {k}={} in the build, or accept the change with --write-baseline",
                    a.map(String::as_str).unwrap_or("(unset)")
                )),
            );
        }
    }
}

/// The compiler flags of package main (DW_AT_producer).
fn main_flags(old: &BuildFacts, new: &BuildFacts, out: &mut Vec<Finding>) {
    if let (Some(a), Some(b)) = (&old.main_flags, &new.main_flags) {
        if a != b {
            let f = Finding::new(
                &RULE,
                format!(
                    "compiler flags of package main changed: \"{}\" → \"{}\"",
                    a.join(" "),
                    b.join(" ")
                ),
            )
            .evidence("DW_AT_producer of the main compile unit")
            .fix("restore the -gcflags of the build, or accept the change with --write-baseline");
            // Gaining -N -l makes main more debuggable: a note (refresh the baseline), not
            // a failed gate.
            let no_opt = |v: &[String]| v.iter().any(|t| t == "-N") && v.iter().any(|t| t == "-l");
            out.push(if no_opt(b) && !no_opt(a) {
                f.severity(Severity::Info)
            } else {
                f
            });
        }
    }
}

/// Whether package main's paths are trimmed (-trimpath), seen in the line table.
fn trimmed_paths(old: &BuildFacts, new: &BuildFacts, out: &mut Vec<Finding>) {
    if let (Some(a), Some(b)) = (old.trimmed_paths, new.trimmed_paths) {
        if a != b {
            let what = if b {
                "now trimmed"
            } else {
                "no longer trimmed"
            };
            let f = Finding::new(&RULE, format!("source paths are {what} (-trimpath)"))
                .evidence("file names in the DWARF line table of package main")
                .fix("restore -trimpath as it was, or accept the change with --write-baseline");
            // No longer trimmed: editor paths match again, an improvement.
            out.push(if b { f } else { f.severity(Severity::Info) });
        }
    }
}

/// A new DWARF version or compression changes the format, not what a debugger can see,
/// as long as the debugger reads it: a warning.
fn dwarf_format(old: &BuildFacts, new: &BuildFacts, out: &mut Vec<Finding>) {
    if old.dwarf && new.dwarf {
        if old.dwarf_version != new.dwarf_version {
            out.push(
                Finding::new(
                    &RULE,
                    format!(
                        "DWARF version changed: {} → {}",
                        opt(old.dwarf_version),
                        opt(new.dwarf_version)
                    ),
                )
                .severity(Severity::Warning)
                .evidence("compile unit headers")
                .fix("check that the team's Delve reads the new version (DD104), then --write-baseline"),
            );
        }
        if old.dwarf_compressed != new.dwarf_compressed {
            out.push(
                Finding::new(
                    &RULE,
                    format!(
                        "DWARF compression changed: {} → {}",
                        old.dwarf_compressed.as_deref().unwrap_or("none"),
                        new.dwarf_compressed.as_deref().unwrap_or("none")
                    ),
                )
                .severity(Severity::Warning)
                .evidence("section header flags / .zdebug_ names")
                .fix("restore -ldflags=-compressdwarf as it was, or accept the change with --write-baseline"),
            );
        }
    }
}

/// `"value"`, or `(not set)`.
fn show(v: Option<&str>) -> String {
    match v {
        Some(v) => format!("\"{v}\""),
        None => "(not set)".to_string(),
    }
}

/// A DWARF version, or `?`.
pub(super) fn opt(v: Option<u16>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "?".to_string())
}
