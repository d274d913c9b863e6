//! Per-stage throughput on the seed corpus (single thread).
//!
//! `cargo bench -p casus-pipeline` — figures are MB/s of raw input.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

fn stages(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();
    let opts = casus_read::ReadOptions::default();
    let seg = casus_segment::Segmenter::embedded();
    let pipeline = casus_pipeline::Pipeline::embedded();
    let mut g = c.benchmark_group("seeds");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    g.bench_function("read+clean", |b| {
        b.iter(|| {
            for (name, raw) in &docs {
                std::hint::black_box(casus_read::read_bytes(name, raw, &opts).unwrap());
            }
        })
    });
    g.bench_function("read+clean+segment", |b| {
        b.iter(|| {
            for (name, raw) in &docs {
                let d = casus_read::read_bytes(name, raw, &opts).unwrap();
                std::hint::black_box(seg.split(&d.clean));
            }
        })
    });
    g.bench_function("pipeline", |b| {
        b.iter(|| {
            for (name, raw) in &docs {
                let d = casus_read::read_bytes(name, raw, &opts).unwrap();
                std::hint::black_box(pipeline.process(d));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
