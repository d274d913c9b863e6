//! Calendar ranges ([`DateRange`]) and the text they are made of.
//!
//! A range is copied into every event and claim it dates (tens of thousands
//! of copies for a few megabytes of text), so its parts are held inline: a
//! copy is a copy of some bytes, never an allocation.

use std::fmt;
use std::ops::Deref;

use serde::{Serialize, Serializer};

use crate::value::digit_pair;

/// A resolved calendar range, as GUIDELINES §3 describes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct DateRange {
    /// The TIMEX value it covers (`2020-10`, `1775-04-19TMO`, `198`).
    pub value: DateValue,
    /// First day covered, `YYYY-MM-DD`.
    pub start: Day,
    /// Last day covered, `YYYY-MM-DD`.
    pub end: Day,
    /// `day`, `week`, `month`, `year`, `decade` or `century`.
    pub precision: &'static str,
}

/// A day as `YYYY-MM-DD`, held inline; years before 1 are astronomical and
/// signed (`-0489-01-01`), as [`crate::value::iso_day`] writes them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Day {
    /// The text, then zeros (so that bytes compare as the text does).
    bytes: [u8; Day::CAP],
    len: u8,
}

impl Day {
    /// Room for a signed five-digit year: `-99999-12-31`.
    const CAP: usize = 12;

    /// The day `y-m-d` (astronomical year, month and day as numbers), or
    /// `None` for a year of more than five digits or a month or day above
    /// 99, which no calendar range reaches (TIMEX years have four digits).
    pub fn new(y: i64, m: u32, d: u32) -> Option<Day> {
        if (0..10_000).contains(&y) && m <= 99 && d <= 99 {
            return Some(Day::four_digit_year(y as u64, m, d));
        }
        let n = y.unsigned_abs();
        if n > 99_999 || m > 99 || d > 99 {
            return None;
        }
        let mut day = Day {
            bytes: [0; Day::CAP],
            len: 0,
        };
        if y < 0 {
            day.push(b'-');
        }
        if n >= 10_000 {
            day.push_digits::<1>(n / 10_000);
        }
        day.push_digits::<4>(n % 10_000);
        day.push(b'-');
        day.push_digits::<2>(u64::from(m));
        day.push(b'-');
        day.push_digits::<2>(u64::from(d));
        Some(day)
    }

    /// [`Day::new`] for a year of four digits (`0000` to `9999`, all but a
    /// few): the ten bytes written as pairs of digits from a table, without
    /// a division per digit (two days are made for every date expression).
    fn four_digit_year(y: u64, m: u32, d: u32) -> Day {
        let mut bytes = [0; Day::CAP];
        bytes[..2].copy_from_slice(&digit_pair(y / 100));
        bytes[2..4].copy_from_slice(&digit_pair(y % 100));
        bytes[4] = b'-';
        bytes[5..7].copy_from_slice(&digit_pair(u64::from(m)));
        bytes[7] = b'-';
        bytes[8..10].copy_from_slice(&digit_pair(u64::from(d)));
        Day { bytes, len: 10 }
    }

    /// Appends one byte; [`Day::new`] checks that all fit.
    fn push(&mut self, b: u8) {
        self.bytes[usize::from(self.len)] = b;
        self.len += 1;
    }

    /// Appends the last `WIDTH` decimal digits of `n`, zero-padded.
    fn push_digits<const WIDTH: usize>(&mut self, mut n: u64) {
        let mut digits = [0; WIDTH];
        for d in digits.iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            n /= 10;
        }
        let at = usize::from(self.len);
        self.bytes[at..at + WIDTH].copy_from_slice(&digits);
        self.len += WIDTH as u8;
    }

    /// The day as text.
    pub fn as_str(&self) -> &str {
        let bytes = &self.bytes[..usize::from(self.len)];
        debug_assert!(bytes.is_ascii());
        // SAFETY: `Day::new` is the only constructor and writes nothing but
        // ASCII digits and dashes, so the bytes are UTF-8. Checking them
        // (`str::from_utf8`) cost about 1% of all instructions of
        // `casus extract`, which reads every day of every record it writes.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }
}

/// The text of a TIMEX value, held inline when short (every calendar value
/// the tagger writes is) and on the heap otherwise.
#[derive(Clone)]
pub struct DateValue(Repr);

