//! DD418 launch-connects-to-server: "port" on a dlv-dap launch makes vscode-go connect to a
//! dlv server instead of starting one.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD418"),
    name: "launch-connects-to-server",
    severity: Severity::Warning,
    title: "port/host on a launch: vscode-go connects to an external dlv instead of starting one",
    explain: r#"
What it does
  Flags "port" on a "request": "launch" configuration that uses the dlv-dap adapter (the
  default), when "host" is absent or local (127.0.0.1, localhost): a host elsewhere
  says you run `dlv dap` there on purpose, and is not reported.

Why it breaks debugging
  With dlv-dap, a "port" tells vscode-go not to start Delve but to connect to a
  `dlv dap --listen=<host>:<port>` server you started yourself ("If a port attribute is
  added to any of the launch configurations, it will signal VS Code that instead of
  launching the debug server internally, it should connect to an external
  user-specified dlv dap server", vscode-go docs/debugging.md). The "port": 2345,
  "host": "127.0.0.1" pair that old snippets (legacy adapter) put in every launch
  configuration therefore fails with "connect ECONNREFUSED" when no such server runs,
  and "program" is then a path on the server's machine.

Fix
  Remove "port" and "host" to let vscode-go start Delve, or keep them only if you do
  run `dlv dap --listen` yourself (then "program" must be valid on that machine).

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  after the printed removal of port and host, main.main and main.go:26 bind and stop
  (tests/it/fix_proofs.rs).

How to verify by hand
  Start the configuration with no dlv running: the Debug Console shows the connection
  error.
"#,
};

/// `"port"` on a dlv-dap launch.
pub fn finding(port: &str, host: Option<&str>) -> Finding {
    let at = match host {
        Some(h) => format!("{h}:{port}"),
        None => format!("127.0.0.1:{port}"),
    };
    Finding::new(
        &RULE,
        format!(
            "\"port\" on a dlv-dap launch: vscode-go connects to a dlv dap server at {at} instead of starting Delve; without one running the session fails"
        ),
    )
    .fix("remove \"port\" and \"host\" (keep them only for a `dlv dap --listen` you start yourself)")
}
