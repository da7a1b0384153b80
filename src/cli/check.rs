//! `debugdoctor check PATH...`: diagnose the debuggability of Go binaries, many at once
//! (directories are walked), in parallel, with CI gates: `--fail-on`, `--select` /
//! `--ignore`, SARIF output, `debugdoctor.toml` defaults and baselines with drift.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use rayon::prelude::*;

use debugdoctor::baseline::{self, Baseline, BuildFacts};
use debugdoctor::checks::not_go_binary;
use debugdoctor::config;
use debugdoctor::diagnostic::{Finding, Severity};
use debugdoctor::registry::{self, RuleSet};
use debugdoctor::report::binary::BinaryReport;
use debugdoctor::report::sarif;
use debugdoctor::target::OpenOptions;
use debugdoctor::toolchain::binding_rules::{self, BindingRules};
use debugdoctor::Target;

use super::{out, outln, Context};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    /// The lowest severity that fails the run; None for `never`.
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Go binaries, or directories to search for them recursively (files that are not Go
    /// executables are skipped quietly there; named explicitly they are errors).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format [default: human, or `format` in debugdoctor.toml].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Same as `--format json`: one JSON document (schema_version 1).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Exit with code 1 when a finding has this severity or a higher one [default: error].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Report only these finding IDs or ID prefixes (`DD2`, `DD101`). Comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub select: Vec<String>,
    /// Do not report these finding IDs or ID prefixes. Comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub ignore: Vec<String>,
    /// Binaries read in parallel [default: one per CPU].
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Report only findings not in this baseline, plus drift from it (DD801–DD804).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the findings and build facts of every binary in FILE (then exit 0 unless an
    /// input is unreadable: the current state is accepted).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Read settings from this file instead of the nearest debugdoctor.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not read any debugdoctor.toml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Also search DIR for separate debug files (laid out like /usr/lib/debug). Repeatable.
    #[arg(long, value_name = "DIR")]
    pub debug_dir: Vec<PathBuf>,
    /// Also run each linux/amd64 binary under ptrace to main.main (10 s limit) and report
    /// DD601 main-not-reached / DD602 ptrace-denied.
    #[arg(long)]
    pub probe: bool,
    /// Answer `break main.main` as this Delve does where versions differ: a version
    /// (`1.20.2`, `newest`), the path of a dlv, or `auto` [default: auto, the dlv on PATH;
    /// the newest Delve's rules when there is none]. The same choice as `where --delve`.
    #[arg(long, value_name = "PATH|VERSION")]
    pub delve: Option<String>,
}

/// Settings after merging debugdoctor.toml and the command line (the command line wins).
struct Settings {
    format: Format,
    fail_on: FailOn,
    select: RuleSet,
    ignore: RuleSet,
    jobs: usize,
    baseline: Option<PathBuf>,
    debug_dirs: Vec<PathBuf>,
    /// Whose rules answer `break main.main`.
    delve: BindingRules,
}

fn settings(args: &Args) -> Result<Settings, String> {
    let cfg = if args.no_config {
        config::Config::default()
    } else {
        config::load(args.config.as_deref())?
    };
    let c = cfg.check;
    let at = |what: &str| match &cfg.path {
        Some(p) => format!("{} ({})", what, p.display()),
        None => what.to_string(),
    };
    let format = match (args.json, args.format, &c.format) {
        (true, _, _) => Format::Json,
        (false, Some(f), _) => f,
        (false, None, Some(s)) => Format::from_str(s, true)
            .map_err(|_| at(&format!("format = {s:?}: expected human, json or sarif")))?,
        (false, None, None) => Format::Human,
    };
    let fail_on = match (args.fail_on, &c.fail_on) {
        (Some(f), _) => f,
        (None, Some(s)) => FailOn::from_str(s, true).map_err(|_| {
            at(&format!(
                "fail-on = {s:?}: expected error, warning, info or never"
            ))
        })?,
        (None, None) => FailOn::Error,
    };
    let pick = |cli: &[String], cfg: &Option<Vec<String>>| -> Vec<String> {
        if cli.is_empty() {
            cfg.clone().unwrap_or_default()
        } else {
            cli.to_vec()
        }
    };
    let select = RuleSet::parse(&pick(&args.select, &c.select)).map_err(|e| at(&e))?;
    let ignore = RuleSet::parse(&pick(&args.ignore, &c.ignore)).map_err(|e| at(&e))?;
    let mut debug_dirs = args.debug_dir.clone();
    if debug_dirs.is_empty() {
        debug_dirs = c.debug_dir.unwrap_or_default();
    }
    Ok(Settings {
        format,
        fail_on,
        select,
        ignore,
        jobs: args.jobs.or(c.jobs).unwrap_or(0),
        baseline: args.baseline.clone().or(c.baseline),
        debug_dirs,
        delve: binding_rules::select(args.delve.as_deref())?,
    })
}

fn selected(f: &Finding, s: &Settings) -> bool {
    (s.select.is_empty() || s.select.contains(f.id)) && !s.ignore.contains(f.id)
}

/// One input: named on the command line, or found by walking a directory.
#[derive(Clone, Debug)]
struct Input {
    path: PathBuf,
    explicit: bool,
}

/// Files to check: explicit files as given, directories walked; sorted by path so that
/// the output order does not depend on the file system or on `-j`.
fn collect_inputs(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out);
        } else {
            out.push(Input {
                path: p.clone(),
                explicit: true,
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(b.explicit.cmp(&a.explicit)));
    // The same file named twice (or named and found in a walked directory) is checked
    // once; explicit wins so that its errors are still reported.
    out.dedup_by(|later, first| later.path == first.path);
    out
}

fn walk(dir: &Path, out: &mut Vec<Input>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        // Symlinked directories are not followed: a link to `..` would loop forever.
        if ft.is_dir() {
            walk(&path, out);
        } else if (ft.is_file() || (ft.is_symlink() && path.is_file())) && executable_magic(&path) {
            out.push(Input {
                path,
                explicit: false,
            });
        }
    }
}

