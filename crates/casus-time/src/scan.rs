//! First pass: finds temporal expressions in a token stream and records what
//! they say (year, month, day, relative offset, unit, modifier), without
//! resolving anything against the narrative (see [`crate::resolve`]).
//!
//! At each token that may start a match (a cheap gate,
//! `Scanner::may_start`, rules out most) the matchers that may match from
//! it (`Scanner::MATCHERS`) are tried; the longest match wins and scanning
//! resumes after it. A matcher may return more than one mention (ranges such
//! as `6-7 February` or `1995-96` give two expressions).

use crate::lexicon::{
    Lexicon, Phrases, ALONE, ARTICLES, DAYPARTS, DEICTIC, ERAS, FOLLOWS, HOLIDAYS, MONTHS,
    NOT_YEAR_AFTER, NOT_YEAR_BEFORE, NUMBERS, ORDINALS, QUANTIFIERS, REFS, RELATIVE, SEASONS, SETS,
    TRIGGER, UNITS, VAGUE, VAGUE_VALUE, WEEKDAYS,
};
use crate::token::{Tok, TokKind};
use std::sync::OnceLock;

/// Duration and offset units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Day,
    Week,
    Month,
    Year,
    Decade,
    Century,
    Hour,
    Minute,
}

impl Unit {
    fn parse(code: &str) -> Option<(Unit, u32)> {
        let (mult, code) = match code.strip_prefix('2') {
            Some(c) => (2, c),
            None => (1, code),
        };
        let u = match code {
            "D" => Unit::Day,
            "W" => Unit::Week,
            "M" => Unit::Month,
            "Y" => Unit::Year,
            "DE" => Unit::Decade,
            "CE" => Unit::Century,
            "H" => Unit::Hour,
            "MIN" => Unit::Minute,
            _ => return None,
        };
        Some((u, mult))
    }

    /// ISO 8601 duration of `n` units (`n` may be `X` or a decimal).
    pub fn duration(self, n: &str) -> String {
        match self {
            Unit::Day => format!("P{n}D"),
            Unit::Week => format!("P{n}W"),
            Unit::Month => format!("P{n}M"),
            Unit::Year => format!("P{n}Y"),
            Unit::Decade => format!("P{n}DE"),
            Unit::Century => format!("P{n}CE"),
            Unit::Hour => format!("PT{n}H"),
            Unit::Minute => format!("PT{n}M"),
        }
    }
}

/// A calendar date, possibly partial; missing parts come from the narrative.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DateSpec {
    /// Astronomical year, when the text gives it.
    pub year: Option<i64>,
    /// Year relative to the narrative year ("the spring of next year").
    pub rel_year: Option<i64>,
    pub month: Option<u32>,
    pub day: Option<u32>,
    /// `SP SU FA WI`.
    pub season: Option<&'static str>,
    /// `H1`, `H2`.
    pub half: Option<&'static str>,
    /// Part of day: `MO AF EV NI`.
    pub pod: Option<&'static str>,
}

/// What an expression says.
#[derive(Clone, Debug, PartialEq)]
pub enum What {
    /// A calendar date (absolute or partial).
    Date(DateSpec),
    /// An offset from the narrative date: "the next day" (+1 day), "that
    /// year" (0 years), "two days later" (+2 days).
    Rel {
        unit: Unit,
        offset: i64,
        pod: Option<&'static str>,
    },
    /// `PRESENT_REF`, `PAST_REF`, `FUTURE_REF`.
    Ref(&'static str),
    /// A decade: `198`, or `47` with `bc`.
    Decade { bc: bool, decade: i64 },
    /// A century, numbered as TIMEX does (`18` = the 19th century).
    Century { bc: bool, century: i64 },
    /// A duration value (`P24Y`).
    Duration(String),
    /// A set value (`XXXX`, `P1D`).
    Set(String),
    /// A clock time, on the day named right after it ("5:34 AM Baghdad
    /// time on March 20, 2003") or else on the narrative day.
    Time {
        hour: u32,
        minute: u32,
        date: Option<DateSpec>,
    },
    /// A weekday (1 = Monday), on the narrative week.
    Weekday(u32, Option<&'static str>),
    /// "the same time": the narrative date at its own granularity.
    Same,
    /// A value that needs no resolution ("at night": `XXXX-XX-XXTNI`).
    Fixed(&'static str),
}

/// A temporal expression: token span `[start, end)`, content and modifier.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub what: What,
    pub modifier: Option<&'static str>,
    /// Whether the expression opens its sentence or line (at most three
    /// tokens after the boundary: "In June 1941,", "By early 1942,").
    pub lead: bool,
    /// Whether the expression names a time the narrative does not move to:
    /// the end point of a span ("until the fall of Budapest in February 1945") or the
    /// date of a citation ("Retrieved 3 May 2021"), or a day counted from
    /// the time of speaking ("yesterday").
    pub aside: bool,
}

type Found = Option<(usize, Mentions)>;

/// The mentions of one match: one nearly always, held inline then (a `Vec`
/// for each match was an allocation for every expression found).
#[derive(Debug, PartialEq)]
enum Mentions {
    One(Mention),
    Many(Vec<Mention>),
}

impl Mentions {
    /// Moves the mentions to the end of `out`.
    fn append_to(self, out: &mut Vec<Mention>) {
        match self {
            Mentions::One(m) => out.push(m),
            Mentions::Many(ms) => out.extend(ms),
        }
    }
}

impl std::ops::Deref for Mentions {
    type Target = [Mention];

    fn deref(&self) -> &[Mention] {
        match self {
            Mentions::One(m) => std::slice::from_ref(m),
            Mentions::Many(ms) => ms,
        }
    }
}

impl std::ops::DerefMut for Mentions {
    fn deref_mut(&mut self) -> &mut [Mention] {
        match self {
            Mentions::One(m) => std::slice::from_mut(m),
            Mentions::Many(ms) => ms,
        }
    }
}

/// The value of a count (see [`Scanner::count`]), as [`Count::text`]
/// writes it.
enum Count<'t> {
    /// A number, digits or words.
    Int(i64),
    /// Digits with thousands separators, as written.
    Grouped(&'t str),
    /// A vague quantity's value.
    Word(&'static str),
}

impl Count<'_> {
    /// The value as a TIMEX count: `12`, `2840`, `X`.
    fn text(self) -> String {
        match self {
            Count::Int(n) => n.to_string(),
            Count::Grouped(t) => t.chars().filter(|c| *c != ',').collect(),
            Count::Word(v) => v.to_string(),
        }
    }
}

fn one(start: usize, end: usize, what: What, modifier: Option<&'static str>) -> Found {
    Some((
        end,
        Mentions::One(Mention {
            start,
            end,
            what,
            modifier,
            lead: false,
            aside: false,
        }),
    ))
}

struct Scanner<'t, 'a> {
    t: &'t [Tok<'a>],
    lx: &'static Lexicon,
    starts: &'static Starts,
    /// Whether the text has named a BC year so far: then "in 216" is 216 BC.
    bc: std::cell::Cell<bool>,
}

const DASHES: [&str; 3] = ["-", "–", "—"];

/// "the next two weeks", "the final days": the adjectives of a duration
/// that has "the" before it.
const LEAD_ADJECTIVES: [&str; 15] = [
    "next",
    "following",
    "past",
    "last",
    "first",
    "previous",
    "final",
    "subsequent",
    "succeeding",
    "coming",
    "intervening",
    "preceding",
    "early",
    "closing",
    "opening",
];

/// The words outside the tables that a matcher reads right after the first
/// word of its match (dashes, "early in", "the final days", "age of"): they
/// are [`FOLLOWS`] words, which [`Scanner::may_start`] lets through. Any
/// word a matcher comes to read there must be added.
pub(crate) const NEXT_WORDS: [&[&str]; 3] = [
    &DASHES,
    &LEAD_ADJECTIVES,
    &[
        "in", "of", "the", "that", "this", "same", "later", "earlier", "early", "late", "small",
        "first", "second", "latter", "hundred", "century",
    ],
];

impl Scanner<'_, '_> {
    fn w(&self, i: usize) -> &str {
        match self.t.get(i) {
            Some(t) => t.lower,
            None => "",
        }
    }

    fn is(&self, i: usize, s: &str) -> bool {
        self.w(i) == s
    }

    fn is_any(&self, i: usize, s: &[&str]) -> bool {
        s.contains(&self.w(i))
    }

    fn adjacent(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| !t.space_before)
    }

    fn is_dash(&self, i: usize) -> bool {
        self.is_any(i, &DASHES)
    }

    fn table(&self, p: &Phrases, i: usize) -> Option<(usize, &'static str)> {
        p.at(self.t, i)
    }

    fn num(&self, i: usize) -> Option<u32> {
        self.t.get(i).and_then(|t| t.num)
    }

    /// Whether token `i` starts a phrase of the table of bit `bit`.
    #[inline]
    fn starts(&self, i: usize, bit: u32) -> bool {
        self.t.get(i).is_some_and(|t| t.tables & bit != 0)
    }

    /// An era marker (`BC`, `B.C.`, `AD`) at `i`: (end, is_bc). Its table
    /// bit is tested in line, as [`Self::unit`]'s is.
    #[inline(always)]
    fn era(&self, i: usize) -> Option<(usize, bool)> {
        if !self.starts(i, ERAS) {
            return None;
        }
        self.era_at(i)
    }

    /// [`Self::era`] past the table bit.
    fn era_at(&self, i: usize) -> Option<(usize, bool)> {
        let (e, v) = self.table(&self.lx.eras, i)?;
        // "AD" and "CE" only in upper case
        if !self.t[i].text.chars().all(|c| c.is_uppercase() || c == '.') {
            return None;
        }
        Some((e, v == "BC"))
    }

    /// A month name at `i` (with an optional abbreviation dot): (end,
    /// month). Its table bit is tested in line, as [`Self::unit`]'s is.
    #[inline(always)]
    fn month(&self, i: usize) -> Option<(usize, u32)> {
        if !self.starts(i, MONTHS) {
            return None;
        }
        self.month_at(i)
    }

    /// [`Self::month`] past the table bit.
    fn month_at(&self, i: usize) -> Option<(usize, u32)> {
        let t = self.t.get(i)?;
        let (mut e, v) = self.table(&self.lx.months, i)?;
        let m: u32 = v.parse().ok()?;
        let full = t.lower.len() > 3 || t.lower == "may";
        if !full {
            // abbreviations must be capitalized
            if !t.capitalized() {
                return None;
            }
            if self.is(e, ".") && self.adjacent(e) {
                e += 1;
            }
        } else if !t.capitalized() {
            return None;
        }
        Some((e, m))
    }

