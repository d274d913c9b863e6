//! Which stored documents copy, excerpt or revise which, from the
//! sentences they share.
//!
//! Each document is reduced to the set of its distinct sentences (as
//! hashes of their text, sentences of 40 characters or more: "He added."
//! says nothing of copying). Each document proposes as candidates the
//! documents that share one of a sample of its sentences (its
//! `SAMPLED` lowest hashes, a bottom-k sketch); each candidate pair is
//! then measured exactly, by intersecting the two sets. A sentence found
//! in more than [`COMMON_DOCS`] documents (a template's, a formula's)
//! proposes none. Comparing every pair of documents sharing any sentence
//! grew with the square of the copies: a 1 GB knowledge base did not
//! answer within 30 s. A common sentence still counts among the shared
//! sentences of the pairs that others propose.
//!
//! ```
//! let store = casus_store::Store::memory().unwrap();
//! assert!(store.relations().unwrap().is_empty());
//! ```

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use serde::Serialize;
use std::hash::{Hash, Hasher};

use crate::{Result, Store};

/// How two documents relate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relation {
    /// The earlier-ingested document (content id).
    pub a: String,
    pub b: String,
    /// `copy` (nearly all sentences shared, similar sizes), `excerpt` (`a`'s
    /// sentences nearly all in the larger `b`) or `revision` (many shared).
    pub relation: &'static str,
    /// Sentences shared (same text), and each side's distinct sentences.
    pub shared: i64,
    pub a_sentences: i64,
    pub b_sentences: i64,
    /// Shared / the smaller document's sentences, to three decimals.
    pub overlap: f64,
}

/// Sentences shorter than this, in characters, are not compared.
const MIN_CHARS: i64 = 40;

/// A sentence in more documents than this proposes no pairs.
pub const COMMON_DOCS: usize = 64;

/// Sentences of a document that propose its candidates: a pair sharing a
/// fifth of the smaller document's sentences goes unproposed with
/// probability 0.8^16 (2.8%), one sharing four fifths (a copy, an
/// excerpt) practically never.
const SAMPLED: usize = 16;

fn text_hash(text: &str) -> u64 {
    let mut h = FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// Elements two sorted slices without repeats have in common.
fn common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The relation of two documents with `na` and `nb` distinct sentences,
/// `shared` of them in common; `swap` when `b` is the excerpt.
fn classify(na: usize, nb: usize, shared: usize) -> Option<(&'static str, bool, f64)> {
    let (small, large) = (na.min(nb), na.max(nb));
    let overlap = shared as f64 / small.max(1) as f64;
    let relation = if overlap >= 0.8 && small as f64 >= 0.8 * large as f64 {
        "copy"
    } else if overlap >= 0.8 {
        // The smaller document is (nearly) contained in the larger.
        "excerpt"
    } else if overlap >= 0.2 {
        "revision"
    } else {
        return None;
    };
    Some((relation, relation == "excerpt" && na > nb, overlap))
}

impl Store {
    /// Every pair of documents that are copies, excerpts or revisions of
    /// each other, the closest first.
    pub fn relations(&self) -> Result<Vec<Relation>> {
        let mut by_doc: FxHashMap<i64, Vec<u64>> = FxHashMap::default();
        {
            let mut st = self
                .conn
                .prepare("SELECT doc, text FROM sentences WHERE length(text) >= ?1")?;
            let mut rows = st.query([MIN_CHARS])?;
            while let Some(r) = rows.next()? {
                let doc: i64 = r.get(0)?;
                let text = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
                by_doc.entry(doc).or_default().push(text_hash(text));
            }
        }
        // In key order: the earlier-ingested document of a pair comes first.
        let mut docs: Vec<(i64, Vec<u64>)> = by_doc.into_iter().collect();
        docs.sort_unstable_by_key(|d| d.0);
        for (_, set) in &mut docs {
            set.sort_unstable();
            set.dedup();
        }
        // (sentence, document) in sentence order: the documents sharing a
        // sentence are one run, in document order.
        let mut by_text: Vec<(u64, u32)> = docs
            .iter()
            .enumerate()
            .flat_map(|(i, (_, set))| set.iter().map(move |&h| (h, i as u32)))
            .collect();
        by_text.sort_unstable();
        // Each document proposes the documents sharing one of its sampled
        // sentences: the ones with the lowest hashes, the first of its sorted
        // set (a document and its copy sample alike).
        let mut pairs: FxHashSet<(u32, u32)> = FxHashSet::default();
        for (i, (_, set)) in docs.iter().enumerate() {
            for &h in set.iter().take(SAMPLED) {
                let from = by_text.partition_point(|x| x.0 < h);
                let to = from + by_text[from..].partition_point(|x| x.0 == h);
                let run = &by_text[from..to];
                if run.len() < 2 || run.len() > COMMON_DOCS {
                    continue;
                }
                for &(_, j) in run {
                    let (a, b) = ((i as u32).min(j), (i as u32).max(j));
                    if a != b {
                        pairs.insert((a, b));
                    }
                }
            }
        }
        drop(by_text);
        let mut ids: FxHashMap<i64, String> = FxHashMap::default();
        {
            let mut st = self.conn.prepare("SELECT key, id FROM documents")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            for r in rows {
                let (k, id) = r?;
                ids.insert(k, id);
            }
        }
        let mut out = Vec::new();
        for (i, j) in pairs {
            let ((ka, sa), (kb, sb)) = (&docs[i as usize], &docs[j as usize]);
            let shared = common(sa, sb);
            let Some((relation, swap, overlap)) = classify(sa.len(), sb.len(), shared) else {
                continue;
            };
            let (Some(a), Some(b)) = (ids.get(ka), ids.get(kb)) else {
                continue;
            };
            let (mut a, mut b, mut na, mut nb) = (a.clone(), b.clone(), sa.len(), sb.len());
            if swap {
                std::mem::swap(&mut a, &mut b);
                std::mem::swap(&mut na, &mut nb);
            }
            out.push(Relation {
                a,
                b,
                relation,
                shared: shared as i64,
                a_sentences: na as i64,
                b_sentences: nb as i64,
                overlap: (overlap * 1000.0).round() / 1000.0,
            });
        }
        out.sort_by(|x, y| {
            y.overlap
                .total_cmp(&x.overlap)
                .then_with(|| x.a.cmp(&y.a))
                .then_with(|| x.b.cmp(&y.b))
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_overlap_name_the_relation() {
        assert_eq!(classify(10, 10, 9).map(|r| r.0), Some("copy"));
        // The smaller one is the excerpt, whichever side it is on.
        assert_eq!(classify(4, 10, 4), Some(("excerpt", false, 1.0)));
        assert_eq!(classify(10, 4, 4), Some(("excerpt", true, 1.0)));
        assert_eq!(classify(10, 10, 3).map(|r| r.0), Some("revision"));
        assert_eq!(classify(10, 10, 1), None);
        assert_eq!(common(&[1, 3, 5, 7], &[2, 3, 7, 9]), 2);
    }
}
