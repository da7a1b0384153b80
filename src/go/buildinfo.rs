//! Go build info (`\xff Go buildinf:`): Go version, main module, dependencies and build
//! settings, as `go version -m` prints them. Mirrors Go's `debug/buildinfo` (locating
//! and decoding the blob) and `runtime/debug.ParseBuildInfo` (the module text).

use crate::binary::{Format, Image};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Module {
    pub path: String,
    pub version: String,
    pub sum: String,
    pub replace: Option<Box<Module>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct BuildInfo {
    /// e.g. `go1.25.5`
    pub go_version: String,
    /// The `path` line: main package import path.
    pub path: Option<String>,
    /// The `mod` line: main module.
    pub main: Option<Module>,
    pub deps: Vec<Module>,
    /// `build KEY=VALUE` lines, in file order, values unquoted.
    pub settings: Vec<(String, String)>,
}

const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
const ALIGN: usize = 16;
const HEADER_SIZE: usize = 32;
/// The linker puts the blob at the start of its section; Go searches the whole data
/// section in chunks, we cap the search like `go version` does in practice.
const SEARCH_LIMIT: usize = 64 << 20;

impl BuildInfo {
    /// Finds and decodes the build info. `Ok(None)` when the binary has none (not Go,
    /// or Go older than 1.13); `Err` when it is present but corrupt.
    pub fn read(image: &Image) -> Result<Option<BuildInfo>, String> {
        let Some(data) = data_start(image) else {
            return Ok(None);
        };
        let Some(off) = find_magic(data) else {
            return Ok(None);
        };
        let blob = &data[off..];
        if blob.len() < HEADER_SIZE {
            return Err("build info: header truncated".into());
        }
        let ptr_size = blob[14] as usize;
        let flags = blob[15];
        let (version, modinfo) = if flags & 2 != 0 {
            // Go 1.18+: two varint-prefixed strings right after the 32-byte header.
            let (v, n) = varint_string(&blob[HEADER_SIZE..])?;
            let (m, _) = varint_string(&blob[HEADER_SIZE + n..])?;
            (v, m)
        } else {
            // Go 1.13–1.17: pointers to Go string headers {ptr, len}.
            if ptr_size != 4 && ptr_size != 8 {
                return Err(format!("build info: pointer size {ptr_size}"));
            }
            let big = flags & 1 != 0;
            let ptr = |b: &[u8]| read_ptr(b, ptr_size, big);
            let v = pointed_string(image, ptr(&blob[16..])?, ptr_size, big)?;
            let m = pointed_string(image, ptr(&blob[16 + ptr_size..])?, ptr_size, big)?;
            (v, m)
        };
        if version.is_empty() {
            return Err("build info: empty Go version".into());
        }
        let version = String::from_utf8_lossy(&version).into_owned();
        // Strip the 16-byte binary sentinels around the module text (cmd/go
        // modload.infoStart and infoEnd); without them there is no module information.
        let modinfo = if modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n' {
            String::from_utf8_lossy(&modinfo[16..modinfo.len() - 16]).into_owned()
        } else {
            String::new()
        };
        let mut bi = parse_modinfo(&modinfo)?;
        bi.go_version = version;
        Ok(Some(bi))
    }

    /// A build setting's value (`-gcflags`, `-trimpath`, `GOOS`, `vcs.revision`...).
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The section the linker writes the blob into (debug/buildinfo `DataStart`): ELF
/// `.go.buildinfo`; PE the first writable initialised-data section; Mach-O
/// `__go_buildinfo` (older linkers: the start of `__DATA`).
fn data_start(image: &Image) -> Option<&[u8]> {
    let sections = image.sections();
    let pick = match image.format() {
        Format::Elf => sections.iter().position(|s| s.name == ".go.buildinfo"),
        Format::MachO => sections
            .iter()
            .position(|s| s.name == "__go_buildinfo")
            .or_else(|| {
                sections
                    .iter()
                    .position(|s| s.segment == "__DATA" && s.name == "__noptrdata")
            })
            .or_else(|| {
                sections
                    .iter()
                    .position(|s| s.segment == "__DATA" && s.name == "__data")
            }),
        Format::Pe => image.pe_first_writable_data(),
    }?;
    let bytes = image.raw_section_bytes(pick)?;
    Some(&bytes[..bytes.len().min(SEARCH_LIMIT)])
}

/// The magic at a 16-byte aligned offset with room for the header.
fn find_magic(data: &[u8]) -> Option<usize> {
    let mut off = 0;
    while off + HEADER_SIZE <= data.len() {
        if data[off..].starts_with(MAGIC) {
            return Some(off);
        }
        off += ALIGN;
    }
    None
}

fn read_ptr(b: &[u8], size: usize, big: bool) -> Result<u64, String> {
    let b = b.get(..size).ok_or("build info: pointer truncated")?;
    Ok(match (size, big) {
        (4, false) => u32::from_le_bytes(b.try_into().unwrap()) as u64,
        (4, true) => u32::from_be_bytes(b.try_into().unwrap()) as u64,
        (_, false) => u64::from_le_bytes(b.try_into().unwrap()),
        (_, true) => u64::from_be_bytes(b.try_into().unwrap()),
    })
}

/// A Go string header {data pointer, length} at `addr`, and the bytes it points to.
fn pointed_string(image: &Image, addr: u64, ptr_size: usize, big: bool) -> Result<Vec<u8>, String> {
    let hdr = image
        .read_va(addr, 2 * ptr_size)
        .ok_or_else(|| format!("build info: string header at {addr:#x} not in the file"))?;
    let data = read_ptr(hdr, ptr_size, big)?;
    let len = read_ptr(&hdr[ptr_size..], ptr_size, big)?;
    if len > image.data().len() as u64 {
        return Err(format!(
            "build info: string length {len} beyond the end of the file"
        ));
    }
    let bytes = image
        .read_va(data, len as usize)
        .ok_or_else(|| format!("build info: string at {data:#x} not in the file"))?;
    Ok(bytes.to_vec())
}

/// A uvarint length followed by that many bytes; returns the string and bytes consumed.
fn varint_string(b: &[u8]) -> Result<(Vec<u8>, usize), String> {
    let mut len: u64 = 0;
    let mut shift = 0;
    let mut n = 0;
    loop {
        let byte = *b.get(n).ok_or("build info: truncated length")?;
        n += 1;
        if shift >= 64 || (shift == 63 && byte > 1) {
            return Err("build info: length varint overflows".into());
        }
        len |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            break;
        }
        shift += 7;
    }
    let end = (n as u64)
        .checked_add(len)
        .filter(|&e| e <= b.len() as u64)
        .ok_or_else(|| format!("build info: string length {len} beyond the end of its section"))?;
    Ok((b[n..end as usize].to_vec(), end as usize))
}

