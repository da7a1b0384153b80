//! Findings of `env`: one rule per file.

/// What the DD5xx rules about Delve and the binary were checked against: the verdict of
/// `debugdoctor env --dlv DLV BINARY` equals what the real `dlv exec BINARY` does on
/// every cell (tests/it/env_verdicts.rs measures it again on each run). One text, shared
/// by the explain texts of DD501–DD504 and DD508.
macro_rules! verified_with {
    () => {
        r#"
Verified with
  Delve 1.20.2 (Debian, built with go1.19.8) and Delve 1.27.1 (built with go1.25.5) on
  Go 1.19.8, 1.21.13, 1.25.5 and 1.27.3 builds of a hello program (linux/amd64): dlv
  exec BINARY, break main.main, continue, break main.go:28, continue, locals. error =
  refuses, or a breakpoint does not bind; warning = binds and stops, variables lost;
  ok = binds, stops, variables read. env's verdict is the same in every cell:
                          Delve 1.20.2                  Delve 1.27.1
    go1.19 default/split  ok                            error: Go too old (DD504)
    go1.21 default/split  error: Delve too old (DD501)  error: Go too old (DD504)
    go1.25 default/split  error: DD501 (and DD502)      ok
    go1.27 default/split  error: DD501 (and DD502)      ok
    go1.25/1.27 nodwarf5  error: DD501                  ok
    any -s -w, or split   error: refuses, "could not    error: main.main only: no
    with the .debug file  open debug info" (DD508)      file:line, no variables (DD508)
    missing
    windows, darwin/arm64 error: "not an executable     error: the same (DD506)
    or linux/arm64 build  file" / "exec format error"
                          (DD506)
  (split = objcopy'd .debug file beside the binary; no nodwarf5 build for Go 1.19/1.21,
  which emit DWARF 4 anyway.) With --check-go-version=false Delve 1.20.2 binds and stops
  on every Go 1.21-1.27 build that has DWARF; variables are read from DWARF 4 builds
  (go1.21, nodwarf5) and lost on DWARF 5 ones (warning, DD502); Delve 1.27.1 reads Go
  1.19 and 1.21 builds fully.
"#
    };
}

pub mod delve_cannot_read_dwarf5;
pub mod delve_needs_dwarf;
pub mod delve_too_new;
pub mod delve_too_old;
pub mod go_newer_than_delve;
pub mod ptrace_blocked;
pub mod remote_debugging_needed;
pub mod tool_missing;
