//! `casus ingest`: read, process and store documents, one transaction each.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use casus_store::{Ingested, Prepared, Store};

use crate::inputs;

/// What an ingest did.
#[derive(Default, Debug)]
pub struct Summary {
    pub new: usize,
    pub duplicates: usize,
    pub failed: usize,
    pub sentences: usize,
    pub warnings: usize,
    pub bytes: usize,
    pub formats: BTreeMap<String, usize>,
}

pub fn run(
    paths: &[PathBuf],
    db: &Path,
    read: &crate::ReadArgs,
    bulk: &crate::BulkArg,
) -> anyhow::Result<ExitCode> {
    let mut store = Store::open(db)?;
    store.tune_for_bulk()?;
    let start = std::time::Instant::now();
    let input: u64 = inputs::expand(paths)
        .0
        .iter()
        .map(inputs::Input::size)
        .sum();
    let bulk = bulk.wanted(input, store.stored_bytes()?);
    if bulk {
        store.begin_bulk()?;
    }
    size_processing_for_the_writer(bulk);
    let ingested = ingest_into(&mut store, paths, read, std::io::stderr().is_terminal());
    let mut built = String::new();
    if bulk {
        // Also after a failure: what was committed gets its indexes. If
        // that fails too, the first error is the one to report (and the
        // next writer completes the build).
        let t = std::time::Instant::now();
        let started = store.bulk_started();
        match (store.finish_bulk(), &ingested) {
            (Ok(()), _) if started => {
                built = format!(", indexes built in {:.2}s", t.elapsed().as_secs_f64())
            }
            (Ok(()), _) => {}
            (Err(e), Err(_)) => eprintln!(
                "casus: {}: the bulk build is left for the next writer to complete: {e}",
                db.display()
            ),
            (Err(e), Ok(_)) => return Err(e.into()),
        }
    }
    let s = ingested?;
    let secs = start.elapsed().as_secs_f64();
    let formats: Vec<String> = s.formats.iter().map(|(k, v)| format!("{k} {v}")).collect();
    eprintln!(
        "casus: {} new, {} already stored, {} refused; {} sentences; formats: {}; {} warnings; {:.1} MB in {:.2}s ({:.1} MB/s{}) into {}",
        s.new,
        s.duplicates,
        s.failed,
        s.sentences,
        if formats.is_empty() { "-".to_string() } else { formats.join(", ") },
        s.warnings,
        s.bytes as f64 / 1e6,
        secs,
        s.bytes as f64 / 1e6 / secs.max(1e-9),
        built,
        db.display()
    );
    Ok(if s.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Documents and input bytes per write transaction: enough to amortise
/// what every transaction writes again (the pages at the end of each
/// table and index, a full-text segment, the commit: 512 documents of
/// 15 KB ingest 14% faster than 256), small enough to bound memory
/// whatever the corpus size (a processed batch is many times its input).
const BATCH_DOCS: usize = 512;
const BATCH_BYTES: u64 = 16 << 20;

/// Processed batches waiting for the writer: none, so the next batch is
/// processed while one is written and memory stays at about two batches
/// (a processed batch is many times its input's size).
const QUEUED_BATCHES: usize = 0;

impl Summary {
    /// Adds what another part of the ingest counted.
    fn merge(&mut self, o: Summary) {
        self.new += o.new;
        self.duplicates += o.duplicates;
        self.failed += o.failed;
        self.sentences += o.sentences;
        self.warnings += o.warnings;
        self.bytes += o.bytes;
        for (k, v) in o.formats {
            *self.formats.entry(k).or_default() += v;
        }
    }
}

/// Where messages go: above the progress bar when there is one.
#[derive(Clone, Copy)]
struct Say<'a>(Option<&'a indicatif::ProgressBar>);

impl Say<'_> {
    fn line(&self, line: String) {
        match self.0 {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }
}

/// One batch of processed documents on its way to the writer.
struct Batch {
    /// Documents prepared for the writer with their raw bytes, in input
    /// order.
    docs: Vec<(Prepared, Vec<u8>)>,
    /// Inputs and bytes the batch covers (progress), stored or not.
    inputs: usize,
    bytes: u64,
}

/// Ingests `paths` (the embedded corpus when empty) into `store`. Files
/// are read, cleaned and extracted in parallel, batch by batch, while one
/// writer thread stores the previous batch in one transaction: a crash
/// loses at most the batches in flight and never part of a document. A
/// refused file is reported and skipped.
pub fn ingest_into(
    store: &mut Store,
    paths: &[PathBuf],
    read: &crate::ReadArgs,
    progress: bool,
) -> anyhow::Result<Summary> {
    let pipeline = read.pipeline()?;
    let opts = read.options();
    let (inputs, warnings) = inputs::expand(paths);
    let mut s = Summary {
        warnings: warnings.len(),
        ..Default::default()
    };
    for w in &warnings {
        eprintln!("casus: warning: {w}");
    }
    let sizes: Vec<u64> = inputs.iter().map(inputs::Input::size).collect();
    let total: u64 = sizes.iter().sum();
    let bar = progress.then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let say = Say(bar.as_ref());
    // Documents already stored are skipped before the costly stages; the
    // check reads through its own connection while the writer writes.
    let checker = store.open_reader()?;
    let (queue, batches) = sync_channel::<Batch>(QUEUED_BATCHES);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let total_inputs = inputs.len();
        let writer = scope.spawn(move || write_batches(store, batches, say, total_inputs));
        let produced = produce(
            &inputs,
            &sizes,
            checker.as_ref(),
            &pipeline,
            &opts,
            say,
            queue,
            &mut s,
        );
        // The queue is closed (moved into `produce`): the writer finishes
        // what was queued, even when producing failed.
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("the knowledge-base writer crashed"))?;
        s.merge(written);
        produced
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(s)
}

