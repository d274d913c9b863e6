//! Versioned schema migrations, tracked in `PRAGMA user_version`.
//!
//! The pending migrations run in one transaction; a knowledge base written
//! by a newer casus is refused rather than damaged.

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
    // 3: compact, append-ordered storage. Documents get an integer key
    // (the content id stays, unique): every child index used to begin with
    // a random 64-digit id, so each insert landed on a random page and the
    // writer slowed as the knowledge base grew. Mentions, timexes and
    // removed spans are per-document annotations, stored as one JSON row a
    // document (they are only ever read a document at a time); who is
    // mentioned where is kept as counts per (entity, document), and each
    // entity's name and kind once. Near-duplicate bands are a covering
    // (band, fact) key instead of a table and an index.
    r#"
    ALTER TABLE documents RENAME TO documents_v2;
    ALTER TABLE sentences RENAME TO sentences_v2;
    ALTER TABLE event_sources RENAME TO event_sources_v2;
    ALTER TABLE claim_sources RENAME TO claim_sources_v2;
    ALTER TABLE event_bands RENAME TO event_bands_v2;
    ALTER TABLE claim_bands RENAME TO claim_bands_v2;
    DROP INDEX sentences_doc_start;
    DROP INDEX event_sources_doc;
    DROP INDEX claim_sources_doc;
    DROP INDEX event_bands_band;
    DROP INDEX claim_bands_band;

    CREATE TABLE documents (
        key INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,          -- SHA-256 of the raw bytes
        name TEXT NOT NULL,
        format TEXT NOT NULL,
        title TEXT,
        bytes INTEGER NOT NULL,
        doc_date TEXT,
        ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        metadata TEXT NOT NULL,           -- JSON object
        sections TEXT NOT NULL,           -- JSON array
        warnings TEXT NOT NULL,           -- JSON array
        references_json TEXT NOT NULL,    -- JSON array
        -- The large columns last: listing documents reads no overflow pages.
        clean TEXT NOT NULL,
        raw BLOB                          -- NULL for documents loaded from extracted records
    );
    INSERT INTO documents (key, id, name, format, title, bytes, doc_date, ingested_at, metadata, sections, warnings, references_json, clean, raw)
        SELECT rowid, id, name, format, title, bytes, doc_date, ingested_at, metadata, sections, warnings, references_json, clean, raw
        FROM documents_v2 ORDER BY rowid;

    CREATE TABLE sentences (
        doc INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start INTEGER NOT NULL, end INTEGER NOT NULL,          -- raw bytes
        clean_start INTEGER NOT NULL, clean_end INTEGER NOT NULL,
        kind TEXT NOT NULL,
        section TEXT,
        text TEXT NOT NULL,
        UNIQUE (doc, idx)
    );
    CREATE INDEX sentences_doc_start ON sentences(doc, start);
    -- Same rowids: the full-text index over sentences stays valid.
    INSERT INTO sentences (rowid, doc, idx, start, end, clean_start, clean_end, kind, section, text)
        SELECT s.rowid, d.rowid, s.idx, s.start, s.end, s.clean_start, s.clean_end, s.kind, s.section, s.text
        FROM sentences_v2 s JOIN documents_v2 d ON d.id = s.doc_id ORDER BY s.rowid;

    -- One row a document. Each column is a JSON array of arrays, in span order:
    --   mentions [start, end, text, entity_id, person_id]
    --   timexes  [start, end, text, type, value, mod, date_start, date_end]
    --   removed  [kind, start, end]
    CREATE TABLE annotations (
        doc INTEGER PRIMARY KEY REFERENCES documents(key) ON DELETE CASCADE,
        mention_count INTEGER NOT NULL,
        timex_count INTEGER NOT NULL,
        mentions TEXT NOT NULL,
        timexes TEXT NOT NULL,
        removed TEXT NOT NULL
    );
    INSERT INTO annotations (doc, mention_count, timex_count, mentions, timexes, removed)
        SELECT d.rowid,
            (SELECT count(*) FROM mentions m WHERE m.doc_id = d.id),
            (SELECT count(*) FROM timexes t WHERE t.doc_id = d.id),
            coalesce((SELECT json_group_array(json(j)) FROM (SELECT json_array(m.start, m.end, m.text, m.entity_id, m.person_id) AS j
                FROM mentions m WHERE m.doc_id = d.id ORDER BY m.start, m.end, m.rowid)), '[]'),
            coalesce((SELECT json_group_array(json(j)) FROM (SELECT json_array(t.start, t.end, t.text, t.type, t.value, t.mod, t.date_start, t.date_end) AS j
                FROM timexes t WHERE t.doc_id = d.id ORDER BY t.start, t.end, t.rowid)), '[]'),
            coalesce((SELECT json_group_array(json(j)) FROM (SELECT json_array(r.kind, r.start, r.end) AS j
                FROM removed r WHERE r.doc_id = d.id ORDER BY r.start, r.rowid)), '[]')
        FROM documents_v2 d;

    -- Every entity mentioned, once (its kind and name as first stored).
    CREATE TABLE entities (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        country TEXT,
        sector TEXT
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO entities (id, type, name, country, sector)
        SELECT entity_id, entity_type, name, country, sector FROM mentions ORDER BY rowid;
    -- How often each entity is mentioned in each document.
    CREATE TABLE entity_mentions (
        entity_id TEXT NOT NULL,
        doc INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
        count INTEGER NOT NULL,
        PRIMARY KEY (entity_id, doc)
    ) WITHOUT ROWID;
    INSERT INTO entity_mentions (entity_id, doc, count)
        SELECT m.entity_id, d.rowid, count(*) FROM mentions m JOIN documents_v2 d ON d.id = m.doc_id GROUP BY m.entity_id, d.rowid;

    CREATE TABLE event_sources (
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        doc INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
        start INTEGER NOT NULL, end INTEGER NOT NULL,
        PRIMARY KEY (event_id, doc, start)
    ) WITHOUT ROWID;
    CREATE INDEX event_sources_doc ON event_sources(doc, event_id);
    INSERT INTO event_sources (event_id, doc, start, end)
        SELECT s.event_id, d.rowid, s.start, s.end FROM event_sources_v2 s JOIN documents_v2 d ON d.id = s.doc_id;
    CREATE TABLE claim_sources (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        doc INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
        start INTEGER NOT NULL, end INTEGER NOT NULL,
        PRIMARY KEY (claim_id, doc, start)
    ) WITHOUT ROWID;
    CREATE INDEX claim_sources_doc ON claim_sources(doc, claim_id);
    INSERT INTO claim_sources (claim_id, doc, start, end)
        SELECT s.claim_id, d.rowid, s.start, s.end FROM claim_sources_v2 s JOIN documents_v2 d ON d.id = s.doc_id;

    CREATE TABLE event_bands (
        band INTEGER NOT NULL,
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        PRIMARY KEY (band, event_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO event_bands (band, event_id) SELECT band, event_id FROM event_bands_v2;
    CREATE TABLE claim_bands (
        band INTEGER NOT NULL,
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        PRIMARY KEY (band, claim_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO claim_bands (band, claim_id) SELECT band, claim_id FROM claim_bands_v2;

    -- Each fact's first source (by document content id, then offset), whose
    -- record is the canonical one: kept on the fact, so a new source is
    -- compared with it instead of with every source the fact has.
    ALTER TABLE events ADD COLUMN first_doc INTEGER;
    ALTER TABLE events ADD COLUMN first_start INTEGER;
    ALTER TABLE claims ADD COLUMN first_doc INTEGER;
    ALTER TABLE claims ADD COLUMN first_start INTEGER;
    UPDATE events SET (first_doc, first_start) = (SELECT s.doc, s.start FROM event_sources s JOIN documents d ON d.key = s.doc
        WHERE s.event_id = events.id ORDER BY d.id, s.start LIMIT 1);
    UPDATE claims SET (first_doc, first_start) = (SELECT s.doc, s.start FROM claim_sources s JOIN documents d ON d.key = s.doc
        WHERE s.claim_id = claims.id ORDER BY d.id, s.start LIMIT 1);

    -- Posting lists written by four plain inserts: the UNION the trigger
    -- used to remove a repeated key built a temporary table per event.
    DROP TRIGGER events_keys_insert;
    CREATE TRIGGER events_keys_insert AFTER INSERT ON events BEGIN
        INSERT OR IGNORE INTO event_keys SELECT 'a', NEW.actor_id, NEW.type, NEW.date_key, NEW.id WHERE NEW.actor_id IS NOT NULL;
        INSERT OR IGNORE INTO event_keys SELECT 'a', NEW.actor_country, NEW.type, NEW.date_key, NEW.id
            WHERE NEW.actor_country IS NOT NULL AND NEW.actor_country IS NOT NEW.actor_id;
        INSERT OR IGNORE INTO event_keys SELECT 'r', NEW.recipient_id, NEW.type, NEW.date_key, NEW.id WHERE NEW.recipient_id IS NOT NULL;
        INSERT OR IGNORE INTO event_keys SELECT 'r', NEW.recipient_country, NEW.type, NEW.date_key, NEW.id
            WHERE NEW.recipient_country IS NOT NULL AND NEW.recipient_country IS NOT NEW.recipient_id;
    END;

    DROP TABLE mentions;
    DROP TABLE timexes;
    DROP TABLE removed;
    DROP TABLE sentences_v2;
    DROP TABLE event_sources_v2;
    DROP TABLE claim_sources_v2;
    DROP TABLE event_bands_v2;
    DROP TABLE claim_bands_v2;
    DROP TABLE documents_v2;
    "#,
    // 4: bulk builds ([`crate::bulk`]): what a large ingest deferred, so
    // that the next writer can complete a build whose writer died.
    r#"
    CREATE TABLE bulk_build (
        name TEXT PRIMARY KEY,   -- 'session', 'bands event', 'bands claim', or '<index|trigger> <name>'
        sql TEXT,                -- the statement that recreates a deferred index or trigger
        upto INTEGER             -- the owning session's token, or the highest fact id whose band rows are stored
    );
    "#,
    // 5: sources and mention counts keyed by document first. A document's
    // rows then go at the end of these tables whatever facts or entities
    // they name (by fact or entity their keys were random: a mirror's
    // sources touched pages all over them); the indexes by fact and by
    // entity serve the other lookups, and a bulk build defers them.
    r#"
    ALTER TABLE event_sources RENAME TO event_sources_v4;
    ALTER TABLE claim_sources RENAME TO claim_sources_v4;
    ALTER TABLE entity_mentions RENAME TO entity_mentions_v4;
    DROP INDEX event_sources_doc;
    DROP INDEX claim_sources_doc;
    CREATE TABLE event_sources (
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        doc INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
        start INTEGER NOT NULL, end INTEGER NOT NULL,
        PRIMARY KEY (doc, start, event_id)
    ) WITHOUT ROWID;
    INSERT INTO event_sources (event_id, doc, start, end)
        SELECT event_id, doc, start, end FROM event_sources_v4 ORDER BY doc, start, event_id;
    CREATE INDEX event_sources_event ON event_sources(event_id, doc, start, end);
    CREATE TABLE claim_sources (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        doc INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
        start INTEGER NOT NULL, end INTEGER NOT NULL,
        PRIMARY KEY (doc, start, claim_id)
    ) WITHOUT ROWID;
    INSERT INTO claim_sources (claim_id, doc, start, end)
        SELECT claim_id, doc, start, end FROM claim_sources_v4 ORDER BY doc, start, claim_id;
    CREATE INDEX claim_sources_claim ON claim_sources(claim_id, doc, start, end);
    CREATE TABLE entity_mentions (
        entity_id TEXT NOT NULL,
        doc INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
        count INTEGER NOT NULL,
        PRIMARY KEY (doc, entity_id)
    ) WITHOUT ROWID;
    INSERT INTO entity_mentions (entity_id, doc, count)
        SELECT entity_id, doc, count FROM entity_mentions_v4 ORDER BY doc, entity_id;
    CREATE INDEX entity_mentions_entity ON entity_mentions(entity_id, count);
    DROP TABLE event_sources_v4;
    DROP TABLE claim_sources_v4;
    DROP TABLE entity_mentions_v4;
    "#,
    // 6: full-text terms pending in memory up to 32 MB, not 1 MB, before
    // they are written as a segment: a write transaction (512 documents)
    // writes one segment instead of one per megabyte, and later merges
    // have fewer segments to merge.
    r#"
    INSERT INTO sentences_fts (sentences_fts, rank) VALUES ('hashsize', 33554432);
    INSERT INTO events_fts (events_fts, rank) VALUES ('hashsize', 33554432);
    "#,
    // 7: each entity's mention total on its row, kept by the writer, for
    // the one question asked of mentions by entity (how often, in all):
    // the index by entity that answered it by a scan of its entries was
    // the largest step of a bulk build (13.8 s of 60 at 1 GB). A deleted
    // document's counts leave the totals through the trigger. A bulk
    // build that deferred the index no longer builds it.
    r#"
    ALTER TABLE entities ADD COLUMN mentions INTEGER NOT NULL DEFAULT 0;
    UPDATE entities SET mentions = t.n
        FROM (SELECT entity_id, sum(count) AS n FROM entity_mentions GROUP BY entity_id) AS t
        WHERE t.entity_id = entities.id;
    DROP INDEX IF EXISTS entity_mentions_entity;
    DELETE FROM bulk_build WHERE name = 'index entity_mentions_entity';
    CREATE TRIGGER entity_mentions_delete AFTER DELETE ON entity_mentions BEGIN
        UPDATE entities SET mentions = mentions - OLD.count WHERE id = OLD.entity_id;
    END;
    "#,
    // 8: the totals `Store::stats` sums, in narrow indexes led by the
    // document key: summing them scanned the wide rows (mention and date
    // JSON, document text), 10 s and 9 s on a cold 1 GB knowledge base.
    r#"
    CREATE INDEX annotations_counts ON annotations(doc, mention_count, timex_count);
    CREATE INDEX documents_bytes ON documents(key, bytes);
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
    if version == latest() {
        return Ok(());
    }
    // All pending migrations in one transaction: a knowledge base is at
    // its old version or the latest, never in between.
    let tx = conn.transaction()?;
    for sql in MIGRATIONS.iter().skip(version as usize) {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", latest())?;
    tx.commit()?;
    Ok(())
}
