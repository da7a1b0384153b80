//! Go's pclntab (runtime function table): function names, entry PCs and source files.
//! Present in stripped binaries too (the runtime needs it for tracebacks), which is how
//! Delve still finds `main.main` in a `-s -w` binary. Mirrors Go's `debug/gosym`
//! (`pclntab.go`: header versions, functab, funcnametab) and `runtime/symtab.go`.

use crate::binary::{Format, Image};

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
    /// Source file names of the file table (Go 1.16+), in table order.
    pub files: Vec<String>,
}

const MAGICS: [(u32, PclnVersion); 4] = [
    (0xfffffffb, PclnVersion::Go12),
    (0xfffffffa, PclnVersion::Go116),
    (0xfffffff0, PclnVersion::Go118),
    (0xfffffff1, PclnVersion::Go120),
];

impl Pclntab {
    /// Locates and decodes the table. `Ok(None)` when there is none (not Go).
    pub fn read(image: &Image) -> Result<Option<Pclntab>, String> {
        let Some((data, address, section)) = locate(image) else {
            return Ok(None);
        };
        let text = text_start_hint(image);
        let section_text = image.text_section().map(|s| s.address);
        parse(data, text, section_text, image.big_endian())
            .map(|mut t| {
                t.address = address;
                t.section = section;
                Some(t)
            })
            .map_err(|e| format!("pclntab: {e}"))
    }

    pub fn func_by_name(&self, name: &str) -> Option<&Func> {
        self.funcs.iter().find(|f| f.name == name)
    }

    /// The function containing `pc`.
    pub fn func_at(&self, pc: u64) -> Option<&Func> {
        let i = self.funcs.partition_point(|f| f.entry <= pc);
        self.funcs[..i].last().filter(|f| pc < f.end)
    }
}

/// The table's bytes, address and section name, found like cmd/internal/objfile: a
/// named section (ELF `.gopclntab`, PIE `.data.rel.ro.gopclntab`, Mach-O
/// `__gopclntab`), else the `runtime.pclntab`/`runtime.epclntab` symbols (PE), else —
/// stripped PE — a scan of data sections for a valid header, as GoReSym does.
fn locate(image: &Image) -> Option<(&[u8], u64, String)> {
    for name in [".gopclntab", ".data.rel.ro.gopclntab", "__gopclntab"] {
        if let Some(i) = image.section_index(name) {
            let s = &image.sections()[i];
            return Some((image.raw_section_bytes(i)?, s.address, s.name.clone()));
        }
    }
    if let (Some((start, _)), Some((end, _))) = (
        image.symbol("runtime.pclntab"),
        image.symbol("runtime.epclntab"),
    ) {
        if end > start {
            if let Some(bytes) = image.read_va(start, (end - start) as usize) {
                let section = section_of(image, start);
                return Some((bytes, start, section));
            }
        }
    }
    if image.format() != Format::Pe {
        return None;
    }
    for (i, s) in image.sections().iter().enumerate() {
        let Some(bytes) = image.raw_section_bytes(i) else {
            continue;
        };
        let mut off = 0;
        while off + 16 <= bytes.len() {
            if header_ok(&bytes[off..], image.big_endian()).is_some() {
                return Some((&bytes[off..], s.address + off as u64, s.name.clone()));
            }
            off += 4;
        }
    }
    None
}

fn section_of(image: &Image, addr: u64) -> String {
    image
        .sections()
        .iter()
        .find(|s| s.address <= addr && addr < s.address.saturating_add(s.size))
        .map(|s| s.name.clone())
        .unwrap_or_default()
}

/// Where function offsets start (Go 1.18+ tables store offsets from `runtime.text`).
/// gosym is handed this by its caller; Go's tools use the `runtime.text` symbol, else
/// the text section. The header's own copy is unreliable: PIE leaves it to a dynamic
/// relocation (zero in the file) and Go 1.26+ writes 0.
fn text_start_hint(image: &Image) -> Option<u64> {
    image
        .symbol("runtime.text")
        .map(|(a, _)| a)
        .filter(|&a| a != 0)
}

