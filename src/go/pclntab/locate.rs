//! Where the table is: the dedicated section, the `runtime.pclntab` symbols, or (PE
//! without symbols) a scan; and the address Go 1.18+ entries are relative to.

use super::decode::decode;
use super::header::{Header, Reader};
use super::{Located, PclnVersion, PclntabError, TextStartSource};
use crate::binary::{Format, Image};

/// Finds the table the way `cmd/internal/objfile` does (`elf.go`, `macho.go`, `pe.go`
/// `pcln()`): the dedicated section, else the `runtime.pclntab`/`runtime.epclntab`
/// symbols; for a PE without symbols, a scan of the data sections for a valid header
/// (as GoReSym does).
pub(super) fn locate(image: &Image) -> Result<Option<Located<'_>>, PclntabError> {
    let names: &[&str] = match image.format() {
        Format::Elf => &[".gopclntab", ".data.rel.ro.gopclntab"],
        Format::MachO => &["__gopclntab"],
        Format::Pe => &[],
    };
    for name in names {
        let Some(i) = image.section_index(name) else {
            continue;
        };
        let info = &image.sections()[i];
        if info.file_range.is_none() {
            // Stored bytes that run past the end of the file: a truncated binary.
            if let Some((off, size)) = stored_range(image, name) {
                return Err(PclntabError::SectionPastEnd {
                    section: name.to_string(),
                    offset: off,
                    size,
                    file_len: image.file_len(),
                });
            }
            // A NOBITS copy (objcopy --only-keep-debug) has no bytes: not a table.
            continue;
        }
        let bytes = image.section_bytes(i).map_err(PclntabError::Section)?;
        return Ok(Some(Located {
            bytes,
            address: info.address,
            section: info.name.clone(),
        }));
    }
    for (start, end) in [
        ("runtime.pclntab", "runtime.epclntab"),
        ("pclntab", "epclntab"),
    ] {
        if let (Some((s, _)), Some((e, _))) = (image.symbol(start), image.symbol(end)) {
            let len = e
                .checked_sub(s)
                .filter(|&l| l <= image.file_len())
                .ok_or(PclntabError::SymbolsReversed { start, end })?;
            let holder = image
                .sections()
                .iter()
                .find(|sec| sec.address != 0 && s >= sec.address && s - sec.address < sec.size);
            if holder.is_some_and(|sec| sec.file_range.is_none()) {
                // NOBITS, as in an `objcopy --only-keep-debug` file: no table here.
                continue;
            }
            let bytes = image
                .read_va(s, len as usize)
                .ok_or(PclntabError::SymbolsOutsideFile {
                    start,
                    end,
                    range: (s, e),
                })?;
            return Ok(Some(Located {
                bytes,
                address: s,
                section: section_name_at(image, s),
            }));
        }
    }
    if image.format() == Format::Pe {
        return Ok(scan(image));
    }
    Ok(None)
}

/// The file range the object file declares for a section, even one past the end of the
/// file (which `Image` drops); `None` for NOBITS / zero-fill sections.
pub(super) fn stored_range(image: &Image, name: &str) -> Option<(u64, u64)> {
    image.section(name)?.stored_range
}

pub(super) fn section_name_at(image: &Image, addr: u64) -> String {
    image
        .sections()
        .iter()
        .find(|s| s.address != 0 && addr >= s.address && addr - s.address < s.size)
        .map(|s| s.name.clone())
        .unwrap_or_else(|| "?".into())
}

/// Scans stored, uncompressed sections for a 4-aligned header that decodes to a sane
/// function table. A candidate that fails to decode is skipped, not an error: the bytes
/// could be anything.
pub(super) fn scan(image: &Image) -> Option<Located<'_>> {
    // Sections are scanned from transient reads; only the one holding the table is kept.
    let (i, at) = image.sections().iter().enumerate().find_map(|(i, s)| {
        if s.is_compressed() || s.file_range.is_none() {
            return None;
        }
        let data = image.peek_raw_section_bytes(i)?;
        table_in(&data).map(|at| (i, at))
    })?;
    let s = &image.sections()[i];
    Some(Located {
        bytes: image.raw_section_bytes(i)?.get(at..)?,
        address: s.address + at as u64,
        section: s.name.clone(),
    })
}

