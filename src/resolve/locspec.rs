//! Location specs with Delve's grammar (`pkg/locspec/locations.go`, `Parse`): `*ADDR`,
//! `/regex/`, `FILE:LINE`, `FUNC:LINE` (line relative to the function's entry line) and
//! `FUNC` / `FILE` (Delve's `NormalLocationSpec` with `LineOffset = -1`).

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocSpec {
    Addr(u64),
    Regex(String),
    /// `base` is a file or function expression; `line` is `None` when absent.
    Normal {
        base: String,
        line: Option<u64>,
    },
}

/// Parses one spec; `Err` is Delve's "Malformed breakpoint location" family.
pub fn parse(s: &str) -> Result<LocSpec, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty location".into());
    }
    if let Some(a) = s.strip_prefix('*') {
        let a = a.trim();
        let v = match a.strip_prefix("0x").or_else(|| a.strip_prefix("0X")) {
            Some(h) => u64::from_str_radix(h, 16),
            None => a.parse::<u64>(),
        };
        return v.map(LocSpec::Addr).map_err(|_| {
            format!("malformed address {a:?} (only literal addresses are supported offline)")
        });
    }
    if s.len() >= 2 && s.starts_with('/') && s.ends_with('/') {
        return Ok(LocSpec::Regex(s[1..s.len() - 1].to_string()));
    }
    if s.starts_with('+') || s.starts_with('-') {
        return Err(format!(
            "{s:?}: offsets need a running process (Delve's OffsetLocationSpec)"
        ));
    }
    // Delve splits on the last ':' (a Windows drive letter "C:\" is not a line separator).
    if let Some((b, l)) = s.rsplit_once(':') {
        if !(b.len() == 1 && (l.starts_with('\\') || l.starts_with('/'))) {
            return match l.parse::<u64>() {
                Ok(n) => Ok(LocSpec::Normal {
                    base: b.to_string(),
                    line: Some(n),
                }),
                Err(_) => Err(format!("Malformed breakpoint location {s:?}")),
            };
        }
    }
    Ok(LocSpec::Normal {
        base: s.to_string(),
        line: None,
    })
}

/// Delve's `partialPathMatch`: `expr` is a suffix of `path` on a `/` boundary, or equal.
pub fn partial_path_match(expr: &str, path: &str, case_insensitive: bool) -> bool {
    use std::borrow::Cow;
    let (e, p): (Cow<str>, Cow<str>) = if case_insensitive {
        (
            expr.to_lowercase().replace('\\', "/").into(),
            path.to_lowercase().replace('\\', "/").into(),
        )
    } else {
        (expr.into(), path.into())
    };
    if e.len() + 1 < p.len() {
        p.ends_with(e.as_ref()) && p.as_bytes()[p.len() - e.len() - 1] == b'/'
    } else {
        e == p
    }
}

/// A name without its type arguments: `main.(*Stack[go.shape.int]).Push` → `main.(*Stack).Push`.
pub fn strip_generic(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Delve's `packageMatch`: the spec's package is a suffix of the symbol's on a `/` boundary.
fn package_match(spec: &str, pkg: &str) -> bool {
    partial_path_match(spec, pkg, false)
}

/// A function name split as Delve 1.27's `Function.parse` does: package, receiver, base
/// and whether it carries type arguments. Non-Go functions are `C.name` (package `C`).
/// Dots inside `[...]` do not split; a `/` restarts the search for dots.
pub fn delve_parse(name: &str) -> (&str, &str, &str, bool) {
    if name.starts_with("go:") || name.starts_with("type:") {
        return ("", "", name, false);
    }
    let (mut dot1, mut dot2, mut depth, mut inst) = (None, None, 0usize, false);
    for (i, b) in name.bytes().enumerate() {
        if depth == 0 {
            match b {
                b'[' => {
                    depth += 1;
                    inst = true;
                }
                b'/' => {
                    dot1 = None;
                    dot2 = None;
                }
                b'.' if dot1.is_none() => dot1 = Some(i),
                b'.' if dot2.is_none() => dot2 = Some(i),
                _ => {}
            }
        } else {
            match b {
                b'[' => depth += 1,
                b']' => depth -= 1,
                _ => {}
            }
        }
    }
    match (dot1, dot2) {
        (None, _) => ("", "", name, inst),
        (Some(d1), None) => (&name[..d1], "", &name[d1 + 1..], inst),
        (Some(d1), Some(d2)) => (&name[..d1], &name[d1 + 1..d2], &name[d2 + 1..], inst),
    }
}

/// A function name split as Delve 1.20 does (the gosym way): the package up to the first
/// dot after the last `/`, the base after the last dot, the receiver between them.
pub fn delve_parse_120(name: &str) -> (&str, &str, &str, bool) {
    let inst = name.contains('[');
    let slash = name.rfind('/').unwrap_or(0);
    let Some(l) = name[slash..].find('.').map(|i| slash + i) else {
        return ("", "", name, inst);
    };
    let r = name.rfind('.').unwrap_or(l);
    let rcv = if r > l { &name[l + 1..r] } else { "" };
    (&name[..l], rcv, &name[r + 1..], inst)
}

/// Delve 1.27's `NameWithoutTypeParams`: `pkg.(*T[int]).M` → `pkg.(*T).M`.
pub fn name_without_type_params(name: &str) -> std::borrow::Cow<'_, str> {
    let (pkg, rcv, base, inst) = delve_parse(name);
    if !inst || pkg.is_empty() {
        return std::borrow::Cow::Borrowed(name);
    }
    let clear = |s: &str| match (s.find('['), s.rfind(']')) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &s[..a], &s[b + 1..]),
        _ => s.to_string(),
    };
    let (rcv, base) = (clear(rcv), clear(base));
    std::borrow::Cow::Owned(if rcv.is_empty() {
        format!("{pkg}.{base}")
    } else {
        format!("{pkg}.{rcv}.{base}")
    })
}

