//! Every API endpoint, its filters and its errors, through the full
//! application (headers, limits) without a socket.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

fn app() -> axum::Router {
    let state = casus_serve::AppState::open(&casus_serve::Config::new(common::db())).unwrap();
    casus_serve::app(state, Duration::from_secs(30))
}

async fn call(
    app: axum::Router,
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

async fn get_raw(uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    call(app(), Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn get(uri: &str) -> (StatusCode, Value) {
    let (s, h, b) = get_raw(uri).await;
    if uri.starts_with("/api/") {
        assert!(
            h[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{uri}: not JSON"
        );
    }
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

async fn ok(uri: &str) -> Value {
    let (s, v) = get(uri).await;
    assert_eq!(s, StatusCode::OK, "{uri}: {v}");
    v
}

/// Asserts a 400 naming `param`.
async fn bad(uri: &str, param: &str) {
    let (s, v) = get(uri).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {v}");
    assert_eq!(v["parameter"], param, "{uri}: {v}");
    assert!(!v["error"].as_str().unwrap().is_empty());
    assert_eq!(v["status"], 400);
}

#[tokio::test]
async fn security_headers_on_pages_and_api() {
    for uri in ["/", "/api/stats", "/assets/app.js", "/nope"] {
        let (_, h, _) = get_raw(uri).await;
        assert_eq!(
            h[header::CONTENT_SECURITY_POLICY],
            casus_serve::CSP,
            "{uri}"
        );
        assert!(casus_serve::CSP.contains("script-src 'self'"));
        assert!(casus_serve::CSP.contains("object-src 'none'"));
        assert!(casus_serve::CSP.contains("frame-ancestors 'none'"));
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{uri}");
    }
}

#[tokio::test]
async fn pages_are_shells_without_inline_script() {
    for (path, page, _) in casus_serve::assets::PAGES {
        let uri = path.replace("{id}", "AZE");
        let (s, h, b) = get_raw(&uri).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert!(h[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let html = String::from_utf8(b).unwrap();
        assert!(html.contains(&format!("data-page=\"{page}\"")), "{uri}");
        assert!(html.contains("<script src=\"/assets/app.js\"></script>"));
        assert_eq!(html.matches("<script").count(), 1, "{uri}: inline script");
        assert!(!html.contains("style="), "{uri}: inline style");
    }
    let (s, _, b) = get_raw("/no/such/page").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(String::from_utf8(b)
        .unwrap()
        .contains("data-page=\"notfound\""));
}

#[tokio::test]
async fn assets_are_embedded_and_the_script_never_uses_inner_html() {
    let (s, h, b) = get_raw("/assets/app.js").await;
    assert_eq!(s, StatusCode::OK);
    assert!(h[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let js = String::from_utf8(b).unwrap();
    for banned in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        "http://",
        "https://",
    ] {
        let hits: Vec<&str> = js
            .lines()
            .filter(|l| {
                l.contains(banned)
                    && !l.trim_start().starts_with("//")
                    && !l.contains("www.w3.org/2000/svg")
            })
            .collect();
        assert!(hits.is_empty(), "app.js uses {banned}: {hits:?}");
    }
    let (s, h, _) = get_raw("/assets/style.css").await;
    assert_eq!(s, StatusCode::OK);
    assert!(h[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let (s, _, b) = get_raw("/assets/outlines.json").await;
    assert_eq!(s, StatusCode::OK);
    let o: Value = serde_json::from_slice(&b).unwrap();
    let ids: Vec<&str> = o["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for c in ["ARM", "AZE", "GEO", "IRN", "TUR"] {
        assert!(ids.contains(&c), "outline for {c}");
    }
}

#[tokio::test]
async fn openapi_documents_every_endpoint() {
    let v = ok("/api/openapi.json").await;
    assert_eq!(v["openapi"], "3.1.0");
    let paths = v["paths"].as_object().unwrap();
    for p in [
        "/api/stats",
        "/api/documents",
        "/api/documents/{id}",
        "/api/documents/{id}/sentences",
        "/api/documents/{id}/spans",
        "/api/documents/{id}/annotated",
        "/api/documents/{id}/raw",
        "/api/search",
        "/api/sources",
        "/api/events",
        "/api/events/{id}",
        "/api/timeline",
        "/api/facets",
        "/api/claims",
        "/api/disagreements",
        "/api/stances",
        "/api/actors",
        "/api/actors/{id}",
        "/api/places",
        "/api/places/{id}",
    ] {
        assert!(paths.contains_key(p), "openapi lacks {p}");
    }
    assert!(paths["/api/documents"].get("post").is_some());
}

#[tokio::test]
async fn unknown_endpoints_and_parameters() {
    let (s, v) = get("/api/nothing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v["error"].is_string());
    bad("/api/stats?x=1", "x").await;
    bad("/api/documents?x=1", "x").await;
    bad("/api/events?limit=1&limit=2", "limit").await;
}

#[tokio::test]
async fn stats_count_everything() {
    let v = ok("/api/stats").await;
    assert_eq!(v["documents"], 6);
    assert!(v["sentences"].as_i64().unwrap() > 1000);
    // The corpus's own events and claims, plus the synthetic ones.
    assert!(v["events"].as_i64().unwrap() >= 401);
    assert!(v["claims"].as_i64().unwrap() >= 90);
    assert!(v["mentions"].as_i64().unwrap() > 0);
    assert!(v["first_date"].as_str().unwrap() <= v["last_date"].as_str().unwrap());
}

#[tokio::test]
async fn documents_by_id_prefix_and_name() {
    let v = ok("/api/documents").await;
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 6);
    assert_eq!(v["total"], 6);
    // Paged, in ingest order.
    let page = ok("/api/documents?limit=2&offset=3").await;
    assert_eq!(page["documents"].as_array().unwrap()[..], docs[3..5]);
    assert_eq!(
        (page["total"].as_i64(), page["limit"].as_i64()),
        (Some(6), Some(2))
    );
    let last = ok("/api/documents?offset=5").await;
    assert_eq!(last["documents"].as_array().unwrap()[..], docs[5..]);
    bad("/api/documents?limit=0", "limit").await;
    bad("/api/documents?limit=1001", "limit").await;
    bad("/api/documents?offset=-1", "offset").await;
    let id = docs[0]["id"].as_str().unwrap().to_string();
    let name = docs[0]["name"].as_str().unwrap().to_string();
    let full = ok(&format!("/api/documents/{id}")).await;
    assert_eq!(full["id"], id.as_str());
    assert!(full["clean"].as_str().unwrap().len() > 1000);
    assert!(full["metadata"].is_object() || full["metadata"].is_null());
    let by_prefix = ok(&format!("/api/documents/{}?text=none", &id[..8])).await;
    assert_eq!(by_prefix["id"], id.as_str());
    assert!(by_prefix.get("clean").is_none());
    assert!(by_prefix["clean_bytes"].as_i64().unwrap() > 0);
    let by_name = ok(&format!("/api/documents/{name}?text=none")).await;
    assert_eq!(by_name["id"], id.as_str());
    let (s, v) = get("/api/documents/doesnotexist").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v["error"].as_str().unwrap().contains("doesnotexist"));
    bad(&format!("/api/documents/{id}?text=html"), "text").await;
}

#[tokio::test]
async fn sentences_spans_and_annotated_text() {
    let id = common::hostile_id();
    let s = ok(&format!("/api/documents/{id}/sentences")).await;
    let sents = s["sentences"].as_array().unwrap();
    assert!(sents.len() >= 3);
    assert!(sents
        .iter()
        .any(|x| x["text"].as_str().unwrap().contains("<script>")));
    let sp = ok(&format!("/api/documents/{id}/spans")).await;
    for k in ["sentences", "mentions", "timexes", "removed", "events"] {
        assert!(sp[k].is_array(), "spans.{k}");
    }
    assert!(
        !sp["mentions"].as_array().unwrap().is_empty(),
        "mentions found"
    );
    assert!(!sp["timexes"].as_array().unwrap().is_empty(), "dates found");
    assert!(!sp["events"].as_array().unwrap().is_empty());
    let an = ok(&format!("/api/documents/{id}/annotated")).await;
    // The blocks reproduce the clean text exactly.
    let full = ok(&format!("/api/documents/{id}")).await;
    let mut text = String::new();
    let mut kinds = std::collections::BTreeSet::new();
    for b in an["blocks"].as_array().unwrap() {
        for p in b["pieces"].as_array().unwrap() {
            text.push_str(p["t"].as_str().unwrap());
            if let Some(k) = p["k"].as_str() {
                kinds.insert(k.to_string());
            }
        }
    }
    assert_eq!(text, full["clean"].as_str().unwrap());
    assert!(
        kinds.contains("mention") && kinds.contains("timex"),
        "{kinds:?}"
    );
    for uri in ["sentences", "spans", "annotated", "raw"] {
        let (st, _) = get(&format!("/api/documents/nope/{uri}")).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn raw_bytes_behind_a_span() {
    let id = common::hostile_id();
    let r = ok(&format!("/api/documents/{id}/raw?start=0&end=21")).await;
    assert_eq!(r["text"], "Hostile test document");
    assert_eq!(r["span"], serde_json::json!([0, 21]));
    assert_eq!(r["utf8"], true);
    assert!(r["hex"].as_str().unwrap().starts_with("48 6f"));
    let len = common::HOSTILE.len();
    let r = ok(&format!("/api/documents/{id}/raw?start=10&end=5000")).await;
    assert_eq!(r["span"][1], len);
    bad(&format!("/api/documents/{id}/raw?start=5&end=2"), "end").await;
    bad(
        &format!("/api/documents/{id}/raw?start=0&end=100000"),
        "end",
    )
    .await;
    bad(&format!("/api/documents/{id}/raw?start=abc"), "start").await;
    bad(&format!("/api/documents/{id}/raw?start=-1"), "start").await;
    bad(
        &format!("/api/documents/{id}/raw?start=99999&end=99999"),
        "start",
    )
    .await;
}

#[tokio::test]
async fn search_with_snippets_and_errors() {
    let v = ok("/api/search?q=ceasefire&limit=5").await;
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 5);
    assert!(hits[0]["snippet"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("[ceasefire"));
    assert!(hits[0]["span"].is_array() && hits[0]["doc_id"].is_string());
    let v = ok("/api/search?q=%22Shusha%20OR").await;
    assert!(v["hits"].is_array());
    bad("/api/search", "q").await;
    bad("/api/search?q=", "q").await;
    bad("/api/search?q=%3B%3B", "q").await;
    bad("/api/search?q=x&limit=0", "limit").await;
    bad("/api/search?q=x&limit=501", "limit").await;
}

#[tokio::test]
async fn sources_find_copies() {
    let v = ok("/api/sources").await;
    assert_eq!(v["total_documents"], 6);
    let rel = v["relations"].as_array().unwrap();
    // The documents listed are the ones the relations name, each once.
    let mut named: Vec<&str> = rel
        .iter()
        .flat_map(|r| [r["a"].as_str().unwrap(), r["b"].as_str().unwrap()])
        .collect();
    named.sort_unstable();
    named.dedup();
    let mut listed: Vec<&str> = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    listed.sort_unstable();
    assert_eq!(listed, named);
    // 000 (wiki markup) and 001 (plain text) are the same article.
    let docs = v["documents"].as_array().unwrap();
    let id = |prefix: &str| -> String {
        docs.iter()
            .find(|d| d["name"].as_str().unwrap().starts_with(prefix))
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (a, b) = (id("000_"), id("001_"));
    assert!(
        rel.iter()
            .any(|r| (r["a"] == a.as_str() && r["b"] == b.as_str())
                || (r["a"] == b.as_str() && r["b"] == a.as_str())),
        "{rel:?}"
    );
    for r in rel {
        assert!(["copy", "excerpt", "revision"].contains(&r["relation"].as_str().unwrap()));
        if r["relation"] == "excerpt" {
            assert!(
                r["a_sentences"].as_i64() < r["b_sentences"].as_i64(),
                "excerpt is the smaller"
            );
        }
    }
    // Paged, the closest first.
    assert_eq!(v["total_relations"], rel.len());
    let first = ok("/api/sources?limit=1").await;
    assert_eq!(first["relations"].as_array().unwrap()[..], rel[..1]);
    assert_eq!(first["total_relations"], rel.len());
    assert!(first["documents"].as_array().unwrap().len() <= 2);
    let rest = ok("/api/sources?offset=1").await;
    assert_eq!(rest["relations"].as_array().unwrap()[..], rel[1..]);
    bad("/api/sources?limit=0", "limit").await;
}

#[tokio::test]
async fn events_filters_and_paging() {
    let all = ok("/api/events?limit=1000").await;
    let total = all["total"].as_i64().unwrap();
    assert!(total >= 401);
    let evs = all["events"].as_array().unwrap();
    assert_eq!(evs.len() as i64, total.min(1000));
    for e in evs {
        assert!(!e["sources"].as_array().unwrap().is_empty());
    }
    let page = ok("/api/events?limit=10&offset=10").await;
    assert_eq!(page["total"], total);
    assert_eq!(page["events"].as_array().unwrap().len(), 10);
    assert_eq!(page["events"][0]["id"], evs[10]["id"]);
    let v = ok("/api/events?actor=RUS&limit=1000").await;
    assert!(v["total"].as_i64().unwrap() > 0);
    assert!(v["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"]["id"] == "RUS" || e["actor"]["country"] == "RUS"));
    let v = ok("/api/events?recipient=NKR&limit=1000").await;
    assert!(v["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["recipient"]["id"] == "NKR" || e["recipient"]["country"] == "NKR"));
    let v = ok("/api/events?type=assault&mode=artillery&limit=1000").await;
    assert!(v["total"].as_i64().unwrap() > 0);
    assert!(v["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["type"] == "ASSAULT" && e["mode"] == "artillery"));
    let v = ok("/api/events?place=stepanakert").await;
    assert!(v["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["location"]["id"] == "stepanakert"));
    let v = ok("/api/events?from=2020-10-01&to=2020-10-07&limit=1000").await;
    assert!(v["total"].as_i64().unwrap() > 0);
    // An event is in a date range when its own dates overlap it.
    for e in v["events"].as_array().unwrap() {
        let (a, b) = (
            e["date"]["start"].as_str().unwrap(),
            e["date"]["end"].as_str().unwrap(),
        );
        assert!(a <= "2020-10-07" && b >= "2020-10-01", "{a} {b}");
    }
    let v = ok("/api/events?from=2020-10&to=2020-10&limit=1000").await;
    for e in v["events"].as_array().unwrap() {
        let (a, b) = (
            e["date"]["start"].as_str().unwrap(),
            e["date"]["end"].as_str().unwrap(),
        );
        assert!(a <= "2020-10-31" && b >= "2020-10-01", "{a} {b}");
    }
    let hid = common::hostile_id();
    let v = ok(&format!("/api/events?document={}", &hid[..10])).await;
    let n = v["total"].as_i64().unwrap();
    assert!(n >= 1);
    for e in v["events"].as_array().unwrap() {
        assert!(e["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["doc_id"] == hid.as_str()));
    }
    let v = ok("/api/events?document=hostile.txt").await;
    assert_eq!(v["total"], n);
    let v = ok("/api/events?q=Stepanakert&type=ASSAULT").await;
    assert!(v["total"].as_i64().unwrap() >= 1);
    for (uri, p) in [
        ("/api/events?from=2020-13-01", "from"),
        ("/api/events?to=yesterday", "to"),
        ("/api/events?from=2020-10-05&to=2020-10-01", "to"),
        ("/api/events?limit=0", "limit"),
        ("/api/events?limit=1001", "limit"),
        ("/api/events?offset=-1", "offset"),
        ("/api/events?type=ASSAULT%3B%20DROP", "type"),
        ("/api/events?actor=%3Cscript%3E", "actor"),
        ("/api/events?document=nosuchdoc", "document"),
        ("/api/events?q=%3B%3B", "q"),
        ("/api/events?colour=red", "colour"),
    ] {
        bad(uri, p).await;
    }
}

#[tokio::test]
async fn event_detail_has_all_sources() {
    let list = ok("/api/events?limit=1000").await;
    let multi = list["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["sources"].as_array().unwrap().len() > 1)
        .unwrap()
        .clone();
    let id = multi["id"].as_i64().unwrap();
    let e = ok(&format!("/api/events/{id}")).await;
    assert_eq!(e["id"], id);
    assert_eq!(e["sources"], multi["sources"]);
    for s in e["sources"].as_array().unwrap() {
        assert!(s["doc_id"].is_string() && s["span"].is_array() && s["text"].is_string());
    }
    let (s, _) = get("/api/events/999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    bad("/api/events/abc", "id").await;
    bad("/api/events/1?x=1", "x").await;
    // Listings give the first sources and how many there are.
    let n = multi["sources"].as_array().unwrap().len();
    assert_eq!(multi["source_count"], n);
    let short = ok("/api/events?limit=1000&sources=1").await;
    let one = short["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap();
    assert_eq!(
        one["sources"].as_array().unwrap()[..],
        multi["sources"].as_array().unwrap()[..1]
    );
    assert_eq!(one["source_count"], n);
    bad("/api/events?sources=-1", "sources").await;
    bad("/api/events?sources=10001", "sources").await;
}

#[tokio::test]
async fn timeline_groups_by_day() {
    let v = ok("/api/timeline?actor=AZE").await;
    let days = v["days"].as_array().unwrap();
    assert!(days.len() > 5);
    let mut prev = String::new();
    let (mut n, mut dated) = (0, 0);
    for d in days {
        let label = d["date"].as_str().unwrap().to_string();
        for e in d["events"].as_array().unwrap() {
            // Events come in start-date order; one-day events are grouped
            // under their day, longer ones under their written date.
            let start = e["date"]["start"].as_str().unwrap_or("").to_string();
            if !start.is_empty() {
                assert!(start >= prev, "events in date order");
                prev = start.clone();
                dated += 1;
            }
            assert_eq!(casus_serve::api_kb::group_label(&e["date"]), label);
            if label.len() == 10 {
                assert!(start.starts_with(&label));
            }
            n += 1;
        }
        assert_eq!(d["count"], d["events"].as_array().unwrap().len());
    }
    assert_eq!(v["total"], n);
    let h = v["histogram"].as_array().unwrap();
    assert_eq!(h.iter().map(|x| x[1].as_i64().unwrap()).sum::<i64>(), dated);
    // The histogram ignores the date filters, so a zoomed view keeps context.
    let z = ok("/api/timeline?actor=AZE&from=2020-10-01&to=2020-10-02").await;
    assert_eq!(z["histogram"], v["histogram"]);
    assert!(z["total"].as_i64().unwrap() < n);
    bad("/api/timeline?limit=5001", "limit").await;
    bad("/api/timeline?from=2020-02-30x", "from").await;
}

#[tokio::test]
async fn facets_list_filter_values() {
    let v = ok("/api/facets").await;
    for k in ["types", "modes", "actors", "recipients", "places"] {
        assert!(!v[k].as_array().unwrap().is_empty(), "{k}");
    }
    assert_eq!(v["names"]["AZE"], "Azerbaijan");
}

#[tokio::test]
async fn claims_and_disagreements() {
    let v = ok("/api/claims").await;
    let cl = v["claims"].as_array().unwrap();
    assert!(cl.len() >= 90);
    assert!(cl
        .iter()
        .all(|c| !c["sources"].as_array().unwrap().is_empty()));
    let v = ok("/api/claims?subject=ARM&category=killed&claimant=AZE").await;
    let cl = v["claims"].as_array().unwrap();
    assert!(!cl.is_empty());
    assert!(cl
        .iter()
        .all(|c| c["subject"] == "ARM" && c["category"] == "killed" && c["claimant"] == "AZE"));
    let v = ok("/api/claims?limit=5&offset=5").await;
    assert_eq!(v["claims"].as_array().unwrap().len(), 5);
    bad("/api/claims?limit=0", "limit").await;
    bad("/api/claims?subject=%22%3B", "subject").await;
    bad("/api/claims?document=nosuch", "document").await;
    let d = ok("/api/disagreements").await;
    let d = d["disagreements"].as_array().unwrap();
    assert!(!d.is_empty());
    for x in d {
        let claimants: std::collections::BTreeSet<Option<&str>> = x["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["claimant"].as_str())
            .collect();
        assert!(claimants.len() >= 2);
        if let (Some(lo), Some(hi)) = (x["low"].as_i64(), x["high"].as_i64()) {
            assert!(lo <= hi);
        }
    }
    bad("/api/disagreements?x=1", "x").await;
}

#[tokio::test]
async fn stances_with_evidence() {
    let v = ok("/api/stances").await;
    assert_eq!(v["parties"], serde_json::json!(["ARM", "AZE", "NKR"]));
    let st = v["stances"].as_array().unwrap();
    assert!(!st.is_empty());
    for c in st {
        assert!(["ARM", "AZE", "NKR"].contains(&c["target"].as_str().unwrap()));
        assert!(!["ARM", "AZE", "NKR"].contains(&c["actor"].as_str().unwrap()));
        let first = c["evidence"][0].as_i64().unwrap().to_string();
        assert!(
            v["events"][&first]["sources"].is_array(),
            "evidence event {first} included"
        );
    }
    assert_eq!(
        v["names"]["NKR"].as_str().map(|s| !s.is_empty()),
        Some(true)
    );
}

#[tokio::test]
async fn actors_and_places() {
    let v = ok("/api/actors").await;
    let a = v["actors"].as_array().unwrap();
    assert!(a.iter().any(|x| x["id"] == "AZE"));
    let v = ok("/api/actors/AZE").await;
    assert_eq!(v["actor"]["name"], "Azerbaijan");
    assert!(!v["events"].as_array().unwrap().is_empty());
    assert!(!v["received"].as_array().unwrap().is_empty());
    assert!(v["mentions"].as_i64().unwrap() > 0);
    let (s, _) = get("/api/actors/NOSUCHACTOR").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    bad("/api/actors/AZE?x=1", "x").await;

    let v = ok("/api/places").await;
    let p = v["places"].as_array().unwrap();
    let step = p
        .iter()
        .find(|x| x["id"] == "stepanakert")
        .expect("stepanakert");
    assert!(step["lat"].as_f64().is_some() && step["events"].as_i64().unwrap() >= 1);
    let all: i64 = p.iter().map(|x| x["events"].as_i64().unwrap()).sum();
    let v = ok("/api/places?from=2020-10-01&to=2020-10-03").await;
    let some: i64 = v["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["events"].as_i64().unwrap())
        .sum();
    assert!(some > 0 && some < all, "{some} < {all}");
    bad("/api/places?from=2020-10-05&to=2020-10-01", "to").await;
    bad("/api/places?from=x", "from").await;
    let v = ok("/api/places/stepanakert").await;
    assert!(v["place"]["lat"].as_f64().is_some());
    assert!(!v["events"].as_array().unwrap().is_empty());
    let (s, _) = get("/api/places/atlantis").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

fn ingest_app(token: Option<&str>) -> (tempfile::TempDir, axum::Router) {
    let dir = tempfile::tempdir().unwrap();
    let db = common::build(&dir.path().join("kb.db"), 5, 2);
    let mut cfg = casus_serve::Config::new(db);
    cfg.ingest_token = token.map(str::to_string);
    let state = casus_serve::AppState::open(&cfg).unwrap();
    (dir, casus_serve::app(state, Duration::from_secs(30)))
}

fn post(token: Option<&str>, uri: &str, body: Vec<u8>) -> Request<Body> {
    let mut b = Request::post(uri);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn ingest_is_off_unless_allowed() {
    let (s, _, b) = call(app(), post(Some("x"), "/api/documents", b"text".to_vec())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert!(v["error"].as_str().unwrap().contains("--allow-ingest"));
}

#[tokio::test]
async fn ingest_behind_a_bearer_token() {
    let token = "0123456789abcdef0123456789abcdef";
    let (_dir, app) = ingest_app(Some(token));
    let doc = b"On 1 October 2020 Azerbaijan shelled Stepanakert. A new test document.\n".to_vec();
    let (s, _, _) = call(
        app.clone(),
        post(None, "/api/documents?name=new.txt", doc.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = call(
        app.clone(),
        post(Some("wrong"), "/api/documents?name=new.txt", doc.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, b) = call(
        app.clone(),
        post(
            Some(token),
            "/api/documents?name=new.txt&format=nope",
            doc.clone(),
        ),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&b)
    );
    let (s, _, b) = call(
        app.clone(),
        post(Some(token), "/api/documents?name=new.txt", Vec::new()),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&b)
    );
    let (s, _, b) = call(
        app.clone(),
        post(
            Some(token),
            "/api/documents?name=new.txt&format=text",
            doc.clone(),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&b));
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v["status"], "new");
    let id = v["id"].as_str().unwrap().to_string();
    let (s, _, b) = call(
        app.clone(),
        post(Some(token), "/api/documents?name=new.txt", doc.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&b).unwrap()["status"],
        "duplicate"
    );
    let (s, _, b) = call(
        app.clone(),
        Request::get(format!("/api/documents/{id}?text=none"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&b).unwrap()["name"],
        "new.txt"
    );
    // Bodies over the limit are refused before they are read.
    let big = vec![b'a'; casus_serve::BODY_LIMIT + 1];
    let (s, _, _) = call(
        app.clone(),
        post(Some(token), "/api/documents?name=big.txt", big),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
}

#[test]
fn dates_are_checked() {
    use casus_serve::api::valid_date;
    for d in ["2020", "2020-10", "2020-10-01", "1994-05-12"] {
        assert!(valid_date(d), "{d}");
    }
    for d in [
        "20",
        "2020-1",
        "2020-13",
        "2020-00-01",
        "2020-10-32",
        "2020/10/01",
        "x",
        "2020-10-01T00",
    ] {
        assert!(!valid_date(d), "{d}");
    }
}

/// The API's event pages and totals are the store's.
#[tokio::test]
async fn event_pages_match_the_store() {
    use casus_store::facts_query::EventFilter;
    let store = casus_store::Store::open(common::db()).unwrap();
    let hid = common::hostile_id();
    let cases: Vec<(&str, EventFilter)> = vec![
        (
            "limit=1000",
            EventFilter {
                limit: Some(1000),
                ..Default::default()
            },
        ),
        (
            "limit=7&offset=390",
            EventFilter {
                limit: Some(7),
                offset: Some(390),
                ..Default::default()
            },
        ),
        (
            "actor=RUS&limit=1000",
            EventFilter {
                actor: Some("RUS".into()),
                limit: Some(1000),
                ..Default::default()
            },
        ),
        (
            "recipient=NKR&type=support",
            EventFilter {
                recipient: Some("NKR".into()),
                kind: Some("SUPPORT".into()),
                ..Default::default()
            },
        ),
        (
            "type=ASSAULT&from=2020-10-01&to=2020-10-09",
            EventFilter {
                kind: Some("ASSAULT".into()),
                from: Some("2020-10-01".into()),
                to: Some("2020-10-09".into()),
                ..Default::default()
            },
        ),
        (
            "place=stepanakert",
            EventFilter {
                place: Some("stepanakert".into()),
                ..Default::default()
            },
        ),
        (
            "q=ceasefire",
            EventFilter {
                q: Some("ceasefire".into()),
                ..Default::default()
            },
        ),
    ];
    let mut cases = cases;
    cases.push((
        Box::leak(format!("document={hid}").into_boxed_str()),
        EventFilter {
            doc: Some(hid.clone()),
            ..Default::default()
        },
    ));
    for (q, f) in cases {
        let v = ok(&format!("/api/events?{q}")).await;
        let want = serde_json::to_value(store.events(&f).unwrap()).unwrap();
        assert_eq!(v["events"], want, "{q}");
        assert_eq!(v["total"], store.count_events(&f).unwrap(), "{q}");
    }
}
