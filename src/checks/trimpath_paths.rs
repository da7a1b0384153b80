//! DD301 trimpath-paths: source paths recorded relative to module/GOROOT (`-trimpath`).

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD301"),
    name: "trimpath-paths",
    severity: Severity::Warning,
    title: "source paths trimmed (-trimpath): editor paths will not match",
    explain: r#"
What it does
  Reads the file names in the main package's DWARF line table and the -trimpath build
  setting. With -trimpath, files are recorded as `example.com/app/main.go` (module path +
  file) and `runtime/proc.go` instead of absolute paths.

Why it breaks debugging
  An editor sets breakpoints by absolute path (/home/u/app/main.go). Delve matches them as
  a suffix of the recorded names, so `location "/home/u/app/main.go:16" not found`
  (vscode-go#2609, dlv#2297) unless a substitutePath rule maps the workspace to the
  module path.

Fix
  Build the debug binary without -trimpath, or map the paths in launch.json:
      "substitutePath": [{"from": "${workspaceFolder}", "to": "example.com/app"}]
  (`debugdoctor paths` computes all rules.)

Verified with
  Delve 1.27.1 (dlv exec): `debugdoctor rebuild`'s printed command, run as printed on
  the Go 1.25.5 hello build that raises this, clears the finding, and Delve binds
  main.main and main.go:26 in the rebuilt binary (tests/it/fix_proofs.rs).

How to verify by hand
  go version -m app | grep trimpath
  readelf --debug-dump=line app | grep -m5 main.go
"#,
};

/// Files the go command generates; Go ignores source files whose name starts with `_`.
fn generated(path: &str) -> bool {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    base.starts_with('_') || path.starts_with("./") || path.starts_with("$WORK")
}

pub fn run(t: &Target) -> Vec<Finding> {
    if !t.is_go() {
        return Vec::new();
    }
    let setting = t.buildinfo().and_then(|b| b.setting("-trimpath")) == Some("true");
    let module = t
        .buildinfo()
        .and_then(|b| b.main.as_ref().map(|m| m.path.clone()))
        .filter(|p| !p.is_empty());
    let sample = t.dwarf().zip(t.gimli()).and_then(|(d, g)| {
        d.go_units()
            .filter(|u| u.name == "main")
            .flat_map(|u| crate::dwarf::unit_files(&g, u))
            // Generated files (_cgo_gotypes.go, _testmain.go) live in the build's $WORK
            // and are always recorded relative ("./_testmain.go"): not a sign of -trimpath.
            .find(|f| f.ends_with(".go") && !f.starts_with('<') && !generated(f))
    });
    let relative = sample
        .as_deref()
        .is_some_and(|p| !crate::pathname::is_abs(p));
    if !setting && !relative {
        return Vec::new();
    }
    let mut f = Finding::new(
        &RULE,
        match &sample {
            Some(s) if relative => {
                format!("source paths are trimmed: main package files recorded as {s}")
            }
            _ => "source paths are trimmed (-trimpath)".to_string(),
        },
    );
    if setting {
        f = f.evidence("build setting -trimpath=true");
    }
    if let Some(s) = &sample {
        f = f.evidence(format!("DWARF line table of main names {s}"));
    }
    let to = module.clone().or_else(|| {
        sample
            .as_deref()
            .and_then(|s| s.rsplit_once('/').map(|(d, _)| d.to_string()))
    });
    let fix = match to {
        Some(to) => format!(
            "build the debug binary without -trimpath, or add to launch.json: \"substitutePath\": [{{\"from\": \"${{workspaceFolder}}\", \"to\": \"{to}\"}}]"
        ),
        None => "build the debug binary without -trimpath".to_string(),
    };
    vec![f.fix(fix)]
}
