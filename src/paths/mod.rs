//! Where a binary thinks its sources are, and how those paths map to a local workspace:
//! the data behind `debugdoctor paths`.
//!
//! [`analyze`] classifies every recorded source file ([`classify`]), maps each group to
//! the local [`Workspace`] (go.mod/go.work modules, module cache, GOROOT), synthesises
//! the smallest set of substitutePath [`Rule`]s and verifies them by applying them the
//! way Delve does ([`substitute::apply`]). [`suggest_substitute`] answers the question
//! for a single file.

pub mod classify;
pub mod substitute;
pub mod workspace;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

pub use classify::{classify, Context, ModuleRoot, PathClass, SourcePath};
pub use substitute::{DelveRule, LaunchJsonRule, Rule, Verification};
pub use workspace::{LocalModule, Workspace, WorkspaceOptions};

use crate::Target;

/// Where the list of recorded source files came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileSource {
    /// DWARF line tables (every file a breakpoint can name).
    Dwarf,
    /// The runtime's pclntab (stripped binaries: Delve cannot set FILE:LINE there anyway).
    Pclntab,
    /// Neither: no file names to map.
    #[default]
    None,
}

/// One recorded file and where it is locally.
#[derive(Clone, Debug, Serialize)]
pub struct FileStatus {
    #[serde(flatten)]
    pub path: SourcePath,
    /// The local path the suggested rules map it to (None: nowhere to map it).
    pub local: Option<String>,
    /// `local` exists.
    pub found: bool,
    /// The recorded path itself exists on this machine.
    pub found_as_recorded: bool,
    /// Module cache only: the local cache or go.mod has another version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_version: Option<String>,
}

/// Files of one class sharing one build-machine root.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    pub class: PathClass,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The build-machine prefix as recorded (`/app`; empty for trimmed GOROOT files).
    pub binary_root: String,
    /// Its local counterpart, when known.
    pub local_root: Option<String>,
    pub files: usize,
    /// Files that exist locally once the suggested rules are applied.
    pub found: usize,
    /// Module cache only: files whose module version differs locally.
    pub versions_differ: usize,
    /// Up to 5 files not found locally.
    pub missing: Vec<String>,
}

/// The outcome of [`analyze`].
#[derive(Clone, Debug, Serialize)]
pub struct PathsReport {
    pub binary: String,
    pub source: FileSource,
    pub go_version: Option<String>,
    /// Main module path (build info, else the workspace module holding package main).
    pub main_module: Option<String>,
    pub workspace: Workspace,
    pub groups: Vec<Group>,
    /// Rules in neutral form (binary prefix, local directory), most specific first.
    pub rules: Vec<Rule>,
    /// vscode-go launch.json `substitutePath` (from = editor path, to = binary path).
    pub launch_json: Vec<LaunchJsonRule>,
    /// The same with absolute local paths (no `${workspaceFolder}`).
    pub launch_json_absolute: Vec<LaunchJsonRule>,
    /// Delve config (from = binary path, to = local path).
    pub delve: Vec<DelveRule>,
    /// Delve commands (init script or `dlv` prompt) installing the rules.
    pub delve_commands: Vec<String>,
    /// Files (not generated) that exist as recorded, with no rules.
    pub before: Verification,
    /// The same with the rules applied as Delve applies them.
    pub after: Verification,
    /// Main-module files only, with the rules applied.
    pub main_module_files: Verification,
    /// Things the user should know (sources changed since the build, symlinks, WSL...).
    pub notes: Vec<String>,
    /// Every recorded file (generated ones included).
    pub files: Vec<FileStatus>,
}

impl PathsReport {
    /// True when every main-module file resolves locally once the rules are applied
    /// (the `paths` command exits 0).
    pub fn main_module_ok(&self) -> bool {
        self.main_module_files.checked > 0
            && self.main_module_files.found == self.main_module_files.checked
    }
}

/// The recorded source files, per compile unit: (unit name, files). DWARF line tables
/// first; the pclntab file table when there is no DWARF.
pub fn recorded_files(t: &Target) -> (FileSource, Vec<(String, Vec<String>)>) {
    if let (Some(summary), Some(d)) = (t.dwarf(), t.gimli()) {
        let units: Vec<(String, Vec<String>)> = summary
            .units
            .iter()
            .map(|u| (u.name.clone(), crate::dwarf::unit_files(&d, u)))
            .filter(|(_, f)| !f.is_empty())
            .collect();
        if !units.is_empty() {
            return (FileSource::Dwarf, units);
        }
    }
    if let Some(files) = pclntab_files(t) {
        if !files.is_empty() {
            return (FileSource::Pclntab, vec![(String::new(), files)]);
        }
    }
    (FileSource::None, Vec::new())
}

