//! Bulk builds store exactly what row-by-row writing stores, however they
//! end: finished, interrupted (the next writer completes them), or
//! completed by another writer while they run; and so does a session whose
//! in-memory band table fills up.

use std::path::Path;

use casus_pipeline::{Pipeline, Processed};
use casus_read::{read_bytes, ReadOptions};
use casus_store::Store;
use rusqlite::Connection;

mod common;

/// The embedded corpus and two altered copies of each document: mirrors
/// whose sentences are near or exact duplicates, some sorting before the
/// original (a new first source replaces a fact's evidence).
fn corpus() -> Vec<(Processed, String)> {
    let seeds = common::seeds();
    let mut docs = Vec::new();
    for (name, text) in &seeds {
        docs.push((name.clone(), text.clone()));
        docs.push((format!("copy-{name}"), format!("Copied.\n\n{text}")));
        let edited = text.replacen(" the ", " a ", 40);
        docs.push((format!("edit-{name}"), edited));
    }
    docs.into_iter()
        .map(|(name, text)| {
            let doc = read_bytes(&name, text.as_bytes(), &ReadOptions::default()).unwrap();
            (Pipeline::embedded().process(doc), text)
        })
        .collect()
}

fn ingest(store: &mut Store, docs: &[(Processed, String)]) {
    for chunk in docs.chunks(4) {
        let batch: Vec<_> = chunk.iter().map(|(p, t)| (p, t.as_bytes())).collect();
        store.ingest_batch(&batch).unwrap();
    }
}

/// Every table the writer fills, row by row, and the schema: the same
/// writes in the same order give the same ids, so dumps compare directly.
fn dump(path: &Path) -> Vec<(&'static str, Vec<String>)> {
    const TABLES: &[(&str, &str)] = &[
        ("documents", "SELECT key, id, name FROM documents ORDER BY key"),
        ("sentences", "SELECT rowid, doc, idx, start, text FROM sentences ORDER BY rowid"),
        ("annotations", "SELECT * FROM annotations ORDER BY doc"),
        ("entity_mentions", "SELECT * FROM entity_mentions ORDER BY 1, 2"),
        ("entities", "SELECT * FROM entities ORDER BY id"),
        ("events", "SELECT id, record, text, hex(shingles), first_doc, first_start, date_key FROM events ORDER BY id"),
        ("claims", "SELECT id, record, text, hex(shingles), first_doc, first_start FROM claims ORDER BY id"),
        ("event_sources", "SELECT * FROM event_sources ORDER BY 1, 2, 3"),
        ("claim_sources", "SELECT * FROM claim_sources ORDER BY 1, 2, 3"),
        ("event_bands", "SELECT * FROM event_bands ORDER BY 1, 2"),
        ("claim_bands", "SELECT * FROM claim_bands ORDER BY 1, 2"),
        ("event_keys", "SELECT * FROM event_keys ORDER BY 1, 2, 3, 4, 5"),
        ("search", "SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH 'Azerbaijan' ORDER BY rowid"),
        ("event search", "SELECT rowid FROM events_fts WHERE events_fts MATCH 'forces' ORDER BY rowid"),
        ("schema", "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name"),
        ("bulk_build", "SELECT name FROM bulk_build"),
    ];
    let conn = Connection::open(path).unwrap();
    TABLES
        .iter()
        .map(|(name, sql)| {
            let mut st = conn.prepare(sql).unwrap();
            let n = st.column_count();
            let rows = st
                .query_map([], |r| {
                    let cells: Vec<String> = (0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect();
                    Ok(cells.join("|"))
                })
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap();
            (*name, rows)
        })
        .collect()
}

fn assert_same(a: &Path, b: &Path) {
    let (da, db) = (dump(a), dump(b));
    for ((name, ra), (_, rb)) in da.iter().zip(&db) {
        assert!(
            ra == rb,
            "{name} differs between {} and {}: {} rows against {}",
            a.display(),
            b.display(),
            ra.len(),
            rb.len()
        );
    }
}

/// A full-text index's merge setting, as FTS5 stores it (absent: default).
fn fts_setting(path: &Path, table: &str, setting: &str) -> Option<i64> {
    use rusqlite::OptionalExtension;
    Connection::open(path)
        .unwrap()
        .query_row(
            &format!("SELECT v FROM {table}_config WHERE k = ?1"),
            [setting],
            |r| r.get(0),
        )
        .optional()
        .unwrap()
}

fn has_index(path: &Path, name: &str) -> bool {
    Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
        > 0
}

#[test]
fn a_bulk_build_stores_what_row_by_row_writing_stores() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus();
    let rows = dir.path().join("rows.db");
    ingest(&mut Store::open(&rows).unwrap(), &docs);
    let bulk = dir.path().join("bulk.db");
    let mut s = Store::open(&bulk).unwrap();
    let cache_size = |s: &Store| -> i64 {
        s.conn()
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .unwrap()
    };
    let cache_before = cache_size(&s);
    s.begin_bulk().unwrap();
    ingest(&mut s, &docs);
    assert!(s.bulk_in_progress().unwrap());
    assert!(
        !has_index(&bulk, "events_type"),
        "query indexes wait for the end"
    );
    for table in ["sentences_fts", "events_fts"] {
        assert_eq!(
            fts_setting(&bulk, table, "automerge"),
            Some(0),
            "{table} merges"
        );
    }
    s.finish_bulk().unwrap();
    assert!(!s.bulk_in_progress().unwrap());
    // The index builds' small sort-run cache is not left behind.
    assert_eq!(cache_size(&s), cache_before);
    // Merging is back on, and the merged index holds what the rows say.
    for table in ["sentences_fts", "events_fts"] {
        assert_eq!(fts_setting(&bulk, table, "automerge"), Some(4));
        assert_eq!(fts_setting(&bulk, table, "crisismerge"), Some(16));
        Connection::open(&bulk)
            .unwrap()
            .execute(
                &format!("INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)"),
                [],
            )
            .unwrap();
    }
    let d = dump(&rows);
    let count = |t: &str| d.iter().find(|(n, _)| *n == t).unwrap().1.len();
    assert!(count("events") > 100 && count("event_keys") > 100 && count("event_bands") > 800);
    assert!(
        count("event_sources") > count("events"),
        "mirrors join facts"
    );
    assert_same(&rows, &bulk);
}

