//! Tokens: the words and punctuation of a sentence, with byte offsets.
//!
//! A word is a run of letters and digits that may carry inner hyphens,
//! apostrophes, dots and digit-group commas (`cease-fire`, `U.S`, `2,840`,
//! `2.5`). A possessive `'s` is split off as its own token. Every other
//! non-space character is a one-character punctuation token.

/// One token of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tok {
    /// Byte offset of the first byte, into the text given to [`tokenize`].
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The token, lower case, with curly apostrophes made straight.
    pub low: String,
    /// Whether the token is a word (letters or digits), not punctuation.
    pub word: bool,
    /// Whether the token starts with an upper-case letter in the text.
    pub upper: bool,
    /// [`crate::lexicon::word_key`] of `low`: phrase sets look tokens up by
    /// it, so a token is normalised and hashed once, not once per lexicon.
    pub key: u64,
    /// The grammar's word classes the token belongs to
    /// ([`crate::rules::class`] bits, set by [`crate::sentence_tokens`]).
    pub class: u16,
}

impl Tok {
    fn new(start: usize, end: usize, low: String, word: bool, upper: bool) -> Tok {
        let key = crate::lexicon::word_key(&low);
        Tok {
            start,
            end,
            low,
            word,
            upper,
            key,
            class: 0,
        }
    }

    /// Whether the token is in one of the word classes `c`.
    #[inline]
    pub fn is(&self, c: u16) -> bool {
        self.class & c != 0
    }
}

fn joins(c: char) -> bool {
    matches!(
        c,
        '-' | '\'' | '\u{2019}' | '.' | ',' | '\u{2010}' | '\u{2011}'
    )
}

/// Splits `text[from..to]` into tokens. Out-of-range or non-boundary limits
/// are clamped, so this never panics.
pub fn tokenize(text: &str, from: usize, to: usize) -> Vec<Tok> {
    // Offsets that are not on character boundaries move inward; when both
    // fall inside one character the range is empty.
    let mut to = to.min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let mut from = from.min(to);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let from = from.min(to);
    let s = &text[from..to];
    // The character at byte `p` of `s` (`p` is always a boundary here).
    // ASCII, most of any text, is read without decoding.
    let at = |p: usize| -> Option<char> {
        match *s.as_bytes().get(p)? {
            b if b < 0x80 => Some(b as char),
            _ => s.get(p..).and_then(|r| r.chars().next()),
        }
    };
    let mut out = Vec::with_capacity(s.len() / 5 + 1);
    let mut p = 0;
    while let Some(c) = at(p) {
        let b = p;
        if c.is_whitespace() {
            p += c.len_utf8();
            continue;
        }
        if c.is_alphanumeric() {
            // `prev` is the last character taken into the word.
            let mut prev = c;
            let mut q = p + c.len_utf8();
            while let Some(c2) = at(q) {
                if c2.is_alphanumeric() {
                    prev = c2;
                    q += c2.len_utf8();
                } else if joins(c2) {
                    let q2 = q + c2.len_utf8();
                    match at(q2) {
                        Some(c3) if c3.is_alphanumeric() => {
                            // A comma joins only digit groups: "2,840" but not "Armenia,Azerbaijan".
                            if c2 == ',' && !(prev.is_ascii_digit() && c3.is_ascii_digit()) {
                                break;
                            }
                            prev = c3;
                            q = q2 + c3.len_utf8();
                        }
                        _ => break,
                    }
                } else {
                    break;
                }
            }
            let end = q;
            let word = &s[b..end];
            let mut low: String = if word.is_ascii() {
                word.to_ascii_lowercase()
            } else {
                let l = word.to_lowercase();
                if l.contains('\u{2019}') {
                    l.replace('\u{2019}', "'")
                } else {
                    l
                }
            };
            if low.len() > 2 && low.ends_with("'s") {
                let stem_len = low.len() - 2;
                let cut = b + stem_len.min(word.len());
                // Offsets of the stem are taken on the original bytes: find the apostrophe.
                let apos = word.rfind(['\'', '\u{2019}']).map(|k| b + k).unwrap_or(cut);
                low.truncate(stem_len);
                out.push(Tok::new(from + b, from + apos, low, true, c.is_uppercase()));
                out.push(Tok::new(from + apos, from + end, "'s".into(), true, false));
            } else {
                out.push(Tok::new(from + b, from + end, low, true, c.is_uppercase()));
            }
            p = end;
        } else {
            let end = b + c.len_utf8();
            let low = match c {
                '\u{2019}' | '\u{2018}' => "'".to_string(),
                '\u{201c}' | '\u{201d}' => "\"".to_string(),
                '\u{2013}' | '\u{2014}' => "-".to_string(),
                _ => c.to_string(),
            };
            out.push(Tok::new(from + b, from + end, low, false, false));
            p = end;
        }
    }
    out
}

/// Index of the first token that starts at or after `offset`.
pub fn tok_at_or_after(toks: &[Tok], offset: usize) -> usize {
    toks.partition_point(|t| t.start < offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lows(s: &str) -> Vec<String> {
        tokenize(s, 0, s.len()).into_iter().map(|t| t.low).collect()
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
    fn offsets_point_at_the_bytes() {
        let s = "Turkey’s call – “now”";
        for t in tokenize(s, 0, s.len()) {
            assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
        }
        let t = tokenize(s, 0, s.len());
        assert_eq!(&s[t[0].start..t[0].end], "Turkey");
        assert_eq!(t[1].low, "'s");
    }

    #[test]
    fn clamps_bad_ranges() {
        assert!(tokenize("abc", 5, 10).is_empty());
        assert_eq!(tokenize("é a", 1, 4).len(), 1);
    }
}

#[cfg(test)]
mod boundary_tests {
    #[test]
    fn offsets_inside_a_character_do_not_panic() {
        assert!(super::tokenize("é", 1, 1).is_empty());
        assert!(super::tokenize("aé b", 2, 2).is_empty());
        assert_eq!(super::tokenize("aé b", 2, 5).len(), 1);
    }
}
