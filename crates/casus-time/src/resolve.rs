//! Second pass: resolves scanned mentions left to right against the
//! narrative reference date — the last date the text set, at the granularity
//! it set it — falling back to the document date.
//!
//! "On 1 October" after "27 September 2020" is 2020-10-01; "the next day"
//! after it is 2020-10-02; "that year" is 2020. The rules a careful reader
//! applies, and this module implements:
//!
//! * every date that names a year, or resolves to a day, becomes the new
//!   reference — except *asides* (see [`crate::scan::Mention::aside`]): the
//!   date of a citation, a "since ..." look back, the end point of an
//!   "until ..." clause;
//! * a bare year named in passing in mid-sentence ("a campaign planned for
//!   1976") does not replace a reference that is following months and days;
//!   at the start of a sentence or line ("In 1942, ...", a section heading)
//!   it does;
//! * the narrative moves forward: a month without a year that lies
//!   [`ROLL_FORWARD_MONTHS`] or more before the reference month is in the
//!   next year ("January" after "December 1941" is 1942-01);
//! * a winter without a year after the autumn is the next year's winter
//!   ([`WINTER_NEXT_YEAR_FROM`]);
//! * offsets count in the unit they name ("two days later" moves the day,
//!   "a decade earlier" the year by ten); vague ones ("a few weeks later")
//!   give `FUTURE_REF` / `PAST_REF`; approximate ones set no reference.

use crate::scan::{DateSpec, Mention, Unit, What};
use crate::value::{
    civil_from_days, days_from_civil, fmt_century, fmt_decade, fmt_year, iso_week, month_len,
    push_part, push_year, weekday,
};
use crate::TimexType;

/// The narrative reference date: a year, optionally a month and a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Astronomical year.
    pub year: i64,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl Reference {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (anything after is ignored).
    pub fn parse(s: &str) -> Option<Reference> {
        let s = s.get(..10.min(s.len()))?;
        let mut it = s.split('-');
        let y: i64 = it.next()?.parse().ok()?;
        let month = it
            .next()
            .and_then(|m| m.parse().ok())
            .filter(|m| (1..=12).contains(m));
        let day = month
            .and(it.next().and_then(|d| d.parse().ok()))
            .filter(|d| (1..=31).contains(d));
        Some(Reference {
            year: y,
            month,
            day,
        })
    }

    /// TIMEX value of the reference at its own granularity.
    pub fn value(&self) -> String {
        let mut v = String::with_capacity(10);
        self.push_value(&mut v);
        v
    }

    /// Appends [`Reference::value`] to `v` (the tagger reads one per
    /// narrative date set; a reused buffer spares an allocation each).
    pub fn push_value(&self, v: &mut String) {
        push_year(v, self.year);
        if let Some(m) = self.month {
            push_part(v, m);
            if let Some(d) = self.day {
                push_part(v, d);
            }
        }
    }
}

/// A month named without a year is taken to be in the next year when it
/// lies this many months or more before the reference month ("January"
/// after "December 1941" is January 1942, "March" after "December" too;
/// "March" after "October" stays in the reference year).
pub const ROLL_FORWARD_MONTHS: u32 = 9;

/// A bare "winter" after a reference in this month or later (or after the
/// summer or autumn of the reference year) is the winter that begins at the
/// end of that year, which TIMEX writes with the following year; before, it
/// is the winter of the reference year.
pub const WINTER_NEXT_YEAR_FROM: u32 = 10;

/// A resolved mention.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub kind: TimexType,
    pub value: String,
    pub anchor: Option<String>,
    pub modifier: Option<&'static str>,
    /// The narrative reference after this expression, when it set one.
    pub sets: Option<Reference>,
}

fn md(v: &mut String, m: u32) {
    push_part(v, m);
}

