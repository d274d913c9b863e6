//! `casus load`: merge shards of `casus extract` output into the knowledge
//! base (the reduce side of the distributed path).

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use casus_store::{Ingested, Store};

pub fn run(shards: &[PathBuf], db: &Path, bulk: &crate::BulkArg) -> anyhow::Result<ExitCode> {
    let mut store = Store::open(db)?;
    store.tune_for_bulk()?;
    // Standard input counts as no bytes: `--bulk always` builds in bulk.
    let input: u64 = shards
        .iter()
        .filter_map(|s| std::fs::metadata(s).ok())
        .map(|m| m.len())
        .sum();
    let bulk = bulk.wanted(input, store.stored_bytes()?);
    if bulk {
        store.begin_bulk()?;
    }
    let loaded = load_shards(shards, db, &mut store);
    if bulk {
        // As in `ingest`: the first error is the one to report.
        match (store.finish_bulk(), &loaded) {
            (Ok(()), _) => {}
            (Err(e), Err(_)) => eprintln!(
                "casus: {}: the bulk build is left for the next writer to complete: {e}",
                db.display()
            ),
            (Err(e), Ok(_)) => return Err(e.into()),
        }
    }
    loaded
}

fn load_shards(shards: &[PathBuf], db: &Path, store: &mut Store) -> anyhow::Result<ExitCode> {
    let mut c = Counts::default();
    let stdin_path = PathBuf::from("-");
    let shards = if shards.is_empty() {
        std::slice::from_ref(&stdin_path)
    } else {
        shards
    };
    for shard in shards {
        let name = shard.display().to_string();
        let reader: Box<dyn BufRead> = if shard == Path::new("-") {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::io::BufReader::new(
                std::fs::File::open(shard).with_context(|| format!("{name}: cannot open"))?,
            ))
        };
        let mut doc: Vec<serde_json::Value> = Vec::new();
        for (n, line) in reader.lines().enumerate() {
            let line = line.with_context(|| format!("{name}: cannot read line {}", n + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            let rec: serde_json::Value = match serde_json::from_str(&line) {
                Ok(v) => v,
                Err(e) => {
                    c.bad += 1;
                    eprintln!("casus: {name}: line {}: not a JSON record: {e}", n + 1);
                    continue;
                }
            };
            if rec.get("kind").and_then(|k| k.as_str()) == Some("document") {
                flush(&name, &mut doc, store, &mut c)?;
            }
            doc.push(rec);
        }
        flush(&name, &mut doc, store, &mut c)?;
    }
    eprintln!(
        "casus: loaded {} documents, {} already stored, {} problems, into {}",
        c.new,
        c.dup,
        c.bad,
        db.display()
    );
    Ok(if c.bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Default)]
struct Counts {
    new: usize,
    dup: usize,
    bad: usize,
}

/// Stores the records gathered for one document.
fn flush(
    name: &str,
    doc: &mut Vec<serde_json::Value>,
    store: &mut Store,
    c: &mut Counts,
) -> anyhow::Result<()> {
    if doc.is_empty() {
        return Ok(());
    }
    match store.load_document(doc) {
        Ok(Ingested::New) => c.new += 1,
        Ok(Ingested::Duplicate) => c.dup += 1,
        Err(casus_store::StoreError::Load(e)) => {
            c.bad += 1;
            eprintln!("casus: {name}: {e}");
        }
        Err(e) => return Err(e.into()),
    }
    doc.clear();
    Ok(())
}
