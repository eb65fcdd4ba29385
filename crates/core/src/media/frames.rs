//! What a picture from outside costs the webview to show, read from its container before
//! anything is decoded: every frame, not the header. WebKit decodes each frame at its own size,
//! so a GIF whose logical screen is 1×1 and whose frame is 16000×16000 (96 KB, issue 36.1) cost
//! a window 1.2 GB; an animation costs its frames times its canvas.
//!
//! Read here: GIF image descriptors, APNG frame controls (`fcTL`), WebP's extended canvas
//! (`VP8X`) and animation frames (`ANMF`). Stills of every format are measured by the `image`
//! crate's header reader. A container that cannot be walked to its end is not measured, and is
//! not shown.
//!
//! Not for: decoding (the pipeline does that for the desk's own images).

use image::ImageReader;

use super::sniff::{sniff, Sniffed, SourceFormat};

/// What showing a picture costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frames {
    /// How many frames it has (1 for a still).
    pub count: u64,
    /// The width of the area its frames cover (its canvas, widened by any frame beyond it).
    pub width: u64,
    /// The height of that area.
    pub height: u64,
}

impl Frames {
    /// The pixels a decoder may hold for it: every frame at the whole area's size.
    pub(crate) fn pixels(&self) -> u64 {
        self.count
            .max(1)
            .saturating_mul(self.width)
            .saturating_mul(self.height)
    }

    fn still(width: u32, height: u32) -> Self {
        Self {
            count: 1,
            width: u64::from(width),
            height: u64::from(height),
        }
    }

    /// Counts a frame at (`left`, `top`) of `width` × `height`, widening the area to hold it.
    fn add(&mut self, left: u64, top: u64, width: u64, height: u64) {
        self.count += 1;
        self.width = self.width.max(left.saturating_add(width));
        self.height = self.height.max(top.saturating_add(height));
    }
}

/// Why a picture's frames cannot be measured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FramesError {
    /// Not one of the formats the desk shows.
    #[error("it is not a JPEG, PNG, WebP or GIF image")]
    NotAnImage,
    /// Its container is damaged where its frames are described.
    #[error("its {0} container is damaged")]
    Damaged(&'static str),
}

/// Measures every frame of `bytes`.
pub(crate) fn measure(bytes: &[u8]) -> Result<Frames, FramesError> {
    match sniff(bytes) {
        Sniffed::Accepted(SourceFormat::Gif) => gif(bytes).ok_or(FramesError::Damaged("GIF")),
        Sniffed::Accepted(SourceFormat::Png) => png(bytes).ok_or(FramesError::Damaged("PNG")),
        Sniffed::Accepted(SourceFormat::WebP) => match webp_extended(bytes) {
            Some(Extended::Canvas(frames)) => Ok(frames),
            Some(Extended::Simple) => header(bytes),
            None => Err(FramesError::Damaged("WebP")),
        },
        Sniffed::Accepted(SourceFormat::Jpeg) => header(bytes),
        Sniffed::Refused(_) | Sniffed::Unknown { .. } => Err(FramesError::NotAnImage),
    }
}

/// A still's size from its header.
fn header(bytes: &[u8]) -> Result<Frames, FramesError> {
    ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| FramesError::NotAnImage)?
        .into_dimensions()
        .map(|(w, h)| Frames::still(w, h))
        .map_err(|_| FramesError::NotAnImage)
}

fn u16_le(bytes: &[u8], at: usize) -> Option<u64> {
    let pair = bytes.get(at..at.checked_add(2)?)?;
    Some(u64::from(u16::from_le_bytes([pair[0], pair[1]])))
}

fn u24_le(bytes: &[u8], at: usize) -> Option<u64> {
    let three = bytes.get(at..at.checked_add(3)?)?;
    Some(u64::from(three[0]) | u64::from(three[1]) << 8 | u64::from(three[2]) << 16)
}

fn u32_le(bytes: &[u8], at: usize) -> Option<u64> {
    let four = bytes.get(at..at.checked_add(4)?)?;
    Some(u64::from(u32::from_le_bytes([
        four[0], four[1], four[2], four[3],
    ])))
}

