//! DD402 legacy-only: an attribute the default dlv-dap adapter ignores.

use jsonc_parser::ast::{Object, ObjectProp};

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::vscode::lint::{value_text, Fix};
use crate::vscode::model::Attr;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD402"),
    name: "legacy-only",
    severity: Severity::Warning,
    title: "attribute read only by the legacy debug adapter",
    explain: r#"
What it does
  Flags dlvLoadConfig, apiVersion and remotePath when the configuration uses the dlv-dap
  adapter (the default since vscode-go v0.35; "debugAdapter": "legacy" opts out).

Why it breaks debugging
  dlv-dap ignores these attributes. remotePath matters most: with dlv-dap it no longer
  maps local paths to remote ones, so breakpoints set in the editor name files that do
  not exist in the remote binary and never bind. dlvLoadConfig and apiVersion are
  harmless but make people believe they tune something.

Fix
  dlvLoadConfig, apiVersion: remove (`--fix` does). remotePath: replace with
  "substitutePath": [{"from": "${workspaceFolder}", "to": "<remotePath>"}] (`--fix`
  does when there is no substitutePath yet).

How to verify by hand
  Open the "Go Debug" output channel with "trace": "verbose": the launch/attach request
  sent to dlv-dap shows which attributes were used.
"#,
};

/// An attribute only the legacy adapter reads; `remotePath` becomes a `substitutePath`
/// when there is none yet, the others are removed.
pub fn check(
    obj: &Object<'_>,
    p: &ObjectProp<'_>,
    attr: &Attr,
    config: usize,
) -> (Finding, Option<Fix>) {
    let name = p.name.as_str();
    let (fix, how) = match name {
        "remotePath" if obj.get("substitutePath").is_none() => (
            value_text(&p.value).map(|r| Fix::RemotePathToSubstitute { config, remote: r }),
            "replace it with",
        ),
        "remotePath" => (None, "merge it into"),
        _ => (
            Some(Fix::RemoveKey {
                config,
                key: name.to_string(),
            }),
            "",
        ),
    };
    let instead = match (name, value_text(&p.value)) {
        ("remotePath", Some(r)) => {
            format!("\"substitutePath\": [{{\"from\": \"${{workspaceFolder}}\", \"to\": {r:?}}}]")
        }
        _ => attr.replacement.unwrap_or("").to_string(),
    };
    let msg = if how.is_empty() {
        format!("{name:?} is ignored by the dlv-dap adapter (the default): {instead}")
    } else {
        format!("{name:?} is ignored by the dlv-dap adapter (the default): {how} {instead}")
    };
    (Finding::new(&RULE, msg), fix)
}
