//! No input makes the coder panic: arbitrary text, sentences, mentions and
//! timexes with offsets that need not fit the text.

use casus_entities::{EntityRef, Mention};
use casus_extract::{Coder, DocInput};
use casus_segment::{Sentence, SentenceKind};
use casus_time::{Timex, TimexType};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "Armenia",
    "Azerbaijan",
    "called",
    "for",
    "a",
    "ceasefire",
    "condemned",
    "the",
    "by",
    "was",
    "according",
    "to",
    "Per",
    "Azerbaijan:",
    "•",
    "2,840",
    "60+",
    "dozens",
    "of",
    "soldiers",
    "killed",
    "and",
    "wounded",
    ",",
    ";",
    ".",
    "\n",
    "it",
    "who",
    "between",
    "at",
    "request",
    "will",
    "not",
    "é",
    "—",
    "“",
    "[1]",
    "300-500",
    "an",
    "'s",
    "shot",
    "down",
    "Mi-24",
    "as",
    "did",
    "followed",
    "talks",
    "unless",
];

fn mention(start: usize, end: usize, id: &'static str, kind: &'static str) -> Mention {
    Mention {
        start,
        end,
        text: "x".into(),
        entity: EntityRef {
            id: id.into(),
            kind: kind.into(),
            name: id.into(),
            country: Some(id.into()),
            sector: None,
            lat: None,
            lon: None,
        },
        person: None,
        metonym_of: if kind == "place" {
            Some("AZE".into())
        } else {
            None
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn never_panics(
        words in proptest::collection::vec(0..WORDS.len(), 0..60),
        cuts in proptest::collection::vec((0usize..400, 0usize..400), 0..8),
        ments in proptest::collection::vec((0usize..400, 0usize..30, 0usize..3), 0..12),
        tx in proptest::collection::vec((0usize..400, 0usize..30), 0..4),
    ) {
        let text: String = words.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ");
        let mut sentences: Vec<Sentence> = cuts.iter().map(|&(a, b)| Sentence { start: a.min(b), end: a.max(b), kind: if a % 3 == 0 { SentenceKind::ListItem } else if a % 3 == 1 { SentenceKind::Heading } else { SentenceKind::Text } }).collect();
        sentences.push(Sentence { start: 0, end: text.len(), kind: SentenceKind::Text });
        let kinds = ["state", "community", "place"];
        let ids = ["ARM", "AZE", "ARMENIANS"];
        let mut mentions: Vec<Mention> = ments.iter().map(|&(s, l, k)| mention(s, s + l, ids[k], kinds[k])).collect();
        mentions.sort_by_key(|m| m.start);
        let d = casus_time::value::date_range("2020-10-02").unwrap();
        let mut timexes: Vec<Timex> = tx.iter().map(|&(s, l)| Timex { start: s, end: s + l, text: String::new(), kind: TimexType::Date, value: "2020-10-02".into(), modifier: None, anchor: None, date: Some(d.clone()), narrative: Some(d.clone()) }).collect();
        timexes.sort_by_key(|t| t.start);
        let doc = DocInput { name: "p", text: &text, sentences: &sentences, mentions: &mentions, timexes: &timexes, doc_date: Some("2020") };
        let x = Coder::embedded().code(&doc);
        for e in &x.events {
            prop_assert!(e.start <= e.end && e.end <= text.len());
        }
        for c in &x.claims {
            prop_assert!(c.start <= c.end && c.end <= text.len());
        }
    }
}
