//! Go version strings (`go1.25.5`, `go1.21rc2`, `devel go1.26-abcdef`) parsed and compared.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl GoVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        GoVersion {
            major,
            minor,
            patch,
        }
    }

    /// Parses `go1.25.5`, `1.25`, `go1.21rc2` (as 1.21.0), `devel go1.26-abc` (as 1.26.0).
    pub fn parse(s: &str) -> Option<GoVersion> {
        let s = s.trim();
        let s = s.strip_prefix("devel ").unwrap_or(s);
        let s = s.strip_prefix("go").unwrap_or(s);
        let end = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let mut parts = s[..end].split('.').filter(|p| !p.is_empty());
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map(|p| p.parse().ok()).unwrap_or(Some(0))?;
        let patch = parts.next().map(|p| p.parse().ok()).unwrap_or(Some(0))?;
        Some(GoVersion {
            major,
            minor,
            patch,
        })
    }

    /// `1.25` — the release line, as Delve's compatibility table speaks of it.
    pub fn minor_string(&self) -> String {
        format!("{}.{}", self.major, self.minor)
    }

    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "go{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_release_and_prerelease_forms() {
        assert_eq!(GoVersion::parse("go1.25.5"), Some(GoVersion::new(1, 25, 5)));
        assert_eq!(GoVersion::parse("go1.21"), Some(GoVersion::new(1, 21, 0)));
        assert_eq!(
            GoVersion::parse("go1.21rc2"),
            Some(GoVersion::new(1, 21, 0))
        );
        assert_eq!(
            GoVersion::parse("devel go1.26-abc123 X"),
            Some(GoVersion::new(1, 26, 0))
        );
        assert_eq!(GoVersion::parse("1.19.8"), Some(GoVersion::new(1, 19, 8)));
        assert_eq!(GoVersion::parse("gox"), None);
        assert!(GoVersion::new(1, 25, 5) > GoVersion::new(1, 9, 9));
    }
}
