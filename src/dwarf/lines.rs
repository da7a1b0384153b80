//! The breakpoint index: line-table rows, functions (concrete bodies and inlined
//! instances) and inlined call sites, for resolution the way Delve's `BinaryInfo` holds
//! them (`Sources`, `Functions`, `inlinedCallLines`).
//!
//! Delve reads everything when it loads a binary. Here one parallel pass over the DIEs
//! collects functions and inlined calls (every function spec needs the full name set),
//! while line-table rows, the bulk of the work, are decoded per unit on first use: a
//! `FILE:LINE` spec only decodes the units whose file table names `FILE`, and a PC only
//! the unit of the function holding it. The address ranges of inlined calls (which split
//! a line's PCs between inlined copies) are likewise read per unit when first needed.
//! The file tables are read before the DIE walk, so a caller that already knows its
//! specs (`where`) has the units they need decoded during the walk instead of after it
//! ([`LineIndex::build_decoding`]).
//!
//! Units' code does not interleave, so a PC's row is found in its function's unit; a PC
//! outside every function falls back to searching all units.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::sync::{Arc, OnceLock};

use crate::memo::Memo;

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
    /// Position in the unit's reading order (DIE order, then range order): the
    /// tie-break of Delve's stable sort by depth.
    seq: u32,
}

/// A row as stored: 16 bytes (line and flags share a word), since big units decode to
/// hundreds of thousands of rows.
#[derive(Clone, Copy, Debug)]
struct Packed {
    addr: u64,
    file: u32,
    /// Line in the low 30 bits (larger lines are clamped); bit 31 is_stmt, bit 30
    /// prologue_end.
    line_flags: u32,
}

const LINE_MASK: u32 = (1 << 30) - 1;
const IS_STMT: u32 = 1 << 31;
const PROLOGUE_END: u32 = 1 << 30;

impl Packed {
    fn line(&self) -> u32 {
        self.line_flags & LINE_MASK
    }
    fn row(&self, unit: u32) -> Row {
        Row {
            addr: self.addr,
            file: self.file,
            line: self.line(),
            is_stmt: self.line_flags & IS_STMT != 0,
            prologue_end: self.line_flags & PROLOGUE_END != 0,
            unit,
        }
    }
}

/// The rows of one unit, decoded on first use.
#[derive(Debug, Default)]
struct UnitRows {
    /// Every row of every sequence (end_sequence rows excluded), sorted by address.
    rows: Vec<Packed>,
    /// Indices into `rows`, grouped by file, each group in (line, address) order.
    by_file_line: Vec<u32>,
    /// (file, start, end) of each file's group in `by_file_line`, sorted by file.
    file_groups: Vec<(u32, u32, u32)>,
}

impl UnitRows {
    /// Indices of the rows of `file`, by line.
    fn file_keys(&self, file: u32) -> &[u32] {
        match self.file_groups.binary_search_by_key(&file, |g| g.0) {
            Ok(i) => {
                let (_, a, b) = self.file_groups[i];
                &self.by_file_line[a as usize..b as usize]
            }
            Err(_) => &[],
        }
    }

    /// Indices of the rows of exactly `file:line`, by address.
    fn line_range(&self, file: u32, line: u32) -> &[u32] {
        let keys = self.file_keys(file);
        let line_of = |&k: &u32| self.rows[k as usize].line();
        let lo = keys.partition_point(|k| line_of(k) < line);
        let hi = lo + keys[lo..].partition_point(|k| line_of(k) <= line);
        &keys[lo..hi]
    }
}

/// Where a unit is and how its line table's file indices map to [`LineIndex::files`].
#[derive(Debug, Default)]
struct UnitMeta {
    offset: usize,
    /// Line-table file index → global file id (`NO_FILE` when the entry has no name).
    fmap: Vec<u32>,
}

const NO_FILE: u32 = u32::MAX;

/// The index: everything `where` needs. Functions are read up front, rows per unit.
#[derive(Default)]
pub struct LineIndex<'a> {
    dwarf: Option<Dwarf<'a>>,
    units: Vec<UnitMeta>,
    unit_rows: Vec<OnceLock<UnitRows>>,
    /// Distinct full file paths (Delve's `bi.Sources`), sorted.
    pub files: Vec<String>,
    /// File id → the units whose line table names it.
    file_units: Vec<Vec<u32>>,
    /// Functions by name; concrete bodies also in `bodies` (sorted by entry).
    pub functions: Vec<Function>,
    /// Function by its name's bytes as written in the DWARF.
    by_name: FxHashMap<&'a [u8], usize>,
    pub bodies: Vec<(u64, u64, usize)>,
    /// Per unit: its inlined calls, indexed by PC and call site.
    calls: Vec<UnitOut>,
    /// Per unit: the address ranges of its inlined calls, sorted by (lo, seq); expanded
    /// from `unit_inl` on first use (only `FILE:LINE` resolution needs them).
    unit_ranges: Vec<OnceLock<Vec<InlRange>>>,
    /// Per unit: its inlined calls as the index's DIE walk read them.
    unit_inl: Vec<UnitInl>,
    /// `inl_ranges` per function, computed on first use.
    inl_by_func: Memo<usize, Arc<[InlRange]>>,
    /// Low PCs of every function's inlined instances, grouped by function:
    /// `inlined_pcs[inlined_start[f]..inlined_start[f + 1]]`.
    inlined_pcs: Vec<u64>,
    inlined_start: Vec<u32>,
    /// Per unit (in `Summary::units` order): optimised?
    pub unit_optimized: Vec<bool>,
    pub unit_names: Vec<String>,
}

