//! Near-duplicate detection: the same sentence reaching casus through a
//! mirror, an older revision or a reprint is one statement with several
//! sources.
//!
//! A sentence's [`Fingerprint`] is the set of hashed word 3-shingles of its
//! normalised text (lower case, letters and digits only, citation markers
//! already gone) plus a MinHash signature for candidate lookup: 32 hashes
//! in 8 bands of 4, so pairs with Jaccard similarity 0.8 collide in some
//! band with probability above 0.99, pairs at 0.3 rarely. Candidates are
//! then checked with the exact Jaccard similarity of the shingle sets.
//!
//! ```
//! use casus_pipeline::sources::{Fingerprint, NearDuplicates};
//! let a = Fingerprint::of("On 2 October 2020, the OSCE Minsk Group condemned the fighting.");
//! let b = Fingerprint::of("On 2 October 2020, the OSCE Minsk Group condemned the fighting. [1]");
//! let c = Fingerprint::of("Azerbaijan announced the capture of Shusha.");
//! assert!(a.similarity(&b) > 0.9 && a.similarity(&c) < 0.1);
//! let mut idx = NearDuplicates::new(0.7);
//! assert_eq!(idx.insert(a), 0);
//! assert_eq!(idx.insert(c), 1);
//! assert_eq!(idx.find(&b), Some(0));
//! ```

use std::collections::HashMap;

const HASHES: usize = 32;
const BAND: usize = 4;
/// Default similarity above which two sentences are one statement.
pub const SAME_STATEMENT: f64 = 0.7;

/// The shingles and MinHash signature of one sentence.
#[derive(Clone, Debug)]
pub struct Fingerprint {
    shingles: Vec<u64>,
    signature: [u64; HASHES],
    sketch: Sketch,
}

/// A shingle set in 32 bytes: its size, and which of 192 bits its
/// shingles set (several may share one). Two sketches bound how many
/// shingles their sets can have in common, so a candidate that cannot
/// reach a similarity is ruled out without reading its set
/// ([`Fingerprint::may_reach`]).
///
/// ```
/// use casus_pipeline::sources::Fingerprint;
/// let a = Fingerprint::of("Armenian forces shelled Tartar on 4 October 2020.");
/// let b = Fingerprint::of("Azerbaijani forces shelled Stepanakert on 9 October 2020.");
/// let common = a.shingles().iter().filter(|s| b.shingles().contains(s)).count();
/// assert!(a.sketch().common_at_most(&b.sketch()) >= common);
/// assert!(!a.may_reach(&b.sketch(), 0.7));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
// One cache line holds two, and none straddles two lines: a writer reads
// the sketches of a fact's candidates from a large array, one miss each.
#[repr(C, align(32))]
pub struct Sketch {
    bits: [u64; SKETCH_WORDS],
    len: u32,
}

const SKETCH_WORDS: usize = 3;

impl Sketch {
    /// The sketch of a sorted shingle set without repeats.
    pub fn of(shingles: &[u64]) -> Sketch {
        let mut bits = [0u64; SKETCH_WORDS];
        for &s in shingles {
            // Shingles are mixed hashes: their top bits are uniform, and
            // so is their product with the bit count, shifted down.
            let bit = (((s >> 32) * (64 * SKETCH_WORDS as u64)) >> 32) as usize;
            bits[bit >> 6] |= 1 << (bit & 63);
        }
        Sketch {
            bits,
            len: u32::try_from(shingles.len()).unwrap_or(u32::MAX),
        }
    }

    /// The size of the set.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The most shingles the two sets can share. A bit that only one
    /// sketch has stands for at least one shingle only its set has.
    pub fn common_at_most(&self, other: &Sketch) -> usize {
        let (mut only_self, mut only_other) = (0usize, 0usize);
        for (a, b) in self.bits.iter().zip(&other.bits) {
            only_self += (a & !b).count_ones() as usize;
            only_other += (b & !a).count_ones() as usize;
        }
        // A saturated length (over 2^32 shingles) only loosens the bound.
        (self.len().saturating_sub(only_self)).min(other.len().saturating_sub(only_other))
    }
}

