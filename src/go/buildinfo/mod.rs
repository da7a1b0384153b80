//! Go build info (`\xff Go buildinf:`): Go version, main module, dependencies and build
//! settings, exactly as `go version -m` prints them. Works on stripped binaries: the blob
//! lives in loaded data, not in the symbol table or DWARF.
//!
//! Mirrors Go's `src/debug/buildinfo/buildinfo.go` (finding and decoding the blob) and
//! `src/runtime/debug/mod.go` `ParseBuildInfo` (the module text). Every length and
//! address comes from the file and is checked against the bytes actually present before
//! use: no panics, no allocation larger than the file.

mod blob;
mod modinfo;
mod unquote;

use std::fmt;

use crate::binary::Image;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Module {
    pub path: String,
    pub version: String,
    pub sum: String,
    pub replace: Option<Box<Module>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct BuildInfo {
    /// e.g. `go1.25.5`; verbatim, so it may carry a suffix (`go1.25.5 X:nodwarf5`).
    pub go_version: String,
    /// The `path` line: main package import path.
    pub path: Option<String>,
    /// The `mod` line: main module.
    pub main: Option<Module>,
    pub deps: Vec<Module>,
    /// `build KEY=VALUE` lines, in file order, keys and values unquoted.
    pub settings: Vec<(String, String)>,
}

impl BuildInfo {
    /// Finds and decodes the build info. `Ok(None)` when the binary has none (not Go,
    /// or Go older than 1.13); `Err` when it is present but corrupt.
    pub fn read(image: &Image) -> Result<Option<BuildInfo>, BuildInfoError> {
        let memory = blob::Memory::of(image);
        for range in blob::search_ranges(image) {
            if let Some(bi) = blob::read_from(&memory, range)? {
                return Ok(Some(bi));
            }
        }
        Ok(None)
    }

    /// A build setting's value (`-gcflags`, `-trimpath`, `GOOS`, `vcs.revision`...).
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// What is wrong with a build info blob that is present but cannot be decoded, and where
/// (virtual addresses). Renders as one line starting `build info: `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildInfoError {
    /// The magic is at `addr` but the 32-byte header does not fit: in its section
    /// (`left_in_section` bytes remain) or in the file.
    HeaderCutShort {
        addr: u64,
        left_in_section: Option<u64>,
    },
    /// The header gives a pointer size other than 4 or 8.
    PointerSize { addr: u64, size: u8 },
    /// The Go version string is empty.
    EmptyVersion { addr: u64 },
    /// The Go version or module info string (`what`) cannot be read.
    String {
        what: &'static str,
        addr: u64,
        problem: StringProblem,
    },
    /// The module text is malformed at a (1-based) line.
    ModuleText { line: usize, problem: String },
}

/// Why a build info string cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringProblem {
    /// Its varint length lies beyond the end of the file.
    LengthOutsideFile,
    TruncatedVarint,
    VarintOverflow,
    /// Its Go string header `{ptr, len}` is not in the file.
    HeaderOutsideFile,
    /// The bytes it points at are not in the file.
    OutsideFile,
    /// It is `len` bytes long but only `left` remain.
    CutShort {
        len: u64,
        left: u64,
    },
}

impl fmt::Display for BuildInfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("build info: ")?;
        match self {
            BuildInfoError::HeaderCutShort {
                addr,
                left_in_section: Some(left),
            } => write!(
                f,
                "header at {addr:#x} cut short: {left} bytes left in its section, need {}",
                blob::HEADER_SIZE
            ),
            BuildInfoError::HeaderCutShort { addr, .. } => {
                write!(f, "header at {addr:#x} cut short by the end of the file")
            }
            BuildInfoError::PointerSize { addr, size } => write!(
                f,
                "header at {addr:#x} gives pointer size {size}, expected 4 or 8"
            ),
            BuildInfoError::EmptyVersion { addr } => write!(f, "empty Go version at {addr:#x}"),
            BuildInfoError::String {
                what,
                addr,
                problem,
            } => match problem {
                StringProblem::LengthOutsideFile => {
                    write!(f, "{what} length at {addr:#x} is beyond end of file")
                }
                StringProblem::TruncatedVarint => {
                    write!(f, "{what} length at {addr:#x} is a truncated varint")
                }
                StringProblem::VarintOverflow => write!(
                    f,
                    "{what} length at {addr:#x} is a varint overflowing 64 bits"
                ),
                StringProblem::HeaderOutsideFile => {
                    write!(f, "{what} string header at {addr:#x} is not in the file")
                }
                StringProblem::OutsideFile => {
                    write!(f, "{what} string at {addr:#x} is not in the file")
                }
                StringProblem::CutShort { len, left } => write!(
                    f,
                    "{what} string length {len} beyond end of file ({left} bytes left)"
                ),
            },
            BuildInfoError::ModuleText { line, problem } => write!(f, "line {line}: {problem}"),
        }
    }
}

