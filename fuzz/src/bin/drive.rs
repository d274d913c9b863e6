//! A libFuzzer-free fuzz driver: deterministic (seeded) mutation of a seed
//! corpus, for a fixed time budget, over one target of `casus_fuzz`.
//!
//! ```text
//! drive TARGET SECONDS [SEED] [CORPUS_DIR]...
//! ```
//!
//! Prints `TARGET execs=N crashes=C slowest_ms=S` at the end and writes each
//! crashing input to `artifacts/TARGET/crash-<n>-<seed>` (replay one with
//! `drive TARGET replay FILE`). Exits 1 if anything crashed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens the readers and the tagger care about.
const DICT: &[&[u8]] = &[
    b"<",
    b">",
    b"</",
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"<script>",
    b"</script>",
    b"<style>",
    b"<p>",
    b"</p>",
    b"<h1>",
    b"<h2>",
    b"<li>",
    b"<br/>",
    b"<table><tr><td>",
    b"<a href=\"x\">",
    b"<meta property=\"article:published_time\" content=\"2020-09-27\">",
    b"&amp;",
    b"&#x10FFFF;",
    b"&#0;",
    b"&#55296;",
    b"&nbsp;",
    b"&",
    b";",
    b"---\n",
    b"...\n",
    b"title: ",
    b"date: 2020-10-10\n",
    b"key: [",
    b"{",
    b"}",
    b"*a",
    b"&a ",
    b"!!str ",
    b"# ",
    b"## ",
    b"\n\n",
    b"\r\n",
    b"\n",
    b"- ",
    b"* ",
    b"1. ",
    b"> ",
    b"```",
    b"`",
    b"[",
    b"]",
    b"(",
    b")",
    b"[1]",
    b"[a]",
    b"[citation needed]",
    b"^ a b",
    b"= ",
    b" =",
    b"== ",
    b" ==",
    b"{{cite web",
    b"}}",
    b"|",
    b"||",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\x94",
    b"\xf0\x9f\x92\xa3",
    b"\0",
    b"\t",
    b" ",
    b"27 September 2020",
    b"Sept. 27",
    b"1990s",
    b"the 1990s",
    b"1988\xe2\x80\x931994",
    b"May 1994",
    b"12 May",
    b"Tuesday",
    b"last week",
    b"two days later",
    b"3 p.m.",
    b"08:30",
    b"since 1991",
    b"2020-09-27",
    b"early 1992",
    b"mid-",
    b"Dec.",
    b"U.S.",
    b"Gen. ",
    b"Azerbaijan",
    b"Armenia",
    b"Stepanakert",
    b"Shusha",
    b"shelled",
    b"killed",
    b"ceasefire",
    b"said that",
    b"claimed",
    b"according to",
    b" 12 soldiers",
    b"1,000",
];

fn mutate(rng: &mut Rng, corpus: &[Vec<u8>], input: &mut Vec<u8>, max_len: usize) {
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        match rng.below(12) {
            0 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] ^= 1 << rng.below(8);
            }
            1 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] = rng.next() as u8;
            }
            2 if !input.is_empty() => {
                let a = rng.below(input.len());
                let n = rng.below((input.len() - a).min(64) + 1);
                input.drain(a..a + n);
            }
            3 | 4 | 5 => {
                let t = DICT[rng.below(DICT.len())];
                let at = rng.below(input.len() + 1);
                input.splice(at..at, t.iter().copied());
            }
            6 if !input.is_empty() => {
                // Duplicate a chunk (nesting, long runs).
                let a = rng.below(input.len());
                let n = rng.below((input.len() - a).min(256) + 1);
                let chunk: Vec<u8> = input[a..a + n].to_vec();
                let times = 1 + rng.below(16);
                let at = rng.below(input.len() + 1);
                for _ in 0..times {
                    input.splice(at..at, chunk.iter().copied());
                }
            }
            7 => {
                // Splice in a window of another corpus entry.
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let n = rng.below((other.len() - a).min(2048) + 1);
                    let at = rng.below(input.len() + 1);
                    input.splice(at..at, other[a..a + n].iter().copied());
                }
            }
            8 if !input.is_empty() => {
                let n = rng.below(input.len() + 1);
                input.truncate(n);
            }
            9 => {
                let b = rng.next() as u8;
                let n = 1 + rng.below(32);
                let at = rng.below(input.len() + 1);
                input.splice(at..at, std::iter::repeat(b).take(n));
            }
            10 if input.len() > 1 => {
                let a = rng.below(input.len());
                let b = rng.below(input.len());
                input.swap(a, b);
            }
            _ => {
                let t = DICT[rng.below(DICT.len())];
                let at = rng.below(input.len() + 1);
                input.splice(at..at, t.iter().copied());
            }
        }
    }
    if input.len() > max_len {
        let a = rng.below(input.len() - max_len + 1);
        input.drain(..a);
        input.truncate(max_len);
    }
}

