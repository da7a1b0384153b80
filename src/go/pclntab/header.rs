//! The table's fixed header (`runtime/symtab.go` `pcHeader`; gosym `parsePclnTab`) and a
//! bounds-checked reader in its byte order and pointer size.

use super::{PclnVersion, TableProblem};
use crate::binary::bytes;

/// The decoded fixed header (`runtime/symtab.go` `pcHeader`; gosym `parsePclnTab`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Header {
    pub(super) version: PclnVersion,
    pub(super) big_endian: bool,
    pub(super) quantum: u8,
    pub(super) ptr_size: u8,
    pub(super) nfunc: u64,
    pub(super) nfiles: u64,
    /// Header textStart word (Go 1.18+; 0 from Go 1.26).
    pub(super) text_start: u64,
    pub(super) funcname_off: u64,
    pub(super) cu_off: u64,
    pub(super) filetab_off: u64,
    pub(super) pctab_off: u64,
    /// Start of the functab (`pclnOffset`; the whole table for Go 1.2).
    pub(super) functab_off: u64,
    /// `_func` offsets in the functab are relative to this (`funcdata` in gosym).
    pub(super) funcdata_off: u64,
}

impl Header {
    /// Decodes and checks the header: the fixed fields, then the per-version words,
    /// then that every offset and the function table fit in `data`.
    pub(super) fn parse(data: &[u8]) -> Result<Header, TableProblem> {
        let (version, big_endian, quantum, ptr_size) = fixed_fields(data)?;
        let r = Reader {
            data,
            big_endian,
            ptr_size: ptr_size as usize,
        };
        let words = match version {
            PclnVersion::Go12 => 1,
            PclnVersion::Go116 => 7,
            PclnVersion::Go118 | PclnVersion::Go120 => 8,
        };
        let need = 8 + words * ptr_size as usize;
        if data.len() < need {
            return Err(TableProblem::HeaderTruncated {
                len: data.len(),
                need: Some(need),
            });
        }
        let mut h = Header::from_words(&r, version, quantum);
        h.check_offsets(&r)?;
        Ok(h)
    }

    /// The header words after the fixed fields, as each version lays them out.
    fn from_words(r: &Reader<'_>, version: PclnVersion, quantum: u8) -> Header {
        let ptr_size = r.ptr_size;
        let word = |i: usize| r.uintptr(8 + i * ptr_size).unwrap_or(0);
        let mut h = Header {
            version,
            big_endian: r.big_endian,
            quantum,
            ptr_size: ptr_size as u8,
            nfunc: word(0),
            nfiles: 0,
            text_start: 0,
            funcname_off: 0,
            cu_off: 0,
            filetab_off: 0,
            pctab_off: 0,
            functab_off: 0,
            funcdata_off: 0,
        };
        match version {
            PclnVersion::Go118 | PclnVersion::Go120 => {
                h.nfiles = word(1);
                h.text_start = word(2);
                h.funcname_off = word(3);
                h.cu_off = word(4);
                h.filetab_off = word(5);
                h.pctab_off = word(6);
                h.functab_off = word(7);
                h.funcdata_off = word(7);
            }
            PclnVersion::Go116 => {
                h.nfiles = word(1);
                h.funcname_off = word(2);
                h.cu_off = word(3);
                h.filetab_off = word(4);
                h.pctab_off = word(5);
                h.functab_off = word(6);
                h.funcdata_off = word(6);
            }
            PclnVersion::Go12 => {
                // One table: offsets (names, _func, file table) are from its start.
                h.functab_off = 8 + ptr_size as u64;
            }
        }
        h
    }

