//! `debugdoctor doctor` on real workspaces that reproduce what breaks in practice: each
//! gets its expected first-ranked fix; the fix is applied (`doctor --fix`, the rebuild
//! command, the settings change); a second run is clean; and real Delve — `dlv dap`
//! driven by a DAP client as vscode-go drives it, with the fixed configuration — binds
//! `main.main` and the `--break` line and stops there.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::common;
use crate::dap::{dlv120, dlv127, session};

const GO: &str = "1.25.5";

/// A fresh copy of `fixtures/src/<fixture>` under target/doctor-tests/<name>/ws.
pub(crate) fn workspace(name: &str, fixture: &str) -> PathBuf {
    let target = Path::new(env!("CARGO_BIN_EXE_debugdoctor"))
        .ancestors()
        .nth(2)
        .unwrap();
    let root = target.join("doctor-tests").join(name);
    let _ = std::fs::remove_dir_all(&root);
    let ws = root.join("ws");
    copy_dir(&common::repo_root().join("fixtures/src").join(fixture), &ws);
    std::fs::create_dir_all(ws.join(".vscode")).unwrap();
    ws
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// The environment vscode-go would give its tools: the pinned Go first on PATH, offline.
pub(crate) fn go_env(go: &str) -> Vec<(String, String)> {
    let bin = common::go_tool(go).parent().unwrap().to_path_buf();
    vec![
        (
            "PATH".into(),
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        ),
        ("GOTOOLCHAIN".into(), "local".into()),
        ("GOPROXY".into(), "off".into()),
        ("GOFLAGS".into(), "-mod=mod".into()),
        ("GOENV".into(), "off".into()),
        (
            "GOCACHE".into(),
            common::repo_root()
                .join(".cache/gocache")
                .join(go)
                .display()
                .to_string(),
        ),
    ]
}

pub(crate) fn write_launch(ws: &Path, config: Value) {
    let text = format!(
        "{{\n  // written by tests/it/doctor.rs\n  \"version\": \"0.2.0\",\n  \"configurations\": [\n    {}\n  ]\n}}\n",
        serde_json::to_string_pretty(&config).unwrap().replace('\n', "\n    ")
    );
    std::fs::write(ws.join(".vscode/launch.json"), text).unwrap();
}

/// `doctor --json` in `ws` with `args`; (exit code, report).
pub(crate) fn doctor(ws: &Path, go: &str, args: &[&str]) -> (i32, Value) {
    let mut dd = common::dd();
    dd.arg("doctor").arg(ws).arg("--json").args(args);
    for (k, v) in go_env(go) {
        dd.env(k, v);
    }
    let out = dd.run();
    let v: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    (out.code, v)
}

pub(crate) fn first_fix(v: &Value) -> (String, String) {
    let f = &v["first_fix"];
    (
        f["id"].as_str().unwrap_or("none").to_string(),
        f["kind"].as_str().unwrap_or("none").to_string(),
    )
}

/// The launch configuration now in `ws`'s launch.json, as VS Code sends it to Delve
/// (`${workspaceFolder}` expanded; `name`, `type` and `request` are VS Code's).
fn launch_args(ws: &Path) -> Value {
    let text = std::fs::read_to_string(ws.join(".vscode/launch.json")).unwrap();
    let text = text.replace("${workspaceFolder}", &ws.display().to_string());
    let v: Value = jsonc_parser::parse_to_serde_value(&text, &Default::default()).unwrap();
    let mut c = v["configurations"][0].clone();
    for k in ["name", "type", "request"] {
        c.as_object_mut().unwrap().remove(k);
    }
    c
}

/// Real Delve with that configuration: `main.main` (function breakpoint) and `file:line`
/// (sent as the workspace path, as VS Code does) are verified, and the program stops
/// at both.
pub(crate) fn delve_binds(ws: &Path, dlv: &Path, go: &str, attach: bool, file: &str, line: u32) {
    delve_binds_at(ws, dlv, go, attach, None, file, line)
}

/// [`delve_binds`], connecting to a Delve already listening at `connect` (remote attach).
pub(crate) fn delve_binds_at(
    ws: &Path,
    dlv: &Path,
    go: &str,
    attach: bool,
    connect: Option<&str>,
    file: &str,
    line: u32,
) {
    let sc = scenario(ws, go, attach, connect, file, line);
    session_binds(ws, dlv, sc, file, line);
}

/// The DAP scenario [`delve_binds_at`] runs (tests/dap/session.js): the launch
/// configuration now in `ws`, dlv started in the pinned Go's environment.
pub(crate) fn scenario(
    ws: &Path,
    go: &str,
    attach: bool,
    connect: Option<&str>,
    file: &str,
    line: u32,
) -> Value {
    let env: serde_json::Map<String, Value> =
        go_env(go).into_iter().map(|(k, v)| (k, json!(v))).collect();
    let mut sc = json!({
        "cwd": ws.display().to_string(),
        "env": env,
        "launch": launch_args(ws),
        "files": [{"path": ws.join(file).display().to_string(), "lines": [line]}],
        "functions": ["main.main"],
        "maxStops": 2,
    });
    if attach {
        sc["attach"] = json!(true);
    }
    if let Some(addr) = connect {
        sc["connect"] = json!(addr);
        sc["launch"]["port"] = json!(addr.rsplit(':').next().unwrap().parse::<u16>().unwrap());
    }
    sc
}

/// Runs scenario `sc` with `dlv`: main.main and `file:line` are verified and the program
/// stops at both.
pub(crate) fn session_binds(ws: &Path, dlv: &Path, sc: Value, file: &str, line: u32) {
    let dir = ws.parent().unwrap().join("dap");
    std::fs::create_dir_all(&dir).unwrap();
    let v = session(&dir, dlv, false, sc);
    let ctx = || format!("{}: {v:#}", ws.display());
    assert_eq!(
        v["functions"][0]["verified"],
        json!(true),
        "main.main: {}",
        ctx()
    );
    assert_eq!(
        v["breakpoints"][0][0]["verified"],
        json!(true),
        "{file}:{line}: {}",
        ctx()
    );
    let stops: Vec<(String, u64)> = v["stops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or("").to_string(),
                s["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(
        stops.iter().any(|(n, _)| n == "main.main") && stops.iter().any(|(_, l)| *l == line as u64),
        "stops {stops:?}: {}",
        ctx()
    );
}

/// One case: the first run finds `want` first; `fix` applies it; the second run is clean
/// and real Delve binds.
pub(crate) struct Case<'a> {
    pub(crate) name: &'a str,
    pub(crate) fixture: &'a str,
    pub(crate) config: Value,
    pub(crate) settings: Option<Value>,
    pub(crate) breaks: &'a [&'a str],
    pub(crate) want: (&'a str, &'a str),
    pub(crate) dlv: PathBuf,
    pub(crate) go: &'a str,
    /// `--binary` (attach configurations).
    pub(crate) binary: Option<PathBuf>,
}

