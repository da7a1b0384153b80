//! `rebuild`: the exact `go build` (or `go test -c`) command that reproduces a binary from
//! its build info, debuggable (`-gcflags=all=-N -l`, no `-s`/`-w`, no `-trimpath`), and
//! the proof that the rebuilt binary is: `check` has no error and `main.main` is hit.
//!
//! [`plan`] is pure: build info (and what the local `go` reports) in, [`RebuildPlan`] out.
//! The side effects live apart: [`host_go`] asks `go env`, [`workspace_refusal`] compares a
//! discovered [`Workspace`] with the recorded module and VCS revision, and [`execute`]
//! runs the build, the checks and the probe.
//!
//! The go command's rules mirrored here (cmd/go/internal/load `setBuildInfo`, `flag.go`):
//! only the last `-gcflags`/`-ldflags` value given is recorded; per package, the last
//! `-gcflags` whose pattern matches wins (flags are not merged); a value without a pattern
//! applies to the packages named on the command line only; with `-trimpath`, `-ldflags`
//! and the `CGO_*FLAGS` are not recorded (golang/go#52372).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::go::flags;
use crate::go::BuildInfo;
use crate::paths::workspace::Workspace;
use crate::probe::{ProbeError, ProbeOptions, ProbeReport};
use crate::Target;

/// What the local `go` reports (`go env`): its version and the defaults a build gets when
/// the environment does not set them.
#[derive(Clone, Debug, Default, Serialize)]
pub struct HostGo {
    /// The `go` command asked; `None` for [`HostGo::assumed`].
    pub path: Option<PathBuf>,
    /// `go1.25.5`; `None` when unknown.
    pub version: Option<String>,
    /// `go env` values: GOOS, GOARCH, CGO_ENABLED, GOEXPERIMENT, GOAMD64, CGO_CFLAGS...
    pub env: BTreeMap<String, String>,
}

/// The `go env` keys [`plan`] compares with the recorded settings.
pub const ENV_KEYS: &[&str] = &[
    "GOVERSION",
    "GOOS",
    "GOARCH",
    "CGO_ENABLED",
    "GOEXPERIMENT",
    "GOFIPS140",
    "GOAMD64",
    "GOARM",
    "GOARM64",
    "GO386",
    "GOMIPS",
    "GOMIPS64",
    "GOPPC64",
    "GORISCV64",
    "GOWASM",
    "CGO_CFLAGS",
    "CGO_CPPFLAGS",
    "CGO_CXXFLAGS",
    "CGO_LDFLAGS",
];

impl HostGo {
    /// The defaults of a native build on this machine, when no `go` can be asked.
    pub fn assumed() -> HostGo {
        let goos = match std::env::consts::OS {
            "macos" => "darwin",
            os => os,
        };
        let goarch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            a => a,
        };
        let env = [
            ("GOOS", goos),
            ("GOARCH", goarch),
            ("CGO_ENABLED", "1"),
            ("GOEXPERIMENT", ""),
            ("GOAMD64", "v1"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        HostGo {
            path: None,
            version: None,
            env,
        }
    }

    fn get(&self, key: &str) -> &str {
        self.env.get(key).map(String::as_str).unwrap_or("")
    }
}

/// Which go command rebuilds the binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoTool {
    /// `go build`.
    Build,
    /// `go test -c`: the build info path is `PKG.test`.
    TestC,
}

/// The command that rebuilds a binary debuggable, and what differs from the original.
#[derive(Clone, Debug, Serialize)]
pub struct RebuildPlan {
    /// The binary it was read from.
    pub binary: PathBuf,
    /// The Go version that built it (`go1.25.5`; experiments are in `GOEXPERIMENT`).
    pub go_version: String,
    /// The local `go` asked (`--go`, else `go` on PATH), its version, and whether it is
    /// the recorded one; `None` when no `go` was found.
    pub host_go: Option<PathBuf>,
    pub host_go_version: Option<String>,
    pub go_matches: Option<bool>,
    pub tool: GoTool,
    /// Recorded main module (`mod` line) and main package (`path` line).
    pub module: Option<String>,
    pub main_package: Option<String>,
    /// The package argument, relative to the module root (`.`, `./cmd/x`), or an import path.
    pub package: String,
    /// Environment the printed command sets: the recorded settings that differ from what
    /// the local `go` would use, and GOTOOLCHAIN when its version differs.
    pub env: Vec<(String, String)>,
    /// Every recorded environment setting (GOOS, GOARCH, CGO_ENABLED, GOEXPERIMENT, ...):
    /// what `--run` sets, whatever the caller's environment says.
    pub build_env: Vec<(String, String)>,
    /// Flags after `go build` / `go test -c`, before the package (no `-o`).
    pub args: Vec<String>,
    /// What was changed against the original build, and why.
    pub changes: Vec<String>,
    /// What cannot be reproduced or verified, and other caveats.
    pub notes: Vec<String>,
    /// False when the build cannot be reproduced exactly (built from files:
    /// `command-line-arguments`; no main module).
    pub reproducible: bool,
    /// Recorded `-buildmode`, GOOS and GOARCH.
    pub buildmode: String,
    pub goos: String,
    pub goarch: String,
    /// Recorded `vcs.revision`, if any.
    pub vcs_revision: Option<String>,
}

