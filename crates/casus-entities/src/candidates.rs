//! Unknown capitalised names: runs of capitalised words that no mention
//! covers, with a guess of what they are, so the knowledge base can grow.
//! The word lists live in `data/entities/candidates.toml`.

use rustc_hash::FxHashSet as HashSet;
use serde::Serialize;

use crate::data::CandidateRules;
use crate::Mention;

/// An unknown name found in a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// `text[start..end]`.
    pub text: String,
    /// `person`, `org`, `place` or `unknown`.
    pub guess: String,
    /// Whether the name sits in a bibliographic reference (near "Retrieved",
    /// "ISBN", a web domain ...) rather than in the narrative.
    pub in_citation: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Rules {
    stop: HashSet<String>,
    connectors: HashSet<String>,
    person_titles: HashSet<String>,
    person_suffixes: Vec<String>,
    org_words: HashSet<String>,
    place_words: HashSet<String>,
    place_preps: HashSet<String>,
    citation_markers: Vec<String>,
}

impl From<&CandidateRules> for Rules {
    fn from(r: &CandidateRules) -> Self {
        let set = |v: &Vec<String>| v.iter().cloned().collect::<HashSet<_>>();
        Rules {
            stop: set(&r.stopwords),
            connectors: set(&r.connectors),
            person_titles: set(&r.person_titles),
            person_suffixes: r.person_suffixes.clone(),
            org_words: set(&r.org_words),
            place_words: set(&r.place_words),
            place_preps: set(&r.place_prepositions),
            citation_markers: r.citation_markers.clone(),
        }
    }
}

impl Rules {
    /// Whether `w` is a capitalised word that is not a name on its own.
    pub(crate) fn is_stopword(&self, w: &str) -> bool {
        self.stop.contains(w)
    }

    /// Whether `w` is a person's title or role noun in any case
    /// ("Admiral", "Analyst", "Colonel-General").
    pub(crate) fn is_person_title(&self, w: &str) -> bool {
        let last = w.rsplit('-').next().unwrap_or(w);
        [w, last].iter().any(|x| {
            self.person_titles.contains(*x) || self.person_titles.contains(&x.to_lowercase())
        })
    }
}

/// A word: `[start, end)`.
#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    end: usize,
}

/// Words: runs of letters/digits with inner `-`, `'`, `’` or `.` joining two
/// word characters ("Ter-Petrosyan", "O'Brien", "U.S").
fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut cur: Option<usize> = None;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_alphanumeric() {
            if cur.is_none() {
                cur = Some(i);
            }
            continue;
        }
        let joins = matches!(c, '-' | '\'' | '’' | '.')
            && cur.is_some()
            && it.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if joins {
            continue;
        }
        if let Some(s) = cur.take() {
            out.push(Word { start: s, end: i });
        }
    }
    if let Some(s) = cur {
        out.push(Word {
            start: s,
            end: text.len(),
        });
    }
    out
}

/// Latin script (Basic Latin to Latin Extended-B, IPA, Latin Extended Additional).
fn is_latin(c: char) -> bool {
    (c as u32) < 0x0250 || (0x1E00..=0x1EFF).contains(&(c as u32))
}

