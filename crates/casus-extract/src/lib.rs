//! Event coding and claims extraction: the fifth stage of casus.
//!
//! Input is one document already read, segmented, time-tagged and linked to
//! the knowledge base ([`DocInput`]); output is an [`Extraction`]: PLOVER
//! events ([`Event`]) and numeric claims about losses and people ([`Claim`]).
//!
//! The coder is a transparent rule engine driven by data files in
//! `data/extract/` (compiled into the binary):
//!
//! * `events.toml`: trigger phrases → PLOVER type and mode, with mode cues;
//! * `grammar.toml`: prepositions, pronouns, reporting verbs, list joiners,
//!   aux markers and irregular verb forms;
//! * `claims.toml`: category cues, population words, equipment items, number
//!   words, vague quantities and claimant cues.
//!
//! Every event and claim names the `rule` that produced it, for `--explain`.
//! No input makes it panic: offsets are clamped to the text and to character
//! boundaries.

use std::borrow::Cow;

use serde::Serialize;

pub mod claims;
pub mod events;
pub mod lexicon;
pub mod rules;
pub mod text;

pub use casus_entities::{KbStr, Mention, PersonRef};
pub use casus_time::{DateRange, Timex};

/// One document, as the earlier stages left it.
#[derive(Clone, Copy, Debug)]
pub struct DocInput<'a> {
    /// Document name, for messages.
    pub name: &'a str,
    /// The clean text (one block per line).
    pub text: &'a str,
    /// Sentences of `text`, in order.
    pub sentences: &'a [casus_segment::Sentence],
    /// Knowledge-base mentions in `text`, sorted by start.
    pub mentions: &'a [casus_entities::Mention],
    /// Temporal expressions in `text`, sorted by start.
    pub timexes: &'a [casus_time::Timex],
    /// The document date (`YYYY-MM-DD`), when known.
    pub doc_date: Option<&'a str>,
}

/// What the coder found in one document.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Extraction {
    pub events: Vec<Event>,
    pub claims: Vec<Claim>,
}

/// An actor of an event (GUIDELINES §1); its ids and names are lent from
/// the knowledge base, like the mention's ([`KbStr`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Actor {
    /// Canonical id (`AZE`, `OSCE_MG`, `PER`...).
    pub id: KbStr,
    /// Canonical name.
    pub name: KbStr,
    /// The state or organisation the actor belongs to.
    pub country: Option<KbStr>,
    /// GUIDELINES sector (`GOV`, `MIL`, `DIP`...).
    pub sector: Option<KbStr>,
    /// The words of the text (lent like the mention's).
    pub raw: KbStr,
    /// The office holder, when a person acts for the actor.
    pub person: Option<casus_entities::PersonRef>,
}

/// Where an event happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Place {
    pub id: KbStr,
    pub name: KbStr,
    pub country: Option<KbStr>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The words of the text (lent like the mention's).
    pub raw: KbStr,
}

/// One coded event: (actor, action, recipient) stated in a sentence.
#[derive(Clone, Debug, Serialize)]
pub struct Event {
    /// Clean-text offset where the evidence (the sentence) starts.
    #[serde(skip_serializing)]
    pub start: usize,
    /// Clean-text offset one past the evidence.
    #[serde(skip_serializing)]
    pub end: usize,
    /// PLOVER 2.0 type (`REQUEST`, `ACCUSE`...).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// PLOVER mode (`yield`, `disapprove`...), when the text says it.
    pub mode: Option<&'static str>,
    pub actor: Option<Actor>,
    pub recipient: Option<Actor>,
    /// The date in force: a timex of the sentence, else the narrative date.
    pub date: Option<casus_time::DateRange>,
    pub location: Option<Place>,
    /// `negation`, `future`, `hypothetical`, `historical`.
    pub aux: Vec<String>,
    /// The actor id of whoever reports the event ("according to X").
    pub claimed_by: Option<KbStr>,
    /// The words that fired.
    pub trigger: String,
    /// Which rule fired.
    pub rule: String,
}

