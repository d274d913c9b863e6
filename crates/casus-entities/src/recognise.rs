//! The recogniser: a scan for every surface form at word starts, then a
//! left-to-right composition of adjacent tokens into mentions.

use crate::data::{date_interval, tenure_covers, Day};
use crate::{Anaphor, EntityRef, Kb, KbStr, Mention, Pat, PersonRef, ANAPHORA_WINDOW};
use rustc_hash::FxHashMap;

/// One surface form found in the text.
#[derive(Clone, Copy, Debug)]
struct Tok {
    start: usize,
    end: usize,
    pat: usize,
}

/// The date in force, as an interval of days.
type When = Option<(Day, Day)>;

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether `[start, end)` stands as whole words in `text`.
fn boundary_ok(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).and_then(|s| s.chars().next_back());
    let after = text.get(end..).and_then(|s| s.chars().next());
    !before.is_some_and(is_word) && !after.is_some_and(is_word)
}

/// Spans of every known surface form in `text` (names, roles, titles),
/// whether or not it became a mention.
pub(crate) fn known_spans(kb: &Kb, text: &str) -> Vec<(usize, usize)> {
    scan(kb, text).iter().map(|t| (t.start, t.end)).collect()
}

/// The character starting at byte `p` of `text` (a char boundary) and its
/// length, with a fast path for ASCII.
fn char_at(text: &str, p: usize) -> Option<(char, usize)> {
    let b = *text.as_bytes().get(p)?;
    if b.is_ascii() {
        return Some((char::from(b), 1));
    }
    let c = text.get(p..)?.chars().next()?;
    Some((c, c.len_utf8()))
}

/// ASCII letters and digits, by byte.
const ASCII_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The high bit of every byte of `bytes` (eight bytes, little-endian) that
/// is an ASCII letter or digit: all eight tested at once, as a byte-by-byte
/// loop costs more than the rest of the scan per word.
fn ascii_word_bits(bytes: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let ones = |b: u8| u64::from(b) * 0x0101_0101_0101_0101;
    // Without their high bits the bytes can not carry into each other: the
    // high bit of `x + (0x80 - lo)` says `x >= lo`, that of `x + (0x7f - hi)`
    // says `x > hi`.
    let x = bytes & !HIGH;
    let in_range = |x: u64, lo: u8, hi: u8| (x + ones(0x80 - lo)) & !(x + ones(0x7f - hi)) & HIGH;
    let digit = in_range(x, b'0', b'9');
    // bit 0x20 makes an upper-case letter lower-case and no other byte a letter
    let letter = in_range(x | ones(0x20), b'a', b'z');
    (digit | letter) & !bytes
}

/// How many of the eight bytes of `chunk` are, from the first on, ASCII
/// letters and digits.
fn ascii_word_prefix(chunk: &[u8; 8]) -> usize {
    let stop = !ascii_word_bits(u64::from_le_bytes(*chunk)) & 0x8080_8080_8080_8080;
    (stop.trailing_zeros() / 8) as usize
}

/// The high bits of the eight bytes of `bits` (no other bit set) gathered
/// into the low eight bits, byte `i` to bit `i`: the multiply moves the bit
/// of byte `i`, bit `8i + 7`, to bit `56 + i` (by `7 (7 - i)`), and no two
/// of its partial products overlap.
fn gather_high_bits(bits: u64) -> u64 {
    bits.wrapping_mul(0x0002_0408_1020_4081) >> 56
}

/// A block of 64 bytes of text, classified: which bytes are ASCII letters
/// and digits, and how many bytes from the first on are ASCII.
#[derive(Clone, Copy, Debug)]
struct Block {
    /// Bit `i` says byte `i` is an ASCII letter or digit.
    word: u64,
    /// How many bytes from the first on are ASCII: only those are
    /// classified, as a non-ASCII character may or may not be a word
    /// character.
    ascii: u32,
}

impl Block {
    /// Classifies `chunk`: with SSE2 where the target has it (every x86-64
    /// processor), a quarter of the instructions of [`Block::of_by_words`],
    /// which costs more than the rest of the scan per word.
    fn of(chunk: &[u8; 64]) -> Block {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        // SAFETY: `of_sse2` only needs SSE2, which the `cfg` above says the
        // whole program is compiled to require.
        return unsafe { Block::of_sse2(chunk) };
        #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
        return Block::of_by_words(chunk);
    }

    /// [`Block::of`] sixteen bytes at a time with SSE2.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[target_feature(enable = "sse2")]
    fn of_sse2(chunk: &[u8; 64]) -> Block {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
            _mm_set_epi64x, _mm_sub_epi8,
        };
        let (mut word, mut high) = (0, 0);
        for (i, sixteen) in chunk.as_chunks::<16>().0.iter().enumerate() {
            let (lo, hi) = sixteen.split_at(8);
            let half = |h: &[u8]| i64::from_le_bytes(h.try_into().unwrap_or_default());
            let x = _mm_set_epi64x(half(hi), half(lo));
            // `b - lo <= hi - lo` (unsigned) for `b` in `lo..=hi`: the bytes
            // that `min` leaves unchanged
            let in_range = |x, lo: u8, hi: u8| {
                let d = _mm_sub_epi8(x, _mm_set1_epi8(lo as i8));
                _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8((hi - lo) as i8)), d)
            };
            let digit = in_range(x, b'0', b'9');
            // bit 0x20 makes an upper-case letter lower-case and no other
            // byte a letter
            let letter = in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), b'a', b'z');
            let bits = |v| u64::from(_mm_movemask_epi8(v) as u16);
            word |= bits(_mm_or_si128(digit, letter)) << (16 * i);
            high |= bits(x) << (16 * i);
        }
        Block {
            word,
            ascii: high.trailing_zeros(),
        }
    }

    /// Classifies `chunk`, eight bytes at a time in a `u64`.
    #[cfg_attr(
        all(target_arch = "x86_64", target_feature = "sse2"),
        allow(dead_code, reason = "the fallback, tested against SSE2")
    )]
    fn of_by_words(chunk: &[u8; 64]) -> Block {
        let (mut word, mut high) = (0, 0);
        for (i, &eight) in chunk.as_chunks::<8>().0.iter().enumerate() {
            let bytes = u64::from_le_bytes(eight);
            word |= gather_high_bits(ascii_word_bits(bytes)) << (8 * i);
            high |= gather_high_bits(bytes & 0x8080_8080_8080_8080) << (8 * i);
        }
        Block {
            word,
            ascii: high.trailing_zeros(),
        }
    }
}

/// The end of the run of ASCII letters and digits starting at byte `p`.
fn ascii_word_end(bytes: &[u8], mut p: usize) -> usize {
    while let Some(chunk) = bytes.get(p..).and_then(<[u8]>::first_chunk::<8>) {
        let n = ascii_word_prefix(chunk);
        p += n;
        if n < 8 {
            return p;
        }
    }
    let rest = bytes.get(p..).unwrap_or_default();
    p + rest
        .iter()
        .position(|&b| !ASCII_WORD[usize::from(b)])
        .unwrap_or(rest.len())
}

/// The end of the run of word characters starting at byte `p` (`p` itself
/// when none starts there). Inlined: the scan calls it for every word, and
/// most words are short and ASCII.
#[inline]
fn word_end(text: &str, p: usize) -> usize {
    let bytes = text.as_bytes();
    let p = ascii_word_end(bytes, p);
    match bytes.get(p) {
        Some(b) if !b.is_ascii() => non_ascii_word_end(text, p),
        _ => p,
    }
}

/// [`word_end`] from a non-ASCII character at `p`.
#[inline(never)]
fn non_ascii_word_end(text: &str, mut p: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        match bytes.get(p) {
            Some(b) if !b.is_ascii() => match char_at(text, p) {
                Some((c, len)) if is_word(c) => p = ascii_word_end(bytes, p + len),
                _ => return p,
            },
            _ => return p,
        }
    }
}

/// The leading run of word characters of `s` ("Nagorno" for
/// "Nagorno-Karabakh", empty for "(SBS)").
fn first_word(s: &str) -> &str {
    &s[..word_end(s, 0)]
}

/// What the surface forms starting with one word are.
#[derive(Clone, Debug, Default)]
pub(crate) struct FirstWord {
    /// The surface form that is this word alone.
    alone: Option<usize>,
    /// The surface forms that go on after this word ("Nagorno-Karabakh
    /// Republic", "U.S."), by their first two words: only where the text
    /// starts with those can one of them start.
    longer: Vec<Longer>,
    /// The bytes right after the first byte after this word in those
    /// forms ("K" of "Nagorno-Karabakh"), a quick test before comparing
    /// them ("the" starts several forms, but mostly stands before a word in
    /// lower case), and whether some form has no such byte ("Co.").
    second: [u64; 4],
    short: bool,
}

/// The surface forms that go on after their first word and share their
/// first two words.
#[derive(Clone, Debug)]
struct Longer {
    /// Those words: the forms cut after their second word
    /// ("Nagorno-Karabakh", "U.S").
    cut: Box<[u8]>,
    /// The forms with their pattern numbers, longest first.
    forms: Forms,
}

/// Surface forms with their pattern numbers, longest first: the first that
/// a text starts with is the longest.
#[derive(Clone, Debug, Default)]
struct Forms(Vec<(Box<[u8]>, usize)>);

impl Forms {
    /// Adds `form`, pattern number `pat`, after the forms at least as long.
    fn add(&mut self, form: &[u8], pat: usize) {
        let at = self.0.partition_point(|(f, _)| f.len() >= form.len());
        self.0.insert(at, (form.into(), pat));
    }

    /// The longest form that `rest` starts with: its length and pattern.
    fn longest(&self, rest: &[u8]) -> Option<(usize, usize)> {
        self.0
            .iter()
            .find(|(f, _)| rest.starts_with(f))
            .map(|(f, pat)| (f.len(), *pat))
    }
}

impl FirstWord {
    /// Notes a longer form, number `pat`, cut after its second word.
    fn add_longer(&mut self, word_len: usize, cut: &str, form: &str, pat: usize) {
        let cut = cut.as_bytes();
        let at = match self.longer.iter().position(|l| *l.cut == *cut) {
            Some(at) => at,
            None => {
                match cut.get(word_len + 1) {
                    Some(&b) => self.second[usize::from(b / 64)] |= 1 << (b % 64),
                    None => self.short = true,
                }
                self.longer.push(Longer {
                    cut: cut.into(),
                    forms: Forms::default(),
                });
                self.longer.len() - 1
            }
        };
        self.longer[at].forms.add(form.as_bytes(), pat);
    }

    /// The longest longer form that `rest`, the text from the word (of
    /// `word_len` bytes) on, starts with: its length and pattern.
    fn longest(&self, rest: &[u8], word_len: usize) -> Option<(usize, usize)> {
        let second = rest.get(word_len + 1);
        let maybe = self.short
            || second.is_some_and(|&b| self.second[usize::from(b / 64)] & (1 << (b % 64)) != 0);
        if !maybe {
            return None;
        }
        // that byte first: few of the forms share it
        self.longer
            .iter()
            .filter(|l| {
                (l.cut.len() <= word_len + 1 || l.cut.get(word_len + 1) == second)
                    && rest.starts_with(&l.cut)
            })
            .filter_map(|l| l.forms.longest(rest))
            .max_by_key(|&(len, _)| len)
    }
}

/// `s` up to the end of its second word (all of it when it has none).
fn two_words(s: &str) -> &str {
    let mut p = word_end(s, 0);
    while let Some((c, len)) = char_at(s, p) {
        if is_word(c) {
            break;
        }
        p += len;
    }
    &s[..word_end(s, p)]
}

/// Bits of the [`SurfaceForms`] filter: one per value of [`filter_bit`].
const FILTER_BITS: usize = 1 << 16;

/// All surface forms, by their first word, with a bit filter keyed by the
/// first and last byte and the length of a word that rules most text words
/// out before any hashing; and the few forms that start with no word
/// character ("(SBS)"), by their first byte.
#[derive(Debug)]
pub(crate) struct SurfaceForms {
    /// Words of at most eight bytes, keyed by [`short_key`]: one multiply
    /// to hash and one comparison, where most text words are that short.
    short: ShortWords,
    /// Longer words, keyed by bytes: the scan has word boundaries, not char
    /// boundaries checked anew.
    long: FxHashMap<Box<[u8]>, FirstWord>,
    filter: Box<[u64; FILTER_BITS / 64]>,
    /// The forms starting with no word character.
    others: Forms,
    /// Whether some form in `others` starts with this byte.
    other_first: [bool; 256],
}

impl Default for SurfaceForms {
    fn default() -> Self {
        SurfaceForms {
            short: ShortWords::default(),
            long: FxHashMap::default(),
            filter: Box::new([0; FILTER_BITS / 64]),
            others: Forms::default(),
            other_first: [false; 256],
        }
    }
}

/// The entries of words of at most eight bytes by [`short_key`], in an
/// open-addressing table with linear probing: a lookup is a multiply and,
/// mostly, one comparison (a general hash map spent several times that on
/// the third of all text words that pass the filter).
#[derive(Debug)]
struct ShortWords {
    /// `(key, entry)`, key 0 (no word) for an empty slot; a power of two
    /// long, at most half full.
    slots: Vec<(u64, usize)>,
    entries: Vec<FirstWord>,
}

