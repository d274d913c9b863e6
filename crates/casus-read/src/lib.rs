//! Reading and cleaning: the first stage of casus.
//!
//! `casus-read` owns everything between the bytes of a file and a clean text
//! that later stages can read: format detection ([`detect`]), one reader per
//! format ([`formats`]), and the provenance map ([`offsets`]) that takes every
//! clean-text byte back to the raw bytes it came from. Material that cleaning
//! removes (citation markers, tooltips, site chrome, reference lists) is kept
//! aside in the [`Document`], not thrown away.
//!
//! ```
//! use casus_read::{read_bytes, ReadOptions};
//! let doc = read_bytes("note.txt", b"Baku said so.[3] Yerevan denied it.", &ReadOptions::default()).unwrap();
//! assert_eq!(doc.clean, "Baku said so. Yerevan denied it.");
//! assert_eq!(doc.citations[0].label, "3");
//! ```

pub mod detect;
pub mod error;
pub mod formats;
pub mod offsets;
pub mod text;

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use detect::Format;
pub use error::ReadError;
pub use offsets::{OffsetMap, Span};

/// Options for reading a file.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Files larger than this are refused.
    pub max_bytes: usize,
    /// Skip detection and read the file as this format.
    pub format: Option<Format>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_bytes: 256 * 1024 * 1024,
            format: None,
        }
    }
}

/// A section heading found in a document.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Section {
    pub title: String,
    /// 1 for a title, 2 for a section, 3 and more for subsections.
    pub level: u8,
    /// Where the heading text lies in the clean text.
    pub clean: Span,
    /// Where it lies in the raw file.
    pub raw: Span,
}

/// What kind of material cleaning removed.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum RemovedKind {
    /// `[12]`, `[a]`, `[citation needed]`.
    CitationMarker,
    /// A definition a mirror injected after a link.
    Tooltip,
    /// Site navigation, calls to action, boilerplate.
    Chrome,
    /// A reference or note list.
    References,
    /// Summaries of linked articles (navigation boxes).
    Navbox,
    /// Template and maintenance debris (`{{cite web}}`, `CS1 maint`).
    Debris,
    /// Markup (tags, wiki and Markdown syntax).
    Markup,
    /// Scripts, styles and other non-text HTML.
    Script,
    /// Front matter of a Markdown file.
    FrontMatter,
}

/// A raw range that cleaning removed.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Removed {
    pub kind: RemovedKind,
    pub raw: Span,
}

/// A citation marker, attached to the clean-text position it followed.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Citation {
    /// The marker's label: `12`, `a`.
    pub label: String,
    /// Clean-text offset just after the text it cites.
    pub clean_at: usize,
    pub raw: Span,
}

/// One entry of a reference list.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Reference {
    /// Its number or label, when the list gives one.
    pub label: Option<String>,
    pub text: String,
    pub raw: Span,
}

/// A document read and cleaned.
#[derive(Clone, Debug)]
pub struct Document {
    /// Hex SHA-256 of the raw bytes: the same bytes are the same document.
    pub id: String,
    /// The file name (or label) it was read from.
    pub name: String,
    pub format: Format,
    pub title: Option<String>,
    pub sections: Vec<Section>,
    /// Structured metadata: front matter, infobox fields.
    pub metadata: BTreeMap<String, serde_json::Value>,
    /// The clean text. Blocks (paragraphs, headings, list items) are
    /// separated by newlines; a newline is always a hard boundary.
    pub clean: String,
    pub map: OffsetMap,
    pub removed: Vec<Removed>,
    pub citations: Vec<Citation>,
    pub references: Vec<Reference>,
    pub warnings: Vec<String>,
    pub raw_len: usize,
}

impl Document {
    /// The raw span behind a clean-text span.
    pub fn raw_span(&self, clean: Span) -> Span {
        self.map.to_raw(clean)
    }

    /// The section a clean-text offset lies in, if any.
    pub fn section_at(&self, clean_at: usize) -> Option<&Section> {
        let i = self.sections.partition_point(|s| s.clean.start <= clean_at);
        i.checked_sub(1).map(|i| &self.sections[i])
    }

    /// Citation labels attached to the clean range `[start, end)`.
    pub fn citations_in(&self, clean: Span) -> impl Iterator<Item = &Citation> {
        let i = self
            .citations
            .partition_point(|c| c.clean_at <= clean.start);
        self.citations[i..]
            .iter()
            .take_while(move |c| c.clean_at <= clean.end)
    }
}

