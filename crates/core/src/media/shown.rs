//! Every image the desk shows (offer photos; gallery, hotel and room-type images as they come),
//! fetched once and kept on disk, `<root>/<sha256(url)[0..2]>/<sha256(url)>`, so the desk and the
//! reception display show every photo they have seen with no network. The webview reads them
//! through a custom URI scheme the shell registers ([`ShownImages::get`]).
//!
//! Bounded: past the size limit the least recently shown files go first, but never one that a
//! stored row still names (what is on screen). Images waiting to be uploaded live in the
//! separate [`super::MediaCache`] and are never touched here.
//!
//! Not for: images the user picked (the pipeline and `MediaCache` own those).

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::sniff::{sniff, Sniffed};

/// How much disk the shown images may take by default.
pub const DEFAULT_SHOWN_IMAGES_LIMIT_BYTES: u64 = 512 * 1024 * 1024;
/// A larger download is refused: no photo the server stores is near this.
const MAX_IMAGE_BYTES: usize = 40 * 1024 * 1024;
const FETCH_TIMEOUT: Duration = Duration::from_secs(60);
const TEMP_DIR_NAME: &str = "tmp";

/// Why an image could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum ShownError {
    #[error("only web images can be shown ('{url}' is not an http or https address)")]
    NotWeb { url: String },
    #[error("the image '{url}' is not on this desk and cannot be fetched now: {message}")]
    Fetch { url: String, message: String },
    #[error("'{url}' is not an image the desk can show")]
    NotAnImage { url: String },
    #[error("the image '{url}' is larger than {MAX_IMAGE_BYTES} bytes")]
    TooLarge { url: String },
    #[error("the image folder '{path}' cannot be used: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
}

/// An image ready for the webview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownImage {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
}

/// The folder of shown images. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ShownImages {
    root: PathBuf,
    limit_bytes: u64,
    http: reqwest::Client,
}

fn folder_error(path: &Path) -> impl FnOnce(std::io::Error) -> ShownError + '_ {
    move |source| ShownError::Folder {
        path: path.display().to_string(),
        source,
    }
}

fn key(url: &str) -> String {
    hex::encode(Sha256::digest(url.as_bytes()))
}

fn image_mime(bytes: &[u8]) -> Option<&'static str> {
    match sniff(bytes) {
        Sniffed::Accepted(format) => Some(format.mime()),
        _ => None,
    }
}

impl ShownImages {
    pub fn open(root: impl Into<PathBuf>, limit_bytes: u64) -> Result<Self, ShownError> {
        let root = root.into();
        let temp = root.join(TEMP_DIR_NAME);
        fs::create_dir_all(&temp).map_err(folder_error(&temp))?;
        let http = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .build()
            .map_err(|err| ShownError::Folder {
                path: root.display().to_string(),
                source: std::io::Error::other(err),
            })?;
        Ok(Self {
            root,
            limit_bytes,
            http,
        })
    }

    fn path_of(&self, url: &str) -> PathBuf {
        let key = key(url);
        self.root.join(&key[..2]).join(key)
    }

    /// Whether the image of `url` is on this desk.
    pub fn has(&self, url: &str) -> bool {
        self.path_of(url).is_file()
    }

    /// The image of `url`: from disk when it was shown before (with no network), else fetched
    /// once and kept.
    pub async fn get(&self, url: &str) -> Result<ShownImage, ShownError> {
        let path = self.path_of(url);
        if let Ok(bytes) = tokio::fs::read(&path).await {
            if let Some(mime) = image_mime(&bytes) {
                touch(&path);
                return Ok(ShownImage { bytes, mime });
            }
            // Damaged on disk (a crash can leave only whole files, but disks fail): fetch again.
            tracing::warn!(url, "a kept image was damaged; fetching it again");
        }
        let bytes = self.fetch(url).await?;
        let mime = image_mime(&bytes).ok_or_else(|| ShownError::NotAnImage {
            url: url.to_owned(),
        })?;
        self.keep(&path, &bytes)?;
        Ok(ShownImage { bytes, mime })
    }

