//! DD801 build-setting-changed: a build setting that decides debuggability differs from
//! the baseline (`-gcflags`, `-ldflags`, `-trimpath`, `-buildmode`, `CGO_ENABLED`, or,
//! read from DWARF, the main package's compiler flags or trimmed source paths).

use crate::checks::Rule;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    id: "DD801",
    name: "build-setting-changed",
    severity: Severity::Error,
    title: "a debug-relevant build setting changed since the baseline",
    explain: r#"
What it does
  With `check --baseline FILE`, compares each binary with the facts recorded for it by
  `check --write-baseline FILE`: the build settings Go records in the binary
  (-gcflags, -ldflags, -trimpath, -buildmode, CGO_ENABLED, GOEXPERIMENT, as
  `go version -m` prints them) and, read from DWARF so that it also works when build
  info is missing, the compiler flags of the main package (DW_AT_producer after ';'),
  the DWARF version and compression, and whether source paths are trimmed.

Why it breaks debugging
  Debuggability is usually lost by a one-word change in a build script: `-s -w` added to
  -ldflags, `all=-N -l` dropped from -gcflags, -trimpath added to make builds
  reproducible. Each is silent: the build still works, and the next person to attach a
  debugger finds breakpoints that do not bind.

Fix
  If the change was not intended, restore the build command (the evidence shows the old
  and new value). If it was, record the new state:
      debugdoctor check --write-baseline debugdoctor-baseline.json BUILD_DIR

How to verify by hand
  go version -m app | grep -E 'gcflags|ldflags|trimpath'
  readelf --debug-dump=info app | grep -m1 -A1 'DW_AT_producer'
"#,
};
