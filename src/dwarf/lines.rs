//! One pass over every unit's DWARF: line-table rows, functions (concrete bodies and
//! inlined instances) and inlined call sites, indexed for breakpoint resolution the way
//! Delve's `BinaryInfo` holds them (`Sources`, `Functions`, `inlinedCallLines`).

use rayon::prelude::*;
use std::collections::HashMap;

use super::{Dwarf, Reader, Summary};

/// One line-table row (Delve's line state machine state).
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub addr: u64,
    pub file: u32,
    pub line: u32,
    pub is_stmt: bool,
    pub prologue_end: bool,
    pub unit: u32,
}

/// A function as Delve's `proc.Function`: name, concrete body (if any), inlined instances.
#[derive(Clone, Debug, Default)]
pub struct Function {
    pub name: String,
    /// Concrete body `[entry, end)`; `None` when only inlined (no standalone body).
    pub body: Option<(u64, u64)>,
    pub unit: u32,
    /// Low PCs of inlined instances, with the function they are inlined into.
    pub inlined: Vec<InlinedCall>,
    /// DW_AT_trampoline (wrappers for go/defer statements): Delve skips these for FILE:LINE.
    pub trampoline: bool,
}

/// One address range of one DW_TAG_inlined_subroutine (Delve's `inlRange`).
#[derive(Clone, Copy, Debug)]
pub struct InlRange {
    pub lo: u64,
    pub hi: u64,
    pub depth: isize,
    /// Global .debug_info offset of the inlined_subroutine DIE.
    pub id: usize,
}

#[derive(Clone, Debug)]
pub struct InlinedCall {
    pub low_pc: u64,
    pub call_file: Option<u32>,
    pub call_line: u32,
}

/// The index: everything `where` needs, built once.
#[derive(Debug, Default)]
pub struct LineIndex {
    /// Distinct full file paths (Delve's `bi.Sources`), sorted.
    pub files: Vec<String>,
    /// Every row of every sequence (end_sequence rows excluded), sorted by address.
    pub rows: Vec<Row>,
    /// Indices into `rows` sorted by (file, line, address): the rows of one file:line
    /// are one binary search away (a hash map entry per row cost most of the build).
    pub by_file_line: Vec<u32>,
    /// Functions by name; concrete bodies also in `bodies` (sorted by entry).
    pub functions: Vec<Function>,
    pub by_name: HashMap<String, usize>,
    pub bodies: Vec<(u64, u64, usize)>,
    /// (file, call line) → low PCs of inlined calls made from that line.
    pub inlined_call_lines: HashMap<(u32, u32), Vec<u64>>,
    /// Per unit (in `Summary::units` order): optimised?
    pub unit_optimized: Vec<bool>,
    pub unit_names: Vec<String>,
    /// Concrete function index → its inlined-call ranges, deepest first (DFS order kept).
    pub inl_ranges: HashMap<usize, Vec<InlRange>>,
    /// Low PC of an inlined call → the inlined function.
    pub inlined_at: HashMap<u64, usize>,
}

fn attr_str<'a>(
    d: &Dwarf<'a>,
    u: &gimli::Unit<Reader<'a>>,
    v: gimli::AttributeValue<Reader<'a>>,
) -> Option<String> {
    d.attr_string(u, v)
        .ok()
        .map(|s| String::from_utf8_lossy(s.slice()).into_owned())
}

impl LineIndex {
    pub fn file_id(&self, path: &str) -> Option<u32> {
        self.files
            .binary_search_by(|f| f.as_str().cmp(path))
            .ok()
            .map(|i| i as u32)
    }

    /// Delve's `PCToFunc`: the concrete function whose body holds `pc`.
    pub fn pc_to_func(&self, pc: u64) -> Option<usize> {
        let i = self.bodies.partition_point(|b| b.0 <= pc);
        let b = self.bodies.get(i.checked_sub(1)?)?;
        (pc < b.1).then_some(b.2)
    }

