//! `debugdoctor paths` on real binaries: fixtures, plus binaries built here in one
//! directory and examined from another (as a container or CI build would be), checked
//! against the file system and, where Debian's Delve can read the binary, against real
//! Delve binding `break /editor/path/main.go:N` with and without the suggested rules.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const GO: &str = "1.25.5";

fn abs(p: &Path) -> String {
    std::path::absolute(p)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn src(program: &str) -> PathBuf {
    common::repo_root().join("fixtures/src").join(program)
}

/// Runs `debugdoctor paths --json` and returns (exit code, document).
fn paths_json(binary: &Path, workspace: &Path, extra: &[&str]) -> (i32, Value) {
    let (code, out, err) = common::dd()
        .arg("paths")
        .arg(binary)
        .arg("--workspace")
        .arg(workspace)
        .arg("--json")
        .args(extra)
        .run()
        .parts();
    let v: Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {out}\nstderr: {err}"));
    assert_eq!(v["schema_version"], 1);
    (code, v)
}

fn go_flag(version: &str) -> String {
    format!("--go={}", common::go_tool(version).display())
}

/// The `(from, to)` pairs of a rule list in the JSON document.
fn pairs(v: &Value, key: &str) -> Vec<(String, String)> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .iter()
        .map(|r| {
            (
                r["from"].as_str().unwrap().to_string(),
                r["to"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn group<'a>(v: &'a Value, class: &str, module: Option<&str>) -> &'a Value {
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["class"] == class && module.is_none_or(|m| g["module"] == m))
        .unwrap_or_else(|| panic!("no {class} group {module:?} in {:#}", v["groups"]))
}

/// Every main-module file resolves once the rules are applied as Delve does.
#[track_caller]
fn assert_main_module_resolves(v: &Value) {
    let m = &v["main_module_files"];
    assert!(
        m["checked"].as_u64().unwrap() > 0,
        "no main-module files: {v:#}"
    );
    assert_eq!(m["found"], m["checked"], "main-module files missing: {m:#}");
}

/// The build directory of the shared fixtures (they were built in the checkout that
/// owns `.cache`, which need not be this one).
fn fixture_build_root() -> PathBuf {
    std::fs::canonicalize(common::repo_root().join(".cache"))
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Copies a directory tree (sources only: small).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// `go build` in `dir` with a pinned toolchain, offline; returns the binary.
fn go_build(version: &str, dir: &Path, out: &Path, flags: &[&str], workspace_mode: bool) {
    let mut c = common::go_command(version);
    c.current_dir(dir)
        .env("CGO_ENABLED", "0")
        .env("GOSUMDB", "off")
        .arg("build")
        .arg("-o")
        .arg(out)
        .args(flags)
        .arg(".");
    if workspace_mode {
        // -mod=mod is refused in workspace mode.
        c.env("GOFLAGS", "");
    } else {
        c.env("GOWORK", "off");
    }
    let (code, o, e) = common::exec(&mut c);
    assert_eq!(code, 0, "go build in {}: {o}{e}", dir.display());
}

/// Real Delve: does `break FILE:LINE` bind, with these `config substitute-path` lines?
fn delve_binds(binary: &Path, commands: &[String], location: &str) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("init");
    let mut text = commands.join("\n");
    text.push_str(&format!("\nbreak {location}\nexit\n"));
    std::fs::write(&script, text).unwrap();
    let (_, out, err) = common::exec(
        Command::new("dlv")
            .arg("exec")
            .arg(binary)
            .args([
                "--check-go-version=false",
                "--allow-non-terminal-interactive=true",
                "--init",
            ])
            .arg(&script)
            .current_dir(dir.path())
            .stdin(std::process::Stdio::null()),
    );
    let all = format!("{out}{err}");
    if all.contains("Breakpoint 1 set at") {
        Ok(all)
    } else {
        Err(all)
    }
}

// Scenario 1: the default fixture, examined where it was built: nothing to substitute.
#[test]
fn default_fixture_in_its_own_checkout_needs_no_rules() {
    let f = common::fixture(GO, "hello", "default");
    let ws = src("hello");
    let (code, v) = paths_json(&f.path, &ws, &[&go_flag(GO)]);
    assert_eq!(code, 0, "{v:#}");
    assert_main_module_resolves(&v);
    let built = fixture_build_root().join("fixtures/src/hello");
    let main = group(&v, "main-module", Some("example.com/hello"));
    assert_eq!(main["binary_root"], built.to_string_lossy().as_ref());
    let rules = pairs(&v, "launch_json_absolute");
    if built == std::fs::canonicalize(&ws).unwrap() {
        assert!(rules.is_empty(), "{rules:?}");
    } else {
        // This checkout is a worktree of the one that built the fixtures: exactly the
        // rule from this checkout's sources to the building checkout's.
        assert_eq!(
            rules,
            vec![(abs(&ws), built.to_string_lossy().into_owned())]
        );
    }
    // The standard library recorded under the toolchain's GOROOT, found as recorded.
    let std = group(&v, "goroot", None);
    assert!(std["files"].as_u64().unwrap() > 100);
    assert_eq!(std["found"], std["files"]);
}

#[test]
fn built_in_place_needs_no_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("hello");
    copy_tree(&src("hello"), &app);
    let out = tmp.path().join("hello.bin");
    go_build(GO, &app, &out, &[], false);
    let (code, v) = paths_json(&out, &app, &[&go_flag(GO)]);
    assert_eq!(code, 0, "{v:#}");
    assert_main_module_resolves(&v);
    assert_eq!(pairs(&v, "launch_json"), vec![]);
    assert_eq!(v["before"]["found"], v["before"]["checked"]);
}

// Scenario 2: built in a container at /tmp/…/xyz/app, debugged from the workspace.
#[test]
fn container_build_maps_build_dir_to_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("xyz/app");
    copy_tree(&src("hello"), &app);
    let out = tmp.path().join("hello");
    go_build(GO, &app, &out, &[], false);
    // The container is gone: its directory no longer exists.
    std::fs::remove_dir_all(tmp.path().join("xyz")).unwrap();
    let app_s = app.to_string_lossy().into_owned();

    let ws = src("hello");
    let (code, v) = paths_json(&out, &ws, &[&go_flag(GO)]);
    assert_eq!(code, 0, "{v:#}");
    // launch.json: from = editor path, to = binary path.
    assert_eq!(
        pairs(&v, "launch_json_absolute"),
        vec![(abs(&ws), app_s.clone())]
    );
    assert_eq!(
        pairs(&v, "launch_json"),
        vec![("${workspaceFolder}".to_string(), app_s.clone())]
    );
    // Delve: from = binary path, to = local path.
    assert_eq!(pairs(&v, "delve"), vec![(app_s.clone(), abs(&ws))]);
    assert_eq!(
        v["delve_commands"][0],
        format!("config substitute-path {app_s} {}", abs(&ws))
    );
    assert_main_module_resolves(&v);
    assert_eq!(
        v["after"]["found"], v["after"]["checked"],
        "{:#}",
        v["after"]
    );
    // Without the rule the main module's file is missing: the verification can fail.
    assert!(v["before"]["found"].as_u64() < v["before"]["checked"].as_u64());
    let main = group(&v, "main-module", Some("example.com/hello"));
    assert_eq!(main["binary_root"], app_s.as_str());

    // Human form: the group line, both directions, labelled.
    let (code, text, _) = common::dd()
        .args(["paths", "--color=never"])
        .arg(&out)
        .arg("--workspace")
        .arg(&ws)
        .arg(go_flag(GO))
        .run()
        .parts();
    assert_eq!(code, 0);
    assert!(text.contains("main module example.com/hello"), "{text}");
    assert!(
        text.contains("launch.json substitutePath (from = editor path, to = binary path)"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{{\"from\": \"${{workspaceFolder}}\", \"to\": \"{app_s}\"}}"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("config substitute-path {app_s} {}", abs(&ws))),
        "{text}"
    );
}

/// Delve binds `break /editor/path/main.go:21` only with the synthesised rules.
/// Debian's Delve 1.20.2 reads DWARF 4: Go 1.21.
#[test]
fn container_build_rules_make_real_delve_bind() {
    common::require_tool("/usr/bin/dlv");
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("xyz/app");
    copy_tree(&src("hello"), &app);
    let out = tmp.path().join("hello");
    go_build("1.21.13", &app, &out, &["-gcflags=all=-N -l"], false);
    std::fs::remove_dir_all(tmp.path().join("xyz")).unwrap();
    let ws = src("hello");
    let (code, v) = paths_json(&out, &ws, &[&go_flag("1.21.13")]);
    assert_eq!(code, 0, "{v:#}");
    let commands: Vec<String> = v["delve_commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert!(!commands.is_empty());
    let location = format!("{}/main.go:21", abs(&ws));
    let without = delve_binds(&out, &[], &location);
    assert!(without.is_err(), "Delve bound without rules: {without:?}");
    let with = delve_binds(&out, &commands, &location);
    assert!(
        with.is_ok(),
        "Delve did not bind with {commands:?}: {with:?}"
    );
    // The launch.json direction given to Delve's config does not work: the directions
    // really differ.
    let reversed: Vec<String> = pairs(&v, "launch_json_absolute")
        .iter()
        .map(|(from, to)| format!("config substitute-path {from} {to}"))
        .collect();
    assert!(delve_binds(&out, &reversed, &location).is_err());
}

// Scenario 3: -trimpath: the workspace maps to the module path, GOROOT to `""`.
#[test]
fn trimpath_maps_module_path_and_trimmed_goroot() {
    let f = common::fixture(GO, "hello", "trimpath");
    let ws = src("hello");
    let goroot = common::go_tool(GO)
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    for flags in [
        vec![go_flag(GO)],
        vec![format!("--goroot={}", goroot.display())],
    ] {
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        let (code, v) = paths_json(&f.path, &ws, &flags);
        assert_eq!(code, 0, "{flags:?}: {v:#}");
        let delve = pairs(&v, "delve");
        assert_eq!(
            delve[0],
            ("example.com/hello".to_string(), abs(&ws)),
            "{delve:?}"
        );
        assert_eq!(delve.len(), 2, "{delve:?}");
        // Trimmed GOROOT files (`runtime/proc.go`) are relative: Delve's empty `from`.
        assert_eq!(delve[1].0, "");
        let local_src = PathBuf::from(&delve[1].1);
        assert_eq!(
            std::fs::canonicalize(&local_src).unwrap(),
            std::fs::canonicalize(goroot.join("src")).unwrap()
        );
        assert_eq!(
            pairs(&v, "launch_json")[0],
            (
                "${workspaceFolder}".to_string(),
                "example.com/hello".to_string()
            )
        );
        assert_main_module_resolves(&v);
        assert_eq!(
            v["after"]["found"], v["after"]["checked"],
            "{:#}",
            v["after"]
        );
        assert_eq!(v["before"]["found"], 0);
        let std = group(&v, "goroot", None);
        assert_eq!(std["binary_root"], "");
    }
}

/// Without a GOROOT the standard library is unmapped, but the main module still
/// resolves: exit 0, and no rule pointing nowhere.
#[test]
fn trimpath_without_goroot_maps_the_main_module_only() {
    let f = common::fixture(GO, "hello", "trimpath");
    let ws = src("hello");
    let empty = tempfile::tempdir().unwrap();
    let (code, v) = paths_json(
        &f.path,
        &ws,
        &[&format!("--goroot={}", empty.path().display())],
    );
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        pairs(&v, "delve"),
        vec![("example.com/hello".to_string(), abs(&ws))]
    );
    assert!(v["after"]["found"].as_u64() < v["after"]["checked"].as_u64());
}

/// Delve binds the editor's absolute path in a -trimpath binary only with the rules.
#[test]
fn trimpath_rules_make_real_delve_bind() {
    common::require_tool("/usr/bin/dlv");
    let f = common::fixture("1.21.13", "hello", "trimpath");
    let ws = src("hello");
    let (_, v) = paths_json(&f.path, &ws, &[&go_flag("1.21.13")]);
    let commands: Vec<String> = v["delve_commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    let location = format!("{}/main.go:21", abs(&ws));
    assert!(delve_binds(&f.path, &[], &location).is_err());
    let with = delve_binds(&f.path, &commands, &location);
    assert!(with.is_ok(), "{commands:?}: {with:?}");
}

// Scenario 4: go.work: both modules found; one rule when they moved together.
#[test]
fn go_work_fixture_maps_both_modules() {
    let f = common::fixture(GO, "workspace", "default");
    let ws = src("workspace");
    let (code, v) = paths_json(&f.path, &ws, &[&go_flag(GO)]);
    assert_eq!(code, 0, "{v:#}");
    for (class, m) in [
        ("main-module", "example.com/app"),
        ("work-module", "example.com/lib"),
    ] {
        let g = group(&v, class, Some(m));
        assert_eq!(g["found"], g["files"], "{g:#}");
        assert!(g["files"].as_u64().unwrap() >= 1);
    }
    assert_eq!(v["main_module"], "example.com/app");
    assert_main_module_resolves(&v);
}

#[test]
fn go_work_built_elsewhere_gets_one_rule_for_both_modules() {
    let tmp = tempfile::tempdir().unwrap();
    let built = tmp.path().join("build/ws");
    copy_tree(&src("workspace"), &built);
    let out = tmp.path().join("workspace.bin");
    go_build(GO, &built.join("app"), &out, &[], true);
    std::fs::remove_dir_all(tmp.path().join("build")).unwrap();
    let ws = src("workspace");
    let (code, v) = paths_json(&out, &ws, &[&go_flag(GO)]);
    assert_eq!(code, 0, "{v:#}");
    let b = built.to_string_lossy().into_owned();
    // app and lib moved together: one rule for their common parent is the smallest set.
    assert_eq!(pairs(&v, "delve"), vec![(b.clone(), abs(&ws))]);
    assert_eq!(
        pairs(&v, "launch_json"),
        vec![("${workspaceFolder}".to_string(), b.clone())]
    );
    let app = group(&v, "main-module", Some("example.com/app"));
    assert_eq!(app["binary_root"], format!("{b}/app"));
    let lib = group(&v, "work-module", Some("example.com/lib"));
    assert_eq!(lib["binary_root"], format!("{b}/lib"));
    assert_eq!(lib["found"], lib["files"]);
    assert_eq!(v["after"]["found"], v["after"]["checked"]);
}

// Scenario 5: the default Windows cross-build records the Linux build paths (Go writes
// the build machine's paths): classified as they are, not as Windows paths.
#[test]
fn windows_cross_build_records_build_machine_paths() {
    for go in ["1.21.13", GO] {
        let f = common::fixture(go, "hello", "windows");
        let ws = src("hello");
        let (code, v) = paths_json(&f.path, &ws, &[&go_flag(go)]);
        assert_eq!(code, 0, "{}: {v:#}", f.label());
        let files = v["files"].as_array().unwrap();
        assert!(files.iter().all(|f| f["windows"] == false), "{}", f.label());
        let main = group(&v, "main-module", Some("example.com/hello"));
        assert!(main["binary_root"].as_str().unwrap().starts_with('/'));
        assert_main_module_resolves(&v);
    }
}

// Scenario 6: stripped binary: file names from the pclntab.
#[test]
fn stripped_binary_paths_come_from_pclntab() {
    let f = common::fixture(GO, "hello", "sw");
    let ws = src("hello");
    let (code, v) = paths_json(&f.path, &ws, &[&go_flag(GO)]);
    assert_eq!(v["source"], "pclntab", "{v:#}");
    assert_eq!(code, 0);
    assert_main_module_resolves(&v);
}

/// Until then, a stripped binary is diagnosed honestly: no paths, exit 1.
#[test]
fn stripped_binary_without_dwarf_says_so() {
    let f = common::fixture(GO, "hello", "sw");
    let (code, v) = paths_json(&f.path, &src("hello"), &[&go_flag(GO)]);
    if v["source"] == "pclntab" {
        return; // the pclntab reader landed: covered by the test above
    }
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["source"], "none");
    assert!(
        v["notes"][0].as_str().unwrap().contains("no DWARF"),
        "{v:#}"
    );
}

// cgo: generated files are classified and not counted as missing; the runtime/cgo C
// files recorded under `/_/GOROOT` map to the local GOROOT.
#[test]
fn cgo_generated_files_are_classified() {
    let f = common::fixture(GO, "cgo", "default");
    let ws = src("cgo");
    let (code, v) = paths_json(&f.path, &ws, &[&go_flag(GO), "--files"]);
    assert_eq!(code, 0, "{v:#}");
    let files = v["files"].as_array().unwrap();
    let gotypes = files
        .iter()
        .find(|f| f["recorded"].as_str().unwrap().ends_with("_cgo_gotypes.go"))
        .expect("_cgo_gotypes.go recorded");
    assert_eq!(gotypes["class"], "cgo-generated");
    // C files cgo wrote into the build's $WORK directory (`/tmp/go-build/…`).
    let work: Vec<&Value> = files
        .iter()
        .filter(|f| f["recorded"].as_str().unwrap().starts_with("/tmp/go-build"))
        .collect();
    assert!(!work.is_empty());
    assert!(work
        .iter()
        .all(|f| f["class"] == "cgo-generated" || f["class"] == "build-cache"));
    assert!(work.iter().any(|f| f["class"] == "cgo-generated"));
    let trimmed_goroot = group(&v, "goroot", None);
    assert!(v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["class"] == "goroot"
            && g["binary_root"] == "/_/GOROOT"
            && g["found"] == g["files"]));
    assert!(trimmed_goroot["files"].as_u64().unwrap() > 0);
    assert!(pairs(&v, "delve").iter().any(|(b, _)| b == "/_/GOROOT"));
    assert!(v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("generated at build time")));
    assert_main_module_resolves(&v);
}

