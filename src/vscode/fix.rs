//! Applies safe fixes to a launch.json through jsonc-parser's concrete syntax tree, so
//! comments, property order, indentation and trailing commas outside the edited spans
//! stay byte-for-byte.

use jsonc_parser::cst::{CstInputValue, CstObject, CstRootNode, ObjectPropName};

use super::lint::{ElemEdit, Fix, FlagsEdit};
use super::load::parse_options;

/// `text` with every fix applied (duplicates applied once). A fix whose target is gone
/// is skipped: the caller re-lints the result anyway.
pub fn apply_fixes(text: &str, fixes: &[Fix]) -> Result<String, String> {
    let root = CstRootNode::parse(text, &parse_options()).map_err(|e| e.to_string())?;
    let mut seen: Vec<&Fix> = Vec::new();
    for f in fixes {
        if seen.contains(&f) {
            continue;
        }
        seen.push(f);
        apply(&root, f);
    }
    Ok(root.to_string())
}

fn config(root: &CstRootNode, index: usize) -> Option<CstObject> {
    let top = root.object_value()?;
    let configs = top
        .array_value("configurations")
        .or_else(|| top.object_value("launch")?.array_value("configurations"))?;
    configs.elements().get(index)?.as_object()
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// The object a fix edits: the configuration, or its per-OS block.
fn target(root: &CstRootNode, fix: &Fix) -> Option<(CstObject, Fix)> {
    match fix {
        Fix::InOs { os, fix } => {
            let (obj, inner) = target(root, fix)?;
            Some((obj.object_value(os)?, inner))
        }
        Fix::RenameKey { config: c, .. }
        | Fix::RemoveKey { config: c, .. }
        | Fix::RemotePathToSubstitute { config: c, .. }
        | Fix::SetBuildFlags { config: c, .. }
        | Fix::SwapSubstitute { config: c, .. }
        | Fix::StringifyEnv { config: c, .. }
        | Fix::SetSubstitutePath { config: c, .. } => Some((config(root, *c)?, fix.clone())),
    }
}

fn apply(root: &CstRootNode, fix: &Fix) -> Option<()> {
    let (obj, fix) = target(root, fix)?;
    let config = |_: &CstRootNode, _: usize| Some(obj.clone());
    match &fix {
        Fix::InOs { .. } => return None,
        Fix::StringifyEnv { key, .. } => {
            let prop = config(root, 0)?.object_value("env")?.get(key)?;
            let text = match prop.value()? {
                v if v.as_number_lit().is_some() => v.as_number_lit()?.to_string(),
                v if v.as_boolean_lit().is_some() => v.as_boolean_lit()?.value().to_string(),
                _ => return None,
            };
            prop.set_value(CstInputValue::String(text));
        }
        Fix::RenameKey { config: c, key, to } => {
            let prop = config(root, *c)?.get(key)?;
            match prop.name()? {
                ObjectPropName::String(s) => s.set_raw_value(json_string(to)),
                ObjectPropName::Word(w) => w.set_raw_value(to.clone()),
            }
        }
        Fix::RemoveKey { config: c, key } => config(root, *c)?.get(key)?.remove(),
        Fix::SetSubstitutePath { config: c, rules } => {
            let obj = config(root, *c)?;
            let prop = match obj.get("substitutePath") {
                Some(p) => p,
                None => obj.append("substitutePath", CstInputValue::String(String::new())),
            };
            // Raw text on one line, as for remotePath (see there).
            let value = super::lint::substitute_path_json(rules);
            match prop.value()? {
                v if v.as_string_lit().is_some() => v.as_string_lit()?.set_raw_value(value),
                _ => {
                    prop.set_value(CstInputValue::String(String::new()));
                    prop.value()?.as_string_lit()?.set_raw_value(value);
                }
            }
        }
        Fix::RemotePathToSubstitute {
            config: c,
            from,
            remote,
        } => {
            let prop = config(root, *c)?.get("remotePath")?;
            // Rename the key and write the new value as raw text on one line: the CST's
            // own insertion re-indents objects in a way that rarely matches the file.
            let value = format!(
                "[{{ \"from\": {}, \"to\": {} }}]",
                json_string(from),
                json_string(remote)
            );
            prop.value()?.as_string_lit()?.set_raw_value(value);
            match prop.name()? {
                ObjectPropName::String(s) => s.set_raw_value("\"substitutePath\"".into()),
                ObjectPropName::Word(w) => w.set_raw_value("substitutePath".into()),
            }
        }
        Fix::SetBuildFlags { config: c, edit } => {
            let prop = config(root, *c)?.get("buildFlags")?;
            // Nothing left: drop the attribute rather than leave "" or [].
            let empty = match edit {
                FlagsEdit::String(s) => s.trim().is_empty(),
                FlagsEdit::Array(e) => e.iter().all(|e| *e == ElemEdit::Drop),
            };
            if empty {
                prop.remove();
                return Some(());
            }
            match edit {
                FlagsEdit::String(s) => {
                    prop.value()?.as_string_lit()?.set_raw_value(json_string(s))
                }
                FlagsEdit::Array(edits) => {
                    let arr = prop.array_value()?;
                    let elements = arr.elements();
                    let tight = arr
                        .children()
                        .get(1)
                        .is_some_and(|n| !n.is_whitespace() && !n.is_newline());
                    // Back to front so earlier indices stay valid.
                    for (i, e) in edits.iter().enumerate().rev() {
                        let Some(node) = elements.get(i) else {
                            continue;
                        };
                        match e {
                            ElemEdit::Keep => {}
                            ElemEdit::Drop => node.clone().remove(),
                            ElemEdit::Set(v) => node.as_string_lit()?.set_raw_value(json_string(v)),
                        }
                    }
                    // Removing the first element leaves the space that followed its comma
                    // after `[`; drop it when the array was written `["a", ...]`.
                    if tight {
                        let children = arr.children();
                        if let Some(ws) = children.get(1).and_then(|n| n.as_whitespace()) {
                            ws.remove();
                        }
                    }
                }
            }
        }
        Fix::SwapSubstitute { config: c, entry } => {
            let arr = config(root, *c)?.array_value("substitutePath")?;
            let obj = arr.elements().get(*entry)?.as_object()?;
            let from = obj.get("from")?.value()?.as_string_lit()?;
            let to = obj.get("to")?.value()?.as_string_lit()?;
            let (a, b) = (from.raw_value(), to.raw_value());
            from.set_raw_value(b);
            to.set_raw_value(a);
        }
    }
    Some(())
}

/// Writes through a temporary file in the same directory and renames it over `path`,
/// so a crash never leaves a half-written launch.json; keeps the file's permissions.
pub fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    // Write where a symlinked launch.json points, so the link itself survives.
    let resolved = std::fs::canonicalize(path)?;
    let path = resolved.as_path();
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let perms = std::fs::metadata(path)?.permissions();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The loader drops a UTF-8 byte order mark before linting; put it back so that --fix
    // changes only what it reports.
    let bom = {
        use std::io::Read;
        let mut head = [0u8; 3];
        std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut head))
            .is_ok()
            && head == *b"\xef\xbb\xbf"
    };
    let tmp = dir.join(format!(".{name}.debugdoctor-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        if bom && !text.starts_with('\u{feff}') {
            f.write_all(b"\xef\xbb\xbf")?;
        }
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::set_permissions(&tmp, perms)?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{
  // top
  "configurations": [
    {
      "name": "a", // name
      "substitutePaths": [], /* keep */
      "buildFlags": ["-gcflags=all=-N -l", "-tags=x"],
      "apiVersion": 2,
    },
  ],
}
"#;

    #[test]
    fn vscode_fix_edits_only_the_targets() {
        let fixes = vec![
            Fix::RenameKey {
                config: 0,
                key: "substitutePaths".into(),
                to: "substitutePath".into(),
            },
            Fix::SetBuildFlags {
                config: 0,
                edit: FlagsEdit::Array(vec![ElemEdit::Drop, ElemEdit::Keep]),
            },
            Fix::RemoveKey {
                config: 0,
                key: "apiVersion".into(),
            },
        ];
        let out = apply_fixes(TEXT, &fixes).unwrap();
        assert_eq!(
            out,
            TEXT.replace("\"substitutePaths\"", "\"substitutePath\"")
                .replace("\"-gcflags=all=-N -l\", ", "")
                .replace("      \"apiVersion\": 2,\n", "")
        );
    }

    #[test]
    fn vscode_fix_of_a_missing_target_changes_nothing() {
        let fixes = vec![Fix::RemoveKey {
            config: 3,
            key: "x".into(),
        }];
        assert_eq!(apply_fixes(TEXT, &fixes).unwrap(), TEXT);
    }
}
