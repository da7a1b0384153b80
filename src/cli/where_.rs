//! `debugdoctor where`: where breakpoints bind, as Delve would place them, and why not.

use std::path::{Path, PathBuf};

fn json(v: &impl serde::Serialize) {
    match serde_json::to_string_pretty(v) {
        Ok(s) => super::outln!("{s}"),
        Err(e) => eprintln!("debugdoctor: cannot render JSON: {e}"),
    }
}

use super::Context;
use debugdoctor::paths::substitute::DelveRule;
use debugdoctor::resolve::{DelveRules, Resolution, Resolver};
use debugdoctor::target::OpenOptions;
use debugdoctor::toolchain::binding_rules;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The Go binary.
    pub binary: PathBuf,
    /// Location specs: FUNC, pkg.(*T).M, FILE:LINE, FUNC:LINE, *ADDR, /regex/.
    pub specs: Vec<String>,
    /// Read more specs from a file, one a line.
    #[arg(long)]
    pub from_file: Option<PathBuf>,
    /// List every bindable line of FILE (as ranges).
    #[arg(long, value_name = "FILE")]
    pub breakable: Option<String>,
    /// JSON output (schema_version 1).
    #[arg(long)]
    pub json: bool,
    /// Bind as this Delve does where versions differ: a version (`1.20.2`, `newest`), the
    /// path of a dlv (its `dlv version` is read), or `auto` [default: auto, the dlv on PATH
    /// as `env` finds it; the newest Delve's rules when there is none].
    #[arg(long, value_name = "PATH|VERSION")]
    pub delve: Option<String>,
    /// Also search DIR for separate debug files (laid out like /usr/lib/debug). Repeatable.
    #[arg(long, value_name = "DIR")]
    pub debug_dir: Vec<PathBuf>,
    /// A launch.json substitutePath rule (FROM = the editor's path, TO = the binary's):
    /// FILE:LINE specs are translated with it exactly as Delve's dap server does before
    /// they are bound. Repeatable; the first matching rule wins.
    #[arg(long, value_name = "FROM=TO")]
    pub substitute_path: Vec<String>,
    /// Take substitutePath from this launch.json (or .code-workspace) configuration.
    #[arg(long, value_name = "FILE")]
    pub launch: Option<PathBuf>,
    /// The configuration of --launch [default: the only or first Go configuration].
    #[arg(long, value_name = "NAME", requires = "launch")]
    pub config: Option<String>,
}

/// The substitutePath rules of `--substitute-path` and `--launch`/`--config`, in order.
fn substitute_rules(args: &Args) -> Result<Vec<DelveRule>, String> {
    let mut rules = Vec::new();
    for r in &args.substitute_path {
        let (from, to) = r
            .split_once('=')
            .ok_or_else(|| format!("--substitute-path {r}: expected FROM=TO"))?;
        rules.push(DelveRule {
            from: from.to_string(),
            to: to.to_string(),
        });
    }
    if let Some(file) = &args.launch {
        if !file.is_file() {
            return Err(format!("--launch {}: no such file", file.display()));
        }
        let ws = debugdoctor::vscode::lint::effective_workspace(
            &debugdoctor::vscode::load(file).map_err(|e| e.to_string())?,
            &Default::default(),
        );
        let cw = debugdoctor::doctor::session::code_workspace(file);
        let settings = debugdoctor::doctor::session::Settings::read(&ws, cw.as_ref())
            .map_err(|e| e.to_string())?;
        let s =
            debugdoctor::doctor::session::pick(file, &ws, args.config.as_deref(), None, &settings)?;
        rules.extend(s.substitute_path);
    }
    Ok(rules)
}

#[derive(serde::Serialize)]
struct Doc<'a> {
    schema_version: u32,
    /// Whose rules were applied where Delve versions differ (`1.20`, `1.27`).
    delve_rules: DelveRules,
    /// Why those rules: `--delve 1.20.2`, `dlv on PATH: /usr/bin/dlv (1.20.2)`, or
    /// `newest (no dlv on PATH)`.
    delve_rules_from: &'a str,
    /// The substitutePath rules applied (from = editor path, to = binary path).
    substitute_path: &'a [DelveRule],
    locations: &'a [Resolution],
}

fn ranges(lines: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let mut j = i;
        while j + 1 < lines.len() && lines[j + 1] == lines[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            lines[i].to_string()
        } else {
            format!("{}-{}", lines[i], lines[j])
        });
        i = j + 1;
    }
    out.join(",")
}

