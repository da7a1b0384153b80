//! Differential test: `debugdoctor where` against real Delve (`/usr/bin/dlv`, Debian 1.20.2,
//! DWARF 4 only) on every line of every fixture source file and every function of package
//! main (plus `unicode/utf8`). One dlv process per binary, all specs in one init script.
//! Disagreements fail unless listed in tests/where_allowlist.txt with an explanation.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;

use debugdoctor::resolve::{DelveRules, Resolver};

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
                "closures",
                "methods",
                "genericsx",
                "leaf",
                "cgocallback",
            ]
            .contains(&f.program.as_str())
                && (dwarf4 || nodwarf5 || hello_extra)
        })
        .collect();
    assert!(fixtures.len() >= 17, "fixtures missing: {}", fixtures.len());
    let mut compared = 0;
    let mut bound = 0;
    let mut failures = Vec::new();
    // (Go version, kind of spec) → (compared, agreed), for the closing notes.
    let mut counts: BTreeMap<(String, &str), (usize, usize)> = BTreeMap::new();
    for fx in &fixtures {
        let target = debugdoctor::Target::open(&fx.path).unwrap();
        let r = Resolver::with_rules(&target, DelveRules::V1_20);
        let mut specs = Vec::new();
        let src = common::repo_root().join("fixtures/src").join(&fx.program);
        // Every .go file under the program's directory (workspace has app/ and lib/).
        for f in go_files(&src) {
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
            let kind = if s.starts_with('*') {
                "address"
            } else if s.contains(".go:") {
                "line"
            } else if s
                .rsplit_once(':')
                .is_some_and(|(_, l)| l.bytes().all(|b| b.is_ascii_digit()))
            {
                "func:line"
            } else if s.contains('.') {
                "function"
            } else {
                "partial"
            };
            let go = fx.go.clone().unwrap_or_default();
            let c = counts.entry((go, kind)).or_default();
            c.0 += 1;
            c.1 += usize::from(ours == d);
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
    eprintln!(
        "{:<8} {:<10} {:>9} {:>8}",
        "go", "kind", "compared", "agreed"
    );
    for ((go, kind), (n, a)) in &counts {
        eprintln!("{go:<8} {kind:<10} {n:>9} {a:>8}");
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Delve 1.27.1 over JSON-RPC (issue 20: 100% agreement).
// ---------------------------------------------------------------------------------------

use crate::delve_rpc::{self, Dlv};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};

/// What a spec was generated as, for the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SpecKind {
    Line,
    Function,
    FuncLine,
    Partial,
}

impl SpecKind {
    fn name(self) -> &'static str {
        match self {
            SpecKind::Line => "line",
            SpecKind::Function => "function",
            SpecKind::FuncLine => "func:line",
            SpecKind::Partial => "partial",
        }
    }
}

/// One compared spec whose answers differ.
struct Disagreement {
    label: String,
    go: String,
    kind: SpecKind,
    spec: String,
    ours: Option<BTreeSet<u64>>,
    /// `DD70x message` when ours is unbound.
    ours_reason: Option<String>,
    /// Where ours binds: `function file:line` per address.
    ours_where: Vec<String>,
    dlv: Option<BTreeSet<u64>>,
    dlv_error: Option<String>,
    /// Where Delve binds: `function file:line` per location.
    dlv_where: Vec<String>,
}

