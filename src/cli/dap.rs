//! `debugdoctor dap`, and this program run under the name `dlv`: a drop-in for Delve in
//! VS Code (`"go.alternateTools": {"dlv": PATH}`). `dap` runs the proxy; every other
//! `dlv` command runs the real Delve in our place. No `--json`: `dap` speaks DAP.

use std::ffi::OsString;

const HELP: &str = "\
debugdoctor dap: a drop-in for `dlv dap` that explains every breakpoint Delve cannot bind

Usage: debugdoctor dap [--dlv PATH] [dlv dap flags...]
       dlv ...            (this program under the name `dlv`, e.g. a symlink)

Starts the real `dlv dap` and relays its Debug Adapter Protocol session unchanged, except
that each unverified breakpoint's message gets the finding ID, the reason and the fix
(`… please use a line with a statement — [DD703] …; fix: put the breakpoint on line 22`),
and after launch one console message lists the binary's error and warning findings.
Under the name `dlv`, every other command (`dlv version`, `dlv substitute-path-guess-helper`,
...) is the real Delve's.

The real Delve: --dlv PATH, else $DEBUGDOCTOR_DLV, else the first `dlv` on PATH that is not
this program. DEBUGDOCTOR_DAP=off passes everything to the real Delve untouched.

VS Code settings.json:  \"go.alternateTools\": {\"dlv\": \"/path/to/dlv\"}  (a symlink to debugdoctor)
";

/// Clap's view of `dap` (for `debugdoctor --help`); `main` dispatches before clap parses.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Arguments for `dlv dap` (and `--dlv PATH`, the real Delve).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

fn pass_through(dlv: Option<&str>, args: &[OsString]) -> u8 {
    match debugdoctor::dap::proxy::find_dlv(dlv) {
        Ok(p) => {
            let err = exec(&p, args);
            eprintln!("debugdoctor: cannot run {}: {err}", p.display());
            super::EXIT_USAGE
        }
        Err(e) => {
            eprintln!("debugdoctor: {e}");
            super::EXIT_USAGE
        }
    }
}

fn exec(p: &std::path::Path, args: &[OsString]) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    std::process::Command::new(p).args(args).exec()
}

/// This program run as `dlv ARGS`: `dap` is proxied, everything else is Delve's.
pub fn as_dlv(args: Vec<OsString>) -> u8 {
    if args.first().is_some_and(|a| a == "dap") {
        return dap(&args[1..], false);
    }
    match debugdoctor::dap::proxy::find_dlv(None) {
        Ok(p) => {
            let err = exec(&p, &args);
            eprintln!("debugdoctor: cannot run {}: {err}", p.display());
            super::EXIT_USAGE
        }
        Err(e) => {
            eprintln!("debugdoctor: {e}");
            super::EXIT_USAGE
        }
    }
}

/// `debugdoctor dap ARGS` (`ours`) or `dlv dap ARGS`.
pub fn dap(args: &[OsString], ours: bool) -> u8 {
    let strings: Option<Vec<String>> = args.iter().map(|a| a.to_str().map(String::from)).collect();
    let Some(strings) = strings else {
        // Not UTF-8: nothing of ours can read it; Delve gets it as it is.
        let mut all = vec![OsString::from("dap")];
        all.extend(args.iter().cloned());
        return pass_through(None, &all);
    };
    let parsed = debugdoctor::dap::args::parse(&strings);
    if ours && parsed.help {
        super::write_stdout(HELP);
        return super::EXIT_OK;
    }
    let dlv = match debugdoctor::dap::proxy::find_dlv(parsed.dlv.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("debugdoctor: {e}");
            return super::EXIT_USAGE;
        }
    };
    let off = std::env::var("DEBUGDOCTOR_DAP").is_ok_and(|v| v.eq_ignore_ascii_case("off"));
    if off || parsed.help {
        let mut all = vec![OsString::from("dap")];
        let mut skip = false;
        for a in &strings {
            if std::mem::take(&mut skip) {
                continue;
            }
            if a == "--dlv" {
                skip = true;
                continue;
            }
            if !a.starts_with("--dlv=") {
                all.push(OsString::from(a));
            }
        }
        let err = exec(&dlv, &all);
        eprintln!("debugdoctor: cannot run {}: {err}", dlv.display());
        return super::EXIT_USAGE;
    }
    let code = debugdoctor::dap::proxy::run(&dlv, &parsed);
    u8::try_from(code).unwrap_or(1)
}
