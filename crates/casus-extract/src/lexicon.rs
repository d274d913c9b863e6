//! Light lemmatisation and phrase matching over tokens.
//!
//! Lexicon phrases are written with lemmas ("call for", "express * concern").
//! [`Forms`] expands every lemma into its regular inflections (`-s`, `-es`,
//! `-ed`, `-d`, `-ing`, `-ies`, `-ied`, doubled final consonant) and the
//! irregular forms listed in `grammar.toml`; British `-ise` spellings are
//! folded into `-ize` on both sides by [`norm`]. A [`PhraseSet`] then finds
//! the longest phrase starting at a token.

use std::borrow::Cow;
use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::text::Tok;

/// Folds British spellings into American ones so that both match one lemma:
/// `criticise`/`criticised`/`criticising` → `criticize...`,
/// `mobilisation` → `mobilization`, `defence` → `defense`.
pub fn norm(w: &str) -> String {
    normed(w).into_owned()
}

/// [`norm`] without an allocation when nothing changes.
#[inline]
pub fn normed(w: &str) -> Cow<'_, str> {
    if may_fold(w) {
        folded(w)
    } else {
        Cow::Borrowed(w)
    }
}

/// Whether [`normed`] may change `w`: false for most words, which are
/// their own normal form.
#[inline(always)]
fn may_fold(w: &str) -> bool {
    // Every suffix [`folded`] knows is at least three bytes after a stem of
    // three, and ends in one of these letters: most words are rejected
    // here, inlined, and the rest are tried on the suffixes of their last
    // letter.
    let b = w.as_bytes();
    b.len() >= 6
        && matches!(
            (b[b.len() - 3], b[b.len() - 2], b[b.len() - 1]),
            (b'i', b'o', b'n')
                | (b'i', b'n', b'g')
                | (b's', b'e', b'd' | b's')
                | (_, b's', b'e')
                | (b'n', b'c', b'e')
                | (b'o', b'u', b'r')
        )
}

/// [`normed`] of a word that may end in one of its suffixes.
#[inline(never)]
fn folded(w: &str) -> Cow<'_, str> {
    let suffixes: &[(&str, &str)] = match w.as_bytes()[w.len() - 1] {
        b'n' => &[("isation", "ization")],
        b'g' => &[("ising", "izing")],
        b'd' => &[("ised", "ized"), ("ysed", "yzed")],
        b's' => &[("ises", "izes")],
        b'e' => &[("ise", "ize"), ("yse", "yze"), ("ence", "ense")],
        b'r' => &[("our", "or")],
        _ => return Cow::Borrowed(w),
    };
    for &(a, b) in suffixes {
        if let Some(stem) = strip_suffix(w, a) {
            if stem.len() >= 3 {
                let mut s = String::with_capacity(stem.len() + b.len());
                s.push_str(stem);
                s.push_str(b);
                return Cow::Owned(s);
            }
        }
    }
    Cow::Borrowed(w)
}

/// `w` without the suffix `a`, when it ends so: [`str::strip_suffix`]
/// without the call to `memcmp` that costs more than these few bytes.
#[inline]
fn strip_suffix<'w>(w: &'w str, a: &str) -> Option<&'w str> {
    let cut = w.len().checked_sub(a.len())?;
    let tail = w.as_bytes().get(cut..)?;
    (tail.iter().zip(a.as_bytes()).all(|(x, y)| x == y) && w.is_char_boundary(cut))
        .then(|| &w[..cut])
}

