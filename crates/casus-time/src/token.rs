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
}

impl Tok<'_> {
    /// Whether the token is a word starting with an upper-case letter.
    pub fn capitalized(&self) -> bool {
        self.kind == TokKind::Word && self.text.chars().next().is_some_and(char::is_uppercase)
    }
}

fn lower(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_uppercase) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// Splits `text` into tokens; white space is dropped.
pub fn tokenize(text: &str) -> Vec<Tok<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut space = true;
    let mut newline = true;
    let mut it = text.char_indices().peekable();
    while let Some((s, c)) = it.next() {
        if c.is_whitespace() {
            space = true;
            newline |= c == '\n';
            continue;
        }
        let (end, kind, grouped) = if c.is_ascii_digit() {
            let mut e = s + 1;
            while e < bytes.len() && bytes[e].is_ascii_digit() {
                e += 1;
            }
            let mut grouped = false;
            // thousands separators: ",ddd" not followed by another digit
            loop {
                if e + 4 <= bytes.len()
                    && bytes[e] == b','
                    && bytes[e + 1..e + 4].iter().all(u8::is_ascii_digit)
                    && !(e + 4 < bytes.len() && bytes[e + 4].is_ascii_digit())
                {
                    e += 4;
                    grouped = true;
                } else {
                    break;
                }
            }
            if e + 1 < bytes.len() && bytes[e] == b'.' && bytes[e + 1].is_ascii_digit() {
                e += 1;
                while e < bytes.len() && bytes[e].is_ascii_digit() {
                    e += 1;
                }
                grouped = true;
            }
            (e, TokKind::Num, grouped)
        } else if c.is_alphabetic() {
            let mut e = s + c.len_utf8();
            while let Some(&(i, d)) = it.peek() {
                if d.is_alphabetic() {
                    e = i + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            (e, TokKind::Word, false)
        } else {
            (s + c.len_utf8(), TokKind::Punct, false)
        };
        if kind == TokKind::Num {
            // skip the chars consumed by the byte scanner (all ASCII)
            while let Some(&(i, _)) = it.peek() {
                if i < end {
                    it.next();
                } else {
                    break;
                }
            }
        }
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
            lower: lower(t),
            kind,
            space_before: space,
            newline_before: newline,
            num,
            digits,
            grouped,
        });
        space = false;
        newline = false;
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