impl std::error::Error for BuildInfoError {}

#[cfg(test)]
mod tests {
    use super::blob::*;
    use super::modinfo::*;
    use super::unquote::*;
    use super::*;

    /// cmd/go/internal/modload's infoStart and infoEnd.
    const INFO_START: &[u8; 16] =
        b"\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6";
    const INFO_END: &[u8; 16] = b"\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2";
    const BASE: u64 = 0x4c_0000;

    fn framed(text: &str) -> Vec<u8> {
        [&INFO_START[..], text.as_bytes(), &INFO_END[..]].concat()
    }

    fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push(v as u8 | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    /// A Go 1.18+ blob: header with the inline flag, then both strings.
    fn inline_blob(version: &[u8], modinfo: &[u8]) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&[8, FLAG_INLINE]);
        b.extend_from_slice(&[0; 16]);
        put_uvarint(&mut b, version.len() as u64);
        b.extend_from_slice(version);
        put_uvarint(&mut b, modinfo.len() as u64);
        b.extend_from_slice(modinfo);
        b
    }

    fn read_blob(blob: &[u8]) -> Result<Option<BuildInfo>, String> {
        read_regions(&[(BASE, blob)], blob.len()).map_err(|e| e.to_string())
    }

    /// Build info searched for over `size` bytes from [`BASE`], with memory made of the
    /// given (address, bytes) regions.
    fn read_regions(
        regions: &[(u64, &[u8])],
        size: usize,
    ) -> Result<Option<BuildInfo>, BuildInfoError> {
        let range = SearchRange {
            start: BASE,
            size: size as u64,
        };
        read_in(regions, range)
    }

    /// Build info searched for in `range`, with memory made of the given regions.
    fn read_in(
        regions: &[(u64, &[u8])],
        range: SearchRange,
    ) -> Result<Option<BuildInfo>, BuildInfoError> {
        let memory = Memory {
            regions: regions
                .iter()
                .map(|&(address, bytes)| Region { address, bytes })
                .collect(),
            ..Default::default()
        };
        read_from(&memory, range)
    }

    fn parse(text: &str) -> Result<BuildInfo, String> {
        parse_modinfo(text.as_bytes()).map_err(|e| e.to_string())
    }

    fn module(path: &str, version: &str, sum: &str) -> Module {
        Module {
            path: path.into(),
            version: version.into(),
            sum: sum.into(),
            replace: None,
        }
    }

    fn assert_one_line_error<T: std::fmt::Debug>(r: Result<T, String>, needle: &str) {
        let e = r.expect_err("expected an error");
        assert!(e.starts_with("build info: "), "{e}");
        assert!(!e.contains('\n'), "multi-line error: {e:?}");
        assert!(
            e.contains(needle),
            "error {e:?} does not mention {needle:?}"
        );
    }

    #[test]
    fn inline_blob_decodes_every_line_kind() {
        let text = "path\texample.com/cmd/app\n\
                    mod\texample.com\t(devel)\t\n\
                    dep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n\
                    build\t-buildmode=exe\n\
                    build\t-gcflags=\"all=-N -l\"\n\
                    build\tCGO_ENABLED=0\n\
                    build\tCGO_CFLAGS=\n";
        let bi = read_blob(&inline_blob(b"go1.25.5", &framed(text)))
            .unwrap()
            .unwrap();
        assert_eq!(bi.go_version, "go1.25.5");
        assert_eq!(bi.path.as_deref(), Some("example.com/cmd/app"));
        assert_eq!(bi.main, Some(module("example.com", "(devel)", "")));
        assert_eq!(
            bi.deps,
            vec![module("golang.org/x/sys", "v0.1.0", "h1:abc=")]
        );
        let settings: Vec<(&str, &str)> = bi
            .settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            settings,
            [
                ("-buildmode", "exe"),
                ("-gcflags", "all=-N -l"),
                ("CGO_ENABLED", "0"),
                ("CGO_CFLAGS", ""),
            ]
        );
        assert_eq!(bi.setting("-gcflags"), Some("all=-N -l"));
        assert_eq!(bi.setting("-ldflags"), None);
    }

    #[test]
    fn version_suffix_is_kept_verbatim() {
        let bi = read_blob(&inline_blob(b"go1.25.5 X:nodwarf5", b""))
            .unwrap()
            .unwrap();
        assert_eq!(bi.go_version, "go1.25.5 X:nodwarf5");
        assert_eq!(
            bi,
            BuildInfo {
                go_version: "go1.25.5 X:nodwarf5".into(),
                ..BuildInfo::default()
            }
        );
    }

    #[test]
    fn replace_applies_to_the_preceding_module_only() {
        let bi = parse(
            "mod\texample.com/app\t(devel)\n\
             =>\t../app\t(devel)\t\n\
             dep\texample.com/a\tv1.0.0\n\
             =>\texample.com/fork\tv1.0.1\th1:fork=\n\
             dep\texample.com/b\tv2.0.0\th1:b=\n",
        )
        .unwrap();
        let mut main = module("example.com/app", "(devel)", "");
        main.replace = Some(Box::new(module("../app", "(devel)", "")));
        assert_eq!(bi.main, Some(main));
        let mut a = module("example.com/a", "v1.0.0", "");
        a.replace = Some(Box::new(module("example.com/fork", "v1.0.1", "h1:fork=")));
        assert_eq!(bi.deps, vec![a, module("example.com/b", "v2.0.0", "h1:b=")]);
    }

    #[test]
    fn replace_without_a_module_is_an_error() {
        assert_one_line_error(
            parse("path\tx\n=>\ta\tb\tc\n"),
            "line 2: replacement with no module on previous line",
        );
        // A second `=>` in a row has nothing left to replace.
        assert_one_line_error(
            parse("dep\ta\tv1\n=>\tb\tv2\t\n=>\tc\tv3\t\n"),
            "line 3: replacement with no module",
        );
        assert_one_line_error(
            parse("dep\ta\tv1\n=>\tb\tv2\n"),
            "expected 3 columns for replacement; got 2",
        );
    }

    #[test]
    fn module_lines_need_two_or_three_columns() {
        assert_one_line_error(
            parse("mod\tonly\n"),
            "line 1: expected 2 or 3 columns; got 1",
        );
        assert_one_line_error(
            parse("path\tp\ndep\ta\tb\tc\td\n"),
            "line 2: expected 2 or 3 columns; got 4",
        );
    }

    #[test]
    fn quoted_keys_and_values_are_unquoted_like_strconv() {
        let bi = parse(
            "build\t-ldflags=\"-X main.v=\\\"a b\\\" -s\"\n\
             build\t\"key with space\"=v\n\
             build\t\"k=1\"=\"tab\\there\"\n\
             build\traw=`back slash \\n stays`\n\
             build\tesc=\"\\x41\\101\\u00e9\\U0001F600\\a\\\\\"\n\
             build\tempty=\n\
             build\tsingle='x'\n",
        )
        .unwrap();
        let want: Vec<(String, String)> = [
            ("-ldflags", "-X main.v=\"a b\" -s"),
            ("key with space", "v"),
            ("k=1", "tab\there"),
            ("raw", "back slash \\n stays"),
            ("esc", "AAé😀\x07\\"),
            ("empty", ""),
            ("single", "'x'"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(bi.settings, want);
    }

    #[test]
    fn malformed_build_lines_are_errors() {
        for (line, msg) in [
            ("build\t\n", "build line missing '='"),
            ("build\t=v\n", "build line with missing key"),
            ("build\tnoequals\n", "missing '=' after key"),
            ("build\t\"k\"\n", "missing '=' after quoted key"),
            (
                "build\t\"k\"x=v\n",
                "unexpected character after quoted key: 'x'",
            ),
            ("build\t\"unterminated=v\n", "invalid quoted key"),
            ("build\tk=\"unterminated\n", "invalid quoted value"),
            ("build\tk=\"bad \\q escape\"\n", "invalid quoted value"),
            ("build\tk=\"trailing\"junk\n", "invalid quoted value"),
            ("build\tk=\"\\uD800\"\n", "invalid quoted value"),
            ("build\tk=\"\\400\"\n", "invalid quoted value"),
            ("build\tk=`open\n", "invalid quoted value"),
            ("build\tk=a b\n", "unquoted value \"a b\" must be quoted"),
        ] {
            assert_one_line_error(parse(line), msg);
        }
    }

    #[test]
    fn unterminated_last_line_and_unknown_lines_are_ignored() {
        // ParseBuildInfo stops at the last newline and skips lines it does not know.
        let bi = parse("go\tgo1.25.5\npath\tp\nfuture\tthing\nbuild\tA=1\nbuild\tB=2").unwrap();
        assert_eq!(bi.path.as_deref(), Some("p"));
        assert_eq!(bi.settings, vec![("A".to_string(), "1".to_string())]);
    }

    #[test]
    fn unquote_matches_strconv() {
        let u = |s: &str| unquote(s.as_bytes()).map(|v| String::from_utf8_lossy(&v).into_owned());
        assert_eq!(u(r#""""#).as_deref(), Some(""));
        assert_eq!(u(r#""a\tb""#).as_deref(), Some("a\tb"));
        assert_eq!(u("`a\r\nb`").as_deref(), Some("a\nb"));
        assert_eq!(u(r#""\'""#), None, "\\' is not valid inside double quotes");
        assert_eq!(u("\"a\nb\""), None, "raw newline inside double quotes");
        assert_eq!(u(r#""\x4""#), None);
        assert_eq!(u(r#""\12""#), None);
        assert_eq!(u(r#""abc"#), None);
        assert_eq!(u("'a'"), None);
        assert_eq!(u(r#""é""#).as_deref(), Some("é"));
        let (v, rest) = unquote_prefix(b"\"k\\\"ey\"=value").unwrap();
        assert_eq!((v.as_slice(), rest), (&b"k\"ey"[..], &b"=value"[..]));
    }

    #[test]
    fn sentinels_frame_the_module_text() {
        let bi = read_blob(&inline_blob(b"go1.21.13", &framed("path\tp\n")))
            .unwrap()
            .unwrap();
        assert_eq!(bi.path.as_deref(), Some("p"));
        // Like debug/buildinfo, a string that is not framed (too short, or no newline
        // before the end sentinel) counts as "no module information", not corruption.
        for bad in [
            b"path\tp\n".to_vec(),
            [&INFO_START[..], b"path\tp", &INFO_END[..]].concat(),
            framed("path\tp\n")[..32].to_vec(),
        ] {
            let bi = read_blob(&inline_blob(b"go1.21.13", &bad))
                .unwrap()
                .unwrap();
            assert_eq!(bi.go_version, "go1.21.13");
            assert_eq!(bi.path, None);
            assert!(bi.settings.is_empty());
        }
        // Only the framing is checked, not the sentinel bytes themselves.
        let mut other = framed("path\tp\n");
        other[0] ^= 0xff;
        let bi = read_blob(&inline_blob(b"go1.21.13", &other))
            .unwrap()
            .unwrap();
        assert_eq!(bi.path.as_deref(), Some("p"));
    }

    #[test]
    fn truncated_varint_is_an_error() {
        let mut blob = inline_blob(b"go1.25.5", b"");
        blob.truncate(HEADER_SIZE as usize);
        blob.extend_from_slice(&[0x80, 0x80]);
        assert_one_line_error(
            read_blob(&blob),
            "Go version length at 0x4c0020 is a truncated varint",
        );
        // Nothing at all after the header.
        blob.truncate(HEADER_SIZE as usize);
        assert_one_line_error(
            read_blob(&blob),
            "Go version length at 0x4c0020 is beyond end of file",
        );
        // The version is fine, the module info length is cut.
        let mut blob = inline_blob(b"go1.25.5", b"");
        blob.pop();
        blob.push(0xff);
        assert_one_line_error(
            read_blob(&blob),
            "module info length at 0x4c0029 is a truncated varint",
        );
    }

    #[test]
    fn overlong_varint_is_an_error() {
        let mut blob = inline_blob(b"", b"");
        blob.truncate(HEADER_SIZE as usize);
        blob.extend_from_slice(&[0xff; 9]);
        blob.push(0x02);
        assert_one_line_error(read_blob(&blob), "overflowing 64 bits");
        assert_eq!(
            uvarint(&[0xff; 9].iter().copied().chain([0x01]).collect::<Vec<_>>()),
            Varint::Value(u64::MAX, 10)
        );
        assert_eq!(
            uvarint(&[0xff; 9].iter().copied().chain([0x02]).collect::<Vec<_>>()),
            Varint::Overflow
        );
        assert_eq!(uvarint(&[0x96, 0x01]), Varint::Value(150, 2));
        assert_eq!(uvarint(&[]), Varint::Truncated);
    }

    #[test]
    fn huge_string_length_is_refused_without_allocating() {
        let mut blob = inline_blob(b"", b"");
        blob.truncate(HEADER_SIZE as usize);
        put_uvarint(&mut blob, 9_999_999);
        blob.extend_from_slice(b"go1.25.5");
        assert_one_line_error(
            read_blob(&blob),
            "Go version string length 9999999 beyond end of file (8 bytes left)",
        );
        let mut blob = inline_blob(b"go1.25.5", b"");
        blob.pop();
        put_uvarint(&mut blob, u64::MAX);
        assert_one_line_error(
            read_blob(&blob),
            &format!(
                "module info string length {} beyond end of file (0 bytes left)",
                u64::MAX
            ),
        );
    }

    #[test]
    fn empty_version_is_an_error() {
        assert_one_line_error(
            read_blob(&inline_blob(b"", b"")),
            "empty Go version at 0x4c0000",
        );
    }

    #[test]
    fn search_reads_in_chunks_without_missing_a_magic_at_a_boundary() {
        let blob = inline_blob(b"go1.25.5", b"");
        // The last aligned slot of the first chunk (header running into the second),
        // the first slot of the second, and one several chunks in.
        for at in [
            SEARCH_CHUNK - ALIGN,
            SEARCH_CHUNK,
            3 * SEARCH_CHUNK + 5 * ALIGN,
        ] {
            let mut bytes = vec![0u8; at as usize];
            bytes.extend_from_slice(&blob);
            bytes.resize(bytes.len() + 100, 0);
            let bi = read_blob(&bytes).unwrap().unwrap();
            assert_eq!(bi.go_version, "go1.25.5", "blob at {at:#x}");
        }
    }

    #[test]
    fn header_search_is_aligned_and_bounded() {
        let blob = inline_blob(b"go1.25.5", b"");
        assert_eq!(read_blob(&[]), Ok(None));
        assert_eq!(read_blob(&[0u8; 4096]), Ok(None));
        // Misaligned magic is skipped, as in Go.
        let mut shifted = vec![0u8; 8];
        shifted.extend_from_slice(&blob);
        assert_eq!(read_blob(&shifted), Ok(None));
        // An aligned one further on is found.
        let mut padded = vec![0u8; 64];
        padded.extend_from_slice(&blob);
        assert_eq!(read_blob(&padded).unwrap().unwrap().go_version, "go1.25.5");
        // A header cut by the end of its section.
        assert_one_line_error(read_blob(&blob[..20]), "header at 0x4c0000 cut short");
    }

    #[test]
    fn search_continues_into_the_next_region_and_stops_at_unmapped_gaps() {
        let blob = inline_blob(b"go1.19.8", b"");
        let pad = [0u8; 0x100];
        let range = SearchRange {
            start: 0x1000,
            size: 0x1000,
        };
        let found = read_in(&[(0x1000, &pad), (0x1100, &blob)], range);
        assert_eq!(found.unwrap().unwrap().go_version, "go1.19.8");
        // A gap between the regions ends the search.
        assert_eq!(read_in(&[(0x1000, &pad), (0x1200, &blob)], range), Ok(None));
        // Start rounded up to the alignment; range end past every region.
        let range = SearchRange {
            start: 0x10f1,
            size: u64::MAX - 0x10f1,
        };
        let found = read_in(&[(0x1100, &blob)], range);
        assert_eq!(found.unwrap().unwrap().go_version, "go1.19.8");
        let range = SearchRange {
            start: u64::MAX - 3,
            size: 3,
        };
        assert_eq!(read_in(&[(0x1100, &blob)], range), Ok(None));
    }

    /// A pre-1.18 blob: the header points at two Go string headers.
    fn pointer_blob(ptr_size: usize, big_endian: bool, modinfo: &[u8]) -> (Vec<u8>, Vec<u8>) {
        const DATA: u64 = 0x50_0000;
        let put = |out: &mut Vec<u8>, v: u64| {
            let b = v.to_le_bytes();
            let mut b = b[..ptr_size].to_vec();
            if big_endian {
                b.reverse();
            }
            out.extend_from_slice(&b);
        };
        let mut header = MAGIC.to_vec();
        header.extend_from_slice(&[ptr_size as u8, big_endian as u8]);
        // String headers at DATA and DATA+2*ptr_size; bytes from DATA+0x40.
        put(&mut header, DATA);
        put(&mut header, DATA + 2 * ptr_size as u64);
        header.resize(HEADER_SIZE as usize, 0);
        let version = b"go1.17.13";
        let mut data = Vec::new();
        put(&mut data, DATA + 0x40);
        put(&mut data, version.len() as u64);
        put(&mut data, if modinfo.is_empty() { 0 } else { DATA + 0x80 });
        put(&mut data, modinfo.len() as u64);
        data.resize(0x40, 0);
        data.extend_from_slice(version);
        data.resize(0x80, 0);
        data.extend_from_slice(modinfo);
        (header, data)
    }

    fn read_pointer_blob(header: &[u8], data: &[u8]) -> Result<Option<BuildInfo>, String> {
        read_regions(&[(BASE, header), (0x50_0000, data)], header.len()).map_err(|e| e.to_string())
    }

    #[test]
    fn pointer_form_before_go_1_18() {
        for (ptr_size, big_endian) in [(8, false), (4, false), (8, true), (4, true)] {
            let (header, data) = pointer_blob(ptr_size, big_endian, &framed("path\tcmd/x\n"));
            let bi = read_pointer_blob(&header, &data).unwrap().unwrap();
            assert_eq!(bi.go_version, "go1.17.13", "ptr {ptr_size} be {big_endian}");
            assert_eq!(bi.path.as_deref(), Some("cmd/x"));
            // GOPATH mode: a nil, empty modinfo string.
            let (header, data) = pointer_blob(ptr_size, big_endian, b"");
            let bi = read_pointer_blob(&header, &data).unwrap().unwrap();
            assert_eq!((bi.go_version.as_str(), bi.path), ("go1.17.13", None));
        }
    }

    #[test]
    fn pointer_form_errors() {
        let (mut header, data) = pointer_blob(8, false, &framed("path\tcmd/x\n"));
        // Version string header pointer outside the file.
        header[16..24].copy_from_slice(&0xdead_0000u64.to_le_bytes());
        assert_one_line_error(
            read_pointer_blob(&header, &data),
            "Go version string header at 0xdead0000 is not in the file",
        );
        let (mut header, data) = pointer_blob(8, false, b"x");
        header[14] = 3;
        assert_one_line_error(
            read_pointer_blob(&header, &data),
            "pointer size 3, expected 4 or 8",
        );
        // Module info length larger than what follows.
        let (header, mut data) = pointer_blob(8, false, b"xyz");
        data[24..32].copy_from_slice(&9_999_999u64.to_le_bytes());
        assert_one_line_error(
            read_pointer_blob(&header, &data),
            "module info string length 9999999 beyond end of file (3 bytes left)",
        );
        let (header, mut data) = pointer_blob(8, false, b"xyz");
        data[16..24].copy_from_slice(&0x10u64.to_le_bytes());
        assert_one_line_error(
            read_pointer_blob(&header, &data),
            "module info string at 0x10 is not in the file",
        );
    }

    #[test]
    fn no_blob_is_none_and_any_cut_is_no_panic() {
        let text = "path\tp\nmod\tm\tv\th\n=>\tr\tv\th\nbuild\tk=\"a b\"\n";
        let blob = inline_blob(b"go1.25.5", &framed(text));
        for cut in 0..blob.len() {
            match read_blob(&blob[..cut]) {
                Ok(None) => assert!(cut < 14, "cut {cut}"),
                Ok(Some(bi)) => panic!("cut {cut} decoded {bi:?}"),
                Err(e) => assert!(e.starts_with("build info: ") && !e.contains('\n'), "{e}"),
            }
        }
        let bi = read_blob(&blob).unwrap().unwrap();
        assert_eq!(bi.setting("k"), Some("a b"));
        // Every single-byte corruption: an answer or a one-line error, never a panic.
        for i in 0..blob.len() {
            for v in [
                0x00, 0x01, 0x02, 0x09, 0x0a, 0x22, 0x3d, 0x60, 0x7f, 0x80, 0xff,
            ] {
                let mut b = blob.clone();
                b[i] = v;
                if let Err(e) = read_blob(&b) {
                    assert!(e.starts_with("build info: ") && !e.contains('\n'), "{e}");
                }
            }
        }
    }
}
