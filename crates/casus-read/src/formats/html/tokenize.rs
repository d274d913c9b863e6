//! A small HTML tokenizer that keeps byte offsets.
//!
//! It is forgiving rather than conformant: every input produces tokens, a
//! stray `<` is text, an unterminated comment or tag runs to the end of the
//! input, and the contents of `script`, `style`, `noscript`, `template`,
//! `textarea`, `title` and `xmp` are raw text up to their end tag. It never
//! recurses and never slices off a char boundary (all delimiters are ASCII).

use std::ops::Range;

/// An attribute: lower-cased name and its value (entities undecoded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    pub name: String,
    pub value: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Character data (entities still encoded).
    Text,
    /// `<![CDATA[...]]>`: `inner` is the verbatim text.
    CData {
        inner: Range<usize>,
    },
    /// Comments, doctypes, processing instructions.
    Comment,
    Start {
        name: String,
        attrs: Vec<Attr>,
        self_closing: bool,
    },
    End {
        name: String,
    },
    /// The contents of a raw-text element (`script`, `style`, `title`, ...).
    RawText,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    /// The whole token in the raw text.
    pub span: Range<usize>,
}

fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "noscript" | "template" | "textarea" | "title" | "xmp" | "iframe"
    )
}

fn find_from(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    if from > b.len() {
        return None;
    }
    memchr::memmem::find(&b[from..], pat).map(|i| i + from)
}