/// The wrong workspace: the main module's files are missing, exit 1, no rule invented.
#[test]
fn wrong_workspace_exits_1() {
    let f = common::fixture(GO, "hello", "trimpath");
    let (code, v) = paths_json(&f.path, &src("generics"), &[&go_flag(GO)]);
    assert_eq!(code, 1, "{v:#}");
    assert!(!pairs(&v, "delve")
        .iter()
        .any(|(b, _)| b == "example.com/hello"));
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let nongo = |variant: &str| {
        common::fixtures()
            .into_iter()
            .find(|f| f.kind == "nongo" && f.variant == variant)
            .unwrap()
            .path
    };
    let inputs = [
        PathBuf::from("/nonexistent/binary"),
        nongo("c-binary"),
        nongo("png"),
        nongo("directory"),
        nongo("truncated-header"),
    ];
    for p in inputs {
        let (code, out, err) = common::dd()
            .arg("paths")
            .arg(&p)
            .arg("--workspace")
            .arg(src("hello"))
            .run()
            .parts();
        assert_eq!(code, 2, "{}: {out}{err}", p.display());
        assert!(out.is_empty(), "{}: {out}", p.display());
        assert_eq!(err.trim_end().lines().count(), 1, "{}: {err}", p.display());
    }
    let f = common::fixture(GO, "hello", "default");
    let (code, _, err) = common::dd()
        .arg("paths")
        .arg(&f.path)
        .arg("--workspace")
        .arg("/nonexistent/ws")
        .run()
        .parts();
    assert_eq!((code, err.trim_end().lines().count()), (2, 1), "{err}");
}

