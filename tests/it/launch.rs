//! `debugdoctor launch` end to end: every input in `tests/launch/` is copied into a
//! scratch workspace (with real fixture binaries in `bin/`), linted, and its finding set
//! compared with the `// expect:` line at its top; fixable inputs are fixed and compared
//! with `<input>.fixed`, then fixed again to show nothing changes. Malformed files must
//! exit 2 with one line and stay byte-identical.

use crate::common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn inputs_dir() -> PathBuf {
    common::repo_root().join("tests/launch")
}

/// The fixtures/ whose paths the fixture binaries record: the checkout that built the
/// shared `.cache` (a worktree borrows another checkout's cache through a symlink).
fn fixtures_dir() -> String {
    let root = std::fs::canonicalize(common::repo_root().join(".cache"))
        .ok()
        .and_then(|c| c.parent().map(Path::to_path_buf))
        .unwrap_or_else(common::repo_root);
    root.join("fixtures").display().to_string()
}

/// A workspace like the ones real launch.json files point into.
pub(crate) fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let w = dir.path();
    for d in [".vscode", "cmd/server", "bin", "testdata", "config"] {
        std::fs::create_dir_all(w.join(d)).unwrap();
    }
    for (f, text) in [
        ("go.mod", "module example.com/app\n\ngo 1.25\n"),
        ("main.go", "package main\n\nfunc main() {}\n"),
        (
            "main_test.go",
            "package main\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {}\n",
        ),
        ("cmd/server/main.go", "package main\n\nfunc main() {}\n"),
        ("cmd/server/server_test.go", "package main\n"),
        (".env", "APP_ENV=dev\n"),
        ("config/dev.env", "PORT=8080\n"),
    ] {
        std::fs::write(w.join(f), text).unwrap();
    }
    let fixtures = common::repo_root().join(".cache/fixtures/go1.25.5/hello");
    for (variant, name) in [("noopt", "hello"), ("sw", "hello-sw")] {
        let src = fixtures.join(variant).join("hello");
        std::fs::copy(&src, w.join("bin").join(name))
            .unwrap_or_else(|e| panic!("{}: {e} (fixtures not built?)", src.display()));
    }
    dir
}

struct Case {
    /// Path under tests/launch/ (`real/x.json` for the real-world corpus).
    name: String,
    text: String,
    expect: Vec<String>,
    args: Vec<String>,
    /// Paths the configuration names in its own repository, created in the scratch
    /// workspace (`dir/`, `file`, or `file=@hello` for a copy of the fixture binary).
    tree: Vec<String>,
}

impl Case {
    /// A real-world file that VS Code itself cannot parse.
    fn syntax_error(&self) -> bool {
        self.expect == ["syntax-error"]
    }

