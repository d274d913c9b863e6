//! Text formats pulled from web pages: plain text, text extracted from HTML
//! with `[12]` markers, whole articles on one line, and mirror pages that
//! inject tooltips or site chrome.
//!
//! They share one cleaner, run in three passes over the lines of the file:
//! 1. classify each line (blank, chrome, reference entry, template debris,
//!    text) and, for tooltip mirrors, find where a link's injected
//!    definition starts;
//! 2. find the back matter at the end of the article (reference lists,
//!    navigation-box summaries of linked articles, debris, quotes from the
//!    references) as the suffix where such material outweighs prose;
//! 3. emit the prose with `emit_inline`, which drops citation markers and
//!    collapses whitespace, joining wrapped lines and keeping blocks apart.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use crate::offsets::{CleanBuilder, Span};
use crate::text::lines;
use crate::{Citation, Cleaned, Reference, Removed, RemovedKind, Section};

/// What the cleaner does beyond the common passes.
#[derive(Clone, Copy, Debug)]
pub struct Profile {
    /// Lines ending in ` ...` carry a link text followed by an injected
    /// definition.
    pub tooltips: bool,
    /// Every line break inside a paragraph is a soft wrap.
    pub soft_lines: bool,
    /// The whole text may be one line: find the back matter by sentence-like
    /// chunks instead of lines.
    pub chunk_tail: bool,
}

impl Profile {
    pub const TEXT: Profile = Profile {
        tooltips: false,
        soft_lines: false,
        chunk_tail: false,
    };
    pub const WEB_TEXT: Profile = Profile {
        tooltips: false,
        soft_lines: false,
        chunk_tail: false,
    };
    pub const ONE_LINE: Profile = Profile {
        tooltips: false,
        soft_lines: false,
        chunk_tail: true,
    };
    pub const TOOLTIP_MIRROR: Profile = Profile {
        tooltips: true,
        soft_lines: true,
        chunk_tail: false,
    };
    pub const CHROME_MIRROR: Profile = Profile {
        tooltips: false,
        soft_lines: false,
        chunk_tail: false,
    };
}

static CHROME: LazyLock<RegexSet> = LazyLock::new(|| {
    let pats: Vec<String> = data_lines(include_str!("../../../../data/read/chrome.txt"))
        .map(|p| format!("(?i-u){p}"))
        .collect();
    RegexSet::new(pats).expect("data/read/chrome.txt holds valid patterns")
});

/// Reference-entry lines: `12. ^ a b Butler, Ed ...`, `^ "Title"`.
static REF_ENTRY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:(\d{1,4})\.\s+)?\^\s*(?:(?:[a-z]{1,2}\s+)+)?").unwrap());

/// Reference shapes that need a pattern: "Surname, Given (2002).",
/// "Surname, Given (" at the start, "p. 11." at the end, "(in French)".
/// ASCII mode keeps the automata small (names with accents are caught by
/// other cues).
///
/// One pattern per shape rather than one alternation: each runs only when
/// a cheap test on the line's ends says it might match, and the anchored
/// ones are searched from their anchor (a pattern that ends in `$` is run
/// backwards from the end), not over the whole line.
static DATED_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u)[A-Z][A-Za-z'-]+, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)? ",
        r"\((?:\d{4}(?:-\d\d-\d\d)?|\d{1,2} [A-Za-z]+ \d{4}|[A-Za-z]+ \d{1,2}, \d{4})\)\.?$"
    ))
    .unwrap()
});

/// "Surname, Given (" opening a line: see [`DATED_NAME`].
static NAME_OPENING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)^\s*[A-Z][A-Za-z'-]+, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?\.? \(").unwrap()
});

/// A page reference ending a line: see [`DATED_NAME`].
static PAGE_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u)(?:^| )pp?\. ?\d+(?:-\d+)?\.?$").unwrap());

/// A language note, "(in French)": see [`DATED_NAME`].
static IN_LANGUAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u)\(in [A-Z][a-z]+\)").unwrap());

static DEBRIS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\{\{.*\}\}|: ?CS1 (?:maint|errors?)|: \|\w+=|.*has generic name \(help\))|\{\{DEFAULTSORT|^(?:\*\s*){3,}").unwrap()
});

/// Whether `t` is template or citation-error debris ([`DEBRIS`]).
///
/// Every match holds `{{`, opens with `:` or `*` after white space, or
/// holds "has generic name": lines without any of these, nearly all
/// prose, are turned away without running the pattern over them.
fn is_debris(t: &str) -> bool {
    let may = t.trim_start().starts_with([':', '*'])
        || has_double_brace(t)
        || GENERIC_NAME.find(t.as_bytes()).is_some();
    may && DEBRIS.is_match(t)
}

/// The citation-error phrase [`is_debris`] looks for, searched once per
/// line with a prebuilt finder.
static GENERIC_NAME: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("has generic name"));

/// Whether `t` holds `{{`: a search for the rare `{` alone, checked by the
/// byte after it.
fn has_double_brace(t: &str) -> bool {
    let b = t.as_bytes();
    memchr::memchr_iter(b'{', b).any(|i| b.get(i + 1) == Some(&b'{'))
}

