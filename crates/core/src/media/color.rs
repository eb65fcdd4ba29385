//! Converts pixels from the colour space of their embedded ICC profile (Display P3 from iPhones,
//! Adobe RGB from cameras) to sRGB, so the colours survive the profile being stripped: browsers
//! treat an untagged image as sRGB, and P3 pixels read as sRGB look dull.

use moxcms::{CmsError, ColorProfile, Layout, TransformOptions};

/// Rewrites 8-bit RGB (or RGBA, alpha untouched) `pixels` from `icc_profile`'s space to sRGB.
pub(crate) fn convert_to_srgb(
    pixels: &mut Vec<u8>,
    alpha: bool,
    icc_profile: &[u8],
) -> Result<(), CmsError> {
    let source = ColorProfile::new_from_slice(icc_profile)?;
    let layout = if alpha { Layout::Rgba } else { Layout::Rgb };
    let transform = source.create_transform_8bit(
        layout,
        &ColorProfile::new_srgb(),
        layout,
        TransformOptions::default(),
    )?;
    let mut converted = vec![0; pixels.len()];
    transform.transform(pixels, &mut converted)?;
    *pixels = converted;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srgb_pixels_stay_as_they_are_and_p3_pixels_change() {
        let original = vec![180, 90, 60, 20, 200, 120];
        let srgb = ColorProfile::new_srgb().encode().unwrap();
        let mut pixels = original.clone();
        convert_to_srgb(&mut pixels, false, &srgb).unwrap();
        assert!(
            pixels
                .iter()
                .zip(&original)
                .all(|(a, b)| a.abs_diff(*b) <= 1),
            "{pixels:?}"
        );

        let p3 = ColorProfile::new_display_p3().encode().unwrap();
        let mut pixels = original.clone();
        convert_to_srgb(&mut pixels, false, &p3).unwrap();
        // The same colour needs more saturated sRGB values: red up, blue down.
        assert!(
            pixels[0] > original[0] && pixels[2] < original[2],
            "{pixels:?}"
        );
    }

    #[test]
    fn a_profile_that_is_not_one_is_an_error_not_a_panic() {
        let mut pixels = vec![1, 2, 3];
        assert!(convert_to_srgb(&mut pixels, false, b"not a profile").is_err());
        assert_eq!(pixels, [1, 2, 3]);
    }
}
