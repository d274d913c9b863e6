//! The claims extractor: numbers about losses and people.
//!
//! A claim is anchored on a quantity (`parse_quantity`): digits (`2,840`,
//! `2.5 million`), open-ended (`60+`, `more than 100`), ranges
//! (`300,000-500,000`, `300 to 500`), number words (`three`, `an` before a
//! population word) and vague words (`dozens` → 24, `hundreds` → 200). The
//! words after it, up to the next quantity, are its segment; in it the rules
//! look for:
//!
//! * a category cue (`killed`, `injured`, `shot down`…), else a cue right
//!   before the number (`destroyed five tanks`, `the death toll rose to 1,221`);
//! * a population word (`servicemen`, `civilians`, `journalists`), an
//!   equipment item (`T-72`, `Mi-24`), or a community (`Armenians`: civilians);
//! * the subject: a demonym or actor before the category word.
//!
//! Coordinated numbers share what they lack: in "100 Azerbaijani and 65
//! Armenian civilians killed" the first takes category and population from
//! the second (`distributive`, unless a new clause stands between them:
//! "thousands gathered, and police detained 84", or "…; police detained
//! 84"); in "three servicemen were killed and two were
//! wounded" the second takes population and subject from the first (`carry`).
//!
//! The claimant is the actor of a "Per Azerbaijan:" label line for the list
//! items under it, else "according to X" or "X stated/reported (that)".

use casus_segment::SentenceKind;
use casus_time::Timex;

use crate::events::SentenceMentions;
use crate::rules::{class, Rules};
use crate::text::Tok;
use crate::{is_actor, owner_id, Claim, ClaimValue, DocInput, KbStr, Mention};

/// Whether `toks[from..to]`, between two numbers, holds a new clause: a
/// comma and a coordinator ("…, and police detained…") after more words
/// than a list of counted people or things takes ("12 tanks, 5 artillery
/// pieces, and 3 drones").
fn new_clause_between(toks: &[Tok], from: usize, to: usize) -> bool {
    const LIST_ITEM: usize = 6;
    let between = &toks[from.min(to)..to];
    // A semicolon that separates list items ("266 tanks; 222 other
    // vehicles; 13 posts") comes right before the next number; one before a
    // clause ("…; police detained 40 people") comes words before it.
    let clause_after_semicolon = between
        .iter()
        .rposition(|t| t.low == ";")
        .is_some_and(|k| between.len() - k > 3);
    between.len() > LIST_ITEM
        && (clause_after_semicolon
            || between
                .windows(2)
                .any(|w| w[0].low == "," && matches!(w[1].low, "and" | "but" | "while")))
}

/// A quantity found in the tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    pub low: u64,
    pub high: Option<u64>,
    /// The words of the number itself (`2,840`, `60+`, `three`).
    pub raw: String,
}

fn parse_digits(s: &str) -> Option<f64> {
    // Only digits, dots and commas can make a number: skip words without allocating.
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    // Whole numbers, most of them, are summed without a copy; below 2^53
    // every whole number is an exact `f64`, the value `parse` would give.
    if !s.contains('.') {
        let mut digits = 0;
        let mut v = 0u64;
        for b in s.bytes().filter(u8::is_ascii_digit) {
            digits += 1;
            if digits > 15 {
                break;
            }
            v = v * 10 + u64::from(b - b'0');
        }
        if digits <= 15 {
            let v = v as f64;
            return (digits > 0 && v < 1e13).then_some(v);
        }
    }
    let c: String = s.chars().filter(|&c| c != ',').collect();
    if c.is_empty() || !c.chars().all(|ch| ch.is_ascii_digit() || ch == '.') || c.starts_with('.') {
        return None;
    }
    c.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0 && *v < 1e13)
}

/// The number word `t`, possibly hyphenated ("twenty-five").
fn word_number(r: &Rules, t: &Tok) -> Option<u64> {
    let w: &str = t.low;
    // The class says whether the word is in the table without a lookup.
    if t.is(class::NUMBER) {
        return r.numbers.get(w).copied();
    }
    // Most words hold no hyphen: a byte loop over a short word is cheaper
    // than the search `split_once` starts.
    if !w.bytes().any(|b| b == b'-') {
        return None;
    }
    if let Some((p0, p1)) = w.split_once('-').filter(|(_, b)| !b.contains('-')) {
        if let (Some(a), Some(b)) = (r.numbers.get(p0), r.numbers.get(p1)) {
            if *a >= 20 && *b < 10 {
                return Some(a + b);
            }
        }
    }
    None
}

/// A plain number (digits or words, with a multiplier) at token `i`: (value, one past last token).
fn plain_number(r: &Rules, toks: &[Tok], text: &str, i: usize) -> Option<(u64, usize, bool)> {
    let t = toks.get(i)?;
    let (mut v, mut j, digits) = if let Some(f) = parse_digits(t.low) {
        (f, i + 1, true)
    } else if let Some(n) = word_number(r, t) {
        (n as f64, i + 1, false)
    } else {
        return None;
    };
    if let Some(m) = toks
        .get(j)
        .filter(|n| n.is(class::MULTIPLIER))
        .and_then(|n| r.multipliers.get(n.low))
    {
        v *= *m as f64;
        j += 1;
    }
    let _ = text;
    Some((v.round() as u64, j, digits))
}

/// Whether `q` is the whole that the quantity `part` before it is part of:
/// "100,000 of the region's 120,000 residents", "ten out of its 40 tanks".
fn is_whole_of(toks: &[Tok], part: &Quantity, q: &Quantity) -> bool {
    let between = &toks[part.last..q.first];
    let of = match between {
        [o, ..] if o.low == "of" => 1,
        [o, f, ..] if o.low == "out" && f.low == "of" => 2,
        _ => return false,
    };
    between.len() > of
        && between.len() <= of + 4
        && between
            .last()
            .is_some_and(|t| t.is(class::DETERMINER) || t.low == "'s")
}

