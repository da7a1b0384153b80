//! Build info read by `debugdoctor::go::BuildInfo` against `go version -m` run with the
//! toolchain that built each fixture: Go version, path, main module, every dependency and
//! replacement, every build setting (keys and values exactly, in order). Also: inputs
//! that are not Go, separate debug files, corrupted copies of real binaries, and
//! Debian's `/usr/bin/dlv`.

use crate::common::{self, Fixture};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use debugdoctor::binary::Image;
use debugdoctor::go::buildinfo::{BuildInfo, Module};

/// `strconv.Quote` as `BuildInfo.String` uses it for build keys and values. Written
/// independently of the library's unquoting so the comparison checks it. Non-ASCII
/// characters other than controls are treated as printable (the fixtures have none).
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `BuildInfo.String` (runtime/debug/mod.go) without the `go` line, one entry per line,
/// as `go version -m` prints it after its `PATH: VERSION` line.
fn go_lines(bi: &BuildInfo) -> Vec<String> {
    fn module(lines: &mut Vec<String>, word: &str, m: &Module) {
        match &m.replace {
            None => lines.push(format!("{word}\t{}\t{}\t{}", m.path, m.version, m.sum)),
            Some(r) => {
                lines.push(format!("{word}\t{}\t{}", m.path, m.version));
                module(lines, "=>", r);
            }
        }
    }
    let mut lines = Vec::new();
    if let Some(p) = bi.path.as_deref().filter(|p| !p.is_empty()) {
        lines.push(format!("path\t{p}"));
    }
    if let Some(m) = &bi.main {
        module(&mut lines, "mod", m);
    }
    for d in &bi.deps {
        module(&mut lines, "dep", d);
    }
    for (k, v) in &bi.settings {
        let k = if k.is_empty() || k.contains(['=', ' ', '\t', '\r', '\n', '"', '`']) {
            go_quote(k)
        } else {
            k.clone()
        };
        let v = if v.contains([' ', '\t', '\r', '\n', '"', '`']) {
            go_quote(v)
        } else {
            v.clone()
        };
        lines.push(format!("build\t{k}={v}"));
    }
    lines
}

/// What `go version -m` printed for one file: the version and the indented lines.
#[derive(Debug, Default)]
struct GoReport {
    version: String,
    lines: Vec<String>,
}

/// Runs `go version -m` of toolchain `go` on many files at once and splits its output
/// per file (`PATH: VERSION`, then tab-indented lines). Files Go cannot read are absent.
fn go_version_m(go: &str, files: &[PathBuf]) -> BTreeMap<PathBuf, GoReport> {
    let mut cmd = common::go_command(go);
    cmd.arg("version").arg("-m").args(files);
    let (_, out, _) = common::exec(&mut cmd);
    let mut reports: BTreeMap<PathBuf, GoReport> = BTreeMap::new();
    let mut current: Option<PathBuf> = None;
    for line in out.lines() {
        if let Some(body) = line.strip_prefix('\t') {
            let Some(file) = &current else {
                panic!("go{go} version -m: indented line before any file: {line:?}")
            };
            reports.get_mut(file).unwrap().lines.push(body.to_string());
            continue;
        }
        let file = files
            .iter()
            .find(|f| line.starts_with(&format!("{}: ", f.display())))
            .unwrap_or_else(|| panic!("go{go} version -m: unexpected line {line:?}"));
        let version = line[file.display().to_string().len() + 2..].to_string();
        reports.insert(
            file.clone(),
            GoReport {
                version,
                lines: Vec::new(),
            },
        );
        current = Some(file.clone());
    }
    reports
}

/// `None` when equal, else a description of the first difference with both listings.
fn first_mismatch(label: &str, want: &GoReport, got: &BuildInfo) -> Option<String> {
    let ours = go_lines(got);
    if want.version != got.go_version {
        return Some(format!(
            "{label}: Go version: go version -m {:?}, ours {:?}",
            want.version, got.go_version
        ));
    }
    let n = want.lines.len().max(ours.len());
    let i = (0..n).find(|&i| want.lines.get(i) != ours.get(i))?;
    let show = |l: Option<&String>| l.map_or("<no line>".to_string(), |l| format!("{l:?}"));
    Some(format!(
        "{label}: line {} differs\n  go version -m: {}\n  ours:          {}\n  --- go version -m\n    {}\n  --- ours\n    {}",
        i + 1,
        show(want.lines.get(i)),
        show(ours.get(i)),
        want.lines.join("\n    "),
        ours.join("\n    "),
    ))
}

