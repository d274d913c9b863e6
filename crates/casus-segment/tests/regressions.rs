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
