//! Shared helpers for integration tests: the fixture manifest written by
//! `scripts/fixtures`, the toolchain that built each fixture, running debugdoctor
//! ([`run`], [`dd`]) and running other commands ([`exec`]).
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use serde_json::Value;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One fixture binary, as listed in `.cache/fixtures/manifest.json`.
#[derive(Clone, Debug)]
pub struct Fixture {
    /// Absolute path of the executable (for split/buildid kinds: the directory).
    pub path: PathBuf,
    /// `1.25.5`, or None for non-Go inputs.
    pub go: Option<String>,
    pub program: String,
    pub variant: String,
    pub goos: String,
    pub goarch: String,
    pub kind: String,
    pub raw: Value,
}

impl Fixture {
    /// `go1.25.5/hello/default`, for messages.
    pub fn label(&self) -> String {
        format!(
            "go{}/{}/{}",
            self.go.as_deref().unwrap_or("-"),
            self.program,
            self.variant
        )
    }
    pub fn go_at_least(&self, minor: u32) -> bool {
        self.go
            .as_deref()
            .and_then(|v| v.split('.').nth(1))
            .and_then(|m| m.parse::<u32>().ok())
            .is_some_and(|m| m >= minor)
    }
    pub fn is_host_platform(&self) -> bool {
        self.goos == "linux" && self.goarch == "amd64"
    }
}

/// All fixtures. Panics with a clear message when `scripts/fixtures` has not run.
pub fn fixtures() -> Vec<Fixture> {
    let manifest = repo_root().join(".cache/fixtures/manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run scripts/fixtures first (scripts/test does)",
            manifest.display()
        )
    });
    let items: Vec<Value> = serde_json::from_str(&text).expect("manifest.json is valid JSON");
    items
        .into_iter()
        .map(|v| {
            let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            Fixture {
                path: repo_root().join(s("path")),
                go: v.get("go").and_then(Value::as_str).map(str::to_string),
                program: s("program"),
                variant: s("variant"),
                goos: s("goos"),
                goarch: s("goarch"),
                kind: s("kind"),
                raw: v.clone(),
            }
        })
        .collect()
}

pub fn fixture(go: &str, program: &str, variant: &str) -> Fixture {
    fixtures()
        .into_iter()
        .find(|f| f.go.as_deref() == Some(go) && f.program == program && f.variant == variant)
        .unwrap_or_else(|| panic!("no fixture go{go}/{program}/{variant} in the manifest"))
}

/// The `go` command of a pinned toolchain version.
pub fn go_tool(version: &str) -> PathBuf {
    if version.starts_with("1.19") {
        return PathBuf::from("/usr/lib/go-1.19/bin/go");
    }
    repo_root()
        .join(".cache/go")
        .join(version)
        .join("go/bin/go")
}

/// What one run of debugdoctor left: exit status and code, stdout and stderr.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    /// The exit code; -1 when a signal ended the process.
    pub code: i32,
    /// stdout as text (invalid UTF-8 replaced).
    pub stdout: String,
    /// stderr as text (invalid UTF-8 replaced).
    pub stderr: String,
    /// stdout byte for byte, for parsers that must see invalid UTF-8 as such.
    pub stdout_bytes: Vec<u8>,
}

impl Output {
    /// `(code, stdout, stderr)`, the shape [`exec`] returns.
    pub fn parts(self) -> (i32, String, String) {
        (self.code, self.stdout, self.stderr)
    }
}

/// Runs the debugdoctor under test with `args` in the repository root (stdin
/// /dev/null, environment inherited) to completion.
pub fn run(args: &[&str]) -> Output {
    dd().args(args).run()
}

/// The debugdoctor under test, to add arguments, a working directory or environment
/// to before [`Dd::run`]: by default it runs in the repository root with stdin
/// /dev/null and the environment of the tests.
pub fn dd() -> Dd {
    let mut c = Command::new(env!("CARGO_BIN_EXE_debugdoctor"));
    c.current_dir(repo_root()).stdin(Stdio::null());
    Dd(c)
}

/// A debugdoctor command line being built; see [`dd`].
#[derive(Debug)]
pub struct Dd(Command);

impl Dd {
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Dd {
        self.0.arg(arg);
        self
    }
    pub fn args<I, S>(&mut self, args: I) -> &mut Dd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.0.args(args);
        self
    }
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Dd {
        self.0.current_dir(dir);
        self
    }
    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Dd {
        self.0.env(key, value);
        self
    }
    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Dd {
        self.0.env_remove(key);
        self
    }
    /// Runs it to completion, stdout and stderr captured.
    pub fn run(&mut self) -> Output {
        let out = self
            .0
            .output()
            .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", self.0));
        Output {
            status: out.status,
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            stdout_bytes: out.stdout,
        }
    }
    /// The command itself, for tests that spawn it with other stdio (a timeout, a
    /// closed pipe).
    pub fn command(&mut self) -> &mut Command {
        &mut self.0
    }
}

