//! Events and claims in the knowledge base: written once per statement,
//! with every `(document, span)` that states it.
//!
//! A new event joins an existing one when both have the same type, mode,
//! actor, recipient and reporting side, and their evidence sentences are
//! near duplicates ([`casus_pipeline::sources`]); claims join on category,
//! population, item, subject, claimant and value. Candidates are found
//! through the MinHash bands stored beside each fact.

use casus_pipeline::sources::{Fingerprint, SAME_STATEMENT};
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;

use crate::bands::SessionBands;
use crate::columns::Columns;
use crate::Result;

fn span(v: &Value) -> (i64, i64) {
    let a = v["span"][0].as_i64().unwrap_or(0);
    let b = v["span"][1].as_i64().unwrap_or(a);
    (a, b)
}

/// The record as stored: without the fields that belong to one source (the
/// evidence text is the fact's `text` column).
fn stored_record(mut r: Value) -> Result<String> {
    if let Some(o) = r.as_object_mut() {
        for k in ["doc", "span", "sources", "kind", "text"] {
            o.remove(k);
        }
    }
    Ok(serde_json::to_string(&r)?)
}

/// A fact record with everything the writer needs that does not depend on
/// the knowledge base, computed beforehand (in parallel, off the writer).
pub struct Fact {
    kind: FactKind,
    /// The record's fields its columns hold.
    r: Columns,
    fp: Fingerprint,
    /// `fp` as stored.
    shingles: Vec<u8>,
    /// Band keys for the near-duplicate index (evidence band and coding).
    bands: Vec<i64>,
    /// The coding the bands are mixed with ([`keyed_bands`]).
    identity: u64,
    /// The record without its source fields, as stored JSON.
    record: String,
    start: i64,
    end: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum FactKind {
    Event = 0,
    Claim = 1,
}

impl FactKind {
    /// The singular of its tables' names (`events`, `event_sources`, ...).
    pub(crate) fn name(self) -> &'static str {
        match self {
            FactKind::Event => "event",
            FactKind::Claim => "claim",
        }
    }
}

/// Prepares the `event` and `claim` records among `records` (JSON values,
/// as `casus load` reads them); others are ignored.
pub fn prepare(records: Vec<Value>) -> Result<Vec<Fact>> {
    let mut facts = Facts::with_capacity(records.len());
    for r in records {
        let kind = match r.get("kind").and_then(Value::as_str) {
            Some("event") => FactKind::Event,
            Some("claim") => FactKind::Claim,
            _ => continue,
        };
        let (start, end) = span(&r);
        let columns = Columns::from_value(&r).map_err(|e| {
            crate::StoreError::Load(format!("a malformed {} record: {e}", kind.name()))
        })?;
        facts.push(kind, columns, stored_record(r)?, start, end);
    }
    Ok(facts.out)
}

/// Prepares a processed document's events and claims, serialised once
/// for storage ([`casus_pipeline::records::stored_fact_records`]); the
/// columns are taken from the extracted facts themselves (the values
/// their JSON holds, without parsing it back).
pub fn prepare_processed(p: &casus_pipeline::Processed) -> Result<Vec<Fact>> {
    let records = casus_pipeline::records::stored_fact_records(p);
    let evidence = |start: usize, end: usize| p.doc.clean.get(start..end).unwrap_or("");
    let columns = p
        .events
        .iter()
        .map(|e| {
            (
                FactKind::Event,
                Columns::of_event(e, evidence(e.start, e.end)),
            )
        })
        .chain(p.claims.iter().map(|c| {
            (
                FactKind::Claim,
                Columns::of_claim(c, evidence(c.start, c.end)),
            )
        }));
    let mut facts = Facts::with_capacity(records.len());
    for (r, (kind, columns)) in records.into_iter().zip(columns) {
        facts.push(kind, columns, r.record, r.span[0] as i64, r.span[1] as i64);
    }
    Ok(facts.out)
}

