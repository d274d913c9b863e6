//! Near-duplicate candidates: which stored facts share a band with a new one.
//!
//! Every fact is indexed by its MinHash bands, each mixed with its coding
//! (`event_bands`, `claim_bands`: a covering `(band, id)` key). A bulk
//! ingest looks up eight bands for every fact it reads, mirrors and
//! revisions included, and most of its candidates are facts it wrote
//! itself moments before. So the facts a [`SessionBands`] wrote are also
//! kept in memory ([`BandMap`]), and the stored index is read only for
//! facts that were there before: never, when the knowledge base started
//! empty. The band rows of a transaction are inserted together, sorted,
//! at its end, so neighbouring keys share their page writes.
//!
//! A candidate is compared with the new fact by the sketches of their
//! shingle sets first ([`Sketch`], kept for the session's latest facts in
//! [`Sketches`]): an exact upper bound on their similarity, which rules
//! out most of a templated sentence's candidates without reading their
//! shingles.
//!
//! Memory is bounded: past [`MAX_SLOTS`] the in-memory part is dropped and
//! the facts it held are looked up in the stored index from then on.
//!
//! In a bulk build ([`crate::bulk`]) the session's band rows are not
//! written per transaction: whenever the in-memory part is about to be
//! dropped (full, or stale because another connection wrote), and when
//! the build ends, the rows are recomputed from the facts' stored columns
//! and written in one sorted pass. What a transaction must write itself
//! is only what that recomputation cannot see: the bands a fact had
//! before a new first source replaced its evidence.

use casus_pipeline::sources::{Fingerprint, Sketch};
use rusqlite::Transaction;

use crate::facts::FactKind;
use crate::Result;

/// The largest in-memory table by default: 2^24 slots of 12 bytes
/// (192 MiB), one per distinct band key, which holds the bands of about
/// 2 million facts (well over a gigabyte of text).
const MAX_SLOTS: usize = 1 << 24;
/// Slots a table starts with.
const MIN_SLOTS: usize = 1 << 12;
/// The share of its slots (percent) a table fills before it doubles. A
/// table at its largest fills up to [`FULL_PERCENT`] instead: its probes
/// get longer, but what comes after it, the stored index, costs a B-tree
/// descent per band.
const GROW_PERCENT: usize = 70;
const FULL_PERCENT: usize = 85;
/// Asks the CPU to load the cache line holding `value`: the loads of a
/// fact's bands and candidates, each a cache miss in a large table, then
/// overlap instead of following one another.
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is part of x86_64; a prefetch is a hint that reads and
    // writes no memory.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (value as *const T).cast(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// A slot's value with this bit set is the index of an id list.
const LIST: u32 = 1 << 31;

/// One distinct band key (in two halves, so that a slot takes 12 bytes)
/// and its value: the offset of its one fact id above the map's base, or
/// [`LIST`] and the index of its ids' list; 0 for an empty slot.
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    key_low: u32,
    key_high: u32,
    value: u32,
}

impl Slot {
    fn key(&self) -> u64 {
        u64::from(self.key_low) | u64::from(self.key_high) << 32
    }
}

/// A multimap from band keys to fact ids: open addressing with linear
/// probing, one slot per distinct key, and the ids of a key that has
/// several in a list of their own. Ids are stored as offsets above a base
/// id, in 31 bits.
///
/// Why lists: a templated sentence ("protesters over X marched through
/// Y") gives a thousand facts the same band. Held one entry per slot,
/// they made a run of a thousand full slots that every key hashing into it
/// walked through, on every lookup and insert.
#[derive(Debug)]
pub(crate) struct BandMap {
    slots: Vec<Slot>,
    /// The ids of keys with more than one, ascending.
    lists: Vec<Vec<u32>>,
    /// Slots in use (distinct keys), and ids held in lists.
    keys: usize,
    listed: usize,
    base: i64,
    max_slots: usize,
}

impl BandMap {
    fn new(base: i64, max_slots: usize) -> BandMap {
        let slots = MIN_SLOTS.min(max_slots);
        BandMap {
            slots: vec![Slot::default(); slots],
            lists: Vec::new(),
            keys: 0,
            listed: 0,
            base,
            max_slots,
        }
    }

