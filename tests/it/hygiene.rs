//! Hygiene: no committed file carries the absolute path of the checkout it was made in
//! (issue 17, item 7). The sample binaries in examples/ once recorded the GOROOT under
//! `.cache/go/` of the checkout in every standard-library file name; a path like that
//! says nothing about the project and everything about one machine.
//!
//! Every file `git ls-files` lists is read from the working tree (a symlink: its target,
//! which is what git stores) and searched for the bytes of `CARGO_MANIFEST_DIR` (and of
//! its canonical form, if that differs). Nothing is skipped: a listed file that cannot be
//! read fails the test too, and so does a missing or failing `git`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The committed files, as paths relative to `root`, from `git ls-files -z`.
fn committed_files(root: &Path) -> Vec<PathBuf> {
    let out = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        // List this checkout, whatever a calling git hook or shell may have set.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "hygiene: cannot run `git ls-files -z` in {}: {e}; this test needs git on PATH \
                 and a git checkout to know which files are committed",
                root.display()
            )
        });
    assert!(
        out.status.success(),
        "hygiene: `git ls-files -z` in {} failed ({}); this test needs a git checkout:\n{}",
        root.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let files: Vec<PathBuf> = out
        .stdout
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .map(path_from_bytes)
        .collect();
    assert!(
        !files.is_empty(),
        "hygiene: `git ls-files -z` in {} listed no files",
        root.display()
    );
    files
}

#[cfg(unix)]
fn path_from_bytes(name: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(name))
}

#[cfg(not(unix))]
fn path_from_bytes(name: &[u8]) -> PathBuf {
    match std::str::from_utf8(name) {
        Ok(s) => PathBuf::from(s),
        Err(_) => panic!(
            "hygiene: git listed a file name that is not UTF-8: {:?}",
            String::from_utf8_lossy(name)
        ),
    }
}

/// The bytes git stores for `path`: the content of a file, the target of a symlink.
fn committed_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        let target = std::fs::read_link(path)?;
        Ok(target.to_string_lossy().into_owned().into_bytes())
    } else {
        std::fs::read(path)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    haystack
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == first)
        .any(|(i, _)| haystack[i + 1..].starts_with(rest))
}

#[test]
fn contains_finds_the_needle_anywhere() {
    assert!(contains(b"/srv/checkout/x", b"/srv/checkout"));
    assert!(contains(b"ab/srv/checkout", b"/srv/checkout"));
    assert!(contains(b"//srv/checkout", b"/srv/checkout"));
    assert!(!contains(b"/srv/checkou", b"/srv/checkout"));
    assert!(!contains(b"", b"/srv/checkout"));
}

#[test]
fn no_committed_file_contains_the_checkout_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut needles = vec![env!("CARGO_MANIFEST_DIR").to_string()];
    if let Ok(canonical) = root.canonicalize() {
        let canonical = canonical.to_string_lossy().into_owned();
        if !needles.contains(&canonical) {
            needles.push(canonical);
        }
    }
    // A checkout at `/` (or similar) would match everything: say so rather than report
    // every file.
    assert!(
        needles.iter().all(|n| n.trim_matches('/').len() >= 2),
        "hygiene: the checkout path {needles:?} is too short to search for"
    );

    let files = committed_files(root);
    let mut offending = Vec::new();
    let mut unreadable = Vec::new();
    for rel in &files {
        match committed_bytes(&root.join(rel)) {
            Ok(bytes) => {
                let found: Vec<&str> = needles
                    .iter()
                    .filter(|n| contains(&bytes, n.as_bytes()))
                    .map(String::as_str)
                    .collect();
                if !found.is_empty() {
                    offending.push(format!("{} (contains {})", rel.display(), found.join(", ")));
                }
            }
            Err(e) => unreadable.push(format!("{}: {e}", rel.display())),
        }
    }
    let hint = if offending.iter().any(|f| f.starts_with("examples/")) {
        "\n(examples/hello-*: rebuild with `scripts/fixtures --examples`, which builds with a \
         GOROOT outside the checkout)"
    } else {
        ""
    };
    assert!(
        offending.is_empty() && unreadable.is_empty(),
        "hygiene: of {} committed files, {} contain the checkout's absolute path {:?} and {} \
         cannot be read (every listed file is checked; commit or restore it):\n\
         offending:\n  {}\nunreadable:\n  {}{hint}",
        files.len(),
        offending.len(),
        needles,
        unreadable.len(),
        list(&offending),
        list(&unreadable),
    );
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "-".to_string()
    } else {
        items.join("\n  ")
    }
}
