//! Tokenizer: splits text into words, numbers and single punctuation marks,
//! each with its byte span, so that every span the tagger reports falls on
//! UTF-8 character boundaries.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokKind {
    /// A run of alphabetic characters.
    Word,
    /// A run of ASCII digits, possibly with thousands separators (`2,840`)
    /// or a decimal part (`22.8`).
    Num,
    /// Any other single non-space character.
    Punct,
}

/// One token with its byte span in the text.
///
/// Kept small (64 bytes): a text has a token every few bytes, and the
/// tagger writes and reads them all.
#[derive(Clone, Debug)]
pub struct Tok<'a> {
    /// The token as written; it ends at [`Tok::end`].
    pub text: &'a str,
    /// Lower-cased text: a slice of the text, of its ASCII-lower-cased copy
    /// or, for a non-ASCII word with upper-case letters, of the spill string
    /// given to [`tokenize_lowered`].
    pub lower: &'a str,
    /// Byte offset of the token in the text.
    pub start: usize,
    /// Integer value of a plain digit run (no separators), up to 9 digits.
    pub num: Option<u32>,
    /// The lexicon's number for the lower-cased text
    /// ([`crate::lexicon::NO_WORD`] until [`crate::lexicon::Lexicon::mark`]
    /// sets it).
    pub id: u32,
    /// The lexicon tables with a phrase starting with this token and its
    /// flags (see [`crate::lexicon::Lexicon::mark`]).
    pub tables: u32,
    /// Number of characters of a number (0 for other tokens), at most 255:
    /// the scanner only compares it with small counts.
    pub digits: u8,
    pub kind: TokKind,
    /// Whether white space separates this token from the previous one.
    pub space_before: bool,
    /// Whether a line break separates this token from the previous one.
    pub newline_before: bool,
    /// `2,840` or `22.8`: a number that is never a year or a day.
    pub grouped: bool,
}

impl Tok<'_> {
    /// Byte offset one past the token.
    #[inline]
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// Whether the token is a word starting with an upper-case letter.
    pub fn capitalized(&self) -> bool {
        self.kind == TokKind::Word && self.text.chars().next().is_some_and(char::is_uppercase)
    }
}

/// Whether `b` is an ASCII character that [`char::is_whitespace`] accepts.
#[inline]
const fn ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// The character at byte `i` (a char boundary) of `text` and its length.
#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        return (char::from(b), 1);
    }
    let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
    (c, c.len_utf8())
}

/// Whether a byte is an ASCII letter, by table: the word scan tests most
/// bytes of the text.
static ALPHA: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphabetic();
        b += 1;
    }
    t
};

