//! The ptrace engine (Linux x86-64): spawn the program stopped at exec, write int3 at
//! every bound address (relocated by the PIE load base), follow every thread, step over
//! hit breakpoints, and end with everything killed and reaped.

use std::collections::{HashMap, HashSet};
use std::ffi::CString;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::ptrace;
use nix::sys::signal::{self, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};

use super::{ptrace_diagnosis, BreakResult, ProbeError, ProbeOptions, ProbeReport};
use crate::Target;

/// (file, line) of each unrelocated breakpoint address.
pub type AddrInfo = HashMap<u64, (String, u64)>;

pub fn run(
    target: &Target,
    opts: &ProbeOptions,
    wanted: &[(u64, usize)],
    results: &mut [BreakResult],
    addr_info: &AddrInfo,
) -> Result<ProbeReport, ProbeError> {
    let start = Instant::now();
    let tracee = spawn(target, opts)?;
    let base = if target.image().is_pie() {
        load_base(tracee.pid, target.image().entry())
    } else {
        0
    };
    let mut bps = match Breakpoints::insert(tracee.pid, wanted, base) {
        Ok(b) => b,
        Err(e) => {
            tracee.kill_all();
            return Err(e);
        }
    };
    let ending = {
        let _sigint = SigintGuard::install();
        let ending = trace(&tracee, opts, start, &mut bps, results, addr_info);
        // Reap everything, also after an error: nothing is left behind.
        tracee.kill_all();
        tracee.reap();
        ending?
    };
    let elapsed_ms = start.elapsed().as_millis() as u64;
    explain_not_hit(results, &ending, elapsed_ms, opts);
    Ok(ProbeReport {
        binary: target.path().display().to_string(),
        load_base: base,
        breakpoints: results.to_vec(),
        end: ending.end.to_string(),
        exit_code: ending.exit_code,
        signal: ending.signal,
        elapsed_ms,
    })
}

/// The traced program: the thread group leader, which also leads its process group.
struct Tracee {
    pid: Pid,
}

impl Tracee {
    fn kill_all(&self) {
        let _ = signal::killpg(self.pid, Signal::SIGKILL);
        let _ = signal::kill(self.pid, Signal::SIGKILL);
    }

