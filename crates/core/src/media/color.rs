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
    // Most cameras and Android phones tag plain sRGB: then the pass over every pixel is skipped.
    let probe = probe_pixels(alpha);
    let mut probed = vec![0; probe.len()];
    transform.transform(&probe, &mut probed)?;
    if probe
        .iter()
        .zip(&probed)
        .all(|(before, after)| before.abs_diff(*after) <= 1)
    {
        return Ok(());
    }
    let mut converted = vec![0; pixels.len()];
    transform.transform(pixels, &mut converted)?;
    *pixels = converted;
    Ok(())
}

/// Greys, ramps of each primary and some mixed colours: enough to tell sRGB from anything else.
fn probe_pixels(alpha: bool) -> Vec<u8> {
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
        .flat_map(|[r, g, b]| {
            if alpha {
                vec![r, g, b, u8::MAX]
            } else {
                vec![r, g, b]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srgb_pixels_are_left_exactly_as_they_are() {
        let original = vec![180, 90, 60, 20, 200, 120];
        let srgb = ColorProfile::new_srgb().encode().unwrap();
        let mut pixels = original.clone();
        convert_to_srgb(&mut pixels, false, &srgb).unwrap();
        assert_eq!(pixels, original);
    }

    #[test]
    fn p3_pixels_get_their_srgb_values_and_keep_their_alpha() {
        let original = vec![180, 90, 60, 128];
        let p3 = ColorProfile::new_display_p3().encode().unwrap();
        let mut pixels = original.clone();
        convert_to_srgb(&mut pixels, true, &p3).unwrap();
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
        assert!(convert_to_srgb(&mut pixels, false, b"not a profile").is_err());
        assert_eq!(pixels, [1, 2, 3]);
    }
}