/// Builds the rebuild plan for a binary from its build info. `host` is what the local `go`
/// reports ([`host_go`]); `None` assumes a native build's defaults and says so.
pub fn plan(binary: &Path, bi: &BuildInfo, host: Option<&HostGo>) -> RebuildPlan {
    let assumed = HostGo::assumed();
    let host_env = host.unwrap_or(&assumed);
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    let go_version = release(&bi.go_version);
    let module = bi.main.as_ref().map(|m| m.path.clone());
    let main_package = bi.path.clone();
    let mut reproducible = true;

    // The go command and the package argument.
    let raw_path = main_package.clone().unwrap_or_default();
    let (tool, pkg_path) = match raw_path.strip_suffix(".test") {
        Some(p) => (GoTool::TestC, p.to_string()),
        None => (GoTool::Build, raw_path.clone()),
    };
    if tool == GoTool::TestC {
        notes.push(format!(
            "a test binary (build info path {raw_path}): rebuilt with `go test -c`, which compiles the package's tests as `go test` does"
        ));
    }
    let package = if pkg_path == "command-line-arguments" || pkg_path.is_empty() {
        reproducible = false;
        notes.push(if pkg_path.is_empty() {
            "the build info records no main package path: the package cannot be known; replace PACKAGE with it".to_string()
        } else {
            "built from a list of .go files (main package `command-line-arguments`): the build info does not record which files, so it cannot be reproduced exactly; replace FILES.go with the files it was built from".to_string()
        });
        if pkg_path.is_empty() {
            "PACKAGE".to_string()
        } else {
            "FILES.go".to_string()
        }
    } else {
        relative_package(&pkg_path, module.as_deref())
    };
    match bi.main.as_ref() {
        None if reproducible => {
            notes.push("no main module recorded (GOPATH mode or a very old Go): the command must run in the GOPATH workspace it was built in".into());
        }
        Some(m) if m.version != "(devel)" && !m.version.is_empty() => {
            notes.push(format!(
                "the main module is {}@{}: it was built with `go install {}@{}`; run the command in a checkout of that version (or use go install with the same flags)",
                m.path, m.version, raw_path, m.version
            ));
        }
        _ => {}
    }

    // Environment: every recorded setting (for --run), and those differing from the host.
    let mut build_env: Vec<(String, String)> = Vec::new();
    for (k, v) in &bi.settings {
        let arch_key = k.starts_with("GO")
            && ENV_KEYS.contains(&k.as_str())
            && !matches!(k.as_str(), "GOVERSION");
        let cgo_flags = k.starts_with("CGO_") && k != "CGO_ENABLED";
        if k == "CGO_ENABLED" || arch_key || (cgo_flags && !v.is_empty()) {
            build_env.push((k.clone(), v.clone()));
        }
    }
    // An experiment set in the caller's environment but not recorded must be cleared.
    if bi.setting("GOEXPERIMENT").is_none() && !host_env.get("GOEXPERIMENT").is_empty() {
        build_env.push(("GOEXPERIMENT".into(), String::new()));
    }
    let mut env: Vec<(String, String)> = build_env
        .iter()
        .filter(|(k, v)| host_env.get(k) != v.as_str())
        .cloned()
        .collect();
    let go_matches = host
        .and_then(|h| h.version.as_deref())
        .map(|v| release(v) == go_version);
    match (host, go_matches) {
        (None, _) => notes.push(format!(
            "no go command found: install {go_version} (or pass --go); the environment assumes a native build's defaults"
        )),
        (Some(h), Some(false)) => {
            let have = h.version.clone().unwrap_or_default();
            let rec = crate::go::GoVersion::parse(&go_version);
            let local = crate::go::GoVersion::parse(&have);
            let switchable = rec.is_some_and(|r| r.at_least(1, 21))
                && local.is_some_and(|l| l.at_least(1, 21))
                && !go_version.contains("devel");
            if switchable {
                env.insert(0, ("GOTOOLCHAIN".into(), go_version.clone()));
                notes.push(format!(
                    "the local go is {have}, the binary was built by {go_version}: GOTOOLCHAIN={go_version} makes go download and use that release (needs the network); --run needs a local {go_version} given with --go"
                ));
            } else {
                notes.push(format!(
                    "the local go is {have}, the binary was built by {go_version}: use a {go_version} toolchain (GOTOOLCHAIN cannot select it from {have}); --run needs it given with --go"
                ));
            }
        }
        (Some(h), None) => notes.push(format!(
            "the version of {} is unknown: the binary was built by {go_version}",
            h.path
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "go".into())
        )),
        _ => {}
    }

    // Flags, in `go help build` order.
    let mut args = Vec::new();
    let buildmode = bi.setting("-buildmode").unwrap_or("exe").to_string();
    if buildmode != "exe" {
        // "exe" is what cmd/go records for the default mode too: leaving the flag out
        // reproduces both.
        args.push(format!("-buildmode={buildmode}"));
        if !matches!(buildmode.as_str(), "pie") {
            notes.push(format!(
                "-buildmode={buildmode} does not produce a program that runs main.main: it cannot be probed"
            ));
        }
    }
    for (key, flag) in [
        ("-race", "-race"),
        ("-msan", "-msan"),
        ("-asan", "-asan"),
        ("-cover", "-cover"),
    ] {
        if bi.setting(key) == Some("true") {
            args.push(flag.to_string());
        }
    }
    if let Some(tags) = bi.setting("-tags").filter(|t| !t.is_empty()) {
        args.push(format!("-tags={tags}"));
    }
    if let Some(asm) = bi.setting("-asmflags").filter(|t| !t.is_empty()) {
        args.push(format!("-asmflags={asm}"));
    }
    if let Some(c) = bi.setting("-compiler").filter(|c| *c != "gc") {
        notes.push(format!(
            "built with -compiler={c}: the command uses the gc compiler, whose -gcflags it sets"
        ));
    }
    let (gc_args, gc_changes, gc_notes) = merge_gcflags(bi.setting("-gcflags"));
    args.extend(gc_args);
    changes.extend(gc_changes);
    notes.extend(gc_notes);
    let trimpath = bi.setting("-trimpath") == Some("true");
    if let Some(ld) = bi.setting("-ldflags") {
        let (kept, dropped) = drop_strip_flags(ld);
        if !dropped.is_empty() {
            changes.push(format!(
                "dropped {} from -ldflags: -s omits the symbol table and, on ELF and PE, DWARF too; -w omits DWARF; the external linker's -s / --strip-* remove them afterwards; without DWARF no file:line breakpoint binds",
                dropped.join(" ")
            ));
        }
        if let Some(kept) = kept {
            args.push(format!("-ldflags={kept}"));
        }
    }
    if trimpath {
        changes.push("dropped -trimpath: the rebuilt binary records the absolute paths of this workspace's files, so the editor's paths match without substitutePath".into());
        notes.push("with -trimpath the go command records neither -ldflags nor CGO_*FLAGS (golang/go#52372): add the original -ldflags (-X ...) yourself, without -s and -w".into());
    }
    if let Some(pgo) = bi.setting("-pgo").filter(|p| !p.is_empty() && *p != "off") {
        changes.push(format!(
            "dropped -pgo={pgo}: a profile only steers inlining and devirtualisation, which -N -l turns off"
        ));
    }
    if bi.setting("vcs.modified") == Some("true") {
        notes.push(format!(
            "built from a work tree with uncommitted changes (vcs.modified=true){}: the sources cannot be verified to be the same",
            bi.setting("vcs.revision")
                .map(|r| format!(" on top of {r}"))
                .unwrap_or_default()
        ));
    }

    RebuildPlan {
        binary: binary.to_path_buf(),
        go_version,
        host_go: host.and_then(|h| h.path.clone()),
        host_go_version: host.and_then(|h| h.version.clone()),
        go_matches,
        tool,
        module,
        main_package,
        package,
        env,
        build_env,
        args,
        changes,
        notes,
        reproducible,
        buildmode,
        goos: bi.setting("GOOS").unwrap_or_default().to_string(),
        goarch: bi.setting("GOARCH").unwrap_or_default().to_string(),
        vcs_revision: bi.setting("vcs.revision").map(str::to_string),
    }
}

