//! One pass over the DWARF that answers every breakpoint question: for each source file,
//! its line-table rows (line, address, is_stmt); every concrete function with its entry,
//! end and prologue; every inlined call with its ranges and call site. Built once per
//! binary (units in parallel) and reused for any number of location specs.
//!
//! Mirrors what Delve loads in `pkg/proc/bininfo.go` (compile units' line tables,
//! `Functions` sorted by entry, `InlinedCalls`, `inlinedCallLines`).

use std::collections::HashMap;

use rayon::prelude::*;

use super::{attr_string, file_path, Dwarf, Reader, Summary};

/// One line-table row, compactly (the index of a big binary holds millions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub addr: u64,
    pub line: u32,
    /// Index into [`LineIndex::files`].
    pub file: u32,
    pub stmt: bool,
    pub prologue_end: bool,
}

/// A concrete function (a DW_TAG_subprogram with code).
#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub entry: u64,
    pub end: u64,
    /// Index into `Summary::units`.
    pub unit: usize,
    /// Set by the Go compiler on generated wrappers (DW_AT_trampoline).
    pub trampoline: bool,
}

/// A DW_TAG_inlined_subroutine: code of `name` inlined into `parent`.
#[derive(Clone, Debug)]
pub struct InlinedCall {
    pub name: String,
    pub ranges: Vec<(u64, u64)>,
    pub call_file: Option<u32>,
    pub call_line: u32,
    /// Nesting depth below the concrete function (1 = directly inlined).
    pub depth: u32,
    /// Index into [`LineIndex::functions`] of the concrete function holding it (after
    /// sorting), resolved by address.
    pub unit: usize,
}

impl InlinedCall {
    pub fn low_pc(&self) -> u64 {
        self.ranges.iter().map(|r| r.0).min().unwrap_or(0)
    }
    pub fn contains(&self, pc: u64) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= pc && pc < hi)
    }
}

#[derive(Debug, Default)]
pub struct LineIndex {
    pub files: Vec<String>,
    file_ids: HashMap<String, u32>,
    /// Per file: rows sorted by (line, addr).
    by_file: Vec<Vec<Row>>,
    /// Per unit (as in `Summary::units`): rows sorted by address, for prologue lookups.
    by_unit: Vec<Vec<Row>>,
    /// Sorted by entry.
    pub functions: Vec<Function>,
    pub inlined: Vec<InlinedCall>,
    by_name: HashMap<String, Vec<usize>>,
}

/// A DIE's name, or the .debug_info offset of the DIE that has it (Go refers to abstract
/// functions of other units with DW_FORM_ref_addr).
enum Name {
    Known(String),
    At(usize),
}

/// An inlined call as read from one unit: name, ranges, call file (unit-local index),
/// call line, depth.
type PartInlined = (Name, Vec<(u64, u64)>, Option<u32>, u32, u32);

/// What one unit contributes, before files are interned globally.
#[derive(Default)]
struct UnitPart {
    files: Vec<String>,
    rows: Vec<(u64, u32, u32, bool, bool)>,
    functions: Vec<(Name, Function)>,
    inlined: Vec<PartInlined>,
    /// Named subprogram DIEs by .debug_info offset, for other units' references.
    names: Vec<(usize, String)>,
}

