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
                let s = strsim::jaro_winkler(query, name(i)?);
                (s > threshold).then_some((s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(n).map(|(_, i)| i).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
