//! DD101 no-dwarf: the binary carries no DWARF and no separate debug file was found.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::go::flags::linker_bool;
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD101"),
    name: "no-dwarf",
    severity: Severity::Error,
    title: "no DWARF debug information: file:line breakpoints cannot bind",
    explain: r#"
What it does
  Looks for DWARF sections (.debug_info / .zdebug_info / __debug_info) in the binary, and
  for a separate debug file (.gnu_debuglink or build-id) when there are none.

Why it breaks debugging
  Delve and gdb map source lines to addresses with DWARF line tables. Without DWARF,
  `break main.go:12` fails ("could not find file ..., binary is stripped" in Delve).
  Delve can still stop on function names through the Go runtime's pclntab, but shows no
  variables and no source. The usual cause is `-ldflags="-s -w"` (or `-w`). `-s` alone
  removes DWARF too: the Go linker has always skipped DWARF with -s on ELF and PE
  (cmd/link dwarfEnabled, Go 1.19), and since Go 1.22 `-s` implies `-w` on every platform,
  Mach-O included. The folklore that `-s` keeps DWARF is false.

Fix
  Rebuild without `-s` and `-w` in -ldflags, e.g.
      go build -gcflags="all=-N -l" -o app .
  To ship a stripped binary and still debug it, keep the debug info in a separate file:
      objcopy --only-keep-debug app app.debug && objcopy --strip-debug --add-gnu-debuglink=app.debug app

Verified with
  Delve 1.27.1 (dlv exec): `debugdoctor rebuild`'s printed command, run as printed on
  the Go 1.25.5 hello build that raises this, clears the finding, and Delve binds
  main.main and main.go:26 in the rebuilt binary (tests/it/fix_proofs.rs).

How to verify by hand
  readelf -S app | grep debug     (nothing printed: no DWARF)
  go version -m app | grep ldflags
"#,
};

pub fn run(t: &Target) -> Vec<Finding> {
    // A .gnu_debuglink names the separate file that should hold the DWARF: DD105 reports
    // whether it was found, with the places searched.
    if !t.is_go() || t.dwarf_image().is_some() || t.image().debuglink().is_some() {
        return Vec::new();
    }
    let ldflags = t
        .buildinfo()
        .and_then(|b| b.setting("-ldflags"))
        .unwrap_or("");
    let (s, w) = (linker_bool(ldflags, "s"), linker_bool(ldflags, "w"));
    let f = Finding::new(
        &RULE,
        format!(
            "no DWARF: {}; file:line breakpoints cannot bind",
            cause(t, ldflags, s, w)
        ),
    );
    vec![evidence(t, f).fix(fix(ldflags, s || w))]
}

/// Why `t` has no DWARF, in words (`built with -ldflags="-s -w": -w omits DWARF`), for
/// other reports of the same fact (`env`'s DD508).
pub fn why(t: &Target) -> String {
    let ldflags = t
        .buildinfo()
        .and_then(|b| b.setting("-ldflags"))
        .unwrap_or("");
    cause(
        t,
        ldflags,
        linker_bool(ldflags, "s"),
        linker_bool(ldflags, "w"),
    )
}

/// Why the DWARF is missing, from the recorded -ldflags, the format and the Go version.
fn cause(t: &Target, ldflags: &str, s: bool, w: bool) -> String {
    let go_122 = t
        .go_version()
        .and_then(|v| crate::go::GoVersion::parse(&v))
        .is_some_and(|v| v.at_least(1, 22));
    let macho = t.image().format() == crate::binary::Format::MachO;
    match (s, w) {
        (_, true) => format!("built with -ldflags=\"{ldflags}\": -w omits DWARF"),
        // On ELF and PE the linker drops DWARF with -s in every Go version (cmd/link
        // dwarfEnabled); "since Go 1.22" is only the Mach-O story.
        (true, false) if !macho => {
            format!("built with -ldflags=\"{ldflags}\": the Go linker omits DWARF with -s on ELF and PE")
        }
        (true, false) if go_122 => {
            format!("built with -ldflags=\"{ldflags}\": -s implies -w on Mach-O since Go 1.22")
        }
        (true, false) => format!("built with -ldflags=\"{ldflags}\""),
        _ => "the binary has no DWARF sections".to_string(),
    }
}

/// The sections present, the recorded -ldflags and the debug-file search.
fn evidence(t: &Target, mut f: Finding) -> Finding {
    let debug_sections: Vec<&str> = t
        .image()
        .sections()
        .iter()
        .map(|s| s.name.as_str())
        .filter(|n| n.contains("debug_"))
        .collect();
    f = f.evidence(if debug_sections.is_empty() {
        "no .debug_* / .zdebug_* / __debug_* section in the section table".to_string()
    } else {
        format!(
            "sections {} present but no .debug_info",
            debug_sections.join(", ")
        )
    });
    match t.buildinfo().and_then(|b| b.setting("-ldflags")) {
        Some(v) => f = f.evidence(format!("build setting -ldflags=\"{v}\"")),
        None if t.buildinfo().and_then(|b| b.setting("-trimpath")) == Some("true") => {
            f = f.evidence("build setting -ldflags not recorded (-trimpath builds omit it)")
        }
        None => {}
    }
    let search = t.debug_file_search();
    if !search.tried.is_empty() {
        f = f.evidence(format!(
            "no separate debug file found ({} {} searched)",
            search.tried.len(),
            if search.tried.len() == 1 {
                "place"
            } else {
                "places"
            }
        ));
    }
    f
}

/// Rebuild without -s/-w (keeping the other linker flags), or without stripping.
fn fix(ldflags: &str, stripped_by_flags: bool) -> String {
    if stripped_by_flags {
        let kept: Vec<String> = crate::go::flags::split(ldflags)
            .into_iter()
            .filter(|t| {
                let n = t.trim_start_matches('-');
                !(t.starts_with('-')
                    && (n == "s" || n == "w" || n.starts_with("s=") || n.starts_with("w=")))
            })
            .collect();
        if kept.is_empty() {
            "rebuild without -ldflags=\"-s -w\": go build -gcflags=\"all=-N -l\"".to_string()
        } else {
            format!(
                "rebuild with -ldflags=\"{}\" (no -s, no -w) and -gcflags=\"all=-N -l\"",
                kept.join(" ")
            )
        }
    } else {
        "rebuild without stripping (no -ldflags=-s/-w, no strip/objcopy --strip-debug): go build -gcflags=\"all=-N -l\""
            .to_string()
    }
}
