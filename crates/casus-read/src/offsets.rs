//! The map from clean-text bytes back to raw-file bytes.
//!
//! A clean text is built from *pieces*: runs copied verbatim from the raw file,
//! and short synthetic strings (a space standing for a line break, `&` for
//! `&amp;`) that stand for a raw range. The map keeps one entry per piece, so
//! any clean range maps back to the smallest raw range that produced it.

use serde::Serialize;

/// A half-open byte range `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    clean: usize,
    clean_len: usize,
    raw: usize,
    raw_len: usize,
    /// Copied pieces are byte-identical to their raw range.
    copied: bool,
}

/// Maps clean-text byte offsets to raw byte offsets.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    pieces: Vec<Piece>,
}

impl OffsetMap {
    /// The raw range behind the clean range `[start, end)`.
    ///
    /// Offsets inside a copied piece map byte for byte; a synthetic piece maps
    /// to its whole raw range. An empty range maps to an empty raw range.
    pub fn to_raw(&self, clean: Span) -> Span {
        self.cursor().to_raw(clean)
    }

    /// A [`RawCursor`] over this map, for many ranges in document order.
    pub fn cursor(&self) -> RawCursor<'_> {
        RawCursor {
            map: self,
            piece: 0,
        }
    }

    /// Index of the piece holding clean byte `clean` (the last piece for
    /// an offset past the end).
    fn piece_index(&self, clean: usize) -> usize {
        self.pieces
            .partition_point(|p| p.clean + p.clean_len <= clean)
            .min(self.pieces.len() - 1)
    }

    fn piece_at(&self, clean: usize) -> &Piece {
        &self.pieces[self.piece_index(clean)]
    }

    /// Whether clean byte `at` was copied verbatim from the raw file.
    pub fn is_copied(&self, at: usize) -> bool {
        if self.pieces.is_empty() {
            return false;
        }
        let p = self.piece_at(at);
        p.copied && at >= p.clean && at < p.clean + p.clean_len
    }

    /// Number of pieces (for diagnostics and tests).
    pub fn len(&self) -> usize {
        self.pieces.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Checks the invariants: pieces are contiguous in clean space and
    /// monotonic in raw space. Returns the first violation.
    pub fn check(&self, clean_len: usize, raw_len: usize) -> Result<(), String> {
        let mut clean = 0;
        let mut raw = 0;
        for (i, p) in self.pieces.iter().enumerate() {
            if p.clean != clean {
                return Err(format!("piece {i} starts at clean {} not {clean}", p.clean));
            }
            if p.raw < raw {
                return Err(format!("piece {i} goes back in raw: {} < {raw}", p.raw));
            }
            if p.copied && p.clean_len != p.raw_len {
                return Err(format!("copied piece {i} changes length"));
            }
            clean += p.clean_len;
            raw = p.raw + p.raw_len;
        }
        if clean != clean_len {
            return Err(format!("pieces cover {clean} clean bytes of {clean_len}"));
        }
        if raw > raw_len {
            return Err(format!("pieces reach raw {raw} past {raw_len}"));
        }
        Ok(())
    }
}

/// Maps clean ranges to raw ones exactly as [`OffsetMap::to_raw`] does,
/// starting each lookup at the piece the previous one ended in: ranges
/// taken in document order (the records of a document) mostly fall in the
/// same piece or the next, which spares a binary search over all pieces.
#[derive(Clone, Debug)]
pub struct RawCursor<'m> {
    map: &'m OffsetMap,
    /// The piece of the last lookup.
    piece: usize,
}

impl RawCursor<'_> {
    /// The raw range behind the clean range `[start, end)`.
    pub fn to_raw(&mut self, clean: Span) -> Span {
        if self.map.pieces.is_empty() {
            return Span::new(0, 0);
        }
        let first = self.piece_at(clean.start);
        let start = first.raw_at(clean.start, false);
        let end = if clean.end <= clean.start {
            start
        } else if first.holds(clean.end - 1) {
            // Most ranges (a mention, a sentence of a long copied run)
            // end in the piece they start in: no second search.
            first.raw_at(clean.end - 1, true)
        } else {
            self.piece_at(clean.end - 1).raw_at(clean.end - 1, true)
        };
        Span::new(start, end.max(start))
    }

    /// [`OffsetMap::piece_index`], searched from the last piece: forward
    /// by [`gallop`], as ranges in document order mostly move a little
    /// way on (a mention a few lines after the last); backward by a binary
    /// search of the pieces before it.
    #[inline]
    fn piece_at(&mut self, at: usize) -> Piece {
        let pieces = &self.map.pieces;
        // Piece `i` is the answer when it ends after `at` and the one
        // before it does not (pieces are contiguous and sorted).
        let ends_after = |i: usize| pieces[i].clean + pieces[i].clean_len > at;
        let h = self.piece;
        let i = if !ends_after(h) {
            gallop(pieces, h + 1, at)
        } else if h == 0 || !ends_after(h - 1) {
            h
        } else {
            pieces[..h].partition_point(|p| p.clean + p.clean_len <= at)
        };
        self.piece = i;
        pieces[i]
    }
}

