//! Events and claims in the knowledge base: written once per statement,
//! with every `(document, span)` that states it.
//!
//! A new event joins an existing one when both have the same type, mode,
//! actor, recipient and reporting side, and their evidence sentences are
//! near duplicates ([`casus_pipeline::sources`]); claims join on category,
//! population, item, subject, claimant and value. Candidates are found
//! through the MinHash bands stored beside each fact.

use casus_pipeline::sources::{Fingerprint, SAME_STATEMENT};
use rusqlite::{params, Transaction};
use serde_json::Value;

use crate::Result;

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

fn f(v: &Value, path: &[&str]) -> Option<f64> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_f64()
}

fn span(v: &Value) -> (i64, i64) {
    let a = v["span"][0].as_i64().unwrap_or(0);
    let b = v["span"][1].as_i64().unwrap_or(a);
    (a, b)
}

/// The record without the fields that belong to one source.
fn fact_record(v: &Value) -> Value {
    let mut r = v.clone();
    if let Some(o) = r.as_object_mut() {
        for k in ["doc", "span", "sources", "kind"] {
            o.remove(k);
        }
    }
    r
}

/// Writes the `event` and `claim` records of one document.
pub(crate) fn write_facts(tx: &Transaction, doc_id: &str, records: &[Value]) -> Result<()> {
    for r in records {
        match r.get("kind").and_then(Value::as_str) {
            Some("event") => write_event(tx, doc_id, r)?,
            Some("claim") => write_claim(tx, doc_id, r)?,
            _ => {}
        }
    }
    Ok(())
}

fn same_event(a: &Value, b: &Value) -> bool {
    let key = |v: &Value| {
        (
            s(v, &["type"]).map(str::to_string),
            s(v, &["mode"]).map(str::to_string),
            s(v, &["actor", "id"]).map(str::to_string),
            s(v, &["recipient", "id"]).map(str::to_string),
            s(v, &["claimed_by"]).map(str::to_string),
        )
    };
    key(a) == key(b)
}

fn write_event(tx: &Transaction, doc_id: &str, r: &Value) -> Result<()> {
    let text = s(r, &["text"]).unwrap_or("");
    let fp = Fingerprint::of(text);
    let (start, end) = span(r);
    if let Some(id) = find_duplicate(tx, "event", &fp, |stored| same_event(stored, r))? {
        tx.execute(
            "INSERT OR IGNORE INTO event_sources (event_id, doc_id, start, end) VALUES (?1, ?2, ?3, ?4)",
            params![id, doc_id, start, end],
        )?;
        return Ok(());
    }
    let record = fact_record(r);
    tx.execute(
        "INSERT INTO events (type, mode, actor_id, actor_country, actor_sector, recipient_id, recipient_country,
            date_start, date_end, place_id, lat, lon, claimed_by, text, record)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            s(r, &["type"]).unwrap_or("?"),
            s(r, &["mode"]),
            s(r, &["actor", "id"]),
            s(r, &["actor", "country"]).or(s(r, &["actor", "id"])),
            s(r, &["actor", "sector"]),
            s(r, &["recipient", "id"]),
            s(r, &["recipient", "country"]).or(s(r, &["recipient", "id"])),
            s(r, &["date", "start"]),
            s(r, &["date", "end"]),
            s(r, &["location", "id"]),
            f(r, &["location", "lat"]),
            f(r, &["location", "lon"]),
            s(r, &["claimed_by"]),
            text,
            serde_json::to_string(&record)?,
        ],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO events_fts (rowid, text) VALUES (?1, ?2)",
        params![id, text],
    )?;
    tx.execute(
        "INSERT INTO event_sources (event_id, doc_id, start, end) VALUES (?1, ?2, ?3, ?4)",
        params![id, doc_id, start, end],
    )?;
    let mut st = tx.prepare_cached("INSERT INTO event_bands (band, event_id) VALUES (?1, ?2)")?;
    for b in fp.bands() {
        st.execute(params![b as i64, id])?;
    }
    Ok(())
}

fn same_claim(a: &Value, b: &Value) -> bool {
    let key = |v: &Value| {
        (
            s(v, &["category"]).map(str::to_string),
            s(v, &["population"]).map(str::to_string),
            s(v, &["item"]).map(str::to_string),
            s(v, &["subject"]).map(str::to_string),
            s(v, &["claimant"]).map(str::to_string),
            v["value"]["low"].as_i64(),
            v["value"]["high"].as_i64(),
        )
    };
    key(a) == key(b)
}

fn write_claim(tx: &Transaction, doc_id: &str, r: &Value) -> Result<()> {
    let text = s(r, &["text"]).unwrap_or("");
    let fp = Fingerprint::of(text);
    let (start, end) = span(r);
    if let Some(id) = find_duplicate(tx, "claim", &fp, |stored| same_claim(stored, r))? {
        tx.execute(
            "INSERT OR IGNORE INTO claim_sources (claim_id, doc_id, start, end) VALUES (?1, ?2, ?3, ?4)",
            params![id, doc_id, start, end],
        )?;
        return Ok(());
    }
    let record = fact_record(r);
    tx.execute(
        "INSERT INTO claims (category, population, item, subject, claimant, low, high, date_start, date_end, text, record)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            s(r, &["category"]).unwrap_or("?"),
            s(r, &["population"]),
            s(r, &["item"]),
            s(r, &["subject"]),
            s(r, &["claimant"]),
            r["value"]["low"].as_i64(),
            r["value"]["high"].as_i64(),
            s(r, &["date", "start"]),
            s(r, &["date", "end"]),
            text,
            serde_json::to_string(&record)?,
        ],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO claim_sources (claim_id, doc_id, start, end) VALUES (?1, ?2, ?3, ?4)",
        params![id, doc_id, start, end],
    )?;
    let mut st = tx.prepare_cached("INSERT INTO claim_bands (band, claim_id) VALUES (?1, ?2)")?;
    for b in fp.bands() {
        st.execute(params![b as i64, id])?;
    }
    Ok(())
}

/// A stored fact of `kind` whose evidence is a near duplicate of `fp` and
/// whose record satisfies `same`.
fn find_duplicate(
    tx: &Transaction,
    kind: &str,
    fp: &Fingerprint,
    same: impl Fn(&Value) -> bool,
) -> Result<Option<i64>> {
    let sql = format!(
        "SELECT DISTINCT f.id, f.text, f.record FROM {kind}_bands b JOIN {kind}s f ON f.id = b.{kind}_id WHERE b.band = ?1"
    );
    let mut st = tx.prepare_cached(&sql)?;
    let mut best: Option<(i64, f64)> = None;
    for band in fp.bands() {
        let rows = st.query_map([band as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, text, record) = row?;
            if best.is_some_and(|(b, _)| b == id) {
                continue;
            }
            let sim = Fingerprint::of(&text).similarity(fp);
            if sim >= SAME_STATEMENT && best.is_none_or(|(_, b)| sim > b) {
                let stored: Value = serde_json::from_str(&record)?;
                if same(&stored) {
                    best = Some((id, sim));
                }
            }
        }
    }
    Ok(best.map(|(id, _)| id))
}
