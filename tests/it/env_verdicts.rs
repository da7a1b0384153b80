//! `env`'s verdict against what the real Delve does (issue 18 item 1). For each hello
//! fixture of Go 1.19.8, 1.21.13, 1.25.5 and 1.27.3 (variants default, sw = `-s -w`,
//! nodwarf5, split = objcopy'd `.debug` file beside the binary, split-missing = the same
//! without it; plus Go 1.25.5's windows, darwin-arm64 and linux-arm64 builds) and each
//! Delve (Debian's 1.20.2, built with go1.19.8; 1.27.1, built with go1.25.5):
//!
//! - dlv's verdict: `dlv exec BIN --init SCRIPT` with `break main.main`, `continue`,
//!   `break main.go:28` (inside greet's loop), `continue`, `locals`. error = dlv refuses
//!   the binary or a breakpoint does not bind or is not hit (file:line is what an editor
//!   sets); warning = both bind and stop but `msg` is not read; ok = `msg = "hello, world"`.
//! - env's verdict: the highest severity of `debugdoctor env --dlv DLV BIN --json`'s
//!   findings (info counts as ok), and exit code 1 exactly when it is error (README).
//!
//! They must be equal in every cell. A second set of cells runs dlv with
//! `--check-go-version=false`: there env's findings without the version-gate ones
//! (DD501, DD503, DD504) must predict dlv (this is what DD502's text claims: DWARF 5 with
//! Delve 1.20.2 loses variables, not breakpoints).
//!
//! Cells run on a few threads; each dlv has a timeout and runs in its own process group,
//! killed as a whole when it overruns, so no dlv or debuggee outlives the test.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long one dlv run may take (hello runs in milliseconds; dlv starts in about 1 s).
const DLV_TIMEOUT: Duration = Duration::from_secs(90);
/// Cells measured at once: dlv mostly waits on its debuggee, but the machine has 2 cores.
const PARALLEL: usize = 3;

const GOS: &[&str] = &["1.19.8", "1.21.13", "1.25.5", "1.27.3"];
const VARIANTS: &[&str] = &["default", "sw", "nodwarf5", "split", "split-missing"];
const FOREIGN: &[&str] = &["windows", "darwin-arm64", "linux-arm64"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    Ok,
    Warning,
    Error,
}

impl Verdict {
    fn word(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Warning => "warning",
            Verdict::Error => "error",
        }
    }
}

struct Delve {
    name: &'static str,
    path: PathBuf,
}

fn delves() -> Vec<Delve> {
    let d127 = common::repo_root().join(".cache/bin/dlv-1.27.1");
    assert!(
        d127.exists(),
        "{} missing: see /work/shared/oracles/README.md",
        d127.display()
    );
    vec![
        Delve {
            name: "1.20.2",
            path: common::require_tool("/usr/bin/dlv").to_path_buf(),
        },
        Delve {
            name: "1.27.1",
            path: d127,
        },
    ]
}

struct Cell {
    fixture: common::Fixture,
    delve: usize,
    check_go_version: bool,
}

/// What one cell gave: dlv's verdict and why, env's verdict, its finding IDs and exit code.
struct Outcome {
    dlv: Verdict,
    dlv_why: String,
    env: Verdict,
    env_ids: Vec<(String, Verdict)>,
    env_code: i32,
}

/// dlv's verdict on `bin`, and a short reason (the line that decided it).
fn run_dlv(dlv: &Path, bin: &Path, check_go_version: bool) -> (Verdict, String) {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("script");
    std::fs::write(
        &script,
        "break main.main\ncontinue\nbreak main.go:28\ncontinue\nlocals\nexit\n",
    )
    .unwrap();
    let log = dir.path().join("log");
    let file = std::fs::File::create(&log).unwrap();
    let mut cmd = Command::new(dlv);
    cmd.arg("exec")
        .arg(bin)
        .arg("--init")
        .arg(&script)
        .arg("--allow-non-terminal-interactive=true")
        .arg(format!("--check-go-version={check_go_version}"))
        .current_dir(dir.path())
        .env("TERM", "dumb")
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file);
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().expect("run dlv");
    let start = Instant::now();
    let timed_out = loop {
        if child.try_wait().unwrap().is_some() {
            break false;
        }
        if start.elapsed() > DLV_TIMEOUT {
            // dlv and its debuggee share the group.
            let pgid = nix::unistd::Pid::from_raw(child.id() as i32);
            let _ = nix::sys::signal::killpg(pgid, nix::sys::signal::Signal::SIGKILL);
            let _ = child.wait();
            break true;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        !timed_out,
        "dlv {} {} timed out; output:\n{text}",
        dlv.display(),
        bin.display()
    );
    classify(&text)
}