/// A number someone asserts about losses or people (GUIDELINES §4).
#[derive(Clone, Debug, Serialize)]
pub struct Claim {
    /// Clean-text offset of the claim's evidence (number to category word).
    #[serde(skip_serializing)]
    pub start: usize,
    /// Clean-text offset one past the evidence.
    #[serde(skip_serializing)]
    pub end: usize,
    /// `killed`, `wounded`, `missing`, `captured`, `displaced`, `destroyed`, `damaged`, `strength`.
    pub category: String,
    /// `military`, `civilian`, `mercenary`, `journalist`, `equipment`, `unknown`.
    pub population: String,
    /// Equipment item (`tank`, `drone`...), for population `equipment`.
    pub item: Option<String>,
    /// Whose people or equipment: an actor id.
    pub subject: Option<KbStr>,
    /// Who asserts it: an actor id.
    pub claimant: Option<KbStr>,
    pub value: ClaimValue,
    /// The as-of or event date.
    pub date: Option<casus_time::DateRange>,
    /// Which rule fired.
    pub rule: String,
}

/// A claimed quantity: `60+` is low 60, high none; `300,000-500,000` a range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimValue {
    pub low: Option<u64>,
    pub high: Option<u64>,
    /// The words of the text.
    pub raw: String,
}

/// The event coder and claims extractor, with its lexicons.
#[derive(Debug, Clone)]
pub struct Coder {
    rules: rules::Rules,
    /// Also emit events whose actor could not be found (see [`Coder::unattributed`]).
    pub unattributed: bool,
}

impl Coder {
    /// The coder with the lexicons compiled into the binary.
    pub fn embedded() -> Coder {
        Coder {
            rules: rules::Rules::embedded(),
            unattributed: true,
        }
    }

    /// Whether to emit events whose actor could not be resolved (actor
    /// `null`). On by default: the action is still stated ("a minefield
    /// explosion killed two youths"), and an analyst may attribute it later;
    /// turn it off for actor-centred data sets.
    pub fn unattributed(mut self, yes: bool) -> Coder {
        self.unattributed = yes;
        self
    }

    /// Codes one document.
    pub fn code(&self, doc: &DocInput) -> Extraction {
        // Both passes read the same tokens: tokenise every sentence once,
        // lower-casing the text once for all of them (and for metonyms).
        let lowered = doc.text.to_ascii_lowercase();
        let stood_for = metonyms(&self.rules, doc.text, &lowered, doc.mentions);
        let mentions = stood_for.in_place_of(doc.mentions);
        let mut spill = text::Spill::new();
        let toks = sentence_tokens(&self.rules, doc, &lowered, &mut spill);
        // And the same mentions placed on them.
        let placed = events::SentenceMentions::new(doc, &mentions, &toks);
        Extraction {
            events: events::code_events_with(
                &self.rules,
                doc,
                &mentions,
                self.unattributed,
                &toks,
                &placed,
            ),
            claims: claims::extract_claims_with(&self.rules, doc, &toks, &placed),
        }
    }
}

/// The tokens of every sentence of `doc` (none for an empty or out-of-range
/// one); they borrow from the text, from `lowered`, the text lower-cased
/// by [`str::to_ascii_lowercase`], and from `spill` (empty), which keeps the
/// few words lower-cased alone.
pub(crate) fn sentence_tokens<'a>(
    r: &rules::Rules,
    doc: &DocInput<'a>,
    lowered: &'a str,
    spill: &'a mut text::Spill,
) -> SentenceTokens<'a> {
    let text = doc.text;
    let mut toks = Vec::with_capacity(text.len() / 5 + 1);
    let mut ends = Vec::with_capacity(doc.sentences.len());
    for s in doc.sentences {
        let (start, end) = (s.start.min(text.len()), s.end.min(text.len()));
        if start < end {
            text::tokenize_into(text, lowered, start, end, &mut toks, spill);
        }
        ends.push(toks.len());
    }
    let spill: &'a text::Spill = spill;
    spill.lend(&mut toks);
    for t in &mut toks {
        let (class, starts) = r.class_and_starts(t.low, t.key);
        t.class = class;
        // Tokenized, a word may start any phrase and punctuation none:
        // the key narrows a word down to the sets that have it.
        t.starts &= starts;
    }
    SentenceTokens { toks, ends }
}

/// The tokens of the sentences of a document, in one vector (one
/// allocation, not one a sentence); indexing by sentence gives its tokens.
pub(crate) struct SentenceTokens<'a> {
    toks: Vec<text::Tok<'a>>,
    /// By sentence: the end of its tokens in `toks` (they start where those
    /// of the previous sentence end).
    ends: Vec<usize>,
}

