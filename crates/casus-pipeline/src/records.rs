//! The JSON records of `casus extract --format jsonl`: one per line, each
//! with `kind`, `doc` (the file name as given) and `span` (raw byte offsets,
//! half-open).
//!
//! Every record is a borrowed struct serialised straight to its output:
//! [`json_lines`] and [`write_records`] write JSON lines, [`records`] and [`fact_records`]
//! build [`serde_json::Value`]s from the same structs, so the shape of a
//! record is defined once.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;
use std::io::Write;

use casus_entities::{EntityRef, KbStr, Mention, PersonRef};
use casus_extract::{Actor, Claim, Event, Place};
use casus_time::{DateRange, Timex};
use serde::Serialize;
use serde_json::Value;

use crate::json::WordHasher;

use crate::Processed;

/// One output record, as a JSON value.
pub type Record = Value;

/// Receives the records of a document one at a time.
pub trait RecordSink {
    type Error;
    fn record<T: Serialize>(&mut self, record: &T) -> Result<(), Self::Error>;

    /// Receives a record found at a place; by default as any other record.
    fn located<T: Serialize>(&mut self, record: &Located<'_, T>) -> Result<(), Self::Error> {
        self.record(record)
    }

    /// Receives a mention record; by default as any other located record.
    fn mention(&mut self, record: &Located<'_, Mention>) -> Result<(), Self::Error> {
        self.located(record)
    }

    /// Receives an event record; by default as any other located record.
    fn event(&mut self, record: &Located<'_, Event>) -> Result<(), Self::Error> {
        self.located(record)
    }

    /// Receives a timex record; by default as any other located record.
    fn timex(&mut self, record: &Located<'_, Timex>) -> Result<(), Self::Error> {
        self.located(record)
    }

    /// Receives a claim record; by default as any other located record.
    fn claim(&mut self, record: &Located<'_, Claim>) -> Result<(), Self::Error> {
        self.located(record)
    }
}

/// Appends each record as one JSON line to a buffer.
pub struct JsonLines {
    /// The JSON lines written so far.
    pub out: Vec<u8>,
    /// The opening of the last located record written.
    head: Head,
}

/// `{"kind":…,"doc":…,"span":`, the opening every located record of a
/// kind and document shares, written once for a run of such records
/// rather than for each (they come in runs: a document's timexes, then
/// its events, ...).
#[derive(Default)]
struct Head {
    /// The kind it was written for (none yet at first); a `'static`
    /// string, so its address and length identify it.
    kind: Option<&'static str>,
    /// The document name it was written for.
    doc: String,
    /// The opening, as JSON.
    json: Vec<u8>,
}

impl Head {
    /// Whether this is the opening for a record of `kind` in `doc` (the
    /// test every located record makes: kept inline, apart from the
    /// rewrite a new run needs).
    #[inline(always)]
    fn is(&self, kind: &'static str, doc: &str) -> bool {
        self.kind.is_some_and(|k| std::ptr::eq(k, kind)) && self.doc == doc
    }

    /// Writes the opening for a record of `kind` in `doc`.
    #[inline(never)]
    fn set(&mut self, kind: &'static str, doc: &str) -> serde_json::Result<()> {
        self.json.clear();
        self.json.extend_from_slice(b"{\"kind\":");
        crate::json::to_vec(&mut self.json, kind)?;
        self.json.extend_from_slice(b",\"doc\":");
        crate::json::to_vec(&mut self.json, doc)?;
        self.json.extend_from_slice(b",\"span\":");
        self.kind = Some(kind);
        doc.clone_into(&mut self.doc);
        Ok(())
    }
}

impl JsonLines {
    /// A sink writing into `out`.
    pub fn new(out: Vec<u8>) -> JsonLines {
        JsonLines {
            out,
            head: Head::default(),
        }
    }
}

impl RecordSink for JsonLines {
    type Error = serde_json::Error;
    fn record<T: Serialize>(&mut self, record: &T) -> serde_json::Result<()> {
        crate::json::to_vec(&mut self.out, record)?;
        self.out.push(b'\n');
        Ok(())
    }

    /// Writes the bytes `#[serde(flatten)]` would, without its detour: the
    /// body is written as the object it is and its braces are spliced into
    /// the record's, where flatten would turn each field into a map entry
    /// with a key to check (a fifth of the JSON output's cost).
    fn located<T: Serialize>(&mut self, r: &Located<'_, T>) -> serde_json::Result<()> {
        self.open(r)?;
        self.body(r.body)?;
        self.close(r)
    }

    /// Writes a mention's body: its `text`, then the rest as it was
    /// written before for a mention of the same key (`mention_key`), when
    /// there was one.
    fn mention(&mut self, r: &Located<'_, Mention>) -> serde_json::Result<()> {
        let Some(key) = mention_key(r.body) else {
            return self.located(r);
        };
        self.open(r)?;
        let text = self.out.len();
        self.out.extend_from_slice(b",\"text\":");
        crate::json::to_vec(&mut self.out, &r.body.text)?;
        let out = &mut self.out;
        let hit = MENTIONS.with_borrow(|m| m.get(&key).map(|rest| out.extend_from_slice(rest)));
        if hit.is_none() {
            // The body is written whole; what follows what the text wrote
            // alone is remembered (when the body starts with it, as it
            // does: `text` is a mention's first field).
            let alone = self.out.split_off(text);
            self.body(r.body)?;
            if let Some(rest) = self.out[text..].strip_prefix(alone.as_slice()) {
                MENTIONS.with_borrow_mut(|m| {
                    if m.len() >= MENTIONS_KEPT {
                        m.clear();
                    }
                    m.insert(key, rest.into());
                });
            }
        }
        self.close(r)
    }

