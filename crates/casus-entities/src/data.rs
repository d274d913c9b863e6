//! Loading the knowledge base from its data files (`data/entities/`).
//!
//! Every table has a fixed header; user override files are recognised by that
//! header (CSV) or by their top-level array (`[[org]]`, `[[role]]` in TOML), so
//! an analyst can add rows to any table with a file of the same shape. Rows of an
//! override file with an id that already exists replace the embedded row
//! (people: add tenures to the person).

use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;

use crate::Error;

/// One state row of `states.csv`.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct StateRow {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: String,
    #[serde(default)]
    pub adjectives: String,
    #[serde(default)]
    pub people: String,
    #[serde(default)]
    pub capital: String,
}

/// One organisation of `orgs.toml`.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct OrgRow {
    pub id: String,
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub adjectives: Vec<String>,
    #[serde(default)]
    pub sector: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    /// For a community: the state whose people it is (`ARMENIANS` → `ARM`).
    #[serde(default)]
    pub people_of: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct OrgFile {
    #[serde(default)]
    pub org: Vec<OrgRow>,
    #[serde(default)]
    pub role: Vec<RoleRow>,
    #[serde(default)]
    pub place_suffixes: Vec<String>,
    #[serde(default)]
    pub it_verbs: Vec<String>,
    #[serde(default)]
    pub ambiguous_names: Vec<String>,
    #[serde(default)]
    pub common_word_names: Vec<String>,
}

/// One role group of `roles.toml`.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct RoleRow {
    pub sector: String,
    #[serde(default)]
    pub office: Option<String>,
    #[serde(default)]
    pub anaphoric: bool,
    #[serde(default)]
    pub located: bool,
    pub phrases: Vec<String>,
}

/// One tenure row of `people.csv`.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct PersonRow {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: String,
    pub country: String,
    pub office: String,
    pub sector: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// One row of `institutions.csv`.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct InstitutionRow {
    pub name: String,
    #[serde(default)]
    pub aliases: String,
    pub country: String,
    pub sector: String,
}

/// One row of `places.csv`.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct PlaceRow {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub province: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    #[serde(default)]
    pub metonym_of: String,
}

/// Word lists for the unknown-name report (`candidates.toml`).
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct CandidateRules {
    #[serde(default)]
    pub stopwords: Vec<String>,
    #[serde(default)]
    pub connectors: Vec<String>,
    #[serde(default)]
    pub person_titles: Vec<String>,
    #[serde(default)]
    pub person_suffixes: Vec<String>,
    #[serde(default)]
    pub org_words: Vec<String>,
    #[serde(default)]
    pub place_words: Vec<String>,
    #[serde(default)]
    pub place_prepositions: Vec<String>,
    #[serde(default)]
    pub citation_markers: Vec<String>,
}

/// All rows of the knowledge base, before indexing.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tables {
    pub states: Vec<StateRow>,
    pub orgs: Vec<OrgRow>,
    pub roles: Vec<RoleRow>,
    pub people: Vec<PersonRow>,
    pub institutions: Vec<InstitutionRow>,
    pub places: Vec<PlaceRow>,
    pub place_suffixes: Vec<String>,
    pub it_verbs: Vec<String>,
    pub ambiguous_names: Vec<String>,
    pub common_word_names: Vec<String>,
    pub candidates: CandidateRules,
}

pub(crate) const STATES: &str = include_str!("../../../data/entities/states.csv");
pub(crate) const ORGS: &str = include_str!("../../../data/entities/orgs.toml");
pub(crate) const ROLES: &str = include_str!("../../../data/entities/roles.toml");
pub(crate) const PEOPLE: &str = include_str!("../../../data/entities/people.csv");
pub(crate) const INSTITUTIONS: &str = include_str!("../../../data/entities/institutions.csv");
pub(crate) const PLACES: &str = include_str!("../../../data/entities/places.csv");
pub(crate) const CANDIDATES: &str = include_str!("../../../data/entities/candidates.toml");

/// Splits a `|`-separated list, trimming and dropping empty items.
pub(crate) fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split('|').map(str::trim).filter(|x| !x.is_empty())
}

fn line_of(text: &str, byte: usize) -> usize {
    let end = byte.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn read_csv<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<Vec<T>, Error> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.deserialize::<T>() {
        match rec {
            Ok(r) => out.push(r),
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                return Err(Error::Data {
                    file: file.to_string(),
                    line,
                    message: e.to_string(),
                });
            }
        }
    }
    Ok(out)
}