    /// Creates the case's `// tree:` in the workspace and writes the input; returns the
    /// input's path relative to the workspace.
    fn install(&self, ws: &Path) -> &'static str {
        for entry in &self.tree {
            let (path, copy) = match entry.split_once("=@") {
                Some((p, bin)) => (p, Some(bin)),
                None => (entry.as_str(), None),
            };
            let full = ws.join(path);
            if path.ends_with('/') {
                std::fs::create_dir_all(&full).unwrap();
                continue;
            }
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            match copy {
                Some(bin) => {
                    std::fs::copy(ws.join("bin").join(bin), &full).unwrap();
                }
                None if path.ends_with(".go") => {
                    let pkg = if path.ends_with("_test.go") {
                        "package x\n"
                    } else {
                        "package main\n\nfunc main() {}\n"
                    };
                    std::fs::write(&full, pkg).unwrap();
                }
                None => std::fs::write(&full, "").unwrap(),
            }
        }
        let rel = rel_path(self);
        std::fs::write(ws.join(rel), &self.text).unwrap();
        rel
    }
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = [inputs_dir(), inputs_dir().join("real")]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            (n.ends_with(".json") || n.ends_with(".code-workspace")) && !n.contains(".fixed")
        })
        .collect();
    entries.sort();
    for p in entries {
        // `@FIXTURES@` stands for this checkout's fixtures/ (paths the fixture binaries
        // record), so inputs do not depend on where the repository lives.
        let text = std::fs::read_to_string(&p)
            .unwrap()
            .replace("@FIXTURES@", &fixtures_dir());
        let header = |key: &str| {
            text.lines()
                .take_while(|l| l.starts_with("//"))
                .find_map(|l| l.strip_prefix(&format!("// {key}:")).map(str::trim))
                .map(str::to_string)
        };
        let expect =
            header("expect").unwrap_or_else(|| panic!("{}: no // expect: line", p.display()));
        let mut expect: Vec<String> = if expect == "none" {
            Vec::new()
        } else {
            expect.split_whitespace().map(str::to_string).collect()
        };
        expect.sort();
        let args = header("args")
            .map(|a| a.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let tree = header("tree")
            .map(|a| a.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        out.push(Case {
            name: p
                .strip_prefix(inputs_dir())
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            text,
            expect,
            args,
            tree,
        });
    }
    out
}

/// Where an input goes inside the workspace, relative to it.
fn rel_path(case: &Case) -> &'static str {
    if case.name.ends_with(".code-workspace") {
        "app.code-workspace"
    } else {
        ".vscode/launch.json"
    }
}

fn args_for(case: &Case, ws: &Path) -> Vec<String> {
    case.args
        .iter()
        .map(|a| a.replace("$WS", &ws.to_string_lossy()))
        .collect()
}

/// Runs `debugdoctor launch` in `ws`; returns (code, stdout, stderr).
fn launch(ws: &Path, file: &str, extra: &[String]) -> (i32, String, String) {
    common::dd()
        .current_dir(ws)
        .env("NO_COLOR", "1")
        .arg("launch")
        .arg(file)
        .args(extra)
        .run()
        .parts()
}

fn json_findings(stdout: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(v["schema_version"], 1);
    v["findings"].as_array().cloned().unwrap_or_default()
}

/// `DD401@12:9` for every launch.json finding (binary findings DD1xx–DD3xx are compared
/// with `check` separately).
fn ids(findings: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = findings
        .iter()
        .filter(|f| f["id"].as_str().unwrap_or("").starts_with("DD4"))
        .map(|f| {
            format!(
                "{}@{}:{}",
                f["id"].as_str().unwrap(),
                f["location"]["line"],
                f["location"]["column"]
            )
        })
        .collect();
    v.sort();
    v
}

fn comments(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"(?s)"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/"#).unwrap();
    re.find_iter(text)
        .map(|m| m.as_str().to_string())
        .filter(|m| !m.starts_with('"'))
        .collect()
}

#[test]
fn at_least_thirty_inputs() {
    assert!(cases().len() >= 30, "only {} inputs", cases().len());
}

/// Every launch.json rule fires in some input and is absent from a near miss: an input
/// whose `// not:` line names it (each input's findings are compared exactly, so the
/// near miss is checked by `each_input_has_exactly_the_expected_findings`).
#[test]
fn every_launch_rule_fires_and_has_a_near_miss() {
    let cases = cases();
    for rule in debugdoctor::registry::RULES
        .iter()
        .filter(|r| r.id.to_string().starts_with("DD4"))
    {
        let id = rule.id.to_string();
        let fires = cases
            .iter()
            .any(|c| c.expect.iter().any(|e| e.starts_with(&format!("{id}@"))));
        assert!(fires, "{id}: no input where it fires");
        let near: Vec<&Case> = cases
            .iter()
            .filter(|c| {
                c.text.lines().take_while(|l| l.starts_with("//")).any(|l| {
                    l.strip_prefix("// not:")
                        .is_some_and(|n| n.split_whitespace().any(|w| w == id))
                })
            })
            .collect();
        assert!(!near.is_empty(), "{id}: no near miss (`// not: {id}`)");
    }
}

