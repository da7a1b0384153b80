//! Location specs with Delve's grammar (go-delve/delve `pkg/locspec/locations.go`):
//! `*ADDRESS`, `/regex/` (functions), `FILE:LINE`, `FUNC:LINE`, `FUNC`, with Delve's
//! file and function matching rules.

/// A parsed location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    /// `*0x4a1b20`
    Address(u64),
    /// `/^main\.g/`
    Regex(String),
    /// `base` or `base:line`; `base` is a file or a function, decided against the binary.
    Normal { base: String, line: Option<u32> },
}

impl Spec {
    pub fn parse(s: &str) -> Result<Spec, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("empty location".into());
        }
        if let Some(a) = s.strip_prefix('*') {
            let a = a.trim();
            let v = match a.strip_prefix("0x").or_else(|| a.strip_prefix("0X")) {
                Some(h) => u64::from_str_radix(h, 16),
                None => a.parse(),
            };
            return v
                .map(Spec::Address)
                .map_err(|_| format!("bad address expression {a:?}"));
        }
        if s.len() > 1 && s.starts_with('/') && s.ends_with('/') {
            return Ok(Spec::Regex(s[1..s.len() - 1].to_string()));
        }
        if s.starts_with('+') || s.starts_with('-') {
            return Err(format!(
                "{s}: offsets are relative to a stopped program; give FILE:LINE instead"
            ));
        }
        match s.rsplit_once(':') {
            Some((base, line)) if !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => {
                let line: u32 = line
                    .parse()
                    .map_err(|_| format!("line number {line} out of range"))?;
                if base.is_empty() {
                    return Err(format!("{s}: no file or function before ':'"));
                }
                Ok(Spec::Normal {
                    base: base.to_string(),
                    line: Some(line),
                })
            }
            _ => Ok(Spec::Normal {
                base: s.to_string(),
                line: None,
            }),
        }
    }
}

/// Delve's `partialPathMatch`: `expr` is `path`, or a suffix of it starting right after
/// a path separator. Windows binaries compare case-insensitively with `/` for `\`.
pub fn path_matches(expr: &str, path: &str, windows: bool) -> bool {
    let (e, p);
    let (expr, path) = if windows {
        e = expr.replace('\\', "/").to_lowercase();
        p = path.replace('\\', "/").to_lowercase();
        (e.as_str(), p.as_str())
    } else {
        (expr, path)
    };
    if expr.len() + 1 < path.len() {
        path.ends_with(expr) && path.as_bytes()[path.len() - expr.len() - 1] == b'/'
    } else {
        expr == path
    }
}

/// The parts of a function spec (Delve's `FuncLocationSpec`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuncSpec {
    pub package: Option<String>,
    pub absolute_package: bool,
    pub receiver: Option<String>,
    pub package_or_receiver: Option<String>,
    pub base: String,
}

fn strip_receiver(s: &str) -> &str {
    s.trim_start_matches('(')
        .trim_end_matches(')')
        .trim_start_matches('*')
}

impl FuncSpec {
    /// `pkg.(*T).M`, `T.M`, `pkg.F`, `F`, `example.com/pkg.F`; None when `s` cannot
    /// name a function (Delve's `parseFuncLocationSpec`).
    pub fn parse(s: &str) -> Option<FuncSpec> {
        let (s, _) = split_type_params(s);
        let parts: Vec<String> = match s.rfind('/') {
            None => s.split('.').map(str::to_string).collect(),
            Some(end) => {
                let mut v: Vec<String> = s[end..].split('.').map(str::to_string).collect();
                v[0] = format!("{}{}", &s[..end], v[0]);
                v
            }
        };
        let mut spec = FuncSpec::default();
        match parts.len() {
            1 => spec.base = parts[0].clone(),
            2 => {
                spec.base = parts[1].clone();
                let r = strip_receiver(&parts[0]);
                if r != parts[0] {
                    spec.receiver = Some(r.to_string());
                } else if r.contains('/') {
                    spec.package = Some(r.to_string());
                } else {
                    spec.package_or_receiver = Some(r.to_string());
                }
            }
            3 => {
                spec.base = parts[2].clone();
                spec.receiver = Some(strip_receiver(&parts[1]).to_string());
                spec.package = Some(parts[0].clone());
            }
            _ => return None,
        }
        if let Some(p) = spec.package.as_mut() {
            if let Some(rest) = p.strip_prefix('/') {
                *p = rest.to_string();
                spec.absolute_package = true;
            }
        }
        if spec.base.is_empty()
            || spec.base.contains('/')
            || spec.receiver.as_deref().is_some_and(|r| r.contains('/'))
        {
            return None;
        }
        Some(spec)
    }

