//! Versioned schema migrations, tracked in `PRAGMA user_version`.
//!
//! Each migration runs in its own transaction; a knowledge base written by
//! a newer casus is refused rather than damaged.

use rusqlite::Connection;

use crate::{Result, StoreError};

/// The migrations, in order; entry `i` brings the schema to version `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: documents, sentences and what the recognisers found.
    r#"
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,              -- SHA-256 of the raw bytes
        name TEXT NOT NULL,
        format TEXT NOT NULL,
        title TEXT,
        bytes INTEGER NOT NULL,
        raw BLOB NOT NULL,
        clean TEXT NOT NULL,
        metadata TEXT NOT NULL,           -- JSON object
        sections TEXT NOT NULL,           -- JSON array
        warnings TEXT NOT NULL,           -- JSON array
        references_json TEXT NOT NULL,    -- JSON array
        doc_date TEXT,
        ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE TABLE sentences (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start INTEGER NOT NULL, end INTEGER NOT NULL,          -- raw bytes
        clean_start INTEGER NOT NULL, clean_end INTEGER NOT NULL,
        kind TEXT NOT NULL,
        section TEXT,
        text TEXT NOT NULL,
        UNIQUE (doc_id, idx)
    );
    CREATE TABLE removed (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        kind TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL
    );
    CREATE INDEX removed_doc ON removed(doc_id, start);
    CREATE TABLE timexes (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL, end INTEGER NOT NULL,
        text TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL, mod TEXT,
        date_start TEXT, date_end TEXT
    );
    CREATE INDEX timexes_doc ON timexes(doc_id, start);
    CREATE TABLE mentions (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL, end INTEGER NOT NULL,
        text TEXT NOT NULL, entity_id TEXT NOT NULL, entity_type TEXT NOT NULL, name TEXT NOT NULL,
        country TEXT, sector TEXT, person_id TEXT
    );
    CREATE INDEX mentions_doc ON mentions(doc_id, start);
    CREATE INDEX mentions_entity ON mentions(entity_id);
    CREATE VIRTUAL TABLE sentences_fts USING fts5(text, content='sentences', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
    "#,
];

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// Applies the migrations the database lacks.
pub fn migrate(conn: &mut Connection, path: &str) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > latest() {
        return Err(StoreError::TooNew {
            path: path.to_string(),
            found: version,
            supported: latest(),
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
