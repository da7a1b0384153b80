//! Go build info (`\xff Go buildinf:`): Go version, main module, dependencies and build
//! settings, exactly as `go version -m` prints them. Works on stripped binaries: the blob
//! lives in loaded data, not in the symbol table or DWARF.
//!
//! Mirrors Go's `src/debug/buildinfo/buildinfo.go` (finding and decoding the blob) and
//! `src/runtime/debug/mod.go` `ParseBuildInfo` (the module text). Every length and
//! address comes from the file and is checked against the bytes actually present before
//! use: no panics, no allocation larger than the file.

use std::borrow::Cow;

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
    pub fn read(image: &Image) -> Result<Option<BuildInfo>, String> {
        let memory = Memory::of(image);
        for range in search_ranges(image) {
            if let Some(bi) = read_from(&memory, range)? {
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

/// `buildInfoMagic`: the first 14 bytes of the 32-byte header.
const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
/// `buildInfoAlign`: the linker aligns the header to 16 bytes.
const ALIGN: u64 = 16;
/// `buildInfoHeaderSize`: magic, pointer size, flags, then two pointers (pre-1.18 form).
const HEADER_SIZE: u64 = 32;
/// Header byte 15, bit 0: pointers are big-endian (pre-1.18 form only).
const FLAG_BIG_ENDIAN: u8 = 0x1;
/// Header byte 15, bit 1: the strings follow the header inline, varint-prefixed (Go 1.18+).
const FLAG_INLINE: u8 = 0x2;
/// `binary.MaxVarintLen64`.
const MAX_VARINT_LEN: u64 = 10;
/// Bytes searched for the magic per read (a multiple of [`ALIGN`]).
const SEARCH_CHUNK: u64 = 64 * 1024;
/// How far into a data segment Go 1.18–1.21 looked when the blob had no section of its
/// own (`x.ReadData(dataAddr, 64*1024)`).
const FALLBACK_SEARCH: u64 = 64 * 1024;

/// Bytes read from memory: borrowed when the image is in memory, else read for the asker.
type Bytes<'a> = Cow<'a, [u8]>;

/// A run of file bytes loaded at a virtual address.
#[derive(Clone, Copy, Debug)]
struct Region<'a> {
    address: u64,
    bytes: &'a [u8],
}

/// A run of the image's file bytes loaded at a virtual address, read only where asked.
#[derive(Clone, Copy, Debug)]
struct FileRegion {
    address: u64,
    /// File offset and size, inside the file.
    range: (u64, u64),
}

/// The file's loaded bytes by virtual address: what Go's `exe.DataReader` reads.
/// Only the bytes asked for are read from the file: the blob is a few hundred bytes
/// in a data segment of megabytes.
#[derive(Debug, Default)]
struct Memory<'a> {
    /// Bytes given directly (tests), searched first.
    regions: Vec<Region<'a>>,
    image: Option<&'a Image>,
    /// The image's regions, in search order.
    lazy: Vec<FileRegion>,
}

impl<'a> Memory<'a> {
    /// ELF and Mach-O are read through their segments (Go reads `f.Progs` and Mach-O
    /// segments other than `__PAGEZERO`), PE through its sections. Sections come after
    /// segments as a fallback for files without program headers.
    fn of(image: &'a Image) -> Memory<'a> {
        let mut lazy = Vec::new();
        if image.format() != Format::Pe {
            for seg in image.segments() {
                if seg.name == "__PAGEZERO" {
                    continue;
                }
                if let Some(range) = seg.file_range {
                    lazy.push(FileRegion {
                        address: seg.address,
                        range,
                    });
                }
            }
        }
        for s in image.sections() {
            if s.is_compressed() || s.address == 0 {
                continue;
            }
            if let Some(range) = s.file_range.filter(|r| r.1 > 0) {
                lazy.push(FileRegion {
                    address: s.address,
                    range,
                });
            }
        }
        // A region whose end would pass 2^64 is nonsense; dropping it keeps every
        // `address + offset` below computable without overflow.
        lazy.retain(|r| r.address.checked_add(r.range.1).is_some());
        Memory {
            regions: Vec::new(),
            image: Some(image),
            lazy,
        }
    }

    /// Up to `len` bytes at `addr`, cut short at the end of the region holding `addr`
    /// (Go's `readData` likewise reads "up to size bytes"); `None` when nothing is
    /// loaded at `addr`. Allocates no more than the region holds.
    fn read(&self, addr: u64, len: u64) -> Option<Bytes<'a>> {
        let given = self
            .regions
            .iter()
            .find(|r| addr >= r.address && addr - r.address < r.bytes.len() as u64);
        if let Some(r) = given {
            let start = (addr - r.address) as usize;
            let n = usize::try_from(len)
                .unwrap_or(usize::MAX)
                .min(r.bytes.len() - start);
            return Some(Cow::Borrowed(&r.bytes[start..start + n]));
        }
        let image = self.image?;
        self.lazy
            .iter()
            .filter(|r| addr >= r.address && addr - r.address < r.range.1)
            .find_map(|r| {
                // A region that cannot be read (the file shrank) is passed over.
                let skip = addr - r.address;
                let n = len.min(r.range.1 - skip);
                image.read_file_range((r.range.0 + skip, n)).ok()
            })
    }
}

/// Where to look for the header: start address and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SearchRange {
    start: u64,
    size: u64,
}

