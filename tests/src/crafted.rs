//! Pictures a hostile guest or server sends (issue 63.1), made by code so that what each claims
//! is plain: a PNG whose first header claims far more than its second, PNGs that claim 100
//! megapixels in a few kilobytes, an animation of many large frames. Their image data is real
//! (made by the `image` crate's encoders), cut short where the claim is what costs a decoder:
//! a decoder allocates a frame for its header's size at the first row it decodes.

use image::ImageEncoder;

/// CRC-32 as PNG chunks carry it (ISO 3309, the polynomial reflected).
fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = !0u32;
    for byte in parts.iter().flat_map(|p| p.iter()) {
        crc ^= u32::from(*byte);
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

fn png_chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    png.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
}

/// An 8-bit greyscale PNG header of `width` × `height`.
fn ihdr(width: u32, height: u32) -> Vec<u8> {
    let mut data = width.to_be_bytes().to_vec();
    data.extend_from_slice(&height.to_be_bytes());
    data.extend_from_slice(&[8, 0, 0, 0, 0]);
    data
}

/// The image data chunks of a `width` × `rows` black greyscale picture, as the `image` crate
/// encodes it.
fn idat_of(width: u32, rows: u32) -> Vec<Vec<u8>> {
    let pixels = vec![0u8; usize::try_from(u64::from(width) * u64::from(rows)).unwrap()];
    let mut encoded = Vec::new();
    image::codecs::png::PngEncoder::new(&mut encoded)
        .write_image(&pixels, width, rows, image::ExtendedColorType::L8)
        .unwrap();
    let mut chunks = Vec::new();
    let mut at = 8;
    while at + 8 <= encoded.len() {
        let len =
            usize::try_from(u32::from_be_bytes(encoded[at..at + 4].try_into().unwrap())).unwrap();
        if &encoded[at + 4..at + 8] == b"IDAT" {
            chunks.push(encoded[at + 8..at + 8 + len].to_vec());
        }
        at += 12 + len;
    }
    chunks
}

/// A PNG whose first header claims `claimed` (width × height) and whose image data holds the
/// first `rows` rows of it, then, when `second` is given, a second header claiming that.
pub fn png_claiming(claimed: (u32, u32), rows: u32, second: Option<(u32, u32)>) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut png, b"IHDR", &ihdr(claimed.0, claimed.1));
    for data in idat_of(claimed.0, rows) {
        png_chunk(&mut png, b"IDAT", &data);
    }
    if let Some((width, height)) = second {
        png_chunk(&mut png, b"IHDR", &ihdr(width, height));
    }
    png_chunk(&mut png, b"IEND", &[]);
    png
}

fn riff_chunk(body: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    body.extend_from_slice(kind);
    body.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
    body.extend_from_slice(data);
    if data.len() % 2 == 1 {
        body.push(0);
    }
}

fn u24(value: u32) -> [u8; 3] {
    let b = value.to_le_bytes();
    [b[0], b[1], b[2]]
}

/// An animated WebP of `frames` frames, each a whole lossless `size` picture (black).
pub fn animated_webp(frames: u32, size: (u32, u32)) -> Vec<u8> {
    let (width, height) = size;
    let pixels = vec![0u8; usize::try_from(u64::from(width) * u64::from(height) * 4).unwrap()];
    let mut still = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut still)
        .write_image(&pixels, width, height, image::ExtendedColorType::Rgba8)
        .unwrap();
    // RIFF, size, WEBP, then the one VP8L chunk (its tag, length and bitstream).
    let vp8l = &still[12..];
    assert_eq!(&vp8l[..4], b"VP8L");
    let mut body = b"WEBP".to_vec();
    let mut vp8x = vec![0x12, 0, 0, 0]; // animation and alpha
    vp8x.extend_from_slice(&u24(width - 1));
    vp8x.extend_from_slice(&u24(height - 1));
    riff_chunk(&mut body, b"VP8X", &vp8x);
    riff_chunk(&mut body, b"ANIM", &[0, 0, 0, 0, 0, 0]);
    for _ in 0..frames {
        let mut anmf = Vec::new();
        for value in [0, 0, width - 1, height - 1, 100] {
            anmf.extend_from_slice(&u24(value));
        }
        anmf.push(0);
        anmf.extend_from_slice(vp8l);
        riff_chunk(&mut body, b"ANMF", &anmf);
    }
    let mut webp = b"RIFF".to_vec();
    webp.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
    webp.extend_from_slice(&body);
    webp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crc_is_pngs() {
        // IEND's CRC, as every PNG ends.
        assert_eq!(crc32(&[b"IEND", b""]), 0xAE42_6082);
    }

    #[test]
    fn each_picture_claims_what_it_says_in_a_few_kilobytes() {
        let two = png_claiming((16_000, 16_000), 8, Some((1, 1)));
        assert!(two.len() < 64 * 1024, "{}", two.len());
        assert_eq!(&two[16..24], &[0, 0, 0x3E, 0x80, 0, 0, 0x3E, 0x80]);
        let webp = animated_webp(3, (64, 64));
        assert_eq!(&webp[..4], b"RIFF");
        assert_eq!(
            webp.windows(4).filter(|w| *w == b"ANMF").count(),
            3,
            "three frames"
        );
    }
}
