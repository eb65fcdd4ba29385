//! Hotel public settings (API.md §4.1): `GET | PUT | PATCH /api/staff/hotel/<slug>/settings/`, with the file parts
//! `hero_image`, `landing_page_image` and `logo` written to the Hotel first, the "200 even when the text fields
//! fail" rule, and `settings-updated` after every successful write.

use axum::extract::{Path, State};
use axum::Json;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::galleries::all_galleries_json;
use super::hotel_channel;
use crate::auth::{Caller, StaffRef};
use crate::body::{RawBody, RequestData};
use crate::errors::ApiError;
use crate::media;
use crate::state::AppState;
use crate::timefmt::now_drf;
use crate::validate::{expected_dictionary, Form};

/// (key of the override/display pair, Hotel column).
const PAIRS: &[(&str, &str)] = &[
    ("name", "name"),
    ("tagline", "tagline"),
    ("city", "city"),
    ("country", "country"),
    ("address_line_1", "address_line_1"),
    ("address_line_2", "address_line_2"),
    ("postal_code", "postal_code"),
    ("phone", "phone"),
    ("email", "email"),
    ("website_url", "website_url"),
    ("booking_url", "booking_url"),
];
const COLOURS: &[&str] = &[
    "primary_color",
    "secondary_color",
    "accent_color",
    "background_color",
    "button_color",
    "button_text_color",
    "button_hover_color",
    "text_color",
    "border_color",
    "link_color",
    "link_hover_color",
];
const TEXTS: &[&str] = &[
    "short_description",
    "long_description",
    "welcome_message",
    "contact_email",
    "contact_phone",
    "contact_address",
    "website",
    "google_maps_link",
    "favicon",
    "slogan",
];
const HOTEL_FILES: &[&str] = &["hero_image", "landing_page_image", "logo"];

/// The Hotel fields settings fall back to.
pub(crate) struct Hotel {
    pub columns: Map<String, Value>,
    pub hero_image: Option<String>,
    pub landing_page_image: Option<String>,
    pub logo: Option<String>,
}

pub(crate) fn load_hotel(db: &Connection, hotel_id: i64) -> rusqlite::Result<Hotel> {
    let cols: Vec<&str> = PAIRS.iter().map(|(_, c)| *c).collect();
    let sql = format!(
        "SELECT {}, latitude, longitude, hero_image, landing_page_image, logo FROM hotels WHERE id = ?1",
        cols.join(", ")
    );
    db.query_row(&sql, [hotel_id], |r| {
        let mut columns = Map::new();
        for (i, c) in cols.iter().enumerate() {
            columns.insert((*c).to_string(), Value::String(r.get::<_, String>(i)?));
        }
        let n = cols.len();
        columns.insert("latitude".into(), json!(r.get::<_, Option<String>>(n)?));
        columns.insert(
            "longitude".into(),
            json!(r.get::<_, Option<String>>(n + 1)?),
        );
        Ok(Hotel {
            columns,
            hero_image: r.get(n + 2)?,
            landing_page_image: r.get(n + 3)?,
            logo: r.get(n + 4)?,
        })
    })
}