/// Facts being prepared, in record order.
struct Facts {
    out: Vec<Fact>,
    /// The facts of one sentence come together and share its fingerprint.
    last: Option<(String, Fingerprint)>,
}

impl Facts {
    fn with_capacity(n: usize) -> Facts {
        Facts {
            out: Vec::with_capacity(n),
            last: None,
        }
    }

    fn push(&mut self, kind: FactKind, r: Columns, record: String, start: i64, end: i64) {
        let identity = match kind {
            FactKind::Event => event_key(&r),
            FactKind::Claim => claim_key(&r),
        };
        let text = r.text.as_deref().unwrap_or("");
        let fp = match &self.last {
            Some((t, fp)) if t == text => fp.clone(),
            _ => {
                let fp = Fingerprint::of(text);
                self.last = Some((text.to_string(), fp.clone()));
                fp
            }
        };
        self.out.push(Fact {
            kind,
            shingles: fp.to_bytes(),
            bands: keyed_bands(&fp, identity),
            identity,
            fp,
            r,
            record,
            start,
            end,
        });
    }
}

/// The first source of each fact this connection created, and the content
/// ids of the documents it wrote: what [`add_source`] compares a new
/// source with, found without the two B-tree lookups (the fact, its first
/// document) it takes in SQL. Facts and documents are numbered in the
/// order they are written, so both are dense vectors from the first one
/// written (16 bytes a fact). Emptied whenever another connection has
/// committed since (`PRAGMA data_version`), or a transaction rolls back;
/// and a document another connection wrote leaves a gap in the keys,
/// which starts the content ids over too.
#[derive(Default)]
pub(crate) struct FirstSources {
    /// Per kind: the id of `first[0]`, and `(document key, start)` by id.
    facts: [(i64, Vec<(i64, i64)>); 2],
    /// The key of `docs[0]`, and content ids by key.
    docs: (i64, Vec<Box<str>>),
    data_version: Option<i64>,
}

impl FirstSources {
    /// Starts a write transaction: forgets everything if another
    /// connection has committed since the last one.
    pub(crate) fn begin(&mut self, tx: &Transaction) -> Result<()> {
        let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if self.data_version != Some(version) {
            *self = FirstSources {
                data_version: Some(version),
                ..Default::default()
            };
        }
        Ok(())
    }

    /// Forgets everything (the transaction rolled back).
    pub(crate) fn abandon(&mut self) {
        *self = FirstSources::default();
    }

    /// Notes a document written by this connection.
    pub(crate) fn document(&mut self, doc: Doc) {
        let (base, ids) = &mut self.docs;
        if ids.is_empty() || doc.key != *base + ids.len() as i64 {
            // Not the next key (the first, or after a gap): start over.
            *base = doc.key;
            ids.clear();
        }
        ids.push(doc.id.into());
    }

    fn doc_id(&self, key: i64) -> Option<&str> {
        let (base, ids) = &self.docs;
        let i = usize::try_from(key - base).ok()?;
        ids.get(i).map(|id| &**id)
    }

    /// Notes fact `id`, just created by this connection, and its source.
    fn created(&mut self, kind: FactKind, id: i64, doc_key: i64, start: i64) {
        let (base, firsts) = &mut self.facts[kind as usize];
        if firsts.is_empty() || id != *base + firsts.len() as i64 {
            // Not the next id (the first, or after a gap): start over.
            *base = id;
            firsts.clear();
        }
        firsts.push((doc_key, start));
    }

    /// Notes fact `id`'s new first source, if the fact is one noted.
    fn replaced(&mut self, kind: FactKind, id: i64, doc_key: i64, start: i64) {
        let (base, firsts) = &mut self.facts[kind as usize];
        if let Some(first) = usize::try_from(id - *base)
            .ok()
            .and_then(|i| firsts.get_mut(i))
        {
            *first = (doc_key, start);
        }
    }

