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

// `Option::is_none_or` needs Rust 1.82; the workspace MSRV is 1.80.
#![allow(clippy::unnecessary_map_or)]

pub mod lexicon;
mod range;
pub mod resolve;
pub mod scan;
pub mod token;
pub mod value;

#[cfg(test)]
mod testrand;

use serde::Serialize;

pub use range::{DateRange, DateValue, Day};

/// TIMEX type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    Date,
    Time,
    Duration,
    Set,
}

/// One temporal expression found in a text; offsets are bytes into that text.
#[derive(Clone, Debug, Serialize)]
pub struct Timex {
    #[serde(skip_serializing)]
    pub start: usize,
    #[serde(skip_serializing)]
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
    /// The narrative reference date this expression set, if it set one
    /// (asides such as citation dates do not); see [`reference_at`].
    #[serde(skip)]
    pub narrative: Option<DateRange>,
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
        let (mut lowered, mut spill) = (String::new(), String::new());
        let mut toks = token::tokenize_lowered(text, &mut lowered, &mut spill);
        lexicon::Lexicon::get().mark(&mut toks);
        let mentions = scan::scan(&toks);
        let resolved = resolve::resolve(&mentions, doc_date);
        let mut out = Vec::with_capacity(mentions.len());
        let mut set_value = String::new();
        for (m, r) in mentions.iter().zip(resolved) {
            if m.end <= m.start || m.end > toks.len() {
                continue;
            }
            let (start, end) = (toks[m.start].start, toks[m.end - 1].end());
            let date = match r.kind {
                TimexType::Date | TimexType::Time => value::date_range(&r.value),
                _ => None,
            };
            // Mostly the expression sets the narrative to its own value,
            // whose range is already there.
            let narrative = r.sets.and_then(|n| {
                set_value.clear();
                n.push_value(&mut set_value);
                match &date {
                    Some(d) if set_value == r.value => Some(d.clone()),
                    _ => value::date_range(&set_value),
                }
            });
            out.push(Timex {
                start,
                end,
                text: text[start..end].to_string(),
                kind: r.kind,
                value: r.value,
                modifier: r.modifier.map(str::to_string),
                anchor: r.anchor,
                date,
                narrative,
            });
        }
        out.sort_by_key(|t| t.start);
        out
    }
}

/// The narrative reference date in force at byte `offset`: the date the
/// last expression ending at or before `offset` set as the narrative
/// reference (a full date, a month or a year; citation dates, "since ..."
/// look-backs and durations set none). Event coders use it to date
/// sentences that carry no date of their own.
pub fn reference_at(timexes: &[Timex], offset: usize) -> Option<DateRange> {
    reference_range_at(timexes, offset).cloned()
}

