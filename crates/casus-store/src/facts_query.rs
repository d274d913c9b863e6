//! Queries over events and claims: filtered lists, disagreements between
//! claimants, stances of outside actors, and what is known of each actor
//! and place.

use std::collections::BTreeMap;

use rusqlite::types::Value as Sql;
use rusqlite::{params, params_from_iter, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Result, Store};

/// Filters for [`Store::events`]; every field is optional and they combine
/// with AND.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct EventFilter {
    /// Actor id or the state/organisation it belongs to (`AZE`, `OSCE_MG`).
    pub actor: Option<String>,
    pub recipient: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub mode: Option<String>,
    /// Place id.
    pub place: Option<String>,
    /// Events that start on or after this day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Events that start on or before this day (`YYYY[-MM[-DD]]`: the
    /// whole month or year).
    pub to: Option<String>,
    /// Document id (or id prefix) among the event's sources.
    pub doc: Option<String>,
    /// Words in the evidence (full-text).
    pub q: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    /// Sources listed per event (all when `None`): a sentence mirrored in
    /// thousands of documents makes an event with thousands of sources.
    /// [`FactRow::source_count`] gives them all.
    pub sources: Option<usize>,
}

/// One source of a fact.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
    pub doc_id: String,
    pub doc: String,
    pub span: [i64; 2],
    /// The sentence at that span.
    pub text: Option<String>,
}

/// An event or a claim, with all its sources.
#[derive(Debug, Clone, Serialize)]
pub struct FactRow {
    pub id: i64,
    #[serde(flatten)]
    pub record: Value,
    /// Its sources by document and offset (the first ones, when the
    /// filter limits them).
    pub sources: Vec<SourceRow>,
    /// How many sources it has.
    pub source_count: usize,
}

/// An event with all its sources.
pub type EventRow = FactRow;

/// A claim with all its sources.
pub type ClaimRow = FactRow;

/// Filters for [`Store::claims`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClaimFilter {
    pub subject: Option<String>,
    pub claimant: Option<String>,
    pub category: Option<String>,
    pub doc: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    /// Sources listed per claim (all when `None`).
    pub sources: Option<usize>,
}

/// Claims on one subject, category and population from several claimants.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub subject: Option<String>,
    pub category: String,
    pub population: Option<String>,
    pub item: Option<String>,
    /// The year the claims are about (from their dates), when dated.
    pub period: Option<String>,
    /// The lowest low, the median of the claimants' figures, the highest
    /// figure (UCDP's low/best/high).
    pub low: Option<i64>,
    pub best: Option<i64>,
    pub high: Option<i64>,
    pub claims: Vec<ClaimRow>,
}

/// An outside actor's stance toward one party, from its events.
#[derive(Debug, Clone, Serialize)]
pub struct Stance {
    pub actor: String,
    pub target: String,
    /// Supportive minus hostile events.
    pub score: i64,
    pub supportive: i64,
    pub hostile: i64,
    pub neutral: i64,
    /// `supportive`, `hostile`, `mixed` or `neutral`.
    pub stance: &'static str,
    pub evidence: Vec<i64>,
}