    /// Writes an event's body field by field ([`write_event_body`]), its
    /// actors and place as they were written before for the same
    /// knowledge-base text.
    fn event(&mut self, r: &Located<'_, Event>) -> serde_json::Result<()> {
        self.open(r)?;
        write_event_body(&mut self.out, r.body)?;
        self.close(r)
    }

    /// Writes a timex's body field by field ([`write_timex_body`]).
    fn timex(&mut self, r: &Located<'_, Timex>) -> serde_json::Result<()> {
        self.open(r)?;
        write_timex_body(&mut self.out, r.body)?;
        self.close(r)
    }

    /// Writes a claim's body field by field ([`write_claim_body`]).
    fn claim(&mut self, r: &Located<'_, Claim>) -> serde_json::Result<()> {
        self.open(r)?;
        write_claim_body(&mut self.out, r.body)?;
        self.close(r)
    }
}

impl JsonLines {
    /// Writes the opening of a located record: `{"kind":…,"doc":…,"span":[…]`.
    fn open<T>(&mut self, r: &Located<'_, T>) -> serde_json::Result<()> {
        if !self.head.is(r.kind, r.doc) {
            self.head.set(r.kind, r.doc)?;
        }
        self.out.extend_from_slice(&self.head.json);
        crate::json::push_span(&mut self.out, r.span);
        Ok(())
    }

    /// Writes the fields of `body` (an object) as fields of the record
    /// being written: `,"a":…,"b":…`.
    fn body<T: Serialize>(&mut self, body: &T) -> serde_json::Result<()> {
        let out = &mut self.out;
        let start = out.len();
        crate::json::to_vec(out, body)?;
        match &out[start..] {
            b"{}" => out.truncate(start),
            [b'{', .., b'}'] => {
                out[start] = b',';
                out.pop();
            }
            _ => {
                out.truncate(start);
                return Err(serde::ser::Error::custom(
                    "the body of a located record must be an object",
                ));
            }
        }
        Ok(())
    }

    /// Writes the evidence `text` of a located record, if any, and closes
    /// its line.
    fn close<T>(&mut self, r: &Located<'_, T>) -> serde_json::Result<()> {
        if let Some(text) = r.text {
            self.out.extend_from_slice(b",\"text\":");
            crate::json::to_vec(&mut self.out, text)?;
        }
        self.out.extend_from_slice(b"}\n");
        Ok(())
    }
}

thread_local! {
    /// The bodies of mention records written on this thread, by
    /// [`mention_key`] (kept from document to document: a few thousand
    /// combinations of knowledge-base text make most mentions).
    static MENTIONS: RefCell<MentionBodies> = RefCell::default();
}

type MentionBodies = HashMap<MentionKey, Box<[u8]>, BuildHasherDefault<WordHasher>>;

/// At most this many mention bodies are kept; all are forgotten when there
/// are more (so that a process that loads knowledge bases again and again
/// does not grow).
const MENTIONS_KEPT: usize = 1 << 14;

/// What a mention's body but its text is made of: each string by its
/// address and length ([`lent_word`]: text lent from the knowledge base,
/// which lives for the process unchanged), 0 for none, the coordinates by
/// their bits.
#[derive(Clone, Copy, PartialEq, Eq)]
struct MentionKey([u64; 11]);

/// Hashes the words that tell most mentions apart: the entity's id, the
/// person's and the metonym's (the others mostly follow from the entity).
/// Keys equal as a whole hash equally, as a map needs; hashing three words
/// rather than eleven is a third of a lookup's cost.
impl std::hash::Hash for MentionKey {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let [id, .., person_id, _, metonym_of] = self.0;
        h.write_u64(id);
        h.write_u64(person_id);
        h.write_u64(metonym_of);
    }
}

/// The word that stands for `s` in a [`MentionKey`] when it is lent: its
/// address in the low 48 bits, its length in the next 12 (as they fit for
/// the names and text of a knowledge base) and the top bit set (so that it
/// is never 0, which stands for none); `None` when `s` is owned or they do
/// not fit.
#[inline]
fn lent_word(s: &KbStr) -> Option<u64> {
    let s = s.as_lent()?;
    let (at, len) = (s.as_ptr() as u64, s.len() as u64);
    (at >> 48 == 0 && len >> 12 == 0).then_some(1 << 63 | len << 48 | at)
}