    /// Rows in `[lo, hi)`.
    pub fn rows_in(&self, lo: u64, hi: u64) -> &[Row] {
        let a = self.rows.partition_point(|r| r.addr < lo);
        let b = self.rows.partition_point(|r| r.addr < hi);
        &self.rows[a..b.max(a)]
    }

    /// The row describing `pc` (last row at or before it).
    pub fn row_at(&self, pc: u64) -> Option<&Row> {
        let i = self.rows.partition_point(|r| r.addr <= pc);
        self.rows.get(i.checked_sub(1)?)
    }

    /// Builds the index from all units. Errors in one unit skip that unit.
    /// Indices into `rows` of every row of exactly `file:line`, by address.
    pub fn line_rows(&self, file: u32, line: u32) -> &[u32] {
        let key = |i: &u32| {
            let r = &self.rows[*i as usize];
            (r.file, r.line)
        };
        let lo = self.by_file_line.partition_point(|i| key(i) < (file, line));
        let hi = self
            .by_file_line
            .partition_point(|i| key(i) <= (file, line));
        &self.by_file_line[lo..hi]
    }

    /// The distinct lines of `file` that have at least one row.
    pub fn file_lines(&self, file: u32) -> Vec<u32> {
        let f = |i: &u32| self.rows[*i as usize].file;
        let lo = self.by_file_line.partition_point(|i| f(i) < file);
        let hi = self.by_file_line.partition_point(|i| f(i) <= file);
        let mut v: Vec<u32> = self.by_file_line[lo..hi]
            .iter()
            .map(|&i| self.rows[i as usize].line)
            .collect();
        v.dedup();
        v
    }

    pub fn build(d: &Dwarf<'_>, summary: &Summary) -> LineIndex {
        let mut ix = LineIndex::default();
        // Units are independent: read them in parallel, each with its own file table,
        // then intern file names and merge in unit order (results are deterministic).
        let parts: Vec<UnitPart> = summary
            .units
            .par_iter()
            .enumerate()
            .map(|(ui, su)| unit_part(d, su, ui as u32))
            .collect();
        let mut names: HashMap<String, u32> = HashMap::new();
        let mut raw_files: Vec<String> = Vec::new();
        let mut origin_names: HashMap<usize, String> = HashMap::new();
        let mut ranges_all: Vec<InlRange> = Vec::new();
        let mut pending: Vec<Pending> = Vec::new();
        let mut rows: Vec<Row> = Vec::new();
        for (su, part) in summary.units.iter().zip(parts) {
            ix.unit_optimized.push(su.flags.optimized());
            ix.unit_names.push(su.name.clone());
            let global: Vec<u32> = part
                .files
                .into_iter()
                .map(|f| match names.get(&f) {
                    Some(&i) => i,
                    None => {
                        let i = raw_files.len() as u32;
                        names.insert(f.clone(), i);
                        raw_files.push(f);
                        i
                    }
                })
                .collect();
            rows.extend(part.rows.into_iter().map(|mut r| {
                r.file = global[r.file as usize];
                r
            }));
            pending.extend(part.pending.into_iter().map(|mut p| {
                p.call_file = p.call_file.map(|f| global[f as usize]);
                p
            }));
            origin_names.extend(part.origins);
            ranges_all.extend(part.ranges);
        }
        // Sort files and remap ids.
        let mut order: Vec<u32> = (0..raw_files.len() as u32).collect();
        order.sort_by(|a, b| raw_files[*a as usize].cmp(&raw_files[*b as usize]));
        let mut remap = vec![0u32; raw_files.len()];
        for (new, old) in order.iter().enumerate() {
            remap[*old as usize] = new as u32;
        }
        ix.files = order
            .iter()
            .map(|o| raw_files[*o as usize].clone())
            .collect();
        for r in rows.iter_mut() {
            r.file = remap[r.file as usize];
        }
        rows.sort_by_key(|r| r.addr);
        let key = |i: u32| {
            let r = &rows[i as usize];
            (r.file, r.line, i)
        };
        let mut order: Vec<u32> = (0..rows.len() as u32).collect();
        order.par_sort_unstable_by_key(|&i| key(i));
        ix.by_file_line = order;
        ix.rows = rows;
        for p in pending {
            let name = match (&p.name, p.origin) {
                (Some(n), _) if !p.inlined => n.clone(),
                (_, Some(o)) => match origin_names.get(&o) {
                    Some(n) => n.clone(),
                    None => continue,
                },
                (Some(n), None) => n.clone(),
                (None, None) => continue,
            };
            let idx = match ix.by_name.get(&name) {
                Some(&i) => i,
                None => {
                    ix.functions.push(Function {
                        name: name.clone(),
                        unit: p.unit,
                        ..Default::default()
                    });
                    ix.by_name.insert(name, ix.functions.len() - 1);
                    ix.functions.len() - 1
                }
            };
            if p.high == 0 {
                continue;
            }
            let call_file = p.call_file.map(|f| remap[f as usize]);
            if p.inlined {
                ix.inlined_at.entry(p.low).or_insert(idx);
                ix.functions[idx].inlined.push(InlinedCall {
                    low_pc: p.low,
                    call_file,
                    call_line: p.call_line,
                });
                if let Some(f) = call_file {
                    ix.inlined_call_lines
                        .entry((f, p.call_line))
                        .or_default()
                        .push(p.low);
                }
            } else if ix.functions[idx].body.is_none() {
                ix.functions[idx].body = Some((p.low, p.high));
                ix.functions[idx].unit = p.unit;
                ix.functions[idx].trampoline = p.trampoline;
                ix.bodies.push((p.low, p.high, idx));
            }
        }
        ix.bodies.sort();
        // Delve's allInlineCallRanges: deepest first, stable.
        ranges_all.sort_by_key(|r| std::cmp::Reverse(r.depth));
        for r in ranges_all {
            if let Some(f) = ix.pc_to_func(r.lo) {
                ix.inl_ranges.entry(f).or_default().push(r);
            }
        }
        ix
    }
}

