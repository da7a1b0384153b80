//! QA regressions: inputs that used to hang, allocate without bound or mislead.
//! Each test failed before its fix.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;

/// Runs debugdoctor with `args`, killing it after 10 s (a hang is the bug under test).
fn run_bounded(args: &[&str]) -> (Option<i32>, String) {
    let mut child = common::dd()
        .args(args)
        .command()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn debugdoctor");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let out = child.wait_with_output().expect("output");
            return (
                status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            return (None, "timed out".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs debugdoctor with `args` and then the fixture at `rel` (repo-relative); its stdout.
/// A missing fixture is a failure, not a skip: scripts/fixtures builds them all.
fn run_on_fixture(rel: &str, args: &[&str]) -> String {
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    assert!(
        bin.exists(),
        "{} missing: run scripts/fixtures",
        bin.display()
    );
    let out = common::dd().args(args).arg(&bin).run();
    out.stdout
}

fn mkfifo(path: &std::path::Path) {
    let st = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(st.success());
}

#[test]
fn check_fifo_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    let (code, err) = run_bounded(&["check", fifo.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("fifo") && err.contains("not a regular file"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn check_dev_zero_does_not_hang() {
    let (code, err) = run_bounded(&["check", "/dev/zero"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("/dev/zero: not a regular file"), "{err}");
}

#[test]
fn check_huge_sparse_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    // Zeros: refused by the magic sniff. ELF magic: refused by the size limit.
    let zeros = dir.path().join("zeros");
    let elf = dir.path().join("elf");
    std::fs::File::create(&zeros)
        .unwrap()
        .set_len(20 << 30)
        .unwrap();
    std::fs::write(&elf, b"\x7fELF").unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&elf)
        .unwrap()
        .set_len(20 << 30)
        .unwrap();
    let (code, err) = run_bounded(&["check", zeros.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("only zero bytes"), "{err}");
    let (code, err) = run_bounded(&["check", elf.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("larger than the 4 GiB limit"), "{err}");
}

#[test]
fn launch_fifo_and_device_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("launch.json");
    mkfifo(&fifo);
    for p in [fifo.to_str().unwrap(), "/dev/zero"] {
        let (code, err) = run_bounded(&["launch", p]);
        assert_eq!(code, Some(2), "{p}: {err}");
        assert!(err.contains("not a regular file"), "{p}: {err}");
    }
}

/// On ELF and PE `-ldflags=-s` drops DWARF in every Go version (cmd/link dwarfEnabled);
/// "-s implies -w since Go 1.22" told Linux users that older Go kept DWARF with -s.
#[test]
fn dd101_s_on_elf_is_not_blamed_on_go_1_22() {
    let text = run_on_fixture(
        ".cache/fixtures/go1.25.5/hello/s/hello",
        &["check", "--fail-on", "never"],
    );
    let line = text.lines().find(|l| l.contains("DD101")).expect(&text);
    assert!(line.contains("on ELF and PE"), "{line}");
    assert!(!line.contains("since Go 1.22"), "{line}");
}

#[test]
fn dd403_s_note_names_every_platform() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("launch.json");
    std::fs::write(
        &file,
        r#"{"version": "0.2.0", "configurations": [{"name": "L", "type": "go",
        "request": "launch", "mode": "debug", "program": ".", "buildFlags": "-ldflags=-s"}]}"#,
    )
    .unwrap();
    let out = common::dd().arg("launch").arg(&file).run();
    let text = &out.stdout;
    let line = text.lines().find(|l| l.contains("DD403")).expect(text);
    assert!(line.contains("on ELF and PE always"), "{line}");
}

/// `debugdoctor explain --list | head -1` used to panic with "failed printing to stdout:
/// Broken pipe" and a backtrace on stderr.
#[test]
fn closed_stdout_is_not_a_panic() {
    for args in [
        &["explain", "--list"][..],
        &["explain", "--json", "DD101"][..],
    ] {
        let mut child = common::dd()
            .args(args)
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end before the child writes: every write gets EPIPE.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// A C program with gcc's DWARF 5 got "DD104 DWARF 5; needs Delve built with Go >= 1.25
/// ... (0 Go units)", with GOEXPERIMENT=nodwarf5 as the fix.
#[test]
fn dd104_not_reported_for_non_go_dwarf5() {
    let text = run_on_fixture(".cache/fixtures/nongo/c-hello", &["check", "--json"]);
    assert!(text.contains("DD107"), "{text}");
    assert!(!text.contains("DD104"), "{text}");
}

/// `go build -gcflags=all=-N -l` is not a command a shell can run: `-l` becomes a
/// separate go flag ("flag provided but not defined: -l"). Fixes must quote the value.
#[test]
fn gcflags_fixes_are_quoted_for_the_shell() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut bins = vec![root.join("examples/hello-release")];
    for v in ["default", "noopt-main", "sw", "gorun"] {
        bins.push(root.join(format!(".cache/fixtures/go1.25.5/hello/{v}/hello")));
    }
    let bins: Vec<_> = bins.into_iter().filter(|b| b.exists()).collect();
    let out = common::dd()
        .args(["check", "--json", "--fail-on", "never"])
        .args(&bins)
        .run();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout_bytes).unwrap();
    let mut fixes = 0;
    for b in doc["binaries"].as_array().unwrap() {
        for f in b["findings"].as_array().into_iter().flatten() {
            let fix = f["fix"].as_str().unwrap_or("");
            if fix.contains("-N -l") {
                fixes += 1;
                assert!(fix.contains("-gcflags=\"all=-N -l\""), "{}: {fix}", f["id"]);
            }
        }
    }
    assert!(fixes > 0, "no -N -l fix seen");
    for id in ["DD201", "DD202", "DD203", "DD101", "DD109", "DD803"] {
        let out = common::run(&["explain", id]);
        let text = &out.stdout;
        assert!(!text.contains("-gcflags=all=-N -l"), "{id}: {text}");
    }
}

/// A `go test -c` binary (build info path `pkg.test`) was told to rebuild with
/// `go build`, which builds the package's program, not its tests.
#[test]
fn optimisation_fix_for_test_binary_uses_go_test_c() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = root.join(".cache/fixtures/go1.25.5/testpkg/test/testpkg.test");
    assert!(
        bin.exists(),
        "{} missing: run scripts/fixtures",
        bin.display()
    );
    let out = common::dd()
        .args(["check", "--json", "--fail-on", "never"])
        .arg(&bin)
        .run();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout_bytes).unwrap();
    let findings = doc["binaries"][0]["findings"].as_array().unwrap();
    let dd201 = findings.iter().find(|f| f["id"] == "DD201").expect("DD201");
    let fix = dd201["fix"].as_str().unwrap();
    assert!(fix.starts_with("go test -c -gcflags="), "{fix}");
}

