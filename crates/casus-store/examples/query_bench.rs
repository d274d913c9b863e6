//! Query latency on a synthetic knowledge base of many events.
//!
//! `cargo run --release -p casus-store --example query_bench -- [EVENTS] [DB]`
//! builds (once) a knowledge base of EVENTS synthetic events (default one
//! million) spread over actors, recipients, types, places and dates, then
//! times the main `casus events` filters and full-text search: p50 and p99
//! over repeated runs with varied arguments. (A knowledge base built by
//! an earlier version of this benchmark is reused as it is: remove it.)

use std::time::Instant;

use casus_store::{EventFilter, Store};
use rusqlite::params;

const ACTORS: &[&str] = &[
    "ARM", "AZE", "NKR", "RUS", "TUR", "USA", "FRA", "IRN", "GEO", "UN", "OSCE_MG", "EU", "ISR",
    "UKR", "GBR",
];
const TYPES: &[&str] = &[
    "ASSAULT", "ACCUSE", "REQUEST", "SUPPORT", "CONSULT", "REJECT", "AGREE", "SANCTION",
    "MOBILIZE", "COERCE", "RETREAT", "THREATEN",
];
const PLACES: &[&str] = &[
    "shusha",
    "stepanakert",
    "ganja",
    "hadrut",
    "fuzuli",
    "jabrayil",
    "lachin",
    "kalbajar",
    "agdam",
    "tartar",
    "martuni",
    "barda",
];
const WORDS: &[&str] = &[
    "shelled",
    "ceasefire",
    "artillery",
    "drone",
    "village",
    "condemned",
    "talks",
    "civilians",
    "positions",
    "border",
    "statement",
    "ministry",
    "forces",
    "attack",
    "humanitarian",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }
}

fn build(store: &Store, n: usize) -> rusqlite::Result<()> {
    let have: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    if have as usize >= n {
        return Ok(());
    }
    eprintln!("building {n} synthetic events…");
    let conn = store.conn();
    conn.execute(
        "INSERT OR IGNORE INTO documents (id, name, format, title, bytes, raw, clean, metadata, sections, warnings, references_json)
         VALUES ('synthetic', 'synthetic', 'text', 'synthetic', 0, NULL, '', '{}', '[]', '[]', '[]')",
        [],
    )?;
    conn.execute_batch("BEGIN")?;
    let mut rng = Rng(0x9e3779b97f4a7c15);
    {
        let mut ev = conn.prepare(
            "INSERT INTO events (type, mode, actor_id, actor_country, recipient_id, recipient_country, date_start, date_end, place_id, lat, lon, text, shingles, record)
             VALUES (?1, NULL, ?2, ?2, ?3, ?3, ?4, ?4, ?5, 39.8, 46.7, ?6, x'', ?7)",
        )?;
        let mut src = conn.prepare("INSERT INTO event_sources (event_id, doc, start, end) VALUES (?1, (SELECT key FROM documents WHERE id = 'synthetic'), ?2, ?3)")?;
        let mut fts = conn.prepare("INSERT INTO events_fts (rowid, text) VALUES (?1, ?2)")?;
        for i in (have as usize)..n {
            let (a, r, t, p) = (
                ACTORS[rng.next() % ACTORS.len()],
                ACTORS[rng.next() % ACTORS.len()],
                TYPES[rng.next() % TYPES.len()],
                PLACES[rng.next() % PLACES.len()],
            );
            let day = format!(
                "{}-{:02}-{:02}",
                1988 + rng.next() % 36,
                1 + rng.next() % 12,
                1 + rng.next() % 28
            );
            // A 500-word vocabulary: each real word is in about 2% of events.
            let text: Vec<String> = (0..12)
                .map(|_| {
                    let w = rng.next() % 500;
                    if w < WORDS.len() {
                        WORDS[w].to_string()
                    } else {
                        format!("w{w}")
                    }
                })
                .collect();
            let mut text = text.join(" ");
            // And one word in four events of five, as "the" is in text.
            if !rng.next().is_multiple_of(5) {
                text.push_str(" the");
            }
            let record = serde_json::json!({"type": t, "actor": {"id": a}, "recipient": {"id": r}, "date": {"value": day, "start": day, "end": day}, "location": {"id": p}, "text": text});
            ev.execute(params![t, a, r, day, p, text, record.to_string()])?;
            let id = conn.last_insert_rowid();
            src.execute(params![id, (i * 100) as i64, (i * 100 + 90) as i64])?;
            fts.execute(params![id, text])?;
        }
    }
    conn.execute_batch("COMMIT; ANALYZE;")?;
    Ok(())
}

