//! DD104 dwarf5: DWARF version 5 (Go 1.25+ default except darwin/ios/aix).

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD104"),
    name: "dwarf5",
    severity: Severity::Info,
    title: "DWARF 5: needs a Delve built with Go >= 1.25",
    explain: r#"
What it does
  Reads the version of every compile unit header in .debug_info.

Why it matters for debugging
  Go 1.25 emits DWARF 5 by default (except on darwin, ios and aix). Delve reads DWARF
  through Go's debug/dwarf of the Go that built Delve, and Go < 1.25 misreads Go's DWARF 5
  (dlv#3861). Delve 1.25 and newer built with Go < 1.25 refuse the binary (PR#3943,
  dlv#3957, dlv#4268); older Delves read it in part: measured with Debian's Delve 1.20.2
  (built with go1.19.8, --check-go-version=false), breakpoints bind and stop but
  variables are unreadable. `debugdoctor env` says which case the installed Delve is
  (DD502). Distribution packages of Delve are often built with old Go.

Fix
  Use a Delve built with Go >= 1.25:
      go install github.com/go-delve/delve/cmd/dlv@latest
  or build the program with DWARF 4:  GOEXPERIMENT=nodwarf5 go build ...
  (`debugdoctor env` checks the Delve on this machine.)

Verified with
  Delve 1.27.1 (dlv exec) binds main.main and main.go:26 in the Go 1.25.5 DWARF 5 build;
  the printed GOEXPERIMENT=nodwarf5 rebuild clears this finding and binds there too;
  Delve 1.20.2 reads variables only in that rebuild (DD502) (tests/it/fix_proofs.rs).

How to verify by hand
  readelf --debug-dump=info app | grep -m1 'Version:'
  go version -m $(which dlv) | head -1      (the Go that built Delve)
"#,
};

pub fn run(t: &Target) -> Vec<Finding> {
    let Some(d) = t.dwarf() else {
        return Vec::new();
    };
    // Only Go's own DWARF 5 needs the newer Delve: a C program's (gcc 11+ default) is not
    // Go's problem, and GOEXPERIMENT=nodwarf5 would not change it.
    let go_units_5 = d.go_units().filter(|u| u.version >= 5).count();
    if d.version < 5 || go_units_5 == 0 {
        return Vec::new();
    }
    let mut f = Finding::new(&RULE, format!("DWARF {}; needs Delve built with Go >= 1.25", d.version))
        .evidence(format!(
            "compile unit headers: version {} ({go_units_5} Go units)",
            d.version,
        ))
        .fix("use a Delve built with Go >= 1.25 (go install github.com/go-delve/delve/cmd/dlv@latest), or build with GOEXPERIMENT=nodwarf5");
    if let Some(exp) = t.buildinfo().and_then(|b| b.setting("GOEXPERIMENT")) {
        f = f.evidence(format!("build setting GOEXPERIMENT={exp}"));
    }
    vec![f]
}
