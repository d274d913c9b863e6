//! Loading extracted records: the reduce side of `casus extract --stdin`.
//!
//! Shards of `casus extract` output (JSON lines; each document's records
//! follow its `document` record) are merged into the knowledge base. Facts
//! go through the same near-duplicate merging as ingest, so the same
//! statement in several shards is one fact with several sources. Raw bytes
//! are not in the records; such documents keep their sentences, spans and
//! facts, and have no raw text.

use rusqlite::params;
use serde_json::Value;

use crate::{facts, Ingested, Result, Store};

fn text<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn span(v: &Value) -> (i64, i64) {
    (
        v["span"][0].as_i64().unwrap_or(0),
        v["span"][1].as_i64().unwrap_or(0),
    )
}

impl Store {
    /// Stores one document's records (its `document` record first), in one
    /// transaction. A document already stored (same content id) is skipped.
    pub fn load_document(&mut self, records: &[Value]) -> Result<Ingested> {
        let Some(doc) = records
            .first()
            .filter(|r| text(r, "kind") == Some("document"))
        else {
            return Err(crate::StoreError::Load(
                "a document's records must start with its document record".into(),
            ));
        };
        let id = text(doc, "id")
            .ok_or_else(|| crate::StoreError::Load("document record without id".into()))?;
        let tx = self.conn.transaction()?;
        let pending = crate::fts::Pending::begin(&tx)?;
        let exists: bool =
            tx.query_row("SELECT count(*) FROM documents WHERE id = ?1", [id], |r| {
                r.get::<_, i64>(0)
            })? > 0;
        if exists {
            return Ok(Ingested::Duplicate);
        }
        let sentences: Vec<&Value> = records
            .iter()
            .filter(|r| text(r, "kind") == Some("sentence"))
            .collect();
        let mut clean = String::new();
        let mut clean_spans = Vec::with_capacity(sentences.len());
        for s in &sentences {
            if !clean.is_empty() {
                clean.push('\n');
            }
            let t = text(s, "text").unwrap_or("");
            clean_spans.push((clean.len(), clean.len() + t.len()));
            clean.push_str(t);
        }
        tx.execute(
            "INSERT INTO documents (id, name, format, title, bytes, raw, clean, metadata, sections, warnings, references_json, doc_date)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8, ?9, '[]', NULL)",
            params![
                id,
                text(doc, "doc").unwrap_or(id),
                text(doc, "format").unwrap_or("text"),
                text(doc, "title"),
                doc["bytes"].as_i64().unwrap_or(0),
                clean,
                doc.get("metadata").map_or("{}".to_string(), Value::to_string),
                doc.get("sections").map_or("[]".to_string(), Value::to_string),
                doc.get("warnings").map_or("[]".to_string(), Value::to_string),
            ],
        )?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO sentences (doc_id, idx, start, end, clean_start, clean_end, kind, section, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for (i, (s, (cs, ce))) in sentences.iter().zip(&clean_spans).enumerate() {
                let (a, b) = span(s);
                let t = text(s, "text").unwrap_or("");
                st.execute(params![
                    id,
                    i as i64,
                    a,
                    b,
                    *cs as i64,
                    *ce as i64,
                    text(s, "block").unwrap_or("text"),
                    text(s, "section"),
                    t
                ])?;
            }
        }
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO timexes (doc_id, start, end, text, type, value, mod, date_start, date_end) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for t in records.iter().filter(|r| text(r, "kind") == Some("timex")) {
                let (a, b) = span(t);
                st.execute(params![
                    id,
                    a,
                    b,
                    text(t, "text").unwrap_or(""),
                    text(t, "type").unwrap_or("DATE"),
                    text(t, "value").unwrap_or(""),
                    text(t, "mod"),
                    t["date"]["start"].as_str(),
                    t["date"]["end"].as_str(),
                ])?;
            }
        }
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO mentions (doc_id, start, end, text, entity_id, entity_type, name, country, sector, person_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for m in records
                .iter()
                .filter(|r| text(r, "kind") == Some("mention"))
            {
                let (a, b) = span(m);
                let e = &m["entity"];
                st.execute(params![
                    id,
                    a,
                    b,
                    text(m, "text").unwrap_or(""),
                    e["id"].as_str().unwrap_or("?"),
                    e["type"].as_str().unwrap_or("?"),
                    e["name"].as_str().unwrap_or("?"),
                    e["country"].as_str(),
                    e["sector"].as_str(),
                    m["person"]["id"].as_str(),
                ])?;
            }
        }
        let fact_records: Vec<Value> = records
            .iter()
            .filter(|r| matches!(text(r, "kind"), Some("event" | "claim")))
            .cloned()
            .collect();
        facts::write_facts(&tx, id, &facts::prepare(fact_records)?)?;
        pending.finish(&tx)?;
        tx.commit()?;
        Ok(Ingested::New)
    }
}
