//! `probe`: run the binary under ptrace and report whether each breakpoint is really hit.
//! The manual check it replaces is `dlv exec ./bin` + `break LOC` + `continue`.
//!
//! Linux x86-64 only (int3 breakpoints, `user_regs_struct.rip`); elsewhere a clear error.
//! The tracee runs in its own process group and is traced with PTRACE_O_EXITKILL, so it
//! dies with us; on timeout, error or Ctrl-C the whole group is killed and reaped.

pub mod rules;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::resolve::Resolver;
use crate::Target;

/// What to run and how.
#[derive(Clone, Debug)]
pub struct ProbeOptions {
    pub args: Vec<String>,
    pub cwd: Option<PathBuf>,
    pub timeout: Duration,
    /// Stop after each breakpoint was hit this many times. Threads keep running while
    /// one steps over a breakpoint (no all-stop as in Delve), so with several threads on
    /// the same line a pass can go unseen: counts are lower bounds.
    pub count: u32,
    /// Drop the program's stdout/stderr.
    pub quiet: bool,
    /// Let the program read our stdin (else /dev/null).
    pub stdin: bool,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            args: Vec::new(),
            cwd: None,
            timeout: Duration::from_secs(10),
            count: 1,
            quiet: false,
            stdin: false,
        }
    }
}

/// One breakpoint's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct BreakResult {
    pub spec: String,
    /// `hit`, `not-hit`, `not-bound`.
    pub status: &'static str,
    pub hits: u32,
    /// First hit: milliseconds after start, thread id, PC (relocated) and the binary's own
    /// (unrelocated) address, file:line.
    pub first_hit_ms: Option<u64>,
    pub thread: Option<i32>,
    pub pc: Option<u64>,
    pub address: Option<u64>,
    pub file: Option<String>,
    pub line: Option<u64>,
    /// Why not bound (the `where` reason) or why not hit.
    pub reason: Option<String>,
}

impl BreakResult {
    fn pending(spec: &str, status: &'static str, reason: Option<String>) -> BreakResult {
        BreakResult {
            spec: spec.to_string(),
            status,
            hits: 0,
            first_hit_ms: None,
            thread: None,
            pc: None,
            address: None,
            file: None,
            line: None,
            reason,
        }
    }
}

/// How the program ended.
#[derive(Clone, Debug, Serialize)]
pub struct ProbeReport {
    pub binary: String,
    pub load_base: u64,
    pub breakpoints: Vec<BreakResult>,
    /// `exited`, `killed-by-signal`, `stopped-all-hit`, `timeout`, `interrupted`.
    pub end: String,
    pub exit_code: Option<i32>,
    pub signal: Option<String>,
    pub elapsed_ms: u64,
}

impl ProbeReport {
    pub fn all_hit(&self) -> bool {
        self.breakpoints.iter().all(|b| b.status == "hit")
    }
}

#[derive(Debug)]
pub enum ProbeError {
    /// Input problem (not an executable for this machine, resolution failure...).
    Usage(String),
    /// Tracing is not possible here (EPERM from ptrace), with the diagnosis.
    Denied(String),
    /// Anything else that went wrong while tracing.
    Failed(String),
}

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProbeError::Usage(m) | ProbeError::Denied(m) | ProbeError::Failed(m) => f.write_str(m),
        }
    }
}

/// Why ptrace may be refused on this machine: Yama scope, capability, seccomp.
pub fn ptrace_diagnosis() -> String {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let mut parts = Vec::new();
    let yama = read("/proc/sys/kernel/yama/ptrace_scope");
    if let Ok(v) = yama.trim().parse::<u32>() {
        parts.push(match v {
            0 => "yama ptrace_scope=0 (classic)".to_string(),
            1 => "yama ptrace_scope=1 (a parent may trace its child: probe's case)".to_string(),
            2 => "yama ptrace_scope=2 (admin only: needs CAP_SYS_PTRACE)".to_string(),
            _ => "yama ptrace_scope=3 (ptrace disabled until reboot)".to_string(),
        });
    }
    let status = read("/proc/self/status");
    for line in status.lines() {
        if let Some(v) = line.strip_prefix("Seccomp:") {
            if v.trim() == "2" {
                parts.push("seccomp filter active (docker's default profile blocks ptrace on old kernels: --security-opt seccomp=unconfined)".into());
            }
        }
        if let Some(v) = line.strip_prefix("CapEff:") {
            let caps = u64::from_str_radix(v.trim(), 16).unwrap_or(0);
            if caps & (1 << 19) == 0 {
                parts.push("no CAP_SYS_PTRACE (docker: --cap-add=SYS_PTRACE)".into());
            }
        }
    }
    parts.join("; ")
}

