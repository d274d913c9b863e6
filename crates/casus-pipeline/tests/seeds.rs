//! Pins the cleaning and segmentation of the five seed documents.

use std::path::PathBuf;

use casus_read::{read_path, Document, ReadOptions, RemovedKind, Span};
use casus_segment::Segmenter;

fn seed(prefix: &str) -> (Document, Vec<u8>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix} in {}", dir.display()));
    let raw = std::fs::read(&path).unwrap();
    (read_path(&path, &ReadOptions::default()).unwrap(), raw)
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn seed_003_has_no_tooltip_definitions() {
    let (d, _) = seed("003");
    for gone in [
        "A territory is an area of land",
        "is the capital and largest city of Kyrgyzstan",
        "Thomas Patrick Lowndes",
    ] {
        assert!(!d.clean.contains(gone), "{gone:?} left in 003");
    }
    for kept in [
        "an ethnic and territorial conflict between Armenia and Azerbaijan",
        "in 1994 in Bishkek was followed",
        "The president of Azerbaijan, Ilham Aliyev, claimed",
    ] {
        assert!(d.clean.contains(kept), "{kept:?} missing from 003");
    }
}

#[test]
fn seeds_001_and_004_have_no_citation_markers() {
    let marker = regex::Regex::new(r"\[\d+\]").unwrap();
    for s in ["001", "004"] {
        let (d, _) = seed(s);
        assert!(
            !marker.is_match(&d.clean),
            "[n] left in {s}: {:?}",
            marker
                .find(&d.clean)
                .map(|m| &d.clean[m.start().saturating_sub(60)..m.end()])
        );
        assert!(d.citations.len() > 200, "{s}: citations kept aside");
    }
}

#[test]
fn seed_004_has_no_chrome_or_reference_list() {
    let (d, _) = seed("004");
    for gone in [
        "View Videos",
        "^ a b",
        "essential facts below",
        "PopFlock",
        "Retrieved 2020",
    ] {
        assert!(!d.clean.contains(gone), "{gone:?} left in 004");
    }
    assert!(d.references.len() > 400);
    assert!(d.clean.contains("2,840 servicemen killed"));
}

#[test]
fn seed_001_loses_navbox_summaries_and_debris() {
    let (d, _) = seed("001");
    for gone in [
        "{{cite web}}",
        "CS1 maint",
        "Stepanakert Airport or Khojaly Airport is an airport",
        "Events of the year 2023 in Armenia",
    ] {
        assert!(!d.clean.contains(gone), "{gone:?} left in 001");
    }
    assert!(d
        .clean
        .contains("President Vladimir Putin reiterated his stance"));
    assert!(d.removed.iter().any(|r| r.kind == RemovedKind::Navbox));
}

#[test]
fn seed_000_sections_are_found() {
    let (d, _) = seed("000");
    let titles: Vec<&str> = d.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        d.title.as_deref(),
        Some("International reactions to the Second Nagorno-Karabakh War")
    );
    for t in [
        "OSCE Minsk Group",
        "Supranational and regional organizations",
        "The Russian Federation",
        "Turkey",
        "Humanitarian organizations",
        "Recognition of Artsakh",
    ] {
        assert!(titles.contains(&t), "section {t:?} missing: {titles:?}");
    }
    assert!(
        !titles.contains(&"See also"),
        "back matter is not a section of the text"
    );
    let turkey = d.sections.iter().find(|s| s.title == "Turkey").unwrap();
    assert_eq!(turkey.level, 3);
}

#[test]
fn seed_002_hard_sentence_boundaries() {
    let (d, _) = seed("002");
    let seg = Segmenter::embedded().split(&d.clean);
    let sentences: Vec<&str> = seg.iter().map(|s| &d.clean[s.start..s.end]).collect();
    let expected = [
        "As a result, three Azerbaijani soldiers were killed and one wounded.",
        "By August, 27 Azerbaijani soldiers had died since the start of the year.",
        "Turkey also supports Azerbaijan diplomatically.",
        "Richard C. Longworth and Argam DerHartunian expressed similar views.",
        "It was effectively amended by the Senate in 2001 and waived by President George W. Bush starting from 2002.",
        "The US aid is primarily \"offered in the context of U.S. policy to increase pressure on Iran and focuses on Azerbaijan's Iranian border, but it also has implications for Armenia,\" according to Emil Sanamyan.",
        "In FY 2018, Armenia received $4.2 million in U.S. security assistance.",
        "Several foreign groups fought on both sides in the intense period of fighting in 1992–94.",
        "Azerbaijan made extensive use of mercenary pilots.",
        "According to HRW, \"Most informed observers believe that mercenaries pilot most of Azerbaijan's air force.\"",
        "Thus, it was supported by seven OSCE members; one NATO member (Turkey) and no EU member state.",
        "South Ossetia's status is disputed.",
    ];
    for e in expected {
        assert!(sentences.contains(&e), "not a sentence of 002: {e:?}");
    }
    assert!(
        !d.clean.contains("Retrieved 21 April 2021"),
        "002's flattened references are cut"
    );
}

/// For every sentence of every seed: the raw bytes at its span, less what
/// cleaning removed, equal the sentence's clean text (whitespace aside).
#[test]
fn every_sentence_span_points_at_its_text() {
    for s in ["000", "001", "002", "003", "004"] {
        let (d, raw) = seed(s);
        d.map.check(d.clean.len(), raw.len()).unwrap();
        let raw = String::from_utf8(raw).unwrap();
        let seg = Segmenter::embedded().split(&d.clean);
        assert!(seg.len() > 100, "{s}: {} sentences", seg.len());
        for sent in seg {
            let text = &d.clean[sent.start..sent.end];
            let span = d.raw_span(Span::new(sent.start, sent.end));
            assert!(raw.is_char_boundary(span.start) && raw.is_char_boundary(span.end));
            let mut kept = String::new();
            let mut pos = span.start;
            for r in d
                .removed
                .iter()
                .filter(|r| r.raw.start < span.end && r.raw.end > span.start)
            {
                if r.raw.start > pos {
                    kept.push_str(&raw[pos..r.raw.start]);
                }
                pos = pos.max(r.raw.end);
            }
            if pos < span.end {
                kept.push_str(&raw[pos..span.end]);
            }
            assert_eq!(no_space(&kept), no_space(text), "{s}: sentence at {span:?}");
        }
    }
}
