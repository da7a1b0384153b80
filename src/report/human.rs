//! Human-readable rendering: aligned columns, colour only when asked for (the CLI decides:
//! `--color`, NO_COLOR, whether stdout is a terminal).

use owo_colors::OwoColorize;

use crate::diagnostic::{Finding, Severity};

#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// `error  ` / `warning` / `info   `, padded to 7 and coloured.
    pub fn severity(&self, s: Severity) -> String {
        let text = format!("{:<7}", s.as_str());
        if !self.color {
            return text;
        }
        match s {
            Severity::Error => text.red().bold().to_string(),
            Severity::Warning => text.yellow().bold().to_string(),
            Severity::Info => text.cyan().to_string(),
        }
    }
    pub fn bold(&self, s: &str) -> String {
        if self.color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn dim(&self, s: &str) -> String {
        if self.color {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn good(&self, s: &str) -> String {
        if self.color {
            s.green().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn bad(&self, s: &str) -> String {
        if self.color {
            s.red().bold().to_string()
        } else {
            s.to_string()
        }
    }

    /// A finding in the layout of `debugdoctor check`:
    /// ```text
    /// error   DD201 optimized-code        message
    ///         evidence: ...
    ///         fix: ...
    /// ```
    pub fn finding(&self, f: &Finding) -> String {
        let mut out = format!(
            "{} {} {:<22} {}\n",
            self.severity(f.severity),
            self.bold(&f.id.to_string()),
            f.name,
            f.message
        );
        if !f.evidence.is_empty() {
            out.push_str(&format!(
                "        {} {}\n",
                self.dim("evidence:"),
                f.evidence.join("; ")
            ));
        }
        if let Some(fix) = &f.fix {
            out.push_str(&format!("        {} {}\n", self.dim("fix:"), fix));
        }
        out
    }
}

/// `1204` → `1,204`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1204), "1,204");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