/// The toolchain release in a Go version string: `go1.25.5 X:nodwarf5` (Go ≤ 1.26) and
/// `go1.27.3-X:nodwarf5` (Go 1.27) are `go1.25.5` and `go1.27.3`; experiments are
/// recorded in the GOEXPERIMENT setting.
pub fn release(version: &str) -> String {
    let v = version.trim();
    if v.starts_with("devel ") {
        return v.to_string();
    }
    let first = v.split_whitespace().next().unwrap_or(v);
    first.split("-X:").next().unwrap_or(first).to_string()
}

/// [`plan`] for an opened binary: its build info, with what the binary itself says where
/// the build info is silent — the platform from the file format, and for a test binary
/// built by an older Go (go1.19 and go1.21 record no package or module for it) the package under
/// test, read from its `PKG.TestXxx` function names. `None` without build info.
pub fn plan_target(target: &Target, host: Option<&HostGo>) -> Option<RebuildPlan> {
    let mut bi = target.buildinfo()?.clone();
    for (key, value) in [("GOOS", target.goos()), ("GOARCH", target.goarch())] {
        if bi.setting(key).is_none() && !value.is_empty() {
            bi.settings.push((key.to_string(), value));
        }
    }
    let mut inferred = None;
    if bi.path.is_none() {
        if let Some(pkg) = target.pclntab().and_then(test_package) {
            bi.path = Some(format!("{pkg}.test"));
            inferred = Some(pkg);
        }
    }
    let mut p = plan(target.path(), &bi, host);
    if let Some(pkg) = inferred {
        p.notes
            .retain(|n| !n.starts_with("no main module recorded"));
        p.notes.push(format!(
            "this test binary's build info records no package or module (older Go versions record none for test binaries): the package under test, {pkg}, was read from its test function names"
        ));
    }
    Some(p)
}

/// The package a test binary tests: the most frequent `PKG` of `PKG.TestXxx`,
/// `PKG.BenchmarkXxx`, `PKG.ExampleXxx`, `PKG.FuzzXxx` functions (`PKG_test` for external
/// tests counts as `PKG`), when the binary has the `testing` package's main loop.
pub fn test_package(tab: &crate::go::Pclntab) -> Option<String> {
    // MainStart is small enough to be inlined into an optimised testmain; (*M).Run is not.
    if tab.func_by_name("testing.MainStart").is_none()
        && tab.func_by_name("testing.(*M).Run").is_none()
    {
        return None;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &tab.funcs {
        let Some((pkg, name)) = f.name.rsplit_once('.') else {
            continue;
        };
        let test_like = ["Test", "Benchmark", "Example", "Fuzz"].iter().any(|p| {
            name.strip_prefix(p)
                .is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_lowercase()))
        });
        if !test_like
            || pkg.is_empty()
            || pkg == "main"
            || pkg == "testing"
            || pkg.starts_with("testing/")
            || pkg.contains(['(', '[', '*'])
            || name.contains(['(', '[', '*'])
        {
            continue;
        }
        *counts
            .entry(pkg.strip_suffix("_test").unwrap_or(pkg))
            .or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(p, _)| p.to_string())
}