/// The Jaccard similarity of two sets of `total` members in all that
/// share `common`: the one division every comparison uses, so a bound
/// and an exact count are compared on the same terms.
fn jaccard(common: usize, total: usize) -> f64 {
    let union = total - common;
    if union == 0 {
        1.0
    } else {
        common as f64 / union as f64
    }
}

#[inline(always)]
fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser: cheap, well distributed.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d049bb133111eb);
    x ^ (x >> 31)
}

/// The MinHash signature of a shingle set: for each of the [`HASHES`]
/// hash functions, the least hash of a shingle. Most of a fingerprint's
/// cost; on a CPU with 512-bit vectors (or 256-bit ones) the same integer
/// arithmetic runs eight (four) hash functions at once, chosen at run
/// time, with the same result.
fn signature(shingles: &[u64]) -> [u64; HASHES] {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512dq")
        {
            // SAFETY: the CPU has the features the function is compiled for.
            return unsafe { signature_avx512(shingles) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: as above.
            return unsafe { signature_avx2(shingles) };
        }
    }
    signature_with(shingles)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn signature_avx512(shingles: &[u64]) -> [u64; HASHES] {
    signature_with(shingles)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn signature_avx2(shingles: &[u64]) -> [u64; HASHES] {
    signature_with(shingles)
}

/// [`signature`] in plain code, inlined into each compiled variant.
#[inline(always)]
fn signature_with(shingles: &[u64]) -> [u64; HASHES] {
    let mut signature = [u64::MAX; HASHES];
    for &s in shingles {
        for (i, slot) in signature.iter_mut().enumerate() {
            let h = mix(s ^ (i as u64).wrapping_mul(0x9e3779b97f4a7c15));
            *slot = (*slot).min(h);
        }
    }
    signature
}

const FNV_OFFSET: u64 = 0xcbf29ce484222325;
const FNV_PRIME: u64 = 0x100000001b3;

impl Fingerprint {
    /// The fingerprint of `text`.
    pub fn of(text: &str) -> Fingerprint {
        // Words are hashed as they are read (FNV-1a over lower-cased
        // characters): no allocation per word.
        let mut words: Vec<u64> = Vec::with_capacity(text.len() / 5);
        let mut h: u64 = FNV_OFFSET;
        let mut in_word = false;
        let mut in_marker = false;
        for c in text.chars() {
            match c {
                '[' => in_marker = true,
                ']' => {
                    in_marker = false;
                    in_word = false;
                    h = FNV_OFFSET;
                    continue;
                }
                _ => {}
            }
            if c.is_ascii_alphanumeric() && !in_marker {
                // Most text is ASCII: its lower case is one byte.
                h ^= c.to_ascii_lowercase() as u64;
                h = h.wrapping_mul(FNV_PRIME);
                in_word = true;
            } else if !c.is_ascii() && c.is_alphanumeric() && !in_marker {
                for l in c.to_lowercase() {
                    let mut buf = [0u8; 4];
                    for &b in l.encode_utf8(&mut buf).as_bytes() {
                        h ^= b as u64;
                        h = h.wrapping_mul(FNV_PRIME);
                    }
                }
                in_word = true;
            } else if in_word {
                words.push(h);
                h = FNV_OFFSET;
                in_word = false;
            }
        }
        if in_word && !in_marker {
            words.push(h);
        }
        let mut shingles: Vec<u64> = if words.len() < 3 {
            vec![words.iter().fold(0x9e3779b97f4a7c15u64, |h, w| mix(h ^ w))]
        } else {
            words
                .windows(3)
                .map(|w| mix(w[0] ^ mix(w[1] ^ mix(w[2]))))
                .collect()
        };
        shingles.sort_unstable();
        shingles.dedup();
        Fingerprint::from_shingles(shingles)
    }

    /// The fingerprint of a shingle set, sorted and without repeats (as
    /// [`Fingerprint::shingles`] and [`Fingerprint::decode`] give).
    pub fn from_shingles(shingles: Vec<u64>) -> Fingerprint {
        Fingerprint {
            signature: signature(&shingles),
            sketch: Sketch::of(&shingles),
            shingles,
        }
    }

    /// The sketch of the shingle set.
    pub fn sketch(&self) -> Sketch {
        self.sketch
    }

    /// Whether the similarity to the set `other` sketches can be
    /// `threshold` or more; false only when it cannot (then
    /// [`Fingerprint::similarity_at_least`] would say `None`).
    pub fn may_reach(&self, other: &Sketch, threshold: f64) -> bool {
        let common = self.sketch.common_at_most(other);
        jaccard(common, self.shingles.len() + other.len()) >= threshold
    }

    /// The shingle set as bytes, for storage ([`Fingerprint::from_bytes`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.shingles.iter().flat_map(|s| s.to_le_bytes()).collect()
    }

    /// A fingerprint from [`Fingerprint::to_bytes`]; trailing bytes that
    /// do not make a whole shingle are ignored.
    pub fn from_bytes(bytes: &[u8]) -> Fingerprint {
        Fingerprint::from_shingles(Fingerprint::decode(bytes))
    }

    /// The shingle set, sorted and without repeats.
    pub fn shingles(&self) -> &[u64] {
        &self.shingles
    }

    /// A shingle set stored by [`Fingerprint::to_bytes`], decoded;
    /// trailing bytes that do not make a whole shingle are ignored.
    pub fn decode(bytes: &[u8]) -> Vec<u64> {
        let mut shingles: Vec<u64> = bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("chunks of 8")))
            .collect();
        shingles.sort_unstable();
        shingles.dedup();
        shingles
    }

    /// Exact Jaccard similarity of the shingle sets.
    pub fn similarity(&self, other: &Fingerprint) -> f64 {
        self.similarity_to_set(&other.shingles)
    }

    /// Exact Jaccard similarity with a sorted shingle set without repeats
    /// (as [`Fingerprint::shingles`] and [`Fingerprint::decode`] give).
    pub fn similarity_to_set(&self, other: &[u64]) -> f64 {
        // Every similarity is at least 0: the comparison runs to the end.
        self.similarity_at_least(other, 0.0).unwrap_or(0.0)
    }

    /// [`Fingerprint::similarity_to_set`] if it is at least `threshold`,
    /// else `None`: the comparison stops as soon as the shingles left
    /// cannot lift it to the threshold (most candidates of a templated
    /// sentence fall short), with exactly the outcome of the full one.
    pub fn similarity_at_least(&self, other: &[u64], threshold: f64) -> Option<f64> {
        let (a, b) = (&self.shingles[..], other);
        let total = a.len() + b.len();
        let jaccard = |common: usize| jaccard(common, total);
        // The fewest shared shingles that reach the threshold (the ratio
        // grows with them): estimated, then settled on the same division.
        let mut need = ((threshold * total as f64) / (1.0 + threshold))
            .floor()
            .max(0.0) as usize;
        need = need.min(total / 2 + 1);
        while need > 0 && jaccard(need - 1) >= threshold {
            need -= 1;
        }
        while need <= total / 2 && jaccard(need) < threshold {
            need += 1;
        }
        let (mut i, mut j, mut common) = (0, 0, 0usize);
        while i < a.len() && j < b.len() {
            if common + (a.len() - i).min(b.len() - j) < need {
                return None;
            }
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let sim = jaccard(common);
        (sim >= threshold).then_some(sim)
    }

    /// The band keys used for candidate lookup (band index mixed in).
    pub fn bands(&self) -> impl Iterator<Item = u64> + '_ {
        self.signature
            .chunks(BAND)
            .enumerate()
            .map(|(i, c)| c.iter().fold(mix(i as u64 + 1), |h, x| mix(h ^ x)))
    }
}

