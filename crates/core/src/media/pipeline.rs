//! From dropped bytes to an upload: sniff, bounded decode, resize, colours to sRGB, re-encode
//! without metadata, and a thumbnail for lists.

use hotelmate_pixels::{convert_to_srgb, encode_jpeg, encode_png, resize, Channels};
use image::DynamicImage;

use super::decode::decode_upright;
use super::sniff::{require_accepted, SourceFormat};
use super::{ImagePolicy, MediaError};

/// The encoding of a prepared image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// Photos, and anything without real transparency.
    Jpeg,
    /// Images with at least one pixel that is not fully opaque (logos, cut-outs).
    Png,
}

impl OutputFormat {
    /// The format's MIME type (`image/jpeg` or `image/png`).
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    pub(crate) fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }
}

/// One encoded picture: its bytes and what they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedImage {
    /// The encoded file.
    pub bytes: Vec<u8>,
    /// Its format.
    pub format: OutputFormat,
    /// Its width, in pixels.
    pub width: u32,
    /// Its height, in pixels.
    pub height: u32,
}

impl EncodedImage {
    /// Its MIME type (`image/jpeg` or `image/png`).
    pub fn mime(&self) -> &'static str {
        self.format.mime()
    }

    /// Its file extension, without the dot (`jpg` or `png`).
    pub fn extension(&self) -> &'static str {
        self.format.extension()
    }
}

/// An image ready to upload: upright, at most `max_edge_px` on its long edge, no metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedImage {
    /// The image to upload.
    pub image: EncodedImage,
    /// The same picture at most `thumbnail_edge_px` on its long edge, in the same format.
    pub thumbnail: EncodedImage,
    /// What the dropped file really was.
    pub source_format: SourceFormat,
    /// The size of the dropped file, so the UI can say how much was saved.
    pub original_bytes: usize,
}

/// Prepares a dropped file for upload. `name` is only used in error messages.
///
/// CPU-heavy (tens to hundreds of milliseconds for a phone photo): call it from async code through
/// `tokio::task::spawn_blocking`.
///
/// ```
/// use hotelmate_core::media::{prepare, ImagePolicy};
///
/// let err = prepare("pool.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", &ImagePolicy::default())
///     .unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "cannot use 'pool.heic': HEIC photos are not supported; export it as JPEG first"
/// );
/// ```
pub fn prepare(
    name: &str,
    bytes: &[u8],
    policy: &ImagePolicy,
) -> Result<PreparedImage, MediaError> {
    let (image, main, source_format) = main_image(name, bytes, policy)?;
    let thumbnail = match main.shrunk_to(policy.thumbnail_edge_px, name)? {
        Some(smaller) => smaller.encode(policy, name)?,
        None => image.clone(),
    };
    Ok(PreparedImage {
        image,
        thumbnail,
        source_format,
        original_bytes: bytes.len(),
    })
}

/// A picture from outside as the desk hands it to the window (issue 63.1): decoded here under
/// the same bounds as a dropped photo (its first frame for an animation), upright, at most
/// `max_edge_px` on its long edge, in sRGB, re-encoded with no metadata. What the window decodes
/// is then the desk's own small, plain file, never the sender's.
pub(crate) fn render(
    name: &str,
    bytes: &[u8],
    max_edge_px: u32,
) -> Result<EncodedImage, MediaError> {
    let policy = ImagePolicy {
        max_edge_px,
        thumbnail_edge_px: max_edge_px,
        ..ImagePolicy::default()
    };
    main_image(name, bytes, &policy).map(|(image, _, _)| image)
}

/// The prepared picture (before any thumbnail), its pixels, and what the file really was.
fn main_image(
    name: &str,
    bytes: &[u8],
    policy: &ImagePolicy,
) -> Result<(EncodedImage, Pixels, SourceFormat), MediaError> {
    policy.validate()?;
    if bytes.is_empty() {
        return Err(MediaError::Empty {
            name: name.to_owned(),
        });
    }
    let size_bytes = bytes.len() as u64;
    if size_bytes > policy.max_input_bytes {
        return Err(MediaError::FileTooLarge {
            name: name.to_owned(),
            size_bytes,
            limit_bytes: policy.max_input_bytes,
        });
    }
    let source_format = require_accepted(name, bytes)?;
    let mut decoded = decode_upright(name, bytes, source_format, policy)?;
    if let Some(crop) = policy.crop {
        let (x, y, width, height) = crop.pixels(decoded.image.width(), decoded.image.height());
        decoded.image = decoded.image.crop_imm(x, y, width, height);
    }
    let mut main = {
        let full = Pixels::from_image(decoded.image);
        match full.shrunk_to(policy.max_edge_px, name)? {
            Some(smaller) => smaller,
            None => full,
        }
    };
    // After the resize, so only the smaller image is converted.
    if let Some(profile) = &decoded.icc_profile {
        let channels = main.channels();
        if let Err(err) = convert_to_srgb(&mut main.data, channels, profile) {
            // An unreadable or unusual profile (a CMYK one, say) leaves the pixels as decoded.
            tracing::debug!(name, %err, "colour profile not applied");
        }
    }
    let image = main.encode(policy, name)?;
    Ok((image, main, source_format))
}

