//! The module text inside the blob, as `runtime/debug.ParseBuildInfo` reads it: `path`,
//! `mod`, `dep`, `=>` and `build` lines (keys and values unquoted like strconv).

use super::unquote::{unquote, unquote_prefix};
use super::{BuildInfo, BuildInfoError, Module};

pub(super) fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Which module a `=>` line replaces.
#[derive(Clone, Copy)]
enum Last {
    Main,
    Dep(usize),
}

/// `runtime/debug.ParseBuildInfo`: `path`, `mod`, `dep`, `=>` and `build` lines,
/// each ending in a newline (a final unterminated line is ignored, as in Go); other
/// lines are skipped. The Go version is not part of this text.
pub(super) fn parse_modinfo(data: &[u8]) -> Result<BuildInfo, BuildInfoError> {
    let mut bi = BuildInfo::default();
    let mut last: Option<Last> = None;
    let mut rest = data;
    let mut line_num = 1;
    while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
        let (line, after) = rest.split_at(nl);
        rest = after.get(1..).unwrap_or_default();
        let fail = |problem: String| BuildInfoError::ModuleText {
            line: line_num,
            problem,
        };
        if let Some(elem) = line.strip_prefix(b"path\t") {
            bi.path = (!elem.is_empty()).then(|| text(elem));
        } else if let Some(elem) = line.strip_prefix(b"mod\t") {
            bi.main = Some(module_line(elem).map_err(fail)?);
            last = Some(Last::Main);
        } else if let Some(elem) = line.strip_prefix(b"dep\t") {
            bi.deps.push(module_line(elem).map_err(fail)?);
            last = Some(Last::Dep(bi.deps.len() - 1));
        } else if let Some(elem) = line.strip_prefix(b"=>\t") {
            let cols: Vec<&[u8]> = elem.split(|&b| b == b'\t').collect();
            let [path, version, sum] = cols[..] else {
                return Err(fail(format!(
                    "expected 3 columns for replacement; got {}",
                    cols.len()
                )));
            };
            let target = match last.take() {
                Some(Last::Main) => bi.main.as_mut(),
                Some(Last::Dep(i)) => bi.deps.get_mut(i),
                None => None,
            }
            .ok_or_else(|| fail("replacement with no module on previous line".into()))?;
            target.replace = Some(Box::new(Module {
                path: text(path),
                version: text(version),
                sum: text(sum),
                replace: None,
            }));
        } else if let Some(kv) = line.strip_prefix(b"build\t") {
            bi.settings.push(build_line(kv).map_err(fail)?);
        }
        line_num += 1;
    }
    Ok(bi)
}

/// A `mod` or `dep` line after its keyword: path, version and an optional sum.
fn module_line(elem: &[u8]) -> Result<Module, String> {
    let cols: Vec<&[u8]> = elem.split(|&b| b == b'\t').collect();
    if cols.len() != 2 && cols.len() != 3 {
        return Err(format!("expected 2 or 3 columns; got {}", cols.len()));
    }
    Ok(Module {
        path: text(cols.first().copied().unwrap_or_default()),
        version: text(cols.get(1).copied().unwrap_or_default()),
        sum: cols.get(2).map(|s| text(s)).unwrap_or_default(),
        replace: None,
    })
}

/// A `build` line after its keyword: `KEY=VALUE`, where either side is written with
/// `strconv.Quote` when it contains a space, tab, newline, quote or backquote (and the
/// key also when it contains `=` or is empty).
fn build_line(kv: &[u8]) -> Result<(String, String), String> {
    let (key, raw_value) = match kv.first() {
        None => return Err("build line missing '='".into()),
        Some(b'=') => return Err("build line with missing key".into()),
        Some(b'`' | b'"') => {
            let (key, after) =
                unquote_prefix(kv).ok_or_else(|| "invalid quoted key in build line".to_string())?;
            match after.first() {
                None => return Err("build line missing '=' after quoted key".into()),
                Some(b'=') => (key, after.get(1..).unwrap_or_default()),
                Some(&c) => {
                    return Err(format!(
                        "unexpected character after quoted key: '{}'",
                        c.escape_ascii()
                    ))
                }
            }
        }
        Some(_) => {
            let eq = kv
                .iter()
                .position(|&b| b == b'=')
                .ok_or_else(|| "build line missing '=' after key".to_string())?;
            let (key, value) = kv.split_at(eq);
            if needs_quote(key, true) {
                return Err(format!("unquoted key {:?} must be quoted", text(key)));
            }
            (key.to_vec(), value.get(1..).unwrap_or_default())
        }
    };
    let value = match raw_value.first() {
        None => Vec::new(),
        Some(b'`' | b'"') => {
            unquote(raw_value).ok_or_else(|| "invalid quoted value in build line".to_string())?
        }
        Some(_) => {
            if needs_quote(raw_value, false) {
                return Err(format!(
                    "unquoted value {:?} must be quoted",
                    text(raw_value)
                ));
            }
            raw_value.to_vec()
        }
    };
    Ok((text(&key), text(&value)))
}

/// runtime/debug's `quoteKey` / `quoteValue`.
fn needs_quote(s: &[u8], is_key: bool) -> bool {
    (is_key && (s.is_empty() || s.contains(&b'='))) || s.iter().any(|b| b" \t\r\n\"`".contains(b))
}
