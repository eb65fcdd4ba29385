//! Galleries (API.md §5): `StaffGalleryViewSet` with `upload_image` and `reorder_images`, and
//! `StaffGalleryImageViewSet` (`gallery-images`). Only image upload, reorder and image delete fire
//! `gallery-updated`; gallery CRUD fires nothing.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Value};

use super::{hotel_channel, parse_pk, upload_field_error};
use crate::auth::{Caller, StaffRef};
use crate::body::RawBody;
use crate::errors::ApiError;
use crate::media;
use crate::pagination::{PageRequest, PAGE_SIZE};
use crate::state::AppState;
use crate::timefmt::now_drf;
use crate::validate::{expected_dictionary, Form};

const CATEGORIES: &[&str] = &[
    "rooms",
    "facilities",
    "dining",
    "spa",
    "events",
    "exterior",
    "activities",
    "other",
];

#[derive(Debug, Clone)]
struct Gallery {
    id: i64,
    hotel_id: i64,
    name: String,
    category: String,
    description: String,
    is_active: bool,
    display_order: i64,
    created_at: String,
    updated_at: String,
}

#[derive(Debug, Clone)]
struct Image {
    id: i64,
    gallery_id: i64,
    image: String,
    caption: String,
    alt_text: String,
    display_order: i64,
    is_featured: bool,
    uploaded_at: String,
}

const GALLERY_COLS: &str =
    "id, hotel_id, name, category, description, is_active, display_order, created_at, updated_at";
const IMAGE_COLS: &str =
    "i.id, i.gallery_id, i.image, i.caption, i.alt_text, i.display_order, i.is_featured, i.uploaded_at";

