//! The JSON API under `/api/`. Handlers are thin: they check parameters,
//! run one store query on the blocking pool and return its rows.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use casus_store::Store;
use serde::Serialize;
use serde_json::{json, Value};

use crate::{db, Shared};

/// An API error: status, message, and the parameter at fault if any.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub parameter: Option<String>,
    pub message: String,
}

impl ApiError {
    pub fn bad(parameter: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            parameter: Some(parameter.to_string()),
            message: message.into(),
        }
    }
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            parameter: None,
            message: message.into(),
        }
    }
    pub fn status(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            parameter: None,
            message: message.into(),
        }
    }
}

impl From<casus_store::StoreError> for ApiError {
    fn from(e: casus_store::StoreError) -> ApiError {
        ApiError::status(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::status(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"error": self.message, "status": self.status.as_u16()});
        if let Some(p) = self.parameter {
            body["parameter"] = json!(p);
        }
        (self.status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Runs a store query on the blocking pool with a pooled connection.
pub async fn run<T: Send + 'static>(
    st: &Shared,
    f: impl FnOnce(&Store) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let st = st.clone();
    tokio::task::spawn_blocking(move || st.pool.with(f))
        .await
        .map_err(|e| ApiError::status(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
}

/// Like [`run`], with the application state too.
pub async fn run_with<T: Send + 'static>(
    st: &Shared,
    f: impl FnOnce(&crate::AppState, &Store) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let st = st.clone();
    tokio::task::spawn_blocking(move || st.pool.with(|s| f(&st, s)))
        .await
        .map_err(|e| ApiError::status(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
}

/// Query parameters, checked one by one; unknown names are refused.
pub struct Params {
    map: HashMap<String, String>,
    allowed: &'static [&'static str],
}

impl Params {
    pub fn new(raw: Vec<(String, String)>, allowed: &'static [&'static str]) -> ApiResult<Params> {
        let mut map = HashMap::new();
        for (k, v) in raw {
            if !allowed.contains(&k.as_str()) {
                return Err(ApiError::bad(
                    &k,
                    format!(
                        "unknown parameter; this endpoint takes {}",
                        if allowed.is_empty() {
                            "no parameters".to_string()
                        } else {
                            allowed.join(", ")
                        }
                    ),
                ));
            }
            if map.insert(k.clone(), v).is_some() {
                return Err(ApiError::bad(&k, "given more than once"));
            }
        }
        Ok(Params { map, allowed })
    }

    /// A non-empty string, trimmed; absent or blank is `None`.
    pub fn str(&self, name: &str) -> ApiResult<Option<String>> {
        debug_assert!(self.allowed.contains(&name));
        match self.map.get(name).map(|s| s.trim()) {
            None | Some("") => Ok(None),
            Some(s) if s.len() > 500 => Err(ApiError::bad(name, "longer than 500 bytes")),
            Some(s) => Ok(Some(s.to_string())),
        }
    }

    /// An integer in `[min, max]`, `default` when absent.
    pub fn int(&self, name: &str, min: i64, max: i64, default: i64) -> ApiResult<i64> {
        match self.str(name)? {
            None => Ok(default),
            Some(s) => {
                let v: i64 = s
                    .parse()
                    .map_err(|_| ApiError::bad(name, format!("expected an integer, got {s:?}")))?;
                if v < min || v > max {
                    return Err(ApiError::bad(
                        name,
                        format!("must be between {min} and {max}, got {v}"),
                    ));
                }
                Ok(v)
            }
        }
    }

    /// A date `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn date(&self, name: &str) -> ApiResult<Option<String>> {
        match self.str(name)? {
            None => Ok(None),
            Some(s) => {
                if valid_date(&s) {
                    Ok(Some(s))
                } else {
                    Err(ApiError::bad(
                        name,
                        format!("expected a date YYYY, YYYY-MM or YYYY-MM-DD, got {s:?}"),
                    ))
                }
            }
        }
    }

    /// One of a fixed set of words.
    pub fn word(&self, name: &str, options: &[&str]) -> ApiResult<Option<String>> {
        match self.str(name)? {
            None => Ok(None),
            Some(s) if options.contains(&s.as_str()) => Ok(Some(s)),
            Some(s) => Err(ApiError::bad(
                name,
                format!("expected one of {}, got {s:?}", options.join(", ")),
            )),
        }
    }
}

/// Whether `s` is `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a real month/day.
pub fn valid_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => num(y, 4),
        [y, m] => num(y, 4) && num(m, 2) && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)),
        [y, m, d] => {
            num(y, 4)
                && num(m, 2)
                && num(d, 2)
                && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
                && (1..=31).contains(&d.parse::<u32>().unwrap_or(0))
        }
        _ => false,
    }
}

type Q = Query<Vec<(String, String)>>;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/stats", get(stats))
        .route("/documents", get(documents).post(ingest))
        .route("/documents/{id}", get(document))
        .route("/documents/{id}/sentences", get(sentences))
        .route("/documents/{id}/spans", get(spans))
        .route("/documents/{id}/annotated", get(annotated))
        .route("/documents/{id}/raw", get(raw))
        .route("/search", get(search))
        .route("/sources", get(sources))
        .merge(crate::api_kb::routes())
        .fallback(|| async { ApiError::not_found("no such API endpoint; see /api/openapi.json") })
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