/// The verdict of one dlv transcript (see the module comment).
fn classify(text: &str) -> (Verdict, String) {
    let first = |pred: &dyn Fn(&str) -> bool| text.lines().find(|l| pred(l)).map(str::trim);
    if !text.contains("Type 'help' for list of commands.") {
        let why = text
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("no output");
        return (Verdict::Error, format!("refused: {}", why.trim()));
    }
    let hit = |at: &str| text.lines().any(|l| l.starts_with("> ") && l.contains(at));
    let script_error = |n: usize| first(&|l: &str| l.contains(&format!("script:{n}:")));
    if !hit("main.go:11 ") {
        let why = script_error(1).unwrap_or("main.main not hit");
        return (Verdict::Error, format!("break main.main: {why}"));
    }
    if !hit("main.go:28 ") {
        let why = script_error(3).unwrap_or("main.go:28 not hit");
        return (Verdict::Error, format!("break main.go:28: {why}"));
    }
    match first(&|l: &str| l.starts_with("msg = ")) {
        Some("msg = \"hello, world\"") => (Verdict::Ok, "variables read".into()),
        Some(l) => (Verdict::Warning, format!("binds and stops; {l}")),
        None => (
            Verdict::Warning,
            format!(
                "binds and stops; locals: {}",
                script_error(5).unwrap_or("no msg")
            ),
        ),
    }
}

fn severity(s: &str) -> Verdict {
    match s {
        "error" => Verdict::Error,
        "warning" => Verdict::Warning,
        _ => Verdict::Ok,
    }
}

/// env's findings for `bin` with this dlv: (ID, severity) and the exit code.
fn run_env(dlv: &Path, bin: &Path) -> (Vec<(String, Verdict)>, i32) {
    let ws = tempfile::tempdir().unwrap();
    let out = common::dd()
        .arg("env")
        .arg("--dlv")
        .arg(dlv)
        .arg(bin)
        .arg("--workspace")
        .arg(ws.path())
        .arg("--json")
        .run();
    let v: Value = serde_json::from_slice(&out.stdout_bytes)
        .unwrap_or_else(|e| panic!("env {}: not JSON ({e}): {}", bin.display(), out.stderr));
    let ids = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                severity(f["severity"].as_str().unwrap()),
            )
        })
        .collect();
    (ids, out.code)
}

/// The highest severity among `ids`, leaving out the version-gate findings when dlv
/// runs with `--check-go-version=false`.
fn env_verdict(ids: &[(String, Verdict)], check_go_version: bool) -> Verdict {
    ids.iter()
        .filter(|(id, _)| check_go_version || !["DD501", "DD503", "DD504"].contains(&id.as_str()))
        .map(|(_, v)| *v)
        .max()
        .unwrap_or(Verdict::Ok)
}