    /// A day of month at `i`: `7`, `7th`, `3rd`: (end, day).
    fn day(&self, i: usize) -> Option<(usize, u32)> {
        let t = self.t.get(i)?;
        if t.kind != TokKind::Num || t.digits > 2 {
            return None;
        }
        let d = t.num?;
        if !(1..=31).contains(&d) {
            return None;
        }
        let mut e = i + 1;
        if self.adjacent(e) && self.is_any(e, &["st", "nd", "rd", "th"]) {
            e += 1;
        }
        // "7.5", "7:30", "7%" are not days
        if self.adjacent(e) && self.is_any(e, &[":", "%"]) {
            return None;
        }
        Some((e, d))
    }

    /// A year at `i`. Without an era only 4-digit years 1000-2099 count
    /// (and 3-digit ones when `loose`). Returns (end, astronomical year).
    /// Most tokens are no plain number of up to four digits, which is
    /// tested in line.
    #[inline(always)]
    fn year(&self, i: usize, loose: bool) -> Option<(usize, i64)> {
        let t = self.t.get(i)?;
        if t.kind != TokKind::Num || t.grouped || t.digits > 4 {
            return None;
        }
        self.year_at(i, loose)
    }

    /// [`Self::year`] past the test of the token's kind.
    fn year_at(&self, i: usize, loose: bool) -> Option<(usize, i64)> {
        let t = &self.t[i];
        let y = t.num? as i64;
        let mut e = i + 1;
        if let Some((ee, bc)) = self.era(e) {
            if y == 0 {
                return None;
            }
            return Some((ee, if bc { 1 - y } else { y }));
        }
        if (t.digits == 4 && (1000..=2099).contains(&y)) || (loose && t.digits == 3 && y >= 100) {
            // "1980s" is a decade, "1500m" a distance
            if self.adjacent(e) && self.t.get(e).is_some_and(|t| t.kind == TokKind::Word) {
                return None;
            }
            // "the 1970's" is a decade; "1969's Man of the Year" a year
            if self.is(e, "'") && self.is(e + 1, "s") && self.adjacent(e + 1) && y % 10 == 0 {
                return None;
            }
            e = i + 1;
            Some((e, y))
        } else {
            None
        }
    }

    /// Whether a number at `i..e` standing alone can be a year, given its
    /// neighbours (`Resolution 884`, `T-72`, `1,500 men`, ISBNs are not).
    fn year_context_ok(&self, i: usize, e: usize) -> bool {
        self.year_before_ok(i) && self.year_after_ok(e)
    }

    /// The left half of [`Self::year_context_ok`].
    fn year_before_ok(&self, i: usize) -> bool {
        if i > 0 {
            let mut p = i - 1;
            if self.is(p, ".") && p > 0 {
                p -= 1;
            }
            if self.t[p].tables & NOT_YEAR_BEFORE != 0 {
                return false;
            }
            // T-72, Su-25, ISBN 0-19-...
            if (self.is_dash(i - 1) || self.is(i - 1, "/"))
                && self.adjacent(i)
                && self.adjacent(i - 1)
            {
                return false;
            }
            if self.t[i - 1].kind != TokKind::Punct && self.adjacent(i) {
                return false;
            }
        }
        true
    }

    /// The right half of [`Self::year_context_ok`].
    fn year_after_ok(&self, e: usize) -> bool {
        if let Some(n) = self.t.get(e) {
            if n.tables & NOT_YEAR_AFTER != 0 {
                return false;
            }
            if (self.is_dash(e) || self.is(e, "/")) && self.adjacent(e) && self.adjacent(e + 1) {
                // part of a chain like 0-8047-1234-5
                if self.t.get(e + 1).is_some_and(|t| t.kind == TokKind::Num)
                    && (self.is_dash(e + 2) || self.is(e + 2, "/"))
                    && self.adjacent(e + 2)
                {
                    return false;
                }
            }
            if self.adjacent(e)
                && (self.is(e, "%")
                    || (self.is(e, ":") && self.adjacent(e + 1) && self.num(e + 1).is_some()))
            {
                return false;
            }
        }
        true
    }

    /// A count at `i`: digits, number words (`twenty-four`), `a`, or a vague
    /// quantity (`a few`): (end, value, vague).
    ///
    /// Inlined for the digits, the common case; words are read by
    /// [`Self::count_words`].
    #[inline(always)]
    fn count(&self, i: usize) -> Option<(usize, Count<'_>, bool)> {
        let t = self.t.get(i)?;
        if t.kind == TokKind::Num {
            if t.grouped {
                return Some((i + 1, Count::Grouped(t.text), false));
            }
            return Some((i + 1, Count::Int(i64::from(t.num?)), false));
        }
        self.count_words(i)
    }

    /// [`Self::count`] of words: number words or a vague quantity.
    fn count_words(&self, i: usize) -> Option<(usize, Count<'_>, bool)> {
        if let Some((e, v)) = self.table(&self.lx.vague, i) {
            // "some fifty years": let the number win
            if self.table(&self.lx.numbers, e).is_none() || v != VAGUE_VALUE {
                return Some((e, Count::Word(v), v == VAGUE_VALUE));
            }
        }
        let n = Lexicon::num_at(&self.lx.numbers, self.t, i)?;
        let mut e = i + 1;
        let mut n = n;
        if (20..=90).contains(&n) && n % 10 == 0 {
            // twenty-four, twenty four
            let j = if self.is_dash(e) && self.adjacent(e) {
                e + 1
            } else {
                e
            };
            if let Some(u) = Lexicon::num_at(&self.lx.numbers, self.t, j) {
                if (1..=9).contains(&u) && self.w(j) != "a" && self.w(j) != "an" {
                    n += u;
                    e = j + 1;
                }
            }
        }
        if self.is(i, "a") || self.is(i, "an") {
            // "a hundred"
            if self.is(e, "hundred") {
                return Some((e + 1, Count::Int(100), false));
            }
        } else if self.is(e, "hundred") {
            n *= 100;
            e += 1;
        }
        Some((e, Count::Int(n), false))
    }

    /// A unit at `i`: (end, unit, multiplier, plural). Its table bit is
    /// tested in line: it is asked of many tokens, most of them no unit,
    /// which the bit says at less than the cost of a call.
    #[inline(always)]
    fn unit(&self, i: usize) -> Option<(usize, Unit, u32, bool)> {
        if !self.starts(i, UNITS) {
            return None;
        }
        self.unit_at(i)
    }

    /// [`Self::unit`] past the table bit.
    fn unit_at(&self, i: usize) -> Option<(usize, Unit, u32, bool)> {
        let (e, code) = self.table(&self.lx.units, i)?;
        let (u, m) = Unit::parse(code)?;
        Some((e, u, m, self.w(i).ends_with('s')))
    }

    /// An ordinal at `i`: `19th`, `nineteenth`, `twenty-first`: (end, n).
    fn ordinal(&self, i: usize) -> Option<(usize, i64)> {
        let t = self.t.get(i)?;
        if t.kind == TokKind::Num {
            let n = t.num? as i64;
            if self.adjacent(i + 1) && self.is_any(i + 1, &["st", "nd", "rd", "th"]) {
                return Some((i + 2, n));
            }
            return None;
        }
        if let Some(n) = Lexicon::num_at(&self.lx.ordinals, self.t, i) {
            return Some((i + 1, n));
        }
        let tens = Lexicon::num_at(&self.lx.numbers, self.t, i)?;
        if !(20..=90).contains(&tens) || tens % 10 != 0 {
            return None;
        }
        let j = if self.is_dash(i + 1) { i + 2 } else { i + 1 };
        let u = Lexicon::num_at(&self.lx.ordinals, self.t, j)?;
        (u < 10).then_some((j + 1, tens + u))
    }

    // ---------------------------------------------------------------- dates

    /// Core calendar dates: `2 October 2020`, `October 2, 2020`, `2020-10-02`,
    /// `October 2020`, `October`, `1939`, `480 BC`, holidays and seasons.
    fn date(&self, i: usize) -> Option<(usize, DateSpec)> {
        self.date_in(i, true)
    }

    /// [`Self::date`]; `check_left` false when a prefix ("mid-") already
    /// vouches for a bare year.
    fn date_in(&self, i: usize, check_left: bool) -> Option<(usize, DateSpec)> {
        let mut best: Option<(usize, DateSpec)> = None;
        let mut take = |c: Option<(usize, DateSpec)>| {
            if let Some(c) = c {
                if best.as_ref().map_or(true, |b| c.0 > b.0) {
                    best = Some(c);
                }
            }
        };
        // each kind of date starts with a number or a word of one table: the
        // token says which may (the first test each of them makes), so that
        // the others cost no call
        let t = self.t.get(i)?;
        let (num, tables) = (t.kind == TokKind::Num, t.tables);
        if t.digits == 4 {
            take(self.iso(i));
        }
        if num {
            take(self.day_month(i));
        }
        if tables & MONTHS != 0 {
            take(self.month_first(i));
        }
        if tables & SEASONS != 0 {
            take(self.season(i));
        }
        if tables & HOLIDAYS != 0 {
            take(self.holiday(i));
        }
        if tables & ERAS != 0 {
            take(self.era_year(i));
        }
        if num {
            take(self.bare_year(i, check_left));
        }
        best
    }

    /// A year after an era: `AD 1066`.
    fn era_year(&self, i: usize) -> Option<(usize, DateSpec)> {
        let (e, false) = self.era(i)? else {
            return None;
        };
        let t = self
            .t
            .get(e)
            .filter(|t| t.kind == TokKind::Num && !t.grouped && t.digits <= 4)?;
        let y = t.num.filter(|y| *y > 0)?;
        Some((
            e + 1,
            DateSpec {
                year: Some(i64::from(y)),
                ..Default::default()
            },
        ))
    }

    /// A year on its own (`1939`, `480 BC`), in a context that allows one
    /// (see [`Self::date_in`] for `check_left`).
    fn bare_year(&self, i: usize, check_left: bool) -> Option<(usize, DateSpec)> {
        let (e, y) = self.year(i, false)?;
        let left = !check_left || self.year_before_ok(i);
        if !(self.era(i + 1).is_some() || (left && self.year_after_ok(e))) {
            return None;
        }
        Some((
            e,
            DateSpec {
                year: Some(y),
                ..Default::default()
            },
        ))
    }

    fn iso(&self, i: usize) -> Option<(usize, DateSpec)> {
        let t = self.t.get(i)?;
        if t.digits != 4 || !self.is(i + 1, "-") || !self.is(i + 3, "-") {
            return None;
        }
        if !(self.adjacent(i + 1)
            && self.adjacent(i + 2)
            && self.adjacent(i + 3)
            && self.adjacent(i + 4))
        {
            return None;
        }
        let (y, m, d) = (t.num? as i64, self.num(i + 2)?, self.num(i + 4)?);
        if self.t[i + 2].digits != 2 || self.t[i + 4].digits != 2 || !(1..=12).contains(&m) {
            return None;
        }
        if d == 0 || d > crate::value::month_len(y, m) {
            return None;
        }
        Some((
            i + 5,
            DateSpec {
                year: Some(y),
                month: Some(m),
                day: Some(d),
                ..Default::default()
            },
        ))
    }

