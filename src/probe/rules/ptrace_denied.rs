//! DD602 ptrace-denied: the machine does not let debugdoctor (or Delve) trace a process.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD602"),
    name: "ptrace-denied",
    severity: Severity::Error,
    title: "ptrace is not permitted here: no debugger can run the program",
    explain: r#"
What it does
  Starts the program with PTRACE_TRACEME, as Delve's native backend does, and reports
  when the kernel refuses (EPERM), with what this machine says about why: Yama
  ptrace_scope, the effective capabilities (CAP_SYS_PTRACE), seccomp.

Why it breaks debugging
  Delve and gdb need ptrace. In containers the default seccomp profile (older Docker) or
  a missing CAP_SYS_PTRACE blocks it; Yama ptrace_scope 2 or 3 restricts it to
  administrators or disables it.

Fix
  docker run --cap-add=SYS_PTRACE --security-opt seccomp=unconfined ...;
  sysctl kernel.yama.ptrace_scope=1 (scope 3 needs a reboot);
  in Kubernetes: securityContext.capabilities.add: ["SYS_PTRACE"].

Verified with
  Delve 1.27.1 on a Go 1.25.5 -N -l build, under a seccomp filter that makes ptrace
  fail with EPERM: `check --probe` reports this and `dlv exec` cannot start the program.
  Without the filter (what seccomp=unconfined gives a container), the probe hits
  main.main and Delve binds main.main and main.go:26 (tests/it/fix_proofs.rs). Not
  applied on the machine debugdoctor's tests run on: the docker, sysctl and Kubernetes
  settings themselves (no docker, no Yama there).

How to verify by hand
  cat /proc/sys/kernel/yama/ptrace_scope; grep -E 'CapEff|Seccomp' /proc/self/status;
  dlv exec ./app  (fails with "operation not permitted")
"#,
};
