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
        raw BLOB,                         -- NULL for documents loaded from extracted records
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
    CREATE INDEX sentences_doc_start ON sentences(doc_id, start);
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
    // 2: events and claims, each with every source that states it.
    r#"
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        type TEXT NOT NULL, mode TEXT,
        actor_id TEXT, actor_country TEXT, actor_sector TEXT,
        recipient_id TEXT, recipient_country TEXT,
        date_start TEXT, date_end TEXT,
        date_key TEXT NOT NULL GENERATED ALWAYS AS (coalesce(date_start, '9999-12-31')) STORED,
        place_id TEXT, lat REAL, lon REAL,
        claimed_by TEXT,
        text TEXT NOT NULL,               -- evidence sentence of the first source
        shingles BLOB NOT NULL,           -- its near-duplicate fingerprint
        record TEXT NOT NULL              -- the full JSON record
    );
    -- Events are listed by date: every index ends in (date_key, id) so a
    -- filtered page is an index range scan, not a sort.
    CREATE INDEX events_type ON events(type, date_key, id);
    CREATE INDEX events_date ON events(date_key, id);
    CREATE INDEX events_place ON events(place_id, date_key, id);
    -- Posting lists: one row per (role, actor key) of an event, so "events of
    -- AZE" finds both its own and its people's and institutions' events
    -- (actor id and actor country) through one index.
    CREATE TABLE event_keys (
        role TEXT NOT NULL,               -- 'a' actor, 'r' recipient
        key TEXT NOT NULL,
        type TEXT NOT NULL,
        date_key TEXT NOT NULL,
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        PRIMARY KEY (role, key, date_key, event_id)
    ) WITHOUT ROWID;
    CREATE INDEX event_keys_event ON event_keys(event_id);
    CREATE INDEX event_keys_type ON event_keys(role, key, type, date_key, event_id);
    CREATE TRIGGER events_keys_insert AFTER INSERT ON events BEGIN
        INSERT OR IGNORE INTO event_keys SELECT 'a', k, NEW.type, NEW.date_key, NEW.id FROM (SELECT NEW.actor_id AS k UNION SELECT NEW.actor_country) WHERE k IS NOT NULL;
        INSERT OR IGNORE INTO event_keys SELECT 'r', k, NEW.type, NEW.date_key, NEW.id FROM (SELECT NEW.recipient_id AS k UNION SELECT NEW.recipient_country) WHERE k IS NOT NULL;
    END;
    CREATE TRIGGER events_keys_date AFTER UPDATE OF date_start ON events BEGIN
        UPDATE event_keys SET date_key = NEW.date_key WHERE event_id = NEW.id;
    END;
    CREATE TABLE event_sources (
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL, end INTEGER NOT NULL,
        PRIMARY KEY (event_id, doc_id, start)
    ) WITHOUT ROWID;
    CREATE INDEX event_sources_doc ON event_sources(doc_id, event_id);
    CREATE TABLE event_bands (band INTEGER NOT NULL, event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE);
    CREATE INDEX event_bands_band ON event_bands(band);
    CREATE VIRTUAL TABLE events_fts USING fts5(text, content='events', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
    CREATE TABLE claims (
        id INTEGER PRIMARY KEY,
        category TEXT NOT NULL, population TEXT, item TEXT,
        subject TEXT, claimant TEXT,
        low INTEGER, high INTEGER,
        date_start TEXT, date_end TEXT,
        text TEXT NOT NULL,
        shingles BLOB NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX claims_subject ON claims(subject, category);
    CREATE INDEX claims_claimant ON claims(claimant);
    CREATE TABLE claim_sources (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL, end INTEGER NOT NULL,
        PRIMARY KEY (claim_id, doc_id, start)
    ) WITHOUT ROWID;
    CREATE INDEX claim_sources_doc ON claim_sources(doc_id, claim_id);
    CREATE TABLE claim_bands (band INTEGER NOT NULL, claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE);
    CREATE INDEX claim_bands_band ON claim_bands(band);
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