fn read(path: &Path) -> Result<Option<BuildInfo>, String> {
    let image = Image::open(path).map_err(|e| format!("open: {e}"))?;
    BuildInfo::read(&image).map_err(|e| e.to_string())
}

#[test]
fn every_go_fixture_matches_go_version_m_of_its_toolchain() {
    let fixtures: Vec<Fixture> = common::fixtures()
        .into_iter()
        .filter(|f| f.go.is_some())
        .collect();
    assert!(!fixtures.is_empty(), "no Go fixtures in the manifest");
    let mut by_version: BTreeMap<String, Vec<&Fixture>> = BTreeMap::new();
    for f in &fixtures {
        by_version.entry(f.go.clone().unwrap()).or_default().push(f);
    }
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut variants: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (go, list) in &by_version {
        let files: Vec<PathBuf> = list.iter().map(|f| f.path.clone()).collect();
        let reports = go_version_m(go, &files);
        for f in list {
            let label = f.label();
            let Some(want) = reports.get(&f.path) else {
                failures.push(format!(
                    "{label}: go{go} version -m printed nothing for {}",
                    f.path.display()
                ));
                continue;
            };
            match read(&f.path) {
                Ok(Some(bi)) => {
                    if let Some(m) = first_mismatch(&label, want, &bi) {
                        failures.push(m);
                    }
                }
                Ok(None) => failures.push(format!(
                    "{label}: no build info found; go version -m says {}",
                    want.version
                )),
                Err(e) => failures.push(format!("{label}: {e}")),
            }
            compared += 1;
            variants
                .entry(go.clone())
                .or_default()
                .insert(f.variant.clone());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} fixtures differ from go version -m:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The matrix must keep covering the layouts that matter: a shrinking manifest
    // should fail here rather than pass on less.
    let required = [
        "default",
        "sw",
        "s",
        "w",
        "pie",
        "trimpath",
        "noopt",
        "extlink",
        "windows",
        "darwin-arm64",
        "linux-arm64",
        "split",
        "split-missing",
        "buildid",
        "test",
        "test-noopt",
        "gotest",
        "gorun",
        "tags",
    ];
    for (go, seen) in &variants {
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|v| !seen.contains(*v))
            .collect();
        assert!(
            missing.is_empty(),
            "go{go}: no fixture of variant(s) {missing:?}"
        );
    }
    assert_eq!(
        by_version.len(),
        4,
        "Go versions in the manifest: {:?}",
        by_version.keys()
    );
    eprintln!("compared {compared} fixtures with go version -m");
}

#[test]
fn settings_read_back_unquoted() {
    for go in ["1.19.8", "1.21.13", "1.25.5", "1.27.3"] {
        let noopt = common::fixture(go, "hello", "noopt");
        let bi = read(&noopt.path).unwrap().expect("build info");
        assert_eq!(
            bi.setting("-gcflags"),
            Some("all=-N -l"),
            "{}",
            noopt.label()
        );
        assert_eq!(bi.setting("GOOS"), Some("linux"), "{}", noopt.label());
        let sw = common::fixture(go, "hello", "sw");
        let bi = read(&sw.path).unwrap().expect("build info");
        assert_eq!(bi.setting("-ldflags"), Some("-s -w"), "{}", sw.label());
        assert_eq!(bi.go_version, format!("go{go}"), "{}", sw.label());
        let windows = common::fixture(go, "hello", "windows");
        let bi = read(&windows.path).unwrap().expect("build info");
        assert_eq!(bi.setting("GOOS"), Some("windows"), "{}", windows.label());
        let workspace = common::fixture(go, "workspace", "default");
        let bi = read(&workspace.path).unwrap().expect("build info");
        assert_eq!(
            bi.path.as_deref(),
            Some("example.com/app"),
            "{}",
            workspace.label()
        );
        assert_eq!(
            bi.deps.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
            ["example.com/lib"],
            "{}",
            workspace.label()
        );
    }
}

