//! One executable file: its object format, architecture, section table, and section
//! contents read and decompressed on first use. Everything Go- or DWARF-specific builds
//! on this.
//!
//! Only the headers are read at open; a section's bytes are read (with positioned reads)
//! when something asks for them, so `check` on a 28 MB binary reads about a third of it.
//! Nothing is memory-mapped: a file truncated by another process while mapped raises
//! SIGBUS, and debugdoctor reads half-written builds; a short read is an error instead.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use object::{Object, ObjectSection, ObjectSegment, ObjectSymbol};

use super::error::ImageError;

/// Object file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Format {
    #[serde(rename = "ELF")]
    Elf,
    #[serde(rename = "PE")]
    Pe,
    #[serde(rename = "Mach-O")]
    MachO,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Elf => "ELF",
            Format::Pe => "PE",
            Format::MachO => "Mach-O",
        }
    }
}

/// How a section's bytes are stored in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    /// ELF SHF_COMPRESSED with ELFCOMPRESS_ZLIB.
    ElfZlib,
    /// ELF SHF_COMPRESSED with ELFCOMPRESS_ZSTD (not written by Go; objcopy can).
    ElfZstd,
    /// `.zdebug_*` / `__zdebug_*`: "ZLIB" + 8-byte big-endian size + zlib stream (Go on PE and Mach-O).
    ZdebugZlib,
}

/// One entry of the section table, copied out of the object file.
#[derive(Clone, Debug)]
pub struct SectionInfo {
    pub name: String,
    /// Mach-O segment name (`__DWARF`, `__DATA`...), empty elsewhere.
    pub segment: String,
    pub address: u64,
    pub size: u64,
    /// File offset and size of the stored bytes; `None` for bss-like sections and for
    /// bytes that run past the end of the file.
    pub file_range: Option<(u64, u64)>,
    /// The range as the header declares it, even past the end of the file.
    pub stored_range: Option<(u64, u64)>,
    /// PE section characteristics (0 elsewhere).
    pub characteristics: u32,
    pub compression: Compression,
    /// Offset of the compressed stream within the stored bytes, and the declared
    /// uncompressed size (both 0 when not compressed).
    pub compressed_offset: u64,
    pub uncompressed_size: u64,
}

impl SectionInfo {
    pub fn is_compressed(&self) -> bool {
        self.compression != Compression::None
    }
}

/// Declared decompressed sizes above `file size * FACTOR + SLACK` are refused as hostile.
const DECOMPRESS_FACTOR: u64 = 64;
const DECOMPRESS_SLACK: u64 = 64 << 20;

/// One program header (ELF) or segment load command (Mach-O), copied out.
#[derive(Clone, Debug)]
pub struct SegmentInfo {
    pub name: String,
    pub address: u64,
    /// File offset and size of the stored bytes (`None` when empty or past the end).
    pub file_range: Option<(u64, u64)>,
    /// Size of the stored bytes as declared, even past the end of the file.
    pub file_size: u64,
    /// Writable, not executable: ELF PT_LOAD with PF_W and without PF_X; Mach-O with
    /// maxprot and initprot both read-write.
    pub writable_data: bool,
}

/// Where the bytes are: a file read on demand, or a buffer (mutants, tests).
enum Backing {
    Memory(Vec<u8>),
    File {
        file: std::fs::File,
        /// Stored bytes of each section, read on first use.
        sections: Vec<OnceLock<std::result::Result<Vec<u8>, String>>>,
    },
}

/// Symbols looked up by the Go readers, found while counting symbols at open.
const KNOWN_SYMBOLS: &[&str] = &[
    "runtime.text",
    "runtime.pclntab",
    "runtime.epclntab",
    "pclntab",
    "epclntab",
];

pub struct Image {
    path: PathBuf,
    backing: Backing,
    /// Length of the file (or buffer) when it was opened.
    len: u64,
    /// Its first bytes (up to 4 KiB).
    head: Vec<u8>,
    /// Everything read from the headers.
    meta: Parsed,
    decompressed: Vec<OnceLock<std::result::Result<Vec<u8>, String>>>,
    /// The static symbol table's count and known names, scanned on first use: only
    /// `check` and the pclntab search of a binary without a `.gopclntab` ask, and on a
    /// big Go binary the scan is a millisecond that `where` need not wait for.
    symbols: OnceLock<SymbolScan>,
}

/// What parsing the headers yields, whatever holds the bytes.
struct Parsed {
    format: Format,
    architecture: object::Architecture,
    is_64: bool,
    big_endian: bool,
    kind: object::ObjectKind,
    entry: u64,
    macho_pie: bool,
    sections: Vec<SectionInfo>,
    segments: Vec<SegmentInfo>,
    relative_address_base: u64,
    build_id: Option<Vec<u8>>,
    debuglink: Option<(String, u32)>,
    dynamic_symbol_count: usize,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("path", &self.path)
            .field("format", &self.meta.format)
            .field("architecture", &self.meta.architecture)
            .field("sections", &self.meta.sections.len())
            .finish()
    }
}

