//! The `debugdoctor` command: a thin layer over the library. Parses arguments, dispatches
//! to one command, and maps outcomes to the documented exit codes.

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Will this Go breakpoint bind? Diagnoses Go binaries and VS Code launch
/// configurations, offline.
#[derive(Parser)]
#[command(name = "debugdoctor", version, about, max_term_width = 100)]
struct Cli {
    #[command(flatten)]
    global: cli::Global,
    /// With no command inside a Go workspace: `doctor` on it.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Diagnose the debuggability of Go binaries.
    Check(cli::check::Args),
    /// Explain a finding ID (e.g. `DD201`), or `--list` them all.
    Explain(cli::explain::Args),
    /// Resolve breakpoint locations as Delve would, and say why one cannot bind.
    Where(cli::where_::Args),
    /// Where the binary thinks its sources are, and the substitutePath rules that map them.
    Paths(cli::paths::Args),
    /// Run the binary under ptrace and report whether each breakpoint is really hit.
    Probe(cli::probe::Args),
    /// The exact go command that rebuilds this binary debuggable; `--run` builds and proves it.
    Rebuild(cli::rebuild::Args),
    /// Lint a VS Code launch.json for Go, and fix it without losing comments.
    Launch(cli::launch::Args),
    /// The whole VS Code debug chain of a workspace, and the one change that fixes it.
    Doctor(cli::doctor::Args),
    /// Is this machine able to debug this binary (Go, Delve, gdb, ptrace)?
    Env(cli::env::Args),
    /// A drop-in for `dlv dap` in VS Code that explains every breakpoint Delve cannot bind
    /// (`debugdoctor dap --help`).
    #[cfg(target_os = "linux")]
    Dap(cli::dap::Args),
}

/// `--json`, `--format json` or `--format=json` among the arguments.
fn asks_for_json() -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    args.iter().enumerate().any(|(i, a)| {
        a == "--json"
            || a == "--format=json"
            || a == "--format" && args.get(i + 1).is_some_and(|n| n == "json")
    })
}

/// `debugdoctor` alone: `doctor` inside a Go workspace (go.mod, go.work or .vscode/
/// here), else the help.
fn no_command(ctx: &cli::Context) -> u8 {
    let here = std::path::Path::new(".");
    if ["go.mod", "go.work", ".vscode/launch.json"]
        .iter()
        .any(|f| here.join(f).is_file())
    {
        return cli::doctor::run(cli::doctor::Args::default(), ctx);
    }
    use clap::CommandFactory;
    let _ = Cli::command().print_help();
    cli::EXIT_USAGE
}

/// glibc's heaps grow 64 MiB at a time instead of 128 KiB (`M_TOP_PAD`). Each step of
/// a thread's heap is an `mprotect`, which takes the lock of the address space that the
/// other thread's page faults wait on: on cmd/compile a 1,000-spec `where` made 810 of
/// them and now makes 15, and takes 62 ms (111 ms of CPU) instead of 70 (125). Pages of
/// the pad never touched cost nothing: peak RSS grew by 1-2 MB. Nothing elsewhere.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn grow_heaps_in_large_steps() {
    // SAFETY: mallopt only sets a tuning parameter of glibc's allocator, and this runs
    // first in main, before any other thread exists.
    unsafe {
        nix::libc::mallopt(nix::libc::M_TOP_PAD, 64 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn grow_heaps_in_large_steps() {}

fn main() -> ExitCode {
    grow_heaps_in_large_steps();
    // Under the name `dlv` (a symlink or copy for vscode-go's `go.alternateTools`), and for
    // `dap`, the arguments are Delve's: clap does not see them.
    #[cfg(target_os = "linux")]
    {
        let mut argv = std::env::args_os();
        let name = argv.next().unwrap_or_default();
        let rest: Vec<std::ffi::OsString> = argv.collect();
        if std::path::Path::new(&name)
            .file_name()
            .is_some_and(|n| n == "dlv")
        {
            return ExitCode::from(cli::dap::as_dlv(rest));
        }
        if rest.first().is_some_and(|a| a == "dap") {
            return ExitCode::from(cli::dap::dap(&rest[1..], true));
        }
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { cli::EXIT_USAGE } else { 0 };
            let _ = e.print();
            // A script that asked for JSON gets the JSON error document too.
            if e.use_stderr() && asks_for_json() {
                let text = e.to_string();
                let first = text.lines().next().unwrap_or_default();
                cli::print_json(&cli::error_doc(first.trim_start_matches("error: "), code));
            }
            return ExitCode::from(code);
        }
    };
    let ctx = cli::Context::new(&cli.global);
    let Some(command) = cli.command else {
        return ExitCode::from(no_command(&ctx));
    };
    let code = match command {
        Command::Check(a) => cli::check::run(a, &ctx),
        Command::Explain(a) => cli::explain::run(a, &ctx),
        Command::Where(a) => cli::where_::run(a, &ctx),
        Command::Paths(a) => cli::paths::run(a, &ctx),
        Command::Probe(a) => cli::probe::run(a, &ctx),
        Command::Rebuild(a) => cli::rebuild::run(a, &ctx),
        Command::Launch(a) => cli::launch::run(a, &ctx),
        Command::Env(a) => cli::env::run(a, &ctx),
        Command::Doctor(a) => cli::doctor::run(a, &ctx),
        #[cfg(target_os = "linux")]
        Command::Dap(a) => cli::dap::dap(
            &a.args.into_iter().map(Into::into).collect::<Vec<_>>(),
            true,
        ),
    };
    ExitCode::from(code)
}
