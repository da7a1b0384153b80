//! Go's pclntab (runtime function table): function names, entry PCs and source files.
//! Present in stripped binaries too, so it is how we know a binary's functions when it has
//! no symbols and no DWARF. Mirrors Go's `debug/gosym` (`pclntab.go`), the runtime's
//! `runtime/symtab.go` layout and how `cmd/internal/objfile` locates the table.

use crate::binary::Format;
use crate::binary::Image;

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
    pub fn read(image: &Image) -> Result<Option<Pclntab>, String> {
        let located = match locate(image)? {
            Some(l) => l,
            None => return Ok(None),
        };
        let header = Header::parse(located.bytes).map_err(|e| {
            format!(
                "pclntab in {} at {:#x}: {e}",
                located.section, located.address
            )
        })?;
        let (text_start, text_start_source) = text_start(image, &header, &located);
        let table = decode(located.bytes, &header, text_start).map_err(|e| {
            format!(
                "pclntab in {} at {:#x}: {e}",
                located.section, located.address
            )
        })?;
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
}

/// Per-function source, as indexes into `files`.
#[derive(Clone, Copy, Debug, Default)]
struct RawSource {
    file: Option<u32>,
    start_line: Option<u32>,
}

/// The table's bytes and where they were found.
struct Located<'a> {
    bytes: &'a [u8],
    address: u64,
    section: String,
}

/// Finds the table the way `cmd/internal/objfile` does (`elf.go`, `macho.go`, `pe.go`
/// `pcln()`): the dedicated section, else the `runtime.pclntab`/`runtime.epclntab`
/// symbols; for a PE without symbols, a scan of the data sections for a valid header
/// (as GoReSym does).
fn locate(image: &Image) -> Result<Option<Located<'_>>, String> {
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
                return Err(format!(
                    "section {name} ({size} bytes at file offset {off:#x}) runs past the end of the {} byte file",
                    image.file_len()
                ));
            }
            // A NOBITS copy (objcopy --only-keep-debug) has no bytes: not a table.
            continue;
        }
        let bytes = image.section_bytes(i)?;
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
                .ok_or_else(|| format!("pclntab symbols {start}..{end} are reversed or huge"))?;
            let holder = image
                .sections()
                .iter()
                .find(|sec| sec.address != 0 && s >= sec.address && s - sec.address < sec.size);
            if holder.is_some_and(|sec| sec.file_range.is_none()) {
                // NOBITS, as in an `objcopy --only-keep-debug` file: no table here.
                continue;
            }
            let bytes = image.read_va(s, len as usize).ok_or_else(|| {
                format!("pclntab symbols {start}..{end} ({s:#x}..{e:#x}) are outside the file")
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
fn stored_range(image: &Image, name: &str) -> Option<(u64, u64)> {
    image.section(name)?.stored_range
}

fn section_name_at(image: &Image, addr: u64) -> String {
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
fn scan(image: &Image) -> Option<Located<'_>> {
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
fn table_in(data: &[u8]) -> Option<usize> {
    let mut at = 0;
    while at + 8 <= data.len() {
        let w = &data[at..at + 8];
        let le = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        let be = u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
        if (PclnVersion::from_magic(le).is_some() || PclnVersion::from_magic(be).is_some())
            && w[4] == 0
            && w[5] == 0
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

/// The decoded fixed header (`runtime/symtab.go` `pcHeader`; gosym `parsePclnTab`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Header {
    version: PclnVersion,
    big_endian: bool,
    quantum: u8,
    ptr_size: u8,
    nfunc: u64,
    nfiles: u64,
    /// Header textStart word (Go 1.18+; 0 from Go 1.26).
    text_start: u64,
    funcname_off: u64,
    cu_off: u64,
    filetab_off: u64,
    pctab_off: u64,
    /// Start of the functab (`pclnOffset`; the whole table for Go 1.2).
    functab_off: u64,
    /// `_func` offsets in the functab are relative to this (`funcdata` in gosym).
    funcdata_off: u64,
}

impl Header {
    fn parse(data: &[u8]) -> Result<Header, String> {
        if data.len() < 8 {
            return Err(format!("header truncated ({} bytes)", data.len()));
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
                return Err(format!("bad magic {:#010x}", u32::from_le_bytes(m)));
            }
        };
        if data[4] != 0 || data[5] != 0 {
            return Err(format!("bad header padding {:#x} {:#x}", data[4], data[5]));
        }
        let quantum = data[6];
        if !matches!(quantum, 1 | 2 | 4) {
            return Err(format!("bad pc quantum {quantum}"));
        }
        let ptr_size = data[7];
        if !matches!(ptr_size, 4 | 8) {
            return Err(format!("bad pointer size {ptr_size}"));
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
            return Err(format!("header truncated ({} of {need} bytes)", data.len()));
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
                return Err(format!(
                    "{what} offset {off:#x} past the table end {len:#x}"
                ));
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
            .ok_or_else(|| {
                format!(
                    "function count {} does not fit in the {len} byte table",
                    h.nfunc
                )
            })?;
        if version == PclnVersion::Go12 {
            // The file table offset follows the functab (gosym parsePclnTab, ver12).
            let at = (h.functab_off + functab_size) as usize;
            h.filetab_off = r
                .u32(at)
                .ok_or("Go 1.2 file table offset truncated")?
                .into();
            if h.filetab_off > len {
                return Err(format!(
                    "filetab offset {:#x} past the table end",
                    h.filetab_off
                ));
            }
            h.nfiles = r
                .u32(h.filetab_off as usize)
                .ok_or("Go 1.2 file table truncated")? as u64;
        }
        Ok(h)
    }

    /// gosym `functabFieldSize`: 4 since Go 1.18, a pointer before.
    fn functab_field_size(&self) -> usize {
        if self.version.relative_entries() {
            4
        } else {
            self.ptr_size as usize
        }
    }
}

/// Bounds-checked integer reads in the table's byte order.
#[derive(Clone, Copy)]
struct Reader<'a> {
    data: &'a [u8],
    big_endian: bool,
    ptr_size: usize,
}

impl Reader<'_> {
    fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }
    fn u64(&self, at: usize) -> Option<u64> {
        let b: [u8; 8] = self.data.get(at..at.checked_add(8)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        })
    }
    fn uintptr(&self, at: usize) -> Option<u64> {
        if self.ptr_size == 4 {
            self.u32(at).map(u64::from)
        } else {
            self.u64(at)
        }
    }
    fn sized(&self, at: usize, size: usize) -> Option<u64> {
        if size == 4 {
            self.u32(at).map(u64::from)
        } else {
            self.u64(at)
        }
    }
    /// NUL-terminated string at `at` (gosym `funcName`/`stringFrom`).
    fn cstr(&self, at: usize) -> Option<&[u8]> {
        let rest = self.data.get(at..)?;
        let n = rest.iter().position(|&b| b == 0)?;
        Some(&rest[..n])
    }
}

