//! Actors and places: the curated knowledge base and the recogniser that links
//! mentions in a text to it.
//!
//! The knowledge base lives in `data/entities/` (see its README): states
//! (`states.csv`), non-state actors (`orgs.toml`), role nouns and office titles
//! (`roles.toml`), office holders with dates (`people.csv`), named institutions
//! (`institutions.csv`), places (`places.csv`) and the rules for reporting
//! unknown names (`candidates.toml`). All files are embedded in the binary;
//! [`Gazetteer::with_overrides`] adds an analyst's own files on top.
//!
//! Linking rules (ids and sectors follow GUIDELINES §1):
//! - a state's names, short names and its capital link to the state (`AZE`);
//!   the capital is emitted as a place mention with [`Mention::metonym_of`] set;
//! - a demonym adjective or a state name (possessive or not) followed by role
//!   nouns ("Azerbaijani Defence Ministry", "Turkey's Foreign Minister",
//!   "Armenian forces") is one mention of the state with the role's sector;
//! - a role followed by `of <state>` ("President of Azerbaijan") likewise;
//! - an office title resolves to its holder at the date in force
//!   (`date_at`), and a name resolves to the person's office at that date;
//!   people act for their office: the mention's entity is the state or
//!   organisation, the person is in [`Mention::person`];
//! - plural demonyms naming people ("Armenians", "ethnic Azerbaijanis") link to
//!   the community (`ARMENIANS`, `AZERBAIJANIS`, `TURKS`) when one is defined,
//!   otherwise to the state with sector `CVL`; community roles after a
//!   state's adjective or located in it ("Azerbaijani demonstrators",
//!   "protesters in Baku") link to that community too;
//! - "Nagorno-Karabakh" / "Karabakh" alone is the **region** (a place);
//!   "Artsakh", "Republic of Artsakh", "Nagorno-Karabakh Republic" and
//!   "Artsakh/Karabakh/Nagorno-Karabakh + role" ("Nagorno-Karabakh authorities",
//!   "Artsakh Defence Army") are the actor `NKR`;
//! - short references ("he", "she", "the ministry", "the group", "the
//!   organisation", "the government", "the army", "it" before a statement verb
//!   ...) resolve to the last fitting mention in the same paragraph (no line
//!   break between, at most [`ANAPHORA_WINDOW`] bytes back).

mod candidates;
mod data;
mod kbstr;
mod recognise;

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

pub use candidates::Candidate;
use data::{split_list, Tables};
pub use kbstr::KbStr;
use kbstr::Lender;

/// How far back (bytes) a short reference looks for its antecedent.
pub const ANAPHORA_WINDOW: usize = 1500;

/// The entity a mention links to. Its text is lent from the knowledge base
/// ([`KbStr`]): a copy copies no string.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntityRef {
    /// Canonical id: `AZE`, `OSCE_MG`, `NKR`, a place id like `shusha`.
    pub id: KbStr,
    /// `state`, `unrecognised`, `igo`, `ngo`, `community`, `media`, `org`
    /// (a state's institution or role: "the Azerbaijani Defence Ministry"),
    /// `person` (an office holder or private person; `name` is the person's
    /// name, `id` the actor they act for), `place`.
    #[serde(rename = "type")]
    pub kind: KbStr,
    /// Canonical English name.
    pub name: KbStr,
    /// The state or organisation the entity belongs to, as an id.
    pub country: Option<KbStr>,
    /// GUIDELINES §1 sector: `GOV`, `MIL`, `DIP`, `IGO`, ...; `None` for a
    /// bare state name and for places.
    pub sector: Option<KbStr>,
    /// Latitude (places only).
    pub lat: Option<f64>,
    /// Longitude (places only).
    pub lon: Option<f64>,
}

/// A person acting for an office, lent from the knowledge base like
/// [`EntityRef`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonRef {
    /// Slug id: `sergei-lavrov`.
    pub id: KbStr,
    /// Canonical name: `Sergei Lavrov`.
    pub name: KbStr,
}

