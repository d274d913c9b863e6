//! `casus`: the command line. Each subcommand is a thin layer over the
//! pipeline crates; see `casus --help`.

mod cmd;
mod corpus;
mod inputs;
mod ordered;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// The pipeline allocates many small, short-lived values (tokens, spans,
// records); mimalloc serves them markedly faster than the system allocator.
// Its version 2 (the `v2` feature): version 3, the default of the crate
// version in use, returns and refaults memory so often that `casus extract` spent
// 0.3-0.45 s of 2.2 s in the kernel and peaked at 88 MB (v2: 0.06 s, 49 MB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "casus",
    version,
    about = "Turn writing about an armed conflict into a knowledge base you can trust."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
pub struct DbArg {
    /// The knowledge base file.
    #[arg(long, default_value = "casus.db", global = true)]
    pub db: PathBuf,
}

/// When a write runs as a bulk build.
#[derive(clap::Args, Clone, Debug)]
pub struct BulkArg {
    /// Build the query indexes, posting lists and near-duplicate bands once
    /// the rows are written, in sorted passes, instead of row by row. `auto`
    /// does so when the input is at least 16 MB and at least as large as
    /// what is stored already.
    #[arg(long, value_enum, default_value_t = Bulk::Auto)]
    pub bulk: Bulk,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bulk {
    Auto,
    Always,
    Never,
}

impl BulkArg {
    /// Whether to write `input` bytes into a knowledge base holding
    /// documents of `stored` bytes as a bulk build.
    pub fn wanted(&self, input: u64, stored: u64) -> bool {
        match self.bulk {
            Bulk::Always => true,
            Bulk::Never => false,
            Bulk::Auto => input >= 16 << 20 && input >= stored,
        }
    }
}

#[derive(clap::Args, Clone)]
pub struct ReadArgs {
    /// Read every input as this format instead of detecting it
    /// (text, wiki, web-text, one-line, tooltip-mirror, chrome-mirror, html, markdown).
    #[arg(long = "input-format", value_parser = parse_format)]
    pub input_format: Option<casus_read::Format>,
    /// Refuse files larger than this many bytes. Processing holds about
    /// 170 bytes of memory per input byte at worst (entity-dense text), so
    /// the default keeps one file under ~6 GB.
    #[arg(long, default_value_t = 32 * 1024 * 1024)]
    pub max_bytes: usize,
    /// Add or override actors and places from this file (CSV or TOML in the
    /// formats of data/entities/; repeatable).
    #[arg(long = "entities", value_name = "FILE")]
    pub entities: Vec<PathBuf>,
}

fn parse_format(s: &str) -> Result<casus_read::Format, String> {
    casus_read::Format::from_name(s).ok_or_else(|| {
        let names: Vec<_> = casus_read::Format::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format {s:?}; one of {}", names.join(", "))
    })
}

/// Filters shared by `events` and `timeline`.
#[derive(clap::Args, Clone, Default)]
pub struct EventArgs {
    /// Actor id, or the state/organisation it belongs to (AZE, OSCE_MG).
    #[arg(long)]
    pub actor: Option<String>,
    #[arg(long)]
    pub recipient: Option<String>,
    /// PLOVER type (ASSAULT, ACCUSE, ...).
    #[arg(long = "type")]
    pub kind: Option<String>,
    #[arg(long)]
    pub mode: Option<String>,
    /// Place id (shusha, ganja, ...).
    #[arg(long)]
    pub place: Option<String>,
    /// From this day (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Up to this day (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// Document id or id prefix among the sources.
    #[arg(long)]
    pub doc: Option<String>,
    /// Words in the evidence.
    #[arg(long)]
    pub q: Option<String>,
    #[arg(long)]
    pub limit: Option<usize>,
    #[arg(long)]
    pub offset: Option<usize>,
    /// Sources listed per event in JSON lines and `--explain` (default:
    /// all; `source_count` gives how many there are).
    #[arg(long)]
    pub sources: Option<usize>,
}

impl EventArgs {
    fn filter(&self) -> casus_store::EventFilter {
        casus_store::EventFilter {
            actor: self.actor.clone(),
            recipient: self.recipient.clone(),
            kind: self.kind.clone(),
            mode: self.mode.clone(),
            place: self.place.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            doc: self.doc.clone(),
            q: self.q.clone(),
            limit: self.limit,
            offset: self.offset,
            sources: self.sources,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Read, clean and store documents (files, directories, or - for stdin).
    /// With no path, ingests the embedded corpus.
    Ingest {
        paths: Vec<PathBuf>,
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        bulk: BulkArg,
    },
    /// List the stored documents.
    Docs {
        #[command(flatten)]
        db: DbArg,
    },
    /// Show one stored document (by id, id prefix or name).
    Show {
        doc: String,
        /// Print the clean text.
        #[arg(long, group = "view")]
        clean: bool,
        /// Print the raw bytes as stored.
        #[arg(long, group = "view")]
        raw: bool,
        /// Print the sentences with their raw spans.
        #[arg(long, group = "view")]
        sentences: bool,
        /// Print the sections.
        #[arg(long, group = "view")]
        sections: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Full-text search over the stored sentences.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[command(flatten)]
        db: DbArg,
    },
    /// List events (PLOVER), filtered.
    Events {
        #[command(flatten)]
        filter: EventArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: cmd::facts::ListFormat,
        /// Show which rule coded each event, its trigger words and sources.
        #[arg(long)]
        explain: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// List numeric claims (losses, casualties, displaced) with their claimant.
    Claims {
        #[arg(long)]
        subject: Option<String>,
        #[arg(long)]
        claimant: Option<String>,
        #[arg(long)]
        category: Option<String>,
        /// Document id or id prefix among the sources.
        #[arg(long)]
        doc: Option<String>,
        /// Sources listed per claim in JSON lines (default: all).
        #[arg(long)]
        sources: Option<usize>,
        #[arg(long, value_enum, default_value = "table")]
        format: cmd::facts::ListFormat,
        #[command(flatten)]
        db: DbArg,
    },
    /// Claims on the same subject and category from different claimants.
    Disagreements {
        #[command(flatten)]
        db: DbArg,
    },
    /// Stances of outside actors toward Armenia, Azerbaijan and Artsakh.
    Stances {
        #[command(flatten)]
        db: DbArg,
    },
    /// Events by day.
    Timeline {
        #[command(flatten)]
        filter: EventArgs,
        #[command(flatten)]
        db: DbArg,
    },
    /// The actors the knowledge base knows, with mention and event counts.
    Actors {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// The places the knowledge base knows, with coordinates and counts.
    Places {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Export events (and claims) for other tools.
    Export {
        #[arg(long, value_enum, default_value = "jsonl")]
        format: cmd::facts::ExportFormat,
        #[command(flatten)]
        db: DbArg,
    },
    /// Which events one document (revision) states that another does not.
    Diff {
        a: String,
        b: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Merge shards of `casus extract` output (JSON lines files, or - for
    /// stdin) into the knowledge base, deduplicating facts.
    Load {
        shards: Vec<PathBuf>,
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        bulk: BulkArg,
    },
    /// Write a deterministic scale corpus for benchmarks.
    GenCorpus {
        /// Total size to write (100MB, 1GB).
        #[arg(long, value_parser = cmd::gen_corpus::parse_size)]
        size: u64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Share of documents that are mirrors of a recent one.
        #[arg(long, default_value_t = 0.1)]
        mirrors: f64,
        /// Share of documents that are revisions of a recent one.
        #[arg(long, default_value_t = 0.1)]
        revisions: f64,
    },
    /// Run the pipeline on files without a database and print records.
    /// With no file, runs on the embedded corpus.
    Extract {
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, default_value = "jsonl", value_parser = ["jsonl"])]
        format: String,
        /// Read JSON lines {"id", "text"} from standard input and write
        /// records as they go (a map stage for Spark, Hadoop or GNU parallel).
        #[arg(long)]
        stdin: bool,
        /// Also print `candidate` records: capitalised names the knowledge
        /// base does not know, with a type guess.
        #[arg(long)]
        candidates: bool,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Serve the knowledge base as a web application and JSON API.
    /// With no database, builds one from the embedded corpus first.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Accept documents on POST /api/documents, behind a bearer token
        /// (CASUS_TOKEN, or a random one printed at start).
        #[arg(long)]
        allow_ingest: bool,
        #[command(flatten)]
        db: DbArg,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ingest {
            paths,
            db,
            read,
            bulk,
        } => cmd::ingest::run(&paths, &db.db, &read, &bulk),
        Command::Docs { db } => cmd::docs::list(&db.db),
        Command::Show {
            doc,
            clean,
            raw,
            sentences,
            sections,
            db,
        } => {
            let view = if raw {
                cmd::docs::View::Raw
            } else if sentences {
                cmd::docs::View::Sentences
            } else if sections {
                cmd::docs::View::Sections
            } else if clean {
                cmd::docs::View::Clean
            } else {
                cmd::docs::View::Summary
            };
            cmd::docs::show(&db.db, &doc, view)
        }
        Command::Search { query, limit, db } => cmd::docs::search(&db.db, &query, limit),
        Command::Events {
            filter,
            format,
            explain,
            db,
        } => cmd::facts::events(&db.db, &filter.filter(), format, explain),
        Command::Claims {
            subject,
            claimant,
            category,
            doc,
            sources,
            format,
            db,
        } => {
            let f = casus_store::ClaimFilter {
                subject,
                claimant,
                category,
                doc,
                // Tables and CSV show how many sources a claim has.
                sources: if matches!(format, cmd::facts::ListFormat::Jsonl) {
                    sources
                } else {
                    Some(0)
                },
                ..Default::default()
            };
            cmd::facts::claims(&db.db, &f, format)
        }
        Command::Disagreements { db } => cmd::facts::disagreements(&db.db),
        Command::Stances { db } => cmd::facts::stances(&db.db),
        Command::Timeline { filter, db } => cmd::facts::timeline(&db.db, &filter.filter()),
        Command::Actors { db, read } => cmd::facts::entities(&db.db, false, &read),
        Command::Places { db, read } => cmd::facts::entities(&db.db, true, &read),
        Command::Export { format, db } => cmd::facts::export(&db.db, format),
        Command::Diff { a, b, db } => cmd::facts::diff(&db.db, &a, &b),
        Command::Load { shards, db, bulk } => cmd::load::run(&shards, &db.db, &bulk),
        Command::GenCorpus {
            size,
            out,
            seed,
            mirrors,
            revisions,
        } => cmd::gen_corpus::run(size, &out, seed, mirrors, revisions),
        Command::Extract {
            files,
            format: _,
            stdin,
            candidates,
            read,
        } => cmd::extract::run(&files, stdin, candidates, &read),
        Command::Serve {
            addr,
            allow_ingest,
            db,
        } => cmd::serve::run(&db.db, addr, allow_ingest),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`casus events | head`) is the reader's choice, not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("casus: {e:#}");
            ExitCode::from(2)
        }
    }
}
