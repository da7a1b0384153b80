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
    pub(super) fn parse(data: &[u8]) -> Result<Header, TableProblem> {
        if data.len() < 8 {
            return Err(TableProblem::HeaderTruncated {
                len: data.len(),
                need: None,
            });
        }
        let m = [data[0], data[1], data[2], data[3]];
        // The magics read differently in the other byte order, so the magic also tells
        // the byte order (gosym parsePclnTab).
        let (version, big_endian) = match (
            PclnVersion::from_magic(u32::from_le_bytes(m)),
            PclnVersion::from_magic(u32::from_be_bytes(m)),
        ) {
            (Some(v), _) => (v, false),
            (None, Some(v)) => (v, true),
            (None, None) => {
                return Err(TableProblem::BadMagic(u32::from_le_bytes(m)));
            }
        };
        if data[4] != 0 || data[5] != 0 {
            return Err(TableProblem::BadPadding(data[4], data[5]));
        }
        let quantum = data[6];
        if !matches!(quantum, 1 | 2 | 4) {
            return Err(TableProblem::BadQuantum(quantum));
        }
        let ptr_size = data[7];
        if !matches!(ptr_size, 4 | 8) {
            return Err(TableProblem::BadPointerSize(ptr_size));
        }
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
        let word = |i: usize| r.uintptr(8 + i * ptr_size as usize).unwrap_or(0);
        let mut h = Header {
            version,
            big_endian,
            quantum,
            ptr_size,
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
        let len = data.len() as u64;
        for (what, off) in [
            ("funcname", h.funcname_off),
            ("cu", h.cu_off),
            ("filetab", h.filetab_off),
            ("pctab", h.pctab_off),
            ("functab", h.functab_off),
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
        let field = h.functab_field_size();
        let functab_size = h
            .nfunc
            .checked_mul(2)
            .and_then(|n| n.checked_add(1))
            .and_then(|n| n.checked_mul(field as u64))
            .filter(|&s| s <= len - h.functab_off)
            .ok_or(TableProblem::FunctionCount {
                nfunc: h.nfunc,
                len,
            })?;
        if version == PclnVersion::Go12 {
            // The file table offset follows the functab (gosym parsePclnTab, ver12).
            let at = (h.functab_off + functab_size) as usize;
            h.filetab_off = r
                .u32(at)
                .ok_or(TableProblem::Go12FiletabOffsetTruncated)?
                .into();
            if h.filetab_off > len {
                return Err(TableProblem::FiletabPastEnd {
                    offset: h.filetab_off,
                });
            }
            h.nfiles = r
                .u32(h.filetab_off as usize)
                .ok_or(TableProblem::Go12FiletabTruncated)? as u64;
        }
        Ok(h)
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
