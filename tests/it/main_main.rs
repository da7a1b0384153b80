//! `main.main`: file, line and PCs agree with gdb (`info line main.main`: the entry) and
//! Delve (`break main.main`: after the prologue) on every fixture they can read.

use crate::common::{self, Fixture};
use debugdoctor::resolve::DelveRules;

use std::process::Command;

/// Fixtures of this machine's platform that keep DWARF (in the binary or beside it).
fn readable_fixtures() -> Vec<Fixture> {
    common::fixtures()
        .into_iter()
        .filter(|f| f.go.is_some() && f.is_host_platform() && f.kind == "exe")
        // -w, and -s on ELF in every Go version, drop DWARF.
        .filter(|f| !matches!(f.variant.as_str(), "sw" | "w" | "s" | "gorun"))
        .filter(|f| f.program != "testpkg")
        .collect()
}

/// gdb: `Line 5 of "/p/main.go" starts at address 0x480fc0 <main.main> and ends at ...`
fn gdb_info_line(bin: &std::path::Path) -> Option<(String, u64, u64)> {
    let (_, out, _) = common::exec(
        Command::new("gdb")
            .args(["-nx", "-batch", "-ex", "info line main.main"])
            .arg(bin),
    );
    let line = out.lines().find(|l| l.starts_with("Line "))?;
    let n: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    let file = line.split('"').nth(1)?.to_string();
    let addr = line
        .split("starts at address ")
        .nth(1)?
        .split_whitespace()
        .next()?;
    Some((
        file,
        n,
        u64::from_str_radix(addr.trim_start_matches("0x"), 16).ok()?,
    ))
}

/// Delve: `Breakpoint 1 set at 0x480fc6 for main.main() ./main.go:5`
fn dlv_break(bin: &std::path::Path) -> Result<(u64, String, u64), String> {
    dlv_break_with("dlv", bin)
}

