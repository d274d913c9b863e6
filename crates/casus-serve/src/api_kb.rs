//! The knowledge-base endpoints: events, timeline, claims, disagreements,
//! stances, actors, places. A knowledge base without the fact tables
//! (schema version 1) gives empty results.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use casus_store::facts_query::{ClaimFilter, EventFilter};
use casus_store::Store;
use serde_json::{json, Value};

use crate::api::{run, run_with, ApiError, ApiResult, Params};
use crate::{db, AppState, Shared};

type Q = Query<Vec<(String, String)>>;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/events", get(events))
        .route("/events/{id}", get(event))
        .route("/timeline", get(timeline))
        .route("/facets", get(facets))
        .route("/claims", get(claims))
        .route("/disagreements", get(disagreements))
        .route("/stances", get(stances))
        .route("/actors", get(actors))
        .route("/actors/{id}", get(actor))
        .route("/places", get(places))
        .route("/places/{id}", get(place))
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
        return Ok(json!({"events": 0, "event_sources": 0, "claims": 0}));
    }
    let (events, sources, claims) = s.fact_counts()?;
    let c =
        |sql: &str| -> ApiResult<Option<String>> { Ok(s.conn().query_row(sql, [], |r| r.get(0))?) };
    Ok(json!({
        "events": events,
        "event_sources": sources,
        "claims": claims,
        "first_date": c("SELECT min(date_start) FROM events")?,
        "last_date": c("SELECT max(date_end) FROM events")?,
    }))
}

