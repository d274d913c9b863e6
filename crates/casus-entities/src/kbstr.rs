//! [`KbStr`]: the text of the knowledge base as mentions carry it, lent
//! rather than copied; and [`Lender`], which makes the knowledge base's
//! text lendable.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;

use rustc_hash::FxHashSet;
use serde::{Serialize, Serializer};

/// An id, name, kind, sector or surface form of the knowledge base, as a
/// [`crate::Mention`] and the records made from it carry it: lent from the
/// knowledge base, which lives for the process, or owned where a caller
/// makes a value of its own (or a mention's text is no one form).
///
/// Every mention carries six of these, and the event coder copies them
/// again into its actors. Copying a lent one copies a pointer and a length:
/// no allocation, no free, and no counter shared between threads (an
/// `Arc<str>` per name would have every thread that copies "AZE" write the
/// same reference count, moving its cache line from core to core).
///
/// It reads as a `&str` (`Deref`), compares with `str`, `&str` and `String`
/// either way round, and serialises as a plain string.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KbStr(Cow<'static, str>);

impl KbStr {
    /// Text that lives for the process, lent: a literal, or text of the
    /// knowledge base.
    pub const fn lent(s: &'static str) -> KbStr {
        KbStr(Cow::Borrowed(s))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text when it is lent (it lives for the process, unchanged),
    /// `None` when it is owned: what lends it tells equal text by its
    /// address, as a writer that remembers what it wrote for lent text
    /// does.
    #[inline]
    pub fn as_lent(&self) -> Option<&'static str> {
        match self.0 {
            Cow::Borrowed(s) => Some(s),
            Cow::Owned(_) => None,
        }
    }

    /// The text as an owned `String` (a copy when lent).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl Deref for KbStr {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for KbStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Hashes and compares as its `str`: maps keyed by `KbStr` are looked up
/// with a `&str`.
impl Borrow<str> for KbStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&'static str> for KbStr {
    fn from(s: &'static str) -> KbStr {
        KbStr::lent(s)
    }
}

impl From<String> for KbStr {
    fn from(s: String) -> KbStr {
        KbStr(Cow::Owned(s))
    }
}

impl From<Cow<'static, str>> for KbStr {
    fn from(s: Cow<'static, str>) -> KbStr {
        KbStr(s)
    }
}

impl From<KbStr> for String {
    fn from(s: KbStr) -> String {
        s.into_string()
    }
}

impl fmt::Display for KbStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

/// As its `str`: `"AZE"`.
impl fmt::Debug for KbStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// As a plain string.
impl Serialize for KbStr {
    #[inline]
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `KbStr == str`, `str == KbStr` and the like for `&str` and `String`.
macro_rules! eq_str {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for KbStr {
            fn eq(&self, other: &$t) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }

        impl PartialEq<KbStr> for $t {
            fn eq(&self, other: &KbStr) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}

eq_str!(str, &str, String);

/// Makes the text of a knowledge base lendable while it is built: each
/// distinct string is leaked once and lent from then on.
///
/// A knowledge base lives for the process (see [`crate::Gazetteer`]), so its
/// text may as well: the embedded one is built once per process, one with
/// an analyst's files once per [`crate::Gazetteer::with_overrides`] call
/// (once per run of the command line). What leaks is each distinct id,
/// name, kind, sector and surface form, once: about a hundred kilobytes
/// for the embedded data (3,356 surface forms of 44 KB, and the names of
/// some 1,000 actors, places and people).
#[derive(Debug, Default)]
pub(crate) struct Lender {
    kept: FxHashSet<&'static str>,
}

impl Lender {
    /// `s`, lendable: the text kept before when equal, else a new leak.
    pub(crate) fn lend(&mut self, s: &str) -> KbStr {
        if let Some(&k) = self.kept.get(s) {
            return KbStr::lent(k);
        }
        let k: &'static str = Box::leak(Box::from(s));
        self.kept.insert(k);
        KbStr::lent(k)
    }

    /// [`Lender::lend`] of an optional string.
    pub(crate) fn lend_opt(&mut self, s: Option<&str>) -> Option<KbStr> {
        s.map(|s| self.lend(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_compares_and_serialises_as_its_str() {
        let lent = KbStr::lent("AZE");
        let owned = KbStr::from(String::from("AZE"));
        assert_eq!(lent, owned);
        // each way round, with `&str`, `str` and `String`
        let (s, string) = ("AZE", String::from("AZE"));
        assert!(lent == s);
        assert!(s == lent);
        assert!(lent == *s);
        assert!(*s == lent);
        assert!(owned == string);
        assert!(string == owned);
        assert_eq!(lent.len(), 3);
        assert_eq!(format!("{lent} {owned:?}"), "AZE \"AZE\"");
        // lent or owned, as the plain string, written or as a value
        for s in [&lent, &owned] {
            assert_eq!(serde_json::to_string(&Some(s)).unwrap(), "\"AZE\"");
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!("AZE"));
        }
        let mut set = FxHashSet::default();
        set.insert(owned);
        assert!(set.contains("AZE"));
    }

    #[test]
    fn lender_keeps_each_text_once() {
        let mut l = Lender::default();
        let a = l.lend(&String::from("Azerbaijan"));
        let b = l.lend("Azerbaijan");
        assert_eq!(a, "Azerbaijan");
        // the same leaked bytes, not a second copy
        assert_eq!(a.as_ptr(), b.as_ptr());
        assert!(matches!(a.0, Cow::Borrowed(_)));
        assert_eq!(a.as_lent().map(str::as_ptr), Some(b.as_ptr()));
        assert_eq!(KbStr::from(String::from("x")).as_lent(), None);
        assert_eq!(l.lend_opt(None), None);
        assert_eq!(l.lend_opt(Some("x")).as_deref(), Some("x"));
    }

    #[test]
    fn clones_of_lent_text_share_it() {
        let a = KbStr::lent("Armenia");
        let b = a.clone();
        assert_eq!(a.as_ptr(), b.as_ptr());
    }
}