impl Case<'_> {
    pub(crate) fn prepare(&self) -> PathBuf {
        let ws = workspace(self.name, self.fixture);
        write_launch(&ws, self.config.clone());
        if let Some(s) = &self.settings {
            std::fs::write(ws.join(".vscode/settings.json"), s.to_string()).unwrap();
        }
        ws
    }

    pub(crate) fn args(&self) -> Vec<String> {
        let mut a = vec!["--dlv".to_string(), self.dlv.display().to_string()];
        for b in self.breaks {
            a.push("--break".into());
            a.push(b.to_string());
        }
        if let Some(b) = &self.binary {
            a.push("--binary".into());
            a.push(b.display().to_string());
        }
        a
    }

    /// Runs doctor, checks the first fix, applies it with `fix`, runs again.
    pub(crate) fn run(&self, ws: &Path, fix: impl FnOnce(&Path, &Value)) -> Value {
        let args = self.args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, v) = doctor(ws, self.go, &args);
        assert_eq!(code, 1, "{}: {v:#}", self.name);
        assert_eq!(v["ok"], json!(false));
        let (id, kind) = first_fix(&v);
        assert_eq!(
            (id.as_str(), kind.as_str()),
            self.want,
            "{}: {v:#}",
            self.name
        );
        fix(ws, &v);
        let (code, after) = doctor(ws, self.go, &args);
        assert_eq!(code, 0, "{} after the fix: {after:#}", self.name);
        assert_eq!(after["ok"], json!(true));
        assert!(after["first_fix"].is_null() || after["first_fix"]["id"] != json!(id));
        after
    }
}