/// Finds `</name` (ASCII case-insensitive) at or after `from`.
fn find_end_tag(b: &[u8], from: usize, name: &str) -> Option<usize> {
    let n = name.as_bytes();
    let mut i = from;
    while let Some(p) = memchr::memchr(b'<', b.get(i..)?).map(|p| p + i) {
        let after = p + 2 + n.len();
        if b.get(p + 1) == Some(&b'/')
            && after <= b.len()
            && b[p + 2..after].eq_ignore_ascii_case(n)
            && b.get(after)
                .is_none_or(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
        {
            return Some(p);
        }
        i = p + 1;
    }
    None
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Splits `s` into tokens covering it in order.
pub fn tokenize(s: &str) -> Vec<Token> {
    let b = s.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    let mut text_start: Option<usize> = None;
    let flush = |out: &mut Vec<Token>, text_start: &mut Option<usize>, end: usize| {
        if let Some(st) = text_start.take() {
            if st < end {
                out.push(Token {
                    kind: TokenKind::Text,
                    span: st..end,
                });
            }
        }
    };
    while i < b.len() {
        if b[i] != b'<' {
            if text_start.is_none() {
                text_start = Some(i);
            }
            i = memchr::memchr(b'<', &b[i..]).map_or(b.len(), |p| p + i);
            continue;
        }
        let next = b.get(i + 1).copied();
        if b[i..].starts_with(b"<!--") {
            flush(&mut out, &mut text_start, i);
            let end = find_from(b, i + 4, b"-->").map_or(b.len(), |p| p + 3);
            out.push(Token {
                kind: TokenKind::Comment,
                span: i..end,
            });
            i = end;
        } else if b[i..].starts_with(b"<![CDATA[") {
            flush(&mut out, &mut text_start, i);
            let inner_start = i + 9;
            let (inner_end, end) =
                find_from(b, inner_start, b"]]>").map_or((b.len(), b.len()), |p| (p, p + 3));
            out.push(Token {
                kind: TokenKind::CData {
                    inner: inner_start..inner_end,
                },
                span: i..end,
            });
            i = end;
        } else if matches!(next, Some(b'!' | b'?')) {
            flush(&mut out, &mut text_start, i);
            let end = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |p| p + i + 1);
            out.push(Token {
                kind: TokenKind::Comment,
                span: i..end,
            });
            i = end;
        } else if next == Some(b'/') && b.get(i + 2).is_some_and(u8::is_ascii_alphabetic) {
            flush(&mut out, &mut text_start, i);
            let name_start = i + 2;
            let mut j = name_start;
            while j < b.len() && !is_space(b[j]) && b[j] != b'>' && b[j] != b'/' {
                j += 1;
            }
            let name = s[name_start..j].to_ascii_lowercase();
            let end = memchr::memchr(b'>', &b[j..]).map_or(b.len(), |p| p + j + 1);
            out.push(Token {
                kind: TokenKind::End { name },
                span: i..end,
            });
            i = end;
        } else if next.is_some_and(|c| c.is_ascii_alphabetic()) {
            flush(&mut out, &mut text_start, i);
            let (tok, end) = start_tag(s, i);
            let raw_name = match &tok.kind {
                TokenKind::Start {
                    name, self_closing, ..
                } if is_raw_text(name) && !self_closing => Some(name.clone()),
                _ => None,
            };
            out.push(tok);
            i = end;
            if let Some(name) = raw_name {
                let close = find_end_tag(b, i, &name).unwrap_or(b.len());
                if close > i {
                    out.push(Token {
                        kind: TokenKind::RawText,
                        span: i..close,
                    });
                }
                i = close;
            }
        } else {
            // A stray `<` (or `</` not followed by a letter) is text.
            if text_start.is_none() {
                text_start = Some(i);
            }
            i += 1;
        }
    }
    flush(&mut out, &mut text_start, b.len());
    out
}

/// Parses the start tag at `i` (`<` followed by a letter).
fn start_tag(s: &str, i: usize) -> (Token, usize) {
    let b = s.as_bytes();
    let mut j = i + 1;
    while j < b.len() && !is_space(b[j]) && b[j] != b'>' && b[j] != b'/' {
        j += 1;
    }
    let name = s[i + 1..j].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while j < b.len() && is_space(b[j]) {
            j += 1;
        }
        match b.get(j) {
            None => break,
            Some(b'>') => {
                j += 1;
                break;
            }
            Some(b'/') => {
                j += 1;
                if b.get(j) == Some(&b'>') {
                    self_closing = true;
                    j += 1;
                    break;
                }
                continue;
            }
            _ => {}
        }
        // Attribute name.
        let name_start = j;
        while j < b.len() && !is_space(b[j]) && !matches!(b[j], b'>' | b'/' | b'=') {
            j += 1;
        }
        if j == name_start {
            // A lone `=`: skip it.
            j += 1;
            continue;
        }
        let attr_name = s[name_start..j].to_ascii_lowercase();
        let mut k = j;
        while k < b.len() && is_space(b[k]) {
            k += 1;
        }
        let mut value = j..j;
        if b.get(k) == Some(&b'=') {
            k += 1;
            while k < b.len() && is_space(b[k]) {
                k += 1;
            }
            match b.get(k) {
                Some(&q @ (b'"' | b'\'')) => {
                    let vs = k + 1;
                    let ve = memchr::memchr(q, &b[vs..]).map_or(b.len(), |p| p + vs);
                    value = vs..ve;
                    j = (ve + 1).min(b.len());
                }
                _ => {
                    let vs = k;
                    while k < b.len() && !is_space(b[k]) && b[k] != b'>' {
                        k += 1;
                    }
                    value = vs..k;
                    j = k;
                }
            }
        }
        if attrs.len() < 64 {
            attrs.push(Attr {
                name: attr_name,
                value,
            });
        }
    }
    (
        Token {
            kind: TokenKind::Start {
                name,
                attrs,
                self_closing,
            },
            span: i..j,
        },
        j,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_cover_and_keep_offsets() {
        let s = "<p class=\"a b\" id=x>Hi &amp; <b>there</b><!-- c --><script>if (a<b) {}</script> 1 < 2 <![CDATA[x]]></p";
        let toks = tokenize(s);
        let mut at = 0;
        for t in &toks {
            assert_eq!(t.span.start, at);
            at = t.span.end;
        }
        assert_eq!(at, s.len());
        match &toks[0].kind {
            TokenKind::Start { name, attrs, .. } => {
                assert_eq!(name, "p");
                assert_eq!(&s[attrs[0].value.clone()], "a b");
                assert_eq!(&s[attrs[1].value.clone()], "x");
            }
            k => panic!("{k:?}"),
        }
        assert!(toks
            .iter()
            .any(|t| t.kind == TokenKind::RawText && &s[t.span.clone()] == "if (a<b) {}"));
        assert!(toks
            .iter()
            .any(|t| t.kind == TokenKind::Text && s[t.span.clone()].contains("1 < 2")));
    }
}
