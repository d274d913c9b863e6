//! Bulk builds: a large ingest writes the rows, then what derives from them.
//!
//! Three things in the knowledge base are derived from the rows the
//! writer stores and are only read by queries or by later sessions: the
//! query indexes (every index the schema names, on dates, places,
//! subjects, documents), the `event_keys` posting lists with the triggers
//! that fill them, and the near-duplicate band rows of new facts. Kept up
//! to date row by row, they cost the writer most of its time on a large
//! corpus, because their keys are random: every batch touches pages all
//! over them. (Indexes led by the document key, `doc`, or `key` on the
//! documents themselves, are the exception: a new
//! document's rows go at their end, so they are kept up to date. For the
//! same reason the sources of facts and the mention counts are keyed by
//! document first, and the sources indexed by fact: a mirror's sources
//! name facts stored long before.) A bulk
//! build drops the other indexes and the triggers when it starts
//! and builds them when it ends, each in one sorted pass; it keeps the
//! bands of the facts it writes in memory ([`crate::bands`]) and stores
//! them, recomputed from the facts' columns and shingles, at the end (or
//! earlier, when the memory would not hold them).
//!
//! The full-text indexes are kept up to date, one segment per transaction,
//! but their segments are not merged while the build runs (merging
//! rewrote each term's postings again and again, an eighth of the
//! writer's time): the build ends by merging each index into one segment
//! (`optimize`), and restores their merge settings.
//!
//! The writer itself never reads through what is deferred (it looks rows
//! up by primary keys, `documents.id` and the band rows of facts stored
//! before the build; a fact written by SQL without its first source is
//! the exception, found by a scan), so a bulk build stores exactly what row-by-row
//! writing stores. Everything deferred is recorded in `bulk_build` in the
//! transaction that drops it: if the process dies, the next writer to
//! open the knowledge base completes the build from that record, and the
//! rows committed meanwhile are kept. (A writer that arrives while a build
//! runs completes it as well; the build's own writer notices at its next
//! transaction and goes on row by row.) Readers during a build see every
//! committed row, but queries run without their indexes, and events
//! written since the build started are not in the actor and recipient
//! posting lists until it ends.

use rusqlite::{params, OptionalExtension, Transaction};

use crate::bands::SessionBands;
use crate::facts::{claim_identity, event_identity, keyed_bands, FactKind};
use crate::Result;
use casus_pipeline::sources::Fingerprint;

/// The marker row naming the writing session that owns the build.
const SESSION: &str = "session";

/// The full-text indexes, and the merge settings a build suspends: FTS5's
/// `automerge` (0: no merging as segments are written) and `crisismerge`
/// (segments on one level that force a merge all the same; FTS5 allows
/// fewer than 2,000), with their FTS5 defaults.
const FULL_TEXT: [&str; 2] = ["sentences_fts", "events_fts"];
const MERGE_SETTINGS: [(&str, i64, i64); 2] = [("automerge", 0, 4), ("crisismerge", 1000, 16)];

fn fts_marker(table: &str, setting: &str) -> String {
    format!("fts {table} {setting}")
}

/// Sets a full-text index's merge `setting` (its names are constants).
fn set_fts(tx: &Transaction, table: &str, setting: &str, value: i64) -> Result<()> {
    tx.execute(
        &format!("INSERT INTO {table} ({table}, rank) VALUES (?1, ?2)"),
        params![setting, value],
    )?;
    Ok(())
}

fn bands_marker(kind: FactKind) -> String {
    format!("bands {}", kind.name())
}

/// The session token of the bulk build in progress, if there is one.
pub(crate) fn in_progress(tx: &Transaction) -> Result<Option<i64>> {
    Ok(tx
        .prepare_cached("SELECT upto FROM bulk_build WHERE name = ?1")?
        .query_row([SESSION], |r| r.get(0))
        .optional()?)
}

