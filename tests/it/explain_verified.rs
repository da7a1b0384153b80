//! The "Verified with" sections of DD110, DD415, DD416, DD420 and DD601 (issue 18 item
//! 3), measured again: real Delve — 1.27.1 on Go 1.25.5 builds, Debian's 1.20.2 on Go
//! 1.19.8 builds — `dlv exec` with an init script, or `dlv dap` driven by
//! tests/dap/session.js as vscode-go drives it; each test asserts what Delve said and
//! did, and that `debugdoctor explain ID` states it. A change in Delve's behaviour or in
//! the text fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common;
use crate::dap::{dlv120, dlv127};

/// (Delve, the Go version of the builds it is measured on).
fn delves() -> [(PathBuf, &'static str); 2] {
    [(dlv127(), "1.25.5"), (dlv120(), "1.19.8")]
}

fn is_new(go: &str) -> bool {
    go == "1.25.5"
}

/// A fresh directory target/explain-verified/NAME.
fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_BIN_EXE_debugdoctor"))
        .ancestors()
        .nth(2)
        .unwrap()
        .join("explain-verified")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `explain ID` with its lines joined (the texts wrap at 90 columns).
fn explain_flat(id: &str) -> String {
    let out = common::run(&["explain", id]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `explain ID` states each claim (whitespace-normalised).
fn assert_explains(id: &str, claims: &[&str]) {
    let text = explain_flat(id);
    assert!(text.contains("Verified with"), "{id}: {text}");
    for c in claims {
        let c = c.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&c), "{id}: explain lacks {c:?}:\n{text}");
    }
}

/// `check --json --no-config ARGS`: the findings of the one binary.
fn findings(args: &[&str], bin: &Path) -> Vec<Value> {
    let out = common::dd()
        .args(["check", "--json", "--no-config"])
        .args(args)
        .arg(bin)
        .run();
    let v: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    v["binaries"][0]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn finding<'a>(all: &'a [Value], id: &str) -> Option<&'a Value> {
    all.iter().find(|f| f["id"] == id)
}

/// `dlv exec BIN --init SCRIPT` as a user runs it (dlv's config from `xdg`/dlv): all it
/// printed.
fn dlv_exec(dlv: &Path, bin: &Path, xdg: &Path, script: &str) -> String {
    std::fs::create_dir_all(xdg).unwrap();
    let init = xdg.join("init.dlv");
    std::fs::write(&init, script).unwrap();
    let mut c = Command::new(dlv);
    c.arg("exec")
        .arg(bin)
        .arg("--allow-non-terminal-interactive=true")
        .arg("--init")
        .arg(&init)
        .env("XDG_CONFIG_HOME", xdg)
        .stdin(std::process::Stdio::null());
    let (_, out, err) = common::exec(&mut c);
    format!("{out}{err}")
}

/// Delve set `break main.main`.
fn main_set(out: &str) -> bool {
    out.lines()
        .any(|l| l.starts_with("Breakpoint 1 set at") && l.contains("for main.main()"))
}

/// Delve stopped with `fun` on top ("> [Breakpoint 1] main.main() ..." in 1.27,
/// "> main.main() ..." in 1.20).
fn stopped_in(out: &str, fun: &str) -> bool {
    out.lines().any(|l| {
        l.starts_with("> ")
            && l.split_whitespace()
                .any(|w| w == format!("{fun}()").as_str())
    })
}

fn write_exec(path: &Path, bytes: &[u8]) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, bytes).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The stored bytes of section `name` of `bin`: (file offset, size).
fn stored(bin: &Path, name: &str) -> (usize, usize) {
    let img = debugdoctor::binary::Image::open(bin).unwrap();
    let (off, size) = img
        .section(name)
        .unwrap_or_else(|| panic!("no {name} in {}", bin.display()))
        .file_range
        .unwrap();
    (off as usize, size as usize)
}

/// Damages compressed section `name` the same way whatever bytes it holds: its first
/// deflate block gets the reserved block type 3, so every inflater fails at once. (Bytes
/// flipped at a fixed place did not do: the fixtures' compressed bytes change with the
/// checkout's path, and depending on where the damage fell Delve saw an inflate error
/// or garbage.)
fn break_deflate(bin: &Path, name: &str, data: &mut [u8]) {
    let img = debugdoctor::binary::Image::open(bin).unwrap();
    let s = img.section(name).unwrap();
    assert!(
        s.is_compressed(),
        "{name} of {} is not compressed",
        bin.display()
    );
    let (off, _) = s.file_range.unwrap();
    // Past the compression header and the 2-byte zlib header: BFINAL, then BTYPE.
    data[off as usize + s.compressed_offset as usize + 2] |= 0b110;
}

