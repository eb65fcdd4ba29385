//! Every image the desk shows (offer photos; gallery, hotel and room-type images as they come),
//! fetched once and kept on disk, `<root>/<sha256(url)[0..2]>/<sha256(url)>`, so the desk and the
//! reception display show every photo they have seen with no network. The webview reads them
//! through a custom URI scheme the shell registers ([`ShownImages::get`]).
//!
//! Bounded: past the size limit the least recently shown files go first, but never one that a
//! stored row still names (what is on screen). Images waiting to be uploaded live in the
//! separate [`super::MediaCache`] and are never touched here.
//!
//! What the window decodes is bounded too, per picture and so per screen (issue 63.1): the
//! webview is handed only a picture the desk decoded itself (under the same bounds as a dropped
//! photo, one at a time) and re-encoded at the size it is shown at ([`ShownSize`]): never the
//! sender's file, whose headers may disagree with what a decoder reads or whose frames may be
//! many. A 2560-pixel picture is the most a window ever decodes for one picture (26 MB as RGBA,
//! where a crafted 31 KB PNG cost it 1 GB); the rendered copies are kept beside the original
//! (`<key>.<size>`), so each is made once.
//!
//! Not for: images the user picked (the pipeline and `MediaCache` own those).

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::hosts::{HostRefused, ImageHosts};
use super::sniff::{sniff, Sniffed};

mod render;
pub(crate) use render::placeholder;
use render::{render_for_window, rendered_mime, rendered_path};

/// How much disk the shown images may take by default.
pub(crate) const DEFAULT_SHOWN_IMAGES_LIMIT_BYTES: u64 = 512 * 1024 * 1024;
/// A larger download is refused: no photo the server stores is near this.
const MAX_IMAGE_BYTES: usize = 40 * 1024 * 1024;
const FETCH_TIMEOUT: Duration = Duration::from_secs(60);
const TEMP_DIR_NAME: &str = "tmp";

/// Why an image could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum ShownError {
    /// The address is not `http` or `https`.
    #[error("only web images can be shown ('{url}' is not an http or https address)")]
    NotWeb {
        /// The image's address.
        url: String,
    },
    /// The image is not kept here and fetching it failed (no network, or the host said no).
    #[error("the image '{url}' is not on this desk and cannot be fetched now: {message}")]
    Fetch {
        /// The image's address.
        url: String,
        /// What went wrong, in words.
        message: String,
    },
    /// What was fetched is not an image the desk accepts.
    #[error("'{url}' is not an image the desk can show")]
    NotAnImage {
        /// The image's address.
        url: String,
    },
    /// The download is larger than the desk takes (40 MB).
    #[error("the image '{url}' is larger than {MAX_IMAGE_BYTES} bytes")]
    TooLarge {
        /// The image's address.
        url: String,
    },
    /// The hosts rule does not let the desk fetch from this address.
    #[error("{0}")]
    Refused(#[from] HostRefused),
    /// Signed out: only pictures already on this desk are shown.
    #[error("the image '{url}' is not on this desk, and nothing is fetched while signed out")]
    NoServer {
        /// The image's address.
        url: String,
    },
    /// The folder of shown images cannot be created or written.
    #[error("the image folder '{path}' cannot be used: {source}")]
    Folder {
        /// The folder or file that could not be used.
        path: String,
        /// The system's reason.
        source: std::io::Error,
    },
}

/// The size a picture is shown at, which is the most the window decodes for it: a list's
/// thumbnail, a picture in a pane, or a whole screen (the lightbox, the reception display).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ShownSize {
    /// At most 480 px on its long edge (lists, grids, a chat's photo, an avatar).
    Thumbnail,
    /// At most 1280 px (a picture in a pane: the offer editor, the guest page's hero).
    #[default]
    Pane,
    /// At most 2560 px (the lightbox, the reception display up to a 4K screen).
    Screen,
}

impl ShownSize {
    /// Its long edge, in pixels.
    pub fn edge_px(self) -> u32 {
        match self {
            Self::Thumbnail => super::THUMBNAIL_EDGE_PX,
            Self::Pane => 1280,
            Self::Screen => super::MAX_UPLOAD_EDGE_PX,
        }
    }

    /// The size a `hmimg:` address asks for (`thumbnail`, `pane`, `screen`); anything else is
    /// the pane's.
    pub fn named(name: &str) -> Self {
        match name {
            "thumbnail" => Self::Thumbnail,
            "screen" => Self::Screen,
            _ => Self::Pane,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Self::Thumbnail => "thumbnail",
            Self::Pane => "pane",
            Self::Screen => "screen",
        }
    }
}