impl Image {
    /// Opens and parses an executable. Only the headers are read here; section contents
    /// are read on first use with positioned reads (not memory-mapped: a file truncated
    /// while mapped raises SIGBUS, and debugdoctor reads half-written builds; a short read
    /// is an error instead). Errors are one-line and name the file.
    pub fn open(path: &Path) -> Result<Image, ImageError> {
        let meta = std::fs::metadata(path).map_err(|source| ImageError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if meta.is_dir() {
            return Err(ImageError::IsDirectory {
                path: path.to_path_buf(),
            });
        }
        // A FIFO blocks in open() until a writer appears, and /dev/zero never ends: only
        // regular files (after following symlinks) are opened at all.
        if !meta.is_file() {
            return Err(ImageError::format(
                path,
                "not a regular file (a FIFO, socket or device), not a binary",
            ));
        }
        use std::io::Read;
        let io = |source| ImageError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = std::fs::File::open(path).map_err(io)?;
        // Sniff the magic first: a 20 GB sparse file of zeros (or any large
        // non-executable) must be refused without reading it.
        let mut head = Vec::new();
        (&mut file)
            .take(HEAD_BYTES)
            .read_to_end(&mut head)
            .map_err(io)?;
        if !has_executable_magic(&head) {
            return Image::from_bytes(path, head);
        }
        let len = file.metadata().map_err(io)?.len();
        if len > MAX_BYTES {
            return Err(ImageError::Limit {
                path: path.to_path_buf(),
                reason: format!(
                    "{len} bytes: larger than the {} GiB limit for a binary",
                    MAX_BYTES >> 30
                ),
            });
        }
        let parsed = {
            let cache =
                object::ReadCache::new(BlockReader::new(file.try_clone().map_err(io)?, len));
            parse(path, &cache, &head, len)?
        };
        Ok(Image::assemble(
            path,
            Backing::File {
                file,
                sections: parsed.sections.iter().map(|_| OnceLock::new()).collect(),
            },
            len,
            head,
            parsed,
        ))
    }

    /// Parses bytes already in memory; `path` is used for messages only.
    pub fn from_bytes(path: &Path, data: Vec<u8>) -> Result<Image, ImageError> {
        if data.is_empty() {
            return Err(ImageError::Empty {
                path: path.to_path_buf(),
            });
        }
        let len = data.len() as u64;
        let head = data[..data.len().min(HEAD_BYTES as usize)].to_vec();
        let parsed = parse(path, &data[..], &head, len)?;
        Ok(Image::assemble(
            path,
            Backing::Memory(data),
            len,
            head,
            parsed,
        ))
    }

    fn assemble(path: &Path, backing: Backing, len: u64, head: Vec<u8>, meta: Parsed) -> Image {
        Image {
            path: path.to_path_buf(),
            backing,
            len,
            head,
            decompressed: meta.sections.iter().map(|_| OnceLock::new()).collect(),
            meta,
            symbols: OnceLock::new(),
        }
    }

    /// Length of the file in bytes, as opened.
    pub fn file_len(&self) -> u64 {
        self.len
    }
    /// The first bytes of the file (up to 4 KiB).
    pub fn head(&self) -> &[u8] {
        &self.head
    }
    /// Load segments (ELF program headers, Mach-O segments; none for PE).
    pub fn segments(&self) -> &[SegmentInfo] {
        &self.meta.segments
    }
    /// PE: the image base that section RVAs are relative to (0 elsewhere).
    pub fn relative_address_base(&self) -> u64 {
        self.meta.relative_address_base
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn format(&self) -> Format {
        self.meta.format
    }
    pub fn architecture(&self) -> object::Architecture {
        self.meta.architecture
    }
    pub fn is_64(&self) -> bool {
        self.meta.is_64
    }
    pub fn pointer_size(&self) -> usize {
        if self.meta.is_64 {
            8
        } else {
            4
        }
    }
    pub fn big_endian(&self) -> bool {
        self.meta.big_endian
    }
    pub fn entry(&self) -> u64 {
        self.meta.entry
    }
    /// Position-independent executable: ELF ET_DYN or Mach-O MH_PIE. Addresses we print
    /// for such binaries are unrelocated (the binary's own virtual addresses).
    pub fn is_pie(&self) -> bool {
        match self.meta.format {
            Format::Elf => self.meta.kind == object::ObjectKind::Dynamic,
            Format::MachO => self.meta.macho_pie,
            Format::Pe => false,
        }
    }
    pub fn is_executable(&self) -> bool {
        matches!(
            self.meta.kind,
            object::ObjectKind::Executable | object::ObjectKind::Dynamic
        )
    }
    pub fn build_id(&self) -> Option<&[u8]> {
        self.meta.build_id.as_deref()
    }
    /// `.gnu_debuglink`: file name and CRC-32 of the separate debug file.
    pub fn debuglink(&self) -> Option<(&str, u32)> {
        self.meta.debuglink.as_ref().map(|(n, c)| (n.as_str(), *c))
    }
    /// Number of named entries in the static symbol table (0 when stripped with `-s`).
    pub fn symbol_count(&self) -> usize {
        self.symbols().count
    }

    /// The symbol table scanned (once). The headers parsed at open are parsed again; a
    /// file that changed since reads as having no symbols.
    fn symbols(&self) -> &SymbolScan {
        fn scan<'d, R: object::ReadRef<'d>>(data: R) -> SymbolScan {
            object::File::parse(data)
                .map(|f| scan_symbols(&f))
                .unwrap_or_default()
        }
        self.symbols.get_or_init(|| match &self.backing {
            Backing::Memory(data) => scan(&data[..]),
            Backing::File { file, .. } => match file.try_clone() {
                Ok(f) => scan(&object::ReadCache::new(BlockReader::new(f, self.len))),
                Err(_) => SymbolScan::default(),
            },
        })
    }
    pub fn dynamic_symbol_count(&self) -> usize {
        self.meta.dynamic_symbol_count
    }

    /// Architecture as Go names it (GOARCH) and as `file(1)` would ("x86-64").
    pub fn goarch(&self) -> &'static str {
        use object::Architecture as A;
        match self.meta.architecture {
            A::X86_64 => "amd64",
            A::X86_64_X32 => "amd64p32",
            A::I386 => "386",
            A::Aarch64 => "arm64",
            A::Arm => "arm",
            A::Riscv64 => "riscv64",
            A::PowerPc64 => {
                if self.meta.big_endian {
                    "ppc64"
                } else {
                    "ppc64le"
                }
            }
            A::S390x => "s390x",
            A::LoongArch64 => "loong64",
            A::Mips => {
                if self.meta.big_endian {
                    "mips"
                } else {
                    "mipsle"
                }
            }
            A::Mips64 => {
                if self.meta.big_endian {
                    "mips64"
                } else {
                    "mips64le"
                }
            }
            A::Wasm32 => "wasm",
            _ => "unknown",
        }
    }
    pub fn arch_display(&self) -> &'static str {
        match self.goarch() {
            "amd64" => "x86-64",
            "386" => "x86",
            other => other,
        }
    }
    /// The operating system the format implies (buildinfo's GOOS is preferred when present).
    pub fn format_goos(&self) -> &'static str {
        match self.meta.format {
            Format::Pe => "windows",
            Format::MachO => "darwin",
            Format::Elf => match self.head.get(7) {
                Some(9) => "freebsd",
                Some(12) => "openbsd",
                Some(2) => "netbsd",
                Some(6) => "solaris",
                _ => "linux",
            },
        }
    }

    pub fn sections(&self) -> &[SectionInfo] {
        &self.meta.sections
    }
    pub fn section_index(&self, name: &str) -> Option<usize> {
        self.meta.sections.iter().position(|s| s.name == name)
    }
    pub fn section(&self, name: &str) -> Option<&SectionInfo> {
        self.section_index(name).map(|i| &self.meta.sections[i])
    }

    /// Raw stored bytes of a section (compressed sections stay compressed); `None` when
    /// it has none or they cannot be read.
    pub fn raw_section_bytes(&self, index: usize) -> Option<&[u8]> {
        self.stored_section(index).ok().flatten()
    }

    /// Raw stored bytes of a section for a one-off look (a scan for a table): the cached
    /// copy when there is one, else read now and not kept, so scanning every section
    /// does not leave them all in memory.
    pub fn peek_raw_section_bytes(&self, index: usize) -> Option<Cow<'_, [u8]>> {
        let range = self.meta.sections.get(index)?.file_range?;
        if let Backing::File { sections, .. } = &self.backing {
            if let Some(cached) = sections[index].get() {
                return cached.as_deref().ok().map(Cow::Borrowed);
            }
        }
        self.read_file_range(range).ok()
    }

    /// Stored bytes of a section, read on first use; `Ok(None)` when it stores none.
    fn stored_section(&self, index: usize) -> std::result::Result<Option<&[u8]>, String> {
        let Some(info) = self.meta.sections.get(index) else {
            return Ok(None);
        };
        let Some(range) = info.file_range else {
            return Ok(None);
        };
        match &self.backing {
            Backing::Memory(data) => Ok(slice(data, range)),
            Backing::File { file, sections, .. } => {
                let what = || format!("section {}", info.name);
                cached_read(file, &sections[index], range, what).map(Some)
            }
        }
    }

    /// `size` bytes at file offset `off`, read now and not kept (borrowed when the image
    /// is in memory). For small reads inside a large region (build info in a data
    /// segment) that should not pull the whole region in. Ranges past the length at open
    /// are an error, as is a short read.
    pub fn read_file_range(
        &self,
        (off, size): (u64, u64),
    ) -> std::result::Result<Cow<'_, [u8]>, String> {
        let past_end = || {
            format!(
                "{size} bytes at file offset {off:#x} run past the end of the file ({} bytes)",
                self.len
            )
        };
        if off.checked_add(size).is_none_or(|end| end > self.len) {
            return Err(past_end());
        }
        match &self.backing {
            Backing::Memory(data) => slice(data, (off, size))
                .map(Cow::Borrowed)
                .ok_or_else(past_end),
            Backing::File { file, .. } => {
                read_exact(file, (off, size), || self.path.display().to_string()).map(Cow::Owned)
            }
        }
    }

    /// Section contents, decompressed once on first use and cached.
    pub fn section_bytes(&self, index: usize) -> std::result::Result<&[u8], String> {
        let info = self.meta.sections.get(index).ok_or("no such section")?;
        if !info.is_compressed() {
            return Ok(self.stored_section(index)?.unwrap_or(&[]));
        }
        // The compressed bytes are read for inflating and not kept (see `inflate_file`).
        let cached =
            self.decompressed[index].get_or_init(|| match (&self.backing, info.file_range) {
                (Backing::File { file, .. }, Some(range))
                    if matches!(
                        info.compression,
                        Compression::ElfZlib | Compression::ZdebugZlib
                    ) =>
                {
                    self.check_declared_size(info)?;
                    inflate_file(file, info, range)
                }
                (Backing::File { file, .. }, Some(range)) => {
                    let raw = read_exact(file, range, || format!("section {}", info.name))?;
                    self.decompress(info, &raw)
                }
                _ => self.decompress(info, self.stored_section(index)?.unwrap_or(&[])),
            });
        match cached {
            Ok(v) => Ok(v.as_slice()),
            Err(e) => Err(e.clone()),
        }
    }

    /// Section contents by name; `Ok(None)` when absent.
    pub fn section_bytes_by_name(&self, name: &str) -> std::result::Result<Option<&[u8]>, String> {
        match self.section_index(name) {
            Some(i) => self.section_bytes(i).map(Some),
            None => Ok(None),
        }
    }

    /// Refuses a declared decompressed size out of proportion to the file.
    fn check_declared_size(&self, info: &SectionInfo) -> std::result::Result<(), String> {
        let cap = self
            .len
            .saturating_mul(DECOMPRESS_FACTOR)
            .saturating_add(DECOMPRESS_SLACK);
        if info.uncompressed_size > cap {
            return Err(format!(
                "section {} declares {} bytes uncompressed, over the limit of {} for a file of {} bytes",
                info.name,
                info.uncompressed_size,
                cap,
                self.len
            ));
        }
        Ok(())
    }

    fn decompress(&self, info: &SectionInfo, raw: &[u8]) -> std::result::Result<Vec<u8>, String> {
        self.check_declared_size(info)?;
        let stream = raw
            .get(info.compressed_offset as usize..)
            .ok_or_else(|| format!("section {}: compression header past its end", info.name))?;
        match info.compression {
            Compression::None => Ok(raw.to_vec()),
            Compression::ElfZlib | Compression::ZdebugZlib => {
                if let Some(out) = inflate_whole(info, stream) {
                    return Ok(out);
                }
                let mut z = Inflater::new(info);
                z.feed(stream)?;
                z.finish()
            }
            Compression::ElfZstd => {
                let c = object::CompressedData {
                    format: object::CompressionFormat::Zstandard,
                    data: stream,
                    uncompressed_size: info.uncompressed_size,
                };
                c.decompress()
                    .map(Cow::into_owned)
                    .map_err(|e| format!("section {}: corrupt zstd data: {e}", info.name))
            }
        }
    }

    /// Bytes at a virtual address, from any section stored in the file (not decompressed
    /// ones). Used to follow pointers in Go data structures.
    pub fn read_va(&self, addr: u64, len: usize) -> Option<&[u8]> {
        for (i, s) in self.meta.sections.iter().enumerate() {
            if s.is_compressed() || s.address == 0 {
                continue;
            }
            if addr >= s.address && addr - s.address < s.size {
                let raw = self.raw_section_bytes(i)?;
                let start = (addr - s.address) as usize;
                return raw.get(start..start.checked_add(len)?);
            }
        }
        None
    }

    /// Reads an unsigned integer of the image's pointer size and byte order.
    pub fn read_uint(&self, bytes: &[u8], size: usize) -> Option<u64> {
        match size {
            4 | 8 => super::bytes::uint(bytes, 0, size, self.meta.big_endian),
            _ => None,
        }
    }

    /// Address and size of a symbol from the static symbol table (the first of that
    /// name, as `object`'s `symbol_by_name`).
    pub fn symbol(&self, name: &str) -> Option<(u64, u64)> {
        if KNOWN_SYMBOLS.contains(&name) {
            return self
                .symbols()
                .known
                .iter()
                .find(|k| k.0 == name)
                .map(|k| (k.1, k.2));
        }
        fn find<'d, R: object::ReadRef<'d>>(data: R, name: &str) -> Option<(u64, u64)> {
            let file = object::File::parse(data).ok()?;
            let sym = file.symbol_by_name(name)?;
            Some((sym.address(), sym.size()))
        }
        match &self.backing {
            Backing::Memory(data) => find(&data[..], name),
            Backing::File { file, .. } => {
                let cache =
                    object::ReadCache::new(BlockReader::new(file.try_clone().ok()?, self.len));
                find(&cache, name)
            }
        }
    }

    /// Address range of the executable text (`.text` / `__text`).
    pub fn text_section(&self) -> Option<&SectionInfo> {
        self.section(".text").or_else(|| self.section("__text"))
    }
}