impl Default for ShortWords {
    fn default() -> Self {
        ShortWords {
            slots: vec![(0, 0); 16],
            entries: Vec::new(),
        }
    }
}

impl ShortWords {
    /// The slot of `key`, or the empty slot where it belongs.
    fn slot(&self, key: u64) -> usize {
        let mask = self.slots.len() - 1;
        // the high bits of the product mix all bytes of the key
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & mask;
        while self.slots[i].0 != key && self.slots[i].0 != 0 {
            i = (i + 1) & mask;
        }
        i
    }

    /// The entry of `key` (not 0).
    fn get(&self, key: u64) -> Option<&FirstWord> {
        let (k, e) = self.slots[self.slot(key)];
        (k == key).then(|| &self.entries[e])
    }

    /// The entry of `key` (not 0), added empty if missing.
    fn entry(&mut self, key: u64) -> &mut FirstWord {
        let mut i = self.slot(key);
        if self.slots[i].0 != key {
            if 2 * (self.entries.len() + 1) > self.slots.len() {
                self.grow();
                i = self.slot(key);
            }
            self.slots[i] = (key, self.entries.len());
            self.entries.push(FirstWord::default());
        }
        &mut self.entries[self.slots[i].1]
    }

    /// Doubles the table.
    fn grow(&mut self) {
        let len = 2 * self.slots.len();
        let old = std::mem::replace(&mut self.slots, vec![(0, 0); len]);
        for (k, e) in old.into_iter().filter(|&(k, _)| k != 0) {
            let i = self.slot(k);
            self.slots[i] = (k, e);
        }
    }

    /// Every key with its entry.
    #[cfg(test)]
    fn iter(&self) -> impl Iterator<Item = (u64, &FirstWord)> {
        self.slots
            .iter()
            .filter(|&&(k, _)| k != 0)
            .map(|&(k, e)| (k, &self.entries[e]))
    }
}

/// The first `len` bytes of `rest` as a little-endian number, when `len` is
/// at most eight: distinct for distinct words, as no word holds a zero byte.
fn short_key(rest: &[u8], len: usize) -> Option<u64> {
    if len > 8 {
        return None;
    }
    let mask = u64::MAX.checked_shr(64 - 8 * len as u32).unwrap_or(0);
    let word = match rest.first_chunk::<8>() {
        Some(chunk) => u64::from_le_bytes(*chunk),
        // near the end of the text
        None => {
            let mut buf = [0; 8];
            let n = rest.len().min(8);
            buf[..n].copy_from_slice(&rest[..n]);
            u64::from_le_bytes(buf)
        }
    };
    Some(word & mask)
}

/// The filter bit of a word: the low six bits of its first and of its last
/// byte and the low four of its length, side by side. Not hashed: the
/// multiplies cost more per text word than the few more words that pass.
fn filter_bit(w: &[u8]) -> usize {
    let first = w.first().copied().unwrap_or(0);
    let last = w.last().copied().unwrap_or(0);
    filter_bit_of(first, last, w.len())
}

/// [`filter_bit`] of a word of `len` bytes from its `first` and `last`.
#[inline]
fn filter_bit_of(first: u8, last: u8, len: usize) -> usize {
    usize::from(first & 0x3f) << 10 | usize::from(last & 0x3f) << 4 | (len & 0xf)
}

impl SurfaceForms {
    /// Adds surface form `pattern`, number `pat`.
    pub(crate) fn add(&mut self, pattern: &str, pat: usize) {
        let w = first_word(pattern);
        if w.is_empty() {
            if let Some(&b) = pattern.as_bytes().first() {
                self.other_first[usize::from(b)] = true;
                self.others.add(pattern.as_bytes(), pat);
            }
            return;
        }
        let bit = filter_bit(w.as_bytes());
        self.filter[bit / 64] |= 1 << (bit % 64);
        let e = match short_key(w.as_bytes(), w.len()) {
            Some(key) => self.short.entry(key),
            None => self.long.entry(w.as_bytes().into()).or_default(),
        };
        if w.len() == pattern.len() {
            e.alone = Some(pat);
        } else {
            e.add_longer(w.len(), two_words(pattern), pattern, pat);
        }
    }

    /// Whether some form may start with a word of `len` bytes from `first`
    /// to `last`: most text words are ruled out here, without a lookup.
    #[inline]
    fn may_start(&self, first: u8, last: u8, len: usize) -> bool {
        let bit = filter_bit_of(first, last, len);
        self.filter[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// The entry of the text word of `len` bytes that `rest` starts with.
    fn get(&self, rest: &[u8], len: usize) -> Option<&FirstWord> {
        let w = rest.get(..len)?;
        if !self.may_start(w.first().copied()?, w.last().copied()?, len) {
            return None;
        }
        self.get_unfiltered(rest, len)
    }

    /// [`SurfaceForms::get`] for a word that passed
    /// [`SurfaceForms::may_start`].
    fn get_unfiltered(&self, rest: &[u8], len: usize) -> Option<&FirstWord> {
        let w = rest.get(..len)?;
        match short_key(rest, len) {
            Some(key) => self.short.get(key),
            None => self.long.get(w),
        }
    }

    /// Every form with its pattern number.
    #[cfg(test)]
    fn all(&self) -> Vec<(Vec<u8>, usize)> {
        let shorts = self.short.iter().map(|(k, e)| {
            let w: Vec<u8> = k.to_le_bytes().into_iter().filter(|&b| b != 0).collect();
            (w, e)
        });
        let longs = self.long.iter().map(|(w, e)| (w.to_vec(), e));
        let mut all: Vec<(Vec<u8>, usize)> = self
            .others
            .0
            .iter()
            .map(|(f, p)| (f.to_vec(), *p))
            .collect();
        for (w, e) in shorts.chain(longs) {
            all.extend(e.alone.map(|p| (w.clone(), p)));
            for l in &e.longer {
                all.extend(l.forms.0.iter().map(|(f, p)| (f.to_vec(), *p)));
            }
        }
        all
    }

    /// The longest form starting with no word character that `rest` starts
    /// with: its length and pattern.
    fn other_at(&self, rest: &[u8]) -> Option<(usize, usize)> {
        let &b = rest.first()?;
        if !self.other_first[usize::from(b)] {
            return None;
        }
        self.others.longest(rest)
    }
}

/// All whole-word matches, leftmost-longest, non-overlapping.
///
/// A whole-word match can only start where no word character precedes, and
/// its first word must then be the whole text word there: a surface form
/// whose first word is only a prefix of the text word fails the boundary
/// test, and is shorter than any form whose first word is the text word. So
/// only words that start some surface form are looked at, and the forms
/// that go on after the word only when the text starts with their first two
/// words, instead of searching with an automaton and restarting after every
/// match inside a word ("he" in "the"). At such a start the longest surface
/// form counts, and only if it also ends at a word boundary: exactly the
/// tokens that a leftmost-longest search skipping matches that fail the
/// boundary test finds.
///
/// The text is classified 64 bytes at a time into a mask of word bytes, and
/// the positions no word byte precedes are visited in that mask; a word
/// that runs past the ASCII bytes of the block is left to [`scan_at`], the
/// scan one position at a time.
fn scan(kb: &Kb, text: &str) -> Vec<Tok> {
    let bytes = text.as_bytes();
    // about one token every 40 bytes of prose
    let mut toks = Vec::with_capacity(text.len() / 32);
    // `pos` follows no word character
    let mut pos = 0;
    while pos < bytes.len() {
        pos = match bytes.get(pos..).and_then(<[u8]>::first_chunk::<64>) {
            Some(chunk) => scan_block(kb, text, pos, chunk, &mut toks),
            None => scan_at(kb, text, pos, &mut toks),
        };
    }
    toks
}

/// [`scan`] without the blocks: one position at a time, the reference
/// that the scan by blocks must agree with.
#[cfg(test)]
fn scan_by_positions(kb: &Kb, text: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        pos = scan_at(kb, text, pos, &mut toks);
    }
    toks
}

/// The tokens of [`scan`] that start in the ASCII bytes of `block`, the 64
/// bytes of `text` from `base` (which no word character precedes), pushed
/// to `toks`; returns the next position no word character precedes.
fn scan_block(kb: &Kb, text: &str, base: usize, chunk: &[u8; 64], toks: &mut Vec<Tok>) -> usize {
    let block = Block::of(chunk);
    let ascii = block.ascii as usize;
    let Some(classified) = u64::MAX.checked_shr(64 - block.ascii) else {
        // not one byte is ASCII
        return scan_at(kb, text, base, toks);
    };
    let word = block.word & classified;
    // the positions that no word byte precedes, from the first unscanned
    let mut starts = !(word << 1) & classified;
    let mut next = 0;
    while starts != 0 {
        let at = starts.trailing_zeros() as usize;
        starts &= starts - 1;
        let tok = if word >> at & 1 == 0 {
            other_token(kb, text, base + at)
        } else {
            let ends = !word & classified & (u64::MAX << at);
            if ends == 0 {
                // The word runs past the classified bytes: into the next
                // block, unless it fills this one or meets a non-ASCII
                // character, which might be a letter.
                return if at > 0 && ascii == 64 {
                    base + at
                } else {
                    scan_at(kb, text, base + at, toks)
                };
            }
            let end = ends.trailing_zeros() as usize;
            // the filter first, here: most words fail it
            // (`end - 1 < 63`: the modulo only spares a bounds check)
            let (first, last) = (chunk[at], chunk[(end - 1) % 64]);
            if !kb.forms.may_start(first, last, end - at) {
                continue;
            }
            filtered_word_token(kb, text, base + at, base + end)
        };
        if let Some(t) = tok {
            toks.push(t);
            next = next_start(text, t.end) - base;
            starts &= u64::MAX.checked_shl(next as u32).unwrap_or(0);
        }
    }
    // Past the last token, no word runs up to the unclassified bytes (it
    // would have been left to `scan_at`), so they follow no word character.
    base + next.max(ascii)
}

/// One step of [`scan`] at `pos`, which no word character precedes: the
/// token starting there, if any, pushed to `toks`; returns the next
/// position no word character precedes.
fn scan_at(kb: &Kb, text: &str, pos: usize, toks: &mut Vec<Tok>) -> usize {
    let bytes = text.as_bytes();
    let Some(&b) = bytes.get(pos) else {
        return text.len();
    };
    let (word, len) = if ASCII_WORD[usize::from(b)] {
        (true, 1)
    } else if b.is_ascii() {
        (false, 1)
    } else {
        char_at(text, pos).map_or((false, 1), |(c, len)| (is_word(c), len))
    };
    if !word {
        // a non-word character: only a form starting with it can start here
        return match other_token(kb, text, pos) {
            Some(t) => {
                toks.push(t);
                next_start(text, t.end)
            }
            None => pos + len,
        };
    }
    let end = word_end(text, pos + len);
    match word_token(kb, text, pos, end) {
        Some(t) => {
            toks.push(t);
            next_start(text, t.end)
        }
        // no match can start inside the word, nor right after it
        None => end + char_at(text, end).map_or(0, |(_, len)| len),
    }
}

/// The token starting at `pos` with a form that starts with no word
/// character.
#[inline]
fn other_token(kb: &Kb, text: &str, pos: usize) -> Option<Tok> {
    let rest = text.as_bytes().get(pos..)?;
    let (len, pat) = kb.forms.other_at(rest)?;
    whole(text, pos, pos + len, pat)
}

/// The first position from `end` that no word character precedes, where
/// `end` is followed by no word character (the end of a token).
fn next_start(text: &str, end: usize) -> usize {
    if !word_before_end(text, end) {
        return end;
    }
    end + char_at(text, end).map_or(0, |(_, len)| len)
}

/// The token starting with the word `[pos, end)`: the longest surface form
/// starting there, if it ends at a word boundary.
fn word_token(kb: &Kb, text: &str, pos: usize, end: usize) -> Option<Tok> {
    let rest = text.as_bytes().get(pos..)?;
    let first = kb.forms.get(rest, end - pos)?;
    first_word_token(first, text, pos, end)
}

/// [`word_token`] for a word that passed [`SurfaceForms::may_start`]: the
/// scan by blocks tests that first, and most words fail it.
fn filtered_word_token(kb: &Kb, text: &str, pos: usize, end: usize) -> Option<Tok> {
    let rest = text.as_bytes().get(pos..)?;
    let first = kb.forms.get_unfiltered(rest, end - pos)?;
    first_word_token(first, text, pos, end)
}

/// The token starting with the word `[pos, end)` whose entry is `first`.
#[inline]
fn first_word_token(first: &FirstWord, text: &str, pos: usize, end: usize) -> Option<Tok> {
    let rest = text.as_bytes().get(pos..)?;
    if let Some((len, pat)) = first.longest(rest, end - pos) {
        return whole(text, pos, pos + len, pat);
    }
    // the word alone ends at a word boundary
    first.alone.map(|pat| Tok {
        start: pos,
        end,
        pat,
    })
}

/// Whether the character ending at byte `end` of `text` is a word character.
#[inline]
fn word_before_end(text: &str, end: usize) -> bool {
    match end.checked_sub(1).and_then(|i| text.as_bytes().get(i)) {
        None => return false,
        Some(b) if b.is_ascii() => return b.is_ascii_alphanumeric(),
        Some(_) => {}
    }
    text.get(..end)
        .and_then(|s| s.chars().next_back())
        .is_some_and(is_word)
}

/// The token `[start, end)` of pattern `pat`, if no word character
/// follows.
fn whole(text: &str, start: usize, end: usize, pat: usize) -> Option<Tok> {
    let after = text.get(end..).and_then(|s| s.chars().next());
    (!after.is_some_and(is_word)).then_some(Tok { start, end, pat })
}

/// The length of the first of `suffixes` that `rest` starts with as a
/// whole word (no letter or digit follows). Only the suffixes that start
/// with the first byte of `rest` are compared: a comparison of each cost a
/// `memcmp` call per suffix.
fn suffix_len(rest: &str, suffixes: &[String]) -> Option<usize> {
    let first = rest.as_bytes().first()?;
    suffixes
        .iter()
        .filter(|w| w.as_bytes().first() == Some(first))
        .find(|w| {
            rest.strip_prefix(w.as_str())
                .is_some_and(|after| !after.chars().next().is_some_and(char::is_alphanumeric))
        })
        .map(|w| w.len())
}

/// `text[a..b]` is a short run of spaces (no line break).
fn gap_space(text: &str, a: usize, b: usize) -> bool {
    b > a
        && b - a <= 3
        && text
            .get(a..b)
            .is_some_and(|g| g.bytes().all(|c| c == b' ' || c == b'\t'))
}

/// `text[a..b]` is `'s ` / `’s ` / `' ` (a possessive) followed by spaces.
fn gap_possessive(text: &str, a: usize, b: usize) -> bool {
    let Some(g) = text.get(a..b) else {
        return false;
    };
    let rest = g
        .strip_prefix("'s")
        .or_else(|| g.strip_prefix("’s"))
        .or_else(|| g.strip_prefix('\''))
        .or_else(|| g.strip_prefix('’'));
    rest.is_some_and(|r| !r.is_empty() && r.len() <= 3 && r.bytes().all(|c| c == b' '))
}

/// `text[a..b]` is ` of ` or ` of the `.
fn gap_of(text: &str, a: usize, b: usize) -> bool {
    matches!(text.get(a..b), Some(" of " | " of the "))
}

/// `text[a..b]` is ` in ` or ` in the `.
fn gap_in(text: &str, a: usize, b: usize) -> bool {
    matches!(text.get(a..b), Some(" in " | " in the "))
}

/// Separator between a title and a name: spaces, or a comma and a space.
fn gap_name(text: &str, a: usize, b: usize) -> bool {
    gap_space(text, a, b) || matches!(text.get(a..b), Some(", " | ",  "))
}

fn preceded_by_the(text: &str, start: usize) -> bool {
    text.get(..start)
        .is_some_and(|s| s.ends_with("the ") || s.ends_with("The "))
}

/// `the country's ` / `the country’s ` right before `start`.
fn preceded_by_country(text: &str, start: usize) -> bool {
    text.get(..start)
        .is_some_and(|s| s.ends_with("country's ") || s.ends_with("country’s "))
}

/// Start of the anaphora window for a reference at `at`: the line start, at
/// most [`ANAPHORA_WINDOW`] bytes back.
fn window_start(text: &str, at: usize) -> usize {
    let lo = at.saturating_sub(ANAPHORA_WINDOW);
    let line = text
        .as_bytes()
        .get(lo..at)
        .and_then(|s| memchr::memrchr(b'\n', s))
        .map(|p| lo + p + 1)
        .unwrap_or(lo);
    line.max(lo)
}

/// The word right before `start`, separated from it by exactly one space:
/// `[a, b)`. Words hold letters, digits, hyphens and apostrophes.
fn word_before(text: &str, start: usize) -> Option<(usize, usize)> {
    let s = text.get(..start)?.strip_suffix(' ')?;
    let b = s.len();
    let a = s
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c) || c == '-' || c == '\'' || c == '’')
        .last()
        .map(|(i, _)| i)?;
    Some((a, b))
}

