//! Issue 18 item 2: every fix is proven. For each finding that has a fix and a fixture
//! that raises it, the fix is applied as debugdoctor prints it (parsed from its output,
//! never written here): `rebuild`'s and `check`'s/`env`'s printed build commands, run as
//! printed in a copy of the workspace (DD101-DD104, DD108, DD109, DD2xx, DD301, DD508,
//! and `where`'s DD705/DD707; the baseline drift DD801-DD803, and DD804's accepted
//! --write-baseline); Delve's own settings (DD105's debug-info-directories, DD706's
//! substitute-path in dlv's config.yml); another Delve (DD502, DD504); `where`'s
//! suggestions (DD701-DD704); launch.json edits by `doctor --fix`/`launch --fix` or the
//! printed removal or edit (DD401, DD402, DD406, DD409, DD412, DD413, DD414, DD418,
//! DD421). Then the finding is gone and real Delve (`dlv exec` 1.27.1, and 1.20.2 where
//! it is the fix or the setting is Delve's; `dlv dap` for launch.json) binds `main.main`
//! and a line of main.go (or the line the finding was about), which it did not before
//! where the fix is about binding.
//! The other launch.json, toolchain and path fixes are proven the same way in
//! `doctor.rs`. Fixes that cannot be applied on this machine (UPX, another platform,
//! `go install`, docker's ptrace settings) say so in their explain text, asserted by
//! `fixes_that_cannot_be_applied_here`.

use std::path::Path;

use serde_json::{json, Value};

use crate::doctor;

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
    // (variant, check's findings, `where main.go:26`'s finding) the rebuild removes.
    let cases: &[(&str, &[&str], Option<&str>)] = &[
        ("default", &["DD201", "DD203"], Some("DD707")),
        ("noopt-main", &["DD202"], None),
        ("sw", &["DD101", "DD102"], Some("DD705")),
        ("w", &["DD101"], Some("DD705")),
        ("s", &["DD102"], Some("DD705")),
        ("trimpath", &["DD301"], None),
        ("gorun", &["DD109"], None),
    ];
    for (variant, want, where_id) in cases {
        let bin = common::fixture(GO, "hello", variant).path;
        let before = ids(&check_json(&bin));
        if let Some(id) = where_id {
            assert!(
                where_ids(&bin, "main.go:26").1.contains(&id.to_string()),
                "{variant}: where main.go:26 does not say {id}"
            );
        }
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
        let rebuilt = run_printed_build(&format!("rebuild-{variant}"), &command);
        let ws = rebuilt.parent().unwrap();
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
        let (bound, left) = where_ids(&rebuilt, "main.go:26");
        assert!(
            bound && left.is_empty(),
            "{variant}: where main.go:26: {left:?}"
        );
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

// ---- The rest of issue 18 item 2: DD105, DD108, the env (DD5xx), where (DD7xx) and
// launch.json (DD4xx) fixes, each applied as printed; and the fixes that cannot be
// applied on this machine, which say so in their explain text.

/// A fresh directory target/fix-proofs/NAME.
fn scratch(name: &str) -> std::path::PathBuf {
    let d = Path::new(env!("CARGO_BIN_EXE_debugdoctor"))
        .ancestors()
        .nth(2)
        .unwrap()
        .join("fix-proofs")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn dlv127() -> std::path::PathBuf {
    common::repo_root().join(".cache/bin/dlv-1.27.1")
}

fn dlv120() -> std::path::PathBuf {
    common::require_tool("/usr/bin/dlv").to_path_buf()
}

/// Real `dlv exec BIN` as a user runs it (its Go version check on, unless `flags` turn
/// it off), its config read from `xdg`/dlv/config.yml, with `break SPEC` for each spec:
/// whether each was set, and what dlv printed.
fn dlv_breaks(
    dlv: &Path,
    bin: &Path,
    xdg: &Path,
    flags: &[&str],
    specs: &[&str],
) -> (Vec<bool>, String) {
    let mut script: String = specs.iter().map(|s| format!("break {s}\n")).collect();
    script.push_str("exit\n");
    let (init, all) = dlv_script(dlv, bin, xdg, flags, &script);
    let started = all.contains("Type 'help'");
    // A failed `break` prints "INIT:LINE: error"; "Breakpoint exists" is bound too.
    let set: Vec<bool> = (1..=specs.len())
        .map(|i| {
            let tag = format!("{}:{i}: ", init.display());
            started
                && all
                    .lines()
                    .filter(|l| l.starts_with(&tag))
                    .all(|l| l.contains("Breakpoint exists"))
        })
        .collect();
    (set, all)
}

/// `dlv exec BIN --init SCRIPT` (see [`dlv_breaks`]): the script's path and all dlv printed.
fn dlv_script(
    dlv: &Path,
    bin: &Path,
    xdg: &Path,
    flags: &[&str],
    script: &str,
) -> (std::path::PathBuf, String) {
    std::fs::create_dir_all(xdg).unwrap();
    let init = xdg.join("init.dlv");
    std::fs::write(&init, script).unwrap();
    let mut c = std::process::Command::new(dlv);
    c.arg("exec")
        .arg(bin)
        .arg("--allow-non-terminal-interactive=true")
        .arg("--init")
        .arg(&init)
        .args(flags)
        .env("XDG_CONFIG_HOME", xdg)
        .stdin(std::process::Stdio::null());
    let (_, out, err) = common::exec(&mut c);
    (init, format!("{out}{err}"))
}

/// What dlv's `locals` prints at `line` (absolute file:line) after `continue`.
fn dlv_locals(dlv: &Path, bin: &Path, xdg: &Path, flags: &[&str], line: &str) -> String {
    let script = format!("break {line}\ncontinue\nlocals\nexit\n");
    dlv_script(dlv, bin, xdg, flags, &script).1
}

/// main.main and `line` (absolute file:line) bound by `dlv exec` of `bin`.
fn assert_delve_binds(dlv: &Path, bin: &Path, xdg: &Path, flags: &[&str], line: &str, ctx: &str) {
    let (set, out) = dlv_breaks(dlv, bin, xdg, flags, &["main.main", line]);
    assert_eq!(
        set,
        [true, true],
        "{ctx}: {} on {}: {out}",
        dlv.display(),
        bin.display()
    );
}

/// Where the fixtures' main.go was when they were built (the path their DWARF records).
fn recorded_line(bin: &Path, line: u32) -> String {
    let out = common::run(&[
        "where",
        "--json",
        "--delve",
        "newest",
        bin.to_str().unwrap(),
        "main.main",
    ]);
    let v: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    let file = v["locations"][0]["addresses"][0]["file"]
        .as_str()
        .unwrap()
        .to_string();
    format!("{file}:{line}")
}

/// `go build` run as printed (with `-o` added) in a fresh copy of fixtures/src/hello.
fn run_printed_build(name: &str, command: &str) -> std::path::PathBuf {
    let ws = scratch(name);
    for f in ["go.mod", "main.go"] {
        std::fs::copy(
            common::repo_root().join("fixtures/src/hello").join(f),
            ws.join(f),
        )
        .unwrap();
    }
    let out = ws.join("hello");
    let line = command.replacen(
        "go build",
        &format!(
            "{} build -o {}",
            common::go_tool(GO).display(),
            out.display()
        ),
        1,
    );
    assert_ne!(line, command, "{name}: not a go build: {command}");
    let (code, _, err) = common::exec(&mut sh_command(&line, &ws));
    assert_eq!(code, 0, "{name}: {line}: {err}");
    out
}

fn finding<'a>(findings: &'a Value, id: &str) -> Option<&'a Value> {
    findings.as_array().unwrap().iter().find(|f| f["id"] == id)
}

