//! DD406 not-for-mode: an attribute that this request or mode does not use.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::vscode::model::{self, Attr, Request};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD406"),
    name: "not-for-mode",
    severity: Severity::Warning,
    title: "attribute not used by this request or mode",
    explain: r#"
What it does
  Flags attributes that belong to the other request (processId on launch, program or
  env on attach) or to another mode (buildFlags and output outside debug/test,
  coreFilePath outside core, traceDirPath outside replay).

Why it breaks debugging
  vscode-go ignores them. buildFlags on an exec configuration do not rebuild your
  binary; processId on a launch does not attach. The setting you rely on is not the
  one in effect.

Fix
  Remove the attribute or change request/mode. For exec, pass the flags to the go
  build that makes the binary.

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  after the printed removal, main.main and main.go:26 bind and stop
  (tests/it/fix_proofs.rs).

How to verify by hand
  Compare with vscode-go docs/debugging.md, the launch and attach attribute tables.
"#,
};

/// An attribute vscode-go defines only for the other request.
pub fn other_request(name: &str, request: Request) -> Option<Finding> {
    let other = model::lookup_any(name)?;
    let belongs = match other.request {
        Request::Launch => "launch",
        _ => "attach",
    };
    let here = if request == Request::Launch {
        "launch"
    } else {
        "attach"
    };
    Some(Finding::new(
        &RULE,
        format!(
            "{name:?} belongs to \"request\": \"{belongs}\"; vscode-go ignores it in a \"{here}\" configuration"
        ),
    ))
}

/// A launch attribute used only in other modes.
pub fn check_mode(name: &str, attr: &Attr, mode: &str) -> Option<Finding> {
    if attr.modes.is_empty() || attr.modes.contains(&mode) {
        return None;
    }
    let why = if name == "buildFlags" || name == "output" {
        " (vscode-go builds only in debug and test mode: rebuild the binary yourself)"
    } else {
        ""
    };
    Some(Finding::new(
        &RULE,
        format!(
            "{name:?} is used only in mode {}, not {mode:?}{why}",
            attr.modes.join("/")
        ),
    ))
}
