//! Tells what a file really is from its first bytes, never from its name.
//!
//! Only the four formats every browser and the server accept pass; the formats staff are likely to
//! drop by accident (iPhone HEIC, scans as TIFF or PDF, logos as SVG) are named so the message can
//! say what to do instead.

use image::ImageFormat;

use super::MediaError;

/// An image format the pipeline decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// JPEG, the usual format of photos.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    WebP,
    /// GIF.
    Gif,
}

impl SourceFormat {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::WebP => "WebP",
            Self::Gif => "GIF",
        }
    }

    /// The format's MIME type (`image/jpeg`, …).
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
            Self::Gif => "image/gif",
        }
    }

    pub(crate) fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::WebP => "webp",
            Self::Gif => "gif",
        }
    }

    pub(crate) fn image_format(self) -> ImageFormat {
        match self {
            Self::Jpeg => ImageFormat::Jpeg,
            Self::Png => ImageFormat::Png,
            Self::WebP => ImageFormat::WebP,
            Self::Gif => ImageFormat::Gif,
        }
    }
}

/// A recognised format that is refused, with advice on what to do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Refused {
    /// HEIC or HEIF, the iPhone's photo format.
    Heic,
    /// AVIF.
    Avif,
    /// JPEG XL.
    JpegXl,
    /// TIFF (scans, often).
    Tiff,
    /// BMP.
    Bmp,
    /// ICO, a Windows icon.
    Ico,
    /// SVG, a drawing (often a logo).
    Svg,
    /// PDF, a document.
    Pdf,
    /// Photoshop's own format (PSD).
    Photoshop,
}

impl Refused {
    pub(crate) fn plural(self) -> &'static str {
        match self {
            Self::Heic => "HEIC photos",
            Self::Avif => "AVIF images",
            Self::JpegXl => "JPEG XL images",
            Self::Tiff => "TIFF images",
            Self::Bmp => "BMP images",
            Self::Ico => "ICO icons",
            Self::Svg => "SVG drawings",
            Self::Pdf => "PDF documents",
            Self::Photoshop => "Photoshop files",
        }
    }

    pub(crate) fn advice(self) -> &'static str {
        match self {
            Self::Heic | Self::Avif | Self::JpegXl => "export it as JPEG first",
            Self::Tiff | Self::Bmp | Self::Ico | Self::Photoshop => {
                "save it as JPEG (photos) or PNG (logos) first"
            }
            Self::Svg => "export it as PNG first",
            Self::Pdf => "export the page as JPEG or PNG first",
        }
    }
}

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// One of the formats the desk accepts.
    Accepted(SourceFormat),
    /// A known format the desk refuses, with advice on what to do instead.
    Refused(Refused),
    /// Not an image this desk knows; `looks_like` says what it seems to be, when that is clear.
    Unknown {
        /// What the file seems to be ("a video", "text", "a web page"), when that is clear.
        looks_like: Option<&'static str>,
    },
}

/// How much of the start of a text file is looked at to tell SVG, HTML and plain text apart.
const TEXT_PROBE_BYTES: usize = 1024;

/// The format of a file the pipeline can decode, or the refusal that names `name`.
pub(crate) fn require_accepted(name: &str, bytes: &[u8]) -> Result<SourceFormat, MediaError> {
    match sniff(bytes) {
        Sniffed::Accepted(format) => Ok(format),
        Sniffed::Refused(format) => Err(MediaError::UnsupportedFormat {
            name: name.to_owned(),
            format,
        }),
        Sniffed::Unknown { looks_like } => Err(MediaError::NotAnImage {
            name: name.to_owned(),
            looks_like,
        }),
    }
}

/// Identifies a file by its content.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    if let Some(format) = accepted(bytes) {
        return Sniffed::Accepted(format);
    }
    if let Some(refused) = refused_binary(bytes) {
        return Sniffed::Refused(refused);
    }
    if let Some(brands) = iso_media_brands(bytes) {
        return match iso_media_kind(&brands) {
            IsoMedia::Image(refused) => Sniffed::Refused(refused),
            IsoMedia::Video => Sniffed::Unknown {
                looks_like: Some("a video"),
            },
        };
    }
    text_kind(bytes)
}

fn accepted(bytes: &[u8]) -> Option<SourceFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(SourceFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(SourceFormat::Png)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(SourceFormat::Gif)
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some(SourceFormat::WebP)
    } else {
        None
    }
}

fn refused_binary(bytes: &[u8]) -> Option<Refused> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"II*\0") || starts(b"MM\0*") || starts(b"II+\0") || starts(b"MM\0+") {
        Some(Refused::Tiff)
    } else if starts(b"BM") && bytes.len() >= 26 && bytes.get(14) != Some(&0) {
        // "BM" alone is too weak (a text file may start so); a BMP's info header size follows.
        Some(Refused::Bmp)
    } else if starts(&[0, 0, 1, 0]) && bytes.len() >= 22 {
        Some(Refused::Ico)
    } else if starts(b"%PDF-") {
        Some(Refused::Pdf)
    } else if starts(b"8BPS") {
        Some(Refused::Photoshop)
    } else if starts(&[0xFF, 0x0A]) || starts(b"\0\0\0\x0cJXL \r\n\x87\n") {
        Some(Refused::JpegXl)
    } else {
        None
    }
}

enum IsoMedia {
    Image(Refused),
    Video,
}