/// An image ready for the webview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownImage {
    /// The image file's bytes (a placeholder's when the picture is too large to show).
    pub bytes: Vec<u8>,
    /// Its MIME type (`image/jpeg`, …), from its content.
    pub mime: &'static str,
}

/// The folder of shown images. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ShownImages {
    root: PathBuf,
    limit_bytes: u64,
    http: reqwest::Client,
    /// Where pictures may be fetched from (the signed-in server's); `None`: nowhere.
    hosts: Arc<RwLock<Option<ImageHosts>>>,
    /// One picture is decoded at a time: a window asking for many at once (a thread of a
    /// guest's photos, a display's gallery) never holds several sender's pictures decoded.
    rendering: Arc<tokio::sync::Semaphore>,
}

/// Resolves a host name for a picture's fetch, keeping only the addresses the hosts rule allows
/// (a media host's name that resolves into a private network is refused, whatever it says).
struct CheckedResolver {
    hosts: Arc<RwLock<Option<ImageHosts>>>,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let hosts = self
            .hosts
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| {
                    hosts
                        .as_ref()
                        .is_some_and(|hosts| hosts.resolved_ok(&host, addr.ip()))
                })
                .collect();
            if allowed.is_empty() {
                let refused: Box<dyn std::error::Error + Send + Sync> =
                    Box::new(std::io::Error::other(format!(
                        "{host} resolves only to addresses pictures are never fetched from"
                    )));
                return Err(refused);
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
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
    /// Opens (creating it if needed) the folder of shown images in `root`, kept to about
    /// `limit_bytes`; nothing is fetched until [`ShownImages::allow`] names the hosts.
    pub fn open(root: impl Into<PathBuf>, limit_bytes: u64) -> Result<Self, ShownError> {
        let root = root.into();
        let temp = root.join(TEMP_DIR_NAME);
        crate::session::config::private::create_dir(&temp).map_err(folder_error(&temp))?;
        let hosts: Arc<RwLock<Option<ImageHosts>>> = Arc::default();
        let http = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .dns_resolver(Arc::new(CheckedResolver {
                hosts: hosts.clone(),
            }))
            // A redirect could lead anywhere (127.0.0.1 needs no resolving): never followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| ShownError::Folder {
                path: root.display().to_string(),
                source: std::io::Error::other(err),
            })?;
        Ok(Self {
            root,
            limit_bytes,
            http,
            hosts,
            rendering: Arc::new(tokio::sync::Semaphore::new(1)),
        })
    }

    /// Where pictures may be fetched from from now on (`None`: signed out, nowhere).
    pub fn allow(&self, hosts: Option<ImageHosts>) {
        *self
            .hosts
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = hosts;
    }

    /// Whether `url` may be fetched now, by the hosts rule.
    pub(crate) fn check(&self, url: &str) -> Result<(), ShownError> {
        match self
            .hosts
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
        {
            Some(hosts) => Ok(hosts.check(url)?),
            None => Err(ShownError::NoServer {
                url: url.to_owned(),
            }),
        }
    }

    fn path_of(&self, url: &str) -> PathBuf {
        let key = key(url);
        self.root.join(&key[..2]).join(key)
    }

    /// Whether the image of `url` is on this desk.
    pub fn has(&self, url: &str) -> bool {
        self.path_of(url).is_file()
    }

    /// The image of `url` at `size`, as the desk rendered it (see the module's notes): from disk
    /// when it was shown before (with no network), else fetched once and kept, then rendered
    /// once and kept. A picture over [`super::MAX_PIXELS`] (a few kilobytes can claim billions
    /// of pixels), or one that cannot be read whole, is never handed to the webview: a
    /// placeholder says so instead.
    pub async fn get(&self, url: &str, size: ShownSize) -> Result<ShownImage, ShownError> {
        let path = self.path_of(url);
        let rendered = rendered_path(&path, size);
        if let Ok(bytes) = tokio::fs::read(&rendered).await {
            if let Some(mime) = rendered_mime(&bytes) {
                touch(&rendered);
                touch(&path);
                return Ok(ShownImage { bytes, mime });
            }
            tracing::warn!(url, "a rendered image was damaged; rendering it again");
        }
        let original = self.original(url).await?;
        let shown = self.render(url, original, size).await;
        self.keep(&rendered, &shown.bytes)?;
        Ok(shown)
    }

    /// The picture of `url` as it came: from disk when kept, else fetched once and kept (what
    /// keeps the rows' photos for showing offline asks for).
    pub async fn original(&self, url: &str) -> Result<Vec<u8>, ShownError> {
        let path = self.path_of(url);
        match tokio::fs::read(&path).await {
            Ok(bytes) if image_mime(&bytes).is_some() => {
                touch(&path);
                return Ok(bytes);
            }
            // Damaged on disk (a crash leaves only whole files, but disks fail).
            Ok(_) => tracing::warn!(url, "a kept image was damaged; fetching it again"),
            Err(_) => {}
        }
        let bytes = self.fetch(url).await?;
        if image_mime(&bytes).is_none() {
            return Err(ShownError::NotAnImage {
                url: url.to_owned(),
            });
        }
        self.keep(&path, &bytes)?;
        Ok(bytes)
    }

    /// Renders a picture from outside at `size`, one at a time, off the async threads.
    async fn render(&self, url: &str, original: Vec<u8>, size: ShownSize) -> ShownImage {
        let Ok(_turn) = self.rendering.acquire().await else {
            return placeholder("This picture cannot be shown", "the desk is closing");
        };
        let name = url.to_owned();
        match tokio::task::spawn_blocking(move || render_for_window(&name, &original, size)).await {
            Ok(shown) => shown,
            Err(err) => {
                tracing::error!(error = %err, url, "rendering a picture stopped");
                placeholder("This picture cannot be shown", "it could not be prepared")
            }
        }
    }

    async fn fetch(&self, url: &str) -> Result<Vec<u8>, ShownError> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(ShownError::NotWeb {
                url: url.to_owned(),
            });
        }
        self.check(url)?;
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
        if response
            .content_length()
            .is_some_and(|n| n > MAX_IMAGE_BYTES as u64)
        {
            return Err(ShownError::TooLarge {
                url: url.to_owned(),
            });
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
        crate::session::config::private::create_dir(dir).map_err(folder_error(dir))?;
        let temp_dir = self.root.join(TEMP_DIR_NAME);
        crate::session::config::private::create_dir(&temp_dir).map_err(folder_error(&temp_dir))?;
        let mut temp =
            tempfile::NamedTempFile::new_in(&temp_dir).map_err(folder_error(&temp_dir))?;
        temp.write_all(bytes)
            .and_then(|()| temp.as_file().sync_all())
            .map_err(folder_error(&temp_dir))?;
        temp.persist(path)
            .map_err(|err| folder_error(path)(err.error))?;
        Ok(())
    }

    /// Forgets every image kept (a sign-out: a guest's photos and the hotel's are not the next
    /// person's, nor left on the computer). Returns how many files were removed.
    pub fn forget_all(&self) -> Result<usize, ShownError> {
        let mut removed = 0;
        for shard in fs::read_dir(&self.root).map_err(folder_error(&self.root))? {
            let shard = shard.map_err(folder_error(&self.root))?.path();
            if !shard.is_dir() || shard.ends_with(TEMP_DIR_NAME) {
                continue;
            }
            for file in fs::read_dir(&shard).map_err(folder_error(&shard))? {
                let path = file.map_err(folder_error(&shard))?.path();
                fs::remove_file(&path).map_err(folder_error(&path))?;
                removed += 1;
            }
            fs::remove_dir(&shard).map_err(folder_error(&shard))?;
        }
        Ok(removed)
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
                // A rendered copy (`<key>.<size>`) is kept with its original.
                let original = name.split('.').next().unwrap_or_default();
                files.push((used, meta.len(), path, keep.contains(original)));
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

/// The fields of stored rows that name a picture (and nothing else: a guest's last message
/// or a booking link is text, never fetched).
const IMAGE_FIELDS: &[&str] = &[
    "photo",
    "photo_url",
    "image",
    "image_url",
    "hero_image",
    "hero_image_display",
    "landing_page_image",
    "landing_page_image_display",
    "logo",
    "logo_display",
    "profile_image",
    "profile_image_url",
];

/// Every picture address the stored rows name in their picture fields, for prefetching and
/// eviction.
pub(crate) fn image_urls<'a>(
    rows: impl IntoIterator<Item = &'a crate::rules::row::Row>,
) -> HashSet<String> {
    rows.into_iter()
        .flat_map(|row| {
            row.iter()
                .filter(|(key, _)| IMAGE_FIELDS.contains(&key.as_str()))
                .map(|(_, value)| value)
        })
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

#[cfg(test)]
mod tests;