/// An index of fingerprints that finds a near duplicate of a new one.
#[derive(Debug)]
pub struct NearDuplicates {
    threshold: f64,
    items: Vec<Fingerprint>,
    bands: HashMap<u64, Vec<usize>>,
}

impl NearDuplicates {
    pub fn new(threshold: f64) -> NearDuplicates {
        NearDuplicates {
            threshold,
            items: Vec::new(),
            bands: HashMap::new(),
        }
    }

    /// The most similar stored fingerprint at or above the threshold.
    pub fn find(&self, fp: &Fingerprint) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for key in fp.bands() {
            for &i in self.bands.get(&key).map(Vec::as_slice).unwrap_or(&[]) {
                let s = self.items[i].similarity(fp);
                if s >= self.threshold && best.is_none_or(|(_, b)| s > b) {
                    best = Some((i, s));
                }
            }
        }
        best.map(|(i, _)| i)
    }

    /// Stores `fp` and returns its index.
    pub fn insert(&mut self, fp: Fingerprint) -> usize {
        let id = self.items.len();
        for key in fp.bands() {
            let v = self.bands.entry(key).or_default();
            if v.last() != Some(&id) {
                v.push(id);
            }
        }
        self.items.push(fp);
        id
    }

    /// The index of a near duplicate of `fp`, inserting it if there is none.
    pub fn find_or_insert(&mut self, fp: Fingerprint) -> usize {
        match self.find(&fp) {
            Some(i) => i,
            None => self.insert(fp),
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thresholded_similarity_is_the_full_one() {
        let mut x = 7u64;
        let mut set = |n: usize, shared: &[u64]| {
            let mut v: Vec<u64> = shared.to_vec();
            v.extend((0..n).map(|_| {
                x = mix(x.wrapping_add(1));
                x
            }));
            v.sort_unstable();
            v.dedup();
            v
        };
        for common in [0usize, 1, 5, 20, 40] {
            let shared: Vec<u64> = (0..common as u64).map(|k| k * 1_000_003).collect();
            for (na, nb) in [(0, 0), (3, 0), (10, 10), (2, 30), (25, 5)] {
                let a = Fingerprint::from_shingles(set(na, &shared));
                let b = set(nb, &shared);
                // The reference: set arithmetic, not the merge walk.
                let (sa, sb): (
                    std::collections::BTreeSet<u64>,
                    std::collections::BTreeSet<u64>,
                ) = (
                    a.shingles().iter().copied().collect(),
                    b.iter().copied().collect(),
                );
                let union = sa.union(&sb).count();
                let full = if union == 0 {
                    1.0
                } else {
                    sa.intersection(&sb).count() as f64 / union as f64
                };
                assert_eq!(a.similarity_to_set(&b), full);
                let in_both = sa.intersection(&sb).count();
                assert!(a.sketch().common_at_most(&Sketch::of(&b)) >= in_both);
                for t in [0.0, 0.3, 0.5, 0.7, 0.71, 0.9, 1.0] {
                    let got = a.similarity_at_least(&b, t);
                    assert_eq!(got, (full >= t).then_some(full), "{common} {na} {nb} {t}");
                    if !a.may_reach(&Sketch::of(&b), t) {
                        assert!(full < t, "ruled out at {full}: {common} {na} {nb} {t}");
                    }
                }
            }
        }
    }

    #[test]
    fn sketches_rule_out_templated_sentences_and_keep_revisions() {
        // Sentences of one template: the same frame, other names and dates.
        let places = [
            "Tartar",
            "Stepanakert",
            "Ganja",
            "Martuni",
            "Hadrut",
            "Fuzuli",
        ];
        let sentences: Vec<String> = places
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "According to the ministry, the forces shelled {p} and nearby villages on {} October 2020, killing {} civilians.",
                    i + 3,
                    i * 2 + 1
                )
            })
            .collect();
        let fps: Vec<Fingerprint> = sentences.iter().map(|s| Fingerprint::of(s)).collect();
        let (mut below, mut ruled_out) = (0, 0);
        for a in &fps {
            for b in &fps {
                let sim = a.similarity(b);
                let may = a.may_reach(&b.sketch(), SAME_STATEMENT);
                assert!(may || sim < SAME_STATEMENT);
                if sim < SAME_STATEMENT {
                    below += 1;
                    ruled_out += usize::from(!may);
                }
            }
        }
        assert!(
            below > 0 && ruled_out * 10 >= below * 9,
            "{ruled_out} of {below}"
        );
        // A revision (one word changed) stays a candidate.
        let revised = Fingerprint::of(&sentences[0].replace("nearby", "several nearby"));
        assert!(revised.similarity(&fps[0]) >= SAME_STATEMENT);
        assert!(revised.may_reach(&fps[0].sketch(), SAME_STATEMENT));
    }

    #[test]
    fn the_vector_signature_is_the_plain_one() {
        let mut x = 0x1234_5678_9abc_def0u64;
        for n in [0, 1, 3, 40, 257] {
            let shingles: Vec<u64> = (0..n)
                .map(|_| {
                    x = mix(x.wrapping_add(0x9e3779b97f4a7c15));
                    x
                })
                .collect();
            assert_eq!(
                signature(&shingles),
                signature_with(&shingles),
                "{n} shingles"
            );
        }
    }

    #[test]
    fn revisions_are_near_duplicates() {
        let a = Fingerprint::of("The group called for an immediate ceasefire, and \"substantive negotiations, in good faith and without preconditions\".");
        let b = Fingerprint::of("The group called for an immediate ceasefire, and \"substantive negotiations, in good faith and without preconditions\". [1]");
        let c =
            Fingerprint::of("The group called for an immediate ceasefire and talks in good faith.");
        assert!(a.similarity(&b) > 0.95);
        assert!(a.similarity(&c) < 0.7);
    }

    #[test]
    fn bytes_round_trip() {
        let a = Fingerprint::of("The ceasefire was breached on 26 November in the village of Sor.");
        let b = Fingerprint::from_bytes(&a.to_bytes());
        assert_eq!(a.similarity(&b), 1.0);
        let c = Fingerprint::of("The ceasefire was breached on 27 November in the village of Sor.");
        assert_eq!(
            c.similarity_to_set(&Fingerprint::decode(&a.to_bytes())),
            c.similarity(&a)
        );
        assert!(a.bands().eq(b.bands()));
    }

    #[test]
    fn short_sentences_match_only_exactly() {
        let a = Fingerprint::of("Armenia denied it.");
        assert_eq!(a.similarity(&Fingerprint::of("armenia  denied it")), 1.0);
        assert_eq!(a.similarity(&Fingerprint::of("Azerbaijan denied it.")), 0.0);
    }

    #[test]
    fn index_finds_the_best_candidate() {
        let mut idx = NearDuplicates::new(SAME_STATEMENT);
        let base = "On 9 November 2020, in the aftermath of the capture of Shusha, a ceasefire agreement was signed by the President of Azerbaijan";
        idx.insert(Fingerprint::of(
            "Completely unrelated text about the weather in Baku today and tomorrow.",
        ));
        let id = idx.insert(Fingerprint::of(base));
        assert_eq!(
            idx.find(&Fingerprint::of(&format!("{base}, Ilham Aliyev."))),
            Some(id)
        );
        assert_eq!(
            idx.find(&Fingerprint::of(
                "Nothing like it at all in any way whatsoever."
            )),
            None
        );
    }
}
