//! `casus ingest`: read, process and store documents, one transaction each.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use casus_pipeline::Pipeline;
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

/// Ingests `paths` (the embedded corpus when empty) into `store`. Each
/// document commits on its own; a refused file is reported and skipped.
pub fn ingest_into(
    store: &mut Store,
    paths: &[PathBuf],
    read: &crate::ReadArgs,
    progress: bool,
) -> anyhow::Result<Summary> {
    let pipeline = Pipeline::embedded();
    let opts = read.options();
    let (inputs, warnings) = inputs::expand(paths);
    let mut s = Summary {
        warnings: warnings.len(),
        ..Default::default()
    };
    for w in &warnings {
        eprintln!("casus: warning: {w}");
    }
    let bar = if progress {
        let b = indicatif::ProgressBar::new(inputs.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} docs {binary_bytes_per_sec} eta {eta} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    for input in &inputs {
        if let Some(b) = &bar {
            b.set_message(input.name());
        }
        match inputs::read(input, &opts) {
            Ok((doc, raw)) => {
                s.bytes += raw.len();
                for w in &doc.warnings {
                    s.warnings += 1;
                    let line = format!("casus: warning: {}: {w}", doc.name);
                    match &bar {
                        Some(b) => b.println(line),
                        None => eprintln!("{line}"),
                    }
                }
                if store.has_document(&doc.id)? {
                    s.duplicates += 1;
                } else {
                    let format = doc.format.name().to_string();
                    let name = doc.name.clone();
                    let p = pipeline.process(doc);
                    let n = p.sentences.len();
                    // A failed write (a full disk) rolls back this document
                    // only; it is named and the batch goes on.
                    match store.ingest(&p, &raw) {
                        Ok(Ingested::New) => {
                            s.new += 1;
                            s.sentences += n;
                            *s.formats.entry(format).or_default() += 1;
                        }
                        Ok(Ingested::Duplicate) => s.duplicates += 1,
                        Err(e) => {
                            s.failed += 1;
                            let line = format!("casus: {name}: not stored: {e}");
                            match &bar {
                                Some(b) => b.println(line),
                                None => eprintln!("{line}"),
                            }
                        }
                    }
                }
            }
            Err(e) => {
                s.failed += 1;
                let line = format!("casus: {e}");
                match &bar {
                    Some(b) => b.println(line),
                    None => eprintln!("{line}"),
                }
            }
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(s)
}
