//! Read queries over the knowledge base.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{Result, Store};

/// A stored document, without its text.
#[derive(Debug, Clone, Serialize)]
pub struct DocSummary {
    pub id: String,
    pub name: String,
    pub format: String,
    pub title: Option<String>,
    pub bytes: i64,
    pub sentences: i64,
    pub ingested_at: String,
}

/// A stored document with its texts.
#[derive(Debug, Clone, Serialize)]
pub struct DocFull {
    pub summary: DocSummary,
    #[serde(skip)]
    pub raw: Vec<u8>,
    pub clean: String,
    pub metadata: serde_json::Value,
    pub sections: serde_json::Value,
    pub warnings: serde_json::Value,
}

/// A stored sentence.
#[derive(Debug, Clone, Serialize)]
pub struct SentenceRow {
    pub doc_id: String,
    pub idx: i64,
    pub span: [i64; 2],
    pub kind: String,
    pub section: Option<String>,
    pub text: String,
}

/// A full-text search hit.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub doc_id: String,
    pub doc: String,
    pub span: [i64; 2],
    pub snippet: String,
    pub score: f64,
}

/// Counts of what the knowledge base holds.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Stats {
    pub documents: i64,
    pub sentences: i64,
    pub timexes: i64,
    pub mentions: i64,
    pub bytes: i64,
}

const SUMMARY: &str = "SELECT d.id, d.name, d.format, d.title, d.bytes, d.ingested_at,
    (SELECT count(*) FROM sentences s WHERE s.doc = d.key) FROM documents d";

fn summary(r: &rusqlite::Row) -> rusqlite::Result<DocSummary> {
    Ok(DocSummary {
        id: r.get(0)?,
        name: r.get(1)?,
        format: r.get(2)?,
        title: r.get(3)?,
        bytes: r.get(4)?,
        ingested_at: r.get(5)?,
        sentences: r.get(6)?,
    })
}