/// Offset of the first 4-aligned header in `data` that decodes to a function table.
pub(super) fn table_in(data: &[u8]) -> Option<usize> {
    let mut at = 0;
    while at + 8 <= data.len() {
        let le = u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]);
        let be = le.swap_bytes();
        if (PclnVersion::from_magic(le).is_some() || PclnVersion::from_magic(be).is_some())
            && data[at + 4] == 0
            && data[at + 5] == 0
        {
            let bytes = &data[at..];
            if let Ok(h) = Header::parse(bytes) {
                // Offsets are what we validate here; the text start only shifts PCs.
                if decode(bytes, &h, 0).is_ok_and(|t| !t.funcs.is_empty()) {
                    return Some(at);
                }
            }
        }
        at += 4;
    }
    None
}

/// The address Go 1.18+ function offsets are relative to (`moduledata.text`, the
/// `runtime.text` symbol). gosym ignores the header word and uses the caller's value,
/// which `cmd/internal/objfile` (objfile.go `PCLineTable`) takes from the `runtime.text`
/// symbol, else the `.text`/`__text` section start (PE: image base + its RVA). Without
/// symbols we prefer the header word (exact even for external linking, where C code
/// precedes runtime.text), and for Go 1.26+, which writes 0 there, the moduledata.
pub(super) fn text_start(
    image: &Image,
    h: &Header,
    located: &Located<'_>,
) -> (u64, TextStartSource) {
    if let Some((addr, _)) = image.symbol("runtime.text") {
        if addr != 0 {
            return (addr, TextStartSource::Symbol);
        }
    }
    if h.version.relative_entries() {
        if h.text_start != 0 {
            return (h.text_start, TextStartSource::Header);
        }
        if let Some(text) = moduledata_text(image, h, located) {
            return (text, TextStartSource::Moduledata);
        }
    }
    match image.text_section() {
        Some(s) => (s.address, TextStartSource::Section),
        None => (0, TextStartSource::Unknown),
    }
}

/// Finds the runtime's `moduledata` (runtime/symtab.go): its first word points at the
/// pclntab header and its second (funcnametab's data pointer) at header + funcnameOffset.
/// Go 1.26+ puts it in `.go.module`; otherwise scan the data sections like GoReSym.
/// `text` is its 23rd word (after pcHeader, six slices, findfunctab, minpc, maxpc).
pub(super) fn moduledata_text(image: &Image, h: &Header, located: &Located<'_>) -> Option<u64> {
    let ptr = h.ptr_size as usize;
    let want0 = located.address;
    let want1 = located.address.checked_add(h.funcname_off)?;
    let r = |bytes: &[u8], at: usize| {
        Reader {
            data: bytes,
            big_endian: h.big_endian,
            ptr_size: ptr,
        }
        .uintptr(at)
    };
    let preferred = image.section_index(".go.module");
    let order = preferred
        .into_iter()
        .chain((0..image.sections().len()).filter(|&i| Some(i) != preferred));
    for i in order {
        let s = &image.sections()[i];
        if s.is_compressed() || s.file_range.is_none() || s.address == 0 {
            continue;
        }
        // A transient read: the sections scanned are not kept.
        let Some(bytes) = image.peek_raw_section_bytes(i) else {
            continue;
        };
        let mut at = 0;
        while at + 23 * ptr <= bytes.len() {
            if r(&bytes, at) == Some(want0) && r(&bytes, at + ptr) == Some(want1) {
                if let Some(text) = r(&bytes, at + 22 * ptr).filter(|&t| t != 0) {
                    return Some(text);
                }
            }
            at += ptr;
        }
    }
    None
}
