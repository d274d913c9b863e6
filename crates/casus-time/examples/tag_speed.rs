//! Rough single-thread throughput of tokenizing and tagging the seed corpus.
fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/corpus");
    let mut docs = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "txt") {
            docs.push(std::fs::read_to_string(e.path()).unwrap());
        }
    }
    let bytes: usize = docs.iter().map(String::len).sum();
    let tagger = casus_time::Tagger::new();
    let reps = 20;
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..reps {
        for d in &docs {
            n += casus_time::token::tokenize(d, &mut String::new()).len();
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "tokenize: {:.1} MB/s ({n})",
        (bytes * reps) as f64 / s / 1e6
    );
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..reps {
        for d in &docs {
            n += tagger.tag(d, None).len();
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!("tag: {:.1} MB/s ({n})", (bytes * reps) as f64 / s / 1e6);
}