fn read_toml<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, Error> {
    toml::from_str::<T>(text).map_err(|e| Error::Data {
        file: file.to_string(),
        line: e.span().map(|s| line_of(text, s.start)).unwrap_or(0),
        message: e.message().to_string(),
    })
}

/// Which table a CSV header belongs to.
fn csv_table(header: &str) -> Option<&'static str> {
    let cols: Vec<&str> = header.split(',').map(str::trim).collect();
    let has = |c: &str| cols.contains(&c);
    if has("adjectives") && has("capital") {
        Some("states")
    } else if has("office") && has("from") {
        Some("people")
    } else if has("lat") && has("lon") {
        Some("places")
    } else if has("sector") && has("country") && has("name") && !has("id") {
        Some("institutions")
    } else {
        None
    }
}

impl Tables {
    /// The tables compiled into the binary.
    pub(crate) fn embedded() -> Result<Tables, Error> {
        let mut t = Tables::default();
        t.add_csv("data/entities/states.csv", STATES)?;
        t.add_toml("data/entities/orgs.toml", ORGS)?;
        t.add_toml("data/entities/roles.toml", ROLES)?;
        t.add_csv("data/entities/people.csv", PEOPLE)?;
        t.add_csv("data/entities/institutions.csv", INSTITUTIONS)?;
        t.add_csv("data/entities/places.csv", PLACES)?;
        t.candidates = read_toml("data/entities/candidates.toml", CANDIDATES)?;
        Ok(t)
    }

    /// Adds (or replaces) rows from a CSV file of any table, chosen by header.
    pub(crate) fn add_csv(&mut self, file: &str, text: &str) -> Result<(), Error> {
        let header = text
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .unwrap_or("");
        match csv_table(header) {
            Some("states") => {
                for r in read_csv::<StateRow>(file, text)? {
                    self.states.retain(|s| s.id != r.id);
                    self.states.push(r);
                }
            }
            Some("people") => {
                let rows = read_csv::<PersonRow>(file, text)?;
                self.people.extend(rows);
            }
            Some("places") => {
                for r in read_csv::<PlaceRow>(file, text)? {
                    self.places.retain(|s| s.id != r.id);
                    self.places.push(r);
                }
            }
            Some(_) => {
                for r in read_csv::<InstitutionRow>(file, text)? {
                    self.institutions.retain(|s| s.name != r.name);
                    self.institutions.push(r);
                }
            }
            None => {
                return Err(Error::Data {
                    file: file.to_string(),
                    line: 1,
                    message: format!(
                        "unrecognised CSV header {header:?}: expected the header of states.csv, \
                         people.csv, places.csv or institutions.csv"
                    ),
                })
            }
        }
        Ok(())
    }

    /// Adds (or replaces) organisations and roles from a TOML file.
    pub(crate) fn add_toml(&mut self, file: &str, text: &str) -> Result<(), Error> {
        let f: OrgFile = read_toml(file, text)?;
        for r in f.org {
            self.orgs.retain(|s| s.id != r.id);
            self.orgs.push(r);
        }
        self.roles.extend(f.role);
        for w in f.it_verbs {
            if !self.it_verbs.contains(&w) {
                self.it_verbs.push(w);
            }
        }
        for w in f.place_suffixes {
            if !self.place_suffixes.contains(&w) {
                self.place_suffixes.push(w);
            }
        }
        for w in f.ambiguous_names {
            if !self.ambiguous_names.contains(&w) {
                self.ambiguous_names.push(w);
            }
        }
        for w in f.common_word_names {
            if !self.common_word_names.contains(&w) {
                self.common_word_names.push(w);
            }
        }
        Ok(())
    }