    fn home(&self, key: u64) -> usize {
        // Band keys are already mixed hashes: their bits are uniform.
        (key ^ (key >> 32)) as usize & (self.slots.len() - 1)
    }

    /// Whether `id` can be held (above the base, within 31 bits of it).
    fn holds(&self, id: i64) -> bool {
        id > self.base && id - self.base < i64::from(LIST)
    }

    /// Whether one more key takes `keys` keys in `slots` slots past
    /// `percent` full.
    fn over(keys: usize, slots: usize, percent: usize) -> bool {
        (keys + 1) * 100 > slots * percent
    }

    /// The slot of `key`, or the empty slot where it would go.
    fn find(&self, key: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        while self.slots[i].value != 0 && self.slots[i].key() != key {
            i = (i + 1) & mask;
        }
        i
    }

    /// Adds `(key, id)` unless present; false when the map is full or the
    /// id out of its range (the caller then falls back to the stored index).
    fn insert(&mut self, key: u64, id: i64) -> bool {
        if !self.holds(id) {
            return false;
        }
        let off = (id - self.base) as u32;
        let mut at = self.find(key);
        let value = self.slots[at].value;
        if value == 0 {
            // A new key.
            if Self::over(self.keys, self.slots.len(), GROW_PERCENT) {
                if self.slots.len() < self.max_slots {
                    self.grow();
                    at = self.find(key);
                } else if Self::over(self.keys, self.slots.len(), FULL_PERCENT) {
                    return false;
                }
            }
            self.slots[at] = Slot {
                key_low: key as u32,
                key_high: (key >> 32) as u32,
                value: off,
            };
            self.keys += 1;
            return true;
        }
        if value == off {
            return true;
        }
        // Lists are bounded like the slots: at most one id per slot.
        if self.listed + 2 > self.max_slots {
            return false;
        }
        if value & LIST == 0 {
            let (low, high) = (value.min(off), value.max(off));
            self.slots[at].value = LIST | self.lists.len() as u32;
            self.lists.push(vec![low, high]);
            self.listed += 2;
            return true;
        }
        let list = &mut self.lists[(value & !LIST) as usize];
        // New facts have growing ids: mostly an append.
        match list.last() {
            Some(&last) if last < off => list.push(off),
            _ => match list.binary_search(&off) {
                Ok(_) => return true,
                Err(i) => list.insert(i, off),
            },
        }
        self.listed += 1;
        true
    }

    fn grow(&mut self) {
        let doubled = vec![Slot::default(); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        for slot in old.into_iter().filter(|s| s.value != 0) {
            let i = self.find(slot.key());
            self.slots[i] = slot;
        }
    }

    /// Pushes the ids stored under `key` onto `out`.
    fn get(&self, key: u64, out: &mut Vec<i64>) {
        match self.slots[self.find(key)].value {
            0 => {}
            v if v & LIST == 0 => out.push(self.base + i64::from(v)),
            v => self.extend(v & !LIST, out),
        }
    }

    /// Asks the CPU to load the home slots of `keys`.
    fn prefetch(&self, keys: &[i64]) {
        for &key in keys {
            prefetch(&self.slots[self.home(key as u64)]);
        }
    }

    /// Pushes the ids stored under each of `keys` onto `out`, the same as
    /// [`BandMap::get`] for each, with their memory loads overlapped: the
    /// home slots, then the lists they point to, then the lists' ids.
    fn get_all(&self, keys: &[i64], out: &mut Vec<i64>) {
        self.prefetch(keys);
        let mut lists = [0u32; 16];
        let mut listed = 0;
        for &key in keys {
            match self.slots[self.find(key as u64)].value {
                0 => {}
                v if v & LIST == 0 => out.push(self.base + i64::from(v)),
                v if listed < lists.len() => {
                    prefetch(&self.lists[(v & !LIST) as usize]);
                    lists[listed] = v & !LIST;
                    listed += 1;
                }
                v => self.extend(v & !LIST, out),
            }
        }
        let lists = &lists[..listed];
        for &list in lists {
            if let Some(first) = self.lists[list as usize].first() {
                prefetch(first);
            }
        }
        for &list in lists {
            self.extend(list, out);
        }
    }

    fn extend(&self, list: u32, out: &mut Vec<i64>) {
        out.extend(
            self.lists[list as usize]
                .iter()
                .map(|&off| self.base + i64::from(off)),
        );
    }

    /// Every `(key, id)` held as a band row, sorted by `(band, id)`. The
    /// table sorts its own slots (one per key, and a key's ids are a
    /// sorted list), so the rows need no second copy of the table.
    fn into_sorted_rows(mut self) -> SortedRows {
        self.slots.retain(|s| s.value != 0);
        self.slots.sort_unstable_by_key(|s| s.key() as i64);
        SortedRows {
            map: self,
            slot: 0,
            listed: 0,
        }
    }

    /// Every `(key, id)` held, in slot order.
    #[cfg(test)]
    fn entries(&self) -> impl Iterator<Item = (u64, i64)> + '_ {
        self.slots
            .iter()
            .filter(|s| s.value != 0)
            .flat_map(move |s| {
                let (single, list) = match s.value {
                    v if v & LIST == 0 => (Some(v), &[][..]),
                    v => (None, &self.lists[(v & !LIST) as usize][..]),
                };
                single
                    .into_iter()
                    .chain(list.iter().copied())
                    .map(move |off| (s.key(), self.base + i64::from(off)))
            })
    }

