//! Offers (API.md §3): `StaffOfferViewSet` CRUD, `upload-image`, and the offer events of §9.2, each followed by
//! `offers-updated {"action": "sync"}`. The write functions are shared with the simulator.

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
use crate::timefmt::now_drf;
use crate::validate::{expected_dictionary, Form};

const COLUMNS: &str =
    "id, title, short_description, details_text, details_html, valid_from, valid_to, tag,
    book_now_url, photo, sort_order, is_active, created_at";

/// One offer row.
#[derive(Debug, Clone)]
pub(crate) struct Offer {
    pub id: i64,
    pub title: String,
    short_description: String,
    details_text: String,
    details_html: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
    tag: String,
    book_now_url: String,
    photo: Option<String>,
    sort_order: i64,
    is_active: bool,
    created_at: String,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Offer> {
    Ok(Offer {
        id: r.get(0)?,
        title: r.get(1)?,
        short_description: r.get(2)?,
        details_text: r.get(3)?,
        details_html: r.get(4)?,
        valid_from: r.get(5)?,
        valid_to: r.get(6)?,
        tag: r.get(7)?,
        book_now_url: r.get(8)?,
        photo: r.get(9)?,
        sort_order: r.get(10)?,
        is_active: r.get::<_, i64>(11)? != 0,
        created_at: r.get(12)?,
    })
}

impl Offer {
    pub(crate) fn is_active(&self) -> bool {
        self.is_active
    }

    /// `OfferSerializer` of the public page: exactly these nine keys.
    pub(crate) fn public_json(&self, state: &AppState) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "short_description": self.short_description,
            "details_html": self.details_html,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "tag": self.tag,
            "book_now_url": self.book_now_url,
            "photo_url": state.media_url_opt(self.photo.as_deref()),
        })
    }

    /// `OfferStaffSerializer`.
    pub(crate) fn to_json(&self, state: &AppState) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "short_description": self.short_description,
            "details_text": self.details_text,
            "details_html": self.details_html,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "tag": self.tag,
            "book_now_url": self.book_now_url,
            "photo": self.photo,
            "photo_url": state.media_url_opt(self.photo.as_deref()),
            "sort_order": self.sort_order,
            "is_active": self.is_active,
            "created_at": self.created_at,
        })
    }
}

/// The hotel's offers in model order: `sort_order`, then newest first.
pub(crate) fn list_rows(db: &Connection, hotel_id: i64) -> rusqlite::Result<Vec<Offer>> {
    page_rows(db, hotel_id, 0, i64::MAX)
}

/// `limit` of the hotel's offers from `offset`, in model order.
fn page_rows(
    db: &Connection,
    hotel_id: i64,
    offset: i64,
    limit: i64,
) -> rusqlite::Result<Vec<Offer>> {
    let mut stmt = db.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM offers WHERE hotel_id = ?1
         ORDER BY sort_order ASC, created_at DESC, id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt.query_map(params![hotel_id, limit, offset], from_row)?;
    rows.collect()
}

fn get_row(db: &Connection, hotel_id: i64, id: i64) -> rusqlite::Result<Option<Offer>> {
    db.query_row(
        &format!("SELECT {COLUMNS} FROM offers WHERE hotel_id = ?1 AND id = ?2"),
        params![hotel_id, id],
        from_row,
    )
    .optional()
}

/// `get_object()` within the caller's hotel.
fn get_object(state: &AppState, staff: &StaffRef, pk: &str) -> Result<Offer, ApiError> {
    let id = parse_pk(pk).ok_or_else(|| ApiError::no_match("Offer"))?;
    get_row(&state.db(), staff.hotel_id, id)?.ok_or_else(|| ApiError::no_match("Offer"))
}

fn publish_with_sync(state: &AppState, slug: &str, event: &str, payload: Value) {
    let channel = hotel_channel(slug);
    state.hub.publish(&channel, event, &payload);
    state
        .hub
        .publish(&channel, "offers-updated", &json!({"action": "sync"}));
}

