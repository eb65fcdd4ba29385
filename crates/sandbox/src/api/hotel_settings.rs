//! The 2026 backend's `HotelSettingsView` (API.md §10.2 and §10.3) at the path of the classic
//! public settings, `/api/staff/hotel/<slug>/settings/`: GET and PATCH only (a PUT is 405),
//! for the hotel's admins only (403 to regular staff). GET answers the hotel's own fields, its
//! images as full addresses (`hero_image`, `landing_page_image`, `logo`) and its theme colours;
//! a multipart PATCH of those file parts replaces the hotel's images. No Pusher event.

use axum::extract::{Path, State};
use axum::Json;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::settings::load_hotel;
use crate::auth::Caller;
use crate::body::RawBody;
use crate::errors::ApiError;
use crate::people::{self, Staff};
use crate::state::AppState;

/// The file parts a PATCH may carry.
const FILES: [&str; 3] = ["hero_image", "landing_page_image", "logo"];
/// Text fields a PATCH may change (the rest are read-only here).
const TEXTS: [&str; 4] = ["tagline", "short_description", "long_description", "phone"];
/// Theme colours, as the 2026 hotel carries them.
const COLOURS: [&str; 10] = [
    "main_color",
    "secondary_color",
    "background_color",
    "text_color",
    "border_color",
    "button_color",
    "button_text_color",
    "button_hover_color",
    "link_color",
    "link_hover_color",
];

/// The caller, when they are an admin of `slug` (`HasAdminSettingsNav`, `CanConfigureHotel`).
fn admin_of(state: &AppState, caller: &Caller, slug: &str) -> Result<Staff, ApiError> {
    let staff = caller.require_staff_of(slug)?;
    let staff =
        people::by_id(&state.db(), staff.staff_id)?.ok_or_else(|| ApiError::no_match("Staff"))?;
    if !staff.is_admin_2026() {
        return Err(ApiError::forbidden(
            "You do not have permission to perform this action.",
        ));
    }
    Ok(staff)
}

/// The text fields and colours a PATCH kept for `hotel_id` (beside the classic tables).
fn kept(db: &Connection, hotel_id: i64) -> rusqlite::Result<Map<String, Value>> {
    let data: Option<String> = db
        .query_row(
            "SELECT data FROM hotel_settings_2026 WHERE hotel_id = ?1",
            [hotel_id],
            |row| row.get(0),
        )
        .optional()?;
    Ok(data
        .and_then(|data| serde_json::from_str(&data).ok())
        .unwrap_or_default())
}

/// The 2026 settings object of the caller's hotel.
fn serialize(state: &AppState, staff: &Staff) -> Result<Value, ApiError> {
    let db = state.db();
    let hotel = load_hotel(&db, staff.hotel_id)?;
    let mut out = Map::new();
    out.insert("id".into(), json!(staff.hotel_id));
    out.insert("name".into(), json!(staff.hotel_name));
    out.insert("slug".into(), json!(staff.hotel_slug));
    out.insert("subdomain".into(), json!(staff.hotel_slug));
    out.insert("is_active".into(), json!(true));
    out.insert("sort_order".into(), json!(0));
    for (key, value) in &hotel.columns {
        if key == "latitude" || key == "longitude" {
            let number = value
                .as_str()
                .and_then(|s| s.parse::<f64>().ok())
                .map_or(Value::Null, |f| json!(f));
            out.insert(key.clone(), number);
        } else if !out.contains_key(key) {
            out.insert(key.clone(), value.clone());
        }
    }
    let extra: Map<String, Value> = kept(&db, staff.hotel_id)?;
    for key in TEXTS {
        let value = extra.get(key).cloned().or_else(|| out.get(key).cloned());
        out.insert(key.into(), value.unwrap_or(json!("")));
    }
    out.insert("hotel_type".into(), json!("hotel"));
    out.insert("tags".into(), json!([]));
    out.insert("default_cancellation_policy".into(), Value::Null);
    for (key, path) in [
        ("hero_image", &hotel.hero_image),
        ("landing_page_image", &hotel.landing_page_image),
        ("logo", &hotel.logo),
    ] {
        out.insert(key.into(), json!(state.media_url_opt(path.as_deref())));
    }
    for key in COLOURS {
        out.insert(key.into(), extra.get(key).cloned().unwrap_or(Value::Null));
    }
    Ok(Value::Object(out))
}

/// `GET …/settings/`: the 2026 view, or the classic one's (§4.1).
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if !serves(&state) {
        return super::settings::get_settings(State(state), caller, Path(slug)).await;
    }
    let staff = admin_of(&state, &caller, &slug)?;
    Ok(Json(serialize(&state, &staff)?))
}

/// `PUT …/settings/`: the 2026 view has none (405); the classic one replaces.
pub(crate) async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    if !serves(&state) {
        return super::settings::put_settings(State(state), caller, Path(slug), body).await;
    }
    caller.require_staff_of(&slug)?;
    Err(ApiError::method_not_allowed("PUT"))
}

/// `PATCH …/settings/`: on the 2026 view, file parts to the hotel and a few text fields kept,
/// no event; else the classic one's.
pub(crate) async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    if !serves(&state) {
        return super::settings::patch_settings(State(state), caller, Path(slug), body).await;
    }
    let staff = admin_of(&state, &caller, &slug)?;
    let data = body.parse().await?;
    for key in FILES {
        let Some(file) = data.files.get(key) else {
            continue;
        };
        super::settings::store_hotel_image(&state, staff.hotel_id, key, &file.bytes)?;
    }
    let texts: Map<String, Value> = TEXTS
        .iter()
        .filter_map(|key| {
            data.get(key)
                .filter(|v| v.is_string())
                .map(|v| ((*key).to_owned(), v.clone()))
        })
        .collect();
    if !texts.is_empty() {
        let db = state.db();
        let mut kept: Map<String, Value> = kept(&db, staff.hotel_id)?;
        kept.extend(texts);
        db.execute(
            "INSERT INTO hotel_settings_2026 (hotel_id, data) VALUES (?1, ?2)
             ON CONFLICT(hotel_id) DO UPDATE SET data = excluded.data",
            params![staff.hotel_id, Value::Object(kept).to_string()],
        )?;
    }
    Ok(Json(serialize(&state, &staff)?))
}

/// Whether a request to the settings path is the 2026 view's.
fn serves(state: &AppState) -> bool {
    state.generation == crate::Generation::Hotelmate2026
}
