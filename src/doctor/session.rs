//! The debug session VS Code would start: the configuration picked from
//! `.vscode/launch.json` (or a `.code-workspace`), resolved as vscode-go resolves it
//! (`goDebugConfiguration.ts`: variables, relative paths against the workspace folder,
//! `go.delveConfig` and `go.buildFlags` defaults, `go.alternateTools`, `go.toolsEnvVars`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::paths::substitute::DelveRule;
use crate::vscode::lint::expand;
use crate::vscode::load::{self, LoadError};

/// `.vscode/settings.json` keys vscode-go reads for a debug session.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Settings {
    /// `go.alternateTools`: tool name → path (`go`, `dlv`).
    pub alternate_tools: BTreeMap<String, String>,
    /// `go.buildFlags` (used when the configuration has no `buildFlags`).
    pub build_flags: Vec<String>,
    /// `go.buildTags` (`-tags`, added the same way).
    pub build_tags: Option<String>,
    /// `go.toolsEnvVars`: environment of every tool vscode-go starts, dlv included.
    pub tools_env: BTreeMap<String, String>,
    /// `go.goroot`.
    pub goroot: Option<String>,
    /// `go.delveConfig`: defaults for attributes the configuration does not set.
    #[serde(skip)]
    pub delve_config: serde_json::Map<String, Value>,
}

impl Settings {
    /// Reads `.vscode/settings.json` under `workspace` (absent: defaults). A
    /// `.code-workspace` file's `settings` object counts the same.
    pub fn read(workspace: &Path, code_workspace: Option<&Value>) -> Result<Settings, LoadError> {
        let mut v = serde_json::Map::new();
        if let Some(Value::Object(s)) = code_workspace.and_then(|w| w.get("settings")) {
            v.extend(s.clone());
        }
        let path = workspace.join(".vscode/settings.json");
        if path.is_file() {
            let src = load::load(&path)?;
            if let Ok(Value::Object(s)) = parse(&src.text) {
                v.extend(s);
            }
        }
        let strings = |k: &str| -> BTreeMap<String, String> {
            v.get(k)
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default()
        };
        Ok(Settings {
            alternate_tools: strings("go.alternateTools"),
            build_flags: v
                .get("go.buildFlags")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
            build_tags: v
                .get("go.buildTags")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(String::from),
            tools_env: strings("go.toolsEnvVars"),
            goroot: v.get("go.goroot").and_then(Value::as_str).map(String::from),
            delve_config: v
                .get("go.delveConfig")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        })
    }
}

fn parse(text: &str) -> Result<Value, String> {
    jsonc_parser::parse_to_serde_value::<Value>(text, &load::parse_options())
        .map_err(|e| e.to_string())
}

/// The `buildFlags` attribute as written: Delve treats a string and an array differently
/// (`pkg/gobuild`: a string's flags come after `-gcflags all=-N -l`, an array's before).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum BuildFlags {
    String(String),
    Array(Vec<String>),
}

/// One resolved debug configuration: what vscode-go hands to `dlv dap`.
#[derive(Clone, Debug, Serialize)]
pub struct Session {
    /// The launch file it came from (None: no launch.json; vscode-go's default).
    pub launch_file: Option<PathBuf>,
    /// Index in `configurations` (for fixes).
    pub index: Option<usize>,
    pub name: String,
    /// Why this configuration was picked.
    pub picked: String,
    pub request: String,
    /// debug, test, exec, remote, local, core, replay (auto already decided).
    pub mode: String,
    pub program: Option<PathBuf>,
    pub cwd: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub build_flags: Option<BuildFlags>,
    pub env: BTreeMap<String, String>,
    /// launch.json `substitutePath` (from = editor path, to = binary path).
    pub substitute_path: Vec<DelveRule>,
    pub debug_adapter: String,
    /// `${…}` this machine cannot expand (`${input:x}`, `${command:x}`, `${file}` without
    /// `--file`): said in the report, left unexpanded.
    pub unresolved: Vec<String>,
}

