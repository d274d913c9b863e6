//! Temporal tagging (scaffold: the tagger itself is issue 3).

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
    pub fn new() -> Tagger {
        Tagger {}
    }

    /// Tags `text`; `doc_date` (`YYYY-MM-DD`) is the fallback anchor.
    pub fn tag(&self, _text: &str, _doc_date: Option<&str>) -> Vec<Timex> {
        Vec::new()
    }
}
