//! DD507 tool-missing: a debugging tool was not found.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::toolchain::Environment;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD507"),
    name: "tool-missing",
    severity: Severity::Info,
    title: "a debugging tool was not found (error: the dlv asked for is not Delve)",
    explain: r#"
What it does
  Looks for go, dlv and gdb on PATH (or where --go/--dlv and go.alternateTools say).

  A dlv named explicitly (--dlv, or go.alternateTools in .vscode/settings.json, which
  vscode-go starts) that is not Delve is an error, with what it answered to
  `dlv version` (its exit status and first line); a missing tool is info.

Why it matters for debugging
  Without dlv nothing can debug Go here (vscode-go needs it too); without go, vscode-go
  cannot build the program in debug mode. A go.alternateTools entry that is not Delve
  makes every vscode-go debug session fail to start.

Verified with
  Delve 1.20.2 (Debian) and Delve 1.27.1, found through --dlv, go.alternateTools and PATH;
  a --dlv that is not Delve (/bin/true, a script: no "Version:" line from `dlv version`)
  is an error naming what it printed. Pointing --dlv at a real dlv clears the error, and
  Go's bin directory on PATH clears "go not found" (tests/it/fix_proofs.rs). Not applied
  on the machine debugdoctor's tests run on: `go install ...dlv@latest`, for no Go
  module proxy is reachable there (Delve 1.27.1 is built from its source release).

Fix
  go install github.com/go-delve/delve/cmd/dlv@latest (needs go);
  apt-get install golang gdb, or your platform's packages. For a --dlv or
  go.alternateTools entry that is not Delve: point it at Delve's dlv (`command -v dlv`).

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
        // A dlv the user named (--dlv, go.alternateTools) that is not Delve: they asked
        // for that one, so nothing debugs as they asked; an error.
        let named = env.dlv_error_source.as_deref().filter(|s| *s != "PATH");
        match (&env.dlv_error, named) {
            (Some(e), Some(source)) => out.push(
                Finding::new(&RULE, format!("{source} {e}"))
                    .severity(Severity::Error)
                    .evidence(format!("named by {source}"))
                    .fix(format!(
                        "point {source} at Delve's dlv (command -v dlv), or install it: go install github.com/go-delve/delve/cmd/dlv@latest"
                    )),
            ),
            (e, _) => {
                let msg = e
                    .clone()
                    .unwrap_or_else(|| "dlv (Delve) not found on PATH".into());
                out.push(
                    Finding::new(&RULE, msg)
                        .fix("go install github.com/go-delve/delve/cmd/dlv@latest"),
                )
            }
        }
    }
    out
}
