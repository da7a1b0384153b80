//! Finding and decoding the build info blob: where to search (Go's `exe.DataStart`), the
//! 16-byte-aligned magic, and the header's two strings (inline varint-prefixed since Go
//! 1.18, Go string headers before). Mirrors `src/debug/buildinfo/buildinfo.go`.

use std::borrow::Cow;

use super::modinfo::parse_modinfo;
use super::{BuildInfo, BuildInfoError, StringProblem};
use crate::binary::{bytes, Format, Image};

/// `buildInfoMagic`: the first 14 bytes of the 32-byte header.
pub(super) const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
/// `buildInfoAlign`: the linker aligns the header to 16 bytes.
pub(super) const ALIGN: u64 = 16;
/// `buildInfoHeaderSize`: magic, pointer size, flags, then two pointers (pre-1.18 form).
pub(super) const HEADER_SIZE: u64 = 32;
/// Header byte 15, bit 0: pointers are big-endian (pre-1.18 form only).
pub(super) const FLAG_BIG_ENDIAN: u8 = 0x1;
/// Header byte 15, bit 1: the strings follow the header inline, varint-prefixed (Go 1.18+).
pub(super) const FLAG_INLINE: u8 = 0x2;
/// `binary.MaxVarintLen64`.
pub(super) const MAX_VARINT_LEN: u64 = 10;
/// Bytes searched for the magic per read (a multiple of [`ALIGN`]).
pub(super) const SEARCH_CHUNK: u64 = 64 * 1024;
/// How far into a data segment Go 1.18–1.21 looked when the blob had no section of its
/// own (`x.ReadData(dataAddr, 64*1024)`).
pub(super) const FALLBACK_SEARCH: u64 = 64 * 1024;

/// Bytes read from memory: borrowed when the image is in memory, else read for the asker.
pub(super) type Bytes<'a> = Cow<'a, [u8]>;

/// A run of file bytes loaded at a virtual address.
#[derive(Clone, Copy, Debug)]
pub(super) struct Region<'a> {
    pub(super) address: u64,
    pub(super) bytes: &'a [u8],
}

/// A run of the image's file bytes loaded at a virtual address, read only where asked.
#[derive(Clone, Copy, Debug)]
pub(super) struct FileRegion {
    pub(super) address: u64,
    /// File offset and size, inside the file.
    pub(super) range: (u64, u64),
}

/// The file's loaded bytes by virtual address: what Go's `exe.DataReader` reads.
/// Only the bytes asked for are read from the file: the blob is a few hundred bytes
/// in a data segment of megabytes.
#[derive(Debug, Default)]
pub(super) struct Memory<'a> {
    /// Bytes given directly (tests), searched first.
    pub(super) regions: Vec<Region<'a>>,
    pub(super) image: Option<&'a Image>,
    /// The image's regions, in search order.
    pub(super) lazy: Vec<FileRegion>,
}

