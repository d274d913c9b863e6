//! Sentence segmentation: the second stage of casus.
//!
//! Works on a clean text from `casus-read`, where a newline is always a hard
//! boundary (headings, list items and paragraphs each stand on their own
//! line). Within a line it splits after `.`, `!` or `?` (and any closing
//! quotes or brackets) when the next word opens a sentence, and knows the
//! abbreviations, initials and numbers that do not end one. The abbreviation
//! list lives in `data/segment/abbreviations.txt`.
//!
//! ```
//! use casus_segment::Segmenter;
//! let seg = Segmenter::embedded();
//! let text = "Gen. Smith met U.S. envoys at 8:30 p.m. on Dec. 5. The talks failed.";
//! let s: Vec<&str> = seg.split(text).iter().map(|s| &text[s.start..s.end]).collect();
//! assert_eq!(s, ["Gen. Smith met U.S. envoys at 8:30 p.m. on Dec. 5.", "The talks failed."]);
//! ```

use rustc_hash::FxHashMap;
use serde::Serialize;

/// What a sentence is, by its place in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SentenceKind {
    /// Running text.
    Text,
    /// A short line without final punctuation: a heading or a label.
    Heading,
    /// A line that starts with a list marker.
    ListItem,
}

/// A sentence: a byte range of the text it was split from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub kind: SentenceKind,
}

/// Splits text into sentences.
#[derive(Debug, Clone)]
pub struct Segmenter {
    /// The abbreviations (with their final period) and their class. One
    /// map with a fast hash: a token is looked up at nearly every period.
    abbreviations: FxHashMap<String, Abbreviation>,
    /// The length in bytes of the longest abbreviation: longer tokens are
    /// not looked up.
    longest: usize,
}

/// How an abbreviation bears on a sentence break after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Abbreviation {
    /// Never ends a sentence (titles, months, "No.").
    Title,
    /// Ends a sentence only before a common sentence opener.
    Other,
}

const ABBREVIATIONS: &str = include_str!("../../../data/segment/abbreviations.txt");

/// Words that open sentences; after an ambiguous abbreviation they mean a break.
const OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "It",
    "He",
    "She",
    "They",
    "This",
    "That",
    "These",
    "Those",
    "We",
    "I",
    "His",
    "Her",
    "Their",
    "Its",
    "According",
    "After",
    "Before",
    "During",
    "However",
    "Following",
    "Meanwhile",
    "There",
    "But",
    "And",
    "As",
    "By",
    "For",
    "From",
    "When",
    "While",
    "Since",
    "Later",
    "Earlier",
    "Also",
];

impl Segmenter {
    /// The segmenter with the abbreviation list compiled into the binary.
    pub fn embedded() -> Segmenter {
        Segmenter::from_list(ABBREVIATIONS)
    }

    /// A segmenter from an abbreviation list in the format of
    /// `data/segment/abbreviations.txt`.
    pub fn from_list(list: &str) -> Segmenter {
        let mut abbreviations = FxHashMap::default();
        let mut in_titles = true;
        for line in list.lines() {
            let line = line.trim();
            match line {
                "" => {}
                "[title]" => in_titles = true,
                "[other]" => in_titles = false,
                l if l.starts_with('#') => {}
                // A title listed twice stays a title, wherever it is.
                l if in_titles => {
                    abbreviations.insert(l.to_string(), Abbreviation::Title);
                }
                l => {
                    abbreviations
                        .entry(l.to_string())
                        .or_insert(Abbreviation::Other);
                }
            }
        }
        let longest = abbreviations.keys().map(String::len).max().unwrap_or(0);
        Segmenter {
            abbreviations,
            longest,
        }
    }

    /// The class of `word` if it is a listed abbreviation.
    fn abbreviation(&self, word: &str) -> Option<Abbreviation> {
        if word.len() > self.longest {
            return None;
        }
        self.abbreviations.get(word).copied()
    }

    /// Splits `text` into sentences, trimmed of surrounding whitespace.
    pub fn split(&self, text: &str) -> Vec<Sentence> {
        let mut out = Vec::new();
        for (start, line) in lines_inclusive(text) {
            let body = line.trim_end_matches(['\n', '\r']);
            self.split_line(text, start, start + body.len(), &mut out);
        }
        out
    }