/// `runtime/debug.ParseBuildInfo`: `path`, `mod`, `dep`, `=>` and `build` lines.
fn parse_modinfo(text: &str) -> Result<BuildInfo, String> {
    let mut bi = BuildInfo::default();
    // Which module a `=>` line replaces: 0 = none, 1 = main, 2 = last dep.
    let mut last = 0;
    for (i, line) in text.lines().enumerate() {
        let err = |m: &str| format!("build info: line {}: {m}", i + 1);
        if let Some(p) = line.strip_prefix("path\t") {
            bi.path = Some(p.to_string());
        } else if let Some(m) = line.strip_prefix("mod\t") {
            bi.main = Some(module_line(m).ok_or_else(|| err("bad mod line"))?);
            last = 1;
        } else if let Some(m) = line.strip_prefix("dep\t") {
            bi.deps
                .push(module_line(m).ok_or_else(|| err("bad dep line"))?);
            last = 2;
        } else if let Some(m) = line.strip_prefix("=>\t") {
            let cols: Vec<&str> = m.split('\t').collect();
            if cols.len() != 3 {
                return Err(err("replacement needs 3 columns"));
            }
            let rep = Box::new(Module {
                path: cols[0].into(),
                version: cols[1].into(),
                sum: cols[2].into(),
                replace: None,
            });
            match last {
                1 => bi.main.as_mut().unwrap().replace = Some(rep),
                2 => bi.deps.last_mut().unwrap().replace = Some(rep),
                _ => return Err(err("replacement with no module before it")),
            }
            last = 0;
        } else if let Some(kv) = line.strip_prefix("build\t") {
            let (key, raw) = if kv.starts_with('"') || kv.starts_with('`') {
                let (k, rest) = quoted_prefix(kv).ok_or_else(|| err("bad quoted key"))?;
                let raw = rest
                    .strip_prefix('=')
                    .ok_or_else(|| err("missing '=' after key"))?;
                (k, raw)
            } else {
                let (k, v) = kv.split_once('=').ok_or_else(|| err("missing '='"))?;
                if k.is_empty() {
                    return Err(err("missing key"));
                }
                (k.to_string(), v)
            };
            let value = if raw.starts_with('"') || raw.starts_with('`') {
                match quoted_prefix(raw) {
                    Some((v, "")) => v,
                    _ => return Err(err("bad quoted value")),
                }
            } else {
                raw.to_string()
            };
            bi.settings.push((key, value));
        }
    }
    Ok(bi)
}