impl<'a> std::ops::Index<usize> for SentenceTokens<'a> {
    type Output = [text::Tok<'a>];

    fn index(&self, i: usize) -> &[text::Tok<'a>] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.toks[start..self.ends[i]]
    }
}

/// The mentions of a document that stand for a state ([`metonyms`]),
/// rewritten as mentions of it.
struct Metonyms {
    /// The rewritten mentions, in document order.
    rewritten: Vec<Mention>,
    /// For every mention of the document, whether it is rewritten.
    is: Vec<bool>,
}

impl Metonyms {
    /// The mentions as the coder reads them: `mentions` (the document's,
    /// sorted by start) with each rewritten one in place of its original.
    /// Only the rewritten ones are copies.
    fn in_place_of<'a>(&'a self, mentions: &'a [Mention]) -> Vec<&'a Mention> {
        let mut rewritten = self.rewritten.iter();
        mentions
            .iter()
            .zip(&self.is)
            .map(|(m, &is)| {
                if is {
                    rewritten.next().expect("one rewritten mention per mark")
                } else {
                    m
                }
            })
            .collect()
    }
}

/// Capitals used as actors: a place mention with `metonym_of` that is not
/// governed by a preposition ("Baku accused", not "in Baku") becomes a mention
/// of the state it stands for.
///
/// `lowered` is `text` lower-cased by [`str::to_ascii_lowercase`]: ASCII
/// words are read from it rather than lower-cased one by one.
fn metonyms<'a>(
    r: &rules::Rules,
    text: &'a str,
    lowered: &'a str,
    mentions: &[Mention],
) -> Metonyms {
    // The word `w` of `text` that ends where `rest` does, lower-cased.
    let lower = |w: &'a str, rest: &str| -> Cow<'a, str> {
        match lowered.get(rest.len()..rest.len() + w.len()) {
            Some(l) if w.is_ascii() => Cow::Borrowed(l),
            _ => Cow::Owned(w.to_lowercase()),
        }
    };
    let state_of = |m: &Mention| -> Option<KbStr> {
        let state = m.metonym_of.as_ref().filter(|s| !s.is_empty())?;
        let before = text.get(..m.start.min(text.len())).unwrap_or("");
        // The word right before `s` (only spaces between), and the text before it.
        let last_word = |s: &'a str| -> (&'a str, &'a str) {
            let s = s.trim_end();
            let w = s
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            (w, &s[..s.len() - w.len()])
        };
        let (w, mut rest) = last_word(before);
        let mut prev = lower(w, rest);
        // "in the Baku area", "in central Baku": the preposition governs
        // across determiners and region words.
        for _ in 0..3 {
            if !(r.determiners.contains(&*prev) || r.regions.contains(&*prev)) {
                break;
            }
            let w;
            (w, rest) = last_word(rest);
            prev = lower(w, rest);
        }
        if r.prepositions.contains(&*prev) {
            // "called on Baku to stop": the preposition is the verb's (a
            // pair whose verb is one of the lemmas of the word before it).
            let (w, rest) = last_word(rest);
            let verb = lower(w, rest);
            let particle = r
                .particle_verbs
                .iter()
                .any(|(v, p)| *p == *prev && r.triggers.forms.is_form(&verb, v, false));
            if !particle {
                return None;
            }
        }
        Some(state.clone())
    };
    let mut is = Vec::with_capacity(mentions.len());
    let rewritten = mentions
        .iter()
        .filter_map(|m| {
            let state = state_of(m);
            is.push(state.is_some());
            let state = state?;
            // The mention, linked to the state: what it names otherwise is
            // not copied only to be replaced.
            Some(Mention {
                start: m.start,
                end: m.end,
                text: m.text.clone(),
                entity: casus_entities::EntityRef {
                    id: state.clone(),
                    kind: "state".into(),
                    name: m.entity.name.clone(),
                    country: Some(state),
                    sector: m.entity.sector.clone(),
                    lat: None,
                    lon: None,
                },
                person: m.person.clone(),
                metonym_of: m.metonym_of.clone(),
            })
        })
        .collect();
    Metonyms { rewritten, is }
}