    /// A year after a month or day: `, 2020`, `2020`, `of 1940`, `of that year`.
    fn trailing_year(&self, i: usize, allow_comma: bool) -> Option<(usize, DateSpec)> {
        let mut j = i;
        if allow_comma && self.is(j, ",") {
            j += 1;
        }
        if self.is(j, "of") {
            if let Some((e, off)) = self.that_year(j + 1) {
                return Some((
                    e,
                    DateSpec {
                        rel_year: Some(off),
                        ..Default::default()
                    },
                ));
            }
            j += 1;
        }
        let (e, y) = self.year(j, true)?;
        if self.t[j].digits == 3 && self.era(j + 1).is_none() {
            return None;
        }
        if !self.year_context_ok(j, e) && self.era(j + 1).is_none() {
            return None;
        }
        Some((
            e,
            DateSpec {
                year: Some(y),
                ..Default::default()
            },
        ))
    }

    /// `that year`, `the same year`, `the following year`: (end, offset).
    fn that_year(&self, i: usize) -> Option<(usize, i64)> {
        let mut j = i;
        if self.is(j, "the") || self.is(j, "that") || self.is(j, "this") {
            j += 1;
        }
        let off = if self.is(j, "year") {
            if !self.is_any(i, &["that", "this"]) {
                return None;
            }
            0
        } else {
            let off = Lexicon::num_at(&self.lx.relative, self.t, j)?;
            j += 1;
            if !self.is(j, "year") {
                return None;
            }
            off
        };
        Some((j + 1, off))
    }

    fn day_month(&self, i: usize) -> Option<(usize, DateSpec)> {
        let (mut e, d) = self.day(i)?;
        if self.is(e, "of") {
            e += 1;
        }
        let (e, m) = self.month(e)?;
        let mut spec = DateSpec {
            month: Some(m),
            day: Some(d),
            ..Default::default()
        };
        if let Some((e2, y)) = self.trailing_year(e, true) {
            spec.year = y.year;
            spec.rel_year = y.rel_year;
            return Some((e2, spec));
        }
        Some((e, spec))
    }

    /// `October 2, 2020`, `October 2`, `October 2020`, `February of 1940`,
    /// `October`.
    fn month_first(&self, i: usize) -> Option<(usize, DateSpec)> {
        let (e, m) = self.month(i)?;
        let mut spec = DateSpec {
            month: Some(m),
            ..Default::default()
        };
        if let Some((e2, d)) = self.day(e) {
            // "May 1943" is a year, "May 4" a day
            if self.t[e].digits <= 2 {
                spec.day = Some(d);
                if let Some((e3, y)) = self.trailing_year(e2, true) {
                    spec.year = y.year;
                    spec.rel_year = y.rel_year;
                    return Some((e3, spec));
                }
                return Some((e2, spec));
            }
        }
        if let Some((e2, y)) = self.trailing_year(e, true) {
            spec.year = y.year;
            spec.rel_year = y.rel_year;
            return Some((e2, spec));
        }
        // a bare month; "May" must look like a month here
        if m == 5 && !self.month_context(i) {
            return None;
        }
        // "the Long March", "along the March", "March to the Sea", "Bert-Jan"
        if self.in_name(i)
            || (i > 0 && self.is(i - 1, "the"))
            || (i > 1
                && self.is_dash(i - 1)
                && self.adjacent(i)
                && self.adjacent(i - 1)
                && self.t[i - 2].kind == TokKind::Word
                && self.lx.positions.word_at(self.t, i - 2).is_none())
            || (self.is(e, "to") && self.is(e + 1, "the"))
        {
            return None;
        }
        Some((e, spec))
    }

    /// Whether token `i` continues a capitalized name mid-sentence ("the
    /// Long March", "White Christmas").
    fn in_name(&self, i: usize) -> bool {
        if i == 0 || !self.t[i - 1].capitalized() || self.t[i - 1].newline_before {
            return false;
        }
        // the capitalized word before must not itself open the sentence
        i >= 2
            && !matches!(self.t[i - 2].text, "." | "!" | "?" | "\"" | "(" | ":" | ";")
            && !self.t[i - 2].newline_before
    }

    /// Whether the word before `i` makes a bare "May" a month.
    fn month_context(&self, i: usize) -> bool {
        i > 0
            && self.is_any(
                i - 1,
                &[
                    "in", "of", "early", "late", "mid", "-", "(", "since", "until", "till", "by",
                    "from", "to", "and", "between", "through", "during", "end", "last", "next",
                    "that", "this",
                ],
            )
    }

    fn season(&self, i: usize) -> Option<(usize, DateSpec)> {
        let (e, s) = self.table(&self.lx.seasons, i)?;
        let mut spec = DateSpec {
            season: Some(s),
            ..Default::default()
        };
        let mut j = e;
        if self.is(j, "of") {
            if let Some((e2, y)) = self.trailing_year(j, false) {
                spec.year = y.year;
                spec.rel_year = y.rel_year;
                return Some((e2, spec));
            }
            if let Some((e2, off)) = self.rel_year_phrase(j + 1) {
                spec.rel_year = Some(off);
                return Some((e2, spec));
            }
        }
        if let Some((e2, y)) = self.year(j, false) {
            if self.year_context_ok(j, e2) || self.era(j + 1).is_some() {
                spec.year = Some(y);
                j = e2;
                return Some((j, spec));
            }
        }
        // "fall" is mostly a verb: require a determiner or a capital
        let prev = if i > 0 { self.w(i - 1) } else { "" };
        // "the fall of Atlanta" is an event
        if s == "FA" && self.w(i) == "fall" && self.is(e, "of") {
            return None;
        }
        if s == "FA"
            && self.w(i) == "fall"
            && ![
                "the", "in", "that", "this", "next", "last", "early", "late", "of",
            ]
            .contains(&prev)
        {
            return None;
        }
        Some((e, spec))
    }

    /// `next year`, `the next year`, `that year`: (end, offset).
    fn rel_year_phrase(&self, i: usize) -> Option<(usize, i64)> {
        if let Some(r) = self.that_year(i) {
            return Some(r);
        }
        let off = Lexicon::num_at(&self.lx.relative, self.t, i)?;
        self.is(i + 1, "year").then_some((i + 2, off))
    }

    fn holiday(&self, i: usize) -> Option<(usize, DateSpec)> {
        if !self.t.get(i)?.capitalized() {
            return None;
        }
        if self.in_name(i) {
            return None;
        }
        let (e, v) = self.table(&self.lx.holidays, i)?;
        let (m, d) = v.split_once('-')?;
        let mut spec = DateSpec {
            month: m.parse().ok(),
            day: d.parse().ok(),
            ..Default::default()
        };
        if let Some((e2, y)) = self.trailing_year(e, true) {
            spec.year = y.year;
            return Some((e2, spec));
        }
        Some((e, spec))
    }

    /// Dates with a part of day: `the night of April 18, 1775`, `the morning
    /// of 27 September`, `the early morning hours of 30 April`, `early in the
    /// morning of 29 April 1975`.
    fn daypart_of(&self, i: usize) -> Found {
        let mut j = i;
        if self.is(j, "early") && self.is(j + 1, "in") {
            j += 2;
        }
        if self.is(j, "the") {
            j += 1;
        }
        let early = self.is(j, "early") || self.is(j, "small");
        if early || self.is(j, "late") {
            j += 1;
        }
        let (mut e, pod) = match self.table(&self.lx.dayparts, j) {
            Some(x) => x,
            // "the early hours of 10 November", "the small hours of …": the
            // morning (as "the early morning hours of 30 April" is)
            None if early && self.is(j, "hours") => (j, "MO"),
            None => return None,
        };
        if self.is(e, "hours") {
            e += 1;
        }
        if !self.is(e, "of") {
            return None;
        }
        let (end, mut spec) = match self.day_month(e + 1).or_else(|| self.month_first(e + 1)) {
            Some(x) => x,
            // "the night of 3": a day of the narrative month
            None => {
                let (end, d) = self.day(e + 1)?;
                // "the night of 3-4 May": the month comes after the range
                let mut spec = DateSpec {
                    day: Some(d),
                    ..Default::default()
                };
                if self.is_dash(end) || self.is(end, "/") {
                    if let Some((_, s2)) = self.day_month(end + 1) {
                        spec.month = s2.month;
                        spec.year = s2.year;
                    }
                }
                (end, spec)
            }
        };
        spec.day?;
        spec.pod = Some(pod);
        one(i, end, What::Date(spec), None)
    }

    // ------------------------------------------------- modifiers and ranges

    /// `early 1920`, `late September`, `mid-1980s`, `the end of May 1941`,
    /// `the second half of 2008`, `early the next year`, `about 1910`.
    fn positioned(&self, i: usize) -> Found {
        let mut j = i;
        let modifier;
        let mut half = None;
        if self.is(j, "the") {
            j += 1;
            if self.is_any(j, &["first", "second", "latter"])
                && self.is(j + 1, "half")
                && self.is(j + 2, "of")
            {
                half = Some(if self.is(j, "first") { "H1" } else { "H2" });
                modifier = None;
                j += 3;
            } else {
                let (e, m) = self.table(&self.lx.positions, j)?;
                modifier = Some(m);
                j = e;
                if !self.is(j, "of") {
                    // "the late 1980s"
                    let (e, mut ms) = self.decade_or_century(j)?;
                    ms[0].start = i;
                    ms[0].modifier = modifier;
                    return Some((e, ms));
                }
                j += 1;
            }
        } else if let Some((e, q)) = self.table(&self.lx.quantifiers, j) {
            if q != "APPROX" {
                return None;
            }
            modifier = Some(q);
            j = e;
            // "about 1910": only years
            let (e, y) = self.year(j, false)?;
            if !self.year_context_ok(j, e) {
                return None;
            }
            return one(
                i,
                e,
                What::Date(DateSpec {
                    year: Some(y),
                    ..Default::default()
                }),
                modifier,
            );
        } else {
            if !self.is_any(j, &["early", "late", "mid", "middle"]) {
                return None;
            }
            let (e, m) = self.table(&self.lx.positions, j)?;
            modifier = Some(m);
            j = e;
            if self.is_dash(j) {
                j += 1;
            }
            if self.is(j, "in") {
                j += 1;
                if self.is(j, "the") && self.table(&self.lx.seasons, j + 1).is_none() {
                    // "early in the year", "late in the day", "early in the
                    // century": the narrative unit with the position's mod
                    // ("early in the morning of ..." is a daypart, below)
                    if let Some((ue, unit, 1, false)) = self.unit(j + 1) {
                        if !matches!(unit, Unit::Hour | Unit::Minute) {
                            return one(
                                i,
                                ue,
                                What::Rel {
                                    unit,
                                    offset: 0,
                                    pod: None,
                                },
                                modifier,
                            );
                        }
                    }
                }
            }
        }
        // what the modifier applies to
        if let Some((e, spec)) = self.date_in(j, false) {
            let mut spec = spec;
            if spec.day.is_some() && modifier.is_some() {
                return None;
            }
            if half.is_some() {
                if spec.month.is_some() || spec.season.is_some() {
                    return None;
                }
                spec.half = half;
            }
            return one(i, e, What::Date(spec), modifier);
        }
        if let Some((e, mut ms)) = self.decade_or_century(j) {
            if ms.len() == 1 {
                ms[0].start = i;
                ms[0].modifier = modifier;
                return Some((e, ms));
            }
        }
        if let Some((e, ms)) = self.relative(j) {
            if let [m] = &ms[..] {
                if matches!(
                    m.what,
                    What::Rel {
                        unit: Unit::Year | Unit::Month | Unit::Day,
                        ..
                    }
                ) {
                    return one(i, e, m.what.clone(), modifier);
                }
            }
        }
        if half.is_none() && self.is(j, "the") {
            if let Some((e, u)) = self.table(&self.lx.units, j + 1) {
                let unit = match u {
                    "Y" => Unit::Year,
                    "M" => Unit::Month,
                    _ => return None,
                };
                if !self.w(j + 1).ends_with('s') {
                    return one(
                        i,
                        e,
                        What::Rel {
                            unit,
                            offset: 0,
                            pod: None,
                        },
                        modifier,
                    );
                }
            }
        }
        None
    }

