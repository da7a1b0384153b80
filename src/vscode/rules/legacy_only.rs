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
  "substitutePath": [{"from": "<cwd or ${workspaceFolder}>", "to": "<remotePath>"}]
  (`--fix` does when there is no substitutePath yet). An empty remotePath, or one equal
  to the local folder, maps nothing: `--fix` removes it (a substitutePath entry with an
  empty side makes Delve refuse the launch).

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  remotePath on a remote attach to a binary built in another folder; after `launch
  --fix` turned it into substitutePath, main.main and main.go:26 bind and stop through a
  headless Delve (tests/it/fix_proofs.rs).

How to verify by hand
  Open the "Go Debug" output channel with "trace": "verbose": the launch/attach request
  sent to dlv-dap shows which attributes were used.
"#,
};

/// An attribute only the legacy adapter reads. `remotePath` becomes a `substitutePath`
/// from `cwd` (else `${workspaceFolder}`, the folder the legacy adapter mapped) when there
/// is none yet; an empty remotePath, or one equal to that folder, maps nothing and is
/// removed (an entry with an empty side makes Delve refuse the launch: "'substitutePath'
/// requires both 'from' and 'to' entries"). The others are removed.
pub fn check(
    obj: &Object<'_>,
    p: &ObjectProp<'_>,
    attr: &Attr,
    config: usize,
) -> (Finding, Option<Fix>) {
    let name = p.name.as_str();
    let remove = Fix::RemoveKey {
        config,
        key: name.to_string(),
    };
    let default = "dlv-dap adapter (the default)";
    if name != "remotePath" {
        let instead = attr.replacement.unwrap_or("");
        return (
            Finding::new(
                &RULE,
                format!("{name:?} is ignored by the {default}: {instead}"),
            ),
            Some(remove),
        );
    }
    let Some(remote) = value_text(&p.value) else {
        return (
            Finding::new(&RULE, format!("{name:?} is ignored by the {default}")),
            None,
        );
    };
    let from = obj
        .get_string("cwd")
        .map(|c| c.value.to_string())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "${workspaceFolder}".to_string());
    let trim = |s: &str| s.trim_end_matches(['/', '\\']).to_string();
    if remote.trim().is_empty() || trim(&remote) == trim(&from) {
        let why = if remote.trim().is_empty() {
            "it is empty and maps nothing".to_string()
        } else {
            format!("it equals {from:?}, so it maps nothing")
        };
        return (
            Finding::new(
                &RULE,
                format!(
                    "\"remotePath\": {remote:?} is ignored by the {default}, and {why}: remove it"
                ),
            )
            .severity(Severity::Info),
            Some(remove),
        );
    }
    let instead = format!("\"substitutePath\": [{{\"from\": {from:?}, \"to\": {remote:?}}}]");
    if obj.get("substitutePath").is_some() {
        return (
            Finding::new(
                &RULE,
                format!("\"remotePath\" is ignored by the {default}: merge it into {instead}"),
            ),
            None,
        );
    }
    (
        Finding::new(
            &RULE,
            format!("\"remotePath\" is ignored by the {default}: replace it with {instead}"),
        ),
        Some(Fix::RemotePathToSubstitute {
            config,
            from,
            remote,
        }),
    )
}