/// The [`MentionKey`] of `m`, or `None` when one of its strings (but the
/// text) is not lent.
///
/// Equal keys mean equal bodies after the text: that part is written from
/// these fields alone. (They are taken apart whole, so that a field added
/// to a mention, its entity or its person fails to compile here until the
/// key has it.)
fn mention_key(m: &Mention) -> Option<MentionKey> {
    let Mention {
        start: _,
        end: _,
        text: _,
        entity,
        person,
        metonym_of,
    } = m;
    let EntityRef {
        id,
        kind,
        name,
        country,
        sector,
        lat,
        lon,
    } = entity;
    let lent = lent_word;
    let opt = |s: &Option<KbStr>| s.as_ref().map_or(Some(0), lent_word);
    let (person_id, person_name) = match person {
        Some(PersonRef { id, name }) => (lent(id)?, lent(name)?),
        None => (0, 0),
    };
    let coordinates = u64::from(lat.is_some()) | u64::from(lon.is_some()) << 1;
    let bits = |c: &Option<f64>| c.map_or(0, f64::to_bits);
    Some(MentionKey([
        lent(id)?,
        lent(kind)?,
        lent(name)?,
        opt(country)?,
        opt(sector)?,
        coordinates,
        bits(lat),
        bits(lon),
        person_id,
        person_name,
        opt(metonym_of)?,
    ]))
}

/// Writes the fields of `e` as fields of the record being written
/// (`,"type":…,…,"rule":…`), byte for byte as its derived `Serialize`
/// does (the fields in their order, `kind` renamed `type`, the offsets
/// skipped), but for its actors and place through the memos that
/// remember their JSON (a tenth of the output's cost went to writing the
/// same few actors again and again).
///
/// (The event is taken apart whole, so that a field added to it fails to
/// compile here until it is written.)
fn write_event_body(out: &mut Vec<u8>, e: &Event) -> serde_json::Result<()> {
    let Event {
        start: _,
        end: _,
        kind,
        mode,
        actor,
        recipient,
        date,
        location,
        aux,
        claimed_by,
        trigger,
        rule,
    } = e;
    out.extend_from_slice(b",\"type\":");
    crate::json::to_vec(out, kind)?;
    out.extend_from_slice(b",\"mode\":");
    crate::json::to_vec(out, mode)?;
    out.extend_from_slice(b",\"actor\":");
    write_actor(out, actor.as_ref())?;
    out.extend_from_slice(b",\"recipient\":");
    write_actor(out, recipient.as_ref())?;
    out.extend_from_slice(b",\"date\":");
    write_date(out, date.as_ref())?;
    out.extend_from_slice(b",\"location\":");
    write_place(out, location.as_ref())?;
    out.extend_from_slice(b",\"aux\":");
    crate::json::to_vec(out, aux)?;
    out.extend_from_slice(b",\"claimed_by\":");
    crate::json::to_vec(out, claimed_by)?;
    out.extend_from_slice(b",\"trigger\":");
    crate::json::to_vec(out, trigger)?;
    out.extend_from_slice(b",\"rule\":");
    crate::json::to_vec(out, rule)
}

/// Writes the fields of `t` as fields of the record being written, byte
/// for byte as its derived `Serialize` does (`kind` renamed `type`,
/// `modifier` renamed `mod`, the offsets and narrative date skipped), its
/// date by [`write_date`].
///
/// (The timex is taken apart whole, so that a field added to it fails to
/// compile here until it is written.)
fn write_timex_body(out: &mut Vec<u8>, t: &Timex) -> serde_json::Result<()> {
    let Timex {
        start: _,
        end: _,
        text,
        kind,
        value,
        modifier,
        anchor,
        date,
        narrative: _,
    } = t;
    out.extend_from_slice(b",\"text\":");
    crate::json::to_vec(out, text)?;
    out.extend_from_slice(b",\"type\":");
    crate::json::to_vec(out, kind)?;
    out.extend_from_slice(b",\"value\":");
    crate::json::to_vec(out, value)?;
    out.extend_from_slice(b",\"mod\":");
    crate::json::to_vec(out, modifier)?;
    out.extend_from_slice(b",\"anchor\":");
    crate::json::to_vec(out, anchor)?;
    out.extend_from_slice(b",\"date\":");
    write_date(out, date.as_ref())
}

/// Writes the fields of `c` as fields of the record being written, byte
/// for byte as its derived `Serialize` does (the offsets skipped), its
/// date by [`write_date`].
///
/// (The claim is taken apart whole, so that a field added to it fails to
/// compile here until it is written.)
fn write_claim_body(out: &mut Vec<u8>, c: &Claim) -> serde_json::Result<()> {
    let Claim {
        start: _,
        end: _,
        category,
        population,
        item,
        subject,
        claimant,
        value,
        date,
        rule,
    } = c;
    out.extend_from_slice(b",\"category\":");
    crate::json::to_vec(out, category)?;
    out.extend_from_slice(b",\"population\":");
    crate::json::to_vec(out, population)?;
    out.extend_from_slice(b",\"item\":");
    crate::json::to_vec(out, item)?;
    out.extend_from_slice(b",\"subject\":");
    crate::json::to_vec(out, subject)?;
    out.extend_from_slice(b",\"claimant\":");
    crate::json::to_vec(out, claimant)?;
    out.extend_from_slice(b",\"value\":");
    crate::json::to_vec(out, value)?;
    out.extend_from_slice(b",\"date\":");
    write_date(out, date.as_ref())?;
    out.extend_from_slice(b",\"rule\":");
    crate::json::to_vec(out, rule)
}

