//! The page builder's view sets on the 2026 server (API.md §17.2–§17.5): one generic set of
//! list / create / retrieve / update / delete handlers over the models `crate::builder`
//! describes, with §17.1's permission (a `super_staff_admin` of the URL's hotel with the
//! `hotel_info` nav, or a superuser; reads too), the URL's hotel as the scope of every id in a
//! path, and ids in bodies **not** checked against it (§17.9 item 2). No write sends an event
//! (§17.9 item 7).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::Connection;
use serde_json::{json, Map, Value};

use super::{parse_pk, upload_field_error};
use crate::auth::Caller;
use crate::body::{RawBody, RequestData};
use crate::builder::public::row_json;
use crate::builder::{
    Kind, Stored, Ty, CARD, GALLERY, HERO, IMAGE, LIST, NEWS, PAGE, ROOMS, SECTION,
};
use crate::errors::ApiError;
use crate::pagination::{PageRequest, PAGE_SIZE};
use crate::state::AppState;
use crate::timefmt::now_drf;
use crate::validate::{expected_dictionary, Form, NULL, REQUIRED};

/// The hotel of `slug` if the caller may use the page builder there (§17.1), else DRF's 401 or
/// 403 (`404` for an unknown hotel).
pub(crate) fn editor(state: &AppState, caller: &Caller, slug: &str) -> Result<i64, ApiError> {
    let user = caller.require_user()?;
    let db = state.db();
    let staff = crate::people::by_user(&db, user.user_id)?;
    if !staff.is_some_and(|s| s.may_build_page(slug)) {
        return Err(ApiError::forbidden(
            "You do not have permission to perform this action.",
        ));
    }
    hotel_id(&db, slug)
}

/// The id of the hotel `slug` names.
pub(crate) fn hotel_id(db: &Connection, slug: &str) -> Result<i64, ApiError> {
    db.query_row("SELECT id FROM hotels WHERE slug = ?1", [slug], |r| {
        r.get(0)
    })
    .map_err(|_| ApiError::no_match("Hotel"))
}

/// A row of `kind` by the id in a path, if it belongs to `hotel`; DRF's 404 otherwise.
pub(crate) fn scoped(
    db: &Connection,
    kind: &Kind,
    hotel: i64,
    pk: &str,
) -> Result<Stored, ApiError> {
    let missing = || ApiError::no_match(kind.model);
    let row = kind
        .get(db, parse_pk(pk).ok_or_else(missing)?)?
        .ok_or_else(missing)?;
    if kind.hotel_of(db, &row)? != Some(hotel) {
        return Err(missing());
    }
    Ok(row)
}

/// The collection and item routes of one view set at `/api/staff/hotel/<slug>/<path>/`.
pub(crate) fn view_set(path: &str, kind: &'static Kind) -> Router<AppState> {
    let base = format!("/api/staff/hotel/{{hotel_slug}}/{path}/");
    Router::new()
        .route(
            &base,
            get(
                move |State(s): State<AppState>,
                      c: Caller,
                      Path(slug): Path<String>,
                      h: HeaderMap,
                      u: Uri| { list(kind, s, c, slug, h, u) },
            )
            .post(
                move |State(s): State<AppState>,
                      c: Caller,
                      Path(slug): Path<String>,
                      body: RawBody| { create(kind, s, c, slug, body) },
            ),
        )
        .route(
            &format!("{base}{{pk}}/"),
            get(
                move |State(s): State<AppState>, c: Caller, Path(p): Path<(String, String)>| {
                    retrieve(kind, s, c, p)
                },
            )
            .put(
                move |State(s): State<AppState>,
                      c: Caller,
                      Path(p): Path<(String, String)>,
                      body: RawBody| update(kind, s, c, p, body, false),
            )
            .patch(
                move |State(s): State<AppState>,
                      c: Caller,
                      Path(p): Path<(String, String)>,
                      body: RawBody| update(kind, s, c, p, body, true),
            )
            .delete(
                move |State(s): State<AppState>, c: Caller, Path(p): Path<(String, String)>| {
                    destroy(kind, s, c, p)
                },
            ),
        )
}

