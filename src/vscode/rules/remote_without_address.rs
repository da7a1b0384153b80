//! DD414 remote-without-address: a remote attach configuration without a port to connect to.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD414"),
    name: "remote-without-address",
    severity: Severity::Error,
    title: "attach mode remote without port",
    explain: r#"
What it does
  Checks that "request": "attach", "mode": "remote" has "port" (host defaults to
  127.0.0.1).

Why it breaks debugging
  Without a port vscode-go cannot reach the headless dlv server (dlv --headless
  --listen=:2345 ...), so the session never attaches and no breakpoint binds.

Fix
  Add "port": 2345 (and "host" when the server is not local) matching --listen.

How to verify by hand
  nc -z <host> <port> while the dlv server runs.
"#,
};
