//! Differential test: `debugdoctor where` against real Delve (`/usr/bin/dlv`, Debian 1.20.2,
//! DWARF 4 only) on every line of every fixture source file and every function of package
//! main (plus `unicode/utf8`). One dlv process per binary, all specs in one init script.
//! Disagreements fail unless listed in tests/where_allowlist.txt with an explanation.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use debugdoctor::resolve::Resolver;

/// Delve's answer for one spec: Some(addresses) when bound, None when it failed.
/// `Err(())` when Delve said "Breakpoint exists" (not comparable).
type DlvAnswer = Result<Option<BTreeSet<u64>>, ()>;

fn run_dlv(bin: &Path, specs: &[String], tmp: &Path) -> Vec<DlvAnswer> {
    let script = tmp.join("script.txt");
    let mut text = String::new();
    for s in specs {
        text.push_str(&format!("break {s}\nclearall\n"));
    }
    text.push_str("exit\n");
    std::fs::write(&script, text).unwrap();
    let out = Command::new("/usr/bin/dlv")
        .arg("exec")
        .arg(bin)
        .arg("--init")
        .arg(&script)
        .arg("--check-go-version=false")
        .arg("--allow-non-terminal-interactive=true")
        .stdin(Stdio::null())
        .current_dir(tmp)
        .output()
        .expect("run dlv");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let prefix = format!("{}:", script.display());
    let mut errors = std::collections::HashMap::new();
    let mut sets = Vec::new();
    for line in all.lines() {
        if let Some(rest) = line.strip_prefix(&prefix) {
            if let Some((n, msg)) = rest.split_once(':') {
                if let Ok(n) = n.parse::<usize>() {
                    errors.insert(n, msg.trim().to_string());
                }
            }
        } else if line.starts_with("Breakpoint ") && line.contains(" set at ") {
            let addrs = line.split(" set at ").nth(1).unwrap();
            let addrs = addrs.split(" for ").next().unwrap();
            let set: BTreeSet<u64> = addrs
                .split(',')
                .filter_map(|a| u64::from_str_radix(a.trim().trim_start_matches("0x"), 16).ok())
                .collect();
            sets.push(set);
        }
    }
    let mut sets = sets.into_iter();
    let mut res = Vec::new();
    for i in 0..specs.len() {
        match errors.get(&(2 * i + 1)) {
            Some(m) if m.starts_with("Breakpoint exists") => res.push(Err(())),
            Some(_) => res.push(Ok(None)),
            None => res.push(Ok(Some(
                sets.next().expect("dlv output: missing breakpoint line"),
            ))),
        }
    }
    assert!(
        sets.next().is_none(),
        "dlv output: extra breakpoint lines\n{all}"
    );
    res
}

fn allowlist() -> BTreeSet<String> {
    let p = common::repo_root().join("tests/where_allowlist.txt");
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split("  #").next().unwrap().trim().to_string())
        .collect()
}

#[test]
fn where_agrees_with_delve() {
    common::require_tool("/usr/bin/dlv");
    let allow = allowlist();
    let tmp = tempfile::tempdir().unwrap();
    let fixtures: Vec<_> = common::fixtures()
        .into_iter()
        .filter(|f| {
            let dwarf4 = matches!(f.go.as_deref(), Some("1.19.8") | Some("1.21.13"))
                && matches!(
                    f.variant.as_str(),
                    "default" | "noopt" | "tags" | "test" | "test-noopt"
                );
            let nodwarf5 = f.go_at_least(25) && f.variant == "nodwarf5";
            // More hello variants Delve reads (not PIE: a live PIE is relocated).
            let hello_extra = f.program == "hello"
                && matches!(f.go.as_deref(), Some("1.19.8") | Some("1.21.13"))
                && matches!(
                    f.variant.as_str(),
                    "noopt-main" | "trimpath" | "extlink" | "nocompress"
                );
            [
                "hello",
                "inline",
                "generics",
                "goroutines",
                "cgo",
                "buildtags",
                "workspace",
                "testpkg",
            ]
            .contains(&f.program.as_str())
                && (dwarf4 || nodwarf5 || hello_extra)
        })
        .collect();
    assert!(fixtures.len() >= 17, "fixtures missing: {}", fixtures.len());
    let mut compared = 0;
    let mut bound = 0;
    let mut failures = Vec::new();
    for fx in &fixtures {
        let target = debugdoctor::Target::open(&fx.path).unwrap();
        let r = Resolver::new(&target);
        let mut specs = Vec::new();
        let src = common::repo_root().join("fixtures/src").join(&fx.program);
        // Every .go file under the program's directory (workspace has app/ and lib/).
        let mut files = Vec::new();
        let mut dirs = vec![src.clone()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap().filter_map(|e| e.ok()) {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "go") {
                    files.push(p);
                }
            }
        }
        files.sort();
        for f in files {
            let rel = f.strip_prefix(src.parent().unwrap()).unwrap();
            let n = std::fs::read_to_string(&f).unwrap().lines().count();
            for l in 1..=n {
                specs.push(format!("{}:{l}", rel.display()));
            }
        }
        let mut names = BTreeSet::new();
        for f in &r.index.functions {
            if (f.name.starts_with("main.") || f.name.starts_with("unicode/utf8."))
                && !f.name.contains(' ')
            {
                // Generic instantiations are known to users (and Delve) as `pkg.F`.
                names.insert(debugdoctor::resolve::locspec::strip_generic(&f.name));
            }
        }
        // FUNC:LINE (relative to the entry line) and partial names.
        let extra: Vec<String> = names
            .iter()
            .filter(|n| n.starts_with("main."))
            .flat_map(|n| {
                let base = n.rsplit('.').next().unwrap_or(n).to_string();
                vec![format!("{n}:1"), format!("{n}:2"), format!("{n}:4"), base]
            })
            .collect();
        specs.extend(names);
        specs.extend(extra);
        if let Some(a) = r.resolve("main.main").addresses.first() {
            specs.push(format!("*{:#x}", a.pc + 1));
        }
        for s in [
            "main.go:11",
            "main.go:21",
            "main.go:3",
            "nosuch.go:1",
            "main.nosuch",
            "*0x1",
        ] {
            specs.push(s.to_string());
        }
        let dlv = run_dlv(&fx.path, &specs, tmp.path());
        for (s, d) in specs.iter().zip(dlv) {
            let Ok(d) = d else { continue };
            let ours = r.resolve(s);
            let ours: Option<BTreeSet<u64>> = ours
                .bound
                .then(|| ours.addresses.iter().map(|a| a.pc).collect());
            compared += 1;
            if d.is_some() {
                bound += 1;
            }
            if ours != d {
                let key = format!("{} {s}", fx.label());
                if !allow.contains(&key) {
                    failures.push(format!("{key}: ours {:x?} dlv {:x?}", ours, d));
                }
            }
        }
    }
    eprintln!(
        "compared {compared} specs on {} binaries ({bound} bound by dlv)",
        fixtures.len()
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
