//! DD421 invalid-build-flag: a flag in buildFlags (or inside its -ldflags) that the go
//! command or the linker does not define, so the build fails.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD421"),
    name: "invalid-build-flag",
    severity: Severity::Error,
    title: "buildFlags has a flag go build or the linker does not define",
    explain: r#"
What it does
  Checks each flag in buildFlags against the flags of `go build` (and `go test` in test
  mode), and each flag inside an -ldflags value against the linker's flags (`go tool
  link -help`, Go 1.21 to 1.27).

Why it breaks debugging
  An unknown flag stops the build: Delve reports the build error and no session starts.
  A common one is -ldflags=-debug=full, copied from advice that claims it enables full
  debug information: no such linker flag exists and the link fails with "flag provided
  but not defined: -debug" (measured with Go 1.25). Delve already builds with
  optimisations and inlining off and DWARF on; nothing needs adding.

Fix
  Remove the flag (`--fix` does inside -ldflags).

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  the build fails; after the printed removal of the flag, main.main and main.go:26 bind
  and stop (tests/it/fix_proofs.rs).

How to verify by hand
  go build <buildFlags> ./yourpkg
"#,
};

/// Flags of `go build` (Go 1.21–1.27 `go help build`), and `-o`, `-i` (removed in 1.22
/// but harmless before).
const BUILD_FLAGS: &[&str] = &[
    "C",
    "a",
    "asan",
    "asmflags",
    "buildmode",
    "buildvcs",
    "compiler",
    "cover",
    "covermode",
    "coverpkg",
    "gccgoflags",
    "gcflags",
    "installsuffix",
    "json",
    "ldflags",
    "linkshared",
    "mod",
    "modcacherw",
    "modfile",
    "msan",
    "n",
    "o",
    "overlay",
    "p",
    "pgo",
    "pkgdir",
    "race",
    "tags",
    "toolexec",
    "trimpath",
    "v",
    "work",
    "x",
    "i",
];

/// Flags `go test -c` accepts besides the build flags (`go help test`, `go help testflag`).
const TEST_FLAGS: &[&str] = &[
    "c",
    "exec",
    "args",
    "bench",
    "benchmem",
    "benchtime",
    "blockprofile",
    "blockprofilerate",
    "count",
    "coverprofile",
    "cpu",
    "cpuprofile",
    "failfast",
    "fullpath",
    "fuzz",
    "fuzzminimizetime",
    "fuzztime",
    "list",
    "memprofile",
    "memprofilerate",
    "mutexprofile",
    "mutexprofilefraction",
    "outputdir",
    "parallel",
    "run",
    "short",
    "shuffle",
    "skip",
    "timeout",
    "trace",
    "vet",
];

/// Build and test flags that take a value (the next field when not written `-f=v`).
pub const VALUE_FLAGS: &[&str] = &[
    "C",
    "asmflags",
    "buildmode",
    "compiler",
    "covermode",
    "coverpkg",
    "gccgoflags",
    "gcflags",
    "installsuffix",
    "ldflags",
    "mod",
    "modfile",
    "o",
    "overlay",
    "p",
    "pgo",
    "pkgdir",
    "tags",
    "toolexec",
    "exec",
    "bench",
    "benchtime",
    "blockprofile",
    "blockprofilerate",
    "count",
    "coverprofile",
    "cpu",
    "cpuprofile",
    "fuzz",
    "fuzzminimizetime",
    "fuzztime",
    "list",
    "memprofile",
    "memprofilerate",
    "mutexprofile",
    "mutexprofilefraction",
    "outputdir",
    "parallel",
    "run",
    "shuffle",
    "skip",
    "timeout",
    "trace",
    "vet",
];

/// Linker flags, the union of `go tool link -help` for Go 1.21, 1.25 and 1.27.
const LINK_FLAGS: &[&str] = &[
    "B",
    "D",
    "E",
    "H",
    "I",
    "L",
    "R",
    "T",
    "V",
    "X",
    "a",
    "asan",
    "aslr",
    "benchmark",
    "benchmarkprofile",
    "bindnow",
    "buildid",
    "buildmode",
    "c",
    "capturehostobjs",
    "checklinkname",
    "compressdwarf",
    "cpuprofile",
    "d",
    "debugnosplit",
    "debugtextsize",
    "debugtramp",
    "dumpdep",
    "e",
    "extar",
    "extld",
    "extldflags",
    "f",
    "fipso",
    "funcalign",
    "g",
    "h",
    "importcfg",
    "installsuffix",
    "k",
    "libgcc",
    "linkmode",
    "linkshared",
    "macos",
    "macsdk",
    "memprofile",
    "memprofilerate",
    "msan",
    "n",
    "o",
    "pluginpath",
    "pruneweakmap",
    "r",
    "race",
    "randlayout",
    "s",
    "strictdups",
    "tmpdir",
    "u",
    "v",
    "w",
];

/// Boolean linker flags: every other linker flag takes the next field as its value.
const LINK_BOOL: &[&str] = &[
    "a",
    "asan",
    "aslr",
    "bindnow",
    "c",
    "checklinkname",
    "compressdwarf",
    "d",
    "debugnosplit",
    "dumpdep",
    "e",
    "f",
    "g",
    "h",
    "linkshared",
    "msan",
    "n",
    "pruneweakmap",
    "race",
    "s",
    "u",
    "v",
    "w",
];

/// True for a linker flag that takes the next field as its value (`-X main.v=-s`).
pub fn linker_flag_takes_value(name: &str) -> bool {
    LINK_FLAGS.contains(&name) && !LINK_BOOL.contains(&name)
}

/// A flag's name: `--tags=x` → `tags`.
pub fn flag_name(field: &str) -> Option<&str> {
    let rest = field.strip_prefix('-')?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let name = rest.split('=').next().unwrap_or(rest);
    (!name.is_empty()).then_some(name)
}

/// A go command flag that `go build` (or `go test -c` in test mode) does not define.
pub fn unknown_go_flag(field: &str, test: bool) -> Option<Finding> {
    let name = flag_name(field)?;
    // `go test` also takes the test binary's flags as `-test.NAME`.
    let test_flag = |n: &str| TEST_FLAGS.contains(&n.strip_prefix("test.").unwrap_or(n));
    if BUILD_FLAGS.contains(&name) || (test && test_flag(name)) {
        return None;
    }
    let cmd = if test { "go test -c" } else { "go build" };
    // `-ldflags=-s -w` unquoted: the linker's -w lands in a field of its own.
    let (hint, fix) = if LINK_FLAGS.contains(&name) {
        (
            format!(
                " (-{name} is a linker flag: quote the -ldflags value, -ldflags='... -{name}')"
            ),
            format!("quote the -ldflags value so that {field} stays in it"),
        )
    } else {
        (String::new(), format!("remove {field} from buildFlags"))
    };
    Some(
        Finding::new(
            &RULE,
            format!("buildFlags {field:?}: {cmd} has no -{name} flag; the build fails (\"flag provided but not defined: -{name}\"){hint}"),
        )
        .fix(fix),
    )
}

/// The fields of an `-ldflags` value that the linker does not define.
pub fn unknown_linker_flags(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for w in crate::go::flags::split(value.trim_matches(|c| c == '\'' || c == '"')) {
        if std::mem::take(&mut skip) {
            continue;
        }
        let Some(name) = flag_name(&w) else { continue };
        if !LINK_FLAGS.contains(&name) {
            out.push(w);
        } else if !LINK_BOOL.contains(&name) && !w.contains('=') {
            skip = true;
        }
    }
    out
}

/// The finding for unknown linker flags inside `-ldflags`.
pub fn linker_finding(bad: &[String]) -> Finding {
    let first = bad.first().map(String::as_str).unwrap_or_default();
    let name = flag_name(first).unwrap_or(first);
    Finding::new(
        &RULE,
        format!(
            "buildFlags -ldflags {}: the linker has no such flag; the link fails (\"flag provided but not defined: -{name}\")",
            bad.join(" ")
        ),
    )
    .fix(format!("remove {} from -ldflags", bad.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vscode_flag_tables() {
        assert_eq!(unknown_linker_flags("-debug=full"), vec!["-debug=full"]);
        assert!(unknown_linker_flags("-s -w -X main.v=1 -extldflags '-static'").is_empty());
        assert!(unknown_go_flag("-tags=dev", false).is_none());
        assert!(unknown_go_flag("--race", false).is_none());
        assert!(unknown_go_flag("-count=1", false).is_some());
        assert!(unknown_go_flag("-count=1", true).is_none());
        assert!(unknown_go_flag("-test.count=1", true).is_none());
    }
}
