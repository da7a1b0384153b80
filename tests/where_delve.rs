//! `where` against real Delve (Debian's 1.20.2, which reads DWARF 4: Go 1.19 and 1.21
//! fixtures and GOEXPERIMENT=nodwarf5 builds) and against gdb for DWARF 5.
//!
//! For every line of every source file of a fixture program, every function of package
//! main and of one standard-library package, bound or not and the exact address set must
//! equal what Delve's `break` reports. A disagreement fails the test unless it is listed,
//! with its explanation, in tests/where_allowlist.txt (empty: none are known).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};

use common::Fixture;
use debugdoctor::resolve::Resolver;
use debugdoctor::Target;

fn program_files(program: &str) -> Vec<(String, usize)> {
    let dir = common::repo_root().join("fixtures/src").join(program);
    let mut out = Vec::new();
    for entry in walk(&dir) {
        if entry.extension().is_some_and(|e| e == "go") {
            let rel = entry
                .strip_prefix(common::repo_root())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let lines = std::fs::read_to_string(&entry).unwrap().lines().count();
            out.push((rel, lines));
        }
    }
    out.sort();
    out
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}

/// Specs for one fixture: every line of its sources, functions of main and one stdlib
/// package (errors).
fn specs(f: &Fixture, resolver: &Resolver) -> Vec<String> {
    let mut specs = Vec::new();
    for (file, n) in program_files(&f.program) {
        for line in 1..=n {
            specs.push(format!("{file}:{line}"));
        }
    }
    if let Some(ix) = resolver.index() {
        let names: BTreeSet<&String> = ix
            .functions
            .iter()
            .map(|f| &f.name)
            .chain(ix.inlined.iter().map(|c| &c.name))
            .filter(|n| n.starts_with("main.") || n.starts_with("errors."))
            .collect();
        // Generic functions also by their name without type parameters (main.Sum).
        let generic: BTreeSet<String> = names
            .iter()
            .filter(|n| n.contains('['))
            .map(|n| debugdoctor::resolve::locspec::split_type_params(n).0)
            .collect();
        specs.extend(names.into_iter().cloned());
        specs.extend(generic);
    }
    specs
}

/// Delve's answer per spec: Ok(addresses) or Err(message).
fn delve(bin: &std::path::Path, specs: &[String]) -> Vec<Result<BTreeSet<u64>, String>> {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s");
    let mut text = String::new();
    for (i, s) in specs.iter().enumerate() {
        text.push_str(&format!("break b{i} {s}\nclear b{i}\n"));
    }
    text.push_str("exit\n");
    std::fs::write(&script, text).unwrap();
    let out = Command::new("dlv")
        .arg("exec")
        .arg(bin)
        .args([
            "--check-go-version=false",
            "--allow-non-terminal-interactive=true",
            "--init",
        ])
        .arg(&script)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let all = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut res: Vec<Option<Result<BTreeSet<u64>, String>>> = vec![None; specs.len()];
    let prefix = format!("{}:", script.display());
    for line in all.lines() {
        if let Some(rest) = line.strip_prefix("Breakpoint b") {
            let Some((n, tail)) = rest.split_once(" set at ") else {
                continue;
            };
            let i: usize = n.parse().unwrap();
            let addrs = tail.split(" for ").next().unwrap();
            let set = addrs
                .split(',')
                .map(|a| u64::from_str_radix(a.trim().trim_start_matches("0x"), 16).unwrap())
                .collect();
            res[i] = Some(Ok(set));
        } else if let Some(rest) = line.strip_prefix(&prefix) {
            let (n, msg) = rest.split_once(": ").unwrap_or((rest, ""));
            let script_line: usize = n.parse().unwrap_or(0);
            if script_line % 2 == 1 {
                let i = (script_line - 1) / 2;
                res[i] = Some(Err(msg.to_string()));
            }
        }
    }
    res.into_iter()
        .enumerate()
        .map(|(i, r)| r.unwrap_or_else(|| panic!("no Delve output for {}:\n{all}", specs[i])))
        .collect()
}

