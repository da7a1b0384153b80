//! `debugdoctor env` with the real tools of this machine: Debian's Delve 1.20.2 (built
//! with Go 1.19), gdb, the pinned Go toolchains, and this process's ptrace facts.

use crate::common;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use serde_json::Value;

fn env_json(args: &[&str]) -> (i32, Value) {
    let out = common::dd().arg("env").args(args).arg("--json").run();
    let v: Value = serde_json::from_slice(&out.stdout_bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.stderr));
    (out.code, v)
}

fn ids(v: &Value) -> BTreeSet<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

/// Does the real dlv refuse this binary ("Version of Delve is too old")?
fn dlv_refuses(bin: &std::path::Path) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s");
    std::fs::write(&script, "exit\n").unwrap();
    let out = Command::new("dlv")
        .arg("exec")
        .arg(bin)
        .args(["--allow-non-terminal-interactive=true", "--init"])
        .arg(&script)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.contains("too old for Go version")
}

#[test]
fn delve_verdict_matches_what_dlv_does() {
    for go in ["1.19.8", "1.21.13", "1.25.5", "1.27.3"] {
        let f = common::fixture(go, "hello", "default");
        let (_, v) = env_json(&[f.path.to_str().unwrap(), "--dlv", "/usr/bin/dlv"]);
        let ours = ids(&v).contains("DD501") || ids(&v).contains("DD503");
        assert_eq!(ours, dlv_refuses(&f.path), "go{go}: {v}");
    }
}

#[test]
fn dwarf5_needs_a_delve_built_with_go_1_25() {
    let dlv = ["--dlv", "/usr/bin/dlv"];
    let f = common::fixture("1.25.5", "hello", "default");
    let (code, v) = env_json(&[f.path.to_str().unwrap(), dlv[0], dlv[1]]);
    assert_eq!(code, 1);
    assert!(
        ids(&v).is_superset(&["DD501".into(), "DD502".into()].into()),
        "{v}"
    );
    // The Go that built Debian's dlv, read from its own build info.
    let want = common::exec(common::go_command("1.19.8").args(["version", "/usr/bin/dlv"])).1;
    let built = v["environment"]["dlv"]["built_with"].as_str().unwrap();
    assert!(want.contains(built), "{want} vs {built}");
    assert_eq!(v["environment"]["dlv"]["version"], "1.20.2");
    // GOEXPERIMENT=nodwarf5: still too new for Delve 1.20, but DWARF 4.
    let f = common::fixture("1.25.5", "hello", "nodwarf5");
    let (_, v) = env_json(&[f.path.to_str().unwrap(), dlv[0], dlv[1]]);
    assert!(
        ids(&v).contains("DD501") && !ids(&v).contains("DD502"),
        "{v}"
    );
    // Go 1.19: Delve 1.20.2's own generation.
    let f = common::fixture("1.19.8", "hello", "default");
    let (_, v) = env_json(&[f.path.to_str().unwrap(), dlv[0], dlv[1]]);
    assert!(
        !ids(&v).contains("DD501") && !ids(&v).contains("DD502"),
        "{v}"
    );
}

#[test]
fn foreign_platforms_get_remote_debugging_commands() {
    for variant in ["windows", "darwin-arm64", "linux-arm64"] {
        let f = common::fixture("1.21.13", "hello", variant);
        let (_, v) = env_json(&[f.path.to_str().unwrap()]);
        let dd506 = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == "DD506")
            .unwrap_or_else(|| panic!("{variant}: {v}"))
            .clone();
        assert!(
            dd506["fix"]
                .as_str()
                .unwrap()
                .contains("dlv --headless --listen=:2345"),
            "{dd506}"
        );
        assert!(
            dd506["message"].as_str().unwrap().contains(&f.goos),
            "{dd506}"
        );
    }
}

