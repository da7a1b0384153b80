//! `debugdoctor env [BINARY]`: is this machine able to debug this binary?

use std::path::PathBuf;

use debugdoctor::diagnostic::Severity;
use debugdoctor::toolchain::{EnvOptions, Environment};
use debugdoctor::Target;

use super::{out, outln, Context};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The Go binary to debug (optional: without it, only the machine is checked).
    #[arg(value_name = "BINARY")]
    pub binary: Option<PathBuf>,
    /// The dlv to check (default: go.alternateTools in .vscode/settings.json, then PATH).
    #[arg(long, value_name = "PATH")]
    pub dlv: Option<PathBuf>,
    /// The go command to ask (default: go.alternateTools, then PATH).
    #[arg(long, value_name = "PATH")]
    pub go: Option<PathBuf>,
    /// Folder whose .vscode/settings.json is read.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
    /// Print one JSON document (schema_version 1) instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> u8 {
    let target = match open_binary(&args) {
        Ok(t) => t,
        Err(e) => return super::fail(args.json, super::EXIT_USAGE, e),
    };
    let env = Environment::detect(&EnvOptions {
        go: args.go.clone(),
        dlv: args.dlv.clone(),
        workspace: Some(args.workspace.clone()),
        alternate_tools: None,
        quick: false,
    });
    let findings = env.findings(target.as_ref());
    let code = if findings.iter().any(|f| f.severity == Severity::Error) {
        super::EXIT_FINDINGS
    } else {
        super::EXIT_OK
    };
    if args.json {
        super::print_json(&serde_json::json!({
            "schema_version": debugdoctor::report::SCHEMA_VERSION,
            "binary": args.binary.as_ref().map(|p| p.display().to_string()),
            "binary_go_version": target.as_ref().and_then(|t| t.go_version()),
            "environment": env,
            "findings": findings,
        }));
        return code;
    }
    print_tools(&env, target.as_ref(), ctx);
    for f in &findings {
        out!("{}", ctx.style.finding(f));
    }
    code
}

/// The binary to check against this machine (it must be Go), after `--dlv` is checked to
/// exist.
fn open_binary(args: &Args) -> Result<Option<Target>, String> {
    let target = match &args.binary {
        Some(p) => match Target::open(p) {
            Ok(t) if t.is_go() => Some(t),
            Ok(_) => return Err(format!("{}: not a Go binary", p.display())),
            Err(e) => return Err(e.to_string()),
        },
        None => None,
    };
    if let Some(d) = &args.dlv {
        if !d.exists() {
            return Err(format!("--dlv {}: no such file", d.display()));
        }
    }
    Ok(target)
}

/// One line per tool (go, dlv, gdb), ptrace, and the binary.
fn print_tools(env: &Environment, target: Option<&Target>, ctx: &Context) {
    let s = &ctx.style;
    match &env.go {
        Some(g) => outln!(
            "{}      {}  {}  GOROOT={}  GOFLAGS={:?}",
            s.bold("go"),
            g.version.as_deref().unwrap_or("?"),
            g.path,
            g.goroot.as_deref().unwrap_or("?"),
            g.goflags.as_deref().unwrap_or("")
        ),
        None => outln!("{}      not found", s.bold("go")),
    }
    match &env.dlv {
        Some(d) => outln!(
            "{}     {}  {}  built with {}  ({})",
            s.bold("dlv"),
            d.version.as_deref().unwrap_or("?"),
            d.path,
            d.built_with.as_deref().unwrap_or("unknown Go"),
            d.source
        ),
        None => outln!(
            "{}     {}",
            s.bold("dlv"),
            env.dlv_error.as_deref().unwrap_or("not found")
        ),
    }
    match &env.gdb {
        Some(g) => outln!(
            "{}     {}",
            s.bold("gdb"),
            g.version.as_deref().unwrap_or("?")
        ),
        None => outln!("{}     not found", s.bold("gdb")),
    }
    let p = &env.ptrace;
    let verdict = match (p.can_launch, p.can_attach) {
        (true, true) => "allowed (launch and attach)",
        (true, false) => "launch allowed, attach restricted",
        _ => "blocked",
    };
    outln!(
        "{}  {verdict}{}{}",
        s.bold("ptrace"),
        p.notes
            .first()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default(),
        p.container
            .as_deref()
            .map(|c| format!("; in {c}"))
            .unwrap_or_default()
    );
    if let Some(t) = target {
        outln!(
            "{}  {} {}/{}",
            s.bold("binary"),
            t.go_version().unwrap_or_default(),
            t.goos(),
            t.goarch()
        );
    }
}
