//! A content-addressed cache of prepared images on disk, `<root>/<sha256[0..2]>/<sha256>.<ext>`,
//! so an image added offline survives a restart until it is uploaded.
//!
//! Files are written to `<root>/tmp/` and renamed into place after an fsync, so a file under its
//! hash is always whole: a full disk leaves nothing behind, and a crash at most a temporary file,
//! which a later [`MediaCache::open`] removes. Which images are still needed is the store's
//! business, not this module's.

use std::fs;
use std::io::{self, Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use image::ImageReader;
use sha2::{Digest, Sha256};

use super::pipeline::{EncodedImage, PreparedImage};
#[cfg(feature = "test-support")]
use super::sniff::require_accepted;
use super::sniff::SourceFormat;
use super::MediaError;

/// Where files are written before being renamed into place.
const TEMP_DIR_NAME: &str = "tmp";
const TEMP_PREFIX: &str = ".put-";
/// Temporary files older than this were left by a crash, not by a write still going on.
const STALE_TEMP_AGE: Duration = Duration::from_secs(60 * 60);
const HASH_HEX_LEN: usize = 64;
/// Every format the cache may hold, in the order `get` looks for them.
const FORMATS: [SourceFormat; 4] = [
    SourceFormat::Jpeg,
    SourceFormat::Png,
    SourceFormat::WebP,
    SourceFormat::Gif,
];

/// An image in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRef {
    /// SHA-256 of the file's bytes, 64 lowercase hex digits.
    pub hash: String,
    /// Where the file is.
    pub path: PathBuf,
    /// Its MIME type (`image/jpeg`, …).
    pub mime: &'static str,
    /// Its width, in pixels.
    pub width: u32,
    /// Its height, in pixels.
    pub height: u32,
    /// Its size, in bytes.
    pub bytes: u64,
}

/// A prepared image and its thumbnail, both in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedImage {
    /// The prepared image.
    pub image: MediaRef,
    /// Its thumbnail.
    pub thumbnail: MediaRef,
}

/// The cache folder. Cheap to clone; several may share a folder, even across processes.
#[derive(Debug, Clone)]
pub struct MediaCache {
    root: PathBuf,
}