impl LineIndex {
    /// Builds the index over every unit. Units that fail to parse are skipped (a
    /// corrupt unit must not hide the others).
    pub fn build(dwarf: &Dwarf<'_>, summary: &Summary) -> LineIndex {
        let parts: Vec<UnitPart> = summary
            .units
            .par_iter()
            .enumerate()
            .map(|(i, u)| unit_part(dwarf, u.offset, i).unwrap_or_default())
            .collect();
        let mut index = LineIndex {
            by_unit: Vec::with_capacity(parts.len()),
            ..Default::default()
        };
        let global: HashMap<usize, String> =
            parts.iter().flat_map(|p| p.names.iter().cloned()).collect();
        let resolve = |n: Name| match n {
            Name::Known(s) => Some(s),
            Name::At(off) => global.get(&off).cloned(),
        };
        for part in parts {
            let ids: Vec<u32> = part.files.iter().map(|f| index.intern(f)).collect();
            let map = |f: u32| ids.get(f as usize).copied().unwrap_or(u32::MAX);
            let mut unit_rows = Vec::with_capacity(part.rows.len());
            for (addr, line, file, stmt, prologue_end) in part.rows {
                let row = Row {
                    addr,
                    line,
                    file: map(file),
                    stmt,
                    prologue_end,
                };
                if row.file != u32::MAX {
                    index.by_file[row.file as usize].push(row);
                }
                unit_rows.push(row);
            }
            unit_rows.sort_by_key(|r| r.addr);
            index.by_unit.push(unit_rows);
            for (name, mut f) in part.functions {
                if let Some(name) = resolve(name) {
                    f.name = name;
                    index.functions.push(f);
                }
            }
            for (name, ranges, call_file, call_line, depth) in part.inlined {
                let Some(name) = resolve(name) else {
                    continue;
                };
                index.inlined.push(InlinedCall {
                    name,
                    ranges,
                    call_file: call_file.map(map).filter(|&f| f != u32::MAX),
                    call_line,
                    depth,
                    unit: index.by_unit.len() - 1,
                });
            }
        }
        for rows in &mut index.by_file {
            rows.sort_by_key(|r| (r.line, r.addr));
        }
        index.functions.sort_by_key(|f| f.entry);
        for (i, f) in index.functions.iter().enumerate() {
            index.by_name.entry(f.name.clone()).or_default().push(i);
        }
        index
    }

    fn intern(&mut self, f: &str) -> u32 {
        if let Some(&id) = self.file_ids.get(f) {
            return id;
        }
        let id = self.files.len() as u32;
        self.files.push(f.to_string());
        self.file_ids.insert(f.to_string(), id);
        self.by_file.push(Vec::new());
        id
    }

    pub fn file_id(&self, path: &str) -> Option<u32> {
        self.file_ids.get(path).copied()
    }

    /// Rows of one file, sorted by (line, address).
    pub fn rows(&self, file: u32) -> &[Row] {
        self.by_file.get(file as usize).map_or(&[], Vec::as_slice)
    }

    /// Rows of one exact line of a file.
    pub fn line_rows(&self, file: u32, line: u32) -> &[Row] {
        let rows = self.rows(file);
        let lo = rows.partition_point(|r| r.line < line);
        let hi = rows.partition_point(|r| r.line <= line);
        &rows[lo..hi]
    }

    /// Lines of a file that have at least one statement row.
    pub fn stmt_lines(&self, file: u32) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .rows(file)
            .iter()
            .filter(|r| r.stmt)
            .map(|r| r.line)
            .collect();
        v.dedup();
        v
    }

    /// The concrete function containing `pc` (Delve's `PCToFunc`).
    pub fn function_at(&self, pc: u64) -> Option<usize> {
        let i = self.functions.partition_point(|f| f.entry <= pc);
        let i = i.checked_sub(1)?;
        (pc < self.functions[i].end).then_some(i)
    }

    pub fn functions_named(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The line of a function's entry (Delve's `EntryLineForFunc`).
    pub fn entry_line(&self, f: &Function) -> Option<(u32, u32)> {
        let rows = self.by_unit.get(f.unit)?;
        let i = rows.partition_point(|r| r.addr < f.entry);
        rows.get(i)
            .filter(|r| r.addr == f.entry)
            .map(|r| (r.file, r.line))
    }

    /// Delve's `FirstPCAfterPrologue` as Delve 1.20 computes it: the function's first
    /// `prologue_end` row (with `sameline`, only when it is on the entry line), else the
    /// entry itself. Go marks the end of the stack-split check with prologue_end; a
    /// function without one (a leaf with no stack check) has no prologue to skip, and
    /// Delve's disassembly fallback then finds none either. The bool says whether a
    /// prologue_end row was used.
    pub fn after_prologue(&self, f: &Function, sameline: bool) -> (u64, bool) {
        let Some(rows) = self.by_unit.get(f.unit) else {
            return (f.entry, false);
        };
        let lo = rows.partition_point(|r| r.addr < f.entry);
        let hi = rows.partition_point(|r| r.addr < f.end);
        let body = &rows[lo..hi.max(lo)];
        // Delve starts the line-table state machine at the entry: when no row covers the
        // entry itself (autogenerated init functions), it finds no prologue_end.
        if body.first().is_none_or(|r| r.addr != f.entry) {
            return (f.entry, false);
        }
        if let Some(r) = body.iter().find(|r| r.prologue_end) {
            let entry_line = self.entry_line(f).map(|(_, l)| l);
            if !sameline || entry_line == Some(r.line) {
                return (r.addr, true);
            }
        }
        (f.entry, false)
    }

    /// File and line of the row at or before `pc` in the function's unit.
    pub fn line_at(&self, f: &Function, pc: u64) -> Option<(&str, u32)> {
        let rows = self.by_unit.get(f.unit)?;
        let i = rows.partition_point(|r| r.addr <= pc).checked_sub(1)?;
        let r = rows[i];
        Some((self.files.get(r.file as usize)?.as_str(), r.line))
    }
}

