//! DWARF via gimli: compile units with their producer flags, the DWARF version, and
//! `main.main` after its prologue, the way Delve places `break main.main`.

pub mod lines;
pub mod producer;
pub mod prologue;

use gimli::{EndianSlice, RunTimeEndian};
use rayon::prelude::*;

pub use producer::ProducerFlags;

use crate::binary::Image;

pub type Reader<'a> = EndianSlice<'a, RunTimeEndian>;
pub type Dwarf<'a> = gimli::Dwarf<Reader<'a>>;

/// The names a DWARF section may have in a file: ELF `.debug_x`, compressed `.zdebug_x`
/// (PE, old ELF), Mach-O `__debug_x` / `__zdebug_x`.
fn section_names(id: gimli::SectionId) -> [String; 4] {
    let base = id.name().trim_start_matches(".debug_");
    [
        format!(".debug_{base}"),
        format!(".zdebug_{base}"),
        format!("__debug_{base}"),
        format!("__zdebug_{base}"),
    ]
}

/// DWARF that is present but cannot be read: which section or unit, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DwarfError {
    /// A section's bytes cannot be read (past the end of the file, corrupt compression).
    Section(String),
    /// gimli rejected the data at `place` (`.debug_info`, or a unit at an offset).
    Parse {
        place: Option<String>,
        source: gimli::Error,
    },
}

impl std::fmt::Display for DwarfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DwarfError::Section(e) => f.write_str(e),
            DwarfError::Parse {
                place: Some(place),
                source,
            } => write!(f, "{place}: {source}"),
            DwarfError::Parse {
                place: None,
                source,
            } => write!(f, "{source}"),
        }
    }
}

impl std::error::Error for DwarfError {}

impl DwarfError {
    fn at(place: impl Into<String>) -> impl FnOnce(gimli::Error) -> DwarfError {
        let place = Some(place.into());
        move |source| DwarfError::Parse { place, source }
    }
}

impl From<gimli::Error> for DwarfError {
    fn from(source: gimli::Error) -> DwarfError {
        DwarfError::Parse {
            place: None,
            source,
        }
    }
}

/// Contents of one DWARF section of `image`, decompressed; empty when absent.
pub fn section(image: &Image, id: gimli::SectionId) -> Result<&[u8], String> {
    for name in section_names(id) {
        if let Some(i) = image.section_index(&name) {
            return image.section_bytes(i);
        }
    }
    Ok(&[])
}

/// The name of the section holding `.debug_info` and whether it is compressed.
pub fn info_section(image: &Image) -> Option<&crate::binary::SectionInfo> {
    section_names(gimli::SectionId::DebugInfo)
        .iter()
        .find_map(|n| image.section(n))
        .filter(|s| s.size > 0)
}

/// The DWARF sections debugdoctor reads (everything but location lists and the
/// type/macro/pubnames sections Go does not emit or we do not use).
const LOADED: &[gimli::SectionId] = &[
    gimli::SectionId::DebugAbbrev,
    gimli::SectionId::DebugAddr,
    gimli::SectionId::DebugInfo,
    gimli::SectionId::DebugLine,
    gimli::SectionId::DebugLineStr,
    gimli::SectionId::DebugRanges,
    gimli::SectionId::DebugRngLists,
    gimli::SectionId::DebugStr,
    gimli::SectionId::DebugStrOffsets,
];