/// The id to use for an entity as the owner of something: communities and
/// persons stand for their country, states and organisations for themselves.
/// A community with a state of its own in `grammar.toml` (`ARMENIANS` →
/// `ARM`) stands for that state.
pub(crate) fn owner_id(r: &rules::Rules, m: &casus_entities::Mention) -> KbStr {
    if m.entity.kind == "community" {
        if let Some((state, _)) = r.community_of.iter().find(|(_, c)| **c == m.entity.id) {
            return KbStr::from(state.clone());
        }
    }
    match (m.entity.kind.as_str(), &m.entity.country) {
        ("state" | "unrecognised" | "igo" | "ngo", _) => m.entity.id.clone(),
        (_, Some(c)) if !c.is_empty() => c.clone(),
        _ => m.entity.id.clone(),
    }
}

/// [`owner_id`], borrowed: for comparisons, which need no copy.
pub(crate) fn owner_of<'a>(r: &'a rules::Rules, m: &'a casus_entities::Mention) -> &'a str {
    if m.entity.kind == "community" {
        if let Some((state, _)) = r.community_of.iter().find(|(_, c)| **c == m.entity.id) {
            return state;
        }
    }
    match (m.entity.kind.as_str(), &m.entity.country) {
        ("state" | "unrecognised" | "igo" | "ngo", _) => &m.entity.id,
        (_, Some(c)) if !c.is_empty() => c,
        _ => &m.entity.id,
    }
}

/// Whether a mention names an actor (anything but a place).
pub(crate) fn is_actor(m: &casus_entities::Mention) -> bool {
    m.entity.kind != "place" && !m.entity.id.is_empty()
}

/// The dates of the facts of one sentence `[start, end)` of a document:
/// its timexes (sorted by start) split at the sentence once, for every
/// fact of the sentence.
pub(crate) struct SentenceDates<'d> {
    text: &'d str,
    doc_date: Option<&'d str>,
    start: usize,
    end: usize,
    /// The timexes that start before the sentence.
    before_start: &'d [Timex],
    /// The others.
    from_start: &'d [Timex],
}

impl<'d> SentenceDates<'d> {
    pub(crate) fn new(doc: &DocInput<'d>, start: usize, end: usize) -> SentenceDates<'d> {
        let timexes = doc.timexes;
        let (before_start, from_start) =
            timexes.split_at(timexes.partition_point(|t| t.start < start));
        SentenceDates {
            text: doc.text,
            doc_date: doc.doc_date,
            start,
            end,
            before_start,
            from_start,
        }
    }

    /// The date of a fact whose words start at `at` in the sentence: the
    /// last date before `at` that sets the narrative, else the first such
    /// date in the sentence, else a date that opens the sentence as an
    /// adverbial ("Last week, …", "Almost two decades earlier, …"), else the
    /// narrative date in force at the sentence, else the document's date.
    /// Look-backs and asides elsewhere ("since 1992") that set no narrative
    /// date are skipped.
    pub(crate) fn of(&self, r: &rules::Rules, at: usize) -> Option<DateRange> {
        let sets = |t: &&Timex| t.narrative.is_some();
        let from_start = self.from_start;
        dated_before(from_start, at)
            .filter(sets)
            .last()
            .or_else(|| dated_before(from_start, self.end).find(sets))
            .or_else(|| opening_date(r, self.text, from_start, self.start, at))
            .and_then(|t| t.date.clone())
            .or_else(|| reference_in(self.before_start, self.start))
            .or_else(|| self.doc_date.and_then(casus_time::value::date_range))
    }
}

/// A dated expression that opens the sentence starting at `start` and is
/// set off by a comma before `at` ("Last week, Pashinyan asked …", "In
/// 2020, …"), unless it is the edge of a span ("Since 1992, …").
/// `from_start` are the timexes from the first that starts at or after
/// `start` on.
fn opening_date<'t>(
    r: &rules::Rules,
    text: &str,
    from_start: &'t [Timex],
    start: usize,
    at: usize,
) -> Option<&'t Timex> {
    let t = dated_before(from_start, at).next()?;
    let lead = text.get(start..t.start)?.trim();
    let after = text.get(t.end..at)?.trim_start();
    // At most one word before it ("In", "On", "By"), and a comma after it.
    let one_word = !lead.contains(char::is_whitespace);
    (one_word && after.starts_with(',') && !r.span_edges.contains(&lead.to_lowercase()))
        .then_some(t)
}

