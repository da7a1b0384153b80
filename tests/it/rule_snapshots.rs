//! One insta snapshot per rule of `debugdoctor::registry::RULES` (issue 17 item 6): every
//! finding is produced from a real input by the real CLI in human output
//! (`--color never`), the block of that one finding is cut out of the output, the parts
//! that vary between machines and runs are redacted, and the block is compared with
//! `tests/it/snapshots/DDxxx.snap`.
//!
//! Sources: `check` on fixtures (DD1xx–DD3xx; DD106 and DD110 on fixture copies with a
//! UPX mark written into the ELF padding and a corrupted build-info header; DD503 on a
//! copy whose Go version string is rewritten to a future release), `launch` on
//! tests/launch/ inputs (DD4xx), `env` (DD5xx; DD504 with a stand-in `dlv` script that
//! reports a newer Delve version; DD508 on a `-s -w` build), `check --probe` (DD601:
//! GOMEMLIMIT malformed, so the Go runtime dies before main; DD602: ptrace refused by a
//! seccomp filter installed before exec), `where` (DD7xx) and `check --baseline` across
//! two builds (DD8xx).
//!
//! A rule without a case here and not listed in [`NOT_PRODUCIBLE`] fails
//! `every_rule_has_a_case`; a case whose output has no block for its ID fails loudly.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use debugdoctor::registry::RULES;

/// Rules that cannot be produced deterministically on an arbitrary test machine.
const NOT_PRODUCIBLE: &[(&str, &str)] = &[(
    "DD505",
    "ptrace-blocked comes only from the kernel's Yama ptrace_scope (1 without \
     CAP_SYS_PTRACE, 2 or 3), a system-wide sysctl a test cannot set; the seccomp filter \
     and the missing capability are only notes. This machine has no Yama at all",
)];

/// Where each case's finding comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Check,
    Launch,
    Env,
    Probe,
    Where,
    Baseline,
    Doctor,
}

/// Every case: the rule ID and the command family that produces it.
const CASES: &[(&str, Source)] = &[
    ("DD101", Source::Check),
    ("DD102", Source::Check),
    ("DD103", Source::Check),
    ("DD104", Source::Check),
    ("DD105", Source::Check),
    ("DD106", Source::Check),
    ("DD107", Source::Check),
    ("DD108", Source::Check),
    ("DD109", Source::Check),
    ("DD110", Source::Check),
    ("DD201", Source::Check),
    ("DD202", Source::Check),
    ("DD203", Source::Check),
    ("DD301", Source::Check),
    ("DD401", Source::Launch),
    ("DD402", Source::Launch),
    ("DD403", Source::Launch),
    ("DD404", Source::Launch),
    ("DD405", Source::Launch),
    ("DD406", Source::Launch),
    ("DD407", Source::Launch),
    ("DD408", Source::Launch),
    ("DD409", Source::Launch),
    ("DD410", Source::Launch),
    ("DD411", Source::Launch),
    ("DD412", Source::Launch),
    ("DD413", Source::Launch),
    ("DD414", Source::Launch),
    ("DD415", Source::Launch),
    ("DD416", Source::Launch),
    ("DD417", Source::Launch),
    ("DD418", Source::Launch),
    ("DD419", Source::Launch),
    ("DD420", Source::Launch),
    ("DD421", Source::Launch),
    ("DD501", Source::Env),
    ("DD502", Source::Env),
    ("DD503", Source::Env),
    ("DD504", Source::Env),
    ("DD506", Source::Env),
    ("DD507", Source::Env),
    ("DD508", Source::Env),
    ("DD601", Source::Probe),
    ("DD602", Source::Probe),
    ("DD701", Source::Where),
    ("DD702", Source::Where),
    ("DD703", Source::Where),
    ("DD704", Source::Where),
    ("DD705", Source::Where),
    ("DD706", Source::Where),
    ("DD707", Source::Where),
    ("DD708", Source::Where),
    ("DD801", Source::Baseline),
    ("DD802", Source::Baseline),
    ("DD803", Source::Baseline),
    ("DD804", Source::Baseline),
    ("DD901", Source::Doctor),
    ("DD902", Source::Doctor),
];

// ---------------------------------------------------------------------------------------
// Helpers: fixtures, redaction, block extraction, the snapshot.