    /// Fact `id`'s first source: its document's content id and offset.
    fn get(&self, kind: FactKind, id: i64) -> Option<(&str, i64)> {
        let (base, firsts) = &self.facts[kind as usize];
        let &(doc, start) = firsts.get(usize::try_from(id - base).ok()?)?;
        Some((self.doc_id(doc)?, start))
    }
}

/// The document a fact is written for: its key, and its content id (the
/// order of sources).
#[derive(Clone, Copy)]
pub(crate) struct Doc<'a> {
    pub key: i64,
    pub id: &'a str,
}

/// Writes the prepared facts of one document.
pub(crate) fn write_facts(
    tx: &Transaction,
    bands: &mut SessionBands,
    first: &mut FirstSources,
    doc: Doc,
    facts: &[Fact],
) -> Result<()> {
    first.document(doc);
    for fact in facts {
        match fact.kind {
            FactKind::Event => write_event(tx, bands, first, doc, fact)?,
            FactKind::Claim => write_claim(tx, bands, first, doc, fact)?,
        }
    }
    Ok(())
}

/// What makes two events the same statement, besides their evidence:
/// the values of their `type`, `mode`, `actor_id`, `recipient_id` and
/// `claimed_by` columns (so the bulk build can recompute it from them).
pub(crate) fn event_identity(columns: [Option<&str>; 5]) -> u64 {
    identity(columns.iter().map(|c| c.unwrap_or("")))
}

fn event_key(c: &Columns) -> u64 {
    event_identity([
        Some(c.kind.as_deref().unwrap_or("?")),
        c.mode.as_deref(),
        c.actor().and_then(|a| a.id.as_deref()),
        c.recipient().and_then(|a| a.id.as_deref()),
        c.claimed_by.as_deref(),
    ])
}

fn write_event(
    tx: &Transaction,
    session: &mut SessionBands,
    first: &mut FirstSources,
    doc: Doc,
    fact: &Fact,
) -> Result<()> {
    let (r, start, end) = (&fact.r, fact.start, fact.end);
    let (actor, recipient) = (r.actor(), r.recipient());
    let text = r.text.as_deref().unwrap_or("");
    if let Some(id) = find_duplicate(tx, session, FactKind::Event, fact)? {
        if add_source(tx, first, FactKind::Event, id, doc, start, end)? {
            session.replacing(tx, FactKind::Event, id, fact.identity)?;
            // The full-text index forgets the old evidence at the end of the batch.
            crate::fts::event_changing(tx, id)?;
            tx.prepare_cached(
                "UPDATE events SET date_start = ?2, date_end = ?3, place_id = ?4, lat = ?5, lon = ?6, text = ?7, shingles = ?8, record = ?9,
                    first_doc = ?10, first_start = ?11 WHERE id = ?1",
            )?
            .execute(params![
                    id,
                    r.date_start(),
                    r.date_end(),
                    r.place().and_then(|p| p.id.as_deref()),
                    r.place().and_then(|p| p.lat),
                    r.place().and_then(|p| p.lon),
                    text,
                    &fact.shingles,
                    &fact.record,
                    doc.key,
                    start,
                ])?;
            session.add(FactKind::Event, id, &fact.bands, &fact.fp);
        }
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO events (type, mode, actor_id, actor_country, actor_sector, recipient_id, recipient_country,
            date_start, date_end, place_id, lat, lon, claimed_by, text, shingles, record, first_doc, first_start)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
            r.kind.as_deref().unwrap_or("?"),
            r.mode.as_deref(),
            actor.and_then(|a| a.id.as_deref()),
            actor.and_then(|a| a.country.as_deref().or(a.id.as_deref())),
            actor.and_then(|a| a.sector.as_deref()),
            recipient.and_then(|a| a.id.as_deref()),
            recipient.and_then(|a| a.country.as_deref().or(a.id.as_deref())),
            r.date_start(),
            r.date_end(),
            r.place().and_then(|p| p.id.as_deref()),
            r.place().and_then(|p| p.lat),
            r.place().and_then(|p| p.lon),
            r.claimed_by.as_deref(),
            text,
            &fact.shingles,
            &fact.record,
            doc.key,
            start,
    ])?;
    let id = tx.last_insert_rowid();
    first.created(FactKind::Event, id, doc.key, start);
    crate::fts::event_created(tx, id)?;
    tx.prepare_cached(
        "INSERT INTO event_sources (event_id, doc, start, end) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, doc.key, start, end])?;
    session.add(FactKind::Event, id, &fact.bands, &fact.fp);
    Ok(())
}

