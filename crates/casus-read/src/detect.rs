//! Format detection from the file name and the first bytes of text.

use serde::Serialize;

/// The formats casus reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Plain text: paragraphs separated by blank lines.
    Text,
    /// Wiki markup: `= Title =`, `== Section ==`, `- ` lists.
    Wiki,
    /// Text extracted from an HTML page, with `[12]` citation markers,
    /// reference debris and navigation-box summaries.
    WebText,
    /// A whole article on one line, its reference list flattened at the end.
    OneLine,
    /// A mirror that injects the linked article's definition after each link.
    TooltipMirror,
    /// A mirror with site chrome, flattened infoboxes and `^ a b` references.
    ChromeMirror,
    Html,
    /// Markdown, with optional YAML front matter.
    Markdown,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Text,
        Format::Wiki,
        Format::WebText,
        Format::OneLine,
        Format::TooltipMirror,
        Format::ChromeMirror,
        Format::Html,
        Format::Markdown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Wiki => "wiki",
            Format::WebText => "web-text",
            Format::OneLine => "one-line",
            Format::TooltipMirror => "tooltip-mirror",
            Format::ChromeMirror => "chrome-mirror",
            Format::Html => "html",
            Format::Markdown => "markdown",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// True when `bytes` look like a binary file: NUL bytes, or many control
/// characters in the first 8 KiB.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    controls * 100 > head.len().max(1) * 5
}

/// Guesses the format of `text`, named `name`.
pub fn detect(name: &str, text: &str) -> Format {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml") {
        return Format::Html;
    }
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        return Format::Markdown;
    }
    let head = &text[..floor_boundary(text, 4096)];
    let head_trim = head.trim_start().to_ascii_lowercase();
    if head_trim.starts_with("<!doctype html")
        || head_trim.starts_with("<html")
        || tag_density(head) > 0.02
    {
        return Format::Html;
    }
    if head.starts_with("---\n") || head.starts_with("---\r\n") {
        return Format::Markdown;
    }
    let mut lines = 0usize;
    let mut wiki_heads = 0usize;
    let mut md_heads = 0usize;
    let mut tooltip = 0usize;
    let mut ref_entries = 0usize;
    let mut bullets = 0usize;
    for (s, e) in crate::text::lines(text) {
        let line = &text[s..e];
        lines += 1;
        let t = line.trim();
        if t.len() > 2 && t.starts_with('=') && t.ends_with('=') {
            wiki_heads += 1;
        }
        if t.starts_with("# ") || t.starts_with("## ") {
            md_heads += 1;
        }
        if t.ends_with(" ...") && t.len() > 80 {
            tooltip += 1;
        }
        if crate::formats::webtext::is_ref_entry(t) {
            ref_entries += 1;
        }
        if t.starts_with('•') {
            bullets += 1;
        }
    }
    let markers = count_markers(text);
    if wiki_heads >= 2 {
        return Format::Wiki;
    }
    if md_heads >= 2 {
        return Format::Markdown;
    }
    if tooltip >= 5 {
        return Format::TooltipMirror;
    }
    if ref_entries >= 5 && (bullets > 0 || markers > 0) {
        return Format::ChromeMirror;
    }
    if lines <= 3 && text.len() > 20_000 {
        return Format::OneLine;
    }
    if markers >= 3 {
        return Format::WebText;
    }
    Format::Text
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn tag_density(head: &str) -> f64 {
    let tags =
        head.matches("</").count() + head.matches("<p").count() + head.matches("<div").count();
    tags as f64 / head.len().max(1) as f64
}

/// Counts `[12]`-style citation markers.
fn count_markers(text: &str) -> usize {
    let b = text.as_bytes();
    let mut n = 0;
    for i in memchr::memchr_iter(b'[', b) {
        let mut j = i + 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > i + 1 && j < b.len() && b[j] == b']' {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        assert_eq!(detect("a", "= T =\n\n== S ==\ntext"), Format::Wiki);
        assert_eq!(
            detect("a", "<!DOCTYPE html><html><body><p>x</p></body></html>"),
            Format::Html
        );
        assert_eq!(detect("a", "---\ntitle: x\n---\nbody"), Format::Markdown);
        assert_eq!(detect("a", "One.[1] Two.[2] Three.[3]"), Format::WebText);
        assert_eq!(detect("a", "Just some text.\n\nMore."), Format::Text);
        assert_eq!(detect("x.md", "text"), Format::Markdown);
    }

    #[test]
    fn binary_is_refused() {
        assert!(looks_binary(b"abc\0def"));
        assert!(!looks_binary("Şuşa — text\n".as_bytes()));
    }
}
