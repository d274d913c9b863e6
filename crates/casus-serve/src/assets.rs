//! The pages and their static assets, compiled into the binary.
//!
//! Every page is the same shell: a header with the navigation, an empty
//! `<main>` and `app.js`, which reads `data-page` and the URL, fetches JSON
//! from `/api/` and builds the DOM with `textContent`. The shell carries no
//! data, so nothing from a document is ever interpolated into HTML.

use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::Shared;

pub const STYLE: &str = include_str!("../assets/style.css");
pub const APP: &str = include_str!("../assets/app.js");
pub const OUTLINES: &str = include_str!("../assets/outlines.json");

/// `(path, page name, title)` of every page.
pub const PAGES: &[(&str, &str, &str)] = &[
    ("/", "overview", "Overview"),
    ("/timeline", "timeline", "Timeline"),
    ("/map", "map", "Map"),
    ("/claims", "claims", "Claims"),
    ("/stances", "stances", "Stances"),
    ("/search", "search", "Search"),
    ("/actors", "actors", "Actors"),
    ("/actors/{id}", "actor", "Actor"),
    ("/places", "places", "Places"),
    ("/places/{id}", "place", "Place"),
    ("/documents", "documents", "Documents"),
    ("/documents/{id}", "document", "Document"),
    ("/sources", "sources", "Sources"),
];

const NAV: &[(&str, &str)] = &[
    ("/", "Overview"),
    ("/timeline", "Timeline"),
    ("/map", "Map"),
    ("/claims", "Claims"),
    ("/stances", "Stances"),
    ("/actors", "Actors"),
    ("/places", "Places"),
    ("/sources", "Sources"),
];

/// The HTML shell of a page. `page` and `title` are constants.
pub fn shell(page: &str, title: &str) -> String {
    let mut nav = String::new();
    for (href, label) in NAV {
        nav.push_str(&format!(
            "<a href=\"{href}\" data-nav=\"{href}\">{label}</a>"
        ));
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · casus</title><link rel=\"icon\" href=\"data:,\">\
<link rel=\"stylesheet\" href=\"/assets/style.css\"></head>\
<body data-page=\"{page}\"><header class=\"top\"><a class=\"brand\" href=\"/\">casus<span>Nagorno-Karabakh knowledge base</span></a>\
<nav>{nav}</nav><form class=\"qs\" action=\"/search\" method=\"get\" role=\"search\">\
<input name=\"q\" type=\"search\" placeholder=\"Search sources…\" aria-label=\"Search the sources\"></form></header>\
<main id=\"main\"><p class=\"loading\">Loading…</p></main>\
<footer>casus · every fact links to the bytes that state it · <a href=\"/api/openapi.json\">API</a></footer>\
<script src=\"/assets/app.js\"></script></body></html>\n"
    )
}

fn asset(ct: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, ct),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

pub fn routes() -> Router<Shared> {
    let mut r = Router::new()
        .route(
            "/assets/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP) }),
        )
        .route(
            "/assets/outlines.json",
            get(|| async { asset("application/json", OUTLINES) }),
        );
    for &(path, page, title) in PAGES {
        let html = shell(page, title);
        r = r.route(path, get(move || async move { Html(html) }));
    }
    r.fallback(|| async { (StatusCode::NOT_FOUND, Html(shell("notfound", "Not found"))) })
}
