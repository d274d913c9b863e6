//! Ingest is idempotent, transactional, and searchable.

use casus_pipeline::Pipeline;
use casus_read::{read_bytes, ReadOptions};
use casus_store::{Ingested, Store};

mod common;

fn process(name: &str, text: &str) -> casus_pipeline::Processed {
    let doc = read_bytes(name, text.as_bytes(), &ReadOptions::default()).unwrap();
    Pipeline::embedded().process(doc)
}

#[test]
fn same_bytes_twice_is_one_document() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kb.db");
    let text = "Azerbaijan shelled Stepanakert on 4 October 2020. Armenia denied it.";
    {
        let mut s = Store::open(&db).unwrap();
        assert_eq!(
            s.ingest(&process("a.txt", text), text.as_bytes()).unwrap(),
            Ingested::New
        );
        assert_eq!(
            s.ingest(&process("copy.txt", text), text.as_bytes())
                .unwrap(),
            Ingested::Duplicate
        );
    }
    let s = Store::open(&db).unwrap();
    let st = s.stats().unwrap();
    assert_eq!(st.documents, 1);
    assert_eq!(st.sentences, 2);
    let docs = s.documents().unwrap();
    assert_eq!(docs[0].name, "a.txt");
    let full = s.find_document("a.txt").unwrap().unwrap();
    assert_eq!(full.raw, text.as_bytes());
    let sents = s.sentences(&docs[0].id).unwrap();
    assert_eq!(
        &text[sents[1].span[0] as usize..sents[1].span[1] as usize],
        "Armenia denied it."
    );
}

#[test]
fn documents_are_listed_a_page_at_a_time() {
    let mut s = Store::memory().unwrap();
    for i in 0..5 {
        let text = format!(
            "Document {i}. Azerbaijan shelled Stepanakert on {} October 2020.",
            i + 1
        );
        s.ingest(&process(&format!("d{i}.txt"), &text), text.as_bytes())
            .unwrap();
    }
    let all = s.documents().unwrap();
    let names = |docs: &[casus_store::query::DocSummary]| -> Vec<String> {
        docs.iter().map(|d| d.name.clone()).collect()
    };
    assert_eq!(s.document_count().unwrap(), 5);
    assert_eq!(names(&s.documents_page(2, 0).unwrap()), names(&all[..2]));
    assert_eq!(names(&s.documents_page(2, 3).unwrap()), names(&all[3..]));
    assert!(s.documents_page(2, 5).unwrap().is_empty());
    // By id: ingest order, each once, unknown ids left out; the same
    // summaries as the full listing.
    let ids = [
        all[3].id.as_str(),
        "0000",
        all[1].id.as_str(),
        all[3].id.as_str(),
    ];
    let some = s.documents_by_id(&ids).unwrap();
    assert_eq!(names(&some), ["d1.txt", "d3.txt"]);
    assert_eq!(some[1].sentences, all[3].sentences);
    assert_eq!(some[1].bytes, all[3].bytes);
}

#[test]
fn search_finds_sentences_with_snippets() {
    let mut s = Store::memory().unwrap();
    let text = "Talks were held in Moscow.\n\nThe ceasefire in Shusha collapsed within hours.";
    s.ingest(&process("b.txt", text), text.as_bytes()).unwrap();
    let hits = s.search("shusha ceasefire", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].snippet.contains("[Shusha]"));
    // FTS syntax in user input is quoted, not interpreted.
    assert!(s.search("\"unbalanced OR (", 10).unwrap().is_empty());
}

#[test]
fn a_failed_document_leaves_nothing_behind() {
    let mut s = Store::memory().unwrap();
    let text = "One sentence here.";
    let p = process("c.txt", text);
    // A trigger makes the sentence insert fail half-way through the document.
    s.conn()
        .execute_batch("CREATE TRIGGER boom BEFORE INSERT ON sentences BEGIN SELECT RAISE(ABORT, 'disk full'); END;")
        .unwrap();
    assert!(s.ingest(&p, text.as_bytes()).is_err());
    assert_eq!(
        s.stats().unwrap().documents,
        0,
        "the document row was rolled back"
    );
    s.conn().execute_batch("DROP TRIGGER boom;").unwrap();
    assert_eq!(s.ingest(&p, text.as_bytes()).unwrap(), Ingested::New);
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kb.db");
    drop(Store::open(&db).unwrap());
    let c = rusqlite::Connection::open(&db).unwrap();
    c.pragma_update(None, "user_version", 999).unwrap();
    drop(c);
    let err = Store::open(&db).err().unwrap().to_string();
    assert!(err.contains("newer"), "{err}");
}