/// The checkout that built the fixtures, whose paths their DWARF records: this one, or
/// the one `.cache` links to from a git worktree.
fn build_root() -> PathBuf {
    std::fs::canonicalize(common::repo_root().join(".cache"))
        .ok()
        .and_then(|c| c.parent().map(Path::to_path_buf))
        .unwrap_or_else(common::repo_root)
}

fn fixture(go: &str, program: &str, variant: &str) -> PathBuf {
    common::fixture(go, program, variant).path
}

/// Replacements of what varies between machines and runs, applied in order.
#[derive(Default)]
struct Redact {
    paths: Vec<(String, &'static str)>,
}

impl Redact {
    fn new() -> Redact {
        let mut r = Redact::default();
        r.path(common::repo_root(), "[ROOT]");
        // The checkout that built the fixtures (the paths their DWARF records): this one,
        // or the one `.cache` links to from a worktree.
        r.path(build_root(), "[ROOT]");
        r
    }
    /// `dir` (and its canonical form) becomes `name`; longer paths are replaced first.
    fn path(&mut self, dir: impl AsRef<Path>, name: &'static str) -> &mut Redact {
        let dir = dir.as_ref();
        let mut forms = vec![dir.display().to_string()];
        if let Ok(c) = std::fs::canonicalize(dir) {
            forms.push(c.display().to_string());
        }
        for f in forms {
            if !f.is_empty() && !self.paths.iter().any(|(p, _)| *p == f) {
                self.paths.push((f, name));
            }
        }
        self.paths.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        self
    }
    fn apply(&self, text: &str) -> String {
        let mut s = text.to_string();
        for (p, name) in &self.paths {
            s = s.replace(p.as_str(), name);
        }
        // What depends on the fixtures' build directory (its path is in their DWARF and
        // pclntab): compressed sizes, the debug file's CRC and build ID, data addresses.
        for (re, with) in [
            (
                r"\(\d+ bytes stored, \d+ uncompressed\)",
                "([N] bytes stored, [N] uncompressed)",
            ),
            (r"CRC-32 [0-9a-f]{8}", "CRC-32 [CRC]"),
            (r"debugdoctor-doctor-\d+-\d+", "debugdoctor-doctor-[N]"),
            (
                r"\.build-id/[0-9a-f]{2}/[0-9a-f]{38}\.debug",
                ".build-id/[BUILD-ID].debug",
            ),
            (r"build-id [0-9a-f]{40}", "build-id [BUILD-ID]"),
            (r"header at 0x[0-9a-f]+", "header at [ADDR]"),
        ] {
            s = regex::Regex::new(re)
                .unwrap()
                .replace_all(&s, with)
                .into_owned();
        }
        // Timings ("after 4 ms", "for 12 ms").
        let ms = regex::Regex::new(r"\b\d+ ms\b").unwrap();
        let s = ms.replace_all(&s, "[N] ms").into_owned();
        // Thread ids and PIDs.
        let tid = regex::Regex::new(r"\b(thread|pid|PID|process) \d+\b").unwrap();
        tid.replace_all(&s, "$1 [ID]").into_owned()
    }
}

/// The block of the first finding `id` in human output `out`: its line and the lines
/// after it that are indented deeper (evidence, fix). `check`/`env`: the line starts
/// with the severity and the ID; `launch`: `FILE:LINE:COL severity ID ...`; `where`: the
/// `NOT BOUND  [ID]` line or the warning line naming the ID.
fn block(out: &str, id: &str, source: Source) -> Option<String> {
    let lines: Vec<&str> = out.lines().collect();
    let is_head = |l: &str| -> bool {
        let words: Vec<&str> = l.split_whitespace().collect();
        match source {
            Source::Check | Source::Env | Source::Probe | Source::Baseline | Source::Doctor => {
                words.len() >= 2
                    && matches!(words[0], "error" | "warning" | "info")
                    && words[1] == id
            }
            Source::Launch => {
                words.len() >= 3
                    && matches!(words[1], "error" | "warning" | "info")
                    && words[2] == id
            }
            Source::Where => {
                l.contains(&format!("[{id}]"))
                    || words.contains(&id)
                    || words.contains(&format!("{id}:").as_str())
            }
        }
    };
    let start = lines.iter().position(|l| is_head(l))?;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let head_indent = indent(lines[start]);
    let mut b = vec![lines[start]];
    for l in &lines[start + 1..] {
        if !l.trim().is_empty() && indent(l) > head_indent {
            b.push(l);
        } else {
            break;
        }
    }
    Some(b.join("\n") + "\n")
}

/// Cuts the block of `id` out of the output (failing loudly when there is none),
/// redacts it and compares it with `tests/it/snapshots/{id}.snap`.
fn snapshot(id: &str, source: Source, what: &str, out: &common::Output, redact: &Redact) {
    assert!(
        !out.stderr.contains("panicked"),
        "{id} ({what}): debugdoctor panicked: {}",
        out.stderr
    );
    let b = block(&out.stdout, id, source).unwrap_or_else(|| {
        panic!(
            "{id} ({what}): no block for {id} in the output (exit {}):\n--- stdout\n{}--- stderr\n{}",
            out.code, out.stdout, out.stderr
        )
    });
    let b = redact.apply(&b);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(redact.apply(what));
    settings.bind(|| insta::assert_snapshot!(id.to_string(), b));
}

/// The IDs of [`CASES`] from `source`, to check each test covered them all.
fn ids_of(source: Source) -> BTreeSet<&'static str> {
    CASES
        .iter()
        .filter(|(_, s)| *s == source)
        .map(|(id, _)| *id)
        .collect()
}

