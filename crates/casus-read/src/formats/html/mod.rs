//! HTML pages.
//!
//! A small offset-keeping tokenizer (`tokenize`) feeds a flat,
//! non-recursive tree pass that decides where every element closes
//! (unclosed tags are closed by their parent's end tag or the end of the
//! file; `<p>`, `<li>`, `<tr>`, `<td>`, `<dt>`/`<dd>` close implicitly).
//! Rendering then walks the tokens once:
//!
//! * Content comes from the main container when there is one (`<main>`,
//!   `role=main`, `id=mw-content-text`, `id=content`, `<article>`, in that
//!   order of preference); otherwise from the whole body. If the container
//!   yields no text, the whole page is used.
//! * `script style noscript template svg iframe ...` are dropped as
//!   [`RemovedKind::Script`]; `nav footer aside form button` and elements
//!   whose class, id or role names navigation, menus, footers, sidebars,
//!   cookie banners, sharing, breadcrumbs or edit links are dropped as
//!   [`RemovedKind::Chrome`] (a `<header>` is dropped only outside the main
//!   container and outside `<article>`, where it usually holds the
//!   headline); navigation boxes as [`RemovedKind::Navbox`]. As a simple
//!   density rule, a `div`/`ul`/`ol`/`section`/`dl` with at least three
//!   links whose text is 80% or more link text is chrome too. No rule based
//!   on class, id, role or density may drop an element holding more than
//!   half of the page's text.
//! * `<sup class="reference">[12]</sup>` and plain-text markers like `[12]`,
//!   `[a]`, `[citation needed]` become [`Citation`]s, removed from the text.
//! * `<ol class="references">` (also `reflist`, `footnotes`) and list items
//!   under a "References"/"Notes"/"Sources" heading become [`Reference`]s.
//! * Block elements end lines; `<p>`, headings, lists, tables and quotes end
//!   paragraphs; table cells are separated by a space; `<br>` ends a line.
//!   Images (and their `alt`) are dropped.
//! * Entities are decoded with [`CleanBuilder::replace`]; `&nbsp;` and
//!   other whitespace references count as whitespace.
//! * Metadata: the first `table.infobox` as an `infobox` map (label cell to
//!   value cell text), `datePublished`/`headline` from JSON-LD,
//!   `<meta name|property|itemprop content>` (repeated keys become
//!   arrays), `<html lang>` as `lang`, `<link rel=canonical>` as
//!   `canonical`, and a `date` key taken from the first of
//!   `article:published_time`, `dc.date`, `pubdate`, ..., the first
//!   JSON-LD `datePublished` or the first `<time datetime>` in the content,
//!   when the page has no `date` meta.
//! * Title: the `<title>`, or the first `<h1>` when the `<title>` is that
//!   `<h1>` plus a site name before or after it; else `og:title`, else the
//!   first `<h1>`.

pub mod entities;
pub mod tokenize;

use std::collections::HashMap;
use std::ops::Range;

use crate::offsets::CleanBuilder;
use crate::{Citation, Cleaned, Reference, Removed, RemovedKind, Section, Span};
use entities::{decode_at, decode_collapse};
use tokenize::{tokenize, Attr, Token, TokenKind};

/// The first index from `i` where [`emit_text`] has work, given that a
/// copied run started before `i`: white space other than a single space
/// followed by more text, a no-break space's lead byte, `&` or `[`.
fn plain_text_end(bytes: &[u8], i: usize) -> usize {
    crate::text::skip_plain(bytes, i, bytes.len(), [0xc2, b'&', b'['], is_text_stop)
}

/// Whether [`emit_text`] acts on `bytes[i]` inside a copied run: white
/// space other than a single space followed by text, `0xc2`, `&` or `[`.
fn is_text_stop(bytes: &[u8], i: usize) -> bool {
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    match bytes[i] {
        b' ' => bytes.get(i + 1).is_none_or(|&n| is_space(n)),
        c => is_space(c) || matches!(c, 0xc2 | b'&' | b'['),
    }
}

/// Appends a text run of `b.raw()[range]`: whitespace collapsed (kept as
/// line breaks with `pre`), entities decoded, plain citation markers
/// (`[12]`) cut out into `out.citations`.
pub(crate) fn emit_text(
    b: &mut CleanBuilder<'_>,
    out: &mut Cleaned,
    range: Range<usize>,
    pre: bool,
) {
    let base = range.start;
    let Some(s) = b.raw().get(range) else {
        return;
    };
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut run = 0;
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    while i < bytes.len() {
        let c = bytes[i];
        if c == b' ' && i > run && bytes.get(i + 1).is_some_and(|&n| !is_space(n)) {
            // One space between words stays in the copied run: the text is
            // the same as the folded space (the run ends in no space), and
            // the map keeps one piece per run instead of two per word.
            i = plain_text_end(bytes, i + 1);
        } else if is_space(c) {
            b.copy(base + run..base + i);
            let mut j = i;
            while j < bytes.len() && is_space(bytes[j]) {
                if pre && bytes[j] == b'\n' {
                    b.newline(base + j);
                }
                j += 1;
            }
            b.space(base + i..base + j);
            i = j;
            run = i;
        } else if c == 0xc2 && bytes.get(i + 1) == Some(&0xa0) {
            // A literal no-break space is a space.
            b.copy(base + run..base + i);
            b.space(base + i..base + i + 2);
            i += 2;
            run = i;
        } else if c == b'&' {
            match decode_at(&s[i..]) {
                Some((d, len)) => {
                    b.copy(base + run..base + i);
                    if d.is_space() {
                        b.space(base + i..base + i + len);
                    } else {
                        let mut t = String::new();
                        d.push_to(&mut t);
                        b.replace(base + i..base + i + len, &t);
                    }
                    i += len;
                    run = i;
                }
                None => i += 1,
            }
        } else if c == b'[' {
            match text_marker(&s[i..]) {
                Some((label, len)) => {
                    b.copy(base + run..base + i);
                    let at = b.text().trim_end().len();
                    out.citations.push(Citation {
                        label: label.to_string(),
                        clean_at: at,
                        raw: Span::new(base + i, base + i + len),
                    });
                    out.removed.push(Removed {
                        kind: RemovedKind::CitationMarker,
                        raw: Span::new(base + i, base + i + len),
                    });
                    i += len;
                    run = i;
                }
                None => i += 1,
            }
        } else {
            i = plain_text_end(bytes, i + 1);
        }
    }
    b.copy(base + run..base + bytes.len());
}

