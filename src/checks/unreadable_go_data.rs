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
  It depends on the part. Corrupt DWARF: Delve 1.20.2 refuses the binary ("could not
  open debug info", or the inflater's error when the DWARF is in a separate debug
  file); Delve 1.27.1 warns "no debug info found" and works from the pclntab alone, as
  for a stripped binary: main.main binds, file:line breakpoints and locals do not; with
  the DWARF in a damaged debug file not even main.main binds. The pclntab is read by
  the Go runtime: with its header magic gone the program dies at start-up ("runtime:
  pcHeader: magic= 0x0 ..."), before main.main, with or without a debugger; a wrong
  function count in its header is read by neither Delve nor the runtime. Corrupt build
  info does not matter to Delve; it costs `go version -m` ("not a Go executable") and
  the findings that depend on build settings. The usual causes are a truncated
  download or copy, a packer or post-link tool that rewrote the file, or a disk error.
  This is not the same as "not a Go binary" (DD107): the Go structures are there,
  damaged.

Fix
  Rebuild the binary, or copy it again and compare checksums with the original
  (sha256sum). If a post-link step (packer, signer, patcher) runs, check its output.

Verified with
  Delve 1.27.1 on copies of a Go 1.25.5 build and Delve 1.20.2 on copies of a Go 1.19.8
  build (dlv exec, break main.main, continue), each copy raising this finding. Build
  info pointer size 3: both bind and stop at main.main. pclntab function count 2^60:
  both bind and stop at main.main. pclntab magic zeroed: both bind main.main, and the
  program stops in runtime.throw ("runtime: pcHeader: magic= 0x0") instead. The zlib
  data of .debug_info made impossible to inflate (its first block given the reserved
  type): 1.20.2 fails with "could not open debug info"; 1.27.1 binds and stops at
  main.main, but main.go:26 fails with "could not find file ..., binary is stripped"
  and locals with "no debug information present in binary". The same in .debug_line:
  the same as for .debug_info. The same in the .debug_info of a separate debug file
  found by build-id (debug-info-directories): 1.20.2 fails with "flate: corrupt input
  before offset 1"; 1.27.1 starts, `break main.main` fails with `location "main.main"
  not found` and the program runs to its end (tests/it/explain_verified.rs).

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
