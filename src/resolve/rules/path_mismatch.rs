//! DD706 path-mismatch: the path is not the one the binary records: substitutePath needed.

use crate::checks::Rule;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    id: "DD706",
    name: "path-mismatch",
    severity: Severity::Error,
    title: "the path is not the one the binary records: substitutePath needed",
    explain: r#"
What it does
  The location names an absolute path that is not in the binary, but the same file exists
  under another prefix: the binary was built elsewhere (container, CI, Bazel) or with
  -trimpath (module-relative paths like example.com/app/main.go).

Why it breaks debugging
  VS Code sends editor paths; Delve looks them up in the binary's paths. Without a
  substitutePath rule nothing matches and breakpoints stay unverified.

Fix
  Add the suggested rule to launch.json ("from" is the editor path, "to" the binary's),
  or in Delve: config substitute-path BINARY_PATH EDITOR_PATH (the other way round).
  debugdoctor paths prints the full set.

How to verify by hand
  dlv exec ./app, then: sources main.go   (shows the recorded path)
"#,
};