    fn split_line(&self, text: &str, start: usize, end: usize, out: &mut Vec<Sentence>) {
        let line = &text[start..end];
        let trimmed = line.trim();
        if trimmed.is_empty() {
            return;
        }
        let list = is_list_item(trimmed);
        let bytes = text.as_bytes();
        let first = out.len();
        // A list item's sentence starts after its marker.
        let mut sent_start = if list {
            let lead = line.len() - line.trim_start().len();
            let marker = trimmed.find(' ').map_or(0, |k| k + 1);
            start + lead + marker
        } else {
            start
        };
        // Scan from the sentence start: a numbered item's marker ("92. ")
        // is not a terminator (it made breaks_after slice backwards).
        let mut i = sent_start;
        // From terminator to terminator: no other byte can end a sentence.
        while let Some(k) = memchr::memchr3(b'.', b'!', b'?', &bytes[i..end]) {
            i += k;
            // Extend over repeated terminators and closing quotes/brackets.
            let mut j = i + 1;
            while j < end && matches!(bytes[j], b'.' | b'!' | b'?') {
                j += 1;
            }
            while j < end {
                let rest = &text[j..end];
                let c = rest.chars().next().unwrap_or(' ');
                if matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»') {
                    j += c.len_utf8();
                } else {
                    break;
                }
            }
            if j < end && bytes[j] == b' ' && self.breaks_after(text, sent_start, i, j, end) {
                push(text, sent_start, j, list && out.len() == first, out);
                sent_start = j;
            }
            i = j;
        }
        push(text, sent_start, end, list && out.len() == first, out);
        // A one-sentence line without final punctuation is a heading.
        if out.len() == first + 1 && !list {
            let s = &mut out[first];
            let t = &text[s.start..s.end];
            let last = t.chars().last().unwrap_or('.');
            if !matches!(last, '.' | '!' | '?' | '"' | '”' | ':' | ';' | ',')
                && t.split_whitespace().count() <= 12
            {
                s.kind = SentenceKind::Heading;
            }
        }
    }

    /// Whether the terminator at `dot` (its run ending at `after`) ends a sentence.
    fn breaks_after(
        &self,
        text: &str,
        sent_start: usize,
        dot: usize,
        after: usize,
        end: usize,
    ) -> bool {
        let next_word = text[after..end].trim_start();
        let Some(c) = next_word.chars().next() else {
            return false;
        };
        let opens = c.is_uppercase()
            || matches!(c, '"' | '“' | '‘' | '(' | '[' | '\'')
            || c.is_ascii_digit();
        if !opens {
            return false;
        }
        if text.as_bytes()[dot] != b'.' {
            return true;
        }
        // The token that the period ends.
        // Tokens are short: look back a bounded way (a long line of
        // unbroken abbreviations would otherwise be quadratic).
        let mut sent_start = sent_start.max(dot.saturating_sub(256));
        while !text.is_char_boundary(sent_start) {
            sent_start += 1;
        }
        // Past the opening mark, whatever its width ('“' is three bytes).
        let tok_start = text[sent_start..dot]
            .char_indices()
            .rev()
            .find(|&(_, c)| matches!(c, ' ' | '(' | '"' | '“'))
            .map_or(sent_start, |(k, c)| sent_start + k + c.len_utf8());
        let token = &text[tok_start..=dot];
        let word = trim_opening_marks(token);
        let opener_follows = || OPENERS.contains(&leading_word(next_word));
        match self.abbreviation(word) {
            Some(Abbreviation::Title) => return false,
            Some(Abbreviation::Other) => return opener_follows(),
            None => {}
        }
        let core = word.trim_end_matches('.');
        // Initials: "Robert C. O'Brien", "J.R.R."
        if single_char(core).is_some_and(char::is_uppercase) {
            return opener_follows();
        }
        if core.len() >= 3 && is_dotted_initials(core) {
            // Dotted acronyms not in the list: "N.A.T.O."
            return opener_follows();
        }
        true
    }
}

/// The lines of `text` with their offsets, each with its `\n` (as
/// `str::split_inclusive('\n')` gives them): the breaks are found with
/// the vectorised `memchr`, a few times cheaper on long lines.
fn lines_inclusive(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut breaks = memchr::memchr_iter(b'\n', text.as_bytes());
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = breaks.next().map_or(text.len(), |i| i + 1);
        let line = (start, &text[start..end]);
        start = end;
        Some(line)
    })
}

