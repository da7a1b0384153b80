//! The launch.json checks: walks each `"type": "go"` configuration once, against the
//! attribute table in `model.rs`, the file system (program, cwd, envFile) and, for exec
//! mode, the program binary itself. Each diagnostic carries its line:column and, when a
//! safe edit exists, the `Fix` that `fix.rs` applies to the concrete syntax tree.

use std::path::{Path, PathBuf};

use jsonc_parser::ast::{Array, Object, ObjectProp, Value};
use jsonc_parser::common::Ranged;

use super::load::{line_col, parse_options, LoadError, Source};
use super::model::{self, JsonType, Request};
use super::rules::*;
use crate::diagnostic::Finding;

/// What the lint knows beyond the file: `--workspace`, `--file`, `--binary`.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// The folder `${workspaceFolder}` names; default: the folder holding `.vscode/`.
    pub workspace: Option<PathBuf>,
    /// The active editor file (`${file}`), which also decides what `auto` mode becomes.
    pub active_file: Option<PathBuf>,
    /// A binary to check for every configuration (exec mode uses its program).
    pub binary: Option<PathBuf>,
    /// How to check a binary (`registry::check`: every binary check). Given as data so
    /// that this domain does not depend on the registry above it; `None` skips the
    /// binary findings.
    pub check_binary: Option<fn(&crate::Target) -> Vec<Finding>>,
}

/// One finding in the file, with the configuration it belongs to and its safe fix.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub finding: Finding,
    pub configuration: Option<String>,
    pub fix: Option<Fix>,
}

/// A safe edit, addressed by configuration index and attribute name so it can be applied
/// to a freshly parsed CST.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fix {
    RenameKey {
        config: usize,
        key: String,
        to: String,
    },
    RemoveKey {
        config: usize,
        key: String,
    },
    /// remotePath → substitutePath [{from: <from>, to: remotePath}].
    RemotePathToSubstitute {
        config: usize,
        from: String,
        remote: String,
    },
    SetBuildFlags {
        config: usize,
        edit: FlagsEdit,
    },
    SwapSubstitute {
        config: usize,
        entry: usize,
    },
    /// A number or boolean `env` value written as a string.
    StringifyEnv {
        config: usize,
        key: String,
    },
    /// Sets `substitutePath` to these (from = editor path, to = binary path) rules,
    /// adding the attribute when it is missing.
    SetSubstitutePath {
        config: usize,
        rules: Vec<(String, String)>,
    },
    /// A fix inside the configuration's per-OS block (`windows`, `linux`, `osx`).
    InOs {
        os: String,
        fix: Box<Fix>,
    },
}

impl Fix {
    /// What the edit does, in words (the finding's `fix` text when it has none).
    pub fn describe(&self) -> String {
        match self {
            Fix::RenameKey { key, to, .. } => format!("rename {key:?} to {to:?}"),
            Fix::RemoveKey { key, .. } => format!("remove {key:?}"),
            Fix::RemotePathToSubstitute { from, remote, .. } => format!(
                "replace remotePath with \"substitutePath\": [{{\"from\": {from:?}, \"to\": {remote:?}}}]"
            ),
            Fix::SetBuildFlags { .. } => "rewrite buildFlags without the flags reported".into(),
            Fix::SwapSubstitute { .. } => "swap \"from\" and \"to\"".into(),
            Fix::StringifyEnv { key, .. } => format!("write env {key:?} as a string"),
            Fix::SetSubstitutePath { rules, .. } => {
                format!("set \"substitutePath\": {}", substitute_path_json(rules))
            }
            Fix::InOs { os, fix } => format!("in {os:?}: {}", fix.describe()),
        }
    }
}

/// `[{ "from": …, "to": … }, …]` on one line, as written into launch.json.
pub fn substitute_path_json(rules: &[(String, String)]) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let items: Vec<String> = rules
        .iter()
        .map(|(f, t)| format!("{{ \"from\": {}, \"to\": {} }}", q(f), q(t)))
        .collect();
    format!("[{}]", items.join(", "))
}

