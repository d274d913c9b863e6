//! Compact JSON output for records, byte for byte what
//! `serde_json::to_writer` writes, with fast paths for strings and integers.
//!
//! Records are mostly strings (evidence text, names, keys) and serde_json
//! scans and copies every string a byte at a time through `io::Write`. Here
//! output goes straight into a `Vec<u8>`: a short string (an id, a code, a
//! date) is tested and copied in one fixed-size chunk, a longer one is
//! scanned a word at a time and copied in runs between the bytes it must
//! escape (escaped as serde_json escapes them), an integer is written digit
//! by digit; every float is handed to serde_json itself, so float
//! formatting cannot drift from it.

use std::hash::Hasher;

use serde::ser::{self, Serialize};
use serde_json::Error;

/// Appends `value` to `out` as compact JSON, exactly as
/// `serde_json::to_writer` would write it (except that map keys must be
/// strings, as every record's are).
pub fn to_vec<T: ?Sized + Serialize>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(&mut Serializer { out })
}

/// Whether `s` holds a byte a JSON string must escape.
fn needs_escape(s: &str) -> bool {
    find_escape(s.as_bytes(), 0).is_some()
}

/// Whether the byte `c` must be escaped in a JSON string.
#[inline(always)]
fn byte_needs_escape(c: u8) -> bool {
    c < 0x20 || c == b'"' || c == b'\\'
}

/// The index of the first byte at or after `i` that a JSON string must
/// escape: sixteen bytes a step ([`chunk_mask`]), then a word, then byte
/// by byte.
fn find_escape(b: &[u8], mut i: usize) -> Option<usize> {
    let n = b.len();
    let word = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
    // The lowest flag of a word marks its first byte to escape.
    let at = |flags: u64| flags.trailing_zeros() as usize / 8;
    while i + 16 <= n {
        let mask = chunk_mask(b[i..i + 16].try_into().expect("sixteen bytes"));
        if mask != 0 {
            return Some(i + mask.trailing_zeros() as usize);
        }
        i += 16;
    }
    if i + 8 <= n {
        let flags = word_flags(word(i));
        if flags != 0 {
            return Some(i + at(flags));
        }
        i += 8;
    }
    b[i..]
        .iter()
        .position(|&c| byte_needs_escape(c))
        .map(|p| i + p)
}

/// Bit `k` set when byte `k` of `chunk` must be escaped.
///
/// On x86_64 three SSE2 compares and a byte mask (SSE2 is part of the
/// baseline there): long strings (sentences, evidence) are a good part of
/// the output, and this is about twice as cheap as testing two words.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn chunk_mask(chunk: &[u8; 16]) -> u32 {
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
        // A byte is a control character when max(byte, 0x1f) is 0x1f.
        let ctrl_max = _mm_set1_epi8(0x1f);
        let ctrl = _mm_cmpeq_epi8(_mm_max_epu8(v, ctrl_max), ctrl_max);
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        _mm_movemask_epi8(_mm_or_si128(ctrl, _mm_or_si128(quote, backslash))) as u32
    }
}

/// Bit `k` set when byte `k` of `chunk` must be escaped.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn chunk_mask(chunk: &[u8; 16]) -> u32 {
    let mut mask = 0;
    for (k, &c) in chunk.iter().enumerate() {
        mask |= u32::from(byte_needs_escape(c)) << k;
    }
    mask
}

/// Appends `"s"` with every byte that needs it escaped, as serde_json
/// escapes it: runs of plain bytes copied whole, the short escapes of
/// `"`, `\\`, backspace, form feed, newline, carriage return and tab, and
/// `\u00XX` (lower-case hex) for any other control character.
fn push_escaped(out: &mut Vec<u8>, s: &[u8]) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    let mut start = 0;
    while let Some(i) = find_escape(s, start) {
        out.extend_from_slice(&s[start..i]);
        push_escape(out, s[i]);
        start = i + 1;
    }
    out.extend_from_slice(&s[start..]);
    out.push(b'"');
}

