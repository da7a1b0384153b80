//! DD414 remote-without-address: a remote attach configuration without a port to connect to.

use jsonc_parser::ast::Object;

use crate::diagnostic::{Finding, Rule, RuleId, Severity};

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

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  with "port" and "host" set to the address a headless Delve listens on, main.main and
  main.go:26 bind and stop (tests/it/fix_proofs.rs).

How to verify by hand
  nc -z <host> <port> while the dlv server runs.
"#,
};

/// An attach in mode remote without `"port"`: the finding, on the mode attribute.
pub fn check(obj: &Object<'_>) -> Option<(Finding, usize)> {
    if obj.get("port").is_some() {
        return None;
    }
    let at = obj.get("mode").map_or(obj.range.start, |p| p.range.start);
    Some((
        Finding::new(
            &RULE,
            "attach mode \"remote\" has no \"port\": nothing to connect to",
        )
        .fix("add \"port\": 2345 (and \"host\") matching dlv --headless --listen"),
        at,
    ))
}