impl<'a> Memory<'a> {
    /// ELF and Mach-O are read through their segments (Go reads `f.Progs` and Mach-O
    /// segments other than `__PAGEZERO`), PE through its sections. Sections come after
    /// segments as a fallback for files without program headers.
    pub(super) fn of(image: &'a Image) -> Memory<'a> {
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
    pub(super) fn read(&self, addr: u64, len: u64) -> Option<Bytes<'a>> {
        let given = self
            .regions
            .iter()
            .find(|r| addr >= r.address && addr - r.address < r.bytes.len() as u64);
        if let Some(r) = given {
            let start = (addr - r.address) as usize;
            let n = usize::try_from(len)
                .unwrap_or(usize::MAX)
                .min(r.bytes.len() - start);
            return r.bytes.get(start..start + n).map(Cow::Borrowed);
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
pub(super) struct SearchRange {
    pub(super) start: u64,
    pub(super) size: u64,
}

/// Go's `exe.DataStart`. The blob has its own section on ELF (`.go.buildinfo`) and
/// Mach-O (`__go_buildinfo`); on PE it opens the first writable initialised-data
/// section. Current Go gives up when the named section is missing; for binaries whose
/// section headers were renamed or removed we fall back to Go 1.18–1.21's rule, a
/// writable non-executable segment searched over its first 64 KiB. Go took only the
/// first such segment; we try each in turn, because in PIE binaries the blob sits in
/// the second (after `.data.rel.ro`).
pub(super) fn search_ranges(image: &Image) -> Vec<SearchRange> {
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
pub(super) fn read_from(
    memory: &Memory<'_>,
    range: SearchRange,
) -> Result<Option<BuildInfo>, BuildInfoError> {
    let Some(addr) = search_magic(memory, range)? else {
        return Ok(None);
    };
    let (version, modinfo) = decode_blob(memory, addr)?;
    if version.is_empty() {
        return Err(BuildInfoError::EmptyVersion { addr });
    }
    let mut bi = parse_modinfo(strip_framing(&modinfo))?;
    bi.go_version = String::from_utf8_lossy(&version).into_owned();
    Ok(Some(bi))
}

/// Go's `searchMagic`: the first 16-byte-aligned (by address) occurrence of the magic
/// in `[start, start+size)`. `Ok(None)` when there is none. Read in aligned chunks (as
/// Go does), so a PE data section of megabytes is not held at once; an aligned magic
/// never straddles two chunks.
pub(super) fn search_magic(
    memory: &Memory<'_>,
    range: SearchRange,
) -> Result<Option<u64>, BuildInfoError> {
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
            if chunk.get(i..).is_some_and(|c| c.starts_with(MAGIC)) {
                let at = addr + i as u64;
                // "Found magic, but not enough space left for the full header."
                if end - at < HEADER_SIZE {
                    return Err(BuildInfoError::HeaderCutShort {
                        addr: at,
                        left_in_section: Some(end - at),
                    });
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

pub(super) fn align_up(addr: u64) -> Option<u64> {
    Some(addr.checked_add(ALIGN - 1)? & !(ALIGN - 1))
}

/// Decodes the header at `addr` into the raw Go version and module info strings.
///
/// Since Go 1.18 (flag bit 1 set) the two strings follow the 32-byte header inline, each
/// prefixed by its uvarint length. Before, the header held the addresses of two Go
/// string headers `{ptr, len}` (pointer size in byte 14, byte order in flag bit 0).
pub(super) fn decode_blob<'a>(
    memory: &Memory<'a>,
    addr: u64,
) -> Result<(Bytes<'a>, Bytes<'a>), BuildInfoError> {
    let header = memory
        .read(addr, HEADER_SIZE)
        .filter(|h| h.len() as u64 == HEADER_SIZE)
        .ok_or(BuildInfoError::HeaderCutShort {
            addr,
            left_in_section: None,
        })?;
    let flags = header.get(15).copied().unwrap_or(0);
    if flags & FLAG_INLINE != 0 {
        let (version, next) = inline_string(memory, addr + HEADER_SIZE, "Go version")?;
        let (modinfo, _) = inline_string(memory, next, "module info")?;
        return Ok((version, modinfo));
    }
    let ptr_size = header.get(14).copied().unwrap_or(0) as usize;
    if ptr_size != 4 && ptr_size != 8 {
        return Err(BuildInfoError::PointerSize {
            addr,
            size: ptr_size as u8,
        });
    }
    let big_endian = flags & FLAG_BIG_ENDIAN != 0;
    let ptr = |at: usize| bytes::uint(&header, at, ptr_size, big_endian).unwrap_or(0);
    let (version_ptr, modinfo_ptr) = (ptr(16), ptr(16 + ptr_size));
    let version = pointed_string(memory, version_ptr, ptr_size, big_endian, "Go version")?;
    let modinfo = pointed_string(memory, modinfo_ptr, ptr_size, big_endian, "module info")?;
    Ok((version, modinfo))
}

/// Go's `decodeString`: a uvarint length, then that many bytes. Returns the string and
/// the address after it.
pub(super) fn inline_string<'a>(
    memory: &Memory<'a>,
    addr: u64,
    what: &'static str,
) -> Result<(Bytes<'a>, u64), BuildInfoError> {
    let bytes = memory
        .read(addr, MAX_VARINT_LEN)
        .ok_or(BuildInfoError::String {
            what,
            addr,
            problem: StringProblem::LengthOutsideFile,
        })?;
    let (len, n) = match uvarint(&bytes) {
        Varint::Value(len, n) => (len, n),
        Varint::Truncated => {
            return Err(BuildInfoError::String {
                what,
                addr,
                problem: StringProblem::TruncatedVarint,
            })
        }
        Varint::Overflow => {
            return Err(BuildInfoError::String {
                what,
                addr,
                problem: StringProblem::VarintOverflow,
            })
        }
    };
    let start = addr + n as u64;
    if len == 0 {
        return Ok((Cow::Borrowed(&[]), start));
    }
    let data = memory.read(start, len).unwrap_or_default();
    whole(&data, len, what, start)?;
    Ok((data, start + len))
}

/// Go's `readString` (pre-1.18 form): a Go string header `{ptr, len}` at `addr`.
pub(super) fn pointed_string<'a>(
    memory: &Memory<'a>,
    addr: u64,
    ptr_size: usize,
    big_endian: bool,
    what: &'static str,
) -> Result<Bytes<'a>, BuildInfoError> {
    let header = memory
        .read(addr, 2 * ptr_size as u64)
        .filter(|h| h.len() == 2 * ptr_size)
        .ok_or(BuildInfoError::String {
            what,
            addr,
            problem: StringProblem::HeaderOutsideFile,
        })?;
    let ptr = |at: usize| bytes::uint(&header, at, ptr_size, big_endian).unwrap_or(0);
    let (data_ptr, len) = (ptr(0), ptr(ptr_size));
    if len == 0 {
        // A binary built outside module mode has an empty, possibly nil, modinfo.
        return Ok(Cow::Borrowed(&[]));
    }
    let data = memory.read(data_ptr, len).ok_or(BuildInfoError::String {
        what,
        addr: data_ptr,
        problem: StringProblem::OutsideFile,
    })?;
    whole(&data, len, what, data_ptr)?;
    Ok(data)
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Varint {
    /// The value and how many bytes encoded it.
    Value(u64, usize),
    Truncated,
    Overflow,
}

/// `encoding/binary.Uvarint`.
pub(super) fn uvarint(buf: &[u8]) -> Varint {
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
pub(super) fn strip_framing(modinfo: &[u8]) -> &[u8] {
    let n = modinfo.len();
    match modinfo.get(16..n.saturating_sub(16)) {
        Some(text) if n >= 33 && modinfo.get(n - 17) == Some(&b'\n') => text,
        _ => &[],
    }
}

/// A string read at `addr` must be `len` bytes long, not cut short by the file's end.
fn whole(data: &[u8], len: u64, what: &'static str, addr: u64) -> Result<(), BuildInfoError> {
    if (data.len() as u64) < len {
        return Err(BuildInfoError::String {
            what,
            addr,
            problem: StringProblem::CutShort {
                len,
                left: data.len() as u64,
            },
        });
    }
    Ok(())
}