    /// Ranges written with a dash or "to": `6-7 February`, `April 6-7`,
    /// `1995-96`, `499-493 BC`, `499 to 493 BC`.
    fn range(&self, i: usize) -> Found {
        let dash_like = |k: usize| self.is_dash(k) || self.is_any(k, &["to", "and"]);
        // 6-7 February [1920]
        if let Some((e1, d1)) = self.day(i) {
            if self.is_dash(e1) {
                if let Some((e2, mut spec)) = self.day_month(e1 + 1) {
                    let first = DateSpec {
                        day: Some(d1),
                        ..spec.clone()
                    };
                    spec.day = spec.day.or(Some(d1));
                    return Some((
                        e2,
                        Mentions::Many(vec![
                            Mention {
                                start: i,
                                end: e1,
                                what: What::Date(first),
                                modifier: None,
                                lead: false,
                                aside: false,
                            },
                            Mention {
                                start: e1 + 1,
                                end: e2,
                                what: What::Date(spec),
                                modifier: None,
                                lead: false,
                                aside: false,
                            },
                        ]),
                    ));
                }
            }
        }
        // April 6-7[, 1915]
        if let Some((e0, m)) = self.month(i) {
            if let Some((e1, d1)) = self.day(e0) {
                if self.is_dash(e1) {
                    if let Some((e2, d2)) = self.day(e1 + 1) {
                        let mut y = None;
                        let mut e3 = e2;
                        if let Some((e, s)) = self.trailing_year(e2, true) {
                            y = s.year;
                            e3 = e;
                        }
                        let a = DateSpec {
                            year: y,
                            month: Some(m),
                            day: Some(d1),
                            ..Default::default()
                        };
                        let b = DateSpec {
                            day: Some(d2),
                            ..a.clone()
                        };
                        return Some((
                            e3,
                            Mentions::Many(vec![
                                Mention {
                                    start: i,
                                    end: e1,
                                    what: What::Date(a),
                                    modifier: None,
                                    lead: false,
                                    aside: false,
                                },
                                Mention {
                                    start: e1 + 1,
                                    end: e3,
                                    what: What::Date(b),
                                    modifier: None,
                                    lead: false,
                                    aside: false,
                                },
                            ]),
                        ));
                    }
                }
            }
        }
        // years
        let t = self.t.get(i)?;
        if t.kind != TokKind::Num || t.grouped || !(3..=4).contains(&t.digits) {
            return None;
        }
        let y1 = t.num? as i64;
        if !dash_like(i + 1) {
            return None;
        }
        let j = i + 2;
        let t2 = self.t.get(j)?;
        if t2.kind != TokKind::Num || t2.grouped {
            return None;
        }
        let n2 = t2.num? as i64;
        let mut e = j + 1;
        let era = self.era(e);
        if let Some((ee, _)) = era {
            e = ee;
        }
        let bc = era.is_some_and(|(_, bc)| bc);
        let tight = self.is_dash(i + 1);
        let y2 = if t2.digits == 2 && tight && !bc {
            y1 - y1 % 100 + n2
        } else if (3..=4).contains(&t2.digits) {
            n2
        } else {
            return None;
        };
        let ok = if bc {
            y2 < y1
        } else {
            t.digits == 4
                && (1000..=2099).contains(&y1)
                && y2 > y1
                && y2 - y1 < 200
                && (era.is_some() || t2.digits == 2 || (1000..=2099).contains(&y2))
        };
        if !ok || !self.year_context_ok(i, i + 1) {
            return None;
        }
        if !tight && !bc {
            return None;
        }
        if !bc && !self.year_after_ok(j + 1) {
            return None;
        }
        let astro = |y: i64| if bc { 1 - y } else { y };
        Some((
            e,
            Mentions::Many(vec![
                Mention {
                    start: i,
                    end: i + 1,
                    what: What::Date(DateSpec {
                        year: Some(astro(y1)),
                        ..Default::default()
                    }),
                    modifier: None,
                    lead: false,
                    aside: false,
                },
                Mention {
                    start: j,
                    end: e,
                    what: What::Date(DateSpec {
                        year: Some(astro(y2)),
                        ..Default::default()
                    }),
                    modifier: None,
                    lead: false,
                    aside: false,
                },
            ]),
        ))
    }

    /// `the 1990s`, `1980s`, `the 470s BC`, `the 19th century`, `21st century`.
    fn decade_or_century(&self, i: usize) -> Found {
        let mut j = i;
        if self.is(j, "the") {
            j += 1;
        }
        let t = self.t.get(j)?;
        if t.kind == TokKind::Num && !t.grouped && (3..=4).contains(&t.digits) && t.num? % 10 == 0 {
            let mut e = j + 1;
            if self.is(e, "'") && self.adjacent(e) {
                e += 1;
            }
            if self.is(e, "s") && self.adjacent(e) {
                e += 1;
                let mut bc = false;
                if let Some((ee, b)) = self.era(e) {
                    bc = b;
                    e = ee;
                }
                let d = t.num? as i64 / 10;
                return one(i, e, What::Decade { bc, decade: d }, None);
            }
        }
        let (e, n) = self.ordinal(j)?;
        let mut e = e;
        if self.is_dash(e) {
            e += 1;
        }
        if !self.is(e, "century") {
            return None;
        }
        e += 1;
        let mut bc = false;
        if let Some((ee, b)) = self.era(e) {
            bc = b;
            e = ee;
        }
        if n < 1 {
            return None;
        }
        one(i, e, What::Century { bc, century: n - 1 }, None)
    }

    // --------------------------------------------------- relative and vague

    /// `the next day`, `that same day`, `the previous year`, `that month`,
    /// `the following morning`, `earlier that year`, `later that month`,
    /// `the day before`, `this year`, `next summer`.
    fn relative(&self, i: usize) -> Found {
        let mut j = i;
        let mut later_earlier = false;
        if self.is_any(j, &["later", "earlier"]) && !self.is(j + 1, "than") {
            later_earlier = true;
            j += 1;
            if self.is(j, "in") {
                j += 1;
            }
        }
        let det = self.is_any(j, &["the", "that", "this"]);
        let demonstrative = self.is_any(j, &["that", "this"]);
        if det {
            j += 1;
        }
        let mut off: Option<i64> = if demonstrative { Some(0) } else { None };
        // "at the same time": the narrative date itself
        if det && self.is(j, "same") && self.is(j + 1, "time") {
            return one(i, j + 2, What::Same, None);
        }
        if let Some(o) = Lexicon::num_at(&self.lx.relative, self.t, j) {
            if !(self.is_any(j, &["that", "this"]) && det) {
                off = Some(o);
                j += 1;
            }
            if self.is(j, "same") {
                off = Some(0);
                j += 1;
            }
        }
        // "in the early hours, drones struck" (no day named): that day's
        // morning, as "the early hours of 10 November" is
        let small_hours = det
            && !demonstrative
            && self.is_any(j, &["early", "small"])
            && self.is(j + 1, "hours")
            && !self.is(j + 2, "of");
        if small_hours {
            off = Some(0);
        }
        // unit or part of day
        let (e, unit, pod) = if small_hours {
            (j + 2, Unit::Day, Some("MO"))
        } else if let Some((e, pod)) = self.table(&self.lx.dayparts, j) {
            if self.w(j).ends_with('s') {
                return None;
            }
            (e, Unit::Day, Some(pod))
        } else if let Some((e, s)) = self.table(&self.lx.seasons, j) {
            // next summer, this spring, that winter
            let o = off.or(later_earlier.then_some(0))?;
            if !det && !["next", "last", "this", "that"].contains(&self.w(j - 1)) {
                return None;
            }
            let spec = DateSpec {
                season: Some(s),
                rel_year: Some(if self.is(j - 1, "last") { -1 } else { o }),
                ..Default::default()
            };
            return one(i, e, What::Date(spec), None);
        } else if let Some((e, u, _, plural)) = self.unit(j) {
            if plural {
                return None;
            }
            (e, u, None)
        } else {
            return None;
        };
        let mut e = e;
        // "in the morning", "by the evening", "during the night" (no day
        // named, and not "the morning of ..."): the narrative day's.
        let this_day = pod.is_some()
            && det
            && !demonstrative
            && i > 0
            && self.is_any(i - 1, &["in", "by", "during", "through"])
            && !self.is_any(e, &["of", "after", "before", "following"]);
        let offset = match off {
            Some(o) => o,
            None if this_day => 0,
            // "later in the year"
            None if later_earlier && det => 0,
            None => {
                // "the day before", "the day after", "the year before"
                if det && self.is_any(e, &["before", "after", "following"]) && !demonstrative {
                    let o = if self.is(e, "before") { -1 } else { 1 };
                    // not "the day after the attack"
                    let nxt = self.w(e + 1);
                    if self.is(e, "following")
                        || !(nxt == "the" || self.t.get(e + 1).is_some_and(|t| t.capitalized()))
                    {
                        e += 1;
                        o
                    } else if unit == Unit::Day && pod.is_none() {
                        // event-anchored: "the day before Obama's speech"
                        e = self.event_np(e + 1)?;
                        o
                    } else {
                        return None;
                    }
                } else {
                    return None;
                }
            }
        };
        // bare "next"/"last" without determiner: "next year", "last year"
        if !det && !later_earlier && !self.is_any(i, &["next", "last"]) {
            return None;
        }
        if !det && later_earlier {
            return None;
        }
        if matches!(unit, Unit::Hour | Unit::Minute) {
            return None;
        }
        if self.is_any(i, &["the"]) && offset == -1 && self.is(i + 1, "last") {
            // "the last day of ..." is not "the previous day"
            return None;
        }
        if demonstrative && unit == Unit::Day && pod.is_none() && self.is(i, "this") {
            // "this day" is often "to this day"
            if i > 0 && self.is(i - 1, "to") {
                return None;
            }
        }
        one(i, e, What::Rel { unit, offset, pod }, None)
    }