fn addr_of<'a>(
    dwarf: &Dwarf<'a>,
    unit: &gimli::Unit<Reader<'a>>,
    v: Option<gimli::AttributeValue<Reader<'a>>>,
) -> Option<u64> {
    match v? {
        gimli::AttributeValue::Addr(a) => Some(a),
        v @ gimli::AttributeValue::DebugAddrIndex(_) => dwarf.attr_address(unit, v).ok().flatten(),
        _ => None,
    }
}

/// Ranges of a DIE: low_pc/high_pc or DW_AT_ranges.
fn die_ranges<'a>(
    dwarf: &Dwarf<'a>,
    unit: &gimli::Unit<Reader<'a>>,
    e: &gimli::DebuggingInformationEntry<Reader<'a>>,
) -> Vec<(u64, u64)> {
    if let Some(low) = addr_of(dwarf, unit, e.attr_value(gimli::DW_AT_low_pc)) {
        let high = match e.attr_value(gimli::DW_AT_high_pc) {
            Some(gimli::AttributeValue::Addr(a)) => a,
            Some(v) => v.udata_value().map_or(low, |n| low.saturating_add(n)),
            None => low,
        };
        return if high > low {
            vec![(low, high)]
        } else {
            Vec::new()
        };
    }
    let mut out = Vec::new();
    if let Ok(mut it) = dwarf.die_ranges(unit, e) {
        while let Ok(Some(r)) = it.next() {
            if r.end > r.begin && out.len() < 4096 {
                out.push((r.begin, r.end));
            }
        }
    }
    out
}

