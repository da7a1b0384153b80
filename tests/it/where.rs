//! `debugdoctor where` on real fixtures: every DD7xx reason produced by a real binary,
//! human and JSON output, exit codes, `--breakable`, `--from-file`, and gdb as a second
//! oracle for DWARF 5 statement addresses.

use crate::common;

use serde_json::Value;

fn bin(go: &str, program: &str, variant: &str) -> String {
    common::fixture(go, program, variant)
        .path
        .to_string_lossy()
        .into_owned()
}

fn where_json(binary: &str, specs: &[&str]) -> (i32, Vec<Value>) {
    let out = common::dd()
        .arg("where")
        .arg("--json")
        .arg(binary)
        .args(specs)
        .run();
    let v: Value = serde_json::from_slice(&out.stdout_bytes).expect("JSON");
    assert_eq!(v["schema_version"], 1);
    (
        out.status.code().unwrap(),
        v["locations"].as_array().unwrap().clone(),
    )
}

fn reason(l: &Value) -> &str {
    l["reason"]["id"].as_str().unwrap_or("")
}

#[test]
fn every_reason_comes_from_a_real_fixture() {
    let hello = bin("1.21.13", "hello", "default");
    let (code, l) = where_json(
        &hello,
        &[
            "main.main",
            "hello/main.go:1",
            "print.go:10",
            "main.nosuch",
            "main.go:x",
        ],
    );
    assert_eq!(code, 1);
    assert!(l[0]["bound"].as_bool().unwrap());
    assert_eq!(l[0]["addresses"][0]["function"], "main.main");
    assert_eq!(l[0]["addresses"][0]["line"], 11);
    assert_eq!(l[0]["reason"], Value::Null);
    assert_eq!(reason(&l[1]), "DD703");
    assert_eq!(
        l[1]["nearest"][0]["line"], 11,
        "nearest below line 1: {}",
        l[1]
    );
    assert_eq!(reason(&l[2]), "DD702");
    assert!(l[2]["reason"]["message"]
        .as_str()
        .unwrap()
        .contains("fmt/print.go"));
    assert_eq!(reason(&l[3]), "DD704");
    assert_eq!(reason(&l[4]), "DD708");

    // Build tags: extra.go exists only in the `tags` variant.
    let (_, l) = where_json(&bin("1.21.13", "buildtags", "default"), &["extra.go:10"]);
    assert_eq!(reason(&l[0]), "DD701");
    let (code, l) = where_json(&bin("1.21.13", "buildtags", "tags"), &["extra.go:10"]);
    assert_eq!((code, l[0]["bound"].as_bool()), (0, Some(true)));

    // Stripped (-s -w): file:line cannot bind.
    let (_, l) = where_json(&bin("1.21.13", "hello", "sw"), &["main.go:11"]);
    assert_eq!(reason(&l[0]), "DD705");

    // -trimpath: the absolute path matches only through substitutePath.
    let src = common::repo_root().join("fixtures/src/hello/main.go");
    let spec = format!("{}:11", src.display());
    let (_, l) = where_json(&bin("1.21.13", "hello", "trimpath"), &[&spec]);
    assert_eq!(reason(&l[0]), "DD706");
    let sp = &l[0]["substitute_path"][0];
    assert!(sp["to"].as_str().unwrap().ends_with("example.com"), "{sp}");

    // Optimised unit: bound with a DD707 warning; noopt: no warning.
    let (_, l) = where_json(&hello, &["main.greet"]);
    assert_eq!(l[0]["warnings"][0]["id"], "DD707");
    let (_, l) = where_json(&bin("1.21.13", "hello", "noopt"), &["main.greet"]);
    assert!(l[0].get("warnings").is_none());
}