/// The real-world corpus: at least 40 files, each naming where it comes from.
#[test]
fn real_world_corpus_has_sources() {
    let real: Vec<Case> = cases()
        .into_iter()
        .filter(|c| c.name.starts_with("real/"))
        .collect();
    assert!(real.len() >= 40, "only {} real-world files", real.len());
    for c in &real {
        let source = c
            .text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("// source: https://"));
        assert!(source.is_some(), "{}: no // source: URL line", c.name);
        assert!(
            !c.expect.contains(&"TBD".to_string()),
            "{}: not reviewed",
            c.name
        );
    }
}

#[test]
fn each_input_has_exactly_the_expected_findings() {
    let mut failures = Vec::new();
    for case in cases() {
        let ws = workspace();
        let rel = case.install(ws.path());
        let file = ws.path().join(rel);
        let mut args = vec!["--json".to_string()];
        args.extend(args_for(&case, ws.path()));
        let (code, out, err) = launch(ws.path(), rel, &args);
        if case.syntax_error() {
            assert_eq!(code, 2, "{}: exit code ({err})", case.name);
            assert!(err.lines().count() == 1, "{}: {err}", case.name);
            // --json: the JSON error document, with the stderr line's message.
            let v: serde_json::Value = serde_json::from_str(&out).expect("JSON error");
            assert_eq!(v["error"]["exit_code"], 2, "{}: {out}", case.name);
            assert!(
                err.contains(v["error"]["message"].as_str().unwrap()),
                "{}: {out}",
                case.name
            );
            assert!(err.contains("syntax error"), "{}: {err}", case.name);
            continue;
        }
        assert!(err.is_empty(), "{}: stderr {err}", case.name);
        let findings = json_findings(&out);
        let got = ids(&findings);
        if got != case.expect {
            failures.push(format!(
                "{}: expected {:?}\n   got {:?}",
                case.name, case.expect, got
            ));
        }
        let errors = findings.iter().any(|f| f["severity"] == "error");
        assert_eq!(code, if errors { 1 } else { 0 }, "{}: exit code", case.name);
        // Never modified without --fix.
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            case.text,
            "{} modified",
            case.name
        );
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn fix_keeps_comments_and_is_idempotent() {
    let bless = std::env::var_os("LAUNCH_BLESS").is_some();
    let mut fixed_any = 0;
    for case in cases().into_iter().filter(|c| !c.syntax_error()) {
        let ws = workspace();
        let rel = case.install(ws.path());
        let file = ws.path().join(rel);
        let extra = args_for(&case, ws.path());
        let mut json = vec!["--json".to_string()];
        json.extend(extra.clone());
        let before = json_findings(&launch(ws.path(), rel, &json).1);
        let fixable: Vec<String> = before
            .iter()
            .filter(|f| f["fixable"] == true)
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect();
        let expected_path = inputs_dir().join(format!("{}.fixed", case.name));

        // --diff prints but never writes.
        let mut diff_args = vec!["--diff".to_string()];
        diff_args.extend(extra.clone());
        let (_, diff_out, _) = launch(ws.path(), rel, &diff_args);
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            case.text,
            "{}: --diff wrote",
            case.name
        );

        let mut fix_args = vec!["--fix".to_string()];
        fix_args.extend(extra.clone());
        let (_, out, err) = launch(ws.path(), rel, &fix_args);
        assert!(err.is_empty(), "{}: {err}", case.name);
        let after = std::fs::read_to_string(&file).unwrap();
        if fixable.is_empty() {
            assert_eq!(
                after, case.text,
                "{}: changed without fixable findings",
                case.name
            );
            assert!(!expected_path.exists(), "{}: stale .fixed file", case.name);
            continue;
        }
        fixed_any += 1;
        assert_ne!(
            after, case.text,
            "{}: fixable findings but no change",
            case.name
        );
        assert!(
            out.starts_with("--- a/"),
            "{}: no diff printed:\n{out}",
            case.name
        );
        assert!(
            diff_out.starts_with("--- a/"),
            "{}: --diff printed no diff",
            case.name
        );
        if bless {
            std::fs::write(&expected_path, after.replace(&fixtures_dir(), "@FIXTURES@")).unwrap();
        } else {
            let expected = std::fs::read_to_string(&expected_path)
                .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()))
                .replace("@FIXTURES@", &fixtures_dir());
            assert_eq!(after, expected, "{}: fixed file differs", case.name);
        }
        // Comments survive byte for byte, in order; only those inside a removed attribute
        // (a `-` line of the diff) may go.
        let removed: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
            .collect();
        let kept = comments(&after);
        let mut k = kept.iter().peekable();
        for c in comments(&case.text) {
            if k.peek() == Some(&&c) {
                k.next();
            } else {
                assert!(
                    removed.iter().any(|l| l.contains(&c)),
                    "{}: comment {c:?} lost outside the edit",
                    case.name
                );
            }
        }
        assert!(
            k.next().is_none(),
            "{}: comments added or reordered",
            case.name
        );
        // The fixed file has nothing fixable left, and a second --fix changes nothing.
        let again = json_findings(&launch(ws.path(), rel, &json).1);
        assert!(
            again.iter().all(|f| f["fixable"] == false),
            "{}: still fixable after --fix: {again:?}",
            case.name
        );
        for id in &fixable {
            assert!(
                again.iter().filter(|f| f["id"] == id.as_str()).count()
                    < before.iter().filter(|f| f["id"] == id.as_str()).count(),
                "{}: {id} not reduced by --fix",
                case.name
            );
        }
        // Re-linted, the fixed file has none of the findings the fix was meant to remove
        // (same rule, configuration and message).
        let key = |f: &Value| {
            (
                f["id"].clone(),
                f["configuration"].clone(),
                f["message"].clone(),
            )
        };
        for f in before.iter().filter(|f| f["fixable"] == true) {
            assert!(
                !again.iter().any(|g| key(g) == key(f)),
                "{}: {} remains after --fix: {}",
                case.name,
                f["id"],
                f["message"]
            );
        }
        let (_, out2, _) = launch(ws.path(), rel, &fix_args);
        assert!(
            !out2.contains("--- a/"),
            "{}: second --fix printed a diff",
            case.name
        );
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            after,
            "{}: second --fix changed it",
            case.name
        );
    }
    assert!(fixed_any >= 8, "only {fixed_any} inputs exercised --fix");
}