/// The events sourced in a document: `{id, type, span}` per source span.
pub fn doc_event_spans(s: &Store, doc: &str) -> ApiResult<Vec<Value>> {
    if !has_events(s)? {
        return Ok(Vec::new());
    }
    let mut st = s.conn().prepare_cached(
        "SELECT es.event_id, e.type, es.start, es.end, e.date_start FROM event_sources es JOIN events e ON e.id = es.event_id
         WHERE es.doc = (SELECT key FROM documents WHERE id = ?1) ORDER BY es.start, es.event_id",
    )?;
    let rows = st
        .query_map([doc], |r| {
            Ok(json!({
                "id": r.get::<_, i64>(0)?,
                "type": r.get::<_, String>(1)?,
                "span": [r.get::<_, i64>(2)?, r.get::<_, i64>(3)?],
                "date": r.get::<_, Option<String>>(4)?,
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
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
    "sources",
];

/// A date bound as a day: `2020` → `2020-01-01` (from) / `2020-12-31` (to).
fn day(d: &str, end: bool) -> String {
    match (d.len(), end) {
        (4, false) => format!("{d}-01-01"),
        (4, true) => format!("{d}-12-31"),
        (7, false) => format!("{d}-01"),
        (7, true) => format!("{d}-31"),
        _ => d.to_string(),
    }
}

fn id_param(p: &Params, name: &str) -> ApiResult<Option<String>> {
    match p.str(name)? {
        None => Ok(None),
        Some(v)
            if v.len() <= 64
                && v.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')) =>
        {
            Ok(Some(v))
        }
        Some(v) => Err(ApiError::bad(
            name,
            format!("expected an id (letters, digits, _ - . :), got {v:?}"),
        )),
    }
}

/// The event filter from query parameters; `max_limit` caps `limit`.
fn event_filter(p: &Params, default_limit: i64, max_limit: i64) -> ApiResult<EventFilter> {
    let from = p.date("from")?.map(|d| day(&d, false));
    let to = p.date("to")?.map(|d| day(&d, true));
    if let (Some(a), Some(b)) = (&from, &to) {
        if a > b {
            return Err(ApiError::bad("to", "must not be before from"));
        }
    }
    let kind = match p.str("type")? {
        Some(t) if t.len() <= 32 && t.chars().all(|c| c.is_ascii_alphabetic() || c == '_') => {
            Some(t.to_uppercase())
        }
        Some(t) => {
            return Err(ApiError::bad(
                "type",
                format!("expected a PLOVER type such as ASSAULT, got {t:?}"),
            ))
        }
        None => None,
    };
    let q = p.str("q")?;
    if let Some(q) = &q {
        if casus_store::query::fts_query(q).is_empty() {
            return Err(ApiError::bad("q", "contains no searchable word"));
        }
    }
    Ok(EventFilter {
        actor: id_param(p, "actor")?,
        recipient: id_param(p, "recipient")?,
        kind,
        mode: id_param(p, "mode")?,
        place: id_param(p, "place")?,
        from,
        to,
        doc: p.str("document")?,
        q,
        limit: Some(p.int("limit", 1, max_limit, default_limit)? as usize),
        offset: Some(p.int("offset", 0, 10_000_000, 0)? as usize),
        sources: Some(p.int("sources", 0, 10_000, SOURCES_LISTED as i64)? as usize),
    })
}

/// Sources listed per event or claim unless asked for more (each gives
/// its `source_count`; `/api/events/{id}` lists them all).
const SOURCES_LISTED: usize = 20;

/// Resolves the `document` filter (id, prefix or name) to an id.
fn resolve_doc(s: &Store, f: &mut EventFilter) -> ApiResult<()> {
    if let Some(d) = &f.doc {
        match db::doc_id(s, d)? {
            Some(id) => f.doc = Some(id),
            None => return Err(ApiError::bad("document", format!("no document {d:?}"))),
        }
    }
    Ok(())
}

/// The longest event's span in days (bounds date-window scans).
fn span_days(app: &AppState, s: &Store) -> ApiResult<i64> {
    let span = app.cache.get_or(s, "max_span", || {
        Ok(json!(s.conn().query_row(
            "SELECT coalesce(max(julianday(date_end) - julianday(date_start)), 0) FROM events",
            [],
            |r| r.get::<_, f64>(0)
        )?))
    })?;
    Ok(span.as_f64().unwrap_or(0.0).ceil() as i64)
}

/// How many events match `f` (kept until the knowledge base changes).
pub fn event_count(app: &AppState, s: &Store, f: &EventFilter) -> ApiResult<i64> {
    let key = format!(
        "count:{:?}",
        (
            &f.actor,
            &f.recipient,
            &f.kind,
            &f.mode,
            &f.place,
            &f.from,
            &f.to,
            &f.doc,
            &f.q
        )
    );
    let v = app
        .cache
        .get_or(s, &key, || Ok(json!(s.count_events(f)?)))?;
    Ok(v.as_i64().unwrap_or(0))
}

async fn events(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    let p = Params::new(q, EVENT_PARAMS)?;
    let mut f = event_filter(&p, 100, 1000)?;
    run_with(&st, move |app, s| {
        if !has_events(s)? {
            return Ok(Json(
                json!({"total": 0, "limit": f.limit, "offset": f.offset, "events": []}),
            ));
        }
        resolve_doc(s, &mut f)?;
        let total = event_count(app, s, &f)?;
        let events = s.events(&f)?;
        Ok(Json(
            json!({"total": total, "limit": f.limit, "offset": f.offset, "events": events}),
        ))
    })
    .await
}

async fn event(
    State(st): State<Shared>,
    Path(id): Path<String>,
    Query(q): Q,
) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    let n = id
        .parse::<i64>()
        .map_err(|_| ApiError::bad("id", format!("expected an event number, got {id:?}")))?;
    run(&st, move |s| {
        if !has_events(s)? {
            return Err(ApiError::not_found(format!("no event {n}")));
        }
        match s.event(n)? {
            Some(e) => Ok(Json(serde_json::to_value(e).unwrap_or_default())),
            None => Err(ApiError::not_found(format!("no event {n}"))),
        }
    })
    .await
}

async fn timeline(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    let p = Params::new(q, EVENT_PARAMS)?;
    let mut f = event_filter(&p, 2000, 5000)?;
    run_with(&st, move |app, s| {
        if !has_events(s)? {
            return Ok(Json(json!({"total": 0, "histogram": [], "days": []})));
        }
        resolve_doc(s, &mut f)?;
        let total = event_count(app, s, &f)?;
        let events = s.events(&f)?;
        let histogram = histogram_value(app, s, &f)?;
        let mut days: Vec<(String, Vec<Value>)> = Vec::new();
        for e in events {
            let d = group_label(&e.record["date"]);
            let v = serde_json::to_value(e).unwrap_or_default();
            match days.last_mut() {
                Some((k, list)) if *k == d => list.push(v),
                _ => days.push((d, vec![v])),
            }
        }
        let days: Vec<Value> = days
            .into_iter()
            .map(|(d, evs)| json!({"date": d, "count": evs.len(), "events": evs}))
            .collect();
        Ok(Json(
            json!({"total": total, "limit": f.limit, "offset": f.offset, "histogram": histogram, "days": days}),
        ))
    })
    .await
}

/// Events per day under the non-date filters of `f` (kept).
pub fn histogram_value(app: &AppState, s: &Store, f: &EventFilter) -> ApiResult<Value> {
    let key = format!(
        "hist:{:?}",
        (
            &f.actor,
            &f.recipient,
            &f.kind,
            &f.mode,
            &f.place,
            &f.doc,
            &f.q
        )
    );
    app.cache.get_or(s, &key, || {
        Ok(Value::Array(
            s.event_days(f)?
                .into_iter()
                .map(|(d, n)| json!([d, n]))
                .collect(),
        ))
    })
}

/// The filter menus with names (kept).
pub fn facets_value(app: &AppState, s: &Store) -> ApiResult<Value> {
    app.cache.get_or(s, "facets", || {
        let mut v = db::facets(s)?;
        let mut names = serde_json::Map::new();
        for k in ["actors", "recipients", "places"] {
            for x in v[k].as_array().cloned().unwrap_or_default() {
                if let Some(id) = x[0].as_str() {
                    names.insert(id.to_string(), json!(name_of(app, id)));
                }
            }
        }
        v["names"] = Value::Object(names);
        Ok(v)
    })
}

/// Computes the answers every first page load needs, so the first visitor
/// does not wait for whole-knowledge-base scans.
pub fn warm(app: &AppState, s: &Store) -> ApiResult<()> {
    crate::api::stats_value(app, s)?;
    if has_events(s)? {
        facets_value(app, s)?;
        histogram_value(app, s, &EventFilter::default())?;
        event_count(app, s, &EventFilter::default())?;
    }
    Ok(())
}

/// Values for the filter menus, with names.
async fn facets(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run_with(&st, |app, s| {
        if !has_events(s)? {
            return Ok(Json(
                json!({"types": [], "modes": [], "actors": [], "recipients": [], "places": [], "names": {}}),
            ));
        }
        let v = facets_value(app, s)?;
        Ok(Json(v))
    })
    .await
}

/// The timeline group of an event's date: the day for a one-day event,
/// else the date as written (`2020`, `2020-10`) or its range, or
/// `undated`.
pub fn group_label(d: &Value) -> String {
    let day = |k: &str| {
        d[k].as_str()
            .map(|x| x.chars().take(10).collect::<String>())
            .filter(|x| !x.is_empty())
    };
    match (day("start"), day("end")) {
        (Some(a), Some(b)) if a != b => d["value"]
            .as_str()
            .filter(|v| !v.is_empty() && v.len() < 40)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{a} – {b}")),
        (Some(a), _) => a,
        _ => "undated".to_string(),
    }
}

async fn claims(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    let p = Params::new(
        q,
        &[
            "subject", "category", "claimant", "document", "limit", "offset", "sources",
        ],
    )?;
    let mut f = ClaimFilter {
        subject: id_param(&p, "subject")?,
        category: id_param(&p, "category")?,
        claimant: id_param(&p, "claimant")?,
        doc: p.str("document")?,
        limit: Some(p.int("limit", 1, 5000, 1000)? as usize),
        offset: Some(p.int("offset", 0, 10_000_000, 0)? as usize),
        sources: Some(p.int("sources", 0, 10_000, SOURCES_LISTED as i64)? as usize),
    };
    run(&st, move |s| {
        if !has_events(s)? {
            return Ok(Json(json!({"claims": []})));
        }
        if let Some(d) = &f.doc {
            f.doc = Some(
                db::doc_id(s, d)?
                    .ok_or_else(|| ApiError::bad("document", format!("no document {d:?}")))?,
            );
        }
        Ok(Json(json!({"claims": s.claims(&f)?})))
    })
    .await
}

async fn disagreements(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run(&st, |s| {
        if !has_events(s)? {
            return Ok(Json(json!({"disagreements": []})));
        }
        Ok(Json(json!({"disagreements": s.disagreements()?})))
    })
    .await
}

fn name_of(app: &AppState, id: &str) -> String {
    app.gazetteer
        .entity(id)
        .map(|e| e.name.to_string())
        .unwrap_or_else(|| id.to_string())
}

async fn stances(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run_with(&st, |app, s| {
        if !has_events(s)? {
            return Ok(Json(
                json!({"parties": casus_store::facts_query::PARTIES, "stances": [], "events": {}, "names": {}}),
            ));
        }
        let stances = s.stances()?;
        let mut events = serde_json::Map::new();
        let mut names = BTreeMap::new();
        for p in casus_store::facts_query::PARTIES {
            names.insert(p.to_string(), name_of(app, p));
        }
        for c in &stances {
            names
                .entry(c.actor.clone())
                .or_insert_with(|| name_of(app, &c.actor));
            let ids: Vec<i64> = c
                .evidence
                .iter()
                .take(25)
                .copied()
                .filter(|id| !events.contains_key(&id.to_string()))
                .collect();
            for e in s.events_by_id(&ids, Some(SOURCES_LISTED))? {
                events.insert(e.id.to_string(), serde_json::to_value(e).unwrap_or_default());
            }
        }
        Ok(Json(json!({
            "parties": casus_store::facts_query::PARTIES,
            "names": names,
            "stances": stances,
            "events": events,
        })))
    })
    .await
}

async fn actors(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run(&st, |s| {
        if !has_events(s)? {
            return Ok(Json(json!({"actors": []})));
        }
        Ok(Json(json!({"actors": s.actors()?})))
    })
    .await
}

fn entity_json(app: &AppState, id: &str) -> Option<Value> {
    app.gazetteer.entity(id).map(|e| {
        let mut v = serde_json::to_value(e).unwrap_or_default();
        if let Some((t, prov, met)) = app.gazetteer.place_detail(id) {
            v["place_type"] = json!(t);
            v["province"] = json!(prov);
            v["stands_for"] = json!(met);
        }
        v["aliases"] = json!(app.gazetteer.names(id));
        v
    })
}

/// How often an entity is mentioned, and its name, type and country as
/// mentioned.
type Mentioned = (i64, Option<(String, String, String)>);

fn entity_mentions(s: &Store, id: &str) -> ApiResult<Mentioned> {
    Ok(s.conn().query_row(
        "SELECT coalesce(max(e.mentions), 0), max(e.name), max(e.type), max(coalesce(e.country, ''))
         FROM entities e WHERE e.id = ?1 AND e.mentions > 0",
        [id],
        |r| {
            let n: i64 = r.get(0)?;
            let name: Option<String> = r.get(1)?;
            Ok((
                n,
                name.map(|nm| {
                    (
                        nm,
                        r.get(2).unwrap_or_default(),
                        r.get(3).unwrap_or_default(),
                    )
                }),
            ))
        },
    )?)
}

async fn actor(
    State(st): State<Shared>,
    Path(id): Path<String>,
    Query(q): Q,
) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run_with(&st, move |app, s| {
        let (mentions, seen) = entity_mentions(s, &id)?;
        let mut entity = entity_json(app, &id);
        if entity.is_none() {
            if let Some((name, kind, country)) = seen {
                entity = Some(json!({"id": id, "name": name, "type": kind, "country": country}));
            }
        }
        let facts = has_events(s)?;
        let acting = if facts {
            s.events(&EventFilter {
                actor: Some(id.clone()),
                limit: Some(200),
                ..Default::default()
            })?
        } else {
            Vec::new()
        };
        let receiving = if facts {
            s.events(&EventFilter {
                recipient: Some(id.clone()),
                limit: Some(200),
                ..Default::default()
            })?
        } else {
            Vec::new()
        };
        let claims = if facts {
            s.claims(&ClaimFilter {
                claimant: Some(id.clone()),
                limit: Some(200),
                ..Default::default()
            })?
        } else {
            Vec::new()
        };
        let Some(entity) = entity.or_else(|| {
            (!acting.is_empty() || !receiving.is_empty())
                .then(|| json!({"id": id, "name": id, "type": "actor"}))
        }) else {
            return Err(ApiError::not_found(format!("no actor {id:?}")));
        };
        Ok(Json(json!({
            "actor": entity,
            "mentions": mentions,
            "events": acting,
            "received": receiving,
            "claims": claims,
        })))
    })
    .await
}

async fn places(State(st): State<Shared>, Query(q): Q) -> ApiResult<Json<Value>> {
    let p = Params::new(q, &["from", "to"])?;
    let from = p.date("from")?.map(|d| day(&d, false));
    let to = p.date("to")?.map(|d| day(&d, true));
    if let (Some(a), Some(b)) = (&from, &to) {
        if a > b {
            return Err(ApiError::bad("to", "must not be before from"));
        }
    }
    run_with(&st, move |app, s| {
        let mut out: BTreeMap<String, Value> = BTreeMap::new();
        // Every place mentioned, with the gazetteer's coordinates.
        let mut stc = s.conn().prepare_cached(
            "SELECT id, name, mentions FROM entities WHERE type = 'place' AND mentions > 0",
        )?;
        let rows = stc
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (id, name, n) in rows {
            let e = app.gazetteer.entity(&id);
            out.insert(
                id.clone(),
                json!({"id": id, "name": name, "mentions": n, "events": 0,
                       "lat": e.and_then(|e| e.lat), "lon": e.and_then(|e| e.lon)}),
            );
        }
        if has_events(s)? {
            // An event is in the window when it starts before the window
            // ends and ends after it starts; bounding the start from below
            // by the longest event span lets the date index do the work.
            // An event that began more than a month before the window is
            // dated too loosely (a year, a decade) to place in a moving
            // window; bounding the start keeps the scan short on the date
            // index. Cumulative views (no `from`) count every event.
            let span = span_days(app, s)?.min(31);
            let mut sql = String::from(
                "SELECT place_id, count(*), avg(lat), avg(lon) FROM events WHERE place_id IS NOT NULL",
            );
            let mut args: Vec<String> = Vec::new();
            // `date_key` is the start date (undated events sort last) and
            // carries the date index.
            if let Some(t) = &to {
                args.push(t.clone());
                sql.push_str(&format!(" AND date_key <= ?{}", args.len()));
            }
            if let Some(fr) = &from {
                args.push(fr.clone());
                sql.push_str(&format!(
                    " AND date_end >= ?{n} AND date_key >= date(?{n}, '-{span} days')",
                    n = args.len()
                ));
            }
            sql.push_str(" GROUP BY place_id");
            let mut st = s.conn().prepare_cached(&sql)?;
            let rows = st
                .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<f64>>(2)?,
                        r.get::<_, Option<f64>>(3)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (id, n, lat, lon) in rows {
                let e = app.gazetteer.entity(&id);
                let v = out.entry(id.clone()).or_insert_with(|| {
                    json!({"id": id, "name": e.map(|e| e.name.to_string()).unwrap_or_else(|| id.clone()),
                           "mentions": 0, "lat": e.and_then(|e| e.lat), "lon": e.and_then(|e| e.lon)})
                });
                v["events"] = json!(n);
                if v["lat"].is_null() {
                    v["lat"] = json!(lat);
                    v["lon"] = json!(lon);
                }
            }
        }
        let mut list: Vec<Value> = out.into_values().collect();
        list.sort_by_key(|v| {
            (
                -v["events"].as_i64().unwrap_or(0),
                -v["mentions"].as_i64().unwrap_or(0),
            )
        });
        Ok(Json(json!({"from": from, "to": to, "places": list})))
    })
    .await
}

async fn place(
    State(st): State<Shared>,
    Path(id): Path<String>,
    Query(q): Q,
) -> ApiResult<Json<Value>> {
    Params::new(q, &[])?;
    run_with(&st, move |app, s| {
        let (mentions, seen) = entity_mentions(s, &id)?;
        let facts = has_events(s)?;
        let events = if facts {
            s.events(&EventFilter {
                place: Some(id.clone()),
                limit: Some(500),
                ..Default::default()
            })?
        } else {
            Vec::new()
        };
        let entity = entity_json(app, &id)
            .or_else(|| seen.map(|(name, kind, _)| json!({"id": id, "name": name, "type": kind})))
            .or_else(|| {
                events.first().map(|e| {
                    json!({"id": id, "name": e.record["location"]["name"], "type": "place",
                           "lat": e.record["location"]["lat"], "lon": e.record["location"]["lon"]})
                })
            });
        let Some(entity) = entity else {
            return Err(ApiError::not_found(format!("no place {id:?}")));
        };
        Ok(Json(
            json!({"place": entity, "mentions": mentions, "events": events}),
        ))
    })
    .await
}