/// Appends the escape of `c`, a byte [`byte_needs_escape`] accepts.
fn push_escape(out: &mut Vec<u8>, c: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match c {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x0c => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        _ => {
            let (hi, lo) = (HEX[usize::from(c >> 4)], HEX[usize::from(c & 0xf)]);
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hi, lo]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

const ONES: u64 = u64::MAX / 255;

/// Non-zero exactly when one of the eight bytes of `w` is a control
/// character, `"` or `\` (the "has zero byte" and "has byte less than"
/// bit tricks: exact as to whether such a byte exists).
#[inline]
fn word_flags(w: u64) -> u64 {
    const HIGH: u64 = ONES * 0x80;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let quote = w ^ (ONES * u64::from(b'"'));
    let backslash = w ^ (ONES * u64::from(b'\\'));
    below(w, 0x20) | below(quote, 1) | below(backslash, 1)
}

/// The longest string [`short_string`] writes.
const SHORT: usize = 30;

/// Writes `"s"` and returns true when `s` is at most [`SHORT`] bytes long
/// and has no byte to escape; otherwise writes nothing and returns false.
///
/// Most strings of a record are short ids, codes, names and dates. Such a
/// string is copied into a chunk of spaces in two overlapping pieces of a
/// fixed width (16, 8, 4 or 1 bytes: its first and its last bytes), the
/// chunk's words are tested for bytes to escape, and the whole chunk is
/// appended (then cut back to the string's end): every copy has a constant
/// length, where a copy of the string's own length would call `memcpy` for
/// a few bytes.
#[inline(always)]
fn short_string(out: &mut Vec<u8>, s: &[u8]) -> bool {
    let n = s.len();
    if n > SHORT {
        return false;
    }
    let mut chunk = [b' '; SHORT + 2];
    put_short(&mut chunk, 1, s);
    let word = |i: usize| u64::from_le_bytes(chunk[i..i + 8].try_into().expect("eight bytes"));
    let mut flags = word_flags(word(0)) | word_flags(word(8));
    if n >= 16 {
        flags |= word_flags(word(16)) | word_flags(word(24));
    }
    if flags != 0 {
        return false;
    }
    chunk[0] = b'"';
    chunk[n + 1] = b'"';
    let end = out.len() + n + 2;
    out.extend_from_slice(&chunk);
    out.truncate(end);
    true
}

/// Copies `s` into `chunk` at `at`, in two overlapping pieces of a fixed
/// width (16, 8, 4 or 1 bytes: the first and the last bytes of `s`), so
/// that neither copy has a length only known at run time.
///
/// # Panics
///
/// When `s` does not fit in `chunk` at `at`, or is longer than [`SHORT`].
#[inline(always)]
fn put_short(chunk: &mut [u8; SHORT + 2], at: usize, s: &[u8]) {
    fn two<const W: usize>(chunk: &mut [u8; SHORT + 2], at: usize, s: &[u8]) {
        let n = s.len();
        chunk[at..at + W].copy_from_slice(&s[..W]);
        chunk[at + n - W..at + n].copy_from_slice(&s[n - W..]);
    }
    let n = s.len();
    match n {
        0 => {}
        1..4 => {
            chunk[at] = s[0];
            chunk[at + n / 2] = s[n / 2];
            chunk[at + n - 1] = s[n - 1];
        }
        4..8 => two::<4>(chunk, at, s),
        8..16 => two::<8>(chunk, at, s),
        16..=SHORT => two::<16>(chunk, at, s),
        _ => panic!("{n} bytes are more than a short piece"),
    }
}

/// Appends the decimal digits of `v`, as serde_json (itoa) writes them.
#[inline]
pub(crate) fn push_u64(out: &mut Vec<u8>, v: u64) {
    match u32::try_from(v) {
        Ok(small) if small < 100_000_000 => {
            let (digits, n) = eight_digits(small);
            let end = out.len() + n;
            out.extend_from_slice(&digits.to_le_bytes());
            out.truncate(end);
        }
        _ => push_u64_long(out, v),
    }
}

/// [`push_u64`] for any number: two digits a step, from a table of the
/// pairs `00` to `99`.
#[inline(never)]
fn push_u64_long(out: &mut Vec<u8>, mut v: u64) {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if v >= 10 {
        let pair = v as usize * 2;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        i -= 1;
        digits[i] = b'0' + v as u8;
    }
    out.extend_from_slice(&digits[i..]);
}

/// The decimal digits of `v` (below 10^8) as ASCII, first digit in the
/// lowest byte, and how many there are (1 for 0).
///
/// The digits are split in lanes of one word at once (two groups of four,
/// then pairs, then single digits: a multiply and a shift each divide
/// every lane by 100 or 10), so an offset costs a dozen instructions
/// rather than a division loop and a copy of its own length: every record
/// has a span of two.
#[inline(always)]
fn eight_digits(v: u32) -> (u64, usize) {
    debug_assert!(v < 100_000_000);
    // Two lanes of 32 bits: the first and the last four digits.
    let x = u64::from(v / 10_000) | u64::from(v % 10_000) << 32;
    // x / 100 in each lane (exact below 10^4), then four lanes of 16 bits:
    // the hundreds and the rest of each.
    let hundreds = ((x * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let x = ((x - hundreds * 100) << 16) | hundreds;
    // x / 10 in each lane (exact below 100), then eight lanes of 8 bits.
    let tens = ((x * 103) >> 10) & 0x000f_000f_000f_000f;
    let x = ((x - tens * 10) << 8) | tens;
    // Leading zeros are the lowest zero bytes; a zero keeps one digit.
    let n = (8 - x.trailing_zeros() as usize / 8).max(1);
    ((x | 0x3030_3030_3030_3030) >> (8 * (8 - n)), n)
}

/// Appends a span, `[start,end]`, as serde_json writes a `[usize; 2]`.
///
/// Both numbers (when below 10^8, as any offset into a document is) are
/// put together with their brackets and comma in one chunk of fixed size,
/// appended whole and cut back.
#[inline]
pub(crate) fn push_span(out: &mut Vec<u8>, [start, end]: [usize; 2]) {
    let small = |v: usize| u32::try_from(v).ok().filter(|&v| v < 100_000_000);
    let (Some(start), Some(end)) = (small(start), small(end)) else {
        out.push(b'[');
        push_u64_long(out, start as u64);
        out.push(b',');
        push_u64_long(out, end as u64);
        out.push(b']');
        return;
    };
    let ((a, na), (b, nb)) = (eight_digits(start), eight_digits(end));
    let mut chunk = [0u8; 24];
    chunk[0] = b'[';
    chunk[1..9].copy_from_slice(&a.to_le_bytes());
    chunk[1 + na] = b',';
    chunk[2 + na..10 + na].copy_from_slice(&b.to_le_bytes());
    chunk[2 + na + nb] = b']';
    let len = out.len() + 3 + na + nb;
    out.extend_from_slice(&chunk);
    out.truncate(len);
}

/// Appends `v` in decimal, with a leading `-` when negative.
#[inline]
fn push_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_u64(out, v.unsigned_abs());
}

struct Serializer<'o> {
    out: &'o mut Vec<u8>,
}

impl Serializer<'_> {
    #[inline]
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        self.out.push(b);
    }

    /// Writes `v` with serde_json itself: floats, chars, bytes and 128-bit
    /// integers.
    fn delegate<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
        serde_json::to_writer(&mut *self.out, v)
    }

    #[inline(always)]
    fn string(&mut self, s: &str) -> Result<(), Error> {
        if short_string(self.out, s.as_bytes()) {
            return Ok(());
        }
        self.long_string(s)
    }

    /// [`Serializer::string`] for a string that is long or needs escaping.
    #[inline(never)]
    fn long_string(&mut self, s: &str) -> Result<(), Error> {
        push_escaped(self.out, s.as_bytes());
        Ok(())
    }

    /// Writes `"s"` followed by `tail`, with one capacity check: `s` needs
    /// no escaping.
    #[inline(always)]
    fn quoted(&mut self, s: &[u8], tail: &[u8]) {
        self.out.reserve(s.len() + 1 + tail.len());
        self.out.push(b'"');
        self.out.extend_from_slice(s);
        self.out.extend_from_slice(tail);
    }

    /// Writes an object key and its colon.
    #[inline]
    fn key(&mut self, k: &str) -> Result<(), Error> {
        self.string(k)?;
        self.byte(b':');
        Ok(())
    }

    /// Writes a struct field's name and its colon. Field names are Rust
    /// identifiers or `rename`s in this workspace's code, none with a byte
    /// to escape, so they skip the test.
    ///
    /// `,"name":` (with its comma unless the field is the first) is put
    /// together in one fixed-size chunk and appended whole, then cut back:
    /// once the field's name is known (as it is where a derived `serialize`
    /// inlines this), the chunk is a constant.
    #[inline(always)]
    fn field_name(&mut self, k: &'static str, comma: bool) {
        debug_assert!(!needs_escape(k), "field name {k:?} needs escaping");
        let n = k.len();
        if n > SHORT - 2 {
            if comma {
                self.byte(b',');
            }
            self.quoted(k.as_bytes(), b"\":");
            return;
        }
        let mut chunk = [b' '; SHORT + 2];
        chunk[0] = b',';
        chunk[1] = b'"';
        put_short(&mut chunk, 2, k.as_bytes());
        chunk[n + 2] = b'"';
        chunk[n + 3] = b':';
        let end = self.out.len() + n + 3 + usize::from(comma);
        if comma {
            self.out.extend_from_slice(&chunk);
        } else {
            self.out.extend_from_slice(&chunk[1..]);
        }
        self.out.truncate(end);
    }

    /// Opens `{"variant":` for an enum variant with content.
    fn open_variant(&mut self, variant: &str) -> Result<(), Error> {
        self.byte(b'{');
        self.key(variant)
    }
}