impl Disagreement {
    fn key(&self) -> String {
        format!("{} {}", self.label, self.spec)
    }
    fn line(&self) -> String {
        let set = |s: &Option<BTreeSet<u64>>| match s {
            None => "None".to_string(),
            Some(s) => format!(
                "{{{}}}",
                s.iter()
                    .map(|pc| format!("{pc:#x}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let mut out = format!("{}: ours {}", self.key(), set(&self.ours));
        if let Some(r) = &self.ours_reason {
            out.push_str(&format!(" [{r}]"));
        }
        out.push_str(&format!(" dlv {}", set(&self.dlv)));
        if let Some(e) = &self.dlv_error {
            out.push_str(&format!(" [{e}]"));
        }
        out
    }
    fn json(&self) -> Value {
        let set = |s: &Option<BTreeSet<u64>>| {
            s.as_ref()
                .map(|s| s.iter().map(|pc| format!("{pc:#x}")).collect::<Vec<_>>())
        };
        json!({
            "label": self.label, "go": self.go, "kind": self.kind.name(), "spec": self.spec,
            "ours": set(&self.ours), "ours_reason": self.ours_reason, "ours_where": self.ours_where,
            "dlv": set(&self.dlv), "dlv_error": self.dlv_error, "dlv_where": self.dlv_where,
        })
    }
}

/// The files under a fixture program's directory for which `keep` holds, sorted.
fn files_under(src: &Path, keep: impl Fn(&Path) -> bool) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if keep(&p) {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// The `.go` files of a fixture program, sorted.
fn go_files(src: &Path) -> Vec<std::path::PathBuf> {
    files_under(src, |p| p.extension().is_some_and(|x| x == "go"))
}

/// The module paths of a program's go.mod files (workspace: several).
fn module_paths(src: &Path) -> Vec<String> {
    let mut out: Vec<String> = files_under(src, |p| p.file_name().is_some_and(|n| n == "go.mod"))
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let m = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("module "))?;
            Some(m.trim().trim_matches('"').to_string())
        })
        .collect();
    out.sort();
    out
}

/// Compares every spec of one fixture; returns (counts per kind: compared, agreed) and
/// the disagreements.
fn compare_with_dlv_1_27(
    dlv_path: &Path,
    fx: &common::Fixture,
) -> (BTreeMap<SpecKind, (usize, usize)>, Vec<Disagreement>) {
    let target = debugdoctor::Target::open(&fx.path)
        .unwrap_or_else(|e| panic!("{}: cannot open: {e}", fx.label()));
    let r = Resolver::with_rules(&target, DelveRules::V1_27);
    let mut dlv = Dlv::launch(dlv_path, &fx.path)
        .unwrap_or_else(|e| panic!("{}: dlv 1.27.1 cannot debug it: {e}", fx.label()));
    let mut specs: Vec<(SpecKind, String)> = Vec::new();
    let root = common::repo_root().join("fixtures/src");
    let src = root.join(&fx.program);
    // Every line of every .go file, as `program/dir/file.go:N`.
    for f in go_files(&src) {
        let rel = f.strip_prefix(&root).unwrap();
        let n = std::fs::read_to_string(&f).unwrap().lines().count();
        for l in 1..=n {
            specs.push((SpecKind::Line, format!("{}:{l}", rel.display())));
        }
    }
    // Functions exactly as Delve lists them, plus their names without type arguments.
    // The program's own packages (main and its modules') also get FUNC:LINE and the
    // base name alone.
    let mut program_filters = vec!["^main\\.".to_string()];
    for m in module_paths(&src) {
        program_filters.push(format!("^{}[./]", m.replace('.', "\\.")));
    }
    let mut program_funcs = BTreeSet::new();
    let mut funcs = BTreeSet::new();
    for (filter, program) in program_filters
        .iter()
        .map(|f| (f.as_str(), true))
        .chain([("^strconv\\.", false), ("^unicode/utf8\\.", false)])
    {
        for name in dlv.list_functions(filter) {
            if name.contains(' ') {
                continue;
            }
            let plain = debugdoctor::resolve::locspec::strip_generic(&name);
            if program {
                program_funcs.insert(plain.clone());
            }
            funcs.insert(name);
            funcs.insert(plain);
        }
    }
    for f in &funcs {
        specs.push((SpecKind::Function, f.clone()));
    }
    for f in &program_funcs {
        for l in [1, 2, 4] {
            specs.push((SpecKind::FuncLine, format!("{f}:{l}")));
        }
    }
    for f in &program_funcs {
        let base = f.rsplit('.').next().unwrap_or(f).to_string();
        specs.push((SpecKind::Partial, base));
    }
    let mut seen = HashSet::new();
    specs.retain(|(_, s)| seen.insert(s.clone()));

    let go = fx.go.clone().unwrap_or_default();
    let mut counts: BTreeMap<SpecKind, (usize, usize)> = BTreeMap::new();
    let mut out = Vec::new();
    let describe = |v: &Value| {
        let pcs: Vec<String> = v["pcs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_u64)
            .map(|pc| format!("{pc:#x}"))
            .collect();
        format!(
            "{} {} {}:{}",
            pcs.join(","),
            v["function"]["name"].as_str().unwrap_or("?"),
            v["file"].as_str().unwrap_or("?"),
            v["line"]
        )
    };
    for (kind, spec) in specs {
        let res = r.resolve(&spec);
        let ours: Option<BTreeSet<u64>> = res
            .bound
            .then(|| res.addresses.iter().map(|a| a.pc).collect());
        let (theirs, dlv_error, dlv_where) = match dlv.find_location_full(&spec) {
            Ok(locs) => {
                let set = delve_rpc::pcs_of(&locs);
                let w = locs.iter().map(describe).collect();
                if set.is_empty() {
                    (None, Some("no address".to_string()), w)
                } else {
                    (Some(set), None, w)
                }
            }
            Err(e) => (None, Some(e), Vec::new()),
        };
        let c = counts.entry(kind).or_default();
        c.0 += 1;
        if ours == theirs {
            c.1 += 1;
            continue;
        }
        out.push(Disagreement {
            label: fx.label(),
            go: go.clone(),
            kind,
            spec,
            ours_reason: res
                .reason
                .as_ref()
                .filter(|_| ours.is_none())
                .map(|x| format!("{} {}", x.id, x.message)),
            ours_where: res
                .addresses
                .iter()
                .map(|a| {
                    let into = a
                        .inlined_into
                        .as_ref()
                        .map(|f| format!(" (inlined into {f})"))
                        .unwrap_or_default();
                    format!("{:#x} {} {}:{}{into}", a.pc, a.function, a.file, a.line)
                })
                .collect(),
            ours,
            dlv: theirs,
            dlv_error,
            dlv_where,
        });
    }
    (counts, out)
}

/// Every Go 1.25/1.27 linux/amd64 executable (default and noopt; the test binaries of
/// `testpkg`, which has no other) of every program in fixtures/src against Delve 1.27.1
/// over JSON-RPC: every source line, every function of the program's packages,
/// `strconv` and `unicode/utf8` (as Delve lists them, and without type arguments),
/// `FUNC:1/2/4` and base names. `WHERE_DIFF_FILTER` (a label substring) narrows the
/// fixtures, `WHERE_DIFF_JOBS` sets the parallelism (2), `WHERE_DIFF_OUT` names a file
/// for the disagreements as JSON lines (scripts/where-diff).
#[test]
fn where_agrees_with_delve_1_27() {
    let started = std::time::Instant::now();
    let dlv_path = common::repo_root().join(".cache/bin/dlv-1.27.1");
    common::require_tool(dlv_path.to_str().unwrap());
    let allow = allowlist();
    let filter = std::env::var("WHERE_DIFF_FILTER").unwrap_or_default();
    let jobs: usize = std::env::var("WHERE_DIFF_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(2)
        .max(1);
    let src = common::repo_root().join("fixtures/src");
    let fixtures: Vec<_> = common::fixtures()
        .into_iter()
        .filter(|f| {
            matches!(f.go.as_deref(), Some("1.25.5") | Some("1.27.3"))
                && f.is_host_platform()
                && src.join(&f.program).is_dir()
                && matches!(
                    (f.kind.as_str(), f.variant.as_str()),
                    ("exe", "default" | "noopt") | ("test", "test" | "test-noopt")
                )
                && f.label().contains(&filter)
        })
        .collect();
    if filter.is_empty() {
        assert!(fixtures.len() >= 32, "fixtures missing: {}", fixtures.len());
    }
    let queue = Mutex::new(fixtures.iter().collect::<std::collections::VecDeque<_>>());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let Some(fx) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                let r = compare_with_dlv_1_27(&dlv_path, fx);
                results
                    .lock()
                    .unwrap()
                    .push((fx.go.clone().unwrap_or_default(), r));
            });
        }
    });
    let results = results.into_inner().unwrap();
    let mut counts: BTreeMap<(String, SpecKind), (usize, usize)> = BTreeMap::new();
    let mut all = Vec::new();
    for (go, (c, d)) in results {
        for (k, (n, a)) in c {
            let e = counts.entry((go.clone(), k)).or_default();
            e.0 += n;
            e.1 += a;
        }
        all.extend(d);
    }
    all.sort_by(|a, b| (&a.label, a.kind, &a.spec).cmp(&(&b.label, b.kind, &b.spec)));
    eprintln!(
        "where vs Delve 1.27.1: {} binaries in {:.1}s",
        fixtures.len(),
        started.elapsed().as_secs_f64()
    );
    eprintln!(
        "{:<8} {:<10} {:>9} {:>8} {:>10} {:>8}",
        "go", "kind", "compared", "agreed", "disagreed", "rate"
    );
    let (mut tn, mut ta) = (0, 0);
    for ((go, k), (n, a)) in &counts {
        tn += n;
        ta += a;
        eprintln!(
            "{go:<8} {:<10} {n:>9} {a:>8} {:>10} {:>7.2}%",
            k.name(),
            n - a,
            100.0 * *a as f64 / (*n).max(1) as f64
        );
    }
    eprintln!(
        "{:<8} {:<10} {tn:>9} {ta:>8} {:>10} {:>7.2}%",
        "all",
        "",
        tn - ta,
        100.0 * ta as f64 / tn.max(1) as f64
    );
    for d in &all {
        eprintln!("{}", d.line());
    }
    if let Ok(path) = std::env::var("WHERE_DIFF_OUT") {
        let mut text = String::new();
        for d in &all {
            text.push_str(&d.json().to_string());
            text.push('\n');
        }
        let summary = json!({"summary": counts.iter().map(|((go, k), (n, a))| json!({
            "go": go, "kind": k.name(), "compared": n, "agreed": a})).collect::<Vec<_>>(),
            "binaries": fixtures.len(), "seconds": started.elapsed().as_secs_f64()});
        text.push_str(&summary.to_string());
        text.push('\n');
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let failures: Vec<String> = all
        .iter()
        .filter(|d| !allow.contains(&d.key()))
        .map(Disagreement::line)
        .collect();
    assert!(
        failures.is_empty(),
        "{} disagreements with Delve 1.27.1 (not in tests/where_allowlist.txt):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
