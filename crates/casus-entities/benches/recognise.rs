//! Recognition alone on the seed documents (`data/corpus/*.txt`).

use casus_entities::Gazetteer;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn corpus() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn bench(c: &mut Criterion) {
    let g = Gazetteer::embedded();
    let docs = corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    // Index the knowledge base outside the measurement.
    let _ = g.recognise("Azerbaijan", &|_| None);
    let mut group = c.benchmark_group("recognise");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("seeds", |b| {
        b.iter(|| {
            let mut n = 0;
            for d in &docs {
                n += g
                    .recognise(black_box(d), &|_| Some("2020-10".to_string()))
                    .len();
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