/// The text after `after` in `text`, up to `until` (or the end).
fn between<'a>(text: &'a str, after: &str, until: &str) -> &'a str {
    let rest = text
        .split_once(after)
        .unwrap_or_else(|| panic!("no {after:?} in {text:?}"))
        .1;
    rest.split(until).next().unwrap()
}

/// DD105: the debug file kept elsewhere. The printed fix's second half (Delve's own
/// setting: the file at DIR/.build-id/xx/yyyy.debug, DIR/.build-id in
/// debug-info-directories) is applied as printed; `check --debug-dir DIR` then finds it,
/// and Delve 1.27.1 and 1.20.2 bind main.main and main.go:26, which they do not without
/// the setting. The first half (the file beside the binary) is applied too.
#[test]
fn split_debug_file_is_found_through_delves_setting() {
    let split = common::fixture(GO, "hello", "split");
    let d = scratch("dd105");
    let bin = d.join("bin/hello");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::copy(&split.path, &bin).unwrap();
    let debug = split.path.with_file_name("hello.debug");
    let c = check_json(&bin);
    let f = finding(&c["binaries"][0]["findings"], "DD105").unwrap_or_else(|| panic!("{c:#}"));
    assert_eq!(f["severity"], "error", "{f:#}");
    let fix = f["fix"].as_str().unwrap();
    let line = recorded_line(&split.path, 26);
    // Without the fix Delve binds main.main only (1.27.1) or refuses (1.20.2).
    let none = d.join("xdg-none");
    assert_eq!(
        dlv_breaks(&dlv127(), &bin, &none, &[], &["main.main", &line]).0,
        [true, false]
    );
    // "keep it as DIR/.build-id/53/….debug and add DIR/.build-id to debug-info-directories"
    let keep = between(fix, "keep it as ", " ");
    let setting = between(fix, "and add ", " to debug-info-directories");
    let dir = d.join("debug");
    let dir = dir.to_str().unwrap();
    let kept = Path::new(&keep.replacen("DIR", dir, 1)).to_path_buf();
    std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
    std::fs::copy(&debug, &kept).unwrap();
    let xdg = d.join("xdg");
    std::fs::create_dir_all(xdg.join("dlv")).unwrap();
    std::fs::write(
        xdg.join("dlv/config.yml"),
        format!(
            "debug-info-directories: [{:?}]\n",
            setting.replacen("DIR", dir, 1)
        ),
    )
    .unwrap();
    // "`debugdoctor check --debug-dir DIR` confirms it matches"
    assert!(
        fix.contains("`debugdoctor check --debug-dir DIR` confirms it matches"),
        "{fix}"
    );
    let out = common::run(&[
        "check",
        "--json",
        "--no-config",
        "--debug-dir",
        dir,
        bin.to_str().unwrap(),
    ]);
    let after: Value = serde_json::from_str(&out.stdout).unwrap();
    let f = finding(&after["binaries"][0]["findings"], "DD105").unwrap();
    assert_eq!(f["severity"], "info", "{f:#}");
    assert_delve_binds(
        &dlv127(),
        &bin,
        &xdg,
        &[],
        &line,
        "DD105 debug-info-directories",
    );
    assert_delve_binds(
        &dlv120(),
        &bin,
        &xdg,
        &["--check-go-version=false"],
        &line,
        "DD105 debug-info-directories",
    );
    // The same setting in the `dlv dap` vscode-go starts (dlv's config.yml, found
    // through XDG_CONFIG_HOME in dlv's environment): an exec configuration binds.
    let ws = doctor::workspace("fixp-DD105", "hello");
    doctor::write_launch(
        &ws,
        doctor::launch(json!({"mode": "exec", "program": bin.display().to_string()})),
    );
    let recorded = Path::new(line.rsplit_once(':').unwrap().0);
    let mut sc = doctor::scenario(&ws, GO, false, None, "main.go", 26);
    sc["env"]["XDG_CONFIG_HOME"] = json!(xdg.display().to_string());
    sc["files"][0]["path"] = json!(recorded.display().to_string());
    doctor::session_binds(&ws, &dlv127(), sc, "main.go", 26);
    // "place hello.debug beside the binary"
    let name = between(fix, "place ", " beside the binary");
    std::fs::copy(&debug, bin.with_file_name(name)).unwrap();
    let f = finding(&check_json(&bin)["binaries"][0]["findings"], "DD105")
        .cloned()
        .unwrap();
    assert_eq!(f["severity"], "info", "{f:#}");
    assert_delve_binds(
        &dlv127(),
        &bin,
        &none,
        &[],
        &line,
        "DD105 beside the binary",
    );
}

