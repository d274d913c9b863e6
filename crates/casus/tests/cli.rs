//! End-to-end tests of the `casus` command line.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn casus(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn records(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn extract_prints_documents_and_sentences_with_raw_spans() {
    let dir = tempfile::tempdir().unwrap();
    let raw = "Fighting resumed.[3] Gen. Smith met U.S. envoys at 8:30 p.m. on Dec. 5.\n\nA ceasefire held.";
    std::fs::write(dir.path().join("a.txt"), raw).unwrap();
    let out = casus(&["extract", "--format", "jsonl", "a.txt"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out);
    assert_eq!(recs[0]["kind"], "document");
    assert_eq!(recs[0]["format"], "text");
    let sents: Vec<_> = recs.iter().filter(|r| r["kind"] == "sentence").collect();
    assert_eq!(sents.len(), 3);
    for s in &sents {
        let (a, b) = (
            s["span"][0].as_u64().unwrap() as usize,
            s["span"][1].as_u64().unwrap() as usize,
        );
        let text = s["text"].as_str().unwrap();
        assert!(raw[a..b].starts_with(&text[..5]) && raw[a..b].ends_with(&text[text.len() - 3..]));
    }
    assert_eq!(sents[0]["text"], "Fighting resumed.");
    assert_eq!(sents[0]["citations"][0], "3");
}

#[test]
fn bad_inputs_are_named_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("good.txt"),
        "Armenia and Azerbaijan signed a ceasefire.",
    )
    .unwrap();
    std::fs::write(p.join("empty.txt"), "").unwrap();
    std::fs::write(p.join("binary.bin"), [0u8, 159, 146, 150, 0, 1, 2, 3]).unwrap();
    std::fs::write(p.join("latin1.txt"), b"Caf\xe9 talks in Baku ended.").unwrap();
    std::fs::write(p.join("big.txt"), "x ".repeat(5000)).unwrap();
    let out = casus(
        &[
            "extract",
            "--max-bytes",
            "4096",
            "good.txt",
            "empty.txt",
            "binary.bin",
            "latin1.txt",
            "big.txt",
            "missing.txt",
        ],
        p,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "some inputs were good: {err}");
    assert!(err.contains("empty.txt: empty file"), "{err}");
    assert!(
        err.contains("binary.bin: looks like a binary file"),
        "{err}"
    );
    assert!(
        err.contains("big.txt: 10000 bytes is over the size limit of 4096"),
        "{err}"
    );
    assert!(err.contains("missing.txt: cannot read"), "{err}");
    assert!(
        err.contains("latin1.txt: 1 bytes of invalid UTF-8"),
        "{err}"
    );
    let docs: Vec<_> = records(&out)
        .into_iter()
        .filter(|r| r["kind"] == "document")
        .collect();
    assert_eq!(docs.len(), 2);
}

#[test]
fn ingest_is_idempotent_and_queryable() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join("in")).unwrap();
    std::fs::write(
        p.join("in/a.txt"),
        "The Minsk Group called for restraint.\n\nTalks followed in Moscow.",
    )
    .unwrap();
    std::fs::write(
        p.join("in/b.md"),
        "---\ntitle: Notes\ndate: 2020-10-10\n---\n# Notes\n\nA truce began in Moscow.\n",
    )
    .unwrap();
    let first = casus(&["ingest", "--db", "kb.db", "in"], p);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stderr).contains("2 new, 0 already stored"));
    let again = casus(&["ingest", "--db", "kb.db", "in"], p);
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 new, 2 already stored"));
    // A bulk load of what is stored builds nothing, and says nothing of it.
    let bulk = casus(&["ingest", "--db", "kb.db", "--bulk", "always", "in"], p);
    let said = String::from_utf8_lossy(&bulk.stderr);
    assert!(
        said.contains("0 new, 2 already stored") && !said.contains("indexes built"),
        "{said}"
    );
    let docs = casus(&["docs", "--db", "kb.db"], p);
    assert_eq!(String::from_utf8_lossy(&docs.stdout).lines().count(), 3);
    let show = casus(&["show", "--db", "kb.db", "in/a.txt", "--sentences"], p);
    assert!(String::from_utf8_lossy(&show.stdout)
        .contains("0\t0-37\ttext\tThe Minsk Group called for restraint."));
    let search = casus(&["search", "--db", "kb.db", "moscow"], p);
    assert_eq!(String::from_utf8_lossy(&search.stdout).lines().count(), 2);
    let missing = casus(&["show", "--db", "kb.db", "nope"], p);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no document matches \"nope\""));
}