/// The pclntab's file table: what a stripped binary still says about its sources.
fn pclntab_files(t: &Target) -> Option<Vec<String>> {
    Some(t.pclntab()?.files().to_vec())
}

fn dir_of(p: &str) -> &str {
    p.rfind(['/', '\\']).map(|i| &p[..i]).unwrap_or("")
}
fn base_of(p: &str) -> &str {
    p.rfind(['/', '\\']).map(|i| &p[i + 1..]).unwrap_or(p)
}
fn components(p: &str) -> Vec<&str> {
    p.split(['/', '\\']).filter(|c| !c.is_empty()).collect()
}
fn common_suffix(a: &[&str], b: &[&str]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Could this recorded absolute file be a module source (not GOROOT, cache, generated)?
fn module_candidate(p: &str, goroots: &[String]) -> bool {
    let c = classify(
        p,
        &Context {
            modules: Vec::new(),
            goroots: goroots.to_vec(),
        },
    );
    !c.trimmed && c.class == PathClass::Other
}

/// Learns the build machine's GOROOT(s) and module directories from the compile units:
/// a unit is one package, so its own files sit in `<module dir>/<package path minus
/// module path>` (or `<GOROOT>/src/<package>` for the standard library).
fn learn_context(
    units: &[(String, Vec<String>)],
    main_module: Option<&str>,
    main_package: Option<&str>,
    modules: &[(String, bool)],
    ws: &Workspace,
) -> (Context, Option<String>) {
    let goroots = vote_goroots(units, modules);
    let (main_pkg, main_mod) = main_package_path(units, main_module, main_package, &goroots, ws);
    let mut all_modules: Vec<(String, bool)> = modules.to_vec();
    if let Some(m) = &main_mod {
        if !all_modules.iter().any(|(p, _)| p == m) {
            all_modules.push((m.clone(), true));
        }
        for (p, main) in all_modules.iter_mut() {
            *main = p == m;
        }
    }
    let candidates = module_dir_candidates(units, main_pkg.as_deref(), &all_modules, &goroots);
    let mut roots = vote_module_roots(&candidates, &all_modules);
    place_unplaced_modules(&mut roots, units, &goroots, ws);
    (
        Context {
            modules: roots,
            goroots,
        },
        main_mod,
    )
}

/// GOROOT: std units whose files sit in `X/src/<package>`; the most voted first.
fn vote_goroots(units: &[(String, Vec<String>)], modules: &[(String, bool)]) -> Vec<String> {
    // GOROOT: std units whose files sit in `X/src/<package>`.
    let mut goroot_votes: HashMap<String, usize> = HashMap::new();
    for (name, files) in units {
        if !classify::is_std_import_path(name)
            || modules.iter().any(|(m, _)| name.starts_with(m.as_str()))
        {
            continue;
        }
        let suffix = format!("/src/{name}");
        for f in files {
            let d = dir_of(f).replace('\\', "/");
            if let Some(x) = d.strip_suffix(&suffix) {
                if !x.is_empty() {
                    *goroot_votes
                        .entry(dir_of(f)[..x.len()].to_string())
                        .or_default() += 1;
                }
            }
        }
    }
    let mut goroots: Vec<(String, usize)> = goroot_votes.into_iter().collect();
    goroots.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    goroots.into_iter().map(|(g, _)| g).collect()
}

/// The main package's import path and main module: build info, else guessed from the
/// workspace (the module whose directory holds the main package's file names).
fn main_package_path(
    units: &[(String, Vec<String>)],
    main_module: Option<&str>,
    main_package: Option<&str>,
    goroots: &[String],
    ws: &Workspace,
) -> (Option<String>, Option<String>) {
    let main_unit_files: Vec<&String> = units
        .iter()
        .filter(|(n, _)| n == "main")
        .flat_map(|(_, f)| f.iter())
        .filter(|f| module_candidate(f, goroots))
        .collect();
    let mut main_pkg = main_package.map(str::to_string);
    let mut main_mod = main_module.map(str::to_string);
    if main_pkg.is_none() {
        'guess: for f in &main_unit_files {
            let dcomps = components(dir_of(f));
            for m in &ws.modules {
                for k in 0..=dcomps.len().min(4) {
                    let sub = dcomps[dcomps.len() - k..].join("/");
                    if m.dir.join(&sub).join(base_of(f)).is_file() {
                        main_pkg = Some(if sub.is_empty() {
                            m.path.clone()
                        } else {
                            format!("{}/{}", m.path, sub)
                        });
                        main_mod.get_or_insert_with(|| m.path.clone());
                        break 'guess;
                    }
                }
            }
        }
    }
    if main_mod.is_none() && ws.modules.len() == 1 {
        main_mod = Some(ws.modules[0].path.clone());
    }
    if main_pkg.is_none() {
        main_pkg.clone_from(&main_mod);
    }
    (main_pkg, main_mod)
}

