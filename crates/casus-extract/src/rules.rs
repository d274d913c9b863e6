//! The lexicons, loaded from the TOML data files in `data/extract/`.

use std::collections::HashMap;
use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHashSet};

use serde::Deserialize;

use crate::lexicon::{word_key, Phrase, PhraseSet};

const EVENTS: &str = include_str!("../../../data/extract/events.toml");
const GRAMMAR: &str = include_str!("../../../data/extract/grammar.toml");
const CLAIMS: &str = include_str!("../../../data/extract/claims.toml");

#[derive(Deserialize)]
struct EventsFile {
    trigger: Vec<TriggerDef>,
    #[serde(default)]
    mode_cue: Vec<ModeCueDef>,
}

#[derive(Deserialize)]
struct TriggerDef {
    phrase: String,
    #[serde(rename = "type")]
    kind: String,
    mode: Option<String>,
    #[serde(default)]
    noun: bool,
    #[serde(default)]
    verb_only: bool,
    #[serde(default)]
    inflected_only: bool,
    #[serde(default)]
    actor_after: bool,
    #[serde(default)]
    speaker_acts: bool,
    #[serde(default)]
    only_after: Vec<String>,
    #[serde(default)]
    not_before: Vec<String>,
    #[serde(default)]
    not_after: Vec<String>,
    #[serde(default)]
    only_before: Vec<String>,
    #[serde(default)]
    mutual: bool,
    #[serde(default)]
    crowd_riot: bool,
    #[serde(default)]
    suffered: bool,
}

#[derive(Deserialize)]
struct ModeCueDef {
    #[serde(rename = "type")]
    kind: String,
    mode: String,
    words: Vec<String>,
}

#[derive(Deserialize)]
struct GrammarFile {
    irregular: HashMap<String, Vec<String>>,
    prepositions: Vec<String>,
    locatives: Vec<String>,
    recipient_preps: Vec<String>,
    list_joiners: Vec<String>,
    pronouns: Vec<String>,
    determiners: Vec<String>,
    reporting: Vec<String>,
    clause_breaks: Vec<String>,
    negation: Vec<String>,
    future: Vec<String>,
    hypothetical: Vec<String>,
    historical: Vec<String>,
    people_nouns: Vec<String>,
    #[serde(default)]
    force_nouns: Vec<String>,
    #[serde(default)]
    crowd_nouns: Vec<String>,
    #[serde(default)]
    combat_nouns: Vec<String>,
    #[serde(default)]
    agent_nouns: Vec<String>,
    #[serde(default)]
    of_heads: Vec<String>,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    reduced_relative_types: Vec<String>,
    #[serde(default)]
    actor_object_particles: Vec<String>,
    #[serde(default)]
    span_edges: Vec<String>,
    #[serde(default)]
    agent_compounds: Vec<String>,
    #[serde(default)]
    mediator_participles: Vec<String>,
    communities: HashMap<String, String>,
}

#[derive(Deserialize)]
struct CatDef {
    name: String,
    words: Vec<String>,
}

#[derive(Deserialize)]
struct ClaimsFile {
    category: Vec<CatDef>,
    before: Vec<CatDef>,
    population: HashMap<String, Vec<String>>,
    communities: Vec<String>,
    item: HashMap<String, Vec<String>>,
    numbers: HashMap<String, u64>,
    multipliers: HashMap<String, u64>,
    vague: HashMap<String, u64>,
    lower_bound: Vec<String>,
    #[serde(default)]
    measures: Vec<String>,
    claimant_before: Vec<String>,
    #[serde(default)]
    claimant_verbs: Vec<String>,
    #[serde(default)]
    adversaries: HashMap<String, String>,
}

