//! Path syntax of the paths a binary records, for a binary of any platform, as Delve
//! reads it. A leaf: the DWARF reader, `paths`, `resolve`, `checks` and `baseline` all ask
//! the same question here.

/// Is `p` an absolute path, for a binary of any platform? Delve's `isAbs`
/// (pkg/locspec/locations.go): a leading `/`, or [`is_windows_abs`].
pub fn is_abs(p: &str) -> bool {
    p.starts_with('/') || is_windows_abs(p)
}

/// Delve's `windowsAbsPath`: a UNC path (`\\server\share`) or a DOS path with a drive
/// (`C:\…`, `C:/…`).
pub fn is_windows_abs(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with("\\\\") || (b.len() >= 3 && b[1] == b':' && (b[2] == b'/' || b[2] == b'\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_as_delve_reads_it() {
        for p in [
            "/a/b.go",
            "C:\\x\\m.go",
            "c:/x/m.go",
            "\\\\srv\\share\\m.go",
        ] {
            assert!(is_abs(p), "{p}");
        }
        for p in ["a/b.go", "main.go", "\\x.go", "C:x.go", ""] {
            assert!(!is_abs(p), "{p}");
        }
        assert!(is_windows_abs("D:\\x") && !is_windows_abs("/x"));
    }
}
