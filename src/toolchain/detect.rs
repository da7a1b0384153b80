//! Finds the tools a debugging session uses: `go` (`go env -json`), `dlv` (`dlv version`,
//! and the Go version it was built with, from its own build info), `gdb`; honouring PATH,
//! explicit paths, and vscode-go's `go.alternateTools` in `.vscode/settings.json`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize)]
pub struct GoTool {
    pub path: String,
    pub version: Option<String>,
    pub goroot: Option<String>,
    pub gopath: Option<String>,
    pub gomodcache: Option<String>,
    pub goflags: Option<String>,
    pub goos: Option<String>,
    pub goarch: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct DlvTool {
    pub path: String,
    /// `1.20.2`, from `dlv version`.
    pub version: Option<String>,
    /// `go1.19.8`: the Go that built this dlv, from its build info.
    pub built_with: Option<String>,
    /// Where the path came from: `--dlv`, `go.alternateTools`, `PATH`.
    pub source: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct GdbTool {
    pub path: String,
    pub version: Option<String>,
}

/// `name` on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn output(cmd: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn go(path: &Path) -> Option<GoTool> {
    let text = output(path, &["env", "-json"])?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let version = s("GOVERSION").or_else(|| {
        output(path, &["version"]).and_then(|t| t.split_whitespace().nth(2).map(str::to_string))
    });
    Some(GoTool {
        path: path.display().to_string(),
        version,
        goroot: s("GOROOT"),
        gopath: s("GOPATH"),
        gomodcache: s("GOMODCACHE"),
        goflags: s("GOFLAGS"),
        goos: s("GOOS"),
        goarch: s("GOARCH"),
    })
}

/// `go env GOVERSION GOROOT GOMODCACHE GOOS GOARCH`: what a debug session needs, without
/// the costly part of `go env -json` (it runs the C compiler to report cgo's flags).
pub fn go_quick(path: &Path) -> Option<GoTool> {
    let text = output(
        path,
        &["env", "GOVERSION", "GOROOT", "GOMODCACHE", "GOOS", "GOARCH"],
    )?;
    let mut l = text
        .lines()
        .map(|l| Some(l.trim().to_string()).filter(|l| !l.is_empty()));
    let mut next = || l.next().flatten();
    Some(GoTool {
        path: path.display().to_string(),
        version: next(),
        goroot: next(),
        gomodcache: next(),
        goos: next(),
        goarch: next(),
        ..Default::default()
    })
}

/// [`dlv`] without starting a released Delve: its version and the Go that built it come
/// from its build info; a `(devel)` build's `dlv version` answer is remembered
/// ([`dlv_version_remembered`]).
pub fn dlv_quick(path: &Path, source: &str) -> Result<DlvTool, String> {
    let built_with = || {
        crate::binary::Image::open(path)
            .ok()
            .and_then(|img| crate::go::BuildInfo::read(&img).ok().flatten())
            .map(|b| b.go_version)
    };
    if let Some(v) = dlv_version_from_build_info(path) {
        return Ok(DlvTool {
            path: path.display().to_string(),
            version: Some(v),
            built_with: built_with(),
            source: source.to_string(),
        });
    }
    let v = dlv_version_remembered(path)?;
    Ok(DlvTool {
        path: path.display().to_string(),
        version: Some(v),
        built_with: built_with(),
        source: source.to_string(),
    })
}

/// `dlv version` prints "Version: 1.20.2"; the Go version comes from the binary's build
/// info (Debian's dlv is stripped, but build info survives stripping).
/// Delve's version read from the executable's Go build info, without running it: the
/// main module `github.com/go-delve/delve` at a released version (`go install
/// github.com/go-delve/delve/cmd/dlv@v1.27.1`, what vscode-go installs). `None` for a
/// `(devel)` build (distributions, source builds): then only `dlv version` can tell.
pub fn dlv_version_from_build_info(path: &Path) -> Option<String> {
    let img = crate::binary::Image::open(path).ok()?;
    let bi = crate::go::BuildInfo::read(&img).ok()??;
    let main = bi.main?;
    let v = main.version.strip_prefix('v')?;
    (main.path == "github.com/go-delve/delve" && v.starts_with(|c: char| c.is_ascii_digit()))
        .then(|| v.to_string())
}

/// `dlv version` of a Delve whose build info does not say it (a `(devel)` build, such as
/// a distribution's), remembered per executable: the answer is kept in the user's cache
/// directory (`$XDG_CACHE_HOME/debugdoctor`, else `~/.cache/debugdoctor`) under a key of
/// the file's path, size and modification time, so a replaced dlv is asked again.
/// The cache is never required: any error in it only means dlv is run.
pub fn dlv_version_remembered(path: &Path) -> Result<String, String> {
    let entry = version_cache_entry(path);
    if let Some(v) = entry
        .as_deref()
        .and_then(|e| std::fs::read_to_string(e).ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.len() < 64)
    {
        return Ok(v);
    }
    let version = dlv(path, "--delve")?.version.unwrap_or_default();
    if let Some(e) = entry.filter(|_| !version.is_empty()) {
        // Written whole then renamed: a concurrent reader sees all of it or nothing.
        let tmp = e.with_extension(format!("tmp{}", std::process::id()));
        let ok = e
            .parent()
            .is_some_and(|d| std::fs::create_dir_all(d).is_ok())
            && std::fs::write(&tmp, &version).is_ok()
            && std::fs::rename(&tmp, &e).is_ok();
        if !ok {
            let _ = std::fs::remove_file(&tmp);
        }
    }
    Ok(version)
}

/// Where [`dlv_version_remembered`] keeps the version of `path`.
fn version_cache_entry(path: &Path) -> Option<PathBuf> {
    use std::hash::{Hash, Hasher};
    let canon = std::fs::canonicalize(path).ok()?;
    let m = std::fs::metadata(&canon).ok()?;
    let mtime = m
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut h = rustc_hash::FxHasher::default();
    (canon, m.len(), mtime).hash(&mut h);
    let root = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(
        root.join("debugdoctor")
            .join("dlv-version")
            .join(format!("{:016x}", h.finish())),
    )
}

pub fn dlv(path: &Path, source: &str) -> Result<DlvTool, String> {
    // What it answered, for the error when it is not Delve: its exit and first line.
    let not_delve = |answer: String| {
        format!(
            "{}: not Delve: `{} version` {answer} (Delve prints \"Delve Debugger\" and a \"Version:\" line)",
            path.display(),
            path.display()
        )
    };
    let out = Command::new(path)
        .arg("version")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| not_delve(format!("could not run: {e}")))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let version = text
        .lines()
        .find_map(|l| l.strip_prefix("Version:"))
        .map(|v| v.trim().to_string());
    if !out.status.success() || version.is_none() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = text
            .lines()
            .chain(stderr.lines())
            .map(str::trim)
            .find(|l| !l.is_empty());
        let status = match out.status.code() {
            Some(c) => format!("exited {c}"),
            None => "was killed by a signal".to_string(),
        };
        let said = match first {
            Some(l) => {
                let l: String = l.chars().take(120).collect();
                format!("{status} and printed {l:?}")
            }
            None => format!("{status} and printed nothing"),
        };
        return Err(not_delve(said));
    }
    let built_with = crate::binary::Image::open(path)
        .ok()
        .and_then(|img| crate::go::BuildInfo::read(&img).ok().flatten())
        .map(|b| b.go_version);
    Ok(DlvTool {
        path: path.display().to_string(),
        version,
        built_with,
        source: source.to_string(),
    })
}

pub fn gdb(path: &Path) -> Option<GdbTool> {
    let text = output(path, &["--version"])?;
    let first = text.lines().next()?;
    Some(GdbTool {
        path: path.display().to_string(),
        version: first.split_whitespace().last().map(str::to_string),
    })
}

/// `go.alternateTools` entries of `.vscode/settings.json` under `workspace` (JSONC).
pub fn alternate_tools(workspace: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(workspace.join(".vscode/settings.json")) else {
        return Vec::new();
    };
    let Ok(v) = jsonc_parser::parse_to_serde_value::<serde_json::Value>(&text, &Default::default())
    else {
        return Vec::new();
    };
    v.get("go.alternateTools")
        .and_then(|t| t.as_object())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|p| (k.clone(), p.to_string())))
                .collect()
        })
        .unwrap_or_default()
}
