//! Room types (API.md §6): `StaffRoomTypeViewSet` CRUD (no events) and `upload-image`, whose blanket
//! `try/except` turns an unknown id into a 500 and whose event fires only for a file upload.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Value};

use super::{hotel_channel, parse_pk, upload_field_error};
use crate::auth::{Caller, StaffRef};
use crate::body::{RawBody, RequestData};
use crate::errors::ApiError;
use crate::media;
use crate::pagination::{PageRequest, PAGE_SIZE};
use crate::state::AppState;
use crate::validate::{expected_dictionary, Form};

const COLS: &str = "id, code, name, short_description, max_occupancy, bed_setup, photo, starting_price_from, currency,
    booking_code, booking_url, availability_message, sort_order, is_active";

#[derive(Debug, Clone)]
struct RoomType {
    id: i64,
    code: String,
    name: String,
    short_description: String,
    max_occupancy: i64,
    bed_setup: String,
    photo: Option<String>,
    starting_price_from: String,
    currency: String,
    booking_code: String,
    booking_url: String,
    availability_message: String,
    sort_order: i64,
    is_active: bool,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<RoomType> {
    Ok(RoomType {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        short_description: r.get(3)?,
        max_occupancy: r.get(4)?,
        bed_setup: r.get(5)?,
        photo: r.get(6)?,
        starting_price_from: r.get(7)?,
        currency: r.get(8)?,
        booking_code: r.get(9)?,
        booking_url: r.get(10)?,
        availability_message: r.get(11)?,
        sort_order: r.get(12)?,
        is_active: r.get::<_, i64>(13)? != 0,
    })
}

impl RoomType {
    fn to_json(&self, state: &AppState) -> Value {
        json!({
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "short_description": self.short_description,
            "max_occupancy": self.max_occupancy,
            "bed_setup": self.bed_setup,
            "photo": self.photo,
            "photo_url": state.media_url_opt(self.photo.as_deref()),
            "starting_price_from": self.starting_price_from,
            "currency": self.currency,
            "booking_code": self.booking_code,
            "booking_url": self.booking_url,
            "availability_message": self.availability_message,
            "sort_order": self.sort_order,
            "is_active": self.is_active,
        })
    }
}

/// Active room types in the public page's shape.
pub(crate) fn public_list(
    state: &AppState,
    db: &Connection,
    hotel_id: i64,
) -> rusqlite::Result<Vec<Value>> {
    let mut stmt = db.prepare(&format!(
        "SELECT {COLS} FROM room_types WHERE hotel_id = ?1 AND is_active = 1 ORDER BY sort_order, name, id"
    ))?;
    let rows = stmt.query_map([hotel_id], from_row)?;
    rows.map(|r| {
        r.map(|t| {
            json!({
                "id": t.id, "code": t.code, "name": t.name, "short_description": t.short_description,
                "max_occupancy": t.max_occupancy, "bed_setup": t.bed_setup,
                "photo_url": state.media_url_opt(t.photo.as_deref()),
                "starting_price_from": t.starting_price_from, "currency": t.currency, "booking_code": t.booking_code,
                "booking_url": t.booking_url, "availability_message": t.availability_message,
            })
        })
    })
    .collect()
}

fn get_row(db: &Connection, hotel_id: i64, id: i64) -> rusqlite::Result<Option<RoomType>> {
    db.query_row(
        &format!("SELECT {COLS} FROM room_types WHERE hotel_id = ?1 AND id = ?2"),
        params![hotel_id, id],
        from_row,
    )
    .optional()
}

fn get_object(state: &AppState, staff: &StaffRef, pk: &str) -> Result<RoomType, ApiError> {
    let id = parse_pk(pk).ok_or_else(|| ApiError::no_match("RoomType"))?;
    get_row(&state.db(), staff.hotel_id, id)?.ok_or_else(|| ApiError::no_match("RoomType"))
}

pub(crate) async fn list(
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
            "SELECT {COLS} FROM room_types WHERE hotel_id = ?1 ORDER BY sort_order, name, id"
        ))?;
        let rows = stmt.query_map([staff.hotel_id], from_row)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    Ok(Json(
        PageRequest::new(&headers, &uri, &state.base_url)
            .paginate_rows(&rows, PAGE_SIZE, |t| t.to_json(&state))?,
    ))
}

pub(crate) async fn retrieve(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    Ok(Json(get_object(&state, staff, &pk)?.to_json(&state)))
}

fn apply(
    state: &AppState,
    data: &RequestData,
    partial: bool,
    t: &mut RoomType,
) -> Result<(), ApiError> {
    if let Some(v) = &data.non_object_json {
        return Err(expected_dictionary(v));
    }
    let mut f = Form::new(data, partial);
    if let Some(v) = f.string("code", Some(50), false, true) {
        t.code = v;
    }
    if let Some(v) = f.string("name", Some(200), true, false) {
        t.name = v;
    }
    if let Some(v) = f.string("short_description", None, false, true) {
        t.short_description = v;
    }
    if let Some(v) = f.int("max_occupancy", Some(0), false) {
        t.max_occupancy = v;
    }
    if let Some(v) = f.string("bed_setup", Some(100), false, true) {
        t.bed_setup = v;
    }
    if let Some(v) = f.decimal("starting_price_from", 10, 2, true) {
        t.starting_price_from = v;
    }
    if let Some(v) = f.string("currency", Some(3), false, false) {
        t.currency = v;
    }
    if let Some(v) = f.string("booking_code", Some(50), false, true) {
        t.booking_code = v;
    }
    if let Some(v) = f.url("booking_url", true) {
        t.booking_url = v;
    }
    if let Some(v) = f.string("availability_message", Some(100), false, true) {
        t.availability_message = v;
    }
    if let Some(v) = f.int("sort_order", Some(0), false) {
        t.sort_order = v;
    }
    if let Some(v) = f.bool("is_active") {
        t.is_active = v;
    }
    if let Some(file) = data.files.get("photo") {
        match media::store_upload(state, &file.bytes) {
            Ok(p) => t.photo = Some(p),
            Err(_) => f.fail("photo", upload_field_error()),
        }
    } else if let Some(v) = data.get("photo") {
        t.photo = v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    }
    f.finish()
}