#[test]
fn fix_preserves_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let ws = workspace();
    let case = cases()
        .into_iter()
        .find(|c| c.name.starts_with("09_"))
        .unwrap();
    let file = ws.path().join(".vscode/launch.json");
    std::fs::write(&file, &case.text).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (code, _, _) = launch(ws.path(), ".vscode/launch.json", &["--fix".into()]);
    assert_eq!(code, 0);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let leftovers: Vec<_> = std::fs::read_dir(ws.path().join(".vscode"))
        .unwrap()
        .collect();
    assert_eq!(leftovers.len(), 1, "temporary file left behind");
}

#[test]
fn exec_mode_reports_the_binarys_own_findings() {
    for (input, binary) in [("31_", "hello-sw"), ("32_", "hello")] {
        let ws = workspace();
        let case = cases()
            .into_iter()
            .find(|c| c.name.starts_with(input))
            .unwrap();
        std::fs::write(ws.path().join(".vscode/launch.json"), &case.text).unwrap();
        let (_, out, _) = launch(ws.path(), ".vscode/launch.json", &["--json".into()]);
        let findings = json_findings(&out);
        let t = debugdoctor::Target::open(ws.path().join("bin").join(binary)).unwrap();
        let mut want: Vec<String> = debugdoctor::registry::check(&t)
            .iter()
            .map(|f| f.id.to_string())
            .collect();
        want.sort();
        assert!(
            !want.is_empty(),
            "{binary}: the checks found nothing to compare"
        );
        let mut got: Vec<&str> = findings
            .iter()
            .filter_map(|f| f["id"].as_str())
            .filter(|id| !id.starts_with("DD4"))
            .collect();
        got.sort();
        assert_eq!(got, want, "{input}: binary findings differ from `check`");
        // They sit on the program attribute's value.
        let program_line = case
            .text
            .lines()
            .position(|l| l.contains("\"program\""))
            .unwrap()
            + 1;
        for f in findings
            .iter()
            .filter(|f| !f["id"].as_str().unwrap().starts_with("DD4"))
        {
            assert_eq!(f["location"]["line"], program_line, "{input}: {f}");
        }
    }
}

