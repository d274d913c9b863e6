//! Tokens: the words and punctuation of a sentence, with byte offsets.
//!
//! A word is a run of letters and digits that may carry inner hyphens,
//! apostrophes, dots and digit-group commas (`cease-fire`, `U.S`, `2,840`,
//! `2.5`). A possessive `'s` is split off as its own token. Every other
//! non-space character is a one-character punctuation token.

use std::borrow::Cow;

/// One token of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tok<'a> {
    /// Byte offset of the first byte, into the text given to [`tokenize`].
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The token, lower case, with curly apostrophes made straight:
    /// borrowed from the text or its lower-cased copy, or, for a word with
    /// non-ASCII letters, from the [`Spill`] of its text. Tokens own
    /// nothing, so a text's tokens are dropped without a look at each.
    pub low: &'a str,
    /// Whether the token is a word (letters or digits), not punctuation.
    pub word: bool,
    /// Whether the token starts with an upper-case letter in the text.
    pub upper: bool,
    /// Whether the token is a word joined by an ASCII hyphen ("T-72",
    /// "twenty-five"): known from the scan, not searched for again.
    pub hyphen: bool,
    /// [`crate::lexicon::word_key`] of `low`: phrase sets look tokens up by
    /// it, so a token is normalised and hashed once, not once per lexicon.
    pub key: u64,
    /// The grammar's word classes the token belongs to
    /// ([`crate::rules::class`] bits, set by `sentence_tokens`).
    pub class: u32,
    /// The marked phrase sets a phrase of which may start at the token
    /// ([`crate::rules::starts`] bits): set by `sentence_tokens` from the
    /// lookup that gives `class`, so that most tokens are turned away by a
    /// set without a look at its keys. Punctuation starts none; a word
    /// tokenized alone may start any (all bits), and the sets look it up.
    pub starts: u8,
}

impl<'a> Tok<'a> {
    #[inline(always)]
    fn new(start: usize, end: usize, low: &'a str, word: bool, upper: bool) -> Tok<'a> {
        Tok::keyed(start, end, low, crate::lexicon::word_key(low), word, upper)
    }

    /// [`Tok::new`] with the key of `low` given: a token whose word is
    /// lent later is keyed by the word, not by `low`.
    #[inline(always)]
    fn keyed(start: usize, end: usize, low: &'a str, key: u64, word: bool, upper: bool) -> Tok<'a> {
        Tok {
            start,
            end,
            low,
            word,
            upper,
            hyphen: false,
            key,
            class: 0,
            starts: if word { u8::MAX } else { 0 },
        }
    }

    /// The token, marked as joined by a hyphen or not.
    #[inline(always)]
    fn hyphen(mut self, hyphen: bool) -> Tok<'a> {
        self.hyphen = hyphen;
        self
    }

    /// Whether the token is in one of the word classes `c`.
    #[inline]
    pub fn is(&self, c: u32) -> bool {
        self.class & c != 0
    }
}

/// The lower case of the words of a text that is no slice of the text's
/// lower-cased copy (words with non-ASCII letters, or every word when there
/// is no copy), kept apart while the text is tokenized and lent to their
/// tokens afterwards by [`Spill::lend`].
///
/// Tokens borrow every word, and own none: a spill holds the few words no
/// copy of the text holds, so that the tokens need not.
#[derive(Debug, Default)]
pub struct Spill {
    /// The words, one after the other.
    words: String,
    /// Per word: the index of its token (in the vector the tokens went to)
    /// and where the word ends in `words` (it starts where the previous one
    /// ends).
    owed: Vec<(usize, usize)>,
}

impl Spill {
    /// An empty spill, for the tokens of one text.
    pub fn new() -> Spill {
        Spill::default()
    }

    /// Pushes the token at `start..end` whose lower case is `low`, to be
    /// lent later: until then the token reads `""`.
    fn push<'a>(
        &mut self,
        out: &mut Vec<Tok<'a>>,
        start: usize,
        end: usize,
        low: &str,
        upper: bool,
    ) -> usize {
        let key = crate::lexicon::word_key(low);
        self.words.push_str(low);
        self.owed.push((out.len(), self.words.len()));
        out.push(Tok::keyed(start, end, "", key, true, upper));
        out.len() - 1
    }

