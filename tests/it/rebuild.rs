//! `rebuild` on real binaries: the printed go command keeps and drops the right flags
//! (checked against build info read with `go version -m`, not with our reader); `--run`
//! on every host-platform variant of the fixture matrix rebuilds it in a checkout of the
//! recorded revision and the result passes `check` and hits `main.main` under `probe`;
//! foreign platforms, another module, another revision and another Go are refused; bad
//! inputs exit 2 with one line.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;

const REFUSED: i32 = 4;

fn tmp() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rebuild-it");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `go version -m BIN`: (main package path, module path, build settings), values
/// unquoted like strconv for the simple quoting Go uses.
fn go_version_m(bin: &Path) -> (String, String, BTreeMap<String, String>) {
    let (code, out, err) = common::exec(
        common::go_command("1.25.5")
            .arg("version")
            .arg("-m")
            .arg(bin),
    );
    assert_eq!(code, 0, "go version -m {}: {err}", bin.display());
    let mut path = String::new();
    let mut module = String::new();
    let mut settings = BTreeMap::new();
    for line in out.lines() {
        let cols: Vec<&str> = line.trim_start().splitn(2, '\t').collect();
        match cols[..] {
            ["path", p] => path = p.to_string(),
            ["mod", m] => module = m.split('\t').next().unwrap().to_string(),
            ["build", kv] => {
                let (k, v) = kv.split_once('=').unwrap();
                let v = match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                    Some(q) => q.replace("\\\"", "\"").replace("\\\\", "\\"),
                    None => v.to_string(),
                };
                settings.insert(k.to_string(), v);
            }
            _ => {}
        }
    }
    (path, module, settings)
}

/// `go env -json` of a toolchain in the environment the tests give debugdoctor.
fn host_env(version: &str) -> BTreeMap<String, String> {
    let (code, out, err) = common::exec(go_env(&mut common::go_command(version), version).args([
        "env",
        "-json",
        "GOOS",
        "GOARCH",
        "CGO_ENABLED",
        "GOEXPERIMENT",
        "GOAMD64",
    ]));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// The environment of a Go build in the tests: offline, the fixtures' build cache.
fn go_env<'a>(c: &'a mut Command, version: &str) -> &'a mut Command {
    c.env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOENV", "off")
        .env("GOFLAGS", "")
        .env(
            "GOCACHE",
            common::repo_root().join(".cache/gocache").join(version),
        )
        .env("GOPATH", common::repo_root().join(".cache/gopath"))
        .env(
            "GOMODCACHE",
            common::repo_root().join(".cache/gopath/pkg/mod"),
        )
}

fn rebuild(args: &[&str], bin: &Path, version: &str) -> (i32, Value, String) {
    let mut c = common::dd();
    c.arg("rebuild")
        .arg(bin)
        .arg("--json")
        .arg("--go")
        .arg(common::go_tool(version));
    c.args(args);
    go_env(c.command(), version);
    let out = c.run();
    let v: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("rebuild {}: not JSON ({e}): {}", bin.display(), out.stderr));
    (out.code, v, out.stderr)
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// The flags the printed command must carry for a fixture, from its build info as
/// `go version -m` shows it: the recorded -buildmode (unless exe), -tags, -ldflags without
/// -s/-w, always `all=-N -l`, never -trimpath.
fn expected_args(settings: &BTreeMap<String, String>) -> Vec<String> {
    let mut want = Vec::new();
    if let Some(m) = settings.get("-buildmode").filter(|m| *m != "exe") {
        want.push(format!("-buildmode={m}"));
    }
    if let Some(t) = settings.get("-tags") {
        want.push(format!("-tags={t}"));
    }
    want.push("-gcflags=all=-N -l".to_string());
    if let Some(ld) = settings.get("-ldflags") {
        let kept: Vec<&str> = ld
            .split_whitespace()
            .filter(|t| !matches!(*t, "-s" | "-w"))
            .collect();
        if !kept.is_empty() {
            want.push(format!("-ldflags={}", kept.join(" ")));
        }
    }
    want
}