/// A trigger of the event lexicon.
#[derive(Debug, Clone)]
pub struct Trigger {
    /// The phrase as written in the lexicon.
    pub phrase: String,
    /// PLOVER type (lent once per process by the rules).
    pub kind: &'static str,
    /// Default mode (lent once per process by the rules).
    pub mode: Option<&'static str>,
    /// A nominal trigger: a demonym right before it is its actor.
    pub noun: bool,
    /// Only a verb: not after a determiner.
    pub verb_only: bool,
    /// The actor follows the trigger ("at the request of X").
    pub actor_after: bool,
    /// Reported, the act is the speaker's ("X said Y must …": X asks it
    /// of Y).
    pub speaker_acts: bool,
    /// When not empty, the trigger counts only after one of these words
    /// (lower case) in its clause: "protesters gathered", not "leaders
    /// gathered".
    pub only_after: Vec<String>,
    /// The trigger does not count when one of these words (lower case) is
    /// among the three after it: "released a statement", not "released
    /// prisoners".
    pub not_before: Vec<String>,
    /// The trigger does not count right after one of these words (lower
    /// case): the two make a noun of another sense ("a press release").
    pub not_after: Vec<String>,
    /// When not empty, the trigger counts only with one of these words
    /// (lower case) among the six after it, or, for a passive, the four
    /// before it: "destroyed 12 tanks", "a tank was destroyed", not
    /// "destroyed the peace process".
    pub only_before: Vec<String>,
    /// The act is mutual: several actors with no recipient act on each
    /// other ("Armenian and Azerbaijani forces clashed").
    pub mutual: bool,
    /// Done by a crowd (a [`Rules::crowd_nouns`] word before it in its
    /// clause, in the active voice) it is a violent protest, PROTEST
    /// (`riot`): "protesters stormed the parliament".
    pub crowd_riot: bool,
    /// The subject suffers the act, as in a passive, though the verb is
    /// active: "two soldiers died in clashes with X" is done to them.
    pub suffered: bool,
}

/// Word classes of the grammar, as bits of [`Tok::class`](crate::text::Tok::class):
/// a token is looked up once, not once per class it is tested for.
pub mod class {
    pub const PREPOSITION: u32 = 1 << 0;
    pub const DETERMINER: u32 = 1 << 1;
    pub const CLAUSE_BREAK: u32 = 1 << 2;
    pub const PEOPLE_NOUN: u32 = 1 << 3;
    pub const LOCATIVE: u32 = 1 << 4;
    pub const BE: u32 = 1 << 5;
    pub const OF_HEAD: u32 = 1 << 6;
    pub const NEGATION: u32 = 1 << 7;
    pub const LIST_JOINER: u32 = 1 << 8;
    pub const HYPOTHETICAL: u32 = 1 << 9;
    pub const HISTORICAL: u32 = 1 << 10;
    pub const FUTURE: u32 = 1 << 11;
    pub const COMMUNITY: u32 = 1 << 12;
    /// A number word of `claims.toml` (`three`, `dozen`...).
    pub const NUMBER: u32 = 1 << 13;
    pub const REGION: u32 = 1 << 14;
    /// An irregular verb form of `grammar.toml` ([`super::Rules::irregular_forms`]).
    pub const IRREGULAR_FORM: u32 = 1 << 15;
    /// A multiplier of `claims.toml` (`million`, `thousand`...).
    pub const MULTIPLIER: u32 = 1 << 16;
    /// A noun for armed men (`troops`, `fighters`): see [`super::Rules::force_nouns`].
    pub const FORCE_NOUN: u32 = 1 << 17;
}

/// The phrase sets marked in [`Tok::starts`](crate::text::Tok::starts):
/// those read at most tokens of a text. A token's bits come with its word
/// classes, from one lookup; the other sets try each token on their own
/// filter.
pub mod starts {
    pub const TRIGGERS: u8 = 1 << 0;
    pub const REPORTING: u8 = 1 << 1;
    pub const MODE_CUES: u8 = 1 << 2;
    pub const VAGUE: u8 = 1 << 3;
    pub const CLAIMANT_BEFORE: u8 = 1 << 4;
    pub const CLAIMANT_VERBS: u8 = 1 << 5;
    pub const CATEGORIES: u8 = 1 << 6;
    pub const BEFORE: u8 = 1 << 7;
}