/// Validated writable fields; `None` = not sent.
#[derive(Default)]
struct Changes {
    title: Option<String>,
    short_description: Option<String>,
    details_text: Option<String>,
    details_html: Option<String>,
    valid_from: Option<Option<String>>,
    valid_to: Option<Option<String>>,
    tag: Option<String>,
    book_now_url: Option<String>,
    photo: Option<Option<String>>,
    sort_order: Option<i64>,
    is_active: Option<bool>,
}

fn validate(state: &AppState, data: &RequestData, partial: bool) -> Result<Changes, ApiError> {
    if let Some(v) = &data.non_object_json {
        return Err(expected_dictionary(v));
    }
    let mut f = Form::new(data, partial);
    let mut c = Changes {
        title: f.string("title", Some(200), true, false),
        short_description: f.string("short_description", None, true, false),
        details_text: f.string("details_text", None, false, true),
        details_html: f.string("details_html", None, false, true),
        valid_from: f.date("valid_from"),
        valid_to: f.date("valid_to"),
        tag: f.string("tag", Some(50), false, true),
        book_now_url: f.url("book_now_url", true),
        sort_order: f.int("sort_order", Some(0), false),
        is_active: f.bool("is_active"),
        photo: None,
    };
    if let Some(file) = data.files.get("photo") {
        match media::store_upload(state, &file.bytes) {
            Ok(path) => c.photo = Some(Some(path)),
            Err(_) => f.fail("photo", upload_field_error()),
        }
    } else if let Some(v) = data.get("photo") {
        c.photo = match v {
            Value::Null => Some(None),
            Value::String(s) if s.trim().is_empty() => Some(None),
            Value::String(s) => Some(Some(s.trim().to_string())),
            _ => {
                f.fail("photo", "Not a valid string.");
                None
            }
        };
    }
    f.finish()?;
    Ok(c)
}

fn insert(db: &Connection, hotel_id: i64, c: Changes) -> rusqlite::Result<i64> {
    db.execute(
        "INSERT INTO offers (hotel_id, title, short_description, details_text, details_html, valid_from, valid_to, tag,
            book_now_url, photo, sort_order, is_active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            hotel_id,
            c.title.unwrap_or_default(),
            c.short_description.unwrap_or_default(),
            c.details_text.unwrap_or_default(),
            c.details_html.unwrap_or_default(),
            c.valid_from.flatten(),
            c.valid_to.flatten(),
            c.tag.unwrap_or_default(),
            c.book_now_url.unwrap_or_default(),
            c.photo.flatten(),
            c.sort_order.unwrap_or(0),
            c.is_active.unwrap_or(true) as i64,
            now_drf(),
        ],
    )?;
    Ok(db.last_insert_rowid())
}

fn apply(db: &Connection, o: &mut Offer, c: Changes) -> rusqlite::Result<()> {
    if let Some(v) = c.title {
        o.title = v;
    }
    if let Some(v) = c.short_description {
        o.short_description = v;
    }
    if let Some(v) = c.details_text {
        o.details_text = v;
    }
    if let Some(v) = c.details_html {
        o.details_html = v;
    }
    if let Some(v) = c.valid_from {
        o.valid_from = v;
    }
    if let Some(v) = c.valid_to {
        o.valid_to = v;
    }
    if let Some(v) = c.tag {
        o.tag = v;
    }
    if let Some(v) = c.book_now_url {
        o.book_now_url = v;
    }
    if let Some(v) = c.photo {
        o.photo = v;
    }
    if let Some(v) = c.sort_order {
        o.sort_order = v;
    }
    if let Some(v) = c.is_active {
        o.is_active = v;
    }
    db.execute(
        "UPDATE offers SET title=?1, short_description=?2, details_text=?3, details_html=?4, valid_from=?5, valid_to=?6,
            tag=?7, book_now_url=?8, photo=?9, sort_order=?10, is_active=?11 WHERE id=?12",
        params![o.title, o.short_description, o.details_text, o.details_html, o.valid_from, o.valid_to, o.tag,
            o.book_now_url, o.photo, o.sort_order, o.is_active as i64, o.id],
    )?;
    Ok(())
}