/// A new buildFlags value: a whole string, or per array element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlagsEdit {
    String(String),
    Array(Vec<ElemEdit>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElemEdit {
    Keep,
    Drop,
    Set(String),
}

/// Where the configurations array is: `launch.json` root, or `.code-workspace` `launch`.
pub fn configurations<'a, 'b>(root: &'b Object<'a>) -> Option<&'b Value<'a>> {
    match root.get("configurations") {
        Some(p) => Some(&p.value),
        None => root
            .get_object("launch")
            .and_then(|l| l.get("configurations"))
            .map(|p| &p.value),
    }
}

/// Lints a loaded file. Errors only for a file that is JSON but not a launch file.
pub fn lint(src: &Source, opts: &LintOptions) -> Result<Vec<Diagnostic>, LoadError> {
    let not_launch = |reason: &str, at: Option<usize>| LoadError {
        path: src.path.clone(),
        at: at.map(|a| line_col(&src.text, a)),
        reason: reason.to_string(),
    };
    let parsed = jsonc_parser::parse_to_ast(&src.text, &Default::default(), &parse_options())
        .map_err(|e| LoadError {
            path: src.path.clone(),
            at: Some((e.line_display(), e.column_display())),
            reason: format!("syntax error: {}", e.kind()),
        })?;
    let Some(root) = parsed.value else {
        return Ok(Vec::new());
    };
    let Value::Object(root) = root else {
        return Err(not_launch(
            "not a launch.json: the top level is not an object",
            Some(root.start()),
        ));
    };
    let Some(configs) = configurations(&root) else {
        return Ok(Vec::new());
    };
    let Value::Array(configs) = configs else {
        return Err(not_launch(
            "not a launch.json: \"configurations\" is not an array",
            Some(configs.start()),
        ));
    };
    let workspace = opts
        .workspace
        .clone()
        .unwrap_or_else(|| default_workspace(&src.path, Some(&root)));
    let mut cx = Cx {
        text: &src.text,
        opts,
        workspace,
        out: Vec::new(),
        config: 0,
        name: None,
        os: None,
        substitute: Vec::new(),
    };
    let mut names: Vec<(String, usize)> = Vec::new();
    for (i, c) in configs.elements.iter().enumerate() {
        let Value::Object(obj) = c else { continue };
        if obj.get_string("type").map(|s| s.value.as_ref()) != Some("go") {
            continue;
        }
        cx.config = i;
        cx.name = obj.get_string("name").map(|s| s.value.to_string());
        if let Some(n) = obj.get_string("name") {
            if let Some((_, line)) = names.iter().find(|(m, _)| *m == n.value) {
                let at = n.range.start;
                cx.push(
                    Finding::new(
                        &duplicate_name::RULE,
                        format!(
                            "configuration name {:?} is also used on line {line}",
                            n.value
                        ),
                    ),
                    at,
                    None,
                );
            }
            names.push((n.value.to_string(), line_col(&src.text, n.range.start).0));
        }
        cx.configuration(obj);
    }
    let mut out = cx.out;
    // A finding without its own fix text shows what its safe edit does.
    for d in &mut out {
        if let (None, Some(fix)) = (&d.finding.fix, &d.fix) {
            d.finding.fix = Some(fix.describe());
        }
    }
    out.sort_by_key(|d| {
        d.finding
            .location
            .as_ref()
            .map(|l| (l.line, l.column))
            .unwrap_or_default()
    });
    Ok(out)
}

/// The folder `${workspaceFolder}` names for this file: `--workspace`, else the default.
pub fn effective_workspace(src: &Source, opts: &LintOptions) -> PathBuf {
    if let Some(w) = &opts.workspace {
        return w.clone();
    }
    let parsed = jsonc_parser::parse_to_ast(&src.text, &Default::default(), &parse_options());
    match parsed.ok().and_then(|p| p.value) {
        Some(Value::Object(root)) => default_workspace(&src.path, Some(&root)),
        _ => default_workspace(&src.path, None),
    }
}

/// `${workspaceFolder}`: the folder holding `.vscode/`; for a `.code-workspace`, its first
/// folder (relative to the file); else the file's folder.
fn default_workspace(path: &Path, root: Option<&Object<'_>>) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.file_name().is_some_and(|n| n == ".vscode") {
        return dir.parent().map(Path::to_path_buf).unwrap_or(dir);
    }
    let first_folder = root
        .and_then(|r| r.get_array("folders"))
        .and_then(|a| a.elements.first())
        .and_then(|v| match v {
            Value::Object(o) => o.get_string("path").map(|s| s.value.to_string()),
            _ => None,
        });
    match first_folder {
        Some(f) => dir.join(f),
        None => dir,
    }
}

struct Cx<'t> {
    text: &'t str,
    opts: &'t LintOptions,
    workspace: PathBuf,
    out: Vec<Diagnostic>,
    config: usize,
    name: Option<String>,
    /// While checking a per-OS block: its key and byte range (findings outside it belong
    /// to the base configuration and were reported already).
    os: Option<(&'static str, (usize, usize))>,
    /// The configuration's substitutePath (from = editor, to = binary), expanded.
    substitute: Vec<crate::paths::substitute::DelveRule>,
}

/// The per-OS keys VS Code merges over a configuration, and this host's one.
const OS_KEYS: &[&str] = &["windows", "linux", "osx"];
fn host_os() -> &'static str {
    if cfg!(windows) {
        "windows"
    } else if cfg!(target_os = "macos") {
        "osx"
    } else {
        "linux"
    }
}

pub(super) fn type_of(v: &Value<'_>) -> Option<JsonType> {
    Some(match v {
        Value::StringLit(_) => JsonType::String,
        Value::NumberLit(_) => JsonType::Number,
        Value::BooleanLit(_) => JsonType::Boolean,
        Value::Object(_) => JsonType::Object,
        Value::Array(_) => JsonType::Array,
        Value::NullKeyword(_) => return None,
    })
}

pub(super) fn value_text(v: &Value<'_>) -> Option<String> {
    match v {
        Value::StringLit(s) => Some(s.value.to_string()),
        Value::NumberLit(n) => Some(n.value.to_string()),
        _ => None,
    }
}

