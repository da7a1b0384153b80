//! The local side: modules of the workspace (go.mod, go.work `use`), the local module
//! cache and GOROOT, and the workspace's git HEAD. The only part of `paths` that reads
//! the file system or runs processes (`go env`, `git rev-parse`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

/// A module with its sources in the workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LocalModule {
    pub path: String,
    pub dir: PathBuf,
    /// `require` lines of its go.mod: (module, version).
    #[serde(skip)]
    pub requires: Vec<(String, String)>,
}

/// Everything local that recorded paths are mapped to.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Workspace {
    /// The workspace directory as given (absolute, symlinks kept: editors use it so).
    pub dir: PathBuf,
    /// Modules: the go.mod at `dir`, or every `use` of a go.work at `dir`.
    pub modules: Vec<LocalModule>,
    /// Has a go.work file.
    pub go_work: bool,
    pub gomodcache: Option<PathBuf>,
    pub goroot: Option<PathBuf>,
    /// `go1.25.5`, from `$GOROOT/VERSION` or `go env GOVERSION`.
    pub go_version: Option<String>,
    /// `git rev-parse HEAD` in `dir`, and whether the work tree has changes.
    pub git_head: Option<String>,
    pub git_dirty: Option<bool>,
}

/// How to discover the workspace.
#[derive(Clone, Debug, Default)]
pub struct WorkspaceOptions {
    /// The `go` command to ask (`go env`); default: `go` on PATH, if any.
    pub go: Option<PathBuf>,
    /// Use this GOROOT instead of asking `go`.
    pub goroot: Option<PathBuf>,
    /// Use this module cache instead of asking `go`.
    pub gomodcache: Option<PathBuf>,
    /// Do not run `git`.
    pub no_git: bool,
}

impl Workspace {
    /// Reads go.mod / go.work under `dir` and locates the module cache and GOROOT.
    pub fn discover(dir: &Path, opts: &WorkspaceOptions) -> Workspace {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let dir = PathBuf::from(normalize(&dir.to_string_lossy()));
        let mut ws = Workspace {
            dir: dir.clone(),
            ..Default::default()
        };
        if let Ok(work) = std::fs::read_to_string(dir.join("go.work")) {
            ws.go_work = true;
            for u in parse_go_work_uses(&work) {
                let d = PathBuf::from(normalize(&dir.join(&u).to_string_lossy()));
                if let Some(m) = read_go_mod(&d) {
                    ws.modules.push(m);
                }
            }
        }
        if ws.modules.is_empty() {
            if let Some(m) = read_go_mod(&dir) {
                ws.modules.push(m);
            }
        }
        // Absolute: `go env` runs in the workspace directory.
        let go = opts
            .go
            .clone()
            .map(|g| std::path::absolute(&g).unwrap_or(g))
            .or_else(|| which("go"));
        let go_env = |key: &str| -> Option<String> {
            let go = go.as_ref()?;
            let out = Command::new(go)
                .args(["env", key])
                .env("GOTOOLCHAIN", "local")
                .current_dir(&dir)
                .output()
                .ok()?;
            let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
            (out.status.success() && !v.is_empty()).then_some(v)
        };
        ws.goroot = opts
            .goroot
            .clone()
            .or_else(|| go_env("GOROOT").map(PathBuf::from));
        ws.gomodcache = opts
            .gomodcache
            .clone()
            .or_else(|| go_env("GOMODCACHE").map(PathBuf::from))
            .or_else(|| {
                let gopath = std::env::var_os("GOPATH")?;
                let first = std::env::split_paths(&gopath).next()?;
                Some(first.join("pkg/mod"))
            })
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join("go/pkg/mod")));
        ws.go_version = ws
            .goroot
            .as_ref()
            .and_then(|g| std::fs::read_to_string(g.join("VERSION")).ok())
            .and_then(|v| v.lines().next().map(str::to_string))
            .or_else(|| go_env("GOVERSION"));
        if !opts.no_git && which("git").is_some() {
            let git = |args: &[&str]| {
                Command::new("git")
                    .arg("-C")
                    .arg(&dir)
                    .args(args)
                    .output()
                    .ok()
                    .filter(|o| o.status.success())
                    .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            };
            ws.git_head = git(&["rev-parse", "HEAD"]);
            if ws.git_head.is_some() {
                ws.git_dirty = git(&["status", "--porcelain", "--untracked-files=no", "."])
                    .map(|s| !s.is_empty());
            }
        }
        ws
    }

    /// The module with this path, if local.
    pub fn module(&self, path: &str) -> Option<&LocalModule> {
        self.modules.iter().find(|m| m.path == path)
    }

    /// The version the workspace's go.mod files require for a module.
    pub fn required_version(&self, module: &str) -> Option<&str> {
        self.modules
            .iter()
            .flat_map(|m| m.requires.iter())
            .find(|(p, _)| p == module)
            .map(|(_, v)| v.as_str())
    }
}

