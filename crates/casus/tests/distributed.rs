//! The distributed path: `casus extract --stdin` as a map stage over
//! shards in several processes, `casus load` as the reduce, gives the same
//! knowledge base as one process over the whole corpus.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn corpus_jsonl() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let text = String::from_utf8_lossy(&std::fs::read(p).unwrap()).to_string();
            let id = p.file_name().unwrap().to_string_lossy().to_string();
            serde_json::json!({"id": id, "text": text}).to_string()
        })
        .collect()
}

fn map(lines: &[String]) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(["extract", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = lines.join("\n") + "\n";
    std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    child
}

fn events(db: &Path) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(["events", "--format", "jsonl", "--limit", "100000", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut v: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut r: serde_json::Value = serde_json::from_str(l).unwrap();
            // Ids depend on load order; the facts and their sources must not.
            r.as_object_mut().unwrap().remove("id");
            let mut sources: Vec<String> = r["sources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| format!("{}:{}:{}", s["doc"], s["span"][0], s["span"][1]))
                .collect();
            sources.sort();
            r["sources"] = serde_json::json!(sources);
            r.to_string()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn sharded_map_and_load_equal_a_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let lines = corpus_jsonl();
    // Map: three shards in three processes at once.
    let shards: Vec<Vec<String>> = (0..3)
        .map(|k| lines.iter().skip(k).step_by(3).cloned().collect())
        .collect();
    let children: Vec<_> = shards.iter().map(|s| map(s)).collect();
    let mut shard_files = Vec::new();
    let mut shard_records = Vec::new();
    for (k, c) in children.into_iter().enumerate() {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success());
        let path = dir.path().join(format!("shard{k}.jsonl"));
        std::fs::write(&path, &out.stdout).unwrap();
        shard_records.extend(
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(str::to_string),
        );
        shard_files.push(path);
    }
    // The same records as one process over everything.
    let single = map(&lines).wait_with_output().unwrap();
    let mut single_records: Vec<String> = String::from_utf8(single.stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    single_records.sort();
    shard_records.sort();
    assert_eq!(shard_records.len(), single_records.len());
    assert!(
        shard_records == single_records,
        "sharded records differ from a single run"
    );
    // Reduce: load the shards; load the single output elsewhere.
    let sharded_db = dir.path().join("sharded.db");
    let status = Command::new(env!("CARGO_BIN_EXE_casus"))
        .arg("load")
        .args(&shard_files)
        .arg("--db")
        .arg(&sharded_db)
        .status()
        .unwrap();
    assert!(status.success());
    let single_file = dir.path().join("single.jsonl");
    std::fs::write(&single_file, &single.stdout).unwrap();
    let single_db = dir.path().join("single.db");
    let status = Command::new(env!("CARGO_BIN_EXE_casus"))
        .arg("load")
        .arg(&single_file)
        .arg("--db")
        .arg(&single_db)
        .status()
        .unwrap();
    assert!(status.success());
    let (a, b) = (events(&sharded_db), events(&single_db));
    assert!(a.len() > 300, "{} events", a.len());
    assert_eq!(a, b);
    // Loading a shard again adds nothing.
    let again = Command::new(env!("CARGO_BIN_EXE_casus"))
        .arg("load")
        .arg(&shard_files[0])
        .arg("--db")
        .arg(&sharded_db)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("loaded 0 documents"));
    assert_eq!(events(&sharded_db), a);
}

#[test]
fn load_names_a_malformed_record_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let doc = |id: &str| {
        format!(
            r#"{{"kind":"document","id":"{id}","doc":"{id}.txt","clean":"Azerbaijan shelled Stepanakert.","bytes":31}}"#
        )
    };
    let event = |id: &str, actor: &str| {
        format!(
            r#"{{"kind":"event","doc":"{id}.txt","span":[0,31],"type":"ATTACK","actor":{actor},"text":"Azerbaijan shelled Stepanakert."}}"#
        )
    };
    let shard = dir.path().join("shard.jsonl");
    let lines = [
        doc("aaaa"),
        event("aaaa", r#""AZE""#),
        doc("bbbb"),
        event("bbbb", r#"{"id":"AZE","country":"AZE"}"#),
    ];
    std::fs::write(&shard, lines.join("\n")).unwrap();
    let db = dir.path().join("kb.db");
    let out = Command::new(env!("CARGO_BIN_EXE_casus"))
        .arg("load")
        .arg(&shard)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("shard.jsonl") && err.contains("malformed event record"),
        "{err}"
    );
    assert!(err.contains("loaded 1 documents"), "{err}");
    assert_eq!(events(&db).len(), 1);
}
