//! DD202 partial-no-opt: `-gcflags=-N -l` without `all=`: main is debuggable, its
//! dependencies are not.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD202"),
    name: "partial-no-opt",
    severity: Severity::Warning,
    title: "-N -l applied to some packages only (missing all=)",
    explain: r#"
What it does
  Finds binaries whose main package was compiled with -N -l while other packages of the
  module, its dependencies or the standard library were optimised, per DW_AT_producer.

Why it breaks debugging
  A -gcflags value without a package pattern applies only to the packages named on the
  command line: `go build -gcflags="-N -l" .` disables optimisation in main alone
  (dlv#2867). Stepping into any other package lands in optimised code: lines are skipped
  and variables are unavailable. The claim that `-gcflags "-N -l"` disables optimisation
  everywhere is false.

Fix
  go build -gcflags="all=-N -l"      (note all=)

Verified with
  Delve 1.27.1 (dlv exec): `debugdoctor rebuild`'s printed command, run as printed on
  the Go 1.25.5 hello build that raises this, clears the finding, and Delve binds
  main.main and main.go:26 in the rebuilt binary (tests/it/fix_proofs.rs).

How to verify by hand
  go version -m app | grep gcflags      (-gcflags="-N -l", no all=)
  readelf --debug-dump=info app | grep -B2 -A2 'DW_AT_producer' | less
"#,
};

/// Packages compiled as part of the runtime, whose optimisation the compiler keeps
/// whatever -gcflags says ("It is not possible to build the runtime with no
/// optimizations": cmd/compile/internal/base/flag.go drops -N when CompilingRuntime).
/// The set is `runtimePkgs` in cmd/internal/objabi/pkgspecial.go (Go 1.21+), and
/// runtime, runtime/internal/*, internal/cpu, internal/bytealg, internal/abi in
/// cmd/go/internal/work/gc.go before that.
pub fn always_optimized(pkg: &str) -> bool {
    pkg == "runtime"
        || pkg.starts_with("runtime/internal/")
        || pkg.starts_with("internal/runtime/")
        || matches!(
            pkg,
            "internal/abi"
                | "internal/bytealg"
                | "internal/byteorder"
                | "internal/chacha8rand"
                | "internal/coverage/rtcov"
                | "internal/cpu"
                | "internal/goarch"
                | "internal/godebugs"
                | "internal/goexperiment"
                | "internal/goos"
                | "internal/profilerecord"
                | "internal/strconv"
                | "internal/stringslite"
        )
}

pub fn run(t: &Target) -> Vec<Finding> {
    let Some((go_units, main)) = super::go_units_with_main(t) else {
        return Vec::new();
    };
    if main.flags.optimized() {
        return Vec::new();
    }
    let mut optimized: Vec<&str> = go_units
        .iter()
        // A unit with -l but without -N is one the compiler itself kept optimised because
        // it belongs to the runtime (base.Flag.N is cleared for runtime packages); that is
        // the signature of `all=-N -l` reaching it, not of a missing `all=`.
        .filter(|u| u.flags.optimized() && !u.flags.no_inline && !always_optimized(&u.name))
        .map(|u| u.name.as_str())
        .collect();
    optimized.sort_unstable();
    optimized.dedup();
    if optimized.is_empty() {
        return Vec::new();
    }
    let gcflags = t.buildinfo().and_then(|b| b.setting("-gcflags"));
    let mut f = Finding::new(
        &RULE,
        format!(
            "main compiled with -N -l, but {} other packages optimised",
            optimized.len()
        ),
    )
    .evidence(format!(
        "DW_AT_producer \"{}\" on main",
        main.producer.as_deref().unwrap_or("")
    ));
    if let Some(first) = go_units.iter().find(|u| u.name == optimized[0]) {
        f = f.evidence(format!(
            "DW_AT_producer \"{}\" on {}",
            first.producer.as_deref().unwrap_or(""),
            first.name
        ));
    }
    if let Some(g) = gcflags {
        let (pattern, _) = crate::go::flags::gcflags_pattern(g);
        f = f.evidence(match pattern {
            None => format!("build setting -gcflags=\"{g}\" has no package pattern: it applies to the command-line packages only"),
            Some(p) => format!("build setting -gcflags=\"{g}\" (pattern {p})"),
        });
    }
    f = f.evidence(format!(
        "optimised: {}",
        super::optimized_code::list(&optimized, 12)
    ));
    vec![f.fix(format!(
        "{} -gcflags=\"all=-N -l\"   (all= applies the flags to every package)",
        crate::checks::rebuild_command(t)
    ))]
}