/// All lexicons, compiled.
#[derive(Debug, Clone)]
pub struct Rules {
    pub triggers: PhraseSet<Trigger>,
    /// (type, mode) per cue phrase (lent once per process by the rules).
    pub mode_cues: PhraseSet<(&'static str, &'static str)>,
    pub prepositions: FxHashSet<String>,
    /// (verb lemma, preposition) pairs whose preposition belongs to the
    /// verb and whose object is an actor ("call on", "appeal to"), from
    /// `actor_object_particles` in `grammar.toml`.
    pub particle_verbs: FxHashSet<(String, String)>,
    /// Words that make the date after them the edge of a span ("since").
    pub span_edges: FxHashSet<String>,
    /// Participles that make a name joined to them by a hyphen the agent of
    /// the thing they describe ("a Russian-brokered ceasefire"): not the
    /// verb's recipient.
    pub agent_compounds: FxHashSet<String>,
    /// Participles whose "by" names a go-between of the thing they
    /// describe, not a party to it ("a truce brokered by France"): not the
    /// verb's recipient. (An author is one: "rejected the aid proposed by
    /// Israel" rejects Israel.)
    pub mediator_participles: FxHashSet<String>,
    pub locatives: FxHashSet<String>,
    pub recipient_preps: FxHashSet<String>,
    pub list_joiners: FxHashSet<String>,
    pub pronouns: FxHashSet<String>,
    pub determiners: FxHashSet<String>,
    /// Reporting verbs ("say", "state").
    pub reporting: PhraseSet<()>,
    pub clause_breaks: FxHashSet<String>,
    pub negation: FxHashSet<String>,
    pub future: FxHashSet<String>,
    pub hypothetical: FxHashSet<String>,
    pub historical: FxHashSet<String>,
    /// Nouns for people ("servicemen", "activists") after a demonym.
    pub people_nouns: FxHashSet<String>,
    /// Nouns for armed men ("troops", "fighters"): a passive deployment or
    /// withdrawal of them is their own side's act.
    pub force_nouns: FxHashSet<String>,
    /// Nouns for a crowd ("protesters", "mob"): see [`Trigger::crowd_riot`].
    pub crowd_nouns: Vec<String>,
    /// Nouns for a fight ("firefight", "clashes"): in "killed in a
    /// firefight with X", X is who killed.
    pub combat_nouns: FxHashSet<String>,
    /// Nouns that, bare, name a new doer nobody has named: "drones attacked
    /// Martuni" has an unknown actor, not the paragraph's last one.
    pub agent_nouns: FxHashSet<String>,
    /// Nouns whose "of X" names the actor ("members of NAM", "forces of X").
    pub of_heads: FxHashSet<String>,
    /// Words naming a part of a place ("northern", "central"): "in northern
    /// Iraq" is a prepositional phrase all the same.
    pub regions: FxHashSet<String>,
    /// Event types whose participle after a people noun is a reduced
    /// relative ("the servicemen wounded during the clashes").
    pub reduced_relative_types: FxHashSet<String>,
    /// State id → community id (`ARM` → `ARMENIANS`).
    pub community_of: HashMap<String, String>,
    /// "be" and its forms.
    pub be: FxHashSet<String>,
    /// Every irregular verb form of `grammar.toml` ("held", "struck"): past
    /// forms that do not end in "-ed".
    pub irregular_forms: FxHashSet<String>,
    /// Claim category cues after a number.
    pub categories: PhraseSet<String>,
    /// Claim category cues before a number.
    pub before: PhraseSet<String>,
    /// Population words → population.
    pub populations: PhraseSet<String>,
    pub communities: FxHashSet<String>,
    /// Equipment words → item.
    pub items: PhraseSet<String>,
    pub numbers: FxHashMap<String, u64>,
    pub multipliers: FxHashMap<String, u64>,
    /// Vague quantity phrases → low value.
    pub vague: PhraseSet<u64>,
    pub lower_bound: PhraseSet<()>,
    /// Units after a number and currency signs before it that make it a
    /// measure, not a count (`measures` in claims.toml).
    pub measures: FxHashSet<String>,
    pub claimant_before: PhraseSet<()>,
    /// Verbs whose subject gives a count ("puts the toll at", "estimates"),
    /// besides the reporting verbs.
    pub claimant_verbs: PhraseSet<()>,
    /// The side a claimant fights: whose losses "we destroyed five tanks" counts.
    pub adversaries: FxHashMap<String, String>,
    /// The [`class`] bits of every word in a class set, and the
    /// [`starts`] bits of every key a phrase of a marked set starts at, by
    /// [`word_key`].
    classes: ClassTable,
}