/// Writes a date (`null` for none) byte for byte as its derived
/// `Serialize` does, each field's text straight to the string writer (the
/// derived path's calls through serde cost about as much again as the
/// text: a third of a timex record).
///
/// (The range is taken apart whole, so that a field added to it fails to
/// compile here until it is written.)
fn write_date(out: &mut Vec<u8>, date: Option<&DateRange>) -> serde_json::Result<()> {
    let Some(DateRange {
        value,
        start,
        end,
        precision,
    }) = date
    else {
        out.extend_from_slice(b"null");
        return Ok(());
    };
    out.extend_from_slice(b"{\"value\":");
    crate::json::to_vec(out, value.as_str())?;
    out.extend_from_slice(b",\"start\":");
    crate::json::to_vec(out, start.as_str())?;
    out.extend_from_slice(b",\"end\":");
    crate::json::to_vec(out, end.as_str())?;
    out.extend_from_slice(b",\"precision\":");
    crate::json::to_vec(out, precision)?;
    out.push(b'}');
    Ok(())
}

thread_local! {
    /// The JSON of actors written on this thread, by [`actor_key`].
    static ACTORS: RefCell<Memo<[u64; 6]>> = RefCell::default();
    /// The JSON of places written on this thread, by [`place_key`].
    static PLACES: RefCell<Memo<[u64; 6]>> = RefCell::default();
}

/// JSON written before, by a key that tells apart everything it was
/// written from but one string (the hole), for values written again and
/// again (the actors and places of a knowledge base).
struct Memo<K> {
    map: HashMap<K, Template, BuildHasherDefault<WordHasher>>,
}

impl<K> Default for Memo<K> {
    fn default() -> Self {
        Memo {
            map: HashMap::default(),
        }
    }
}

/// JSON with a hole at `hole`, where the JSON of the string it was not
/// remembered with goes.
struct Template {
    json: Box<[u8]>,
    hole: usize,
}

/// At most this many templates are kept per memo; all are forgotten when
/// there are more (so that a process that loads knowledge bases again and
/// again does not grow).
const TEMPLATES_KEPT: usize = 1 << 14;

impl<K: std::hash::Hash + Eq> Memo<K> {
    /// Appends the JSON remembered for `key`, with the JSON of `fill` in
    /// its hole (nothing for none). Unless it is remembered, `write`
    /// appends it whole and returns where `fill`'s JSON (or the empty hole)
    /// is in what it appended, and it is remembered for `to_key()`.
    fn write(
        &mut self,
        out: &mut Vec<u8>,
        key: &K,
        fill: Option<&str>,
        to_key: impl FnOnce() -> K,
        write: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<std::ops::Range<usize>>,
    ) -> serde_json::Result<()> {
        if let Some(t) = self.map.get(key) {
            out.extend_from_slice(&t.json[..t.hole]);
            if let Some(fill) = fill {
                crate::json::to_vec(out, fill)?;
            }
            out.extend_from_slice(&t.json[t.hole..]);
            return Ok(());
        }
        let start = out.len();
        let hole = write(out)?;
        let json = [&out[start..hole.start], &out[hole.end..]].concat();
        if self.map.len() >= TEMPLATES_KEPT {
            self.map.clear();
        }
        let template = Template {
            json: json.into(),
            hole: hole.start - start,
        };
        self.map.insert(to_key(), template);
        Ok(())
    }
}

/// The key of an actor's JSON but its `raw` words: each string by its
/// [`lent_word`] (0 for none), or `None` when one is owned.
///
/// (The actor is taken apart whole, so that a field added to it fails to
/// compile here until the key has it.)
fn actor_key(a: &Actor) -> Option<[u64; 6]> {
    let Actor {
        id,
        name,
        country,
        sector,
        raw: _,
        person,
    } = a;
    let opt = |s: &Option<KbStr>| s.as_ref().map_or(Some(0), lent_word);
    let (person_id, person_name) = match person {
        Some(PersonRef { id, name }) => (lent_word(id)?, lent_word(name)?),
        None => (0, 0),
    };
    Some([
        lent_word(id)?,
        lent_word(name)?,
        opt(country)?,
        opt(sector)?,
        person_id,
        person_name,
    ])
}

/// Writes an actor (`null` for none) as its derived `Serialize` does,
/// remembered by [`actor_key`] when it has one.
fn write_actor(out: &mut Vec<u8>, actor: Option<&Actor>) -> serde_json::Result<()> {
    let Some(a) = actor else {
        out.extend_from_slice(b"null");
        return Ok(());
    };
    let Some(key) = actor_key(a) else {
        return crate::json::to_vec(out, a);
    };
    ACTORS.with_borrow_mut(|memo| {
        memo.write(out, &key, Some(&a.raw), || key, |out| actor_json(out, a))
    })
}

/// Writes `a` field by field, as its derived `Serialize` does; returns
/// where its `raw` is.
fn actor_json(out: &mut Vec<u8>, a: &Actor) -> serde_json::Result<std::ops::Range<usize>> {
    let Actor {
        id,
        name,
        country,
        sector,
        raw,
        person,
    } = a;
    out.extend_from_slice(b"{\"id\":");
    crate::json::to_vec(out, id)?;
    out.extend_from_slice(b",\"name\":");
    crate::json::to_vec(out, name)?;
    out.extend_from_slice(b",\"country\":");
    crate::json::to_vec(out, country)?;
    out.extend_from_slice(b",\"sector\":");
    crate::json::to_vec(out, sector)?;
    out.extend_from_slice(b",\"raw\":");
    let hole = out.len();
    crate::json::to_vec(out, raw)?;
    let hole = hole..out.len();
    out.extend_from_slice(b",\"person\":");
    crate::json::to_vec(out, person)?;
    out.push(b'}');
    Ok(hole)
}