/// DD103, DD104, DD108 and DD508: the printed build command, run as printed, removes the
/// finding and Delve 1.27.1 binds. (DD108's other half, debugging on the target platform, cannot be
/// run here: see `fixes_that_cannot_be_applied_here`.)
#[test]
fn printed_build_commands_of_check_and_env() {
    // (ID, variant, the command in its printed fix.)
    type Command = fn(&str) -> String;
    let rows: [(&str, &str, Command); 3] = [
        // "… or rebuild for this machine: GOOS=linux GOARCH=amd64 go build -gcflags=…"
        ("DD108", "windows", |fix| {
            between(fix, "rebuild for this machine: ", "\n").to_string()
        }),
        // "only if a tool cannot read compressed DWARF: go build -ldflags=-compressdwarf=false"
        ("DD103", "default", |fix| {
            between(fix, ": ", "\n").to_string()
        }),
        // "use a Delve built with Go >= 1.25 (…), or build with GOEXPERIMENT=nodwarf5"
        ("DD104", "default", |fix| {
            let exp = fix
                .split_whitespace()
                .find(|w| w.starts_with("GOEXPERIMENT="));
            format!("{} go build", exp.unwrap())
        }),
    ];
    let none = scratch("build-xdg");
    for (id, variant, command) in rows {
        let c = check_json(&common::fixture(GO, "hello", variant).path);
        let f = finding(&c["binaries"][0]["findings"], id).unwrap_or_else(|| panic!("{c:#}"));
        let cmd = command(f["fix"].as_str().unwrap());
        let bin = run_printed_build(&id.to_lowercase(), &cmd);
        assert!(
            !ids(&check_json(&bin)).contains(&id.to_string()),
            "{id}: {cmd}"
        );
        let line = format!("{}:26", bin.with_file_name("main.go").display());
        assert_delve_binds(&dlv127(), &bin, &none, &[], &line, id);
    }
    // DD508: "rebuild without -ldflags=\"-s -w\" (go build -gcflags=\"all=-N -l\"), or …"
    let sw = common::fixture(GO, "hello", "sw").path;
    let dlv = dlv127();
    let v = env_json(&dlv, &sw);
    let f = finding(&v["findings"], "DD508").unwrap_or_else(|| panic!("{v:#}"));
    let cmd = between(f["fix"].as_str().unwrap(), "(", ")");
    let bin = run_printed_build("dd508", cmd);
    let v = env_json(&dlv, &bin);
    assert!(finding(&v["findings"], "DD508").is_none(), "{v:#}");
    assert_delve_binds(
        &dlv,
        &bin,
        &none,
        &[],
        &format!("{}:26", bin.with_file_name("main.go").display()),
        "DD508",
    );
}

/// `env --json --dlv DLV BIN` with the pinned Go on PATH.
fn env_json(dlv: &Path, bin: &Path) -> Value {
    let go_bin = common::go_tool(GO).parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        go_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = common::dd()
        .args(["env", "--json", "--dlv"])
        .arg(dlv)
        .arg(bin)
        .env("PATH", path)
        .run();
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

/// DD502 and DD504: the fix names another Delve, or (DD502) a DWARF 4 build; env's
/// finding is gone with it and that Delve binds.
#[test]
fn env_fixes_another_delve_or_dwarf4() {
    let none = scratch("env-xdg");
    // DD502: Go 1.25 build, Delve 1.20.2 (built with go1.19.8).
    let bin = common::fixture(GO, "hello", "default").path;
    let line = recorded_line(&bin, 26);
    let v = env_json(&dlv120(), &bin);
    let fix = finding(&v["findings"], "DD502").unwrap_or_else(|| panic!("{v:#}"))["fix"]
        .as_str()
        .unwrap()
        .to_string();
    // "go install …/dlv@latest with Go >= 1.25": Delve 1.27.1, built with go1.25.5.
    assert!(fix.contains("dlv@latest with Go >= 1.25"), "{fix}");
    let v = env_json(&dlv127(), &bin);
    assert!(finding(&v["findings"], "DD502").is_none(), "{v:#}");
    assert_delve_binds(&dlv127(), &bin, &none, &[], &line, "DD502 newer Delve");
    // "or build the program with GOEXPERIMENT=nodwarf5"
    let exp = fix
        .split_whitespace()
        .find(|w| w.starts_with("GOEXPERIMENT="))
        .unwrap();
    let rebuilt = run_printed_build("dd502", &format!("{exp} go build"));
    let v = env_json(&dlv120(), &rebuilt);
    assert!(finding(&v["findings"], "DD502").is_none(), "{v:#}");
    // Delve 1.20.2 still refuses Go 1.25 without --check-go-version=false (DD501).
    assert!(finding(&v["findings"], "DD501").is_some(), "{v:#}");
    let line = format!("{}:26", rebuilt.with_file_name("main.go").display());
    assert_delve_binds(
        &dlv120(),
        &rebuilt,
        &none,
        &["--check-go-version=false"],
        &line,
        "DD502 nodwarf5",
    );
    // What DD502 is about: variables. Delve 1.20.2 cannot read them in the DWARF 5 build
    // and reads them in the rebuilt one.
    let nocheck = ["--check-go-version=false"];
    let before = dlv_locals(&dlv120(), &bin, &none, &nocheck, &recorded_line(&bin, 28));
    assert!(before.contains("msg = (unreadable"), "{before}");
    let l28 = format!("{}:28", rebuilt.with_file_name("main.go").display());
    let after = dlv_locals(&dlv120(), &rebuilt, &none, &nocheck, &l28);
    assert!(after.contains("msg = \"hello, world\""), "{after}");
    let newer = dlv_locals(&dlv127(), &bin, &none, &[], &recorded_line(&bin, 28));
    assert!(newer.contains("msg = \"hello, world\""), "{newer}");

    // DD504: Go 1.19 build, Delve 1.27.1: "… or use an older Delve" (1.20.2), which
    // binds with its version check on.
    let old = common::fixture("1.19.8", "hello", "default").path;
    let line = recorded_line(&old, 26);
    let v = env_json(&dlv127(), &old);
    let f = finding(&v["findings"], "DD504").unwrap_or_else(|| panic!("{v:#}"));
    assert!(
        f["fix"].as_str().unwrap().contains("use an older Delve"),
        "{f:#}"
    );
    assert!(!dlv_breaks(&dlv127(), &old, &none, &[], &["main.main"]).0[0]);
    let v = env_json(&dlv120(), &old);
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "error"),
        "{v:#}"
    );
    assert_delve_binds(&dlv120(), &old, &none, &[], &line, "DD504 older Delve");
}

