//! Queries the pages need that `casus-store` does not offer yet: a
//! document's annotations laid over its clean text, raw byte ranges, and the
//! copy/revision relation between documents. They use the store's
//! connection read-only; they belong in `casus-store` once it grows them.

use casus_store::{Result, Store};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// Resolves a document key (id, id prefix, name) to its id.
pub fn doc_id(store: &Store, key: &str) -> Result<Option<String>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT id FROM documents WHERE id = ?1 OR name = ?1 OR (length(?1) >= 4 AND id LIKE ?1 || '%')
             ORDER BY (id = ?1) DESC LIMIT 1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

/// A document's raw length and date.
pub fn doc_extra(store: &Store, id: &str) -> Result<(i64, Option<String>)> {
    Ok(store.conn().query_row(
        "SELECT bytes, doc_date FROM documents WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Raw bytes `[start, end)` of a document, or `None` if it does not exist.
pub fn raw_slice(store: &Store, id: &str, start: i64, end: i64) -> Result<Option<Vec<u8>>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT substr(raw, ?2 + 1, ?3) FROM documents WHERE id = ?1",
            params![id, start, (end - start).max(0)],
            |r| r.get::<_, Option<Vec<u8>>>(0),
        )
        .optional()?
        .map(|v| v.unwrap_or_default()))
}

/// A sentence with both its raw and clean offsets.
#[derive(Debug, Clone)]
struct Sent {
    idx: i64,
    raw: [i64; 2],
    clean: [usize; 2],
    kind: String,
    section: Option<String>,
}

fn sents(store: &Store, id: &str) -> Result<Vec<Sent>> {
    let mut st = store.conn().prepare_cached(
        "SELECT s.idx, s.start, s.end, s.clean_start, s.clean_end, s.kind, s.section
         FROM sentences s JOIN documents d ON d.key = s.doc WHERE d.id = ?1 ORDER BY s.idx",
    )?;
    let rows = st.query_map([id], |r| {
        Ok(Sent {
            idx: r.get(0)?,
            raw: [r.get(1)?, r.get(2)?],
            clean: [r.get::<_, i64>(3)? as usize, r.get::<_, i64>(4)? as usize],
            kind: r.get(5)?,
            section: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<Sent>>>()?)
}

/// Something to highlight, by raw span and the text it covers.
#[derive(Debug, Clone)]
pub struct Mark {
    pub raw: [i64; 2],
    pub text: String,
    /// `mention`, `timex`, `event`.
    pub kind: &'static str,
    /// What the mark stands for (entity id, date value, event id).
    pub label: String,
    /// A link target, if any.
    pub href: Option<String>,
}

/// One run of the rendered document: plain text, or an annotation.
#[derive(Debug, Clone, Serialize)]
pub struct Piece {
    pub t: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

/// One block of the rendered document: either text between sentences
/// (`sentence` is `None`) or a sentence with its pieces.
#[derive(Debug, Clone, Serialize)]
pub struct Block {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentence: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<[i64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    pub pieces: Vec<Piece>,
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Lays the clean text out as blocks: the text between sentences, and each
/// sentence with its marks placed by finding the mark's text nearest the
/// position its raw offset suggests.
pub fn annotate(store: &Store, id: &str, clean: &str, marks: &[Mark]) -> Result<Vec<Block>> {
    let ss = sents(store, id)?;
    let mut out = Vec::with_capacity(ss.len() * 2 + 1);
    let mut at = 0usize;
    let mut mi = 0usize;
    let mut sorted: Vec<&Mark> = marks.iter().collect();
    sorted.sort_by_key(|m| (m.raw[0], -(m.raw[1])));
    for s in &ss {
        let cs = floor_char(clean, s.clean[0].max(at));
        let ce = floor_char(clean, s.clean[1].max(cs));
        if cs > at {
            out.push(Block {
                sentence: None,
                span: None,
                kind: None,
                section: None,
                pieces: vec![Piece {
                    t: clean[at..cs].to_string(),
                    k: None,
                    label: None,
                    href: None,
                }],
            });
        }
        let text = &clean[cs..ce];
        // Marks within this sentence's raw span.
        while mi < sorted.len() && sorted[mi].raw[0] < s.raw[0] {
            mi += 1;
        }
        let mut placed: Vec<(usize, usize, &Mark)> = Vec::new();
        let mut j = mi;
        while j < sorted.len() && sorted[j].raw[0] < s.raw[1] {
            let m = sorted[j];
            j += 1;
            if m.kind == "event" {
                continue;
            }
            let guess = (m.raw[0] - s.raw[0]).max(0) as usize;
            if m.text.is_empty() {
                continue;
            }
            let best = text
                .match_indices(m.text.as_str())
                .map(|(p, _)| p)
                .min_by_key(|p| p.abs_diff(guess));
            if let Some(p) = best {
                let e = p + m.text.len();
                if placed.iter().all(|(a, b, _)| e <= *a || p >= *b) {
                    placed.push((p, e, m));
                }
            }
        }
        placed.sort_by_key(|x| x.0);
        let mut pieces = Vec::new();
        let mut k = 0;
        for (a, b, m) in placed {
            if a > k {
                pieces.push(Piece {
                    t: text[k..a].to_string(),
                    k: None,
                    label: None,
                    href: None,
                });
            }
            pieces.push(Piece {
                t: text[a..b].to_string(),
                k: Some(m.kind),
                label: Some(m.label.clone()),
                href: m.href.clone(),
            });
            k = b;
        }
        if k < text.len() || pieces.is_empty() {
            pieces.push(Piece {
                t: text[k..].to_string(),
                k: None,
                label: None,
                href: None,
            });
        }
        out.push(Block {
            sentence: Some(s.idx),
            span: Some(s.raw),
            kind: Some(s.kind.clone()),
            section: s.section.clone(),
            pieces,
        });
        at = ce;
    }
    if at < clean.len() {
        out.push(Block {
            sentence: None,
            span: None,
            kind: None,
            section: None,
            pieces: vec![Piece {
                t: clean[at..].to_string(),
                k: None,
                label: None,
                href: None,
            }],
        });
    }
    Ok(out)
}

/// Distinct values for the filter menus: event types, modes, actors and
/// places that occur in events, with counts.
pub fn facets(store: &Store) -> Result<serde_json::Value> {
    let q = |sql: &str| -> Result<Vec<(String, i64)>> {
        let mut st = store.conn().prepare_cached(sql)?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    };
    Ok(serde_json::json!({
        "types": q("SELECT type, count(*) FROM events GROUP BY type ORDER BY count(*) DESC")?,
        "modes": q("SELECT mode, count(*) FROM events WHERE mode IS NOT NULL GROUP BY mode ORDER BY count(*) DESC")?,
        "actors": q("SELECT actor_id, count(*) FROM events WHERE actor_id IS NOT NULL GROUP BY actor_id ORDER BY count(*) DESC LIMIT 200")?,
        "recipients": q("SELECT recipient_id, count(*) FROM events WHERE recipient_id IS NOT NULL GROUP BY recipient_id ORDER BY count(*) DESC LIMIT 200")?,
        "places": q("SELECT place_id, count(*) FROM events WHERE place_id IS NOT NULL GROUP BY place_id ORDER BY count(*) DESC LIMIT 500")?,
    }))
}