/// `get_or_create` of the settings row.
pub(crate) fn load_settings(
    db: &Connection,
    hotel_id: i64,
) -> rusqlite::Result<(Map<String, Value>, String)> {
    let row: Option<(String, String)> = db
        .query_row(
            "SELECT data, updated_at FROM public_settings WHERE hotel_id = ?1",
            [hotel_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        Some((data, updated)) => Ok((serde_json::from_str(&data).unwrap_or_default(), updated)),
        None => {
            let data = crate::seed::default_settings(false);
            let updated = now_drf();
            db.execute(
                "INSERT INTO public_settings (hotel_id, data, updated_at) VALUES (?1, ?2, ?3)",
                params![hotel_id, data.to_string(), updated],
            )?;
            Ok((data.as_object().cloned().unwrap_or_default(), updated))
        }
    }
}

fn decimal_number(v: &Value) -> Value {
    v.as_str()
        .and_then(|s| s.parse::<f64>().ok())
        .map_or(Value::Null, |f| json!(f))
}

/// `HotelPublicSettingsStaffSerializer`.
fn serialize(state: &AppState, db: &Connection, staff: &StaffRef) -> rusqlite::Result<Value> {
    let hotel = load_hotel(db, staff.hotel_id)?;
    let (data, updated_at) = load_settings(db, staff.hotel_id)?;
    let get = |k: &str| data.get(k).cloned().unwrap_or(Value::Null);
    let mut out = Map::new();
    for (key, col) in PAIRS {
        let over = get(&format!("{key}_override"));
        let display = match &over {
            Value::String(s) if !s.is_empty() => over.clone(),
            _ => hotel.columns.get(*col).cloned().unwrap_or(Value::Null),
        };
        out.insert(format!("{key}_override"), over);
        out.insert(format!("{key}_display"), display);
    }
    for key in ["latitude", "longitude"] {
        let over = get(&format!("{key}_override"));
        let display = if over.is_null() {
            decimal_number(hotel.columns.get(key).unwrap_or(&Value::Null))
        } else {
            decimal_number(&over)
        };
        out.insert(format!("{key}_override"), over);
        out.insert(format!("{key}_display"), display);
    }
    for key in TEXTS.iter().chain(COLOURS) {
        out.insert((*key).to_string(), get(key));
    }
    out.insert("amenities".into(), get("amenities"));
    out.insert("theme_mode".into(), get("theme_mode"));
    for (key, hotel_image) in [
        ("hero_image", &hotel.hero_image),
        ("landing_page_image", &hotel.landing_page_image),
    ] {
        let own = get(key);
        let own_url = state.media_url_opt(own.as_str());
        let display = own_url
            .clone()
            .or_else(|| state.media_url_opt(hotel_image.as_deref()));
        out.insert(key.to_string(), own);
        out.insert(format!("{key}_url"), json!(own_url));
        out.insert(format!("{key}_display"), json!(display));
    }
    let logo = get("logo");
    let logo_display = match logo.as_str() {
        Some(s) if !s.is_empty() => Some(s.to_string()),
        _ => state.media_url_opt(hotel.logo.as_deref()),
    };
    out.insert("logo".into(), if logo.is_null() { json!("") } else { logo });
    out.insert("logo_display".into(), json!(logo_display));
    out.insert(
        "galleries".into(),
        Value::Array(all_galleries_json(
            state,
            db,
            staff.hotel_id,
            &staff.hotel_slug,
        )?),
    );
    out.insert("updated_at".into(), Value::String(updated_at));
    Ok(Value::Object(out))
}

/// The `settings-updated` payload (§9.2): the image keys carry URLs.
fn event_payload(full: &Value) -> Value {
    let mut p = full.clone();
    if let Some(o) = p.as_object_mut() {
        for k in ["hero_image", "landing_page_image"] {
            let url = o.get(&format!("{k}_url")).cloned().unwrap_or(Value::Null);
            o.insert(k.to_string(), url);
        }
        let logo = o.get("logo_display").cloned().unwrap_or(Value::Null);
        o.insert("logo".into(), logo);
    }
    p
}

pub(crate) async fn get_settings(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    Ok(Json(serialize(&state, &state.db(), staff)?))
}

/// Runs the settings serializer over `request.data`; files that are images become storage paths.
fn validate(
    data: &RequestData,
    partial: bool,
    stored_files: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut f = Form::new(data, partial);
    let mut changes = Map::new();
    for (key, _) in PAIRS {
        let k = format!("{key}_override");
        if let Some(v) = f.text(&k, Some(255), false, true, true) {
            changes.insert(k, json!(v));
        }
    }
    for key in ["latitude_override", "longitude_override"] {
        match data.get(key) {
            Some(Value::Null) => {
                changes.insert(key.into(), Value::Null);
            }
            Some(Value::String(s)) if s.is_empty() => {
                changes.insert(key.into(), Value::Null);
            }
            Some(_) => {
                if let Some(d) = f.decimal(key, 9, 6, false) {
                    changes.insert(key.into(), Value::String(d));
                }
            }
            None => {}
        }
    }
    validate_look(&mut f, &mut changes);
    match data.get("amenities") {
        Some(Value::String(s)) if !data.is_json => match serde_json::from_str::<Value>(s) {
            Ok(v) => {
                changes.insert("amenities".into(), v);
            }
            Err(_) => f.fail("amenities", "Value must be valid JSON."),
        },
        Some(v) => {
            changes.insert("amenities".into(), v.clone());
        }
        None => {}
    }
    validate_images(&mut f, &mut changes, data, stored_files);
    f.finish()?;
    Ok(changes)
}

/// The texts, colours and theme of the hotel's look.
fn validate_look(f: &mut Form<'_>, changes: &mut Map<String, Value>) {
    for key in TEXTS {
        if let Some(v) = f.string(key, None, false, true) {
            changes.insert((*key).to_string(), Value::String(v));
        }
    }
    for key in COLOURS {
        if let Some(v) = f.string(key, Some(7), false, true) {
            let ok =
                v.len() == 7 && v.starts_with('#') && v[1..].chars().all(|c| c.is_ascii_hexdigit());
            if ok {
                changes.insert((*key).to_string(), Value::String(v));
            } else {
                f.fail(
                    key,
                    &format!("{key} must be a valid HEX color (e.g., #3B82F6)"),
                );
            }
        }
    }
    if let Some(v) = f.string("theme_mode", None, false, false) {
        if ["light", "dark", "custom"].contains(&v.as_str()) {
            changes.insert("theme_mode".into(), Value::String(v));
        } else {
            f.fail("theme_mode", &format!("\"{v}\" is not a valid choice."));
        }
    }
}

/// The hero and landing-page images (a stored upload, an address or none) and the logo's
/// address (a file never validates there).
fn validate_images(
    f: &mut Form<'_>,
    changes: &mut Map<String, Value>,
    data: &RequestData,
    stored_files: &Map<String, Value>,
) {
    for key in ["hero_image", "landing_page_image"] {
        if let Some(path) = stored_files.get(key) {
            changes.insert(key.into(), path.clone());
        } else if let Some(v) = data.get(key) {
            match v {
                Value::Null => {
                    changes.insert(key.into(), Value::Null);
                }
                Value::String(s) if s.is_empty() => {
                    changes.insert(key.into(), Value::Null);
                }
                Value::String(s) => {
                    changes.insert(key.into(), Value::String(s.clone()));
                }
                _ => f.fail(key, "Not a valid string."),
            }
        }
    }
    if data.files.contains_key("logo") {
        // The settings `logo` is a URLField: a file never validates.
        f.fail("logo", "Not a valid string.");
    } else if let Some(v) = f.url("logo", true) {
        changes.insert("logo".into(), Value::String(v));
    }
}

/// Stores an uploaded image as the hotel's `key` (`hero_image`, `landing_page_image`, `logo`),
/// as both generations' settings views do.
pub(crate) fn store_hotel_image(
    state: &AppState,
    hotel_id: i64,
    key: &str,
    bytes: &[u8],
) -> Result<(), ApiError> {
    let path = media::store_upload(state, bytes).map_err(|e| {
        ApiError::crash("Error", &format!("Cloudinary upload of {key} failed: {e}"))
    })?;
    state.db().execute(
        &format!("UPDATE hotels SET {key} = ?1 WHERE id = ?2"),
        params![path, hotel_id],
    )?;
    Ok(())
}

async fn write(
    state: AppState,
    caller: Caller,
    slug: String,
    body: RawBody,
    partial: bool,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?.clone();
    let data = body.parse().await?;
    if let Some(v) = &data.non_object_json {
        return Err(expected_dictionary(v));
    }
    // 1. File parts go to the Hotel at once (and hero/landing are uploaded a second time for the settings row).
    let mut uploaded = false;
    let mut settings_copies = Map::new();
    for key in HOTEL_FILES {
        let Some(file) = data.files.get(*key) else {
            continue;
        };
        store_hotel_image(&state, staff.hotel_id, key, &file.bytes)?;
        uploaded = true;
        if *key != "logo" {
            if let Ok(copy) = media::store_upload(&state, &file.bytes) {
                settings_copies.insert((*key).to_string(), Value::String(copy));
            }
        }
    }
    // 2. The serializer over everything; its errors are ignored when a file was uploaded.
    match validate(&data, partial, &settings_copies) {
        Ok(changes) => {
            let db = state.db();
            let (mut current, _) = load_settings(&db, staff.hotel_id)?;
            for (k, v) in changes {
                current.insert(k, v);
            }
            db.execute(
                "UPDATE public_settings SET data = ?1, updated_at = ?2 WHERE hotel_id = ?3",
                params![
                    Value::Object(current).to_string(),
                    now_drf(),
                    staff.hotel_id
                ],
            )?;
        }
        Err(e) if !uploaded => return Err(e),
        Err(_) => {}
    }
    let full = serialize(&state, &state.db(), &staff)?;
    state.hub.publish(
        &hotel_channel(&staff.hotel_slug),
        "settings-updated",
        &event_payload(&full),
    );
    Ok(Json(full))
}

pub(crate) async fn put_settings(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    write(state, caller, slug, body, false).await
}

pub(crate) async fn patch_settings(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    write(state, caller, slug, body, true).await
}