/// Hashes keys a word at a time (as rustc's FxHasher does):
/// the default hasher costs more than the rest of a memo's lookup.
#[derive(Default)]
pub(crate) struct WordHasher(u64);

impl WordHasher {
    #[inline(always)]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.add(u64::from_le_bytes(w.try_into().expect("eight bytes")));
        }
        for &b in words.remainder() {
            self.add(u64::from(b));
        }
    }
    #[inline]
    fn write_u64(&mut self, w: u64) {
        self.add(w);
    }
    #[inline]
    fn write_usize(&mut self, w: usize) {
        self.add(w as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

/// An array or object being written: its closing byte and whether an
/// element has been written yet.
struct Compound<'a, 'o> {
    ser: &'a mut Serializer<'o>,
    first: bool,
    close: u8,
}

impl<'a, 'o> Compound<'a, 'o> {
    #[inline]
    fn open(ser: &'a mut Serializer<'o>, open: u8, close: u8) -> Result<Self, Error> {
        ser.byte(open);
        Ok(Compound {
            ser,
            first: true,
            close,
        })
    }

    #[inline(always)]
    fn separate(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.ser.byte(b',');
        }
    }

    #[inline]
    fn element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
        self.separate();
        v.serialize(&mut *self.ser)
    }

    #[inline]
    fn key<K: ?Sized + Serialize>(&mut self, k: &K) -> Result<(), Error> {
        self.separate();
        k.serialize(KeySerializer(&mut *self.ser))
    }

    #[inline(always)]
    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, v: &T) -> Result<(), Error> {
        let comma = !self.first;
        self.first = false;
        self.ser.field_name(key, comma);
        v.serialize(&mut *self.ser)
    }

    #[inline]
    fn close(self) -> Result<(), Error> {
        self.ser.byte(self.close);
        Ok(())
    }

    /// Closes a variant's content and the `{"variant":` around it.
    fn close_variant(self) -> Result<(), Error> {
        self.ser.raw(&[self.close, b'}']);
        Ok(())
    }
}

