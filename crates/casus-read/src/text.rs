//! Small text helpers shared by the readers.

/// Decodes `bytes` as UTF-8, replacing each byte of an invalid sequence
/// with `?` so that offsets in the text are offsets in the bytes.
/// Returns the text and the number of bytes replaced.
pub fn decode_lossy(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, usize) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), 0),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len());
            let mut bad = 0;
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                for _ in chunk.invalid() {
                    out.push('?');
                    bad += 1;
                }
            }
            (std::borrow::Cow::Owned(out), bad)
        }
    }
}

/// Iterates over the lines of `text` as `(start, end)` byte ranges, the
/// end excluding the line break (`\n` or `\r\n`).
pub fn lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let nl = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        pos = nl + 1;
        let end = if nl > start && bytes[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        Some((start, end))
    })
}

/// Masks of `chunk`'s spaces, of its control bytes up to `\r` (which hold
/// tab, line feed, form feed and carriage return), and of its bytes equal
/// to one of `marks` (bit `k` for byte `k`): what the readers' scans for
/// plain prose test sixteen bytes at a time.
///
/// On x86_64 a few SSE2 compares and byte masks (SSE2 is part of the
/// baseline there): prose runs are the bulk of a page, and this is about
/// four times as cheap as testing words of eight bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn chunk_classes(chunk: &[u8; 16], marks: [u8; 3]) -> (u32, u32, u32) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // SAFETY: SSE2 is enabled on every x86_64 target (the intrinsics are
    // only unsafe to call where it might not be), and the load reads
    // exactly the sixteen bytes of `chunk` (an unaligned load, allowed for
    // any address).
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast());
        let mask = |m| _mm_movemask_epi8(m) as u32;
        let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
        // A byte is at most `\r` when max(byte, `\r`) is `\r`.
        let cr = _mm_set1_epi8(b'\r' as i8);
        let ctrl = _mm_cmpeq_epi8(_mm_max_epu8(v, cr), cr);
        let found = _mm_or_si128(eq(marks[0]), _mm_or_si128(eq(marks[1]), eq(marks[2])));
        (mask(eq(b' ')), mask(ctrl), mask(found))
    }
}

/// Masks of `chunk`'s spaces, of its control bytes up to `\r`, and of its
/// bytes equal to one of `marks` (bit `k` for byte `k`).
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub(crate) fn chunk_classes(chunk: &[u8; 16], marks: [u8; 3]) -> (u32, u32, u32) {
    let (mut space, mut ctrl, mut found) = (0, 0, 0);
    for (k, &c) in chunk.iter().enumerate() {
        space |= u32::from(c == b' ') << k;
        ctrl |= u32::from(c <= b'\r') << k;
        found |= u32::from(marks.contains(&c)) << k;
    }
    (space, ctrl, found)
}

/// The first index from `i` (before `end`, at most `bytes.len()`) where
/// `stop` holds, or `end`. Plain prose is skipped sixteen bytes at a time:
/// [`chunk_classes`] flags every byte `stop` may hold for (one of `marks`,
/// a control byte up to `\r`, or a space followed by white space), and
/// `stop` confirms each candidate, as it tests the last few bytes.
#[inline]
pub(crate) fn skip_plain(
    bytes: &[u8],
    mut i: usize,
    end: usize,
    marks: [u8; 3],
    stop: impl Fn(&[u8], usize) -> bool,
) -> usize {
    while i + 16 < end {
        let chunk = bytes[i..i + 16].try_into().expect("sixteen bytes");
        let (space, ctrl, marked) = chunk_classes(chunk, marks);
        let white = space | ctrl;
        let next = bytes[i + 16];
        let next_white = (white >> 1) | (u32::from(next <= b'\r' || next == b' ') << 15);
        let mut candidates = marked | ctrl | (space & next_white);
        while candidates != 0 {
            let at = i + candidates.trailing_zeros() as usize;
            if stop(bytes, at) {
                return at;
            }
            candidates &= candidates - 1;
        }
        i += 16;
    }
    while i < end && !stop(bytes, i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lossy_decoding_keeps_offsets() {
        let (t, bad) = decode_lossy(b"a\xffb\xe2\x82");
        assert_eq!(t, "a?b??");
        assert_eq!(bad, 3);
    }

    #[test]
    fn lines_without_breaks() {
        let v: Vec<_> = lines("ab\r\ncd\n\ne").collect();
        assert_eq!(v, vec![(0, 2), (4, 6), (7, 7), (8, 9)]);
    }
}
