//! The fields of an event or claim record that the knowledge base keeps in
//! columns, read straight from the record's JSON (or a loaded value), or
//! taken from the extracted event or claim itself when the pipeline has
//! just found it (the same values, without parsing the JSON back).
//!
//! Only these fields are parsed; the rest of the record (rules, auxiliary
//! flags, raw names) is skipped unbuilt. A scalar of an unexpected type
//! (a number where a name belongs) reads as absent, as a missing field
//! does; an actor, date, place or value that is not an object is an error.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The column values of one fact record.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub(crate) struct Columns {
    #[serde(rename = "type", deserialize_with = "text")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "text")]
    pub mode: Option<String>,
    #[serde(deserialize_with = "text")]
    pub claimed_by: Option<String>,
    /// The evidence sentence.
    #[serde(deserialize_with = "text")]
    pub text: Option<String>,
    #[serde(deserialize_with = "text")]
    pub category: Option<String>,
    #[serde(deserialize_with = "text")]
    pub population: Option<String>,
    #[serde(deserialize_with = "text")]
    pub item: Option<String>,
    #[serde(deserialize_with = "text")]
    pub subject: Option<String>,
    #[serde(deserialize_with = "text")]
    pub claimant: Option<String>,
    pub actor: Option<Party>,
    pub recipient: Option<Party>,
    pub date: Option<Period>,
    pub location: Option<Place>,
    pub value: Option<Range>,
}

/// An actor or recipient.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub(crate) struct Party {
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub country: Option<String>,
    #[serde(deserialize_with = "text")]
    pub sector: Option<String>,
}

/// A resolved date.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub(crate) struct Period {
    #[serde(deserialize_with = "text")]
    pub start: Option<String>,
    #[serde(deserialize_with = "text")]
    pub end: Option<String>,
}

/// A place.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub(crate) struct Place {
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "number")]
    pub lat: Option<f64>,
    #[serde(deserialize_with = "number")]
    pub lon: Option<f64>,
}

/// A claimed number.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub(crate) struct Range {
    #[serde(deserialize_with = "integer")]
    pub low: Option<i64>,
    #[serde(deserialize_with = "integer")]
    pub high: Option<i64>,
}

impl Columns {
    /// The columns of a record stored as JSON (what the typed ones
    /// below must equal).
    #[cfg(test)]
    pub fn from_json(json: &str) -> serde_json::Result<Columns> {
        serde_json::from_str(json)
    }

    /// The columns of a record given as a JSON value.
    pub fn from_value(v: &Value) -> serde_json::Result<Columns> {
        Columns::deserialize(v)
    }

    /// The columns of an event the pipeline found, whose evidence is `text`.
    pub fn of_event(e: &casus_extract::Event, text: &str) -> Columns {
        Columns {
            kind: Some(e.kind.to_string()),
            mode: e.mode.map(String::from),
            claimed_by: e.claimed_by.as_deref().map(String::from),
            text: Some(text.to_string()),
            actor: e.actor.as_ref().map(Party::of),
            recipient: e.recipient.as_ref().map(Party::of),
            date: e.date.as_ref().map(|d| Period {
                start: Some(d.start.to_string()),
                end: Some(d.end.to_string()),
            }),
            location: e.location.as_ref().map(|p| Place {
                id: Some(p.id.to_string()),
                lat: p.lat,
                lon: p.lon,
            }),
            ..Default::default()
        }
    }

    /// The columns of a claim the pipeline found, whose evidence is `text`.
    pub fn of_claim(c: &casus_extract::Claim, text: &str) -> Columns {
        Columns {
            category: Some(c.category.clone()),
            population: Some(c.population.clone()),
            item: c.item.clone(),
            subject: c.subject.as_deref().map(String::from),
            claimant: c.claimant.as_deref().map(String::from),
            text: Some(text.to_string()),
            date: c.date.as_ref().map(|d| Period {
                start: Some(d.start.to_string()),
                end: Some(d.end.to_string()),
            }),
            // As JSON reads them: a count beyond i64 is no integer.
            value: Some(Range {
                low: c.value.low.and_then(|n| i64::try_from(n).ok()),
                high: c.value.high.and_then(|n| i64::try_from(n).ok()),
            }),
            ..Default::default()
        }
    }

