//! `probe` on real fixtures under real ptrace: main.main is hit at the address `where`
//! computes (and Delve stops at), bound-but-unexecuted code is "not hit" with the exit
//! status, a blocking program is killed at the timeout with nothing left running, and a
//! goroutine-heavy program survives 50 probes in a row.

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};

use debugdoctor::probe::{probe, ProbeOptions};
use debugdoctor::Target;
use serde_json::Value;

fn probe_json(bin: &Path, breaks: &[&str], extra: &[&str], args: &[&str]) -> (i32, Value) {
    let mut c = common::dd();
    c.arg("probe").arg(bin).arg("--json");
    for b in breaks {
        c.args(["--break", b]);
    }
    c.args(extra);
    if !args.is_empty() {
        c.arg("--").args(args);
    }
    let out = c.run();
    let v: Value = serde_json::from_slice(&out.stdout_bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.stderr));
    (out.code, v)
}

/// Processes whose executable is `bin` (the tracee must never outlive a probe).
fn running(bin: &Path) -> usize {
    let bin = std::fs::canonicalize(bin).unwrap();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter(|e| std::fs::read_link(e.path().join("exe")).is_ok_and(|p| p == bin))
        .count()
}

#[test]
fn main_main_is_hit_where_where_says() {
    let mut n = 0;
    for f in common::fixtures().into_iter().filter(|f| {
        f.go.is_some()
            && (f.program == "hello"
                && matches!(f.variant.as_str(), "default" | "noopt" | "pie" | "extlink")
                || f.program == "cgo" && f.variant == "default")
    }) {
        let t = Target::open(&f.path).unwrap();
        let want = t
            .main_main(debugdoctor::resolve::DelveRules::default().prologue())
            .unwrap()
            .pc;
        let opts = ProbeOptions {
            quiet: true,
            ..Default::default()
        };
        let r = probe(&t, &["main.main".into()], &opts).unwrap();
        let b = &r.breakpoints[0];
        assert_eq!(b.status, "hit", "{}: {r:?}", f.label());
        assert_eq!(b.address, Some(want), "{}", f.label());
        assert_eq!(b.pc, Some(want + r.load_base), "{}", f.label());
        assert_eq!(r.load_base != 0, f.variant == "pie", "{}", f.label());
        n += 1;
    }
    assert_eq!(n, 20);
}