    /// How many `(key, id)` entries it holds.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.keys + self.listed - self.lists.len()
    }

    fn is_full(&self) -> bool {
        (self.slots.len() >= self.max_slots
            && Self::over(self.keys, self.slots.len(), FULL_PERCENT))
            || self.listed + 2 > self.max_slots
    }
}

/// The band rows a [`BandMap`] held, in `(band, id)` order
/// ([`BandMap::into_sorted_rows`]).
#[derive(Debug)]
pub(crate) struct SortedRows {
    map: BandMap,
    /// The next slot, and how many ids of its list are done.
    slot: usize,
    listed: usize,
}

impl Iterator for SortedRows {
    type Item = (i64, i64);

    fn next(&mut self) -> Option<(i64, i64)> {
        let s = *self.map.slots.get(self.slot)?;
        let off = if s.value & LIST == 0 {
            self.slot += 1;
            s.value
        } else {
            let list = &self.map.lists[(s.value & !LIST) as usize];
            let off = list[self.listed];
            self.listed += 1;
            if self.listed == list.len() {
                self.slot += 1;
                self.listed = 0;
            }
            off
        };
        Some((s.key() as i64, self.map.base + i64::from(off)))
    }
}

/// Fingerprints (decoded shingle sets) of recent candidates by fact id:
/// templated sentences ("X was shelled on DATE") share bands with hundreds
/// of stored facts below the similarity threshold, and each new one is
/// compared with all of them. Bounded, in two generations: when the newer
/// fills up it becomes the older one (the older is dropped), and a set
/// found in the older one moves back to the newer, so the candidates a
/// template keeps bringing up stay cached.
#[derive(Debug, Default)]
struct ShingleCache {
    newer: rustc_hash::FxHashMap<i64, Box<[u64]>>,
    older: rustc_hash::FxHashMap<i64, Box<[u64]>>,
}

/// Fingerprints a generation holds (two hold about 60 MB).
const CACHED_SHINGLES: usize = 1 << 17;

impl ShingleCache {
    fn put(&mut self, id: i64, shingles: Box<[u64]>) {
        if self.newer.len() >= CACHED_SHINGLES && !self.newer.contains_key(&id) {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(id, shingles);
    }

    fn get(&mut self, id: i64) -> Option<&[u64]> {
        if !self.newer.contains_key(&id) {
            let set = self.older.remove(&id)?;
            self.put(id, set);
        }
        self.newer.get(&id).map(|s| &s[..])
    }
}

/// The [`Sketch`] of each fact whose shingles the session knows, by id,
/// for the latest [`SKETCHED`] ids: a templated sentence's candidates are
/// mostly ruled out by their sketches, without reading their shingles
/// (from the cache, or from SQLite). A flat window, 32 bytes a fact; a
/// default sketch (no shingles) stands for one not known.
#[derive(Debug, Default)]
struct Sketches {
    /// Ids above this one are held, at `id - base - 1`.
    base: i64,
    sketches: Vec<Sketch>,
}

/// Ids a [`Sketches`] window holds (64 MiB at most).
const SKETCHED: usize = 1 << 21;

impl Sketches {
    fn put(&mut self, id: i64, sketch: Sketch) {
        if id <= self.base {
            return;
        }
        let mut at = (id - self.base - 1) as usize;
        if at >= SKETCHED {
            // Keep the newer half (candidates are mostly recent facts),
            // or start over past a jump.
            let keep_from = (at + 1)
                .saturating_sub(SKETCHED / 2)
                .min(self.sketches.len());
            self.sketches.drain(..keep_from);
            self.base += keep_from as i64;
            at -= keep_from;
            if at >= SKETCHED {
                self.sketches.clear();
                self.base = id - 1;
                at = 0;
            }
        }
        if at >= self.sketches.len() {
            self.sketches.resize(at + 1, Sketch::default());
        }
        self.sketches[at] = sketch;
    }