/// A candidate module directory: the module, its root on the build machine, and how
/// well the directory's tail matches the package path.
struct Cand {
    module: String,
    root: String,
    score: usize,
    unit_dirs: usize,
}

/// Candidate module directories, best per recorded directory.
fn module_dir_candidates(
    units: &[(String, Vec<String>)],
    main_pkg: Option<&str>,
    all_modules: &[(String, bool)],
    goroots: &[String],
) -> BTreeMap<String, Cand> {
    let mut best_for_dir: BTreeMap<String, Cand> = BTreeMap::new();
    for (name, files) in units {
        let pkg = if name == "main" {
            match main_pkg {
                Some(p) => p.to_string(),
                None => continue,
            }
        } else {
            name.clone()
        };
        let Some((module, _)) = all_modules
            .iter()
            .filter(|(m, _)| pkg == *m || pkg.starts_with(&format!("{m}/")))
            .max_by_key(|(m, _)| m.len())
        else {
            continue;
        };
        let sub = pkg[module.len()..].trim_start_matches('/');
        let pcomps = components(&pkg);
        let dirs: std::collections::BTreeSet<&str> = files
            .iter()
            .filter(|f| module_candidate(f, goroots))
            .map(|f| dir_of(f))
            .collect();
        for d in &dirs {
            let dn = d.replace('\\', "/");
            let root = if sub.is_empty() {
                d.to_string()
            } else if dn.ends_with(&format!("/{sub}")) {
                d[..d.len() - sub.len() - 1].to_string()
            } else {
                continue;
            };
            let score = common_suffix(&components(d), &pcomps) * 2
                + usize::from(name == "main" || !sub.is_empty());
            let c = Cand {
                module: module.clone(),
                root,
                score,
                unit_dirs: dirs.len(),
            };
            let better = match best_for_dir.get(*d) {
                None => true,
                Some(o) => {
                    (c.score, std::cmp::Reverse(c.unit_dirs))
                        > (o.score, std::cmp::Reverse(o.unit_dirs))
                }
            };
            if better {
                best_for_dir.insert(d.to_string(), c);
            }
        }
    }
    best_for_dir
}

/// Per module, the root voted by most directories (ties: shortest root).
fn vote_module_roots(
    best_for_dir: &BTreeMap<String, Cand>,
    all_modules: &[(String, bool)],
) -> Vec<ModuleRoot> {
    let mut votes: BTreeMap<(String, String), usize> = BTreeMap::new();
    for c in best_for_dir.values() {
        *votes.entry((c.module.clone(), c.root.clone())).or_default() += 1 + c.score;
    }
    let mut roots: Vec<ModuleRoot> = Vec::new();
    for (module, main) in all_modules {
        let root = votes
            .iter()
            .filter(|((m, _), _)| m == module)
            .max_by(|a, b| a.1.cmp(b.1).then(b.0 .1.len().cmp(&a.0 .1.len())))
            .map(|((_, r), _)| r.clone());
        roots.push(ModuleRoot {
            module: module.clone(),
            binary_dir: root,
            main: *main,
        });
    }
    roots
}

/// Local modules the units did not place (a package fully inlined into its importer has
/// no unit of its own): a recorded directory whose files all exist in the local module
/// directory, preferring one with the same last component.
fn place_unplaced_modules(
    roots: &mut [ModuleRoot],
    units: &[(String, Vec<String>)],
    goroots: &[String],
    ws: &Workspace,
) {
    let taken: Vec<String> = roots.iter().filter_map(|r| r.binary_dir.clone()).collect();
    for r in roots.iter_mut().filter(|r| r.binary_dir.is_none()) {
        let Some(lm) = ws.module(&r.module) else {
            continue;
        };
        let mut by_dir: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for f in units.iter().flat_map(|(_, f)| f.iter()) {
            if module_candidate(f, goroots) {
                by_dir.entry(dir_of(f)).or_default().push(base_of(f));
            }
        }
        let local_last = components(&lm.dir.to_string_lossy())
            .last()
            .map(|c| c.to_string());
        let best = by_dir
            .iter()
            .filter(|(d, _)| !taken.iter().any(|t| t == *d))
            .filter(|(_, names)| names.iter().all(|n| lm.dir.join(n).is_file()))
            .max_by_key(|(d, names)| {
                (
                    components(d).last().map(|c| c.to_string()) == local_last,
                    names.len(),
                )
            });
        if let Some((d, _)) = best {
            r.binary_dir = Some(d.to_string());
        }
    }
}