/// Seeds 000 and 001 are two revisions of one article: every event whose
/// evidence sentence appears in both is stored once, with both sources.
#[test]
fn revisions_share_their_events() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
    let mut s = Store::memory().unwrap();
    let pipeline = Pipeline::embedded();
    let mut cleans = Vec::new();
    for name in ["000_11ab58990416844a.txt", "001_d125bb33a2d17896.txt"] {
        let raw = std::fs::read(dir.join(name)).unwrap();
        let doc = read_bytes(name, &raw, &ReadOptions::default()).unwrap();
        cleans.push(doc.clean.split_whitespace().collect::<Vec<_>>().join(" "));
        s.ingest(&pipeline.process(doc), &raw).unwrap();
    }
    let events = s
        .events(&casus_store::EventFilter {
            limit: Some(10_000),
            ..Default::default()
        })
        .unwrap();
    let mut seen: std::collections::HashMap<String, i64> = Default::default();
    let mut shared = 0;
    for e in &events {
        let r = &e.record;
        let text = r["text"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let key = format!(
            "{}|{}|{}|{}|{}|{text}",
            r["type"], r["mode"], r["actor"]["id"], r["recipient"]["id"], r["claimed_by"]
        );
        if let Some(other) = seen.insert(key, e.id) {
            panic!(
                "events {other} and {} are the same statement stored twice: {text}",
                e.id
            );
        }
        let docs: std::collections::BTreeSet<&str> =
            e.sources.iter().map(|s| s.doc_id.as_str()).collect();
        if cleans[0].contains(&text) && cleans[1].contains(&text) && docs.len() == 2 {
            shared += 1;
        }
    }
    assert!(shared > 100, "only {shared} shared events");
}

/// Every event filter returns only matching events, in date order, and
/// counts what it lists.
#[test]
fn event_filters_hold() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
    let name = "004_4f7bc46e43dfedfd.txt";
    let raw = std::fs::read(dir.join(name)).unwrap();
    let doc = read_bytes(name, &raw, &ReadOptions::default()).unwrap();
    let mut s = Store::memory().unwrap();
    s.ingest(&Pipeline::embedded().process(doc), &raw).unwrap();
    use casus_store::EventFilter;
    let all = s
        .events(&EventFilter {
            limit: Some(10_000),
            ..Default::default()
        })
        .unwrap();
    assert!(all.len() > 200);
    let key = |e: &casus_store::EventRow| {
        e.record["date"]["start"]
            .as_str()
            .unwrap_or("9999-12-31")
            .to_string()
    };
    assert!(
        all.windows(2).all(|w| key(&w[0]) <= key(&w[1])),
        "date order"
    );
    let filters = [
        EventFilter {
            actor: Some("AZE".into()),
            ..Default::default()
        },
        EventFilter {
            recipient: Some("ARM".into()),
            ..Default::default()
        },
        EventFilter {
            actor: Some("ARM".into()),
            kind: Some("assault".into()),
            ..Default::default()
        },
        EventFilter {
            kind: Some("ACCUSE".into()),
            from: Some("2020-10-01".into()),
            to: Some("2020-10-31".into()),
            ..Default::default()
        },
        EventFilter {
            q: Some("ceasefire".into()),
            ..Default::default()
        },
        EventFilter {
            actor: Some("TUR".into()),
            q: Some("Azerbaijan".into()),
            ..Default::default()
        },
    ];
    for f in filters {
        let rows = s
            .events(&EventFilter {
                limit: Some(10_000),
                ..f.clone()
            })
            .unwrap();
        assert!(!rows.is_empty(), "no events for {f:?}");
        assert_eq!(
            s.count_events(&f).unwrap() as usize,
            rows.len(),
            "count for {f:?}"
        );
        for e in &rows {
            let r = &e.record;
            let ids = |k: &str| [r[k]["id"].as_str(), r[k]["country"].as_str()];
            if let Some(a) = &f.actor {
                assert!(ids("actor").contains(&Some(a.as_str())), "{f:?}: {r}");
            }
            if let Some(a) = &f.recipient {
                assert!(ids("recipient").contains(&Some(a.as_str())), "{f:?}: {r}");
            }
            if let Some(t) = &f.kind {
                assert_eq!(r["type"].as_str().unwrap(), t.to_uppercase());
            }
            if let (Some(from), Some(to)) = (&f.from, &f.to) {
                let d = r["date"]["start"].as_str().unwrap();
                assert!(d >= from.as_str() && d <= to.as_str(), "{d}");
            }
            if let Some(q) = &f.q {
                assert!(r["text"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains(&q.to_lowercase()));
            }
        }
        // Paging walks the same list.
        let page2 = s
            .events(&EventFilter {
                limit: Some(3),
                offset: Some(1),
                ..f.clone()
            })
            .unwrap();
        let ids: Vec<i64> = rows.iter().skip(1).take(3).map(|e| e.id).collect();
        assert_eq!(page2.iter().map(|e| e.id).collect::<Vec<_>>(), ids);
    }
}