/// `token` without the brackets and quotes that open it. Most tokens
/// open with an ASCII letter or digit: they are returned as they are.
fn trim_opening_marks(token: &str) -> &str {
    if token
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_alphanumeric)
    {
        return token;
    }
    token.trim_start_matches(['(', '"', '“', '\''])
}

/// The run of alphanumeric characters that opens `s`.
fn leading_word(s: &str) -> &str {
    let end = s
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(s.len(), |(k, _)| k);
    &s[..end]
}

/// Whether `s` is single characters separated by periods ("N.A.T.O"):
/// every part of `s.split('.')` is one character. Most words fail at
/// their second character, without the search a split makes.
fn is_dotted_initials(s: &str) -> bool {
    let mut chars = s.chars();
    loop {
        if chars.next().is_none_or(|c| c == '.') {
            return false;
        }
        match chars.next() {
            None => return true,
            Some('.') => {}
            Some(_) => return false,
        }
    }
}

/// The character of `s` if it has exactly one.
fn single_char(s: &str) -> Option<char> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

fn is_list_item(line: &str) -> bool {
    let mut chars = line.chars();
    match chars.next() {
        Some('•' | '*' | '-' | '–' | '·') => chars.next() == Some(' '),
        Some(c) if c.is_ascii_digit() => {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            line[digits..].starts_with(". ") || line[digits..].starts_with(") ")
        }
        _ => false,
    }
}

/// Sentences longer than this (bytes) are cut at a clause or word break:
/// no prose sentence is this long, and every later stage works per
/// sentence, so an unbroken 200 MB line must not become one sentence.
const MAX_SENTENCE: usize = 2048;

fn push(text: &str, start: usize, end: usize, list: bool, out: &mut Vec<Sentence>) {
    let s = &text[start..end];
    let lead = s.len() - trim_start(s).len();
    let trail = s.len() - trim_end(s).len();
    if lead + trail >= s.len() {
        return;
    }
    let (start, end) = (start + lead, end - trail);
    if end - start > MAX_SENTENCE {
        let mut cut = start + MAX_SENTENCE;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let window = &text[start..cut];
        let at = window
            .rfind("; ")
            .or_else(|| window.rfind(", "))
            .or_else(|| window.rfind(' '))
            .filter(|&k| k > MAX_SENTENCE / 4)
            .map_or(cut, |k| start + k + 1);
        push(text, start, at, list, out);
        return push(text, at, end, false, out);
    }
    let kind = if list {
        SentenceKind::ListItem
    } else {
        SentenceKind::Text
    };
    out.push(Sentence { start, end, kind });
}

/// `s.trim_start()`, with the common case of a first byte that is
/// ASCII and not white space decided at once.
fn trim_start(s: &str) -> &str {
    match s.as_bytes().first() {
        Some(&b) if b.is_ascii() && !char::from(b).is_whitespace() => s,
        _ => s.trim_start(),
    }
}

