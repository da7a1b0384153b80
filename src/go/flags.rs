//! Build-setting values as the go command records them (`-gcflags`, `-ldflags`), split
//! into flags. Go records them with its own quoting (cmd/internal/quoted), so split on
//! whitespace outside single or double quotes.

/// Splits a flags value: `all=-N -l` → [`all=-N`, `-l`]; `'-X main.v=a b' -s` → [`-X main.v=a b`, `-s`].
pub fn split(value: &str) -> Vec<String> {
    split_spans(value).into_iter().map(|(f, _)| f).collect()
}

/// [`split`] with each field's byte span in `value` (quotes included), for edits that keep
/// the rest of the text. The same rule as Delve's `config.SplitQuotedFields`, which
/// vscode-go's `buildFlags` go through: spaces separate, '…' or "…" group.
pub fn split_spans(value: &str) -> Vec<(String, (usize, usize))> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = None;
    let mut quote: Option<char> = None;
    for (i, c) in value.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                start.get_or_insert(i);
                quote = Some(c);
            }
            (None, c) if c.is_whitespace() => {
                if let Some(st) = start.take() {
                    out.push((std::mem::take(&mut cur), (st, i)));
                }
            }
            (None, c) => {
                start.get_or_insert(i);
                cur.push(c);
            }
        }
    }
    if let Some(st) = start {
        out.push((cur, (st, value.len())));
    }
    out
}

/// Whether a boolean linker flag (`-s`, `-w`) is set in an `-ldflags` value. Handles
/// `-s`, `--s`, `-s=true`, `-s=false`, and the pattern form `pkg=-s` is not used by ldflags.
pub fn linker_bool(ldflags: &str, name: &str) -> bool {
    let mut set = false;
    for tok in split(ldflags) {
        let t = tok.trim_start_matches('-');
        if tok.starts_with('-') {
            if t == name {
                set = true;
            } else if let Some(v) = t.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                set = matches!(v, "true" | "1" | "t" | "T" | "TRUE" | "True");
            }
        }
    }
    set
}

/// `-gcflags` split into (package pattern, flags): `all=-N -l` → (Some("all"), [-N, -l]).
/// Without a pattern the flags apply to the packages named on the command line only.
pub fn gcflags_pattern(value: &str) -> (Option<String>, Vec<String>) {
    let toks = split(value);
    let mut pattern = None;
    let mut flags = Vec::new();
    for (i, t) in toks.into_iter().enumerate() {
        if i == 0 && !t.starts_with('-') {
            if let Some((p, f)) = t.split_once('=') {
                pattern = Some(p.to_string());
                if !f.is_empty() {
                    flags.push(f.to_string());
                }
                continue;
            }
        }
        flags.push(t);
    }
    (pattern, flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_quotes() {
        assert_eq!(split("all=-N -l"), vec!["all=-N", "-l"]);
        assert_eq!(split("'-X main.v=a b' -s"), vec!["-X main.v=a b", "-s"]);
        assert_eq!(split("  "), Vec::<String>::new());
        assert_eq!(split("''"), vec![""]);
    }

    #[test]
    fn linker_booleans() {
        assert!(linker_bool("-s -w", "s"));
        assert!(linker_bool("-s -w", "w"));
        assert!(!linker_bool("-X main.x=-w", "w"));
        assert!(!linker_bool("-w=false", "w"));
        assert!(linker_bool("-w=true", "w"));
        assert!(!linker_bool("-compressdwarf=false", "w"));
    }

    #[test]
    fn gcflags_patterns() {
        assert_eq!(
            gcflags_pattern("all=-N -l"),
            (Some("all".into()), vec!["-N".into(), "-l".into()])
        );
        assert_eq!(
            gcflags_pattern("-N -l"),
            (None, vec!["-N".into(), "-l".into()])
        );
    }
}
