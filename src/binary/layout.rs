//! Is every part the headers declare inside the file? Reads the ELF, PE and Mach-O
//! header tables itself (before `object` parses them) and names the first part that runs
//! past the end: "section .debug_info ends at byte N, file is M bytes", rather than the
//! parser's "Invalid ELF symbol table data", or worse, a truncated file taken for a
//! stripped one because its section names were cut off.
//!
//! Only extents are checked here (offset + size against the file length); what the parts
//! contain is the other readers' business.

/// One part of the file that the headers say runs past its end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastEnd {
    /// What it is: `section .debug_info`, `section [14] (name unreadable: ...)`,
    /// `the symbol table (.symtab)`, `program header [2] (PT_LOAD)`.
    pub part: String,
    /// Where it starts and the byte it ends at (exclusive), as declared.
    pub start: u64,
    pub end: u64,
}

/// What the header walk found: the first part past the end and how many more there are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Truncation {
    pub first: PastEnd,
    /// Names of the other parts past the end, in file order.
    pub more: Vec<String>,
    pub file_len: u64,
    /// Why parts are named by number rather than by name, when they are.
    pub note: Option<String>,
}

impl std::fmt::Display for Truncation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "truncated or corrupt: {} ends at byte {}, file is {} bytes",
            self.first.part, self.first.end, self.file_len
        )?;
        let n = self.more.len();
        if n > 0 {
            let shown: Vec<&str> = self.more.iter().take(4).map(String::as_str).collect();
            let rest = if n > 4 {
                format!(" … and {} more", n - 4)
            } else {
                String::new()
            };
            write!(f, "; also past the end: {}{rest}", shown.join(", "))?;
        }
        match &self.note {
            Some(note) => write!(f, " ({note})"),
            None => Ok(()),
        }
    }
}

/// Checks the extents of an ELF, PE or Mach-O file of `file_len` bytes.
pub fn check<'d, R: object::ReadRef<'d>>(
    data: R,
    format: super::Format,
    file_len: u64,
) -> Result<(), Truncation> {
    let mut parts = Parts {
        file_len,
        past: Vec::new(),
        note: None,
    };
    let r = Reader { data, file_len };
    // Each walk stops early (None) at a header table past the end, which it recorded,
    // or at bytes it cannot read; either way what was recorded is the answer.
    let _: Option<()> = match format {
        super::Format::Elf => elf(&r, &mut parts),
        super::Format::Pe => pe(&r, &mut parts),
        super::Format::MachO => macho(&r, &mut parts),
    };
    parts.finish()
}

/// The parts found past the end so far. Sections come before everything else when
/// choosing the one to name: they are what a reader asks for by name; a load segment
/// starting at byte 0 covers the headers and would always come first otherwise.
struct Parts {
    file_len: u64,
    past: Vec<(u8, PastEnd)>,
    note: Option<String>,
}

impl Parts {
    /// Records `part` (of rank 0 = header table, 1 = section, 2 = other table, 3 =
    /// segment) when it runs past the end; true when it does.
    fn add(&mut self, rank: u8, part: impl FnOnce() -> String, start: u64, size: u64) -> bool {
        let end = start.saturating_add(size);
        if size == 0 || end <= self.file_len {
            return false;
        }
        self.past.push((
            rank,
            PastEnd {
                part: part(),
                start,
                end,
            },
        ));
        true
    }

    fn finish(mut self) -> Result<(), Truncation> {
        if self.past.is_empty() {
            return Ok(());
        }
        self.past.sort_by_key(|(rank, p)| (*rank, p.start, p.end));
        let mut it = self.past.into_iter().map(|(_, p)| p);
        let first = it.next().expect("not empty");
        Err(Truncation {
            first,
            more: it.map(|p| p.part).collect(),
            file_len: self.file_len,
            note: self.note,
        })
    }
}

struct Reader<R> {
    data: R,
    file_len: u64,
}

impl<'d, R: object::ReadRef<'d>> Reader<R> {
    fn bytes(&self, off: u64, len: u64) -> Option<&'d [u8]> {
        if off.checked_add(len)? > self.file_len {
            return None;
        }
        self.data.read_bytes_at(off, len).ok()
    }
}

