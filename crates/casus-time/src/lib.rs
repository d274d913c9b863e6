//! Temporal tagging: finds temporal expressions (dates, times, durations,
//! sets) in running text and resolves them to TIMEX2/TIMEX3 values the way
//! WikiWars annotates them, anchoring partial and relative expressions on the
//! narrative.
//!
//! The pipeline is small and layered:
//!
//! * [`token`] splits the text into words, numbers and punctuation with byte
//!   spans;
//! * [`lexicon`] holds the word lists from `data/time/*.tsv` (month names,
//!   number words, units, relative words, seasons, parts of day ...);
//! * [`scan`] finds expressions and records what they say, unresolved;
//! * [`resolve`] walks them left to right keeping the narrative reference
//!   date (the last date the text set) and produces values;
//! * [`value`] formats values and turns them into calendar ranges.
//!
//! ```
//! let tags = casus_time::Tagger::new().tag("On 27 September 2020 ... On 1 October, ...", None);
//! assert_eq!(tags[1].value, "2020-10-01");
//! assert_eq!(tags[1].date.as_ref().unwrap().end, "2020-10-01");
//! ```

pub mod lexicon;
pub mod resolve;
pub mod scan;
pub mod token;
pub mod value;

use serde::Serialize;

/// TIMEX type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    Date,
    Time,
    Duration,
    Set,
}

/// A resolved calendar range, as GUIDELINES §3 describes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DateRange {
    pub value: String,
    /// First day covered, `YYYY-MM-DD`.
    pub start: String,
    /// Last day covered, `YYYY-MM-DD`.
    pub end: String,
    /// `day`, `month`, `year`, `decade` or `century`.
    pub precision: &'static str,
}

/// One temporal expression found in a text; offsets are bytes into that text.
#[derive(Clone, Debug, Serialize)]
pub struct Timex {
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: TimexType,
    /// TIMEX2 value as WikiWars writes it (`1775-04-19`, `P24Y`, `198`).
    pub value: String,
    #[serde(rename = "mod")]
    pub modifier: Option<String>,
    /// The value it was resolved against, for relative expressions.
    pub anchor: Option<String>,
    /// The calendar range it covers, for dates.
    pub date: Option<DateRange>,
}

/// Finds and resolves temporal expressions.
#[derive(Debug, Default)]
pub struct Tagger {}

impl Tagger {
    /// A tagger over the embedded lexicon.
    pub fn new() -> Tagger {
        lexicon::Lexicon::get();
        Tagger {}
    }

    /// Tags `text`; `doc_date` (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`) is the
    /// fallback anchor used before the text sets a date of its own.
    ///
    /// The result is sorted by `start`; spans are byte offsets into `text`
    /// on character boundaries and never overlap.
    pub fn tag(&self, text: &str, doc_date: Option<&str>) -> Vec<Timex> {
        let toks = token::tokenize(text);
        let mentions = scan::scan(&toks);
        let resolved = resolve::resolve(&mentions, doc_date);
        let mut out = Vec::with_capacity(mentions.len());
        for (m, r) in mentions.iter().zip(resolved) {
            if m.end <= m.start || m.end > toks.len() {
                continue;
            }
            let (start, end) = (toks[m.start].start, toks[m.end - 1].end);
            let date = match r.kind {
                TimexType::Date | TimexType::Time => value::date_range(&r.value),
                _ => None,
            };
            out.push(Timex {
                start,
                end,
                text: text[start..end].to_string(),
                kind: r.kind,
                value: r.value,
                modifier: r.modifier.map(str::to_string),
                anchor: r.anchor,
                date,
            });
        }
        out.sort_by_key(|t| t.start);
        out
    }
}

/// The narrative reference date in force at byte `offset`: the calendar
/// range of the last dated expression (`DATE` or `TIME` with a resolved
/// day, month, year or season) that ends at or before `offset`. Event coders
/// use it to date sentences that carry no date of their own.
pub fn reference_at(timexes: &[Timex], offset: usize) -> Option<DateRange> {
    timexes
        .iter()
        .take_while(|t| t.start < offset)
        .filter(|t| t.end <= offset)
        .filter(|t| matches!(t.kind, TimexType::Date | TimexType::Time))
        .filter_map(|t| t.date.as_ref())
        .filter(|d| matches!(d.precision, "day" | "month" | "year"))
        .last()
        .cloned()
}
