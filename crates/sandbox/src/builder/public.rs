//! The page builder's JSON shapes: a row as its view set answers it (§17.2–§17.5), a section as
//! the public page shows it (§17.8, its type inferred as §17.9 item 4 says) and the public page
//! itself, with its 500 when a rooms section lists a room type whose variants share one price
//! (§17.9 item 1).

use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};

use super::{Kind, Stored, Ty, GALLERY, HERO, LIST, NEWS, PAGE, ROOMS, SECTION};
use crate::errors::ApiError;
use crate::state::AppState;

/// A row as its view set answers: id, parent key, fields (image fields with their `*_url`
/// companions, preset ids read as their null preset), nested children and times.
pub(crate) fn row_json(
    state: &AppState,
    db: &Connection,
    kind: &Kind,
    row: &Stored,
) -> rusqlite::Result<Value> {
    let mut out = Map::new();
    out.insert("id".into(), json!(row.id));
    out.insert(kind.parent_key.into(), json!(row.parent));
    for field in kind.fields {
        let value = row
            .data
            .get(field.name)
            .cloned()
            .unwrap_or_else(field.default);
        if let Some((_, shown)) = kind.presets.iter().find(|(id, _)| *id == field.name) {
            out.insert((*shown).into(), Value::Null);
            continue;
        }
        if let Ty::Image { .. } = field.ty {
            out.insert(format!("{}_url", field.name), image_url(state, &value));
        }
        out.insert(field.name.into(), value);
    }
    if std::ptr::eq(kind, &SECTION) {
        out.insert("element".into(), Value::Null);
    }
    if std::ptr::eq(kind, &NEWS) {
        out.insert("content_blocks".into(), json!([]));
        out.insert("block_count".into(), json!(0));
    }
    for (key, child, count) in kind.children {
        let rows = child.children_of(db, row.id)?;
        let shown = rows
            .iter()
            .map(|r| row_json(state, db, child, r))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.insert((*count).into(), json!(shown.len()));
        out.insert((*key).into(), Value::Array(shown));
    }
    for time in ["created_at", "updated_at"] {
        out.insert(
            time.into(),
            row.data.get(time).cloned().unwrap_or(Value::Null),
        );
    }
    Ok(Value::Object(out))
}

/// The `*_url` of a raw image field: the storage's address, or null. A URL written into the
/// raw field (stored as `image/upload/http://…/abc.jpg`, §17.1) loses its extension, as
/// Cloudinary's URL builder does with it: a broken image.
fn image_url(state: &AppState, value: &Value) -> Value {
    match value.as_str().filter(|p| !p.is_empty()) {
        Some(path) if path.contains("://") => {
            let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
            Value::from(format!("{}/media/{stem}", state_base(state)))
        }
        Some(path) => Value::from(state.media_url(path)),
        None => Value::Null,
    }
}

fn state_base(state: &AppState) -> String {
    state.media_url("").trim_end_matches("/media/").to_owned()
}

/// A section's type (§17.9 item 4): its first kind of typed content, else `unknown`.
pub(crate) fn section_type(db: &Connection, section: i64) -> rusqlite::Result<&'static str> {
    for (kind, name) in [
        (&HERO, "hero"),
        (&GALLERY, "gallery"),
        (&LIST, "list"),
        (&NEWS, "news"),
        (&ROOMS, "rooms"),
    ] {
        if !kind.children_of(db, section)?.is_empty() {
            return Ok(name);
        }
    }
    Ok("unknown")
}