/// Little- or big-endian integer reads from a slice (None past its end).
#[derive(Clone, Copy)]
struct Endian {
    big: bool,
}

impl Endian {
    fn u16(self, b: &[u8], at: usize) -> Option<u64> {
        let s: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
        Some(if self.big {
            u16::from_be_bytes(s)
        } else {
            u16::from_le_bytes(s)
        } as u64)
    }
    fn u32(self, b: &[u8], at: usize) -> Option<u64> {
        let s: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if self.big {
            u32::from_be_bytes(s)
        } else {
            u32::from_le_bytes(s)
        } as u64)
    }
    fn u64(self, b: &[u8], at: usize) -> Option<u64> {
        let s: [u8; 8] = b.get(at..at + 8)?.try_into().ok()?;
        Some(if self.big {
            u64::from_be_bytes(s)
        } else {
            u64::from_le_bytes(s)
        })
    }
}

/// A NUL-terminated name from a table, lossily decoded and kept short.
fn cstr(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    let s = String::from_utf8_lossy(&b[..end.min(64)]);
    s.into_owned()
}

/// ELF: the program and section header tables, every section's stored bytes (not
/// SHT_NOBITS), the section name table, and every PT_LOAD's file bytes.
fn elf<'d, R: object::ReadRef<'d>>(r: &Reader<R>, parts: &mut Parts) -> Option<()> {
    let ident = r.bytes(0, 16)?;
    let wide = ident[4] == 2;
    let e = Endian { big: ident[5] == 2 };
    let ehsize: u64 = if wide { 64 } else { 52 };
    if parts.add(0, || "the ELF header".into(), 0, ehsize) {
        return None;
    }
    let h = r.bytes(0, ehsize)?;
    let (phoff, shoff, rest) = if wide {
        (e.u64(h, 32)?, e.u64(h, 40)?, 48)
    } else {
        (e.u32(h, 28)?, e.u32(h, 32)?, 36)
    };
    let phentsize = e.u16(h, rest + 6)?;
    let mut phnum = e.u16(h, rest + 8)?;
    let shentsize = e.u16(h, rest + 10)?;
    let mut shnum = e.u16(h, rest + 12)?;
    let mut shstrndx = e.u16(h, rest + 14)?;
    // Extended numbering (ELF gABI): the real counts are in section header 0.
    if shoff != 0 && shentsize >= if wide { 64 } else { 40 } {
        if let Some(s0) = r.bytes(shoff, shentsize) {
            let (size, link, info) = if wide {
                (e.u64(s0, 32)?, e.u32(s0, 40)?, e.u32(s0, 44)?)
            } else {
                (e.u32(s0, 20)?, e.u32(s0, 24)?, e.u32(s0, 28)?)
            };
            if shnum == 0 {
                shnum = size;
            }
            if shstrndx == 0xffff {
                shstrndx = link;
            }
            if phnum == 0xffff {
                phnum = info;
            }
        }
    }
    let mut header_cut = false;
    if phoff != 0 && phnum > 0 {
        header_cut |= parts.add(
            0,
            || format!("the program header table ({phnum} × {phentsize} bytes at offset {phoff})"),
            phoff,
            phnum.saturating_mul(phentsize),
        );
    }
    if shoff != 0 && shnum > 0 {
        header_cut |= parts.add(
            0,
            || format!("the section header table ({shnum} × {shentsize} bytes at offset {shoff})"),
            shoff,
            shnum.saturating_mul(shentsize),
        );
    }
    if header_cut {
        return None;
    }
    // Program headers: PT_LOAD file bytes.
    if phoff != 0 && phentsize >= if wide { 56 } else { 32 } {
        for i in 0..phnum {
            let Some(p) = r.bytes(phoff + i * phentsize, phentsize) else {
                break;
            };
            let p_type = e.u32(p, 0)?;
            if p_type != 1 {
                continue;
            }
            let (off, filesz) = if wide {
                (e.u64(p, 8)?, e.u64(p, 32)?)
            } else {
                (e.u32(p, 4)?, e.u32(p, 16)?)
            };
            parts.add(3, || format!("program header [{i}] (PT_LOAD)"), off, filesz);
        }
    }
    if shoff == 0 || shentsize < if wide { 64 } else { 40 } {
        return Some(());
    }
    struct Sh {
        name: u64,
        ty: u64,
        off: u64,
        size: u64,
    }
    let sh = |i: u64| -> Option<Sh> {
        let s = r.bytes(shoff + i * shentsize, shentsize)?;
        Some(if wide {
            Sh {
                name: e.u32(s, 0)?,
                ty: e.u32(s, 4)?,
                off: e.u64(s, 24)?,
                size: e.u64(s, 32)?,
            }
        } else {
            Sh {
                name: e.u32(s, 0)?,
                ty: e.u32(s, 4)?,
                off: e.u32(s, 16)?,
                size: e.u32(s, 20)?,
            }
        })
    };
    // The section names: readable only when the name table itself is inside the file.
    let names: Result<&[u8], String> = match sh(shstrndx) {
        Some(s) if shstrndx != 0 && shstrndx < shnum => {
            match r.bytes(s.off, s.size) {
                Some(b) => Ok(b),
                None => Err(format!(
                    "section names unreadable: the section name table, section [{shstrndx}], ends at byte {}",
                    s.off.saturating_add(s.size)
                )),
            }
        }
        _ => Err("section names unreadable: no section name table".into()),
    };
    let name_of = |i: u64, s: &Sh| -> String {
        match &names {
            Ok(table) => match table.get(s.name as usize..) {
                Some(rest) if !rest.is_empty() => format!("section {}", cstr(rest)),
                _ => format!("section [{i}]"),
            },
            Err(_) => format!("section [{i}]"),
        }
    };
    for i in 1..shnum {
        let Some(s) = sh(i) else { break };
        // SHT_NULL and SHT_NOBITS store nothing.
        if s.ty == 0 || s.ty == 8 {
            continue;
        }
        let rank = if i == shstrndx { 2 } else { 1 };
        if parts.add(rank, || name_of(i, &s), s.off, s.size) {
            if let Err(why) = &names {
                parts.note = Some(why.clone());
            }
        }
    }
    Some(())
}