/// Words with their [`class`] bits, and keys with their [`starts`] bits,
/// in a table addressed by the top bits of the [`word_key`] (open
/// addressing, next slot on a collision): every token is looked up, and
/// most (names, content words, punctuation) are in no class and start no
/// phrase, which an empty slot says after one load, with no hashing.
#[derive(Debug, Clone)]
struct ClassTable {
    /// Slots; an empty one has no bits.
    slots: Box<[ClassSlot]>,
    /// How far a key is shifted right to give its slot.
    shift: u32,
}

#[derive(Debug, Clone, Default)]
struct ClassSlot {
    key: u64,
    /// The class bits of `word` (low 32 bits; 0 in the slot of a key no
    /// class word has, which holds its starts alone) and the starts bits
    /// of `key` (above them: a phrase starts at any word with the key), in
    /// one word that is 0 in an empty slot.
    marks: u64,
    word: Box<str>,
}

impl ClassSlot {
    fn new(key: u64, bits: u32, starts: u8, word: &str) -> ClassSlot {
        ClassSlot {
            key,
            marks: u64::from(bits) | u64::from(starts) << 32,
            word: word.into(),
        }
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.marks == 0
    }

    #[inline]
    fn bits(&self) -> u32 {
        self.marks as u32
    }

    #[inline]
    fn starts(&self) -> u8 {
        (self.marks >> 32) as u8
    }
}

impl ClassTable {
    /// The table of `words` (word, class bits) and `keys` (key, starts
    /// bits), at most a quarter full.
    fn new(words: &[(String, u32)], keys: &FxHashMap<u64, u8>) -> ClassTable {
        let starts_of = |key: u64| keys.get(&key).copied().unwrap_or(0);
        let mut filled: Vec<ClassSlot> = words
            .iter()
            .filter(|(_, bits)| *bits != 0)
            .map(|(w, bits)| {
                let key = word_key(w);
                ClassSlot::new(key, *bits, starts_of(key), w)
            })
            .collect();
        let worded: FxHashSet<u64> = filled.iter().map(|s| s.key).collect();
        filled.extend(
            keys.iter()
                .filter(|(key, starts)| **starts != 0 && !worded.contains(key))
                .map(|(&key, &starts)| ClassSlot::new(key, 0, starts, "")),
        );
        let size = (filled.len() * 4).next_power_of_two().max(2);
        let mut t = ClassTable {
            slots: vec![ClassSlot::default(); size].into_boxed_slice(),
            shift: 64 - size.trailing_zeros(),
        };
        for s in filled {
            let mut i = t.slot(s.key);
            while !t.slots[i].is_empty() {
                i = (i + 1) & (size - 1);
            }
            t.slots[i] = s;
        }
        t
    }

    #[inline]
    fn slot(&self, key: u64) -> usize {
        (key >> self.shift) as usize
    }

    /// The class bits of the word `low` with key `key` (0 for a word in no
    /// class), and the starts bits of the key (0 for a key that starts no
    /// phrase of a marked set).
    #[inline]
    fn get(&self, low: &str, key: u64) -> (u32, u8) {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(key);
        let mut starts = 0;
        loop {
            let s = &self.slots[i];
            if s.is_empty() {
                return (0, starts);
            }
            if s.key == key {
                if s.bits() == 0 {
                    // No class word has the key.
                    return (0, s.starts());
                }
                starts = s.starts();
                if crate::lexicon::same_word(&s.word, low) {
                    return (s.bits(), starts);
                }
            }
            i = (i + 1) & mask;
        }
    }
}

