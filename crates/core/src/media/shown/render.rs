//! What the window is handed of a kept picture (issue 63.1): measured first as its container
//! says, every frame counted, then decoded and re-encoded by the desk at the size it is shown
//! at, or a placeholder that says in words why it is not shown; and where each rendered copy is
//! kept beside the original. Fetching and keeping the originals is [`super`]'s.

use std::path::{Path, PathBuf};

use super::{ShownImage, ShownSize};
use crate::media::sniff::{sniff, Sniffed};

/// Where the copy of the picture at `path` rendered at `size` is kept.
pub(super) fn rendered_path(path: &Path, size: ShownSize) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(size.suffix());
    path.with_file_name(name)
}

/// The MIME type of a rendered copy: the desk's own JPEG or PNG, or a placeholder's SVG.
pub(super) fn rendered_mime(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"<svg") {
        return Some("image/svg+xml");
    }
    match sniff(bytes) {
        Sniffed::Accepted(crate::media::sniff::SourceFormat::Jpeg) => Some("image/jpeg"),
        Sniffed::Accepted(crate::media::sniff::SourceFormat::Png) => Some("image/png"),
        _ => None,
    }
}

/// `original` as the window is handed it at `size` (blocking: decodes): measured first as its
/// container says, every frame counted (too many pixels, or headers that disagree: a
/// placeholder), then decoded and re-encoded by the desk at the size it is shown at.
pub(super) fn render_for_window(url: &str, original: &[u8], size: ShownSize) -> ShownImage {
    if let Some(refused) = refused_by_measure(original) {
        return refused;
    }
    match crate::media::pipeline::render(url, original, size.edge_px()) {
        Ok(encoded) => ShownImage {
            mime: encoded.mime(),
            bytes: encoded.bytes,
        },
        Err(err) => {
            tracing::warn!(url, error = %err, "a picture that cannot be read whole was replaced by a placeholder");
            placeholder("This picture cannot be shown", "it cannot be read whole")
        }
    }
}

/// `None` when the frames of `bytes` hold at most [`crate::media::MAX_PIXELS`] (every frame's size
/// read from its container before anything is decoded, times the frames of an animation); else
/// a placeholder that says the picture is too large to show, or cannot be measured.
fn refused_by_measure(bytes: &[u8]) -> Option<ShownImage> {
    match crate::media::frames::measure(bytes) {
        Ok(frames) if frames.pixels() <= crate::media::MAX_PIXELS => None,
        Ok(frames) => {
            tracing::warn!(
                frames = frames.count,
                width = frames.width,
                height = frames.height,
                "a picture too large to show was replaced by a placeholder"
            );
            let size = format!("{} × {} pixels", frames.width, frames.height);
            let detail = if frames.count > 1 {
                format!("{} frames of {size}", frames.count)
            } else {
                size
            };
            Some(placeholder("This picture is too large to show", &detail))
        }
        // Its size cannot be read, so it cannot be bounded: not handed to the webview.
        Err(err) => {
            tracing::warn!(error = %err, "a picture whose size cannot be read was replaced by a placeholder");
            Some(placeholder(
                "This picture cannot be shown",
                "its size cannot be read",
            ))
        }
    }
}

/// An image that says, in words, why a picture is not shown.
pub(crate) fn placeholder(title: &str, detail: &str) -> ShownImage {
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"480\" height=\"270\" viewBox=\"0 0 480 270\">\
         <rect width=\"480\" height=\"270\" fill=\"#eceff3\"/>\
         <text x=\"240\" y=\"128\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"20\" fill=\"#3b4654\">\
         {title}</text>\
         <text x=\"240\" y=\"160\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"14\" fill=\"#5b6674\">\
         {detail}</text></svg>"
    );
    ShownImage {
        bytes: svg.into_bytes(),
        mime: "image/svg+xml",
    }
}
