//! The function table (names, entry and end PCs, source file and line of each function)
//! and the file table, as gosym's `go12Funcs` and `go12MapFiles` read them.

use super::header::{Header, Reader};
use super::{Func, PclnVersion, RawSource, TableProblem};

#[derive(Debug)]
pub(super) struct Decoded {
    pub(super) funcs: Vec<Func>,
    pub(super) files: Vec<String>,
    pub(super) sources: Vec<RawSource>,
}

/// Decodes the function and file tables. Entries, ends and names are exactly gosym's
/// `go12Funcs`: entry = functab pc(i), end = pc(i+1), the last end being the functab's
/// trailing sentinel; since Go 1.18 both are offsets added to `text_start`.
pub(super) fn decode(data: &[u8], h: &Header, text_start: u64) -> Result<Decoded, TableProblem> {
    let r = Reader {
        data,
        big_endian: h.big_endian,
        ptr_size: h.ptr_size as usize,
    };
    let field = h.functab_field_size();
    let base = h.functab_off as usize;
    let pc = |i: usize| -> Result<u64, TableProblem> {
        let v = r
            .sized(base + 2 * i * field, field)
            .ok_or(TableProblem::FunctabEntryTruncated { index: i })?;
        Ok(if h.version.relative_entries() {
            v.wrapping_add(text_start)
        } else {
            v
        })
    };
    // `_func` starts with the entry (4 bytes since Go 1.18, a pointer before), then nameOff.
    let name_field = if h.version.relative_entries() {
        4
    } else {
        h.ptr_size as usize
    };
    let nfunc = h.nfunc as usize; // checked against the data length by Header::parse
    let (files, file_index) = decode_files(&r, h)?;
    let mut funcs = Vec::with_capacity(nfunc);
    let mut sources = Vec::with_capacity(nfunc);
    let mut entry = pc(0)?;
    for i in 0..nfunc {
        let end = pc(i + 1)?;
        if end < entry {
            return Err(TableProblem::FunctabNotSorted {
                index: i,
                end,
                entry,
            });
        }
        let func_off = r
            .sized(base + (2 * i + 1) * field, field)
            .ok_or(TableProblem::FunctabEntryTruncated { index: i })?;
        let at = (h.funcdata_off)
            .checked_add(func_off)
            .and_then(|a| a.checked_add(name_field as u64))
            .filter(|&a| a <= data.len() as u64)
            .ok_or(TableProblem::FuncOffset {
                index: i,
                offset: func_off,
            })?;
        let name_off = r
            .u32(at as usize)
            .ok_or(TableProblem::FuncTruncated { index: i })?;
        let name = (h.funcname_off as usize)
            .checked_add(name_off as usize)
            .and_then(|a| r.cstr(a))
            .ok_or(TableProblem::FuncNameOffset {
                index: i,
                offset: name_off,
            })?;
        funcs.push(Func {
            name: String::from_utf8_lossy(name).into_owned(),
            entry,
            end,
        });
        sources.push(func_source(&r, h, at as usize, &file_index));
        entry = end;
    }
    Ok(Decoded {
        funcs,
        files,
        sources,
    })
}