/// vcs.revision in build info vs the workspace's HEAD: a note when they differ.
#[test]
fn vcs_revision_differs_from_head() {
    if Command::new("git").arg("--version").output().is_err() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    copy_tree(&src("hello"), &app);
    let git = |args: &[&str]| {
        let (code, o, e) = common::exec(
            Command::new("git")
                .arg("-C")
                .arg(&app)
                .args([
                    "-c",
                    "user.name=t",
                    "-c",
                    "user.email=t@t",
                    "-c",
                    "commit.gpgsign=false",
                ])
                .args(args),
        );
        assert_eq!(code, 0, "git {args:?}: {o}{e}");
        o
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "one"]);
    let out = tmp.path().join("hello");
    go_build(GO, &app, &out, &["-buildvcs=true"], false);
    let (_, v) = paths_json(&out, &app, &[&go_flag(GO)]);
    assert!(
        !v["notes"].to_string().contains("built from commit"),
        "{v:#}"
    );
    std::fs::write(app.join("NEW"), "x").unwrap();
    git(&["add", "NEW"]);
    git(&["commit", "-qm", "two"]);
    let (_, v) = paths_json(&out, &app, &[&go_flag(GO)]);
    assert!(
        v["notes"].to_string().contains("built from commit"),
        "{v:#}"
    );
}

