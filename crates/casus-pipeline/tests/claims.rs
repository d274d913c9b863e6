//! The numbers each side claims, in whole-pipeline runs on unseen sentences:
//! what was counted, whose losses, and who says so.

use casus_pipeline::Pipeline;
use casus_read::{read_bytes, ReadOptions};
use std::sync::OnceLock;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(Pipeline::embedded)
}

/// (category, item or population, subject, claimant, low) of every claim.
fn claims(text: &str) -> Vec<(String, String, String, String, u64)> {
    let doc = read_bytes("t.txt", text.as_bytes(), &ReadOptions::default()).expect("reads");
    pipeline()
        .process(doc)
        .claims
        .iter()
        .map(|c| {
            (
                c.category.clone(),
                c.item.clone().unwrap_or_else(|| c.population.clone()),
                c.subject.as_deref().unwrap_or_default().to_owned(),
                c.claimant.as_deref().unwrap_or_default().to_owned(),
                c.value.low.unwrap_or_default(),
            )
        })
        .collect()
}

fn has(v: &[(String, String, String, String, u64)], want: (&str, &str, &str, &str, u64)) -> bool {
    v.iter()
        .any(|c| (c.0.as_str(), c.1.as_str(), c.2.as_str(), c.3.as_str(), c.4) == want)
}

#[test]
fn a_verb_governs_its_whole_list() {
    let v = claims("On 6 October 2020, Azerbaijan claimed to have destroyed 130 tanks, 200 artillery units and 27 air-defence systems.");
    assert!(has(&v, ("destroyed", "tank", "ARM", "AZE", 130)), "{v:?}");
    assert!(
        has(&v, ("destroyed", "artillery", "ARM", "AZE", 200)),
        "{v:?}"
    );
    assert!(
        has(&v, ("destroyed", "air-defence", "ARM", "AZE", 27)),
        "{v:?}"
    );
}

#[test]
fn labels_name_their_numbers_and_losers_their_losses() {
    let v = claims("In 2020, the war ended. According to the Dutch research group Oryx, Armenia lost 222 tanks (destroyed: 134, damaged: 5, captured: 83), while Azerbaijan lost 36 tanks (destroyed: 22, damaged: 11).");
    assert!(has(&v, ("destroyed", "tank", "ARM", "NLD", 134)), "{v:?}");
    assert!(has(&v, ("captured", "tank", "ARM", "NLD", 83)), "{v:?}");
    assert!(has(&v, ("destroyed", "tank", "AZE", "NLD", 36)), "{v:?}");
    assert!(has(&v, ("damaged", "tank", "AZE", "NLD", 11)), "{v:?}");
}

#[test]
fn whose_dead_the_cue_counts() {
    let v = claims("By the end of 2014, the number of Azerbaijanis killed rose to 39.");
    assert!(v.iter().any(|c| c.4 == 39 && c.2 == "AZE"), "{v:?}");
}
