//! What the proxy adds to Delve's words: for an unbound breakpoint, the finding ID, the
//! reason and the one fix (from the resolver's [`Resolution`], the answer `where` gives);
//! for the session, the binary's error and warning findings in one console message.

use crate::diagnostic::{Finding, RuleId, Severity};
use crate::resolve::rules;
use crate::resolve::Resolution;

/// Why one breakpoint does not bind, and what binds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub id: RuleId,
    pub reason: String,
    pub fix: String,
}

impl Explanation {
    /// The text appended to Delve's message: ` — [DD703] reason; fix: …`.
    pub fn suffix(&self) -> String {
        format!(" — [{}] {}; fix: {}", self.id, self.reason, self.fix)
    }
}

/// The part of a resolver message after Delve's own words (they are already in Delve's
/// message): `could not find statement at …, please use a line with a statement — REST`.
fn after_delve_text(msg: &str) -> Option<&str> {
    msg.split_once(" — ").map(|(_, rest)| rest)
}

/// The explanation of an unbound resolution; `None` for a bound one (Delve refused the
/// breakpoint for a reason the binary does not show: we add nothing).
pub fn explain(res: &Resolution) -> Option<Explanation> {
    if res.bound {
        return None;
    }
    let reason = res.reason.as_ref()?;
    let id = reason.id;
    let msg = reason.message.as_str();
    let lines: Vec<String> = res.nearest.iter().map(|n| n.line.to_string()).collect();
    let (why, fix) = if id == rules::where_no_statement::RULE.id {
        let optimised = after_delve_text(msg);
        let why = match optimised {
            // The resolver's advice to rebuild is the fix's second half here.
            Some(rest) => rest.split("; in a -gcflags").next().unwrap_or(rest).to_string(),
            None => "no code was compiled for this line (comment, blank line, declaration or removed code)".to_string(),
        };
        let mut fix = match lines.as_slice() {
            [] => "put the breakpoint on a line with code".to_string(),
            [one] => format!("put the breakpoint on line {one}"),
            [a, b, ..] => format!("put the breakpoint on line {a} or {b}"),
        };
        if optimised.is_some() {
            fix.push_str(
                ", or build with -gcflags=all=\"-N -l\" (vscode-go does in debug and test modes)",
            );
        }
        (why, fix)
    } else if id == rules::where_trimmed_path::RULE.id {
        let why = msg
            .split_once(" — ")
            .map(|(head, _)| head.trim_start_matches("no file matches; ").to_string())
            .unwrap_or_else(|| msg.to_string());
        let fix = match res.substitute_path.first() {
            Some(s) => format!(
                "add to launch.json \"substitutePath\": [{{\"from\": {}, \"to\": {}}}]",
                serde_json::Value::from(s.from.clone()),
                serde_json::Value::from(s.to.clone())
            ),
            None => "add a substitutePath rule to launch.json".to_string(),
        };
        (why, fix)
    } else if id == rules::where_file_not_found::RULE.id {
        let why = msg
            .split_once(" not found: ")
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_else(|| msg.to_string());
        let fix = if msg.contains("_test.go files exist only in test binaries") {
            "debug it with \"mode\": \"test\"".to_string()
        } else if let Some((_, close)) = msg.split_once("; closest: ") {
            format!("the binary has {close}: open that file, or add a substitutePath rule if it is the same file")
        } else {
            "check that this file is part of the program being debugged (build tags, GOOS/GOARCH file suffixes, another module)".to_string()
        };
        (why, fix)
    } else if id == rules::where_stripped::RULE.id {
        (
            "the binary has no DWARF (built with -ldflags=-s or -w, or stripped): file:line breakpoints cannot bind".to_string(),
            "rebuild without -s/-w in -ldflags and do not strip the binary".to_string(),
        )
    } else {
        (msg.to_string(), format!("run `debugdoctor explain {id}`"))
    };
    Some(Explanation {
        id,
        reason: why,
        fix,
    })
}

/// One console message with the binary's error and warning findings (each with its fix);
/// `None` when it has none.
pub fn findings_text(binary: &str, findings: &[Finding]) -> Option<String> {
    let shown: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .collect();
    if shown.is_empty() {
        return None;
    }
    let mut out = format!("debugdoctor: {binary}:\n");
    for f in shown {
        out.push_str(&format!(
            "  {} [{}] {}: {}\n",
            f.severity.as_str(),
            f.id,
            f.name,
            f.message
        ));
        if let Some(fix) = &f.fix {
            out.push_str(&format!("      fix: {fix}\n"));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::{FileLine, Reason, Substitute};

    fn unbound(id: RuleId, msg: &str) -> Resolution {
        Resolution {
            spec: "/a/main.go:24".into(),
            bound: false,
            addresses: vec![],
            reason: Some(Reason {
                id,
                message: msg.into(),
            }),
            nearest: vec![],
            substitute_path: vec![],
            warnings: vec![],
        }
    }

    #[test]
    fn no_statement_names_the_nearest_lines() {
        let mut r = unbound(
            rules::where_no_statement::RULE.id,
            "could not find statement at /a/main.go:24, please use a line with a statement",
        );
        r.nearest = vec![
            FileLine {
                file: "/a/main.go".into(),
                line: 22,
            },
            FileLine {
                file: "/a/main.go".into(),
                line: 25,
            },
        ];
        let e = explain(&r).unwrap();
        assert_eq!(e.id.to_string(), "DD703");
        assert_eq!(e.fix, "put the breakpoint on line 22 or 25");
        assert!(e.suffix().starts_with(" — [DD703] no code was compiled"));
    }

    #[test]
    fn trimmed_path_gives_the_launch_json_rule() {
        let mut r = unbound(
            rules::where_trimmed_path::RULE.id,
            "no file matches; the binary was built in another directory: /b/main.go — add substitutePath {\"from\": \"/a\", \"to\": \"/b\"}",
        );
        r.substitute_path.push(Substitute {
            from: "/a".into(),
            to: "/b".into(),
        });
        let e = explain(&r).unwrap();
        assert_eq!(
            e.fix,
            "add to launch.json \"substitutePath\": [{\"from\": \"/a\", \"to\": \"/b\"}]"
        );
        assert_eq!(
            e.reason,
            "the binary was built in another directory: /b/main.go"
        );
    }
}