/// Cleans an HTML fragment embedded in another format (a Markdown HTML
/// block), `b.raw()[range]`, into `b`: text kept with entities decoded,
/// tags dropped, block tags ending lines, headings recorded as sections,
/// and the contents of scripts, styles, navigation and forms dropped. No
/// main-content extraction or class-based filtering: the fragment is
/// assumed to be content.
pub(crate) fn emit_fragment(b: &mut CleanBuilder<'_>, out: &mut Cleaned, range: Range<usize>) {
    let Some(src) = b.raw().get(range.clone()) else {
        return;
    };
    let base = range.start;
    let mut skip = 0usize;
    let mut pre = 0usize;
    let mut heading: Option<(u8, usize, usize)> = None;
    for tok in tokenize(src) {
        let span = tok.span.start + base..tok.span.end + base;
        match &tok.kind {
            TokenKind::Text if skip == 0 => emit_text(b, out, span, pre > 0),
            TokenKind::CData { inner } if skip == 0 => {
                emit_text(b, out, inner.start + base..inner.end + base, false)
            }
            TokenKind::Start {
                name, self_closing, ..
            } => {
                let skipped = matches!(
                    name.as_str(),
                    "script"
                        | "style"
                        | "noscript"
                        | "template"
                        | "svg"
                        | "iframe"
                        | "object"
                        | "canvas"
                        | "math"
                        | "video"
                        | "audio"
                        | "map"
                        | "nav"
                        | "footer"
                        | "aside"
                        | "form"
                        | "button"
                        | "select"
                        | "textarea"
                        | "dialog"
                        | "head"
                );
                if is_void(name) || *self_closing {
                    if skip == 0 && name == "br" {
                        b.newline(span.start);
                    } else if skip == 0 && name == "hr" {
                        b.paragraph(span.start);
                    }
                } else if skipped {
                    skip += 1;
                } else if skip == 0 {
                    if is_block(name) {
                        b.newline(span.start);
                    } else if matches!(name.as_str(), "td" | "th") {
                        b.space(span.start..span.start);
                    }
                    if name == "pre" {
                        pre += 1;
                    }
                    if let Some(level) = heading_level(name) {
                        heading = Some((level, b.len(), span.start));
                    }
                }
            }
            TokenKind::End { name } => {
                let skipped = matches!(
                    name.as_str(),
                    "script"
                        | "style"
                        | "noscript"
                        | "template"
                        | "svg"
                        | "iframe"
                        | "object"
                        | "canvas"
                        | "math"
                        | "video"
                        | "audio"
                        | "map"
                        | "nav"
                        | "footer"
                        | "aside"
                        | "form"
                        | "button"
                        | "select"
                        | "textarea"
                        | "dialog"
                        | "head"
                );
                if skipped {
                    skip = skip.saturating_sub(1);
                } else if skip == 0 {
                    if name == "pre" {
                        pre = pre.saturating_sub(1);
                    }
                    if heading_level(name).is_some() {
                        if let Some((level, clean_start, raw_start)) = heading.take() {
                            b.trim_end_spaces();
                            let clean_end = b.len();
                            let title = b
                                .text()
                                .get(clean_start..clean_end)
                                .unwrap_or("")
                                .replace('\n', " ")
                                .trim()
                                .to_string();
                            if !title.is_empty() && clean_start <= clean_end {
                                out.sections.push(Section {
                                    title,
                                    level,
                                    clean: Span::new(clean_start, clean_end),
                                    raw: Span::new(raw_start, span.end),
                                });
                            }
                        }
                    }
                    if is_block(name) {
                        if is_paragraph_block(name) {
                            b.paragraph(span.end);
                        } else {
                            b.newline(span.end);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether the element started at token `t` holds nothing but a citation
/// marker (`<sup>[<a>3</a>]</sup>`), looking at a few tokens only.
fn sup_is_marker(text: &str, toks: &[Token], t: usize, close: &[usize]) -> bool {
    let end = close.get(t).copied().unwrap_or(toks.len());
    if end <= t + 1 || end - t > 16 {
        return false;
    }
    let mut inner = String::new();
    for tok in toks.get(t + 1..end).unwrap_or(&[]) {
        if tok.kind == TokenKind::Text {
            inner.push_str(text.get(tok.span.clone()).unwrap_or(""));
        }
    }
    let inner = decode_collapse(&inner);
    text_marker(&inner).is_some_and(|(_, len)| len == inner.len())
}

/// Collapses whitespace in already-decoded text.
fn decode_collapse_plain(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cleans an HTML page.
pub fn clean(text: &str) -> Cleaned {
    let toks = tokenize(text);
    let close = structure(&toks);
    let main = find_main(text, &toks, &close);
    let out = render(text, &toks, &close, main);
    if main.is_some() && !out.clean.chars().any(char::is_alphanumeric) {
        let mut whole = render(text, &toks, &close, None);
        whole
            .warnings
            .push("main content container had no text; used the whole page".to_string());
        return whole;
    }
    out
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
    )
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// Elements that end a line before and after them.
fn is_block(name: &str) -> bool {
    heading_level(name).is_some()
        || matches!(
            name,
            "p" | "div"
                | "li"
                | "tr"
                | "blockquote"
                | "section"
                | "article"
                | "table"
                | "dd"
                | "dt"
                | "dl"
                | "figcaption"
                | "figure"
                | "pre"
                | "ul"
                | "ol"
                | "main"
                | "header"
                | "footer"
                | "nav"
                | "aside"
                | "address"
                | "details"
                | "summary"
                | "caption"
                | "center"
                | "fieldset"
                | "form"
                | "body"
                | "hgroup"
                | "thead"
                | "tbody"
                | "tfoot"
        )
}

/// Blocks that end with a blank line rather than a single newline.
fn is_paragraph_block(name: &str) -> bool {
    heading_level(name).is_some()
        || matches!(
            name,
            "p" | "blockquote" | "pre" | "table" | "ul" | "ol" | "dl" | "figure"
        )
}

/// Whether a start tag `name` implicitly closes an open `<p>`.
fn closes_p(name: &str) -> bool {
    is_block(name) && !matches!(name, "li" | "tr" | "dd" | "dt" | "body" | "caption")
        || matches!(name, "hr")
}

fn attr<'a>(text: &'a str, attrs: &[Attr], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|a| a.name == name)
        .and_then(|a| text.get(a.value.clone()))
}

/// For every start token, the index of the token at which its element
/// closes (`toks.len()` if never). Other tokens get their own index.
fn structure(toks: &[Token]) -> Vec<usize> {
    let mut close: Vec<usize> = (0..toks.len()).collect();
    let mut stack: Vec<(usize, &str)> = Vec::new();
    let mut open: HashMap<&str, usize> = HashMap::new();

    fn pop_to(
        stack: &mut Vec<(usize, &str)>,
        open: &mut HashMap<&str, usize>,
        close: &mut [usize],
        depth: usize,
        at: usize,
    ) {
        while stack.len() > depth {
            if let Some((i, n)) = stack.pop() {
                close[i] = at;
                if let Some(c) = open.get_mut(n) {
                    *c = c.saturating_sub(1);
                }
            }
        }
    }
    // Finds `target` within the top `limit` frames, not crossing `bounds`.
    fn find(
        stack: &[(usize, &str)],
        target: &[&str],
        bounds: &[&str],
        limit: usize,
    ) -> Option<usize> {
        for (k, (_, n)) in stack.iter().enumerate().rev().take(limit) {
            if target.contains(n) {
                return Some(k);
            }
            if bounds.contains(n) {
                return None;
            }
        }
        None
    }

    for (t, tok) in toks.iter().enumerate() {
        match &tok.kind {
            TokenKind::Start {
                name, self_closing, ..
            } => {
                let name = name.as_str();
                if is_void(name) || *self_closing {
                    continue;
                }
                let implied: Option<(&[&str], &[&str])> = match name {
                    "li" => Some((&["li"], &["ul", "ol", "menu", "table"])),
                    "dt" | "dd" => Some((&["dt", "dd"], &["dl", "table"])),
                    "tr" => Some((&["tr"], &["table", "thead", "tbody", "tfoot"])),
                    "td" | "th" => Some((&["td", "th"], &["tr", "table"])),
                    "thead" | "tbody" | "tfoot" => Some((&["thead", "tbody", "tfoot"], &["table"])),
                    "option" => Some((&["option"], &["select", "datalist"])),
                    _ => None,
                };
                if let Some((target, bounds)) = implied {
                    if target.iter().any(|n| open.get(n).is_some_and(|c| *c > 0)) {
                        if let Some(k) = find(&stack, target, bounds, 64) {
                            pop_to(&mut stack, &mut open, &mut close, k, t);
                        }
                    }
                }
                if closes_p(name) && open.get("p").is_some_and(|c| *c > 0) {
                    if let Some(k) = find(&stack, &["p"], &["div", "table", "li"], 16) {
                        pop_to(&mut stack, &mut open, &mut close, k, t);
                    }
                }
                if heading_level(name).is_some() {
                    if let Some((_, top)) = stack.last() {
                        if heading_level(top).is_some() {
                            let k = stack.len() - 1;
                            pop_to(&mut stack, &mut open, &mut close, k, t);
                        }
                    }
                }
                stack.push((t, name));
                *open.entry(name).or_insert(0) += 1;
                close[t] = toks.len();
            }
            TokenKind::End { name } if open.get(name.as_str()).is_some_and(|c| *c > 0) => {
                if let Some(k) = stack.iter().rposition(|(_, n)| *n == name.as_str()) {
                    pop_to(&mut stack, &mut open, &mut close, k, t);
                }
            }
            _ => {}
        }
    }
    close
}

/// Picks the main content container, if any: the index of its start tag.
fn find_main(text: &str, toks: &[Token], close: &[usize]) -> Option<usize> {
    let mut best: Option<(u8, usize)> = None;
    for (t, tok) in toks.iter().enumerate() {
        let TokenKind::Start {
            name,
            attrs,
            self_closing,
        } = &tok.kind
        else {
            continue;
        };
        if *self_closing || is_void(name) || close.get(t).is_none_or(|c| *c <= t + 1) {
            continue;
        }
        let id = attr(text, attrs, "id").unwrap_or("");
        let role = attr(text, attrs, "role").unwrap_or("");
        let rank = if name == "main" || role.eq_ignore_ascii_case("main") {
            0
        } else if id == "mw-content-text" {
            1
        } else if id == "content" || id == "main-content" || id == "bodyContent" {
            2
        } else if name == "article" {
            3
        } else {
            continue;
        };
        if best.is_none_or(|(r, _)| rank < r) {
            best = Some((rank, t));
        }
    }
    best.map(|(_, t)| t)
}

/// What an element does to the text inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Plain,
    /// Dropped (scripts, chrome, navboxes).
    Skip(RemovedKind),
    /// A citation marker: its text becomes the label.
    Cite,
    /// A reference list: its items become references.
    RefList,
    /// One reference entry (collecting text).
    RefItem,
    /// The main content container.
    Main,
}

#[derive(Debug)]
struct Frame {
    close: usize,
    name: String,
    role: Role,
    raw_start: usize,
    /// Whether this frame started a removed span (outermost removal).
    removal: bool,
    /// `(level, clean start, raw start)` for headings being rendered.
    heading: Option<(u8, usize)>,
    /// Whether the element is a list (its items are counted).
    list: bool,
    /// Whether the element was rendered as a block.
    block: bool,
    label: Option<String>,
    collect: Collect,
}

/// Words in class names and ids that mark page chrome.
fn chrome_word(w: &str) -> Option<RemovedKind> {
    if w.contains("navbox") || w == "vertical-navbox" {
        return Some(RemovedKind::Navbox);
    }
    let chrome = w.starts_with("nav")
        || w.ends_with("nav")
        || w.contains("menu")
        || w.contains("footer")
        || w.contains("sidebar")
        || w.contains("cookie")
        || w.contains("consent")
        || w.contains("breadcrumb")
        || w.contains("editsection")
        || w.contains("backlink")
        || w.contains("newsletter")
        || w.contains("advert")
        || matches!(
            w,
            "share"
                | "sharing"
                | "social"
                | "toc"
                | "toolbar"
                | "catlinks"
                | "printfooter"
                | "noprint"
                | "hatnote"
                | "ambox"
                | "mbox"
                | "promo"
                | "subscribe"
                | "related"
                | "comments"
                | "ad"
                | "ads"
                | "skip"
                | "jump"
                | "sitenotice"
                | "popup"
                | "modal"
                | "masthead"
        );
    chrome.then_some(RemovedKind::Chrome)
}

fn is_reflist_word(w: &str) -> bool {
    matches!(
        w,
        "references" | "reflist" | "footnotes" | "refbegin" | "endnotes"
    ) || w.contains("references")
}

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
}

pub(crate) fn is_ref_heading(title: &str) -> bool {
    let t = title.trim().trim_end_matches([':', '.']).to_lowercase();
    matches!(
        t.as_str(),
        "references"
            | "notes"
            | "footnotes"
            | "citations"
            | "sources"
            | "bibliography"
            | "notes and references"
            | "references and notes"
            | "works cited"
            | "endnotes"
    )
}

/// A plain-text citation marker at the start of `s`: `[12]`, `[a]`,
/// `[citation needed]`, `[note 3]`. Returns the label and byte length.
pub(crate) fn text_marker(s: &str) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'[') {
        return None;
    }
    let end = memchr::memchr(b']', &b[1..b.len().min(24)])? + 1;
    let label = s.get(1..end)?;
    let ok = (!label.is_empty() && label.len() <= 3 && label.bytes().all(|c| c.is_ascii_digit()))
        // `[a]` but not the editorial `[t]he`.
        || (!label.is_empty()
            && label.len() <= 2
            && label.bytes().all(|c| c.is_ascii_lowercase())
            && !b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric))
        || label == "citation needed"
        || label == "clarification needed"
        || label == "better source needed"
        || label == "failed verification"
        || label == "dubious – discuss"
        || label
            .strip_prefix("note ")
            .or_else(|| label.strip_prefix("nb "))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_alphanumeric()));
    ok.then_some((label, end + 1))
}

