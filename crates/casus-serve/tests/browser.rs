//! The pages in a real browser: headless Chromium driven over WebDriver
//! (chromedriver), against a server on a free loopback port. Screenshots
//! of every page go to `target/screenshots/`.
//!
//! Without Chromium the test says so loudly and passes, except under CI
//! (`CI=true`), where it fails.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const CHROMIUM: &[&str] = &[
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
];
const DRIVER: &[&str] = &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];

fn find(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env) {
        return Some(PathBuf::from(p)).filter(|p| p.exists());
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request over a fresh connection; returns status and body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let data = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{data}",
        data.len()
    );
    s.write_all(req.as_bytes())?;
    // Read the head, then exactly the body (servers may keep the
    // connection open).
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16384];
    let split = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = s.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::other("connection closed before the head"));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..split]).to_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|x| x.parse().ok())
        .unwrap_or(0);
    let mut rest = buf[split + 4..].to_vec();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    if let Some(len) = length {
        while rest.len() < len {
            let n = s.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            rest.extend_from_slice(&chunk[..n]);
        }
        rest.truncate(len);
    } else if head.contains("transfer-encoding: chunked") {
        while !rest.windows(5).any(|w| w == b"0\r\n\r\n") {
            let n = s.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            rest.extend_from_slice(&chunk[..n]);
        }
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(nl) = rest[i..].windows(2).position(|w| w == b"\r\n") {
            let n = usize::from_str_radix(String::from_utf8_lossy(&rest[i..i + nl]).trim(), 16)
                .unwrap_or(0);
            if n == 0 {
                break;
            }
            let st = i + nl + 2;
            out.extend_from_slice(&rest[st..(st + n).min(rest.len())]);
            i = st + n + 2;
            if i >= rest.len() {
                break;
            }
        }
        rest = out;
    } else {
        s.read_to_end(&mut rest)?;
    }
    Ok((status, rest))
}

fn b64decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter_map(val) {
        acc = (acc << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

struct Browser {
    driver: Child,
    addr: String,
    session: String,
    base: String,
    shots: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = http(
            &self.addr,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    fn cmd(&self, method: &str, what: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}/{what}", self.session);
        let (status, b) =
            http(&self.addr, method, &path, body.as_ref()).expect("webdriver request");
        let v: Value = serde_json::from_slice(&b).unwrap_or(Value::Null);
        assert!(status == 200, "webdriver {what}: {status} {v}");
        v["value"].clone()
    }

    fn goto(&self, path: &str) {
        self.cmd(
            "POST",
            "url",
            Some(json!({"url": format!("{}{path}", self.base)})),
        );
        self.wait_ready(path);
    }

    fn js(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    fn wait_for(&self, what: &str, script: &str) -> Value {
        let t = Instant::now();
        loop {
            let v = self.js(script);
            if !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0)) {
                return v;
            }
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_ready(&self, path: &str) {
        let v = self.wait_for(
            &format!("{path} to render"),
            "return document.body && document.body.getAttribute('data-ready')",
        );
        if v != json!("1") {
            let err = self.js("return document.getElementById('main').textContent");
            panic!("{path} failed to render: {err}");
        }
    }

    fn screenshot(&self, name: &str) {
        let v = self.cmd("GET", "screenshot", None);
        let png = b64decode(v.as_str().unwrap_or(""));
        assert!(png.starts_with(b"\x89PNG"), "screenshot of {name} is a PNG");
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }

    fn count(&self, css: &str) -> i64 {
        self.js(&format!(
            "return document.querySelectorAll({}).length",
            json!(css)
        ))
        .as_i64()
        .unwrap()
    }
}

fn start_server(db: &Path) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    let cfg = casus_serve::Config::new(db);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
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
    rx.recv_timeout(Duration::from_secs(60))
        .expect("server started")
}

fn start_browser(chromium: &Path, driver: &Path, base: String) -> Browser {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let t = Instant::now();
    while http(&addr, "GET", "/status", None)
        .map(|(s, _)| s != 200)
        .unwrap_or(true)
    {
        if t.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromedriver did not start");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let profile = tempfile::tempdir().unwrap().keep();
    let caps = json!({"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium.display().to_string(),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,1000",
                     format!("--user-data-dir={}", profile.display())]
        }
    }}});
    let (status, b) = http(&addr, "POST", "/session", Some(&caps)).unwrap_or((0, Vec::new()));
    let v: Value = serde_json::from_slice(&b).unwrap_or(Value::Null);
    if status != 200 {
        let _ = child.kill();
        let _ = child.wait();
        panic!("new session: {status} {v}");
    }
    let session = v["value"]["sessionId"]
        .as_str()
        .expect("session id")
        .to_string();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    Browser {
        driver: child,
        addr,
        session,
        base,
        shots,
    }
}

