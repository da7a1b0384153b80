//! `debugdoctor launch [FILE]`: lint a VS Code launch.json (or `.code-workspace`) for Go,
//! and with `--fix` apply the safe fixes in place, keeping comments and layout.
//!
//! JSON shape (`--json`, schema_version 1):
//! `{"schema_version": 1, "file": PATH, "workspace": DIR (--workspace, else the folder
//! holding .vscode/),
//! "findings": [{"id", "name",
//! "severity", "message", "evidence", "fix", "location": {"line", "column"},
//! "configuration": NAME|null, "fixable": bool}], "fixable": N, "fixed": bool}`.
//! With `--fix` the findings are those left after the edit (at the fixed file's lines);
//! with `--diff` the file is unchanged, so they are the file's own findings at its own
//! lines. Either way `"diff"` holds the unified diff. A fixable finding's `"fix"` says
//! what the edit does.

use std::path::{Path, PathBuf};

use debugdoctor::diagnostic::Severity;
use debugdoctor::vscode::{self, Diagnostic, LintOptions, Source};

use super::Context;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The launch.json (or .code-workspace) to lint.
    #[arg(default_value = ".vscode/launch.json", value_name = "FILE")]
    pub path: PathBuf,
    /// Apply the safe fixes in place (atomically) and print the diff.
    #[arg(long)]
    pub fix: bool,
    /// Print the diff `--fix` would apply, without writing the file.
    #[arg(long, visible_alias = "dry-run")]
    pub diff: bool,
    /// Print one JSON document (schema_version 1) instead of text.
    #[arg(long)]
    pub json: bool,
    /// The folder ${workspaceFolder} names (default: the folder holding .vscode/).
    #[arg(long, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// The active editor file: ${file}, and what "mode": "auto" resolves to.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Also check this binary for every configuration (exec mode checks its program).
    #[arg(long, value_name = "BINARY")]
    pub binary: Option<PathBuf>,
}

pub fn run(args: Args, ctx: &Context) -> u8 {
    // `--file` names a file as the shell sees it: relative to the current directory, not
    // to the workspace (where `${file}`-relative values are resolved).
    let active_file = args
        .file
        .as_ref()
        .map(|f| std::path::absolute(f).unwrap_or_else(|_| f.clone()));
    let opts = LintOptions {
        workspace: args.workspace.clone(),
        active_file,
        binary: args.binary.clone(),
        check_binary: Some(debugdoctor::registry::check),
    };
    let linted = vscode::load(&args.path)
        .map_err(|e| e.to_string())
        .and_then(|src| {
            let diags = vscode::lint(&src, &opts).map_err(|e| e.to_string())?;
            Ok((src, diags))
        })
        .and_then(|(src, diags)| {
            let fixed = if args.fix || args.diff {
                apply_fixes(&src, &diags, &opts, args.fix)?
            } else {
                None
            };
            Ok((src, diags, fixed))
        });
    let (src, diags, fixed) = match linted {
        Ok(x) => x,
        Err(e) => return super::fail(args.json, super::EXIT_USAGE, e),
    };
    // --fix reports what remains in the written file; --diff leaves the file as it is,
    // so it reports the file's own findings at the lines the reader sees.
    let (shown, diff, wrote) = match fixed {
        Some(f) if f.wrote => (f.remaining, Some(f.diff), true),
        Some(f) => (diags, Some(f.diff), false),
        None => (diags, None, false),
    };
    let fixable = shown.iter().filter(|d| d.fix.is_some()).count();
    let code = if shown.iter().any(|d| d.finding.severity == Severity::Error) {
        super::EXIT_FINDINGS
    } else {
        super::EXIT_OK
    };
    if args.json {
        let workspace = vscode::lint::effective_workspace(&src, &opts);
        print_json(&src, &workspace, &shown, diff.as_deref(), fixable, wrote);
        return code;
    }
    let mut out = String::new();
    if let Some(d) = &diff {
        out.push_str(d);
        if wrote {
            out.push_str(&format!("fixed {}\n", src.path.display()));
        }
    }
    out.push_str(&render(&src.path, &shown, ctx));
    if fixable > 0 {
        out.push_str(&format!("{fixable} fixable with --fix\n"));
    }
    super::write_stdout(&out);
    code
}

/// The outcome of applying the safe fixes.
struct Fixed {
    /// Unified diff of the file before and after.
    diff: String,
    /// Whether the file was written (`--fix`; `--diff` only shows).
    wrote: bool,
    /// The findings of the fixed text.
    remaining: Vec<Diagnostic>,
}

/// Applies every safe fix to the text, writes it atomically when `write`, and lints the
/// result; `None` when nothing changes.
fn apply_fixes(
    src: &Source,
    diags: &[Diagnostic],
    opts: &LintOptions,
    write: bool,
) -> Result<Option<Fixed>, String> {
    let fixes: Vec<_> = diags.iter().filter_map(|d| d.fix.clone()).collect();
    if fixes.is_empty() {
        return Ok(None);
    }
    let new_text = vscode::apply_fixes(&src.text, &fixes)
        .map_err(|e| format!("{}: cannot apply fixes: {e}", src.path.display()))?;
    if new_text == src.text {
        return Ok(None);
    }
    let name = src.path.display().to_string();
    let diff = similar::TextDiff::from_lines(&src.text, &new_text)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string();
    if write {
        vscode::fix::write_atomically(&src.path, &new_text)
            .map_err(|e| format!("{}: cannot write: {e}", src.path.display()))?;
    }
    let after = Source {
        path: src.path.clone(),
        text: new_text,
    };
    let remaining = vscode::lint(&after, opts).map_err(|e| e.to_string())?;
    Ok(Some(Fixed {
        diff,
        wrote: write,
        remaining,
    }))
}

/// The `--json` document (schema_version 1).
fn print_json(
    src: &Source,
    workspace: &Path,
    shown: &[Diagnostic],
    diff: Option<&str>,
    fixable: usize,
    fixed: bool,
) {
    let findings: Vec<serde_json::Value> = shown
        .iter()
        .map(|d| {
            let mut v = serde_json::to_value(&d.finding).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("configuration".into(), serde_json::json!(d.configuration));
                o.insert("fixable".into(), serde_json::json!(d.fix.is_some()));
            }
            v
        })
        .collect();
    let mut doc = serde_json::json!({
        "schema_version": debugdoctor::report::SCHEMA_VERSION,
        "file": src.path.display().to_string(),
        "workspace": workspace.display().to_string(),
        "findings": findings,
        "fixable": fixable,
        "fixed": fixed,
    });
    if let (Some(d), Some(o)) = (diff, doc.as_object_mut()) {
        o.insert("diff".into(), serde_json::json!(d));
    }
    super::print_json(&doc);
}

/// `FILE:LINE:COL  severity  ID name  message`, one line per finding.
fn render(path: &Path, diags: &[Diagnostic], ctx: &Context) -> String {
    let s = &ctx.style;
    if diags.is_empty() {
        return format!("{}: {}\n", path.display(), s.good("no findings"));
    }
    let mut out = String::new();
    for d in diags {
        let f = &d.finding;
        let loc = f
            .location
            .as_ref()
            .map(|l| format!("{}:{}:{}", path.display(), l.line, l.column))
            .unwrap_or_else(|| path.display().to_string());
        out.push_str(&format!(
            "{loc}  {}  {} {:<25} {}\n",
            s.severity(f.severity),
            s.bold(&f.id.to_string()),
            f.name,
            f.message
        ));
    }
    out
}
