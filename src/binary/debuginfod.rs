//! debuginfod: a separate debug file fetched by build-id the way Delve fetches it (Delve
//! 1.27.1 `pkg/proc/debuginfod`: `debuginfod-find debuginfo BUILDID`, which honours
//! `DEBUGINFOD_URLS` and caches under `$DEBUGINFOD_CACHE_PATH`, else
//! `$XDG_CACHE_HOME/debuginfod_client`, else `~/.cache/debuginfod_client`). So what
//! debugdoctor downloads is what Delve then finds in that cache, and the other way round.
//!
//! Asked only when `DEBUGINFOD_URLS` is set and the file was not found locally; bounded
//! (the server must start answering within [`CONNECT_SECONDS`], the download ends within
//! [`MAX_SECONDS`] and [`MAX_BYTES`], and the child is killed after [`KILL_SECONDS`]
//! whatever it does), and never fatal: a server that is down or does not have the file is
//! an answer to report, not an error.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Seconds the server has to start sending (debuginfod-find's DEBUGINFOD_TIMEOUT,
/// default 90 there).
pub const CONNECT_SECONDS: u64 = 5;
/// Seconds for the whole download (DEBUGINFOD_MAXTIME).
pub const MAX_SECONDS: u64 = 20;
/// Largest debug file fetched (DEBUGINFOD_MAXSIZE): Go debug files are tens of MB.
pub const MAX_BYTES: u64 = 1 << 30;
/// The child is killed after this long, whatever it is doing.
pub const KILL_SECONDS: u64 = 25;

/// What asking debuginfod gave.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// `DEBUGINFOD_URLS` as it was.
    pub urls: String,
    /// The build-id asked for (hex).
    pub build_id: String,
    /// The file in debuginfod-find's cache, when the server had it.
    pub found: Option<PathBuf>,
    /// What happened, in words: "fetched 762288 bytes in 0.1 s", "the server did not
    /// answer: ...", "debuginfod-find is not installed".
    pub outcome: String,
}

static DISABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Never ask debuginfod in this process, whatever `DEBUGINFOD_URLS` says (for callers that
/// open many untrusted images in-process, such as the mutation tests).
pub fn disable() {
    DISABLED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// `DEBUGINFOD_URLS` when set to something (and debuginfod is not disabled).
pub fn urls() -> Option<String> {
    if DISABLED.load(std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    std::env::var("DEBUGINFOD_URLS")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// Asks the servers of `DEBUGINFOD_URLS` for the debug file of `build_id` through
/// `debuginfod-find` (from PATH, as Delve runs it). `None` when `DEBUGINFOD_URLS` is unset.
pub fn fetch(build_id: &[u8]) -> Option<Attempt> {
    let urls = urls()?;
    let hex: String = build_id.iter().map(|b| format!("{b:02x}")).collect();
    let mut attempt = Attempt {
        urls,
        build_id: hex.clone(),
        found: None,
        outcome: String::new(),
    };
    let Some(tool) = on_path("debuginfod-find") else {
        attempt.outcome = "not asked: debuginfod-find is not installed (Debian: apt-get install debuginfod; Delve needs it too)".into();
        return Some(attempt);
    };
    let mut cmd = Command::new(&tool);
    cmd.args(["debuginfo", &hex])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // The user's own limits win; ours apply when they set none.
    // Without DEBUGINFOD_RETRY_LIMIT=0 a server that accepts and never answers costs
    // three times the timeout (0.188 retries twice): measured 15.7 s for 5.
    for (key, value) in [
        ("DEBUGINFOD_RETRY_LIMIT", 0),
        ("DEBUGINFOD_TIMEOUT", CONNECT_SECONDS),
        ("DEBUGINFOD_MAXTIME", MAX_SECONDS),
        ("DEBUGINFOD_MAXSIZE", MAX_BYTES),
    ] {
        if std::env::var_os(key).is_none() {
            cmd.env(key, value.to_string());
        }
    }
    let start = Instant::now();
    let (status, stdout, stderr) = match run_bounded(&mut cmd, Duration::from_secs(KILL_SECONDS)) {
        Ok(x) => x,
        Err(e) => {
            attempt.outcome = format!("the server did not answer: {e}");
            return Some(attempt);
        }
    };
    let secs = start.elapsed().as_secs_f64();
    let path = PathBuf::from(stdout.trim());
    if status == Some(0) && path.is_file() {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        attempt.outcome = format!(
            "fetched {size} bytes in {secs:.1} s into debuginfod-find's cache ({})",
            path.display()
        );
        attempt.found = Some(path);
        return Some(attempt);
    }
    let said = stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("no message")
        .chars()
        .take(200)
        .collect::<String>();
    let code = status.map_or("was killed".to_string(), |c| format!("exited {c}"));
    // debuginfod-find: ENOENT (404) when the servers lack the file; connection errors
    // otherwise.
    attempt.outcome = if said.contains("No such file") || said.contains("Not Found") {
        format!("the server answered but has no debug file for this build-id (debuginfod-find {code}: {said})")
    } else {
        format!("the server did not answer (debuginfod-find {code} after {secs:.1} s: {said})")
    };
    Some(attempt)
}

/// Runs `cmd` to completion or kills it after `limit`; (exit code, stdout, stderr).
fn run_bounded(
    cmd: &mut Command,
    limit: Duration,
) -> std::io::Result<(Option<i32>, String, String)> {
    use std::io::Read;
    let mut child = cmd.spawn()?;
    // Drain both pipes on threads so a chatty child never blocks on a full pipe.
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = out.as_mut() {
            let _ = o.read_to_string(&mut s);
        }
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = err.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s.code();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("debuginfod-find killed after {} s", limit.as_secs()),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out_t.join().unwrap_or_default();
    let stderr = err_t.join().unwrap_or_default();
    Ok((status, stdout, stderr))
}

/// The cache directory debuginfod-find writes to (for messages).
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DEBUGINFOD_CACHE_PATH") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
    Some(base.join("debuginfod_client"))
}

/// `name` in a PATH directory (as exec.LookPath, which Delve uses).
pub(crate) fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The Debian package that owns `path` (`dpkg-query -S`), when dpkg knows the file.
/// Only for binaries under the system prefixes a package manager installs into.
pub fn debian_owner(path: &Path) -> Option<String> {
    let canon = std::fs::canonicalize(path).ok()?;
    let system = ["/usr/", "/bin/", "/sbin/", "/lib/", "/opt/"];
    if !system.iter().any(|p| canon.starts_with(p)) {
        return None;
    }
    let tool = on_path("dpkg-query")?;
    // dpkg records /usr/bin/x; with merged /usr, /bin/x may be the name it knows.
    for candidate in [canon.clone(), path.to_path_buf()] {
        let out = Command::new(&tool)
            .arg("-S")
            .arg(&candidate)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !out.status.success() {
            continue;
        }
        let text = String::from_utf8_lossy(&out.stdout);
        // "delve: /usr/bin/dlv" (also "pkg:amd64: path"; "diversion by ..." lines skipped).
        let owner = text
            .lines()
            .filter(|l| !l.starts_with("diversion by"))
            .find_map(|l| l.split_once(": ").map(|(p, _)| p.trim()))?;
        let pkg = owner.split(',').next()?.trim();
        let pkg = pkg.split(':').next()?.trim();
        if !pkg.is_empty() {
            return Some(pkg.to_string());
        }
    }
    None
}
