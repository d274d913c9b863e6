//! Markdown with optional YAML front matter.
//!
//! * Front matter: a `---` line at the very start (after an optional BOM),
//!   closed by a `---` or `...` line. It is removed from the text
//!   ([`RemovedKind::FrontMatter`]) and its top-level mapping becomes the
//!   metadata, converted to JSON values (nested maps and lists stay
//!   structured; plain scalars are typed as null, booleans, integers or
//!   floats, anything else, dates included, is a string). The conversion is
//!   event-driven with a node budget: aliases are expanded, but a document
//!   that would expand past [`MAX_YAML_NODES`] nodes (a billion-laughs bomb)
//!   or nest deeper than [`MAX_YAML_DEPTH`] is dropped with a warning.
//!   Malformed YAML is dropped with a warning; the body is always kept.
//! * Hugo-style `+++` TOML front matter is removed too; only its top-level
//!   `key = value` lines are read (strings, booleans, numbers, else the raw
//!   value as a string), with a warning for what was skipped.
//! * Body: parsed with pulldown-cmark (tables, footnotes, strikethrough,
//!   task lists, heading attributes). Text is copied from its raw range when
//!   the parser's text is verbatim there, otherwise (escapes, entities)
//!   written with [`CleanBuilder::replace`]. Headings (ATX and setext) are
//!   sections on their own line; paragraphs end with a blank line; list
//!   items and table rows are one line each (cells separated by a space);
//!   soft breaks are spaces and hard breaks end the line.
//! * Code blocks are kept, one clean line per code line (they are rare in
//!   reporting, and dropping quoted material silently is worse); inline code
//!   keeps its text without backticks.
//! * Links keep their text; images are dropped with their alt text
//!   ([`RemovedKind::Markup`]); inline HTML tags are dropped (`<br>` ends a
//!   line); HTML blocks are cleaned like an HTML fragment (text kept, tags
//!   dropped, scripts and styles dropped, headings become sections).
//! * Footnote references `[^1]` (defined or not) and plain markers like
//!   `[12]` become citations; footnote definitions, and list items under a
//!   "References"/"Notes"/"Sources" heading, become references and leave
//!   the clean text.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use serde_json::{Map, Value};
use yaml_rust2::parser::{Event as YEvent, Parser as YParser};
use yaml_rust2::scanner::TScalarStyle;

use super::html::{is_ref_heading, text_marker};
use crate::offsets::CleanBuilder;
use crate::{Citation, Cleaned, Reference, Removed, RemovedKind, Section, Span};

/// Most YAML nodes (after alias expansion) the front matter may hold.
pub const MAX_YAML_NODES: usize = 10_000;
/// Deepest nesting of the front matter.
pub const MAX_YAML_DEPTH: usize = 64;

/// Cleans a Markdown document.
pub fn clean(text: &str) -> Cleaned {
    let mut out = Cleaned::default();
    let mut body_start = 0;
    if let Some(fm) = toml_front_matter(text) {
        out.removed.push(Removed {
            kind: RemovedKind::FrontMatter,
            raw: Span::new(0, fm.end),
        });
        body_start = fm.end;
        let (map, skipped) = simple_toml(&text[fm.yaml.clone()]);
        out.metadata = map;
        if skipped > 0 {
            out.warnings.push(format!(
                "TOML front matter: {skipped} lines (tables, arrays, multi-line values) not read"
            ));
        }
    } else if let Some(fm) = front_matter(text) {
        out.removed.push(Removed {
            kind: RemovedKind::FrontMatter,
            raw: Span::new(0, fm.end),
        });
        body_start = fm.end;
        match yaml_to_json(&text[fm.yaml.clone()]) {
            Ok(Value::Object(map)) => {
                out.metadata = map.into_iter().collect::<BTreeMap<_, _>>();
            }
            Ok(Value::Null) => {}
            Ok(_) => out
                .warnings
                .push("front matter is not a mapping; ignored".to_string()),
            Err(e) => out
                .warnings
                .push(format!("malformed YAML front matter ignored: {e}")),
        }
    }
    let mut r = Render::new(text, out);
    r.body(body_start);
    r.done()
}

/// Where the front matter lies: the YAML inside, and the end of the block.
struct FrontMatter {
    yaml: Range<usize>,
    end: usize,
}

/// The line starting at `at`: its content (without the line break) and the
/// offset of the next line.
fn line_at(text: &str, at: usize) -> (Range<usize>, usize) {
    match memchr::memchr(b'\n', &text.as_bytes()[at..]) {
        Some(i) => {
            let nl = at + i;
            let end = if nl > at && text.as_bytes()[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            };
            (at..end, nl + 1)
        }
        None => (at..text.len(), text.len()),
    }
}