/// Go's `exe.DataStart`. The blob has its own section on ELF (`.go.buildinfo`) and
/// Mach-O (`__go_buildinfo`); on PE it opens the first writable initialised-data
/// section. Current Go gives up when the named section is missing; for binaries whose
/// section headers were renamed or removed we fall back to Go 1.18–1.21's rule, a
/// writable non-executable segment searched over its first 64 KiB. Go took only the
/// first such segment; we try each in turn, because in PIE binaries the blob sits in
/// the second (after `.data.rel.ro`).
fn search_ranges(image: &Image) -> Vec<SearchRange> {
    match image.format() {
        Format::Elf | Format::MachO => {
            let name = if image.format() == Format::Elf {
                ".go.buildinfo"
            } else {
                "__go_buildinfo"
            };
            if let Some(s) = image.section(name) {
                return vec![SearchRange {
                    start: s.address,
                    size: s.size,
                }];
            }
            image
                .segments()
                .iter()
                .filter(|seg| seg.writable_data && seg.address != 0 && seg.file_size != 0)
                .map(|seg| SearchRange {
                    start: seg.address,
                    size: seg.file_size.min(FALLBACK_SEARCH),
                })
                .collect()
        }
        Format::Pe => {
            // peExe.DataStart: VirtualAddress != 0, SizeOfRawData != 0 and
            // characteristics (ignoring IMAGE_SCN_ALIGN_32BYTES bits) exactly
            // CNT_INITIALIZED_DATA | MEM_READ | MEM_WRITE. The size searched is VirtualSize.
            const WANTED: u32 = object::pe::IMAGE_SCN_CNT_INITIALIZED_DATA.0
                | object::pe::IMAGE_SCN_MEM_READ.0
                | object::pe::IMAGE_SCN_MEM_WRITE.0;
            const ALIGN_32BYTES: u32 = 0x0060_0000;
            let base = image.relative_address_base();
            image
                .sections()
                .iter()
                .find(|s| {
                    s.characteristics & !ALIGN_32BYTES == WANTED
                        && s.address != base
                        && s.stored_range.is_some()
                })
                .map(|s| SearchRange {
                    start: s.address,
                    size: s.size,
                })
                .into_iter()
                .collect()
        }
    }
}

/// Everything after locating the search range: find the header, decode its two
/// strings, parse the module text. Separate from `read` so tests can feed bytes.
fn read_from(memory: &Memory<'_>, range: SearchRange) -> Result<Option<BuildInfo>, String> {
    let Some(addr) = search_magic(memory, range)? else {
        return Ok(None);
    };
    let (version, modinfo) = decode_blob(memory, addr)?;
    if version.is_empty() {
        return Err(format!("build info: empty Go version at {addr:#x}"));
    }
    let mut bi = parse_modinfo(strip_framing(&modinfo))?;
    bi.go_version = String::from_utf8_lossy(&version).into_owned();
    Ok(Some(bi))
}

