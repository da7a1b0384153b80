//! Build info read by debugdoctor equals what the same toolchain's `go version -m`
//! prints, on every Go fixture (all formats, stripped, PIE, test and split binaries).

mod common;

use debugdoctor::binary::Image;
use debugdoctor::go::BuildInfo;

/// `go version -m` output, parsed back into (version, lines after the first).
fn go_version_m(go: &str, path: &std::path::Path) -> (String, Vec<String>) {
    let (code, out, err) = common::run(common::go_command(go).args(["version", "-m"]).arg(path));
    assert_eq!(code, 0, "go version -m {}: {err}", path.display());
    let mut lines = out.lines();
    let first = lines.next().unwrap_or("");
    let version = first.rsplit(": ").next().unwrap_or("").to_string();
    (
        version,
        lines
            .map(|l| l.trim_start_matches('\t').to_string())
            .collect(),
    )
}

/// Our build info printed the way `BuildInfo.String` (runtime/debug) prints it.
fn render(bi: &BuildInfo) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = &bi.path {
        out.push(format!("path\t{p}"));
    }
    let module = |kind: &str, m: &debugdoctor::go::buildinfo::Module, out: &mut Vec<String>| {
        out.push(format!("{kind}\t{}\t{}\t{}", m.path, m.version, m.sum));
        if let Some(r) = &m.replace {
            out.push(format!("=>\t{}\t{}\t{}", r.path, r.version, r.sum));
        }
    };
    if let Some(m) = &bi.main {
        module("mod", m, &mut out);
    }
    for d in &bi.deps {
        module("dep", d, &mut out);
    }
    for (k, v) in &bi.settings {
        let quote = |s: &str| {
            if s.is_empty() || s.contains(['=', ' ', '\t', '\r', '\n', '"', '`']) {
                format!("{s:?}")
            } else {
                s.to_string()
            }
        };
        let value = if v.contains([' ', '\t', '\r', '\n', '"', '`']) {
            format!("{v:?}")
        } else {
            v.clone()
        };
        out.push(format!("build\t{}={value}", quote(k)));
    }
    out
}

#[test]
fn equals_go_version_m_on_every_go_fixture() {
    let mut compared = 0;
    let mut failures = Vec::new();
    for f in common::fixtures().into_iter().filter(|f| f.go.is_some()) {
        let go = f.go.as_deref().unwrap();
        let img = Image::open(&f.path).unwrap();
        let bi = BuildInfo::read(&img)
            .unwrap_or_else(|e| panic!("{}: {e}", f.label()))
            .unwrap_or_else(|| panic!("{}: no build info", f.label()));
        let (version, lines) = go_version_m(go, &f.path);
        if bi.go_version != version {
            failures.push(format!(
                "{}: version {} != {version}",
                f.label(),
                bi.go_version
            ));
        }
        let ours = render(&bi);
        if ours != lines {
            let first = ours
                .iter()
                .zip(&lines)
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("ours {a:?} / go {b:?}"))
                .unwrap_or_else(|| format!("{} lines vs {}", ours.len(), lines.len()));
            failures.push(format!("{}: {first}", f.label()));
        }
        compared += 1;
    }
    assert!(compared > 100, "only {compared} fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Debian's /usr/bin/dlv: a stripped Go binary from another toolchain (Go 1.19).
#[test]
fn debian_delve() {
    let img = Image::open(std::path::Path::new("/usr/bin/dlv")).unwrap();
    let bi = BuildInfo::read(&img).unwrap().unwrap();
    let (version, lines) = go_version_m("1.19.8", std::path::Path::new("/usr/bin/dlv"));
    assert_eq!(bi.go_version, version);
    assert_eq!(render(&bi), lines);
}

#[test]
fn non_go_inputs_have_none() {
    for f in common::fixtures().into_iter().filter(|f| f.kind == "nongo") {
        if let Ok(img) = Image::open(&f.path) {
            // The truncated Go binary may keep its build info (it sits early in the file).
            if f.variant != "truncated" {
                assert_eq!(BuildInfo::read(&img), Ok(None), "{}", f.label());
            }
        }
    }
}