pub fn rules() -> Vec<&'static crate::checks::Rule> {
    rules::all()
}

/// `check --probe`: run to `main.main` and turn the outcome into a finding (none when it
/// was hit).
pub fn probe_main(target: &Target, timeout: Duration) -> Option<crate::report::Finding> {
    use crate::report::Finding;
    let opts = ProbeOptions {
        timeout,
        quiet: true,
        ..Default::default()
    };
    match probe(target, &["main.main".to_string()], &opts) {
        Ok(r) if r.all_hit() => None,
        Ok(r) => {
            let b = &r.breakpoints[0];
            Some(
                Finding::new(&rules::main_not_reached::RULE, b.reason.clone().unwrap_or_default())
                    .evidence(format!("ran {} under ptrace for {} ms; end: {}", r.binary, r.elapsed_ms, r.end))
                    .fix("run it with the arguments and input it needs: debugdoctor probe BIN --break main.main -- ARGS"),
            )
        }
        Err(ProbeError::Denied(m)) => Some(
            Finding::new(&rules::ptrace_denied::RULE, m)
                .fix("docker: --cap-add=SYS_PTRACE --security-opt seccomp=unconfined; sysctl kernel.yama.ptrace_scope=1"),
        ),
        Err(e) => Some(
            Finding::new(&rules::main_not_reached::RULE, format!("could not run the program: {e}"))
                .severity(crate::report::Severity::Warning),
        ),
    }
}

/// Resolves `specs` with `where`'s rules and runs the program until every breakpoint was
/// hit `count` times, the program ends, or the timeout passes.
pub fn probe(
    target: &Target,
    specs: &[String],
    opts: &ProbeOptions,
) -> Result<ProbeReport, ProbeError> {
    if target.goos() != "linux" || target.goarch() != "amd64" {
        return Err(ProbeError::Usage(format!(
            "{}: a {}/{} binary; probe runs linux/amd64 programs on this machine (debug it remotely on its platform: dlv --headless)",
            target.path().display(),
            target.goos(),
            target.goarch()
        )));
    }
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        return Err(ProbeError::Usage(
            "probe is supported on Linux x86-64 only".into(),
        ));
    }
    let resolver = Resolver::new(target);
    let mut results = Vec::new();
    // (unrelocated address, index into results)
    let mut wanted: Vec<(u64, usize)> = Vec::new();
    for spec in specs {
        let r = resolver.resolve(spec);
        let idx = results.len();
        if r.bound {
            for a in &r.addresses {
                wanted.push((a.pc, idx));
            }
            results.push(BreakResult::pending(spec, "not-hit", None));
        } else {
            let why = r
                .reason
                .map(|x| format!("{}: {}", x.id, x.message))
                .unwrap_or_else(|| "not bound".into());
            results.push(BreakResult::pending(spec, "not-bound", Some(why)));
        }
    }
    let addr_info: std::collections::HashMap<u64, (String, u64)> = specs
        .iter()
        .flat_map(|s| resolver.resolve(s).addresses)
        .map(|a| (a.pc, (a.file, a.line)))
        .collect();
    linux::run(target, opts, &wanted, &mut results, &addr_info)
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
mod linux {
    use super::*;
    use nix::errno::Errno;
    use nix::sys::ptrace;
    use nix::sys::signal::{self, Signal};
    use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
    use nix::unistd::{fork, ForkResult, Pid};
    use std::collections::HashMap;
    use std::ffi::CString;
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    use std::sync::atomic::{AtomicBool, Ordering};

    static INTERRUPTED: AtomicBool = AtomicBool::new(false);

    extern "C" fn on_sigint(_: i32) {
        INTERRUPTED.store(true, Ordering::SeqCst);
    }

    /// AT_ENTRY from /proc/PID/auxv minus the ELF entry: the PIE load base.
    fn load_base(pid: Pid, elf_entry: u64) -> u64 {
        let Ok(aux) = std::fs::read(format!("/proc/{pid}/auxv")) else {
            return 0;
        };
        for pair in aux.chunks_exact(16) {
            let key = u64::from_le_bytes(pair[..8].try_into().unwrap());
            let val = u64::from_le_bytes(pair[8..].try_into().unwrap());
            if key == 9 {
                return val.wrapping_sub(elf_entry);
            }
        }
        0
    }