fn check_human(path: &Path, extra: &[&str]) -> common::Output {
    common::dd()
        .args(["check", "--no-config", "--color", "never"])
        .args(extra)
        .arg(path)
        .run()
}

/// A copy of `src` under `dir` named `name`, made executable.
fn copy_to(src: &Path, dir: &Path, name: &str) -> PathBuf {
    let dst = dir.join(name);
    std::fs::copy(src, &dst).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    dst
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------------------
// The cases.

#[test]
fn every_rule_has_a_case() {
    let all: BTreeSet<String> = RULES.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(all.len(), 59, "the registry changed: {all:?}");
    let cases: BTreeSet<String> = CASES.iter().map(|(id, _)| id.to_string()).collect();
    assert_eq!(cases.len(), CASES.len(), "a case is listed twice");
    let not: BTreeSet<String> = NOT_PRODUCIBLE
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    let both: Vec<_> = cases.intersection(&not).collect();
    assert!(both.is_empty(), "both a case and NOT_PRODUCIBLE: {both:?}");
    let covered: BTreeSet<String> = cases.union(&not).cloned().collect();
    let missing: Vec<_> = all.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "rules without a snapshot case: {missing:?}"
    );
    let unknown: Vec<_> = covered.difference(&all).collect();
    assert!(
        unknown.is_empty(),
        "cases for rules not in the registry: {unknown:?}"
    );
    // No stale snapshot of a rule that has no case any more.
    let dir = common::repo_root().join("tests/it/snapshots");
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if let Some(id) = n.strip_suffix(".snap").filter(|s| s.starts_with("DD")) {
            assert!(cases.contains(id), "{n}: no case produces {id}");
        }
    }
}