impl Piece {
    /// Whether clean byte `at` is one of this piece's.
    #[inline]
    fn holds(&self, at: usize) -> bool {
        at >= self.clean && at < self.clean + self.clean_len
    }

    /// Raw offset of clean byte `at` (one of this piece's, or past it:
    /// the piece's raw end); with `after`, the offset just past it.
    #[inline]
    fn raw_at(&self, at: usize, after: bool) -> usize {
        if at >= self.clean + self.clean_len {
            return self.raw + self.raw_len;
        }
        if self.copied {
            self.raw + (at - self.clean) + usize::from(after)
        } else if after {
            self.raw + self.raw_len
        } else {
            self.raw
        }
    }
}

/// The index of the first piece from `from` on that ends after clean
/// byte `at` (the last piece when none does), given that none before
/// `from` does: probes 1, 2, 4, ... pieces on until one ends after `at`,
/// then a binary search of the last stride. A lookup `d` pieces on costs
/// about `2 log d` probes, where a binary search of all pieces costs
/// `log n`.
fn gallop(pieces: &[Piece], from: usize, at: usize) -> usize {
    let n = pieces.len();
    let ends_after = |i: usize| pieces[i].clean + pieces[i].clean_len > at;
    // Every piece before `lo` ends at or before `at`.
    let mut lo = from;
    let mut stride = 1;
    let hi = loop {
        let probe = lo + stride - 1;
        if probe >= n {
            break n;
        }
        if ends_after(probe) {
            break probe + 1;
        }
        lo = probe + 1;
        stride *= 2;
    };
    let i = lo + pieces[lo..hi].partition_point(|p| p.clean + p.clean_len <= at);
    i.min(n - 1)
}

/// Builds a clean text and its [`OffsetMap`] together, so they cannot drift.
///
/// ```
/// use casus_read::offsets::{CleanBuilder, Span};
/// let raw = "Hello [1] world";
/// let mut b = CleanBuilder::new(raw);
/// b.copy(0..5);
/// b.copy(9..15);
/// let (clean, map) = b.finish();
/// assert_eq!(clean, "Hello world");
/// assert_eq!(map.to_raw(Span::new(6, 11)), Span::new(10, 15));
/// ```
#[derive(Debug)]
pub struct CleanBuilder<'a> {
    raw: &'a str,
    out: String,
    map: OffsetMap,
}

impl<'a> CleanBuilder<'a> {
    pub fn new(raw: &'a str) -> Self {
        CleanBuilder {
            raw,
            out: String::with_capacity(raw.len()),
            // A piece per line break, entity or markup run: about one per
            // 64 raw bytes in web text; reserved so the map seldom copies
            // itself while growing.
            map: OffsetMap {
                pieces: Vec::with_capacity(raw.len() / 64 + 4),
            },
        }
    }

    /// The raw text being cleaned.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The clean text so far.
    pub fn text(&self) -> &str {
        &self.out
    }

    pub fn len(&self) -> usize {
        self.out.len()
    }

    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// The raw offset where the clean text so far ends.
    pub fn raw_pos(&self) -> usize {
        self.map.pieces.last().map_or(0, |p| p.raw + p.raw_len)
    }

    /// Appends `raw[range]` verbatim.
    pub fn copy(&mut self, range: std::ops::Range<usize>) {
        if range.is_empty() {
            return;
        }
        let clean = self.out.len();
        self.out.push_str(&self.raw[range.clone()]);
        let len = range.len();
        if let Some(last) = self.map.pieces.last_mut() {
            if last.copied && last.raw + last.raw_len == range.start {
                last.clean_len += len;
                last.raw_len += len;
                return;
            }
        }
        self.map.pieces.push(Piece {
            clean,
            clean_len: len,
            raw: range.start,
            raw_len: len,
            copied: true,
        });
    }

    /// Appends `text`, which stands for `raw[range]` (an entity, a line
    /// break turned into a space). An empty range marks an insertion point.
    pub fn replace(&mut self, range: std::ops::Range<usize>, text: &str) {
        if text.is_empty() {
            return;
        }
        let start = range.start.max(self.raw_pos());
        let end = range.end.max(start);
        let clean = self.out.len();
        self.out.push_str(text);
        self.map.pieces.push(Piece {
            clean,
            clean_len: text.len(),
            raw: start,
            raw_len: end - start,
            copied: false,
        });
    }

    /// Appends a space standing for `raw[range]` unless the text is empty or
    /// already ends in whitespace.
    pub fn space(&mut self, range: std::ops::Range<usize>) {
        if !self.out.is_empty() && !self.out.ends_with([' ', '\n']) {
            self.replace(range, " ");
        }
    }

