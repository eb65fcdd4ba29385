//! The staff CRUD resources of API.md (offers §3, galleries §5, room types §6) share DRF's
//! `ModelViewSet` shape; [`Resource`] names one, and the client speaks to any of them as JSON
//! objects. Typed models live with the sync code that owns each resource.

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Map, Value};

use super::generation::Contract;
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
    /// How the collection is read: pages, one plain array, or one object.
    pub listing: Listing,
    /// The key holding a row's id (`id`; a conversation's is `conversation_id`). Rows are stored
    /// under `id` whatever the server calls it.
    pub id_key: &'static str,
    /// The upload action and its file field, when the resource has one.
    pub upload: Option<(&'static str, &'static str)>,
    /// The field that holds a row's place in the hotel's order (`sort_order`; a gallery's is
    /// `display_order`, API.md §5); `None` for collections the hotel does not put in order.
    pub order_field: Option<&'static str>,
    /// Text fields written by guests that the desk keeps only the start of, each with how many
    /// characters it keeps: never edited on the desk, read whole from the server when asked for.
    pub clipped: &'static [(&'static str, usize)],
    /// Fields a server gives under another name, as (the desk's name, the server's): the
    /// server's is copied where the desk's is absent. (The 2026 backend gives the hotel
    /// images' full addresses in `hero_image`, `landing_page_image` and `logo`, where the
    /// classic one gives `*_display` and keeps storage paths in those.)
    pub renamed: &'static [(&'static str, &'static str)],
}

/// One image file to upload.
#[derive(Debug, Clone)]
pub struct ImageFile {
    /// The file's name, as the person chose it.
    pub name: String,
    /// Its MIME type (`image/jpeg`, …).
    pub mime: String,
    /// Its content.
    pub bytes: bytes::Bytes,
}

/// Bytes sent of the total, reported while an upload is on its way.
pub type Progress = std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>;

const UPLOAD_CHUNK_BYTES: usize = 64 * 1024;

/// How a collection answers a GET (API.md Decision 3 and the sections that differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// `{count, next, previous, results}`, followed page by page.
    Paginated,
    /// One JSON array (the chat conversations, §8.2).
    PlainArray,
    /// One object, stored as the row with id [`SINGLETON_ID`] (the hotel's settings, §4.1);
    /// its address is the collection itself.
    Singleton,
}

/// The id a singleton is stored under.
pub const SINGLETON_ID: i64 = 1;

/// Where a collection's router is mounted (API.md §1.1), and so how its addresses are made: an
/// open description, not a list the client matches on. A feature whose collection lives
/// elsewhere describes its own mount beside its resource; the usual ones are here.
#[derive(Clone, Copy)]
pub struct Mount {
    /// Names it in logs and tests.
    pub name: &'static str,
    /// The collection's address below the server's base, for the hotel's slug (already
    /// encoded for a path), the resource's path and the server's generation.
    pub(crate) collection: fn(slug: &str, path: &str, contract: &Contract) -> String,
    /// One row's address, for the hotel's slug (encoded) and the row's id; `None`: the
    /// collection's address followed by the id and a slash.
    pub(crate) item: Option<fn(slug: &str, id: i64) -> String>,
    /// Where a new row is posted when not to the collection; `None`: the collection.
    pub create: Option<CreateAt>,
}

/// A collection whose rows are created through an action of their own, not by a POST to the
/// collection (the page builder's sections, API.md §17.2: `sections/create/` makes a typed
/// section and needs no `hotel` in the body, which a POST to `public-sections/` would).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreateAt {
    /// The action's path below the hotel's staff mount (`sections/create`).
    pub path: &'static str,
    /// The key of the answer that holds the new row (`section`).
    pub answer_key: &'static str,
    /// The fields the action takes. Others a queued create carries (a change made before it
    /// was sent, folded into it) are sent as a PATCH of the new row right after.
    pub takes: &'static [&'static str],
    /// Fields it takes that the collection's rows do not show (`section_type`): a create whose
    /// answer was lost is looked for on the server by its other fields.
    pub not_read_back: &'static [&'static str],
}

impl Mount {
    /// `/api/staff/hotel/<slug>/<path>/`: the staff CRUD routers.
    pub const STAFF_HOTEL: Mount = Mount {
        name: "staff hotel",
        collection: |slug, path, _| format!("api/staff/hotel/{slug}/{path}/"),
        item: None,
        create: None,
    };

    /// `/api/hotel/public/<slug>/<path>/`: what the hotel's public page reads (§4.3).
    /// Read-only.
    pub const PUBLIC: Mount = Mount {
        name: "public",
        collection: |slug, path, _| format!("api/hotel/public/{slug}/{path}/"),
        item: None,
        create: None,
    };
}

impl PartialEq for Mount {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Mount {}

impl std::fmt::Debug for Mount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mount({})", self.name)
    }
}

impl Resource {
    pub(crate) fn collection(&self, slug: &str, contract: &Contract) -> String {
        (self.mount.collection)(&encode_segment(slug), self.path, contract)
    }

