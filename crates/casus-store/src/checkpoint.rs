//! Checkpoints on a thread of their own, while the writer goes on writing.
//!
//! In WAL mode every committed page is written twice: into the log at
//! commit, and into the database file by a checkpoint. SQLite runs the
//! checkpoint in the committing writer (`wal_autocheckpoint`), which then
//! waits for the copy and its `fsync`: on a bulk load, a seventh of the
//! writer's time. A [`Checkpointer`] takes that copy to a second
//! connection on another thread: after each commit it copies what the
//! commit logged (a `PASSIVE` checkpoint: it never blocks the writer or
//! readers) while the writer writes the next transaction.
//!
//! The log can only start over from its beginning when a transaction
//! begins with every frame copied. So once the log holds more than
//! [`RESTART_FRAMES`], the writer waits for the copy to catch up after a
//! commit, and its next transaction restarts the log: the log stays
//! bounded, and the writer waits for one transaction's copy in every few.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use rusqlite::Connection;

/// Log size (in 4 KB frames; 1 GB) past which the writer lets the copy
/// catch up so that the log restarts.
pub(crate) const RESTART_FRAMES: i64 = 1 << 18;

/// A checkpointing thread for one writer connection.
pub(crate) struct Checkpointer {
    requests: Option<SyncSender<()>>,
    /// Frames in the log after each checkpoint, or why it failed.
    results: Receiver<rusqlite::Result<i64>>,
    /// A checkpoint was requested and its result not yet received.
    outstanding: bool,
    /// Log size past which the log is let restart ([`RESTART_FRAMES`]).
    restart_frames: i64,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread, with its own connection to the database `file`;
    /// `None` if either cannot be had (the writer then checkpoints by
    /// itself, as SQLite does). The writer's connection should stop
    /// checkpointing by itself (`PRAGMA wal_autocheckpoint = 0`).
    pub(crate) fn start(file: &str, restart_frames: i64) -> Option<Checkpointer> {
        Checkpointer::start_late(file, restart_frames, std::time::Duration::ZERO)
    }

    /// [`Checkpointer::start`] with a thread that waits `late` before each
    /// checkpoint (tests: a copy always slower than the writer).
    fn start_late(
        file: &str,
        restart_frames: i64,
        late: std::time::Duration,
    ) -> Option<Checkpointer> {
        let conn = Connection::open(file).ok()?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).ok()?;
        let (requests, todo) = sync_channel::<()>(1);
        let (report, results) = sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("casus-checkpoint".into())
            .spawn(move || {
                for () in todo {
                    if !late.is_zero() {
                        std::thread::sleep(late);
                    }
                    let result = conn
                        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1));
                    if report.send(result).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(Checkpointer {
            requests: Some(requests),
            results,
            outstanding: false,
            restart_frames,
            thread: Some(thread),
        })
    }

    /// Call after each commit: collects the previous checkpoint, starts one
    /// for what this commit logged and, when the log has grown past
    /// its restart size, waits for it, so the next transaction restarts
    /// the log. False when the thread is gone (the writer should then
    /// checkpoint by itself again).
    pub(crate) fn committed(&mut self) -> bool {
        let logged = match self.collect() {
            Some(logged) => logged,
            None => return false,
        };
        let Some(requests) = &self.requests else {
            return false;
        };
        if requests.send(()).is_err() {
            return false;
        }
        self.outstanding = true;
        if logged > self.restart_frames {
            return self.collect().is_some();
        }
        true
    }

    /// Waits for the outstanding checkpoint: the frames in the log (0 when
    /// none was outstanding; a failed checkpoint counts as a full log, so
    /// the next commit waits and retries), or `None` when the thread is gone.
    fn collect(&mut self) -> Option<i64> {
        if !self.outstanding {
            return Some(0);
        }
        self.outstanding = false;
        match self.results.recv() {
            Ok(Ok(frames)) => Some(frames),
            // Such as a full disk: the writer's next commit reports it.
            Ok(Err(_)) => Some(i64::MAX),
            Err(_) => None,
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Closing the queue ends the thread after its current checkpoint.
        self.requests = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that logs `frames` 4 KB pages a transaction, checkpointed
    /// by a thread that lets the log restart past `restart` frames; returns
    /// the largest log and database files seen.
    fn write(dir: &std::path::Path, restart: i64, transactions: usize) -> (u64, u64) {
        let file = dir.join("kb.db");
        let conn = Connection::open(&file).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;
             CREATE TABLE t (x BLOB);",
        )
        .unwrap();
        // Each copy starts after the writer's next transaction has begun:
        // the log only restarts when the writer waits for it.
        let late = std::time::Duration::from_millis(5);
        let mut c = Checkpointer::start_late(file.to_str().unwrap(), restart, late).unwrap();
        let wal = dir.join("kb.db-wal");
        let mut largest = 0;
        let version = |c: &Connection| -> i64 {
            c.query_row("PRAGMA data_version", [], |r| r.get(0))
                .unwrap()
        };
        let before = version(&conn);
        for _ in 0..transactions {
            // About 25 pages of new rows, in a transaction that lasts
            // longer than the copy's delay, as a writer's does.
            conn.execute_batch("BEGIN; INSERT INTO t VALUES (randomblob(100000));")
                .unwrap();
            std::thread::sleep(late * 2);
            conn.execute_batch("COMMIT").unwrap();
            assert!(c.committed());
            largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        }
        drop(c);
        // The copies are not writes of another connection: the writer's
        // caches of what it wrote stay valid ([`crate::bands`]).
        assert_eq!(version(&conn), before);
        let db = std::fs::metadata(&file).unwrap().len();
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, transactions as i64);
        (largest, db)
    }

    #[test]
    fn copies_each_commit_into_the_database_and_keeps_the_log_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let (log, db) = write(dir.path(), 100, 60);
        // Sixty transactions of 100 KB: the pages are in the database file
        // itself (the log is not checkpointed at close: the writer is open).
        assert!(db > 60 * 100_000, "database file {db} bytes");
        // The log restarts once it holds 100 frames: it never holds much
        // more than that and the transaction after it (all 60 would be
        // over 1,500 frames).
        assert!(log < 200 * 4200, "log {log} bytes");
    }

    #[test]
    fn without_a_restart_the_log_keeps_every_transaction() {
        // The counterpart: the bound above comes from the restart.
        let dir = tempfile::tempdir().unwrap();
        let (log, _) = write(dir.path(), i64::MAX, 60);
        assert!(log > 60 * 100_000, "log {log} bytes");
    }
}