/// The stream `object::ReadCache` parses headers from: positioned reads of 64 KiB
/// blocks, so the thousands of small string reads of a symbol table cost a few system
/// calls instead of one each (a plain `File` seeks and reads per string).
struct BlockReader {
    file: std::fs::File,
    len: u64,
    pos: u64,
    block_start: u64,
    block: Vec<u8>,
}

const BLOCK: u64 = 64 << 10;

impl BlockReader {
    fn new(file: std::fs::File, len: u64) -> BlockReader {
        BlockReader {
            file,
            len,
            pos: 0,
            block_start: 0,
            block: Vec::new(),
        }
    }
}

impl object::read::ReadCacheOps for BlockReader {
    fn len(&mut self) -> std::result::Result<u64, ()> {
        Ok(self.len)
    }

    fn seek(&mut self, pos: u64) -> std::result::Result<u64, ()> {
        self.pos = pos;
        Ok(pos)
    }

    fn read(&mut self, buf: &mut [u8]) -> std::result::Result<usize, ()> {
        use std::os::unix::fs::FileExt;
        let in_block = |b: &BlockReader| {
            b.pos >= b.block_start && b.pos < b.block_start + b.block.len() as u64
        };
        if !in_block(self) {
            if self.pos >= self.len {
                return Ok(0);
            }
            let n = BLOCK.min(self.len - self.pos) as usize;
            self.block.resize(n, 0);
            let got = self
                .file
                .read_at(&mut self.block, self.pos)
                .map_err(|_| ())?;
            self.block.truncate(got);
            self.block_start = self.pos;
            if got == 0 {
                return Ok(0);
            }
        }
        let at = (self.pos - self.block_start) as usize;
        let n = buf.len().min(self.block.len() - at);
        buf[..n].copy_from_slice(&self.block[at..at + n]);
        self.pos += n as u64;
        Ok(n)
    }