fn u32_be(bytes: &[u8], at: usize) -> Option<u64> {
    let four = bytes.get(at..at.checked_add(4)?)?;
    Some(u64::from(u32::from_be_bytes([
        four[0], four[1], four[2], four[3],
    ])))
}

/// The size of a GIF colour table from its packed field (`None` when it has none).
fn gif_color_table(packed: u8) -> usize {
    if packed & 0x80 == 0 {
        0
    } else {
        3 << ((packed & 0x07) + 1)
    }
}

/// Skips GIF data sub-blocks from `at` (each a length byte and that many bytes, to a 0).
fn gif_skip_blocks(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let len = usize::from(*bytes.get(at)?);
        at = at.checked_add(1 + len)?;
        if len == 0 {
            return Some(at);
        }
    }
}

/// Every image descriptor of a GIF. A GIF cut short counts the frames begun (a decoder shows
/// them); a block that is not a GIF block is damage.
fn gif(bytes: &[u8]) -> Option<Frames> {
    let mut frames = Frames {
        count: 0,
        width: u16_le(bytes, 6)?,
        height: u16_le(bytes, 8)?,
    };
    let mut at = 13usize.checked_add(gif_color_table(*bytes.get(10)?))?;
    loop {
        match bytes.get(at) {
            None | Some(0x3B) => return Some(frames),
            Some(0x21) => match gif_skip_blocks(bytes, at + 2) {
                Some(next) => at = next,
                None => return Some(frames),
            },
            Some(0x2C) => {
                let (Some(left), Some(top), Some(width), Some(height), Some(&packed)) = (
                    u16_le(bytes, at + 1),
                    u16_le(bytes, at + 3),
                    u16_le(bytes, at + 5),
                    u16_le(bytes, at + 7),
                    bytes.get(at + 9),
                ) else {
                    return Some(frames);
                };
                frames.add(left, top, width, height);
                // The local colour table, the LZW code size, then the image data.
                let data = at + 10 + gif_color_table(packed) + 1;
                match gif_skip_blocks(bytes, data) {
                    Some(next) => at = next,
                    None => return Some(frames),
                }
            }
            Some(_) => return None,
        }
    }
}

/// A PNG's size, and each APNG frame (`fcTL`: sequence, width, height, x, y, big-endian).
fn png(bytes: &[u8]) -> Option<Frames> {
    let mut at = 8usize;
    let mut frames: Option<Frames> = None;
    let mut animated = 0u64;
    while let (Some(len), Some(kind)) = (u32_be(bytes, at), bytes.get(at + 4..at + 8)) {
        let data = at + 8;
        let len = usize::try_from(len).ok()?;
        match kind {
            // A second header is damage (issue 63.1: decoders read the first, a walker that
            // kept the last measured 1×1 where a decoder allocated 16000×16000).
            b"IHDR" if frames.is_some() => return None,
            b"IHDR" => {
                frames = Some(Frames {
                    count: 0,
                    width: u32_be(bytes, data)?,
                    height: u32_be(bytes, data + 4)?,
                });
            }
            b"fcTL" => {
                let canvas = frames.as_mut()?;
                let (Some(width), Some(height), Some(x), Some(y)) = (
                    u32_be(bytes, data + 4),
                    u32_be(bytes, data + 8),
                    u32_be(bytes, data + 12),
                    u32_be(bytes, data + 16),
                ) else {
                    break;
                };
                canvas.add(x, y, width, height);
                animated += 1;
            }
            b"IEND" => break,
            _ => {}
        }
        // The chunk's data and its CRC; a chunk running past the end ends the walk.
        at = match data.checked_add(len).and_then(|end| end.checked_add(4)) {
            Some(next) => next,
            None => break,
        };
    }
    let mut frames = frames?;
    // A still (or an APNG whose default image is not a frame) is at least one picture.
    frames.count = animated.max(1);
    Some(frames)
}

/// What a WebP's chunks say beyond its bitstream.
enum Extended {
    /// A plain (lossy or lossless) still: its bitstream header gives its size.
    Simple,
    /// The extended format: its canvas, and its animation frames if any.
    Canvas(Frames),
}