/// How often an entity is mentioned and acts.
#[derive(Debug, Clone, Serialize)]
pub struct EntityCount {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub country: Option<String>,
    pub mentions: i64,
    pub events: i64,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// The parties of the conflict; everyone else is an outside actor.
pub const PARTIES: &[&str] = &["ARM", "AZE", "NKR"];
const PARTY_PEOPLE: &[&str] = &["ARMENIANS", "AZERBAIJANIS"];

/// PLOVER types by the stance they express toward their recipient.
fn polarity(kind: &str) -> i8 {
    match kind {
        "SUPPORT" | "AGREE" | "AID" | "COOPERATE" | "CONSULT" | "CONCEDE" | "RETREAT" => 1,
        "ACCUSE" | "REJECT" | "THREATEN" | "PROTEST" | "SANCTION" | "COERCE" | "ASSAULT"
        | "MOBILIZE" => -1,
        _ => 0,
    }
}

/// The FROM clause, conditions (each starting with ` AND`), ordering
/// columns and arguments of `f`. An actor or recipient filter drives the
/// query from its posting list in `event_keys`; otherwise the events table
/// is scanned in date order through the index that fits the filters.
/// `plan` says how the full-text and document filters take part
/// ([`Plan`]).
fn event_query(f: &EventFilter, plan: Plan) -> (String, String, &'static str, Vec<Sql>) {
    let mut conds = String::new();
    let mut args: Vec<Sql> = Vec::new();
    let mut push = |conds: &mut String, cond: &str, v: String| {
        args.push(Sql::Text(v));
        conds.push_str(&cond.replace('?', &format!("?{}", args.len())));
    };
    let (from, order) = if let Some(a) = &f.actor {
        push(&mut conds, " AND k.role = 'a' AND k.key = ?", a.clone());
        if let Some(r) = &f.recipient {
            push(
                &mut conds,
                " AND e.id IN (SELECT event_id FROM event_keys WHERE role = 'r' AND key = ?)",
                r.clone(),
            );
        }
        (
            "event_keys k JOIN events e ON e.id = k.event_id",
            "k.date_key, k.event_id",
        )
    } else if let Some(r) = &f.recipient {
        push(&mut conds, " AND k.role = 'r' AND k.key = ?", r.clone());
        (
            "event_keys k JOIN events e ON e.id = k.event_id",
            "k.date_key, k.event_id",
        )
    } else {
        ("events e", "e.date_key, e.id")
    };
    let date_col = if order.starts_with('k') {
        "k.date_key"
    } else {
        "e.date_key"
    };
    if let Some(v) = &f.kind {
        let col = if date_col.starts_with('k') {
            "k.type"
        } else {
            "e.type"
        };
        push(&mut conds, &format!(" AND {col} = ?"), v.to_uppercase());
    }
    if let Some(v) = &f.mode {
        push(&mut conds, " AND e.mode = ?", v.clone());
    }
    if let Some(v) = &f.place {
        push(&mut conds, " AND e.place_id = ?", v.clone());
    }
    // Date filters select events that start within the range.
    if let Some(v) = &f.from {
        push(&mut conds, &format!(" AND {date_col} >= ?"), v.clone());
    }
    if let Some(v) = &f.to {
        push(
            &mut conds,
            &format!(" AND {date_col} <= ?"),
            format!("{v}\u{10FFFF}"),
        );
    }
    if let Some(v) = &f.doc {
        // A prefix of a content id (lower-case hex) as a range of the
        // index on ids; `LIKE` would scan every document.
        let cond = if plan.doc_walk {
            " AND EXISTS (SELECT 1 FROM event_sources es JOIN documents d ON d.key = es.doc WHERE es.event_id = e.id AND d.id >= ? AND d.id < ? || char(1114111))"
        } else {
            " AND e.id IN (SELECT es.event_id FROM event_sources es JOIN documents d ON d.key = es.doc WHERE d.id >= ? AND d.id < ? || char(1114111))"
        };
        push(&mut conds, cond, v.to_ascii_lowercase());
    }
    if let Some(v) = &f.q {
        let q = crate::query::fts_query(v);
        if !q.is_empty() {
            let cond = match plan.text {
                TextPlan::Drive => " AND e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)",
                // A unary `+` keeps the planner from driving the query by
                // the match list: the ids still come from it, as a set.
                TextPlan::Walk => " AND +e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)",
                TextPlan::Probe => {
                    " AND EXISTS (SELECT 1 FROM events_fts f WHERE f.events_fts MATCH ? AND f.rowid = e.id)"
                }
            };
            push(&mut conds, cond, q);
        }
    }
    (from.to_string(), conds, order, args)
}

/// How the filters that name many events take part in a listing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Plan {
    text: TextPlan,
    /// Events are walked in date order and each tested for a source in
    /// the documents: a document with many events (a timeline, a digest)
    /// fills a page within a few events, where collecting and sorting
    /// every event of it costs a scan of them all.
    doc_walk: bool,
}

/// From this many sources in the documents of a document filter on, a page
/// of events is walked for ([`Plan::doc_walk`]).
const DOC_WALK_SOURCES: i64 = 5000;