    fn read_exact(&mut self, buf: &mut [u8]) -> std::result::Result<(), ()> {
        use std::os::unix::fs::FileExt;
        if buf.len() as u64 > BLOCK {
            self.file.read_exact_at(buf, self.pos).map_err(|_| ())?;
            self.pos += buf.len() as u64;
            return Ok(());
        }
        let mut done = 0;
        while done < buf.len() {
            match self.read(&mut buf[done..])? {
                0 => return Err(()),
                n => done += n,
            }
        }
        Ok(())
    }
}

/// A zlib stream inflated into a buffer of exactly the declared size, fed in pieces.
struct Inflater<'i> {
    info: &'i SectionInfo,
    z: flate2::Decompress,
    out: Vec<u8>,
    done: bool,
}

impl<'i> Inflater<'i> {
    fn new(info: &'i SectionInfo) -> Inflater<'i> {
        Inflater {
            info,
            z: flate2::Decompress::new(true),
            out: super::hugepage::vec_with_capacity(info.uncompressed_size as usize),
            done: false,
        }
    }

    /// Inflates all of `input` (the stream's next bytes); bytes after the stream's end,
    /// or beyond the declared size, are ignored.
    fn feed(&mut self, mut input: &[u8]) -> std::result::Result<(), String> {
        while !input.is_empty() && !self.done {
            let (in0, out0) = (self.z.total_in(), self.z.total_out());
            let status = self
                .z
                .decompress_vec(input, &mut self.out, flate2::FlushDecompress::None)
                .map_err(|e| format!("section {}: corrupt zlib data: {e}", self.info.name))?;
            let used = (self.z.total_in() - in0) as usize;
            input = &input[used..];
            self.done = status == flate2::Status::StreamEnd;
            if used == 0 && self.z.total_out() == out0 {
                // The declared size is reached: what the stream holds beyond it is not
                // read (as when inflating in one call into a buffer of that size).
                self.done = true;
            }
        }
        Ok(())
    }

    /// The inflated bytes; a stream that ended short of the declared size is an error.
    fn finish(self) -> std::result::Result<Vec<u8>, String> {
        if self.out.len() as u64 != self.info.uncompressed_size {
            return Err(format!(
                "section {}: decompressed to {} bytes, header says {}",
                self.info.name,
                self.out.len(),
                self.info.uncompressed_size
            ));
        }
        Ok(self.out)
    }
}

/// A whole zlib stream inflated in one call, when it inflates to exactly the declared
/// size; `None` otherwise (a corrupt, short or long stream), for [`Inflater`] to report
/// what is wrong as it always has.
fn inflate_whole(info: &SectionInfo, stream: &[u8]) -> Option<Vec<u8>> {
    let n = one_shot_size(info, stream.len())?;
    let mut out: Vec<u8> = super::hugepage::vec_with_capacity(n);
    out.resize(n, 0);
    inflate_into(stream, &mut out).then_some(out)
}

/// Inflating in one call needs the whole declared size zeroed first; streaming touches
/// only what the stream really holds. So a declared size out of proportion to the
/// compressed one (DWARF inflates 2 to 4 times; a damaged or hostile header can declare
/// gigabytes) is left to [`Inflater`]: the declared size, when at most 32 times `c`.
fn one_shot_size(info: &SectionInfo, c: usize) -> Option<usize> {
    let n = usize::try_from(info.uncompressed_size).ok()?;
    (n <= c.saturating_mul(32)).then_some(n)
}

/// Whether `stream` inflates to exactly `out.len()` bytes (into `out`).
fn inflate_into(stream: &[u8], out: &mut [u8]) -> bool {
    libdeflater::Decompressor::new().zlib_decompress(stream, out) == Ok(out.len())
}

/// [`inflate_whole`] on the stream read from the file, read into the same buffer just
/// past where the section inflates to: one allocation instead of two (measured: 1-2 ms
/// less CPU on cmd/compile's `where`); the tail is let go afterwards. `None` on any
/// failure, and for a declared size [`one_shot_size`] leaves to streaming, before
/// anything is read.
fn read_and_inflate(
    file: &std::fs::File,
    info: &SectionInfo,
    (off, size): (u64, u64),
) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let c = usize::try_from(size - info.compressed_offset).ok()?;
    let n = one_shot_size(info, c)?;
    let mut buf: Vec<u8> = super::hugepage::vec_with_capacity(n.checked_add(c)?);
    buf.resize(n + c, 0);
    let (out, stream) = buf.split_at_mut(n);
    file.read_exact_at(stream, off + info.compressed_offset)
        .ok()?;
    if !inflate_into(stream, out) {
        return None;
    }
    buf.truncate(n);
    buf.shrink_to_fit();
    Some(buf)
}