fn is_cap(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn at_sentence_start(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or("");
    match before
        .trim_end_matches([' ', '"', '“', '\'', '(', '‘'])
        .chars()
        .next_back()
    {
        None => true,
        Some(c) => matches!(c, '.' | '!' | '?' | '\n' | ':' | ']' | '•' | '=' | '|'),
    }
}

/// Whether one of `markers` occurs within 150 bytes of `[start, end)` on the
/// same line.
fn near_marker(text: &str, start: usize, end: usize, markers: &[String]) -> bool {
    let mut a = start.saturating_sub(150);
    while a > 0 && !text.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (end + 150).min(text.len());
    while b < text.len() && !text.is_char_boundary(b) {
        b += 1;
    }
    let before = text.get(a..start).unwrap_or("");
    let before = before.rsplit('\n').next().unwrap_or("");
    let after = text.get(end..b).unwrap_or("");
    let after = after.split('\n').next().unwrap_or("");
    markers
        .iter()
        .any(|m| before.contains(m.as_str()) || after.contains(m.as_str()))
}

/// See [`crate::Gazetteer::candidates`].
pub(crate) fn candidates(
    rules: &Rules,
    text: &str,
    mentions: &[Mention],
    known: &[(usize, usize)],
) -> Vec<Candidate> {
    let ws = words(text);
    let mut covered: Vec<(usize, usize)> = mentions.iter().map(|m| (m.start, m.end)).collect();
    covered.extend_from_slice(known);
    covered.sort_unstable();
    let is_covered = |w: &Word| {
        let k = covered.partition_point(|&(s, _)| s < w.end);
        covered[..k]
            .iter()
            .rev()
            .take(4)
            .any(|&(s, e)| s < w.end && e > w.start)
    };
    // Words seen in lower case: a capitalised sentence-initial word whose
    // lower-case form also occurs is an ordinary word.
    let lower_seen: HashSet<&str> = ws
        .iter()
        .filter_map(|w| text.get(w.start..w.end))
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .collect();
    let word = |w: &Word| text.get(w.start..w.end).unwrap_or("");
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let w = ws[i];
        let s = word(&w);
        if !is_cap(s) || is_covered(&w) {
            i += 1;
            continue;
        }
        // Extend the run over capitalised words and connectors joined by one space.
        let mut j = i + 1;
        while j < ws.len() {
            let gap = text.get(ws[j - 1].end..ws[j].start).unwrap_or("");
            let wj = word(&ws[j]);
            if gap != " " || is_covered(&ws[j]) {
                break;
            }
            if is_cap(wj) || rules.connectors.contains(wj) {
                j += 1;
            } else {
                break;
            }
        }
        let run_end = j;
        // Trim connectors and stopwords at both edges.
        let mut a = i;
        let mut b = j;
        while a < b
            && (rules.stop.contains(word(&ws[a])) || rules.connectors.contains(word(&ws[a])))
        {
            a += 1;
        }
        // Keep a trailing organisation or place word ("... Foundation").
        let keeps = |w: &str| rules.org_words.contains(w) || rules.place_words.contains(w);
        while b > a
            && ((rules.stop.contains(word(&ws[b - 1])) && !(b - a > 1 && keeps(word(&ws[b - 1]))))
                || rules.connectors.contains(word(&ws[b - 1])))
        {
            b -= 1;
        }
        i = run_end;
        if a >= b || (b - a == 1 && rules.stop.contains(word(&ws[a]))) {
            continue;
        }
        let first = word(&ws[a]);
        if first.chars().count() < 2 {
            continue;
        }
        // Words with digits (S2CID, CS1, A7), in a non-Latin script (titles of
        // cited sources), or garbled by a lost character ("Az?rbaycan") are
        // not names the English recogniser can learn.
        let (start, end) = (ws[a].start, ws[b - 1].end);
        let span = text.get(start..end).unwrap_or("");
        if span
            .chars()
            .any(|c| c.is_ascii_digit() || (c.is_alphabetic() && !is_latin(c)))
        {
            continue;
        }
        if text
            .get(..start)
            .is_some_and(|s| s.ends_with(['?', '\u{fffd}']))
            || text.get(end..).is_some_and(|s| {
                let mut c = s.chars();
                matches!(c.next(), Some('?' | '\u{fffd}'))
                    && c.next().is_some_and(char::is_alphanumeric)
            })
        {
            continue;
        }
        if b - a == 1
            && at_sentence_start(text, ws[a].start)
            && lower_seen.contains(first.to_lowercase().as_str())
        {
            continue;
        }
        let names: Vec<&str> = ws[a..b].iter().map(&word).collect();
        let prev = if a > 0 { word(&ws[a - 1]) } else { "" };
        let guess = if names.iter().any(|n| rules.org_words.contains(*n)) {
            "org"
        } else if names.iter().any(|n| rules.place_words.contains(*n)) {
            "place"
        } else if rules.person_titles.contains(prev)
            || (names.len() >= 2
                && names.len() <= 4
                && names.last().is_some_and(|l| {
                    rules
                        .person_suffixes
                        .iter()
                        .any(|s| l.ends_with(s.as_str()))
                }))
        {
            "person"
        } else if rules.place_preps.contains(prev) {
            "place"
        } else {
            "unknown"
        };
        let in_citation = near_marker(text, start, end, &rules.citation_markers);
        out.push(Candidate {
            start,
            end,
            text: text.get(start..end).unwrap_or("").to_string(),
            guess: guess.to_string(),
            in_citation,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::Gazetteer;

    #[test]
    fn unknown_names_with_guesses() {
        let g = Gazetteer::embedded();
        let text =
            "On 3 October, Minister Vardan Petrosyanov met Armenia's delegation in Qarabulaq. \
                    The Grand Widget Foundation said Fighting continued near Zoravan Heights.";
        let m = g.recognise(text, &|_| None);
        let c = g.candidates(text, &m);
        let find = |s: &str| c.iter().find(|c| c.text == s).map(|c| c.guess.as_str());
        assert_eq!(find("Vardan Petrosyanov"), Some("person"));
        assert_eq!(find("Qarabulaq"), Some("place"));
        assert_eq!(find("Grand Widget Foundation"), Some("org"));
        assert_eq!(find("Zoravan Heights"), Some("place"));
        assert!(find("Armenia").is_none());
        assert!(find("October").is_none());
        for x in &c {
            assert_eq!(&text[x.start..x.end], x.text);
        }
    }

    #[test]
    fn no_panic_on_odd_input() {
        let g = Gazetteer::embedded();
        for t in ["", "É", "A", "\u{0}Ş\u{301}", "Ab Cd-", "'s", "…Shusha’s"] {
            let m = g.recognise(t, &|_| None);
            let _ = g.candidates(t, &m);
        }
    }
}
