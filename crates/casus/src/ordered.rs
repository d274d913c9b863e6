//! An ordered parallel map that streams: items are taken from a source one
//! at a time, worked on by several threads, and their results handed to one
//! sink in the source's order, as soon as each is next.
//!
//! Why not a batch at a time: a batch holds every result until its slowest
//! item is done, so memory grows with the batch (the JSON of 64 documents,
//! about 23 MB on the generated corpus, every page of it touched fresh) and
//! threads idle at each batch's end. Here a worker may run at most `window`
//! items ahead of the sink, so at most `window` results wait.

use std::sync::mpsc;
use std::sync::{Condvar, Mutex, PoisonError};

/// How far the sink has got, shared with the workers.
struct Progress {
    /// Results handed to the sink so far.
    written: usize,
    /// Set when the sink failed: workers stop taking items.
    stopped: bool,
}

/// Runs `work` on every item of `items` on `threads` threads and calls
/// `sink` with the results in the order of `items`, on the calling thread.
/// At most `window` items are taken and not yet handed to the sink. The
/// source is read by the workers, one item at a time (a slice's iterator,
/// or lines of standard input, which arrive as they are read). Stops at the
/// first error of `sink` and returns it; the items after it may or may not
/// have been worked on.
///
/// ```ignore
/// let mut out = Vec::new();
/// for_each_ordered([1, 2, 3], 2, 4, |n| n * 10, |r| { out.push(r); Ok::<_, ()>(()) })?;
/// assert_eq!(out, [10, 20, 30]);
/// ```
pub fn for_each_ordered<I, T, E>(
    items: impl IntoIterator<Item = I, IntoIter: Send>,
    threads: usize,
    window: usize,
    work: impl Fn(I) -> T + Sync,
    mut sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
{
    let threads = threads.max(1);
    let window = window.max(threads);
    let source = Mutex::new(items.into_iter().enumerate());
    let progress = Mutex::new(Progress {
        written: 0,
        stopped: false,
    });
    let moved_on = Condvar::new();
    let (done, results) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let done = done.clone();
            let (source, progress, moved_on, work) = (&source, &progress, &moved_on, &work);
            scope.spawn(move || loop {
                let next = source.lock().unwrap_or_else(PoisonError::into_inner).next();
                let Some((i, item)) = next else {
                    return;
                };
                // The item the sink waits for is never held back (it is
                // below `written + window`), so this cannot deadlock.
                let mut p = progress.lock().unwrap_or_else(PoisonError::into_inner);
                while !p.stopped && i >= p.written + window {
                    p = moved_on.wait(p).unwrap_or_else(PoisonError::into_inner);
                }
                if p.stopped {
                    return;
                }
                drop(p);
                if done.send((i, work(item))).is_err() {
                    return;
                }
            });
        }
        drop(done);
        // Results that arrived before their turn, by index modulo `window`.
        let mut waiting: Vec<Option<T>> = (0..window).map(|_| None).collect();
        let mut written = 0;
        let mut outcome = Ok(());
        // Ends when every worker has returned (or one panicked: the scope
        // then re-raises the panic).
        for (i, result) in results.iter() {
            waiting[i % window] = Some(result);
            let before = written;
            while let Some(r) = waiting[written % window].take() {
                written += 1;
                if let Err(e) = sink(r) {
                    outcome = Err(e);
                    break;
                }
            }
            if written > before || outcome.is_err() {
                let mut p = progress.lock().unwrap_or_else(PoisonError::into_inner);
                p.written = written;
                p.stopped = outcome.is_err();
                drop(p);
                moved_on.notify_all();
            }
            if outcome.is_err() {
                break;
            }
        }
        outcome
    })
}

/// The number of worker threads: `RAYON_NUM_THREADS` when set (as for the
/// rest of casus), else the machine's parallelism.
pub fn threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn collect(items: &[u64], threads: usize, window: usize) -> Vec<u64> {
        let mut out = Vec::new();
        for_each_ordered(
            items,
            threads,
            window,
            |&n: &u64| {
                // Later items finish first, so order must be restored.
                std::thread::sleep(Duration::from_micros(500 * (n % 4)));
                n * 10
            },
            |r| {
                out.push(r);
                Ok::<_, ()>(())
            },
        )
        .unwrap();
        out
    }

    #[test]
    fn results_come_in_input_order_whatever_finishes_first() {
        let items: Vec<u64> = (0..200).rev().collect();
        let want: Vec<u64> = items.iter().map(|n| n * 10).collect();
        for (threads, window) in [(1, 1), (2, 2), (3, 4), (4, 64), (8, 3)] {
            assert_eq!(collect(&items, threads, window), want, "{threads} threads");
        }
    }

    #[test]
    fn no_items_no_calls() {
        assert!(collect(&[], 4, 8).is_empty());
    }

    #[test]
    fn never_more_than_window_results_outstanding() {
        let items: Vec<usize> = (0..300).collect();
        let started = AtomicUsize::new(0);
        let mut written = 0;
        let window = 5;
        for_each_ordered(
            &items,
            4,
            window,
            |&i: &usize| {
                started.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_micros(50 * (i % 7) as u64));
                i
            },
            |i| {
                assert_eq!(i, written);
                written += 1;
                // Started items not yet written fit in the window.
                assert!(started.load(Ordering::SeqCst) <= written - 1 + window);
                Ok::<_, ()>(())
            },
        )
        .unwrap();
        assert_eq!(written, 300);
    }

    #[test]
    fn a_lazy_source_is_read_no_further_ahead_than_the_window() {
        let pulled = AtomicUsize::new(0);
        let source = (0..500usize).inspect(|_| {
            pulled.fetch_add(1, Ordering::SeqCst);
        });
        let (threads, window) = (3, 6);
        let mut written = 0;
        for_each_ordered(
            source,
            threads,
            window,
            |i| i,
            |i| {
                assert_eq!(i, written);
                written += 1;
                // Each worker may hold one item past the window, waiting.
                assert!(pulled.load(Ordering::SeqCst) <= written - 1 + window + threads);
                Ok::<_, ()>(())
            },
        )
        .unwrap();
        assert_eq!(written, 500);
    }

    #[test]
    fn a_sink_error_stops_the_work_and_is_returned() {
        let items: Vec<usize> = (0..10_000).collect();
        let worked = AtomicUsize::new(0);
        let mut seen = 0;
        let r = for_each_ordered(
            &items,
            2,
            4,
            |&i: &usize| {
                worked.fetch_add(1, Ordering::SeqCst);
                i
            },
            |i| {
                seen += 1;
                if i == 7 {
                    Err(format!("disk full at {i}"))
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(r, Err("disk full at 7".to_string()));
        assert_eq!(seen, 8);
        assert!(worked.load(Ordering::SeqCst) < 100);
    }
}
