//! Can this machine trace a process? Yama's ptrace_scope, the effective capabilities,
//! seccomp, no_new_privs and container markers, read from /proc — and what each blocks.

use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize)]
pub struct PtraceStatus {
    pub yama_scope: Option<u32>,
    pub cap_sys_ptrace: bool,
    /// 0 off, 1 strict, 2 filter.
    pub seccomp: Option<u32>,
    pub no_new_privs: bool,
    pub container: Option<String>,
    /// Launching a child under the debugger (dlv exec/debug, probe).
    pub can_launch: bool,
    /// Attaching to an already running process (dlv attach PID).
    pub can_attach: bool,
    pub notes: Vec<String>,
}

pub fn diagnose() -> PtraceStatus {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let mut s = PtraceStatus {
        yama_scope: read("/proc/sys/kernel/yama/ptrace_scope").and_then(|v| v.trim().parse().ok()),
        ..Default::default()
    };
    let status = read("/proc/self/status").unwrap_or_default();
    for line in status.lines() {
        if let Some(v) = line.strip_prefix("CapEff:") {
            s.cap_sys_ptrace = u64::from_str_radix(v.trim(), 16).unwrap_or(0) & (1 << 19) != 0;
        } else if let Some(v) = line.strip_prefix("Seccomp:") {
            s.seccomp = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("NoNewPrivs:") {
            s.no_new_privs = v.trim() == "1";
        }
    }
    s.container = if std::path::Path::new("/.dockerenv").exists() {
        Some("docker (/.dockerenv)".into())
    } else if std::path::Path::new("/run/.containerenv").exists() {
        Some("podman (/run/.containerenv)".into())
    } else {
        read("/proc/1/cgroup")
            .filter(|c| c.contains("docker") || c.contains("kubepods") || c.contains("containerd"))
            .map(|_| "container (cgroup)".into())
    };
    let scope = s.yama_scope.unwrap_or(0);
    s.can_launch = scope < 3 && (scope < 2 || s.cap_sys_ptrace);
    s.can_attach = scope == 0 || (scope < 3 && s.cap_sys_ptrace);
    match scope {
        1 => s.notes.push("yama ptrace_scope=1: a debugger may trace its own children (dlv exec/debug, probe); attaching to a running PID needs root or CAP_SYS_PTRACE".into()),
        2 => s.notes.push("yama ptrace_scope=2: only processes with CAP_SYS_PTRACE may trace".into()),
        3 => s.notes.push("yama ptrace_scope=3: ptrace is disabled until reboot".into()),
        _ => {}
    }
    if s.seccomp == Some(2) {
        s.notes.push("a seccomp filter is active: Docker's default profile blocks ptrace on kernels before 4.8; --security-opt seccomp=unconfined".into());
    }
    if s.container.is_some() && !s.cap_sys_ptrace {
        s.notes
            .push("in a container without CAP_SYS_PTRACE: run with --cap-add=SYS_PTRACE".into());
    }
    s
}