    fn get(&self, id: i64) -> Option<&Sketch> {
        let at = usize::try_from(id - self.base - 1).ok()?;
        self.sketches.get(at).filter(|s| !s.is_empty())
    }

    /// Asks the CPU to load the sketches of `ids` (a templated sentence
    /// has hundreds of candidates).
    fn prefetch(&self, ids: &[i64]) {
        for &id in ids {
            let Some(at) = usize::try_from(id - self.base - 1).ok() else {
                continue;
            };
            if let Some(s) = self.sketches.get(at) {
                prefetch(s);
            }
        }
    }
}

/// What one kind of fact (events or claims) needs for candidate lookup.
#[derive(Debug)]
struct KindBands {
    /// Facts with an id up to this one are found through the stored band
    /// index; those above it were written by this session and are in
    /// `memory` (`None` until the first transaction reads the table).
    stored_upto: Option<i64>,
    /// The highest id this session wrote or saw: a higher one at the start
    /// of a transaction means another connection wrote facts meanwhile.
    known_max: i64,
    memory: BandMap,
    /// New bands of facts at or below `stored_upto` (a new first source
    /// replaced their evidence) until the transaction stores them.
    rebanded: BandMap,
    /// Whether some band of this session is in neither `memory` nor
    /// `rebanded` (full, or an id beyond 32 bits of offset): then the
    /// stored index is read for all ids.
    spilled: bool,
    /// Band rows of the current transaction, written at its end.
    pending: Vec<(i64, i64)>,
    shingles: ShingleCache,
    sketches: Sketches,
    /// The lowest id of a session fact by all its bands at once ([`exact_key`]):
    /// a mirror's sentence is found without comparing it with every fact
    /// sharing one of its bands.
    exact: rustc_hash::FxHashMap<u64, i64>,
}

/// Exact-match entries kept before that map starts over.
const EXACT_MAX: usize = 1 << 22;

/// One key for all of a fact's bands: equal for facts with the same
/// coding and the same shingles (and, rarely, for others, which the
/// caller tells apart by comparing the shingles).
fn exact_key(bands: &[i64]) -> u64 {
    bands.iter().fold(0x9e3779b97f4a7c15u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3).rotate_left(29)
    })
}

impl KindBands {
    fn new(max_slots: usize) -> KindBands {
        KindBands {
            stored_upto: None,
            known_max: 0,
            memory: BandMap::new(0, max_slots),
            rebanded: BandMap::new(0, max_slots),
            spilled: false,
            pending: Vec::new(),
            shingles: ShingleCache::default(),
            sketches: Sketches::default(),
            exact: Default::default(),
        }
    }

    /// Looks every fact up to `upto` up in the stored index from now on,
    /// with an empty in-memory table for the facts after it.
    fn restart(&mut self, upto: i64) {
        self.stored_upto = Some(upto);
        self.known_max = self.known_max.max(upto);
        self.memory = BandMap::new(upto, self.memory.max_slots);
        self.spilled = false;
    }
}

/// Candidate lookup for one writing connection ([`crate::Store`]).
#[derive(Debug)]
pub(crate) struct SessionBands {
    kinds: [KindBands; 2],
    /// Whether this connection runs a bulk build ([`crate::bulk`]).
    bulk: bool,
    /// `PRAGMA data_version` at the last transaction: another connection
    /// has committed when it changes.
    data_version: Option<i64>,
}

impl Default for SessionBands {
    fn default() -> Self {
        SessionBands::with_max_slots(MAX_SLOTS)
    }
}