fn allowlist() -> BTreeSet<String> {
    std::fs::read_to_string(common::repo_root().join("tests/where_allowlist.txt"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split(" # ").next().unwrap().trim().to_string())
        .collect()
}

fn delve_fixtures() -> Vec<Fixture> {
    common::fixtures()
        .into_iter()
        .filter(|f| {
            let old = matches!(f.go.as_deref(), Some("1.19.8" | "1.21.13"))
                && matches!(
                    f.variant.as_str(),
                    "default" | "noopt" | "tags" | "test" | "test-noopt"
                );
            let dwarf4 = f.variant == "nodwarf5" && f.program == "hello";
            old || dwarf4
        })
        .collect()
}

#[test]
fn every_line_and_function_agrees_with_delve() {
    let allow = allowlist();
    let mut failures = Vec::new();
    let (mut compared, mut bound) = (0, 0);
    let fixtures = delve_fixtures();
    assert!(fixtures.len() >= 30, "{} fixtures", fixtures.len());
    for f in fixtures {
        let t = Target::open(&f.path).unwrap();
        let r = Resolver::new(&t);
        let specs = specs(&f, &r);
        let want = delve(&f.path, &specs);
        for (spec, dlv) in specs.iter().zip(want) {
            let ours = r.resolve(spec);
            let got: Result<BTreeSet<u64>, ()> = if ours.bound {
                Ok(ours.addresses.iter().map(|a| a.value).collect())
            } else {
                Err(())
            };
            compared += 1;
            let agree = match (&got, &dlv) {
                (Ok(a), Ok(b)) => a == b,
                (Err(()), Err(_)) => true,
                _ => false,
            };
            if got.is_ok() {
                bound += 1;
            }
            let key = format!("{} {spec}", f.label());
            if !agree && !allow.contains(&key) && !allow.contains(&format!("* {spec}")) {
                failures.push(format!(
                    "{key}: ours {:x?} ({}), delve {dlv:x?}",
                    got,
                    ours.reason.map(|r| r.message).unwrap_or_default()
                ));
            }
        }
    }
    eprintln!("where vs Delve: {compared} specs compared, {bound} bound");
    assert!(compared > 1200, "only {compared} specs");
    assert!(
        failures.is_empty(),
        "{} disagreements with Delve:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// gdb reads DWARF 5: its `info line` statement address for each line of hello is one of
/// ours (or the entry of the function whose prologue we skip, as Delve does), and lines
/// gdb says have no code do not bind.
#[test]
fn statement_addresses_agree_with_gdb_on_dwarf5() {
    let (file, n) = program_files("hello").into_iter().next().unwrap();
    for go in ["1.25.5", "1.27.3"] {
        for variant in ["default", "noopt"] {
            let f = common::fixture(go, "hello", variant);
            let t = Target::open(&f.path).unwrap();
            let r = Resolver::new(&t);
            let dir = tempfile::tempdir().unwrap();
            let script = dir.path().join("g");
            let cmds: String = (1..=n).map(|l| format!("info line {file}:{l}\n")).collect();
            std::fs::write(&script, cmds).unwrap();
            let out = Command::new("gdb")
                .args(["-nx", "-batch", "-iex", "set auto-load no", "-x"])
                .arg(&script)
                .arg(&f.path)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            let mut gdb: BTreeMap<u32, Option<u64>> = BTreeMap::new();
            for l in text.lines().filter(|l| l.starts_with("Line ")) {
                // "Line 21 of ..." or "Line number 36 is out of range for ...".
                let words: Vec<&str> = l.split_whitespace().collect();
                let n_at = if words[1] == "number" { 2 } else { 1 };
                let line: u32 = words[n_at].parse().unwrap();
                // "Line 40 is out of range for ..." (past the last line with code).
                let addr = l
                    .split("address ")
                    .nth(1)
                    .and_then(|a| a.split_whitespace().next())
                    .and_then(|a| u64::from_str_radix(a.trim_start_matches("0x"), 16).ok());
                gdb.insert(line, addr.filter(|_| !l.contains("contains no code")));
            }
            assert_eq!(
                gdb.len(),
                n,
                "{}: gdb answered {} of {n} lines:\n{text}",
                f.label(),
                gdb.len()
            );
            for (line, addr) in gdb {
                let ours = r.resolve(&format!("{file}:{line}"));
                match addr {
                    None => assert!(
                        !ours.bound,
                        "{} line {line}: gdb says no code, we bind",
                        f.label()
                    ),
                    Some(a) => {
                        assert!(
                            ours.bound,
                            "{} line {line}: gdb {a:#x}, we do not bind",
                            f.label()
                        );
                        let entry = ours
                            .addresses
                            .iter()
                            .filter_map(|x| r.index().unwrap().function_at(x.value))
                            .map(|i| r.index().unwrap().functions[i].entry)
                            .collect::<Vec<_>>();
                        assert!(
                            ours.addresses.iter().any(|x| x.value == a) || entry.contains(&a),
                            "{} line {line}: gdb {a:#x}, ours {:?}",
                            f.label(),
                            ours.addresses
                        );
                    }
                }
            }
        }
    }
}
