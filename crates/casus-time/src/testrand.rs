//! A deterministic random source for the randomised tests (xorshift64):
//! reproducible runs without a dependency.

/// A generator of indices: each call with `n` gives one in `0..n`.
pub(crate) fn indices(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    }
}