/// Whether a quantity may start at the token `t`: a cheap test, true for
/// every token [`parse_quantity`] accepts, that turns away most words (no
/// digit, no number word, no hyphen, no vague word) before the sentence's
/// dates are looked at and the number parsers run.
#[inline]
fn may_start_quantity(r: &Rules, t: &Tok) -> bool {
    // A word starts with a letter or a digit, so digits (`2,840`, ranges)
    // start with one; number words are classed; "twenty-five" is marked as
    // joined by a hyphen.
    t.word
        && (t.low.as_bytes().first().is_some_and(u8::is_ascii_digit)
            || t.is(class::NUMBER)
            || t.hyphen
            || r.vague.may_start(t))
}

/// Parses the quantity that starts at token `i`, if any; `toks` carry
/// their word classes (see [`crate::sentence_tokens`]).
pub(crate) fn parse_quantity(r: &Rules, toks: &[Tok], text: &str, i: usize) -> Option<Quantity> {
    let t = toks.get(i)?;
    if !t.word {
        return None;
    }
    // Citation markers "[62]" and numbered names ("Law 10/59") are not quantities.
    if i > 0 && matches!(toks[i - 1].low, "[" | "/" | "#" | "no") {
        return None;
    }
    if toks.get(i + 1).is_some_and(|n| n.low == "/") {
        return None;
    }
    if let Some(h) = r.vague.longest_at(toks, i) {
        let v = *r.vague.get(h.entry);
        let mut last = h.last;
        if toks.get(last).is_some_and(|t| t.low == "of") {
            last += 1;
        }
        let raw = text
            .get(t.start..toks[h.last - 1].end)
            .unwrap_or("")
            .to_string();
        return Some(Quantity {
            first: i,
            last,
            low: v,
            high: None,
            raw,
        });
    }
    // "300,000-500,000" is one token (a word starts with a letter or digit,
    // and only digits can start the first number).
    let range = t.low.starts_with(|c: char| c.is_ascii_digit());
    if let Some((a, b)) = range.then(|| t.low.split_once('-')).flatten() {
        if let (Some(lo), Some(hi)) = (parse_digits(a), parse_digits(b)) {
            if hi > lo && !(a.len() == 4 && b.len() == 4 && !a.contains(',')) {
                let raw = text.get(t.start..t.end).unwrap_or("").to_string();
                return Some(Quantity {
                    first: i,
                    last: i + 1,
                    low: lo.round() as u64,
                    high: Some(hi.round() as u64),
                    raw,
                });
            }
        }
    }
    let (low, mut j, digits) = plain_number(r, toks, text, i)?;
    // Years and ordinal-like tokens are not counts.
    if digits && t.low.len() == 4 && !t.low.contains(',') && (1800..=2100).contains(&low) {
        return None;
    }
    if !digits && (t.low == "a" || t.low == "an" || t.low == "one") {
        // "a"/"an"/"one" count only before a population word or item.
        let near = (i + 1..(i + 4).min(toks.len())).any(|k| {
            r.populations.longest_at(toks, k).is_some() || r.items.longest_at(toks, k).is_some()
        });
        if !near {
            return None;
        }
    }
    // "5 million euros", "20 km", "$100 million": a measure, not a count.
    let is_measure = |k: usize| toks.get(k).is_some_and(|x| r.measures.contains(x.low));
    if (i > 0 && is_measure(i - 1)) || is_measure(j) {
        return None;
    }
    let mut high = Some(low);
    let mut raw_end = toks[j - 1].end;
    if toks.get(j).is_some_and(|n| n.low == "+") {
        high = None;
        raw_end = toks[j].end;
        j += 1;
    } else if toks.get(j).is_some_and(|n| {
        n.low == "-" || n.low == "to" || n.low == "and" && j >= 2 && toks[j - 2].low == "between"
    }) {
        if let Some((h, k, _)) = plain_number(r, toks, text, j + 1) {
            if h > low {
                high = Some(h);
                raw_end = toks[k - 1].end;
                j = k;
            }
        }
    }
    // "more than 100", "at least 5": open upper bound.
    for back in 1..=3 {
        if i >= back {
            if let Some(h) = r.lower_bound.longest_at(toks, i - back) {
                if h.last == i {
                    let w = &toks[i - back].low;
                    if matches!(&**w, "more" | "over" | "at") {
                        high = None;
                    }
                    break;
                }
            }
        }
    }
    let raw = text.get(t.start..raw_end).unwrap_or("").to_string();
    Some(Quantity {
        first: i,
        last: j,
        low,
        high,
        raw,
    })
}

/// What one segment said; its quantity and words borrowed from the
/// sentence's quantities and the rules.
#[derive(Debug, Clone, Default)]
struct Seg<'r> {
    q: Option<&'r Quantity>,
    category: Option<&'r str>,
    population: Option<&'r str>,
    /// The population was only implied by a community word ("Azerbaijanis").
    weak_population: bool,
    /// The counted belong to the speaker ("398 of its soldiers").
    own: bool,
    /// The cue before the number is a verb of loss ("Nagorno-Karabakh lost 14 tanks").
    lost: bool,
    item: Option<&'r str>,
    subject: Option<KbStr>,
    /// Token one past the evidence.
    end_tok: usize,
    rule: Vec<&'static str>,
}

/// The claimant of the numbers of the clause `toks[lo..hi]` whose first
/// number is `first`: the label block's, else "according to X" in the clause,
/// else the subject of a reporting verb before that number ("X stated
/// (that) …"), else a trailing attribution ("…, the Armenian Defence Ministry
/// said"). With the rule that found it.
fn clause_claimant(
    r: &Rules,
    toks: &[Tok],
    ms: &[crate::events::Placed],
    block: Option<&KbStr>,
    lo: usize,
    hi: usize,
    first: &Quantity,
) -> (Option<KbStr>, &'static str) {
    if let Some(b) = block {
        return (Some(b.clone()), "label-block");
    }
    for h in r.claimant_before.find_all(toks, lo, hi) {
        if let Some(p) = ms
            .iter()
            .find(|p| p.first >= h.last && p.first <= h.last + 2 && p.last <= hi && is_actor(p.m))
        {
            return (Some(owner_id(r, p.m)), "according-to");
        }
    }
    let mut reported = None;
    let mut verbs = crate::events::reporting_verbs(r, toks, ms, lo, first.first);
    verbs.extend(
        r.claimant_verbs
            .find_all(toks, lo, first.first)
            .into_iter()
            .filter(|h| !ms.iter().any(|p| p.first <= h.first && h.first < p.last)),
    );
    verbs.sort_by_key(|h| h.first);
    for h in verbs {
        if let Some(p) = ms
            .iter()
            .rev()
            .find(|p| p.last <= h.first && p.first >= lo && is_actor(p.m))
        {
            reported = Some(owner_id(r, p.m));
        }
    }
    if reported.is_some() {
        return (reported, "reported");
    }
    match crate::events::trailing_reporter(r, &toks[..hi], ms, first.last) {
        Some(c) => (Some(c), "reported"),
        None => (None, ""),
    }
}

