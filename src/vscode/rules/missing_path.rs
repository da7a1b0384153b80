//! DD410 missing-path: "cwd" or "envFile" names a path that does not exist.

use crate::diagnostic::{Rule, RuleId, Severity};

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD410"),
    name: "missing-path",
    severity: Severity::Error,
    title: "cwd or envFile does not exist",
    explain: r#"
What it does
  Expands variables in "cwd" and "envFile" and checks the paths exist (relative paths
  are relative to the workspace folder, as vscode-go resolves them).

Why it breaks debugging
  A missing envFile makes vscode-go refuse to start ("Cannot load environment variables
  from file"); a missing cwd makes dlv fail to start the program.

Verified with
  Delve 1.27.1 (Go 1.25.5 build) and Delve 1.20.2 (Go 1.19.8 build): `dlv dap` launching
  an existing exec program with "cwd": "/nonexistent/dir" fails with "could not launch
  process: fork/exec PROGRAM: no such file or directory" - the message names the program,
  which exists; the missing directory is the cwd.

Fix
  Create the file or directory, or correct the path.

How to verify by hand
  ls -ld <path> after replacing ${workspaceFolder} with the folder that holds .vscode/.
"#,
};