/// A full-text listing gives the same page and count whichever plan runs:
/// with few matches the store sorts them, with many (here 5,000 for a
/// page at offset 40) it walks events in date order testing each against
/// the set of matches, and with a word in most events and a short page it
/// looks each event up in the full-text index.
/// A document row with nothing but its key, content id and name (for
/// tests that write sources and sentences by SQL).
fn bare_document(conn: &rusqlite::Connection, key: i64, id: &str, name: &str) {
    conn.execute(
        "INSERT INTO documents (key, id, name, format, bytes, metadata, sections, warnings, references_json, clean)
         VALUES (?1, ?2, ?3, 'text', 0, '{}', '[]', '[]', '[]', '')",
        rusqlite::params![key, id, name],
    )
    .unwrap();
}

/// Day `i` of a spread over 1990-2019, in no date order.
fn spread_day(i: i64) -> String {
    format!(
        "{}-{:02}-{:02}",
        1990 + (i * 7919) % 30,
        1 + i % 12,
        1 + i % 28
    )
}

/// `filter`'s page of events is its window of `all` (every matching id in
/// listing order), and its count is all of them.
fn assert_listing(
    store: &casus_store::Store,
    filter: &casus_store::EventFilter,
    all: &[i64],
    what: &str,
) {
    let got: Vec<i64> = store.events(filter).unwrap().iter().map(|e| e.id).collect();
    let (offset, limit) = (filter.offset.unwrap_or(0), filter.limit.unwrap_or(100));
    let page: Vec<i64> = all.iter().copied().skip(offset).take(limit).collect();
    assert_eq!(got, page, "{what} at {offset}+{limit}");
    assert_eq!(
        store.count_events(filter).unwrap(),
        all.len() as i64,
        "count of {what}"
    );
}

