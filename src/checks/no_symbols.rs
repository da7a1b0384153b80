//! DD102 no-symbols: the static symbol table was stripped (`-ldflags=-s`, `strip`).

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD102"),
    name: "no-symbols",
    severity: Severity::Warning,
    title: "no symbol table (stripped); function names come from pclntab only",
    explain: r#"
What it does
  Counts the entries of the static symbol table (ELF .symtab, PE COFF symbols, Mach-O
  LC_SYMTAB).

Why it matters for debugging
  `-ldflags=-s` and `strip` remove the symbol table. A recent Delve reads function names
  from the Go runtime's pclntab, which survives stripping, so `break main.main` can still
  bind (ELF since dlv PR#3408, 2023; Mach-O since PR#3511; not PE). Older Delve refuses
  the binary outright: Delve 1.20.2 says "could not open debug info - debuggee must not
  be built with 'go run' or -ldflags='-s -w'". gdb, perf and `nm` lose their names.
  `-s` also removes DWARF (see DD101).

Fix
  Rebuild without -s in -ldflags (and without running strip on the output).

Verified with
  Delve 1.27.1 (dlv exec): `debugdoctor rebuild`'s printed command, run as printed on
  the Go 1.25.5 hello build that raises this, clears the finding, and Delve binds
  main.main and main.go:26 in the rebuilt binary (tests/it/fix_proofs.rs).

How to verify by hand
  nm app | head        ("no symbols" when stripped)
  readelf -S app | grep -E 'symtab|strtab'
"#,
};

pub fn run(t: &Target) -> Vec<Finding> {
    if !t.is_go() || t.image().symbol_count() > 0 {
        return Vec::new();
    }
    let img = t.image();
    let mut f = Finding::new(
        &RULE,
        "no symbol table: the binary was stripped (-ldflags=-s or strip)",
    )
    .evidence(format!("{} static symbols", img.symbol_count()));
    if img.format() == crate::binary::Format::Elf {
        f = f.evidence("no .symtab section".to_string());
    }
    if let Some(p) = t.pclntab() {
        f = f.evidence(format!(
            "pclntab still lists {} functions ({}): a recent Delve can bind function names (not on PE; Delve 1.20 refuses stripped binaries)",
            p.funcs.len(),
            p.section
        ));
    }
    if let Some(v) = t.buildinfo().and_then(|b| b.setting("-ldflags")) {
        f = f.evidence(format!("build setting -ldflags=\"{v}\""));
    }
    vec![f.fix("rebuild without -s in -ldflags, and do not run strip on the output")]
}