#[derive(Serialize)]
struct StatsOut {
    #[serde(flatten)]
    stats: casus_store::query::Stats,
    #[serde(flatten)]
    kb: Value,
}

/// The counts of `/api/stats` (kept until the knowledge base changes).
pub fn stats_value(app: &crate::AppState, s: &Store) -> ApiResult<Value> {
    app.cache.get_or(s, "stats", || {
        let stats = s.stats()?;
        let kb = crate::api_kb::kb_stats(s)?;
        Ok(serde_json::to_value(StatsOut { stats, kb }).unwrap_or_default())
    })
}

async fn stats(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run_with(&st, |app, s| Ok(Json(stats_value(app, s)?))).await
}

/// Documents listed per `/api/documents` page unless `limit` says otherwise.
const DOCUMENTS_LISTED: i64 = 100;

async fn documents(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    let p = Params::new(q, &["limit", "offset"])?;
    let limit = p.int("limit", 1, 1000, DOCUMENTS_LISTED)? as usize;
    let offset = p.int("offset", 0, 100_000_000, 0)? as usize;
    run(&st, move |s| {
        Ok(Json(json!({
            "total": s.document_count()?,
            "limit": limit,
            "offset": offset,
            "documents": s.documents_page(limit, offset)?,
        })))
    })
    .await
}

fn need_doc(s: &Store, key: &str) -> ApiResult<String> {
    db::doc_id(s, key)?.ok_or_else(|| ApiError::not_found(format!("no document {key:?}")))
}

async fn document(
    State(st): State<Shared>,
    Path(id): Path<String>,
    Query(q): Q,
) -> ApiResult<Json<Value>> {
    let p = Params::new(q, &["text"])?;
    let text = p.word("text", &["clean", "none"])?;
    run(&st, move |s| {
        let id = need_doc(s, &id)?;
        let d = s
            .find_document(&id)?
            .ok_or_else(|| ApiError::not_found("document vanished"))?;
        let (_, date) = db::doc_extra(s, &id)?;
        let mut v = serde_json::to_value(&d.summary).unwrap_or_default();
        v["doc_date"] = json!(date);
        v["metadata"] = d.metadata;
        v["sections"] = d.sections;
        v["warnings"] = d.warnings;
        v["clean_bytes"] = json!(d.clean.len());
        if text.as_deref() != Some("none") {
            v["clean"] = json!(d.clean);
        }
        Ok(Json(v))
    })
    .await
}

async fn sentences(
    State(st): State<Shared>,
    Path(id): Path<String>,
    Query(q): Q,
) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run(&st, move |s| {
        let id = need_doc(s, &id)?;
        Ok(Json(json!({"doc_id": id, "sentences": s.sentences(&id)?})))
    })
    .await
}

async fn spans(
    State(st): State<Shared>,
    Path(id): Path<String>,
    Query(q): Q,
) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run(&st, move |s| {
        let id = need_doc(s, &id)?;
        let sentences: Vec<Value> = s
            .sentences(&id)?
            .into_iter()
            .map(|x| json!({"idx": x.idx, "span": x.span, "kind": x.kind, "section": x.section}))
            .collect();
        Ok(Json(json!({
            "doc_id": id,
            "sentences": sentences,
            "mentions": s.mentions(&id)?,
            "timexes": s.timexes(&id)?,
            "removed": s.removed(&id)?,
            "events": crate::api_kb::doc_event_spans(s, &id)?,
        })))
    })
    .await
}

async fn annotated(
    State(st): State<Shared>,
    Path(id): Path<String>,
    Query(q): Q,
) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run(&st, move |s| {
        let id = need_doc(s, &id)?;
        let d = s
            .find_document(&id)?
            .ok_or_else(|| ApiError::not_found("document vanished"))?;
        let mut marks: Vec<db::Mark> = Vec::new();
        for m in s.mentions(&id)? {
            let href = match m.entity_type.as_str() {
                "place" | "location" => Some(format!("/places/{}", m.entity_id)),
                _ => Some(format!("/actors/{}", m.entity_id)),
            };
            marks.push(db::Mark {
                raw: m.span,
                text: m.text,
                kind: "mention",
                label: format!("{} ({})", m.name, m.entity_type),
                href,
            });
        }
        for t in s.timexes(&id)? {
            marks.push(db::Mark {
                raw: t.span,
                text: t.text,
                kind: "timex",
                label: t.value,
                href: None,
            });
        }
        let blocks = db::annotate(s, &id, &d.clean, &marks)?;
        let events = crate::api_kb::doc_event_spans(s, &id)?;
        Ok(Json(json!({
            "doc_id": id,
            "name": d.summary.name,
            "title": d.summary.title,
            "bytes": d.summary.bytes,
            "blocks": blocks,
            "events": events,
        })))
    })
    .await
}

/// Largest raw range returned at once.
pub const RAW_MAX: i64 = 1 << 16;