impl MediaCache {
    /// Opens (creating it if needed) the cache in `root`, usually `<data dir>/media`, and removes
    /// temporary files a crash left behind.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, MediaError> {
        let cache = Self { root: root.into() };
        let temp_dir = cache.temp_dir();
        crate::session::config::private::create_dir(&temp_dir)
            .map_err(|err| MediaError::cache_write(temp_dir, err))?;
        cache.remove_stale_temp_files();
        Ok(cache)
    }

    /// The cache folder.
    #[cfg(feature = "test-support")]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Stores an image file as it is (sniffed, so the extension is right) and returns where;
    /// `name` is only used in error messages.
    #[cfg(feature = "test-support")]
    pub fn put(&self, name: &str, bytes: &[u8]) -> Result<MediaRef, MediaError> {
        let format = require_accepted(name, bytes)?;
        let (width, height) = header_dimensions(name, bytes, format)?;
        self.store(bytes, format.extension(), format.mime(), (width, height))
    }

    /// Stores a prepared image and its thumbnail.
    pub fn put_prepared(&self, prepared: &PreparedImage) -> Result<CachedImage, MediaError> {
        Ok(CachedImage {
            image: self.put_encoded(&prepared.image)?,
            thumbnail: self.put_encoded(&prepared.thumbnail)?,
        })
    }

    /// The cached image with this hash, or `None` if it is not (or no longer) here.
    pub fn get(&self, hash: &str) -> Result<Option<MediaRef>, MediaError> {
        let Some((path, format)) = self.find(hash)? else {
            return Ok(None);
        };
        let bytes = fs::read(&path).map_err(|source| MediaError::CacheRead {
            path: path.clone(),
            source,
        })?;
        let (width, height) = header_dimensions(&path.display().to_string(), &bytes, format)?;
        Ok(Some(MediaRef {
            hash: hash.to_owned(),
            mime: format.mime(),
            width,
            height,
            bytes: bytes.len() as u64,
            path,
        }))
    }

    /// Where the image with this hash is, without reading it.
    #[cfg(feature = "test-support")]
    pub fn path_of(&self, hash: &str) -> Result<Option<PathBuf>, MediaError> {
        Ok(self.find(hash)?.map(|(path, _)| path))
    }

    /// Deletes the image with this hash; `false` if it was not there.
    #[cfg(feature = "test-support")]
    pub fn remove(&self, hash: &str) -> Result<bool, MediaError> {
        let Some((path, _)) = self.find(hash)? else {
            return Ok(false);
        };
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(err) => Err(MediaError::cache_write(path, err)),
        }
    }

    fn put_encoded(&self, encoded: &EncodedImage) -> Result<MediaRef, MediaError> {
        self.store(
            &encoded.bytes,
            encoded.extension(),
            encoded.mime(),
            (encoded.width, encoded.height),
        )
    }

    fn store(
        &self,
        bytes: &[u8],
        extension: &str,
        mime: &'static str,
        (width, height): (u32, u32),
    ) -> Result<MediaRef, MediaError> {
        let hash = hex::encode(Sha256::digest(bytes));
        let dir = self.root.join(&hash[..2]);
        let path = dir.join(format!("{hash}.{extension}"));
        let media_ref = |path| MediaRef {
            hash: hash.clone(),
            path,
            mime,
            width,
            height,
            bytes: bytes.len() as u64,
        };
        // Same hash, same length: the same bytes are already here, whole (they got there by rename).
        if fs::metadata(&path).is_ok_and(|meta| meta.len() == bytes.len() as u64) {
            return Ok(media_ref(path));
        }
        let temp_dir = self.temp_dir();
        for folder in [&dir, &temp_dir] {
            // Only this user reads what the desk keeps (0700), as the data folder itself.
            crate::session::config::private::create_dir(folder)
                .map_err(|err| MediaError::cache_write(folder.clone(), err))?;
        }
        // Dropping `temp` on any error below deletes it, so no partial file is ever left.
        let mut temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(&temp_dir)
            .map_err(|err| MediaError::cache_write(temp_dir, err))?;
        temp.write_all(bytes)
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|err| MediaError::cache_write(dir.clone(), err))?;
        temp.persist(&path)
            .map_err(|err| MediaError::cache_write(dir.clone(), err.error))?;
        sync_dir(&dir);
        Ok(media_ref(path))
    }

    fn find(&self, hash: &str) -> Result<Option<(PathBuf, SourceFormat)>, MediaError> {
        if hash.len() != HASH_HEX_LEN
            || !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(MediaError::InvalidHash(hash.to_owned()));
        }
        let dir = self.root.join(&hash[..2]);
        for format in FORMATS {
            let path = dir.join(format!("{hash}.{}", format.extension()));
            match fs::metadata(&path) {
                Ok(meta) if meta.is_file() => return Ok(Some((path, format))),
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                Err(source) => return Err(MediaError::CacheRead { path, source }),
            }
        }
        Ok(None)
    }

    fn temp_dir(&self) -> PathBuf {
        self.root.join(TEMP_DIR_NAME)
    }

    /// Best effort: a file that cannot be removed now is tried again at the next open.
    fn remove_stale_temp_files(&self) {
        let Ok(entries) = fs::read_dir(self.temp_dir()) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let stale = entry
                .metadata()
                .and_then(|meta| meta.modified())
                .is_ok_and(|modified| {
                    now.duration_since(modified).unwrap_or_default() > STALE_TEMP_AGE
                });
            if stale && entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

fn header_dimensions(
    name: &str,
    bytes: &[u8],
    format: SourceFormat,
) -> Result<(u32, u32), MediaError> {
    ImageReader::with_format(Cursor::new(bytes), format.image_format())
        .into_dimensions()
        .map_err(|err| MediaError::Damaged {
            name: name.to_owned(),
            format: format.name(),
            detail: err.to_string(),
        })
}

/// Makes the rename itself durable. Best effort: not every platform can open a folder.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}
