//! Human output of `check`: snapshots of the committed samples (read and checked by
//! hand), colour only when asked or on a terminal, and `explain`.

use crate::common;

/// debugdoctor in the repository root without NO_COLOR: (code, stdout, stderr).
fn human(args: &[&str]) -> (i32, String, String) {
    common::dd().env_remove("NO_COLOR").args(args).run().parts()
}

#[test]
fn release_sample() {
    let (code, out, _) = human(&["check", "examples/hello-release"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

/// `--delve` pins whose rules answer main.main: the default is the dlv on PATH.
#[test]
fn stripped_sample() {
    let (code, out, _) = human(&["check", "--delve", "newest", "examples/hello-stripped"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

/// Delve 1.20 binds no function of a binary without DWARF; check says so and gives
/// Delve 1.25+'s answer.
#[test]
fn stripped_sample_as_delve_1_20() {
    let (code, out, _) = human(&["check", "--delve", "1.20.2", "examples/hello-stripped"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn debug_sample_has_no_error() {
    let (code, out, _) = human(&["check", "examples/hello-debug"]);
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
    let (_, plain, _) = human(&["check", "examples/hello-release"]);
    assert!(!plain.contains('\x1b'), "{plain}");
    let (_, coloured, _) = human(&["--color", "always", "check", "examples/hello-release"]);
    assert!(coloured.contains("\x1b["), "{coloured}");
    let out = common::dd()
        .env("NO_COLOR", "1")
        .args(["check", "examples/hello-release"])
        .run();
    assert!(!out.stdout.contains('\x1b'));
}

#[test]
fn explain_prints_the_long_text_and_lists_rules() {
    let (code, out, _) = human(&["explain", "DD201"]);
    assert_eq!(code, 0);
    for part in [
        "What it does",
        "Why it breaks debugging",
        "Fix",
        "How to verify by hand",
    ] {
        assert!(out.contains(part), "{part} missing:\n{out}");
    }
    let (code, out, _) = human(&["explain", "optimized-code"]);
    assert_eq!(code, 0);
    assert!(out.contains("DD201"));
    let (code, list, _) = human(&["explain", "--list"]);
    assert_eq!(code, 0);
    for id in ["DD101", "DD105", "DD109", "DD202", "DD301"] {
        assert!(list.contains(id), "{id} not listed");
    }
    let (code, _, err) = human(&["explain", "DD999"]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
}