/// Only files with an executable's magic are worth opening while walking; checked with a
/// 4-byte read: a build directory can hold large archives and images.
fn executable_magic(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| debugdoctor::binary::has_executable_magic(&head))
}

/// One input's outcome.
enum Outcome {
    Report {
        report: Box<BinaryReport>,
        facts: Option<Box<BuildFacts>>,
        explicit: bool,
    },
    Unreadable {
        path: String,
        error: String,
    },
    /// Found by walking but not a Go binary, or not readable: left out quietly.
    Skipped,
}

fn analyse(
    input: &Input,
    options: &OpenOptions,
    want_facts: bool,
    probe: bool,
    rules: &BindingRules,
) -> Outcome {
    match Target::open_with(&input.path, options.clone()) {
        Ok(t) => {
            let mut findings = registry::check(&t);
            if probe && t.is_go() && t.goos() == "linux" && t.goarch() == "amd64" {
                findings.extend(debugdoctor::probe::probe_main(
                    &t,
                    std::time::Duration::from_secs(10),
                ));
            }
            if !input.explicit && (!looks_go(&t) || is_debug_only(&t)) {
                return Outcome::Skipped;
            }
            let facts = want_facts.then(|| Box::new(BuildFacts::of(&t)));
            Outcome::Report {
                report: Box::new(BinaryReport::new(&t, findings, rules)),
                facts,
                explicit: input.explicit,
            }
        }
        Err(_) if !input.explicit => Outcome::Skipped,
        Err(e) => Outcome::Unreadable {
            path: input.path.display().to_string(),
            error: e.to_string(),
        },
    }
}

/// Go build info, a pclntab, or Go compile units in DWARF: any one is enough to be worth
/// reporting when found by walking (the DWARF test keeps a Go binary whose runtime
/// tables are damaged in the report, where DD107 says so).
fn looks_go(t: &Target) -> bool {
    t.is_go() || t.dwarf().is_some_and(|d| d.go_units().next().is_some())
}