fn index(kind: FactKind) -> usize {
    match kind {
        FactKind::Event => 0,
        FactKind::Claim => 1,
    }
}

impl SessionBands {
    /// A session whose in-memory table holds at most `max_slots` slots
    /// (a power of two).
    pub(crate) fn with_max_slots(max_slots: usize) -> SessionBands {
        SessionBands {
            kinds: [KindBands::new(max_slots), KindBands::new(max_slots)],
            bulk: false,
            data_version: None,
        }
    }

    /// Switches bulk-build mode on or off (between transactions).
    pub(crate) fn set_bulk(&mut self, bulk: bool) {
        self.bulk = bulk;
    }

    /// Starts a write transaction: if another connection has committed
    /// since the last one (or this is the first), every stored fact is
    /// looked up in the stored index, as what is cached may be stale
    /// (new facts, or new evidence for facts this connection wrote).
    pub(crate) fn begin(&mut self, tx: &Transaction) -> Result<()> {
        let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let foreign = self.data_version.replace(version) != Some(version);
        for kind in [FactKind::Event, FactKind::Claim] {
            let max: i64 = tx
                .prepare_cached(&format!(
                    "SELECT coalesce(max(id), 0) FROM {}s",
                    kind.name()
                ))?
                .query_row([], |r| r.get(0))?;
            let k = &mut self.kinds[index(kind)];
            k.pending.clear();
            if foreign || k.stored_upto.is_none() || max != k.known_max {
                // Another connection wrote (or this is the first
                // transaction): what is cached may be stale. In a bulk
                // build the facts only memory held are stored first.
                let upto = if self.bulk {
                    crate::bulk::store_bands(tx, kind, None)?
                } else {
                    max
                };
                *k = KindBands::new(k.memory.max_slots);
                k.restart(upto);
            }
        }
        Ok(())
    }

    /// Takes the band rows of the facts of `kind` above `upto` up to
    /// `max` out of memory, sorted by `(band, id)` and each once, if memory
    /// holds all of them (it does unless it filled up or another
    /// connection wrote): what [`crate::bulk`] would otherwise recompute.
    /// The table is left empty; the caller restarts it.
    pub(crate) fn take_rows_in_memory(
        &mut self,
        kind: FactKind,
        upto: i64,
        max: i64,
    ) -> Option<SortedRows> {
        let k = &mut self.kinds[index(kind)];
        let complete = !k.spilled && k.memory.base == upto && k.known_max == max;
        let empty = BandMap::new(k.memory.base, k.memory.max_slots);
        complete.then(|| std::mem::replace(&mut k.memory, empty).into_sorted_rows())
    }

    /// Frees what only finding candidates needs (shingles, sketches, exact
    /// matches), keeping the band table for [`SessionBands::rows_in_memory`]:
    /// the end of a bulk build needs that memory for its sorts. Call when
    /// no more facts are written through this session.
    pub(crate) fn keep_only_bands(&mut self) {
        for k in &mut self.kinds {
            k.shingles = ShingleCache::default();
            k.sketches = Sketches::default();
            k.exact = Default::default();
        }
    }

    /// Notes the bands and fingerprint of fact `id` (new, or
    /// re-fingerprinted).
    pub(crate) fn add(&mut self, kind: FactKind, id: i64, bands: &[i64], fp: &Fingerprint) {
        let k = &mut self.kinds[index(kind)];
        // A bulk build recomputes the rows of the facts above the stored
        // ones; a fact at or below them (re-fingerprinted) writes its own.
        let recomputed = self.bulk && k.stored_upto.is_some_and(|upto| id > upto);
        k.shingles.put(id, fp.shingles().into());
        k.sketches.put(id, fp.sketch());
        if k.exact.len() >= EXACT_MAX {
            k.exact.clear();
        }
        let lowest = k.exact.entry(exact_key(bands)).or_insert(id);
        *lowest = (*lowest).min(id);
        k.known_max = k.known_max.max(id);
        for &b in bands {
            if !recomputed {
                k.pending.push((b, id));
            }
            if k.spilled {
                continue;
            }
            let held = if id > k.memory.base {
                k.memory.insert(b as u64, id)
            } else {
                k.rebanded.insert(b as u64, id)
            };
            if !held {
                k.spilled = true;
            }
        }
    }