async fn raw(
    State(st): State<Shared>,
    Path(id): Path<String>,
    Query(q): Q,
) -> ApiResult<Json<Value>> {
    let p = Params::new(q, &["start", "end"])?;
    let start = p.int("start", 0, i64::MAX / 2, 0)?;
    let end = p.int("end", 0, i64::MAX / 2, start + 4096)?;
    if end < start {
        return Err(ApiError::bad("end", "must not be before start"));
    }
    if end - start > RAW_MAX {
        return Err(ApiError::bad(
            "end",
            format!("at most {RAW_MAX} bytes at a time"),
        ));
    }
    run(&st, move |s| {
        let id = need_doc(s, &id)?;
        let (len, _) = db::doc_extra(s, &id)?;
        if start > len {
            return Err(ApiError::bad(
                "start",
                format!("past the end of the document ({len} bytes)"),
            ));
        }
        let end = end.min(len);
        let bytes = db::raw_slice(s, &id, start, end)?.unwrap_or_default();
        let utf8 = std::str::from_utf8(&bytes).is_ok();
        let hex: String = bytes
            .iter()
            .take(4096)
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Json(json!({
            "doc_id": id,
            "span": [start, end],
            "bytes": bytes.len(),
            "document_bytes": len,
            "utf8": utf8,
            "text": String::from_utf8_lossy(&bytes),
            "hex": hex,
        })))
    })
    .await
}

async fn search(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    let p = Params::new(q, &["q", "limit"])?;
    let query = p
        .str("q")?
        .ok_or_else(|| ApiError::bad("q", "required: the words to search for"))?;
    if casus_store::query::fts_query(&query).is_empty() {
        return Err(ApiError::bad("q", "contains no searchable word"));
    }
    let limit = p.int("limit", 1, 500, 50)?;
    run(&st, move |s| {
        let hits = s.search(&query, limit as usize)?;
        Ok(Json(json!({"q": query, "hits": hits})))
    })
    .await
}

async fn sources(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    let p = Params::new(q, &["limit", "offset"])?;
    let limit = p.int("limit", 1, 10_000, 1000)? as usize;
    let offset = p.int("offset", 0, 100_000_000, 0)? as usize;
    run_with(&st, move |app, s| {
        // Kept until the knowledge base changes: a pass over every sentence.
        let all = app.cache.get_or(s, "relations", || {
            Ok(serde_json::to_value(s.relations()?).unwrap_or_default())
        })?;
        let all = all.as_array().map(Vec::as_slice).unwrap_or_default();
        // The closest first; a large knowledge base relates far more pairs
        // than a page can show.
        let page: Vec<&Value> = all.iter().skip(offset).take(limit).collect();
        // Only the documents the page names: all of them would be the whole
        // knowledge base's list, megabytes at scale.
        let named: Vec<&str> = page
            .iter()
            .flat_map(|r| [&r["a"], &r["b"]])
            .filter_map(Value::as_str)
            .collect();
        Ok(Json(json!({
            "documents": s.documents_by_id(&named)?,
            "total_documents": s.document_count()?,
            "total_relations": all.len(),
            "relations": page,
        })))
    })
    .await
}

/// `POST /api/documents?name=&format=`: ingest the body, only with
/// `--allow-ingest` and the right bearer token.
async fn ingest(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Q,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let Some(ing) = st.ingest.as_ref() else {
        return Err(ApiError::status(
            StatusCode::FORBIDDEN,
            "this server is read-only; start it with --allow-ingest to accept documents",
        ));
    };
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !constant_time_eq(given.as_bytes(), ing.token.as_bytes()) {
        return Err(ApiError::status(
            StatusCode::UNAUTHORIZED,
            "missing or wrong bearer token",
        ));
    }
    let p = Params::new(q, &["name", "format"])?;
    let name = p.str("name")?.unwrap_or_else(|| "upload".to_string());
    let names: Vec<&str> = casus_read::Format::ALL.iter().map(|f| f.name()).collect();
    let format = p
        .word("format", &names)?
        .and_then(|f| casus_read::Format::from_name(&f));
    if body.is_empty() {
        return Err(ApiError::bad("body", "empty document"));
    }
    let st2 = st.clone();
    tokio::task::spawn_blocking(move || {
        let ing = st2.ingest.as_ref().expect("checked above");
        let opts = casus_read::ReadOptions {
            max_bytes: crate::BODY_LIMIT,
            format,
        };
        let doc = casus_read::read_bytes(&name, &body, &opts)
            .map_err(|e| ApiError::bad("body", e.to_string()))?;
        let id = doc.id.clone();
        let p = ing.pipeline.process(doc);
        let mut store = ing.store.lock().unwrap_or_else(|p| p.into_inner());
        let r = store.ingest(&p, &body)?;
        let (status, word) = match r {
            casus_store::Ingested::New => (StatusCode::CREATED, "new"),
            casus_store::Ingested::Duplicate => (StatusCode::OK, "duplicate"),
        };
        Ok((
            status,
            Json(json!({"id": id, "name": name, "status": word})),
        ))
    })
    .await
    .map_err(|e| ApiError::status(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() || b.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
