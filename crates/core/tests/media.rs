//! The image pipeline as a manager dropping files on an offer meets it: what comes out (size,
//! orientation, format, no location data), what is refused and how it is said, and the cache on
//! disk. Every fixture is made here by code; speed is measured by `benches/media.rs`, not here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::fs;
use std::io::Cursor;
use std::path::Path;
use std::time::{Duration, SystemTime};

use hotelmate_core::media::{
    prepare, ImagePolicy, MediaCache, MediaError, OutputFormat, PreparedImage, SourceFormat,
};
use image::codecs::gif::{GifEncoder, Repeat};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{
    DynamicImage, ExtendedColorType, Frame, ImageDecoder, ImageEncoder, ImageReader, Rgb, RgbImage,
    Rgba, RgbaImage,
};
use sha2::{Digest, Sha256};

// ---------------------------------------------------------------------------------------------
// Fixtures

/// A photo-like picture: smooth gradients with sensor-like noise, so it compresses like a photo.
fn photo(width: u32, height: u32) -> RgbImage {
    let mut seed = 0x9E37_79B9_u32;
    RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 17) as i32 - 8;
        let channel = |base: u32| (base as i32 + noise).clamp(0, 255) as u8;
        Rgb([
            channel(x * 255 / width.max(1)),
            channel(y * 255 / height.max(1)),
            channel(128 + (x + y) % 64),
        ])
    })
}

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(image)
        .unwrap();
    out
}

fn png(image: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgba8,
        )
        .unwrap();
    out
}

/// Lossless, the only WebP the `image` crate writes.
fn webp(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out)
        .encode(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

const RED: [u8; 3] = [220, 20, 20];
const GREEN: [u8; 3] = [20, 200, 20];
const BLUE: [u8; 3] = [20, 20, 220];
const WHITE: [u8; 3] = [240, 240, 240];

/// Four coloured quarters: red top left, green top right, blue bottom left, white bottom right.
fn quarters(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb(match (x < width / 2, y < height / 2) {
            (true, true) => RED,
            (false, true) => GREEN,
            (true, false) => BLUE,
            (false, false) => WHITE,
        })
    })
}

const GPS_LATITUDE: [u32; 6] = [52, 1, 3, 1, 4321, 100];
const XMP_WITH_GPS: &[u8] = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
<exif:GPSLatitude>52,3.4321N</exif:GPSLatitude></x:xmpmeta>";

