//! One reader per format; [`clean`] dispatches on the detected format.

pub mod html;
pub mod markdown;
pub mod webtext;
pub mod wiki;

use crate::{Cleaned, Format};

/// Cleans `text` read as `format`.
pub fn clean(format: Format, text: &str) -> Cleaned {
    match format {
        Format::Text => webtext::clean(text, webtext::Profile::TEXT),
        Format::WebText => webtext::clean(text, webtext::Profile::WEB_TEXT),
        Format::OneLine => webtext::clean(text, webtext::Profile::ONE_LINE),
        Format::TooltipMirror => webtext::clean(text, webtext::Profile::TOOLTIP_MIRROR),
        Format::ChromeMirror => webtext::clean(text, webtext::Profile::CHROME_MIRROR),
        Format::Wiki => wiki::clean(text),
        Format::Html => html::clean(text),
        Format::Markdown => markdown::clean(text),
    }
}