/// What one unit contributes; file ids are indices into `files` (local to the unit).
#[derive(Default)]
struct UnitPart {
    files: Vec<String>,
    rows: Vec<Row>,
    pending: Vec<Pending>,
    origins: Vec<(usize, String)>,
    ranges: Vec<InlRange>,
}

/// A subprogram or inlined subroutine as read, before names are resolved across units.
struct Pending {
    origin: Option<usize>,
    name: Option<String>,
    low: u64,
    high: u64,
    unit: u32,
    inlined: bool,
    call_file: Option<u32>,
    call_line: u32,
    trampoline: bool,
}

fn unit_part(d: &Dwarf<'_>, su: &super::Unit, ui: u32) -> UnitPart {
    let mut out = UnitPart::default();
    let Some(unit) = super::open_unit(d, su) else {
        return out;
    };
    // Line table: file index → interned id.
    let mut fmap: HashMap<u64, u32> = HashMap::new();
    if let Some(program) = unit.line_program.clone() {
        let header = program.header().clone();
        let base = if header.version() >= 5 { 0 } else { 1 };
        for (k, f) in header.file_names().iter().enumerate() {
            if let Some(p) = super::file_path(d, &unit, &header, f) {
                fmap.insert(k as u64 + base, out.files.len() as u32);
                out.files.push(p);
            }
        }
        let mut it = program.rows();
        while let Ok(Some((_, row))) = it.next_row() {
            if row.end_sequence() {
                continue;
            }
            let Some(&file) = fmap.get(&row.file_index()) else {
                continue;
            };
            out.rows.push(Row {
                addr: row.address(),
                file,
                line: row.line().map(|l| l.get() as u32).unwrap_or(0),
                is_stmt: row.is_stmt(),
                prologue_end: row.prologue_end(),
                unit: ui,
            });
        }
    }
    // Functions and inlined subroutines.
    let mut entries = unit.entries();
    while let Ok(Some(e)) = entries.next_dfs() {
        let tag = e.tag();
        if tag != gimli::DW_TAG_subprogram && tag != gimli::DW_TAG_inlined_subroutine {
            continue;
        }
        let off = e.offset().to_debug_info_offset(&unit.header).map(|o| o.0);
        let name = e
            .attr_value(gimli::DW_AT_name)
            .and_then(|v| attr_str(d, &unit, v));
        if let (Some(n), Some(o)) = (&name, off) {
            out.origins.push((o, n.clone()));
        }
        let origin = match e.attr_value(gimli::DW_AT_abstract_origin) {
            Some(gimli::AttributeValue::UnitRef(r)) => {
                r.to_debug_info_offset(&unit.header).map(|o| o.0)
            }
            Some(gimli::AttributeValue::DebugInfoRef(r)) => Some(r.0),
            _ => None,
        };
        let low = match e.attr_value(gimli::DW_AT_low_pc) {
            Some(v) => d.attr_address(&unit, v).ok().flatten(),
            None => None,
        };
        let (low, high) = match low {
            Some(low) => {
                let high = match e.attr_value(gimli::DW_AT_high_pc) {
                    Some(gimli::AttributeValue::Udata(n)) => low.saturating_add(n),
                    Some(v) => d
                        .attr_address(&unit, v)
                        .ok()
                        .flatten()
                        .or_else(|| v.udata_value().map(|n| low.saturating_add(n)))
                        .unwrap_or(low.saturating_add(1)),
                    None => low.saturating_add(1),
                };
                (low, high)
            }
            None => {
                // DW_AT_ranges: take the lowest range (Delve uses ranges[0]).
                let mut best: Option<(u64, u64)> = None;
                if let Ok(mut rs) = d.die_ranges(&unit, e) {
                    while let Ok(Some(r)) = rs.next() {
                        if best.is_none() {
                            best = Some((r.begin, r.end));
                        }
                        if tag == gimli::DW_TAG_inlined_subroutine {
                            if let Some(o) = off {
                                out.ranges.push(InlRange {
                                    lo: r.begin,
                                    hi: r.end,
                                    depth: e.depth(),
                                    id: o,
                                });
                            }
                        }
                    }
                }
                match best {
                    Some(b) => b,
                    None => {
                        if tag == gimli::DW_TAG_subprogram {
                            if let Some(n) = name {
                                out.pending.push(Pending {
                                    origin: None,
                                    name: Some(n),
                                    low: 0,
                                    high: 0,
                                    unit: ui,
                                    inlined: false,
                                    call_file: None,
                                    call_line: 0,
                                    trampoline: false,
                                });
                            }
                        }
                        continue;
                    }
                }
            }
        };
        let inlined = tag == gimli::DW_TAG_inlined_subroutine;
        if inlined && e.attr_value(gimli::DW_AT_low_pc).is_some() {
            if let Some(o) = off {
                out.ranges.push(InlRange {
                    lo: low,
                    hi: high,
                    depth: e.depth(),
                    id: o,
                });
            }
        }
        let trampoline = matches!(
            e.attr_value(gimli::DW_AT_trampoline),
            Some(gimli::AttributeValue::Flag(true))
        ) || e
            .attr_value(gimli::DW_AT_trampoline)
            .and_then(|v| v.udata_value())
            .is_some_and(|v| v != 0);
        let call_file = e
            .attr_value(gimli::DW_AT_call_file)
            .and_then(|v| v.udata_value())
            .and_then(|k| fmap.get(&k).copied());
        let call_line = e
            .attr_value(gimli::DW_AT_call_line)
            .and_then(|v| v.udata_value())
            .unwrap_or(0) as u32;
        out.pending.push(Pending {
            origin,
            name,
            low,
            high,
            unit: ui,
            inlined,
            call_file,
            call_line,
            trampoline,
        });
    }
    out
}
