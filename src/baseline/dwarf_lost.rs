//! DD802 dwarf-lost: the baseline recorded DWARF for this binary; the binary now has none
//! (and no separate debug file was found).

use super::BuildFacts;
use crate::diagnostic::{Finding, Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD802"),
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

Verified with
  Delve 1.27.1 (dlv exec) on Go 1.25.5 builds of hello: -ldflags="-s -w" added; after
  the build without -s/-w, the drift is gone against the same baseline and main.main
  and main.go:26 bind (tests/it/fix_proofs.rs).

How to verify by hand
  readelf -S app | grep debug_info
  go version -m app | grep ldflags
"#,
};

/// DD802 when the baseline had DWARF and the binary has none now.
pub fn drift(old: &BuildFacts, new: &BuildFacts) -> Option<Finding> {
    if old.dwarf && !new.dwarf {
        let mut f = Finding::new(
            &RULE,
            format!(
                "DWARF lost: the baseline had DWARF {}, the binary now has none",
                super::build_setting_changed::opt(old.dwarf_version)
            ),
        )
        .evidence("no .debug_info in the binary and no separate debug file found");
        if let Some(l) = new.settings.get("-ldflags") {
            f = f.evidence(format!("build setting -ldflags=\"{l}\""));
        }
        return Some(f.fix("remove -s/-w from -ldflags (or the strip step) for the debug build"));
    }
    None
}
