//! Reading a launch.json (or `.code-workspace`) the way VS Code does: JSON with comments
//! and trailing commas, nothing looser. Hostile input (binary bytes, huge files, deep
//! nesting) is refused with one line before any parser sees it.

use std::path::{Path, PathBuf};

use jsonc_parser::ParseOptions;

/// Larger than any real launch.json by three orders of magnitude.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// VS Code configurations nest a handful of levels; 100 leaves room and keeps recursive
/// parsers far from the stack limit.
pub const MAX_DEPTH: usize = 100;

/// A loaded, syntactically valid file.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

/// Why a file could not be linted; renders as one line.
#[derive(Debug)]
pub struct LoadError {
    pub path: PathBuf,
    /// 1-based line and column when the problem has a place in the text.
    pub at: Option<(usize, usize)>,
    pub reason: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.at {
            Some((l, c)) => write!(f, "{}:{l}:{c}: {}", self.path.display(), self.reason),
            None => write!(f, "{}: {}", self.path.display(), self.reason),
        }
    }
}

impl std::error::Error for LoadError {}

/// What VS Code's JSONC reader accepts: comments and trailing commas only.
pub fn parse_options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: true,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Reads and validates `path`.
pub fn load(path: &Path) -> Result<Source, LoadError> {
    let err = |at, reason: String| LoadError {
        path: path.to_path_buf(),
        at,
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => err(None, "no such file".into()),
        _ => err(None, format!("cannot read: {e}")),
    })?;
    if meta.is_dir() {
        return Err(err(None, "is a directory, not a launch.json".into()));
    }
    // A FIFO blocks in open() until a writer appears, and a device such as /dev/zero
    // reports length 0 but never ends: read regular files only.
    if !meta.is_file() {
        return Err(err(
            None,
            "not a regular file (a FIFO, socket or device), not a launch.json".into(),
        ));
    }
    if meta.len() > MAX_BYTES {
        return Err(err(
            None,
            format!(
                "{} bytes: larger than the {} MB limit for a launch.json",
                meta.len(),
                MAX_BYTES / (1024 * 1024)
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| err(None, format!("cannot read: {e}")))?;
    from_bytes(path, bytes)
}

/// Validates bytes already read (also used by tests).
pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Source, LoadError> {
    let err = |at, reason: String| LoadError {
        path: path.to_path_buf(),
        at,
        reason,
    };
    if bytes.len() as u64 > MAX_BYTES {
        return Err(err(
            None,
            "larger than the 10 MB limit for a launch.json".into(),
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..good]).into_owned();
            return Err(err(
                Some(line_col(&prefix, prefix.len())),
                "not UTF-8 text (binary file?)".into(),
            ));
        }
    };
    // VS Code reads a UTF-8 byte order mark as nothing; so do we.
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    if let Some(i) = text.find('\0') {
        return Err(err(
            Some(line_col(&text, i)),
            "NUL byte: not a text file".into(),
        ));
    }
    if let Some(i) = too_deep(&text, MAX_DEPTH) {
        return Err(err(
            Some(line_col(&text, i)),
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    if let Err(e) = jsonc_parser::parse_to_ast(&text, &Default::default(), &parse_options()) {
        return Err(err(
            Some((e.line_display(), e.column_display())),
            format!("syntax error: {}", e.kind()),
        ));
    }
    Ok(Source {
        path: path.to_path_buf(),
        text,
    })
}

/// Byte offset of the first bracket that opens level `max + 1`, skipping strings and
/// comments; a linear scan so no input can exhaust the stack.
fn too_deep(text: &str, max: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// 1-based line and column (in characters) of byte offset `at`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let mut at = at;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vscode_depth_scan_ignores_strings_and_comments() {
        assert_eq!(too_deep("{\"a\": \"[[[[\"} // [[[[", 2), None);
        assert_eq!(too_deep("[[[1]]]", 2), Some(2));
        assert_eq!(too_deep(&"[".repeat(1_000_000), 100), Some(100));
    }

    #[test]
    fn vscode_line_col_counts_characters() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nx", 3), (2, 1));
    }

    #[test]
    fn vscode_rejects_what_vscode_rejects() {
        let p = Path::new("l.json");
        assert!(from_bytes(p, b"{\"a\": 1,} // c".to_vec()).is_ok());
        let e = from_bytes(p, b"{\n  \"a\": \"x\n}".to_vec()).unwrap_err();
        assert!(e.at.is_some(), "{e}");
        assert!(from_bytes(p, b"{'a': 1}".to_vec()).is_err());
        assert!(from_bytes(p, vec![0x7f, b'E', b'L', b'F', 0xff, 0]).is_err());
    }
}