/// `perform_create` + `offer-created`.
pub(crate) fn create_offer(
    state: &AppState,
    staff: &StaffRef,
    data: &RequestData,
) -> Result<Value, ApiError> {
    let changes = validate(state, data, false)?;
    let offer = {
        let db = state.db();
        let id = insert(&db, staff.hotel_id, changes)?;
        get_row(&db, staff.hotel_id, id)?.ok_or_else(|| ApiError::no_match("Offer"))?
    };
    let body = offer.to_json(state);
    publish_with_sync(
        state,
        &staff.hotel_slug,
        "offer-created",
        json!({"action": "created", "offer": body}),
    );
    Ok(body)
}

/// `perform_update` + `offer-updated` (PUT when `partial` is false).
pub(crate) fn update_offer(
    state: &AppState,
    staff: &StaffRef,
    offer_id: i64,
    data: &RequestData,
    partial: bool,
) -> Result<Value, ApiError> {
    let mut offer = get_object(state, staff, &offer_id.to_string())?;
    let changes = validate(state, data, partial)?;
    apply(&state.db(), &mut offer, changes)?;
    let body = offer.to_json(state);
    publish_with_sync(
        state,
        &staff.hotel_slug,
        "offer-updated",
        json!({"action": "updated", "offer": body}),
    );
    Ok(body)
}

pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    let count: i64 = state
        .db()
        .prepare_cached("SELECT COUNT(*) FROM offers WHERE hotel_id = ?1")?
        .query_row([staff.hotel_id], |r| r.get(0))?;
    let page = PageRequest::new(&headers, &uri, &state.base_url);
    let count = usize::try_from(count).unwrap_or_default();
    Ok(Json(page.paginate_query(
        count,
        PAGE_SIZE,
        |offset, limit| {
            let rows = page_rows(
                &state.db(),
                staff.hotel_id,
                i64::try_from(offset).unwrap_or(i64::MAX),
                i64::try_from(limit).unwrap_or(i64::MAX),
            )?;
            Ok(rows.iter().map(|o| o.to_json(&state)).collect())
        },
    )?))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let staff = caller.require_staff_of(&slug)?.clone();
    let data = body.parse().await?;
    let created = create_offer(&state, &staff, &data)?;
    state.log_write(json!({"op": "create", "id": created["id"], "fields": data.fields}));
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

pub(crate) async fn retrieve(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    Ok(Json(get_object(&state, staff, &pk)?.to_json(&state)))
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
    let offer = get_object(&state, &staff, &pk)?;
    let data = body.parse().await?;
    let updated = update_offer(&state, &staff, offer.id, &data, partial)?;
    state.log_write(json!({"op": "update", "id": offer.id, "fields": data.fields}));
    Ok(Json(updated))
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
    let offer = get_object(&state, staff, &pk)?;
    state
        .db()
        .execute("DELETE FROM offers WHERE id = ?1", [offer.id])?;
    state.log_write(json!({"op": "delete", "id": offer.id, "fields": {}}));
    publish_with_sync(
        &state,
        &staff.hotel_slug,
        "offer-deleted",
        json!({"action": "deleted", "offer_id": offer.id, "offer_title": offer.title}),
    );
    Ok(StatusCode::NO_CONTENT)
}

/// `POST …/offers/<id>/upload-image/` (§3.2).
pub(crate) async fn upload_image(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?.clone();
    let mut offer = get_object(&state, &staff, &pk)?;
    let data = body.parse().await?;
    let Some(file) = data.files.get("photo") else {
        return Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            "No photo file provided",
        ));
    };
    let path = media::store_upload(&state, &file.bytes).map_err(|e| {
        ApiError::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("Upload failed: {e}"),
        )
    })?;
    apply(
        &state.db(),
        &mut offer,
        Changes {
            photo: Some(Some(path.clone())),
            ..Changes::default()
        },
    )?;
    let photo_url = state.media_url(&path);
    publish_with_sync(
        &state,
        &staff.hotel_slug,
        "offer-image-updated",
        json!({"action": "image-updated", "offer_id": offer.id, "offer_title": offer.title, "photo_url": photo_url}),
    );
    Ok(Json(
        json!({"message": "Image uploaded", "photo_url": photo_url}),
    ))
}
