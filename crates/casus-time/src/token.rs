//! Tokenizer: splits text into words, numbers and single punctuation marks,
//! each with its byte span, so that every span the tagger reports falls on
//! UTF-8 character boundaries.

use std::borrow::Cow;

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
#[derive(Clone, Debug)]
pub struct Tok<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    /// Lower-cased text (borrowed when the text is already lower case).
    pub lower: Cow<'a, str>,
    pub kind: TokKind,
    /// Whether white space separates this token from the previous one.
    pub space_before: bool,
    /// Whether a line break separates this token from the previous one.
    pub newline_before: bool,
    /// Integer value of a plain digit run (no separators), up to 9 digits.
    pub num: Option<u64>,
    /// Number of digits of a plain digit run.
    pub digits: usize,
    /// `2,840` or `22.8`: a number that is never a year or a day.
    pub grouped: bool,
    /// The lexicon's number for the lower-cased text
    /// ([`crate::lexicon::NO_WORD`] until [`crate::lexicon::Lexicon::mark`]
    /// sets it).
    pub id: u32,
    /// The lexicon tables with a phrase starting with this token and its
    /// flags (see [`crate::lexicon::Lexicon::mark`]).
    pub tables: u32,
}

impl Tok<'_> {
    /// Whether the token is a word starting with an upper-case letter.
    pub fn capitalized(&self) -> bool {
        self.kind == TokKind::Word && self.text.chars().next().is_some_and(char::is_uppercase)
    }
}

/// The lower-cased form of the token `text[s..e]`: a slice of `lowered`
/// (the text lower-cased byte by byte, ASCII only) when the token is ASCII
/// (`ascii`, known from the scan), else lower-cased here (borrowed when it
/// has no upper-case letter).
fn lower<'a>(text: &'a str, lowered: &'a str, s: usize, e: usize, ascii: bool) -> Cow<'a, str> {
    let t = &text[s..e];
    if ascii {
        if let Some(l) = lowered.get(s..e) {
            return Cow::Borrowed(l);
        }
    }
    if t.chars().any(char::is_uppercase) {
        Cow::Owned(t.to_lowercase())
    } else {
        Cow::Borrowed(t)
    }
}

/// Whether `b` is an ASCII character that [`char::is_whitespace`] accepts.
fn ascii_space(b: u8) -> bool {
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

/// The end of the run of alphabetic characters from byte `i`, and whether
/// the run is all ASCII.
fn alphabetic_end(text: &str, mut i: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut ascii = true;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphabetic() {
            i += 1;
        } else if b.is_ascii() {
            break;
        } else {
            let (c, len) = char_at(text, i);
            if !c.is_alphabetic() {
                break;
            }
            ascii = false;
            i += len;
        }
    }
    (i, ascii)
}

/// The end of a number starting at byte `s` (an ASCII digit) and whether
/// it has thousands separators or a decimal part.
fn number_end(bytes: &[u8], s: usize) -> (usize, bool) {
    let mut e = s + 1;
    while e < bytes.len() && bytes[e].is_ascii_digit() {
        e += 1;
    }
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
    (e, grouped)
}

/// Splits `text` into tokens; white space is dropped.
pub fn tokenize(text: &str) -> Vec<Tok<'_>> {
    tokenize_lowered(text, "")
}

/// [`tokenize`] with `lowered`, the text lower-cased by
/// [`str::to_ascii_lowercase`] (or empty), from which ASCII tokens borrow
/// their lower-case form instead of allocating it.
pub fn tokenize_lowered<'a>(text: &'a str, lowered: &'a str) -> Vec<Tok<'a>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 5);
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
        // ASCII without decoding (its white space is `ascii_space`)
        let (end, kind, grouped, ascii) = if b.is_ascii_digit() {
            let (e, grouped) = number_end(bytes, s);
            (e, TokKind::Num, grouped, true)
        } else if b.is_ascii_alphabetic() {
            let (e, ascii) = alphabetic_end(text, s + 1);
            (e, TokKind::Word, false, ascii)
        } else if b.is_ascii() {
            (s + 1, TokKind::Punct, false, true)
        } else {
            let (c, len) = char_at(text, s);
            if c.is_whitespace() {
                space = true;
                s += len;
                continue;
            }
            if c.is_alphabetic() {
                (alphabetic_end(text, s + len).0, TokKind::Word, false, false)
            } else {
                (s + len, TokKind::Punct, false, false)
            }
        };
        let t = &text[s..end];
        let (num, digits) = if kind == TokKind::Num && !grouped && t.len() <= 9 {
            (t.parse().ok(), t.len())
        } else {
            (None, if kind == TokKind::Num { t.len() } else { 0 })
        };
        out.push(Tok {
            start: s,
            end,
            text: t,
            lower: lower(text, lowered, s, end, ascii),
            kind,
            space_before: space,
            newline_before: newline,
            num,
            digits,
            grouped,
            id: crate::lexicon::NO_WORD,
            tables: 0,
        });
        space = false;
        newline = false;
        s = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_numbers_punct() {
        let t = tokenize("On 2 October, 2020 (T-72) 2,840 22.8 mid-1980s Ðức");
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
    }

    #[test]
    fn list_of_numbers_is_not_grouped_wrongly() {
        let t = tokenize("May 4, 1865");
        assert_eq!(t.len(), 4);
        assert_eq!(t[3].num, Some(1865));
    }
}
