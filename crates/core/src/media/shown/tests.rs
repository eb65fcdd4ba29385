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

    let served = shown.get(bomb).await.unwrap();
    assert_eq!(served.mime, "image/svg+xml");
    let text = String::from_utf8(served.bytes).unwrap();
    assert!(text.contains("This picture is too large to show"), "{text}");
    assert!(text.contains("23000 × 21000 pixels"), "{text}");
    let served = shown.get(fine).await.unwrap();
    assert_eq!((served.mime, served.bytes), ("image/png", small));
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
        let served = shown.get(&url).await.unwrap();
        let text = String::from_utf8(served.bytes).unwrap();
        assert_eq!(served.mime, "image/svg+xml", "{name}");
        assert!(
            text.contains("This picture is too large to show"),
            "{name}: {text}"
        );
        assert!(text.contains(size), "{name}: {text}");
    }
    let small = gif_with_frame((300, 200), (300, 200), 40);
    let url = "https://guest.example/wave.gif";
    shown.keep(&shown.path_of(url), &small).unwrap();
    let served = shown.get(url).await.unwrap();
    assert_eq!((served.mime, served.bytes), ("image/gif", small));
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