    fn poke_byte(pid: Pid, addr: u64, byte: u8) -> nix::Result<u8> {
        let word = ptrace::read(pid, addr as ptrace::AddressType)?;
        let old = (word & 0xff) as u8;
        let new = (word & !0xff) | byte as i64;
        ptrace::write(pid, addr as ptrace::AddressType, new)?;
        Ok(old)
    }

    pub fn run(
        target: &Target,
        opts: &ProbeOptions,
        wanted: &[(u64, usize)],
        results: &mut [BreakResult],
        addr_info: &HashMap<u64, (String, u64)>,
    ) -> Result<ProbeReport, ProbeError> {
        let path = target.path();
        let cpath = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| ProbeError::Usage("path contains a NUL byte".into()))?;
        let mut argv = vec![cpath.clone()];
        for a in &opts.args {
            argv.push(
                CString::new(a.as_bytes())
                    .map_err(|_| ProbeError::Usage("argument contains a NUL byte".into()))?,
            );
        }
        let cwd = opts
            .cwd
            .as_ref()
            .map(|c| CString::new(c.as_os_str().as_bytes()).unwrap_or_default());
        let devnull = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/null")
            .map_err(|e| ProbeError::Failed(format!("/dev/null: {e}")))?;
        // The child reports a failure before exec (errno) through this pipe; on success
        // exec closes it (O_CLOEXEC) and the parent reads EOF.
        let (rd, wr) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
            .map_err(|e| ProbeError::Failed(format!("pipe: {e}")))?;
        let start = Instant::now();
        // SAFETY: the child only calls async-signal-safe functions before exec.
        let child = match unsafe { fork() } {
            Err(e) => return Err(ProbeError::Failed(format!("fork: {e}"))),
            Ok(ForkResult::Child) => {
                let fail = |stage: u8, e: Errno| -> ! {
                    let msg = [stage, (e as i32 & 0xff) as u8, ((e as i32) >> 8) as u8];
                    let _ = nix::unistd::write(&wr, &msg);
                    unsafe { nix::libc::_exit(127) }
                };
                let _ = nix::unistd::setpgid(Pid::from_raw(0), Pid::from_raw(0));
                if !opts.stdin {
                    unsafe { nix::libc::dup2(devnull.as_raw_fd(), 0) };
                }
                if opts.quiet {
                    unsafe { nix::libc::dup2(devnull.as_raw_fd(), 1) };
                    unsafe { nix::libc::dup2(devnull.as_raw_fd(), 2) };
                }
                if let Some(c) = &cwd {
                    if let Err(e) = nix::unistd::chdir(c.as_c_str()) {
                        fail(1, e);
                    }
                }
                if let Err(e) = ptrace::traceme() {
                    fail(2, e);
                }
                let e = nix::unistd::execv(&cpath, &argv).unwrap_err();
                fail(3, e)
            }
            Ok(ForkResult::Parent { child }) => child,
        };
        drop(wr);
        let mut buf = [0u8; 3];
        let n = nix::unistd::read(&rd, &mut buf).unwrap_or(0);
        if n == 3 {
            let _ = waitpid(child, None);
            let errno = Errno::from_raw(buf[1] as i32 | (buf[2] as i32) << 8);
            return Err(match (buf[0], errno) {
                (2, Errno::EPERM) => ProbeError::Denied(format!(
                    "ptrace(PTRACE_TRACEME) refused: {errno}; {}",
                    ptrace_diagnosis()
                )),
                (1, e) => ProbeError::Usage(format!("cannot change to the working directory: {e}")),
                (3, Errno::EACCES) | (3, Errno::ENOEXEC) => {
                    ProbeError::Usage(format!("{}: cannot execute: {errno}", path.display()))
                }
                (_, e) => ProbeError::Failed(format!("cannot start {}: {e}", path.display())),
            });
        }
        let pgid = child;
        let kill_all = || {
            let _ = signal::killpg(pgid, Signal::SIGKILL);
            let _ = signal::kill(child, Signal::SIGKILL);
        };
        // The exec stop.
        match waitpid(child, Some(WaitPidFlag::__WALL)) {
            Ok(WaitStatus::Stopped(_, Signal::SIGTRAP)) => {}
            Ok(other) => {
                kill_all();
                return Err(ProbeError::Failed(format!(
                    "unexpected first stop: {other:?}"
                )));
            }
            Err(e) => return Err(ProbeError::Failed(format!("waitpid: {e}"))),
        }
        let options = ptrace::Options::PTRACE_O_TRACECLONE | ptrace::Options::PTRACE_O_EXITKILL;
        if let Err(e) = ptrace::setoptions(child, options) {
            kill_all();
            return Err(ProbeError::Failed(format!("PTRACE_SETOPTIONS: {e}")));
        }
        let base = if target.image().is_pie() {
            load_base(child, target.image().entry())
        } else {
            0
        };
        // Insert int3 at every address; remember the original bytes.
        let mut originals: HashMap<u64, u8> = HashMap::new();
        // Breakpoints taken out once they needed no more hits: another thread may still
        // report the int3 it executed just before.
        let mut removed: std::collections::HashSet<u64> = std::collections::HashSet::new();
        let mut owner: HashMap<u64, Vec<usize>> = HashMap::new();
        for &(addr, idx) in wanted {
            let a = addr.wrapping_add(base);
            owner.entry(a).or_default().push(idx);
            if let std::collections::hash_map::Entry::Vacant(v) = originals.entry(a) {
                match poke_byte(child, a, 0xcc) {
                    Ok(old) => {
                        v.insert(old);
                    }
                    Err(e) => {
                        kill_all();
                        return Err(ProbeError::Failed(format!(
                            "cannot write a breakpoint at {a:#x}: {e}"
                        )));
                    }
                }
            }
        }
        // Ctrl-C: stop cleanly (kill the tracee group) instead of leaving it traced.
        INTERRUPTED.store(false, Ordering::SeqCst);
        let handler = signal::SigHandler::Handler(on_sigint);
        let action =
            signal::SigAction::new(handler, signal::SaFlags::empty(), signal::SigSet::empty());
        let previous = unsafe { signal::sigaction(Signal::SIGINT, &action) }.ok();

