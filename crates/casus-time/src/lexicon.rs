//! The lexicon: month names, number words, units, relative words and the
//! rest, read from the `data/time/*.tsv` files embedded at compile time.
//!
//! Each file holds `phrase<TAB>value` lines (`#` starts a comment). Phrases
//! are tokenized with the tagger's own tokenizer and matched case-insensitively
//! token by token; the longest phrase wins.

use crate::token::{tokenize, Tok};
use std::collections;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// A small multiplicative hasher (the FxHash scheme): lexicon keys are short
/// and trusted, so SipHash's DoS resistance is not needed here.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
            h = (h.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Fx = BuildHasherDefault<FxHasher>;
/// Hash map with [`FxHasher`].
pub type HashMap<K, V> = collections::HashMap<K, V, Fx>;
/// Hash set with [`FxHasher`].
pub type HashSet<K> = collections::HashSet<K, Fx>;

/// A table of (possibly multi-token) phrases with a value each.
#[derive(Debug, Default)]
pub struct Phrases {
    by_first: HashMap<String, Vec<(Vec<String>, &'static str)>>,
}

impl Phrases {
    fn parse(src: &'static str) -> Phrases {
        let mut p = Phrases::default();
        for line in src.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((k, v)) = line.split_once('\t') else {
                continue;
            };
            let toks: Vec<String> = tokenize(k.trim())
                .iter()
                .map(|t| t.lower.to_string())
                .collect();
            if toks.is_empty() {
                continue;
            }
            let e = p.by_first.entry(toks[0].clone()).or_default();
            e.push((toks, v.trim()));
            e.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        }
        p
    }

    /// Longest phrase starting at token `i`: (index after it, value).
    pub fn at(&self, t: &[Tok], i: usize) -> Option<(usize, &'static str)> {
        let first = t.get(i)?;
        let cands = self.by_first.get(first.lower.as_ref())?;
        'c: for (k, v) in cands {
            if i + k.len() > t.len() {
                continue;
            }
            for (j, w) in k.iter().enumerate().skip(1) {
                let tok = &t[i + j];
                // "b . c ." must be written without spaces; words may be spaced
                if tok.lower != *w || (tok.kind != crate::token::TokKind::Word && tok.space_before)
                {
                    continue 'c;
                }
            }
            return Some((i + k.len(), v));
        }
        None
    }

    /// Value of a single-token phrase.
    pub fn word(&self, w: &str) -> Option<&'static str> {
        self.by_first
            .get(w)?
            .iter()
            .find(|(k, _)| k.len() == 1)
            .map(|(_, v)| *v)
    }

    /// Whether `w` starts some phrase.
    pub fn starts(&self, w: &str) -> bool {
        self.by_first.contains_key(w)
    }
}

/// All lexicon tables.
#[derive(Debug)]
pub struct Lexicon {
    pub months: Phrases,
    pub numbers: Phrases,
    pub ordinals: Phrases,
    pub units: Phrases,
    pub seasons: Phrases,
    pub dayparts: Phrases,
    pub relative: Phrases,
    pub positions: Phrases,
    pub quantifiers: Phrases,
    pub vague: Phrases,
    pub refs: Phrases,
    pub sets: Phrases,
    pub weekdays: Phrases,
    pub holidays: Phrases,
    pub eras: Phrases,
    pub directions: Phrases,
    pub deictic: Phrases,
    pub not_before: HashSet<String>,
    pub not_after: HashSet<String>,
    /// Every word that starts an entry of a table the scanner starts from.
    pub triggers: HashSet<String>,
}

macro_rules! data {
    ($f:literal) => {
        include_str!(concat!("../../../data/time/", $f))
    };
}

fn words(src: &'static str) -> HashSet<String> {
    Phrases::parse(src).by_first.into_keys().collect()
}

impl Lexicon {
    fn load() -> Lexicon {
        let mut lx = Lexicon {
            months: Phrases::parse(data!("months.tsv")),
            numbers: Phrases::parse(data!("numbers.tsv")),
            ordinals: Phrases::parse(data!("ordinals.tsv")),
            units: Phrases::parse(data!("units.tsv")),
            seasons: Phrases::parse(data!("seasons.tsv")),
            dayparts: Phrases::parse(data!("dayparts.tsv")),
            relative: Phrases::parse(data!("relative.tsv")),
            positions: Phrases::parse(data!("positions.tsv")),
            quantifiers: Phrases::parse(data!("quantifiers.tsv")),
            vague: Phrases::parse(data!("vague.tsv")),
            refs: Phrases::parse(data!("refs.tsv")),
            sets: Phrases::parse(data!("sets.tsv")),
            weekdays: Phrases::parse(data!("weekdays.tsv")),
            holidays: Phrases::parse(data!("holidays.tsv")),
            eras: Phrases::parse(data!("eras.tsv")),
            directions: Phrases::parse(data!("directions.tsv")),
            deictic: Phrases::parse(data!("deictic.tsv")),
            not_before: words(data!("not_year_before.tsv")),
            not_after: words(data!("not_year_after.tsv")),
            triggers: HashSet::default(),
        };
        let mut trig = HashSet::default();
        for p in [
            &lx.months,
            &lx.numbers,
            &lx.ordinals,
            &lx.units,
            &lx.seasons,
            &lx.dayparts,
            &lx.relative,
            &lx.positions,
            &lx.quantifiers,
            &lx.vague,
            &lx.refs,
            &lx.sets,
            &lx.weekdays,
            &lx.holidays,
            &lx.eras,
            &lx.deictic,
        ] {
            trig.extend(p.by_first.keys().cloned());
        }
        for w in [
            "the", "early", "late", "mid", "middle", "every", "each", "per", "later", "earlier",
            "first", "second", "latter", "half", "ago", "in", "age", "aged",
        ] {
            trig.insert(w.to_string());
        }
        lx.triggers = trig;
        lx
    }

    /// The shared lexicon, parsed on first use.
    pub fn get() -> &'static Lexicon {
        static LX: OnceLock<Lexicon> = OnceLock::new();
        LX.get_or_init(Lexicon::load)
    }

    /// Numeric value of a single-token table entry.
    pub fn num(p: &Phrases, w: &str) -> Option<i64> {
        p.word(w).and_then(|v| v.parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_tables() {
        let lx = Lexicon::get();
        assert_eq!(Lexicon::num(&lx.months, "sept"), Some(9));
        assert_eq!(Lexicon::num(&lx.numbers, "twelve"), Some(12));
        assert_eq!(lx.seasons.word("fall"), Some("FA"));
        assert!(lx.not_before.contains("resolution"));
    }

    #[test]
    fn multi_token_phrases() {
        let lx = Lexicon::get();
        let t = tokenize("in 218 B.C. and the present day");
        assert_eq!(lx.eras.at(&t, 2), Some((6, "BC")));
        assert_eq!(lx.refs.at(&t, 8), Some((10, "PRESENT_REF")));
        assert_eq!(lx.refs.at(&t, 7), None);
    }
}
