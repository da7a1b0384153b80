//! Go's pclntab (runtime function table): function names, entry PCs and source files.
//! Present in stripped binaries too, so it is how we know a binary's functions when it has
//! no symbols and no DWARF. Mirrors Go's `debug/gosym` (`pclntab.go`), the runtime's
//! `runtime/symtab.go` layout and how `cmd/internal/objfile` locates the table.

mod decode;
mod header;
mod locate;

use std::fmt;

use crate::binary::Image;
use decode::decode;
use header::Header;
use locate::{locate, text_start};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum PclnVersion {
    /// magic 0xfffffffb, Go 1.2–1.15
    Go12,
    /// magic 0xfffffffa, Go 1.16–1.17
    Go116,
    /// magic 0xfffffff0, Go 1.18–1.19
    Go118,
    /// magic 0xfffffff1, Go 1.20+
    Go120,
}

impl PclnVersion {
    /// The header magic (`internal/abi/symtab.go`: `Go12PCLnTabMagic`...).
    pub fn magic(self) -> u32 {
        match self {
            PclnVersion::Go12 => 0xfffffffb,
            PclnVersion::Go116 => 0xfffffffa,
            PclnVersion::Go118 => 0xfffffff0,
            PclnVersion::Go120 => 0xfffffff1,
        }
    }

    fn from_magic(magic: u32) -> Option<PclnVersion> {
        [
            PclnVersion::Go12,
            PclnVersion::Go116,
            PclnVersion::Go118,
            PclnVersion::Go120,
        ]
        .into_iter()
        .find(|v| v.magic() == magic)
    }

    /// Since Go 1.18 function entries are 32-bit offsets from the text start.
    fn relative_entries(self) -> bool {
        matches!(self, PclnVersion::Go118 | PclnVersion::Go120)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Func {
    pub name: String,
    pub entry: u64,
    pub end: u64,
}

#[derive(Clone, Debug)]
pub struct Pclntab {
    pub version: PclnVersion,
    pub ptr_size: u8,
    /// Address the function offsets are relative to.
    pub text_start: u64,
    /// Virtual address where the table was found, and its section name.
    pub address: u64,
    pub section: String,
    /// Functions sorted by entry PC.
    pub funcs: Vec<Func>,
    /// Source file names of the file table, in table order (empty names dropped).
    files: Vec<String>,
    /// Per function (same order as `funcs`): its file and start line, when decodable.
    sources: Vec<RawSource>,
    /// Where `text_start` came from.
    text_start_source: TextStartSource,
}

/// How the text start address was found; the first that applies wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum TextStartSource {
    /// The `runtime.text` symbol (what `cmd/internal/objfile` and Delve use).
    Symbol,
    /// The pclntab header's textStart word (Go 1.18–1.25; Go 1.26+ writes 0).
    Header,
    /// The `text` field of the runtime's moduledata (Go 1.26+ without symbols).
    Moduledata,
    /// The start of `.text` / `__text` (what `objfile` falls back to).
    Section,
    /// Nothing found; 0.
    Unknown,
}

impl Pclntab {
    /// Locates and decodes the table. `Ok(None)` when there is none (not Go); `Err` when a
    /// table is present but corrupt.
    pub fn read(image: &Image) -> Result<Option<Pclntab>, PclntabError> {
        let located = match locate(image)? {
            Some(l) => l,
            None => return Ok(None),
        };
        let at = |problem| PclntabError::Table {
            section: located.section.clone(),
            address: located.address,
            problem,
        };
        let header = Header::parse(located.bytes).map_err(at)?;
        let (text_start, text_start_source) = text_start(image, &header, &located);
        let table = decode(located.bytes, &header, text_start).map_err(at)?;
        Ok(Some(Pclntab {
            version: header.version,
            ptr_size: header.ptr_size,
            text_start,
            address: located.address,
            section: located.section,
            funcs: table.funcs,
            files: table.files,
            sources: table.sources,
            text_start_source,
        }))
    }

    pub fn func_by_name(&self, name: &str) -> Option<&Func> {
        self.funcs.iter().find(|f| f.name == name)
    }

    /// The function whose `[entry, end)` range holds `pc` (gosym's `Table.PCToFunc`).
    pub fn func_at(&self, pc: u64) -> Option<&Func> {
        let i = self.funcs.partition_point(|f| f.entry <= pc);
        let f = self.funcs.get(i.checked_sub(1)?)?;
        (pc < f.end).then_some(f)
    }