/// Resolves mentions in text order; `doc_date` is the fallback reference.
pub fn resolve(mentions: &[Mention], doc_date: Option<&str>) -> Vec<Resolved> {
    let mut r = doc_date.and_then(Reference::parse);
    let mut out = Vec::with_capacity(mentions.len());
    let mut season: Option<(i64, &'static str)> = None;
    for m in mentions {
        let (mut res, new_ref) = resolve_one(m, r, season);
        if let What::Date(DateSpec {
            season: Some(s), ..
        }) = m.what
        {
            if let Some(y) = res
                .value
                .get(..4)
                .and_then(|_| Reference::parse(&res.value))
            {
                season = Some((y.year, s));
            } else if let Some(rest) = res.value.strip_prefix("BC") {
                if let Ok(y) = rest.get(..4).unwrap_or("").parse::<i64>() {
                    season = Some((1 - y, s));
                }
            }
        }
        // approximate offsets ("almost two decades earlier") set no reference
        if let (Some(n), None) = (
            new_ref,
            m.modifier.filter(|x| {
                matches!(m.what, What::Rel { .. }) && !["START", "MID", "END"].contains(x)
            }),
        ) {
            r = Some(n);
            res.sets = Some(n);
        }
        out.push(res);
    }
    out
}

fn res(
    kind: TimexType,
    value: String,
    anchor: Option<String>,
    modifier: Option<&'static str>,
) -> Resolved {
    Resolved {
        kind,
        value,
        anchor,
        modifier,
        sets: None,
    }
}

fn add_days(y: i64, m: u32, d: u32, n: i64) -> (i64, u32, u32) {
    civil_from_days(days_from_civil(y, m, d) + n)
}

fn add_months(y: i64, m: u32, n: i64) -> (i64, u32) {
    let t = y * 12 + (m as i64 - 1) + n;
    (t.div_euclid(12), (t.rem_euclid(12) + 1) as u32)
}

fn resolve_one(
    m: &Mention,
    r: Option<Reference>,
    season: Option<(i64, &'static str)>,
) -> (Resolved, Option<Reference>) {
    let anchor = r.map(|r| r.value());
    match &m.what {
        What::Date(spec) => {
            let (out, mut nr) = resolve_date(spec, m.modifier, r, season);
            // a year named in passing ("a campaign planned for 1976") does not
            // move a narrative that is following months and days
            if m.aside && r.is_some() {
                nr = None;
            }
            if let (Some(_), Some(old)) = (nr, r) {
                if spec.year.is_some()
                    && spec.month.is_none()
                    && spec.season.is_none()
                    && !m.lead
                    && old.month.is_some()
                {
                    nr = None;
                }
            }
            (out, nr)
        }
        What::Rel { unit, offset, pod } => {
            let (out, nr) = resolve_rel(*unit, *offset, *pod, m.modifier, r);
            (out, nr.filter(|_| !m.aside))
        }
        What::Ref(v) => (
            res(TimexType::Date, v.to_string(), anchor, m.modifier),
            None,
        ),
        What::Decade { bc, decade } => (
            res(TimexType::Date, fmt_decade(*bc, *decade), None, m.modifier),
            None,
        ),
        What::Century { bc, century } => (
            res(
                TimexType::Date,
                fmt_century(*bc, *century),
                None,
                m.modifier,
            ),
            None,
        ),
        What::Duration(v) => (
            res(TimexType::Duration, v.clone(), anchor, m.modifier),
            None,
        ),
        What::Set(v) => (res(TimexType::Set, v.clone(), None, m.modifier), None),
        What::Time {
            hour,
            minute,
            date: Some(spec),
        } => {
            let (d, _) = resolve_date(spec, None, r, None);
            (
                res(
                    TimexType::Time,
                    format!("{}T{hour:02}:{minute:02}", d.value),
                    anchor,
                    m.modifier,
                ),
                None,
            )
        }
        What::Time {
            hour,
            minute,
            date: None,
        } => {
            let day = match r {
                Some(Reference {
                    year,
                    month: Some(mo),
                    day: Some(d),
                }) => format!("{}-{mo:02}-{d:02}", fmt_year(year)),
                _ => "XXXX-XX-XX".to_string(),
            };
            (
                res(
                    TimexType::Time,
                    format!("{day}T{hour:02}:{minute:02}"),
                    anchor,
                    m.modifier,
                ),
                None,
            )
        }
        What::Same => (
            res(
                TimexType::Date,
                r.map(|r| r.value()).unwrap_or_default(),
                anchor,
                m.modifier,
            ),
            None,
        ),
        What::Fixed(v) => (res(TimexType::Time, v.to_string(), None, m.modifier), None),
        What::Weekday(wd, pod) => match r {
            Some(Reference {
                year,
                month: Some(mo),
                day: Some(d),
            }) => {
                let cur = weekday(year, mo, d) as i64;
                let mut diff = *wd as i64 - cur;
                if diff > 3 {
                    diff -= 7;
                } else if diff < -3 {
                    diff += 7;
                }
                let (y, mm, dd) = add_days(year, mo, d, diff);
                let mut v = format!("{}-{mm:02}-{dd:02}", fmt_year(y));
                let kind = match pod {
                    Some(p) => {
                        v.push('T');
                        v.push_str(p);
                        TimexType::Time
                    }
                    None => TimexType::Date,
                };
                (
                    res(kind, v, anchor, m.modifier),
                    Some(Reference {
                        year: y,
                        month: Some(mm),
                        day: Some(dd),
                    }),
                )
            }
            _ => (
                res(
                    if pod.is_some() {
                        TimexType::Time
                    } else {
                        TimexType::Date
                    },
                    match pod {
                        Some(p) => format!("XXXX-WXX-{wd}T{p}"),
                        None => format!("XXXX-WXX-{wd}"),
                    },
                    anchor,
                    m.modifier,
                ),
                None,
            ),
        },
    }
}

/// Resolves a calendar date; `season_hint` is the last season the text
/// named, with its (astronomical) year.
fn resolve_date(
    s: &DateSpec,
    modifier: Option<&'static str>,
    r: Option<Reference>,
    season_hint: Option<(i64, &'static str)>,
) -> (Resolved, Option<Reference>) {
    let explicit = s.year.is_some();
    let mut year = s
        .year
        .or_else(|| r.map(|r| r.year + s.rel_year.unwrap_or(0)));
    // the narrative moves forward: "January" after "December 1941" is 1942
    if let (
        None,
        None,
        Some(m),
        Some(Reference {
            month: Some(rm), ..
        }),
    ) = (s.year, s.rel_year, s.month, r)
    {
        if rm >= m + ROLL_FORWARD_MONTHS {
            year = year.map(|y| y + 1);
        }
    }
    // a day without a month takes the narrative month
    let month = s.month.or_else(|| {
        if s.day.is_some() {
            r.and_then(|r| r.month)
        } else {
            None
        }
    });
    let anchor = if explicit { None } else { r.map(|r| r.value()) };
    let mut v = match year {
        Some(y) => fmt_year(y),
        None => "XXXX".to_string(),
    };
    // a winter named without a year follows the narrative's year: the
    // winter after the summer of 1919 runs into 1920 and is written 1920-WI
    if let (Some("WI"), None, None, Some(y), Some(r)) = (s.season, s.year, s.rel_year, year, r) {
        let late = match r.month {
            Some(m) => m >= WINTER_NEXT_YEAR_FROM,
            None => matches!(season_hint, Some((sy, "SU" | "FA")) if sy == r.year),
        };
        if late {
            v = fmt_year(y + 1);
        }
    }
    if let Some(season) = s.season {
        v.push('-');
        v.push_str(season);
    } else if let Some(h) = s.half {
        v.push('-');
        v.push_str(h);
    } else if let Some(mo) = month {
        md(&mut v, mo);
        if let Some(d) = s.day {
            let d = match year {
                Some(y) if d > month_len(y, mo) => {
                    return (res(TimexType::Date, String::new(), anchor, modifier), None)
                }
                _ => d,
            };
            md(&mut v, d);
        }
    } else if s.day.is_some() {
        v.push_str("-XX");
        md(&mut v, s.day.unwrap_or(1));
    }
    if let Some(p) = s.pod {
        v.push('T');
        v.push_str(p);
    }
    let kind = if s.pod.is_some() && s.day.is_some() {
        TimexType::Time
    } else {
        TimexType::Date
    };
    let new_ref = match year {
        Some(y) if s.season.is_none() && s.half.is_none() => Some(Reference {
            year: y,
            month,
            day: if month.is_some() { s.day } else { None },
        }),
        Some(y) if explicit => Some(Reference {
            year: y,
            month: None,
            day: None,
        }),
        _ => None,
    };
    // a partial date ("June 10") must not lose a finer reference of the same day
    (res(kind, v, anchor, modifier), new_ref)
}

fn resolve_rel(
    unit: Unit,
    offset: i64,
    pod: Option<&'static str>,
    modifier: Option<&'static str>,
    r: Option<Reference>,
) -> (Resolved, Option<Reference>) {
    let anchor = r.map(|r| r.value());
    let kind = if pod.is_some() {
        TimexType::Time
    } else {
        TimexType::Date
    };
    let Some(r) = r else {
        let v = match unit {
            Unit::Day | Unit::Hour | Unit::Minute => "XXXX-XX-XX",
            Unit::Week => "XXXX-WXX",
            Unit::Month => "XXXX-XX",
            Unit::Year => "XXXX",
            Unit::Decade => "XXX",
            Unit::Century => "XX",
        };
        let mut v = v.to_string();
        if let Some(p) = pod {
            v.push('T');
            v.push_str(p);
        }
        return (res(kind, v, anchor, modifier), None);
    };
    let y = fmt_year(r.year);
    match unit {
        Unit::Day | Unit::Hour | Unit::Minute => {
            let (mut v, nr) = match (r.month, r.day) {
                (Some(mo), Some(d)) => {
                    let (yy, mm, dd) = add_days(r.year, mo, d, offset);
                    (
                        format!("{}-{mm:02}-{dd:02}", fmt_year(yy)),
                        Some(Reference {
                            year: yy,
                            month: Some(mm),
                            day: Some(dd),
                        }),
                    )
                }
                (Some(mo), None) => (format!("{y}-{mo:02}-XX"), None),
                _ => (format!("{y}-XX-XX"), None),
            };
            if let Some(p) = pod {
                v.push('T');
                v.push_str(p);
            }
            (res(kind, v, anchor, modifier), nr)
        }
        Unit::Week => match (r.month, r.day) {
            (Some(mo), Some(d)) => {
                let (yy, mm, dd) = add_days(r.year, mo, d, offset * 7);
                let (wy, w) = iso_week(yy, mm, dd);
                (
                    res(kind, format!("{}-W{w:02}", fmt_year(wy)), anchor, modifier),
                    None,
                )
            }
            _ => (res(kind, format!("{y}-WXX"), anchor, modifier), None),
        },
        Unit::Month => match r.month {
            Some(mo) => {
                let (yy, mm) = add_months(r.year, mo, offset);
                let nr = (offset != 0).then_some(Reference {
                    year: yy,
                    month: Some(mm),
                    day: None,
                });
                (
                    res(kind, format!("{}-{mm:02}", fmt_year(yy)), anchor, modifier),
                    nr,
                )
            }
            None => (res(kind, format!("{y}-XX"), anchor, modifier), None),
        },
        Unit::Year => {
            let yy = r.year + offset;
            let nr = (offset != 0).then_some(Reference {
                year: yy,
                month: None,
                day: None,
            });
            (res(kind, fmt_year(yy), anchor, modifier), nr)
        }
        Unit::Decade => {
            let (bc, d) = if r.year <= 0 {
                (true, (1 - r.year) / 10 - offset)
            } else {
                (false, r.year / 10 + offset)
            };
            (res(kind, fmt_decade(bc, d), anchor, modifier), None)
        }
        Unit::Century => {
            let (bc, c) = if r.year <= 0 {
                (true, (1 - r.year) / 100 - offset)
            } else {
                (false, r.year / 100 + offset)
            };
            (res(kind, fmt_century(bc, c), anchor, modifier), None)
        }
    }
}