/// Builds a gimli view of the image's DWARF. Sections are decompressed once, in parallel.
pub fn load(image: &Image) -> Result<Dwarf<'_>, DwarfError> {
    let endian = if image.big_endian() {
        RunTimeEndian::Big
    } else {
        RunTimeEndian::Little
    };
    // Inflate the sections gimli will touch in parallel (the dominant cost on big
    // binaries), and never the location lists: debugdoctor reads no variable locations,
    // and they are a quarter of Go's DWARF.
    let mut wanted: Vec<usize> = LOADED
        .iter()
        .filter_map(|&id| {
            section_names(id)
                .iter()
                .find_map(|n| image.section_index(n))
        })
        .collect();
    // Largest first, each thread taking the next when it is done: the two biggest
    // (.debug_info, .debug_line) start at once and the rest fill in behind the first to
    // finish.
    wanted.sort_by_key(|&i| std::cmp::Reverse(image.sections()[i].size));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = rayon::current_num_threads().min(wanted.len());
    (0..workers).into_par_iter().with_max_len(1).for_each(|_| {
        while let Some(&i) = wanted.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
            let _ = image.section_bytes(i);
        }
    });
    let mut first_err = None;
    let dwarf = gimli::Dwarf::load(|id| -> Result<Reader<'_>, gimli::Error> {
        if !LOADED.contains(&id) {
            return Ok(EndianSlice::new(&[], endian));
        }
        match section(image, id) {
            Ok(b) => Ok(EndianSlice::new(b, endian)),
            Err(e) => {
                first_err.get_or_insert(e);
                Ok(EndianSlice::new(&[], endian))
            }
        }
    })?;
    let mut dwarf = match first_err {
        Some(e) => return Err(DwarfError::Section(e)),
        None => dwarf,
    };
    // Go's units share one abbreviation table: parsed once here instead of each time a
    // unit is opened (every unit is opened several times).
    dwarf.populate_abbreviations_cache(gimli::AbbreviationsCacheStrategy::All);
    Ok(dwarf)
}

/// One compile unit: for Go, one package (its name is the import path).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Unit {
    pub name: String,
    pub producer: Option<String>,
    pub flags: ProducerFlags,
    pub version: u16,
    pub comp_dir: Option<String>,
    /// DW_AT_language (0x16 = Go).
    pub language: Option<u16>,
    #[serde(skip)]
    pub offset: usize,
}

impl Unit {
    pub fn is_go(&self) -> bool {
        self.language == Some(gimli::DW_LANG_Go.0)
            || self
                .producer
                .as_deref()
                .is_some_and(|p| p.starts_with("Go cmd/compile"))
    }
}

/// What the DWARF of a binary says at the unit level.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Summary {
    /// DWARF version of the Go units (Go writes one version for all of them); the highest
    /// version of any unit when there is no Go unit. C units linked in by cgo or the
    /// external linker follow the C compiler's default (gcc 11+: DWARF 5) and do not
    /// decide whether Delve can read the Go code (Delve 1.20.2 debugs such binaries).
    pub version: u16,
    pub units: Vec<Unit>,
}

impl Summary {
    pub fn go_units(&self) -> impl Iterator<Item = &Unit> {
        self.units.iter().filter(|u| u.is_go())
    }
    pub fn unit(&self, name: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.name == name)
    }
}

pub(crate) fn attr_string<'a>(
    dwarf: &Dwarf<'a>,
    unit: &gimli::Unit<Reader<'a>>,
    v: gimli::AttributeValue<Reader<'a>>,
) -> Option<String> {
    dwarf
        .attr_string(unit, v)
        .ok()
        .map(|s| String::from_utf8_lossy(s.slice()).into_owned())
}

/// Reads the root DIE of every unit: the headers in order (each says where the next
/// starts), the root DIEs in parallel.
pub fn summarize(dwarf: &Dwarf<'_>) -> Result<Summary, DwarfError> {
    let mut headers = Vec::new();
    let mut iter = dwarf.units();
    while let Some(header) = iter.next().map_err(DwarfError::at(".debug_info"))? {
        headers.push(header);
    }
    let version = headers.iter().map(|h| h.version()).max().unwrap_or(0);
    let roots: Vec<Result<Option<Unit>, DwarfError>> = headers
        .into_par_iter()
        .map(|header| root_unit(dwarf, header))
        .collect();
    // The first error in unit order, as a sequential read would report it.
    let units: Vec<Unit> = roots
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    let go_version = units.iter().filter(|u| u.is_go()).map(|u| u.version).max();
    Ok(Summary {
        version: go_version.unwrap_or(version),
        units,
    })
}

