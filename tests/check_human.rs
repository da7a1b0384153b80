//! Human output of `check`: snapshots of the committed samples (read and checked by
//! hand), colour only when asked or on a terminal, and `explain`.

use assert_cmd::Command;

fn dd(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("debugdoctor")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn release_sample() {
    let (code, out, _) = dd(&["check", "examples/hello-release"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn stripped_sample() {
    let (code, out, _) = dd(&["check", "examples/hello-stripped"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn debug_sample_has_no_error() {
    let (code, out, _) = dd(&["check", "examples/hello-debug"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("error "), "{out}");
    assert!(
        out.contains("main.main → /tmp/debugdoctor-examples/hello/main.go:11"),
        "{out}"
    );
}

#[test]
fn colour_only_when_asked() {
    // stdout is a pipe here, so `auto` means no colour.
    let (_, plain, _) = dd(&["check", "examples/hello-release"]);
    assert!(!plain.contains('\x1b'), "{plain}");
    let (_, coloured, _) = dd(&["--color", "always", "check", "examples/hello-release"]);
    assert!(coloured.contains("\x1b["), "{coloured}");
    let out = Command::cargo_bin("debugdoctor")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(["check", "examples/hello-release"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn explain_prints_the_long_text_and_lists_rules() {
    let (code, out, _) = dd(&["explain", "DD201"]);
    assert_eq!(code, 0);
    for part in [
        "What it does",
        "Why it breaks debugging",
        "Fix",
        "How to verify by hand",
    ] {
        assert!(out.contains(part), "{part} missing:\n{out}");
    }
    let (code, out, _) = dd(&["explain", "optimized-code"]);
    assert_eq!(code, 0);
    assert!(out.contains("DD201"));
    let (code, list, _) = dd(&["explain", "--list"]);
    assert_eq!(code, 0);
    for id in ["DD101", "DD105", "DD109", "DD202", "DD301"] {
        assert!(list.contains(id), "{id} not listed");
    }
    let (code, _, err) = dd(&["explain", "DD999"]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
}