struct Renderer<'a> {
    raw: &'a str,
    /// Non-whitespace text bytes in the tokens before each token index.
    text_before: Vec<usize>,
    /// Link text bytes and links before each token index.
    links_before: Vec<(usize, usize)>,
    b: CleanBuilder<'a>,
    out: Cleaned,
    main: Option<usize>,
    main_depth: usize,
    article_depth: usize,
    skip_depth: usize,
    removal_depth: usize,
    cite: Option<(String, usize)>,
    reflist_depth: usize,
    ref_item: Option<String>,
    ref_section: Option<u8>,
    pre_depth: usize,
    svg_depth: usize,
    lists: Vec<(bool, usize)>,
    meta_date: Option<String>,
    time_date: Option<String>,
    ld_date: Option<String>,
    /// Whether the `<sup>` being started holds only a marker like `[3]`.
    sup_is_marker: bool,
    title: Option<String>,
    h1: Option<String>,
    h1_buf: Option<String>,
    infobox_depth: usize,
    /// The infobox cell being read: whether it is a label, its text.
    cell: Option<(bool, String)>,
    row: (Option<String>, Option<String>),
}

/// What an element collects on the side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Collect {
    None,
    H1,
    Infobox,
    Row,
    Cell,
}

fn render(text: &str, toks: &[Token], close: &[usize], main: Option<usize>) -> Cleaned {
    // Prefix sums over tokens: text bytes, text bytes inside links, links.
    let mut text_before = Vec::with_capacity(toks.len() + 1);
    let mut links_before = Vec::with_capacity(toks.len() + 1);
    let (mut total, mut link_text, mut links) = (0, 0, 0);
    let mut open_links: Vec<usize> = Vec::new();
    for (t, tok) in toks.iter().enumerate() {
        while open_links.last().is_some_and(|c| *c <= t) {
            open_links.pop();
        }
        text_before.push(total);
        links_before.push((link_text, links));
        match &tok.kind {
            TokenKind::Text => {
                let n = text.get(tok.span.clone()).map_or(0, |s| {
                    s.bytes().filter(|c| !c.is_ascii_whitespace()).count()
                });
                total += n;
                if !open_links.is_empty() {
                    link_text += n;
                }
            }
            TokenKind::Start {
                name, self_closing, ..
            } if name == "a" && !self_closing => {
                links += 1;
                open_links.push(close.get(t).copied().unwrap_or(toks.len()));
            }
            _ => {}
        }
    }
    text_before.push(total);
    links_before.push((link_text, links));
    let mut r = Renderer {
        raw: text,
        text_before,
        links_before,
        b: CleanBuilder::new(text),
        out: Cleaned::default(),
        main,
        main_depth: 0,
        article_depth: 0,
        skip_depth: 0,
        removal_depth: 0,
        cite: None,
        reflist_depth: 0,
        ref_item: None,
        ref_section: None,
        pre_depth: 0,
        svg_depth: 0,
        lists: Vec::new(),
        meta_date: None,
        time_date: None,
        ld_date: None,
        sup_is_marker: false,
        title: None,
        h1: None,
        h1_buf: None,
        infobox_depth: 0,
        cell: None,
        row: (None, None),
    };
    let mut frames: Vec<Frame> = Vec::new();
    let mut last_start: Option<&str> = None;
    for t in 0..=toks.len() {
        while frames.last().is_some_and(|f| f.close <= t) {
            let Some(f) = frames.pop() else { break };
            let end_raw = match toks.get(t) {
                Some(Token {
                    kind: TokenKind::End { name },
                    span,
                }) if *name == f.name => span.end,
                Some(tok) => tok.span.start,
                None => text.len(),
            };
            r.finish(f, end_raw);
        }
        let Some(tok) = toks.get(t) else { break };
        match &tok.kind {
            TokenKind::Text => {
                last_start = None;
                r.text(tok.span.clone());
            }
            TokenKind::CData { inner } => r.text(inner.clone()),
            TokenKind::RawText => {
                if let Some(Token {
                    kind: TokenKind::Start { name, attrs, .. },
                    ..
                }) = t.checked_sub(1).and_then(|i| toks.get(i))
                {
                    let ty = attr(text, attrs, "type").unwrap_or("");
                    if name == "script" && ty.to_ascii_lowercase().contains("ld+json") {
                        r.json_ld(&text[tok.span.clone()]);
                    }
                }
                if last_start == Some("title") && r.title.is_none() && r.svg_depth == 0 {
                    let title = decode_collapse(&text[tok.span.clone()]);
                    if !title.is_empty() {
                        r.title = Some(title);
                    }
                }
            }
            TokenKind::Comment | TokenKind::End { .. } => {}
            TokenKind::Start {
                name,
                attrs,
                self_closing,
            } => {
                last_start = Some(name.as_str());
                if is_void(name) || *self_closing {
                    r.void(name, attrs, tok.span.clone());
                } else {
                    r.sup_is_marker = name == "sup" && sup_is_marker(text, toks, t, close);
                    let f = r.start(
                        t,
                        close.get(t).copied().unwrap_or(toks.len()),
                        name,
                        attrs,
                        tok.span.clone(),
                    );
                    frames.push(f);
                }
            }
        }
    }
    r.done()
}