    pub fn actor(&self) -> Option<&Party> {
        self.actor.as_ref()
    }

    pub fn recipient(&self) -> Option<&Party> {
        self.recipient.as_ref()
    }

    pub fn date_start(&self) -> Option<&str> {
        self.date.as_ref()?.start.as_deref()
    }

    pub fn date_end(&self) -> Option<&str> {
        self.date.as_ref()?.end.as_deref()
    }

    pub fn place(&self) -> Option<&Place> {
        self.location.as_ref()
    }

    pub fn low(&self) -> Option<i64> {
        self.value.as_ref()?.low
    }

    pub fn high(&self) -> Option<i64> {
        self.value.as_ref()?.high
    }
}

impl Party {
    fn of(a: &casus_extract::Actor) -> Party {
        Party {
            id: Some(a.id.to_string()),
            country: a.country.as_deref().map(String::from),
            sector: a.sector.as_deref().map(String::from),
        }
    }
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        _ => None,
    })
}

fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(Value::deserialize(d)?.as_f64())
}

fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Value::deserialize(d)?.as_i64())
}

#[cfg(test)]
mod tests {
    use super::Columns;

    #[test]
    fn columns_are_read_and_odd_types_read_as_absent() {
        let c = Columns::from_json(
            r#"{"type":"ATTACK","mode":3,"rule":{"deep":[1,2]},"actor":{"id":"AZE","name":"Azerbaijan","country":null},
               "recipient":null,"date":{"start":"2020-10-04","end":"2020-10-04","precision":"day"},
               "location":{"id":"stepanakert","lat":39.8,"lon":46.75},"value":{"low":12,"high":"many"},"text":"Shelled."}"#,
        )
        .unwrap();
        assert_eq!(c.kind.as_deref(), Some("ATTACK"));
        assert_eq!(c.mode, None);
        assert_eq!(c.actor().and_then(|a| a.id.as_deref()), Some("AZE"));
        assert_eq!(c.actor().and_then(|a| a.country.as_deref()), None);
        assert!(c.recipient().is_none());
        assert_eq!(c.date_start(), Some("2020-10-04"));
        assert_eq!(c.place().and_then(|p| p.lon), Some(46.75));
        assert_eq!((c.low(), c.high()), (Some(12), None));
        assert_eq!(c.text.as_deref(), Some("Shelled."));
        let v: serde_json::Value =
            serde_json::from_str(r#"{"category":"killed","value":{"low":5}}"#).unwrap();
        let c = Columns::from_value(&v).unwrap();
        assert_eq!((c.category.as_deref(), c.low()), (Some("killed"), Some(5)));
        assert!(Columns::from_json(r#"{"actor":"ARM"}"#).is_err());
    }

    /// The columns taken from the extracted facts are those their stored
    /// records give, for every event and claim of the embedded corpus.
    #[test]
    fn extracted_facts_give_the_columns_their_records_give() {
        let pipeline = casus_pipeline::Pipeline::embedded();
        let (mut events, mut claims) = (0, 0);
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
        for entry in std::fs::read_dir(seeds).unwrap() {
            let path = entry.unwrap().path();
            let raw = std::fs::read(&path).unwrap();
            let name = path.display().to_string();
            let doc = casus_read::read_bytes(&name, &raw, &Default::default()).unwrap();
            let p = pipeline.process(doc);
            let records = casus_pipeline::records::stored_fact_records(&p);
            let typed = p
                .events
                .iter()
                .map(|e| Columns::of_event(e, &p.doc.clean[e.start..e.end]))
                .chain(
                    p.claims
                        .iter()
                        .map(|c| Columns::of_claim(c, &p.doc.clean[c.start..c.end])),
                );
            for (r, c) in records.iter().zip(typed) {
                // The evidence text is stored beside the record.
                let mut stored = Columns::from_json(&r.record).unwrap();
                assert_eq!(stored.text, None, "{}", r.record);
                stored.text = c.text.clone();
                assert_eq!(stored, c, "{}", r.record);
            }
            assert_eq!(records.len(), p.events.len() + p.claims.len());
            events += p.events.len();
            claims += p.claims.len();
        }
        assert!(
            events > 500 && claims > 50,
            "{events} events, {claims} claims"
        );
    }
}