/// `example.com/m/cmd/x` in module `example.com/m` → `./cmd/x`; the module itself → `.`;
/// a package of another module stays an import path.
pub fn relative_package(path: &str, module: Option<&str>) -> String {
    match module {
        Some(m) if path == m => ".".to_string(),
        Some(m) => match path.strip_prefix(m).and_then(|r| r.strip_prefix('/')) {
            Some(rest) if !rest.is_empty() => format!("./{rest}"),
            _ => path.to_string(),
        },
        None => path.to_string(),
    }
}

/// The `-gcflags` arguments that keep the recorded flags and turn off optimisation and
/// inlining everywhere, with the changes made and notes. cmd/go gives each package the
/// flags of the last `-gcflags` whose pattern matches it, so `all=-N -l` must come first
/// and any narrower recorded pattern after it, carrying `-N -l` too.
pub fn merge_gcflags(recorded: Option<&str>) -> (Vec<String>, Vec<String>, Vec<String>) {
    const ADDED: &str = "turns off optimisation (-N) and inlining (-l) in every package (all=), so every line has code and every variable can be read";
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    let all = "-gcflags=all=-N -l".to_string();
    let v = recorded.map(str::trim).unwrap_or("");
    if v.is_empty() {
        changes.push(format!("added -gcflags=all=-N -l: {ADDED}"));
        return (vec![all], changes, notes);
    }
    let (pattern, rest) = if v.starts_with('-') {
        (None, v)
    } else {
        match v.split_once('=') {
            Some((p, r)) => (Some(p.trim()), r),
            None => (None, v),
        }
    };
    let mut fl = flags::split(rest);
    let before = fl.len();
    fl.retain(|f| !matches!(f.as_str(), "-dwarf=false" | "-dwarf=0" | "--dwarf=false"));
    if fl.len() != before {
        changes
            .push("dropped -dwarf=false from -gcflags: it makes the compiler emit no DWARF".into());
    }
    let has = |f: &[String], x: &str| f.iter().any(|t| t == x || t == &format!("-{x}"));
    let mut with_nl = fl.clone();
    for x in ["-N", "-l"] {
        if !has(&fl, x) {
            with_nl.push(x.to_string());
        }
    }
    let only_nl = with_nl
        .iter()
        .all(|t| matches!(t.as_str(), "-N" | "-l" | "--N" | "--l"));
    let joined = quoted_join(&with_nl);
    match pattern {
        Some("all") => {
            if has(&fl, "-N") && has(&fl, "-l") {
                changes.push(format!(
                    "kept -gcflags=all={}: it already turns off optimisation and inlining in every package",
                    quoted_join(&fl)
                ));
            } else {
                changes.push(format!(
                    "added -N -l to the recorded -gcflags=all={}: {ADDED}",
                    quoted_join(&fl)
                ));
            }
            (vec![format!("-gcflags=all={joined}")], changes, notes)
        }
        None => {
            if only_nl {
                changes.push(format!(
                    "replaced -gcflags={v} by -gcflags=all=-N -l: without a package pattern the flags apply only to the packages named on the command line (the main package), so every dependency stayed optimised"
                ));
                (vec![all], changes, notes)
            } else {
                changes.push(format!(
                    "added -gcflags=all=-N -l before -gcflags={joined}: the recorded -gcflags={v} has no package pattern, so it applies to the main package only; cmd/go gives each package the last -gcflags whose pattern matches (it does not merge them), so the main package gets `{joined}` and every other package `-N -l`"
                ));
                notes.push("cmd/go records only the last -gcflags given: if the original build passed others before it, they are not known".into());
                (vec![all, format!("-gcflags={joined}")], changes, notes)
            }
        }
        Some(p) => {
            if p.starts_with('.') {
                notes.push(format!(
                    "the recorded -gcflags pattern {p} is relative to the directory the original build ran in; the command runs in the module root"
                ));
            }
            if only_nl {
                changes.push(format!(
                    "replaced -gcflags={v} by -gcflags=all=-N -l: the pattern {p} left the other packages optimised"
                ));
                (vec![all], changes, notes)
            } else {
                changes.push(format!(
                    "added -gcflags=all=-N -l before -gcflags={p}={joined}: cmd/go gives each package the last -gcflags whose pattern matches, so packages matching {p} keep their recorded flags plus -N -l and every other package gets -N -l"
                ));
                (vec![all, format!("-gcflags={p}={joined}")], changes, notes)
            }
        }
    }
}

