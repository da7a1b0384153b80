//! Whose breakpoint rules `where` and `check` apply where Delve versions differ: the
//! version `--delve` names, a dlv executable's, or by default the dlv on PATH (the
//! newest rules when there is none or it is unusable).

use std::path::PathBuf;

use crate::resolve::DelveRules;

use super::detect;

/// The rules chosen, and why, in words: `--delve 1.20.2`, `dlv on PATH: /usr/bin/dlv
/// (1.20.2)`, `newest (no dlv on PATH)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BindingRules {
    pub rules: DelveRules,
    pub from: String,
}

impl BindingRules {
    /// The newest Delve's rules, chosen on purpose.
    pub fn newest() -> BindingRules {
        BindingRules {
            rules: DelveRules::default(),
            from: "--delve newest".into(),
        }
    }

    /// What to tell a user when these are not the newest Delve's rules: `bound as Delve
    /// 1.20 binds: dlv on PATH: /usr/bin/dlv (1.20.2), which refuses go1.25 binaries
    /// unless run with --check-go-version=false; --delve newest for Delve 1.25+`.
    pub fn caveat(&self, go: Option<&str>) -> Option<String> {
        (self.rules != DelveRules::default()).then(|| {
            format!(
                "bound as {}; --delve newest for Delve 1.25+",
                self.whose(go)
            )
        })
    }

    /// `Delve 1.20 binds: dlv on PATH: /usr/bin/dlv (1.20.2), which refuses go1.25
    /// binaries unless run with --check-go-version=false` for a binary of Go `go`.
    pub fn whose(&self, go: Option<&str>) -> String {
        format!(
            "Delve {} binds: {}{}",
            self.rules.as_str(),
            self.from,
            refusal(&self.from, go)
        )
    }
}

/// `, which refuses go1.25 binaries ...` when the Delve named in `from` (`... (1.20.2)`)
/// does not support the binary's Go version; else nothing.
fn refusal(from: &str, go: Option<&str>) -> String {
    let minor = |v: &str| v.split('.').nth(1).and_then(|m| m.parse::<u32>().ok());
    // `dlv on PATH: /usr/bin/dlv (1.20.2)` or `--delve 1.20.2`.
    let version = match from.rsplit_once('(') {
        Some((_, v)) => v.trim_end_matches(')'),
        None => from.rsplit(' ').next().unwrap_or(""),
    };
    let delve = minor(version.trim_start_matches('v'));
    let go_minor = go.and_then(|g| minor(g.trim_start_matches("go")));
    match (delve, go_minor) {
        (Some(d), Some(g)) => match super::compat::supported(d) {
            Some((lo, hi, _)) if g < lo || g > hi => {
                format!(", which refuses go1.{g} binaries unless run with --check-go-version=false")
            }
            _ => String::new(),
        },
        _ => String::new(),
    }
}

/// The rules `--delve ARG` names: a version, `newest`, a dlv executable, or `auto` (the
/// default: the dlv on PATH, else the newest rules). An error only for an argument that
/// names neither a version nor a usable dlv.
pub fn select(arg: Option<&str>) -> Result<BindingRules, String> {
    let arg = arg.unwrap_or("auto");
    if arg == "newest" {
        return Ok(BindingRules::newest());
    }
    if let Some(rules) = DelveRules::for_version(arg) {
        return Ok(BindingRules {
            rules,
            from: format!("--delve {arg}"),
        });
    }
    let newest = |why: String| {
        Ok(BindingRules {
            rules: DelveRules::default(),
            from: why,
        })
    };
    let path = match arg {
        "auto" => match detect::which("dlv") {
            Some(p) => p,
            None => return newest("newest (no dlv on PATH)".into()),
        },
        p => PathBuf::from(p),
    };
    if !path.is_file() {
        return Err(format!(
            "--delve {arg}: neither a Delve version (1.27.1) nor a dlv executable"
        ));
    }
    match (version_of(&path, arg), arg) {
        (Ok((rules, version)), "auto") => Ok(BindingRules {
            rules,
            from: format!("dlv on PATH: {} ({version})", path.display()),
        }),
        (Ok((rules, version)), _) => Ok(BindingRules {
            rules,
            from: format!("--delve {} ({version})", path.display()),
        }),
        // The default must not fail on an unusable dlv: `env` reports that one.
        (Err(e), "auto") => newest(format!("newest (the dlv on PATH is unusable: {e})")),
        (Err(e), _) => Err(e),
    }
}

/// A dlv's version and rules. A released Delve says its version in its build info: no
/// process to start (it would compete with the index for the CPU). Else `dlv version`,
/// remembered.
fn version_of(path: &std::path::Path, arg: &str) -> Result<(DelveRules, String), String> {
    if let Some(found) = detect::dlv_version_from_build_info(path)
        .and_then(|v| Some((DelveRules::for_version(&v)?, v)))
    {
        return Ok(found);
    }
    let version = detect::dlv_version_remembered(path)?;
    DelveRules::for_version(&version)
        .map(|r| (r, version))
        .ok_or_else(|| format!("--delve {arg}: `dlv version` printed no version"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_newest_need_no_dlv() {
        assert_eq!(select(Some("newest")).unwrap().rules, DelveRules::V1_27);
        let old = select(Some("1.20.2")).unwrap();
        assert_eq!(
            (old.rules, old.from.as_str()),
            (DelveRules::V1_20, "--delve 1.20.2")
        );
        assert_eq!(select(Some("v1.27.1")).unwrap().rules, DelveRules::V1_27);
    }

    #[test]
    fn the_caveat_says_when_that_delve_refuses_the_binary() {
        let old = select(Some("1.20.2")).unwrap();
        let c = old.caveat(Some("go1.25.5")).unwrap();
        assert!(c.contains("which refuses go1.25 binaries"), "{c}");
        assert!(!old.caveat(Some("go1.19.8")).unwrap().contains("refuses"));
        assert_eq!(
            select(Some("newest")).unwrap().caveat(Some("go1.25.5")),
            None
        );
    }

    #[test]
    fn a_path_that_is_not_a_file_is_an_error() {
        let e = select(Some("/nonexistent/dlv")).unwrap_err();
        assert!(e.contains("neither a Delve version"), "{e}");
    }
}