/// Where a recorded file is locally, and the local root of its group.
fn local_for(
    p: &SourcePath,
    ws: &Workspace,
    main_module: Option<&str>,
) -> (Option<String>, Option<String>) {
    let s = |x: &Path| x.to_string_lossy().into_owned();
    let join = |root: &str, rel: &str| {
        if rel.is_empty() {
            root.to_string()
        } else {
            format!("{}/{}", root.trim_end_matches('/'), rel)
        }
    };
    let local_root: Option<String> = match p.class {
        PathClass::MainModule | PathClass::WorkModule | PathClass::Vendor => {
            let m = p.module.as_deref().filter(|_| p.class != PathClass::Vendor);
            let m = m.or(main_module);
            match m.and_then(|m| ws.module(m)) {
                Some(lm) if p.class != PathClass::Vendor => Some(s(&lm.dir)),
                _ => {
                    // Vendor roots are the main module's directory.
                    main_module
                        .and_then(|m| ws.module(m))
                        .map(|lm| s(&lm.dir))
                        // The workspace directory itself only when nothing contradicts
                        // it: a workspace whose go.mod declares another module is not
                        // where this binary's main module lives.
                        .or_else(|| {
                            let contradicted = main_module.is_some() && !ws.modules.is_empty();
                            (p.class != PathClass::WorkModule && !contradicted).then(|| s(&ws.dir))
                        })
                }
            }
        }
        PathClass::ModuleCache if p.trimmed => match (&p.module, &p.version, &ws.gomodcache) {
            (Some(m), Some(v), Some(cache)) => {
                Some(format!("{}/{}@{v}", s(cache), classify::escape_module(m)))
            }
            _ => None,
        },
        PathClass::ModuleCache => ws.gomodcache.as_deref().map(s),
        PathClass::Goroot => ws.goroot.as_deref().map(|g| {
            if p.root.is_empty() {
                // Trimmed `runtime/proc.go` is relative to $GOROOT/src.
                format!("{}/src", s(g).trim_end_matches('/'))
            } else {
                s(g)
            }
        }),
        PathClass::Bazel => Some(s(&ws.dir)),
        PathClass::Other if p.trimmed => None,
        PathClass::Other => None,
        _ => None,
    };
    let local = local_root.as_deref().map(|r| join(r, &p.rel));
    (local, local_root)
}

/// What [`analyze_facts`] needs from a binary: the recorded files per unit and the
/// build info. Separate from [`Target`] so the analysis can run on any path list
/// (tests with Windows or Bazel paths, other front ends).
#[derive(Clone, Debug, Default)]
pub struct BinaryFacts {
    /// The binary's path, for the report.
    pub binary: String,
    pub source: FileSource,
    /// (compile unit name = package import path, files of its line table).
    pub units: Vec<(String, Vec<String>)>,
    pub go_version: Option<String>,
    pub buildinfo: Option<crate::go::BuildInfo>,
    /// A pclntab is present (the binary is Go even without build info).
    pub has_pclntab: bool,
}

impl BinaryFacts {
    pub fn from_target(t: &Target) -> BinaryFacts {
        let (source, units) = recorded_files(t);
        BinaryFacts {
            binary: t.path().display().to_string(),
            source,
            units,
            go_version: t.go_version(),
            buildinfo: t.buildinfo().cloned(),
            has_pclntab: t.pclntab().is_some(),
        }
    }
}

/// Analyzes the recorded source paths of `t` against `ws`.
pub fn analyze(t: &Target, ws: &Workspace) -> PathsReport {
    analyze_facts(&BinaryFacts::from_target(t), ws)
}