/// File and start line of the `_func` whose nameOff is at `name_at` (so field n >= 1 is
/// at `name_at + (n-1)*4`, gosym `funcData.field`). Anything out of range gives `None`:
/// this is extra information, not a reason to reject the table.
pub(super) fn func_source(
    r: &Reader<'_>,
    h: &Header,
    name_at: usize,
    file_index: &FileIndex,
) -> RawSource {
    let field = |n: usize| r.u32(name_at + (n - 1) * 4);
    let start_line = if h.version == PclnVersion::Go120 {
        field(9).filter(|&l| l > 0 && l < i32::MAX as u32)
    } else {
        None
    };
    // The first value of a pc-value table (gosym `pcvalue` / `step`: the value starts at
    // -1, the first delta zig-zag encoded) is its value at the entry PC.
    let first_value = |table: u32| -> Option<i32> {
        if table == 0 {
            return None;
        }
        let mut at = (h.pctab_off as usize).checked_add(table as usize)?;
        let uv = read_varint(r.data, &mut at)?;
        let delta = if uv & 1 != 0 { !(uv >> 1) } else { uv >> 1 } as i32;
        Some((-1i32).wrapping_add(delta))
    };
    // pcln: the line at the entry, what Delve prints for a breakpoint on a function of a
    // binary without DWARF (`pcToLine` through gosym's `PCToLine`).
    let entry_line = field(6)
        .and_then(first_value)
        .filter(|&l| l > 0)
        .map(|l| l as u32);
    let file = (|| {
        // The first value of the pcfile table is the file at the entry PC (gosym
        // `pcvalue` / `step`: value starts at -1, first delta zig-zag encoded).
        let pcfile = field(5)?;
        if pcfile == 0 {
            return None;
        }
        let mut at = (h.pctab_off as usize).checked_add(pcfile as usize)?;
        let uv = read_varint(r.data, &mut at)?;
        let delta = if uv & 1 != 0 { !(uv >> 1) } else { uv >> 1 } as i32;
        let fno = (-1i32).wrapping_add(delta);
        match file_index {
            FileIndex::Go12 => {
                // entry fno of the Go 1.2 file table; entry 0 is the count (not in `files`)
                (fno >= 1).then(|| fno as u32 - 1)
            }
            FileIndex::ByOffset(map) => {
                let cu = field(8)?;
                let slot = (cu as usize).checked_add(usize::try_from(fno).ok()?)?;
                let off = r.u32((h.cu_off as usize).checked_add(slot.checked_mul(4)?)?)?;
                map.get(&off).copied()
            }
        }
    })();
    RawSource {
        file,
        start_line,
        entry_line,
    }
}

/// gosym `readvarint`: little-endian base-128, at most 5 bytes for a u32.
pub(super) fn read_varint(data: &[u8], at: &mut usize) -> Option<u32> {
    let mut v = 0u32;
    for shift in (0..35).step_by(7) {
        let b = *data.get(*at)?;
        *at += 1;
        v |= u32::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// How a function's file number maps to an index into `files`.
#[derive(Debug)]
pub(super) enum FileIndex {
    /// Go 1.2: the number is the file table entry.
    Go12,
    /// Go 1.16+: the number, via the CU table, is a filetab offset.
    ByOffset(std::collections::HashMap<u32, u32>),
}

/// The file table. Go 1.16+: `nfiles` NUL-terminated names back to back at
/// `filetabOffset` (cmd/link `pcln.go` `generateFilenameTabs`). Go 1.2: a count then
/// 32-bit offsets of names, entry 0 being the count itself (gosym `go12MapFiles`).
pub(super) fn decode_files(
    r: &Reader<'_>,
    h: &Header,
) -> Result<(Vec<String>, FileIndex), TableProblem> {
    let start = h.filetab_off as usize;
    let avail = r.data.len() - start; // filetab_off <= len, checked by Header::parse
    let mut files = Vec::new();
    let mut by_offset = std::collections::HashMap::new();
    match h.version {
        PclnVersion::Go12 => {
            if h.nfiles.saturating_mul(4) > avail as u64 {
                return Err(TableProblem::FileCount { nfiles: h.nfiles });
            }
            for i in 1..h.nfiles as usize {
                let off = r
                    .u32(start + 4 * i)
                    .ok_or(TableProblem::FileTableTruncated)?;
                let name = r.cstr(off as usize).ok_or(TableProblem::FileNameOffset {
                    index: i,
                    offset: off,
                })?;
                files.push(String::from_utf8_lossy(name).into_owned());
            }
            return Ok((files, FileIndex::Go12));
        }
        _ => {
            if h.nfiles > avail as u64 {
                return Err(TableProblem::FileCount { nfiles: h.nfiles });
            }
            let mut at = start;
            for i in 0..h.nfiles {
                let name = r
                    .cstr(at)
                    .ok_or(TableProblem::FileNamePastEnd { index: i })?;
                if !name.is_empty() {
                    by_offset.insert((at - start) as u32, files.len() as u32);
                    files.push(String::from_utf8_lossy(name).into_owned());
                }
                at += name.len() + 1;
            }
        }
    }
    Ok((files, FileIndex::ByOffset(by_offset)))
}
