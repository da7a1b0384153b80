//! DD405 wrong-type: an attribute whose JSON type or enum value vscode-go does not accept.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD405"),
    name: "wrong-type",
    severity: Severity::Error,
    title: "attribute has the wrong JSON type or value",
    explain: r#"
What it does
  Checks each attribute value against the type and enum vscode-go declares: "port"
  must be a number, "mode" one of auto/debug/test/exec/replay/core (launch) or
  local/remote (attach), "debugAdapter" legacy or dlv-dap, and so on.

Why it breaks debugging
  A port written as "2345" or a mode such as "launch" is rejected or silently replaced
  by the default, so the session attaches to nothing or builds something else than you
  meant, and breakpoints never bind.

Fix
  Use the type and one of the values listed in the message.

How to verify by hand
  VS Code underlines the value in launch.json ("Incorrect type" / "Value is not
  accepted").
"#,
};