/// One mention found in a text; offsets are bytes into that text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mention {
    /// Byte offset of the first byte.
    #[serde(skip_serializing)]
    pub start: usize,
    /// Byte offset one past the last byte.
    #[serde(skip_serializing)]
    pub end: usize,
    /// `text[start..end]`: lent from the knowledge base when it is a
    /// surface form of it as it stands ("Azerbaijan"), copied when the
    /// mention is composed of several ("the Azerbaijani Defence Ministry").
    pub text: KbStr,
    /// What the mention links to.
    pub entity: EntityRef,
    /// The office holder, when the mention names or implies a person.
    pub person: Option<PersonRef>,
    /// For a capital or seat of government used as a place ("Baku",
    /// "Stepanakert"): the actor it commonly stands for (`AZE`, `NKR`). The
    /// mention itself links to the place; a caller that reads "Baku said" as
    /// an actor uses this id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metonym_of: Option<KbStr>,
}

/// One office held by a person, with its dates (`YYYY-MM-DD`, open when `None`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Office {
    /// The state or organisation the office belongs to.
    pub country: String,
    /// Office key: `president`, `prime_minister`, `foreign_minister`, ...
    pub office: String,
    /// Sector the holder acts in.
    pub sector: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A person of the knowledge base.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonEntry {
    pub person: PersonRef,
    /// Surface forms besides the name.
    pub aliases: Vec<String>,
    /// Offices, first the primary one (used when no date decides).
    pub offices: Vec<Office>,
}