/// The launch file of a workspace: `.vscode/launch.json`, else the only
/// `*.code-workspace` in the folder.
pub fn launch_file(workspace: &Path) -> Option<PathBuf> {
    let l = workspace.join(".vscode/launch.json");
    if l.is_file() {
        return Some(l);
    }
    let mut ws: Vec<PathBuf> = std::fs::read_dir(workspace)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "code-workspace") && p.is_file())
        .collect();
    ws.sort();
    (ws.len() == 1).then(|| ws.remove(0))
}

/// A `.code-workspace` file's JSON (for its `settings`), when `file` is one.
pub fn code_workspace(file: &Path) -> Option<Value> {
    if file.extension().is_none_or(|x| x != "code-workspace") {
        return None;
    }
    parse(&std::fs::read_to_string(file).ok()?).ok()
}

/// Picks and resolves a configuration of `file` (`name`: by name; else the only or first
/// Go `launch`/`attach` configuration).
pub fn pick(
    file: &Path,
    workspace: &Path,
    name: Option<&str>,
    active_file: Option<&Path>,
    settings: &Settings,
) -> Result<Session, String> {
    let src = load::load(file).map_err(|e| e.to_string())?;
    let root = parse(&src.text).map_err(|e| format!("{}: {e}", file.display()))?;
    let configs = root
        .get("configurations")
        .or_else(|| root.get("launch")?.get("configurations"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let go: Vec<(usize, &serde_json::Map<String, Value>)> = configs
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, c.as_object()?)))
        .filter(|(_, c)| c.get("type").and_then(Value::as_str) == Some("go"))
        .collect();
    let label = |c: &serde_json::Map<String, Value>| {
        c.get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (index, obj, picked) = match name {
        Some(n) => {
            let (i, c) = go.iter().find(|(_, c)| label(c) == n).ok_or_else(|| {
                let names: Vec<String> =
                    go.iter().map(|(_, c)| format!("{:?}", label(c))).collect();
                format!(
                    "{}: no Go configuration named {n:?} (there are: {})",
                    file.display(),
                    if names.is_empty() {
                        "none".into()
                    } else {
                        names.join(", ")
                    }
                )
            })?;
            (*i, *c, format!("--config {n:?}"))
        }
        None => {
            let (i, c) = go
                .first()
                .ok_or_else(|| format!("{}: no configuration of type \"go\"", file.display()))?;
            let why = if go.len() == 1 {
                "the only Go configuration".to_string()
            } else {
                format!(
                    "the first of {} Go configurations (choose with --config NAME)",
                    go.len()
                )
            };
            (*i, *c, why)
        }
    };
    Ok(resolve(
        obj,
        Some(file),
        Some(index),
        picked,
        workspace,
        active_file,
        settings,
    ))
}

/// The configuration VS Code uses when there is no launch.json: vscode-go's
/// "Launch Package" on the active file's folder (here: `active_file`, else the workspace).
pub fn default_session(
    workspace: &Path,
    active_file: Option<&Path>,
    settings: &Settings,
) -> Session {
    let mut obj = serde_json::Map::new();
    obj.insert("name".into(), "Launch Package".into());
    obj.insert("request".into(), "launch".into());
    obj.insert("mode".into(), "auto".into());
    let program = match active_file {
        Some(_) => "${fileDirname}",
        None => "${workspaceFolder}",
    };
    obj.insert("program".into(), program.into());
    resolve(
        &obj,
        None,
        None,
        "no launch.json: vscode-go's default \"Launch Package\"".into(),
        workspace,
        active_file,
        settings,
    )
}