/// Makes a tree writable again (Go writes the module cache read-only) so it can be removed.
fn make_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    for e in entries.flatten() {
        let p = e.path();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755));
            make_writable(&p);
        }
    }
}

/// A module proxy on disk (GOPROXY=file://…) serving example.com/dep v1.0.0.
fn write_proxy(proxy: &Path) {
    let at = proxy.join("example.com/dep/@v");
    std::fs::create_dir_all(&at).unwrap();
    std::fs::write(at.join("list"), "v1.0.0\n").unwrap();
    std::fs::write(
        at.join("v1.0.0.info"),
        r#"{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let gomod = "module example.com/dep\n\ngo 1.19\n";
    std::fs::write(at.join("v1.0.0.mod"), gomod).unwrap();
    let dep_go = "// Package dep is a module-cache dependency.\npackage dep\n\n// Hello is not inlined: it loops.\nfunc Hello(n int) string {\n\ts := \"\"\n\tfor i := 0; i < n; i++ {\n\t\ts += \"hello \"\n\t}\n\treturn s\n}\n";
    // The zip is written by Python's zipfile (the fixture scripts need python3 anyway).
    let script = format!(
        "import zipfile\nz = zipfile.ZipFile({:?}, 'w')\nz.writestr('example.com/dep@v1.0.0/go.mod', {:?})\nz.writestr('example.com/dep@v1.0.0/dep.go', {:?})\nz.close()\n",
        at.join("v1.0.0.zip").to_string_lossy(),
        gomod,
        dep_go
    );
    let (code, o, e) = common::exec(Command::new("python3").arg("-c").arg(script));
    assert_eq!(code, 0, "{o}{e}");
}

fn write_app(dir: &Path, dep_version: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("go.mod"),
        format!("module example.com/svc\n\ngo 1.19\n\nrequire example.com/dep {dep_version}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/dep\"\n)\n\nfunc main() {\n\tfmt.Println(dep.Hello(2))\n}\n",
    )
    .unwrap();
}

// Module cache: built in a container with its own GOMODCACHE, debugged with a local
// cache holding the same version (one rule), then another version (reported).
#[test]
fn module_cache_dependency_maps_to_local_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    write_proxy(&proxy);
    let container = tmp.path().join("container");
    let app = container.join("src/svc");
    write_app(&app, "v1.0.0");
    let modcache = container.join("gopath/pkg/mod");
    let out = tmp.path().join("svc");
    let mut c = common::go_command(GO);
    c.current_dir(&app)
        .env("GOPROXY", format!("file://{}", proxy.display()))
        .env("GOSUMDB", "off")
        .env("GOWORK", "off")
        .env("CGO_ENABLED", "0")
        .env("GOPATH", container.join("gopath"))
        .env("GOMODCACHE", &modcache)
        .args(["build", "-o"])
        .arg(&out)
        .arg(".");
    let (code, o, e) = common::exec(&mut c);
    assert_eq!(code, 0, "go build: {o}{e}");
    // The same with -trimpath: `example.com/dep@v1.0.0/dep.go`, `example.com/svc/main.go`.
    let out_trim = tmp.path().join("svc-trimpath");
    let mut c = common::go_command(GO);
    c.current_dir(&app)
        .env("GOPROXY", format!("file://{}", proxy.display()))
        .env("GOSUMDB", "off")
        .env("GOWORK", "off")
        .env("CGO_ENABLED", "0")
        .env("GOPATH", container.join("gopath"))
        .env("GOMODCACHE", &modcache)
        .args(["build", "-trimpath", "-o"])
        .arg(&out_trim)
        .arg(".");
    let (code, o, e) = common::exec(&mut c);
    assert_eq!(code, 0, "go build -trimpath: {o}{e}");

    // The developer's machine: the workspace and a module cache with the same version.
    let ws = tmp.path().join("home/svc");
    write_app(&ws, "v1.0.0");
    let local_cache = tmp.path().join("home/go/pkg/mod");
    copy_tree(
        &modcache.join("example.com/dep@v1.0.0"),
        &local_cache.join("example.com/dep@v1.0.0"),
    );
    make_writable(&container);
    std::fs::remove_dir_all(&container).unwrap();

    let cache_flag = format!("--gomodcache={}", local_cache.display());
    let (code, v) = paths_json(&out, &ws, &[&go_flag(GO), &cache_flag]);
    assert_eq!(code, 0, "{v:#}");
    let g = group(&v, "module-cache", None);
    assert_eq!(g["binary_root"], modcache.to_string_lossy().as_ref());
    assert_eq!(g["found"], g["files"], "{g:#}");
    assert_eq!(g["versions_differ"], 0);
    let dep = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["module"] == "example.com/dep");
    // The dependency's files are listed only when missing, so look at the group.
    assert!(dep.is_none() || dep.unwrap()["version"] == "v1.0.0");
    assert!(pairs(&v, "delve").contains(&(
        modcache.to_string_lossy().into_owned(),
        local_cache.to_string_lossy().into_owned()
    )));
    assert_eq!(
        v["after"]["found"], v["after"]["checked"],
        "{:#}",
        v["after"]
    );
    assert_main_module_resolves(&v);

    // -trimpath: one rule per trimmed module root, the empty rule for GOROOT last.
    let (code, v) = paths_json(&out_trim, &ws, &[&go_flag(GO), &cache_flag]);
    assert_eq!(code, 0, "{v:#}");
    let delve = pairs(&v, "delve");
    assert_eq!(
        delve[..2],
        [
            (
                "example.com/dep@v1.0.0".to_string(),
                local_cache
                    .join("example.com/dep@v1.0.0")
                    .to_string_lossy()
                    .into_owned()
            ),
            ("example.com/svc".to_string(), abs(&ws)),
        ]
    );
    assert_eq!(delve.len(), 3, "{delve:?}");
    assert_eq!(delve[2].0, "");
    assert_eq!(
        v["after"]["found"], v["after"]["checked"],
        "{:#}",
        v["after"]
    );

    // Now the developer has moved on to v1.1.0: the dependency's files are reported
    // with the version that differs, the main module still resolves.
    std::fs::rename(
        local_cache.join("example.com/dep@v1.0.0"),
        local_cache.join("example.com/dep@v1.1.0"),
    )
    .unwrap();
    write_app(&ws, "v1.1.0");
    let (code, v) = paths_json(&out, &ws, &[&go_flag(GO), &cache_flag]);
    assert_eq!(code, 0, "{v:#}");
    let g = group(&v, "module-cache", None);
    assert!(g["versions_differ"].as_u64().unwrap() > 0, "{g:#}");
    assert!(g["found"].as_u64() < g["files"].as_u64());
    let dep = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["module"] == "example.com/dep")
        .expect("missing dependency file listed");
    assert_eq!(
        (dep["version"].as_str(), dep["local_version"].as_str()),
        (Some("v1.0.0"), Some("v1.1.0"))
    );
}

