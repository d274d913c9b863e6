//! Per-document annotations: the mentions, temporal expressions and
//! removed spans of one document, stored as one row.
//!
//! They are read a document at a time (the annotated text, the spans API)
//! and never queried one by one, so a document's annotations are one JSON
//! row ([`crate::migrations`], version 3) instead of a row each: a
//! thousandth of the rows and index entries to write. Who is mentioned
//! where stays queryable through `entity_mentions` (counts per entity and
//! document) and `entities` (each entity's kind and name, once, and its
//! mentions in all).

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use crate::{Result, Store};

/// A mention as stored, with its entity's kind and name.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MentionRow {
    pub span: [i64; 2],
    pub text: String,
    pub entity_id: String,
    pub entity_type: String,
    pub name: String,
    pub country: Option<String>,
    pub sector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
}

/// A temporal expression as stored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TimexRow {
    pub span: [i64; 2],
    pub text: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modifier: Option<String>,
    pub date_start: Option<String>,
    pub date_end: Option<String>,
}

/// A span cleaning removed from the raw file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RemovedRow {
    pub kind: String,
    pub span: [i64; 2],
}

/// A mention to store, its strings borrowed from whatever found it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewMention<'a> {
    pub span: [i64; 2],
    pub text: &'a str,
    pub entity_id: &'a str,
    pub entity_type: &'a str,
    pub name: &'a str,
    pub country: Option<&'a str>,
    pub sector: Option<&'a str>,
    pub person_id: Option<&'a str>,
}

/// A temporal expression to store, its strings borrowed.
#[derive(Debug, Clone)]
pub(crate) struct NewTimex<'a> {
    pub span: [i64; 2],
    pub text: &'a str,
    pub kind: String,
    pub value: &'a str,
    pub modifier: Option<&'a str>,
    pub date_start: Option<&'a str>,
    pub date_end: Option<&'a str>,
}

/// A document's annotations, ready to be written.
#[derive(Debug, Default)]
pub(crate) struct Annotations<'a> {
    pub mentions: Vec<NewMention<'a>>,
    pub timexes: Vec<NewTimex<'a>>,
    pub removed: Vec<RemovedRow>,
}

/// The stored form of a mention: `[start, end, text, entity_id, person_id]`.
type PackedMention<'a> = (i64, i64, &'a str, &'a str, Option<&'a str>);
/// `[start, end, text, type, value, mod, date_start, date_end]`.
type PackedTimex<'a> = (
    i64,
    i64,
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);
/// `[kind, start, end]`.
type PackedRemoved<'a> = (&'a str, i64, i64);

impl Annotations<'_> {
    /// Puts each kind in span order, as it is stored and read.
    pub(crate) fn sort(&mut self) {
        self.mentions.sort_by_key(|m| m.span);
        self.timexes.sort_by_key(|t| t.span);
        self.removed.sort_by_key(|r| r.span);
    }

    /// The annotations as their row stores them, and the mention count of
    /// each entity: computed before the writer (in parallel), so that it
    /// only inserts.
    pub(crate) fn pack(&self) -> Result<Packed> {
        let mentions: Vec<PackedMention> = self
            .mentions
            .iter()
            .map(|m| (m.span[0], m.span[1], m.text, m.entity_id, m.person_id))
            .collect();
        let timexes: Vec<PackedTimex> = self
            .timexes
            .iter()
            .map(|t| {
                (
                    t.span[0],
                    t.span[1],
                    t.text,
                    t.kind.as_str(),
                    t.value,
                    t.modifier,
                    t.date_start,
                    t.date_end,
                )
            })
            .collect();
        let removed: Vec<PackedRemoved> = self
            .removed
            .iter()
            .map(|r| (r.kind.as_str(), r.span[0], r.span[1]))
            .collect();
        // Counts by entity, in first-mention order (deterministic rows).
        let mut entities: Vec<EntityCount> = Vec::new();
        let mut at: HashMap<&str, usize> = HashMap::new();
        for m in &self.mentions {
            match at.get(m.entity_id) {
                Some(&i) => entities[i].count += 1,
                None => {
                    at.insert(m.entity_id, entities.len());
                    entities.push(EntityCount {
                        id: m.entity_id.to_string(),
                        kind: m.entity_type.to_string(),
                        name: m.name.to_string(),
                        country: m.country.map(str::to_string),
                        sector: m.sector.map(str::to_string),
                        count: 1,
                    });
                }
            }
        }
        Ok(Packed {
            mention_count: self.mentions.len() as i64,
            timex_count: self.timexes.len() as i64,
            mentions: serde_json::to_string(&mentions)?,
            timexes: serde_json::to_string(&timexes)?,
            removed: serde_json::to_string(&removed)?,
            entities,
        })
    }
}

/// A document's annotations as stored ([`Annotations::pack`]).
#[derive(Debug, Default)]
pub(crate) struct Packed {
    mention_count: i64,
    timex_count: i64,
    mentions: String,
    timexes: String,
    removed: String,
    entities: Vec<EntityCount>,
}

/// An entity a document mentions, and how often.
#[derive(Debug)]
struct EntityCount {
    id: String,
    kind: String,
    name: String,
    country: Option<String>,
    sector: Option<String>,
    count: i64,
}

