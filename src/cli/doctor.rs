//! `debugdoctor doctor`: the VS Code debug chain of one workspace, and the one change that
//! fixes it (library: `debugdoctor::doctor::run`).

use std::path::PathBuf;

use super::Context;
use debugdoctor::diagnostic::Severity;
use debugdoctor::doctor::{self, Report, Status};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// The workspace folder [default: the current directory].
    pub workspace: Option<PathBuf>,
    /// The configuration to use [default: the only or first Go configuration].
    #[arg(long, value_name = "NAME")]
    pub config: Option<String>,
    /// Another launch file (a launch.json or .code-workspace).
    #[arg(long, value_name = "FILE")]
    pub launch: Option<PathBuf>,
    /// A breakpoint as the editor has it (`main.go:11`, a workspace path, or any `where`
    /// spec); `main.main` is always checked. Repeatable.
    #[arg(long = "break", value_name = "SPEC")]
    pub breaks: Vec<String>,
    /// The binary of an attach configuration (or instead of program).
    #[arg(long, value_name = "BINARY")]
    pub binary: Option<PathBuf>,
    /// The active editor file (`${file}`, `${fileDirname}`).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Also run the binary under ptrace: are main.main and the breakpoints really hit?
    #[arg(long)]
    pub prove: bool,
    /// Apply the configuration's launch.json edits (keeping comments), then diagnose again.
    #[arg(long)]
    pub fix: bool,
    /// Use this go instead of vscode-go's choice (go.alternateTools, go.goroot, PATH).
    #[arg(long, value_name = "PATH")]
    pub go: Option<PathBuf>,
    /// Use this dlv instead of vscode-go's choice (go.alternateTools, PATH).
    #[arg(long, value_name = "PATH")]
    pub dlv: Option<PathBuf>,
    /// Keep the binary a debug or test build produced here.
    #[arg(long, value_name = "PATH")]
    pub keep_binary: Option<PathBuf>,
    /// JSON output (schema_version 1).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> u8 {
    let opts = doctor::Options {
        workspace: args.workspace.clone().unwrap_or_else(|| PathBuf::from(".")),
        launch_file: args.launch.clone(),
        config: args.config.clone(),
        breaks: args.breaks.clone(),
        binary: args.binary.clone(),
        active_file: args.file.clone(),
        prove: args.prove,
        go: args.go.clone(),
        dlv: args.dlv.clone(),
        keep_binary: args.keep_binary.clone(),
    };
    let mut report = match doctor::run(&opts) {
        Ok(r) => r,
        Err(e) => return super::fail(args.json, super::EXIT_USAGE, e),
    };
    // Edits that change the build come first; the paths are derived again after them
    // (a second round), as a user applying one fix at a time would see.
    let mut fixed: Option<String> = None;
    for _ in 0..3 {
        if !args.fix || report.edits.is_empty() {
            break;
        }
        match apply(&report) {
            Ok(None) => break,
            Ok(Some(what)) => {
                fixed = Some(match fixed {
                    Some(f) => format!("{f}; then {what}"),
                    None => what,
                });
                report = match doctor::run(&opts) {
                    Ok(r) => r,
                    Err(e) => return super::fail(args.json, super::EXIT_USAGE, e),
                };
            }
            Err(e) => return super::fail(args.json, super::EXIT_USAGE, e),
        }
    }
    if args.json {
        let mut v = serde_json::to_value(&report).unwrap_or_default();
        if let (Some(o), Some(f)) = (v.as_object_mut(), &fixed) {
            o.insert("fixed".into(), serde_json::Value::String(f.clone()));
        }
        super::print_json(&v);
    } else {
        super::write_stdout(&render(&report, fixed.as_deref(), ctx));
    }
    if report.ok {
        super::EXIT_OK
    } else {
        super::EXIT_FINDINGS
    }
}

/// Writes the report's launch.json edits; says what was written (`None`: nothing changed).
fn apply(report: &Report) -> Result<Option<String>, String> {
    let file = report
        .session
        .launch_file
        .as_ref()
        .ok_or("--fix: there is no launch.json to edit")?;
    let src = debugdoctor::vscode::load(file).map_err(|e| e.to_string())?;
    let text = debugdoctor::vscode::apply_fixes(&src.text, &report.edits)
        .map_err(|e| format!("{}: cannot apply fixes: {e}", file.display()))?;
    if text == src.text {
        return Ok(None);
    }
    debugdoctor::vscode::fix::write_atomically(file, &text)
        .map_err(|e| format!("{}: cannot write: {e}", file.display()))?;
    let what: Vec<String> = report.edits.iter().map(|e| e.describe()).collect();
    Ok(Some(format!("{}: {}", file.display(), what.join("; "))))
}

fn render(r: &Report, fixed: Option<&str>, ctx: &Context) -> String {
    let s = &ctx.style;
    let mut out = String::new();
    if let Some(f) = fixed {
        out.push_str(&format!("fixed {f}\n\n"));
    }
    out.push_str(&format!("workspace {}\n", r.workspace.display()));
    for st in &r.steps {
        let mark = match st.status {
            Status::Ok => s.good("ok  "),
            Status::Warning => s.bold("warn"),
            Status::Error => s.bold("FAIL"),
            Status::Skipped => s.dim("skip"),
        };
        out.push_str(&format!("{mark}  {:<12}{}\n", st.name, st.summary));
        // Info findings are in --json; the chain shows what stands in the way.
        for f in st.findings.iter().filter(|f| f.severity != Severity::Info) {
            out.push_str(&format!(
                "      {} {} {}  {}\n",
                s.severity(f.severity),
                f.id,
                f.name,
                f.message
            ));
            if let Some(fix) = &f.fix {
                out.push_str(&format!("          fix: {fix}\n"));
            }
        }
    }
    for b in &r.breakpoints {
        let place = if b.resolution.bound {
            b.resolution
                .addresses
                .first()
                .map(|a| format!("bound at {}:{} ({:#x})", a.file, a.line, a.pc))
                .unwrap_or_default()
        } else {
            "NOT BOUND".to_string()
        };
        let sent = if b.sent != b.given {
            format!(" (sent as {})", b.sent)
        } else {
            String::new()
        };
        let hit = b
            .probe
            .as_deref()
            .map(|p| format!("; probe: {p}"))
            .unwrap_or_default();
        out.push_str(&format!("      {}{sent}: {place}{hit}\n", b.given));
    }
    out.push_str(&format!("\nverdict: {}\n", r.verdict));
    if let Some(f) = &r.first_fix {
        let how = match (&f.edit, f.kind) {
            (Some(_), _) => " (doctor --fix applies it)",
            _ => "",
        };
        out.push_str(&format!("fix first: [{}] {}{how}\n", f.id, f.text));
    }
    out
}
