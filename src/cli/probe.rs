//! `debugdoctor probe BINARY --break SPEC... [-- ARGS]`: run the program under ptrace and
//! report whether each breakpoint is really hit.

use std::path::PathBuf;
use std::time::Duration;

use debugdoctor::probe::{ProbeError, ProbeOptions, ProbeReport};
use debugdoctor::Target;

use super::{outln, Context};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The Go binary to run (linux/amd64).
    #[arg(value_name = "BINARY")]
    pub binary: PathBuf,
    /// A location in `where`'s syntax. Repeatable; default main.main.
    #[arg(long = "break", short = 'b', value_name = "SPEC")]
    pub breaks: Vec<String>,
    /// Give up (and kill the program) after this long: 500ms, 5s, 1m.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Stop once every breakpoint was hit this many times.
    #[arg(long, default_value_t = 1)]
    pub count: u32,
    /// Drop the program's stdout and stderr.
    #[arg(long)]
    pub quiet: bool,
    /// Let the program read stdin (else it reads /dev/null).
    #[arg(long)]
    pub stdin: bool,
    /// Working directory of the program.
    #[arg(long, value_name = "DIR")]
    pub cwd: Option<PathBuf>,
    /// Print one JSON document (schema_version 1) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Arguments for the program, after `--`.
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map(|i| s.split_at(i))
        .unwrap_or((s, "s"));
    let n: f64 = num.parse().map_err(|_| format!("bad duration {s:?}"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" | "" => n,
        "m" => n * 60.0,
        _ => return Err(format!("bad duration unit in {s:?} (ms, s, m)")),
    };
    if !(0.0..=86_400.0).contains(&secs) {
        return Err(format!("duration {s:?} out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

pub fn run(args: Args, ctx: &Context) -> u8 {
    let t = match Target::open(&args.binary) {
        Ok(t) => t,
        Err(e) => return super::fail(args.json, super::EXIT_USAGE, e),
    };
    if !t.is_go() {
        return super::fail(
            args.json,
            super::EXIT_USAGE,
            format!(
                "{}: not a Go binary (no build info, no pclntab)",
                args.binary.display()
            ),
        );
    }
    let specs = if args.breaks.is_empty() {
        vec!["main.main".to_string()]
    } else {
        args.breaks.clone()
    };
    let opts = ProbeOptions {
        args: args.args.clone(),
        cwd: args.cwd.clone(),
        timeout: args.timeout,
        count: args.count.max(1),
        quiet: args.quiet || args.json,
        stdin: args.stdin,
    };
    let report = match debugdoctor::probe::probe(&t, &specs, &opts) {
        Ok(r) => r,
        Err(ProbeError::Denied(m)) => {
            return super::fail(
                args.json,
                super::EXIT_NO_PTRACE,
                format!("cannot trace {}: {m}", args.binary.display()),
            )
        }
        Err(ProbeError::Usage(m)) => return super::fail(args.json, super::EXIT_USAGE, m),
        Err(ProbeError::Failed(m)) => {
            return super::fail(args.json, super::EXIT_USAGE, format!("probe failed: {m}"))
        }
    };
    let code = if report.all_hit() {
        super::EXIT_OK
    } else {
        super::EXIT_FINDINGS
    };
    if args.json {
        super::print_json(&serde_json::json!({
            "schema_version": debugdoctor::report::SCHEMA_VERSION,
            "probe": report,
        }));
    } else {
        print_human(&report, ctx);
    }
    code
}

/// One line per breakpoint: HIT (when, thread, PC, file:line), not hit or NOT BOUND
/// with the reason.
fn print_human(report: &ProbeReport, ctx: &Context) {
    let s = &ctx.style;
    let width = report
        .breakpoints
        .iter()
        .map(|b| b.spec.chars().count())
        .max()
        .unwrap_or(0);
    for b in &report.breakpoints {
        match b.status {
            "hit" => {
                let place = match (&b.file, b.line) {
                    (Some(f), Some(l)) => format!("  {f}:{l}"),
                    _ => String::new(),
                };
                let times = if b.hits > 1 {
                    format!(" ({} times)", b.hits)
                } else {
                    String::new()
                };
                outln!(
                    "{:<width$}  {}  after {} ms  thread {}  pc {:#x}{place}{times}",
                    b.spec,
                    s.good("HIT"),
                    b.first_hit_ms.unwrap_or(0),
                    b.thread.unwrap_or(0),
                    b.pc.unwrap_or(0),
                );
            }
            _ => outln!(
                "{:<width$}  {}  {}",
                b.spec,
                s.bad(if b.status == "not-bound" {
                    "NOT BOUND"
                } else {
                    "not hit"
                }),
                b.reason.as_deref().unwrap_or("")
            ),
        }
    }
    if report.load_base != 0 {
        outln!(
            "{}",
            s.dim(&format!("(PIE loaded at {:#x})", report.load_base))
        );
    }
}
