//! A generator of synthetic events and claims, written straight into the
//! fact tables with SQL: fixtures for the page tests and the load bench.
//! Evidence spans point at real stored sentences, so every synthetic fact
//! opens onto a real document.

use casus_entities::Gazetteer;
use casus_store::{Result, Store};
use rusqlite::params;
use serde_json::json;

/// A small deterministic random number generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const PARTIES: &[(&str, &str, &str)] = &[
    ("ARM", "Armenia", "ARM"),
    ("AZE", "Azerbaijan", "AZE"),
    ("NKR", "Artsakh", "NKR"),
];
const OUTSIDERS: &[(&str, &str, &str)] = &[
    ("RUS", "Russia", "RUS"),
    ("TUR", "Turkey", "TUR"),
    ("IRN", "Iran", "IRN"),
    ("FRA", "France", "FRA"),
    ("USA", "United States", "USA"),
    ("OSCE_MG", "OSCE Minsk Group", "OSCE_MG"),
    ("UN", "United Nations", "UN"),
];
const FIGHTING: &[(&str, Option<&str>)] = &[
    ("ASSAULT", Some("artillery")),
    ("ASSAULT", Some("aerial")),
    ("ASSAULT", Some("ground")),
    ("ASSAULT", Some("drone")),
    ("MOBILIZE", None),
    ("COERCE", None),
    ("ACCUSE", None),
    ("RETREAT", None),
];
const DIPLOMACY: &[&str] = &[
    "SUPPORT", "ACCUSE", "CONSULT", "AGREE", "REJECT", "THREATEN", "AID", "SANCTION",
];

/// Days since 1970-01-01 to `YYYY-MM-DD`.
pub fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}

/// 2020-09-27, the first day of the 2020 war, in days since 1970.
pub const WAR_START: i64 = 18_532;