fn gallery_row(r: &Row<'_>) -> rusqlite::Result<Gallery> {
    Ok(Gallery {
        id: r.get(0)?,
        hotel_id: r.get(1)?,
        name: r.get(2)?,
        category: r.get(3)?,
        description: r.get(4)?,
        is_active: r.get::<_, i64>(5)? != 0,
        display_order: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

fn image_row(r: &Row<'_>) -> rusqlite::Result<Image> {
    Ok(Image {
        id: r.get(0)?,
        gallery_id: r.get(1)?,
        image: r.get(2)?,
        caption: r.get(3)?,
        alt_text: r.get(4)?,
        display_order: r.get(5)?,
        is_featured: r.get::<_, i64>(6)? != 0,
        uploaded_at: r.get(7)?,
    })
}

impl Image {
    fn to_json(&self, state: &AppState) -> Value {
        json!({
            "id": self.id,
            "image": self.image,
            "image_url": state.media_url(&self.image),
            "caption": self.caption,
            "alt_text": self.alt_text,
            "display_order": self.display_order,
            "is_featured": self.is_featured,
            "uploaded_at": self.uploaded_at,
        })
    }

    fn write_json(&self) -> Value {
        json!({
            "id": self.id,
            "caption": self.caption,
            "alt_text": self.alt_text,
            "display_order": self.display_order,
            "is_featured": self.is_featured,
        })
    }
}

fn images_of(db: &Connection, gallery_id: i64) -> rusqlite::Result<Vec<Image>> {
    let mut stmt = db.prepare(&format!(
        "SELECT {IMAGE_COLS} FROM gallery_images i WHERE i.gallery_id = ?1 ORDER BY i.display_order, i.uploaded_at, i.id"
    ))?;
    let rows = stmt.query_map([gallery_id], image_row)?;
    rows.collect()
}

fn gallery_json(
    state: &AppState,
    db: &Connection,
    g: &Gallery,
    hotel_slug: &str,
) -> rusqlite::Result<Value> {
    let images = images_of(db, g.id)?;
    Ok(json!({
        "id": g.id,
        "hotel": g.hotel_id,
        "hotel_slug": hotel_slug,
        "name": g.name,
        "category": g.category,
        "description": g.description,
        "is_active": g.is_active,
        "display_order": g.display_order,
        "image_count": images.len(),
        "images": images.iter().map(|i| i.to_json(state)).collect::<Vec<_>>(),
        "created_at": g.created_at,
        "updated_at": g.updated_at,
    }))
}

fn write_json(g: &Gallery) -> Value {
    json!({
        "id": g.id,
        "name": g.name,
        "category": g.category,
        "description": g.description,
        "is_active": g.is_active,
        "display_order": g.display_order,
    })
}

/// Every gallery of a hotel in the §5.1 shape, ordered by `display_order`, `name` (settings embeds these).
pub(crate) fn all_galleries_json(
    state: &AppState,
    db: &Connection,
    hotel_id: i64,
    hotel_slug: &str,
) -> rusqlite::Result<Vec<Value>> {
    let mut stmt = db.prepare(&format!(
        "SELECT {GALLERY_COLS} FROM galleries WHERE hotel_id = ?1 ORDER BY display_order, name"
    ))?;
    let galleries: Vec<Gallery> = stmt
        .query_map([hotel_id], gallery_row)?
        .collect::<rusqlite::Result<_>>()?;
    galleries
        .iter()
        .map(|g| gallery_json(state, db, g, hotel_slug))
        .collect()
}

fn get_gallery(state: &AppState, staff: &StaffRef, pk: &str) -> Result<Gallery, ApiError> {
    let id = parse_pk(pk).ok_or_else(|| ApiError::no_match("Gallery"))?;
    state
        .db()
        .query_row(
            &format!("SELECT {GALLERY_COLS} FROM galleries WHERE id = ?1 AND hotel_id = ?2"),
            params![id, staff.hotel_id],
            gallery_row,
        )
        .optional()?
        .ok_or_else(|| ApiError::no_match("Gallery"))
}

fn get_image(state: &AppState, staff: &StaffRef, pk: &str) -> Result<Image, ApiError> {
    let id = parse_pk(pk).ok_or_else(|| ApiError::no_match("GalleryImage"))?;
    state
        .db()
        .query_row(
            &format!(
                "SELECT {IMAGE_COLS} FROM gallery_images i JOIN galleries g ON g.id = i.gallery_id
                 WHERE i.id = ?1 AND g.hotel_id = ?2"
            ),
            params![id, staff.hotel_id],
            image_row,
        )
        .optional()?
        .ok_or_else(|| ApiError::no_match("GalleryImage"))
}

fn image_count(db: &Connection, gallery_id: i64) -> rusqlite::Result<i64> {
    db.query_row(
        "SELECT COUNT(*) FROM gallery_images WHERE gallery_id = ?1",
        [gallery_id],
        |r| r.get(0),
    )
}

pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    let items = all_galleries_json(&state, &state.db(), staff.hotel_id, &staff.hotel_slug)?;
    Ok(Json(
        PageRequest::new(&headers, &uri, &state.base_url).paginate(items, PAGE_SIZE)?,
    ))
}

pub(crate) async fn retrieve(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    let g = get_gallery(&state, staff, &pk)?;
    Ok(Json(gallery_json(
        &state,
        &state.db(),
        &g,
        &staff.hotel_slug,
    )?))
}

/// Applies the writable gallery fields; `current` is None on create.
async fn save_gallery(
    state: &AppState,
    staff: &StaffRef,
    current: Option<Gallery>,
    body: RawBody,
    partial: bool,
) -> Result<Gallery, ApiError> {
    let data = body.parse().await?;
    if let Some(v) = &data.non_object_json {
        return Err(expected_dictionary(v));
    }
    let mut f = Form::new(&data, partial);
    let name = f.string("name", Some(200), true, false);
    let category = f.string("category", None, false, false);
    if let Some(c) = &category {
        if !CATEGORIES.contains(&c.as_str()) {
            f.fail("category", &format!("\"{c}\" is not a valid choice."));
        }
    }
    let description = f.string("description", None, false, true);
    let is_active = f.bool("is_active");
    let display_order = f.int("display_order", Some(0), false);
    f.finish()?;
    let now = now_drf();
    let op = if current.is_none() {
        "create"
    } else {
        "update"
    };
    let db = state.db();
    let id = match current {
        None => {
            db.execute(
                "INSERT INTO galleries (hotel_id, name, category, description, is_active, display_order, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![staff.hotel_id, name.unwrap_or_default(), category.unwrap_or_else(|| "other".into()),
                    description.unwrap_or_default(), is_active.unwrap_or(true) as i64, display_order.unwrap_or(0), now],
            )
            .map_err(integrity_error)?;
            db.last_insert_rowid()
        }
        Some(g) => {
            db.execute(
                "UPDATE galleries SET name = ?1, category = ?2, description = ?3, is_active = ?4, display_order = ?5,
                    updated_at = ?6 WHERE id = ?7",
                params![name.unwrap_or(g.name), category.unwrap_or(g.category), description.unwrap_or(g.description),
                    is_active.unwrap_or(g.is_active) as i64, display_order.unwrap_or(g.display_order), now, g.id],
            )
            .map_err(integrity_error)?;
            g.id
        }
    };
    // Noted under the database's lock: the log keeps the order the writes were made in.
    state.log_write(json!({"resource": "galleries", "op": op, "id": id, "fields": data.fields}));
    Ok(db.query_row(
        &format!("SELECT {GALLERY_COLS} FROM galleries WHERE id = ?1"),
        [id],
        gallery_row,
    )?)
}

/// A duplicate `(hotel, name)` is not caught by the serializer: the database raises, Django answers 500.
fn integrity_error(e: rusqlite::Error) -> ApiError {
    ApiError::crash(
        "IntegrityError",
        &format!("UNIQUE constraint failed: hotel_gallery.hotel_id, hotel_gallery.name ({e})"),
    )
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let staff = caller.require_staff_of(&slug)?.clone();
    let g = save_gallery(&state, &staff, None, body, false).await?;
    Ok((StatusCode::CREATED, Json(write_json(&g))).into_response())
}

pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?.clone();
    let g = get_gallery(&state, &staff, &pk)?;
    Ok(Json(write_json(
        &save_gallery(&state, &staff, Some(g), body, false).await?,
    )))
}