/// An EXIF block (little-endian TIFF) with an orientation and a GPS position, as a phone writes.
fn exif_app1(orientation: u16) -> Vec<u8> {
    fn entry(tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&kind.to_le_bytes());
        tiff.extend_from_slice(&count.to_le_bytes());
        tiff.extend_from_slice(&value);
    }
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const ASCII: u16 = 2;
    const RATIONAL: u16 = 5;
    const IFD0_OFFSET: u32 = 8;
    const GPS_IFD_OFFSET: u32 = IFD0_OFFSET + 2 + 2 * 12 + 4;
    const GPS_DATA_OFFSET: u32 = GPS_IFD_OFFSET + 2 + 2 * 12 + 4;

    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&IFD0_OFFSET.to_le_bytes());
    tiff.extend_from_slice(&2u16.to_le_bytes());
    let [lo, hi] = orientation.to_le_bytes();
    entry(&mut tiff, 0x0112, SHORT, 1, [lo, hi, 0, 0]);
    entry(&mut tiff, 0x8825, LONG, 1, GPS_IFD_OFFSET.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(tiff.len() as u32, GPS_IFD_OFFSET);
    tiff.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut tiff, 0x0001, ASCII, 2, *b"N\0\0\0");
    entry(
        &mut tiff,
        0x0002,
        RATIONAL,
        3,
        GPS_DATA_OFFSET.to_le_bytes(),
    );
    tiff.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(tiff.len() as u32, GPS_DATA_OFFSET);
    for part in GPS_LATITUDE {
        tiff.extend_from_slice(&part.to_le_bytes());
    }
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    segment(0xE1, &payload)
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A camera JPEG: EXIF (orientation, GPS), XMP with GPS and a comment, right after the start.
fn camera_jpeg(image: &RgbImage, orientation: u16) -> Vec<u8> {
    let plain = jpeg(image);
    let mut out = plain[..2].to_vec();
    out.extend(exif_app1(orientation));
    out.extend(segment(0xE1, XMP_WITH_GPS));
    out.extend(segment(0xFE, b"Taken by the pool, room 12"));
    out.extend_from_slice(&plain[2..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A real PNG whose header claims `width` × `height`: a decompression bomb's calling card.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = png(&RgbaImage::from_pixel(8, 8, Rgba([0, 0, 0, 255])));
    // Signature (8), IHDR length (4), "IHDR" (4), then width and height.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

/// A real JPEG whose frame header claims `width` × `height`.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = jpeg(&photo(16, 16));
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    // Marker (2), length (2), precision (1), then height and width.
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

fn decode(bytes: &[u8]) -> DynamicImage {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .unwrap()
        .decode()
        .unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn prepare_default(name: &str, bytes: &[u8]) -> Result<PreparedImage, MediaError> {
    prepare(name, bytes, &ImagePolicy::default())
}

fn refusal(name: &str, bytes: &[u8]) -> MediaError {
    prepare_default(name, bytes).expect_err("should have been refused")
}

fn assert_close(actual: Rgb<u8>, expected: [u8; 3], what: &str) {
    let near = actual
        .0
        .iter()
        .zip(expected)
        .all(|(a, e)| a.abs_diff(e) <= 40);
    assert!(
        near,
        "{what}: expected about {expected:?}, got {:?}",
        actual.0
    );
}

// ---------------------------------------------------------------------------------------------
// What comes out

#[test]
fn a_large_photo_is_shrunk_to_the_long_edge_with_a_list_thumbnail() {
    let prepared = prepare_default("lobby.jpg", &jpeg(&photo(2600, 1000))).unwrap();

    assert_eq!((prepared.image.width, prepared.image.height), (2560, 985));
    assert_eq!(prepared.image.format, OutputFormat::Jpeg);
    assert_eq!(prepared.image.mime(), "image/jpeg");
    assert_eq!(prepared.image.extension(), "jpg");
    assert_eq!(decode(&prepared.image.bytes).width(), 2560);
    assert_eq!(
        (prepared.thumbnail.width, prepared.thumbnail.height),
        (480, 185)
    );
    assert_eq!(decode(&prepared.thumbnail.bytes).height(), 185);
    assert_eq!(prepared.source_format, SourceFormat::Jpeg);
}

#[test]
fn the_long_edge_is_configurable_and_small_images_are_never_enlarged() {
    let policy = ImagePolicy {
        max_edge_px: 640,
        thumbnail_edge_px: 100,
        ..ImagePolicy::default()
    };
    let portrait = prepare("menu.jpg", &jpeg(&photo(600, 1200)), &policy).unwrap();
    assert_eq!((portrait.image.width, portrait.image.height), (320, 640));
    assert_eq!(
        (portrait.thumbnail.width, portrait.thumbnail.height),
        (50, 100)
    );

    let small = prepare_default("logo.jpg", &jpeg(&photo(300, 200))).unwrap();
    assert_eq!((small.image.width, small.image.height), (300, 200));
    assert_eq!((small.thumbnail.width, small.thumbnail.height), (300, 200));
}

#[test]
fn a_photo_taken_with_the_phone_turned_comes_out_upright() {
    // Stored landscape, EXIF orientation 6: "rotate 90° clockwise to show". The left side of
    // the stored pixels (red above blue) is the top of the photo as taken.
    let bytes = camera_jpeg(&quarters(64, 32), 6);
    let prepared = prepare_default("terrace.jpg", &bytes).unwrap();

    assert_eq!(
        (prepared.image.width, prepared.image.height),
        (32, 64),
        "portrait"
    );
    let upright = decode(&prepared.image.bytes).to_rgb8();
    assert_close(*upright.get_pixel(8, 8), BLUE, "top left");
    assert_close(*upright.get_pixel(24, 8), RED, "top right");
    // No orientation tag is left to rotate it a second time.
    let mut decoder = ImageReader::new(Cursor::new(&prepared.image.bytes))
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap();
    assert_eq!(
        decoder.orientation().unwrap(),
        image::metadata::Orientation::NoTransforms
    );
}

#[test]
fn every_exif_orientation_is_shown_as_the_camera_meant() {
    // For each EXIF value, the colours seen top left, top right, bottom left, bottom right once
    // the photo is shown as the EXIF specification says (rows 5 to 8 swap width and height).
    let cases = [
        (1, [RED, GREEN, BLUE, WHITE]),
        (2, [GREEN, RED, WHITE, BLUE]),
        (3, [WHITE, BLUE, GREEN, RED]),
        (4, [BLUE, WHITE, RED, GREEN]),
        (5, [RED, BLUE, GREEN, WHITE]),
        (6, [BLUE, RED, WHITE, GREEN]),
        (7, [WHITE, GREEN, BLUE, RED]),
        (8, [GREEN, WHITE, RED, BLUE]),
    ];
    for (orientation, [top_left, top_right, bottom_left, bottom_right]) in cases {
        let bytes = camera_jpeg(&quarters(64, 32), orientation);
        let prepared = prepare_default("lobby.jpg", &bytes).unwrap();
        let shown = decode(&prepared.image.bytes).to_rgb8();
        let (width, height) = shown.dimensions();
        let expected_size = if orientation >= 5 { (32, 64) } else { (64, 32) };
        assert_eq!((width, height), expected_size, "orientation {orientation}");
        let corner = |x: u32, y: u32| *shown.get_pixel(x, y);
        let (left, right, top, bottom) = (width / 4, width * 3 / 4, height / 4, height * 3 / 4);
        let what = |corner: &str| format!("orientation {orientation}, {corner}");
        assert_close(corner(left, top), top_left, &what("top left"));
        assert_close(corner(right, top), top_right, &what("top right"));
        assert_close(corner(left, bottom), bottom_left, &what("bottom left"));
        assert_close(corner(right, bottom), bottom_right, &what("bottom right"));
    }
}

#[test]
fn no_location_or_other_metadata_survives() {
    let bytes = camera_jpeg(&photo(400, 300), 1);
    let mut gps_bytes = Vec::new();
    for part in GPS_LATITUDE {
        gps_bytes.extend_from_slice(&part.to_le_bytes());
    }
    // The fixture really carries what must be removed.
    for needle in [&b"Exif\0\0"[..], b"GPSLatitude", b"room 12", &gps_bytes] {
        assert!(contains(&bytes, needle));
    }

    let prepared = prepare_default("pool.jpg", &bytes).unwrap();
    for encoded in [&prepared.image, &prepared.thumbnail] {
        for needle in [
            &b"Exif"[..],
            b"GPS",
            b"xmpmeta",
            b"room 12",
            b"II*\0",
            &gps_bytes,
        ] {
            assert!(
                !contains(&encoded.bytes, needle),
                "{:?} survived",
                String::from_utf8_lossy(needle)
            );
        }
        let mut decoder = ImageReader::new(Cursor::new(&encoded.bytes))
            .with_guessed_format()
            .unwrap()
            .into_decoder()
            .unwrap();
        assert_eq!(decoder.exif_metadata().unwrap(), None);
        assert_eq!(decoder.xmp_metadata().unwrap(), None);
        assert_eq!(decoder.icc_profile().unwrap(), None);
    }
}

/// A JPEG tagged with an ICC profile (APP2 `ICC_PROFILE`), as an iPhone export is.
fn jpeg_with_profile(image: &RgbImage, profile: &[u8]) -> Vec<u8> {
    let plain = jpeg(image);
    let mut payload = b"ICC_PROFILE\0\x01\x01".to_vec();
    payload.extend_from_slice(profile);
    let mut out = plain[..2].to_vec();
    out.extend(segment(0xE2, &payload));
    out.extend_from_slice(&plain[2..]);
    out
}

#[test]
fn a_display_p3_photo_keeps_its_colours_once_the_profile_is_gone() {
    let p3_colour = [180u8, 90, 60];
    let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    let bytes = jpeg_with_profile(&RgbImage::from_pixel(64, 64, Rgb(p3_colour)), &p3);

    let prepared = prepare_default("sunset.jpg", &bytes).unwrap();
    let out = *decode(&prepared.image.bytes).to_rgb8().get_pixel(32, 32);

    let mut expected = [0u8; 3];
    moxcms::ColorProfile::new_display_p3()
        .create_transform_8bit(
            moxcms::Layout::Rgb,
            &moxcms::ColorProfile::new_srgb(),
            moxcms::Layout::Rgb,
            moxcms::TransformOptions::default(),
        )
        .unwrap()
        .transform(&p3_colour, &mut expected)
        .unwrap();
    assert!(
        expected
            .iter()
            .zip(p3_colour)
            .any(|(e, p)| e.abs_diff(p) >= 10),
        "{expected:?}"
    );
    let near = out.0.iter().zip(expected).all(|(o, e)| o.abs_diff(e) <= 4);
    assert!(near, "sRGB {expected:?} expected, got {:?}", out.0);
    assert!(!contains(&prepared.image.bytes, b"ICC_PROFILE"));
}

#[test]
fn a_broken_colour_profile_does_not_cost_the_photo() {
    let bytes = jpeg_with_profile(&photo(40, 30), b"definitely not an ICC profile");
    let prepared = prepare_default("odd.jpg", &bytes).unwrap();
    assert_eq!((prepared.image.width, prepared.image.height), (40, 30));
}

#[test]
fn a_cmyk_jpeg_from_a_print_designer_comes_out_in_screen_colours() {
    // Pure cyan ink: no red, full green and blue on screen.
    let cmyk: Vec<u8> = [255u8, 0, 0, 0].repeat(32 * 32);
    let mut bytes = Vec::new();
    jpeg_encoder::Encoder::new(&mut bytes, 95)
        .encode(&cmyk, 32, 32, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let prepared = prepare_default("brochure.jpg", &bytes).unwrap();
    assert_eq!(prepared.image.format, OutputFormat::Jpeg);
    let pixel = *decode(&prepared.image.bytes).to_rgb8().get_pixel(16, 16);
    assert_close(pixel, [0, 255, 255], "cyan");
}

#[test]
fn a_logo_with_transparency_stays_a_png_with_its_transparency() {
    let logo = RgbaImage::from_fn(600, 300, |x, _| {
        if x < 300 {
            Rgba([10, 90, 200, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let policy = ImagePolicy {
        max_edge_px: 300,
        ..ImagePolicy::default()
    };
    let prepared = prepare("logo.png", &png(&logo), &policy).unwrap();

    assert_eq!(prepared.image.format, OutputFormat::Png);
    assert_eq!(prepared.image.mime(), "image/png");
    assert_eq!(prepared.thumbnail.format, OutputFormat::Png);
    let out = decode(&prepared.image.bytes).to_rgba8();
    assert_eq!((out.width(), out.height()), (300, 150));
    assert_eq!(out.get_pixel(10, 75).0, [10, 90, 200, 255]);
    assert_eq!(
        out.get_pixel(290, 75).0[3],
        0,
        "the see-through half stays see-through"
    );
    // Only pixel chunks: no text, ICC or EXIF chunk.
    assert_eq!(
        png_chunk_types(&prepared.image.bytes),
        ["IHDR", "IDAT", "IEND"]
    );
}

fn png_chunk_types(bytes: &[u8]) -> Vec<String> {
    let mut types: Vec<String> = Vec::new();
    let mut pos = 8;
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = String::from_utf8_lossy(&bytes[pos + 4..pos + 8]).into_owned();
        if types.last() != Some(&kind) {
            types.push(kind);
        }
        pos += 12 + len;
    }
    types
}

#[test]
fn a_png_screenshot_without_real_transparency_becomes_a_jpeg() {
    let screenshot = RgbaImage::from_fn(200, 100, |x, y| Rgba([x as u8, y as u8, 90, 255]));
    let prepared = prepare_default("screenshot.png", &png(&screenshot)).unwrap();
    assert_eq!(prepared.image.format, OutputFormat::Jpeg);
    assert_eq!(prepared.source_format, SourceFormat::Png);
}

#[test]
fn an_animated_gif_gives_its_first_frame() {
    let frame = |color: [u8; 4]| Frame::new(RgbaImage::from_pixel(40, 30, Rgba(color)));
    let mut bytes = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut bytes);
        encoder.set_repeat(Repeat::Infinite).unwrap();
        encoder
            .encode_frames([frame([200, 30, 30, 255]), frame([30, 30, 200, 255])])
            .unwrap();
    }
    let prepared = prepare_default("welcome.gif", &bytes).unwrap();
    assert_eq!(prepared.source_format, SourceFormat::Gif);
    assert_eq!(prepared.image.format, OutputFormat::Jpeg);
    assert_eq!((prepared.image.width, prepared.image.height), (40, 30));
    assert_close(
        *decode(&prepared.image.bytes).to_rgb8().get_pixel(20, 15),
        [200, 30, 30],
        "first frame",
    );
}

#[test]
fn a_webp_is_accepted_and_re_encoded() {
    let prepared = prepare_default("garden.webp", &webp(&photo(120, 80))).unwrap();
    assert_eq!(prepared.source_format, SourceFormat::WebP);
    assert_eq!(prepared.image.format, OutputFormat::Jpeg);
    assert_eq!((prepared.image.width, prepared.image.height), (120, 80));
}

#[test]
fn the_format_comes_from_the_bytes_not_the_name() {
    let prepared = prepare_default("photo.png", &jpeg(&photo(50, 40))).unwrap();
    assert_eq!(prepared.source_format, SourceFormat::Jpeg);
    assert_eq!(prepared.original_bytes, jpeg(&photo(50, 40)).len());
}

// ---------------------------------------------------------------------------------------------
// What is refused, and how it is said

#[test]
fn an_iphone_heic_photo_is_refused_with_what_to_do() {
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\x08meta";
    let err = refusal("pool.heic", heic);
    assert_eq!(err.code(), "unsupported_format");
    assert_eq!(
        err.to_string(),
        "cannot use 'pool.heic': HEIC photos are not supported; export it as JPEG first"
    );
    // Renamed to .jpg it is still what it is.
    assert!(refusal("pool.jpg", heic)
        .to_string()
        .contains("'pool.jpg': HEIC photos"));
}

#[test]
fn other_formats_are_refused_by_name() {
    let cases: [(&str, &[u8], &str); 4] = [
        (
            "banner.avif",
            b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf",
            "AVIF images",
        ),
        ("scan.tif", b"II*\0\x08\0\0\0\0\0", "TIFF images"),
        (
            "menu.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "PDF documents",
        ),
        (
            "logo.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"/>",
            "SVG drawings",
        ),
    ];
    for (name, bytes, said) in cases {
        let message = refusal(name, bytes).to_string();
        assert!(
            message.starts_with(&format!("cannot use '{name}': {said} are not supported")),
            "{message}"
        );
    }
}

#[test]
fn a_text_file_renamed_jpg_is_not_an_image() {
    let err = refusal("rates.jpg", b"Room rates 2026\nDouble: 120 EUR\n");
    assert_eq!(err.code(), "not_an_image");
    assert_eq!(
        err.to_string(),
        "cannot use 'rates.jpg': it is not a JPEG, PNG, WebP or GIF image (it looks like text)"
    );
}

#[test]
fn an_empty_or_oversized_file_is_refused_before_reading_it() {
    assert_eq!(
        refusal("empty.jpg", b"").to_string(),
        "cannot use 'empty.jpg': the file is empty"
    );
    let policy = ImagePolicy {
        max_input_bytes: 1_000,
        ..ImagePolicy::default()
    };
    let err = prepare("huge.jpg", &jpeg(&photo(200, 200)), &policy).unwrap_err();
    assert_eq!(err.code(), "file_too_large");
    assert!(
        err.to_string()
            .starts_with("cannot use 'huge.jpg': the file is "),
        "{err}"
    );
}

#[test]
fn a_200_megapixel_image_is_refused_from_its_header() {
    let err = refusal("bomb.png", &png_claiming(20_000, 10_000));
    assert_eq!(err.code(), "too_many_pixels");
    assert_eq!(
        err.to_string(),
        "cannot use 'bomb.png': the image is 20000 × 10000 pixels (200 megapixels) and the limit \
         is 100 megapixels; export a smaller copy"
    );
    let err = refusal("bomb.jpg", &jpeg_claiming(60_000, 60_000));
    assert_eq!(err.code(), "too_many_pixels");
    assert!(err.to_string().contains("'bomb.jpg'"));
}

/// The size a `TooManyPixels` refusal read from the header.
fn refused_size(err: &MediaError) -> Option<(u32, u32)> {
    match err {
        MediaError::TooManyPixels { width, height, .. } => Some((*width, *height)),
        _ => None,
    }
}

#[test]
fn a_huge_gif_or_webp_canvas_is_refused_from_its_header() {
    // GIF: a 1 × 1 frame on a 65,535 × 65,535 logical screen.
    let mut gif = Vec::new();
    GifEncoder::new(&mut gif)
        .encode_frame(Frame::new(RgbaImage::new(1, 1)))
        .unwrap();
    gif[6..10].copy_from_slice(&[0xFF; 4]);
    let err = refusal("bomb.gif", &gif);
    assert_eq!(refused_size(&err), Some((65_535, 65_535)), "{err}");

    // Lossless WebP: 16,000 × 16,000 in the header's 14-bit (size - 1) fields.
    let mut webp = webp(&RgbImage::new(1, 1));
    assert_eq!(&webp[12..16], b"VP8L");
    let header = u32::from_le_bytes(webp[21..25].try_into().unwrap());
    let claimed = (header & 0xF000_0000) | 15_999 | (15_999 << 14);
    webp[21..25].copy_from_slice(&claimed.to_le_bytes());
    let err = refusal("bomb.webp", &webp);
    assert_eq!(refused_size(&err), Some((16_000, 16_000)), "{err}");
}

#[test]
fn the_pixel_limit_is_configurable() {
    let policy = ImagePolicy {
        max_pixels: 10_000,
        ..ImagePolicy::default()
    };
    let err = prepare("wide.jpg", &jpeg(&photo(200, 100)), &policy).unwrap_err();
    assert_eq!(refused_size(&err), Some((200, 100)), "{err}");
}

#[test]
fn a_photo_cut_short_in_transfer_is_refused_not_half_grey() {
    let whole = jpeg(&photo(256, 256));
    let err = refusal("cut.jpg", &whole[..whole.len() * 6 / 10]);
    assert_eq!(err.code(), "damaged_image");
    assert_eq!(
        err.to_string(),
        "cannot use 'cut.jpg': the JPEG file is damaged or incomplete (the file ends before the \
         picture does)"
    );
    let png_whole = png(&RgbaImage::from_pixel(64, 64, Rgba([1, 2, 3, 128])));
    let err = refusal("cut.png", &png_whole[..png_whole.len() / 2]);
    assert!(
        err.to_string()
            .starts_with("cannot use 'cut.png': the PNG file is damaged"),
        "{err}"
    );
}

#[test]
fn garbage_after_a_jpeg_header_is_refused() {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    bytes.extend((0..2_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let err = refusal("broken.jpg", &bytes);
    assert_eq!(err.code(), "damaged_image", "{err}");
    assert!(err.to_string().contains("'broken.jpg'"));
}

/// No input may panic: every prefix and many byte flips of each accepted format, plus header-only
/// files, give either an image or a typed error.
#[test]
fn no_input_makes_the_pipeline_panic() {
    let small_photo = photo(24, 16);
    let mut gif = Vec::new();
    GifEncoder::new(&mut gif)
        .encode_frame(Frame::new(RgbaImage::from_pixel(12, 9, Rgba([9, 9, 9, 0]))))
        .unwrap();
    let seeds = [
        camera_jpeg(&small_photo, 8),
        png(&RgbaImage::from_pixel(20, 10, Rgba([5, 6, 7, 100]))),
        webp(&small_photo),
        gif,
    ];
    let policy = ImagePolicy {
        max_edge_px: 16,
        thumbnail_edge_px: 8,
        ..ImagePolicy::default()
    };
    let mut tried = 0;
    for seed in &seeds {
        for len in (0..seed.len()).step_by(7) {
            let _ = prepare("fuzz", &seed[..len], &policy);
            tried += 1;
        }
        let mut state = 0x2545_F491_u32;
        for _ in 0..300 {
            let mut mutated = seed.clone();
            for _ in 0..3 {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let at = state as usize % mutated.len();
                mutated[at] ^= (state >> 8) as u8 | 1;
            }
            let _ = prepare("fuzz", &mutated, &policy);
            tried += 1;
        }
    }
    for header in [
        &b"\xFF\xD8\xFF"[..],
        b"\x89PNG\r\n\x1a\n",
        b"GIF89a",
        b"RIFF\0\0\0\0WEBP",
    ] {
        assert!(prepare("fuzz", header, &policy).is_err());
    }
    assert!(tried > 1_000);
}

// ---------------------------------------------------------------------------------------------
// The cache on disk

fn temp_files(root: &Path) -> Vec<String> {
    fs::read_dir(root.join("tmp"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_prepared_image_is_kept_under_its_content_hash() {
    let dir = tempfile::tempdir().unwrap();
    let cache = MediaCache::open(dir.path().join("media")).unwrap();
    let prepared = prepare_default("pool.jpg", &camera_jpeg(&photo(900, 600), 1)).unwrap();

    let stored = cache.put_prepared(&prepared).unwrap();
    let hash = hex::encode(Sha256::digest(&prepared.image.bytes));
    assert_eq!(stored.image.hash, hash);
    assert_eq!(
        stored.image.path,
        dir.path()
            .join("media")
            .join(&hash[..2])
            .join(format!("{hash}.jpg"))
    );
    assert_eq!(fs::read(&stored.image.path).unwrap(), prepared.image.bytes);
    assert_eq!(
        (stored.image.mime, stored.image.width, stored.image.height),
        ("image/jpeg", 900, 600)
    );
    assert_eq!(stored.image.bytes, prepared.image.bytes.len() as u64);
    assert_eq!(
        (stored.thumbnail.width, stored.thumbnail.height),
        (480, 320)
    );
    assert_ne!(stored.thumbnail.hash, stored.image.hash);

    // Found again after a restart, by hash alone.
    let reopened = MediaCache::open(dir.path().join("media")).unwrap();
    assert_eq!(reopened.get(&hash).unwrap(), Some(stored.image.clone()));
    assert_eq!(
        reopened.path_of(&hash).unwrap(),
        Some(stored.image.path.clone())
    );
    assert!(temp_files(reopened.root()).is_empty());
}

#[test]
fn the_same_image_twice_is_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = MediaCache::open(dir.path()).unwrap();
    let bytes = png(&RgbaImage::from_pixel(30, 20, Rgba([1, 2, 3, 4])));
    let first = cache.put("beach.png", &bytes).unwrap();
    let second = cache.put("beach.png", &bytes).unwrap();
    assert_eq!(first, second);
    assert_eq!(
        (first.mime, first.width, first.height),
        ("image/png", 30, 20)
    );
    assert!(first.path.extension().is_some_and(|ext| ext == "png"));
    assert_eq!(
        fs::read_dir(first.path.parent().unwrap()).unwrap().count(),
        1
    );
}

#[test]
fn a_removed_or_unknown_image_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let cache = MediaCache::open(dir.path()).unwrap();
    let stored = cache.put("bar.jpg", &jpeg(&photo(20, 20))).unwrap();
    assert!(cache.remove(&stored.hash).unwrap());
    assert!(!stored.path.exists());
    assert_eq!(cache.get(&stored.hash).unwrap(), None);
    assert!(!cache.remove(&stored.hash).unwrap());
}

#[test]
fn a_hash_that_is_not_a_hash_never_becomes_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let cache = MediaCache::open(dir.path()).unwrap();
    for bad in [
        "../../etc/passwd",
        "",
        "ABCDEF",
        &"g".repeat(64),
        &"A".repeat(64),
    ] {
        let err = cache.get(bad).unwrap_err();
        assert_eq!(err.code(), "invalid_image_id", "{bad}");
    }
}

#[test]
fn an_unwritable_cache_folder_is_reported_and_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = MediaCache::open(dir.path()).unwrap();
    let bytes = jpeg(&photo(20, 20));
    let hash = hex::encode(Sha256::digest(&bytes));
    // A file squats where the hash's folder must go (permissions do not stop root, this does).
    fs::write(dir.path().join(&hash[..2]), b"in the way").unwrap();

    let err = cache.put("spa.jpg", &bytes).unwrap_err();
    assert_eq!(err.code(), "cache_unwritable");
    let message = err.to_string();
    assert!(
        message.starts_with("cannot write to the image cache folder '"),
        "{message}"
    );
    assert!(message.contains(&hash[..2]), "{message}");
    assert!(temp_files(dir.path()).is_empty());
    assert_eq!(cache.get(&hash).unwrap_err().code(), "cache_unreadable");
}

#[test]
fn a_cache_where_a_file_is_cannot_be_opened() {
    let dir = tempfile::tempdir().unwrap();
    let squatter = dir.path().join("media");
    fs::write(&squatter, b"not a folder").unwrap();
    let err = MediaCache::open(&squatter).unwrap_err();
    assert_eq!(err.code(), "cache_unwritable");
    assert!(err.to_string().contains("media"), "{err}");
}

#[test]
fn files_left_by_a_crash_are_cleaned_up_on_open() {
    let dir = tempfile::tempdir().unwrap();
    MediaCache::open(dir.path()).unwrap();
    let stale = dir.path().join("tmp").join(".put-crashed");
    let fresh = dir.path().join("tmp").join(".put-in-progress");
    fs::write(&stale, b"half a photo").unwrap();
    fs::write(&fresh, b"being written").unwrap();
    let two_hours_ago = SystemTime::now() - Duration::from_secs(2 * 60 * 60);
    fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();

    MediaCache::open(dir.path()).unwrap();
    assert!(!stale.exists());
    assert!(fresh.exists(), "another writer's file is left alone");
}

#[test]
fn refused_bytes_are_not_cached() {
    let dir = tempfile::tempdir().unwrap();
    let cache = MediaCache::open(dir.path()).unwrap();
    let err = cache.put("notes.jpg", b"hello").unwrap_err();
    assert_eq!(err.code(), "not_an_image");
    assert!(
        err.to_string().starts_with("cannot use 'notes.jpg'"),
        "{err}"
    );
    let err = cache.put("menu.pdf", b"%PDF-1.4").unwrap_err();
    assert_eq!(err.code(), "unsupported_format");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the tmp folder"
    );
}