    /// Delve's `FuncLocationSpec.Match` against a full function name.
    pub fn matches(&self, name: &str) -> bool {
        let f = FuncName::new(name);
        if self.base != f.base {
            return false;
        }
        let recv = strip_receiver(&f.receiver);
        if self.receiver.as_deref().is_some_and(|r| r != recv) {
            return false;
        }
        if let Some(p) = &self.package {
            let ok = if self.absolute_package {
                *p == f.package
            } else {
                partial_package_match(p, &f.package)
            };
            if !ok {
                return false;
            }
        }
        if let Some(pr) = &self.package_or_receiver {
            if !partial_package_match(pr, &f.package) && pr != recv {
                return false;
            }
        }
        true
    }
}

fn partial_package_match(a: &str, b: &str) -> bool {
    if a.len() + 1 < b.len() {
        b.ends_with(a) && b.as_bytes()[b.len() - a.len() - 1] == b'/'
    } else {
        a == b
    }
}

/// `pkg.F[go.shape.int]` → (`pkg.F`, `[go.shape.int]`), on the outermost brackets.
pub fn split_type_params(name: &str) -> (String, &str) {
    match (name.find('['), name.rfind(']')) {
        (Some(a), Some(b)) if a < b => (format!("{}{}", &name[..a], &name[b + 1..]), &name[a..=b]),
        _ => (name.to_string(), ""),
    }
}

/// A Go function name split as debug/gosym does (`PackageName`, `ReceiverName`,
/// `BaseName`), ignoring type parameters.
pub struct FuncName {
    pub package: String,
    pub receiver: String,
    pub base: String,
}

impl FuncName {
    pub fn new(full: &str) -> FuncName {
        let (name, _) = split_type_params(full);
        let pathend = name.rfind('/').unwrap_or(0);
        let tail = &name[pathend..];
        let (package, rest) = match tail.find('.') {
            Some(i) => (&name[..pathend + i], &name[pathend + i + 1..]),
            None => ("", name.as_str()),
        };
        let (receiver, base) = match rest.rfind('.') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => ("", rest),
        };
        FuncName {
            package: package.to_string(),
            receiver: receiver.to_string(),
            base: base.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_delve_grammar() {
        assert_eq!(Spec::parse("*0x4a1b20"), Ok(Spec::Address(0x4a1b20)));
        assert_eq!(
            Spec::parse("/^main\\./"),
            Ok(Spec::Regex("^main\\.".into()))
        );
        assert_eq!(
            Spec::parse("server/main.go:14"),
            Ok(Spec::Normal {
                base: "server/main.go".into(),
                line: Some(14)
            })
        );
        assert_eq!(
            Spec::parse("main.main"),
            Ok(Spec::Normal {
                base: "main.main".into(),
                line: None
            })
        );
        assert_eq!(
            Spec::parse("C:\\src\\main.go:9"),
            Ok(Spec::Normal {
                base: "C:\\src\\main.go".into(),
                line: Some(9)
            })
        );
        assert!(Spec::parse("+3").is_err());
        assert!(Spec::parse("*zz").is_err());
        assert!(Spec::parse(":3").is_err());
    }

    #[test]
    fn path_suffix_on_separator() {
        assert!(path_matches("main.go", "/a/b/main.go", false));
        assert!(path_matches("b/main.go", "/a/b/main.go", false));
        assert!(!path_matches("ain.go", "/a/b/main.go", false));
        assert!(path_matches("/a/b/main.go", "/a/b/main.go", false));
        assert!(!path_matches("MAIN.go", "/a/b/main.go", false));
        assert!(path_matches("B\\MAIN.go", "C:/a/b/main.go", true));
    }

    #[test]
    fn function_specs_match_like_delve() {
        let m = |spec: &str, name: &str| FuncSpec::parse(spec).unwrap().matches(name);
        assert!(m("main.main", "main.main"));
        assert!(m("greet", "main.greet"));
        assert!(m("(*Stack).Push", "main.(*Stack[go.shape.string]).Push"));
        assert!(m("Stack.Push", "main.(*Stack[go.shape.string]).Push"));
        assert!(m("main.Sum", "main.Sum[go.shape.int]"));
        assert!(m("fmt.Println", "fmt.Println"));
        assert!(m("strconv.Itoa", "strconv.Itoa"));
        assert!(m("example.com/lib.Greeting", "example.com/lib.Greeting"));
        assert!(m("lib.Greeting", "example.com/lib.Greeting"));
        assert!(!m("ib.Greeting", "example.com/lib.Greeting"));
        assert!(!m("main.greet", "main.great"));
        let f = FuncName::new("example.com/lib.(*T).M");
        assert_eq!(
            (f.package.as_str(), f.receiver.as_str(), f.base.as_str()),
            ("example.com/lib", "(*T)", "M")
        );
    }
}
