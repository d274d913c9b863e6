//! Actors and places (scaffold: the knowledge base and recogniser are issue 4).

use serde::Serialize;

/// The entity a mention links to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntityRef {
    /// Canonical id: `AZE`, `OSCE_MG`, `NKR`, a place id like `shusha`.
    pub id: String,
    /// `state`, `unrecognised`, `igo`, `ngo`, `community`, `person`, `org`, `place`.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    /// The state or organisation the entity belongs to, as an id.
    pub country: Option<String>,
    /// GUIDELINES §1 sector: `GOV`, `MIL`, `DIP`, `IGO`, ...
    pub sector: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// A person acting for an office.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonRef {
    pub id: String,
    pub name: String,
}

/// One mention found in a text; offsets are bytes into that text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub entity: EntityRef,
    pub person: Option<PersonRef>,
}

/// The knowledge base of actors and places, with its recogniser.
#[derive(Debug, Default)]
pub struct Gazetteer {}

impl Gazetteer {
    /// The knowledge base compiled into the binary.
    pub fn embedded() -> Gazetteer {
        Gazetteer {}
    }

    /// Finds mentions in `text`. `date_at(offset)` gives the date in force
    /// at an offset (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), to resolve offices.
    pub fn recognise(
        &self,
        _text: &str,
        _date_at: &dyn Fn(usize) -> Option<String>,
    ) -> Vec<Mention> {
        Vec::new()
    }
}