    /// Lends the words kept to the tokens they belong to: `toks` is the
    /// vector the tokens of the text went to, in full.
    pub fn lend<'a>(&'a self, toks: &mut [Tok<'a>]) {
        let mut from = 0;
        for &(i, to) in &self.owed {
            if let Some(t) = toks.get_mut(i) {
                t.low = &self.words[from..to];
            }
            from = to;
        }
    }
}

fn joins(c: char) -> bool {
    matches!(
        c,
        '-' | '\'' | '\u{2019}' | '.' | ',' | '\u{2010}' | '\u{2011}'
    )
}

/// The character at byte `p` of `s`, a character boundary. ASCII, most of
/// any text, is read without decoding.
#[inline]
fn char_at(s: &str, p: usize) -> Option<char> {
    match *s.as_bytes().get(p)? {
        b if b < 0x80 => Some(b as char),
        _ => s.get(p..).and_then(|r| r.chars().next()),
    }
}

/// Whether a byte is an ASCII letter or digit, by table: the word scan
/// tests nearly every byte of the text.
static ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The end of the word that starts at byte `p` of `s` with the letter or
/// digit `c`: letters and digits, joined by inner hyphens, apostrophes,
/// dots, and commas between digits; whether the word is all ASCII; and
/// whether an ASCII hyphen joins it.
#[inline]
fn word_end(s: &str, p: usize, c: char) -> (usize, bool, bool) {
    let bytes = s.as_bytes();
    // `prev` is the last character taken into the word.
    let mut prev = c;
    let mut ascii = c.is_ascii();
    let mut hyphen = false;
    let mut q = p + c.len_utf8();
    loop {
        // A run of ASCII letters and digits, most of any word, byte by byte.
        let run = q;
        while q < bytes.len() && ALNUM[usize::from(bytes[q])] {
            q += 1;
        }
        if q > run {
            prev = char::from(bytes[q - 1]);
        }
        let Some(c2) = char_at(s, q) else {
            return (q, ascii, hyphen);
        };
        // An ASCII `c2` ended the run: no letter or digit.
        if !c2.is_ascii() && c2.is_alphanumeric() {
            prev = c2;
            ascii = false;
            q += c2.len_utf8();
        } else if joins(c2) {
            let q2 = q + c2.len_utf8();
            match char_at(s, q2) {
                Some(c3) if c3.is_alphanumeric() => {
                    // A comma joins only digit groups: "2,840" but not "Armenia,Azerbaijan".
                    if c2 == ',' && !(prev.is_ascii_digit() && c3.is_ascii_digit()) {
                        return (q, ascii, hyphen);
                    }
                    prev = c3;
                    ascii &= c2.is_ascii() && c3.is_ascii();
                    hyphen |= c2 == '-';
                    q = q2 + c3.len_utf8();
                }
                _ => return (q, ascii, hyphen),
            }
        } else {
            return (q, ascii, hyphen);
        }
    }
}

/// The lower-cased form of the word `word`, with curly apostrophes made
/// straight, when it is no slice of the text's lower-cased copy: an ASCII
/// word (`ascii`, known from the scan) when there is no copy, or a word with
/// non-ASCII letters.
#[cold]
fn lower_word(word: &str, ascii: bool) -> Cow<'_, str> {
    if ascii {
        return Cow::Owned(word.to_ascii_lowercase());
    }
    let l = word.to_lowercase();
    Cow::Owned(if l.contains('\u{2019}') {
        l.replace('\u{2019}', "'")
    } else {
        l
    })
}

/// Splits `text[from..to]` into tokens. Out-of-range or non-boundary limits
/// are clamped, so this never panics.
///
/// `lowered` is `text` lower-cased by [`str::to_ascii_lowercase`], computed
/// once for all the sentences of a text so that tokens borrow their lower
/// case instead of allocating it; with `""` each word is lower-cased alone.
/// The words lower-cased alone go to `spill`, which lends them to the
/// tokens.
pub fn tokenize<'a>(
    text: &'a str,
    lowered: &'a str,
    spill: &'a mut Spill,
    from: usize,
    to: usize,
) -> Vec<Tok<'a>> {
    let mut out = Vec::new();
    tokenize_into(text, lowered, from, to, &mut out, spill);
    spill.lend(&mut out);
    out
}

