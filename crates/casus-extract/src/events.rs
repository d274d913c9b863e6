//! The event coder: trigger phrases, then actor, recipient, date, place.
//!
//! For each sentence the coder finds the trigger phrases of `events.toml`
//! (leftmost longest, lemmatised), drops the ones that are only the content
//! or object of another (`urged X *to cooperate*`, `demanded that Turkey
//! *provide*`, `lifted *the curfew*`, `condemned *attacks*`, `for *violating*`),
//! and fills each remaining trigger by rules, each named in [`Event::rule`]:
//!
//! * `subject`: the nearest actor mention to the left within the clause that
//!   is not inside a prepositional phrase ("in Azerbaijan", "according to X",
//!   "the territories of X"; "the President of X" is kept), with its list;
//! * `coordination`: a trigger after "and" or a comma, past adverbs and
//!   modals ("condemned X and called for", "…, would not provide", "…,
//!   urging") shares the subject of the trigger before it in the clause;
//! * `participle`: "the United States calling for" — the phrase before it;
//! * `relative`: "Aliyev, who is also …, thanked" — the antecedent;
//! * `pronoun`: "it"/"he" inside a sentence that already has a subject;
//! * `passive-by`: "was condemned by X" makes X the actor and the left mention
//!   the recipient; `passive` without agent keeps the recipient only (or, for
//!   MOBILIZE/RETREAT, makes the moved forces' side the actor);
//! * `noun-by`: "attacks by X", "a ceasefire brokered by X" — X acts, and
//!   no later verb shares it as its subject;
//! * `actor-after`: "at the request of X" (the main subject receives it);
//! * `demonym`: a nominal trigger takes a demonym right before it ("an
//!   Armenian attack", "U.S. military aid");
//! * `main-clause`: a trigger in an opening phrase ("Following a closed
//!   meeting, the Council …") takes the main clause's subject (not the
//!   sayer of a sentence-final "…, the military said");
//! * `speaker`: a trigger marked `speaker_acts` ("must") reported by a
//!   reporting verb is the speaker's act on the subject ("Russia said Sudan
//!   must return it": Russia asks it of Sudan);
//! * an apposition ("Pakistan, a key U.S. ally, has refused") names no
//!   subject; verbs joined by "and" share theirs ("killed X and wounded Y":
//!   X is not the wounder); "under attack from X" is a passive with agent X;
//! * `agent-of`: "a decree by X lifted" — the agent in the subject phrase;
//! * `anaphora`: with no mention in the clause ("It condemned", "The group
//!   called"), the sentence's subject, else the last one of the paragraph
//!   (bare nouns like "the shelling" take none);
//! * `both-sides`: "both sides" or "the two parties" as the subject are the
//!   two states the document names most, each acting on the other;
//! * `ellipsis`: "…, as did X", "X followed by Y", "X, along with Y and Z";
//! * recipients are the first actor mention after the trigger (not a
//!   locative "in X", not past a comma), up to the next trigger not joined by
//!   "and", not a subject pronoun, not a go-between "brokered by X"; a
//!   capital after "a visit to" is its state; a demonym before a people
//!   noun is the community ("Armenian
//!   servicemen" → `ARMENIANS`, country `ARM`); `between`: mediation between
//!   two sides, and "talks between X and Y" codes both directions;
//! * `future->AGREE|THREATEN|REJECT`: "will provide" is a promise, "will
//!   boycott" or "will withdraw … unless" a threat, "would not provide" a
//!   refusal;
//! * lists ("Russia, the United States, and France") give one event per
//!   member, on both sides.
//!
//! The date is the last narrative-setting date before the trigger in the
//! sentence, else the first after it, else the narrative date in force;
//! `claimed_by` comes from "according to X", "X said (that) …" or a final
//! "…, X said".

use rustc_hash::{FxHashMap, FxHashSet};

use casus_entities::Mention;
use casus_segment::SentenceKind;

use crate::rules::{class, Rules};
use crate::text::Tok;
use crate::{is_actor, owner_id, owner_of, Actor, DocInput, Event, KbStr, Place};

/// A mention placed on the tokens of a sentence.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed<'a> {
    pub m: &'a Mention,
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
}

/// Places the mentions of `[from, to)` on `toks`.
#[cfg(test)]
pub(crate) fn place_mentions<'a>(
    mentions: &[&'a Mention],
    toks: &[Tok],
    from: usize,
    to: usize,
) -> Vec<Placed<'a>> {
    let mut out = Vec::new();
    place_mentions_onto(mentions, toks, from, to, &mut out);
    out
}

/// The mentions of every sentence of a document placed on its tokens,
/// in one vector: the event coder and the claim extractor read the same
/// placements, made once.
pub(crate) struct SentenceMentions<'a> {
    placed: Vec<Placed<'a>>,
    /// By sentence: the end of its placements in `placed` (they start
    /// where those of the previous sentence end).
    ends: Vec<usize>,
}

impl<'a> SentenceMentions<'a> {
    /// Places `mentions` (those of `doc`, by start) on the tokens of each
    /// sentence of `doc` (none on an empty or out-of-range one).
    pub(crate) fn new(
        doc: &DocInput,
        mentions: &[&'a Mention],
        sent_toks: &crate::SentenceTokens,
    ) -> SentenceMentions<'a> {
        let len = doc.text.len();
        let mut placed = Vec::with_capacity(mentions.len());
        let mut ends = Vec::with_capacity(doc.sentences.len());
        for (si, s) in doc.sentences.iter().enumerate() {
            let (start, end) = (s.start.min(len), s.end.min(len));
            if start < end {
                place_mentions_onto(mentions, &sent_toks[si], start, end, &mut placed);
            }
            ends.push(placed.len());
        }
        SentenceMentions { placed, ends }
    }

    /// The placed mentions of sentence `si`.
    pub(crate) fn of(&self, si: usize) -> &[Placed<'a>] {
        let start = if si == 0 { 0 } else { self.ends[si - 1] };
        &self.placed[start..self.ends[si]]
    }
}

/// Places the mentions of `[from, to)` on `toks`, after those already in
/// `out`.
fn place_mentions_onto<'a>(
    mentions: &[&'a Mention],
    toks: &[Tok],
    from: usize,
    to: usize,
    out: &mut Vec<Placed<'a>>,
) {
    let lo = mentions.partition_point(|m| m.start < from);
    // Mentions come by start, so the first token at or after each start
    // only moves right: one walk over the tokens for all of them.
    let mut at = 0;
    for &m in &mentions[lo..] {
        if m.start >= to {
            break;
        }
        if m.end > to {
            continue;
        }
        while at < toks.len() && toks[at].start < m.start {
            at += 1;
        }
        let first = at;
        // A mention that starts inside a token ("Azerbaijani-backed") takes that token.
        let first = if first > 0 && toks[first - 1].end > m.start {
            first - 1
        } else {
            first
        };
        let mut last = first;
        while last < toks.len() && toks[last].start < m.end {
            last += 1;
        }
        if last > first {
            out.push(Placed { m, first, last });
        }
    }
}

/// The reporting verbs ("said", "states", "reported") of `toks[from..to]`,
/// leaving out words inside a mention: "states" in "the United States" is
/// a name, not a verb.
pub(crate) fn reporting_verbs(
    r: &Rules,
    toks: &[Tok],
    ms: &[Placed],
    from: usize,
    to: usize,
) -> Vec<crate::lexicon::Hit> {
    let mut hits = r.reporting.find_all(toks, from, to);
    hits.retain(|h| !ms.iter().any(|p| p.first <= h.first && h.first < p.last));
    hits
}

/// The reporting verbs of one sentence, looked for once for all its
/// triggers: the phrase of `r.reporting` that starts at each token, if any.
pub(crate) struct Reporting {
    /// By first token, every phrase that starts there (longest), mentions
    /// or not.
    starts: Vec<crate::lexicon::Hit>,
}

impl Reporting {
    pub(crate) fn new(r: &Rules, toks: &[Tok]) -> Reporting {
        let mut reporting = Reporting { starts: Vec::new() };
        reporting.look_in(r, toks);
        reporting
    }

    /// Forgets the last sentence's phrases and finds those of `toks`: the
    /// coder keeps one `Reporting`, and its vector, for every sentence.
    pub(crate) fn look_in(&mut self, r: &Rules, toks: &[Tok]) {
        self.starts.clear();
        // Most tokens start no phrase: turned away in this loop by the
        // set's first-word filter, with no bounds check.
        for (i, t) in toks.iter().enumerate() {
            if r.reporting.may_start(t) {
                self.starts.extend(r.reporting.longest_at(toks, i));
            }
        }
    }

    /// [`reporting_verbs`] of the sentence's `toks[from..to]`: the phrases
    /// found, taken leftmost longest from `from` as
    /// [`crate::lexicon::PhraseSet::find_all`] takes them, less those
    /// inside a mention.
    /// Yielded in order as they are found, with no vector made.
    pub(crate) fn verbs<'s>(
        &'s self,
        ms: &'s [Placed],
        from: usize,
        to: usize,
    ) -> impl Iterator<Item = crate::lexicon::Hit> + 's {
        let mut k = self.starts.partition_point(|h| h.first < from);
        std::iter::from_fn(move || {
            while let Some(h) = self.starts.get(k) {
                if h.first >= to {
                    return None;
                }
                if h.last > to {
                    k += 1;
                    continue;
                }
                // The next phrase starts after this one, kept or not.
                k += self.starts[k..].partition_point(|x| x.first < h.last);
                if !ms.iter().any(|p| p.first <= h.first && h.first < p.last) {
                    return Some(h.clone());
                }
            }
            None
        })
    }
}

/// Whether a mention is only the first part of a compound word
/// ("NATO-member", "Azerbaijani-claimed"): a modifier, never an actor. A
/// leader is the exception: "Saudi-led forces" act for their leader.
fn in_compound(toks: &[Tok], p: &Placed) -> bool {
    p.last > p.first && toks[p.last - 1].end > p.m.end && !toks[p.last - 1].low.ends_with("-led")
}

/// Whether a mention is the go-between named after one of
/// [`Rules::mediator_participles`] and "by" ("a truce brokered by the Russian
/// peacekeeping command").
fn mediator_by(r: &Rules, toks: &[Tok], p: &Placed) -> bool {
    prev_content(toks, p.first).is_some_and(|k| {
        toks[k].low == "by" && k > 0 && r.mediator_participles.contains(&*toks[k - 1].low)
    })
}

/// Whether a mention is the agent of a participle of
/// [`Rules::agent_compounds`] hyphenated to it ("a Russian-brokered
/// ceasefire").
fn agent_compound(r: &Rules, toks: &[Tok], p: &Placed) -> bool {
    if !in_compound(toks, p) {
        return false;
    }
    let t = &toks[p.last - 1];
    t.low
        .get(p.m.end.saturating_sub(t.start)..)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|participle| r.agent_compounds.contains(participle))
}

/// The token before `i`, skipping determiners and region words ("the",
/// "northern"); its index.
fn prev_content(toks: &[Tok], i: usize) -> Option<usize> {
    let mut k = i;
    while k > 0 {
        k -= 1;
        if !toks[k].is(class::DETERMINER) && !toks[k].is(class::REGION) {
            return Some(k);
        }
    }
    None
}

/// Whether the trigger starting at token `first` is the act an accusation
/// `p` charges an actor with: `p` is an `ACCUSE` trigger, and an actor named
/// after it is joined to this trigger by "of" or "for" alone ("accused
/// Armenia of shelling Ganja", "blamed Baku for the attack"). Then the
/// trigger is not the accusation's content but a reported event.
fn names_accused_act(r: &Rules, toks: &[Tok], ms: &[Placed], p: &Found, first: usize) -> bool {
    if r.triggers.get(p.entry).kind != "ACCUSE" {
        return false;
    }
    let Some(k) = prev_content(toks, first) else {
        return false;
    };
    // Adverbs between the preposition and a gerund ("of deliberately shelling").
    let k = if toks[k].low.ends_with("ly") && k > p.last {
        match prev_content(toks, k) {
            Some(j) => j,
            None => return false,
        }
    } else {
        k
    };
    // The actor right before the preposition, or before one plain noun
    // ("Armenian forces of", when only "Armenian" is the mention).
    let names_actor = |m: &Placed| {
        m.first >= p.last
            && m.last <= k
            && k - m.last <= 1
            && toks[m.last..k].iter().all(|x| x.word && !x.upper)
            && is_actor(m.m)
    };
    matches!(toks[k].low, "of" | "for") && ms.iter().any(names_actor)
}

/// Whether a placed mention sits in a prepositional phrase (other than "of").
fn in_pp(toks: &[Tok], p: &Placed) -> bool {
    match prev_content(toks, p.first) {
        Some(k) => {
            let w = toks[k].low;
            // "the President of Russia", "the National Assembly of Azerbaijan" name an
            // actor; "the territories of Azerbaijan" do not.
            let titled_of =
                w == "of" && k > 0 && (toks[k - 1].upper || toks[k - 1].is(class::OF_HEAD));
            !titled_of && toks[k].is(class::PREPOSITION)
        }
        None => false,
    }
}

/// Whether the mention follows "according to".
fn after_according(toks: &[Tok], p: &Placed) -> bool {
    let k = p.first;
    (k >= 2 && toks[k - 1].low == "to" && toks[k - 2].low == "according")
        || (k >= 3 && toks[k - 2].low == "to" && toks[k - 3].low == "according")
}

/// Extends a list member to every member of its list: mentions separated only
/// by list joiners ("Russia, the United States, and France").
fn list_of(toks: &[Tok], ms: &[Placed], i: usize, left: bool, right: bool) -> Vec<usize> {
    let joined = |a: &Placed, b: &Placed| -> bool {
        if b.first < a.last {
            return false;
        }
        let gap = &toks[a.last..b.first];
        gap.len() <= 6 && gap.iter().all(|t| t.is(class::LIST_JOINER))
    };
    // A member may open the list with "including"; otherwise a mention in a
    // prepositional phrase or after "according to" is not part of it.
    let member = |p: &Placed| -> bool { is_actor(p.m) && !after_according(toks, p) };
    let conj = |a: &Placed, b: &Placed| {
        toks[a.last..b.first]
            .iter()
            .any(|t| matches!(t.low, "and" | "or" | "&" | "well" | "with" | "nor"))
    };
    let mut out = vec![i];
    let mut has_conj = false;
    // One member may be named twice in a row: "the European Union (EU)",
    // "his Iranian counterpart Mohammad Javad Zarif".
    let mut i0 = i;
    while left
        && i0 > 0
        && member(&ms[i0 - 1])
        && joined(&ms[i0 - 1], &ms[i0])
        && ms[i0 - 1].m.entity.id == ms[i0].m.entity.id
        && !conj(&ms[i0 - 1], &ms[i0])
    {
        i0 -= 1;
        out.insert(0, i0);
    }
    // Going left from the last member, the first gap holds the conjunction
    // ("A, B, and C"); going right, the gap with the conjunction is the last.
    if left
        && i0 > 0
        && member(&ms[i0 - 1])
        && joined(&ms[i0 - 1], &ms[i0])
        && conj(&ms[i0 - 1], &ms[i0])
    {
        has_conj = true;
        let i = i0;
        let mut k = i;
        while k > 0
            && member(&ms[k - 1])
            && joined(&ms[k - 1], &ms[k])
            && (k == i || !conj(&ms[k - 1], &ms[k]))
        {
            k -= 1;
            out.insert(0, k);
        }
    }
    if right {
        let mut k = i;
        while !has_conj && k + 1 < ms.len() && member(&ms[k + 1]) && joined(&ms[k], &ms[k + 1]) {
            has_conj |= conj(&ms[k], &ms[k + 1]);
            k += 1;
            out.push(k);
        }
    }
    // "X, Y" without a conjunction is an apposition, not a list: the
    // member alone (listed once), in the vector already made.
    if !has_conj {
        out.clear();
        out.push(i);
    }
    out
}

