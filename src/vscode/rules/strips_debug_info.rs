//! DD403 strips-debug-info: buildFlags pass -ldflags with -w or -s, which strip the debug information.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::go::flags;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD403"),
    name: "strips-debug-info",
    severity: Severity::Error,
    title: "buildFlags -ldflags strip DWARF (-s / -w)",
    explain: r#"
What it does
  Parses buildFlags (string or array) and looks at the -ldflags value for -w and -s.

Why it breaks debugging
  -w omits DWARF; -s (omit the symbol table) drops DWARF too: on ELF and PE in every
  Go version (cmd/link dwarfEnabled), on Mach-O since Go 1.22. Since Go 1.22,
  `-s -w=0` strips only the symbol table and keeps DWARF; it is not reported. Without
  DWARF Delve cannot map files and lines to addresses: every file:line breakpoint
  fails ("could not find file"), and variables cannot be read.

Fix
  Drop -s and -w from -ldflags in the debug configuration (keep them for release
  builds). `--fix` removes them, and the whole -ldflags when nothing else is left.

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  after `doctor --fix`, main.main and main.go:26 bind and stop, also in test mode
  (tests/it/doctor.rs).

How to verify by hand
  go build -ldflags="-s -w" -o app . && readelf -S app | grep debug_info   (nothing)
"#,
};

/// An `-ldflags` value (`value`, quotes included as written) that strips DWARF: the
/// finding, and the value to keep (`None`: drop the whole flag). `string_form` quotes a
/// kept value of several words for a string buildFlags.
pub fn check(value: &str, string_form: bool) -> Option<(Finding, Option<String>)> {
    let inner = value.trim_matches(|c| c == '\'' || c == '"');
    let words: Vec<&str> = inner.split_whitespace().collect();
    // Since Go 1.22 `-s -w=0` strips the symbol table but keeps DWARF (the linker's -s
    // implies -w only when -w is not given; measured with Go 1.25: .debug_* sections
    // present). Not a DWARF problem.
    let w_off =
        flags::split(inner).iter().any(|w| w.starts_with("-w=")) && !flags::linker_bool(inner, "w");
    if w_off {
        return None;
    }
    let stripping: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| matches!(*w, "-s" | "-w" | "-s=true" | "-w=true"))
        .collect();
    if stripping.is_empty() {
        return None;
    }
    let rest: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !stripping.contains(w))
        .collect();
    let kept = (!rest.is_empty()).then(|| {
        let joined = rest.join(" ");
        if string_form && rest.len() > 1 {
            format!("'{joined}'")
        } else {
            joined
        }
    });
    let s_note = if stripping.iter().any(|w| w.starts_with("-s")) {
        " (-s drops DWARF too: on ELF and PE always, on Mach-O since Go 1.22)"
    } else {
        ""
    };
    let finding = Finding::new(
        &RULE,
        format!("buildFlags \"-ldflags={inner}\" removes DWARF{s_note}: breakpoints cannot bind"),
    )
    .fix(format!("remove {} from -ldflags", stripping.join(" ")));
    Some((finding, kept))
}