// Symlinked workspace: built under the real path, opened through a symlink. Delve
// compares paths as text, so a rule is still needed; the note explains why.
#[test]
fn symlinked_workspace_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    let app = real.join("app");
    copy_tree(&src("hello"), &app);
    let out = tmp.path().join("hello");
    go_build(GO, &app, &out, &[], false);
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let ws = link.join("app");
    let (code, v) = paths_json(&out, &ws, &[&go_flag(GO)]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        pairs(&v, "delve"),
        vec![(
            app.to_string_lossy().into_owned(),
            ws.to_string_lossy().into_owned()
        )]
    );
    assert!(
        v["notes"].to_string().contains("through a symlink"),
        "{:#}",
        v["notes"]
    );
}

/// go.work built elsewhere: with the one merged rule, real Delve binds breakpoints in
/// both modules by their editor paths.
#[test]
fn go_work_rule_makes_real_delve_bind_in_both_modules() {
    common::require_tool("/usr/bin/dlv");
    let tmp = tempfile::tempdir().unwrap();
    let built = tmp.path().join("build/ws");
    copy_tree(&src("workspace"), &built);
    let out = tmp.path().join("workspace.bin");
    go_build(
        "1.21.13",
        &built.join("app"),
        &out,
        &["-gcflags=all=-N -l"],
        true,
    );
    std::fs::remove_dir_all(tmp.path().join("build")).unwrap();
    let ws = src("workspace");
    let (code, v) = paths_json(&out, &ws, &[&go_flag("1.21.13")]);
    assert_eq!(code, 0, "{v:#}");
    let commands: Vec<String> = v["delve_commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(commands.len(), 1, "{commands:?}");
    for location in [
        format!("{}/app/main.go:11", abs(&ws)),
        format!("{}/lib/lib.go:8", abs(&ws)),
    ] {
        assert!(
            delve_binds(&out, &[], &location).is_err(),
            "{location} bound without rules"
        );
        let with = delve_binds(&out, &commands, &location);
        assert!(with.is_ok(), "{location} with {commands:?}: {with:?}");
    }
}