    /// Source file names recorded in the table's file table. They survive `-s -w`, so
    /// they say which files (and with `-trimpath`, which path form) a stripped binary
    /// was built from.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    pub fn text_start_source(&self) -> TextStartSource {
        self.text_start_source
    }

    /// File and start line of `funcs[index]`: the file holding its entry PC (gosym
    /// `go12PCToFile` at the entry) and, from Go 1.20, `_func.startLine` (the line of
    /// the `func` keyword). Also there in stripped binaries.
    pub fn source(&self, index: usize) -> Option<FuncSource<'_>> {
        let raw = self.sources.get(index)?;
        let file = self.files.get(usize::try_from(raw.file?).ok()?)?;
        Some(FuncSource {
            file,
            start_line: raw.start_line,
            entry_line: raw.entry_line,
        })
    }

    /// [`Pclntab::source`] of the first function with this name.
    pub fn source_by_name(&self, name: &str) -> Option<FuncSource<'_>> {
        self.source(self.funcs.iter().position(|f| f.name == name)?)
    }
}

/// Where a function is defined, as far as the pclntab says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FuncSource<'a> {
    pub file: &'a str,
    /// Go 1.20+ only (earlier tables do not record it).
    pub start_line: Option<u32>,
    /// The line at the entry PC (the pcln table's first value), every Go version.
    pub entry_line: Option<u32>,
}

/// Per-function source, as indexes into `files`.
#[derive(Clone, Copy, Debug, Default)]
struct RawSource {
    file: Option<u32>,
    start_line: Option<u32>,
    entry_line: Option<u32>,
}

/// The table's bytes and where they were found.
pub(super) struct Located<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) address: u64,
    pub(super) section: String,
}

/// A pclntab that is present but cannot be decoded: where it is (the section, or the
/// symbols that delimit it) and what is wrong. Renders as one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PclntabError {
    /// The section's stored bytes run past the end of the file (a truncated binary).
    SectionPastEnd {
        section: String,
        offset: u64,
        size: u64,
        file_len: u64,
    },
    /// The section's bytes cannot be read (corrupt compression, I/O).
    Section(String),
    /// `runtime.pclntab`..`runtime.epclntab` are reversed or larger than the file.
    SymbolsReversed {
        start: &'static str,
        end: &'static str,
    },
    /// The symbols delimit addresses that are not in the file.
    SymbolsOutsideFile {
        start: &'static str,
        end: &'static str,
        range: (u64, u64),
    },
    /// The table at `address` in `section` is corrupt.
    Table {
        section: String,
        address: u64,
        problem: TableProblem,
    },
}

/// What is wrong inside a table (offsets are from the table's start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableProblem {
    HeaderTruncated {
        len: usize,
        need: Option<usize>,
    },
    BadMagic(u32),
    BadPadding(u8, u8),
    BadQuantum(u8),
    BadPointerSize(u8),
    OffsetPastEnd {
        what: &'static str,
        offset: u64,
        len: u64,
    },
    FunctionCount {
        nfunc: u64,
        len: u64,
    },
    Go12FiletabOffsetTruncated,
    FiletabPastEnd {
        offset: u64,
    },
    Go12FiletabTruncated,
    FunctabEntryTruncated {
        index: usize,
    },
    FunctabNotSorted {
        index: usize,
        end: u64,
        entry: u64,
    },
    FuncOffset {
        index: usize,
        offset: u64,
    },
    FuncTruncated {
        index: usize,
    },
    FuncNameOffset {
        index: usize,
        offset: u32,
    },
    FileCount {
        nfiles: u64,
    },
    FileTableTruncated,
    FileNameOffset {
        index: usize,
        offset: u32,
    },
    FileNamePastEnd {
        index: u64,
    },
}

impl fmt::Display for PclntabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PclntabError::SectionPastEnd {
                section,
                offset,
                size,
                file_len,
            } => write!(
                f,
                "section {section} ({size} bytes at file offset {offset:#x}) runs past the end of the {file_len} byte file"
            ),
            PclntabError::Section(e) => f.write_str(e),
            PclntabError::SymbolsReversed { start, end } => {
                write!(f, "pclntab symbols {start}..{end} are reversed or huge")
            }
            PclntabError::SymbolsOutsideFile {
                start,
                end,
                range: (s, e),
            } => write!(
                f,
                "pclntab symbols {start}..{end} ({s:#x}..{e:#x}) are outside the file"
            ),
            PclntabError::Table {
                section,
                address,
                problem,
            } => write!(f, "pclntab in {section} at {address:#x}: {problem}"),
        }
    }
}

