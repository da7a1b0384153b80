//! `where`: resolves breakpoint location specs exactly as Delve does (`pkg/locspec`,
//! `proc.FindFileLocation`, `proc.FindFunctionLocation`) and says why one cannot bind.

mod closest;
pub mod delve;
pub mod locspec;
pub mod rules;

use std::sync::{Arc, OnceLock};

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::diagnostic::RuleId;
use crate::dwarf::lines::LineIndex;
use crate::dwarf::prologue::{self, PrologueRow};
use crate::memo::Memo;
use crate::pathname::is_abs;
use crate::Target;
pub use delve::DelveRules;
use locspec::LocSpec;

/// Longest spec resolved: paths are at most PATH_MAX (4096) on Linux; anything longer is
/// refused at once (DD708) instead of costing time in name and path matching.
pub const MAX_SPEC_LEN: usize = 4096;

/// (pc, is_stmt) rows of one line, Delve's `[]line.PCStmt`.
type PcList = Vec<(u64, bool)>;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Address {
    pub pc: u64,
    pub function: String,
    pub file: String,
    pub line: u64,
    pub inlined: bool,
    pub inlined_into: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Reason {
    pub id: RuleId,
    pub message: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FileLine {
    pub file: String,
    pub line: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Substitute {
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Resolution {
    pub spec: String,
    pub bound: bool,
    pub addresses: Vec<Address>,
    pub reason: Option<Reason>,
    pub nearest: Vec<FileLine>,
    pub substitute_path: Vec<Substitute>,
    /// Warnings for bound locations (DD707 optimised unit).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Reason>,
}

/// Function names as Delve looks them up (see `Resolver::func_candidates_127`), split by
/// the resolver's Delve.
#[derive(Default)]
struct Names127 {
    by_base: FxHashMap<String, Vec<usize>>,
    generic: FxHashMap<String, Vec<usize>>,
    generic_by_base: FxHashMap<String, Vec<String>>,
}

/// A target plus its line index, built once and reused for every spec.
pub struct Resolver<'t> {
    pub target: &'t Target,
    pub index: LineIndex<'t>,
    pub has_dwarf: bool,
    pub windows: bool,
    /// Whose binding rules apply where Delve versions differ.
    pub rules: DelveRules,
    pub test_binary: bool,
    /// Files matching a spec's file part, per distinct file part (specs repeat them).
    file_matches: Memo<String, Vec<u32>>,
    /// Bindable lines per file (`--breakable`).
    breakable_lines: Memo<u32, Vec<u32>>,
    /// Lines with rows or inlined calls per file (nearest-line hints).
    candidate_lines: Memo<u32, Arc<[u32]>>,
    /// Closest file names per missing file name (not-found hints).
    closest: Memo<String, Arc<[String]>>,
    /// Function names as this resolver's Delve splits them: by base name (a spec is
    /// matched against a handful of functions, not all), and generic names (type
    /// arguments cleared) with their instantiations. Built on first use.
    names127: OnceLock<Names127>,
    /// Function names by trigram, for hints on a miss. Built on the first miss.
    name_index: OnceLock<closest::NameIndex>,
    /// Distinct base names of the files: (where the base starts in the first of its
    /// files, every file with that base), in no particular order.
    file_bases: OnceLock<Vec<(usize, Vec<u32>)>>,
    /// The files by last path component, for matching a spec's FILE.
    file_index: OnceLock<FileIndex>,
    /// Hashes of the names' last dot-separated components (see `may_name_function`).
    name_tails: OnceLock<FxHashSet<u64>>,
}

fn unbound(spec: &str, rule: &crate::diagnostic::Rule, msg: String) -> Resolution {
    Resolution {
        spec: spec.to_string(),
        bound: false,
        addresses: Vec::new(),
        reason: Some(Reason {
            id: rule.id,
            message: msg,
        }),
        nearest: Vec::new(),
        substitute_path: Vec::new(),
        warnings: Vec::new(),
    }
}

/// The files each distinct `FILE` of the `FILE:LINE` specs matches among `files`.
fn spec_files<S: AsRef<str> + Sync>(
    specs: &[S],
    files: &[String],
    by_last: &FileIndex,
    windows: bool,
) -> Vec<(String, Vec<u32>)> {
    use rayon::prelude::*;
    let mut bases: Vec<String> = specs
        .par_iter()
        .filter_map(|s| line_spec_file(s.as_ref()))
        .collect();
    bases.sort_unstable();
    bases.dedup();
    bases
        .into_par_iter()
        .map(|base| {
            let m = matching_files(&base, files, by_last, windows);
            (base, m)
        })
        .collect()
}

/// The FILE of a `FILE:LINE` spec, parsed as [`Resolver::resolve`] parses it; `None` for
/// any other spec, and for one too long to resolve.
fn line_spec_file(spec: &str) -> Option<String> {
    if spec.len() > MAX_SPEC_LEN {
        return None;
    }
    match locspec::parse(spec) {
        Ok(LocSpec::Normal {
            base,
            line: Some(_),
        }) => Some(base),
        _ => None,
    }
}

/// The files whose line tables are worth decoding ahead, from what each spec's FILE
/// matched: a FILE naming exactly one file (an ambiguous one binds nothing), each once.
fn unambiguous_files<'m>(matches: impl Iterator<Item = &'m [u32]>) -> Vec<u32> {
    let mut files: Vec<u32> = matches.filter(|m| m.len() == 1).map(|m| m[0]).collect();
    files.sort_unstable();
    files.dedup();
    files
}

/// File ids by the last component of their path as Delve's partial-path match compares
/// paths (lower case, `\` as `/`, on Windows).
type FileIndex = FxHashMap<String, Vec<u32>>;

/// The last `/`-separated component of `path` as [`locspec::partial_path_match`] compares it.
fn last_component(path: &str, windows: bool) -> std::borrow::Cow<'_, str> {
    let last = |p: &str| p.rfind('/').map_or(0, |k| k + 1);
    if windows {
        let p = path.to_lowercase().replace('\\', "/");
        p[last(&p)..].to_string().into()
    } else {
        path[last(path)..].into()
    }
}

fn file_index(files: &[String], windows: bool) -> FileIndex {
    let mut by_last = FileIndex::default();
    for (i, f) in files.iter().enumerate() {
        by_last
            .entry(last_component(f, windows).into_owned())
            .or_default()
            .push(i as u32);
    }
    by_last
}

/// The ids of the `files` that `base` names (Delve's partial-path match). A path that
/// `base` names ends in `base`'s last component, so only the files `by_last` lists
/// under it are compared, not every file.
fn matching_files(base: &str, files: &[String], by_last: &FileIndex, windows: bool) -> Vec<u32> {
    by_last
        .get(last_component(base, windows).as_ref())
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .copied()
        .filter(|&i| locspec::partial_path_match(base, &files[i as usize], windows))
        .collect()
}

impl<'t> Resolver<'t> {
    /// A resolver with the newest Delve's rules.
    pub fn new(target: &'t Target) -> Resolver<'t> {
        Resolver::with_rules(target, DelveRules::default())
    }

    pub fn with_rules(target: &'t Target, rules: DelveRules) -> Resolver<'t> {
        Resolver::for_specs(target, rules, &[] as &[&str])
    }

    /// A resolver that is about to resolve `specs`: the line tables their `FILE:LINE`
    /// specs need are decoded while the index is built (on a big binary most of a
    /// batch's time is those two), not after.
    pub fn for_specs<S: AsRef<str> + Sync>(
        target: &'t Target,
        rules: DelveRules,
        specs: &[S],
    ) -> Resolver<'t> {
        let windows = target.goos() == "windows";
        let mut matched: Vec<(String, Vec<u32>)> = Vec::new();
        let by_last = OnceLock::new();
        let (index, has_dwarf) = match (target.gimli(), target.dwarf()) {
            (Some(d), Some(s)) => (
                LineIndex::build_decoding(d, s, |files| {
                    let by_last = by_last.get_or_init(|| file_index(files, windows));
                    matched = spec_files(specs, files, by_last, windows);
                    unambiguous_files(matched.iter().map(|(_, m)| m.as_slice()))
                }),
                true,
            ),
            _ => (LineIndex::default(), false),
        };
        let test_binary = index.function_by_name("testing.MainStart").is_some()
            || index.function_by_name("main.main").is_some()
                && index.files.iter().any(|f| f.ends_with("_testmain.go"));
        let file_matches = Memo::default();
        for (base, m) in matched {
            file_matches.get_or(base.as_str(), || m);
        }
        Resolver {
            file_matches,
            breakable_lines: Memo::default(),
            candidate_lines: Memo::default(),
            closest: Memo::default(),
            name_index: OnceLock::new(),
            file_bases: OnceLock::new(),
            file_index: by_last,
            name_tails: OnceLock::new(),
            names127: OnceLock::new(),
            target,
            index,
            has_dwarf,
            windows,
            test_binary,
            rules,
        }
    }

    /// Follow another Delve's rules from now on (the index does not depend on them).
    pub fn set_rules(&mut self, rules: DelveRules) {
        self.rules = rules;
        self.names127 = OnceLock::new();
    }

    fn address(&self, pc: u64) -> Address {
        let ix = &self.index;
        let row = ix.row_at(pc);
        let (file, line) = row
            .map(|r| (ix.files[r.file as usize].clone(), r.line as u64))
            .unwrap_or_default();
        let outer = ix.pc_to_func(pc).map(|i| ix.functions[i].name.clone());
        // Inlined when the pc is the low pc of an inlined instance (Delve's InlinedCalls).
        let inl = ix.inlined_at(pc).map(|i| &ix.functions[i]);
        if let Some(f) = inl {
            return Address {
                pc,
                function: f.name.clone(),
                file,
                line,
                inlined: true,
                inlined_into: outer,
            };
        }
        Address {
            pc,
            function: outer.clone().unwrap_or_default(),
            file,
            line,
            inlined: false,
            inlined_into: None,
        }
    }

    /// Delve's `FirstPCAfterPrologue(fn, sameline)` under this resolver's rules (see
    /// [`prologue`]); the entry when no row qualifies.
    fn after_prologue(&self, entry: u64, end: u64, sameline: bool) -> u64 {
        let rows = self.index.rows_in(entry, end);
        let flags: Vec<PrologueRow<(u32, u32)>> = rows
            .iter()
            .map(|r| PrologueRow {
                addr: r.addr,
                place: (r.file, r.line),
                is_stmt: r.is_stmt,
                prologue_end: r.prologue_end,
            })
            .collect();
        prologue::break_row(&flags, entry, sameline, self.rules.prologue())
            .map_or(entry, |(i, _)| rows[i].addr)
    }

    /// Delve's `FindFileLocation` for a file of `bi.Sources`.
    pub fn file_line_pcs(&self, file: u32, line: u32) -> Vec<u64> {
        let ix = &self.index;
        let mut pcs: Vec<(u64, bool)> = ix.line_rows(file, line);
        if pcs.is_empty() {
            pcs.extend(ix.inlined_calls_at(file, line).map(|p| (p, true)));
        }
        pcs.sort();
        let mut by_fn: Vec<(usize, Vec<(u64, bool)>)> = Vec::new();
        for p in pcs {
            if let Some(f) = ix.pc_to_func(p.0) {
                match by_fn.iter_mut().find(|e| e.0 == f) {
                    Some(e) => e.1.push(p),
                    None => by_fn.push((f, vec![p])),
                }
            }
        }
        let mut out = Vec::new();
        for (f, list) in by_fn {
            let func = &ix.functions[f];
            // Delve skips autogenerated wrappers (`·dwrap·`, DW_AT_trampoline).
            if func.trampoline || func.name.contains("\u{b7}dwrap\u{b7}") {
                continue;
            }
            let Some((entry, end)) = func.body else {
                continue;
            };
            // Split between the inlined calls the function contains (deepest range holding
            // the pc), then pick the first is_stmt pc of each group, else its first pc.
            let ranges = ix.inl_ranges(f);
            let mut groups: Vec<(Option<usize>, PcList)> = Vec::new();
            for p in list {
                let key = ranges
                    .iter()
                    .find(|r| r.lo <= p.0 && p.0 < r.hi)
                    .map(|r| r.id);
                match groups.iter_mut().find(|g| g.0 == key) {
                    Some(g) => g.1.push(p),
                    None => groups.push((key, vec![p])),
                }
            }
            for (key, pcs) in groups {
                let mut pc = pcs.iter().find(|p| p.1).unwrap_or(&pcs[0]).0;
                if key.is_none() && pc == entry {
                    pc = self.after_prologue(entry, end, true);
                }
                out.push(pc);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Delve's `FindFunctionLocation(name, lineOffset)`.
    fn function_pcs(&self, f: usize, line: Option<u64>) -> Result<Vec<u64>, String> {
        let func = &self.index.functions[f];
        match line {
            Some(off) if off > 0 => {
                let (entry, end) = func.body.ok_or("function has no body")?;
                // Delve 1.27 reads the entry line where its state machine lands: the
                // function's first row (for a wrapper, `<autogenerated>:1`).
                let r = match self.rules {
                    DelveRules::V1_20 => self.index.row_at(entry),
                    DelveRules::V1_27 => self.index.rows_in(entry, end).first().copied(),
                }
                .ok_or("no line info")?;
                let target = r.line as u64 + off;
                let pcs = self.file_line_pcs(r.file, target as u32);
                if pcs.is_empty() {
                    Err(format!(
                        "could not find statement at {}:{target}, please use a line with a statement",
                        self.index.files[r.file as usize]
                    ))
                } else {
                    Ok(pcs)
                }
            }
            _ => {
                let mut r = Vec::new();
                if let Some((entry, end)) = func.body {
                    r.push(self.after_prologue(entry, end, false));
                }
                r.extend(self.index.inlined_pcs(f));
                r.sort();
                r.dedup();
                Ok(r)
            }
        }
    }

    /// The functions a spec names, one group per candidate Delve would list (a generic
    /// name is one candidate for all its instantiations).
    fn func_groups(&self, base: &str) -> Vec<Vec<usize>> {
        match self.rules {
            // Delve 1.20 finds no name with type arguments (`F[int]`; `F[...]` neither:
            // its dots split the spec into too many parts); otherwise it looks names up
            // as 1.27 does.
            DelveRules::V1_20 if base.contains('[') => Vec::new(),
            DelveRules::V1_20 | DelveRules::V1_27 => self.func_candidates_127(base),
        }
    }

    /// The name Delve gives function `i`: `C.name` for a function of a non-Go unit.
    fn delve_name(&self, i: usize) -> std::borrow::Cow<'_, str> {
        let f = &self.index.functions[i];
        let go = self
            .target
            .dwarf()
            .and_then(|d| d.units.get(f.unit as usize))
            .is_none_or(|u| u.is_go());
        if go {
            std::borrow::Cow::Borrowed(&f.name)
        } else {
            std::borrow::Cow::Owned(format!("C.{}", f.name))
        }
    }

    /// How this resolver's Delve splits function names.
    fn name_parser(&self) -> locspec::NameParser {
        match self.rules {
            DelveRules::V1_20 => locspec::delve_parse_120,
            DelveRules::V1_27 => locspec::delve_parse,
        }
    }

    fn names127(&self) -> &Names127 {
        self.names127.get_or_init(|| {
            let parse = self.name_parser();
            let mut n = Names127::default();
            for i in 0..self.index.functions.len() {
                let name = self.delve_name(i);
                let (_, _, base, _) = parse(&name);
                n.by_base.entry(base.to_string()).or_default().push(i);
                let gn = locspec::name_without_type_params(&name);
                if gn != name {
                    let (_, _, gbase, _) = parse(&gn);
                    let list = n.generic.entry(gn.to_string()).or_default();
                    if list.is_empty() {
                        n.generic_by_base
                            .entry(gbase.to_string())
                            .or_default()
                            .push(gn.to_string());
                    }
                    list.push(i);
                }
            }
            n
        })
    }

    /// Whether resolving `spec` builds [`Names127`]: a `FILE:LINE` or function spec that
    /// is not exactly a function's name (the path through `resolve_normal` to
    /// `func_candidates_127`).
    fn needs_names127(&self, spec: &str) -> bool {
        if spec.len() > MAX_SPEC_LEN || !self.has_dwarf {
            return false;
        }
        let Ok(LocSpec::Normal { base, line }) = locspec::parse(spec) else {
            return false;
        };
        if line.is_none() && !base.is_empty() && base.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        if self.rules == DelveRules::V1_20 && base.contains('[') {
            return false;
        }
        let Some(fs) = locspec::parse_func_spec(&base) else {
            return false;
        };
        match self.index.function_by_name(&base) {
            Some(i) => base.contains('[') || self.delve_name(i) != base,
            None => self.may_name_function(&fs.base),
        }
    }

    /// Whether some function's base name (as either Delve splits names) may be `base`.
    /// A base is the part of a name after one of its dots, to the end (or the whole
    /// name), so it ends in the name's last dot-separated component; a generic name is
    /// also matched without its type arguments, whose last component is added too. A
    /// `false` is certain; a `true` (or a hash collision) only means looking. It spares
    /// building the name tables for `FILE:LINE` specs: no function's base is `go`.
    fn may_name_function(&self, base: &str) -> bool {
        use std::hash::BuildHasher;
        let tail = |s: &str| -> u64 {
            rustc_hash::FxBuildHasher.hash_one(&s[s.rfind('.').map_or(0, |i| i + 1)..])
        };
        self.name_tails
            .get_or_init(|| {
                let mut tails = FxHashSet::default();
                for f in &self.index.functions {
                    tails.insert(tail(&f.name));
                    if f.name.contains('[') {
                        tails.insert(tail(&locspec::name_without_type_params(&f.name)));
                    }
                }
                tails
            })
            .contains(&tail(base))
    }

    /// Delve 1.27's `findFuncCandidates`: generic names first, then every function whose
    /// name matches; an exact name wins at once; an instantiation is left out when its
    /// generic name is already a candidate.
    fn func_candidates_127(&self, spec: &str) -> Vec<Vec<usize>> {
        let Some(fs) = locspec::parse_func_spec(spec) else {
            return Vec::new();
        };
        // An exact name wins in Delve whatever else matches: answer it without building
        // the name tables (the common `break main.main`). A generic name spelled without
        // type arguments goes the long way.
        if let Some(i) = self.index.function_by_name(spec) {
            if !spec.contains('[') && self.delve_name(i) == spec {
                return vec![vec![i]];
            }
        }
        if !self.may_name_function(&fs.base) {
            return Vec::new();
        }
        let n = self.names127();
        let parse = self.name_parser();
        let mut out: Vec<(String, Vec<usize>)> = Vec::new();
        for gn in n
            .generic_by_base
            .get(&fs.base)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if !fs.matches(gn, parse) {
                continue;
            }
            let fns = n.generic[gn].clone();
            if gn == spec {
                return vec![fns];
            }
            out.push((gn.clone(), fns));
        }
        for &i in n.by_base.get(&fs.base).map(Vec::as_slice).unwrap_or(&[]) {
            let name = self.delve_name(i);
            if !fs.matches(&name, parse) {
                continue;
            }
            if name == spec {
                return vec![vec![i]];
            }
            let gn = locspec::name_without_type_params(&name);
            if !out.iter().any(|(c, _)| *c == *gn) {
                out.push((name.into_owned(), vec![i]));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.into_iter().map(|(_, v)| v).collect()
    }

    fn file_candidates(&self, base: &str) -> Vec<u32> {
        self.file_matches.get_or(base, || self.match_files(base))
    }

    fn match_files(&self, base: &str) -> Vec<u32> {
        let files = &self.index.files;
        let by_last = self
            .file_index
            .get_or_init(|| file_index(files, self.windows));
        matching_files(base, files, by_last, self.windows)
    }

    fn bound(&self, spec: &str, pcs: Vec<u64>) -> Resolution {
        let addresses: Vec<Address> = pcs.iter().map(|&p| self.address(p)).collect();
        let mut warnings = Vec::new();
        // Optimised units at these pcs: Go packages (no -N -l) and C code (cgo, -O).
        let mut go_opt: Vec<&str> = Vec::new();
        let mut c_opt: Vec<&str> = Vec::new();
        for r in pcs.iter().filter_map(|&p| self.index.row_at(p)) {
            let u = r.unit as usize;
            if self.index.unit_optimized.get(u) != Some(&true) {
                continue;
            }
            let name = self.index.unit_names[u].as_str();
            let is_go = self
                .target
                .dwarf()
                .and_then(|d| d.units.get(u))
                .is_none_or(|unit| unit.is_go());
            if is_go {
                go_opt.push(name);
            } else {
                c_opt.push(name);
            }
        }
        for v in [&mut go_opt, &mut c_opt] {
            v.sort_unstable();
            v.dedup();
        }
        let mut why = Vec::new();
        if !go_opt.is_empty() {
            why.push(format!("{}: compiled without -N -l", go_opt.join(", ")));
        }
        if !c_opt.is_empty() {
            why.push(format!(
                "C code in {}: compiled with optimisation, cgo's default CGO_CFLAGS is \"-O2 -g\"; CGO_CFLAGS=\"-O0 -g\" turns it off",
                c_opt.join(", ")
            ));
        }
        if !why.is_empty() {
            warnings.push(Reason {
                id: rules::where_optimized::RULE.id,
                message: format!(
                    "bound in optimised code ({}); variables may be unavailable",
                    why.join("; ")
                ),
            });
        }
        Resolution {
            spec: spec.to_string(),
            bound: true,
            addresses,
            reason: None,
            nearest: Vec::new(),
            substitute_path: Vec::new(),
            warnings,
        }
    }

    /// Resolves many specs, in parallel; results are in the order of `specs`.
    pub fn resolve_all<S: AsRef<str> + Sync>(&self, specs: &[S]) -> Vec<Resolution> {
        use rayon::prelude::*;
        // Decode the line tables the FILE:LINE specs need first, all together: spread
        // over the threads by size instead of specs waiting on each other's units.
        if self.has_dwarf && specs.len() > 1 {
            let matched: Vec<Vec<u32>> = specs
                .par_iter()
                .filter_map(|s| line_spec_file(s.as_ref()))
                .map(|base| self.file_candidates(&base))
                .collect();
            let files = unambiguous_files(matched.iter().map(Vec::as_slice));
            // The function names tables, which most specs consult (a FILE:LINE spec may
            // name a function too), are built meanwhile instead of after.
            rayon::join(
                || self.index.prefetch_files(&files),
                || {
                    if specs.iter().any(|s| self.needs_names127(s.as_ref())) {
                        self.names127();
                    }
                },
            );
        }
        specs.par_iter().map(|s| self.resolve(s.as_ref())).collect()
    }

    /// Resolves one spec.
    pub fn resolve(&self, spec: &str) -> Resolution {
        if spec.len() > MAX_SPEC_LEN {
            return unbound(
                &format!("{}…", &spec[..spec.floor_char_boundary(64)]),
                &rules::where_bad_spec::RULE,
                format!(
                    "a location spec of {} bytes; function names and paths are at most {MAX_SPEC_LEN}",
                    spec.len()
                ),
            );
        }
        let parsed = match locspec::parse(spec) {
            Ok(p) => p,
            Err(e) => return unbound(spec, &rules::where_bad_spec::RULE, e),
        };
        match parsed {
            // Delve sets a breakpoint at any address it can write; offline we accept the
            // addresses of code (inside a function body), like Delve on a live process.
            LocSpec::Addr(a) => {
                let in_pcln = self
                    .target
                    .pclntab()
                    .is_some_and(|p| p.funcs.iter().any(|f| f.entry <= a && a < f.end));
                if self.index.pc_to_func(a).is_some() || in_pcln {
                    self.bound(spec, vec![a])
                } else {
                    unbound(
                        spec,
                        &rules::where_bad_spec::RULE,
                        format!("address {a:#x} is not inside any function of the binary"),
                    )
                }
            }
            LocSpec::Regex(re) => {
                let re = match regex::Regex::new(&re) {
                    Ok(r) => r,
                    Err(e) => return unbound(spec, &rules::where_bad_spec::RULE, e.to_string()),
                };
                let mut pcs = Vec::new();
                for (i, f) in self.index.functions.iter().enumerate() {
                    if re.is_match(&f.name) {
                        if let Ok(p) = self.function_pcs(i, None) {
                            pcs.extend(p);
                        }
                    }
                }
                pcs.sort();
                pcs.dedup();
                if pcs.is_empty() {
                    return unbound(
                        spec,
                        &rules::where_function_not_found::RULE,
                        format!("no function matches {spec}"),
                    );
                }
                self.bound(spec, pcs)
            }
            LocSpec::Normal { base, line } => self.resolve_normal(spec, &base, line),
        }
    }

    fn resolve_normal(&self, spec: &str, base: &str, line: Option<u64>) -> Resolution {
        if !self.has_dwarf {
            return self.resolve_stripped(spec, base, line);
        }
        if line.is_none() && !base.is_empty() && base.bytes().all(|b| b.is_ascii_digit()) {
            return unbound(
                spec,
                &rules::where_bad_spec::RULE,
                format!("{spec:?} is a line number: Delve reads it as a line of the current file, which needs a stopped process; give FILE:LINE"),
            );
        }
        let files = self.file_candidates(base);
        // All instantiations of one generic function are one candidate (Delve binds every
        // instantiation of `pkg.F`).
        let groups = self.func_groups(base);
        if groups.len() == 1 && groups[0].len() > 1 && files.is_empty() {
            // FUNC:LINE counts from the first instantiation's entry line only (Delve's
            // FindFunctionLocation takes origfns[0]).
            let fns = if line.is_some_and(|l| l > 0) {
                &groups[0][..1]
            } else {
                &groups[0][..]
            };
            let mut pcs = Vec::new();
            for &f in fns {
                match self.function_pcs(f, line) {
                    Ok(p) => pcs.extend(p),
                    Err(e) => return unbound(spec, &rules::where_no_statement::RULE, e),
                }
            }
            pcs.sort();
            pcs.dedup();
            return self.bound(spec, pcs);
        }
        let funcs: Vec<usize> = groups.iter().map(|g| g[0]).collect();
        let n = files.len() + funcs.len();
        if n == 0 {
            return self.not_found(spec, base, line);
        }
        if n > 1 {
            let mut names: Vec<String> = files
                .iter()
                .map(|&f| self.index.files[f as usize].clone())
                .collect();
            names.extend(funcs.iter().map(|&f| self.index.functions[f].name.clone()));
            return unbound(
                spec,
                &rules::where_ambiguous::RULE,
                format!("location {spec:?} is ambiguous: {}", names.join(", ")),
            );
        }
        if let Some(&f) = files.first() {
            let Some(line) = line else {
                return unbound(
                    spec,
                    &rules::where_bad_spec::RULE,
                    "Malformed breakpoint location, no line offset specified".into(),
                );
            };
            let pcs = self.file_line_pcs(f, line as u32);
            if pcs.is_empty() {
                // Delve's text first; then, when the line lies inside optimised code, why
                // and what binds it, with nearby lines of that function only.
                let mut msg = format!(
                    "could not find statement at {}:{line}, please use a line with a statement",
                    self.index.files[f as usize]
                );
                let around = self.optimized_function_around(f, line as u32);
                if let Some(func) = around {
                    msg.push_str(&format!(
                        " — the line lies in optimised code of {}: the optimiser left no statement on it; in a -gcflags=all=\"-N -l\" build every line with code has one",
                        self.index.functions[func].name
                    ));
                }
                let mut r = unbound(spec, &rules::where_no_statement::RULE, msg);
                r.nearest = self.nearest_in(f, line as u32, around);
                return r;
            }
            return self.bound(spec, pcs);
        }
        let f = funcs[0];
        match self.function_pcs(f, line) {
            Ok(p) if !p.is_empty() => self.bound(spec, p),
            Ok(_) => unbound(
                spec,
                &rules::where_function_not_found::RULE,
                format!(
                    "{} has no standalone body and no inlined instance (inlined away or dead-code eliminated)",
                    self.index.functions[f].name
                ),
            ),
            Err(e) => unbound(spec, &rules::where_no_statement::RULE, e),
        }
    }

    /// The optimised function whose code surrounds `line` of `file`: the lines with rows
    /// just above and just below it both have code in it. `None` when the line lies
    /// between functions, or the function was compiled with -N -l.
    fn optimized_function_around(&self, file: u32, line: u32) -> Option<usize> {
        let lines = self.candidate_lines(file);
        let split = lines.partition_point(|&l| l < line);
        let below = *lines[..split].last()?;
        let above = *lines[split..].iter().find(|&&l| l > line)?;
        let funcs = |l: u32| -> Vec<usize> {
            self.index
                .line_rows(file, l)
                .iter()
                .filter_map(|&(pc, _)| self.index.pc_to_func(pc))
                .collect()
        };
        let up = funcs(below);
        let f = funcs(above).into_iter().find(|f| up.contains(f))?;
        let unit = self.index.functions[f].unit as usize;
        (self.index.unit_optimized.get(unit) == Some(&true)).then_some(f)
    }

    /// Nearest lines with a bindable statement, above then below; with `within`, only
    /// lines with code in that function.
    pub fn nearest(&self, file: u32, line: u32) -> Vec<FileLine> {
        self.nearest_in(file, line, None)
    }

    fn nearest_in(&self, file: u32, line: u32, within: Option<usize>) -> Vec<FileLine> {
        // Walk outwards from `line` over the lines with rows or inlined calls, testing
        // each, instead of computing every breakable line of the file.
        let lines = self.candidate_lines(file);
        let in_fn = |l: u32| {
            within.is_none_or(|f| {
                self.index
                    .line_rows(file, l)
                    .iter()
                    .any(|&(pc, _)| self.index.pc_to_func(pc) == Some(f))
            })
        };
        let binds = |l: &&u32| **l > 0 && in_fn(**l) && !self.file_line_pcs(file, **l).is_empty();
        let name = self.index.files[file as usize].clone();
        let mut out = Vec::new();
        let split = lines.partition_point(|&l| l < line);
        if let Some(&l) = lines[..split].iter().rev().find(binds) {
            out.push(FileLine {
                file: name.clone(),
                line: l as u64,
            });
        }
        if let Some(&l) = lines[split..].iter().filter(|&&l| l > line).find(binds) {
            out.push(FileLine {
                file: name,
                line: l as u64,
            });
        }
        out
    }

    /// Lines of `file` with a row or an inlined call: where a breakpoint may bind.
    fn candidate_lines(&self, file: u32) -> Arc<[u32]> {
        self.candidate_lines.get_or(&file, || {
            let mut v: Vec<u32> = self.index.file_lines(file);
            v.extend(self.index.inlined_call_lines_of(file));
            v.sort_unstable();
            v.dedup();
            v.into()
        })
    }

    /// Every line of `file` where a breakpoint binds.
    pub fn breakable(&self, file: u32) -> Vec<u32> {
        self.breakable_lines.get_or(&file, || {
            let mut v = self.candidate_lines(file).to_vec();
            v.retain(|&l| l > 0 && !self.file_line_pcs(file, l).is_empty());
            v
        })
    }

    pub fn files_matching(&self, base: &str) -> Vec<u32> {
        self.file_candidates(base)
    }

    fn resolve_stripped(&self, spec: &str, base: &str, line: Option<u64>) -> Resolution {
        let looks_file =
            base.ends_with(".go") || base.contains('/') && line.is_some() && !base.contains('.');
        // Without DWARF, Delve 1.20 refuses the binary; Delve 1.27 binds function names
        // through the Go runtime's tables when it can load them.
        let loadable = match self.rules {
            DelveRules::V1_20 => Err("Delve 1.20 cannot open a binary without DWARF".to_string()),
            DelveRules::V1_27 => delve::stripped_loadable(self.target.image()),
        };
        if let Err(why) = loadable {
            return unbound(
                spec,
                &rules::where_stripped::RULE,
                format!(
                    "location {spec:?} not found: the binary has no DWARF and Delve cannot read its function table ({why})"
                ),
            );
        }
        if !looks_file && line.is_none() {
            if let Some(p) = self.target.pclntab() {
                if let Some(i) = p.funcs.iter().position(|f| f.name == base) {
                    let f = &p.funcs[i];
                    let mut r = self.bound(spec, vec![f.entry]);
                    let a = &mut r.addresses[0];
                    a.function = f.name.clone();
                    // Delve prints the pcln table's file and line at the entry
                    // (`pcToLine` without line info: gosym `PCToLine`).
                    if let Some(src) = p.source(i) {
                        a.file = src.file.to_string();
                        a.line = src.entry_line.map_or(0, u64::from);
                    }
                    return r;
                }
                return unbound(
                    spec,
                    &rules::where_function_not_found::RULE,
                    format!("location {spec:?} not found (pclntab)"),
                );
            }
        }
        if looks_file || line.is_some() {
            return unbound(
                spec,
                &rules::where_stripped::RULE,
                format!("could not find file {base}, binary is stripped (no DWARF)"),
            );
        }
        unbound(
            spec,
            &rules::where_stripped::RULE,
            format!(
                "binary is stripped (no DWARF) and its pclntab could not be read: {base} cannot be located"
            ),
        )
    }

    /// Up to three files whose base name is closest to `name` (cached per name).
    fn closest_files(&self, name: &str) -> Arc<[String]> {
        self.closest.get_or(name, || {
            // Each distinct base name is scored once (packages repeat doc.go, util.go...),
            // and most cannot score above the threshold: a character count says so
            // without scoring them.
            let bound = closest::JaroBound::new(name);
            let files = &self.index.files;
            let mut close: Vec<(f64, u32)> = self
                .file_bases()
                .iter()
                .filter_map(|(at, all)| {
                    let base = &files[all[0] as usize][*at..];
                    bound
                        .may_exceed(base, 0.8)
                        .then(|| (closest::jaro_winkler(name, base), all))
                })
                .filter(|x| x.0 > 0.8)
                .flat_map(|(score, all)| all.iter().map(move |&f| (score, f)))
                .collect();
            // Best first; files in file order among equal scores.
            close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            close
                .iter()
                .take(3)
                .map(|x| files[x.1 as usize].clone())
                .collect()
        })
    }

    fn file_bases(&self) -> &[(usize, Vec<u32>)] {
        self.file_bases.get_or_init(|| {
            // `file_index`'s groups without Windows' case folding: hints score names as
            // written. Their order does not matter: `closest_files` sorts what it finds.
            let files = &self.index.files;
            file_index(files, false)
                .into_values()
                .map(|all| {
                    let first = &files[all[0] as usize];
                    (first.rfind('/').map_or(0, |k| k + 1), all)
                })
                .collect()
        })
    }

    fn not_found(&self, spec: &str, base: &str, line: Option<u64>) -> Resolution {
        let looks_file = line.is_some()
            && (base.ends_with(".go")
                || base.contains('/')
                || base.ends_with(".s")
                || base.ends_with(".c"));
        if looks_file {
            // Trimmed or foreign path: the longest trailing-component match.
            // Only an absolute spec path can be mapped with a substitute-path rule.
            let comps: Vec<&str> = base.split(['/', '\\']).filter(|c| !c.is_empty()).collect();
            let abs = is_abs(base);
            let mut best: Option<(usize, &String)> = None;
            for f in self.index.files.iter().filter(|_| abs) {
                let n = comps
                    .iter()
                    .rev()
                    .zip(f.rsplit('/'))
                    .take_while(|(a, b)| **a == *b)
                    .count();
                if n >= 1 && best.is_none_or(|b| n > b.0) {
                    best = Some((n, f));
                }
            }
            if let Some((n, f)) = best {
                {
                    let fc: Vec<&str> = f.split('/').collect();
                    let to = fc[..fc.len() - n].join("/");
                    let from = path_prefix(base, n);
                    let trimmed = !is_abs(f);
                    let mut r = unbound(
                        spec,
                        &rules::where_trimmed_path::RULE,
                        format!(
                            "no file matches; {}: {f} — add substitutePath {{\"from\": {}, \"to\": {}}}",
                            if trimmed { "the binary's paths are trimmed (-trimpath)" } else { "the binary was built in another directory" },
                            serde_json::Value::from(from.as_str()),
                            serde_json::Value::from(to.as_str()),
                        ),
                    );
                    r.substitute_path.push(Substitute { from, to });
                    return r;
                }
            }
            let name = base.rsplit(['/', '\\']).next().unwrap_or(base);
            let close = self.closest_files(name);
            let mut msg =
                format!("location {spec:?} not found: no file of the binary ends in /{base}");
            if base.ends_with("_test.go") && !self.test_binary {
                msg.push_str("; _test.go files exist only in test binaries (go test -c)");
            } else {
                msg.push_str(
                    "; excluded by build tags or GOOS/GOARCH, in another module, or no code left",
                );
            }
            if !close.is_empty() {
                msg.push_str(&format!("; closest: {}", close.join(", ")));
            }
            return unbound(spec, &rules::where_file_not_found::RULE, msg);
        }
        // The index is built once; a miss reads only the candidates it names.
        let functions = &self.index.functions;
        let close: Vec<&str> = self
            .name_index
            .get_or_init(|| closest::NameIndex::build(functions.iter().map(|f| f.name.as_str())))
            .closest(|i| functions.get(i).map(|f| f.name.as_str()), base, 0.85, 3)
            .into_iter()
            .map(|i| functions[i].name.as_str())
            .collect();
        let mut msg = format!(
            "location {spec:?} not found: no function or file of that name (dead-code eliminated?)"
        );
        if !close.is_empty() {
            msg.push_str(&format!("; closest: {}", close.join(", ")));
        }
        unbound(spec, &rules::where_function_not_found::RULE, msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixture built by `scripts/fixtures`; a missing one fails the test (scripts/test
    /// builds them all), it is not a reason to pass.
    fn fixture(rel: &str) -> Target {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        Target::open(&p).unwrap_or_else(|e| panic!("{e}; run scripts/fixtures first"))
    }

    /// hello (fixtures/src/hello/main.go): main.main at 11, greet at 25 (bindable with -N -l),
    /// comment at 24.
    #[test]
    fn resolve_hello_noopt_like_delve() {
        let t = fixture(".cache/fixtures/go1.21.13/hello/noopt/hello");
        let r = Resolver::new(&t);
        let main = r.resolve("main.main");
        assert!(main.bound && main.addresses.len() == 1);
        assert_eq!(main.addresses[0].line, 11);
        let l21 = r.resolve("hello/main.go:21");
        assert!(l21.bound, "{l21:?}");
        let l24 = r.resolve("main.go:24");
        assert_eq!(
            l24.reason.as_ref().map(|x| x.id),
            Some(rules::where_no_statement::RULE.id)
        );
        assert_eq!(
            l24.nearest.iter().map(|n| n.line).collect::<Vec<_>>(),
            vec![22, 25]
        );
        // FUNC:LINE is relative to the function's entry line (Delve's FindFunctionLocation).
        let g1 = r.resolve("main.greet:1");
        assert_eq!(g1.addresses[0].line, 26);
        let f = r.index.file_id(&l21.addresses[0].file).unwrap();
        assert!(r.breakable(f).contains(&35));
    }

    /// The file index finds exactly the files a scan of every file with Delve's
    /// partial-path match finds: every suffix of every path of a real binary, in other
    /// case and with `\` for Windows, and names no file has.
    #[test]
    fn file_index_matches_what_a_scan_matches() {
        let t = fixture(".cache/fixtures/go1.25.5/cgo/default/cgo");
        let r = Resolver::new(&t);
        let files = &r.index.files;
        assert!(files.len() > 100, "{} files", files.len());
        let mut bases: Vec<String> = vec!["".into(), "/".into(), "x/".into(), "nosuch.go".into()];
        for f in files {
            for (i, _) in f.match_indices('/') {
                bases.push(f[i + 1..].to_string());
                bases.push(f[i..].to_string());
            }
            bases.push(f.clone());
            bases.push(f.to_uppercase().replace('/', "\\"));
        }
        for windows in [false, true] {
            let by_last = file_index(files, windows);
            for b in &bases {
                let scan: Vec<u32> = (0..files.len() as u32)
                    .filter(|&i| locspec::partial_path_match(b, &files[i as usize], windows))
                    .collect();
                assert_eq!(
                    matching_files(b, files, &by_last, windows),
                    scan,
                    "{b:?} windows={windows}"
                );
            }
        }
    }

    /// `may_name_function` never says no to a base some function has, as either Delve
    /// splits names (generic instantiations, closures, methods, C functions).
    #[test]
    fn may_name_function_misses_no_base() {
        for rel in [
            ".cache/fixtures/go1.25.5/generics/default/generics",
            ".cache/fixtures/go1.25.5/closures/default/closures",
            ".cache/fixtures/go1.25.5/cgocallback/default/cgocallback",
        ] {
            let t = fixture(rel);
            for rules in [DelveRules::V1_20, DelveRules::V1_27] {
                let r = Resolver::with_rules(&t, rules);
                let n = r.names127();
                assert!(n.by_base.len() > 100, "{rel}");
                for base in n.by_base.keys().chain(n.generic_by_base.keys()) {
                    assert!(r.may_name_function(base), "{rel} {rules:?}: {base:?}");
                }
                assert!(!r.may_name_function("go"), "{rel}");
            }
        }
    }

    #[test]
    fn resolve_without_dwarf_says_stripped() {
        let t = fixture(".cache/fixtures/go1.21.13/hello/sw/hello");
        let r = Resolver::new(&t);
        let x = r.resolve("main.go:11");
        assert_eq!(x.reason.map(|x| x.id), Some(rules::where_stripped::RULE.id));
    }
}

/// `path` without its last `n` components, as the user wrote it (separators and a
/// Windows drive kept): `C:\x\main.go`, 1 → `C:\x`; `/src/app/main.go`, 1 →
/// `/src/app`; `/main.go`, 1 → `/`.
fn path_prefix(path: &str, n: usize) -> String {
    let trimmed = path.trim_end_matches(['/', '\\']);
    let mut end = trimmed.len();
    for _ in 0..n {
        let cut = trimmed[..end].rfind(['/', '\\']).unwrap_or(0);
        end = cut;
        // Collapse repeated separators before the component.
        while end > 0 && trimmed[..end].ends_with(['/', '\\']) {
            end -= 1;
        }
    }
    let head = &trimmed[..end];
    if head.is_empty() || head.ends_with(':') {
        // The root: keep one separator ("/" or "C:\\").
        let sep = trimmed[end..].chars().next().unwrap_or('/');
        return format!("{head}{sep}");
    }
    head.to_string()
}

#[cfg(test)]
mod path_prefix_tests {
    #[test]
    fn keeps_what_the_user_wrote() {
        use super::path_prefix;
        assert_eq!(path_prefix(r"C:\x\main.go", 1), r"C:\x");
        assert_eq!(path_prefix(r"C:\x\sub\main.go", 2), r"C:\x");
        assert_eq!(path_prefix(r"C:\main.go", 1), r"C:\");
        assert_eq!(path_prefix("C:/x/main.go", 1), "C:/x");
        assert_eq!(path_prefix("/src/app/main.go", 1), "/src/app");
        assert_eq!(path_prefix("/src//app/main.go", 2), "/src");
        assert_eq!(path_prefix("/main.go", 1), "/");
    }
}
