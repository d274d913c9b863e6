//! Schema version 3: a version-2 knowledge base migrates with nothing
//! lost, per-document annotations read back as written, and the
//! in-memory near-duplicate lookup finds what the stored index finds.

use casus_pipeline::Pipeline;
use casus_read::{read_bytes, ReadOptions};
use casus_store::migrations::MIGRATIONS;
use casus_store::Store;
use rusqlite::Connection;

mod common;
use common::seeds;

fn process(name: &str, text: &str) -> casus_pipeline::Processed {
    let doc = read_bytes(name, text.as_bytes(), &ReadOptions::default()).unwrap();
    Pipeline::embedded().process(doc)
}

/// Every event and claim as `(record, sorted sources)`, sorted: what the
/// knowledge base states, whatever the ids.
fn facts(conn: &Connection) -> Vec<(String, Vec<(String, i64)>)> {
    let mut out = Vec::new();
    for kind in ["event", "claim"] {
        let sql = format!(
            "SELECT f.id, f.record, d.id, s.start FROM {kind}s f JOIN {kind}_sources s ON s.{kind}_id = f.id
             JOIN documents d ON d.key = s.doc ORDER BY f.id"
        );
        let mut st = conn.prepare(&sql).unwrap();
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .unwrap();
        let mut by_id: std::collections::BTreeMap<i64, (String, Vec<(String, i64)>)> =
            Default::default();
        for r in rows {
            let (id, rec, doc, start) = r.unwrap();
            by_id
                .entry(id)
                .or_insert((rec, Vec::new()))
                .1
                .push((doc, start));
        }
        for (_, (rec, mut sources)) in by_id {
            sources.sort();
            out.push((format!("{kind}:{rec}"), sources));
        }
    }
    out.sort();
    out
}

#[test]
fn one_session_and_many_sessions_store_the_same_facts() {
    let dir = tempfile::tempdir().unwrap();
    let docs = seeds();
    let processed: Vec<_> = docs.iter().map(|(n, t)| (process(n, t), t)).collect();
    let one = dir.path().join("one.db");
    {
        let mut s = Store::open(&one).unwrap();
        let batch: Vec<_> = processed.iter().map(|(p, t)| (p, t.as_bytes())).collect();
        s.ingest_batch(&batch).unwrap();
    }
    // A fresh connection per document: every candidate comes from the
    // stored band index, none from memory.
    let many = dir.path().join("many.db");
    for (p, t) in &processed {
        Store::open(&many).unwrap().ingest(p, t.as_bytes()).unwrap();
    }
    let (a, b) = (
        Connection::open(&one).unwrap(),
        Connection::open(&many).unwrap(),
    );
    let (fa, fb) = (facts(&a), facts(&b));
    assert!(fa.len() > 100, "the seeds state facts");
    assert!(
        fa.iter().any(|(_, s)| s
            .iter()
            .map(|x| &x.0)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            > 1),
        "some fact has sources in two documents"
    );
    assert_eq!(fa, fb);
}

#[test]
fn annotations_read_back_in_span_order() {
    let mut s = Store::memory().unwrap();
    let text =
        "On 4 October 2020 Azerbaijan shelled Stepanakert. Armenia said Baku lied on 5 October.";
    let p = process("a.txt", text);
    s.ingest(&p, text.as_bytes()).unwrap();
    let id = &s.documents().unwrap()[0].id;
    let mentions = s.mentions(id).unwrap();
    assert_eq!(mentions.len(), p.mentions.len());
    assert!(mentions.windows(2).all(|w| w[0].span <= w[1].span));
    let aze = mentions.iter().find(|m| m.entity_id == "AZE").unwrap();
    assert_eq!(
        &text[aze.span[0] as usize..aze.span[1] as usize],
        "Azerbaijan"
    );
    assert_eq!(aze.name, "Azerbaijan");
    let timexes = s.timexes(id).unwrap();
    assert_eq!(timexes.len(), p.timexes.len());
    assert_eq!(timexes[0].value, "2020-10-04");
    assert!(s.mentions("no-such-document").unwrap().is_empty());
    let stats = s.stats().unwrap();
    assert_eq!(stats.mentions as usize, p.mentions.len());
    assert_eq!(stats.timexes as usize, p.timexes.len());
}