impl std::fmt::Debug for LineIndex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineIndex")
            .field("units", &self.units.len())
            .field("files", &self.files.len())
            .field("functions", &self.functions.len())
            .finish()
    }
}

fn utf8(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl<'a> LineIndex<'a> {
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

    /// The function of exactly this name.
    pub fn function_by_name(&self, name: &str) -> Option<usize> {
        self.by_name.get(name.as_bytes()).copied()
    }

    /// The low PC is that of an inlined call: the inlined function.
    pub fn inlined_at(&self, pc: u64) -> Option<usize> {
        let (u, _) = self.unit_of_pc(pc)?;
        let v = &self.calls.get(u as usize)?.inlined;
        let i = v.partition_point(|x| x.0 < pc);
        v.get(i).filter(|x| x.0 == pc).map(|x| x.1 as usize)
    }

    /// Low PCs of the inlined instances of function `f`, in reading order.
    pub fn inlined_pcs(&self, f: usize) -> &[u64] {
        match (self.inlined_start.get(f), self.inlined_start.get(f + 1)) {
            (Some(&a), Some(&b)) => &self.inlined_pcs[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Inlined calls whose call site is in `file`, from every unit naming the file.
    fn call_lines_of(&self, file: u32) -> impl Iterator<Item = &(u32, u32, u64)> + '_ {
        self.units_of_file(file).iter().flat_map(move |&u| {
            let v = &self.calls[u as usize].call_lines;
            let lo = v.partition_point(|x| x.0 < file);
            v[lo..].iter().take_while(move |x| x.0 == file)
        })
    }

    /// Low PCs of the inlined calls made from `file:line`.
    pub fn inlined_calls_at(&self, file: u32, line: u32) -> impl Iterator<Item = u64> + '_ {
        self.call_lines_of(file)
            .filter(move |x| x.1 == line)
            .map(|x| x.2)
    }

    /// Lines of `file` from which an inlined call is made.
    pub fn inlined_call_lines_of(&self, file: u32) -> impl Iterator<Item = u32> + '_ {
        self.call_lines_of(file).map(|x| x.1)
    }

    /// A concrete function's inlined-call ranges, deepest first (Delve's
    /// `allInlineCallRanges` order: stable by depth over reading order).
    pub fn inl_ranges(&self, f: usize) -> Arc<[InlRange]> {
        self.inl_by_func
            .get_or(&f, || self.compute_inl_ranges(f).into())
    }

    fn compute_inl_ranges(&self, f: usize) -> Vec<InlRange> {
        let Some((entry, end)) = self.functions.get(f).and_then(|x| x.body) else {
            return Vec::new();
        };
        let inl = self.ranges_of(self.functions[f].unit);
        let a = inl.partition_point(|r| r.lo < entry);
        let b = inl.partition_point(|r| r.lo < end);
        let mut v: Vec<InlRange> = inl[a..b.max(a)]
            .iter()
            .filter(|r| self.pc_to_func(r.lo) == Some(f))
            .copied()
            .collect();
        v.sort_by_key(|r| (std::cmp::Reverse(r.depth), r.seq));
        v
    }

    /// The inlined-call ranges of one unit, expanded on first use from what the index's
    /// DIE walk recorded (range lists are read now); a unit whose walk stopped early is
    /// walked again for them.
    fn ranges_of(&self, unit: u32) -> &[InlRange] {
        let Some(cell) = self.unit_ranges.get(unit as usize) else {
            return &[];
        };
        cell.get_or_init(|| {
            let (Some(d), Some(meta)) = (&self.dwarf, self.units.get(unit as usize)) else {
                return Vec::new();
            };
            let v = match self.unit_inl.get(unit as usize) {
                Some(inl) if inl.complete => expand_inl(d, meta.offset, &inl.recs),
                _ => {
                    let mut out = UnitPart::default();
                    if let Some(u) = super::open_unit_at(d, meta.offset) {
                        walk_dies(d, &u, Walk::Ranges, &mut out);
                    }
                    out.ranges
                }
            };
            in_address_order(v)
        })
    }

    /// The decoded rows of one unit.
    fn rows_of(&self, unit: u32) -> &UnitRows {
        self.unit_rows[unit as usize].get_or_init(|| self.decode_rows(unit))
    }

    /// Decodes, in parallel, the rows and inlined-call ranges of every unit naming one
    /// of `files`, largest units first.
    pub fn prefetch_files(&self, files: &[u32]) {
        let units = units_for_files(&self.units, &self.file_units, files);
        // Rows and ranges are separate tasks: a unit far bigger than the others (Go's
        // cmd/compile/internal/ssa) would otherwise keep one thread busy with both.
        let tasks: Vec<(u32, bool)> = units
            .iter()
            .flat_map(|&u| [(u, true), (u, false)])
            .collect();
        tasks.par_iter().with_max_len(1).for_each(|&(u, rows)| {
            if rows {
                self.rows_of(u);
            } else {
                self.ranges_of(u);
            }
        });
    }

    /// Decodes several units' rows in parallel (those not decoded yet).
    fn prefetch(&self, units: &[u32]) {
        let todo: Vec<u32> = units
            .iter()
            .copied()
            .filter(|&u| self.unit_rows[u as usize].get().is_none())
            .collect();
        if todo.len() > 1 {
            todo.par_iter().for_each(|&u| {
                self.rows_of(u);
            });
        }
    }

    fn all_units(&self) -> Vec<u32> {
        (0..self.units.len() as u32).collect()
    }

    fn decode_rows(&self, ui: u32) -> UnitRows {
        match (&self.dwarf, self.units.get(ui as usize)) {
            (Some(d), Some(meta)) => decode_rows(d, meta, self.files.len()),
            _ => UnitRows::default(),
        }
    }

    /// The unit whose line table covers `pc`, when a function body holds it.
    fn unit_of_pc(&self, pc: u64) -> Option<(u32, u64)> {
        let f = self.pc_to_func(pc)?;
        let func = &self.functions[f];
        Some((func.unit, func.body?.0))
    }

    /// The row describing `pc` (last row at or before it).
    pub fn row_at(&self, pc: u64) -> Option<Row> {
        // The unit of the function holding `pc` has the answer when it has a row between
        // the function's entry and `pc` (units' code does not interleave).
        if let Some((u, entry)) = self.unit_of_pc(pc) {
            let rows = &self.rows_of(u).rows;
            let i = rows.partition_point(|r| r.addr <= pc);
            if let Some(r) = i.checked_sub(1).map(|i| rows[i].row(u)) {
                if r.addr >= entry {
                    return Some(r);
                }
            }
        }
        let all = self.all_units();
        self.prefetch(&all);
        all.iter()
            .filter_map(|&u| {
                let rows = &self.rows_of(u).rows;
                let i = rows.partition_point(|r| r.addr <= pc);
                i.checked_sub(1).map(|i| rows[i].row(u))
            })
            .max_by_key(|r| (r.addr, r.unit))
    }

    /// Rows in `[lo, hi)`, by address.
    pub fn rows_in(&self, lo: u64, hi: u64) -> Vec<Row> {
        let units = match self.unit_of_pc(lo) {
            Some((u, entry)) if entry == lo => vec![u],
            _ => self.all_units(),
        };
        self.prefetch(&units);
        let mut v: Vec<Row> = Vec::new();
        for u in units {
            let rows = &self.rows_of(u).rows;
            let a = rows.partition_point(|r| r.addr < lo);
            let b = rows.partition_point(|r| r.addr < hi);
            v.extend(rows[a..b.max(a)].iter().map(|r| r.row(u)));
        }
        v.sort_by_key(|r| r.addr);
        v
    }

    fn units_of_file(&self, file: u32) -> &[u32] {
        self.file_units
            .get(file as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// (pc, is_stmt) of every row of exactly `file:line`.
    pub fn line_rows(&self, file: u32, line: u32) -> Vec<(u64, bool)> {
        let units = self.units_of_file(file);
        self.prefetch(units);
        let mut v = Vec::new();
        for &u in units {
            let ur = self.rows_of(u);
            v.extend(ur.line_range(file, line).iter().map(|&k| {
                let r = &ur.rows[k as usize];
                (r.addr, r.line_flags & IS_STMT != 0)
            }));
        }
        v
    }

    /// The distinct lines of `file` that have at least one row.
    pub fn file_lines(&self, file: u32) -> Vec<u32> {
        let units = self.units_of_file(file);
        self.prefetch(units);
        let mut v = Vec::new();
        for &u in units {
            let ur = self.rows_of(u);
            v.extend(
                ur.file_keys(file)
                    .iter()
                    .map(|&k| ur.rows[k as usize].line()),
            );
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Reads every unit's file table and DIEs (in parallel), and merges them in unit
    /// order so results are deterministic. Errors in one unit skip that unit. Each step
    /// below is one pass (parallel per unit where it can be).
    pub fn build(d: Dwarf<'a>, summary: &Summary) -> LineIndex<'a> {
        LineIndex::build_decoding(d, summary, |_| Vec::new())
    }

    /// [`build`](Self::build), and meanwhile (while the DIEs are walked) the rows of the
    /// units naming the files `pick` chooses from the file list: those `FILE:LINE` specs
    /// will need. Without this they are decoded only after the walk.
    pub fn build_decoding(
        d: Dwarf<'a>,
        summary: &Summary,
        pick: impl FnOnce(&[String]) -> Vec<u32>,
    ) -> LineIndex<'a> {
        let tables: Vec<Vec<Option<String>>> = summary
            .units
            .par_iter()
            .map(|su| unit_files(&d, su))
            .collect();
        let mut ix = LineIndex {
            unit_optimized: summary.units.iter().map(|u| u.flags.optimized()).collect(),
            unit_names: summary.units.iter().map(|u| u.name.clone()).collect(),
            unit_rows: summary.units.iter().map(|_| OnceLock::new()).collect(),
            unit_ranges: summary.units.iter().map(|_| OnceLock::new()).collect(),
            ..Default::default()
        };
        let fmaps = ix.merge_files(tables);
        let units: Vec<UnitMeta> = summary
            .units
            .iter()
            .zip(fmaps)
            .map(|(su, fmap)| UnitMeta {
                offset: su.offset,
                fmap,
            })
            .collect();
        let early = units_for_files(&units, &ix.file_units, &pick(&ix.files));
        let nfiles = ix.files.len();
        let ((), rows) = rayon::join(
            || ix.read_functions(&d, summary, &units),
            || {
                early
                    .par_iter()
                    .with_max_len(1)
                    .map(|&u| (u, decode_rows(&d, &units[u as usize], nfiles)))
                    .collect::<Vec<_>>()
            },
        );
        for (u, r) in rows {
            let _ = ix.unit_rows[u as usize].set(r);
        }
        ix.units = units;
        ix.dwarf = Some(d);
        ix
    }

    /// Functions and inlined calls from every unit's DIEs.
    fn read_functions(&mut self, d: &Dwarf<'a>, summary: &Summary, units: &[UnitMeta]) {
        let mut parts: Vec<UnitPart<'a>> = summary
            .units
            .par_iter()
            .map(|su| unit_part(d, su))
            .collect();
        let locals = name_functions(&mut parts, units);
        self.unit_inl = parts
            .iter_mut()
            .map(|p| UnitInl {
                recs: std::mem::take(&mut p.inl),
                complete: p.complete,
            })
            .collect();
        let globals = self.assign_function_ids(&locals);
        let mut calls = unit_outputs(&mut parts, &globals);
        drop(globals);
        drop(parts);
        self.place_bodies(&calls);
        self.group_inlined(&calls);
        calls.par_iter_mut().for_each(|o| {
            o.bodies = Vec::new();
            // Stable: the first inlined call at a PC names it.
            o.inlined.sort_by_key(|x| x.0);
            o.inlined.dedup_by_key(|x| x.0);
        });
        self.bodies.sort_unstable();
        self.calls = calls;
    }

    /// Files: distinct paths, sorted; each unit's table mapped onto them (returned, one
    /// map per unit), and the units that name each file.
    fn merge_files(&mut self, tables: Vec<Vec<Option<String>>>) -> Vec<Vec<u32>> {
        // Each distinct path numbered as first seen (units repeat most of their files),
        // then the numbers mapped to the paths' sorted order.
        let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
        let mut distinct: Vec<&str> = Vec::new();
        let first: Vec<Vec<u32>> = tables
            .iter()
            .map(|t| {
                t.iter()
                    .map(|f| match f {
                        Some(f) => *seen.entry(f.as_str()).or_insert_with(|| {
                            distinct.push(f.as_str());
                            distinct.len() as u32 - 1
                        }),
                        None => NO_FILE,
                    })
                    .collect()
            })
            .collect();
        let mut order: Vec<u32> = (0..distinct.len() as u32).collect();
        order.sort_unstable_by_key(|&i| distinct[i as usize]);
        let mut rank = vec![0u32; distinct.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        let fmaps: Vec<Vec<u32>> = first
            .into_iter()
            .map(|mut m| {
                for g in m.iter_mut().filter(|g| **g != NO_FILE) {
                    *g = rank[*g as usize];
                }
                m
            })
            .collect();
        self.files = order
            .iter()
            .map(|&i| distinct[i as usize].to_string())
            .collect();
        drop(seen);
        drop(distinct);
        drop(tables);
        self.file_units = vec![Vec::new(); self.files.len()];
        for (ui, fmap) in fmaps.iter().enumerate() {
            let mut mine: Vec<u32> = fmap.iter().copied().filter(|&g| g != NO_FILE).collect();
            mine.sort_unstable();
            mine.dedup();
            for g in mine {
                self.file_units[g as usize].push(ui as u32);
            }
        }
        fmaps
    }

    /// Function ids in unit order, then name order: the only sequential step. Returns,
    /// per unit, the global id of each of its local names.
    fn assign_function_ids(&mut self, locals: &[UnitNames<'a>]) -> Vec<Vec<u32>> {
        let total: usize = locals.iter().map(|u| u.names.len()).sum();
        let mut by_name: FxHashMap<&'a [u8], usize> =
            FxHashMap::with_capacity_and_hasher(total, Default::default());
        self.functions.reserve(total);
        let globals = locals
            .iter()
            .enumerate()
            .map(|(ui, u)| {
                u.names
                    .iter()
                    .map(|&name| {
                        *by_name.entry(name).or_insert_with(|| {
                            self.functions.push(Function {
                                name: utf8(name),
                                unit: ui as u32,
                                ..Default::default()
                            });
                            self.functions.len() - 1
                        }) as u32
                    })
                    .collect()
            })
            .collect();
        self.by_name = by_name;
        globals
    }

    /// The first concrete body of a name (in unit order) is the function's body.
    fn place_bodies(&mut self, calls: &[UnitOut]) {
        for o in calls {
            for &(idx, low, high, unit, trampoline) in &o.bodies {
                let f = &mut self.functions[idx as usize];
                if f.body.is_none() {
                    f.body = Some((low, high));
                    f.unit = unit;
                    f.trampoline = trampoline;
                    self.bodies.push((low, high, idx as usize));
                }
            }
        }
    }

    /// Inlined instances grouped by function (a counting sort keeps reading order).
    fn group_inlined(&mut self, calls: &[UnitOut]) {
        let mut start = vec![0u32; self.functions.len() + 1];
        for o in calls {
            for &(_, idx) in &o.inlined {
                start[idx as usize + 1] += 1;
            }
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut fill = start.clone();
        self.inlined_pcs = vec![0; *start.last().unwrap_or(&0) as usize];
        for o in calls {
            for &(low, idx) in &o.inlined {
                self.inlined_pcs[fill[idx as usize] as usize] = low;
                fill[idx as usize] += 1;
            }
        }
        self.inlined_start = start;
    }
}

/// Names through abstract origins, in parallel: per unit, each sub's function name as an
/// index into the unit's distinct names (first-appearance order), and call files mapped
/// to global file ids.
fn name_functions<'a>(parts: &mut [UnitPart<'a>], units: &[UnitMeta]) -> Vec<UnitNames<'a>> {
    // Named DIEs are sorted by offset (units are in offset order, DIEs in DFS order,
    // which is offset order).
    let named: Vec<(usize, &'a [u8])> =
        parts.iter().flat_map(|p| p.named.iter().copied()).collect();
    let name_at = |off: usize| -> Option<&'a [u8]> {
        named
            .binary_search_by_key(&off, |x| x.0)
            .ok()
            .map(|i| named[i].1)
    };
    parts
        .par_iter_mut()
        .zip(units)
        .map(|(p, UnitMeta { fmap, .. })| {
            let mut u = UnitNames::default();
            let mut by_name: FxHashMap<&'a [u8], u32> = FxHashMap::default();
            // Inlined calls repeat their origins: offsets hash faster than names.
            let mut by_origin: FxHashMap<usize, u32> = FxHashMap::default();
            for s in p.subs.iter_mut() {
                s.call_file = fmap.get(s.call_file as usize).copied().unwrap_or(NO_FILE);
                // A concrete body names itself; an inlined call, or a body that only
                // points at its abstract origin, takes the origin's name.
                let via = s.origin().filter(|_| s.inlined || s.own_name.is_none());
                if let Some(&k) = via.and_then(|o| by_origin.get(&o)) {
                    s.local = k;
                    continue;
                }
                let name = match via {
                    Some(o) => name_at(o),
                    None => s.own_name,
                };
                let Some(name) = name else {
                    s.local = u32::MAX;
                    continue;
                };
                let k = *by_name.entry(name).or_insert_with(|| {
                    u.names.push(name);
                    u.names.len() as u32 - 1
                });
                if let Some(o) = via {
                    by_origin.insert(o, k);
                }
                s.local = k;
            }
            u
        })
        .collect()
}

/// Per unit: what each sub contributes, by function id, sorted for lookup.
fn unit_outputs(parts: &mut [UnitPart<'_>], globals: &[Vec<u32>]) -> Vec<UnitOut> {
    parts
        .par_iter_mut()
        .zip(globals)
        .enumerate()
        .map(|(ui, (p, global))| {
            let mut o = UnitOut::default();
            for s in &p.subs {
                let Some(&idx) = global.get(s.local as usize) else {
                    continue;
                };
                if s.high == 0 {
                    continue;
                }
                if s.inlined {
                    o.inlined.push((s.low, idx));
                    if s.call_file != NO_FILE {
                        o.call_lines.push((s.call_file, s.call_line, s.low));
                    }
                } else {
                    o.bodies.push((idx, s.low, s.high, ui as u32, s.trampoline));
                }
            }
            o.call_lines.sort_unstable();
            o
        })
        .collect()
}

/// A unit's distinct function names, in first-appearance order.
#[derive(Default)]
struct UnitNames<'a> {
    names: Vec<&'a [u8]>,
}

/// What a unit's subprograms and inlined subroutines contribute, by function id.
#[derive(Debug, Default)]
struct UnitOut {
    /// (low PC, function) of inlined calls; sorted by PC once built, first one kept.
    inlined: Vec<(u64, u32)>,
    /// (call file, call line, low PC) of inlined calls, sorted.
    call_lines: Vec<(u32, u32, u64)>,
    /// (function, low, high, unit, trampoline) of concrete bodies, in reading order
    /// (emptied once bodies are assigned).
    bodies: Vec<(u32, u64, u64, u32, bool)>,
}

/// What one unit contributes; `call_file`s are indices into the unit's file table
/// until the merge maps them to global file ids.
#[derive(Default)]
struct UnitPart<'a> {
    subs: Vec<Sub<'a>>,
    /// (offset, name) of every named subprogram or inlined subroutine, in DIE order.
    named: Vec<(usize, &'a [u8])>,
    ranges: Vec<InlRange>,
    /// Every inlined call, in DIE order (`Walk::Index`).
    inl: Vec<InlRec>,
    /// The DIE walk read the whole unit (it stops at the first error).
    complete: bool,
}

/// An inlined call as the index's DIE walk read it: its one range, or where its range
/// list is (expanded when a `FILE:LINE` spec first needs the unit's ranges).
struct InlRec {
    id: usize,
    depth: isize,
    lo: u64,
    hi: u64,
    /// `.debug_rnglists`/`.debug_ranges` offset of its DW_AT_ranges (`NONE`: `lo..hi`).
    list: u64,
}

/// One unit's inlined calls, kept from the index build.
#[derive(Default)]
struct UnitInl {
    recs: Vec<InlRec>,
    complete: bool,
}

/// A unit's inlined-call ranges (in reading order) numbered in that order and sorted
/// by (address, number).
fn in_address_order(mut v: Vec<InlRange>) -> Vec<InlRange> {
    for (i, r) in v.iter_mut().enumerate() {
        r.seq = i as u32;
    }
    v.sort_unstable_by_key(|r| (r.lo, r.seq));
    v
}

/// Every range of the recorded inlined calls of the unit at `offset`, in reading order:
/// what [`Walk::Ranges`] collects, without walking the DIEs again.
fn expand_inl<'a>(d: &Dwarf<'a>, offset: usize, recs: &[InlRec]) -> Vec<InlRange> {
    let mut unit: Option<Option<gimli::Unit<Reader<'a>>>> = None;
    let mut v = Vec::with_capacity(recs.len());
    for r in recs {
        let push = |v: &mut Vec<InlRange>, lo: u64, hi: u64| {
            v.push(InlRange {
                lo,
                hi,
                depth: r.depth,
                id: r.id,
                seq: 0,
            })
        };
        if r.list == NONE {
            push(&mut v, r.lo, r.hi);
            continue;
        }
        let Some(u) = unit.get_or_insert_with(|| super::open_unit_at(d, offset)) else {
            continue;
        };
        let Ok(mut rs) = d.ranges(u, gimli::RangeListsOffset(r.list as usize)) else {
            continue;
        };
        while let Ok(Some(x)) = rs.next() {
            push(&mut v, x.begin, x.end);
        }
    }
    v
}

/// A subprogram or inlined subroutine as read, before names are resolved across units.
/// Kept small (56 bytes): a big binary has a hundred thousand of these at once.
struct Sub<'a> {
    /// Offset of the abstract origin DIE (`NONE`: no origin).
    origin: u64,
    /// DW_AT_name of the DIE itself.
    own_name: Option<&'a [u8]>,
    /// Index of the function's name (its own or its abstract origin's) among the
    /// unit's distinct names; set by the merge (`u32::MAX`: no name).
    local: u32,
    low: u64,
    high: u64,
    inlined: bool,
    /// Line-table file index of the call site; a global file id after the merge
    /// (`u32::MAX`: none).
    call_file: u32,
    call_line: u32,
    trampoline: bool,
}

const NONE: u64 = u64::MAX;

impl Sub<'_> {
    fn origin(&self) -> Option<usize> {
        (self.origin != NONE).then_some(self.origin as usize)
    }
}

/// The attributes of a subprogram or inlined subroutine that the index uses.
#[derive(Default)]
struct SubAttrs<'a> {
    name: Option<&'a [u8]>,
    origin: Option<usize>,
    low: Option<gimli::AttributeValue<Reader<'a>>>,
    high: Option<gimli::AttributeValue<Reader<'a>>>,
    ranges: Option<gimli::AttributeValue<Reader<'a>>>,
    call_file: Option<u64>,
    call_line: u32,
    trampoline: bool,
}

/// The unit's line-table files by file index (`None` for unnamed ones, and index 0
/// before DWARF 5).
fn unit_files(d: &Dwarf<'_>, su: &super::Unit) -> Vec<Option<String>> {
    let mut files = Vec::new();
    let Some(unit) = super::open_unit(d, su) else {
        return files;
    };
    if let Some(program) = unit.line_program.as_ref() {
        let header = program.header();
        if header.version() < 5 {
            files.push(None);
        }
        for f in header.file_names() {
            files.push(super::file_path(d, &unit, header, f));
        }
    }
    files
}

fn unit_part<'a>(d: &Dwarf<'a>, su: &super::Unit) -> UnitPart<'a> {
    let mut out = UnitPart::default();
    let Some(unit) = super::open_unit(d, su) else {
        return out;
    };
    out.complete = walk_dies(d, &unit, Walk::Index, &mut out);
    // Units are read in parallel and all kept until the merge: do not keep the
    // doubling slack of their vectors too (it set the peak memory of `where`).
    out.subs.shrink_to_fit();
    out.named.shrink_to_fit();
    out.inl.shrink_to_fit();
    out
}

