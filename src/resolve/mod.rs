//! `where`: resolve breakpoint location specs exactly as Delve does, and say why one
//! cannot bind. The binding rules mirror go-delve/delve `pkg/proc/bininfo.go`
//! (`FindFileLocation`, `FindFunctionLocation`, `FirstPCAfterPrologue`) and the matching
//! rules `pkg/locspec/locations.go`; the DWARF is indexed once ([`LineIndex`]) and every
//! spec is answered from the index.

pub mod locspec;
pub mod rules;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::dwarf::lines::LineIndex;
use crate::Target;
use locspec::{FuncSpec, Spec};

pub fn rules() -> Vec<&'static crate::checks::Rule> {
    rules::all()
}

/// One address a location binds to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Address {
    /// The binary's own virtual address (unrelocated for PIE), as `0x…`.
    pub pc: String,
    #[serde(skip)]
    pub value: u64,
    /// The concrete function the address is in.
    pub function: String,
    pub file: String,
    pub line: u32,
    /// The address is in code inlined from another function.
    pub inlined: bool,
    /// The inlined function whose code this is, when `inlined`.
    pub inlined_from: Option<String>,
}

/// Why a location does not bind, or a warning about one that does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub id: &'static str,
    pub name: &'static str,
    pub message: String,
}