#[derive(Debug)]
struct Decoded {
    funcs: Vec<Func>,
    files: Vec<String>,
    sources: Vec<RawSource>,
}

/// Decodes the function and file tables. Entries, ends and names are exactly gosym's
/// `go12Funcs`: entry = functab pc(i), end = pc(i+1), the last end being the functab's
/// trailing sentinel; since Go 1.18 both are offsets added to `text_start`.
fn decode(data: &[u8], h: &Header, text_start: u64) -> Result<Decoded, String> {
    let r = Reader {
        data,
        big_endian: h.big_endian,
        ptr_size: h.ptr_size as usize,
    };
    let field = h.functab_field_size();
    let base = h.functab_off as usize;
    let pc = |i: usize| -> Result<u64, String> {
        let v = r
            .sized(base + 2 * i * field, field)
            .ok_or_else(|| format!("functab entry {i} truncated"))?;
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
            return Err(format!(
                "functab not sorted: entry {i} ends at {end:#x} before its start {entry:#x}"
            ));
        }
        let func_off = r
            .sized(base + (2 * i + 1) * field, field)
            .ok_or_else(|| format!("functab entry {i} truncated"))?;
        let at = (h.funcdata_off)
            .checked_add(func_off)
            .and_then(|a| a.checked_add(name_field as u64))
            .filter(|&a| a <= data.len() as u64)
            .ok_or_else(|| format!("function {i}: _func offset {func_off:#x} out of range"))?;
        let name_off = r
            .u32(at as usize)
            .ok_or_else(|| format!("function {i}: _func truncated"))?;
        let name = (h.funcname_off as usize)
            .checked_add(name_off as usize)
            .and_then(|a| r.cstr(a))
            .ok_or_else(|| format!("function {i}: name offset {name_off:#x} out of range"))?;
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
fn func_source(r: &Reader<'_>, h: &Header, name_at: usize, file_index: &FileIndex) -> RawSource {
    let field = |n: usize| r.u32(name_at + (n - 1) * 4);
    let start_line = if h.version == PclnVersion::Go120 {
        field(9).filter(|&l| l > 0 && l < i32::MAX as u32)
    } else {
        None
    };
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
    RawSource { file, start_line }
}

/// gosym `readvarint`: little-endian base-128, at most 5 bytes for a u32.
fn read_varint(data: &[u8], at: &mut usize) -> Option<u32> {
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
enum FileIndex {
    /// Go 1.2: the number is the file table entry.
    Go12,
    /// Go 1.16+: the number, via the CU table, is a filetab offset.
    ByOffset(std::collections::HashMap<u32, u32>),
}

/// The file table. Go 1.16+: `nfiles` NUL-terminated names back to back at
/// `filetabOffset` (cmd/link `pcln.go` `generateFilenameTabs`). Go 1.2: a count then
/// 32-bit offsets of names, entry 0 being the count itself (gosym `go12MapFiles`).
fn decode_files(r: &Reader<'_>, h: &Header) -> Result<(Vec<String>, FileIndex), String> {
    let start = h.filetab_off as usize;
    let avail = r.data.len() - start; // filetab_off <= len, checked by Header::parse
    let mut files = Vec::new();
    let mut by_offset = std::collections::HashMap::new();
    match h.version {
        PclnVersion::Go12 => {
            if h.nfiles.saturating_mul(4) > avail as u64 {
                return Err(format!("file count {} does not fit in the table", h.nfiles));
            }
            for i in 1..h.nfiles as usize {
                let off = r.u32(start + 4 * i).ok_or("file table truncated")?;
                let name = r
                    .cstr(off as usize)
                    .ok_or_else(|| format!("file {i}: name offset {off:#x} out of range"))?;
                files.push(String::from_utf8_lossy(name).into_owned());
            }
            return Ok((files, FileIndex::Go12));
        }
        _ => {
            if h.nfiles > avail as u64 {
                return Err(format!("file count {} does not fit in the table", h.nfiles));
            }
            let mut at = start;
            for i in 0..h.nfiles {
                let name = r
                    .cstr(at)
                    .ok_or_else(|| format!("file {i}: name runs past the table end"))?;
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

/// The address Go 1.18+ function offsets are relative to (`moduledata.text`, the
/// `runtime.text` symbol). gosym ignores the header word and uses the caller's value,
/// which `cmd/internal/objfile` (objfile.go `PCLineTable`) takes from the `runtime.text`
/// symbol, else the `.text`/`__text` section start (PE: image base + its RVA). Without
/// symbols we prefer the header word (exact even for external linking, where C code
/// precedes runtime.text), and for Go 1.26+, which writes 0 there, the moduledata.
fn text_start(image: &Image, h: &Header, located: &Located<'_>) -> (u64, TextStartSource) {
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
fn moduledata_text(image: &Image, h: &Header, located: &Located<'_>) -> Option<u64> {
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

#[cfg(test)]
mod tests {
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
        let h = Header::parse(data)?;
        decode(data, &h, text)
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
        let e = Header::parse(&data).unwrap_err();
        assert!(e.contains("bad magic"), "{e}");
    }

    #[test]
    fn rejects_bad_pad_quantum_ptrsize() {
        for (at, v, want) in [(4, 1, "padding"), (6, 3, "quantum"), (7, 2, "pointer size")] {
            let mut data = sample();
            data[at] = v;
            let e = Header::parse(&data).unwrap_err();
            assert!(e.contains(want), "{e}");
        }
    }

    #[test]
    fn rejects_truncated_header() {
        let data = sample();
        for n in [0, 3, 7, 8, 40, 71] {
            let e = Header::parse(&data[..n]).unwrap_err();
            assert!(e.contains("truncated"), "{n}: {e}");
        }
    }

    #[test]
    fn rejects_absurd_nfunc_without_allocating() {
        for n in [u64::MAX, u64::MAX / 2, 1 << 40, 1000] {
            let mut data = sample();
            data[8..16].copy_from_slice(&n.to_le_bytes());
            let e = Header::parse(&data).unwrap_err();
            assert!(e.contains("does not fit"), "{n}: {e}");
        }
    }

    #[test]
    fn rejects_offsets_past_the_end() {
        let mut data = sample();
        data[8 + 3 * 8..8 + 4 * 8].copy_from_slice(&u64::MAX.to_le_bytes());
        let e = Header::parse(&data).unwrap_err();
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
