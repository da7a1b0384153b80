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
    /// remotePath → substitutePath [{from: ${workspaceFolder}, to: remotePath}].
    RemotePathToSubstitute {
        config: usize,
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
        .unwrap_or_else(|| default_workspace(&src.path, &root));
    let mut cx = Cx {
        text: &src.text,
        opts,
        workspace,
        out: Vec::new(),
        config: 0,
        name: None,
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
    out.sort_by_key(|d| {
        d.finding
            .location
            .as_ref()
            .map(|l| (l.line, l.column))
            .unwrap_or_default()
    });
    Ok(out)
}

/// `${workspaceFolder}`: the folder holding `.vscode/`; for a `.code-workspace`, its first
/// folder (relative to the file); else the file's folder.
fn default_workspace(path: &Path, root: &Object<'_>) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.file_name().is_some_and(|n| n == ".vscode") {
        return dir.parent().map(Path::to_path_buf).unwrap_or(dir);
    }
    let first_folder = root
        .get_array("folders")
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

/// Variables VS Code predefines (code.visualstudio.com/docs/reference/variables-reference).
const VARIABLES: &[&str] = &[
    "workspaceFolder",
    "workspaceFolderBasename",
    "workspaceRoot",
    "file",
    "fileWorkspaceFolder",
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
    "defaultBuildTask",
    "pathSeparator",
    "/",
    "userHome",
];
const VARIABLE_PREFIXES: &[&str] = &["env:", "config:", "command:", "input:", "workspaceFolder:"];

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

impl Cx<'_> {
    fn push(&mut self, f: Finding, at: usize, fix: Option<Fix>) {
        let (l, c) = line_col(self.text, at);
        self.out.push(Diagnostic {
            finding: f.at(l, c),
            configuration: self.name.clone(),
            fix,
        });
    }

    /// Expands the variables vscode-go expands before using a path; `None` when the value
    /// depends on something unknown here (an active file not given, a command, an input).
    fn expand(&self, s: &str) -> Option<String> {
        let ws = self.workspace.to_string_lossy().into_owned();
        let file = self.opts.active_file.as_ref();
        let mut out = String::new();
        let mut last = 0;
        for (at, var) in variables(s) {
            out.push_str(&s[last..at]);
            last = at + var.len() + 3;
            let v = match var {
                "workspaceFolder" | "workspaceRoot" | "fileWorkspaceFolder" => ws.clone(),
                "workspaceFolderBasename" => self
                    .workspace
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

    fn configuration(&mut self, obj: &Object<'_>) {
        let cfg = self.config;
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
            self.launch_paths(obj, &mode);
        }
        if let Some(s) = obj.get_string("cwd") {
            // A remote attach's cwd is on the remote machine.
            let remote = request == Request::Attach && mode == "remote";
            if !remote && !s.value.is_empty() {
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

    /// What a launch request builds or runs: `program`, `buildFlags` (when vscode-go
    /// builds), `envFile`.
    fn launch_paths(&mut self, obj: &Object<'_>, mode: &str) {
        self.program(obj, mode);
        if let Some(p) = obj.get("buildFlags") {
            if matches!(mode, "auto" | "debug" | "test") {
                self.build_flags(p);
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
            for (f, at) in files {
                self.existing_path("envFile", f, at, false);
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
        if model::GENERIC.contains(&name) {
            if let Some(f) = no_debug::check(p) {
                self.push(f, p.range.start, None);
            }
            return;
        }
        let Some(attr) = model::lookup(name, request) else {
            match not_for_mode::other_request(name, request) {
                Some(f) => self.push(f, p.range.start, None),
                None => {
                    let (f, fix) = unknown_attribute::check(obj, name, cfg);
                    self.push(f, p.range.start, fix);
                }
            }
            return;
        };
        if let Some(f) = wrong_type::check_type(name, attr, &p.value) {
            self.push(f, p.value.start(), None);
            return;
        }
        if let Some(f) = wrong_type::check_enum(name, attr, &p.value) {
            self.push(f, p.value.start(), None);
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
                let known = VARIABLES.contains(&var)
                    || VARIABLE_PREFIXES.iter().any(|p| var.starts_with(p));
                if !known {
                    let sugg = strsim_best(var, VARIABLES)
                        .map(|b| format!("; did you mean \"${{{b}}}\"?"))
                        .unwrap_or_default();
                    self.push(
                        Finding::new(
                            &unknown_variable::RULE,
                            format!("\"${{{var}}}\" is not a VS Code variable{sugg}"),
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
        let Some(path) = self.resolve(&raw) else {
            return;
        };
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(_) => {
                self.push(
                    Finding::new(
                        &program_mismatch::RULE,
                        format!("program {raw:?} does not exist ({})", path.display()),
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
        match crate::Target::open(path) {
            Ok(t) => {
                for f in check(&t) {
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
                    self.push(
                        Finding::new(
                            &substitute_path_unmatched::RULE,
                            format!(
                                "substitutePath \"to\" {:?} prefixes no source file in the binary (e.g. {example})",
                                to.value
                            ),
                        ),
                        o.range.start,
                        None,
                    );
                }
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

    /// -gcflags, -ldflags -s/-w, -trimpath in buildFlags; one combined safe edit.
    fn build_flags(&mut self, p: &ObjectProp<'_>) {
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
            let name = flag.trim_start_matches('-');
            if !flag.starts_with('-') {
                i += 1;
                continue;
            }
            let value_idx = (inline.is_none() && i + 1 < tokens.len()).then_some(i + 1);
            let drop_flag = |edits: &mut [ElemEdit]| {
                edits[i] = ElemEdit::Drop;
                if let Some(v) = value_idx {
                    edits[v] = ElemEdit::Drop;
                }
            };
            match name {
                "gcflags" => {
                    drop_flag(&mut edits);
                    pending.push((gcflags_ignored::finding(), *at, true));
                }
                "ldflags" => {
                    let value = inline.or_else(|| value_idx.map(|v| tokens[v].0.clone()));
                    let check = value.and_then(|v| strips_debug_info::check(&v, string_form));
                    if let Some((finding, kept)) = check {
                        match (kept, value_idx) {
                            (None, _) => drop_flag(&mut edits),
                            (Some(v), Some(vi)) => edits[vi] = ElemEdit::Set(v),
                            (Some(v), None) => edits[i] = ElemEdit::Set(format!("{flag}={v}")),
                        }
                        pending.push((finding, *at, true));
                    }
                }
                "trimpath" => {
                    if let Some(f) = trimpath_build::check(inline.as_deref()) {
                        pending.push((f, *at, false));
                    }
                }
                _ => {}
            }
            i += if value_idx.is_some() && matches!(name, "gcflags" | "ldflags") {
                2
            } else {
                1
            };
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