    /// A row as the server sent it, as the store keeps rows: its id under `id` (a
    /// singleton's is [`SINGLETON_ID`], another key's, `conversation_id`, is copied), and the
    /// fields it gives under another name ([`Resource::renamed`]) under the desk's.
    pub(crate) fn as_stored(&self, mut row: Value) -> Value {
        if let Value::Object(fields) = &mut row {
            for (desks, servers) in self.renamed {
                if !fields.contains_key(*desks) {
                    if let Some(value) = fields.get(*servers).cloned() {
                        fields.insert((*desks).to_owned(), value);
                    }
                }
            }
            let id = match self.listing {
                Listing::Singleton => Some(Value::from(SINGLETON_ID)),
                _ => fields.get(self.id_key).cloned(),
            };
            if let Some(id) = id {
                fields.insert("id".into(), stored_id(id));
            }
        }
        row
    }

    /// One row's address. A read-only resource's is never written to (its description refuses
    /// edits before anything is queued).
    pub(crate) fn item(&self, slug: &str, id: i64, contract: &Contract) -> String {
        if self.listing == Listing::Singleton {
            return self.collection(slug, contract);
        }
        match self.mount.item {
            Some(item) => item(&encode_segment(slug), id),
            None => format!("{}{id}/", self.collection(slug, contract)),
        }
    }
}

/// The id a row is stored under: the server's number, or for a server id given as text (a room
/// booking's `booking_id`, API.md §15.2, which is the only id its list gives) a number made from
/// that text: the first 63 bits of its SHA-256, so the same text always gives the same number
/// and two texts share one only by a collision of SHA-256's first 63 bits (the text itself
/// stays in its field).
fn stored_id(id: Value) -> Value {
    use sha2::Digest;
    match id.as_str() {
        Some(text) => {
            let digest = sha2::Sha256::digest(text.as_bytes());
            let mut first = [0u8; 8];
            first.copy_from_slice(&digest[..8]);
            Value::from(i64::from_be_bytes(first) & i64::MAX)
        }
        None => id,
    }
}

impl ApiClient {
    /// Every row of the collection, each with its id under `id`.
    pub async fn list(&self, resource: Resource, slug: &str) -> Result<Vec<Value>, ApiError> {
        self.list_expecting(resource, slug, 0).await
    }

    /// [`ApiClient::list`] of a collection last seen with `expected` rows: its pages are asked
    /// for at once rather than after the first (see [`ApiClient::all_pages_expecting`]).
    pub(crate) async fn list_expecting(
        &self,
        resource: Resource,
        slug: &str,
        expected: usize,
    ) -> Result<Vec<Value>, ApiError> {
        let path = resource.collection(slug, self.generation().contract());
        let rows = match resource.listing {
            Listing::Paginated => self.all_pages_expecting(&path, expected).await?,
            Listing::PlainArray => self.get::<Vec<Value>>(&path).await?,
            Listing::Singleton => vec![self.get(&path).await?],
        };
        Ok(rows
            .into_iter()
            .map(|row| resource.as_stored(row))
            .collect())
    }

    /// One row, with its id under `id`.
    pub(crate) async fn fetch(
        &self,
        resource: Resource,
        slug: &str,
        id: i64,
    ) -> Result<Value, ApiError> {
        Ok(resource.as_stored(
            self.get(&resource.item(slug, id, self.generation().contract()))
                .await?,
        ))
    }

