//! `casus`: the command line. Each subcommand is a thin layer over the
//! pipeline crates; see `casus --help`.

mod cmd;
mod corpus;
mod inputs;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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

#[derive(clap::Args, Clone)]
pub struct ReadArgs {
    /// Read every input as this format instead of detecting it
    /// (text, wiki, web-text, one-line, tooltip-mirror, chrome-mirror, html, markdown).
    #[arg(long = "input-format", value_parser = parse_format)]
    pub input_format: Option<casus_read::Format>,
    /// Refuse files larger than this many bytes.
    #[arg(long, default_value_t = 256 * 1024 * 1024)]
    pub max_bytes: usize,
}

fn parse_format(s: &str) -> Result<casus_read::Format, String> {
    casus_read::Format::from_name(s).ok_or_else(|| {
        let names: Vec<_> = casus_read::Format::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format {s:?}; one of {}", names.join(", "))
    })
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
        Command::Ingest { paths, db, read } => cmd::ingest::run(&paths, &db.db, &read),
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
        Command::Extract {
            files,
            format: _,
            stdin,
            read,
        } => cmd::extract::run(&files, stdin, &read),
        Command::Serve {
            addr,
            allow_ingest,
            db,
        } => cmd::serve::run(&db.db, addr, allow_ingest),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("casus: {e:#}");
            ExitCode::from(2)
        }
    }
}
