//! The `dlv dap` command line as Delve's flag parser (spf13/pflag) reads it: the proxy
//! takes the flags that say where to talk (`--listen`, `--client-addr`), where Delve
//! announces itself (`--log-dest`) and whom to let in (`--only-same-user`); every other
//! argument goes to the real Delve unchanged and in order.

/// Delve's flags that take a value (`cmd/dlv/cmds/commands.go`): a separate next argument
/// is their value, not a flag of its own.
const VALUE_FLAGS: &[&str] = &[
    "listen",
    "l",
    "client-addr",
    "log-dest",
    "log-output",
    "api-version",
    "backend",
    "build-flags",
    "init",
    "redirect",
    "r",
    "wd",
    "dlv",
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DapArgs {
    /// `--listen` (default `127.0.0.1:0`, as Delve's).
    pub listen: Option<String>,
    /// `--client-addr`: dial the editor instead of listening.
    pub client_addr: Option<String>,
    /// `--log-dest`: a file descriptor number or a file path.
    pub log_dest: Option<String>,
    /// `--only-same-user` (default true).
    pub only_same_user: bool,
    /// `--dlv PATH`: ours, the real Delve.
    pub dlv: Option<String>,
    /// `-h`/`--help` was given: the real Delve answers it.
    pub help: bool,
    /// Everything else, for the real Delve.
    pub rest: Vec<String>,
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Splits `dlv dap`'s arguments (after `dap`).
pub fn parse(args: &[String]) -> DapArgs {
    let mut out = DapArgs {
        only_same_user: true,
        ..DapArgs::default()
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let start = i;
        i += 1;
        if a == "--" {
            out.rest.extend(args[i - 1..].iter().cloned());
            break;
        }
        let (name, inline) = if let Some(long) = a.strip_prefix("--") {
            match long.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (long.to_string(), None),
            }
        } else if let Some(short) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
            // -l ADDR, -l=ADDR, -lADDR
            let (n, v) = short.split_at(short.chars().next().map_or(0, char::len_utf8));
            let v = v.strip_prefix('=').unwrap_or(v);
            (n.to_string(), (!v.is_empty()).then(|| v.to_string()))
        } else {
            out.rest.push(a.clone());
            continue;
        };
        let takes_value = VALUE_FLAGS.contains(&name.as_str());
        let value = match (&inline, takes_value) {
            (Some(v), _) => Some(v.clone()),
            (None, true) if i < args.len() => {
                i += 1;
                Some(args[i - 1].clone())
            }
            _ => None,
        };
        match name.as_str() {
            "listen" | "l" => out.listen = value,
            "client-addr" => out.client_addr = value,
            "dlv" => out.dlv = value,
            "log-dest" => {
                out.log_dest = value;
                out.rest.extend(args[start..i].iter().cloned());
            }
            "only-same-user" => {
                out.only_same_user = inline
                    .as_deref()
                    .map_or(Some(true), parse_bool)
                    .unwrap_or(true);
                out.rest.push(a.clone());
            }
            "help" | "h" => {
                out.help = true;
                out.rest.push(a.clone());
            }
            _ => out.rest.extend(args[start..i].iter().cloned()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn vscode_go_command_line() {
        let a = parse(&v(&[
            "--check-go-version=false",
            "--log",
            "--log-output=dap",
            "--listen=127.0.0.1:4711",
            "--log-dest=3",
        ]));
        assert_eq!(a.listen.as_deref(), Some("127.0.0.1:4711"));
        assert_eq!(a.log_dest.as_deref(), Some("3"));
        assert!(a.only_same_user);
        assert_eq!(
            a.rest,
            v(&[
                "--check-go-version=false",
                "--log",
                "--log-output=dap",
                "--log-dest=3"
            ])
        );
    }

    #[test]
    fn separate_values_and_short_forms() {
        let a = parse(&v(&[
            "-l",
            ":0",
            "--log-dest",
            "/tmp/x",
            "--only-same-user=false",
            "--dlv",
            "/d",
        ]));
        assert_eq!(a.listen.as_deref(), Some(":0"));
        assert_eq!(a.log_dest.as_deref(), Some("/tmp/x"));
        assert!(!a.only_same_user);
        assert_eq!(a.dlv.as_deref(), Some("/d"));
        assert_eq!(
            a.rest,
            v(&["--log-dest", "/tmp/x", "--only-same-user=false"])
        );
        let b = parse(&v(&["-l127.0.0.1:5", "--client-addr=:9", "--wd", "x"]));
        assert_eq!(b.listen.as_deref(), Some("127.0.0.1:5"));
        assert_eq!(b.client_addr.as_deref(), Some(":9"));
        assert_eq!(b.rest, v(&["--wd", "x"]));
        assert!(parse(&v(&["--help"])).help);
        // A value flag at the end without its value: kept once, as given.
        assert_eq!(
            parse(&v(&["--log", "--log-dest"])).rest,
            v(&["--log", "--log-dest"])
        );
        assert_eq!(parse(&v(&["--wd"])).rest, v(&["--wd"]));
    }
}
