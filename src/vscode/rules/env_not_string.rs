//! DD417 env-not-string: an "env" value that is a number, boolean, array or object.

use jsonc_parser::ast::{ObjectProp, Value};
use jsonc_parser::common::Ranged;

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::vscode::lint::Fix;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD417"),
    name: "env-not-string",
    severity: Severity::Error,
    title: "env value is not a string",
    explain: r#"
What it does
  Checks that every value of "env" is a string ("null" unsets a variable and is
  accepted too).

Why it breaks debugging
  Environment variables are strings. vscode-go passes "env" to dlv dap as it is, and
  Delve decodes it into a map of strings: "DEBUG": true or "TIMEOUT": 32 make it refuse
  the whole launch request ("cannot unmarshal bool into "env" of type string"), so the
  session never starts and no breakpoint can bind.

Fix
  Quote the value: "DEBUG": "true", "TIMEOUT": "32" (`--fix` does for numbers and
  booleans).

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  after `doctor --fix`, main.main and main.go:26 bind and stop (tests/it/doctor.rs).

How to verify by hand
  Start the configuration: the error appears in a pop-up and in the Debug Console.
"#,
};

/// Each non-string value of an `env` object: the finding, where it points, and the fix
/// (numbers and booleans become their text as a string).
pub fn check(env: &ObjectProp<'_>, config: usize) -> Vec<(Finding, usize, Option<Fix>)> {
    let Value::Object(o) = &env.value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in &o.properties {
        // What it is, and the JSON type name Go's decoder puts in its error.
        let (kind, go_name, text) = match &p.value {
            Value::StringLit(_) | Value::NullKeyword(_) => continue,
            Value::NumberLit(n) => ("a number", "number", Some(n.value.to_string())),
            Value::BooleanLit(b) => ("a boolean", "bool", Some(b.value.to_string())),
            Value::Array(_) => ("an array", "array", None),
            Value::Object(_) => ("an object", "object", None),
        };
        let key = p.name.as_str().to_string();
        let mut f = Finding::new(
            &RULE,
            format!(
                "env {key:?} is {kind}; dlv dap refuses the launch (cannot unmarshal {go_name} into \"env\" of type string)"
            ),
        );
        let fix = text.map(|t| {
            f = f
                .clone()
                .fix(format!("write it as a string: {key:?}: {t:?}"));
            Fix::StringifyEnv {
                config,
                key: key.clone(),
            }
        });
        if fix.is_none() {
            f = f.fix(format!("make {key:?} a string"));
        }
        out.push((f, p.value.start(), fix));
    }
    out
}