// ---- DD110 unreadable-go-data

/// Copies of hello/default corrupted as the DD110 tests corrupt them (build info
/// header, pclntab header, DWARF sections), each raising DD110; what Delve does with
/// each; and a separate debug file found by build-id whose DWARF is damaged.
#[test]
fn dd110_corrupt_parts_under_delve() {
    for (dlv, go) in delves() {
        let d = scratch(&format!("dd110-{go}"));
        let fixture = common::fixture(go, "hello", "default").path;
        let whole = std::fs::read(&fixture).unwrap();
        let main_go = common::source_in(&fixture, "hello/main.go");
        let script = format!("break main.main\nbreak {main_go}:26\ncontinue\nlocals\nexit\n");
        let xdg = d.join("xdg");
        let copy = |name: &str, edit: &dyn Fn(&mut Vec<u8>)| -> PathBuf {
            let mut data = whole.clone();
            edit(&mut data);
            let p = d.join(name);
            write_exec(&p, &data);
            let f = findings(&[], &p);
            assert!(
                finding(&f, "DD110").is_some(),
                "go{go} {name}: no DD110: {f:#?}"
            );
            p
        };
        let ctx = |what: &str, out: &str| format!("{} go{go} {what}:\n{out}", dlv.display());

        // Build info: pointer size 3, inline-strings flag cleared.
        let bin = copy("buildinfo", &|b| {
            let at = b
                .windows(14)
                .position(|w| w == b"\xff Go buildinf:")
                .unwrap();
            assert_eq!(b[at + 14], 8);
            b[at + 14] = 3;
            b[at + 15] &= !2;
        });
        let out = dlv_exec(&dlv, &bin, &xdg, &script);
        assert!(
            main_set(&out) && stopped_in(&out, "main.main"),
            "{}",
            ctx("build info", &out)
        );
        // (Go 1.25 exits 1; Go 1.19 prints the same and exits 0.)
        let (_, out, err) = common::exec(common::go_command(go).args(["version", "-m"]).arg(&bin));
        assert!(
            err.contains("could not read Go build info") && err.contains("not a Go executable"),
            "go{go} version -m: {out}{err}"
        );

        // pclntab: an absurd function count in its header.
        let (pcln, _) = stored(&fixture, ".gopclntab");
        let bin = copy("pclntab-count", &|b| {
            b[pcln + 8..pcln + 16].copy_from_slice(&(1u64 << 60).to_le_bytes())
        });
        let out = dlv_exec(&dlv, &bin, &xdg, &script);
        assert!(
            main_set(&out) && stopped_in(&out, "main.main"),
            "{}",
            ctx("pclntab count", &out)
        );

        // pclntab: magic zeroed. The runtime itself throws before main.main.
        let bin = copy("pclntab-magic", &|b| b[pcln..pcln + 4].fill(0));
        let out = dlv_exec(&dlv, &bin, &xdg, &script);
        assert!(
            main_set(&out)
                && out.contains("runtime: pcHeader: magic= 0x0")
                && stopped_in(&out, "runtime.throw")
                && !stopped_in(&out, "main.main"),
            "{}",
            ctx("pclntab magic", &out)
        );

        // .debug_info: its zlib data cannot be inflated.
        let bin = copy("debug-info", &|b| break_deflate(&fixture, ".debug_info", b));
        let out = dlv_exec(&dlv, &bin, &xdg, &script);
        if is_new(go) {
            assert!(
                out.contains("Warning: no debug info found")
                    && main_set(&out)
                    && stopped_in(&out, "main.main")
                    && out.contains(&format!(
                        "could not find file {main_go}, binary is stripped"
                    ))
                    && out
                        .contains("unable to find locals: no debug information present in binary"),
                "{}",
                ctx(".debug_info", &out)
            );
        } else {
            assert!(
                out.contains("could not launch process: could not open debug info")
                    && !main_set(&out),
                "{}",
                ctx(".debug_info", &out)
            );
        }

        // .debug_line, the same way: as for .debug_info.
        let bin = copy("debug-line", &|b| break_deflate(&fixture, ".debug_line", b));
        let out = dlv_exec(&dlv, &bin, &xdg, &script);
        let without_dwarf = if is_new(go) {
            out.contains("Warning: no debug info found")
                && main_set(&out)
                && stopped_in(&out, "main.main")
        } else {
            out.contains("could not launch process: could not open debug info") && !main_set(&out)
        };
        assert!(without_dwarf, "{}", ctx(".debug_line", &out));

        // A separate debug file found by build-id (DIR/.build-id/xx/yyyy.debug, DIR in
        // dlv's debug-info-directories), its .debug_info damaged the same way.
        let f = common::fixture(go, "hello", "buildid");
        let root = common::repo_root();
        let dir = root.join(f.raw["debug_dir"].as_str().unwrap());
        let file = root.join(f.raw["debug_file"].as_str().unwrap());
        let split = d.join("split");
        let debug = split.join("debug").join(file.strip_prefix(&dir).unwrap());
        std::fs::create_dir_all(debug.parent().unwrap()).unwrap();
        std::fs::copy(&f.path, split.join("hello")).unwrap();
        let mut data = std::fs::read(&file).unwrap();
        break_deflate(&file, ".debug_info", &mut data);
        std::fs::write(&debug, data).unwrap();
        let fs = findings(
            &["--debug-dir", split.join("debug").to_str().unwrap()],
            &split.join("hello"),
        );
        assert!(
            finding(&fs, "DD110").is_some(),
            "go{go} debug file: {fs:#?}"
        );
        std::fs::create_dir_all(xdg.join("dlv")).unwrap();
        std::fs::write(
            xdg.join("dlv/config.yml"),
            format!(
                "debug-info-directories: [\"{}\"]\n",
                split.join("debug").display()
            ),
        )
        .unwrap();
        let out = dlv_exec(
            &dlv,
            &split.join("hello"),
            &xdg,
            "break main.main\ncontinue\nexit\n",
        );
        std::fs::remove_file(xdg.join("dlv/config.yml")).unwrap();
        if is_new(go) {
            assert!(
                out.contains("location \"main.main\" not found")
                    && out.contains("has exited with status 0"),
                "{}",
                ctx("debug file", &out)
            );
        } else {
            assert!(
                out.contains("could not launch process: flate: corrupt input before offset"),
                "{}",
                ctx("debug file", &out)
            );
        }
    }
    assert_explains(
        "DD110",
        &[
            "Delve 1.27.1 on copies of a Go 1.25.5 build and Delve 1.20.2 on copies of a Go 1.19.8 build",
            "Build info pointer size 3: both bind and stop at main.main",
            "pclntab function count 2^60: both bind and stop at main.main",
            "pclntab magic zeroed: both bind main.main, and the program stops in runtime.throw (\"runtime: pcHeader: magic= 0x0\") instead",
            "1.20.2 fails with \"could not open debug info\"",
            "1.27.1 binds and stops at main.main, but main.go:26 fails with \"could not find file ..., binary is stripped\" and locals with \"no debug information present in binary\"",
            "The same in .debug_line: the same as for .debug_info",
            "1.20.2 fails with \"flate: corrupt input before offset 1\"",
            "`break main.main` fails with `location \"main.main\" not found` and the program runs to its end",
            "`go version -m` (\"not a Go executable\")",
            "Delve 1.27.1 warns \"no debug info found\"",
        ],
    );
}

