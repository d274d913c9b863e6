//! Load bench of the API on a synthetic knowledge base.
//!
//! `cargo run -p casus-serve --release --example loadbench -- [DB] [EVENTS] [SECONDS] [CONNECTIONS]`
//!
//! Builds DB (default `target/bench-kb.db`) from the corpus plus EVENTS
//! synthetic events (default 1,000,000) if it does not exist, serves it on
//! a loopback port, and for each main query runs CONNECTIONS keep-alive
//! clients for SECONDS, printing requests per second and latency
//! percentiles.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn build(db: &Path, events: usize) -> anyhow::Result<()> {
    let mut store = casus_store::Store::open(db)?;
    let pipeline = casus_pipeline::Pipeline::embedded();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.sort();
    for f in files {
        let raw = std::fs::read(&f)?;
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let doc = casus_read::read_bytes(&name, &raw, &Default::default())?;
        store.ingest(&pipeline.process(doc), &raw)?;
    }
    let t = Instant::now();
    casus_serve::synth::synthesize(&store, events, events / 100, 365 * 30, 42)?;
    store.conn().execute_batch("ANALYZE")?;
    eprintln!(
        "loadbench: {events} synthetic events in {:.1}s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A keep-alive HTTP/1.1 GET; returns the status.
fn get(s: &mut TcpStream, host: &str, path: &str, buf: &mut Vec<u8>) -> std::io::Result<u16> {
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n")?;
    buf.clear();
    let mut chunk = [0u8; 65536];
    let split = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = s.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::other("closed"));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..split]).to_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|x| x.parse().ok())
        .unwrap_or(0);
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| std::io::Error::other("no content-length"))?;
    let mut have = buf.len() - split - 4;
    while have < len {
        let n = s.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::other("closed"));
        }
        have += n;
    }
    Ok(status)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let db = PathBuf::from(args.get(1).cloned().unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/bench-kb.db")
            .display()
            .to_string()
    }));
    let events: usize = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let secs: f64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let conns: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(4);
    if !db.exists() {
        build(&db, events)?;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let cfg = casus_serve::Config::new(&db);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(casus_serve::serve(
            cfg,
            "127.0.0.1:0".parse().unwrap(),
            move |a| {
                tx.send(a).unwrap();
            },
        ))
        .unwrap();
    });
    let addr = rx.recv_timeout(Duration::from_secs(60))?;
    let host = addr.to_string();
    let store = casus_store::Store::open(&db)?;
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    let max_id: i64 = store
        .conn()
        .query_row("SELECT max(id) FROM events", [], |r| r.get(0))?;
    let place: String = store.conn().query_row(
        "SELECT place_id FROM events WHERE place_id IS NOT NULL LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    let doc: String = store
        .conn()
        .query_row("SELECT id FROM documents LIMIT 1", [], |r| r.get(0))?;
    drop(store);
    println!("loadbench: {n} events, {conns} connections, {secs} s per query, server on {host}");
    println!(
        "{:<58} {:>9} {:>8} {:>8} {:>8}",
        "query", "req/s", "p50 ms", "p99 ms", "errors"
    );
    type Query = Box<dyn Fn(u64) -> String + Send + Sync>;
    let queries: Vec<(String, Query)> = vec![
        (
            "event by id".into(),
            Box::new(move |i| format!("/api/events/{}", 1 + (i * 7919) as i64 % max_id)),
        ),
        (
            "events, first page".into(),
            Box::new(|_| "/api/events?limit=50".into()),
        ),
        (
            "events by actor (RUS)".into(),
            Box::new(|_| "/api/events?actor=RUS&limit=50".into()),
        ),
        (
            "events by type + one week".into(),
            Box::new(|i| {
                let d = casus_serve::synth::civil(
                    casus_serve::synth::WAR_START - 3000 + (i % 6000) as i64,
                );
                let e = casus_serve::synth::civil(
                    casus_serve::synth::WAR_START - 2993 + (i % 6000) as i64,
                );
                format!("/api/events?type=ASSAULT&from={d}&to={e}&limit=50")
            }),
        ),
        ("events at a place".into(), {
            let p = place.clone();
            Box::new(move |_| format!("/api/events?place={p}&limit=50"))
        }),
        (
            "events, words in evidence".into(),
            Box::new(|_| "/api/events?q=ceasefire&limit=50".into()),
        ),
        ("events in a document (paged)".into(), {
            let d = doc.clone();
            Box::new(move |i| format!("/api/events?document={d}&limit=50&offset={}", (i % 20) * 50))
        }),
        (
            "timeline, one week".into(),
            Box::new(|i| {
                let d = casus_serve::synth::civil(
                    casus_serve::synth::WAR_START - 3000 + (i % 6000) as i64,
                );
                let e = casus_serve::synth::civil(
                    casus_serve::synth::WAR_START - 2993 + (i % 6000) as i64,
                );
                format!("/api/timeline?from={d}&to={e}&limit=200")
            }),
        ),
        (
            "map: places, one month".into(),
            Box::new(|i| {
                let d = casus_serve::synth::civil(
                    casus_serve::synth::WAR_START - 3000 + (i % 6000) as i64,
                );
                let e = casus_serve::synth::civil(
                    casus_serve::synth::WAR_START - 2970 + (i % 6000) as i64,
                );
                format!("/api/places?from={d}&to={e}")
            }),
        ),
        (
            "search sentences".into(),
            Box::new(|_| "/api/search?q=ceasefire&limit=20".into()),
        ),
        ("stats".into(), Box::new(|_| "/api/stats".into())),
    ];
    let only: Option<String> = std::env::var("LOADBENCH_ONLY").ok();
    for (name, q) in queries {
        if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            continue;
        }
        let q = std::sync::Arc::new(q);
        let deadline = Instant::now() + Duration::from_secs_f64(secs);
        let mut handles = Vec::new();
        for c in 0..conns {
            let q = q.clone();
            let host = host.clone();
            handles.push(std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut errors = 0u64;
                let mut s = TcpStream::connect(&host).unwrap();
                s.set_nodelay(true).unwrap();
                let mut buf = Vec::new();
                let mut i = c as u64 * 1_000_003;
                while Instant::now() < deadline {
                    let path = q(i);
                    i += 1;
                    let t = Instant::now();
                    match get(&mut s, &host, &path, &mut buf) {
                        Ok(200) => lat.push(t.elapsed()),
                        Ok(_) => errors += 1,
                        Err(_) => {
                            errors += 1;
                            s = TcpStream::connect(&host).unwrap();
                        }
                    }
                }
                (lat, errors)
            }));
        }
        let mut lat = Vec::new();
        let mut errors = 0;
        for h in handles {
            let (l, e) = h.join().unwrap();
            lat.extend(l);
            errors += e;
        }
        lat.sort();
        let pct = |p: f64| {
            lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
                .map(|d| d.as_secs_f64() * 1e3)
                .unwrap_or(f64::NAN)
        };
        println!(
            "{:<58} {:>9.0} {:>8.2} {:>8.2} {:>8}",
            name,
            lat.len() as f64 / secs,
            pct(0.5),
            pct(0.99),
            errors
        );
    }
    Ok(())
}
