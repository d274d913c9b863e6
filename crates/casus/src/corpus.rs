//! The embedded default corpus.
include!(concat!(env!("OUT_DIR"), "/corpus.rs"));
