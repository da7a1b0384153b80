//! DD110 unreadable-go-data: build info, the pclntab, DWARF or the separate debug file is
//! present but cannot be decoded. Each reader's typed error says what is broken and where.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD110"),
    name: "unreadable-go-data",
    severity: Severity::Error,
    title: "Go build info, pclntab or DWARF is present but corrupt",
    explain: r#"
What it does
  Reports every part of the binary debugdoctor found but could not decode: the Go build
  info blob (`\xff Go buildinf:`), the runtime's function table (pclntab), the DWARF
  sections, or the separate debug file a .gnu_debuglink or build-id named. The evidence
  names the part and the place (address, section, unit offset, file offset).

Why it breaks debugging
  A corrupt DWARF section or debug file makes Delve refuse the binary ("could not open
  debug info") or lose line tables; a corrupt pclntab breaks function breakpoints and
  stack traces (the Go runtime itself reads it). A corrupt build info only costs
  `go version -m` and the findings that depend on build settings. The usual causes are
  a truncated download or copy, a packer or post-link tool that rewrote the file, or a
  disk error. This is not the same as "not a Go binary" (DD107): the Go structures are
  there, damaged.

Fix
  Rebuild the binary, or copy it again and compare checksums with the original
  (sha256sum). If a post-link step (packer, signer, patcher) runs, check its output.

How to verify by hand
  go version -m app            (fails on corrupt build info)
  readelf --debug-dump=info app >/dev/null   (reports DWARF errors)
  ls -l app                    (compare the size with the original)
"#,
};

pub fn run(t: &Target) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut report = |part: &str, severity: Severity, error: String| {
        out.push(
            Finding::new(&RULE, format!("{part} is present but cannot be read"))
                .severity(severity)
                .evidence(error)
                .fix("rebuild the binary, or copy it again and compare its checksum with the original"),
        );
    };
    if let Err(e) = t.buildinfo_result() {
        report("Go build info", Severity::Warning, e.to_string());
    }
    if let Err(e) = t.pclntab_result() {
        report(
            "the pclntab (function table)",
            Severity::Error,
            e.to_string(),
        );
    }
    if let Some(e) = t.debug_file_error() {
        report("the separate debug file", Severity::Error, e.to_string());
    }
    if let Err(e) = t.dwarf_result() {
        report("DWARF", Severity::Error, e.to_string());
    }
    out
}
