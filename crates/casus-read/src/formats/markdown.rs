//! Markdown with YAML front matter (scaffold).
use crate::Cleaned;

pub fn clean(text: &str) -> Cleaned {
    super::webtext::clean(text, super::webtext::Profile::TEXT)
}
