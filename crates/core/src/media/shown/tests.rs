#![allow(clippy::unwrap_used)]
use super::*;

/// A PNG of a few bytes whose header claims `width` × `height` pixels (what a decoder would
/// allocate before finding the data missing): a decompression bomb's first step.
fn claimed_png(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    let crc = crc32(&ihdr);
    png.extend_from_slice(&crc.to_be_bytes());
    // The first data chunk, where a decoder starts allocating, and the end.
    for chunk in [&b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01"[..], b"IEND"] {
        png.extend_from_slice(&(chunk.len() as u32 - 4).to_be_bytes());
        png.extend_from_slice(chunk);
        png.extend_from_slice(&crc32(chunk).to_be_bytes());
    }
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Issue 28.6: three PNGs of about 60 KB claiming 21-23k pixels a side took the web process
/// from 214 MiB to 5.75 GiB. A picture's size is read from its header before it is served:
/// one over the upload pipeline's limit is replaced by a placeholder in words.
#[tokio::test]
async fn a_picture_claiming_too_many_pixels_is_never_served_only_a_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let shown = ShownImages::open(dir.path(), 1 << 30).unwrap();
    let bomb = "http://127.0.0.1:8000/media/bomb.png";
    let fine = "http://127.0.0.1:8000/media/fine.png";
    shown
        .keep(&shown.path_of(bomb), &claimed_png(23_000, 21_000))
        .unwrap();
    let mut small = Vec::new();
    image::RgbImage::new(40, 30)
        .write_to(
            &mut std::io::Cursor::new(&mut small),
            image::ImageFormat::Png,
        )
        .unwrap();
    shown.keep(&shown.path_of(fine), &small).unwrap();

    let served = shown.get(bomb, ShownSize::Pane).await.unwrap();
    assert_eq!(served.mime, "image/svg+xml");
    let text = String::from_utf8(served.bytes).unwrap();
    assert!(text.contains("This picture is too large to show"), "{text}");
    assert!(text.contains("23000 × 21000 pixels"), "{text}");
    let served = shown.get(fine, ShownSize::Pane).await.unwrap();
    assert_eq!(
        served.mime, "image/jpeg",
        "rendered by the desk, never the sender's file"
    );
    let decoded = image::load_from_memory(&served.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (40, 30));
}

/// Issue 36.1: a guest's 96 KB GIF whose logical screen is 1×1 and whose frame is
/// 16000×16000 took a window from 0.23 to 1.34 GB: the header's size was checked, and
/// WebKit decodes the frame. Every frame is measured now, and an animation costs its
/// frames: tried with that GIF, an APNG and an animated WebP of the same frame, and
/// animations of many small frames; a small animation is served as it is.
#[tokio::test]
async fn a_frame_larger_than_its_header_says_or_too_many_frames_are_never_served() {
    use super::super::frames::tests::{animated_webp, apng, gif_with_frame};
    let dir = tempfile::tempdir().unwrap();
    let shown = ShownImages::open(dir.path(), 1 << 30).unwrap();
    let cases = [
        (
            "gif",
            gif_with_frame((1, 1), (16_000, 16_000), 1),
            "16000 × 16000 pixels",
        ),
        (
            "apng",
            apng((1, 1), (16_000, 16_000), 1),
            "16000 × 16000 pixels",
        ),
        (
            "webp",
            animated_webp((1, 1), (16_000, 16_000), 1),
            "16000 × 16000 pixels",
        ),
        (
            "gifs",
            gif_with_frame((2_000, 2_000), (2_000, 2_000), 30),
            "30 frames of 2000 × 2000",
        ),
        (
            "apngs",
            apng((2_000, 2_000), (2_000, 2_000), 30),
            "30 frames of 2000 × 2000",
        ),
        (
            "webps",
            animated_webp((2_000, 2_000), (2_000, 2_000), 30),
            "30 frames of 2000 × 2000",
        ),
    ];
    for (name, bytes, size) in cases {
        let url = format!("https://guest.example/{name}.gif");
        shown.keep(&shown.path_of(&url), &bytes).unwrap();
        let served = shown.get(&url, ShownSize::Screen).await.unwrap();
        let text = String::from_utf8(served.bytes).unwrap();
        assert_eq!(served.mime, "image/svg+xml", "{name}");
        assert!(
            text.contains("This picture is too large to show"),
            "{name}: {text}"
        );
        assert!(text.contains(size), "{name}: {text}");
    }
    // A small animation is shown as its first frame, rendered by the desk (issue 63.1: the
    // window decodes one still, never the frames).
    let mut small = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut small);
        let frames = (0..40u8).map(|n| {
            image::Frame::new(image::RgbaImage::from_pixel(
                300,
                200,
                image::Rgba([n * 6, 90, 200, 255]),
            ))
        });
        encoder.encode_frames(frames).unwrap();
    }
    let url = "https://guest.example/wave.gif";
    shown.keep(&shown.path_of(url), &small).unwrap();
    let served = shown.get(url, ShownSize::Screen).await.unwrap();
    assert_ne!(served.mime, "image/gif");
    let decoded = image::load_from_memory(&served.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (300, 200));
}

