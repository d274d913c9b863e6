//! TIMEX values: formatting years (including BC years), calendar arithmetic,
//! and the calendar range a value covers.
//!
//! Years are held as astronomical years: 1 BC is 0, 490 BC is -489, so that
//! "the following year" is always `+1`.

use crate::{DateRange, DateValue, Day};

/// The two-digit numbers `00` to `99`, one after the other.
const PAIRS: &str = "\
    00010203040506070809101112131415161718192021222324252627282930313233343536373839\
    40414243444546474849505152535455565758596061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// Number `n` (below 100) in two digits.
#[inline]
fn pair(n: u64) -> &'static str {
    let k = 2 * n as usize;
    &PAIRS[k..k + 2]
}

/// Number `n` (below 100) as two ASCII digits.
#[inline]
pub(crate) fn digit_pair(n: u64) -> [u8; 2] {
    let k = 2 * n as usize;
    let b = PAIRS.as_bytes();
    [b[k], b[k + 1]]
}

/// Appends `n` in decimal, zero-padded to `width` digits: what
/// `format!("{n:0width$}")` writes, without the formatting machinery (values
/// are formatted for every expression). Years, months and days, below
/// 10,000 and padded to at most four digits, are written from `PAIRS`
/// in pieces of fixed length.
#[inline]
pub fn push_padded(s: &mut String, n: u64, width: usize) {
    if n >= 10_000 || width > 4 {
        return push_padded_long(s, n, width);
    }
    let digits = match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        _ => 4,
    };
    // pieces of fixed length, copied in line rather than by a call
    let digit = |d: u64| char::from(b'0' + d as u8);
    match width.max(digits) {
        4 => {
            s.push_str(pair(n / 100));
            s.push_str(pair(n % 100));
        }
        3 => {
            s.push(digit(n / 100));
            s.push_str(pair(n % 100));
        }
        2 => s.push_str(pair(n)),
        _ => s.push(digit(n)),
    }
}

/// [`push_padded`] for any number and width.
fn push_padded_long(s: &mut String, n: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in digits.len() - i..width {
        s.push('0');
    }
    s.extend(digits[i..].iter().map(|&d| char::from(d)));
}

/// Appends `-` and a two-digit month or day.
#[inline]
pub fn push_part(s: &mut String, n: u32) {
    s.push('-');
    push_padded(s, u64::from(n), 2);
}

/// TIMEX2 year: `1939`, `BC0490` for astronomical year -489.
pub fn fmt_year(y: i64) -> String {
    let mut s = String::with_capacity(10);
    push_year(&mut s, y);
    s
}

/// Appends [`fmt_year`].
#[inline]
pub fn push_year(s: &mut String, y: i64) {
    if y <= 0 {
        s.push_str("BC");
    }
    let n = if y <= 0 { 1 - y } else { y };
    push_padded(s, n.unsigned_abs(), 4);
}

/// TIMEX2 decade value: `198` for the 1980s, `BC047` for the 470s BC.
pub fn fmt_decade(bc: bool, d: i64) -> String {
    if bc {
        format!("BC{d:03}")
    } else {
        format!("{d:03}")
    }
}

/// TIMEX2 century value: `18` for the 19th century, `BC03` for the 4th century BC.
pub fn fmt_century(bc: bool, c: i64) -> String {
    if bc {
        format!("BC{c:02}")
    } else {
        format!("{c:02}")
    }
}

