//! "Did you mean" hints for a function name that is not in the binary: an index of the
//! function names by trigram, so that a miss costs a few posting lists and a handful of
//! string comparisons instead of a comparison with every function (cmd/compile has
//! 30,000). Only candidates sharing trigrams are scored (Jaro-Winkler, as before).

use rustc_hash::FxHashMap;

/// Names longer than this get no hints: no Go function name is this long, and scoring
/// costs the product of the lengths.
const MAX_NAME: usize = 256;
/// Candidates scored per query, those sharing the most trigrams.
const SCORED: usize = 64;

#[derive(Default)]
pub struct NameIndex {
    grams: FxHashMap<[u8; 3], Vec<u32>>,
}

fn trigrams(name: &str) -> impl Iterator<Item = [u8; 3]> + '_ {
    name.as_bytes().windows(3).map(|w| {
        [
            w[0].to_ascii_lowercase(),
            w[1].to_ascii_lowercase(),
            w[2].to_ascii_lowercase(),
        ]
    })
}

impl NameIndex {
    pub fn build<'a>(names: impl Iterator<Item = &'a str>) -> NameIndex {
        let mut grams: FxHashMap<[u8; 3], Vec<u32>> = FxHashMap::default();
        for (i, name) in names.enumerate() {
            let mut mine: Vec<[u8; 3]> = trigrams(name).collect();
            mine.sort_unstable();
            mine.dedup();
            for g in mine {
                grams.entry(g).or_default().push(i as u32);
            }
        }
        NameIndex { grams }
    }

    /// Up to `n` names (indexes into the names built from; `name` gives the text of
    /// one) scoring above `threshold` against `query`, best first.
    pub fn closest<'a>(
        &self,
        name: impl Fn(usize) -> Option<&'a str>,
        query: &str,
        threshold: f64,
        n: usize,
    ) -> Vec<usize> {
        if query.len() > MAX_NAME || query.len() < 3 {
            return Vec::new();
        }
        let mut mine: Vec<[u8; 3]> = trigrams(query).collect();
        mine.sort_unstable();
        mine.dedup();
        let mut hits: FxHashMap<u32, u32> = FxHashMap::default();
        for g in &mine {
            for &i in self.grams.get(g).map(Vec::as_slice).unwrap_or(&[]) {
                *hits.entry(i).or_default() += 1;
            }
        }
        let need = (mine.len() as u32).div_ceil(3).max(1);
        let mut cands: Vec<(u32, u32)> = hits.into_iter().filter(|&(_, h)| h >= need).collect();
        cands.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        cands.truncate(SCORED);
        let mut scored: Vec<(f64, usize)> = cands
            .into_iter()
            .map(|(i, _)| i as usize)
            .filter_map(|i| {
                let s = jaro_winkler(query, name(i)?);
                (s > threshold).then_some((s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(n).map(|(_, i)| i).collect()
    }
}

/// `strsim::jaro_winkler(a, b)`, bit for bit: on ASCII strings (file and function names)
/// the same matches, transpositions and floating-point operations in the same order,
/// computed on bytes over each character's match window only (strsim rescans `b` from
/// its start for every character of `a`, allocates, and decodes UTF-8); anything else
/// is strsim's.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    const MAX: usize = 256;
    if !a.is_ascii() || !b.is_ascii() || a.len() > MAX || b.len() > MAX {
        return strsim::jaro_winkler(a, b);
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (al, bl) = (a.len(), b.len());
    if al == 0 && bl == 0 {
        return 1.0;
    } else if al == 0 || bl == 0 {
        return 0.0;
    }
    let range = (al.max(bl) / 2).saturating_sub(1);
    let (mut af, mut bf) = ([false; MAX], [false; MAX]);
    let mut matches = 0usize;
    for (i, &x) in a.iter().enumerate() {
        for j in i.saturating_sub(range)..bl.min(i + range + 1) {
            if x == b[j] && !bf[j] {
                af[i] = true;
                bf[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut bs = (0..bl).filter(|&j| bf[j]).map(|j| b[j]);
    for (i, &x) in a.iter().enumerate() {
        if af[i] && bs.next() != Some(x) {
            transpositions += 1;
        }
    }
    transpositions /= 2;
    let sim = ((matches as f64 / al as f64)
        + (matches as f64 / bl as f64)
        + ((matches - transpositions) as f64 / matches as f64))
        / 3.0;
    if sim > 0.7 {
        let prefix = a.iter().take(4).zip(b).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// A cheap upper bound of `strsim::jaro_winkler(query, b)`, to skip candidates that cannot
/// pass a threshold without computing their score. Jaro counts `m` matching characters,
/// at most the size of the multiset intersection of the two strings' characters, and is
/// at most `(m/|a| + m/|b| + 1) / 3`; Jaro-Winkler only adds its prefix bonus to a Jaro
/// score above 0.7.
pub struct JaroBound {
    /// Count of each ASCII character of the query.
    ascii: [u16; 128],
    /// Characters of the query outside ASCII (matched against any non-ASCII one).
    other: usize,
    len: usize,
}

impl JaroBound {
    pub fn new(query: &str) -> JaroBound {
        let mut b = JaroBound {
            ascii: [0; 128],
            other: 0,
            len: 0,
        };
        for c in query.chars() {
            b.len += 1;
            match usize::try_from(u32::from(c)).ok().filter(|&i| i < 128) {
                Some(i) => b.ascii[i] = b.ascii[i].saturating_add(1),
                None => b.other += 1,
            }
        }
        b
    }

    /// False only when `jaro_winkler(query, cand) > threshold` is impossible
    /// (`threshold` ≥ 0.7).
    pub fn may_exceed(&self, cand: &str, threshold: f64) -> bool {
        if self.len == 0 || cand.is_empty() || threshold < 0.7 {
            return true;
        }
        let mut left = self.ascii;
        let (mut m, mut other, mut len) = (0usize, 0usize, 0usize);
        for c in cand.chars() {
            len += 1;
            match usize::try_from(u32::from(c)).ok().filter(|&i| i < 128) {
                Some(i) if left[i] > 0 => {
                    left[i] -= 1;
                    m += 1;
                }
                Some(_) => {}
                None => other += 1,
            }
        }
        let m = (m + other.min(self.other)) as f64;
        let jaro_max = (m / self.len as f64 + m / len as f64 + 1.0) / 3.0;
        // Below 0.7 Jaro-Winkler is plain Jaro; a margin absorbs rounding.
        let jw_max = if jaro_max > 0.7 - 1e-9 {
            jaro_max + 0.4 * (1.0 - jaro_max)
        } else {
            jaro_max
        };
        jw_max > threshold - 1e-9
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names alike and unlike: file and function names, non-ASCII, empty.
    const SAMPLE_NAMES: &[&str] = &[
        "",
        "a",
        "main.go",
        "mian.go",
        "doc.go",
        "mkbuiltin.go",
        "builtin.go",
        "types.go",
        "typecheck.go",
        "ssa.go",
        "closure.go",
        "öঙ香.go",
        "testöঙ香test",
        "testabctest",
        "AMD64Ops.go",
        "rewriteAMD64.go",
        "x.s",
        "asm_amd64.s",
        "zz",
        "gen.go",
        "main.(*T).String",
        "main.(*T).Strnig",
        "cmd/compile/internal/ssa",
    ];

    #[test]
    fn finds_near_names_only() {
        let names = ["main.main", "main.greet", "fmt.Println", "strconv.Itoa"];
        let ix = NameIndex::build(names.iter().copied());
        let name = |i: usize| names.get(i).copied();
        let got = ix.closest(name, "main.gret", 0.85, 3);
        assert_eq!(got.first().map(|&i| names[i]), Some("main.greet"));
        assert!(ix.closest(name, "zzzzzz", 0.85, 3).is_empty());
        assert!(ix.closest(name, &"x".repeat(1000), 0.85, 3).is_empty());
    }

    #[test]
    fn jaro_winkler_is_strsims_bit_for_bit() {
        // The sample names, and every length up to 12 over a small alphabet (so that
        // matches, windows and transpositions vary).
        let mut words: Vec<String> = SAMPLE_NAMES.iter().map(|s| s.to_string()).collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..400 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 13) as usize;
            words.push(
                (0..len)
                    .map(|k| b"abcab.go"[((state >> (3 * k)) % 8) as usize] as char)
                    .collect(),
            );
        }
        words.push("x".repeat(300));
        for a in &words {
            for b in &words {
                let (ours, theirs) = (jaro_winkler(a, b), strsim::jaro_winkler(a, b));
                assert_eq!(
                    ours.to_bits(),
                    theirs.to_bits(),
                    "{a:?} {b:?}: {ours} {theirs}"
                );
            }
        }
    }

    #[test]
    fn jaro_bound_never_drops_a_passing_candidate() {
        let words = SAMPLE_NAMES;
        for a in words {
            let b = JaroBound::new(a);
            for c in words {
                for t in [0.7, 0.8, 0.85, 0.9] {
                    if strsim::jaro_winkler(a, c) > t {
                        assert!(b.may_exceed(c, t), "{a:?} {c:?} {t}");
                    }
                }
            }
        }
        // Every string of up to 4 characters over a small alphabet, against each other.
        let mut all = vec![String::new()];
        for _ in 0..4 {
            let next: Vec<String> = all
                .iter()
                .filter(|w| w.chars().count() == all.last().map_or(0, |l| l.chars().count()))
                .flat_map(|w| ["a", "b", "o", "é"].map(|c| format!("{w}{c}")))
                .collect();
            all.extend(next);
        }
        for a in &all {
            let b = JaroBound::new(a);
            for c in &all {
                for t in [0.7, 0.75, 0.8, 0.85] {
                    if strsim::jaro_winkler(a, c) > t {
                        assert!(b.may_exceed(c, t), "{a:?} {c:?} {t}");
                    }
                }
            }
        }
        assert!(!JaroBound::new("mkbuiltin.go").may_exceed("zz", 0.8));
    }
}