/// Whether two short words are the same: `==` without the call to
/// `memcmp` that costs more than these few bytes.
#[inline]
pub(crate) fn same_word(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// The lookup key of a token or lexicon word: a hash of its [`normed`]
/// form. Distinct words may share a key; every lookup by key is confirmed
/// on the words themselves.
///
/// Always inlined: the tokenizer keys every word, and the call and its
/// frame cost as much as the hash itself. Most words are their own normal
/// form and are hashed as they are, without the [`Cow`] of [`normed`].
#[inline(always)]
pub fn word_key(w: &str) -> u64 {
    if may_fold(w) {
        folded_key(w)
    } else {
        hash_str(w)
    }
}

/// [`word_key`] of a word [`normed`] may change: out of line, as few words
/// are.
#[inline(never)]
fn folded_key(w: &str) -> u64 {
    hash_str(&folded(w))
}

/// The hash behind [`word_key`], of a word already normalised.
#[inline(always)]
fn hash_str(n: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(n)
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Regular inflections of a lemma, the lemma included.
///
/// Built by [`joined`], not `format!`, and read from the lemma's last
/// three letters, not a vector of all of them: every word of every phrase
/// set is inflected when the rules are built.
pub fn inflect(lemma: &str) -> Vec<String> {
    let mut v = Vec::with_capacity(11);
    v.push(lemma.to_string());
    for suffix in ["s", "es", "ed", "ing"] {
        v.push(joined(lemma, "", suffix));
    }
    let mut last = lemma.chars().rev();
    let (c, b, a) = (last.next(), last.next(), last.next());
    if let Some(stem) = lemma.strip_suffix('e') {
        v.push(joined(lemma, "", "d"));
        v.push(joined(stem, "", "ing"));
    }
    if let (Some('y'), Some(b)) = (c, b) {
        if !is_vowel(b) {
            let stem = &lemma[..lemma.len() - 1];
            v.push(joined(stem, "", "ies"));
            v.push(joined(stem, "", "ied"));
        }
    }
    if let (Some(a), Some(b), Some(c)) = (a, b, c) {
        if !is_vowel(a) && is_vowel(b) && !is_vowel(c) && !matches!(c, 'w' | 'x' | 'y') {
            let mut doubled = [0; 4];
            let c = c.encode_utf8(&mut doubled);
            v.push(joined(lemma, c, "ed"));
            v.push(joined(lemma, c, "ing"));
        }
    }
    v
}

/// `stem`, `mid` and `suffix` in one string, allocated once.
fn joined(stem: &str, mid: &str, suffix: &str) -> String {
    let mut s = String::with_capacity(stem.len() + mid.len() + suffix.len());
    s.push_str(stem);
    s.push_str(mid);
    s.push_str(suffix);
    s
}

/// Word forms to lemmas.
#[derive(Debug, Default, Clone)]
pub struct Forms {
    map: FxHashMap<String, Vec<String>>,
    irregular: HashMap<String, Vec<String>>,
}

impl Forms {
    /// Empty table with the given irregular forms (lemma → forms).
    pub fn new(irregular: HashMap<String, Vec<String>>) -> Forms {
        Forms {
            map: FxHashMap::default(),
            irregular,
        }
    }

    /// Registers a lemma and all its forms.
    pub fn add(&mut self, lemma: &str) {
        let lemma = norm(lemma);
        let mut forms = inflect(&lemma);
        if let Some(irr) = self.irregular.get(&lemma) {
            forms.extend(irr.iter().cloned());
        }
        for f in forms {
            let e = self.map.entry(norm(&f)).or_default();
            if !e.contains(&lemma) {
                e.push(lemma.clone());
            }
        }
    }

    /// Whether the token `low` is a form of `lemma`; with `inflected_only`
    /// the bare lemma itself does not count.
    pub fn is_form(&self, low: &str, lemma: &str, inflected_only: bool) -> bool {
        let n = normed(low);
        if n == lemma {
            return !inflected_only;
        }
        self.map
            .get(n.as_ref())
            .is_some_and(|ls| ls.iter().any(|l| l == lemma))
    }

    /// The lemmas a token may be a form of (itself included).
    pub fn lemmas(&self, low: &str) -> Vec<String> {
        let n = norm(low);
        let mut v = vec![n.clone()];
        if let Some(ls) = self.map.get(&n) {
            for l in ls {
                if !v.contains(l) {
                    v.push(l.clone());
                }
            }
        }
        v
    }

    /// The lemmas `n` (a normalised token) may be a form of, besides itself,
    /// in the order of [`Forms::lemmas`].
    #[inline]
    fn other_lemmas<'s>(&'s self, n: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.map
            .get(n)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(|l| l.as_str())
            .filter(move |l| *l != n)
    }
}

/// A phrase of a lexicon, compiled.
#[derive(Debug, Clone)]
pub struct Phrase {
    /// Lemmas (normalised), or `*` for up to four free words.
    pub words: Vec<String>,
    /// The bare lemma alone does not match the first word (`fine` vs `fined`).
    pub inflected_only: bool,
}

impl Phrase {
    /// Compiles `"express * concern"`.
    pub fn parse(s: &str, inflected_only: bool) -> Phrase {
        Phrase {
            words: s
                .split_whitespace()
                .map(|w| {
                    if w == "*" {
                        w.to_string()
                    } else {
                        norm(&w.to_lowercase())
                    }
                })
                .collect(),
            inflected_only,
        }
    }
}

/// Whether a token is part of a written amount: a number, a currency sign
/// or a word for a power of ten ("$", "5", "million").
///
/// A digit is read as the first byte (an ASCII character is one byte, and
/// no other starts with one below 0x80), not decoded: the trigger scan asks
/// this of every word in a gap.
#[inline]
fn is_amount_part(t: &Tok) -> bool {
    t.low.as_bytes().first().is_some_and(u8::is_ascii_digit)
        || matches!(
            t.low,
            "$" | "€" | "£" | "million" | "billion" | "thousand" | "mln" | "bn"
        )
}

/// A set of phrases with a payload each, matched over tokens.
#[derive(Debug, Clone)]
pub struct PhraseSet<T> {
    entries: Vec<(Phrase, T)>,
    /// [`word_key`] of a normalised token → the entries to try at it, in
    /// the order of its lemmas ([`Forms::lemmas`]) then of the entries: one
    /// lookup per token. Words that share a key share the key's lists, one
    /// per word; the first word of an entry is still matched against the
    /// token, so an entry of another word never fires.
    starts: KeyMap<Vec<Starts>>,
    /// The keys of `starts`, as a filter: most tokens start no phrase of
    /// a set, and most of those are turned away here without a lookup.
    start_keys: KeyFilter,
    /// The bit of [`Tok::starts`] that says a phrase of the set may start
    /// at a token (0 for a set with none, which reads `start_keys`).
    mark: u8,
    /// By entry: its words as the matcher reads them.
    steps: Vec<Box<[Step]>>,
    /// Lemmas known to the set, for lemmatising tokens.
    pub forms: Forms,
}

/// A word of an entry, as the matcher reads it.
#[derive(Debug, Clone)]
enum Step {
    /// `*`: up to four free words.
    Gap,
    /// A lemma, with the [`word_key`]s of the tokens that may match it
    /// (those of the lemma and of every form of it; none kept for the first
    /// word, which the start lists answer). A token whose key is not among
    /// them is no form of the word, and [`Forms::is_form`] need not be
    /// asked: most words after a phrase's first one are turned away so.
    Word(Box<[u64]>),
}

/// [`PhraseSet::steps`] of `items`, whose words `forms` knows.
fn steps<T>(items: &[(Phrase, T)], forms: &Forms) -> Vec<Box<[Step]>> {
    // A token is a form of a lemma when it is the lemma once normalised,
    // or one of the lemma's forms ([`Forms::is_form`]).
    let mut of_lemma: FxHashMap<&str, Vec<u64>> = FxHashMap::default();
    for (form, lemmas) in &forms.map {
        for l in lemmas {
            of_lemma.entry(l).or_default().push(hash_str(form));
        }
    }
    items
        .iter()
        .map(|(p, _)| {
            p.words
                .iter()
                .enumerate()
                .map(|(w, word)| {
                    if word == "*" {
                        return Step::Gap;
                    }
                    if w == 0 {
                        return Step::Word(Box::default());
                    }
                    let mut keys = vec![hash_str(word)];
                    keys.extend(of_lemma.get(word.as_str()).into_iter().flatten());
                    keys.sort_unstable();
                    keys.dedup();
                    Step::Word(keys.into_boxed_slice())
                })
                .collect()
        })
        .collect()
}

/// The entries of a [`PhraseSet`] that may start at a normalised token
/// `form`: those whose first word is the form itself or one of its lemmas.
#[derive(Debug, Clone)]
struct Starts {
    form: String,
    /// Whether [`normed`] leaves `form` as it is (all forms but odd ones):
    /// a token that is `form` letter for letter is then its own form.
    fixed: bool,
    /// Entry, and whether its first word is `form` itself (which an
    /// inflected-only entry refuses).
    entries: Vec<(usize, bool)>,
    /// When every entry has a plain word second, the [`word_key`]s of the
    /// tokens that may match one of them, sorted: a token followed by no
    /// such word starts none of the entries, which are then not tried one
    /// by one. Most tokens listed start no phrase ("in", "was", "forces").
    next: Option<Box<[u64]>>,
}

impl Starts {
    /// Whether an entry of the list may start at the token before `next`,
    /// as far as its second word tells: false only when none can.
    #[inline]
    fn may_continue(&self, next: Option<&Tok>) -> bool {
        match &self.next {
            None => true,
            Some(keys) => next.is_some_and(|t| t.word && keys.binary_search(&t.key).is_ok()),
        }
    }
}

/// [`Starts::next`] of `entries`, whose words as the matcher reads them are
/// `steps`: the union of the keys of their second words, unless one of
/// them has none (a single word) or a gap there.
fn next_keys(entries: &[(usize, bool)], steps: &[Box<[Step]>]) -> Option<Box<[u64]>> {
    let mut keys = Vec::new();
    for &(e, _) in entries {
        match steps[e].get(1) {
            Some(Step::Word(k)) => keys.extend_from_slice(k),
            _ => return None,
        }
    }
    keys.sort_unstable();
    keys.dedup();
    Some(keys.into_boxed_slice())
}

/// A set of [`word_key`]s that may answer "maybe" for a key it lacks but
/// never "no" for one it holds: one bit per key, chosen by the key's top
/// bits (the well-mixed ones of a multiplicative hash).
#[derive(Debug, Clone)]
pub(crate) struct KeyFilter {
    /// A fixed size: every index a key gives is in bounds, and no bounds
    /// check is made on the lookup every token goes through.
    bits: Box<[u64; KeyFilter::WORDS]>,
}

impl KeyFilter {
    /// Bits of the key that pick the filter bit: 2^14 bits, 2 KB a set.
    const BITS: u32 = 14;
    /// The filter's 64-bit words.
    const WORDS: usize = 1 << (Self::BITS - 6);

    pub(crate) fn new<'k>(keys: impl Iterator<Item = &'k u64>) -> KeyFilter {
        let mut bits = Box::new([0u64; Self::WORDS]);
        for &k in keys {
            let b = Self::bit(k);
            bits[b / 64] |= 1 << (b % 64);
        }
        KeyFilter { bits }
    }

    #[inline]
    fn bit(key: u64) -> usize {
        (key >> (64 - Self::BITS)) as usize
    }

    /// Whether `key` may be in the set.
    #[inline]
    pub(crate) fn may_hold(&self, key: u64) -> bool {
        let b = Self::bit(key);
        self.bits[b / 64] & (1 << (b % 64)) != 0
    }
}

