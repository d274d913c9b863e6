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
    let (kind, actor, recipient) = (
        s(r, &["type"]),
        s(r, &["actor", "id"]),
        s(r, &["recipient", "id"]),
    );
    let key_sql = "f.type IS ?1 AND f.actor_id IS ?2 AND f.recipient_id IS ?3";
    if let Some(id) = find_duplicate(
        tx,
        "event",
        key_sql,
        &[&kind, &actor, &recipient],
        &fp,
        |stored| same_event(stored, r),
    )? {
        tx.execute(
            "INSERT OR IGNORE INTO event_sources (event_id, doc_id, start, end) VALUES (?1, ?2, ?3, ?4)",
            params![id, doc_id, start, end],
        )?;
        if is_first_source(tx, "event", id, doc_id, start)? {
            let record = fact_record(r);
            // The full-text index forgets the old evidence before it changes.
            tx.execute(
                "INSERT INTO events_fts (events_fts, rowid, text) VALUES ('delete', ?1, (SELECT text FROM events WHERE id = ?1))",
                params![id],
            )?;
            tx.execute(
                "UPDATE events SET date_start = ?2, date_end = ?3, place_id = ?4, lat = ?5, lon = ?6, text = ?7, shingles = ?8, record = ?9 WHERE id = ?1",
                params![
                    id,
                    s(r, &["date", "start"]),
                    s(r, &["date", "end"]),
                    s(r, &["location", "id"]),
                    f(r, &["location", "lat"]),
                    f(r, &["location", "lon"]),
                    text,
                    fp.to_bytes(),
                    serde_json::to_string(&record)?,
                ],
            )?;
            tx.execute(
                "INSERT INTO events_fts (rowid, text) VALUES (?1, ?2)",
                params![id, text],
            )?;
            add_bands(tx, "event", id, &fp)?;
        }
        return Ok(());
    }
    let record = fact_record(r);
    tx.execute(
        "INSERT INTO events (type, mode, actor_id, actor_country, actor_sector, recipient_id, recipient_country,
            date_start, date_end, place_id, lat, lon, claimed_by, text, shingles, record)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
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
            fp.to_bytes(),
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
    let (category, subject, low) = (
        s(r, &["category"]),
        s(r, &["subject"]),
        r["value"]["low"].as_i64(),
    );
    let key_sql = "f.category IS ?1 AND f.subject IS ?2 AND f.low IS ?3";
    if let Some(id) = find_duplicate(
        tx,
        "claim",
        key_sql,
        &[&category, &subject, &low],
        &fp,
        |stored| same_claim(stored, r),
    )? {
        tx.execute(
            "INSERT OR IGNORE INTO claim_sources (claim_id, doc_id, start, end) VALUES (?1, ?2, ?3, ?4)",
            params![id, doc_id, start, end],
        )?;
        if is_first_source(tx, "claim", id, doc_id, start)? {
            let record = fact_record(r);
            tx.execute(
                "UPDATE claims SET date_start = ?2, date_end = ?3, text = ?4, shingles = ?5, record = ?6 WHERE id = ?1",
                params![id, s(r, &["date", "start"]), s(r, &["date", "end"]), text, fp.to_bytes(), serde_json::to_string(&record)?],
            )?;
            add_bands(tx, "claim", id, &fp)?;
        }
        return Ok(());
    }
    let record = fact_record(r);
    tx.execute(
        "INSERT INTO claims (category, population, item, subject, claimant, low, high, date_start, date_end, text, shingles, record)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
            fp.to_bytes(),
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

/// Whether `(doc_id, start)` is now the first of the fact's sources: the
/// canonical record of a fact is the one its first source states, so the
/// knowledge base does not depend on the order documents arrive in.
fn is_first_source(
    tx: &Transaction,
    kind: &str,
    id: i64,
    doc_id: &str,
    start: i64,
) -> Result<bool> {
    let sql = format!("SELECT doc_id, start FROM {kind}_sources WHERE {kind}_id = ?1 ORDER BY doc_id, start LIMIT 1");
    let (d, s): (String, i64) = tx
        .prepare_cached(&sql)?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(d == doc_id && s == start)
}

fn add_bands(tx: &Transaction, kind: &str, id: i64, fp: &Fingerprint) -> Result<()> {
    let mut st = tx.prepare_cached(&format!(
        "INSERT INTO {kind}_bands (band, {kind}_id) VALUES (?1, ?2)"
    ))?;
    for b in fp.bands() {
        st.execute(params![b as i64, id])?;
    }
    Ok(())
}

/// A stored fact whose evidence is a near duplicate of `fp` and whose
/// record satisfies `same`. `key_sql` narrows the candidates in SQL (the
/// fact's identifying columns) before shingles are compared.
fn find_duplicate(
    tx: &Transaction,
    kind: &str,
    key_sql: &str,
    key: &[&dyn rusqlite::ToSql],
    fp: &Fingerprint,
    same: impl Fn(&Value) -> bool,
) -> Result<Option<i64>> {
    let bands: Vec<i64> = fp.bands().map(|b| b as i64).collect();
    let marks: Vec<String> = (0..bands.len())
        .map(|i| format!("?{}", i + 1 + key.len()))
        .collect();
    // Drive the lookup from the band index: few rows share a band.
    let sql = format!(
        "SELECT DISTINCT f.id, f.shingles, f.record FROM {kind}_bands b CROSS JOIN {kind}s f ON f.id = b.{kind}_id
         WHERE b.band IN ({}) AND {key_sql}",
        marks.join(", ")
    );
    let mut st = tx.prepare_cached(&sql)?;
    let mut args: Vec<&dyn rusqlite::ToSql> = key.to_vec();
    args.extend(bands.iter().map(|b| b as &dyn rusqlite::ToSql));
    let mut best: Option<(i64, f64)> = None;
    let mut rows = st.query(args.as_slice())?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let shingles: Vec<u8> = r.get(1)?;
        let sim = fp.similarity_to_bytes(&shingles);
        if sim >= SAME_STATEMENT && best.is_none_or(|(_, b)| sim > b) {
            let stored: Value = serde_json::from_str(&r.get::<_, String>(2)?)?;
            if same(&stored) {
                best = Some((id, sim));
            }
        }
    }
    Ok(best.map(|(id, _)| id))
}
