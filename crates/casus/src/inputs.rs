//! Turns command-line paths into the files to read: directories are walked
//! recursively (symlink loops are reported, not followed forever), `-` is
//! standard input, and no path at all means the embedded corpus.

use std::io::Read;
use std::path::{Path, PathBuf};

/// One input to read.
pub enum Input {
    File(PathBuf),
    Bytes { name: String, bytes: Vec<u8> },
}

/// Expands `paths`; problems (unreadable directories, loops) are returned
/// as warnings naming the path, and the rest goes on.
pub fn expand(paths: &[PathBuf]) -> (Vec<Input>, Vec<String>) {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    if paths.is_empty() {
        for (name, bytes) in crate::corpus::CORPUS {
            out.push(Input::Bytes {
                name: name.to_string(),
                bytes: bytes.to_vec(),
            });
        }
        return (out, warnings);
    }
    for p in paths {
        if p == Path::new("-") {
            let mut bytes = Vec::new();
            match std::io::stdin().read_to_end(&mut bytes) {
                Ok(_) => out.push(Input::Bytes {
                    name: "-".to_string(),
                    bytes,
                }),
                Err(e) => warnings.push(format!("-: cannot read standard input: {e}")),
            }
        } else if p.is_dir() {
            let mut files: Vec<PathBuf> = Vec::new();
            for entry in walkdir::WalkDir::new(p).follow_links(true) {
                match entry {
                    Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                    Ok(_) => {}
                    Err(e) => warnings.push(format!(
                        "{}: {e}",
                        e.path()
                            .map_or(p.display().to_string(), |x| x.display().to_string())
                    )),
                }
            }
            files.sort();
            out.extend(files.into_iter().map(Input::File));
        } else {
            out.push(Input::File(p.clone()));
        }
    }
    (out, warnings)
}

impl Input {
    /// The input's size in bytes, 0 when unknown.
    pub fn size(&self) -> u64 {
        match self {
            Input::File(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            Input::Bytes { bytes, .. } => bytes.len() as u64,
        }
    }
}

/// Reads an input's bytes, refusing what is not a regular file or over the
/// size limit. Returns its name and bytes.
pub fn read_raw(
    input: &Input,
    opts: &casus_read::ReadOptions,
) -> Result<(String, Vec<u8>), casus_read::ReadError> {
    match input {
        Input::File(p) => {
            let name = p.display().to_string();
            let meta = std::fs::metadata(p).map_err(|e| casus_read::ReadError::Io {
                name: name.clone(),
                source: e,
            })?;
            if !meta.is_file() {
                return Err(casus_read::ReadError::NotAFile { name });
            }
            if meta.len() as usize > opts.max_bytes {
                return Err(casus_read::ReadError::TooLarge {
                    name,
                    size: meta.len() as usize,
                    limit: opts.max_bytes,
                });
            }
            let bytes = std::fs::read(p).map_err(|e| casus_read::ReadError::Io {
                name: name.clone(),
                source: e,
            })?;
            Ok((name, bytes))
        }
        Input::Bytes { name, bytes } => Ok((name.clone(), bytes.clone())),
    }
}

/// Reads an input into a document.
pub fn read(
    input: &Input,
    opts: &casus_read::ReadOptions,
) -> Result<(casus_read::Document, Vec<u8>), casus_read::ReadError> {
    let (name, bytes) = read_raw(input, opts)?;
    let doc = casus_read::read_bytes(&name, &bytes, opts)?;
    Ok((doc, bytes))
}

impl crate::ReadArgs {
    pub fn options(&self) -> casus_read::ReadOptions {
        casus_read::ReadOptions {
            max_bytes: self.max_bytes,
            format: self.input_format,
        }
    }

    /// The pipeline, with the user's entity files when given.
    pub fn pipeline(&self) -> anyhow::Result<casus_pipeline::Pipeline> {
        if self.entities.is_empty() {
            return Ok(casus_pipeline::Pipeline::embedded());
        }
        let g = casus_entities::Gazetteer::with_overrides(&self.entities)?;
        Ok(casus_pipeline::Pipeline::with_gazetteer(g))
    }
}
