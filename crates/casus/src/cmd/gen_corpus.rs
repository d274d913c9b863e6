//! `casus gen-corpus`: a deterministic, realistic scale corpus for
//! benchmarks. Documents recombine paragraphs of the embedded corpus with
//! other places, states, dates and numbers from the knowledge base, in every
//! input format, with a controlled share of mirrors (same text, other
//! chrome) and revisions (a few sentences changed), so that cleaning,
//! extraction and deduplication all do real work.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use casus_entities::Gazetteer;

/// A small deterministic generator (splitmix64): the corpus depends only on
/// the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// Parses `1GB`, `100MB`, `512KB` or a number of bytes.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_uppercase();
    let (num, mult) = if let Some(n) = t.strip_suffix("GB") {
        (n, 1u64 << 30)
    } else if let Some(n) = t.strip_suffix("MB") {
        (n, 1 << 20)
    } else if let Some(n) = t.strip_suffix("KB") {
        (n, 1 << 10)
    } else {
        (t.strip_suffix('B').unwrap_or(&t), 1)
    };
    let n: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("not a size: {s:?} (try 100MB or 1GB)"))?;
    if n <= 0.0 {
        return Err(format!("size must be positive: {s:?}"));
    }
    Ok((n * mult as f64) as u64)
}

struct Pools {
    paragraphs: Vec<String>,
    places: Vec<String>,
    states: Vec<String>,
}

fn pools(gazetteer: &Gazetteer) -> Pools {
    let opts = casus_read::ReadOptions::default();
    let mut paragraphs = Vec::new();
    for (name, bytes) in crate::corpus::CORPUS {
        let Ok(doc) = casus_read::read_bytes(name, bytes, &opts) else {
            continue;
        };
        for p in doc.clean.split('\n') {
            let p = p.trim();
            if p.len() > 120 && p.contains(". ") {
                paragraphs.push(p.to_string());
            }
        }
    }
    let places = gazetteer.places().map(|p| p.name.to_string()).collect();
    let states = gazetteer
        .actors()
        .filter(|a| a.kind == "state")
        .map(|a| a.name.to_string())
        .collect();
    Pools {
        paragraphs,
        places,
        states,
    }
}

/// Rewrites a paragraph with other places, states, years and numbers.
fn vary(p: &str, rng: &mut Rng, pools: &Pools, gazetteer: &Gazetteer) -> String {
    let mentions = gazetteer.recognise(p, &|_| None);
    let mut out = String::with_capacity(p.len() + 32);
    let mut pos = 0;
    for m in &mentions {
        if m.start < pos {
            continue;
        }
        out.push_str(&p[pos..m.start]);
        let swap = match m.entity.kind.as_str() {
            "place" if !pools.places.is_empty() && rng.chance(0.7) => {
                Some(rng.pick(&pools.places).clone())
            }
            "state" if m.text == m.entity.name && !pools.states.is_empty() && rng.chance(0.5) => {
                Some(rng.pick(&pools.states).clone())
            }
            _ => None,
        };
        out.push_str(swap.as_deref().unwrap_or(&m.text));
        pos = m.end;
    }
    out.push_str(&p[pos..]);
    vary_numbers(&out, rng)
}

/// Replaces years with other years of the conflict and scales other numbers.
fn vary_numbers(p: &str, rng: &mut Rng) -> String {
    let b = p.as_bytes();
    let mut out = String::with_capacity(p.len());
    let mut i = 0;
    let mut run = 0;
    while i < b.len() {
        if b[i].is_ascii_digit()
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-'))
        {
            let mut j = i;
            while j < b.len()
                && (b[j].is_ascii_digit()
                    || (b[j] == b',' && j + 1 < b.len() && b[j + 1].is_ascii_digit()))
            {
                j += 1;
            }
            if j < b.len() && b[j].is_ascii_alphabetic() {
                i = j;
                continue;
            }
            let digits: String = p[i..j].chars().filter(char::is_ascii_digit).collect();
            let n: u64 = digits.parse().unwrap_or(0);
            out.push_str(&p[run..i]);
            if (1900..=2030).contains(&n) && digits.len() == 4 {
                out.push_str(&(1988 + rng.below(36)).to_string());
            } else if (1..=31).contains(&n) {
                out.push_str(&(1 + rng.below(28)).to_string());
            } else {
                let scaled = (n as f64 * (0.5 + rng.below(1000) as f64 / 1000.0)) as u64;
                out.push_str(&scaled.to_string());
            }
            run = j;
            i = j;
        } else {
            i += 1;
        }
    }
    out.push_str(&p[run..]);
    out
}

const FORMATS: &[&str] = &["txt", "webtext", "wiki", "oneline", "md", "html"];

