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
    /// Set when the sink failed or a thread panicked: workers stop taking
    /// items.
    stopped: bool,
    /// Workers waiting for the sink to move on. Waking them is a system
    /// call, made only when one waits.
    sleepers: usize,
}

/// The items, and how many have been taken.
struct Source<It> {
    items: It,
    taken: usize,
}

/// State shared by the calling thread and the workers.
struct Shared<It> {
    source: Mutex<Source<It>>,
    progress: Mutex<Progress>,
    moved_on: Condvar,
}

impl<It> Shared<It> {
    fn progress(&self) -> std::sync::MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records that `written` results are out (or that work stops), waking
    /// the workers that wait for it.
    fn publish(&self, written: usize, stopped: bool) {
        let mut p = self.progress();
        p.written = written;
        p.stopped |= stopped;
        let wake = p.sleepers > 0;
        drop(p);
        if wake {
            self.moved_on.notify_all();
        }
    }
}

/// Stops every worker when dropped while its thread unwinds, so that a
/// panic in `work` or `sink` ends the scope (which re-raises it) instead of
/// leaving the others waiting for a result that will never come.
struct StopOnPanic<'a, It>(&'a Shared<It>);

impl<It> Drop for StopOnPanic<'_, It> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut p = self.0.progress();
            p.stopped = true;
            drop(p);
            self.0.moved_on.notify_all();
        }
    }
}

/// Results that arrived before their turn, and the sink they go to in order.
struct Reorder<T, F> {
    /// Results by index modulo the window.
    waiting: Vec<Option<T>>,
    written: usize,
    sink: F,
}

impl<T, E, F: FnMut(T) -> Result<(), E>> Reorder<T, F> {
    /// Stores result `i` and hands the sink every result now next in line.
    fn place(&mut self, i: usize, result: T) -> Result<(), E> {
        let window = self.waiting.len();
        self.waiting[i % window] = Some(result);
        while let Some(r) = self.waiting[self.written % window].take() {
            self.written += 1;
            (self.sink)(r)?;
        }
        Ok(())
    }
}

/// Runs `work` on every item of `items` on `threads` threads (the calling
/// thread and `threads - 1` others) and calls `sink` with the results in
/// the order of `items`, on the calling thread. At most `window` items are
/// taken and not yet handed to the sink. The source is read one item at a
/// time (a slice's iterator, or lines of standard input, which arrive as
/// they are read). Stops at the first error of `sink` and returns it; the
/// items after it may or may not have been worked on.
///
/// The calling thread works items too and hands results to the sink
/// between them: on one thread nothing crosses threads at all, and on
/// more a worker's result rarely has to wake a sleeping sink (a wake-up is
/// a system call per document, 2% of a one-thread run when the sink had a
/// thread of its own).
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
    sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
{
    let threads = threads.max(1);
    let window = window.max(threads);
    let shared = Shared {
        source: Mutex::new(Source {
            items: items.into_iter(),
            taken: 0,
        }),
        progress: Mutex::new(Progress {
            written: 0,
            stopped: false,
            sleepers: 0,
        }),
        moved_on: Condvar::new(),
    };
    let (done, results) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 1..threads {
            let done = done.clone();
            let (shared, work) = (&shared, &work);
            scope.spawn(move || {
                let _guard = StopOnPanic(shared);
                loop {
                    let next = {
                        let mut s = shared.source.lock().unwrap_or_else(PoisonError::into_inner);
                        let i = s.taken;
                        s.items.next().map(|item| {
                            s.taken += 1;
                            (i, item)
                        })
                    };
                    let Some((i, item)) = next else {
                        return;
                    };
                    // The item the sink waits for is never held back (it
                    // is below `written + window`), so this cannot deadlock.
                    let mut p = shared.progress();
                    while !p.stopped && i >= p.written + window {
                        p.sleepers += 1;
                        p = shared
                            .moved_on
                            .wait(p)
                            .unwrap_or_else(PoisonError::into_inner);
                        p.sleepers -= 1;
                    }
                    if p.stopped {
                        return;
                    }
                    drop(p);
                    if done.send((i, work(item))).is_err() {
                        return;
                    }
                }
            });
        }
        // Only the workers send: when they have all returned, `recv` fails.
        drop(done);
        let _guard = StopOnPanic(&shared);
        let mut order = Reorder {
            waiting: (0..window).map(|_| None).collect(),
            written: 0,
            sink,
        };
        let mut source_done = false;
        let outcome = loop {
            // Results the workers finished meanwhile, without waiting.
            let before = order.written;
            let mut placed = Ok(());
            while let (Ok(()), Ok((i, r))) = (&placed, results.try_recv()) {
                placed = order.place(i, r);
            }
            if placed.is_err() {
                break placed;
            }
            if order.written > before {
                shared.publish(order.written, false);
            }
            if !source_done {
                let next = {
                    let mut s = shared.source.lock().unwrap_or_else(PoisonError::into_inner);
                    let i = s.taken;
                    if i < order.written + window {
                        match s.items.next() {
                            Some(item) => {
                                s.taken += 1;
                                Some((i, item))
                            }
                            None => {
                                source_done = true;
                                None
                            }
                        }
                    } else {
                        None
                    }
                };
                if let Some((i, item)) = next {
                    let before = order.written;
                    let placed = order.place(i, work(item));
                    if placed.is_err() {
                        break placed;
                    }
                    if order.written > before {
                        shared.publish(order.written, false);
                    }
                    continue;
                }
            }
            // The window is full or the source is done: wait for a worker.
            let before = order.written;
            match results.recv() {
                Ok((i, r)) => {
                    if let Err(e) = order.place(i, r) {
                        break Err(e);
                    }
                }
                // Every worker has returned (or one panicked: the scope
                // then re-raises the panic).
                Err(_) => break Ok(()),
            }
            if order.written > before {
                shared.publish(order.written, false);
            }
        };
        if outcome.is_err() {
            shared.publish(order.written, true);
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
    fn a_panic_in_any_thread_is_raised_not_a_hang() {
        // Item 5 panics on whichever thread takes it (the calling thread or
        // a worker); the others must stop waiting for its result.
        for threads in [1, 2, 3] {
            let items: Vec<usize> = (0..1_000).collect();
            let r = std::panic::catch_unwind(|| {
                for_each_ordered(
                    &items,
                    threads,
                    3,
                    |&i: &usize| {
                        assert_ne!(i, 5, "item five");
                        std::thread::sleep(Duration::from_micros(100));
                        i
                    },
                    |_| Ok::<_, ()>(()),
                )
            });
            assert!(r.is_err(), "{threads} threads");
        }
    }

    #[test]
    fn one_thread_works_on_the_calling_thread() {
        let caller = std::thread::current().id();
        let mut n = 0;
        for_each_ordered(
            0..50,
            1,
            4,
            |i| {
                assert_eq!(std::thread::current().id(), caller);
                i
            },
            |i| {
                assert_eq!(i, n);
                n += 1;
                Ok::<_, ()>(())
            },
        )
        .unwrap();
        assert_eq!(n, 50);
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
