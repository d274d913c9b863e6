//! Property tests of the provenance invariants (issue 8): every span lies
//! within its document and on UTF-8 boundaries, the clean-to-raw map is
//! monotonic, and a document's records depend on nothing but its bytes.

use casus_pipeline::{records, Pipeline, Processed};
use casus_read::{read_bytes, Format, ReadOptions, Span};
use proptest::prelude::*;
use std::sync::OnceLock;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(Pipeline::embedded)
}

const PIECES: &[&str] = &[
    "Azerbaijani forces shelled Stepanakert on 4 October 2020.",
    " Armenia said 12 soldiers were killed, ",
    "according to the defence ministry.",
    " On 9 November 2020 a ceasefire was signed in Moscow.",
    " Two days later, Russian peacekeepers arrived in Lachin.",
    " In the early 1990s about 30,000 people died.",
    " Aliyev claimed that Shusha had been taken.[12]",
    " Pashinyan denied it.[a] ",
    "[citation needed]",
    "\n\n",
    "\n",
    "\r\n",
    "== Background ==\n",
    "# Heading\n",
    "---\ntitle: T\ndate: 2020-10-10\n---\n",
    "- item one\n",
    "* item\n",
    "> quote\n",
    "```\ncode\n```\n",
    "<p>",
    "</p>",
    "<h2>Section</h2>",
    "<script>var a='<p>x</p>';</script>",
    "<br>",
    "&amp;",
    "&#8212;",
    "&nbsp;",
    "<div><span>",
    "</span></div>",
    "^ a b Reuters. Retrieved 5 May 2021.",
    "\u{a0}",
    "é",
    "\u{2014}",
    "\u{1F4A3}",
    "Ստեփանակերտ",
    "Dec. 5, 8:30 p.m.",
    "U.S. Gen. Smith",
];

fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => "\\PC{0,12}",
        1 => "[ -~]{0,16}",
    ];
    proptest::collection::vec(piece, 1..40).prop_map(|v| v.concat())
}

fn format() -> impl Strategy<Value = Option<Format>> {
    prop_oneof![
        2 => Just(None),
        1 => (0usize..8).prop_map(|i| Some(Format::ALL[i])),
    ]
}

fn process(name: &str, raw: &str, format: Option<Format>) -> Option<Processed> {
    let opts = ReadOptions {
        format,
        ..Default::default()
    };
    let doc = read_bytes(name, raw.as_bytes(), &opts).ok()?;
    Some(pipeline().process(doc))
}

fn check_span(
    p: &Processed,
    raw: &str,
    start: usize,
    end: usize,
    what: &str,
) -> Result<(), TestCaseError> {
    let clean = &p.doc.clean;
    prop_assert!(
        start <= end && end <= clean.len(),
        "{what} {start}..{end} outside clean {}",
        clean.len()
    );
    prop_assert!(
        clean.is_char_boundary(start) && clean.is_char_boundary(end),
        "{what} {start}..{end} not on clean char boundaries"
    );
    let r = p.raw(start, end);
    prop_assert!(
        r.start <= r.end && r.end <= raw.len(),
        "{what} raw {r:?} outside {}",
        raw.len()
    );
    prop_assert!(
        raw.is_char_boundary(r.start) && raw.is_char_boundary(r.end),
        "{what} raw {r:?} not on raw char boundaries"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_span_lies_within_its_document_on_char_boundaries(
        raw in text(), format in format(), ext in proptest::sample::select(&["a.txt", "b.md", "c.html", "d"][..])
    ) {
        let Some(p) = process(ext, &raw, format) else { return Ok(()) };
        for s in &p.sentences { check_span(&p, &raw, s.start, s.end, "sentence")?; }
        for t in &p.timexes { check_span(&p, &raw, t.start, t.end, "timex")?; }
        for m in &p.mentions { check_span(&p, &raw, m.start, m.end, "mention")?; }
        for e in &p.events { check_span(&p, &raw, e.start, e.end, "event")?; }
        for c in &p.claims { check_span(&p, &raw, c.start, c.end, "claim")?; }
        for s in &p.doc.sections {
            check_span(&p, &raw, s.clean.start, s.clean.end, "section")?;
            prop_assert!(s.raw.end <= raw.len());
        }
        for r in records::records(&p).iter().filter(|r| r["kind"] != "document") {
            let (a, b) = (r["span"][0].as_u64().unwrap() as usize, r["span"][1].as_u64().unwrap() as usize);
            prop_assert!(a <= b && b <= raw.len(), "{} record span {a}..{b}", r["kind"]);
            prop_assert!(raw.is_char_boundary(a) && raw.is_char_boundary(b), "{} record span {a}..{b} splits a char", r["kind"]);
        }
    }

    #[test]
    fn clean_to_raw_map_is_monotonic_and_copies_exactly(raw in text(), format in format()) {
        let opts = ReadOptions { format, ..Default::default() };
        let Ok(doc) = read_bytes("x", raw.as_bytes(), &opts) else { return Ok(()) };
        prop_assert!(doc.map.check(doc.clean.len(), raw.len()).is_ok(), "{:?}", doc.map.check(doc.clean.len(), raw.len()));
        let mut last = Span::new(0, 0);
        for (i, ch) in doc.clean.char_indices().chain(std::iter::once((doc.clean.len(), ' '))) {
            let at = doc.raw_span(Span::new(i, i));
            prop_assert!(at.start >= last.start, "clean {i} maps to raw {} before {}", at.start, last.start);
            if i < doc.clean.len() {
                let one = doc.raw_span(Span::new(i, i + ch.len_utf8()));
                prop_assert!(one.start >= last.start && one.end <= raw.len());
                if doc.map.is_copied(i) {
                    prop_assert_eq!(
                        &raw.as_bytes()[one.start..one.end],
                        &doc.clean.as_bytes()[i..i + ch.len_utf8()],
                        "copied clean byte {} differs from raw",
                        i
                    );
                }
            }
            last = at;
        }
    }

    #[test]
    fn records_do_not_depend_on_other_documents(a in text(), b in text()) {
        let alone: Vec<_> = process("a.txt", &a, None).map(|p| records::records(&p)).unwrap_or_default();
        let _ = process("b.txt", &b, None).map(|p| records::records(&p));
        let after: Vec<_> = process("a.txt", &a, None).map(|p| records::records(&p)).unwrap_or_default();
        prop_assert_eq!(alone, after);
    }
}

/// The stored form of a document's facts is its `event` and `claim`
/// records without `kind`, `doc`, `span` and `text` (the store keeps the
/// evidence text in a column), in the same order.
#[test]
fn stored_fact_records_are_the_fact_records_without_their_source() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let raw = std::fs::read(&path).unwrap();
        let doc = read_bytes("seed", &raw, &ReadOptions::default()).unwrap();
        let p = pipeline().process(doc);
        let stored = records::stored_fact_records(&p);
        let values = records::fact_records(&p);
        assert_eq!(stored.len(), values.len());
        for (s, mut v) in stored.into_iter().zip(values) {
            assert_eq!(Some(s.kind), v["kind"].as_str());
            assert_eq!(serde_json::json!(s.span), v["span"]);
            let o = v.as_object_mut().unwrap();
            for k in ["kind", "doc", "span", "text"] {
                o.remove(k);
            }
            let parsed: serde_json::Value = serde_json::from_str(&s.record).unwrap();
            assert_eq!(parsed, v);
            checked += 1;
        }
    }
    assert!(checked > 100, "the seeds state facts");
}