fn module_line(m: &str) -> Option<Module> {
    let cols: Vec<&str> = m.split('\t').collect();
    if cols.len() != 2 && cols.len() != 3 {
        return None;
    }
    Some(Module {
        path: cols[0].into(),
        version: cols[1].into(),
        sum: cols.get(2).copied().unwrap_or("").into(),
        replace: None,
    })
}

/// Go's `strconv.QuotedPrefix` + `Unquote` for the forms `BuildInfo.String` writes
/// (`strconv.Quote` output or a raw backquoted string): the value and the rest.
fn quoted_prefix(s: &str) -> Option<(String, &str)> {
    if let Some(rest) = s.strip_prefix('`') {
        let end = rest.find('`')?;
        return Some((rest[..end].to_string(), &rest[end + 1..]));
    }
    let rest = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &rest[i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'a' => out.push('\x07'),
                    'b' => out.push('\x08'),
                    'f' => out.push('\x0c'),
                    'v' => out.push('\x0b'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '\'' => out.push('\''),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut hex = String::new();
                        for _ in 0..n {
                            hex.push(chars.next()?.1);
                        }
                        let v = u32::from_str_radix(&hex, 16).ok()?;
                        out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    }
                    _ => return None,
                }
            }
            _ => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_module_text_like_runtime_debug() {
        let text = "path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n=>\t../sys\t(devel)\t\nbuild\t-ldflags=\"-s -w\"\nbuild\t-trimpath=true\nbuild\tDefaultGODEBUG=a=1,b=2\n";
        let bi = parse_modinfo(text).unwrap();
        assert_eq!(bi.path.as_deref(), Some("example.com/app"));
        assert_eq!(bi.main.as_ref().unwrap().version, "(devel)");
        assert_eq!(bi.deps[0].sum, "h1:abc=");
        assert_eq!(bi.deps[0].replace.as_ref().unwrap().path, "../sys");
        assert_eq!(bi.setting("-ldflags"), Some("-s -w"));
        assert_eq!(bi.setting("-trimpath"), Some("true"));
        assert_eq!(bi.setting("DefaultGODEBUG"), Some("a=1,b=2"));
    }

    #[test]
    fn quoted_values_unquote_like_strconv() {
        assert_eq!(
            quoted_prefix(r#""a \"b\"\tc\u00e9"rest"#),
            Some(("a \"b\"\tcé".to_string(), "rest"))
        );
        assert_eq!(
            quoted_prefix("`raw \\n`"),
            Some(("raw \\n".to_string(), ""))
        );
        assert_eq!(quoted_prefix(r#""unterminated"#), None);
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(parse_modinfo("=>\ta\tb\tc\n").is_err());
        assert!(parse_modinfo("build\tnoequals\n").is_err());
        assert!(parse_modinfo("mod\tonlyone\n").is_err());
        assert!(parse_modinfo("build\t-x=\"bad\n").is_err());
    }

    #[test]
    fn varints_are_bounded() {
        assert_eq!(varint_string(b"\x03abcdef").unwrap(), (b"abc".to_vec(), 4));
        assert!(varint_string(b"\x05ab").is_err());
        assert!(varint_string(b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01").is_err());
        assert!(varint_string(b"").is_err());
        assert!(varint_string(b"\x80").is_err());
    }

    #[test]
    fn magic_only_at_aligned_offsets() {
        let mut data = vec![0u8; 96];
        data[8..22].copy_from_slice(MAGIC);
        assert_eq!(find_magic(&data), None);
        data[32..46].copy_from_slice(MAGIC);
        assert_eq!(find_magic(&data), Some(32));
    }
}