/// [`tokenize`], appending the tokens to `out`: the tokens of all the
/// sentences of a text go to one vector, not one vector each. The words
/// lower-cased alone wait in `spill`, and read `""` until
/// [`Spill::lend`] gives them to their tokens once all the sentences are
/// tokenized (`out` may not grow while the tokens borrow from `spill`).
pub fn tokenize_into<'a>(
    text: &'a str,
    lowered: &'a str,
    from: usize,
    to: usize,
    out: &mut Vec<Tok<'a>>,
    spill: &mut Spill,
) {
    let (from, to) = clamp(text, from, to);
    // The text up to the end of the range: the scan never reads past it, and
    // offsets into it are offsets into `text`.
    let s = &text[..to];
    let bytes = s.as_bytes();
    out.reserve((to - from) / 5 + 1);
    let mut p = from;
    while p < to {
        let x = bytes[p];
        // ASCII, most of any text, is classed by table, undecoded.
        match BYTE_KIND[usize::from(x)] {
            SPACE => p += 1,
            WORD => {
                let upper = x.is_ascii_uppercase();
                let end = match plain_word_end(bytes, p) {
                    Some(end) => {
                        // An ASCII word is not sliced from the text: its
                        // lower-cased copy is all it needs, most of the time.
                        // A plain word has no apostrophe: no possessive to split.
                        match lowered.get(p..end) {
                            Some(low) => out.push(Tok::new(p, end, low, true, upper)),
                            None => push_word(
                                out,
                                spill,
                                s,
                                lowered,
                                p,
                                end,
                                char::from(x),
                                true,
                                false,
                            ),
                        }
                        end
                    }
                    None => {
                        let (end, ascii, hyphen) = word_end(s, p, char::from(x));
                        match lowered.get(p..end) {
                            Some(low) if ascii => push_ascii_word(out, low, p, end, upper, hyphen),
                            _ => push_word(
                                out,
                                spill,
                                s,
                                lowered,
                                p,
                                end,
                                char::from(x),
                                ascii,
                                hyphen,
                            ),
                        }
                        end
                    }
                };
                // One space after a word, the most common case, is skipped here.
                p = if bytes.get(end) == Some(&b' ') {
                    end + 1
                } else {
                    end
                };
            }
            PUNCT => {
                out.push(Tok::new(p, p + 1, &s[p..p + 1], false, false));
                p += 1;
            }
            _ => p = non_ascii(s, lowered, p, out, spill),
        }
    }
}

/// The end of the word that starts with the ASCII letter or digit at
/// `bytes[p]`, when it is a plain one: a run of ASCII letters and digits
/// that nothing joins to what follows (most words). `None` leaves the word
/// to [`word_end`].
#[inline(always)]
fn plain_word_end(bytes: &[u8], p: usize) -> Option<usize> {
    let rest = &bytes[p + 1..];
    let n = rest
        .iter()
        .position(|&b| BYTE_KIND[usize::from(b)] != WORD)
        .unwrap_or(rest.len());
    let end = p + 1 + n;
    match bytes.get(end..end + 2) {
        // A joiner ends the word only before what starts no word.
        Some(&[b'-' | b'\'' | b'.' | b',', next]) => {
            matches!(BYTE_KIND[usize::from(next)], SPACE | PUNCT).then_some(end)
        }
        Some(&[b, _]) if BYTE_KIND[usize::from(b)] == NON_ASCII => None,
        Some(_) => Some(end),
        None => match bytes.get(end) {
            Some(&b) if BYTE_KIND[usize::from(b)] == NON_ASCII => None,
            _ => Some(end),
        },
    }
}

/// `[from, to)` clamped to `text`, with offsets that are not on character
/// boundaries moved inward; when both fall inside one character the range
/// is empty.
fn clamp(text: &str, from: usize, to: usize) -> (usize, usize) {
    let mut to = to.min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let mut from = from.min(to);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    (from.min(to), to)
}