/// What a format reader produces; [`read_bytes`] wraps it into a [`Document`].
#[derive(Debug, Default)]
pub struct Cleaned {
    pub title: Option<String>,
    pub sections: Vec<Section>,
    pub metadata: BTreeMap<String, serde_json::Value>,
    pub clean: String,
    pub map: OffsetMap,
    pub removed: Vec<Removed>,
    pub citations: Vec<Citation>,
    pub references: Vec<Reference>,
    pub warnings: Vec<String>,
}

/// The content hash used as a document id.
pub fn content_id(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Reads a file from disk. See [`read_bytes`].
pub fn read_path(path: &std::path::Path, opts: &ReadOptions) -> Result<Document, ReadError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Io {
        name: name.clone(),
        source: e,
    })?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile { name });
    }
    if meta.len() as usize > opts.max_bytes {
        return Err(ReadError::TooLarge {
            name,
            size: meta.len() as usize,
            limit: opts.max_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io {
        name: name.clone(),
        source: e,
    })?;
    read_bytes(&name, &bytes, opts)
}

/// Reads and cleans `bytes`, named `name` in messages and records.
///
/// Empty, binary and oversized input is refused with a [`ReadError`] naming
/// the file. Invalid UTF-8 is decoded lossily, byte for byte (each invalid
/// byte becomes `?`, so raw offsets stay exact), and counted in a warning.
pub fn read_bytes(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<Document, ReadError> {
    if bytes.len() > opts.max_bytes {
        return Err(ReadError::TooLarge {
            name: name.to_string(),
            size: bytes.len(),
            limit: opts.max_bytes,
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty {
            name: name.to_string(),
        });
    }
    if detect::looks_binary(bytes) {
        return Err(ReadError::Binary {
            name: name.to_string(),
        });
    }
    let (text, invalid) = text::decode_lossy(bytes);
    let format = opts.format.unwrap_or_else(|| detect::detect(name, &text));
    let mut cleaned = formats::clean(format, &text);
    // Binary detection looks at the head only; NUL bytes further on are kept
    // (offsets stay exact) but reported.
    let nuls = memchr::memchr_iter(0, bytes).count();
    if nuls > 0 {
        cleaned
            .warnings
            .push(format!("{nuls} NUL bytes after the first 8 KiB kept"));
    }
    if invalid > 0 {
        cleaned
            .warnings
            .push(format!("{invalid} bytes of invalid UTF-8 replaced by '?'"));
    }
    if cleaned.clean.trim().is_empty() {
        cleaned
            .warnings
            .push("no text left after cleaning".to_string());
    }
    debug_assert!(cleaned.map.check(cleaned.clean.len(), bytes.len()).is_ok());
    let title = cleaned.title.or_else(|| {
        let stem = std::path::Path::new(name)
            .file_stem()?
            .to_string_lossy()
            .to_string();
        Some(stem)
    });
    Ok(Document {
        id: content_id(bytes),
        name: name.to_string(),
        format,
        title,
        sections: cleaned.sections,
        metadata: cleaned.metadata,
        clean: cleaned.clean,
        map: cleaned.map,
        removed: cleaned.removed,
        citations: cleaned.citations,
        references: cleaned.references,
        warnings: cleaned.warnings,
        raw_len: bytes.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600), f in 0usize..8) {
            for format in [None, Some(Format::ALL[f])] {
                let opts = ReadOptions { format, ..Default::default() };
                if let Ok(d) = read_bytes("x", &bytes, &opts) {
                    proptest::prop_assert!(d.map.check(d.clean.len(), bytes.len()).is_ok());
                }
            }
        }

        #[test]
        fn truncated_seeds_never_panic(cut in 0usize..4000, f in 0usize..8) {
            let seed = include_bytes!("../../../data/corpus/003_c541be4a485a1455.txt");
            let bytes = &seed[..cut.min(seed.len())];
            let opts = ReadOptions { format: Some(Format::ALL[f]), ..Default::default() };
            if let Ok(d) = read_bytes("x", bytes, &opts) {
                proptest::prop_assert!(d.map.check(d.clean.len(), bytes.len()).is_ok());
            }
        }
    }

    #[test]
    fn refusals_name_the_file() {
        let o = ReadOptions {
            max_bytes: 4,
            ..Default::default()
        };
        assert_eq!(
            read_bytes("a.txt", b"", &o).unwrap_err().to_string(),
            "a.txt: empty file"
        );
        assert!(read_bytes("b.bin", b"\0\0", &o)
            .unwrap_err()
            .to_string()
            .starts_with("b.bin: looks like a binary"));
        assert!(read_bytes("c.txt", b"hello", &o)
            .unwrap_err()
            .to_string()
            .contains("over the size limit of 4"));
    }
}