/// 8-bit pixels, RGB for opaque images and RGBA only when some pixel is see-through.
struct Pixels {
    width: u32,
    height: u32,
    data: Vec<u8>,
    alpha: bool,
}

impl Pixels {
    fn from_image(image: DynamicImage) -> Self {
        let (width, height) = (image.width(), image.height());
        if !image.color().has_alpha() {
            return Self {
                width,
                height,
                data: image.into_rgb8().into_raw(),
                alpha: false,
            };
        }
        let rgba = image.into_rgba8().into_raw();
        // An alpha channel that is opaque everywhere (common in screenshots) is not transparency.
        match hotelmate_pixels::without_opaque_alpha(&rgba) {
            Some(rgb) => Self {
                width,
                height,
                data: rgb,
                alpha: false,
            },
            None => Self {
                width,
                height,
                data: rgba,
                alpha: true,
            },
        }
    }

    fn channels(&self) -> Channels {
        if self.alpha {
            Channels::Rgba
        } else {
            Channels::Rgb
        }
    }

    /// A copy whose long edge is at most `max_edge_px`, keeping the aspect; `None` when the
    /// image already fits, as it is never enlarged.
    fn shrunk_to(&self, max_edge_px: u32, name: &str) -> Result<Option<Self>, MediaError> {
        let (width, height) = fitted_size(self.width, self.height, max_edge_px);
        if (width, height) == (self.width, self.height) {
            return Ok(None);
        }
        let data = resize(
            &self.data,
            (self.width, self.height),
            self.channels(),
            (width, height),
        )
        .map_err(|err| MediaError::Encode {
            name: name.to_owned(),
            detail: err.to_string(),
        })?;
        Ok(Some(Self {
            width,
            height,
            data,
            alpha: self.alpha,
        }))
    }

    fn encode(&self, policy: &ImagePolicy, name: &str) -> Result<EncodedImage, MediaError> {
        let encode_failed = |err: &dyn std::fmt::Display| MediaError::Encode {
            name: name.to_owned(),
            detail: err.to_string(),
        };
        let (bytes, format) = if self.alpha {
            let png = encode_png(&self.data, self.width, self.height)
                .map_err(|err| encode_failed(&err))?;
            (png, OutputFormat::Png)
        } else {
            // `validate` keeps edges within JPEG's 65,535 px, so these conversions hold.
            let width = u16::try_from(self.width).map_err(|err| encode_failed(&err))?;
            let height = u16::try_from(self.height).map_err(|err| encode_failed(&err))?;
            let jpeg = encode_jpeg(&self.data, width, height, policy.jpeg_quality)
                .map_err(|err| encode_failed(&err))?;
            (jpeg, OutputFormat::Jpeg)
        };
        Ok(EncodedImage {
            bytes,
            format,
            width: self.width,
            height: self.height,
        })
    }
}

/// The size that fits `width` × `height` into a `max_edge_px` square, rounded, at least 1 px.
fn fitted_size(width: u32, height: u32, max_edge_px: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max_edge_px {
        return (width, height);
    }
    let scale = |edge: u32| {
        let scaled =
            (u64::from(edge) * u64::from(max_edge_px) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(scaled)
            .unwrap_or(max_edge_px)
            .clamp(1, max_edge_px)
    };
    (scale(width), scale(height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_long_edge_is_fitted_and_small_images_are_never_enlarged() {
        assert_eq!(fitted_size(4000, 3000, 2560), (2560, 1920));
        assert_eq!(fitted_size(3000, 4000, 2560), (1920, 2560));
        assert_eq!(fitted_size(800, 600, 2560), (800, 600));
        assert_eq!(fitted_size(2560, 10, 480), (480, 2));
        assert_eq!(fitted_size(60_000, 1, 480), (480, 1));
    }

    #[test]
    fn an_opaque_alpha_channel_is_dropped() {
        let opaque = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            2,
            2,
            image::Rgba([1, 2, 3, 255]),
        ));
        let pixels = Pixels::from_image(opaque);
        assert!(!pixels.alpha);
        assert_eq!(pixels.data, [1, 2, 3].repeat(4));
    }
}