/// Magic, pad bytes, quantum and pointer size: the header checks of gosym.
fn header_ok(data: &[u8], big: bool) -> Option<PclnVersion> {
    if data.len() < 16 || data[4] != 0 || data[5] != 0 {
        return None;
    }
    if !matches!(data[6], 1 | 2 | 4) || !matches!(data[7], 4 | 8) {
        return None;
    }
    let m = u32_at(data, 0, big)?;
    MAGICS.iter().find(|(v, _)| *v == m).map(|&(_, v)| v)
}

fn u32_at(d: &[u8], off: usize, big: bool) -> Option<u32> {
    let b: [u8; 4] = d.get(off..off.checked_add(4)?)?.try_into().ok()?;
    Some(if big {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

fn uint_at(d: &[u8], off: usize, size: usize, big: bool) -> Option<u64> {
    if size == 4 {
        return u32_at(d, off, big).map(u64::from);
    }
    let b: [u8; 8] = d.get(off..off.checked_add(8)?)?.try_into().ok()?;
    Some(if big {
        u64::from_be_bytes(b)
    } else {
        u64::from_le_bytes(b)
    })
}

/// A NUL-terminated name at `off` of `tab`.
fn cstr(tab: &[u8], off: usize) -> Option<String> {
    let rest = tab.get(off..)?;
    let end = rest.iter().position(|&b| b == 0)?;
    Some(String::from_utf8_lossy(&rest[..end]).into_owned())
}

/// Decodes a table whose header starts at `data[0]`.
fn parse(
    data: &[u8],
    text_hint: Option<u64>,
    section_text: Option<u64>,
    big: bool,
) -> Result<Pclntab, String> {
    let version = header_ok(data, big).ok_or("no valid header (magic, quantum, pointer size)")?;
    let ptr = data[7] as usize;
    let word = |i: usize| uint_at(data, 8 + i * ptr, ptr, big).ok_or("header truncated");
    let sub = |off: u64| -> Result<&[u8], String> {
        data.get(off as usize..)
            .ok_or_else(|| format!("offset {off:#x} past the end of the table"))
    };
    // (nfunc, text start, funcnametab, filetab, pctab, functab/funcdata)
    let (nfunc, header_text, names, files, functab) = match version {
        PclnVersion::Go118 | PclnVersion::Go120 => (
            word(0)?,
            word(2)?,
            sub(word(3)?)?,
            data.get(word(5)? as usize..word(6)? as usize),
            sub(word(7)?)?,
        ),
        PclnVersion::Go116 => (
            word(0)?,
            0,
            sub(word(2)?)?,
            data.get(word(4)? as usize..word(5)? as usize),
            sub(word(6)?)?,
        ),
        PclnVersion::Go12 => (word(0)?, 0, data, None, sub(8 + ptr as u64)?),
    };
    let new_layout = matches!(version, PclnVersion::Go118 | PclnVersion::Go120);
    // functab: nfunc pairs (pc or pc offset, funcdata offset) and a final end pc.
    let field = if new_layout { 4 } else { ptr };
    if nfunc.saturating_mul(2 * field as u64) > functab.len() as u64 {
        return Err(format!(
            "{nfunc} functions do not fit in {} bytes",
            functab.len()
        ));
    }
    let nfunc = nfunc as usize;
    let text_start = if new_layout {
        text_hint
            .or(Some(header_text).filter(|&t| t != 0))
            .or(section_text)
            .unwrap_or(0)
    } else {
        0
    };
    // Go 1.2 tables keep funcdata and names relative to the table start.
    let funcdata = if version == PclnVersion::Go12 {
        data
    } else {
        functab
    };
    let pc = |i: usize| -> Result<u64, String> {
        let v = uint_at(functab, 2 * i * field, field, big).ok_or("functab truncated")?;
        Ok(if new_layout {
            v.wrapping_add(text_start)
        } else {
            v
        })
    };
    let mut funcs = Vec::with_capacity(nfunc);
    for i in 0..nfunc {
        let off =
            uint_at(functab, (2 * i + 1) * field, field, big).ok_or("functab truncated")? as usize;
        // _func: entry (uintptr before 1.18, uint32 offset after), then nameOff int32.
        let name_field = off
            .checked_add(if new_layout { 4 } else { ptr })
            .ok_or("funcdata offset overflows")?;
        let name_off = u32_at(funcdata, name_field, big)
            .ok_or_else(|| format!("function {i}: funcdata at {off:#x} out of range"))?;
        let name = cstr(names, name_off as usize)
            .ok_or_else(|| format!("function {i}: name offset {name_off:#x} out of range"))?;
        funcs.push(Func {
            name,
            entry: pc(i)?,
            end: pc(i + 1)?,
        });
    }
    let files = files
        .map(|f| {
            f.split(|&b| b == 0)
                .filter(|s| !s.is_empty())
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect()
        })
        .unwrap_or_default();
    Ok(Pclntab {
        version,
        ptr_size: ptr as u8,
        text_start,
        address: 0,
        section: String::new(),
        funcs,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal Go 1.20 table: header, funcnametab, filetab, functab with 2 funcs.
    fn table(nfunc: u64) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend(0xfffffff1u32.to_le_bytes());
        d.extend([0, 0, 1, 8]);
        let hdr = 8 + 8 * 8;
        let names = hdr;
        let name_bytes = b"main.main\0main.f\0";
        let files = names + name_bytes.len();
        let file_bytes = b"/src/main.go\0";
        let functab = files + file_bytes.len();
        for w in [
            nfunc,
            1,
            0x1000,
            names as u64,
            0,
            files as u64,
            functab as u64,
            functab as u64,
        ] {
            d.extend(w.to_le_bytes());
        }
        d.extend(name_bytes);
        d.extend(file_bytes);
        // functab: (0x0, fd0) (0x20, fd1) end 0x40; funcdata right after (relative).
        let fd0 = 5 * 4;
        for v in [0u32, fd0, 0x20, fd0 + 8, 0x40] {
            d.extend(v.to_le_bytes());
        }
        for (entry, name) in [(0u32, 0u32), (0x20, 10)] {
            d.extend(entry.to_le_bytes());
            d.extend(name.to_le_bytes());
        }
        d
    }

    #[test]
    fn decodes_a_go120_table() {
        let t = parse(&table(2), None, None, false).unwrap();
        assert_eq!(t.version, PclnVersion::Go120);
        assert_eq!(t.text_start, 0x1000);
        let f: Vec<_> = t
            .funcs
            .iter()
            .map(|f| (f.name.as_str(), f.entry, f.end))
            .collect();
        assert_eq!(
            f,
            [("main.main", 0x1000, 0x1020), ("main.f", 0x1020, 0x1040)]
        );
        assert_eq!(t.files, ["/src/main.go"]);
        assert_eq!(t.func_at(0x1021).unwrap().name, "main.f");
        assert!(t.func_at(0x1040).is_none());
        // The text start of the binary wins over the header's (PIE, Go 1.26+).
        assert_eq!(
            parse(&table(2), Some(0x5000), None, false).unwrap().funcs[0].entry,
            0x5000
        );
    }

    #[test]
    fn rejects_bad_headers_and_absurd_counts() {
        let mut d = table(2);
        d[4] = 1;
        assert!(parse(&d, None, None, false).is_err());
        assert!(parse(&table(2)[..12], None, None, false).is_err());
        assert!(parse(&table(u64::MAX), None, None, false).is_err());
        assert!(parse(&table(1 << 40), None, None, false).is_err());
        let mut d = table(2);
        d[6] = 3; // quantum
        assert!(parse(&d, None, None, false).is_err());
    }
}