fn time(name: &str, runs: usize, mut f: impl FnMut(usize) -> usize) {
    let mut ms: Vec<f64> = Vec::with_capacity(runs);
    let mut rows = 0;
    for i in 0..runs {
        let t = Instant::now();
        rows += f(i);
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    let p = |q: f64| ms[((ms.len() as f64 * q) as usize).min(ms.len() - 1)];
    println!(
        "{name:<44} p50 {:>7.2} ms  p99 {:>7.2} ms  ({} rows/query)",
        p(0.5),
        p(0.99),
        rows / runs
    );
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let path = std::env::args()
        .nth(2)
        .unwrap_or_else(|| format!("target/query-bench-{n}.db"));
    let store = Store::open(std::path::Path::new(&path)).expect("open the bench knowledge base");
    let t = Instant::now();
    build(&store, n).expect("build synthetic events");
    eprintln!(
        "knowledge base ready in {:.1}s: {path}",
        t.elapsed().as_secs_f64()
    );
    let runs = 200;
    let page = Some(50);
    time("events (first page, no filter)", runs, |_| {
        store
            .events(&EventFilter {
                limit: page,
                ..Default::default()
            })
            .unwrap()
            .len()
    });
    time("events --actor", runs, |i| {
        store
            .events(&EventFilter {
                actor: Some(ACTORS[i % ACTORS.len()].into()),
                limit: page,
                ..Default::default()
            })
            .unwrap()
            .len()
    });
    time("events --actor --type", runs, |i| {
        let f = EventFilter {
            actor: Some(ACTORS[i % ACTORS.len()].into()),
            kind: Some(TYPES[i % TYPES.len()].into()),
            limit: page,
            ..Default::default()
        };
        store.events(&f).unwrap().len()
    });
    time("events --recipient --from --to (1 year)", runs, |i| {
        let y = 1990 + i % 30;
        let f = EventFilter {
            recipient: Some(ACTORS[i % ACTORS.len()].into()),
            from: Some(format!("{y}-01-01")),
            to: Some(format!("{y}-12-31")),
            limit: page,
            ..Default::default()
        };
        store.events(&f).unwrap().len()
    });
    time("events --place", runs, |i| {
        store
            .events(&EventFilter {
                place: Some(PLACES[i % PLACES.len()].into()),
                limit: page,
                ..Default::default()
            })
            .unwrap()
            .len()
    });
    time("events --from --to (1 month)", runs, |i| {
        let (y, m) = (1990 + i % 30, 1 + i % 12);
        let f = EventFilter {
            from: Some(format!("{y}-{m:02}-01")),
            to: Some(format!("{y}-{m:02}-28")),
            limit: page,
            ..Default::default()
        };
        store.events(&f).unwrap().len()
    });
    time("events --q (full text)", runs, |i| {
        store
            .events(&EventFilter {
                q: Some(WORDS[i % WORDS.len()].into()),
                limit: page,
                ..Default::default()
            })
            .unwrap()
            .len()
    });
    time("events --q (a word in 80% of events)", runs, |i| {
        store
            .events(&EventFilter {
                q: Some("the".into()),
                offset: Some(i % 50),
                limit: page,
                ..Default::default()
            })
            .unwrap()
            .len()
    });
    time("count_events --q (a word in 80% of events)", runs, |_| {
        let f = EventFilter {
            q: Some("the".into()),
            ..Default::default()
        };
        store.count_events(&f).unwrap() as usize
    });
    time("events --actor --q", runs, |i| {
        let f = EventFilter {
            actor: Some(ACTORS[i % ACTORS.len()].into()),
            q: Some(format!(
                "{} {}",
                WORDS[i % WORDS.len()],
                WORDS[(i + 3) % WORDS.len()]
            )),
            limit: page,
            ..Default::default()
        };
        store.events(&f).unwrap().len()
    });
    time("count_events --actor --type", runs, |i| {
        let f = EventFilter {
            actor: Some(ACTORS[i % ACTORS.len()].into()),
            kind: Some(TYPES[i % TYPES.len()].into()),
            ..Default::default()
        };
        store.count_events(&f).unwrap() as usize
    });
}
