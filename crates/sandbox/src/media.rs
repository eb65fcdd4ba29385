//! The sandbox's stand-in for Cloudinary: stores uploaded images under storage paths shaped like
//! `image/upload/v<version>/<public_id>.<format>` and serves them at `/media/<path>`.

use std::path::{Component, Path, PathBuf};

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::Rng;

use crate::errors::ApiError;
use crate::state::AppState;

/// Image formats accepted as uploads, by their magic bytes.
pub(crate) fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else if bytes.starts_with(b"BM") {
        Some("bmp")
    } else {
        None
    }
}

/// A fresh storage path for an image of `format` (`jpg`, `png`, …).
pub(crate) fn new_path(format: &str) -> String {
    let version = chrono::Utc::now().timestamp();
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let public_id: String = (0..10)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("image/upload/v{version}/{public_id}.{format}")
}

/// Writes bytes at a storage path inside the media folder.
pub(crate) fn write(media_dir: &Path, path: &str, bytes: &[u8]) -> std::io::Result<()> {
    let full = media_dir.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(full, bytes)
}

/// Stores an uploaded image, as Cloudinary would on save. Non-images fail with Cloudinary's message.
pub(crate) fn store_upload(state: &AppState, bytes: &[u8]) -> Result<String, UploadError> {
    let format = sniff_image(bytes).ok_or(UploadError::NotAnImage)?;
    let path = new_path(format);
    write(&state.media_dir, &path, bytes).map_err(|e| UploadError::Io(e.to_string()))?;
    Ok(path)
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum UploadError {
    /// Cloudinary's text for a file it cannot read as an image.
    #[error("Invalid image file")]
    NotAnImage,
    #[error("{0}")]
    Io(String),
}

fn safe_join(root: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    if rel.components().all(|c| matches!(c, Component::Normal(_))) {
        Some(root.join(rel))
    } else {
        None
    }
}

/// `GET /media/<path>`.
pub(crate) async fn serve(
    State(state): State<AppState>,
    UrlPath(path): UrlPath<String>,
) -> Response {
    let Some(full) = safe_join(&state.media_dir, &path) else {
        return ApiError::page_not_found("GET", &format!("/media/{path}")).into_response();
    };
    match tokio::fs::read(&full).await {
        Ok(bytes) => {
            let mime = match full.extension().and_then(|e| e.to_str()) {
                Some("png") => "image/png",
                Some("gif") => "image/gif",
                Some("webp") => "image/webp",
                Some("bmp") => "image/bmp",
                _ => "image/jpeg",
            };
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, mime),
                    (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                ],
                bytes,
            )
                .into_response()
        }
        Err(_) => ApiError::page_not_found("GET", &format!("/media/{path}")).into_response(),
    }
}