/// The actor record for a mention.
pub(crate) fn actor_of(r: &Rules, m: &Mention) -> Actor {
    // A community's country is its state ("ARMENIANS" belongs to ARM).
    let country = if m.entity.kind == "community" {
        Some(owner_id(r, m))
    } else {
        m.entity.country.clone()
    };
    Actor {
        id: m.entity.id.clone(),
        name: m.entity.name.clone(),
        country,
        sector: m.entity.sector.clone(),
        raw: m.text.clone(),
        person: m.person.clone(),
    }
}

fn place_of(m: &Mention) -> Place {
    Place {
        id: m.entity.id.clone(),
        name: m.entity.name.clone(),
        country: m.entity.country.clone(),
        lat: m.entity.lat,
        lon: m.entity.lon,
        raw: m.text.clone(),
    }
}

/// The place named as the object of a trigger that ends before token
/// `last`: the mention right after it, past determiners and region words
/// ("shelled the town of Martuni" names none: "town" comes first). A
/// capital read as its state ("shelled Stepanakert": recipient NKR) is
/// still that place: `recognised` holds the mentions as recognised, in
/// order, before capitals were read as states.
fn object_place(toks: &[Tok], ms: &[Placed], recognised: &[Mention], last: usize) -> Option<Place> {
    let p = ms.iter().find(|p| p.first >= last)?;
    if prev_content(toks, p.first) != Some(last - 1) {
        return None;
    }
    if p.m.entity.kind == "place" {
        return Some(place_of(p.m));
    }
    let i = recognised.partition_point(|o| o.start < p.m.start);
    recognised
        .get(i)
        .filter(|o| o.end == p.m.end && o.entity.kind == "place" && o.metonym_of.is_some())
        .map(place_of)
}

/// A trigger kept for coding.
struct Found {
    entry: usize,
    first: usize,
    last: usize,
}

/// Whether one of `words` is among the six tokens before token `i`, within
/// its clause.
fn word_before_in_clause(toks: &[Tok], i: usize, words: &[String]) -> bool {
    toks[i.saturating_sub(6)..i]
        .iter()
        .rev()
        .take_while(|t| !t.is(class::CLAUSE_BREAK) && !matches!(t.low, "." | ";" | ","))
        .any(|t| words.iter().any(|w| *w == t.low))
}

/// Whether the clause's subject, right before the verb at `first` (adverbs
/// and auxiliaries aside), is a bare people, force, crowd or agent noun:
/// "drones attacked", "unidentified gunmen opened fire", "protesters
/// stormed". Such a subject is someone new the text does not name, so the
/// act takes no actor from the paragraph ("the troops", with a determiner,
/// may refer back).
fn unnamed_subject(r: &Rules, toks: &[Tok], cstart: usize, first: usize) -> bool {
    let mut k = first;
    let head = loop {
        if k <= cstart {
            return false;
        }
        k -= 1;
        let w = toks[k].low;
        let adverb = w.len() > 4 && w.ends_with("ly");
        if !(adverb
            || matches!(
                w,
                "also" | "then" | "have" | "has" | "had" | "again" | "later"
            ))
        {
            break k;
        }
    };
    let h = &toks[head];
    let doer = h.is(class::PEOPLE_NOUN)
        || h.is(class::FORCE_NOUN)
        || r.agent_nouns.contains(h.low)
        || r.crowd_nouns.iter().any(|w| *w == h.low);
    doer && !(head > cstart && toks[head - 1].is(class::DETERMINER))
}

/// Index of the first token of the clause holding token `i`.
fn clause_start(toks: &[Tok], i: usize) -> usize {
    let mut k = i;
    while k > 0 {
        let w = toks[k - 1].low;
        if toks[k - 1].is(class::CLAUSE_BREAK) && w != "who" && w != "which" {
            return k;
        }
        k -= 1;
    }
    0
}

/// Index one past the last token of the clause holding token `i`.
fn clause_end(toks: &[Tok], i: usize) -> usize {
    let mut k = i;
    while k < toks.len() {
        // (Punctuation is no word: most tokens are not compared to ";".)
        if (!toks[k].word && toks[k].low == ";")
            || (k > i
                && toks[k].is(class::CLAUSE_BREAK)
                && toks[k].low != "who"
                && toks[k].low != "which")
        {
            return k;
        }
        k += 1;
    }
    toks.len()
}

/// Whether the trigger at `first` follows "under", perhaps past a few
/// lower-case words ("came under heavy shelling").
fn after_under(toks: &[Tok], first: usize) -> bool {
    (first.saturating_sub(3)..first)
        .any(|k| toks[k].low == "under" && toks[k + 1..first].iter().all(|x| x.word && !x.upper))
}

/// Whether the trigger at `first` is a passive participle ("was
/// condemned"); `reduced_relative` tells whether its type reads so after a
/// people noun ([`Rules::reduced_relative_types`]): a set lookup, made only
/// when the words around the trigger fit.
fn is_passive(toks: &[Tok], first: usize, reduced_relative: impl FnOnce() -> bool) -> bool {
    // "put under investigation", "came under (heavy) attack": the subject
    // suffers it.
    if after_under(toks, first) {
        return true;
    }
    let w = &toks[first].low;
    if w.ends_with("ing") || w.ends_with('s') && !w.ends_with("ss") {
        return false;
    }
    // A count of victims and a participle that ends its phrase: "(more
    // than) 200 wounded in the attack", "dozens killed", a passive without
    // its "were" (but "two captured soldiers", "a negotiated settlement":
    // adjectives).
    if w.ends_with("ed")
        && first > 0
        && !matches!(toks[first - 1].low, "a" | "an")
        && (toks[first - 1].is(class::NUMBER)
            // "one soldier was killed and another wounded"
            || matches!(toks[first - 1].low, "another" | "others")
            || toks[first - 1]
                .low
                .starts_with(|c: char| c.is_ascii_digit()))
        && toks.get(first + 1).map_or(true, |x| {
            !x.word || x.is(class::PREPOSITION) || matches!(x.low, "and" | "or" | "but")
        })
    {
        return true;
    }
    // A reduced relative: "the servicemen wounded during the clashes".
    if w.ends_with("ed")
        && first > 0
        && toks[first - 1].is(class::PEOPLE_NOUN)
        && toks
            .get(first + 1)
            .is_some_and(|x| x.is(class::PREPOSITION))
        && reduced_relative()
    {
        return true;
    }
    let mut k = first;
    for _ in 0..3 {
        if k == 0 {
            return false;
        }
        k -= 1;
        let t: &str = toks[k].low;
        if toks[k].is(class::BE) && t != "'s" {
            return true;
        }
        if !(t.ends_with("ly") || matches!(t, "also" | "again" | "not" | "reportedly" | "later")) {
            return false;
        }
    }
    false
}

/// aux markers from the few words before a trigger.
fn aux_of(toks: &[Tok], cstart: usize, first: usize) -> Vec<String> {
    let from = first.saturating_sub(4).max(cstart);
    let mut aux = Vec::new();
    let window = &toks[from..first];
    if window.iter().any(|t| t.is(class::NEGATION)) {
        aux.push("negation".to_string());
    }
    if window.iter().any(|t| t.is(class::FUTURE)) {
        aux.push("future".to_string());
    }
    let hyp_from = first.saturating_sub(8).max(cstart);
    // Capitalised inside the sentence it is a name: "on 14 May", "Theresa May".
    if (hyp_from..first).any(|k| toks[k].is(class::HYPOTHETICAL) && !(toks[k].upper && k > 0)) {
        aux.push("hypothetical".to_string());
    }
    if window.iter().any(|t| t.is(class::HISTORICAL)) {
        aux.push("historical".to_string());
    }
    aux
}

/// The two states a document names most often (the first mention of each),
/// when it names at least two: the sides that "both sides" means.
fn main_sides<'m>(mentions: &[&'m Mention]) -> Vec<&'m Mention> {
    let mut counts: FxHashMap<&str, (usize, &Mention)> = FxHashMap::default();
    for m in mentions
        .iter()
        .filter(|m| m.entity.kind == "state" && !m.entity.id.is_empty())
    {
        counts.entry(m.entity.id.as_str()).or_insert((0, m)).0 += 1;
    }
    let mut ranked: Vec<(usize, &Mention)> = counts.into_values().collect();
    // Most mentioned first; ties in document order.
    ranked.sort_by_key(|&(n, m)| (std::cmp::Reverse(n), m.start));
    if ranked.len() < 2 || ranked[1].0 < 2 {
        return Vec::new();
    }
    ranked.into_iter().take(2).map(|(_, m)| m).collect()
}

/// Whether the subject right before the trigger at `first` is "both sides",
/// "the two parties" or "the warring sides" (auxiliaries may stand between).
fn both_sides_subject(toks: &[Tok], cstart: usize, first: usize) -> bool {
    let mut k = first;
    while k > cstart
        && k + 3 > first
        && matches!(
            toks[k - 1].low,
            "had"
                | "have"
                | "has"
                | "would"
                | "will"
                | "also"
                | "then"
                | "finally"
                | "again"
                | "reportedly"
        )
    {
        k -= 1;
    }
    k >= cstart + 2
        && matches!(toks[k - 1].low, "sides" | "parties")
        && matches!(toks[k - 2].low, "both" | "two" | "warring")
}

/// Codes the events of one document.
pub fn code_events(r: &Rules, doc: &DocInput, unattributed: bool) -> Vec<Event> {
    let lowered = doc.text.to_ascii_lowercase();
    let mentions: Vec<&Mention> = doc.mentions.iter().collect();
    let mut spill = crate::text::Spill::new();
    let toks = crate::sentence_tokens(r, doc, &lowered, &mut spill);
    let placed = SentenceMentions::new(doc, &mentions, &toks);
    code_events_with(r, doc, &mentions, unattributed, &toks, &placed)
}

