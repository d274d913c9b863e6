use super::*;
use crate::Cleaned;
use proptest::prelude::*;

/// Removes `<tag ...>` runs (a tag starts with `<` and a letter, `/` or `!`).
fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            match after.find('>') {
                Some(j) => rest = &after[j + 1..],
                None => {
                    rest = "";
                }
            }
        } else {
            out.push('<');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn alnum(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The provenance invariants every reader must keep:
/// * the map is well formed;
/// * every copied clean byte equals its raw byte;
/// * every word of the clean text appears (tags stripped, entities decoded)
///   in the raw span the map gives for it;
/// * sections, citations and removed spans lie within their texts.
pub(crate) fn check_map(raw: &str, c: &Cleaned) {
    c.map.check(c.clean.len(), raw.len()).unwrap();
    check_structure(raw, c);
    let clean = &c.clean;
    let mut start = None;
    let ends = clean
        .char_indices()
        .chain(std::iter::once((clean.len(), ' ')));
    for (i, ch) in ends {
        if ch.is_whitespace() {
            if let Some(s) = start.take() {
                let word = &clean[s..i];
                let span = c.map.to_raw(Span::new(s, i));
                let slice = raw
                    .get(span.range())
                    .unwrap_or_else(|| panic!("raw span {span:?} of {word:?} off char boundary"));
                let decoded = alnum(&entities::decode_str(&strip_tags(slice)));
                assert!(
                    decoded.contains(&alnum(word)),
                    "word {word:?} maps to raw {slice:?}"
                );
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
}

/// The invariants that hold for any input.
pub(crate) fn check_structure(raw: &str, c: &Cleaned) {
    c.map.check(c.clean.len(), raw.len()).unwrap();
    let clean = &c.clean;
    for (i, ch) in clean.char_indices() {
        let span = c.map.to_raw(Span::new(i, i + ch.len_utf8()));
        assert!(span.end <= raw.len());
        if c.map.is_copied(i) {
            assert_eq!(raw.get(span.range()), Some(&clean[i..i + ch.len_utf8()]));
        }
    }
    for s in &c.sections {
        assert!(clean.get(s.clean.range()).is_some(), "section {s:?}");
        assert_eq!(clean[s.clean.range()].replace('\n', " ").trim(), s.title);
        assert!(s.raw.end <= raw.len() && s.raw.start <= s.raw.end);
    }
    for cit in &c.citations {
        assert!(
            clean.is_char_boundary(cit.clean_at.min(clean.len())) && cit.clean_at <= clean.len()
        );
        assert!(cit.raw.end <= raw.len());
    }
    for r in c
        .removed
        .iter()
        .map(|r| r.raw)
        .chain(c.references.iter().map(|r| r.raw))
    {
        assert!(r.start <= r.end && r.end <= raw.len());
    }
}

const NEWS: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Ceasefire agreed in Nagorno-Karabakh &mdash; World News</title>
  <meta name="description" content="Armenia &amp; Azerbaijan agree a truce.">
  <meta name="author" content="Jane Reporter">
  <meta property="og:title" content="Ceasefire agreed">
  <meta property="article:published_time" content="2020-11-10T01:00:00Z">
  <link rel="stylesheet" href="/site.css">
  <style>body { color: red; } p > a { }</style>
  <script>window.dataLayer = []; if (a < b && c > d) { track("<p>not text</p>"); }</script>
</head>
<body class="page has-sidebar">
  <header class="site-header"><a href="/">World News</a><nav><ul><li><a href="/world">World</a></li><li>Politics</li></ul></nav></header>
  <div id="cookie-banner" class="cookie-consent">We use cookies. <button>Accept</button></div>
  <main>
    <article>
      <h1>Ceasefire agreed in Nagorno-Karabakh</h1>
      <div class="share-buttons"><a>Share on Facebook</a></div>
      <p>Armenia &amp; Azerbaijan signed a ceasefire
         on 10 November 2020, ending six weeks of fighting.</p>
      <h2>Terms of the deal</h2>
      <p>Russian peacekeepers will deploy along the Lachin corridor&nbsp;for five years.
      Displaced people will return &ndash; under UN supervision.<br>A second line.</p>
      <ul><li>Shusha stays under Azerbaijani control</li><li>Prisoners are exchanged</li></ul>
      <script type="application/ld+json">{"@type":"NewsArticle"}</script>
      <aside class="related">Related: Earlier clashes</aside>
    </article>
  </main>
  <footer class="site-footer">&copy; 2020 World News. <a href="/privacy">Privacy</a></footer>
  <script src="/app.js"></script>
</body>
</html>"#;

#[test]
fn news_page_main_content() {
    let c = clean(NEWS);
    check_map(NEWS, &c);
    let t = &c.clean;
    assert!(
        t.starts_with("Ceasefire agreed in Nagorno-Karabakh\n"),
        "{t}"
    );
    assert!(t.contains("Armenia & Azerbaijan signed a ceasefire on 10 November 2020, ending six weeks of fighting.\n\nTerms of the deal\n"), "{t}");
    assert!(t.contains("corridor for five years. Displaced people will return \u{2013} under UN supervision.\nA second line."), "{t}");
    assert!(
        t.contains("\nShusha stays under Azerbaijani control\nPrisoners are exchanged"),
        "{t}"
    );
    for bad in [
        "cookies",
        "World\n",
        "Politics",
        "Share",
        "Related",
        "Privacy",
        "dataLayer",
        "color",
        "NewsArticle",
        "Accept",
    ] {
        assert!(!t.contains(bad), "{bad:?} in {t}");
    }
    // The <title> is the h1 plus the site name: the h1 wins.
    assert_eq!(
        c.title.as_deref(),
        Some("Ceasefire agreed in Nagorno-Karabakh")
    );
    assert_eq!(c.sections.len(), 2);
    assert_eq!(c.sections[0].title, "Ceasefire agreed in Nagorno-Karabakh");
    assert_eq!(c.sections[0].level, 1);
    assert_eq!(c.sections[1].title, "Terms of the deal");
    assert_eq!(c.sections[1].level, 2);
    assert!(NEWS[c.sections[1].raw.range()].starts_with("<h2>"));
    assert_eq!(
        c.metadata["description"],
        "Armenia & Azerbaijan agree a truce."
    );
    assert_eq!(c.metadata["author"], "Jane Reporter");
    assert_eq!(c.metadata["og:title"], "Ceasefire agreed");
    assert_eq!(c.metadata["lang"], "en");
    assert_eq!(c.metadata["date"], "2020-11-10T01:00:00Z");
    // The entity maps back to its raw bytes.
    let amp = t.find('&').unwrap();
    assert_eq!(
        &NEWS[c.map.to_raw(Span::new(amp, amp + 1)).range()],
        "&amp;"
    );
    assert!(c.removed.iter().any(|r| r.kind == RemovedKind::Script));
    assert!(c.removed.iter().any(|r| r.kind == RemovedKind::Chrome));
    assert!(c.warnings.is_empty());
}

#[test]
fn body_without_main_drops_chrome() {
    let raw = "<html><body><div id=\"top-nav\">Home | About</div>\
        <div class=\"breadcrumbs\">Home &gt; News</div>\
        <div class=\"story\"><p>Shelling hit Stepanakert overnight.</p><p>Two civilians died.</p></div>\
        <div role=\"contentinfo\">Contact us</div><div style=\"display: none\">hidden</div></body></html>";
    let c = clean(raw);
    check_map(raw, &c);
    assert_eq!(
        c.clean,
        "Shelling hit Stepanakert overnight.\n\nTwo civilians died."
    );
}

const WIKI: &str = r##"<html><head><title>2020 Nagorno-Karabakh war - Wikipedia</title></head>
<body><div id="mw-navigation"><ul><li>Main page</li></ul></div>
<div id="content" class="mw-body"><h1 id="firstHeading">2020 Nagorno-Karabakh war</h1>
<div id="mw-content-text"><div class="mw-parser-output">
<div class="hatnote">For the 2016 clashes, see ...</div>
<table class="infobox"><tr><th colspan=2>2020 Nagorno-Karabakh war</th></tr><tr><th>Date</th><td>27 September &ndash; 10 November 2020</td></tr>
<tr><th>Result</th><td>Azerbaijani<br>victory<sup class="reference">[4]</sup></td></tr></table>
<p>The <b>2020 Nagorno-Karabakh war</b> was an armed conflict<sup id="cite_ref-1" class="reference"><a href="#cite_note-1">&#91;1&#93;</a></sup> between Azerbaijan and Armenia.<sup class="reference"><a href="#cite_note-bbc-2">[2]</a></sup> It lasted 44 days.[3]<sup>[<a href="#n5">5</a>]</sup> Squared<sup>2</sup>.</p>
<h2><span class="mw-headline" id="Background">Background</span><span class="mw-editsection"><span class="mw-editsection-bracket">[</span><a href="/edit">edit</a><span class="mw-editsection-bracket">]</span></span></h2>
<p>The region is disputed.<sup class="noprint Inline-Template Template-Fact">[<i><a href="/wiki/Wikipedia:Citation_needed">citation needed</a></i>]</sup></p>
<h2>References</h2>
<div class="reflist"><div class="mw-references-wrap"><ol class="references">
<li id="cite_note-1"><span class="mw-cite-backlink"><b><a href="#cite_ref-1">^</a></b></span> <span class="reference-text">&quot;War erupts&quot;. <i>BBC News</i>. 27 September 2020.</span></li>
<li id="cite_note-bbc-2"><span class="mw-cite-backlink">^ <a>a</a> <a>b</a></span> <span class="reference-text">Smith, J. (2020). Report.</span></li>
</ol></div></div>
<div role="navigation" class="navbox"><table><tr><td>Wars involving Armenia</td></tr></table></div>
</div></div></div>
<div id="footer"><ul><li>Privacy policy</li></ul></div>
</body></html>"##;

#[test]
fn wikipedia_page_citations_and_references() {
    let c = clean(WIKI);
    check_map(WIKI, &c);
    let t = &c.clean;
    assert!(t.contains("The 2020 Nagorno-Karabakh war was an armed conflict between Azerbaijan and Armenia. It lasted 44 days. Squared2.\n"), "{t}");
    assert!(
        t.contains("\n\nBackground\n\nThe region is disputed.\n\nReferences"),
        "{t}"
    );
    for bad in [
        "[1]",
        "[2]",
        "edit",
        "citation needed",
        "War erupts",
        "Wars involving",
        "Privacy",
        "Main page",
        "For the 2016",
    ] {
        assert!(!t.contains(bad), "{bad:?} in {t}");
    }
    // mw-content-text is the container: the h1 outside it is not text.
    assert!(!c.sections.iter().any(|s| s.level == 1));
    assert!(
        t.contains("Date 27 September \u{2013} 10 November 2020\n"),
        "{t}"
    );
    // The <title> is the first <h1> plus the site name: the h1 wins.
    assert_eq!(c.title.as_deref(), Some("2020 Nagorno-Karabakh war"));
    assert_eq!(
        c.metadata["infobox"]["Date"],
        "27 September \u{2013} 10 November 2020"
    );
    assert_eq!(c.metadata["infobox"]["Result"], "Azerbaijani victory");
    let labels: Vec<&str> = c.citations.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["4", "1", "2", "3", "5", "citation needed"]);
    let conflict = t.find("armed conflict").unwrap() + "armed conflict".len();
    assert_eq!(c.citations[1].clean_at, conflict);
    assert_eq!(&t[..c.citations[2].clean_at].chars().last(), &Some('.'));
    assert_eq!(c.references.len(), 2);
    assert_eq!(c.references[0].label.as_deref(), Some("1"));
    assert_eq!(
        c.references[0].text,
        "\"War erupts\". BBC News. 27 September 2020."
    );
    assert_eq!(c.references[1].text, "Smith, J. (2020). Report.");
    assert!(c.removed.iter().any(|r| r.kind == RemovedKind::References));
    assert!(c.removed.iter().any(|r| r.kind == RemovedKind::Navbox));
    assert!(c
        .removed
        .iter()
        .any(|r| r.kind == RemovedKind::CitationMarker));
    let titles: Vec<&str> = c.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Background", "References"]);
}

#[test]
fn references_section_by_heading() {
    let raw = "<article><h2>Attack on Ganja</h2><p>A missile struck.</p><h2>Notes</h2><ul><li>Ministry statement, 11 Oct.</li><li>HRW report</li></ul><h2>After</h2><p>Calm.</p></article>";
    let c = clean(raw);
    check_map(raw, &c);
    assert_eq!(
        c.clean,
        "Attack on Ganja\n\nA missile struck.\n\nNotes\n\nAfter\n\nCalm."
    );
    assert_eq!(c.references.len(), 2);
    assert_eq!(c.references[1].text, "HRW report");
    assert_eq!(c.references[0].label, None);
}

#[test]
fn entities_and_whitespace() {
    let raw = "<p>  Fighting&nbsp;\u{a0}resumed &hellip; &lsquo;heavy&rsquo; losses &#8212; &#x41;&#65; &bogus; AT&T &amp</p>\n<p>x &lt;b&gt; &quot;y&quot; caf&eacute; Nagorno&shy;Karabakh</p>";
    let c = clean(raw);
    check_map(raw, &c);
    assert_eq!(c.clean, "Fighting resumed \u{2026} \u{2018}heavy\u{2019} losses \u{2014} AA &bogus; AT&T &\n\nx <b> \"y\" caf\u{e9} NagornoKarabakh");
}

#[test]
fn single_spaces_stay_in_the_copied_run() {
    let raw =
        "<p>Azerbaijani forces  took Shusha <b>on</b> 8 November.</p><p> Armenia\tconceded. </p>";
    let c = clean(raw);
    check_map(raw, &c);
    assert_eq!(
        c.clean,
        "Azerbaijani forces took Shusha on 8 November.\n\nArmenia conceded."
    );
    let at = c.clean.find("took Shusha").unwrap();
    let span = c.map.to_raw(Span::new(at, at + "took Shusha".len()));
    assert_eq!(&raw[span.start..span.end], "took Shusha");
}

#[test]
fn pre_keeps_lines_and_tables_break_rows() {
    let raw = "<pre>line one\nline two</pre><table><tr><th>Side</th><th>Losses</th></tr><tr><td>A</td><td>2,906</td></tr></table><dl><dt>Term</dt><dd>Def</dd></dl>";
    let c = clean(raw);
    check_map(raw, &c);
    assert_eq!(
        c.clean,
        "line one\nline two\n\nSide Losses\nA 2,906\n\nTerm\nDef"
    );
}

#[test]
fn malformed_html_does_not_panic() {
    let inputs = [
        "<",
        "<<<>>>",
        "</",
        "</>",
        "<p",
        "<p class=\"unterminated",
        "<!--",
        "<![CDATA[",
        "<script>never closed",
        "<div><p>unclosed <b>bold <i>italic",
        "</div></div></p>text</span>",
        "a < b > c &",
        "&#;&#x;&#xFFFFFFFFFF;&#55296;",
        "<p>caf\u{e9} \u{1f600} &amp\u{e9}</p>",
        "<p>[1</p><p>[citation needed</p>[",
        "<title>t</title><svg><title>icon</title></svg>",
        "<table><td>cell<tr>row</table>",
        "<li>one<li>two</ul></li>",
        "<h1>a<h2>b</h1>c",
        "<sup class=reference>[9]<sup class=reference>[10]</sup>",
        "<a href='x>y'>link</a>",
        "<p>\u{a0}\u{2009}</p>",
    ];
    for raw in inputs {
        let c = clean(raw);
        check_map(raw, &c);
    }
    let c = clean("<div><p>unclosed <b>bold <i>italic");
    assert_eq!(c.clean, "unclosed bold italic");
    let c = clean("<title>Site | Talks resume</title><h1>Talks resume</h1>");
    assert_eq!(c.title.as_deref(), Some("Talks resume"));
    let c = clean("<title>Talks resume in Moscow</title><h1>Other</h1>");
    assert_eq!(c.title.as_deref(), Some("Talks resume in Moscow"));
    let c = clean("<h1>a<h2>b</h1>c");
    assert_eq!(c.sections.len(), 2);
}

#[test]
fn deep_nesting_is_iterative() {
    let mut raw = String::new();
    for _ in 0..10_000 {
        raw.push_str("<div>");
    }
    raw.push_str("deep text");
    for _ in 0..10_000 {
        raw.push_str("</div>");
    }
    for _ in 0..10_000 {
        raw.push_str("</span>");
    }
    for _ in 0..5_000 {
        raw.push_str("<b><i>");
    }
    let c = clean(&raw);
    check_map(&raw, &c);
    assert_eq!(c.clean, "deep text");
}

#[test]
fn json_ld_gives_the_date() {
    let raw = r#"<html><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},{"@type":"NewsArticle","headline":"Drone strike in Tartus","datePublished":"2024-03-05T08:00:00+02:00"}]}</script>
<script type="application/ld+json">{ broken json</script></head><body><article><p>Text.</p><time datetime="2020-01-01">old</time></article></body></html>"#;
    let c = clean(raw);
    check_map(raw, &c);
    assert_eq!(c.clean, "Text.\n\nold");
    assert_eq!(c.metadata["date"], "2024-03-05T08:00:00+02:00");
    assert_eq!(c.metadata["headline"], "Drone strike in Tartus");
    let raw = "<article><p>Text <time datetime=\"2020-01-01\">1 Jan</time>.</p></article>";
    assert_eq!(clean(raw).metadata["date"], "2020-01-01");
}

#[test]
fn link_lists_are_chrome() {
    let raw = "<body><div><a href=/a>World</a> <a href=/b>Business</a> <a href=/c>Sport</a></div>\
        <p>Artillery fire was reported near <a href=/t>Tartus</a> on Sunday.</p>\
        <ul><li><a href=/1>Earlier: talks collapse</a></li><li><a href=/2>Analysis: what next</a></li><li><a href=/3>Video</a></li></ul></body>";
    let c = clean(raw);
    check_map(raw, &c);
    assert_eq!(
        c.clean,
        "Artillery fire was reported near Tartus on Sunday."
    );
}

#[test]
fn page_wide_wrappers_are_not_chrome() {
    let raw = "<body><form id=\"aspnetForm\"><div class=\"page nav-open\">\
        <div class=\"menu\">Home News</div><p>Troops crossed the river at dawn.</p>\
        <p>Officials confirmed the report on Monday.</p></div></form></body>";
    let c = clean(raw);
    check_map(raw, &c);
    assert_eq!(
        c.clean,
        "Troops crossed the river at dawn.\n\nOfficials confirmed the report on Monday."
    );
}

#[test]
fn main_without_text_falls_back() {
    let raw = "<main> <div class=\"menu\">Home</div> </main><div><p>Real text here.</p></div>";
    let c = clean(raw);
    check_map(raw, &c);
    assert_eq!(c.clean, "Real text here.");
    assert_eq!(c.warnings.len(), 1);
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div class=\"nav\">".to_string()),
        Just("</div>".to_string()),
        Just("<main>".to_string()),
        Just("<h2>".to_string()),
        Just("</h2>".to_string()),
        Just("<sup class=\"reference\">".to_string()),
        Just("</sup>".to_string()),
        Just("<ol class=references><li>".to_string()),
        Just("<script>".to_string()),
        Just("</script>".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("<br/>".to_string()),
        Just("&amp;".to_string()),
        Just("&#x2014;".to_string()),
        Just("&nbsp;".to_string()),
        Just("[12]".to_string()),
        Just("<pre>\n".to_string()),
        Just("<".to_string()),
        Just("&".to_string()),
        "[a-zé€ \n]{0,12}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
            std::env::var("CASUS_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300)
        ))]
    #[test]
    fn random_text_never_panics(s in any::<String>()) {
        let c = clean(&s);
        check_structure(&s, &c);
    }

    #[test]
    fn random_tag_soup_keeps_valid_map(parts in proptest::collection::vec(fragment(), 0..40)) {
        let s: String = parts.concat();
        let c = clean(&s);
        check_structure(&s, &c);
    }
}

#[test]
fn read_bytes_routes_html_pages_here() {
    let doc =
        crate::read_bytes("news.html", NEWS.as_bytes(), &crate::ReadOptions::default()).unwrap();
    assert_eq!(doc.format, crate::Format::Html);
    assert_eq!(
        doc.title.as_deref(),
        Some("Ceasefire agreed in Nagorno-Karabakh")
    );
    assert!(doc.clean.contains("Armenia & Azerbaijan signed"));
    let at = doc.clean.find("Terms of the deal").unwrap();
    assert_eq!(
        doc.section_at(at).map(|s| s.title.as_str()),
        Some("Terms of the deal")
    );
    // Detected by content too.
    let doc = crate::read_bytes("page", WIKI.as_bytes(), &crate::ReadOptions::default()).unwrap();
    assert_eq!(doc.format, crate::Format::Html);
    assert_eq!(doc.citations_in(Span::new(0, doc.clean.len())).count(), 6);
}

/// The byte-by-byte scan [`plain_text_end`] must agree with.
fn plain_text_end_slow(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && !is_text_stop(bytes, i) {
        i += 1;
    }
    i
}

#[test]
fn plain_text_ends_where_the_byte_scan_ends() {
    for t in [
        "",
        "plain words only, nothing else to see here at all",
        "two  spaces after the first sixteen bytes of text",
        "an &amp; entity and a [1] marker\tand a tab",
        "sixteen bytes ok \nthen a break at the chunk's end \x0c",
        "no\u{a0}break spaces \u{a0} and caf\u{e9} cr\u{e8}me",
    ] {
        let b = t.as_bytes();
        for start in 0..=b.len() {
            assert_eq!(
                plain_text_end(b, start),
                plain_text_end_slow(b, start),
                "{t:?} {start}"
            );
        }
    }
}

proptest! {
    #[test]
    fn plain_text_ends_match_on_random_bytes(
        raw in proptest::collection::vec(
            proptest::sample::select(b"ab &[\t\r\n\x0c\x01.\xc2\xa0\xc3\xa9 ".to_vec()), 0..80),
    ) {
        for start in 0..=raw.len() {
            prop_assert_eq!(plain_text_end(&raw, start), plain_text_end_slow(&raw, start));
        }
    }
}
