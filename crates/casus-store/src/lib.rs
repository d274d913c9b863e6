//! The knowledge base: the store stage of casus.
//!
//! One SQLite file (WAL, so readers never block the writer) holds the
//! documents with their raw bytes, clean text and provenance, and everything
//! the pipeline found in them. The schema is versioned ([`migrations`]);
//! every document is written in one transaction, so a crash or a bad file
//! never leaves half a document behind, and the same bytes ingested twice
//! are one document.

pub mod annotations;
mod bands;
mod bulk;
mod checkpoint;
mod columns;
pub mod facts;
pub mod facts_query;
mod fts;
pub mod load;
pub mod migrations;
pub mod query;
pub mod relations;

pub use annotations::{MentionRow, RemovedRow, TimexRow};
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
    /// Near-duplicate candidates of the facts this connection writes.
    bands: bands::SessionBands,
    /// The token of the bulk build this connection runs ([`Store::begin_bulk`]).
    bulk: Option<i64>,
    /// A bulk build is asked for and starts with the first new document.
    bulk_wanted: bool,
    /// The first sources of the facts this connection wrote.
    first: facts::FirstSources,
    /// Copies committed pages into the file off this thread ([`Store::tune_for_bulk`]).
    checkpointer: Option<checkpoint::Checkpointer>,
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
        let mut store = Store {
            conn,
            path,
            bands: Default::default(),
            bulk: None,
            bulk_wanted: false,
            first: Default::default(),
            checkpointer: None,
        };
        migrations::migrate(&mut store.conn, &store.path)?;
        // A 64 MB page cache and memory-mapped reads keep bulk ingest and
        // queries off the read syscalls. Temporary data may go to files
        // (the OS keeps them in its cache): SQLite's sorter uses worker
        // threads only then, and large sorts (index builds, big ORDER BYs)
        // run on every core.
        store.conn.execute_batch(&format!(
            "PRAGMA temp_store = FILE; PRAGMA threads = {}; PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824;",
            sort_threads()
        ))?;
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
            bands: Default::default(),
            bulk: None,
            bulk_wanted: false,
            first: Default::default(),
            checkpointer: None,
        }))
    }

    /// Tunes this connection for a bulk load. Mapped pages and the page
    /// cache both count in the resident set, and a bulk load touches most
    /// of a large file: it maps nothing and caches 256 MB instead.
    /// Checkpoints run on a thread of their own (`checkpoint`), or, if
    /// it cannot start, every 64 MB of log rather than 4 MB, so a page that
    /// several transactions write (index interiors, the end of a table) is
    /// copied into the database once. Foreign keys are not probed: the
    /// writer only refers to rows it has just written in the same
    /// transaction (the reliability tests run `foreign_key_check` after
    /// every ingest, killed or not).
    pub fn tune_for_bulk(&mut self) -> Result<()> {
        self.conn.execute_batch(
            "PRAGMA mmap_size = 0; PRAGMA cache_size = -262144;
             PRAGMA wal_autocheckpoint = 16384; PRAGMA foreign_keys = OFF;",
        )?;
        if self.checkpointer.is_none() {
            if let Some(file) = self.conn.path().filter(|f| !f.is_empty()) {
                self.checkpointer =
                    checkpoint::Checkpointer::start(file, checkpoint::RESTART_FRAMES);
                if self.checkpointer.is_some() {
                    self.conn.execute_batch("PRAGMA wal_autocheckpoint = 0;")?;
                }
            }
        }
        Ok(())
    }

    /// After each commit: lets the checkpointing thread copy what it
    /// logged, or, if that thread is gone, checkpoints in the writer again.
    fn committed(&mut self) -> Result<()> {
        if let Some(c) = &mut self.checkpointer {
            if !c.committed() {
                self.checkpointer = None;
                self.conn
                    .execute_batch("PRAGMA wal_autocheckpoint = 16384;")?;
            }
        }
        Ok(())
    }

    /// Starts a bulk build (`bulk`): until
    /// [`Store::finish_bulk`], this connection writes rows without the
    /// query indexes, posting lists and band rows derived from them, and
    /// builds those at the end in sorted passes. For loads that are large
    /// next to what is stored: finishing costs time in proportion to the
    /// whole knowledge base. A build left unfinished (the process died) is
    /// completed by the next writer.
    ///
    /// The build starts with the first transaction that stores a new
    /// document: a load of documents already stored (the same folder
    /// ingested again) leaves the indexes as they are, where a build
    /// would drop and rebuild them all.
    pub fn begin_bulk(&mut self) -> Result<()> {
        if self.bulk.is_none() {
            self.bulk_wanted = true;
        }
        Ok(())
    }

    /// Starts the bulk build [`Store::begin_bulk`] asked for.
    fn start_bulk(&mut self) -> Result<()> {
        self.bulk_wanted = false;
        // Any value unlikely to be another live session's.
        let token = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i64)
            ^ ((std::process::id() as i64) << 40);
        let tx = self.conn.transaction()?;
        bulk::start(&tx, token)?;
        tx.commit()?;
        self.bulk = Some(token);
        self.bands.set_bulk(true);
        Ok(())
    }

    /// Completes this connection's bulk build, if it runs one: stores the
    /// band rows it held in memory, rebuilds the posting lists and
    /// recreates the indexes, in one transaction.
    pub fn finish_bulk(&mut self) -> Result<()> {
        self.bulk_wanted = false;
        let Some(token) = self.bulk.take() else {
            return Ok(());
        };
        let tx = self.conn.transaction()?;
        // No more facts are written in this build: the band rows are all
        // that is still needed in memory, and they go next.
        self.first = Default::default();
        self.bands.keep_only_bands();
        if bulk::in_progress(&tx)? == Some(token) {
            bulk::store_bands(&tx, facts::FactKind::Event, Some(&mut self.bands))?;
            bulk::store_bands(&tx, facts::FactKind::Claim, Some(&mut self.bands))?;
            // Every band row is stored: the memory is not needed to finish
            // (the sorts of the build are), nor afterwards.
            self.bands = Default::default();
            bulk::complete(&tx, None)?;
        } else {
            self.bands = Default::default();
        }
        tx.commit()?;
        self.committed()?;
        Ok(())
    }

    /// Whether this connection has started the bulk build it was asked
    /// for (it starts with the first new document).
    pub fn bulk_started(&self) -> bool {
        self.bulk.is_some()
    }

    /// Whether a bulk build (this connection's or another's) is in progress.
    pub fn bulk_in_progress(&mut self) -> Result<bool> {
        let tx = self.conn.transaction()?;
        Ok(bulk::in_progress(&tx)?.is_some())
    }

    /// Limits the in-memory band table to `slots` slots (a power of two,
    /// at least 4096), so tests can reach the path where it is full.
    #[doc(hidden)]
    pub fn limit_band_memory(&mut self, slots: usize) {
        self.bands = bands::SessionBands::with_max_slots(slots.next_power_of_two().max(1 << 12));
        self.bands.set_bulk(self.bulk.is_some());
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The bytes of the stored documents' inputs, all told.
    pub fn stored_bytes(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(sum(bytes), 0) FROM documents", [], |r| {
                r.get::<_, i64>(0)
            })?
            .max(0) as u64)
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
        let prepared = items
            .iter()
            .map(|(p, _)| prepare(p))
            .collect::<Result<Vec<_>>>()?;
        let items: Vec<(&Prepared, Option<&[u8]>)> = prepared
            .iter()
            .zip(items)
            .map(|(d, (_, raw))| (d, Some(*raw)))
            .collect();
        self.ingest_prepared(&items)
    }

    /// [`Store::ingest_batch`] for documents prepared beforehand
    /// ([`prepare`]): that work can run in parallel, off the single writer,
    /// and the processed documents be dropped while the batch waits. A
    /// document without raw bytes (loaded from extracted records) keeps
    /// its spans and text only.
    pub fn ingest_prepared(
        &mut self,
        items: &[(&Prepared, Option<&[u8]>)],
    ) -> Result<Vec<Ingested>> {
        let result = self.write_prepared(items);
        if result.is_err() {
            self.bands.abandon();
            self.first.abandon();
        }
        result
    }

    fn write_prepared(&mut self, items: &[(&Prepared, Option<&[u8]>)]) -> Result<Vec<Ingested>> {
        if self.bulk_wanted && self.any_new(items)? {
            self.start_bulk()?;
        }
        let tx = self.conn.transaction()?;
        // In line with the bulk build the knowledge base records.
        let recorded = bulk::in_progress(&tx)?;
        match (self.bulk, recorded) {
            (Some(mine), Some(t)) if mine == t => {}
            (Some(_), _) => {
                // Completed by another writer: row by row from now on.
                self.bulk = None;
                self.bands.set_bulk(false);
            }
            // A build whose writer died (or that another writer runs:
            // it notices, as above).
            (None, Some(_)) => bulk::complete(&tx, None)?,
            (None, None) => {}
        }
        self.bands.begin(&tx)?;
        self.first.begin(&tx)?;
        let pending = fts::Pending::begin(&tx)?;
        let mut entity_totals = annotations::EntityTotals::default();
        let mut out = Vec::with_capacity(items.len());
        for (d, raw) in items {
            let exists = tx
                .prepare_cached("SELECT 1 FROM documents WHERE id = ?1")?
                .query_row([&d.id], |_| Ok(()))
                .optional()?
                .is_some();
            if exists {
                out.push(Ingested::Duplicate);
                continue;
            }
            let key = write_document(&tx, d, *raw, &mut entity_totals)?;
            let doc = facts::Doc { key, id: &d.id };
            facts::write_facts(&tx, &mut self.bands, &mut self.first, doc, &d.facts)?;
            out.push(Ingested::New);
        }
        entity_totals.write(&tx)?;
        pending.finish(&tx)?;
        self.bands.finish(&tx)?;
        tx.commit()?;
        self.committed()?;
        Ok(out)
    }
}