/// [`code_events`] over `mentions` (those of `doc` as the coder reads them),
/// the tokens of every sentence of `doc` and the mentions placed on them.
pub(crate) fn code_events_with<'m>(
    r: &Rules,
    doc: &DocInput,
    mentions: &[&'m Mention],
    unattributed: bool,
    sent_toks: &crate::SentenceTokens,
    placed: &SentenceMentions<'m>,
) -> Vec<Event> {
    let text = doc.text;
    // About one event a sentence, at times half as many again: the events
    // are large, and growing the vector copies every one coded so far (a
    // document with more events than sentences did so before this was
    // twice the sentences).
    let mut out: Vec<Event> = Vec::with_capacity(doc.sentences.len() * 2);
    // (sentence, trigger, type, actor id, recipient id) of every event coded.
    let mut seen = Seen::new(doc);
    // The last subject group of the paragraph, for anaphora.
    let mut memory: Vec<&Mention> = Vec::new();
    // Whom "both sides" means: counted the first time a sentence says it
    // (most documents never do).
    let mut sides: Option<Vec<&Mention>> = None;
    let mut last_line_end = 0usize;
    let doc_year: Option<i32> = doc
        .doc_date
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse().ok());
    // Per sentence, reused: whether each token is inside a mention, and the
    // triggers kept.
    let mut inside: Vec<bool> = Vec::new();
    let mut found: Vec<Found> = Vec::new();
    let mut hits: Vec<crate::lexicon::Hit> = Vec::new();
    // Per trigger, reused: the (actor, recipient) pairs of its events.
    let mut pairs: Vec<(Option<&Mention>, Option<&Mention>)> = Vec::new();
    let mut reporting = Reporting::new(r, &[]);
    let mut rule_buf = String::new();
    for (si, s) in doc.sentences.iter().enumerate() {
        let (start, end) = (s.start.min(text.len()), s.end.min(text.len()));
        if start >= end {
            continue;
        }
        if s.kind == SentenceKind::Heading {
            memory.clear();
            continue;
        }
        // "It" and "the group" reach back within a paragraph only.
        if text
            .get(last_line_end..start)
            .is_some_and(|g| g.contains('\n'))
        {
            memory.clear();
        }
        last_line_end = end;
        let toks: &[Tok] = &sent_toks[si];
        if toks.is_empty() {
            continue;
        }
        let ms = placed.of(si);
        // Asked for every token: marked once.
        inside.clear();
        inside.resize(toks.len(), false);
        for p in ms {
            inside[p.first.min(toks.len())..p.last.min(toks.len())].fill(true);
        }
        let in_mention = |i: usize| inside[i];
        // 1. Triggers, minus those that are the content of another.
        let sentence_first = out.len();
        found.clear();
        // A trigger does not start inside a name ("Azerbaijani drones struck"
        // is "struck", not "drones struck" skipped as part of the name).
        r.triggers
            .find_all_except_into(toks, 0, toks.len(), in_mention, &mut hits);
        for h in &hits {
            let t = r.triggers.get(h.entry);
            if !t.only_after.is_empty() && !word_before_in_clause(toks, h.first, &t.only_after) {
                continue;
            }
            if toks[h.last..(h.last + 3).min(toks.len())]
                .iter()
                .any(|x| t.not_before.iter().any(|w| *w == x.low))
            {
                continue;
            }
            if h.first > 0 && t.not_after.iter().any(|w| *w == toks[h.first - 1].low) {
                continue;
            }
            if !t.only_before.is_empty() {
                let object = toks[h.last..(h.last + 6).min(toks.len())]
                    .iter()
                    .position(|x| t.only_before.iter().any(|w| *w == x.low));
                // "counts destroyed vehicles": a participle right before its noun,
                // with no auxiliary before it, is an adjective.
                let adjective = object == Some(0)
                    && toks[h.last - 1].low.ends_with("ed")
                    && !(h.first > 0
                        && (toks[h.first - 1].is(class::BE)
                            || matches!(toks[h.first - 1].low, "have" | "has" | "had")));
                // "an Azerbaijani tank was destroyed": the object before a passive.
                let passive_object = h.first > 0
                    && toks[h.first - 1].is(class::BE)
                    && toks[h.first.saturating_sub(5)..h.first - 1]
                        .iter()
                        .any(|x| t.only_before.iter().any(|w| *w == x.low));
                if (object.is_none() && !passive_object) || adjective {
                    continue;
                }
            }
            if t.verb_only && h.first > 0 && nominal(toks, false, h.first) {
                continue;
            }
            // "the partially recognized countries", "internationally recognized borders":
            // a participle between an adverb or determiner and a noun is an adjective.
            if h.last == h.first + 1 && toks[h.first].low.ends_with("ed") && h.first > 0 {
                let before = &toks[h.first - 1].low;
                // "23 wounded people": a count too.
                let modifier = toks[h.first - 1].is(class::DETERMINER)
                    || toks[h.first - 1].is(class::NUMBER)
                    || before.starts_with(|c: char| c.is_ascii_digit())
                    || (before.ends_with("ly")
                        && before.len() > 4
                        && h.first >= 2
                        && (toks[h.first - 2].is(class::DETERMINER)
                            || matches!(toks[h.first - 2].low, "or" | "and")));
                let noun_next = toks.get(h.last).is_some_and(|x| {
                    x.word
                        && !x.upper
                        && !x.is(class::PREPOSITION)
                        && !x.is(class::DETERMINER)
                        && !x.is(class::BE)
                        && x.low != "and"
                        && x.low != "or"
                });
                if modifier && noun_next {
                    continue;
                }
            }
            // "accused Armenian forces of shelling Ganja": the act an accusation
            // names is an event of the accused, stated by the accuser.
            // Only force is taken so: "accused X of violating human rights
            // and sending a signal" reports no further act.
            let accused_act = matches!(t.kind, "ASSAULT" | "COERCE")
                && found
                    .last()
                    .is_some_and(|p| names_accused_act(r, toks, ms, p, h.first));
            if accused_act {
                found.push(Found {
                    entry: h.entry,
                    first: h.first,
                    last: h.last,
                });
                continue;
            }
            // "for violating", "in support of", "in the mobilization reserve": a trigger
            // governed by a preposition is a circumstance, not an event.
            if prev_content(toks, h.first).is_some_and(|k| {
                (toks[k].low != "of" || !t.noun)
                    && matches!(
                        &*toks[k].low,
                        "in" | "of"
                            | "for"
                            | "with"
                            | "without"
                            | "against"
                            | "about"
                            | "after"
                            | "before"
                            | "from"
                            | "despite"
                            | "regarding"
                            | "on"
                            | "at"
                    )
            }) {
                continue;
            }
            let governed = found.last().is_some_and(|p| {
                let gap = h.first.saturating_sub(p.last);
                let to_before = (h.first.saturating_sub(3)..h.first).any(|k| toks[k].low == "to");
                let pk = r.triggers.get(p.entry).kind;
                // "must agree", "prohibited criticizing": the verb is the content.
                let content = gap == 0
                    && (matches!(pk, "REQUEST" | "THREATEN" | "AGREE" | "REJECT")
                        || toks[h.first].low.ends_with("ing"));
                // "condemned attacks on civilians", "expressed concern at the shelling":
                // the object of a speech act is what it is about, not a second event.
                let gap_toks = &toks[p.last..h.first];
                let about = matches!(
                    pk,
                    "REQUEST" | "ACCUSE" | "SUPPORT" | "REJECT" | "THREATEN" | "AGREE" | "CONCEDE"
                ) && gap <= 3
                    && !gap_toks
                        .iter()
                        .any(|x| matches!(x.low, "and" | "," | ";" | "but" | "while"))
                    && !ms
                        .iter()
                        .any(|m| m.first >= p.last && m.last <= h.first && is_actor(m.m));
                // "demanded that Turkey provide ...", "agreed that they should cooperate":
                // the verb of a that-clause after a request or promise is its content.
                let that_clause = matches!(pk, "REQUEST" | "AGREE" | "THREATEN" | "REJECT")
                    && gap <= 12
                    && gap_toks.iter().any(|x| x.low == "that")
                    && !gap_toks
                        .iter()
                        .any(|x| x.is(class::CLAUSE_BREAK) || x.low == ".");
                // "urged Azerbaijan to halt its action and allow access": a bare
                // verb joined to the requested one is requested too ("called on
                // them to respect the truce and condemned attacks" is a second act).
                let bare = r
                    .triggers
                    .phrase(h.entry)
                    .words
                    .first()
                    .is_some_and(|w| *w == crate::lexicon::normed(toks[h.first].low));
                let joined_infinitive = matches!(pk, "REQUEST" | "AGREE" | "THREATEN" | "REJECT")
                    && bare
                    && gap <= 10
                    && matches!(&*toks[h.first - 1].low, "and" | "or")
                    && gap_toks.iter().any(|x| x.low == "to")
                    && !gap_toks
                        .iter()
                        .any(|x| x.is(class::CLAUSE_BREAK) || matches!(x.low, "," | "."));
                let content = content || about || that_clause || joined_infinitive;
                let between = r
                    .triggers
                    .phrase(h.entry)
                    .words
                    .last()
                    .is_some_and(|w| w == "between");
                // "declared martial law and general mobilization": two nouns joined
                // are two objects of one verb, not one the object of the other.
                let joined_nouns = r.triggers.get(p.entry).noun
                    && gap_toks.iter().any(|x| matches!(x.low, "and" | ","));
                (to_before && gap <= 10)
                    || (nominal(toks, t.noun, h.first)
                        && gap <= 3
                        && !between
                        && !joined_nouns
                        && !toks[p.last..h.first].iter().any(|x| x.is(class::LOCATIVE)))
                    || content
            });
            if governed {
                continue;
            }
            found.push(Found {
                entry: h.entry,
                first: h.first,
                last: h.last,
            });
        }
        // What the sentence's triggers share, looked for only when there
        // are any (most sentences have none).
        let any = !found.is_empty();
        // claimed_by from "according to X".
        let according = any
            .then(|| {
                ms.iter()
                    .find(|p| after_according(toks, p) && is_actor(p.m))
                    .map(|p| owner_id(r, p.m))
            })
            .flatten();
        let location = any
            .then(|| {
                ms.iter()
                    .find(|p| {
                        p.m.entity.kind == "place"
                            && prev_content(toks, p.first)
                                .is_some_and(|k| toks[k].is(class::PREPOSITION))
                    })
                    .map(|p| place_of(p.m))
            })
            .flatten();
        reporting.look_in(r, if any { toks } else { &[] });
        let reporting = &reporting;
        let mut prev_subject: Option<Vec<usize>> = None;
        // Where the trigger that set `prev_subject` starts.
        let mut prev_at = 0usize;
        let mut sentence_subject: Option<Vec<&Mention>> = None;
        // The sentence's timexes, split at it for its first trigger.
        let mut dates = None;
        for (fi, f) in found.iter().enumerate() {
            let t = r.triggers.get(f.entry);
            let cstart = clause_start(toks, f.first);
            let mut date = dates
                .get_or_insert_with(|| crate::SentenceDates::new(doc, start, end))
                .of(r, toks[f.first].start);
            let cend = clause_end(toks, f.first);
            // "arrested and charged X": verbs joined by "and" share their object.
            let mut next = fi + 1;
            while let Some(n) = found.get(next) {
                let gap = &toks[found[next - 1].last..n.first];
                if !gap.is_empty() && gap.iter().all(|x| x.low == "and" || x.low == ",") {
                    next += 1;
                } else {
                    break;
                }
            }
            let limit = found.get(next).map(|n| n.first).unwrap_or(cend).min(cend);
            // The rules that fire, noted in one buffer kept for every trigger.
            let rule = &mut rule_buf;
            rule.clear();
            // Actor.
            let mut actors: Vec<usize> = Vec::new();
            let mut recipients: Vec<usize> = Vec::new();
            let passive = t.suffered
                || is_passive(
                    toks,
                    f.first,
                    // A mutual act ("clashed") is intransitive: never a reduced relative.
                    || !t.mutual && r.reduced_relative_types.contains(t.kind),
                );
            // The word before the trigger, skipping adverbs ("and subsequently expressed").
            let prev_tok = {
                let mut k = f.first;
                let mut w = None;
                while k > 0 {
                    k -= 1;
                    let x = toks[k].low;
                    if (x.ends_with("ly") && x.len() > 4)
                        || matches!(
                            x,
                            "also"
                                | "further"
                                | "then"
                                | "again"
                                | "later"
                                | "once"
                                | "would"
                                | "will"
                                | "could"
                                | "should"
                                | "can"
                                | "may"
                                | "might"
                                | "not"
                                | "n't"
                                | "has"
                                | "have"
                                | "had"
                                | "did"
                                | "does"
                                | "do"
                                | "yet"
                                | "still"
                        )
                    {
                        continue;
                    }
                    w = Some(x);
                    break;
                }
                w
            };
            // The whole list decides: "from France, Russia, and the United States" is a
            // phrase; "the co-chairs of the Group, France and the U.S." an apposition
            // whose head is dropped.
            let subject_list = |i: usize| -> Option<Vec<usize>> {
                let list = list_of(toks, ms, i, true, false);
                let head = list[0];
                let free = !in_pp(toks, &ms[head])
                    || prev_content(toks, ms[head].first)
                        .is_some_and(|k| toks[k].low == "including");
                // "the countries of Transnistria, Abkhazia and South Ossetia": the
                // members of an "of" phrase are the ones meant.
                let of = prev_content(toks, ms[head].first).is_some_and(|k| toks[k].low == "of");
                (free || (of && list.len() >= 2)).then_some(list)
            };
            // Verbs joined by "and" share their subject: "killed one U.S. soldier
            // and wounded two others" — the first verb's object is not the second's
            // subject.
            let shared_subject_before = match (fi.checked_sub(1).map(|k| &found[k]), prev_tok) {
                (Some(g), Some("and")) if g.first >= cstart => g.first,
                _ => f.first,
            };
            // An apposition between the subject and its verb ("Pakistan, a key
            // U.S. ally in the war, has refused") names no subject.
            let apposition = appositive_before(toks, ms, cstart, f.first);
            let left_subject = || -> Option<Vec<usize>> {
                ms.iter()
                    .enumerate()
                    .rev()
                    .filter(|(_, p)| {
                        !apposition.as_ref().is_some_and(|a| a.contains(&p.first))
                            && p.last <= shared_subject_before
                            && p.first >= cstart
                            && is_actor(p.m)
                            && !in_compound(toks, p)
                            && !after_according(toks, p)
                    })
                    .filter(|(_, p)| !in_pp(toks, p))
                    .find_map(|(i, _)| subject_list(i))
            };
            let after = |from: usize, lim: usize, allow_loc: bool| -> Option<usize> {
                ms.iter()
                    .enumerate()
                    .find(|(_, p)| {
                        p.first >= from
                            && p.last <= lim.max(from)
                            && p.first.saturating_sub(from) <= 8
                            && is_actor(p.m)
                            && !(in_compound(toks, p) && ms.iter().any(|q| q.first > p.first && q.first <= p.last + 1 && is_actor(q.m)))
                            && !after_according(toks, p)
                            && !agent_compound(r, toks, p)
                            && (allow_loc
                                || !prev_content(toks, p.first)
                                    .is_some_and(|k| toks[k].is(class::LOCATIVE)))
                            // An object does not lie beyond a comma or a second verb ("…, as did X").
                            && (allow_loc || !toks[from..p.first].iter().any(|x| x.low == "," || x.low == "as" || x.low == "followed"))
                    })
                    // A go-between ends the search: what follows it is no object.
                    .filter(|(_, p)| !mediator_by(r, toks, p))
                    .map(|(i, _)| i)
            };
            let coordinated = matches!(
                prev_tok,
                Some("and" | "," | "also" | "further" | "then" | "again")
            ) && prev_subject.is_some()
                && prev_at >= cstart;
            if t.actor_after {
                if let Some(a) = after(f.last, cend, true) {
                    actors = list_of(toks, ms, a, false, true);
                    rule.push_str("actor-after");
                }
                if let Some(l) = left_subject() {
                    recipients = l;
                } else if let Some(&last) = actors.last() {
                    // "at the request of X, the Security Council held": the main subject receives it.
                    let end = ms[last].last;
                    recipients = ms
                        .iter()
                        .position(|p| p.first > end && p.first <= end + 3 && is_actor(p.m))
                        .into_iter()
                        .collect();
                }
            } else if passive {
                // "came under attack from X": "from" names the agent as well.
                let under = after_under(toks, f.first);
                let by = (f.last..(f.last + 4).min(toks.len()))
                    .find(|&k| toks[k].low == "by" || (under && toks[k].low == "from"));
                if let Some(a) = by.and_then(|k| {
                    ms.iter()
                        .position(|p| p.first > k && p.first <= k + 2 && is_actor(p.m))
                }) {
                    actors = list_of(toks, ms, a, false, true);
                    rule.push_str("passive-by");
                } else if let Some(a) = (t.kind == "ASSAULT")
                    .then(|| combat_opponent(r, toks, ms, f.last, cend))
                    .flatten()
                {
                    actors = list_of(toks, ms, a, false, true);
                    rule.push_str("passive-combat");
                } else if let Some(a) = (f.last..(f.last + 4).min(cend))
                    .find(|&k| toks[k].low == "between")
                    .and_then(|k| {
                        ms.iter()
                            .position(|p| p.first > k && p.first <= k + 2 && is_actor(p.m))
                    })
                {
                    // "an agreement was signed between Armenia and
                    // Azerbaijan": the parties between whom it was done act.
                    actors = list_of(toks, ms, a, false, true);
                    rule.push_str("passive-between");
                } else {
                    rule.push_str("passive");
                }
                if let Some(l) = left_subject() {
                    let forces = l.last().is_some_and(|&m| {
                        (ms[m].first..(ms[m].last + 2).min(toks.len()))
                            .any(|k| toks[k].is(class::FORCE_NOUN))
                    });
                    if actors.is_empty() && forces && matches!(t.kind, "MOBILIZE" | "RETREAT") {
                        // "2,000 Russian soldiers were deployed": the forces' own side acts.
                        actors = l;
                        rule.push_str("-self");
                    } else {
                        recipients = l;
                    }
                }
            } else {
                // "attacks by Azerbaijani forces", "the shelling of Stepanakert by
                // Armenian troops", "a ceasefire brokered by Russia": the agent
                // follows "by" (a passive's is found above; "responded by
                // shelling" names a means, not an actor).
                // The "by" is this trigger's when no verb ("the attacks were
                // condemned by", "attacks reported by") and no other trigger
                // ("investigations into attacks by") stands between them.
                let next_trigger = found.get(fi + 1).map_or(toks.len(), |n| n.first);
                let by_agent = (f.last..(f.last + 4).min(cend).min(next_trigger))
                    .take_while(|&k| {
                        let w = &*toks[k].low;
                        w != ","
                            && !toks[k].is(class::BE)
                            && !w.ends_with("ed")
                            && !toks[k].is(class::IRREGULAR_FORM)
                    })
                    .find(|&k| toks[k].low == "by")
                    // A past form takes "by" only right after it, adverbs aside ("a
                    // ceasefire brokered by Russia", "recognized only by Turkey");
                    // "rejected calls by Belarus" rejects Belarus's calls.
                    .filter(|&k| {
                        !toks[f.last - 1].low.ends_with("ed")
                            || toks[f.last..k].iter().all(|x| {
                                x.low.ends_with("ly") || matches!(x.low, "only" | "also" | "even")
                            })
                    })
                    .and_then(|k| {
                        ms.iter()
                            .position(|p| p.first > k && p.first <= k + 2 && is_actor(p.m))
                    });
                // "an Armenian attack": a demonym between a determiner and a nominal trigger.
                let demonym = ms.iter().position(|p| {
                    let w = &toks[f.first].low;
                    let adj_gap = t.noun
                        && p.last + 1 == f.first
                        && toks[p.last].word
                        && !toks[p.last].is(class::PREPOSITION)
                        && !toks[p.last].is(class::DETERMINER);
                    (p.last == f.first || adj_gap)
                        && is_actor(p.m)
                        && (t.noun
                            || (nominal(toks, false, p.first)
                                && !w.ends_with("ing")
                                && !w.ends_with("ed")))
                });
                if let Some(a) = by_agent {
                    actors = list_of(toks, ms, a, false, true);
                    rule.push_str("noun-by");
                } else if let Some(d) = demonym {
                    actors = vec![d];
                    rule.push_str("demonym");
                } else if let Some(np) = toks[f.first]
                    .low
                    .ends_with("ing")
                    .then(|| ms.iter().position(|p| p.last == f.first && is_actor(p.m)))
                    .flatten()
                {
                    // "the United States calling for": a participle's subject is the phrase before it.
                    actors = list_of(toks, ms, np, true, false);
                    rule.push_str("participle");
                } else if let Some(a) = antecedent(
                    toks,
                    ms,
                    cstart.max(if coordinated { prev_at } else { 0 }),
                    f.first,
                ) {
                    // "Aliyev, who is also the Chairman of NAM, thanked", "the Turks, who
                    // have stepped in and provided": the relative clause's antecedent
                    // (when the clause opened after the previous trigger).
                    actors = list_of(toks, ms, a, true, false);
                    rule.push_str("relative");
                } else if coordinated {
                    actors = prev_subject.clone().unwrap_or_default();
                    rule.push_str("coordination");
                } else if let Some(l) = left_subject() {
                    // A pronoun inside a sentence that already has a subject stands for it
                    // ("Hungary stated that it backed ..., adding it supports ...").
                    let pronoun = l.len() == 1
                        && is_one_of(
                            &ms[l[0]].m.text,
                            &["it", "he", "she", "they", "its", "his", "her", "their"],
                        );
                    match (&prev_subject, pronoun) {
                        (Some(ps), true) if !ps.is_empty() => {
                            actors = ps.clone();
                            rule.push_str("pronoun");
                        }
                        _ => {
                            actors = l;
                            rule.push_str("subject");
                        }
                    }
                } else if let Some(b) = ms.iter().rposition(|p| {
                    p.last <= f.first
                        && p.first >= cstart
                        && is_actor(p.m)
                        && prev_content(toks, p.first).is_some_and(|k| toks[k].low == "by")
                        && !mediator_by(r, toks, p)
                }) {
                    // "a decree by President Aliyev lifted the curfew": the agent in the subject phrase.
                    actors = vec![b];
                    rule.push_str("agent-of");
                }
                if actors.is_empty() {
                    // "Following a closed council meeting, the Security Council issued ...":
                    // a trigger in an opening phrase takes the main clause's subject.
                    if let Some(comma) = (f.last..cend).find(|&k| toks[k].low == ",") {
                        // An opening phrase starts with a preposition or a participle
                        // ("Following", "After", "During"); a clause that starts with
                        // its subject ("A roadside bombing … killed …, the military
                        // said") has no opening phrase, only an attribution.
                        let opener = toks[cstart].low;
                        let opening = !toks[cstart..f.first].iter().any(|x| x.low == ",")
                            && (toks[cstart].is(class::PREPOSITION)
                                || (opener.len() > 5 && opener.ends_with("ing")));
                        if opening {
                            if let Some(a) = ms.iter().position(|p| {
                                p.first > comma
                                    && p.first <= comma + 3
                                    && is_actor(p.m)
                                    && !in_pp(toks, p)
                            }) {
                                actors = list_of(toks, ms, a, false, true);
                                rule.push_str("main-clause");
                            }
                        }
                    }
                }
                // Words matched by a wildcard ("canceled a Novaya Gazeta correspondent's
                // accreditation") may hold the recipient.
                let from = if r.triggers.phrase(f.entry).words.iter().any(|w| w == "*") {
                    f.first + 1
                } else {
                    f.last
                };
                // A subject pronoun is no object: it opens a clause of its own
                // ("launched what it called an operation against X": X is;
                // "declined to say whether she had").
                let subject_pronoun =
                    |i: usize| is_one_of(&ms[i].m.text, &["it", "he", "she", "they", "we"]);
                let object = after(from, limit, false).and_then(|rc| {
                    if subject_pronoun(rc) {
                        after(ms[rc].last, limit, false).filter(|&o| !subject_pronoun(o))
                    } else {
                        Some(rc)
                    }
                });
                if let Some(rc) = object {
                    if !actors.contains(&rc) {
                        recipients = list_of(toks, ms, rc, false, true);
                    }
                }
                if t.speaker_acts {
                    // "Russia said on Tuesday that Sudan must return …": Russia asks it
                    // of Sudan;
                    // the speaker is the subject of a reporting verb before the
                    // trigger, perhaps followed by a name ("British Foreign Secretary
                    // Jack Straw said").
                    let speaker = reporting.verbs(ms, 0, f.first).find_map(|h| {
                        ms.iter()
                            .enumerate()
                            .rev()
                            .find(|(i, p)| {
                                p.last <= h.first
                                    && toks[p.last..h.first].iter().all(|x| x.upper)
                                    && h.first - p.last <= 4
                                    && is_actor(p.m)
                                    && !in_pp(toks, p)
                                    && !actors.contains(i)
                            })
                            .map(|(i, _)| i)
                    });
                    if let Some(sp) = speaker {
                        recipients = std::mem::take(&mut actors);
                        actors = list_of(toks, ms, sp, true, false);
                        rule.clear();
                        rule.push_str("speaker");
                    }
                }
            }
            // A passive's or a noun's agent is no subject that a following
            // verb could share.
            let agent = rule.starts_with("passive") || rule.starts_with("noun-by");
            if !actors.is_empty() && !agent {
                prev_subject = Some(actors.clone());
                prev_at = f.first;
            }
            // Ellipsis: "X called for ..., as did Y", "..., and Z followed by W".
            let mut extra: Vec<usize> = Vec::new();
            // "Russia, along with France and the U.S., called": the companions act too.
            if let Some(w) = (cstart..f.first).find(|&k| {
                matches!(&*toks[k].low, "along" | "together")
                    && toks.get(k + 1).is_some_and(|x| x.low == "with")
            }) {
                for (i, p) in ms.iter().enumerate() {
                    if p.first > w
                        && p.last <= f.first
                        && is_actor(p.m)
                        && !(in_pp(toks, p)
                            && prev_content(toks, p.first).is_some_and(|k| toks[k].low == "of"))
                        && !actors.contains(&i)
                    {
                        extra.push(i);
                    }
                }
            }
            if !actors.is_empty() {
                let stop = found.get(fi + 1).map(|n| n.first).unwrap_or(toks.len());
                for k in f.last..stop {
                    let two = (toks[k].low, toks.get(k + 1).map(|x| x.low).unwrap_or(""));
                    let opens = matches!(
                        two,
                        ("as", "did" | "has" | "have" | "does" | "do" | "had") | ("followed", "by")
                    );
                    if !opens {
                        continue;
                    }
                    if two.0 == "followed" {
                        // The one before "followed by" acted too, if it opens a new conjunct.
                        if let Some(b) = ms
                            .iter()
                            .rposition(|p| p.last == k && is_actor(p.m) && !in_pp(toks, p))
                        {
                            extra.extend(list_of(toks, ms, b, true, false));
                        }
                    }
                    if let Some(a) = ms
                        .iter()
                        .position(|p| p.first >= k + 2 && p.first <= k + 4 && is_actor(p.m))
                    {
                        extra.extend(list_of(toks, ms, a, false, true));
                    }
                }
                if !extra.is_empty() {
                    rule.push_str("+ellipsis");
                }
            }
            // Resolve actor mentions; anaphora when none.
            let mut both_sides = false;
            let mut actor_ms: Vec<&Mention> = actors
                .iter()
                .chain(extra.iter())
                .map(|&i| ms[i].m)
                .collect();
            // A bare noun ("the heaviest fighting", "the clashes") states no act of
            // anyone in particular: it takes no actor from context.
            let bare_noun = nominal(toks, t.noun, f.first);
            if actor_ms.is_empty() && !passive && !bare_noun {
                {
                    // No subject in the clause: the sentence's subject comes before the paragraph's.
                    if let Some(s) = &sentence_subject {
                        actor_ms = s.clone();
                        rule.push_str("coordination");
                    }
                }
                if actor_ms.is_empty() && both_sides_subject(toks, cstart, f.first) {
                    let sides = sides.get_or_insert_with(|| main_sides(mentions));
                    if sides.len() == 2 {
                        actor_ms = sides.clone();
                        both_sides = true;
                        rule.push_str("both-sides");
                    }
                }
                if actor_ms.is_empty()
                    && !memory.is_empty()
                    && !unnamed_subject(r, toks, cstart, f.first)
                {
                    actor_ms = memory.clone();
                    rule.push_str("anaphora");
                }
            } else if !actor_ms.is_empty() && !passive && !agent {
                // The last one named is the topic that "it" continues.
                let topic = if extra.is_empty() {
                    actor_ms.clone()
                } else {
                    vec![ms[extra[extra.len() - 1]].m]
                };
                sentence_subject = Some(topic);
            }
            // "affirmed Russia's good relations with Armenia": the actor's own possessive is not the recipient.
            if let Some(&r0) = recipients.first() {
                let own = actor_ms.iter().any(|a| a.entity.id == ms[r0].m.entity.id);
                if own && toks.get(ms[r0].last).is_some_and(|x| x.low == "'s") {
                    let lim = limit.max(ms[r0].last);
                    recipients = after(ms[r0].last + 1, lim, false)
                        .map(|i| list_of(toks, ms, i, false, true))
                        .unwrap_or_default();
                }
            }
            // "mediated ... talks between X and Y": X and Y receive the mediation.
            let between_list: Vec<usize> = (f.last..cend)
                .find(|&k| toks[k].low == "between")
                .and_then(|k| {
                    ms.iter()
                        .position(|p| p.first > k && p.first <= k + 2 && is_actor(p.m))
                })
                .map(|i| list_of(toks, ms, i, false, true))
                .unwrap_or_default();
            if t.mode == Some("mediate") && recipients.is_empty() && between_list.len() >= 2 {
                recipients = between_list.clone();
                rule.push_str("+between");
            }
            let recipient_ms: Vec<&Mention> = recipients.iter().map(|&i| ms[i].m).collect();
            // Mode: the lexicon's, refined by cues after the trigger.
            let mut mode = t.mode;
            // Whether the cue asks to stop the fighting ("ceasefire", "cessation").
            let mut stop_fighting = false;
            let mut k = f.last;
            let cue_lim = found.get(fi + 1).map(|n| n.first).unwrap_or(cend).min(cend);
            let mut cued = false;
            while k < cue_lim {
                if let Some(h) = r.mode_cues.longest_at(toks, k) {
                    let (ty, m) = r.mode_cues.get(h.entry);
                    if *ty == t.kind {
                        cued = true;
                        mode = Some(*m);
                        stop_fighting = r.mode_cues.phrase(h.entry).words.iter().any(|w| {
                            matches!(
                                w.as_str(),
                                "ceasefire"
                                    | "cease-fire"
                                    | "cessation"
                                    | "truce"
                                    | "halt"
                                    | "cease"
                            )
                        });
                        break;
                    }
                    k = h.last;
                } else {
                    k += 1;
                }
            }
            // "Azerbaijani drones struck": the weapon named as the actor,
            // unless the trigger names one ("drone strike").
            if !cued && mode.is_none() {
                mode = actors
                    .iter()
                    .flat_map(|&a| ms[a].first..ms[a].last)
                    .find_map(|k| {
                        let h = r.mode_cues.longest_at(toks, k)?;
                        let (ty, m) = r.mode_cues.get(h.entry);
                        (*ty == t.kind).then_some(*m)
                    })
                    .or(mode);
            }
            let mut aux = aux_of(toks, cstart, f.first);
            let mut kind = t.kind;
            // GUIDELINES: a violent protest is PROTEST (riot), not an assault.
            if t.crowd_riot && !passive && word_before_in_clause(toks, f.first, &r.crowd_nouns) {
                kind = "PROTEST";
                mode = Some("riot");
                rule.push_str("+crowd->PROTEST");
            }
            // GUIDELINES: a party to the fighting (a key of `[adversaries]` in
            // claims.toml) that calls for a ceasefire agrees to one.
            // (Looked up last: most triggers are no unanswered call to stop.)
            let party = || {
                actor_ms
                    .iter()
                    .any(|m| r.adversaries.contains_key(owner_of(r, m)))
            };
            if kind == "REQUEST" && stop_fighting && recipients.is_empty() && party() {
                kind = "AGREE";
                mode = None;
                rule.push_str("+party->AGREE");
            }
            // A promised or threatened action (PLOVER): "will provide" is AGREE,
            // "will boycott" or "will withdraw ... unless" is THREATEN, "would not
            // provide" is REJECT.
            let near_future = {
                let mut k = f.first;
                let mut hit = false;
                for _ in 0..3 {
                    if k == 0 {
                        break;
                    }
                    k -= 1;
                    let w = toks[k].low;
                    if matches!(w, "will" | "would" | "shall" | "'ll") {
                        hit = true;
                        break;
                    }
                    if !(w == "not" || w == "also" || w == "then" || w.ends_with("ly") || w == "be")
                    {
                        break;
                    }
                }
                hit
            };
            if near_future {
                let negated = aux.iter().any(|a| a == "negation");
                let conditional = toks[f.last..cend.max(f.last)]
                    .iter()
                    .any(|t| t.low == "unless");
                let cooperative = matches!(
                    kind,
                    "AID" | "SUPPORT" | "CONSULT" | "COOPERATE" | "CONCEDE" | "RETREAT"
                );
                let hostile = matches!(kind, "PROTEST" | "ASSAULT" | "COERCE")
                    || (conditional && matches!(kind, "SANCTION" | "MOBILIZE"));
                let new = if cooperative && negated {
                    Some("REJECT")
                } else if (cooperative && conditional) || hostile {
                    Some("THREATEN")
                } else if cooperative {
                    Some("AGREE")
                } else {
                    None
                };
                if let Some(n) = new {
                    rule.push_str("+future->");
                    rule.push_str(n);
                    kind = n;
                    mode = None;
                }
            }
            if let (Some(y), Some(d)) = (doc_year, date.as_ref()) {
                if d.end
                    .get(..4)
                    .and_then(|v| v.parse::<i32>().ok())
                    .is_some_and(|dy| dy + 2 < y)
                    && !aux.iter().any(|a| a == "historical")
                {
                    aux.push("historical".into());
                }
            }
            // claimed_by: "according to X", or the subject of a reporting verb before the trigger.
            let mut claimed_by = according.clone();
            if claimed_by.is_none() {
                for h in reporting.verbs(ms, cstart, f.first) {
                    if let Some(p) = ms.iter().rev().find(|p| {
                        p.last <= h.first && p.first >= cstart && is_actor(p.m) && !in_pp(toks, p)
                    }) {
                        claimed_by = Some(owner_id(r, p.m));
                    }
                }
            }
            if claimed_by.is_none() {
                let verbs = reporting.verbs(ms, f.last, toks.len());
                claimed_by = reporter_of(r, toks, ms, verbs, f.last);
            }
            let mut trigger = text
                .get(toks[f.first].start..toks[f.last - 1].end)
                .unwrap_or("")
                .to_string();
            let mut rule = rule_label(&t.phrase, rule, !recipient_ms.is_empty());
            let mut actor_list: Vec<Option<&Mention>> = if actor_ms.is_empty() {
                vec![None]
            } else {
                dedup(actor_ms).into_iter().map(Some).collect()
            };
            let mut recipient_list: Vec<Option<&Mention>> = if recipient_ms.is_empty() {
                vec![None]
            } else {
                dedup(recipient_ms).into_iter().map(Some).collect()
            };
            // "talks between Armenian and Azerbaijani ministers": each side acts on the other.
            // "Pashinyan and Aliyev met": so do the sides of a meeting with no
            // other party.
            let between = both_sides
                || toks.get(f.last - 1).is_some_and(|t| t.low == "between")
                || toks.get(f.last).is_some_and(|t| t.low == "between")
                || ((t.mutual || (kind == "CONSULT" && mode == Some("meet")))
                    && recipient_list.iter().all(Option::is_none)
                    && actor_list.iter().flatten().count() >= 2);
            pairs.clear();
            if between && actor_list.len() + recipient_list.len() >= 2 {
                let recips: Vec<&Mention> = recipient_list.iter().flatten().copied().collect();
                let sides: Vec<&Mention> = if recips.len() >= 2 {
                    recips
                } else {
                    actor_list
                        .iter()
                        .chain(recipient_list.iter())
                        .flatten()
                        .copied()
                        .collect()
                };
                let sides = dedup(sides);
                if sides.len() >= 2 {
                    for a in &sides {
                        for b in &sides {
                            if a.entity.id != b.entity.id {
                                pairs.push((Some(*a), Some(*b)));
                            }
                        }
                    }
                    actor_list.clear();
                    recipient_list.clear();
                }
            }
            for a in &actor_list {
                for rc in &recipient_list {
                    pairs.push((*a, *rc));
                }
            }
            let several_recipients = recipient_list.len() > 1;
            // "captured Hadrut", "shelled Stepanakert": where no phrase says
            // where, a place the trigger takes as its object is the place. A
            // capital read as its state is one only when attacked: "accused
            // Baku" is no accusation made in Baku.
            let location = match &location {
                Some(l) => Some(l.clone()),
                None => {
                    let recognised: &[Mention] = if kind == "ASSAULT" { doc.mentions } else { &[] };
                    object_place(toks, ms, recognised, f.last)
                }
            };
            // The last pair takes the trigger's values; those before it, copies.
            let last = pairs.len().saturating_sub(1);
            {
                for (pi, (a, rc)) in pairs.iter().copied().enumerate() {
                    let (aid, rid) = (
                        a.map_or("", |m| m.entity.id.as_str()),
                        rc.map_or("", |m| m.entity.id.as_str()),
                    );
                    if a.is_none() && !unattributed {
                        continue;
                    }
                    let own_side =
                        rc.is_some_and(|m| Some(&m.entity.id) == a.map(|a| &a.entity.id));
                    if own_side && several_recipients {
                        continue;
                    }
                    let mut recipient = rc.map(|m| community_actor(r, toks, ms, m, kind));
                    let mut rid = rid;
                    // A state does not speak to or deal with itself as a
                    // whole: "the Pentagon denied that American advisers were
                    // present" has no recipient. One of its bodies or its
                    // people may receive ("the Prime Minister dismissed the
                    // army's chief", "an Armenian activist was fined by the
                    // police"), and force it may use on its own ("security
                    // forces arrested two Azerbaijani privates").
                    if own_side
                        && !matches!(kind, "ASSAULT" | "COERCE")
                        && rc.is_some_and(|m| m.entity.kind == "state")
                        && recipient
                            .as_ref()
                            .is_some_and(|x| x.id == aid && x.sector.is_none())
                    {
                        recipient = None;
                        rid = "";
                    }
                    if !seen.first_time(start, f.first, kind, aid, rid) {
                        continue;
                    }
                    let claimed = claimed_by
                        .clone()
                        .filter(|c| a.map(|m| owner_of(r, m)) != Some(c.as_str()));
                    let is_last = pi == last;
                    out.push(Event {
                        start,
                        end,
                        kind,
                        mode: take_last(&mut mode, is_last),
                        actor: a.map(|m| actor_of(r, m)),
                        recipient,
                        date: take_last(&mut date, is_last),
                        location: location.clone(),
                        aux: take_last(&mut aux, is_last),
                        claimed_by: claimed,
                        trigger: take_last(&mut trigger, is_last),
                        rule: take_last(&mut rule, is_last),
                    });
                }
            }
        }
        // The sentence's events: those pushed since it began, when
        // sentences come in order; else those that share its start.
        let first = if seen.ordered() {
            sentence_first
        } else {
            out.iter()
                .position(|e| e.start == start)
                .unwrap_or(out.len())
        };
        merge_agentless(&mut out, first);
        if let Some(s) = sentence_subject {
            memory = s;
        } else if let Some(p) = ms
            .iter()
            .find(|p| is_actor(p.m) && !in_pp(toks, p) && !after_according(toks, p))
        {
            // No event: the sentence's first subject-like mention still sets the topic.
            memory.clear();
            memory.push(p.m);
        }
    }
    out
}