/// Go's `searchMagic`: the first 16-byte-aligned (by address) occurrence of the magic
/// in `[start, start+size)`. `Ok(None)` when there is none. Read in aligned chunks (as
/// Go does), so a PE data section of megabytes is not held at once; an aligned magic
/// never straddles two chunks.
fn search_magic(memory: &Memory<'_>, range: SearchRange) -> Result<Option<u64>, String> {
    let Some(end) = range.start.checked_add(range.size) else {
        return Ok(None);
    };
    let Some(mut addr) = align_up(range.start) else {
        return Ok(None);
    };
    while addr < end {
        let Some(chunk) = memory.read(addr, (end - addr).min(SEARCH_CHUNK)) else {
            return Ok(None);
        };
        let mut i = 0usize;
        while i + MAGIC.len() <= chunk.len() {
            if chunk[i..].starts_with(MAGIC) {
                let at = addr + i as u64;
                // "Found magic, but not enough space left for the full header."
                if end - at < HEADER_SIZE {
                    return Err(format!(
                        "build info: header at {at:#x} cut short: {} bytes left in its section, need {HEADER_SIZE}",
                        end - at
                    ));
                }
                return Ok(Some(at));
            }
            i += ALIGN as usize;
        }
        // The region ended before the range did: carry on in whatever is loaded next.
        match addr.checked_add(chunk.len() as u64).and_then(align_up) {
            Some(next) if next > addr => addr = next,
            _ => return Ok(None),
        }
    }
    Ok(None)
}

fn align_up(addr: u64) -> Option<u64> {
    Some(addr.checked_add(ALIGN - 1)? & !(ALIGN - 1))
}

/// Decodes the header at `addr` into the raw Go version and module info strings.
///
/// Since Go 1.18 (flag bit 1 set) the two strings follow the 32-byte header inline, each
/// prefixed by its uvarint length. Before, the header held the addresses of two Go
/// string headers `{ptr, len}` (pointer size in byte 14, byte order in flag bit 0).
fn decode_blob<'a>(memory: &Memory<'a>, addr: u64) -> Result<(Bytes<'a>, Bytes<'a>), String> {
    let header = memory
        .read(addr, HEADER_SIZE)
        .filter(|h| h.len() as u64 == HEADER_SIZE)
        .ok_or_else(|| {
            format!("build info: header at {addr:#x} cut short by the end of the file")
        })?;
    let flags = header[15];
    if flags & FLAG_INLINE != 0 {
        let (version, next) = inline_string(memory, addr + HEADER_SIZE, "Go version")?;
        let (modinfo, _) = inline_string(memory, next, "module info")?;
        return Ok((version, modinfo));
    }
    let ptr_size = header[14] as usize;
    if ptr_size != 4 && ptr_size != 8 {
        return Err(format!(
            "build info: header at {addr:#x} gives pointer size {ptr_size}, expected 4 or 8"
        ));
    }
    let big_endian = flags & FLAG_BIG_ENDIAN != 0;
    let version_ptr = read_ptr(&header[16..], ptr_size, big_endian);
    let modinfo_ptr = read_ptr(&header[16 + ptr_size..], ptr_size, big_endian);
    let version = pointed_string(memory, version_ptr, ptr_size, big_endian, "Go version")?;
    let modinfo = pointed_string(memory, modinfo_ptr, ptr_size, big_endian, "module info")?;
    Ok((version, modinfo))
}

/// Go's `decodeString`: a uvarint length, then that many bytes. Returns the string and
/// the address after it.
fn inline_string<'a>(
    memory: &Memory<'a>,
    addr: u64,
    what: &str,
) -> Result<(Bytes<'a>, u64), String> {
    let bytes = memory
        .read(addr, MAX_VARINT_LEN)
        .ok_or_else(|| format!("build info: {what} length at {addr:#x} is beyond end of file"))?;
    let (len, n) = match uvarint(&bytes) {
        Varint::Value(len, n) => (len, n),
        Varint::Truncated => {
            return Err(format!(
                "build info: {what} length at {addr:#x} is a truncated varint"
            ))
        }
        Varint::Overflow => {
            return Err(format!(
                "build info: {what} length at {addr:#x} is a varint overflowing 64 bits"
            ))
        }
    };
    let start = addr + n as u64;
    if len == 0 {
        return Ok((Cow::Borrowed(&[]), start));
    }
    let data = memory.read(start, len).unwrap_or_default();
    if (data.len() as u64) < len {
        return Err(format!(
            "build info: {what} string length {len} beyond end of file ({} bytes left)",
            data.len()
        ));
    }
    Ok((data, start + len))
}

