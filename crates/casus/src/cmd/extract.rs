//! `casus extract`: records on standard output, no database.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use casus_pipeline::{records, Pipeline};

use crate::inputs;

pub fn run(files: &[PathBuf], stdin: bool, read: &crate::ReadArgs) -> anyhow::Result<ExitCode> {
    let pipeline = Pipeline::embedded();
    let opts = read.options();
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    if stdin {
        return run_stdin(&pipeline, &opts, &mut out);
    }
    let (inputs, warnings) = inputs::expand(files);
    for w in &warnings {
        eprintln!("casus: warning: {w}");
    }
    let mut failed = 0;
    for input in &inputs {
        match inputs::read(input, &opts) {
            Ok((doc, _)) => {
                for w in &doc.warnings {
                    eprintln!("casus: warning: {}: {w}", doc.name);
                }
                let p = pipeline.process(doc);
                for r in records::records(&p) {
                    serde_json::to_writer(&mut out, &r)?;
                    out.write_all(b"\n")?;
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("casus: {e}");
            }
        }
    }
    out.flush()?;
    Ok(if failed > 0 && failed == inputs.len() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads `{"id", "text"}` lines and writes each document's records as soon
/// as it is done.
fn run_stdin(
    pipeline: &Pipeline,
    opts: &casus_read::ReadOptions,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    #[derive(serde::Deserialize)]
    struct Line {
        id: serde_json::Value,
        text: String,
    }
    let stdin = std::io::stdin();
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line.context("reading standard input")?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = match serde_json::from_str(&line) {
            Ok(l) => l,
            Err(e) => {
                eprintln!(
                    "casus: stdin line {}: not a {{\"id\", \"text\"}} JSON object: {e}",
                    n + 1
                );
                continue;
            }
        };
        let id = match parsed.id {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        match casus_read::read_bytes(&id, parsed.text.as_bytes(), opts) {
            Ok(doc) => {
                let p = pipeline.process(doc);
                for r in records::records(&p) {
                    serde_json::to_writer(&mut *out, &r)?;
                    out.write_all(b"\n")?;
                }
                out.flush()?;
            }
            Err(e) => eprintln!("casus: stdin line {}: {e}", n + 1),
        }
    }
    Ok(ExitCode::SUCCESS)
}
