//! Dev harness: `extract --format jsonl FILE...` runs read → segment → time →
//! entities → coder and prints one JSON record per event and claim, with raw
//! byte spans, as the `casus extract` command will. `--explain` adds nothing
//! new (every record carries its `rule`) but prints the sentence too.

use casus_extract::{Coder, DocInput};
use serde_json::{json, Value};

fn main() {
    let mut files = Vec::new();
    let mut explain = false;
    let mut unattributed = std::env::var("CASUS_ATTRIBUTED_ONLY").is_err();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "extract" => {}
            "--format" => {
                args.next();
            }
            "--explain" => explain = true,
            "--attributed-only" => unattributed = false,
            _ => files.push(a),
        }
    }
    let seg = casus_segment::Segmenter::embedded();
    let tagger = casus_time::Tagger::new();
    let gaz = casus_entities::Gazetteer::embedded();
    let coder = Coder::embedded().unattributed(unattributed);
    for f in files {
        let doc = match casus_read::read_path(
            std::path::Path::new(&f),
            &casus_read::ReadOptions::default(),
        ) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{f}: {e}");
                continue;
            }
        };
        let text = doc.clean.as_str();
        let sentences = seg.split(text);
        let doc_date = doc
            .metadata
            .get("date")
            .and_then(|v| v.as_str())
            .map(String::from);
        let timexes = tagger.tag(text, doc_date.as_deref());
        let date_at = |off: usize| -> Option<String> {
            casus_time::reference_at(&timexes, off)
                .map(|d| d.start.to_string())
                .or_else(|| doc_date.clone())
        };
        let mentions = gaz.recognise(text, &date_at);
        let input = DocInput {
            name: &f,
            text,
            sentences: &sentences,
            mentions: &mentions,
            timexes: &timexes,
            doc_date: doc_date.as_deref(),
        };
        if std::env::var("CASUS_MENTIONS").is_ok() {
            for m in &mentions {
                eprintln!(
                    "M {}..{} {:?} -> {} {} {:?} {:?}",
                    m.start,
                    m.end,
                    m.text,
                    m.entity.id,
                    m.entity.kind,
                    m.entity.country,
                    m.metonym_of
                );
            }
        }
        let x = coder.code(&input);
        let span = |s: usize, e: usize| {
            let r = doc.raw_span(casus_read::Span::new(s, e));
            json!([r.start, r.end])
        };
        for e in &x.events {
            let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("kind".into(), json!("event"));
                m.insert("doc".into(), json!(f));
                m.insert("span".into(), span(e.start, e.end));
                if explain {
                    m.insert("text".into(), json!(text.get(e.start..e.end).unwrap_or("")));
                }
            }
            println!("{v}");
        }
        for c in &x.claims {
            let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("kind".into(), json!("claim"));
                m.insert("doc".into(), json!(f));
                m.insert("span".into(), span(c.start, c.end));
                if explain {
                    m.insert("text".into(), json!(text.get(c.start..c.end).unwrap_or("")));
                }
            }
            println!("{v}");
        }
    }
}