/// The brands of an ISO base media file (HEIF, AVIF, MP4, MOV): major brand then compatible ones.
fn iso_media_brands(bytes: &[u8]) -> Option<Vec<[u8; 4]>> {
    if bytes.get(4..8) != Some(b"ftyp") {
        return None;
    }
    let box_len = u32::from_be_bytes(bytes.get(0..4)?.try_into().ok()?) as usize;
    let end = box_len.min(bytes.len());
    let mut brands = vec![bytes.get(8..12)?.try_into().ok()?];
    // Bytes 12..16 are the minor version, not a brand.
    let compatible = bytes.get(16..end).unwrap_or_default();
    brands.extend(
        compatible
            .chunks_exact(4)
            .filter_map(|b| <[u8; 4]>::try_from(b).ok()),
    );
    Some(brands)
}

fn iso_media_kind(brands: &[[u8; 4]]) -> IsoMedia {
    let has = |wanted: &[&[u8; 4]]| brands.iter().any(|b| wanted.contains(&b));
    // AVIF files also list the generic HEIF brand `mif1`, so AVIF is looked for first.
    if has(&[b"avif", b"avis"]) {
        IsoMedia::Image(Refused::Avif)
    } else if has(&[
        b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1",
    ]) {
        IsoMedia::Image(Refused::Heic)
    } else if has(&[b"jxl "]) {
        IsoMedia::Image(Refused::JpegXl)
    } else {
        IsoMedia::Video
    }
}

fn text_kind(bytes: &[u8]) -> Sniffed {
    let unknown = |looks_like| Sniffed::Unknown { looks_like };
    if bytes.starts_with(b"PK\x03\x04") {
        return unknown(Some("a ZIP archive or an Office document"));
    }
    let head = &bytes[..bytes.len().min(TEXT_PROBE_BYTES)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if !looks_like_text(head) {
        return unknown(None);
    }
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    let trimmed = lower.trim_start();
    // A web page may hold an inline SVG; it is still a web page.
    if trimmed.starts_with("<!doctype html") || trimmed.starts_with("<html") {
        unknown(Some("a web page"))
    } else if trimmed.starts_with('<') && lower.contains("<svg") {
        Sniffed::Refused(Refused::Svg)
    } else {
        unknown(Some("text"))
    }
}

/// UTF-8 (allowing a character cut off at the probe's end) with no control characters but
/// tab, line feed, carriage return and form feed.
fn looks_like_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(err) if err.error_len().is_none() => {
            std::str::from_utf8(&head[..err.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !valid.is_empty()
        && valid
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let len = 16 + 4 * compatible.len();
        let mut out = (len as u32).to_be_bytes().to_vec();
        out.extend_from_slice(b"ftyp");
        out.extend_from_slice(major);
        out.extend_from_slice(&[0, 0, 0, 0]);
        for brand in compatible {
            out.extend_from_slice(*brand);
        }
        out.extend_from_slice(b"\0\0\0\x08meta");
        out
    }

    #[test]
    fn the_four_web_formats_are_accepted_by_their_magic_bytes() {
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0rest"),
            Sniffed::Accepted(SourceFormat::Jpeg)
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\nrest"),
            Sniffed::Accepted(SourceFormat::Png)
        );
        assert_eq!(sniff(b"GIF89a.."), Sniffed::Accepted(SourceFormat::Gif));
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Sniffed::Accepted(SourceFormat::WebP)
        );
    }

    #[test]
    fn heif_family_files_are_told_apart_by_their_brands() {
        let refused = |r| Sniffed::Refused(r);
        assert_eq!(
            sniff(&ftyp(b"heic", &[b"mif1", b"heic"])),
            refused(Refused::Heic)
        );
        assert_eq!(sniff(&ftyp(b"mif1", &[b"heic"])), refused(Refused::Heic));
        assert_eq!(
            sniff(&ftyp(b"avif", &[b"mif1", b"miaf"])),
            refused(Refused::Avif)
        );
        assert_eq!(sniff(&ftyp(b"mif1", &[b"avif"])), refused(Refused::Avif));
        assert_eq!(
            sniff(&ftyp(b"isom", &[b"mp41"])),
            Sniffed::Unknown {
                looks_like: Some("a video")
            }
        );
    }

    #[test]
    fn documents_and_drawings_are_named() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Sniffed::Refused(Refused::Pdf));
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), Sniffed::Refused(Refused::Tiff));
        assert_eq!(
            sniff(
                b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
            ),
            Sniffed::Refused(Refused::Svg)
        );
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&[0; 12]);
        bmp.extend_from_slice(&[40, 0, 0, 0]);
        bmp.extend_from_slice(&[0; 16]);
        assert_eq!(sniff(&bmp), Sniffed::Refused(Refused::Bmp));
    }

    #[test]
    fn text_and_noise_are_not_images() {
        assert_eq!(
            sniff(b"Dear guest,\nwelcome"),
            Sniffed::Unknown {
                looks_like: Some("text")
            }
        );
        assert_eq!(
            sniff(b"BM is a text"),
            Sniffed::Unknown {
                looks_like: Some("text")
            }
        );
        assert_eq!(
            sniff(b"<!DOCTYPE html><html><body><svg width=\"8\"></svg>"),
            Sniffed::Unknown {
                looks_like: Some("a web page")
            }
        );
        assert_eq!(
            sniff(&[0x00, 0x13, 0x37, 0xFE]),
            Sniffed::Unknown { looks_like: None }
        );
        assert_eq!(sniff(b""), Sniffed::Unknown { looks_like: None });
        assert_eq!(
            sniff(b"\0\0\0\x10ftyp"),
            Sniffed::Unknown { looks_like: None }
        );
    }
}
