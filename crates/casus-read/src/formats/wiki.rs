//! Wiki markup: `= Title =` and `== Section ==` headings, `-`/`*`/`#`
//! lists, `[[link|text]]`, `{{templates}}`, `<ref>` citations and
//! `'''emphasis'''`. Back-matter sections (See also, References, …, listed
//! in `data/read/tail_sections.txt`) are kept aside as references.

use std::sync::LazyLock;

use crate::formats::webtext::{emit_inline, Extras};
use crate::offsets::{CleanBuilder, Span};
use crate::text::lines;
use crate::{Citation, Cleaned, Reference, Removed, RemovedKind, Section};

static TAIL_SECTIONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    include_str!("../../../../data/read/tail_sections.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_lowercase)
        .collect()
});

/// Whether `title` opens back matter (References, See also, …).
pub fn is_tail_section(title: &str) -> bool {
    TAIL_SECTIONS
        .iter()
        .any(|t| t == &title.trim().to_lowercase())
}

/// A heading line: its level, and the title's range within the line.
fn heading(line: &str) -> Option<(u8, usize, usize)> {
    let t = line.trim_end();
    let open = t.bytes().take_while(|&b| b == b'=').count();
    let close = t.bytes().rev().take_while(|&b| b == b'=').count();
    if open == 0 || open != close || open > 6 || t.len() <= open * 2 {
        return None;
    }
    let inner = &t[open..t.len() - close];
    let lead = inner.len() - inner.trim_start().len();
    let title = inner.trim();
    if title.is_empty() {
        return None;
    }
    Some((open as u8, open + lead, open + lead + title.len()))
}

fn is_list_line(t: &str) -> bool {
    t.starts_with(['-', '*', '#']) && t[1..].starts_with(' ')
}

/// Cleans wiki markup.
pub fn clean(text: &str) -> Cleaned {
    let mut b = CleanBuilder::new(text);
    let mut extras = Extras::default();
    let mut sections: Vec<Section> = Vec::new();
    let mut title = None;
    // While inside a back-matter section: its level.
    let mut skipping: Option<u8> = None;
    let mut prev_text: Option<(usize, usize)> = None;
    for (start, end) in lines(text) {
        let line = &text[start..end];
        if let Some((level, hs, he)) = heading(line) {
            if skipping.is_some_and(|l| level > l) {
                extras.removed.push(Removed {
                    kind: RemovedKind::References,
                    raw: Span::new(start, end),
                });
                continue;
            }
            skipping = None;
            prev_text = None;
            let name = &line[hs..he];
            extras.removed.push(Removed {
                kind: RemovedKind::Markup,
                raw: Span::new(start, start + hs),
            });
            if is_tail_section(name) {
                skipping = Some(level);
                extras.removed.push(Removed {
                    kind: RemovedKind::References,
                    raw: Span::new(start, end),
                });
                continue;
            }
            b.paragraph(start);
            let clean_start = b.len();
            b.copy(start + hs..start + he);
            if level == 1 && title.is_none() {
                title = Some(name.to_string());
            }
            sections.push(Section {
                title: name.to_string(),
                level,
                clean: Span::new(clean_start, b.len()),
                raw: Span::new(start + hs, start + he),
            });
            b.paragraph(end);
            continue;
        }
        if skipping.is_some() {
            if !line.trim().is_empty() {
                extras.removed.push(Removed {
                    kind: RemovedKind::References,
                    raw: Span::new(start, end),
                });
                let t = line.trim().trim_start_matches(['-', '*', '#', ' ']);
                extras.references.push(Reference {
                    label: None,
                    text: t.to_string(),
                    raw: Span::new(start, end),
                });
            }
            continue;
        }
        let t = line.trim();
        if t.is_empty() {
            b.paragraph(start);
            prev_text = None;
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        if is_list_line(t) {
            b.newline(start);
        } else if let Some((ps, pe)) = prev_text {
            let prev = text[ps..pe].trim_end();
            let first = t.chars().next().unwrap_or(' ');
            if first.is_lowercase() || prev.ends_with(',') {
                b.space(pe..start);
            } else {
                b.newline(start);
            }
        } else {
            b.newline(start);
        }
        emit_wiki_inline(
            &mut b,
            text,
            start + lead,
            start + lead + t.len(),
            &mut extras,
        );
        prev_text = (!is_list_line(t)).then_some((start, end));
    }
    let (clean, map) = b.finish();
    extras.removed.sort_by_key(|r| r.raw.start);
    // finish() trims trailing breaks: keep markers within the clean text.
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

/// Emits one line of wiki text, resolving links and dropping templates and
/// `<ref>` citations, then hands the kept runs to [`emit_inline`].
fn emit_wiki_inline(
    b: &mut CleanBuilder,
    text: &str,
    start: usize,
    end: usize,
    extras: &mut Extras,
) {
    let s = &text[start..end];
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"{{") {
            // Templates nest: find the matching close.
            let mut depth = 0usize;
            let mut j = i;
            while j < bytes.len() {
                if bytes[j..].starts_with(b"{{") {
                    depth += 1;
                    j += 2;
                } else if bytes[j..].starts_with(b"}}") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j = next_of(bytes, j + 1, memchr::memchr2(b'{', b'}', &bytes[j + 1..]));
                }
            }
            emit_inline(b, text, start + run, start + i, extras);
            extras.removed.push(Removed {
                kind: RemovedKind::Markup,
                raw: Span::new(start + i, start + j),
            });
            i = j;
            run = i;
        } else if bytes[i..].starts_with(b"<ref") {
            let close = s[i..]
                .find("</ref>")
                .map(|k| i + k + 6)
                .or_else(|| s[i..].find("/>").map(|k| i + k + 2));
            let Some(j) = close else {
                i += 1;
                continue;
            };
            emit_inline(b, text, start + run, start + i, extras);
            b.trim_end_spaces();
            extras.citations.push(Citation {
                label: String::new(),
                clean_at: b.len(),
                raw: Span::new(start + i, start + j),
            });
            extras.removed.push(Removed {
                kind: RemovedKind::CitationMarker,
                raw: Span::new(start + i, start + j),
            });
            i = j;
            run = i;
        } else if bytes[i..].starts_with(b"[[") {
            let Some(k) = s[i + 2..].find("]]") else {
                i += 2;
                continue;
            };
            let inner_start = i + 2;
            let inner_end = inner_start + k;
            let inner = &s[inner_start..inner_end];
            emit_inline(b, text, start + run, start + i, extras);
            let keep_from = inner
                .rfind('|')
                .map_or(inner_start, |p| inner_start + p + 1);
            let lower = inner.to_ascii_lowercase();
            let is_file = lower.starts_with("file:")
                || lower.starts_with("image:")
                || lower.starts_with("category:");
            if is_file {
                extras.removed.push(Removed {
                    kind: RemovedKind::Markup,
                    raw: Span::new(start + i, start + inner_end + 2),
                });
            } else {
                extras.removed.push(Removed {
                    kind: RemovedKind::Markup,
                    raw: Span::new(start + i, start + keep_from),
                });
                emit_inline(b, text, start + keep_from, start + inner_end, extras);
                extras.removed.push(Removed {
                    kind: RemovedKind::Markup,
                    raw: Span::new(start + inner_end, start + inner_end + 2),
                });
            }
            i = inner_end + 2;
            run = i;
        } else {
            // Only `{`, `<` and `[` open markup: jump to the next of them.
            i = next_of(
                bytes,
                i + 1,
                memchr::memchr3(b'{', b'<', b'[', &bytes[i + 1..]),
            );
        }
    }
    emit_inline(b, text, start + run, end, extras);
}