/// Every page-builder view set of §17.2–§17.6 and the image actions.
pub(crate) fn routes() -> Router<AppState> {
    const BASE: &str = "/api/staff/hotel/{hotel_slug}";
    Router::new()
        .merge(view_set("public-page", &PAGE))
        .merge(view_set("public-sections", &SECTION))
        .merge(view_set("hero-sections", &HERO))
        .merge(view_set("gallery-containers", &GALLERY))
        .merge(view_set("gallery-images", &IMAGE))
        .merge(view_set("list-containers", &LIST))
        .merge(view_set("cards", &CARD))
        .merge(view_set("news-items", &NEWS))
        .route(
            &format!("{BASE}/hero-sections/{{pk}}/upload-hero-image/"),
            post(
                |State(s): State<AppState>,
                 c: Caller,
                 Path(p): Path<(String, String)>,
                 b: RawBody| upload(&HERO, "hero_image", s, c, p, b),
            ),
        )
        .route(
            &format!("{BASE}/hero-sections/{{pk}}/upload-logo/"),
            post(
                |State(s): State<AppState>,
                 c: Caller,
                 Path(p): Path<(String, String)>,
                 b: RawBody| upload(&HERO, "hero_logo", s, c, p, b),
            ),
        )
        .route(
            &format!("{BASE}/cards/{{pk}}/upload-image/"),
            post(
                |State(s): State<AppState>,
                 c: Caller,
                 Path(p): Path<(String, String)>,
                 b: RawBody| upload(&CARD, "image", s, c, p, b),
            ),
        )
}

async fn list(
    kind: &'static Kind,
    state: AppState,
    caller: Caller,
    slug: String,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let hotel = editor(&state, &caller, &slug)?;
    let items = {
        let db = state.db();
        if std::ptr::eq(kind, &PAGE) {
            crate::builder::public::page_of(&db, hotel)?;
        }
        kind.of_hotel(&db, hotel)?
            .iter()
            .map(|row| row_json(&state, &db, kind, row))
            .collect::<rusqlite::Result<Vec<_>>>()?
    };
    // No list filters (§17.1): `?section=` and the like are ignored.
    Ok(Json(
        PageRequest::new(&headers, &uri, &state.base_url).paginate(items, PAGE_SIZE)?,
    ))
}

async fn retrieve(
    kind: &'static Kind,
    state: AppState,
    caller: Caller,
    (slug, pk): (String, String),
) -> Result<Json<Value>, ApiError> {
    let hotel = editor(&state, &caller, &slug)?;
    let db = state.db();
    let row = scoped(&db, kind, hotel, &pk)?;
    Ok(Json(row_json(&state, &db, kind, &row)?))
}

async fn create(
    kind: &'static Kind,
    state: AppState,
    caller: Caller,
    slug: String,
    body: RawBody,
) -> Result<Response, ApiError> {
    let hotel = editor(&state, &caller, &slug)?;
    let data = body.parse().await?;
    let files = stored_files(&state, kind, &data);
    let db = state.db();
    let row = save(&db, kind, hotel, None, &data, &files, false)?;
    state.log_write(
        json!({"resource": kind.table, "op": "create", "id": row.id, "fields": data.fields}),
    );
    Ok((
        StatusCode::CREATED,
        Json(row_json(&state, &db, kind, &row)?),
    )
        .into_response())
}

async fn update(
    kind: &'static Kind,
    state: AppState,
    caller: Caller,
    (slug, pk): (String, String),
    body: RawBody,
    partial: bool,
) -> Result<Json<Value>, ApiError> {
    let hotel = editor(&state, &caller, &slug)?;
    scoped(&state.db(), kind, hotel, &pk)?;
    let data = body.parse().await?;
    let files = stored_files(&state, kind, &data);
    let db = state.db();
    let current = scoped(&db, kind, hotel, &pk)?;
    let row = save(&db, kind, hotel, Some(current), &data, &files, partial)?;
    state.log_write(
        json!({"resource": kind.table, "op": "update", "id": row.id, "fields": data.fields}),
    );
    Ok(Json(row_json(&state, &db, kind, &row)?))
}