#[test]
fn tools_are_found_where_told() {
    let go = common::go_tool("1.25.5");
    let (_, v) = env_json(&["--go", go.to_str().unwrap()]);
    assert_eq!(v["environment"]["go"]["version"], "go1.25.5");
    assert!(v["environment"]["gdb"]["version"]
        .as_str()
        .unwrap()
        .starts_with("13."));
    // A dlv that is not Delve.
    let (_, v) = env_json(&["--dlv", "/bin/true"]);
    assert!(v["environment"]["dlv"].is_null());
    assert!(v["environment"]["dlv_error"]
        .as_str()
        .unwrap()
        .contains("not Delve"));
    // A missing one: usage error, one line.
    let out = common::run(&["env", "--dlv", "/nonexistent/dlv"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stderr.lines().count(), 1);
    // vscode-go's go.alternateTools (JSONC) names the dlv to use.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".vscode")).unwrap();
    std::fs::write(
        dir.path().join(".vscode/settings.json"),
        "{\n  // the team's Delve\n  \"go.alternateTools\": {\"dlv\": \"/usr/bin/dlv\"},\n}\n",
    )
    .unwrap();
    let (_, v) = env_json(&["--workspace", dir.path().to_str().unwrap()]);
    assert_eq!(v["environment"]["dlv"]["source"], "go.alternateTools");
}

/// `--dlv X` where X is not Delve: the user asked for that dlv, so it is an error (exit 1)
/// saying what X answered to `X version`; so is a go.alternateTools entry (what vscode-go
/// starts). A dlv on PATH that is not Delve stays info.
#[test]
fn a_dlv_asked_for_that_is_not_delve_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("dlv");
    std::fs::write(&script, "#!/bin/sh\necho 'hello from a script'\nexit 3\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let s = script.to_str().unwrap();
    for (dlv, answered) in [
        ("/bin/true", "exited 0 and printed nothing"),
        (s, "exited 3 and printed \"hello from a script\""),
    ] {
        let (code, v) = env_json(&["--dlv", dlv]);
        assert_eq!(code, 1, "{v}");
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == "DD507" && f["message"].as_str().unwrap().contains(dlv))
            .unwrap_or_else(|| panic!("no DD507 for {dlv}: {v}"));
        assert_eq!(f["severity"], "error", "{f}");
        let msg = f["message"].as_str().unwrap();
        assert!(
            msg.starts_with(&format!(
                "--dlv {dlv}: not Delve: `{dlv} version` {answered}"
            )),
            "{msg}"
        );
        assert_eq!(v["environment"]["dlv_error_source"], "--dlv");
        // In words too, with the same exit code.
        let out = common::run(&["env", "--dlv", dlv]);
        assert_eq!(out.code, 1);
        assert!(out.stdout.contains("error   DD507"), "{}", out.stdout);
    }
    // go.alternateTools naming it: an error as well.
    std::fs::create_dir(dir.path().join(".vscode")).unwrap();
    std::fs::write(
        dir.path().join(".vscode/settings.json"),
        format!("{{\"go.alternateTools\": {{\"dlv\": {s:?}}}}}"),
    )
    .unwrap();
    let (code, v) = env_json(&["--workspace", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{v}");
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "DD507"
            && f["severity"] == "error"
            && f["message"]
                .as_str()
                .unwrap()
                .starts_with("go.alternateTools ")));
    // The same script found on PATH, not asked for: info, exit 0.
    let out = common::dd()
        .args(["env", "--json"])
        .env("PATH", dir.path())
        .run();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "DD507" && f["message"].as_str().unwrap().contains("not Delve"))
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(f["severity"], "info");
    assert_eq!(out.code, 0, "{v}");
}

#[test]
fn ptrace_facts_are_this_machines() {
    let (_, v) = env_json(&[]);
    let p = &v["environment"]["ptrace"];
    match std::fs::read_to_string("/proc/sys/kernel/yama/ptrace_scope") {
        Ok(s) => assert_eq!(p["yama_scope"], s.trim().parse::<u64>().unwrap()),
        Err(_) => assert!(p["yama_scope"].is_null()),
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let cap = status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .map(|x| u64::from_str_radix(x.trim(), 16).unwrap())
        .unwrap();
    assert_eq!(p["cap_sys_ptrace"], cap & (1 << 19) != 0);
    // This test traced nothing, but `probe` works here (tests/it/probe.rs), so launching
    // must be reported possible.
    assert_eq!(p["can_launch"], true);
}
