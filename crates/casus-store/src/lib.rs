//! The knowledge base: the store stage of casus.
//!
//! One SQLite file (WAL, so readers never block the writer) holds the
//! documents with their raw bytes, clean text and provenance, and everything
//! the pipeline found in them. The schema is versioned ([`migrations`]);
//! every document is written in one transaction, so a crash or a bad file
//! never leaves half a document behind, and the same bytes ingested twice
//! are one document.

pub mod facts;
pub mod facts_query;
mod fts;
pub mod load;
pub mod migrations;
pub mod query;

pub use facts_query::{
    ClaimFilter, ClaimRow, Disagreement, EntityCount, EventFilter, EventRow, FactRow, SourceRow,
    Stance,
};

use std::path::Path;

use casus_pipeline::Processed;
use rusqlite::{params, Connection, OptionalExtension};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{path}: cannot open the knowledge base: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("{path}: the knowledge base has schema version {found}, newer than this casus ({supported})")]
    TooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error("knowledge base: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("knowledge base: {0}")]
    Json(#[from] serde_json::Error),
    #[error("loading records: {0}")]
    Load(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An open knowledge base.
pub struct Store {
    conn: Connection,
    path: String,
}

/// What happened to one document on ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ingested {
    /// Stored now.
    New,
    /// The same bytes were already stored.
    Duplicate,
}

impl Store {
    /// Opens (creating if needed) the knowledge base at `path` and brings
    /// its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let p = path.display().to_string();
        let conn = Connection::open(path).map_err(|e| StoreError::Open {
            path: p.clone(),
            source: e,
        })?;
        Store::setup(conn, p)
    }

    /// An in-memory knowledge base (tests, one-shot commands).
    pub fn memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        Store::setup(conn, ":memory:".to_string())
    }

    fn setup(conn: Connection, path: String) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| StoreError::Open {
                path: path.clone(),
                source: e,
            })?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store { conn, path };
        migrations::migrate(&mut store.conn, &store.path)?;
        // A 64 MB page cache and memory-mapped reads keep bulk ingest and
        // queries off the read syscalls.
        store.conn.execute_batch("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824;")?;
        // Every write statement of a batch is prepared once per connection:
        // the writer uses a few dozen, more than rusqlite's default cache.
        store.conn.set_prepared_statement_cache_capacity(128);
        fts::create_pending(&store.conn)?;
        Ok(store)
    }

    /// A second, read-only connection to the same file, for a thread that
    /// reads while this one writes (in WAL mode readers never block the
    /// writer and see committed transactions only). `None` for an
    /// in-memory knowledge base, which has no file to share.
    pub fn open_reader(&self) -> Result<Option<Store>> {
        let Some(file) = self.conn.path().filter(|f| !f.is_empty()) else {
            return Ok(None);
        };
        use rusqlite::OpenFlags;
        let conn = Connection::open_with_flags(
            file,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::Open {
            path: self.path.clone(),
            source: e,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(Some(Store {
            conn,
            path: self.path.clone(),
        }))
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Whether a document with this content id is stored.
    pub fn has_document(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM documents WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Stores a processed document and everything found in it, in one
    /// transaction. `raw` is the file's bytes.
    pub fn ingest(&mut self, p: &Processed, raw: &[u8]) -> Result<Ingested> {
        Ok(self.ingest_batch(&[(p, raw)])?[0])
    }

    /// Stores several processed documents in one transaction: whole
    /// documents or nothing, and one commit for the lot (fast bulk loads).
    pub fn ingest_batch(&mut self, items: &[(&Processed, &[u8])]) -> Result<Vec<Ingested>> {
        let facts = items
            .iter()
            .map(|(p, _)| prepare(p))
            .collect::<Result<Vec<_>>>()?;
        let items: Vec<ToStore> = items
            .iter()
            .zip(&facts)
            .map(|((p, raw), facts)| (*p, *raw, facts.as_slice()))
            .collect();
        self.ingest_prepared(&items)
    }

    /// [`Store::ingest_batch`] for documents whose facts were prepared
    /// beforehand ([`prepare`]), so that work can run in parallel, off the
    /// single writer.
    pub fn ingest_prepared(&mut self, items: &[ToStore]) -> Result<Vec<Ingested>> {
        let tx = self.conn.transaction()?;
        let pending = fts::Pending::begin(&tx)?;
        let mut out = Vec::with_capacity(items.len());
        for (p, raw, facts) in items {
            let exists = tx
                .prepare_cached("SELECT 1 FROM documents WHERE id = ?1")?
                .query_row([&p.doc.id], |_| Ok(()))
                .optional()?
                .is_some();
            if exists {
                out.push(Ingested::Duplicate);
                continue;
            }
            write_document(&tx, p, raw)?;
            facts::write_facts(&tx, &p.doc.id, facts)?;
            out.push(Ingested::New);
        }
        pending.finish(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

/// One document for [`Store::ingest_prepared`]: processed, its raw bytes
/// and its prepared facts.
pub type ToStore<'a> = (&'a Processed, &'a [u8], &'a [facts::Fact]);

/// The document's events and claims, prepared for the writer: the
/// knowledge-base-independent part of storing them (records, fingerprints,
/// band keys), which callers may run in parallel.
pub fn prepare(p: &Processed) -> Result<Vec<facts::Fact>> {
    facts::prepare(casus_pipeline::records::fact_records(p))
}

fn write_document(tx: &rusqlite::Transaction, p: &Processed, raw: &[u8]) -> Result<()> {
    let d = &p.doc;
    let sections: Vec<serde_json::Value> = d
        .sections
        .iter()
        .map(|s| serde_json::json!({"title": s.title, "level": s.level, "span": [s.raw.start, s.raw.end], "clean": [s.clean.start, s.clean.end]}))
        .collect();
    tx.prepare_cached(
        "INSERT INTO documents (id, name, format, title, bytes, raw, clean, metadata, sections, warnings, references_json, doc_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
            d.id,
            d.name,
            d.format.name(),
            d.title,
            raw.len() as i64,
            raw,
            d.clean,
            serde_json::to_string(&d.metadata)?,
            serde_json::to_string(&sections)?,
            serde_json::to_string(&d.warnings)?,
            serde_json::to_string(&d.references)?,
            p.doc_date(),
        ])?;
    {
        let mut st = tx.prepare_cached(
            "INSERT INTO sentences (doc_id, idx, start, end, clean_start, clean_end, kind, section, text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        // The full-text rows are added once per batch (fts::Pending).
        for (i, s) in p.sentences.iter().enumerate() {
            let span = p.raw(s.start, s.end);
            let kind = serde_json::to_value(s.kind)?;
            st.execute(params![
                d.id,
                i as i64,
                span.start as i64,
                span.end as i64,
                s.start as i64,
                s.end as i64,
                kind.as_str(),
                d.section_at(s.start).map(|x| x.title.as_str()),
                &d.clean[s.start..s.end],
            ])?;
        }
    }
    {
        let mut st = tx.prepare_cached(
            "INSERT INTO removed (doc_id, kind, start, end) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for r in &d.removed {
            let kind = serde_json::to_value(r.kind)?;
            st.execute(params![
                d.id,
                kind.as_str(),
                r.raw.start as i64,
                r.raw.end as i64
            ])?;
        }
    }
    {
        let mut st = tx.prepare_cached(
            "INSERT INTO timexes (doc_id, start, end, text, type, value, mod, date_start, date_end) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for t in &p.timexes {
            let span = p.raw(t.start, t.end);
            let kind = serde_json::to_value(t.kind)?;
            st.execute(params![
                d.id,
                span.start as i64,
                span.end as i64,
                t.text,
                kind.as_str(),
                t.value,
                t.modifier,
                t.date.as_ref().map(|x| x.start.as_str()),
                t.date.as_ref().map(|x| x.end.as_str()),
            ])?;
        }
    }
    {
        let mut st = tx.prepare_cached(
            "INSERT INTO mentions (doc_id, start, end, text, entity_id, entity_type, name, country, sector, person_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for m in &p.mentions {
            let span = p.raw(m.start, m.end);
            st.execute(params![
                d.id,
                span.start as i64,
                span.end as i64,
                m.text,
                m.entity.id,
                m.entity.kind,
                m.entity.name,
                m.entity.country,
                m.entity.sector,
                m.person.as_ref().map(|x| x.id.as_str()),
            ])?;
        }
    }
    Ok(())
}