/// A function spec as Delve's `parseFuncLocationSpec` reads it; `None` when the spec
/// cannot name a function (more than three dot-separated parts after the last `/`, or a
/// `/` in the base or receiver).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FuncSpec {
    pub base: String,
    pub receiver: String,
    pub package: String,
    pub package_or_receiver: String,
    pub absolute: bool,
}

fn strip_receiver_decoration(s: &str) -> &str {
    if s.len() >= 3 && s.starts_with("(*") && s.ends_with(')') {
        &s[2..s.len() - 1]
    } else {
        s
    }
}

pub fn parse_func_spec(spec: &str) -> Option<FuncSpec> {
    let v: Vec<String> = match spec.rfind('/') {
        None => spec.split('.').map(str::to_string).collect(),
        Some(end) => {
            let mut v: Vec<String> = spec[end..].split('.').map(str::to_string).collect();
            v[0] = format!("{}{}", &spec[..end], v[0]);
            v
        }
    };
    let mut f = FuncSpec::default();
    match v.as_slice() {
        [base] => f.base = base.clone(),
        [first, base] => {
            f.base = base.clone();
            let r = strip_receiver_decoration(first);
            if r != first {
                f.receiver = r.to_string();
            } else if r.contains('/') {
                f.package = r.to_string();
            } else {
                f.package_or_receiver = r.to_string();
            }
        }
        [pkg, rcv, base] => {
            f.base = base.clone();
            f.receiver = strip_receiver_decoration(rcv).to_string();
            f.package = pkg.clone();
        }
        _ => return None,
    }
    if let Some(p) = f.package.strip_prefix('/') {
        f.package = p.to_string();
        f.absolute = true;
    }
    if f.base.contains('/') || f.receiver.contains('/') {
        return None;
    }
    Some(f)
}

/// How a Delve version splits a function name into package, receiver and base.
pub type NameParser = fn(&str) -> (&str, &str, &str, bool);

impl FuncSpec {
    /// Delve's `FuncLocationSpec.Match` (package aliases aside), with that Delve's way of
    /// splitting names.
    pub fn matches(&self, name: &str, parse: NameParser) -> bool {
        let (pkg, rcv, base, _) = parse(name);
        if self.base != base {
            return false;
        }
        let recv = strip_receiver_decoration(rcv);
        if !self.receiver.is_empty() && self.receiver != recv {
            return false;
        }
        if !self.package.is_empty() {
            let ok = if self.absolute {
                self.package == pkg
            } else {
                package_match(&self.package, pkg)
            };
            if !ok {
                return false;
            }
        }
        if !self.package_or_receiver.is_empty()
            && !package_match(&self.package_or_receiver, pkg)
            && self.package_or_receiver != recv
        {
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_delve_grammar() {
        assert_eq!(
            parse("main.go:21").unwrap(),
            LocSpec::Normal {
                base: "main.go".into(),
                line: Some(21)
            }
        );
        assert_eq!(parse("*0x401000").unwrap(), LocSpec::Addr(0x401000));
        assert_eq!(
            parse("/^main\\./").unwrap(),
            LocSpec::Regex("^main\\.".into())
        );
        assert!(parse("main.go:x").is_err());
    }

    #[test]
    fn matches_like_delve() {
        assert!(partial_path_match(
            "hello/main.go",
            "/a/hello/main.go",
            false
        ));
        assert!(!partial_path_match(
            "ello/main.go",
            "/a/hello/main.go",
            false
        ));
        assert!(partial_path_match("MAIN.GO", "C:\\x\\main.go", true));
        let m = |spec: &str, name: &str| {
            parse_func_spec(spec).is_some_and(|f| f.matches(name, delve_parse))
        };
        assert!(m("greet", "main.greet"));
        assert!(m("main.greet", "main.greet"));
        assert!(m("T.M", "example.com/p.(*T).M"));
        assert!(m("p.T.M", "example.com/p.(*T).M"));
        assert!(m("p.(*T).M", "example.com/p.(*T).M"));
        assert!(!m("q.greet", "main.greet"));
        // More than three dot parts name no function (Delve's parseFuncLocationSpec).
        assert!(parse_func_spec("main.f.func1.1").is_none());
        assert!(parse_func_spec("main.Sum[...]").is_none());
        // Function.parse (1.27) keeps dots inside type arguments together; gosym's split
        // (1.20) takes the base after the last dot.
        assert_eq!(
            delve_parse("main.Pair[go.shape.string].String"),
            ("main", "Pair[go.shape.string]", "String", true)
        );
        assert_eq!(
            delve_parse("type:.eq.p.Map"),
            ("", "", "type:.eq.p.Map", false)
        );
        assert_eq!(
            delve_parse_120("main.f.func1.1"),
            ("main", "f.func1", "1", false)
        );
        assert_eq!(
            name_without_type_params("main.(*Stack[int]).Push"),
            "main.(*Stack).Push"
        );
    }
}
