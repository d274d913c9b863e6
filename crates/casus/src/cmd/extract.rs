//! `casus extract`: records on standard output, no database.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use casus_pipeline::{records, Pipeline};

use crate::inputs;

/// One document's JSON lines and the warnings to print before them.
type Output = (Vec<u8>, Vec<String>);

pub fn run(
    files: &[PathBuf],
    stdin: bool,
    candidates: bool,
    read: &crate::ReadArgs,
) -> anyhow::Result<ExitCode> {
    let pipeline = read.pipeline()?;
    let opts = read.options();
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    if stdin {
        return run_stdin(&pipeline, &opts, candidates, &mut out);
    }
    let (inputs, warnings) = inputs::expand(files);
    for w in &warnings {
        eprintln!("casus: warning: {w}");
    }
    // Documents are processed in parallel and written in input order as
    // each is next, so memory stays bounded and output is deterministic.
    let threads = crate::ordered::threads();
    let mut failed = 0;
    crate::ordered::for_each_ordered(
        &inputs,
        threads,
        4 * threads,
        |input| -> Result<Output, casus_read::ReadError> {
            let (doc, _) = inputs::read(input, &opts)?;
            let warnings = doc
                .warnings
                .iter()
                .map(|w| format!("casus: warning: {}: {w}", doc.name))
                .collect();
            let p = pipeline.process(doc);
            let buf = records::json_lines(&p, candidates.then_some(&pipeline.gazetteer))
                .expect("every record's keys are strings");
            Ok((buf, warnings))
        },
        |o| -> std::io::Result<()> {
            match o {
                Ok((buf, warnings)) => {
                    for w in warnings {
                        eprintln!("{w}");
                    }
                    out.write_all(&buf)
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("casus: {e}");
                    Ok(())
                }
            }
        },
    )?;
    out.flush()?;
    Ok(if failed > 0 && failed == inputs.len() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads `{"id", "text"}` lines and writes each document's records, in
/// input order, as soon as it and those before it are done; documents are
/// worked on in parallel.
fn run_stdin(
    pipeline: &Pipeline,
    opts: &casus_read::ReadOptions,
    candidates: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    #[derive(serde::Deserialize)]
    struct Line {
        id: serde_json::Value,
        text: String,
    }
    let threads = crate::ordered::threads();
    let lines = std::io::BufReader::new(std::io::stdin()).lines();
    crate::ordered::for_each_ordered(
        lines,
        threads,
        4 * threads,
        |line| -> anyhow::Result<Option<Vec<u8>>> {
            let line = line.context("reading standard input")?;
            if line.trim().is_empty() {
                return Ok(None);
            }
            let parsed: Line = serde_json::from_str(&line)
                .map_err(|e| anyhow::anyhow!("not a {{\"id\", \"text\"}} JSON object: {e}"))?;
            let id = match parsed.id {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            let doc = casus_read::read_bytes(&id, parsed.text.as_bytes(), opts)?;
            let p = pipeline.process(doc);
            let buf = records::json_lines(&p, candidates.then_some(&pipeline.gazetteer))?;
            Ok(Some(buf))
        },
        {
            let mut n = 0;
            move |r: anyhow::Result<Option<Vec<u8>>>| -> anyhow::Result<()> {
                n += 1;
                match r {
                    Ok(Some(buf)) => {
                        out.write_all(&buf)?;
                        out.flush()?;
                    }
                    Ok(None) => {}
                    // Standard input itself failed: nothing more will come.
                    Err(e) if e.downcast_ref::<std::io::Error>().is_some() => return Err(e),
                    Err(e) => eprintln!("casus: stdin line {n}: {e:#}"),
                }
                Ok(())
            }
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
