//! Image pipeline: turns a file a manager drops onto an offer, gallery or room type into a small,
//! upright, metadata-free upload, and keeps it in a content-addressed cache on disk so an edit made
//! offline keeps its images until they are uploaded.
//!
//! Not for: uploading (the API client and the outbox do that) or knowing which row an image
//! belongs to (the store's `media` table does). Everything here is synchronous; [`prepare`] is
//! CPU-heavy and is called through `tokio::task::spawn_blocking`.
//!
//! ```no_run
//! use hotelmate_core::media::{prepare, ImagePolicy, MediaCache};
//!
//! # fn main() -> Result<(), hotelmate_core::media::MediaError> {
//! let dropped = std::fs::read("pool.jpg").unwrap_or_default();
//! let prepared = prepare("pool.jpg", &dropped, &ImagePolicy::default())?;
//! let cache = MediaCache::open("/home/anne/.local/share/hotelmate-desk/media")?;
//! let stored = cache.put_prepared(&prepared)?;
//! println!("{} is {}×{} px", stored.image.path.display(), stored.image.width, stored.image.height);
//! # Ok(())
//! # }
//! ```

mod cache;
mod decode;
mod error;
mod frames;
pub mod hosts;
mod pipeline;
pub(crate) mod shown;
mod sniff;

pub use cache::{CachedImage, MediaCache, MediaRef};
pub use error::MediaError;
pub use pipeline::prepare;
#[cfg(feature = "test-support")]
pub use pipeline::{EncodedImage, OutputFormat, PreparedImage};
pub use shown::{ShownError, ShownImage, ShownImages, ShownSize};
#[cfg(feature = "test-support")]
pub use sniff::{sniff, Refused, Sniffed, SourceFormat};
#[cfg(not(feature = "test-support"))]
pub(crate) use sniff::{sniff, Sniffed};

/// The long edge of an uploaded image: sharp on a 4K display, a fraction of a phone photo's size.
pub(crate) const MAX_UPLOAD_EDGE_PX: u32 = 2560;
/// The long edge of a list thumbnail.
pub(crate) const THUMBNAIL_EDGE_PX: u32 = 480;
/// Above this an image is refused before decoding: 100 megapixels take 300 MB as RGB.
pub(crate) const MAX_PIXELS: u64 = 100_000_000;
/// Above this a file is refused before it is even sniffed.
pub(crate) const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;
/// The usual web setting: no visible loss at display sizes, a fraction of the bytes of 95+.
pub(crate) const JPEG_QUALITY: u8 = 85;
/// JPEG cannot hold a wider or taller image.
const JPEG_MAX_EDGE_PX: u32 = u16::MAX as u32;

/// How images are prepared. `Default` is what the desk uses.
#[derive(Debug, Clone, PartialEq)]
pub struct ImagePolicy {
    /// Long edge of the prepared image; smaller images are kept at their size.
    pub max_edge_px: u32,
    /// Images with more pixels than this are refused from their header, before decoding.
    pub max_pixels: u64,
    /// 1–100.
    pub jpeg_quality: u8,
    /// Long edge of the thumbnail, in pixels.
    pub thumbnail_edge_px: u32,
    /// Files larger than this, in bytes, are refused before they are even sniffed.
    pub max_input_bytes: u64,
    /// The part of the upright picture to keep (a hotel image cropped to its slot's shape).
    pub crop: Option<Crop>,
}

/// A rectangle of a picture, each side a fraction (0–1) of the upright picture's width or
/// height, so the screen can choose it on a preview of any size.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Crop {
    /// Left edge, as a fraction of the picture's width.
    pub x: f64,
    /// Top edge, as a fraction of the picture's height.
    pub y: f64,
    /// Width, as a fraction of the picture's width.
    pub width: f64,
    /// Height, as a fraction of the picture's height.
    pub height: f64,
}

impl Crop {
    /// Whether it lies inside the picture and keeps something of it.
    pub(crate) fn is_valid(&self) -> bool {
        let inside = |start: f64, size: f64| {
            start.is_finite()
                && size.is_finite()
                && start >= 0.0
                && size > 0.0
                && start + size <= 1.0 + 1e-6
        };
        inside(self.x, self.width) && inside(self.y, self.height)
    }

    /// The rectangle in pixels of a `width` × `height` picture: at least one pixel, inside it.
    pub(crate) fn pixels(&self, width: u32, height: u32) -> (u32, u32, u32, u32) {
        let edge = |start: f64, size: f64, full: u32| {
            let full_f = f64::from(full);
            let from = (start * full_f).round().clamp(0.0, full_f - 1.0) as u32;
            let len = (size * full_f).round().max(1.0) as u32;
            (from, len.min(full - from))
        };
        let (x, w) = edge(self.x, self.width, width.max(1));
        let (y, h) = edge(self.y, self.height, height.max(1));
        (x, y, w, h)
    }
}

impl Default for ImagePolicy {
    fn default() -> Self {
        Self {
            max_edge_px: MAX_UPLOAD_EDGE_PX,
            max_pixels: MAX_PIXELS,
            jpeg_quality: JPEG_QUALITY,
            thumbnail_edge_px: THUMBNAIL_EDGE_PX,
            max_input_bytes: MAX_INPUT_BYTES,
            crop: None,
        }
    }
}

impl ImagePolicy {
    /// Whether the settings make sense; [`prepare`] checks this first.
    pub(crate) fn validate(&self) -> Result<(), MediaError> {
        if self.crop.is_some_and(|crop| !crop.is_valid()) {
            return Err(MediaError::InvalidPolicy(
                "the part of the picture to keep must lie inside it",
            ));
        }
        let edge_ok = |edge: u32| (1..=JPEG_MAX_EDGE_PX).contains(&edge);
        if !edge_ok(self.max_edge_px) {
            return Err(MediaError::InvalidPolicy(
                "the long edge must be 1 to 65,535 pixels",
            ));
        }
        if !edge_ok(self.thumbnail_edge_px) {
            return Err(MediaError::InvalidPolicy(
                "the thumbnail edge must be 1 to 65,535 pixels",
            ));
        }
        if !(1..=100).contains(&self.jpeg_quality) {
            return Err(MediaError::InvalidPolicy(
                "the JPEG quality must be 1 to 100",
            ));
        }
        if self.max_pixels == 0 || self.max_input_bytes == 0 {
            return Err(MediaError::InvalidPolicy(
                "the size limits must be above zero",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_is_valid_and_nonsense_is_refused() {
        assert!(ImagePolicy::default().validate().is_ok());
        let zero_edge = ImagePolicy {
            max_edge_px: 0,
            ..ImagePolicy::default()
        };
        assert_eq!(zero_edge.validate().unwrap_err().code(), "invalid_settings");
        let quality = ImagePolicy {
            jpeg_quality: 101,
            ..ImagePolicy::default()
        };
        assert!(quality.validate().is_err());
        let too_wide = ImagePolicy {
            max_edge_px: 70_000,
            ..ImagePolicy::default()
        };
        assert!(too_wide.validate().is_err());
    }
}
