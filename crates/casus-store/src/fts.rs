//! Full-text index maintenance, once per write transaction.
//!
//! FTS5 flushes its pending terms to disk at every statement savepoint, and
//! with foreign keys and triggers nearly every INSERT opens one: indexing
//! rows one by one while the rest of a document is written flushes (and
//! merges segments) per row. So the writers only note what changed, and
//! [`Pending::finish`] indexes it in three statements at the end of the
//! transaction. The resulting index holds exactly the same rows and text.

use rusqlite::{params, Connection, Transaction};

use crate::Result;

/// Creates the connection's note of events whose indexed text changes in
/// the current transaction: `old` is the text the index holds for the
/// event (NULL for an event created in the transaction).
pub(crate) fn create_pending(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS events_fts_pending (id INTEGER PRIMARY KEY, old TEXT)",
    )?;
    Ok(())
}

/// The full-text work of one write transaction.
pub(crate) struct Pending {
    /// Sentences with a greater rowid are new in the transaction.
    sentences_after: i64,
}

impl Pending {
    /// Starts noting; call inside the transaction, before any write.
    pub(crate) fn begin(tx: &Transaction) -> Result<Pending> {
        tx.prepare_cached("DELETE FROM temp.events_fts_pending")?
            .execute([])?;
        let sentences_after = tx
            .prepare_cached("SELECT coalesce(max(rowid), 0) FROM sentences")?
            .query_row([], |r| r.get(0))?;
        Ok(Pending { sentences_after })
    }

    /// Indexes the transaction's new sentences and new or changed events.
    pub(crate) fn finish(self, tx: &Transaction) -> Result<()> {
        tx.prepare_cached(
            "INSERT INTO sentences_fts (rowid, text) SELECT rowid, text FROM sentences WHERE rowid > ?1",
        )?
        .execute(params![self.sentences_after])?;
        tx.prepare_cached(
            "INSERT INTO events_fts (events_fts, rowid, text) SELECT 'delete', id, old FROM temp.events_fts_pending WHERE old IS NOT NULL",
        )?
        .execute([])?;
        tx.prepare_cached(
            "INSERT INTO events_fts (rowid, text) SELECT p.id, e.text FROM temp.events_fts_pending p JOIN events e ON e.id = p.id",
        )?
        .execute([])?;
        tx.prepare_cached("DELETE FROM temp.events_fts_pending")?
            .execute([])?;
        Ok(())
    }
}

/// Notes a new event: indexed at the end of the transaction.
pub(crate) fn event_created(tx: &Transaction, id: i64) -> Result<()> {
    tx.prepare_cached("INSERT INTO temp.events_fts_pending (id, old) VALUES (?1, NULL)")?
        .execute(params![id])?;
    Ok(())
}

/// Notes that an event's text is about to change; call before the UPDATE.
/// The first note of the transaction keeps the text the index holds.
pub(crate) fn event_changing(tx: &Transaction, id: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO temp.events_fts_pending (id, old) SELECT id, text FROM events WHERE id = ?1",
    )?
    .execute(params![id])?;
    Ok(())
}