/// A section as the public page (and `sections/create/`) shows it: 15 keys. `Err` when its
/// rooms list cannot be made (the server's `TypeError`).
pub(crate) fn section_public(
    state: &AppState,
    db: &Connection,
    row: &Stored,
) -> Result<Value, ApiError> {
    let staff = row_json(state, db, &SECTION, row)?;
    let pick = |kind: &Kind| -> rusqlite::Result<Vec<Value>> {
        kind.children_of(db, row.id)?
            .iter()
            .map(|r| row_json(state, db, kind, r))
            .collect()
    };
    let hero = pick(&HERO)?.into_iter().next().unwrap_or(Value::Null);
    let rooms = match ROOMS.children_of(db, row.id)?.first() {
        Some(rooms) => {
            let mut shown = row_json(state, db, &ROOMS, rooms)?;
            shown["room_types"] = Value::Array(room_types(state, db, row.parent)?);
            shown
        }
        None => Value::Null,
    };
    Ok(json!({
        "id": row.id,
        "hotel": row.parent,
        "position": staff["position"],
        "is_active": staff["is_active"],
        "name": staff["name"],
        "style_variant": staff["style_variant"],
        "section_type": section_type(db, row.id)?,
        "element": Value::Null,
        "hero_data": hero,
        "galleries": pick(&GALLERY)?,
        "lists": pick(&LIST)?,
        "news_items": pick(&NEWS)?,
        "rooms_data": rooms,
        "created_at": staff["created_at"],
        "updated_at": staff["updated_at"],
    }))
}

/// One rate link as `rooms_data.room_types[]` lists it.
struct Link {
    id: i64,
    room_type: i64,
    name: String,
    code: String,
    description: String,
    occupancy: i64,
    beds: String,
    photo: Option<String>,
    currency: String,
    availability: String,
    plan: String,
    plan_code: String,
    refundable: bool,
    price: f64,
}