/// Each byte's top bit.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// A byte repeated in every byte of a word.
const fn splat(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// The top bit of each byte of `w` (little-endian) that is no ASCII letter.
#[inline]
fn non_letters(w: u64) -> u64 {
    // letters folded to lower case, top bits cleared so that no sum carries
    // into the next byte
    let x = (w | splat(0x20)) & !HIGH;
    let from_a = x.wrapping_add(splat(0x80 - b'a'));
    let past_z = x.wrapping_add(splat(0x80 - b'z' - 1));
    let letters = from_a & !past_z & !w & HIGH;
    !letters & HIGH
}

/// The end of the run of ASCII letters from byte `i`: eight bytes at a
/// time (words are a few letters long: most end in the first eight), the
/// last few one by one.
#[inline(always)]
fn ascii_letters_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut w = [0; 8];
        w.copy_from_slice(chunk);
        let stops = non_letters(u64::from_le_bytes(w));
        if stops != 0 {
            return i + (stops.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && ALPHA[usize::from(bytes[i])] {
        i += 1;
    }
    i
}

/// The end of the run of alphabetic characters from byte `i`, and whether
/// the run is all ASCII. Always inlined: it runs for every word, most of
/// them too short to pay for a call.
#[inline(always)]
fn alphabetic_end(text: &str, mut i: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut ascii = true;
    loop {
        i = ascii_letters_end(bytes, i);
        if i == bytes.len() || bytes[i].is_ascii() {
            return (i, ascii);
        }
        let (c, len) = char_at(text, i);
        if !c.is_alphabetic() {
            return (i, ascii);
        }
        ascii = false;
        i += len;
    }
}

/// The end of a number starting at byte `s` (an ASCII digit), whether it
/// has thousands separators or a decimal part, and the value of its
/// leading digit run when that has at most 9 digits.
#[inline]
fn number_end(bytes: &[u8], s: usize) -> (usize, bool, Option<u32>) {
    let mut e = s;
    let mut n: u32 = 0;
    while e < bytes.len() && bytes[e].is_ascii_digit() {
        // wraps only past 9 digits, whose value is not kept
        n = n.wrapping_mul(10).wrapping_add(u32::from(bytes[e] - b'0'));
        e += 1;
    }
    let num = (e - s <= 9).then_some(n);
    let mut grouped = false;
    // thousands separators: ",ddd" not followed by another digit
    while e + 4 <= bytes.len()
        && bytes[e] == b','
        && bytes[e + 1..e + 4].iter().all(u8::is_ascii_digit)
        && !(e + 4 < bytes.len() && bytes[e + 4].is_ascii_digit())
    {
        e += 4;
        grouped = true;
    }
    if e + 1 < bytes.len() && bytes[e] == b'.' && bytes[e + 1].is_ascii_digit() {
        e += 1;
        while e < bytes.len() && bytes[e].is_ascii_digit() {
            e += 1;
        }
        grouped = true;
    }
    (e, grouped, num)
}

/// Splits `text` into tokens; white space is dropped. Lower-case forms
/// that are not slices of `text` go to `spill` (see [`tokenize_lowered`]).
pub fn tokenize<'a>(text: &'a str, spill: &'a mut String) -> Vec<Tok<'a>> {
    tokenize_with(text, None, spill)
}

/// What the tokenizer does at a byte, by table: one lookup sends most bytes
/// of a text where they go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// ASCII white space but a line feed.
    Space,
    /// A line feed.
    Newline,
    /// An ASCII digit: a number starts.
    Digit,
    /// An ASCII letter: a word starts.
    Letter,
    /// Any other ASCII character: a punctuation token.
    Punct,
    /// A byte of a non-ASCII character (the loop stands only on first
    /// bytes): decoded.
    Other,
}

static CLASS: [Class; 256] = {
    let mut t = [Class::Other; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c == b'\n' {
            Class::Newline
        } else if ascii_space(c) {
            Class::Space
        } else if c.is_ascii_digit() {
            Class::Digit
        } else if c.is_ascii_alphabetic() {
            Class::Letter
        } else {
            Class::Punct
        };
        b += 1;
    }
    t
};

/// [`tokenize`], filling `lowered` with the text lower-cased as
/// [`str::to_ascii_lowercase`] does, from which ASCII words borrow their
/// lower-case form (so that most words need no copy of their own; only
/// non-ASCII words with upper-case letters go to `spill`).
pub fn tokenize_lowered<'a>(
    text: &'a str,
    lowered: &'a mut String,
    spill: &'a mut String,
) -> Vec<Tok<'a>> {
    lower_into(text, lowered);
    tokenize_with(text, Some(lowered), spill)
}

/// Sets `lowered` to `text` lower-cased as [`str::to_ascii_lowercase`]
/// does, in one pass: a copy lower-cased in place goes over every byte
/// twice (the copy alone was 2.5% of the tagger's instructions), and
/// checking the result is UTF-8 again costs as much as the copy.
fn lower_into(text: &str, lowered: &mut String) {
    let mut bytes = std::mem::take(lowered).into_bytes();
    bytes.clear();
    bytes.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
    debug_assert!(std::str::from_utf8(&bytes).is_ok());
    // SAFETY: `bytes` are those of `text`, a `str`, with `A`-`Z` turned
    // into `a`-`z`: every other byte, so every byte of a multi-byte
    // character, is where it was, and an ASCII byte is a whole character
    // before and after; so the bytes are UTF-8.
    *lowered = unsafe { String::from_utf8_unchecked(bytes) };
}

/// [`tokenize`] with `lowered`, if given, the text lower-cased as
/// [`str::to_ascii_lowercase`] does: the tokenizer slices it without
/// checks, so it must be that (see [`Tokenizer::word`]).
fn tokenize_with<'a>(
    text: &'a str,
    lowered: Option<&'a str>,
    spill: &'a mut String,
) -> Vec<Tok<'a>> {
    debug_assert!(lowered.map_or(true, |l| *l == text.to_ascii_lowercase()));
    let mut tk = Tokenizer {
        text,
        lowered,
        out: Vec::with_capacity(text.len() / 5),
        spilled: Vec::new(),
        spill,
        space: true,
        newline: true,
    };
    tk.run();
    let Tokenizer {
        mut out,
        spilled,
        spill,
        ..
    } = tk;
    let spill: &'a String = spill;
    for (i, from, to) in spilled {
        out[i].lower = &spill[from..to];
    }
    out
}