/// [`BYTE_KIND`] of an ASCII space (skipped).
const SPACE: u8 = 0;
/// [`BYTE_KIND`] of an ASCII letter or digit (starts a word).
const WORD: u8 = 1;
/// [`BYTE_KIND`] of any other ASCII byte (a punctuation token).
const PUNCT: u8 = 2;
/// [`BYTE_KIND`] of a byte of a non-ASCII character (decoded).
const NON_ASCII: u8 = 3;

/// What a byte starts, by table: the scan looks at the first byte of every
/// token and of every space.
static BYTE_KIND: [u8; 256] = {
    let mut t = [NON_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => SPACE,
            x if x.is_ascii_alphanumeric() => WORD,
            _ => PUNCT,
        };
        b += 1;
    }
    t
};

/// Pushes the ASCII word `text[start..end]`, lower-cased as `low`, split
/// before a possessive `'s`.
#[inline(always)]
fn push_ascii_word<'a>(
    out: &mut Vec<Tok<'a>>,
    low: &'a str,
    start: usize,
    end: usize,
    upper: bool,
    hyphen: bool,
) {
    let n = low.len();
    if n > 2 && low.as_bytes()[n - 2] == b'\'' && low.as_bytes()[n - 1] == b's' {
        // ASCII: the apostrophe is where it is in the lower case.
        let apos = end - 2;
        out.push(Tok::new(start, apos, &low[..n - 2], true, upper).hyphen(hyphen));
        out.push(Tok::new(apos, end, "'s", true, false));
    } else {
        out.push(Tok::new(start, end, low, true, upper).hyphen(hyphen));
    }
}

/// Pushes the word `s[b..end]`, which starts with `c`, when it is no ASCII
/// slice of `lowered`: lower-cased on its own (into `spill`), split before
/// a possessive `'s` (straight or curly).
#[cold]
#[allow(clippy::too_many_arguments)]
fn push_word<'a>(
    out: &mut Vec<Tok<'a>>,
    spill: &mut Spill,
    s: &'a str,
    lowered: &'a str,
    b: usize,
    end: usize,
    c: char,
    ascii: bool,
    hyphen: bool,
) {
    let low = match lowered.get(b..end) {
        Some(l) if ascii => Cow::Borrowed(l),
        _ => lower_word(&s[b..end], ascii),
    };
    let upper = c.is_uppercase();
    // The stem, and where the token of a possessive `'s` starts.
    let (stem, apos) = if low.len() > 2 && low.ends_with("'s") {
        let word = &s[b..end];
        let stem_len = low.len() - 2;
        let cut = b + stem_len.min(word.len());
        // Offsets of the stem are taken on the original bytes: find the apostrophe.
        let apos = word.rfind(['\'', '\u{2019}']).map(|k| b + k).unwrap_or(cut);
        (&low[..stem_len], Some(apos))
    } else {
        (&*low, None)
    };
    let stem_end = apos.unwrap_or(end);
    let i = match &low {
        Cow::Borrowed(l) => {
            let l: &'a str = l;
            out.push(Tok::new(b, stem_end, &l[..stem.len()], true, upper));
            out.len() - 1
        }
        Cow::Owned(_) => spill.push(out, b, stem_end, stem, upper),
    };
    out[i].hyphen = hyphen;
    if let Some(apos) = apos {
        out.push(Tok::new(apos, end, "'s", true, false));
    }
}

/// Reads the token (or space) that starts with the non-ASCII character at
/// byte `p` of `s`, pushing it to `out`; returns where the next one starts.
#[cold]
fn non_ascii<'a>(
    s: &'a str,
    lowered: &'a str,
    p: usize,
    out: &mut Vec<Tok<'a>>,
    spill: &mut Spill,
) -> usize {
    let Some(c) = char_at(s, p) else {
        return s.len();
    };
    let end = p + c.len_utf8();
    if c.is_whitespace() {
        return end;
    }
    if c.is_alphanumeric() {
        let (end, ascii, hyphen) = word_end(s, p, c);
        push_word(out, spill, s, lowered, p, end, c, ascii, hyphen);
        return end;
    }
    let low = match c {
        '\u{2019}' | '\u{2018}' => "'",
        '\u{201c}' | '\u{201d}' => "\"",
        '\u{2013}' | '\u{2014}' => "-",
        _ => &s[p..end],
    };
    out.push(Tok::new(p, end, low, false, false));
    end
}