/// The rows of one unit's line program, sorted and indexed by (file, line).
fn decode_rows(d: &Dwarf<'_>, meta: &UnitMeta, nfiles: usize) -> UnitRows {
    let mut out = UnitRows::default();
    let Some(unit) = super::open_unit_at(d, meta.offset) else {
        return out;
    };
    let Some(program) = unit.line_program.clone() else {
        return out;
    };
    // About one row per byte of line program at most: reserve once, no regrowth
    // (untouched capacity costs nothing; big ones are served by huge pages).
    out.rows = crate::binary::hugepage::vec_with_capacity(program.header().raw_program_buf().len());
    gimli_rows(program, &meta.fmap, &mut out.rows);
    // Sequences are mostly in address order already (Go's units are sorted as
    // written): checking first saves a stable sort's scratch buffer.
    if !out.rows.is_sorted_by_key(|r| r.addr) {
        out.rows.sort_by_key(|r| r.addr);
    }
    (out.by_file_line, out.file_groups) = by_file_line(&out.rows, &meta.fmap, nfiles);
    out
}

/// The rows of a line program as gimli's `LineRows` yields them (up to its first
/// error), end_sequence rows and rows of unnamed files left out.
fn gimli_rows(
    program: gimli::IncompleteLineProgram<Reader<'_>>,
    fmap: &[u32],
    rows: &mut Vec<Packed>,
) {
    let mut it = program.rows();
    while let Ok(Some((_, row))) = it.next_row() {
        if row.end_sequence() {
            continue;
        }
        let file = usize::try_from(row.file_index())
            .ok()
            .and_then(|k| fmap.get(k).copied())
            .unwrap_or(NO_FILE);
        if file == NO_FILE {
            continue;
        }
        let line = row
            .line()
            .map_or(0, |l| l.get().min(u64::from(LINE_MASK)) as u32);
        rows.push(Packed {
            addr: row.address(),
            file,
            line_flags: line
                | if row.is_stmt() { IS_STMT } else { 0 }
                | if row.prologue_end() { PROLOGUE_END } else { 0 },
        });
    }
}