/// [`analyze`] over already extracted facts.
pub fn analyze_facts(facts: &BinaryFacts, ws: &Workspace) -> PathsReport {
    let units = &facts.units;
    let bi = facts.buildinfo.as_ref();
    let main_module = bi
        .and_then(|b| b.main.as_ref())
        .map(|m| m.path.clone())
        .filter(|p| !p.is_empty());
    let main_package = bi.and_then(|b| b.path.clone()).filter(|p| !p.is_empty());
    let modules = local_modules(bi, main_module.as_deref(), ws);
    let (ctx, main_module) = learn_context(
        units,
        main_module.as_deref(),
        main_package.as_deref(),
        &modules,
        ws,
    );
    let (mut files, rules) = classify_files(units, &ctx, ws, main_module.as_deref());
    let checkable_owned: Vec<String> = files
        .iter()
        .filter(|f| !f.path.class.is_generated())
        .map(|f| f.path.recorded.clone())
        .collect();
    let checkable: Vec<&str> = checkable_owned.iter().map(String::as_str).collect();
    let rules = substitute::minimize(useful_rules(rules, &files), &checkable);
    let delve_rules = substitute::delve(&rules);
    for f in &mut files {
        f.found = substitute::resolves(&f.path.recorded, &delve_rules);
        if f.found {
            f.local = Some(substitute::apply(&f.path.recorded, &delve_rules));
        }
    }
    let before = substitute::verify(checkable.iter().copied(), &[]);
    let after = substitute::verify(checkable.iter().copied(), &rules);
    let main_files: Vec<&str> = files
        .iter()
        .filter(|f| f.path.class == PathClass::MainModule)
        .map(|f| f.path.recorded.as_str())
        .collect();
    let main_module_files = substitute::verify(main_files.iter().copied(), &rules);
    let groups = group_files(&files, ws, main_module.as_deref());
    let ws_dir = ws.dir.to_string_lossy().into_owned();
    let mut report = PathsReport {
        binary: facts.binary.clone(),
        source: facts.source,
        go_version: facts.go_version.clone(),
        main_module,
        workspace: ws.clone(),
        groups,
        launch_json: substitute::launch_json(&rules, Some(&ws_dir)),
        launch_json_absolute: substitute::launch_json(&rules, None),
        delve: delve_rules,
        delve_commands: substitute::delve_commands(&rules),
        rules,
        before,
        after,
        main_module_files,
        notes: Vec::new(),
        files,
    };
    report.notes = notes(facts, ws, &report, &ctx);
    report
}

/// Modules with local (non-cache) sources: build info's main and local replaces, and the
/// workspace's modules; `true` marks the main module.
fn local_modules(
    bi: Option<&crate::go::BuildInfo>,
    main_module: Option<&str>,
    ws: &Workspace,
) -> Vec<(String, bool)> {
    let mut modules: Vec<(String, bool)> = Vec::new();
    if let Some(m) = main_module {
        modules.push((m.to_string(), true));
    }
    if let Some(b) = bi {
        for d in &b.deps {
            if let Some(r) = &d.replace {
                if r.version.is_empty() && !modules.iter().any(|(p, _)| *p == d.path) {
                    modules.push((d.path.clone(), false));
                }
            }
        }
    }
    for m in &ws.modules {
        if !modules.iter().any(|(p, _)| *p == m.path) {
            modules.push((m.path.clone(), false));
        }
    }
    modules
}

/// Every distinct recorded file, classified and mapped to the workspace, and the rules
/// (binary root → local root) that mapping suggests.
fn classify_files(
    units: &[(String, Vec<String>)],
    ctx: &Context,
    ws: &Workspace,
    main_module: Option<&str>,
) -> (Vec<FileStatus>, Vec<Rule>) {
    let mut seen = std::collections::HashSet::new();
    let mut files: Vec<FileStatus> = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    for (_, list) in units {
        for f in list {
            if !seen.insert(f.clone()) {
                continue;
            }
            let p = classify(f, ctx);
            let (local, local_root) = local_for(&p, ws, main_module);
            if let Some(lr) = &local_root {
                if !p.class.is_generated() && *lr != p.root {
                    let r = Rule::new(p.root.clone(), lr.clone());
                    if !rules.contains(&r) {
                        rules.push(r);
                    }
                }
            }
            let mut local_version = None;
            if p.class == PathClass::ModuleCache {
                if let (Some(m), Some(v)) = (&p.module, &p.version) {
                    local_version = ws
                        .required_version(m)
                        .filter(|lv| lv != v)
                        .map(str::to_string)
                        .or_else(|| other_cached_version(ws, m, v));
                }
            }
            files.push(FileStatus {
                found_as_recorded: !p.trimmed && Path::new(f).is_file(),
                path: p,
                local,
                found: false,
                local_version,
            });
        }
    }
    (files, rules)
}

/// Rules only for groups with something found at the mapped path: a rule pointing at a
/// missing directory helps nobody.
fn useful_rules(mut rules: Vec<Rule>, files: &[FileStatus]) -> Vec<Rule> {
    rules.retain(|r| {
        files.iter().any(|f| {
            f.path.root == r.binary
                && f.local
                    .as_deref()
                    .is_some_and(|l| l.starts_with(r.local.as_str()) && Path::new(l).is_file())
        })
    });
    rules
}