/// The events a document has coded, told apart by (sentence start, trigger,
/// type, actor id, recipient id).
enum Seen<'a> {
    /// The sentences start in order, as a segmenter gives them: two events
    /// are the same only if they share a trigger, so the events of the
    /// trigger at hand are all there is to compare with (few, no hashing).
    Ordered {
        at: (usize, usize),
        events: Vec<(&'a str, &'a str, &'a str)>,
    },
    /// Sentences out of order: every event of the document.
    Any(FxHashSet<(usize, usize, &'a str, &'a str, &'a str)>),
}

impl<'a> Seen<'a> {
    fn new(doc: &DocInput) -> Seen<'a> {
        // Triggers of one sentence start at distinct tokens, so a
        // (start, trigger) pair comes back only with a sentence that starts
        // where an earlier one did.
        let len = doc.text.len();
        let mut starts = doc
            .sentences
            .iter()
            .map(|s| (s.start.min(len), s.end.min(len)))
            .filter(|(start, end)| start < end)
            .map(|(start, _)| start);
        let mut prev = starts.next();
        let ordered = starts.all(|s| {
            let up = prev.is_some_and(|p| p < s);
            prev = Some(s);
            up
        });
        if ordered {
            Seen::Ordered {
                at: (usize::MAX, usize::MAX),
                events: Vec::new(),
            }
        } else {
            Seen::Any(FxHashSet::default())
        }
    }

    /// Whether the sentences come in order (each starts after the last).
    fn ordered(&self) -> bool {
        matches!(self, Seen::Ordered { .. })
    }

    /// Whether the event is new (and notes it).
    fn first_time(
        &mut self,
        start: usize,
        trigger: usize,
        kind: &'a str,
        actor: &'a str,
        recipient: &'a str,
    ) -> bool {
        match self {
            Seen::Ordered { at, events } => {
                if *at != (start, trigger) {
                    *at = (start, trigger);
                    events.clear();
                }
                let e = (kind, actor, recipient);
                let new = !events.contains(&e);
                if new {
                    events.push(e);
                }
                new
            }
            Seen::Any(set) => set.insert((start, trigger, kind, actor, recipient)),
        }
    }
}

/// "three servicemen were killed … in an Armenian attack": an agentless
/// passive and a nominal trigger of the same type with a demonym actor in one
/// sentence are one event, the actor from the noun, the recipient from the
/// passive.
/// The sentence's events are `out[first..]`.
fn merge_agentless(out: &mut Vec<Event>, first: usize) {
    let mut drop = Vec::new();
    for i in first..out.len() {
        if out[i].actor.is_some() || !out[i].rule.contains("passive") || out[i].recipient.is_none()
        {
            continue;
        }
        if let Some(j) = (i + 1..out.len()).find(|&j| {
            out[j].kind == out[i].kind
                && out[j].actor.is_some()
                && out[j].recipient.is_none()
                && out[j].rule.contains("demonym")
        }) {
            out[j].recipient = out[i].recipient.clone();
            out[j].rule.push_str("+patient");
            drop.push(i);
        }
    }
    for i in drop.into_iter().rev() {
        out.remove(i);
    }
}

/// The source of a sentence-final attribution: "…, the Armenian Defence
/// Ministry said." (a comma, an actor, a reporting verb) after token `from`.
pub(crate) fn trailing_reporter(
    r: &Rules,
    toks: &[Tok],
    ms: &[Placed],
    from: usize,
) -> Option<KbStr> {
    let verbs = reporting_verbs(r, toks, ms, from, toks.len());
    reporter_of(r, toks, ms, verbs, from)
}

/// [`trailing_reporter`], given the reporting verbs after token `from`.
fn reporter_of(
    r: &Rules,
    toks: &[Tok],
    ms: &[Placed],
    verbs: impl IntoIterator<Item = crate::lexicon::Hit>,
    from: usize,
) -> Option<KbStr> {
    // The reporter opens its own phrase: after a comma or a quote, or a few
    // plain words after a comma (", an aide to the Azerbaijani president
    // said").
    let opens = |p: &Placed| -> bool {
        let Some(k) = prev_content(toks, p.first) else {
            return false;
        };
        if toks[k].low == "," || toks[k].low == "\"" {
            return true;
        }
        (p.first.saturating_sub(5)..p.first)
            .rev()
            .find(|&j| toks[j].low == ",")
            .is_some_and(|c| is_role_phrase(toks, c + 1, p.first))
    };
    verbs.into_iter().find_map(|h| {
        let next_to_verb = ms
            .iter()
            .rfind(|p| p.last == h.first && p.first >= from && is_actor(p.m));
        // "…, Hikmet Hajiyev, an aide to President Ilham Aliyev, said": the
        // name before an apposition that ends at the verb.
        let before_apposition = || {
            let close = h.first.checked_sub(1).filter(|&c| toks[c].low == ",")?;
            ms.iter().find(|p| {
                p.first >= from
                    && p.last < close
                    && close - p.last <= 12
                    && toks[p.last].low == ","
                    && is_actor(p.m)
                    && is_role_phrase(toks, p.last + 1, close)
            })
        };
        let p = next_to_verb.or_else(before_apposition)?;
        opens(p).then(|| owner_id(r, p.m))
    })
}

/// Whether `toks[from..to]` is a role phrase such as "an aide to", "the
/// spokesman of the": a determiner, then words (no comma, clause break or
/// "and") with "of", "to" or "for" among them.
fn is_role_phrase(toks: &[Tok], from: usize, to: usize) -> bool {
    let words = &toks[from.min(to)..to];
    words.first().is_some_and(|t| t.is(class::DETERMINER))
        && words.iter().any(|t| matches!(t.low, "of" | "to" | "for"))
        && words
            .iter()
            .all(|t| t.word && !t.is(class::CLAUSE_BREAK) && t.low != "and")
}

/// The tokens of an apposition that ends right before the trigger at
/// `first`: in "Pakistan, a key U.S. ally in the war, has refused", the
/// words between the commas after the subject "Pakistan" (an actor mention
/// followed by a comma and a determiner; the second comma followed only by
/// auxiliaries and adverbs before the trigger).
fn appositive_before(
    toks: &[Tok],
    ms: &[Placed],
    cstart: usize,
    first: usize,
) -> Option<std::ops::Range<usize>> {
    let close = (cstart..first).rev().find(|&k| toks[k].low == ",")?;
    let only_aux = toks[close + 1..first].iter().all(|x| {
        x.is(class::BE)
            || x.is(class::NEGATION)
            || (x.low.ends_with("ly") && x.low.len() > 4)
            || matches!(
                x.low,
                "has" | "have" | "had" | "also" | "will" | "would" | "did"
            )
    });
    if !only_aux {
        return None;
    }
    let open = (cstart..close).rev().find(|&k| toks[k].low == ",")?;
    let subject = ms
        .iter()
        .any(|p| p.last == open && p.first >= cstart && is_actor(p.m));
    (subject && toks.get(open + 1).is_some_and(|x| x.is(class::DETERMINER)))
        .then_some(open + 1..close)
}

/// The antecedent of a relative clause that holds or precedes the trigger:
/// in "Aliyev, who is also the Chairman of NAM, thanked", the actor mention
/// right before ", who".
fn antecedent(toks: &[Tok], ms: &[Placed], cstart: usize, first: usize) -> Option<usize> {
    let w = (cstart..first)
        .rev()
        .find(|&k| matches!(&*toks[k].low, "who" | "which"))?;
    if w == 0 || toks[w - 1].low != "," {
        return None;
    }
    let a = ms.iter().rposition(|p| p.last == w - 1 && is_actor(p.m))?;
    (!in_pp(toks, &ms[a])).then_some(a)
}

/// The mention fought against in "in a firefight with X", "during clashes
/// with X", "in an exchange of fire with X" after a passive or suffered act
/// (from `from` to the clause's end `cend`): who did it to the subject.
/// The fight must follow within six words, and its "with" within three
/// words of the fight noun; X within two words of "with".
fn combat_opponent(
    r: &Rules,
    toks: &[Tok],
    ms: &[Placed],
    from: usize,
    cend: usize,
) -> Option<usize> {
    let end = cend.min(toks.len());
    let fight = (from..(from + 6).min(end)).find(|&k| r.combat_nouns.contains(&*toks[k].low))?;
    let with = (fight + 1..(fight + 4).min(end)).find(|&k| toks[k].low == "with")?;
    ms.iter()
        .position(|p| p.first > with && p.first <= with + 2 && p.last < end && is_actor(p.m))
}

/// The recipient record: a state demonym before a people noun ("Armenian
/// servicemen", "one Armenian activist") stands for the community, with the
/// state as its country.
///
/// Soldiers attacked or detained are their state's forces, not its people:
/// "shelled Armenian positions, wounding two Armenian soldiers" is against
/// `ARM` (the mention's sector is `MIL`); a law for "the Armenian
/// servicemen" still benefits the community.
fn community_actor(r: &Rules, toks: &[Tok], ms: &[Placed], m: &Mention, kind: &str) -> Actor {
    let mut a = actor_of(r, m);
    let Some(p) = ms.iter().find(|p| std::ptr::eq(p.m, m)) else {
        return a;
    };
    if m.entity.kind == "community" || m.entity.kind == "place" {
        return a;
    }
    if matches!(kind, "ASSAULT" | "COERCE") && m.entity.sector.as_deref() == Some("MIL") {
        return a;
    }
    // People named inside the mention ("Armenian servicemen") or right after it,
    // with at most one word between ("Armenian military official").
    let people = (p.first..(p.last + 2).min(toks.len()))
        .take_while(|&k| k < p.last || !toks[k].is(class::PREPOSITION))
        .any(|k| toks[k].is(class::PEOPLE_NOUN));
    let state = owner_of(r, m);
    if people {
        if let Some(c) = r.community_of.get(state) {
            a.country = Some(state.to_owned().into());
            a.id = c.clone().into();
            a.sector = Some("CVL".into());
        }
    }
    a
}

/// Whether the trigger at `first` is used as a noun: marked so in the
/// lexicon, or preceded by a determiner within two words ("the joint demands",
/// "an Armenian attack").
fn nominal(toks: &[Tok], noun: bool, first: usize) -> bool {
    noun || (first.saturating_sub(2)..first)
        .any(|k| toks[k].is(class::DETERMINER) || toks[k].low == "'s")
}

/// The [`Event::rule`] of a trigger: its phrase, the rules that found its
/// actor (`no-actor` if none did), and `+recipient` when it has one. Built
/// by pushes into one allocation of the final size (`concat` of the pieces
/// costs twice as much, and runs once an event).
fn rule_label(phrase: &str, rules: &str, recipient: bool) -> String {
    let rules = if rules.is_empty() { "no-actor" } else { rules };
    let tail = if recipient { "+recipient" } else { "" };
    let mut out = String::with_capacity(phrase.len() + 1 + rules.len() + tail.len());
    out.push_str(phrase);
    out.push(':');
    out.push_str(rules);
    out.push_str(tail);
    out
}

/// `v` itself for its last use (`last`), else a copy of it: the last event
/// of a trigger takes the trigger's values, the ones before it copies.
fn take_last<T: Clone + Default>(v: &mut T, last: bool) -> T {
    if last {
        std::mem::take(v)
    } else {
        v.clone()
    }
}

/// Whether `text`, lower-cased, is one of `words` (lower-case ASCII words
/// without a `k`: no other character lower-cases into their letters, so
/// ignoring ASCII case is the same test, and no copy is made).
fn is_one_of(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.eq_ignore_ascii_case(w))
}

