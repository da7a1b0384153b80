//! A finding: one diagnosed fact about a binary (or a launch.json), with the evidence
//! read from it and the exact change that fixes it.

use serde::Serialize;

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable ID, e.g. `DD201`.
    pub id: &'static str,
    /// Stable kebab-case name, e.g. `optimized-code`.
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what is wrong (or notable) in this binary.
    pub message: String,
    /// What was read and where (section, compile unit, producer, build setting).
    pub evidence: Vec<String>,
    /// The exact change that fixes it, if there is one.
    pub fix: Option<String>,
    /// Source location for findings about text files (launch.json), 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Finding {
    pub fn new(rule: &crate::checks::Rule, message: impl Into<String>) -> Finding {
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