/// `where --json --delve newest BIN SPEC [ARGS]`: (bound, the IDs of its reason and
/// warnings), and the location's JSON.
fn where_loc(bin: &Path, spec: &str, args: &[&str]) -> Value {
    let out = common::dd()
        .args(["where", "--json", "--delve", "newest"])
        .args(args)
        .arg(bin)
        .arg(spec)
        .run();
    let v: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    v["locations"][0].clone()
}

fn where_ids(bin: &Path, spec: &str) -> (bool, Vec<String>) {
    let l = where_loc(bin, spec, &[]);
    let mut ids: Vec<String> = l["reason"]["id"]
        .as_str()
        .map(str::to_string)
        .into_iter()
        .collect();
    for w in l["warnings"].as_array().into_iter().flatten() {
        ids.push(w["id"].as_str().unwrap().to_string());
    }
    (l["bound"] == true, ids)
}

/// The first name of a "closest: A, B, C" list in `where`'s message.
fn closest(l: &Value) -> String {
    let m = l["reason"]["message"].as_str().unwrap();
    between(m, "closest: ", ",").trim().to_string()
}

/// A substitutePath rule, (from, to) as launch.json writes it.
type Rule = (String, String);

/// DD701, DD702, DD703, DD704, DD706: `where`'s suggestion (the closest file or
/// function, a longer path, the nearest line, the substitutePath rule) applied as
/// printed; `where` then binds it and so does real Delve 1.27.1 (`dlv exec`, the rule
/// in its config.yml's substitute-path), which did not bind the original spec.
#[test]
fn where_suggestions_bind_in_delve() {
    struct Row {
        variant: &'static str,
        spec: &'static str,
        id: &'static str,
        /// The spec the printed suggestion gives, and a substitutePath rule.
        fix: fn(&Value) -> (String, Option<Rule>),
    }
    let rows = [
        Row {
            variant: "noopt",
            spec: "main.go:23",
            id: "DD703",
            fix: |l| {
                let n = &l["nearest"][0];
                (
                    format!("{}:{}", n["file"].as_str().unwrap(), n["line"]),
                    None,
                )
            },
        },
        Row {
            variant: "noopt",
            spec: "app/hello/main.go:26",
            id: "DD701",
            fix: |l| (format!("{}:26", closest(l)), None),
        },
        Row {
            variant: "noopt",
            spec: "main.gret",
            id: "DD704",
            fix: |l| (closest(l), None),
        },
        Row {
            // fmt.Println's body; runtime/print.go exists too.
            variant: "noopt",
            spec: "print.go:314",
            id: "DD702",
            fix: |l| {
                let m = l["reason"]["message"].as_str().unwrap();
                let file = between(m, "is ambiguous: ", "\n")
                    .split(", ")
                    .find(|f| f.ends_with("/fmt/print.go"))
                    .unwrap();
                // "Give more path components": the last two.
                let parts: Vec<&str> = file.rsplitn(3, '/').collect();
                (format!("{}/{}:314", parts[1], parts[0]), None)
            },
        },
        Row {
            variant: "trimpath",
            spec: "/home/me/hello/main.go:26",
            id: "DD706",
            fix: |l| {
                let r = &l["substitute_path"][0];
                (
                    "/home/me/hello/main.go:26".to_string(),
                    Some((
                        r["from"].as_str().unwrap().into(),
                        r["to"].as_str().unwrap().into(),
                    )),
                )
            },
        },
    ];
    for r in rows {
        let bin = common::fixture(GO, "hello", r.variant).path;
        let l = where_loc(&bin, r.spec, &[]);
        assert_eq!(l["reason"]["id"], r.id, "{}: {l:#}", r.spec);
        let xdg = scratch(&format!("where-{}", r.id));
        assert!(
            !dlv_breaks(&dlv127(), &bin, &xdg, &[], &[r.spec]).0[0],
            "{}: Delve binds {} before the fix",
            r.id,
            r.spec
        );
        let (spec, rule) = (r.fix)(&l);
        let mut args = Vec::new();
        if let Some((from, to)) = &rule {
            args = vec!["--substitute-path".to_string(), format!("{from}={to}")];
            std::fs::create_dir_all(xdg.join("dlv")).unwrap();
            std::fs::write(
                xdg.join("dlv/config.yml"),
                // Delve's own terminal takes the rule the other way round (from = the
                // binary's path), as DD706's explain says; launch.json's is proven below.
                format!("substitute-path:\n  - {{from: {to:?}, to: {from:?}}}\n"),
            )
            .unwrap();
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let after = where_loc(&bin, &spec, &args);
        assert_eq!(after["bound"], true, "{}: {spec}: {after:#}", r.id);
        assert_delve_binds(&dlv127(), &bin, &xdg, &[], &spec, r.id);
        if rule.is_some() {
            assert_delve_binds(
                &dlv120(),
                &bin,
                &xdg,
                &["--check-go-version=false"],
                &spec,
                r.id,
            );
        }
    }
    // DD706 in VS Code: the editor's path of main.go, the printed rule written to
    // launch.json's substitutePath as printed; `dlv dap` binds and stops.
    let bin = common::fixture(GO, "hello", "trimpath").path;
    let ws = doctor::workspace("fixp-dd706", "hello");
    let spec = format!("{}/main.go:26", ws.display());
    let l = where_loc(&bin, &spec, &[]);
    assert_eq!(l["reason"]["id"], "DD706", "{l:#}");
    let rule = l["substitute_path"][0].clone();
    doctor::write_launch(
        &ws,
        doctor::launch(
            json!({"mode": "exec", "program": bin.display().to_string(), "substitutePath": [rule]}),
        ),
    );
    doctor::delve_binds(&ws, &dlv127(), GO, false, "main.go", 26);
}

/// The DD4xx launch.json fixes not proven in doctor.rs: doctor's first fix is the
/// finding; it is applied (`doctor --fix` where it edits launch.json, else the printed
/// `remove "KEY" [and "KEY"]` done by hand); doctor then no longer reports it, and real
/// `dlv dap` 1.27.1 with the fixed configuration binds main.main and the line and stops
/// at both.
#[test]
fn launch_json_fixes_bind_in_dlv_dap() {
    struct Row {
        id: &'static str,
        fixture: &'static str,
        extra: Value,
        file: &'static str,
        line: u32,
    }
    let rows = [
        // A misspelt buildFlags: the file behind the build tag is not built.
        Row {
            id: "DD401",
            fixture: "buildtags",
            extra: json!({"buildflags": "-tags=extra"}),
            file: "extra.go",
            line: 10,
        },
        Row {
            id: "DD421",
            fixture: "hello",
            extra: json!({"buildFlags": "-frobnicate"}),
            file: "main.go",
            line: 26,
        },
        Row {
            id: "DD413",
            fixture: "hello",
            extra: json!({"noDebug": true}),
            file: "main.go",
            line: 26,
        },
        Row {
            id: "DD406",
            fixture: "hello",
            extra: json!({"remotePath": "/srv/app"}),
            file: "main.go",
            line: 26,
        },
        Row {
            id: "DD418",
            fixture: "hello",
            extra: json!({"port": 2345, "host": "127.0.0.1"}),
            file: "main.go",
            line: 26,
        },
    ];
    let dlv = dlv127().display().to_string();
    for r in rows {
        let ws = doctor::workspace(&format!("fixp-{}", r.id), r.fixture);
        doctor::write_launch(&ws, doctor::launch(r.extra.clone()));
        let brk = format!("{}:{}", r.file, r.line);
        let args = ["--dlv", &dlv, "--break", &brk];
        let (_, v) = doctor::doctor(&ws, GO, &args);
        assert_eq!(
            doctor::first_fix(&v),
            (r.id.into(), "launch-json".into()),
            "{v:#}"
        );
        let text = v["first_fix"]["text"].as_str().unwrap().to_string();
        let mut fix_args = vec!["--fix"];
        fix_args.extend(args);
        let (_, fixed) = doctor::doctor(&ws, GO, &fix_args);
        if !fixed["fixed"].is_string() {
            // A fix doctor prints but does not apply: `remove "noDebug"`, or
            // `remove -frobnicate from buildFlags`.
            let mut c = doctor::launch(r.extra.clone());
            let what = text
                .strip_prefix("remove ")
                .unwrap_or_else(|| panic!("{}: {text}", r.id));
            if let Some(flag) = what.strip_suffix(" from buildFlags") {
                let flags = c["buildFlags"].as_str().unwrap();
                let kept: Vec<&str> = flags.split_whitespace().filter(|f| *f != flag).collect();
                assert_ne!(kept.len(), flags.split_whitespace().count(), "{text}");
                c["buildFlags"] = json!(kept.join(" "));
            } else {
                for k in what.split('"').skip(1).step_by(2) {
                    assert!(
                        c.as_object_mut().unwrap().remove(k).is_some(),
                        "{}: {k}",
                        r.id
                    );
                }
            }
            doctor::write_launch(&ws, c);
        }
        let (code, after) = doctor::doctor(&ws, GO, &args);
        assert_eq!(code, 0, "{} after `{text}`: {after:#}", r.id);
        assert!(
            !after.to_string().contains(&format!("\"{}\"", r.id)),
            "{after:#}"
        );
        doctor::delve_binds(&ws, &dlv127(), GO, false, r.file, r.line);
    }
    // DD402: remotePath, which dlv-dap ignores, on a remote attach to a binary built in
    // another folder; `launch --fix` turns it into substitutePath; a headless Delve
    // serves the binary and `dlv dap`'s client binds through it.
    let ws = doctor::workspace("fixp-DD402", "hello");
    let app = ws.parent().unwrap().join("app");
    let bin = doctor::go_build(&ws, Some(&app), &["-gcflags=all=-N -l"]);
    doctor::write_launch(
        &ws,
        json!({"name": "Remote", "type": "go", "request": "attach", "mode": "remote",
               "host": "127.0.0.1", "port": 2345, "remotePath": app.display().to_string()}),
    );
    let b = bin.display().to_string();
    let args = ["--dlv", &dlv, "--break", "main.go:26", "--binary", &b];
    let (_, v) = doctor::doctor(&ws, GO, &args);
    // doctor ranks DD901 (paths not mapped) first; DD402 says why.
    assert!(v.to_string().contains("\"DD402\""), "{v:#}");
    let lj = ws.join(".vscode/launch.json");
    common::run(&["launch", "--fix", lj.to_str().unwrap()]);
    let text = std::fs::read_to_string(&lj).unwrap();
    assert!(
        text.contains("substitutePath") && !text.contains("remotePath"),
        "{text}"
    );
    let (code, after) = doctor::doctor(&ws, GO, &args);
    assert_eq!(code, 0, "{after:#}");
    assert!(!after.to_string().contains("\"DD402\""), "{after:#}");
    let server = doctor::Headless::start(&dlv127(), &bin);
    doctor::delve_binds_at(&ws, &dlv127(), GO, true, Some(&server.1), "main.go", 26);
    drop(server);
    // DD414: a remote attach without a port. The fix, `add "port": 2345 (and "host")
    // matching dlv --headless --listen`, is applied with the port the headless Delve
    // listens on.
    let ws = doctor::workspace("fixp-DD414", "hello");
    let bin = doctor::go_build(&ws, None, &["-gcflags=all=-N -l"]);
    let mut config = json!({"name": "Remote", "type": "go", "request": "attach", "mode": "remote"});
    doctor::write_launch(&ws, config.clone());
    let b = bin.display().to_string();
    let args = ["--dlv", &dlv, "--break", "main.go:26", "--binary", &b];
    let (_, v) = doctor::doctor(&ws, GO, &args);
    assert_eq!(doctor::first_fix(&v).0, "DD414", "{v:#}");
    let text = v["first_fix"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("add \"port\": ")
            && text.contains("(and \"host\") matching dlv --headless --listen"),
        "{text}"
    );
    let server = doctor::Headless::start(&dlv127(), &bin);
    let (host, port) = server.1.rsplit_once(':').unwrap();
    config["port"] = json!(port.parse::<u16>().unwrap());
    config["host"] = json!(host);
    doctor::write_launch(&ws, config);
    let (code, after) = doctor::doctor(&ws, GO, &args);
    assert_eq!(code, 0, "{after:#}");
    assert!(!after.to_string().contains("\"DD414\""), "{after:#}");
    doctor::delve_binds_at(&ws, &dlv127(), GO, true, Some(&server.1), "main.go", 26);
}

/// `explain ID` with its lines joined (the texts wrap at 90 columns).
fn explain_flat(id: &str) -> String {
    let out = common::run(&["explain", id]);
    out.stdout.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fixes that cannot be applied on this machine (no UPX in Debian 12, no other
/// platform, no Go module proxy): each finding is raised on a real binary, its printed
/// fix names that step, and its explain text says it was not applied here.
#[test]
fn fixes_that_cannot_be_applied_here() {
    let d = scratch("not-here");
    let packed = d.join("hello");
    std::fs::copy(common::fixture(GO, "hello", "default").path, &packed).unwrap();
    common::mark_upx(&packed);
    let win = common::fixture(GO, "hello", "windows").path;
    let c = check_json(&packed);
    let upx = finding(&c["binaries"][0]["findings"], "DD106").cloned();
    let c = check_json(&win);
    let foreign = finding(&c["binaries"][0]["findings"], "DD108").cloned();
    let v = env_json(&dlv127(), &win);
    let remote = finding(&v["findings"], "DD506").cloned();
    let no_dlv = common::dd()
        .args(["env", "--json"])
        .arg(common::fixture(GO, "hello", "default").path)
        .env("PATH", "/nonexistent")
        .run();
    let v: Value = serde_json::from_str(&no_dlv.stdout).unwrap();
    let missing = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "DD507" && f["message"].as_str().unwrap().contains("dlv"))
        .cloned();
    let rows = [
        ("DD106", upx, "upx -d", "Not applied on the machine debugdoctor's tests run on: upx is not packaged for Debian 12"),
        ("DD108", foreign, "dlv exec --headless", "Debugging on the target platform cannot be run on the machine debugdoctor's tests run on (linux/amd64 only)"),
        ("DD506", remote, "dlv --headless", "The remote fix cannot be run on the machine debugdoctor's tests run on (linux/amd64 only)"),
        ("DD507", missing, "go install github.com/go-delve/delve/cmd/dlv@latest", "Not applied on the machine debugdoctor's tests run on: `go install ...dlv@latest`, for no Go module proxy is reachable there"),
    ];
    // DD602: ptrace denied by a seccomp filter (what docker's default profile did).
    let noopt = common::fixture(GO, "hello", "noopt").path;
    let probe = |deny: bool| {
        use std::os::unix::process::CommandExt;
        let mut c = common::dd();
        c.args(["check", "--json", "--no-config", "--probe"])
            .arg(&noopt);
        if deny {
            // SAFETY: deny_ptrace only calls prctl, which is async-signal-safe.
            unsafe { c.command().pre_exec(common::deny_ptrace) };
        }
        let out = c.run();
        let v: Value =
            serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
        v["binaries"][0].clone()
    };
    let denied = finding(&probe(true)["findings"], "DD602").cloned();
    // DD804: the explain text's `go install …dlv@latest` (the printed fix's other half,
    // Delve 1.27.1 supporting the new Go and --write-baseline, is applied in
    // `baseline_drift_fixes_are_proven_by_delve`).
    let c = drifted(
        &d.join("dd804"),
        &common::fixture("1.21.13", "hello", "default").path,
        &common::fixture(GO, "hello", "default").path,
    );
    let drift = finding(&c["binaries"][0]["findings"], "DD804").cloned();
    let rows = rows.into_iter().chain([
        (
            "DD602",
            denied,
            "--security-opt seccomp=unconfined",
            "Not applied on the machine debugdoctor's tests run on: the docker, sysctl and Kubernetes settings themselves",
        ),
        (
            "DD804",
            drift,
            "Delve supports it",
            "Not applied on the machine debugdoctor's tests run on: `go install ...dlv@latest`, for no Go module proxy is reachable there",
        ),
    ]);
    for (id, f, step, sentence) in rows {
        let f = f.unwrap_or_else(|| panic!("{id} not raised"));
        assert!(f["fix"].as_str().unwrap().contains(step), "{id}: {f:#}");
        let text = explain_flat(id);
        assert!(text.contains(sentence), "{id}: {text}");
    }
    // DD602: Delve cannot start the program under the filter; without it (the fix's
    // effect) the probe hits main.main and Delve binds.
    let line = recorded_line(&noopt, 26);
    let script = format!("break main.main\nbreak {line}\nexit\n");
    let xdg = d.join("xdg");
    let init = d.join("init.dlv");
    std::fs::write(&init, &script).unwrap();
    {
        use std::os::unix::process::CommandExt;
        let mut c = std::process::Command::new(dlv127());
        c.arg("exec")
            .arg(&noopt)
            .args(["--allow-non-terminal-interactive=true", "--init"])
            .arg(&init)
            .env("XDG_CONFIG_HOME", &xdg)
            .stdin(std::process::Stdio::null());
        // SAFETY: deny_ptrace only calls prctl, which is async-signal-safe.
        unsafe { c.pre_exec(common::deny_ptrace) };
        let (code, out, err) = common::exec(&mut c);
        assert!(code != 0 && !out.contains("Breakpoint 1 set"), "{out}{err}");
    }
    let free = probe(false);
    assert!(finding(&free["findings"], "DD602").is_none(), "{free:#}");
    let out = common::dd()
        .args(["probe", "--json", "--break", "main.main"])
        .arg(&noopt)
        .run();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["probe"]["breakpoints"][0]["status"], "hit", "{v:#}");
    assert_delve_binds(
        &dlv127(),
        &noopt,
        &xdg,
        &[],
        &line,
        "DD602 without the filter",
    );
    // DD507's other fixes are applied: a --dlv that is Delve, and Go on PATH.
    let bin = common::fixture(GO, "hello", "default").path;
    let v = env_json(Path::new("/bin/true"), &bin);
    let f = finding(&v["findings"], "DD507").unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(f["severity"], "error", "{f:#}");
    let v = env_json(&dlv127(), &bin);
    assert!(finding(&v["findings"], "DD507").is_none(), "{v:#}");
}

/// `launch --json ARGS` on `ws`'s launch.json: its findings.
fn launch_findings(ws: &Path, args: &[&str]) -> Value {
    let out = common::dd()
        .args(["launch", "--json"])
        .args(args)
        .arg(ws.join(".vscode/launch.json"))
        .run();
    let v: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    v["findings"].clone()
}

/// DD409 and DD412, which `launch` reports but does not fix: the edit is applied as
/// printed (DD409's mode; DD412's "set \"to\" to DIR", the directory the binary was
/// built in, computed from the files under "from"); `launch` no longer reports it and
/// real `dlv dap` 1.27.1 binds main.main and main.go:26 and stops at both.
#[test]
fn launch_lint_edits_bind_in_dlv_dap() {
    // DD409: "mode": "auto" with a _test.go file focused.
    let ws = doctor::workspace("fixp-DD409", "hello");
    std::fs::write(
        ws.join("main_test.go"),
        "package main\n\nimport \"testing\"\n\nfunc TestHello(t *testing.T) {}\n",
    )
    .unwrap();
    let mut c = doctor::launch(json!({"mode": "auto"}));
    doctor::write_launch(&ws, c.clone());
    let file = ws.join("main_test.go").display().to_string();
    let args = ["--file", file.as_str()];
    let before = launch_findings(&ws, &args);
    let f = finding(&before, "DD409").unwrap_or_else(|| panic!("{before:#}"));
    // "set \"mode\": \"debug\" (or \"test\") explicitly": main() runs in the first.
    let mode = between(f["fix"].as_str().unwrap(), "set \"mode\": \"", "\"");
    c["mode"] = json!(mode);
    doctor::write_launch(&ws, c);
    let after = launch_findings(&ws, &args);
    assert!(finding(&after, "DD409").is_none(), "{after:#}");
    doctor::delve_binds(&ws, &dlv127(), GO, false, "main.go", 26);

    // DD412: an exec binary built in another folder, substitutePath's "to" elsewhere.
    let ws = doctor::workspace("fixp-DD412", "hello");
    let app = ws.parent().unwrap().join("app");
    doctor::go_build(&ws, Some(&app), &["-gcflags=all=-N -l"]);
    let mut c = doctor::launch(json!({
        "mode": "exec",
        "program": "${workspaceFolder}/bin/hello",
        "substitutePath": [{"from": "${workspaceFolder}", "to": "/build/hello"}],
    }));
    doctor::write_launch(&ws, c.clone());
    let before = launch_findings(&ws, &[]);
    let f = finding(&before, "DD412").unwrap_or_else(|| panic!("{before:#}"));
    assert!(
        explain_flat("DD412").contains(
            "Set \"to\" to the directory the binary was built in (the prefix of its recorded paths)"
        ),
        "{f:#}"
    );
    // "set \"to\" to \"/…/app\": the binary's files under it are the files under \"from\" …"
    let built_in = between(f["fix"].as_str().unwrap(), "set \"to\" to \"", "\"");
    assert_eq!(Path::new(built_in), app, "{f:#}");
    c["substitutePath"][0]["to"] = json!(built_in);
    doctor::write_launch(&ws, c);
    let after = launch_findings(&ws, &[]);
    assert!(finding(&after, "DD412").is_none(), "{after:#}");
    doctor::delve_binds(&ws, &dlv127(), GO, false, "main.go", 26);
}

/// `check --json --no-config ARGS dist/hello` in `work` (baseline drift is keyed by path).
fn check_in(work: &Path, args: &[&str]) -> Value {
    let out = common::dd()
        .args(["check", "--json", "--no-config"])
        .args(args)
        .arg("dist/hello")
        .current_dir(work)
        .run();
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr))
}