/// Mentions with distinct ids, in order.
fn dedup(mut v: Vec<&Mention>) -> Vec<&Mention> {
    // Lists are short: a scan of the ones kept beats a hash set.
    let mut kept = 0;
    for i in 0..v.len() {
        let m = v[i];
        if !v[..kept].iter().any(|k| k.entity.id == m.entity.id) {
            v[kept] = m;
            kept += 1;
        }
    }
    v.truncate(kept);
    v
}

#[cfg(test)]
mod seen_tests {
    use super::Seen;
    use casus_segment::{Sentence, SentenceKind};

    fn doc_seen(spans: &[(usize, usize)]) -> Seen<'static> {
        let sentences: Vec<Sentence> = spans
            .iter()
            .map(|&(start, end)| Sentence {
                start,
                end,
                kind: SentenceKind::Text,
            })
            .collect();
        Seen::new(&crate::DocInput {
            name: "t",
            text: "0123456789 0123456789",
            sentences: &sentences,
            mentions: &[],
            timexes: &[],
            doc_date: None,
        })
    }

    #[test]
    fn an_event_counts_once_in_order_or_not() {
        let ordered = doc_seen(&[(0, 5), (6, 9), (9, 9), (10, 20)]);
        assert!(matches!(ordered, Seen::Ordered { .. }));
        let unordered = doc_seen(&[(10, 20), (0, 5)]);
        assert!(matches!(unordered, Seen::Any(_)));
        for mut seen in [ordered, unordered] {
            assert!(seen.first_time(0, 1, "AID", "ARM", ""));
            assert!(!seen.first_time(0, 1, "AID", "ARM", ""));
            assert!(seen.first_time(0, 1, "AID", "ARM", "AZE"));
            assert!(!seen.first_time(0, 1, "AID", "ARM", ""));
            assert!(seen.first_time(0, 2, "AID", "ARM", ""));
            assert!(seen.first_time(10, 2, "AID", "ARM", ""));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::timex;

    fn code(
        text: &str,
        timexes: Vec<casus_time::Timex>,
    ) -> Vec<(String, Option<String>, String, Option<String>)> {
        coded(text, &timexes, None)
            .into_iter()
            .map(|e| {
                (
                    e.kind.to_string(),
                    e.mode.map(String::from),
                    e.actor.map(|a| a.id.into()).unwrap_or_default(),
                    e.recipient.map(|a| a.id.into()),
                )
            })
            .collect()
    }

    /// The events the embedded coder finds in `text` (one sentence per
    /// line, split after ". "), with the given dates.
    fn coded(text: &str, timexes: &[casus_time::Timex], doc_date: Option<&str>) -> Vec<Event> {
        crate::testutil::extract(text, timexes, doc_date).events
    }

    fn has(
        v: &[(String, Option<String>, String, Option<String>)],
        kind: &str,
        actor: &str,
        rec: Option<&str>,
    ) -> bool {
        v.iter()
            .any(|e| e.0 == kind && e.2 == actor && e.3.as_deref() == rec)
    }

    #[test]
    fn subject_verb_object() {
        let v = code("Turkey blamed Armenia for violating the ceasefire.", vec![]);
        assert!(has(&v, "ACCUSE", "TUR", Some("ARM")), "{v:?}");
        assert_eq!(v[0].1.as_deref(), Some("allege"));
    }

    #[test]
    fn request_modes_from_cues() {
        let v = code("The Minsk Group called for an immediate ceasefire.", vec![]);
        assert_eq!(
            v,
            [(
                "REQUEST".to_string(),
                Some("yield".to_string()),
                "OSCE_MG".to_string(),
                None
            )]
        );
        let v = code("NATO urged both sides to resume talks.", vec![]);
        assert_eq!(v[0].1.as_deref(), Some("meet"));
    }

    #[test]
    fn compound_subjects_give_one_event_each() {
        let v = code(
            "Russia, the United States, and France called for a ceasefire.",
            vec![],
        );
        for id in ["RUS", "USA", "FRA"] {
            assert!(has(&v, "REQUEST", id, None), "{id} {v:?}");
        }
    }

    #[test]
    fn recipient_lists_give_one_event_each() {
        let v = code(
            "Lavrov called on Armenia and Azerbaijan to respect the truce.",
            vec![],
        );
        assert!(
            has(&v, "REQUEST", "RUS", Some("ARM")) && has(&v, "REQUEST", "RUS", Some("AZE")),
            "{v:?}"
        );
    }

    #[test]
    fn prepositional_mentions_are_not_subjects() {
        let v = code(
            "In Azerbaijan, the European Union expressed deep concern.",
            vec![],
        );
        assert!(has(&v, "ACCUSE", "EU", None), "{v:?}");
        assert!(!v.iter().any(|e| e.2 == "AZE"));
    }

    #[test]
    fn passive_with_agent() {
        let v = code("Armenia was condemned by Turkey.", vec![]);
        assert!(has(&v, "ACCUSE", "TUR", Some("ARM")), "{v:?}");
    }

    #[test]
    fn actor_after_request_of() {
        let v = code(
            "At the request of Russia, the United Nations Security Council met.",
            vec![],
        );
        assert!(v.iter().any(|e| e.0 == "REQUEST" && e.2 == "RUS"), "{v:?}");
        assert!(
            has(&v, "CONSULT", "UNSC", None) || v.iter().any(|e| e.0 == "CONSULT" && e.2 == "UNSC"),
            "{v:?}"
        );
    }

    #[test]
    fn anaphora_takes_the_last_subject() {
        let v = code("NATO met on Monday. It condemned the use of force.", vec![]);
        assert!(has(&v, "ACCUSE", "NATO", None), "{v:?}");
    }

    #[test]
    fn coordination_shares_the_subject() {
        let v = code(
            "Turkey voiced support for Azerbaijan, condemning Armenia.",
            vec![],
        );
        assert!(has(&v, "SUPPORT", "TUR", Some("AZE")), "{v:?}");
        assert!(has(&v, "ACCUSE", "TUR", Some("ARM")), "{v:?}");
    }

    #[test]
    fn complements_are_not_events() {
        let v = code("NATO urged Turkey to cooperate with the OSCE.", vec![]);
        assert_eq!(v.len(), 1, "{v:?}");
        let v = code("Israel threatened to ban voting.", vec![]);
        assert_eq!(
            v.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
            ["THREATEN"]
        );
    }

    #[test]
    fn nominal_trigger_with_demonym() {
        let v = code("Two were wounded in an Armenian attack.", vec![]);
        assert!(has(&v, "ASSAULT", "ARM", None), "{v:?}");
    }

    #[test]
    fn sanctions_and_coercion() {
        let v = code("Armenia has recalled its ambassador to Israel.", vec![]);
        assert!(has(&v, "SANCTION", "ARM", Some("ISR")), "{v:?}");
        let v = code("The Armenian National Security Service stated that it had arrested several foreign citizens.", vec![]);
        assert!(has(&v, "COERCE", "ARM", None), "{v:?}");
    }

    #[test]
    fn dates_from_the_sentence_or_the_narrative() {
        let text = "On 2 October 2020, NATO met. It condemned the fighting.";
        let tx = vec![timex(text, "2 October 2020", "2020-10-02")];
        let ev = coded(text, &tx, None);
        assert!(
            ev.iter()
                .all(|e| e.date.as_ref().map(|d| d.value.as_str()) == Some("2020-10-02")),
            "{ev:?}"
        );
    }

    /// Lines of other sentences, for tests that reuse what one sentence left.
    const TEXTS: &str = "russia said that armenia stated it, france reported.";

    #[test]
    fn rule_labels_are_their_pieces_joined() {
        for (phrase, rules, recipient) in [
            ("condemn", "subject", true),
            ("condemn", "", false),
            ("call for", "passive-by+between", true),
            ("", "", true),
        ] {
            let want = [
                phrase,
                ":",
                if rules.is_empty() { "no-actor" } else { rules },
                if recipient { "+recipient" } else { "" },
            ]
            .concat();
            assert_eq!(rule_label(phrase, rules, recipient), want);
        }
    }

    #[test]
    fn sentence_mentions_are_each_sentence_placed_alone() {
        let r = Rules::embedded();
        let text = "Russia urged Armenia and Azerbaijan to talks.\n\
                    NATO met.\n\
                    No one here. The United States, France and Russia agreed. Azerbaijani-backed forces left";
        let sentences = crate::testutil::sentences(text);
        let mentions = crate::testutil::mentions(text);
        let refs: Vec<&Mention> = mentions.iter().collect();
        let doc = DocInput {
            mentions: &mentions,
            ..crate::testutil::bare_doc(text, &sentences)
        };
        let lowered = text.to_ascii_lowercase();
        let mut spill = crate::text::Spill::new();
        let toks = crate::sentence_tokens(&r, &doc, &lowered, &mut spill);
        let placed = SentenceMentions::new(&doc, &refs, &toks);
        assert!(sentences.len() >= 4);
        for (si, s) in sentences.iter().enumerate() {
            let alone = place_mentions(&refs, &toks[si], s.start, s.end);
            let shared = placed.of(si);
            assert_eq!(alone.len(), shared.len(), "sentence {si}");
            for (a, b) in alone.iter().zip(shared) {
                assert!(std::ptr::eq(a.m, b.m) && (a.first, a.last) == (b.first, b.last));
            }
        }
    }

    #[test]
    fn reporting_verbs_found_once_read_as_found_by_range() {
        let r = Rules::embedded();
        for text in [
            "The United States said Azerbaijan shelled Armenia, Russia reported, and France stated it.",
            "Russia said that it says and states what the United States said, Armenia added.",
            "No verbs here at all.",
        ] {
            let lowered = text.to_ascii_lowercase();
            let mut spill = crate::text::Spill::new();
            let toks = crate::text::tokenize(text, &lowered, &mut spill, 0, text.len());
            let mentions = crate::testutil::mentions(text);
            let refs: Vec<&Mention> = mentions.iter().collect();
            let ms = place_mentions(&refs, &toks, 0, text.len());
            // Kept from another sentence, as the coder keeps it.
            let mut other = crate::text::Spill::new();
            let mut reporting = Reporting::new(&r, &[]);
            reporting.look_in(&r, &crate::text::tokenize(TEXTS, TEXTS, &mut other, 0, 40));
            reporting.look_in(&r, &toks);
            for from in 0..=toks.len() {
                for to in from..=toks.len() + 1 {
                    assert_eq!(
                        reporting.verbs(&ms, from, to).collect::<Vec<_>>(),
                        reporting_verbs(&r, &toks, &ms, from, to),
                        "{text} {from}..{to}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_name_is_not_a_reporting_verb() {
        // "States" in "the United States" is not "states": France does not
        // report what the others urge.
        for text in [
            "France, the United States and Russia urged Armenia to halt hostilities.",
            "France and the United States condemned Azerbaijan.",
        ] {
            let ev = coded(text, &[], None);
            assert!(
                ev.iter()
                    .any(|e| e.actor.as_ref().is_some_and(|a| a.id == "USA")),
                "{text}: {ev:?}"
            );
            assert!(ev.iter().all(|e| e.claimed_by.is_none()), "{text}: {ev:?}");
        }
        // A real reporting verb still names its reporter.
        let ev = coded(
            "The United States said Azerbaijan shelled Armenia.",
            &[],
            None,
        );
        let e = ev.iter().find(|e| e.kind == "ASSAULT").expect("assault");
        assert_eq!(e.claimed_by.as_deref(), Some("USA"), "{ev:?}");
    }

    #[test]
    fn aux_negation_and_according_to() {
        let text =
            "According to the Azerbaijani Defense Ministry, Armenia did not withdraw from Hadrut.";
        let ev = coded(text, &[], None);
        let e = ev.iter().find(|e| e.kind == "RETREAT").expect("retreat");
        assert_eq!(e.actor.as_ref().map(|a| a.id.as_str()), Some("ARM"));
        assert!(e.aux.contains(&"negation".to_string()));
        assert_eq!(e.claimed_by.as_deref(), Some("AZE"));
        assert_eq!(e.location.as_ref().map(|p| p.id.as_str()), Some("hadrut"));
    }

    #[test]
    fn no_panic_on_odd_input() {
        for t in ["", "\n\n", "called for", "é,;:", "by by by", "Armenia"] {
            let _ = code(t, vec![]);
        }
    }

    #[test]
    fn future_actions_are_promises_or_threats() {
        let v = code("France will provide aid to Armenia.", vec![]);
        assert!(has(&v, "AGREE", "FRA", Some("ARM")), "{v:?}");
        let v = code("Israel would boycott the talks unless Turkey left.", vec![]);
        assert_eq!(v[0].0, "THREATEN", "{v:?}");
        let v = code("Canada would not provide weapons.", vec![]);
        assert_eq!(v[0].0, "REJECT", "{v:?}");
    }

    #[test]
    fn participle_subject_is_the_phrase_before() {
        let v = code("Turkey dismissed the demands from France, Russia, and the United States calling for a ceasefire.", vec![]);
        assert!(has(&v, "REJECT", "TUR", Some("FRA")), "{v:?}");
        for id in ["FRA", "RUS", "USA"] {
            assert!(has(&v, "REQUEST", id, None), "{id} {v:?}");
        }
    }

    #[test]
    fn talks_between_two_sides() {
        let v = code(
            "Lavrov hosted talks between Armenian and Azerbaijani ministers.",
            vec![],
        );
        assert!(
            has(&v, "CONSULT", "ARM", Some("AZE")) && has(&v, "CONSULT", "AZE", Some("ARM")),
            "{v:?}"
        );
    }

    #[test]
    fn an_opening_date_dates_the_sentence() {
        // Dated expressions that set no narrative date (a week, an
        // approximate offset): the narrative says 2020-10-02, the sentence
        // says otherwise.
        let aside = |text: &str, surface: &str, value: &str| {
            let mut t = timex(text, surface, value);
            t.narrative = None;
            t.date = casus_time::value::date_range(value);
            t
        };
        let dates = |text: &str, doc_date: Option<&str>, timexes: Vec<casus_time::Timex>| {
            coded(text, &timexes, doc_date)
                .into_iter()
                .map(|e| e.date.map(|d| d.value.to_string()))
                .collect::<Vec<_>>()
        };
        let text = "On 2 October Armenia shelled Baku. Last week, NATO urged Armenia to stop. Since 1992, NATO has urged Armenia to talk.";
        let v = dates(
            text,
            None,
            vec![
                timex(text, "2 October", "2020-10-02"),
                aside(text, "Last week", "2020-W39"),
                aside(text, "1992", "1992"),
            ],
        );
        assert_eq!(
            v,
            [
                Some("2020-10-02".to_string()),
                Some("2020-W39".to_string()),
                Some("2020-10-02".to_string())
            ]
        );
        // Nothing dated: the document's date.
        let v = dates("NATO urged Armenia to stop.", Some("2021-05-04"), vec![]);
        assert_eq!(v, [Some("2021-05-04".to_string())]);
    }

    #[test]
    fn sending_troops_is_a_deployment_and_encircling_an_assault() {
        let v = code("Russia sent 2,000 peacekeepers to the region.", vec![]);
        assert!(has(&v, "MOBILIZE", "RUS", None), "{v:?}");
        assert!(!v.iter().any(|e| e.0 == "AID"), "{v:?}");
        let v = code("Russia sent humanitarian aid to Armenia.", vec![]);
        assert!(v.iter().any(|e| e.0 == "AID" && e.2 == "RUS"), "{v:?}");
        let v = code("Azerbaijani forces encircled Armenian positions.", vec![]);
        assert!(v.iter().any(|e| e.0 == "ASSAULT" && e.2 == "AZE"), "{v:?}");
    }

    #[test]
    fn the_agent_after_by_acts() {
        let v = code(
            "Armenia reported overnight attacks by Azerbaijani forces.",
            vec![],
        );
        assert!(
            v.iter().any(|e| e.0 == "ASSAULT" && e.2 == "AZE")
                && !v.iter().any(|e| e.0 == "ASSAULT" && e.2 == "ARM"),
            "{v:?}"
        );
        let v = code("Three ceasefires brokered by Russia failed.", vec![]);
        assert!(v.iter().any(|e| e.2 == "RUS"), "{v:?}");
        // Not another verb's agent.
        let v = code("The attacks were condemned by the European Union.", vec![]);
        assert!(!v.iter().any(|e| e.0 == "ASSAULT" && e.2 == "EU"), "{v:?}");
        // And no subject a following verb shares.
        let v = code(
            "Armenia reported attacks by Azerbaijan and called for talks.",
            vec![],
        );
        assert!(
            v.iter().any(|e| e.0 == "REQUEST" && e.2 == "ARM")
                && !v.iter().any(|e| e.0 == "REQUEST" && e.2 == "AZE"),
            "{v:?}"
        );
    }

    #[test]
    fn a_count_and_a_participle_is_a_passive() {
        // "26 wounded": the soldiers suffer it, the drones' owner does it.
        let v = code(
            "Three Armenian soldiers were killed and 26 wounded in an attack by Azerbaijani drones.",
            vec![],
        );
        assert!(!v.iter().any(|e| e.2 == "ARM"), "{v:?}");
        // Adjectives stay adjectives: "two captured soldiers" is no passive.
        let rules = crate::rules::Rules::embedded();
        let passive = |s: &str, at: usize| {
            let lowered = s.to_ascii_lowercase();
            let mut spill = crate::text::Spill::new();
            let mut t = crate::text::tokenize(s, &lowered, &mut spill, 0, s.len());
            for x in &mut t {
                x.class = rules.class_of(x.low, x.key);
            }
            is_passive(&t, at, || false)
        };
        assert!(passive("and 26 wounded in", 2));
        assert!(passive("and one wounded .", 2));
        assert!(!passive("two captured soldiers", 1));
        assert!(!passive("a negotiated settlement", 1));
    }

    #[test]
    fn capitals_stand_for_their_state() {
        let v = code("Baku accused Armenia of shelling.", vec![]);
        assert!(has(&v, "ACCUSE", "AZE", Some("ARM")), "{v:?}");
        let v = code("NATO met in Baku.", vec![]);
        assert!(
            !v.iter()
                .any(|e| e.3.as_deref() == Some("AZE") || e.2 == "AZE"),
            "{v:?}"
        );
        // The preposition of a phrasal trigger belongs to the verb.
        let v = code("NATO called on Baku to stop the offensive.", vec![]);
        assert!(has(&v, "REQUEST", "NATO", Some("AZE")), "{v:?}");
        let v = code("NATO appealed to Baku and Armenia.", vec![]);
        assert!(has(&v, "REQUEST", "NATO", Some("AZE")), "{v:?}");
        // Not every preposition after a trigger is the verb's.
        let v = code("Armenia withdrew from Baku.", vec![]);
        assert!(
            !v.is_empty() && !v.iter().any(|e| e.3.as_deref() == Some("AZE")),
            "{v:?}"
        );
    }

    #[test]
    fn relative_clauses_are_skipped() {
        let v = code(
            "Lavrov, who is also the envoy of NATO thanked Turkey.",
            vec![],
        );
        assert!(has(&v, "SUPPORT", "RUS", Some("TUR")), "{v:?}");
    }

    #[test]
    fn ellipsis_as_did() {
        let v = code("The European Union called for a ceasefire, as did the OSCE on Monday, and NATO followed by the United Nations Security Council.", vec![]);
        for id in ["EU", "OSCE", "NATO", "UNSC"] {
            assert!(has(&v, "REQUEST", id, None), "{id} {v:?}");
        }
    }

    #[test]
    fn opening_phrase_takes_the_main_subject() {
        let v = code(
            "Following a closed meeting, NATO issued a statement. It condemned the use of force.",
            vec![],
        );
        assert!(has(&v, "CONSULT", "NATO", None), "{v:?}");
        assert!(has(&v, "ACCUSE", "NATO", None), "{v:?}");
    }

    #[test]
    fn a_sentence_final_attribution_is_no_main_clause() {
        // The sayer of "…, the military said" did not bomb: the bombing and the
        // wounding have no actor, and the first verb's object is not the second's
        // subject.
        let v = code(
            "A roadside bombing near Hadrut killed one Armenian soldier and wounded two others, the Azerbaijani Defense Ministry said.",
            vec![],
        );
        assert!(has(&v, "ASSAULT", "", Some("ARMENIANS")), "{v:?}");
        assert!(v.iter().all(|e| e.2.is_empty()), "{v:?}");
    }

    #[test]
    fn reported_must_is_the_speakers_request() {
        let v = code(
            "Russia said on Tuesday that Turkey must return the helicopter.",
            vec![],
        );
        assert!(has(&v, "REQUEST", "RUS", Some("TUR")), "{v:?}");
        // Unreported, the subject is all there is.
        let v = code("Turkey must return the helicopter.", vec![]);
        assert!(has(&v, "REQUEST", "TUR", None), "{v:?}");
    }

    #[test]
    fn an_apposition_names_no_subject() {
        let v = code(
            "Turkey, a key Russian ally in the war against terrorism, has refused to deploy peacekeepers.",
            vec![],
        );
        assert!(has(&v, "REJECT", "TUR", None), "{v:?}");
        assert!(!v.iter().any(|e| e.2 == "RUS"), "{v:?}");
    }

    #[test]
    fn under_attack_from_is_passive() {
        let v = code(
            "Armenian positions came under attack from Azerbaijani forces.",
            vec![],
        );
        assert!(v.iter().any(|e| e.0 == "ASSAULT" && e.2 == "AZE"), "{v:?}");
        let v = code(
            "A French national was put under investigation in Israel.",
            vec![],
        );
        assert!(v.iter().any(|e| e.0 == "ACCUSE" && e.2.is_empty()), "{v:?}");
    }

    #[test]
    fn a_leader_acts_for_the_forces_it_leads() {
        let v = code(
            "Russian-led forces have retaken a village in northern Armenia.",
            vec![],
        );
        assert!(v.iter().any(|e| e.0 == "ASSAULT" && e.2 == "RUS"), "{v:?}");
        // A place after "in northern" is in a prepositional phrase, no subject.
        let v = code(
            "Fighting in northern Armenia killed three civilians.",
            vec![],
        );
        assert!(v.iter().any(|e| e.0 == "ASSAULT"), "{v:?}");
        assert!(!v.iter().any(|e| e.2 == "ARM"), "{v:?}");
    }

    #[test]
    fn arms_sales_asylum_and_talks_with() {
        let v = code("Israel sold weapons to Azerbaijan.", vec![]);
        assert!(has(&v, "AID", "ISR", Some("AZE")), "{v:?}");
        let v = code("Armenians sought refuge in France.", vec![]);
        assert!(
            v.iter().any(|e| e.0 == "REQUEST" && e.2 == "ARMENIANS"),
            "{v:?}"
        );
        let v = code("Russia held its first talks with Turkey on Monday.", vec![]);
        assert!(v.iter().any(|e| e.0 == "CONSULT" && e.2 == "RUS"), "{v:?}");
    }

    #[test]
    fn coordination_skips_adverbs() {
        let v = code("Turkey initially condemned Armenia and subsequently expressed concern regarding Russia.", vec![]);
        assert!(has(&v, "ACCUSE", "TUR", Some("RUS")), "{v:?}");
    }

    #[test]
    fn request_of_list_then_main_subject() {
        let v = code("On Monday, at the request of Russia, the United States, and France, the United Nations Security Council met.", vec![]);
        for id in ["RUS", "USA", "FRA"] {
            assert!(has(&v, "REQUEST", id, Some("UNSC")), "{id} {v:?}");
        }
        assert!(
            !v.iter().any(|e| e.0 == "REQUEST" && e.2 == "UNSC"),
            "{v:?}"
        );
    }

    #[test]
    fn demonym_before_people_is_the_community() {
        let text = "Armenia fined one Armenian activist.";
        let ev = coded(text, &[], None);
        let rc = ev[0].recipient.as_ref().expect("recipient");
        assert_eq!(
            (rc.id.as_str(), rc.country.as_deref()),
            ("ARMENIANS", Some("ARM"))
        );
    }

    #[test]
    fn verbs_joined_by_and_share_the_object() {
        let v = code("Turkey arrested and charged an Armenian activist.", vec![]);
        assert!(
            v.iter()
                .any(|e| e.0 == "COERCE" && e.3.as_deref() == Some("ARMENIANS")),
            "{v:?}"
        );
    }

    #[test]
    fn mediation_between_sides() {
        let v = code(
            "Lavrov mediated a ceasefire after talks between Armenia and Azerbaijan.",
            vec![],
        );
        assert!(
            has(&v, "CONSULT", "RUS", Some("ARM")) && has(&v, "CONSULT", "RUS", Some("AZE")),
            "{v:?}"
        );
    }

    #[test]
    fn compound_modifiers_are_not_actors() {
        let v = code("NATO urged NATO-member Turkey to help.", vec![]);
        assert!(has(&v, "REQUEST", "NATO", Some("TUR")), "{v:?}");
    }

    #[test]
    fn deployed_forces_act_for_their_side() {
        let v = code("Russian soldiers were deployed to Armenia.", vec![]);
        assert!(v.iter().any(|e| e.0 == "MOBILIZE" && e.2 == "RUS"), "{v:?}");
    }

    #[test]
    fn members_of_an_of_phrase_are_subjects() {
        let v = code(
            "The partially recognized countries of Armenia, France and Turkey condemned Russia.",
            vec![],
        );
        for id in ["ARM", "FRA", "TUR"] {
            assert!(has(&v, "ACCUSE", id, Some("RUS")), "{id} {v:?}");
        }
    }

    #[test]
    fn parenthetical_abbreviations_stay_in_lists() {
        let v = code(
            "NATO and the European Union (EU) have refused to criticize Turkey.",
            vec![],
        );
        assert!(
            has(&v, "REJECT", "NATO", Some("TUR")) && has(&v, "REJECT", "EU", Some("TUR")),
            "{v:?}"
        );
    }

    #[test]
    fn untitled_of_phrases_are_not_subjects() {
        let v = code("The territories of Azerbaijan stood by Turkey.", vec![]);
        assert!(!v.iter().any(|e| e.2 == "AZE"), "{v:?}");
    }

    #[test]
    fn that_clauses_of_requests_are_content() {
        let v = code("Russia demanded that Turkey provide information.", vec![]);
        assert_eq!(
            v.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
            ["REQUEST"],
            "{v:?}"
        );
        let v = code("Turkey stated that it backed Azerbaijan.", vec![]);
        assert!(has(&v, "SUPPORT", "TUR", Some("AZE")), "{v:?}");
    }

    #[test]
    fn nouns_after_determiners_are_not_verbs() {
        let v = code("Workers began an open-ended strike.", vec![]);
        assert!(!v.iter().any(|e| e.0 == "ASSAULT"), "{v:?}");
    }

    #[test]
    fn companions_along_with() {
        let v = code(
            "Russia, along with France and the United States, called for a ceasefire.",
            vec![],
        );
        for id in ["RUS", "FRA", "USA"] {
            assert!(has(&v, "REQUEST", id, None), "{id} {v:?}");
        }
    }

    #[test]
    fn agent_in_the_subject_phrase() {
        let v = code("A decree by Turkey lifted the curfew.", vec![]);
        assert!(has(&v, "CONCEDE", "TUR", None), "{v:?}");
    }

    #[test]
    fn bare_nouns_take_no_actor_from_context() {
        let v = code("NATO condemned Armenia. The shelling continued.", vec![]);
        assert!(
            v.iter().any(|e| e.0 == "ASSAULT" && e.2.is_empty()),
            "{v:?}"
        );
    }

    #[test]
    fn coordinated_verb_phrases_with_modals() {
        let v = code(
            "Canada supports Armenia's integrity, would not provide weapons and condemned Turkey.",
            vec![],
        );
        assert!(has(&v, "REJECT", "CAN", None), "{v:?}");
        assert!(has(&v, "ACCUSE", "CAN", Some("TUR")), "{v:?}");
    }

    #[test]
    fn coordination_stops_at_a_clause_break() {
        let v = code(
            "Israel blamed Turkey, while the Russian minister, on a visit to Armenia, said so.",
            vec![],
        );
        assert!(v.iter().any(|e| e.0 == "CONSULT" && e.2 == "RUS"), "{v:?}");
    }

    #[test]
    fn participles_as_adjectives_and_reduced_relatives() {
        let v = code(
            "The unrecognized or partially recognized countries met.",
            vec![],
        );
        assert!(!v.iter().any(|e| e.0 == "SUPPORT"), "{v:?}");
        let v = code(
            "Armenia paid the Armenian servicemen wounded during the clashes.",
            vec![],
        );
        assert!(!v.iter().any(|e| e.0 == "ASSAULT" && e.2 == "ARM"), "{v:?}");
        // Agreeing is done by people, not to them.
        let v = code(
            "Senior Armenian and Azerbaijani officials agreed on Wednesday that their countries should cooperate.",
            vec![],
        );
        assert!(
            has(&v, "AGREE", "ARM", None) && has(&v, "AGREE", "AZE", None),
            "{v:?}"
        );
    }

    #[test]
    fn a_group_of_an_actor_is_that_actor() {
        let v = code(
            "A group of Armenian diplomats held a meeting in Vienna.",
            vec![],
        );
        assert!(has(&v, "CONSULT", "ARM", None), "{v:?}");
        // Other "of" phrases are not the subject.
        let v = code("The shelling of Azerbaijani positions continued.", vec![]);
        assert!(!v.iter().any(|e| e.2 == "AZE"), "{v:?}");
    }

    #[test]
    fn a_member_named_twice_stays_one_list_member() {
        let v = code(
            "Lavrov and his Iranian counterpart expressed concern.",
            vec![],
        );
        assert!(
            has(&v, "ACCUSE", "RUS", None) && has(&v, "ACCUSE", "IRN", None),
            "{v:?}"
        );
    }

    #[test]
    fn of_phrases_after_group_heads_name_the_actor() {
        let v = code("Members of NATO condemned Turkey.", vec![]);
        assert!(has(&v, "ACCUSE", "NATO", Some("TUR")), "{v:?}");
        let v = code("The draft statement of NATO was withdrawn.", vec![]);
        assert!(!v.iter().any(|e| e.2 == "NATO"), "{v:?}");
    }

    #[test]
    fn reported_attack_is_one_event() {
        let text = "According to the Azerbaijani Defense Ministry, three Azerbaijani servicemen were killed in an Armenian attack.";
        let ev = coded(text, &[], None);
        assert_eq!(ev.len(), 1, "{ev:?}");
        let e = &ev[0];
        assert_eq!(e.kind, "ASSAULT");
        assert_eq!(e.actor.as_ref().map(|a| a.id.as_str()), Some("ARM"));
        assert_eq!(
            e.recipient.as_ref().and_then(|a| a.country.as_deref()),
            Some("AZE")
        );
        assert_eq!(e.claimed_by.as_deref(), Some("AZE"));
    }

    #[test]
    fn relative_clause_after_a_coordinated_verb() {
        let v = code("NATO urged restraint and said Turkey, who stepped in and provided weapons to Azerbaijan, must stop.", vec![]);
        assert!(has(&v, "AID", "TUR", Some("AZE")), "{v:?}");
    }

    #[test]
    fn a_party_calling_for_a_ceasefire_agrees() {
        let v = code("Armenia called for a ceasefire.", vec![]);
        assert_eq!(v[0].0, "AGREE", "{v:?}");
        let v = code("France called for a ceasefire.", vec![]);
        assert_eq!(v[0].0, "REQUEST", "{v:?}");
    }

    #[test]
    fn a_crowd_gathering_is_a_protest_and_leaders_gathering_is_not() {
        let v = code(
            "Thousands of protesters gathered outside the parliament.",
            vec![],
        );
        assert!(v.iter().any(|e| e.0 == "PROTEST"), "{v:?}");
        let v = code("World leaders gathered for the summit.", vec![]);
        assert!(!v.iter().any(|e| e.0 == "PROTEST"), "{v:?}");
        let v = code("Azerbaijani protesters took to the streets.", vec![]);
        assert!(
            v.iter().any(|e| e.0 == "PROTEST" && !e.2.is_empty()),
            "{v:?}"
        );
    }

    #[test]
    fn a_capital_after_in_and_a_region_word_is_a_place() {
        for text in [
            "Protesters rallied in central Baku.",
            "Protesters rallied in the Baku suburbs.",
        ] {
            let ev = coded(text, &[], None);
            assert_eq!(ev.len(), 1, "{ev:?}");
            assert_eq!(
                ev[0].location.as_ref().map(|p| p.id.as_str()),
                Some("baku"),
                "{text}"
            );
            assert!(ev[0].actor.is_none(), "{ev:?}");
        }
    }

    #[test]
    fn a_trigger_after_a_name_that_could_start_one_is_found() {
        // "drones struck" is the phrase "drone strike", starting inside the
        // name "Azerbaijani drones": the verb alone is the trigger.
        let v = code("Azerbaijani drones struck the city.", vec![]);
        assert!(has(&v, "ASSAULT", "AZE", None), "{v:?}");
        // The weapon named as the actor gives the mode.
        assert_eq!(v[0].1.as_deref(), Some("drone"), "{v:?}");
    }

    #[test]
    fn the_broker_of_an_agreement_is_not_its_recipient() {
        let v = code(
            "Armenia and Azerbaijan agreed to a Russian-brokered ceasefire.",
            vec![],
        );
        assert!(
            has(&v, "AGREE", "ARM", None) && has(&v, "AGREE", "AZE", None),
            "{v:?}"
        );
        // A backer is still whom a warning is about.
        let v = code(
            "Azerbaijan warned against an Armenian-backed attack.",
            vec![],
        );
        assert!(v.iter().any(|e| e.3.as_deref() == Some("ARM")), "{v:?}");
    }

    #[test]
    fn a_participle_between_trigger_and_by_takes_the_agent() {
        // "held" is irregular: the by-agent holds the positions, it does not shell.
        let v = code(
            "Azerbaijan began shelling positions held by ethnic Armenian forces.",
            vec![],
        );
        assert!(
            v.iter().any(|e| e.0 == "ASSAULT" && e.2 == "AZE")
                && !v.iter().any(|e| e.0 == "ASSAULT" && e.2 == "ARM"),
            "{v:?}"
        );
    }

    #[test]
    fn the_sides_of_a_meeting_meet_each_other_and_may_is_a_month() {
        let v = code(
            "Armenia and Azerbaijan met in Brussels on 14 May 2023.",
            vec![],
        );
        assert!(
            has(&v, "CONSULT", "ARM", Some("AZE")) && has(&v, "CONSULT", "AZE", Some("ARM")),
            "{v:?}"
        );
        let ev = coded(
            "Armenia and Azerbaijan met in Brussels on 14 May 2023.",
            &[],
            None,
        );
        assert!(ev.iter().all(|e| e.aux.is_empty()), "{ev:?}");
        let ev = coded("Azerbaijan may attack Armenia.", &[], None);
        assert!(ev.iter().all(|e| e.aux == ["hypothetical"]), "{ev:?}");
    }

    #[test]
    fn an_ambassador_recalled_from_a_capital_is_about_its_state() {
        let v = code("Russia recalled its ambassador from Baku.", vec![]);
        assert!(has(&v, "SANCTION", "RUS", Some("AZE")), "{v:?}");
    }

    #[test]
    fn a_call_with_a_leader_is_a_consultation() {
        let v = code("France spoke by phone with Russia on Tuesday.", vec![]);
        assert!(has(&v, "CONSULT", "FRA", Some("RUS")), "{v:?}");
        let v = code("Russia spoke out against the sanctions.", vec![]);
        assert!(!v.iter().any(|e| e.0 == "CONSULT"), "{v:?}");
    }

    #[test]
    fn coming_under_heavy_fire_is_suffered() {
        let v = code("Baku came under heavy shelling on Sunday.", vec![]);
        assert!(
            v.iter().any(|e| e.0 == "ASSAULT" && e.2.is_empty()),
            "{v:?}"
        );
        let v = code(
            "Armenian positions came under intense fire from Azerbaijani forces.",
            vec![],
        );
        assert!(has(&v, "ASSAULT", "AZE", Some("ARM")), "{v:?}");
        // A fire is no attack.
        let v = code("A fire broke out in Baku.", vec![]);
        assert!(v.is_empty(), "{v:?}");
    }

    #[test]
    fn launching_an_offensive_is_an_assault() {
        let v = code(
            "Azerbaijan launched a large-scale military offensive.",
            vec![],
        );
        assert!(has(&v, "ASSAULT", "AZE", None), "{v:?}");
        let v = code("Azerbaijan is preparing an offensive.", vec![]);
        assert!(v.is_empty(), "{v:?}");
    }

    #[test]
    fn releasing_a_statement_is_no_release_of_prisoners() {
        let v = code("Azerbaijan released a statement on the attack.", vec![]);
        assert!(!v.iter().any(|e| e.0 == "RETREAT"), "{v:?}");
        let v = code("Azerbaijan released 15 Armenian soldiers.", vec![]);
        assert!(v.iter().any(|e| e.0 == "RETREAT" && e.2 == "AZE"), "{v:?}");
    }

    #[test]
    fn the_office_of_a_leader_acts_for_its_state() {
        let v = code(
            "The office of the Armenian prime minister urged Russia to respond.",
            vec![],
        );
        assert!(has(&v, "REQUEST", "ARM", Some("RUS")), "{v:?}");
    }

    #[test]
    fn words_around_a_trigger_that_make_it_no_event() {
        // A press release is no release of prisoners (`not_after`).
        let v = code(
            "The Armenian foreign ministry said in a press release that the talks had failed.",
            vec![],
        );
        assert!(!v.iter().any(|e| e.0 == "RETREAT"), "{v:?}");
        // A decree is signed alone (`not_before`): no agreement.
        let v = code(
            "President Aliyev signed a decree on the dissolution.",
            vec![],
        );
        assert!(!v.iter().any(|e| e.0 == "SUPPORT"), "{v:?}");
        let v = code("Armenia and Azerbaijan signed a peace treaty.", vec![]);
        assert!(v.iter().any(|e| e.0 == "SUPPORT"), "{v:?}");
        // Sending a signal gives nothing.
        let v = code(
            "Azerbaijan is sending a dangerous signal to Armenia.",
            vec![],
        );
        assert!(!v.iter().any(|e| e.0 == "AID"), "{v:?}");
        // A note of protest is a protest, not aid.
        let v = code(
            "Azerbaijan sent a note of protest to the French Ambassador.",
            vec![],
        );
        assert!(
            v.iter().any(|e| e.0 == "ACCUSE" && e.2 == "AZE") && !v.iter().any(|e| e.0 == "AID"),
            "{v:?}"
        );
    }

    #[test]
    fn travelling_for_talks_is_consulting() {
        let v = code(
            "Armenian and Azerbaijani negotiators arrived in Moscow for talks.",
            vec![],
        );
        assert!(has(&v, "CONSULT", "ARM", Some("AZE")), "{v:?}");
        let v = code("Armenian negotiators went to Vienna for talks.", vec![]);
        assert!(has(&v, "CONSULT", "ARM", None), "{v:?}");
    }

    #[test]
    fn an_amount_is_one_word_of_a_gap() {
        // Announced aid is offered (AGREE); "$50 million" does not break "cut * aid".
        let v = code(
            "The European Union announced 5 million euros in humanitarian aid for the displaced.",
            vec![],
        );
        assert!(has(&v, "AGREE", "EU", None), "{v:?}");
        let v = code("France cut $50 million in aid to Azerbaijan.", vec![]);
        assert!(has(&v, "SANCTION", "FRA", Some("AZE")), "{v:?}");
        // Five words that are no amount are still too many.
        let v = code(
            "The European Union announced that its new and larger humanitarian aid budget was ready.",
            vec![],
        );
        assert!(!v.iter().any(|e| e.0 == "AGREE"), "{v:?}");
    }

    #[test]
    fn a_go_between_named_by_by_is_not_the_recipient() {
        let v = code("Russia agreed to a truce brokered by France.", vec![]);
        assert!(has(&v, "AGREE", "RUS", None), "{v:?}");
        // An author is a party: rejecting what Israel proposed rejects Israel.
        let v = code(
            "Armenia rejected the humanitarian aid proposed by Israel.",
            vec![],
        );
        assert!(has(&v, "REJECT", "ARM", Some("ISR")), "{v:?}");
    }

    #[test]
    fn military_operations_launched_and_counted_participles() {
        // Scare quotes and a subject pronoun in the gap: the pronoun is no object.
        let v = code(
            "Azerbaijan launched what it called \"anti-terrorist operations\" on Tuesday.",
            vec![],
        );
        assert!(has(&v, "ASSAULT", "AZE", None), "{v:?}");
        let v = code(
            "Azerbaijan launched what it called a military operation against Armenian forces.",
            vec![],
        );
        assert!(has(&v, "ASSAULT", "AZE", Some("ARM")), "{v:?}");
        // Not every operation is military.
        let v = code("Russia launched a rescue operation.", vec![]);
        assert!(v.is_empty(), "{v:?}");
        // "23 wounded people" are a count, not a wounding by the subject.
        let v = code(
            "The European Union evacuated 23 wounded people to Armenia.",
            vec![],
        );
        assert!(!v.iter().any(|e| e.0 == "ASSAULT"), "{v:?}");
    }

    #[test]
    fn destroying_equipment_is_an_assault() {
        let v = code(
            "Azerbaijani forces destroyed 12 air defence systems.",
            vec![],
        );
        assert!(has(&v, "ASSAULT", "AZE", None), "{v:?}");
        let v = code("An Azerbaijani tank was destroyed.", vec![]);
        assert!(has(&v, "ASSAULT", "", Some("AZE")), "{v:?}");
        // Not without equipment or positions, nor as an adjective.
        let v = code("Armenia destroyed the peace process.", vec![]);
        assert!(v.is_empty(), "{v:?}");
        let v = code("Oryx only counts destroyed vehicles.", vec![]);
        assert!(v.is_empty(), "{v:?}");
        // "attack helicopters" are a kind of helicopter.
        let v = code("Russia sold attack helicopters to Armenia.", vec![]);
        assert!(!v.iter().any(|e| e.0 == "ASSAULT"), "{v:?}");
    }

    #[test]
    fn reactions_in_the_words_of_statements() {
        let v = code(
            "Turkey said that it stands with Azerbaijan and supports its right to self-defence.",
            vec![],
        );
        assert!(has(&v, "SUPPORT", "TUR", Some("AZE")), "{v:?}");
        let v = code(
            "Turkey refused to establish relations with Armenia in solidarity with Azerbaijan.",
            vec![],
        );
        assert!(has(&v, "SUPPORT", "TUR", Some("AZE")), "{v:?}");
        let v = code(
            "President Erdogan held a phone conversation with Ilham Aliyev.",
            vec![],
        );
        assert!(v.iter().any(|e| e.0 == "CONSULT"), "{v:?}");
        // A capital visited stands for its state.
        let v = code(
            "Lavrov, on a visit to Baku, said that talks would resume.",
            vec![],
        );
        assert!(has(&v, "CONSULT", "RUS", Some("AZE")), "{v:?}");
        // A bare verb joined to a requested one is requested, not done.
        let v = code(
            "France urged Azerbaijan to halt its military action and allow humanitarian access.",
            vec![],
        );
        assert!(
            has(&v, "REQUEST", "FRA", Some("AZE")) && !v.iter().any(|e| e.0 == "CONCEDE"),
            "{v:?}"
        );
        // A finite one is a second act.
        let v = code(
            "Russia called on Armenia to respect the truce and condemned attacks on civilians.",
            vec![],
        );
        assert!(v.iter().any(|e| e.0 == "ACCUSE" && e.2 == "RUS"), "{v:?}");
    }

    #[test]
    fn joined_nominal_triggers_are_two_events() {
        let v = code(
            "Armenia declared martial law and general mobilization.",
            vec![],
        );
        assert!(
            v.iter().any(|e| e.0 == "COERCE" && e.2 == "ARM")
                && v.iter().any(|e| e.0 == "MOBILIZE" && e.2 == "ARM"),
            "{v:?}"
        );
        // The mediator of the talks in an opening phrase does not agree.
        let v = code(
            "Following talks in Moscow mediated by Lavrov, both sides agreed to a ceasefire.",
            vec![],
        );
        assert!(!v.iter().any(|e| e.0 == "AGREE" && e.2 == "RUS"), "{v:?}");
    }

    #[test]
    fn both_sides_are_the_two_states_named_most() {
        let text = "Armenia shelled Azerbaijan. Azerbaijan shelled Armenia. \
                    Both sides accused each other of breaking the truce. \
                    Russia called both sides to respect the ceasefire.";
        let v = code(text, vec![]);
        assert!(
            has(&v, "ACCUSE", "ARM", Some("AZE")) && has(&v, "ACCUSE", "AZE", Some("ARM")),
            "{v:?}"
        );
        assert!(has(&v, "REQUEST", "RUS", None), "{v:?}");
        // With one state named, "both sides" stays unresolved.
        let v = code(
            "Armenia shelled the town. Both sides accused each other.",
            vec![],
        );
        assert!(!v.iter().any(|e| e.0 == "ACCUSE" && e.3.is_some()), "{v:?}");
    }

    #[test]
    fn a_by_phrase_after_a_verbs_object_is_not_its_agent() {
        let v = code("France rejected recent calls by Turkey for talks.", vec![]);
        assert!(has(&v, "REJECT", "FRA", Some("TUR")), "{v:?}");
        // Right after a participle (adverbs aside) it is.
        let v = code(
            "Armenia, a state recognized only by Russia, was named.",
            vec![],
        );
        assert!(has(&v, "SUPPORT", "RUS", None), "{v:?}");
    }

    #[test]
    fn sides_that_clash_act_on_each_other() {
        let v = code(
            "Armenian and Azerbaijani forces clashed on the border.",
            vec![],
        );
        assert!(
            has(&v, "ASSAULT", "ARM", Some("AZE")) && has(&v, "ASSAULT", "AZE", Some("ARM")),
            "{v:?}"
        );
        // With a recipient named, it stays one-sided.
        let v = code("Azerbaijan fought Armenia.", vec![]);
        assert!(!has(&v, "ASSAULT", "ARM", Some("AZE")), "{v:?}");
    }
}
