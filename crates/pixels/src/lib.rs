//! The desk's pixel loops behind plain functions: resizing, the colour conversion to sRGB, the
//! JPEG and PNG encoders, and the check for real transparency.
//!
//! Why a crate of its own: the image crates' hot code is generic or `#[inline]`, so it is
//! compiled in the crate that calls it, at that crate's optimisation. Called from the core, it
//! was compiled unoptimised in every test and short-benchmark build (a 2800×2100 photo took
//! about 4 s to prepare). Here every call has concrete types, so it is compiled once, in this
//! crate, which the workspace builds optimised in every profile (`Cargo.toml`'s
//! `[profile.dev.package.hotelmate-pixels]`). The functions take and give plain bytes; what the
//! pictures are and what may be done to them is the core's (`media/`).
#![deny(missing_docs)]
#![deny(unreachable_pub)]
// Unit tests may run long; the production code is checked in its own build (issue 64.5).
#![cfg_attr(test, allow(clippy::too_many_lines))]

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use moxcms::{ColorProfile, Layout, TransformOptions};

/// How the bytes of one pixel are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channels {
    /// Red, green, blue: 3 bytes.
    Rgb,
    /// Red, green, blue, alpha: 4 bytes.
    Rgba,
}

/// Why pixel work failed, in words for the person's message.
#[derive(Debug, thiserror::Error)]
pub enum PixelError {
    /// The pixels and their size do not agree, or the resizer refused them.
    #[error("resizing failed: {0}")]
    Resize(String),
    /// The encoder refused the pixels.
    #[error("{0}")]
    Encode(String),
    /// The embedded colour profile cannot be read or applied.
    #[error("{0}")]
    Colour(String),
}

/// A copy of `pixels` (`width` × `height`, laid out as `channels`) at `to_width` × `to_height`,
/// with Lanczos3: it keeps fine detail (tiles, text on signs) sharp, and the resizer's default
/// alpha-aware path keeps the edges of cut-outs free of dark fringes.
pub fn resize(
    pixels: &[u8],
    (width, height): (u32, u32),
    channels: Channels,
    (to_width, to_height): (u32, u32),
) -> Result<Vec<u8>, PixelError> {
    let pixel_type = match channels {
        Channels::Rgb => PixelType::U8x3,
        Channels::Rgba => PixelType::U8x4,
    };
    let failed = |err: &dyn std::fmt::Display| PixelError::Resize(err.to_string());
    let source = ImageRef::new(width, height, pixels, pixel_type).map_err(|err| failed(&err))?;
    let mut target = Image::new(to_width, to_height, pixel_type);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|err| failed(&err))?;
    Ok(target.into_vec())
}

/// RGB pixels as a baseline JPEG of `quality` (1–100), without metadata.
pub fn encode_jpeg(
    rgb: &[u8],
    width: u16,
    height: u16,
    quality: u8,
) -> Result<Vec<u8>, PixelError> {
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, quality);
    // Standard Huffman tables: jpeg-encoder 0.7's optimised ones decode with wrong colours in
    // zune-jpeg 0.5 (libjpeg reads them fine); a few per cent of bytes is not worth a photo that
    // some viewer shows green.
    encoder.set_optimized_huffman_tables(false);
    encoder
        .encode(rgb, width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|err| PixelError::Encode(err.to_string()))?;
    Ok(bytes)
}

/// RGBA pixels as a PNG: only the pixels are written (no text chunks, no ICC profile, no EXIF).
pub fn encode_png(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>, PixelError> {
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Default, PngFilter::Adaptive)
        .write_image(rgba, width, height, ExtendedColorType::Rgba8)
        .map_err(|err| PixelError::Encode(err.to_string()))?;
    Ok(bytes)
}

/// RGBA pixels as RGB when every pixel is fully opaque (an alpha channel that is opaque
/// everywhere, common in screenshots, is not transparency); `None` when one is see-through.
pub fn without_opaque_alpha(rgba: &[u8]) -> Option<Vec<u8>> {
    if rgba.chunks_exact(4).any(|pixel| pixel[3] < u8::MAX) {
        return None;
    }
    Some(
        rgba.chunks_exact(4)
            .flat_map(|pixel| [pixel[0], pixel[1], pixel[2]])
            .collect(),
    )
}

