//! CI integration of `check`: many paths in one call (parallel, deterministic order),
//! SARIF 2.1.0 valid against the real schema, `--fail-on` exit codes, `--select` /
//! `--ignore`, debugdoctor.toml, and baselines compared with real rebuilds of hello.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// `debugdoctor check --no-config` in the repository root.
fn dd_check() -> common::Dd {
    let mut c = common::dd();
    c.arg("check").arg("--no-config");
    c
}

fn json_of(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"))
}

/// path → finding IDs (with severities), from a `check --json` document.
fn findings_by_path(doc: &Value) -> BTreeMap<String, Vec<String>> {
    doc["binaries"]
        .as_array()
        .expect("binaries array")
        .iter()
        .map(|b| {
            let ids = b["findings"]
                .as_array()
                .map(|fs| {
                    fs.iter()
                        .map(|f| {
                            format!(
                                "{} {}",
                                f["id"].as_str().unwrap(),
                                f["severity"].as_str().unwrap()
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            (b["path"].as_str().unwrap().to_string(), ids)
        })
        .collect()
}

const MATRIX: &str = ".cache/fixtures/go1.25.5";

#[test]
fn directory_in_one_call_equals_one_by_one_in_a_deterministic_order() {
    let (c1, out1, err1) = dd_check().args(["--json", "-j", "1", MATRIX]).run().parts();
    let (c4, out4, _) = dd_check().args(["--json", "-j", "4", MATRIX]).run().parts();
    assert_eq!(out1, out4, "-j 1 and -j 4 print different documents");
    assert_eq!(c1, c4);
    let doc = json_of(&out1);
    let all = findings_by_path(&doc);
    let paths: Vec<&String> = doc["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["path"].as_str().unwrap())
        .map(|p| all.keys().find(|k| k.as_str() == p).unwrap())
        .collect();
    let mut sorted = paths.clone();
    // Sorted by path components: a directory's binaries stay together (noopt/ before noopt-main/).
    sorted.sort_by_key(|p| Path::new(p.as_str()));
    assert_eq!(paths, sorted, "output is not sorted by path");
    assert!(
        paths.len() >= 20,
        "only {} binaries found in {MATRIX}:\n{err1}",
        paths.len()
    );
    // Non-Go files in the tree are skipped quietly, and so are separate debug files.
    for p in &paths {
        assert!(
            !p.ends_with(".json") && !p.ends_with(".sh") && !p.ends_with(".debug"),
            "{p} should have been skipped"
        );
    }
    assert!(
        !err1.contains("stamp.json") && !err1.contains("copier.sh"),
        "{err1}"
    );

    // Every Go executable of the manifest under the tree: checked alone, same findings;
    // present in the directory call whenever it is recognisable as Go on its own.
    let mut compared = 0;
    for f in common::fixtures() {
        if f.go.as_deref() != Some("1.25.5") || !f.path.is_file() {
            continue;
        }
        let rel = f
            .path
            .strip_prefix(common::repo_root())
            .unwrap()
            .display()
            .to_string();
        let (_, out, _) = dd_check().args(["--json", &rel]).run().parts();
        let one = findings_by_path(&json_of(&out));
        let alone = one
            .get(&rel)
            .unwrap_or_else(|| panic!("{rel} missing from its own report"));
        match all.get(&rel) {
            Some(in_dir) => {
                assert_eq!(
                    in_dir,
                    alone,
                    "{}: directory call differs from one-by-one",
                    f.label()
                );
                compared += 1;
            }
            None => assert!(
                alone.iter().any(|id| id.starts_with("DD107")),
                "{} left out of the directory call although it is a Go binary: {alone:?}",
                f.label()
            ),
        }
    }
    assert!(compared >= 20, "only {compared} fixtures compared");

    // Human output lists the same binaries in the same order, and ends with a summary.
    let (_, human, _) = dd_check().args(["-j", "3", MATRIX]).run().parts();
    let heads: Vec<&str> = human
        .lines()
        .filter(|l| l.starts_with(MATRIX))
        .map(|l| l.split("  ").next().unwrap())
        .collect();
    assert_eq!(heads, paths.iter().map(|p| p.as_str()).collect::<Vec<_>>());
    assert!(human
        .trim_end()
        .lines()
        .last()
        .unwrap()
        .contains(&format!("{} binaries:", paths.len())));
}

#[test]
fn a_directory_without_go_binaries_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a binary").unwrap();
    let (code, out, err) = dd_check().arg(dir.path()).run().parts();
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("no Go binaries found"), "{err}");
}

#[test]
fn named_non_go_files_are_still_errors() {
    let (code, _, err) = dd_check()
        .args([".cache/fixtures/go1.25.5/stamp.json", MATRIX])
        .run()
        .parts();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("stamp.json"), "{err}");
}

/// `(schema paths, python path with jsonschema)`, installed from registries into .cache/
/// by scripts/toolchains. Two copies of the SARIF 2.1.0 schema, both from npm: the final
/// OASIS 2.1.0 schema (JSON Schema 2020-12) that Microsoft's SARIF multitool ships as
/// `sarif-2.1.0.json` (@microsoft/sarif-multitool-linux 5.7.0), and the 2.1.0-rtm.5
/// schema (draft-04, the one SchemaStore serves for 2.1.0) shipped by
/// @microsoft/jest-sarif 1.0.0-beta.0. The validator is PyPI's jsonschema 4.23.0.
fn sarif_validator() -> (Vec<PathBuf>, PathBuf) {
    let cache = common::repo_root().join(".cache");
    let schemas = vec![
        cache.join("sarif-schema/sarif-2.1.0.json"),
        cache.join("sarif-schema/sarif-2.1.0-rtm.5.json"),
    ];
    let py = cache.join("py");
    for p in schemas.iter().chain([&py.join("jsonschema")]) {
        assert!(
            p.exists(),
            "{} missing: run scripts/toolchains",
            p.display()
        );
    }
    (schemas, py)
}

/// Validation errors of `doc` against both SARIF schemas (empty when valid).
fn sarif_errors(doc: &str) -> String {
    let (schemas, py) = sarif_validator();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("log.sarif");
    std::fs::write(&file, doc).unwrap();
    // validator_for picks the draft the schema declares ($schema).
    let script = r#"
import json, sys, jsonschema
doc = json.load(open(sys.argv[1]))
for path in sys.argv[2:]:
    schema = json.load(open(path))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errs = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errs[:20]:
        print(path.rsplit("/", 1)[-1], cls.__name__, "/".join(map(str, e.absolute_path)), e.message[:200])
"#;
    let (c, out, err) = common::exec(
        Command::new("python3")
            .env("PYTHONPATH", &py)
            .arg("-c")
            .arg(script)
            .arg(&file)
            .args(&schemas),
    );
    assert_eq!(c, 0, "validator crashed: {err}");
    out
}

#[test]
fn sarif_is_valid_against_the_2_1_0_schema() {
    let (code, out, err) = dd_check()
        .args([
            "--format",
            "sarif",
            MATRIX,
            ".cache/fixtures/nongo/truncated",
        ])
        .run()
        .parts();
    assert_eq!(code, 2, "an unreadable named input exits 2: {err}");
    let errors = sarif_errors(&out);
    assert!(errors.is_empty(), "SARIF invalid:\n{errors}");
    let doc = json_of(&out);
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 20, "{} results", results.len());
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            uri.starts_with(".cache/fixtures/go1.25.5/"),
            "uri {uri} not relative to cwd"
        );
        assert!(r["properties"]["evidence"].is_array());
    }
    let dd201 = rules.iter().find(|r| r["id"] == "DD201").unwrap();
    assert_eq!(
        dd201["shortDescription"]["text"],
        debugdoctor::registry::find("DD201").unwrap().title
    );
    assert!(dd201["help"]["text"]
        .as_str()
        .unwrap()
        .contains("How to verify by hand"));
    assert!(
        rules.iter().any(|r| r["id"] == "DD802"),
        "drift rules are in the driver"
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    assert!(
        run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("truncated")
    );

    // The validator can fail: a level SARIF does not have is rejected.
    let bad = out.replacen("\"level\": \"error\"", "\"level\": \"fatal\"", 1);
    assert_ne!(bad, out);
    assert!(
        !sarif_errors(&bad).is_empty(),
        "the schema check accepts anything"
    );
}

/// Exit code of `check` on the hello/default fixture directory with extra flags. The
/// directory form keeps a named-input error (exit 2) out of the way of --fail-on.
fn exit_with(flags: &[&str]) -> i32 {
    let (code, out, err) = dd_check()
        .args(flags)
        .arg(".cache/fixtures/go1.25.5/hello/default")
        .run()
        .parts();
    assert!(out.contains("hello/default/hello"), "{out}{err}");
    code
}

#[test]
fn fail_on_levels_select_the_exit_code() {
    // DD201 (error), DD203 (warning), DD103 (info) are all reported for a default build.
    for (select, expected) in [
        ("DD201", [1, 1, 1, 0]),
        ("DD203,DD103", [0, 1, 1, 0]),
        ("DD103", [0, 0, 1, 0]),
    ] {
        for (level, want) in ["error", "warning", "info", "never"].iter().zip(expected) {
            assert_eq!(
                exit_with(&["--select", select, "--fail-on", level]),
                want,
                "--select {select} --fail-on {level}"
            );
        }
    }
    // Default is error.
    assert_eq!(exit_with(&["--select", "DD203"]), 0);
    assert_eq!(exit_with(&["--select", "DD2"]), 1);
}

#[test]
fn select_and_ignore_take_ids_and_prefixes() {
    let ids = |flags: &[&str]| -> Vec<String> {
        let (_, out, _) = dd_check()
            .arg("--json")
            .args(flags)
            .arg(".cache/fixtures/go1.25.5/hello/default/hello")
            .run()
            .parts();
        findings_by_path(&json_of(&out))
            .into_values()
            .next()
            .unwrap()
    };
    let all = ids(&[]);
    assert!(
        all.iter().any(|i| i.starts_with("DD1")) && all.iter().any(|i| i.starts_with("DD2")),
        "{all:?}"
    );
    let only2 = ids(&["--select", "dd2"]);
    assert!(
        !only2.is_empty() && only2.iter().all(|i| i.starts_with("DD2")),
        "{only2:?}"
    );
    // Expected sets are computed from the unfiltered list, so that checks added later
    // (other ID ranges) do not break this test.
    let keep = |f: &dyn Fn(&str) -> bool| -> Vec<String> {
        all.iter().filter(|i| f(i)).cloned().collect()
    };
    assert_eq!(only2, keep(&|i| i.starts_with("DD2")));
    let no1 = ids(&["--ignore", "DD1"]);
    assert_eq!(no1, keep(&|i| !i.starts_with("DD1")));
    let some = ids(&[
        "--select", "DD1,DD2", "--ignore", "DD103", "--ignore", "DD201",
    ]);
    let expected = keep(&|i| {
        (i.starts_with("DD1") || i.starts_with("DD2"))
            && !i.starts_with("DD103")
            && !i.starts_with("DD201")
    });
    assert_eq!(some, expected);
    assert!(
        expected.len() + 2 <= all.len(),
        "DD103 and DD201 were there to ignore: {all:?}"
    );
    // A typo is a usage error, not a silently empty gate.
    let (code, _, err) = dd_check().args(["--select", "DD0", MATRIX]).run().parts();
    assert_eq!(code, 2);
    assert!(err.contains("DD0"), "{err}");
}

#[test]
fn config_file_gives_defaults_and_the_command_line_wins() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(
        dir.path().join("debugdoctor.toml"),
        "# CI gate\n[check]\nfail-on = \"info\"\nselect = [\"DD103\"]\nformat = \"json\"\n",
    )
    .unwrap();
    let bin = common::repo_root().join(".cache/fixtures/go1.25.5/hello/default");
    let run = |extra: &[&str]| {
        common::dd()
            .arg("check")
            .args(extra)
            .arg(&bin)
            .current_dir(&nested)
            .run()
            .parts()
    };
    let (code, out, err) = run(&[]);
    assert_eq!(code, 1, "config fail-on=info with DD103 selected: {err}");
    let ids = findings_by_path(&json_of(&out))
        .into_values()
        .next()
        .unwrap();
    assert_eq!(ids, vec!["DD103 info"]);
    let (code, out, _) = run(&["--fail-on", "never", "--format", "human"]);
    assert_eq!(code, 0);
    assert!(out.contains("DD103") && !out.contains("DD201"), "{out}");
    let (code, _, _) = run(&["--no-config"]);
    assert_eq!(code, 1, "without config: default gate error, DD201 present");

    std::fs::write(dir.path().join("debugdoctor.toml"), "fail_on = \"info\"\n").unwrap();
    let (code, _, err) = run(&[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("debugdoctor.toml") && err.contains("fail_on"),
        "{err}"
    );
}

/// Builds fixtures/src/hello (copied to `src`) with Go 1.25.5 into `out`. The shared
/// .cache/gocache is read-only for tests that build: use one under target/.
fn build_hello(src: &Path, out: &Path, flags: &[&str]) {
    let mut c = common::go_command("1.25.5");
    c.env("GOCACHE", common::repo_root().join("target/gocache-ci"))
        .env("CGO_ENABLED", "0")
        .current_dir(src)
        .arg("build")
        .args(flags)
        .arg("-o")
        .arg(out)
        .arg(".");
    let (code, o, e) = common::exec(&mut c);
    assert_eq!(code, 0, "go build {flags:?} failed: {o}{e}");
}

#[test]
fn baseline_survives_an_identical_rebuild_and_reports_drift_after_s_w() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    for f in ["go.mod", "main.go"] {
        std::fs::copy(
            common::repo_root().join("fixtures/src/hello").join(f),
            src.join(f),
        )
        .unwrap();
    }
    let dist = work.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    let bin = dist.join("hello");
    let baseline = work.path().join("ci/baseline.json");
    std::fs::create_dir_all(baseline.parent().unwrap()).unwrap();
    let check = |extra: &[&str]| {
        common::dd()
            .args(["check", "--no-config", "--json"])
            .args(extra)
            .arg(&bin)
            .current_dir(work.path())
            .run()
            .parts()
    };

    build_hello(&src, &bin, &[]);
    let (code, out, err) = check(&["--write-baseline", "ci/baseline.json"]);
    let recognised = debugdoctor::Target::open(&bin).unwrap().is_go();
    assert_eq!(code, if recognised { 0 } else { 2 }, "{err}");
    assert!(err.contains("wrote baseline"), "{err}");
    let before = findings_by_path(&json_of(&out));
    let b: Value = json_of(&std::fs::read_to_string(&baseline).unwrap());
    let entry = &b["binaries"]["../dist/hello"];
    assert!(
        entry.is_object(),
        "key is the path relative to the baseline's directory: {b}"
    );
    assert_eq!(entry["facts"]["dwarf"], true);
    assert_eq!(entry["facts"]["go_version"], "go1.25.5");
    assert!(entry["facts"]["optimized_packages"].as_u64().unwrap() > 10);
    assert!(entry["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "DD201"));
    let has_settings = !entry["facts"]["settings"].as_object().unwrap().is_empty();

    // Identical rebuild (removed first, so it really is a new file): nothing reported.
    std::fs::remove_file(&bin).unwrap();
    build_hello(&src, &bin, &[]);
    let (code, out, err) = check(&["--baseline", "ci/baseline.json"]);
    assert_eq!(code, if recognised { 0 } else { 2 }, "{err}");
    let doc = json_of(&out);
    let now = findings_by_path(&doc);
    assert_eq!(
        now.values().next().unwrap(),
        &Vec::<String>::new(),
        "identical rebuild reported {now:?}"
    );
    assert_eq!(
        doc["baseline"]["suppressed"].as_u64().unwrap() as usize,
        before.values().next().unwrap().len()
    );

    // A baseline from an older toolchain with fewer optimised packages: DD804 (warning)
    // and DD803 (error), read from the DWARF facts of the same binary.
    let mut old = b.clone();
    old["binaries"]["../dist/hello"]["facts"]["go_version"] = "go1.24.0".into();
    old["binaries"]["../dist/hello"]["facts"]["optimized_packages"] = 1.into();
    let older = work.path().join("ci/older.json");
    std::fs::write(&older, old.to_string()).unwrap();
    let (_, out, err) = check(&["--baseline", "ci/older.json", "--fail-on", "never"]);
    let ids = findings_by_path(&json_of(&out))
        .into_values()
        .next()
        .unwrap();
    assert_eq!(ids, vec!["DD803 error", "DD804 warning"], "{err}");
    let (_, out, _) = check(&["--baseline", "ci/older.json", "--ignore", "DD804"]);
    let ids = findings_by_path(&json_of(&out))
        .into_values()
        .next()
        .unwrap();
    assert_eq!(ids, vec!["DD803 error"], "--ignore applies to drift");

    // -ldflags=-s -w: DWARF lost (from DWARF facts alone), -ldflags changed (build info).
    std::fs::remove_file(&bin).unwrap();
    build_hello(&src, &bin, &["-ldflags=-s -w"]);
    let (code, out, err) = check(&["--baseline", "ci/baseline.json"]);
    assert_ne!(code, 0, "drift must fail the gate: {err}");
    let now = findings_by_path(&json_of(&out));
    let ids = now.values().next().unwrap();
    assert!(
        ids.contains(&"DD802 error".to_string()),
        "no dwarf-lost drift: {ids:?}"
    );
    if has_settings {
        assert!(
            ids.contains(&"DD801 error".to_string()),
            "no -ldflags drift: {ids:?}"
        );
        assert!(out.contains("-ldflags"), "{out}");
    }
    assert!(
        !ids.iter().any(|i| i.starts_with("DD201")),
        "known findings are not repeated: {ids:?}"
    );
    let (_, sarif, _) = common::dd()
        .args([
            "check",
            "--no-config",
            "--format",
            "sarif",
            "--baseline",
            "ci/baseline.json",
        ])
        .arg(&bin)
        .current_dir(work.path())
        .run()
        .parts();
    let errors = sarif_errors(&sarif);
    assert!(errors.is_empty(), "SARIF with drift invalid:\n{errors}");
    assert!(sarif.contains("\"ruleId\": \"DD802\""), "{sarif}");
    assert!(sarif.contains("\"uri\": \"dist/hello\""), "{sarif}");
}