pub fn run(args: Args, _ctx: &Context) -> u8 {
    let options = OpenOptions {
        debug_dirs: args.debug_dir.clone(),
    };
    let target = match debugdoctor::Target::open_with(&args.binary, options) {
        Ok(t) => t,
        Err(e) => return super::fail(args.json, super::EXIT_USAGE, e),
    };
    let specs = match read_specs(&args) {
        Ok(x) => x,
        Err(e) => return super::fail(args.json, super::EXIT_USAGE, e),
    };
    let subst = match substitute_rules(&args) {
        Ok(x) => x,
        Err(e) => return super::fail(args.json, super::EXIT_USAGE, e),
    };
    // FILE:LINE as the editor sends it, through substitutePath (client → server).
    let specs: Vec<String> = if subst.is_empty() {
        specs
    } else {
        specs
            .iter()
            .map(|s| debugdoctor::doctor::editor_spec(s, Path::new("/"), &subst))
            .collect()
    };
    // Asking the dlv its version (a process) overlaps with building the index.
    let (mut r, rules) = std::thread::scope(|s| {
        let rules = s.spawn(|| binding_rules::select(args.delve.as_deref()));
        let r = Resolver::for_specs(&target, DelveRules::default(), &specs);
        let rules = rules
            .join()
            .unwrap_or_else(|_| Err("--delve: the version check failed".into()));
        (r, rules)
    });
    let chosen = match rules {
        Ok(x) => x,
        Err(e) => return super::fail(args.json, super::EXIT_USAGE, e),
    };
    r.set_rules(chosen.rules);
    if let Some(file) = &args.breakable {
        if !print_breakable(&r, file, args.json) {
            return super::fail(
                args.json,
                super::EXIT_FINDINGS,
                format!("no file of the binary matches {file}"),
            );
        }
        if specs.is_empty() {
            return super::EXIT_OK;
        }
    }
    let res: Vec<Resolution> = r.resolve_all(&specs);
    if args.json {
        json(&Doc {
            schema_version: 1,
            delve_rules: chosen.rules,
            delve_rules_from: &chosen.from,
            substitute_path: &subst,
            locations: &res,
        });
    } else {
        let mut text = render(&res, target.image().is_pie());
        // Say whose rules decided only when they are not the newest Delve's.
        if let Some(caveat) = chosen.caveat(target.go_version().as_deref()) {
            text.push_str(&format!("({caveat})\n"));
        }
        super::write_stdout(&text);
    }
    let code = if res.iter().all(|x| x.bound) {
        super::EXIT_OK
    } else {
        super::EXIT_FINDINGS
    };
    // The process exits next: let the kernel reclaim the index at once instead of
    // freeing it piece by piece (several milliseconds on big binaries).
    std::mem::forget(res);
    std::mem::forget(r);
    std::mem::forget(target);
    code
}

/// The specs on the command line, then those of `--from-file` (one a line; blank lines
/// and `#` comments skipped).
fn read_specs(args: &Args) -> Result<Vec<String>, String> {
    let mut specs = args.specs.clone();
    if let Some(f) = &args.from_file {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        specs.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from),
        );
    }
    if specs.is_empty() && args.breakable.is_none() {
        return Err(
            "where: give at least one location spec, --from-file or --breakable".to_string(),
        );
    }
    Ok(specs)
}

/// `--breakable FILE`: the bindable lines of every file matching it; false when none does.
fn print_breakable(r: &Resolver<'_>, file: &str, json_out: bool) -> bool {
    let files = r.files_matching(file);
    if files.is_empty() {
        return false;
    }
    if json_out {
        let v: Vec<_> = files
            .iter()
            .map(|&f| serde_json::json!({"file": r.index.files[f as usize], "lines": r.breakable(f)}))
            .collect();
        json(&serde_json::json!({"schema_version": 1, "breakable": v}));
    } else {
        for f in files {
            super::outln!("{}: {}", r.index.files[f as usize], ranges(&r.breakable(f)));
        }
    }
    true
}

/// The human report: one line per address of a bound spec (with warnings), or the
/// reason and the nearest lines of an unbound one. Built whole: one write.
fn render(res: &[Resolution], pie: bool) -> String {
    let mut buf = String::new();
    macro_rules! row {
        ($($t:tt)*) => {{
            use std::fmt::Write as _;
            let _ = writeln!(buf, $($t)*);
        }};
    }
    let w = res.iter().map(|x| x.spec.len()).max().unwrap_or(0).min(40);
    let pad = " ".repeat(w + 2 + 8);
    if pie {
        row!("(PIE: addresses are unrelocated link-time addresses)");
    }
    for x in res {
        if x.bound {
            for (i, a) in x.addresses.iter().enumerate() {
                let head = if i == 0 {
                    format!("{:<w$}  bound   ", x.spec)
                } else {
                    pad.clone()
                };
                let inl = match (&a.inlined, &a.inlined_into) {
                    (true, Some(o)) => format!("  (inlined into {o})"),
                    (true, None) => "  (inlined)".into(),
                    _ => String::new(),
                };
                // Stripped binaries bind by the pclntab: no file or line to show.
                let place = if a.file.is_empty() {
                    "(pclntab entry: no line information)".to_string()
                } else {
                    format!("{}:{}", a.file, a.line)
                };
                row!("{head}{:#x}  {}  {place}{inl}", a.pc, a.function);
            }
            for wn in &x.warnings {
                row!("{pad}warning {}: {}", wn.id, wn.message);
            }
        } else {
            let (id, msg) = x
                .reason
                .as_ref()
                .map(|r| (r.id.to_string(), r.message.as_str()))
                .unwrap_or_default();
            row!("{:<w$}  NOT BOUND  [{id}] {msg}", x.spec);
            if !x.nearest.is_empty() {
                let n: Vec<String> = x
                    .nearest
                    .iter()
                    .map(|n| format!("{}:{}", n.file, n.line))
                    .collect();
                row!("{pad}nearest: {}", n.join(", "));
            }
        }
    }
    buf
}
