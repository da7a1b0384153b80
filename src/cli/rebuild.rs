//! `debugdoctor rebuild BINARY [--workspace DIR] [--run] [--go PATH] [-o OUT] [--json]`:
//! the exact go command that rebuilds this binary debuggable; `--run` runs it in the
//! workspace and proves the result (`check` has no error, `main.main` is hit).

use std::path::{Path, PathBuf};
use std::time::Duration;

use debugdoctor::doctor::rebuild::{self, RebuildPlan, RunError, RunOptions, RunReport};
use debugdoctor::paths::workspace::{Workspace, WorkspaceOptions};
use debugdoctor::Target;

use super::{outln, Context};

/// The workspace does not match the binary (module, VCS revision), or it cannot be
/// rebuilt and proven here (Go version, platform, built from files).
pub const EXIT_REFUSED: u8 = 4;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The Go binary to rebuild.
    #[arg(value_name = "BINARY")]
    pub binary: PathBuf,
    /// The workspace to build in [default: the module root of the current directory].
    #[arg(long, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Run the command in the workspace, then prove the result: `check` has no error and
    /// `probe --break main.main` hits.
    #[arg(long)]
    pub run: bool,
    /// The go command to build with (its version must be the recorded one for --run)
    /// [default: go on PATH].
    #[arg(long, value_name = "PATH")]
    pub go: Option<PathBuf>,
    /// Write the rebuilt binary here (with --run) [default: a new temporary directory].
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Print one JSON document (schema_version 1) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The module root of `start`: the nearest directory upward with a go.mod or go.work.
fn module_root(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    start
        .ancestors()
        .find(|d| d.join("go.mod").is_file() || d.join("go.work").is_file())
        .map(Path::to_path_buf)
}

pub fn run(args: Args, ctx: &Context) -> u8 {
    let json = args.json;
    let t = match Target::open(&args.binary) {
        Ok(t) => t,
        Err(e) => return super::fail(json, super::EXIT_USAGE, e),
    };
    if !t.is_go() {
        return super::fail(
            json,
            super::EXIT_USAGE,
            format!(
                "{}: not a Go binary (no build info, no pclntab)",
                args.binary.display()
            ),
        );
    }
    let bi = match t.buildinfo_result() {
        Ok(Some(bi)) => bi,
        Ok(None) => {
            return super::fail(
                json,
                super::EXIT_USAGE,
                format!(
                    "{}: no Go build info (Go older than 1.13?): how it was built is not recorded",
                    args.binary.display()
                ),
            )
        }
        Err(e) => {
            return super::fail(
                json,
                super::EXIT_USAGE,
                format!("{}: {e}", args.binary.display()),
            )
        }
    };
    let ws_dir = args
        .workspace
        .clone()
        .or_else(|| std::env::current_dir().ok().and_then(|d| module_root(&d)));
    if let Some(d) = &args.workspace {
        if !d.is_dir() {
            return super::fail(
                json,
                super::EXIT_USAGE,
                format!("{}: no such workspace directory", d.display()),
            );
        }
    }
    let host = match rebuild::host_go(args.go.as_deref(), ws_dir.as_deref()) {
        Ok(h) => h,
        Err(e) => return super::fail(json, super::EXIT_USAGE, e),
    };
    let Some(plan) = rebuild::plan_target(&t, host.as_ref()) else {
        return super::fail(
            json,
            super::EXIT_USAGE,
            format!("{}: no Go build info", args.binary.display()),
        );
    };
    if !args.run {
        if json {
            super::print_json(&document(&plan, None, None));
        } else {
            print_plan(&plan, ctx);
        }
        return super::EXIT_OK;
    }

    let refuse = |reason: String| -> u8 {
        if json {
            super::print_json(&document(&plan, None, Some(&reason)));
        } else {
            print_plan(&plan, ctx);
            outln!();
        }
        eprintln!("debugdoctor: refused: {reason}");
        EXIT_REFUSED
    };
    if let Some(reason) = rebuild::plan_refusal(&plan) {
        return refuse(reason);
    }
    let Some(ws_dir) = ws_dir else {
        return refuse(
            "no workspace: the current directory is not inside a Go module; pass --workspace DIR"
                .into(),
        );
    };
    let ws_dir = module_root(&ws_dir).unwrap_or(ws_dir);
    let ws = Workspace::discover(
        &ws_dir,
        &WorkspaceOptions {
            go: plan.host_go.clone(),
            ..Default::default()
        },
    );
    let dir = match rebuild::workspace_refusal(&plan, bi, &ws) {
        Ok(d) => d,
        Err(reason) => return refuse(reason),
    };
    let opts = RunOptions {
        dir,
        out: args.output.clone(),
        timeout: Duration::from_secs(10),
    };
    let report = match rebuild::execute(&plan, &opts) {
        Ok(r) => r,
        Err(RunError::ProbeDenied(m)) => {
            return super::fail(
                json,
                super::EXIT_NO_PTRACE,
                format!("rebuilt, but cannot trace it to prove it: {m}"),
            )
        }
        Err(RunError::Failed(m)) => return super::fail(json, super::EXIT_FINDINGS, m),
    };
    let goflags = std::env::var("GOFLAGS").ok();
    let notes = rebuild::workspace_notes(&ws, goflags.as_deref());
    if json {
        let mut doc = document(&plan, Some(&report), None);
        doc["run"]["notes"] = serde_json::json!(notes);
        super::print_json(&doc);
    } else {
        print_plan(&plan, ctx);
        outln!();
        print_run(&report, &notes, ctx);
    }
    if report.proven {
        super::EXIT_OK
    } else {
        super::EXIT_FINDINGS
    }
}

