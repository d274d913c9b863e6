//! Builds a knowledge base with synthetic events for manual runs and the
//! load bench: `cargo run -p casus-serve --release --example synth -- DB EVENTS [CLAIMS]`.
//! The database must already hold documents (`casus ingest --db DB`).

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let db = args.get(1).map(String::as_str).unwrap_or("casus.db");
    let events: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let claims: usize = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(events / 10);
    let store = casus_store::Store::open(std::path::Path::new(db))?;
    let t = std::time::Instant::now();
    let spread = if events > 100_000 { 365 * 30 } else { 0 };
    casus_serve::synth::synthesize(&store, events, claims, spread, 42)?;
    store.conn().execute_batch("ANALYZE")?;
    eprintln!(
        "{events} events, {claims} claims into {db} in {:.1}s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
