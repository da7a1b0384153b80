//! Command implementations: argument structs (clap derive) and output. Each returns the
//! process exit code (see README "Exit codes").

pub mod check;
#[cfg(target_os = "linux")]
pub mod dap;
pub mod doctor;
pub mod env;
pub mod explain;
pub mod launch;
pub mod paths;
pub mod probe;
pub mod rebuild;
pub mod where_;

use clap::ValueEnum;

/// No error-severity finding (or nothing at or above `--fail-on`).
pub const EXIT_OK: u8 = 0;
/// At least one finding at error severity.
pub const EXIT_FINDINGS: u8 = 1;
/// Usage error, or an input that cannot be diagnosed (missing, not a Go binary, corrupt).
pub const EXIT_USAGE: u8 = 2;
/// A requested probe could not run (ptrace not possible).
pub const EXIT_NO_PTRACE: u8 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct Global {
    /// Colour: auto (when stdout is a terminal and NO_COLOR is unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

/// Settings every command shares.
pub struct Context {
    pub style: debugdoctor::report::human::Style,
}

impl Context {
    pub fn new(g: &Global) -> Context {
        use std::io::IsTerminal;
        let color = match g.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        Context {
            style: debugdoctor::report::human::Style { color },
        }
    }
}

/// Writes text to stdout: the one way every command prints. A closed pipe
/// (`debugdoctor explain --list | head -1`) ends the process quietly with exit 0, as
/// ripgrep does (`crates/core/main.rs`); any other write error is reported on stderr.
pub fn write_stdout(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(EXIT_OK.into());
        }
        eprintln!("debugdoctor: cannot write to standard output: {e}");
        std::process::exit(EXIT_USAGE.into());
    }
}

/// `println!` through [`write_stdout`].
macro_rules! outln {
    () => { $crate::cli::write_stdout("\n") };
    ($($t:tt)*) => { $crate::cli::write_stdout(&format!("{}\n", format_args!($($t)*))) };
}
/// `print!` through [`write_stdout`].
macro_rules! out {
    ($($t:tt)*) => { $crate::cli::write_stdout(&format!($($t)*)) };
}
pub(crate) use {out, outln};

/// Ends a command that cannot do its job: one line on stderr (`debugdoctor: ...`) and,
/// under `--json`, the one JSON error document every command shares on stdout:
/// `{"schema_version":1,"error":{"message":"...","exit_code":2}}`. Returns `code`.
pub fn fail(json: bool, code: u8, message: impl std::fmt::Display) -> u8 {
    let message = message.to_string();
    eprintln!("debugdoctor: {message}");
    if json {
        print_json(&error_doc(&message, code));
    }
    code
}

/// The JSON error document (see [`fail`]).
pub fn error_doc(message: &str, code: u8) -> serde_json::Value {
    serde_json::json!({
        "schema_version": debugdoctor::report::SCHEMA_VERSION,
        "error": {"message": message, "exit_code": code},
    })
}

/// Prints a JSON document on stdout.
pub fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => outln!("{s}"),
        Err(e) => eprintln!("debugdoctor: cannot render JSON: {e}"),
    }
}
