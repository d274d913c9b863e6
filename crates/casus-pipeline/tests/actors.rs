//! Who acts on whom in whole-pipeline runs on unseen sentences: the
//! recogniser's mentions (with their sectors) feeding the coder.

use casus_pipeline::Pipeline;
use casus_read::{read_bytes, ReadOptions};
use std::sync::OnceLock;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(Pipeline::embedded)
}

/// `text` read as a plain-text document and processed.
fn processed(text: &str) -> casus_pipeline::Processed {
    let doc = read_bytes("t.txt", text.as_bytes(), &ReadOptions::default()).expect("reads");
    pipeline().process(doc)
}

/// The first event of type `kind` in `text`, if any.
fn first_event(text: &str, kind: &str) -> Option<casus_extract::Event> {
    processed(text).events.into_iter().find(|e| e.kind == kind)
}

/// (type, actor id, recipient id) of every event in `text`.
fn events(text: &str) -> Vec<(String, String, String)> {
    let id =
        |a: &Option<casus_extract::Actor>| a.as_ref().map_or(String::new(), |a| a.id.to_string());
    processed(text)
        .events
        .iter()
        .map(|e| (e.kind.to_string(), id(&e.actor), id(&e.recipient)))
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

#[test]
fn one_soldier_is_the_state_like_many() {
    let v = events("On 12 July 2020, an Armenian soldier was killed by Azerbaijani sniper fire.");
    assert!(has(&v, "ASSAULT", "AZE", "ARM"), "{v:?}");
    let v = events("On 13 July 2020, an Azerbaijani major general was killed in the clashes.");
    assert!(has(&v, "ASSAULT", "", "AZE"), "{v:?}");
}

#[test]
fn who_fought_them_killed_them() {
    let v = events(
        "On 12 July 2020, an Armenian soldier was killed in a firefight with Azerbaijani troops.",
    );
    assert!(has(&v, "ASSAULT", "AZE", "ARM"), "{v:?}");
    // The wounded of an elliptical passive are wounded, not wounding.
    let v = events("On 8 February 2017, one Armenian soldier was killed and another wounded in a firefight with Azerbaijani troops.");
    assert!(v.iter().all(|e| e.1 != "ARM"), "{v:?}");
    assert!(has(&v, "ASSAULT", "AZE", "ARM"), "{v:?}");
    let v = events(
        "On 14 July 2020, two Azerbaijani soldiers died in clashes with Armenian forces near Tovuz.",
    );
    assert!(has(&v, "ASSAULT", "ARM", "AZE"), "{v:?}");
    // Dying is no attack by itself.
    let v = events("On 2 March 2021, the Armenian ambassador died in hospital of a heart attack.");
    assert!(v.iter().all(|e| e.0 != "ASSAULT"), "{v:?}");
}

#[test]
fn an_agreement_signed_between_parties_is_theirs() {
    let v = events(
        "On 30 September 2020, a ceasefire agreement was signed between Armenia and Azerbaijan.",
    );
    assert!(has(&v, "SUPPORT", "ARM", "AZE"), "{v:?}");
    assert!(has(&v, "SUPPORT", "AZE", "ARM"), "{v:?}");
}

#[test]
fn a_case_filed_against_a_state_accuses_it() {
    let v = events("On 30 October 2020, Armenia filed a case against Azerbaijan at the European Court of Human Rights.");
    assert!(has(&v, "ACCUSE", "ARM", "AZE"), "{v:?}");
    // Charges filed by someone unnamed are no one's accusation.
    let v =
        events("In 2021, Armenian prisoners were held in Baku, with charges filed against them.");
    assert!(v.iter().all(|e| e.0 != "ACCUSE"), "{v:?}");
}

#[test]
fn a_bare_unnamed_subject_takes_no_actor_from_the_paragraph() {
    let v = events(
        "On 4 October 2020, Azerbaijan shelled Stepanakert. Overnight, drones attacked Martuni.",
    );
    assert!(has(&v, "ASSAULT", "", ""), "{v:?}");
    assert_eq!(v.iter().filter(|e| e.1 == "AZE").count(), 1, "{v:?}");
    let v = events("On 10 November 2020, Russian peacekeepers were deployed. Within hours, protesters seized the parliament building in Yerevan.");
    assert!(
        v.iter().all(|e| !(e.0 == "PROTEST" && e.1 == "RUS")),
        "{v:?}"
    );
    assert!(v.iter().any(|e| e.0 == "PROTEST"), "{v:?}");
    // A pronoun still refers back.
    let v =
        events("On 5 October 2020, Turkey issued a statement. It condemned the shelling of Ganja.");
    assert!(has(&v, "ACCUSE", "TUR", ""), "{v:?}");
}

#[test]
fn banned_weapons_used_and_criminal_cases_opened() {
    let v = events("On 19 October 2020, Amnesty International said Armenian forces had used cluster munitions in Barda.");
    assert!(has(&v, "ASSAULT", "ARM", ""), "{v:?}");
    // The maker of the weapon is not its target.
    let v = events(
        "On 4 October 2020, Azerbaijan used Israeli-made cluster munitions against Stepanakert.",
    );
    assert!(v.iter().all(|e| e.2 != "ISR"), "{v:?}");
    // The use of weapons, named as a thing, is nobody's act.
    let v = events("On 5 October 2020, observers objected to the use of cluster munitions.");
    assert!(v.iter().all(|e| e.0 != "ASSAULT"), "{v:?}");
    let v = events("On 27 October 2020, the Azerbaijani Prosecutor General's Office opened a criminal case against Armenian officials.");
    assert!(has(&v, "ACCUSE", "AZE", "ARM"), "{v:?}");
}

#[test]
fn what_a_party_accuses_the_other_of_is_its_claim() {
    let text = "On 4 October 2020, Azerbaijani authorities accused the Armenian Armed Forces of an artillery attack on Ganja.";
    let shelling = first_event(text, "ASSAULT").expect("the shelling is an event");
    assert_eq!(shelling.actor.as_ref().map(|a| a.id.as_str()), Some("ARM"));
    assert_eq!(shelling.claimed_by.as_deref(), Some("AZE"));
}

#[test]
fn an_act_an_accusation_names_is_the_accused_partys_event() {
    for text in [
        "On 4 October 2020, Azerbaijan accused Armenian forces of shelling Ganja.",
        "On 4 October 2020, Azerbaijan accused Armenia of deliberately shelling Ganja.",
        "On 4 October 2020, Baku blamed Armenia for the shelling of Ganja.",
    ] {
        let p = processed(text);
        let kinds: Vec<_> = p.events.iter().map(|e| e.kind).collect();
        assert!(kinds.contains(&"ACCUSE"), "{text}: {kinds:?}");
        let shelling = p
            .events
            .iter()
            .find(|e| e.kind == "ASSAULT")
            .unwrap_or_else(|| panic!("{text}: the shelling is an event: {kinds:?}"));
        assert_eq!(
            shelling.actor.as_ref().map(|a| a.id.as_str()),
            Some("ARM"),
            "{text}"
        );
    }
    // Concern about an act names no accused party: the act stays its content.
    let v = events("On 4 October 2020, the EU expressed concern about the shelling of Ganja.");
    assert!(v.iter().all(|e| e.0 != "ASSAULT"), "{v:?}");
}

#[test]
fn a_place_taken_as_the_object_is_where_it_happened() {
    for (text, place) in [
        (
            "On 9 October 2020, Azerbaijani forces captured Hadrut.",
            "hadrut",
        ),
        (
            "On 4 October 2020, Armenian forces shelled Ganja and Tartar.",
            "ganja",
        ),
        // A capital attacked is its state's loss and the place.
        (
            "On 4 October 2020, Azerbaijani forces shelled Stepanakert.",
            "stepanakert",
        ),
        // A phrase that says where wins over the object.
        (
            "On 4 October 2020, Armenian forces shelled Ganja from Martakert.",
            "martakert",
        ),
    ] {
        let e = first_event(text, "ASSAULT").expect("an attack");
        assert_eq!(
            e.location.as_ref().map(|l| l.id.as_str()),
            Some(place),
            "{text}"
        );
    }
    // A capital accused is the accused state, not where the accusation was made.
    let e = first_event(
        "On 4 October 2020, Armenia accused Baku of deliberately targeting civilians.",
        "ACCUSE",
    )
    .expect("an accusation");
    assert!(e.location.is_none(), "{e:?}");
    // A place after a noun is no object of the verb before it.
    let text = "On 4 October 2020, Armenian forces shelled positions Ganja had fortified.";
    let p = processed(text);
    assert!(
        p.events.iter().all(|e| e.location.is_none()),
        "{:?}",
        p.events
    );
}

#[test]
fn a_reporter_with_a_role_phrase_still_reports() {
    for text in [
        "On 4 October 2020, Armenian forces shelled Ganja, Hikmet Hajiyev, an aide to President Ilham Aliyev, said.",
        "On 4 October 2020, Armenian forces shelled Ganja, an aide to the Azerbaijani president said.",
    ] {
        let e = first_event(text, "ASSAULT").expect("an attack");
        assert_eq!(e.claimed_by.as_deref(), Some("AZE"), "{text}");
    }
    // A list is no apposition, a participle no report.
    let text = "On 8 October 2020, three Russian journalists reporting in Shusha were injured by an Azerbaijani attack.";
    let p = processed(text);
    assert!(
        p.claims.iter().all(|c| c.claimant.is_none()),
        "{:?}",
        p.claims
    );
}

#[test]
fn more_ways_to_fight() {
    let v =
        events("On 5 October 2020, Armenian troops repelled an Azerbaijani attack near Martuni.");
    assert!(has(&v, "ASSAULT", "ARM", "AZE"), "{v:?}");
    let v = events("On 12 October 2020, the Armenian army downed two Azerbaijani helicopters.");
    assert!(has(&v, "ASSAULT", "ARM", "AZE"), "{v:?}");
    let v = events("On 13 October 2020, Azerbaijani artillery pounded Armenian positions.");
    assert!(has(&v, "ASSAULT", "AZE", "ARM"), "{v:?}");
    let v = events("On 4 October 2020, Azerbaijani forces regained control of seven villages.");
    assert!(has(&v, "ASSAULT", "AZE", ""), "{v:?}");
    // "down" the adverb, "pounds" the currency are no attacks.
    let v = events("On 6 October 2020, Armenia cut its budget down by two million pounds.");
    assert!(v.iter().all(|e| e.0 != "ASSAULT"), "{v:?}");
}