fn save(db: &Connection, hotel_id: i64, t: &RoomType) -> rusqlite::Result<i64> {
    let p = params![
        hotel_id,
        t.code,
        t.name,
        t.short_description,
        t.max_occupancy,
        t.bed_setup,
        t.photo,
        t.starting_price_from,
        t.currency,
        t.booking_code,
        t.booking_url,
        t.availability_message,
        t.sort_order,
        t.is_active as i64
    ];
    if t.id == 0 {
        db.execute(
            "INSERT INTO room_types (hotel_id, code, name, short_description, max_occupancy, bed_setup, photo,
                starting_price_from, currency, booking_code, booking_url, availability_message, sort_order, is_active)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            p,
        )?;
        Ok(db.last_insert_rowid())
    } else {
        db.execute(
            &format!(
                "UPDATE room_types SET code=?2, name=?3, short_description=?4, max_occupancy=?5, bed_setup=?6, photo=?7,
                    starting_price_from=?8, currency=?9, booking_code=?10, booking_url=?11, availability_message=?12,
                    sort_order=?13, is_active=?14 WHERE hotel_id=?1 AND id={}",
                t.id
            ),
            p,
        )?;
        Ok(t.id)
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let staff = caller.require_staff_of(&slug)?.clone();
    let data = body.parse().await?;
    let mut t = RoomType {
        id: 0,
        code: String::new(),
        name: String::new(),
        short_description: String::new(),
        max_occupancy: 2,
        bed_setup: String::new(),
        photo: None,
        starting_price_from: String::new(),
        currency: "EUR".into(),
        booking_code: String::new(),
        booking_url: String::new(),
        availability_message: String::new(),
        sort_order: 0,
        is_active: true,
    };
    apply(&state, &data, false, &mut t)?;
    {
        // Noted under the database's lock: the log keeps the order the writes were made in.
        let db = state.db();
        t.id = save(&db, staff.hotel_id, &t)?;
        state.log_write(
            json!({"resource": "room_types", "op": "create", "id": t.id, "fields": data.fields}),
        );
    }
    Ok((StatusCode::CREATED, Json(t.to_json(&state))).into_response())
}

async fn update_common(
    state: AppState,
    caller: Caller,
    slug: String,
    pk: String,
    body: RawBody,
    partial: bool,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?.clone();
    let mut t = get_object(&state, &staff, &pk)?;
    let data = body.parse().await?;
    apply(&state, &data, partial, &mut t)?;
    {
        let db = state.db();
        save(&db, staff.hotel_id, &t)?;
        state.log_write(
            json!({"resource": "room_types", "op": "update", "id": t.id, "fields": data.fields}),
        );
    }
    Ok(Json(t.to_json(&state)))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    update_common(state, caller, slug, pk, body, false).await
}

pub(crate) async fn partial_update(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    update_common(state, caller, slug, pk, body, true).await
}

pub(crate) async fn destroy(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    let t = get_object(&state, staff, &pk)?;
    let db = state.db();
    db.execute("DELETE FROM room_types WHERE id = ?1", [t.id])?;
    state.log_write(json!({"resource": "room_types", "op": "delete", "id": t.id, "fields": {}}));
    Ok(StatusCode::NO_CONTENT)
}

/// `POST …/room-types/<id>/upload-image/` (§6.2).
pub(crate) async fn upload_image(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?.clone();
    let server_error = |m: String| ApiError::error(StatusCode::INTERNAL_SERVER_ERROR, &m);
    // get_object() runs inside the view's blanket try/except: its 404 comes out as a 500.
    let mut t = get_object(&state, &staff, &pk)
        .map_err(|_| server_error("Request failed: No RoomType matches the given query.".into()))?;
    let data = body.parse().await?;
    if let Some(file) = data.files.get("photo") {
        let path = media::store_upload(&state, &file.bytes)
            .map_err(|e| server_error(format!("Upload failed: {e}")))?;
        t.photo = Some(path.clone());
        save(&state.db(), staff.hotel_id, &t)
            .map_err(|e| server_error(format!("Save failed: {e}")))?;
        let url = state.media_url(&path);
        state.hub.publish(
            &hotel_channel(&staff.hotel_slug),
            "room-type-image-updated",
            &json!({"room_type_id": t.id, "photo_url": url, "timestamp": null}),
        );
        return Ok(Json(
            json!({"message": "Image uploaded successfully", "photo_url": url}),
        ));
    }
    match data.get("photo_url") {
        Some(v) => {
            let url = v.as_str().map(str::trim).unwrap_or("");
            if url.is_empty() {
                return Err(ApiError::error(
                    StatusCode::BAD_REQUEST,
                    "photo_url cannot be empty",
                ));
            }
            t.photo = Some(url.to_string());
            save(&state.db(), staff.hotel_id, &t)
                .map_err(|e| server_error(format!("Save failed: {e}")))?;
            Ok(Json(
                json!({"message": "Image URL saved successfully", "photo_url": url}),
            ))
        }
        None => Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            "Please provide either a photo file or photo_url",
        )),
    }
}