#[test]
fn check_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let mut redact = Redact::new();
    redact.path(tmp.path(), "[TMP]");
    let mut done = BTreeSet::new();
    let mut case = |id: &'static str, what: String, path: &Path, extra: &[&str]| {
        let out = check_human(path, extra);
        snapshot(id, Source::Check, &what, &out, &redact);
        done.insert(id);
    };
    let go = "1.25.5";
    case(
        "DD101",
        format!("check go{go}/hello/sw"),
        &fixture(go, "hello", "sw"),
        &[],
    );
    case(
        "DD102",
        format!("check go{go}/hello/sw"),
        &fixture(go, "hello", "sw"),
        &[],
    );
    case(
        "DD103",
        format!("check go{go}/hello/default"),
        &fixture(go, "hello", "default"),
        &[],
    );
    case(
        "DD104",
        format!("check go{go}/hello/default"),
        &fixture(go, "hello", "default"),
        &[],
    );
    case(
        "DD105",
        format!("check go{go}/hello/split-missing (objcopy --strip-debug, debug file removed)"),
        &fixture(go, "hello", "split-missing"),
        &[],
    );

    // DD106: no UPX here; its mark ("UPX!" in the first 4 KiB) written into the zero
    // padding after the ELF program headers of a copy of a real fixture.
    let packed = copy_to(&fixture(go, "hello", "default"), tmp.path(), "hello-upx");
    common::mark_upx(&packed);
    case(
        "DD106",
        format!("check go{go}/hello/default with \"UPX!\" written after its program headers"),
        &packed,
        &[],
    );
    case(
        "DD107",
        "check nongo/c-hello (a C program)".into(),
        &common::repo_root().join(".cache/fixtures/nongo/c-hello"),
        &[],
    );
    case(
        "DD108",
        format!("check go{go}/hello/windows"),
        &fixture(go, "hello", "windows"),
        &[],
    );
    case(
        "DD109",
        format!("check go{go}/hello/gorun"),
        &fixture(go, "hello", "gorun"),
        &[],
    );

    // DD110: the build-info header of a copy made unreadable: pointer size 3 and the
    // inline-strings flag cleared (the pre-Go 1.18 layout with an impossible pointer).
    let corrupt = copy_to(
        &fixture(go, "hello", "default"),
        tmp.path(),
        "hello-corrupt",
    );
    {
        let mut bytes = std::fs::read(&corrupt).unwrap();
        let at = find(&bytes, b"\xff Go buildinf:").expect("build info magic");
        assert_eq!(bytes[at + 14], 8, "pointer size");
        bytes[at + 14] = 3;
        bytes[at + 15] &= !2;
        std::fs::write(&corrupt, bytes).unwrap();
    }
    case(
        "DD110",
        format!("check go{go}/hello/default with build info pointer size 3, inline flag cleared"),
        &corrupt,
        &[],
    );
    case(
        "DD201",
        format!("check go{go}/hello/default"),
        &fixture(go, "hello", "default"),
        &[],
    );
    case(
        "DD202",
        format!("check go{go}/hello/noopt-main (-gcflags=-N -l)"),
        &fixture(go, "hello", "noopt-main"),
        &[],
    );
    case(
        "DD203",
        format!("check go{go}/hello/default"),
        &fixture(go, "hello", "default"),
        &[],
    );
    case(
        "DD301",
        format!("check go{go}/hello/trimpath"),
        &fixture(go, "hello", "trimpath"),
        &[],
    );
    assert_eq!(done, ids_of(Source::Check));
}

#[test]
fn launch_findings() {
    let ws = crate::launch::workspace();
    let mut redact = Redact::new();
    redact.path(ws.path(), "[WS]");
    // `@FIXTURES@` stands for the fixtures/ whose paths the fixture binaries record.
    let fixtures = build_root().join("fixtures").display().to_string();
    let cases: &[(&str, &str, &[&str])] = &[
        ("DD401", "02_misspelled_substitute_path.json", &[]),
        ("DD402", "11_remote_attach_remotepath.json", &[]),
        ("DD403", "03_ldflags_strip_string.json", &[]),
        ("DD404", "19_exec_folder.json", &[]),
        ("DD405", "15_port_as_string.json", &[]),
        ("DD406", "17_processid_on_launch.json", &[]),
        ("DD407", "06_gcflags_ignored.json", &[]),
        ("DD408", "08_trimpath.json", &[]),
        (
            "DD409",
            "28_auto_test_file.json",
            &["--file", "$WS/main_test.go"],
        ),
        ("DD410", "24_envfile_cwd_missing.json", &[]),
        ("DD411", "14_substitute_reversed_container.json", &[]),
        ("DD412", "32_exec_substitute_binary.json", &[]),
        ("DD413", "25_nodebug.json", &[]),
        ("DD414", "13_remote_attach_no_port.json", &[]),
        ("DD415", "26_duplicate_names.json", &[]),
        ("DD416", "27_unknown_variable.json", &[]),
        ("DD417", "35_env_not_string.json", &[]),
        ("DD418", "36_port_on_launch.json", &[]),
        ("DD419", "37_build_output_flag.json", &[]),
        ("DD420", "38_gcflags_in_goflags.json", &[]),
        ("DD421", "39_invalid_build_flags.json", &[]),
    ];
    let mut done = BTreeSet::new();
    for (id, input, args) in cases {
        let text = std::fs::read_to_string(common::repo_root().join("tests/launch").join(input))
            .unwrap()
            .replace("@FIXTURES@", &fixtures);
        std::fs::write(ws.path().join(".vscode/launch.json"), text).unwrap();
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("$WS", &ws.path().to_string_lossy()))
            .collect();
        let out = common::dd()
            .current_dir(ws.path())
            .args(["launch", ".vscode/launch.json", "--color", "never"])
            .args(&args)
            .run();
        snapshot(
            id,
            Source::Launch,
            &format!("launch tests/launch/{input}"),
            &out,
            &redact,
        );
        done.insert(*id);
    }
    assert_eq!(done, ids_of(Source::Launch));
}

