//! Every input the fuzzers ever crashed on (`fuzz/regressions/TARGET/`),
//! replayed through every reader and the whole pipeline: no panic, every
//! span in bounds. Add a file there for each new finding.

use std::path::PathBuf;

use casus_pipeline::{records, Pipeline};
use casus_read::{read_bytes, Format, ReadOptions};

/// The fuzz targets' input layout: the first byte picks the file name
/// (and for `detect_clean` the forced format), the rest is the file.
const NAMES: [&str; 8] = [
    "x",
    "a.txt",
    "b.html",
    "c.md",
    "d.htm",
    "e.markdown",
    "f.wiki",
    "g",
];

#[test]
fn fuzz_findings_stay_fixed() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let pipeline = Pipeline::embedded();
    let mut n = 0;
    for target in std::fs::read_dir(&dir).unwrap() {
        let target = target.unwrap().path();
        for f in std::fs::read_dir(&target).unwrap() {
            let f = f.unwrap().path();
            let data = std::fs::read(&f).unwrap();
            let Some((&sel, body)) = data.split_first() else {
                continue;
            };
            let (name, body) = match target.file_name().unwrap().to_str().unwrap() {
                "extract" | "detect_clean" => (NAMES[(sel & 7) as usize], body),
                "html" => ("page.html", &data[..]),
                "markdown" => ("note.md", &data[..]),
                _ => ("x.txt", &data[..]),
            };
            let formats = std::iter::once(None).chain(Format::ALL.into_iter().map(Some));
            for format in formats {
                let opts = ReadOptions {
                    format,
                    ..Default::default()
                };
                let Ok(doc) = read_bytes(name, body, &opts) else {
                    continue;
                };
                let what = format!("{} as {format:?}", f.display());
                assert!(doc.map.check(doc.clean.len(), body.len()).is_ok(), "{what}");
                for c in &doc.citations {
                    assert!(
                        c.clean_at <= doc.clean.len(),
                        "{what}: citation past the end"
                    );
                }
                for s in &doc.sections {
                    assert!(
                        s.clean.end <= doc.clean.len(),
                        "{what}: section past the end"
                    );
                }
                let p = pipeline.process(doc);
                for r in records::records(&p)
                    .iter()
                    .filter(|r| r["kind"] != "document")
                {
                    let b = r["span"][1].as_u64().unwrap() as usize;
                    assert!(b <= body.len(), "{what}: span past the end");
                }
            }
            n += 1;
        }
    }
    assert!(n >= 3, "regression inputs missing from {}", dir.display());
}