#[test]
fn text_listing_is_the_same_by_every_plan() {
    use casus_store::EventFilter;
    let store = casus_store::Store::memory().unwrap();
    let conn = store.conn();
    conn.execute_batch("BEGIN").unwrap();
    // 5,000 events; "shelling" in every other one (2,500 matches),
    // "village" in all of them, "talks" in none with "shelling".
    for i in 0..5000i64 {
        let day = spread_day(i);
        let text = if i % 2 == 0 {
            "shelling of the village"
        } else {
            "talks in the village"
        };
        conn.execute(
            "INSERT INTO events (type, date_start, date_end, text, shingles, record) VALUES (?3, ?1, ?1, ?2, x'', '{}')",
            rusqlite::params![
                if i % 10 == 0 { None } else { Some(day) },
                text,
                if i % 3 == 0 { "ASSAULT" } else { "ACCUSE" }
            ],
        )
        .unwrap();
        let id = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO events_fts (rowid, text) VALUES (?1, ?2)",
            rusqlite::params![id, text],
        )
        .unwrap();
    }
    conn.execute_batch("COMMIT").unwrap();
    let expected = |word: &str, from: Option<&str>, kind: Option<&str>| -> Vec<i64> {
        let mut ids: Vec<(String, i64)> = conn
            .prepare(
                "SELECT coalesce(date_start, '9999-12-31'), id FROM events WHERE text LIKE '%' || ?1 || '%'
                 AND (?2 IS NULL OR coalesce(date_start, '9999-12-31') >= ?2) AND (?3 IS NULL OR type = ?3)",
            )
            .unwrap()
            .query_map(rusqlite::params![word, from, kind], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        ids.sort();
        ids.into_iter().map(|(_, id)| id).collect()
    };
    for (word, from, kind) in [
        ("shelling", None, None),
        ("village", None, None),
        ("village", Some("2015-01-01"), None),
        ("village", None, Some("ASSAULT")),
        ("talks", Some("2001-01-01"), Some("ACCUSE")),
    ] {
        // Offset and limit: 40 and 50 (few matches for a page that deep:
        // sorted, or walked against the set), 3 and 5 (a short page of a
        // common word: looked up).
        for (offset, limit) in [(40, 50), (3, 5), (0, 4000)] {
            let filter = EventFilter {
                q: Some(word.into()),
                from: from.map(str::to_string),
                kind: kind.map(str::to_string),
                limit: Some(limit),
                offset: Some(offset),
                ..Default::default()
            };
            let all = expected(word, from, kind);
            assert_listing(
                &store,
                &filter,
                &all,
                &format!("{word} from {from:?} {kind:?}"),
            );
        }
    }
}

/// `doc` takes a content id or a prefix of one, in either case, and finds
/// the events with a source in that document (through the id index).
#[test]
fn doc_prefix_filter_finds_the_documents_events() {
    use casus_store::EventFilter;
    let a = "Azerbaijan shelled Stepanakert on 4 October 2020. Armenia accused Azerbaijan of shelling Martuni.";
    let b = "Turkey condemned Armenia on 5 October 2020.";
    let mut s = Store::memory().unwrap();
    s.ingest(&process("a.txt", a), a.as_bytes()).unwrap();
    s.ingest(&process("b.txt", b), b.as_bytes()).unwrap();
    let id_a = s.find_document("a.txt").unwrap().unwrap().summary.id;
    let listed = |doc: &str| {
        s.events(&EventFilter {
            doc: Some(doc.to_string()),
            limit: Some(100),
            ..Default::default()
        })
        .unwrap()
    };
    let of_a = listed(&id_a);
    assert!(!of_a.is_empty());
    for e in &of_a {
        assert!(e.sources.iter().any(|x| x.doc_id == id_a), "{:?}", e.record);
    }
    let by_prefix: Vec<i64> = listed(&id_a[..8].to_uppercase())
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(by_prefix, of_a.iter().map(|e| e.id).collect::<Vec<_>>());
    let all = listed("").len();
    assert!(all > of_a.len(), "an empty prefix is every document");
    assert!(listed("zz").is_empty(), "no content id starts with zz");
}

/// A writer that caches the first source of the facts it wrote notices
/// when another connection has given one of them an earlier source.
#[test]
fn a_first_source_another_writer_stored_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kb.db");
    let statement = "Azerbaijani forces shelled Stepanakert on 4 October 2020.";
    // Three documents stating it, by content id: first, middle, last.
    let mut docs: Vec<(String, String)> = (0..3)
        .map(|i| {
            let text = format!("{statement}\n\nNote {i}.");
            (casus_read::content_id(text.as_bytes()), text)
        })
        .collect();
    docs.sort();
    let [(first, first_text), (_, middle_text), (_, last_text)] = &docs[..] else {
        unreachable!()
    };
    let mut a = Store::open(&db).unwrap();
    a.ingest(&process("last.txt", last_text), last_text.as_bytes())
        .unwrap();
    let mut b = Store::open(&db).unwrap();
    b.ingest(&process("first.txt", first_text), first_text.as_bytes())
        .unwrap();
    // Later than the first source, earlier than the one `a` wrote.
    a.ingest(&process("middle.txt", middle_text), middle_text.as_bytes())
        .unwrap();
    let (events, sources, first_doc): (i64, i64, String) = a
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_sources),
                    (SELECT d.id FROM events e JOIN documents d ON d.key = e.first_doc)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((events, sources), (1, 3), "one statement, three sources");
    assert_eq!(&first_doc, first);
}