/// A separate debug file (`objcopy --only-keep-debug`): its code sections are NOBITS,
/// so it is not a program to diagnose but the DWARF of one found next to it.
fn is_debug_only(t: &Target) -> bool {
    let img = t.image();
    img.format().as_str() == "ELF" && img.section(".text").is_none_or(|s| s.file_range.is_none())
}

/// JSON asked for on the command line (settings may not be readable yet).
fn wants_json(args: &Args) -> bool {
    args.json || matches!(args.format, Some(Format::Json))
}

pub fn run(args: Args, ctx: &Context) -> u8 {
    let (s, base) = match settings(&args).and_then(|s| read_baseline(&args, &s).map(|b| (s, b))) {
        Ok(x) => x,
        Err(e) => return super::fail(wants_json(&args), super::EXIT_USAGE, e),
    };
    let outcomes = analyse_all(&args, &s, base.is_some() || args.write_baseline.is_some());
    let mut run = apply_baselines(outcomes, &args, &s, base.as_ref());
    report_empty_dirs(&args.paths, &mut run);
    if let Err(e) = gate(&args, &s, &mut run) {
        return super::fail(s.format == Format::Json, super::EXIT_USAGE, e);
    }
    let base_path = base.as_ref().map(|(_, p)| p.as_path());
    match s.format {
        Format::Json => print_json(&run.shown, base_path, run.suppressed),
        Format::Sarif => print_sarif(&run.shown),
        Format::Human => print_human(
            &run.shown,
            ctx,
            base_path,
            run.suppressed,
            !s.select.is_empty() || !s.ignore.is_empty(),
        ),
    }
    run.code
}

/// The baseline to compare with, if any. A baseline named only in debugdoctor.toml may
/// not exist yet when this very run is the one that writes it.
fn read_baseline(args: &Args, s: &Settings) -> Result<Option<(Baseline, PathBuf)>, String> {
    let from_config_missing = args.baseline.is_none()
        && args.write_baseline.is_some()
        && s.baseline.as_deref().is_some_and(|p| !p.exists());
    match &s.baseline {
        Some(_) if from_config_missing => Ok(None),
        Some(p) => Baseline::read(p).map(|b| Some((b, p.clone()))),
        None => Ok(None),
    }
}

/// Every input analysed in parallel (`-j`), in input order whatever the thread count.
fn analyse_all(args: &Args, s: &Settings, want_facts: bool) -> Vec<Outcome> {
    let options = OpenOptions {
        debug_dirs: s.debug_dirs.clone(),
    };
    let inputs = collect_inputs(&args.paths);
    let progress = progress_bar(s.format, inputs.len());
    let analyse_one = |i: &Input| {
        let o = analyse(i, &options, want_facts, args.probe, &s.delve);
        if let Some(p) = &progress {
            p.inc(1);
        }
        o
    };
    // collect() on an indexed parallel iterator keeps input order, so the output is the
    // same for every -j.
    let outcomes = match rayon::ThreadPoolBuilder::new().num_threads(s.jobs).build() {
        Ok(pool) => pool.install(|| inputs.par_iter().map(analyse_one).collect()),
        Err(_) => inputs.iter().map(analyse_one).collect(),
    };
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    outcomes
}

/// What a run shows, and what it has decided so far.
struct Run {
    shown: Vec<Outcome>,
    code: u8,
    /// Findings the baseline already had.
    suppressed: usize,
    /// The baseline `--write-baseline` writes.
    new_baseline: Baseline,
}