/// Whether `y` (astronomical) is a leap year.
pub fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` (1-12) of year `y`.
pub fn month_len(y: i64, m: u32) -> u32 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Inverse of [`days_from_civil`].
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// ISO weekday (1 = Monday) of a date.
pub fn weekday(y: i64, m: u32, d: u32) -> u32 {
    ((days_from_civil(y, m, d) + 3).rem_euclid(7) + 1) as u32
}

/// ISO week (year, week) of a date.
pub fn iso_week(y: i64, m: u32, d: u32) -> (i64, u32) {
    let days = days_from_civil(y, m, d);
    let wd = weekday(y, m, d) as i64;
    let thursday = days - wd + 4;
    let (ty, _, _) = civil_from_days(thursday);
    let jan1 = days_from_civil(ty, 1, 1);
    (ty, ((thursday - jan1) / 7 + 1) as u32)
}

/// `YYYY-MM-DD` for an astronomical year (negative years get a sign).
pub fn iso_day(y: i64, m: u32, d: u32) -> String {
    let mut s = String::with_capacity(11);
    if y < 0 {
        s.push('-');
    }
    push_padded(&mut s, y.unsigned_abs(), 4);
    push_part(&mut s, m);
    push_part(&mut s, d);
    s
}

fn parse_year(s: &str) -> Option<i64> {
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// The `-`-separated parts of a value, without allocating: `None` for more
/// than four, which no calendar value has.
fn split_parts(v: &str) -> Option<Parts<'_>> {
    let mut parts = Parts::default();
    // by byte: `str::split` sets up a pattern searcher for every value
    let mut from = 0;
    for (k, b) in v.bytes().enumerate().chain([(v.len(), b'-')]) {
        if b != b'-' {
            continue;
        }
        if parts.len == parts.all.len() {
            return None;
        }
        parts.all[parts.len] = &v[from..k];
        parts.len += 1;
        from = k + 1;
    }
    Some(parts)
}

/// Up to four parts of a value (see [`split_parts`]).
#[derive(Default)]
struct Parts<'v> {
    all: [&'v str; 4],
    len: usize,
}

impl<'v> Parts<'v> {
    fn as_slice(&self) -> &[&'v str] {
        &self.all[..self.len]
    }

    fn iter(&self) -> impl Iterator<Item = &&'v str> {
        self.as_slice().iter()
    }
}

/// The calendar range a TIMEX value covers, or `None` when the value is not
/// a calendar date (durations, `PRESENT_REF`, values with `X`).
///
/// `2020-10` covers 2020-10-01..2020-10-31 (precision `month`), `198` the
/// 1980s (`decade`), `18` the 19th century (`century`), seasons and halves
/// their months, `2022-W36` the ISO week's Monday to Sunday (`week`),
/// `BC0490` the astronomical year -489.
pub fn date_range(value: &str) -> Option<DateRange> {
    gregorian_range(value).or_else(|| any_range(value))
}

/// [`date_range`] of the values most expressions have, `YYYY`, `YYYY-MM`
/// and `YYYY-MM-DD` (then perhaps `T` and a time or part of day), read by
/// position; `None` for any other value, and for these when not a calendar
/// date, which [`any_range`] then turns down as well.
fn gregorian_range(value: &str) -> Option<DateRange> {
    let b = value.as_bytes();
    let date = b.iter().position(|&c| c == b'T').map_or(b, |k| &b[..k]);
    let year = |b: &[u8]| {
        Some(u32::from(two_digits(b.get(..2)?)?) * 100 + u32::from(two_digits(b.get(2..4)?)?))
    };
    let y = i64::from(year(date)?);
    let part = |at: usize| match date.get(at..at + 3)? {
        [b'-', d @ ..] => two_digits(d).map(u32::from),
        _ => None,
    };
    let (start, end, precision) = match date.len() {
        4 => ((y, 1, 1), (y, 12, 31), "year"),
        7 => {
            let m = part(4).filter(|m| (1..=12).contains(m))?;
            ((y, m, 1), (y, m, month_len(y, m)), "month")
        }
        10 => {
            let m = part(4).filter(|m| (1..=12).contains(m))?;
            let d = part(7).filter(|&d| d >= 1 && d <= month_len(y, m))?;
            ((y, m, d), (y, m, d), "day")
        }
        _ => return None,
    };
    Some(DateRange {
        value: DateValue::from(value),
        start: Day::new(start.0, start.1, start.2)?,
        end: Day::new(end.0, end.1, end.2)?,
        precision,
    })
}

/// The number two ASCII digits write, or `None`.
#[inline]
fn two_digits(b: &[u8]) -> Option<u8> {
    match *b {
        [t @ b'0'..=b'9', u @ b'0'..=b'9'] => Some((t - b'0') * 10 + (u - b'0')),
        _ => None,
    }
}

/// [`date_range`] of any value: centuries, decades, BC years, seasons,
/// halves, quarters and ISO weeks as well as [`gregorian_range`]'s.
fn any_range(value: &str) -> Option<DateRange> {
    let (bc, v) = match value.strip_prefix("BC") {
        Some(r) => (true, r),
        None => (false, value),
    };
    let v = v.bytes().position(|b| b == b'T').map_or(v, |k| &v[..k]);
    let astro = |y: i64| if bc { 1 - y } else { y };
    let mk = |y0: i64, m0: u32, d0: u32, y1: i64, m1: u32, d1: u32, p: &'static str| {
        Some(DateRange {
            value: DateValue::from(value),
            start: Day::new(y0, m0, d0)?,
            end: Day::new(y1, m1, d1)?,
            precision: p,
        })
    };
    let parts = split_parts(v)?;
    if parts
        .iter()
        .any(|p| p.as_bytes().contains(&b'X') || p.is_empty())
    {
        return None;
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [c] if c.len() == 2 && digits(c) => {
            let c: i64 = c.parse().ok()?;
            if bc {
                // BC03 = 400..301 BC
                let (a, b) = (astro(c * 100 + 100), astro(c * 100 + 1));
                mk(a, 1, 1, b, 12, 31, "century")
            } else {
                mk(c * 100, 1, 1, c * 100 + 99, 12, 31, "century")
            }
        }
        [d] if d.len() == 3 && digits(d) => {
            let d: i64 = d.parse().ok()?;
            if bc {
                let (a, b) = (astro(d * 10 + 9), astro(d * 10));
                mk(a, 1, 1, b, 12, 31, "decade")
            } else {
                mk(d * 10, 1, 1, d * 10 + 9, 12, 31, "decade")
            }
        }
        [y] => {
            let y = astro(parse_year(y)?);
            mk(y, 1, 1, y, 12, 31, "year")
        }
        [y, w] if !bc && w.len() == 3 && w.starts_with('W') && digits(&w[1..]) => {
            // ISO 8601: week 1 holds the year's first Thursday (and 4 January).
            let y = parse_year(y)?;
            let w: i64 = w[1..].parse().ok()?;
            let jan4 = days_from_civil(y, 1, 4);
            // 1970-01-01, day 0, was a Thursday: Monday is 0.
            let week1 = jan4 - (jan4 + 3).rem_euclid(7);
            let weeks_in_year = {
                let next = days_from_civil(y + 1, 1, 4);
                (next - (next + 3).rem_euclid(7) - week1) / 7
            };
            if !(1..=weeks_in_year).contains(&w) {
                return None;
            }
            let first = week1 + (w - 1) * 7;
            let (y0, m0, d0) = civil_from_days(first);
            let (y1, m1, d1) = civil_from_days(first + 6);
            mk(y0, m0, d0, y1, m1, d1, "week")
        }
        [y, m] => {
            let y = astro(parse_year(y)?);
            let (m0, y1, m1) = match *m {
                "SP" => (3, y, 5),
                "SU" => (6, y, 8),
                "FA" => (9, y, 11),
                "WI" => (12, y + 1, 2),
                "H1" => (1, y, 6),
                "H2" => (7, y, 12),
                "Q1" => (1, y, 3),
                "Q2" => (4, y, 6),
                "Q3" => (7, y, 9),
                "Q4" => (10, y, 12),
                _ if m.len() == 2 && digits(m) => {
                    let m: u32 = m.parse().ok()?;
                    if !(1..=12).contains(&m) {
                        return None;
                    }
                    (m, y, m)
                }
                _ => return None,
            };
            mk(y, m0, 1, y1, m1, month_len(y1, m1), "month")
        }
        [y, m, d] if m.len() == 2 && d.len() == 2 && digits(m) && digits(d) => {
            let y = astro(parse_year(y)?);
            let m: u32 = m.parse().ok()?;
            let d: u32 = d.parse().ok()?;
            if !(1..=12).contains(&m) || d == 0 || d > month_len(y, m) {
                return None;
            }
            mk(y, m, d, y, m, d, "day")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_writes_what_format_writes() {
        let mut all: Vec<u64> = (0..10_100).collect();
        all.extend([12345, 99_999, 100_000, u64::MAX]);
        for n in all {
            for w in [0, 1, 2, 3, 4, 5, 19, 20, 21, 25] {
                let mut s = String::new();
                push_padded(&mut s, n, w);
                assert_eq!(s, format!("{n:0w$}"));
            }
        }
        for y in [-489, -1, 0, 1, 33, 1939, 10000] {
            let want = if y <= 0 {
                format!("BC{:04}", 1 - y)
            } else {
                format!("{y:04}")
            };
            assert_eq!(fmt_year(y), want);
            let want = if y < 0 {
                format!("-{:04}-{:02}-{:02}", -y, 3, 9)
            } else {
                format!("{y:04}-{:02}-{:02}", 3, 9)
            };
            assert_eq!(iso_day(y, 3, 9), want);
        }
    }

    /// Random values near the calendar shapes, and all four-digit years
    /// with every two-digit month and day of some of them: the fast path
    /// ([`gregorian_range`]) answers as the general one ([`any_range`]).
    #[test]
    fn ranges_read_by_position_as_by_parts() {
        let mut values = Vec::new();
        for y in [
            "0000", "0001", "1900", "1939", "2000", "2020", "2021", "9999",
        ] {
            values.push(y.to_string());
            for m in 0..=99 {
                values.push(format!("{y}-{m:02}"));
                for d in 0..=99 {
                    values.push(format!("{y}-{m:02}-{d:02}"));
                    values.push(format!("{y}-{m:02}-{d:02}TMO"));
                }
            }
        }
        let mut next = crate::testrand::indices(0x9E37_79B9_7F4A_7C15);
        let pieces = [
            "0", "1", "2", "3", "9", "-", "-", "T", "X", "W", "BC", "SP", "H2", "Q4", "WI", "19",
            "2020", "2020-", "-10", "-02", "-31", "-W53", "TMO", "T10:30", "\u{e9}",
        ];
        for _ in 0..200_000 {
            let mut v = String::new();
            for _ in 0..1 + next(6) {
                v.push_str(pieces[next(pieces.len())]);
            }
            values.push(v);
        }
        for v in values {
            assert_eq!(date_range(&v), any_range(&v), "{v}");
        }
    }

    #[test]
    fn years() {
        assert_eq!(fmt_year(1939), "1939");
        assert_eq!(fmt_year(-489), "BC0490");
        assert_eq!(fmt_decade(true, 47), "BC047");
        assert_eq!(fmt_century(false, 18), "18");
    }

    #[test]
    fn calendar() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            civil_from_days(days_from_civil(2020, 2, 29) + 1),
            (2020, 3, 1)
        );
        assert_eq!(weekday(2020, 9, 27), 7);
        assert_eq!(iso_week(2021, 1, 1), (2020, 53));
    }

    #[test]
    fn ranges() {
        let r = date_range("2020-10").unwrap();
        assert_eq!(
            (r.start.as_str(), r.end.as_str(), r.precision),
            ("2020-10-01", "2020-10-31", "month")
        );
        let r = date_range("198").unwrap();
        assert_eq!(
            (r.start.as_str(), r.end.as_str(), r.precision),
            ("1980-01-01", "1989-12-31", "decade")
        );
        let r = date_range("18").unwrap();
        assert_eq!(
            (r.start.as_str(), r.end.as_str()),
            ("1800-01-01", "1899-12-31")
        );
        let r = date_range("1775-04-19TMO").unwrap();
        assert_eq!((r.start.as_str(), r.precision), ("1775-04-19", "day"));
        let r = date_range("BC0490").unwrap();
        assert_eq!(r.start, "-0489-01-01");
        assert_eq!(date_range("2008-H2").unwrap().start, "2008-07-01");
        assert_eq!(date_range("1920-WI").unwrap().end, "1921-02-28");
        // ISO weeks, across year ends.
        let w = date_range("2022-W36").unwrap();
        assert_eq!(
            (w.start.as_str(), w.end.as_str(), w.precision),
            ("2022-09-05", "2022-09-11", "week")
        );
        let w = date_range("2021-W01").unwrap();
        assert_eq!(
            (w.start.as_str(), w.end.as_str()),
            ("2021-01-04", "2021-01-10")
        );
        let w = date_range("2020-W53").unwrap();
        assert_eq!(
            (w.start.as_str(), w.end.as_str()),
            ("2020-12-28", "2021-01-03")
        );
        assert!(date_range("2021-W53").is_none());
        assert!(date_range("2021-W00").is_none());
        assert!(date_range("P24Y").is_none());
        assert!(date_range("XXXX-10").is_none());
        assert!(date_range("PRESENT_REF").is_none());
        assert!(date_range("2020-02-30").is_none());
        assert!(date_range("2020-10-02-01").is_none());
        assert!(date_range("2020-10-02-01-05").is_none());
        assert!(date_range("2020-").is_none());
        assert!(date_range("-").is_none());
        assert!(date_range("T").is_none());
        assert_eq!(date_range("2020-10-02T10:30").unwrap().precision, "day");
    }
}