/// Inserts `events` synthetic events and `claims` claims. Dates fall in
/// the 44-day war (`spread_days` widens that), places are gazetteer places
/// with coordinates in the conflict zone.
pub fn synthesize(
    store: &Store,
    events: usize,
    claims: usize,
    spread_days: i64,
    seed: u64,
) -> Result<()> {
    let g = Gazetteer::embedded();
    let places: Vec<(String, String, f64, f64)> = g
        .places()
        .filter_map(|p| match (p.lat, p.lon) {
            (Some(la), Some(lo)) if (38.3..41.6).contains(&la) && (44.0..50.5).contains(&lo) => {
                Some((p.id.to_string(), p.name.to_string(), la, lo))
            }
            _ => None,
        })
        .collect();
    let conn = store.conn();
    let sents: Vec<(i64, i64, i64, String)> = {
        let mut st = conn.prepare(
            "SELECT doc, start, end, text FROM sentences WHERE length(text) > 60 ORDER BY rowid LIMIT 2000",
        )?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows
    };
    if sents.is_empty() || places.is_empty() {
        return Ok(());
    }
    let mut rng = Rng::new(seed);
    conn.execute_batch("BEGIN")?;
    {
        let mut ev = conn.prepare_cached(
            "INSERT INTO events (type, mode, actor_id, actor_country, actor_sector, recipient_id, recipient_country,
                date_start, date_end, place_id, lat, lon, claimed_by, text, shingles, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, X'', ?15)",
        )?;
        let mut fts =
            conn.prepare_cached("INSERT INTO events_fts (rowid, text) VALUES (?1, ?2)")?;
        let mut src = conn.prepare_cached(
            "INSERT OR IGNORE INTO event_sources (event_id, doc, start, end) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for i in 0..events {
            let (doc, start, end, text) = rng.pick(&sents).clone();
            let outside = rng.below(4) == 0;
            let (kind, mode, actor, recipient) = if outside {
                (
                    *rng.pick(DIPLOMACY),
                    None,
                    *rng.pick(OUTSIDERS),
                    *rng.pick(PARTIES),
                )
            } else {
                let (k, m) = *rng.pick(FIGHTING);
                let a = *rng.pick(&PARTIES[..2]);
                let r = if a.0 == "ARM" { PARTIES[1] } else { PARTIES[0] };
                (k, m, a, r)
            };
            let spread = 44 + spread_days.max(0);
            let day = WAR_START + (rng.below(spread as usize) as i64) - spread_days.max(0) / 2;
            let date = civil(day);
            let place = (!outside || rng.below(3) == 0).then(|| rng.pick(&places).clone());
            let claimed_by = if outside { None } else { Some(actor.0) };
            let record = json!({
                "type": kind, "mode": mode,
                "actor": {"id": actor.0, "name": actor.1, "country": actor.2, "sector": if outside { "GOV" } else { "MIL" }},
                "recipient": {"id": recipient.0, "name": recipient.1, "country": recipient.2},
                "date": {"value": date, "start": date, "end": date, "precision": "day"},
                "location": place.as_ref().map(|p| json!({"id": p.0, "name": p.1, "lat": p.2, "lon": p.3})),
                "aux": null,
                "claimed_by": claimed_by,
                "text": text,
                "synthetic": true,
            });
            ev.execute(params![
                kind,
                mode,
                actor.0,
                actor.2,
                if outside { "GOV" } else { "MIL" },
                recipient.0,
                recipient.2,
                date,
                date,
                place.as_ref().map(|p| p.0.as_str()),
                place.as_ref().map(|p| p.2),
                place.as_ref().map(|p| p.3),
                claimed_by,
                text,
                record.to_string(),
            ])?;
            let id = conn.last_insert_rowid();
            fts.execute(params![id, text])?;
            src.execute(params![id, doc, start, end])?;
            if i % 5 == 0 {
                let (d2, s2, e2, _) = rng.pick(&sents).clone();
                src.execute(params![id, d2, s2, e2])?;
            }
        }
        let mut cl = conn.prepare_cached(
            "INSERT INTO claims (category, population, item, subject, claimant, low, high, date_start, date_end, text, shingles, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, X'', ?11)",
        )?;
        let mut csrc = conn.prepare_cached(
            "INSERT OR IGNORE INTO claim_sources (claim_id, doc, start, end) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let cats: &[(&str, Option<&str>, Option<&str>)] = &[
            ("killed", Some("military"), None),
            ("killed", Some("civilian"), None),
            ("wounded", Some("civilian"), None),
            ("destroyed", None, Some("tank")),
            ("destroyed", None, Some("drone")),
            ("displaced", Some("civilian"), None),
        ];
        for i in 0..claims {
            let (doc, start, end, text) = rng.pick(&sents).clone();
            let (cat, pop, item) = cats[i % cats.len()];
            let subject = PARTIES[(i / cats.len()) % 2];
            let claimant = if rng.below(2) == 0 {
                PARTIES[0]
            } else {
                PARTIES[1]
            };
            let base = 100 + rng.below(3000) as i64;
            let low = if claimant.0 == subject.0 {
                base / 3
            } else {
                base
            };
            let high = (rng.below(3) == 0).then(|| low + rng.below(500) as i64);
            let date = civil(WAR_START + rng.below(60) as i64);
            let raw = match high {
                Some(h) => format!("{low}–{h}"),
                None => low.to_string(),
            };
            let record = json!({
                "category": cat, "population": pop, "item": item,
                "subject": subject.0, "claimant": claimant.0,
                "value": {"low": low, "high": high, "raw": raw},
                "date": {"value": date, "start": date, "end": date},
                "text": text, "synthetic": true,
            });
            cl.execute(params![
                cat,
                pop,
                item,
                subject.0,
                claimant.0,
                low,
                high,
                date,
                date,
                text,
                record.to_string()
            ])?;
            let id = conn.last_insert_rowid();
            csrc.execute(params![id, doc, start, end])?;
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(())
}
