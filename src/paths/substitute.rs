//! substitutePath rules: synthesis of the smallest rule set, rendering in both
//! directions, and Delve's own matching (`pkg/locspec` `SubstitutePath`) to verify them.
//!
//! Directions differ between tools, which is the commonest mistake with these rules:
//! vscode-go's launch.json `substitutePath` has `from` = editor (local) path and `to` =
//! binary path; Delve's `config substitute-path FROM TO` has FROM = binary path and TO =
//! local path. [`Rule`] stores both sides by name so neither can be confused.

use serde::Serialize;

use crate::pathname::{is_abs, is_windows_abs};

/// One mapping between a directory as the binary records it and the local directory
/// holding the same files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Prefix as recorded in the binary (`/app`, `example.com/hello`; empty = every
    /// relative path, as Delve treats an empty `from`).
    pub binary: String,
    /// Local directory (absolute).
    pub local: String,
}

impl Rule {
    pub fn new(binary: impl Into<String>, local: impl Into<String>) -> Rule {
        Rule {
            binary: binary.into(),
            local: local.into(),
        }
    }
}

/// A launch.json entry: `from` = editor path, `to` = binary path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LaunchJsonRule {
    pub from: String,
    pub to: String,
}

/// A Delve config entry: `from` = binary path, `to` = local path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DelveRule {
    pub from: String,
    pub to: String,
}

impl DelveRule {
    /// A launch configuration's `substitutePath` value as Delve's dap server takes it:
    /// the entries with a string `from` and `to` (each passed through `text`, e.g. to
    /// expand VS Code variables), in order; nothing when it is absent or not an array.
    pub fn from_launch_json(
        value: Option<&serde_json::Value>,
        mut text: impl FnMut(&serde_json::Value) -> Option<String>,
    ) -> Vec<DelveRule> {
        let Some(entries) = value.and_then(serde_json::Value::as_array) else {
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|r| {
                Some(DelveRule {
                    from: text(r.get("from")?)?,
                    to: text(r.get("to")?)?,
                })
            })
            .collect()
    }
}

/// The rules in launch.json form. With `workspace_folder`, a local path equal to or under
/// it is written with `${workspaceFolder}`, as vscode-go expands it.
pub fn launch_json(rules: &[Rule], workspace_folder: Option<&str>) -> Vec<LaunchJsonRule> {
    rules
        .iter()
        .map(|r| {
            let from = match workspace_folder {
                Some(w) if r.local == w => "${workspaceFolder}".to_string(),
                Some(w)
                    if r.local
                        .starts_with(&format!("{}/", w.trim_end_matches('/'))) =>
                {
                    format!(
                        "${{workspaceFolder}}{}",
                        &r.local[w.trim_end_matches('/').len()..]
                    )
                }
                _ => r.local.clone(),
            };
            LaunchJsonRule {
                from,
                to: r.binary.clone(),
            }
        })
        .collect()
}

/// The rules in Delve's direction (`config substitute-path FROM TO`).
pub fn delve(rules: &[Rule]) -> Vec<DelveRule> {
    rules
        .iter()
        .map(|r| DelveRule {
            from: r.binary.clone(),
            to: r.local.clone(),
        })
        .collect()
}