impl fmt::Display for TableProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use TableProblem::*;
        match self {
            HeaderTruncated { len, need: None } => write!(f, "header truncated ({len} bytes)"),
            HeaderTruncated {
                len,
                need: Some(need),
            } => write!(f, "header truncated ({len} of {need} bytes)"),
            BadMagic(m) => write!(f, "bad magic {m:#010x}"),
            BadPadding(a, b) => write!(f, "bad header padding {a:#x} {b:#x}"),
            BadQuantum(q) => write!(f, "bad pc quantum {q}"),
            BadPointerSize(p) => write!(f, "bad pointer size {p}"),
            OffsetPastEnd { what, offset, len } => {
                write!(f, "{what} offset {offset:#x} past the table end {len:#x}")
            }
            FunctionCount { nfunc, len } => {
                write!(
                    f,
                    "function count {nfunc} does not fit in the {len} byte table"
                )
            }
            Go12FiletabOffsetTruncated => f.write_str("Go 1.2 file table offset truncated"),
            FiletabPastEnd { offset } => write!(f, "filetab offset {offset:#x} past the table end"),
            Go12FiletabTruncated => f.write_str("Go 1.2 file table truncated"),
            FunctabEntryTruncated { index } => write!(f, "functab entry {index} truncated"),
            FunctabNotSorted { index, end, entry } => write!(
                f,
                "functab not sorted: entry {index} ends at {end:#x} before its start {entry:#x}"
            ),
            FuncOffset { index, offset } => {
                write!(f, "function {index}: _func offset {offset:#x} out of range")
            }
            FuncTruncated { index } => write!(f, "function {index}: _func truncated"),
            FuncNameOffset { index, offset } => {
                write!(f, "function {index}: name offset {offset:#x} out of range")
            }
            FileCount { nfiles } => write!(f, "file count {nfiles} does not fit in the table"),
            FileTableTruncated => f.write_str("file table truncated"),
            FileNameOffset { index, offset } => {
                write!(f, "file {index}: name offset {offset:#x} out of range")
            }
            FileNamePastEnd { index } => write!(f, "file {index}: name runs past the table end"),
        }
    }
}

impl std::error::Error for PclntabError {}

#[cfg(test)]
mod tests {
    use super::decode::*;
    use super::header::*;
    use super::*;

