//! Answers that cost a scan of the whole knowledge base (counts, filter
//! menus, per-day histograms, the longest event span), kept until the
//! knowledge base changes. A change is seen through the largest document,
//! event and claim ids, which cost an index lookup each.

use std::collections::HashMap;
use std::sync::Mutex;

use casus_store::Store;
use serde_json::Value;

use crate::api::ApiResult;

/// What identifies one state of the knowledge base.
pub type Version = [i64; 3];

/// The current version of the knowledge base.
pub fn version(s: &Store) -> ApiResult<Version> {
    let docs: i64 =
        s.conn()
            .query_row("SELECT coalesce(max(rowid), 0) FROM documents", [], |r| {
                r.get(0)
            })?;
    if !crate::api_kb::has_events(s)? {
        return Ok([docs, 0, 0]);
    }
    let (e, c): (i64, i64) = s.conn().query_row(
        "SELECT (SELECT coalesce(max(id), 0) FROM events), (SELECT coalesce(max(id), 0) FROM claims)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok([docs, e, c])
}

/// A small map of computed answers, each tagged with the version it was
/// computed at.
#[derive(Default)]
pub struct Cache {
    map: Mutex<HashMap<String, (Version, Value)>>,
}

/// Entries kept before the cache starts over.
const MAX_ENTRIES: usize = 2048;

impl Cache {
    /// The cached answer for `key` at the knowledge base's current version,
    /// computing it with `f` when missing or stale.
    pub fn get_or(
        &self,
        s: &Store,
        key: &str,
        f: impl FnOnce() -> ApiResult<Value>,
    ) -> ApiResult<Value> {
        let v = version(s)?;
        if let Some((ver, val)) = self.map.lock().unwrap_or_else(|p| p.into_inner()).get(key) {
            if *ver == v {
                return Ok(val.clone());
            }
        }
        let val = f()?;
        let mut m = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= MAX_ENTRIES {
            m.clear();
        }
        m.insert(key.to_string(), (v, val.clone()));
        Ok(val)
    }
}
