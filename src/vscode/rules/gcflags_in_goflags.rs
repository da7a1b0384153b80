//! DD420 gcflags-in-goflags: -gcflags inside env.GOFLAGS.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD420"),
    name: "gcflags-in-goflags",
    severity: Severity::Warning,
    title: "env GOFLAGS sets -gcflags: overridden by Delve, or the build fails",
    explain: r#"
What it does
  Looks for -gcflags in the "GOFLAGS" value of "env" in a configuration that vscode-go
  builds (debug, test, auto).

Why it breaks debugging
  Delve passes -gcflags=all=-N -l on the go command line, and flags on the command line
  override GOFLAGS (go help environment): the -gcflags in GOFLAGS is ignored. Worse,
  GOFLAGS is split at spaces, so "-gcflags=all=-N -l" makes the go command fail before
  building anything ("go: parsing $GOFLAGS: unknown flag -l", measured with Go 1.25),
  and the session never starts. Reported as an error in that case.

Fix
  Remove -gcflags from GOFLAGS; Delve already disables optimisations and inlining.

Verified with
  Delve 1.27.1 with Go 1.25.5 and Delve 1.20.2 with Go 1.19.8 (dlv dap, driven as
  vscode-go drives it, mode debug on the hello workspace, GOTOOLCHAIN=local). env
  GOFLAGS "-gcflags=all=-N -l": the launch fails ("Build error: Check the debug console
  for details."; the console shows "Build Error: go build -o ... -gcflags all=-N -l ..."
  and "go: parsing $GOFLAGS: unknown flag -l"). "-gcflags=all=-N" (one field): main.main
  and main.go:26 bind and stop, as without GOFLAGS (tests/it/explain_verified.rs).

How to verify by hand
  GOFLAGS='<value>' go build ./...
"#,
};

/// `-gcflags` in a GOFLAGS value: an error when go cannot even parse GOFLAGS (it splits
/// at spaces, without quoting, and wants `-flag=value` fields; messages measured with
/// Go 1.25).
pub fn check(goflags: &str) -> Option<Finding> {
    let fields: Vec<&str> = goflags.split_whitespace().collect();
    fields
        .iter()
        .find(|f| f.trim_start_matches('-').starts_with("gcflags"))?;
    let fix = "remove -gcflags from GOFLAGS (Delve builds with -gcflags=all=-N -l)";
    let go_error = if let Some(s) = fields.iter().find(|f| !f.starts_with('-')) {
        Some(format!("go: parsing $GOFLAGS: non-flag {s:?}"))
    } else if fields
        .iter()
        .any(|f| f.trim_start_matches('-') == "gcflags")
    {
        Some("go: flag needs an argument: -gcflags (from $GOFLAGS)".to_string())
    } else {
        // After `-gcflags=all=-N`, the compiler's own flags (`-l`, `-N`, `'-l'`...) land in
        // fields of their own, which go reads as unknown go flags.
        fields
            .iter()
            .map(|f| f.trim_end_matches(['\'', '"']))
            .find(|f| {
                f.starts_with('-')
                    && matches!(f.trim_start_matches('-'), "N" | "l" | "m" | "S" | "B")
            })
            .map(|f| format!("go: parsing $GOFLAGS: unknown flag {f}"))
    };
    Some(match go_error {
        Some(e) => Finding::new(
            &RULE,
            format!("env GOFLAGS {goflags:?} does not parse (\"{e}\"): the build fails before Delve starts"),
        )
        .severity(Severity::Error)
        .fix(fix),
        None => Finding::new(
            &RULE,
            format!("env GOFLAGS {goflags:?} sets -gcflags: Delve's -gcflags=all=-N -l on the command line overrides it"),
        )
        .fix(fix),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vscode_goflags_gcflags() {
        assert!(check("-mod=vendor").is_none());
        let f = check("-gcflags=all=-N -l").unwrap();
        assert_eq!(f.severity, Severity::Error, "{}", f.message);
        assert!(f.message.contains("unknown flag -l"), "{}", f.message);
        let f = check("-gcflags='all=-N -l'").unwrap();
        assert!(f.message.contains("unknown flag -l"), "{}", f.message);
        assert!(check("-gcflags=all=-N x")
            .unwrap()
            .message
            .contains("non-flag"));
        let f = check("-mod=mod -gcflags=all=-N").unwrap();
        assert_eq!(f.severity, Severity::Warning, "{}", f.message);
        assert_eq!(check("-gcflags").unwrap().severity, Severity::Error);
    }
}