impl Store {
    /// Whether some of `items` is not stored yet.
    fn any_new(&self, items: &[(&Prepared, Option<&[u8]>)]) -> Result<bool> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM documents WHERE id = ?1")?;
        for (d, _) in items {
            if !st.exists([&d.id])? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// A document ready for the writer: every value its rows hold, computed
/// from a [`Processed`] document by [`prepare`]. Much smaller than the
/// processed document (no offset maps, no extraction structures).
pub struct Prepared {
    id: String,
    name: String,
    format: String,
    title: Option<String>,
    bytes: i64,
    clean: String,
    /// JSON of the metadata, sections, warnings and references.
    metadata: String,
    sections: String,
    warnings: String,
    references: String,
    doc_date: Option<String>,
    sentences: Vec<SentenceRow>,
    annotations: annotations::Packed,
    facts: Vec<facts::Fact>,
}

impl Prepared {
    /// The document's content id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The file name (or label) it was read from.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its format's name.
    pub fn format(&self) -> &str {
        &self.format
    }

    /// How many sentences it has.
    pub fn sentence_count(&self) -> usize {
        self.sentences.len()
    }
}

/// A sentence: raw span, clean span, kind, section title.
pub(crate) struct SentenceRow {
    pub(crate) raw: (i64, i64),
    pub(crate) clean: (usize, usize),
    pub(crate) kind: String,
    pub(crate) section: Option<String>,
}

/// Worker threads a statement's sorter may start besides its own: one per
/// core, at most SQLite's limit of 8.
fn sort_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// The name of a unit enum's variant as serialised (`"kind": "..."`).
fn kind_name<T: serde::Serialize>(kind: T) -> Result<String> {
    Ok(serde_json::to_value(kind)?
        .as_str()
        .unwrap_or("other")
        .to_string())
}

/// Prepares a processed document for the writer: its rows, and its events
/// and claims (records, fingerprints, band keys). Independent of the
/// knowledge base, so callers may run it in parallel.
pub fn prepare(p: &Processed) -> Result<Prepared> {
    let d = &p.doc;
    let raw = |start: usize, end: usize| {
        let span = p.raw(start, end);
        [span.start as i64, span.end as i64]
    };
    let sections: Vec<serde_json::Value> = d
        .sections
        .iter()
        .map(|s| serde_json::json!({"title": s.title, "level": s.level, "span": [s.raw.start, s.raw.end], "clean": [s.clean.start, s.clean.end]}))
        .collect();
    let sentences = p
        .sentences
        .iter()
        .map(|s| {
            let [a, b] = raw(s.start, s.end);
            Ok(SentenceRow {
                raw: (a, b),
                clean: (s.start, s.end),
                kind: kind_name(s.kind)?,
                section: d.section_at(s.start).map(|x| x.title.clone()),
            })
        })
        .collect::<Result<_>>()?;
    let mut annotations = annotations::Annotations {
        removed: d
            .removed
            .iter()
            .map(|r| {
                Ok(annotations::RemovedRow {
                    kind: kind_name(r.kind)?,
                    span: [r.raw.start as i64, r.raw.end as i64],
                })
            })
            .collect::<Result<_>>()?,
        timexes: p
            .timexes
            .iter()
            .map(|t| {
                Ok(annotations::NewTimex {
                    span: raw(t.start, t.end),
                    text: &t.text,
                    kind: kind_name(t.kind)?,
                    value: &t.value,
                    modifier: t.modifier.as_deref(),
                    date_start: t.date.as_ref().map(|x| x.start.as_str()),
                    date_end: t.date.as_ref().map(|x| x.end.as_str()),
                })
            })
            .collect::<Result<_>>()?,
        mentions: p
            .mentions
            .iter()
            .map(|m| annotations::NewMention {
                span: raw(m.start, m.end),
                text: &m.text,
                entity_id: &m.entity.id,
                entity_type: &m.entity.kind,
                name: &m.entity.name,
                country: m.entity.country.as_deref(),
                sector: m.entity.sector.as_deref(),
                person_id: m.person.as_ref().map(|x| x.id.as_str()),
            })
            .collect(),
    };
    annotations.sort();
    let annotations = annotations.pack()?;
    Ok(Prepared {
        id: d.id.clone(),
        name: d.name.clone(),
        format: d.format.name().to_string(),
        title: d.title.clone(),
        bytes: d.raw_len as i64,
        clean: d.clean.clone(),
        metadata: serde_json::to_string(&d.metadata)?,
        sections: serde_json::to_string(&sections)?,
        warnings: serde_json::to_string(&d.warnings)?,
        references: serde_json::to_string(&d.references)?,
        doc_date: p.doc_date(),
        sentences,
        annotations,
        facts: facts::prepare_processed(p)?,
    })
}

/// Writes a document's row, sentences and annotations, and adds its
/// mention counts to `entity_totals`; returns its key.
fn write_document<'a>(
    tx: &rusqlite::Transaction,
    d: &'a Prepared,
    raw: Option<&[u8]>,
    entity_totals: &mut annotations::EntityTotals<'a>,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO documents (id, name, format, title, bytes, doc_date, metadata, sections, warnings, references_json, clean, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        d.id,
        d.name,
        d.format,
        d.title,
        raw.map_or(d.bytes, |r| r.len() as i64),
        d.doc_date,
        d.metadata,
        d.sections,
        d.warnings,
        d.references,
        d.clean,
        raw,
    ])?;
    let key = tx.last_insert_rowid();
    {
        let mut st = tx.prepare_cached(
            "INSERT INTO sentences (doc, idx, start, end, clean_start, clean_end, kind, section, text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        // The full-text rows are added once per transaction (fts::Pending).
        for (i, s) in d.sentences.iter().enumerate() {
            st.execute(params![
                key,
                i as i64,
                s.raw.0,
                s.raw.1,
                s.clean.0 as i64,
                s.clean.1 as i64,
                s.kind,
                s.section,
                &d.clean[s.clean.0..s.clean.1],
            ])?;
        }
    }
    d.annotations.write(tx, key, entity_totals)?;
    Ok(key)
}