    /// `now`, `currently`, `former`, `recently`, `the past`, `the future`.
    fn reference(&self, i: usize) -> Found {
        let (e, v) = self.table(&self.lx.refs, i)?;
        // "the former" as a pronoun ("the former was ..."): no time at all
        if self.is(i, "former") && i > 0 && self.is(i - 1, "the") {
            let next = self.t.get(e);
            if next.map_or(true, |t| t.kind == TokKind::Punct)
                || self.is_any(
                    e,
                    &[
                        "was", "were", "is", "are", "had", "has", "would", "could", "an", "a",
                        "the", "and", "but", "being",
                    ],
                )
            {
                return None;
            }
        }
        one(i, e, What::Ref(v), None)
    }

    /// "yesterday", "tomorrow" (with a part of the day: "yesterday
    /// morning"): a day counted from the narrative (or writing) date.
    fn deictic(&self, i: usize) -> Found {
        let (mut e, v) = self.table(&self.lx.deictic, i)?;
        let offset: i64 = v.parse().ok()?;
        let mut pod = None;
        if let Some((pe, p)) = self.table(&self.lx.dayparts, e) {
            (e, pod) = (pe, Some(p));
        }
        let mut found = one(
            i,
            e,
            What::Rel {
                unit: Unit::Day,
                offset,
                pod,
            },
            None,
        );
        // counted from the time of speaking: the narrative stays put
        // ("yesterday ... tomorrow" are two days apart)
        for m in found.iter_mut().flat_map(|f| f.1.iter_mut()) {
            m.aside = true;
        }
        found
    }

    /// Durations and counted offsets: `44 days`, `two months`, `a few days`,
    /// `24-year`, `more than three years`, `two days later`, `a week after
    /// the ceasefire`, `nineteen years old`, `the next few months`.
    fn counted(&self, i: usize) -> Found {
        // "weeks later", "months earlier"
        if let Some((e, _, _, true)) = self.unit(i) {
            if self.is_any(e, &["later", "earlier"]) {
                let v = if self.is(e, "later") {
                    "FUTURE_REF"
                } else {
                    "PAST_REF"
                };
                return one(i, e + 1, What::Ref(v), None);
            }
        }
        let mut j = i;
        let mut modifier = None;
        let mut lead_the = false;
        let mut lead_adj = false;
        if self.is(j, "the") {
            j += 1;
            if self.is_any(j, &LEAD_ADJECTIVES) {
                j += 1;
                lead_the = true;
                lead_adj = true;
            } else {
                lead_the = true;
            }
        }
        if !lead_the {
            if let Some((e, q)) = self.table(&self.lx.quantifiers, j) {
                if self.count(e).is_some() {
                    modifier = (q != "-").then_some(q);
                    j = e;
                }
            }
        }
        // the count written out only once a unit follows (most counts,
        // numbers in the text, have none)
        let (mut e, n, vague) = match self.count(j) {
            Some((e, n, vague)) => (e, Some(n), vague),
            None if lead_adj => (j, None, true),
            None => return None,
        };
        // "a few" etc. need a plural unit, numbers > 1 too; "a" a singular one
        let hyphen = self.is_dash(e) && self.adjacent(e) && self.adjacent(e + 1);
        if hyphen {
            e += 1;
        }
        let (e, (ue, unit, mult, plural)) = match self.unit(e) {
            Some(u) => (e, u),
            None if vague || hyphen => return None,
            None => (e + 1, self.unit_after_adjective(j, e)?),
        };
        // "the early hours" is a time of day (see `relative`), not a span
        if lead_adj && self.is(j - 1, "early") && self.is(e, "hours") {
            return None;
        }
        let n = n.map_or_else(String::new, Count::text);
        // "the Seven Days", "the 46-day siege", "the ten year truce": the
        // article belongs to the noun phrase, not to the duration
        let i = if lead_the && !lead_adj && (hyphen || !plural || self.t[e].capitalized()) {
            i + 1
        } else {
            i
        };
        // "the first year", "the past decade": one unit; "the next few months": X
        let (n, vague) = if n.is_empty() {
            if plural {
                ("X".to_string(), true)
            } else {
                ("1".to_string(), false)
            }
        } else {
            (n, vague)
        };
        if self.t[j].kind == TokKind::Num && self.t[j].num.is_some_and(|n| n == 0) {
            return None;
        }
        let n = if mult > 1 && !vague {
            n.parse::<f64>()
                .map(|x| (x * mult as f64).to_string())
                .unwrap_or(n)
        } else {
            n
        };
        let mut e = ue;
        let is_a = !vague && self.is_any(j, &["a", "an", "one", "single"]);
        if hyphen {
            // 24-year, three-day: singular unit
            if plural {
                return None;
            }
            // "year-long", "13-year-old"
            if self.is(e, "-") && self.is_any(e + 1, &["long", "old"]) && self.adjacent(e) {
                e += 2;
            }
            let (s0, e) = self.period(i, e);
            return one(s0, e, What::Duration(unit.duration(&n)), modifier);
        }
        // "years old", "years of age"
        if self.is(e, "old") {
            e += 1;
        } else if self.is(e, "of") && self.is(e + 1, "age") {
            e += 2;
        }
        if self.is(e, "long") && !plural {
            e += 1;
        }
        // relative: two days later / earlier / ago / after X / before X
        let direction = if lead_the {
            None
        } else {
            self.table(&self.lx.directions, e)
        };
        if let Some((_, dir)) = direction {
            let event = dir.ends_with('E');
            let sign: i64 = if dir.starts_with('-') { -1 } else { 1 };
            let mut end = e + 1;
            if event {
                // event-based: "a week after the ceasefire"
                if let Some(x) = self.event_np(e + 1) {
                    end = x;
                }
            }
            if vague || n == "X" {
                return one(
                    i,
                    end,
                    What::Ref(if sign > 0 { "FUTURE_REF" } else { "PAST_REF" }),
                    None,
                );
            }
            let k: f64 = n.parse().ok()?;
            if k.fract() != 0.0 {
                return None;
            }
            // "a decade earlier" is a year, not a decade
            let (unit, k) = match unit {
                Unit::Decade => (Unit::Year, k * 10.0),
                Unit::Century => (Unit::Year, k * 100.0),
                u => (u, k),
            };
            return one(
                i,
                end,
                What::Rel {
                    unit,
                    offset: sign * k as i64,
                    pod: None,
                },
                modifier,
            );
        }
        if plural && is_a {
            return None;
        }
        // "two months of fierce battles", "the first year of the war"
        if self.is(e, "of")
            && self.t.get(e + 1).is_some_and(|t| t.kind == TokKind::Word)
            && !self.is_any(e + 1, &["age", "that", "this"])
            && self.month(e + 1).is_none()
        {
            if let Some(x) = self.of_np(e + 1) {
                e = x;
            }
        }
        let (s0, e) = self.period(i, e);
        one(s0, e, What::Duration(unit.duration(&n)), modifier)
    }

    /// "two bloody weeks", "the four previous weeks": the plural unit after
    /// one adjective at `e` that may stand between count `j` and its unit
    /// (see [`Self::counted`]).
    fn unit_after_adjective(&self, j: usize, e: usize) -> Option<(usize, Unit, u32, bool)> {
        if self.is_any(j, &ARTICLES)
            || !self
                .t
                .get(e)
                .is_some_and(|t| t.kind == TokKind::Word && !t.capitalized())
        {
            return None;
        }
        self.unit(e + 1).filter(|&(_, _, _, plural)| plural)
    }

    /// In a text about BC years, a bare 2- or 3-digit year after "in", "by",
    /// "until", "since", "from", "to", "of" ("In 216, Hannibal ...").
    fn bc_year(&self, i: usize) -> Found {
        if !self.bc.get() || i == 0 {
            return None;
        }
        let t = &self.t[i];
        if t.kind != TokKind::Num || t.grouped || !(2..=3).contains(&t.digits) {
            return None;
        }
        let y = t.num? as i64;
        if y < 10
            || !self.is_any(
                i - 1,
                &[
                    "in", "by", "until", "since", "from", "to", "of", "after", "before", "around",
                    "about",
                ],
            )
        {
            return None;
        }
        let n = self.t.get(i + 1);
        if n.is_some_and(|n| n.kind == TokKind::Word)
            && !self.is_any(
                i + 1,
                &["and", "or", "when", "the", "he", "she", "they", "it"],
            )
        {
            return None;
        }
        if !self.year_after_ok(i + 1)
            || self.is_any(i + 1, &["%", "-", "–", ":", "."])
                && self
                    .t
                    .get(i + 2)
                    .is_some_and(|t| t.kind == TokKind::Num && !t.space_before)
        {
            return None;
        }
        one(
            i,
            i + 1,
            What::Date(DateSpec {
                year: Some(1 - y),
                ..Default::default()
            }),
            None,
        )
    }

    /// An age: "died at age seventy-nine", "aged 22": the number is a
    /// duration in years.
    fn age(&self, i: usize) -> Found {
        if !self.is_any(i, &["age", "aged"]) {
            return None;
        }
        let j = if self.is(i + 1, "of") { i + 2 } else { i + 1 };
        let (e, n, vague) = self.count(j)?;
        let n = n.text();
        if vague || self.t[j].kind == TokKind::Word && self.is_any(j, &["a", "an"]) {
            return None;
        }
        Some((
            e,
            Mentions::One(Mention {
                start: j,
                end: e,
                what: What::Duration(Unit::Year.duration(&n)),
                modifier: None,
                lead: false,
                aside: false,
            }),
        ))
    }

    /// The noun phrase after "after"/"before" in event-anchored expressions.
    fn event_np(&self, i: usize) -> Option<usize> {
        self.np(i, true)
    }

    /// The phrase after a duration's "of" ("two months of fierce battles").
    fn of_np(&self, i: usize) -> Option<usize> {
        self.np(i, false)
    }

    /// A short noun phrase from `i`, up to punctuation or a clause word;
    /// with `det_start` it must open with a determiner or a name.
    fn np(&self, i: usize, det_start: bool) -> Option<usize> {
        let mut j = i;
        let mut words = 0;
        let stop = [
            "and", "but", "was", "were", "had", "has", "when", "which", "who", "that", "to", "in",
            "on", "at", "with", "as", "for", "by", "while", "he", "she", "they", "it", "his",
            "their",
        ];
        while let Some(t) = self.t.get(j) {
            if t.kind == TokKind::Punct && t.text != "'" && t.text != "’" {
                break;
            }
            if words > 0 && stop.contains(&t.lower) {
                break;
            }
            if words >= 6 {
                break;
            }
            words += 1;
            j += 1;
        }
        // an event starts with a determiner or a name, not a verb
        let first = self.t.get(i)?;
        let det = [
            "the", "a", "an", "this", "that", "his", "her", "its", "their", "our", "my",
        ];
        if det_start && !first.capitalized() && !det.contains(&first.lower) {
            return None;
        }
        while j > i && self.is_any(j - 1, &["the", "a", "an", "of", "in"]) {
            j -= 1;
        }
        (j > i).then_some(j)
    }