/// `doctor --fix` applies the launch.json edits; comments survive.
pub(crate) fn apply_with_doctor_fix<'a>(case: &'a Case<'a>) -> impl FnOnce(&Path, &Value) + 'a {
    move |ws, _| {
        let args = case.args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut all = vec!["--fix"];
        all.extend(args);
        let (_, v) = doctor(ws, case.go, &all);
        assert!(v["fixed"].is_string(), "{v:#}");
        let text = std::fs::read_to_string(ws.join(".vscode/launch.json")).unwrap();
        assert!(text.contains("// written by tests/it/doctor.rs"), "{text}");
    }
}

pub(crate) fn hello(
    name: &str,
    config: Value,
    want: (&'static str, &'static str),
) -> Case<'static> {
    Case {
        name: Box::leak(name.to_string().into_boxed_str()),
        fixture: "hello",
        config,
        settings: None,
        breaks: &["main.go:26"],
        want,
        dlv: dlv127(),
        go: GO,
        binary: None,
    }
}

pub(crate) fn launch(extra: Value) -> Value {
    let mut c = json!({"name": "Launch", "type": "go", "request": "launch", "mode": "debug", "program": "${workspaceFolder}"});
    c.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    c
}

/// Builds `ws` with go build ARGS into ws/bin/hello (optionally in another folder, then
/// removed, as in a container).
pub(crate) fn go_build(ws: &Path, elsewhere: Option<&Path>, args: &[&str]) -> PathBuf {
    let src = match elsewhere {
        Some(d) => {
            copy_dir(ws, d);
            d.to_path_buf()
        }
        None => ws.to_path_buf(),
    };
    let out = ws.join("bin/hello");
    let mut c = common::go_command(GO);
    c.arg("build")
        .args(args)
        .arg("-o")
        .arg(&out)
        .arg(".")
        .current_dir(&src);
    let (code, _, err) = common::exec(&mut c);
    assert_eq!(code, 0, "{err}");
    if let Some(d) = elsewhere {
        std::fs::remove_dir_all(d).unwrap();
    }
    out
}

/// A debug configuration of hello with `extra`: doctor's first fix is the `id` launch.json
/// edit, `doctor --fix` applies it, and real Delve then binds main.main and main.go:26.
fn fixed_by_doctor_fix(name: &str, extra: Value, id: &'static str) {
    let c = hello(name, launch(extra), (id, "launch-json"));
    let ws = c.prepare();
    c.run(&ws, apply_with_doctor_fix(&c));
    delve_binds(&ws, &c.dlv, c.go, false, "main.go", 26);
}

#[test]
fn strip_flags_in_build_flags() {
    fixed_by_doctor_fix("strip", json!({"buildFlags": "-ldflags='-s -w'"}), "DD403");
}

#[test]
fn gcflags_in_a_string_build_flags() {
    // Delve puts a string's flags after its own -gcflags: this one turns optimisation on.
    let c = hello(
        "gcflags",
        launch(json!({"buildFlags": "-gcflags=all=-l"})),
        ("DD407", "launch-json"),
    );
    let ws = c.prepare();
    let (_, v) = doctor(&ws, GO, &["--dlv", &c.dlv.display().to_string()]);
    let binary = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "binary")
        .unwrap();
    assert!(
        binary.to_string().contains("DD201"),
        "the build is optimised: {binary:#}"
    );
    c.run(&ws, apply_with_doctor_fix(&c));
    delve_binds(&ws, &c.dlv, c.go, false, "main.go", 26);
}