/// Starts a bulk build owned by `session`: records, then drops, every
/// named index and trigger, and notes the highest fact ids whose band
/// rows are stored. A build already recorded (a writer that died) is
/// completed first.
pub(crate) fn start(tx: &Transaction, session: i64) -> Result<()> {
    if in_progress(tx)?.is_some() {
        complete(tx, None)?;
    }
    let deferred: Vec<(String, String, String)> = tx
        .prepare(
            "SELECT type, name, sql FROM sqlite_master m
             WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
               AND NOT (type = 'index'
                        AND (SELECT name FROM pragma_index_info(m.name) WHERE seqno = 0)
                            = CASE m.tbl_name WHEN 'documents' THEN 'key' ELSE 'doc' END)
             ORDER BY type, name",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut record = tx.prepare("INSERT INTO bulk_build (name, sql, upto) VALUES (?1, ?2, ?3)")?;
    for (kind, name, sql) in &deferred {
        record.execute(params![format!("{kind} {name}"), sql, None::<i64>])?;
        // Names come from sqlite_master; quoted all the same.
        tx.execute_batch(&format!(
            "DROP {} \"{}\"",
            kind.to_uppercase(),
            name.replace('"', "\"\"")
        ))?;
    }
    for kind in [FactKind::Event, FactKind::Claim] {
        record.execute(params![
            bands_marker(kind),
            None::<String>,
            max_id(tx, kind)?
        ])?;
    }
    for table in FULL_TEXT {
        for (setting, during, default) in MERGE_SETTINGS {
            let now: Option<i64> = tx
                .query_row(
                    &format!("SELECT v FROM {table}_config WHERE k = ?1"),
                    [setting],
                    |r| r.get(0),
                )
                .optional()?;
            record.execute(params![
                fts_marker(table, setting),
                None::<String>,
                now.unwrap_or(default)
            ])?;
            set_fts(tx, table, setting, during)?;
        }
    }
    record.execute(params![SESSION, None::<String>, session])?;
    Ok(())
}

/// Completes the bulk build in progress: stores the band rows not yet
/// stored, rebuilds the posting lists, recreates the indexes and
/// triggers, and clears the record. Idempotent steps, so a build
/// interrupted anywhere completes the same way.
pub(crate) fn complete(tx: &Transaction, mut session: Option<&mut SessionBands>) -> Result<()> {
    for kind in [FactKind::Event, FactKind::Claim] {
        store_bands(tx, kind, session.as_deref_mut())?;
    }
    // The posting lists and the indexes are sorted passes: SQLite's sorter
    // sorts on worker threads ([`crate::Store`] allows them) only runs it
    // has spilled, and it spills at the page cache's size. With a small
    // cache for these passes, each run is sorted on another core while the
    // statement reads the next (1 GB knowledge base: 28 s -> 19 s). The
    // cache is restored for what follows.
    let cache: i64 = tx.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    tx.execute_batch(&format!("PRAGMA cache_size = {SORT_RUN_CACHE}"))?;
    let built = build_sorted(tx);
    tx.execute_batch(&format!("PRAGMA cache_size = {cache}"))?;
    built?;
    for table in FULL_TEXT {
        let mut suspended = false;
        for (setting, _, _) in MERGE_SETTINGS {
            let before: Option<i64> = tx
                .prepare_cached("SELECT upto FROM bulk_build WHERE name = ?1")?
                .query_row([fts_marker(table, setting)], |r| r.get(0))
                .optional()?;
            if let Some(before) = before {
                set_fts(tx, table, setting, before)?;
                suspended = true;
            }
        }
        if suspended {
            tx.execute(
                &format!("INSERT INTO {table} ({table}) VALUES ('optimize')"),
                [],
            )?;
        }
    }
    tx.execute_batch("DELETE FROM bulk_build;")?;
    Ok(())
}

/// The page cache, as `PRAGMA cache_size` (negative: KiB), while the
/// build's sorted passes run: the size of each sorted run.
const SORT_RUN_CACHE: i64 = -8192;

/// Rebuilds the posting lists and recreates the deferred indexes and
/// triggers: the sorted passes of [`complete`].
fn build_sorted(tx: &Transaction) -> Result<()> {
    // Built before their indexes exist: one sorted pass into the table,
    // the rows the `events_keys_insert` trigger writes, from one scan of
    // the events (a scan per key read the whole table four times).
    tx.execute_batch(
        "DELETE FROM event_keys;
         INSERT OR IGNORE INTO event_keys (role, key, type, date_key, event_id)
         SELECT * FROM (
             SELECT CASE n WHEN 1 THEN 'a' WHEN 2 THEN 'a' ELSE 'r' END AS role,
                 CASE n WHEN 1 THEN actor_id WHEN 2 THEN nullif(actor_country, actor_id)
                     WHEN 3 THEN recipient_id ELSE nullif(recipient_country, recipient_id)
                 END AS key,
                 type, date_key, id
             FROM events CROSS JOIN
                 (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4))
         WHERE key IS NOT NULL
         ORDER BY 1, 2, 4, 5;",
    )?;
    let deferred: Vec<(String, String)> = tx
        .prepare(
            "SELECT b.sql, substr(b.name, instr(b.name, ' ') + 1) FROM bulk_build b
             WHERE b.sql IS NOT NULL ORDER BY b.name",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (sql, name) in deferred {
        let exists: bool = tx
            .prepare_cached("SELECT count(*) FROM sqlite_master WHERE name = ?1")?
            .query_row([&name], |r| r.get::<_, i64>(0))?
            > 0;
        if !exists {
            tx.execute_batch(&sql)?;
        }
    }
    Ok(())
}

/// Stores the band rows of the facts of `kind` written since the build
/// last stored them, in key order: from the `session`'s memory when it
/// holds them all, else recomputed from the facts' columns and shingles.
/// Returns the highest id they now cover.
pub(crate) fn store_bands(
    tx: &Transaction,
    kind: FactKind,
    session: Option<&mut SessionBands>,
) -> Result<i64> {
    let marker = bands_marker(kind);
    let max = max_id(tx, kind)?;
    let upto: Option<i64> = tx
        .prepare_cached("SELECT upto FROM bulk_build WHERE name = ?1")?
        .query_row([&marker], |r| r.get(0))
        .optional()?;
    // No build (completed by another writer): every band row is stored.
    let Some(upto) = upto else { return Ok(max) };
    if max <= upto {
        return Ok(upto);
    }
    match session.and_then(|s| s.take_rows_in_memory(kind, upto, max)) {
        Some(mut sorted) => {
            // Written in slices, so they are never all in memory twice.
            let mut slice = Vec::with_capacity(ROWS_AT_ONCE);
            loop {
                slice.clear();
                slice.extend(sorted.by_ref().take(ROWS_AT_ONCE));
                if slice.is_empty() {
                    break;
                }
                crate::bands::insert_rows(tx, kind, &slice)?;
            }
        }
        None => {
            let mut rows = band_rows(tx, kind, upto)?;
            rows.sort_unstable();
            rows.dedup();
            crate::bands::insert_rows(tx, kind, &rows)?;
        }
    }
    tx.prepare_cached("UPDATE bulk_build SET upto = ?2 WHERE name = ?1")?
        .execute(params![marker, max])?;
    Ok(max)
}

/// Band rows written per slice from memory (a multiple of the rows per
/// INSERT statement).
const ROWS_AT_ONCE: usize = 1 << 16;

/// `(band, id)` for every fact of `kind` above id `after`, from what its
/// row stores: the same keys [`crate::facts::prepare`] computed.
fn band_rows(tx: &Transaction, kind: FactKind, after: i64) -> Result<Vec<(i64, i64)>> {
    let sql = match kind {
        FactKind::Event => {
            "SELECT id, shingles, type, mode, actor_id, recipient_id, claimed_by, NULL, NULL FROM events WHERE id > ?1"
        }
        FactKind::Claim => {
            "SELECT id, shingles, category, population, item, subject, claimant, low, high FROM claims WHERE id > ?1"
        }
    };
    let mut st = tx.prepare_cached(sql)?;
    let mut rows = st.query([after])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let fp = Fingerprint::from_bytes(r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?);
        let text = |i: usize| r.get_ref(i).map(|v| v.as_str_or_null().ok().flatten());
        let columns = [text(2)?, text(3)?, text(4)?, text(5)?, text(6)?];
        let identity = match kind {
            FactKind::Event => event_identity(columns),
            FactKind::Claim => claim_identity(columns, r.get(7)?, r.get(8)?),
        };
        out.extend(keyed_bands(&fp, identity).into_iter().map(|b| (b, id)));
    }
    Ok(out)
}

fn max_id(tx: &Transaction, kind: FactKind) -> Result<i64> {
    Ok(tx
        .prepare_cached(&format!(
            "SELECT coalesce(max(id), 0) FROM {}s",
            kind.name()
        ))?
        .query_row([], |r| r.get(0))?)
}