fn cells(delves: &[Delve]) -> (Vec<Cell>, Vec<String>) {
    let all = common::fixtures();
    let find = |go: &str, variant: &str| {
        all.iter()
            .find(|f| f.go.as_deref() == Some(go) && f.program == "hello" && f.variant == variant)
            .cloned()
    };
    let mut cells = Vec::new();
    let mut skipped = Vec::new();
    for (d, _) in delves.iter().enumerate() {
        for go in GOS {
            for variant in VARIANTS {
                match find(go, variant) {
                    Some(fixture) => cells.push(Cell {
                        fixture,
                        delve: d,
                        check_go_version: true,
                    }),
                    None if d == 0 => skipped.push(format!("go{go}/hello/{variant}")),
                    None => {}
                }
            }
        }
        for variant in FOREIGN {
            cells.push(Cell {
                fixture: find("1.25.5", variant).expect("foreign fixture"),
                delve: d,
                check_go_version: true,
            });
        }
    }
    // --check-go-version=false where the gate refuses a binary that has DWARF.
    for (d, go, variant) in [
        (0, "1.21.13", "default"),
        (0, "1.25.5", "default"),
        (0, "1.25.5", "nodwarf5"),
        (0, "1.25.5", "split"),
        (0, "1.27.3", "default"),
        (0, "1.27.3", "nodwarf5"),
        (0, "1.27.3", "split"),
        (1, "1.19.8", "default"),
        (1, "1.21.13", "default"),
    ] {
        cells.push(Cell {
            fixture: find(go, variant).expect("fixture"),
            delve: d,
            check_go_version: false,
        });
    }
    (cells, skipped)
}

#[test]
fn env_verdict_is_what_dlv_does() {
    let delves = delves();
    let (cells, skipped) = cells(&delves);
    // Go 1.19 and 1.21 have no nodwarf5 build (they emit DWARF 4 anyway).
    assert_eq!(
        skipped,
        ["go1.19.8/hello/nodwarf5", "go1.21.13/hello/nodwarf5"],
        "fixtures missing: run scripts/fixtures"
    );
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<usize, Outcome>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(c) = cells.get(i) else { break };
                let dlv = &delves[c.delve].path;
                let (dv, why) = run_dlv(dlv, &c.fixture.path, c.check_go_version);
                let (ids, code) = run_env(dlv, &c.fixture.path);
                let outcome = Outcome {
                    dlv: dv,
                    dlv_why: why,
                    env: env_verdict(&ids, c.check_go_version),
                    env_ids: ids,
                    env_code: code,
                };
                results.lock().unwrap().insert(i, outcome);
            });
        }
    });
    let results = results.into_inner().unwrap();
    let mut table = String::new();
    let mut failures = Vec::new();
    table.push_str(&format!(
        "{:<7} {:<29} {:<5} {:<8} {:<8} {:<24} {}\n",
        "delve", "binary", "gate", "dlv", "env", "env findings", "dlv said"
    ));
    for (i, c) in cells.iter().enumerate() {
        let o = &results[&i];
        let ids: Vec<String> = o
            .env_ids
            .iter()
            .filter(|(_, v)| *v != Verdict::Ok)
            .map(|(id, v)| format!("{id}:{}", &v.word()[..1]))
            .collect();
        let ok = o.dlv == o.env;
        table.push_str(&format!(
            "{:<7} {:<29} {:<5} {:<8} {:<8} {:<24} {}{}\n",
            delves[c.delve].name,
            c.fixture.label(),
            if c.check_go_version { "on" } else { "off" },
            o.dlv.word(),
            o.env.word(),
            ids.join(","),
            o.dlv_why.chars().take(110).collect::<String>(),
            if ok { "" } else { "   <-- DIFFERS" }
        ));
        if !ok {
            failures.push(format!(
                "Delve {} on {} (check-go-version {}): dlv {:?} ({}), env {:?} {:?}",
                delves[c.delve].name,
                c.fixture.label(),
                c.check_go_version,
                o.dlv,
                o.dlv_why,
                o.env,
                o.env_ids
            ));
        }
        // Exit codes as the README documents: 1 when a finding is an error, else 0.
        let want_code = if env_verdict(&o.env_ids, true) == Verdict::Error {
            1
        } else {
            0
        };
        if o.env_code != want_code {
            failures.push(format!(
                "Delve {} on {}: exit code {} with findings {:?}",
                delves[c.delve].name,
                c.fixture.label(),
                o.env_code,
                o.env_ids
            ));
        }
    }
    println!(
        "{table}{} cells in {:.1}s; no fixture (skipped): {}",
        cells.len(),
        started.elapsed().as_secs_f64(),
        skipped.join(", ")
    );
    assert!(
        failures.is_empty(),
        "env's verdict differs from dlv's:\n{}\n\n{table}",
        failures.join("\n")
    );
}
