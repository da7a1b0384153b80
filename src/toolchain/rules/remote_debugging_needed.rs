//! DD506 remote-debugging-needed: built for another platform: debug it remotely.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD506"),
    name: "remote-debugging-needed",
    severity: Severity::Error,
    title: "built for another platform: debug it remotely",
    explain: r#"
What it does
  Compares the binary's GOOS/GOARCH with this machine's.

Why it breaks debugging
  A debugger can only run a program on the platform it was built for: here, dlv exec
  refuses it ("could not launch process: not an executable file" for Windows and macOS
  binaries, "fork/exec ...: exec format error" for linux/arm64), so this is an error for
  local debugging; remote debugging on the right machine is the way.

Verified with
  Delve 1.20.2 and Delve 1.27.1 on linux/amd64, with Go 1.25.5 builds of a hello program
  for windows/amd64, darwin/arm64 and linux/arm64: both refuse all three as quoted above
  (tests/it/env_verdicts.rs). The remote fix cannot be run on the machine debugdoctor's tests
  run on (linux/amd64 only); the remote attach it ends in is proven there with a
  linux/amd64 binary and a headless Delve 1.27.1 (tests/it/doctor.rs).

Fix
  On the target machine: dlv --headless --listen=:2345 --api-version=2 exec ./app
  Here: dlv connect HOST:2345 (or a VS Code "attach" configuration with "mode": "remote").
  Or rebuild for this machine: GOOS=linux GOARCH=amd64 go build -gcflags="all=-N -l".

How to verify by hand
  file BINARY;  go version -m BINARY | grep -E 'GOOS|GOARCH'
"#,
};

/// The binary is for another platform than `host` (`linux/amd64`).
pub fn check(t: &Target, host: &str) -> Option<Finding> {
    let (os, arch) = (t.goos(), t.goarch());
    if format!("{os}/{arch}") == host {
        return None;
    }
    let name = t
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(
        Finding::new(
            &RULE,
            format!("{} is a {os}/{arch} binary; this machine is {host}", t.path().display()),
        )
        .fix(format!(
            "on a {os}/{arch} machine: dlv --headless --listen=:2345 --api-version=2 exec ./{name} ; here: dlv connect HOST:2345 ; or rebuild for this machine: GOOS={hos} GOARCH={harch} go build -gcflags=\"all=-N -l\"",
            hos = host.split('/').next().unwrap_or(""),
            harch = host.split('/').nth(1).unwrap_or(""),
        )),
    )
}
