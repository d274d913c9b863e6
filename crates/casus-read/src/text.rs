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