/// How a full-text filter takes part in a listing of events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum TextPlan {
    /// The matches drive the query: fetched, then sorted by date. Cheap
    /// for a rare word, for which a walk would cover the whole table.
    #[default]
    Drive,
    /// Events are walked in date order and each tested against the set of
    /// matches, built once: a word in 2% of events fills a page within a
    /// few thousand events.
    Walk,
    /// Events are walked in date order and each looked up in the full-text
    /// index: for a word in a large share of events, building the set of
    /// every match costs more than the few lookups a page takes ("the" in
    /// 1.1 M of 1.4 M events: 0.26 s for the set, 6 ms for the lookups).
    Probe,
}

/// From this many full-text matches on (more for deep pages), a page of
/// events is walked for ([`TextPlan::Walk`]) rather than sorted.
const WALK_DATES_MATCHES: i64 = 2000;

/// A lookup in the full-text index costs about this many times adding a
/// match to the set ([`TextPlan`]; measured on a 1 GB knowledge base:
/// 21 µs against 0.25 µs).
const PROBE_COST: f64 = 84.0;

/// For a page of `reach` events (offset plus limit) among `events`: the
/// numbers of matches from which the page is walked for ([`TextPlan::Walk`])
/// and from which it is looked up ([`TextPlan::Probe`]).
///
/// A walk takes about `reach * events / matches` lookups, a set `matches`
/// insertions: lookups pay from `sqrt(PROBE_COST * reach * events)` on.
fn text_plan(reach: i64, events: i64) -> (i64, i64) {
    // Deep pages need proportionally more matches for the walk to pay.
    let walk_from = WALK_DATES_MATCHES.max(reach.saturating_mul(40));
    let probe_from = (PROBE_COST * reach as f64 * events as f64).sqrt() as i64;
    (walk_from, probe_from.max(walk_from))
}

/// A stored record with its evidence `text`, which the fact's `text` column
/// holds (records written by earlier versions carry it themselves).
fn with_text(record: &str, text: Option<String>) -> Result<Value> {
    let mut v: Value = serde_json::from_str(record)?;
    if let (Some(o), Some(t)) = (v.as_object_mut(), text) {
        o.entry("text").or_insert(Value::String(t));
    }
    Ok(v)
}

