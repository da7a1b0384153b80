//! Issue 18 item 2 for the binary's findings: for each fixture variant that raises a
//! fixable finding, the fix (`rebuild`'s printed command, run as printed in a copy of the
//! workspace) is applied; the finding is gone from `check`; and real Delve 1.27.1 binds
//! `main.main` and a line of main.go in the rebuilt binary. The launch.json, toolchain
//! and substitutePath fixes are proven the same way in `doctor.rs`.

use std::path::Path;

use serde_json::Value;

use crate::common;
use crate::delve_rpc::Dlv;

const GO: &str = "1.25.5";

fn ids(check: &Value) -> Vec<String> {
    check["binaries"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

fn check_json(bin: &Path) -> Value {
    let out = common::run(&["check", "--json", "--no-config", bin.to_str().unwrap()]);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

/// Delve 1.27.1's answer for main.main and `file:line` (absolute), as (main, line) bound.
fn delve_binds(bin: &Path, file_line: &str) -> (bool, bool) {
    let dlv = common::repo_root().join(".cache/bin/dlv-1.27.1");
    let Ok(mut d) = Dlv::launch(&dlv, bin) else {
        return (false, false);
    };
    let main = d.find_location("main.main").is_ok_and(|p| !p.is_empty());
    let line = d.find_location(file_line).is_ok_and(|p| !p.is_empty());
    (main, line)
}

#[test]
fn rebuild_fixes_are_proven_by_delve() {
    let cases: &[(&str, &[&str])] = &[
        ("default", &["DD201", "DD203"]),
        ("noopt-main", &["DD202"]),
        ("sw", &["DD101", "DD102"]),
        ("w", &["DD101"]),
        ("s", &["DD102"]),
        ("trimpath", &["DD301"]),
        ("gorun", &["DD109"]),
    ];
    let root = Path::new(env!("CARGO_BIN_EXE_debugdoctor"))
        .ancestors()
        .nth(2)
        .unwrap()
        .join("fix-proofs");
    let _ = std::fs::remove_dir_all(&root);
    let go = common::go_tool(GO);
    for (variant, want) in cases {
        let bin = common::fixture(GO, "hello", variant).path;
        let before = ids(&check_json(&bin));
        for id in *want {
            assert!(
                before.contains(&id.to_string()),
                "{variant}: {id} not raised: {before:?}"
            );
        }
        // The fix, as rebuild prints it.
        let out = common::run(&["rebuild", "--json", bin.to_str().unwrap()]);
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        let command = v["command"].as_str().unwrap().to_string();
        let ws = root.join(variant);
        std::fs::create_dir_all(&ws).unwrap();
        for f in ["go.mod", "main.go"] {
            std::fs::copy(
                common::repo_root().join("fixtures/src/hello").join(f),
                ws.join(f),
            )
            .unwrap();
        }
        let rebuilt = ws.join("hello");
        let line = command.replacen(
            "go build ",
            &format!("{} build -o {} ", go.display(), rebuilt.display()),
            1,
        );
        assert_ne!(line, command, "{variant}: {command}");
        let (code, _, err) = common::exec(&mut sh_command(&line, &ws));
        assert_eq!(code, 0, "{variant}: {line}: {err}");
        // The finding is gone, and no error is left.
        let after = check_json(&rebuilt);
        let left = ids(&after);
        for id in *want {
            assert!(
                !left.contains(&id.to_string()),
                "{variant}: {id} still raised after `{command}`: {left:?}"
            );
        }
        let errors: Vec<&Value> = after["binaries"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect();
        assert!(errors.is_empty(), "{variant}: {errors:?}");
        // Real Delve binds main.main and main.go:26 in the rebuilt binary.
        let spec = format!("{}:26", ws.join("main.go").display());
        assert_eq!(
            delve_binds(&rebuilt, &spec),
            (true, true),
            "{variant}: Delve after `{command}`"
        );
    }
    // The test can fail: Delve does not bind main.go:26 in the -s -w original.
    let sw = common::fixture(GO, "hello", "sw").path;
    let recorded = common::repo_root().join("fixtures/src/hello/main.go");
    assert!(!delve_binds(&sw, &format!("{}:26", recorded.display())).1);
}

/// `sh -c LINE` in `dir` with the pinned Go's offline environment.
fn sh_command(line: &str, dir: &Path) -> std::process::Command {
    let mut sh = std::process::Command::new("sh");
    sh.arg("-c").arg(line).current_dir(dir);
    for (k, v) in common::go_command(GO).get_envs() {
        if let Some(v) = v {
            sh.env(k, v);
        }
    }
    sh
}