/// The state of [`tokenize_with`].
struct Tokenizer<'a, 's> {
    text: &'a str,
    /// The text lower-cased, if given (see [`tokenize_with`]).
    lowered: Option<&'a str>,
    out: Vec<Tok<'a>>,
    /// (token, start, end in `spill`) of the lower-case forms spilled.
    spilled: Vec<(usize, usize, usize)>,
    spill: &'s mut String,
    /// Whether white space (a line break) came since the last token.
    space: bool,
    newline: bool,
}

impl<'a> Tokenizer<'a, '_> {
    /// Tokenizes the text: ASCII by the byte's [`Class`], the rest decoded.
    fn run(&mut self) {
        let bytes = self.text.as_bytes();
        let mut s = 0;
        while s < bytes.len() {
            s = match CLASS[usize::from(bytes[s])] {
                Class::Space => {
                    self.space = true;
                    s + 1
                }
                Class::Newline => {
                    (self.space, self.newline) = (true, true);
                    s + 1
                }
                Class::Digit => self.number(s),
                Class::Letter => {
                    // a space after a word, as most words have, without
                    // another turn of the loop
                    let e = self.word(s);
                    if bytes.get(e) == Some(&b' ') {
                        self.space = true;
                        e + 1
                    } else {
                        e
                    }
                }
                Class::Punct => {
                    // SAFETY: byte `s` is an ASCII character, where the
                    // loop stands: a character ends before it, another
                    // after it
                    let t = unsafe { self.text.get_unchecked(s..s + 1) };
                    self.push(Tok::new(t, t, s, TokKind::Punct));
                    s + 1
                }
                Class::Other => self.other(s),
            };
        }
    }

    /// Appends `t` with the white space before it.
    #[inline]
    fn push(&mut self, mut t: Tok<'a>) {
        t.space_before = self.space;
        t.newline_before = self.newline;
        self.out.push(t);
        (self.space, self.newline) = (false, false);
    }

    /// The number at byte `s`; returns its end.
    #[inline]
    fn number(&mut self, s: usize) -> usize {
        let (e, grouped, num) = number_end(self.text.as_bytes(), s);
        // SAFETY: the number is ASCII from byte `s`, where the loop stands
        // (after a whole character), up to `e`, before the next character
        let t = unsafe { self.text.get_unchecked(s..e) };
        self.push(Tok {
            num: num.filter(|_| !grouped),
            digits: t.len().min(255) as u8,
            grouped,
            ..Tok::new(t, t, s, TokKind::Num)
        });
        e
    }

    /// The word at byte `s`, an ASCII letter; returns its end.
    ///
    /// Every token's text and lower-case form is a slice; the checks of
    /// slicing, that the bounds fall on character boundaries, were a fifth
    /// of the tokenizer's instructions, so the slices of ASCII words,
    /// numbers and punctuation, which are most tokens, are taken without
    /// them.
    #[inline]
    fn word(&mut self, s: usize) -> usize {
        let (e, ascii) = alphabetic_end(self.text, s + 1);
        // SAFETY: byte `s`, where the loop stands, starts a character;
        // `alphabetic_end` steps over ASCII bytes and whole characters
        // only, so `e` ends one (or the text)
        let t = unsafe { self.text.get_unchecked(s..e) };
        let lower = match self.lowered {
            // SAFETY: the word is ASCII, from and to character boundaries
            // of the text; `l` is the text with ASCII letters lower-cased
            // (see `tokenize_with`), every other byte where it was, so the
            // bounds fall on its character boundaries too
            Some(l) if ascii => unsafe { l.get_unchecked(s..e) },
            _ => self.lower(t),
        };
        self.push(Tok::new(t, lower, s, TokKind::Word));
        e
    }

    /// The token or white space at byte `s`, the start of a non-ASCII
    /// character; returns its end.
    #[cold]
    fn other(&mut self, s: usize) -> usize {
        let (c, len) = char_at(self.text, s);
        if c.is_whitespace() {
            self.space = true;
            return s + len;
        }
        let (e, kind) = if c.is_alphabetic() {
            (alphabetic_end(self.text, s + len).0, TokKind::Word)
        } else {
            (s + len, TokKind::Punct)
        };
        let t = &self.text[s..e];
        let lower = self.lower(t);
        self.push(Tok::new(t, lower, s, kind));
        e
    }

    /// The lower-case form of the next token `t`, when it cannot be sliced
    /// from the lower-cased text: `t` itself, or spilled.
    #[cold]
    fn lower(&mut self, t: &'a str) -> &'a str {
        if !t.chars().any(char::is_uppercase) {
            return t;
        }
        let from = self.spill.len();
        self.spill.push_str(&t.to_lowercase());
        self.spilled.push((self.out.len(), from, self.spill.len()));
        ""
    }
}

