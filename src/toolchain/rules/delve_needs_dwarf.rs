//! DD508 delve-needs-dwarf: no DWARF for Delve: it refuses the binary, or binds function
//! names only.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::go::GoVersion;
use crate::toolchain::compat;
use crate::toolchain::detect::DlvTool;
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD508"),
    name: "delve-needs-dwarf",
    severity: Severity::Error,
    title: "no DWARF for Delve: it refuses the binary or binds function names only",
    explain: concat!(
        r#"
What it does
  When the binary has no DWARF (stripped with -ldflags="-s -w", -w, or -s on ELF/PE,
  or split with its .debug file not found), says what the installed Delve does with it.

Why it breaks debugging
  Delve 1.20 and older refuse to start: "could not launch process: could not open debug
  info - debuggee must not be built with 'go run' or -ldflags='-s -w', which strip debug
  info". Since Delve 1.21 (PR#3408) Delve starts ("Warning: no debug info found, some
  functionality will be missing such as stack traces and variable evaluation") and binds
  function breakpoints from the runtime's pclntab (break main.main stops), but every
  file:line breakpoint, which is what an editor sets, fails ("could not find file
  .../main.go, binary is stripped"), and locals fail ("unable to find locals: no debug
  information present in binary").
  Delve checks the binary's Go version against its supported range only from the DWARF
  producer: without DWARF there is no version check; with DWARF back, the gate applies
  (the finding says when it would refuse).
"#,
        verified_with!(),
        r#"
Fix
  Rebuild without -s and -w:  go build -gcflags="all=-N -l" -o app .
  Split builds: put app.debug beside the binary (Delve follows .gnu_debuglink there) or
  under /usr/lib/debug/.build-id/ab/cdef.debug.
  Verified: the printed command, run as printed on a Go 1.25.5 -s -w build, clears
  DD508, and Delve 1.27.1 binds main.main and main.go:26 (tests/it/fix_proofs.rs); the
  .debug file beside the binary: see DD105.

How to verify by hand
  readelf -S app | grep debug_info;  dlv exec ./app  then  break main.go:12
"#
    ),
};

/// The binary has no DWARF (none inside, no separate debug file found), seen by `dlv`.
/// `gate` is the version-gate finding Delve would add once the DWARF is back.
pub fn check(t: &Target, dlv: &DlvTool, gate: Option<&Finding>) -> Option<Finding> {
    if t.dwarf_image().is_some() {
        return None;
    }
    let version = dlv.version.as_deref().unwrap_or("?");
    let minor = dlv
        .version
        .as_deref()
        .and_then(GoVersion::parse)
        .map(|v| v.minor);
    let why = match t.image().debuglink() {
        Some((name, _)) => format!("its separate debug file {name} was not found"),
        None => crate::checks::no_dwarf::why(t),
    };
    let what = match minor {
        Some(m) if m >= compat::NO_DWARF_STARTS_SINCE => format!(
            "Delve {version} starts but binds function names only: file:line breakpoints fail (\"binary is stripped\") and no variables"
        ),
        Some(_) => format!("Delve {version} refuses it: \"could not open debug info\""),
        None => "Delve refuses it (before 1.21) or binds function names only".to_string(),
    };
    let mut f = Finding::new(&RULE, format!("no DWARF ({why}): {what}"))
        .evidence(format!("{}: no .debug_info section", t.path().display()))
        .fix("rebuild without -ldflags=\"-s -w\" (go build -gcflags=\"all=-N -l\"), or place the separate .debug file beside the binary");
    if let Some(g) = gate {
        f = f.evidence(format!(
            "Delve checks the Go version only from DWARF: with DWARF back, {} {}: {}",
            g.id, g.name, g.message
        ));
    }
    Some(f)
}