fn document(
    plan: &RebuildPlan,
    run: Option<&RunReport>,
    refused: Option<&str>,
) -> serde_json::Value {
    serde_json::json!({
        "schema_version": debugdoctor::report::SCHEMA_VERSION,
        "rebuild": plan,
        "command": plan.shell_command(None),
        "run": run,
        "refused": refused,
    })
}

fn print_plan(plan: &RebuildPlan, ctx: &Context) {
    let s = &ctx.style;
    outln!(
        "{}",
        s.dim(&format!(
            "# {} ({}, {})",
            plan.binary.display(),
            plan.go_version,
            plan.main_package
                .as_deref()
                .unwrap_or("no main package recorded")
        ))
    );
    outln!("{}", plan.shell_command(None));
    if !plan.changes.is_empty() {
        outln!();
        outln!("changes:");
        for c in &plan.changes {
            outln!("  - {c}");
        }
    }
    if !plan.notes.is_empty() {
        outln!();
        outln!("notes:");
        for n in &plan.notes {
            outln!("  - {n}");
        }
    }
}

fn print_run(r: &RunReport, notes: &[String], ctx: &Context) {
    let s = &ctx.style;
    outln!("ran in {}:", r.dir.display());
    let env: Vec<String> = r
        .env
        .iter()
        .map(|(k, v)| {
            let v = if v.is_empty() {
                "''".to_string()
            } else {
                rebuild::shell_word(v)
            };
            format!("{k}={v}")
        })
        .collect();
    outln!(
        "  {} {}",
        env.join(" "),
        r.command
            .iter()
            .map(|a| rebuild::shell_word(a))
            .collect::<Vec<_>>()
            .join(" ")
    );
    if !r.build_ok {
        outln!("build: {} after {} ms", s.bad("FAILED"), r.build_ms);
        for l in r.build_log.lines() {
            outln!("  {l}");
        }
        return;
    }
    outln!("build: ok in {} ms -> {}", r.build_ms, r.output.display());
    if r.check_errors == 0 {
        let others: Vec<String> = r.check.iter().map(|c| c.id.clone()).collect();
        outln!(
            "check: {} in {} ms{}",
            s.good("no error"),
            r.check_ms,
            if others.is_empty() {
                String::new()
            } else {
                format!(" (also: {})", others.join(", "))
            }
        );
    } else {
        outln!("check: {} error finding(s):", r.check_errors);
        for c in &r.check {
            outln!(
                "  {} {} {}: {}",
                c.id,
                c.name,
                c.severity.as_str(),
                c.message
            );
        }
    }
    if let Some(p) = &r.probe {
        for b in &p.breakpoints {
            if b.status == "hit" {
                outln!(
                    "probe: {} {} after {} ms at {}:{}",
                    b.spec,
                    s.good("HIT"),
                    b.first_hit_ms.unwrap_or(0),
                    b.file.as_deref().unwrap_or("?"),
                    b.line.unwrap_or(0)
                );
            } else {
                outln!(
                    "probe: {} {} ({}): {}",
                    b.spec,
                    s.bad("not hit"),
                    p.end,
                    b.reason.as_deref().unwrap_or("")
                );
            }
        }
    }
    for n in notes {
        outln!("note: {n}");
    }
    outln!(
        "{}",
        if r.proven {
            s.good("proven: the rebuilt binary is debuggable")
        } else {
            s.bad("not proven")
        }
    );
}