fn load_corpus(dirs: &[PathBuf]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(d) else {
            eprintln!("drive: cannot read corpus directory {}", d.display());
            continue;
        };
        let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_file() {
                if let Ok(b) = std::fs::read(&p) {
                    out.push(b);
                }
            }
        }
    }
    if out.is_empty() {
        out.push(b"Fighting resumed on 27 September 2020.".to_vec());
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!(
            "usage: drive TARGET SECONDS [SEED] [CORPUS_DIR]...  |  drive TARGET replay FILE"
        );
        std::process::exit(2);
    }
    let target = args[1].as_str();
    if !casus_fuzz::TARGETS.contains(&target) {
        eprintln!(
            "drive: unknown target {target}; one of {:?}",
            casus_fuzz::TARGETS
        );
        std::process::exit(2);
    }
    if args[2] == "replay" {
        let bytes = std::fs::read(&args[3]).expect("read the input to replay");
        casus_fuzz::run(target, &bytes);
        println!("{target}: {} ok", args[3]);
        return;
    }
    let secs: f64 = args[2].parse().expect("SECONDS");
    let seed: u64 = args.get(3).map_or(1, |s| s.parse().expect("SEED")).max(1);
    let dirs: Vec<PathBuf> = args.iter().skip(4).map(PathBuf::from).collect();
    let mut corpus = load_corpus(&dirs);
    let max_len = match target {
        "extract" | "time" => 8 * 1024,
        _ => 64 * 1024,
    };
    // Whole seeds first (the real documents must pass), then mutants.
    let budget = Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let artifacts = Path::new("artifacts").join(target);
    let quiet_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let (mut execs, mut crashes, mut slowest) = (0u64, 0u64, Duration::ZERO);
    let seeds = corpus.len();
    let mut i = 0usize;
    while start.elapsed() < budget {
        let input = if i < seeds {
            corpus[i].clone()
        } else {
            let mut x = corpus[rng.below(corpus.len())].clone();
            if x.len() > max_len {
                let a = rng.below(x.len() - max_len + 1);
                x = x[a..a + max_len].to_vec();
            }
            mutate(&mut rng, &corpus, &mut x, max_len);
            x
        };
        i += 1;
        let t = Instant::now();
        let r = catch_unwind(AssertUnwindSafe(|| casus_fuzz::run(target, &input)));
        let took = t.elapsed();
        slowest = slowest.max(took);
        execs += 1;
        match r {
            Ok(_) => {
                // Keep a few interesting mutants so mutations compound.
                if i > seeds && corpus.len() < 4096 && rng.below(64) == 0 {
                    corpus.push(input);
                }
            }
            Err(e) => {
                crashes += 1;
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".into());
                let _ = std::fs::create_dir_all(&artifacts);
                let path = artifacts.join(format!("crash-{crashes}-{seed}"));
                let _ = std::fs::write(&path, &input);
                eprintln!(
                    "drive: {target}: CRASH #{crashes} ({} bytes) saved to {}: {msg}",
                    input.len(),
                    path.display()
                );
                if crashes >= 20 {
                    break;
                }
            }
        }
    }
    std::panic::set_hook(quiet_hook);
    println!(
        "{target} execs={execs} crashes={crashes} slowest_ms={} seconds={:.0} seed={seed}",
        slowest.as_millis(),
        start.elapsed().as_secs_f64()
    );
    if crashes > 0 {
        std::process::exit(1);
    }
}