impl<'a> Tok<'a> {
    /// A token that is no number, not yet marked by the lexicon, with no
    /// white space before it.
    #[inline]
    fn new(text: &'a str, lower: &'a str, start: usize, kind: TokKind) -> Tok<'a> {
        Tok {
            text,
            lower,
            start,
            num: None,
            id: crate::lexicon::NO_WORD,
            tables: 0,
            digits: 0,
            kind,
            space_before: false,
            newline_before: false,
            grouped: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokenizer as it was before the byte classes: one loop that
    /// decodes what is not ASCII, for the equivalence tests.
    fn reference<'a>(text: &'a str, lowered: &'a str, spill: &'a mut String) -> Vec<Tok<'a>> {
        let bytes = text.as_bytes();
        let lowered = (lowered.len() == text.len()).then_some(lowered);
        let mut out = Vec::new();
        let mut spilled: Vec<(usize, usize, usize)> = Vec::new();
        let mut space = true;
        let mut newline = true;
        let mut s = 0;
        while s < bytes.len() {
            let b = bytes[s];
            if ascii_space(b) {
                space = true;
                newline |= b == b'\n';
                s += 1;
                continue;
            }
            let (end, kind, grouped, ascii, num) = if b.is_ascii_digit() {
                let (e, grouped, num) = number_end(bytes, s);
                (e, TokKind::Num, grouped, true, num.filter(|_| !grouped))
            } else if b.is_ascii_alphabetic() {
                let (e, ascii) = alphabetic_end(text, s + 1);
                (e, TokKind::Word, false, ascii, None)
            } else if b.is_ascii() {
                (s + 1, TokKind::Punct, false, true, None)
            } else {
                let (c, len) = char_at(text, s);
                if c.is_whitespace() {
                    space = true;
                    s += len;
                    continue;
                }
                if c.is_alphabetic() {
                    let e = alphabetic_end(text, s + len).0;
                    (e, TokKind::Word, false, false, None)
                } else {
                    (s + len, TokKind::Punct, false, false, None)
                }
            };
            let t = &text[s..end];
            let lower = match lowered {
                _ if ascii && kind != TokKind::Word => t,
                Some(l) if ascii => &l[s..end],
                _ if !t.chars().any(char::is_uppercase) => t,
                _ => {
                    let from = spill.len();
                    spill.push_str(&t.to_lowercase());
                    spilled.push((out.len(), from, spill.len()));
                    ""
                }
            };
            out.push(Tok {
                text: t,
                lower,
                start: s,
                num,
                id: crate::lexicon::NO_WORD,
                tables: 0,
                digits: if kind == TokKind::Num {
                    t.len().min(255) as u8
                } else {
                    0
                },
                kind,
                space_before: space,
                newline_before: newline,
                grouped,
            });
            space = false;
            newline = false;
            s = end;
        }
        let spill: &'a String = spill;
        for (i, from, to) in spilled {
            out[i].lower = &spill[from..to];
        }
        out
    }

    /// Everything a token holds, to compare tokenizers.
    fn fields(t: &[Tok]) -> Vec<String> {
        t.iter().map(|t| format!("{t:?}")).collect()
    }

    /// Random strings of pieces of every kind the tokenizer tells apart
    /// (letters of both cases and scripts, numbers with separators, white
    /// space of every sort, punctuation, runs without spaces) tokenize as
    /// the reference does, with the lower-cased copy and without it.
    #[test]
    fn byte_classes_tokenize_as_the_reference() {
        const PIECES: [&str; 36] = [
            "a",
            "On",
            "OCTOBER",
            "mid",
            "B",
            "ÐỨC",
            "ức",
            "Ünïon",
            "\u{212A}m",
            "ΣΑΣ",
            "é",
            "2",
            "2020",
            "2,840",
            "12,34",
            "22.8",
            "1.",
            ",",
            ".",
            "-",
            "'",
            "«",
            "»",
            "—",
            "\u{FFFD}",
            " ",
            "\u{3000}",
            "  ",
            "\n",
            "\r\n",
            "\t",
            "\u{0B}\u{0C}",
            "\u{A0}",
            "\u{2028}",
            "1000000000",
            "",
        ];
        let mut next = crate::testrand::indices(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let text: String = (0..next(12)).map(|_| PIECES[next(PIECES.len())]).collect();
            let (mut mine, lowered) = (String::new(), text.to_ascii_lowercase());
            let mut spill = [String::new(), String::new(), String::new(), String::new()];
            let [a, b, c, d] = &mut spill;
            assert_eq!(
                fields(&tokenize_lowered(&text, &mut mine, a)),
                fields(&reference(&text, &lowered, b)),
                "{text:?}"
            );
            assert_eq!(
                fields(&tokenize(&text, c)),
                fields(&reference(&text, "", d)),
                "{text:?}"
            );
        }
    }

    /// The one-pass lower-cased copy is the text lower-cased, whatever was
    /// in the string before.
    #[test]
    fn lowered_copy_is_the_ascii_lower_case() {
        let mut lowered = String::from("left over ÄÖ");
        for text in [
            "",
            "On 2 OCTOBER 2020",
            "ΣΑΣ Ðức \u{212A}m ÜNÏON'S",
            "@[`{ AZaz",
        ] {
            lower_into(text, &mut lowered);
            assert_eq!(lowered, text.to_ascii_lowercase());
        }
        let all: String = (0..=0x7f_u8)
            .map(char::from)
            .chain(['é', 'É', '€'])
            .collect();
        lower_into(&all, &mut lowered);
        assert_eq!(lowered, all.to_ascii_lowercase());
    }

    /// Every byte, at every place of a chunk, stops the eight-byte scan
    /// where the byte-by-byte scan stops.
    #[test]
    fn eight_bytes_at_a_time_find_the_letters() {
        for b in 0..=255u8 {
            for k in 0..8 {
                let mut w = *b"abcdefgh";
                w[k] = b;
                let want = if b.is_ascii_alphabetic() { 8 } else { k };
                let got = ascii_letters_end(&w, 0);
                assert_eq!(got, want, "byte {b:#x} at {k}");
                assert_eq!(ascii_letters_end(&w[..7], 0), want.min(7));
            }
        }
        assert_eq!(ascii_letters_end(b"AbcdefghIJKLMNOPqrs tu", 0), 19);
        assert_eq!(ascii_letters_end(b"Zz@[`{", 0), 2);
    }

    #[test]
    fn splits_words_numbers_punct() {
        let mut spill = String::new();
        let t = tokenize(
            "On 2 October, 2020 (T-72) 2,840 22.8 mid-1980s Ðức",
            &mut spill,
        );
        let texts: Vec<&str> = t.iter().map(|t| t.text).collect();
        assert_eq!(
            texts,
            [
                "On", "2", "October", ",", "2020", "(", "T", "-", "72", ")", "2,840", "22.8",
                "mid", "-", "1980", "s", "Ðức"
            ]
        );
        assert_eq!(t[4].num, Some(2020));
        assert!(t[10].grouped && t[10].num.is_none());
        assert!(!t[15].space_before);
        assert_eq!(t[2].lower, "october");
        assert_eq!(t[16].lower, "ðức");
        assert_eq!((t[10].start, t[10].end(), t[10].digits), (26, 31, 5));
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn tokens_stay_small() {
        assert_eq!(std::mem::size_of::<Tok>(), 64);
    }

    #[test]
    fn list_of_numbers_is_not_grouped_wrongly() {
        let mut spill = String::new();
        let t = tokenize("May 4, 1865", &mut spill);
        assert_eq!(t.len(), 4);
        assert_eq!(t[3].num, Some(1865));
    }

    #[test]
    fn long_numbers_keep_no_value() {
        let mut spill = String::new();
        let t = tokenize("999999999 1000000000 12,345", &mut spill);
        assert_eq!(t[0].num, Some(999_999_999));
        assert_eq!((t[1].num, t[1].digits), (None, 10));
        assert_eq!((t[2].num, t[2].digits), (None, 6));
    }

    #[test]
    fn a_lowered_copy_gives_the_same_lower_case() {
        let s = "ΣΑΣ Ðức said OK, \u{212A}m 5 «Ünïon» Ünïon's";
        let mut lowered = String::new();
        let (mut a, mut b) = (String::new(), String::new());
        let with = tokenize_lowered(s, &mut lowered, &mut a);
        let without = tokenize(s, &mut b);
        let lows = |t: &[Tok]| t.iter().map(|t| t.lower.to_string()).collect::<Vec<_>>();
        let expect: Vec<String> = with.iter().map(|t| t.text.to_lowercase()).collect();
        assert_eq!(lows(&with), expect);
        assert_eq!(lows(&without), expect);
    }
}
