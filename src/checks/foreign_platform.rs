//! DD108 foreign-platform: built for another GOOS/GOARCH than this machine.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD108"),
    name: "foreign-platform",
    severity: Severity::Warning,
    title: "built for another OS or architecture than this machine",
    explain: r#"
What it does
  Compares the binary's GOOS/GOARCH (build settings, else the object format and machine
  type) with the machine debugdoctor runs on.

Why it matters for debugging
  A debugger can only run and trace a program of its own platform: `dlv exec` of a
  windows/amd64 or darwin/arm64 binary on linux/amd64 fails ("could not launch process:
  ... exec format error" or "not an executable file", dlv#4229). Static checks still work.

Fix
  Debug on the target platform, remotely:
      dlv exec --headless --listen=:2345 --api-version=2 ./app     (on the target)
      dlv connect HOST:2345     (or a launch.json "request": "attach", "mode": "remote")
  or build for this machine: GOOS= GOARCH= go build ...

Verified with
  Delve 1.27.1: the printed rebuild (GOOS=linux GOARCH=amd64 go build -gcflags="all=-N
  -l"), run as printed on the windows/amd64 build of a hello program, clears this
  finding, and dlv exec binds main.main and main.go:26 (tests/it/fix_proofs.rs).
  Debugging on the target platform cannot be run on the machine debugdoctor's tests
  run on (linux/amd64 only); the remote attach it ends in is proven there with a
  linux/amd64 binary and a headless Delve 1.27.1 (tests/it/doctor.rs).

How to verify by hand
  go version -m app | grep -E 'GOOS|GOARCH' ; file app
"#,
};

/// This machine's platform as Go names it.
pub fn host_platform() -> (&'static str, &'static str) {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "arm",
        "riscv64" => "riscv64",
        "powerpc64" => "ppc64le",
        "s390x" => "s390x",
        "loongarch64" => "loong64",
        other => other,
    };
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    (os, arch)
}

pub fn run(t: &Target) -> Vec<Finding> {
    if !t.is_go() {
        return Vec::new();
    }
    let (hos, harch) = host_platform();
    let (goos, goarch) = (t.goos(), t.goarch());
    if goos == hos && goarch == harch {
        return Vec::new();
    }
    let source = if t.buildinfo().and_then(|b| b.setting("GOOS")).is_some() {
        "build settings"
    } else {
        "object format"
    };
    // Name the real file ("./app" for hello.exe was wrong twice); Windows shells run a
    // file in the current directory by its bare name.
    let name = t
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "app".into());
    let exe = if goos == "windows" {
        name
    } else {
        format!("./{name}")
    };
    vec![Finding::new(&RULE, format!("built for {goos}/{goarch}; this machine is {hos}/{harch}: it cannot run here under a debugger"))
        .evidence(format!("GOOS={goos} GOARCH={goarch} ({source}); {} {}", t.image().format().as_str(), t.image().arch_display()))
        .fix(format!("debug it on a {goos}/{goarch} machine with `dlv exec --headless --listen=:2345 --api-version=2 {exe}` and attach remotely, or rebuild for this machine: GOOS={hos} GOARCH={harch} go build -gcflags=\"all=-N -l\""))]
}
