//! HTML character references: named (a common subset) and numeric.

/// Named references this reader decodes. Unknown names are kept verbatim.
/// Invisible characters (soft hyphen, zero-width joiners, direction marks)
/// decode to nothing, so words they split stay whole.
const NAMED: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("ensp", "\u{2002}"),
    ("emsp", "\u{2003}"),
    ("thinsp", "\u{2009}"),
    ("zwnj", ""),
    ("zwj", ""),
    ("lrm", ""),
    ("rlm", ""),
    ("shy", ""),
    ("mdash", "\u{2014}"),
    ("ndash", "\u{2013}"),
    ("minus", "\u{2212}"),
    ("hellip", "\u{2026}"),
    ("lsquo", "\u{2018}"),
    ("rsquo", "\u{2019}"),
    ("sbquo", "\u{201a}"),
    ("ldquo", "\u{201c}"),
    ("rdquo", "\u{201d}"),
    ("bdquo", "\u{201e}"),
    ("laquo", "\u{ab}"),
    ("raquo", "\u{bb}"),
    ("lsaquo", "\u{2039}"),
    ("rsaquo", "\u{203a}"),
    ("prime", "\u{2032}"),
    ("Prime", "\u{2033}"),
    ("bull", "\u{2022}"),
    ("middot", "\u{b7}"),
    ("dagger", "\u{2020}"),
    ("Dagger", "\u{2021}"),
    ("sect", "\u{a7}"),
    ("para", "\u{b6}"),
    ("copy", "\u{a9}"),
    ("reg", "\u{ae}"),
    ("trade", "\u{2122}"),
    ("deg", "\u{b0}"),
    ("plusmn", "\u{b1}"),
    ("times", "\u{d7}"),
    ("divide", "\u{f7}"),
    ("frac12", "\u{bd}"),
    ("frac14", "\u{bc}"),
    ("frac34", "\u{be}"),
    ("sup1", "\u{b9}"),
    ("sup2", "\u{b2}"),
    ("sup3", "\u{b3}"),
    ("micro", "\u{b5}"),
    ("cent", "\u{a2}"),
    ("pound", "\u{a3}"),
    ("euro", "\u{20ac}"),
    ("yen", "\u{a5}"),
    ("curren", "\u{a4}"),
    ("iexcl", "\u{a1}"),
    ("iquest", "\u{bf}"),
    ("larr", "\u{2190}"),
    ("rarr", "\u{2192}"),
    ("uarr", "\u{2191}"),
    ("darr", "\u{2193}"),
    ("harr", "\u{2194}"),
    ("le", "\u{2264}"),
    ("ge", "\u{2265}"),
    ("ne", "\u{2260}"),
    ("asymp", "\u{2248}"),
    ("infin", "\u{221e}"),
    ("ordm", "\u{ba}"),
    ("ordf", "\u{aa}"),
    ("Agrave", "\u{c0}"),
    ("Aacute", "\u{c1}"),
    ("Acirc", "\u{c2}"),
    ("Atilde", "\u{c3}"),
    ("Auml", "\u{c4}"),
    ("Aring", "\u{c5}"),
    ("AElig", "\u{c6}"),
    ("Ccedil", "\u{c7}"),
    ("Egrave", "\u{c8}"),
    ("Eacute", "\u{c9}"),
    ("Ecirc", "\u{ca}"),
    ("Euml", "\u{cb}"),
    ("Igrave", "\u{cc}"),
    ("Iacute", "\u{cd}"),
    ("Icirc", "\u{ce}"),
    ("Iuml", "\u{cf}"),
    ("Ntilde", "\u{d1}"),
    ("Ograve", "\u{d2}"),
    ("Oacute", "\u{d3}"),
    ("Ocirc", "\u{d4}"),
    ("Otilde", "\u{d5}"),
    ("Ouml", "\u{d6}"),
    ("Oslash", "\u{d8}"),
    ("Ugrave", "\u{d9}"),
    ("Uacute", "\u{da}"),
    ("Ucirc", "\u{db}"),
    ("Uuml", "\u{dc}"),
    ("Yacute", "\u{dd}"),
    ("szlig", "\u{df}"),
    ("agrave", "\u{e0}"),
    ("aacute", "\u{e1}"),
    ("acirc", "\u{e2}"),
    ("atilde", "\u{e3}"),
    ("auml", "\u{e4}"),
    ("aring", "\u{e5}"),
    ("aelig", "\u{e6}"),
    ("ccedil", "\u{e7}"),
    ("egrave", "\u{e8}"),
    ("eacute", "\u{e9}"),
    ("ecirc", "\u{ea}"),
    ("euml", "\u{eb}"),
    ("igrave", "\u{ec}"),
    ("iacute", "\u{ed}"),
    ("icirc", "\u{ee}"),
    ("iuml", "\u{ef}"),
    ("ntilde", "\u{f1}"),
    ("ograve", "\u{f2}"),
    ("oacute", "\u{f3}"),
    ("ocirc", "\u{f4}"),
    ("otilde", "\u{f5}"),
    ("ouml", "\u{f6}"),
    ("oslash", "\u{f8}"),
    ("ugrave", "\u{f9}"),
    ("uacute", "\u{fa}"),
    ("ucirc", "\u{fb}"),
    ("uuml", "\u{fc}"),
    ("yacute", "\u{fd}"),
    ("yuml", "\u{ff}"),
    ("Scaron", "\u{160}"),
    ("scaron", "\u{161}"),
    ("Zcaron", "\u{17d}"),
    ("zcaron", "\u{17e}"),
    ("OElig", "\u{152}"),
    ("oelig", "\u{153}"),
    ("Alpha", "\u{391}"),
    ("alpha", "\u{3b1}"),
    ("beta", "\u{3b2}"),
    ("gamma", "\u{3b3}"),
    ("delta", "\u{3b4}"),
    ("pi", "\u{3c0}"),
    ("mu", "\u{3bc}"),
];