/// Builds a version-2 knowledge base by hand: two documents, sentences,
/// mentions, timexes, an event with a source in each, and its bands.
fn version_2(path: &std::path::Path) {
    let mut conn = Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    for sql in &MIGRATIONS[..2] {
        tx.execute_batch(sql).unwrap();
    }
    tx.execute_batch(
        "PRAGMA user_version = 2;
         INSERT INTO documents (id, name, format, bytes, raw, clean, metadata, sections, warnings, references_json)
             VALUES ('bbbb', 'b.txt', 'text', 9, x'00', 'Baku spoke.', '{}', '[]', '[]', '[]'),
                    ('aaaa', 'a.txt', 'text', 9, x'00', 'Baku spoke.', '{}', '[]', '[]', '[]');
         INSERT INTO sentences (doc_id, idx, start, end, clean_start, clean_end, kind, section, text)
             VALUES ('bbbb', 0, 0, 11, 0, 11, 'text', NULL, 'Baku spoke.'),
                    ('aaaa', 0, 0, 11, 0, 11, 'text', NULL, 'Baku spoke.');
         INSERT INTO sentences_fts (rowid, text) SELECT rowid, text FROM sentences;
         INSERT INTO mentions (doc_id, start, end, text, entity_id, entity_type, name, country, sector, person_id)
             VALUES ('bbbb', 0, 4, 'Baku', 'AZE', 'state', 'Azerbaijan', 'AZE', NULL, NULL),
                    ('aaaa', 0, 4, 'Baku', 'AZE', 'state', 'Azerbaijan', 'AZE', NULL, NULL);
         INSERT INTO timexes (doc_id, start, end, text, type, value, mod, date_start, date_end)
             VALUES ('aaaa', 5, 10, 'today', 'DATE', '2020-10-04', NULL, '2020-10-04', '2020-10-04');
         INSERT INTO removed (doc_id, kind, start, end) VALUES ('aaaa', 'markup', 11, 12);
         INSERT INTO events (type, actor_id, actor_country, date_start, date_end, text, shingles, record)
             VALUES ('STATEMENT', 'AZE', 'AZE', '2020-10-04', '2020-10-04', 'Baku spoke.', x'', '{\"type\":\"STATEMENT\"}');
         INSERT INTO event_sources (event_id, doc_id, start, end) VALUES (1, 'bbbb', 0, 11), (1, 'aaaa', 0, 11);
         INSERT INTO event_bands (band, event_id) VALUES (42, 1), (42, 1), (7, 1);",
    )
    .unwrap();
    tx.commit().unwrap();
}

#[test]
fn a_version_2_knowledge_base_migrates_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v2.db");
    version_2(&db);
    let s = Store::open(&db).unwrap();
    let c = s.conn();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, casus_store::migrations::latest());
    // Documents keep their order (keys are the old rowids) and content ids.
    let names: Vec<String> = s.documents().unwrap().into_iter().map(|d| d.name).collect();
    assert_eq!(names, ["b.txt", "a.txt"]);
    assert_eq!(s.sentences("aaaa").unwrap()[0].text, "Baku spoke.");
    assert_eq!(
        s.search("baku", 10).unwrap().len(),
        2,
        "full text still indexed"
    );
    let m = s.mentions("aaaa").unwrap();
    assert_eq!(
        (m.len(), m[0].name.as_str(), m[0].span),
        (1, "Azerbaijan", [0, 4])
    );
    assert_eq!(s.timexes("aaaa").unwrap()[0].value, "2020-10-04");
    assert_eq!(s.removed("aaaa").unwrap()[0].kind, "markup");
    assert!(s.timexes("bbbb").unwrap().is_empty());
    let stats = s.stats().unwrap();
    assert_eq!((stats.mentions, stats.timexes), (2, 1));
    let e = s.event(1).unwrap().unwrap();
    let docs: Vec<&str> = e.sources.iter().map(|x| x.doc_id.as_str()).collect();
    assert_eq!(docs, ["bbbb", "aaaa"]);
    // The first source by content id is recorded on the event.
    let first: String = c
        .query_row(
            "SELECT d.id FROM events e JOIN documents d ON d.key = e.first_doc WHERE e.id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(first, "aaaa");
    let bands: i64 = c
        .query_row("SELECT count(*) FROM event_bands", [], |r| r.get(0))
        .unwrap();
    assert_eq!(bands, 2, "duplicate band rows merged");
    for old in [
        "mentions",
        "timexes",
        "removed",
        "documents_v2",
        "sentences_v2",
        "event_sources_v4",
        "claim_sources_v4",
        "entity_mentions_v4",
    ] {
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = ?1",
                [old],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0, "{old} left behind");
    }
    let fk: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
    // Each entity's mentions in all are on its row (version 7).
    let aze: i64 = c
        .query_row("SELECT mentions FROM entities WHERE id = 'AZE'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(aze, 2);
    // Sources are keyed by document; lookups by fact go through their
    // indexes, not a scan.
    for (sql, index) in [
        (
            "SELECT doc, start, end FROM event_sources WHERE event_id = 1",
            "event_sources_event",
        ),
        (
            "SELECT doc, start, end FROM claim_sources WHERE claim_id = 1",
            "claim_sources_claim",
        ),
        (
            "SELECT event_id FROM event_sources WHERE doc = 1",
            "PRIMARY KEY",
        ),
    ] {
        let plan = common::query_plan(c, sql);
        assert!(
            plan.iter()
                .any(|p| p.starts_with("SEARCH") && p.contains(index)),
            "{sql}: {plan:?}"
        );
    }
}