/// `s.trim_end()`, with the common case of a last byte that is ASCII and
/// not white space decided at once.
fn trim_end(s: &str) -> &str {
    match s.as_bytes().last() {
        Some(&b) if b.is_ascii() && !char::from(b).is_whitespace() => s,
        _ => s.trim_end(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        Segmenter::embedded()
            .split(text)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn a_wide_opening_quote_before_a_period_is_no_boundary_trouble() {
        // Found by the pipeline's invariant test: the token before a period
        // starts after a three-byte '“', not one byte after its start.
        assert_eq!(
            split("He said “Mr. Smith left. Then"),
            ["He said “Mr. Smith left.", "Then"]
        );
        assert_eq!(split("x “y. Z"), ["x “y.", "Z"]);
    }

    #[test]
    fn abbreviations_and_initials() {
        assert_eq!(
            split("National Security Advisor Robert C. O'Brien warned Iran. Lt. Gen. Smith and St. Petersburg stayed."),
            ["National Security Advisor Robert C. O'Brien warned Iran.", "Lt. Gen. Smith and St. Petersburg stayed."]
        );
        assert_eq!(
            split("Resolution No. 884 passed. It was adopted."),
            ["Resolution No. 884 passed.", "It was adopted."]
        );
        assert_eq!(
            split("He met the U.N. envoy and U.S. officials. The U.S. The talks ended."),
            [
                "He met the U.N. envoy and U.S. officials.",
                "The U.S.",
                "The talks ended."
            ]
        );
        assert_eq!(split("Sam Jones Jr. arrived."), ["Sam Jones Jr. arrived."]);
    }

    #[test]
    fn numbers_and_times() {
        assert_eq!(
            split("On 4 November, around 8:30 p.m. local time, 2,840 men and 3.5 tanks left. Then it ended."),
            ["On 4 November, around 8:30 p.m. local time, 2,840 men and 3.5 tanks left.", "Then it ended."]
        );
    }

    #[test]
    fn quotes_and_brackets() {
        assert_eq!(
            split("He said \"we will win.\" The army (then 20,000 strong.) Next one? Yes!"),
            [
                "He said \"we will win.\"",
                "The army (then 20,000 strong.)",
                "Next one?",
                "Yes!"
            ]
        );
    }

    #[test]
    fn lines_are_hard_boundaries() {
        let text =
            "Casualties and losses\n• 2,840 servicemen killed\n• 64 missing\nA sentence. Another";
        let seg = Segmenter::embedded().split(text);
        let kinds: Vec<_> = seg.iter().map(|s| s.kind).collect();
        assert_eq!(&text[seg[1].start..seg[1].end], "2,840 servicemen killed");
        assert_eq!(
            kinds,
            [
                SentenceKind::Heading,
                SentenceKind::ListItem,
                SentenceKind::ListItem,
                SentenceKind::Text,
                SentenceKind::Text
            ]
        );
    }

    #[test]
    fn a_title_listed_as_other_too_stays_a_title() {
        let seg = Segmenter::from_list("[other]\nGen.\nInc.\n[title]\nGen.\n");
        assert_eq!(seg.abbreviation("Gen."), Some(Abbreviation::Title));
        assert_eq!(seg.abbreviation("Inc."), Some(Abbreviation::Other));
        assert_eq!(seg.abbreviation("Generals."), None);
        let seg = Segmenter::from_list("[title]\nGen.\n[other]\nGen.\n");
        assert_eq!(seg.abbreviation("Gen."), Some(Abbreviation::Title));
    }

    #[test]
    fn lines_are_those_of_split_inclusive() {
        for text in ["", "\n", "a", "a\n", "a\nb", "\n\nx\r\n\r\ny", "é\n“q”\n\n"] {
            let ours: Vec<&str> = lines_inclusive(text).map(|(_, l)| l).collect();
            let std: Vec<&str> = text.split_inclusive('\n').collect();
            assert_eq!(ours, std, "{text:?}");
            for (start, line) in lines_inclusive(text) {
                assert_eq!(&text[start..start + line.len()], line);
            }
        }
    }

    #[test]
    fn fast_paths_agree_with_the_std_ones() {
        let samples = [
            "",
            ".",
            "a",
            "a.b",
            "N.A.T.O",
            "N.A.T.O.",
            "a..b",
            "ab.c",
            "a.bc",
            ".a",
            "U.S",
            "É.Ü",
            "\u{a0}x\u{a0}",
            " x ",
            "\x0bx\x0b",
            "(\"Gen.",
            "“Mr.",
            "'s",
            "((x",
            "x\t",
            "\u{2003}",
            "é",
        ];
        for s in samples {
            let dotted = s.split('.').all(|p| p.chars().count() == 1);
            assert_eq!(is_dotted_initials(s), dotted, "{s:?}");
            assert_eq!(trim_start(s), s.trim_start(), "{s:?}");
            assert_eq!(trim_end(s), s.trim_end(), "{s:?}");
            let opening = s.trim_start_matches(['(', '"', '“', '\'']);
            assert_eq!(trim_opening_marks(s), opening, "{s:?}");
        }
    }

    #[test]
    fn leading_words_and_single_chars() {
        for s in [
            "The talks",
            "U.S.",
            "",
            " x",
            "Éric's",
            "2,840 men",
            "naïve-ish",
        ] {
            let collected: String = s.chars().take_while(|c| c.is_alphanumeric()).collect();
            assert_eq!(leading_word(s), collected, "{s:?}");
            let one = (s.chars().count() == 1).then(|| s.chars().next().unwrap());
            assert_eq!(single_char(s), one, "{s:?}");
        }
        assert_eq!(single_char("É"), Some('É'));
    }

    #[test]
    fn lowercase_after_period_does_not_split() {
        assert_eq!(split("The co. was fined. ok"), ["The co. was fined. ok"]);
    }
}