    /// Every offset inside the table, and the function table too; for Go 1.2, reads the
    /// file table's offset and count that follow the function table.
    fn check_offsets(&mut self, r: &Reader<'_>) -> Result<(), TableProblem> {
        let len = r.data.len() as u64;
        for (what, off) in [
            ("funcname", self.funcname_off),
            ("cu", self.cu_off),
            ("filetab", self.filetab_off),
            ("pctab", self.pctab_off),
            ("functab", self.functab_off),
        ] {
            if off > len {
                return Err(TableProblem::OffsetPastEnd {
                    what,
                    offset: off,
                    len,
                });
            }
        }
        // (2*nfunc+1) entries of 4 bytes (Go 1.18+) or a pointer each: nfunc must fit.
        let field = self.functab_field_size();
        let functab_size = self
            .nfunc
            .checked_mul(2)
            .and_then(|n| n.checked_add(1))
            .and_then(|n| n.checked_mul(field as u64))
            .filter(|&s| s <= len - self.functab_off)
            .ok_or(TableProblem::FunctionCount {
                nfunc: self.nfunc,
                len,
            })?;
        if self.version == PclnVersion::Go12 {
            // The file table offset follows the functab (gosym parsePclnTab, ver12).
            let at = (self.functab_off + functab_size) as usize;
            self.filetab_off = r
                .u32(at)
                .ok_or(TableProblem::Go12FiletabOffsetTruncated)?
                .into();
            if self.filetab_off > len {
                return Err(TableProblem::FiletabPastEnd {
                    offset: self.filetab_off,
                });
            }
            self.nfiles = r
                .u32(self.filetab_off as usize)
                .ok_or(TableProblem::Go12FiletabTruncated)? as u64;
        }
        Ok(())
    }

    /// gosym `functabFieldSize`: 4 since Go 1.18, a pointer before.
    pub(super) fn functab_field_size(&self) -> usize {
        if self.version.relative_entries() {
            4
        } else {
            self.ptr_size as usize
        }
    }
}

/// Bounds-checked integer reads in the table's byte order.
#[derive(Clone, Copy)]
pub(super) struct Reader<'a> {
    pub(super) data: &'a [u8],
    pub(super) big_endian: bool,
    pub(super) ptr_size: usize,
}

impl Reader<'_> {
    pub(super) fn u32(&self, at: usize) -> Option<u32> {
        bytes::u32_at(self.data, at, self.big_endian)
    }
    pub(super) fn u64(&self, at: usize) -> Option<u64> {
        bytes::u64_at(self.data, at, self.big_endian)
    }
    pub(super) fn uintptr(&self, at: usize) -> Option<u64> {
        if self.ptr_size == 4 {
            self.u32(at).map(u64::from)
        } else {
            self.u64(at)
        }
    }
    pub(super) fn sized(&self, at: usize, size: usize) -> Option<u64> {
        if size == 4 {
            self.u32(at).map(u64::from)
        } else {
            self.u64(at)
        }
    }
    /// NUL-terminated string at `at` (gosym `funcName`/`stringFrom`).
    pub(super) fn cstr(&self, at: usize) -> Option<&[u8]> {
        let rest = self.data.get(at..)?;
        let n = rest.iter().position(|&b| b == 0)?;
        Some(&rest[..n])
    }
}

/// The first 8 bytes: magic (which also tells the byte order: the magics read
/// differently in the other order, gosym parsePclnTab), two zero bytes, the PC quantum
/// and the pointer size.
fn fixed_fields(data: &[u8]) -> Result<(PclnVersion, bool, u8, u8), TableProblem> {
    let Some(&[m0, m1, m2, m3, pad0, pad1, quantum, ptr_size]) = data.get(..8) else {
        return Err(TableProblem::HeaderTruncated {
            len: data.len(),
            need: None,
        });
    };
    let m = [m0, m1, m2, m3];
    let (version, big_endian) = match (
        PclnVersion::from_magic(u32::from_le_bytes(m)),
        PclnVersion::from_magic(u32::from_be_bytes(m)),
    ) {
        (Some(v), _) => (v, false),
        (None, Some(v)) => (v, true),
        (None, None) => return Err(TableProblem::BadMagic(u32::from_le_bytes(m))),
    };
    if pad0 != 0 || pad1 != 0 {
        return Err(TableProblem::BadPadding(pad0, pad1));
    }
    if !matches!(quantum, 1 | 2 | 4) {
        return Err(TableProblem::BadQuantum(quantum));
    }
    if !matches!(ptr_size, 4 | 8) {
        return Err(TableProblem::BadPointerSize(ptr_size));
    }
    Ok((version, big_endian, quantum, ptr_size))
}
