//! Errors a read can end in; each names the file.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ReadError {
    #[error("{name}: cannot read: {source}")]
    Io {
        name: String,
        source: std::io::Error,
    },
    #[error("{name}: not a regular file")]
    NotAFile { name: String },
    #[error("{name}: empty file")]
    Empty { name: String },
    #[error("{name}: looks like a binary file (NUL bytes or control characters), refused")]
    Binary { name: String },
    #[error("{name}: {size} bytes is over the size limit of {limit} bytes")]
    TooLarge {
        name: String,
        size: usize,
        limit: usize,
    },
}
