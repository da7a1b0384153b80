//! The pclntab function set equals what Go's own debug/gosym reports (the gosymdump
//! helper in fixtures/tools, built by the same toolchain) on every Go fixture: default,
//! stripped, PIE, external link, Windows PE, Mach-O, arm64, test binaries.

mod common;

use std::process::Command;

use debugdoctor::binary::Image;
use debugdoctor::go::Pclntab;

fn gosymdump(go: &str, bin: &std::path::Path) -> Result<Vec<(u64, u64, String)>, String> {
    let tool = common::repo_root().join(format!(".cache/fixtures/go{go}/tools/gosymdump"));
    let (code, out, err) = common::run(Command::new(tool).arg(bin));
    if code != 0 {
        return Err(err);
    }
    Ok(out
        .lines()
        .map(|l| {
            let mut p = l.splitn(3, ' ');
            let hex = |s: Option<&str>| {
                u64::from_str_radix(s.unwrap().trim_start_matches("0x"), 16).unwrap()
            };
            (
                hex(p.next()),
                hex(p.next()),
                p.next().unwrap_or("").to_string(),
            )
        })
        .collect())
}

#[test]
fn equals_debug_gosym_on_every_go_fixture() {
    let mut compared = 0;
    let mut failures = Vec::new();
    for f in common::fixtures().into_iter().filter(|f| f.go.is_some()) {
        let go = f.go.as_deref().unwrap();
        let img = Image::open(&f.path).unwrap();
        let t = Pclntab::read(&img)
            .unwrap_or_else(|e| panic!("{}: {e}", f.label()))
            .unwrap_or_else(|| panic!("{}: no pclntab", f.label()));
        assert!(
            t.func_by_name("main.main").is_some(),
            "{}: no main.main",
            f.label()
        );
        let want =
            gosymdump(go, &f.path).unwrap_or_else(|e| panic!("{}: gosymdump: {e}", f.label()));
        let got: Vec<(u64, u64, String)> = t
            .funcs
            .iter()
            .map(|f| (f.entry, f.end, f.name.clone()))
            .collect();
        if got != want {
            let first = got
                .iter()
                .zip(&want)
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("ours {a:x?} / gosym {b:x?}"))
                .unwrap_or_else(|| format!("{} functions vs {}", got.len(), want.len()));
            failures.push(format!("{}: {first}", f.label()));
        }
        compared += 1;
    }
    assert!(compared > 100, "only {compared} fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The file table names the program's own source file.
#[test]
fn file_table_lists_sources() {
    for f in common::fixtures()
        .into_iter()
        .filter(|f| f.program == "hello" && f.variant == "sw")
    {
        let t = Pclntab::read(&Image::open(&f.path).unwrap())
            .unwrap()
            .unwrap();
        assert!(
            t.files
                .iter()
                .any(|p| p.ends_with("fixtures/src/hello/main.go")),
            "{}: {:?}",
            f.label(),
            &t.files[..t.files.len().min(5)]
        );
    }
}

#[test]
fn non_go_inputs_have_none() {
    for f in common::fixtures()
        .into_iter()
        .filter(|f| f.kind == "nongo" && f.variant == "c-binary")
    {
        assert!(Pclntab::read(&Image::open(&f.path).unwrap())
            .unwrap()
            .is_none());
    }
}