/// The timexes with a resolved calendar date among `from_start` (sorted by
/// start, the first at or after some offset `from`) that lie in `[from, to)`.
fn dated_before(from_start: &[Timex], to: usize) -> impl Iterator<Item = &Timex> {
    from_start
        .iter()
        .take_while(move |t| t.start < to)
        .filter(move |t| t.end <= to && t.date.is_some())
}

/// The narrative date in force at `offset`: the date of the last dated
/// expression before it with day or month precision, else any dated one.
///
/// `before` are the timexes that start before `offset` (a prefix of the
/// sorted timexes): [`SentenceDates`] has split them off already.
fn reference_in(before: &[Timex], offset: usize) -> Option<DateRange> {
    // The same answer as `casus_time::reference_at` (the last narrative-setting
    // expression ending before `offset`), found from the end in sorted input.
    if let Some(d) = before
        .iter()
        .rev()
        .filter(|t| t.end <= offset)
        .find_map(|t| t.narrative.clone())
    {
        return Some(d);
    }
    // Without narrative marks: the last dated expression, day or month first.
    let before = before
        .iter()
        .rev()
        .filter(|t| t.end <= offset && t.kind == casus_time::TimexType::Date);
    let mut any = None;
    for t in before {
        if let Some(d) = t.date.as_ref() {
            if matches!(d.precision, "day" | "month") {
                return Some(d.clone());
            }
            if any.is_none() {
                any = Some(d.clone());
            }
        }
    }
    any
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Hand-built mentions and timexes for unit tests.
    use casus_entities::{EntityRef, Mention, PersonRef};
    use casus_segment::{Sentence, SentenceKind};
    use casus_time::{Timex, TimexType};

    /// Tiny gazetteer: (surface, id, kind, country).
    const KB: &[(&str, &str, &str, Option<&str>)] = &[
        ("Minsk Group", "OSCE_MG", "igo", None),
        ("OSCE", "OSCE", "igo", None),
        ("United Nations Security Council", "UNSC", "igo", None),
        ("NATO", "NATO", "igo", None),
        ("European Union", "EU", "igo", None),
        ("Azerbaijani Defense Ministry", "AZE", "state", Some("AZE")),
        ("Azerbaijani authorities", "AZE", "state", Some("AZE")),
        (
            "Armenian National Security Service",
            "ARM",
            "state",
            Some("ARM"),
        ),
        ("United States", "USA", "state", None),
        (
            "Azerbaijanis",
            "AZERBAIJANIS",
            "community",
            Some("AZERBAIJANIS"),
        ),
        ("Armenians", "ARMENIANS", "community", Some("ARMENIANS")),
        ("Azerbaijani", "AZE", "state", None),
        ("Azerbaijan", "AZE", "state", None),
        ("Armenian", "ARM", "state", None),
        ("Armenia", "ARM", "state", None),
        ("Russian", "RUS", "state", None),
        ("Russia", "RUS", "state", None),
        ("France", "FRA", "state", None),
        ("French", "FRA", "state", None),
        ("Turkey", "TUR", "state", None),
        ("Canada", "CAN", "state", None),
        ("Iranian", "IRN", "state", None),
        ("Syrian", "SYR", "state", None),
        ("Israel", "ISR", "state", None),
        ("Lavrov", "RUS", "state", Some("RUS")),
        ("Baku", "baku", "place", Some("AZE")),
        ("Hadrut", "hadrut", "place", Some("AZE")),
    ];

    /// Finds the KB surfaces in `text` (longest first, word-bounded).
    pub fn mentions(text: &str) -> Vec<Mention> {
        let mut taken = vec![false; text.len()];
        let mut out = Vec::new();
        let mut kb: Vec<_> = KB.to_vec();
        kb.sort_by_key(|k| std::cmp::Reverse(k.0.len()));
        for (surf, id, kind, country) in kb {
            let mut from = 0;
            while let Some(i) = text[from..].find(surf) {
                let s = from + i;
                let e = s + surf.len();
                from = e;
                let before_ok = s == 0
                    || !text[..s]
                        .chars()
                        .last()
                        .is_some_and(|c| c.is_alphanumeric());
                let after_ok = !text[e..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric());
                if before_ok && after_ok && !taken[s..e].iter().any(|&t| t) {
                    taken[s..e].iter_mut().for_each(|t| *t = true);
                    out.push(Mention {
                        start: s,
                        end: e,
                        text: surf.into(),
                        entity: EntityRef {
                            id: id.into(),
                            kind: kind.into(),
                            name: surf.into(),
                            country: country.map(crate::KbStr::from),
                            sector: None,
                            lat: None,
                            lon: None,
                        },
                        metonym_of: if kind == "place" && surf == "Baku" {
                            Some("AZE".into())
                        } else {
                            None
                        },
                        person: if surf == "Lavrov" {
                            Some(PersonRef {
                                id: "sergei-lavrov".into(),
                                name: "Sergei Lavrov".into(),
                            })
                        } else {
                            None
                        },
                    });
                }
            }
        }
        out.sort_by_key(|m| m.start);
        out
    }

    /// What the embedded coder finds in `text` (the [`sentences`] and
    /// [`mentions`] of this module), with the given dates.
    pub fn extract(text: &str, timexes: &[Timex], doc_date: Option<&str>) -> crate::Extraction {
        let ms = mentions(text);
        let ss = sentences(text);
        crate::Coder::embedded().code(&crate::DocInput {
            name: "t",
            text,
            sentences: &ss,
            mentions: &ms,
            timexes,
            doc_date,
        })
    }

    /// A dated timex over the first occurrence of `surface`.
    pub fn timex(text: &str, surface: &str, value: &str) -> Timex {
        let s = text.find(surface).unwrap_or(0);
        let date = casus_time::value::date_range(value).expect("a calendar value");
        Timex {
            start: s,
            end: s + surface.len(),
            text: surface.into(),
            kind: TimexType::Date,
            value: value.into(),
            modifier: None,
            anchor: None,
            narrative: Some(date.clone()),
            date: Some(date),
        }
    }

    /// One sentence per line, split again after ". ".
    /// A document of `text` split into `sentences`, with no mentions or
    /// timexes: input for the coder's tokenizer.
    pub fn bare_doc<'a>(text: &'a str, sentences: &'a [Sentence]) -> crate::DocInput<'a> {
        crate::DocInput {
            name: "t",
            text,
            sentences,
            mentions: &[],
            timexes: &[],
            doc_date: None,
        }
    }

    pub fn sentences(text: &str) -> Vec<Sentence> {
        let mut out = Vec::new();
        let mut off = 0;
        for line in text.split('\n') {
            let kind = if line.trim_start().starts_with('•') {
                SentenceKind::ListItem
            } else if !line.trim_end().ends_with('.') {
                SentenceKind::Heading
            } else {
                SentenceKind::Text
            };
            let mut s = 0;
            let bytes = line.as_bytes();
            for i in 0..bytes.len() {
                if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1] == b' ' {
                    out.push(Sentence {
                        start: off + s,
                        end: off + i + 1,
                        kind,
                    });
                    s = i + 2;
                }
            }
            if s < line.len() {
                out.push(Sentence {
                    start: off + s,
                    end: off + line.len(),
                    kind,
                });
            }
            off += line.len() + 1;
        }
        out
    }
}

#[cfg(test)]
mod sentence_token_tests {
    use casus_segment::{Sentence, SentenceKind};

    #[test]
    fn each_sentence_gets_its_own_tokens() {
        let text = "Baku said no. Yerevan agreed.";
        let s = |start, end| Sentence {
            start,
            end,
            kind: SentenceKind::Text,
        };
        // an empty and an out-of-range sentence have no tokens
        let sentences = [s(0, 13), s(13, 13), s(14, 29), s(40, 50)];
        let doc = super::testutil::bare_doc(text, &sentences);
        let lowered = text.to_ascii_lowercase();
        let mut spill = super::text::Spill::new();
        let toks =
            super::sentence_tokens(&super::rules::Rules::embedded(), &doc, &lowered, &mut spill);
        let lows = |i: usize| {
            toks[i]
                .iter()
                .map(|t| t.low.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(lows(0), ["baku", "said", "no", "."]);
        assert!(lows(1).is_empty());
        assert_eq!(lows(2), ["yerevan", "agreed", "."]);
        assert!(lows(3).is_empty());
        assert_eq!(toks[2][0].start, 14);
    }
}
