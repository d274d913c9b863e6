//! `casus docs`, `casus show`, `casus search`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use super::open_or_seed;

pub enum View {
    Summary,
    Clean,
    Raw,
    Sentences,
    Sections,
}

pub fn list(db: &Path) -> anyhow::Result<ExitCode> {
    let store = open_or_seed(db)?;
    let docs = store.documents()?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<12} {:<15} {:>9} {:>9}  NAME / TITLE",
        "ID", "FORMAT", "BYTES", "SENTENCES"
    )?;
    for d in docs {
        writeln!(
            out,
            "{:<12} {:<15} {:>9} {:>9}  {} / {}",
            &d.id[..12],
            d.format,
            d.bytes,
            d.sentences,
            d.name,
            d.title.as_deref().unwrap_or("-")
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show(db: &Path, key: &str, view: View) -> anyhow::Result<ExitCode> {
    let store = open_or_seed(db)?;
    let Some(doc) = store.find_document(key)? else {
        bail!(
            "{}: no document matches {key:?} (try `casus docs`)",
            db.display()
        );
    };
    let mut out = std::io::stdout().lock();
    match view {
        View::Summary => {
            let s = &doc.summary;
            writeln!(out, "id:        {}", s.id)?;
            writeln!(out, "name:      {}", s.name)?;
            writeln!(out, "title:     {}", s.title.as_deref().unwrap_or("-"))?;
            writeln!(out, "format:    {}", s.format)?;
            writeln!(out, "bytes:     {} raw, {} clean", s.bytes, doc.clean.len())?;
            writeln!(out, "sentences: {}", s.sentences)?;
            writeln!(out, "ingested:  {}", s.ingested_at)?;
            writeln!(out, "metadata:  {}", doc.metadata)?;
            writeln!(out, "warnings:  {}", doc.warnings)?;
        }
        View::Clean => writeln!(out, "{}", doc.clean)?,
        View::Raw => out.write_all(&doc.raw)?,
        View::Sentences => {
            for s in store.sentences(&doc.summary.id)? {
                writeln!(
                    out,
                    "{}\t{}-{}\t{}\t{}",
                    s.idx, s.span[0], s.span[1], s.kind, s.text
                )?;
            }
        }
        View::Sections => {
            if let Some(secs) = doc.sections.as_array() {
                for s in secs {
                    let level = s["level"].as_u64().unwrap_or(2) as usize;
                    writeln!(
                        out,
                        "{}{}\t{}",
                        "  ".repeat(level.saturating_sub(1)),
                        s["title"].as_str().unwrap_or(""),
                        s["span"]
                    )?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn search(db: &Path, query: &str, limit: usize) -> anyhow::Result<ExitCode> {
    let store = open_or_seed(db)?;
    let hits = store.search(query, limit)?;
    if hits.is_empty() {
        eprintln!("casus: no sentence matches {query:?}");
        return Ok(ExitCode::from(1));
    }
    let mut out = std::io::stdout().lock();
    for h in hits {
        writeln!(
            out,
            "{}\t{}-{}\t{:.2}\t{}",
            h.doc, h.span[0], h.span[1], h.score, h.snippet
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