    /// Creates a row: a POST of `fields` to the collection, or to the resource's own create
    /// action ([`CreateAt`]) with the fields it takes, the row taken from its answer.
    pub(crate) async fn create(
        &self,
        resource: Resource,
        slug: &str,
        fields: &Map<String, Value>,
    ) -> Result<Value, ApiError> {
        let Some(at) = resource.mount.create else {
            return Ok(resource.as_stored(
                self.post(
                    &resource.collection(slug, self.generation().contract()),
                    fields,
                )
                .await?,
            ));
        };
        let taken: Map<String, Value> = fields
            .iter()
            .filter(|(key, _)| at.takes.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        let path = format!("api/staff/hotel/{}/{}/", encode_segment(slug), at.path);
        let mut answer: Value = self.post(&path, &taken).await?;
        let row = answer
            .get_mut(at.answer_key)
            .map(Value::take)
            .unwrap_or(Value::Null);
        Ok(resource.as_stored(row))
    }

    pub(crate) async fn update(
        &self,
        resource: Resource,
        slug: &str,
        id: i64,
        fields: &Map<String, Value>,
    ) -> Result<Value, ApiError> {
        Ok(resource.as_stored(
            self.patch(
                &resource.item(slug, id, self.generation().contract()),
                fields,
            )
            .await?,
        ))
    }

    /// Deletes row `id` of `resource` on the server.
    pub async fn remove(&self, resource: Resource, slug: &str, id: i64) -> Result<(), ApiError> {
        self.delete(&resource.item(slug, id, self.generation().contract()))
            .await
    }

    /// Posts `body` as JSON to an action of row `id` (`…/galleries/<id>/reorder_images/`).
    pub(crate) async fn action(
        &self,
        resource: Resource,
        slug: &str,
        id: i64,
        action: &str,
        body: &Value,
    ) -> Result<Value, ApiError> {
        self.post(
            &format!(
                "{}{action}/",
                resource.item(slug, id, self.generation().contract())
            ),
            body,
        )
        .await
    }

    /// Uploads an image through the resource's upload action (one file, its own request),
    /// reporting progress as the body is sent. Returns the server's JSON answer.
    pub(crate) async fn upload_image(
        &self,
        resource: Resource,
        slug: &str,
        id: i64,
        file: ImageFile,
        progress: Progress,
    ) -> Result<Value, ApiError> {
        let Some(action) = resource.upload else {
            return Err(ApiError::Unsupported {
                message: format!("{} have no image upload", resource.name),
            });
        };
        self.post_file(
            resource,
            slug,
            id,
            (action.0, action.1, &[]),
            file,
            progress,
        )
        .await
    }

    /// Posts one file as the file part `action.1` of the row action `action.0` (a gallery's
    /// `upload_image/` with `image`), with the text fields `action.2`, reporting progress as
    /// the body is sent.
    pub(crate) async fn post_file(
        &self,
        resource: Resource,
        slug: &str,
        id: i64,
        (action, field, texts): (&str, &'static str, &[(&'static str, String)]),
        file: ImageFile,
        progress: Progress,
    ) -> Result<Value, ApiError> {
        let bytes = file.bytes.len();
        let form = texts.iter().fold(
            reqwest::multipart::Form::new().part(field, file_part(file, progress)?),
            |form, (name, value)| form.text(*name, value.clone()),
        );
        self.multipart(
            Method::POST,
            &format!(
                "{}{action}/",
                resource.item(slug, id, self.generation().contract())
            ),
            form,
            bytes,
        )
        .await
    }

    /// Creates a row by posting one file as the file part `field` to the collection, with the
    /// text fields `texts` (a 2026 gallery image: `gallery`, `image` and its `sort_order`,
    /// API.md §17.4), reporting progress as the body is sent. Returns the server's answer.
    pub(crate) async fn create_with_file(
        &self,
        resource: Resource,
        slug: &str,
        (field, texts): (&'static str, &[(&'static str, String)]),
        file: ImageFile,
        progress: Progress,
    ) -> Result<Value, ApiError> {
        let bytes = file.bytes.len();
        let form = texts.iter().fold(
            reqwest::multipart::Form::new().part(field, file_part(file, progress)?),
            |form, (name, value)| form.text(*name, value.clone()),
        );
        let path = resource.collection(slug, self.generation().contract());
        self.multipart(Method::POST, &path, form, bytes).await
    }

    /// Sends an image as the file part `field` of a multipart PATCH of the row (the hotel's
    /// hero, landing-page image or logo, API.md §4.1), alone, with progress.
    pub(crate) async fn patch_image(
        &self,
        resource: Resource,
        slug: &str,
        id: i64,
        field: &str,
        file: ImageFile,
        progress: Progress,
    ) -> Result<Value, ApiError> {
        let bytes = file.bytes.len();
        let form =
            reqwest::multipart::Form::new().part(field.to_owned(), file_part(file, progress)?);
        let answer = self
            .multipart(
                Method::PATCH,
                &resource.item(slug, id, self.generation().contract()),
                form,
                bytes,
            )
            .await?;
        Ok(resource.as_stored(answer))
    }

    /// Clears an image field: a multipart PATCH with the field empty (API.md §3.1).
    pub(crate) async fn clear_image(
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
        self.multipart(
            Method::PATCH,
            &resource.item(slug, id, self.generation().contract()),
            form,
            0,
        )
        .await
    }
}

/// A file as a streamed multipart part that reports how much of it has been sent.
pub(super) fn file_part(
    file: ImageFile,
    progress: Progress,
) -> Result<reqwest::multipart::Part, ApiError> {
    let ImageFile {
        name: file_name,
        mime,
        bytes,
    } = file;
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
    reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(body), total)
        .file_name(file_name)
        .mime_str(&mime)
        .map_err(|e| ApiError::Unsupported {
            message: format!("bad image type '{mime}': {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::stored_id;
    use serde_json::json;

    #[test]
    fn a_text_id_is_stored_under_one_number_of_its_own_and_a_number_as_it_is() {
        let first = stored_id(json!("BK-2026-0001"));
        assert_eq!(first, stored_id(json!("BK-2026-0001")), "the same booking");
        assert_ne!(first, stored_id(json!("BK-2026-0002")), "another booking");
        assert!(first.as_i64().is_some_and(|id| id >= 0), "{first}");
        assert_eq!(stored_id(json!(42)), json!(42));
    }
}
