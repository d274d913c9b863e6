//! `casus ingest`: read, process and store documents, one transaction each.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use casus_store::{Ingested, Store};

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

pub fn run(paths: &[PathBuf], db: &Path, read: &crate::ReadArgs) -> anyhow::Result<ExitCode> {
    let mut store = Store::open(db)?;
    let start = std::time::Instant::now();
    let s = ingest_into(&mut store, paths, read, std::io::stderr().is_terminal())?;
    let secs = start.elapsed().as_secs_f64();
    let formats: Vec<String> = s.formats.iter().map(|(k, v)| format!("{k} {v}")).collect();
    eprintln!(
        "casus: {} new, {} already stored, {} refused; {} sentences; formats: {}; {} warnings; {:.1} MB in {:.2}s ({:.1} MB/s) into {}",
        s.new,
        s.duplicates,
        s.failed,
        s.sentences,
        if formats.is_empty() { "-".to_string() } else { formats.join(", ") },
        s.warnings,
        s.bytes as f64 / 1e6,
        secs,
        s.bytes as f64 / 1e6 / secs.max(1e-9),
        db.display()
    );
    Ok(if s.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Documents and bytes per write transaction: enough to amortise the
/// commit, small enough to bound memory whatever the corpus size.
const BATCH_DOCS: usize = 256;
const BATCH_BYTES: u64 = 64 << 20;

/// Ingests `paths` (the embedded corpus when empty) into `store`. Files
/// are read, cleaned and extracted in parallel, batch by batch; one writer
/// stores each batch in one transaction, so a crash loses at most the batch
/// in flight and never part of a document. A refused file is reported and
/// skipped.
pub fn ingest_into(
    store: &mut Store,
    paths: &[PathBuf],
    read: &crate::ReadArgs,
    progress: bool,
) -> anyhow::Result<Summary> {
    use rayon::prelude::*;
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
    let say = |line: String| match &bar {
        Some(b) => b.println(line),
        None => eprintln!("{line}"),
    };
    let mut i = 0;
    let mut docs_done = 0usize;
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
            .map(|input| inputs::read_raw(input, &opts))
            .collect();
        let mut todo = Vec::new();
        for r in read {
            match r {
                Ok((name, raw)) => {
                    s.bytes += raw.len();
                    if store.has_document(&casus_read::content_id(&raw))? {
                        s.duplicates += 1;
                    } else {
                        todo.push((name, raw));
                    }
                }
                Err(e) => {
                    s.failed += 1;
                    say(format!("casus: {e}"));
                }
            }
        }
        let processed: Vec<_> = todo
            .par_iter()
            .map(|(name, raw)| {
                casus_read::read_bytes(name, raw, &opts).map(|doc| (pipeline.process(doc), raw))
            })
            .collect();
        let mut ok = Vec::new();
        for r in processed {
            match r {
                Ok((p, raw)) => {
                    for w in &p.doc.warnings {
                        s.warnings += 1;
                        say(format!("casus: warning: {}: {w}", p.doc.name));
                    }
                    ok.push((p, raw));
                }
                Err(e) => {
                    s.failed += 1;
                    say(format!("casus: {e}"));
                }
            }
        }
        let items: Vec<(&casus_pipeline::Processed, &[u8])> =
            ok.iter().map(|(p, raw)| (p, raw.as_slice())).collect();
        for ((p, _), result) in ok.iter().zip(store.ingest_batch(&items)?) {
            match result {
                Ingested::New => {
                    s.new += 1;
                    s.sentences += p.sentences.len();
                    *s.formats
                        .entry(p.doc.format.name().to_string())
                        .or_default() += 1;
                }
                Ingested::Duplicate => s.duplicates += 1,
            }
        }
        docs_done += batch.len();
        if let Some(b) = &bar {
            b.inc(bytes);
            b.set_message(format!("{docs_done}/{} docs", inputs.len()));
        }
        i = j;
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(s)
}
