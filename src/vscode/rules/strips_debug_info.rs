//! DD403 strips-debug-info: buildFlags pass -ldflags with -w or -s, which strip the debug information.

use crate::diagnostic::{Rule, RuleId, Severity};

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

How to verify by hand
  go build -ldflags="-s -w" -o app . && readelf -S app | grep debug_info   (nothing)
"#,
};