/// A map from [`word_key`]s to values: a table addressed by the top bits
/// of the key (the well-mixed ones), the next slot taken on a collision.
/// The keys are hashes already: a lookup hashes nothing again, and most
/// misses end at the first, empty, slot.
#[derive(Debug, Clone)]
pub(crate) struct KeyMap<V> {
    slots: Box<[Option<(u64, V)>]>,
    /// How far a key is shifted right to give its slot.
    shift: u32,
}

impl<V> KeyMap<V> {
    /// The map of `entries`, whose keys are distinct; at most half full.
    pub(crate) fn new(entries: impl IntoIterator<Item = (u64, V)>) -> KeyMap<V> {
        let entries: Vec<(u64, V)> = entries.into_iter().collect();
        let size = (entries.len() * 2).next_power_of_two().max(2);
        let mut slots: Box<[Option<(u64, V)>]> = (0..size).map(|_| None).collect();
        let shift = 64 - size.trailing_zeros();
        for (key, v) in entries {
            let mut i = (key >> shift) as usize;
            while slots[i].is_some() {
                i = (i + 1) & (size - 1);
            }
            slots[i] = Some((key, v));
        }
        KeyMap { slots, shift }
    }

    /// The keys of the map, in no order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.slots.iter().flatten().map(|(k, _)| *k)
    }

    /// The value of `key`.
    #[inline]
    pub(crate) fn get(&self, key: u64) -> Option<&V> {
        let mask = self.slots.len() - 1;
        let mut i = (key >> self.shift) as usize;
        loop {
            match &self.slots[i] {
                Some((k, v)) if *k == key => return Some(v),
                Some(_) => i = (i + 1) & mask,
                None => return None,
            }
        }
    }
}