pub(crate) async fn partial_update(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?.clone();
    let g = get_gallery(&state, &staff, &pk)?;
    Ok(Json(write_json(
        &save_gallery(&state, &staff, Some(g), body, true).await?,
    )))
}

pub(crate) async fn destroy(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    let g = get_gallery(&state, staff, &pk)?;
    let db = state.db();
    db.execute("DELETE FROM gallery_images WHERE gallery_id = ?1", [g.id])?;
    db.execute("DELETE FROM galleries WHERE id = ?1", [g.id])?;
    state.log_write(json!({"resource": "galleries", "op": "delete", "id": g.id, "fields": {}}));
    Ok(StatusCode::NO_CONTENT)
}

/// `POST …/galleries/<id>/upload_image/` (§5.2).
pub(crate) async fn upload_image(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let staff = caller.require_staff_of(&slug)?.clone();
    let g = get_gallery(&state, &staff, &pk)?;
    let data = body.parse().await?;
    let Some(file) = data.files.get("image") else {
        return Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            "No image file provided",
        ));
    };
    let mut f = Form::new(&data, true);
    let caption = f.string("caption", Some(255), false, true);
    let alt_text = f.string("alt_text", Some(255), false, true);
    let display_order = f.int("display_order", Some(0), false);
    let is_featured = f.bool("is_featured");
    let stored = media::store_upload(&state, &file.bytes);
    if stored.is_err() {
        f.fail("image", upload_field_error());
    }
    f.finish()?;
    let path = stored.map_err(|_| ApiError::field("image", upload_field_error()))?;
    let (image, count) = {
        let db = state.db();
        db.execute(
            "INSERT INTO gallery_images (gallery_id, image, caption, alt_text, display_order, is_featured, uploaded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![g.id, path, caption.unwrap_or_default(), alt_text.unwrap_or_default(), display_order.unwrap_or(0),
                is_featured.unwrap_or(false) as i64, now_drf()],
        )?;
        let id = db.last_insert_rowid();
        let image = db.query_row(
            &format!("SELECT {IMAGE_COLS} FROM gallery_images i WHERE i.id = ?1"),
            [id],
            image_row,
        )?;
        (image, image_count(&db, g.id)?)
    };
    state.hub.publish(
        &hotel_channel(&staff.hotel_slug),
        "gallery-updated",
        &json!({"gallery_id": g.id, "gallery_name": g.name, "action": "image_added", "image_count": count}),
    );
    let mut out = image.write_json();
    out["image"] = Value::String(image.image.clone());
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// `POST …/galleries/<id>/reorder_images/` (§5.3).
pub(crate) async fn reorder_images(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?.clone();
    let g = get_gallery(&state, &staff, &pk)?;
    let data = body.parse().await?;
    // A form or multipart body holds strings, never a list.
    let ids: Vec<Value> = match (data.is_json, data.get("image_ids")) {
        (true, Some(Value::Array(ids))) => ids.clone(),
        _ => {
            return Err(ApiError::error(
                StatusCode::BAD_REQUEST,
                "image_ids must be a list",
            ))
        }
    };
    {
        let db = state.db();
        for (index, id) in ids.iter().enumerate() {
            let id = match id {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            };
            if let Some(id) = id {
                db.execute(
                    "UPDATE gallery_images SET display_order = ?1 WHERE id = ?2 AND gallery_id = ?3",
                    params![index as i64, id, g.id],
                )?;
            }
        }
    }
    state.hub.publish(
        &hotel_channel(&staff.hotel_slug),
        "gallery-updated",
        &json!({"gallery_id": g.id, "gallery_name": g.name, "action": "images_reordered"}),
    );
    Ok(Json(json!({"message": "Images reordered successfully"})))
}