/// The word right after `end`, separated from it by exactly one space.
fn word_after(text: &str, end: usize) -> Option<(usize, usize)> {
    let s = text.get(end..)?.strip_prefix(' ')?;
    let a = end + 1;
    let n = s
        .char_indices()
        .find(|&(_, c)| !(is_word(c) || c == '-'))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    (n > 0).then_some((a, a + n))
}

/// Whether most words around `[start, end)` (three each side) are
/// capitalised: a Title Case headline or title, where a capitalised
/// neighbour says nothing about names ("Turkey Vows Support for Azerbaijan").
fn title_case_around(text: &str, start: usize, end: usize) -> bool {
    let lo = floor_boundary(text, start.saturating_sub(80));
    let hi = ceil_boundary(text, (end + 80).min(text.len()));
    // the last three words before and the first three after, without
    // collecting them; by bytes where the text is ASCII, as it mostly is
    let before = text.get(lo..start).unwrap_or("");
    let before = if before.is_ascii() {
        ascii_last_capitalised(before.as_bytes())
    } else {
        capitalised_count(capitalised_words(before).rev())
    };
    if before == 0 {
        // three words after make three at most
        return false;
    }
    let after = text.get(end..hi).unwrap_or("");
    let after = if after.is_ascii() {
        ascii_first_capitalised(after.as_bytes())
    } else {
        capitalised_count(capitalised_words(after))
    };
    before + after >= 4
}

/// How many of the first three `words` are capitalised.
fn capitalised_count(words: impl Iterator<Item = bool>) -> usize {
    words.take(3).filter(|&c| c).count()
}

/// For each word of `s`, whether it is capitalised; words without letters
/// and possessive endings do not count.
fn capitalised_words(s: &str) -> impl DoubleEndedIterator<Item = bool> + '_ {
    s.split(|c: char| !(is_word(c) || c == '-'))
        .filter(|w| w.chars().any(char::is_alphabetic) && *w != "s")
        .map(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// [`capitalised_count`] of the first three [`capitalised_words`] of ASCII
/// text, in one pass over the bytes of those words (iterator adapters made
/// this a few hundred instructions for every ambiguous name).
fn ascii_first_capitalised(s: &[u8]) -> usize {
    let (mut seen, mut capitalised, mut i) = (0, 0, 0);
    while i < s.len() && seen < 3 {
        let (start, mut letters) = (i, false);
        while i < s.len() && is_ascii_word_byte(s[i]) {
            letters |= s[i].is_ascii_alphabetic();
            i += 1;
        }
        if letters && &s[start..i] != b"s" {
            seen += 1;
            capitalised += usize::from(s[start].is_ascii_uppercase());
        }
        i += 1; // the separator
    }
    capitalised
}

/// [`ascii_first_capitalised`] of the last three words, from the end.
fn ascii_last_capitalised(s: &[u8]) -> usize {
    let (mut seen, mut capitalised, mut i) = (0, 0, s.len());
    while i > 0 && seen < 3 {
        let (end, mut letters) = (i, false);
        while i > 0 && is_ascii_word_byte(s[i - 1]) {
            i -= 1;
            letters |= s[i].is_ascii_alphabetic();
        }
        if letters && &s[i..end] != b"s" {
            seen += 1;
            capitalised += usize::from(s[i].is_ascii_uppercase());
        }
        i = i.saturating_sub(1); // the separator
    }
    capitalised
}

/// Whether an ASCII byte belongs to a word, as [`capitalised_words`] splits
/// them.
#[inline]
fn is_ascii_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Two spellings of one given name: equal, or (for names of four letters
/// or more) the same initial and at most two letters apart.
fn same_name(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() < 4 || b.len() < 4 || a[0] != b[0] || a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    // Levenshtein distance, two rows
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()] <= 2
}

/// What one surface form can be, each kind's first meaning found once
/// when the knowledge base is built rather than searched for among the
/// form's meanings by every question the composition asks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Kinds {
    role: Option<usize>,
    /// The position of the first [`Pat::Actor`] among the meanings.
    actor: Option<usize>,
    adj: Option<usize>,
    people: Option<usize>,
    place: Option<usize>,
    anaphor: Option<Anaphor>,
    person: bool,
    /// The form is a name of `ambiguous_names` (see [`Kb::kinds`]).
    ambiguous: bool,
    /// The form is a name of `common_word_names`: an English word too.
    common_word: bool,
}

impl Kinds {
    /// No kind at all.
    const NONE: Kinds = Kinds {
        role: None,
        actor: None,
        adj: None,
        people: None,
        place: None,
        anaphor: None,
        person: false,
        ambiguous: false,
        common_word: false,
    };

    /// These kinds, for a form that is (or is not) a common English word
    /// as well as a name (`common_word_names`).
    pub(crate) fn with_common_word(self, common_word: bool) -> Kinds {
        Kinds {
            common_word,
            ..self
        }
    }

    /// The kinds of a form with meanings `pats`, `ambiguous` or not.
    pub(crate) fn of(pats: &[Pat], ambiguous: bool) -> Kinds {
        let mut k = Kinds {
            ambiguous,
            ..Kinds::NONE
        };
        for (at, p) in pats.iter().enumerate() {
            match *p {
                Pat::Role { role } => k.role = k.role.or(Some(role)),
                Pat::Actor { .. } => k.actor = k.actor.or(Some(at)),
                Pat::Adj { actor } => k.adj = k.adj.or(Some(actor)),
                Pat::People { actor } => k.people = k.people.or(Some(actor)),
                Pat::Place { place } => k.place = k.place.or(Some(place)),
                Pat::Anaphor(a) => k.anaphor = k.anaphor.or(Some(a)),
                Pat::Person { .. } => k.person = true,
            }
        }
        k
    }
}

/// Up to three role ids ("Foreign Ministry spokesman"), kept in place: a
/// role chain is looked for after most subjects, and mostly found empty.
#[derive(Clone, Copy, Debug, Default)]
struct Roles {
    ids: [usize; Roles::MAX],
    len: usize,
}

impl Roles {
    const MAX: usize = 3;

