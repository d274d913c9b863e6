//! Server hardening (issue 8): the server cannot be turned against its
//! user. Request size and time limits, bounded work under a burst,
//! malformed and oversized query strings, path traversal, the ingest
//! token, XSS payloads in documents and query parameters, and security
//! headers on every kind of response, including errors.

mod common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

fn app_with(timeout: Duration) -> axum::Router {
    let state = casus_serve::AppState::open(&casus_serve::Config::new(common::db())).unwrap();
    casus_serve::app(state, timeout)
}

fn app() -> axum::Router {
    app_with(Duration::from_secs(30))
}

struct Res {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Res {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn call(app: axum::Router, req: Request<Body>) -> Res {
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Res {
        status,
        headers,
        body,
    }
}

async fn get(app: axum::Router, uri: &str) -> Res {
    call(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn post(token: Option<&str>, uri: &str, body: Vec<u8>) -> Request<Body> {
    let mut b = Request::post(uri);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, t);
    }
    b.body(Body::from(body)).unwrap()
}

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

fn ingest_app(token: Option<&str>) -> (tempfile::TempDir, axum::Router) {
    let dir = tempfile::tempdir().unwrap();
    let db = common::build(&dir.path().join("kb.db"), 5, 2);
    let mut cfg = casus_serve::Config::new(db);
    cfg.ingest_token = token.map(str::to_string);
    let state = casus_serve::AppState::open(&cfg).unwrap();
    (dir, casus_serve::app(state, Duration::from_secs(30)))
}

/// The headers every response carries, whatever its status.
fn assert_security_headers(r: &Res, what: &str) {
    let h = &r.headers;
    assert_eq!(
        h.get(header::CONTENT_SECURITY_POLICY)
            .map(|v| v.to_str().unwrap()),
        Some(casus_serve::CSP),
        "{what} ({}): CSP",
        r.status
    );
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{what}");
    assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{what}");
    for bad in ["unsafe-inline", "unsafe-eval", "*"] {
        assert!(!casus_serve::CSP.contains(bad), "CSP allows {bad}");
    }
}

fn stored_documents(app_dir: &tempfile::TempDir) -> i64 {
    let c = rusqlite::Connection::open(app_dir.path().join("kb.db")).unwrap();
    c.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test]
async fn request_bodies_over_the_limit_are_refused() {
    let (dir, app) = ingest_app(Some(TOKEN));
    let before = stored_documents(&dir);
    let bearer = format!("Bearer {TOKEN}");
    // A real body one byte over.
    let big = vec![b'a'; casus_serve::BODY_LIMIT + 1];
    let r = call(
        app.clone(),
        post(Some(&bearer), "/api/documents?name=big.txt", big),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_security_headers(&r, "413");
    // A declared length over the limit is refused before any byte is read.
    let req = Request::post("/api/documents?name=liar.txt")
        .header(header::AUTHORIZATION, &bearer)
        .header(header::CONTENT_LENGTH, (1u64 << 40).to_string())
        .body(Body::from("tiny"))
        .unwrap();
    let r = call(app.clone(), req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Bodies are not accepted where none is expected.
    let r = call(
        app.clone(),
        Request::post("/api/stats")
            .body(Body::from(vec![b'x'; 1024]))
            .unwrap(),
    )
    .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_security_headers(&r, "POST /api/stats");
    assert_eq!(stored_documents(&dir), before, "nothing stored");
}

/// Starts the real server on a free port with `timeout`.
async fn spawn_server(timeout: Duration) -> std::net::SocketAddr {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut cfg = casus_serve::Config::new(common::db());
    cfg.timeout = timeout;
    tokio::spawn(async move {
        let _ = casus_serve::serve(cfg, "127.0.0.1:0".parse().unwrap(), move |a| {
            let _ = tx.send(a);
        })
        .await;
    });
    tokio::time::timeout(Duration::from_secs(60), rx)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_is_cut_off_by_the_time_limit() {
    // A body that never finishes arriving: the request must end with 503
    // at the time limit, not hold a worker forever.
    let addr = spawn_server(Duration::from_millis(500)).await;
    let r = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let t = Instant::now();
        s.write_all(b"POST /api/documents?name=slow.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nConnection: close\r\n\r\nOnly the first bytes").unwrap();
        let mut buf = [0u8; 4096];
        let n = s.read(&mut buf).unwrap_or(0);
        (String::from_utf8_lossy(&buf[..n]).into_owned(), t.elapsed())
    })
    .await
    .unwrap();
    let (resp, took) = r;
    assert!(resp.starts_with("HTTP/1.1 503"), "{resp}");
    assert!(took < Duration::from_secs(5), "cut off after {took:?}");
    let lower = resp.to_ascii_lowercase();
    assert!(lower.contains("content-security-policy:"), "{resp}");
    assert!(lower.contains("x-content-type-options: nosniff"), "{resp}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_requests_is_served_and_the_server_stays_up() {
    let app = app();
    let uris = [
        "/api/stats",
        "/api/events?limit=200",
        "/api/search?q=ceasefire",
        "/api/claims",
        "/api/timeline",
        "/api/documents",
        "/",
    ];
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..256 {
        let app = app.clone();
        let uri = uris[i % uris.len()];
        tasks.push(tokio::spawn(
            async move { (uri, get(app, uri).await.status) },
        ));
    }
    let mut by_status = std::collections::BTreeMap::new();
    for t in tasks {
        let (uri, s) = tokio::time::timeout(Duration::from_secs(120), t)
            .await
            .expect("a request hung")
            .unwrap();
        assert!(
            s == StatusCode::OK
                || s == StatusCode::SERVICE_UNAVAILABLE
                || s == StatusCode::TOO_MANY_REQUESTS,
            "{uri}: {s}"
        );
        *by_status.entry(s.as_u16()).or_insert(0) += 1;
    }
    eprintln!(
        "hardening: 256 concurrent requests in {:?}: {by_status:?}",
        start.elapsed()
    );
    assert_eq!(get(app.clone(), "/api/stats").await.status, StatusCode::OK);
}

#[tokio::test]
async fn malformed_and_oversized_query_strings_are_400_not_500() {
    let app = app();
    // Just under http::Uri's 64 KiB limit; the socket test sends 1 MB.
    let long = "a".repeat(60_000);
    let long_q = format!("/api/search?q={long}");
    let long_name = format!("/api/events?{long}=1");
    let many = format!("/api/events?{}", "limit=1&".repeat(5000));
    let uris: Vec<&str> = vec![
        "/api/events?limit=abc",
        "/api/events?limit=-1",
        "/api/events?limit=99999999999999999999999999",
        "/api/events?offset=-5",
        "/api/events?from=2020-13-45",
        "/api/events?from=%00%00",
        "/api/events?to=9999999999-01-01",
        "/api/events?type=%ZZ",
        "/api/events?q=%FF%FE%FD",
        "/api/events?&&&=&=&",
        "/api/events?limit",
        "/api/events?limit=1&limit=2",
        "/api/search?q=",
        "/api/search?q=%22unterminated",
        "/api/search?q=NEAR(",
        "/api/search?q=a%20OR",
        "/api/search?q=*",
        "/api/search?q=%00",
        "/api/search?q=col%3Avalue",
        "/api/search?q=-",
        "/api/search?q=%5E%22%28%29",
        "/api/documents/%00",
        "/api/documents/%FF",
        "/api/documents/zzzz/raw?start=-1",
        "/api/documents/zzzz/raw?start=1&end=0",
        "/api/timeline?from=2020-02-30",
        "/api/claims?subject=%E2%80%AE",
        &long_q,
        &long_name,
        &many,
    ];
    let mut n4 = 0;
    for uri in uris {
        let t = Instant::now();
        let r = get(app.clone(), uri).await;
        let short = &uri[..uri.len().min(60)];
        assert!(
            r.status.is_success() || r.status.is_client_error(),
            "{short}: {} {}",
            r.status,
            r.text()
        );
        assert!(t.elapsed() < Duration::from_secs(10), "{short}: slow");
        let ct = r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        if r.status.is_client_error() {
            n4 += 1;
            // Errors may name the offending parameter, but never amplify.
            assert!(
                r.body.len() < uri.len() + 4096,
                "{short}: error larger than the request"
            );
            if ct.starts_with("application/json") {
                let v: Value = serde_json::from_slice(&r.body).expect("JSON error");
                assert!(v["error"].is_string(), "{short}: {v}");
            } else {
                // The router's own rejections (a path that is not UTF-8)
                // are plain text, never HTML.
                assert!(ct.starts_with("text/plain"), "{short}: {ct}");
            }
        } else {
            assert!(ct.starts_with("application/json"), "{short}: {ct}");
        }
        assert_security_headers(&r, short);
    }
    assert!(n4 >= 15, "only {n4} refusals");
}

#[tokio::test]
async fn path_traversal_on_asset_and_api_routes_finds_nothing() {
    let app = app();
    for uri in [
        "/assets/../Cargo.toml",
        "/assets/../../Cargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/assets/%252e%252e/%252e%252e/etc/passwd",
        "/assets/....//....//etc/passwd",
        "/assets/app.js/../../../../etc/passwd",
        "/assets/..\\..\\Cargo.toml",
        "/assets/%c0%ae%c0%ae/etc/passwd",
        "/assets/style.css%00.js",
        "/assets/",
        "/assets",
        "//etc/passwd",
        "/../../../../etc/passwd",
        "/documents/..%2f..%2f..%2fetc%2fpasswd",
        "/api/documents/..%2f..%2f..%2fetc%2fpasswd",
        "/api/documents/../../../etc/passwd/raw",
        "/api/documents/%2e%2e%2fkb.db/raw",
    ] {
        let r = get(app.clone(), uri).await;
        let body = r.text();
        // Page routes answer any id with the constant shell; nothing else
        // may succeed.
        let shell = r.status == StatusCode::OK
            && !uri.starts_with("/api/")
            && !uri.starts_with("/assets/")
            && body.contains("data-page=\"document\"");
        assert!(
            shell || r.status == StatusCode::NOT_FOUND || r.status == StatusCode::BAD_REQUEST,
            "{uri}: {}",
            r.status
        );
        for leak in ["root:", "[workspace]", "[package]", "SQLite format"] {
            assert!(!body.contains(leak), "{uri}: leaks {leak}");
        }
        assert_security_headers(&r, uri);
    }
    // The real assets are still served.
    for uri in ["/assets/app.js", "/assets/style.css"] {
        assert_eq!(get(app.clone(), uri).await.status, StatusCode::OK, "{uri}");
    }
}

#[tokio::test]
async fn the_ingest_endpoint_checks_its_token() {
    // Read-only server: forbidden whatever the token.
    let r = call(
        app(),
        post(
            Some(&format!("Bearer {TOKEN}")),
            "/api/documents",
            b"Text.".to_vec(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_security_headers(&r, "403");

    let (dir, app) = ingest_app(Some(TOKEN));
    let before = stored_documents(&dir);
    let doc = b"On 1 October 2020 Azerbaijan shelled Stepanakert. Token test.\n".to_vec();
    let wrong_same_len = format!("Bearer {}", "f".repeat(TOKEN.len()));
    let prefix = format!("Bearer {}", &TOKEN[..TOKEN.len() - 1]);
    let longer = format!("Bearer {TOKEN}0");
    let lower = format!("bearer {TOKEN}");
    let basic = format!("Basic {TOKEN}");
    let spaced = format!("Bearer  {TOKEN}");
    let bare = TOKEN.to_string();
    for auth in [
        None,
        Some(""),
        Some("Bearer"),
        Some("Bearer "),
        Some(wrong_same_len.as_str()),
        Some(prefix.as_str()),
        Some(longer.as_str()),
        Some(lower.as_str()),
        Some(basic.as_str()),
        Some(spaced.as_str()),
        Some(bare.as_str()),
    ] {
        let r = call(
            app.clone(),
            post(auth, "/api/documents?name=t.txt", doc.clone()),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{auth:?}: {}", r.text());
        assert!(!r.text().contains(TOKEN), "the token leaks");
        assert_security_headers(&r, "401");
    }
    // The token in the query string is not a token.
    let r = call(
        app.clone(),
        post(
            None,
            &format!("/api/documents?name=t.txt&token={TOKEN}"),
            doc.clone(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        stored_documents(&dir),
        before,
        "a refused request stored something"
    );
    // The right token works.
    let r = call(
        app.clone(),
        post(
            Some(&format!("Bearer {TOKEN}")),
            "/api/documents?name=t.txt",
            doc,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(stored_documents(&dir), before + 1);
    // An empty configured token never matches an empty bearer.
    let (_d2, app2) = ingest_app(Some(""));
    let r = call(
        app2,
        post(
            Some("Bearer "),
            "/api/documents?name=e.txt",
            b"Text here.".to_vec(),
        ),
    )
    .await;
    assert!(
        r.status == StatusCode::UNAUTHORIZED || r.status == StatusCode::FORBIDDEN,
        "{}",
        r.status
    );
}

const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg/onload=alert(1)>",
    "javascript:alert(1)",
    "</title><script>alert(1)</script>",
    "{{constructor.constructor('alert(1)')()}}",
];

#[tokio::test]
async fn xss_payloads_in_query_parameters_are_never_reflected_as_html() {
    let app = app();
    for p in PAYLOADS {
        let enc: String = p.bytes().map(|b| format!("%{b:02X}")).collect();
        for uri in [
            format!("/search?q={enc}"),
            format!("/timeline?actor={enc}"),
            format!("/actors/{enc}"),
            format!("/documents/{enc}"),
            format!("/{enc}"),
        ] {
            let r = get(app.clone(), &uri).await;
            let html = r.text();
            assert!(!html.contains(p), "{uri}: payload reflected in the page");
            assert!(!html.contains("alert(1)"), "{uri}: payload reflected");
            assert_eq!(html.matches("<script").count(), 1, "{uri}: extra script");
            assert_security_headers(&r, &uri);
        }
        for uri in [
            format!("/api/search?q={enc}"),
            format!("/api/events?type={enc}"),
            format!("/api/events?actor={enc}"),
            format!("/api/actors/{enc}"),
            format!("/api/documents/{enc}"),
            format!("/api/nothing/{enc}"),
        ] {
            let r = get(app.clone(), &uri).await;
            let ct = r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .to_string();
            assert!(ct.starts_with("application/json"), "{uri}: {ct}");
            assert!(!r.status.is_server_error(), "{uri}: {}", r.status);
            assert_security_headers(&r, &uri);
        }
    }
}

#[tokio::test]
async fn xss_payloads_in_documents_are_served_as_json_only() {
    let (dir, app) = ingest_app(Some(TOKEN));
    let _ = dir;
    let doc = format!(
        "<p>Baku said {} on 5 October 2020.</p><p>{}</p>",
        PAYLOADS.join(" and "),
        "<iframe src=\"javascript:alert(1)\"></iframe>"
    );
    for (name, format) in [("x.html", "html"), ("x.txt", "text"), ("x.md", "markdown")] {
        let r = call(
            app.clone(),
            post(
                Some(&format!("Bearer {TOKEN}")),
                &format!("/api/documents?name={name}&format={format}"),
                format!("{doc} {name}").into_bytes(),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = serde_json::from_slice::<Value>(&r.body).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        for uri in [
            format!("/api/documents/{id}"),
            format!("/api/documents/{id}/sentences"),
            format!("/api/documents/{id}/annotated"),
            format!("/api/documents/{id}/raw"),
            "/api/search?q=alert".to_string(),
            "/api/documents".to_string(),
        ] {
            let r = get(app.clone(), &uri).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
            let ct = r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .to_string();
            assert!(ct.starts_with("application/json"), "{uri}: served as {ct}");
            serde_json::from_slice::<Value>(&r.body).expect("valid JSON");
            assert_security_headers(&r, &uri);
        }
        // The document's page is the constant shell: nothing interpolated.
        let r = get(app.clone(), &format!("/documents/{id}")).await;
        assert!(
            !r.text().contains("alert"),
            "document page carries the payload"
        );
    }
    // The page script builds the DOM with textContent only (comments aside).
    let js = get(app.clone(), "/assets/app.js").await.text();
    let code: Vec<&str> = js
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect();
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
    ] {
        assert!(!code.iter().any(|l| l.contains(sink)), "app.js uses {sink}");
    }
}

#[tokio::test]
async fn security_headers_on_every_kind_of_response() {
    let app = app();
    let mut seen = std::collections::BTreeSet::new();
    for (method, uri) in [
        (Method::GET, "/"),
        (Method::GET, "/api/stats"),
        (Method::GET, "/assets/app.js"),
        (Method::GET, "/assets/style.css"),
        (Method::GET, "/no/such/page"),
        (Method::GET, "/api/no/such"),
        (Method::GET, "/api/events?limit=abc"),
        (Method::DELETE, "/api/stats"),
        (Method::PUT, "/api/documents"),
        (Method::POST, "/api/documents"),
        (Method::OPTIONS, "/api/stats"),
        (Method::HEAD, "/"),
    ] {
        let r = call(
            app.clone(),
            Request::builder()
                .method(method.clone())
                .uri(uri)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_security_headers(&r, &format!("{method} {uri}"));
        assert!(!r.status.is_server_error(), "{method} {uri}: {}", r.status);
        seen.insert(r.status.as_u16());
        // No cross-origin reads.
        assert!(
            r.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(),
            "{uri}: CORS"
        );
    }
    assert!(seen.len() >= 4, "statuses covered: {seen:?}");
}

/// Over a real socket: what hyper refuses before the router sees it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_request_lines_and_headers_over_a_socket() {
    let addr = spawn_server(Duration::from_secs(30)).await;
    let send = |req: Vec<u8>| async move {
        tokio::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            let _ = s.write_all(&req);
            let mut buf = Vec::new();
            let _ = s.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
        .await
        .unwrap()
    };
    // A 1 MB request line.
    let line = format!(
        "GET /api/search?q={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(1 << 20)
    );
    let r = send(line.into_bytes()).await;
    assert!(
        r.is_empty() || r.starts_with("HTTP/1.1 4"),
        "{}",
        &r[..r.len().min(200)]
    );
    // A 1 MB header.
    let hdr = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "b".repeat(1 << 20)
    );
    let r = send(hdr.into_bytes()).await;
    assert!(
        r.is_empty() || r.starts_with("HTTP/1.1 4"),
        "{}",
        &r[..r.len().min(200)]
    );
    // Garbage.
    let r = send(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n".to_vec()).await;
    assert!(r.is_empty() || r.starts_with("HTTP/1.1 4"), "{r}");
    // And the server still answers.
    let r = send(b"GET /api/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec()).await;
    assert!(r.starts_with("HTTP/1.1 200"), "{}", &r[..r.len().min(200)]);
}