impl Packed {
    /// Writes the annotations of document `doc` (its key) and its mention
    /// counts by entity, and adds those counts to `totals`, which the
    /// transaction writes to `entities` once at its end.
    pub(crate) fn write<'a>(
        &'a self,
        tx: &Transaction,
        doc: i64,
        totals: &mut EntityTotals<'a>,
    ) -> Result<()> {
        tx.prepare_cached(
            "INSERT INTO annotations (doc, mention_count, timex_count, mentions, timexes, removed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            doc,
            self.mention_count,
            self.timex_count,
            self.mentions,
            self.timexes,
            self.removed,
        ])?;
        let mut count = tx.prepare_cached(
            "INSERT INTO entity_mentions (entity_id, doc, count) VALUES (?1, ?2, ?3)",
        )?;
        for e in &self.entities {
            count.execute(params![e.id, doc, e.count])?;
            totals.add(e);
        }
        Ok(())
    }
}

/// The mentions of each entity in the documents of one write transaction.
/// A document names about a hundred entities and a transaction of
/// hundreds of documents a few hundred in all, so adding them to
/// `entities` once per transaction, not once per document, saves most of
/// the upserts (a twelfth of the writer's work).
#[derive(Debug, Default)]
pub(crate) struct EntityTotals<'a> {
    /// Each entity with its total, in the order first mentioned, so that
    /// the rows are written in a deterministic order.
    totals: Vec<(&'a EntityCount, i64)>,
    /// Where each entity id is in `totals`.
    at: HashMap<&'a str, usize>,
}

impl<'a> EntityTotals<'a> {
    /// Counts `e`'s mentions in one more document.
    fn add(&mut self, e: &'a EntityCount) {
        match self.at.get(e.id.as_str()) {
            Some(&i) => self.totals[i].1 += e.count,
            None => {
                self.at.insert(&e.id, self.totals.len());
                self.totals.push((e, e.count));
            }
        }
    }

    /// Adds the totals to `entities`, creating the entities not stored yet.
    pub(crate) fn write(&self, tx: &Transaction) -> Result<()> {
        let mut entity = tx.prepare_cached(
            "INSERT INTO entities (id, type, name, country, sector, mentions) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET mentions = mentions + excluded.mentions",
        )?;
        for (e, total) in &self.totals {
            entity.execute(params![e.id, e.kind, e.name, e.country, e.sector, total])?;
        }
        Ok(())
    }
}

/// One JSON column of a document's annotations row, or `None` when the
/// document is not stored.
fn column(store: &Store, doc_id: &str, col: &str) -> Result<Option<String>> {
    let sql = format!(
        "SELECT a.{col} FROM annotations a JOIN documents d ON d.key = a.doc WHERE d.id = ?1"
    );
    Ok(store
        .conn()
        .prepare_cached(&sql)?
        .query_row([doc_id], |r| r.get(0))
        .optional()?)
}

impl Store {
    /// The mentions of document `doc_id`, in span order, each with its
    /// entity's kind and name.
    pub fn mentions(&self, doc_id: &str) -> Result<Vec<MentionRow>> {
        let Some(json) = column(self, doc_id, "mentions")? else {
            return Ok(Vec::new());
        };
        let packed: Vec<(i64, i64, String, String, Option<String>)> = serde_json::from_str(&json)?;
        let mut entities: HashMap<String, (String, String, Option<String>, Option<String>)> =
            HashMap::new();
        let mut st = self
            .conn()
            .prepare_cached("SELECT type, name, country, sector FROM entities WHERE id = ?1")?;
        let mut out = Vec::with_capacity(packed.len());
        for (start, end, text, entity_id, person_id) in packed {
            if !entities.contains_key(&entity_id) {
                let e = st
                    .query_row([&entity_id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .optional()?
                    .unwrap_or_else(|| ("?".into(), entity_id.clone(), None, None));
                entities.insert(entity_id.clone(), e);
            }
            let (kind, name, country, sector) = entities[&entity_id].clone();
            out.push(MentionRow {
                span: [start, end],
                text,
                entity_id,
                entity_type: kind,
                name,
                country,
                sector,
                person_id,
            });
        }
        Ok(out)
    }

    /// The temporal expressions of document `doc_id`, in span order.
    pub fn timexes(&self, doc_id: &str) -> Result<Vec<TimexRow>> {
        let Some(json) = column(self, doc_id, "timexes")? else {
            return Ok(Vec::new());
        };
        type Row = (
            i64,
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let packed: Vec<Row> = serde_json::from_str(&json)?;
        Ok(packed
            .into_iter()
            .map(
                |(start, end, text, kind, value, modifier, date_start, date_end)| TimexRow {
                    span: [start, end],
                    text,
                    kind,
                    value,
                    modifier,
                    date_start,
                    date_end,
                },
            )
            .collect())
    }

    /// What cleaning removed from document `doc_id`, in span order.
    pub fn removed(&self, doc_id: &str) -> Result<Vec<RemovedRow>> {
        let Some(json) = column(self, doc_id, "removed")? else {
            return Ok(Vec::new());
        };
        let packed: Vec<(String, i64, i64)> = serde_json::from_str(&json)?;
        Ok(packed
            .into_iter()
            .map(|(kind, start, end)| RemovedRow {
                kind,
                span: [start, end],
            })
            .collect())
    }
}