pub(crate) async fn image_list(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    let rows: Vec<_> = {
        let db = state.db();
        let mut stmt = db.prepare(&format!(
            "SELECT {IMAGE_COLS} FROM gallery_images i JOIN galleries g ON g.id = i.gallery_id
             WHERE g.hotel_id = ?1 ORDER BY i.display_order, i.uploaded_at, i.id"
        ))?;
        let rows = stmt.query_map([staff.hotel_id], image_row)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    Ok(Json(
        PageRequest::new(&headers, &uri, &state.base_url)
            .paginate_rows(&rows, PAGE_SIZE, |i| i.to_json(&state))?,
    ))
}

/// `POST …/gallery-images/`: the serializer has no `gallery`, so the insert violates NOT NULL → 500.
pub(crate) async fn image_create(
    State(_state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    caller.require_staff_of(&slug)?;
    Err(ApiError::crash(
        "IntegrityError",
        "NOT NULL constraint failed: hotel_galleryimage.gallery_id",
    ))
}

pub(crate) async fn image_retrieve(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    Ok(Json(get_image(&state, staff, &pk)?.to_json(&state)))
}

async fn image_save(
    state: AppState,
    caller: Caller,
    slug: String,
    pk: String,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?.clone();
    let mut image = get_image(&state, &staff, &pk)?;
    let data = body.parse().await?;
    if let Some(v) = &data.non_object_json {
        return Err(expected_dictionary(v));
    }
    let mut f = Form::new(&data, true);
    let caption = f.string("caption", Some(255), false, true);
    let alt_text = f.string("alt_text", Some(255), false, true);
    let display_order = f.int("display_order", Some(0), false);
    let is_featured = f.bool("is_featured");
    f.finish()?;
    if let Some(v) = caption {
        image.caption = v;
    }
    if let Some(v) = alt_text {
        image.alt_text = v;
    }
    if let Some(v) = display_order {
        image.display_order = v;
    }
    if let Some(v) = is_featured {
        image.is_featured = v;
    }
    let db = state.db();
    db.execute(
        "UPDATE gallery_images SET caption = ?1, alt_text = ?2, display_order = ?3, is_featured = ?4 WHERE id = ?5",
        params![image.caption, image.alt_text, image.display_order, image.is_featured as i64, image.id],
    )?;
    state.log_write(
        json!({"resource": "gallery_images", "op": "update", "id": image.id, "fields": data.fields}),
    );
    Ok(Json(image.write_json()))
}

pub(crate) async fn image_update(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    image_save(state, caller, slug, pk, body).await
}

pub(crate) async fn image_destroy(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    let image = get_image(&state, staff, &pk)?;
    let (name, count) = {
        let db = state.db();
        db.execute("DELETE FROM gallery_images WHERE id = ?1", [image.id])?;
        let name: String = db.query_row(
            "SELECT name FROM galleries WHERE id = ?1",
            [image.gallery_id],
            |r| r.get(0),
        )?;
        (name, image_count(&db, image.gallery_id)?)
    };
    state.hub.publish(
        &hotel_channel(&staff.hotel_slug),
        "gallery-updated",
        &json!({"gallery_id": image.gallery_id, "gallery_name": name, "action": "image_removed", "image_count": count}),
    );
    Ok(StatusCode::NO_CONTENT)
}
