//! What the proxy remembers of one DAP session and decides from it: the launch or attach
//! arguments, the `setBreakpoints` requests (to know the file and line of each answer),
//! and the analysis of the debugged binary, loaded in the background once Delve has
//! launched it. Nothing here waits on the network: the relay calls in with frames.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::paths::substitute::{self, DelveRule};
use crate::resolve::{DelveRules, Resolver};
use crate::target::Target;

use super::explain;
use super::frame::Frame;
use super::rewrite::{self, Kind};

/// Longest wait for the analysis before an answer with unbound breakpoints is forwarded
/// as Delve wrote it.
pub const ANALYSIS_BUDGET: Duration = Duration::from_millis(1500);

/// Delve's message for a breakpoint it keeps *suspended* (Delve 1.27.1 `service/dap/server.go`
/// `updateBreakpointsResponse`: created without error but with no address). That happens
/// only when the program imports `plugin` or the launch has `followExec`: Delve sets the
/// breakpoint later, when a plugin or a followed child process loads code for the line, and
/// then sends a `breakpoint` event with `verified: true`.
pub const SUSPENDED: &str = "unable to set breakpoint";

/// The launch/attach arguments the analysis needs.
#[derive(Clone, Debug, Default)]
pub struct LaunchArgs {
    pub request: String,
    pub mode: String,
    pub program: Option<String>,
    pub output: Option<String>,
    pub process_id: Option<u32>,
    pub no_debug: bool,
    /// launch.json `substitutePath` as Delve applies it client → server (from = editor).
    pub to_server: Vec<DelveRule>,
}

impl LaunchArgs {
    fn from_json(command: &str, a: &serde_json::Value) -> LaunchArgs {
        let s = |k: &str| a.get(k).and_then(|v| v.as_str()).map(String::from);
        let to_server =
            DelveRule::from_launch_json(a.get("substitutePath"), |v| v.as_str().map(String::from));
        LaunchArgs {
            request: command.to_string(),
            mode: s("mode").unwrap_or_else(|| {
                if command == "attach" {
                    "local".into()
                } else {
                    "debug".into()
                }
            }),
            program: s("program"),
            output: s("output"),
            process_id: a
                .get("processId")
                .and_then(|v| v.as_u64())
                .and_then(|p| u32::try_from(p).ok()),
            no_debug: a.get("noDebug").and_then(|v| v.as_bool()) == Some(true),
            to_server,
        }
    }
}

/// The debugged binary, read once.
pub struct Analysis {
    /// The binary's path as the user knows it.
    pub binary: String,
    resolver: Resolver<'static>,
}

enum State {
    NotStarted,
    Running,
    Ready(Arc<Analysis>),
    Failed,
}

struct Inner {
    launch: Option<(u64, LaunchArgs)>,
    /// setBreakpoints requests by seq: the client's path and each breakpoint's line.
    bp_requests: HashMap<u64, (String, Vec<u64>)>,
    /// The debuggee's pid from Delve's `process` event (sent before `initialized`).
    process_pid: Option<u32>,
    /// The findings message is being prepared: the end of the session waits for it.
    findings_pending: bool,
    state: State,
}

/// One session's memory. Shared by the two relay directions and the analysis thread.
pub struct Session {
    inner: Mutex<Inner>,
    ready: Condvar,
    /// The real Delve's process id: the debuggee is its child.
    pub dlv_pid: u32,
    /// The real Delve, whose version decides the binding rules where versions differ.
    pub dlv_path: PathBuf,
    /// Delivers a frame of ours (the findings message) to the client.
    inject: Box<dyn Fn(Frame) + Send + Sync>,
    pub budget: Duration,
}

/// Cheap pre-filter: only bodies naming one of these are parsed.
fn mentions(body: &[u8], what: &[u8]) -> bool {
    body.windows(what.len()).any(|w| w == what)
}

/// The processes whose parent is `pid` (every thread's children).
fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for t in tasks.flatten() {
            if let Ok(s) = std::fs::read_to_string(t.path().join("children")) {
                out.extend(s.split_whitespace().filter_map(|x| x.parse::<u32>().ok()));
            }
        }
    }
    out
}