impl<'a> Renderer<'a> {
    /// Whether text at this point goes to the clean text.
    fn in_content(&self) -> bool {
        (self.main.is_none() || self.main_depth > 0)
            && self.skip_depth == 0
            && self.reflist_depth == 0
            && self.ref_item.is_none()
            && self.cite.is_none()
    }

    fn layout(&self) -> bool {
        (self.main.is_none() || self.main_depth > 0) && self.skip_depth == 0 && self.cite.is_none()
    }

    fn void(&mut self, name: &str, attrs: &[Attr], span: Range<usize>) {
        match name {
            "br" => {
                if self.layout() {
                    self.b.newline(span.start);
                }
                if let Some(item) = self.ref_item.as_mut() {
                    item.push(' ');
                }
                if let Some((_, buf)) = self.cell.as_mut() {
                    buf.push(' ');
                }
            }
            "hr" if self.layout() => self.b.paragraph(span.start),
            "meta" => {
                let key = attr(self.raw, attrs, "name")
                    .or_else(|| attr(self.raw, attrs, "property"))
                    .or_else(|| attr(self.raw, attrs, "itemprop"));
                let content = attr(self.raw, attrs, "content");
                if let (Some(k), Some(c)) = (key, content) {
                    let key = k.trim().to_lowercase();
                    let value = decode_collapse(c);
                    if !key.is_empty() {
                        self.add_meta(key, value);
                    }
                }
            }
            "link" => {
                let rel = attr(self.raw, attrs, "rel").unwrap_or("");
                if rel.eq_ignore_ascii_case("canonical") {
                    if let Some(href) = attr(self.raw, attrs, "href") {
                        self.add_meta("canonical".to_string(), decode_collapse(href));
                    }
                }
            }
            "td" | "th" => {}
            _ => {}
        }
    }