/// A writer that caches the bands and fingerprints of the facts it wrote
/// notices when another connection has given one of them new evidence
/// (an earlier source, a near duplicate of the old evidence): a later
/// near duplicate of the new evidence joins the fact.
#[test]
fn evidence_another_writer_replaced_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kb.db");
    let old = "Azerbaijani forces shelled Stepanakert with heavy artillery on 4 October 2020, local officials in the city said on Sunday evening.";
    // One word apart from the old evidence, and the next one word apart
    // from it (two from the old).
    let new = old.replace("heavy", "massive");
    let next = new.replace("Sunday", "Monday");
    // Documents whose content ids put the new evidence first.
    let doc = |text: &str, i: usize| {
        let body = format!("{text}\n\nNote {i}.");
        (casus_read::content_id(body.as_bytes()), body)
    };
    let (mut i, mut j) = (0, 1);
    while doc(&new, j).0 > doc(old, i).0 {
        (i, j) = (i + 2, j + 2);
    }
    let (old_doc, new_doc, next_doc) = (doc(old, i).1, doc(&new, j).1, doc(&next, 0).1);
    let mut a = Store::open(&db).unwrap();
    a.ingest(&process("old.txt", &old_doc), old_doc.as_bytes())
        .unwrap();
    let mut b = Store::open(&db).unwrap();
    b.ingest(&process("new.txt", &new_doc), new_doc.as_bytes())
        .unwrap();
    a.ingest(&process("next.txt", &next_doc), next_doc.as_bytes())
        .unwrap();
    let (events, sources, text): (i64, i64, String) = a
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_sources),
                    (SELECT text FROM events ORDER BY id LIMIT 1)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(
        text.contains("massive"),
        "the new evidence is the fact's: {text}"
    );
    assert_eq!((events, sources), (1, 3), "one statement, three sources");
}

/// Search ranks every match, then returns the best `limit` with their
/// snippets and spans.
#[test]
fn search_returns_the_best_ranked_hits() {
    let mut s = Store::memory().unwrap();
    let text = "Shusha was quiet.\n\nTalks were held in Moscow about the ceasefire.\n\n\
                The ceasefire in Shusha held, and the Shusha ceasefire talks went on.";
    s.ingest(&process("r.txt", text), text.as_bytes()).unwrap();
    let all = s.search("ceasefire", 10).unwrap();
    assert_eq!(all.len(), 2);
    assert!(all[0].score >= all[1].score);
    assert!(all.iter().all(|h| h.snippet.contains("[ceasefire]")));
    for h in &all {
        let sentence = &text[h.span[0] as usize..h.span[1] as usize];
        assert!(sentence.contains("ceasefire"), "{sentence}");
    }
    // The sentence that says it twice ranks first; the limit keeps it.
    let best = s.search("ceasefire", 1).unwrap();
    assert_eq!(best.len(), 1);
    assert!(text[best[0].span[0] as usize..best[0].span[1] as usize].starts_with("The ceasefire"));
    assert_eq!(best[0].snippet, all[0].snippet);
}

