//! `debugdoctor dap` with a real client and real Delve: `tests/dap/session.js` drives a
//! session with @vscode/debugadapter-testsupport's DebugClient (installed by
//! scripts/toolchains into .cache/npm) the way vscode-go starts Delve, once against
//! `dlv dap` directly and once through the proxy (a symlink named `dlv`). Every frame
//! the proxy does not change must be the same bytes as in the direct session; bad
//! breakpoints must carry Delve's message first, then our finding, reason and fix; stops,
//! steps and variables must be the same.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common;

pub(crate) fn dlv127() -> PathBuf {
    let p = common::repo_root().join(".cache/bin/dlv-1.27.1");
    assert!(p.exists(), "{}: run scripts/toolchains", p.display());
    p
}

pub(crate) fn dlv120() -> PathBuf {
    common::require_tool("/usr/bin/dlv").to_path_buf()
}

/// A directory of ours under target/ (never the shared cache).
fn work_dir(name: &str) -> PathBuf {
    let target = Path::new(env!("CARGO_BIN_EXE_debugdoctor"))
        .ancestors()
        .nth(2)
        .unwrap();
    let d = target.join("dap-tests").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// This build of debugdoctor under the name `dlv` (how vscode-go's alternateTools uses it).
fn proxy_as_dlv(dir: &Path) -> PathBuf {
    let link = dir.join("bin/dlv");
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_debugdoctor"), &link).unwrap();
    link
}

fn go_env(go: &str, dir: &Path) -> Value {
    let bin = common::go_tool(go).parent().unwrap().to_path_buf();
    json!({
        "PATH": format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()),
        "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "-mod=mod", "GOENV": "off",
        "GOCACHE": dir.join("gocache").display().to_string(),
        "GOPATH": dir.join("gopath").display().to_string(),
    })
}

/// Runs one scenario; `proxy` puts debugdoctor in front of `dlv`.
pub(crate) fn session(dir: &Path, dlv: &Path, proxy: bool, mut sc: Value) -> Value {
    let env = sc["env"].as_object_mut().unwrap();
    let trace = dir.join("delve-to-proxy.bin");
    let _ = std::fs::remove_file(&trace);
    if proxy {
        env.insert("DEBUGDOCTOR_DLV".into(), json!(dlv.display().to_string()));
        env.insert(
            "DEBUGDOCTOR_DAP_TRACE".into(),
            json!(trace.display().to_string()),
        );
        sc["adapter"] = json!([proxy_as_dlv(dir).display().to_string()]);
    } else {
        sc["adapter"] = json!([dlv.display().to_string()]);
    }
    let file = dir.join(if proxy { "proxy.json" } else { "direct.json" });
    std::fs::write(&file, sc.to_string()).unwrap();
    let v = common::dap_session(&file, dir, &[]);
    assert!(
        v.get("fatal").is_none(),
        "{}: {}",
        if proxy { "proxy" } else { "direct" },
        v["fatal"]
    );
    if proxy {
        byte_identical(&std::fs::read(&trace).unwrap(), &v);
    }
    v
}

/// DAP frame bodies of a byte stream.
fn split_frames(mut b: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while let Some(end) = b.windows(4).position(|w| w == b"\r\n\r\n") {
        let head = std::str::from_utf8(&b[..end]).unwrap();
        let len: usize = head.trim_start_matches("Content-Length: ").parse().unwrap();
        out.push(&b[end + 4..end + 4 + len]);
        b = &b[end + 4 + len..];
    }
    assert!(b.is_empty(), "trailing bytes");
    out
}