#[test]
fn human_output_and_exit_codes() {
    let hello = bin("1.25.5", "hello", "default");
    let out = common::run(&["where", &hello, "main.main", "main.go:21"]);
    assert_eq!(out.status.code(), Some(0));
    let s = &out.stdout;
    let first = s.lines().next().unwrap_or("");
    let cols: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(&cols[..2], ["main.main", "bound"], "{s}");
    assert!(cols[2].starts_with("0x") && cols[3] == "main.main", "{s}");
    assert!(s.contains("hello/main.go:21"), "{s}");

    let out = common::run(&["where", &hello, "main.go:23"]);
    assert_eq!(out.status.code(), Some(1));
    let s = &out.stdout;
    assert!(s.contains("NOT BOUND") && s.contains("nearest:"), "{s}");
    assert!(s.contains("main.go:22") && s.contains("main.go:26"), "{s}");

    let out = common::run(&["where", "/nonexistent/binary", "main.main"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stderr.lines().count(), 1);

    // PIE: link-time addresses, marked.
    let out = common::run(&["where", &bin("1.25.5", "hello", "pie"), "main.main"]);
    assert!(out.stdout.contains("unrelocated"));
}

#[test]
fn breakable_and_from_file() {
    let hello = bin("1.21.13", "hello", "noopt");
    let out = common::run(&["where", "--breakable", "hello/main.go", &hello]);
    let s = &out.stdout;
    assert!(s.contains("hello/main.go: 11-"), "{s}");

    // 1,000 specs in one call.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("specs.txt");
    let specs: String = (0..1000)
        .map(|i| format!("hello/main.go:{}\n", i % 40))
        .collect();
    std::fs::write(&f, specs).unwrap();
    let t = std::time::Instant::now();
    let out = common::dd()
        .args(["where", "--json", "--from-file"])
        .arg(&f)
        .arg(&hello)
        .run();
    let v: Value = serde_json::from_slice(&out.stdout_bytes).unwrap();
    assert_eq!(v["locations"].as_array().unwrap().len(), 1000);
    eprintln!("1000 specs: {:?}", t.elapsed());
}

#[test]
fn windows_and_macho_and_split() {
    let (_, l) = where_json(
        &bin("1.21.13", "hello", "windows"),
        &["MAIN.GO:11", "main.main"],
    );
    assert!(
        l[0]["bound"].as_bool().unwrap(),
        "case-insensitive on Windows: {}",
        l[0]
    );
    assert_eq!(l[0]["addresses"][0]["pc"], l[1]["addresses"][0]["pc"]);
    // A Windows path the editor sends: the substitutePath `from` is that path's
    // directory as written (drive and backslashes), not "/C:/x".
    let (_, l) = where_json(&bin("1.21.13", "hello", "windows"), &[r"C:\x\main.go:19"]);
    assert_eq!(l[0]["reason"]["id"], "DD706", "{}", l[0]);
    assert_eq!(l[0]["substitute_path"][0]["from"], r"C:\x", "{}", l[0]);
    assert!(
        l[0]["reason"]["message"]
            .as_str()
            .unwrap()
            .contains(r#"{"from": "C:\\x", "to": "#),
        "{}",
        l[0]
    );
    let (_, l) = where_json(&bin("1.21.13", "hello", "darwin-arm64"), &["main.go:21"]);
    assert!(l[0]["bound"].as_bool().unwrap());
    let (_, l) = where_json(&bin("1.21.13", "hello", "split"), &["main.go:21"]);
    assert!(l[0]["bound"].as_bool().unwrap(), "{}", l[0]);
}

/// gdb as a second oracle on DWARF 5 (Go 1.25, 1.27): every bound line of hello/main.go
/// starts at an address gdb's `info line` reports for that line.
#[test]
fn gdb_agrees_on_dwarf5_statement_addresses() {
    common::require_tool("/usr/bin/gdb");
    let mut compared = 0;
    for go in ["1.25.5", "1.27.3"] {
        let b = bin(go, "hello", "noopt");
        let target = debugdoctor::Target::open(&b).unwrap();
        let r = debugdoctor::resolve::Resolver::new(&target);
        let mut cmd = std::process::Command::new("gdb");
        cmd.args(["-nx", "-batch"]);
        for l in 1..=36 {
            cmd.arg("-ex").arg(format!("info line main.go:{l}"));
        }
        cmd.arg(&b);
        let out = cmd.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let gdb_lines: Vec<&str> = text.lines().filter(|l| l.starts_with("Line ")).collect();
        for l in 1..=36u32 {
            let ours = r.resolve(&format!("hello/main.go:{l}"));
            let g = gdb_lines
                .iter()
                .find(|x| x.starts_with(&format!("Line {l} of ")));
            let gdb_addr = g.and_then(|x| {
                x.split("starts at address 0x")
                    .nth(1)
                    .and_then(|a| a.split(|c: char| !c.is_ascii_hexdigit()).next())
                    .and_then(|a| u64::from_str_radix(a, 16).ok())
            });
            if ours.bound {
                let pcs: Vec<u64> = ours.addresses.iter().map(|a| a.pc).collect();
                let ga = gdb_addr.unwrap_or_else(|| {
                    panic!("go{go} line {l}: gdb has no address, ours {pcs:x?}\n{text}")
                });
                // gdb reports the first row of the line; Delve's pick is the first is_stmt
                // row after it (prologue skipped at function entries).
                assert!(
                    pcs.iter().any(|&p| p >= ga),
                    "go{go} line {l}: {pcs:x?} vs gdb {ga:#x}"
                );
                compared += 1;
            } else {
                assert!(
                    gdb_addr.is_none() || g.unwrap().contains("but contains no code"),
                    "go{go} line {l}: gdb binds {g:?}, ours: {:?}",
                    ours.reason
                );
            }
        }
    }
    eprintln!("gdb compared {compared} bound lines");
    assert!(compared > 10);
}

/// A line the optimiser left without a statement, inside a function: DD703 keeps Delve's
/// text, says the line is in optimised code, and suggests only lines with code in that
/// function; the all=-N -l build of the same program binds the line.
#[test]
fn no_statement_in_optimised_code_says_why() {
    // fixtures/src/inline/main.go:14 is `return b` of maxInt, inlined into main.main.
    let (code, locs) = where_json(&bin("1.25.5", "inline", "default"), &["inline/main.go:14"]);
    assert_eq!(code, 1);
    assert_eq!(reason(&locs[0]), "DD703");
    let msg = locs[0]["reason"]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("could not find statement at ")
            && msg.contains("please use a line with a statement"),
        "{msg}"
    );
    assert!(msg.contains("optimised code of main.main"), "{msg}");
    assert!(msg.contains("-gcflags=all=\"-N -l\""), "{msg}");
    let near: Vec<u64> = locs[0]["nearest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["line"].as_u64().unwrap())
        .collect();
    assert_eq!(near, vec![11, 18], "lines of main.main's code around 14");
    // Outside any function (the import block): Delve's text alone.
    let (_, locs) = where_json(&bin("1.25.5", "inline", "default"), &["inline/main.go:3"]);
    let msg = locs[0]["reason"]["message"].as_str().unwrap();
    assert!(!msg.contains("optimised"), "{msg}");
    // The claim holds: without optimisation the line binds.
    let (code, locs) = where_json(&bin("1.25.5", "inline", "noopt"), &["inline/main.go:14"]);
    assert_eq!(code, 0, "{locs:?}");
}

/// Without `--delve`, `where` follows the dlv on PATH (as `env` finds it): Debian's
/// 1.20.2 and Delve 1.27.1 (real executables), none (the newest rules), or one that is
/// not Delve (the newest rules, saying why; never a failure).
#[test]
fn follows_the_dlv_on_path() {
    common::require_tool("/usr/bin/dlv");
    let hello = bin("1.25.5", "hello", "default");
    let with_dlv = |target: Option<&std::path::Path>, script: Option<&str>| {
        let dir = tempfile::tempdir().unwrap();
        if let Some(t) = target {
            std::os::unix::fs::symlink(t, dir.path().join("dlv")).unwrap();
        }
        if let Some(text) = script {
            let p = dir.path().join("dlv");
            std::fs::write(&p, text).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let run = |json: bool| {
            let mut c = common::dd();
            c.env("PATH", dir.path())
                .env("XDG_CACHE_HOME", dir.path().join("cache"))
                .arg("where")
                .arg(&hello)
                .arg("main.main");
            if json {
                c.arg("--json");
            }
            c.run()
        };
        let (j, human) = (run(true), run(false));
        let v: Value = serde_json::from_slice(&j.stdout_bytes).expect("JSON");
        (
            v["delve_rules"].as_str().unwrap().to_string(),
            v["delve_rules_from"].as_str().unwrap().to_string(),
            human.stdout,
        )
    };
    let (rules, from, human) = with_dlv(Some(std::path::Path::new("/usr/bin/dlv")), None);
    assert_eq!(rules, "1.20");
    assert!(
        from.starts_with("dlv on PATH: ") && from.ends_with("(1.20.2)"),
        "{from}"
    );
    assert!(
        human.contains("bound as Delve 1.20 binds")
            && human
                .contains("which refuses go1.25 binaries unless run with --check-go-version=false"),
        "{human}"
    );
    let d127 = common::repo_root().join(".cache/bin/dlv-1.27.1");
    if d127.exists() {
        let (rules, from, human) = with_dlv(Some(&d127), None);
        assert_eq!(rules, "1.27");
        assert!(from.ends_with("(1.27.1)"), "{from}");
        assert!(!human.contains("bound as Delve"), "{human}");
    }
    let (rules, from, _) = with_dlv(None, None);
    assert_eq!(
        (rules.as_str(), from.as_str()),
        ("1.27", "newest (no dlv on PATH)")
    );
    let (rules, from, _) = with_dlv(None, Some("#!/bin/sh\nexit 3\n"));
    assert_eq!(rules, "1.27");
    assert!(
        from.starts_with("newest (the dlv on PATH is unusable"),
        "{from}"
    );
    // A released Delve (`go install ...@v1.26.0`) is read from its build info, not run:
    // this one would print 1.20.0 if it were run.
    let src = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(src.path().join("cmd/dlv")).unwrap();
    std::fs::write(
        src.path().join("go.mod"),
        "module github.com/go-delve/delve\n\ngo 1.25\n",
    )
    .unwrap();
    std::fs::write(
        src.path().join("cmd/dlv/main.go"),
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"Version: 1.20.0\") }\n",
    )
    .unwrap();
    for args in [
        &["init", "-q", "."][..],
        &["add", "."],
        &[
            "-c",
            "user.email=t@t",
            "-c",
            "user.name=t",
            "commit",
            "-qm",
            "i",
        ],
        &["tag", "v1.26.0"],
    ] {
        let st = std::process::Command::new("git")
            .args(args)
            .current_dir(src.path())
            .status()
            .unwrap();
        assert!(st.success(), "git {args:?}");
    }
    let released = src.path().join("dlv");
    let st = common::go_command("1.25.5")
        .args(["build", "-o"])
        .arg(&released)
        .arg("./cmd/dlv")
        .current_dir(src.path())
        .status()
        .unwrap();
    assert!(st.success(), "go build");
    let (rules, from, _) = with_dlv(Some(&released), None);
    assert_eq!(rules, "1.27");
    assert!(from.ends_with("(1.26.0)"), "{from}");
    // `--delve` overrides whatever is on PATH.
    let out = common::run(&["where", "--json", "--delve", "1.20.2", &hello, "main.main"]);
    let v: Value = serde_json::from_slice(&out.stdout_bytes).unwrap();
    assert_eq!(
        (v["delve_rules"].as_str(), v["delve_rules_from"].as_str()),
        (Some("1.20"), Some("--delve 1.20.2"))
    );
}

/// DD707 on C code (cgo) names the C compiler's optimisation and CGO_CFLAGS, not -N -l.
#[test]
fn optimised_c_code_is_not_blamed_on_gcflags() {
    let (_, l) = where_json(&bin("1.25.5", "cgo", "default"), &["C.twice", "main.main"]);
    assert!(l[0]["bound"].as_bool().unwrap(), "{}", l[0]);
    let w = l[0]["warnings"][0]["message"].as_str().unwrap();
    assert_eq!(l[0]["warnings"][0]["id"], "DD707");
    assert!(
        w.contains("C code in") && w.contains(r#"CGO_CFLAGS="-O0 -g""#),
        "{w}"
    );
    assert!(!w.contains("-N -l"), "{w}");
    let w = l[1]["warnings"][0]["message"].as_str().unwrap();
    assert!(w.contains("main: compiled without -N -l"), "{w}");
}

/// A `(devel)` Delve (no version in its build info) is asked `dlv version` once; the answer
/// is remembered per executable until the file changes.
#[test]
fn a_devel_delves_version_is_asked_once() {
    let hello = bin("1.25.5", "hello", "default");
    let dir = tempfile::tempdir().unwrap();
    let (bin_dir, cache) = (dir.path().join("bin"), dir.path().join("cache"));
    std::fs::create_dir(&bin_dir).unwrap();
    let counter = dir.path().join("runs");
    let dlv = bin_dir.join("dlv");
    let script = |version: &str| {
        format!(
            "#!/bin/sh\necho run >> {}\necho 'Delve Debugger'\necho 'Version: {version}'\n",
            counter.display()
        )
    };
    std::fs::write(&dlv, script("1.20.2")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dlv, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = || {
        let out = common::dd()
            .env("PATH", &bin_dir)
            .env("XDG_CACHE_HOME", &cache)
            .args(["where", "--json"])
            .arg(&hello)
            .arg("main.main")
            .run();
        let v: Value = serde_json::from_slice(&out.stdout_bytes).unwrap();
        v["delve_rules_from"].as_str().unwrap().to_string()
    };
    let runs = || {
        std::fs::read_to_string(&counter)
            .unwrap_or_default()
            .lines()
            .count()
    };
    assert!(run().ends_with("(1.20.2)"));
    assert!(run().ends_with("(1.20.2)"));
    assert_eq!(runs(), 1, "dlv version ran again");
    // Replaced (other size and time): asked again.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&dlv, script("1.27.10")).unwrap();
    assert!(run().ends_with("(1.27.10)"));
    assert_eq!(runs(), 2);
}

/// A batch resolved by a resolver that decoded its files' line tables while its index
/// was built (`Resolver::for_specs`, what `where` does) answers exactly as one that
/// decodes on first use, spec by spec: every line of every main-package file plus
/// function specs, on DWARF 4 and 5, optimised and not.
#[test]
fn early_decoding_changes_no_answer() {
    use debugdoctor::resolve::{DelveRules, Resolver};
    let mut compared = 0;
    for (go, program, variant) in [
        ("1.25.5", "closures", "default"),
        ("1.25.5", "closures", "noopt"),
        ("1.27.3", "generics", "default"),
        ("1.25.5", "inline", "default"),
        ("1.25.5", "rangefunc", "noopt"),
        ("1.27.3", "methods", "default"),
        ("1.21.13", "hello", "default"),
        ("1.19.8", "hello", "noopt"),
    ] {
        let b = bin(go, program, variant);
        let target = debugdoctor::Target::open(&b).unwrap();
        let lazy = Resolver::new(&target);
        let dir = format!("/{program}/");
        let mut specs: Vec<String> = vec!["main.main".into(), "main.nosuch".into()];
        for f in lazy.index.files.iter().filter(|f| f.contains(&dir)) {
            specs.extend((0..=160).map(|l| format!("{f}:{l}")));
        }
        specs.push(format!("{program}/nosuch.go:3"));
        assert!(
            specs.len() > 160,
            "{go} {program} {variant}: no files under {dir}"
        );
        let early = Resolver::for_specs(&target, DelveRules::default(), &specs);
        let one_by_one: Vec<_> = specs.iter().map(|s| lazy.resolve(s)).collect();
        let batch = early.resolve_all(&specs);
        let a = serde_json::to_value(&one_by_one).unwrap();
        let b = serde_json::to_value(&batch).unwrap();
        assert_eq!(a, b, "go{go} {program}/{variant}");
        compared += specs.len();
    }
    assert!(compared > 1000, "{compared}");
}
