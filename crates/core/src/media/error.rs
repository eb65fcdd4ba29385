//! What can go wrong preparing or caching an image, in plain words that name the file.

use std::io;
use std::path::PathBuf;

use super::sniff::Refused;

/// Why an image could not be prepared or cached. `Display` is a sentence for staff; the UI
/// branches on the `ErrorCode` the desk's error maps it to.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// The file has no bytes.
    #[error("cannot use '{name}': the file is empty")]
    Empty {
        /// The file's name, as the user knows it.
        name: String,
    },
    /// The file is larger than the image settings allow.
    #[error(
        "cannot use '{name}': the file is {} MB and the limit is {} MB; export a smaller copy",
        megabytes(*size_bytes),
        megabytes(*limit_bytes)
    )]
    FileTooLarge {
        /// The file's name, as the user knows it.
        name: String,
        /// The file's size, in bytes.
        size_bytes: u64,
        /// The largest file accepted, in bytes.
        limit_bytes: u64,
    },
    /// A known format this desk does not accept (HEIC, TIFF, SVG, PDF, …).
    #[error("cannot use '{name}': {} are not supported; {}", format.plural(), format.advice())]
    UnsupportedFormat {
        /// The file's name, as the user knows it.
        name: String,
        /// The format it is in.
        format: Refused,
    },
    /// Not an image at all (text, a document, random bytes).
    #[error(
        "cannot use '{name}': it is not a JPEG, PNG, WebP or GIF image{}",
        hint(looks_like)
    )]
    NotAnImage {
        /// The file's name, as the user knows it.
        name: String,
        /// What the file seems to be instead, when that is clear.
        looks_like: Option<&'static str>,
    },
    /// The image has more pixels than the image settings allow.
    #[error(
        "cannot use '{name}': the image is {width} × {height} pixels ({} megapixels) and the \
         limit is {} megapixels; export a smaller copy",
        megapixels(u64::from(*width) * u64::from(*height)),
        megapixels(*limit_pixels)
    )]
    TooManyPixels {
        /// The file's name, as the user knows it.
        name: String,
        /// The image's width, in pixels.
        width: u32,
        /// The image's height, in pixels.
        height: u32,
        /// The most pixels accepted (width × height).
        limit_pixels: u64,
    },
    /// Decoding the image would need more memory than the desk allows.
    #[error("cannot use '{name}': opening it would need more memory than this desk allows")]
    TooMuchMemory {
        /// The file's name, as the user knows it.
        name: String,
    },
    /// The file claims a format but its content is broken or cut short.
    #[error("cannot use '{name}': the {format} file is damaged or incomplete ({detail})")]
    Damaged {
        /// The file's name, as the user knows it.
        name: String,
        /// The format the file is in ("JPEG", "PNG", …).
        format: &'static str,
        /// What the decoder found wrong.
        detail: String,
    },
    /// A valid file using an encoding the decoders do not support (arithmetic-coded JPEG, say).
    #[error(
        "cannot use '{name}': this {format} file is saved in an unusual way ({detail}); save it \
         again as an ordinary JPEG or PNG"
    )]
    UnusualEncoding {
        /// The file's name, as the user knows it.
        name: String,
        /// The format the file is in ("JPEG", "PNG", …).
        format: &'static str,
        /// The decoder's words about the encoding.
        detail: String,
    },
    /// Resizing or encoding the image for upload failed.
    #[error("cannot prepare '{name}' for upload: {detail}")]
    Encode {
        /// The file's name, as the user knows it.
        name: String,
        /// What failed.
        detail: String,
    },
    /// The image settings make no sense (a crop outside the picture, an edge of 0 pixels, …).
    #[error("the image settings are not valid: {0}")]
    InvalidPolicy(&'static str),
    /// The disk holding the image cache is full.
    #[error(
        "the disk holding the image cache ('{}') is full; free some space and try again",
        path.display()
    )]
    DiskFull {
        /// The cache folder or file that could not be written.
        path: PathBuf,
    },
    /// The image cache could not be written (other than a full disk).
    #[error("cannot write to the image cache folder '{}': {source}", path.display())]
    CacheWrite {
        /// The cache folder or file that could not be written.
        path: PathBuf,
        /// The system's reason.
        source: io::Error,
    },
    /// An image could not be read back from the cache.
    #[error("cannot read '{}' from the image cache: {source}", path.display())]
    CacheRead {
        /// The cached file that could not be read.
        path: PathBuf,
        /// The system's reason.
        source: io::Error,
    },
    /// A hash that is not 64 lowercase hex digits; never turned into a path.
    #[error("'{0}' is not a valid image id")]
    InvalidHash(String),
}

impl MediaError {
    /// A short stable code for the UI (`unsupported_format`, `too_many_pixels`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty { .. } => "empty_file",
            Self::FileTooLarge { .. } => "file_too_large",
            Self::UnsupportedFormat { .. } => "unsupported_format",
            Self::NotAnImage { .. } => "not_an_image",
            Self::TooManyPixels { .. } => "too_many_pixels",
            Self::TooMuchMemory { .. } => "too_much_memory",
            Self::Damaged { .. } => "damaged_image",
            Self::UnusualEncoding { .. } => "unusual_image",
            Self::Encode { .. } => "encode",
            Self::InvalidPolicy(_) => "invalid_settings",
            Self::DiskFull { .. } => "disk_full",
            Self::CacheWrite { .. } => "cache_unwritable",
            Self::CacheRead { .. } => "cache_unreadable",
            Self::InvalidHash(_) => "invalid_image_id",
        }
    }

    /// A write failure in the cache, telling a full disk apart from any other cause.
    pub(crate) fn cache_write(path: PathBuf, source: io::Error) -> Self {
        // ENOSPC and EDQUOT: both mean "make room", whatever the platform calls them.
        if matches!(
            source.kind(),
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
        ) {
            Self::DiskFull { path }
        } else {
            Self::CacheWrite { path, source }
        }
    }
}

fn hint(looks_like: &Option<&'static str>) -> String {
    looks_like
        .map(|kind| format!(" (it looks like {kind})"))
        .unwrap_or_default()
}

/// One decimal place, so 100 MB and 100.4 MB are told apart but not 100.04.
fn megabytes(bytes: u64) -> String {
    one_decimal(bytes, 1_000_000)
}

fn megapixels(pixels: u64) -> String {
    one_decimal(pixels, 1_000_000)
}

fn one_decimal(value: u64, unit: u64) -> String {
    let tenths = value.saturating_mul(10) / unit;
    match (tenths / 10, tenths % 10) {
        (whole, 0) => whole.to_string(),
        (whole, tenth) => format!("{whole}.{tenth}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_told_apart_from_other_write_failures() {
        let full = MediaError::cache_write(PathBuf::from("/m"), io::ErrorKind::StorageFull.into());
        assert_eq!(full.code(), "disk_full");
        assert!(full.to_string().contains("is full"), "{full}");
        let denied =
            MediaError::cache_write(PathBuf::from("/m"), io::ErrorKind::PermissionDenied.into());
        assert_eq!(denied.code(), "cache_unwritable");
    }

    #[test]
    fn sizes_are_shown_with_at_most_one_decimal() {
        assert_eq!(megapixels(200_000_000), "200");
        assert_eq!(megapixels(12_345_678), "12.3");
        assert_eq!(megabytes(52_428_800), "52.4");
    }
}