#[test]
fn a_bulk_build_of_documents_already_stored_keeps_the_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus();
    let path = dir.path().join("kb.db");
    ingest(&mut Store::open(&path).unwrap(), &docs);
    let before = dump(&path);
    let mut s = Store::open(&path).unwrap();
    s.begin_bulk().unwrap();
    ingest(&mut s, &docs);
    assert!(!s.bulk_in_progress().unwrap(), "nothing new: no build");
    assert!(has_index(&path, "events_type"), "the indexes stay");
    s.finish_bulk().unwrap();
    assert_eq!(dump(&path), before);
    // One new document starts the build after all.
    let mut s = Store::open(&dir.path().join("half.db")).unwrap();
    ingest(&mut s, &docs[..1]);
    s.begin_bulk().unwrap();
    ingest(&mut s, &docs[..2]);
    assert!(s.bulk_in_progress().unwrap());
    s.finish_bulk().unwrap();
    assert!(!s.bulk_in_progress().unwrap());
}

#[test]
fn a_full_band_table_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus();
    let rows = dir.path().join("rows.db");
    ingest(&mut Store::open(&rows).unwrap(), &docs);
    // 4096 slots hold the bands of about 350 facts: the table fills
    // several times, mid-transaction too.
    for bulk in [false, true] {
        let small = dir.path().join(format!("small-{bulk}.db"));
        let mut s = Store::open(&small).unwrap();
        s.limit_band_memory(4096);
        if bulk {
            s.begin_bulk().unwrap();
        }
        ingest(&mut s, &docs);
        s.finish_bulk().unwrap();
        assert_same(&rows, &small);
    }
}

#[test]
fn the_next_writer_completes_a_build_whose_writer_died() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus();
    let (first, rest) = docs.split_at(docs.len() / 2);
    let rows = dir.path().join("rows.db");
    ingest(&mut Store::open(&rows).unwrap(), first);
    ingest(&mut Store::open(&rows).unwrap(), rest);

    let died = dir.path().join("died.db");
    {
        let mut s = Store::open(&died).unwrap();
        s.begin_bulk().unwrap();
        ingest(&mut s, first);
        // Dropped without finishing: as if the process had been killed.
    }
    assert!(!has_index(&died, "events_date"));
    let reader = Connection::open(&died).unwrap();
    let events: i64 = reader
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert!(events > 0, "what was committed is kept");
    assert_eq!(fts_setting(&died, "sentences_fts", "automerge"), Some(0));
    ingest(&mut Store::open(&died).unwrap(), rest);
    assert!(has_index(&died, "events_date"));
    assert_eq!(fts_setting(&died, "sentences_fts", "automerge"), Some(4));
    assert_same(&rows, &died);
}

#[test]
fn a_build_completed_by_another_writer_goes_on_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus();
    let third = docs.len() / 3;
    let parts = [&docs[..third], &docs[third..2 * third], &docs[2 * third..]];
    let run = |path: &Path, bulk: bool| {
        let mut a = Store::open(path).unwrap();
        if bulk {
            a.begin_bulk().unwrap();
        }
        ingest(&mut a, parts[0]);
        ingest(&mut Store::open(path).unwrap(), parts[1]);
        ingest(&mut a, parts[2]);
        a.finish_bulk().unwrap();
    };
    let rows = dir.path().join("rows.db");
    run(&rows, false);
    let bulk = dir.path().join("bulk.db");
    run(&bulk, true);
    assert_same(&rows, &bulk);
}