/// Writes an executable script and waits until it can be run: a test thread forking
/// meanwhile may hold the file open for writing for a moment (ETXTBSY).
fn write_script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    for _ in 0..100 {
        match std::process::Command::new(path).arg("version").output() {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            Err(e) => panic!("{}: {e}", path.display()),
            Ok(_) => return,
        }
    }
    panic!("{}: still busy", path.display());
}

#[test]
fn env_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let mut redact = Redact::new();
    redact.path(tmp.path(), "[TMP]");
    let env = |bin: Option<&Path>, extra: &[&str], path_env: Option<&Path>| {
        let mut c = common::dd();
        c.args(["env", "--color", "never"]).args(extra);
        if let Some(b) = bin {
            c.arg(b);
        }
        if let Some(p) = path_env {
            c.env("PATH", p);
        }
        // No go.alternateTools from the checkout.
        c.args(["--workspace"]).arg(tmp.path());
        c.run()
    };
    let dlv = [
        "--dlv",
        common::require_tool("/usr/bin/dlv").to_str().unwrap(),
    ];
    let mut done = BTreeSet::new();

    let hello25 = fixture("1.25.5", "hello", "default");
    let out = env(Some(&hello25), &dlv, None);
    for id in ["DD501", "DD502"] {
        snapshot(
            id,
            Source::Env,
            "env go1.25.5/hello/default --dlv /usr/bin/dlv (Delve 1.20.2, built with go1.19)",
            &out,
            &redact,
        );
        done.insert(id);
    }

    // DD503: a Go release newer than any Delve in the table. No such toolchain exists, so
    // a copy of a Go 1.27.3 build whose version strings say go1.99.0 (same length).
    let future = copy_to(
        &fixture("1.27.3", "hello", "default"),
        tmp.path(),
        "hello-go1.99",
    );
    {
        let mut bytes = std::fs::read(&future).unwrap();
        let mut n = 0;
        while let Some(at) = find(&bytes, b"go1.27.3") {
            bytes[at..at + 8].copy_from_slice(b"go1.99.0");
            n += 1;
        }
        assert!(n >= 1, "no version string");
        std::fs::write(&future, bytes).unwrap();
    }
    let out = env(Some(&future), &dlv, None);
    snapshot(
        "DD503",
        Source::Env,
        "env go1.27.3/hello/default relabelled go1.99.0 --dlv /usr/bin/dlv",
        &out,
        &redact,
    );
    done.insert("DD503");

    // DD504: a Delve newer than the binary's Go supports. This machine's Delve is 1.20.2
    // and the oldest fixture Go 1.19, so a stand-in dlv reports Delve 1.25.0.
    let fake = tmp.path().join("dlv");
    write_script(
        &fake,
        "#!/bin/sh\nprintf 'Delve Debugger\\nVersion: 1.25.0\\nBuild: $Id: stand-in $\\n'\n",
    );
    let hello19 = fixture("1.19.8", "hello", "default");
    let out = env(Some(&hello19), &["--dlv", fake.to_str().unwrap()], None);
    snapshot(
        "DD504",
        Source::Env,
        "env go1.19.8/hello/default --dlv (a script printing Version: 1.25.0)",
        &out,
        &redact,
    );
    done.insert("DD504");

    let win = fixture("1.25.5", "hello", "windows");
    let out = env(Some(&win), &dlv, None);
    snapshot(
        "DD506",
        Source::Env,
        "env go1.25.5/hello/windows",
        &out,
        &redact,
    );
    done.insert("DD506");

    // DD507: PATH holds no tools at all.
    let empty = tmp.path().join("empty-path");
    std::fs::create_dir(&empty).unwrap();
    let out = env(None, &[], Some(&empty));
    snapshot(
        "DD507",
        Source::Env,
        "env with PATH an empty directory",
        &out,
        &redact,
    );
    done.insert("DD507");

    // DD508: a binary without DWARF, as Debian's Delve 1.20.2 sees it (it refuses).
    let sw = fixture("1.19.8", "hello", "sw");
    let out = env(Some(&sw), &dlv, None);
    snapshot(
        "DD508",
        Source::Env,
        "env go1.19.8/hello/sw --dlv /usr/bin/dlv (Delve 1.20.2)",
        &out,
        &redact,
    );
    done.insert("DD508");
    assert_eq!(done, ids_of(Source::Env));
}