#[test]
fn optimised_exec_binary() {
    let c = hello(
        "exec-optimised",
        launch(json!({"mode": "exec", "program": "${workspaceFolder}/bin/hello"})),
        ("DD201", "build"),
    );
    let ws = c.prepare();
    go_build(&ws, None, &[]);
    c.run(&ws, |ws, v| {
        // The printed command, run as printed in the module root.
        let text = v["first_fix"]["text"].as_str().unwrap();
        let cmd = text
            .split_once(": ")
            .and_then(|(_, c)| c.split("   (").next())
            .unwrap();
        assert!(
            cmd.contains("all=-N -l") && cmd.contains("bin/hello"),
            "{text}"
        );
        let mut sh = std::process::Command::new("sh");
        sh.arg("-c").arg(cmd).current_dir(ws);
        for (k, v) in go_env(GO) {
            sh.env(k, v);
        }
        let (code, _, err) = common::exec(&mut sh);
        assert_eq!(code, 0, "{cmd}: {err}");
    });
    delve_binds(&ws, &c.dlv, c.go, false, "main.go", 26);
}

#[test]
fn container_build_without_substitute_path() {
    let c = hello(
        "container",
        launch(json!({"mode": "exec", "program": "${workspaceFolder}/bin/hello"})),
        ("DD901", "launch-json"),
    );
    let ws = c.prepare();
    let app = ws.parent().unwrap().join("app");
    go_build(&ws, Some(&app), &["-gcflags=all=-N -l"]);
    // launch and check alone see nothing wrong.
    let lint = common::run(&[
        "launch",
        "--json",
        ws.join(".vscode/launch.json").to_str().unwrap(),
    ]);
    assert_eq!(lint.code, 0, "{}", lint.stdout);
    let after = c.run(&ws, apply_with_doctor_fix(&c));
    let text = std::fs::read_to_string(ws.join(".vscode/launch.json")).unwrap();
    assert!(
        text.contains("substitutePath") && text.contains(&app.display().to_string()),
        "{text}"
    );
    assert_eq!(
        after["breakpoints"][1]["resolution"]["bound"],
        json!(true),
        "{after:#}"
    );
    delve_binds(&ws, &c.dlv, c.go, false, "main.go", 26);
}

#[test]
fn reversed_substitute_path() {
    let c = hello(
        "reversed",
        launch(json!({"mode": "exec", "program": "${workspaceFolder}/bin/hello"})),
        ("DD411", "launch-json"),
    );
    let ws = workspace(c.name, c.fixture);
    let app = ws.parent().unwrap().join("app");
    let mut config = c.config.clone();
    config["substitutePath"] =
        json!([{"from": app.display().to_string(), "to": "${workspaceFolder}"}]);
    write_launch(&ws, config);
    go_build(&ws, Some(&app), &["-gcflags=all=-N -l"]);
    c.run(&ws, apply_with_doctor_fix(&c));
    delve_binds(&ws, &c.dlv, c.go, false, "main.go", 26);
}

#[test]
fn trimpath_in_build_flags() {
    fixed_by_doctor_fix("trimpath", json!({"buildFlags": "-trimpath"}), "DD408");
}