/// The key of a place's JSON but its `raw` words: each string by its
/// [`lent_word`] (0 for none), the coordinates by their bits and which
/// there are; `None` when a string is owned.
///
/// (The place is taken apart whole, so that a field added to it fails to
/// compile here until the key has it.)
fn place_key(p: &Place) -> Option<[u64; 6]> {
    let Place {
        id,
        name,
        country,
        lat,
        lon,
        raw: _,
    } = p;
    let coordinates = u64::from(lat.is_some()) | u64::from(lon.is_some()) << 1;
    let bits = |c: &Option<f64>| c.map_or(0, f64::to_bits);
    Some([
        lent_word(id)?,
        lent_word(name)?,
        country.as_ref().map_or(Some(0), lent_word)?,
        coordinates,
        bits(lat),
        bits(lon),
    ])
}

/// Writes a place (`null` for none) as its derived `Serialize` does,
/// remembered by [`place_key`] when it has one.
fn write_place(out: &mut Vec<u8>, place: Option<&Place>) -> serde_json::Result<()> {
    let Some(p) = place else {
        out.extend_from_slice(b"null");
        return Ok(());
    };
    let Some(key) = place_key(p) else {
        return crate::json::to_vec(out, p);
    };
    PLACES.with_borrow_mut(|memo| {
        memo.write(out, &key, Some(&p.raw), || key, |out| place_json(out, p))
    })
}

/// Writes `p` field by field, as its derived `Serialize` does; returns
/// where its `raw` is.
fn place_json(out: &mut Vec<u8>, p: &Place) -> serde_json::Result<std::ops::Range<usize>> {
    let Place {
        id,
        name,
        country,
        lat,
        lon,
        raw,
    } = p;
    out.extend_from_slice(b"{\"id\":");
    crate::json::to_vec(out, id)?;
    out.extend_from_slice(b",\"name\":");
    crate::json::to_vec(out, name)?;
    out.extend_from_slice(b",\"country\":");
    crate::json::to_vec(out, country)?;
    out.extend_from_slice(b",\"lat\":");
    crate::json::to_vec(out, lat)?;
    out.extend_from_slice(b",\"lon\":");
    crate::json::to_vec(out, lon)?;
    out.extend_from_slice(b",\"raw\":");
    let hole = out.len();
    crate::json::to_vec(out, raw)?;
    let hole = hole..out.len();
    out.push(b'}');
    Ok(hole)
}

/// Collects the records as JSON values.
struct Values(Vec<Value>);

impl RecordSink for Values {
    type Error = serde_json::Error;
    fn record<T: Serialize>(&mut self, record: &T) -> serde_json::Result<()> {
        self.0.push(serde_json::to_value(record)?);
        Ok(())
    }
}

/// Something found at a place in a document: `kind`, `doc` and the raw
/// `span`, then the fields of `body` (whose own clean-text offsets are not
/// serialised), then the evidence `text` for events and claims.
#[derive(Serialize)]
pub struct Located<'a, T> {
    kind: &'static str,
    doc: &'a str,
    span: [usize; 2],
    #[serde(flatten)]
    body: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
}

/// The fields of a `sentence` record after its span (a located record:
/// its opening is shared with the sentences before it).
#[derive(Serialize)]
struct SentenceBody<'a> {
    text: &'a str,
    section: Option<&'a str>,
    block: casus_segment::SentenceKind,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    citations: Vec<&'a str>,
}

#[derive(Serialize)]
struct SectionRecord<'a> {
    title: &'a str,
    level: u8,
    span: [usize; 2],
}

#[derive(Serialize)]
struct DocumentRecord<'a> {
    kind: &'static str,
    doc: &'a str,
    id: &'a str,
    format: casus_read::Format,
    title: Option<&'a str>,
    bytes: usize,
    clean_bytes: usize,
    sections: Vec<SectionRecord<'a>>,
    metadata: &'a BTreeMap<String, Value>,
    sentences: usize,
    citations: usize,
    references: usize,
    removed_bytes: BTreeMap<String, usize>,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct CandidateRecord<'a> {
    kind: &'static str,
    doc: &'a str,
    span: [usize; 2],
    text: &'a str,
    guess: &'a str,
    in_citation: bool,
}

/// The raw `span` of clean ranges, looked up in document order.
struct Spans<'m>(casus_read::offsets::RawCursor<'m>);