/// Issue 63.1: what the window decodes is bounded per picture and so per screen. Tried: a PNG
/// whose first header says 16000×16000 and whose second says 1×1 (damage: a placeholder); a
/// PNG that claims exactly 100 megapixels in a few kilobytes (within the limit, so the desk
/// decodes it itself, one at a time, and finds it cannot be read whole); a 4000×3000 photo,
/// handed to the window at each size it is shown at (never larger, the desk's own JPEG, with
/// no metadata), and kept rendered so it is made once.
#[tokio::test]
async fn the_window_is_handed_only_pictures_the_desk_rendered_at_the_size_shown() {
    let dir = tempfile::tempdir().unwrap();
    let shown = ShownImages::open(dir.path(), 1 << 30).unwrap();
    let mut two_headers = claimed_png(16_000, 16_000);
    let end = two_headers.len() - 12; // before IEND
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&1u32.to_be_bytes());
    ihdr.extend_from_slice(&1u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut second = 13u32.to_be_bytes().to_vec();
    second.extend_from_slice(&ihdr);
    second.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    two_headers.splice(end..end, second);
    let url = "https://guest.example/two-headers.png";
    shown.keep(&shown.path_of(url), &two_headers).unwrap();
    let served = shown.get(url, ShownSize::Thumbnail).await.unwrap();
    assert_eq!(served.mime, "image/svg+xml");
    assert!(String::from_utf8(served.bytes)
        .unwrap()
        .contains("cannot be shown"));

    let url = "https://guest.example/hundred.png";
    shown
        .keep(&shown.path_of(url), &claimed_png(10_000, 10_000))
        .unwrap();
    let served = shown.get(url, ShownSize::Thumbnail).await.unwrap();
    assert_eq!(served.mime, "image/svg+xml");
    assert!(String::from_utf8(served.bytes)
        .unwrap()
        .contains("cannot be read whole"));

    let mut photo = Vec::new();
    image::RgbImage::from_fn(4000, 3000, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    })
    .write_to(
        &mut std::io::Cursor::new(&mut photo),
        image::ImageFormat::Png,
    )
    .unwrap();
    let url = "https://guest.example/lake.png";
    shown.keep(&shown.path_of(url), &photo).unwrap();
    for (size, expected) in [
        (ShownSize::Thumbnail, (480, 360)),
        (ShownSize::Pane, (1280, 960)),
        (ShownSize::Screen, (2560, 1920)),
    ] {
        let served = shown.get(url, size).await.unwrap();
        assert_eq!(served.mime, "image/jpeg", "{size:?}");
        let decoded = image::load_from_memory(&served.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), expected, "{size:?}");
        assert!(
            rendered_path(&shown.path_of(url), size).is_file(),
            "kept: {size:?}"
        );
    }
    // Offline and with the original gone, the rendered copy still shows.
    std::fs::remove_file(shown.path_of(url)).unwrap();
    shown.allow(None);
    let again = shown.get(url, ShownSize::Thumbnail).await.unwrap();
    assert_eq!(again.mime, "image/jpeg");
}

/// Issue 36.7: folders made while running were 0755 (a guest's photos readable by every
/// user of the PC), and the pictures stayed after a sign-out.
#[cfg(unix)]
#[test]
fn kept_pictures_are_private_and_all_forgotten_at_a_sign_out() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let shown = ShownImages::open(dir.path().join("images"), 1 << 30).unwrap();
    let url = "https://guest.example/passport.png";
    let path = shown.path_of(url);
    shown.keep(&path, b"\x89PNG\r\n\x1a\n").unwrap();
    for folder in [path.parent().unwrap(), &dir.path().join("images/tmp")] {
        let mode = std::fs::metadata(folder).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", folder.display());
    }
    assert_eq!(shown.forget_all().unwrap(), 1);
    assert!(!shown.has(url));
    assert!(!path.parent().unwrap().exists());
}

/// Issue 28.3: a guest's last message (a conversation row) holds a loopback address; only
/// picture fields are ever prefetched.
#[test]
fn only_picture_fields_are_prefetched_never_text() {
    let row: crate::rules::row::Row = serde_json::from_value(serde_json::json!({
        "last_message": "see http://127.0.0.1:9/x.png",
        "book_now_url": "https://book.example/offer.png",
        "photo_url": "https://res.cloudinary.com/h/pool.jpg",
    }))
    .unwrap();
    let urls = image_urls([&row]);
    assert_eq!(
        urls,
        HashSet::from(["https://res.cloudinary.com/h/pool.jpg".to_owned()])
    );
}