/// Variables VS Code resolves (microsoft/vscode configurationResolver
/// `variableResolver.ts`, `evaluateSingleVariable`; `defaultBuildTask` is contributed by
/// the tasks service). Any of them may carry a `:argument` (a workspace folder name).
const VARIABLES: &[&str] = &[
    "workspaceFolder",
    "workspaceFolderBasename",
    "workspaceRoot",
    "workspaceRootFolderName",
    "file",
    "fileWorkspaceFolder",
    "fileWorkspaceFolderBasename",
    "relativeFile",
    "relativeFileDirname",
    "fileBasename",
    "fileBasenameNoExtension",
    "fileExtname",
    "fileDirname",
    "fileDirnameBasename",
    "cwd",
    "lineNumber",
    "columnNumber",
    "selectedText",
    "execPath",
    "execInstallFolder",
    "defaultBuildTask",
    "pathSeparator",
    "/",
    "userHome",
];
/// Variables that need an argument: `${env:NAME}`, `${input:id}`, ...
const VARIABLE_PREFIXES: &[&str] = &[
    "env:",
    "config:",
    "command:",
    "input:",
    "extensionInstallFolder:",
];

/// Whether VS Code resolves `${var}`.
fn known_variable(var: &str) -> bool {
    if VARIABLE_PREFIXES.iter().any(|p| var.starts_with(p)) {
        return true;
    }
    // VS Code splits at the first ':' (variable, argument).
    let name = var.split(':').next().unwrap_or(var);
    VARIABLES.contains(&name)
}

/// Whether a string holds a variable VS Code substitutes before vscode-go sees the value
/// (`"port": "${input:port}"`): its final type and value are unknown here.
fn substituted(v: &Value<'_>) -> bool {
    matches!(v, Value::StringLit(s) if variables(&s.value).iter().any(|(_, var)| known_variable(var)))
}

/// The `${...}` names in a string, with their byte offsets inside it.
fn variables(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut rest = s;
    let mut base = 0;
    while let Some(i) = rest.find("${") {
        let Some(j) = rest[i + 2..].find('}') else {
            break;
        };
        out.push((base + i, &rest[i + 2..i + 2 + j]));
        base += i + 2 + j + 1;
        rest = &rest[i + 2 + j + 1..];
    }
    out
}

/// Expands the variables vscode-go expands before using a path, for a workspace folder
/// and an active editor file; `None` when the value depends on something unknown here
/// (an active file not given, a command, an input).
pub fn expand(s: &str, workspace: &Path, active_file: Option<&Path>) -> Option<String> {
    let ws = workspace.to_string_lossy().into_owned();
    let file = active_file;
    let mut out = String::new();
    let mut last = 0;
    for (at, var) in variables(s) {
        out.push_str(&s[last..at]);
        last = at + var.len() + 3;
        let v = match var {
            "workspaceFolder" | "workspaceRoot" | "fileWorkspaceFolder" => ws.clone(),
            "workspaceFolderBasename" | "workspaceRootFolderName" => workspace
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            "file" => file?.to_string_lossy().into_owned(),
            "fileDirname" => file?.parent()?.to_string_lossy().into_owned(),
            "fileBasename" => file?.file_name()?.to_string_lossy().into_owned(),
            "pathSeparator" | "/" => "/".to_string(),
            "userHome" => std::env::var("HOME").ok()?,
            "cwd" => std::env::current_dir().ok()?.to_string_lossy().into_owned(),
            v if v.starts_with("env:") => std::env::var(&v[4..]).unwrap_or_default(),
            _ => return None,
        };
        out.push_str(&v);
    }
    out.push_str(&s[last..]);
    Some(out)
}

/// True when `t` records its main module's files trimmed (`example.com/m/main.go`) and
/// `rules` map every one of them (binary → editor, as Delve does) to an existing file.
pub fn trimmed_paths_mapped(
    t: &crate::Target,
    rules: &[crate::paths::substitute::DelveRule],
) -> bool {
    if rules.is_empty() {
        return false;
    }
    let Some(module) = t
        .buildinfo()
        .and_then(|b| b.main.as_ref())
        .map(|m| format!("{}/", m.path))
    else {
        return false;
    };
    let (_, units) = crate::paths::recorded_files(t);
    let mine: Vec<&String> = units
        .iter()
        .flat_map(|(_, f)| f)
        .filter(|f| f.starts_with(&module))
        .collect();
    !mine.is_empty()
        && mine.iter().all(|f| {
            let local = crate::paths::substitute::apply_reverse(f, rules);
            Path::new(&local).is_absolute() && Path::new(&local).is_file()
        })
}