    /// "a sixty-day period", "the same 28-day period": the duration takes in
    /// the word "period" and the article before it. Returns (start, end).
    fn period(&self, i: usize, e: usize) -> (usize, usize) {
        if !self.is(e, "period") {
            return (i, e);
        }
        let mut s = i;
        if s >= 2 && self.is(s - 1, "same") && self.is(s - 2, "the") {
            s -= 2;
        } else if s >= 1 && self.is_any(s - 1, &["a", "an", "the"]) {
            s -= 1;
        }
        (s, e + 1)
    }

    /// `every year`, `each day`, `daily`, `per week`.
    fn set(&self, i: usize) -> Found {
        if let Some((e, v)) = self.table(&self.lx.sets, i) {
            // "Daily Sabah", "Weekly Standard": names
            if self.t[i].capitalized() && self.t.get(e).is_some_and(|t| t.capitalized()) {
                return None;
            }
            return one(i, e, What::Set(v.to_string()), None);
        }
        if self.is_any(i, &["every", "each"]) {
            if let Some((e, u, _, false)) = self.unit(i + 1) {
                let v = match u {
                    Unit::Day => "XXXX-XX-XX",
                    Unit::Week => "XXXX-WXX",
                    Unit::Month => "XXXX-XX",
                    Unit::Year => "XXXX",
                    _ => return None,
                };
                return one(i, e, What::Set(v.into()), None);
            }
            if let Some((e, pod)) = self.table(&self.lx.dayparts, i + 1) {
                return one(i, e, What::Set(format!("XXXX-XX-XXT{pod}")), None);
            }
        }
        if self.is(i, "per") {
            if let Some((e, u, _, false)) = self.unit(i + 1) {
                return one(i, e, What::Set(u.duration("1")), None);
            }
        }
        None
    }

    /// `9:34 p.m.`, `3:00 a.m.`, `5:34 AM`.
    fn time(&self, i: usize) -> Found {
        let h = self.num(i)?;
        if self.t[i].digits > 2 || h > 24 {
            return None;
        }
        // "9:34", or "11 a.m." with the minutes left out
        let (mut e, m, needs_ampm) =
            if self.is(i + 1, ":") && self.adjacent(i + 1) && self.adjacent(i + 2) {
                let m = self.num(i + 2)?;
                if self.t[i + 2].digits != 2 || m > 59 {
                    return None;
                }
                (i + 3, m, false)
            } else {
                if !(1..=12).contains(&h) {
                    return None;
                }
                // "11 o'clock"
                if self.is(i + 1, "o") && self.is_any(i + 2, &["'", "’"]) && self.is(i + 3, "clock")
                {
                    let (e, d) = (i + 4, None);
                    return one(
                        i,
                        e,
                        What::Time {
                            hour: h,
                            minute: 0,
                            date: d,
                        },
                        None,
                    );
                }
                (i + 1, 0, true)
            };
        let mut h = h;
        let ampm = |k: usize| -> Option<(usize, bool)> {
            let w = self.w(k);
            if w == "am" || w == "pm" {
                return Some((k + 1, w == "pm"));
            }
            if (w == "a" || w == "p") && self.is(k + 1, ".") && self.is(k + 2, "m") {
                let mut e = k + 3;
                if self.is(e, ".") && self.adjacent(e) {
                    e += 1;
                }
                return Some((e, w == "p"));
            }
            None
        };
        match ampm(e) {
            Some((ee, pm)) => {
                e = ee;
                if pm && h < 12 {
                    h += 12;
                } else if !pm && h == 12 {
                    h = 0;
                }
            }
            None if needs_ampm => return None,
            None => {}
        }
        // the day it happened on may follow: "... Baghdad time on March 20"
        let mut date = None;
        for k in e..e + 4 {
            if self.t.get(k).map_or(true, |t| t.kind == TokKind::Punct) {
                break;
            }
            if self.is(k, "on") {
                date = self.date(k + 1).map(|(_, d)| d).filter(|d| d.day.is_some());
                break;
            }
        }
        one(
            i,
            e,
            What::Time {
                hour: h,
                minute: m,
                date,
            },
            None,
        )
    }

    /// "at night", "night attacks", "night-time": an unspecified night.
    fn night(&self, i: usize) -> Found {
        if !self.is(i, "night") {
            return None;
        }
        let mut e = i + 1;
        let dash = self.is_dash(e) && self.adjacent(e) && self.adjacent(e + 1);
        if dash && self.is(e + 1, "time") {
            e += 2;
        }
        let ok = (i > 0 && self.is(i - 1, "at"))
            || dash
            || self.is_any(
                i + 1,
                &[
                    "attack", "attacks", "raid", "raids", "march", "marches", "assault", "assaults",
                ],
            );
        if ok {
            return one(i, e, What::Fixed("XXXX-XX-XXTNI"), None);
        }
        None
    }

    fn weekday(&self, i: usize) -> Found {
        if !self.t.get(i)?.capitalized() {
            return None;
        }
        let (mut e, v) = self.table(&self.lx.weekdays, i)?;
        // "Tuesday night", "Monday morning"
        let mut pod = None;
        if let Some((pe, p)) = self.table(&self.lx.dayparts, e) {
            if !self.w(e).ends_with('s') {
                (e, pod) = (pe, Some(p));
            }
        }
        one(i, e, What::Weekday(v.parse().ok()?, pod), None)
    }

    /// A calendar date on its own ([`Self::date`]).
    fn plain_date(&self, i: usize) -> Found {
        let (e, spec) = self.date(i)?;
        if spec.year.is_none()
            && spec.month.is_none()
            && spec.season.is_none()
            && spec.day.is_none()
        {
            return None;
        }
        one(i, e, What::Date(spec), None)
    }

    /// "the summer", "the early summer", "the winter of 1914".
    fn the_season(&self, i: usize) -> Found {
        if !self.is(i, "the") {
            return None;
        }
        let mut j = i + 1;
        let mut modifier = None;
        if self.is_any(j, &["early", "late"]) {
            modifier = self.lx.positions.word_at(self.t, j);
            j += 1;
        }
        let (e, spec) = self.season(j)?;
        one(i, e, What::Date(spec), modifier)
    }

    /// Whether a match may start at token `i`: the gate in front of
    /// [`Self::all`], which no match gets past at most tokens.
    ///
    /// A number may start one; punctuation never does; a word only when it
    /// is a [`TRIGGER`], and then either it is [`ALONE`] or the next token
    /// is a number or a [`FOLLOWS`] word. That drops "the", "a", "that"
    /// before words no matcher reads ("the army", "that the").
    ///
    /// Why the gate drops no match, matcher by matcher, for a word `w` at
    /// `i` that is no [`ALONE`] word (so it is no single-token phrase of the
    /// months, seasons, holidays, weekdays, parts of day, references,
    /// deictic words or sets, no number word but an article, and no
    /// non-vague single-token count): every match from `w` reads token
    /// `i + 1` and needs it to be a number or a [`FOLLOWS`] word: a word of
    /// some phrase (every table's words, so also the second word of a
    /// phrase starting with `w`) or one of [`NEXT_WORDS`].
    ///
    /// * [`Self::range`], [`Self::plain_date`] start with a number, a
    ///   month, season or holiday (`w` is then a multi-token phrase's
    ///   first word, `i + 1` its second), or an era, which a number
    ///   follows ("AD 1066").
    /// * [`Self::daypart_of`]: "early in", "the early|late|small|<part of
    ///   day>", "early|late <part of day>", "early hours"; from a part of
    ///   day itself `w` is one.
    /// * [`Self::positioned`]: "the first|second|latter half", "the
    ///   <position>"; an approximate quantifier and a year ("about 1910");
    ///   "early|late|mid|middle" and a dash, "in", "the", or what
    ///   [`Self::date_in`], [`Self::decade_or_century`] or [`Self::relative`]
    ///   starts from (numbers, table words, "later", "that").
    /// * [`Self::decade_or_century`]: "the" and a number or ordinal or
    ///   number word; an ordinal and a dash or "century"; a tens word
    ///   ("twenty") and a dash or an ordinal.
    /// * [`Self::relative`]: "later|earlier" and "in", a determiner or a
    ///   relative, unit, season or part-of-day word; a determiner or
    ///   relative word and "same" or a table word. A unit, season or part
    ///   of day without a determiner, relative or "later" before it makes
    ///   none.
    /// * [`Self::reference`], [`Self::deictic`], [`Self::weekday`], the
    ///   table branch of [`Self::set`]: a phrase; "every|each" and a unit or
    ///   part of day, "per" and a unit.
    /// * [`Self::counted`]: a plural unit and "later|earlier"; "the" and an
    ///   adjective of its list or a count (a number, a number word, a vague
    ///   quantity); a quantifier and a count; a count: a number, a phrase of
    ///   several words, or a single word followed by a dash, "hundred", a
    ///   number word ("twenty four") or its unit. Only a non-vague count
    ///   that is no article may take an adjective before the unit, and
    ///   those are [`ALONE`].
    /// * [`Self::age`]: "age|aged" and "of" or a count.
    /// * [`Self::the_season`]: "the" and "early|late" or a season.
    /// * [`Self::night`]: "night" is [`ALONE`] (a part of day).
    /// * [`Self::time`], [`Self::bc_year`]: a number.
    ///
    /// A match of one word is one of the phrases above, so at the last token
    /// only an [`ALONE`] word or a number starts one.
    #[inline]
    fn may_start(&self, i: usize) -> bool {
        let t = &self.t[i];
        match t.kind {
            TokKind::Num => true,
            TokKind::Punct => false,
            TokKind::Word => {
                t.tables & TRIGGER != 0
                    && (t.tables & ALONE != 0
                        || self
                            .t
                            .get(i + 1)
                            .is_some_and(|n| n.kind == TokKind::Num || n.tables & FOLLOWS != 0))
            }
        }
    }