/// Whether `t` opens like an encyclopedia article's lead sentence ("X is a
/// region …", "The Y were proposed …"): the summaries that navigation boxes
/// and "related articles" blocks append to a page. Narrative ("On 22
/// November, X said that … is a …") is not.
fn is_definitional(t: &str) -> bool {
    const LISTS: &[&str] = &[
        "Events of the year",
        "This is a list of",
        "List of",
        "The following is a list",
    ];
    const COPULAS: &[&str] = &[" is ", " was ", " are ", " were "];
    const COMPLEMENTS: &[&str] = &[
        "a ",
        "an ",
        "the ",
        "one ",
        "proposed ",
        "located ",
        "held ",
    ];
    const NARRATIVE: &[&str] = &[
        "On",
        "In",
        "At",
        "During",
        "After",
        "Before",
        "Following",
        "According",
        "When",
        "While",
        "Since",
        "By",
        "From",
        "As",
        "Although",
        "However",
        "If",
        "Despite",
    ];
    if LISTS.iter().any(|l| t.starts_with(l)) {
        return true;
    }
    let first = t.split(' ').next().unwrap_or("");
    if NARRATIVE.contains(&first) {
        return false;
    }
    let head = &t[..floor_char_boundary(t, 170)];
    let stop = memchr::memchr3(b'.', b';', b':', head.as_bytes()).unwrap_or(head.len());
    let head = &head[..stop];
    for i in memchr::memchr_iter(b' ', head.as_bytes()) {
        // Every copula's word opens with `i`, `w` or `a`: most spaces are
        // turned away by the byte after them.
        if !matches!(head.as_bytes().get(i + 1), Some(b'i' | b'w' | b'a')) {
            continue;
        }
        let rest = &head[i..];
        if let Some(c) = COPULAS.iter().find(|c| rest.starts_with(*c)) {
            let after = &rest[c.len()..];
            if COMPLEMENTS.iter().any(|x| after.starts_with(x)) {
                let subject = &head[..i];
                return !subject.contains(" that ")
                    && !subject.contains(" said")
                    && !subject.contains(" stated");
            }
        }
    }
    false
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Literals that mark a bibliographic reference on their own, as one
/// pattern: a single pass over the text instead of one per literal (this
/// test runs on every unit of a page's tail).
static REF_MARKS: LazyLock<Regex> = LazyLock::new(|| {
    let marks = [
        "Retrieved ",
        "Retrieved\u{a0}",
        "Archived from",
        "ISBN",
        "doi:",
        "JSTOR",
        "ISSN",
        "OCLC",
        "(PDF)",
        "(eds.)",
        "(ed.)",
    ];
    let alternatives: Vec<String> = marks.iter().map(|m| regex::escape(m)).collect();
    Regex::new(&alternatives.join("|")).expect("escaped literals")
});

/// Whether `t` reads like an entry of a reference list.
fn ref_like(t: &str) -> bool {
    if REF_MARKS.is_match(t) {
        return true;
    }
    let quoted_title =
        t.len() < 250 && t.starts_with('"') && (t.ends_with("\".") || t.ends_with('"'));
    quoted_title || (may_have_ref_shape(t) && has_ref_shape(t))
}

/// Whether `t` has one of the reference shapes ([`DATED_NAME`],
/// [`NAME_OPENING`], [`PAGE_END`], [`IN_LANGUAGE`]). Each pattern runs
/// only on lines that pass a cheap test every match of it passes: the line
/// ends like a dated name (`)`), opens with a surname and a comma, ends
/// like a page reference (`p. 11.`) or holds `(in `.
fn has_ref_shape(t: &str) -> bool {
    let b = t.as_bytes();
    (ends_like_dated_name(b) && DATED_NAME.is_match(t))
        || (opens_with_surname(b) && NAME_OPENING.is_match(t))
        || (ends_like_page(b) && PAGE_END.is_match(t))
        || (IN_PAREN.find(b).is_some() && IN_LANGUAGE.is_match(t))
}

/// Whether `b` ends with `)` or `).`, as every [`DATED_NAME`] match does.
fn ends_like_dated_name(b: &[u8]) -> bool {
    b.ends_with(b")") || b.ends_with(b").")
}

/// Whether `b` ends with `p.`, an optional space, digits and hyphens and
/// an optional period (a test every [`PAGE_END`] match passes).
fn ends_like_page(b: &[u8]) -> bool {
    let s = b.strip_suffix(b".").unwrap_or(b);
    if !s.last().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let run = s
        .iter()
        .rposition(|c| !(c.is_ascii_digit() || *c == b'-'))
        .map_or(0, |p| p + 1);
    s[..run].ends_with(b"p.") || s[..run].ends_with(b"p. ")
}

/// Whether `b` opens (after ASCII white space) with a capitalised word,
/// `, ` and a capital: the start of [`NAME_OPENING`]'s "Surname, Given ("
/// ("However, the" is turned away).
fn opens_with_surname(b: &[u8]) -> bool {
    let i = b
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .unwrap_or(b.len());
    if !b.get(i).is_some_and(u8::is_ascii_uppercase) {
        return false;
    }
    let word = b[i + 1..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic() || matches!(c, b'\'' | b'-'))
        .count();
    let rest = &b[i + 1 + word..];
    word > 0 && rest.starts_with(b", ") && rest.get(2).is_some_and(u8::is_ascii_uppercase)
}

/// The `(in ` of [`IN_LANGUAGE`]'s "(in French)", for [`has_ref_shape`].
static IN_PAREN: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("(in "));

/// Whether `t` holds ` (` or `. p`, a test [`ref_like`] makes before
/// [`has_ref_shape`]: a search for `(` and one for `. p`, each rare in prose.
fn may_have_ref_shape(t: &str) -> bool {
    let b = t.as_bytes();
    memchr::memchr_iter(b'(', b).any(|i| i > 0 && b[i - 1] == b' ') || DOT_P.find(b).is_some()
}

/// The `. p` of a page reference, for [`may_have_ref_shape`].
static DOT_P: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(". p"));

fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Whether a trimmed line is an entry of a `^`-style reference list.
pub fn is_ref_entry(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with("^ ") || t == "^" {
        return true;
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && digits <= 4 && t[digits..].starts_with(". ^")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineKind {
    Blank,
    Chrome,
    RefEntry,
    Debris,
    Text,
}

#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    kind: LineKind,
    /// For a tooltip line, where the injected definition starts.
    tooltip_at: Option<usize>,
}

/// Side material gathered while cleaning.
#[derive(Debug, Default)]
pub(crate) struct Extras {
    pub citations: Vec<Citation>,
    pub removed: Vec<Removed>,
    pub references: Vec<Reference>,
}

/// Cleans `text` with `profile`. See the module documentation.
pub fn clean(text: &str, profile: Profile) -> Cleaned {
    let mut found: Vec<Line> = lines(text)
        .map(|(start, end)| {
            let line = &text[start..end];
            let kind = classify(line);
            let tooltip_at = if profile.tooltips && kind == LineKind::Text {
                tooltip_split(line).map(|k| start + k)
            } else {
                None
            };
            Line {
                start,
                end,
                kind,
                tooltip_at,
            }
        })
        .collect();
    let mut extras = Extras::default();
    let body_end = if profile.chunk_tail || found.len() <= 2 {
        chunk_tail_start(text, &mut extras)
    } else {
        line_tail_start(text, &mut found, &mut extras)
    };

    let mut b = CleanBuilder::new(text);
    let mut sections = Vec::new();
    let mut title = None;
    let n = found.len();
    for i in 0..n {
        let line = found[i];
        if line.start >= body_end {
            break;
        }
        let end = line.end.min(body_end);
        match line.kind {
            LineKind::Blank => {
                b.paragraph(line.start);
                continue;
            }
            LineKind::Chrome => {
                extras.removed.push(Removed {
                    kind: RemovedKind::Chrome,
                    raw: Span::new(line.start, line.end),
                });
                continue;
            }
            LineKind::RefEntry => {
                extras.removed.push(Removed {
                    kind: RemovedKind::References,
                    raw: Span::new(line.start, line.end),
                });
                extras
                    .references
                    .push(parse_ref_entry(text, line.start, line.end));
                continue;
            }
            LineKind::Debris => {
                extras.removed.push(Removed {
                    kind: RemovedKind::Debris,
                    raw: Span::new(line.start, line.end),
                });
                continue;
            }
            LineKind::Text => {}
        }
        let prev = (i > 0).then(|| found[i - 1]);
        let next = found.get(i + 1).copied();
        let standalone = prev.is_none_or(|p| p.kind != LineKind::Text)
            && next.is_none_or(|n| n.kind != LineKind::Text);
        let content_end = line.tooltip_at.unwrap_or(end);
        let t = text[line.start..content_end].trim();
        if standalone && is_heading_like(t) {
            b.newline(line.start);
            let lead = text[line.start..content_end].len()
                - text[line.start..content_end].trim_start().len();
            let h_start = line.start + lead;
            let h_end = h_start + t.len();
            let clean_start = b.len();
            emit_inline(&mut b, text, h_start, h_end, &mut extras);
            let t = b.text()[clean_start..].to_string();
            let section = Section {
                title: t.clone(),
                level: 2,
                clean: Span::new(clean_start, b.len()),
                raw: Span::new(h_start, h_end),
            };
            if title.is_none() && sections.is_empty() && i == first_text_line(&found) {
                title = Some(t);
                sections.push(Section {
                    level: 1,
                    ..section
                });
            } else {
                sections.push(section);
            }
            b.newline(h_end);
            continue;
        }
        // Join with the previous text line or start a new block.
        if let Some(p) = prev.filter(|p| p.kind == LineKind::Text) {
            let prev_text = text[p.start..p.tooltip_at.unwrap_or(p.end)].trim_end();
            if profile.soft_lines || soft_break(prev_text, t) {
                if !starts_with_closing(t) {
                    b.space(p.end..line.start);
                } else {
                    b.trim_end_spaces();
                }
            } else {
                b.newline(p.end);
            }
        } else {
            b.newline(line.start);
        }
        let lead =
            text[line.start..content_end].len() - text[line.start..content_end].trim_start().len();
        emit_inline(&mut b, text, line.start + lead, content_end, &mut extras);
        if let Some(at) = line.tooltip_at {
            extras.removed.push(Removed {
                kind: RemovedKind::Tooltip,
                raw: Span::new(at, line.end),
            });
        }
    }
    let (clean, map) = b.finish();
    extras.removed.sort_by_key(|r| r.raw.start);
    // finish() trims trailing breaks: a marker at the very end must not
    // point past the clean text (as the HTML and Markdown readers clamp).
    for c in &mut extras.citations {
        c.clean_at = c.clean_at.min(clean.len());
    }
    for s in &mut sections {
        s.clean.end = s.clean.end.min(clean.len());
        s.clean.start = s.clean.start.min(s.clean.end);
    }
    Cleaned {
        title,
        sections,
        clean,
        map,
        removed: extras.removed,
        citations: extras.citations,
        references: extras.references,
        ..Default::default()
    }
}

fn first_text_line(found: &[Line]) -> usize {
    found
        .iter()
        .position(|l| l.kind == LineKind::Text)
        .unwrap_or(usize::MAX)
}

fn classify(line: &str) -> LineKind {
    let t = line.trim();
    if t.is_empty() {
        LineKind::Blank
    } else if is_ref_entry(t) {
        LineKind::RefEntry
    } else if is_debris(t) {
        LineKind::Debris
    } else if t.len() < 300 && CHROME.is_match(t) {
        LineKind::Chrome
    } else {
        LineKind::Text
    }
}

/// A short line without final punctuation that stands alone: a heading.
fn is_heading_like(t: &str) -> bool {
    if t.is_empty() || t.len() > 120 || t.starts_with('•') {
        return false;
    }
    let first = t.chars().next().unwrap_or(' ');
    let last = t.chars().next_back().unwrap_or('.');
    (first.is_uppercase() || first.is_ascii_digit())
        && !matches!(last, '.' | '!' | '?' | ',' | ';' | ':' | '"' | '”')
        && t.split_whitespace().count() <= 12
}

const JOINING_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "of",
    "in",
    "at",
    "by",
    "to",
    "and",
    "or",
    "with",
    "from",
    "for",
    "on",
    "as",
    "between",
    "during",
    "including",
    "into",
    "than",
    "that",
    "which",
    "who",
    "its",
    "their",
    "his",
    "her",
    "under",
    "against",
    "near",
];

/// Whether a line break between `prev` and `next` is a soft wrap.
fn soft_break(prev: &str, next: &str) -> bool {
    if next.starts_with('•') || prev.is_empty() {
        return false;
    }
    let first = next.chars().next().unwrap_or(' ');
    if first.is_lowercase() || starts_with_closing(next) {
        return true;
    }
    if prev.ends_with([',', '(', '–', '—']) {
        return true;
    }
    let last_word = prev.rsplit(' ').next().unwrap_or("");
    JOINING_WORDS.contains(&last_word.to_ascii_lowercase().as_str()) && !prev.ends_with(['.', ':'])
}

fn starts_with_closing(t: &str) -> bool {
    t.starts_with([',', '.', ';', ':', ')', ']', '!', '?', '’'])
        || t.starts_with("'s ")
        || t.starts_with("'s")
}

/// For a tooltip line (`LINK DEFINITION ...`), the byte offset within the
/// line where the definition starts, if one can be found.
fn tooltip_split(line: &str) -> Option<usize> {
    let trimmed = line.trim_end();
    if !(trimmed.ends_with(" ...") || trimmed.ends_with("...")) || trimmed.len() < 40 {
        return None;
    }
    let words: Vec<(usize, &str)> = word_offsets(line).take(12).collect();
    if words.len() < 3 {
        return None;
    }
    let lower = |s: &str| s.to_lowercase();
    let stem = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .take(5)
            .collect::<String>()
            .to_lowercase()
    };
    let first = words[0].1;
    for k in 1..words.len().min(9) {
        let (at, w) = words[k];
        let c = w.chars().next().unwrap_or(' ');
        if !(c.is_uppercase() || c.is_ascii_digit() || c == '(') {
            continue;
        }
        let prev_word = lower(words[k - 1].1);
        if JOINING_WORDS.contains(&prev_word.as_str()) {
            continue;
        }
        let article = matches!(w, "The" | "A" | "An") && words.get(k + 1).is_some();
        let repeats =
            lower(w) == lower(first) || lower(w.trim_end_matches([',', ';'])) == lower(first);
        let shares_stem =
            stem(w).chars().count() == 5 && words[..k].iter().any(|(_, p)| stem(p) == stem(w));
        if article || repeats || shares_stem {
            return Some(at);
        }
    }
    // Fallback: a title-case link text followed by a title-case definition
    // opening; the link is the run of capitalised words less its last.
    let run = words
        .iter()
        .take_while(|(_, w)| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        })
        .count();
    if run >= 2 && run < words.len() {
        return Some(words[run - 1].0);
    }
    None
}

fn word_offsets(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.split(' ')
        .scan(0usize, |pos, w| {
            let at = *pos;
            *pos += w.len() + 1;
            Some((at, w))
        })
        .filter(|(_, w)| !w.is_empty())
}