/// A WebP's extended canvas (`VP8X`: width − 1 and height − 1 in 24 bits at 4 and 7) and
/// animation frames (`ANMF`: x / 2, y / 2, width − 1, height − 1 in 24 bits).
fn webp_extended(bytes: &[u8]) -> Option<Extended> {
    let mut at = 12usize;
    let mut canvas: Option<Frames> = None;
    let mut animated = 0u64;
    while let (Some(kind), Some(len)) = (bytes.get(at..at + 4), u32_le(bytes, at + 4)) {
        let data = at + 8;
        match kind {
            b"VP8X" if at == 12 => {
                canvas = Some(Frames {
                    count: 0,
                    width: u24_le(bytes, data + 4)? + 1,
                    height: u24_le(bytes, data + 7)? + 1,
                });
            }
            b"VP8 " | b"VP8L" if at == 12 => return Some(Extended::Simple),
            b"ANMF" => {
                let frames = canvas.as_mut()?;
                let (Some(x), Some(y), Some(width), Some(height)) = (
                    u24_le(bytes, data),
                    u24_le(bytes, data + 3),
                    u24_le(bytes, data + 6),
                    u24_le(bytes, data + 9),
                ) else {
                    break;
                };
                frames.add(x * 2, y * 2, width + 1, height + 1);
                animated += 1;
            }
            _ => {}
        }
        let len = usize::try_from(len).ok()?;
        // Chunks are padded to an even length.
        at = match data.checked_add(len + (len & 1)) {
            Some(next) => next,
            None => break,
        };
    }
    let mut frames = canvas?;
    frames.count = animated.max(1);
    Some(Extended::Canvas(frames))
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A GIF whose logical screen is `screen` and whose one frame is `frame`, with a single
    /// (empty) data block: what issue 36.1's 96 KB GIF is, without its image data.
    pub(crate) fn gif_with_frame(screen: (u16, u16), frame: (u16, u16), frames: usize) -> Vec<u8> {
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&screen.0.to_le_bytes());
        gif.extend_from_slice(&screen.1.to_le_bytes());
        gif.extend_from_slice(&[0x80, 0, 0]); // a global colour table of two colours
        gif.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
        for _ in 0..frames {
            // A graphic control extension, as animations have.
            gif.extend_from_slice(&[0x21, 0xF9, 4, 0, 10, 0, 0, 0]);
            gif.push(0x2C);
            gif.extend_from_slice(&0u16.to_le_bytes());
            gif.extend_from_slice(&0u16.to_le_bytes());
            gif.extend_from_slice(&frame.0.to_le_bytes());
            gif.extend_from_slice(&frame.1.to_le_bytes());
            gif.extend_from_slice(&[0, 2, 2, 0x4C, 0x01, 0]);
        }
        gif.push(0x3B);
        gif
    }

    fn png_chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        png.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&[0, 0, 0, 0]); // CRC (not read here)
    }

    /// An APNG of `canvas` with `frames` frames of `frame`.
    pub(crate) fn apng(canvas: (u32, u32), frame: (u32, u32), frames: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = canvas.0.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&canvas.1.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        png_chunk(&mut png, b"IHDR", &ihdr);
        let mut actl = frames.to_be_bytes().to_vec();
        actl.extend_from_slice(&0u32.to_be_bytes());
        png_chunk(&mut png, b"acTL", &actl);
        for sequence in 0..frames {
            let mut fctl = sequence.to_be_bytes().to_vec();
            for value in [frame.0, frame.1, 0, 0] {
                fctl.extend_from_slice(&value.to_be_bytes());
            }
            fctl.extend_from_slice(&[0, 1, 0, 10, 0, 0]);
            png_chunk(&mut png, b"fcTL", &fctl);
            png_chunk(&mut png, b"fdAT", &[0, 0, 0, 1, 0x78, 0x9c, 3, 0]);
        }
        png_chunk(&mut png, b"IEND", &[]);
        png
    }

    fn u24(value: u32) -> [u8; 3] {
        let b = value.to_le_bytes();
        [b[0], b[1], b[2]]
    }

    /// An animated WebP of `canvas` with `frames` frames of `frame`.
    pub(crate) fn animated_webp(canvas: (u32, u32), frame: (u32, u32), frames: u32) -> Vec<u8> {
        let mut body = b"WEBP".to_vec();
        let mut chunk = |kind: &[u8; 4], data: &[u8]| {
            body.extend_from_slice(kind);
            body.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
            body.extend_from_slice(data);
            if data.len() % 2 == 1 {
                body.push(0);
            }
        };
        let mut vp8x = vec![0x02, 0, 0, 0]; // the animation flag
        vp8x.extend_from_slice(&u24(canvas.0 - 1));
        vp8x.extend_from_slice(&u24(canvas.1 - 1));
        chunk(b"VP8X", &vp8x);
        chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]);
        for _ in 0..frames {
            let mut anmf = Vec::new();
            for value in [0, 0, frame.0 - 1, frame.1 - 1, 100] {
                anmf.extend_from_slice(&u24(value));
            }
            anmf.push(0);
            anmf.extend_from_slice(b"VP8L\x05\x00\x00\x00\x2f\x00\x00\x00\x00\x00");
            chunk(b"ANMF", &anmf);
        }
        let mut webp = b"RIFF".to_vec();
        webp.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
        webp.extend_from_slice(&body);
        webp
    }

    #[test]
    fn a_gifs_frames_count_not_its_logical_screen() {
        let bomb = gif_with_frame((1, 1), (16_000, 16_000), 1);
        let frames = measure(&bomb).unwrap();
        assert_eq!(
            (frames.count, frames.width, frames.height),
            (1, 16_000, 16_000)
        );
        assert_eq!(frames.pixels(), 256_000_000);
        let animation = measure(&gif_with_frame((300, 200), (300, 200), 40)).unwrap();
        assert_eq!(animation.pixels(), 40 * 300 * 200);
    }

    #[test]
    fn an_apngs_and_an_animated_webps_frames_count() {
        let frames = measure(&apng((1, 1), (16_000, 16_000), 1)).unwrap();
        assert_eq!(
            (frames.count, frames.width, frames.height),
            (1, 16_000, 16_000)
        );
        assert_eq!(
            measure(&apng((100, 100), (100, 100), 3000))
                .unwrap()
                .pixels(),
            30_000_000
        );
        let frames = measure(&animated_webp((1, 1), (16_000, 16_000), 1)).unwrap();
        assert_eq!(
            (frames.count, frames.width, frames.height),
            (1, 16_000, 16_000)
        );
        assert_eq!(
            measure(&animated_webp((500, 500), (500, 500), 500))
                .unwrap()
                .pixels(),
            125_000_000
        );
    }

    /// Issue 63.1: a PNG whose first header says 16000×16000 and whose second, after the image
    /// data, says 1×1 passed the 100-megapixel check (the walk kept the last header).
    #[test]
    fn a_png_whose_headers_disagree_is_damage() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let header = |w: u32, h: u32| {
            let mut data = w.to_be_bytes().to_vec();
            data.extend_from_slice(&h.to_be_bytes());
            data.extend_from_slice(&[8, 0, 0, 0, 0]);
            data
        };
        png_chunk(&mut png, b"IHDR", &header(16_000, 16_000));
        png_chunk(&mut png, b"IDAT", &[0x78, 0x9c, 3, 0]);
        png_chunk(&mut png, b"IHDR", &header(1, 1));
        png_chunk(&mut png, b"IEND", &[]);
        assert_eq!(measure(&png), Err(FramesError::Damaged("PNG")));
    }

    #[test]
    fn a_cut_or_damaged_container_is_measured_safely_or_not_at_all() {
        let bomb = gif_with_frame((1, 1), (16_000, 16_000), 2);
        // Cut anywhere: never a panic, and a frame begun is counted.
        for end in 0..bomb.len() {
            let _ = measure(&bomb[..end]);
        }
        assert_eq!(measure(&bomb[..40]).unwrap().width, 16_000);
        let mut damaged = gif_with_frame((10, 10), (10, 10), 1);
        let last = damaged.len() - 1;
        damaged[last] = 0x99;
        assert_eq!(measure(&damaged), Err(FramesError::Damaged("GIF")));
        for bytes in [apng((5, 5), (5, 5), 2), animated_webp((5, 5), (5, 5), 2)] {
            for end in 0..bytes.len() {
                let _ = measure(&bytes[..end]);
            }
        }
        assert_eq!(measure(b"not an image"), Err(FramesError::NotAnImage));
    }
}
