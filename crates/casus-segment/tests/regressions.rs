//! Fuzz findings (issue 8) turned into regression tests.

use casus_segment::Segmenter;

/// A line that starts like a numbered list item ("92. In its ...") made
/// the segmenter treat the marker's period as a terminator before the
/// sentence start, and slice `text[sent_start..dot]` backwards (panic).
#[test]
fn numbered_item_marker_is_not_a_terminator() {
    let seg = Segmenter::embedded();
    for text in [
        "92. In its official statements, Iran calls for restraint. At the same time it waits.",
        "1992. In its official statements, Iran calls for a peaceful settlement.",
        "1. Foo",
        "1. A. B. C. D.",
        "  3) Bar. Baz.",
        "Intro line.\n10. Ten. Eleven.\n- Dash. Item.\n",
        "7. ",
        "7.",
    ] {
        for s in seg.split(text) {
            assert!(s.start <= s.end && s.end <= text.len(), "{text:?}: {s:?}");
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
    }
    let s = seg.split("92. In its statements, Iran calls. At the same time it waits.");
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].start, 4, "the sentence starts after the marker");
}

/// An unbroken line (no terminators) used to be one sentence: a 1 MB line
/// made the claim and event coders quadratic (60 s and 20 GB of memory).
/// Sentences are now cut at a clause or word break past 2048 bytes.
#[test]
fn an_endless_sentence_is_cut_at_word_breaks() {
    let seg = Segmenter::embedded();
    let text = "Azerbaijani forces shelled Stepanakert and Yerevan said twelve soldiers died; "
        .repeat(2000);
    let s = seg.split(&text);
    assert!(s.len() > 70, "{}", s.len());
    let mut at = 0;
    for x in &s {
        assert!(x.end - x.start <= 2048);
        assert!(text[at..x.start].trim().is_empty(), "nothing skipped");
        at = x.end;
    }
    assert_eq!(at, text.trim_end().len());
    assert!(s[0].end - s[0].start > 1500 && text[..s[0].end].ends_with(';'));
    let wide = "Ստեփանակերտ ".repeat(1000);
    for x in seg.split(&wide) {
        assert!(wide.is_char_boundary(x.start) && wide.is_char_boundary(x.end));
    }
    let word = "x".repeat(5000);
    assert_eq!(seg.split(&word).len(), 3);
}