#[test]
fn malformed_files_exit_2_with_one_line_and_stay_untouched() {
    let deep = "[".repeat(10 * 1024 * 1024 - 16);
    let bad: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "unterminated string",
            b"{\n  \"configurations\": [\n    { \"name\": \"x }\n  ]\n}\n".to_vec(),
            ":3:",
        ),
        (
            "binary garbage",
            std::fs::read(common::repo_root().join(".cache/fixtures/go1.25.5/hello/sw/hello"))
                .unwrap()[..4096]
                .to_vec(),
            "not UTF-8",
        ),
        (
            "10 MB of nesting",
            deep.into_bytes(),
            "nested deeper than 100",
        ),
        (
            "NUL byte",
            b"{\"configurations\": []}\0".to_vec(),
            "NUL byte",
        ),
        (
            "single quotes",
            b"{'configurations': []}".to_vec(),
            "syntax error",
        ),
        (
            "missing comma",
            b"{\"a\": 1 \"b\": 2}".to_vec(),
            "syntax error",
        ),
        ("top-level array", b"[1, 2]".to_vec(), "not a launch.json"),
        (
            "configurations not an array",
            b"{\"configurations\": {}}".to_vec(),
            "not an array",
        ),
        (
            "too large",
            {
                let mut v = b"{\"configurations\": [], \"x\": \"".to_vec();
                v.extend(std::iter::repeat_n(b'a', 11 * 1024 * 1024));
                v.extend(b"\"}");
                v
            },
            "10 MB limit",
        ),
    ];
    for (what, bytes, needle) in bad {
        let ws = tempfile::tempdir().unwrap();
        std::fs::create_dir(ws.path().join(".vscode")).unwrap();
        let file = ws.path().join(".vscode/launch.json");
        std::fs::write(&file, &bytes).unwrap();
        for extra in [
            vec![],
            vec!["--fix".to_string()],
            vec!["--json".to_string()],
        ] {
            let (code, out, err) = launch(ws.path(), ".vscode/launch.json", &extra);
            assert_eq!(code, 2, "{what}: exit code ({err})");
            if extra.iter().any(|a| a == "--json") {
                let v: serde_json::Value = serde_json::from_str(&out).expect("JSON error");
                assert_eq!(v["error"]["exit_code"], 2, "{what}: {out}");
            } else {
                assert!(out.is_empty(), "{what}: stdout {out}");
            }
            assert_eq!(err.lines().count(), 1, "{what}: stderr {err}");
            assert!(err.contains(needle), "{what}: {err:?} lacks {needle:?}");
            assert!(
                err.starts_with("debugdoctor: .vscode/launch.json"),
                "{what}: {err}"
            );
            assert!(
                std::fs::read(&file).unwrap() == bytes,
                "{what}: file modified"
            );
        }
    }
}

#[test]
fn missing_file_and_directory_exit_2() {
    let ws = tempfile::tempdir().unwrap();
    // Default path, absent.
    let (code, _, err) = common::dd()
        .current_dir(ws.path())
        .arg("launch")
        .run()
        .parts();
    assert_eq!(code, 2);
    assert_eq!(err.trim(), "debugdoctor: .vscode/launch.json: no such file");
    std::fs::create_dir(ws.path().join(".vscode")).unwrap();
    let (code, _, err) = launch(ws.path(), ".vscode", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("is a directory"), "{err}");
}

