//! DD505 ptrace-blocked: ptrace is restricted: the debugger cannot start or attach.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::toolchain::ptrace::PtraceStatus;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD505"),
    name: "ptrace-blocked",
    severity: Severity::Error,
    title: "ptrace is restricted: the debugger cannot start or attach",
    explain: r#"
What it does
  Reads /proc/sys/kernel/yama/ptrace_scope, the effective capabilities (CAP_SYS_PTRACE),
  the seccomp mode and container markers of this process.

Why it breaks debugging
  Delve (native backend) and gdb need ptrace. Launching (dlv exec/debug, VS Code's
  launch) needs ptrace on a child; attaching (dlv attach, VS Code's attach) needs it on an
  arbitrary process: Yama scope 1 allows only the first, scope 2 needs CAP_SYS_PTRACE,
  scope 3 forbids both. Containers often lack CAP_SYS_PTRACE or filter ptrace.

Verified with
  Delve 1.20.2 and Delve 1.27.1 launch and attach on this project's test machine, where
  ptrace is allowed (no Yama); the blocked cases are read from the kernel's rules
  (Documentation/admin-guide/LSM/Yama.rst), not measured with either Delve.

Fix
  docker run --cap-add=SYS_PTRACE --security-opt seccomp=unconfined ...;
  Kubernetes: securityContext.capabilities.add: ["SYS_PTRACE"];
  sysctl kernel.yama.ptrace_scope=1 (scope 3 needs a reboot).

How to verify by hand
  cat /proc/sys/kernel/yama/ptrace_scope; grep -E 'CapEff|Seccomp' /proc/self/status
"#,
};

/// Launching refused (error), or only attaching refused (info).
pub fn check(ptrace: &PtraceStatus) -> Option<Finding> {
    if !ptrace.can_launch {
        Some(
            Finding::new(
                &RULE,
                "ptrace is not permitted: no debugger can start a program here",
            )
            .evidence(ptrace.notes.join("; ")),
        )
    } else if !ptrace.can_attach {
        Some(
            Finding::new(&RULE, "launching works, attaching to a running process does not")
                .severity(Severity::Info)
                .evidence(ptrace.notes.join("; "))
                .fix("for dlv attach: run as root or grant CAP_SYS_PTRACE (docker: --cap-add=SYS_PTRACE)"),
        )
    } else {
        None
    }
}