    /// Ends the current block: the next text starts on a new line.
    pub fn newline(&mut self, at: usize) {
        self.trim_end_spaces();
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.replace(at..at, "\n");
        }
    }

    /// Ends the current paragraph with a blank line.
    pub fn paragraph(&mut self, at: usize) {
        self.newline(at);
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.replace(at..at, "\n");
        }
    }

    /// Drops trailing spaces (not newlines) from the clean text.
    pub fn trim_end_spaces(&mut self) {
        while self.out.ends_with([' ', '\t']) {
            self.out.pop();
            let last = self.map.pieces.last_mut().expect("text implies a piece");
            last.clean_len -= 1;
            if last.copied {
                last.raw_len -= 1;
            }
            if last.clean_len == 0 {
                self.map.pieces.pop();
            }
        }
    }

    pub fn finish(mut self) -> (String, OffsetMap) {
        while self.out.ends_with(['\n', ' ', '\t']) {
            self.out.pop();
            let last = self.map.pieces.last_mut().expect("text implies a piece");
            last.clean_len -= 1;
            if last.copied {
                last.raw_len -= 1;
            }
            if last.clean_len == 0 {
                self.map.pieces.pop();
            }
        }
        (self.out, self.map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_copied_and_synthetic_pieces() {
        let raw = "a &amp; b\nc";
        let mut b = CleanBuilder::new(raw);
        b.copy(0..2);
        b.replace(2..7, "&");
        b.copy(7..9);
        b.space(9..10);
        b.copy(10..11);
        let (clean, map) = b.finish();
        assert_eq!(clean, "a & b c");
        map.check(clean.len(), raw.len()).unwrap();
        assert_eq!(map.to_raw(Span::new(2, 3)), Span::new(2, 7));
        assert_eq!(map.to_raw(Span::new(0, 7)), Span::new(0, 11));
        assert_eq!(map.to_raw(Span::new(6, 7)), Span::new(10, 11));
        assert!(map.is_copied(0) && !map.is_copied(2));
    }

    #[test]
    fn a_cursor_maps_as_the_map_does_in_any_order() {
        let raw = "a &amp; b\nc &lt;d&gt; ee\n\nf";
        let mut b = CleanBuilder::new(raw);
        b.copy(0..2);
        b.replace(2..7, "&");
        b.copy(7..9);
        b.space(9..10);
        b.copy(10..12);
        b.replace(12..16, "<");
        b.copy(16..17);
        b.replace(17..21, ">");
        b.copy(21..24);
        b.space(24..26);
        b.copy(26..27);
        let (clean, map) = b.finish();
        let n = clean.len() + 2;
        let spans: Vec<Span> = (0..n)
            .flat_map(|a| (a..n).map(move |e| Span::new(a, e)))
            .collect();
        let mut cursor = map.cursor();
        // Forward, backward and jumping about: the cursor's piece is always
        // the one a binary search finds.
        for s in spans
            .iter()
            .chain(spans.iter().rev())
            .chain(spans.iter().step_by(7))
        {
            for at in [s.start, s.end.saturating_sub(1)] {
                cursor.piece_at(at);
                assert_eq!(cursor.piece, map.piece_index(at), "{at}");
            }
            assert_eq!(cursor.to_raw(*s), map.to_raw(*s), "{s:?}");
        }
    }

    /// A map of many pieces of random lengths, looked up at random
    /// offsets that mostly move a little way on, sometimes far on and
    /// sometimes back: the cursor finds the piece a binary search does, at
    /// every distance its forward search strides over.
    #[test]
    fn a_cursor_over_many_pieces_finds_what_a_binary_search_finds() {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n) as usize
        };
        let raw = "ab&amp;cd\n".repeat(400);
        let mut b = CleanBuilder::new(&raw);
        let mut at = 0;
        while at < raw.len() {
            let len = (1 + next(9)).min(raw.len() - at);
            if next(2) == 0 {
                b.copy(at..at + len);
            } else {
                b.replace(at..at + len, &"x".repeat(1 + next(3)));
            }
            at += len + next(2);
        }
        let (clean, map) = b.finish();
        assert!(map.len() > 500);
        let mut cursor = map.cursor();
        let mut at: usize = 0;
        for _ in 0..20_000 {
            at = match next(10) {
                0 => next(clean.len() as u64 + 3),
                1 => at.saturating_sub(next(40)),
                2 => at + next(400),
                _ => at + next(12),
            }
            .min(clean.len() + 2);
            cursor.piece_at(at);
            assert_eq!(cursor.piece, map.piece_index(at), "{at}");
            let span = Span::new(at, (at + next(30)).min(clean.len() + 2));
            assert_eq!(cursor.to_raw(span), map.to_raw(span), "{span:?}");
        }
    }

    #[test]
    fn trims_trailing_whitespace() {
        let raw = "ab  \n\n";
        let mut b = CleanBuilder::new(raw);
        b.copy(0..4);
        b.paragraph(4);
        let (clean, map) = b.finish();
        assert_eq!(clean, "ab");
        map.check(2, raw.len()).unwrap();
    }
}
