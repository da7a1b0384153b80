//! `debugdoctor where BINARY SPEC...`: where each breakpoint binds, exactly as Delve binds
//! it, or why it cannot.

use std::path::PathBuf;

use debugdoctor::resolve::{Location, Resolver};
use debugdoctor::target::OpenOptions;
use debugdoctor::Target;

use super::Context;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The Go binary.
    #[arg(value_name = "BINARY")]
    pub binary: PathBuf,
    /// Locations in Delve's syntax: FUNC (main.main, pkg.(*T).M, pkg.F[...], a unique
    /// partial name), FILE:LINE, FUNC:LINE, *ADDRESS, /regex/.
    #[arg(value_name = "SPEC")]
    pub specs: Vec<String>,
    /// Read more specs from FILE, one per line (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,
    /// List every line of FILE where a breakpoint can bind, as ranges.
    #[arg(long, value_name = "FILE")]
    pub breakable: Option<String>,
    /// Print one JSON document (schema_version 1) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also search DIR for separate debug files (laid out like /usr/lib/debug). Repeatable.
    #[arg(long, value_name = "DIR")]
    pub debug_dir: Vec<PathBuf>,
}

pub fn run(args: Args, ctx: &Context) -> u8 {
    let t = match Target::open_with(
        &args.binary,
        OpenOptions {
            debug_dirs: args.debug_dir.clone(),
        },
    ) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("debugdoctor: {e}");
            return super::EXIT_USAGE;
        }
    };
    if !t.is_go() {
        eprintln!(
            "debugdoctor: {}: not a Go binary (no build info, no pclntab)",
            args.binary.display()
        );
        return super::EXIT_USAGE;
    }
    let mut specs = args.specs.clone();
    if let Some(f) = &args.from_file {
        let text = if f.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin())
        } else {
            std::fs::read_to_string(f)
        };
        match text {
            Ok(t) => specs.extend(
                t.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_string),
            ),
            Err(e) => {
                eprintln!("debugdoctor: {}: {e}", f.display());
                return super::EXIT_USAGE;
            }
        }
    }
    if specs.is_empty() && args.breakable.is_none() {
        eprintln!("debugdoctor: where needs at least one SPEC, --from-file or --breakable");
        return super::EXIT_USAGE;
    }
    let resolver = Resolver::new(&t);
    let pie = t.image().is_pie();

    if let Some(file) = &args.breakable {
        return breakable(&resolver, file, args.json, ctx);
    }

    let locations: Vec<Location> = specs.iter().map(|s| resolver.resolve(s)).collect();
    let code = if locations.iter().all(|l| l.bound) {
        super::EXIT_OK
    } else {
        super::EXIT_FINDINGS
    };
    if args.json {
        super::print_json(&serde_json::json!({
            "schema_version": debugdoctor::report::SCHEMA_VERSION,
            "binary": args.binary.display().to_string(),
            "pie_unrelocated": pie,
            "locations": locations,
        }));
        return code;
    }
    let s = &ctx.style;
    let width = locations
        .iter()
        .map(|l| l.spec.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    let pad = " ".repeat(width + 2 + 12);
    for l in &locations {
        let status = if l.bound {
            s.good("bound     ")
        } else {
            s.bad("NOT BOUND ")
        };
        let mut first = true;
        let lead = |first: bool| {
            if first {
                format!("{:<width$}  {status}  ", l.spec)
            } else {
                pad.clone()
            }
        };
        for a in &l.addresses {
            let inl = match &a.inlined_from {
                Some(from) => format!("  (inlined {from})"),
                None => String::new(),
            };
            let place = if a.file.is_empty() {
                "no line information".to_string()
            } else {
                format!("{}:{}", a.file, a.line)
            };
            println!("{}{}  {}  {place}{inl}", lead(first), a.pc, a.function);
            first = false;
        }
        if let Some(r) = &l.reason {
            println!("{}{} {}", lead(first), s.bold(r.id), r.message);
            first = false;
        }
        for w in &l.warnings {
            println!("{}{} {}", lead(first), s.dim(w.id), w.message);
            first = false;
        }
        if first {
            println!("{}", lead(true));
        }
    }
    if pie {
        println!(
            "{}",
            s.dim("(PIE: addresses are the binary's own, before relocation at run time)")
        );
    }
    code
}

fn breakable(resolver: &Resolver, file: &str, json: bool, ctx: &Context) -> u8 {
    match resolver.breakable(file) {
        Ok((path, lines)) => {
            if json {
                super::print_json(&serde_json::json!({
                    "schema_version": debugdoctor::report::SCHEMA_VERSION,
                    "file": path,
                    "lines": lines,
                }));
            } else {
                println!(
                    "{}: {} lines with a statement: {}",
                    ctx.style.bold(&path),
                    lines.len(),
                    debugdoctor::resolve::ranges(&lines)
                );
            }
            super::EXIT_OK
        }
        Err(loc) => {
            if json {
                super::print_json(&serde_json::json!({
                    "schema_version": debugdoctor::report::SCHEMA_VERSION,
                    "file": null,
                    "error": loc,
                }));
            } else if let Some(r) = &loc.reason {
                println!("{file}  {} {}", ctx.style.bold(r.id), r.message);
            }
            super::EXIT_FINDINGS
        }
    }
}