    /// Checks cross-references; reports the first problem.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let mut actors: HashMap<&str, ()> = HashMap::default();
        for s in &self.states {
            actors.insert(&s.id, ());
        }
        for o in &self.orgs {
            actors.insert(&o.id, ());
        }
        for p in &self.people {
            if !actors.contains_key(p.country.as_str()) {
                return Err(Error::Data {
                    file: "people".into(),
                    line: 0,
                    message: format!("person {}: unknown country {}", p.id, p.country),
                });
            }
        }
        for o in &self.orgs {
            let Some(state) = o.people_of.as_deref() else {
                continue;
            };
            if !self.states.iter().any(|s| s.id == state) {
                return Err(Error::Data {
                    file: "orgs".into(),
                    line: 0,
                    message: format!("org {}: people_of {state} is no state", o.id),
                });
            }
        }
        for i in &self.institutions {
            if !actors.contains_key(i.country.as_str()) {
                return Err(Error::Data {
                    file: "institutions".into(),
                    line: 0,
                    message: format!("institution {}: unknown country {}", i.name, i.country),
                });
            }
        }
        for p in &self.places {
            if !p.country.is_empty() && !actors.contains_key(p.country.as_str()) {
                return Err(Error::Data {
                    file: "places".into(),
                    line: 0,
                    message: format!("place {}: unknown country {}", p.id, p.country),
                });
            }
        }
        Ok(())
    }
}

/// A day, `YYYY-MM-DD`, held in place: a bound of a [`date_interval`],
/// which is made for every mention resolved by date (two `String`s were
/// two allocations and two frees each time).
pub(crate) type Day = [u8; 10];

/// A date as an inclusive interval of `YYYY-MM-DD` days.
///
/// `2020` covers `2020-01-01..=2020-12-31`, `2020-10` covers
/// `2020-10-01..=2020-10-31` (every month is taken to end on the 31st, which is
/// harmless for comparisons of ISO strings). Returns `None` for anything else.
pub(crate) fn date_interval(d: &str) -> Option<(Day, Day)> {
    let d = d.trim();
    let b = d.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    // `d` then `suffix`, ten bytes in all
    let with = |suffix: &[u8]| {
        let mut day = [0; 10];
        day[..b.len()].copy_from_slice(b);
        day[b.len()..].copy_from_slice(suffix);
        day
    };
    match b.len() {
        4 if digits(0..4) => Some((with(b"-01-01"), with(b"-12-31"))),
        7 if digits(0..4) && b[4] == b'-' && digits(5..7) => Some((with(b"-01"), with(b"-31"))),
        10 if digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10) => {
            Some((with(b""), with(b"")))
        }
        _ => None,
    }
}

/// Whether a tenure `[from, to]` (empty = open) overlaps the date interval.
/// Bytes compare as the strings do.
pub(crate) fn tenure_covers(from: &str, to: &str, when: &(Day, Day)) -> bool {
    let from_ok = from.is_empty() || from.as_bytes() <= &when.1[..];
    let to_ok = to.is_empty() || to.as_bytes() >= &when.0[..];
    from_ok && to_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_load_and_check() {
        let t = Tables::embedded().expect("embedded data loads");
        assert!(t.states.len() >= 194);
        t.check().expect("cross references");
    }

    #[test]
    fn date_intervals() {
        assert_eq!(
            date_interval("2020"),
            Some((*b"2020-01-01", *b"2020-12-31"))
        );
        assert_eq!(
            date_interval(" 2020-10"),
            Some((*b"2020-10-01", *b"2020-10-31"))
        );
        assert_eq!(
            date_interval("2020-10-02"),
            Some((*b"2020-10-02", *b"2020-10-02"))
        );
        assert_eq!(date_interval("2020-1"), None);
        assert_eq!(date_interval("2020-10-02T10"), None);
        assert_eq!(date_interval("ü"), None);
        let w = date_interval("2020-10-02").unwrap();
        assert!(tenure_covers("2018-05-08", "", &w));
        assert!(!tenure_covers("2021-01-01", "", &w));
        assert!(!tenure_covers("", "2019-01-01", &w));
        // a bound given by year or month compares as its string: "2020-10"
        // comes before "2020-10-02"
        assert!(tenure_covers("2020", "2020-11", &w));
        assert!(!tenure_covers("", "2020-10", &w));
        assert!(!tenure_covers("2020-11", "", &w));
    }

    #[test]
    fn bad_override_names_file_and_line() {
        let mut t = Tables::default();
        let e = t
            .add_csv(
                "mine.csv",
                "id,name,aliases,type,country,province,lat,lon,metonym_of\nx,X,,town,AZE,,notanumber,1,\n",
            )
            .unwrap_err();
        let s = e.to_string();
        assert!(s.contains("mine.csv:2"), "{s}");
        let e = t.add_toml("mine.toml", "[[org]]\nid = 3\n").unwrap_err();
        assert!(e.to_string().starts_with("mine.toml:"), "{e}");
        assert!(t.add_csv("x.csv", "a,b\n1,2\n").is_err());
    }
}