/// Emits `text[start..end]` into the clean text: citation markers become
/// [`Citation`]s, wiki emphasis quotes are dropped and whitespace runs
/// collapse to one space.
pub(crate) fn emit_inline(
    b: &mut CleanBuilder,
    text: &str,
    start: usize,
    end: usize,
    extras: &mut Extras,
) {
    let bytes = text.as_bytes();
    let mut i = start;
    let mut run = start;
    while i < end {
        i = plain_run_end(bytes, i, end);
        if i == end {
            break;
        }
        match bytes[i] {
            b'[' => {
                if let Some((len, label)) = citation_marker(&text[i..end]) {
                    b.copy(run..i);
                    let clean_at = {
                        b.trim_end_spaces();
                        b.len()
                    };
                    if !label.is_empty() {
                        extras.citations.push(Citation {
                            label,
                            clean_at,
                            raw: Span::new(i, i + len),
                        });
                    }
                    extras.removed.push(Removed {
                        kind: RemovedKind::CitationMarker,
                        raw: Span::new(i, i + len),
                    });
                    i += len;
                    // Keep a space only if prose follows the marker.
                    let mut j = i;
                    while j < end && bytes[j] == b' ' {
                        j += 1;
                    }
                    if j < end && !starts_with_closing(&text[j..end]) && bytes[j] != b'[' {
                        b.space(i..j);
                    }
                    i = j;
                    run = i;
                    continue;
                }
                i += 1;
            }
            b'\'' if i + 1 < end && bytes[i + 1] == b'\'' => {
                b.copy(run..i);
                let mut j = i;
                while j < end && bytes[j] == b'\'' {
                    j += 1;
                }
                extras.removed.push(Removed {
                    kind: RemovedKind::Markup,
                    raw: Span::new(i, j),
                });
                // "'' de facto''" reads "de facto": drop the space the markup left.
                while j < end && bytes[j] == b' ' && (b.is_empty() || b.text().ends_with(' ')) {
                    j += 1;
                }
                i = j;
                run = i;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {
                let mut j = i;
                while j < end && matches!(bytes[j], b' ' | b'\t' | b'\r' | b'\n') {
                    j += 1;
                }
                if j - i == 1 && bytes[i] == b' ' {
                    i = j;
                    continue;
                }
                b.copy(run..i);
                if j < end {
                    b.space(i..j);
                }
                i = j;
                run = i;
            }
            _ => i += 1,
        }
    }
    b.copy(run..end);
}

/// The first index from `i` (up to `end`) where [`emit_inline`] has work:
/// a byte of [`INLINE_SPECIAL`] other than a single space between words.
///
/// Plain text is the bulk of a page, so it is skipped sixteen bytes at a
/// time ([`crate::text::skip_plain`]); a candidate is confirmed byte by byte, as
/// are the last few bytes.
fn plain_run_end(bytes: &[u8], i: usize, end: usize) -> usize {
    crate::text::skip_plain(bytes, i, end, [b'[', b'\'', b'\''], is_inline_stop)
}

/// Whether [`emit_inline`] has work at `bytes[i]`: a special byte, except a
/// single space (one not followed by more white space).
fn is_inline_stop(bytes: &[u8], i: usize) -> bool {
    INLINE_SPECIAL[usize::from(bytes[i])]
        && !(bytes[i] == b' ' && bytes.get(i + 1).is_none_or(|&c| !is_space(c)))
}

/// The bytes [`emit_inline`] acts on: a citation marker's `[`, wiki
/// emphasis quotes and whitespace.
static INLINE_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'[' as usize] = true;
    t[b'\'' as usize] = true;
    t[b' ' as usize] = true;
    t[b'\t' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

/// Whitespace that [`emit_inline`] folds into one space.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Recognises a citation marker at the start of `s`: `[12]`, `[a]`,
/// `[note 3]`, `[citation needed]`, `[]`. Returns its length and label.
fn citation_marker(s: &str) -> Option<(usize, String)> {
    let close = s.as_bytes()[..s.len().min(24)]
        .iter()
        .position(|&b| b == b']')?;
    let inner = &s[1..close];
    let ok = inner.is_empty()
        || inner.bytes().all(|c| c.is_ascii_digit())
        || (inner.len() <= 2 && inner.bytes().all(|c| c.is_ascii_lowercase()))
        || inner
            .strip_prefix("note ")
            .is_some_and(|r| r.bytes().all(|c| c.is_ascii_alphanumeric()))
        || matches!(
            inner,
            "citation needed"
                | "better source needed"
                | "clarification needed"
                | "dubious – discuss"
                | "when?"
                | "who?"
                | "which?"
                | "failed verification"
                | "verification needed"
                | "update"
        );
    if !ok {
        return None;
    }
    let label = if inner
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b' ')
    {
        inner.to_string()
    } else {
        String::new()
    };
    Some((close + 1, label))
}

fn parse_ref_entry(text: &str, start: usize, end: usize) -> Reference {
    let line = &text[start..end];
    let prefix = ascii_ref_entry_prefix(line.as_bytes()).unwrap_or_else(|| {
        REF_ENTRY
            .captures(line)
            .map(|c| (c.get(0).map_or(0, |m| m.end()), c.get(1).map(|m| m.range())))
    });
    match prefix {
        Some((prefix_end, label)) => {
            let body_start = start + prefix_end;
            Reference {
                label: label.map(|r| line[r].to_string()),
                text: text[body_start..end].trim().to_string(),
                raw: Span::new(start, end),
            }
        }
        None => Reference {
            label: None,
            text: line.trim().to_string(),
            raw: Span::new(start, end),
        },
    }
}

/// Where a reference entry's prefix ([`REF_ENTRY`]) ends, and the range
/// of its number if it has one.
type RefPrefix = (usize, Option<std::ops::Range<usize>>);

/// [`REF_ENTRY`] matched by hand on lines whose prefix is ASCII (nearly
/// all): the end of the match and the label's range, or `None` inside if
/// it does not match. `None` outside when a byte the pattern might take as
/// Unicode white space or a digit is not ASCII: the caller runs the
/// pattern then.
fn ascii_ref_entry_prefix(b: &[u8]) -> Option<Option<RefPrefix>> {
    // The pattern's `\s` and `\d` are Unicode classes: leave any
    // non-ASCII byte where they could go on to the pattern.
    let settled = |i: usize| b.get(i).is_none_or(u8::is_ascii);
    let mut i = skip_space(b, 0);
    if !settled(i) {
        return None;
    }
    let mut label = None;
    let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !settled(i + digits) {
        return None;
    }
    if (1..=4).contains(&digits) && b.get(i + digits) == Some(&b'.') {
        let after = i + digits + 1;
        let next = skip_space(b, after);
        if !settled(next) {
            return None;
        }
        if next > after {
            label = Some(i..i + digits);
            i = next;
        }
    }
    if b.get(i) != Some(&b'^') {
        return Some(None);
    }
    i = skip_space(b, i + 1);
    if !settled(i) {
        return None;
    }
    // `(?:[a-z]{1,2}\s+)+`: one- or two-letter backlinks, each followed
    // by white space.
    loop {
        let letters = b[i..].iter().take_while(|c| c.is_ascii_lowercase()).count();
        if !(1..=2).contains(&letters) {
            break;
        }
        let after = i + letters;
        let next = skip_space(b, after);
        if !settled(next) {
            return None;
        }
        if next == after {
            break;
        }
        i = next;
    }
    Some(Some((i, label)))
}

