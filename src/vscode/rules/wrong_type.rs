//! DD405 wrong-type: an attribute whose JSON type or enum value vscode-go does not accept.

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::Ranged;

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::vscode::lint::{type_of, value_text};
use crate::vscode::model::{Attr, JsonType, Request, ATTACH_MODES};

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
  A value holding a VS Code variable ("port": "${input:port}") is not checked: VS Code
  substitutes it before vscode-go reads it. A launch in mode "remote" or "local" is an
  attach written as a launch: vscode-go calls it deprecated and Delve refuses the mode.

Why it breaks debugging
  A port written as "2345" or a mode such as "launch" is rejected or silently replaced
  by the default, so the session attaches to nothing or builds something else than you
  meant, and breakpoints never bind.

Verified with
  Delve 1.27.1 (Go 1.25.5 build) and Delve 1.20.2 (Go 1.19.8 build), `dlv dap` sent the
  launch arguments vscode-go passes through: "stopOnEntry": "yes" fails the launch with
  "invalid debug configuration - cannot unmarshal string into "stopOnEntry" of type
  bool" (1.27.1 names it "LaunchAttachCommonConfig.stopOnEntry"), "args": "a b" with
  "... into "args" of type []string" (1.27.1), and "mode": "bogus" with "unsupported
  'mode' attribute "bogus"". "port" and "host" are read by vscode-go, not Delve.

Fix
  Use the type and one of the values listed in the message; for a launch in mode
  remote, use "request": "attach".

How to verify by hand
  VS Code underlines the value in launch.json ("Incorrect type" / "Value is not
  accepted").
"#,
};

/// A value of a JSON type the attribute does not take.
pub fn check_type(name: &str, attr: &Attr, value: &Value<'_>) -> Option<Finding> {
    let t = type_of(value);
    let types_ok = match t {
        None => false,
        Some(t) if attr.types.is_empty() => t == JsonType::String,
        Some(t) => attr.types.contains(&t),
    };
    if types_ok {
        return None;
    }
    let want: Vec<&str> = if attr.types.is_empty() {
        vec!["string"]
    } else {
        attr.types.iter().map(|t| t.as_str()).collect()
    };
    Some(Finding::new(
        &RULE,
        format!(
            "{name:?} is {}; vscode-go expects {}",
            t.map_or("null", JsonType::as_str),
            want.join(" or ")
        ),
    ))
}

/// A value outside the attribute's enum.
pub fn check_enum(name: &str, attr: &Attr, value: &Value<'_>, request: Request) -> Option<Finding> {
    if attr.values.is_empty() {
        return None;
    }
    let v = value_text(value)?;
    if attr.values.contains(&v.as_str()) {
        return None;
    }
    // A launch in mode "remote"/"local": an attach configuration written as a launch
    // (old snippets did); vscode-go rejects the mode.
    if name == "mode" && request == Request::Launch && ATTACH_MODES.contains(&v.as_str()) {
        return Some(
            Finding::new(
                &RULE,
                format!(
                    "\"mode\" {v:?} belongs to \"request\": \"attach\"; a launch accepts {}",
                    attr.values
                        .iter()
                        .map(|s| format!("{s:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .fix(format!(
                "use \"request\": \"attach\" with \"mode\": {v:?} (and \"port\" for remote)"
            )),
        );
    }
    let close = attr
        .values
        .iter()
        .find(|a| a.eq_ignore_ascii_case(&v))
        .map(|a| format!(" (did you mean {a:?}?)"))
        .unwrap_or_default();
    Some(Finding::new(
        &RULE,
        format!(
            "{name:?} is {v:?}; vscode-go accepts {}{close}",
            attr.values
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ))
}

/// The configuration's `"request"`: launch or attach, else the finding and where it
/// points.
pub fn request(obj: &Object<'_>) -> Result<Request, Box<(Finding, usize)>> {
    match obj.get("request").map(|p| &p.value) {
        Some(Value::StringLit(s)) if s.value == "launch" => Ok(Request::Launch),
        Some(Value::StringLit(s)) if s.value == "attach" => Ok(Request::Attach),
        Some(v) => Err(Box::new((
            Finding::new(
                &RULE,
                format!(
                    "\"request\" is {}; vscode-go accepts \"launch\" or \"attach\"",
                    value_text(v).map_or("not a string".into(), |t| format!("{t:?}"))
                ),
            ),
            v.start(),
        ))),
        None => Err(Box::new((
            Finding::new(
                &RULE,
                "\"request\" is missing; vscode-go needs \"launch\" or \"attach\"",
            ),
            obj.range.start,
        ))),
    }
}