/// The [`Claim::rule`] of a number: the rule that found its claimant, then
/// those of its segment, joined by `+` into one string of the final size
/// (no vector of the pieces first).
fn rule_label(claimant: &str, segment: &[&str]) -> String {
    let len = claimant.len() + segment.iter().map(|r| 1 + r.len()).sum::<usize>();
    let mut out = String::with_capacity(len);
    out.push_str(claimant);
    for r in segment {
        out.push('+');
        out.push_str(r);
    }
    out
}

/// Whether a line is a claimant label: "Per Azerbaijan:", "According to Armenia:".
fn label_line(line: &str) -> bool {
    // Most lines do not end with a colon: turned away before a trim from
    // the start and a lower-cased copy.
    if !line.trim_end().ends_with(':') {
        return false;
    }
    let l = line.trim();
    if !(l.ends_with(':') && l.len() < 80) {
        return false;
    }
    let low = l.to_lowercase();
    low.starts_with("per ") || low.starts_with("according to ") || low.starts_with("claimed by ")
}

/// Extracts the claims of one document.
pub fn extract_claims(r: &Rules, doc: &DocInput) -> Vec<Claim> {
    let lowered = doc.text.to_ascii_lowercase();
    let mentions: Vec<&Mention> = doc.mentions.iter().collect();
    let mut spill = crate::text::Spill::new();
    let toks = crate::sentence_tokens(r, doc, &lowered, &mut spill);
    let placed = SentenceMentions::new(doc, &mentions, &toks);
    extract_claims_with(r, doc, &toks, &placed)
}