    /// Waits (up to 5 s) until every process of the group is gone.
    fn reap(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match waitpid(
                Pid::from_raw(-self.pid.as_raw()),
                Some(WaitPidFlag::__WALL | WaitPidFlag::WNOHANG),
            ) {
                Ok(WaitStatus::StillAlive) => {
                    if Instant::now() > deadline {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(_) => break,
                Ok(_) => {}
            }
        }
    }
}

/// Forks and execs the program traced, in its own process group, stopped at exec with
/// clone-following and exit-kill set.
fn spawn(target: &Target, opts: &ProbeOptions) -> Result<Tracee, ProbeError> {
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
    // SAFETY: the child only calls async-signal-safe functions before exec.
    let child = match unsafe { fork() } {
        Err(e) => return Err(ProbeError::Failed(format!("fork: {e}"))),
        Ok(ForkResult::Child) => exec_child(&cpath, &argv, cwd.as_ref(), &devnull, &wr, opts),
        Ok(ForkResult::Parent { child }) => child,
    };
    drop(wr);
    let mut buf = [0u8; 3];
    if nix::unistd::read(&rd, &mut buf).unwrap_or(0) == 3 {
        let _ = waitpid(child, None);
        return Err(start_error(buf, path));
    }
    let tracee = Tracee { pid: child };
    // The exec stop.
    match waitpid(child, Some(WaitPidFlag::__WALL)) {
        Ok(WaitStatus::Stopped(_, Signal::SIGTRAP)) => {}
        Ok(other) => {
            tracee.kill_all();
            return Err(ProbeError::Failed(format!(
                "unexpected first stop: {other:?}"
            )));
        }
        Err(e) => return Err(ProbeError::Failed(format!("waitpid: {e}"))),
    }
    let options = ptrace::Options::PTRACE_O_TRACECLONE | ptrace::Options::PTRACE_O_EXITKILL;
    if let Err(e) = ptrace::setoptions(child, options) {
        tracee.kill_all();
        return Err(ProbeError::Failed(format!("PTRACE_SETOPTIONS: {e}")));
    }
    Ok(tracee)
}

/// In the forked child: own process group, stdin (and with `quiet` stdout/stderr) from
/// /dev/null, the working directory, PTRACE_TRACEME, exec. A failure before exec is
/// written to `report` as (stage, errno) for the parent; only async-signal-safe calls.
fn exec_child(
    cpath: &CString,
    argv: &[CString],
    cwd: Option<&CString>,
    devnull: &std::fs::File,
    report: &std::os::fd::OwnedFd,
    opts: &ProbeOptions,
) -> ! {
    let fail = |stage: u8, e: Errno| -> ! {
        let msg = [stage, (e as i32 & 0xff) as u8, ((e as i32) >> 8) as u8];
        let _ = nix::unistd::write(report, &msg);
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
    if let Some(c) = cwd {
        if let Err(e) = nix::unistd::chdir(c.as_c_str()) {
            fail(1, e);
        }
    }
    if let Err(e) = ptrace::traceme() {
        fail(2, e);
    }
    let e = nix::unistd::execv(cpath, argv).unwrap_err();
    fail(3, e)
}

/// The error for a child that reported (stage, errno) before exec: 1 chdir, 2
/// PTRACE_TRACEME, 3 exec.
fn start_error(buf: [u8; 3], path: &std::path::Path) -> ProbeError {
    let errno = Errno::from_raw(buf[1] as i32 | (buf[2] as i32) << 8);
    match (buf[0], errno) {
        (2, Errno::EPERM) => ProbeError::Denied(format!(
            "ptrace(PTRACE_TRACEME) refused: {errno}; {}",
            ptrace_diagnosis()
        )),
        (1, e) => ProbeError::Usage(format!("cannot change to the working directory: {e}")),
        (3, Errno::EACCES) | (3, Errno::ENOEXEC) => {
            ProbeError::Usage(format!("{}: cannot execute: {errno}", path.display()))
        }
        (_, e) => ProbeError::Failed(format!("cannot start {}: {e}", path.display())),
    }
}

/// AT_ENTRY from /proc/PID/auxv minus the ELF entry: the PIE load base.
fn load_base(pid: Pid, elf_entry: u64) -> u64 {
    let Ok(aux) = std::fs::read(format!("/proc/{pid}/auxv")) else {
        return 0;
    };
    for pair in aux.chunks_exact(16) {
        let key = crate::binary::bytes::u64_at(pair, 0, false).unwrap_or(0);
        let val = crate::binary::bytes::u64_at(pair, 8, false).unwrap_or(0);
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

/// The int3 breakpoints written into the tracee, by relocated address.
struct Breakpoints {
    base: u64,
    /// Original byte under each armed int3.
    originals: HashMap<u64, u8>,
    /// Taken out once they needed no more hits: another thread may still report the
    /// int3 it executed just before.
    removed: HashSet<u64>,
    /// Which results each address counts for.
    owner: HashMap<u64, Vec<usize>>,
}

impl Breakpoints {
    /// Writes int3 at every wanted address (binary address + `base`).
    fn insert(pid: Pid, wanted: &[(u64, usize)], base: u64) -> Result<Breakpoints, ProbeError> {
        let mut bps = Breakpoints {
            base,
            originals: HashMap::new(),
            removed: HashSet::new(),
            owner: HashMap::new(),
        };
        for &(addr, idx) in wanted {
            let a = addr.wrapping_add(base);
            bps.owner.entry(a).or_default().push(idx);
            if let std::collections::hash_map::Entry::Vacant(v) = bps.originals.entry(a) {
                let old = poke_byte(pid, a, 0xcc).map_err(|e| {
                    ProbeError::Failed(format!("cannot write a breakpoint at {a:#x}: {e}"))
                })?;
                v.insert(old);
            }
        }
        Ok(bps)
    }

    /// Counts a hit at `pc` (relocated) for every result it belongs to.
    fn record_hit(&self, pc: u64, pid: Pid, ms: u64, results: &mut [BreakResult], info: &AddrInfo) {
        for &idx in self.owner.get(&pc).map(Vec::as_slice).unwrap_or(&[]) {
            let r = &mut results[idx];
            r.hits += 1;
            if r.status != "hit" {
                r.status = "hit";
                r.first_hit_ms = Some(ms);
                r.thread = Some(pid.as_raw());
                r.pc = Some(pc);
                r.address = Some(pc.wrapping_sub(self.base));
                if let Some((f, l)) = info.get(&pc.wrapping_sub(self.base)) {
                    r.file = Some(f.clone()).filter(|f| !f.is_empty());
                    r.line = Some(*l).filter(|&l| l > 0);
                }
            }
        }
    }

    /// A SIGTRAP in thread `pid`: ours (count the hit, then step over it or leave it
    /// removed), one of a breakpoint already removed (rewind and go on), or the
    /// program's own (delivered). True when every bound breakpoint has its `count` hits.
    fn on_trap(
        &mut self,
        pid: Pid,
        ms: u64,
        results: &mut [BreakResult],
        info: &AddrInfo,
        count: u32,
    ) -> bool {
        let Ok(mut regs) = ptrace::getregs(pid) else {
            let _ = ptrace::cont(pid, None);
            return false;
        };
        let pc = regs.rip.wrapping_sub(1);
        let Some(orig) = self.originals.get(&pc).copied() else {
            if self.removed.contains(&pc) {
                regs.rip = pc;
                let _ = ptrace::setregs(pid, regs);
                let _ = ptrace::cont(pid, None);
            } else {
                // Not ours (a SIGTRAP of the program itself): deliver it.
                let _ = ptrace::cont(pid, Signal::SIGTRAP);
            }
            return false;
        };
        self.record_hit(pc, pid, ms, results, info);
        let bound = || results.iter().filter(|r| r.status != "not-bound");
        if bound().next().is_some() && bound().all(|r| r.hits >= count) {
            return true;
        }
        let still_needed = self
            .owner
            .get(&pc)
            .is_some_and(|v| v.iter().any(|&i| results[i].hits < count));
        self.step_over(pid, pc, orig, regs, still_needed);
        false
    }

    /// Steps `pid` over the breakpoint at `pc`: restore the instruction, rewind,
    /// single-step and re-arm, or leave it removed once its results need no more hits.
    fn step_over(
        &mut self,
        pid: Pid,
        pc: u64,
        orig: u8,
        mut regs: nix::libc::user_regs_struct,
        still_needed: bool,
    ) {
        let _ = poke_byte(pid, pc, orig);
        regs.rip = pc;
        let _ = ptrace::setregs(pid, regs);
        if still_needed {
            let _ = ptrace::step(pid, None);
            let _ = waitpid(pid, Some(WaitPidFlag::__WALL));
            let _ = poke_byte(pid, pc, 0xcc);
        } else {
            self.originals.remove(&pc);
            self.removed.insert(pc);
        }
        let _ = ptrace::cont(pid, None);
    }
}

/// How tracing ended.
struct Ending {
    /// `exited`, `killed-by-signal`, `stopped-all-hit`, `stopped-all-bound-hit` (every
    /// bound breakpoint hit, some did not bind), `timeout`, `interrupted`.
    end: &'static str,
    exit_code: Option<i32>,
    signal: Option<String>,
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: i32) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Ctrl-C stops tracing cleanly (the tracee group is killed) instead of leaving it
/// traced; the previous SIGINT action comes back when this is dropped.
struct SigintGuard(Option<signal::SigAction>);

impl SigintGuard {
    fn install() -> SigintGuard {
        INTERRUPTED.store(false, Ordering::SeqCst);
        let handler = signal::SigHandler::Handler(on_sigint);
        let action =
            signal::SigAction::new(handler, signal::SaFlags::empty(), signal::SigSet::empty());
        SigintGuard(unsafe { signal::sigaction(Signal::SIGINT, &action) }.ok())
    }
}

impl Drop for SigintGuard {
    fn drop(&mut self) {
        if let Some(p) = &self.0 {
            let _ = unsafe { signal::sigaction(Signal::SIGINT, p) };
        }
    }
}

/// The trace loop: runs the program until every bound breakpoint was hit `opts.count`
/// times, it ends, the timeout passes or Ctrl-C.
fn trace(
    tracee: &Tracee,
    opts: &ProbeOptions,
    start: Instant,
    bps: &mut Breakpoints,
    results: &mut [BreakResult],
    addr_info: &AddrInfo,
) -> Result<Ending, ProbeError> {
    let child = tracee.pid;
    let _ = ptrace::cont(child, None);
    let mut ending = Ending {
        end: "exited",
        exit_code: None,
        signal: None,
    };
    loop {
        if INTERRUPTED.load(Ordering::SeqCst) {
            ending.end = "interrupted";
            return Ok(ending);
        }
        if start.elapsed() > opts.timeout {
            ending.end = "timeout";
            return Ok(ending);
        }
        // Only the tracee's process group: other children of this process (a test
        // harness, a library user's own processes) are not ours to reap.
        let status = match waitpid(
            Pid::from_raw(-child.as_raw()),
            Some(WaitPidFlag::__WALL | WaitPidFlag::WNOHANG),
        ) {
            Ok(WaitStatus::StillAlive) => {
                std::thread::sleep(Duration::from_micros(500));
                continue;
            }
            Ok(s) => s,
            Err(Errno::EINTR) => continue,
            Err(Errno::ECHILD) => return Ok(ending),
            Err(e) => return Err(ProbeError::Failed(format!("waitpid: {e}"))),
        };
        match status {
            WaitStatus::Exited(pid, code) if pid == child => {
                ending.exit_code = Some(code);
                ending.end = "exited";
                return Ok(ending);
            }
            WaitStatus::Signaled(pid, sig, _) if pid == child => {
                ending.signal = Some(format!("{sig:?}"));
                ending.end = "killed-by-signal";
                return Ok(ending);
            }
            WaitStatus::Exited(..) | WaitStatus::Signaled(..) => {}
            WaitStatus::PtraceEvent(pid, _, _) => {
                // A new thread (PTRACE_EVENT_CLONE): it starts traced and stopped.
                let _ = ptrace::cont(pid, None);
            }
            WaitStatus::Stopped(pid, Signal::SIGTRAP) => {
                let ms = start.elapsed().as_millis() as u64;
                if bps.on_trap(pid, ms, results, addr_info, opts.count) {
                    // Every bound breakpoint was hit; say so only as `all-hit` when no
                    // breakpoint failed to bind.
                    ending.end = if results.iter().any(|r| r.status == "not-bound") {
                        "stopped-all-bound-hit"
                    } else {
                        "stopped-all-hit"
                    };
                    return Ok(ending);
                }
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
}

/// Says why each bound breakpoint that was not hit was not hit.
fn explain_not_hit(
    results: &mut [BreakResult],
    ending: &Ending,
    elapsed_ms: u64,
    opts: &ProbeOptions,
) {
    for r in results.iter_mut().filter(|r| r.status == "not-hit") {
        r.reason = Some(match ending.end {
            "exited" => format!(
                "not hit before exit: the process exited with status {} after {elapsed_ms} ms (the location is bound: that code path did not run)",
                ending.exit_code.unwrap_or(0)
            ),
            "killed-by-signal" => format!(
                "not hit: the process was killed by {} after {elapsed_ms} ms",
                ending.signal.as_deref().unwrap_or("a signal")
            ),
            "timeout" => format!(
                "not hit within the timeout ({} ms); the process was killed",
                opts.timeout.as_millis()
            ),
            "interrupted" => "not hit: interrupted (Ctrl-C); the process was killed".into(),
            _ => "not hit: the program stopped once the other breakpoints were hit".into(),
        });
    }
}
