//! Every `--json` command answers bad input with the one JSON error document on stdout
//! (`{"schema_version":1,"error":{"message","exit_code"}}`), the one-line error on stderr,
//! and the documented exit code.

use crate::common;

use serde_json::Value;

/// Runs debugdoctor; (exit code, stdout parsed as JSON, stderr).
fn run_json(args: &[&str]) -> (i32, Value, String) {
    let out = common::dd().args(args).run();
    let v: Value = serde_json::from_slice(&out.stdout_bytes).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e}): {:?} / stderr {:?}",
            out.stdout, out.stderr
        )
    });
    (out.code, v, out.stderr)
}

fn assert_error_doc(args: &[&str], want_code: i32, want_in_message: &str) {
    let (code, v, err) = run_json(args);
    assert_eq!(code, want_code, "{args:?}: {v}");
    assert_eq!(v["schema_version"], 1, "{args:?}");
    assert_eq!(v["error"]["exit_code"], want_code, "{args:?}: {v}");
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    assert!(msg.contains(want_in_message), "{args:?}: {msg:?}");
    assert_eq!(
        v.as_object().unwrap().len(),
        2,
        "{args:?}: only the error: {v}"
    );
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        !lines.is_empty() && lines[0].contains(want_in_message),
        "{args:?}: stderr {err:?}"
    );
}

#[test]
fn bad_input_gets_the_json_error_document() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("x.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let (png, d) = (png.to_str().unwrap(), dir.path().to_str().unwrap());
    let hello = common::fixture("1.25.5", "hello", "default").path;
    let hello = hello.to_str().unwrap();
    let bad_json = dir.path().join("launch.json");
    std::fs::write(&bad_json, "{ \"configurations\": [ ").unwrap();
    let bad_json = bad_json.to_str().unwrap();
    for (args, code, msg) in [
        (
            vec!["where", "--json", "/nope", "main.main"],
            2,
            "/nope: no such file",
        ),
        (vec!["where", "--json", png, "main.main"], 2, "x.png"),
        (vec!["where", "--json", d, "main.main"], 2, "directory"),
        (
            vec!["where", "--json", hello],
            2,
            "give at least one location spec",
        ),
        (
            vec!["where", "--json", "--delve", "/nope", hello, "main.main"],
            2,
            "--delve /nope",
        ),
        (
            vec!["where", "--json", "--breakable", "nope.go", hello],
            1,
            "no file of the binary matches nope.go",
        ),
        (vec!["env", "--json", "/nope"], 2, "/nope: no such file"),
        (vec!["probe", "--json", png], 2, "x.png"),
        (vec!["paths", "--json", d], 2, "directory"),
        (vec!["launch", "--json", bad_json], 2, "launch.json"),
        (vec!["launch", "--json", "/nope.json"], 2, "no such file"),
        (vec!["explain", "--json", "DD999"], 2, "unknown finding ID"),
        (
            vec!["check", "--json", "--baseline", "/nope.json", hello],
            2,
            "/nope.json",
        ),
        // Argument errors too, whichever command.
        (vec!["where", "--json", "--bogus"], 2, "--bogus"),
        (
            vec!["check", "--format", "json", "--fail-on", "sometimes", hello],
            2,
            "sometimes",
        ),
    ] {
        assert_error_doc(&args, code, msg);
    }
    // Without --json: stderr only, stdout empty.
    let out = common::run(&["where", "/nope", "main.main"]);
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
}

/// `check` keeps other binaries' results: an unreadable one is an entry of `binaries`.
#[test]
fn check_reports_an_unreadable_binary_inside_its_document() {
    let hello = common::fixture("1.25.5", "hello", "default").path;
    let out = common::run(&["check", "--json", "/nope", hello.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&out.stdout_bytes).unwrap();
    assert_eq!(out.code, 2, "{v}");
    // Entries are sorted by path, so where /nope lands depends on the checkout's path.
    let entry = |path: &str| {
        v["binaries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["path"] == path)
            .cloned()
            .unwrap_or_else(|| panic!("no entry for {path}: {v}"))
    };
    assert_eq!(entry("/nope")["error"], "/nope: no such file");
    assert!(entry(hello.to_str().unwrap())["findings"].is_array(), "{v}");
}