    /// The matchers, and what the matches of each may start with.
    ///
    /// Why each can start with nothing else (a word that is none of these
    /// may still stand anywhere later in the match):
    ///
    /// * [`Self::range`]: a day or a year (numbers) or a month;
    /// * [`Self::plain_date`] ([`Self::date_in`]): an ISO date, a day, a year
    ///   (numbers), a month, season, holiday or era ("AD 1066");
    /// * [`Self::daypart_of`]: "early in", "the", "early|late", a part of
    ///   day;
    /// * [`Self::positioned`]: "the", a quantifier ("about 1910"),
    ///   "early|late|mid|middle";
    /// * [`Self::decade_or_century`]: "the", a number, an ordinal, a tens
    ///   word ("twenty-first");
    /// * [`Self::relative`]: "later|earlier", a determiner, a relative word
    ///   ("that", "next"); from a unit, season or part of day without them
    ///   it makes none;
    /// * [`Self::reference`], [`Self::deictic`], [`Self::weekday`]: their
    ///   table's phrase;
    /// * [`Self::counted`]: a plural unit ("weeks later"), "the", a
    ///   quantifier, a count (a number, a number word, a vague quantity);
    /// * [`Self::set`]: a set word ("daily"), "every|each|per";
    /// * [`Self::time`], [`Self::bc_year`]: a number;
    /// * [`Self::night`]: "night"; [`Self::age`]: "age|aged";
    ///   [`Self::the_season`]: "the".
    ///
    /// Of equally long matches at a token the first here wins.
    #[rustfmt::skip]
    const MATCHERS: [(Matcher<Self>, Start); 16] = [
        (Self::range, Start::num(MONTHS, &[])),
        (Self::plain_date, Start::num(MONTHS | SEASONS | HOLIDAYS | ERAS, &[])),
        (Self::daypart_of, Start::word(DAYPARTS, &["early", "the", "late"])),
        (Self::positioned, Start::word(QUANTIFIERS, &["the", "early", "late", "mid", "middle"])),
        (Self::decade_or_century, Start::num(ORDINALS | NUMBERS, &["the"])),
        (Self::relative, Start::word(RELATIVE, &["later", "earlier", "the", "that", "this"])),
        (Self::reference, Start::word(REFS, &[])),
        (Self::deictic, Start::word(DEICTIC, &[])),
        (Self::counted, Start::num(UNITS | QUANTIFIERS | VAGUE | NUMBERS, &["the"])),
        (Self::set, Start::word(SETS, &["every", "each", "per"])),
        (Self::time, Start::num(0, &[])),
        (Self::weekday, Start::word(WEEKDAYS, &[])),
        (Self::night, Start::word(0, &["night"])),
        (Self::age, Start::word(0, &["age", "aged"])),
        (Self::bc_year, Start::num(0, &[])),
        (Self::the_season, Start::word(0, &["the"])),
    ];

    /// The longest match at token `i` (which [`Self::may_start`]), of the
    /// matchers that may match from its first token.
    fn all(&self, i: usize) -> Found {
        let t = &self.t[i];
        let starts = if t.kind == TokKind::Num {
            self.starts.num
        } else {
            self.starts.words.get(t.id as usize).copied().unwrap_or(0)
        };
        self.longest(i, starts)
    }

    /// The longest match at token `i` of the matchers whose bit (by their
    /// place in [`Self::MATCHERS`]) `which` sets.
    fn longest(&self, i: usize, which: u16) -> Found {
        let mut best: Found = None;
        // the set bits in order
        let mut which = which;
        while which != 0 {
            let (matcher, _) = &Self::MATCHERS[which.trailing_zeros() as usize];
            which &= which - 1;
            if let Some(c) = matcher(self, i) {
                if best.as_ref().map_or(true, |b| c.0 > b.0) {
                    best = Some(c);
                }
            }
        }
        best
    }
}

/// A matcher: the end of its match at a token and the mentions in it.
type Matcher<S> = fn(&S, usize) -> Found;

/// What the matches of a matcher may start with: a number, a word of one
/// of some tables, one of some words.
struct Start {
    num: bool,
    tables: u32,
    words: &'static [&'static str],
}

impl Start {
    /// A number, or a word of `tables` or of `words`.
    const fn num(tables: u32, words: &'static [&'static str]) -> Start {
        Start {
            num: true,
            tables,
            words,
        }
    }

    /// A word of `tables` or of `words`.
    const fn word(tables: u32, words: &'static [&'static str]) -> Start {
        Start {
            num: false,
            tables,
            words,
        }
    }

    /// Whether a match may start with word `w` of `tables`.
    fn takes(&self, w: &str, tables: u32) -> bool {
        self.tables & tables != 0 || self.words.contains(&w)
    }
}

/// The matchers that may match from a token (bits by their place in
/// [`Scanner::MATCHERS`]).
struct Starts {
    /// From a number.
    num: u16,
    /// From a word, by id.
    words: Vec<u16>,
}

impl Starts {
    /// Worked out once from the lexicon.
    fn get() -> &'static Starts {
        static STARTS: OnceLock<Starts> = OnceLock::new();
        STARTS.get_or_init(|| {
            let matchers = Scanner::MATCHERS.map(|(_, start)| start);
            let bits = |f: &dyn Fn(&Start) -> bool| {
                matchers
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| f(s))
                    .fold(0u16, |m, (k, _)| m | 1 << k)
            };
            Starts {
                num: bits(&|s| s.num),
                words: Lexicon::get()
                    .vocab
                    .words()
                    .map(|(w, tables)| bits(&|s| s.takes(w, tables)))
                    .collect(),
            }
        })
    }
}

/// Scans a token stream for temporal expressions, left to right, longest
/// match first.
pub fn scan(toks: &[Tok]) -> Vec<Mention> {
    let sc = Scanner {
        t: toks,
        lx: Lexicon::get(),
        starts: Starts::get(),
        bc: std::cell::Cell::new(false),
    };
    // about one mention in 40 tokens in the corpora: most texts fit
    let mut out = Vec::with_capacity(toks.len() / 32);
    let mut i = 0;
    while i < toks.len() {
        // most tokens are passed over in this tight loop (by index: the
        // search of a subslice kept two counters)
        while toks.get(i).is_some_and(|t| !may_start_alone(t)) {
            i += 1;
        }
        if i == toks.len() {
            break;
        }
        if !sc.may_start(i) {
            i += 1;
            continue;
        }
        match sc.all(i) {
            Some((e, mut ms)) if e > i => {
                for m in ms.iter_mut() {
                    if let What::Date(DateSpec { year: Some(y), .. }) = m.what {
                        sc.bc.set(y <= 0);
                    }
                    m.lead = opens_sentence(toks, m.start);
                    m.aside |= closes_span(toks, m.start)
                        || cites(toks, m.start)
                        || (!m.lead && deadline(toks, m));
                }
                ms.append_to(&mut out);
                i = e;
            }
            _ => i += 1,
        }
    }
    out
}

/// Whether token `t` is a number or a trigger word, which
/// [`Scanner::may_start`] needs first (the tests check that it lets through
/// no other token): most tokens are neither.
#[inline]
fn may_start_alone(t: &Tok) -> bool {
    t.kind == TokKind::Num || t.tables & TRIGGER != 0
}

/// Whether token `i` is at most three tokens after a sentence or line start.
fn opens_sentence(toks: &[Tok], i: usize) -> bool {
    let lo = i.saturating_sub(3);
    if i <= 3 && !toks[..i].iter().any(|t| matches!(t.text, "." | "!" | "?")) {
        return true;
    }
    (lo..=i).rev().any(|k| {
        toks[k].newline_before || (k > 0 && matches!(toks[k - 1].text, "." | "!" | "?" | ";" | ":"))
    })
}

/// Whether the expression at token `i` closes a span: within the clause
/// opened by "until"/"till" ("until the fall of Budapest in February 1945").
fn closes_span(toks: &[Tok], i: usize) -> bool {
    // "since 513 BC" looks back from the narrative, it does not move it
    if i > 0 && toks[i - 1].lower == "since" {
        return true;
    }
    for k in (i.saturating_sub(7)..i).rev() {
        let t = &toks[k];
        if t.kind == TokKind::Punct && t.text != "'" {
            return false;
        }
        if matches!(t.lower, "until" | "till") {
            return true;
        }
    }
    false
}

/// Whether the expression is a day given as a deadline inside a sentence
/// ("dissolving all institutions by 1 January 2024", "agreed to withdraw
/// by 1 December"): what is due then has not happened, so the narrative does
/// not move to it. Its clause looks ahead (an infinitive, a modal, a
/// gerund) and does not look back ("had halted the advance by 2 October" is
/// done by then); "By 1 May, …" opening a sentence dates it.
fn deadline(toks: &[Tok], m: &Mention) -> bool {
    if m.start == 0
        || toks[m.start - 1].lower != "by"
        || !matches!(m.what, What::Date(DateSpec { day: Some(_), .. }))
    {
        return false;
    }
    let clause = toks[m.start.saturating_sub(16)..m.start - 1]
        .iter()
        .rev()
        .take_while(|t| t.kind != TokKind::Punct || t.text == "'" || t.text == "-");
    let mut ahead = false;
    for t in clause {
        match t.lower {
            "had" | "has" | "have" => return false,
            "to" | "will" | "would" | "must" | "should" | "shall" | "until" => ahead = true,
            w if t.kind == TokKind::Word && w.len() > 5 && w.ends_with("ing") => ahead = true,
            _ => {}
        }
    }
    ahead
}