/// Errors loading knowledge-base files.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read.
    Io { file: String, message: String },
    /// A file has a bad row or value; `line` is 1-based (0 when unknown).
    Data {
        file: String,
        line: usize,
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { file, message } => write!(f, "{file}: {message}"),
            Error::Data {
                file,
                line,
                message,
            } => write!(f, "{file}:{line}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// A role noun or office title (`roles.toml`).
#[derive(Clone, Debug)]
pub(crate) struct Role {
    pub sector: KbStr,
    pub office: Option<String>,
    pub anaphoric: bool,
    /// "rebels in Côte d'Ivoire": named by where they are, of that state.
    pub located: bool,
}

/// What a short reference refers to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Anaphor {
    /// he / she: the last person.
    Person,
    /// the ministry: the last mention whose text says "ministry".
    Ministry,
    /// the group: the last organisation named "... Group", else the last IGO/NGO.
    Group,
    /// the organisation / the body / the alliance: the last IGO or NGO.
    Organisation,
    /// the council / the committee: the last IGO named so.
    Council,
    /// it + statement verb: the last organisation or state before the sentence.
    It,
}

/// The meaning of one surface form (pattern); a form may have several.
#[derive(Clone, Debug)]
pub(crate) enum Pat {
    /// A name of an actor; `sector` overrides the actor's own.
    Actor {
        actor: usize,
        sector: Option<KbStr>,
        institution: bool,
    },
    /// A demonym adjective or attributive form ("Azerbaijani", "Artsakh").
    Adj { actor: usize },
    /// A plural demonym naming people ("Russians"): the state, sector CVL.
    People { actor: usize },
    /// A place name.
    Place { place: usize },
    /// A person's name or alias.
    Person { person: usize },
    /// A role noun or title.
    Role { role: usize },
    /// A short reference.
    Anaphor(Anaphor),
}

#[derive(Clone, Debug)]
pub(crate) struct Place {
    pub entity: EntityRef,
    pub aliases: Vec<String>,
    pub place_type: String,
    pub province: Option<String>,
    pub metonym_of: Option<KbStr>,
}

#[derive(Clone, Debug)]
pub(crate) struct Tenure {
    pub country: KbStr,
    pub office: String,
    pub sector: KbStr,
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub id: KbStr,
    pub name: KbStr,
    pub aliases: Vec<String>,
    pub tenures: Vec<Tenure>,
}

/// The indexed knowledge base.
#[derive(Debug)]
pub(crate) struct Kb {
    pub actors: Vec<EntityRef>,
    pub actor_aliases: Vec<Vec<String>>,
    pub actor_ix: HashMap<String, usize>,
    pub places: Vec<Place>,
    pub place_ix: HashMap<String, usize>,
    pub persons: Vec<Person>,
    /// country → office → (person, tenure) indices.
    pub offices: HashMap<String, HashMap<String, Vec<(usize, usize)>>>,
    pub roles: Vec<Role>,
    /// A state's community (`AZE` → `AZERBAIJANIS`), by actor index, from
    /// `people_of` in `orgs.toml`.
    /// "Azerbaijani demonstrators" and "the Turkish diaspora" are people of
    /// that community, not the state (GUIDELINES §1).
    pub community_of: HashMap<usize, usize>,
    /// Every surface form, by first word (letters and digits up to the
    /// first other character): the scan (`recognise::scan`) looks only at
    /// words in this table.
    pub forms: recognise::SurfaceForms,
    pub pats: Vec<Vec<Pat>>,
    /// Every surface form, by pattern, lent to the mentions that are
    /// exactly that form.
    pub surface: Vec<KbStr>,
    pub place_suffixes: Vec<String>,
    /// Whether some place suffix starts with this byte.
    pub place_suffix_first: [bool; 256],
    pub it_verbs: rustc_hash::FxHashSet<String>,
    /// What each surface form can be, by pattern; among that whether it is
    /// a name that is also a common given name or the first word of other
    /// names (`roles.toml` `ambiguous_names`): tested for every token.
    pub kinds: Vec<recognise::Kinds>,
    pub cand: candidates::Rules,
}

/// The knowledge base of actors and places, with its recogniser.
///
/// A knowledge base lives for the process: the embedded one is built once
/// and kept in a static, one with an analyst's files is leaked when built
/// ([`Gazetteer::with_overrides`], called once per run). So a gazetteer is
/// a reference, copied for free, and the mentions it finds borrow the
/// knowledge base's ids and names ([`KbStr`]) instead of copying them.
#[derive(Clone, Copy, Debug)]
pub struct Gazetteer {
    kb: &'static Kb,
}

impl Default for Gazetteer {
    fn default() -> Self {
        Gazetteer::embedded()
    }
}

static EMBEDDED: OnceLock<Kb> = OnceLock::new();

impl Gazetteer {
    /// The knowledge base compiled into the binary. It is indexed once per
    /// process and shared by every call.
    pub fn embedded() -> Gazetteer {
        let kb = EMBEDDED.get_or_init(|| {
            // The embedded data is checked by the tests; should it ever fail
            // to load, recognise nothing rather than panic.
            let tables = Tables::embedded().unwrap_or_default();
            Kb::build(&tables)
        });
        Gazetteer { kb }
    }

    /// The embedded knowledge base plus the given user files (CSV with the
    /// header of `states.csv`, `people.csv`, `places.csv` or
    /// `institutions.csv`; TOML with `[[org]]` and/or `[[role]]` tables).
    /// Rows with an existing id replace the embedded row; people rows add
    /// offices. Errors name the file and line.
    ///
    /// The knowledge base built is never freed (see [`Gazetteer`]): call
    /// this once per process, not per document.
    pub fn with_overrides<P: AsRef<Path>>(paths: &[P]) -> Result<Gazetteer, Error> {
        let mut t = Tables::embedded()?;
        for p in paths {
            let p = p.as_ref();
            let name = p.display().to_string();
            let text = std::fs::read_to_string(p).map_err(|e| Error::Io {
                file: name.clone(),
                message: e.to_string(),
            })?;
            let ext = p
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            match ext.as_str() {
                "csv" => t.add_csv(&name, &text)?,
                "toml" => t.add_toml(&name, &text)?,
                _ => {
                    return Err(Error::Io {
                        file: name,
                        message: "expected a .csv or .toml file".into(),
                    })
                }
            }
        }
        t.check()?;
        Ok(Gazetteer {
            kb: Box::leak(Box::new(Kb::build(&t))),
        })
    }

    /// Finds mentions in `text`, sorted by start and non-overlapping.
    /// `date_at(offset)` gives the date in force at an offset (`YYYY`,
    /// `YYYY-MM` or `YYYY-MM-DD`), to resolve offices and names by date.
    pub fn recognise(&self, text: &str, date_at: &dyn Fn(usize) -> Option<String>) -> Vec<Mention> {
        recognise::recognise(self.kb, text, date_at)
    }

    /// Capitalised names in `text` that no mention (and no known word of the
    /// knowledge base, such as a title) covers, with a type guess
    /// (`person`, `org`, `place`, `unknown`), so the knowledge base can grow.
    pub fn candidates(&self, text: &str, mentions: &[Mention]) -> Vec<Candidate> {
        let known = recognise::known_spans(self.kb, text);
        candidates::candidates(&self.kb.cand, text, mentions, &known)
    }

    /// The actor or place with this id.
    pub fn entity(&self, id: &str) -> Option<&'static EntityRef> {
        if let Some(&i) = self.kb.actor_ix.get(id) {
            return self.kb.actors.get(i);
        }
        self.kb
            .place_ix
            .get(id)
            .and_then(|&i| self.kb.places.get(i))
            .map(|p| &p.entity)
    }

    /// Every surface form the knowledge base knows for an actor or place id
    /// (name first).
    pub fn names(&self, id: &str) -> Vec<&'static str> {
        if let Some(&i) = self.kb.actor_ix.get(id) {
            let mut v = vec![self.kb.actors[i].name.as_str()];
            v.extend(self.kb.actor_aliases[i].iter().map(String::as_str));
            return v;
        }
        if let Some(&i) = self.kb.place_ix.get(id) {
            let p = &self.kb.places[i];
            let mut v = vec![p.entity.name.as_str()];
            v.extend(p.aliases.iter().map(String::as_str));
            return v;
        }
        Vec::new()
    }

    /// A place's type (`city`, `town`, `village`, `district`, `region`,
    /// `river`, `mountain`, `corridor`, `line` ...), its Artsakh-era province
    /// when it has one, and the actor it stands for when a capital.
    pub fn place_detail(
        &self,
        id: &str,
    ) -> Option<(&'static str, Option<&'static str>, Option<&'static str>)> {
        let p = self.kb.places.get(*self.kb.place_ix.get(id)?)?;
        Some((
            p.place_type.as_str(),
            p.province.as_deref(),
            p.metonym_of.as_deref(),
        ))
    }

    /// Every actor (states, unrecognised states, organisations, communities).
    pub fn actors(&self) -> impl Iterator<Item = &'static EntityRef> {
        self.kb.actors.iter()
    }

    /// Every place.
    pub fn places(&self) -> impl Iterator<Item = &'static EntityRef> {
        self.kb.places.iter().map(|p| &p.entity)
    }

    /// Every person with their offices.
    pub fn people(&self) -> impl Iterator<Item = PersonEntry> {
        self.kb.persons.iter().map(|p| PersonEntry {
            person: PersonRef {
                id: p.id.clone(),
                name: p.name.clone(),
            },
            aliases: p.aliases.clone(),
            offices: p
                .tenures
                .iter()
                .map(|t| Office {
                    country: t.country.to_string(),
                    office: t.office.clone(),
                    sector: t.sector.to_string(),
                    from: (!t.from.is_empty()).then(|| t.from.clone()),
                    to: (!t.to.is_empty()).then(|| t.to.clone()),
                })
                .collect(),
        })
    }
}