#[test]
fn nongo_inputs_have_no_build_info_and_never_panic() {
    let nongo: Vec<Fixture> = common::fixtures()
        .into_iter()
        .filter(|f| f.kind == "nongo")
        .collect();
    assert!(!nongo.is_empty(), "no non-Go fixtures in the manifest");
    for f in &nongo {
        let image = match Image::open(&f.path) {
            Ok(image) => image,
            // Not an executable at all (script, PNG, empty, directory, bad header).
            Err(e) => {
                assert!(!e.to_string().contains('\n'), "{}: {e}", f.label());
                continue;
            }
        };
        match BuildInfo::read(&image) {
            Ok(None) => {}
            Ok(Some(bi)) => panic!("{}: build info in a non-Go file: {bi:?}", f.label()),
            // A cut-off file may keep a header whose strings are gone.
            Err(e) if f.variant.starts_with("truncated") => {
                let e = e.to_string();
                assert!(
                    e.starts_with("build info: ") && !e.contains('\n'),
                    "{}: {e}",
                    f.label()
                )
            }
            Err(e) => panic!("{}: {e}", f.label()),
        }
    }
    let c = nongo
        .iter()
        .find(|f| f.variant == "c-binary")
        .expect("c-binary fixture");
    assert_eq!(read(&c.path), Ok(None), "{}", c.label());
}

#[test]
fn separate_debug_files_have_no_build_info() {
    // objcopy --only-keep-debug leaves .go.buildinfo as NOBITS: `go version -m` fails
    // ("not a Go executable", or "EOF" from Go 1.19) and we find no build info.
    let mut checked = 0;
    for f in common::fixtures() {
        let Some(debug) = f.raw.get("debug_file").and_then(|v| v.as_str()) else {
            continue;
        };
        let path = common::repo_root().join(debug);
        let (_, out, err) = common::exec(
            common::go_command(f.go.as_deref().unwrap())
                .args(["version", "-m"])
                .arg(&path),
        );
        assert!(
            out.is_empty() && err.contains("could not read Go build info"),
            "{}: go version -m: {out}{err}",
            f.label()
        );
        assert_eq!(read(&path), Ok(None), "{}: {}", f.label(), path.display());
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} debug files in the manifest");
}

/// Offset of the aligned build info header in a file's bytes.
fn header_offset(data: &[u8]) -> usize {
    (0..data.len().saturating_sub(14))
        .step_by(16)
        .find(|&i| data[i..].starts_with(b"\xff Go buildinf:"))
        .expect("no build info header in the file")
}

fn read_bytes(name: &str, data: Vec<u8>) -> Result<Option<BuildInfo>, String> {
    let image = Image::from_bytes(Path::new(name), data).expect("still an executable");
    BuildInfo::read(&image).map_err(|e| e.to_string())
}

