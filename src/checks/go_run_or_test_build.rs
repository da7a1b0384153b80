//! DD109 go-run-or-test-build: a temporary binary from `go run` or `go test`.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD109"),
    name: "go-run-or-test-build",
    severity: Severity::Warning,
    title: "temporary `go run` / `go test` binary: built without debug info",
    explain: r#"
What it does
  Recognises binaries that `go run` and `go test` build in the go-build temporary
  directory (…/go-buildNNN/bNNN/exe/… or a *.test there).

Why it breaks debugging
  `go run` and `go test` (without -c or -o) build with OmitDebug: the compiler gets
  -dwarf=false and the linker -s -w (cmd/go internal/work/gc.go). The binary has no DWARF,
  and it is deleted when the run ends. This is why attaching to a `go run` process does
  not hit breakpoints.

Fix
  Build a real binary and debug that:
      go build -gcflags="all=-N -l" -o app . && dlv exec ./app
      go test -c -gcflags="all=-N -l" -o pkg.test ./pkg && dlv exec ./pkg.test
  or let the debugger build it: dlv debug / dlv test, or VS Code's "mode": "debug"/"test".

Verified with
  Delve 1.27.1 (dlv exec): `debugdoctor rebuild`'s printed command, run as printed on
  the Go 1.25.5 hello build that raises this, clears the finding, and Delve binds
  main.main and main.go:26 in the rebuilt binary (tests/it/fix_proofs.rs).

How to verify by hand
  readelf -S app | grep debug_info    (nothing) ; the path contains go-build
"#,
};

/// `/tmp/go-build123/b001/exe/main` or `…/go-build123/b001/pkg.test`.
pub fn go_build_temp_path(path: &str) -> bool {
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    parts.windows(2).any(|w| {
        w[0].strip_prefix("go-build")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            && w[1].len() > 1
            && w[1].starts_with('b')
            && w[1][1..].bytes().all(|b| b.is_ascii_digit())
    })
}

pub fn run(t: &Target) -> Vec<Finding> {
    if !t.is_go() {
        return Vec::new();
    }
    let path = std::fs::canonicalize(t.path()).unwrap_or_else(|_| t.path().to_path_buf());
    let p = path.to_string_lossy();
    let test = p.ends_with(".test") || p.ends_with(".test.exe");
    let kind = if test { "go test" } else { "go run" };
    if go_build_temp_path(&p) {
        let mut f = Finding::new(
            &RULE,
            format!("temporary {kind} binary: built with -ldflags=\"-s -w\" by the go command"),
        )
        .evidence(format!("path {p} is in a go-build temporary directory"));
        if t.dwarf_image().is_none() {
            f = f.evidence("no DWARF sections");
        }
        return vec![f.fix(fix(test))];
    }
    // A binary kept from `go run`/`go test` (copied out, or run through -exec) no longer
    // sits in a go-build directory, but it carries the go command's signature: no DWARF
    // and no symbol table although the recorded -ldflags has neither -s nor -w. cmd/go
    // adds `-s -w` for those builds without recording them (cmd/go/internal/work/gc.go
    // and load.go: "Strip symbol table for go run / go test binaries"). Running
    // strip(1) on a `go build` output looks the same; the evidence says so.
    let Some(bi) = t.buildinfo() else {
        return Vec::new();
    };
    let ldflags = bi.setting("-ldflags").unwrap_or("");
    let recorded_strip =
        crate::go::flags::linker_bool(ldflags, "s") || crate::go::flags::linker_bool(ldflags, "w");
    let stripped = t.dwarf_image().is_none()
        && t.image().symbol_count() == 0
        && t.image().debuglink().is_none();
    // -trimpath builds do not record -ldflags at all, so nothing can be concluded. VCS
    // settings are stamped by `go build`/`go install` only, never by `go run` or `go test`
    // (measured with Go 1.25.5; golang/go#51723): such a binary was stripped after the
    // build (strip(1)), which DD101 reports.
    let vcs = bi.settings.iter().any(|(k, _)| k.starts_with("vcs."));
    if !stripped || recorded_strip || vcs || bi.setting("-trimpath") == Some("true") {
        return Vec::new();
    }
    let test = test || bi.path.as_deref().is_some_and(|p| p.ends_with(".test"));
    let kind = if test { "go test" } else { "go run" };
    let f = Finding::new(
        &RULE,
        format!("stripped, but the build settings ask for no stripping: kept from {kind}, or strip(1) after the build"),
    )
    .evidence("no DWARF, no symbol table, no .gnu_debuglink, no vcs.* build settings")
    .evidence(if ldflags.is_empty() {
        "build setting -ldflags absent: the build itself did not pass -s or -w".to_string()
    } else {
        format!("build setting -ldflags=\"{ldflags}\" has neither -s nor -w")
    })
    .evidence(format!("{kind} links with -s -w without recording it; strip(1) after `go build` leaves the same marks"));
    vec![f.fix(fix(test))]
}

fn fix(test: bool) -> &'static str {
    if test {
        "go test -c -gcflags=\"all=-N -l\" -o pkg.test ./pkg && dlv exec ./pkg.test (or dlv test)"
    } else {
        "go build -gcflags=\"all=-N -l\" -o app . && dlv exec ./app (or dlv debug)"
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn recognises_go_build_temp_dirs() {
        assert!(super::go_build_temp_path("/tmp/go-build2951/b001/exe/main"));
        assert!(super::go_build_temp_path("/tmp/go-build2951/b001/pkg.test"));
        assert!(!super::go_build_temp_path("/home/u/go-build/b001/exe/main"));
        assert!(!super::go_build_temp_path("/home/u/app"));
    }
}
