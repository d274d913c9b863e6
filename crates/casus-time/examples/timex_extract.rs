//! Dev harness: `timex_extract extract --format jsonl FILE...` prints one
//! `kind: "timex"` JSON line per temporal expression, as `casus extract` does.

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "extract" => {}
            "--format" => {
                it.next();
            }
            f => files.push(f.to_string()),
        }
    }
    let tagger = casus_time::Tagger::new();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for f in files {
        let text = match std::fs::read(&f) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                eprintln!("{f}: {e}");
                std::process::exit(1);
            }
        };
        for t in tagger.tag(&text, None) {
            let rec = serde_json::json!({
                "kind": "timex", "doc": f, "span": [t.start, t.end], "text": t.text,
                "type": t.kind, "value": t.value, "mod": t.modifier, "anchor": t.anchor,
            });
            writeln!(out, "{rec}").ok();
        }
    }
}