async fn destroy(
    kind: &'static Kind,
    state: AppState,
    caller: Caller,
    (slug, pk): (String, String),
) -> Result<StatusCode, ApiError> {
    let hotel = editor(&state, &caller, &slug)?;
    let db = state.db();
    let row = scoped(&db, kind, hotel, &pk)?;
    kind.delete(&db, row.id)?;
    state.log_write(json!({"resource": kind.table, "op": "delete", "id": row.id, "fields": {}}));
    Ok(StatusCode::NO_CONTENT)
}

/// `POST …/<id>/upload-…/`: multipart `image` into the raw field `field` → 200, the full row.
async fn upload(
    kind: &'static Kind,
    field: &'static str,
    state: AppState,
    caller: Caller,
    (slug, pk): (String, String),
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let hotel = editor(&state, &caller, &slug)?;
    scoped(&state.db(), kind, hotel, &pk)?;
    let data = body.parse().await?;
    let Some(file) = data.files.get("image") else {
        return Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            "No image file provided",
        ));
    };
    // No type or size check (§17.3); what the storage refuses raises inside the save: a 500.
    let path = crate::media::store_upload(&state, &file.bytes)
        .map_err(|e| ApiError::server_error(&format!("cloudinary refused the upload: {e}")))?;
    let db = state.db();
    let mut row = scoped(&db, kind, hotel, &pk)?;
    row.data.insert(field.into(), json!(path));
    row.data.insert("updated_at".into(), json!(now_drf()));
    kind.update(&db, &row)?;
    state.log_write(
        json!({"resource": kind.table, "op": "upload", "id": row.id, "fields": {"field": field}}),
    );
    Ok(Json(row_json(&state, &db, kind, &row)?))
}

/// The file parts of a body stored as images, by field (`Err`: not an image), before the
/// database is locked.
pub(crate) fn stored_files(
    state: &AppState,
    kind: &Kind,
    data: &RequestData,
) -> Map<String, Value> {
    let mut out = Map::new();
    for field in kind
        .fields
        .iter()
        .filter(|f| matches!(f.ty, Ty::Image { .. }))
    {
        if let Some(file) = data.files.get(field.name) {
            let stored = crate::media::store_upload(state, &file.bytes).ok();
            out.insert(
                field.name.into(),
                stored.map_or(Value::Bool(false), Value::from),
            );
        }
    }
    out
}

/// Runs the model's serializer over a body and keeps the row: `current` is `None` on create.
/// The parent id in the body is checked only to exist, in any hotel (§17.9 item 2); a
/// section's `hotel` is the URL's on create and moves it on update (§17.2).
pub(crate) fn save(
    db: &Connection,
    kind: &Kind,
    hotel: i64,
    current: Option<Stored>,
    data: &RequestData,
    files: &Map<String, Value>,
    partial: bool,
) -> Result<Stored, ApiError> {
    if let Some(v) = &data.non_object_json {
        return Err(expected_dictionary(v));
    }
    let creating = current.is_none();
    let mut f = Form::new(data, partial);
    let parent = parent_of(db, kind, &mut f);
    let mut fields = Map::new();
    for field in kind.fields {
        if let Some(value) = read_field(&mut f, data, files, field.name, field.ty, field.required) {
            fields.insert(field.name.into(), value);
        }
    }
    f.finish()?;
    let now = now_drf();
    let mut row = current.unwrap_or_else(|| Stored {
        id: 0,
        parent: 0,
        data: Map::new(),
    });
    if creating {
        for field in kind.fields {
            row.data.insert(field.name.into(), (field.default)());
        }
        row.data.insert("created_at".into(), json!(now));
        row.parent = if kind.parent.is_none() { hotel } else { 0 };
    }
    match parent {
        Some(id) if kind.parent.is_some() || !creating => row.parent = id,
        _ => {}
    }
    if on_rooms_section(db, kind, row.parent)? {
        // §17.9 item 3: the model's `clean()` raises Django's ValidationError, which DRF does
        // not turn into a 400.
        return Err(ApiError::server_error(
            "ValidationError: lists cannot be added to a rooms section",
        ));
    }
    row.data.extend(fields);
    row.data.insert(kind.parent_key.into(), json!(row.parent));
    row.data.insert("updated_at".into(), json!(now));
    if creating {
        row.id = kind.insert(db, row.parent, &row.data)?;
    } else {
        kind.update(db, &row)?;
    }
    Ok(row)
}

