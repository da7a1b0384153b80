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

/// A Go function name split as Delve's `Function.PackageName/ReceiverName/BaseName`.
#[derive(Debug, PartialEq, Eq)]
pub struct FuncParts {
    pub package: String,
    pub receiver: String,
    pub base: String,
}

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

/// Splits `pkg/path.(*T).M`, `pkg.T.M`, `pkg.F[...]`.
pub fn split_func(name: &str) -> FuncParts {
    let name = strip_generic(name);
    let slash = name.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (package, rest) = match name[slash..].find('.') {
        Some(i) => (
            name[..slash + i].to_string(),
            name[slash + i + 1..].to_string(),
        ),
        None => (String::new(), name.clone()),
    };
    let (receiver, base) = match rest.rfind('.') {
        Some(i) => (
            rest[..i]
                .trim_start_matches("(*")
                .trim_start_matches('(')
                .trim_end_matches(')')
                .to_string(),
            rest[i + 1..].to_string(),
        ),
        None => (String::new(), rest),
    };
    FuncParts {
        package,
        receiver,
        base,
    }
}

/// `split_func(name).base` without allocating for names without type arguments.
pub fn base_name(name: &str) -> std::borrow::Cow<'_, str> {
    if name.contains('[') {
        return std::borrow::Cow::Owned(split_func(name).base);
    }
    let slash = name.rfind('/').map(|i| i + 1).unwrap_or(0);
    match name[slash..].rfind('.') {
        Some(i) => std::borrow::Cow::Borrowed(&name[slash + i + 1..]),
        None => std::borrow::Cow::Borrowed(name),
    }
}

/// Delve's `packageMatch`: the spec's package is a suffix of the symbol's on a `/` boundary.
fn package_match(spec: &str, pkg: &str) -> bool {
    partial_path_match(spec, pkg, false)
}

/// Delve's `FuncLocationSpec.Match` for a spec that is not an exact name.
pub fn func_match(spec: &str, symbol: &str) -> bool {
    let spec = strip_generic(spec);
    let sym = split_func(symbol);
    // Spec parts: up to the last '/', then '.'-separated.
    let slash = spec.rfind('/').map(|i| i + 1).unwrap_or(0);
    let tail = &spec[slash..];
    let parts: Vec<&str> = split_dots(tail);
    let prefix = &spec[..slash];
    let base = parts.last().copied().unwrap_or("");
    if base != sym.base {
        return false;
    }
    let clean = |r: &str| {
        r.trim_start_matches("(*")
            .trim_start_matches('(')
            .trim_end_matches(')')
            .to_string()
    };
    match parts.len() {
        1 => prefix.is_empty(),
        2 => {
            let p = format!("{prefix}{}", parts[0]);
            package_match(&p, &sym.package)
                || (prefix.is_empty() && clean(parts[0]) == sym.receiver)
        }
        3 => {
            let p = format!("{prefix}{}", parts[0]);
            package_match(&p, &sym.package) && clean(parts[1]) == sym.receiver
        }
        _ => false,
    }
}

/// The base name a spec asks for (what [`func_match`] compares with `split_func().base`).
pub fn spec_base(spec: &str) -> String {
    let spec = strip_generic(spec);
    let slash = spec.rfind('/').map(|i| i + 1).unwrap_or(0);
    split_dots(&spec[slash..])
        .last()
        .copied()
        .unwrap_or("")
        .to_string()
}

/// Splits on '.' outside parentheses.
fn split_dots(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '.' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
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
        assert!(func_match("greet", "main.greet"));
        assert!(func_match("main.greet", "main.greet"));
        assert!(func_match("T.M", "example.com/p.(*T).M"));
        assert!(func_match("p.T.M", "example.com/p.(*T).M"));
        assert!(func_match("p.Map", "example.com/p.Map[...]"));
        assert!(!func_match("q.greet", "main.greet"));
    }

    #[test]
    fn base_name_is_split_func_base() {
        for n in [
            "main.main",
            "example.com/p.(*T).M",
            "example.com/p.Map[...]",
            "p.F[go.shape.struct { a.b int }]",
            "runtime.gcBgMarkWorker.func1",
            "noPackage",
            "a/b/noDot",
            "type:.eq.[2]interface {}",
            "",
        ] {
            assert_eq!(base_name(n), split_func(n).base, "{n}");
        }
    }
}