    /// Reads `datePublished`, `dateModified` and `headline` from JSON-LD.
    fn json_ld(&mut self, src: &str) {
        use serde_json::Value;
        // serde_json limits nesting (128), so parsing cannot overflow.
        let Ok(v) = serde_json::from_str::<Value>(src) else {
            return;
        };
        let mut stack = vec![&v];
        let mut seen = 0;
        while let Some(v) = stack.pop() {
            seen += 1;
            if seen > 10_000 {
                break;
            }
            match v {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(map) => {
                    for key in ["datePublished", "dateModified", "headline"] {
                        if let Some(Value::String(s)) = map.get(key) {
                            let s = s.trim();
                            if !s.is_empty() && !self.out.metadata.contains_key(key) {
                                self.out
                                    .metadata
                                    .insert(key.to_string(), Value::String(s.to_string()));
                                if key == "datePublished" && self.ld_date.is_none() {
                                    self.ld_date = Some(s.to_string());
                                }
                            }
                        }
                    }
                    stack.extend(map.values().filter(|v| v.is_array() || v.is_object()));
                }
                _ => {}
            }
        }
    }

    fn add_meta(&mut self, key: String, value: String) {
        use serde_json::Value;
        if self.meta_date.is_none()
            && matches!(
                key.as_str(),
                "article:published_time"
                    | "og:published_time"
                    | "dc.date"
                    | "dc.date.issued"
                    | "dcterms.date"
                    | "dcterms.created"
                    | "pubdate"
                    | "publishdate"
                    | "publish-date"
                    | "datepublished"
                    | "sailthru.date"
                    | "parsely-pub-date"
                    | "article.published"
            )
        {
            self.meta_date = Some(value.clone());
        }
        match self.out.metadata.get_mut(&key) {
            None => {
                self.out.metadata.insert(key, Value::String(value));
            }
            Some(Value::Array(a)) => {
                if a.len() < 64 {
                    a.push(Value::String(value));
                }
            }
            Some(old) => {
                if *old != Value::String(value.clone()) {
                    let prev = old.take();
                    *old = Value::Array(vec![prev, Value::String(value)]);
                }
            }
        }
    }