/// Index of the first token that starts at or after `offset`.
pub fn tok_at_or_after(toks: &[Tok<'_>], offset: usize) -> usize {
    toks.partition_point(|t| t.start < offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens of `s[from..to]`, each as `(start, end, low, word, upper,
    /// hyphen, key)`: owned, for tests that tokenize with a spill of their
    /// own.
    pub(super) type Plain = (usize, usize, String, bool, bool, bool, u64);

    pub(super) fn plain(s: &str, lowered: &str, from: usize, to: usize) -> Vec<Plain> {
        let mut spill = Spill::new();
        tokenize(s, lowered, &mut spill, from, to)
            .iter()
            .map(|t| {
                let low = t.low.to_string();
                (t.start, t.end, low, t.word, t.upper, t.hyphen, t.key)
            })
            .collect()
    }

    fn lows(s: &str) -> Vec<String> {
        plain(s, "", 0, s.len()).into_iter().map(|t| t.2).collect()
    }

    #[test]
    fn words_numbers_and_punctuation() {
        assert_eq!(
            lows("Russia's 2,840 cease-fire, U.S. 60+"),
            [
                "russia",
                "'s",
                "2,840",
                "cease-fire",
                ",",
                "u.s",
                ".",
                "60",
                "+"
            ]
        );
    }

    #[test]
    fn a_lowered_copy_gives_the_same_tokens() {
        let s = "Russia's T-72 and Turkey’s “CALL” – Ðức's Ünïon, 2,840.";
        let lowered = s.to_ascii_lowercase();
        assert_eq!(plain(s, &lowered, 0, s.len()), plain(s, "", 0, s.len()));
        assert_eq!(plain(s, &lowered, 3, 30), plain(s, "", 3, 30));
    }

    #[test]
    fn words_lower_cased_alone_are_lent_to_their_tokens() {
        // Two texts' worth of sentences into one vector, as the coder does.
        let s = "Ünïon Ðức's ALL. Ğ and Ünïon’s";
        let lowered = s.to_ascii_lowercase();
        let mut spill = Spill::new();
        let mut toks = Vec::new();
        tokenize_into(s, &lowered, 0, 16, &mut toks, &mut spill);
        tokenize_into(s, &lowered, 17, s.len(), &mut toks, &mut spill);
        spill.lend(&mut toks);
        let lows: Vec<&str> = toks.iter().map(|t| t.low).collect();
        assert_eq!(
            lows,
            ["ünïon", "ðức", "'s", "all", ".", "ğ", "and", "ünïon", "'s"]
        );
        for t in &toks {
            assert_eq!(t.key, crate::lexicon::word_key(t.low), "{}", t.low);
        }
    }

    #[test]
    fn hyphens_are_marked() {
        let s = "T-72 twenty-five cease\u{2010}fire - Russia's-only Ünïon-led";
        let mut spill = Spill::new();
        for t in tokenize(s, "", &mut spill, 0, s.len()) {
            assert_eq!(t.hyphen, t.word && t.low.contains('-'), "{}", t.low);
        }
    }

    #[test]
    fn offsets_point_at_the_bytes() {
        let s = "Turkey’s call – “now”";
        let mut spill = Spill::new();
        let t = tokenize(s, "", &mut spill, 0, s.len());
        for t in &t {
            assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
        }
        assert_eq!(&s[t[0].start..t[0].end], "Turkey");
        assert_eq!(t[1].low, "'s");
    }

    #[test]
    fn a_token_is_six_words() {
        // The start marks sit in the padding: every sentence's tokens are
        // written once and read by every pass, so their size counts.
        assert_eq!(std::mem::size_of::<Tok>(), 48);
        let s = "Baku, said";
        let mut spill = Spill::new();
        let t = tokenize(s, "", &mut spill, 0, s.len());
        // Tokenized alone, a word may start any phrase; punctuation none.
        assert_eq!(
            t.iter().map(|t| t.starts).collect::<Vec<_>>(),
            [u8::MAX, 0, u8::MAX]
        );
    }

    #[test]
    fn clamps_bad_ranges() {
        assert!(plain("abc", "", 5, 10).is_empty());
        assert_eq!(plain("é a", "", 1, 4).len(), 1);
    }
}

#[cfg(test)]
mod equivalence_tests {
    use super::tests::{plain, Plain};
    use super::*;
    use proptest::prelude::*;

    /// The tokenizer as first written, character by character: the fast
    /// scan must give exactly its tokens.
    fn reference(text: &str, lowered: &str, from: usize, to: usize) -> Vec<Plain> {
        let mut out = Vec::new();
        let mut push = |start: usize, end: usize, low: &str, word: bool, upper: bool, hyphen| {
            let key = crate::lexicon::word_key(low);
            out.push((start, end, low.to_string(), word, upper, hyphen, key));
        };
        let (from, to) = clamp(text, from, to);
        let s = &text[from..to];
        let bytes = s.as_bytes();
        let mut p = 0;
        while p < bytes.len() {
            let b = p;
            let Some(c) = char_at(s, p) else { break };
            if c.is_whitespace() {
                p += c.len_utf8();
                continue;
            }
            if c.is_alphanumeric() {
                let (end, ascii, hyphen) = word_end(s, p, c);
                let low = match lowered.get(from + b..from + end) {
                    Some(l) if ascii => Cow::Borrowed(l),
                    _ => lower_word(&s[b..end], ascii),
                };
                let upper = c.is_uppercase();
                if low.len() > 2 && low.ends_with("'s") {
                    let word = &s[b..end];
                    let stem_len = low.len() - 2;
                    let cut = b + stem_len.min(word.len());
                    let apos = word.rfind(['\'', '\u{2019}']).map(|k| b + k).unwrap_or(cut);
                    push(from + b, from + apos, &low[..stem_len], true, upper, hyphen);
                    push(from + apos, from + end, "'s", true, false, false);
                } else {
                    push(from + b, from + end, &low, true, upper, hyphen);
                }
                p = end;
            } else {
                let end = b + c.len_utf8();
                let low = match c {
                    '\u{2019}' | '\u{2018}' => "'",
                    '\u{201c}' | '\u{201d}' => "\"",
                    '\u{2013}' | '\u{2014}' => "-",
                    _ => &s[b..end],
                };
                push(from + b, from + end, low, false, false, false);
                p = end;
            }
        }
        out
    }

    /// Text from the characters the scan treats apart: letters, digits,
    /// joiners, spaces, curly quotes, non-ASCII letters and spaces.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop::sample::select(vec![
                "a", "Z", "s", "S", "7", "0", "-", "'", ".", ",", " ", "\n", "\t", "\u{b}",
                "\u{1c}", ";", "\"", "\u{2019}", "\u{2018}", "\u{201c}", "\u{2013}", "\u{2010}",
                "\u{2011}", "é", "Ü", "İ", "ß", "\u{a0}", "\u{3000}", "€", "'s", "’s", "T-72",
                "2,840", "U.S.", "Russia's",
            ]),
            0..40,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn the_scan_gives_the_reference_tokens(s in text(), a in 0usize..80, b in 0usize..80) {
            let lowered = s.to_ascii_lowercase();
            for low in [lowered.as_str(), ""] {
                prop_assert_eq!(plain(&s, low, 0, s.len()), reference(&s, low, 0, s.len()));
                prop_assert_eq!(plain(&s, low, a, b), reference(&s, low, a, b));
            }
        }
    }
}

#[cfg(test)]
mod boundary_tests {
    use super::tests::plain;

    #[test]
    fn offsets_inside_a_character_do_not_panic() {
        assert!(plain("é", "", 1, 1).is_empty());
        assert!(plain("aé b", "", 2, 2).is_empty());
        assert_eq!(plain("aé b", "", 2, 5).len(), 1);
    }
}