/// `word` as a `&'static str`, leaked the first time the process meets it.
///
/// Every event carries its type and mode words from the rules; lent, they
/// are not copied per event. The words are a small closed vocabulary (the
/// PLOVER types and modes of `events.toml`, a few hundred bytes), leaked
/// once per process however many times the rules are built.
pub(crate) fn lend(word: &str) -> &'static str {
    static LENT: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    // A poisoned lock still holds whole words: nothing panics mid-push.
    let mut lent = LENT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(w) = lent.iter().find(|w| **w == word) {
        return w;
    }
    let w: &'static str = Box::leak(word.into());
    lent.push(w);
    w
}

fn set(v: Vec<String>) -> FxHashSet<String> {
    v.into_iter().map(|s| s.to_lowercase()).collect()
}

impl Rules {
    /// The lexicons compiled into the binary. The data files are checked by
    /// the unit tests, so a parse failure here cannot reach a user; should it
    /// happen anyway, the affected lexicon is empty rather than a panic.
    pub fn embedded() -> Rules {
        let ev: EventsFile = toml::from_str(EVENTS).unwrap_or(EventsFile {
            trigger: Vec::new(),
            mode_cue: Vec::new(),
        });
        let gr: GrammarFile = toml::from_str(GRAMMAR).unwrap_or_else(|_| GrammarFile {
            irregular: HashMap::new(),
            prepositions: vec![],
            locatives: vec![],
            recipient_preps: vec![],
            list_joiners: vec![],
            pronouns: vec![],
            determiners: vec![],
            reporting: vec![],
            clause_breaks: vec![],
            negation: vec![],
            future: vec![],
            hypothetical: vec![],
            historical: vec![],
            people_nouns: vec![],
            force_nouns: vec![],
            crowd_nouns: vec![],
            combat_nouns: vec![],
            agent_nouns: vec![],
            of_heads: vec![],
            regions: vec![],
            reduced_relative_types: vec![],
            actor_object_particles: vec![],
            span_edges: vec![],
            agent_compounds: vec![],
            mediator_participles: vec![],
            communities: HashMap::new(),
        });
        let cl: ClaimsFile = toml::from_str(CLAIMS).unwrap_or_else(|_| ClaimsFile {
            category: vec![],
            before: vec![],
            population: HashMap::new(),
            communities: vec![],
            item: HashMap::new(),
            numbers: HashMap::new(),
            multipliers: HashMap::new(),
            vague: HashMap::new(),
            lower_bound: vec![],
            measures: vec![],
            claimant_before: vec![],
            claimant_verbs: vec![],
            adversaries: HashMap::new(),
        });
        let irr = &gr.irregular;
        let triggers = PhraseSet::new(
            ev.trigger
                .into_iter()
                .map(|t| {
                    (
                        Phrase::parse(&t.phrase, t.inflected_only),
                        Trigger {
                            phrase: t.phrase,
                            kind: lend(&t.kind),
                            mode: t.mode.as_deref().map(lend),
                            noun: t.noun,
                            verb_only: t.verb_only,
                            actor_after: t.actor_after,
                            speaker_acts: t.speaker_acts,
                            only_after: t.only_after,
                            not_before: t.not_before,
                            not_after: t.not_after,
                            only_before: t.only_before,
                            mutual: t.mutual,
                            crowd_riot: t.crowd_riot,
                            suffered: t.suffered,
                        },
                    )
                })
                .collect(),
            irr,
        )
        .marked(starts::TRIGGERS);
        let mut cues = Vec::new();
        for c in ev.mode_cue {
            for w in c.words {
                cues.push((Phrase::parse(&w, false), (lend(&c.kind), lend(&c.mode))));
            }
        }
        let words = |v: Vec<CatDef>| -> Vec<(Phrase, String)> {
            let mut out = Vec::new();
            for c in v {
                for w in c.words {
                    out.push((Phrase::parse(&w, false), c.name.clone()));
                }
            }
            out
        };
        let table = |m: HashMap<String, Vec<String>>| -> Vec<(Phrase, String)> {
            let mut out = Vec::new();
            for (k, ws) in m {
                for w in ws {
                    out.push((Phrase::parse(&w, false), k.clone()));
                }
            }
            out
        };
        let plain = |v: Vec<String>| -> Vec<(Phrase, ())> {
            v.into_iter()
                .map(|w| (Phrase::parse(&w, false), ()))
                .collect()
        };
        let mut be: FxHashSet<String> = gr
            .irregular
            .get("be")
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .collect();
        be.insert("be".into());
        let irregular_forms = gr.irregular.values().flatten().cloned().collect();
        let mut r = Rules {
            irregular_forms,
            mode_cues: PhraseSet::new(cues, irr).marked(starts::MODE_CUES),
            prepositions: set(gr.prepositions),
            particle_verbs: gr
                .actor_object_particles
                .iter()
                .filter_map(|p| match Phrase::parse(p, false).words.as_slice() {
                    [verb, prep] => Some((verb.clone(), prep.clone())),
                    _ => None,
                })
                .collect(),
            span_edges: set(gr.span_edges),
            agent_compounds: set(gr.agent_compounds),
            mediator_participles: set(gr.mediator_participles),
            locatives: set(gr.locatives),
            recipient_preps: set(gr.recipient_preps),
            list_joiners: set(gr.list_joiners),
            pronouns: set(gr.pronouns),
            determiners: set(gr.determiners),
            reporting: PhraseSet::new(plain(gr.reporting), irr).marked(starts::REPORTING),
            clause_breaks: set(gr.clause_breaks),
            negation: set(gr.negation),
            future: set(gr.future),
            hypothetical: set(gr.hypothetical),
            historical: set(gr.historical),
            people_nouns: set(gr.people_nouns),
            force_nouns: set(gr.force_nouns),
            crowd_nouns: gr.crowd_nouns,
            combat_nouns: set(gr.combat_nouns),
            agent_nouns: set(gr.agent_nouns),
            of_heads: set(gr.of_heads),
            regions: set(gr.regions),
            reduced_relative_types: gr.reduced_relative_types.into_iter().collect(),
            community_of: gr.communities,
            be,
            categories: PhraseSet::new(words(cl.category), irr).marked(starts::CATEGORIES),
            before: PhraseSet::new(words(cl.before), irr).marked(starts::BEFORE),
            populations: PhraseSet::new(table(cl.population), &HashMap::new()),
            communities: set(cl.communities),
            items: PhraseSet::new(table(cl.item), &HashMap::new()),
            numbers: cl.numbers.into_iter().collect(),
            multipliers: cl.multipliers.into_iter().collect(),
            vague: PhraseSet::new(
                cl.vague
                    .into_iter()
                    .map(|(k, v)| (Phrase::parse(&k, false), v))
                    .collect(),
                &HashMap::new(),
            )
            .marked(starts::VAGUE),
            lower_bound: PhraseSet::new(plain(cl.lower_bound), &HashMap::new()),
            measures: set(cl.measures),
            claimant_before: PhraseSet::new(plain(cl.claimant_before), &HashMap::new())
                .marked(starts::CLAIMANT_BEFORE),
            claimant_verbs: PhraseSet::new(plain(cl.claimant_verbs), irr)
                .marked(starts::CLAIMANT_VERBS),
            adversaries: cl.adversaries.into_iter().collect(),
            triggers,
            classes: ClassTable::new(&[], &FxHashMap::default()),
        };
        r.classes = ClassTable::new(&r.class_words(), &r.start_keys());
        r
    }