    fn remove(&mut self, kind: RemovedKind, raw: Range<usize>) {
        if raw.start < raw.end {
            self.out.removed.push(Removed {
                kind,
                raw: Span::new(raw.start, raw.end),
            });
        }
    }

    fn start(
        &mut self,
        t: usize,
        close: usize,
        name: &str,
        attrs: &[Attr],
        span: Range<usize>,
    ) -> Frame {
        let raw = self.raw;
        let class = attr(raw, attrs, "class").unwrap_or("");
        let id = attr(raw, attrs, "id").unwrap_or("");
        let role_attr = attr(raw, attrs, "role").unwrap_or("").to_ascii_lowercase();
        let is_main = self.main == Some(t);
        let contains_main = self.main.is_some_and(|m| t < m && m < close);
        let mut role = Role::Plain;
        if is_main {
            role = Role::Main;
        } else if !contains_main && !matches!(name, "html" | "body" | "head") {
            role = self.classify(name, class, id, &role_attr, attrs);
            if name == "sup" && role == Role::Plain && self.sup_is_marker {
                role = Role::Cite;
            }
            // Link lists: containers whose text is almost all link text.
            if role == Role::Plain && matches!(name, "div" | "ul" | "ol" | "section" | "dl") {
                let (inner, link_text, links) = self.link_density(t, close);
                if links >= 3 && inner > 0 && link_text * 10 >= inner * 8 {
                    role = Role::Skip(RemovedKind::Chrome);
                }
            }
            // Chrome found by class, id, role or a page-wide <form> must not
            // swallow most of the page's text (wrappers like
            // `<div class="nav-open">` or ASP.NET's `<form id="aspnetForm">`).
            let by_class = !matches!(
                name,
                "nav"
                    | "footer"
                    | "aside"
                    | "header"
                    | "button"
                    | "select"
                    | "textarea"
                    | "dialog"
                    | "menu"
            );
            if matches!(role, Role::Skip(RemovedKind::Chrome | RemovedKind::Navbox)) && by_class {
                let total = self.text_before.last().copied().unwrap_or(0);
                let at = |i: usize| self.text_before.get(i).copied().unwrap_or(total);
                let inner = at(close).saturating_sub(at(t));
                if total > 0 && inner * 2 > total {
                    role = Role::Plain;
                }
            }
        }
        if name == "html" {
            if let Some(lang) = attr(raw, attrs, "lang") {
                let lang = decode_collapse(lang);
                if !lang.is_empty() {
                    self.out
                        .metadata
                        .insert("lang".to_string(), serde_json::Value::String(lang));
                }
            }
        }
        if name == "time" && self.time_date.is_none() && self.in_content() {
            if let Some(dt) = attr(raw, attrs, "datetime") {
                let dt = decode_collapse(dt);
                if !dt.is_empty() {
                    self.time_date = Some(dt);
                }
            }
        }
        // A list item in a references section (outside a reference list).
        let mut label = None;
        let list = matches!(name, "ol" | "ul");
        if name == "li" {
            if let Some((ordered, n)) = self.lists.last_mut() {
                *n += 1;
                if *ordered {
                    label = Some(n.to_string());
                }
            }
            if role == Role::Plain
                && self.ref_item.is_none()
                && self.skip_depth == 0
                && self.cite.is_none()
                && (self.reflist_depth > 0 || (self.ref_section.is_some() && self.in_content()))
            {
                role = Role::RefItem;
            }
        }
        if list {
            self.lists.push((name == "ol", 0));
        }
        let layout_before = self.layout();
        let block = is_block(name) && layout_before;
        if block {
            self.b.newline(span.start);
        } else if matches!(name, "td" | "th") && layout_before {
            self.b.space(span.start..span.start);
        }
        if role == Role::Cite && !layout_before {
            role = Role::Plain;
        }
        if name == "svg" {
            self.svg_depth += 1;
        }
        let mut removal = false;
        match role {
            Role::Main => {
                self.main_depth += 1;
                self.remove(RemovedKind::Chrome, 0..span.start);
            }
            Role::Skip(kind) => {
                if self.removal_depth == 0 && self.skip_depth == 0 {
                    removal = true;
                    let _ = kind;
                }
                self.skip_depth += 1;
            }
            Role::Cite => {
                if self.cite.is_none() {
                    let at = self.b.text().trim_end().len();
                    self.cite = Some((String::new(), at));
                    removal = true;
                }
            }
            Role::RefList => {
                if self.reflist_depth == 0 && self.removal_depth == 0 {
                    removal = true;
                }
                self.reflist_depth += 1;
            }
            Role::RefItem => {
                self.ref_item = Some(String::new());
            }
            Role::Plain => {}
        }
        if removal {
            self.removal_depth += 1;
        }
        if name == "article" {
            self.article_depth += 1;
        }
        if name == "pre" {
            self.pre_depth += 1;
        }
        let mut heading = None;
        if let Some(level) = heading_level(name) {
            if self.ref_section.is_some_and(|l| level <= l) {
                self.ref_section = None;
            }
            if self.in_content() {
                self.b.newline(span.start);
                heading = Some((level, self.b.len()));
            }
        }
        let mut collect = Collect::None;
        if self.skip_depth == 0 {
            if name == "h1" && self.h1.is_none() && self.h1_buf.is_none() {
                self.h1_buf = Some(String::new());
                collect = Collect::H1;
            } else if name == "table"
                && self.infobox_depth == 0
                && !self.out.metadata.contains_key("infobox")
                && words(class).any(|w| w == "infobox")
            {
                self.infobox_depth = 1;
                collect = Collect::Infobox;
            } else if self.infobox_depth > 0 && name == "tr" {
                self.row = (None, None);
                collect = Collect::Row;
            } else if self.infobox_depth > 0 && matches!(name, "th" | "td") && self.cell.is_none() {
                let label = name == "th" || words(class).any(|w| w == "label");
                self.cell = Some((label, String::new()));
                collect = Collect::Cell;
            } else if is_block(name) {
                if let Some((_, buf)) = self.cell.as_mut() {
                    buf.push(' ');
                }
            }
        }
        Frame {
            close,
            name: name.to_string(),
            role,
            raw_start: span.start,
            removal,
            heading,
            list,
            block,
            label,
            collect,
        }
    }

