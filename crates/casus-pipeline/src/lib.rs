//! The pipeline: one document through every stage.
//!
//! `casus-pipeline` owns the order of the stages (read and clean →
//! segment → recognise time, actors and places → extract events and
//! claims) and the records they produce, with every span mapped back to raw
//! bytes. The command line, the store and the server all go through
//! [`Pipeline::process`], so a document gives the same records whichever
//! way it enters.

mod json;
pub mod records;
pub mod sources;

use casus_entities::{Gazetteer, Mention};
use casus_extract::{Claim, Coder, DocInput, Event};
use casus_read::{Document, Span};
use casus_segment::{Segmenter, Sentence};
use casus_time::{Tagger, Timex};

pub use records::Record;

/// The loaded models of every stage; build once, share across threads.
pub struct Pipeline {
    pub segmenter: Segmenter,
    pub tagger: Tagger,
    pub gazetteer: Gazetteer,
    pub coder: Coder,
}

/// What the stages found in one document. Offsets are clean-text offsets;
/// [`Processed::raw`] maps them to the raw file.
pub struct Processed {
    pub doc: Document,
    pub sentences: Vec<Sentence>,
    pub timexes: Vec<Timex>,
    pub mentions: Vec<Mention>,
    pub events: Vec<Event>,
    pub claims: Vec<Claim>,
}

impl Processed {
    /// The raw-file span behind a clean-text range.
    pub fn raw(&self, start: usize, end: usize) -> Span {
        self.doc.raw_span(Span::new(start, end))
    }

    /// The document date from metadata (front matter `date`, HTML
    /// `article:published_time`), as `YYYY-MM-DD`, if any.
    pub fn doc_date(&self) -> Option<String> {
        document_date(&self.doc)
    }
}

/// The document's own date, from its metadata.
pub fn document_date(doc: &Document) -> Option<String> {
    for key in [
        "date",
        "published",
        "article:published_time",
        "datePublished",
        "pubdate",
    ] {
        if let Some(v) = doc.metadata.get(key).and_then(|v| v.as_str()) {
            let d: String = v.chars().take(10).collect();
            let b = d.as_bytes();
            if d.len() == 10
                && b[4] == b'-'
                && b[7] == b'-'
                && d.bytes().filter(u8::is_ascii_digit).count() == 8
            {
                return Some(d);
            }
        }
    }
    None
}

impl Pipeline {
    /// The pipeline with every model compiled into the binary.
    pub fn embedded() -> Pipeline {
        Pipeline {
            segmenter: Segmenter::embedded(),
            tagger: Tagger::new(),
            gazetteer: Gazetteer::embedded(),
            coder: Coder::embedded(),
        }
    }

    /// The embedded pipeline with another actor and place knowledge base
    /// (for example the embedded one plus an analyst's files).
    pub fn with_gazetteer(gazetteer: Gazetteer) -> Pipeline {
        Pipeline {
            gazetteer,
            ..Pipeline::embedded()
        }
    }

    /// Runs every stage after reading.
    pub fn process(&self, doc: Document) -> Processed {
        let sentences = self.segmenter.split(&doc.clean);
        let doc_date = document_date(&doc);
        let timexes = self.tagger.tag(&doc.clean, doc_date.as_deref());
        // Offices resolve by the date the narrative has reached.
        let date_at = |offset: usize| -> Option<String> {
            casus_time::reference_range_at(&timexes, offset)
                .map(|d| d.start.to_string())
                .or_else(|| doc_date.clone())
        };
        let mentions = self.gazetteer.recognise(&doc.clean, &date_at);
        let extraction = self.coder.code(&DocInput {
            name: &doc.name,
            text: &doc.clean,
            sentences: &sentences,
            mentions: &mentions,
            timexes: &timexes,
            doc_date: doc_date.as_deref(),
        });
        Processed {
            doc,
            sentences,
            timexes,
            mentions,
            events: extraction.events,
            claims: extraction.claims,
        }
    }
}