/// Sizes and ranks the processing threads (the global rayon pool) for
/// the single writer, the slowest stage. Row by row, the writer keeps a
/// core to itself: processing gets one fewer than the machine has (at
/// least one). A bulk build writes less per document, so processing gets
/// every core, but at a lower scheduling priority: whenever the writer
/// can run it has a core, and processing takes what it leaves (on two
/// cores, three threads at one priority gave the writer two thirds of a
/// core). `RAYON_NUM_THREADS` sets the size. Call before any parallel
/// work; a pool already running is left as it is.
pub fn size_processing_for_the_writer(bulk: bool) {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if bulk {
        pool = pool.start_handler(|_| lower_this_threads_priority());
    } else if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        let threads =
            std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
        pool = pool.num_threads(threads);
    }
    let _ = pool.build_global();
}

/// Lowers the calling thread's scheduling priority (nice 10), where the
/// system allows it; best effort, as priorities are only a hint.
fn lower_this_threads_priority() {
    // On Linux the nice value is per thread, and `who = 0` is the caller.
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its integer arguments.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// Reads, checks and processes the inputs batch by batch (each batch in
/// parallel on the rayon pool) and queues the results for the writer, in
/// input order. Counts what it reads, skips and refuses into `s`.
#[allow(clippy::too_many_arguments)]
fn produce(
    inputs: &[inputs::Input],
    sizes: &[u64],
    checker: Option<&Store>,
    pipeline: &casus_pipeline::Pipeline,
    opts: &casus_read::ReadOptions,
    say: Say,
    queue: SyncSender<Batch>,
    s: &mut Summary,
) -> anyhow::Result<()> {
    use rayon::prelude::*;
    let mut i = 0;
    while i < inputs.len() {
        let mut j = i;
        let mut bytes = 0u64;
        while j < inputs.len() && j - i < BATCH_DOCS && (bytes < BATCH_BYTES || j == i) {
            bytes += sizes[j];
            j += 1;
        }
        let batch = &inputs[i..j];
        // Read and hash in parallel; skip what is stored before the costly stages.
        let read: Vec<_> = batch
            .par_iter()
            .map(|input| inputs::read_raw(input, opts))
            .collect();
        let mut todo = Vec::new();
        for r in read {
            match r {
                Ok((name, raw)) => {
                    s.bytes += raw.len();
                    let stored = match checker {
                        Some(c) => c.has_document(&casus_read::content_id(&raw))?,
                        None => false,
                    };
                    if stored {
                        s.duplicates += 1;
                    } else {
                        todo.push((name, raw));
                    }
                }
                Err(e) => {
                    s.failed += 1;
                    say.line(format!("casus: {e}"));
                }
            }
        }
        let processed: Vec<_> = todo
            .into_par_iter()
            .map(|(name, raw)| -> anyhow::Result<_> {
                let p = pipeline.process(casus_read::read_bytes(&name, &raw, opts)?);
                // Only the rows travel on: the processed document is
                // dropped here, on the thread that built it.
                Ok((casus_store::prepare(&p)?, p.doc.warnings, raw))
            })
            .collect();
        let mut docs = Vec::with_capacity(processed.len());
        for r in processed {
            match r {
                Ok((d, warnings, raw)) => {
                    for w in &warnings {
                        s.warnings += 1;
                        say.line(format!("casus: warning: {}: {w}", d.name()));
                    }
                    docs.push((d, raw));
                }
                Err(e) => {
                    s.failed += 1;
                    say.line(format!("casus: {e}"));
                }
            }
        }
        let batch = Batch {
            docs,
            inputs: j - i,
            bytes,
        };
        if queue.send(batch).is_err() {
            // The writer is gone; joining it reports why.
            break;
        }
        i = j;
    }
    Ok(())
}

/// The writer thread: stores each queued batch in one transaction and
/// counts what it stored, until the queue closes.
fn write_batches(store: &mut Store, batches: Receiver<Batch>, say: Say, total: usize) -> Summary {
    let mut s = Summary::default();
    let mut done = 0usize;
    for batch in batches {
        write_batch(store, &batch.docs, say, &mut s);
        done += batch.inputs;
        if let Some(b) = say.0 {
            b.inc(batch.bytes);
            b.set_message(format!("{done}/{total} docs"));
        }
        // Freeing a batch's rows takes a few percent of the writer's time:
        // the processing threads do it.
        rayon::spawn(move || drop(batch));
    }
    s
}

/// Stores one batch in one transaction. A failed write (a full disk) rolls
/// the batch back: then each document is retried alone, so each failure
/// is named and the rest goes on.
fn write_batch(store: &mut Store, docs: &[(Prepared, Vec<u8>)], say: Say, s: &mut Summary) {
    let items: Vec<(&Prepared, Option<&[u8]>)> = docs
        .iter()
        .map(|(d, raw)| (d, Some(raw.as_slice())))
        .collect();
    let results: Vec<_> = match store.ingest_prepared(&items) {
        Ok(r) => r.into_iter().map(Ok).collect(),
        Err(_) => items
            .iter()
            .map(|item| store.ingest_prepared(&[*item]).map(|r| r[0]))
            .collect(),
    };
    for ((d, _), result) in docs.iter().zip(results) {
        match result {
            Ok(Ingested::New) => {
                s.new += 1;
                s.sentences += d.sentence_count();
                *s.formats.entry(d.format().to_string()).or_default() += 1;
            }
            Ok(Ingested::Duplicate) => s.duplicates += 1,
            Err(e) => {
                s.failed += 1;
                say.line(format!("casus: {}: not stored: {e}", d.name()));
            }
        }
    }
}
