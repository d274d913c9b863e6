//! `casus events`, `claims`, `disagreements`, `stances`, `timeline`,
//! `actors`, `places`, `export` and `diff`: read the knowledge base.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use casus_store::{ClaimFilter, EventFilter, EventRow, Store};
use serde_json::{json, Value};

use super::open_or_seed;

/// Output formats of the listing commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Jsonl,
    Csv,
}

/// Formats of `casus export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Jsonl,
    Csv,
    Geojson,
    Acled,
    Polecat,
}

fn get<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(x) => cur = x,
            None => return "",
        }
    }
    cur.as_str().unwrap_or("")
}

/// Quotes a CSV field when it needs it (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_line(out: &mut impl Write, fields: &[&str]) -> std::io::Result<()> {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    writeln!(out, "{}", line.join(","))
}

fn event_json(e: &EventRow) -> Value {
    let mut v = e.record.clone();
    v["id"] = json!(e.id);
    v["sources"] = serde_json::to_value(&e.sources).unwrap_or_default();
    v["source_count"] = json!(e.source_count);
    v
}

const EVENT_COLUMNS: &[&str] = &[
    "id",
    "date",
    "type",
    "mode",
    "actor",
    "recipient",
    "place",
    "claimed_by",
    "sources",
    "text",
];

fn event_fields(e: &EventRow) -> Vec<String> {
    let r = &e.record;
    vec![
        e.id.to_string(),
        get(r, &["date", "value"]).to_string(),
        get(r, &["type"]).to_string(),
        get(r, &["mode"]).to_string(),
        get(r, &["actor", "id"]).to_string(),
        get(r, &["recipient", "id"]).to_string(),
        get(r, &["location", "name"]).to_string(),
        get(r, &["claimed_by"]).to_string(),
        e.source_count.to_string(),
        get(r, &["text"]).to_string(),
    ]
}