impl Session {
    pub fn new(
        dlv_pid: u32,
        dlv_path: PathBuf,
        inject: Box<dyn Fn(Frame) + Send + Sync>,
    ) -> Arc<Session> {
        Arc::new(Session {
            inner: Mutex::new(Inner {
                launch: None,
                bp_requests: HashMap::new(),
                process_pid: None,
                findings_pending: false,
                state: State::NotStarted,
            }),
            ready: Condvar::new(),
            dlv_pid,
            dlv_path,
            inject,
            budget: ANALYSIS_BUDGET,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A frame from the client, before it is forwarded: remembers launch/attach and
    /// setBreakpoints requests. Never changes the frame.
    pub fn on_client(&self, frame: &Frame) {
        let body = frame.body();
        if !(mentions(body, b"\"launch\"")
            || mentions(body, b"\"attach\"")
            || mentions(body, b"setBreakpoints"))
        {
            return;
        }
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
            return;
        };
        if v.get("type").and_then(|t| t.as_str()) != Some("request") {
            return;
        }
        let Some(seq) = v.get("seq").and_then(|s| s.as_u64()) else {
            return;
        };
        let null = serde_json::Value::Null;
        let args = v.get("arguments").unwrap_or(&null);
        match v.get("command").and_then(|c| c.as_str()) {
            Some(c @ ("launch" | "attach")) => {
                self.lock().launch = Some((seq, LaunchArgs::from_json(c, args)));
            }
            Some("setBreakpoints") => {
                let path = args
                    .pointer("/source/path")
                    .and_then(|p| p.as_str())
                    .unwrap_or_default()
                    .to_string();
                let lines = args
                    .get("breakpoints")
                    .and_then(|b| b.as_array())
                    .map(|a| {
                        a.iter()
                            .map(|b| b.get("line").and_then(|l| l.as_u64()).unwrap_or(0))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut inner = self.lock();
                // Bounded: a client that never gets answers cannot grow this forever.
                if inner.bp_requests.len() > 10_000 {
                    inner.bp_requests.clear();
                }
                inner.bp_requests.insert(seq, (path, lines));
            }
            _ => {}
        }
    }

    /// A frame from Delve, before it is forwarded: the frame to send instead (a
    /// rewritten message), or `None` to forward it unchanged.
    pub fn on_delve(self: &Arc<Self>, frame: &Frame) -> Option<Frame> {
        let body = frame.body();
        if mentions(body, b"\"event\":\"terminated\"") || mentions(body, b"\"event\":\"exited\"") {
            // A short program can end before the findings message is ready: it goes out
            // before the end of the session (waiting at most the budget).
            self.wait_findings();
            return None;
        }
        let bp = mentions(body, b"setBreakpoints") || mentions(body, b"\"breakpoint\"");
        if !bp || !mentions(body, b"\"verified\":false") {
            return None;
        }
        let text = std::str::from_utf8(body).ok()?;
        let (kind, unverified) = rewrite::inspect(text)?;
        if unverified.is_empty() {
            return None;
        }
        let request = match kind {
            Kind::SetBreakpointsResponse(seq) => Some(self.lock().bp_requests.remove(&seq)?),
            Kind::BreakpointEvent => None,
            Kind::Other => return None,
        };
        let analysis = self.wait_ready()?;
        let to_server = self
            .lock()
            .launch
            .as_ref()
            .map(|l| l.1.to_server.clone())
            .unwrap_or_default();
        let mut suffixes = Vec::new();
        for u in &unverified {
            let (path, line) = match &request {
                Some((path, lines)) => (path.clone(), lines.get(u.index).copied()),
                None => (u.path.clone().unwrap_or_default(), u.line),
            };
            let Some(line) = line.filter(|&l| l > 0) else {
                continue;
            };
            if path.is_empty() {
                continue;
            }
            let server = substitute::apply(&path, &to_server);
            let res = analysis.resolver.resolve(&format!("{server}:{line}"));
            if let Some(e) = explain::explain(&res) {
                // A suspended breakpoint on a file this binary does not have may be bound
                // later in a child process or a plugin: no path fix is offered for it.
                let elsewhere = [
                    crate::resolve::rules::where_file_not_found::RULE.id,
                    crate::resolve::rules::where_trimmed_path::RULE.id,
                ]
                .contains(&e.id);
                if u.message == SUSPENDED && elsewhere {
                    continue;
                }
                suffixes.push((u.index, e.suffix()));
            }
        }
        let new = rewrite::append_messages(text, &suffixes)?;
        Some(Frame::with_body(new.as_bytes()))
    }

    /// After a frame from Delve was forwarded: starts the analysis once Delve has launched
    /// or attached (its `initialized` event, or the successful launch/attach response,
    /// whichever comes first), so that our message follows Delve's.
    pub fn after_delve(self: &Arc<Self>, frame: &Frame) {
        let body = frame.body();
        if mentions(body, b"\"event\":\"process\"") {
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
                let pid = v
                    .pointer("/body/systemProcessId")
                    .and_then(|p| p.as_u64())
                    .and_then(|p| u32::try_from(p).ok())
                    .filter(|&p| p > 0);
                if v.get("event").and_then(|e| e.as_str()) == Some("process") && pid.is_some() {
                    self.lock().process_pid = pid;
                }
            }
            return;
        }
        if !(mentions(body, b"\"launch\"")
            || mentions(body, b"\"attach\"")
            || mentions(body, b"\"initialized\""))
        {
            return;
        }
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
            return;
        };
        let args = {
            let mut inner = self.lock();
            let Some((seq, args)) = inner.launch.clone() else {
                return;
            };
            let ty = v.get("type").and_then(|t| t.as_str());
            let launched = match ty {
                Some("event") => v.get("event").and_then(|e| e.as_str()) == Some("initialized"),
                Some("response") => {
                    v.get("request_seq").and_then(|s| s.as_u64()) == Some(seq)
                        && v.get("success").and_then(|s| s.as_bool()) == Some(true)
                }
                _ => false,
            };
            if !launched || !matches!(inner.state, State::NotStarted) || args.no_debug {
                return;
            }
            inner.state = State::Running;
            inner.findings_pending = true;
            args
        };
        let me = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("dap-analysis".into())
            .spawn(move || {
                // A panic in the analysis must not take the session down with it. The
                // resolver comes first (answers may be waiting for it), the findings after.
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| me.analyse(&args)));
                let ready = match result {
                    Ok(Some(a)) => Some(Arc::new(a)),
                    _ => None,
                };
                me.lock().state = match &ready {
                    Some(a) => State::Ready(Arc::clone(a)),
                    None => State::Failed,
                };
                me.ready.notify_all();
                let Some(a) = ready else {
                    me.lock().findings_pending = false;
                    me.ready.notify_all();
                    return;
                };
                let message = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let findings = crate::registry::check(a.resolver.target);
                    explain::findings_text(&a.binary, &findings)
                }));
                if let Ok(Some(m)) = message {
                    let ev = serde_json::json!({
                        "seq": 0,
                        "type": "event",
                        "event": "output",
                        "body": {"category": "console", "output": m},
                    });
                    (me.inject)(Frame::with_body(ev.to_string().as_bytes()));
                }
                me.lock().findings_pending = false;
                me.ready.notify_all();
            });
        if spawned.is_err() {
            self.lock().state = State::Failed;
        }
    }

    /// Waits (at most the budget) until the findings message, if one is coming, was sent.
    fn wait_findings(&self) {
        let deadline = Instant::now() + self.budget;
        let mut inner = self.lock();
        while inner.findings_pending {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            inner = self
                .ready
                .wait_timeout(inner, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// The analysis, waiting at most the budget; `None` when it failed or is late.
    fn wait_ready(&self) -> Option<Arc<Analysis>> {
        let deadline = Instant::now() + self.budget;
        let mut inner = self.lock();
        loop {
            match &inner.state {
                State::Ready(a) => return Some(Arc::clone(a)),
                State::Failed | State::NotStarted => return None,
                State::Running => {}
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            inner = self
                .ready
                .wait_timeout(inner, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Which file is the debugged program: the process Delve reports (its `process`
    /// event, or the attached pid), else the launch arguments, else Delve's child.
    fn binary(&self, args: &LaunchArgs) -> Option<(PathBuf, String)> {
        let reported = if args.request == "attach" {
            args.process_id
        } else {
            self.lock().process_pid
        };
        if let Some(pid) = reported {
            // The executable the process runs, even when Delve has already deleted it.
            let link = format!("/proc/{pid}/exe");
            if let Ok(exe) = std::fs::read_link(&link) {
                let shown = match (&args.mode[..], &args.program) {
                    ("exec", Some(p)) => p.clone(),
                    _ => exe
                        .display()
                        .to_string()
                        .trim_end_matches(" (deleted)")
                        .to_string(),
                };
                return Some((PathBuf::from(link), shown));
            }
        }
        if args.request == "attach" {
            let pid = args.process_id?;
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
            return Some((
                PathBuf::from(format!("/proc/{pid}/exe")),
                exe.display().to_string(),
            ));
        }
        // exec: the program named (relative to Delve's working directory, which is ours).
        if args.mode == "exec" {
            if let Some(p) = &args.program {
                return Some((PathBuf::from(p), p.clone()));
            }
        }
        if let Some(p) = &args.output {
            let path = PathBuf::from(p);
            if path.is_file() {
                return Some((path, p.clone()));
            }
        }
        // debug/test: the binary Delve built is the one its child runs. Children running
        // Delve's own executable (helpers), `go` and this proxy are skipped.
        let me = std::fs::read_link(format!("/proc/{}/exe", self.dlv_pid)).ok();
        for _ in 0..10 {
            for child in children(self.dlv_pid) {
                // The proxy itself is Delve's child too (see `proxy`).
                if child == std::process::id() {
                    continue;
                }
                let link = format!("/proc/{child}/exe");
                if let Ok(exe) = std::fs::read_link(&link) {
                    if me.as_ref() == Some(&exe) || exe.file_name().is_some_and(|n| n == "go") {
                        continue;
                    }
                    let shown = exe.display().to_string();
                    return Some((
                        PathBuf::from(link),
                        shown.trim_end_matches(" (deleted)").into(),
                    ));
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    fn analyse(&self, args: &LaunchArgs) -> Option<Analysis> {
        let (path, shown) = self.binary(args)?;
        // One target per session, for the life of the process (a proxy serves one session).
        let target: &'static Target = Box::leak(Box::new(Target::open(&path).ok()?));
        let rules = crate::toolchain::detect::dlv(&self.dlv_path, "dap")
            .ok()
            .and_then(|d| d.version)
            .and_then(|v| DelveRules::for_version(&v))
            .unwrap_or_default();
        let resolver = Resolver::with_rules(target, rules);
        Some(Analysis {
            binary: shown,
            resolver,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(v: serde_json::Value) -> Frame {
        Frame::with_body(v.to_string().as_bytes())
    }

    /// An answer with unverified breakpoints while the analysis is still running goes out
    /// unchanged once the budget is spent; one after a failed analysis at once.
    #[test]
    fn slow_or_failed_analysis_leaves_frames_untouched() {
        let mut s = Session::new(0, PathBuf::from("/nonexistent/dlv"), Box::new(|_| {}));
        Arc::get_mut(&mut s).unwrap().budget = Duration::from_millis(50);
        s.on_client(&frame(serde_json::json!({"seq": 2, "type": "request", "command": "launch", "arguments": {"mode": "exec", "program": "/nonexistent"}})));
        s.on_client(&frame(serde_json::json!({"seq": 3, "type": "request", "command": "setBreakpoints", "arguments": {"source": {"path": "/a/main.go"}, "breakpoints": [{"line": 24}]}})));
        s.lock().state = State::Running;
        let resp = frame(
            serde_json::json!({"seq": 5, "type": "response", "request_seq": 3, "success": true, "command": "setBreakpoints", "body": {"breakpoints": [{"verified": false, "message": "could not find statement"}]}}),
        );
        let t = Instant::now();
        assert!(s.on_delve(&resp).is_none());
        assert!(t.elapsed() >= Duration::from_millis(50) && t.elapsed() < Duration::from_secs(1));
        s.lock().state = State::Failed;
        s.on_client(&frame(serde_json::json!({"seq": 4, "type": "request", "command": "setBreakpoints", "arguments": {"source": {"path": "/a/main.go"}, "breakpoints": [{"line": 24}]}})));
        let resp = frame(
            serde_json::json!({"seq": 6, "type": "response", "request_seq": 4, "success": true, "command": "setBreakpoints", "body": {"breakpoints": [{"verified": false, "message": "x"}]}}),
        );
        let t = Instant::now();
        assert!(s.on_delve(&resp).is_none());
        assert!(t.elapsed() < Duration::from_millis(50));
    }

    /// A launch whose binary cannot be read fails the analysis without a panic, and the
    /// session's answers stay Delve's.
    #[test]
    fn unreadable_binary_fails_quietly() {
        let s = Session::new(0, PathBuf::from("/nonexistent/dlv"), Box::new(|_| {}));
        s.on_client(&frame(serde_json::json!({"seq": 1, "type": "request", "command": "launch", "arguments": {"mode": "exec", "program": "/nonexistent/bin"}})));
        s.after_delve(&frame(
            serde_json::json!({"seq": 1, "type": "event", "event": "initialized"}),
        ));
        assert!(s.wait_ready().is_none());
        assert!(matches!(s.lock().state, State::Failed));
    }

    /// The debugged binary is the executable of the pid in Delve's `process` event.
    #[test]
    fn binary_from_the_process_event() {
        let s = Session::new(0, PathBuf::from("/nonexistent/dlv"), Box::new(|_| {}));
        let me = std::process::id();
        s.after_delve(&frame(serde_json::json!({"seq": 2, "type": "event", "event": "process", "body": {"name": "x", "systemProcessId": me, "isLocalProcess": true, "startMethod": "launch"}})));
        let args = LaunchArgs {
            request: "launch".into(),
            mode: "test".into(),
            ..LaunchArgs::default()
        };
        let (path, shown) = s.binary(&args).unwrap();
        assert_eq!(path, PathBuf::from(format!("/proc/{me}/exe")));
        assert_eq!(PathBuf::from(shown), std::env::current_exe().unwrap());
    }
}
