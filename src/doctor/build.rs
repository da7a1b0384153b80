//! The build `dlv dap` runs for a `debug` or `test` configuration, exactly as Delve
//! 1.27.1's `pkg/gobuild` forms it, run with the environment Delve would have.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::session::{BuildFlags, Session};

/// Delve's `config.SplitQuotedFields(s, '\'')`: fields split on white space, a field may
/// be quoted with `'` (the quotes are removed).
pub fn split_quoted_fields(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_field = false;
    let mut quoted = false;
    for c in s.chars() {
        if quoted {
            if c == '\'' {
                quoted = false;
            } else {
                cur.push(c);
            }
        } else if c == '\'' {
            quoted = true;
            in_field = true;
        } else if c.is_whitespace() {
            if in_field {
                out.push(std::mem::take(&mut cur));
                in_field = false;
            }
        } else {
            cur.push(c);
            in_field = true;
        }
    }
    if in_field {
        out.push(cur);
    }
    out
}

/// `go build`/`go test -c` arguments as Delve's `goBuildArgs2` forms them: a string's flags
/// follow `-gcflags all=-N -l` (a `-gcflags` there overrides it), an array's precede it.
pub fn delve_build_args(
    output: &Path,
    program: &str,
    flags: Option<&BuildFlags>,
    test: bool,
) -> Vec<String> {
    let mut args: Vec<String> = vec![if test { "test" } else { "build" }.into()];
    let o = output.to_string_lossy().into_owned();
    let mut rest: Vec<String> = Vec::new();
    match flags {
        Some(BuildFlags::String(s)) => {
            let mut f = split_quoted_fields(s);
            if f.len() >= 2 && f[0] == "-C" {
                rest.extend(f.drain(..2));
            } else if f.first().is_some_and(|x| x.starts_with("-C=")) {
                rest.push(f.remove(0));
            }
            rest.extend(["-o".into(), o, "-gcflags".into(), "all=-N -l".into()]);
            rest.extend(f);
        }
        Some(BuildFlags::Array(a)) => {
            rest.extend(a.iter().cloned());
            rest.extend(["-o".into(), o, "-gcflags".into(), "all=-N -l".into()]);
        }
        None => rest.extend(["-o".into(), o, "-gcflags".into(), "all=-N -l".into()]),
    }
    if test {
        args.push("-c".into());
    }
    args.extend(rest);
    args.push(program.to_string());
    args
}

/// What the build did.
#[derive(Clone, Debug, Serialize)]
pub struct BuildResult {
    /// The command as a shell line (env assignments first).
    pub command: String,
    pub dir: PathBuf,
    pub output: PathBuf,
    pub ok: bool,
    /// The go command's combined output (trimmed), for a failed build.
    pub log: String,
    /// Go's time, reported apart from ours.
    pub millis: u64,
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Runs the build Delve would run for `session` with `go`, into `out_dir`.
pub fn run(
    session: &Session,
    go: &Path,
    tools_env: &[(String, String)],
    out_dir: &Path,
) -> Result<BuildResult, String> {
    let program = session
        .program
        .as_ref()
        .ok_or("the configuration has no program to build")?;
    let dir = session
        .build_dir()
        .ok_or("the configuration's program has no folder")?;
    if !dir.is_dir() {
        return Err(format!("{}: no such folder to build in", dir.display()));
    }
    let output = match &session.output {
        Some(o) => o.clone(),
        None => out_dir.join("__debug_bin"),
    };
    let test = session.mode == "test";
    let args = delve_build_args(
        &output,
        &program.to_string_lossy(),
        session.build_flags.as_ref(),
        test,
    );
    let mut cmd = std::process::Command::new(go);
    cmd.args(&args).current_dir(&dir);
    // dlv runs with go.toolsEnvVars; Delve sets the configuration's env in its own
    // process before it builds (service/dap/server.go onLaunchRequest).
    let mut shown: Vec<String> = Vec::new();
    let env = tools_env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(session.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    for (k, v) in env {
        cmd.env(k, v);
        shown.push(format!("{k}={}", shell_quote(v)));
    }
    shown.push(shell_quote(&go.to_string_lossy()));
    shown.extend(args.iter().map(|a| shell_quote(a)));
    let start = Instant::now();
    let out = run_with_timeout(&mut cmd, Duration::from_secs(600))?;
    let millis = start.elapsed().as_millis() as u64;
    let mut log = String::from_utf8_lossy(&out.stdout).into_owned();
    log.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok(BuildResult {
        command: shown.join(" "),
        dir,
        output,
        ok: out.status.success(),
        log: log.trim().to_string(),
        millis,
    })
}

fn run_with_timeout(
    cmd: &mut std::process::Command,
    limit: Duration,
) -> Result<std::process::Output, String> {
    use std::process::Stdio;
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .arg("-9")
                .arg(id.to_string())
                .status();
            Err(format!(
                "the build took longer than {} s and was stopped",
                limit.as_secs()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_like_delve() {
        assert_eq!(
            split_quoted_fields("-tags=a  -ldflags='-X main.v=1 2' x"),
            ["-tags=a", "-ldflags=-X main.v=1 2", "x"]
        );
        assert!(split_quoted_fields("  ").is_empty());
    }

    #[test]
    fn string_flags_follow_delves_gcflags_and_array_flags_precede_it() {
        let o = Path::new("/t/__debug_bin");
        let s = delve_build_args(
            o,
            "/w",
            Some(&BuildFlags::String("-gcflags=-l -tags=x".into())),
            false,
        );
        assert_eq!(
            s,
            [
                "build",
                "-o",
                "/t/__debug_bin",
                "-gcflags",
                "all=-N -l",
                "-gcflags=-l",
                "-tags=x",
                "/w"
            ]
        );
        let a = delve_build_args(
            o,
            "/w",
            Some(&BuildFlags::Array(vec!["-gcflags=-l".into()])),
            true,
        );
        assert_eq!(
            a,
            [
                "test",
                "-c",
                "-gcflags=-l",
                "-o",
                "/t/__debug_bin",
                "-gcflags",
                "all=-N -l",
                "/w"
            ]
        );
        let c = delve_build_args(o, "/w", Some(&BuildFlags::String("-C sub -v".into())), true);
        assert_eq!(
            c,
            [
                "test",
                "-c",
                "-C",
                "sub",
                "-o",
                "/t/__debug_bin",
                "-gcflags",
                "all=-N -l",
                "-v",
                "/w"
            ]
        );
    }
}