/// Names that browsers also accept without the closing `;`.
const LEGACY: &[&str] = &["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"];

/// Windows-1252 code points that `&#128;`..`&#159;` stand for.
fn cp1252(n: u32) -> Option<char> {
    Some(match n {
        0x80 => '\u{20ac}',
        0x82 => '\u{201a}',
        0x84 => '\u{201e}',
        0x85 => '\u{2026}',
        0x86 => '\u{2020}',
        0x87 => '\u{2021}',
        0x89 => '\u{2030}',
        0x8a => '\u{160}',
        0x8c => '\u{152}',
        0x8e => '\u{17d}',
        0x91 => '\u{2018}',
        0x92 => '\u{2019}',
        0x93 => '\u{201c}',
        0x94 => '\u{201d}',
        0x95 => '\u{2022}',
        0x96 => '\u{2013}',
        0x97 => '\u{2014}',
        0x99 => '\u{2122}',
        0x9a => '\u{161}',
        0x9c => '\u{153}',
        0x9e => '\u{17e}',
        0x9f => '\u{178}',
        _ => return None,
    })
}

/// Decoded text of one character reference.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded {
    Char(char),
    Str(&'static str),
}

impl Decoded {
    pub fn push_to(&self, s: &mut String) {
        match self {
            Decoded::Char(c) => s.push(*c),
            Decoded::Str(t) => s.push_str(t),
        }
    }
    /// Whether the reference stands for whitespace (including no-break space).
    pub fn is_space(&self) -> bool {
        match self {
            Decoded::Char(c) => c.is_whitespace(),
            Decoded::Str(t) => !t.is_empty() && t.chars().all(char::is_whitespace),
        }
    }
}

/// Decodes the character reference at the start of `s` (which starts with
/// `&`). Returns the decoded text and the byte length consumed.
pub fn decode_at(s: &str) -> Option<(Decoded, usize)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'&') {
        return None;
    }
    if b.get(1) == Some(&b'#') {
        let (hex, digits_at) = match b.get(2) {
            Some(b'x' | b'X') => (true, 3),
            _ => (false, 2),
        };
        let mut end = digits_at;
        while end < b.len() && end - digits_at < 8 {
            let ok = if hex {
                b[end].is_ascii_hexdigit()
            } else {
                b[end].is_ascii_digit()
            };
            if !ok {
                break;
            }
            end += 1;
        }
        if end == digits_at {
            return None;
        }
        let digits = s.get(digits_at..end)?;
        let n = u32::from_str_radix(digits, if hex { 16 } else { 10 }).ok()?;
        let len = if b.get(end) == Some(&b';') {
            end + 1
        } else {
            end
        };
        let c = cp1252(n)
            .or_else(|| if n == 0 { None } else { char::from_u32(n) })
            .unwrap_or('\u{fffd}');
        return Some((Decoded::Char(c), len));
    }
    let mut end = 1;
    while end < b.len() && end < 12 && b[end].is_ascii_alphanumeric() {
        end += 1;
    }
    let name = s.get(1..end)?;
    if name.is_empty() {
        return None;
    }
    let value = NAMED.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)?;
    if b.get(end) == Some(&b';') {
        Some((Decoded::Str(value), end + 1))
    } else if LEGACY.contains(&name) {
        Some((Decoded::Str(value), end))
    } else {
        None
    }
}

/// Decodes every reference in `s` (attribute values, titles).
pub fn decode_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match decode_at(rest) {
            Some((d, len)) => {
                d.push_to(&mut out);
                rest = rest.get(len..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes references and collapses whitespace runs to one space.
pub fn decode_collapse(s: &str) -> String {
    let decoded = decode_str(s);
    let mut out = String::with_capacity(decoded.len());
    for w in decoded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_named_and_numeric() {
        assert_eq!(
            decode_str("a &amp; b &mdash; &#39;c&#x27; &#150;"),
            "a & b \u{2014} 'c' \u{2013}"
        );
        assert_eq!(
            decode_str("&unknown; &amp &#xZZ; & &#0; &#99999999;"),
            "&unknown; & &#xZZ; & \u{fffd} \u{fffd}"
        );
        assert_eq!(decode_collapse(" a&nbsp;b \n c "), "a b c");
    }
}