    /// Notes that fact `id`'s evidence is about to be replaced. The index
    /// keeps finding a fact by the bands of every evidence it had; a bulk
    /// build recomputes only the last one, so the transaction writes the
    /// current bands itself.
    pub(crate) fn replacing(
        &mut self,
        tx: &Transaction,
        kind: FactKind,
        id: i64,
        identity: u64,
    ) -> Result<()> {
        let stored_upto = self.kinds[index(kind)].stored_upto;
        if !self.bulk || stored_upto.is_none_or(|upto| id <= upto) {
            // Its current bands are stored (or will be, row by row).
            return Ok(());
        }
        let fp =
            self.with_shingles(tx, kind, id, |set| Fingerprint::from_shingles(set.to_vec()))?;
        let k = &mut self.kinds[index(kind)];
        k.pending.extend(
            crate::facts::keyed_bands(&fp, identity)
                .into_iter()
                .map(|b| (b, id)),
        );
        Ok(())
    }

    /// The facts of `kind` sharing one of `bands`, each once, by id.
    pub(crate) fn candidates(
        &mut self,
        tx: &Transaction,
        kind: FactKind,
        bands: &[i64],
    ) -> Result<Vec<i64>> {
        if self.bulk && self.kinds[index(kind)].spilled {
            // Memory is full mid-transaction: store what it held (the
            // rows of this transaction are visible to it) and go on.
            let upto = crate::bulk::store_bands(tx, kind, None)?;
            self.kinds[index(kind)].restart(upto);
        }
        let k = &self.kinds[index(kind)];
        let mut out = Vec::new();
        k.memory.get_all(bands, &mut out);
        for &b in bands {
            k.rebanded.get(b as u64, &mut out);
        }
        // Stored ids: those before this session, or every one once the
        // memory spilled (rows of this transaction are not stored yet).
        let stored_upto = match (k.spilled, k.stored_upto) {
            (true, _) => i64::MAX,
            (false, Some(upto)) => upto,
            (false, None) => i64::MAX,
        };
        if stored_upto > 0 {
            let name = kind.name();
            let marks: Vec<String> = (2..=bands.len() + 1).map(|i| format!("?{i}")).collect();
            let sql = format!(
                "SELECT {name}_id FROM {name}_bands WHERE band IN ({}) AND {name}_id <= ?1",
                marks.join(", ")
            );
            let mut st = tx.prepare_cached(&sql)?;
            let args = std::iter::once(&stored_upto).chain(bands.iter());
            let mut rows = st.query(rusqlite::params_from_iter(args))?;
            while let Some(r) = rows.next()? {
                out.push(r.get(0)?);
            }
            if k.spilled {
                for &(b, id) in &k.pending {
                    if bands.contains(&b) {
                        out.push(id);
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        k.sketches.prefetch(&out);
        Ok(out)
    }

    /// The session fact with exactly these bands and shingles, if any:
    /// the lowest id of those with the same evidence and coding, which is
    /// what comparing every candidate would find (similarity 1, lowest id).
    pub(crate) fn exact(
        &mut self,
        tx: &Transaction,
        kind: FactKind,
        bands: &[i64],
        fp: &Fingerprint,
    ) -> Result<Option<i64>> {
        let k = &self.kinds[index(kind)];
        // The candidate lookup that mostly follows reads these.
        k.memory.prefetch(bands);
        let Some(&id) = k.exact.get(&exact_key(bands)) else {
            return Ok(None);
        };
        if k.sketches.get(id).is_some_and(|s| *s != fp.sketch()) {
            return Ok(None);
        }
        // The fact's evidence may have changed since (a new first source).
        let same = self.with_shingles(tx, kind, id, |stored| stored == fp.shingles())?;
        Ok(same.then_some(id))
    }

    /// The Jaccard similarity of `fp` to the evidence of stored fact `id`,
    /// if it is at least `threshold`.
    pub(crate) fn similarity(
        &mut self,
        tx: &Transaction,
        kind: FactKind,
        id: i64,
        fp: &Fingerprint,
        threshold: f64,
    ) -> Result<Option<f64>> {
        let sketch = self.kinds[index(kind)].sketches.get(id);
        if sketch.is_some_and(|s| !fp.may_reach(s, threshold)) {
            return Ok(None);
        }
        self.with_shingles(tx, kind, id, |set| fp.similarity_at_least(set, threshold))
    }

    /// Applies `f` to the shingle set of stored fact `id`, cached or read.
    fn with_shingles<T>(
        &mut self,
        tx: &Transaction,
        kind: FactKind,
        id: i64,
        f: impl FnOnce(&[u64]) -> T,
    ) -> Result<T> {
        let k = &mut self.kinds[index(kind)];
        if let Some(set) = k.shingles.get(id) {
            return Ok(f(set));
        }
        let set = tx
            .prepare_cached(&format!(
                "SELECT shingles FROM {}s WHERE id = ?1",
                kind.name()
            ))?
            .query_row([id], |r| Ok(Fingerprint::decode(r.get_ref(0)?.as_blob()?)))?;
        let out = f(&set);
        k.sketches.put(id, Sketch::of(&set));
        k.shingles.put(id, set.into_boxed_slice());
        Ok(out)
    }

    /// Writes the transaction's band rows, sorted; call before committing.
    pub(crate) fn finish(&mut self, tx: &Transaction) -> Result<()> {
        for kind in [FactKind::Event, FactKind::Claim] {
            let k = &mut self.kinds[index(kind)];
            k.pending.sort_unstable();
            k.pending.dedup();
            insert_rows(tx, kind, &k.pending)?;
            k.pending.clear();
            k.rebanded = BandMap::new(0, k.memory.max_slots);
            if k.memory.is_full() || k.spilled {
                // Everything is stored now (in a bulk build, once its
                // rows are): look it all up there.
                let upto = if self.bulk {
                    crate::bulk::store_bands(tx, kind, Some(self))?
                } else {
                    k.known_max
                };
                self.kinds[index(kind)].restart(upto);
            }
        }
        Ok(())
    }

    /// Forgets the session after a failed transaction: its ids may be
    /// reused, so the next transaction starts from the stored index.
    pub(crate) fn abandon(&mut self) {
        let max_slots = self.kinds[0].memory.max_slots;
        *self = SessionBands {
            bulk: self.bulk,
            ..SessionBands::with_max_slots(max_slots)
        };
    }
}

/// Rows per INSERT statement: one statement per row costs more than the
/// row itself when the rows are appended in key order.
const ROWS_PER_INSERT: usize = 128;

/// Inserts `(band, id)` rows (sorted) into the band table of `kind`.
pub(crate) fn insert_rows(tx: &Transaction, kind: FactKind, rows: &[(i64, i64)]) -> Result<()> {
    let name = kind.name();
    let sql = |n: usize| {
        format!(
            "INSERT OR IGNORE INTO {name}_bands (band, {name}_id) VALUES {}",
            vec!["(?, ?)"; n].join(", ")
        )
    };
    let mut chunks = rows.chunks_exact(ROWS_PER_INSERT);
    let mut many = tx.prepare_cached(&sql(ROWS_PER_INSERT))?;
    for chunk in &mut chunks {
        many.execute(rusqlite::params_from_iter(
            chunk.iter().flat_map(|(b, id)| [b, id]),
        ))?;
    }
    let mut one = tx.prepare_cached(&sql(1))?;
    for (band, id) in chunks.remainder() {
        one.execute([band, id])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::BandMap;

    #[test]
    fn multimap_keeps_every_id_of_a_key_once() {
        let mut m = BandMap::new(100, super::MAX_SLOTS);
        assert!(m.insert(7, 101));
        assert!(m.insert(7, 105));
        assert!(m.insert(7, 105));
        assert!(m.insert(0, 102));
        assert!(!m.insert(9, 100), "ids at or below the base are refused");
        let mut out = Vec::new();
        m.get(7, &mut out);
        out.sort();
        assert_eq!(out, vec![101, 105]);
        out.clear();
        m.get(0, &mut out);
        assert_eq!(out, vec![102]);
        out.clear();
        m.get(8, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn shingle_cache_keeps_what_is_used() {
        let mut c = super::ShingleCache::default();
        let n = super::CACHED_SHINGLES as i64;
        for id in 0..n {
            c.put(id, vec![id as u64].into());
        }
        c.put(n, vec![0].into()); // the first generation becomes the older
        assert_eq!(
            c.get(7),
            Some(&[7u64][..]),
            "found in the older, moved back"
        );
        for id in n + 1..2 * n + 1 {
            c.put(id, vec![0].into());
        }
        assert!(c.get(7).is_some(), "used since: kept");
        assert!(c.get(8).is_none(), "not used: dropped");
    }

    #[test]
    fn sketch_window_keeps_the_latest_ids() {
        use casus_pipeline::sources::Sketch;
        let sketch = |id: i64| Sketch::of(&[id as u64, u64::MAX - id as u64]);
        let mut w = super::Sketches::default();
        let n = super::SKETCHED as i64;
        for id in 1..=n {
            w.put(id, sketch(id));
        }
        assert_eq!(w.get(1), Some(&sketch(1)));
        assert_eq!(w.get(n + 1), None, "not put");
        w.put(n + 1, sketch(n + 1));
        assert_eq!(w.get(1), None, "the older half is dropped");
        assert_eq!(w.get(n), Some(&sketch(n)));
        assert_eq!(w.get(n + 1), Some(&sketch(n + 1)));
        w.put(5, sketch(5));
        assert_eq!(w.get(5), None, "below the window: not held");
        w.put(10 * n, sketch(10 * n));
        assert_eq!(w.get(10 * n), Some(&sketch(10 * n)), "after a jump");
        assert_eq!(w.get(n), None);
        w.put(10 * n + 1, Sketch::default());
        assert_eq!(w.get(10 * n + 1), None, "an empty sketch is not known");
    }

    #[test]
    fn a_multimap_at_its_largest_fills_further_before_refusing() {
        let slots = super::MIN_SLOTS;
        let mut m = BandMap::new(0, slots);
        let key = |i: i64| (i as u64).wrapping_mul(0x9e3779b97f4a7c15);
        let mut held = 0;
        while m.insert(key(held + 1), held + 1) {
            held += 1;
        }
        assert_eq!(m.slots.len(), slots, "it never grows past its largest");
        assert_eq!(held as usize, slots * super::FULL_PERCENT / 100);
        assert!(m.is_full());
        let mut out = Vec::new();
        m.get(key(held), &mut out);
        assert_eq!(out, vec![held], "what it holds is still found");
    }

    #[test]
    fn a_key_with_many_ids_keeps_them_apart_from_other_keys() {
        let key = |i: u64| i.wrapping_mul(0x9e3779b97f4a7c15);
        let mut m = BandMap::new(0, super::MAX_SLOTS);
        // A templated band: a thousand facts, and others around them.
        for id in 1..=1000i64 {
            assert!(m.insert(key(0), id));
            assert!(m.insert(key(id as u64), id));
        }
        assert!(m.insert(key(0), 500), "present: kept once");
        assert!(m.insert(key(5), 3), "an older id of a key: in order");
        assert_eq!(m.len(), 2001);
        let mut out = Vec::new();
        m.get(key(0), &mut out);
        assert_eq!(out, (1..=1000).collect::<Vec<i64>>());
        out.clear();
        m.get(key(5), &mut out);
        assert_eq!(out, vec![3, 5]);
        let mut all: Vec<(u64, i64)> = m.entries().collect();
        all.sort_unstable();
        assert_eq!(all.len(), 2001);
        assert!(all.contains(&(key(5), 3)) && all.contains(&(key(0), 1000)));
        // As band rows: by signed band, then id, each once.
        let mut rows: Vec<(i64, i64)> = all.iter().map(|&(k, id)| (k as i64, id)).collect();
        rows.sort_unstable();
        assert_eq!(m.into_sorted_rows().collect::<Vec<_>>(), rows);
    }

    #[test]
    fn multimap_grows_without_losing_entries() {
        let mut m = BandMap::new(0, super::MAX_SLOTS);
        for i in 1..20_000i64 {
            let key = (i as u64).wrapping_mul(0x9e3779b97f4a7c15);
            assert!(m.insert(key, i));
        }
        assert!(m.slots.len() > super::MIN_SLOTS);
        for i in (1..20_000i64).step_by(997) {
            let mut out = Vec::new();
            m.get((i as u64).wrapping_mul(0x9e3779b97f4a7c15), &mut out);
            assert_eq!(out, vec![i]);
        }
    }
}
