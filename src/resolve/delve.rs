//! Which Delve's binding rules `where` follows where Delve versions disagree. Two rule sets,
//! each verified against a real Delve by the differential tests (tests/it/where_delve.rs):
//! Debian's 1.20.2 and 1.27.1 (built from ../shared/oracles), the Delve Go 1.25+ users run.

use serde::Serialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum DelveRules {
    /// Delve up to 1.24 (verified: 1.20.2). A function without `prologue_end` binds at
    /// the first statement of its entry line (`FirstStmtForLine`); explicit
    /// instantiations (`F[int]`) are not found.
    #[serde(rename = "1.20")]
    V1_20,
    /// Delve 1.25 and later (verified: 1.27.1). A function without `prologue_end` binds at
    /// its first statement on any line (`FirstStmt`).
    #[default]
    #[serde(rename = "1.27")]
    V1_27,
}

impl DelveRules {
    /// The rules of Delve `version` (`1.20.2`, `v1.27.1`, `1.27`); `None` when it does not
    /// read as a version. Versions between the two verified ones follow the nearer side of
    /// the 1.25 boundary (the Delve release that supports Go 1.25).
    pub fn for_version(version: &str) -> Option<DelveRules> {
        let v = version.trim().trim_start_matches('v');
        let mut parts = v.split('.');
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts.next()?.parse().ok()?;
        Some(if major == 1 && minor < 25 {
            DelveRules::V1_20
        } else {
            DelveRules::V1_27
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DelveRules::V1_20 => "1.20",
            DelveRules::V1_27 => "1.27",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_map_to_rule_sets() {
        assert_eq!(DelveRules::for_version("1.20.2"), Some(DelveRules::V1_20));
        assert_eq!(DelveRules::for_version("v1.24.0"), Some(DelveRules::V1_20));
        assert_eq!(DelveRules::for_version("1.25"), Some(DelveRules::V1_27));
        assert_eq!(DelveRules::for_version("1.27.1"), Some(DelveRules::V1_27));
        assert_eq!(DelveRules::for_version("latest"), None);
        assert_eq!(DelveRules::default(), DelveRules::V1_27);
    }
}