/// What makes two claims the same statement, besides their evidence:
/// the values of their `category`, `population`, `item`, `subject` and
/// `claimant` columns, and of `low` and `high`.
pub(crate) fn claim_identity(
    columns: [Option<&str>; 5],
    low: Option<i64>,
    high: Option<i64>,
) -> u64 {
    let n = |x: Option<i64>| x.map(|x| x.to_string()).unwrap_or_default();
    let (low, high) = (n(low), n(high));
    identity(
        columns
            .iter()
            .map(|c| c.unwrap_or(""))
            .chain([low.as_str(), high.as_str()]),
    )
}

fn claim_key(c: &Columns) -> u64 {
    claim_identity(
        [
            Some(c.category.as_deref().unwrap_or("?")),
            c.population.as_deref(),
            c.item.as_deref(),
            c.subject.as_deref(),
            c.claimant.as_deref(),
        ],
        c.low(),
        c.high(),
    )
}

/// FNV-1a of the fields joined by `|`.
fn identity<'a>(fields: impl Iterator<Item = &'a str>) -> u64 {
    let mut h = 0xcbf29ce484222325u64;
    for (i, f) in fields.enumerate() {
        let sep: &[u8] = if i == 0 { b"" } else { b"|" };
        for &b in sep.iter().chain(f.as_bytes()) {
            h = (h ^ b as u64).wrapping_mul(0x100000001b3);
        }
    }
    h
}

fn write_claim(
    tx: &Transaction,
    session: &mut SessionBands,
    first: &mut FirstSources,
    doc: Doc,
    fact: &Fact,
) -> Result<()> {
    let (r, start, end) = (&fact.r, fact.start, fact.end);
    let text = r.text.as_deref().unwrap_or("");
    if let Some(id) = find_duplicate(tx, session, FactKind::Claim, fact)? {
        if add_source(tx, first, FactKind::Claim, id, doc, start, end)? {
            session.replacing(tx, FactKind::Claim, id, fact.identity)?;
            tx.prepare_cached(
                "UPDATE claims SET date_start = ?2, date_end = ?3, text = ?4, shingles = ?5, record = ?6, first_doc = ?7, first_start = ?8 WHERE id = ?1",
            )?
            .execute(params![id, r.date_start(), r.date_end(), text, &fact.shingles, &fact.record, doc.key, start])?;
            session.add(FactKind::Claim, id, &fact.bands, &fact.fp);
        }
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO claims (category, population, item, subject, claimant, low, high, date_start, date_end, text, shingles, record, first_doc, first_start)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
            r.category.as_deref().unwrap_or("?"),
            r.population.as_deref(),
            r.item.as_deref(),
            r.subject.as_deref(),
            r.claimant.as_deref(),
            r.low(),
            r.high(),
            r.date_start(),
            r.date_end(),
            text,
            &fact.shingles,
            &fact.record,
            doc.key,
            start,
    ])?;
    let id = tx.last_insert_rowid();
    first.created(FactKind::Claim, id, doc.key, start);
    tx.prepare_cached(
        "INSERT INTO claim_sources (claim_id, doc, start, end) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, doc.key, start, end])?;
    session.add(FactKind::Claim, id, &fact.bands, &fact.fp);
    Ok(())
}