/// Inflates a zlib-compressed section of `file`: the whole stream read and inflated in
/// one call when that works, else (and for the errors, which are its own) read and
/// inflated in blocks, never the whole compressed section in memory at once. A short
/// read is an error, as in [`read_exact`].
fn inflate_file(
    file: &std::fs::File,
    info: &SectionInfo,
    (off, size): (u64, u64),
) -> std::result::Result<Vec<u8>, String> {
    use std::os::unix::fs::FileExt;
    const CHUNK: u64 = 256 << 10;
    if info.compressed_offset > size {
        return Err(format!(
            "section {}: compression header past its end",
            info.name
        ));
    }
    // In one call, libdeflate takes a third less CPU than streaming; any failure, read
    // or inflate, takes the block-by-block path below, whose errors are the ones
    // reported.
    if let Some(out) = read_and_inflate(file, info, (off, size)) {
        return Ok(out);
    }
    let mut z = Inflater::new(info);
    let mut buf = vec![0u8; CHUNK.min(size) as usize];
    let mut at = info.compressed_offset;
    while at < size && !z.done {
        let n = CHUNK.min(size - at) as usize;
        file.read_exact_at(&mut buf[..n], off + at).map_err(|e| {
            format!(
                "section {}: cannot read {n} bytes at file offset {:#x}: {e} (was the file changed while being read?)",
                info.name,
                off + at
            )
        })?;
        z.feed(&buf[..n])?;
        at += n as u64;
    }
    z.finish()
}