/// Runs another command (go, gdb, dlv, python3, ...) to completion and returns
/// (exit code, stdout, stderr).
pub fn exec(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Environment for running a pinned Go toolchain offline.
pub fn go_command(version: &str) -> Command {
    let mut c = Command::new(go_tool(version));
    c.env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOENV", "off")
        .env("GOCACHE", repo_root().join(".cache/gocache").join(version));
    c
}

/// A tool `scripts/toolchains` installs (Debian's dlv, gdb): missing, it fails the test
/// instead of skipping it.
pub fn require_tool(path: &str) -> &Path {
    let p = Path::new(path);
    assert!(p.exists(), "{path} not installed: run scripts/toolchains");
    p
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

/// Writes UPX's mark ("UPX!" in the first 4 KiB) into the zero padding after the ELF
/// program headers of `bin`, a copy of a real fixture: what DD106 recognises, without
/// UPX (which Debian 12 does not package).
pub fn mark_upx(bin: &Path) {
    let mut bytes = std::fs::read(bin).unwrap();
    let phoff = u64::from_le_bytes(bytes[0x20..0x28].try_into().unwrap()) as usize;
    let phnum = u16::from_le_bytes(bytes[0x38..0x3a].try_into().unwrap()) as usize;
    let at = phoff + phnum * 56 + 16;
    assert!(
        bytes[at..at + 4].iter().all(|&b| b == 0),
        "no padding to mark"
    );
    bytes[at..at + 4].copy_from_slice(b"UPX!");
    std::fs::write(bin, bytes).unwrap();
}

/// A seccomp filter that makes ptrace(2) fail with EPERM (x86-64), installed in the
/// child before exec: debugdoctor and the program it forks inherit it.
pub fn deny_ptrace() -> std::io::Result<()> {
    use nix::libc;
    const LD_ABS_W: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
    const JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    const RET_K: u16 = 0x06; // BPF_RET | BPF_K
    const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;
    const SYS_PTRACE: u32 = 101;
    let f = |code, jt, jf, k| libc::sock_filter { code, jt, jf, k };
    let prog = [
        f(LD_ABS_W, 0, 0, 4),              // seccomp_data.arch
        f(JEQ_K, 0, 3, AUDIT_ARCH_X86_64), // other arch: allow
        f(LD_ABS_W, 0, 0, 0),              // seccomp_data.nr
        f(JEQ_K, 0, 1, SYS_PTRACE),
        f(RET_K, 0, 0, 0x0005_0000 | libc::EPERM as u32), // SECCOMP_RET_ERRNO | EPERM
        f(RET_K, 0, 0, 0x7fff_0000),                      // SECCOMP_RET_ALLOW
    ];
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_ptr() as *mut libc::sock_filter,
    };
    // SAFETY: prctl with valid arguments; the program outlives the call.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
            || libc::prctl(
                libc::PR_SET_SECCOMP,
                libc::SECCOMP_MODE_FILTER,
                &fprog as *const libc::sock_fprog,
            ) != 0
        {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Runs the DAP client tests/dap/session.js on the scenario `file` (in `dir`, with the
/// npm packages scripts/toolchains installs, and without the `unset` environment
/// variables) and returns the document it prints.
pub fn dap_session(file: &Path, dir: &Path, unset: &[&str]) -> Value {
    let node_modules = repo_root().join(".cache/npm/node_modules");
    assert!(
        node_modules
            .join("@vscode/debugadapter-testsupport")
            .exists(),
        "{}: @vscode/debugadapter-testsupport missing: run scripts/toolchains",
        node_modules.display()
    );
    let mut cmd = Command::new("node");
    cmd.arg(repo_root().join("tests/dap/session.js"))
        .arg(file)
        .env("NODE_PATH", node_modules)
        .current_dir(dir);
    for k in unset {
        cmd.env_remove(k);
    }
    let out = cmd.output().expect("node");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The absolute path `binary` records for a source file ending in `suffix` (exactly one).
pub fn source_in(binary: &Path, suffix: &str) -> String {
    let t = debugdoctor::Target::open(binary).unwrap();
    let r = debugdoctor::resolve::Resolver::new(&t);
    let f = r.files_matching(suffix);
    assert_eq!(f.len(), 1, "{suffix} in {}", binary.display());
    r.index.files[f[0] as usize].clone()
}