/// PE: the headers and section table, every section's raw data, the COFF symbol and
/// string tables, and the certificate table.
fn pe<'d, R: object::ReadRef<'d>>(r: &Reader<R>, parts: &mut Parts) -> Option<()> {
    let e = Endian { big: false };
    if parts.add(0, || "the DOS header".into(), 0, 64) {
        return None;
    }
    let dos = r.bytes(0, 64)?;
    let lfanew = e.u32(dos, 0x3c)?;
    if parts.add(0, || "the PE and COFF headers".into(), lfanew, 24) {
        return None;
    }
    let coff = r.bytes(lfanew + 4, 20)?;
    let nsections = e.u16(coff, 2)?;
    let symtab = e.u32(coff, 8)?;
    let nsyms = e.u32(coff, 12)?;
    let opt_size = e.u16(coff, 16)?;
    let opt_off = lfanew + 24;
    if parts.add(
        0,
        || format!("the optional header ({opt_size} bytes)"),
        opt_off,
        opt_size,
    ) {
        return None;
    }
    let table = opt_off + opt_size;
    if parts.add(
        0,
        || format!("the section table ({nsections} × 40 bytes at offset {table})"),
        table,
        nsections * 40,
    ) {
        return None;
    }
    // COFF string table: after the symbols, its own size first (long section names live
    // there as "/123").
    let strtab_off = symtab.saturating_add(nsyms.saturating_mul(18));
    let strings: Option<&[u8]> = if symtab != 0 {
        r.bytes(strtab_off, 4)
            .and_then(|b| e.u32(b, 0))
            .and_then(|n| r.bytes(strtab_off, n))
    } else {
        None
    };
    for i in 0..nsections {
        let Some(s) = r.bytes(table + i * 40, 40) else {
            break;
        };
        let raw_name = cstr(&s[..8]);
        let (name, unnamed) = match raw_name.strip_prefix('/').map(str::parse::<usize>) {
            Some(Ok(off)) => match strings.and_then(|t| t.get(off..)) {
                Some(rest) => (format!("section {}", cstr(rest)), false),
                None => (format!("section [{}] ({raw_name})", i + 1), true),
            },
            _ => (format!("section {raw_name}"), false),
        };
        // As the loader and `object` read it: the raw data up to the virtual size (the
        // rest is file-alignment padding).
        let virtual_size = e.u32(s, 8)?;
        let raw_size = match e.u32(s, 16)? {
            raw if virtual_size != 0 => raw.min(virtual_size),
            raw => raw,
        };
        let raw_ptr = e.u32(s, 20)?;
        if raw_ptr != 0 && parts.add(1, || name, raw_ptr, raw_size) && unnamed {
            parts.note =
                Some("long section names unreadable: the COFF string table is past the end".into());
        }
    }
    if symtab != 0 {
        parts.add(
            2,
            || format!("the COFF symbol table ({nsyms} symbols)"),
            symtab,
            nsyms * 18,
        );
        if r.bytes(strtab_off, 4).is_none() {
            parts.add(2, || "the COFF string table".into(), strtab_off, 4);
        } else if let Some(n) = r.bytes(strtab_off, 4).and_then(|b| e.u32(b, 0)) {
            parts.add(2, || "the COFF string table".into(), strtab_off, n);
        }
    }
    // Data directory 4 (certificates) holds a file offset, not an RVA.
    let opt = r.bytes(opt_off, opt_size)?;
    let dirs = match e.u16(opt, 0)? {
        0x20b => 112,
        _ => 96,
    };
    if let (Some(off), Some(size)) = (e.u32(opt, dirs + 4 * 8), e.u32(opt, dirs + 4 * 8 + 4)) {
        if off != 0 {
            parts.add(2, || "the certificate table".into(), off, size);
        }
    }
    Some(())
}