    async fn fetch(&self, url: &str) -> Result<Vec<u8>, ShownError> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(ShownError::NotWeb {
                url: url.to_owned(),
            });
        }
        let failed = |message: String| ShownError::Fetch {
            url: url.to_owned(),
            message,
        };
        let mut response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|err| failed(err.to_string()))?;
        if !response.status().is_success() {
            return Err(failed(format!("the server answered {}", response.status())));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| failed(err.to_string()))?
        {
            if bytes.len() + chunk.len() > MAX_IMAGE_BYTES {
                return Err(ShownError::TooLarge {
                    url: url.to_owned(),
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// Writes a whole file or nothing: a temporary file, synced, renamed into place.
    fn keep(&self, path: &Path, bytes: &[u8]) -> Result<(), ShownError> {
        let dir = path.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir).map_err(folder_error(dir))?;
        let temp_dir = self.root.join(TEMP_DIR_NAME);
        fs::create_dir_all(&temp_dir).map_err(folder_error(&temp_dir))?;
        let mut temp =
            tempfile::NamedTempFile::new_in(&temp_dir).map_err(folder_error(&temp_dir))?;
        temp.write_all(bytes)
            .and_then(|()| temp.as_file().sync_all())
            .map_err(folder_error(&temp_dir))?;
        temp.persist(path)
            .map_err(|err| folder_error(path)(err.error))?;
        Ok(())
    }

    /// Brings the folder under its limit, least recently shown first, keeping every image whose
    /// URL is in `on_screen`. Returns how many files were removed.
    pub fn evict(&self, on_screen: &HashSet<String>) -> Result<usize, ShownError> {
        let keep: HashSet<String> = on_screen.iter().map(|url| key(url)).collect();
        let mut files: Vec<(SystemTime, u64, PathBuf, bool)> = Vec::new();
        let mut total = 0u64;
        for shard in fs::read_dir(&self.root).map_err(folder_error(&self.root))? {
            let shard = shard.map_err(folder_error(&self.root))?.path();
            if !shard.is_dir() || shard.ends_with(TEMP_DIR_NAME) {
                continue;
            }
            for file in fs::read_dir(&shard).map_err(folder_error(&shard))? {
                let path = file.map_err(folder_error(&shard))?.path();
                let Ok(meta) = fs::metadata(&path) else {
                    continue;
                };
                total += meta.len();
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                files.push((used, meta.len(), path, keep.contains(&name)));
            }
        }
        files.sort_by_key(|(used, ..)| *used);
        let mut removed = 0;
        for (_, size, path, kept) in files {
            if total <= self.limit_bytes {
                break;
            }
            if kept {
                continue;
            }
            if fs::remove_file(&path).is_ok() {
                total = total.saturating_sub(size);
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// Marks a file as just shown (its modification time orders the eviction).
fn touch(path: &Path) {
    if let Ok(file) = fs::File::options().append(true).open(path) {
        if let Err(err) = file.set_modified(SystemTime::now()) {
            tracing::debug!(error = %err, "cannot mark a kept image as used");
        }
    }
}

/// Every web address in `rows` (the images stored rows name), for prefetching and eviction.
pub fn image_urls<'a>(rows: impl IntoIterator<Item = &'a crate::store::Row>) -> HashSet<String> {
    rows.into_iter()
        .flat_map(|row| row.values())
        .filter_map(serde_json::Value::as_str)
        .filter(|text| text.starts_with("http://") || text.starts_with("https://"))
        .filter(|text| {
            let path = text
                .split(['?', '#'])
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            [".jpg", ".jpeg", ".png", ".webp", ".gif"]
                .iter()
                .any(|ext| path.ends_with(ext))
        })
        .map(str::to_owned)
        .collect()
}