/// Go's `readString` (pre-1.18 form): a Go string header `{ptr, len}` at `addr`.
fn pointed_string<'a>(
    memory: &Memory<'a>,
    addr: u64,
    ptr_size: usize,
    big_endian: bool,
    what: &str,
) -> Result<Bytes<'a>, String> {
    let header = memory
        .read(addr, 2 * ptr_size as u64)
        .filter(|h| h.len() == 2 * ptr_size)
        .ok_or_else(|| {
            format!("build info: {what} string header at {addr:#x} is not in the file")
        })?;
    let data_ptr = read_ptr(&header, ptr_size, big_endian);
    let len = read_ptr(&header[ptr_size..], ptr_size, big_endian);
    if len == 0 {
        // A binary built outside module mode has an empty, possibly nil, modinfo.
        return Ok(Cow::Borrowed(&[]));
    }
    let data = memory
        .read(data_ptr, len)
        .ok_or_else(|| format!("build info: {what} string at {data_ptr:#x} is not in the file"))?;
    if (data.len() as u64) < len {
        return Err(format!(
            "build info: {what} string length {len} beyond end of file ({} bytes left)",
            data.len()
        ));
    }
    Ok(data)
}

fn read_ptr(bytes: &[u8], size: usize, big_endian: bool) -> u64 {
    let b = &bytes[..size];
    let push = |v: u64, &byte: &u8| v << 8 | byte as u64;
    if big_endian {
        b.iter().fold(0, push)
    } else {
        b.iter().rev().fold(0, push)
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Varint {
    /// The value and how many bytes encoded it.
    Value(u64, usize),
    Truncated,
    Overflow,
}

/// `encoding/binary.Uvarint`.
fn uvarint(buf: &[u8]) -> Varint {
    let mut x = 0u64;
    let mut shift = 0u32;
    for (i, &b) in buf.iter().enumerate() {
        if i as u64 == MAX_VARINT_LEN {
            return Varint::Overflow;
        }
        if b < 0x80 {
            if i as u64 == MAX_VARINT_LEN - 1 && b > 1 {
                return Varint::Overflow;
            }
            return Varint::Value(x | (b as u64) << shift, i + 1);
        }
        x |= ((b & 0x7f) as u64) << shift;
        shift += 7;
    }
    Varint::Truncated
}

/// cmd/go wraps the module text in 16-byte sentinels (`modload.infoStart` and
/// `infoEnd`). Like debug/buildinfo we check only the framing (length ≥ 33 and a
/// newline ending the text), not the sentinel bytes; anything else means "no module
/// information", which is what `go version -m` then prints.
fn strip_framing(modinfo: &[u8]) -> &[u8] {
    let n = modinfo.len();
    if n >= 33 && modinfo[n - 17] == b'\n' {
        &modinfo[16..n - 16]
    } else {
        &[]
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Which module a `=>` line replaces.
#[derive(Clone, Copy)]
enum Last {
    Main,
    Dep(usize),
}

/// `runtime/debug.ParseBuildInfo`: `path`, `mod`, `dep`, `=>` and `build` lines,
/// each ending in a newline (a final unterminated line is ignored, as in Go); other
/// lines are skipped. The Go version is not part of this text.
fn parse_modinfo(data: &[u8]) -> Result<BuildInfo, String> {
    let mut bi = BuildInfo::default();
    let mut last: Option<Last> = None;
    let mut rest = data;
    let mut line_num = 1;
    while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
        let line = &rest[..nl];
        rest = &rest[nl + 1..];
        let fail = |msg: String| format!("build info: line {line_num}: {msg}");
        if let Some(elem) = line.strip_prefix(b"path\t") {
            bi.path = (!elem.is_empty()).then(|| text(elem));
        } else if let Some(elem) = line.strip_prefix(b"mod\t") {
            bi.main = Some(module_line(elem).map_err(fail)?);
            last = Some(Last::Main);
        } else if let Some(elem) = line.strip_prefix(b"dep\t") {
            bi.deps.push(module_line(elem).map_err(fail)?);
            last = Some(Last::Dep(bi.deps.len() - 1));
        } else if let Some(elem) = line.strip_prefix(b"=>\t") {
            let cols: Vec<&[u8]> = elem.split(|&b| b == b'\t').collect();
            if cols.len() != 3 {
                return Err(fail(format!(
                    "expected 3 columns for replacement; got {}",
                    cols.len()
                )));
            }
            let target = match last.take() {
                Some(Last::Main) => bi.main.as_mut(),
                Some(Last::Dep(i)) => bi.deps.get_mut(i),
                None => None,
            }
            .ok_or_else(|| fail("replacement with no module on previous line".into()))?;
            target.replace = Some(Box::new(Module {
                path: text(cols[0]),
                version: text(cols[1]),
                sum: text(cols[2]),
                replace: None,
            }));
        } else if let Some(kv) = line.strip_prefix(b"build\t") {
            bi.settings.push(build_line(kv).map_err(fail)?);
        }
        line_num += 1;
    }
    Ok(bi)
}

/// A `mod` or `dep` line after its keyword: path, version and an optional sum.
fn module_line(elem: &[u8]) -> Result<Module, String> {
    let cols: Vec<&[u8]> = elem.split(|&b| b == b'\t').collect();
    if cols.len() != 2 && cols.len() != 3 {
        return Err(format!("expected 2 or 3 columns; got {}", cols.len()));
    }
    Ok(Module {
        path: text(cols[0]),
        version: text(cols[1]),
        sum: cols.get(2).map(|s| text(s)).unwrap_or_default(),
        replace: None,
    })
}

/// A `build` line after its keyword: `KEY=VALUE`, where either side is written with
/// `strconv.Quote` when it contains a space, tab, newline, quote or backquote (and the
/// key also when it contains `=` or is empty).
fn build_line(kv: &[u8]) -> Result<(String, String), String> {
    let (key, raw_value) = match kv.first() {
        None => return Err("build line missing '='".into()),
        Some(b'=') => return Err("build line with missing key".into()),
        Some(b'`' | b'"') => {
            let (key, after) =
                unquote_prefix(kv).ok_or_else(|| "invalid quoted key in build line".to_string())?;
            match after.first() {
                None => return Err("build line missing '=' after quoted key".into()),
                Some(b'=') => (key, &after[1..]),
                Some(&c) => {
                    return Err(format!(
                        "unexpected character after quoted key: '{}'",
                        c.escape_ascii()
                    ))
                }
            }
        }
        Some(_) => {
            let eq = kv
                .iter()
                .position(|&b| b == b'=')
                .ok_or_else(|| "build line missing '=' after key".to_string())?;
            let key = &kv[..eq];
            if needs_quote(key, true) {
                return Err(format!("unquoted key {:?} must be quoted", text(key)));
            }
            (key.to_vec(), &kv[eq + 1..])
        }
    };
    let value = match raw_value.first() {
        None => Vec::new(),
        Some(b'`' | b'"') => {
            unquote(raw_value).ok_or_else(|| "invalid quoted value in build line".to_string())?
        }
        Some(_) => {
            if needs_quote(raw_value, false) {
                return Err(format!(
                    "unquoted value {:?} must be quoted",
                    text(raw_value)
                ));
            }
            raw_value.to_vec()
        }
    };
    Ok((text(&key), text(&value)))
}

/// runtime/debug's `quoteKey` / `quoteValue`.
fn needs_quote(s: &[u8], is_key: bool) -> bool {
    (is_key && (s.is_empty() || s.contains(&b'='))) || s.iter().any(|b| b" \t\r\n\"`".contains(b))
}

/// `strconv.Unquote` for the forms a build line uses (`"..."` and `` `...` ``): the
/// whole input must be one quoted string.
fn unquote(s: &[u8]) -> Option<Vec<u8>> {
    let (value, rest) = unquote_prefix(s)?;
    rest.is_empty().then_some(value)
}

/// strconv's `unquote(in, unescape=true)`: decodes the quoted string at the start of
/// `s`, returning its value and what follows it (the length of the quoted prefix is
/// what `strconv.QuotedPrefix` returns).
fn unquote_prefix(s: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    match *s.first()? {
        b'`' => {
            let end = 1 + s[1..].iter().position(|&b| b == b'`')?;
            // Carriage returns inside raw strings are discarded.
            let value = s[1..end].iter().copied().filter(|&b| b != b'\r').collect();
            Some((value, &s[end + 1..]))
        }
        b'"' => {
            let mut out = Vec::new();
            let mut i = 1;
            loop {
                match *s.get(i)? {
                    b'"' => return Some((out, &s[i + 1..])),
                    b'\n' => return None,
                    b'\\' => i = unescape(s, i + 1, &mut out)?,
                    c if c < 0x80 => {
                        out.push(c);
                        i += 1;
                    }
                    _ => match utf8_char_len(&s[i..]) {
                        Some(n) => {
                            out.extend_from_slice(&s[i..i + n]);
                            i += n;
                        }
                        None => {
                            // UnquoteChar decodes an invalid byte as utf8.RuneError.
                            out.extend_from_slice("\u{fffd}".as_bytes());
                            i += 1;
                        }
                    },
                }
            }
        }
        _ => None,
    }
}

/// `strconv.UnquoteChar` after a backslash at `s[i-1]`, inside a `"` string. Appends
/// the value and returns the index after the escape.
fn unescape(s: &[u8], i: usize, out: &mut Vec<u8>) -> Option<usize> {
    let c = *s.get(i)?;
    let simple = match c {
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b'f' => Some(0x0c),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(0x0b),
        b'\\' => Some(b'\\'),
        b'"' => Some(b'"'),
        _ => None,
    };
    if let Some(b) = simple {
        out.push(b);
        return Some(i + 1);
    }
    match c {
        b'x' | b'u' | b'U' => {
            let n = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = s.get(i + 1..i + 1 + n)?;
            let mut v = 0u32;
            for &d in digits {
                v = v << 4 | (d as char).to_digit(16)?;
            }
            if c == b'x' {
                // A single byte, possibly not UTF-8.
                out.push(v as u8);
            } else {
                // utf8.ValidRune: no surrogates, nothing above U+10FFFF.
                let ch = char::from_u32(v)?;
                out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
            }
            Some(i + 1 + n)
        }
        b'0'..=b'7' => {
            let digits = s.get(i..i + 3)?;
            let mut v = 0u32;
            for &d in digits {
                if !(b'0'..=b'7').contains(&d) {
                    return None;
                }
                v = v << 3 | (d - b'0') as u32;
            }
            if v > 255 {
                return None;
            }
            out.push(v as u8);
            Some(i + 3)
        }
        _ => None,
    }
}

/// Length of the valid UTF-8 character starting `b`, if it starts with one.
fn utf8_char_len(b: &[u8]) -> Option<usize> {
    let n = match *b.first()? {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    std::str::from_utf8(b.get(..n)?).ok().map(|_| n)
}

#[cfg(test)]
mod tests {
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
        let memory = Memory {
            regions: vec![Region {
                address: BASE,
                bytes: blob,
            }],
            ..Default::default()
        };
        read_from(
            &memory,
            SearchRange {
                start: BASE,
                size: blob.len() as u64,
            },
        )
    }

    fn parse(text: &str) -> Result<BuildInfo, String> {
        parse_modinfo(text.as_bytes())
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
        let memory = Memory {
            regions: vec![
                Region {
                    address: 0x1000,
                    bytes: &pad,
                },
                Region {
                    address: 0x1100,
                    bytes: &blob,
                },
            ],
            ..Default::default()
        };
        let range = SearchRange {
            start: 0x1000,
            size: 0x1000,
        };
        assert_eq!(
            read_from(&memory, range).unwrap().unwrap().go_version,
            "go1.19.8"
        );
        let memory = Memory {
            regions: vec![
                Region {
                    address: 0x1000,
                    bytes: &pad,
                },
                Region {
                    address: 0x1200,
                    bytes: &blob,
                },
            ],
            ..Default::default()
        };
        assert_eq!(read_from(&memory, range), Ok(None));
        // Start rounded up to the alignment; range end past every region.
        let range = SearchRange {
            start: 0x10f1,
            size: u64::MAX - 0x10f1,
        };
        let memory = Memory {
            regions: vec![Region {
                address: 0x1100,
                bytes: &blob,
            }],
            ..Default::default()
        };
        assert_eq!(
            read_from(&memory, range).unwrap().unwrap().go_version,
            "go1.19.8"
        );
        let range = SearchRange {
            start: u64::MAX - 3,
            size: 3,
        };
        assert_eq!(read_from(&memory, range), Ok(None));
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
        let memory = Memory {
            regions: vec![
                Region {
                    address: BASE,
                    bytes: header,
                },
                Region {
                    address: 0x50_0000,
                    bytes: data,
                },
            ],
            ..Default::default()
        };
        read_from(
            &memory,
            SearchRange {
                start: BASE,
                size: header.len() as u64,
            },
        )
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