/// Which bytes some of `words` start with (all, when one is empty: it
/// starts any text).
fn first_bytes(words: &[String]) -> [bool; 256] {
    let mut first = [false; 256];
    for w in words {
        match w.as_bytes().first() {
            Some(&b) => first[usize::from(b)] = true,
            None => return [true; 256],
        }
    }
    first
}

/// Upper-cases the first character.
fn cap_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The phrase as written plus its lower-case, Capitalised and Title Case forms.
fn case_variants(phrase: &str) -> Vec<String> {
    const SMALL: &[&str] = &["of", "the", "and", "for", "to", "in", "on"];
    let lower = phrase.to_lowercase();
    let title_small: Vec<String> = lower
        .split(' ')
        .enumerate()
        .map(|(i, w)| {
            if i > 0 && SMALL.contains(&w) {
                w.to_string()
            } else {
                cap_first(w)
            }
        })
        .collect();
    let title_all: Vec<String> = lower.split(' ').map(cap_first).collect();
    // Hyphenated words capitalised part by part: "Secretary-General".
    let title_hyphen: Vec<String> = lower
        .split(' ')
        .map(|w| w.split('-').map(cap_first).collect::<Vec<_>>().join("-"))
        .collect();
    let mut v = vec![
        phrase.to_string(),
        lower.clone(),
        cap_first(&lower),
        title_small.join(" "),
        title_all.join(" "),
        title_hyphen.join(" "),
    ];
    v.sort();
    v.dedup();
    v
}