#[test]
fn probe_findings() {
    use std::os::unix::process::CommandExt;
    let bin = fixture("1.25.5", "hello", "noopt");
    let redact = Redact::new();
    // DD601: a malformed GOMEMLIMIT makes the Go runtime throw before main.main.
    let out = common::dd()
        .args(["check", "--no-config", "--color", "never", "--probe"])
        .arg(&bin)
        .env("GOMEMLIMIT", "lots")
        .run();
    snapshot(
        "DD601",
        Source::Probe,
        "check --probe go1.25.5/hello/noopt with GOMEMLIMIT=lots",
        &out,
        &redact,
    );

    // DD602: ptrace refused by a seccomp filter.
    let mut c = common::dd();
    c.args(["check", "--no-config", "--color", "never", "--probe"])
        .arg(&bin);
    // SAFETY: deny_ptrace only calls prctl, which is async-signal-safe.
    unsafe { c.command().pre_exec(common::deny_ptrace) };
    let out = c.run();
    // What the diagnosis adds besides the seccomp filter depends on the machine (Yama,
    // whether the tests run as root): only the seccomp part is kept.
    let mut out = out;
    let yama = regex::Regex::new(r"yama ptrace_scope=\d \([^)]*\); ").unwrap();
    out.stdout = yama.replace_all(&out.stdout, "").into_owned();
    out.stdout = out
        .stdout
        .replace("; no CAP_SYS_PTRACE (docker: --cap-add=SYS_PTRACE)", "");
    snapshot(
        "DD602",
        Source::Probe,
        "check --probe go1.25.5/hello/noopt under a seccomp filter denying ptrace",
        &out,
        &redact,
    );
    assert_eq!(ids_of(Source::Probe), BTreeSet::from(["DD601", "DD602"]));
}

#[test]
fn where_findings() {
    let redact = Redact::new();
    let go = "1.21.13";
    let hello = fixture(go, "hello", "default");
    let trimmed = format!(
        "{}:11",
        build_root().join("fixtures/src/hello/main.go").display()
    );
    let cases: Vec<(&str, PathBuf, &str, String)> = vec![
        (
            "DD701",
            fixture(go, "buildtags", "default"),
            "buildtags/default",
            "extra.go:10".into(),
        ),
        (
            "DD702",
            hello.clone(),
            "hello/default",
            "print.go:10".into(),
        ),
        (
            "DD703",
            hello.clone(),
            "hello/default",
            "hello/main.go:1".into(),
        ),
        (
            "DD704",
            hello.clone(),
            "hello/default",
            "main.nosuch".into(),
        ),
        (
            "DD705",
            fixture(go, "hello", "sw"),
            "hello/sw",
            "main.go:11".into(),
        ),
        (
            "DD706",
            fixture(go, "hello", "trimpath"),
            "hello/trimpath",
            trimmed,
        ),
        ("DD707", hello.clone(), "hello/default", "main.greet".into()),
        ("DD708", hello.clone(), "hello/default", "main.go:x".into()),
    ];
    let mut done = BTreeSet::new();
    for (id, bin, label, spec) in cases {
        let out = common::dd()
            .args(["where", "--color", "never", "--delve", "newest"])
            .arg(&bin)
            .arg(&spec)
            .run();
        let what = format!("where go{go}/{label} {spec}");
        snapshot(id, Source::Where, &what, &out, &redact);
        done.insert(id);
    }
    assert_eq!(done, ids_of(Source::Where));
}