/// Quotes an argument for Delve's command line (`config substitute-path "" /x`).
pub fn delve_quote(s: &str) -> String {
    if s.is_empty() || s.contains([' ', '"', '\t']) {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

/// Delve init-script lines (`dlv exec BIN --init FILE`) that install the rules.
pub fn delve_commands(rules: &[Rule]) -> Vec<String> {
    delve(rules)
        .iter()
        .map(|r| {
            format!(
                "config substitute-path {} {}",
                delve_quote(&r.from),
                delve_quote(&r.to)
            )
        })
        .collect()
}

fn has_sep_suffix(p: &str) -> bool {
    p.ends_with('/') || p.ends_with('\\')
}
fn has_sep_prefix(p: &str) -> bool {
    p.starts_with('/') || p.starts_with('\\')
}

/// Delve's `joinPath`: join with the separator `to` uses (`/` if mixed or none).
fn join_path(to: &str, rest: &str) -> String {
    let seps: Vec<char> = to.chars().filter(|c| *c == '/' || *c == '\\').collect();
    let sep = match seps.first() {
        Some(&s) if seps.iter().all(|c| *c == s) => s,
        _ => '/',
    };
    let rest = if sep == '/' {
        rest.replace('\\', "/")
    } else {
        rest.replace('/', "\\")
    };
    match (has_sep_suffix(to), has_sep_prefix(&rest)) {
        (true, true) => format!("{}{}", &to[..to.len() - 1], rest),
        (true, false) | (false, true) => format!("{to}{rest}"),
        (false, false) => format!("{to}{sep}{rest}"),
    }
}

/// Applies rules in the binary → local direction exactly as Delve's
/// `locspec.SubstitutePath` does: the first matching rule wins; a match must end on a
/// separator boundary; an empty `from` matches relative paths; matching is
/// case-insensitive when the path or any rule looks like a Windows absolute path.
pub fn apply(path: &str, rules: &[DelveRule]) -> String {
    let fold = is_windows_abs(path)
        || rules
            .iter()
            .any(|r| is_windows_abs(&r.from) || is_windows_abs(&r.to));
    for r in rules {
        if path == r.from {
            return r.to.clone();
        }
        let rest = if r.from.is_empty() {
            if is_abs(path) {
                continue;
            }
            path.to_string()
        } else {
            let head = match path.get(..r.from.len()) {
                Some(h) => h,
                None => continue,
            };
            let same = if fold {
                head.eq_ignore_ascii_case(&r.from)
            } else {
                head == r.from
            };
            if !same {
                continue;
            }
            // Delve lower-cases the path when folding; only `rest` is used afterwards.
            let tail = &path[r.from.len()..];
            if !(has_sep_suffix(&r.from) || has_sep_prefix(tail)) {
                continue;
            }
            if fold {
                tail.to_lowercase()
            } else {
                tail.to_string()
            }
        };
        if r.to.is_empty() {
            return rest.strip_prefix(['/', '\\']).unwrap_or(&rest).to_string();
        }
        return join_path(&r.to, &rest);
    }
    path.to_string()
}

/// Applies rules in the local → binary direction (Delve's `SubstitutePathReverse`, used
/// for locations typed by the user): swaps each rule's sides and applies them.
pub fn apply_reverse(path: &str, rules: &[DelveRule]) -> String {
    let swapped: Vec<DelveRule> = rules
        .iter()
        .map(|r| DelveRule {
            from: r.to.clone(),
            to: r.from.clone(),
        })
        .collect();
    apply(path, &swapped)
}

/// Orders rules so Delve's first-match-wins picks the most specific: longer binary
/// prefixes first, and the empty (relative-path) rule last.
pub fn order(rules: &mut Vec<Rule>) {
    rules.sort_by(|a, b| {
        (
            a.binary.is_empty(),
            std::cmp::Reverse(a.binary.len()),
            &a.binary,
        )
            .cmp(&(
                b.binary.is_empty(),
                std::cmp::Reverse(b.binary.len()),
                &b.binary,
            ))
    });
    rules.dedup_by(|a, b| a.binary == b.binary);
}

/// Strips `n` trailing components from both sides when they are equal there
/// (`/b/ws/app` → `/h/ws/app` with n = 1 becomes `/b/ws` → `/h/ws`), keeping at least one
/// component on each side. `None` when the tails differ or too little would remain.
pub fn generalize(r: &Rule, n: usize) -> Option<Rule> {
    if n == 0 || r.binary.is_empty() {
        return None;
    }
    let b: Vec<&str> = r.binary.split(['/', '\\']).collect();
    let l: Vec<&str> = r.local.split('/').collect();
    // Keep at least one real component: `/x` (["", "x"]) or `github.com`.
    let keep_b = if is_abs(&r.binary) { 2 } else { 1 };
    if n + keep_b > b.len() || n + 2 > l.len() {
        return None;
    }
    if (1..=n).any(|k| b[b.len() - k] != l[l.len() - k]) {
        return None;
    }
    let cut = |s: &str| -> String {
        let mut idx = s.len();
        for _ in 0..n {
            idx = s[..idx].rfind(['/', '\\']).unwrap_or(0);
        }
        s[..idx].to_string()
    };
    Some(Rule::new(cut(&r.binary), cut(&r.local)))
}

/// Does a rule set map `path` (a binary path) to an existing local file?
pub fn resolves(path: &str, rules: &[DelveRule]) -> bool {
    let p = apply(path, rules);
    is_abs(&p) && std::path::Path::new(&p).is_file()
}

/// How many of `paths` exist locally after applying the rules the way Delve does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub checked: usize,
    pub found: usize,
    /// Up to 10 paths that still do not resolve.
    pub missing_sample: Vec<String>,
}

pub fn verify<'a>(paths: impl IntoIterator<Item = &'a str>, rules: &[Rule]) -> Verification {
    let d = delve(rules);
    let mut v = Verification::default();
    for p in paths {
        v.checked += 1;
        if resolves(p, &d) {
            v.found += 1;
        } else if v.missing_sample.len() < 10 {
            v.missing_sample.push(p.to_string());
        }
    }
    v
}