/// A phrase found in a token list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the entry in its set.
    pub entry: usize,
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
}

impl<T> PhraseSet<T> {
    /// Builds a set; `irregular` gives irregular verb forms.
    pub fn new(items: Vec<(Phrase, T)>, irregular: &HashMap<String, Vec<String>>) -> PhraseSet<T> {
        let mut forms = Forms::new(irregular.clone());
        let mut by_first: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        // Adding a lemma again adds nothing, and phrases share many words
        // ("to", "the", a verb with several particles): each is added once.
        let mut added: FxHashSet<&str> = FxHashSet::default();
        for (i, (p, _)) in items.iter().enumerate() {
            for w in &p.words {
                if w != "*" && added.insert(w) {
                    forms.add(w);
                }
            }
            if let Some(f) = p.words.first().filter(|f| *f != "*") {
                by_first.entry(f.clone()).or_default().push(i);
            }
        }
        let mut starts: FxHashMap<u64, Vec<Starts>> = FxHashMap::default();
        let mut done: std::collections::HashSet<&str> = Default::default();
        for n in forms.map.keys().chain(by_first.keys()) {
            if !done.insert(n.as_str()) {
                continue;
            }
            let mut v = Vec::new();
            for lemma in std::iter::once(n.as_str()).chain(forms.other_lemmas(n)) {
                if let Some(is) = by_first.get(lemma) {
                    v.extend_from_slice(is);
                }
            }
            if !v.is_empty() {
                let entries = v
                    .into_iter()
                    .map(|i| (i, items[i].0.words[0] == *n))
                    .collect();
                starts.entry(word_key(n)).or_default().push(Starts {
                    form: n.clone(),
                    fixed: normed(n) == n.as_str(),
                    entries,
                    next: None,
                });
            }
        }
        let steps = steps(&items, &forms);
        for list in starts.values_mut().flatten() {
            list.next = next_keys(&list.entries, &steps);
        }
        PhraseSet {
            steps,
            entries: items,
            start_keys: KeyFilter::new(starts.keys()),
            starts: KeyMap::new(starts),
            mark: 0,
            forms,
        }
    }