/// Filters every report by `--select`/`--ignore`, records it for `--write-baseline`,
/// and compares it with `--baseline` (dropping known findings, adding drift).
fn apply_baselines(
    outcomes: Vec<Outcome>,
    args: &Args,
    s: &Settings,
    base: Option<&(Baseline, PathBuf)>,
) -> Run {
    let mut run = Run {
        shown: Vec::new(),
        code: super::EXIT_OK,
        suppressed: 0,
        new_baseline: Baseline::default(),
    };
    let write_dir = args.write_baseline.as_deref().map(parent_dir);
    let read_dir = base.map(|(_, p)| parent_dir(p));
    for o in outcomes {
        let (mut report, facts, explicit) = match o {
            Outcome::Skipped => continue,
            Outcome::Unreadable { .. } => {
                run.code = run.code.max(super::EXIT_USAGE);
                run.shown.push(o);
                continue;
            }
            Outcome::Report {
                report,
                facts,
                explicit,
            } => (report, facts, explicit),
        };
        // Exit 2 for a named input that is not Go, as before; one found by walking is
        // only reported (and only when it looks like Go at all).
        if explicit && report.findings.iter().any(|f| f.is(&not_go_binary::RULE)) {
            run.code = run.code.max(super::EXIT_USAGE);
        }
        let mut findings: Vec<Finding> = std::mem::take(&mut report.findings)
            .into_iter()
            .filter(|f| selected(f, s))
            .collect();
        if let (Some(facts), Some(dir)) = (&facts, &write_dir) {
            let key = baseline::binary_key(Path::new(&report.path), dir);
            run.new_baseline.insert(key, (**facts).clone(), &findings);
        }
        if let (Some(facts), Some((b, _)), Some(dir)) = (&facts, base, &read_dir) {
            let key = baseline::binary_key(Path::new(&report.path), dir);
            let (kept, n) = b.compare(&key, facts, findings);
            run.suppressed += n;
            // Drift findings obey --select/--ignore like any other.
            findings = kept.into_iter().filter(|f| selected(f, s)).collect();
        }
        report.findings = findings;
        run.shown.push(Outcome::Report {
            report,
            facts: None,
            explicit,
        });
    }
    run
}

/// A directory with no Go binary in it is an error: in CI it usually means the build
/// wrote elsewhere, and a gate that checks nothing must not pass. It is an outcome, not
/// only a stderr line: --json and SARIF consumers must see why the run failed.
fn report_empty_dirs(paths: &[PathBuf], run: &mut Run) {
    for dir in paths.iter().filter(|p| p.is_dir()) {
        let found = run.shown.iter().any(|o| match o {
            Outcome::Report { report, .. } => Path::new(&report.path).starts_with(dir),
            _ => false,
        });
        if !found {
            run.shown.push(Outcome::Unreadable {
                path: dir.display().to_string(),
                error: format!("{}: no Go binaries found", dir.display()),
            });
            run.code = run.code.max(super::EXIT_USAGE);
        }
    }
}

/// Writes the new baseline (which accepts the current state), or applies `--fail-on`.
fn gate(args: &Args, s: &Settings, run: &mut Run) -> Result<(), String> {
    if let Some(path) = &args.write_baseline {
        run.new_baseline.write(path)?;
        eprintln!(
            "debugdoctor: wrote baseline {} ({} binaries)",
            path.display(),
            run.new_baseline.binaries.len()
        );
    } else if let Some(threshold) = s.fail_on.threshold() {
        let failing = run.shown.iter().any(|o| match o {
            Outcome::Report { report, .. } => {
                report.findings.iter().any(|f| f.severity >= threshold)
            }
            _ => false,
        });
        if failing {
            run.code = run.code.max(super::EXIT_FINDINGS);
        }
    }
    Ok(())
}

/// The directory a baseline file lives in (keys are relative to it).
fn parent_dir(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A progress bar on stderr, only for human output to a terminal and more than one input
/// (machine formats go to files and logs, where a bar is noise).
fn progress_bar(format: Format, len: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if format != Format::Human || len < 2 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} binaries") {
        bar.set_style(style);
    }
    Some(bar)
}