/// Converts `pixels` from the colour space of their embedded ICC profile (Display P3 from
/// iPhones, Adobe RGB from cameras) to sRGB, so the colours survive the profile being stripped:
/// browsers treat an untagged image as sRGB, and P3 pixels read as sRGB look dull. On an error
/// the pixels are left as they were.
pub fn convert_to_srgb(
    pixels: &mut Vec<u8>,
    channels: Channels,
    icc_profile: &[u8],
) -> Result<(), PixelError> {
    let failed = |err: moxcms::CmsError| PixelError::Colour(err.to_string());
    let source = ColorProfile::new_from_slice(icc_profile).map_err(failed)?;
    let layout = match channels {
        Channels::Rgb => Layout::Rgb,
        Channels::Rgba => Layout::Rgba,
    };
    let transform = source
        .create_transform_8bit(
            layout,
            &ColorProfile::new_srgb(),
            layout,
            TransformOptions::default(),
        )
        .map_err(failed)?;
    // Most cameras and Android phones tag plain sRGB: then the pass over every pixel is skipped.
    let probe = probe_pixels(channels);
    let mut probed = vec![0; probe.len()];
    transform.transform(&probe, &mut probed).map_err(failed)?;
    if probe
        .iter()
        .zip(&probed)
        .all(|(before, after)| before.abs_diff(*after) <= 1)
    {
        return Ok(());
    }
    let mut converted = vec![0; pixels.len()];
    transform
        .transform(pixels, &mut converted)
        .map_err(failed)?;
    *pixels = converted;
    Ok(())
}

fn probe_pixels(channels: Channels) -> Vec<u8> {
    (0..=255u8)
        .step_by(17)
        .flat_map(|v| {
            [
                [v, v, v],
                [v, 0, 0],
                [0, v, 0],
                [0, 0, v],
                [v, 255 - v, v / 2],
            ]
        })
        .flat_map(|[r, g, b]| match channels {
            Channels::Rgba => vec![r, g, b, u8::MAX],
            Channels::Rgb => vec![r, g, b],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn srgb_pixels_are_left_exactly_as_they_are() {
        let original = vec![180, 90, 60, 20, 200, 120];
        let srgb = ColorProfile::new_srgb().encode().unwrap();
        let mut pixels = original.clone();
        convert_to_srgb(&mut pixels, Channels::Rgb, &srgb).unwrap();
        assert_eq!(pixels, original);
    }

    #[test]
    fn p3_pixels_get_their_srgb_values_and_keep_their_alpha() {
        let original = vec![180, 90, 60, 128];
        let p3 = ColorProfile::new_display_p3().encode().unwrap();
        let mut pixels = original.clone();
        convert_to_srgb(&mut pixels, Channels::Rgba, &p3).unwrap();
        // The same colour needs more saturated sRGB values: red up, blue down.
        assert!(
            pixels[0] > original[0] && pixels[2] < original[2],
            "{pixels:?}"
        );
        assert_eq!(pixels[3], 128);
    }

    #[test]
    fn a_profile_that_is_not_one_is_an_error_not_a_panic() {
        let mut pixels = vec![1, 2, 3];
        assert!(convert_to_srgb(&mut pixels, Channels::Rgb, b"not a profile").is_err());
        assert_eq!(pixels, [1, 2, 3]);
    }

    #[test]
    fn pixels_that_do_not_fill_their_size_are_an_error_not_a_panic() {
        let err = resize(&[0; 10], (4, 4), Channels::Rgb, (2, 2)).unwrap_err();
        assert!(err.to_string().starts_with("resizing failed: "), "{err}");
    }

    #[test]
    fn an_opaque_alpha_channel_is_dropped_and_a_see_through_pixel_keeps_it() {
        assert_eq!(
            without_opaque_alpha(&[1, 2, 3, 255, 4, 5, 6, 255]),
            Some(vec![1, 2, 3, 4, 5, 6])
        );
        assert_eq!(without_opaque_alpha(&[1, 2, 3, 255, 4, 5, 6, 254]), None);
    }
}
