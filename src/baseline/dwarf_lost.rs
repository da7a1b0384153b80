//! DD802 dwarf-lost: the baseline recorded DWARF for this binary; the binary now has none
//! (and no separate debug file was found).

use crate::checks::Rule;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    id: "DD802",
    name: "dwarf-lost",
    severity: Severity::Error,
    title: "DWARF present in the baseline, gone now",
    explain: r#"
What it does
  With `check --baseline FILE`, compares whether the binary (or its separate debug file)
  carries DWARF with what the baseline recorded for the same binary.

Why it breaks debugging
  Without DWARF, file:line breakpoints cannot bind at all and no variable can be shown
  (see DD101). The usual cause is `-ldflags="-s -w"` (`-s` alone also drops DWARF: on ELF
  and PE in every Go version, on Mach-O since Go 1.22), a `strip` step added to a Dockerfile or release script, or `objcopy
  --strip-debug` without keeping the debug file.

Fix
  Remove `-s`/`-w` from -ldflags (or the strip step) for the build you debug; or keep the
  DWARF in a separate file:
      objcopy --only-keep-debug app app.debug && objcopy --strip-debug --add-gnu-debuglink=app.debug app

How to verify by hand
  readelf -S app | grep debug_info
  go version -m app | grep ldflags
"#,
};