impl<'m> Spans<'m> {
    fn of(p: &'m Processed) -> Spans<'m> {
        Spans(p.doc.map.cursor())
    }

    fn span(&mut self, start: usize, end: usize) -> [usize; 2] {
        let s = self.0.to_raw(casus_read::Span::new(start, end));
        [s.start, s.end]
    }
}

/// Streams every record of a processed document to `sink`, in order: the
/// document, then its sentences, temporal expressions, events, claims and
/// mentions.
pub fn emit_records<S: RecordSink>(p: &Processed, sink: &mut S) -> Result<(), S::Error> {
    sink.record(&document_record(p))?;
    let doc = p.doc.name.as_str();
    let mut spans = Spans::of(p);
    for s in &p.sentences {
        sink.located(&Located {
            kind: "sentence",
            doc,
            span: spans.span(s.start, s.end),
            body: &SentenceBody {
                text: &p.doc.clean[s.start..s.end],
                section: p.doc.section_at(s.start).map(|sec| sec.title.as_str()),
                block: s.kind,
                citations: p
                    .doc
                    .citations_in(casus_read::Span::new(s.start, s.end))
                    .map(|c| c.label.as_str())
                    .filter(|l| !l.is_empty())
                    .collect(),
            },
            text: None,
        })?;
    }
    for t in &p.timexes {
        sink.timex(&Located {
            kind: "timex",
            doc,
            span: spans.span(t.start, t.end),
            body: t,
            text: None,
        })?;
    }
    emit_fact_records(p, sink)?;
    for m in &p.mentions {
        sink.mention(&Located {
            kind: "mention",
            doc,
            span: spans.span(m.start, m.end),
            body: m,
            text: None,
        })?;
    }
    Ok(())
}

/// Streams the `event` and `claim` records of a processed document. Each
/// carries its evidence as `text` (the clean sentence or clause it was
/// coded from).
pub fn emit_fact_records<S: RecordSink>(p: &Processed, sink: &mut S) -> Result<(), S::Error> {
    let doc = p.doc.name.as_str();
    let mut spans = Spans::of(p);
    let evidence = |start: usize, end: usize| Some(p.doc.clean.get(start..end).unwrap_or(""));
    for e in &p.events {
        sink.event(&Located {
            kind: "event",
            doc,
            span: spans.span(e.start, e.end),
            body: e,
            text: evidence(e.start, e.end),
        })?;
    }
    for c in &p.claims {
        sink.claim(&Located {
            kind: "claim",
            doc,
            span: spans.span(c.start, c.end),
            body: c,
            text: evidence(c.start, c.end),
        })?;
    }
    Ok(())
}

/// Writes every record of a processed document as JSON lines, followed by
/// its `candidate` records when `candidates` is given.
pub fn write_records<W: Write>(
    p: &Processed,
    candidates: Option<&casus_entities::Gazetteer>,
    mut out: W,
) -> std::io::Result<()> {
    out.write_all(&json_lines(p, candidates)?)
}

/// Every record of a processed document as JSON lines, followed by its
/// `candidate` records when `candidates` is given.
pub fn json_lines(
    p: &Processed,
    candidates: Option<&casus_entities::Gazetteer>,
) -> serde_json::Result<Vec<u8>> {
    let mut sink = JsonLines::new(Vec::with_capacity(json_lines_size(p)));
    emit_records(p, &mut sink)?;
    if let Some(g) = candidates {
        emit_candidate_records(p, g, &mut sink)?;
    }
    Ok(sink.out)
}

/// At least about as many bytes as the JSON lines of `p` take (every
/// sentence's text, and per record its document name and typical fields,
/// rounded up), so that the buffer they are written to seldom grows and
/// copies itself.
fn json_lines_size(p: &Processed) -> usize {
    let per_record = p.doc.name.len() + 96;
    let records = 1 + p.sentences.len() + p.timexes.len() + p.mentions.len();
    let facts = p.events.len() + p.claims.len();
    p.doc.clean.len()
        + records * per_record
        + facts * (3 * per_record + 512)
        + (p.timexes.len() + p.mentions.len()) * 192
}

/// Every record of a processed document, as JSON values (see
/// [`emit_records`] for the order).
pub fn records(p: &Processed) -> Vec<Record> {
    let mut v = Values(Vec::new());
    // Serialising these structs to a Value cannot fail: every map key is a string.
    let _ = emit_records(p, &mut v);
    v.0
}

/// The `event` and `claim` records of a processed document, as JSON values.
pub fn fact_records(p: &Processed) -> Vec<Record> {
    let mut v = Values(Vec::with_capacity(p.events.len() + p.claims.len()));
    let _ = emit_fact_records(p, &mut v);
    v.0
}

/// One event or claim of a document, its record as stored JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct FactJson {
    /// `"event"` or `"claim"`.
    pub kind: &'static str,
    /// Raw byte span of its evidence.
    pub span: [usize; 2],
    /// The record without `kind`, `doc`, `span` and `text` (the fields of
    /// one source; the knowledge base keeps the evidence text in a column
    /// of its own), as JSON.
    pub record: String,
}

/// The events and claims of a processed document as the knowledge base
/// stores them, in the order of [`emit_fact_records`]: serialised once,
/// straight from the structs.
pub fn stored_fact_records(p: &Processed) -> Vec<FactJson> {
    fn one<T: Serialize>(
        spans: &mut Spans,
        kind: &'static str,
        body: &T,
        start: usize,
        end: usize,
    ) -> FactJson {
        let mut record = Vec::with_capacity(512);
        // Writing these structs to memory cannot fail: every key is a string.
        let _ = crate::json::to_vec(&mut record, body);
        FactJson {
            kind,
            span: spans.span(start, end),
            // The writer only writes UTF-8; no copy to check it.
            record: String::from_utf8(record)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        }
    }
    let mut spans = Spans::of(p);
    let mut out = Vec::with_capacity(p.events.len() + p.claims.len());
    for e in &p.events {
        out.push(one(&mut spans, "event", e, e.start, e.end));
    }
    for c in &p.claims {
        out.push(one(&mut spans, "claim", c, c.start, c.end));
    }
    out
}

