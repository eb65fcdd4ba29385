//! A bounded decode: dimensions are checked from the header before any pixel is decoded, the
//! decoder runs under memory limits, and the EXIF orientation is applied so the photo stands up.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};

use super::sniff::SourceFormat;
use super::{ImagePolicy, MediaError};

/// Headroom over the decoded pixels for a decoder's own tables and buffers.
const DECODER_OVERHEAD_BYTES: u64 = 64 * 1024 * 1024;

/// Upright pixels, and the ICC profile they are to be read with, if the file had one.
pub(crate) struct Decoded {
    pub image: DynamicImage,
    pub icc_profile: Option<Vec<u8>>,
}

/// Decodes `bytes` (already sniffed as `format`) into upright pixels, or says why not.
pub(crate) fn decode_upright(
    name: &str,
    bytes: &[u8],
    format: SourceFormat,
    policy: &ImagePolicy,
) -> Result<Decoded, MediaError> {
    if format == SourceFormat::Jpeg && !jpeg_has_end(bytes) {
        // The JPEG decoder would fill the missing part with grey rather than fail.
        return Err(damaged(
            name,
            format,
            "the file ends before the picture does".into(),
        ));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(decoder_limits(policy));
    let mut decoder = reader
        .into_decoder()
        .map_err(|err| decode_error(name, format, err))?;

    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(damaged(name, format, "the picture has no pixels".into()));
    }
    if u64::from(width) * u64::from(height) > policy.max_pixels {
        return Err(MediaError::TooManyPixels {
            name: name.to_owned(),
            width,
            height,
            limit_pixels: policy.max_pixels,
        });
    }
    // Broken metadata must not cost the photo: it is then shown as stored, in its own colours.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc_profile = decoder.icc_profile().ok().flatten();
    let mut image =
        DynamicImage::from_decoder(decoder).map_err(|err| decode_error(name, format, err))?;
    image.apply_orientation(orientation);
    Ok(Decoded { image, icc_profile })
}

/// The decoded pixels may take 4 bytes each (8-bit RGBA) up to the pixel limit; 16-bit images
/// near the limit are refused rather than allowed twice the memory.
fn decoder_limits(policy: &ImagePolicy) -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(
        policy
            .max_pixels
            .saturating_mul(4)
            .saturating_add(DECODER_OVERHEAD_BYTES),
    );
    limits
}

fn decode_error(name: &str, format: SourceFormat, err: ImageError) -> MediaError {
    match err {
        ImageError::Limits(_) => MediaError::TooMuchMemory {
            name: name.to_owned(),
        },
        ImageError::IoError(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => {
            damaged(name, format, "the file ends too early".into())
        }
        ImageError::Unsupported(err) => MediaError::UnusualEncoding {
            name: name.to_owned(),
            format: format.name(),
            detail: err.to_string(),
        },
        other => damaged(name, format, other.to_string()),
    }
}

fn damaged(name: &str, format: SourceFormat, detail: String) -> MediaError {
    MediaError::Damaged {
        name: name.to_owned(),
        format: format.name(),
        detail,
    }
}

/// Whether a JPEG has its end-of-image marker after the first scan starts.
///
/// Entropy-coded data never holds `FF D9` (a data `FF` is always followed by `00` or a restart
/// marker), so looking backwards from the end finds the real end quickly in a whole file, and
/// finds nothing in a cut one. An embedded EXIF thumbnail's end marker sits before the first
/// scan, so it does not count. Headers too broken to walk are left to the decoder to report.
fn jpeg_has_end(bytes: &[u8]) -> bool {
    match first_scan_offset(bytes) {
        Some(scan) => bytes[scan..]
            .windows(2)
            .rev()
            .any(|pair| pair == [0xFF, 0xD9]),
        None => true,
    }
}

/// The offset of the first start-of-scan marker, found by walking the segment lengths.
fn first_scan_offset(bytes: &[u8]) -> Option<usize> {
    const START_OF_SCAN: u8 = 0xDA;
    let mut pos = 2; // after the start-of-image marker
    loop {
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        // Any number of FF fill bytes may come before a marker code.
        while *bytes.get(pos + 1)? == 0xFF {
            pos += 1;
        }
        let marker = *bytes.get(pos + 1)?;
        match marker {
            START_OF_SCAN => return Some(pos),
            0x01 | 0xD0..=0xD7 => pos += 2,
            _ => {
                let len = u16::from_be_bytes([*bytes.get(pos + 2)?, *bytes.get(pos + 3)?]);
                pos = pos.checked_add(2 + usize::from(len))?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER_AND_SCAN: &[u8] = &[
        0xFF, 0xD8, // start of image
        0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD9, 0x00, 0x00, // APP1 whose payload holds FF D9
        0xFF, 0xDA, 0x00, 0x02, // start of scan
        0x12, 0xFF, 0x00, 0x34, // entropy-coded data with a stuffed FF
    ];

    #[test]
    fn a_jpeg_cut_short_has_no_end_even_if_a_header_holds_the_end_bytes() {
        assert!(!jpeg_has_end(HEADER_AND_SCAN));
        let mut whole = HEADER_AND_SCAN.to_vec();
        whole.extend_from_slice(&[0xFF, 0xD9]);
        assert!(jpeg_has_end(&whole));
    }

    #[test]
    fn a_feature_the_decoder_lacks_is_told_apart_from_damage() {
        use image::error::{ImageFormatHint, UnsupportedError, UnsupportedErrorKind};
        let unsupported = ImageError::Unsupported(UnsupportedError::from_format_and_kind(
            ImageFormatHint::Exact(image::ImageFormat::Jpeg),
            UnsupportedErrorKind::GenericFeature("arithmetic coding".into()),
        ));
        let err = decode_error("scan.jpg", SourceFormat::Jpeg, unsupported);
        assert_eq!(err.code(), "unusual_image");
        assert!(
            err.to_string()
                .starts_with("cannot use 'scan.jpg': this JPEG file is saved in an unusual way ("),
            "{err}"
        );
    }

    #[test]
    fn headers_too_broken_to_walk_are_left_to_the_decoder() {
        assert!(jpeg_has_end(&[0xFF, 0xD8, 0xFF]));
        assert!(jpeg_has_end(&[0xFF, 0xD8, 0x00, 0x00]));
        assert!(jpeg_has_end(&[0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF]));
    }
}