// ---- launch configurations through `dlv dap` (DD415, DD416, DD420)

/// What one `dlv dap` session (tests/dap/session.js) did and what Delve said: every
/// output event's text and every error response's message, from Delve's own DAP log
/// (`--log --log-output=dap`, teed from the fd session.js reads).
struct Session {
    /// session.js's document; `fatal` when the launch failed.
    result: Value,
    said: Vec<String>,
    /// The binary Delve builds (`output`).
    output: PathBuf,
}

impl Session {
    /// main.main (function breakpoint) and main.go:26 verified, and the program stopped
    /// at both.
    fn bound_and_stopped(&self) -> bool {
        let v = &self.result;
        let stops: Vec<(&str, u64)> = v["stops"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| {
                        (
                            s["name"].as_str().unwrap_or(""),
                            s["line"].as_u64().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        v.get("fatal").is_none()
            && v["functions"][0]["verified"] == json!(true)
            && v["breakpoints"][0][0]["verified"] == json!(true)
            && stops.contains(&("main.main", 11))
            && stops.iter().any(|&(_, l)| l == 26)
    }

    fn failed_to_launch(&self) -> bool {
        self.result["fatal"]
            .as_str()
            .is_some_and(|f| f.contains("Failed to launch"))
    }

    fn said(&self, text: &str) -> bool {
        self.said.iter().any(|s| s.contains(text))
    }
}

impl std::fmt::Display for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}\nDelve said: {:#?}", self.result, self.said)
    }
}

/// A debug-mode launch of a fresh copy of fixtures/src/hello with `extra` merged into
/// the launch arguments, `dlv dap` started in the pinned Go's environment: PATH with
/// that Go first, GOTOOLCHAIN=local, GOPROXY=off, GOENV=off, GOCACHE under .cache,
/// GOFLAGS unset unless `extra` sets it in "env".
fn dap_launch(name: &str, dlv: &Path, go: &str, extra: Value) -> Session {
    let ws = crate::doctor::workspace(&format!("explain-{name}"), "hello");
    let dir = ws.parent().unwrap().to_path_buf();
    let log = dir.join("delve-dap.log");
    let output = dir.join("__debug_bin");
    let gobin = common::go_tool(go).parent().unwrap().to_path_buf();
    let env = json!({
        "PATH": format!("{}:{}", gobin.display(), std::env::var("PATH").unwrap_or_default()),
        "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOENV": "off",
        "GOCACHE": common::repo_root().join(".cache/gocache").join(go).display().to_string(),
    });
    let mut launch = json!({
        "mode": "debug",
        "program": ws.display().to_string(),
        "output": output.display().to_string(),
    });
    launch
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    // session.js starts ADAPTER... dap FLAGS --listen=... --log-dest=3 and reads fd 3;
    // bash tees that fd into a file, so Delve's DAP log survives a failed launch.
    let tee = format!("exec \"$0\" \"$@\" 3> >(tee '{}' >&3)", log.display());
    let sc = json!({
        "cwd": ws.display().to_string(),
        "env": env,
        "launch": launch,
        "files": [{"path": ws.join("main.go").display().to_string(), "lines": [26]}],
        "functions": ["main.main"],
        "maxStops": 2,
        "adapter": ["bash", "-c", tee, dlv.display().to_string()],
        "dlvFlags": ["--log", "--log-output=dap"],
    });
    let file = dir.join("scenario.json");
    std::fs::write(&file, sc.to_string()).unwrap();
    let result = common::dap_session(&file, &dir, &["GOFLAGS"]);
    // The launch response is in the log once tee has written it.
    let deadline = Instant::now() + Duration::from_secs(10);
    let text = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("\"command\":\"launch\"") && text.contains("[-> to client]")
            || Instant::now() > deadline
        {
            break text;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut said = Vec::new();
    for line in text.lines() {
        let Some((_, frame)) = line.split_once("[-> to client]") else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(frame) else {
            continue;
        };
        for s in [&v["body"]["output"], &v["body"]["error"]["format"]] {
            if let Some(s) = s.as_str() {
                said.push(s.to_string());
            }
        }
    }
    Session {
        result,
        said,
        output,
    }
}

/// DD420: "-gcflags=all=-N -l" in env GOFLAGS fails Delve's build; "-gcflags=all=-N"
/// (one field) does not, and neither does the control without GOFLAGS.
#[test]
fn dd420_gcflags_in_goflags_under_dlv_dap() {
    for (dlv, go) in delves() {
        let control = dap_launch(&format!("dd420-control-{go}"), &dlv, go, json!({}));
        assert!(control.bound_and_stopped(), "control go{go}: {control}");
        let one = dap_launch(
            &format!("dd420-one-field-{go}"),
            &dlv,
            go,
            json!({"env": {"GOFLAGS": "-gcflags=all=-N"}}),
        );
        assert!(one.bound_and_stopped(), "-gcflags=all=-N go{go}: {one}");
        let split = dap_launch(
            &format!("dd420-split-{go}"),
            &dlv,
            go,
            json!({"env": {"GOFLAGS": "-gcflags=all=-N -l"}}),
        );
        assert!(
            split.failed_to_launch()
                && split.said("Build error: Check the debug console for details.")
                && split.said(&format!(
                    "Build Error: go build -o {} -gcflags all=-N -l",
                    split.output.display()
                ))
                && split.said("go: parsing $GOFLAGS: unknown flag -l"),
            "-gcflags=all=-N -l go{go}: {split}"
        );
    }
    assert_explains(
        "DD420",
        &[
            "Delve 1.27.1 with Go 1.25.5 and Delve 1.20.2 with Go 1.19.8",
            "GOFLAGS \"-gcflags=all=-N -l\": the launch fails (\"Build error: Check the debug console for details.\"",
            "\"Build Error: go build -o ... -gcflags all=-N -l ...\"",
            "\"go: parsing $GOFLAGS: unknown flag -l\"",
            "\"-gcflags=all=-N\" (one field): main.main and main.go:26 bind and stop, as without GOFLAGS",
        ],
    );
}

/// DD416: `${workspaceDir}` left as written in "program" and in "cwd".
#[test]
fn dd416_unknown_variable_reaches_dlv_dap() {
    for (dlv, go) in delves() {
        let program = dap_launch(
            &format!("dd416-program-{go}"),
            &dlv,
            go,
            json!({"program": "${workspaceDir}"}),
        );
        assert!(
            program.failed_to_launch()
                && program.said("-gcflags all=-N -l ${workspaceDir}")
                && program.said("malformed import path \"${workspaceDir}\": invalid char '$'"),
            "program go{go}: {program}"
        );
        let cwd = dap_launch(
            &format!("dd416-cwd-{go}"),
            &dlv,
            go,
            json!({"cwd": "${workspaceDir}"}),
        );
        let want = format!(
            "could not launch process: fork/exec {}: no such file or directory",
            cwd.output.display()
        );
        assert!(
            cwd.failed_to_launch()
                && !cwd.said("Build Error")
                && cwd.said(&want)
                && !cwd.said.iter().any(|s| s.contains("workspaceDir")),
            "cwd go{go}: {cwd}"
        );
    }
    assert_explains(
        "DD416",
        &[
            "Delve 1.27.1 with Go 1.25.5 and Delve 1.20.2 with Go 1.19.8",
            "As \"program\": the build fails",
            "\"malformed import path \"${workspaceDir}\": invalid char '$'\"",
            "As \"cwd\": the build succeeds and the launch fails with \"could not launch process: fork/exec BIN: no such file or directory\", naming the binary, not the missing directory",
        ],
    );
}

/// DD415: Delve has no "name" field: a number there is accepted (a field Delve reads
/// refuses one), and Delve's source has no `json:"name"` in its DAP arguments.
#[test]
fn dd415_delve_never_reads_name() {
    let types = common::repo_root().join(".cache/delve-1.27.1/service/dap/types.go");
    let src = std::fs::read_to_string(&types)
        .unwrap_or_else(|e| panic!("{}: {e}: run scripts/toolchains", types.display()));
    assert!(
        src.contains("json:\"program"),
        "not Delve's DAP types: {}",
        types.display()
    );
    assert!(
        !src.contains("json:\"name"),
        "Delve 1.27.1 reads a \"name\" field"
    );
    for (dlv, go) in delves() {
        let named = dap_launch(&format!("dd415-name-{go}"), &dlv, go, json!({"name": 42}));
        assert!(named.bound_and_stopped(), "\"name\": 42 go{go}: {named}");
        let read = dap_launch(
            &format!("dd415-stop-on-entry-{go}"),
            &dlv,
            go,
            json!({"stopOnEntry": 42}),
        );
        assert!(
            read.failed_to_launch() && read.said("cannot unmarshal number"),
            "\"stopOnEntry\": 42 go{go}: {read}"
        );
    }
    assert_explains(
        "DD415",
        &[
            "Delve never reads \"name\"",
            "(service/dap/types.go in Delve 1.27.1)",
            "Delve 1.27.1 (Go 1.25.5 build) and 1.20.2 (Go 1.19.8 build)",
            "sent \"name\": 42, which a string field could not decode: the session starts and stops at main.main and main.go:26",
            "\"stopOnEntry\": 42, a field Delve reads, fails the launch (\"cannot unmarshal number\")",
        ],
    );
}

// ---- DD601 main-not-reached

/// Builds a main package whose init runs `init_body` (with fmt and os imported) with Go
/// `go` and -gcflags=all=-N -l into DIR/prog.
fn build_init_program(dir: &Path, go: &str, init_body: &str) -> PathBuf {
    std::fs::write(
        dir.join("go.mod"),
        "module example.com/initexit\n\ngo 1.19\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.go"),
        format!(
            "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc init() {{\n\t{init_body}\n}}\n\nfunc main() {{\n\tfmt.Println(\"main reached\")\n\tos.Exit(0)\n}}\n"
        ),
    )
    .unwrap();
    let bin = dir.join("prog");
    let (code, _, err) = common::exec(
        common::go_command(go)
            .args(["build", "-gcflags=all=-N -l", "-o"])
            .arg(&bin)
            .arg(".")
            .current_dir(dir),
    );
    assert_eq!(code, 0, "go{go}: {err}");
    bin
}

/// A program that exits (os.Exit(3)) or panics in init: Delve sets `break main.main`
/// and never stops there; `check --probe` and `probe` report DD601 with the exit status.
#[test]
fn dd601_program_ends_in_init() {
    let script = "break main.main\ncontinue\nexit\n";
    for (dlv, go) in delves() {
        for (what, body, status) in [
            (
                "exit",
                "fmt.Fprintln(os.Stderr, \"init: exiting before main\")\n\tos.Exit(3)",
                3,
            ),
            (
                "panic",
                "fmt.Fprint(os.Stderr)\n\tpanic(\"init: giving up before main\")",
                2,
            ),
        ] {
            let d = scratch(&format!("dd601-{what}-{go}"));
            let bin = build_init_program(&d, go, body);
            let out = dlv_exec(&dlv, &bin, &d.join("xdg"), script);
            let ctx = format!("{} go{go} {what}:\n{out}", dlv.display());
            assert!(main_set(&out) && !stopped_in(&out, "main.main"), "{ctx}");
            assert!(!out.contains("main reached"), "{ctx}");
            if what == "exit" {
                assert!(out.contains("has exited with status 3"), "{ctx}");
            } else {
                assert!(
                    out.lines()
                        .any(|l| l.starts_with("> [unrecovered-panic] runtime.fatalpanic()")),
                    "{ctx}"
                );
            }
            let want = format!("not hit before exit: the process exited with status {status}");
            let f = findings(&["--probe"], &bin);
            let dd601 =
                finding(&f, "DD601").unwrap_or_else(|| panic!("go{go} {what}: no DD601: {f:#?}"));
            assert!(
                dd601["message"].as_str().unwrap().contains(&want),
                "{dd601:#}"
            );
            let probe = common::dd()
                .args(["probe"])
                .arg(&bin)
                .args(["--break", "main.main"])
                .run();
            assert!(
                probe.stdout.contains("main.main") && probe.stdout.contains(&want),
                "probe go{go} {what}: {}{}",
                probe.stdout,
                probe.stderr
            );
        }
    }
    assert_explains(
        "DD601",
        &[
            "Delve 1.27.1 on a Go 1.25.5 build and Delve 1.20.2 on a Go 1.19.8 build (-N -l)",
            "os.Exit(3) in init",
            "the breakpoint is set, then \"Process N has exited with status 3\"",
            "\"not hit before exit: the process exited with status 3\"",
            "both Delves stop at their unrecovered-panic breakpoint in runtime.fatalpanic, not at main.main, and the probe reports \"exited with status 2\"",
        ],
    );
}

/// Rules whose fix could not be tried against Delve on any machine the tests run on.
const NO_DELVE_MEASUREMENT: &[(&str, &str)] = &[(
    "DD106",
    "no packed Go binary can be made here (upx is not packaged for Debian 12 and no \
     reachable registry ships it); the rule's text says so",
)];

/// Issue 18 item 3: every rule's `explain` has a "Verified with" section, and it names
/// the Delve version(s) it was measured with (1.20.x and/or 1.25+), except the rules
/// listed in [`NO_DELVE_MEASUREMENT`], whose section says why not.
#[test]
fn every_explain_names_the_delve_it_was_verified_with() {
    let version = regex::Regex::new(r"Delve 1\.(2[0-9])").unwrap();
    let mut missing = Vec::new();
    for rule in debugdoctor::registry::RULES {
        let id = rule.id.to_string();
        let section: String = rule
            .explain
            .split("\nVerified with\n")
            .nth(1)
            .map(|rest| rest.split("\n\n").next().unwrap_or(""))
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let exempt = NO_DELVE_MEASUREMENT.iter().any(|(x, _)| *x == id);
        match (section.is_empty(), version.is_match(&section), exempt) {
            (true, _, _) => missing.push(format!("{id}: no \"Verified with\" section")),
            (false, false, false) => {
                missing.push(format!("{id}: names no Delve version: {section}"))
            }
            (false, true, true) => missing.push(format!(
                "{id}: now names a Delve version; drop it from NO_DELVE_MEASUREMENT"
            )),
            _ => {}
        }
        if exempt {
            assert!(section.contains("Not applied"), "{id}: {section}");
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
