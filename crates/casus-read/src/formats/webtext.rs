//! Text formats pulled from web pages (scaffold).
use crate::offsets::CleanBuilder;
use crate::Cleaned;

#[derive(Clone, Copy, Debug)]
pub struct Profile {}

impl Profile {
    pub const TEXT: Profile = Profile {};
    pub const WEB_TEXT: Profile = Profile {};
    pub const ONE_LINE: Profile = Profile {};
    pub const TOOLTIP_MIRROR: Profile = Profile {};
    pub const CHROME_MIRROR: Profile = Profile {};
}

pub fn is_ref_entry(line: &str) -> bool {
    line.contains(". ^ ") || line.starts_with("^ ")
}

pub fn clean(text: &str, _profile: Profile) -> Cleaned {
    let mut b = CleanBuilder::new(text);
    b.copy(0..text.len());
    let (clean, map) = b.finish();
    Cleaned {
        clean,
        map,
        ..Default::default()
    }
}