#[test]
fn printed_command_keeps_and_drops_the_right_flags() {
    let host = host_env("1.25.5");
    let cases = [
        ("hello", "default"),
        ("hello", "noopt"),
        ("hello", "noopt-main"),
        ("hello", "sw"),
        ("hello", "w"),
        ("hello", "s"),
        ("hello", "trimpath"),
        ("hello", "pie"),
        ("hello", "nocompress"),
        ("hello", "nodwarf5"),
        ("hello", "extlink"),
        ("hello", "buildid"),
        ("hello", "windows"),
        ("hello", "darwin-arm64"),
        ("buildtags", "tags"),
        ("cgo", "default"),
        ("workspace", "noopt"),
        ("testpkg", "test-noopt"),
    ];
    for (program, variant) in cases {
        let f = common::fixture("1.25.5", program, variant);
        let (path, module, settings) = go_version_m(&f.path);
        let (code, v, err) = rebuild(&[], &f.path, "1.25.5");
        assert_eq!(code, 0, "{}: {err}", f.label());
        let plan = &v["rebuild"];
        assert_eq!(
            strs(&plan["args"]),
            expected_args(&settings),
            "{}",
            f.label()
        );
        let test = path.ends_with(".test");
        assert_eq!(
            plan["tool"],
            if test { "test-c" } else { "build" },
            "{}",
            f.label()
        );
        assert_eq!(plan["package"], ".", "{}: {path} in {module}", f.label());
        assert_eq!(plan["module"], module.as_str());
        assert_eq!(plan["go_version"], "go1.25.5");
        assert_eq!(plan["go_matches"], true);
        // The environment: exactly the recorded settings this go would not use by itself.
        let want_env: Vec<(String, String)> = settings
            .iter()
            .filter(|(k, _)| {
                matches!(
                    k.as_str(),
                    "GOOS" | "GOARCH" | "CGO_ENABLED" | "GOEXPERIMENT" | "GOAMD64" | "GOARM64"
                )
            })
            .filter(|(k, v)| host.get(*k).map(String::as_str).unwrap_or("") != v.as_str())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut got_env: Vec<(String, String)> = plan["env"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
            .collect();
        got_env.sort();
        assert_eq!(got_env, want_env, "{}", f.label());
        let cmd = v["command"].as_str().unwrap();
        let go = if test { " go test -c " } else { " go build " };
        assert!(format!(" {cmd}").contains(go), "{}: {cmd}", f.label());
        assert!(cmd.contains("-gcflags='all=-N -l'"), "{cmd}");
        assert!(cmd.ends_with(" ."), "{cmd}");
        assert!(
            !cmd.contains("-trimpath") && !cmd.contains(" -s") && !cmd.contains(" -w"),
            "{cmd}"
        );
        let changes = strs(&plan["changes"]).join("\n");
        if settings.contains_key("-trimpath") {
            assert!(changes.contains("dropped -trimpath"), "{changes}");
        }
        if settings
            .get("-ldflags")
            .is_some_and(|l| l.contains("-s") || l.contains("-w"))
        {
            assert!(changes.contains("from -ldflags"), "{changes}");
        }
        if variant == "noopt-main" {
            assert!(
                changes.contains("only to the packages named on the command line"),
                "{changes}"
            );
        }
    }
    // Plain text: the same command, on its own line.
    let f = common::fixture("1.25.5", "hello", "sw");
    let out = common::dd()
        .args(["rebuild", "--go"])
        .arg(common::go_tool("1.25.5"))
        .arg(&f.path)
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("go build -gcflags='all=-N -l' .")
                || l.ends_with(" go build -gcflags='all=-N -l' .")),
        "{}",
        out.stdout
    );
}

