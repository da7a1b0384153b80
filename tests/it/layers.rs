//! Layering of the library's top-level modules (issue 17).
//!
//! Scans every `.rs` file under `src/` except the binary (`src/main.rs`, `src/cli/`) and
//! `src/lib.rs`, maps it to its top-level module (`src/foo.rs`, `src/foo/**` → `foo`) and
//! records an edge `foo → bar` for each reference to another top-level module:
//! `crate::bar…` paths (in `use`, in expressions, in types, `$crate::bar`), each item of a
//! `crate::{bar, baz::X}` group, `super::` chains that climb to the crate root, and root
//! re-exports (`crate::Target` counts as `target` when `src/lib.rs` has
//! `pub use target::Target`).
//!
//! Not counted: comments (so intra-doc links are free), string and char literals, and every
//! `#[cfg(test)] mod NAME { … }` block (brace-matched, wherever it is in the file); a
//! `#[cfg(test)]` on anything else still counts. `super::` inside other inline modules is
//! resolved as if it were at file level.
//!
//! Checks: the module graph is acyclic (a failure prints every cycle with the file:line of
//! each edge), and `diagnostic` (src/diagnostic.rs) references no other module.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Where an edge comes from: `src/checks/mod.rs:35`.
type Sites = BTreeMap<(String, String), Vec<String>>;

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The library's top-level module of a file below `src/` (relative path), and the file's
/// module depth (`src/foo.rs` and `src/foo/mod.rs`: 1; `src/foo/bar.rs`: 2). None for
/// the binary and the crate root.
fn module_of(rel: &Path) -> Option<(String, usize)> {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let first = parts.first()?;
    if parts.len() == 1 {
        let name = first.strip_suffix(".rs")?;
        if name == "main" || name == "lib" {
            return None;
        }
        return Some((name.to_string(), 1));
    }
    if first == "cli" {
        return None;
    }
    let last = parts.last()?;
    let depth = if last == "mod.rs" {
        parts.len() - 1
    } else {
        parts.len()
    };
    Some((first.clone(), depth))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("read_dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The text with comments, string and char literals blanked (newlines kept, so line
/// numbers stay right).
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        if ch == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if ch == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if (ch == 'r' || ch == 'b')
            && (i == 0 || !is_ident(c[i - 1]))
            && raw_string_start(&c, i).is_some()
        {
            // r"…", r#"…"#, br#"…"#
            let (hashes, quote) = raw_string_start(&c, i).unwrap();
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            while i <= quote {
                out.push(' ');
                i += 1;
            }
            while i < c.len() && !c[i..].starts_with(&close) {
                blank(&mut out, c[i]);
                i += 1;
            }
            for _ in 0..close.len().min(c.len() - i) {
                out.push(' ');
                i += 1;
            }
        } else if ch == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' && i + 1 < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                blank(&mut out, c[i]);
                i += 1;
            }
            if i < c.len() {
                out.push(' ');
                i += 1;
            }
        } else if ch == '\'' {
            // A char literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
            let end = if next == Some('\\') {
                (i + 3..c.len()).find(|&j| c[j] == '\'')
            } else if c.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    for _ in i..=e {
                        out.push(' ');
                    }
                    i = e + 1;
                }
                None => {
                    out.push(ch);
                    i += 1;
                }
            }
        } else {
            out.push(ch);
            i += 1;
        }
    }
    out
}

/// At `r"`, `r#"`, `br"`…: (number of #, index of the opening quote).
fn raw_string_start(c: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if c[j] == 'b' {
        j += 1;
    }
    if c.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while c.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (c.get(j) == Some(&'"')).then_some((hashes, j))
}

