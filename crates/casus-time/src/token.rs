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

/// The end of the run of alphabetic characters from byte `i`, and whether
/// the run is all ASCII. Always inlined: it runs for every word, most of
/// them too short to pay for a call.
#[inline(always)]
fn alphabetic_end(text: &str, mut i: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut ascii = true;
    loop {
        // ASCII letters, most of any word, byte by byte
        while i < bytes.len() && ALPHA[usize::from(bytes[i])] {
            i += 1;
        }
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
    tokenize_lowered(text, "", spill)
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
    /// The first byte of a non-ASCII character (or, in no valid text, a
    /// continuation byte): decoded.
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

/// [`tokenize`] with `lowered`, the text lower-cased by
/// [`str::to_ascii_lowercase`] (or empty), from which ASCII tokens borrow
/// their lower-case form. Tokens that need a lower-case form of their own
/// (non-ASCII words with upper-case letters, and ASCII ones when `lowered`
/// is empty) borrow it from `spill`, to which it is appended.
pub fn tokenize_lowered<'a>(
    text: &'a str,
    lowered: &'a str,
    spill: &'a mut String,
) -> Vec<Tok<'a>> {
    let mut tk = Tokenizer {
        text,
        lowered: (lowered.len() == text.len()).then_some(lowered),
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

/// The state of [`tokenize_lowered`].
struct Tokenizer<'a, 's> {
    text: &'a str,
    /// The text lower-cased, if given.
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
                Class::Letter => self.word(s),
                Class::Punct => {
                    let t = &self.text[s..s + 1];
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
        let t = &self.text[s..e];
        self.push(Tok {
            num: num.filter(|_| !grouped),
            digits: t.len().min(255) as u8,
            grouped,
            ..Tok::new(t, t, s, TokKind::Num)
        });
        e
    }

    /// The word at byte `s`, an ASCII letter; returns its end.
    #[inline]
    fn word(&mut self, s: usize) -> usize {
        let (e, ascii) = alphabetic_end(self.text, s + 1);
        let t = &self.text[s..e];
        let lower = match self.lowered {
            Some(l) if ascii => &l[s..e],
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
            " ",
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
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..20_000 {
            let text: String = (0..next(12)).map(|_| PIECES[next(PIECES.len())]).collect();
            let lowered = text.to_ascii_lowercase();
            let mut spill = [String::new(), String::new(), String::new(), String::new()];
            let [a, b, c, d] = &mut spill;
            assert_eq!(
                fields(&tokenize_lowered(&text, &lowered, a)),
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
        let lowered = s.to_ascii_lowercase();
        let (mut a, mut b) = (String::new(), String::new());
        let with = tokenize_lowered(s, &lowered, &mut a);
        let without = tokenize(s, &mut b);
        let lows = |t: &[Tok]| t.iter().map(|t| t.lower.to_string()).collect::<Vec<_>>();
        let expect: Vec<String> = with.iter().map(|t| t.text.to_lowercase()).collect();
        assert_eq!(lows(&with), expect);
        assert_eq!(lows(&without), expect);
    }
}