        let _ = ptrace::cont(child, None);
        let mut end = String::from("exited");
        let mut exit_code = None;
        let mut exit_signal = None;
        let needed = results.iter().filter(|r| r.status != "not-bound").count();
        let done = |results: &[BreakResult], count: u32| {
            needed > 0
                && results
                    .iter()
                    .filter(|r| r.status != "not-bound")
                    .all(|r| r.hits >= count)
        };
        loop {
            if INTERRUPTED.load(Ordering::SeqCst) {
                end = "interrupted".into();
                kill_all();
                break;
            }
            if start.elapsed() > opts.timeout {
                end = "timeout".into();
                kill_all();
                break;
            }
            // Only the tracee's process group: other children of this process (a test
            // harness, a library user's own processes) are not ours to reap.
            let status = match waitpid(
                Pid::from_raw(-pgid.as_raw()),
                Some(WaitPidFlag::__WALL | WaitPidFlag::WNOHANG),
            ) {
                Ok(WaitStatus::StillAlive) => {
                    std::thread::sleep(Duration::from_micros(500));
                    continue;
                }
                Ok(s) => s,
                Err(Errno::EINTR) => continue,
                Err(Errno::ECHILD) => break,
                Err(e) => {
                    kill_all();
                    return Err(ProbeError::Failed(format!("waitpid: {e}")));
                }
            };
            match status {
                WaitStatus::Exited(pid, code) if pid == child => {
                    exit_code = Some(code);
                    end = "exited".into();
                    break;
                }
                WaitStatus::Signaled(pid, sig, _) if pid == child => {
                    exit_signal = Some(format!("{sig:?}"));
                    end = "killed-by-signal".into();
                    break;
                }
                WaitStatus::Exited(..) | WaitStatus::Signaled(..) => {}
                WaitStatus::PtraceEvent(pid, _, _) => {
                    // A new thread (PTRACE_EVENT_CLONE): it starts traced and stopped.
                    let _ = ptrace::cont(pid, None);
                }
                WaitStatus::Stopped(pid, Signal::SIGTRAP) => {
                    let Ok(mut regs) = ptrace::getregs(pid) else {
                        let _ = ptrace::cont(pid, None);
                        continue;
                    };
                    let pc = regs.rip.wrapping_sub(1);
                    let Some(orig) = originals.get(&pc).copied() else {
                        if removed.contains(&pc) {
                            regs.rip = pc;
                            let _ = ptrace::setregs(pid, regs);
                            let _ = ptrace::cont(pid, None);
                        } else {
                            // Not ours (a SIGTRAP of the program itself): deliver it.
                            let _ = ptrace::cont(pid, Signal::SIGTRAP);
                        }
                        continue;
                    };
                    let ms = start.elapsed().as_millis() as u64;
                    for &idx in owner.get(&pc).map(Vec::as_slice).unwrap_or(&[]) {
                        let r = &mut results[idx];
                        r.hits += 1;
                        if r.status != "hit" {
                            r.status = "hit";
                            r.first_hit_ms = Some(ms);
                            r.thread = Some(pid.as_raw());
                            r.pc = Some(pc);
                            r.address = Some(pc.wrapping_sub(base));
                            if let Some((f, l)) = addr_info.get(&pc.wrapping_sub(base)) {
                                r.file = Some(f.clone()).filter(|f| !f.is_empty());
                                r.line = Some(*l).filter(|&l| l > 0);
                            }
                        }
                    }
                    if done(results, opts.count) {
                        end = "stopped-all-hit".into();
                        kill_all();
                        break;
                    }
                    // Step over: restore the instruction, rewind, single-step, re-arm
                    // (or leave it removed once this breakpoint needs no more hits).
                    let _ = poke_byte(pid, pc, orig);
                    regs.rip = pc;
                    let _ = ptrace::setregs(pid, regs);
                    let still_needed = owner
                        .get(&pc)
                        .is_some_and(|v| v.iter().any(|&i| results[i].hits < opts.count));
                    if still_needed {
                        let _ = ptrace::step(pid, None);
                        let _ = waitpid(pid, Some(WaitPidFlag::__WALL));
                        let _ = poke_byte(pid, pc, 0xcc);
                    } else {
                        originals.remove(&pc);
                        removed.insert(pc);
                    }
                    let _ = ptrace::cont(pid, None);
                }
                WaitStatus::Stopped(pid, Signal::SIGSTOP) => {
                    // New threads start with SIGSTOP; swallow it.
                    let _ = ptrace::cont(pid, None);
                }
                WaitStatus::Stopped(pid, sig) => {
                    // Go's runtime signals (SIGURG preemption, SIGPIPE, SIGCHLD, SIGPROF)
                    // go to the program unchanged.
                    let _ = ptrace::cont(pid, sig);
                }
                _ => {}
            }
        }
        // Reap everything: nothing is left behind.
        kill_all();
        let reap_deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match waitpid(
                Pid::from_raw(-pgid.as_raw()),
                Some(WaitPidFlag::__WALL | WaitPidFlag::WNOHANG),
            ) {
                Ok(WaitStatus::StillAlive) => {
                    if Instant::now() > reap_deadline {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(_) => break,
                Ok(_) => {}
            }
        }
        if let Some(p) = previous {
            let _ = unsafe { signal::sigaction(Signal::SIGINT, &p) };
        }
        let elapsed_ms = start.elapsed().as_millis() as u64;
        for r in results.iter_mut().filter(|r| r.status == "not-hit") {
            r.reason = Some(match end.as_str() {
                "exited" => format!(
                    "not hit before exit: the process exited with status {} after {elapsed_ms} ms (the location is bound: that code path did not run)",
                    exit_code.unwrap_or(0)
                ),
                "killed-by-signal" => format!(
                    "not hit: the process was killed by {} after {elapsed_ms} ms",
                    exit_signal.as_deref().unwrap_or("a signal")
                ),
                "timeout" => format!(
                    "not hit within the timeout ({} ms); the process was killed",
                    opts.timeout.as_millis()
                ),
                "interrupted" => "not hit: interrupted (Ctrl-C); the process was killed".into(),
                _ => "not hit: the program stopped once the other breakpoints were hit".into(),
            });
        }
        Ok(ProbeReport {
            binary: path.display().to_string(),
            load_base: base,
            breakpoints: results.to_vec(),
            end,
            exit_code,
            signal: exit_signal,
            elapsed_ms,
        })
    }
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
mod linux {
    use super::*;
    pub fn run(
        _: &Target,
        _: &ProbeOptions,
        _: &[(u64, usize)],
        _: &mut [BreakResult],
        _: &std::collections::HashMap<u64, (String, u64)>,
    ) -> Result<ProbeReport, ProbeError> {
        Err(ProbeError::Usage(
            "probe is supported on Linux x86-64 only".into(),
        ))
    }
}