    /// Adds `role`; no more than [`Roles::MAX`] are kept.
    fn push(&mut self, role: usize) {
        if let Some(slot) = self.ids.get_mut(self.len) {
            *slot = role;
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[usize] {
        self.ids.get(..self.len).unwrap_or_default()
    }

    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

struct Ctx<'a> {
    kb: &'a Kb,
    text: &'a str,
    toks: Vec<Tok>,
    /// The token [`Ctx::step`] composes a mention from: every mention
    /// starts with it, and only it can be all of a mention.
    first: usize,
    date_at: &'a dyn Fn(usize) -> Option<String>,
    out: Vec<Mention>,
}

impl<'a> Ctx<'a> {
    fn pats(&self, i: usize) -> &[Pat] {
        self.toks
            .get(i)
            .and_then(|t| self.kb.pats.get(t.pat))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The kinds of token `i` (none past the last token).
    fn kinds(&self, i: usize) -> &'a Kinds {
        self.toks
            .get(i)
            .and_then(|t| self.kb.kinds.get(t.pat))
            .unwrap_or(&Kinds::NONE)
    }

    fn role(&self, i: usize) -> Option<usize> {
        self.kinds(i).role
    }

    fn actor_name(&self, i: usize) -> Option<(usize, Option<&KbStr>, bool)> {
        match self.pats(i).get(self.kinds(i).actor?)? {
            Pat::Actor {
                actor,
                sector,
                institution,
            } => Some((*actor, sector.as_ref(), *institution)),
            _ => None,
        }
    }

    fn adj(&self, i: usize) -> Option<usize> {
        self.kinds(i).adj
    }

    fn place(&self, i: usize) -> Option<usize> {
        self.kinds(i).place
    }

    fn has_person(&self, i: usize) -> bool {
        self.kinds(i).person
    }

    fn persons(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.pats(i).iter().filter_map(|p| match p {
            Pat::Person { person } => Some(*person),
            _ => None,
        })
    }

    fn when(&self, at: usize) -> When {
        (self.date_at)(at).and_then(|d| date_interval(&d))
    }

    /// `[a, b)` is a capitalised word that no surface form of the knowledge
    /// base covers and that is not a stopword: part of a name we do not know.
    fn unknown_capitalised(&self, a: usize, b: usize) -> bool {
        let Some(w) = self.text.get(a..b) else {
            return false;
        };
        let w = w
            .strip_suffix("'s")
            .or_else(|| w.strip_suffix("’s"))
            .unwrap_or(w);
        let known = self
            .toks
            .get(self.toks.partition_point(|t| t.end <= a))
            .is_some_and(|t| t.start < b);
        w.chars().next().is_some_and(char::is_uppercase)
            && !self.kb.cand.is_stopword(w)
            && !self.kb.cand.is_person_title(w)
            && !known
    }

    /// An ambiguous name ("Jordan", "Chad", "Georgia", "Paris") that is part
    /// of a longer unknown name: "Michael Jordan", "Chad Smith", "Georgia
    /// Tech", "Niger Delta", "Paris Hilton".
    #[inline]
    fn inside_unknown_name(&self, i: usize) -> bool {
        // the token's text is its surface form; few are ambiguous
        self.kinds(i).ambiguous && self.ambiguous_inside_unknown_name(i)
    }

    /// Whether the name at token `i`, of `common_word_names`, opens its
    /// sentence and a lower-case word follows: "Time is running out" is
    /// the word (its capital says only where the sentence starts), "Time
    /// magazine" a longer name, and "according to Time" the magazine.
    fn opens_sentence_as_word(&self, i: usize) -> bool {
        let Some(t) = self.toks.get(i) else {
            return false;
        };
        let before = self.text.get(..t.start).unwrap_or("").trim_end_matches(' ');
        let opens =
            before.is_empty() || before.ends_with(['.', '!', '?', '\n', '"', '\u{201c}', ':']);
        let next_lower = self.text.get(t.end..).is_some_and(|rest| {
            rest.strip_prefix(' ')
                .and_then(|r| r.chars().next())
                .is_some_and(char::is_lowercase)
        });
        opens && next_lower
    }

    /// [`Ctx::inside_unknown_name`] for a token whose form is ambiguous.
    fn ambiguous_inside_unknown_name(&self, i: usize) -> bool {
        let Some(t) = self.toks.get(i).copied() else {
            return false;
        };
        // "Tartar District" is the place Tartar; "Jordan River" is not Jordan
        let suffix = |(a, b): (usize, usize)| {
            self.place(i).is_some()
                && self
                    .text
                    .get(a..b)
                    .is_some_and(|w| self.kb.place_suffixes.iter().any(|s| s == w))
        };
        let unknown_neighbour = word_before(self.text, t.start)
            .is_some_and(|(a, b)| self.unknown_capitalised(a, b))
            || word_after(self.text, t.end)
                .is_some_and(|w| !suffix(w) && self.unknown_capitalised(w.0, w.1));
        // the neighbours first: the words around are read only for a name
        // that has an unknown capitalised one
        unknown_neighbour && !title_case_around(self.text, t.start, t.end)
    }

    /// A one-word surname after an unknown capitalised word that is no part
    /// of any candidate's name: another person of that family ("Hunter
    /// Biden", "Ivanka Trump", "Hafez al-Assad").
    fn other_bearer_of_surname(&self, i: usize) -> bool {
        let Some(t) = self.toks.get(i) else {
            return false;
        };
        let surface = self.text.get(t.start..t.end).unwrap_or("");
        if surface.contains(' ') {
            return false;
        }
        let Some((a, b)) = word_before(self.text, t.start) else {
            return false;
        };
        if !self.unknown_capitalised(a, b) {
            return false;
        }
        // the given name, or a patronymic after it ("Bako Sahaki Sahakyan"),
        // in any transliteration ("Hikmat"/"Hikmet", "Vyacheslav"/"Viacheslav")
        let mut given = vec![&self.text[a..b]];
        if let Some((a2, b2)) = word_before(self.text, a) {
            given.push(&self.text[a2..b2]);
        }
        !self.persons(i).any(|p| {
            self.kb.persons.get(p).is_some_and(|p| {
                std::iter::once(p.name.as_str())
                    .chain(p.aliases.iter().map(String::as_str))
                    .flat_map(|n| n.split_whitespace())
                    .any(|w| given.iter().any(|g| same_name(w, g)))
            })
        })
    }

    /// `text[start..end]`, a mention's text: lent from the knowledge base
    /// when the span is one token, whose text is its surface form byte for
    /// byte (the scan matches forms exactly); else copied.
    fn mention_text(&self, start: usize, end: usize) -> KbStr {
        match self.toks.get(self.first) {
            Some(t) if t.start == start && t.end == end => self.kb.surface[t.pat].clone(),
            _ => KbStr::from(self.text.get(start..end).unwrap_or("").to_string()),
        }
    }

    /// The best (person, tenure) among the candidates for a name.
    fn resolve_person(
        &self,
        tok: usize,
        country: Option<&str>,
        office: Option<&str>,
        when: &When,
    ) -> Option<(usize, usize)> {
        let mut best: Option<(i32, usize, usize)> = None;
        for p in self.persons(tok) {
            let Some(person) = self.kb.persons.get(p) else {
                continue;
            };
            for (ti, t) in person.tenures.iter().enumerate() {
                let mut score = 0;
                if let Some(w) = when {
                    if tenure_covers(&t.from, &t.to, w) {
                        score += 4;
                    }
                }
                if country == Some(t.country.as_str()) {
                    score += 2;
                }
                if office == Some(t.office.as_str()) {
                    score += 1;
                }
                if !matches!(best, Some((s, _, _)) if score <= s) {
                    best = Some((score, p, ti));
                }
            }
        }
        best.map(|(_, p, t)| (p, t))
    }

    /// The holder of `office` for `country` at the date: the only person
    /// whose tenure covers it, or, when several do (an open-ended tenure
    /// not yet closed in the data), the one appointed last if the whole date
    /// falls after that appointment.
    fn resolve_office(
        &self,
        country: &str,
        office: &str,
        sector: Option<&str>,
        when: &When,
    ) -> Option<(usize, usize)> {
        let w = when.as_ref()?;
        let mut found: Vec<(usize, usize)> = Vec::new();
        let holders = self.kb.offices.get(country).and_then(|o| o.get(office));
        for &(pi, ti) in holders.map(Vec::as_slice).unwrap_or(&[]) {
            let Some(t) = self.kb.persons.get(pi).and_then(|p| p.tenures.get(ti)) else {
                continue;
            };
            if (sector.is_none() || sector == Some(t.sector.as_str()))
                && tenure_covers(&t.from, &t.to, w)
            {
                found.push((pi, ti));
            }
        }
        let first = *found.first()?;
        if found.iter().all(|&(p, _)| p == first.0) {
            return Some(first);
        }
        let from = |&(p, t): &(usize, usize)| self.kb.persons[p].tenures[t].from.as_str();
        let latest = *found.iter().max_by(|a, b| from(a).cmp(from(b)))?;
        let latest_from = from(&latest);
        let unique = found
            .iter()
            .filter(|&&x| from(&x) == latest_from)
            .all(|&(p, _)| p == latest.0);
        (unique && !latest_from.is_empty() && w.0[..] >= *latest_from.as_bytes()).then_some(latest)
    }

    /// The entity for a person acting in a tenure.
    fn person_entity(&self, p: usize, t: usize) -> Option<(EntityRef, PersonRef)> {
        let person = self.kb.persons.get(p)?;
        let ten = person.tenures.get(t)?;
        let pref = PersonRef {
            id: person.id.clone(),
            name: person.name.clone(),
        };
        if ten.sector == "PER" {
            return Some((
                EntityRef {
                    id: "PER".into(),
                    kind: "person".into(),
                    name: person.name.clone(),
                    country: Some(ten.country.clone()),
                    sector: Some("PER".into()),
                    lat: None,
                    lon: None,
                },
                pref,
            ));
        }
        let country = self
            .kb
            .actor_ix
            .get(ten.country.as_str())
            .and_then(|&a| self.kb.actors.get(a))
            .and_then(|a| a.country.clone())
            .unwrap_or_else(|| ten.country.clone());
        Some((
            EntityRef {
                id: ten.country.clone(),
                kind: "person".into(),
                name: person.name.clone(),
                country: Some(country),
                sector: Some(ten.sector.clone()),
                lat: None,
                lon: None,
            },
            pref,
        ))
    }

    #[inline(always)]
    fn push(
        &mut self,
        start: usize,
        end: usize,
        entity: EntityRef,
        person: Option<PersonRef>,
        metonym_of: Option<KbStr>,
    ) {
        let text = self.mention_text(start, end);
        self.out.push(Mention {
            start,
            end,
            text,
            entity,
            person,
            metonym_of,
        });
    }

    /// Emits an actor mention composed of a subject actor, role tokens and
    /// an optional person token. `people_of` says whether a community role
    /// makes the mention the state's community: after the state's adjective
    /// ("Azerbaijani demonstrators") or located in it ("protesters in
    /// Baku"), not "the Udi community of Azerbaijan" or "the diaspora".
    fn emit_composed(
        &mut self,
        start: usize,
        end: usize,
        actor: usize,
        roles: &[usize],
        person_tok: Option<usize>,
        people_of: bool,
    ) {
        // borrowed from the knowledge base, not from `self`
        let kb = self.kb;
        let Some(a) = kb.actors.get(actor) else {
            return;
        };
        // borrowed: most are not part of the mention
        let first_sector = roles
            .first()
            .and_then(|&r| kb.roles.get(r))
            .map(|r| &r.sector);
        let office = roles
            .iter()
            .rev()
            .find_map(|&r| kb.roles.get(r).and_then(|r| r.office.as_deref()));
        // The date only picks a person: most composed mentions name none.
        let when = if person_tok.is_some() || office.is_some() {
            self.when(start)
        } else {
            None
        };
        let institutional = matches!(
            a.sector.as_deref(),
            Some("IGO" | "NGO" | "ETH" | "MED" | "LEG")
        ) && a.kind != "state"
            && a.kind != "unrecognised";
        if let Some(pt) = person_tok {
            if let Some((p, t)) = self.resolve_person(pt, Some(&a.id), office, &when) {
                if let Some((mut e, pr)) = self.person_entity(p, t) {
                    // The text names the actor: trust it when the person's
                    // office there is not known.
                    if e.id != a.id && e.id != "PER" {
                        e.id = a.id.clone();
                        e.country = a.country.clone();
                        e.sector = if institutional {
                            a.sector.clone()
                        } else {
                            first_sector.cloned().or(e.sector)
                        };
                    }
                    self.push(start, end, e, Some(pr), None);
                    return;
                }
            }
        }
        let sector = if institutional {
            a.sector.as_ref()
        } else {
            first_sector.or(a.sector.as_ref())
        };
        // People of a state's community ("Azerbaijani demonstrators",
        // "protesters in Baku") are that community.
        if people_of && sector.is_some_and(|s| s == "ETH") && office.is_none() {
            if let Some(c) = kb.community_of.get(&actor).and_then(|&c| kb.actors.get(c)) {
                self.push(start, end, c.clone(), None, None);
                return;
            }
        }
        // the office holder, of whom only the name counts here
        let holder = office
            .and_then(|o| self.resolve_office(&a.id, o, None, &when))
            .and_then(|(p, t)| {
                let person = kb.persons.get(p)?;
                person.tenures.get(t)?;
                Some(person)
            });
        let kind = match (holder, roles.is_empty()) {
            (Some(_), _) => KbStr::lent("person"),
            (None, false) => KbStr::lent("org"),
            (None, true) => a.kind.clone(),
        };
        let (name, person) = match holder {
            Some(p) => (
                p.name.clone(),
                Some(PersonRef {
                    id: p.id.clone(),
                    name: p.name.clone(),
                }),
            ),
            None => (a.name.clone(), None),
        };
        let e = EntityRef {
            id: a.id.clone(),
            kind,
            name,
            country: a.country.clone(),
            sector: sector.cloned(),
            lat: None,
            lon: None,
        };
        self.push(start, end, e, person, None);
    }

    /// Roles following token `j` separated by spaces: returns the role ids
    /// and the index after the last one.
    fn role_chain(
        &self,
        mut j: usize,
        mut end: usize,
        possessive_ok: bool,
    ) -> (Roles, usize, usize) {
        let mut roles = Roles::default();
        while roles.len() < Roles::MAX {
            let Some(t) = self.toks.get(j) else { break };
            let Some(r) = self.role(j) else { break };
            let sep_ok = gap_space(self.text, end, t.start)
                || (roles.is_empty() && possessive_ok && gap_possessive(self.text, end, t.start));
            if !sep_ok {
                break;
            }
            roles.push(r);
            end = t.end;
            j += 1;
        }
        (roles, j, end)
    }

    /// For a subject at `i` followed by ", X" / " and X" / " or X" subjects
    /// (up to four), the roles that follow the last of them.
    fn coordinated_roles(&self, i: usize) -> Option<Roles> {
        for k in i..i + 4 {
            let cur = self.toks.get(k)?;
            let next = self.toks.get(k + 1)?;
            let gap = self.text.get(cur.end..next.start)?;
            if !matches!(gap, ", " | " and " | ", and " | " or " | " & ") {
                return None;
            }
            let subject_like =
                self.adj(k + 1).is_some() || matches!(self.actor_name(k + 1), Some((_, _, false)));
            if !subject_like {
                return None;
            }
            let (roles, _, _) = self.role_chain(k + 2, next.end, true);
            if !roles.is_empty() {
                return Some(roles);
            }
        }
        None
    }

    /// The last earlier mention (same paragraph) satisfying `f`.
    fn antecedent(&self, at: usize, f: impl Fn(&Mention) -> bool) -> Option<Mention> {
        let lo = window_start(self.text, at);
        self.out
            .iter()
            .rev()
            .take_while(|m| m.start >= lo)
            .find(|m| f(m))
            .cloned()
    }

    fn is_state_like(&self, m: &Mention) -> bool {
        if m.entity.kind == "place" || m.entity.id == "PER" {
            return false;
        }
        self.kb
            .actor_ix
            .get(m.entity.id.as_str())
            .and_then(|&a| self.kb.actors.get(a))
            .is_some_and(|a| a.kind == "state" || a.kind == "unrecognised")
    }

    /// Composes the mention starting at token `i`; returns tokens consumed.
    fn step(&mut self, i: usize) -> usize {
        let Some(t) = self.toks.get(i).copied() else {
            return 1;
        };
        self.first = i;
        // the kinds of this token, looked up once
        let k = self.kinds(i);
        // 0. An ambiguous name inside a longer unknown name is no mention,
        //    nor a name that is a common word opening a sentence.
        if self.inside_unknown_name(i) || (k.common_word && self.opens_sentence_as_word(i)) {
            return 1;
        }
        // 1. Title first: "President of Azerbaijan Ilham Aliyev",
        //    "Minister of Foreign Affairs of Russia, Sergey Lavrov",
        //    "Prime Minister Nikol Pashinyan", "the armed forces of Armenia".
        if let Some(role) = k.role {
            // "the country's Security Council": the last state named.
            if preceded_by_country(self.text, t.start) {
                if let Some(m) = self.antecedent(t.start, |m| self.is_state_like(m)) {
                    if let Some(&a) = self.kb.actor_ix.get(m.entity.id.as_str()) {
                        self.emit_composed(t.start, t.end, a, &[role], None, false);
                        return 1;
                    }
                }
            }
            let mut j = i + 1;
            let mut end = t.end;
            let mut actor = None;
            let mut located = false;
            if let Some(n) = self.toks.get(j).copied() {
                if gap_of(self.text, end, n.start) {
                    if let Some((a, _, false)) = self.actor_name(j) {
                        actor = Some(a);
                    } else if let Some(a) = self.adj(j).filter(|_| !self.has_person(j)) {
                        // "Ministry of Defence of Artsakh"
                        if self.place(j).is_none() {
                            actor = Some(a);
                        }
                    }
                    if actor.is_some() {
                        end = n.end;
                        j += 1;
                    }
                } else if gap_in(self.text, end, n.start)
                    && self.kb.roles.get(role).is_some_and(|r| r.located)
                {
                    // "rebels in the Ivory Coast", "security forces in
                    // Guinea": a state's own, when no other is named first.
                    // A capital names its state here ("security forces in
                    // Baku", "separatist authorities in Stepanakert").
                    let named = match self.actor_name(j) {
                        Some((a, _, false)) => Some(a),
                        Some(_) => None,
                        None => self
                            .place(j)
                            .and_then(|p| self.kb.places[p].metonym_of.as_ref())
                            .and_then(|state| self.kb.actor_ix.get(state.as_str()).copied()),
                    };
                    if let Some(a) = named.filter(|_| !self.inside_unknown_name(j)) {
                        if self
                            .kb
                            .actors
                            .get(a)
                            .is_some_and(|x| matches!(x.kind.as_str(), "state" | "unrecognised"))
                        {
                            actor = Some(a);
                            located = true;
                            end = n.end;
                            j += 1;
                        }
                    }
                }
            }
            let mut person_tok = None;
            if let Some(n) = self.toks.get(j).copied() {
                if self.has_person(j) && gap_name(self.text, end, n.start) {
                    person_tok = Some(j);
                    end = n.end;
                    j += 1;
                }
            }
            if let Some(a) = actor {
                self.emit_composed(t.start, end, a, &[role], person_tok, located);
                return j - i;
            }
            if let Some(pt) = person_tok {
                let kb = self.kb;
                let office = kb.roles.get(role).and_then(|r| r.office.as_deref());
                self.emit_person(t.start, end, pt, office);
                return j - i;
            }
            // "the army", "the State Border Service": a role phrase (its
            // last role is the head noun) refers to the last state named.
            let is_anaphoric = |r: usize| self.kb.roles.get(r).is_some_and(|r| r.anaphoric);
            let (more, mut j, mut end) = self.role_chain(i + 1, t.end, false);
            let mut head = more.as_slice().last().copied().unwrap_or(role);
            if !is_anaphoric(head) {
                (head, j, end) = (role, i + 1, t.end);
            }
            if is_anaphoric(head) && preceded_by_the(self.text, t.start) {
                if let Some(m) = self.antecedent(t.start, |m| self.is_state_like(m)) {
                    if let Some(&a) = self.kb.actor_ix.get(m.entity.id.as_str()) {
                        self.emit_composed(t.start, end, a, &[head], None, false);
                    }
                }
                return j - i;
            }
            if self.pats(i).len() == 1 {
                return 1;
            }
        }
        // 2. Subject + roles (+ person): "the Azerbaijani Defence Ministry",
        //    "Turkey's Foreign Minister", "Russian Foreign Minister Sergei Lavrov".
        let name = self.actor_name(i);
        let metonym = k.place.and_then(|p| {
            self.kb
                .places
                .get(p)?
                .metonym_of
                .as_ref()
                .and_then(|m| self.kb.actor_ix.get(m.as_str()).copied())
        });
        let subject = match name {
            Some((a, _, false)) => Some((a, true)),
            _ => self
                .adj(i)
                .map(|a| (a, false))
                .or(metonym.map(|a| (a, true))),
        };
        if let Some((a, possessive_ok)) = subject {
            let (roles, mut j, mut end) = self.role_chain(i + 1, t.end, possessive_ok);
            // A named institution of the same actor: "US State Department".
            let mut merged_institution = None;
            if roles.is_empty() {
                if let Some(n) = self.toks.get(i + 1).copied() {
                    if let Some((b, sec, true)) = self.actor_name(i + 1) {
                        if b == a && gap_space(self.text, t.end, n.start) {
                            merged_institution = Some(sec.cloned());
                            end = n.end;
                            j = i + 2;
                        }
                    }
                }
            }
            let mut person_tok = None;
            if let Some(n) = self.toks.get(j).copied() {
                if self.has_person(j)
                    && (gap_name(self.text, end, n.start)
                        && (!roles.is_empty() || gap_space(self.text, end, n.start)))
                {
                    person_tok = Some(j);
                    end = n.end;
                    j += 1;
                }
            }
            if let Some(sec) = merged_institution {
                if person_tok.is_none() {
                    if let Some(mut e) = self.kb.actors.get(a).cloned() {
                        e.kind = "org".into();
                        e.sector = sec;
                        self.push(t.start, end, e, None, None);
                        return j - i;
                    }
                }
            }
            if !roles.is_empty() || person_tok.is_some() {
                self.emit_composed(t.start, end, a, roles.as_slice(), person_tok, true);
                return j - i;
            }
            // Coordination: "Armenian and Azerbaijani Foreign Ministers",
            // "Russian, French and US forces": this subject takes the roles
            // of the last conjunct.
            if let Some(roles) = self.coordinated_roles(i) {
                self.emit_composed(t.start, t.end, a, roles.as_slice(), None, true);
                return 1;
            }
        }
        // 3. A name alone.
        if let Some((a, sector, institution)) = name {
            if let Some(x) = self.kb.actors.get(a) {
                // the actor, its sector and kind as the name says
                let e = EntityRef {
                    id: x.id.clone(),
                    kind: if institution {
                        "org".into()
                    } else {
                        x.kind.clone()
                    },
                    name: x.name.clone(),
                    country: x.country.clone(),
                    sector: sector.or(x.sector.as_ref()).cloned(),
                    lat: x.lat,
                    lon: x.lon,
                };
                self.push(t.start, t.end, e, None, None);
            }
            return 1;
        }
        if k.person {
            if !self.other_bearer_of_surname(i) {
                self.emit_person(t.start, t.end, i, None);
            }
            return 1;
        }
        if let Some(p) = k.place {
            if let Some(pl) = self.kb.places.get(p) {
                let (e, m) = (pl.entity.clone(), pl.metonym_of.clone());
                let end = self.place_suffix_end(t.end);
                self.push(t.start, end, e, None, m);
                // Tokens swallowed by the suffix ("... River") are consumed.
                let mut n = 1;
                while self.toks.get(i + n).is_some_and(|x| x.start < end) {
                    n += 1;
                }
                return n;
            }
            return 1;
        }
        if let Some(a) = k.people {
            if let Some(mut e) = self.kb.actors.get(a).cloned() {
                e.sector = Some("CVL".into());
                self.push(t.start, t.end, e, None, None);
            }
            return 1;
        }
        if let Some(a) = k.adj {
            if let Some(e) = self.kb.actors.get(a).cloned() {
                self.push(t.start, t.end, e, None, None);
            }
            return 1;
        }
        if let Some(an) = k.anaphor {
            let ok = match an {
                Anaphor::Person => true,
                Anaphor::It => self.it_before_verb(t.end),
                _ => preceded_by_the(self.text, t.start),
            };
            if ok {
                self.emit_anaphor(t, an);
            }
        }
        1
    }

    /// The end of a place name extended over a following suffix word
    /// ("Tovuz District", "Aras River").
    fn place_suffix_end(&self, end: usize) -> usize {
        let Some(rest) = self.text.get(end..).and_then(|r| r.strip_prefix(' ')) else {
            return end;
        };
        // most places stand before no suffix: its first byte rules them out
        let first = rest.as_bytes().first().copied().unwrap_or(0);
        if !self.kb.place_suffix_first[usize::from(first)] {
            return end;
        }
        suffix_len(rest, &self.kb.place_suffixes).map_or(end, |n| end + 1 + n)
    }

    fn emit_person(&mut self, start: usize, end: usize, tok: usize, office: Option<&str>) {
        // The date only decides among several tenures.
        let tenures: usize = self
            .persons(tok)
            .filter_map(|p| self.kb.persons.get(p))
            .map(|p| p.tenures.len())
            .sum();
        let when = if tenures > 1 { self.when(start) } else { None };
        if let Some((p, t)) = self.resolve_person(tok, None, office, &when) {
            if let Some((e, pr)) = self.person_entity(p, t) {
                self.push(start, end, e, Some(pr), None);
            }
        }
    }

    /// Whether the word after "it" at `end` is a statement or action verb
    /// (`it_verbs`), possibly after an adverb or auxiliary.
    fn it_before_verb(&self, end: usize) -> bool {
        let rest = self.text.get(end..).unwrap_or("");
        let mut words = rest
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .take(2);
        let Some(mut w) = words.next() else {
            return false;
        };
        if !rest.starts_with(' ') {
            return false;
        }
        if matches!(
            w,
            "also" | "further" | "then" | "later" | "subsequently" | "has" | "had"
        ) {
            match words.next() {
                Some(n) => w = n,
                None => return false,
            }
        }
        self.kb.it_verbs.contains(w)
    }

    /// Whether `text[from..to]` is a statement verb (`it_verbs`) and at
    /// most a few more words ("said", "stated on Tuesday that"): what
    /// follows is the speaker's statement.
    fn states_before(&self, from: usize, to: usize) -> bool {
        let Some(gap) = self.text.get(from..to) else {
            return false;
        };
        let mut words = gap
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty());
        let verb = words.next().is_some_and(|w| self.kb.it_verbs.contains(w));
        verb && words.count() <= 3
    }

    /// Start of the sentence containing `at` (after the last ". " or line
    /// break), within the anaphora window.
    fn sentence_start(&self, at: usize) -> usize {
        let lo = window_start(self.text, at);
        let s = self.text.get(lo..at).unwrap_or("").as_bytes();
        // Each of ". ", ".\" ", "! ", "? " ends with a space: the last space
        // after the rest of one of them ends the last sentence, found in one
        // backward pass instead of one search per ending.
        let ends_sentence = |b: &[u8]| {
            [&b"."[..], b".\"", b"!", b"?"]
                .iter()
                .any(|e| b.ends_with(e))
        };
        memchr::memrchr_iter(b' ', s)
            .find(|&k| ends_sentence(&s[..k]))
            .map_or(lo, |k| lo + k + 1)
    }

    fn emit_anaphor(&mut self, t: Tok, an: Anaphor) {
        let kind_is = |m: &Mention, k: &[&str]| -> bool {
            self.kb
                .actor_ix
                .get(m.entity.id.as_str())
                .and_then(|&a| self.kb.actors.get(a))
                .is_some_and(|a| k.contains(&a.kind.as_str()))
                && m.person.is_none()
        };
        let found = match an {
            Anaphor::Person => self.antecedent(t.start, |m| m.person.is_some()),
            Anaphor::Ministry => self.antecedent(t.start, |m| {
                m.entity.kind != "place"
                    && (m.text.contains("Ministry") || m.text.contains("ministry"))
            }),
            Anaphor::Group => self
                .antecedent(t.start, |m| {
                    m.entity.kind != "place" && m.entity.name.contains("Group")
                })
                .or_else(|| self.antecedent(t.start, |m| kind_is(m, &["igo", "ngo"]))),
            Anaphor::Organisation => self.antecedent(t.start, |m| kind_is(m, &["igo", "ngo"])),
            Anaphor::It => {
                let before = self.sentence_start(t.start);
                let state_like = |m: &Mention| {
                    m.person.is_none()
                        && kind_is(m, &["state", "unrecognised", "igo", "ngo", "org"])
                };
                let fits = |m: &Mention| m.end <= before && state_like(m);
                // "It" opens the clause: at the sentence start, or after an
                // opening phrase that names no one ("On 28 September, it …").
                let lead = self.text.get(before..t.start).unwrap_or("").trim();
                let opens = lead.is_empty()
                    || (lead.ends_with(',')
                        && !self.out[self.out.partition_point(|m| m.start < before)..]
                            .iter()
                            .any(|m| m.end <= t.start && state_like(m)));
                let found = if opens {
                    // "It" opening a sentence mostly continues the subject of
                    // the sentence before, its first fitting mention ("The
                    // ministry denied the accusation by Armenian troops. It
                    // said …").
                    let lo = window_start(self.text, t.start);
                    let prev = if before > lo {
                        self.sentence_start(before - 1).max(lo)
                    } else {
                        before
                    };
                    let from = self.out.partition_point(|m| m.start < prev);
                    self.out[from..].iter().find(|m| fits(m)).cloned()
                } else {
                    // "Ukraine stated that it supports …": the speaker of the
                    // statement "it" opens.
                    let from = self.out.partition_point(|m| m.start < before);
                    self.out[from..]
                        .iter()
                        .rev()
                        .find(|m| {
                            m.end <= t.start && state_like(m) && self.states_before(m.end, t.start)
                        })
                        .cloned()
                };
                found.or_else(|| self.antecedent(t.start, fits))
            }
            Anaphor::Council => self.antecedent(t.start, |m| {
                kind_is(m, &["igo"])
                    && (m.entity.name.contains("Council") || m.entity.name.contains("Committee"))
            }),
        };
        if let Some(m) = found {
            self.push(t.start, t.end, m.entity, m.person, None);
        }
    }
}

/// See [`crate::Gazetteer::recognise`].
pub(crate) fn recognise(
    kb: &Kb,
    text: &str,
    date_at: &dyn Fn(usize) -> Option<String>,
) -> Vec<Mention> {
    let toks = scan(kb, text);
    // at most one mention per token (and a few abbreviations)
    let out = Vec::with_capacity(toks.len());
    let mut cx = Ctx {
        kb,
        text,
        toks,
        first: 0,
        date_at,
        out,
    };
    let mut i = 0;
    while i < cx.toks.len() {
        i += cx.step(i).max(1);
    }
    let mut out = cx.out;
    add_abbreviations(text, &mut out);
    out
}

/// At most this many abbreviations are defined per text (each costs a scan).
const MAX_ABBREVIATIONS: usize = 32;

/// An abbreviation defined in the text right after an actor mention, "the
/// Armenian National Security Service (NSS)", "the Azerbaijani State
/// Security Service (SSS)", stands for that actor wherever it occurs later
/// and no other mention covers it. This keeps short names that many
/// countries share out of the knowledge base without losing them.
fn add_abbreviations(text: &str, out: &mut Vec<Mention>) {
    let mut defs: Vec<(&str, usize, EntityRef)> = Vec::new();
    for m in out.iter() {
        if m.person.is_some() || m.entity.kind == "place" || defs.len() >= MAX_ABBREVIATIONS {
            continue;
        }
        let Some(inner) = text.get(m.end..).and_then(|r| r.strip_prefix(" (")) else {
            continue;
        };
        let Some(close) = inner.find(')').filter(|&c| (2..=8).contains(&c)) else {
            continue;
        };
        let abbr = &inner[..close];
        let ok = abbr
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '&')
            && abbr.chars().filter(|c| c.is_uppercase()).count() >= 2;
        if ok && !defs.iter().any(|d| d.0 == abbr) {
            defs.push((abbr, m.end + 2 + close + 1, m.entity.clone()));
        }
    }
    let mut found = Vec::new();
    let hits = occurrences(text, &defs);
    for ((abbr, _, entity), hits) in defs.into_iter().zip(hits) {
        for a in hits {
            let b = a + abbr.len();
            let covered = out
                .get(out.partition_point(|m| m.end <= a))
                .is_some_and(|m| m.start < b);
            if boundary_ok(text, a, b) && !covered {
                found.push(Mention {
                    start: a,
                    end: b,
                    text: KbStr::from(abbr.to_string()),
                    entity: entity.clone(),
                    person: None,
                    metonym_of: None,
                });
            }
        }
    }
    if !found.is_empty() {
        out.extend(found);
        out.sort_by_key(|m| m.start);
        // two abbreviations can not overlap (whole words), but keep the
        // invariant explicit
        out.dedup_by(|b, a| b.start < a.end);
    }
}

