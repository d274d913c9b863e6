//! Compact JSON output for records, byte for byte what
//! `serde_json::to_writer` writes, with a fast path for strings.
//!
//! Records are mostly strings (evidence text, names, keys) and serde_json
//! scans and copies every string a byte at a time. Here a string with
//! nothing to escape (no control character, `"` or `\`: nearly all of them)
//! is checked in wide chunks and written in one copy; any other string, and
//! every number, is handed to serde_json itself, so escaping and number
//! formatting cannot drift from it.

use std::io::Write;

use serde::ser::{self, Serialize};
use serde_json::Error;

/// Writes `value` as compact JSON, exactly as `serde_json::to_writer` would
/// (except that map keys must be strings, as every record's are).
pub fn to_writer<W: Write, T: ?Sized + Serialize>(writer: W, value: &T) -> Result<(), Error> {
    value.serialize(&mut Serializer { w: writer })
}

/// Whether `s` holds a byte a JSON string must escape.
///
/// Tested eight bytes at a time: most strings of a record are short keys
/// and codes, so short strings are packed into one word as well.
#[inline]
fn needs_escape(s: &str) -> bool {
    let b = s.as_bytes();
    let n = b.len();
    let word = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
    let half = |i: usize| {
        u64::from(u32::from_le_bytes(
            b[i..i + 4].try_into().expect("four bytes"),
        ))
    };
    match n {
        0..4 => {
            // Pad with spaces, which need no escape.
            let w = b.iter().enumerate().fold(SPACES, |w, (i, &c)| {
                (w & !(0xff << (8 * i))) | (u64::from(c) << (8 * i))
            });
            word_needs_escape(w)
        }
        // Two overlapping halves.
        4..8 => word_needs_escape(half(0) | (half(n - 4) << 32)),
        _ => {
            let mut i = 0;
            while i + 8 < n {
                if word_needs_escape(word(i)) {
                    return true;
                }
                i += 8;
            }
            // The last word overlaps the one before it.
            word_needs_escape(word(n - 8))
        }
    }
}

const ONES: u64 = u64::MAX / 255;
const SPACES: u64 = ONES * 0x20;

/// Whether one of the eight bytes of `w` is a control character, `"` or
/// `\` (the "has zero byte" and "has byte less than" bit tricks: exact as
/// to whether such a byte exists).
#[inline]
fn word_needs_escape(w: u64) -> bool {
    const HIGH: u64 = ONES * 0x80;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let quote = w ^ (ONES * u64::from(b'"'));
    let backslash = w ^ (ONES * u64::from(b'\\'));
    (below(w, 0x20) | below(quote, 1) | below(backslash, 1)) != 0
}

struct Serializer<W> {
    w: W,
}

impl<W: Write> Serializer<W> {
    fn raw(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.w.write_all(bytes).map_err(Error::io)
    }

    /// Writes `v` with serde_json itself: numbers, and strings that need
    /// escaping.
    fn delegate<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
        serde_json::to_writer(&mut self.w, v)
    }

    fn string(&mut self, s: &str) -> Result<(), Error> {
        if needs_escape(s) {
            return self.delegate(s);
        }
        self.raw(b"\"")?;
        self.raw(s.as_bytes())?;
        self.raw(b"\"")
    }

    /// Opens `{"variant":` for an enum variant with content.
    fn open_variant(&mut self, variant: &str) -> Result<(), Error> {
        self.raw(b"{")?;
        self.string(variant)?;
        self.raw(b":")
    }
}

/// An array or object being written: its closing byte and whether an
/// element has been written yet.
struct Compound<'a, W> {
    ser: &'a mut Serializer<W>,
    first: bool,
    close: &'static [u8],
}

impl<'a, W: Write> Compound<'a, W> {
    fn open(
        ser: &'a mut Serializer<W>,
        open: &'static [u8],
        close: &'static [u8],
    ) -> Result<Self, Error> {
        ser.raw(open)?;
        Ok(Compound {
            ser,
            first: true,
            close,
        })
    }

    fn separate(&mut self) -> Result<(), Error> {
        if self.first {
            self.first = false;
            Ok(())
        } else {
            self.ser.raw(b",")
        }
    }

    fn element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
        self.separate()?;
        v.serialize(&mut *self.ser)
    }

    fn key<K: ?Sized + Serialize>(&mut self, k: &K) -> Result<(), Error> {
        self.separate()?;
        k.serialize(KeySerializer(&mut *self.ser))?;
        self.ser.raw(b":")
    }

    fn field<T: ?Sized + Serialize>(&mut self, key: &str, v: &T) -> Result<(), Error> {
        self.key(key)?;
        v.serialize(&mut *self.ser)
    }

    fn close(self) -> Result<(), Error> {
        self.ser.raw(self.close)
    }

    /// Closes a variant's content and the `{"variant":` around it.
    fn close_variant(self) -> Result<(), Error> {
        let ser = self.ser;
        ser.raw(self.close)?;
        ser.raw(b"}")
    }
}

impl<'a, W: Write> ser::Serializer for &'a mut Serializer<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.raw(if v { b"true" } else { b"false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.delegate(&v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.delegate(&v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.delegate(&v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.delegate(&v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.delegate(&v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.delegate(&v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.delegate(&v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.delegate(&v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.delegate(&v)
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
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.delegate(v)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.raw(b"null")
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.raw(b"null")
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.raw(b"null")
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant)
    }
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
        self.raw(b"}")
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        Compound::open(self, b"[", b"]")
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a, W>, Error> {
        Compound::open(self, b"[", b"]")
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        Compound::open(self, b"[", b"]")
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.open_variant(variant)?;
        Compound::open(self, b"[", b"]")
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        Compound::open(self, b"{", b"}")
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a, W>, Error> {
        Compound::open(self, b"{", b"}")
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.open_variant(variant)?;
        Compound::open(self, b"{", b"}")
    }
}

/// The four sequence-like serde traits differ only in their method's name
/// and in how they close (a tuple variant also closes its wrapping object).
macro_rules! sequence {
    ($trait:ident, $method:ident, $close:ident) => {
        impl<W: Write> ser::$trait for Compound<'_, W> {
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

impl<W: Write> ser::SerializeMap for Compound<'_, W> {
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

impl<W: Write> ser::SerializeStruct for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.field(key, v)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl<W: Write> ser::SerializeStructVariant for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.field(key, v)
    }
    fn end(self) -> Result<(), Error> {
        self.close_variant()
    }
}

/// Writes an object key. Record keys are field names and the string keys
/// of metadata maps; any other kind of key is refused, as it has no JSON
/// form of its own.
struct KeySerializer<'a, W>(&'a mut Serializer<W>);

fn key_must_be_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

impl<W: Write> ser::Serializer for KeySerializer<'_, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.string(v)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.string(variant)
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
        super::to_writer(&mut ours, v).unwrap();
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

    #[test]
    fn non_string_keys_are_refused() {
        let m: BTreeMap<u8, u8> = [(1, 2)].into();
        assert!(super::to_writer(Vec::new(), &m).is_err());
    }
}
