//! `probe`: run the binary under ptrace and report whether each breakpoint is really hit.
//! The manual check it replaces is `dlv exec ./bin` + `break LOC` + `continue`.
//!
//! Linux x86-64 only (int3 breakpoints, `user_regs_struct.rip`); elsewhere a clear error.
//! The tracee runs in its own process group and is traced with PTRACE_O_EXITKILL, so it
//! dies with us; on timeout, error or Ctrl-C the whole group is killed and reaped.

pub mod rules;

use std::path::PathBuf;
use std::time::Duration;

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
    /// `exited`, `killed-by-signal`, `stopped-all-hit`, `stopped-all-bound-hit` (every
    /// bound breakpoint hit, some did not bind), `timeout`, `interrupted`.
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

/// `check --probe`: run to `main.main` and turn the outcome into a finding (none when it
/// was hit).
pub fn probe_main(target: &Target, timeout: Duration) -> Option<crate::diagnostic::Finding> {
    use crate::diagnostic::Finding;
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
                .severity(crate::diagnostic::Severity::Warning),
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
mod linux;

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
