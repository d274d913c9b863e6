//! Prints the mentions of each file given on the command line (or of the
//! text given with `-e TEXT`), one per line: span, text, id, type, sector,
//! person, metonym. An optional `--date YYYY[-MM[-DD]]` sets the date in force.

use casus_entities::Gazetteer;

fn main() {
    let g = Gazetteer::embedded();
    let mut args = std::env::args().skip(1);
    let mut date: Option<String> = None;
    let mut texts: Vec<(String, String)> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--date" => date = args.next(),
            "-e" => {
                if let Some(t) = args.next() {
                    texts.push(("-e".into(), t));
                }
            }
            path => match std::fs::read_to_string(path) {
                Ok(t) => texts.push((path.to_string(), t)),
                Err(e) => eprintln!("{path}: {e}"),
            },
        }
    }
    for (name, text) in &texts {
        let d = date.clone();
        for m in g.recognise(text, &move |_| d.clone()) {
            println!(
                "{name}\t{}..{}\t{}\t{}\t{}\t{}\t{}\t{}",
                m.start,
                m.end,
                m.text.replace('\n', " "),
                m.entity.id,
                m.entity.kind,
                m.entity.sector.as_deref().unwrap_or("-"),
                m.person.as_ref().map(|p| p.id.as_str()).unwrap_or("-"),
                m.metonym_of.as_deref().unwrap_or("-"),
            );
        }
    }
}
