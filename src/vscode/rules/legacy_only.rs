//! DD402 legacy-only: an attribute the default dlv-dap adapter ignores.

use crate::diagnostic::{Rule, RuleId, Severity};

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