    /// Text bytes, link text bytes and links inside tokens `(t, close)`.
    fn link_density(&self, t: usize, close: usize) -> (usize, usize, usize) {
        let total = self.text_before.last().copied().unwrap_or(0);
        let text_at = |i: usize| self.text_before.get(i).copied().unwrap_or(total);
        let last = self.links_before.last().copied().unwrap_or((0, 0));
        let links_at = |i: usize| self.links_before.get(i).copied().unwrap_or(last);
        let (lt0, l0) = links_at(t);
        let (lt1, l1) = links_at(close);
        (
            text_at(close).saturating_sub(text_at(t)),
            lt1.saturating_sub(lt0),
            l1.saturating_sub(l0),
        )
    }

    fn classify(&self, name: &str, class: &str, id: &str, role: &str, attrs: &[Attr]) -> Role {
        match name {
            "script" | "style" | "noscript" | "template" | "svg" | "iframe" | "object"
            | "canvas" | "math" | "video" | "audio" | "map" => {
                return Role::Skip(RemovedKind::Script)
            }
            "head" => return Role::Skip(RemovedKind::Markup),
            "nav" | "footer" | "aside" | "form" | "button" | "select" | "textarea" | "dialog"
            | "menu" => return Role::Skip(RemovedKind::Chrome),
            "header" if self.main_depth == 0 && self.article_depth == 0 => {
                return Role::Skip(RemovedKind::Chrome)
            }
            _ => {}
        }
        let class_words: Vec<String> = words(class).chain(words(id)).collect();
        if name == "sup"
            && (class_words
                .iter()
                .any(|w| w == "reference" || w == "fact" || w == "noprint")
                || id.starts_with("cite_ref"))
        {
            return Role::Cite;
        }
        if matches!(name, "ol" | "ul" | "div" | "section")
            && (class_words.iter().any(|w| is_reflist_word(w)) || role == "doc-endnotes")
        {
            return Role::RefList;
        }
        for w in &class_words {
            if let Some(kind) = chrome_word(w) {
                return Role::Skip(kind);
            }
        }
        if matches!(
            role,
            "navigation"
                | "banner"
                | "contentinfo"
                | "complementary"
                | "menu"
                | "menubar"
                | "search"
                | "dialog"
                | "alertdialog"
        ) {
            return Role::Skip(RemovedKind::Chrome);
        }
        if attrs.iter().any(|a| a.name == "hidden")
            || attr(self.raw, attrs, "aria-hidden").is_some_and(|v| v.eq_ignore_ascii_case("true"))
            || attr(self.raw, attrs, "style").is_some_and(|s| {
                let s: String = s
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                s.contains("display:none") || s.contains("visibility:hidden")
            })
        {
            return Role::Skip(RemovedKind::Chrome);
        }
        Role::Plain
    }