/// DD108 told users to run `dlv exec ... ./app` whatever the binary was called (a
/// Windows hello.exe included), and "rebuild for linux/amd64" without the command.
#[test]
fn dd108_fix_names_the_binary_and_the_rebuild() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = root.join(".cache/fixtures/go1.25.5/hello/windows/hello.exe");
    assert!(
        bin.exists(),
        "{} missing: run scripts/fixtures",
        bin.display()
    );
    let out = common::dd()
        .args(["check", "--json", "--fail-on", "never"])
        .arg(&bin)
        .run();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout_bytes).unwrap();
    let findings = doc["binaries"][0]["findings"].as_array().unwrap();
    let f = findings.iter().find(|f| f["id"] == "DD108").expect("DD108");
    let fix = f["fix"].as_str().unwrap();
    assert!(fix.contains("--api-version=2 hello.exe`"), "{fix}");
    // The host platform decides GOOS/GOARCH; only the shape is fixed.
    assert!(
        fix.contains(" GOARCH=") && fix.contains(" go build -gcflags="),
        "{fix}"
    );
}

/// A Java class file shares 0xcafebabe with a fat Mach-O and was reported as
/// "universal (fat) Mach-O; extract one architecture first (lipo -thin arm64)".
#[test]
fn java_class_is_not_called_a_fat_macho() {
    let dir = tempfile::tempdir().unwrap();
    let class = dir.path().join("Hello.class");
    let mut bytes = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61];
    bytes.resize(256, 0);
    std::fs::write(&class, &bytes).unwrap();
    // A one-architecture fat header still gets the lipo advice.
    let fat = dir.path().join("fat");
    let mut bytes = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 1];
    bytes.extend_from_slice(&[
        1, 0, 0, 12, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 64, 0, 0, 0, 12,
    ]);
    bytes.resize(4096 + 64, 0);
    std::fs::write(&fat, &bytes).unwrap();
    let (code, err) = run_bounded(&["check", class.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("Java class"), "{err}");
    let (code, err) = run_bounded(&["check", fat.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("universal (fat) Mach-O"), "{err}");
}

/// DD203's "verify by hand" was `grep -c DW_TAG_inlined_subroutine` over the whole
/// binary: 6509 on the release sample, against the finding's 4 (main only).
#[test]
fn dd203_verify_command_counts_main_only() {
    let out = common::run(&["explain", "DD203"]);
    let text = &out.stdout;
    assert!(text.contains(r#"m=($NF=="main")"#), "{text}");
}

/// A directory with no Go binary exits 2, but --json said `"binaries": []` and SARIF
/// `executionSuccessful: true` with no notification: a CI reading the report saw no
/// reason for the failure.
#[test]
fn empty_directory_error_is_in_json_and_sarif() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README"), "no binaries here\n").unwrap();
    let p = dir.path().to_str().unwrap();
    let out = common::run(&["check", "--json", p]);
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout_bytes).unwrap();
    let err = doc["binaries"][0]["error"].as_str().unwrap_or_default();
    assert!(err.contains("no Go binaries found"), "{doc}");
    let out = common::run(&["check", "--format", "sarif", p]);
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout_bytes).unwrap();
    let inv = &doc["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false, "{inv}");
    assert!(inv["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap_or_default()
        .contains("no Go binaries found"));
}

/// `launch --fix` dropped a UTF-8 byte order mark: the loader strips it before linting
/// and the fixed text was written without it.
#[test]
fn launch_fix_keeps_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("launch.json");
    let text = "\u{feff}{\r\n  // keep\r\n  \"version\": \"0.2.0\",\r\n  \"configurations\": [{\"name\": \"a\", \"type\": \"go\", \"request\": \"attach\", \"mode\": \"remote\", \"port\": 2345, \"substitutePath\": [{\"from\": \"/nonexistent-remote-app\", \"to\": \"${workspaceFolder}\"}]}]\r\n}\r\n";
    std::fs::write(&file, text).unwrap();
    let out = common::dd()
        .arg("launch")
        .arg("--fix")
        .arg(&file)
        .current_dir(dir.path())
        .run();
    let after = std::fs::read(&file).unwrap();
    assert_ne!(after, text.as_bytes(), "nothing fixed: {out:?}");
    assert!(
        after.starts_with(b"\xef\xbb\xbf{\r\n  // keep\r\n"),
        "{:?}",
        String::from_utf8_lossy(&after)
    );
}

/// DD105 told users to run `config debug-info-directories DIR` in Delve, which Delve
/// rejects ("unsupported type for configuration key"); the directory Delve needs is the
/// .build-id tree, which its config.yml takes.
#[test]
fn dd105_found_fix_gives_a_delve_config_that_works() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(".cache/fixtures/go1.25.5/hello/buildid");
    assert!(
        dir.join("hello").exists(),
        "{} missing: run scripts/fixtures",
        dir.display()
    );
    let out = common::dd()
        .args(["check", "--json", "--fail-on", "never", "--debug-dir"])
        .arg(dir.join("debug"))
        .arg(dir.join("hello"))
        .run();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout_bytes).unwrap();
    let findings = doc["binaries"][0]["findings"].as_array().unwrap();
    let f = findings.iter().find(|f| f["id"] == "DD105").expect("DD105");
    let fix = f["fix"].as_str().unwrap();
    assert!(fix.contains("debug-info-directories -add /"), "{fix}");
    assert!(fix.contains("/debug/.build-id"), "{fix}");
    assert!(fix.contains("config.yml"), "{fix}");
}

