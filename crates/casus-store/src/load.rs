//! Loading extracted records: the reduce side of `casus extract --stdin`.
//!
//! Shards of `casus extract` output (JSON lines; each document's records
//! follow its `document` record) are merged into the knowledge base. Facts
//! go through the same near-duplicate merging as ingest, so the same
//! statement in several shards is one fact with several sources. Raw bytes
//! are not in the records; such documents keep their sentences, spans and
//! facts, and have no raw text.

use serde_json::Value;

use crate::annotations::{Annotations, NewMention, NewTimex};
use crate::{facts, Ingested, Prepared, Result, SentenceRow, Store, StoreError};

fn text<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn owned(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn span(v: &Value) -> [i64; 2] {
    [
        v["span"][0].as_i64().unwrap_or(0),
        v["span"][1].as_i64().unwrap_or(0),
    ]
}

/// The records of `kind` among `records`.
fn of_kind<'a>(records: &'a [Value], kind: &'a str) -> impl Iterator<Item = &'a Value> {
    records
        .iter()
        .filter(move |r| text(r, "kind") == Some(kind))
}

impl Prepared {
    /// A document prepared from its extracted records (its `document`
    /// record first). The clean text is rebuilt from the sentences, one a
    /// line.
    pub fn from_records(records: &[Value]) -> Result<Prepared> {
        let Some(doc) = records
            .first()
            .filter(|r| text(r, "kind") == Some("document"))
        else {
            return Err(StoreError::Load(
                "a document's records must start with its document record".into(),
            ));
        };
        let id =
            text(doc, "id").ok_or_else(|| StoreError::Load("document record without id".into()))?;
        let mut clean = String::new();
        let mut sentences = Vec::new();
        for s in of_kind(records, "sentence") {
            if !clean.is_empty() {
                clean.push('\n');
            }
            let t = text(s, "text").unwrap_or("");
            let [a, b] = span(s);
            sentences.push(SentenceRow {
                raw: (a, b),
                clean: (clean.len(), clean.len() + t.len()),
                kind: text(s, "block").unwrap_or("text").to_string(),
                section: owned(&s["section"]),
            });
            clean.push_str(t);
        }
        let mut annotations = Annotations {
            mentions: of_kind(records, "mention")
                .map(|m| {
                    let e = &m["entity"];
                    NewMention {
                        span: span(m),
                        text: text(m, "text").unwrap_or(""),
                        entity_id: e["id"].as_str().unwrap_or("?"),
                        entity_type: e["type"].as_str().unwrap_or("?"),
                        name: e["name"].as_str().unwrap_or("?"),
                        country: e["country"].as_str(),
                        sector: e["sector"].as_str(),
                        person_id: m["person"]["id"].as_str(),
                    }
                })
                .collect(),
            timexes: of_kind(records, "timex")
                .map(|t| NewTimex {
                    span: span(t),
                    text: text(t, "text").unwrap_or(""),
                    kind: text(t, "type").unwrap_or("DATE").to_string(),
                    value: text(t, "value").unwrap_or(""),
                    modifier: t["mod"].as_str(),
                    date_start: t["date"]["start"].as_str(),
                    date_end: t["date"]["end"].as_str(),
                })
                .collect(),
            removed: Vec::new(),
        };
        annotations.sort();
        let facts = facts::prepare(
            records
                .iter()
                .filter(|r| matches!(text(r, "kind"), Some("event" | "claim")))
                .cloned()
                .collect(),
        )?;
        let json = |k: &str, empty: &str| doc.get(k).map_or(empty.to_string(), Value::to_string);
        Ok(Prepared {
            id: id.to_string(),
            name: text(doc, "doc").unwrap_or(id).to_string(),
            format: text(doc, "format").unwrap_or("text").to_string(),
            title: owned(&doc["title"]),
            bytes: doc["bytes"].as_i64().unwrap_or(0),
            clean,
            metadata: json("metadata", "{}"),
            sections: json("sections", "[]"),
            warnings: json("warnings", "[]"),
            references: "[]".to_string(),
            doc_date: None,
            sentences,
            annotations: annotations.pack()?,
            facts,
        })
    }
}

impl Store {
    /// Stores one document's records (its `document` record first), in one
    /// transaction. A document already stored (same content id) is skipped.
    pub fn load_document(&mut self, records: &[Value]) -> Result<Ingested> {
        let d = Prepared::from_records(records)?;
        Ok(self.ingest_prepared(&[(&d, None)])?[0])
    }
}
