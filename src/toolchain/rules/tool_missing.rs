//! DD507 tool-missing: a debugging tool was not found.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::toolchain::Environment;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD507"),
    name: "tool-missing",
    severity: Severity::Info,
    title: "a debugging tool was not found",
    explain: r#"
What it does
  Looks for go, dlv and gdb on PATH (or where --go/--dlv and go.alternateTools say).

Why it matters for debugging
  Without dlv nothing can debug Go here (vscode-go needs it too); without go, vscode-go
  cannot build the program in debug mode.

Verified with
  Delve 1.20.2 (Debian) and Delve 1.27.1, found through --dlv, go.alternateTools and PATH;
  a --dlv that is not Delve (no "Version:" line from `dlv version`) is reported as such.

Fix
  go install github.com/go-delve/delve/cmd/dlv@latest (needs go);
  apt-get install golang gdb, or your platform's packages.

How to verify by hand
  command -v go dlv gdb
"#,
};

/// go or dlv missing (or `--dlv` is not Delve).
pub fn check(env: &Environment) -> Vec<Finding> {
    let mut out = Vec::new();
    if env.go.is_none() {
        out.push(
            Finding::new(&RULE, "go not found on PATH")
                .fix("install Go (https://go.dev/dl or the distribution's golang package)"),
        );
    }
    if env.dlv.is_none() {
        let msg = env
            .dlv_error
            .clone()
            .unwrap_or_else(|| "dlv (Delve) not found on PATH".into());
        out.push(
            Finding::new(&RULE, msg).fix("go install github.com/go-delve/delve/cmd/dlv@latest"),
        );
    }
    out
}