impl Cx<'_> {
    fn push(&mut self, f: Finding, at: usize, fix: Option<Fix>) {
        let (f, fix) = match self.os {
            None => (f, fix),
            Some((os, (start, end))) => {
                if at < start || at >= end {
                    return;
                }
                let mut f = f;
                f.message = format!("(on {os}) {}", f.message);
                let fix = fix.map(|fix| Fix::InOs {
                    os: os.to_string(),
                    fix: Box::new(fix),
                });
                (f, fix)
            }
        };
        let (l, c) = line_col(self.text, at);
        self.out.push(Diagnostic {
            finding: f.at(l, c),
            configuration: self.name.clone(),
            fix,
        });
    }

    /// Whether paths may be checked on this machine: not in another OS's block.
    fn local_paths(&self) -> bool {
        self.os.is_none_or(|(os, _)| os == host_os())
    }

    /// The configuration, then each per-OS block merged over it as VS Code does on that
    /// OS (variableResolver.ts: the block's properties replace the base ones).
    fn configuration(&mut self, obj: &Object<'_>) {
        self.check_configuration(obj);
        for os in OS_KEYS {
            let Some(block) = obj.get(os) else { continue };
            let Value::Object(b) = &block.value else {
                let f = Finding::new(
                    &wrong_type::RULE,
                    format!(
                        "{os:?} is {}; VS Code expects an object of attributes for {os}",
                        type_of(&block.value).map_or("null", JsonType::as_str)
                    ),
                );
                self.push(f, block.value.start(), None);
                continue;
            };
            let mut merged = Object {
                range: obj.range,
                properties: obj
                    .properties
                    .iter()
                    .filter(|p| {
                        let n = p.name.as_str();
                        !OS_KEYS.contains(&n) && b.get(n).is_none()
                    })
                    .cloned()
                    .collect(),
            };
            merged.properties.extend(b.properties.iter().cloned());
            self.os = Some((os, (b.range.start, b.range.end)));
            self.check_configuration(&merged);
            self.os = None;
        }
    }

    /// Expands the variables vscode-go expands before using a path ([`expand`]).
    fn expand(&self, s: &str) -> Option<String> {
        expand(s, &self.workspace, self.opts.active_file.as_deref())
    }

    /// A path as vscode-go resolves it: relative ones against the workspace folder.
    fn resolve(&self, s: &str) -> Option<PathBuf> {
        let e = self.expand(s)?;
        let p = PathBuf::from(&e);
        Some(if p.is_absolute() {
            p
        } else {
            self.workspace.join(p)
        })
    }

    fn check_configuration(&mut self, obj: &Object<'_>) {
        let cfg = self.config;
        self.substitute = obj
            .get_array("substitutePath")
            .map(|a| {
                a.elements
                    .iter()
                    .filter_map(|e| {
                        let Value::Object(o) = e else { return None };
                        Some(crate::paths::substitute::DelveRule {
                            from: self.expand(&o.get_string("from")?.value)?,
                            to: self.expand(&o.get_string("to")?.value)?,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let request = match wrong_type::request(obj) {
            Ok(r) => r,
            Err(e) => {
                let (f, at) = *e;
                self.push(f, at, None);
                return;
            }
        };
        let adapter = obj
            .get_string("debugAdapter")
            .map(|s| s.value.to_string())
            .unwrap_or_else(|| "dlv-dap".into());
        let mode = obj
            .get_string("mode")
            .map(|s| s.value.to_string())
            .unwrap_or_else(|| {
                if request == Request::Launch {
                    "auto".into()
                } else {
                    "local".into()
                }
            });

        for p in &obj.properties {
            self.attribute(obj, p, request, &mode, &adapter);
        }
        self.variables_in(obj);
        if request == Request::Launch {
            self.launch_env(obj, &mode);
            self.launch_port(obj, &mode, &adapter);
            self.launch_paths(obj, &mode);
        }
        if let Some(s) = obj.get_string("cwd") {
            // A remote attach's cwd is on the remote machine.
            let remote = request == Request::Attach && mode == "remote";
            if !remote && !s.value.is_empty() && self.local_paths() {
                self.existing_path("cwd", &s.value, s.range.start, true);
            }
        }
        if request == Request::Attach && mode == "remote" {
            if let Some((f, at)) = remote_without_address::check(obj) {
                self.push(f, at, None);
            }
        }
        let files = self.binary_files(obj, &mode, request);
        if let Some(p) = obj.get("substitutePath") {
            if let Value::Array(a) = &p.value {
                self.substitute_path(cfg, a, files.as_deref());
            }
        }
    }

    /// `env`: values must be strings (DD417); GOFLAGS must not carry -gcflags (DD420) when
    /// vscode-go builds.
    fn launch_env(&mut self, obj: &Object<'_>, mode: &str) {
        let Some(env) = obj.get("env") else { return };
        for (f, at, fix) in env_not_string::check(env, self.config) {
            self.push(f, at, fix);
        }
        if !matches!(mode, "auto" | "debug" | "test") {
            return;
        }
        let Value::Object(e) = &env.value else { return };
        if let Some(g) = e.get_string("GOFLAGS") {
            if let Some(f) = gcflags_in_goflags::check(&g.value) {
                self.push(f, g.range.start, None);
            }
        }
    }

    /// `port` (with no host or a local one) on a dlv-dap launch: vscode-go connects to a
    /// server instead of starting Delve (DD418). Not for the legacy adapter (it starts dlv
    /// on that port), nor a launch in mode remote (DD405 says to use attach), nor with
    /// `debugServer`.
    fn launch_port(&mut self, obj: &Object<'_>, mode: &str, adapter: &str) {
        if adapter == "legacy" || mode == "remote" || obj.get("debugServer").is_some() {
            return;
        }
        let Some(port) = obj.get("port") else { return };
        let text = value_text(&port.value).unwrap_or_else(|| "?".into());
        let host = obj.get_string("host").map(|h| h.value.to_string());
        // A host elsewhere says the user runs `dlv dap` there on purpose; the mistake
        // is the old snippets' local "127.0.0.1" (or no host at all).
        let local = host
            .as_deref()
            .is_none_or(|h| matches!(h, "" | "127.0.0.1" | "localhost" | "::1" | "0.0.0.0"));
        if !local {
            return;
        }
        self.push(
            launch_connects_to_server::finding(&text, host.as_deref()),
            port.range.start,
            None,
        );
    }

    /// What a launch request builds or runs: `program`, `buildFlags` (when vscode-go
    /// builds), `envFile`.
    fn launch_paths(&mut self, obj: &Object<'_>, mode: &str) {
        self.program(obj, mode);
        if let Some(p) = obj.get("buildFlags") {
            if matches!(mode, "auto" | "debug" | "test") {
                self.build_flags(p, mode != "debug");
            }
        }
        if let Some(p) = obj.get("envFile") {
            let files: Vec<(&str, usize)> = match &p.value {
                Value::StringLit(s) => vec![(s.value.as_ref(), s.range.start)],
                Value::Array(a) => a
                    .elements
                    .iter()
                    .filter_map(|e| match e {
                        Value::StringLit(s) => Some((s.value.as_ref(), s.range.start)),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            if self.local_paths() {
                for (f, at) in files {
                    self.existing_path("envFile", f, at, false);
                }
            }
        }
    }

    /// One attribute of a configuration, against vscode-go's table: each rule's test
    /// lives in its own file under `rules/`.
    fn attribute(
        &mut self,
        obj: &Object<'_>,
        p: &ObjectProp<'_>,
        request: Request,
        mode: &str,
        adapter: &str,
    ) {
        let cfg = self.config;
        let name = p.name.as_str();
        if model::PASSTHROUGH.contains(&name) {
            return;
        }
        if model::GENERIC.contains(&name) {
            if let Some(f) = no_debug::check(p) {
                self.push(f, p.range.start, None);
            }
            return;
        }
        let Some(attr) = model::lookup(name, request) else {
            match not_for_mode::other_request(name, request) {
                Some(mut f) => {
                    // remotePath on a launch does nothing at all: removing it is safe,
                    // and an empty one (old snippets) is only noise.
                    let fix = (name == "remotePath").then(|| Fix::RemoveKey {
                        config: cfg,
                        key: name.to_string(),
                    });
                    if name == "remotePath"
                        && value_text(&p.value).is_some_and(|v| v.trim().is_empty())
                    {
                        f = f.severity(crate::diagnostic::Severity::Info);
                    }
                    self.push(f, p.range.start, fix)
                }
                None => {
                    let (f, fix) = unknown_attribute::check(obj, name, cfg);
                    self.push(f, p.range.start, fix);
                }
            }
            return;
        };
        // VS Code substitutes `${input:port}` & co. before vscode-go reads the value: its
        // type and value are not known here.
        if !substituted(&p.value) {
            if let Some(f) = wrong_type::check_type(name, attr, &p.value) {
                self.push(f, p.value.start(), None);
                return;
            }
            if let Some(f) = wrong_type::check_enum(name, attr, &p.value, request) {
                self.push(f, p.value.start(), None);
            }
        }
        if request == Request::Launch {
            if let Some(f) = not_for_mode::check_mode(name, attr, mode) {
                self.push(f, p.range.start, None);
            }
        }
        if attr.legacy_only && adapter != "legacy" {
            let (f, fix) = legacy_only::check(obj, p, attr, cfg);
            self.push(f, p.range.start, fix);
        }
    }

    fn variables_in(&mut self, obj: &Object<'_>) {
        let mut strings = Vec::new();
        collect_strings(&Value::Object(obj.clone()), &mut strings);
        for (s, at) in strings {
            for (_, var) in variables(&s) {
                // VS Code leaves nested `${a${b}}` alone (#77289); so do we.
                if !known_variable(var) && !var.contains("${") {
                    let sugg = Some(var)
                        .filter(|v| v.trim_matches(':').len() > 2)
                        .and_then(|v| strsim_best(v, VARIABLES))
                        .map(|b| format!("; did you mean \"${{{b}}}\"?"))
                        .unwrap_or_default();
                    self.push(
                        Finding::new(
                            &unknown_variable::RULE,
                            format!("\"${{{var}}}\" is not a VS Code variable: it stays in the value as written{sugg}"),
                        ),
                        at,
                        None,
                    );
                }
            }
        }
    }

    fn existing_path(&mut self, attr: &str, value: &str, at: usize, dir: bool) {
        let Some(p) = self.resolve(value) else { return };
        let problem = match std::fs::metadata(&p) {
            Err(_) => Some("does not exist"),
            Ok(m) if dir && !m.is_dir() => Some("is not a directory"),
            Ok(m) if !dir && m.is_dir() => Some("is a directory, not a file"),
            Ok(_) => None,
        };
        if let Some(problem) = problem {
            self.push(
                Finding::new(
                    &missing_path::RULE,
                    format!("{attr} {value:?} {problem} ({})", p.display()),
                ),
                at,
                None,
            );
        }
    }

    fn program(&mut self, obj: &Object<'_>, mode: &str) {
        let Some(prop) = obj.get("program") else {
            if matches!(mode, "auto" | "debug" | "test" | "exec" | "core") {
                self.push(
                    Finding::new(
                        &program_mismatch::RULE,
                        format!("mode {mode:?} needs \"program\", and it is missing"),
                    )
                    .fix("add \"program\": \"${workspaceFolder}\" (a package folder) or a binary for exec"),
                    obj.range.start,
                    None,
                );
            }
            return;
        };
        let Value::StringLit(s) = &prop.value else {
            return;
        };
        let at = s.range.start;
        let raw = s.value.to_string();
        let mode = if mode == "auto" {
            self.auto_mode(obj, &raw, at)
        } else {
            mode.to_string()
        };
        // With "port" (a dlv dap server) or "debugServer", the program is a path on the
        // machine that server runs on; another OS's block names that OS's paths.
        let remote = obj.get("port").is_some() || obj.get("debugServer").is_some();
        if remote || !self.local_paths() {
            return;
        }
        let Some(path) = self.resolve(&raw) else {
            return;
        };
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(_) if mode == "exec" && obj.get("preLaunchTask").is_some() => {
                let task = obj
                    .get_string("preLaunchTask")
                    .map(|t| t.value.to_string())
                    .unwrap_or_default();
                self.push(
                    Finding::new(
                        &program_mismatch::RULE,
                        format!(
                            "program {raw:?} does not exist yet ({}); preLaunchTask {task:?} is expected to build it",
                            path.display()
                        ),
                    )
                    .severity(crate::diagnostic::Severity::Info),
                    at,
                    None,
                );
                return;
            }
            Err(_) => {
                // A path written on Windows: `\` separates nothing elsewhere.
                let hint = if raw.contains('\\') && !cfg!(windows) {
                    "; backslashes are not path separators on this OS (use /)"
                } else {
                    ""
                };
                self.push(
                    Finding::new(
                        &program_mismatch::RULE,
                        format!("program {raw:?} does not exist ({}){hint}", path.display()),
                    ),
                    at,
                    None,
                );
                return;
            }
        };
        let problem = program_mismatch::kind(&mode, &raw, &path, &meta);
        if let Some(p) = problem {
            self.push(Finding::new(&program_mismatch::RULE, p), at, None);
            return;
        }
        // Not only regular files: a FIFO or device as "program" must be reported (Target
        // refuses it without opening it), not passed over in silence.
        if mode == "exec" && !meta.is_dir() {
            self.binary_findings(&path, at);
        }
    }

    /// What `"mode": "auto"` becomes for this program (vscode-go: test for a `_test.go`
    /// program or active file, else debug); DD409 when the active file decides it.
    fn auto_mode(&mut self, obj: &Object<'_>, raw: &str, at: usize) -> String {
        if raw.ends_with("_test.go") {
            return "test".into();
        }
        // A .go program decides the mode itself; the active file does not matter.
        if raw.ends_with(".go") {
            return "debug".into();
        }
        let Some(file) = self
            .opts
            .active_file
            .as_ref()
            .filter(|f| f.to_string_lossy().ends_with("_test.go"))
        else {
            return "debug".into();
        };
        let mode_at = obj.get("mode").map_or(at, |p| p.value.start());
        self.push(
            auto_test_mode::finding(&file.display().to_string()),
            mode_at,
            None,
        );
        "test".into()
    }

    /// The binary's own findings (DD1xx/DD2xx/DD3xx), placed at `at`.
    fn binary_findings(&mut self, path: &Path, at: usize) {
        let Some(check) = self.opts.check_binary else {
            return;
        };
        if self.os.is_some() {
            return;
        }
        match crate::Target::open(path) {
            Ok(t) => {
                let mapped = trimmed_paths_mapped(&t, &self.substitute);
                for f in check(&t) {
                    // Trimmed paths this configuration's substitutePath already maps
                    // are not a problem of this configuration.
                    if mapped && f.is(&crate::checks::trimpath_paths::RULE) {
                        continue;
                    }
                    let f = f.evidence(format!("binary {}", path.display()));
                    self.push(f, at, None);
                }
            }
            Err(e) => self.push(
                Finding::new(
                    &program_mismatch::RULE,
                    format!("program is not a binary Delve can debug: {e}"),
                ),
                at,
                None,
            ),
        }
    }

    /// Source files recorded in the binary this configuration debugs (exec program or
    /// `--binary`), for substitutePath matching. `--binary` findings are reported here.
    fn binary_files(
        &mut self,
        obj: &Object<'_>,
        mode: &str,
        request: Request,
    ) -> Option<Vec<String>> {
        let path = if let Some(b) = &self.opts.binary {
            let b = b.clone();
            let at = obj.range.start;
            self.binary_findings(&b, at);
            b
        } else if request == Request::Launch && mode == "exec" {
            self.resolve(obj.get_string("program")?.value.as_ref())?
        } else {
            return None;
        };
        let t = crate::Target::open(&path).ok()?;
        let d = t.gimli()?;
        let summary = t.dwarf()?;
        let mut files = Vec::new();
        // The main package first, so messages quote the user's own files.
        let mut units: Vec<_> = summary.go_units().collect();
        units.sort_by_key(|u| u.name != "main");
        for u in units {
            files.extend(crate::dwarf::unit_files(&d, u));
        }
        (!files.is_empty()).then_some(files)
    }

    fn substitute_path(&mut self, cfg: usize, a: &Array<'_>, files: Option<&[String]>) {
        for (i, e) in a.elements.iter().enumerate() {
            let Value::Object(o) = e else { continue };
            let (Some(from), Some(to)) = (o.get_string("from"), o.get_string("to")) else {
                continue;
            };
            let (Some(lf), Some(lt)) = (self.expand(&from.value), self.expand(&to.value)) else {
                continue;
            };
            let swap = Some(Fix::SwapSubstitute {
                config: cfg,
                entry: i,
            });
            if let Some(files) = files {
                let to_hits = files.iter().any(|f| has_prefix(f, &lt));
                let from_hits = files.iter().any(|f| has_prefix(f, &lf));
                if !to_hits && from_hits {
                    self.push(
                        Finding::new(
                            &substitute_path_reversed::RULE,
                            format!(
                                "substitutePath is reversed: the binary's files start with \"from\" {:?}; \"from\" is the local path, \"to\" the path in the binary",
                                from.value
                            ),
                        ),
                        o.range.start,
                        swap,
                    );
                } else if !to_hits {
                    let example = files
                        .iter()
                        .find(|f| f.starts_with('/') && f.ends_with(".go"))
                        .or_else(|| files.iter().find(|f| f.ends_with(".go")))
                        .cloned()
                        .unwrap_or_default();
                    let mut finding = Finding::new(
                        &substitute_path_unmatched::RULE,
                        format!(
                            "substitutePath \"to\" {:?} prefixes no source file in the binary (e.g. {example})",
                            to.value
                        ),
                    );
                    if let Some(dir) = build_dir_for(&lf, files) {
                        finding = finding.fix(format!(
                            "set \"to\" to {dir:?}: the binary's files under it are the files under \"from\" {:?}",
                            from.value
                        ));
                    }
                    self.push(finding, o.range.start, None);
                }
                continue;
            }
            if !self.local_paths() {
                continue;
            }
            let from_exists = Path::new(&lf).exists();
            let to_exists = Path::new(&lt).exists();
            if !from_exists && to_exists && lf != lt {
                self.push(
                    Finding::new(
                        &substitute_path_reversed::RULE,
                        format!(
                            "substitutePath looks reversed: \"from\" {:?} does not exist here but \"to\" {:?} does; \"from\" is the local path",
                            from.value, to.value
                        ),
                    ),
                    o.range.start,
                    swap,
                );
            }
        }
    }

    /// -gcflags (string form), -ldflags -s/-w and unknown linker flags, -trimpath, -o and
    /// flags go does not define, in buildFlags; one combined safe edit. `test`: the
    /// configuration may build a test (`go test -c` accepts the test flags).
    fn build_flags(&mut self, p: &ObjectProp<'_>, test: bool) {
        let Some((tokens, string_form, decoded)) = flag_tokens(&p.value) else {
            return;
        };
        let mut edits = vec![ElemEdit::Keep; tokens.len()];
        // Findings, where they point, and whether the combined edit fixes them.
        let mut pending: Vec<(Finding, usize, bool)> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let (t, _, at) = &tokens[i];
            let (flag, inline) = match t.split_once('=') {
                Some((f, v)) => (f, Some(v.to_string())),
                None => (t.as_str(), None),
            };
            if !flag.starts_with('-') {
                i += 1;
                continue;
            }
            let name = flag.trim_start_matches('-');
            let takes_value = invalid_build_flag::VALUE_FLAGS.contains(&name);
            let value_idx =
                (takes_value && inline.is_none() && i + 1 < tokens.len()).then_some(i + 1);
            let drop_flag = |edits: &mut [ElemEdit]| {
                edits[i] = ElemEdit::Drop;
                if let Some(v) = value_idx {
                    edits[v] = ElemEdit::Drop;
                }
            };
            let value = inline
                .clone()
                .or_else(|| value_idx.map(|v| tokens[v].0.clone()));
            match name {
                // vscode-go removes -gcflags from a string buildFlags only; in an array
                // it reaches `go build` after Delve's own (goDebugConfiguration.ts).
                "gcflags" if string_form => {
                    drop_flag(&mut edits);
                    pending.push((gcflags_ignored::finding(), *at, true));
                }
                "ldflags" => {
                    if let Some(v) = value {
                        if let Some(kept) = self.ldflags(&v, string_form, *at, &mut pending) {
                            match (kept, value_idx) {
                                (None, _) => drop_flag(&mut edits),
                                (Some(k), Some(vi)) => edits[vi] = ElemEdit::Set(k),
                                (Some(k), None) => edits[i] = ElemEdit::Set(format!("{flag}={k}")),
                            }
                        }
                    }
                }
                "trimpath" => {
                    // Removing it changes only the recorded paths: safe in a debug build.
                    if let Some(f) = trimpath_build::check(inline.as_deref()) {
                        drop_flag(&mut edits);
                        pending.push((f, *at, true));
                    }
                }
                "o" => {
                    drop_flag(&mut edits);
                    pending.push((build_output_flag::finding(value.as_deref()), *at, true));
                }
                _ => {
                    if let Some(f) = invalid_build_flag::unknown_go_flag(t, test) {
                        pending.push((f, *at, false));
                    }
                }
            }
            i += if value_idx.is_some() { 2 } else { 1 };
        }
        let fix = (!edits.iter().all(|e| *e == ElemEdit::Keep)).then(|| Fix::SetBuildFlags {
            config: self.config,
            edit: if string_form {
                FlagsEdit::String(rebuild(&decoded, &tokens, &edits))
            } else {
                FlagsEdit::Array(edits)
            },
        });
        for (f, at, fixable) in pending {
            self.push(f, at, if fixable { fix.clone() } else { None });
        }
    }

    /// An -ldflags value: DWARF stripping (DD403) and linker flags that do not exist
    /// (DD421). `Some(kept)` when the value must change: the words to keep (`None`: drop
    /// the whole -ldflags).
    fn ldflags(
        &self,
        value: &str,
        string_form: bool,
        at: usize,
        pending: &mut Vec<(Finding, usize, bool)>,
    ) -> Option<Option<String>> {
        let strip = strips_debug_info::check(value, string_form);
        let bad = invalid_build_flag::unknown_linker_flags(value);
        if strip.is_none() && bad.is_empty() {
            return None;
        }
        let inner = value.trim_matches(|c| c == '\'' || c == '"');
        let stripping = |w: &str| matches!(w, "-s" | "-w" | "-s=true" | "-w=true");
        let rest: Vec<&str> = inner
            .split_whitespace()
            .filter(|w| {
                let stripped = strip.is_some() && stripping(w);
                let invalid = bad.iter().any(|b| b == w);
                !stripped && !invalid
            })
            .collect();
        if let Some((f, _)) = strip {
            pending.push((f, at, true));
        }
        if !bad.is_empty() {
            pending.push((invalid_build_flag::linker_finding(&bad), at, true));
        }
        Some((!rest.is_empty()).then(|| {
            let joined = rest.join(" ");
            if string_form && rest.len() > 1 {
                format!("'{joined}'")
            } else {
                joined
            }
        }))
    }
}

/// buildFlags as fields: each token with its byte span in the decoded string (or its
/// element index, for an array) and its source offset; whether it was a string, and the
/// decoded string. `None` for a value of another type.
fn flag_tokens(value: &Value<'_>) -> Option<(Vec<FlagToken>, bool, String)> {
    Some(match value {
        Value::StringLit(s) => (
            crate::go::flags::split_spans(&s.value)
                .into_iter()
                .map(|(t, span)| (t, span, s.range.start))
                .collect(),
            true,
            s.value.to_string(),
        ),
        Value::Array(a) => (
            a.elements
                .iter()
                .enumerate()
                .map(|(i, e)| match e {
                    Value::StringLit(s) => (s.value.to_string(), (i, i), s.range.start),
                    other => (String::new(), (i, i), other.start()),
                })
                .collect(),
            false,
            String::new(),
        ),
        _ => return None,
    })
}

/// One buildFlags field: its text, its byte span in the decoded string (or its element
/// index twice, for arrays), and its offset in the file.
type FlagToken = (String, (usize, usize), usize);

/// Does `file` lie under `prefix` (path-component aware)?
fn has_prefix(file: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches(['/', '\\']);
    if prefix.is_empty() {
        return false;
    }
    file == prefix
        || file
            .strip_prefix(prefix)
            .is_some_and(|r| r.starts_with('/') || r.starts_with('\\'))
}

fn strsim_best<'a>(s: &str, names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .map(|n| {
            (
                strsim::damerau_levenshtein(&s.to_lowercase(), &n.to_lowercase()),
                *n,
            )
        })
        .filter(|(d, n)| *d <= 3 && n.len() > 1)
        .min()
        .map(|(_, n)| n)
}

fn collect_strings(v: &Value<'_>, out: &mut Vec<(String, usize)>) {
    match v {
        Value::StringLit(s) => out.push((s.value.to_string(), s.range.start)),
        Value::Array(a) => a.elements.iter().for_each(|e| collect_strings(e, out)),
        Value::Object(o) => o
            .properties
            .iter()
            .for_each(|p| collect_strings(&p.value, out)),
        _ => {}
    }
}

/// The buildFlags string with dropped fields removed and replaced ones rewritten; kept
/// fields keep their original quoting, separated by one space.
fn rebuild(s: &str, tokens: &[FlagToken], edits: &[ElemEdit]) -> String {
    let mut pieces: Vec<String> = Vec::new();
    for ((_, (a, b), _), e) in tokens.iter().zip(edits) {
        match e {
            ElemEdit::Keep => pieces.push(s[*a..*b].to_string()),
            ElemEdit::Set(v) => pieces.push(v.clone()),
            ElemEdit::Drop => {}
        }
    }
    pieces.join(" ")
}

/// The directory the binary was built in that corresponds to the local directory `from`:
/// the ancestor of a recorded absolute file whose rest of the path names an existing file
/// under `from` (`/build/app` for `/build/app/cmd/x/main.go` when
/// `FROM/cmd/x/main.go` exists). The shallowest such ancestor (the longest rest of the
/// path that matches) of the first file that has one; `None` when no recorded file is
/// found under `from`.
fn build_dir_for(from: &str, files: &[String]) -> Option<String> {
    let from = Path::new(from);
    files
        .iter()
        .filter(|f| f.starts_with('/') && f.ends_with(".go"))
        .take(200)
        .find_map(|f| {
            let f = Path::new(f);
            let dirs: Vec<&Path> = f.ancestors().skip(1).collect();
            dirs.into_iter().rev().find_map(|dir| {
                let rest = f.strip_prefix(dir).ok()?;
                from.join(rest).is_file().then(|| dir.display().to_string())
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vscode_split_flags_honours_quotes() {
        let f: Vec<String> = crate::go::flags::split_spans("-tags dev -ldflags='-s -w' -x")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(f, vec!["-tags", "dev", "-ldflags=-s -w", "-x"]);
    }

    #[test]
    fn vscode_variables_are_found() {
        let v: Vec<&str> = variables("${workspaceFolder}/x/${env:HOME}")
            .into_iter()
            .map(|v| v.1)
            .collect();
        assert_eq!(v, vec!["workspaceFolder", "env:HOME"]);
    }

    #[test]
    fn vscode_prefix_is_component_aware() {
        assert!(has_prefix("/app/main.go", "/app"));
        assert!(has_prefix("/app/main.go", "/app/"));
        assert!(!has_prefix("/application/main.go", "/app"));
    }
}