#[test]
fn dwarf5_with_an_old_dlv_in_alternate_tools() {
    let mut c = hello("old-dlv", launch(json!({})), ("DD501", "toolchain"));
    c.settings = Some(json!({"go.alternateTools": {"dlv": dlv120().display().to_string()}}));
    let ws = c.prepare();
    // vscode-go's choice, not ours: no --dlv.
    let (code, v) = doctor(&ws, GO, &["--break", "main.go:26"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(first_fix(&v), ("DD501".into(), "toolchain".into()), "{v:#}");
    assert!(v["dlv"].as_str().unwrap().contains("1.20.2"), "{v:#}");
    // The fix: a current Delve in go.alternateTools.
    std::fs::write(
        ws.join(".vscode/settings.json"),
        json!({"go.alternateTools": {"dlv": dlv127().display().to_string()}}).to_string(),
    )
    .unwrap();
    let (code, v) = doctor(&ws, GO, &["--break", "main.go:26"]);
    assert_eq!(code, 0, "{v:#}");
    delve_binds(&ws, &dlv127(), GO, false, "main.go", 26);
}

#[test]
fn missing_program() {
    let mut config = launch(json!({}));
    config.as_object_mut().unwrap().remove("program");
    let c = hello("no-program", config, ("DD404", "launch-json"));
    let ws = c.prepare();
    c.run(&ws, |ws, _| write_launch(ws, launch(json!({}))));
    delve_binds(&ws, &c.dlv, c.go, false, "main.go", 26);
}

#[test]
fn env_value_not_a_string() {
    fixed_by_doctor_fix("env", json!({"env": {"DEBUG": true}}), "DD417");
}

#[test]
fn test_mode_strip_flags() {
    let c = Case {
        name: "test-mode",
        fixture: "testpkg",
        config: launch(json!({"mode": "test", "buildFlags": "-ldflags=-w"})),
        settings: None,
        breaks: &["calc_test.go:6"],
        want: ("DD403", "launch-json"),
        dlv: dlv127(),
        go: GO,
        binary: None,
    };
    let ws = c.prepare();
    c.run(&ws, apply_with_doctor_fix(&c));
    delve_binds(&ws, &c.dlv, c.go, false, "calc_test.go", 6);
}

#[test]
fn go_work_main_in_a_second_module_built_elsewhere() {
    let c = Case {
        name: "go-work",
        fixture: "workspace",
        config: json!({"name": "Exec", "type": "go", "request": "launch", "mode": "exec", "program": "${workspaceFolder}/bin/app"}),
        settings: None,
        breaks: &["app/main.go:11"],
        want: ("DD901", "launch-json"),
        dlv: dlv127(),
        go: GO,
        binary: None,
    };
    let ws = c.prepare();
    let elsewhere = ws.parent().unwrap().join("build");
    copy_dir(&ws, &elsewhere);
    let mut b = common::go_command(GO);
    // go.work mode refuses -mod=mod.
    b.env("GOFLAGS", "")
        .args(["build", "-gcflags=all=-N -l", "-o"])
        .arg(ws.join("bin/app"))
        .arg("./app")
        .current_dir(&elsewhere);
    let (code, _, err) = common::exec(&mut b);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_dir_all(&elsewhere).unwrap();
    let after = c.run(&ws, apply_with_doctor_fix(&c));
    assert!(
        after["steps"]
            .to_string()
            .contains("found in the workspace"),
        "{after:#}"
    );
    delve_binds(&ws, &c.dlv, c.go, false, "app/main.go", 11);
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let ws = workspace("bad", "hello");
    std::fs::write(ws.join(".vscode/launch.json"), "{ not json").unwrap();
    let out = common::run(&["doctor", ws.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    let before = std::fs::read_to_string(ws.join(".vscode/launch.json")).unwrap();
    let out = common::run(&["doctor", ws.to_str().unwrap(), "--fix", "--json"]);
    assert_eq!(out.code, 2);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["error"]["exit_code"], json!(2));
    assert_eq!(
        std::fs::read_to_string(ws.join(".vscode/launch.json")).unwrap(),
        before
    );
    let out = common::run(&["doctor", "/nonexistent-dir"]);
    assert_eq!(out.code, 2);
    write_launch(&ws, launch(json!({})));
    let out = common::run(&["doctor", ws.to_str().unwrap(), "--config", "Nope"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("\"Launch\""), "{}", out.stderr);
}

/// `where --substitute-path` and `where --launch` translate the editor's path as Delve does.
#[test]
fn where_translates_editor_paths() {
    let ws = workspace("where-subst", "hello");
    let app = ws.parent().unwrap().join("app");
    let bin = go_build(&ws, Some(&app), &["-gcflags=all=-N -l"]);
    let spec = format!("{}/main.go:26", ws.display());
    let plain = common::run(&["where", "--json", bin.to_str().unwrap(), &spec]);
    assert_eq!(plain.code, 1, "{}", plain.stdout);
    let rule = format!("{}={}", ws.display(), app.display());
    let mapped = common::run(&[
        "where",
        "--json",
        bin.to_str().unwrap(),
        "--substitute-path",
        &rule,
        &spec,
    ]);
    assert_eq!(mapped.code, 0, "{}", mapped.stdout);
    let v: Value = serde_json::from_str(&mapped.stdout).unwrap();
    assert_eq!(v["locations"][0]["addresses"][0]["line"], json!(26));
    write_launch(
        &ws,
        launch(
            json!({"mode": "exec", "program": "${workspaceFolder}/bin/hello",
            "substitutePath": [{"from": "${workspaceFolder}", "to": app.display().to_string()}]}),
        ),
    );
    let l = ws.join(".vscode/launch.json");
    let via = common::run(&[
        "where",
        bin.to_str().unwrap(),
        "--launch",
        l.to_str().unwrap(),
        "--config",
        "Launch",
        &spec,
    ]);
    assert_eq!(via.code, 0, "{}", via.stdout);
    let bad = common::run(&[
        "where",
        bin.to_str().unwrap(),
        "--substitute-path",
        "nothing",
        &spec,
    ]);
    assert_eq!(bad.code, 2);
}

/// A `dlv --headless` server on the binary, as on a remote host; killed on drop.
pub(crate) struct Headless(std::process::Child, pub(crate) String);

impl Headless {
    pub(crate) fn start(dlv: &Path, bin: &Path) -> Headless {
        use std::io::BufRead;
        let mut child = std::process::Command::new(dlv)
            .args([
                "exec",
                "--headless",
                "--accept-multiclient",
                "--api-version=2",
                "--listen=127.0.0.1:0",
            ])
            .arg(bin)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("API server listening at: ")
            .unwrap_or_else(|| panic!("dlv printed {line:?}"))
            .to_string();
        Headless(child, addr)
    }
}

impl Drop for Headless {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn remote_attach_with_wrong_paths() {
    let mut c = hello(
        "remote",
        json!({"name": "Remote", "type": "go", "request": "attach", "mode": "remote",
               "host": "127.0.0.1", "port": 2345,
               "substitutePath": [{"from": "${workspaceFolder}", "to": "/wrong/app"}]}),
        ("DD901", "launch-json"),
    );
    let ws = c.prepare();
    let app = ws.parent().unwrap().join("app");
    let bin = go_build(&ws, Some(&app), &["-gcflags=all=-N -l"]);
    c.binary = Some(bin.clone());
    c.run(&ws, apply_with_doctor_fix(&c));
    let text = std::fs::read_to_string(ws.join(".vscode/launch.json")).unwrap();
    assert!(
        !text.contains("/wrong/app") && text.contains(&app.display().to_string()),
        "{text}"
    );
    let server = Headless::start(&c.dlv, &bin);
    delve_binds_at(&ws, &c.dlv, c.go, true, Some(&server.1), "main.go", 26);
}

#[test]
fn cgo_turned_off_in_env() {
    let c = Case {
        name: "cgo",
        fixture: "cgo",
        config: launch(json!({"env": {"CGO_ENABLED": "0"}})),
        settings: None,
        breaks: &["main.go:13"],
        want: ("DD902", "launch-json"),
        dlv: dlv127(),
        go: GO,
        binary: None,
    };
    let ws = c.prepare();
    c.run(&ws, |ws, v| {
        assert!(
            v["first_fix"]["text"]
                .as_str()
                .unwrap()
                .contains("CGO_ENABLED"),
            "{v:#}"
        );
        write_launch(ws, launch(json!({})));
    });
    delve_binds(&ws, &c.dlv, c.go, false, "main.go", 13);
}

#[test]
fn output_flag_in_build_flags() {
    fixed_by_doctor_fix(
        "output-flag",
        json!({"buildFlags": ["-o", "out/hello"]}),
        "DD419",
    );
}

/// `-gcflags` in env GOFLAGS: Delve's own `-gcflags all=-N -l` on the command line wins,
/// so the session works; doctor says so, with DD420 as the (warning) fix.
#[test]
fn gcflags_in_goflags_is_only_a_warning() {
    let c = hello(
        "goflags",
        launch(json!({"env": {"GOFLAGS": "-gcflags=all=-l"}})),
        ("DD420", "launch-json"),
    );
    let ws = c.prepare();
    let (code, v) = doctor(
        &ws,
        GO,
        &[
            "--dlv",
            &c.dlv.display().to_string(),
            "--break",
            "main.go:26",
        ],
    );
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        first_fix(&v),
        ("DD420".into(), "launch-json".into()),
        "{v:#}"
    );
    let binary = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "binary")
        .unwrap();
    assert!(
        !binary.to_string().contains("DD201"),
        "not optimised: {binary:#}"
    );
    delve_binds(&ws, &c.dlv, c.go, false, "main.go", 26);
}

/// `--prove` runs the built binary under ptrace: main.main and the line are really hit.
#[test]
fn prove_hits_the_breakpoints() {
    let c = hello("prove", launch(json!({})), ("none", "none"));
    let ws = c.prepare();
    let (code, v) = doctor(
        &ws,
        GO,
        &[
            "--dlv",
            &c.dlv.display().to_string(),
            "--break",
            "main.go:26",
            "--prove",
        ],
    );
    assert_eq!(code, 0, "{v:#}");
    let probe = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "probe")
        .unwrap();
    assert_eq!(probe["status"], json!("ok"), "{probe:#}");
    for b in v["breakpoints"].as_array().unwrap() {
        assert_eq!(b["probe"], json!("hit"), "{b:#}");
    }
    // A line that is bound but never runs: the probe says so.
    let (_, v) = doctor(
        &ws,
        GO,
        &[
            "--dlv",
            &c.dlv.display().to_string(),
            "--break",
            "main.go:35",
            "--prove",
        ],
    );
    assert_eq!(v["breakpoints"][1]["probe"], json!("not-hit"), "{v:#}");
}

/// A `.code-workspace` file instead of .vscode/launch.json, with `go.delveConfig`'s
/// substitutePath in its settings (vscode-go uses it when the configuration has none).
#[test]
fn code_workspace_and_delve_config_substitute_path() {
    let ws = workspace("code-workspace", "hello");
    std::fs::remove_dir_all(ws.join(".vscode")).unwrap();
    let app = ws.parent().unwrap().join("app");
    go_build(&ws, Some(&app), &["-gcflags=all=-N -l"]);
    let file = |rules: Value| {
        json!({
            "folders": [{"path": "."}],
            "settings": {"go.delveConfig": {"substitutePath": rules}},
            "launch": {"configurations": [{"name": "Exec", "type": "go", "request": "launch", "mode": "exec", "program": "${workspaceFolder}/bin/hello"}]}
        })
        .to_string()
    };
    std::fs::write(ws.join("hello.code-workspace"), file(json!([]))).unwrap();
    let dlv = dlv127().display().to_string();
    let (code, v) = doctor(&ws, GO, &["--dlv", &dlv, "--break", "main.go:26"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(first_fix(&v).0, "DD901", "{v:#}");
    assert!(v["session"]["launch_file"]
        .as_str()
        .unwrap()
        .ends_with("hello.code-workspace"));
    let rules = json!([{"from": "${workspaceFolder}", "to": app.display().to_string()}]);
    std::fs::write(ws.join("hello.code-workspace"), file(rules)).unwrap();
    let (code, v) = doctor(&ws, GO, &["--dlv", &dlv, "--break", "main.go:26"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        v["breakpoints"][1]["sent"],
        json!(format!("{}/main.go:26", app.display()))
    );
}

/// `debugdoctor` alone inside a Go workspace runs doctor on it; without launch.json it
/// uses vscode-go's default "Launch Package" and says so.
#[test]
fn no_command_in_a_workspace_is_doctor() {
    let ws = workspace("no-command", "hello");
    let mut dd = common::dd();
    dd.current_dir(&ws).arg("--color").arg("never");
    for (k, v) in go_env(GO) {
        dd.env(k, v);
    }
    let out = dd.run();
    assert!(
        out.stdout.contains("Launch Package") && out.stdout.contains("verdict:"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    let out = common::dd().current_dir(std::env::temp_dir()).run();
    assert_eq!(out.code, 2, "{}", out.stdout);
}
