//! DD401 unknown-attribute: an attribute vscode-go does not define, with a did-you-mean.

use jsonc_parser::ast::Object;

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::vscode::lint::Fix;
use crate::vscode::model;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD401"),
    name: "unknown-attribute",
    severity: Severity::Error,
    title: "attribute unknown to vscode-go (often a misspelling)",
    explain: r#"
What it does
  Compares every attribute of a "type": "go" configuration with the attributes vscode-go
  declares in its package.json (and the ones VS Code accepts for every debugger: name,
  request, preLaunchTask, noDebug, presentation...). Unknown names get the closest known
  name (case-insensitive, edit distance up to 2).

Why it breaks debugging
  VS Code passes unknown attributes through and vscode-go silently ignores them. A
  misspelled "substitutePaths" or "buildflags" means the mapping or flags you wrote never
  reach Delve, so breakpoints stay unverified with no error anywhere.

Fix
  Rename the attribute. `debugdoctor launch --fix` renames it when exactly one known
  name is close and the object does not already have it.

Verified with
  Delve 1.27.1 (dlv dap, driven as vscode-go drives it, on a Go 1.25.5 hello workspace):
  a misspelt "buildflags": "-tags=extra" leaves the tagged file out; after the printed
  rename (`doctor --fix`), extra.go:10 and main.main bind and stop
  (tests/it/fix_proofs.rs).

How to verify by hand
  Hover the attribute in VS Code: an unknown one is underlined "Property X is not
  allowed". Compare with vscode-go docs/debugging.md, "Configuration".
"#,
};

/// An attribute vscode-go does not define; the rename fix when one name is close.
pub fn check(obj: &Object<'_>, name: &str, config: usize) -> (Finding, Option<Fix>) {
    let sugg = model::suggestions(name);
    let msg = match sugg.as_slice() {
        [] => format!("{name:?} is not a Go debug attribute"),
        [one] => format!("{name:?} is not a Go debug attribute; did you mean {one:?}?"),
        many => format!(
            "{name:?} is not a Go debug attribute; did you mean one of {}?",
            many.iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let fix = match sugg.as_slice() {
        [one] if obj.get(one).is_none() => Some(Fix::RenameKey {
            config,
            key: name.to_string(),
            to: one.to_string(),
        }),
        _ => None,
    };
    (Finding::new(&RULE, msg), fix)
}