/// How a [`DateValue`] holds its text: inline exactly when it fits.
#[derive(Clone)]
enum Repr {
    Inline {
        bytes: [u8; DateValue::CAP],
        len: u8,
    },
    Heap(Box<str>),
}

impl DateValue {
    /// The longest value held inline: `YYYY-MM-DDTHH:MM` with room to spare,
    /// and the whole value no bigger than a `String`.
    const CAP: usize = 22;

    /// The value as text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { bytes, len } => {
                let bytes = &bytes[..usize::from(*len)];
                debug_assert!(std::str::from_utf8(bytes).is_ok());
                // SAFETY: `From<&str>` is the only constructor and copies
                // the whole of a `str` into `bytes[..len]`, so they are
                // UTF-8 (checking them again, as [`Day::as_str`] explains,
                // is measurable).
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            Repr::Heap(s) => s,
        }
    }
}

impl From<&str> for DateValue {
    fn from(s: &str) -> DateValue {
        if s.len() > DateValue::CAP {
            return DateValue(Repr::Heap(s.into()));
        }
        let mut bytes = [0; DateValue::CAP];
        bytes[..s.len()].copy_from_slice(s.as_bytes());
        DateValue(Repr::Inline {
            bytes,
            len: s.len() as u8,
        })
    }
}

/// The text-like behaviour both kinds of inline text share: they read, show,
/// compare and serialise as the `str` they hold.
macro_rules! text_like {
    ($t:ty) => {
        impl Deref for $t {
            type Target = str;

            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.as_str(), f)
            }
        }

        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<String> for $t {
            fn eq(&self, other: &String) -> bool {
                self.as_str() == other
            }
        }

        impl From<$t> for String {
            fn from(t: $t) -> String {
                t.as_str().to_owned()
            }
        }
    };
}

text_like!(Day);
text_like!(DateValue);

impl PartialEq for DateValue {
    fn eq(&self, other: &DateValue) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for DateValue {}

impl std::hash::Hash for DateValue {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::iso_day;

    #[test]
    fn days_read_as_iso_day_writes_them() {
        let years = (-10_050..=10_050).chain([-99_999, -12_345, 12_345, 99_999]);
        for y in years {
            for (m, d) in [(1, 1), (3, 9), (10, 31), (12, 5)] {
                let day = Day::new(y, m, d).unwrap();
                assert_eq!(day.as_str(), iso_day(y, m, d));
            }
        }
        // every month and day of two digits, on both sides of four-digit years
        for y in [-1, 0, 7, 1939, 9999, 10_000] {
            for m in 0..=99 {
                for d in 0..=99 {
                    let day = Day::new(y, m, d).unwrap();
                    assert_eq!(day.as_str(), iso_day(y, m, d));
                }
            }
        }
        assert!(Day::new(100_000, 1, 1).is_none());
        assert!(Day::new(-100_000, 1, 1).is_none());
    }

    #[test]
    fn days_order_as_their_text() {
        let days = [
            (2020, 10, 2),
            (2020, 9, 30),
            (1999, 12, 31),
            (-489, 1, 1),
            (-1, 12, 31),
            (10_000, 1, 3),
        ];
        for a in days {
            for b in days {
                let (da, db) = (Day::new(a.0, a.1, a.2), Day::new(b.0, b.1, b.2));
                let (da, db) = (da.unwrap(), db.unwrap());
                assert_eq!(da.cmp(&db), da.as_str().cmp(db.as_str()), "{da} {db}");
            }
        }
    }

    #[test]
    fn values_keep_their_text_inline_or_not() {
        let long = "2020-10-02T10:30:00+04:00 and then some";
        for s in ["", "2020", "1775-04-19TMO", "2020-10-02T10:30:00+04", long] {
            let v = DateValue::from(s);
            assert_eq!(v.as_str(), s);
            assert_eq!(v, s);
            assert_eq!(v.clone(), v);
            assert_eq!(format!("{v}"), s);
            assert_eq!(format!("{v:?}"), format!("{s:?}"));
        }
        assert_ne!(DateValue::from("2020"), DateValue::from("2021"));
    }

    #[test]
    fn ranges_serialise_as_strings() {
        let r = crate::value::date_range("2020-10").unwrap();
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"value":"2020-10","start":"2020-10-01","end":"2020-10-31","precision":"month"}"#
        );
    }
}