/// Runs `casus extract --stdin` on `input` with `threads` worker threads.
fn extract_stdin(input: String, threads: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(["extract", "--stdin"])
        .env("RAYON_NUM_THREADS", threads)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Written from a thread of its own, so that a large input cannot fill
    // the pipe while the output fills the other.
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(input.as_bytes()).unwrap();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

#[test]
fn extract_stdin_streams_records() {
    let input = [
        r#"{"id": "n1", "text": "Baku accused Yerevan. Yerevan denied it."}"#,
        "not json",
        r#"{"id": 7, "text": "Talks resumed."}"#,
    ]
    .join("\n")
        + "\n";
    let out = extract_stdin(input, "1");
    let recs = records(&out);
    let docs: Vec<_> = recs
        .iter()
        .filter(|r| r["kind"] == "document")
        .map(|r| r["doc"].clone())
        .collect();
    assert_eq!(docs, [serde_json::json!("n1"), serde_json::json!("7")]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("stdin line 2"));
}

#[test]
fn extract_stdin_on_several_threads_keeps_the_input_order() {
    // Long and short documents alternate, so later ones finish first.
    let input: String = (0..40)
        .map(|i| {
            let text = if i % 2 == 0 {
                "Armenia accused Azerbaijan of shelling Stepanakert. ".repeat(60)
            } else {
                "Talks resumed.".to_string()
            };
            serde_json::json!({"id": format!("d{i}"), "text": text}).to_string() + "\n"
        })
        .collect();
    let out = extract_stdin(input, "3");
    assert!(out.status.success());
    let recs = records(&out);
    // Every record comes after its own document record, before the next's.
    let mut current = None;
    let mut docs = Vec::new();
    for r in &recs {
        if r["kind"] == "document" {
            current = Some(r["doc"].clone());
            docs.push(r["doc"].as_str().unwrap().to_string());
        } else {
            assert_eq!(Some(&r["doc"]), current.as_ref(), "{r}");
        }
    }
    let want: Vec<String> = (0..40).map(|i| format!("d{i}")).collect();
    assert_eq!(docs, want);
}

#[test]
fn extract_without_files_reads_the_embedded_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let out = casus(&["extract"], dir.path());
    assert!(out.status.success());
    let docs = records(&out)
        .into_iter()
        .filter(|r| r["kind"] == "document")
        .count();
    assert_eq!(docs, 5);
}

#[test]
fn analyst_entity_files_and_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("a.txt"),
        "Shelling hit Zarnikend on Monday. Qazvinoglu Brigade units were seen.",
    )
    .unwrap();
    let without = casus(&["extract", "--candidates", "a.txt"], p);
    let recs = records(&without);
    assert!(!recs
        .iter()
        .any(|r| r["kind"] == "mention" && r["text"] == "Zarnikend"));
    assert!(
        recs.iter()
            .any(|r| r["kind"] == "candidate" && r["text"].as_str().unwrap().contains("Zarnikend")),
        "{recs:?}"
    );
    std::fs::write(
        p.join("mine.csv"),
        "id,name,aliases,type,country,province,lat,lon,metonym_of\nzarnikend,Zarnikend,Zarnikand,village,AZE,,39.70,46.80,\n",
    )
    .unwrap();
    let with = casus(&["extract", "--entities", "mine.csv", "a.txt"], p);
    assert!(
        with.status.success(),
        "{}",
        String::from_utf8_lossy(&with.stderr)
    );
    let m = records(&with)
        .into_iter()
        .find(|r| r["kind"] == "mention" && r["text"] == "Zarnikend")
        .expect("the analyst's place is recognised");
    assert_eq!(m["entity"]["id"], "zarnikend");
    assert_eq!(m["entity"]["lat"], 39.70);
    std::fs::write(p.join("bad.csv"), "id,name\nonly-two-columns\n").unwrap();
    let bad = casus(&["extract", "--entities", "bad.csv", "a.txt"], p);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("bad.csv"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn claims_filter_by_document_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join("in")).unwrap();
    std::fs::write(
        p.join("in/a.txt"),
        "Azerbaijan said 12 Armenian soldiers were killed on 4 October 2020.\n",
    )
    .unwrap();
    std::fs::write(
        p.join("in/b.txt"),
        "Armenia said 30 Azerbaijani soldiers were killed on 5 October 2020.\n",
    )
    .unwrap();
    let ingest = casus(&["ingest", "--db", "kb.db", "in"], p);
    assert!(
        ingest.status.success(),
        "{}",
        String::from_utf8_lossy(&ingest.stderr)
    );
    let all = records(&casus(&["claims", "--db", "kb.db", "--format", "jsonl"], p));
    assert_eq!(all.len(), 2);
    let a = all
        .iter()
        .find(|c| c["sources"][0]["doc"] == "in/a.txt")
        .expect("a claim from a.txt");
    let id = a["sources"][0]["doc_id"].as_str().unwrap();
    let prefix = id[..6].to_uppercase();
    let only = records(&casus(
        &[
            "claims", "--db", "kb.db", "--doc", &prefix, "--format", "jsonl",
        ],
        p,
    ));
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["id"], a["id"]);
}