fn front_matter(text: &str) -> Option<FrontMatter> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let (first, mut next) = line_at(text, start);
    if text[first].trim_end_matches([' ', '\t']) != "---" || next >= text.len() {
        return None;
    }
    let yaml_start = next;
    while next < text.len() {
        let (line, after) = line_at(text, next);
        let content = text[line.clone()].trim_end_matches([' ', '\t']);
        if content == "---" || content == "..." {
            return Some(FrontMatter {
                yaml: yaml_start..line.start,
                end: after,
            });
        }
        next = after;
    }
    None
}

/// A Hugo-style `+++` front matter block.
fn toml_front_matter(text: &str) -> Option<FrontMatter> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let (first, mut next) = line_at(text, start);
    if text[first].trim_end_matches([' ', '\t']) != "+++" {
        return None;
    }
    let yaml_start = next;
    while next < text.len() {
        let (line, after) = line_at(text, next);
        if text[line.clone()].trim_end_matches([' ', '\t']) == "+++" {
            return Some(FrontMatter {
                yaml: yaml_start..line.start,
                end: after,
            });
        }
        next = after;
    }
    None
}

/// Reads the top-level `key = value` lines of TOML front matter (strings,
/// booleans, integers; anything else, dates included, as a string). Stops
/// at the first `[table]`. Returns the map and the number of lines skipped.
fn simple_toml(src: &str) -> (BTreeMap<String, Value>, usize) {
    let mut map = BTreeMap::new();
    let mut skipped = 0;
    for (k, line) in src.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            skipped += src.lines().skip(k).filter(|l| !l.trim().is_empty()).count();
            break;
        }
        let Some((key, value)) = line.split_once('=') else {
            skipped += 1;
            continue;
        };
        let key = key.trim().trim_matches('"');
        let value = value.trim();
        if key.is_empty()
            || value.is_empty()
            || value.starts_with(['[', '{'])
            || value.starts_with("\"\"\"")
        {
            skipped += 1;
            continue;
        }
        let v = if let Some(q) = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        {
            Value::String(q.replace("\\\"", "\""))
        } else {
            match plain_scalar(value) {
                Value::Null => Value::String(value.to_string()),
                v => v,
            }
        };
        map.insert(key.to_string(), v);
    }
    (map, skipped)
}

enum Node {
    Seq(Vec<Value>, usize, usize),
    Map(Map<String, Value>, Option<String>, usize, usize),
}

/// Converts the first YAML document in `src` to JSON, within the budgets.
pub fn yaml_to_json(src: &str) -> Result<Value, String> {
    let mut parser = YParser::new_from_str(src);
    let mut stack: Vec<Node> = Vec::new();
    let mut anchors: HashMap<usize, (Value, usize)> = HashMap::new();
    let mut count: usize = 0;
    let mut root: Option<Value> = None;

    // Places a finished value into its parent (or the root).
    fn place(stack: &mut [Node], root: &mut Option<Value>, v: Value) {
        match stack.last_mut() {
            None => {
                if root.is_none() {
                    *root = Some(v);
                }
            }
            Some(Node::Seq(items, ..)) => items.push(v),
            Some(Node::Map(map, key, ..)) => match key.take() {
                None => *key = Some(key_string(v)),
                Some(k) => {
                    map.insert(k, v);
                }
            },
        }
    }

    loop {
        let (ev, _mark) = parser.next_token().map_err(|e| e.to_string())?;
        match ev {
            YEvent::StreamEnd => break,
            YEvent::DocumentEnd => {
                if root.is_some() {
                    break;
                }
            }
            YEvent::Nothing | YEvent::StreamStart | YEvent::DocumentStart => {}
            YEvent::Scalar(v, style, aid, tag) => {
                count += 1;
                if count > MAX_YAML_NODES {
                    return Err(format!("more than {MAX_YAML_NODES} nodes"));
                }
                let is_str_tag = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if style == TScalarStyle::Plain && !is_str_tag {
                    plain_scalar(&v)
                } else {
                    Value::String(v)
                };
                if aid > 0 {
                    anchors.insert(aid, (value.clone(), 1));
                }
                place(&mut stack, &mut root, value);
            }
            YEvent::SequenceStart(aid, _) | YEvent::MappingStart(aid, _) => {
                count += 1;
                if count > MAX_YAML_NODES {
                    return Err(format!("more than {MAX_YAML_NODES} nodes"));
                }
                if stack.len() >= MAX_YAML_DEPTH {
                    return Err(format!("nested deeper than {MAX_YAML_DEPTH}"));
                }
                if matches!(ev, YEvent::SequenceStart(..)) {
                    stack.push(Node::Seq(Vec::new(), aid, count - 1));
                } else {
                    stack.push(Node::Map(Map::new(), None, aid, count - 1));
                }
            }
            YEvent::SequenceEnd | YEvent::MappingEnd => {
                let (value, aid, before) = match stack.pop() {
                    Some(Node::Seq(items, aid, before)) => (Value::Array(items), aid, before),
                    Some(Node::Map(map, _, aid, before)) => (Value::Object(map), aid, before),
                    None => return Err("unbalanced YAML events".to_string()),
                };
                if aid > 0 {
                    anchors.insert(aid, (value.clone(), count - before));
                }
                place(&mut stack, &mut root, value);
            }
            YEvent::Alias(id) => {
                let Some((value, size)) = anchors.get(&id) else {
                    return Err("alias to an unknown anchor".to_string());
                };
                count = count.saturating_add(*size);
                if count > MAX_YAML_NODES {
                    return Err(format!(
                        "aliases expand to more than {MAX_YAML_NODES} nodes"
                    ));
                }
                let value = value.clone();
                place(&mut stack, &mut root, value);
            }
        }
    }
    Ok(root.unwrap_or(Value::Null))
}