/// `candidate` records: capitalised names the knowledge base does not know,
/// with a guess of their type, so that it can grow.
pub fn emit_candidate_records<S: RecordSink>(
    p: &Processed,
    gazetteer: &casus_entities::Gazetteer,
    sink: &mut S,
) -> Result<(), S::Error> {
    let mut spans = Spans::of(p);
    for c in gazetteer.candidates(&p.doc.clean, &p.mentions) {
        sink.record(&CandidateRecord {
            kind: "candidate",
            doc: &p.doc.name,
            span: spans.span(c.start, c.end),
            text: &c.text,
            guess: &c.guess,
            in_citation: c.in_citation,
        })?;
    }
    Ok(())
}

/// The `candidate` records of a processed document, as JSON values.
pub fn candidate_records(p: &Processed, gazetteer: &casus_entities::Gazetteer) -> Vec<Record> {
    let mut v = Values(Vec::new());
    let _ = emit_candidate_records(p, gazetteer, &mut v);
    v.0
}

/// The `document` record: metadata, sections, what cleaning removed.
fn document_record(p: &Processed) -> DocumentRecord<'_> {
    let d = &p.doc;
    let mut removed: BTreeMap<String, usize> = BTreeMap::new();
    for r in &d.removed {
        let k = serde_json::to_value(r.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *removed.entry(k).or_default() += r.raw.len();
    }
    DocumentRecord {
        kind: "document",
        doc: &d.name,
        id: &d.id,
        format: d.format,
        title: d.title.as_deref(),
        bytes: d.raw_len,
        clean_bytes: d.clean.len(),
        sections: d
            .sections
            .iter()
            .map(|s| SectionRecord {
                title: &s.title,
                level: s.level,
                span: [s.raw.start, s.raw.end],
            })
            .collect(),
        metadata: &d.metadata,
        sentences: p.sentences.len(),
        citations: d.citations.len(),
        references: d.references.len(),
        removed_bytes: removed,
        warnings: &d.warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes each record with serde_json itself, `#[serde(flatten)]` and all.
    struct SerdeLines(Vec<u8>);

    impl RecordSink for SerdeLines {
        type Error = serde_json::Error;
        fn record<T: Serialize>(&mut self, record: &T) -> serde_json::Result<()> {
            serde_json::to_writer(&mut self.0, record)?;
            self.0.push(b'\n');
            Ok(())
        }
    }

    #[test]
    fn json_lines_are_what_serde_json_writes_for_every_seed() {
        let pipeline = crate::Pipeline::embedded();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let doc = casus_read::read_path(&path, &Default::default()).unwrap();
            let p = pipeline.process(doc);
            let mut want = SerdeLines(Vec::new());
            emit_records(&p, &mut want).unwrap();
            emit_candidate_records(&p, &pipeline.gazetteer, &mut want).unwrap();
            let got = json_lines(&p, Some(&pipeline.gazetteer)).unwrap();
            assert!(
                got == want.0,
                "{}: JSON lines differ from serde_json's",
                path.display()
            );
            seen += 1;
        }
        assert_eq!(seen, 5);
    }

    /// Mentions of every shape (lent and owned text, with and without
    /// person, metonym, coordinates and optional ids), each written twice
    /// among the others so that remembered bodies are used: the lines are
    /// what serde_json writes.
    #[test]
    fn remembered_mention_bodies_are_what_serde_json_writes() {
        let entity = |lat: Option<f64>, country: Option<KbStr>| EntityRef {
            id: KbStr::lent("shusha"),
            kind: KbStr::lent("place"),
            name: KbStr::lent("Shusha \"Shushi\""),
            country,
            sector: None,
            lat,
            lon: lat.map(|l| -l),
        };
        let mut mentions = Vec::new();
        for text in [KbStr::lent("Shusha"), KbStr::from(String::from("Shushi"))] {
            for lat in [None, Some(39.76), Some(-0.0), Some(f64::NAN)] {
                for country in [
                    None,
                    Some(KbStr::lent("AZE")),
                    Some("ARM".to_string().into()),
                ] {
                    for person in [
                        None,
                        Some(PersonRef {
                            id: KbStr::lent("a-b"),
                            name: KbStr::lent("A B"),
                        }),
                    ] {
                        for metonym_of in [None, Some(KbStr::lent("AZE"))] {
                            mentions.push(Mention {
                                start: 0,
                                end: 6,
                                text: text.clone(),
                                entity: entity(lat, country.clone()),
                                person: person.clone(),
                                metonym_of,
                            });
                        }
                    }
                }
            }
        }
        let mut want = SerdeLines(Vec::new());
        let mut got = JsonLines::new(Vec::new());
        for m in mentions.iter().chain(&mentions) {
            let r = Located {
                kind: "mention",
                doc: "a.txt",
                span: [0, 6],
                body: m,
                text: None,
            };
            want.mention(&r).unwrap();
            got.mention(&r).unwrap();
        }
        assert_eq!(
            String::from_utf8(got.out).unwrap(),
            String::from_utf8(want.0).unwrap()
        );
    }

    /// Events with actors and places of every shape (lent and owned
    /// strings, with and without country, sector, person and
    /// coordinates, text with bytes to escape), each written twice among
    /// the others so that remembered templates are used: the lines are
    /// what serde_json writes.
    #[test]
    fn remembered_actors_and_places_are_what_serde_json_writes() {
        let owned = |s: &str| KbStr::from(s.to_string());
        let actor = |id: KbStr, country: Option<KbStr>, raw: KbStr, person: bool| Actor {
            id,
            name: KbStr::lent("Armenia \"Hayastan\""),
            country,
            sector: Some(KbStr::lent("MIL")),
            raw,
            person: person.then(|| PersonRef {
                id: KbStr::lent("a-b"),
                name: KbStr::lent("A B"),
            }),
        };
        let place = |lat: Option<f64>, raw: KbStr| Place {
            id: KbStr::lent("shusha"),
            name: KbStr::lent("Shusha"),
            country: Some(KbStr::lent("AZE")),
            lat,
            lon: lat.map(|l| -l),
            raw,
        };
        let mut actors = vec![None];
        for id in [KbStr::lent("ARM"), owned("ARM")] {
            for country in [None, Some(KbStr::lent("ARM")), Some(owned("AZE"))] {
                for raw in [KbStr::lent("Armenian"), owned("the \"Armenian\"\tside")] {
                    for person in [false, true] {
                        actors.push(Some(actor(
                            id.clone(),
                            country.clone(),
                            raw.clone(),
                            person,
                        )));
                    }
                }
            }
        }
        let mut places = vec![None];
        for lat in [None, Some(39.76), Some(-0.0), Some(f64::NAN)] {
            for raw in [KbStr::lent("Shusha"), owned("Shushi\\")] {
                places.push(Some(place(lat, raw)));
            }
        }
        let mut events = Vec::new();
        for (i, a) in actors.iter().enumerate() {
            for (j, p) in places.iter().enumerate() {
                events.push(Event {
                    start: 0,
                    end: 6,
                    kind: "ASSAULT",
                    mode: (i % 2 == 0).then_some("yield"),
                    actor: a.clone(),
                    recipient: actors[(i + j) % actors.len()].clone(),
                    date: None,
                    location: p.clone(),
                    aux: vec!["negation".to_string(); j % 3],
                    claimed_by: (j % 2 == 0).then(|| KbStr::lent("AZE")),
                    trigger: "shelled".to_string(),
                    rule: "shell:subject+object".to_string(),
                });
            }
        }
        let mut want = SerdeLines(Vec::new());
        let mut got = JsonLines::new(Vec::new());
        for e in events.iter().chain(&events) {
            let r = Located {
                kind: "event",
                doc: "a.txt",
                span: [0, 6],
                body: e,
                text: Some("Armenian \"forces\" shelled Shusha."),
            };
            want.event(&r).unwrap();
            got.event(&r).unwrap();
        }
        assert_eq!(
            String::from_utf8(got.out).unwrap(),
            String::from_utf8(want.0).unwrap()
        );
    }

    /// Timexes of every kind (dates of every precision, BC years,
    /// durations, sets, relative dates with their anchor and modifiers,
    /// text with quotes) and claims of every shape, written field by
    /// field: the lines are what serde_json writes.
    #[test]
    fn timexes_claims_and_dates_are_what_serde_json_writes() {
        let text = "Published 12 March 2021.\n\n\
            On 27 September 2020, Azerbaijan said \"at least 50 soldiers\" were killed. \
            In the early 1990s about 30,000 people died; in the 5th century BC and in \
            the summer of 1992 more fled. Two days later, 2 tanks were destroyed. \
            Every week since October 2020 the ministry reported 10-12 wounded \
            civilians, and for three years 300,000-500,000 were displaced. \
            By mid-2021 Armenia claimed 60+ drones; last Tuesday at 5 pm, next month, \
            the 1980s and 1805-12-02 too.";
        let doc = casus_read::read_bytes("t.txt", text.as_bytes(), &Default::default()).unwrap();
        let p = crate::Pipeline::embedded().process(doc);
        assert!(p.timexes.iter().filter(|t| t.date.is_some()).count() >= 5);
        assert!(p.claims.len() >= 3);
        let mut want = SerdeLines(Vec::new());
        emit_records(&p, &mut want).unwrap();
        let got = json_lines(&p, None).unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            String::from_utf8(want.0).unwrap()
        );
    }

    /// Lent strings have a key word of their own, never 0 (none), equal
    /// for the same lent text only; owned ones have none.
    #[test]
    fn only_lent_strings_have_a_key() {
        let lent = KbStr::lent("AZE");
        let key = lent_word(&lent).unwrap();
        assert_ne!(key, 0);
        assert_eq!(lent_word(&lent.clone()), Some(key));
        assert_eq!(lent_word(&KbStr::from(String::from("AZE"))), None);
        assert_ne!(lent_word(&KbStr::lent("ARM")), Some(key));
        assert!(lent_word(&KbStr::lent("")).is_some_and(|w| w != 0));
        // the same text lent from elsewhere is another word (the key
        // tells text by where it lives)
        let elsewhere: &'static str = Box::leak(Box::from("AZE"));
        assert_ne!(lent_word(&KbStr::lent(elsewhere)), Some(key));
    }

    #[test]
    fn a_located_body_that_is_no_object_is_refused() {
        let r = Located {
            kind: "timex",
            doc: "a.txt",
            span: [0, 1],
            body: &7,
            text: None,
        };
        let mut sink = JsonLines::new(Vec::new());
        assert!(sink.located(&r).is_err());
        assert!(serde_json::to_vec(&r).is_err());
    }
}