/// `data[off..off + size]`, when inside.
fn slice(data: &[u8], (off, size): (u64, u64)) -> Option<&[u8]> {
    let start = usize::try_from(off).ok()?;
    data.get(start..start.checked_add(usize::try_from(size).ok()?)?)
}

/// Reads `size` bytes at `off` once and caches them (see [`read_exact`]).
fn cached_read<'a>(
    file: &std::fs::File,
    cell: &'a OnceLock<std::result::Result<Vec<u8>, String>>,
    range: (u64, u64),
    what: impl Fn() -> String,
) -> std::result::Result<&'a [u8], String> {
    match cell.get_or_init(|| read_exact(file, range, what)) {
        Ok(v) => Ok(v.as_slice()),
        Err(e) => Err(e.clone()),
    }
}

/// Reads `size` bytes at `off`; a short read (the file shrank since it was opened) is
/// an error, never a crash. Callers keep `off + size` within the length at open.
fn read_exact(
    file: &std::fs::File,
    (off, size): (u64, u64),
    what: impl Fn() -> String,
) -> std::result::Result<Vec<u8>, String> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; usize::try_from(size).map_err(|_| format!("{}: too large", what()))?];
    file.read_exact_at(&mut buf, off).map_err(|e| {
        format!(
            "{}: cannot read {size} bytes at file offset {off:#x}: {e} (was the file changed while being read?)",
            what()
        )
    })?;
    Ok(buf)
}

/// Parses the headers through any `object` reader (a buffer, or a file read on demand)
/// and copies out everything `Image` keeps. `head` holds the first bytes.
fn parse<'d, R: object::ReadRef<'d>>(
    path: &Path,
    data: R,
    head: &[u8],
    file_len: u64,
) -> Result<Parsed, ImageError> {
    let kind = object::FileKind::parse(data).map_err(|_| {
        // The magic is there but the headers are cut: say which and where.
        let format = match head.get(..4) {
            Some([0x7f, b'E', b'L', b'F']) => Some(Format::Elf),
            Some([b'M', b'Z', _, _]) => Some(Format::Pe),
            Some([0xfe, 0xed, 0xfa, 0xce | 0xcf] | [0xce | 0xcf, 0xfa, 0xed, 0xfe]) => {
                Some(Format::MachO)
            }
            _ => None,
        };
        if let Some(Err(truncation)) = format.map(|f| super::layout::check(data, f, file_len)) {
            return ImageError::Truncated {
                path: path.to_path_buf(),
                truncation,
            };
        }
        ImageError::format(
            path,
            format!("not an executable (ELF, PE or Mach-O): {}", sniff(head)),
        )
    })?;
    let format = format_of(kind, path, head)?;
    // Extents first: a cut-off file is named by its first part past the end, not by the
    // parser message of whichever table `object` happened to read first (or not at all:
    // a lost section name table reads as "no DWARF").
    super::layout::check(data, format, file_len).map_err(|truncation| ImageError::Truncated {
        path: path.to_path_buf(),
        truncation,
    })?;
    let file = object::File::parse(data)
        .map_err(|e| ImageError::format(path, format!("corrupt {} file: {e}", format.as_str())))?;
    let inside = |(off, size): (u64, u64)| off.checked_add(size).is_some_and(|end| end <= file_len);
    let sections = file
        .sections()
        .map(|s| section_info(&s, data, inside))
        .collect();
    let segments = file
        .segments()
        .map(|seg| segment_info(&seg, inside))
        .collect();
    let macho_pie = matches!(file.flags(), object::FileFlags::MachO { flags } if flags.0 & object::macho::MH_PIE.0 != 0);
    let build_id = file.build_id().ok().flatten().map(|b| b.to_vec());
    let debuglink = file
        .gnu_debuglink()
        .ok()
        .flatten()
        .map(|(name, crc)| (String::from_utf8_lossy(name).into_owned(), crc));
    Ok(Parsed {
        format,
        architecture: file.architecture(),
        is_64: file.is_64(),
        big_endian: !file.is_little_endian(),
        kind: file.kind(),
        entry: file.entry(),
        macho_pie,
        sections,
        segments,
        relative_address_base: file.relative_address_base(),
        build_id,
        debuglink,
        dynamic_symbol_count: file.dynamic_symbols().count(),
    })
}