/// Mach-O: the load commands, every segment's and section's file bytes (not zerofill),
/// the symbol and string tables, the indirect symbol table and the code signature.
fn macho<'d, R: object::ReadRef<'d>>(r: &Reader<R>, parts: &mut Parts) -> Option<()> {
    let magic = r.bytes(0, 4)?;
    let (big, wide) = match magic {
        [0xfe, 0xed, 0xfa, 0xce] => (true, false),
        [0xfe, 0xed, 0xfa, 0xcf] => (true, true),
        [0xce, 0xfa, 0xed, 0xfe] => (false, false),
        [0xcf, 0xfa, 0xed, 0xfe] => (false, true),
        _ => return Some(()),
    };
    let e = Endian { big };
    let hsize: u64 = if wide { 32 } else { 28 };
    if parts.add(0, || "the Mach-O header".into(), 0, hsize) {
        return None;
    }
    let h = r.bytes(0, hsize)?;
    let ncmds = e.u32(h, 16)?;
    let sizeofcmds = e.u32(h, 20)?;
    if parts.add(
        0,
        || format!("the load command area ({ncmds} commands, {sizeofcmds} bytes)"),
        hsize,
        sizeofcmds,
    ) {
        return None;
    }
    let cmds = r.bytes(hsize, sizeofcmds)?;
    let mut at = 0usize;
    for _ in 0..ncmds {
        let (Some(cmd), Some(size)) = (e.u32(cmds, at), e.u32(cmds, at + 4)) else {
            break;
        };
        if size < 8 {
            break;
        }
        let Some(c) = cmds.get(at..at.saturating_add(size as usize)) else {
            break;
        };
        match cmd {
            // LC_SEGMENT / LC_SEGMENT_64
            0x1 | 0x19 => {
                let w = cmd == 0x19;
                let seg = cstr(c.get(8..24)?);
                let (fileoff, filesize, nsects, first) = if w {
                    (e.u64(c, 40)?, e.u64(c, 48)?, e.u32(c, 64)?, 72usize)
                } else {
                    (e.u32(c, 32)?, e.u32(c, 36)?, e.u32(c, 48)?, 56usize)
                };
                parts.add(3, || format!("segment {seg}"), fileoff, filesize);
                let ssize = if w { 80 } else { 68 };
                for k in 0..nsects as usize {
                    let Some(s) = c.get(first + k * ssize..first + (k + 1) * ssize) else {
                        break;
                    };
                    let sect = cstr(&s[..16]);
                    let sseg = cstr(&s[16..32]);
                    let (size, offset, flags) = if w {
                        (e.u64(s, 40)?, e.u32(s, 48)?, e.u32(s, 64)?)
                    } else {
                        (e.u32(s, 36)?, e.u32(s, 40)?, e.u32(s, 56)?)
                    };
                    // S_ZEROFILL, S_GB_ZEROFILL, S_THREAD_LOCAL_ZEROFILL store nothing.
                    if matches!(flags & 0xff, 0x1 | 0xc | 0x12) || offset == 0 {
                        continue;
                    }
                    parts.add(1, || format!("section {sseg},{sect}"), offset, size);
                }
            }
            // LC_SYMTAB
            0x2 => {
                let (symoff, nsyms, stroff, strsize) =
                    (e.u32(c, 8)?, e.u32(c, 12)?, e.u32(c, 16)?, e.u32(c, 20)?);
                let entry = if wide { 16 } else { 12 };
                parts.add(
                    2,
                    || format!("the symbol table ({nsyms} symbols)"),
                    symoff,
                    nsyms * entry,
                );
                parts.add(2, || "the symbol string table".into(), stroff, strsize);
            }
            // LC_DYSYMTAB: the indirect symbol table.
            0xb => {
                let (off, n) = (e.u32(c, 56)?, e.u32(c, 60)?);
                parts.add(2, || "the indirect symbol table".into(), off, n * 4);
            }
            // LC_CODE_SIGNATURE
            0x1d => {
                let (off, size) = (e.u32(c, 8)?, e.u32(c, 12)?);
                parts.add(2, || "the code signature".into(), off, size);
            }
            _ => {}
        }
        at += size as usize;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal 64-bit little-endian ELF: header, one section header table of three
    /// entries (null, `.x` with 16 bytes at 0x200, `.shstrtab`), and the name table.
    fn tiny_elf() -> Vec<u8> {
        let mut d = vec![0u8; 0x300];
        d[..4].copy_from_slice(b"\x7fELF");
        d[4] = 2;
        d[5] = 1;
        let shoff = 0x100u64;
        d[40..48].copy_from_slice(&shoff.to_le_bytes());
        d[58..60].copy_from_slice(&64u16.to_le_bytes()); // shentsize
        d[60..62].copy_from_slice(&3u16.to_le_bytes()); // shnum
        d[62..64].copy_from_slice(&2u16.to_le_bytes()); // shstrndx
        let names = b"\0.x\0.shstrtab\0";
        d[0x80..0x80 + names.len()].copy_from_slice(names);
        let mut sec = |i: usize, name: u32, off: u64, size: u64| {
            let b = 0x100 + i * 64;
            d[b..b + 4].copy_from_slice(&name.to_le_bytes());
            d[b + 4..b + 8].copy_from_slice(&1u32.to_le_bytes());
            d[b + 24..b + 32].copy_from_slice(&off.to_le_bytes());
            d[b + 32..b + 40].copy_from_slice(&size.to_le_bytes());
        };
        sec(1, 1, 0x200, 0x40);
        sec(2, 4, 0x80, names.len() as u64);
        d
    }

    #[test]
    fn whole_file_passes() {
        let d = tiny_elf();
        assert_eq!(
            check(&d[..], super::super::Format::Elf, d.len() as u64),
            Ok(())
        );
    }

    #[test]
    fn names_the_cut_section_and_both_sizes() {
        let d = tiny_elf();
        let cut = &d[..0x220];
        let e = check(cut, super::super::Format::Elf, cut.len() as u64).unwrap_err();
        assert_eq!(
            e.to_string(),
            "truncated or corrupt: section .x ends at byte 576, file is 544 bytes"
        );
    }

    #[test]
    fn a_cut_section_header_table_is_named_first() {
        let d = tiny_elf();
        let cut = &d[..0x150];
        let e = check(cut, super::super::Format::Elf, cut.len() as u64).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "truncated or corrupt: the section header table (3 × 64 bytes at offset 256) ends at byte 448, file is 336 bytes"
            ),
            "{e}"
        );
    }
}
