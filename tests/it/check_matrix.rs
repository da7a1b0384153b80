//! `check` on every fixture of the matrix reports exactly the expected finding set.
//!
//! The expectation is derived from how each fixture was built (Go version, variant,
//! platform), from what the Go toolchain is documented and measured to do — not copied
//! from debugdoctor's output. A finding added or missing fails the test.

use crate::common::{self, Fixture};

use std::collections::BTreeSet;

use serde_json::Value;

/// Variants built without DWARF in the binary itself.
fn dwarf_stripped(f: &Fixture) -> bool {
    match f.variant.as_str() {
        // -w drops DWARF. So does -s: cmd/link's dwarfEnabled returns false for -s on
        // every format but Mach-O (Go 1.19 source), and since Go 1.22 -s implies -w.
        "sw" | "w" | "s" => true,
        // `go run` and `go test` link with -s -w (cmd/go/internal/work/gc.go, test.go).
        "gorun" | "gotest" => true,
        // objcopy --strip-debug moved DWARF out.
        "split" | "split-missing" | "buildid" => true,
        _ => false,
    }
}

/// Variants without a symbol table.
fn symtab_stripped(f: &Fixture) -> bool {
    matches!(f.variant.as_str(), "sw" | "s" | "gorun" | "gotest")
}

fn expected(f: &Fixture) -> BTreeSet<&'static str> {
    let mut ids = BTreeSet::new();
    if !f.is_host_platform() {
        ids.insert("DD108");
    }
    if matches!(f.variant.as_str(), "gorun" | "gotest") {
        ids.insert("DD109");
    }
    if symtab_stripped(f) {
        ids.insert("DD102");
    }
    // The separate debug file is found for `split` (beside the binary, via
    // .gnu_debuglink); `buildid` has no debuglink and its debug dir is not passed here.
    let dwarf_readable = !dwarf_stripped(f) || f.variant == "split";
    match f.variant.as_str() {
        "split" => {
            ids.insert("DD105");
        }
        "split-missing" => {
            ids.insert("DD105");
        }
        _ if !dwarf_readable => {
            ids.insert("DD101");
        }
        _ => {}
    }
    if dwarf_readable {
        if f.variant != "nocompress" {
            // Go compresses DWARF by default (ELF SHF_COMPRESSED, PE/Mach-O .zdebug_*).
            ids.insert("DD103");
        }
        // DWARF 5 from Go 1.25 except on darwin and with GOEXPERIMENT=nodwarf5.
        if f.go_at_least(25) && f.goos != "darwin" && f.variant != "nodwarf5" {
            ids.insert("DD104");
        }
        let no_opt_all = matches!(f.variant.as_str(), "noopt" | "test-noopt");
        let no_opt_main = f.variant == "noopt-main";
        if !no_opt_all && !no_opt_main {
            ids.insert("DD201");
            // Default builds inline into main.main (fmt.Println's wrappers and the
            // program's small helpers). The generated test main of Go 1.25+ keeps no
            // inlined calls in package main (m.Run is not inlined).
            if f.kind != "test" || !f.go_at_least(25) {
                ids.insert("DD203");
            }
        }
        if no_opt_main {
            ids.insert("DD202");
        }
        if f.variant == "trimpath" {
            ids.insert("DD301");
        }
    }
    ids
}

fn check_json(path: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let out = common::dd()
        .arg("check")
        .arg("--json")
        .args(extra)
        .arg(path)
        .run();
    let v: Value = serde_json::from_slice(&out.stdout_bytes).unwrap_or_else(|e| {
        panic!(
            "{}: stdout is not JSON ({e}); stderr: {}",
            path.display(),
            out.stderr
        )
    });
    (out.code, v)
}