#[test]
fn human_output_snapshots() {
    for prefix in ["02_", "11_", "16_", "24_", "33_"] {
        let ws = workspace();
        let case = cases()
            .into_iter()
            .find(|c| c.name.starts_with(prefix))
            .unwrap();
        std::fs::write(ws.path().join(".vscode/launch.json"), &case.text).unwrap();
        let (_, out, _) = launch(ws.path(), ".vscode/launch.json", &[]);
        let out = out.replace(&ws.path().to_string_lossy().into_owned(), "$WS");
        insta::with_settings!({snapshot_path => "../launch/snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(case.name.trim_end_matches(".json").to_string(), out);
        });
    }
}

#[test]
fn binary_option_checks_every_configuration_and_symlinks_survive_fix() {
    let ws = workspace();
    let case = cases()
        .into_iter()
        .find(|c| c.name.starts_with("02_"))
        .unwrap();
    // A launch.json kept elsewhere and symlinked into .vscode, as dotfile setups do.
    let real = ws.path().join("config/launch.json");
    std::fs::write(&real, &case.text).unwrap();
    std::os::unix::fs::symlink(&real, ws.path().join(".vscode/launch.json")).unwrap();
    let (_, out, _) = launch(
        ws.path(),
        ".vscode/launch.json",
        &["--json".into(), "--binary".into(), "bin/hello".into()],
    );
    let findings = json_findings(&out);
    assert!(
        findings
            .iter()
            .any(|f| !f["id"].as_str().unwrap().starts_with("DD4")),
        "--binary added no binary findings: {findings:?}"
    );
    // substitutePaths is not substitutePath: without the fix nothing maps.
    assert!(findings.iter().any(|f| f["id"] == "DD401"));
    let (_, _, err) = launch(ws.path(), ".vscode/launch.json", &["--fix".into()]);
    assert!(err.is_empty(), "{err}");
    let link = std::fs::symlink_metadata(ws.path().join(".vscode/launch.json")).unwrap();
    assert!(link.file_type().is_symlink(), "--fix replaced the symlink");
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .contains("\"substitutePath\": ["));
}

/// `--fix` on a CRLF file writes CRLF: every fixable input, converted to CRLF, fixes to
/// its `.fixed` file converted the same way.
#[test]
fn fix_keeps_crlf_for_every_fixable_input() {
    let mut checked = 0;
    for case in cases().into_iter().filter(|c| !c.syntax_error()) {
        let expected_path = inputs_dir().join(format!("{}.fixed", case.name));
        let Ok(expected) = std::fs::read_to_string(&expected_path) else {
            continue;
        };
        let crlf = |s: &str| s.replace("\r\n", "\n").replace('\n', "\r\n");
        let ws = workspace();
        let mut case = case;
        case.text = crlf(&case.text);
        let rel = case.install(ws.path());
        let mut args = vec!["--fix".to_string()];
        args.extend(args_for(&case, ws.path()));
        let (_, _, err) = launch(ws.path(), rel, &args);
        assert!(err.is_empty(), "{}: {err}", case.name);
        let after = std::fs::read_to_string(ws.path().join(rel)).unwrap();
        let expected = crlf(&expected.replace("@FIXTURES@", &fixtures_dir()));
        assert_eq!(after, expected, "{}: CRLF not kept", case.name);
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} fixable inputs");
}

const SHIFTING: &str = r#"{
    "configurations": [
        {
            "name": "Legacy leftovers",
            "type": "go",
            "request": "attach",
            "mode": "remote",
            "port": 2345,
            "apiVersion": 2,
            "dlvLoadConfig": { "maxStringLen": 64 }
        },
        {
            "name": "Port as text",
            "type": "go",
            "request": "attach",
            "mode": "remote",
            "port": "2345"
        }
    ]
}
"#;

