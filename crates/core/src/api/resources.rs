//! The staff CRUD resources of API.md (offers §3, galleries §5, room types §6) share DRF's
//! `ModelViewSet` shape; [`Resource`] names one, and the client speaks to any of them as JSON
//! objects. Typed models live with the sync code that owns each resource.

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Map, Value};

use super::session::encode_segment;
use super::{ApiClient, ApiError};

/// A collection the desk reads: by default in the staff zone, `/api/staff/hotel/<slug>/<path>/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// The name the desk uses for it (`offers`), also the key in the store.
    pub name: &'static str,
    /// The router path below the mount (`offers`, `room-types`, `staff_chat/staff-list`).
    pub path: &'static str,
    /// Where the router is mounted, and how the hotel is named.
    pub mount: Mount,
    /// The upload action and its file field, when the resource has one.
    pub upload: Option<(&'static str, &'static str)>,
}

/// One image file to upload.
#[derive(Debug, Clone)]
pub struct ImageFile {
    pub name: String,
    pub mime: String,
    pub bytes: bytes::Bytes,
}

/// Bytes sent of the total, reported while an upload is on its way.
pub type Progress = std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>;

const UPLOAD_CHUNK_BYTES: usize = 64 * 1024;

/// Where a collection's router is mounted (API.md §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mount {
    /// `/api/staff/hotel/<slug>/<path>/`: the staff CRUD routers.
    StaffHotel,
    /// `/api/attendance/clock-logs/<path>/?hotel_slug=<slug>`: the legacy attendance reads (§7.1),
    /// which take the hotel as a query parameter. Read-only.
    ClockLogs,
}

impl Resource {
    pub fn collection(&self, slug: &str) -> String {
        let slug = encode_segment(slug);
        match self.mount {
            Mount::StaffHotel => format!("api/staff/hotel/{slug}/{}/", self.path),
            Mount::ClockLogs => {
                format!("api/attendance/clock-logs/{}/?hotel_slug={slug}", self.path)
            }
        }
    }

    /// One row's address. Only the staff CRUD routers have one; the attendance reads are
    /// never written to (their descriptions refuse edits before anything is queued).
    pub fn item(&self, slug: &str, id: i64) -> String {
        match self.mount {
            Mount::StaffHotel => format!("{}{id}/", self.collection(slug)),
            Mount::ClockLogs => format!(
                "api/attendance/clock-logs/{id}/?hotel_slug={}",
                encode_segment(slug)
            ),
        }
    }
}

impl ApiClient {
    pub async fn list(&self, resource: Resource, slug: &str) -> Result<Vec<Value>, ApiError> {
        self.all_pages(&resource.collection(slug)).await
    }

    pub async fn fetch(&self, resource: Resource, slug: &str, id: i64) -> Result<Value, ApiError> {
        self.get(&resource.item(slug, id)).await
    }

    pub async fn create(
        &self,
        resource: Resource,
        slug: &str,
        fields: &Map<String, Value>,
    ) -> Result<Value, ApiError> {
        self.post(&resource.collection(slug), fields).await
    }

    pub async fn update(
        &self,
        resource: Resource,
        slug: &str,
        id: i64,
        fields: &Map<String, Value>,
    ) -> Result<Value, ApiError> {
        self.patch(&resource.item(slug, id), fields).await
    }

    pub async fn remove(&self, resource: Resource, slug: &str, id: i64) -> Result<(), ApiError> {
        self.delete(&resource.item(slug, id)).await
    }

    /// Uploads an image through the resource's upload action (one file, its own request),
    /// reporting progress as the body is sent. Returns the server's JSON answer.
    pub async fn upload_image(
        &self,
        resource: Resource,
        slug: &str,
        id: i64,
        file: ImageFile,
        progress: Progress,
    ) -> Result<Value, ApiError> {
        let ImageFile {
            name: file_name,
            mime,
            bytes,
        } = file;
        let Some((action, field)) = resource.upload else {
            return Err(ApiError::Unsupported {
                message: format!("{} have no image upload", resource.name),
            });
        };
        let total = bytes.len() as u64;
        let chunks: Vec<bytes::Bytes> = (0..bytes.len())
            .step_by(UPLOAD_CHUNK_BYTES)
            .map(|start| bytes.slice(start..(start + UPLOAD_CHUNK_BYTES).min(bytes.len())))
            .collect();
        let mut sent = 0u64;
        let body = futures_util::stream::iter(chunks).map(move |chunk| {
            sent += chunk.len() as u64;
            progress(sent, total);
            Ok::<_, std::io::Error>(chunk)
        });
        let part =
            reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(body), total)
                .file_name(file_name)
                .mime_str(&mime)
                .map_err(|e| ApiError::Unsupported {
                    message: format!("bad image type '{mime}': {e}"),
                })?;
        let form = reqwest::multipart::Form::new().part(field, part);
        self.multipart(
            Method::POST,
            &format!("{}{action}/", resource.item(slug, id)),
            form,
        )
        .await
    }

    /// Clears an image field: a multipart PATCH with the field empty (API.md §3.1).
    pub async fn clear_image(
        &self,
        resource: Resource,
        slug: &str,
        id: i64,
    ) -> Result<Value, ApiError> {
        let Some((_, field)) = resource.upload else {
            return Err(ApiError::Unsupported {
                message: format!("{} have no image", resource.name),
            });
        };
        let form = reqwest::multipart::Form::new().text(field, "");
        self.multipart(Method::PATCH, &resource.item(slug, id), form)
            .await
    }
}
