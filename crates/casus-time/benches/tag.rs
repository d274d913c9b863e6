//! Throughput of the tagger alone on the seed corpus (`data/corpus/*.txt`).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn seeds() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn bench(c: &mut Criterion) {
    let docs = seeds();
    let bytes: usize = docs.iter().map(String::len).sum();
    let tagger = casus_time::Tagger::new();
    let mut g = c.benchmark_group("tag");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("seeds", |b| {
        b.iter(|| {
            let mut n = 0;
            for d in &docs {
                n += tagger.tag(black_box(d), None).len();
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