/// Whether the expression at token `i` dates a citation ("Retrieved 3 May
/// 2021", "Archived from the original on ..."): it says nothing about the
/// narrative.
fn cites(toks: &[Tok], i: usize) -> bool {
    toks[i.saturating_sub(5)..i]
        .iter()
        .any(|t| matches!(t.lower, "retrieved" | "archived" | "accessed" | "published"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    /// A xorshift generator: the tests are deterministic.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        fn pick<'p>(&mut self, p: &[&'p str]) -> &'p str {
            p[self.below(p.len())]
        }
    }

    /// The kind and flags of the first token of `w`.
    fn kind_of(w: &str) -> (TokKind, u32) {
        let mut spill = String::new();
        let mut t = tokenize(w, &mut spill);
        Lexicon::get().mark(&mut t);
        t.first()
            .map_or((TokKind::Punct, 0), |t| (t.kind, t.tables))
    }

    fn one_token(w: &str) -> bool {
        tokenize(w, &mut String::new()).len() == 1
    }

    /// Every string of one token the scanner compares with: the string
    /// literals of its code.
    fn literals() -> Vec<&'static str> {
        let src = include_str!("scan.rs");
        let src = &src[..src.find("#[cfg(test)]").unwrap_or(src.len())];
        let b = src.as_bytes();
        let mut out = Vec::new();
        let mut k = 0;
        while k < b.len() {
            match b[k] {
                b'/' if b.get(k + 1) == Some(&b'/') => {
                    k = src[k..].find('\n').map_or(b.len(), |n| k + n);
                }
                // a char literal: '"', '\''
                b'\'' if b.get(k + 2) == Some(&b'\'') => k += 3,
                b'\'' if b.get(k + 1) == Some(&b'\\') => k += 4,
                b'"' => {
                    let start = k + 1;
                    k = start;
                    while k < b.len() && b[k] != b'"' {
                        k += if b[k] == b'\\' { 2 } else { 1 };
                    }
                    out.push(&src[start..k]);
                    k += 1;
                }
                _ => k += 1,
            }
        }
        out.retain(|w| one_token(w));
        out
    }

    /// Single tokens for the gate tests: every word of the lexicon, every
    /// string the scanner compares with, numbers of each shape, punctuation
    /// and words of neither kind; each also capitalized.
    fn pool() -> Vec<String> {
        let others = [
            "1", "7", "12", "24", "31", "59", "99", "100", "216", "480", "1066", "1939", "1990",
            "2020", "20000", "2,840", "22.8", "0", ".", ",", ";", "(", ")", "$", "army", "bloody",
            "Obama", "fierce", "battle",
        ];
        let mut words: Vec<String> = Lexicon::get()
            .vocab
            .words()
            .map(|(w, _)| w)
            .chain(literals())
            .chain(others)
            .filter(|w| one_token(w))
            .flat_map(|w| {
                let mut cap = w.to_string();
                if let Some(c) = cap.get_mut(..1) {
                    c.make_ascii_uppercase();
                }
                [w.to_string(), cap]
            })
            .collect();
        words.sort();
        words.dedup();
        words
    }

    /// Asserts that neither the gate nor the choice of matchers by the first
    /// token drops a match at token `at` of `text` (at every token if
    /// `None`).
    fn gate_keeps_matches(text: &str, at: Option<usize>) {
        let mut spill = String::new();
        let mut toks = tokenize(text, &mut spill);
        Lexicon::get().mark(&mut toks);
        for bc in [false, true] {
            let sc = Scanner {
                t: &toks,
                lx: Lexicon::get(),
                starts: Starts::get(),
                bc: std::cell::Cell::new(bc),
            };
            for (i, t) in toks.iter().enumerate() {
                if at.is_some_and(|a| a != i) {
                    continue;
                }
                // all matchers, where the scanner ran them before the gate
                let every = sc.longest(i, u16::MAX);
                let ran = t.kind == TokKind::Num || t.tables & TRIGGER != 0;
                assert!(may_start_alone(t) || !sc.may_start(i), "{text:?}: {i}");
                if ran && !sc.may_start(i) {
                    if let Some((e, ms)) = every {
                        assert!(e <= i, "{text:?}: token {i} starts {ms:?}");
                    }
                } else if ran {
                    // the matchers for the first token find what all find
                    assert_eq!(sc.all(i), every, "{text:?}: token {i}");
                }
            }
        }
    }

    /// [`Scanner::date_in`] as it was before it looked at the first token:
    /// every kind of date tried, the first of the longest kept.
    fn date_in_every_kind(sc: &Scanner, i: usize, check_left: bool) -> Option<(usize, DateSpec)> {
        [
            sc.iso(i),
            sc.day_month(i),
            sc.month_first(i),
            sc.season(i),
            sc.holiday(i),
            sc.era_year(i),
            sc.bare_year(i, check_left),
        ]
        .into_iter()
        .flatten()
        .fold(None, |best: Option<(usize, DateSpec)>, c| match best {
            Some(b) if c.0 <= b.0 => Some(b),
            _ => Some(c),
        })
    }

    /// The tests in line in front of [`Scanner::unit`], `era`, `month`,
    /// `year` and the first-token choice in [`Scanner::date_in`] reject
    /// only what the full tests reject, in random runs of the pool's tokens.
    #[test]
    fn fast_rejects_agree_with_the_full_tests() {
        let pool = pool();
        let pool: Vec<&str> = pool.iter().map(String::as_str).collect();
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..1 + rng.below(8) {
                text.push_str(rng.pick(&pool));
                if rng.below(4) > 0 {
                    text.push(' ');
                }
            }
            let mut spill = String::new();
            let mut toks = tokenize(&text, &mut spill);
            Lexicon::get().mark(&mut toks);
            let sc = Scanner {
                t: &toks,
                lx: Lexicon::get(),
                starts: Starts::get(),
                bc: std::cell::Cell::new(false),
            };
            for (i, t) in toks.iter().enumerate() {
                assert_eq!(sc.unit(i), sc.unit_at(i), "{text:?}: {i}");
                assert_eq!(sc.era(i), sc.era_at(i), "{text:?}: {i}");
                assert_eq!(sc.month(i), sc.month_at(i), "{text:?}: {i}");
                if t.kind != TokKind::Num {
                    assert_eq!(sc.year_at(i, true), None, "{text:?}: {i}");
                }
                for check_left in [false, true] {
                    assert_eq!(
                        sc.date_in(i, check_left),
                        date_in_every_kind(&sc, i, check_left),
                        "{text:?}: {i}"
                    );
                }
            }
        }
    }

    /// Random runs of the pool's tokens, with and without spaces; then
    /// short runs of its lower-case words and numbers, which make matches
    /// more often.
    #[test]
    fn no_match_is_dropped_in_random_text() {
        let pool = pool();
        let pool: Vec<&str> = pool.iter().map(String::as_str).collect();
        let dense: Vec<&str> = pool
            .iter()
            .copied()
            .filter(|w| !w.starts_with(char::is_uppercase) && kind_of(w).0 != TokKind::Punct)
            .collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let runs = if cfg!(debug_assertions) {
            20_000
        } else {
            200_000
        };
        for k in 0..runs {
            let (pool, len) = if k % 2 == 0 {
                (&pool, 1 + rng.below(12))
            } else {
                (&dense, 2 + rng.below(4))
            };
            let mut text = String::new();
            for _ in 0..len {
                text.push_str(rng.pick(pool));
                if rng.below(4) > 0 {
                    text.push(' ');
                }
            }
            gate_keeps_matches(&text, None);
        }
    }

    /// Expressions of every kind, each way they may start: every matcher
    /// that makes one runs at its first token.
    #[test]
    fn no_match_is_dropped_in_examples() {
        let examples = [
            // range
            "6-7 February 1920",
            "April 6-7, 1915",
            "1995-96",
            "499 to 493 BC",
            // plain_date
            "2 October 2020",
            "October 2, 2020",
            "2020-10-02",
            "Christmas 1914",
            "AD 1066",
            "summer 1962",
            "in May 1943",
            "Sept. 3",
            "New Year's Day 1900",
            // daypart_of
            "the night of April 18, 1775",
            "early in the morning of 29 April 1975",
            "late morning of 3 May",
            "the early morning hours of 30 April",
            "morning of 27 September",
            "the night of 3-4 May",
            // positioned
            "the end of May 1941",
            "the second half of 2008",
            "about 1910",
            "early 1920",
            "mid-1980s",
            "late in the day",
            "early the next year",
            "the late 1980s",
            "the middle of the year",
            "the latter part of 1942",
            "early in the century",
            "late September",
            "middle of 1941",
            // decade_or_century
            "the 1990s",
            "1980s",
            "the 470s BC",
            "the 19th century",
            "twenty-first century",
            "nineteenth century",
            "21st century",
            "the first century",
            // relative
            "the next day",
            "that same day",
            "later that month",
            "earlier in the year",
            "this spring",
            "next summer",
            "the day before",
            "at the same time",
            "last year",
            "the following morning",
            "later in the year",
            // reference, deictic
            "now",
            "the past",
            "for the time being",
            "right now",
            "present-day",
            "the former king",
            "yesterday morning",
            "the day before yesterday",
            "Tomorrow",
            // counted
            "44 days",
            "two bloody weeks",
            "a few days",
            "more than three years",
            "the next few months",
            "weeks later",
            "the final days",
            "twenty-four hours",
            "a sixty-day period",
            "a couple of weeks later",
            "some fifty years",
            "about two years",
            "a decade earlier",
            "a week after the ceasefire",
            "13-year-old",
            "nineteen years old",
            "several months",
            "at least 3 years",
            "no more than two weeks",
            "a mere two weeks",
            "the Seven Days",
            "the past decade",
            // set
            "every year",
            "each morning",
            "per week",
            "daily",
            "Every Day",
            "twice weekly",
            // time, weekday, night, age
            "5:34 a.m.",
            "11 o'clock",
            "9:34 p.m. on March 20",
            "on Monday",
            "at night",
            "night-time",
            "night attacks",
            "at age seventy-nine",
            "aged 22",
            "age of 5",
            // bc_year (with a BC year before), the_season
            "in 218 BC. In 216, he",
            "218 BC, and by 202 he",
            "the summer",
            "the early winter",
            "the fall",
        ];
        for text in examples {
            gate_keeps_matches(text, None);
        }
        let tagger = crate::Tagger::new();
        let untagged: Vec<&str> = examples
            .into_iter()
            .filter(|text| tagger.tag(text, None).is_empty())
            .collect();
        assert!(untagged.is_empty(), "{untagged:?}");
    }

    /// Every word the gate may hold back, then every string of the scanner
    /// that makes it do so, then a number or a table word and a random tail.
    #[test]
    fn the_gate_drops_no_match_after_held_back_words() {
        let pool = pool();
        let pool: Vec<&str> = pool.iter().map(String::as_str).collect();
        let lower = || {
            pool.iter()
                .copied()
                .filter(|w| !w.starts_with(char::is_uppercase))
        };
        let held: Vec<&str> = lower()
            .filter(
                |w| matches!(kind_of(w), (TokKind::Word, b) if b & TRIGGER != 0 && b & ALONE == 0),
            )
            .collect();
        let mut stops: Vec<&str> = literals()
            .into_iter()
            .chain([".", ",", "(", "army", "bloody", "Obama"])
            .filter(|w| matches!(kind_of(w), (k, b) if k != TokKind::Num && b & FOLLOWS == 0))
            .collect();
        stops.sort_unstable();
        stops.dedup();
        let heads: Vec<&str> = lower()
            .filter(|w| matches!(kind_of(w), (k, b) if k == TokKind::Num || b & !(TRIGGER | NOT_YEAR_AFTER | NOT_YEAR_BEFORE | ALONE | FOLLOWS) != 0))
            .collect();
        assert!(held.len() > 50 && stops.len() > 20 && heads.len() > 100);
        // a sample of the heads in a debug build
        let step = if cfg!(debug_assertions) { 13 } else { 1 };
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for w in &held {
            let w = if rng.below(2) == 0 {
                w.to_string()
            } else {
                w[..1].to_uppercase() + &w[1..]
            };
            gate_keeps_matches(&w, Some(0));
            for x in &stops {
                for y in heads.iter().skip(rng.below(step)).step_by(step) {
                    let (prefix, at) = match rng.below(3) {
                        0 => (String::new(), 0),
                        _ => (rng.pick(&pool).to_string() + " ", 1),
                    };
                    let gap = if rng.below(3) == 0 { "" } else { " " };
                    let tail = (0..rng.below(3))
                        .map(|_| rng.pick(&pool))
                        .collect::<Vec<_>>();
                    let text = format!("{prefix}{w}{gap}{x} {y} {}", tail.join(" "));
                    gate_keeps_matches(&text, Some(at));
                }
            }
        }
    }
}