/// Renders a document's paragraphs in one of the input formats.
fn render(
    format: &str,
    title: &str,
    paras: &[String],
    rng: &mut Rng,
    chrome: bool,
) -> (String, &'static str) {
    let mut s = String::new();
    if chrome {
        s.push_str(&format!("{title}\nGet {title} essential facts below. View Videos or join the {title} discussion. Add {title} to your PopFlock.com topic list for future reference or share this resource on social media.\n\n"));
    }
    match format {
        "wiki" => {
            s.push_str(&format!("= {title} =\n\n"));
            for (k, p) in paras.iter().enumerate() {
                if k % 4 == 0 {
                    s.push_str(&format!("== Part {} ==\n", k / 4 + 1));
                }
                s.push_str(p);
                s.push_str("\n\n");
            }
            s.push_str("== See also ==\n- List of conflicts\n");
            (s, "txt")
        }
        "webtext" => {
            let mut n = 1;
            for p in paras {
                for sent in p.split_inclusive(". ") {
                    s.push_str(sent.trim_end());
                    if rng.chance(0.4) {
                        s.push_str(&format!("[{n}]"));
                        n += 1;
                    }
                    s.push(' ');
                }
                s.push('\n');
            }
            for k in 1..n {
                s.push_str(&format!(
                    "  {k}. ^ \"Report {k}\". News Agency. {} October 2020. Retrieved 2020.\n",
                    1 + k % 28
                ));
            }
            (s, "txt")
        }
        "oneline" => {
            for p in paras {
                s.push_str(p);
                s.push(' ');
            }
            for k in 0..paras.len() {
                s.push_str(&format!(
                    "Author{k}, Name ({}). \"Title {k}\". Publisher. Retrieved 4 March 2021. ",
                    1990 + k % 30
                ));
            }
            (s.replace('\n', " "), "txt")
        }
        "md" => {
            let md = format!(
                "---\ntitle: \"{title}\"\ndate: 2020-{:02}-{:02}\n---\n# {title}\n\n",
                1 + rng.below(12),
                1 + rng.below(28)
            );
            let mut out = md;
            for (k, p) in paras.iter().enumerate() {
                if k % 4 == 0 {
                    out.push_str(&format!("## Part {}\n\n", k / 4 + 1));
                }
                out.push_str(p);
                out.push_str("\n\n");
            }
            (out, "md")
        }
        "html" => {
            let esc = |t: &str| {
                t.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            };
            let mut out = format!("<!DOCTYPE html><html lang=\"en\"><head><title>{}</title><script>var x = 1;</script></head><body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><main><h1>{}</h1>\n", esc(title), esc(title));
            for p in paras {
                out.push_str(&format!("<p>{}</p>\n", esc(p)));
            }
            out.push_str("</main><footer>© News site</footer></body></html>\n");
            (out, "html")
        }
        _ => {
            for p in paras {
                s.push_str(p);
                s.push_str("\n\n");
            }
            (s, "txt")
        }
    }
}

pub fn run(
    size: u64,
    out_dir: &Path,
    seed: u64,
    mirrors: f64,
    revisions: f64,
) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&mirrors) || !(0.0..=1.0).contains(&revisions) {
        bail!("--mirrors and --revisions are shares between 0 and 1");
    }
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("{}: cannot create", out_dir.display()))?;
    let gazetteer = Gazetteer::embedded();
    let pools = pools(&gazetteer);
    if pools.paragraphs.is_empty() {
        bail!("the embedded corpus has no paragraphs to recombine");
    }
    let mut rng = Rng(seed);
    // Recent documents, for mirrors and revisions.
    let mut recent: std::collections::VecDeque<(String, Vec<String>)> = Default::default();
    let (mut written, mut docs, mut n_mirrors, mut n_revisions) = (0u64, 0usize, 0usize, 0usize);
    while written < size {
        let (title, paras, chrome) = if !recent.is_empty() && rng.chance(mirrors) {
            n_mirrors += 1;
            let (t, p) = recent[rng.below(recent.len())].clone();
            (t, p, true)
        } else if !recent.is_empty() && rng.chance(revisions) {
            n_revisions += 1;
            let (t, mut p) = recent[rng.below(recent.len())].clone();
            let k = rng.below(p.len());
            p[k] = vary_numbers(&p[k], &mut rng);
            if p.len() > 2 && rng.chance(0.5) {
                p.remove(rng.below(p.len()));
            }
            (t, p, false)
        } else {
            let n = 3 + rng.below(20);
            let paras: Vec<String> = (0..n)
                .map(|_| {
                    let k = rng.below(pools.paragraphs.len());
                    vary(&pools.paragraphs[k], &mut rng, &pools, &gazetteer)
                })
                .collect();
            let title = format!("Report {docs} on {}", rng.pick(&pools.places));
            (title, paras, false)
        };
        let format = FORMATS[rng.below(FORMATS.len())];
        let (text, ext) = render(format, &title, &paras, &mut rng, chrome);
        let dir = out_dir.join(format!("{:04}", docs / 1000));
        if docs % 1000 == 0 {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("{}: cannot create", dir.display()))?;
        }
        let path = dir.join(format!("doc{docs:07}.{ext}"));
        let mut f = std::fs::File::create(&path)
            .with_context(|| format!("{}: cannot create", path.display()))?;
        f.write_all(text.as_bytes())
            .with_context(|| format!("{}: cannot write", path.display()))?;
        written += text.len() as u64;
        docs += 1;
        recent.push_back((title, paras));
        if recent.len() > 64 {
            recent.pop_front();
        }
    }
    eprintln!(
        "casus: wrote {docs} documents ({:.1} MB; {n_mirrors} mirrors, {n_revisions} revisions) to {}",
        written as f64 / 1e6,
        out_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1GB"), Ok(1 << 30));
        assert_eq!(parse_size("100mb"), Ok(100 << 20));
        assert_eq!(parse_size("512"), Ok(512));
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn numbers_vary_but_words_stay() {
        let mut rng = Rng(7);
        let v = vary_numbers(
            "On 2 October 2020, 2,840 servicemen and T-72 tanks left.",
            &mut rng,
        );
        assert!(v.contains("servicemen and T-72 tanks left"), "{v}");
        assert_ne!(
            v,
            "On 2 October 2020, 2,840 servicemen and T-72 tanks left."
        );
        let mut again = Rng(7);
        assert_eq!(
            v,
            vary_numbers(
                "On 2 October 2020, 2,840 servicemen and T-72 tanks left.",
                &mut again
            ),
            "deterministic"
        );
    }
}