pub fn events(
    db: &Path,
    f: &EventFilter,
    format: ListFormat,
    explain: bool,
) -> anyhow::Result<ExitCode> {
    let store = open_or_seed(db)?;
    // Tables and CSV show how many sources an event has, not which.
    let listed = matches!(format, ListFormat::Jsonl) || explain;
    let rows = store.events(&EventFilter {
        sources: if listed { f.sources } else { Some(0) },
        ..f.clone()
    })?;
    let mut out = std::io::stdout().lock();
    match format {
        ListFormat::Jsonl => {
            for e in &rows {
                serde_json::to_writer(&mut out, &event_json(e))?;
                writeln!(out)?;
            }
        }
        ListFormat::Csv => {
            csv_line(&mut out, EVENT_COLUMNS)?;
            for e in &rows {
                let f = event_fields(e);
                csv_line(&mut out, &f.iter().map(String::as_str).collect::<Vec<_>>())?;
            }
        }
        ListFormat::Table => {
            writeln!(
                out,
                "{:>5} {:<10} {:<9} {:<11} {:<9} {:<9} {:<14} EVIDENCE",
                "ID", "DATE", "TYPE", "MODE", "ACTOR", "RECIPIENT", "PLACE"
            )?;
            for e in &rows {
                let f = event_fields(e);
                let text: String = f[9].chars().take(90).collect();
                writeln!(
                    out,
                    "{:>5} {:<10} {:<9} {:<11} {:<9} {:<9} {:<14} {}",
                    f[0], f[1], f[2], f[3], f[4], f[5], f[6], text
                )?;
                if explain {
                    let r = &e.record;
                    writeln!(
                        out,
                        "        rule {} (trigger {:?}); evidence: {}",
                        get(r, &["rule"]),
                        get(r, &["trigger"]),
                        get(r, &["text"])
                    )?;
                    for src in &e.sources {
                        writeln!(
                            out,
                            "        source {} bytes {}-{}",
                            src.doc, src.span[0], src.span[1]
                        )?;
                    }
                }
            }
            eprintln!("casus: {} events of {}", rows.len(), store.count_events(f)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn claims(db: &Path, f: &ClaimFilter, format: ListFormat) -> anyhow::Result<ExitCode> {
    let store = open_or_seed(db)?;
    let rows = store.claims(f)?;
    let mut out = std::io::stdout().lock();
    let cols = [
        "id",
        "subject",
        "category",
        "population",
        "item",
        "low",
        "high",
        "raw",
        "claimant",
        "date",
        "sources",
        "text",
    ];
    let fields = |c: &casus_store::ClaimRow| -> Vec<String> {
        let r = &c.record;
        let num = |k: &str| {
            r["value"][k]
                .as_i64()
                .map(|n| n.to_string())
                .unwrap_or_default()
        };
        vec![
            c.id.to_string(),
            get(r, &["subject"]).into(),
            get(r, &["category"]).into(),
            get(r, &["population"]).into(),
            get(r, &["item"]).into(),
            num("low"),
            num("high"),
            get(r, &["value", "raw"]).into(),
            get(r, &["claimant"]).into(),
            get(r, &["date", "value"]).into(),
            c.source_count.to_string(),
            get(r, &["text"]).into(),
        ]
    };
    match format {
        ListFormat::Jsonl => {
            for c in &rows {
                let mut v = c.record.clone();
                v["id"] = json!(c.id);
                v["sources"] = serde_json::to_value(&c.sources)?;
                v["source_count"] = json!(c.source_count);
                serde_json::to_writer(&mut out, &v)?;
                writeln!(out)?;
            }
        }
        ListFormat::Csv => {
            csv_line(&mut out, &cols)?;
            for c in &rows {
                let f = fields(c);
                csv_line(&mut out, &f.iter().map(String::as_str).collect::<Vec<_>>())?;
            }
        }
        ListFormat::Table => {
            writeln!(
                out,
                "{:>4} {:<8} {:<10} {:<10} {:>8} {:>8} {:<10} {:<10} EVIDENCE",
                "ID", "SUBJECT", "CATEGORY", "POPULATION", "LOW", "HIGH", "CLAIMANT", "DATE"
            )?;
            for c in &rows {
                let f = fields(c);
                let text: String = f[11].chars().take(70).collect();
                writeln!(
                    out,
                    "{:>4} {:<8} {:<10} {:<10} {:>8} {:>8} {:<10} {:<10} {}",
                    f[0], f[1], f[2], f[3], f[5], f[6], f[8], f[9], text
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn disagreements(db: &Path) -> anyhow::Result<ExitCode> {
    let store = open_or_seed(db)?;
    let mut out = std::io::stdout().lock();
    for d in store.disagreements()? {
        writeln!(
            out,
            "{} {} {}{} in {}: low {} best {} high {}",
            d.subject.as_deref().unwrap_or("?"),
            d.category,
            d.population.as_deref().unwrap_or(""),
            d.item
                .as_deref()
                .map(|i| format!(" ({i})"))
                .unwrap_or_default(),
            d.period.as_deref().unwrap_or("undated"),
            d.low.map_or("-".into(), |n| n.to_string()),
            d.best.map_or("-".into(), |n| n.to_string()),
            d.high.map_or("-".into(), |n| n.to_string()),
        )?;
        for c in &d.claims {
            let r = &c.record;
            writeln!(
                out,
                "    {:<10} {:>10}  {}  [{} source(s)]",
                get(r, &["claimant"]),
                get(r, &["value", "raw"]),
                get(r, &["date", "value"]),
                c.source_count
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn stances(db: &Path) -> anyhow::Result<ExitCode> {
    let store = open_or_seed(db)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<16} {:<6} {:<11} {:>4} {:>4} {:>4}  EVENTS",
        "ACTOR", "TOWARD", "STANCE", "+", "-", "0"
    )?;
    for s in store.stances()? {
        let ev: Vec<String> = s.evidence.iter().map(|i| i.to_string()).collect();
        writeln!(
            out,
            "{:<16} {:<6} {:<11} {:>4} {:>4} {:>4}  {}",
            s.actor,
            s.target,
            s.stance,
            s.supportive,
            s.hostile,
            s.neutral,
            ev.join(",")
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn timeline(db: &Path, f: &EventFilter) -> anyhow::Result<ExitCode> {
    let store = open_or_seed(db)?;
    let f = EventFilter {
        limit: Some(f.limit.unwrap_or(10_000)),
        sources: Some(0),
        ..f.clone()
    };
    let mut out = std::io::stdout().lock();
    let mut day = String::new();
    for e in store.events(&f)? {
        let d = get(&e.record, &["date", "value"]).to_string();
        if d.is_empty() {
            continue;
        }
        if d != day {
            writeln!(out, "\n{d}")?;
            day = d;
        }
        let r = &e.record;
        let recip = get(r, &["recipient", "id"]);
        writeln!(
            out,
            "  {} {}{} {}{}  (#{}, {} source(s))",
            if get(r, &["actor", "id"]).is_empty() {
                "?"
            } else {
                get(r, &["actor", "id"])
            },
            get(r, &["type"]),
            if get(r, &["mode"]).is_empty() {
                String::new()
            } else {
                format!("/{}", get(r, &["mode"]))
            },
            if recip.is_empty() {
                String::new()
            } else {
                format!("→ {recip}")
            },
            if get(r, &["location", "name"]).is_empty() {
                String::new()
            } else {
                format!(" @ {}", get(r, &["location", "name"]))
            },
            e.id,
            e.source_count
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists what the knowledge base holds (actors or places), with how often
/// each is mentioned and acts in the store; the most mentioned first.
pub fn entities(db: &Path, places: bool, read: &crate::ReadArgs) -> anyhow::Result<ExitCode> {
    let store = open_or_seed(db)?;
    let counts: std::collections::HashMap<String, (i64, i64)> = (if places {
        store.places()?
    } else {
        store.actors()?
    })
    .into_iter()
    .map(|r| (r.id, (r.mentions, r.events)))
    .collect();
    let pipeline = read.pipeline()?;
    let g = &pipeline.gazetteer;
    let mut rows: Vec<(&casus_entities::EntityRef, (i64, i64))> = if places {
        g.places()
            .map(|e| (e, counts.get(e.id.as_str()).copied().unwrap_or_default()))
            .collect()
    } else {
        g.actors()
            .map(|e| (e, counts.get(e.id.as_str()).copied().unwrap_or_default()))
            .collect()
    };
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
    let mut out = std::io::stdout().lock();
    if places {
        writeln!(
            out,
            "{:<24} {:<8} {:>9} {:>9} {:>8} {:>6}  NAME",
            "ID", "COUNTRY", "LAT", "LON", "MENTIONS", "EVENTS"
        )?;
        for (e, (m, ev)) in rows {
            let f = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.4}"));
            writeln!(
                out,
                "{:<24} {:<8} {:>9} {:>9} {:>8} {:>6}  {}",
                e.id,
                e.country.as_deref().unwrap_or("-"),
                f(e.lat),
                f(e.lon),
                m,
                ev,
                e.name
            )?;
        }
    } else {
        writeln!(
            out,
            "{:<16} {:<13} {:<8} {:<6} {:>8} {:>6}  NAME",
            "ID", "TYPE", "COUNTRY", "SECTOR", "MENTIONS", "EVENTS"
        )?;
        for (e, (m, ev)) in rows {
            writeln!(
                out,
                "{:<16} {:<13} {:<8} {:<6} {:>8} {:>6}  {}",
                e.id,
                e.kind,
                e.country.as_deref().unwrap_or("-"),
                e.sector.as_deref().unwrap_or("-"),
                m,
                ev,
                e.name
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export(db: &Path, format: ExportFormat) -> anyhow::Result<ExitCode> {
    let store = open_or_seed(db)?;
    let events = store.events(&EventFilter {
        limit: Some(10_000),
        ..Default::default()
    })?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        ExportFormat::Jsonl => {
            for e in &events {
                serde_json::to_writer(
                    &mut out,
                    &json!({"kind": "event", "record": event_json(e)}),
                )?;
                writeln!(out)?;
            }
            for c in store.claims(&ClaimFilter {
                limit: Some(10_000),
                ..Default::default()
            })? {
                let mut v = c.record.clone();
                v["id"] = json!(c.id);
                v["sources"] = serde_json::to_value(&c.sources)?;
                v["source_count"] = json!(c.source_count);
                serde_json::to_writer(&mut out, &json!({"kind": "claim", "record": v}))?;
                writeln!(out)?;
            }
        }
        ExportFormat::Csv => {
            csv_line(&mut out, EVENT_COLUMNS)?;
            for e in &events {
                let f = event_fields(e);
                csv_line(&mut out, &f.iter().map(String::as_str).collect::<Vec<_>>())?;
            }
        }
        ExportFormat::Geojson => {
            let features: Vec<Value> = events
                .iter()
                .filter_map(|e| {
                    let lat = e.record["location"]["lat"].as_f64()?;
                    let lon = e.record["location"]["lon"].as_f64()?;
                    Some(json!({
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "properties": event_json(e),
                    }))
                })
                .collect();
            serde_json::to_writer(
                &mut out,
                &json!({"type": "FeatureCollection", "features": features}),
            )?;
            writeln!(out)?;
        }
        ExportFormat::Acled => {
            // ACLED-style columns; ACLED's own event types are coarser than
            // PLOVER's, so the PLOVER type and mode go in sub_event_type.
            csv_line(
                &mut out,
                &[
                    "event_id_cnty",
                    "event_date",
                    "year",
                    "event_type",
                    "sub_event_type",
                    "actor1",
                    "assoc_actor_1",
                    "actor2",
                    "country",
                    "location",
                    "latitude",
                    "longitude",
                    "source",
                    "notes",
                ],
            )?;
            for e in &events {
                let r = &e.record;
                let date = get(r, &["date", "start"]);
                let acled_type = match get(r, &["type"]) {
                    "ASSAULT" => "Battles",
                    "PROTEST" => "Protests",
                    "COERCE" | "MOBILIZE" | "SANCTION" | "AGREE" | "SUPPORT" | "CONSULT"
                    | "REQUEST" | "ACCUSE" | "REJECT" | "THREATEN" | "RETREAT" | "AID"
                    | "COOPERATE" | "CONCEDE" => "Strategic developments",
                    _ => "Strategic developments",
                };
                let sub = format!(
                    "{}{}",
                    get(r, &["type"]),
                    if get(r, &["mode"]).is_empty() {
                        String::new()
                    } else {
                        format!(": {}", get(r, &["mode"]))
                    }
                );
                let sources: BTreeSet<&str> = e.sources.iter().map(|s| s.doc.as_str()).collect();
                csv_line(
                    &mut out,
                    &[
                        &format!("CASUS{}", e.id),
                        date,
                        date.get(..4).unwrap_or(""),
                        acled_type,
                        &sub,
                        get(r, &["actor", "name"]),
                        get(r, &["actor", "sector"]),
                        get(r, &["recipient", "name"]),
                        get(r, &["location", "country"]),
                        get(r, &["location", "name"]),
                        &r["location"]["lat"]
                            .as_f64()
                            .map(|x| x.to_string())
                            .unwrap_or_default(),
                        &r["location"]["lon"]
                            .as_f64()
                            .map(|x| x.to_string())
                            .unwrap_or_default(),
                        &sources.into_iter().collect::<Vec<_>>().join("; "),
                        get(r, &["text"]),
                    ],
                )?;
            }
        }
        ExportFormat::Polecat => {
            // POLECAT-style columns (PLOVER event coding).
            csv_line(
                &mut out,
                &[
                    "Event ID",
                    "Event Date",
                    "Event Type",
                    "Event Mode",
                    "Actor Name",
                    "Actor Country",
                    "Actor Sector",
                    "Recipient Name",
                    "Recipient Country",
                    "Recipient Sector",
                    "Placename",
                    "Latitude",
                    "Longitude",
                    "Contexts",
                    "Story IDs",
                    "Event Text",
                ],
            )?;
            for e in &events {
                let r = &e.record;
                let aux: Vec<&str> = r["aux"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let stories: Vec<String> = e
                    .sources
                    .iter()
                    .map(|s| format!("{}:{}-{}", s.doc, s.span[0], s.span[1]))
                    .collect();
                csv_line(
                    &mut out,
                    &[
                        &e.id.to_string(),
                        get(r, &["date", "start"]),
                        &get(r, &["type"]).to_lowercase(),
                        get(r, &["mode"]),
                        get(r, &["actor", "name"]),
                        get(r, &["actor", "country"]),
                        get(r, &["actor", "sector"]),
                        get(r, &["recipient", "name"]),
                        get(r, &["recipient", "country"]),
                        get(r, &["recipient", "sector"]),
                        get(r, &["location", "name"]),
                        &r["location"]["lat"]
                            .as_f64()
                            .map(|x| x.to_string())
                            .unwrap_or_default(),
                        &r["location"]["lon"]
                            .as_f64()
                            .map(|x| x.to_string())
                            .unwrap_or_default(),
                        &aux.join(";"),
                        &stories.join(";"),
                        get(r, &["text"]),
                    ],
                )?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Which facts one document states that another does not.
pub fn diff(db: &Path, a: &str, b: &str) -> anyhow::Result<ExitCode> {
    let store = open_or_seed(db)?;
    let find = |k: &str, s: &Store| -> anyhow::Result<casus_store::query::DocFull> {
        match s.find_document(k)? {
            Some(d) => Ok(d),
            None => bail!(
                "{}: no document matches {k:?} (try `casus docs`)",
                db.display()
            ),
        }
    };
    let (da, dbb) = (find(a, &store)?, find(b, &store)?);
    let ids = |doc: &str| -> anyhow::Result<Vec<EventRow>> {
        Ok(store.events(&EventFilter {
            doc: Some(doc.to_string()),
            limit: Some(10_000),
            sources: Some(0),
            ..Default::default()
        })?)
    };
    let (ea, eb) = (ids(&da.summary.id)?, ids(&dbb.summary.id)?);
    let in_b: BTreeSet<i64> = eb.iter().map(|e| e.id).collect();
    let in_a: BTreeSet<i64> = ea.iter().map(|e| e.id).collect();
    let mut out = std::io::stdout().lock();
    let line = |e: &EventRow| {
        let r = &e.record;
        format!(
            "#{} {} {} {} → {}  {}",
            e.id,
            get(r, &["date", "value"]),
            get(r, &["type"]),
            get(r, &["actor", "id"]),
            get(r, &["recipient", "id"]),
            get(r, &["text"]).chars().take(80).collect::<String>()
        )
    };
    writeln!(
        out,
        "{} events in both {} and {}",
        in_a.intersection(&in_b).count(),
        da.summary.name,
        dbb.summary.name
    )?;
    writeln!(
        out,
        "only in {} ({}):",
        da.summary.name,
        ea.iter().filter(|e| !in_b.contains(&e.id)).count()
    )?;
    for e in ea.iter().filter(|e| !in_b.contains(&e.id)) {
        writeln!(out, "  - {}", line(e))?;
    }
    writeln!(
        out,
        "only in {} ({}):",
        dbb.summary.name,
        eb.iter().filter(|e| !in_a.contains(&e.id)).count()
    )?;
    for e in eb.iter().filter(|e| !in_a.contains(&e.id)) {
        writeln!(out, "  + {}", line(e))?;
    }
    Ok(ExitCode::SUCCESS)
}
