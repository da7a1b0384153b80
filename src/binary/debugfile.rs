//! Separate debug files: `.gnu_debuglink` (name + CRC-32) and GNU build-id lookups, in the
//! places gdb searches: the binary's directory, its `.debug/` subdirectory,
//! `/usr/lib/debug/<dir>/` and `/usr/lib/debug/.build-id/ab/cdef.debug`, plus any
//! `--debug-dir` given (searched first, laid out like `/usr/lib/debug`).

use std::path::{Path, PathBuf};

use super::Image;

/// Where the separate debug file was looked for and what was found.
#[derive(Clone, Debug, Default)]
pub struct DebugFileSearch {
    /// The file that matched (CRC or build-id checked).
    pub found: Option<PathBuf>,
    /// How it matched: "build-id" or "debuglink CRC".
    pub matched_by: Option<&'static str>,
    /// Every candidate path tried, in order.
    pub tried: Vec<PathBuf>,
    /// Candidates that existed but did not match (path, reason).
    pub rejected: Vec<(PathBuf, String)>,
    /// debuginfod, when `DEBUGINFOD_URLS` is set and no local file matched.
    pub debuginfod: Option<super::debuginfod::Attempt>,
}

/// CRC-32 (IEEE) of a file, as `.gnu_debuglink` records it; read in chunks, since a
/// debug file can be hundreds of megabytes.
pub fn file_crc32(path: &Path) -> std::io::Result<u32> {
    let mut crc = flate2::CrcWriter::new(std::io::sink());
    std::io::copy(&mut std::fs::File::open(path)?, &mut crc)?;
    Ok(crc.crc().sum())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Candidate paths for the build-id layout under one debug root.
fn build_id_path(root: &Path, id: &[u8]) -> Option<PathBuf> {
    if id.len() < 2 {
        return None;
    }
    let h = hex(id);
    Some(
        root.join(".build-id")
            .join(&h[..2])
            .join(format!("{}.debug", &h[2..])),
    )
}

/// Looks for the separate debug file of `image`. Does nothing (empty result) when the
/// image has neither a debuglink nor a build-id.
pub fn search(image: &Image, debug_dirs: &[PathBuf]) -> DebugFileSearch {
    let mut result = DebugFileSearch::default();
    let mut roots: Vec<PathBuf> = debug_dirs.to_vec();
    roots.push(PathBuf::from("/usr/lib/debug"));

    // Build-id first: it is exact. A directory given may also be laid out as Delve's
    // `debug-info-directories` entries are (`/usr/lib/debug/.build-id` itself:
    // DIR/ab/cdef.debug), so that Delve's setting and ours can name the same directory.
    if let Some(id) = image.build_id() {
        let mut paths = Vec::new();
        for root in &roots {
            let Some(p) = build_id_path(root, id) else {
                break;
            };
            // ROOT/.build-id/ab/cdef.debug, then, for a directory the user named,
            // ROOT/ab/cdef.debug.
            let delve_layout = if debug_dirs.contains(root) {
                p.parent()
                    .and_then(Path::parent)
                    .and_then(|build_id| p.strip_prefix(build_id).ok())
                    .map(|rel| root.join(rel))
            } else {
                None
            };
            paths.push(p);
            paths.extend(delve_layout);
        }
        for p in paths {
            result.tried.push(p.clone());
            if !p.is_file() {
                continue;
            }
            match Image::open(&p) {
                Ok(d) if d.build_id() == Some(id) => {
                    result.found = Some(p);
                    result.matched_by = Some("build-id");
                    return result;
                }
                Ok(_) => result.rejected.push((p, "build-id differs".into())),
                Err(e) => result.rejected.push((p, e.to_string())),
            }
        }
    }

    let Some((name, crc)) = image.debuglink() else {
        return result;
    };
    let name = Path::new(name);
    if name.components().count() != 1 {
        // A debuglink is a bare file name; anything else is corrupt or hostile.
        result.rejected.push((
            name.to_path_buf(),
            "debuglink is not a plain file name".into(),
        ));
        return result;
    }
    let bin = std::fs::canonicalize(image.path()).unwrap_or_else(|_| image.path().to_path_buf());
    let dir = bin.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut candidates = Vec::new();
    for root in debug_dirs {
        candidates.push(root.join(name));
    }
    candidates.push(dir.join(name));
    candidates.push(dir.join(".debug").join(name));
    for root in &roots {
        let rel = dir.strip_prefix("/").unwrap_or(&dir);
        candidates.push(root.join(rel).join(name));
    }
    for p in candidates {
        if result.tried.contains(&p) {
            continue;
        }
        result.tried.push(p.clone());
        if !p.is_file() || p == bin {
            continue;
        }
        match file_crc32(&p) {
            Ok(c) if c == crc => {
                result.found = Some(p);
                result.matched_by = Some("debuglink CRC");
                return result;
            }
            Ok(c) => result
                .rejected
                .push((p, format!("CRC {c:08x} differs from debuglink's {crc:08x}"))),
            Err(e) => result.rejected.push((p, e.to_string())),
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_id_layout_splits_first_byte() {
        let p = build_id_path(Path::new("/usr/lib/debug"), &[0xab, 0xcd, 0xef]).unwrap();
        assert_eq!(p, PathBuf::from("/usr/lib/debug/.build-id/ab/cdef.debug"));
        assert!(build_id_path(Path::new("/x"), &[0xab]).is_none());
    }

    #[test]
    fn crc32_matches_the_gnu_debuglink_polynomial() {
        // CRC-32/IEEE of "123456789" is the standard check value 0xcbf43926.
        let dir = std::env::temp_dir().join(format!("dd-crc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("x");
        std::fs::write(&f, b"123456789").unwrap();
        assert_eq!(file_crc32(&f).unwrap(), 0xcbf43926);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
