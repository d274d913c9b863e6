//! `casus serve`: the web application and HTTP API over a knowledge base.
//!
//! The server is read-only unless started with `allow_ingest`, which enables
//! `POST /api/documents` behind a bearer token. Every page is a static shell
//! compiled into the binary ([`assets`]); the pages fetch JSON from `/api/`
//! and render it with `textContent`, never `innerHTML`, under a strict
//! Content-Security-Policy. Nothing is fetched from anywhere else.
//!
//! Store connections are not `Sync`: the server keeps a small pool of them,
//! each behind a mutex, and runs every query on the blocking thread pool.

pub mod api;
pub mod api_kb;
pub mod assets;
pub mod cache;
pub mod db;
pub mod openapi;
pub mod synth;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use casus_store::Store;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// The Content-Security-Policy sent with every response.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Largest request body accepted (the ingest endpoint's document).
pub const BODY_LIMIT: usize = 16 << 20;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The knowledge base file (must exist; the CLI seeds it).
    pub db: PathBuf,
    /// Read connections kept open.
    pub pool: usize,
    /// When set, `POST /api/documents` accepts documents carrying
    /// `Authorization: Bearer <token>`.
    pub ingest_token: Option<String>,
    /// Per-request time limit.
    pub timeout: Duration,
}

impl Config {
    pub fn new(db: impl Into<PathBuf>) -> Config {
        Config {
            db: db.into(),
            pool: 4,
            ingest_token: None,
            timeout: Duration::from_secs(30),
        }
    }
}

/// A fixed set of store connections; a request takes the first free one.
pub struct Pool {
    conns: Vec<Mutex<Store>>,
    next: AtomicUsize,
}

impl Pool {
    pub fn open(path: &Path, n: usize) -> anyhow::Result<Pool> {
        let mut conns = Vec::new();
        for _ in 0..n.max(1) {
            let s = Store::open(path)?;
            s.conn()
                .execute_batch("PRAGMA query_only = ON; PRAGMA cache_size = -32000;")?;
            conns.push(Mutex::new(s));
        }
        Ok(Pool {
            conns,
            next: AtomicUsize::new(0),
        })
    }

    /// Runs `f` with a connection (call from a blocking thread).
    pub fn with<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        let n = self.conns.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Ok(g) = self.conns[(start + i) % n].try_lock() {
                return f(&g);
            }
        }
        let g = self.conns[start % n]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        f(&g)
    }
}

/// Shared state of the handlers.
pub struct AppState {
    pub pool: Pool,
    /// The embedded actor and place knowledge (names, coordinates).
    pub gazetteer: casus_entities::Gazetteer,
    /// Whole-knowledge-base answers, kept until it changes.
    pub cache: cache::Cache,
    pub db: PathBuf,
    pub ingest: Option<Ingest>,
}

/// The write side, present only with `--allow-ingest`.
pub struct Ingest {
    pub token: String,
    pub store: Mutex<Store>,
    pub pipeline: casus_pipeline::Pipeline,
}

pub type Shared = Arc<AppState>;

impl AppState {
    pub fn open(cfg: &Config) -> anyhow::Result<Shared> {
        let ingest = match &cfg.ingest_token {
            Some(t) => Some(Ingest {
                token: t.clone(),
                store: Mutex::new(Store::open(&cfg.db)?),
                pipeline: casus_pipeline::Pipeline::embedded(),
            }),
            None => None,
        };
        Ok(Arc::new(AppState {
            pool: Pool::open(&cfg.db, cfg.pool)?,
            gazetteer: casus_entities::Gazetteer::embedded(),
            cache: cache::Cache::default(),
            db: cfg.db.clone(),
            ingest,
        }))
    }
}

/// The whole application: pages, assets and API, with the security headers,
/// body limit and timeout.
pub fn app(state: Shared, timeout: Duration) -> Router {
    let h = |name: HeaderName, v: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(v))
    };
    Router::new()
        .merge(assets::routes())
        .nest("/api", api::routes())
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(h(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(h(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(h(header::REFERRER_POLICY, "no-referrer"))
        .layer(h(header::X_FRAME_OPTIONS, "DENY"))
        .layer(h(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
}

/// A random token for `--allow-ingest` when none is given.
pub fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    for i in 0..2u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_u32(std::process::id());
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

/// Binds `addr` and serves until Ctrl-C. `ready` is called with the bound
/// address (useful with port 0).
pub async fn serve(
    cfg: Config,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let state = AppState::open(&cfg)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    {
        let st = state.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = st.pool.with(|s| api_kb::warm(&st, s)) {
                eprintln!("casus: warming caches: {}", e.message);
            }
        });
    }
    ready(listener.local_addr()?);
    axum::serve(listener, app(state, cfg.timeout))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
