//! The diagnostics core every layer speaks: a [`Rule`] (what can be reported), its typed
//! [`RuleId`], a [`Severity`], and a [`Finding`] (one reported fact with its evidence, fix
//! and optional source [`Location`]).
//!
//! This module is a leaf: it uses nothing else of the crate. Domains (`checks`, `resolve`,
//! `vscode`, `toolchain`, `probe`, `baseline`) declare their rules with these types and
//! depend on nothing above them; `registry` lists every rule, and reporting takes rules as
//! data. (The same split as ruff's `violation.rs` leaf and its `codes.rs` table.)

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule's stable code, `DD` followed by three digits (`DD201`). Typed so that findings
/// are compared by code, never by string; rendered and parsed as `DD201`. Which codes
/// exist is decided by the registry, not here.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(u16);

impl RuleId {
    /// `RuleId::parse("DD201")` in a `const` context: a malformed code fails the build.
    pub const fn parse(code: &str) -> RuleId {
        match RuleId::try_parse(code) {
            Some(id) => id,
            None => panic!("a rule code is DD followed by three digits"),
        }
    }

    /// `Some` for `DD` + three digits (case-insensitive `dd`), else `None`.
    pub const fn try_parse(code: &str) -> Option<RuleId> {
        let b = code.as_bytes();
        if b.len() != 5 || !matches!(b[0], b'D' | b'd') || !matches!(b[1], b'D' | b'd') {
            return None;
        }
        let mut n: u16 = 0;
        let mut i = 2;
        while i < 5 {
            if !b[i].is_ascii_digit() {
                return None;
            }
            n = n * 10 + (b[i] - b'0') as u16;
            i += 1;
        }
        Some(RuleId(n))
    }

    /// The number after `DD` (`201`).
    pub const fn number(self) -> u16 {
        self.0
    }

    /// Does this code start with `prefix` (`DD2` matches `DD201`)? Case-insensitive.
    pub fn has_prefix(self, prefix: &str) -> bool {
        self.to_string()
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DD{:03}", self.0)
    }
}

impl fmt::Debug for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for RuleId {
    type Err = String;
    fn from_str(s: &str) -> Result<RuleId, String> {
        RuleId::try_parse(s.trim()).ok_or_else(|| format!("{s:?} is not a finding ID (DDnnn)"))
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RuleId, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Static description of one kind of finding: stable ID, kebab-case name, default
/// severity, a one-line title and the `explain` text (what it does / why debugging breaks
/// / fix / how to verify by hand).
#[derive(Debug)]
pub struct Rule {
    pub id: RuleId,
    pub name: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub explain: &'static str,
}

/// Where in a text file (launch.json) a finding points, 1-based.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One diagnosed fact about a binary (or a launch.json), with the evidence read from it
/// and the exact change that fixes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable ID, e.g. `DD201`.
    pub id: RuleId,
    /// Stable kebab-case name, e.g. `optimized-code`.
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what is wrong (or notable).
    pub message: String,
    /// What was read and where (section, compile unit, producer, build setting).
    pub evidence: Vec<String>,
    /// The exact change that fixes it, if there is one.
    pub fix: Option<String>,
    /// Source location for findings about text files (launch.json).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Finding {
    pub fn new(rule: &Rule, message: impl Into<String>) -> Finding {
        Finding {
            id: rule.id,
            name: rule.name,
            severity: rule.severity,
            message: message.into(),
            evidence: Vec::new(),
            fix: None,
            location: None,
        }
    }
    /// Is this a finding of `rule`?
    pub fn is(&self, rule: &Rule) -> bool {
        self.id == rule.id
    }
    pub fn evidence(mut self, e: impl Into<String>) -> Finding {
        self.evidence.push(e.into());
        self
    }
    pub fn fix(mut self, f: impl Into<String>) -> Finding {
        self.fix = Some(f.into());
        self
    }
    pub fn severity(mut self, s: Severity) -> Finding {
        self.severity = s;
        self
    }
    pub fn at(mut self, line: usize, column: usize) -> Finding {
        self.location = Some(Location { line, column });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_id_round_trips_and_rejects_garbage() {
        const ID: RuleId = RuleId::parse("DD201");
        assert_eq!(ID.to_string(), "DD201");
        assert_eq!(ID.number(), 201);
        assert_eq!("dd201".parse::<RuleId>(), Ok(ID));
        assert_eq!(RuleId::parse("DD007").to_string(), "DD007");
        for bad in ["", "DD", "DD20", "DD2011", "XX201", "DD2a1", "DD-01"] {
            assert!(RuleId::try_parse(bad).is_none(), "{bad}");
        }
        assert!(ID.has_prefix("DD2") && ID.has_prefix("dd20") && ID.has_prefix(""));
        assert!(!ID.has_prefix("DD1") && !ID.has_prefix("DD2011"));
        assert_eq!(serde_json::to_string(&ID).unwrap(), "\"DD201\"");
        assert_eq!(serde_json::from_str::<RuleId>("\"DD201\"").unwrap(), ID);
        assert!(serde_json::from_str::<RuleId>("\"DD2\"").is_err());
    }
}