/// `check --ignore DD1,DD2` on an optimised release build printed "no findings:
/// breakpoints should bind and variables be readable", which is false.
#[test]
fn filtered_empty_report_does_not_claim_debuggable() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = common::dd()
        .args(["check", "--no-config", "--ignore", "DD1,DD2"])
        .arg(root.join("examples/hello-release"))
        .run();
    let text = &out.stdout;
    assert!(!text.contains("breakpoints should bind"), "{text}");
    assert!(text.contains("--select/--ignore"), "{text}");
}

/// "1 call sites inlined into package main" / "1 DW_TAG_inlined_subroutine entries".
#[test]
fn dd203_singular_is_grammatical() {
    let text = run_on_fixture(
        ".cache/fixtures/go1.25.5/cgo/default/cgo",
        &["check", "--fail-on", "never"],
    );
    assert!(text.contains("1 call site inlined"), "{text}");
    assert!(!text.contains("1 call sites"), "{text}");
    assert!(
        !text.contains("1 DW_TAG_inlined_subroutine entries"),
        "{text}"
    );
}

/// An exec configuration whose program is a FIFO got no finding at all.
#[test]
fn launch_exec_program_fifo_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("app");
    mkfifo(&fifo);
    let file = dir.path().join("launch.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"version": "0.2.0", "configurations": [{{"name": "x", "type": "go",
            "request": "launch", "mode": "exec", "program": {:?}}}]}}"#,
            fifo.to_str().unwrap()
        ),
    )
    .unwrap();
    let (code, _) = run_bounded(&["launch", file.to_str().unwrap()]);
    let out = common::dd().arg("launch").arg(&file).run();
    let text = &out.stdout;
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("not a regular file"), "{text}");
}