/// Files grouped by (class, module for module dirs, root), largest groups first within
/// a class.
fn group_files(files: &[FileStatus], ws: &Workspace, main_module: Option<&str>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for f in files {
        let module = match f.path.class {
            PathClass::MainModule | PathClass::WorkModule => f.path.module.clone(),
            _ => None,
        };
        let idx = groups.iter().position(|g| {
            g.class == f.path.class && g.module == module && g.binary_root == f.path.root
        });
        let g = match idx {
            Some(i) => &mut groups[i],
            None => {
                let (_, lr) = local_for(&f.path, ws, main_module);
                groups.push(Group {
                    class: f.path.class,
                    module,
                    binary_root: f.path.root.clone(),
                    local_root: lr,
                    files: 0,
                    found: 0,
                    versions_differ: 0,
                    missing: Vec::new(),
                });
                groups.last_mut().expect("just pushed")
            }
        };
        g.files += 1;
        if f.found {
            g.found += 1;
        } else if g.missing.len() < 5 && !f.path.class.is_generated() {
            g.missing.push(f.path.recorded.clone());
        }
        if f.local_version.is_some() {
            g.versions_differ += 1;
        }
    }
    groups.sort_by(|a, b| a.class.cmp(&b.class).then(b.files.cmp(&a.files)));
    groups
}

/// Another version of `module` in the local module cache, when `version` is absent.
fn other_cached_version(ws: &Workspace, module: &str, version: &str) -> Option<String> {
    let cache = ws.gomodcache.as_ref()?;
    let esc = classify::escape_module(module);
    let (parent, leaf) = match esc.rfind('/') {
        Some(i) => (cache.join(&esc[..i]), &esc[i + 1..]),
        None => (cache.clone(), esc.as_str()),
    };
    if parent.join(format!("{leaf}@{version}")).is_dir() {
        return None;
    }
    let prefix = format!("{leaf}@");
    let mut others: Vec<String> = std::fs::read_dir(parent)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter_map(|n| n.strip_prefix(&prefix).map(str::to_string))
        .collect();
    others.sort();
    others.pop()
}

fn notes(facts: &BinaryFacts, ws: &Workspace, r: &PathsReport, ctx: &Context) -> Vec<String> {
    let mut out = Vec::new();
    let bi = facts.buildinfo.as_ref();
    if r.source == FileSource::None {
        out.push(if facts.has_pclntab {
            "no DWARF line tables (stripped binary) and the pclntab file table is not read yet: no source paths to map; Delve cannot set FILE:LINE breakpoints in a stripped binary anyway".to_string()
        } else {
            "no source paths recorded: no DWARF line tables (stripped: -ldflags=-s -w?) and no readable pclntab file table; Delve cannot set FILE:LINE breakpoints without DWARF".to_string()
        });
    } else if r.source == FileSource::Pclntab {
        out.push("paths read from the pclntab (no DWARF): Delve cannot set FILE:LINE breakpoints in a stripped binary; rebuild without -ldflags=-s -w".to_string());
    }
    if let Some(b) = bi {
        if let (Some(rev), Some(head)) = (b.setting("vcs.revision"), ws.git_head.as_deref()) {
            if rev != head {
                out.push(format!(
                    "built from commit {} but the workspace is at {}: sources changed since the build, lines may not match",
                    short(rev),
                    short(head)
                ));
            }
        }
        if b.setting("vcs.modified") == Some("true") {
            out.push("built from a modified work tree (vcs.modified=true): the exact sources may not be in any commit".to_string());
        }
        if ws.git_dirty == Some(true) && b.setting("vcs.revision").is_some() {
            out.push("the workspace has uncommitted changes since the recorded revision: lines may not match".to_string());
        }
    }
    if let (Some(bv), Some(lv)) = (r.go_version.as_deref(), ws.go_version.as_deref()) {
        let has_std = r.files.iter().any(|f| f.path.class == PathClass::Goroot);
        if has_std && bv != lv {
            out.push(format!(
                "standard library: binary built with {bv}, local GOROOT is {lv}: stepping into the standard library shows the wrong lines"
            ));
        }
    }
    let generated = r
        .files
        .iter()
        .filter(|f| f.path.class.is_generated() && f.path.class != PathClass::Autogenerated)
        .count();
    if generated > 0 {
        out.push(format!(
            "{generated} file(s) were generated at build time (cgo, build cache): they have no source to map, which is expected"
        ));
    }
    // Symlinks: the build ran under one spelling of a directory, the editor uses another.
    for m in &ctx.modules {
        if let (Some(bd), Some(lm)) = (&m.binary_dir, ws.module(&m.module)) {
            let local = lm.dir.to_string_lossy();
            if *bd != local {
                if let (Ok(a), Ok(b)) = (std::fs::canonicalize(bd), std::fs::canonicalize(&lm.dir))
                {
                    if a == b {
                        out.push(format!(
                            "{bd} and {local} are the same directory through a symlink: Delve compares paths as text, so the rule is still needed (or open the workspace at {bd})"
                        ));
                    }
                }
            }
            if crate::pathname::is_windows_abs(bd) {
                let drive = bd[..1].to_ascii_lowercase();
                if local.starts_with(&format!("/mnt/{drive}/")) {
                    out.push(format!(
                        "built on Windows ({bd}) and opened through WSL ({local}): map the Windows path with the rule below; drive letters compare case-insensitively"
                    ));
                }
            }
        }
    }
    if r.files.iter().any(|f| f.path.windows) && !cfg!(windows) {
        out.push("paths recorded with drive letters or backslashes (built on Windows): Delve matches them case-insensitively".to_string());
    }
    if r.files.iter().any(|f| f.path.class == PathClass::Bazel) {
        out.push("Bazel paths (bazel-out, execroot, sandbox) recorded: rules_go strips them only with --strip; map the execroot to the workspace".to_string());
    }
    if ws.modules.is_empty() {
        out.push(format!(
            "no go.mod or go.work in {}: pass --workspace DIR",
            ws.dir.display()
        ));
    }
    out
}