/// The build command a baseline drift finding's printed fix comes to, run as printed:
/// DD803's is one; DD801's "restore -FLAG=VALUE in the build" is `go build -FLAG="VALUE"`
/// (`go build` for "(unset)"); DD802's "remove -s/-w from -ldflags" is the build with the
/// -ldflags its evidence names, less -s and -w.
fn drift_fix_command(f: &Value) -> String {
    let fix = f["fix"].as_str().unwrap();
    let with = |flag: &str, value: &str| match value {
        "" | "(unset)" => "go build".to_string(),
        v => format!("go build {flag}={v:?}"),
    };
    match f["id"].as_str().unwrap() {
        "DD801" => {
            let (flag, value) = between(fix, "restore ", " in the build")
                .split_once('=')
                .unwrap();
            with(flag, value)
        }
        "DD802" => {
            assert!(fix.starts_with("remove -s/-w from -ldflags"), "{fix}");
            let ev = f["evidence"].as_array().unwrap().iter();
            let ldflags = ev
                .filter_map(|e| e.as_str()?.strip_prefix("build setting -ldflags="))
                .next()
                .unwrap_or_else(|| panic!("{f:#}"));
            let kept: Vec<&str> = ldflags
                .trim_matches('"')
                .split_whitespace()
                .filter(|w| !matches!(*w, "-s" | "-w"))
                .collect();
            with("-ldflags", &kept.join(" "))
        }
        _ => {
            assert!(fix.starts_with("go build"), "{f:#}");
            fix.to_string()
        }
    }
}

