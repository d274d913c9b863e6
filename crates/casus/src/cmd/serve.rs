//! `casus serve`: the web application and HTTP API.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

/// Seeds the knowledge base if missing, then serves it until Ctrl-C.
pub fn run(db: &Path, addr: SocketAddr, allow_ingest: bool) -> anyhow::Result<ExitCode> {
    drop(super::open_or_seed(db)?);
    let mut cfg = casus_serve::Config::new(db);
    if allow_ingest {
        let token = std::env::var("CASUS_TOKEN")
            .ok()
            .filter(|t| t.len() >= 16)
            .unwrap_or_else(casus_serve::random_token);
        eprintln!(
            "casus: ingest enabled: POST /api/documents with 'Authorization: Bearer {token}'"
        );
        cfg.ingest_token = Some(token);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(casus_serve::serve(cfg, addr, |a| {
        eprintln!(
            "casus: serving {} on http://{a}/ (Ctrl-C stops)",
            db.display()
        );
    }))?;
    Ok(ExitCode::SUCCESS)
}