fn short(rev: &str) -> &str {
    rev.get(..12).unwrap_or(rev)
}

/// For one recorded path, the rule that maps it to `local` (a local file with the same
/// trailing components), or None when nothing in common: the longest shared tail is
/// kept, the differing heads become the rule. Example: `/app/cmd/x.go` and
/// `/home/u/srv/cmd/x.go` give `/app` → `/home/u/srv`.
pub fn suggest_substitute(binary_path: &str, local: &str) -> Option<Rule> {
    let b = components(binary_path);
    let l = components(local);
    let n = common_suffix(&b, &l);
    if n == 0 {
        return None;
    }
    if n == b.len() && n == l.len() {
        return None;
    }
    let cut = |s: &str, parts: usize| -> String {
        let mut idx = s.len();
        for _ in 0..parts {
            idx = s[..idx].rfind(['/', '\\']).unwrap_or(0);
        }
        s[..idx].to_string()
    };
    Some(Rule::new(cut(binary_path, n), cut(local, n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "package x\n").unwrap();
    }

    fn workspace(dir: &Path, goroot: Option<&Path>) -> Workspace {
        Workspace::discover(
            dir,
            &WorkspaceOptions {
                go: Some("/nonexistent/go".into()),
                goroot: goroot.map(Path::to_path_buf),
                gomodcache: Some(dir.join("no-cache")),
                no_git: true,
            },
        )
    }

    fn facts(units: &[(&str, &[&str])]) -> BinaryFacts {
        BinaryFacts {
            binary: "bin".into(),
            source: FileSource::Dwarf,
            units: units
                .iter()
                .map(|(n, f)| (n.to_string(), f.iter().map(|s| s.to_string()).collect()))
                .collect(),
            go_version: Some("go1.25.5".into()),
            ..Default::default()
        }
    }

    fn delve_pairs(r: &PathsReport) -> Vec<(String, String)> {
        r.delve
            .iter()
            .map(|d| (d.from.clone(), d.to.clone()))
            .collect()
    }

    #[test]
    fn built_on_windows() {
        let tmp = tempfile::tempdir().unwrap();
        let ws_dir = tmp.path().join("svc");
        std::fs::create_dir_all(&ws_dir).unwrap();
        std::fs::write(ws_dir.join("go.mod"), "module example.com/svc\n").unwrap();
        touch(&ws_dir, "main.go");
        let goroot = tmp.path().join("go");
        touch(&goroot, "src/fmt/print.go");
        let ws = workspace(&ws_dir, Some(&goroot));
        let f = facts(&[
            (
                "main",
                &[
                    "C:\\Users\\Dev\\svc\\main.go",
                    "C:\\Program Files\\Go\\src\\fmt\\print.go",
                ],
            ),
            ("fmt", &["C:\\Program Files\\Go\\src\\fmt\\print.go"]),
        ]);
        let r = analyze_facts(&f, &ws);
        let w = ws.dir.to_string_lossy().into_owned();
        let g = goroot.to_string_lossy().into_owned();
        assert_eq!(
            delve_pairs(&r),
            vec![
                ("C:\\Program Files\\Go".to_string(), g),
                ("C:\\Users\\Dev\\svc".to_string(), w),
            ]
        );
        assert!(r.main_module_ok(), "{:#?}", r.groups);
        assert_eq!(r.after.found, r.after.checked);
        assert!(r.files.iter().all(|f| f.path.windows));
        assert!(r.notes.iter().any(|n| n.contains("drive letters")));
    }

    fn buildinfo(module: &str, settings: &[(&str, &str)]) -> crate::go::BuildInfo {
        crate::go::BuildInfo {
            go_version: "go1.25.5".into(),
            path: Some(module.into()),
            main: Some(crate::go::buildinfo::Module {
                path: module.into(),
                version: "(devel)".into(),
                sum: String::new(),
                replace: None,
            }),
            deps: Vec::new(),
            settings: settings
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn vcs_revision_and_modified_notes() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("go.mod"), "module example.com/svc\n").unwrap();
        touch(tmp.path(), "main.go");
        let main = format!("{}/main.go", tmp.path().display());
        let mut f = facts(&[("main", &[main.as_str()])]);
        f.buildinfo = Some(buildinfo(
            "example.com/svc",
            &[
                ("vcs.revision", "1111111111111111111111111111111111111111"),
                ("vcs.modified", "true"),
            ],
        ));
        let mut ws = workspace(tmp.path(), None);
        ws.git_head = Some("2222222222222222222222222222222222222222".into());
        let r = analyze_facts(&f, &ws);
        assert!(r.main_module_ok());
        assert!(
            r.notes.iter().any(|n| n
                .contains("built from commit 111111111111 but the workspace is at 222222222222")),
            "{:?}",
            r.notes
        );
        assert!(r.notes.iter().any(|n| n.contains("vcs.modified=true")));
        ws.git_head = Some("1111111111111111111111111111111111111111".into());
        f.buildinfo = Some(buildinfo(
            "example.com/svc",
            &[("vcs.revision", "1111111111111111111111111111111111111111")],
        ));
        let r = analyze_facts(&f, &ws);
        assert!(
            !r.notes.iter().any(|n| n.contains("built from commit")),
            "{:?}",
            r.notes
        );
    }

    #[test]
    fn wsl_workspace_of_a_windows_build_is_explained() {
        let ws = Workspace {
            dir: "/mnt/c/Users/dev/svc".into(),
            modules: vec![LocalModule {
                path: "example.com/svc".into(),
                dir: "/mnt/c/Users/dev/svc".into(),
                requires: Vec::new(),
            }],
            ..Default::default()
        };
        let mut f = facts(&[("main", &["C:\\Users\\dev\\svc\\main.go"])]);
        f.buildinfo = Some(buildinfo("example.com/svc", &[]));
        let r = analyze_facts(&f, &ws);
        assert!(
            r.notes.iter().any(|n| n.contains("through WSL")),
            "{:?}",
            r.notes
        );
        let main = r
            .groups
            .iter()
            .find(|g| g.class == PathClass::MainModule)
            .unwrap();
        assert_eq!(main.binary_root, "C:\\Users\\dev\\svc");
        assert_eq!(main.local_root.as_deref(), Some("/mnt/c/Users/dev/svc"));
    }

    #[test]
    fn bazel_sandbox_and_vendor() {
        let tmp = tempfile::tempdir().unwrap();
        let ws_dir = tmp.path().join("svc");
        std::fs::create_dir_all(&ws_dir).unwrap();
        std::fs::write(ws_dir.join("go.mod"), "module example.com/svc\n").unwrap();
        touch(&ws_dir, "main.go");
        touch(&ws_dir, "vendor/github.com/a/b/b.go");
        touch(&ws_dir, "pkg/x.go");
        let ws = workspace(&ws_dir, None);
        let sandbox = "/root/.cache/bazel/_bazel_root/abc/sandbox/linux-sandbox/3/execroot/myws";
        let x = format!("{sandbox}/pkg/x.go");
        let f = facts(&[
            (
                "main",
                &[
                    "/build/svc/main.go",
                    "/build/svc/vendor/github.com/a/b/b.go",
                ],
            ),
            ("github.com/a/b", &["/build/svc/vendor/github.com/a/b/b.go"]),
            ("example.com/svc/pkg", &[x.as_str()]),
        ]);
        let r = analyze_facts(&f, &ws);
        let w = ws.dir.to_string_lossy().into_owned();
        assert_eq!(
            delve_pairs(&r),
            vec![
                (sandbox.to_string(), w.clone()),
                ("/build/svc".to_string(), w)
            ]
        );
        let class_of = |p: &str| {
            r.files
                .iter()
                .find(|f| f.path.recorded == p)
                .unwrap()
                .path
                .class
        };
        assert_eq!(
            class_of("/build/svc/vendor/github.com/a/b/b.go"),
            PathClass::Vendor
        );
        assert_eq!(class_of(&x), PathClass::Bazel);
        assert_eq!(r.after.found, r.after.checked, "{:#?}", r.files);
        assert!(r.main_module_ok());
    }

    #[test]
    fn suggest_one_file() {
        assert_eq!(
            suggest_substitute("/app/cmd/x.go", "/home/u/srv/cmd/x.go"),
            Some(Rule::new("/app", "/home/u/srv"))
        );
        assert_eq!(
            suggest_substitute("example.com/srv/cmd/x.go", "/home/u/srv/cmd/x.go"),
            Some(Rule::new("example.com", "/home/u"))
        );
        assert_eq!(suggest_substitute("/a/x.go", "/a/x.go"), None);
        assert_eq!(suggest_substitute("/a/x.go", "/b/y.go"), None);
    }
}