impl Kb {
    /// Indexes the tables. The text that mentions carry is leaked, once per
    /// distinct string, to be lent to them ([`Lender`]).
    fn build(t: &Tables) -> Kb {
        let mut lender = Lender::default();
        let mut kb = Kb {
            actors: Vec::new(),
            actor_aliases: Vec::new(),
            actor_ix: HashMap::default(),
            places: Vec::new(),
            place_ix: HashMap::default(),
            persons: Vec::new(),
            offices: HashMap::default(),
            roles: Vec::new(),
            community_of: HashMap::default(),
            forms: recognise::SurfaceForms::default(),
            pats: Vec::new(),
            surface: Vec::new(),
            place_suffixes: t.place_suffixes.clone(),
            place_suffix_first: first_bytes(&t.place_suffixes),
            it_verbs: t.it_verbs.iter().cloned().collect(),
            kinds: Vec::new(),
            cand: candidates::Rules::from(&t.candidates),
        };
        let mut pat_ix: HashMap<String, usize> = HashMap::default();
        let mut patterns: Vec<String> = Vec::new();
        let mut add = |kb: &mut Kb, s: &str, p: Pat| {
            let s = s.trim();
            if s.is_empty() {
                return;
            }
            let i = *pat_ix.entry(s.to_string()).or_insert_with(|| {
                patterns.push(s.to_string());
                kb.pats.push(Vec::new());
                patterns.len() - 1
            });
            kb.pats[i].push(p);
        };

        // States.
        let mut capitals: Vec<(String, usize)> = Vec::new();
        for s in &t.states {
            let ai = kb.actors.len();
            let id = lender.lend(&s.id);
            kb.actors.push(EntityRef {
                id: id.clone(),
                kind: KbStr::lent("state"),
                name: lender.lend(&s.name),
                country: Some(id),
                sector: None,
                lat: None,
                lon: None,
            });
            kb.actor_ix.insert(s.id.clone(), ai);
            let mut al: Vec<String> = split_list(&s.aliases).map(String::from).collect();
            add(
                &mut kb,
                &s.name,
                Pat::Actor {
                    actor: ai,
                    sector: None,
                    institution: false,
                },
            );
            for a in split_list(&s.aliases) {
                add(
                    &mut kb,
                    a,
                    Pat::Actor {
                        actor: ai,
                        sector: None,
                        institution: false,
                    },
                );
                if let Some(rest) = a.strip_prefix("The ") {
                    add(
                        &mut kb,
                        &format!("the {rest}"),
                        Pat::Actor {
                            actor: ai,
                            sector: None,
                            institution: false,
                        },
                    );
                }
            }
            for a in split_list(&s.adjectives) {
                add(&mut kb, a, Pat::Adj { actor: ai });
                al.push(a.to_string());
            }
            for a in split_list(&s.people) {
                add(&mut kb, a, Pat::People { actor: ai });
                al.push(a.to_string());
            }
            for c in split_list(&s.capital) {
                capitals.push((c.to_string(), ai));
            }
            kb.actor_aliases.push(al);
        }
        // Organisations, unrecognised states, communities.
        for o in &t.orgs {
            let ai = kb.actors.len();
            let country = lender.lend(o.country.as_ref().unwrap_or(&o.id));
            let sector = lender.lend_opt(o.sector.as_deref());
            kb.actors.push(EntityRef {
                id: lender.lend(&o.id),
                kind: lender.lend(&o.kind),
                name: lender.lend(&o.name),
                country: Some(country),
                sector: sector.clone(),
                lat: None,
                lon: None,
            });
            kb.actor_ix.insert(o.id.clone(), ai);
            let mut al = o.aliases.clone();
            add(
                &mut kb,
                &o.name,
                Pat::Actor {
                    actor: ai,
                    sector: sector.clone(),
                    institution: false,
                },
            );
            for a in &o.aliases {
                add(
                    &mut kb,
                    a,
                    Pat::Actor {
                        actor: ai,
                        sector: sector.clone(),
                        institution: false,
                    },
                );
            }
            for a in &o.adjectives {
                add(&mut kb, a, Pat::Adj { actor: ai });
                al.push(a.clone());
            }
            kb.actor_aliases.push(al);
        }
        // Communities of states (`people_of` in orgs.toml).
        for o in &t.orgs {
            let state = o.people_of.as_ref().and_then(|s| kb.actor_ix.get(s));
            if let (Some(&state), Some(&c)) = (state, kb.actor_ix.get(&o.id)) {
                kb.community_of.insert(state, c);
            }
        }
        // Institutions: a state's body with a fixed sector.
        for i in &t.institutions {
            let Some(&ai) = kb.actor_ix.get(&i.country) else {
                continue;
            };
            let p = Pat::Actor {
                actor: ai,
                sector: Some(lender.lend(&i.sector)),
                institution: true,
            };
            add(&mut kb, &i.name, p.clone());
            for a in split_list(&i.aliases) {
                add(&mut kb, a, p.clone());
            }
        }
        // Places.
        for p in &t.places {
            let pi = kb.places.len();
            let aliases: Vec<String> = split_list(&p.aliases).map(String::from).collect();
            kb.places.push(Place {
                entity: EntityRef {
                    id: lender.lend(&p.id),
                    kind: KbStr::lent("place"),
                    name: lender.lend(&p.name),
                    country: (!p.country.is_empty()).then(|| lender.lend(&p.country)),
                    sector: None,
                    lat: p.lat,
                    lon: p.lon,
                },
                aliases: aliases.clone(),
                place_type: p.kind.clone(),
                province: (!p.province.is_empty()).then(|| p.province.clone()),
                metonym_of: (!p.metonym_of.is_empty()).then(|| lender.lend(&p.metonym_of)),
            });
            kb.place_ix.insert(p.id.clone(), pi);
            add(&mut kb, &p.name, Pat::Place { place: pi });
            for a in &aliases {
                add(&mut kb, a, Pat::Place { place: pi });
            }
        }
        // Capitals not in places.csv become places without coordinates.
        for (c, ai) in capitals {
            let state = kb.actors[ai].id.clone();
            let existing = kb
                .places
                .iter()
                .position(|p| p.entity.name == c || p.aliases.contains(&c));
            match existing {
                Some(pi) => {
                    if kb.places[pi].metonym_of.is_none() {
                        kb.places[pi].metonym_of = Some(state);
                    }
                }
                None => {
                    let id = slug(&c);
                    if kb.place_ix.contains_key(&id) {
                        continue;
                    }
                    let pi = kb.places.len();
                    kb.places.push(Place {
                        entity: EntityRef {
                            id: lender.lend(&id),
                            kind: KbStr::lent("place"),
                            name: lender.lend(&c),
                            country: Some(state.clone()),
                            sector: None,
                            lat: None,
                            lon: None,
                        },
                        aliases: Vec::new(),
                        place_type: "city".into(),
                        province: None,
                        metonym_of: Some(state),
                    });
                    kb.place_ix.insert(id, pi);
                    add(&mut kb, &c, Pat::Place { place: pi });
                }
            }
        }
        // People: rows with the same id are offices of one person.
        let mut person_ix: HashMap<String, usize> = HashMap::default();
        for r in &t.people {
            let pi = match person_ix.get(&r.id) {
                Some(&pi) => pi,
                None => {
                    let pi = kb.persons.len();
                    kb.persons.push(Person {
                        id: lender.lend(&r.id),
                        name: lender.lend(&r.name),
                        aliases: Vec::new(),
                        tenures: Vec::new(),
                    });
                    person_ix.insert(r.id.clone(), pi);
                    add(&mut kb, &r.name, Pat::Person { person: pi });
                    pi
                }
            };
            for a in split_list(&r.aliases) {
                if !kb.persons[pi].aliases.iter().any(|x| x == a) {
                    kb.persons[pi].aliases.push(a.to_string());
                    add(&mut kb, a, Pat::Person { person: pi });
                }
            }
            let ti = kb.persons[pi].tenures.len();
            kb.offices
                .entry(r.country.clone())
                .or_default()
                .entry(r.office.clone())
                .or_default()
                .push((pi, ti));
            kb.persons[pi].tenures.push(Tenure {
                country: lender.lend(&r.country),
                office: r.office.clone(),
                sector: lender.lend(&r.sector),
                from: r.from.clone(),
                to: r.to.clone(),
            });
        }
        // Roles.
        for r in &t.roles {
            let ri = kb.roles.len();
            kb.roles.push(Role {
                sector: lender.lend(&r.sector),
                office: r.office.clone().filter(|o| !o.is_empty()),
                anaphoric: r.anaphoric,
                located: r.located,
            });
            for ph in &r.phrases {
                for v in case_variants(ph) {
                    add(&mut kb, &v, Pat::Role { role: ri });
                }
            }
        }
        // Short references.
        // Nouns are matched alone and count only after "the" (a pattern
        // starting with "the" would hide longer names starting at the noun:
        // "the Organization for Security and Co-operation in Europe").
        let anaphors: &[(&str, Anaphor)] = &[
            ("he", Anaphor::Person),
            ("she", Anaphor::Person),
            ("it", Anaphor::It),
            ("ministry", Anaphor::Ministry),
            ("group", Anaphor::Group),
            ("organisation", Anaphor::Organisation),
            ("organization", Anaphor::Organisation),
            ("alliance", Anaphor::Organisation),
            ("bloc", Anaphor::Organisation),
            ("council", Anaphor::Council),
            ("committee", Anaphor::Council),
        ];
        for (ph, a) in anaphors {
            for v in case_variants(ph) {
                add(&mut kb, &v, Pat::Anaphor(*a));
            }
        }
        for (i, p) in patterns.iter().enumerate() {
            kb.forms.add(p, i);
        }
        kb.surface = patterns.iter().map(|p| lender.lend(p)).collect();
        let ambiguous: rustc_hash::FxHashSet<&str> =
            t.ambiguous_names.iter().map(String::as_str).collect();
        let common: rustc_hash::FxHashSet<&str> =
            t.common_word_names.iter().map(String::as_str).collect();
        kb.kinds = patterns
            .iter()
            .zip(&kb.pats)
            .map(|(p, pats)| {
                let k = recognise::Kinds::of(pats, ambiguous.contains(p.as_str()));
                k.with_common_word(common.contains(p.as_str()))
            })
            .collect();
        kb
    }
}