#[test]
fn baseline_findings() {
    let mut done = BTreeSet::new();
    // (IDs, baseline build, current build), all of hello; a build is (Go, variant).
    type Build = (&'static str, &'static str);
    let cases: &[(&[&str], Build, Build)] = &[
        (&["DD801", "DD802"], ("1.25.5", "default"), ("1.25.5", "sw")),
        (&["DD803"], ("1.25.5", "noopt"), ("1.25.5", "default")),
        (&["DD804"], ("1.21.13", "default"), ("1.25.5", "default")),
    ];
    for (ids, (go0, v0), (go1, v1)) in cases {
        let work = tempfile::tempdir().unwrap();
        let mut redact = Redact::new();
        redact.path(work.path(), "[TMP]");
        std::fs::create_dir_all(work.path().join("dist")).unwrap();
        std::fs::create_dir_all(work.path().join("ci")).unwrap();
        let bin = work.path().join("dist/hello");
        let check = |extra: &[&str]| {
            common::dd()
                .args(["check", "--no-config", "--color", "never"])
                .args(extra)
                .arg("dist/hello")
                .current_dir(work.path())
                .run()
        };
        std::fs::copy(fixture(go0, "hello", v0), &bin).unwrap();
        let out = check(&["--write-baseline", "ci/baseline.json", "--fail-on", "never"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        std::fs::remove_file(&bin).unwrap();
        std::fs::copy(fixture(go1, "hello", v1), &bin).unwrap();
        let out = check(&["--baseline", "ci/baseline.json"]);
        let what = format!(
            "check --baseline (written for go{go0}/hello/{v0}) on go{go1}/hello/{v1} at the same path"
        );
        for id in *ids {
            snapshot(id, Source::Baseline, &what, &out, &redact);
            done.insert(*id);
        }
    }
    assert_eq!(done, ids_of(Source::Baseline));
}

/// DD901: an exec binary built in another folder (removed, as a container's) with no
/// substitutePath; DD902: `-race` with `CGO_ENABLED=0` in the configuration's env.
#[test]
fn doctor_findings() {
    let root = Path::new(env!("CARGO_BIN_EXE_debugdoctor"))
        .ancestors()
        .nth(2)
        .unwrap()
        .join("rule-snapshots/doctor");
    let _ = std::fs::remove_dir_all(&root);
    let mut redact = Redact::new();
    redact.path(&root, "[TMP]");
    let ws = root.join("ws");
    let app = root.join("app");
    for d in [&ws, &app] {
        std::fs::create_dir_all(d.join(".vscode")).unwrap();
        for f in ["go.mod", "main.go"] {
            std::fs::copy(
                common::repo_root().join("fixtures/src/hello").join(f),
                d.join(f),
            )
            .unwrap();
        }
    }
    let mut b = common::go_command("1.25.5");
    b.args(["build", "-gcflags=all=-N -l", "-o"])
        .arg(ws.join("hello"))
        .current_dir(&app);
    assert_eq!(common::exec(&mut b).0, 0);
    std::fs::remove_dir_all(&app).unwrap();
    let go_bin = common::go_tool("1.25.5").parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        go_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let cache = common::repo_root().join(".cache/gocache/1.25.5");
    let cases = [
        (
            "DD901",
            r#"{"name": "Exec", "type": "go", "request": "launch", "mode": "exec", "program": "${workspaceFolder}/hello"}"#,
            "exec of a binary built in another folder, no substitutePath",
        ),
        (
            "DD902",
            r#"{"name": "Race", "type": "go", "request": "launch", "mode": "debug", "program": "${workspaceFolder}", "buildFlags": "-race", "env": {"CGO_ENABLED": "0"}}"#,
            "debug with buildFlags -race and env CGO_ENABLED=0",
        ),
    ];
    for (id, config, what) in cases {
        std::fs::write(
            ws.join(".vscode/launch.json"),
            format!("{{\"configurations\": [{config}]}}"),
        )
        .unwrap();
        let out = common::dd()
            .args(["doctor", "--color", "never"])
            .arg(&ws)
            .env("PATH", &path)
            .env("GOCACHE", &cache)
            .env("GOFLAGS", "-mod=mod")
            .env("GOTOOLCHAIN", "local")
            .run();
        assert_eq!(out.code, 1, "{}", out.stdout);
        snapshot(
            id,
            Source::Doctor,
            &format!("doctor: {what}"),
            &out,
            &redact,
        );
    }
    assert_eq!(ids_of(Source::Doctor), BTreeSet::from(["DD901", "DD902"]));
}
