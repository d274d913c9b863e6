//! Prints the unknown capitalised names of the files given on the command
//! line, grouped by text with counts and a type guess, most frequent first.
//!
//! `cargo run -p casus-entities --example candidates -- [--context] [--narrative] data/corpus/*.txt`
//!
//! With `--context`, each group also shows the words around its first
//! occurrence; with `--narrative`, names inside bibliographic references are
//! counted but not listed.

use casus_entities::Gazetteer;
use std::collections::HashMap;

fn main() {
    let g = Gazetteer::embedded();
    let mut groups: HashMap<(String, String), (usize, String)> = HashMap::new();
    let mut total = 0;
    let mut cited = 0;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let context = args.iter().any(|a| a == "--context");
    let narrative = args.iter().any(|a| a == "--narrative");
    for path in args.into_iter().filter(|a| !a.starts_with("--")) {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let mentions = g.recognise(&text, &|_| None);
        for c in g.candidates(&text, &mentions) {
            total += 1;
            if c.in_citation {
                cited += 1;
                if narrative {
                    continue;
                }
            }
            let e = groups.entry((c.text, c.guess)).or_insert_with(|| {
                let mut a = c.start.saturating_sub(40);
                while !text.is_char_boundary(a) {
                    a -= 1;
                }
                let mut b = (c.end + 40).min(text.len());
                while !text.is_char_boundary(b) {
                    b += 1;
                }
                (0, text[a..b].replace('\n', " "))
            });
            e.0 += 1;
        }
    }
    let mut v: Vec<_> = groups.into_iter().collect();
    v.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(&b.0)));
    for ((text, guess), (n, ctx)) in &v {
        if context {
            println!("{n:5}  {guess:8} {text}\t| {ctx}");
        } else {
            println!("{n:5}  {guess:8} {text}");
        }
    }
    println!(
        "{} candidates, {} distinct; {} in citations, {} in the narrative",
        total,
        v.len(),
        cited,
        total - cited
    );
}