/// Where each abbreviation occurs as a whole word after its definition,
/// among the places `text[from..].match_indices(abbr)` finds.
///
/// An abbreviation made of word characters only occurs as a whole word
/// exactly where a word of the text equals it, and `match_indices` finds
/// all such places (two of them can not overlap), so the word starts whose
/// first byte starts some abbreviation are all that need a look: memchr
/// finds them, up to three bytes a pass, instead of a test of every byte of
/// the text (or one search of the rest of the text per abbreviation).
/// Others ("R&D") are searched for as before.
fn occurrences(text: &str, defs: &[(&str, usize, EntityRef)]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); defs.len()];
    let mut firsts: Vec<u8> = Vec::new();
    let mut lo = text.len();
    for (o, &(abbr, from, _)) in out.iter_mut().zip(defs) {
        if abbr.chars().all(is_word) {
            let b = abbr.as_bytes()[0];
            if !firsts.contains(&b) {
                firsts.push(b);
            }
            lo = lo.min(from);
        } else {
            let rest = text.get(from..).unwrap_or("");
            o.extend(rest.match_indices(abbr).map(|(at, _)| from + at));
        }
    }
    let hay = text.as_bytes().get(lo..).unwrap_or_default();
    for bytes in firsts.chunks(3) {
        let at = |q: usize| lo + q;
        match *bytes {
            [a] => words_at(text, defs, &mut out, memchr::memchr_iter(a, hay).map(at)),
            [a, b] => words_at(
                text,
                defs,
                &mut out,
                memchr::memchr2_iter(a, b, hay).map(at),
            ),
            [a, b, c] => words_at(
                text,
                defs,
                &mut out,
                memchr::memchr3_iter(a, b, c, hay).map(at),
            ),
            _ => {}
        }
    }
    out
}

