//! The lexicon: month names, number words, units, relative words and the
//! rest, read from the `data/time/*.tsv` files embedded at compile time.
//!
//! Each file holds `phrase<TAB>value` lines (`#` starts a comment). Phrases
//! are tokenized with the tagger's own tokenizer and matched case-insensitively
//! token by token; the longest phrase wins.

use crate::token::{tokenize, Tok};
use std::sync::OnceLock;

// Lexicon keys are short and trusted: the Fx hash, not SipHash.
pub use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Which single-token phrases of a table are [`ALONE`], given the word and
/// its value.
type Alone = fn(&str, &str) -> bool;

/// A table of (possibly multi-token) phrases with a value each.
#[derive(Debug, Default)]
pub struct Phrases {
    by_first: HashMap<String, Vec<(Vec<String>, &'static str)>>,
    /// The same phrases indexed by the id of their first word (see
    /// [`Lexicon::mark`]), so that matching a token stream hashes nothing.
    by_id: Vec<Vec<(Vec<u32>, &'static str)>>,
    /// This table's bit in [`Tok::tables`].
    bit: u32,
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
            let mut spill = String::new();
            let toks: Vec<String> = tokenize(k.trim(), &mut spill)
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

    /// Indexes the phrases by word id, sets this table's bit on the words
    /// that start a phrase and [`FOLLOWS`] on every word of a phrase, and
    /// [`ALONE`] on the single-token phrases `alone` accepts (it is given
    /// the word and its value).
    fn index(&mut self, bit: u32, vocab: &mut Vocab, alone: Alone) {
        self.bit = bit;
        for (first, cands) in &self.by_first {
            let ids = cands
                .iter()
                .map(|(k, v)| {
                    let ids: Vec<u32> = k.iter().map(|w| vocab.intern(w)).collect();
                    for &id in &ids {
                        vocab.set(id, FOLLOWS);
                    }
                    if ids.len() == 1 && alone(first, v) {
                        vocab.set(ids[0], ALONE);
                    }
                    (ids, *v)
                })
                .collect();
            let id = vocab.intern(first);
            vocab.set(id, bit);
            let id = id as usize;
            if self.by_id.len() <= id {
                self.by_id.resize_with(id + 1, Vec::new);
            }
            self.by_id[id] = ids;
        }
    }

    /// The phrases starting with token `i`, if any (by its id, so the tokens
    /// must be marked by [`Lexicon::mark`]).
    fn cands(&self, t: &[Tok], i: usize) -> Option<&[(Vec<u32>, &'static str)]> {
        let first = t.get(i)?;
        if first.tables & self.bit == 0 {
            return None;
        }
        self.by_id.get(first.id as usize).map(Vec::as_slice)
    }

    /// Longest phrase starting at token `i`: (index after it, value).
    #[inline]
    pub fn at(&self, t: &[Tok], i: usize) -> Option<(usize, &'static str)> {
        // most tokens start no phrase of the table: the bit says so in line
        if t.get(i).map_or(true, |tok| tok.tables & self.bit == 0) {
            return None;
        }
        self.longest_at(t, i)
    }

    /// [`Self::at`] past the bit.
    fn longest_at(&self, t: &[Tok], i: usize) -> Option<(usize, &'static str)> {
        let cands = self.cands(t, i)?;
        'c: for (k, v) in cands {
            if i + k.len() > t.len() {
                continue;
            }
            for (j, &w) in k.iter().enumerate().skip(1) {
                let tok = &t[i + j];
                // "b . c ." must be written without spaces; words may be spaced
                if tok.id != w || (tok.kind != crate::token::TokKind::Word && tok.space_before) {
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

    /// [`Self::word`] for token `i` (marked by [`Lexicon::mark`]).
    pub fn word_at(&self, t: &[Tok], i: usize) -> Option<&'static str> {
        self.cands(t, i)?
            .iter()
            .find(|(k, _)| k.len() == 1)
            .map(|(_, v)| *v)
    }

    /// Whether `w` starts some phrase.
    pub fn starts(&self, w: &str) -> bool {
        self.by_first.contains_key(w)
    }
}

// [`Tok::tables`] bits of the tables: the word starts a phrase of the table.
pub const MONTHS: u32 = 1 << 0;
pub const NUMBERS: u32 = 1 << 1;
pub const ORDINALS: u32 = 1 << 2;
pub const UNITS: u32 = 1 << 3;
pub const SEASONS: u32 = 1 << 4;
pub const DAYPARTS: u32 = 1 << 5;
pub const RELATIVE: u32 = 1 << 6;
pub const POSITIONS: u32 = 1 << 7;
pub const QUANTIFIERS: u32 = 1 << 8;
pub const VAGUE: u32 = 1 << 9;
pub const REFS: u32 = 1 << 10;
pub const SETS: u32 = 1 << 11;
pub const WEEKDAYS: u32 = 1 << 12;
pub const HOLIDAYS: u32 = 1 << 13;
pub const ERAS: u32 = 1 << 14;
pub const DIRECTIONS: u32 = 1 << 15;
pub const DEICTIC: u32 = 1 << 16;

/// Id of a token whose lower-case form is no word of the lexicon.
pub const NO_WORD: u32 = u32::MAX;

/// [`Tok::tables`] bit: the word starts an entry of a table the scanner
/// starts from (or is one of a few other scan starts).
pub const TRIGGER: u32 = 1 << 31;
/// [`Tok::tables`] bit: a number after this word is no year.
pub const NOT_YEAR_AFTER: u32 = 1 << 30;
/// [`Tok::tables`] bit: a number before this word is no year.
pub const NOT_YEAR_BEFORE: u32 = 1 << 29;
/// [`Tok::tables`] bit: a match may start at this word whatever follows it
/// (a month, "now", "two" in "two bloody weeks"); other words start one
/// only before a number or a [`FOLLOWS`] word (see [`crate::scan`]).
pub const ALONE: u32 = 1 << 28;
/// [`Tok::tables`] bit: the word may come second in a match: it is a word
/// of some phrase, or one of `scan::NEXT_WORDS`.
pub const FOLLOWS: u32 = 1 << 27;

/// The articles: the number words that take no adjective before their
/// unit ("two bloody weeks", but not "a bloody week"), so no [`ALONE`].
pub const ARTICLES: [&str; 2] = ["a", "an"];

/// A vague quantity's value in `vague.tsv` ("several").
pub const VAGUE_VALUE: &str = "X";

/// Every word of the lexicon, numbered, with the tables it starts phrases
/// of.
///
/// Every token of a text is looked up (see [`Lexicon::mark`]), most of them
/// no word of the lexicon: the words are in an open-addressing table whose
/// hash reads four bytes, so that a lookup is a multiplication and a
/// comparison or two.
#[derive(Debug)]
pub struct Vocab {
    /// The words by id.
    words: Vec<Box<str>>,
    /// By id: the bits of the tables with a phrase starting with the word,
    /// and the [`TRIGGER`], [`NOT_YEAR_AFTER`], [`NOT_YEAR_BEFORE`],
    /// [`ALONE`], [`FOLLOWS`] flags.
    tables: Vec<u32>,
    /// The words by [`slot`] of their [`key`], then the slots after it in
    /// turn ([`Slot::EMPTY`] for none): at most an eighth full, so that
    /// most tokens find an empty slot. A power of two long.
    slots: Vec<Slot>,
    /// What [`slot`] shifts the hash by: 32 less the bits of a slot number.
    shift: u32,
    /// The one-byte words ("a", ".", "-"), by byte, looked up without
    /// hashing ([`Slot::EMPTY`] for none).
    bytes: [Slot; 256],
}

/// A word's place in [`Vocab::slots`]: its [`key`], id and table bits (a
/// copy of [`Vocab::tables`], so that a hit reads nothing more).
#[derive(Clone, Copy, Debug)]
struct Slot {
    key: u32,
    id: u32,
    tables: u32,
}

impl Slot {
    const EMPTY: Slot = Slot {
        key: 0,
        id: NO_WORD,
        tables: 0,
    };
}

impl Default for Vocab {
    fn default() -> Self {
        Vocab {
            words: Vec::new(),
            tables: Vec::new(),
            slots: vec![Slot::EMPTY; 1 << 10],
            shift: 32 - 10,
            bytes: [Slot::EMPTY; 256],
        }
    }
}

/// The first two bytes, last byte and length (up to 255) of word `w`:
/// all of a word of up to three bytes, so that its lookup compares no
/// text.
#[inline]
fn key(w: &[u8]) -> u32 {
    let byte = |k: usize| u32::from(w.get(k).copied().unwrap_or(0));
    byte(0)
        | byte(1) << 8
        | u32::from(w.last().copied().unwrap_or(0)) << 16
        | (w.len().min(255) as u32) << 24
}

/// The first slot of a word of key `key`, the top `32 - shift` bits of a
/// Fibonacci hash.
#[inline]
fn slot(key: u32, shift: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> shift) as usize
}

impl Vocab {
    fn intern(&mut self, w: &str) -> u32 {
        if let Some(id) = self.find(w) {
            return id;
        }
        let id = self.words.len() as u32;
        self.words.push(w.into());
        self.tables.push(0);
        if self.words.len() * 8 > self.slots.len() {
            self.slots = vec![Slot::EMPTY; self.slots.len() * 2];
            self.shift -= 1;
            self.replace_all();
        } else {
            self.place(id);
        }
        id
    }

    /// Sets `bits` in the table bits of word `id`.
    fn set(&mut self, id: u32, bits: u32) {
        self.tables[id as usize] |= bits;
        self.replace(id);
    }

    /// Puts word `id` in the first free slot from its own, or in
    /// [`Self::bytes`] if it is one byte long.
    fn place(&mut self, id: u32) {
        let w = self.words[id as usize].as_bytes();
        let key = key(w);
        let new = Slot {
            key,
            id,
            tables: self.tables[id as usize],
        };
        if let [b] = w {
            self.bytes[usize::from(*b)] = new;
        }
        let mask = self.slots.len() - 1;
        let mut k = slot(key, self.shift);
        while self.slots[k].id != NO_WORD {
            k = (k + 1) & mask;
        }
        self.slots[k] = new;
    }

    /// Puts every word in its slot again, with its table bits as they are.
    fn replace_all(&mut self) {
        self.slots.fill(Slot::EMPTY);
        for id in 0..self.words.len() as u32 {
            self.place(id);
        }
    }

    /// Copies the table bits of word `id` to its slots.
    fn replace(&mut self, id: u32) {
        let tables = self.tables[id as usize];
        let w = self.words[id as usize].as_bytes();
        if let [b] = w {
            self.bytes[usize::from(*b)].tables = tables;
        }
        let mask = self.slots.len() - 1;
        let mut k = slot(key(w), self.shift);
        while self.slots[k].id != id {
            k = (k + 1) & mask;
        }
        self.slots[k].tables = tables;
    }

    /// The id of word `w`, if it is one.
    fn find(&self, w: &str) -> Option<u32> {
        self.slot_of(w).map(|s| s.id)
    }

    /// The slot of word `w`, if it is one. Always inlined: it runs for
    /// most tokens, and a call costs as much as the lookup.
    #[inline(always)]
    fn slot_of(&self, w: &str) -> Option<Slot> {
        let mask = self.slots.len() - 1;
        let key = key(w.as_bytes());
        let mut k = slot(key, self.shift);
        loop {
            // `k` is masked, so no slot is out of bounds: `get` only spares
            // the panic's code
            let s = *self.slots.get(k & mask)?;
            if s.id == NO_WORD {
                return None;
            }
            if s.key == key && (w.len() <= 3 || *self.words[s.id as usize] == *w) {
                return Some(s);
            }
            k = (k & mask) + 1;
        }
    }

    /// The id and table bits of word `w`, if it is one.
    #[inline]
    fn get(&self, w: &str) -> Option<(u32, u32)> {
        let s = match w.as_bytes() {
            [b] => self.bytes[usize::from(*b)],
            _ => self.slot_of(w)?,
        };
        (s.id != NO_WORD).then_some((s.id, s.tables))
    }

    /// Every word with its table bits and flags, by id.
    pub(crate) fn words(&self) -> impl Iterator<Item = (&str, u32)> {
        self.words
            .iter()
            .map(|w| &**w)
            .zip(self.tables.iter().copied())
    }

    fn flag(&mut self, words: &HashSet<String>, bit: u32) {
        self.flag_words(words.iter().map(String::as_str), bit);
    }

    fn flag_words<'w>(&mut self, words: impl IntoIterator<Item = &'w str>, bit: u32) {
        for w in words {
            let id = self.intern(w);
            self.set(id, bit);
        }
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
    /// Every word of the tables above.
    pub vocab: Vocab,
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
            vocab: Vocab::default(),
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
        // the scanner's other starts (see [`crate::scan`]'s gate); "in",
        // "half" and "ago" start none
        for w in [
            "the", "early", "late", "mid", "middle", "every", "each", "per", "later", "earlier",
            "first", "second", "latter", "age", "aged",
        ] {
            trig.insert(w.to_string());
        }
        lx.triggers = trig;
        lx.index();
        lx
    }

    /// Numbers every word and gives each table its bit.
    fn index(&mut self) {
        let mut vocab = Vocab::default();
        // Which single-token phrases are [`ALONE`]: those that make a match
        // on their own (a month, "now", "daily", "night"), and the counts
        // that may take an adjective before their unit ("two bloody weeks":
        // numbers but the articles, vague quantities that are not vague).
        let all: Alone = |_, _| true;
        let none: Alone = |_, _| false;
        let tables: [(&mut Phrases, u32, Alone); 17] = [
            (&mut self.months, MONTHS, all),
            (&mut self.numbers, NUMBERS, |w, _| !ARTICLES.contains(&w)),
            (&mut self.ordinals, ORDINALS, none),
            (&mut self.units, UNITS, none),
            (&mut self.seasons, SEASONS, all),
            (&mut self.dayparts, DAYPARTS, all),
            (&mut self.relative, RELATIVE, none),
            (&mut self.positions, POSITIONS, none),
            (&mut self.quantifiers, QUANTIFIERS, none),
            (&mut self.vague, VAGUE, |_, v| v != VAGUE_VALUE),
            (&mut self.refs, REFS, all),
            (&mut self.sets, SETS, all),
            (&mut self.weekdays, WEEKDAYS, all),
            (&mut self.holidays, HOLIDAYS, all),
            (&mut self.eras, ERAS, none),
            (&mut self.directions, DIRECTIONS, none),
            (&mut self.deictic, DEICTIC, all),
        ];
        for (p, bit, alone) in tables {
            p.index(bit, &mut vocab, alone);
        }
        vocab.flag_words(crate::scan::NEXT_WORDS.concat(), FOLLOWS);
        vocab.flag(&self.triggers, TRIGGER);
        vocab.flag(&self.not_after, NOT_YEAR_AFTER);
        vocab.flag(&self.not_before, NOT_YEAR_BEFORE);
        self.vocab = vocab;
    }

    /// Sets the word id and table bits of every token.
    pub fn mark(&self, toks: &mut [Tok]) {
        for t in toks {
            if let Some((id, tables)) = self.vocab.get(t.lower) {
                t.id = id;
                t.tables = tables;
            }
        }
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

    /// [`Self::num`] for token `i` (marked by [`Lexicon::mark`]).
    pub fn num_at(p: &Phrases, t: &[Tok], i: usize) -> Option<i64> {
        p.word_at(t, i).and_then(|v| v.parse().ok())
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
    fn vocab_finds_its_words_and_no_others() {
        let v = &Lexicon::get().vocab;
        for (id, (w, tables)) in v.words().enumerate() {
            assert_eq!(v.get(w), Some((id as u32, tables)), "{w}");
        }
        for w in [
            "", "those", "battle", "octobers", "tue", "ths", "2020", "ago.",
        ] {
            assert_eq!(v.get(w), None, "{w}");
        }
    }

    #[test]
    fn multi_token_phrases() {
        let lx = Lexicon::get();
        let mut spill = String::new();
        let mut t = tokenize("in 218 B.C. and the present day", &mut spill);
        lx.mark(&mut t);
        assert_eq!(lx.eras.at(&t, 2), Some((6, "BC")));
        assert_eq!(lx.refs.at(&t, 8), Some((10, "PRESENT_REF")));
        assert_eq!(lx.refs.at(&t, 7), None);
    }
}
