//! Embeds the default corpus (`data/corpus/*`) into the binary.
use std::{env, fs, path::PathBuf};

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../data/corpus");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("/// The embedded default corpus: (file name, bytes).\npub static CORPUS: &[(&str, &[u8])] = &[\n");
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let abs = fs::canonicalize(&f).unwrap();
        out.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            abs.display().to_string()
        ));
    }
    out.push_str("];\n");
    fs::write(
        PathBuf::from(env::var("OUT_DIR").unwrap()).join("corpus.rs"),
        out,
    )
    .unwrap();
}