/// Merges rules that differ only by common trailing directories (go.work modules built
/// side by side: `/b/ws/app`, `/b/ws/lib` → one `/b/ws` rule), stripping as few
/// components as possible, and only when the merged set resolves at least as many of
/// `paths` (so a merge never captures files another rule mapped elsewhere).
pub fn minimize(rules: Vec<Rule>, paths: &[&str]) -> Vec<Rule> {
    let mut rules = rules;
    order(&mut rules);
    let mut base = verify(paths.iter().copied(), &rules).found;
    for n in 1..=8 {
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..rules.len() {
                let Some(g) = generalize(&rules[i], n) else {
                    continue;
                };
                let group: Vec<usize> = (0..rules.len())
                    .filter(|&j| generalize(&rules[j], n).as_ref() == Some(&g))
                    .collect();
                if group.len() < 2 {
                    continue;
                }
                let mut candidate: Vec<Rule> = rules
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| !group.contains(k))
                    .map(|(_, r)| r.clone())
                    .collect();
                candidate.push(g);
                order(&mut candidate);
                let found = verify(paths.iter().copied(), &candidate).found;
                if found >= base {
                    base = found;
                    rules = candidate;
                    changed = true;
                    break;
                }
            }
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(from: &str, to: &str) -> DelveRule {
        DelveRule {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn delve_matching() {
        let rules = [d("/app", "/home/u/srv"), d("", "/usr/lib/go/src")];
        assert_eq!(apply("/app/main.go", &rules), "/home/u/srv/main.go");
        // Not on a separator boundary: no match.
        assert_eq!(apply("/application/x.go", &rules), "/application/x.go");
        assert_eq!(
            apply("runtime/proc.go", &rules),
            "/usr/lib/go/src/runtime/proc.go"
        );
        assert_eq!(apply("/app", &rules), "/home/u/srv");
        // First match wins.
        let first = [d("/a", "/x"), d("/a/b", "/y")];
        assert_eq!(apply("/a/b/c.go", &first), "/x/b/c.go");
        // Windows: case-insensitive, backslashes joined with the target's separator.
        let w = [d("C:\\Users\\U\\app", "/home/u/app")];
        assert_eq!(
            apply("c:\\users\\u\\app\\main.go", &w),
            "/home/u/app/main.go"
        );
        // Empty `to` yields a relative path.
        assert_eq!(
            apply_reverse(
                "/home/u/srv/main.go",
                &[d("example.com/srv", "/home/u/srv")]
            ),
            "example.com/srv/main.go"
        );
        assert_eq!(
            apply_reverse("/usr/lib/go/src/fmt/print.go", &[d("", "/usr/lib/go/src")]),
            "fmt/print.go"
        );
    }

    #[test]
    fn directions_and_workspace_folder() {
        let r = vec![
            Rule::new("/app", "/home/u/srv"),
            Rule::new("/go/pkg/mod", "/home/u/go/pkg/mod"),
        ];
        let lj = launch_json(&r, Some("/home/u/srv"));
        assert_eq!(
            lj[0],
            LaunchJsonRule {
                from: "${workspaceFolder}".into(),
                to: "/app".into()
            }
        );
        assert_eq!(lj[1].from, "/home/u/go/pkg/mod");
        assert_eq!(
            delve(&r)[0],
            DelveRule {
                from: "/app".into(),
                to: "/home/u/srv".into()
            }
        );
        assert_eq!(
            delve_commands(&[Rule::new("", "/g/src")]),
            vec!["config substitute-path \"\" /g/src"]
        );
    }

    #[test]
    fn generalize_and_order() {
        assert_eq!(
            generalize(&Rule::new("/b/ws/app", "/h/ws/app"), 1),
            Some(Rule::new("/b/ws", "/h/ws"))
        );
        assert_eq!(
            generalize(&Rule::new("/b/ws/app", "/h/ws/app"), 2),
            Some(Rule::new("/b", "/h"))
        );
        assert_eq!(generalize(&Rule::new("/b/ws/app", "/h/ws/app"), 3), None);
        assert_eq!(generalize(&Rule::new("/tmp/x/app", "/h/hello"), 1), None);
        assert_eq!(
            generalize(&Rule::new("github.com/a/b@v1", "/c/github.com/a/b@v1"), 2),
            Some(Rule::new("github.com", "/c/github.com"))
        );
        assert_eq!(
            generalize(&Rule::new("github.com/a/b@v1", "/c/github.com/a/b@v1"), 3),
            None
        );
        let mut r = vec![
            Rule::new("", "/g"),
            Rule::new("/a", "/x"),
            Rule::new("/a/b", "/y"),
        ];
        order(&mut r);
        assert_eq!(
            r.iter().map(|r| r.binary.as_str()).collect::<Vec<_>>(),
            ["/a/b", "/a", ""]
        );
    }
}