impl Store {
    /// How many events the full-text query `q` (already in FTS syntax)
    /// matches, counting up to `n` at most.
    fn matches_up_to(&self, q: &str, n: i64) -> Result<i64> {
        if q.is_empty() {
            return Ok(0);
        }
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM (SELECT rowid FROM events_fts WHERE events_fts MATCH ?1 LIMIT ?2)",
            )?
            .query_row(params![q, n], |r| r.get(0))?)
    }

    /// The plan for the full-text filter of `f` ([`TextPlan`]).
    fn text_plan(&self, f: &EventFilter) -> Result<TextPlan> {
        let Some(q) = &f.q else {
            return Ok(TextPlan::Drive);
        };
        let q = crate::query::fts_query(q);
        let reach = f.offset.unwrap_or(0) as i64 + f.limit.unwrap_or(100).min(10_000) as i64;
        // The largest id stands for the number of events (one index step).
        let events: i64 = self
            .conn
            .prepare_cached("SELECT coalesce(max(id), 0) FROM events")?
            .query_row([], |r| r.get(0))?;
        let (walk_from, probe_from) = text_plan(reach, events);
        let matches = self.matches_up_to(&q, probe_from)?;
        Ok(if matches >= probe_from {
            TextPlan::Probe
        } else if matches >= walk_from {
            TextPlan::Walk
        } else {
            TextPlan::Drive
        })
    }

    /// The plan for the filters of `f` that may name many events ([`Plan`]).
    fn plan(&self, f: &EventFilter) -> Result<Plan> {
        let doc_walk = match &f.doc {
            None => false,
            Some(v) => {
                let sources: i64 = self
                    .conn
                    .prepare_cached(
                        "SELECT count(*) FROM (SELECT 1 FROM event_sources es JOIN documents d ON d.key = es.doc
                         WHERE d.id >= ?1 AND d.id < ?1 || char(1114111) LIMIT ?2)",
                    )?
                    .query_row(params![v.to_ascii_lowercase(), DOC_WALK_SOURCES], |r| r.get(0))?;
                sources >= DOC_WALK_SOURCES
            }
        };
        Ok(Plan {
            text: self.text_plan(f)?,
            doc_walk,
        })
    }

    /// Runs `sql` (selecting `id, record, text`) and attaches each fact's
    /// sources (up to `limit`).
    fn fact_rows(
        &self,
        sql: &str,
        args: &[Sql],
        kind: &str,
        limit: Option<usize>,
    ) -> Result<Vec<FactRow>> {
        let mut st = self.conn.prepare_cached(sql)?;
        let rows = st
            .query_map(params_from_iter(args.iter()), |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let (table, key) = (format!("{kind}_sources"), format!("{kind}_id"));
        rows.into_iter()
            .map(|(id, rec, text)| {
                let (sources, source_count) = self.sources(&table, &key, id, limit)?;
                Ok(FactRow {
                    id,
                    record: with_text(&rec, text)?,
                    sources,
                    source_count,
                })
            })
            .collect()
    }

    /// The first `limit` sources of fact `id` (all when `None`), and how
    /// many it has.
    fn sources(
        &self,
        table: &str,
        key: &str,
        id: i64,
        limit: Option<usize>,
    ) -> Result<(Vec<SourceRow>, usize)> {
        // The sentence behind a source is the last one of its document to
        // start at or before it: found by one step down the index.
        let sql = format!(
            "SELECT d.id, d.name, s.start, s.end,
                (SELECT t.text FROM sentences t WHERE t.doc = s.doc AND t.start <= s.start AND t.end >= s.end
                 ORDER BY t.start DESC LIMIT 1)
             FROM {table} s JOIN documents d ON d.key = s.doc WHERE s.{key} = ?1 ORDER BY s.doc, s.start LIMIT ?2"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let limit = limit.map_or(-1, |n| n.min(i64::MAX as usize) as i64);
        let rows = st
            .query_map(params![id, limit], |r| {
                Ok(SourceRow {
                    doc_id: r.get(0)?,
                    doc: r.get(1)?,
                    span: [r.get(2)?, r.get(3)?],
                    text: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let count = if limit >= 0 && rows.len() as i64 == limit {
            self.conn
                .prepare_cached(&format!("SELECT count(*) FROM {table} WHERE {key} = ?1"))?
                .query_row([id], |r| r.get::<_, i64>(0))? as usize
        } else {
            rows.len()
        };
        Ok((rows, count))
    }

    /// Events matching `f`, by date (undated last) then id; `limit`
    /// defaults to 100.
    pub fn events(&self, f: &EventFilter) -> Result<Vec<EventRow>> {
        let (from, cond, order, args) = event_query(f, self.plan(f)?);
        let sql = format!(
            "SELECT e.id, e.record, e.text FROM {from} WHERE 1=1{cond} ORDER BY {order} LIMIT {} OFFSET {}",
            f.limit.unwrap_or(100).min(10_000),
            f.offset.unwrap_or(0)
        );
        self.fact_rows(&sql, &args, "event", f.sources)
    }

    /// Counts the events matching `f` (ignoring limit and offset).
    pub fn count_events(&self, f: &EventFilter) -> Result<i64> {
        let only_words = EventFilter {
            q: None,
            limit: None,
            offset: None,
            sources: None,
            ..f.clone()
        } == EventFilter::default();
        if let (Some(q), true) = (&f.q, only_words) {
            // Words alone: the full-text index counts its matches (a
            // common word on a 1 GB knowledge base: 55 ms, where the
            // events joined to the set of matches took 3.4 s).
            let q = crate::query::fts_query(q);
            if !q.is_empty() {
                return Ok(self
                    .conn
                    .prepare_cached("SELECT count(*) FROM events_fts WHERE events_fts MATCH ?1")?
                    .query_row([q], |r| r.get(0))?);
            }
        }
        let (from, cond, _, args) = event_query(f, Plan::default());
        // Counting needs the events table only for conditions on it.
        let from = if from.starts_with("event_keys") && !cond.contains("e.") {
            "event_keys k".to_string()
        } else {
            from
        };
        let sql = format!("SELECT count(*) FROM {from} WHERE 1=1{cond}");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))?)
    }

    /// Events per day (`YYYY-MM-DD`, in date order) matching `f` without its
    /// date range, limit and offset: the histogram a timeline zooms over.
    /// Undated events are not counted.
    pub fn event_days(&self, f: &EventFilter) -> Result<Vec<(String, i64)>> {
        let undated = EventFilter {
            from: None,
            to: None,
            limit: None,
            offset: None,
            ..f.clone()
        };
        let (from, cond, _, args) = event_query(&undated, Plan::default());
        let sql = format!(
            "SELECT substr(e.date_start, 1, 10) AS d, count(*) FROM {from}
             WHERE e.date_start IS NOT NULL{cond} GROUP BY d ORDER BY d"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st
            .query_map(params_from_iter(args.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The events of `ids` that exist, in that order, each with its first
    /// `sources` sources (all when `None`).
    pub fn events_by_id(&self, ids: &[i64], sources: Option<usize>) -> Result<Vec<EventRow>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT record, text FROM events WHERE id = ?1")?;
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let Some((rec, text)) = st
                .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))
                .optional()?
            else {
                continue;
            };
            let (sources, source_count) = self.sources("event_sources", "event_id", id, sources)?;
            out.push(EventRow {
                id,
                record: with_text(&rec, text)?,
                sources,
                source_count,
            });
        }
        Ok(out)
    }

    /// One event with all its sources.
    pub fn event(&self, id: i64) -> Result<Option<EventRow>> {
        Ok(self.events_by_id(&[id], None)?.pop())
    }

    /// Claims matching `f`.
    pub fn claims(&self, f: &ClaimFilter) -> Result<Vec<ClaimRow>> {
        let mut sql = String::from("SELECT c.id, c.record, c.text FROM claims c WHERE 1=1");
        let mut args: Vec<Sql> = Vec::new();
        // As for events: a content-id prefix, as a range of the id index.
        let doc = f.doc.as_ref().map(|d| d.to_ascii_lowercase());
        for (cond, v) in [
            (" AND c.subject = ?", &f.subject),
            (" AND c.claimant = ?", &f.claimant),
            (" AND c.category = ?", &f.category),
            (
                " AND c.id IN (SELECT cs.claim_id FROM claim_sources cs JOIN documents d ON d.key = cs.doc WHERE d.id >= ? AND d.id < ? || char(1114111))",
                &doc,
            ),
        ] {
            if let Some(v) = v {
                args.push(Sql::Text(v.clone()));
                sql.push_str(&cond.replace('?', &format!("?{}", args.len())));
            }
        }
        sql.push_str(&format!(
            " ORDER BY c.subject, c.category, c.date_start, c.id LIMIT {} OFFSET {}",
            f.limit.unwrap_or(1000).min(10_000),
            f.offset.unwrap_or(0)
        ));
        self.fact_rows(&sql, &args, "claim", f.sources)
    }

    /// Subjects, categories and populations on which claimants disagree.
    pub fn disagreements(&self) -> Result<Vec<Disagreement>> {
        let claims = self.claims(&ClaimFilter {
            limit: Some(10_000),
            ..Default::default()
        })?;
        type Key = (
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let mut groups: BTreeMap<Key, Vec<ClaimRow>> = BTreeMap::new();
        for c in claims {
            let g = |k: &str| c.record.get(k).and_then(Value::as_str).map(str::to_string);
            // Same subject, category, population and period (year).
            let period = c.record["date"]["start"]
                .as_str()
                .and_then(|d| d.get(..4))
                .map(str::to_string);
            let key = (
                g("subject"),
                g("category").unwrap_or_default(),
                g("population"),
                g("item"),
                period,
            );
            groups.entry(key).or_default().push(c);
        }
        let mut out = Vec::new();
        for ((subject, category, population, item, period), claims) in groups {
            // A disagreement is between named claimants.
            let claimants: std::collections::BTreeSet<&str> = claims
                .iter()
                .filter_map(|c| c.record.get("claimant").and_then(Value::as_str))
                .collect();
            let figures: std::collections::BTreeSet<Option<i64>> = claims
                .iter()
                .map(|c| c.record["value"]["low"].as_i64())
                .collect();
            if subject.is_none() || claimants.len() < 2 || figures.len() < 2 {
                continue;
            }
            let mut lows: Vec<i64> = claims
                .iter()
                .filter_map(|c| c.record["value"]["low"].as_i64())
                .collect();
            lows.sort_unstable();
            let highs = claims.iter().filter_map(|c| {
                c.record["value"]["high"]
                    .as_i64()
                    .or(c.record["value"]["low"].as_i64())
            });
            out.push(Disagreement {
                subject,
                category,
                population,
                period,
                item,
                low: lows.first().copied(),
                best: lows.get(lows.len() / 2).copied(),
                high: highs.max(),
                claims,
            });
        }
        Ok(out)
    }

    /// The stance of every outside actor toward each party, from the
    /// events it directed at that party.
    pub fn stances(&self) -> Result<Vec<Stance>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, coalesce(actor_country, actor_id), coalesce(recipient_country, recipient_id), type FROM events
             WHERE recipient_id IS NOT NULL AND actor_id IS NOT NULL",
        )?;
        let mut cells: BTreeMap<(String, String), Stance> = BTreeMap::new();
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (id, actor, target, kind) = row?;
            if PARTIES.contains(&actor.as_str())
                || PARTY_PEOPLE.contains(&actor.as_str())
                || !PARTIES.contains(&target.as_str())
            {
                continue;
            }
            let cell = cells
                .entry((actor.clone(), target.clone()))
                .or_insert_with(|| Stance {
                    actor,
                    target,
                    score: 0,
                    supportive: 0,
                    hostile: 0,
                    neutral: 0,
                    stance: "neutral",
                    evidence: Vec::new(),
                });
            match polarity(&kind) {
                1 => cell.supportive += 1,
                -1 => cell.hostile += 1,
                _ => cell.neutral += 1,
            }
            cell.evidence.push(id);
        }
        Ok(cells
            .into_values()
            .map(|mut c| {
                c.score = c.supportive - c.hostile;
                c.stance = match (c.supportive > 0, c.hostile > 0) {
                    (true, true) => "mixed",
                    (true, false) => "supportive",
                    (false, true) => "hostile",
                    _ => "neutral",
                };
                c
            })
            .collect())
    }

    /// Actors (not places) with their mention and event counts.
    pub fn actors(&self) -> Result<Vec<EntityCount>> {
        // An actor's events, itself or through its people and institutions
        // (as `actor` filters them): one pass over the posting lists.
        self.entity_counts(
            "e.type <> 'place'",
            "SELECT key, count(*) AS n FROM event_keys WHERE role = 'a' GROUP BY key",
        )
    }

    /// Places with coordinates and mention and event counts.
    pub fn places(&self) -> Result<Vec<EntityCount>> {
        self.entity_counts(
            "e.type = 'place'",
            "SELECT place_id AS key, count(*) AS n FROM events WHERE place_id IS NOT NULL GROUP BY place_id",
        )
    }

    /// Entities meeting `cond` with their mention counts and the event
    /// counts `events` gives (`key, n`), each table read once: a count per
    /// entity by a subquery scanned the events for every actor (286 s on
    /// a 1 GB knowledge base).
    fn entity_counts(&self, cond: &str, events: &str) -> Result<Vec<EntityCount>> {
        let sql = format!(
            "SELECT e.id, e.name, e.type, e.country, e.mentions, coalesce(k.n, 0),
                (SELECT lat FROM events v WHERE v.place_id = e.id AND lat IS NOT NULL LIMIT 1),
                (SELECT lon FROM events v WHERE v.place_id = e.id AND lon IS NOT NULL LIMIT 1)
             FROM entities e
             LEFT JOIN ({events}) k ON k.key = e.id
             WHERE e.mentions > 0 AND {cond} ORDER BY e.mentions DESC, e.id"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st
            .query_map([], |r| {
                Ok(EntityCount {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    country: r.get(3)?,
                    mentions: r.get(4)?,
                    events: r.get(5)?,
                    lat: r.get(6)?,
                    lon: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Counts of events and claims.
    pub fn fact_counts(&self) -> Result<(i64, i64, i64)> {
        let c =
            |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, params![], |r| r.get(0))?) };
        Ok((
            c("SELECT count(*) FROM events")?,
            c("SELECT count(*) FROM event_sources")?,
            c("SELECT count(*) FROM claims")?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_common_word_is_looked_up_a_rare_one_sorted() {
        let store = Store::memory().unwrap();
        let conn = store.conn();
        conn.execute_batch("BEGIN").unwrap();
        for i in 0..3000i64 {
            let text = if i % 100 == 0 {
                "rare shelling"
            } else {
                "common talks"
            };
            conn.execute(
                "INSERT INTO events (type, text, shingles, record) VALUES ('ASSAULT', ?1, x'', '{}')",
                [text],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO events_fts (rowid, text) VALUES (?1, ?2)",
                rusqlite::params![conn.last_insert_rowid(), text],
            )
            .unwrap();
        }
        conn.execute_batch("COMMIT").unwrap();
        let plan = |q: &str, limit: usize, offset: usize| {
            store
                .text_plan(&EventFilter {
                    q: Some(q.into()),
                    limit: Some(limit),
                    offset: Some(offset),
                    ..Default::default()
                })
                .unwrap()
        };
        // 30 matches: sorted. 2,970: looked up for a page of 10, walked
        // against the set for a page of 50 (a lookup per 0.99 of a match
        // found costs more than the set), sorted for a page 2,100 deep.
        assert_eq!(plan("shelling", 10, 0), TextPlan::Drive);
        assert_eq!(plan("talks", 10, 0), TextPlan::Probe);
        assert_eq!(plan("talks", 50, 0), TextPlan::Walk);
        assert_eq!(plan("talks", 100, 2000), TextPlan::Drive);
    }

    #[test]
    fn a_document_with_many_events_is_walked() {
        let store = Store::memory().unwrap();
        let conn = store.conn();
        conn.execute_batch(
            "BEGIN;
             INSERT INTO documents (key, id, name, format, bytes, metadata, sections, warnings, references_json, clean)
                 VALUES (1, 'ab12', 'digest', 'text', 0, '{}', '[]', '[]', '[]', ''),
                        (2, 'cd34', 'report', 'text', 0, '{}', '[]', '[]', '[]', '');",
        )
        .unwrap();
        let source = |event: i64, doc: i64| {
            conn.execute(
                "INSERT OR IGNORE INTO events (id, type, text, shingles, record) VALUES (?1, 'ASSAULT', '', x'', '{}')",
                [event],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO event_sources (event_id, doc, start, end) VALUES (?1, ?2, 0, 1)",
                params![event, doc],
            )
            .unwrap();
        };
        for i in 1..DOC_WALK_SOURCES {
            source(i, 1);
        }
        source(1, 2);
        let walked = |doc: &str| {
            store
                .plan(&EventFilter {
                    doc: Some(doc.into()),
                    ..Default::default()
                })
                .unwrap()
                .doc_walk
        };
        // One source short of a walk, then the digest reaches it; a
        // prefix counts the sources of every document it names.
        assert!(!walked("ab12"));
        assert!(walked(""));
        source(DOC_WALK_SOURCES, 1);
        assert!(walked("AB"));
        assert!(!walked("cd34"));
        conn.execute_batch("COMMIT").unwrap();
    }

    #[test]
    fn lookups_pay_for_a_word_in_a_large_share_of_events() {
        // A page of 100 among 1.4 M events: the set of matches up to about
        // 108,000 of them, lookups from then on.
        let (walk_from, probe_from) = text_plan(100, 1_400_000);
        assert_eq!(walk_from, 4000);
        assert!((100_000..120_000).contains(&probe_from), "{probe_from}");
        // Few events: never fewer matches than a walk needs.
        assert_eq!(text_plan(100, 10), (4000, 4000));
    }
}
