//! Property test (issue 8): re-ingesting is idempotent. Ingesting the same
//! documents again, in any order and under any names, stores nothing new
//! and changes no row.

use casus_pipeline::Pipeline;
use casus_read::{read_bytes, ReadOptions};
use casus_store::{Ingested, Store};
use proptest::prelude::*;
use std::sync::OnceLock;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(Pipeline::embedded)
}

const PIECES: &[&str] = &[
    "Azerbaijani forces shelled Stepanakert on 4 October 2020. ",
    "Armenia said 12 soldiers were killed, according to the defence ministry. ",
    "On 9 November 2020 a ceasefire was signed in Moscow. ",
    "Aliyev claimed that Shusha had been taken.[12] ",
    "Pashinyan denied it. ",
    "The OSCE Minsk Group called for restraint. ",
    "\n\n",
    "# Heading\n",
    "<p>Baku accused Yerevan.</p>",
    "é\u{2014}\u{1F4A3} ",
];

fn doc() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PIECES), 1..12).prop_map(|v| v.concat())
}

fn table_counts(s: &Store) -> Vec<i64> {
    [
        "documents",
        "sentences",
        "annotations",
        "entities",
        "entity_mentions",
        "events",
        "event_sources",
        "claims",
        "claim_sources",
        "event_bands",
        "claim_bands",
    ]
    .iter()
    .map(|t| {
        s.conn()
            .query_row(&format!("SELECT count(*) FROM {t}"), (), |r| r.get(0))
            .unwrap()
    })
    .collect()
}

fn ingest(s: &mut Store, name: &str, text: &str) -> Option<Ingested> {
    let d = read_bytes(name, text.as_bytes(), &ReadOptions::default()).ok()?;
    let p = pipeline().process(d);
    Some(s.ingest(&p, text.as_bytes()).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn reingesting_changes_nothing(docs in proptest::collection::vec(doc(), 1..6), rot in 0usize..6) {
        let mut s = Store::memory().unwrap();
        for (i, d) in docs.iter().enumerate() {
            ingest(&mut s, &format!("d{i}.txt"), d);
        }
        let before = table_counts(&s);
        let dump: Vec<(String, String)> = s.conn()
            .prepare("SELECT id, clean FROM documents ORDER BY id").unwrap()
            .query_map((), |r| Ok((r.get(0)?, r.get(1)?))).unwrap()
            .map(Result::unwrap).collect();
        let mut again = docs.clone();
        again.rotate_left(rot % docs.len());
        for (i, d) in again.iter().enumerate() {
            let r = ingest(&mut s, &format!("other{i}.md"), d);
            prop_assert!(matches!(r, None | Some(Ingested::Duplicate)), "{r:?}");
        }
        prop_assert_eq!(table_counts(&s), before);
        let dump2: Vec<(String, String)> = s.conn()
            .prepare("SELECT id, clean FROM documents ORDER BY id").unwrap()
            .query_map((), |r| Ok((r.get(0)?, r.get(1)?))).unwrap()
            .map(Result::unwrap).collect();
        prop_assert_eq!(dump, dump2);
    }
}