/// Within one proxied session: every frame Delve sent reached the client as the same
/// bytes, except the breakpoint messages we extended; our one message is the only frame
/// of our own.
fn byte_identical(from_delve: &[u8], client: &Value) {
    let delve = split_frames(from_delve);
    let got: Vec<&str> = client["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .filter(|f| !ours(f))
        .collect();
    assert_eq!(delve.len(), got.len(), "frame counts");
    for (d, c) in delve.iter().zip(&got) {
        if *d != c.as_bytes() {
            let d = std::str::from_utf8(d).unwrap();
            assert!(
                d.contains(r#""verified":false"#),
                "changed a frame it must not:\n{d}\n{c}"
            );
            // Only text was inserted, before a closing quote.
            assert!(c.len() > d.len() && c.starts_with(&d[..d.find("\"message\":\"").unwrap()]));
        }
    }
}

/// Values that differ between any two runs of the same program (direct vs proxied are two
/// runs): process ids, heap addresses, goroutine ids, the random names of built binaries.
/// Within one proxied run, `byte_identical` compares raw bytes with no normalisation.
fn norm(s: &str) -> String {
    let re = regex::Regex::new(
        r#"0x[0-9a-f]+|"systemProcessId":\d+|Process \d+ has exited|__debug_bin\d+|debug\.test\d+|"threadId":\d+"#,
    )
    .unwrap();
    re.replace_all(s, "<N>").into_owned()
}

/// Whether a frame is the proxy's own findings message.
fn ours(frame: &str) -> bool {
    frame.starts_with(r#"{"body":{"category":"console","output":"debugdoctor: "#)
}

/// Compares a direct and a proxied session: same results; every frame the same bytes
/// except rewritten breakpoint messages (which must start with Delve's) and our message.
/// The scenario run directly against `dlv` and through the proxy; the two must agree
/// (see [`compare`]). Returns the proxied run.
fn direct_and_proxied(dir: &Path, dlv: &Path, sc: Value) -> Value {
    let direct = session(dir, dlv, false, sc.clone());
    let proxied = session(dir, dlv, true, sc);
    compare(&direct, &proxied);
    proxied
}

fn compare(direct: &Value, proxied: &Value) {
    for k in ["stops", "steps", "exit"] {
        assert_eq!(
            norm(&direct[k].to_string()),
            norm(&proxied[k].to_string()),
            "{k} differ"
        );
    }
    let d = direct["breakpoints"].as_array().unwrap();
    let p = proxied["breakpoints"].as_array().unwrap();
    assert_eq!(d.len(), p.len());
    for (df, pf) in d.iter().zip(p) {
        for (db, pb) in df.as_array().unwrap().iter().zip(pf.as_array().unwrap()) {
            assert_eq!(db["verified"], pb["verified"]);
            if db["verified"] == json!(false) {
                let dm = db["message"].as_str().unwrap();
                let pm = pb["message"].as_str().unwrap();
                assert!(pm.starts_with(dm), "Delve's text first: {pm:?} vs {dm:?}");
                // Only a suspended breakpoint on a file this binary lacks is left as it is
                // (a followed child or a plugin may bind it).
                if pm != dm || dm != SUSPENDED {
                    assert!(pm.contains(" — [DD7") && pm.contains("; fix: "), "{pm}");
                }
            } else {
                assert_eq!(db, pb);
            }
        }
    }
    let df: Vec<&str> = direct["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let pf: Vec<&str> = proxied["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .filter(|f| !ours(f))
        .collect();
    assert_eq!(df.len(), pf.len(), "frame counts differ");
    let mut rewritten = 0;
    for (a, b) in df.iter().zip(&pf) {
        if norm(a) != norm(b) {
            // Only a message may grow, nothing else.
            let va: Value = serde_json::from_str(a).unwrap();
            let vb: Value = serde_json::from_str(b).unwrap();
            assert!(
                a.contains(r#""verified":false"#),
                "a frame the proxy does not change differs:\n{a}\n{b}"
            );
            assert_eq!(va["seq"], vb["seq"]);
            rewritten += 1;
        }
    }
    let _ = rewritten;
}

/// Delve 1.27.1's message for a suspended breakpoint (`updateBreakpointsResponse`).
const SUSPENDED: &str = "unable to set breakpoint";

fn exec_scenario(binary: &Path, files: Value, dir: &Path) -> Value {
    json!({
        "cwd": dir.display().to_string(),
        "env": {},
        "launch": {"mode": "exec", "program": binary.display().to_string()},
        "files": files,
        "step": true,
    })
}

#[test]
fn dap_exec_optimised_binary_127() {
    let dir = work_dir("exec127");
    let bin = common::fixture("1.25.5", "hello", "default").path;
    let main = common::source_in(&bin, "hello/main.go");
    let elsewhere = "/nonexistent/checkout/hello/main.go";
    let files = json!([{"path": main, "lines": [21, 24, 12]}, {"path": elsewhere, "lines": [26]}]);
    let sc = exec_scenario(&bin, files, &dir);
    let proxied = direct_and_proxied(&dir, &dlv127(), sc);
    let bps = &proxied["breakpoints"];
    let m24 = bps[0][1]["message"].as_str().unwrap();
    assert!(m24.starts_with(&format!(
        "could not find statement at {main}:24, please use a line with a statement — [DD703] the line lies in optimised code of main.main"
    )), "{m24}");
    assert!(m24.ends_with("fix: put the breakpoint on line 22 or 26, or build with -gcflags=all=\"-N -l\" (vscode-go does in debug and test modes)"), "{m24}");
    let mpath = bps[1][0]["message"].as_str().unwrap();
    assert!(
        mpath.contains("[DD706]")
            && mpath.contains("\"substitutePath\": [{\"from\": \"/nonexistent/checkout\""),
        "{mpath}"
    );
    // Stops at the good breakpoint, steps.
    assert_eq!(proxied["stops"][0]["line"], json!(21));
    assert_eq!(proxied["steps"][0]["line"], json!(22));
    // One findings message, the optimisation error among them.
    let msgs: Vec<&Value> = proxied["frames"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ours(f.as_str().unwrap()))
        .collect();
    assert_eq!(msgs.len(), 1);
    assert!(msgs[0].as_str().unwrap().contains("[DD201] optimized-code"));
}

#[test]
fn dap_exec_stripped_and_trimmed_127() {
    let dir = work_dir("stripped127");
    let s = common::fixture("1.25.5", "hello", "s").path;
    let sc = exec_scenario(
        &s,
        json!([{"path": "/src/hello/main.go", "lines": [21]}]),
        &dir,
    );
    let proxied = direct_and_proxied(&dir, &dlv127(), sc);
    let m = proxied["breakpoints"][0][0]["message"].as_str().unwrap();
    assert!(
        m.contains("[DD705]") && m.contains("fix: rebuild without -s/-w"),
        "{m}"
    );

    let dir = work_dir("trimmed127");
    let t = common::fixture("1.25.5", "hello", "trimpath").path;
    let sc = exec_scenario(
        &t,
        json!([{"path": "/home/me/hello/main.go", "lines": [21]}]),
        &dir,
    );
    let proxied = direct_and_proxied(&dir, &dlv127(), sc);
    let m = proxied["breakpoints"][0][0]["message"].as_str().unwrap();
    assert!(
        m.contains("[DD706]") && m.contains("{\"from\": \"/home/me\", \"to\": \"example.com\"}"),
        "{m}"
    );

    // With the rule in launch.json, Delve maps the path and so do we: line 21 binds, line 24
    // is a line without code of the trimmed file.
    let dir = work_dir("trimmed127-mapped");
    let mut sc = exec_scenario(
        &t,
        json!([{"path": "/home/me/hello/main.go", "lines": [21, 24]}]),
        &dir,
    );
    sc["launch"]["substitutePath"] = json!([{"from": "/home/me", "to": "example.com"}]);
    let proxied = direct_and_proxied(&dir, &dlv127(), sc);
    assert_eq!(proxied["breakpoints"][0][0]["verified"], json!(true));
    let m = proxied["breakpoints"][0][1]["message"].as_str().unwrap();
    assert!(m.contains("[DD703]"), "{m}");
}

#[test]
fn dap_debug_mode_127() {
    debug_mode("debug127", &dlv127(), "1.25.5");
}

#[test]
fn dap_debug_mode_120() {
    debug_mode("debug120", &dlv120(), "1.19.8");
}

/// Debug mode: Delve builds fixtures/src/hello (with -gcflags=all=-N -l) into `output`.
fn debug_mode(name: &str, dlv: &Path, go: &str) {
    let dir = work_dir(name);
    let src = common::repo_root().join("fixtures/src/hello");
    let main = src.join("main.go").display().to_string();
    let sc = json!({
        "cwd": src.display().to_string(),
        "env": go_env(go, &dir),
        "launch": {"mode": "debug", "program": src.display().to_string(), "output": dir.join("__debug_bin").display().to_string()},
        "files": [{"path": main, "lines": [26, 24]}],
        "step": true,
    });
    let proxied = direct_and_proxied(&dir, dlv, sc);
    assert_eq!(proxied["stops"][0]["line"], json!(26));
    assert!(
        proxied["stops"][0]["vars"]
            .as_array()
            .unwrap()
            .contains(&json!("name=\"world\"")),
        "{}",
        proxied["stops"]
    );
    let m = proxied["breakpoints"][0][1]["message"].as_str().unwrap();
    assert!(
        m.contains("[DD703]") && m.contains("fix: put the breakpoint on line 22 or 25"),
        "{m}"
    );
}

/// Test mode with Delve's default output name (a random `debug.testNNN` in Delve's working
/// directory): the proxy finds the binary as the process Delve runs.
#[test]
fn dap_test_mode_127() {
    test_mode("test127", &dlv127(), "1.25.5");
}

#[test]
fn dap_test_mode_120() {
    test_mode("test120", &dlv120(), "1.19.8");
}

fn test_mode(name: &str, dlv: &Path, go: &str) {
    let dir = work_dir(name);
    // A copy: Delve builds in its working directory, which must be the module's.
    let src = dir.join("testpkg");
    std::fs::create_dir_all(&src).unwrap();
    for f in ["go.mod", "calc.go", "calc_test.go"] {
        std::fs::copy(
            common::repo_root().join("fixtures/src/testpkg").join(f),
            src.join(f),
        )
        .unwrap();
    }
    let test = src.join("calc_test.go").display().to_string();
    let sc = json!({
        "cwd": src.display().to_string(),
        "env": go_env(go, &dir),
        "launch": {"mode": "test", "program": src.display().to_string()},
        "files": [{"path": test, "lines": [6, 4]}],
        "step": false,
    });
    let proxied = direct_and_proxied(&dir, dlv, sc);
    assert_eq!(proxied["stops"][0]["line"], json!(6));
    let m = proxied["breakpoints"][0][1]["message"].as_str().unwrap();
    assert!(
        m.contains("[DD703]") && m.contains("fix: put the breakpoint on line"),
        "{m}"
    );
}

#[test]
fn dap_exec_delve_120() {
    let dir = work_dir("exec120");
    let bin = common::fixture("1.19.8", "hello", "default").path;
    let main = common::source_in(&bin, "hello/main.go");
    let sc = exec_scenario(&bin, json!([{"path": main, "lines": [21, 24]}]), &dir);
    let proxied = direct_and_proxied(&dir, &dlv120(), sc);
    let m = proxied["breakpoints"][0][1]["message"].as_str().unwrap();
    assert!(m.contains("[DD703]"), "{m}");
}

/// Another user (setpriv --reuid=nobody) connects before and during a session: refused
/// both times, and the session goes on.
#[test]
fn dap_refuses_another_user() {
    let dir = work_dir("intruder");
    let _ = std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o755));
    let bin = common::fixture("1.25.5", "hello", "noopt").path;
    let main = common::source_in(&bin, "hello/main.go");
    let mut sc = exec_scenario(&bin, json!([{"path": main, "lines": [21]}]), &dir);
    sc["intruder"] = json!(true);
    let proxied = session(&dir, &dlv127(), true, sc);
    let intr: Vec<&str> = proxied["intruder"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(intr.len(), 2);
    for i in &intr {
        assert!(
            *i == "closed" || *i == "ECONNREFUSED",
            "another user got in: {intr:?}"
        );
    }
    assert_eq!(proxied["stops"][0]["line"], json!(21));
    assert!(proxied["stderr"]
        .as_str()
        .unwrap()
        .contains("Only connections from the same user"));
}

/// Starts the proxy (stdout announce) and returns it with the port.
fn start_proxy(dlv: &Path) -> (std::process::Child, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_debugdoctor"))
        .args(["dap", "--dlv"])
        .arg(dlv)
        .arg("--listen=127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .strip_prefix("DAP server listening at: ")
        .unwrap_or_else(|| panic!("{line:?}"));
    (
        child,
        addr.trim().rsplit(':').next().unwrap().parse().unwrap(),
    )
}

fn wait_exit(child: &mut std::process::Child, secs: u64) -> Option<std::process::ExitStatus> {
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for t in std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .flatten()
    {
        let s = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
        out.extend(s.split_whitespace().filter_map(|x| x.parse::<u32>().ok()));
    }
    out
}

/// A malformed frame reaches Delve as sent: Delve closes the session, the proxy exits and
/// leaves no process behind; same for a client that just disconnects, and for SIGINT.
/// The process the editor starts becomes Delve itself (its pid, signals and exit status
/// are Delve's); the proxy is its child and holds none of the editor's stdin/stdout.
#[test]
fn dap_malformed_disconnect_and_sigint_leave_nothing_behind() {
    let delve_exe = std::fs::canonicalize(dlv127()).unwrap();
    let our_exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_debugdoctor")).unwrap();
    for case in ["bad-length", "disconnect", "sigint"] {
        let (mut started, port) = start_proxy(&dlv127());
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let body =
            br#"{"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"go"}}"#;
        write!(s, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        s.write_all(body).unwrap();
        // Delve's answer to initialize arrives through the proxy.
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = [0u8; 4096];
        let n = s.read(&mut buf).unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).contains("\"command\":\"initialize\""));
        assert_eq!(
            std::fs::read_link(format!("/proc/{}/exe", started.id())).unwrap(),
            delve_exe,
            "the started process is Delve"
        );
        // Delve's own children (its telemetry process) aside, one child: the proxy.
        let proxy: Vec<u32> = children(started.id())
            .into_iter()
            .filter(|c| std::fs::read_link(format!("/proc/{c}/exe")).is_ok_and(|e| e == our_exe))
            .collect();
        assert_eq!(proxy.len(), 1, "one proxy child");
        // Delve (and so the program it launches) has the editor's stdin and stdout; the
        // proxy does not hold them.
        for fd in [0, 1] {
            assert_eq!(
                std::fs::read_link(format!("/proc/{}/fd/{fd}", proxy[0])).unwrap(),
                Path::new("/dev/null")
            );
        }
        match case {
            "bad-length" => s.write_all(b"Content-Length: nope\r\n\r\n{}").unwrap(),
            "disconnect" => drop(s),
            _ => nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(started.id() as i32),
                nix::sys::signal::Signal::SIGINT,
            )
            .unwrap(),
        }
        let st = wait_exit(&mut started, 15).unwrap_or_else(|| {
            let _ = started.kill();
            panic!("{case}: Delve still running")
        });
        assert!(st.code().is_some(), "{case}: {st:?}");
        let end = Instant::now() + Duration::from_secs(5);
        let alive = |p: u32| {
            std::fs::read_to_string(format!("/proc/{p}/stat")).is_ok_and(|s| !s.contains(") Z "))
        };
        while alive(proxy[0]) && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!alive(proxy[0]), "{case}: proxy {} left running", proxy[0]);
    }
}

/// Under the name `dlv`, every other command is the real Delve's: output and exit status.
#[test]
fn dlv_name_passes_other_commands_through() {
    let dir = work_dir("passthrough");
    let link = proxy_as_dlv(&dir);
    for args in [&["version"][..], &["no-such-command"][..]] {
        let real = Command::new(dlv127()).args(args).output().unwrap();
        let ours = Command::new(&link)
            .args(args)
            .env("DEBUGDOCTOR_DLV", dlv127())
            .output()
            .unwrap();
        assert_eq!(real.status.code(), ours.status.code(), "{args:?}");
        assert_eq!(real.stdout, ours.stdout, "{args:?}");
        assert_eq!(real.stderr, ours.stderr, "{args:?}");
    }
}

/// vscode-go's dlv version checks (golang/vscode-go `extension/src/goInstallTools.ts`).
/// `inspectGoToolVersion` runs `go version -m DLV` with `execFile` (a non-zero exit
/// rejects: `{debugInfo}` only), else takes `goVersion` from `/\s+(go\d+.\d+\S*)/` on the
/// first line and `moduleVersion` as `lines[2].split(/\s+/)[3]`. Before a debug session
/// (`goDebugConfiguration.ts`) `shouldUpdateTool` asks to update dlv only for a
/// moduleVersion that parses as a semver below the wanted one: none here, so no prompt.
/// At activation `suggestUpdates` → `listOutdatedTools` counts a tool without goVersion as
/// outdated, and acts only with `go.toolsManagement.autoUpdate` or `warnOutdated` set
/// to true (README, "Use it in VS Code"). Run for real on the binary and on a symlink
/// named `dlv`, with and without `-v`.
#[test]
fn go_version_m_does_not_ask_to_update_dlv() {
    let dir = work_dir("goversionm");
    let link = proxy_as_dlv(&dir);
    let go_version_re = regex::Regex::new(r"\s+(go\d+.\d+\S*)").unwrap();
    for bin in [Path::new(env!("CARGO_BIN_EXE_debugdoctor")), &link] {
        for v in [false, true] {
            let mut cmd = Command::new(common::go_tool("1.25.5"));
            cmd.args(["version", "-m"]);
            if v {
                cmd.arg("-v");
            }
            let out = cmd.arg(bin).env("GOTOOLCHAIN", "local").output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            // execFile rejects on a non-zero exit: vscode-go reads nothing.
            assert_eq!(
                out.status.code(),
                Some(1),
                "{}: {stdout}{stderr}",
                bin.display()
            );
            assert!(stdout.is_empty(), "{stdout}");
            if v {
                assert!(stderr.contains("not a Go executable"), "{stderr}");
            }
            // Had it succeeded, the same parsing would still find nothing.
            let lines: Vec<&str> = stdout.splitn(3, '\n').collect();
            let go_version = go_version_re.captures(lines[0]).map(|c| c[1].to_string());
            let module_version = lines
                .get(2)
                .and_then(|l| l.split(char::is_whitespace).nth(3))
                .map(String::from);
            assert_eq!((go_version, module_version), (None, None));
        }
    }
}

/// Starts `cmd` (direct Delve or the proxy, announcing on stdout) and returns the port.
fn start_announcing(mut cmd: Command) -> (std::process::Child, u16) {
    let mut child = cmd
        .arg("--listen=127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .strip_prefix("DAP server listening at: ")
        .unwrap_or_else(|| panic!("{line:?}"));
    (
        child,
        addr.trim().rsplit(':').next().unwrap().parse().unwrap(),
    )
}

/// Sends `input` in pieces of `step` bytes; returns everything received until the
/// connection closes (or 5 s), and whether it closed.
fn exchange(port: u16, input: &[u8], step: usize) -> (Vec<u8>, bool) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_nodelay(true).unwrap();
    for piece in input.chunks(step) {
        if s.write_all(piece).is_err() {
            break;
        }
    }
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut got = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    let closed = loop {
        match s.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(_) => break false,
        }
    };
    (got, closed)
}

/// Split headers, a huge body, a non-JSON body, a bad Content-Length: the client gets
/// the same bytes from the proxy as from Delve directly, and the connection ends (or
/// stays) the same way.
#[test]
fn dap_malformed_input_behaves_as_delve() {
    let init =
        br#"{"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"go"}}"#;
    let frame = |b: &[u8]| {
        let mut v = format!("Content-Length: {}\r\n\r\n", b.len()).into_bytes();
        v.extend_from_slice(b);
        v
    };
    let mut huge = frame(&vec![b' '; 6 << 20]);
    huge.extend(frame(init));
    let mut two = frame(init);
    two.extend(frame(br#"{"seq":2,"type":"request","command":"threads"}"#));
    let cases: Vec<(&str, Vec<u8>, usize)> = vec![
        ("split headers", two, 1),
        ("huge body", huge, 1 << 16),
        ("not JSON", frame(b"{not json"), 1 << 16),
        (
            "bad length",
            b"Content-Length: 12x\r\n\r\n{}".to_vec(),
            1 << 16,
        ),
    ];
    for (name, input, step) in cases {
        let mut direct_cmd = Command::new(dlv127());
        direct_cmd.arg("dap");
        let (mut d, port) = start_announcing(direct_cmd);
        let direct = exchange(port, &input, step);
        let _ = d.kill();
        let _ = d.wait();
        let mut proxy_cmd = Command::new(env!("CARGO_BIN_EXE_debugdoctor"));
        proxy_cmd.args(["dap", "--dlv"]).arg(dlv127());
        let (mut p, port) = start_announcing(proxy_cmd);
        let proxied = exchange(port, &input, step);
        let _ = p.kill();
        let _ = p.wait();
        assert_eq!(
            norm(&String::from_utf8_lossy(&direct.0)),
            norm(&String::from_utf8_lossy(&proxied.0)),
            "{name}: what the client received differs"
        );
        assert_eq!(direct.1, proxied.1, "{name}: closed differently");
    }
}

/// vscode-go's `console: integratedTerminal`: `dlv dap --client-addr=:PORT`, the editor
/// listens and the adapter dials in. The proxy dials the editor, relays, and exits when
/// the editor closes.
#[test]
fn dap_client_addr_mode() {
    for form in ["127.0.0.1:{}", ":{}"] {
        let editor = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = editor.local_addr().unwrap().port();
        let mut proxy = Command::new(env!("CARGO_BIN_EXE_debugdoctor"))
            .args(["dap", "--dlv"])
            .arg(dlv127())
            .arg(format!(
                "--client-addr={}",
                form.replace("{}", &port.to_string())
            ))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let (mut s, _) = editor.accept().unwrap();
        let body =
            br#"{"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"go"}}"#;
        write!(s, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        s.write_all(body).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = [0u8; 4096];
        let n = s.read(&mut buf).unwrap();
        assert!(
            String::from_utf8_lossy(&buf[..n]).contains("\"command\":\"initialize\""),
            "{form}"
        );
        drop(s);
        let st = wait_exit(&mut proxy, 15).expect("proxy exits when the editor leaves");
        assert_eq!(st.code(), Some(0), "{form}");
        // No listening message in this mode (Delve prints none either).
        let mut out = String::new();
        proxy
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        assert!(!out.contains("listening"), "{out}");
    }
}

/// A copy of debugdoctor named `dlv` first on PATH: it finds the real Delve further down
/// PATH (skipping itself) and is Delve for every command but `dap`.
#[test]
fn dlv_copy_on_path_finds_the_real_delve() {
    let dir = work_dir("copy");
    let ours = dir.join("ours");
    let real = dir.join("real");
    std::fs::create_dir_all(&ours).unwrap();
    std::fs::create_dir_all(&real).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_debugdoctor"), ours.join("dlv")).unwrap();
    std::os::unix::fs::symlink(dlv127(), real.join("dlv")).unwrap();
    let path = format!("{}:{}:/usr/bin:/bin", ours.display(), real.display());
    let out = Command::new(ours.join("dlv"))
        .arg("version")
        .env("PATH", &path)
        .env_remove("DEBUGDOCTOR_DLV")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Version: 1.27.1"),
        "{out:?}"
    );
}

/// Attach to a running process: the binary is the attached pid's executable. The same
/// running program is attached twice, directly and through the proxy (each session
/// detaches and leaves it running), and the two sessions must agree.
#[test]
fn dap_attach_127() {
    attach("attach127", &dlv127(), "1.25.5");
}

/// Debian's Delve 1.20.2 (it refuses Go >= 1.22 without --check-go-version=false).
#[test]
fn dap_attach_120() {
    attach("attach120", &dlv120(), "1.19.8");
}

fn attach(name: &str, dlv: &Path, go: &str) {
    let dir = work_dir(name);
    let bin = common::fixture(go, "hello", "default").path;
    let main = common::source_in(&bin, "hello/main.go");
    let mut target = Command::new(&bin)
        .arg("sleep")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let sc = json!({
        "cwd": dir.display().to_string(),
        "env": {},
        "attach": true,
        "launch": {"mode": "local", "processId": target.id()},
        "files": [{"path": main, "lines": [24, 21]}],
        "maxStops": 0,
    });
    let proxied = direct_and_proxied(&dir, dlv, sc);
    // Still running after two detaches.
    let running = target.try_wait().unwrap().is_none();
    let _ = target.kill();
    let _ = target.wait();
    assert!(running, "the attached program was stopped");
    let m = proxied["breakpoints"][0][0]["message"].as_str().unwrap();
    assert!(
        m.contains("[DD703]") && m.contains("fix: put the breakpoint on line 22 or 26"),
        "{m}"
    );
    let ours: Vec<&Value> = proxied["frames"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ours(f.as_str().unwrap()))
        .collect();
    assert_eq!(ours.len(), 1, "one findings message");
}

/// `--client-addr` where no editor listens: exit 1 with Delve's words, no Delve left.
#[test]
fn dap_client_addr_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut proxy = Command::new(env!("CARGO_BIN_EXE_debugdoctor"))
        .args(["dap", "--dlv"])
        .arg(dlv127())
        .arg(format!("--client-addr=127.0.0.1:{port}"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let st = wait_exit(&mut proxy, 15).expect("exits");
    assert_eq!(st.code(), Some(1));
    let mut err = String::new();
    proxy
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        err.contains(&format!("error dialing 127.0.0.1:{port}")),
        "{err}"
    );
}

/// A `--listen` address already taken: Delve's message on stdout, exit 1, no Delve started.
#[test]
fn dap_listen_address_in_use() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_debugdoctor"))
        .args(["dap", "--dlv"])
        .arg(dlv127())
        .arg(format!("--listen={addr}"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(&format!("couldn't start listener: listen tcp {addr}: ")),
        "{stdout}"
    );
}

/// The `breakpoint` event, for real. Delve 1.27.1 sends exactly one kind
/// (`service/dap/server.go` `convertDebuggerEvent`, `proc.EventBreakpointMaterialized`, the
/// only `dap.BreakpointEvent` it builds): `reason: "changed"` with `Verified: true` written
/// as a literal, when a *suspended* breakpoint gets an address in a followed child process
/// or a plugin. So no Delve 1.27.1 event carries `verified: false` (the proxy's rewrite of
/// such events is covered by unit tests, for other adapters). What Delve does send unverified
/// in that flow is the `setBreakpoints` answer `unable to set breakpoint` (suspended: the
/// launch has `followExec`, or the program imports `plugin`). Here: a parent built with
/// `-N -l` runs the hello fixture as a child under `followExec`. Expected, through the proxy:
/// the child's line 21 (a file the parent lacks) stays `unable to set breakpoint` as Delve
/// wrote it; the parent's blank line gets our DD703 after Delve's words; Delve's `breakpoint`
/// event (verified) reaches the client byte for byte; the child stops at line 21.
#[test]
fn dap_follow_exec_breakpoint_event_127() {
    let dir = work_dir("followexec127");
    let child = common::fixture("1.25.5", "hello", "noopt").path;
    let child_main = common::source_in(&child, "hello/main.go");
    let src = dir.join("parent");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("go.mod"), "module example.com/parent\n\ngo 1.21\n").unwrap();
    // Line 10 is blank; line 11 runs the child.
    let parent_go = "package main\n\nimport (\n\t\"os\"\n\t\"os/exec\"\n)\n\nfunc main() {\n\tcmd := exec.Command(os.Args[1])\n\n\t_ = cmd.Run()\n}\n";
    std::fs::write(src.join("main.go"), parent_go).unwrap();
    let env = go_env("1.25.5", &dir);
    let parent = dir.join("parent-bin");
    let built = Command::new(common::go_tool("1.25.5"))
        .args(["build", "-gcflags=all=-N -l", "-o"])
        .arg(&parent)
        .arg(".")
        .current_dir(&src)
        .envs(
            env.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())),
        )
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let parent_main = src.join("main.go").display().to_string();
    let mut sc = exec_scenario(
        &parent,
        json!([{"path": child_main, "lines": [21]}, {"path": parent_main, "lines": [10]}]),
        &dir,
    );
    sc["launch"]["followExec"] = json!(true);
    sc["launch"]["args"] = json!([child.display().to_string()]);
    sc["step"] = json!(false);
    let proxied = direct_and_proxied(&dir, &dlv127(), sc);
    let bps = &proxied["breakpoints"];
    assert_eq!(bps[0][0]["verified"], json!(false));
    assert_eq!(bps[0][0]["message"], json!(SUSPENDED), "{bps}");
    let m = bps[1][0]["message"].as_str().unwrap();
    assert!(
        m.starts_with("unable to set breakpoint — [DD703] ")
            && m.contains("fix: put the breakpoint on line 9 or 11"),
        "{m}"
    );
    // Delve's breakpoint event: verified, for the child's line 21, relayed unchanged
    // (session() compared every frame with what Delve sent).
    let events: Vec<Value> = proxied["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| serde_json::from_str::<Value>(f.as_str().unwrap()).unwrap())
        .filter(|f| f["event"] == json!("breakpoint"))
        .collect();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["body"]["reason"], json!("changed"));
    assert_eq!(events[0]["body"]["breakpoint"]["verified"], json!(true));
    assert_eq!(events[0]["body"]["breakpoint"]["line"], json!(21));
    assert_eq!(
        proxied["stops"][0]["line"],
        json!(21),
        "{}",
        proxied["stops"]
    );
}