impl Reason {
    fn new(rule: &crate::checks::Rule, message: impl Into<String>) -> Reason {
        Reason {
            id: rule.id,
            name: rule.name,
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileLine {
    pub file: String,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubstitutePath {
    pub from: String,
    pub to: String,
}

/// The answer for one spec (JSON shape documented in README, schema_version 1).
#[derive(Clone, Debug, Serialize)]
pub struct Location {
    pub spec: String,
    pub bound: bool,
    pub addresses: Vec<Address>,
    pub reason: Option<Reason>,
    pub warnings: Vec<Reason>,
    /// Nearest lines with a statement (no-statement), or closest names (not found).
    pub nearest: Vec<FileLine>,
    pub candidates: Vec<String>,
    pub substitute_path: Vec<SubstitutePath>,
}

impl Location {
    fn new(spec: &str) -> Location {
        Location {
            spec: spec.to_string(),
            bound: false,
            addresses: Vec::new(),
            reason: None,
            warnings: Vec::new(),
            nearest: Vec::new(),
            candidates: Vec::new(),
            substitute_path: Vec::new(),
        }
    }
    fn fail(mut self, r: Reason) -> Location {
        self.reason = Some(r);
        self
    }
}

/// Answers location specs for one binary; build once, ask many times.
pub struct Resolver<'t> {
    target: &'t Target,
    index: Option<LineIndex>,
    windows: bool,
    /// Distinct names of concrete and inlined functions.
    names: BTreeSet<String>,
}

impl<'t> Resolver<'t> {
    pub fn new(target: &'t Target) -> Resolver<'t> {
        let index = match (target.dwarf(), target.gimli()) {
            (Some(s), Some(d)) => Some(LineIndex::build(&d, s)),
            _ => None,
        };
        let mut names = BTreeSet::new();
        if let Some(ix) = &index {
            names.extend(ix.functions.iter().map(|f| f.name.clone()));
            names.extend(ix.inlined.iter().map(|f| f.name.clone()));
        } else if let Some(p) = target.pclntab() {
            names.extend(p.funcs.iter().map(|f| f.name.clone()));
        }
        Resolver {
            windows: target.goos() == "windows",
            target,
            index,
            names,
        }
    }

    pub fn index(&self) -> Option<&LineIndex> {
        self.index.as_ref()
    }

    pub fn resolve(&self, spec: &str) -> Location {
        let loc = Location::new(spec);
        let parsed = match Spec::parse(spec) {
            Ok(p) => p,
            Err(e) => return loc.fail(Reason::new(&rules::function_not_found::RULE, e)),
        };
        let mut loc = match parsed {
            Spec::Address(a) => self.address(loc, a),
            Spec::Regex(r) => self.regex(loc, &r),
            Spec::Normal { base, line } => self.normal(loc, &base, line),
        };
        loc.bound = !loc.addresses.is_empty() && loc.reason.is_none();
        if loc.bound {
            self.optimised_warning(&mut loc);
        }
        loc
    }

    fn address(&self, mut loc: Location, pc: u64) -> Location {
        match self.describe(pc, false) {
            Some(a) => loc.addresses.push(a),
            None => {
                return loc.fail(Reason::new(
                    &rules::function_not_found::RULE,
                    format!("{pc:#x} is not inside any function of the binary"),
                ))
            }
        }
        loc
    }

    fn regex(&self, mut loc: Location, re: &str) -> Location {
        let re = match regex::Regex::new(re) {
            Ok(r) => r,
            Err(e) => {
                let first = e
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                return loc.fail(Reason::new(
                    &rules::function_not_found::RULE,
                    format!("bad regular expression: {first}"),
                ));
            }
        };
        let names: Vec<&String> = self.names.iter().filter(|n| re.is_match(n)).collect();
        if names.is_empty() {
            return loc.fail(Reason::new(
                &rules::function_not_found::RULE,
                "no function name matches the regular expression",
            ));
        }
        for n in names {
            loc.addresses.extend(self.function_addresses(n));
        }
        loc.addresses.sort_by_key(|a| a.value);
        loc.addresses.dedup_by_key(|a| a.value);
        loc
    }

    fn normal(&self, loc: Location, base: &str, line: Option<u32>) -> Location {
        let Some(ix) = &self.index else {
            return self.stripped(loc, base, line);
        };
        // Candidates as Delve's Find collects them: files matching the base, and
        // functions matching it (an exact name first).
        let files: Vec<&String> = ix
            .files
            .iter()
            .filter(|f| locspec::path_matches(base, f, self.windows))
            .collect();
        // Generic instantiations count as one function, named without type parameters
        // (Delve's LookupGenericFunc): `Sum` finds main.Sum[go.shape.int] and [float64].
        let funcs: Vec<String> = if self.names.contains(base) || self.generic_name(base) {
            vec![base.to_string()]
        } else {
            match FuncSpec::parse(base) {
                Some(fs) => self
                    .names
                    .iter()
                    .filter(|n| fs.matches(n))
                    .map(|n| generic_base(n))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                None => Vec::new(),
            }
        };
        match (files.len(), funcs.len()) {
            (0, 0) => self.not_found(loc, base, line),
            (1, 0) => match line {
                Some(l) => self.file_line(loc, files[0], l),
                None => loc.fail(Reason::new(
                    &rules::no_statement::RULE,
                    format!("{base} is a file: add :LINE"),
                )),
            },
            (0, 1) => match line {
                None => {
                    let mut loc = loc;
                    loc.addresses = self.function_addresses(&funcs[0]);
                    if loc.addresses.is_empty() {
                        return loc.fail(Reason::new(
                            &rules::function_not_found::RULE,
                            format!("{} has no code in the binary", funcs[0]),
                        ));
                    }
                    loc
                }
                Some(l) => {
                    // FUNC:LINE is a line of the function's own file.
                    let file = ix.functions_named(&funcs[0]).first().and_then(|&i| {
                        ix.entry_line(&ix.functions[i])
                            .map(|(f, _)| ix.files[f as usize].clone())
                    });
                    match file {
                        Some(f) => self.file_line(loc, &f, l),
                        None => loc.fail(Reason::new(
                            &rules::function_not_found::RULE,
                            format!("{} has no code in the binary", funcs[0]),
                        )),
                    }
                }
            },
            _ => {
                let mut loc = loc;
                loc.candidates = files
                    .iter()
                    .map(|s| s.to_string())
                    .chain(funcs)
                    .take(20)
                    .collect();
                let n = loc.candidates.len();
                loc.fail(Reason::new(
                    &rules::ambiguous_file::RULE,
                    format!("{base} matches {n} files or functions; add leading directories"),
                ))
            }
        }
    }

    /// Delve's `FindFileLocation`.
    fn file_line(&self, mut loc: Location, file: &str, line: u32) -> Location {
        let ix = self.index.as_ref().expect("index");
        let Some(fid) = ix.file_id(file) else {
            return loc;
        };
        // 1. Every row of file:line; else inlined call sites on that line.
        let mut pcs: Vec<(u64, bool)> = ix
            .line_rows(fid, line)
            .iter()
            .map(|r| (r.addr, r.stmt))
            .collect();
        if pcs.is_empty() {
            pcs = ix
                .inlined
                .iter()
                .filter(|c| c.call_file == Some(fid) && c.call_line == line)
                .map(|c| (c.low_pc(), true))
                .collect();
        }
        if pcs.is_empty() {
            let stmts = ix.stmt_lines(fid);
            let above = stmts.iter().rev().find(|&&l| l < line);
            let below = stmts.iter().find(|&&l| l > line);
            for l in [above, below].into_iter().flatten() {
                loc.nearest.push(FileLine {
                    file: file.to_string(),
                    line: *l,
                });
            }
            let near = match (above, below) {
                (Some(a), Some(b)) => format!("nearest: line {a} above, line {b} below"),
                (Some(a), None) => format!("nearest: line {a} above (none below)"),
                (None, Some(b)) => format!("nearest: line {b} below (none above)"),
                (None, None) => "the file has no statement at all".to_string(),
            };
            return loc.fail(Reason::new(
                &rules::no_statement::RULE,
                format!(
                    "line {line} has no statement (a comment, declaration or blank line); {near}"
                ),
            ));
        }
        // 2. Group by concrete function; 3. within it, by innermost inlined call.
        pcs.sort_unstable();
        // (concrete function, innermost inlined call) → (pc, is_stmt) rows.
        type Groups = BTreeMap<(usize, Option<usize>), Vec<(u64, bool)>>;
        let mut groups = Groups::new();
        for (pc, stmt) in pcs {
            let Some(fi) = ix.function_at(pc) else {
                continue;
            };
            let f = &ix.functions[fi];
            if f.name.contains("·dwrap·") || f.trampoline {
                continue;
            }
            let inl = innermost_inlined(ix, f.entry, f.end, pc);
            groups.entry((fi, inl)).or_default().push((pc, stmt));
        }
        // 4. First statement (else first instruction) per group; 5. skip the prologue
        // when that is the function's entry.
        let mut selected = BTreeSet::new();
        for ((fi, inl), pcs) in groups {
            let f = &ix.functions[fi];
            let mut pc = pcs.iter().find(|p| p.1).unwrap_or(&pcs[0]).0;
            if inl.is_none() && pc == f.entry {
                pc = ix.after_prologue(f, true).0;
            }
            selected.insert(pc);
        }
        for pc in selected {
            if let Some(a) = self.describe(pc, true) {
                loc.addresses.push(Address {
                    file: file.to_string(),
                    line,
                    ..a
                });
            }
        }
        loc
    }

    /// Delve's `FindFunctionLocation`: each concrete instance after its prologue, plus
    /// every inlined call's first address.
    fn function_addresses(&self, name: &str) -> Vec<Address> {
        let Some(ix) = &self.index else {
            return self
                .target
                .pclntab()
                .and_then(|p| p.func_by_name(name))
                .map(|f| {
                    vec![Address {
                        pc: format!("{:#x}", f.entry),
                        value: f.entry,
                        function: f.name.clone(),
                        file: String::new(),
                        line: 0,
                        inlined: false,
                        inlined_from: None,
                    }]
                })
                .unwrap_or_default();
        };
        let same = |n: &str| n == name || (n.contains('[') && generic_base(n) == name);
        let mut pcs: Vec<u64> = ix
            .functions
            .iter()
            .filter(|f| same(&f.name))
            .map(|f| ix.after_prologue(f, false).0)
            .collect();
        pcs.extend(
            ix.inlined
                .iter()
                .filter(|c| same(&c.name))
                .map(|c| c.low_pc()),
        );
        pcs.sort_unstable();
        pcs.dedup();
        pcs.into_iter()
            .filter_map(|pc| self.describe(pc, false))
            .collect()
    }

    /// Function, file and line of a PC (file/line of the row at or before it).
    fn describe(&self, pc: u64, _file_line: bool) -> Option<Address> {
        let ix = self.index.as_ref()?;
        let fi = ix.function_at(pc)?;
        let f = &ix.functions[fi];
        let (file, line) = ix.line_at(f, pc).unwrap_or(("", 0));
        let inl = innermost_inlined(ix, f.entry, f.end, pc);
        Some(Address {
            pc: format!("{pc:#x}"),
            value: pc,
            function: f.name.clone(),
            file: file.to_string(),
            line,
            inlined: inl.is_some(),
            inlined_from: inl.map(|i| ix.inlined[i].name.clone()),
        })
    }

    fn optimised_warning(&self, loc: &mut Location) {
        let (Some(ix), Some(summary)) = (&self.index, self.target.dwarf()) else {
            return;
        };
        let Some(a) = loc.addresses.first() else {
            return;
        };
        let Some(fi) = ix.function_at(a.value) else {
            return;
        };
        let unit = &summary.units[ix.functions[fi].unit];
        if unit.flags.optimized() {
            loc.warnings.push(Reason::new(
                &rules::optimized::RULE,
                format!(
                    "package {} was compiled with optimisation (DW_AT_producer \"{}\"): variables may be unavailable",
                    unit.name,
                    unit.producer.as_deref().unwrap_or("")
                ),
            ));
        }
    }

    /// No DWARF: functions by pclntab (bound at the entry, with a warning), no file:line.
    fn stripped(&self, mut loc: Location, base: &str, line: Option<u32>) -> Location {
        let why = "the binary has no DWARF (stripped: -ldflags=-s -w, -w, or strip)";
        if line.is_none() {
            let names: Vec<&String> = match FuncSpec::parse(base) {
                _ if self.names.contains(base) => vec![self.names.get(base).unwrap()],
                Some(fs) => self.names.iter().filter(|n| fs.matches(n)).collect(),
                None => Vec::new(),
            };
            if names.len() == 1 {
                loc.addresses = self.function_addresses(names[0]);
                loc.warnings.push(Reason::new(
                    &rules::stripped::RULE,
                    format!("{why}: bound at the function entry from the pclntab, before the prologue; no line information, no variables"),
                ));
                return loc;
            }
        }
        loc.fail(Reason::new(
            &rules::stripped::RULE,
            format!("{why}: only function names resolve (through the pclntab), not FILE:LINE"),
        ))
    }

    /// Nothing matched: say which of DD701/DD704/DD706 applies.
    fn not_found(&self, mut loc: Location, base: &str, line: Option<u32>) -> Location {
        let ix = self.index.as_ref().expect("index");
        let looks_like_file = base.ends_with(".go") || base.ends_with(".s") || base.contains('/');
        if looks_like_file {
            // A path whose tail exists under another prefix: trimmed or foreign paths.
            let tail = base.replace('\\', "/");
            let comps: Vec<&str> = tail.split('/').filter(|c| !c.is_empty()).collect();
            for k in 1..comps.len() {
                let suffix = comps[comps.len() - k..].join("/");
                let hits: Vec<&String> = ix
                    .files
                    .iter()
                    .filter(|f| locspec::path_matches(&suffix, f, self.windows))
                    .collect();
                if hits.len() == 1 && k < comps.len() {
                    let recorded = hits[0];
                    let from_prefix =
                        base[..base.len() - suffix.len()].trim_end_matches(['/', '\\']);
                    let to_prefix = recorded[..recorded.len() - suffix.len()].trim_end_matches('/');
                    let trimmed = !recorded.starts_with('/') && recorded.get(1..2) != Some(":");
                    loc.substitute_path.push(SubstitutePath {
                        from: from_prefix.to_string(),
                        to: to_prefix.to_string(),
                    });
                    let what = if trimmed {
                        "the binary's paths are trimmed (-trimpath)"
                    } else {
                        "the binary was built under another directory"
                    };
                    return loc.fail(Reason::new(
                        &rules::path_mismatch::RULE,
                        format!("no file {base}; {what}: {recorded} — add substitutePath {{\"from\": \"{from_prefix}\", \"to\": \"{to_prefix}\"}}"),
                    ));
                }
            }
            let name = comps.last().copied().unwrap_or(base);
            let mut close: Vec<(f64, &String)> = ix
                .files
                .iter()
                .map(|f| {
                    let b = f.rsplit('/').next().unwrap_or(f);
                    (strsim::jaro_winkler(name, b), f)
                })
                .filter(|(s, _)| *s > 0.8)
                .collect();
            close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            loc.candidates = close.into_iter().take(5).map(|(_, f)| f.clone()).collect();
            let mut msg = format!(
                "no file matches {base} among the binary's {} source files",
                ix.files.len()
            );
            if name.ends_with("_test.go") && !self.is_test_binary() {
                msg.push_str(
                    "; _test.go files are only compiled into test binaries (go test -c, dlv test)",
                );
            } else if let Some(c) = build_constraint(base) {
                msg.push_str(&format!("; the file has a build constraint ({c}): build with the matching -tags/GOOS/GOARCH"));
            } else if !loc.candidates.is_empty() {
                msg.push_str(&format!("; closest: {}", loc.candidates.join(", ")));
            }
            let _ = line;
            return loc.fail(Reason::new(&rules::file_not_found::RULE, msg));
        }
        // A function: closest names, and whether the linker dropped it.
        let short = base.rsplit('.').next().unwrap_or(base);
        let mut close: Vec<(f64, &String)> = self
            .names
            .iter()
            .map(|n| {
                let b = locspec::FuncName::new(n).base;
                (strsim::jaro_winkler(short, &b), n)
            })
            .filter(|(s, _)| *s > 0.85)
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        loc.candidates = close.into_iter().take(5).map(|(_, n)| n.clone()).collect();
        let mut msg = format!("no function {base} in the binary");
        if !loc.candidates.is_empty() {
            msg.push_str(&format!("; closest: {}", loc.candidates.join(", ")));
        } else {
            msg.push_str("; never called functions are removed by the linker (dead code), and a function inlined everywhere leaves only its inlined calls");
        }
        loc.fail(Reason::new(&rules::function_not_found::RULE, msg))
    }

    /// `name` is the type-parameter-free name of some generic instantiation.
    fn generic_name(&self, name: &str) -> bool {
        self.names
            .iter()
            .any(|n| n.contains('[') && generic_base(n) == name)
    }

    fn is_test_binary(&self) -> bool {
        self.names.iter().any(|n| n == "main.main")
            && self
                .index
                .as_ref()
                .is_some_and(|ix| ix.files.iter().any(|f| f.ends_with("_testmain.go")))
    }

    /// `--breakable FILE`: the file (as recorded) and its lines with a statement.
    pub fn breakable(&self, file: &str) -> Result<(String, Vec<u32>), Box<Location>> {
        let loc = Location::new(file);
        let Some(ix) = &self.index else {
            return Err(Box::new(self.stripped(loc, file, Some(1))));
        };
        let files: Vec<&String> = ix
            .files
            .iter()
            .filter(|f| locspec::path_matches(file, f, self.windows))
            .collect();
        match files.len() {
            1 => {
                let id = ix.file_id(files[0]).unwrap_or(0);
                Ok((files[0].clone(), ix.stmt_lines(id)))
            }
            0 => Err(Box::new(self.not_found(loc, file, None))),
            _ => {
                let mut loc = loc;
                loc.candidates = files.iter().map(|s| s.to_string()).take(20).collect();
                Err(Box::new(loc.fail(Reason::new(
                    &rules::ambiguous_file::RULE,
                    format!("{file} matches {} files", files.len()),
                ))))
            }
        }
    }
}

/// `main.(*Stack[go.shape.string]).Push` → `main.(*Stack).Push` (Delve's
/// `NameWithoutTypeParams`).
fn generic_base(name: &str) -> String {
    locspec::split_type_params(name).0
}

/// The deepest inlined call inside [entry, end) containing `pc` (Delve's findInlRng).
fn innermost_inlined(ix: &LineIndex, entry: u64, end: u64, pc: u64) -> Option<usize> {
    ix.inlined
        .iter()
        .enumerate()
        .filter(|(_, c)| c.contains(pc) && c.low_pc() >= entry && c.low_pc() < end)
        .max_by_key(|(_, c)| c.depth)
        .map(|(i, _)| i)
}

/// A `//go:build` line at the top of a local file, if the spec names one that exists.
fn build_constraint(path: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .take_while(|l| !l.starts_with("package "))
        .find(|l| l.starts_with("//go:build "))
        .map(|l| l.to_string())
}

/// `1-3, 5, 9-12`
pub fn ranges(lines: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] == end + 1 {
            i += 1;
            end = lines[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    out.join(", ")
}
