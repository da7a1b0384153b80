//! DD408 trimpath-build: buildFlags pass -trimpath.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD408"),
    name: "trimpath-build",
    severity: Severity::Warning,
    title: "buildFlags -trimpath: recorded paths will not match the editor",
    explain: r#"
What it does
  Finds -trimpath in buildFlags.

Why it breaks debugging
  -trimpath rewrites the file names recorded in DWARF to module paths
  (example.com/app/main.go). The editor sends absolute paths, so breakpoints do not
  bind unless Delve can guess the mapping (vscode-go#2609, dlv#2297).

Fix
  Remove -trimpath from the debug configuration, or add a substitutePath entry from
  ${workspaceFolder} to the module path.

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  after `doctor --fix`, main.main and main.go:26 bind and stop (tests/it/doctor.rs).

How to verify by hand
  debugdoctor paths <binary>   (or: go tool objdump, readelf --debug-dump=line)
"#,
};

/// `-trimpath` (or `-trimpath=true`) in buildFlags.
pub fn check(inline: Option<&str>) -> Option<Finding> {
    inline.is_none_or(|v| v == "true").then(|| {
        Finding::new(
            &RULE,
            "buildFlags -trimpath rewrites recorded source paths: editor paths will not match",
        )
        .fix("remove -trimpath from the debug configuration's buildFlags")
    })
}