/// [`reference_at`], borrowed from the timex that set it.
pub fn reference_range_at(timexes: &[Timex], offset: usize) -> Option<&DateRange> {
    // Sorted by start: search back from `offset` (a forward scan per call
    // made the pipeline quadratic in document size).
    let k = timexes.partition_point(|t| t.start < offset);
    timexes[..k]
        .iter()
        .rev()
        .filter(|t| t.end <= offset)
        .find_map(|t| t.narrative.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(text: &str) -> Vec<Timex> {
        Tagger::new().tag(text, None)
    }

    /// (text, value) of every timex.
    fn tv(text: &str) -> Vec<(String, String)> {
        tag(text).into_iter().map(|t| (t.text, t.value)).collect()
    }

    fn one(text: &str, want_text: &str, want_value: &str) {
        let got = tv(text);
        assert!(
            got.iter().any(|(t, v)| t == want_text && v == want_value),
            "{text:?}: want {want_text:?}={want_value:?}, got {got:?}"
        );
    }

    fn none(text: &str) {
        let got = tv(text);
        assert!(got.is_empty(), "{text:?}: expected nothing, got {got:?}");
    }

    #[test]
    fn full_dates() {
        one(
            "On 2 October 2020, shelling resumed.",
            "2 October 2020",
            "2020-10-02",
        );
        one(
            "On October 2, 2020, shelling resumed.",
            "October 2, 2020",
            "2020-10-02",
        );
        one(
            "Reported 2020-10-02 by the ministry.",
            "2020-10-02",
            "2020-10-02",
        );
        one(
            "In October 2020 the war went on.",
            "October 2020",
            "2020-10",
        );
        one(
            "In February of 1940 a pact was signed.",
            "February of 1940",
            "1940-02",
        );
        one("It began in 1939.", "1939", "1939");
    }

    #[test]
    fn partial_dates_take_the_narrative_year() {
        let t = tv("The war began on 27 September 2020. On 1 October, Stepanakert was shelled.");
        assert_eq!(t[1], ("1 October".into(), "2020-10-01".into()));
        let t = tv("Fighting began on 27 September 2020.\n\nA new section.\n\nBy 7 November the town fell.");
        assert_eq!(t[1].1, "2020-11-07");
    }

    #[test]
    fn doc_date_is_the_fallback() {
        let t = Tagger::new().tag("On 27 September, fighting began.", Some("2020-10-05"));
        assert_eq!(t[0].value, "2020-09-27");
        assert_eq!(t[0].anchor.as_deref(), Some("2020-10-05"));
        let t = Tagger::new().tag("On 27 September, fighting began.", None);
        assert_eq!(t[0].value, "XXXX-09-27");
    }

    #[test]
    fn months_roll_forward() {
        one(
            "The attack came on December 7, 1941. In January, the Japanese advanced.",
            "January",
            "1942-01",
        );
    }

    #[test]
    fn parts_of_day() {
        one(
            "On the night of April 18, 1775, troops marched.",
            "the night of April 18, 1775",
            "1775-04-18TNI",
        );
        one(
            "In 2020 ... on the morning of 27 September, drones struck.",
            "the morning of 27 September",
            "2020-09-27TMO",
        );
        one(
            "On 10 March 1975 they attacked. The preceding morning was calm.",
            "The preceding morning",
            "1975-03-09TMO",
        );
        // The early (small) hours of a day are its morning, not a duration.
        one(
            "In 2020 ... fighting resumed in the early hours of 10 November.",
            "the early hours of 10 November",
            "2020-11-10TMO",
        );
        one(
            "In 2020 ... in the small hours of 12 November, drones struck.",
            "the small hours of 12 November",
            "2020-11-12TMO",
        );
        // With no day named, the narrative's day.
        one(
            "On 4 October 2020 shelling began. In the early hours, drones struck.",
            "the early hours",
            "2020-10-04TMO",
        );
        // "in the morning", "by the evening": that day's; "the morning of
        // the attack" is no day of the narrative.
        one(
            "On 27 September 2020 fighting began. In the morning, drones struck.",
            "the morning",
            "2020-09-27TMO",
        );
        one(
            "On 27 September 2020 fighting began. By the evening, Armenia had mobilised.",
            "the evening",
            "2020-09-27TEV",
        );
        let t = tag(
            "On 27 September 2020 fighting began. In the morning of the attack, drones struck.",
        );
        assert!(t.iter().all(|x| x.text != "the morning"), "{t:?}");
        // A weekday's part of the day.
        one(
            "On 10 November 2020 the agreement was announced. Late on Tuesday night, protesters gathered.",
            "Tuesday night",
            "2020-11-10TNI",
        );
        // "the first hours" is still a span.
        let t = tag("On 4 October 2020 shelling began. In the first hours, drones struck.");
        assert!(
            t.iter()
                .any(|x| x.text == "the first hours" && x.value == "PTXH"),
            "{t:?}"
        );
    }

    #[test]
    fn modifiers() {
        let t = tag("The plan was drafted in early 1920.");
        assert_eq!(
            (t[0].text.as_str(), t[0].value.as_str()),
            ("early 1920", "1920")
        );
        assert_eq!(t[0].modifier.as_deref(), Some("START"));
        let t = tag("It ended by the end of September 1940.");
        assert_eq!(
            (t[0].text.as_str(), t[0].value.as_str()),
            ("the end of September 1940", "1940-09")
        );
        assert_eq!(t[0].modifier.as_deref(), Some("END"));
        let t = tag("Tensions rose in the mid-1980s.");
        assert_eq!(
            (t[0].text.as_str(), t[0].value.as_str()),
            ("mid-1980s", "198")
        );
        assert_eq!(t[0].modifier.as_deref(), Some("MID"));
        one(
            "In the second half of 2008 violence fell.",
            "the second half of 2008",
            "2008-H2",
        );
        one("He was born about 1910.", "about 1910", "1910");
    }

    #[test]
    fn decades_and_centuries() {
        one("During the 1990s the region was quiet.", "the 1990s", "199");
        one(
            "By the 19th century the khanate was gone.",
            "the 19th century",
            "18",
        );
        one("In the 470s BC Athens grew.", "the 470s BC", "BC047");
        one(
            "Early in the 21st century oil flowed.",
            "Early in the 21st century",
            "20",
        );
        one("Oil flowed in the 21st century.", "the 21st century", "20");
        let d = tag("During the 1980s.")[0].date.clone().unwrap();
        assert_eq!(
            (d.start.as_str(), d.end.as_str(), d.precision),
            ("1980-01-01", "1989-12-31", "decade")
        );
    }

    #[test]
    fn bc_years() {
        one("Carthage fell in 218 BC.", "218 BC", "BC0218");
        let t = tv("The revolt lasted from 499 to 493 BC. The following year Persia attacked.");
        assert_eq!(t[0], ("499".into(), "BC0499".into()));
        assert_eq!(t[1], ("493 BC".into(), "BC0493".into()));
        assert_eq!(t[2].1, "BC0492");
    }

    #[test]
    fn ranges_give_two_expressions() {
        let t = tv("The war (1775–1780) was long.");
        assert_eq!(
            t,
            [
                ("1775".into(), "1775".into()),
                ("1780".into(), "1780".into())
            ]
        );
        let t = tv("from February 1988 to May 1994");
        assert_eq!(
            t,
            [
                ("February 1988".into(), "1988-02".into()),
                ("May 1994".into(), "1994-05".into())
            ]
        );
        let t = tv("In 2020, battles raged on 7–15 October.");
        assert_eq!(t[1], ("7".into(), "2020-10-07".into()));
        assert_eq!(t[2], ("15 October".into(), "2020-10-15".into()));
        let t = tv("In 1915, on April 6-7 Obregon won; the crisis of 1995-96 followed.");
        assert_eq!(t[1], ("April 6".into(), "1915-04-06".into()));
        assert_eq!(t[2], ("7".into(), "1915-04-07".into()));
        assert_eq!(t[4], ("96".into(), "1996".into()));
    }

    #[test]
    fn durations() {
        one("The war lasted for 44 days.", "44 days", "P44D");
        one("It ended a 24-year ceasefire.", "24-year", "P24Y");
        one(
            "Norway was conquered within two months.",
            "two months",
            "P2M",
        );
        one("The cities fell in a few days.", "a few days", "PXD");
        one(
            "It took more than three years.",
            "more than three years",
            "P3Y",
        );
        let t = tag("It took more than three years.");
        assert_eq!(t[0].kind, TimexType::Duration);
        assert_eq!(t[0].modifier.as_deref(), Some("MORE_THAN"));
        one("He was nineteen years old.", "nineteen years old", "P19Y");
        one("A twenty-four hour truce.", "twenty-four hour", "PT24H");
    }

    #[test]
    fn sets() {
        let t = tag("Elections are held every year and reports come daily.");
        assert_eq!(
            (t[0].text.as_str(), t[0].value.as_str(), t[0].kind),
            ("every year", "XXXX", TimexType::Set)
        );
        assert_eq!(t[1].value, "XXXX-XX-XX");
    }

    #[test]
    fn since_and_as_of_are_outside_the_span() {
        one("The area has been held since 1992.", "1992", "1992");
        one(
            "As of 8 November 2020, 2,840 servicemen had died.",
            "8 November 2020",
            "2020-11-08",
        );
    }

    #[test]
    fn seasons() {
        one(
            "In the summer of 1943 the front moved.",
            "the summer of 1943",
            "1943-SU",
        );
        one("In 1920 ... the winter was harsh.", "the winter", "1920-WI");
        one("Summer 1962 was hot.", "Summer 1962", "1962-SU");
    }

    #[test]
    fn relative_to_the_narrative() {
        let t = tv("On 10 May 1940, Churchill took office. The next day, Germany attacked. Two days later Holland fell. \
                    That same day Belgium fell. Later that month Dunkirk fell. Earlier that year Norway fell. \
                    The previous year Poland fell.");
        let vals: Vec<&str> = t.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(
            vals,
            [
                "1940-05-10",
                "1940-05-11",
                "1940-05-13",
                "1940-05-13",
                "1940-05",
                "1940",
                "1939"
            ]
        );
        one(
            "The ceasefire began on 10 November 2020. A week after the ceasefire, talks began.",
            "A week after the ceasefire",
            "2020-W47",
        );
        one(
            "In June 1940 France fell. That month Italy attacked.",
            "That month",
            "1940-06",
        );
        one(
            "It happened on 3 May 1940. On the same day, ...",
            "the same day",
            "1940-05-03",
        );
    }

    #[test]
    fn anchoring_across_paragraphs() {
        let text = "## 1941\n\nOn June 22 Germany invaded.\n\nIn December the offensive stalled.\n\n## 1942\n\nIn May the Germans attacked.";
        let t = tv(text);
        let vals: Vec<&str> = t.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(vals, ["1941", "1941-06-22", "1941-12", "1942", "1942-05"]);
    }

    #[test]
    fn vague_references() {
        one("The former president spoke.", "former", "PAST_REF");
        one("The town is now in ruins.", "now", "PRESENT_REF");
        one(
            "A few weeks later the siege ended.",
            "A few weeks later",
            "FUTURE_REF",
        );
    }

    #[test]
    fn times() {
        one(
            "On March 20, 2003 at 5:34 a.m. the war began.",
            "5:34 a.m.",
            "2003-03-20T05:34",
        );
    }

    #[test]
    fn numbers_that_are_not_times() {
        none("Per Azerbaijan: 2,840 servicemen killed.");
        none("UN Security Council Resolution 884 was adopted.");
        none("They destroyed five T-72 tanks and an S-300 battery.");
        none("Over 1,500+ servicemen were wounded.");
        none("Article I of the treaty.");
        none("The deal was worth $170 million.");
        none("See pp. 1920–1935 and p. 1990.");
        none("ISBN 978-0-8147-1945-2. ISBN 0-19-2806-70X.");
        none("It may rain. They will march on.");
        none("About 2000 soldiers and 1500 men arrived.");
    }

    #[test]
    fn spans_are_char_boundaries_and_never_panic() {
        let texts = [
            "Ðức — 1975–1976 “1980s” 27 September; ５月 ½ 𝟙𝟡𝟠𝟘",
            "",
            "-",
            "the the the of of",
            "31 February 2020, 99 March, 0 BC, 12:99 p.m.",
            "early",
            "the end of",
            "twenty-",
            "a few",
            "1999-",
            "1999-2",
            "May",
        ];
        for t in texts {
            for x in tag(t) {
                assert!(
                    t.is_char_boundary(x.start) && t.is_char_boundary(x.end) && x.start < x.end
                );
                assert_eq!(&t[x.start..x.end], x.text);
            }
        }
    }

    #[test]
    fn asides_do_not_move_the_narrative() {
        // a citation date
        let t =
            tv("On 27 September 2020 war began. Retrieved 3 May 2021. On 1 October drones struck.");
        assert_eq!(t.last().unwrap().1, "2020-10-01");
        // the end point of an until-clause
        let t = tv("On 20 October 1944 Belgrade fell; the siege lasted until the fall of Budapest in February 1945.\nBy the start of July, ...");
        assert_eq!(t.last().unwrap().1, "1944-07");
        // a look back with "since"
        let t = tv("The first campaign, in 492 BC, retook Thrace, Persian since 513 BC. The following year Darius sent envoys.");
        assert_eq!(t.last().unwrap().1, "BC0491");
        // a year named in passing while the narrative follows days
        let t = tv("On 10 March 1975 the offensive began, ahead of a campaign planned for 1976. On 11 March the town fell.");
        assert_eq!(t.last().unwrap().1, "1975-03-11");
    }

    #[test]
    fn a_deadline_does_not_move_the_narrative() {
        // What is due by a day has not happened: "the next day" follows the signing.
        let t = tv("On 28 September 2023 he signed a decree dissolving all institutions by 1 January 2024. The next day police detained him.");
        assert_eq!(t.last().unwrap().1, "2023-09-29");
        let t = tv("On 10 November 2020 Armenia agreed to withdraw from Kalbajar by 15 November. The next day the convoys left.");
        assert_eq!(t.last().unwrap().1, "2020-11-11");
        // Done by a day: the narrative reaches it.
        let t =
            tv("In 2019 the clashes had caused 10 deaths by 11 June. The next day a truce held.");
        assert_eq!(t.last().unwrap().1, "2019-06-12");
    }

    #[test]
    fn names_and_pronouns_are_not_times() {
        none("Commentary in Daily Sabah and the Long March.");
        none("The latter was accepted, the former was not.");
        none("It lasted until the fall of Atlanta.");
        none("The song White Christmas played.");
    }

    #[test]
    fn more_spans() {
        one(
            "It was a sixty-day period of calm.",
            "a sixty-day period",
            "P60D",
        );
        one("The siege was the Seven Days battles.", "Seven Days", "P7D");
        one("They travelled at night.", "night", "XXXX-XX-XXTNI");
        one(
            "In 1904 ... during the night of 3-4 May the ships sailed.",
            "the night of 3",
            "1904-05-03TNI",
        );
        one(
            "On 3 May 1940 ... at the same time, Italy moved.",
            "the same time",
            "1940-05-03",
        );
        one("He died weeks later.", "weeks later", "FUTURE_REF");
        one(
            "It took two months of fierce battles, but ...",
            "two months of fierce battles",
            "P2M",
        );
        one("In 1941 ... in mid-1942 they ...", "mid-1942", "1942");
    }

    #[test]
    fn yesterday_and_tomorrow() {
        let t = tv("On 3 May 2022 officials said forces had shelled Kherson yesterday morning and would attack again tomorrow. The day before yesterday was quiet.");
        assert_eq!(
            t,
            [
                ("3 May 2022".into(), "2022-05-03".into()),
                ("yesterday morning".into(), "2022-05-02TMO".into()),
                ("tomorrow".into(), "2022-05-04".into()),
                ("The day before yesterday".into(), "2022-05-01".into()),
            ]
        );
        let t = Tagger::new().tag("Yesterday the ministry said so.", Some("2020-10-05"));
        assert_eq!(t[0].value, "2020-10-04");
    }

    #[test]
    fn positions_inside_a_unit() {
        let t = tv("On 3 May 1945 the city fell. Early in the year, trade had grown; late in the day, fighting resumed. Late in the week, troops left. Early in the century, it was a village.");
        let want = [
            ("Early in the year", "1945"),
            ("late in the day", "1945-05-03"),
            ("Late in the week", "1945-W18"),
            ("Early in the century", "19"),
        ];
        for (text, value) in want {
            assert!(
                t.iter().any(|(a, b)| a == text && b == value),
                "{text}={value}: {t:?}"
            );
        }
    }

    #[test]
    fn winters_follow_the_autumn() {
        one(
            "The army gathered in the autumn of 481 BC and passed the winter at Sardis.",
            "the winter",
            "BC0480-WI",
        );
        one(
            "On 2 January 1905 Port Arthur fell. The winter was harsh.",
            "The winter",
            "1905-WI",
        );
    }

    #[test]
    fn bare_years_in_bc_narratives() {
        let t = tv("Hannibal crossed the Alps in 218 BC. In 216, he won at Cannae; by 202 he had lost. He had 50 elephants.");
        let vals: Vec<&str> = t.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(vals, ["BC0218", "BC0216", "BC0202"]);
        none("In 216, nothing happened.");
        one("Charlemagne was crowned in AD 800.", "AD 800", "0800");
    }

    #[test]
    fn hours_without_minutes() {
        one(
            "The armistice of November 11, 1918 took effect at 11 a.m. in France.",
            "11 a.m.",
            "1918-11-11T11:00",
        );
        none("He had 11 apples.");
        one(
            "On 1 July 1916 at 7 o'clock the attack began.",
            "7 o'clock",
            "1916-07-01T07:00",
        );
        one(
            "On 1 July 1916 he wrote: yesterday was quiet.",
            "yesterday",
            "1916-06-30",
        );
    }

    #[test]
    fn time_takes_the_day_that_follows() {
        one(
            "In 2003 ... At 5:34 AM Baghdad time on March 20, 2003 the war began.",
            "5:34 AM",
            "2003-03-20T05:34",
        );
    }

    #[test]
    fn ages_and_possessive_years() {
        one(
            "Ho Chi Minh died at age seventy-nine.",
            "seventy-nine",
            "P79Y",
        );
        one("He was named 1965's Man of the Year.", "1965", "1965");
        one(
            "For two bloody weeks the city held.",
            "two bloody weeks",
            "P2W",
        );
        one("A 13-year-old boy was killed.", "13-year-old", "P13Y");
        none("Report by Bert-Jan Ruissen.");
        one("Attacks in mid-December.", "mid-December", "XXXX-12");
    }

    /// A deterministic fuzz over tricky fragments: no panic, spans on char
    /// boundaries, sorted and non-overlapping.
    #[test]
    fn fuzz_fragments() {
        let parts = [
            "1", "12", "1999", "2020", "-", "–", " ", "\n", ".", ",", "May", "March", "the", "of",
            "early", "mid", "late", "s", "'", "BC", "B.C.", "century", "19th", "day", "days",
            "later", "ago", "after", "a", "few", "next", "that", "year", "night", "winter", "fall",
            "Ðức", "５", "😀", ":", "30", "p.m.", "every", "since", "until", "on", "at", "age",
            "former", "the same", "time", "2,840", "22.8", "(", ")", "/", "$",
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let tagger = Tagger::new();
        for _ in 0..3000 {
            let mut text = String::new();
            let n = (x % 12) as usize + 1;
            for _ in 0..n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                text.push_str(parts[(x % parts.len() as u64) as usize]);
                if x % 3 < 1 {
                    text.push(' ');
                }
            }
            let tags = tagger.tag(&text, if x % 2 < 1 { Some("2020-10-05") } else { None });
            for w in tags.windows(2) {
                assert!(w[0].end <= w[1].start, "{text:?}");
            }
            for t in &tags {
                assert!(
                    text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
                    "{text:?}"
                );
                assert_eq!(&text[t.start..t.end], t.text);
            }
        }
    }

    #[test]
    fn reference_at_offsets() {
        let text =
            "On 27 September 2020 fighting began. Drones struck. The next day, more. Then silence.";
        let t = tag(text);
        let at = text.find("Drones").unwrap();
        assert_eq!(reference_at(&t, at).unwrap().start, "2020-09-27");
        let at = text.find("Then").unwrap();
        assert_eq!(reference_at(&t, at).unwrap().start, "2020-09-28");
        assert!(reference_at(&t, 0).is_none());
        // a citation date is not the narrative
        let text = "On 27 September 2020 fighting began. Retrieved 3 May 2021. Drones struck.";
        let t = tag(text);
        assert_eq!(reference_at(&t, text.len()).unwrap().start, "2020-09-27");
    }

    #[test]
    fn output_is_sorted_and_dates_have_ranges() {
        let t = tag("In October 2020, on 2 October, for 44 days.");
        assert!(t.windows(2).all(|w| w[0].end <= w[1].start));
        let d = t[0].date.as_ref().unwrap();
        assert_eq!(
            (d.start.as_str(), d.end.as_str(), d.precision),
            ("2020-10-01", "2020-10-31", "month")
        );
        assert!(t[2].date.is_none());
    }
}