/// Adds to `out` each of the positions `starts` (in increasing order) where
/// a word of `text` starts that equals an abbreviation of `defs` after its
/// definition.
fn words_at(
    text: &str,
    defs: &[(&str, usize, EntityRef)],
    out: &mut [Vec<usize>],
    starts: impl Iterator<Item = usize>,
) {
    for p in starts {
        if word_before_end(text, p) {
            continue;
        }
        // the word there, found once: compared with each abbreviation, it
        // rules most out by its length alone (a `starts_with` per
        // abbreviation cost a `memcmp` call each)
        let word = &text.as_bytes()[p..word_end(text, p)];
        for (o, &(abbr, from, _)) in out.iter_mut().zip(defs) {
            if p >= from && abbr.as_bytes() == word {
                o.push(p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Gazetteer, Mention};

    fn run(text: &str, date: Option<&str>) -> Vec<Mention> {
        let d = date.map(String::from);
        let ms = Gazetteer::embedded().recognise(text, &move |_| d.clone());
        // Invariants: sorted, non-overlapping, spans match text.
        for w in ms.windows(2) {
            assert!(
                w[0].end <= w[1].start,
                "overlap {:?} {:?}",
                w[0].text,
                w[1].text
            );
        }
        for m in &ms {
            assert_eq!(&text[m.start..m.end], m.text);
        }
        ms
    }

    fn get<'a>(ms: &'a [Mention], s: &str) -> &'a Mention {
        ms.iter().find(|m| m.text == s).unwrap_or_else(|| {
            panic!(
                "no mention {s:?} in {:?}",
                ms.iter().map(|m| &m.text).collect::<Vec<_>>()
            )
        })
    }

    fn actor(m: &Mention) -> (&str, Option<&str>) {
        (m.entity.id.as_str(), m.entity.sector.as_deref())
    }

    #[test]
    fn one_form_mentions_lend_their_text() {
        let a = run("Azerbaijan and the Armenian Defence Ministry.", None);
        let b = run("Shelling near Azerbaijan.", None);
        let (a0, b0) = (get(&a, "Azerbaijan"), get(&b, "Azerbaijan"));
        // lent by the knowledge base: the same bytes in both texts' mentions
        assert_eq!(a0.text.as_ptr(), b0.text.as_ptr());
        // composed of several forms: the text's words, copied
        let m = get(&a, "Armenian Defence Ministry");
        assert_eq!(m.entity.id, "ARM");
    }

    #[test]
    fn issue_examples_reach_aze() {
        let t = "Azerbaijan, Baku, the Azerbaijani Defence Ministry, Azeri forces and Aliyev.";
        let ms = run(t, Some("2020-10-01"));
        assert_eq!(actor(get(&ms, "Azerbaijan")), ("AZE", None));
        let baku = get(&ms, "Baku");
        assert_eq!(baku.entity.kind, "place");
        assert_eq!(baku.metonym_of.as_deref(), Some("AZE"));
        assert_eq!(
            actor(get(&ms, "Azerbaijani Defence Ministry")),
            ("AZE", Some("MIL"))
        );
        assert_eq!(actor(get(&ms, "Azeri forces")), ("AZE", Some("MIL")));
        let a = get(&ms, "Aliyev");
        assert_eq!(actor(a), ("AZE", Some("GOV")));
        assert_eq!(a.person.as_ref().unwrap().id, "ilham-aliyev");
    }

    #[test]
    fn spellings_of_one_place() {
        let ms = run("Shusha, Shushi and Şuşa; Stepanakert, Khankendi, Xankəndi; Fuzuli, Füzuli, Fizuli; Jabrayil, Jebrail, Cəbrayıl; Khojavend, Martuni; Agdam, Aghdam, Ağdam; Madagiz, Sugovushan; Lachin, Berdzor; Kalbajar, Karvachar; Tartar, Terter.", None);
        let ids: Vec<&str> = ms.iter().map(|m| m.entity.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "shusha",
                "shusha",
                "shusha",
                "stepanakert",
                "stepanakert",
                "stepanakert",
                "fuzuli",
                "fuzuli",
                "fuzuli",
                "jabrayil",
                "jabrayil",
                "jabrayil",
                "martuni",
                "martuni",
                "agdam",
                "agdam",
                "agdam",
                "madagiz",
                "madagiz",
                "lachin",
                "lachin",
                "kalbajar",
                "kalbajar",
                "tartar",
                "tartar"
            ]
        );
        assert!(ms.iter().all(|m| m.entity.kind == "place"
            && m.entity.lat.is_some()
            && m.entity.country.as_deref() == Some("AZE")));
        assert_eq!(get(&ms, "Stepanakert").metonym_of.as_deref(), Some("NKR"));
    }

    #[test]
    fn seed_lavrov_and_counterpart() {
        let t = "On 6 October 2020, the Russian Foreign Minister Sergei Lavrov and his Iranian counterpart Mohammad Javad Zarif expressed concern about the involvement of Syrian and Libyan fighters in the Nagorno-Karabakh conflict, with the possible support of Turkey.";
        let ms = run(t, Some("2020-10-06"));
        let l = get(&ms, "Russian Foreign Minister Sergei Lavrov");
        assert_eq!(actor(l), ("RUS", Some("DIP")));
        assert_eq!(l.person.as_ref().unwrap().id, "sergei-lavrov");
        assert_eq!(
            actor(get(&ms, "Mohammad Javad Zarif")),
            ("IRN", Some("DIP"))
        );
        assert_eq!(get(&ms, "Nagorno-Karabakh").entity.kind, "place");
        assert_eq!(actor(get(&ms, "Turkey")), ("TUR", None));
        let ms = run("On 9 October 2020, Lavrov mediated a ceasefire between Armenian and Azerbaijani Foreign Ministers in Moscow.", Some("2020-10-09"));
        assert_eq!(actor(get(&ms, "Armenian")), ("ARM", Some("DIP")));
        assert_eq!(
            get(&ms, "Lavrov").person.as_ref().unwrap().name,
            "Sergei Lavrov"
        );
        assert_eq!(
            actor(get(&ms, "Azerbaijani Foreign Ministers")),
            ("AZE", Some("DIP"))
        );
        assert_eq!(get(&ms, "Moscow").metonym_of.as_deref(), Some("RUS"));
    }

    #[test]
    fn seed_titles_resolve_by_date() {
        let t = "After the declared ceasefire, the President of Artsakh admitted Azerbaijan had been able to achieve some success; the Armenian Prime Minister announced that Armenian forces had conducted a \"partial retreat\".";
        let ms = run(t, Some("2020-11-10"));
        let p = get(&ms, "President of Artsakh");
        assert_eq!(actor(p), ("NKR", Some("GOV")));
        assert_eq!(p.person.as_ref().unwrap().id, "arayik-harutyunyan");
        let pm = get(&ms, "Armenian Prime Minister");
        assert_eq!(actor(pm), ("ARM", Some("GOV")));
        assert_eq!(pm.person.as_ref().unwrap().id, "nikol-pashinyan");
        assert_eq!(actor(get(&ms, "Armenian forces")), ("ARM", Some("MIL")));
        // The same title in 2010 is someone else; in 1995 Aliyev is Heydar.
        let ms = run("the Armenian President said", Some("2010"));
        assert_eq!(
            get(&ms, "Armenian President").person.as_ref().unwrap().id,
            "serzh-sargsyan"
        );
        let ms = run("Aliyev said", Some("1995-05"));
        assert_eq!(
            get(&ms, "Aliyev").person.as_ref().unwrap().id,
            "heydar-aliyev"
        );
    }

    #[test]
    fn title_patterns() {
        let ms = run("President of Azerbaijan Ilham Aliyev and Turkey's Foreign Minister met; Minister of Foreign Affairs of Russia, Sergey Lavrov, and the French Senate.", Some("2020-10"));
        let a = get(&ms, "President of Azerbaijan Ilham Aliyev");
        assert_eq!(
            (actor(a), a.person.as_ref().unwrap().id.as_str()),
            (("AZE", Some("GOV")), "ilham-aliyev")
        );
        let c = get(&ms, "Turkey's Foreign Minister");
        assert_eq!(
            (actor(c), c.person.as_ref().unwrap().id.as_str()),
            (("TUR", Some("DIP")), "mevlut-cavusoglu")
        );
        assert_eq!(
            actor(get(
                &ms,
                "Minister of Foreign Affairs of Russia, Sergey Lavrov"
            )),
            ("RUS", Some("DIP"))
        );
        assert_eq!(actor(get(&ms, "French Senate")), ("FRA", Some("LEG")));
        let ms = run(
            "Secretary General of NATO, Jens Stoltenberg, and Prime Minister Nikol Pashinyan",
            Some("2020-10"),
        );
        assert_eq!(
            actor(get(&ms, "Secretary General of NATO, Jens Stoltenberg")),
            ("NATO", Some("IGO"))
        );
        assert_eq!(
            actor(get(&ms, "Prime Minister Nikol Pashinyan")),
            ("ARM", Some("GOV"))
        );
    }

    #[test]
    fn sectors_from_roles() {
        let ms = run("the Armenian Defence Ministry, Azerbaijani army, Turkish troops, Armenian government, Azerbaijani authorities, the Armenian Foreign Ministry, Armenian civilians, the Milli Majlis", None);
        assert_eq!(
            actor(get(&ms, "Armenian Defence Ministry")),
            ("ARM", Some("MIL"))
        );
        assert_eq!(actor(get(&ms, "Azerbaijani army")), ("AZE", Some("MIL")));
        assert_eq!(actor(get(&ms, "Turkish troops")), ("TUR", Some("MIL")));
        assert_eq!(actor(get(&ms, "Armenian government")), ("ARM", Some("GOV")));
        assert_eq!(
            actor(get(&ms, "Azerbaijani authorities")),
            ("AZE", Some("GOV"))
        );
        assert_eq!(
            actor(get(&ms, "Armenian Foreign Ministry")),
            ("ARM", Some("DIP"))
        );
        assert_eq!(actor(get(&ms, "Armenian civilians")), ("ARM", Some("CVL")));
        assert_eq!(actor(get(&ms, "Milli Majlis")), ("AZE", Some("LEG")));
    }

    #[test]
    fn seed_named_units() {
        let t = "Over the course of 2 October, the Artsakh Defence Army said they had destroyed 39 Azerbaijani military vehicles.";
        let ms = run(t, Some("2020-10-02"));
        assert_eq!(
            actor(get(&ms, "Artsakh Defence Army")),
            ("NKR", Some("MIL"))
        );
        let t = "President Ilham Aliyev congratulated Chief of the State Border Service (SBS), Colonel General Elchin Guliyev on raising the Azerbaijani flag over the Khudafarin bridge.";
        let ms = run(t, Some("2020-10-18"));
        assert_eq!(
            actor(get(&ms, "State Border Service")),
            ("AZE", Some("MIL"))
        );
        assert_eq!(actor(get(&ms, "Elchin Guliyev")), ("AZE", Some("MIL")));
        assert_eq!(get(&ms, "Khudafarin bridge").entity.id, "khudafarin");
        let ms = run("the YARASA Special Forces of Azerbaijan", None);
        assert_eq!(
            actor(get(&ms, "YARASA Special Forces")),
            ("AZE", Some("MIL"))
        );
    }

    #[test]
    fn people_versus_state() {
        let t = "The next day, Armenians in Samtskhe–Javakheti, in Georgia, expressed concern and their intention to send aid.";
        let ms = run(t, Some("2020-09-28"));
        assert_eq!(actor(get(&ms, "Armenians")), ("ARMENIANS", Some("ETH")));
        assert_eq!(
            get(&ms, "Samtskhe–Javakheti").entity.country.as_deref(),
            Some("GEO")
        );
        assert_eq!(actor(get(&ms, "Georgia")), ("GEO", None));
        let ms = run(
            "inhabited mostly by ethnic Armenians, and by Azerbaijanis until their expulsion",
            None,
        );
        assert_eq!(
            actor(get(&ms, "ethnic Armenians")),
            ("ARMENIANS", Some("ETH"))
        );
        assert_eq!(
            actor(get(&ms, "Azerbaijanis")),
            ("AZERBAIJANIS", Some("ETH"))
        );
    }

    #[test]
    fn artsakh_rule() {
        let ms = run("the breakaway Republic of Artsakh; Artsakh authorities; the Nagorno-Karabakh Republic; the Nagorno-Karabakh region; Nagorno-Karabakh authorities", None);
        assert_eq!(actor(get(&ms, "Republic of Artsakh")), ("NKR", None));
        assert_eq!(actor(get(&ms, "Artsakh authorities")), ("NKR", Some("GOV")));
        assert_eq!(actor(get(&ms, "Nagorno-Karabakh Republic")), ("NKR", None));
        assert_eq!(
            get(&ms, "Nagorno-Karabakh region").entity.id,
            "nagorno-karabakh"
        );
        assert_eq!(
            actor(get(&ms, "Nagorno-Karabakh authorities")),
            ("NKR", Some("GOV"))
        );
    }

    #[test]
    fn capitals_as_subjects() {
        let ms = run(
            "Stepanakert authorities said Baku's army and Moscow's envoy",
            None,
        );
        assert_eq!(
            actor(get(&ms, "Stepanakert authorities")),
            ("NKR", Some("GOV"))
        );
        assert_eq!(actor(get(&ms, "Baku's army")), ("AZE", Some("MIL")));
        assert_eq!(actor(get(&ms, "Moscow's envoy")), ("RUS", Some("DIP")));
    }

    #[test]
    fn hyphens_and_possessives() {
        let ms = run("Russian-Armenian relations and the Armenia–Azerbaijan border; Turkey's support; pro-Armenian bias", None);
        let ids: Vec<&str> = ms.iter().map(|m| m.entity.id.as_str()).collect();
        assert_eq!(ids, ["RUS", "ARM", "ARM", "AZE", "TUR", "ARM"]);
    }

    #[test]
    fn seed_minsk_group_short_references() {
        let t = "On 2 October 2020, the OSCE Minsk Group, responsible for mediating the peace process, condemned the fighting. The Minsk Group stated that participation by \"external parties\" was working against the peace process. The group called for an immediate ceasefire.";
        let ms = run(t, Some("2020-10-02"));
        assert_eq!(
            actor(get(&ms, "OSCE Minsk Group")),
            ("OSCE_MG", Some("IGO"))
        );
        assert_eq!(actor(get(&ms, "Minsk Group")), ("OSCE_MG", Some("IGO")));
        assert_eq!(actor(get(&ms, "group")), ("OSCE_MG", Some("IGO")));
        let ms = run("According to the Azerbaijani Defence Ministry, three servicemen were killed. The ministry added that Sergei Lavrov called. He said so.", Some("2020-09-27"));
        assert_eq!(actor(get(&ms, "ministry")), ("AZE", Some("MIL")));
        assert_eq!(get(&ms, "He").person.as_ref().unwrap().id, "sergei-lavrov");
        let ms = run(
            "President Ilham Aliyev met the country's Security Council. The Security Council met.",
            Some("2020-10-01"),
        );
        assert_eq!(
            actor(ms.iter().find(|m| m.text == "Security Council").unwrap()),
            ("AZE", Some("GOV"))
        );
        assert_eq!(
            actor(
                ms.iter()
                    .rev()
                    .find(|m| m.text == "Security Council")
                    .unwrap()
            ),
            ("UNSC", Some("IGO"))
        );
        let t = "Following a closed council meeting, the Security Council issued a statement. It condemned the use of force. It was late.";
        let ms = run(t, Some("2020-10-01"));
        assert_eq!(actor(get(&ms, "It")), ("UNSC", Some("IGO")));
        assert_eq!(ms.iter().filter(|m| m.text == "It").count(), 1);
        // "It" opening a sentence continues the subject of the one before,
        // not the last name in it.
        let t = "The Azerbaijani Defence Ministry denied the accusation by Armenian troops. It said 50 servicemen were killed.";
        let ms = run(t, Some("2020-10-01"));
        assert_eq!(actor(get(&ms, "It")).0, "AZE");
        let t = "Turkey backed Azerbaijan. On 3 October, it condemned Armenia.";
        let ms = run(t, Some("2020-10-01"));
        assert_eq!(actor(get(&ms, "it")).0, "TUR");
        // "X stated that it …": the speaker.
        let t =
            "Armenia accused Azerbaijan of shelling. Ukraine stated that it supports a ceasefire.";
        let ms = run(t, Some("2020-10-01"));
        assert_eq!(actor(get(&ms, "it")).0, "UKR");
        let t = "Russia's key role is that of a mediator. On 2 October 2020, along with France and the U.S., it called for immediate cessation of hostilities.";
        let ms = run(t, Some("2020-10-02"));
        assert_eq!(actor(get(&ms, "it")).0, "RUS");
        let ms = run("UN Secretary-General said", Some("2020-10-01"));
        assert_eq!(
            get(&ms, "UN Secretary-General").person.as_ref().unwrap().id,
            "antonio-guterres"
        );
        // No antecedent across a paragraph break.
        let ms = run("Sergei Lavrov spoke.\nHe left.", None);
        assert!(ms.iter().all(|m| m.text != "He"));
    }

    #[test]
    fn suffix_len_as_comparing_every_suffix() {
        // the suffixes of the data, and texts after a place that start with
        // them, with parts of them, or with other words
        let kb = &Gazetteer::embedded().kb.place_suffixes;
        let plain = |rest: &str| {
            kb.iter()
                .find(|w| {
                    rest.strip_prefix(w.as_str())
                        .is_some_and(|a| !a.chars().next().is_some_and(char::is_alphanumeric))
                })
                .map(|w| w.len())
        };
        let tails = ["", " ", "s", "s of", "-side", "x", "é", ".", "1", "’s"];
        let mut found = 0;
        for w in kb
            .iter()
            .map(String::as_str)
            .chain(["bri", "Dis", "", "é", "a"])
        {
            for cut in [w.len(), w.len().saturating_sub(1)] {
                for tail in tails {
                    let rest = format!("{}{tail}", w.get(..cut).unwrap_or(w));
                    let got = super::suffix_len(&rest, kb);
                    assert_eq!(got, plain(&rest), "{rest:?}");
                    found += usize::from(got.is_some());
                }
            }
        }
        assert!(found > 50, "{found}");
    }

    #[test]
    fn abbreviations_found_as_by_one_search_each() {
        let text = "A (FB) (R&D) (ÖSD) FB, FBI xFB FB's FB-1 R&D R&DR ÖSD FBFB (FB) FB";
        let e = crate::Gazetteer::embedded().entity("AZE").cloned().unwrap();
        let defs: Vec<(&str, usize, crate::EntityRef)> = [("FB", 6), ("R&D", 12), ("ÖSD", 19)]
            .into_iter()
            .map(|(a, from)| (a, from, e.clone()))
            .collect();
        for (abbr, got) in occurrences_as_searched_one_by_one(text, &defs) {
            assert!(!got.is_empty(), "{abbr}");
        }
    }

    /// The whole-word occurrences `occurrences` finds for each abbreviation
    /// of `defs`, checked against a plain search for each one alone.
    fn occurrences_as_searched_one_by_one<'d>(
        text: &str,
        defs: &'d [(&'d str, usize, crate::EntityRef)],
    ) -> Vec<(&'d str, Vec<usize>)> {
        let whole = |a: usize, abbr: &str| super::boundary_ok(text, a, a + abbr.len());
        defs.iter()
            .zip(super::occurrences(text, defs))
            .map(|((abbr, from, _), hits)| {
                let want: Vec<usize> = text[*from..]
                    .match_indices(abbr)
                    .map(|(at, _)| from + at)
                    .filter(|&a| whole(a, abbr))
                    .collect();
                let got: Vec<usize> = hits.into_iter().filter(|&a| whole(a, abbr)).collect();
                assert_eq!(got, want, "{} abbreviations: {abbr}", defs.len());
                (*abbr, got)
            })
            .collect()
    }

    #[test]
    fn abbreviations_found_for_any_number_of_first_bytes() {
        // pseudo-random texts of abbreviations, their look-alikes and
        // separators; one to seven abbreviations (one to three memchr passes)
        let abbrs = ["FB", "GCX", "HD", "ÖSD", "J9", "FQ", "KA"];
        let parts = [
            "FB", "GCX", "HD", "ÖSD", "J9", "FQ", "KA", "FBI", "xHD", "GC", " ", ", ", "-", "'s ",
            "é", "\n", "(", ")", "J", "Ö",
        ];
        let e = crate::Gazetteer::embedded().entity("AZE").cloned().unwrap();
        let mut seed = 0x2545_f491_u32;
        let mut found = 0;
        for n in 1..=abbrs.len() {
            let mut text = String::new();
            for _ in 0..400 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                text.push_str(parts[seed as usize % parts.len()]);
            }
            let defs: Vec<(&str, usize, crate::EntityRef)> = abbrs[..n]
                .iter()
                .enumerate()
                .map(|(i, &a)| (a, super::floor_boundary(&text, i * 37), e.clone()))
                .collect();
            for (_, got) in occurrences_as_searched_one_by_one(&text, &defs) {
                found += got.len();
            }
        }
        assert!(found > 50, "{found}");
    }

    #[test]
    fn short_keys_tell_words_apart() {
        let words = [
            "a", "A", "ab", "ba", "the", "The", "them", "Armenia", "Armenian", "12345678",
        ];
        let mut keys = std::collections::HashSet::new();
        for w in words {
            // the word alone, and followed by more text as in a scan
            let alone = super::short_key(w.as_bytes(), w.len());
            let followed = format!("{w} and more text");
            assert_eq!(alone, super::short_key(followed.as_bytes(), w.len()), "{w}");
            assert!(keys.insert(alone.expect("short")), "{w}");
        }
        assert_eq!(super::short_key(b"Azerbaijani", 11), None);
    }

    #[test]
    fn every_name_found_whole() {
        let g = Gazetteer::embedded();
        let mut names: Vec<String> = Vec::new();
        for e in g.actors().chain(g.places()) {
            names.extend(g.names(&e.id).into_iter().map(|n| n.trim().to_string()));
        }
        for p in g.people() {
            names.push(p.person.name.to_string());
            names.extend(p.aliases);
        }
        assert!(names.len() > 1000, "{}", names.len());
        for n in &names {
            for text in [n.clone(), format!("{n}; and {n}")] {
                let spans = super::known_spans(g.kb, &text);
                assert_eq!(spans.first(), Some(&(0, n.len())), "{text}");
            }
        }
    }

    /// The tokens of `text` by the definition [`super::scan`] keeps: at
    /// every position no word character precedes, the longest surface form
    /// (an anchored leftmost-longest automaton search), if it ends at a
    /// word boundary.
    fn scan_by_automaton(
        ac: &aho_corasick::AhoCorasick,
        forms: &[(Vec<u8>, usize)],
        text: &str,
    ) -> Vec<(usize, usize, usize)> {
        use aho_corasick::{Anchored, Input};
        let mut out = Vec::new();
        let mut p = 0;
        while p < text.len() {
            if !super::word_before_end(text, p) {
                let input = Input::new(text).span(p..text.len()).anchored(Anchored::Yes);
                if let Some(m) = ac.find(input) {
                    if let Some(t) = super::whole(text, p, m.end(), forms[m.pattern()].1) {
                        out.push((t.start, t.end, t.pat));
                        p = t.end;
                        continue;
                    }
                }
            }
            p += super::char_at(text, p).map_or(1, |(_, len)| len);
        }
        out
    }

    fn scan_tokens(kb: &crate::Kb, text: &str) -> Vec<(usize, usize, usize)> {
        super::scan(kb, text)
            .into_iter()
            .map(|t| (t.start, t.end, t.pat))
            .collect()
    }

    #[test]
    fn scan_as_by_automaton() {
        // the embedded data plus forms starting with no word character and
        // forms that share their first two words
        let mut tables = crate::data::Tables::embedded().unwrap();
        let extra = "[[org]]\nid = \"XTEST\"\nkind = \"ngo\"\nname = \"(SBS) Test Unit\"\naliases = [\"(SBS)\", \"(SBS) Test\", \"-Zed\", \"Co.\", \"Co. Test\", \"Co. Test Unit Two\", \"Nagorno-Karabakh Test Unit\"]\n";
        tables.add_toml("extra.toml", extra).unwrap();
        let kb = crate::Kb::build(&tables);
        let mut forms = kb.forms.all();
        forms.sort_by_key(|(_, p)| *p);
        assert!(forms.len() > 3000, "{}", forms.len());
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .start_kind(aho_corasick::StartKind::Anchored)
            .build(forms.iter().map(|(f, _)| f))
            .unwrap();
        let pieces: Vec<String> = forms
            .iter()
            .step_by(7)
            .map(|(f, _)| String::from_utf8(f.clone()).unwrap())
            .chain(
                [
                    " ",
                    " ",
                    " ",
                    ", ",
                    ". ",
                    "\n",
                    "-",
                    "'s ",
                    "’s ",
                    "(",
                    ")",
                    "x",
                    "é",
                    "Ş",
                    "the ",
                    "of ",
                    "Co.",
                    "(SBS)",
                    "Test",
                    "Unit",
                    "Nagorno",
                    "-Karabakh",
                    "Armenian",
                    "Foreign",
                    "Minister",
                    "2020",
                ]
                .map(String::from),
            )
            .collect();
        let mut seed = 0x9e37_79b9_u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as usize
        };
        let mut found = 0;
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..60 {
                text.push_str(&pieces[next() % pieces.len()]);
                text.push_str(["", " ", " ", ", ", "-"][next() % 5]);
            }
            let want = scan_by_automaton(&ac, &forms, &text);
            assert_eq!(scan_tokens(&kb, &text), want, "{text}");
            found += want.len();
        }
        assert!(found > 3000, "{found}");
        let t =
            "(SBS) Test Unit, Co. Test Unit Two, Co. Tests, (SBS)x -Zed Nagorno-Karabakh Test Unit";
        assert_eq!(scan_tokens(&kb, t), scan_by_automaton(&ac, &forms, t));
        // "Co. Tests": the longest form, "Co. Test", ends inside a word
        assert_eq!(scan_tokens(&kb, t).len(), 4);
    }

    #[test]
    fn block_as_by_bytes() {
        let mut seed = 0x1234_5678_u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as u8
        };
        for round in 0..2000 {
            let mut chunk = [0u8; 64];
            // mostly ASCII, sometimes with high bytes
            chunk.fill_with(|| {
                if round % 4 == 0 {
                    next()
                } else {
                    next() & 0x7f
                }
            });
            let ascii = chunk.iter().take_while(|b| b.is_ascii()).count();
            for block in [super::Block::of(&chunk), super::Block::of_by_words(&chunk)] {
                assert_eq!(block.ascii as usize, ascii, "{chunk:?}");
                for (i, b) in chunk.iter().enumerate() {
                    let word = block.word >> i & 1 == 1;
                    assert_eq!(word, super::ASCII_WORD[usize::from(*b)], "{i} {chunk:?}");
                }
            }
        }
    }

    /// A random text of `n` pieces from `pieces` with random separators,
    /// by the xorshift generator `next`.
    fn random_text(pieces: &[String], n: usize, next: &mut impl FnMut() -> usize) -> String {
        const SEPARATORS: [&str; 14] = [
            "", " ", " ", " ", ", ", ". ", "\n", "-", "’", "’s ", "“", "” ", "\u{a0}", "  ",
        ];
        let mut text = String::new();
        for _ in 0..n {
            text.push_str(&pieces[next() % pieces.len()]);
            text.push_str(SEPARATORS[next() % SEPARATORS.len()]);
        }
        text
    }

    #[test]
    fn scan_by_blocks_as_by_positions() {
        let g = crate::Gazetteer::embedded();
        let mut forms = g.kb.forms.all();
        forms.sort();
        let mut pieces: Vec<String> = forms
            .iter()
            .step_by(5)
            .map(|(f, _)| String::from_utf8(f.clone()).unwrap())
            .collect();
        let names = pieces.len();
        // as many ordinary words, capitals, digits, punctuation and
        // non-ASCII letters and marks, and words longer than a block
        let others = [
            "the",
            "of",
            "and",
            "he",
            "it",
            "said",
            "x",
            "a",
            "The",
            "He",
            "Army",
            "Foreign",
            "Minister",
            "Baku",
            "2020",
            "19",
            "3rd",
            "(",
            ")",
            "\"",
            "'",
            ".",
            ",",
            "—",
            "é",
            "Ş",
            "Ереван",
            "Łódź",
            "naïve",
            "İlham",
            "日本",
            "’",
            "\t",
            "\n\n",
        ];
        while pieces.len() < 2 * names {
            pieces.extend(others.iter().map(|s| s.to_string()));
        }
        pieces.push("a".repeat(70));
        pieces.push(format!("{}é{}", "B".repeat(60), "c".repeat(10)));
        let mut seed = 0x2545_f491_u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as usize
        };
        let mut found = 0;
        for round in 0..2000 {
            let text = random_text(&pieces, 1 + round % 97, &mut next);
            let got = super::scan(g.kb, &text);
            let want = super::scan_by_positions(g.kb, &text);
            let key = |t: &[super::Tok]| -> Vec<_> {
                t.iter().map(|t| (t.start, t.end, t.pat)).collect()
            };
            assert_eq!(key(&got), key(&want), "{text:?}");
            found += want.len();
        }
        assert!(found > 20_000, "{found}");
    }

    #[test]
    fn kinds_are_the_first_meaning_of_each_kind() {
        use crate::{Anaphor, Pat};
        let pats = [
            Pat::Place { place: 4 },
            Pat::Actor {
                actor: 1,
                sector: None,
                institution: false,
            },
            Pat::Role { role: 2 },
            Pat::Actor {
                actor: 3,
                sector: None,
                institution: true,
            },
            Pat::Role { role: 5 },
            Pat::Anaphor(Anaphor::It),
        ];
        let k = super::Kinds::of(&pats, true);
        assert_eq!((k.place, k.actor, k.role), (Some(4), Some(1), Some(2)));
        assert_eq!(
            (k.adj, k.people, k.anaphor),
            (None, None, Some(Anaphor::It))
        );
        assert!(k.ambiguous && !k.person);
        let k = super::Kinds::of(&[Pat::Person { person: 0 }, Pat::Adj { actor: 7 }], false);
        assert!(k.person && !k.ambiguous && k.adj == Some(7) && k.actor.is_none());
    }

    #[test]
    fn ascii_capitalised_words_as_by_chars() {
        use super::{capitalised_count, capitalised_words};
        let parts = [
            "Turkey", "Vows", "support", "s", "'s", "A", "x", "-", "--", "2020", "U-2", "Co", " ",
            " ", ", ", ".", "\n", "(", "'", "S", "sS", "7", "B-", "-b",
        ];
        let mut seed = 0x1234_5678_u32;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..seed % 12 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                text.push_str(parts[seed as usize % parts.len()]);
            }
            let by_chars = capitalised_count(capitalised_words(&text));
            let by_bytes = super::ascii_first_capitalised(text.as_bytes());
            assert_eq!(by_bytes, by_chars, "{text:?}");
            let by_chars = capitalised_count(capitalised_words(&text).rev());
            let by_bytes = super::ascii_last_capitalised(text.as_bytes());
            assert_eq!(by_bytes, by_chars, "{text:?}");
        }
    }

    #[test]
    fn short_words_table_as_a_map() {
        let mut table = super::ShortWords::default();
        let mut map = std::collections::HashMap::new();
        let mut seed = 0x0bad_5eed_u64;
        for n in 0..3000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            // keys of one to eight bytes, some repeated
            let key = ((seed | 1) >> (8 * (seed % 8))).max(1);
            table.entry(key).alone = Some(n);
            map.insert(key, n);
            let probe = key.rotate_left(8) | 1;
            assert_eq!(
                table.get(probe).and_then(|e| e.alone),
                map.get(&probe).copied(),
                "{probe:x}"
            );
        }
        for (k, n) in &map {
            assert_eq!(table.get(*k).and_then(|e| e.alone), Some(*n));
        }
        assert_eq!(table.iter().count(), map.len());
    }

    #[test]
    fn word_end_as_by_chars() {
        let text = "a Nagorno-Karabakh 2020s,Ab9Zz@[`{ Şuşa Xankəndi ÖSD x\u{300}y ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/abcdefghijklmnopqrstuvwxyz 1234567";
        for (p, _) in text.char_indices() {
            let want = p + text[p..]
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(text.len() - p);
            assert_eq!(super::word_end(text, p), want, "{p}");
        }
    }

    #[test]
    fn no_matches_inside_words_or_lowercase_names() {
        let ms = run("pressure on statesmen; armenia; the Turkeys; Baku's", None);
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].text, "Baku");
    }
}
