//! Which Go versions each Delve release accepts: `MinSupportedVersionOfGoMinor` and
//! `MaxSupportedVersionOfGoMinor` of go-delve/delve `pkg/goversion/compat.go` at each
//! release. Delve refuses a binary outside the range ("Version of Delve is too old for
//! Go version ...") unless run with `--check-go-version=false`.
//!
//! Rows marked `verified` were read from compat.go at that release (and 1.20.2 measured
//! with Debian's dlv on this project's fixtures); the others follow the rule Delve has
//! kept since 1.18 (release 1.N supports up to Go 1.N) and are marked so.

/// (Delve minor version, min Go minor, max Go minor, verified)
pub const TABLE: &[(u32, u32, u32, bool)] = &[
    (3, 11, 13, true),
    (7, 15, 17, true),
    (8, 16, 18, false),
    (9, 17, 19, false),
    (20, 18, 20, true),
    (21, 19, 21, true),
    (22, 20, 22, false),
    (23, 21, 23, false),
    (24, 22, 24, false),
    (25, 21, 25, true),
    (26, 22, 26, false),
    (27, 25, 27, true),
];

/// The supported Go range of Delve 1.`minor`, from the nearest row at or below it.
pub fn supported(delve_minor: u32) -> Option<(u32, u32, bool)> {
    TABLE
        .iter()
        .rev()
        .find(|r| r.0 <= delve_minor)
        .map(|&(d, lo, hi, v)| (lo, hi, v && d == delve_minor))
}

/// The newest Delve minor in the table: a newer Delve's range is not known here.
pub fn newest_delve() -> u32 {
    TABLE.iter().map(|r| r.0).max().unwrap_or(0)
}

/// First Delve minor that starts on an ELF binary without DWARF, binding function names
/// from pclntab (go-delve/delve PR#3408, June 2023: Delve 1.21.0). Older ones refuse with
/// "could not open debug info" (measured: Delve 1.20.2; Delve 1.27.1 starts).
pub const NO_DWARF_STARTS_SINCE: u32 = 21;

/// First Delve minor whose version gate also refuses DWARF 5 when Delve was built with
/// Go < 1.25 ("To debug executables using DWARFv5 or later Delve must be built with Go
/// version 1.25.0 or later", `Compatible` in pkg/goversion/compat.go; PR#3943, March
/// 2025; reported with Delve 1.25.2 and 1.26.0 in dlv#4227, dlv#4268 and termux#27437).
/// Older Delves have no such check: Delve 1.20.2 reads the binary and loses variables.
pub const DWARF5_GATE_SINCE: u32 = 25;

/// The newest Go minor any Delve in the table supports.
pub fn newest_supported_go() -> u32 {
    TABLE.iter().map(|r| r.2).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn delve_1_20_stops_at_go_1_20() {
        assert_eq!(super::supported(20), Some((18, 20, true)));
        assert_eq!(super::supported(27), Some((25, 27, true)));
        assert_eq!(super::supported(2), None);
        assert_eq!(super::newest_supported_go(), 27);
    }
}
