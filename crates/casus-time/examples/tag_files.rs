//! Profiling driver: tags the given files `CASUS_REPEAT` times (default 1)
//! and prints every expression found (`--quiet`: only a count), so that a
//! change can be checked for identical output and measured with `perf stat`
//! or callgrind.

fn main() {
    let mut quiet = false;
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        if a == "--quiet" {
            quiet = true;
        } else {
            files.push(a);
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
    let tagger = casus_time::Tagger::new();
    let mut n = 0;
    for _ in 0..repeat {
        for d in &docs {
            let ts = tagger.tag(d, Some("2020-10-01"));
            n += ts.len();
            if !quiet {
                for t in ts {
                    println!("{t:?}");
                }
            }
        }
    }
    eprintln!("{n} expressions");
}