/// One unit's root DIE as a [`Unit`]; `None` when the unit has no DIE.
fn root_unit<'a>(
    dwarf: &Dwarf<'a>,
    header: gimli::UnitHeader<Reader<'a>>,
) -> Result<Option<Unit>, DwarfError> {
    let offset = header.offset().0;
    let unit = dwarf
        .unit(header)
        .map_err(DwarfError::at(format!(".debug_info unit at {offset:#x}")))?;
    let mut entries = unit.entries();
    let Some(root) = entries.next_dfs()? else {
        return Ok(None);
    };
    let get = |a| root.attr_value(a);
    let name = get(gimli::DW_AT_name)
        .and_then(|v| attr_string(dwarf, &unit, v))
        .unwrap_or_default();
    let producer = get(gimli::DW_AT_producer).and_then(|v| attr_string(dwarf, &unit, v));
    let comp_dir = get(gimli::DW_AT_comp_dir).and_then(|v| attr_string(dwarf, &unit, v));
    let language = match get(gimli::DW_AT_language) {
        Some(gimli::AttributeValue::Language(l)) => Some(l.0),
        Some(v) => v.udata_value().map(|x| x as u16),
        None => None,
    };
    Ok(Some(Unit {
        flags: producer
            .as_deref()
            .map(ProducerFlags::parse)
            .unwrap_or_default(),
        name,
        producer,
        version: unit.header.version(),
        comp_dir,
        language,
        offset,
    }))
}

/// Where a function-name breakpoint lands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FunctionLocation {
    pub function: String,
    /// Entry PC (what gdb's `info line FUNC` starts at).
    pub entry: u64,
    /// First PC after the prologue (what Delve's `break FUNC` uses).
    pub pc: u64,
    pub file: String,
    pub line: u64,
    /// Whether `pc` came from a `prologue_end` row (else the first statement of the entry line).
    pub after_prologue: bool,
}

/// Finds a function's DW_TAG_subprogram by its full name and computes the breakpoint
/// address as Delve's `FirstPCAfterPrologue(fn, sameline=false)`: the first line-table
/// row in [low_pc, high_pc) with `prologue_end`, else the first `is_stmt` row.
pub fn function_location(
    dwarf: &Dwarf<'_>,
    summary: &Summary,
    name: &str,
    rules: prologue::Rules,
) -> Option<FunctionLocation> {
    // Go names the unit after the package; try the owning package's unit first.
    let pkg = name.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
    let mut order: Vec<&Unit> = summary.units.iter().filter(|u| u.name == pkg).collect();
    order.extend(summary.units.iter().filter(|u| u.name != pkg));
    for u in order {
        let header = dwarf
            .debug_info
            .header_from_offset(gimli::DebugInfoOffset(u.offset))
            .ok()?;
        let unit = dwarf.unit(header).ok()?;
        let mut entries = unit.entries();
        while let Ok(Some(e)) = entries.next_dfs() {
            if e.tag() != gimli::DW_TAG_subprogram {
                continue;
            }
            let Some(n) = e.attr_value(gimli::DW_AT_name) else {
                continue;
            };
            if attr_string(dwarf, &unit, n).as_deref() != Some(name) {
                continue;
            }
            let low = match e.attr_value(gimli::DW_AT_low_pc) {
                Some(gimli::AttributeValue::Addr(a)) => a,
                Some(v @ gimli::AttributeValue::DebugAddrIndex(_)) => {
                    dwarf.attr_address(&unit, v).ok().flatten()?
                }
                _ => continue,
            };
            let high = match e.attr_value(gimli::DW_AT_high_pc) {
                Some(gimli::AttributeValue::Addr(a)) => a,
                Some(gimli::AttributeValue::Udata(n)) => low.saturating_add(n),
                Some(v) => v
                    .udata_value()
                    .map(|n| low.saturating_add(n))
                    .unwrap_or(low.saturating_add(1)),
                None => low.saturating_add(1),
            };
            return locate_in_lines(dwarf, &unit, name, (low, high), rules);
        }
    }
    None
}