fn finding_ids(v: &Value) -> BTreeSet<String> {
    v["binaries"][0]["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["id"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_go_fixture_reports_exactly_the_expected_findings() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for f in common::fixtures().into_iter().filter(|f| f.go.is_some()) {
        let (code, v) = check_json(&f.path, &[]);
        let got = finding_ids(&v);
        let want: BTreeSet<String> = expected(&f).into_iter().map(String::from).collect();
        if got != want {
            let missing: Vec<_> = want.difference(&got).collect();
            let extra: Vec<_> = got.difference(&want).collect();
            failures.push(format!(
                "{}: missing {missing:?}, unexpected {extra:?}",
                f.label()
            ));
        }
        // Exit code 1 exactly when an error-severity finding is present.
        let has_error = v["binaries"][0]["findings"]
            .as_array()
            .is_some_and(|a| a.iter().any(|f| f["severity"] == "error"));
        if code != i32::from(has_error) {
            failures.push(format!(
                "{}: exit code {code}, error findings: {has_error}",
                f.label()
            ));
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} Go fixtures in the manifest");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn go_facts_in_the_report_match_the_build() {
    for f in common::fixtures().into_iter().filter(|f| f.go.is_some()) {
        let (_, v) = check_json(&f.path, &[]);
        let b = &v["binaries"][0];
        let go = f.go.as_deref().unwrap();
        // A GOEXPERIMENT build names it in its version: "go1.25.5 X:nodwarf5" (Go 1.25),
        // "go1.27.3-X:nodwarf5" (Go 1.27).
        let version = b["go_version"].as_str().unwrap_or("");
        match f.variant.as_str() {
            "nodwarf5" => assert!(
                version.starts_with(&format!("go{go}")) && version.ends_with("X:nodwarf5"),
                "{}: {version}",
                f.label()
            ),
            _ => assert_eq!(version, format!("go{go}"), "{}", f.label()),
        }
        assert_eq!(b["goos"], f.goos.as_str(), "{}", f.label());
        assert_eq!(b["goarch"], f.goarch.as_str(), "{}", f.label());
        let funcs = b["functions"].as_u64().unwrap_or(0);
        assert!(
            funcs > 500,
            "{}: only {funcs} functions in pclntab",
            f.label()
        );
        let format = match f.goos.as_str() {
            "windows" => "PE",
            "darwin" => "Mach-O",
            _ => "ELF",
        };
        assert_eq!(b["format"], format, "{}", f.label());
    }
}

#[test]
fn build_id_debug_file_is_found_with_debug_dir() {
    for f in common::fixtures()
        .into_iter()
        .filter(|f| f.variant == "buildid")
    {
        let dir = common::repo_root().join(f.raw["debug_dir"].as_str().unwrap());
        let (_, v) = check_json(&f.path, &["--debug-dir", dir.to_str().unwrap()]);
        let ids = finding_ids(&v);
        assert!(ids.contains("DD105"), "{}: {ids:?}", f.label());
        assert!(!ids.contains("DD101"), "{}: {ids:?}", f.label());
        let file = v["binaries"][0]["dwarf"]["file"].as_str().unwrap_or("");
        let want = f.raw["debug_file"].as_str().unwrap();
        assert!(
            file.ends_with(want),
            "{}: DWARF read from {file:?}, want {want}",
            f.label()
        );
        assert!(v["binaries"][0]["main_main"].is_object(), "{}", f.label());
        // Delve's `debug-info-directories` names DIR/.build-id itself: the same value
        // finds the same file.
        let delves = dir.join(".build-id");
        let (_, v) = check_json(&f.path, &["--debug-dir", delves.to_str().unwrap()]);
        let file = v["binaries"][0]["dwarf"]["file"].as_str().unwrap_or("");
        assert!(
            file.ends_with(want),
            "{}: with Delve's setting, DWARF read from {file:?}",
            f.label()
        );
        // A directory with neither layout finds nothing.
        let (_, v) = check_json(
            &f.path,
            &["--debug-dir", delves.join("xx").to_str().unwrap()],
        );
        assert!(v["binaries"][0]["dwarf"]["file"].is_null(), "{}", f.label());
    }
}

#[test]
fn split_debug_main_main_matches_the_unsplit_binary() {
    for f in common::fixtures()
        .into_iter()
        .filter(|f| f.variant == "split")
    {
        let go = f.go.clone().unwrap();
        let (_, split) = check_json(&f.path, &[]);
        let (_, whole) = check_json(&common::fixture(&go, "hello", "default").path, &[]);
        assert_eq!(
            split["binaries"][0]["main_main"],
            whole["binaries"][0]["main_main"],
            "{}",
            f.label()
        );
    }
}

/// Non-Go and broken inputs: exit 2 and one line on stderr naming the file; never a panic.
#[test]
fn non_go_and_broken_inputs_exit_2_with_one_line() {
    let nongo: Vec<Fixture> = common::fixtures()
        .into_iter()
        .filter(|f| f.kind == "nongo")
        .collect();
    assert!(nongo.len() >= 6);
    for f in nongo {
        let out = common::dd()
            .arg("check")
            .arg("--color=never")
            .arg(&f.path)
            .run();
        let stderr = &out.stderr;
        let stdout = &out.stdout;
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: {stdout}{stderr}",
            f.label()
        );
        assert!(!stderr.contains("panicked"), "{}: {stderr}", f.label());
        if f.variant == "c-binary" {
            // A valid executable that is not Go: reported as a finding.
            assert!(stdout.contains("DD107"), "{}: {stdout}", f.label());
        } else {
            assert_eq!(stderr.lines().count(), 1, "{}: {stderr:?}", f.label());
            let name = f.path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(stderr.contains(&name), "{}: {stderr}", f.label());
        }
    }
    let out = common::run(&["check", "/nonexistent/server"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = &out.stderr;
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/nonexistent/server"), "{stderr}");
}

/// The committed samples say what examples/README.md promises.
#[test]
fn committed_examples() {
    let root = common::repo_root().join("examples");
    let cases = [
        ("hello-debug", &["DD103", "DD104"][..]),
        ("hello-release", &["DD103", "DD104", "DD201", "DD203"][..]),
        ("hello-stripped", &["DD101", "DD102"][..]),
    ];
    for (name, want) in cases {
        let (_, v) = check_json(&root.join(name), &[]);
        let got = finding_ids(&v);
        let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
        assert_eq!(got, want, "examples/{name}");
        assert_eq!(v["binaries"][0]["go_version"], "go1.25.5");
    }
}

/// DD103 names the mechanism actually in the file: SHF_COMPRESSED on ELF, `.zdebug_*`
/// ("ZLIB" + size) on PE and Mach-O.
#[test]
fn compression_mechanism_matches_the_format() {
    for f in common::fixtures().into_iter().filter(|f| {
        f.program == "hello" && f.variant.as_str() == "default"
            || f.variant == "windows"
            || f.variant == "darwin-arm64"
    }) {
        let (_, v) = check_json(&f.path, &[]);
        let dd103 = v["binaries"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == "DD103")
            .unwrap_or_else(|| panic!("{}: no DD103", f.label()))
            .clone();
        let msg = dd103["message"].as_str().unwrap();
        let want = if f.goos == "linux" {
            "SHF_COMPRESSED"
        } else {
            ".zdebug"
        };
        assert!(msg.contains(want), "{}: {msg}", f.label());
    }
}

/// DD109 tells a kept `go run` binary from a `go build` output someone ran strip(1) on:
/// `go build` stamps vcs.* settings in a repository, `go run`/`go test` never do.
#[test]
fn dd109_is_not_said_of_a_stripped_go_build_binary() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::write(
        src.join("main.go"),
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n",
    )
    .unwrap();
    std::fs::write(src.join("go.mod"), "module example.com/v\n\ngo 1.25\n").unwrap();
    let git = |args: &[&str]| {
        let st = std::process::Command::new("git")
            .args(["-c", "user.email=t@t", "-c", "user.name=t"])
            .args(args)
            .current_dir(src)
            .output()
            .expect("git");
        assert!(st.status.success(), "git {args:?}: {st:?}");
    };
    git(&["init", "-q", "."]);
    git(&["add", "."]);
    git(&["commit", "-qm", "init"]);
    let ids = |extra: &[&str], name: &str| -> (Vec<String>, String) {
        let out = src.join(name);
        let st = common::go_command("1.25.5")
            .arg("build")
            .args(extra)
            .arg("-o")
            .arg(&out)
            .arg(".")
            .current_dir(src)
            .output()
            .unwrap();
        assert!(st.status.success(), "go build: {st:?}");
        let st = std::process::Command::new("strip")
            .arg(&out)
            .output()
            .unwrap();
        assert!(st.status.success(), "strip: {st:?}");
        let r = common::run(&["check", "--json", out.to_str().unwrap()]);
        let v: serde_json::Value = serde_json::from_slice(&r.stdout_bytes).unwrap();
        let f = v["binaries"][0]["findings"].as_array().unwrap().clone();
        let msg = f
            .iter()
            .find(|x| x["id"] == "DD109")
            .map(|x| x["message"].as_str().unwrap().to_string())
            .unwrap_or_default();
        (
            f.iter()
                .map(|x| x["id"].as_str().unwrap().to_string())
                .collect(),
            msg,
        )
    };
    // In a repository: vcs.* stamped, so not from go run; DD101 says what matters.
    let (got, _) = ids(&[], "stamped");
    assert!(got.contains(&"DD101".to_string()), "{got:?}");
    assert!(!got.contains(&"DD109".to_string()), "{got:?}");
    // -buildvcs=false: nothing tells the two apart, and the message says both.
    let (got, msg) = ids(&["-buildvcs=false"], "unstamped");
    assert!(got.contains(&"DD109".to_string()), "{got:?}");
    assert!(
        msg.contains("kept from go run, or strip(1) after the build"),
        "{msg}"
    );
}
