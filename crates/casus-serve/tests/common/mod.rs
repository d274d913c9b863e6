//! The test knowledge base: the embedded corpus, synthetic events and
//! claims over its sentences, and a hostile document.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use casus_store::Store;

/// A document whose text carries script and event-handler payloads.
pub const HOSTILE_NAME: &str = "hostile.txt";
pub const HOSTILE: &str = "Hostile test document\n\nOn 3 October 2020 Azerbaijan shelled Stepanakert <script>window.__pwned = 1; document.title = 'PWNED'</script> according to the report.\n\nArmenia said <img src=x onerror=\"window.__pwned = 2\"> the attack on Shusha <b onmouseover=alert(3)>continued</b> for days.\n\nA link <a href=\"javascript:window.__pwned=4\">click</a> and a [bracket] ' \" & done.\n";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus")
}

/// Builds a knowledge base at `path` from the corpus, the hostile document
/// and `events` synthetic events.
pub fn build(path: &Path, events: usize, claims: usize) -> PathBuf {
    let mut store = Store::open(path).expect("open store");
    let pipeline = casus_pipeline::Pipeline::embedded();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("corpus")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let opts = casus_read::ReadOptions::default();
    for f in files {
        let raw = std::fs::read(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let doc = casus_read::read_bytes(&name, &raw, &opts).expect("read");
        let p = pipeline.process(doc);
        store.ingest(&p, &raw).expect("ingest");
    }
    let opts = casus_read::ReadOptions {
        format: casus_read::Format::from_name("text"),
        ..Default::default()
    };
    let doc = casus_read::read_bytes(HOSTILE_NAME, HOSTILE.as_bytes(), &opts).expect("read");
    let p = pipeline.process(doc);
    store.ingest(&p, HOSTILE.as_bytes()).expect("ingest");
    casus_serve::synth::synthesize(&store, events, claims, 0, 7).expect("synth");
    // One event whose evidence is the hostile document's script sentence.
    let (start, end, text): (i64, i64, String) = store
        .conn()
        .query_row(
            "SELECT s.start, s.end, s.text FROM sentences s JOIN documents d ON d.key = s.doc
             WHERE d.name = ?1 AND s.text LIKE '%<script>%'",
            [HOSTILE_NAME],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("hostile sentence");
    let doc_key: i64 = store
        .conn()
        .query_row(
            "SELECT key FROM documents WHERE name = ?1",
            [HOSTILE_NAME],
            |r| r.get(0),
        )
        .unwrap();
    let rec = serde_json::json!({
        "type": "ASSAULT", "mode": "artillery",
        "actor": {"id": "AZE", "name": "Azerbaijan <script>x</script>", "country": "AZE"},
        "recipient": {"id": "NKR", "name": "Artsakh <img src=x onerror=alert(1)>", "country": "NKR"},
        "date": {"value": "2020-10-03", "start": "2020-10-03", "end": "2020-10-03", "precision": "day"},
        "location": {"id": "stepanakert", "name": "Stepanakert", "lat": 39.8153, "lon": 46.7519},
        "claimed_by": null, "text": text,
    });
    store
        .conn()
        .execute(
            "INSERT INTO events (type, mode, actor_id, actor_country, recipient_id, recipient_country, date_start, date_end,
                place_id, lat, lon, text, shingles, record) VALUES ('ASSAULT', 'artillery', 'AZE', 'AZE', 'NKR', 'NKR', '2020-10-03', '2020-10-03',
                'stepanakert', 39.8153, 46.7519, ?1, X'', ?2)",
            rusqlite::params![text, rec.to_string()],
        )
        .unwrap();
    let id = store.conn().last_insert_rowid();
    store
        .conn()
        .execute(
            "INSERT INTO event_sources (event_id, doc, start, end) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![id, doc_key, start, end],
        )
        .unwrap();
    store
        .conn()
        .execute(
            "INSERT INTO events_fts (rowid, text) VALUES (?1, ?2)",
            rusqlite::params![id, text],
        )
        .unwrap();
    path.to_path_buf()
}

/// The shared test knowledge base (built once per test binary).
pub fn db() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let p = build(&dir.path().join("kb.db"), 400, 90);
        (dir, p)
    })
    .1
}

/// The hostile document's id.
pub fn hostile_id() -> String {
    let s = Store::open(db()).unwrap();
    s.conn()
        .query_row(
            "SELECT id FROM documents WHERE name = ?1",
            [HOSTILE_NAME],
            |r| r.get(0),
        )
        .unwrap()
}