#[test]
fn pages_work_in_chromium() {
    let ci = std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false);
    let (chromium, driver) = match (find("CHROMIUM", CHROMIUM), find("CHROMEDRIVER", DRIVER)) {
        (Some(c), Some(d)) => (c, d),
        _ => {
            if ci {
                panic!("CI=true but chromium or chromedriver is missing: apt-get install chromium chromium-driver");
            }
            eprintln!("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
            eprintln!("!!! SKIPPING BROWSER TESTS: chromium / chromedriver not found.");
            eprintln!("!!! Install them (apt-get install chromium chromium-driver) to run them.");
            eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
            return;
        }
    };
    // The whole run is bounded: a hung browser must not hang the suite.
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(300));
        eprintln!("browser tests: over 300 s, aborting");
        std::process::exit(101);
    });
    let addr = start_server(common::db());
    let b = start_browser(&chromium, &driver, format!("http://{addr}"));
    let hostile = common::hostile_id();

    // Every page renders, without an error box, and is photographed.
    let pages: Vec<(&str, String)> = vec![
        ("overview", "/".into()),
        ("timeline", "/timeline".into()),
        ("map", "/map".into()),
        ("claims", "/claims".into()),
        ("stances", "/stances".into()),
        ("search", "/search?q=ceasefire".into()),
        ("actors", "/actors".into()),
        ("actor", "/actors/AZE".into()),
        ("places", "/places".into()),
        ("place", "/places/stepanakert".into()),
        ("documents", "/documents".into()),
        ("document", format!("/documents/{hostile}")),
        ("sources", "/sources".into()),
        ("notfound", "/no/such/page".into()),
    ];
    for (name, path) in &pages {
        b.goto(path);
        assert_eq!(b.count(".error"), 0, "{path} shows an error");
        assert!(
            b.js("return document.getElementById('main').textContent.length")
                .as_i64()
                .unwrap()
                > 20,
            "{path} is empty"
        );
        b.screenshot(name);
    }
    b.goto("/");
    assert!(b.count(".cards .card") >= 6, "overview cards");
    b.goto("/claims");
    assert!(b.count("table.ledger tbody tr") > 0, "claims rows");
    assert!(
        b.count("table.ledger tr.dis") > 0,
        "disagreements highlighted"
    );
    b.goto("/stances");
    assert!(b.count("td.st button") > 0, "stance cells");
    b.js("document.querySelector('td.st button').click()");
    b.wait_for(
        "stance evidence",
        "return document.querySelectorAll('ul.cellev li').length",
    );
    b.goto("/search?q=ceasefire");
    assert!(b.count("ol.hits li mark") > 0, "search marks matches");
    b.goto("/sources");
    assert!(
        b.count("tr.r-copy, tr.r-excerpt, tr.r-revision") > 0,
        "copies listed"
    );
    // Documents come a page at a time.
    b.goto("/documents");
    assert_eq!(b.count("table.grid tbody tr"), 6, "every document");
    b.goto("/documents?offset=4");
    assert_eq!(b.count("table.grid tbody tr"), 2, "the last page");
    assert_eq!(b.count("a[rel=prev]"), 1, "a way back");
    assert_eq!(b.count("a[rel=next]"), 0, "nothing after");

    // Timeline: filter by actor and type through the form.
    b.goto("/timeline");
    let all = b.count(".event");
    assert!(all > 50, "timeline shows events ({all})");
    assert!(b.count("svg.hist rect.bar") > 3, "histogram drawn");
    b.js("document.getElementById('f-actor').value = 'RUS'; document.getElementById('f-type').value = ''; document.getElementById('f-apply').click();");
    b.wait_for("actor filter", "return location.search.includes('actor=RUS') && !document.getElementById('summary').textContent.startsWith('Loading')");
    // Each actor link's title is "id · country · sector".
    let names = b.js("return [...document.querySelectorAll('.event .who a.actor:first-child')].map(a => a.getAttribute('title'))");
    let names = names.as_array().unwrap();
    assert!(!names.is_empty() && (names.len() as i64) < all);
    assert!(
        names
            .iter()
            .all(|n| n.as_str().unwrap().split(" · ").take(2).any(|x| x == "RUS")),
        "{names:?}"
    );
    // Zoom to a week by the date inputs; every day shown is inside it.
    b.js("document.getElementById('f-actor').value = ''; document.getElementById('f-from').value = '2020-10-01'; document.getElementById('f-to').value = '2020-10-07'; document.getElementById('f-apply').click();");
    b.wait_for("date filter", "return location.search.includes('from=2020-10-01') && !document.getElementById('summary').textContent.startsWith('Loading')");
    let days = b.js(
        "return [...document.querySelectorAll('section.day')].map(s => s.getAttribute('data-day'))",
    );
    let days = days.as_array().unwrap();
    assert!(!days.is_empty());
    // Day groups fall inside the window (longer events are grouped under
    // their written date, e.g. "2020").
    assert!(
        days.iter()
            .map(|d| d.as_str().unwrap())
            .filter(|d| d.len() == 10)
            .all(|d| ("2020-10-01"..="2020-10-07").contains(&d)),
        "{days:?}"
    );
    assert_eq!(b.count("svg.hist rect.win"), 1, "zoom window drawn");
    b.screenshot("timeline-filtered");
    // Open the first event's evidence, then the source document at its span.
    b.js("document.querySelector('.evidence-toggle').click()");
    let quote = b.wait_for("evidence", "const q = document.querySelector('.evidence:not([hidden]) blockquote'); return q && q.textContent");
    let quote = quote.as_str().unwrap().to_string();
    let href = b.js("return document.querySelector('.evidence:not([hidden]) a.open-evidence').getAttribute('href')");
    b.goto(href.as_str().unwrap());
    let hl = b.wait_for(
        "highlighted sentence",
        "const s = document.querySelector('.sent.hl'); return s && s.textContent",
    );
    let probe: String = quote.chars().take(40).collect();
    assert!(
        hl.as_str().unwrap().contains(probe.trim()),
        "highlighted {hl} vs evidence {quote}"
    );
    b.wait_for(
        "raw bytes panel",
        "const r = document.getElementById('rawtext'); return r && r.textContent.length",
    );
    b.screenshot("document-evidence");

    // The map draws its points and the date slider changes them.
    b.goto("/map");
    let n_all = b
        .wait_for(
            "map points",
            "return document.querySelectorAll('#points circle.pt.ev').length",
        )
        .as_i64()
        .unwrap();
    assert!(n_all > 10, "map points ({n_all})");
    assert!(b.count("svg.map path.country") >= 5, "outlines drawn");
    let inside = b.js("const s = document.getElementById('map').viewBox.baseVal; return [...document.querySelectorAll('#points circle')].every(c => { const x = +c.getAttribute('cx'), y = +c.getAttribute('cy'); return x >= 0 && y >= 0 && x <= s.width && y <= s.height; })");
    assert_eq!(inside, json!(true), "points inside the map");
    b.js("const s = document.getElementById('map-day'); s.value = 2; s.dispatchEvent(new Event('input'));");
    b.wait_for(
        "map date change",
        "return document.getElementById('map-date').textContent.includes('2020-09-29')",
    );
    let n_early = b.wait_for("fewer points", &format!("const n = document.querySelectorAll('#points circle.pt.ev').length; return n < {n_all} && n")).as_i64().unwrap();
    assert!(n_early < n_all);
    b.screenshot("map-early");

    // Hostile text renders inert.
    b.goto(&format!("/documents/{hostile}"));
    let state = b.js("return {pwned: window.__pwned === undefined ? null : window.__pwned, title: document.title, \
        scripts: document.querySelectorAll('main script').length, imgs: document.querySelectorAll('main img').length, \
        handlers: document.querySelectorAll('[onerror],[onmouseover],[onclick]').length, \
        jslinks: [...document.querySelectorAll('a[href]')].filter(a => a.getAttribute('href').trim().toLowerCase().startsWith('javascript')).length, \
        text: document.getElementById('doctext').textContent}");
    assert_eq!(state["pwned"], Value::Null, "{state}");
    assert!(!state["title"].as_str().unwrap().contains("PWNED"));
    assert_eq!(state["scripts"], 0);
    assert_eq!(state["imgs"], 0);
    assert_eq!(state["handlers"], 0);
    assert_eq!(state["jslinks"], 0);
    let text = state["text"].as_str().unwrap();
    assert!(
        text.contains("<script>window.__pwned = 1;"),
        "script shown as text"
    );
    assert!(
        text.contains("onerror=\"window.__pwned = 2\""),
        "handler shown as text"
    );
    b.screenshot("document-hostile");
    // Hostile names in event records are text too.
    b.goto("/timeline?q=Stepanakert&type=ASSAULT&from=2020-10-03&to=2020-10-03");
    let who = b.js(
        "return [...document.querySelectorAll('.event .who')].map(w => w.textContent).join(' | ')",
    );
    assert!(
        who.as_str()
            .unwrap()
            .contains("Azerbaijan <script>x</script>"),
        "{who}"
    );
    assert_eq!(b.count("main img, main script"), 0);
    b.goto("/search?q=onerror");
    assert!(b.count("ol.hits li") > 0);
    assert_eq!(b.js("return window.__pwned === undefined"), json!(true));
    assert_eq!(b.count("main img, main script"), 0);
}