/// The absolute index of a search hit `found` in `bytes[from..]`, or the
/// end of `bytes` if there was none.
fn next_of(bytes: &[u8], from: usize, found: Option<usize>) -> usize {
    found.map_or(bytes.len(), |k| from + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_and_back_matter() {
        let raw = "= Reactions =\n\nIntro line.\n\n== OSCE Minsk Group ==\nOn 2 October 2020, the group condemned it.\n\n=== Turkey ===\n- Ankara backed Baku.\n- Second item.\n\n== See also ==\n- 2014 clashes\n- List of disputes\n";
        let c = clean(raw);
        c.map.check(c.clean.len(), raw.len()).unwrap();
        assert_eq!(
            c.clean,
            "Reactions\n\nIntro line.\n\nOSCE Minsk Group\n\nOn 2 October 2020, the group condemned it.\n\nTurkey\n\n- Ankara backed Baku.\n- Second item."
        );
        assert_eq!(c.title.as_deref(), Some("Reactions"));
        let titles: Vec<_> = c
            .sections
            .iter()
            .map(|s| (s.level, s.title.as_str()))
            .collect();
        assert_eq!(
            titles,
            [(1, "Reactions"), (2, "OSCE Minsk Group"), (3, "Turkey")]
        );
        assert_eq!(c.references.len(), 2);
        let s = &c.sections[1];
        assert_eq!(&raw[s.raw.range()], "OSCE Minsk Group");
        assert_eq!(&c.clean[s.clean.range()], "OSCE Minsk Group");
    }

    #[test]
    fn links_templates_and_refs() {
        let raw = "The [[Minsk Group|group]] met{{citation needed|date=2020}} in [[Moscow]].<ref>BBC</ref> '''Bold''' [[File:x.png|thumb|cap]]done.";
        let c = clean(raw);
        c.map.check(c.clean.len(), raw.len()).unwrap();
        assert_eq!(c.clean, "The group met in Moscow. Bold done.");
        assert_eq!(c.citations.len(), 1);
    }

    #[test]
    fn nested_templates_and_unclosed_markup() {
        let raw = "A {{outer|x={{inner}} y}} b <re c [[open d {{never closed";
        let c = clean(raw);
        c.map.check(c.clean.len(), raw.len()).unwrap();
        // The spaces either side of a template both stay (as they always have).
        assert_eq!(c.clean, "A  b <re c [[open d");
    }

    proptest::proptest! {
        #[test]
        fn any_wiki_line_gives_a_valid_map(raw in "(\\PC|\\{\\{|\\}\\}|\\[\\[|\\]\\]|<ref>|</ref>|\\||\n){0,60}") {
            let c = clean(&raw);
            proptest::prop_assert!(c.map.check(c.clean.len(), raw.len()).is_ok());
        }
    }
}
