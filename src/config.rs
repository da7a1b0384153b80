//! `debugdoctor.toml`: project defaults for `check` (fail-on, select, ignore, format,
//! jobs, baseline, debug dirs), found in the working directory or the nearest parent.
//!
//! TOML because it is what Rust-built linters use (ruff.toml, rustfmt.toml, clippy.toml),
//! it has comments (JSON has none), and Go projects have no shared config file to borrow
//! a section from: go.mod accepts only its own directives. Command-line flags win.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// File name looked up from the working directory upward.
pub const FILE_NAME: &str = "debugdoctor.toml";

/// The `[check]` table (top-level keys are accepted too, like ruff.toml).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckConfig {
    /// `error`, `warning`, `info` or `never`.
    pub fail_on: Option<String>,
    /// Finding IDs or prefixes (`DD2`) to report; empty means all.
    pub select: Option<Vec<String>>,
    /// Finding IDs or prefixes not to report.
    pub ignore: Option<Vec<String>>,
    /// `human`, `json` or `sarif`.
    pub format: Option<String>,
    pub jobs: Option<usize>,
    /// Baseline to compare with, relative to the config file's directory.
    pub baseline: Option<PathBuf>,
    /// Extra separate-debug-file roots, relative to the config file's directory.
    pub debug_dir: Option<Vec<PathBuf>>,
}

/// A config file that was read: where, and what it says (paths already made relative to
/// the working directory's view, i.e. joined to the file's directory).
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub check: CheckConfig,
}

/// The nearest `debugdoctor.toml` from `start` upward.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Parses a config text; `dir` is the directory relative paths in it refer to.
pub fn parse(text: &str, dir: &Path) -> Result<CheckConfig, String> {
    let mut table: toml::Table =
        toml::from_str(text).map_err(|e| e.message().trim().to_string())?;
    let section = match table.remove("check") {
        Some(toml::Value::Table(check)) if table.is_empty() => check,
        Some(toml::Value::Table(_)) => {
            return Err("put settings either in [check] or at the top level, not both".into())
        }
        Some(_) => return Err("`check` must be a table ([check])".into()),
        None => table,
    };
    let mut c: CheckConfig = section
        .try_into()
        .map_err(|e: toml::de::Error| e.message().trim().to_string())?;
    c.baseline = c.baseline.map(|b| dir.join(b));
    c.debug_dir = c
        .debug_dir
        .map(|v| v.into_iter().map(|d| dir.join(d)).collect());
    Ok(c)
}

/// Reads `explicit` if given, else the nearest config from the working directory;
/// no file is not an error.
pub fn load(explicit: Option<&Path>) -> Result<Config, String> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => std::env::current_dir().ok().and_then(|d| find(&d)),
    };
    let Some(path) = path else {
        return Ok(Config::default());
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: cannot read config: {e}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let check = parse(&text, &dir).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Config {
        path: Some(path),
        check,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_table_and_top_level() {
        let c = parse(
            "[check]\nfail-on = \"warning\"\nignore = [\"DD103\"]\nbaseline = \"b.json\"\n",
            Path::new("/p"),
        )
        .unwrap();
        assert_eq!(c.fail_on.as_deref(), Some("warning"));
        assert_eq!(c.ignore, Some(vec!["DD103".to_string()]));
        assert_eq!(c.baseline, Some(PathBuf::from("/p/b.json")));
        let c = parse("select = [\"DD2\"]\n", Path::new("/p")).unwrap();
        assert_eq!(c.select, Some(vec!["DD2".to_string()]));
    }

    #[test]
    fn unknown_keys_are_errors() {
        assert!(parse("fail_on = \"x\"\n", Path::new("/")).is_err());
        assert!(parse("[check]\nfoo = 1\n", Path::new("/")).is_err());
        assert!(parse("fail-on = \"x\"\n[check]\nignore=[]\n", Path::new("/")).is_err());
    }
}
