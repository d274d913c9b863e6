//! Fuzz targets for casus, shared by the cargo-fuzz (libFuzzer) binaries in
//! `fuzz_targets/` and the libFuzzer-free driver in `src/bin/drive.rs`.
//!
//! Each target feeds arbitrary bytes to one stage and panics if the stage
//! panics or breaks an invariant: every span within its document and on
//! UTF-8 boundaries, the clean-to-raw map contiguous and monotonic.

use std::sync::OnceLock;

use casus_read::{read_bytes, Document, Format, ReadOptions, Span};

/// The target names, in the order `scripts/fuzz.sh` runs them.
pub const TARGETS: &[&str] = &["detect_clean", "html", "markdown", "time", "extract"];

/// Runs target `name` on `data`; false if there is no such target.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "detect_clean" => detect_clean(data),
        "html" => html(data),
        "markdown" => markdown(data),
        "time" => time(data),
        "extract" => extract(data),
        _ => return false,
    }
    true
}

const NAMES: [&str; 8] = [
    "x",
    "a.txt",
    "b.html",
    "c.md",
    "d.htm",
    "e.markdown",
    "f.wiki",
    "g",
];

/// Format detection and cleaning: the first byte picks the file name and
/// whether a format is forced; the rest is the file.
pub fn detect_clean(data: &[u8]) {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let name = NAMES[(sel & 7) as usize];
    let format = if sel & 8 == 0 {
        None
    } else {
        Some(Format::ALL[((sel >> 4) & 7) as usize])
    };
    read_checked(name, body, format);
}

/// The HTML reader, forced and detected.
pub fn html(data: &[u8]) {
    read_checked("page.html", data, Some(Format::Html));
    read_checked("page.html", data, None);
}

/// The Markdown reader with its YAML front matter, forced and detected.
pub fn markdown(data: &[u8]) {
    read_checked("note.md", data, Some(Format::Markdown));
    read_checked("note.md", data, None);
}

fn tagger() -> &'static casus_time::Tagger {
    static T: OnceLock<casus_time::Tagger> = OnceLock::new();
    T.get_or_init(casus_time::Tagger::new)
}

/// The time tagger on arbitrary text, with a document date taken from the
/// first ten bytes when they look like one.
pub fn time(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let date = text.get(..10).filter(|d| d.as_bytes()[4..5] == *b"-");
    for doc_date in [None, date, Some("2020-09-27")] {
        let tx = tagger().tag(&text, doc_date);
        let mut last_end = 0;
        for t in &tx {
            assert!(
                t.start <= t.end && t.end <= text.len(),
                "timex {}..{} outside a text of {} bytes",
                t.start,
                t.end,
                text.len()
            );
            assert!(
                text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
                "timex {}..{} not on char boundaries",
                t.start,
                t.end
            );
            assert!(t.start >= last_end, "timexes overlap at {}", t.start);
            assert_eq!(&text[t.start..t.end], t.text);
            last_end = t.end;
        }
        let _ = casus_time::reference_at(&tx, text.len());
    }
}

fn pipeline() -> &'static casus_pipeline::Pipeline {
    static P: OnceLock<casus_pipeline::Pipeline> = OnceLock::new();
    P.get_or_init(casus_pipeline::Pipeline::embedded)
}

/// `casus extract` end to end, in process: read, every stage, the records
/// serialised to JSON lines; every record span lies within the raw file.
pub fn extract(data: &[u8]) {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let name = NAMES[(sel & 7) as usize];
    let Some(doc) = read_checked(name, body, None) else {
        return;
    };
    let raw_len = doc.raw_len;
    let p = pipeline().process(doc);
    for s in &p.sentences {
        check_clean_span(&p.doc, s.start, s.end, "sentence");
    }
    for m in &p.mentions {
        check_clean_span(&p.doc, m.start, m.end, "mention");
    }
    for t in &p.timexes {
        check_clean_span(&p.doc, t.start, t.end, "timex");
    }
    for e in &p.events {
        check_clean_span(&p.doc, e.start, e.end, "event");
    }
    for c in &p.claims {
        check_clean_span(&p.doc, c.start, c.end, "claim");
    }
    let utf8 = std::str::from_utf8(body).ok();
    let mut out = Vec::new();
    for r in casus_pipeline::records::records(&p) {
        serde_json::to_writer(&mut out, &r).expect("record serialises");
        out.push(b'\n');
        if r["kind"] == "document" {
            continue;
        }
        let a = r["span"][0].as_u64().expect("span start") as usize;
        let b = r["span"][1].as_u64().expect("span end") as usize;
        assert!(
            a <= b && b <= raw_len,
            "{} record span {a}..{b} outside {raw_len} raw bytes",
            r["kind"]
        );
        if let Some(text) = utf8 {
            assert!(
                text.is_char_boundary(a) && text.is_char_boundary(b),
                "{} record span {a}..{b} not on UTF-8 boundaries",
                r["kind"]
            );
        }
    }
}

fn check_clean_span(doc: &Document, start: usize, end: usize, what: &str) {
    assert!(
        start <= end && end <= doc.clean.len(),
        "{what} {start}..{end} outside clean text of {} bytes",
        doc.clean.len()
    );
    assert!(
        doc.clean.is_char_boundary(start) && doc.clean.is_char_boundary(end),
        "{what} {start}..{end} not on char boundaries"
    );
    let raw = doc.raw_span(Span::new(start, end));
    assert!(
        raw.start <= raw.end && raw.end <= doc.raw_len,
        "{what} raw {}..{} outside {} raw bytes",
        raw.start,
        raw.end,
        doc.raw_len
    );
}

/// Reads `bytes` and checks the document's invariants; `None` when the
/// reader refused it (a refusal is fine, a panic is not).
pub fn read_checked(name: &str, bytes: &[u8], format: Option<Format>) -> Option<Document> {
    let opts = ReadOptions {
        format,
        ..Default::default()
    };
    let doc = match read_bytes(name, bytes, &opts) {
        Ok(d) => d,
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with(name), "error does not name the file: {msg}");
            return None;
        }
    };
    if let Err(e) = doc.map.check(doc.clean.len(), bytes.len()) {
        panic!("offset map broken: {e}");
    }
    assert_eq!(doc.raw_len, bytes.len());
    // Monotonic: later clean offsets never map to earlier raw offsets.
    let mut last = 0;
    let mut at = 0;
    let step = (doc.clean.len() / 64).max(1);
    while at <= doc.clean.len() {
        let r = doc.raw_span(Span::new(at, at));
        assert!(r.start >= last, "clean {at} maps back to raw {}", r.start);
        assert!(r.start <= bytes.len());
        last = r.start;
        at += step;
    }
    for s in &doc.sections {
        check_clean_span(&doc, s.clean.start, s.clean.end, "section");
        assert!(s.raw.start <= s.raw.end && s.raw.end <= bytes.len());
    }
    for c in &doc.citations {
        assert!(
            c.clean_at <= doc.clean.len(),
            "citation past the clean text"
        );
        assert!(c.raw.end <= bytes.len());
    }
    for r in &doc.removed {
        assert!(r.raw.start <= r.raw.end && r.raw.end <= bytes.len());
    }
    for r in &doc.references {
        assert!(r.raw.start <= r.raw.end && r.raw.end <= bytes.len());
    }
    Some(doc)
}