    /// The set, marked with the bit `mark` of [`Tok::starts`]: it reads the
    /// bit instead of its keys to turn a token away, so every token it
    /// reads must have the bit set when its key is one of
    /// [`PhraseSet::start_keys`] (or be tokenized alone, with every bit).
    pub fn marked(mut self, mark: u8) -> PhraseSet<T> {
        self.mark = mark;
        self
    }

    /// The [`word_key`]s of the tokens a phrase of the set may start at:
    /// those of the words that start one, and of their forms.
    pub fn start_keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.starts.keys()
    }

    /// The payload of entry `i`.
    pub fn get(&self, i: usize) -> &T {
        &self.entries[i].1
    }

    /// The phrase of entry `i`.
    pub fn phrase(&self, i: usize) -> &Phrase {
        &self.entries[i].0
    }

    /// Where entry `e` ends when its words from `w` on match the tokens
    /// from `at` on.
    fn match_from(&self, toks: &[Tok], e: usize, at: usize, w: usize) -> Option<usize> {
        let steps = &self.steps[e];
        let Some(step) = steps.get(w) else {
            return Some(at);
        };
        let Step::Word(keys) = step else {
            // Longest continuation first would over-reach; try the shortest gap.
            // An amount of money is one word however it is written ("cut $50
            // million in aid"); quotation marks are none.
            let mut k = at;
            let mut words = 0;
            // A plain word after the gap is tried only where a token may
            // match it: most places are turned away by key, without a call.
            let next_keys = match steps.get(w + 1) {
                Some(Step::Word(keys)) => Some(&**keys),
                _ => None,
            };
            while words <= 4 {
                if next_keys.map_or(true, |keys| Self::may_match(toks, k, w + 1, keys)) {
                    if let Some(end) = self.match_from(toks, e, k, w + 1) {
                        return Some(end);
                    }
                }
                match toks.get(k) {
                    // Scare quotes: 'launched what it called "anti-terrorist operations"'.
                    // Punctuation, so a word is not compared with them.
                    Some(t) if !t.word && matches!(t.low, "\"" | "\u{201c}" | "\u{201d}") => k += 1,
                    Some(t) if is_amount_part(t) => {
                        if !toks.get(k + 1).is_some_and(is_amount_part) {
                            words += 1;
                        }
                        k += 1;
                    }
                    Some(t) if t.word => {
                        words += 1;
                        k += 1;
                    }
                    _ => break,
                }
            }
            return None;
        };
        if !Self::may_match(toks, at, w, keys) {
            return None;
        }
        let t = &toks[at];
        let p = &self.entries[e].0;
        let inflected_only = w == 0 && p.inflected_only;
        if self.forms.is_form(t.low, &p.words[w], inflected_only) {
            self.match_from(toks, e, at + 1, w + 1)
        } else {
            None
        }
    }

    /// Whether the token at `at` may match word `w` of an entry, a
    /// [`Step::Word`] with `keys`: false for a missing token, punctuation,
    /// and, after the first word, a token whose key is none of the word's
    /// forms; true leaves it to [`Forms::is_form`].
    #[inline]
    fn may_match(toks: &[Tok], at: usize, w: usize, keys: &[u64]) -> bool {
        toks.get(at)
            .is_some_and(|t| t.word && (w == 0 || keys.contains(&t.key)))
    }

    /// Whether a phrase of the set may start at the token `t`: false for
    /// most tokens that start none, never false for one that starts one.
    /// A marked set reads the token's bit, set from its key once for all
    /// the sets; another tries the key on its filter.
    #[inline]
    pub fn may_start(&self, t: &Tok) -> bool {
        if self.mark != 0 {
            t.starts & self.mark != 0
        } else {
            t.word && self.start_keys.may_hold(t.key)
        }
    }

    /// The longest phrase that starts at token `at`.
    #[inline]
    pub fn longest_at(&self, toks: &[Tok], at: usize) -> Option<Hit> {
        // Most tokens start no phrase: they are turned away here, inlined
        // into the caller's loop, without a call.
        if !self.may_start(toks.get(at)?) {
            return None;
        }
        self.longest_from(toks, at)
    }

    /// [`PhraseSet::longest_at`] for a token that passed [`PhraseSet::may_start`].
    #[inline(never)]
    fn longest_from(&self, toks: &[Tok], at: usize) -> Option<Hit> {
        let t = &toks[at];
        let lists = self.starts.get(t.key)?;
        let mut best: Option<Hit> = None;
        // The lemmas of a token are distinct and every entry is listed under
        // its first word only, so no entry is tried twice.
        for list in lists {
            if !list.may_continue(toks.get(at + 1)) {
                continue;
            }
            // Listed entries start with a word, not `*`: the first step of
            // `match_from`. On the token's own list it is known without
            // [`Forms::is_form`]: the first word is the token or one of its
            // lemmas.
            // A token that is not the form letter for letter is normalised
            // (a British spelling, or another word with the same key).
            let own = if t.low == list.form {
                list.fixed
            } else {
                normed(t.low) == list.form.as_str()
            };
            for &(i, bare) in &list.entries {
                let p = &self.entries[i].0;
                let is_first = if own {
                    !(bare && p.inflected_only)
                } else {
                    self.forms.is_form(t.low, &p.words[0], p.inflected_only)
                };
                if !is_first {
                    continue;
                }
                // The second word, inlined: most entries that start at a
                // token are turned away by its key here, without a call.
                let end = match self.steps[i].get(1) {
                    None => Some(at + 1),
                    Some(Step::Word(keys)) if !Self::may_match(toks, at + 1, 1, keys) => None,
                    Some(_) => self.match_from(toks, i, at + 1, 1),
                };
                if let Some(end) = end {
                    if best.as_ref().map_or(true, |b| end > b.last) {
                        best = Some(Hit {
                            entry: i,
                            first: at,
                            last: end,
                        });
                    }
                }
            }
        }
        best
    }

    /// All non-overlapping hits in `toks[from..to]`, leftmost longest first.
    pub fn find_all(&self, toks: &[Tok], from: usize, to: usize) -> Vec<Hit> {
        self.find_all_except(toks, from, to, |_| false)
    }

    /// [`PhraseSet::find_all`] with no phrase starting at a token `skip`
    /// refuses (a phrase may still run through one).
    pub fn find_all_except(
        &self,
        toks: &[Tok],
        from: usize,
        to: usize,
        skip: impl Fn(usize) -> bool,
    ) -> Vec<Hit> {
        let mut out = Vec::new();
        self.find_all_except_into(toks, from, to, skip, &mut out);
        out
    }

    /// [`PhraseSet::find_all_except`] into `out` (cleared first), for a
    /// caller that reuses one vector for every sentence.
    pub fn find_all_except_into(
        &self,
        toks: &[Tok],
        from: usize,
        to: usize,
        skip: impl Fn(usize) -> bool,
        out: &mut Vec<Hit>,
    ) {
        out.clear();
        let to = to.min(toks.len());
        let mut i = from;
        while i < to {
            // Most tokens start no phrase: turned away before `skip` is asked.
            if !self.may_start(&toks[i]) || skip(i) {
                i += 1;
                continue;
            }
            match self.longest_from(toks, i) {
                Some(h) if h.last <= to => {
                    i = h.last.max(i + 1);
                    out.push(h);
                }
                _ => i += 1,
            }
        }
    }
}