fn dlv_break_with(dlv: &str, bin: &std::path::Path) -> Result<(u64, String, u64), String> {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("init");
    std::fs::write(&script, "break main.main\nexit\n").unwrap();
    let (_, out, err) = common::exec(
        Command::new(dlv)
            .arg("exec")
            .arg(bin)
            .args([
                "--check-go-version=false",
                "--allow-non-terminal-interactive=true",
                "--init",
            ])
            .arg(&script)
            .current_dir(bin.parent().unwrap())
            .stdin(std::process::Stdio::null()),
    );
    let all = format!("{out}{err}");
    let line = all
        .lines()
        .find(|l| l.contains("Breakpoint 1 set at"))
        .ok_or_else(|| format!("dlv did not set the breakpoint:\n{all}"))?;
    let addr = line
        .split("set at ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap();
    let loc = line.rsplit(' ').next().unwrap();
    let (file, n) = loc.rsplit_once(':').unwrap();
    Ok((
        u64::from_str_radix(addr.trim_start_matches("0x"), 16).unwrap(),
        file.to_string(),
        n.parse().unwrap(),
    ))
}

fn ours(f: &Fixture) -> debugdoctor::dwarf::FunctionLocation {
    let t = debugdoctor::Target::open(&f.path).unwrap();
    t.main_main(debugdoctor::resolve::DelveRules::default().prologue())
        .unwrap_or_else(|| panic!("{}: main.main not found", f.label()))
}

#[test]
fn main_main_matches_gdb_info_line() {
    let mut compared = 0;
    for f in readable_fixtures() {
        let m = ours(&f);
        let (file, line, addr) = gdb_info_line(&f.path)
            .unwrap_or_else(|| panic!("{}: gdb printed no line for main.main", f.label()));
        assert_eq!(
            (m.file.as_str(), m.line),
            (file.as_str(), line),
            "{}: file:line",
            f.label()
        );
        assert_eq!(
            m.entry,
            addr,
            "{}: entry {:#x} vs gdb {:#x}",
            f.label(),
            m.entry,
            addr
        );
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} fixtures compared with gdb");
}

#[test]
fn main_main_matches_delve_break() {
    // Debian's Delve 1.20.2 reads DWARF 4 only: Go 1.19, 1.21, and nodwarf5 builds.
    let mut compared = 0;
    for f in readable_fixtures() {
        let dwarf4 = !f.go_at_least(25) || f.variant == "nodwarf5";
        if !dwarf4 {
            continue;
        }
        let m = ours(&f);
        let (pc, file, line) = dlv_break(&f.path).unwrap_or_else(|e| panic!("{}: {e}", f.label()));
        assert_eq!(line, m.line, "{}: line", f.label());
        assert!(
            m.file.ends_with(file.trim_start_matches("./")),
            "{}: {} vs dlv {}",
            f.label(),
            m.file,
            file
        );
        let t = debugdoctor::Target::open(&f.path).unwrap();
        if t.image().is_pie() {
            // Delve runs the program: its addresses are relocated by a page-aligned base.
            assert_eq!(
                (pc - m.pc) % 0x1000,
                0,
                "{}: PIE pc {pc:#x} vs ours {:#x}",
                f.label(),
                m.pc
            );
        } else {
            assert_eq!(pc, m.pc, "{}: pc {pc:#x} vs ours {:#x}", f.label(), m.pc);
        }
        compared += 1;
    }
    assert!(compared >= 8, "only {compared} fixtures compared with dlv");
}

/// `check`'s `main_main` (one unit's DIEs) and `where main.main` (the whole index) are two
/// lookups of one rule (`dwarf::prologue::break_row`): they must land on the same PC,
/// file and line on every fixture, Delve 1.27 rules.
#[test]
fn check_and_where_agree_on_main_main() {
    let mut compared = 0;
    for f in readable_fixtures() {
        let t = debugdoctor::Target::open(&f.path).unwrap();
        // Under each Delve's rules: check's answer is where's.
        for rules in [DelveRules::V1_20, DelveRules::V1_27] {
            let Some(m) = t.main_main(rules.prologue()) else {
                panic!("{}: main.main not found", f.label())
            };
            let r = debugdoctor::resolve::Resolver::with_rules(&t, rules).resolve("main.main");
            assert!(r.bound, "{}: where main.main not bound", f.label());
            let a = &r.addresses[0];
            assert_eq!(
                (a.pc, a.file.as_str(), a.line),
                (m.pc, m.file.as_str(), m.line),
                "{}: where vs check, {rules:?}",
                f.label()
            );
            compared += 1;
        }
    }
    assert!(compared >= 80, "only {compared} answers compared");
}

/// Binaries without DWARF (stripped, split with the debug file missing or not looked
/// for): `check` prints the `main.main` that `where main.main` binds, from the pclntab
/// (its entry, file and line), in JSON and in words; where `where` cannot bind, check
/// says why. Delve 1.27.1 binds the same pc, file and line (Go 1.25+ builds it accepts).
/// Both commands answer under the same `--delve` rules; under Delve 1.20's, which bind no
/// function of a binary without DWARF, check also gives Delve 1.25+'s answer.
#[test]
fn check_main_main_without_dwarf_is_wheres_answer() {
    let mut compared = 0;
    let mut by_delve = 0;
    let mut newest_given = 0;
    for (f, rules) in common::fixtures()
        .into_iter()
        .flat_map(|f| [(f.clone(), "newest"), (f, "1.20.2")])
    {
        if f.go.is_none() || !f.path.is_file() {
            continue;
        }
        let path = f.path.to_str().unwrap();
        let check = common::run(&["check", "--json", "--delve", rules, path]);
        let doc: serde_json::Value = serde_json::from_str(&check.stdout)
            .unwrap_or_else(|e| panic!("{}: {e}: {}", f.label(), check.stdout));
        let b = &doc["binaries"][0];
        if b["dwarf"]["present"] != false {
            continue;
        }
        let w = common::run(&["where", "--json", "--delve", rules, path, "main.main"]);
        let wdoc: serde_json::Value = serde_json::from_str(&w.stdout).unwrap();
        let loc = &wdoc["locations"][0];
        let m = &b["main_main"];
        if loc["bound"] == true {
            let a = &loc["addresses"][0];
            assert_eq!(m["from"], "pclntab", "{}", f.label());
            assert_eq!(
                m["pc"].as_str().unwrap(),
                format!("{:#x}", a["pc"].as_u64().unwrap()),
                "{}: pc",
                f.label()
            );
            assert_eq!(m["file"], a["file"], "{}: file", f.label());
            assert_eq!(m["line"], a["line"], "{}: line", f.label());
            assert!(
                m["file"].as_str().unwrap().ends_with(".go") && m["line"].as_u64().unwrap() > 0,
                "{}: {m}",
                f.label()
            );
            let human = common::run(&["check", "--delve", rules, path]).stdout;
            let want = format!(
                "main.main → {}:{} ({}, function entry, from the pclntab: no DWARF)",
                m["file"].as_str().unwrap(),
                m["line"],
                m["pc"].as_str().unwrap()
            );
            assert!(
                human.contains(&want),
                "{}: {want} not in\n{human}",
                f.label()
            );
            if rules == "newest" && f.is_host_platform() && f.go_at_least(25) && f.variant == "sw" {
                let dlv = common::repo_root().join(".cache/bin/dlv-1.27.1");
                let (pc, file, line) = dlv_break_with(dlv.to_str().unwrap(), &f.path)
                    .unwrap_or_else(|e| panic!("{}: {e}", f.label()));
                assert_eq!(
                    (format!("{pc:#x}"), file.as_str(), line),
                    (
                        m["pc"].as_str().unwrap().to_string(),
                        m["file"].as_str().unwrap(),
                        m["line"].as_u64().unwrap()
                    ),
                    "{}: Delve 1.27.1",
                    f.label()
                );
                by_delve += 1;
            }
        } else {
            assert!(m.is_null(), "{}: {m}", f.label());
            let why = b["main_main_unbound"].as_str().unwrap_or("");
            assert!(
                why.contains(loc["reason"]["message"].as_str().unwrap()),
                "{}: {why} vs {}",
                f.label(),
                loc["reason"]
            );
            // Delve 1.20's rules bind no function here; Delve 1.25+'s answer is given too.
            if rules == "1.20.2" && b["functions"].as_u64().unwrap_or(0) > 0 {
                let newest = b["main_main_newest"].as_str().unwrap_or("");
                if newest.contains("Delve 1.25+: /") {
                    assert!(newest.contains("answered as Delve 1.20 binds: --delve 1.20.2"));
                    newest_given += 1;
                }
            }
        }
        compared += 1;
    }
    assert!(
        compared >= 40,
        "only {compared} answers for fixtures without DWARF"
    );
    assert!(
        newest_given >= 5,
        "Delve 1.25+'s answer given {newest_given} times"
    );
    assert!(by_delve >= 2, "only {by_delve} compared with Delve 1.27.1");
}