fn unit_part(dwarf: &Dwarf<'_>, offset: usize, unit_index: usize) -> Option<UnitPart> {
    let header = dwarf
        .debug_info
        .header_from_offset(gimli::DebugInfoOffset(offset))
        .ok()?;
    let unit = dwarf.unit(header).ok()?;
    let mut part = UnitPart::default();

    // Line table: resolve each file entry's path once.
    if let Some(program) = unit.line_program.clone() {
        let header = program.header().clone();
        let mut file_index: HashMap<u64, u32> = HashMap::new();
        let mut rows = program.rows();
        while let Ok(Some((h, row))) = rows.next_row() {
            if row.end_sequence() {
                continue;
            }
            let fidx = row.file_index();
            let id = match file_index.get(&fidx) {
                Some(&id) => id,
                None => {
                    let path = row
                        .file(h)
                        .and_then(|f| file_path(dwarf, &unit, &header, f))
                        .unwrap_or_default();
                    let id = part.files.len() as u32;
                    part.files.push(path);
                    file_index.insert(fidx, id);
                    id
                }
            };
            let line = row
                .line()
                .map_or(0, |l| l.get().min(u32::MAX as u64) as u32);
            part.rows
                .push((row.address(), line, id, row.is_stmt(), row.prologue_end()));
        }
        // Call files of inlined subroutines index the same file table.
        let call_file = |n: u64| -> Option<String> {
            let f = header.file(n)?;
            file_path(dwarf, &unit, &header, f)
        };
        // DIEs: concrete functions and inlined calls. Names of inlined and out-of-line
        // instances come from their abstract origin (same unit in Go's DWARF).
        let mut entries = unit.entries();
        let mut func_depth: Option<isize> = None;
        let mut steps = 0usize;
        while let Ok(Some(e)) = entries.next_dfs() {
            steps += 1;
            if steps > 50_000_000 {
                break;
            }
            let depth = e.depth();
            if func_depth.is_some_and(|d| depth <= d) {
                func_depth = None;
            }
            let tag = e.tag();
            if tag != gimli::DW_TAG_subprogram && tag != gimli::DW_TAG_inlined_subroutine {
                continue;
            }
            let name = die_name(dwarf, &unit, e);
            if tag == gimli::DW_TAG_subprogram {
                if let Some(Name::Known(n)) = &name {
                    part.names.push((offset + e.offset().0, n.clone()));
                }
            }
            let ranges = die_ranges(dwarf, &unit, e);
            if tag == gimli::DW_TAG_subprogram {
                if let (Some(name), Some(&(lo, hi))) = (name, ranges.first()) {
                    let trampoline = matches!(
                        e.attr_value(gimli::DW_AT_trampoline),
                        Some(gimli::AttributeValue::Flag(true))
                    );
                    let end = ranges.iter().map(|r| r.1).max().unwrap_or(hi);
                    part.functions.push((
                        name,
                        Function {
                            name: String::new(),
                            entry: lo,
                            end,
                            unit: unit_index,
                            trampoline,
                        },
                    ));
                    func_depth = Some(depth);
                }
                continue;
            }
            let (Some(name), Some(fd)) = (name, func_depth) else {
                continue;
            };
            let file = match e.attr_value(gimli::DW_AT_call_file) {
                Some(gimli::AttributeValue::FileIndex(n)) => call_file(n),
                Some(v) => v.udata_value().and_then(call_file),
                None => None,
            };
            let file_id = file.map(|p| match part.files.iter().position(|f| *f == p) {
                Some(i) => i as u32,
                None => {
                    part.files.push(p);
                    (part.files.len() - 1) as u32
                }
            });
            let line = e
                .attr_value(gimli::DW_AT_call_line)
                .and_then(|v| v.udata_value())
                .unwrap_or(0)
                .min(u32::MAX as u64) as u32;
            part.inlined
                .push((name, ranges, file_id, line, (depth - fd).max(1) as u32));
        }
    }
    Some(part)
}

/// DW_AT_name, or the name of the DW_AT_abstract_origin / DW_AT_specification (in this
/// unit, or a reference into another unit resolved after all units are read).
fn die_name<'a>(
    dwarf: &Dwarf<'a>,
    unit: &gimli::Unit<Reader<'a>>,
    e: &gimli::DebuggingInformationEntry<Reader<'a>>,
) -> Option<Name> {
    if let Some(n) = e.attr_value(gimli::DW_AT_name) {
        return attr_string(dwarf, unit, n).map(Name::Known);
    }
    for attr in [gimli::DW_AT_abstract_origin, gimli::DW_AT_specification] {
        match e.attr_value(attr) {
            Some(gimli::AttributeValue::UnitRef(off)) => {
                let origin = unit.entry(off).ok()?;
                if let Some(n) = origin.attr_value(gimli::DW_AT_name) {
                    return attr_string(dwarf, unit, n).map(Name::Known);
                }
            }
            Some(gimli::AttributeValue::DebugInfoRef(off)) => return Some(Name::At(off.0)),
            _ => {}
        }
    }
    None
}