#[cfg(test)]
impl<T> PhraseSet<T> {
    /// The phrases of the set written out, a sentence each, with a word
    /// in every gap: a text in which every phrase is found.
    pub(crate) fn entries_text(&self) -> String {
        let mut s = String::new();
        for (p, _) in &self.entries {
            for w in &p.words {
                s.push_str(if w == "*" { "big" } else { w });
                s.push(' ');
            }
            s.push_str(". ");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    #[test]
    fn a_lemma_added_again_adds_nothing() {
        // `PhraseSet::new` adds each word of its phrases once, on this.
        let irregular: HashMap<String, Vec<String>> =
            [("strike".to_string(), vec!["struck".to_string()])].into();
        let (mut once, mut twice) = (Forms::new(irregular.clone()), Forms::new(irregular));
        for w in ["strike", "call", "try", "to"] {
            once.add(w);
        }
        for w in ["strike", "call", "strike", "try", "call", "to", "try", "to"] {
            twice.add(w);
        }
        assert_eq!(once.map, twice.map);
        assert!(once.map.contains_key("struck"));
    }

    /// [`inflect`] as first written, with `format!` and every letter.
    fn inflect_slow(lemma: &str) -> Vec<String> {
        let mut v = vec![
            lemma.to_string(),
            format!("{lemma}s"),
            format!("{lemma}es"),
            format!("{lemma}ed"),
            format!("{lemma}ing"),
        ];
        let chars: Vec<char> = lemma.chars().collect();
        let n = chars.len();
        if let Some(stem) = lemma.strip_suffix('e') {
            v.push(format!("{lemma}d"));
            v.push(format!("{stem}ing"));
        }
        if n >= 2 && chars[n - 1] == 'y' && !is_vowel(chars[n - 2]) {
            let stem = &lemma[..lemma.len() - 1];
            v.push(format!("{stem}ies"));
            v.push(format!("{stem}ied"));
        }
        if n >= 3 {
            let (a, b, c) = (chars[n - 3], chars[n - 2], chars[n - 1]);
            if !is_vowel(a) && is_vowel(b) && !is_vowel(c) && !matches!(c, 'w' | 'x' | 'y') {
                v.push(format!("{lemma}{c}ed"));
                v.push(format!("{lemma}{c}ing"));
            }
        }
        v
    }

    #[test]
    fn inflect_is_the_straightforward_inflection() {
        for w in [
            "",
            "a",
            "e",
            "y",
            "ay",
            "by",
            "cry",
            "try",
            "stay",
            "call",
            "urge",
            "stop",
            "fix",
            "show",
            "play",
            "ban",
            "free",
            "tie",
            "be",
            "go",
            "bomb",
            "shell",
            "débâcle",
            "café",
            "plén",
            "pay",
            "baé",
            "xéz",
            "t-72",
            "cease-fire",
        ] {
            assert_eq!(inflect(w), inflect_slow(w), "{w}");
        }
        // Every lemma of the rules, too.
        for (p, _) in &crate::rules::Rules::embedded().triggers.entries {
            for w in &p.words {
                assert_eq!(inflect(w), inflect_slow(w), "{w}");
            }
        }
    }

    #[test]
    fn inflections() {
        let f = inflect("call");
        assert!(f.contains(&"called".to_string()) && f.contains(&"calling".to_string()));
        assert!(inflect("urge").contains(&"urging".to_string()));
        assert!(inflect("deny").contains(&"denied".to_string()));
        assert!(inflect("ban").contains(&"banned".to_string()));
    }

    #[test]
    fn british_spellings_fold() {
        assert_eq!(norm("criticised"), norm("criticized"));
        assert_eq!(norm("mobilisation"), "mobilization");
        for (w, n) in [
            ("organising", "organizing"),
            ("analysed", "analyzed"),
            ("paralysed", "paralyzed"),
            ("promises", "promizes"),
            ("analyse", "analyze"),
            ("defence", "defense"),
            ("behaviour", "behavior"),
            ("colour", "color"),
            ("rise", "rise"),
            ("sise", "sise"),
            ("sunrise", "sunrize"),
            ("ours", "ours"),
            ("attack", "attack"),
        ] {
            assert_eq!(norm(w), n, "{w}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_quick_rejection_of_normed_loses_no_suffix(w in "[a-z]{0,4}(is|ys|en|ou)?(ation|ing|ed|es|e|ce|r|n|g|d|s)?") {
            // `folded` alone tries every suffix of the last letter.
            let all = if w.len() < 6 { Cow::Borrowed(w.as_str()) } else { folded(&w) };
            proptest::prop_assert_eq!(normed(&w), all);
            // The key skips the `Cow` of the normal form, not the form.
            proptest::prop_assert_eq!(word_key(&w), hash_str(&normed(&w)));
        }
    }

    #[test]
    fn phrases_with_gaps_and_irregulars() {
        let mut irr = HashMap::new();
        irr.insert("meet".to_string(), vec!["met".to_string()]);
        let set = PhraseSet::new(
            vec![
                (Phrase::parse("express * concern", false), 1),
                (Phrase::parse("call for", false), 2),
                (Phrase::parse("call", false), 3),
                (Phrase::parse("meet", false), 4),
            ],
            &irr,
        );
        let s = "They expressed deep concern and called for talks; Lavrov met Zarif.";
        let mut spill = crate::text::Spill::new();
        let toks = tokenize(s, "", &mut spill, 0, s.len());
        let hits: Vec<i32> = set
            .find_all(&toks, 0, toks.len())
            .iter()
            .map(|h| *set.get(h.entry))
            .collect();
        assert_eq!(hits, [1, 2, 4]);
    }

    #[test]
    fn the_key_filter_holds_every_key_it_was_given() {
        let keys: Vec<u64> = ["call", "urge", "deny", "talks", "x"]
            .iter()
            .map(|w| word_key(w))
            .collect();
        let f = KeyFilter::new(keys.iter());
        assert!(keys.iter().all(|&k| f.may_hold(k)));
        assert!(!KeyFilter::new([].iter()).may_hold(word_key("call")));
    }

    #[test]
    fn a_form_of_a_later_word_is_never_turned_away_by_its_key() {
        let r = crate::rules::Rules::embedded();
        let set = &r.triggers;
        // Every form the set knows, and British spellings of some.
        let mut words: Vec<String> = set.forms.map.keys().cloned().collect();
        words.extend(["criticised", "organising", "analysed", "defence"].map(String::from));
        for w in &words {
            let mut spill = crate::text::Spill::new();
            let toks = tokenize(w, "", &mut spill, 0, w.len());
            let [t] = toks.as_slice() else { continue };
            for (e, (p, _)) in set.entries.iter().enumerate() {
                for (k, word) in p.words.iter().enumerate().skip(1) {
                    if word != "*" && set.forms.is_form(t.low, word, false) {
                        let super::Step::Word(keys) = &set.steps[e][k] else {
                            panic!("{word} is a word")
                        };
                        assert!(keys.contains(&t.key), "{w} {word}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_list_turns_away_no_token_before_a_second_word_of_its_entries() {
        // `may_continue` rejects a list only when no entry's second word can
        // match the next token: every such word's keys are in the union.
        let r = crate::rules::Rules::embedded();
        let sets = [&r.triggers.starts, &r.reporting.starts];
        let mut filtered = 0;
        for (set, steps) in sets
            .into_iter()
            .zip([&r.triggers.steps, &r.reporting.steps])
        {
            for (_, lists) in set.slots.iter().flatten() {
                for list in lists {
                    let Some(next) = &list.next else {
                        // No union: some entry ends at its first word or has a gap.
                        assert!(list
                            .entries
                            .iter()
                            .any(|&(e, _)| !matches!(steps[e].get(1), Some(super::Step::Word(_)))));
                        continue;
                    };
                    filtered += 1;
                    assert!(next.windows(2).all(|w| w[0] < w[1]), "sorted");
                    for &(e, _) in &list.entries {
                        let Some(super::Step::Word(keys)) = steps[e].get(1) else {
                            panic!("{} has a plain second word", list.form)
                        };
                        assert!(keys.iter().all(|k| next.binary_search(k).is_ok()));
                    }
                }
            }
        }
        assert!(filtered > 10);
        // A phrase still matches through the filter; a word after its first
        // that is none of its second words is turned away.
        let set = PhraseSet::new(
            vec![
                (Phrase::parse("in solidarity with", false), 1),
                (Phrase::parse("in response to", false), 2),
            ],
            &HashMap::new(),
        );
        for (s, want) in [
            ("acted in solidarity with them", Some(1)),
            ("in response to it", Some(2)),
            ("in Baku", None),
            ("in", None),
        ] {
            let mut spill = crate::text::Spill::new();
            let toks = tokenize(s, "", &mut spill, 0, s.len());
            let hits = set.find_all(&toks, 0, toks.len());
            assert_eq!(hits.first().map(|h| *set.get(h.entry)), want, "{s}");
        }
    }

    #[test]
    fn a_key_map_finds_every_key_it_holds_and_no_other() {
        for n in [0usize, 1, 3, 100, 1000] {
            let keys: Vec<u64> = (0..n).map(|i| word_key(&format!("w{i}"))).collect();
            let m = KeyMap::new(keys.iter().map(|&k| (k, k ^ 1)));
            assert!(keys.iter().all(|&k| m.get(k) == Some(&(k ^ 1))));
            for i in n..n + 100 {
                assert_eq!(m.get(word_key(&format!("w{i}"))), None);
            }
        }
        // Keys that share their top bits share a slot: the next one is taken.
        let m = KeyMap::new([(1u64, 'a'), (2, 'b'), (3, 'c')]);
        assert_eq!(
            (m.get(1), m.get(2), m.get(3), m.get(4)),
            (Some(&'a'), Some(&'b'), Some(&'c'), None)
        );
    }

    #[test]
    fn inflected_only_skips_the_bare_form() {
        let set = PhraseSet::new(vec![(Phrase::parse("fine", true), ())], &HashMap::new());
        let s = "a fine day; he was fined";
        let mut spill = crate::text::Spill::new();
        let toks = tokenize(s, "", &mut spill, 0, s.len());
        assert_eq!(set.find_all(&toks, 0, toks.len()).len(), 1);
    }
}