/// `--diff` leaves the file alone, so its findings are at the file's own lines; `--fix`
/// reports at the lines of the file it wrote.
#[test]
fn diff_reports_findings_at_the_unchanged_files_lines() {
    let ws = workspace();
    let file = ws.path().join(".vscode/launch.json");
    std::fs::write(&file, SHIFTING).unwrap();
    let line_of = |out: &str, id: &str| -> Vec<u64> {
        json_findings(out)
            .iter()
            .filter(|f| f["id"] == id)
            .map(|f| f["location"]["line"].as_u64().unwrap())
            .collect()
    };
    let (_, plain, _) = launch(ws.path(), ".vscode/launch.json", &["--json".into()]);
    let (_, diff, _) = launch(
        ws.path(),
        ".vscode/launch.json",
        &["--json".into(), "--diff".into()],
    );
    assert_eq!(line_of(&plain, "DD405"), vec![17]);
    assert_eq!(line_of(&diff, "DD405"), vec![17], "--diff: {diff}");
    assert_eq!(
        line_of(&diff, "DD402").len(),
        2,
        "--diff lists the fixable ones too"
    );
    let v: Value = serde_json::from_str(&diff).unwrap();
    assert_eq!(v["fixed"], false);
    assert!(v["diff"].as_str().unwrap().starts_with("--- a/"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), SHIFTING);
    // The human --diff output names the same line.
    let (_, human, _) = launch(ws.path(), ".vscode/launch.json", &["--diff".into()]);
    assert!(
        human.contains(".vscode/launch.json:17:"),
        "--diff human output: {human}"
    );
    let (_, fixed, _) = launch(
        ws.path(),
        ".vscode/launch.json",
        &["--json".into(), "--fix".into()],
    );
    assert_eq!(line_of(&fixed, "DD405"), vec![15], "--fix: {fixed}");
}

/// The JSON document names the workspace actually used, and every fixable finding says
/// what its fix does.
#[test]
fn json_names_the_workspace_and_every_fix() {
    let ws = workspace();
    std::fs::write(ws.path().join(".vscode/launch.json"), SHIFTING).unwrap();
    let (_, out, _) = launch(ws.path(), ".vscode/launch.json", &["--json".into()]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let want = std::fs::canonicalize(ws.path()).unwrap();
    let got = std::fs::canonicalize(v["workspace"].as_str().expect("workspace")).unwrap();
    assert_eq!(got, want);
    for case in cases().into_iter().filter(|c| !c.syntax_error()) {
        let ws = workspace();
        let rel = case.install(ws.path());
        let mut args = vec!["--json".to_string()];
        args.extend(args_for(&case, ws.path()));
        let (_, out, _) = launch(ws.path(), rel, &args);
        for f in json_findings(&out) {
            if f["fixable"] == true {
                assert!(
                    f["fix"].is_string(),
                    "{}: fixable without fix: {f}",
                    case.name
                );
            }
        }
    }
}

/// `--file` is a path as the shell sees it: relative to the current directory.
#[test]
fn relative_active_file_is_relative_to_the_current_directory() {
    let ws = workspace();
    let text = r#"{"configurations": [
        {"name": "t", "type": "go", "request": "launch", "mode": "test", "program": "${file}"},
        {"name": "a", "type": "go", "request": "launch", "mode": "auto", "program": "${fileDirname}"}
    ]}"#;
    std::fs::write(ws.path().join(".vscode/launch.json"), text).unwrap();
    let (_, out, err) = common::dd()
        .current_dir(ws.path().join("cmd/server"))
        .args([
            "launch",
            "../../.vscode/launch.json",
            "--json",
            "--file",
            "server_test.go",
        ])
        .run()
        .parts();
    assert!(err.is_empty(), "{err}");
    let findings = json_findings(&out);
    assert!(
        findings.iter().all(|f| f["id"] != "DD404"),
        "--file resolved elsewhere: {findings:?}"
    );
    let auto = findings
        .iter()
        .find(|f| f["id"] == "DD409")
        .expect("auto mode with a _test.go active file");
    assert!(
        auto["message"]
            .as_str()
            .unwrap()
            .contains("cmd/server/server_test.go"),
        "{auto}"
    );
}