/// Adds a source to a stored fact; true when it is now the fact's first
/// source. The canonical record of a fact is the one its first source
/// (by document content id, then offset) states, so the knowledge base
/// does not depend on the order documents arrive in. The fact keeps its
/// first source (`first_doc`, `first_start`), updated with its record.
fn add_source(
    tx: &Transaction,
    first: &mut FirstSources,
    kind: FactKind,
    id: i64,
    doc: Doc,
    start: i64,
    end: i64,
) -> Result<bool> {
    let k = kind.name();
    // The statements by kind, as string constants: cached by their text.
    let (insert, lookup) = match kind {
        FactKind::Event => (
            "INSERT OR IGNORE INTO event_sources (event_id, doc, start, end) VALUES (?1, ?2, ?3, ?4)",
            "SELECT d.id, f.first_start FROM events f JOIN documents d ON d.key = f.first_doc WHERE f.id = ?1",
        ),
        FactKind::Claim => (
            "INSERT OR IGNORE INTO claim_sources (claim_id, doc, start, end) VALUES (?1, ?2, ?3, ?4)",
            "SELECT d.id, f.first_start FROM claims f JOIN documents d ON d.key = f.first_doc WHERE f.id = ?1",
        ),
    };
    tx.prepare_cached(insert)?
        .execute(params![id, doc.key, start, end])?;
    let is_first = |(d, s): (&str, i64)| (doc.id, start) <= (d, s);
    let now_first = match first.get(kind, id) {
        Some(known) => is_first(known),
        None => {
            let known: Option<(String, i64)> = tx
                .prepare_cached(lookup)?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            match known {
                Some((d, s)) => is_first((&d, s)),
                // Written without its first source (by SQL, and found
                // through band rows written by SQL too): find it. (In a
                // bulk build, with the index by fact deferred, by a scan.)
                None => {
                    let found: Option<(String, i64)> = tx
                        .prepare_cached(&format!(
                            "SELECT d.id, s.start FROM {k}_sources s JOIN documents d ON d.key = s.doc
                             WHERE s.{k}_id = ?1 ORDER BY d.id, s.start LIMIT 1"
                        ))?
                        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?;
                    // Written without any source: this one is its first.
                    found.is_none_or(|(d, s)| is_first((&d, s)))
                }
            }
        }
    };
    if now_first {
        first.replaced(kind, id, doc.key, start);
    }
    Ok(now_first)
}

/// The fingerprint's MinHash bands, each mixed with the fact's identity
/// ([`event_identity`], [`claim_identity`]): candidates must share both a
/// band of their evidence and their coding, so one index lookup finds
/// them however many facts share the sentence.
pub(crate) fn keyed_bands(fp: &Fingerprint, identity: u64) -> Vec<i64> {
    // Each band mixed with the identity (splitmix64 finaliser).
    fp.bands()
        .map(|b| {
            let mut z = b ^ identity.rotate_left(17);
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
            (z ^ (z >> 31)) as i64
        })
        .collect()
}

/// The stored fact of `kind` that shares one of the fact's bands
/// (evidence band and coding) and whose evidence is the most similar to
/// its own, at or above [`SAME_STATEMENT`]; on a tie, the lowest id.
fn find_duplicate(
    tx: &Transaction,
    session: &mut SessionBands,
    kind: FactKind,
    fact: &Fact,
) -> Result<Option<i64>> {
    if let Some(id) = session.exact(tx, kind, &fact.bands, &fact.fp)? {
        return Ok(Some(id));
    }
    let mut best: Option<(i64, f64)> = None;
    for id in session.candidates(tx, kind, &fact.bands)? {
        // Only a candidate at least as similar as the best so far matters
        // (and only a more similar one replaces it: ids come in order).
        let threshold = best.map_or(SAME_STATEMENT, |(_, b)| b);
        if let Some(sim) = session.similarity(tx, kind, id, &fact.fp, threshold)? {
            if best.is_none_or(|(_, b)| sim > b) {
                best = Some((id, sim));
            }
        }
    }
    Ok(best.map(|(id, _)| id))
}