/// Whether a list's section (`parent` of a list) or a card's list's section (`parent` of a
/// card) is a rooms section (§17.5, §17.9 item 3).
fn on_rooms_section(db: &Connection, kind: &Kind, parent: i64) -> rusqlite::Result<bool> {
    let section = if std::ptr::eq(kind, &LIST) {
        Some(parent)
    } else if std::ptr::eq(kind, &CARD) {
        LIST.get(db, parent)?.map(|list| list.parent)
    } else {
        None
    };
    match section {
        Some(section) => Ok(!ROOMS.children_of(db, section)?.is_empty()),
        None => Ok(false),
    }
}

/// The parent id of a body, checked to exist (in any hotel); required on create.
fn parent_of(db: &Connection, kind: &Kind, f: &mut Form<'_>) -> Option<i64> {
    let key = kind.parent_key;
    let id = f.int(key, None, true)?;
    let exists = match kind.parent {
        Some(parent) => parent.get(db, id).ok().flatten().is_some(),
        None => db
            .query_row("SELECT 1 FROM hotels WHERE id = ?1", [id], |_| Ok(()))
            .is_ok(),
    };
    if !exists {
        f.fail(
            key,
            &format!("Invalid pk \"{id}\" - object does not exist."),
        );
        return None;
    }
    Some(id)
}

/// One field of a body as the serializer reads it; `None` when absent or invalid.
fn read_field(
    f: &mut Form<'_>,
    data: &RequestData,
    files: &Map<String, Value>,
    name: &str,
    ty: Ty,
    required: bool,
) -> Option<Value> {
    match ty {
        Ty::Text { max, blank } => f.string(name, max, required, blank).map(Value::from),
        Ty::Order => f.int(name, Some(0), false).map(Value::from),
        Ty::Bool => f.bool(name).map(Value::from),
        Ty::Date => f.date(name).map(|d| d.map_or(Value::Null, Value::from)),
        Ty::Id => match data.get(name)? {
            Value::Null => Some(Value::Null),
            _ => f.int(name, None, false).map(Value::from),
        },
        Ty::Style { nullable } => style(f, data, name, nullable),
        Ty::Image { nullable } => image(f, data, files, name, nullable, required),
    }
}

/// `style_variant`: a choice of 1–5 (§17.1).
fn style(f: &mut Form<'_>, data: &RequestData, name: &str, nullable: bool) -> Option<Value> {
    let value = data.get(name)?;
    if value.is_null() && nullable {
        return Some(Value::Null);
    }
    let text = match value {
        Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    };
    match text.parse::<i64>() {
        Ok(n) if (1..=5).contains(&n) => Some(Value::from(n)),
        _ => {
            f.fail(name, &format!("\"{text}\" is not a valid choice."));
            None
        }
    }
}

/// A raw image field (§17.1): a stored file part, JSON null to clear, a JSON string kept behind
/// `image/upload/` (a URL written there makes a broken image).
fn image(
    f: &mut Form<'_>,
    data: &RequestData,
    files: &Map<String, Value>,
    name: &str,
    nullable: bool,
    required: bool,
) -> Option<Value> {
    if let Some(stored) = files.get(name) {
        if stored.is_string() {
            return Some(stored.clone());
        }
        f.fail(name, upload_field_error());
        return None;
    }
    match data.get(name) {
        None if required && f.is_creating() => {
            f.fail(name, REQUIRED);
            None
        }
        None => None,
        Some(Value::Null) if nullable => Some(Value::Null),
        Some(Value::Null) => {
            f.fail(name, NULL);
            None
        }
        Some(Value::String(s)) if data.is_json => {
            Some(Value::from(if s.starts_with("image/upload/") {
                s.clone()
            } else {
                format!("image/upload/{s}")
            }))
        }
        Some(_) => {
            f.fail(
                name,
                "The submitted data was not a file. Check the encoding type on the form.",
            );
            None
        }
    }
}