fn print_json(shown: &[Outcome], baseline: Option<&Path>, suppressed: usize) {
    let binaries: Vec<serde_json::Value> = shown
        .iter()
        .filter_map(|o| match o {
            Outcome::Report { report, .. } => {
                Some(serde_json::to_value(report).unwrap_or_default())
            }
            Outcome::Unreadable { path, error } => {
                Some(serde_json::json!({"path": path, "error": error}))
            }
            Outcome::Skipped => None,
        })
        .collect();
    let mut doc = serde_json::json!({
        "schema_version": debugdoctor::report::SCHEMA_VERSION,
        "binaries": binaries,
    });
    if let Some(b) = baseline {
        doc["baseline"] =
            serde_json::json!({"file": b.display().to_string(), "suppressed": suppressed});
    }
    super::print_json(&doc);
}

fn print_sarif(shown: &[Outcome]) {
    let artifacts: Vec<sarif::Artifact<'_>> = shown
        .iter()
        .filter_map(|o| match o {
            Outcome::Report { report, .. } => Some(sarif::Artifact::Report {
                path: &report.path,
                findings: &report.findings,
            }),
            Outcome::Unreadable { path, error } => {
                Some(sarif::Artifact::Unreadable { path, error })
            }
            Outcome::Skipped => None,
        })
        .collect();
    let cwd = std::env::current_dir().unwrap_or_default();
    super::print_json(&sarif::log(&artifacts, registry::RULES, &cwd));
}

fn print_human(
    shown: &[Outcome],
    ctx: &Context,
    baseline: Option<&Path>,
    suppressed: usize,
    filtered: bool,
) {
    let mut first = true;
    let mut reports = 0usize;
    let mut counts = [0usize; 3];
    for o in shown {
        match o {
            Outcome::Unreadable { error, .. } => eprintln!("debugdoctor: {error}"),
            Outcome::Report { report, .. } => {
                if !first {
                    outln!();
                }
                first = false;
                reports += 1;
                for f in &report.findings {
                    counts[f.severity as usize] += 1;
                }
                out!("{}", render(report, ctx, baseline.is_some(), filtered));
            }
            Outcome::Skipped => {}
        }
    }
    if reports > 1 || baseline.is_some() {
        let mut line = format!(
            "\n{}: {}, {}, {} info",
            plural(reports, "binary", "binaries"),
            plural(counts[Severity::Error as usize], "error", "errors"),
            plural(counts[Severity::Warning as usize], "warning", "warnings"),
            counts[Severity::Info as usize]
        );
        if let Some(b) = baseline {
            line.push_str(&format!(
                "; {} already in baseline {} not shown",
                plural(suppressed, "finding", "findings"),
                b.display()
            ));
        }
        outln!("{line}");
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The human form of one report (also used by snapshot tests through the binary).
fn render(r: &BinaryReport, ctx: &Context, with_baseline: bool, filtered: bool) -> String {
    let s = &ctx.style;
    let mut out = format!("{}  {}\n", s.bold(&r.path), r.headline());
    for f in &r.findings {
        out.push_str(&s.finding(f));
    }
    if r.findings.is_empty() {
        // With --select/--ignore an empty list says nothing about the binary as a whole:
        // `--ignore DD2` on an optimised build must not read "breakpoints should bind".
        let text = if with_baseline {
            "no new findings and no drift since the baseline"
        } else if filtered {
            "no selected findings (--select/--ignore hide the others)"
        } else {
            "no findings: breakpoints should bind and variables be readable"
        };
        out.push_str(&format!("{}\n", s.good(text)));
    }
    match &r.main_main {
        Some(m) if m.from == "pclntab" => out.push_str(&format!(
            "main.main → {}:{} ({}, function entry, from the pclntab: no DWARF)\n",
            m.file, m.line, m.pc,
        )),
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
        None if r.main_main_unbound.is_some() => out.push_str(&format!(
            "main.main → not bound: {}\n",
            r.main_main_unbound.as_deref().unwrap_or("")
        )),
        None if r.go_version.is_some() && r.dwarf.present => out.push_str(
            "main.main → not found in DWARF (no main package: a library or test binary?)\n",
        ),
        None => {}
    }
    if let Some(newest) = &r.main_main_newest {
        out.push_str(&format!("        ({newest})\n"));
    }
    out
}