#[test]
fn document_listing_is_the_same_walked_or_sorted() {
    use casus_store::EventFilter;
    let store = casus_store::Store::memory().unwrap();
    let conn = store.conn();
    conn.execute_batch("BEGIN").unwrap();
    // A digest stating 6,000 events (walked in date order: more sources
    // than a sort pays for) and a report stating every 200th (sorted).
    for (key, id) in [(1, "aa11"), (2, "bb22")] {
        bare_document(conn, key, id, id);
    }
    for i in 0..6000i64 {
        let day = spread_day(i);
        conn.execute(
            "INSERT INTO events (type, actor_id, date_start, date_end, text, shingles, record)
             VALUES (?3, ?4, ?1, ?1, 'text', x'', '{}')",
            rusqlite::params![
                if i % 10 == 0 { None } else { Some(day) },
                i,
                if i % 3 == 0 { "ASSAULT" } else { "ACCUSE" },
                if i % 2 == 0 { "AZE" } else { "ARM" }
            ],
        )
        .unwrap();
        let event = conn.last_insert_rowid();
        let mut docs = vec![1];
        if i % 200 == 0 {
            docs.push(2);
        }
        for doc in docs {
            conn.execute(
                "INSERT INTO event_sources (event_id, doc, start, end) VALUES (?1, ?2, ?3, ?3 + 10)",
                rusqlite::params![event, doc, i * 20],
            )
            .unwrap();
        }
    }
    conn.execute_batch("COMMIT").unwrap();
    let expected = |doc: &str, from: Option<&str>, kind: Option<&str>, actor: Option<&str>| {
        let mut ids: Vec<(String, i64)> = conn
            .prepare(
                "SELECT e.date_key, e.id FROM events e WHERE e.id IN
                     (SELECT s.event_id FROM event_sources s JOIN documents d ON d.key = s.doc WHERE d.id LIKE ?1 || '%')
                 AND (?2 IS NULL OR e.date_key >= ?2) AND (?3 IS NULL OR e.type = ?3)
                 AND (?4 IS NULL OR e.actor_id = ?4)",
            )
            .unwrap()
            .query_map(rusqlite::params![doc, from, kind, actor], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        ids.sort();
        ids.into_iter().map(|(_, id)| id).collect::<Vec<i64>>()
    };
    for (doc, from, kind, actor) in [
        ("aa", None, None, None),
        ("AA11", Some("2015-01-01"), Some("ASSAULT"), None),
        ("aa1", None, None, Some("ARM")),
        ("bb22", None, None, None),
        ("bb", Some("2001-01-01"), None, Some("AZE")),
    ] {
        for (offset, limit) in [(0, 100), (2500, 50), (0, 10_000)] {
            let filter = EventFilter {
                doc: Some(doc.into()),
                from: from.map(str::to_string),
                kind: kind.map(str::to_string),
                actor: actor.map(str::to_string),
                limit: Some(limit),
                offset: Some(offset),
                ..Default::default()
            };
            let all = expected(&doc.to_ascii_lowercase(), from, kind, actor);
            assert_listing(
                &store,
                &filter,
                &all,
                &format!("{doc} {from:?} {kind:?} {actor:?}"),
            );
        }
    }
    // The histogram counts the same events by day, whatever the dates asked.
    let days = store
        .event_days(&EventFilter {
            doc: Some("aa".into()),
            actor: Some("ARM".into()),
            from: Some("2019-01-01".into()),
            ..Default::default()
        })
        .unwrap();
    let want: Vec<(String, i64)> = conn
        .prepare(
            "SELECT date_start, count(*) FROM events WHERE actor_id = 'ARM' AND date_start IS NOT NULL
             GROUP BY date_start ORDER BY date_start",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(days, want);
    // ARM acts in the odd events, none of them undated.
    assert_eq!(days.iter().map(|d| d.1).sum::<i64>(), 3000);
}

#[test]
fn listings_give_the_first_sources_and_how_many_there_are() {
    use casus_store::EventFilter;
    let store = casus_store::Store::memory().unwrap();
    let conn = store.conn();
    conn.execute_batch("BEGIN").unwrap();
    conn.execute(
        "INSERT INTO events (id, type, text, shingles, record) VALUES (1, 'ASSAULT', 't', x'', '{}')",
        [],
    )
    .unwrap();
    // A sentence mirrored in 30 documents, two sentences each.
    for key in 1..=30i64 {
        bare_document(conn, key, &format!("{:04}", 31 - key), &format!("doc{key}"));
        for (idx, start, text) in [(0, 0, "First."), (1, 7, "Shelling.")] {
            conn.execute(
                "INSERT INTO sentences (doc, idx, start, end, clean_start, clean_end, kind, text)
                 VALUES (?1, ?2, ?3, ?3 + length(?4), ?3, ?3 + length(?4), 'text', ?4)",
                rusqlite::params![key, idx, start, text],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO event_sources (event_id, doc, start, end) VALUES (1, ?1, 7, 16)",
            [key],
        )
        .unwrap();
    }
    conn.execute_batch("COMMIT").unwrap();
    let listed = |sources: Option<usize>| {
        let rows = store
            .events(&EventFilter {
                sources,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].source_count, 30);
        rows[0].sources.clone()
    };
    let all = listed(None);
    assert_eq!(all.len(), 30);
    // By document as stored, each with the sentence at its span.
    assert_eq!(all[0].doc, "doc1");
    assert!(all.iter().all(|s| s.text.as_deref() == Some("Shelling.")));
    let first = listed(Some(3));
    assert_eq!(
        first.iter().map(|s| &s.doc).collect::<Vec<_>>(),
        ["doc1", "doc2", "doc3"]
    );
    assert!(listed(Some(0)).is_empty());
    assert_eq!(listed(Some(30)).len(), 30);
    let by_id = store.events_by_id(&[1, 2], Some(5)).unwrap();
    assert_eq!(
        (by_id.len(), by_id[0].sources.len(), by_id[0].source_count),
        (1, 5, 30)
    );
    assert_eq!(store.event(1).unwrap().unwrap().sources.len(), 30);
}

/// The event count beside each actor and place is what `casus events
/// --actor` and `--place` count.
#[test]
fn actor_and_place_counts_are_their_listings_counts() {
    use casus_store::EventFilter;
    let mut store = Store::memory().unwrap();
    let text = "Azerbaijani forces shelled houses in Stepanakert on 4 October 2020. \
                Armenian Prime Minister Nikol Pashinyan condemned Azerbaijan. \
                Azerbaijan accused Armenia of shelling civilians in Ganja on 5 October 2020. \
                The OSCE Minsk Group co-chairs called for a ceasefire on 6 October 2020. \
                The OSCE welcomed the talks.";
    store
        .ingest(&process("a.txt", text), text.as_bytes())
        .unwrap();
    let actors = store.actors().unwrap();
    let aze = actors.iter().find(|a| a.id == "AZE").unwrap();
    assert!(aze.events >= 2, "{aze:?}");
    // The OSCE acts itself and through its Minsk Group.
    let osce = actors.iter().find(|a| a.id == "OSCE").unwrap();
    assert_eq!(osce.events, 2, "{osce:?}");
    for a in &actors {
        let f = EventFilter {
            actor: Some(a.id.clone()),
            ..Default::default()
        };
        assert_eq!(a.events, store.count_events(&f).unwrap(), "{}", a.id);
    }
    let places = store.places().unwrap();
    assert!(places.iter().any(|p| p.events > 0), "{places:?}");
    for p in &places {
        let f = EventFilter {
            place: Some(p.id.clone()),
            ..Default::default()
        };
        assert_eq!(p.events, store.count_events(&f).unwrap(), "{}", p.id);
    }
}

/// The totals of `stats` are read from narrow indexes, not by a scan of
/// the wide rows (document text, annotation JSON).
#[test]
fn stats_sum_narrow_indexes() {
    let mut store = Store::memory().unwrap();
    let text = "Azerbaijan shelled Stepanakert on 4 October 2020.";
    store
        .ingest(&process("a.txt", text), text.as_bytes())
        .unwrap();
    let st = store.stats().unwrap();
    assert_eq!((st.documents, st.bytes), (1, text.len() as i64));
    assert!(st.mentions >= 2 && st.timexes >= 1, "{st:?}");
    for (sql, index) in [
        (
            "SELECT coalesce(sum(timex_count), 0) FROM annotations",
            "annotations_counts",
        ),
        (
            "SELECT coalesce(sum(mention_count), 0) FROM annotations",
            "annotations_counts",
        ),
        (
            "SELECT coalesce(sum(bytes), 0) FROM documents",
            "documents_bytes",
        ),
    ] {
        let plan = common::query_plan(store.conn(), sql);
        assert!(
            plan.iter()
                .any(|p| p.contains(&format!("COVERING INDEX {index}"))),
            "{sql}: {plan:?}"
        );
    }
}

/// Each entity's mention total, kept on its row by the writer, is the sum
/// of its per-document counts: across documents, after a document is
/// stored again (nothing added) and after one is deleted.
#[test]
fn entity_mention_totals_follow_their_documents() {
    let mut store = Store::memory().unwrap();
    let a = "Azerbaijan and Armenia met in Moscow. Azerbaijan agreed.";
    let b = "Armenia accused Azerbaijan of shelling Stepanakert.";
    for (name, text) in [("a.txt", a), ("b.txt", b), ("a.txt", a)] {
        store.ingest(&process(name, text), text.as_bytes()).unwrap();
    }
    let check = |store: &Store| {
        let bad: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM entities e
                 WHERE e.mentions <> coalesce((SELECT sum(count) FROM entity_mentions m WHERE m.entity_id = e.id), 0)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(bad, 0);
    };
    check(&store);
    let aze = |store: &Store| {
        store
            .actors()
            .unwrap()
            .into_iter()
            .find(|e| e.id == "AZE")
            .map(|e| e.mentions)
    };
    assert_eq!(aze(&store), Some(3));
    store
        .conn()
        .execute("DELETE FROM documents WHERE name = 'a.txt'", [])
        .unwrap();
    check(&store);
    assert_eq!(aze(&store), Some(1));

    // In one transaction, where the totals are added once at its end: two
    // documents naming Azerbaijan, and a third already stored (no count).
    let c = "Azerbaijan and Turkey held talks. Azerbaijan signed.";
    let (pa, pc) = (process("a.txt", a), process("c.txt", c));
    let (pb, ra) = (process("b.txt", b), a.as_bytes());
    store
        .ingest_batch(&[(&pa, ra), (&pc, c.as_bytes()), (&pb, b.as_bytes())])
        .unwrap();
    check(&store);
    assert_eq!(aze(&store), Some(5));
}

/// Copies, excerpts and revisions are found by the sentences documents
/// share; a template's sentence in many documents relates none by itself.
#[test]
fn relations_by_shared_sentences() {
    let store = Store::memory().unwrap();
    let conn = store.conn();
    conn.execute_batch("BEGIN").unwrap();
    let sentence =
        |n: usize| format!("Sentence number {n} of the report, long enough to be compared.");
    let template = "A sentence of the template that every generated document repeats.";
    let mut docs: Vec<Vec<String>> = Vec::new();
    let original: Vec<String> = (0..20).map(sentence).collect();
    docs.push(original.clone()); // 1: the original
    docs.push(original.clone()); // 2: its copy
    docs.push(original[..5].to_vec()); // 3: an excerpt
    let mut revised = original[..10].to_vec();
    revised.extend((100..110).map(sentence));
    docs.push(revised); // 4: a revision (half shared)
    for k in 0..80 {
        // 5..: unrelated documents sharing only the template.
        let mut d: Vec<String> = (1000 + 10 * k..1010 + 10 * k).map(sentence).collect();
        d.push(template.to_string());
        docs.push(d);
    }
    for (i, d) in docs.iter().enumerate() {
        let key = i as i64 + 1;
        bare_document(conn, key, &format!("d{key:03}"), &format!("doc{key}"));
        for (idx, text) in d.iter().enumerate() {
            conn.execute(
                "INSERT INTO sentences (doc, idx, start, end, clean_start, clean_end, kind, text)
                 VALUES (?1, ?2, ?2 * 100, ?2 * 100 + 90, ?2 * 100, ?2 * 100 + 90, 'text', ?3)",
                rusqlite::params![key, idx as i64, text],
            )
            .unwrap();
        }
    }
    conn.execute_batch("COMMIT").unwrap();
    let rel: Vec<(String, String, &str, i64)> = store
        .relations()
        .unwrap()
        .into_iter()
        .map(|r| (r.a, r.b, r.relation, r.shared))
        .collect();
    let has = |a: &str, b: &str, kind: &str, shared: i64| {
        rel.iter()
            .any(|r| r.0 == a && r.1 == b && r.2 == kind && r.3 == shared)
    };
    assert!(has("d001", "d002", "copy", 20), "{rel:?}");
    // The excerpt is named first, whatever was ingested first.
    assert!(has("d003", "d001", "excerpt", 5), "{rel:?}");
    assert!(has("d001", "d004", "revision", 10), "{rel:?}");
    assert!(
        rel.iter()
            .all(|r| r.0.as_str() <= "d004" && r.1.as_str() <= "d004"),
        "{rel:?}"
    );
    // Closest first.
    assert_eq!(rel[0].2, "copy");
}