/// The executable formats debugdoctor reads; a clear refusal for the other kinds
/// `object` recognises.
fn format_of(kind: object::FileKind, path: &Path, head: &[u8]) -> Result<Format, ImageError> {
    Ok(match kind {
        object::FileKind::Elf32 | object::FileKind::Elf64 => Format::Elf,
        object::FileKind::Pe32 | object::FileKind::Pe64 => Format::Pe,
        object::FileKind::MachO32 | object::FileKind::MachO64 => Format::MachO,
        // 0xcafebabe is also a Java class file's magic; there the next word is the
        // class version (>= 45), where a fat Mach-O has its small arch count (the
        // same test file(1) uses).
        object::FileKind::MachOFat32
            if head
                .get(4..8)
                .is_some_and(|n| u32::from_be_bytes([n[0], n[1], n[2], n[3]]) >= 20) =>
        {
            return Err(ImageError::format(
                path,
                "not an executable (ELF, PE or Mach-O): a Java class file",
            ))
        }
        object::FileKind::MachOFat32 | object::FileKind::MachOFat64 => {
            return Err(ImageError::format(
                path,
                "universal (fat) Mach-O; extract one architecture first (lipo -thin arm64)",
            ))
        }
        other => {
            return Err(ImageError::format(
                path,
                format!(
                "unsupported object format {other:?}; expected an executable (ELF, PE or Mach-O)"
            ),
            ))
        }
    })
}

/// One section as `Image` keeps it: name, addresses, the file range when it lies inside
/// the file, and how it is compressed.
fn section_info<'d, R: object::ReadRef<'d>>(
    s: &object::Section<'d, '_, R>,
    data: R,
    inside: impl Fn((u64, u64)) -> bool,
) -> SectionInfo {
    let name = match s.name() {
        Ok(n) => n.to_string(),
        Err(_) => String::from_utf8_lossy(s.name_bytes().unwrap_or(b"?")).into_owned(),
    };
    let segment = s.segment_name().ok().flatten().unwrap_or("").to_string();
    let stored_range = s.file_range();
    let characteristics = match s.flags() {
        object::SectionFlags::Coff { characteristics } => characteristics.0,
        _ => 0,
    };
    let mut info = SectionInfo {
        name,
        segment,
        address: s.address(),
        size: s.size(),
        file_range: stored_range.filter(|&r| inside(r)),
        stored_range,
        characteristics,
        compression: Compression::None,
        compressed_offset: 0,
        uncompressed_size: 0,
    };
    if let Ok(c) = s.compressed_file_range() {
        match c.format {
            // object also decodes Mach-O `__zdebug_*` ("ZLIB" + size): name it
            // by what is in the file, not by ELF's mechanism.
            object::CompressionFormat::Zlib
                if info.name.starts_with(".zdebug") || info.name.starts_with("__zdebug") =>
            {
                info.compression = Compression::ZdebugZlib;
            }
            object::CompressionFormat::Zlib => {
                info.compression = Compression::ElfZlib;
            }
            object::CompressionFormat::Zstandard => {
                info.compression = Compression::ElfZstd;
            }
            _ => {}
        }
        if info.is_compressed() {
            if let Some((off, _)) = info.file_range {
                info.compressed_offset = c.offset.saturating_sub(off);
            }
            info.uncompressed_size = c.uncompressed_size;
        }
    }
    // PE and Mach-O `.zdebug_*`: object leaves these alone (see facts.md).
    if !info.is_compressed()
        && (info.name.starts_with(".zdebug") || info.name.starts_with("__zdebug"))
    {
        let zhead = info
            .file_range
            .filter(|r| r.1 >= 12)
            .and_then(|(off, _)| data.read_bytes_at(off, 12).ok());
        if let Some(bytes) = zhead {
            if &bytes[..4] == b"ZLIB" {
                info.compression = Compression::ZdebugZlib;
                info.compressed_offset = 12;
                info.uncompressed_size = u64::from_be_bytes(bytes[4..12].try_into().unwrap());
            }
        }
    }
    info
}