/// A lower-case ASCII-ish slug of a name: "Buenos Aires" → `buenos-aires`.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_variants_of_roles() {
        let v = case_variants("ministry of defence");
        assert!(v.contains(&"Ministry of Defence".to_string()));
        assert!(v.contains(&"ministry of defence".to_string()));
        assert!(v.contains(&"Ministry of defence".to_string()));
    }

    #[test]
    fn first_bytes_of_words() {
        let words = ["River".to_string(), "rayon".into(), "Region".into()];
        let first = first_bytes(&words);
        assert_eq!(first.iter().filter(|&&f| f).count(), 2);
        assert!(first[usize::from(b'R')] && first[usize::from(b'r')]);
        assert!(first_bytes(&["x".into(), String::new()]).iter().all(|&f| f));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Buenos Aires"), "buenos-aires");
        assert_eq!(slug("St. John's"), "st-john-s");
        assert_eq!(slug("Brasília"), "brasília");
    }

    #[test]
    fn kb_counts_and_lookup() {
        let g = Gazetteer::embedded();
        let states = g.actors().filter(|a| a.kind == "state").count();
        assert!(states >= 194, "{states}");
        assert_eq!(g.entity("AZE").map(|e| e.name.as_str()), Some("Azerbaijan"));
        assert_eq!(
            g.entity("OSCE_MG").and_then(|e| e.country.as_deref()),
            Some("OSCE")
        );
        let shusha = g.entity("shusha").expect("shusha");
        assert!(shusha.lat.is_some() && shusha.lon.is_some());
        assert!(g.names("shusha").contains(&"Şuşa"));
        assert!(g.people().any(|p| p.person.id == "sergei-lavrov"));
        // places of the conflict's states lie in the South Caucasus
        for p in g.places() {
            if matches!(p.country.as_deref(), Some("AZE" | "ARM" | "GEO")) {
                if let (Some(la), Some(lo)) = (p.lat, p.lon) {
                    assert!(
                        (38.3..=43.6).contains(&la) && (40.0..=50.9).contains(&lo),
                        "{}",
                        p.id
                    );
                }
            }
        }
        // every place with coordinates has plausible ones
        for p in g.places() {
            if let (Some(la), Some(lo)) = (p.lat, p.lon) {
                assert!(
                    (-90.0..=90.0).contains(&la) && (-180.0..=180.0).contains(&lo),
                    "{}",
                    p.id
                );
            }
        }
    }

    #[test]
    fn mentions_borrow_the_knowledge_base_text() {
        let g = Gazetteer::embedded();
        let text = "Azerbaijan said the Azerbaijani Defence Ministry and Baku were right.";
        let ms = g.recognise(text, &|_| Some("2020".into()));
        let aze = g.entity("AZE").expect("AZE");
        let same = |a: &KbStr, b: &KbStr| a.as_ptr() == b.as_ptr() && a == b;
        let of_aze: Vec<&Mention> = ms.iter().filter(|m| m.entity.id == "AZE").collect();
        assert_eq!(of_aze.len(), 2, "{ms:?}");
        for m in of_aze {
            assert!(same(&m.entity.id, &aze.id) && same(&m.entity.name, &aze.name));
        }
        let baku = ms.iter().find(|m| m.text == "Baku").expect("Baku");
        let kb_baku = g.entity(&baku.entity.id).expect("Baku's place");
        assert!(same(&baku.entity.name, &kb_baku.name));
        assert!(same(
            baku.metonym_of.as_ref().expect("Baku stands for AZE"),
            &aze.id
        ));
    }

    #[test]
    fn overrides_add_and_report_errors() {
        let dir = std::env::temp_dir().join(format!("casus-entities-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let ok = dir.join("mine.csv");
        std::fs::write(
            &ok,
            "id,name,aliases,type,country,province,lat,lon,metonym_of\nfoo-village,Fooville,Fooberd,village,AZE,,40.0,46.0,\n",
        )
        .unwrap();
        let g = Gazetteer::with_overrides(&[&ok]).expect("loads");
        let m = g.recognise("Shelling hit Fooberd.", &|_| None);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].entity.id, "foo-village");
        let people = dir.join("people.csv");
        std::fs::write(
            &people,
            "id,name,aliases,country,office,sector,from,to\nanna-testyan,Anna Testyan,Testyan,ARM,foreign_minister,DIP,2030-01-01,\n",
        )
        .unwrap();
        let g = Gazetteer::with_overrides(&[&people]).expect("people load");
        let m = g.recognise("the Armenian Foreign Minister and Testyan", &|_| {
            Some("2031".into())
        });
        assert_eq!(m.len(), 2);
        assert!(m
            .iter()
            .all(|m| m.person.as_ref().is_some_and(|p| p.id == "anna-testyan")));
        let bad = dir.join("bad.toml");
        std::fs::write(&bad, "[[org]]\nid = \"X\"\nkind = 3\n").unwrap();
        let e = Gazetteer::with_overrides(&[&bad]).unwrap_err().to_string();
        assert!(e.contains("bad.toml:3"), "{e}");
        let stateless = dir.join("stateless.toml");
        std::fs::write(
            &stateless,
            "[[org]]\nid = \"FOOS\"\nkind = \"community\"\nname = \"Foos\"\npeople_of = \"FOO\"\n",
        )
        .unwrap();
        let e = Gazetteer::with_overrides(&[&stateless])
            .unwrap_err()
            .to_string();
        assert!(e.contains("people_of FOO is no state"), "{e}");
        let missing = dir.join("nope.csv");
        assert!(Gazetteer::with_overrides(&[&missing]).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
