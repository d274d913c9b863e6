//! The JSON records of `casus extract --format jsonl`: one per line, each
//! with `kind`, `doc` (the file name as given) and `span` (raw byte offsets,
//! half-open).

use serde_json::{json, Map, Value};

use crate::Processed;

/// One output record.
pub type Record = Value;

/// Every record of a processed document, in order: the document, then its
/// sentences, temporal expressions and mentions.
pub fn records(p: &Processed) -> Vec<Record> {
    let mut out = Vec::with_capacity(1 + p.sentences.len() + p.timexes.len() + p.mentions.len());
    out.push(document_record(p));
    let name = &p.doc.name;
    for s in &p.sentences {
        let span = p.raw(s.start, s.end);
        let section = p.doc.section_at(s.start).map(|sec| sec.title.clone());
        let cites: Vec<&str> = p
            .doc
            .citations_in(casus_read::Span::new(s.start, s.end))
            .map(|c| c.label.as_str())
            .filter(|l| !l.is_empty())
            .collect();
        let mut r = json!({
            "kind": "sentence", "doc": name, "span": [span.start, span.end],
            "text": &p.doc.clean[s.start..s.end], "section": section, "block": s.kind,
        });
        if !cites.is_empty() {
            r["citations"] = json!(cites);
        }
        out.push(r);
    }
    for t in &p.timexes {
        let span = p.raw(t.start, t.end);
        out.push(kinded(
            "timex",
            name,
            span,
            serde_json::to_value(t).unwrap_or_default(),
        ));
    }
    out.extend(fact_records(p));
    for m in &p.mentions {
        let span = p.raw(m.start, m.end);
        out.push(kinded(
            "mention",
            name,
            span,
            serde_json::to_value(m).unwrap_or_default(),
        ));
    }
    out
}

/// The `event` and `claim` records of a processed document. Each carries
/// its evidence as `text` (the clean sentence or clause it was coded from).
pub fn fact_records(p: &Processed) -> Vec<Record> {
    let name = &p.doc.name;
    let mut out = Vec::with_capacity(p.events.len() + p.claims.len());
    let mut push = |kind: &str, start: usize, end: usize, body: Value| {
        let span = p.raw(start, end);
        let mut r = kinded(kind, name, span, body);
        if let Some(o) = r.as_object_mut() {
            o.insert(
                "text".into(),
                json!(p.doc.clean.get(start..end).unwrap_or("")),
            );
        }
        out.push(r);
    };
    for e in &p.events {
        push(
            "event",
            e.start,
            e.end,
            serde_json::to_value(e).unwrap_or_default(),
        );
    }
    for c in &p.claims {
        push(
            "claim",
            c.start,
            c.end,
            serde_json::to_value(c).unwrap_or_default(),
        );
    }
    out
}

/// `candidate` records: capitalised names the knowledge base does not know,
/// with a guess of their type, so that it can grow.
pub fn candidate_records(p: &Processed, gazetteer: &casus_entities::Gazetteer) -> Vec<Record> {
    gazetteer
        .candidates(&p.doc.clean, &p.mentions)
        .into_iter()
        .map(|c| {
            let span = p.raw(c.start, c.end);
            json!({"kind": "candidate", "doc": p.doc.name, "span": [span.start, span.end], "text": c.text,
                   "guess": c.guess, "in_citation": c.in_citation})
        })
        .collect()
}

/// Puts `kind`, `doc` and `span` first, then the fields of `body`.
pub fn with_kind(kind: &str, doc: &str, span: casus_read::Span, body: Value) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), json!(kind));
    m.insert("doc".into(), json!(doc));
    m.insert("span".into(), json!([span.start, span.end]));
    if let Value::Object(o) = body {
        for (k, v) in o {
            m.entry(k).or_insert(v);
        }
    }
    Value::Object(m)
}

/// [`with_kind`] without `start` and `end`, built in the map of `body`
/// itself rather than copied into a new one: `kind`, `doc` and `span`
/// replace any fields of those names, as they do in [`with_kind`].
fn kinded(kind: &str, doc: &str, span: casus_read::Span, body: Value) -> Value {
    match body {
        Value::Object(mut o) => {
            o.remove("start");
            o.remove("end");
            o.insert("kind".into(), Value::String(kind.to_string()));
            o.insert("doc".into(), Value::String(doc.to_string()));
            o.insert("span".into(), json!([span.start, span.end]));
            Value::Object(o)
        }
        body => {
            let mut r = with_kind(kind, doc, span, body);
            if let Some(o) = r.as_object_mut() {
                o.remove("start");
                o.remove("end");
            }
            r
        }
    }
}

/// The `document` record: metadata, sections, what cleaning removed.
pub fn document_record(p: &Processed) -> Record {
    let d = &p.doc;
    let sections: Vec<Value> = d
        .sections
        .iter()
        .map(|s| json!({"title": s.title, "level": s.level, "span": [s.raw.start, s.raw.end]}))
        .collect();
    let mut removed: std::collections::BTreeMap<String, usize> = Default::default();
    for r in &d.removed {
        let k = serde_json::to_value(r.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *removed.entry(k).or_default() += r.raw.len();
    }
    json!({
        "kind": "document", "doc": d.name, "id": d.id, "format": d.format, "title": d.title,
        "bytes": d.raw_len, "clean_bytes": d.clean.len(), "sections": sections, "metadata": d.metadata,
        "sentences": p.sentences.len(), "citations": d.citations.len(), "references": d.references.len(),
        "removed_bytes": removed, "warnings": d.warnings,
    })
}