/// Removes the `-s` and `-w` linker booleans (any value) from an `-ldflags` value, keeping
/// every other flag with Go's quoting. Returns the remaining value (`None` when nothing
/// is left) and the flags dropped.
pub fn drop_strip_flags(ldflags: &str) -> (Option<String>, Vec<String>) {
    let v = ldflags.trim();
    let (pattern, rest) = if v.starts_with('-') || v.is_empty() {
        (None, v)
    } else {
        match v.split_once('=') {
            Some((p, r)) => (Some(p.trim()), r),
            None => (None, v),
        }
    };
    let toks = flags::split(rest);
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    // The value-taking flag whose value comes next.
    let mut value_of: Option<String> = None;
    for t in toks {
        if let Some(name) = value_of.take() {
            if name == "extldflags" {
                let v = strip_extldflags(&t, &mut dropped);
                if v.is_empty() {
                    kept.pop(); // the -extldflags itself
                } else {
                    kept.push(v);
                }
            } else {
                kept.push(t);
            }
            continue;
        }
        if let Some(body) = t.strip_prefix("--").or_else(|| t.strip_prefix('-')) {
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            if name == "s" || name == "w" {
                dropped.push(t);
                continue;
            }
            match value {
                Some(v) if name == "extldflags" => {
                    let dash = &t[..t.len() - body.len()];
                    let v = strip_extldflags(v, &mut dropped);
                    if !v.is_empty() {
                        kept.push(format!("{dash}extldflags={v}"));
                    }
                    continue;
                }
                None if crate::vscode::rules::invalid_build_flag::linker_flag_takes_value(name) => {
                    value_of = Some(name.to_string())
                }
                _ => {}
            }
        }
        kept.push(t);
    }
    if kept.is_empty() {
        return (None, dropped);
    }
    let joined = quoted_join(&kept);
    let value = match pattern {
        Some(p) => format!("{p}={joined}"),
        None => joined,
    };
    (Some(value), dropped)
}

/// An `-extldflags` value without the external linker's stripping flags (`-s`,
/// `-Wl,-s`, `-Wl,--strip-all`, `-Wl,-S`, `-Wl,--strip-debug`), which remove DWARF after
/// cmd/link wrote it; what was removed is added to `dropped` as `-extldflags=FLAG`.
fn strip_extldflags(value: &str, dropped: &mut Vec<String>) -> String {
    let strips = |f: &str| {
        matches!(f, "-s" | "--strip-all" | "-S" | "--strip-debug" | "-g0")
            || f.strip_prefix("-Wl,").is_some_and(|rest| {
                rest.split(',')
                    .any(|x| matches!(x, "-s" | "--strip-all" | "-S" | "--strip-debug"))
            })
    };
    let mut kept = Vec::new();
    for f in flags::split(value) {
        if strips(&f) {
            dropped.push(format!("-extldflags={f}"));
        } else {
            kept.push(f);
        }
    }
    quoted_join(&kept)
}