/// One segment as `Image` keeps it; `writable_data` is what Go's build info search wants.
fn segment_info<'d, R: object::ReadRef<'d>>(
    seg: &object::Segment<'d, '_, R>,
    inside: impl Fn((u64, u64)) -> bool,
) -> SegmentInfo {
    let writable_data = match seg.flags() {
        // PT_LOAD with PF_W and without PF_X.
        object::SegmentFlags::Elf { p_flags, .. } => {
            let (w, x) = (object::elf::PF_W.0, object::elf::PF_X.0);
            p_flags.0 & (w | x) == w
        }
        // `seg.Prot == RW && seg.Maxprot == RW`.
        object::SegmentFlags::MachO {
            maxprot, initprot, ..
        } => maxprot.0 == 3 && initprot.0 == 3,
        _ => false,
    };
    let (off, size) = seg.file_range();
    SegmentInfo {
        name: seg.name().ok().flatten().unwrap_or("").to_string(),
        address: seg.address(),
        file_range: Some((off, size)).filter(|&r| r.1 > 0 && inside(r)),
        file_size: size,
        writable_data,
    }
}

/// Counts the named symbols and finds the [`KNOWN_SYMBOLS`] (ELF: one read of `.strtab`).
fn scan_symbols<'d, R: object::ReadRef<'d>>(file: &object::File<'d, R>) -> SymbolScan {
    let mut symbols = SymbolScan::default();
    match &file {
        object::File::Elf32(elf) => scan_elf_symbols(elf, &mut symbols),
        object::File::Elf64(elf) => scan_elf_symbols(elf, &mut symbols),
        _ => {
            for sym in file.symbols() {
                symbols.add(sym.name_bytes().unwrap_or(b""), sym.address(), sym.size());
            }
        }
    }
    symbols
}

/// Named symbols counted, and the first of each [`KNOWN_SYMBOLS`] name.
#[derive(Default)]
struct SymbolScan {
    count: usize,
    known: Vec<(&'static str, u64, u64)>,
}

impl SymbolScan {
    /// One entry of the symbol table, in table order (as `object`'s `symbols()`).
    fn add(&mut self, name: &[u8], address: u64, size: u64) {
        if name.is_empty() {
            return;
        }
        self.count += 1;
        if let Some(k) = KNOWN_SYMBOLS.iter().find(|k| k.as_bytes() == name) {
            if !self.known.iter().any(|x| x.0 == *k) {
                self.known.push((*k, address, size));
            }
        }
    }
}

/// ELF `.symtab` the way `object`'s `symbols()` walks it (entries from index 1, names
/// from the linked string table), with the string table read once rather than once per
/// name: on a file read on demand, that is one read instead of tens of thousands.
fn scan_elf_symbols<'d, Elf, R>(elf: &object::read::elf::ElfFile<'d, Elf, R>, out: &mut SymbolScan)
where
    Elf: object::read::elf::FileHeader,
    R: object::ReadRef<'d>,
{
    use object::read::elf::{SectionHeader, Sym};
    let endian = elf.endian();
    let table = elf.elf_symbol_table();
    let strtab = elf
        .elf_section_table()
        .section(table.string_section())
        .ok()
        .and_then(|h| h.data(endian, elf.data()).ok());
    let whole = strtab.map(|b| object::read::StringTable::new(b, 0, b.len() as u64));
    let each = table.strings();
    for sym in table.symbols().iter().skip(1) {
        let off = sym.st_name(endian);
        let name = match &whole {
            Some(t) => t.get(off),
            None => each.get(off),
        };
        out.add(
            name.unwrap_or(b""),
            sym.st_value(endian).into(),
            sym.st_size(endian).into(),
        );
    }
}

/// Bytes read to sniff a file's kind before parsing it (enough for `sniff`).
const HEAD_BYTES: u64 = 4096;

/// Largest binary accepted. Real Go binaries stay well below 1 GiB even with DWARF;
/// above this the input is refused.
const MAX_BYTES: u64 = 4 << 30;

/// ELF, PE (MZ) or Mach-O (thin, either byte order, or fat 32/64) magic: the one test of
/// "is this worth parsing as an executable", for opening a file and for walking a
/// directory alike.
pub fn has_executable_magic(data: &[u8]) -> bool {
    matches!(
        data.get(..4),
        Some(
            [0x7f, b'E', b'L', b'F']
                | [b'M', b'Z', _, _]
                | [0xfe, 0xed, 0xfa, 0xce | 0xcf]
                | [0xce | 0xcf, 0xfa, 0xed, 0xfe]
                | [0xca, 0xfe, 0xba, 0xbe | 0xbf]
        )
    )
}

fn sniff(data: &[u8]) -> String {
    if data.starts_with(b"\x89PNG") {
        return "a PNG image".into();
    }
    if data.starts_with(b"#!") {
        let line = data.split(|&b| b == b'\n').next().unwrap_or(b"");
        return format!(
            "a script ({})",
            String::from_utf8_lossy(&line[..line.len().min(60)])
        );
    }
    if data.starts_with(b"PK\x03\x04") {
        return "a zip archive".into();
    }
    if data.starts_with(b"!<arch>") {
        return "an ar archive (a Go package archive or static library), not an executable".into();
    }
    if data.starts_with(b"\x7fELF")
        || data.starts_with(b"MZ")
        || data.starts_with(&[0xcf, 0xfa, 0xed, 0xfe])
    {
        return "truncated or corrupt executable header".into();
    }
    // Zeros are valid UTF-8, but "a text file" would mislead for a blank or sparse file.
    if data.iter().all(|&b| b == 0) {
        return "only zero bytes (a blank or sparse file)".into();
    }
    if std::str::from_utf8(&data[..data.len().min(512)]).is_ok() {
        return "a text file".into();
    }
    "unrecognised data".into()
}