fn locate_in_lines<'a>(
    dwarf: &Dwarf<'a>,
    unit: &gimli::Unit<Reader<'a>>,
    name: &str,
    (low, high): (u64, u64),
    rules: prologue::Rules,
) -> Option<FunctionLocation> {
    let program = unit.line_program.clone()?;
    let mut rows = program.rows();
    // The body's rows up to the first prologue_end (nothing after it can be picked).
    let mut body: Vec<prologue::PrologueRow<(String, u64)>> = Vec::new();
    while let Ok(Some((header, row))) = rows.next_row() {
        let a = row.address();
        if row.end_sequence() || a < low || a >= high {
            continue;
        }
        let file = row
            .file(header)
            .and_then(|f| file_path(dwarf, unit, header, f))
            .unwrap_or_default();
        let line = row.line().map(|l| l.get()).unwrap_or(0);
        body.push(prologue::PrologueRow {
            addr: a,
            place: (file, line),
            is_stmt: row.is_stmt(),
            prologue_end: row.prologue_end(),
        });
        if row.prologue_end() {
            break;
        }
    }
    body.sort_by_key(|r| r.addr);
    let picked = prologue::break_row(&body, low, false, rules);
    let (pc, after) = match picked {
        Some((i, after)) => (body[i].addr, after),
        None => (low, false),
    };
    // The place reported is the row at the chosen pc (the entry's row when Delve binds
    // at the entry); a function without any row has no location.
    let at = body.iter().rposition(|r| r.addr <= pc).unwrap_or(0);
    let (file, line) = body.into_iter().nth(at)?.place;
    Some(FunctionLocation {
        function: name.to_string(),
        entry: low,
        pc,
        file,
        line,
        after_prologue: after,
    })
}

/// Full path of a line-table file entry: directory joined with the name unless absolute.
pub fn file_path<'a>(
    dwarf: &Dwarf<'a>,
    unit: &gimli::Unit<Reader<'a>>,
    header: &gimli::LineProgramHeader<Reader<'a>>,
    file: &gimli::FileEntry<Reader<'a>>,
) -> Option<String> {
    let name = attr_string(dwarf, unit, file.path_name())?;
    if crate::pathname::is_abs(&name) {
        return Some(name);
    }
    let dir = file
        .directory(header)
        .and_then(|d| attr_string(dwarf, unit, d))
        .unwrap_or_default();
    if dir.is_empty() {
        Some(name)
    } else {
        Some(format!("{}/{}", dir.trim_end_matches('/'), name))
    }
}

/// Opens the unit at a `.debug_info` offset recorded in a [`Unit`].
pub fn open_unit<'a>(dwarf: &Dwarf<'a>, unit: &Unit) -> Option<gimli::Unit<Reader<'a>>> {
    open_unit_at(dwarf, unit.offset)
}

/// Opens the unit whose header is at `offset` in `.debug_info`.
pub fn open_unit_at<'a>(dwarf: &Dwarf<'a>, offset: usize) -> Option<gimli::Unit<Reader<'a>>> {
    let header = dwarf
        .debug_info
        .header_from_offset(gimli::DebugInfoOffset(offset))
        .ok()?;
    dwarf.unit(header).ok()
}

/// Number of DW_TAG_inlined_subroutine entries (inlined call sites) in a unit.
pub fn inlined_call_count(dwarf: &Dwarf<'_>, unit: &Unit) -> usize {
    let Some(u) = open_unit(dwarf, unit) else {
        return 0;
    };
    let mut entries = u.entries();
    let mut n = 0;
    while let Ok(Some(e)) = entries.next_dfs() {
        if e.tag() == gimli::DW_TAG_inlined_subroutine {
            n += 1;
        }
    }
    n
}

/// The source files a unit's line table names (directory joined), in table order.
pub fn unit_files(dwarf: &Dwarf<'_>, unit: &Unit) -> Vec<String> {
    let Some(u) = open_unit(dwarf, unit) else {
        return Vec::new();
    };
    let Some(program) = u.line_program.as_ref() else {
        return Vec::new();
    };
    let header = program.header();
    header
        .file_names()
        .iter()
        .filter_map(|f| file_path(dwarf, &u, header, f))
        .collect()
}
