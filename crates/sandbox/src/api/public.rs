//! Public reads without auth (API.md §3.3, §4.3): the hotel's public page and public settings, plus the legacy
//! routes that always refuse (`/api/hotel/staff/offers/…` and `…/room-types/…` have no slug, so `IsSameHotel`
//! is false) and the guest offers endpoint that crashes on any active offer.

use axum::extract::{Path, State};
use axum::Json;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::settings::{load_hotel, load_settings};
use super::{offers, room_types};
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::state::AppState;

/// The 25 keys of `HotelPublicSettingsView`, in the settings store.
const PUBLIC_SETTINGS_KEYS: &[&str] = &[
    "short_description",
    "long_description",
    "welcome_message",
    "hero_image",
    "logo",
    "favicon",
    "slogan",
    "amenities",
    "contact_email",
    "contact_phone",
    "contact_address",
    "website",
    "google_maps_link",
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
    "theme_mode",
];

fn active_hotel(db: &Connection, slug: &str) -> Result<(i64, String, String), ApiError> {
    db.query_row(
        "SELECT id, name, slug FROM hotels WHERE slug = ?1 AND is_active = 1",
        [slug],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()?
    .ok_or_else(|| ApiError::no_match("Hotel"))
}

fn public_settings(db: &Connection, hotel_id: i64) -> rusqlite::Result<Value> {
    let (data, _) = load_settings(db, hotel_id)?;
    let mut out = Map::new();
    for k in PUBLIC_SETTINGS_KEYS {
        let v = data.get(*k).cloned().unwrap_or(Value::Null);
        let v = if *k == "logo" && v.is_null() {
            json!("")
        } else {
            v
        };
        out.insert((*k).to_string(), v);
    }
    Ok(Value::Object(out))
}

/// `GET /api/hotel/public/<slug>/settings/`.
pub(crate) async fn settings(
    State(state): State<AppState>,
    _caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let db = state.db();
    let (hotel_id, _, _) = active_hotel(&db, &slug)?;
    Ok(Json(public_settings(&db, hotel_id)?))
}

/// `GET /api/hotel/public/page/<slug>/`.
pub(crate) async fn page(
    State(state): State<AppState>,
    _caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let db = state.db();
    let (hotel_id, name, slug) = active_hotel(&db, &slug)?;
    let hotel = load_hotel(&db, hotel_id)?;
    let (data, _) = load_settings(&db, hotel_id)?;
    let col = |k: &str| hotel.columns.get(k).cloned().unwrap_or(Value::Null);
    let settings_url = |k: &str| state.media_url_opt(data.get(k).and_then(Value::as_str));
    let logo_url = data
        .get("logo")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| state.media_url_opt(hotel.logo.as_deref()));
    let offers: Vec<Value> = offers::list_rows(&db, hotel_id)?
        .iter()
        .filter(|o| o.is_active())
        .map(|o| o.public_json(&state))
        .collect();
    Ok(Json(json!({
        "slug": slug,
        "name": name,
        "tagline": col("tagline"),
        "hero_image_url": settings_url("hero_image").or_else(|| state.media_url_opt(hotel.hero_image.as_deref())),
        "landing_page_image_url": settings_url("landing_page_image").or_else(|| state.media_url_opt(hotel.landing_page_image.as_deref())),
        "logo_url": logo_url,
        "short_description": data.get("short_description").cloned().unwrap_or(Value::Null),
        "long_description": data.get("long_description").cloned().unwrap_or(Value::Null),
        "city": col("city"),
        "country": col("country"),
        "address_line_1": col("address_line_1"),
        "address_line_2": col("address_line_2"),
        "postal_code": col("postal_code"),
        "latitude": col("latitude"),
        "longitude": col("longitude"),
        "phone": col("phone"),
        "email": col("email"),
        "website_url": col("website_url"),
        "booking_options": {
            "primary_cta_label": "Book Now",
            "primary_cta_url": col("booking_url"),
            "secondary_cta_label": "Call Us",
            "secondary_cta_phone": col("phone"),
        },
        "public_settings": public_settings(&db, hotel_id)?,
        "offers": offers,
        "room_types": room_types::public_list(&state, &db, hotel_id)?,
        "leisure_activities": [],
    })))
}

/// `/api/hotel/staff/offers/…` and `/api/hotel/staff/room-types/…`: no `hotel_slug` kwarg, so always 403.
pub(crate) async fn legacy_staff_route(caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require_user()?;
    Err(ApiError::other_hotel())
}

/// `GET /api/guest/hotels/<slug>/site/offers/`: reads fields `Offer` does not have, so any active offer
/// crashes it; with none it answers `{"offers": []}`.
pub(crate) async fn guest_site_offers(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let db = state.db();
    let (hotel_id, _, _) = active_hotel(&db, &slug)?;
    if offers::list_rows(&db, hotel_id)?
        .iter()
        .any(|o| o.is_active())
    {
        return Err(ApiError::crash(
            "AttributeError",
            "'Offer' object has no attribute 'description'",
        ));
    }
    Ok(Json(json!({"offers": []})))
}