fn key_string(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

/// Types a plain YAML scalar (YAML 1.2 core schema, roughly).
fn plain_scalar(v: &str) -> Value {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = v.parse::<i64>() {
        return Value::from(i);
    }
    let numeric = v.bytes().any(|c| c.is_ascii_digit())
        && v.bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
    if numeric {
        if let Some(n) = v.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(v.to_string())
}

struct Render<'a> {
    raw: &'a str,
    b: CleanBuilder<'a>,
    out: Cleaned,
    /// A run of verbatim text not yet written (markers may span events).
    pending: Option<Range<usize>>,
    heading: Option<(u8, usize, Range<usize>)>,
    image_depth: usize,
    html_depth: usize,
    /// The raw extent of the HTML block being read.
    html_block: Option<Range<usize>>,
    in_code_block: bool,
    /// Inside a shortcut reference link used as a citation marker: `[3]`.
    in_cite_link: bool,
    footnote: Option<(String, String, usize)>,
    ref_section: Option<u8>,
    /// The reference item being collected: text, raw start, label, depth.
    ref_item: Option<(String, usize, Option<String>, usize)>,
    lists: Vec<(Option<u64>, u64)>,
    item_depth: usize,
    h1: Option<String>,
}

impl<'a> Render<'a> {
    fn new(raw: &'a str, out: Cleaned) -> Self {
        Render {
            raw,
            b: CleanBuilder::new(raw),
            out,
            pending: None,
            heading: None,
            image_depth: 0,
            html_depth: 0,
            html_block: None,
            in_code_block: false,
            in_cite_link: false,
            footnote: None,
            ref_section: None,
            ref_item: None,
            lists: Vec::new(),
            item_depth: 0,
            h1: None,
        }
    }

    fn collecting(&mut self) -> Option<&mut String> {
        if let Some((_, buf, _)) = self.footnote.as_mut() {
            return Some(buf);
        }
        self.ref_item.as_mut().map(|(buf, ..)| buf)
    }

    fn remove(&mut self, kind: RemovedKind, raw: Range<usize>) {
        if raw.start >= raw.end {
            return;
        }
        if let Some(last) = self.out.removed.last_mut() {
            if last.kind == kind && last.raw.end == raw.start {
                last.raw.end = raw.end;
                return;
            }
        }
        self.out.removed.push(Removed {
            kind,
            raw: Span::new(raw.start, raw.end),
        });
    }

    /// Copies `raw[range]`, or writes `text` for it if that is impossible.
    fn copy_or_replace(&mut self, range: Range<usize>, text: &str) {
        let verbatim = self.raw.get(range.clone()) == Some(text);
        if verbatim && range.start >= self.b.raw_pos() {
            self.b.copy(range);
        } else {
            self.b.replace(range, text);
        }
    }

    /// Writes the pending verbatim run, cutting out citation markers.
    fn flush(&mut self) {
        let Some(range) = self.pending.take() else {
            return;
        };
        let base = range.start;
        let Some(s) = self.raw.get(range.clone()) else {
            return;
        };
        let bytes = s.as_bytes();
        let mut run = 0;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'[' => {
                    let marker = footnote_marker(&s[i..]).or_else(|| text_marker(&s[i..]));
                    if let Some((label, len)) = marker {
                        self.b.copy(base + run..base + i);
                        let at = self.b.text().trim_end().len();
                        self.out.citations.push(Citation {
                            label: label.to_string(),
                            clean_at: at,
                            raw: Span::new(base + i, base + i + len),
                        });
                        self.remove(RemovedKind::CitationMarker, base + i..base + i + len);
                        i += len;
                        // `army [b] x`: one space, not two.
                        if self.b.text().ends_with(' ') {
                            while bytes.get(i) == Some(&b' ') {
                                i += 1;
                            }
                        }
                        run = i;
                    } else {
                        i += 1;
                    }
                }
                b'\n' | b'\r' | b'\t' => {
                    self.b.copy(base + run..base + i);
                    let mut j = i;
                    while j < bytes.len() && matches!(bytes[j], b'\n' | b'\r' | b'\t' | b' ') {
                        j += 1;
                    }
                    self.b.space(base + i..base + j);
                    i = j;
                    run = i;
                }
                _ => i += 1,
            }
        }
        self.b.copy(base + run..base + bytes.len());
    }

    /// A text event: `text` is what the parser read from `range`.
    fn text(&mut self, range: Range<usize>, text: &str) {
        if self.image_depth > 0 || self.html_depth > 0 || self.in_cite_link {
            return;
        }
        if let Some(buf) = self.collecting() {
            buf.push_str(text);
            return;
        }
        if self.in_code_block {
            self.flush();
            self.code_lines(range, text);
            return;
        }
        let slice = self.raw.get(range.clone()).unwrap_or("");
        // The text, verbatim in its raw range, or after a backslash escape.
        let sub = if text.is_empty() {
            None
        } else if slice == text {
            Some(range.clone())
        } else if slice.strip_prefix('\\') == Some(text) {
            Some(range.start + 1..range.end)
        } else {
            None
        };
        match sub {
            Some(sub) if sub.start >= self.b.raw_pos() => match self.pending.as_mut() {
                Some(p) if p.end == sub.start => p.end = sub.end,
                _ => {
                    self.flush();
                    self.pending = Some(sub);
                }
            },
            _ => {
                self.flush();
                let t = text.replace(['\n', '\r', '\t'], " ");
                self.b.replace(range, &t);
            }
        }
    }

    fn code_lines(&mut self, range: Range<usize>, text: &str) {
        let slice = self.raw.get(range.clone()).unwrap_or("");
        if slice == text && range.start >= self.b.raw_pos() {
            let mut at = range.start;
            for line in text.split_inclusive('\n') {
                let body = line.trim_end_matches(['\n', '\r']);
                self.b.copy(at..at + body.len());
                if body.len() < line.len() {
                    self.b.newline(at + body.len());
                }
                at += line.len();
            }
        } else {
            for (k, line) in text.lines().enumerate() {
                if k > 0 {
                    self.b.newline(range.start);
                }
                self.b.replace(range.start..range.end, line);
            }
            if text.ends_with('\n') {
                self.b.newline(range.end);
            }
        }
    }

    fn body(&mut self, body_start: usize) {
        let raw = self.raw;
        let Some(body) = raw.get(body_start..) else {
            return;
        };
        let opts = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES;
        for (ev, r) in Parser::new_ext(body, opts).into_offset_iter() {
            let range = (r.start + body_start).min(raw.len())..(r.end + body_start).min(raw.len());
            self.event(ev, range);
        }
        self.flush();
    }

    fn event(&mut self, ev: Event<'_>, range: Range<usize>) {
        match ev {
            Event::Text(t) => self.text(range, &t),
            Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                if self.image_depth > 0 || self.in_cite_link {
                    return;
                }
                if let Some(buf) = self.collecting() {
                    buf.push_str(&t);
                    return;
                }
                self.flush();
                let slice = self.raw.get(range.clone()).unwrap_or("");
                match slice.find(&*t) {
                    Some(p) if !t.is_empty() => {
                        let start = range.start + p;
                        self.copy_or_replace(start..start + t.len(), &t);
                    }
                    _ => {
                        let t = t.replace(['\n', '\r'], " ");
                        self.b.replace(range, &t);
                    }
                }
            }
            Event::SoftBreak => {
                if let Some(buf) = self.collecting() {
                    buf.push(' ');
                    return;
                }
                self.flush();
                self.b.space(range);
            }
            Event::HardBreak => {
                if let Some(buf) = self.collecting() {
                    buf.push(' ');
                    return;
                }
                self.flush();
                self.b.newline(range.start);
            }
            Event::Html(_) if self.html_depth > 0 => {
                self.flush();
                match self.html_block.as_mut() {
                    Some(r) if r.end <= range.start => r.end = range.end,
                    Some(_) => {}
                    None => self.html_block = Some(range),
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                self.flush();
                let lower = h.trim_start().get(..3).map(str::to_ascii_lowercase);
                if lower.as_deref() == Some("<br") && self.collecting().is_none() {
                    self.b.newline(range.start);
                }
                self.remove(RemovedKind::Markup, range);
            }
            Event::FootnoteReference(label) => {
                self.flush();
                if self.collecting().is_some() || self.image_depth > 0 {
                    return;
                }
                let at = self.b.text().trim_end().len();
                self.out.citations.push(Citation {
                    label: label.to_string(),
                    clean_at: at,
                    raw: Span::new(range.start, range.end),
                });
                self.remove(RemovedKind::CitationMarker, range);
            }
            Event::Rule => {
                self.flush();
                self.b.paragraph(range.start);
            }
            Event::TaskListMarker(_) => {}
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        self.flush();
        match tag {
            Tag::Heading { level, .. } => {
                let level = level as u8;
                if self.ref_section.is_some_and(|l| level <= l) {
                    self.ref_section = None;
                }
                if self.collecting().is_none() {
                    self.b.newline(range.start);
                    self.heading = Some((level, self.b.len(), range));
                }
            }
            Tag::CodeBlock(_) => {
                self.b.newline(range.start);
                self.in_code_block = true;
            }
            Tag::HtmlBlock => {
                self.html_depth += 1;
            }
            Tag::List(start) => {
                self.lists.push((start, 0));
                self.b.newline(range.start);
            }
            Tag::Item => {
                self.item_depth += 1;
                let mut label = None;
                if let Some((start, n)) = self.lists.last_mut() {
                    if let Some(s) = start {
                        label = Some(s.saturating_add(*n).to_string());
                    }
                    *n += 1;
                }
                if self.ref_section.is_some() && self.collecting().is_none() {
                    self.ref_item = Some((String::new(), range.start, label, self.item_depth));
                } else {
                    self.b.newline(range.start);
                }
            }
            Tag::FootnoteDefinition(label) if self.footnote.is_none() => {
                self.footnote = Some((label.to_string(), String::new(), range.start));
            }
            Tag::Image { .. } => {
                self.image_depth += 1;
            }
            Tag::Link {
                link_type: LinkType::Shortcut,
                ..
            } if self.collecting().is_none() && self.image_depth == 0 => {
                // `said so [3]` with a `[3]: http://...` definition.
                let slice = self.raw.get(range.clone()).unwrap_or("");
                if let Some((label, len)) = text_marker(slice) {
                    if len == slice.len() {
                        let at = self.b.text().trim_end().len();
                        self.out.citations.push(Citation {
                            label: label.to_string(),
                            clean_at: at,
                            raw: Span::new(range.start, range.end),
                        });
                        self.remove(RemovedKind::CitationMarker, range);
                        self.in_cite_link = true;
                    }
                }
            }
            Tag::TableHead | Tag::TableRow | Tag::BlockQuote(_) | Tag::Table(_) => {
                self.b.newline(range.start);
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        self.flush();
        match tag {
            TagEnd::Paragraph => {
                if self.collecting().is_some() {
                    if let Some(buf) = self.collecting() {
                        buf.push(' ');
                    }
                } else {
                    self.b.paragraph(range.end);
                }
            }
            TagEnd::Heading(_) => {
                if let Some((level, clean_start, raw)) = self.heading.take() {
                    self.b.trim_end_spaces();
                    let clean_end = self.b.len();
                    let title = self
                        .b
                        .text()
                        .get(clean_start..clean_end)
                        .unwrap_or("")
                        .replace('\n', " ")
                        .trim()
                        .to_string();
                    if !title.is_empty() {
                        if level == 1 && self.h1.is_none() {
                            self.h1 = Some(title.clone());
                        }
                        if is_ref_heading(&title) {
                            self.ref_section = Some(level);
                        }
                        self.out.sections.push(Section {
                            title,
                            level,
                            clean: Span::new(clean_start, clean_end),
                            raw: Span::new(raw.start, raw.end),
                        });
                    }
                    self.b.paragraph(range.end);
                }
            }
            TagEnd::CodeBlock => {
                self.in_code_block = false;
                self.b.paragraph(range.end);
            }
            TagEnd::HtmlBlock => {
                self.html_depth = self.html_depth.saturating_sub(1);
                if let Some(block) = self.html_block.take() {
                    if self.collecting().is_some()
                        || self.image_depth > 0
                        || block.start < self.b.raw_pos()
                    {
                        self.remove(RemovedKind::Markup, block);
                    } else {
                        self.b.newline(block.start);
                        super::html::emit_fragment(&mut self.b, &mut self.out, block.clone());
                        self.b.paragraph(block.end);
                    }
                }
            }
            TagEnd::List(_) => {
                self.lists.pop();
                if self.lists.is_empty() {
                    self.b.paragraph(range.end);
                } else {
                    self.b.newline(range.end);
                }
            }
            TagEnd::Item => {
                let ends_ref = self
                    .ref_item
                    .as_ref()
                    .is_some_and(|(.., depth)| *depth == self.item_depth);
                if ends_ref {
                    if let Some((buf, start, label, _)) = self.ref_item.take() {
                        let text = buf.split_whitespace().collect::<Vec<_>>().join(" ");
                        if !text.is_empty() {
                            self.out.references.push(Reference {
                                label,
                                text,
                                raw: Span::new(start, range.end.max(start)),
                            });
                        }
                        self.remove(RemovedKind::References, start..range.end);
                    }
                } else if self.collecting().is_none() {
                    self.b.newline(range.end);
                }
                self.item_depth = self.item_depth.saturating_sub(1);
            }
            TagEnd::FootnoteDefinition => {
                if let Some((label, buf, start)) = self.footnote.take() {
                    let text = buf.split_whitespace().collect::<Vec<_>>().join(" ");
                    self.out.references.push(Reference {
                        label: Some(label),
                        text,
                        raw: Span::new(start, range.end.max(start)),
                    });
                    self.remove(RemovedKind::References, start..range.end);
                }
            }
            TagEnd::Link => self.in_cite_link = false,
            TagEnd::Image => {
                self.image_depth = self.image_depth.saturating_sub(1);
                if self.image_depth == 0 {
                    self.remove(RemovedKind::Markup, range);
                }
            }
            TagEnd::TableCell if self.collecting().is_none() => {
                self.b.space(range.end..range.end);
            }
            TagEnd::TableHead | TagEnd::TableRow => self.b.newline(range.end),
            TagEnd::Table | TagEnd::BlockQuote(_) => self.b.paragraph(range.end),
            _ => {}
        }
    }

    fn done(mut self) -> Cleaned {
        self.flush();
        let (clean, map) = self.b.finish();
        let clean_len = clean.len();
        let mut out = self.out;
        out.clean = clean;
        out.map = map;
        for s in &mut out.sections {
            s.clean.end = s.clean.end.min(clean_len);
            s.clean.start = s.clean.start.min(s.clean.end);
        }
        for c in &mut out.citations {
            c.clean_at = c.clean_at.min(clean_len);
        }
        out.citations.sort_by_key(|c| (c.clean_at, c.raw.start));
        out.removed.sort_by_key(|r| (r.raw.start, r.raw.end));
        let fm_title = out
            .metadata
            .get("title")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        out.title = fm_title.or(self.h1);
        out
    }
}

/// A footnote-style marker `[^label]` at the start of `s`.
fn footnote_marker(s: &str) -> Option<(&str, usize)> {
    let rest = s.strip_prefix("[^")?;
    let end = rest.bytes().take(32).position(|c| c == b']')?;
    let label = rest.get(..end)?;
    let ok = !label.is_empty()
        && label
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    ok.then_some((label, end + 3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::html::tests::{check_map, check_structure};
    use proptest::prelude::*;

    const ARTICLE: &str = "---
title: \"Second Nagorno-Karabakh War\"
date: 2020-09-27
tags: [armenia, azerbaijan]
draft: false
casualties: 6500
infobox:
  belligerents:
    - Azerbaijan
    - Armenia
  result: Azerbaijani victory
  commanders:
    azerbaijan: Ilham Aliyev
---

# Second Nagorno-Karabakh War

The war began on **27 September 2020** with an Azerbaijani offensive.[^1]
It ended with a [Russian-brokered](https://example.org/deal) ceasefire
on 10 November.[2] Losses &amp; damage were heavy.

## Course of the war

Setext heading
--------------

- Fizuli was taken on 17 October
- Shusha fell on 8 November

![Map of the front](map.png)

<div class=\"note\"><p>Figures from the <b>ministry</b> &amp; <em>HRW</em>.</p><script>track()</script></div>

```
quoted line one
quoted line two
```

| Side | Losses |
|------|--------|
| A    | 2,906  |

## References

1. BBC News, 27 September 2020.
2. Reuters, 10 November 2020.

[^1]: Ministry of Defence statement.
";

    #[test]
    fn article_with_front_matter() {
        let c = clean(ARTICLE);
        check_map(ARTICLE, &c);
        let t = &c.clean;
        assert!(t.starts_with("Second Nagorno-Karabakh War\n\nThe war began on 27 September 2020 with an Azerbaijani offensive. It ended with a Russian-brokered ceasefire on 10 November. Losses & damage were heavy.\n\nCourse of the war\n\nSetext heading\n\nFizuli was taken on 17 October\nShusha fell on 8 November\n\n"), "{t}");
        assert!(
            t.contains("quoted line one\nquoted line two\n\nSide Losses\nA 2,906\n\nReferences"),
            "{t}"
        );
        assert!(
            t.contains(
                "Shusha fell on 8 November\n\nFigures from the ministry & HRW.\n\nquoted line one"
            ),
            "{t}"
        );
        for bad in [
            "Map of the front",
            "track",
            "BBC",
            "Ministry",
            "---",
            "infobox",
            "[^1]",
            "[2]",
        ] {
            assert!(!t.contains(bad), "{bad:?} in {t}");
        }
        assert_eq!(c.title.as_deref(), Some("Second Nagorno-Karabakh War"));
        assert_eq!(c.metadata["date"], "2020-09-27");
        assert_eq!(c.metadata["draft"], false);
        assert_eq!(c.metadata["casualties"], 6500);
        assert_eq!(
            c.metadata["tags"],
            serde_json::json!(["armenia", "azerbaijan"])
        );
        assert_eq!(c.metadata["infobox"]["belligerents"][1], "Armenia");
        assert_eq!(
            c.metadata["infobox"]["commanders"]["azerbaijan"],
            "Ilham Aliyev"
        );
        let titles: Vec<(&str, u8)> = c
            .sections
            .iter()
            .map(|s| (s.title.as_str(), s.level))
            .collect();
        assert_eq!(
            titles,
            [
                ("Second Nagorno-Karabakh War", 1),
                ("Course of the war", 2),
                ("Setext heading", 2),
                ("References", 2)
            ]
        );
        assert!(ARTICLE[c.sections[2].raw.range()].starts_with("Setext heading\n---"));
        let labels: Vec<&str> = c.citations.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["1", "2"]);
        assert_eq!(&t[..c.citations[0].clean_at], "Second Nagorno-Karabakh War\n\nThe war began on 27 September 2020 with an Azerbaijani offensive.");
        let refs: Vec<(Option<&str>, &str)> = c
            .references
            .iter()
            .map(|r| (r.label.as_deref(), r.text.as_str()))
            .collect();
        assert_eq!(
            refs,
            [
                (Some("1"), "BBC News, 27 September 2020."),
                (Some("2"), "Reuters, 10 November 2020."),
                (Some("1"), "Ministry of Defence statement.")
            ]
        );
        assert_eq!(c.removed[0].kind, RemovedKind::FrontMatter);
        assert!(ARTICLE[c.removed[0].raw.range()].ends_with("---\n"));
        let amp = t.find('&').unwrap();
        assert_eq!(
            &ARTICLE[c.map.to_raw(Span::new(amp, amp + 1)).range()],
            "&amp;"
        );
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    #[test]
    fn read_bytes_routes_markdown_here() {
        let doc = crate::read_bytes("war.md", ARTICLE.as_bytes(), &crate::ReadOptions::default())
            .unwrap();
        assert_eq!(doc.format, crate::Format::Markdown);
        assert_eq!(doc.title.as_deref(), Some("Second Nagorno-Karabakh War"));
        assert_eq!(doc.metadata["date"], "2020-09-27");
        let doc = crate::read_bytes(
            "x",
            b"---\ndate: 2021-01-02\n---\n# Hello\n\nWorld.",
            &crate::ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(doc.format, crate::Format::Markdown);
        assert_eq!(doc.clean, "Hello\n\nWorld.");
    }

    #[test]
    fn malformed_front_matter_keeps_body() {
        let raw = "---\ntitle: [unclosed\ndate: : :\n---\nBody text here.\n";
        let c = clean(raw);
        check_map(raw, &c);
        assert_eq!(c.clean, "Body text here.");
        assert!(c.metadata.is_empty());
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
        assert!(c.warnings[0].contains("malformed YAML"));
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut y = String::from("---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            y.push_str(&format!("{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = n;
        }
        y.push_str("---\nStill here.\n");
        let c = clean(&y);
        check_map(&y, &c);
        assert_eq!(c.clean, "Still here.");
        assert!(c.metadata.is_empty());
        assert!(c.warnings[0].contains("aliases expand"), "{:?}", c.warnings);
        // Small aliases are fine.
        let ok = "---\nbase: &b {x: 1}\ncopy: *b\n---\nText.";
        let c = clean(ok);
        assert_eq!(c.metadata["copy"]["x"], 1);
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn deep_yaml_is_refused() {
        let raw = format!(
            "---\nx: {}{}\n---\nText.",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        let c = clean(&raw);
        check_map(&raw, &c);
        assert_eq!(c.clean, "Text.");
        assert_eq!(c.warnings.len(), 1);
    }

    #[test]
    fn front_matter_edge_cases() {
        // No closing line: not front matter, a thematic break and text.
        let raw = "---\nJust text.";
        let c = clean(raw);
        check_map(raw, &c);
        assert_eq!(c.clean, "Just text.");
        // A scalar document, CRLF lines, BOM.
        let raw = "\u{feff}---\r\njust a string\r\n---\r\nBody.\r\nMore.";
        let c = clean(raw);
        check_map(raw, &c);
        assert_eq!(c.clean, "Body. More.");
        assert_eq!(c.warnings.len(), 1);
        // Empty front matter.
        let raw = "---\n---\n# Title\n";
        let c = clean(raw);
        check_map(raw, &c);
        assert_eq!(c.clean, "Title");
        assert_eq!(c.title.as_deref(), Some("Title"));
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn toml_front_matter() {
        let raw = "+++\ntitle = \"Shelling of Ganja\"\ndate = 2020-10-11\ndraft = false\ntags = [\"a\"]\n\n[params]\nx = 1\n+++\nBody.\n";
        let c = clean(raw);
        check_map(raw, &c);
        assert_eq!(c.clean, "Body.");
        assert_eq!(c.title.as_deref(), Some("Shelling of Ganja"));
        assert_eq!(c.metadata["date"], "2020-10-11");
        assert_eq!(c.metadata["draft"], false);
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
        assert_eq!(c.removed[0].kind, RemovedKind::FrontMatter);
    }

    #[test]
    fn escapes_code_and_breaks() {
        let raw =
            "Use `kubectl` \\*not\\* this  \nnext line<br>third &mdash; end\n\n    indented code\n";
        let c = clean(raw);
        check_map(raw, &c);
        assert_eq!(
            c.clean,
            "Use kubectl *not* this\nnext line\nthird \u{2014} end\n\nindented code"
        );
    }

    #[test]
    fn odd_markdown_does_not_panic() {
        let inputs = [
            "",
            "#",
            "[^",
            "[^]",
            "[^1]: def only",
            "> > > deep\n> quote",
            "- a\n  - b\n    - c\n- d",
            "* * *",
            "<!-- comment -->text",
            "| a |\n|---|\n| b | c |",
            "```\nunclosed code",
            "&#0; &#x110000; &bogus;",
            "caf\u{e9} \u{1f600} [\u{e9}]",
            "Text[1][2][^a]. More [sic].",
            "Said so.[4] [t]he army [b] x\n\n[4]: http://example.org/4",
            "---\n- a\n- b\n---\n",
            "---\n: :\n...\ntext",
            "## References\n\n- [^1] one\n- two\n\n# Next\n- three",
            "![alt ![nested](x)](y) after",
            "Setext\n===",
            "a\\\nb",
        ];
        for raw in inputs {
            let c = clean(raw);
            check_map(raw, &c);
        }
        let raw = "Said so.[4] [t]he army [b] x\n\n[4]: http://example.org/4";
        let c = clean(raw);
        assert_eq!(c.clean, "Said so. [t]he army x");
        let labels: Vec<&str> = c.citations.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["4", "b"]);
        let c = clean("Text[1][2][^a]. More [sic].");
        assert_eq!(c.clean, "Text. More [sic].");
        assert_eq!(c.citations.len(), 3);
        let mut deep = String::new();
        for _ in 0..5000 {
            deep.push_str("> ");
        }
        deep.push_str("quote");
        let c = clean(&deep);
        check_structure(&deep, &c);
        for deep in [
            "- ".repeat(10_000) + "item",
            "[".repeat(10_000) + "x" + &"](u)".repeat(10_000),
            "*".repeat(10_000) + "x" + &"*".repeat(10_000),
            "<div>".repeat(10_000) + "\n\ntext",
            "1. ".repeat(5_000) + "x",
            "[^".repeat(5_000),
        ] {
            let c = clean(&deep);
            check_structure(&deep, &c);
        }
    }

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("---\n".to_string()),
            Just("# ".to_string()),
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            Just("- ".to_string()),
            Just("1. ".to_string()),
            Just("> ".to_string()),
            Just("```".to_string()),
            Just("[^1]".to_string()),
            Just("[^1]: ".to_string()),
            Just("[12]".to_string()),
            Just("**".to_string()),
            Just("`".to_string()),
            Just("![a](b)".to_string()),
            Just("[l](u)".to_string()),
            Just("<b>".to_string()),
            Just("&amp;".to_string()),
            Just("| a | b |\n|---|---|\n".to_string()),
            Just("key: &a [1]\nk2: *a\n".to_string()),
            Just("\\".to_string()),
            "[a-zé€ :\n]{0,12}",
            any::<String>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("CASUS_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300)
        ))]
        #[test]
        fn random_text_never_panics(s in any::<String>()) {
            let c = clean(&s);
            check_structure(&s, &c);
        }

        #[test]
        fn random_markdown_keeps_valid_map(parts in proptest::collection::vec(fragment(), 0..40)) {
            let s: String = parts.concat();
            let c = clean(&s);
            check_structure(&s, &c);
        }
    }
}