#[test]
fn corrupted_copies_of_real_binaries_are_errors_not_panics() {
    for variant in ["default", "windows", "darwin-arm64", "linux-arm64"] {
        let f = common::fixture("1.25.5", "hello", variant);
        let label = f.label();
        let original = std::fs::read(&f.path).unwrap();
        let at = header_offset(&original);
        assert_eq!(
            original[at + 15] & 2,
            2,
            "{label}: Go 1.25 writes inline strings"
        );
        let version_len = original[at + 32] as usize;

        // The Go version's length made huge.
        let mut data = original.clone();
        data[at + 32] = 0xff;
        data[at + 33] = 0xff;
        data[at + 34] = 0xff;
        data[at + 35] = 0x7f;
        let e = read_bytes(&label, data).unwrap_err();
        assert!(
            e.contains("Go version string length") && e.contains("beyond end of file"),
            "{label}: {e}"
        );

        // The module info length cut to a never-ending varint.
        let mut data = original.clone();
        let mod_len_at = at + 33 + version_len;
        data[mod_len_at..mod_len_at + 10].fill(0x80);
        let e = read_bytes(&label, data).unwrap_err();
        assert!(
            e.contains("module info length") && e.contains("truncated varint"),
            "{label}: {e}"
        );

        // Pre-1.18 form with pointers that lead nowhere.
        let mut data = original.clone();
        data[at + 15] = 0;
        data[at + 16..at + 32].fill(0xee);
        let e = read_bytes(&label, data).unwrap_err();
        assert!(e.contains("not in the file"), "{label}: {e}");

        // A quote opened in a build value and never closed.
        let mut data = original.clone();
        let text_end = at + 33 + version_len + 2 + 200;
        let pos = (at..text_end)
            .find(|&i| data[i..].starts_with(b"-compiler="))
            .expect("-compiler setting");
        data[pos + 10] = b'"';
        let e = read_bytes(&label, data).unwrap_err();
        assert!(
            e.contains("invalid quoted value in build line"),
            "{label}: {e}"
        );

        // The magic broken: no build info at all.
        let mut data = original.clone();
        data[at] = 0;
        assert_eq!(read_bytes(&label, data), Ok(None), "{label}");

        // Every byte of the header and strings flipped, one at a time: never a panic.
        let end = (at + 160).min(original.len());
        for i in at..end {
            let mut data = original.clone();
            data[i] ^= 0xa5;
            if let Err(e) = read_bytes(&label, data) {
                assert!(
                    e.starts_with("build info: ") && !e.contains('\n'),
                    "{label}: byte {i}: {e}"
                );
            }
        }
    }
}

#[test]
fn debian_dlv_matches_go_version_m() {
    let dlv = common::require_tool("/usr/bin/dlv");
    let reports = go_version_m("1.19.8", &[dlv.to_path_buf()]);
    let want = reports.get(dlv).expect("go version -m reads /usr/bin/dlv");
    let bi = read(dlv).unwrap().expect("build info in /usr/bin/dlv");
    assert_eq!(bi.go_version, want.version);
    if let Some(m) = first_mismatch("/usr/bin/dlv", want, &bi) {
        panic!("{m}");
    }
}

/// Replaces every occurrence of `from` with `to` (same length).
fn patch_all(data: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len());
    let mut n = 0;
    let mut i = 0;
    while i + from.len() <= data.len() {
        if &data[i..i + from.len()] == from {
            data[i..i + from.len()].copy_from_slice(to);
            n += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    n
}

#[test]
fn without_its_section_the_blob_is_found_in_the_data_segment() {
    let mut checked = 0;
    for go in ["1.19.8", "1.21.13", "1.25.5", "1.27.3"] {
        for variant in ["default", "pie", "extlink", "linux-arm64", "darwin-arm64"] {
            let f = common::fixture(go, "hello", variant);
            let label = f.label();
            let original = std::fs::read(&f.path).unwrap();
            let want = read(&f.path).unwrap().expect("build info");

            // Section renamed (objcopy --rename-section, or a post-processor).
            let mut data = original.clone();
            let renamed = patch_all(&mut data, b".go.buildinfo\0", b".go.buildinfX\0")
                + patch_all(&mut data, b"__go_buildinfo", b"__go_buildinfX");
            assert!(renamed > 0, "{label}: section name not found");
            let image = Image::from_bytes(Path::new(&label), data).unwrap();
            assert!(
                image.section(".go.buildinfo").is_none()
                    && image.section("__go_buildinfo").is_none()
            );
            assert_eq!(
                BuildInfo::read(&image).as_ref(),
                Ok(&Some(want.clone())),
                "{label}: renamed section"
            );

            // ELF section headers removed (sstrip): only program headers are left.
            if original.starts_with(b"\x7fELF") && original[4] == 2 && original[5] == 1 {
                let mut data = original.clone();
                data[0x28..0x30].fill(0); // e_shoff
                data[0x3c..0x40].fill(0); // e_shnum, e_shstrndx
                let image = Image::from_bytes(Path::new(&label), data).unwrap();
                assert!(image.sections().is_empty(), "{label}");
                assert_eq!(
                    BuildInfo::read(&image),
                    Ok(Some(want.clone())),
                    "{label}: no section headers"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 20);
}