/// A fresh `work` with dist/hello a copy of `before`, ci/baseline.json written for it,
/// then dist/hello replaced by a copy of `now`: `check --baseline ci/baseline.json`.
fn drifted(work: &Path, before: &Path, now: &Path) -> Value {
    for d in ["dist", "ci"] {
        std::fs::create_dir_all(work.join(d)).unwrap();
    }
    let bin = work.join("dist/hello");
    std::fs::copy(before, &bin).unwrap();
    check_in(
        work,
        &["--write-baseline", "ci/baseline.json", "--fail-on", "never"],
    );
    std::fs::remove_file(&bin).unwrap();
    std::fs::copy(now, &bin).unwrap();
    check_in(work, &["--baseline", "ci/baseline.json"])
}

/// DD801, DD802, DD803: a baseline written for one build of hello, `check --baseline` on
/// another build at the same path (both built here, as printed below) raises them; each
/// printed fix is run as printed (see [`drift_fix_command`]) and the rebuilt binary, put
/// at the same path, drifts no more from the same baseline; Delve 1.27.1 binds main.main
/// and main.go:26 in it. DD804 (and the DWARF-version DD801 with it), on the Go 1.21.13
/// and 1.25.5 fixtures: Delve 1.27.1 supports the new Go (env reports no error), the
/// printed fix's --write-baseline records it, and the drift is gone.
#[test]
fn baseline_drift_fixes_are_proven_by_delve() {
    // (IDs, the baseline's build, the drifted build).
    let rows: [(&[&str], &str, &str); 2] = [
        (
            &["DD801", "DD802"],
            "go build",
            "go build -ldflags=\"-s -w\"",
        ),
        (
            &["DD801", "DD803"],
            "go build -gcflags=\"all=-N -l\"",
            "go build",
        ),
    ];
    let none = scratch("baseline-xdg");
    for (i, (want, before, now)) in rows.into_iter().enumerate() {
        let work = scratch(&format!("baseline-{i}"));
        let b0 = run_printed_build(&format!("baseline-{i}-before"), before);
        let b1 = run_printed_build(&format!("baseline-{i}-now"), now);
        let c = drifted(&work, &b0, &b1);
        let findings = &c["binaries"][0]["findings"];
        for id in want {
            let f = finding(findings, id).unwrap_or_else(|| panic!("{id} not raised: {c:#}"));
            let command = drift_fix_command(f);
            let rebuilt = run_printed_build(&format!("baseline-{i}-{id}"), &command);
            let bin = work.join("dist/hello");
            std::fs::copy(&rebuilt, &bin).unwrap();
            let after = check_in(&work, &["--baseline", "ci/baseline.json"]);
            assert!(
                !ids(&after).iter().any(|i| i.starts_with("DD80")),
                "{id}: drift after `{command}`: {after:#}"
            );
            let line = format!("{}:26", rebuilt.with_file_name("main.go").display());
            assert_delve_binds(&dlv127(), &bin, &none, &[], &line, id);
        }
    }
    // DD804: "make sure the team's Delve supports it, then --write-baseline".
    let work = scratch("baseline-go");
    let now = common::fixture(GO, "hello", "default").path;
    let old = common::fixture("1.21.13", "hello", "default").path;
    let c = drifted(&work, &old, &now);
    assert!(ids(&c).contains(&"DD801".to_string()), "{c:#}");
    let f = finding(&c["binaries"][0]["findings"], "DD804").unwrap_or_else(|| panic!("{c:#}"));
    let fix = f["fix"].as_str().unwrap();
    assert!(
        fix.contains("Delve supports it") && fix.ends_with("--write-baseline"),
        "{fix}"
    );
    let bin = work.join("dist/hello");
    let v = env_json(&dlv127(), &bin);
    let errors = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .count();
    assert_eq!(errors, 0, "{v:#}");
    check_in(
        &work,
        &["--write-baseline", "ci/baseline.json", "--fail-on", "never"],
    );
    let after = check_in(&work, &["--baseline", "ci/baseline.json"]);
    assert!(
        !ids(&after).iter().any(|i| i.starts_with("DD80")),
        "{after:#}"
    );
    let line = recorded_line(&bin, 26);
    assert_delve_binds(&dlv127(), &bin, &none, &[], &line, "DD804");
}
