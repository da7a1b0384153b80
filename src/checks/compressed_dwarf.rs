//! DD103 compressed-dwarf: DWARF sections are zlib-compressed (Go's default since 1.11/1.19).

use crate::binary::Compression;
use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD103"),
    name: "compressed-dwarf",
    severity: Severity::Info,
    title: "DWARF is compressed; very old debuggers cannot read it",
    explain: r#"
What it does
  Reports DWARF sections stored compressed: ELF SHF_COMPRESSED (zlib; Go's internal
  linker default since Go 1.19) or `.zdebug_*` sections ("ZLIB" + size + zlib data; Go on
  PE and Mach-O).

Why it matters for debugging
  Current Delve and gdb read compressed DWARF. Old Delve releases could not (dlv#1138), and
  some tools (older objdump/readelf, custom scripts) still cannot: they see no debug info.

Fix
  Only if a tool cannot read it: go build -ldflags=-compressdwarf=false

Verified with
  Delve 1.27.1 (dlv exec): binds main.main and main.go:26 in the compressed Go 1.25.5
  build; the printed command, run as printed, clears this finding and Delve binds them
  in the rebuilt binary too (tests/it/fix_proofs.rs).

How to verify by hand
  readelf -S app | grep -A1 debug_info     (flag C = compressed)
  objdump -h app | grep zdebug             (PE / Mach-O)
"#,
};

pub fn run(t: &Target) -> Vec<Finding> {
    let Some(img) = t.dwarf_image() else {
        return Vec::new();
    };
    let compressed: Vec<_> = img
        .sections()
        .iter()
        .filter(|s| s.is_compressed() && (s.name.contains("debug_")))
        .collect();
    if compressed.is_empty() {
        return Vec::new();
    }
    let kind = match compressed[0].compression {
        Compression::ElfZlib => "ELF SHF_COMPRESSED (zlib)",
        Compression::ElfZstd => "ELF SHF_COMPRESSED (zstd)",
        Compression::ZdebugZlib => ".zdebug (zlib)",
        Compression::None => "none",
    };
    let (stored, full): (u64, u64) = compressed.iter().fold((0, 0), |(a, b), s| {
        (
            // Sizes come from the file: saturate rather than trust them.
            a.saturating_add(s.file_range.map(|r| r.1).unwrap_or(0)),
            b.saturating_add(s.uncompressed_size),
        )
    });
    let f = Finding::new(
        &RULE,
        format!(
            "{} DWARF sections compressed: {kind}; readable by current Delve and gdb",
            compressed.len()
        ),
    )
    .evidence(format!(
        "{} ({} bytes stored, {} uncompressed)",
        compressed
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        stored,
        full
    ))
    .fix("only if a tool cannot read compressed DWARF: go build -ldflags=-compressdwarf=false");
    vec![f]
}