/// Removes `.` and `..` components textually (without resolving symlinks: the editor
/// shows the path the user opened).
fn normalize(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    format!("/{}", out.join("/"))
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Reads `dir/go.mod`: its `module` line and `require`s.
pub fn read_go_mod(dir: &Path) -> Option<LocalModule> {
    let text = std::fs::read_to_string(dir.join("go.mod")).ok()?;
    let (path, requires) = parse_go_mod(&text);
    Some(LocalModule {
        path: path?,
        dir: dir.to_path_buf(),
        requires,
    })
}

fn strip_comment(l: &str) -> &str {
    l.split("//").next().unwrap_or("").trim()
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('"').trim_matches('`').to_string()
}

/// The module path and `require`d (module, version) pairs of a go.mod text.
pub fn parse_go_mod(text: &str) -> (Option<String>, Vec<(String, String)>) {
    let mut module = None;
    let mut requires = Vec::new();
    let mut in_require = false;
    for line in text.lines().map(strip_comment) {
        if in_require {
            if line == ")" {
                in_require = false;
            } else if let [m, v, ..] = line.split_whitespace().collect::<Vec<_>>()[..] {
                requires.push((unquote(m), v.to_string()));
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("module") {
            if rest.starts_with([' ', '\t', '"']) {
                module = Some(unquote(rest));
            }
        } else if let Some(rest) = line.strip_prefix("require") {
            let rest = rest.trim();
            if rest == "(" {
                in_require = true;
            } else if let [m, v, ..] = rest.split_whitespace().collect::<Vec<_>>()[..] {
                requires.push((unquote(m), v.to_string()));
            }
        }
    }
    (module, requires)
}

/// The directories a go.work file `use`s, as written (relative to the go.work).
pub fn parse_go_work_uses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_use = false;
    for line in text.lines().map(strip_comment) {
        if in_use {
            if line == ")" {
                in_use = false;
            } else if !line.is_empty() {
                out.push(unquote(line));
            }
        } else if let Some(rest) = line.strip_prefix("use") {
            let rest = rest.trim();
            if rest == "(" {
                in_use = true;
            } else if !rest.is_empty() {
                out.push(unquote(rest));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_mod_and_work() {
        let (m, r) = parse_go_mod(
            "module example.com/x // c\n\ngo 1.21\nrequire golang.org/x/sys v0.1.0\nrequire (\n\tgithub.com/a/b v1.2.3 // indirect\n)\n",
        );
        assert_eq!(m.as_deref(), Some("example.com/x"));
        assert_eq!(
            r,
            vec![
                ("golang.org/x/sys".to_string(), "v0.1.0".to_string()),
                ("github.com/a/b".to_string(), "v1.2.3".to_string())
            ]
        );
        assert_eq!(
            parse_go_work_uses("go 1.19\n\nuse (\n\t./app\n\t./lib // x\n)\nuse ./tools\n"),
            vec!["./app", "./lib", "./tools"]
        );
        assert_eq!(normalize("/a/./b/../c/"), "/a/c");
    }
}