#[test]
fn bound_but_not_executed_is_not_hit_with_the_exit_status() {
    let bin = common::fixture("1.25.5", "hello", "noopt").path;
    let (code, v) = probe_json(&bin, &["main.main", "main.rare"], &[], &[]);
    assert_eq!(code, 1);
    let p = &v["probe"];
    assert_eq!(p["end"], "exited");
    assert_eq!(p["exit_code"], 0);
    assert_eq!(p["breakpoints"][0]["status"], "hit");
    assert_eq!(p["breakpoints"][1]["status"], "not-hit");
    assert!(p["breakpoints"][1]["reason"]
        .as_str()
        .unwrap()
        .contains("exited with status 0"));
    // With the argument that takes that path, it is hit (and the line is rare's body).
    let (code, v) = probe_json(&bin, &["main.rare", "main.go:35"], &[], &["rare"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["probe"]["breakpoints"][1]["line"], 35);
    // One bound and hit, one not bound: the run stops once the bound one is hit, and
    // does not call that "all hit".
    let (code, v) = probe_json(&bin, &["main.main", "main.go:2"], &[], &[]);
    assert_eq!(code, 1);
    assert_eq!(v["probe"]["end"], "stopped-all-bound-hit", "{v}");
    let (_, v) = probe_json(&bin, &["main.main"], &[], &[]);
    assert_eq!(v["probe"]["end"], "stopped-all-hit", "{v}");
    // Not bound: the where reason.
    let (code, v) = probe_json(&bin, &["main.go:2"], &[], &[]);
    assert_eq!(code, 1);
    assert_eq!(v["probe"]["breakpoints"][0]["status"], "not-bound");
    assert!(v["probe"]["breakpoints"][0]["reason"]
        .as_str()
        .unwrap()
        .starts_with("DD703"));
}

#[test]
fn a_blocking_program_is_killed_at_the_timeout() {
    // A binary no other test runs, so the process count below is this test's alone.
    let bin = common::fixture("1.27.3", "hello", "nocompress").path;
    let start = std::time::Instant::now();
    let (code, v) = probe_json(&bin, &["main.rare"], &["--timeout", "1s"], &["sleep"]);
    assert_eq!(code, 1);
    assert_eq!(v["probe"]["end"], "timeout");
    assert!(start.elapsed().as_secs_f64() < 5.0);
    assert_eq!(running(&bin), 0, "a traced process was left behind");
}

#[test]
fn goroutines_fifty_times_in_a_row() {
    let bin = common::fixture("1.25.5", "goroutines", "noopt").path;
    let t = Target::open(&bin).unwrap();
    let opts = ProbeOptions {
        quiet: true,
        timeout: std::time::Duration::from_secs(20),
        ..Default::default()
    };
    let start = std::time::Instant::now();
    for i in 0..50 {
        // A worker's first statement, and the line every worker runs 25 times.
        let r = probe(&t, &["main.worker".into(), "main.go:13".into()], &opts).unwrap();
        assert!(r.all_hit(), "run {i}: {r:?}");
        assert_eq!(r.end, "stopped-all-hit", "run {i}");
    }
    eprintln!("50 probes of goroutines in {:?}", start.elapsed());
    assert_eq!(running(&bin), 0);
}

/// `--count`: stepping over a breakpoint and re-arming it (greet's loop body runs twice).
#[test]
fn count_steps_over_and_rearms() {
    let bin = common::fixture("1.25.5", "hello", "noopt").path;
    let (code, v) = probe_json(&bin, &["main.go:28"], &["--count", "2"], &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["probe"]["breakpoints"][0]["hits"], 2);
    assert_eq!(v["probe"]["end"], "stopped-all-hit");
    // A third pass does not exist: the program exits and the count stays 2.
    let (code, v) = probe_json(&bin, &["main.go:28"], &["--count", "3"], &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["probe"]["breakpoints"][0]["hits"], 2);
    assert_eq!(v["probe"]["end"], "exited");
}

/// Delve stops at the same PC: `dlv exec` + `break main.main` + `continue`.
#[test]
fn agrees_with_delve_on_where_main_stops() {
    for go in ["1.19.8", "1.21.13"] {
        for variant in ["default", "noopt", "extlink"] {
            let bin = common::fixture(go, "hello", variant).path;
            let dir = tempfile::tempdir().unwrap();
            let script = dir.path().join("s");
            std::fs::write(&script, "break main.main\ncontinue\nexit\n").unwrap();
            let out = Command::new("dlv")
                .arg("exec")
                .arg(&bin)
                .args([
                    "--check-go-version=false",
                    "--allow-non-terminal-interactive=true",
                    "--init",
                ])
                .arg(&script)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            let pc = text
                .split("(PC: ")
                .nth(1)
                .and_then(|s| s.split(')').next())
                .unwrap_or_else(|| panic!("go{go} {variant}: {text}"));
            let dlv = u64::from_str_radix(pc.trim_start_matches("0x"), 16).unwrap();
            let (code, v) = probe_json(&bin, &["main.main"], &[], &[]);
            assert_eq!(code, 0);
            assert_eq!(v["probe"]["breakpoints"][0]["pc"], dlv, "go{go} {variant}");
        }
    }
}

#[test]
fn foreign_and_bad_inputs_exit_2() {
    for (bin, why) in [
        (
            common::fixture("1.25.5", "hello", "windows").path,
            "windows/amd64",
        ),
        (
            common::fixture("1.25.5", "hello", "linux-arm64").path,
            "linux/arm64",
        ),
        (
            common::repo_root().join(".cache/fixtures/nongo/script.sh"),
            "script.sh",
        ),
    ] {
        let out = common::dd().arg("probe").arg(&bin).run();
        assert_eq!(out.status.code(), Some(2), "{}", bin.display());
        let err = &out.stderr;
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(why), "{err}");
    }
}

/// The diagnosis reads the same facts as /proc says, independently.
#[test]
fn ptrace_diagnosis_reads_this_machine() {
    let d = debugdoctor::probe::ptrace_diagnosis();
    if let Ok(scope) = std::fs::read_to_string("/proc/sys/kernel/yama/ptrace_scope") {
        assert!(d.contains(&format!("ptrace_scope={}", scope.trim())), "{d}");
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let cap = status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .map(|v| u64::from_str_radix(v.trim(), 16).unwrap())
        .unwrap();
    assert_eq!(d.contains("no CAP_SYS_PTRACE"), cap & (1 << 19) == 0, "{d}");
}
