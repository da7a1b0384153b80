//! `debugdoctor check BINARY...`: diagnose the debuggability of Go binaries.

use std::path::PathBuf;

use debugdoctor::report::binary::BinaryReport;
use debugdoctor::report::Severity;
use debugdoctor::target::OpenOptions;
use debugdoctor::Target;

use super::Context;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Go binaries to diagnose.
    #[arg(required = true, value_name = "BINARY")]
    pub paths: Vec<PathBuf>,
    /// Print one JSON document (schema_version 1) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also search DIR for separate debug files (laid out like /usr/lib/debug). Repeatable.
    #[arg(long, value_name = "DIR")]
    pub debug_dir: Vec<PathBuf>,
}

/// One input's outcome: a report, or the one-line reason it could not be read.
enum Outcome {
    Report(Box<BinaryReport>),
    Unreadable { path: String, error: String },
}

pub fn run(args: Args, ctx: &Context) -> u8 {
    let options = OpenOptions {
        debug_dirs: args.debug_dir.clone(),
    };
    let outcomes: Vec<Outcome> = args
        .paths
        .iter()
        .map(|p| match Target::open_with(p, options.clone()) {
            Ok(t) => {
                let findings = debugdoctor::checks::run(&t);
                Outcome::Report(Box::new(BinaryReport::new(&t, findings)))
            }
            Err(e) => Outcome::Unreadable {
                path: p.display().to_string(),
                error: e.to_string(),
            },
        })
        .collect();

    let mut code = super::EXIT_OK;
    for o in &outcomes {
        let c = match o {
            Outcome::Unreadable { .. } => super::EXIT_USAGE,
            Outcome::Report(r) if r.findings.iter().any(|f| f.id == "DD107") => super::EXIT_USAGE,
            Outcome::Report(r) if r.findings.iter().any(|f| f.severity == Severity::Error) => {
                super::EXIT_FINDINGS
            }
            Outcome::Report(_) => super::EXIT_OK,
        };
        code = code.max(c);
    }

    if args.json {
        let binaries: Vec<serde_json::Value> = outcomes
            .iter()
            .map(|o| match o {
                Outcome::Report(r) => serde_json::to_value(r).unwrap_or_default(),
                Outcome::Unreadable { path, error } => {
                    serde_json::json!({"path": path, "error": error})
                }
            })
            .collect();
        super::print_json(&serde_json::json!({
            "schema_version": debugdoctor::report::SCHEMA_VERSION,
            "binaries": binaries,
        }));
        return code;
    }

    let mut first = true;
    for o in &outcomes {
        match o {
            Outcome::Unreadable { error, .. } => eprintln!("debugdoctor: {error}"),
            Outcome::Report(r) => {
                if !first {
                    println!();
                }
                first = false;
                print!("{}", render(r, ctx));
            }
        }
    }
    code
}

/// The human form of one report (also used by snapshot tests through the binary).
fn render(r: &BinaryReport, ctx: &Context) -> String {
    let s = &ctx.style;
    let mut out = format!("{}  {}\n", s.bold(&r.path), r.headline());
    for f in &r.findings {
        out.push_str(&s.finding(f));
    }
    if r.findings.is_empty() {
        out.push_str(&format!(
            "{}\n",
            s.good("no findings: breakpoints should bind and variables be readable")
        ));
    }
    match &r.main_main {
        Some(m) => out.push_str(&format!(
            "main.main → {}:{} ({}, {})\n",
            m.file,
            m.line,
            m.pc,
            if m.after_prologue {
                "after prologue"
            } else {
                "first statement"
            }
        )),
        None if r.go_version.is_some() && r.dwarf.present => out.push_str(
            "main.main → not found in DWARF (no main package: a library or test binary?)\n",
        ),
        None => {}
    }
    out
}