    fn finish(&mut self, f: Frame, end_raw: usize) {
        let span = f.raw_start..end_raw.max(f.raw_start);
        if let Some((level, clean_start)) = f.heading {
            self.b.trim_end_spaces();
            let clean_end = self.b.len();
            let title = self
                .b
                .text()
                .get(clean_start..clean_end)
                .unwrap_or("")
                .replace('\n', " ");
            if !title.trim().is_empty() {
                let title = title.trim().to_string();
                if is_ref_heading(&title) {
                    self.ref_section = Some(level);
                }
                self.out.sections.push(Section {
                    title,
                    level,
                    clean: Span::new(clean_start, clean_end),
                    raw: Span::new(span.start, span.end),
                });
            }
        }
        match f.collect {
            Collect::None => {}
            Collect::H1 => {
                if let Some(buf) = self.h1_buf.take() {
                    let t = decode_collapse_plain(&buf);
                    if !t.is_empty() {
                        self.h1 = Some(t);
                    }
                }
            }
            Collect::Cell => {
                if let Some((label, buf)) = self.cell.take() {
                    let t = decode_collapse_plain(&buf);
                    let slot = if label {
                        &mut self.row.0
                    } else {
                        &mut self.row.1
                    };
                    if slot.is_none() && !t.is_empty() {
                        *slot = Some(t);
                    }
                }
            }
            Collect::Row => {
                if let (Some(k), Some(v)) = std::mem::take(&mut self.row) {
                    let entry = self
                        .out
                        .metadata
                        .entry("infobox".to_string())
                        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
                    if let Some(map) = entry.as_object_mut() {
                        if map.len() < 256 {
                            map.entry(k).or_insert(serde_json::Value::String(v));
                        }
                    }
                }
            }
            Collect::Infobox => {
                self.infobox_depth = 0;
                self.cell = None;
            }
        }
        match f.role {
            Role::Main => {
                self.main_depth = self.main_depth.saturating_sub(1);
                self.remove(RemovedKind::Chrome, span.end..self.raw.len());
            }
            Role::Skip(kind) => {
                self.skip_depth = self.skip_depth.saturating_sub(1);
                if f.removal {
                    self.remove(kind, span.clone());
                }
            }
            Role::Cite => {
                if f.removal {
                    if let Some((label, at)) = self.cite.take() {
                        let label = label
                            .trim()
                            .trim_start_matches('[')
                            .trim_end_matches(']')
                            .trim()
                            .to_string();
                        if !label.is_empty() {
                            self.out.citations.push(Citation {
                                label,
                                clean_at: at,
                                raw: Span::new(span.start, span.end),
                            });
                        }
                    }
                    self.remove(RemovedKind::CitationMarker, span.clone());
                }
            }
            Role::RefList => {
                self.reflist_depth = self.reflist_depth.saturating_sub(1);
                if f.removal {
                    self.remove(RemovedKind::References, span.clone());
                }
            }
            Role::RefItem => {
                if let Some(item) = self.ref_item.take() {
                    let text = item.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !text.is_empty() {
                        self.out.references.push(Reference {
                            label: f.label.clone(),
                            text,
                            raw: Span::new(span.start, span.end),
                        });
                    }
                    if self.reflist_depth == 0 {
                        self.remove(RemovedKind::References, span.clone());
                    }
                }
            }
            Role::Plain => {}
        }
        if f.removal {
            self.removal_depth = self.removal_depth.saturating_sub(1);
        }
        if f.list {
            self.lists.pop();
        }
        if f.name == "article" {
            self.article_depth = self.article_depth.saturating_sub(1);
        }
        if f.name == "svg" {
            self.svg_depth = self.svg_depth.saturating_sub(1);
        }
        if f.name == "pre" {
            self.pre_depth = self.pre_depth.saturating_sub(1);
        }
        if f.block && self.layout() {
            if is_paragraph_block(&f.name) {
                self.b.paragraph(span.end);
            } else {
                self.b.newline(span.end);
            }
        } else if f.heading.is_some() {
            self.b.paragraph(span.end);
        }
    }

    /// Routes a text token.
    fn text(&mut self, range: Range<usize>) {
        if self.skip_depth > 0 {
            return;
        }
        let Some(s) = self.raw.get(range.clone()) else {
            return;
        };
        if let Some(buf) = self.h1_buf.as_mut() {
            buf.push_str(&entities::decode_str(s));
        }
        if let Some((buf, _)) = self.cite.as_mut() {
            buf.push_str(&decode_collapse(s));
            return;
        }
        if let Some((_, buf)) = self.cell.as_mut() {
            buf.push_str(&entities::decode_str(s));
        }
        if let Some(buf) = self.ref_item.as_mut() {
            buf.push_str(&entities::decode_str(s));
            return;
        }
        if !self.in_content() {
            return;
        }
        self.emit_text(range);
    }

    /// Appends a text run: whitespace collapsed, entities decoded, plain
    /// citation markers removed.
    fn emit_text(&mut self, range: Range<usize>) {
        emit_text(&mut self.b, &mut self.out, range, self.pre_depth > 0);
    }

    fn done(mut self) -> Cleaned {
        let (clean, map) = self.b.finish();
        let clean_len = clean.len();
        self.out.clean = clean;
        self.out.map = map;
        // Spans may point past the trimmed end.
        for s in &mut self.out.sections {
            s.clean.end = s.clean.end.min(clean_len);
            s.clean.start = s.clean.start.min(s.clean.end);
        }
        for c in &mut self.out.citations {
            c.clean_at = c.clean_at.min(clean_len);
        }
        self.out
            .citations
            .sort_by_key(|c| (c.clean_at, c.raw.start));
        self.out.removed.sort_by_key(|r| (r.raw.start, r.raw.end));
        let date = self
            .meta_date
            .take()
            .or(self.ld_date.take())
            .or(self.time_date.take());
        if let Some(d) = date {
            self.out
                .metadata
                .entry("date".to_string())
                .or_insert(serde_json::Value::String(d));
        }
        let og = self
            .out
            .metadata
            .get("og:title")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        // The <title>, unless it is the first <h1> plus a site name
        // ("Headline - Site" or "Site | Headline").
        let h1 = self.h1.take();
        let title = match (self.title.take(), h1) {
            (Some(t), Some(h)) if (t.starts_with(&h) || t.ends_with(&h)) && t.len() > h.len() => {
                Some(h)
            }
            (t, h) => t.or(og).or(h),
        };
        self.out.title = title;
        self.out
    }
}

#[cfg(test)]
pub(crate) mod tests;