/// cmd/internal/quoted.Join: arguments with spaces or quotes are wrapped in the quote they
/// do not contain.
pub fn quoted_join(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            let space = a.chars().any(|c| c.is_ascii_whitespace());
            let sq = a.contains('\'');
            let dq = a.contains('"');
            if !space && !sq && !dq {
                a.clone()
            } else if !sq {
                format!("'{a}'")
            } else {
                format!("\"{a}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One word for a POSIX shell: as is when it has only safe characters; `-flag=VALUE` with
/// the value quoted (`-gcflags='all=-N -l'`); else single-quoted.
pub fn shell_word(arg: &str) -> String {
    fn safe(s: &str) -> bool {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%^".contains(c))
    }
    fn quote(s: &str) -> String {
        if !s.contains('\'') {
            format!("'{s}'")
        } else if !s.chars().any(|c| "\"$`\\!".contains(c)) {
            format!("\"{s}\"")
        } else {
            format!("'{}'", s.replace('\'', r"'\''"))
        }
    }
    if safe(arg) {
        return arg.to_string();
    }
    if let Some((flag, value)) = arg.split_once('=') {
        if flag.starts_with('-') && safe(flag) {
            return format!("{flag}={}", quote(value));
        }
    }
    quote(arg)
}

impl RebuildPlan {
    /// `go` arguments: `build [-o OUT] FLAGS... PACKAGE` (or `test -c ...`).
    pub fn go_args(&self, out: Option<&Path>) -> Vec<String> {
        let mut a: Vec<String> = match self.tool {
            GoTool::Build => vec!["build".into()],
            GoTool::TestC => vec!["test".into(), "-c".into()],
        };
        if let Some(o) = out {
            a.push("-o".into());
            a.push(o.display().to_string());
        }
        a.extend(self.args.iter().cloned());
        a.push(self.package.clone());
        a
    }

    /// The command for a POSIX shell: `ENV=... go build [-o OUT] FLAGS... PACKAGE`.
    pub fn shell_command(&self, out: Option<&Path>) -> String {
        let mut words: Vec<String> = self
            .env
            .iter()
            .map(|(k, v)| format!("{k}={}", shell_word_or_empty(v)))
            .collect();
        words.push("go".into());
        words.extend(self.go_args(out).iter().map(|a| shell_word(a)));
        words.join(" ")
    }
}

fn shell_word_or_empty(v: &str) -> String {
    if v.is_empty() {
        "''".into()
    } else {
        shell_word(v)
    }
}

/// Asks a `go` command (`go`, else `go` on PATH) for its version and build defaults
/// (`go env -json`, GOTOOLCHAIN=local so it reports itself, in `dir`). `Ok(None)` when no
/// `go` is given and none is on PATH.
pub fn host_go(go: Option<&Path>, dir: Option<&Path>) -> Result<Option<HostGo>, String> {
    let go = match go {
        Some(g) => std::path::absolute(g).unwrap_or_else(|_| g.to_path_buf()),
        None => match which("go") {
            Some(g) => g,
            None => return Ok(None),
        },
    };
    if !go.is_file() {
        return Err(format!("{}: no such go command", go.display()));
    }
    let mut cmd = Command::new(&go);
    cmd.arg("env").arg("-json").args(ENV_KEYS);
    cmd.env("GOTOOLCHAIN", "local");
    if let Some(d) = dir.filter(|d| d.is_dir()) {
        cmd.current_dir(d);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", go.display()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "{} env failed: {}",
            go.display(),
            err.lines().next().unwrap_or("").trim()
        ));
    }
    let env: BTreeMap<String, String> = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{} env -json: unexpected output: {e}", go.display()))?;
    let version = env.get("GOVERSION").filter(|v| !v.is_empty()).cloned();
    Ok(Some(HostGo {
        path: Some(go),
        version,
        env,
    }))
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The Go name of this machine's platform (`linux/amd64`).
pub fn this_platform() -> (String, String) {
    let h = HostGo::assumed();
    (h.get("GOOS").to_string(), h.get("GOARCH").to_string())
}

/// Why `--run` must not build this plan here, before looking at any workspace: not
/// reproducible, not a program this machine runs, or no matching local go.
pub fn plan_refusal(plan: &RebuildPlan) -> Option<String> {
    if !plan.reproducible {
        return Some(format!(
            "{} cannot be rebuilt exactly: {}",
            plan.binary.display(),
            plan.notes
                .iter()
                .find(|n| n.contains("PACKAGE") || n.contains("FILES.go"))
                .cloned()
                .unwrap_or_default()
        ));
    }
    let (os, arch) = this_platform();
    if (plan.goos.as_str(), plan.goarch.as_str()) != (os.as_str(), arch.as_str()) {
        return Some(format!(
            "{} is a {}/{} binary: --run proves the rebuild by running it, and this machine runs {os}/{arch}; run the printed command and debug it on its platform (dlv --headless)",
            plan.binary.display(),
            plan.goos,
            plan.goarch
        ));
    }
    if !matches!(plan.buildmode.as_str(), "exe" | "pie") {
        return Some(format!(
            "{} was built with -buildmode={}: not a program whose main.main can be probed",
            plan.binary.display(),
            plan.buildmode
        ));
    }
    match (&plan.host_go, plan.go_matches) {
        (None, _) => Some(format!(
            "no go command found to build with: pass --go with a {} toolchain",
            plan.go_version
        )),
        (Some(_), Some(true)) => None,
        (Some(g), _) => Some(format!(
            "{} is {}, the binary was built by {}: this machine has no network to fetch it (GOTOOLCHAIN), pass --go with a local {} toolchain",
            g.display(),
            plan.host_go_version.as_deref().unwrap_or("of unknown version"),
            plan.go_version,
            plan.go_version
        )),
    }
}

/// The directory to build in (the recorded module's root in `ws`), or why the workspace
/// does not match the binary: another module, or another git revision than recorded.
pub fn workspace_refusal(
    plan: &RebuildPlan,
    bi: &BuildInfo,
    ws: &Workspace,
) -> Result<PathBuf, String> {
    let Some(module) = plan.module.as_deref() else {
        // No module recorded (a test binary before Go 1.24, GOPATH mode): the workspace
        // module must hold the package.
        let pkg = plan.main_package.as_deref().unwrap_or("");
        let pkg = pkg.strip_suffix(".test").unwrap_or(pkg);
        return ws
            .modules
            .iter()
            .find(|m| pkg == m.path || pkg.starts_with(&format!("{}/", m.path)))
            .map(|m| m.dir.clone())
            .ok_or_else(|| {
                format!(
                    "{} records no main module, and no module of {} holds its package {pkg}",
                    plan.binary.display(),
                    ws.dir.display()
                )
            });
    };
    let Some(local) = ws.module(module) else {
        let have: Vec<&str> = ws.modules.iter().map(|m| m.path.as_str()).collect();
        return Err(if have.is_empty() {
            format!(
                "{} has no go.mod or go.work: the binary was built from module {module}",
                ws.dir.display()
            )
        } else {
            format!(
                "workspace {} holds module {} ({}), the binary was built from module {module}",
                ws.dir.display(),
                have.join(", "),
                if ws.go_work { "go.work" } else { "go.mod" }
            )
        });
    };
    if bi.setting("vcs") == Some("git") {
        if let Some(rev) = bi.setting("vcs.revision") {
            match ws.git_head.as_deref() {
                None => {
                    return Err(format!(
                        "the binary was built from git revision {rev} (vcs.revision), and {} is not a git work tree (git rev-parse HEAD failed): the sources cannot be matched",
                        ws.dir.display()
                    ))
                }
                Some(head) if head != rev => {
                    return Err(format!(
                        "workspace {} is at git revision {head}, the binary was built from {rev} (vcs.revision): check out {rev} first (git checkout {rev})",
                        ws.dir.display()
                    ))
                }
                _ => {}
            }
        }
    }
    Ok(local.dir.clone())
}

/// Caveats about a workspace that matched: uncommitted changes, GOFLAGS from the
/// environment (`goflags`), which the go command applies too.
pub fn workspace_notes(ws: &Workspace, goflags: Option<&str>) -> Vec<String> {
    let mut notes = Vec::new();
    if ws.git_dirty == Some(true) {
        notes.push(format!(
            "the workspace {} has uncommitted changes: the rebuilt binary is built from them",
            ws.dir.display()
        ));
    }
    if let Some(g) = goflags.filter(|g| !g.trim().is_empty()) {
        notes.push(format!(
            "GOFLAGS={g} from the environment applies to the build too"
        ));
    }
    notes
}

/// How to run the rebuild.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Directory to build in (the module root).
    pub dir: PathBuf,
    /// Output file; `None`: a new temporary directory.
    pub out: Option<PathBuf>,
    /// Probe timeout.
    pub timeout: Duration,
}

/// A finding of `check` on the rebuilt binary, in short.
#[derive(Clone, Debug, Serialize)]
pub struct CheckSummary {
    pub id: String,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
}

/// What `--run` did and proved.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    /// Where the go command ran and the binary it wrote.
    pub dir: PathBuf,
    pub output: PathBuf,
    /// The go command as run (`go` path first).
    pub command: Vec<String>,
    pub env: Vec<(String, String)>,
    pub build_ok: bool,
    pub build_ms: u64,
    /// The go command's output (errors), trimmed.
    pub build_log: String,
    pub check: Vec<CheckSummary>,
    pub check_errors: usize,
    pub check_ms: u64,
    pub probe: Option<ProbeReport>,
    pub probe_ms: u64,
    /// `check` has no error and `main.main` was hit.
    pub proven: bool,
}