impl<'a, 'o> ser::Serializer for &'a mut Serializer<'o> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, 'o>;
    type SerializeTuple = Compound<'a, 'o>;
    type SerializeTupleStruct = Compound<'a, 'o>;
    type SerializeTupleVariant = Compound<'a, 'o>;
    type SerializeMap = Compound<'a, 'o>;
    type SerializeStruct = Compound<'a, 'o>;
    type SerializeStructVariant = Compound<'a, 'o>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.raw(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        push_i64(self.out, i64::from(v));
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        push_i64(self.out, i64::from(v));
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        push_i64(self.out, i64::from(v));
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        push_i64(self.out, v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.delegate(&v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        push_u64(self.out, u64::from(v));
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        push_u64(self.out, u64::from(v));
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        push_u64(self.out, u64::from(v));
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        push_u64(self.out, v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.delegate(&v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.delegate(&v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.delegate(&v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.delegate(&v)
    }
    #[inline(always)]
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.delegate(v)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.raw(b"null");
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.raw(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.raw(b"null");
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant)
    }
    #[inline]
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.open_variant(variant)?;
        v.serialize(&mut *self)?;
        self.byte(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, 'o>, Error> {
        Compound::open(self, b'[', b']')
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a, 'o>, Error> {
        Compound::open(self, b'[', b']')
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'o>, Error> {
        Compound::open(self, b'[', b']')
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'o>, Error> {
        self.open_variant(variant)?;
        Compound::open(self, b'[', b']')
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, 'o>, Error> {
        Compound::open(self, b'{', b'}')
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a, 'o>, Error> {
        Compound::open(self, b'{', b'}')
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'o>, Error> {
        self.open_variant(variant)?;
        Compound::open(self, b'{', b'}')
    }
}

/// The four sequence-like serde traits differ only in their method's name
/// and in how they close (a tuple variant also closes its wrapping object).
macro_rules! sequence {
    ($trait:ident, $method:ident, $close:ident) => {
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
                self.element(v)
            }
            fn end(self) -> Result<(), Error> {
                self.$close()
            }
        }
    };
}

sequence!(SerializeSeq, serialize_element, close);
sequence!(SerializeTuple, serialize_element, close);
sequence!(SerializeTupleStruct, serialize_field, close);
sequence!(SerializeTupleVariant, serialize_field, close_variant);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), Error> {
        self.key(k)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
        v.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

/// The two struct-like serializers: named fields, closed like their kind.
macro_rules! fields {
    ($trait:ident, $close:ident) => {
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;
            #[inline(always)]
            fn serialize_field<T: ?Sized + Serialize>(
                &mut self,
                key: &'static str,
                v: &T,
            ) -> Result<(), Error> {
                self.field(key, v)
            }
            fn end(self) -> Result<(), Error> {
                self.$close()
            }
        }
    };
}

fields!(SerializeStruct, close);
fields!(SerializeStructVariant, close_variant);

/// Writes an object key and its colon. Record keys are field names and the
/// string keys of metadata maps; any other kind of key is refused, as it
/// has no JSON form of its own.
struct KeySerializer<'a, 'o>(&'a mut Serializer<'o>);

fn key_must_be_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

impl ser::Serializer for KeySerializer<'_, '_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    #[inline(always)]
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.key(v)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.key(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_bool(self, _v: bool) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_i8(self, _v: i8) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_i16(self, _v: i16) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_i32(self, _v: i32) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_i64(self, _v: i64) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_u8(self, _v: u8) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_u16(self, _v: u16) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_u32(self, _v: u32) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_u64(self, _v: u64) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_f32(self, _v: f32) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_f64(self, _v: f64) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_char(self, _v: char) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, _v: &T) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _v: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    fn same<T: Serialize>(v: &T) {
        let mut ours = Vec::new();
        super::to_vec(&mut ours, v).unwrap();
        let theirs = serde_json::to_vec(v).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap()
        );
    }

    #[derive(Serialize)]
    enum E {
        Unit,
        New(u8),
        Tuple(u8, String),
        Struct { a: f64 },
    }

    #[derive(Serialize)]
    struct Inner {
        x: Option<f64>,
        v: Vec<E>,
    }

    #[derive(Serialize)]
    struct Outer<'a> {
        kind: &'static str,
        #[serde(flatten)]
        inner: &'a Inner,
        empty: Vec<u8>,
        map: BTreeMap<String, serde_json::Value>,
        t: (i64, char, bool, ()),
    }

    #[test]
    fn every_byte_that_needs_escaping_is_found_at_every_position() {
        for c in (0u8..0x80)
            .map(char::from)
            .chain(['é', '\u{2028}', '\u{10ffff}'])
        {
            let want = c < ' ' || c == '"' || c == '\\';
            for at in 0..20 {
                let s = format!("{}{c}{}", "a".repeat(at), "ü".repeat(at % 3));
                assert_eq!(super::needs_escape(&s), want, "{s:?}");
                let s = format!("{c}{}", "a".repeat(at));
                assert_eq!(super::needs_escape(&s), want, "{s:?}");
            }
        }
    }

    /// Every string of up to 40 bytes made of one filler and one other
    /// byte (a byte to escape, a multi-byte character or a plain letter)
    /// at every position: the short and the long path, whatever the width
    /// of their pieces, write what serde_json writes.
    #[test]
    fn short_and_long_strings_with_a_byte_to_escape_anywhere_match_serde_json() {
        for odd in [
            "\"", "\\", "\n", "\u{0}", "\u{1f}", "\u{7f}", "é", "\u{2028}", "x",
        ] {
            for n in 0..=40 {
                for at in 0..=n {
                    let s = format!("{}{odd}{}", "a".repeat(at), "b".repeat(n - at));
                    same(&s);
                    let mut out = Vec::new();
                    let short = super::short_string(&mut out, s.as_bytes());
                    let clean = !super::needs_escape(&s);
                    assert_eq!(short, clean && s.len() <= super::SHORT, "{s:?}");
                    if !short {
                        assert!(out.is_empty(), "{s:?}");
                    }
                }
            }
        }
    }

    /// Every ASCII byte, alone and among plain bytes on both sides of the
    /// short/long boundary, is escaped as serde_json escapes it.
    #[test]
    fn every_ascii_byte_is_escaped_as_serde_json_does() {
        for c in (0u8..0x80).map(char::from) {
            same(&c.to_string());
            for n in [5, 29, 31, 64] {
                same(&format!("{}{c}{c}{}", "a".repeat(n), "b".repeat(n % 7)));
            }
        }
    }

    /// Every byte value at every place of a chunk is flagged exactly when
    /// it must be escaped.
    #[test]
    fn chunk_masks_flag_exactly_the_bytes_to_escape() {
        for c in 0..=u8::MAX {
            for k in 0..16 {
                let mut chunk = [b'a'; 16];
                chunk[k] = c;
                let want = if super::byte_needs_escape(c) {
                    1 << k
                } else {
                    0
                };
                assert_eq!(super::chunk_mask(&chunk), want, "{c:#x} at {k}");
            }
        }
    }

    /// `find_escape` finds the first byte to escape from every start, as a
    /// byte-by-byte search does.
    #[test]
    fn the_first_byte_to_escape_is_found_from_every_start() {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 70) as usize;
            let b: Vec<u8> = (0..len)
                .map(|i| match (x >> (i % 60)) % 23 {
                    0 => b'"',
                    1 => b'\\',
                    2 => (x >> 3) as u8 % 0x20,
                    3 => 0xc3,
                    _ => b'a' + (i % 26) as u8,
                })
                .collect();
            for start in 0..=len {
                let want = b[start..]
                    .iter()
                    .position(|&c| super::byte_needs_escape(c))
                    .map(|p| start + p);
                assert_eq!(super::find_escape(&b, start), want, "{b:?} from {start}");
            }
        }
    }

    /// Field names of every width of piece and beyond the short path's
    /// limit, first and not first, in a struct and in a struct variant.
    #[test]
    fn field_names_of_every_length_match_serde_json() {
        #[derive(Serialize)]
        struct Names {
            #[serde(rename = "")]
            f0: u8,
            #[serde(rename = "a")]
            f1: u8,
            #[serde(rename = "ab")]
            f2: u8,
            #[serde(rename = "abc")]
            f3: u8,
            #[serde(rename = "abcd")]
            f4: u8,
            #[serde(rename = "abcdefg")]
            f5: u8,
            #[serde(rename = "abcdefgh")]
            f6: u8,
            #[serde(rename = "abcdefghijklmno")]
            f7: u8,
            #[serde(rename = "abcdefghijklmnop")]
            f8: u8,
            #[serde(rename = "abcdefghijklmnopqrstuvwxyz01")]
            f9: u8,
            #[serde(rename = "abcdefghijklmnopqrstuvwxyz012")]
            f10: u8,
            #[serde(rename = "abcdefghijklmnopqrstuvwxyz0123456789")]
            f11: u8,
        }
        #[derive(Serialize)]
        struct Long {
            #[serde(rename = "abcdefghijklmnopqrstuvwxyz0123456789")]
            first: u8,
            #[serde(rename = "abcdefghijklmnopqrstuvwxyz012")]
            second: u8,
        }
        #[derive(Serialize)]
        enum V {
            S {
                abcd: u8,
                abcdefghijklmnopqrstuvwxyz0123: u8,
            },
        }
        same(&Names {
            f0: 0,
            f1: 1,
            f2: 2,
            f3: 3,
            f4: 4,
            f5: 5,
            f6: 6,
            f7: 7,
            f8: 8,
            f9: 9,
            f10: 10,
            f11: 11,
        });
        same(&Long {
            first: 1,
            second: 2,
        });
        same(&V::S {
            abcd: 1,
            abcdefghijklmnopqrstuvwxyz0123: 2,
        });
    }

    /// Random strings over an alphabet rich in bytes to escape.
    #[test]
    fn random_strings_match_serde_json() {
        const ALPHABET: [&str; 10] = [
            "a",
            "Z",
            " ",
            "\"",
            "\\",
            "\t",
            "\u{1}",
            "ü",
            "–",
            "\u{10ffff}",
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let len = next() % 48;
            let s: String = (0..len).map(|_| ALPHABET[(next() % 10) as usize]).collect();
            same(&s);
            same(&[&s, "k", &s]);
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_does() {
        for s in [
            "",
            "plain text",
            "quote \" and \\ back",
            "tab\tnew\nline\r\u{1}\u{1f}",
            "ünïcödé – “curly” \u{2028}",
            &"a".repeat(100),
            &format!("{}\"", "b".repeat(64)),
        ] {
            same(&s);
        }
    }

    #[test]
    fn compound_values_match_serde_json() {
        let inner = Inner {
            x: Some(1.5e-7),
            v: vec![
                E::Unit,
                E::New(3),
                E::Tuple(1, "x\"y".into()),
                E::Struct { a: f64::NAN },
            ],
        };
        let map = serde_json::json!({"a": [1, -2, 3.25, null, true], "b\n": {"c": "d"}});
        let map: BTreeMap<String, serde_json::Value> = serde_json::from_value(map).unwrap();
        same(&Outer {
            kind: "k",
            inner: &inner,
            empty: vec![],
            map,
            t: (-9, 'é', false, ()),
        });
    }

    /// Numbers of every length, around every power of ten and at random,
    /// alone and as spans, are written as serde_json writes them.
    #[test]
    fn numbers_and_spans_match_serde_json() {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        let check = |a: u64, b: u64| {
            same(&a);
            let mut ours = Vec::new();
            super::push_span(&mut ours, [a as usize, b as usize]);
            assert_eq!(ours, serde_json::to_vec(&[a, b]).unwrap(), "{a} {b}");
        };
        for p in (0..20).map(|k| 10u64.pow(k)) {
            for v in [p - 1, p, p + 1, 2 * p - 1, 9 * p] {
                check(v, p);
                check(p, v);
            }
        }
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 10) as u32;
            check(x % 10u64.pow(digits), (x >> 20) % 100_000_000);
        }
        check(u64::MAX, 0);
        check(0, u64::MAX);
    }

    #[test]
    fn integers_match_serde_json() {
        for v in (0..2_000).chain([12345, 100_000, u64::from(u32::MAX), u64::MAX]) {
            same(&v);
        }
        for p in (0..20).map(|k| 10u64.pow(k)) {
            same(&(p - 1));
            same(&p);
            same(&(p + 1));
        }
        for v in [0, -1, 9, -10, i64::MIN, i64::MAX] {
            same(&v);
        }
        same(&(u8::MAX, i8::MIN, u16::MAX, i16::MIN, u32::MAX, i32::MIN));
    }

    #[test]
    fn non_string_keys_are_refused() {
        let m: BTreeMap<u8, u8> = [(1, 2)].into();
        assert!(super::to_vec(&mut Vec::new(), &m).is_err());
    }
}