/// Builds a real binary from a copy of fixtures/src/hello with extra flags (no VCS stamp).
fn build_hello(name: &str, flags: &[&str], files: bool) -> PathBuf {
    static LOCK: Mutex<()> = Mutex::new(());
    let _g = LOCK.lock().unwrap();
    let dir = tmp().join("src-hello");
    if !dir.join("main.go").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["go.mod", "main.go"] {
            std::fs::copy(
                common::repo_root().join("fixtures/src/hello").join(f),
                dir.join(f),
            )
            .unwrap();
        }
    }
    let out = tmp().join("bin").join(name);
    let mut c = common::go_command("1.25.5");
    go_env(&mut c, "1.25.5")
        .current_dir(&dir)
        .args(["build", "-buildvcs=false", "-o"])
        .arg(&out)
        .args(flags);
    c.arg(if files { "main.go" } else { "." });
    let (code, _, err) = common::exec(&mut c);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn recorded_gcflags_and_ldflags_are_merged_as_cmd_go_applies_them() {
    let main_only = build_hello(
        "main-only",
        &["-gcflags=-m", "-ldflags=-s -w -X 'main.version=a b'"],
        false,
    );
    let (code, v, err) = rebuild(&[], &main_only, "1.25.5");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        strs(&v["rebuild"]["args"]),
        [
            "-gcflags=all=-N -l",
            "-gcflags=-m -N -l",
            "-ldflags=-X 'main.version=a b'"
        ]
    );
    assert!(strs(&v["rebuild"]["changes"])
        .join("\n")
        .contains("main package only"));
    assert_eq!(
        v["command"],
        "go build -gcflags='all=-N -l' -gcflags='-m -N -l' -ldflags=\"-X 'main.version=a b'\" ."
    );
    let pattern = build_hello(
        "pattern",
        &["-gcflags=example.com/hello=-d=checkptr"],
        false,
    );
    let (_, v, _) = rebuild(&[], &pattern, "1.25.5");
    assert_eq!(
        strs(&v["rebuild"]["args"]),
        [
            "-gcflags=all=-N -l",
            "-gcflags=example.com/hello=-d=checkptr -N -l"
        ]
    );
    // Proven by building it: the rebuilt binary records the merged flags and the -X value.
    let out = tmp().join("bin").join("main-only-rebuilt");
    let ws = main_only
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("src-hello");
    let (code, v, err) = rebuild(
        &[
            "--run",
            "--workspace",
            ws.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        &main_only,
        "1.25.5",
    );
    assert_eq!(code, 0, "{err}\n{v:#}");
    assert_eq!(v["run"]["proven"], true);
    let (_, _, settings) = go_version_m(&out);
    assert_eq!(
        settings.get("-gcflags").map(String::as_str),
        Some("-m -N -l")
    );
    // Without -o: a new temporary directory, never the original binary.
    let before = std::fs::read(&main_only).unwrap();
    let (code, v, err) = rebuild(
        &["--run", "--workspace", ws.to_str().unwrap()],
        &main_only,
        "1.25.5",
    );
    assert_eq!(code, 0, "{err}");
    let written = PathBuf::from(v["run"]["output"].as_str().unwrap());
    assert!(
        written.starts_with(std::env::temp_dir()) && written.is_file(),
        "{}",
        written.display()
    );
    assert_ne!(written, main_only);
    assert_eq!(
        std::fs::read(&main_only).unwrap(),
        before,
        "the original binary was changed"
    );
    std::fs::remove_dir_all(written.parent().unwrap()).unwrap();
    assert_eq!(
        settings.get("-ldflags").map(String::as_str),
        Some("-X 'main.version=a b'")
    );
    // The external linker's stripping flag goes too; the rest of -ldflags stays.
    let ext = build_hello(
        "extstrip",
        &["-ldflags=-linkmode=external '-extldflags=-Wl,--strip-debug'"],
        false,
    );
    let (_, _, recorded) = go_version_m(&ext);
    assert_eq!(
        recorded.get("-ldflags").map(String::as_str),
        Some("-linkmode=external '-extldflags=-Wl,--strip-debug'")
    );
    let out = tmp().join("bin").join("extstrip-rebuilt");
    let (code, v, err) = rebuild(
        &[
            "--run",
            "--workspace",
            ws.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        &ext,
        "1.25.5",
    );
    assert_eq!(code, 0, "{err}\n{v:#}");
    assert_eq!(
        strs(&v["rebuild"]["args"]),
        ["-gcflags=all=-N -l", "-ldflags=-linkmode=external"]
    );
    assert_eq!(v["run"]["proven"], true);
    // Built from files: not reproducible, said so, refused by --run.
    let files = build_hello("files", &[], true);
    let (code, v, _) = rebuild(&[], &files, "1.25.5");
    assert_eq!(code, 0);
    assert_eq!(v["rebuild"]["reproducible"], false);
    assert!(strs(&v["rebuild"]["notes"])
        .join(" ")
        .contains("command-line-arguments"));
    let (code, v, err) = rebuild(
        &["--run", "--workspace", ws.to_str().unwrap()],
        &files,
        "1.25.5",
    );
    assert_eq!(code, REFUSED, "{err}");
    assert!(
        v["refused"]
            .as_str()
            .unwrap()
            .contains("cannot be rebuilt exactly"),
        "{v}"
    );
}

/// A checkout of the repository at `rev` (fixtures/src only) under the test's temporary
/// directory; with `modified`, the current fixtures/src copied over it, as the fixture
/// builder's work tree was (`vcs.modified=true`).
fn checkout(rev: &str, modified: bool) -> PathBuf {
    static LOCK: Mutex<()> = Mutex::new(());
    let _g = LOCK.lock().unwrap();
    let dir = tmp().join(format!("ws-{}-{}", &rev[..rev.len().min(12)], modified));
    if dir.join("fixtures/src").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let git = |args: &[&str], cwd: &Path| {
        let (code, _, err) = common::exec(Command::new("git").args(args).current_dir(cwd));
        assert_eq!(code, 0, "git {args:?}: {err}");
    };
    let root = common::repo_root();
    git(
        &[
            "clone",
            "-q",
            "--shared",
            "--no-checkout",
            root.to_str().unwrap(),
            dir.to_str().unwrap(),
        ],
        &root,
    );
    git(
        &["sparse-checkout", "set", "--no-cone", "/fixtures/src/"],
        &dir,
    );
    git(
        &[
            "-c",
            "advice.detachedHead=false",
            "checkout",
            "-q",
            "--detach",
            rev,
        ],
        &dir,
    );
    if modified {
        copy_dir(&root.join("fixtures/src"), &dir.join("fixtures/src"));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

#[test]
fn run_rebuilds_every_host_variant_and_proves_it() {
    let fixtures: Vec<common::Fixture> = common::fixtures()
        .into_iter()
        .filter(|f| f.go.is_some() && f.kind != "nongo")
        .collect();
    assert!(fixtures.len() > 100, "{} Go fixtures", fixtures.len());
    let head = {
        let (_, out, _) = common::exec(
            Command::new("git")
                .args(["rev-parse", "HEAD"])
                .current_dir(common::repo_root()),
        );
        out.trim().to_string()
    };
    let queue = Mutex::new(fixtures.clone());
    let failures = Mutex::new(Vec::<String>::new());
    let counts = Mutex::new((0usize, 0usize));
    let started = std::time::Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some(f) = queue.lock().unwrap().pop() else {
                    break;
                };
                let r = std::panic::catch_unwind(|| run_one(&f, &head));
                match r {
                    Ok(true) => counts.lock().unwrap().0 += 1,
                    Ok(false) => counts.lock().unwrap().1 += 1,
                    Err(e) => {
                        let msg = e
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default();
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("{}: {msg}", f.label()));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    let (proven, skipped) = counts.into_inner().unwrap();
    eprintln!(
        "rebuild --run: {proven} proven, {skipped} foreign platform refused, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert_eq!(proven + skipped, fixtures.len());
    assert!(
        skipped >= 3 && proven > 100,
        "{proven} proven, {skipped} skipped"
    );
}

/// Rebuilds one fixture with --run: true when proven, false when refused as a foreign
/// platform (the reason asserted). Panics on anything else.
fn run_one(f: &common::Fixture, head: &str) -> bool {
    let version = f.go.as_deref().unwrap();
    let (_, _, settings) = go_version_m(&f.path);
    let rev = settings
        .get("vcs.revision")
        .cloned()
        .unwrap_or_else(|| head.to_string());
    let modified = settings.get("vcs.modified").is_some_and(|m| m == "true")
        || !settings.contains_key("vcs.revision");
    let ws = checkout(&rev, modified)
        .join("fixtures/src")
        .join(&f.program);
    let out = tmp()
        .join("out")
        .join(version)
        .join(&f.program)
        .join(&f.variant)
        .join("rebuilt");
    let (code, v, err) = rebuild(
        &[
            "--run",
            "--workspace",
            ws.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        &f.path,
        version,
    );
    if !f.is_host_platform() {
        assert_eq!(code, REFUSED, "{err}");
        let why = v["refused"].as_str().unwrap_or_default();
        assert!(
            why.contains(&format!("a {}/{} binary", f.goos, f.goarch))
                && why.contains("runs linux/amd64"),
            "{why}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        return false;
    }
    assert_eq!(code, 0, "exit {code}: {err}\n{v:#}");
    let run = &v["run"];
    assert_eq!(run["build_ok"], true, "{run:#}");
    assert_eq!(run["proven"], true, "{run:#}");
    assert!(run["build_ms"].as_u64().is_some());
    // Independently: `check --json` finds no error, `probe` hits main.main.
    let c = common::run(&["check", "--json", out.to_str().unwrap()]);
    let doc: Value = serde_json::from_str(&c.stdout).unwrap();
    let errors: Vec<&Value> = doc["binaries"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let p = common::run(&[
        "probe",
        "--json",
        "--quiet",
        out.to_str().unwrap(),
        "--break",
        "main.main",
    ]);
    assert_eq!(p.code, 0, "{}", p.stdout);
    let doc: Value = serde_json::from_str(&p.stdout).unwrap();
    assert_eq!(doc["probe"]["breakpoints"][0]["status"], "hit");
    // Built from the workspace: DWARF names its files, not the fixture builder's.
    let file = doc["probe"]["breakpoints"][0]["file"]
        .as_str()
        .unwrap_or_default();
    assert!(
        file.starts_with(ws.to_str().unwrap()) || file.ends_with("_testmain.go"),
        "{file}"
    );
    true
}

#[test]
fn refuses_another_module_another_revision_another_go() {
    let f = common::fixture("1.25.5", "hello", "default");
    let (_, _, settings) = go_version_m(&f.path);
    let rev = settings
        .get("vcs.revision")
        .expect("fixtures record vcs.revision")
        .clone();
    let ws = checkout(&rev, true).join("fixtures/src");
    // Another module.
    let (code, v, err) = rebuild(
        &["--run", "--workspace", ws.join("cgo").to_str().unwrap()],
        &f.path,
        "1.25.5",
    );
    assert_eq!(code, REFUSED, "{err}");
    let why = v["refused"].as_str().unwrap();
    assert!(
        why.contains("module example.com/cgo")
            && why.contains("built from module example.com/hello"),
        "{why}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(v["run"].is_null());
    // Another revision: a git repository holding the same module at a new commit.
    let repo = tmp().join("other-revision");
    let _ = std::fs::remove_dir_all(&repo);
    copy_dir(&common::repo_root().join("fixtures/src/hello"), &repo);
    for args in [
        &["init", "-q"][..],
        &["add", "."],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-q",
            "-m",
            "x",
        ],
    ] {
        let (code, _, err) = common::exec(Command::new("git").args(args).current_dir(&repo));
        assert_eq!(code, 0, "{err}");
    }
    let (_, new_head, _) = common::exec(
        Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(&repo),
    );
    let (code, v, err) = rebuild(
        &["--run", "--workspace", repo.to_str().unwrap()],
        &f.path,
        "1.25.5",
    );
    assert_eq!(code, REFUSED, "{err}");
    let why = v["refused"].as_str().unwrap();
    assert!(
        why.contains(new_head.trim()) && why.contains(&rev) && why.contains("vcs.revision"),
        "{why}"
    );
    // Not a git work tree at all (outside any repository): the revision cannot be matched.
    let nogit =
        std::env::temp_dir().join(format!("debugdoctor-rebuild-nogit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&nogit);
    copy_dir(&common::repo_root().join("fixtures/src/hello"), &nogit);
    let (code, v, err) = rebuild(
        &["--run", "--workspace", nogit.to_str().unwrap()],
        &f.path,
        "1.25.5",
    );
    std::fs::remove_dir_all(&nogit).unwrap();
    assert_eq!(code, REFUSED, "{err}");
    let why = v["refused"].as_str().unwrap();
    assert!(
        why.contains("not a git work tree") && why.contains(&rev),
        "{why}"
    );
    // Another Go: printed with GOTOOLCHAIN, refused by --run.
    let (code, v, _) = rebuild(&[], &f.path, "1.27.3");
    assert_eq!(code, 0);
    assert!(
        v["command"]
            .as_str()
            .unwrap()
            .starts_with("GOTOOLCHAIN=go1.25.5 "),
        "{}",
        v["command"]
    );
    assert_eq!(v["rebuild"]["go_matches"], false);
    let (code, v, err) = rebuild(
        &["--run", "--workspace", ws.join("hello").to_str().unwrap()],
        &f.path,
        "1.27.3",
    );
    assert_eq!(code, REFUSED, "{err}");
    let why = v["refused"].as_str().unwrap();
    assert!(
        why.contains("is go1.27.3") && why.contains("built by go1.25.5"),
        "{why}"
    );
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let nongo = |variant: &str| {
        common::fixtures()
            .into_iter()
            .find(|f| f.kind == "nongo" && f.variant == variant)
            .unwrap()
            .path
    };
    let missing = tmp().join("no-such-binary");
    for (path, needle) in [
        (missing, "no-such-binary"),
        (nongo("png"), "image.png"),
        (nongo("directory"), "dir"),
        (nongo("c-binary"), "not a Go binary"),
        (nongo("empty"), "empty"),
        (nongo("truncated-header"), "truncated-header"),
    ] {
        for json in [false, true] {
            let mut c = common::dd();
            c.arg("rebuild").arg(&path);
            if json {
                c.arg("--json");
            }
            let out = c.run();
            assert_eq!(out.code, 2, "{}: {}", path.display(), out.stderr);
            assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
            assert!(out.stderr.contains(needle), "{}", out.stderr);
            assert!(!out.stderr.contains("panicked"));
            if json {
                let v: Value = serde_json::from_str(&out.stdout).unwrap();
                assert_eq!(v["error"]["exit_code"], 2);
                assert_eq!(v["schema_version"], 1);
            } else {
                assert!(out.stdout.is_empty());
            }
        }
    }
    // A --go that does not exist is a usage error too.
    let f = common::fixture("1.25.5", "hello", "default");
    let out = common::dd()
        .args(["rebuild", "--go", "/nonexistent/go"])
        .arg(&f.path)
        .run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1);
}

#[test]
fn a_failed_build_exits_1_with_the_go_command_output() {
    let bin = build_hello("for-broken", &[], false);
    let ws = tmp().join("broken-hello");
    let _ = std::fs::remove_dir_all(&ws);
    copy_dir(&tmp().join("src-hello"), &ws);
    std::fs::write(
        ws.join("main.go"),
        "package main\n\nfunc main() { undefinedName() }\n",
    )
    .unwrap();
    let (code, v, err) = rebuild(
        &["--run", "--workspace", ws.to_str().unwrap()],
        &bin,
        "1.25.5",
    );
    assert_eq!(code, 1, "{err}\n{v:#}");
    assert_eq!(v["run"]["build_ok"], false);
    assert_eq!(v["run"]["proven"], false);
    assert!(v["run"]["probe"].is_null());
    let log = v["run"]["build_log"].as_str().unwrap();
    assert!(log.contains("undefined: undefinedName"), "{log}");
}