/// `-ldflags="-s -w=0"` keeps DWARF since Go 1.22 (-s implies -w only when -w is not
/// given; Go 1.25 output has .debug_* sections), but DD403 called it stripping.
#[test]
fn dd403_not_reported_for_s_with_w_off() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("launch.json");
    std::fs::write(
        &file,
        r#"{"version": "0.2.0", "configurations": [{"name": "L", "type": "go",
        "request": "launch", "mode": "debug", "program": ".", "buildFlags": "-ldflags='-s -w=0'"},
        {"name": "M", "type": "go", "request": "launch", "mode": "debug", "program": ".",
        "buildFlags": "-ldflags='-s -w'"}]}"#,
    )
    .unwrap();
    let out = common::dd()
        .arg("launch")
        .arg(&file)
        .current_dir(dir.path())
        .run();
    let text = &out.stdout;
    let dd403: Vec<_> = text.lines().filter(|l| l.contains("DD403")).collect();
    assert_eq!(dd403.len(), 1, "{text}");
    assert!(dd403[0].contains("-s -w\""), "{text}");
}

/// DD102 said flatly "Delve can bind function names" on a stripped binary; Delve 1.20.2
/// (Debian's) refuses it: "could not open debug info".
#[test]
fn dd102_does_not_promise_every_delve_binds_stripped() {
    let out = common::run(&["explain", "DD102"]);
    let text = &out.stdout;
    assert!(text.contains("could not open debug info"), "{text}");
}