/// The units naming any of `files`, each once, largest first.
fn units_for_files(units: &[UnitMeta], file_units: &[Vec<u32>], files: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = files
        .iter()
        .filter_map(|&f| file_units.get(f as usize))
        .flatten()
        .copied()
        .collect();
    out.sort_unstable();
    out.dedup();
    let size = |u: u32| {
        let next = units.get(u as usize + 1).map_or(usize::MAX, |m| m.offset);
        next.saturating_sub(units[u as usize].offset)
    };
    out.sort_by_key(|&u| std::cmp::Reverse(size(u)));
    out
}

thread_local! {
    /// Global file id → rank among one unit's files (`u32::MAX` between uses).
    static FILE_RANK: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
    /// [`by_file_line`]'s scratch: row indices in line order.
    static BY_LINE: std::cell::Cell<Vec<u32>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Lines above this are ordered by comparison instead of counting.
const COUNTED_LINES: u32 = 1 << 20;

/// Indices of `rows` ordered by (file, line, index), and each file's (file, start, end)
/// in them, files being the unit's own (`fmap`'s global ids, in order). Two stable
/// counting sorts, by line then by file, over indices already in order: no comparisons.
fn by_file_line(rows: &[Packed], fmap: &[u32], files: usize) -> (Vec<u32>, Vec<(u32, u32, u32)>) {
    let mut mine: Vec<u32> = fmap
        .iter()
        .copied()
        .filter(|&g| (g as usize) < files)
        .collect();
    mine.sort_unstable();
    mine.dedup();
    FILE_RANK.with(|cell| {
        let mut rank = cell.borrow_mut();
        if rank.len() < files {
            rank.resize(files, u32::MAX);
        }
        for (i, &g) in mine.iter().enumerate() {
            rank[g as usize] = i as u32;
        }
        let rank_of = |r: &Packed| {
            rank.get(r.file as usize)
                .copied()
                .filter(|&k| k != u32::MAX)
        };
        let max_line = rows.iter().map(Packed::line).max().unwrap_or(0);
        let n = mine.len();
        let mut start = vec![0u32; n + 1];
        for r in rows {
            if let Some(k) = rank_of(r) {
                start[k as usize + 1] += 1;
            }
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        // Indices by line (stable), or all of them when lines are too large to count;
        // in a buffer the thread keeps (fresh memory costs a page fault per 4 KiB).
        let mut by_line = BY_LINE.take();
        by_line.clear();
        if max_line < COUNTED_LINES {
            let mut at = vec![0u32; max_line as usize + 2];
            for r in rows {
                at[r.line() as usize + 1] += 1;
            }
            for i in 1..at.len() {
                at[i] += at[i - 1];
            }
            by_line.resize(rows.len(), 0);
            for (i, r) in rows.iter().enumerate() {
                let slot = &mut at[r.line() as usize];
                by_line[*slot as usize] = i as u32;
                *slot += 1;
            }
        } else {
            by_line.extend(0..rows.len() as u32);
        }
        let mut keys = vec![0u32; start[n] as usize];
        let mut fill = start.clone();
        for &i in &by_line {
            let r = &rows[i as usize];
            if let Some(k) = rank_of(r) {
                let slot = &mut fill[k as usize];
                keys[*slot as usize] = i;
                *slot += 1;
            }
        }
        let mut groups = Vec::new();
        for (k, w) in start.windows(2).enumerate() {
            if w[0] < w[1] {
                if max_line >= COUNTED_LINES {
                    keys[w[0] as usize..w[1] as usize]
                        .sort_unstable_by_key(|&i| (rows[i as usize].line(), i));
                }
                groups.push((mine[k], w[0], w[1]));
            }
        }
        for &g in &mine {
            rank[g as usize] = u32::MAX;
        }
        BY_LINE.set(by_line);
        (keys, groups)
    })
}

/// What a DIE walk collects.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// Functions and inlined calls (their first range only), for the index.
    Index,
    /// Every address range of every inlined call, for one unit on demand.
    Ranges,
}

/// Walks a unit's raw DIEs: only subprograms and inlined subroutines have their
/// attributes decoded (in `Walk::Ranges`, only inlined subroutines); everything else
/// (variables, parameters, types: most of Go's DIEs) is skipped. True when it read the
/// whole unit, false when it stopped at an error.
fn walk_dies<'a>(
    d: &Dwarf<'a>,
    unit: &gimli::Unit<Reader<'a>>,
    walk: Walk,
    out: &mut UnitPart<'a>,
) -> bool {
    let Ok(mut raw) = unit.entries_raw(None) else {
        return false;
    };
    while !raw.is_empty() {
        let depth = raw.next_depth();
        let off = raw
            .next_offset()
            .to_debug_info_offset(&unit.header)
            .map(|o| o.0);
        let Ok(abbrev) = raw.read_abbreviation() else {
            return false;
        };
        let Some(abbrev) = abbrev else { continue };
        let tag = abbrev.tag();
        let wanted = tag == gimli::DW_TAG_inlined_subroutine
            || tag == gimli::DW_TAG_subprogram && walk == Walk::Index;
        if !wanted {
            if raw.skip_attributes(abbrev.attributes()).is_err() {
                return false;
            }
            continue;
        }
        let mut a = SubAttrs::default();
        let mut ok = true;
        for spec in abbrev.attributes() {
            let Ok(attr) = raw.read_attribute(*spec) else {
                ok = false;
                break;
            };
            match attr.name() {
                gimli::DW_AT_name => {
                    a.name = d.attr_string(unit, attr.value()).ok().map(|s| s.slice())
                }
                gimli::DW_AT_abstract_origin => {
                    a.origin = match attr.value() {
                        gimli::AttributeValue::UnitRef(r) => {
                            r.to_debug_info_offset(&unit.header).map(|o| o.0)
                        }
                        gimli::AttributeValue::DebugInfoRef(r) => Some(r.0),
                        _ => None,
                    }
                }
                gimli::DW_AT_low_pc => a.low = Some(attr.value()),
                gimli::DW_AT_high_pc => a.high = Some(attr.value()),
                gimli::DW_AT_ranges => a.ranges = Some(attr.value()),
                gimli::DW_AT_call_file => a.call_file = attr.value().udata_value(),
                gimli::DW_AT_call_line => {
                    a.call_line = attr.value().udata_value().unwrap_or(0) as u32
                }
                gimli::DW_AT_trampoline => {
                    a.trampoline = match attr.value() {
                        gimli::AttributeValue::Flag(f) => f,
                        v => v.udata_value().is_some_and(|v| v != 0),
                    }
                }
                _ => {}
            }
        }
        if !ok {
            return false;
        }
        sub_entry(d, unit, out, a, tag, depth, off, walk);
    }
    true
}