/// [`extract_claims`] over the tokens of every sentence of `doc` and the
/// mentions (those of `doc` as the coder reads them) placed on them.
pub(crate) fn extract_claims_with(
    r: &Rules,
    doc: &DocInput,
    sent_toks: &crate::SentenceTokens,
    placed: &SentenceMentions,
) -> Vec<Claim> {
    let text = doc.text;
    let mut out = Vec::new();
    // Claimant of a "Per X:" block and its default subject.
    let mut block: Option<KbStr> = None;
    // A sentence's quantities, in one vector kept for every sentence.
    let mut qs: Vec<Quantity> = Vec::new();
    for (si, s) in doc.sentences.iter().enumerate() {
        let (start, end) = (s.start.min(text.len()), s.end.min(text.len()));
        if start >= end {
            continue;
        }
        let line = text.get(start..end).unwrap_or("");
        let toks: &[Tok] = &sent_toks[si];
        if label_line(line) {
            let ms = placed.of(si);
            block = ms.iter().find(|p| is_actor(p.m)).map(|p| owner_id(r, p.m));
            continue;
        }
        // A label governs the list under it: bulleted items, or bare lines that
        // open with a count ("2,840 servicemen killed").
        let counted_line = line.trim_start().starts_with(|c: char| c.is_ascii_digit());
        if s.kind != SentenceKind::ListItem && !counted_line {
            block = None;
        }
        if toks.is_empty() {
            continue;
        }
        // Quantities (never inside a date: "27 September") first: a sentence
        // without one has no claim, and its mentions and claimant need not
        // be looked at.
        // The sentence's timexes (from the one before it, which may run
        // into it), looked for at the first token that may start a quantity:
        // most sentences have none.
        let mut from_timex: Option<&[Timex]> = None;
        qs.clear();
        let mut i = 0;
        // To the next token that may start one, in a tight loop.
        while let Some(k) = toks[i..].iter().position(|t| may_start_quantity(r, t)) {
            i += k;
            let timexes = *from_timex.get_or_insert_with(|| {
                let lo = doc
                    .timexes
                    .partition_point(|t| t.start < start)
                    .saturating_sub(1);
                &doc.timexes[lo..]
            });
            let in_timex = timexes
                .iter()
                .take_while(|t| t.start < end)
                .any(|t| t.start <= toks[i].start && toks[i].end <= t.end);
            if !in_timex {
                if let Some(q) = parse_quantity(r, toks, text, i) {
                    i = q.last.max(i + 1);
                    if !qs.last().is_some_and(|p| is_whole_of(toks, p, &q)) {
                        qs.push(q);
                    }
                    continue;
                }
            }
            i += 1;
        }
        if qs.is_empty() {
            continue;
        }
        let ms = placed.of(si);
        // "Armenia: 3,825 killed": a side named as the line's label owns its counts.
        let line_side = ms
            .iter()
            .find(|p| {
                is_actor(p.m)
                    && toks.get(p.last).is_some_and(|x| x.low == ":")
                    && toks[..p.first]
                        .iter()
                        .all(|x| !x.word || x.is(class::DETERMINER))
            })
            .map(|p| owner_id(r, p.m));
        // Each clause of a sentence joined by ";" has its own claimant:
        // "Azerbaijan says 2,908 died; Armenia puts its toll at 3,825".
        // "…, while Azerbaijan reported 50 deaths": so does a contrasting
        // clause (not a relative one, which is about its antecedent).
        let breaks = |x: &Tok| {
            x.low == ";"
                || (x.is(class::CLAUSE_BREAK)
                    && !matches!(x.low, "who" | "which" | "whom" | "whose"))
        };
        let clause_of = |q: &Quantity| -> (usize, usize) {
            let lo = toks[..q.first]
                .iter()
                .rposition(breaks)
                .map_or(0, |k| k + 1);
            let hi = toks[q.last..]
                .iter()
                .position(breaks)
                .map_or(toks.len(), |k| q.last + k);
            (lo, hi)
        };
        // A clause after ";" that names no claimant of its own is an item of
        // a list ("destroyed 206 tanks; 222 other vehicles; …"): the
        // sentence's claimant stands for it.
        let sentence_claimant = clause_claimant(r, toks, ms, block.as_ref(), 0, toks.len(), &qs[0]);
        let own_claimant = |q: &Quantity| -> Option<(Option<KbStr>, &'static str, usize)> {
            let (lo, hi) = clause_of(q);
            if lo == 0 {
                return None;
            }
            let first = qs
                .iter()
                .find(|x| x.first >= lo && x.first < hi)
                .unwrap_or(q);
            let (c, rule) = clause_claimant(r, toks, ms, block.as_ref(), lo, hi, first);
            c.is_some().then_some((c, rule, lo))
        };
        let claimant_of = |q: &Quantity| -> (Option<KbStr>, &'static str, usize) {
            own_claimant(q).unwrap_or_else(|| (sentence_claimant.0.clone(), sentence_claimant.1, 0))
        };
        // One segment a quantity.
        let mut segs: Vec<Seg> = Vec::with_capacity(qs.len());
        for (qi, q) in qs.iter().enumerate() {
            let mut seg_end = qs.get(qi + 1).map(|n| n.first).unwrap_or(toks.len());
            if let Some(k) = (q.last..seg_end).find(|&k| {
                matches!(
                    &*toks[k].low,
                    ";" | ":" | "(" | "which" | "whose" | "whereas" | "while"
                )
            }) {
                seg_end = k;
            }
            let win_end = seg_end.min(q.last + 10);
            let mut seg = Seg {
                q: Some(q),
                end_tok: q.last,
                ..Seg::default()
            };
            let mut cat_at = None;
            // A label names its number: "(destroyed: 134, damaged: 5)".
            let label = (q.first >= 2 && toks[q.first - 1].low == ":")
                .then(|| r.categories.longest_at(toks, q.first - 2))
                .flatten()
                .filter(|h| h.last == q.first - 1);
            let mut k = if label.is_some() { win_end } else { q.last };
            if let Some(h) = label {
                seg.category = Some(r.categories.get(h.entry));
                seg.rule.push("label");
            }
            while k < win_end {
                if let Some(h) = r.categories.longest_at(toks, k) {
                    seg.category = Some(r.categories.get(h.entry));
                    cat_at = Some(k);
                    seg.end_tok = h.last;
                    break;
                }
                k += 1;
            }
            let mut before = false;
            // First token of a cue before the number.
            let mut cue_first = q.first;
            if seg.category.is_none() {
                // Cue before the number: "destroyed five tanks", "the death toll rose to 1,221".
                let from = q.first.saturating_sub(6);
                let mut k = from;
                while k < q.first {
                    let cat = r.categories.longest_at(toks, k);
                    let pre = r.before.longest_at(toks, k);
                    // The longer cue wins: "death toll" over "death".
                    let verb = match (&cat, &pre) {
                        (Some(c), Some(p)) => c.last >= p.last,
                        (Some(_), None) => true,
                        _ => false,
                    };
                    if let Some(h) = if verb { cat } else { pre } {
                        // Not a cue closed off before the number: "(…,
                        // captured: 83), 58 armored vehicles".
                        let closed = toks[h.last.min(q.first)..q.first]
                            .iter()
                            .any(|t| t.low == ")");
                        if h.last + 4 >= q.first && !closed {
                            let name = if verb {
                                r.categories.get(h.entry)
                            } else {
                                r.before.get(h.entry)
                            };
                            seg.category = Some(name);
                            before = true;
                            cue_first = k;
                            seg.rule.push(if verb { "cue-before" } else { "toll" });
                            seg.lost =
                                verb && matches!(toks[k].low, "lost" | "lose" | "loses" | "losing");
                        }
                        k = h.last;
                    } else {
                        k += 1;
                    }
                }
            }
            // Up to the category word, and that word itself: "500 refugees"
            // are civilians.
            let pop_end = cat_at.map(|c| c + 1).unwrap_or(if before {
                win_end
            } else {
                win_end.min(q.last + 4)
            });
            let mut k = q.last;
            while k < pop_end {
                if seg.item.is_none() {
                    if let Some(h) = r.items.longest_at(toks, k) {
                        seg.item = Some(r.items.get(h.entry));
                        seg.end_tok = seg.end_tok.max(h.last);
                    }
                }
                if seg.population.is_none() {
                    if let Some(h) = r.populations.longest_at(toks, k) {
                        seg.population = Some(r.populations.get(h.entry));
                        seg.end_tok = seg.end_tok.max(h.last);
                    } else if toks[k].is(class::COMMUNITY) {
                        seg.population = Some("civilian");
                        seg.weak_population = true;
                    }
                }
                k += 1;
            }
            if seg.population.is_none() && before {
                // "its military death toll at 158": the population right before the cue.
                seg.population = (cue_first.saturating_sub(2)..cue_first)
                    .find_map(|k| {
                        r.populations
                            .longest_at(toks, k)
                            .filter(|h| h.last == cue_first)
                    })
                    .map(|h| r.populations.get(h.entry).as_str());
            }
            if seg.item.is_some() {
                seg.population = Some("equipment");
            } else if seg.lost && seg.population.is_some() && !seg.weak_population {
                // "had lost 2,906 servicemen": people lost are dead, not destroyed.
                seg.category = Some("killed");
            }
            // "destroyed five Armenian tanks": the owner stands right after the number.
            let subj_end = if before {
                win_end.min(q.last + 3)
            } else {
                cat_at.unwrap_or(win_end.min(q.last + 4))
            };
            seg.subject = ms
                .iter()
                .find(|p| {
                    p.first >= q.last
                        && p.first < subj_end
                        && is_actor(p.m)
                        && !(p.first >= 2
                            && toks[p.first - 1].low == "to"
                            && toks[p.first - 2].low == "according")
                })
                .map(|p| owner_id(r, p.m))
                .or_else(|| {
                    // "34 fatalities on the Azerbaijani side"
                    ms.iter()
                        .find(|p| {
                            p.first >= q.last
                                && p.first < win_end
                                && is_actor(p.m)
                                && toks
                                    .get(p.last)
                                    .is_some_and(|x| x.low == "side" || x.low == "sides")
                        })
                        .map(|p| owner_id(r, p.m))
                });
            if seg.subject.is_none() && before {
                // "the number of Azerbaijanis killed rose to 39": whose
                // dead the cue counts stands right before it.
                seg.subject = ms
                    .iter()
                    .find(|p| p.last <= cue_first && p.last + 1 >= cue_first && is_actor(p.m))
                    .map(|p| owner_id(r, p.m));
            }
            // "398 of its soldiers": the claimant's own.
            seg.own = toks[q.last..(q.last + 3).min(toks.len())]
                .iter()
                .any(|x| matches!(x.low, "its" | "our" | "their"));
            seg.end_tok = seg.end_tok.max(q.last).min(toks.len());
            segs.push(seg);
        }
        // Distributive: a number without category takes the next one's,
        // unless a new clause stands between them: "5 soldiers, 3 civilians,
        // and 2 children were killed", "349 fighters, who were among 2,644
        // combatants, had been killed", but not "thousands gathered in the
        // square, and police detained 84".
        for i in (0..segs.len()).rev() {
            if segs[i].category.is_none() {
                if let Some(n) = segs.get(i + 1).cloned() {
                    let same_clause = match (&segs[i].q, &n.q) {
                        (Some(a), Some(b)) => !new_clause_between(toks, a.last, b.first),
                        _ => false,
                    };
                    if n.category.is_some() && same_clause {
                        segs[i].category = n.category;
                        if segs[i].population.is_none()
                            || (segs[i].weak_population && n.population.is_some())
                        {
                            segs[i].population = n.population;
                            segs[i].item = n.item;
                        }
                        segs[i].rule.push("distributive");
                    }
                }
            }
        }
        // A verb governs its whole list: "destroyed 130 tanks, 200 artillery
        // units and 27 air-defence systems" (the cue is too far back for
        // the last), when the item counts the same kind of thing (equipment
        // after equipment, people after people) in the same clause.
        for i in 1..segs.len() {
            let prev = &segs[i - 1];
            let governed = prev.rule.contains(&"cue-before");
            let (Some(a), Some(b)) = (&prev.q, &segs[i].q) else {
                continue;
            };
            let same_kind = if prev.item.is_some() {
                segs[i].item.is_some()
            } else {
                prev.population.is_some()
                    && segs[i].population.is_some()
                    && !segs[i].weak_population
            };
            if segs[i].category.is_none()
                && governed
                && same_kind
                && !new_clause_between(toks, a.last, b.first)
            {
                // The list's verb is this number's cue too.
                let (category, lost) = (prev.category, prev.lost);
                segs[i].category = category;
                segs[i].lost = lost;
                segs[i].rule.push("cue-before");
                segs[i].rule.push("list");
            }
        }
        // Carry: population and subject from the previous number.
        for i in 1..segs.len() {
            let prev = segs[i - 1].clone();
            // Nothing carries into a clause with a claimant of its own.
            let new_claimant = match (&prev.q, &segs[i].q) {
                (Some(a), Some(b)) => own_claimant(b).is_some_and(|(_, _, lo)| lo > a.last),
                _ => false,
            };
            if new_claimant {
                continue;
            }
            if segs[i].population.is_none() && prev.category.is_some() {
                segs[i].population = prev.population;
                segs[i].item = prev.item;
                segs[i].rule.push("carry-population");
            }
            if segs[i].subject.is_none() && prev.subject.is_some() {
                segs[i].subject = prev.subject.clone();
                segs[i].rule.push("carry-subject");
            }
        }
        // The sentence's timexes, split at it for its first claim.
        let mut dates = None;
        for seg in segs {
            let (Some(q), Some(category)) = (seg.q, seg.category) else {
                continue;
            };
            let mut subject = seg
                .subject
                .clone()
                .or_else(|| line_side.clone())
                .or_else(|| block.clone());
            let mut seg_rule = seg.rule.clone();
            let (claimant, claimant_rule, clause_start) = claimant_of(q);
            // "The Azerbaijani Prosecutor General's Office said 94 civilians had been
            // killed": a party's report of losses without an owner counts its own.
            let own_report = !seg.rule.contains(&"cue-before")
                && claimant
                    .as_ref()
                    .is_some_and(|c| r.adversaries.contains_key(c.as_str()));
            if subject.is_none() && (seg.own || own_report) && claimant.is_some() {
                subject = claimant.clone();
                seg_rule.push("own");
            }
            if subject.is_none()
                && seg.rule.contains(&"cue-before")
                && matches!(
                    seg.category,
                    Some("destroyed" | "damaged" | "killed" | "captured")
                )
            {
                // "Azerbaijan stated it had destroyed five tanks", "Azerbaijani forces shelled
                // the town, killing two civilians": the agent's adversary lost them. The
                // agent is the first actor of the reported clause, else the claimant.
                let from = r
                    .reporting
                    .find_all(toks, clause_start, q.first)
                    .last()
                    .map_or(clause_start, |h| h.last);
                let agent = ms
                    .iter()
                    .find(|p| {
                        p.first >= from
                            && p.last <= q.first
                            && is_actor(p.m)
                            && !(p.first >= 2
                                && toks[p.first - 1].low == "to"
                                && toks[p.first - 2].low == "according")
                    })
                    .map(|p| owner_id(r, p.m))
                    // "according to X" names a source, not the agent.
                    .or_else(|| claimant.clone().filter(|_| claimant_rule != "according-to"));
                if agent.is_none()
                    && claimant_rule == "according-to"
                    && seg.population == Some("civilian")
                {
                    // "a missile strike killed 10 civilians, according to Azerbaijan":
                    // with no agent named, a party reports its own civilians.
                    subject = claimant.clone();
                    seg_rule.push("own");
                } else if seg.lost {
                    // "Nagorno-Karabakh lost 14 tanks": the agent's own losses.
                    subject = agent.clone();
                    seg_rule.push("loser");
                } else if let Some(adv) = agent.as_ref().and_then(|c| r.adversaries.get(c.as_str()))
                {
                    subject = Some(adv.clone().into());
                    seg_rule.push("adversary");
                }
            }
            let qstart = toks[q.first].start;
            // As-of or event date.
            let date = dates
                .get_or_insert_with(|| crate::SentenceDates::new(doc, start, end))
                .of(r, qstart);
            let rule = rule_label(
                if claimant_rule.is_empty() {
                    "number"
                } else {
                    claimant_rule
                },
                &seg_rule,
            );
            let end_off = toks
                .get(seg.end_tok.saturating_sub(1))
                .map(|t| t.end)
                .unwrap_or(end)
                .max(qstart);
            out.push(Claim {
                start: qstart,
                end: end_off,
                category: category.to_owned(),
                population: seg.population.unwrap_or("unknown").to_owned(),
                item: seg.item.map(str::to_owned),
                subject,
                claimant: claimant.clone(),
                value: ClaimValue {
                    low: Some(q.low),
                    high: q.high,
                    raw: q.raw.clone(),
                },
                date,
                rule,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::timex;

    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<u64>,
        Option<u64>,
    );

    fn claims(text: &str, tx: Vec<casus_time::Timex>) -> Vec<Row> {
        crate::testutil::extract(text, &tx, None)
            .claims
            .into_iter()
            .map(|c| {
                (
                    c.category,
                    c.population,
                    c.item,
                    c.subject.map(String::from),
                    c.claimant.map(String::from),
                    c.value.low,
                    c.value.high,
                )
            })
            .collect()
    }

    fn row(
        c: &str,
        p: &str,
        item: Option<&str>,
        s: Option<&str>,
        cl: Option<&str>,
        lo: u64,
        hi: Option<u64>,
    ) -> Row {
        (
            c.into(),
            p.into(),
            item.map(String::from),
            s.map(String::from),
            cl.map(String::from),
            Some(lo),
            hi,
        )
    }

    #[test]
    fn rule_labels_are_their_pieces_joined() {
        for (claimant, segment) in [
            ("number", vec![]),
            ("reported", vec!["cue-before"]),
            ("according-to", vec!["cue-before", "list", "adversary"]),
        ] {
            let mut want = vec![claimant];
            want.extend(segment.iter());
            assert_eq!(super::rule_label(claimant, &segment), want.join("+"));
        }
    }

    #[test]
    fn label_lines_turned_away_early_are_no_labels() {
        // The whole test, without the early look at the line's end.
        let plain = |line: &str| {
            let l = line.trim();
            let low = l.to_lowercase();
            l.ends_with(':')
                && l.len() < 80
                && (low.starts_with("per ")
                    || low.starts_with("according to ")
                    || low.starts_with("claimed by "))
        };
        for line in [
            "Per Azerbaijan:",
            "  According to Armenia:  ",
            "Claimed by the Ministry:\t",
            "Per Azerbaijan",
            "Per Azerbaijan: 2,908 killed",
            ":",
            " ",
            "",
            "per armenia :",
            "Per a very long label that goes on and on and on and on and on and on and on:",
        ] {
            assert_eq!(super::label_line(line), plain(line), "{line:?}");
        }
    }

    #[test]
    fn per_label_blocks() {
        let v = claims("Per Azerbaijan:\n  • 2,840 servicemen killed\n  • 60+ servicemen captured\nSee details", vec![]);
        assert_eq!(
            v,
            [
                row(
                    "killed",
                    "military",
                    None,
                    Some("AZE"),
                    Some("AZE"),
                    2840,
                    Some(2840)
                ),
                row(
                    "captured",
                    "military",
                    None,
                    Some("AZE"),
                    Some("AZE"),
                    60,
                    None
                )
            ]
        );
    }

    #[test]
    fn irregular_verbs_are_cues() {
        // "fled" (flee), "lost their lives" (lose their lives).
        let v = claims("About 90,000 people fled the region.", vec![]);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!((v[0].0.as_str(), v[0].5), ("displaced", Some(90000)));
        let v = claims("Twelve soldiers lost their lives.", vec![]);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].0, "killed");
    }

    #[test]
    fn each_clause_has_its_claimant() {
        let v = claims(
            "Azerbaijan says 2,908 of its servicemen were killed; Armenia said 3,825 of its soldiers were killed.",
            vec![],
        );
        let who: Vec<_> = v
            .iter()
            .map(|c| (c.5, c.3.as_deref(), c.4.as_deref()))
            .collect();
        assert_eq!(
            who,
            [
                (Some(2908), Some("AZE"), Some("AZE")),
                (Some(3825), Some("ARM"), Some("ARM"))
            ],
            "{v:?}"
        );
        // A count given by the clause's subject ("puts its toll at").
        let v = claims(
            "Azerbaijan says 2,908 of its servicemen were killed; Armenia puts its death toll at 3,825.",
            vec![],
        );
        assert_eq!(
            v.iter().map(|c| c.4.as_deref()).collect::<Vec<_>>(),
            [Some("AZE"), Some("ARM")],
            "{v:?}"
        );
        // So does a contrasting clause ("…, while X stated …").
        let v = claims(
            "Armenia reported the deaths of 2,338 servicemen, while the Azerbaijani authorities stated that 2,960 Armenian servicemen were killed.",
            vec![],
        );
        assert_eq!(
            v.iter().map(|c| (c.5, c.4.as_deref())).collect::<Vec<_>>(),
            [(Some(2338), Some("ARM")), (Some(2960), Some("AZE"))],
            "{v:?}"
        );
        // A list after ";" keeps the sentence's claimant.
        let v = claims(
            "Azerbaijan reported to have destroyed 206 tanks; 222 other military vehicles; 7 command posts.",
            vec![],
        );
        assert!(
            v.len() >= 2 && v.iter().all(|c| c.4.as_deref() == Some("AZE")),
            "{v:?}"
        );
    }

    #[test]
    fn a_number_far_before_another_keeps_no_category() {
        // The crowd is not the count of the detained.
        let v = claims(
            "Thousands of protesters gathered in the square demanding his resignation, and police detained 84 people.",
            vec![],
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!((v[0].0.as_str(), v[0].5), ("captured", Some(84)));
        let v = claims(
            "Hundreds of protesters gathered outside the government building, demanding his resignation; police detained at least 40 people.",
            vec![],
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!((v[0].0.as_str(), v[0].5), ("captured", Some(40)));
    }

    #[test]
    fn distributive_coordination() {
        let v = claims(
            "  • 100 Azerbaijani and 65 Armenian civilians killed",
            vec![],
        );
        assert_eq!(
            v,
            [
                row(
                    "killed",
                    "civilian",
                    None,
                    Some("AZE"),
                    None,
                    100,
                    Some(100)
                ),
                row("killed", "civilian", None, Some("ARM"), None, 65, Some(65))
            ]
        );
        let v = claims(
            "  • 40,000 Azerbaijanis and 100,000 Armenians displaced",
            vec![],
        );
        assert_eq!(
            v[0],
            row(
                "displaced",
                "civilian",
                None,
                Some("AZE"),
                None,
                40000,
                Some(40000)
            )
        );
        assert_eq!(v[1].3.as_deref(), Some("ARM"));
    }

    #[test]
    fn equipment_and_carry() {
        let v = claims(
            "  • 1 Russian Mi-24 shot down, 2 crew members killed, 1 injured",
            vec![],
        );
        assert_eq!(
            v[0],
            row(
                "destroyed",
                "equipment",
                Some("helicopter"),
                Some("RUS"),
                None,
                1,
                Some(1)
            )
        );
        assert_eq!(
            v[1],
            row("killed", "military", None, Some("RUS"), None, 2, Some(2))
        );
        assert_eq!(
            v[2],
            row("wounded", "military", None, Some("RUS"), None, 1, Some(1))
        );
    }

    #[test]
    fn according_to_in_prose() {
        let text = "According to the Azerbaijani Defense Ministry, the ceasefire was breached on 26 November, and reported that three Azerbaijani servicemen were killed and two were wounded in an Armenian attack.";
        let v = claims(text, vec![timex(text, "26 November", "2020-11-26")]);
        assert_eq!(
            v[0],
            row(
                "killed",
                "military",
                None,
                Some("AZE"),
                Some("AZE"),
                3,
                Some(3)
            )
        );
        assert_eq!(
            v[1],
            row(
                "wounded",
                "military",
                None,
                Some("AZE"),
                Some("AZE"),
                2,
                Some(2)
            )
        );
    }

    #[test]
    fn article_counts_before_a_population_word() {
        let text = "Also, according to the Azerbaijani authorities, one Azerbaijani serviceman was killed and an Azercell employee was seriously injured near Hadrut.";
        let v = claims(text, vec![]);
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(
            v[1],
            row(
                "wounded",
                "civilian",
                None,
                Some("AZE"),
                Some("AZE"),
                1,
                Some(1)
            )
        );
    }

    #[test]
    fn stated_it_destroyed() {
        let v = claims(
            "Azerbaijan stated it had destroyed five T-72 tanks.",
            vec![],
        );
        assert_eq!(v[0].0, "destroyed");
        assert_eq!(v[0].2.as_deref(), Some("tank"));
        assert_eq!(v[0].4.as_deref(), Some("AZE"));
        assert_eq!(v[0].3.as_deref(), Some("ARM"));
        assert_eq!(v[0].5, Some(5));
    }

    #[test]
    fn ranges_vague_and_tolls() {
        let v = claims("Between 300,000-500,000 people were displaced.", vec![]);
        assert_eq!((v[0].5, v[0].6), (Some(300000), Some(500000)));
        let v = claims("Dozens of soldiers were killed.", vec![]);
        assert_eq!(
            (v[0].0.as_str(), v[0].5, v[0].6),
            ("killed", Some(24), None)
        );
        let v = claims("The death toll rose to 1,221.", vec![]);
        assert_eq!((v[0].0.as_str(), v[0].5), ("killed", Some(1221)));
    }

    #[test]
    fn years_and_citations_are_not_counts() {
        assert!(
            claims("In 1994 the war ended[62] and 5 were killed", vec![])
                .iter()
                .all(|r| r.5 == Some(5))
        );
    }

    #[test]
    fn the_whole_a_count_is_part_of_is_no_claim() {
        let v = claims(
            "More than 100,000 of the region's 120,000 residents fled to Armenia.",
            vec![],
        );
        assert_eq!(
            v.iter().map(|r| r.5).collect::<Vec<_>>(),
            [Some(100_000)],
            "{v:?}"
        );
        let v = claims("Ten out of its 40 tanks were destroyed.", vec![]);
        assert_eq!(
            v.iter().map(|r| r.5).collect::<Vec<_>>(),
            [Some(10)],
            "{v:?}"
        );
    }

    #[test]
    fn measures_and_sums_of_money_are_not_counts() {
        let v = claims(
            "Shells hit a cemetery 513 metres north of the city, killing 15 civilians.",
            vec![],
        );
        assert!(v.iter().all(|r| r.5 == Some(15)) && !v.is_empty(), "{v:?}");
        let v = claims(
            "The EU gave $10 million and 5 million euros to 500 refugees.",
            vec![],
        );
        assert!(v.iter().all(|r| r.5 == Some(500)) && !v.is_empty(), "{v:?}");
        assert_eq!(v[0].1, "civilian", "refugees are civilians: {v:?}");
    }

    #[test]
    fn explicit_population_is_not_overridden() {
        let v = claims(
            "  • 12 Azerbaijani civilians and 5 Armenian soldiers killed",
            vec![],
        );
        assert_eq!(v[0].1, "civilian", "{v:?}");
        assert_eq!(v[1].1, "military", "{v:?}");
    }

    #[test]
    fn community_subjects_stand_for_their_state() {
        let v = claims("  • 40,000 Azerbaijanis displaced", vec![]);
        assert_eq!(v[0].3.as_deref(), Some("AZE"));
    }

    #[test]
    fn victims_of_a_reported_attack_belong_to_the_other_side() {
        let v = claims("The Armenian National Security Service stated that Azerbaijani forces had shelled the town, killing two civilians.", vec![]);
        assert_eq!(v[0].3.as_deref(), Some("ARM"), "{v:?}");
        assert_eq!(v[0].4.as_deref(), Some("ARM"), "{v:?}");
    }

    #[test]
    fn according_to_names_the_claimant() {
        let v = claims(
            "The death toll rose to 1,221, according to the Azerbaijani authorities.",
            vec![],
        );
        // A side's running toll counts its own dead.
        assert_eq!(
            (v[0].3.as_deref(), v[0].4.as_deref()),
            (Some("AZE"), Some("AZE")),
            "{v:?}"
        );
    }

    #[test]
    fn trailing_attribution_names_the_claimant() {
        let v = claims("Armenian forces shot down three Azerbaijani drones, the Armenian National Security Service said.", vec![]);
        assert_eq!(
            (v[0].3.as_deref(), v[0].4.as_deref()),
            (Some("AZE"), Some("ARM")),
            "{v:?}"
        );
    }

    #[test]
    fn own_losses_and_sides() {
        let v = claims("Armenia lost 14 tanks.", vec![]);
        assert_eq!(v[0].3.as_deref(), Some("ARM"), "{v:?}");
        let v = claims("Azerbaijan stated 398 of its soldiers were killed.", vec![]);
        assert_eq!(
            (v[0].3.as_deref(), v[0].4.as_deref()),
            (Some("AZE"), Some("AZE")),
            "{v:?}"
        );
        let v = claims("There were 34 fatalities on the Azerbaijani side.", vec![]);
        assert_eq!(v[0].3.as_deref(), Some("AZE"), "{v:?}");
    }

    #[test]
    fn a_party_reports_its_own_losses() {
        let v = claims(
            "The Azerbaijani Defense Ministry said 94 civilians had been killed.",
            vec![],
        );
        assert_eq!(
            (v[0].3.as_deref(), v[0].4.as_deref()),
            (Some("AZE"), Some("AZE")),
            "{v:?}"
        );
    }

    #[test]
    fn label_blocks_without_bullets() {
        let v = claims(
            "Per Azerbaijan:\n2,840 servicemen killed\nSee details.\n5 soldiers killed",
            vec![],
        );
        assert_eq!(v[0].4.as_deref(), Some("AZE"), "{v:?}");
        assert_eq!(v[1].4.as_deref(), None, "{v:?}");
    }

    #[test]
    fn side_labels_own_their_counts() {
        let v = claims("Armenia: 3,825 killed, 6 missing", vec![]);
        assert_eq!(
            (v[0].3.as_deref(), v[1].3.as_deref()),
            (Some("ARM"), Some("ARM")),
            "{v:?}"
        );
        assert_eq!(v[0].4, None);
    }

    #[test]
    fn numbered_names_and_relative_clauses_are_not_claims() {
        assert!(claims(
            "Law 10/59, which made violence punishable by death, passed.",
            vec![]
        )
        .is_empty());
    }

    #[test]
    fn a_source_named_after_is_no_agent() {
        // "according to Azerbaijan": with no agent, a party reports its own civilians.
        let v = claims(
            "The city was hit by a missile strike that killed 10 civilians, according to Azerbaijan.",
            vec![],
        );
        assert_eq!(
            v,
            [row(
                "killed",
                "civilian",
                None,
                Some("AZE"),
                Some("AZE"),
                10,
                Some(10)
            )]
        );
    }

    #[test]
    fn people_lost_are_killed_and_a_toll_takes_the_population_before_it() {
        let v = claims("Azerbaijan said it had lost 2,906 servicemen.", vec![]);
        assert_eq!(
            (v[0].0.as_str(), v[0].1.as_str()),
            ("killed", "military"),
            "{v:?}"
        );
        let v = claims("Azerbaijan said it had lost 27 tanks.", vec![]);
        assert_eq!(v[0].0, "destroyed", "{v:?}");
        let v = claims("Armenia put its own military death toll at 158.", vec![]);
        assert_eq!(
            (v[0].0.as_str(), v[0].1.as_str()),
            ("killed", "military"),
            "{v:?}"
        );
    }

    #[test]
    fn the_quick_test_passes_every_quantity() {
        let text = "Dozens of people, 2,840 troops, 300,000-500,000 refugees, twenty-five \
                    tanks, an Armenian soldier, more than 100, 60+, 2.5 million, hundreds, \
                    three to five, between 4 and 9, T-72, ten out of its 40 tanks, a few.";
        let r = crate::rules::Rules::embedded();
        let lowered = text.to_ascii_lowercase();
        let sentences = crate::testutil::sentences(text);
        let doc = crate::testutil::bare_doc(text, &sentences);
        let mut spill = crate::text::Spill::new();
        let toks = crate::sentence_tokens(&r, &doc, &lowered, &mut spill);
        let toks = &toks[0];
        let mut found = 0;
        for (i, t) in toks.iter().enumerate() {
            if super::parse_quantity(&r, toks, text, i).is_some() {
                found += 1;
                assert!(super::may_start_quantity(&r, t), "{}", t.low);
            }
        }
        assert!(found >= 12, "{found}");
    }

    #[test]
    fn whole_numbers_parse_as_the_float_parser_reads_them() {
        for s in [
            "0",
            "7",
            "007",
            "2,840",
            "300,000",
            "1,2,3",
            "999999999999",
            "9999999999999",
            "123456789012345",
            "1234567890123456",
            ",5",
            ",",
            "2.5",
            "1.2.3",
            "60",
        ] {
            let slow = s
                .replace(',', "")
                .parse::<f64>()
                .ok()
                .filter(|v| !s.replace(',', "").starts_with('.') && *v < 1e13);
            assert_eq!(super::parse_digits(s), slow, "{s}");
        }
    }
}
