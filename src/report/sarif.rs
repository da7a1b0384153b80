//! SARIF 2.1.0 output for code-scanning services (GitHub, Azure DevOps, GitLab): one
//! rule per finding ID with its explain text as help, one result per finding located at
//! the binary (and at line/column for launch.json findings).

use std::path::Path;

use serde_json::{json, Value};

use crate::diagnostic::{Finding, Rule, RuleId, Severity};

/// The schema URI written into `$schema` (the OASIS 2.1.0 schema).
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// One input of a run: a diagnosed file, or one that could not be read.
pub enum Artifact<'a> {
    Report {
        path: &'a str,
        findings: &'a [Finding],
    },
    Unreadable {
        path: &'a str,
        error: &'a str,
    },
}

/// SARIF level of a severity (`info` is SARIF's `note`).
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_json(r: &Rule) -> Value {
    let explain = r.explain.trim();
    json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": explain},
        "help": {"text": explain},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {"tags": ["debuggability"]},
    })
}

/// The SARIF log of one `check` run. `rules` is every rule a result may reference (the
/// registry's list, in ID order); `cwd` is what artifact URIs are relative to.
pub fn log(artifacts: &[Artifact<'_>], rules: &[&Rule], cwd: &Path) -> Value {
    let mut ids: Vec<RuleId> = rules.iter().map(|r| r.id).collect();
    let mut rule_values: Vec<Value> = rules.iter().map(|r| rule_json(r)).collect();
    // A finding whose rule is not registered (should not happen) still gets a rule, so
    // every result's ruleIndex is valid.
    for a in artifacts {
        if let Artifact::Report { findings, .. } = a {
            for f in findings.iter() {
                if !ids.contains(&f.id) {
                    ids.push(f.id);
                    rule_values.push(json!({
                        "id": f.id,
                        "name": f.name,
                        "shortDescription": {"text": f.name},
                        "defaultConfiguration": {"level": level(f.severity)},
                    }));
                }
            }
        }
    }
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for a in artifacts {
        match a {
            Artifact::Report { path, findings } => {
                let uri = artifact_uri(Path::new(path), cwd);
                let keys = crate::baseline::finding_keys(findings);
                for (f, key) in findings.iter().zip(keys) {
                    let index = ids.iter().position(|id| *id == f.id).unwrap_or(0);
                    let mut physical = json!({"artifactLocation": uri.clone()});
                    if let Some(l) = &f.location {
                        physical["region"] =
                            json!({"startLine": l.line.max(1), "startColumn": l.column.max(1)});
                    }
                    let mut properties = json!({"name": f.name, "evidence": f.evidence});
                    if let Some(fix) = &f.fix {
                        properties["fix"] = json!(fix);
                    }
                    results.push(json!({
                        "ruleId": f.id,
                        "ruleIndex": index,
                        "level": level(f.severity),
                        "message": {"text": f.message},
                        "locations": [{"physicalLocation": physical}],
                        "partialFingerprints": {
                            "debugdoctor/v1": format!("{}:{key}", uri["uri"].as_str().unwrap_or("")),
                        },
                        "properties": properties,
                    }));
                }
            }
            Artifact::Unreadable { path, error } => {
                notifications.push(json!({
                    "level": "error",
                    "message": {"text": error},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": artifact_uri(Path::new(path), cwd)
                    }}],
                }));
            }
        }
    }
    let successful = notifications.is_empty();
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "debugdoctor",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rule_values,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": dir_uri(cwd)}},
            "invocations": [{
                "executionSuccessful": successful,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    })
}

/// `{"uri": "dist/app", "uriBaseId": "%SRCROOT%"}` for a path under `cwd`, else an
/// absolute `file:` URI (GitHub resolves relative URIs against the repository root,
/// which is the working directory of a CI step).
fn artifact_uri(path: &Path, cwd: &Path) -> Value {
    let abs = crate::baseline::normalize(&cwd.join(path));
    match abs.strip_prefix(crate::baseline::normalize(cwd)) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            json!({"uri": encode_path(rel), "uriBaseId": "%SRCROOT%"})
        }
        _ => json!({"uri": format!("file://{}", encode_path(&abs))}),
    }
}

fn dir_uri(dir: &Path) -> String {
    let mut s = format!("file://{}", encode_path(&crate::baseline::normalize(dir)));
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

/// Percent-encodes a path for a URI (RFC 3986: unreserved characters and `/` kept).
fn encode_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_under_cwd_and_encoded() {
        let cwd = Path::new("/w/repo");
        assert_eq!(
            artifact_uri(Path::new("dist/my app"), cwd)["uri"],
            "dist/my%20app"
        );
        assert_eq!(
            artifact_uri(Path::new("/w/repo/./out/a"), cwd)["uri"],
            "out/a"
        );
        assert_eq!(
            artifact_uri(Path::new("/tmp/x"), cwd)["uri"],
            "file:///tmp/x"
        );
        assert_eq!(dir_uri(cwd), "file:///w/repo/");
    }
}
