//! Who acts on whom in whole-pipeline runs on unseen sentences: the
//! recogniser's mentions (with their sectors) feeding the coder.

use casus_pipeline::Pipeline;
use casus_read::{read_bytes, ReadOptions};
use std::sync::OnceLock;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(Pipeline::embedded)
}

/// (type, actor id, recipient id) of every event in `text`.
fn events(text: &str) -> Vec<(String, String, String)> {
    let doc = read_bytes("t.txt", text.as_bytes(), &ReadOptions::default()).expect("reads");
    let id =
        |a: &Option<casus_extract::Actor>| a.as_ref().map_or(String::new(), |a| a.id.to_string());
    pipeline()
        .process(doc)
        .events
        .iter()
        .map(|e| (e.kind.clone(), id(&e.actor), id(&e.recipient)))
        .collect()
}

fn has(v: &[(String, String, String)], kind: &str, actor: &str, recipient: &str) -> bool {
    v.iter()
        .any(|e| e.0 == kind && e.1 == actor && e.2 == recipient)
}

#[test]
fn soldiers_attacked_are_their_state_people_helped_their_community() {
    let v = events(
        "On 3 October 2020, Azerbaijani forces shelled the village, killing two Armenian soldiers.",
    );
    assert!(has(&v, "ASSAULT", "AZE", "ARM"), "{v:?}");
    let v = events("On 22 October 2020, the Armenian parliament passed a law to write off the debts of the Armenian servicemen.");
    assert!(v.iter().any(|e| e.2 == "ARMENIANS"), "{v:?}");
}

#[test]
fn demonstrators_are_their_community() {
    let v = events("On 2 October 2020, Azerbaijani demonstrators gathered outside the embassy.");
    assert!(has(&v, "PROTEST", "AZERBAIJANIS", ""), "{v:?}");
}

#[test]
fn the_military_and_its_officials_are_the_state() {
    let v = events("On 5 October 2020, the Azerbaijani authorities accused the Armenian military of targeting civilians.");
    assert!(has(&v, "ACCUSE", "AZE", "ARM"), "{v:?}");
}

#[test]
fn deployed_fighters_are_their_own_sides_mobilisation() {
    let v = events("Hezbollah fighters were reportedly deployed to the region in October 2020.");
    assert!(has(&v, "MOBILIZE", "HEZBOLLAH", ""), "{v:?}");
    let v =
        events("On 10 November 2020, Russian peacekeepers were deployed to the Lachin corridor.");
    assert!(has(&v, "MOBILIZE", "RUS", ""), "{v:?}");
}

#[test]
fn a_state_speaks_to_no_one_when_it_speaks_of_itself() {
    let v = events(
        "On 2 October 2020, the Pentagon denied that American advisers were present in the region.",
    );
    assert!(has(&v, "REJECT", "USA", ""), "{v:?}");
    // Force against its own people or soldiers keeps its recipient.
    let v = events(
        "On 14 December 2020, the Azerbaijani security forces arrested two Azerbaijani privates.",
    );
    assert!(
        v.iter()
            .any(|e| e.0 == "COERCE" && e.1 == "AZE" && e.2 == "AZE"),
        "{v:?}"
    );
    let v = events(
        "As of 8 November 2020, one Armenian activist was fined by the police for his post.",
    );
    assert!(
        v.iter().any(|e| e.0 == "COERCE" && e.2 == "ARMENIANS"),
        "{v:?}"
    );
}

#[test]
fn a_crowd_that_storms_or_clashes_riots() {
    let v = events("Protesters in Baku stormed the parliament building on 10 November 2020.");
    assert!(has(&v, "PROTEST", "AZERBAIJANIS", ""), "{v:?}");
    let v = events("On 10 November 2020, demonstrators clashed with police outside the government building in Yerevan.");
    assert!(v.iter().any(|e| e.0 == "PROTEST"), "{v:?}");
    // Troops storm, and protesters attacked by police are no rioters.
    let v = events("Azerbaijani troops stormed Shusha on 8 November 2020.");
    assert!(has(&v, "ASSAULT", "AZE", ""), "{v:?}");
    let v = events("Several protesters were attacked by police in Yerevan on 11 November 2020.");
    assert!(v.iter().all(|e| e.0 != "PROTEST"), "{v:?}");
}