/// The end of the ASCII white space (as the pattern's `\s` takes it) from
/// `i`.
fn skip_space(b: &[u8], i: usize) -> usize {
    i + b[i.min(b.len())..]
        .iter()
        .take_while(|&&c| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .count()
}

/// What a unit (a line or a chunk) of a page reads like, in the search
/// for the back matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TailUnit {
    /// Nothing but white space.
    Blank,
    /// A `^`-style reference entry or template debris.
    EntryOrDebris,
    /// Reads like an entry of a reference list ([`ref_like`]).
    RefLike,
    /// An article's lead sentence ([`is_definitional`]).
    Definitional,
    /// A heading or a few words: weighs nothing.
    Minor,
    /// Prose.
    Prose,
}

impl TailUnit {
    /// What the trimmed unit `t` reads like.
    fn of(t: &str) -> TailUnit {
        if t.is_empty() {
            TailUnit::Blank
        } else if is_ref_entry(t) || is_debris(t) {
            TailUnit::EntryOrDebris
        } else {
            TailUnit::of_text(t)
        }
    }

    /// What the trimmed unit `t`, neither blank, a reference entry nor
    /// debris (a line that [`classify`] found to be text), reads like.
    fn of_text(t: &str) -> TailUnit {
        if ref_like(t) {
            TailUnit::RefLike
        } else if is_definitional(t) {
            TailUnit::Definitional
        } else if is_heading_like(t) || (t.len() < 60 && t.split_whitespace().count() < 5) {
            TailUnit::Minor
        } else {
            TailUnit::Prose
        }
    }

    /// How the unit weighs in the search for the back matter, and whether
    /// it is strong evidence of it (a reference or debris).
    fn weight(self) -> (i64, bool) {
        match self {
            TailUnit::Blank | TailUnit::Minor => (0, false),
            TailUnit::EntryOrDebris | TailUnit::RefLike => (1, true),
            TailUnit::Definitional => (1, false),
            TailUnit::Prose => (-1, false),
        }
    }
}

/// How far (in net prose units) the backward scan goes past the best start.
const MAX_PROSE_RUN: i64 = 40;

/// The suffix start (by units) where back matter outweighs prose, if it is
/// clearly back matter: weight at least 3, and a reference or debris in it
/// or at least three article summaries.
fn best_suffix(n: usize, mut weight: impl FnMut(usize) -> (i64, bool)) -> Option<usize> {
    let mut best = None;
    let mut best_score = 0i64;
    let mut score = 0i64;
    let mut strong = 0usize;
    let mut weak = 0usize;
    for i in (0..n).rev() {
        let (w, s) = weight(i);
        score += w;
        // Back matter sits at the end: once prose clearly dominates what
        // follows, no earlier start can be back matter.
        if score < best_score - MAX_PROSE_RUN {
            break;
        }
        if s {
            strong += 1;
        } else if w > 0 {
            weak += 1;
        }
        if w > 0 && score > best_score && score >= 3 && (strong > 0 || weak >= 3) {
            best_score = score;
            best = Some(i);
        }
    }
    best
}

/// Finds the back matter of a multi-line text; marks it and returns the raw
/// offset where the body ends.
fn line_tail_start(text: &str, found: &mut [Line], extras: &mut Extras) -> usize {
    let weight = |i: usize| {
        let l = &found[i];
        match l.kind {
            LineKind::Blank | LineKind::Chrome => (0, false),
            LineKind::RefEntry | LineKind::Debris => (1, true),
            // classify() has turned blanks, reference entries and
            // debris away on the same trimmed line.
            LineKind::Text => TailUnit::of_text(text[l.start..l.end].trim()).weight(),
        }
    };
    let Some(cut) = best_suffix(found.len(), weight) else {
        return text.len();
    };
    let start = found[cut].start;
    for l in &found[cut..] {
        match l.kind {
            LineKind::Blank => {}
            LineKind::RefEntry => {
                extras.removed.push(Removed {
                    kind: RemovedKind::References,
                    raw: Span::new(l.start, l.end),
                });
                extras
                    .references
                    .push(parse_ref_entry(text, l.start, l.end));
            }
            LineKind::Debris | LineKind::Chrome => extras.removed.push(Removed {
                kind: RemovedKind::Debris,
                raw: Span::new(l.start, l.end),
            }),
            LineKind::Text => {
                let t = &text[l.start..l.end];
                let kind = if ref_like(t) {
                    RemovedKind::References
                } else if is_definitional(t) {
                    RemovedKind::Navbox
                } else {
                    RemovedKind::Debris
                };
                extras.removed.push(Removed {
                    kind,
                    raw: Span::new(l.start, l.end),
                });
            }
        }
    }
    start
}