/// Records one subprogram or inlined subroutine: its name by offset (for abstract
/// origins) and its code range; with [`Walk::Ranges`], every range of it instead.
#[allow(clippy::too_many_arguments)]
fn sub_entry<'a>(
    d: &Dwarf<'a>,
    unit: &gimli::Unit<Reader<'a>>,
    out: &mut UnitPart<'a>,
    a: SubAttrs<'a>,
    tag: gimli::DwTag,
    depth: isize,
    off: Option<usize>,
    walk: Walk,
) {
    let inlined = tag == gimli::DW_TAG_inlined_subroutine;
    let ranges = walk == Walk::Ranges;
    if let (Some(n), Some(o), false) = (a.name, off, ranges) {
        out.named.push((o, n));
    }
    // With Walk::Ranges every range is kept (by the entry's offset), else only the pick.
    let mut keep = |lo: u64, hi: u64| {
        if let (true, Some(o)) = (ranges, off) {
            out.ranges.push(InlRange {
                lo,
                hi,
                depth,
                id: o,
                seq: 0,
            });
        }
    };
    let low = a.low.and_then(|v| d.attr_address(unit, v).ok().flatten());
    let picked = match low {
        Some(low) => {
            let high = high_pc(d, unit, low, a.high);
            keep(low, high);
            if let (true, false, Some(id)) = (inlined, ranges, off) {
                out.inl.push(InlRec {
                    id,
                    depth,
                    lo: low,
                    hi: high,
                    list: NONE,
                });
            }
            Some((low, high))
        }
        None => {
            let list = a
                .ranges
                .and_then(|v| d.attr_ranges_offset(unit, v).ok().flatten());
            if let (true, false, Some(id), Some(l)) = (inlined, ranges, off, list) {
                out.inl.push(InlRec {
                    id,
                    depth,
                    lo: 0,
                    hi: 0,
                    list: l.0 as u64,
                });
            }
            lowest_range(d, unit, list, ranges, keep)
        }
    };
    let Some((low, high)) = picked else {
        // A declaration without code still names a function.
        if !inlined && a.name.is_some() {
            out.subs.push(Sub {
                origin: NONE,
                own_name: a.name,
                local: u32::MAX,
                low: 0,
                high: 0,
                inlined: false,
                call_file: u32::MAX,
                call_line: 0,
                trampoline: false,
            });
        }
        return;
    };
    if ranges {
        return;
    }
    out.subs.push(Sub {
        origin: a.origin.map_or(NONE, |o| o as u64),
        own_name: a.name,
        local: u32::MAX,
        low,
        high,
        inlined,
        call_file: a
            .call_file
            .and_then(|k| u32::try_from(k).ok())
            .unwrap_or(u32::MAX),
        call_line: a.call_line,
        // Delve reads DW_AT_trampoline only on a subprogram without an abstract origin
        // (`addConcreteSubprogram`); a concrete body of an inlinable function keeps it.
        trampoline: a.trampoline && a.origin.is_none(),
    });
}