/// §17.8: one entry per rate link of an active room type; a room type whose links all have
/// one price makes the whole page fail (§17.9 item 1: `min()` given `reverse`).
fn room_types(state: &AppState, db: &Connection, hotel: i64) -> Result<Vec<Value>, ApiError> {
    let mut stmt = db.prepare(
        "SELECT l.id, r.id, r.name, r.code, r.short_description, r.max_occupancy, r.bed_setup, r.photo,
            r.currency, r.availability_message, l.rate_plan_name, l.rate_plan_code, l.is_refundable, l.price
         FROM rate_links l JOIN room_types r ON r.id = l.room_type_id
         WHERE r.hotel_id = ?1 AND r.is_active = 1 ORDER BY r.sort_order, r.id, l.id",
    )?;
    let links: Vec<Link> = stmt
        .query_map(params![hotel], |r| {
            Ok(Link {
                id: r.get(0)?,
                room_type: r.get(1)?,
                name: r.get(2)?,
                code: r.get(3)?,
                description: r.get(4)?,
                occupancy: r.get(5)?,
                beds: r.get(6)?,
                photo: r.get(7)?,
                currency: r.get(8)?,
                availability: r.get(9)?,
                plan: r.get(10)?,
                plan_code: r.get(11)?,
                refundable: r.get::<_, i64>(12)? != 0,
                price: r.get::<_, String>(13)?.parse().unwrap_or(0.0),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for link in &links {
        let prices: Vec<f64> = links
            .iter()
            .filter(|l| l.room_type == link.room_type)
            .map(|l| l.price)
            .collect();
        if prices.iter().all(|p| *p == prices[0]) {
            return Err(ApiError::server_error(
                "TypeError: 'reverse' is an invalid keyword argument for min()",
            ));
        }
        let top = prices.iter().cloned().fold(f64::MIN, f64::max);
        let code = if link.code.is_empty() {
            &link.name
        } else {
            &link.code
        };
        out.push(json!({
            "id": link.id, "room_type_id": link.room_type, "room_type_name": link.name,
            "room_type_code": code, "short_description": link.description,
            "max_occupancy": link.occupancy, "bed_setup": link.beds,
            "photo": state.media_url_opt(link.photo.as_deref()), "currency": link.currency,
            "availability_message": link.availability, "rate_plan_name": link.plan,
            "rate_plan_code": link.plan_code, "rate_plan_description": "",
            "is_refundable": link.refundable, "current_price": link.price, "original_price": top,
            "price_display": format!("€{}", link.price.round()),
            "discount_percent": ((top - link.price) / top * 100.0).round(),
            "has_discount": link.price < top,
            "booking_cta_url": format!("/public/booking/{}?room_type_code={code}&rate_plan_code={}",
                hotel_slug(db, hotel)?, link.plan_code),
        }));
    }
    Ok(out)
}

fn hotel_slug(db: &Connection, hotel: i64) -> rusqlite::Result<String> {
    db.query_row("SELECT slug FROM hotels WHERE id = ?1", [hotel], |r| {
        r.get(0)
    })
}

/// The hotel's page row, made when missing (a public read's side effect, §17.8).
pub(crate) fn page_of(db: &Connection, hotel: i64) -> rusqlite::Result<Stored> {
    if let Some(page) = PAGE.all(db)?.into_iter().find(|p| p.parent == hotel) {
        return Ok(page);
    }
    let now = crate::timefmt::now_drf();
    let mut data = Map::new();
    data.insert("global_style_variant".into(), Value::Null);
    data.insert("created_at".into(), json!(now));
    data.insert("updated_at".into(), json!(now));
    let id = PAGE.insert(db, hotel, &data)?;
    Ok(Stored {
        id,
        parent: hotel,
        data,
    })
}

/// `GET /api/public/hotel/<slug>/page/` (§17.8).
pub(crate) fn public_page(
    state: &AppState,
    db: &Connection,
    slug: &str,
) -> Result<Value, ApiError> {
    let hotel = db
        .query_row(
            "SELECT id, name, slug, tagline, city, country, address_line_1, address_line_2, postal_code,
                latitude, longitude, phone, email, website_url, booking_url, hero_image, logo
             FROM hotels WHERE slug = ?1 AND is_active = 1",
            [slug],
            |r| {
                let number = |at: usize| -> rusqlite::Result<Value> {
                    let text: Option<String> = r.get(at)?;
                    Ok(text.and_then(|t| t.parse::<f64>().ok()).map_or(Value::Null, Value::from))
                };
                let image: Option<String> = r.get(15)?;
                let logo: Option<String> = r.get(16)?;
                Ok(json!({
                    "id": r.get::<_, i64>(0)?, "name": r.get::<_, String>(1)?,
                    "slug": r.get::<_, String>(2)?, "tagline": r.get::<_, String>(3)?,
                    "city": r.get::<_, String>(4)?, "country": r.get::<_, String>(5)?,
                    "address_line_1": r.get::<_, String>(6)?, "address_line_2": r.get::<_, String>(7)?,
                    "postal_code": r.get::<_, String>(8)?, "latitude": number(9)?, "longitude": number(10)?,
                    "phone": r.get::<_, String>(11)?, "email": r.get::<_, String>(12)?,
                    "website_url": r.get::<_, String>(13)?, "booking_url": r.get::<_, String>(14)?,
                    "hero_image_url": state.media_url_opt(image.as_deref()),
                    "logo_url": state.media_url_opt(logo.as_deref()),
                    "short_description": "", "long_description": "", "hotel_type": "", "tags": [],
                }))
            },
        )
        .map_err(|_| ApiError::no_match("Hotel"))?;
    let id = hotel["id"].as_i64().unwrap_or(0);
    let page = page_of(db, id)?;
    let mut hotel = hotel;
    hotel["preset"] = page
        .data
        .get("global_style_variant")
        .cloned()
        .unwrap_or(Value::Null);
    let active: Vec<Stored> = SECTION
        .of_hotel(db, id)?
        .into_iter()
        .filter(|s| {
            s.data
                .get("is_active")
                .and_then(Value::as_bool)
                .unwrap_or(true)
        })
        .collect();
    if active.is_empty() {
        let brief = json!({"id": hotel["id"], "name": hotel["name"], "slug": hotel["slug"], "preset": hotel["preset"]});
        return Ok(json!({"hotel": brief, "message": "Coming Soon",
            "description": "This hotel's public page is under construction.", "sections": []}));
    }
    let sections = active
        .iter()
        .map(|s| section_public(state, db, s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({"hotel": hotel, "sections": sections}))
}