/// Sentence-like chunks of `text`: split after `. ` before a capital, a
/// quote or a digit.
fn chunks(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    // Only periods and line breaks can end a chunk: jump between them.
    for i in memchr::memchr2_iter(b'.', b'\n', bytes) {
        if i + 2 >= bytes.len() {
            break;
        }
        if bytes[i] == b'.' && bytes[i + 1] == b' ' {
            let c = bytes[i + 2];
            if c.is_ascii_uppercase() || c == b'"' || c.is_ascii_digit() || c >= 0x80 {
                out.push((start, i + 1));
                start = i + 2;
            }
        }
        if bytes[i] == b'\n' {
            out.push((start, i));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push((start, bytes.len()));
    }
    out
}

/// Finds the back matter of a text by sentence-like chunks (for articles
/// on one line); records it and returns the raw offset where the body ends.
fn chunk_tail_start(text: &str, extras: &mut Extras) -> usize {
    let units = chunks(text);
    // What each unit weighed reads like: the scan has found out whether
    // most of the back matter's units are reference-like.
    let mut read = vec![None; units.len()];
    let weight = |i: usize| {
        let unit = TailUnit::of(text[units[i].0..units[i].1].trim());
        read[i] = Some(unit);
        unit.weight()
    };
    let Some(cut) = best_suffix(units.len(), weight) else {
        return text.len();
    };
    let start = units[cut].0;
    extras.removed.push(Removed {
        kind: RemovedKind::References,
        raw: Span::new(start, text.len()),
    });
    for (&(s, e), unit) in units[cut..].iter().zip(&read[cut..]) {
        let t = text[s..e].trim();
        let is_ref = match unit {
            Some(TailUnit::RefLike) => true,
            Some(TailUnit::EntryOrDebris) | None => ref_like(t),
            Some(_) => false,
        };
        if is_ref {
            extras.references.push(Reference {
                label: None,
                text: t.to_string(),
                raw: Span::new(s, e),
            });
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_debris_prefilter_keeps_every_match() {
        for t in [
            "{{cite web}}",
            "  {{Infobox}} trailing",
            ": CS1 maint: archived copy",
            " :CS1 errors: dates",
            ": |url=x",
            "Foo has generic name (help)",
            "text {{DEFAULTSORT:X}}",
            "* * * *",
            "***",
            "\u{a0}* * *",
            "Plain prose about the war.",
            "{{ unclosed",
            "* one",
        ] {
            assert_eq!(is_debris(t), DEBRIS.is_match(t), "{t:?}");
        }
    }

    fn cleaned(text: &str, p: Profile) -> Cleaned {
        let c = clean(text, p);
        c.map.check(c.clean.len(), text.len()).unwrap();
        c
    }

    #[test]
    fn citation_markers_are_removed_and_kept() {
        let raw = "Azerbaijan denied it.[6][7] Turkey agreed [8], later.\nNext line [citation needed] here.";
        let c = cleaned(raw, Profile::WEB_TEXT);
        assert_eq!(
            c.clean,
            "Azerbaijan denied it. Turkey agreed, later.\nNext line here."
        );
        let labels: Vec<_> = c.citations.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["6", "7", "8", "citation needed"]);
        assert_eq!(&c.clean[..c.citations[0].clean_at], "Azerbaijan denied it.");
    }

    #[test]
    fn whitespace_runs_fold_and_single_spaces_pass() {
        let raw = "One two  three\t\tfour ''five'' six.\r\nSeven  eight .";
        let c = cleaned(raw, Profile::TEXT);
        assert_eq!(c.clean, "One two three four five six.\nSeven eight .");
        // Every clean byte maps back to a raw byte with the same content
        // outside the folded runs.
        let at = c.clean.find("three").unwrap();
        let raw_at = c.map.to_raw(Span::new(at, at + 5));
        assert_eq!(&raw[raw_at.start..raw_at.end], "three");
    }

    #[test]
    fn editorial_brackets_stay() {
        let c = cleaned("the [Karabakh] government [...] said.", Profile::TEXT);
        assert_eq!(c.clean, "the [Karabakh] government [...] said.");
    }

    #[test]
    fn tooltips_are_removed_and_links_kept() {
        let raw = "The conflict is an ethnic and\nterritorial A territory is an area of land, sea, or space, particularly belonging to a country ...\nconflict between Armenia and\nBaku Baku (, ; az, Bakı ) is the capital and largest city of Azerbaijan, as well as the largest ...\n's decision. The president of Azerbaijan,\nIlham Aliyev Ilham Heydar oghlu Aliyev ( az, İlham Heydər oğlu Əliyev, ; born 24 December 1961) is the fourth ...\n, claimed it.";
        let c = cleaned(raw, Profile::TOOLTIP_MIRROR);
        assert_eq!(
            c.clean,
            "The conflict is an ethnic and territorial conflict between Armenia and Baku's decision. The president of Azerbaijan, Ilham Aliyev, claimed it."
        );
        assert_eq!(
            c.removed
                .iter()
                .filter(|r| r.kind == RemovedKind::Tooltip)
                .count(),
            3
        );
    }

    #[test]
    fn tooltip_split_points() {
        let cases = [
            ("ethnic Armenian Armenians ( hy, հայեր, ''hayer'' ) are an ethnic group native to the Armenian highlands ...", "ethnic Armenian"),
            ("First Nagorno-Karabakh War The First Nagorno-Karabakh War, referred to in Armenia as the Artsakh Liberation War ...", "First Nagorno-Karabakh War"),
            ("Thomas de Waal Thomas Patrick Lowndes de Waal (born 1966) is a British journalist and writer on the Caucasus ...", "Thomas de Waal"),
            ("Republic of Armenia A republic () is a \"state in which power rests with the people or their representatives ...", "Republic of Armenia"),
            ("Paris Peace Conference Agreements and declarations resulting from meetings in Paris include: Listed by name ...", "Paris Peace Conference"),
            ("2021–2022 Armenia–Azerbaijan border crisis The military forces of Armenia and Azerbaijan have been engaged ...", "2021–2022 Armenia–Azerbaijan border crisis"),
        ];
        for (line, link) in cases {
            let at = tooltip_split(line).unwrap();
            assert_eq!(line[..at].trim(), link);
        }
    }

    #[test]
    fn chrome_and_reference_lists() {
        let raw = "2020 Conflict\nGet 2020 Conflict essential facts below. View Videos or join the 2020 Conflict discussion. Add 2020 Conflict to your PopFlock.com topic list for future reference or share this resource on social media.\n\nThe war began.[1] It ended.\n\n  1. ^ a b Butler, Ed (10 December 2020). \"Mercenaries\". BBC.\n  2. ^ \"France accuses Turkey\". Reuters. 1 October 2020. Retrieved 2020.\n  3. ^ \"Other\". Reuters. Retrieved 2020.\n";
        let c = cleaned(raw, Profile::CHROME_MIRROR);
        assert_eq!(c.clean, "2020 Conflict\n\nThe war began. It ended.");
        assert_eq!(c.title.as_deref(), Some("2020 Conflict"));
        assert_eq!(c.references.len(), 3);
        assert_eq!(c.references[0].label.as_deref(), Some("1"));
        assert!(c.references[0].text.starts_with("Butler, Ed"));
    }

    #[test]
    fn wrapped_lines_join_and_blocks_stay_apart() {
        let raw = "Casualties and losses\n\nPer Azerbaijan:\n\n  • 2,840 servicemen killed[62]\n  • 64 servicemen missing\nThe army of\nArmenia left.";
        let c = cleaned(raw, Profile::CHROME_MIRROR);
        assert_eq!(c.clean, "Casualties and losses\n\nPer Azerbaijan:\n\n• 2,840 servicemen killed\n• 64 servicemen missing\nThe army of Armenia left.");
        assert_eq!(c.sections[0].title, "Casualties and losses");
    }

    #[test]
    fn flattened_references_on_one_line_are_cut() {
        let body = "The war began in 1988. Armenia and Azerbaijan fought over the region. A ceasefire was signed in 1994. ";
        let refs = "Smith, John (2002). \"A Book\". Press. p. 11. ISBN 978-1136342042. Doe, Jane (1999). \"Title\". Retrieved 21 April 2021. \"Coercion\". Kommersant (in Russian). 16 October 2020. Retrieved 21 April 2021. Kramer, Andrew E. (29 January 2021). \"Armenia\". The New York Times. Retrieved 4 March 2021.";
        let raw = format!("{body}{refs}");
        let c = cleaned(&raw, Profile::ONE_LINE);
        assert_eq!(c.clean, body.trim());
        assert!(c.references.len() >= 3);
    }

    #[test]
    fn navbox_summaries_and_debris_are_cut() {
        let mut raw = String::new();
        for i in 0..6 {
            raw.push_str(&format!(
                "On {i} October the army advanced and shelled the town.[{i}]\n"
            ));
        }
        raw.push_str("Nagorno-Karabakh is a region in Azerbaijan, covering the Lesser Caucasus.\n");
        raw.push_str("The Madrid Principles were proposed peace settlements of the conflict.\n");
        raw.push_str("Stepanakert Airport is an airport in the town of Khojaly.\n");
        raw.push_str("{{cite web}}\n: CS1 maint: multiple names: authors list (link)Israel has armed Azerbaijan.\n");
        raw.push_str("I confirmed Albania's support..\n");
        let c = cleaned(&raw, Profile::WEB_TEXT);
        assert!(c.clean.ends_with("shelled the town."), "{}", c.clean);
        assert!(c.removed.iter().any(|r| r.kind == RemovedKind::Navbox));
    }

    /// [`is_definitional`] as first written, which the byte-level version
    /// must agree with.
    fn is_definitional_slow(t: &str) -> bool {
        const LISTS: &[&str] = &[
            "Events of the year",
            "This is a list of",
            "List of",
            "The following is a list",
        ];
        const COPULAS: &[&str] = &[" is ", " was ", " are ", " were "];
        const COMPLEMENTS: &[&str] = &[
            "a ",
            "an ",
            "the ",
            "one ",
            "proposed ",
            "located ",
            "held ",
        ];
        const NARRATIVE: &[&str] = &[
            "On",
            "In",
            "At",
            "During",
            "After",
            "Before",
            "Following",
            "According",
            "When",
            "While",
            "Since",
            "By",
            "From",
            "As",
            "Although",
            "However",
            "If",
            "Despite",
        ];
        if LISTS.iter().any(|l| t.starts_with(l)) {
            return true;
        }
        let first = t.split(' ').next().unwrap_or("");
        if NARRATIVE.contains(&first) {
            return false;
        }
        let head = &t[..floor_char_boundary(t, 170)];
        let stop = head.find(['.', ';', ':']).unwrap_or(head.len());
        let head = &head[..stop];
        for (i, _) in head.match_indices(' ') {
            let rest = &head[i..];
            if let Some(c) = COPULAS.iter().find(|c| rest.starts_with(*c)) {
                let after = &rest[c.len()..];
                if COMPLEMENTS.iter().any(|x| after.starts_with(x)) {
                    let subject = &head[..i];
                    return !subject.contains(" that ")
                        && !subject.contains(" said")
                        && !subject.contains(" stated");
                }
            }
        }
        false
    }

    #[test]
    fn prefilters_agree_with_plain_searches() {
        for t in [
            "",
            "{",
            "{{",
            "a { b {{c",
            "x} {",
            " (",
            "(",
            "Smith, J. (2002).",
            "see p. 12.",
            "ends with .",
            ". p",
            "has generic name (help)",
            "it has generic names",
        ] {
            assert_eq!(has_double_brace(t), t.contains("{{"), "{t:?}");
            assert_eq!(
                may_have_ref_shape(t),
                t.contains(" (") || t.contains(". p"),
                "{t:?}"
            );
            assert_eq!(
                GENERIC_NAME.find(t.as_bytes()).is_some(),
                t.contains("has generic name"),
                "{t:?}"
            );
        }
    }

    #[test]
    fn definitional_agrees_with_the_first_version() {
        for t in [
            "Kherson is a city in southern Ukraine.",
            "The offensive was a major operation; it is a war.",
            "On 22 November, X said that Y is a region.",
            "The spokesman said the town is a target.",
            "Foo  is  a bar",
            "Foo is an",
            "Foo were held in",
            "List of battles",
            "Caf\u{e9} is a place: it is a caf\u{e9}.",
            "A sentence without any copula at all, longer than most",
        ] {
            assert_eq!(is_definitional(t), is_definitional_slow(t), "{t:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn definitional_agrees_on_random_words(
            words in proptest::collection::vec(proptest::sample::select(vec![
                "is", "was", "are", "were", "a", "an", "the", "one", "held", "located",
                "proposed", "that", "said", "stated", "On", "The", "Kyiv", "é", ".", ";",
                ":", "", "iss", "wasn't", "also",
            ]), 0..40),
        ) {
            let t = words.join(" ");
            proptest::prop_assert_eq!(is_definitional(&t), is_definitional_slow(&t));
        }

        #[test]
        fn prefilters_agree_on_random_text(t in "[ .p({a-z]{0,40}") {
            proptest::prop_assert_eq!(has_double_brace(&t), t.contains("{{"));
            proptest::prop_assert_eq!(
                may_have_ref_shape(&t),
                t.contains(" (") || t.contains(". p")
            );
        }
    }

    /// The weight of a unit as first written, for [`TailUnit`].
    fn tail_weight_as_written(t: &str) -> (i64, bool) {
        let t = t.trim();
        if t.is_empty() {
            (0, false)
        } else if is_ref_entry(t) || is_debris(t) || ref_like(t) {
            (1, true)
        } else if is_definitional(t) {
            (1, false)
        } else if is_heading_like(t) || (t.len() < 60 && t.split_whitespace().count() < 5) {
            (0, false)
        } else {
            (-1, false)
        }
    }

    #[test]
    fn tail_units_weigh_as_first_written() {
        for t in [
            "",
            "   ",
            "12. ^ a b Butler, Ed (2002). \"Title\". Retrieved 3 May 2020.",
            "{{cite web|url=x}}",
            "\"Report 25\". News Agency. 26 October 2020. Retrieved 2020.",
            "Smith, J. (12 May 2014).",
            "Shusha is a city in the South Caucasus.",
            "Aftermath",
            "Short words only.",
            "On 22 November the ministry said the city is a target of the offensive.",
            "Azerbaijani forces used drones to isolate and destroy positions along the line.",
        ] {
            let unit = TailUnit::of(t.trim());
            assert_eq!(unit.weight(), tail_weight_as_written(t), "{t:?}");
            if !matches!(unit, TailUnit::Blank | TailUnit::EntryOrDebris) {
                assert_eq!(TailUnit::of_text(t.trim()), unit, "{t:?}");
            }
            assert_eq!(
                unit == TailUnit::RefLike,
                !matches!(unit, TailUnit::EntryOrDebris) && ref_like(t.trim()),
                "{t:?}"
            );
        }
    }

    /// The reference shapes as one alternation, as first written: what
    /// [`has_ref_shape`] must agree with.
    static REF_SHAPES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?-u)[A-Z][A-Za-z'-]+, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)? \((?:\d{4}(?:-\d\d-\d\d)?|\d{1,2} [A-Za-z]+ \d{4}|[A-Za-z]+ \d{1,2}, \d{4})\)\.?$|",
            r"(?-u)^\s*[A-Z][A-Za-z'-]+, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?\.? \(|",
            r"(?-u)(?:^| )pp?\. ?\d+(?:-\d+)?\.?$|\(in [A-Z][a-z]+\)"
        ))
        .unwrap()
    });

    /// Whether every shape pattern that matches `t` passes its cheap test.
    fn shape_tests_pass_matches(t: &str) -> bool {
        let b = t.as_bytes();
        (!DATED_NAME.is_match(t) || ends_like_dated_name(b))
            && (!NAME_OPENING.is_match(t) || opens_with_surname(b))
            && (!PAGE_END.is_match(t) || ends_like_page(b))
            && (!IN_LANGUAGE.is_match(t) || IN_PAREN.find(b).is_some())
    }

    /// Whether `t` passes none of the cheap tests of [`has_ref_shape`].
    fn turned_away(t: &str) -> bool {
        let b = t.as_bytes();
        !ends_like_dated_name(b)
            && !opens_with_surname(b)
            && !ends_like_page(b)
            && IN_PAREN.find(b).is_none()
    }

    #[test]
    fn ref_shape_prefilter_passes_every_match() {
        for t in [
            "Butler, Ed (2002).",
            "Butler, Ed (2002)",
            "  Butler, Ed J. (",
            "Smith, J. (12 May 2014).",
            "Smith, J. (May 12, 2014)",
            "Keegan, John. The War, p. 11.",
            "see pp. 11-13",
            "p.5",
            "Title (in French) more",
            "Prose (with a parenthesis) ends here.",
            "In 2014 it ended.",
            "However, the war (as planned) went on.",
        ] {
            assert!(shape_tests_pass_matches(t), "{t:?}");
            assert_eq!(has_ref_shape(t), REF_SHAPES.is_match(t), "{t:?}");
        }
        assert!(turned_away("Prose (with a parenthesis) ends here."));
        assert!(turned_away("In 2014 it ended."));
        assert!(turned_away("However, the war (as planned) went on."));
    }

    proptest::proptest! {
        #[test]
        fn ref_shape_prefilter_passes_random_matches(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "Butler", ", ", "Ed", " ", "J.", "(", ")", "2002", "12", "May", ".", "p",
                "pp", "-", "5", "(in ", "French", "\t", "é", "'", "x", "Smith, J. ",
                "(2002)", "-05-01", "p. 11", "\n",
            ]), 0..14),
        ) {
            let t = parts.concat();
            proptest::prop_assert!(shape_tests_pass_matches(&t), "{:?}", t);
            proptest::prop_assert_eq!(has_ref_shape(&t), REF_SHAPES.is_match(&t), "{:?}", t);
        }
    }

    /// [`chunks`] as first written, a byte at a time.
    fn chunks_slow(text: &str) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i + 2 < bytes.len() {
            if bytes[i] == b'.' && bytes[i + 1] == b' ' {
                let c = bytes[i + 2];
                if c.is_ascii_uppercase() || c == b'"' || c.is_ascii_digit() || c >= 0x80 {
                    out.push((start, i + 1));
                    start = i + 2;
                }
            }
            if bytes[i] == b'\n' {
                out.push((start, i));
                start = i + 1;
            }
            i += 1;
        }
        if start < bytes.len() {
            out.push((start, bytes.len()));
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn chunks_agree_with_the_byte_loop(t in "[. \nAa1\"é]{0,40}") {
            proptest::prop_assert_eq!(chunks(&t), chunks_slow(&t));
        }
    }

    /// What [`REF_ENTRY`] itself gives for `line`.
    fn ref_entry_by_pattern(line: &str) -> Option<RefPrefix> {
        REF_ENTRY
            .captures(line)
            .map(|c| (c.get(0).map_or(0, |m| m.end()), c.get(1).map(|m| m.range())))
    }

    #[test]
    fn ref_entry_prefixes_match_the_pattern() {
        for t in [
            "",
            "^",
            "^ a b Butler, Ed",
            "12. ^ a b Butler, Ed",
            "  3.\t^ ab c Text",
            "12345. ^ x",
            "12.^ a",
            "^ abc d",
            "^ a",
            "^ a ",
            "1. ^\u{a0}a Text",
            "\u{a0}^ a",
            "\u{663}. ^ a",
            "1\u{663}. ^ a",
            "^ a\u{2003}b Text",
            "^ \x0b a\x0c b \u{e9}",
        ] {
            let expected = ref_entry_by_pattern(t);
            if let Some(got) = ascii_ref_entry_prefix(t.as_bytes()) {
                assert_eq!(got, expected, "{t:?}");
            }
        }
        assert_eq!(
            ascii_ref_entry_prefix(b"12. ^ a b Butler"),
            Some(Some((10, Some(0..2))))
        );
    }

    proptest::proptest! {
        #[test]
        fn ref_entry_prefixes_match_on_random_lines(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "^", "1", "12", "12345", ".", " ", "\t", "\x0b", "a", "b", "ab", "abc", "X",
                "\u{a0}", "\u{663}", "\u{e9}", "Butler",
            ]), 0..12),
        ) {
            let t = parts.concat();
            if let Some(got) = ascii_ref_entry_prefix(t.as_bytes()) {
                proptest::prop_assert_eq!(got, ref_entry_by_pattern(&t));
            }
        }
    }

    /// The straightforward scan [`plain_run_end`] must agree with.
    fn plain_run_end_slow(bytes: &[u8], mut i: usize, end: usize) -> usize {
        while i < end && !is_inline_stop(bytes, i) {
            i += 1;
        }
        i
    }

    #[test]
    fn plain_runs_end_where_the_byte_scan_ends() {
        for t in [
            "",
            "plain words only here and there",
            "two  spaces after eight bytes",
            "a [1] marker, ''emphasis'' and a tab\there",
            "ends with a space then a break \nnext",
            "1234567 \n",
            "12345678 \r",
            "exactly eight  ",
            "sixteen bytes ok  and then some more words\u{1}\u{b} here",
            "fifteen bytes. \nthen a break at the chunk's last byte \n",
            "caf\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e [a]",
        ] {
            let b = t.as_bytes();
            for start in 0..=b.len() {
                for end in start..=b.len() {
                    assert_eq!(
                        plain_run_end(b, start, end),
                        plain_run_end_slow(b, start, end),
                        "{t:?} {start}..{end}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_runs_match_on_random_bytes(
            raw in proptest::collection::vec(
                proptest::sample::select(b"ab [']\t\r\n.\x01\x0b\xc3\xa9 ".to_vec()), 0..80),
            start in 0usize..80,
        ) {
            let start = start.min(raw.len());
            for end in start..=raw.len() {
                proptest::prop_assert_eq!(
                    plain_run_end(&raw, start, end),
                    plain_run_end_slow(&raw, start, end)
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_a_valid_map(raw in "(\\PC|\n| |\\[\\d{1,3}\\]|\\[|\\]|'|\\^| \\.\\.\\.|•){0,200}") {
            for p in [Profile::TEXT, Profile::ONE_LINE, Profile::TOOLTIP_MIRROR, Profile::CHROME_MIRROR] {
                let c = clean(&raw, p);
                proptest::prop_assert!(c.map.check(c.clean.len(), raw.len()).is_ok());
            }
            let c = super::super::wiki::clean(&raw);
            proptest::prop_assert!(c.map.check(c.clean.len(), raw.len()).is_ok());
        }
    }

    #[test]
    fn plain_prose_keeps_its_last_paragraphs() {
        let raw = "Fighting resumed on Monday.\n\nThe region is a mountainous area.\n\nOfficials met on Tuesday.";
        let c = cleaned(raw, Profile::TEXT);
        assert_eq!(c.clean, "Fighting resumed on Monday.\n\nThe region is a mountainous area.\n\nOfficials met on Tuesday.");
    }
}