fn resolve(
    obj: &serde_json::Map<String, Value>,
    file: Option<&Path>,
    index: Option<usize>,
    picked: String,
    workspace: &Path,
    active_file: Option<&Path>,
    settings: &Settings,
) -> Session {
    // go.delveConfig fills what the configuration does not set.
    let mut obj = obj.clone();
    for k in [
        "substitutePath",
        "debugAdapter",
        "dlvFlags",
        "showLog",
        "logOutput",
        "backend",
    ] {
        if let (false, Some(v)) = (obj.contains_key(k), settings.delve_config.get(k)) {
            obj.insert(k.into(), v.clone());
        }
    }
    // Per-OS block merged over the configuration, as VS Code does.
    if let Some(Value::Object(os)) = obj
        .get(std::env::consts::OS.replace("macos", "osx").as_str())
        .cloned()
    {
        obj.extend(os);
    }
    let mut unresolved = Vec::new();
    let mut text = |v: &Value| -> Option<String> {
        let s = v.as_str()?;
        match expand(s, workspace, active_file) {
            Some(e) => Some(e),
            None => {
                unresolved.push(s.to_string());
                Some(s.to_string())
            }
        }
    };
    let s = |k: &str, text: &mut dyn FnMut(&Value) -> Option<String>| obj.get(k).and_then(text);
    let abs = |p: String| {
        let p = PathBuf::from(p);
        if p.is_absolute() {
            p
        } else {
            workspace.join(p)
        }
    };
    let request = s("request", &mut text).unwrap_or_else(|| "launch".into());
    let program = s("program", &mut text).map(abs);
    let mut mode = s("mode", &mut text).unwrap_or_else(|| {
        if request == "attach" {
            "local".into()
        } else {
            "debug".into()
        }
    });
    if mode == "auto" {
        // vscode-go: a _test.go program or active file means test, else debug.
        let test = |p: Option<&Path>| p.is_some_and(|p| p.to_string_lossy().ends_with("_test.go"));
        mode = if test(program.as_deref()) || (program.is_none() && test(active_file)) {
            "test".into()
        } else {
            "debug".into()
        };
    }
    let build_flags = match obj.get("buildFlags") {
        Some(Value::String(_)) => s("buildFlags", &mut text).map(BuildFlags::String),
        Some(Value::Array(a)) => Some(BuildFlags::Array(a.iter().filter_map(&mut text).collect())),
        _ => {
            // vscode-go: go.buildFlags and go.buildTags when the configuration has none.
            let mut f = settings.build_flags.clone();
            if let Some(t) = &settings.build_tags {
                if !f.iter().any(|x| x == "-tags" || x.starts_with("-tags=")) {
                    f.push(format!("-tags={t}"));
                }
            }
            (!f.is_empty()).then(|| BuildFlags::String(f.join(" ")))
        }
    };
    let env = obj
        .get("env")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), text(v)?)))
                .collect()
        })
        .unwrap_or_default();
    let substitute_path = DelveRule::from_launch_json(obj.get("substitutePath"), &mut text);
    let cwd = s("cwd", &mut text).map(abs);
    let output = s("output", &mut text).map(abs);
    let debug_adapter = s("debugAdapter", &mut text).unwrap_or_else(|| "dlv-dap".into());
    let name = obj
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Session {
        launch_file: file.map(Path::to_path_buf),
        index,
        name,
        picked,
        request,
        mode,
        program,
        cwd,
        output,
        build_flags,
        env,
        substitute_path,
        debug_adapter,
        unresolved,
    }
}

impl Session {
    /// Where Delve builds (vscode-go's `dlvCwd`): the program's folder, or the program
    /// itself when it is a folder.
    pub fn build_dir(&self) -> Option<PathBuf> {
        let p = self.program.as_ref()?;
        Some(if p.is_dir() {
            p.clone()
        } else {
            p.parent()?.to_path_buf()
        })
    }

    /// True for modes where Delve builds the program.
    pub fn builds(&self) -> bool {
        self.request == "launch" && (self.mode == "debug" || self.mode == "test")
    }
}
