//! Prints the unknown capitalised names of the files given on the command
//! line, grouped by text with counts and a type guess, most frequent first.
//!
//! `cargo run -p casus-entities --example candidates -- data/corpus/*.txt`

use casus_entities::Gazetteer;
use std::collections::HashMap;

fn main() {
    let g = Gazetteer::embedded();
    let mut groups: HashMap<(String, String), usize> = HashMap::new();
    let mut total = 0;
    for path in std::env::args().skip(1) {
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
            *groups.entry((c.text, c.guess)).or_default() += 1;
        }
    }
    let mut v: Vec<_> = groups.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for ((text, guess), n) in &v {
        println!("{n:5}  {guess:8} {text}");
    }
    println!("{} candidates, {} distinct", total, v.len());
}