/// DW_AT_high_pc: an address, or an offset from `low` (saturating; one byte when absent).
fn high_pc<'a>(
    d: &Dwarf<'a>,
    unit: &gimli::Unit<Reader<'a>>,
    low: u64,
    high: Option<gimli::AttributeValue<Reader<'a>>>,
) -> u64 {
    match high {
        Some(gimli::AttributeValue::Udata(n)) => low.saturating_add(n),
        Some(v) => d
            .attr_address(unit, v)
            .ok()
            .flatten()
            .or_else(|| v.udata_value().map(|n| low.saturating_add(n)))
            .unwrap_or(low.saturating_add(1)),
        None => low.saturating_add(1),
    }
}

/// DW_AT_ranges: the first range (Delve uses ranges[0]); with `all`, every range is
/// passed to `keep`, else the list is read no further.
fn lowest_range<'a>(
    d: &Dwarf<'a>,
    unit: &gimli::Unit<Reader<'a>>,
    list: Option<gimli::RangeListsOffset>,
    all: bool,
    mut keep: impl FnMut(u64, u64),
) -> Option<(u64, u64)> {
    let mut rs = list.and_then(|o| d.ranges(unit, o).ok())?;
    let mut best = None;
    while let Ok(Some(r)) = rs.next() {
        if best.is_none() {
            best = Some((r.begin, r.end));
            if !all {
                break;
            }
        }
        keep(r.begin, r.end);
    }
    best
}