    /// A little-endian Go 1.20 table with 64-bit pointers: header, names, files, functab
    /// and `_func` records laid out as cmd/link does (offsets from the header).
    fn synth(funcs: &[(&str, u32)], end: u32, files: &[&str]) -> Vec<u8> {
        let hdr = 8 + 8 * 8;
        let mut names = Vec::new();
        let mut name_offs = Vec::new();
        for (n, _) in funcs {
            name_offs.push(names.len() as u32);
            names.extend_from_slice(n.as_bytes());
            names.push(0);
        }
        let mut filetab = Vec::new();
        for f in files {
            filetab.extend_from_slice(f.as_bytes());
            filetab.push(0);
        }
        let funcname_off = hdr;
        let filetab_off = funcname_off + names.len();
        let pcln_off = filetab_off + filetab.len();
        let nf = funcs.len();
        let functab_len = (2 * nf + 1) * 4;
        let mut functab = Vec::new();
        let mut records = Vec::new();
        for (i, (_, entry)) in funcs.iter().enumerate() {
            functab.extend_from_slice(&entry.to_le_bytes());
            let rec_off = (functab_len + records.len()) as u32;
            functab.extend_from_slice(&rec_off.to_le_bytes());
            records.extend_from_slice(&entry.to_le_bytes());
            records.extend_from_slice(&name_offs[i].to_le_bytes());
            records.extend_from_slice(&[0; 8]);
        }
        functab.extend_from_slice(&end.to_le_bytes());
        let mut out = Vec::new();
        out.extend_from_slice(&0xfffffff1u32.to_le_bytes());
        out.extend_from_slice(&[0, 0, 1, 8]);
        for w in [
            nf as u64,
            files.len() as u64,
            0x1000,
            funcname_off as u64,
            filetab_off as u64, // cu
            filetab_off as u64,
            pcln_off as u64, // pctab
            pcln_off as u64,
        ] {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(&names);
        out.extend_from_slice(&filetab);
        out.extend_from_slice(&functab);
        out.extend_from_slice(&records);
        out
    }

    fn sample() -> Vec<u8> {
        synth(
            &[("runtime.text", 0), ("main.main", 0x40), ("main.f", 0x80)],
            0xa0,
            &["/src/main.go", "<autogenerated>"],
        )
    }

    fn parse_all(data: &[u8], text: u64) -> Result<Decoded, String> {
        let h = Header::parse(data).map_err(|e| e.to_string())?;
        decode(data, &h, text).map_err(|e| e.to_string())
    }

    #[test]
    fn decodes_synthetic_go120_table() {
        let data = sample();
        let h = Header::parse(&data).unwrap();
        assert_eq!(h.version, PclnVersion::Go120);
        assert_eq!(h.nfunc, 3);
        assert_eq!(h.text_start, 0x1000);
        let t = decode(&data, &h, 0x1000).unwrap();
        let got: Vec<_> = t
            .funcs
            .iter()
            .map(|f| (f.name.as_str(), f.entry, f.end))
            .collect();
        assert_eq!(
            got,
            [
                ("runtime.text", 0x1000, 0x1040),
                ("main.main", 0x1040, 0x1080),
                ("main.f", 0x1080, 0x10a0)
            ]
        );
        assert_eq!(t.files, ["/src/main.go", "<autogenerated>"]);
    }

    #[test]
    fn func_at_uses_half_open_ranges() {
        let data = sample();
        let t = parse_all(&data, 0x1000).unwrap();
        let p = Pclntab {
            version: PclnVersion::Go120,
            ptr_size: 8,
            text_start: 0x1000,
            address: 0,
            section: String::new(),
            funcs: t.funcs,
            files: t.files,
            sources: t.sources,
            text_start_source: TextStartSource::Header,
        };
        assert_eq!(p.func_at(0x1040).unwrap().name, "main.main");
        assert_eq!(p.func_at(0x107f).unwrap().name, "main.main");
        assert_eq!(p.func_at(0x10a0), None);
        assert_eq!(p.func_at(0xfff), None);
        assert_eq!(p.func_by_name("main.f").unwrap().entry, 0x1080);
    }

    #[test]
    fn big_endian_magic_sets_byte_order() {
        let mut data = vec![0xff, 0xff, 0xff, 0xf1, 0, 0, 4, 8];
        data.extend_from_slice(&[0; 64]);
        let h = Header::parse(&data).unwrap();
        assert!(h.big_endian);
        assert_eq!(h.version, PclnVersion::Go120);
        assert_eq!(h.quantum, 4);
    }

    #[test]
    fn rejects_bad_magic() {
        let mut data = sample();
        data[0] = 0xfe;
        let e = Header::parse(&data).unwrap_err().to_string();
        assert!(e.contains("bad magic"), "{e}");
    }

    #[test]
    fn rejects_bad_pad_quantum_ptrsize() {
        for (at, v, want) in [(4, 1, "padding"), (6, 3, "quantum"), (7, 2, "pointer size")] {
            let mut data = sample();
            data[at] = v;
            let e = Header::parse(&data).unwrap_err().to_string();
            assert!(e.contains(want), "{e}");
        }
    }

    #[test]
    fn rejects_truncated_header() {
        let data = sample();
        for n in [0, 3, 7, 8, 40, 71] {
            let e = Header::parse(&data[..n]).unwrap_err().to_string();
            assert!(e.contains("truncated"), "{n}: {e}");
        }
    }

    #[test]
    fn rejects_absurd_nfunc_without_allocating() {
        for n in [u64::MAX, u64::MAX / 2, 1 << 40, 1000] {
            let mut data = sample();
            data[8..16].copy_from_slice(&n.to_le_bytes());
            let e = Header::parse(&data).unwrap_err().to_string();
            assert!(e.contains("does not fit"), "{n}: {e}");
        }
    }

    #[test]
    fn rejects_offsets_past_the_end() {
        let mut data = sample();
        data[8 + 3 * 8..8 + 4 * 8].copy_from_slice(&u64::MAX.to_le_bytes());
        let e = Header::parse(&data).unwrap_err().to_string();
        assert!(e.contains("funcname offset"), "{e}");
    }

    #[test]
    fn rejects_bad_name_and_func_offsets() {
        // name offset of function 0 points past the end
        let mut data = sample();
        let h = Header::parse(&data).unwrap();
        let rec0 = h.funcdata_off as usize
            + u32::from_le_bytes(
                data[h.functab_off as usize + 4..h.functab_off as usize + 8]
                    .try_into()
                    .unwrap(),
            ) as usize;
        data[rec0 + 4..rec0 + 8].copy_from_slice(&u32::MAX.to_le_bytes());
        let e = parse_all(&data, 0).unwrap_err();
        assert!(e.contains("name offset"), "{e}");
        // _func offset of function 1 points past the end
        let mut data = sample();
        let at = h.functab_off as usize + 12;
        data[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let e = parse_all(&data, 0).unwrap_err();
        assert!(e.contains("_func offset"), "{e}");
    }

    #[test]
    fn rejects_unsorted_functab() {
        let data = synth(&[("a", 0x40), ("b", 0x20)], 0x60, &[]);
        let e = parse_all(&data, 0).unwrap_err();
        assert!(e.contains("not sorted"), "{e}");
    }

    #[test]
    fn rejects_absurd_file_count() {
        let mut data = sample();
        data[16..24].copy_from_slice(&(1u64 << 50).to_le_bytes());
        let e = parse_all(&data, 0).unwrap_err();
        assert!(e.contains("file count"), "{e}");
    }

    #[test]
    fn decodes_go116_layout_with_source() {
        // Go 1.16, 64-bit: 7 header words; pointer-sized absolute functab entries;
        // _func = entry (pointer), nameOff, args, deferreturn, pcsp, pcfile, pcln,
        // npcdata, cuOffset.
        let mut d = Vec::new();
        d.extend_from_slice(&0xfffffffau32.to_le_bytes());
        d.extend_from_slice(&[0, 0, 1, 8]);
        for w in [1u64, 1, 64, 74, 78, 88, 96] {
            d.extend_from_slice(&w.to_le_bytes());
        }
        d.extend_from_slice(b"main.main\0"); // funcnametab at 64
        d.extend_from_slice(&0u32.to_le_bytes()); // cutab at 74: file 0 -> filetab+0
        d.extend_from_slice(b"m.go\0\0\0\0\0\0"); // filetab at 78, pad to 88
        d.extend_from_slice(&[0, 0x02, 0x10, 0, 0, 0, 0, 0]); // pctab at 88; pcfile at +1: file 0
        for w in [0x401000u64, 24, 0x401040] {
            d.extend_from_slice(&w.to_le_bytes()); // functab at 96
        }
        d.extend_from_slice(&0x401000u64.to_le_bytes()); // _func at 96+24
        for w in [0u32, 0, 0, 0, 1, 0, 0, 0] {
            d.extend_from_slice(&w.to_le_bytes());
        }
        let h = Header::parse(&d).unwrap();
        assert_eq!(h.version, PclnVersion::Go116);
        let t = decode(&d, &h, 0x999).unwrap(); // absolute entries: text start unused
        assert_eq!(
            t.funcs,
            [Func {
                name: "main.main".into(),
                entry: 0x401000,
                end: 0x401040
            }]
        );
        assert_eq!(t.files, ["m.go"]);
        assert_eq!(t.sources[0].file, Some(0));
        assert_eq!(t.sources[0].start_line, None);
    }

    #[test]
    fn decodes_go12_layout() {
        // Go 1.2, 32-bit: magic, pad, quantum, ptr 4, nfunc, functab of pointer-sized
        // (entry, funcoff) pairs, end pc, file table offset; _func = entry, nameoff.
        let mut d = Vec::new();
        d.extend_from_slice(&0xfffffffbu32.to_le_bytes());
        d.extend_from_slice(&[0, 0, 1, 4]);
        d.extend_from_slice(&1u32.to_le_bytes()); // nfunc
                                                  // functab at 12: entry 0x8000, funcoff 32; end 0x8010; filetab off at 24
        for w in [0x8000u32, 32, 0x8010, 40] {
            d.extend_from_slice(&w.to_le_bytes());
        }
        d.extend_from_slice(&[0; 4]); // pad to 32
        for w in [0x8000u32, 52] {
            d.extend_from_slice(&w.to_le_bytes()); // _func at 32: entry, nameoff
        }
        // filetab at 40: count 2 (entry 0 is the count), offset of "a.go"
        for w in [2u32, 57, 0] {
            d.extend_from_slice(&w.to_le_bytes());
        }
        d.extend_from_slice(b"main\0a.go\0");
        let t = parse_all(&d, 0).unwrap();
        assert_eq!(
            t.funcs,
            [Func {
                name: "main".into(),
                entry: 0x8000,
                end: 0x8010
            }]
        );
        assert_eq!(t.files, ["a.go"]);
    }
}