impl Store {
    /// Every stored document, in ingest order.
    pub fn documents(&self) -> Result<Vec<DocSummary>> {
        let mut st = self.conn.prepare(&format!("{SUMMARY} ORDER BY d.rowid"))?;
        let rows = st
            .query_map([], summary)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// How many documents are stored.
    pub fn document_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?)
    }

    /// At most `limit` stored documents from the `offset`-th, in ingest
    /// order: a knowledge base of tens of thousands of documents is read a
    /// page at a time (each summary counts its document's sentences).
    pub fn documents_page(&self, limit: usize, offset: usize) -> Result<Vec<DocSummary>> {
        let mut st = self
            .conn
            .prepare_cached(&format!("{SUMMARY} ORDER BY d.rowid LIMIT ?1 OFFSET ?2"))?;
        let rows = st
            .query_map(
                params![
                    i64::try_from(limit).unwrap_or(i64::MAX),
                    i64::try_from(offset).unwrap_or(i64::MAX)
                ],
                summary,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The stored documents among `ids` (content ids), in ingest order,
    /// each once; ids not stored are left out.
    pub fn documents_by_id<S: AsRef<str>>(&self, ids: &[S]) -> Result<Vec<DocSummary>> {
        let mut key_of = self
            .conn
            .prepare_cached("SELECT key FROM documents WHERE id = ?1")?;
        let mut stored: Vec<(i64, &str)> = Vec::new();
        for id in ids {
            if let Some(key) = key_of.query_row([id.as_ref()], |r| r.get(0)).optional()? {
                stored.push((key, id.as_ref()));
            }
        }
        stored.sort_unstable();
        stored.dedup();
        let mut st = self
            .conn
            .prepare_cached(&format!("{SUMMARY} WHERE d.key = ?1"))?;
        let rows = stored
            .iter()
            .map(|(key, _)| st.query_row([key], summary))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Finds a document by id, id prefix (at least 4 characters) or name.
    pub fn find_document(&self, key: &str) -> Result<Option<DocFull>> {
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM documents WHERE id = ?1 OR name = ?1 OR (length(?1) >= 4 AND id LIKE ?1 || '%')
                 OR name LIKE '%/' || ?1 OR name LIKE ?1 || '%' OR name LIKE '%/' || ?1 || '%'
                 ORDER BY (id = ?1) DESC, (name = ?1) DESC LIMIT 1",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else { return Ok(None) };
        let s = self
            .conn
            .query_row(&format!("{SUMMARY} WHERE d.id = ?1"), [&id], summary)?;
        let full = self.conn.query_row(
            "SELECT raw, clean, metadata, sections, warnings FROM documents WHERE id = ?1",
            [&id],
            |r| {
                Ok((
                    r.get::<_, Option<Vec<u8>>>(0)?.unwrap_or_default(),
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            },
        )?;
        Ok(Some(DocFull {
            summary: s,
            raw: full.0,
            clean: full.1,
            metadata: serde_json::from_str(&full.2)?,
            sections: serde_json::from_str(&full.3)?,
            warnings: serde_json::from_str(&full.4)?,
        }))
    }

    /// The sentences of a document, in order.
    pub fn sentences(&self, doc_id: &str) -> Result<Vec<SentenceRow>> {
        let mut st = self.conn.prepare(
            "SELECT d.id, s.idx, s.start, s.end, s.kind, s.section, s.text FROM sentences s JOIN documents d ON d.key = s.doc WHERE d.id = ?1 ORDER BY s.idx",
        )?;
        let rows = st
            .query_map([doc_id], |r| {
                Ok(SentenceRow {
                    doc_id: r.get(0)?,
                    idx: r.get(1)?,
                    span: [r.get(2)?, r.get(3)?],
                    kind: r.get(4)?,
                    section: r.get(5)?,
                    text: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Full-text search over sentences, best first (bm25), with snippets
    /// where matches are wrapped in `[` `]`.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let q = fts_query(query);
        if q.is_empty() {
            return Ok(Vec::new());
        }
        // Ranked first, then only the hits shown get their snippet and
        // document: in one query SQLite built both for every match before
        // sorting (a common word on a 1 GB knowledge base: 17 s).
        // Words every sentence has ("the", "of") give every match about the
        // same bm25 score, and ranking millions of matches takes seconds:
        // such a query lists its matches in storage order.
        let sql = if only_stop_words(query) {
            "SELECT rowid, bm25(sentences_fts) FROM sentences_fts
             WHERE sentences_fts MATCH ?1 ORDER BY rowid LIMIT ?2"
        } else {
            "SELECT rowid, bm25(sentences_fts) FROM sentences_fts
             WHERE sentences_fts MATCH ?1 ORDER BY bm25(sentences_fts), rowid LIMIT ?2"
        };
        let ranked: Vec<(i64, f64)> = self
            .conn
            .prepare_cached(sql)?
            .query_map(params![q, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut hit = self.conn.prepare_cached(
            "SELECT d.id, d.name, s.start, s.end, snippet(sentences_fts, 0, '[', ']', '…', 24)
             FROM sentences_fts JOIN sentences s ON s.rowid = sentences_fts.rowid JOIN documents d ON d.key = s.doc
             WHERE sentences_fts MATCH ?1 AND sentences_fts.rowid = ?2",
        )?;
        let mut rows = Vec::with_capacity(ranked.len());
        for (rowid, bm25) in ranked {
            let found = hit
                .query_row(params![q, rowid], |r| {
                    Ok(SearchHit {
                        doc_id: r.get(0)?,
                        doc: r.get(1)?,
                        span: [r.get(2)?, r.get(3)?],
                        snippet: r.get(4)?,
                        score: -bm25,
                    })
                })
                .optional()?;
            // A sentence written between the two reads is left out.
            rows.extend(found);
        }
        Ok(rows)
    }

    /// Counts of stored things.
    pub fn stats(&self) -> Result<Stats> {
        let c = |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        Ok(Stats {
            documents: c("SELECT count(*) FROM documents")?,
            sentences: c("SELECT count(*) FROM sentences")?,
            timexes: c("SELECT coalesce(sum(timex_count), 0) FROM annotations")?,
            mentions: c("SELECT coalesce(sum(mention_count), 0) FROM annotations")?,
            bytes: c("SELECT coalesce(sum(bytes), 0) FROM documents")?,
        })
    }
}

/// Turns user words into an FTS5 query: each word quoted (so punctuation
/// and FTS operators in user input cannot break the query), all required,
/// without the stop words of `data/store/stopwords.txt` unless there is
/// nothing else.
pub fn fts_query(input: &str) -> String {
    let words: Vec<&str> = query_words(input).collect();
    let content: Vec<&str> = words.iter().copied().filter(|w| !is_stop_word(w)).collect();
    let kept = if content.is_empty() { words } else { content };
    kept.iter()
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of a user's query.
fn query_words(input: &str) -> impl Iterator<Item = &str> {
    input
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .filter(|w| !w.is_empty())
}

/// Whether a query has words and all of them are stop words.
pub fn only_stop_words(input: &str) -> bool {
    let mut words = query_words(input).peekable();
    words.peek().is_some() && words.all(is_stop_word)
}

/// Whether `word` is a stop word (any case).
fn is_stop_word(word: &str) -> bool {
    static STOP_WORDS: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    STOP_WORDS
        .get_or_init(|| {
            include_str!("../../../data/store/stopwords.txt")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect()
        })
        .contains(&word.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn fts_query_quotes_words() {
        assert_eq!(
            fts_query("Shusha NEAR \"drop"),
            "\"Shusha\" \"NEAR\" \"drop\""
        );
        assert_eq!(fts_query("  ;; "), "");
    }

    #[test]
    fn fts_query_drops_stop_words_unless_nothing_else_is_left() {
        assert_eq!(fts_query("The war in Karabakh"), "\"war\" \"Karabakh\"");
        assert_eq!(fts_query("the"), "\"the\"");
        assert_eq!(fts_query("The Who"), "\"The\" \"Who\"");
    }

    #[test]
    fn only_stop_words_needs_a_word() {
        assert!(super::only_stop_words("The Who"));
        assert!(!super::only_stop_words("the war"));
        assert!(!super::only_stop_words(" ;; "));
    }
}