    /// Every key a phrase of a marked set starts at, with the [`starts`]
    /// bits of the sets.
    fn start_keys(&self) -> FxHashMap<u64, u8> {
        let mut keys: FxHashMap<u64, u8> = FxHashMap::default();
        let mut add = |set: &mut dyn Iterator<Item = u64>, bit: u8| {
            for k in set {
                *keys.entry(k).or_default() |= bit;
            }
        };
        add(&mut self.triggers.start_keys(), starts::TRIGGERS);
        add(&mut self.reporting.start_keys(), starts::REPORTING);
        add(&mut self.mode_cues.start_keys(), starts::MODE_CUES);
        add(&mut self.vague.start_keys(), starts::VAGUE);
        add(
            &mut self.claimant_before.start_keys(),
            starts::CLAIMANT_BEFORE,
        );
        add(
            &mut self.claimant_verbs.start_keys(),
            starts::CLAIMANT_VERBS,
        );
        add(&mut self.categories.start_keys(), starts::CATEGORIES);
        add(&mut self.before.start_keys(), starts::BEFORE);
        keys
    }

    /// Every word of the class sets, with its class bits.
    fn class_words<'a>(&'a self) -> Vec<(String, u32)> {
        let sets = [
            (&self.prepositions, class::PREPOSITION),
            (&self.determiners, class::DETERMINER),
            (&self.clause_breaks, class::CLAUSE_BREAK),
            (&self.people_nouns, class::PEOPLE_NOUN),
            (&self.locatives, class::LOCATIVE),
            (&self.be, class::BE),
            (&self.of_heads, class::OF_HEAD),
            (&self.force_nouns, class::FORCE_NOUN),
            (&self.regions, class::REGION),
            (&self.negation, class::NEGATION),
            (&self.list_joiners, class::LIST_JOINER),
            (&self.hypothetical, class::HYPOTHETICAL),
            (&self.historical, class::HISTORICAL),
            (&self.future, class::FUTURE),
            (&self.communities, class::COMMUNITY),
            (&self.irregular_forms, class::IRREGULAR_FORM),
        ];
        let mut table: FxHashMap<&str, u32> = FxHashMap::default();
        let mut add = |w: &'a str, bit: u32| *table.entry(w).or_default() |= bit;
        for (set, bit) in sets {
            for w in set {
                add(w, bit);
            }
        }
        for w in self.numbers.keys() {
            add(w, class::NUMBER);
        }
        for w in self.multipliers.keys() {
            add(w, class::MULTIPLIER);
        }
        table
            .into_iter()
            .map(|(w, bits)| (w.to_owned(), bits))
            .collect()
    }

    /// The [`class`] bits of a token (0 for a word in no class); `key` is
    /// its [`word_key`].
    #[inline]
    pub fn class_of(&self, low: &str, key: u64) -> u32 {
        self.classes.get(low, key).0
    }

    /// [`Rules::class_of`] of a token, and the [`starts`] bits of its key:
    /// one lookup for both.
    #[inline]
    pub(crate) fn class_and_starts(&self, low: &str, key: u64) -> (u32, u8) {
        self.classes.get(low, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lent_once() {
        let a = lend(&String::from("ASSAULT"));
        let b = lend(&String::from("ASSAULT"));
        assert_eq!(a, "ASSAULT");
        assert!(std::ptr::eq(a, b));
        assert_eq!(lend("yield"), "yield");
        // Rules built again lend the same words.
        let (r1, r2) = (Rules::embedded(), Rules::embedded());
        let (t1, t2) = (r1.triggers.get(0), r2.triggers.get(0));
        assert!(std::ptr::eq(t1.kind, t2.kind));
    }

    #[test]
    fn every_class_word_has_its_bits_and_no_other_word_any() {
        let r = Rules::embedded();
        let words = r.class_words();
        assert!(words.len() > 100);
        for (w, bits) in &words {
            assert_eq!(r.class_of(w, word_key(w)), *bits, "{w}");
        }
        let known: FxHashSet<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
        for w in ["attack", "Baku", "armenia", ".", "", "x", "thee", "ofs"] {
            if !known.contains(w) {
                assert_eq!(r.class_of(w, word_key(w)), 0, "{w}");
            }
        }
        // A word that shares a class word's key is still no class word.
        assert_eq!(r.class_of("not-the-word", word_key("the")), 0);
        // A small table fills up to a quarter and finds all it holds.
        let few: Vec<(String, u32)> = (0..40).map(|i| (format!("w{i}"), 1 << (i % 17))).collect();
        let t = ClassTable::new(&few, &FxHashMap::default());
        for (w, bits) in &few {
            assert_eq!(t.get(w, word_key(w)), (*bits, 0));
        }
    }

    #[test]
    fn a_key_has_the_starts_of_the_marked_sets_that_have_it_whatever_its_word() {
        let r = Rules::embedded();
        let keys = r.start_keys();
        assert!(keys.len() > 100);
        for (&key, &starts) in &keys {
            // A word that is no class word, with the key.
            assert_eq!(r.class_and_starts("not-a-word", key).1, starts);
        }
        for (w, bits) in r.class_words() {
            let key = word_key(&w);
            let starts = keys.get(&key).copied().unwrap_or(0);
            assert_eq!(r.class_and_starts(&w, key), (bits, starts), "{w}");
        }
        assert_eq!(r.class_and_starts("baku", word_key("baku")), (0, 0));
        // Keys shared by class words and keys alone.
        let words = [
            ("the".to_string(), class::DETERMINER),
            ("of".to_string(), 0),
        ];
        let shared = FxHashMap::from_iter([(word_key("the"), 1), (word_key("said"), 2)]);
        let t = ClassTable::new(&words, &shared);
        assert_eq!(t.get("the", word_key("the")), (class::DETERMINER, 1));
        assert_eq!(t.get("eht", word_key("the")), (0, 1));
        assert_eq!(t.get("said", word_key("said")), (0, 2));
        assert_eq!(t.get("of", word_key("of")), (0, 0));
    }

    #[test]
    fn marked_sets_find_what_they_find_by_their_keys() {
        let r = Rules::embedded();
        // Every first word of the marked sets, in a text, with others.
        let mut text = String::from("The army said Baku shelled 5 villages, a few dozen people ");
        for set in [&r.triggers.entries_text(), &r.reporting.entries_text()] {
            text.push_str(set);
        }
        text.push_str(&r.vague.entries_text());
        text.push_str(&r.claimant_before.entries_text());
        text.push_str(&r.claimant_verbs.entries_text());
        text.push_str(&r.mode_cues.entries_text());
        text.push_str(&r.categories.entries_text());
        text.push_str(&r.before.entries_text());
        let lowered = text.to_ascii_lowercase();
        let mut spill = crate::text::Spill::new();
        let unknown = crate::text::tokenize(&text, &lowered, &mut spill, 0, text.len());
        let mut marked = unknown.clone();
        for t in &mut marked {
            let (class, starts) = r.class_and_starts(t.low, t.key);
            t.class = class;
            t.starts &= starts;
        }
        assert!(marked.iter().any(|t| t.starts != 0));
        assert!(marked.iter().any(|t| t.word && t.starts == 0));
        let n = marked.len();
        macro_rules! same {
            ($($set:ident),*) => {$(
                assert_eq!(r.$set.find_all(&marked, 0, n), r.$set.find_all(&unknown, 0, n));
                for i in 0..n {
                    assert_eq!(r.$set.longest_at(&marked, i), r.$set.longest_at(&unknown, i));
                }
            )*};
        }
        same!(
            triggers,
            reporting,
            vague,
            claimant_before,
            claimant_verbs,
            mode_cues,
            categories,
            before
        );
    }

    #[test]
    fn data_files_parse() {
        assert!(toml::from_str::<EventsFile>(EVENTS).is_ok());
        assert!(toml::from_str::<GrammarFile>(GRAMMAR).is_ok());
        assert!(toml::from_str::<ClaimsFile>(CLAIMS).is_ok());
        let r = Rules::embedded();
        assert!(r.prepositions.contains("in"));
        assert_eq!(r.numbers.get("three"), Some(&3));
    }
}
