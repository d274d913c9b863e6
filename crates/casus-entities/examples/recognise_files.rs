//! Profiling driver: recognises mentions (and, with `--candidates`,
//! candidates) in the given files `CASUS_REPEAT` times (default 1) and
//! prints them (`--quiet`: only a count), so that a change can be checked
//! for identical output and measured with `perf stat` or callgrind.

use casus_entities::Gazetteer;

fn main() {
    let mut quiet = false;
    let mut candidates = false;
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--quiet" => quiet = true,
            "--candidates" => candidates = true,
            _ => files.push(a),
        }
    }
    let repeat: usize = std::env::var("CASUS_REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let docs: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    let g = Gazetteer::embedded();
    let mut n = 0;
    for _ in 0..repeat {
        for d in &docs {
            let ms = g.recognise(d, &|at| {
                Some(if at % 2 == 0 { "2020-10" } else { "2010" }.to_string())
            });
            let cs = if candidates {
                g.candidates(d, &ms)
            } else {
                Vec::new()
            };
            n += ms.len() + cs.len();
            if !quiet {
                for m in &ms {
                    println!("{m:?}");
                }
                for c in &cs {
                    println!("{c:?}");
                }
            }
        }
    }
    eprintln!("{n} mentions and candidates");
}
