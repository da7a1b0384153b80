//! Checks over one binary (DD1xx–DD3xx): one file per check, each with its rule (stable
//! ID, kebab-case name, default severity, title, `explain` text) and a
//! `run(&Target) -> Vec<Finding>`. The registry lists them and runs them.

pub mod compressed_dwarf;
pub mod dwarf5;
pub mod foreign_platform;
pub mod go_run_or_test_build;
pub mod inlining_enabled;
pub mod no_dwarf;
pub mod no_symbols;
pub mod not_go_binary;
pub mod optimized_code;
pub mod packed_binary;
pub mod partial_no_opt;
pub mod split_debug_info;
pub mod trimpath_paths;
pub mod unreadable_go_data;

use crate::Target;

/// The Go compile units and the one of package main, when the binary has DWARF with a
/// main unit: what the optimisation checks (DD201, DD202) start from.
pub fn go_units_with_main(t: &Target) -> Option<(Vec<&crate::dwarf::Unit>, &crate::dwarf::Unit)> {
    let d = t.dwarf()?;
    let main = d.go_units().find(|u| u.name == "main")?;
    Some((d.go_units().collect(), main))
}

/// The go command that rebuilds this binary: a test binary (build info path
/// `example.com/pkg.test`) is rebuilt with `go test -c`, which takes the same -gcflags;
/// `go build` on its package would produce a different program.
pub fn rebuild_command(t: &Target) -> &'static str {
    let test = t
        .buildinfo()
        .and_then(|b| b.path.as_deref())
        .is_some_and(|p| p.ends_with(".test"));
    if test {
        "go test -c"
    } else {
        "go build"
    }
}