/// Why [`execute`] stopped.
#[derive(Debug)]
pub enum RunError {
    /// The output cannot be written, the rebuilt binary cannot be opened...
    Failed(String),
    /// ptrace is not permitted: the proof cannot run.
    ProbeDenied(String),
}

/// Runs the plan's go command in `opts.dir` with the recorded environment (GOTOOLCHAIN=local:
/// the `go` given is the one checked), then `check` on the result and a probe of
/// `main.main`. A failed build is a report with `build_ok: false`, not an error.
pub fn execute(plan: &RebuildPlan, opts: &RunOptions) -> Result<RunReport, RunError> {
    let go = plan
        .host_go
        .clone()
        .ok_or_else(|| RunError::Failed("no go command".into()))?;
    let out = match &opts.out {
        Some(o) => std::path::absolute(o).unwrap_or_else(|_| o.clone()),
        None => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let dir = std::env::temp_dir().join(format!(
                "debugdoctor-rebuild-{}-{nanos}",
                std::process::id()
            ));
            std::fs::create_dir_all(&dir)
                .map_err(|e| RunError::Failed(format!("{}: {e}", dir.display())))?;
            let name = plan
                .binary
                .file_name()
                .map(|n| n.to_os_string())
                .unwrap_or_else(|| "rebuilt".into());
            dir.join(name)
        }
    };
    let args = plan.go_args(Some(&out));
    let mut env = plan.build_env.clone();
    env.push(("GOTOOLCHAIN".into(), "local".into()));
    let mut cmd = Command::new(&go);
    cmd.args(&args).current_dir(&opts.dir);
    for (k, v) in &env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let result = cmd
        .output()
        .map_err(|e| RunError::Failed(format!("cannot run {}: {e}", go.display())))?;
    let build_ms = started.elapsed().as_millis() as u64;
    let log = String::from_utf8_lossy(&result.stderr).trim().to_string();
    let mut command = vec![go.display().to_string()];
    command.extend(args);
    let mut report = RunReport {
        dir: opts.dir.clone(),
        output: out.clone(),
        command,
        env,
        build_ok: result.status.success(),
        build_ms,
        build_log: log,
        check: Vec::new(),
        check_errors: 0,
        check_ms: 0,
        probe: None,
        probe_ms: 0,
        proven: false,
    };
    if !report.build_ok {
        return Ok(report);
    }
    let started = Instant::now();
    let target = Target::open(&out)
        .map_err(|e| RunError::Failed(format!("the rebuilt binary cannot be read: {e}")))?;
    let findings = crate::registry::check(&target);
    report.check_ms = started.elapsed().as_millis() as u64;
    report.check_errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    report.check = findings
        .iter()
        .map(|f| CheckSummary {
            id: f.id.to_string(),
            name: f.name,
            severity: f.severity,
            message: f.message.clone(),
        })
        .collect();
    let started = Instant::now();
    let popts = ProbeOptions {
        timeout: opts.timeout,
        quiet: true,
        cwd: Some(opts.dir.clone()),
        ..Default::default()
    };
    let probe = match crate::probe::probe(&target, &["main.main".to_string()], &popts) {
        Ok(r) => r,
        Err(ProbeError::Denied(m)) => return Err(RunError::ProbeDenied(m)),
        Err(e) => return Err(RunError::Failed(format!("probe failed: {e}"))),
    };
    report.probe_ms = started.elapsed().as_millis() as u64;
    report.proven = report.check_errors == 0 && probe.all_hit();
    report.probe = Some(probe);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn gcflags_merge_follows_last_match_wins() {
        assert_eq!(merge_gcflags(None).0, s(&["-gcflags=all=-N -l"]));
        assert_eq!(
            merge_gcflags(Some("all=-d=checkptr")).0,
            s(&["-gcflags=all=-d=checkptr -N -l"])
        );
        assert_eq!(
            merge_gcflags(Some("all=-N -l")).0,
            s(&["-gcflags=all=-N -l"])
        );
        assert_eq!(merge_gcflags(Some("-N -l")).0, s(&["-gcflags=all=-N -l"]));
        assert_eq!(
            merge_gcflags(Some("-m")).0,
            s(&["-gcflags=all=-N -l", "-gcflags=-m -N -l"])
        );
        assert_eq!(
            merge_gcflags(Some("example.com/...=-m")).0,
            s(&["-gcflags=all=-N -l", "-gcflags=example.com/...=-m -N -l"])
        );
        assert_eq!(
            merge_gcflags(Some("all=-dwarf=false")).0,
            s(&["-gcflags=all=-N -l"])
        );
    }

    #[test]
    fn release_drops_experiments() {
        assert_eq!(release("go1.25.5 X:nodwarf5"), "go1.25.5");
        assert_eq!(release("go1.27.3-X:nodwarf5"), "go1.27.3");
        assert_eq!(release("go1.19.8"), "go1.19.8");
    }

    #[test]
    fn ldflags_lose_s_and_w_only() {
        assert_eq!(drop_strip_flags("-s -w"), (None, s(&["-s", "-w"])));
        assert_eq!(
            drop_strip_flags("-s -X 'main.v=a b' -w=true"),
            (Some("-X 'main.v=a b'".into()), s(&["-s", "-w=true"]))
        );
        assert_eq!(
            drop_strip_flags("-X main.v=-s"),
            (Some("-X main.v=-s".into()), vec![])
        );
        assert_eq!(
            drop_strip_flags("-X -s"),
            (Some("-X -s".into()), vec![]),
            "-s is -X's value here"
        );
        assert_eq!(
            drop_strip_flags("-linkmode=external -extldflags '-static -s'"),
            (
                Some("-linkmode=external -extldflags -static".into()),
                s(&["-extldflags=-s"])
            )
        );
        assert_eq!(
            drop_strip_flags("-extldflags=-Wl,--strip-all -s"),
            (None, s(&["-extldflags=-Wl,--strip-all", "-s"]))
        );
        assert_eq!(
            drop_strip_flags("-extldflags -s -X a=b"),
            (Some("-X a=b".into()), s(&["-extldflags=-s"]))
        );
        assert_eq!(
            drop_strip_flags("-compressdwarf=false -w"),
            (Some("-compressdwarf=false".into()), s(&["-w"]))
        );
    }

    #[test]
    fn packages_and_shell_words() {
        assert_eq!(
            relative_package("example.com/hello", Some("example.com/hello")),
            "."
        );
        assert_eq!(
            relative_package("example.com/m/cmd/x", Some("example.com/m")),
            "./cmd/x"
        );
        assert_eq!(
            relative_package("example.com/mx", Some("example.com/m")),
            "example.com/mx"
        );
        assert_eq!(shell_word("-gcflags=all=-N -l"), "-gcflags='all=-N -l'");
        assert_eq!(
            shell_word("-ldflags=-X 'main.v=a b'"),
            "-ldflags=\"-X 'main.v=a b'\""
        );
        assert_eq!(shell_word("./cmd/x"), "./cmd/x");
        assert_eq!(shell_word("a'$b"), r"'a'\''$b'");
    }

    fn bi(path: &str, settings: &[(&str, &str)]) -> BuildInfo {
        BuildInfo {
            go_version: "go1.25.5".into(),
            path: Some(path.into()),
            main: Some(crate::go::buildinfo::Module {
                path: "example.com/m".into(),
                version: "(devel)".into(),
                sum: String::new(),
                replace: None,
            }),
            deps: vec![],
            settings: settings
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn plan_keeps_env_that_differs_and_refuses_files() {
        let host = HostGo {
            path: Some("/go".into()),
            version: Some("go1.25.5".into()),
            env: [
                ("GOOS", "linux"),
                ("GOARCH", "amd64"),
                ("CGO_ENABLED", "1"),
                ("GOAMD64", "v1"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        };
        let b = bi(
            "example.com/m/cmd/x.test",
            &[
                ("-buildmode", "pie"),
                ("-ldflags", "-s -w -X main.v=1"),
                ("-trimpath", "true"),
                ("CGO_ENABLED", "0"),
                ("GOOS", "linux"),
                ("GOARCH", "amd64"),
                ("GOAMD64", "v3"),
            ],
        );
        let p = plan(Path::new("x.test"), &b, Some(&host));
        assert_eq!(p.tool, GoTool::TestC);
        assert_eq!(p.package, "./cmd/x");
        assert_eq!(
            p.env,
            vec![
                ("CGO_ENABLED".into(), "0".into()),
                ("GOAMD64".into(), "v3".into())
            ]
        );
        assert_eq!(
            p.args,
            s(&[
                "-buildmode=pie",
                "-gcflags=all=-N -l",
                "-ldflags=-X main.v=1"
            ])
        );
        assert_eq!(
            p.shell_command(None),
            "CGO_ENABLED=0 GOAMD64=v3 go test -c -buildmode=pie -gcflags='all=-N -l' '-ldflags=-X main.v=1' ./cmd/x"
                .replace("'-ldflags=-X main.v=1'", "-ldflags='-X main.v=1'")
        );
        assert!(
            plan_refusal(&p).is_none() || !cfg!(all(target_os = "linux", target_arch = "x86_64"))
        );
        let f = plan(
            Path::new("f"),
            &bi("command-line-arguments", &[]),
            Some(&host),
        );
        assert!(!f.reproducible);
        assert!(plan_refusal(&f)
            .unwrap()
            .contains("cannot be rebuilt exactly"));
    }
}