fn is_ident(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

/// Blanks every `#[cfg(test)] mod NAME { … }` (other attributes may sit in between).
fn strip_test_modules(code: &str) -> String {
    let mut c: Vec<char> = code.chars().collect();
    let pat: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + pat.len() <= c.len() {
        if c[i..].starts_with(&pat) {
            let start = i;
            let mut j = i + pat.len();
            // Skip whitespace and further attributes.
            loop {
                while j < c.len() && c[j].is_whitespace() {
                    j += 1;
                }
                if c.get(j) == Some(&'#') && c.get(j + 1) == Some(&'[') {
                    let mut depth = 0;
                    while j < c.len() {
                        match c[j] {
                            '[' => depth += 1,
                            ']' => {
                                depth -= 1;
                                if depth == 0 {
                                    j += 1;
                                    break;
                                }
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                } else {
                    break;
                }
            }
            let rest: String = c[j..c.len().min(j + 200)].iter().collect();
            let rest = rest
                .trim_start_matches("pub ")
                .trim_start_matches("pub(crate) ");
            if let Some(after) = rest.strip_prefix("mod ") {
                let name_len = after.chars().take_while(|&ch| is_ident(ch)).count();
                if after[name_len..].trim_start().starts_with('{') {
                    if let Some(open) = (j..c.len()).find(|&k| c[k] == '{') {
                        let mut depth = 0;
                        let mut k = open;
                        while k < c.len() {
                            match c[k] {
                                '{' => depth += 1,
                                '}' => {
                                    depth -= 1;
                                    if depth == 0 {
                                        break;
                                    }
                                }
                                _ => {}
                            }
                            k += 1;
                        }
                        let end = (k + 1).min(c.len());
                        for ch in &mut c[start..end] {
                            if *ch != '\n' {
                                *ch = ' ';
                            }
                        }
                        i = k + 1;
                        continue;
                    }
                }
            }
        }
        i += 1;
    }
    c.into_iter().collect()
}

/// The names of a `{ … }` group starting at `c[open]`: the first identifier of each
/// top-level item. Returns them with the index after the closing brace.
fn group_heads(c: &[char], open: usize) -> (Vec<String>, usize) {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expect_head = true;
    let mut k = open;
    while k < c.len() {
        let ch = c[k];
        match ch {
            '{' => {
                depth += 1;
                if depth == 1 {
                    expect_head = true;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return (heads, k + 1);
                }
            }
            ',' if depth == 1 => expect_head = true,
            _ if depth == 1 && expect_head && is_ident(ch) => {
                let name: String = c[k..].iter().take_while(|&&x| is_ident(x)).collect();
                k += name.len();
                heads.push(name);
                expect_head = false;
                continue;
            }
            _ => {}
        }
        k += 1;
    }
    (heads, k)
}

/// The first path segment(s) after `pos` (which points just past `::`): one identifier,
/// or each head of a `{…}` group.
fn segments_after(c: &[char], mut pos: usize) -> Vec<String> {
    while pos < c.len() && c[pos].is_whitespace() {
        pos += 1;
    }
    if c.get(pos) == Some(&'{') {
        return group_heads(c, pos).0;
    }
    let name: String = c[pos..].iter().take_while(|&&x| is_ident(x)).collect();
    if name.is_empty() {
        Vec::new()
    } else {
        vec![name]
    }
}

/// Matches the keyword `kw` followed by `::` at `i` (not inside a longer identifier).
fn keyword_path_at(c: &[char], i: usize, kw: &str) -> Option<usize> {
    let k: Vec<char> = kw.chars().collect();
    if !c[i..].starts_with(&k) || (i > 0 && is_ident(c[i - 1])) {
        return None;
    }
    let mut j = i + k.len();
    while j < c.len() && c[j].is_whitespace() {
        j += 1;
    }
    (c.get(j) == Some(&':') && c.get(j + 1) == Some(&':')).then_some(j + 2)
}

/// (line, first segment below the crate root) for every crate-rooted path in `code`.
fn crate_refs(code: &str, depth: usize) -> Vec<(usize, String)> {
    let c: Vec<char> = code.chars().collect();
    let mut line = 1;
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] == '\n' {
            line += 1;
        }
        if let Some(after) = keyword_path_at(&c, i, "crate") {
            for s in segments_after(&c, after) {
                out.push((line, s));
            }
            i = after;
            continue;
        }
        if let Some(mut after) = keyword_path_at(&c, i, "super") {
            let mut ups = 1;
            loop {
                let mut j = after;
                while j < c.len() && c[j].is_whitespace() {
                    j += 1;
                }
                match keyword_path_at(&c, j, "super") {
                    Some(a) if j == after || !is_ident(c[j - 1]) => {
                        ups += 1;
                        after = a;
                    }
                    _ => break,
                }
            }
            if ups >= depth {
                for s in segments_after(&c, after) {
                    out.push((line, s));
                }
            }
            i = after;
            continue;
        }
        i += 1;
    }
    out
}

/// Root re-exports in src/lib.rs: `pub use target::Target;` → Target ↦ target.
fn root_aliases(lib_rs: &str) -> BTreeMap<String, String> {
    let code = strip(lib_rs);
    let mut out = BTreeMap::new();
    for stmt in code.split(';') {
        let s = stmt.trim();
        let Some(rest) = s
            .strip_prefix("pub use ")
            .or_else(|| s.strip_prefix("pub(crate) use "))
            .or_else(|| s.strip_prefix("use "))
        else {
            continue;
        };
        let rest = rest
            .trim()
            .trim_start_matches("crate::")
            .trim_start_matches("self::");
        let Some((module, items)) = rest.split_once("::") else {
            continue;
        };
        let items = items.trim();
        let names: Vec<String> = if let Some(g) = items.strip_prefix('{') {
            g.trim_end_matches('}')
                .split(',')
                .filter_map(|it| {
                    let it = it.trim();
                    let it = it.rsplit(" as ").next().unwrap_or(it);
                    let last = it.rsplit("::").next().unwrap_or(it).trim();
                    (!last.is_empty() && last != "self").then(|| last.to_string())
                })
                .collect()
        } else {
            let it = items.rsplit(" as ").next().unwrap_or(items);
            vec![it.rsplit("::").next().unwrap_or(it).trim().to_string()]
        };
        for n in names {
            out.insert(n, module.trim().to_string());
        }
    }
    out
}

/// Every module of the library and every edge between two of them, with where it is.
fn scan(src: &Path) -> (BTreeSet<String>, Graph, Sites) {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut modules = BTreeSet::new();
    let mut mapped = Vec::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap().to_path_buf();
        if let Some((m, depth)) = module_of(&rel) {
            modules.insert(m.clone());
            mapped.push((f, rel, m, depth));
        }
    }
    let aliases = std::fs::read_to_string(src.join("lib.rs"))
        .map(|t| root_aliases(&t))
        .unwrap_or_default();
    let mut graph = Graph::new();
    let mut sites = Sites::new();
    for m in &modules {
        graph.entry(m.clone()).or_default();
    }
    for (f, rel, m, depth) in mapped {
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let code = strip_test_modules(&strip(&text));
        for (line, seg) in crate_refs(&code, depth) {
            let target = if modules.contains(&seg) {
                seg
            } else if let Some(t) = aliases.get(&seg) {
                t.clone()
            } else {
                continue;
            };
            if target == m || !modules.contains(&target) {
                continue;
            }
            graph.get_mut(&m).unwrap().insert(target.clone());
            sites
                .entry((m.clone(), target))
                .or_default()
                .push(format!("src/{}:{line}", rel.display()));
        }
    }
    (modules, graph, sites)
}

/// Strongly connected components with more than one node (or a self-loop), by Tarjan.
fn cyclic_components(g: &Graph) -> Vec<BTreeSet<String>> {
    struct St<'a> {
        g: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(s: &mut St<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on.insert(v);
        let succ: Vec<&'a str> =
            s.g.get(v)
                .map(|x| x.iter().map(String::as_str).collect())
                .unwrap_or_default();
        for w in succ {
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = BTreeSet::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on.remove(w);
                comp.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            let self_loop = s.g.get(v).is_some_and(|x| x.contains(v));
            if comp.len() > 1 || self_loop {
                s.out.push(comp);
            }
        }
    }
    let mut s = St {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    let nodes: BTreeSet<&str> = g
        .iter()
        .flat_map(|(k, v)| std::iter::once(k.as_str()).chain(v.iter().map(String::as_str)))
        .collect();
    for v in nodes {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

/// Every elementary cycle (at most `limit`), each starting at its smallest node, e.g.
/// `["checks", "report", "checks"]`. Empty for a DAG.
fn find_cycles(g: &Graph, limit: usize) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for comp in cyclic_components(g) {
        for start in &comp {
            // Cycles through `start` using only nodes of the component not smaller than it.
            let mut path = vec![start.clone()];
            dfs(g, &comp, start, start, &mut path, &mut out, limit);
        }
    }
    out.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
    out
}

fn dfs(
    g: &Graph,
    comp: &BTreeSet<String>,
    start: &str,
    v: &str,
    path: &mut Vec<String>,
    out: &mut Vec<Vec<String>>,
    limit: usize,
) {
    for w in g.get(v).into_iter().flatten() {
        if out.len() >= limit {
            return;
        }
        if !comp.contains(w) || w.as_str() < start {
            continue;
        }
        if w == start {
            let mut cycle = path.clone();
            cycle.push(start.to_string());
            out.push(cycle);
        } else if !path.contains(w) {
            path.push(w.clone());
            dfs(g, comp, start, w, path, out, limit);
            path.pop();
        }
    }
}

fn describe_cycles(cycles: &[Vec<String>], sites: &Sites) -> String {
    let mut s = String::new();
    for cycle in cycles {
        let _ = writeln!(s, "  {}", cycle.join(" -> "));
        for pair in cycle.windows(2) {
            let at = &sites[&(pair[0].clone(), pair[1].clone())];
            let shown: Vec<&str> = at.iter().take(3).map(String::as_str).collect();
            let more = if at.len() > 3 {
                format!(" (+{} more)", at.len() - 3)
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "      {} -> {}: {}{more}",
                pair[0],
                pair[1],
                shown.join(", ")
            );
        }
    }
    s
}

#[test]
fn module_graph_has_no_cycles() {
    let (_, graph, sites) = scan(&src_dir());
    let comps = cyclic_components(&graph);
    let cycles = find_cycles(&graph, 500);
    if !cycles.is_empty() {
        let comps: Vec<String> = comps
            .iter()
            .map(|c| c.iter().cloned().collect::<Vec<_>>().join(", "))
            .collect();
        panic!(
            "the top-level module graph has {} cycle(s){} in {} tangle(s): {{{}}}\n{}",
            cycles.len(),
            if cycles.len() >= 500 {
                " (first 500)"
            } else {
                ""
            },
            comps.len(),
            comps.join("}, {"),
            describe_cycles(&cycles, &sites)
        );
    }
}

#[test]
fn diagnostic_is_a_leaf() {
    let src = src_dir();
    assert!(
        src.join("diagnostic.rs").exists() || src.join("diagnostic/mod.rs").exists(),
        "src/diagnostic.rs does not exist yet: module `diagnostic` must be created as a leaf \
         (issue 17)"
    );
    let (_, graph, sites) = scan(&src);
    let out: Vec<String> = graph
        .get("diagnostic")
        .into_iter()
        .flatten()
        .map(|t| {
            format!(
                "  diagnostic -> {t}: {}",
                sites[&("diagnostic".to_string(), t.clone())].join(", ")
            )
        })
        .collect();
    assert!(
        out.is_empty(),
        "module `diagnostic` must reference no other module of the crate:\n{}",
        out.join("\n")
    );
}

#[test]
fn cycle_finder_on_synthetic_graphs() {
    fn graph(edges: &[(&str, &str)]) -> Graph {
        let mut g = Graph::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    }
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    // A DAG (with a diamond) is accepted.
    let dag = graph(&[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e")]);
    assert!(find_cycles(&dag, 100).is_empty());
    assert!(cyclic_components(&dag).is_empty());
    // Two cycles sharing a node, plus a tail that is not in any cycle.
    let g = graph(&[
        ("checks", "report"),
        ("report", "checks"),
        ("report", "vscode"),
        ("vscode", "checks"),
        ("vscode", "leaf"),
    ]);
    assert_eq!(
        find_cycles(&g, 100),
        vec![
            v(&["checks", "report", "checks"]),
            v(&["checks", "report", "vscode", "checks"]),
        ]
    );
    assert_eq!(cyclic_components(&g).len(), 1);
    // A self-loop is a cycle.
    assert_eq!(find_cycles(&graph(&[("x", "x")]), 10), vec![v(&["x", "x"])]);
}

#[test]
fn scanner_reads_paths_groups_and_super_chains() {
    let code = strip_test_modules(&strip(
        "use crate::{binary::Image, dwarf::{a, b}, Target};\n\
         // crate::comment\n\
         let s = \"crate::string\"; let c = '{';\n\
         fn f() -> crate::go::V { super::super::paths::x() }\n\
         #[cfg(test)]\nmod tests { use crate::probe; }\n",
    ));
    let refs = crate_refs(&code, 2);
    assert_eq!(
        refs,
        vec![
            (1, "binary".to_string()),
            (1, "dwarf".to_string()),
            (1, "Target".to_string()),
            (4, "go".to_string()),
            (4, "paths".to_string()),
        ]
    );
    // From a depth-2 file, one `super::` stays inside the module.
    assert!(crate_refs("use super::lint::X;", 2).is_empty());
    assert_eq!(
        crate_refs("use super::report;", 1),
        vec![(1, "report".to_string())]
    );
    let aliases = root_aliases("pub use error::{Error, Result};\npub use target::Target;\n");
    assert_eq!(aliases["Target"], "target");
    assert_eq!(aliases["Result"], "error");
    assert_eq!(
        module_of(Path::new("checks/mod.rs")),
        Some(("checks".to_string(), 1))
    );
    assert_eq!(module_of(Path::new("cli/check.rs")), None);
    assert_eq!(module_of(Path::new("lib.rs")), None);
}
