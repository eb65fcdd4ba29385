//! The classic backend's front desk (fd6c529, API.md §16), served only by `--generation classic`:
//! the caller's rooms (`/api/rooms/rooms/`, paginated, `is_occupied` only), the due-out list
//! (`/api/rooms/<slug>/checkout-needed/`), check-out by room (`/api/rooms/<slug>/checkout/`) and
//! the bookings list without rooms (`/api/staff/hotel/<slug>/bookings/`). Faults kept (§16): the
//! due-out list and the check-out check no hotel (any signed-in user, any hotel), and no event is
//! sent. The data is `crate::classic_desk`, the bookings the 2026 day's `room_bookings`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::auth::Caller;
use crate::body::RawBody;
use crate::classic_desk::new_pin;
use crate::errors::ApiError;
use crate::front_desk::hotel_date_in;
use crate::pagination::{PageRequest, PAGE_SIZE};
use crate::state::AppState;

/// `page_size`'s cap on the rooms list (§16, from code).
const MAX_PAGE_SIZE: usize = 100;

/// The classic front desk's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/rooms/rooms/", get(rooms))
        .route(
            "/api/rooms/{hotel_slug}/checkout-needed/",
            get(checkout_needed),
        )
        .route("/api/rooms/{hotel_slug}/checkout/", post(checkout))
        .route("/api/staff/hotel/{hotel_slug}/bookings/", get(bookings))
}

/// The hotel `(id, name)` of a slug, or DRF's 404.
fn hotel_of(db: &Connection, slug: &str) -> Result<(i64, String), ApiError> {
    db.query_row("SELECT id, name FROM hotels WHERE slug = ?1", [slug], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()?
    .ok_or_else(|| ApiError::no_match("Hotel"))
}

/// One guest in the Guest shape (§16, the answer of `add-guest/`).
fn guest_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let (first, last): (String, String) = (r.get("first_name")?, r.get("last_name")?);
    let check_in: Option<String> = r.get("check_in_date")?;
    let check_out: Option<String> = r.get("check_out_date")?;
    let days = match (&check_in, &check_out) {
        (Some(a), Some(b)) => match (
            a.parse::<jiff::civil::Date>(),
            b.parse::<jiff::civil::Date>(),
        ) {
            (Ok(a), Ok(b)) => Some((b - a).get_days()),
            _ => None,
        },
        _ => None,
    };
    let number: i64 = r.get("room_number")?;
    Ok(json!({
        "id": r.get::<_, i64>("id")?, "first_name": first, "last_name": last,
        "full_name": format!("{first} {last}"), "id_pin": r.get::<_, String>("pin")?,
        "check_in_date": check_in, "check_out_date": check_out, "days_booked": days,
        "hotel": r.get::<_, i64>("hotel_id")?, "hotel_slug": r.get::<_, String>("slug")?,
        "hotel_name": r.get::<_, String>("hotel_name")?, "room": r.get::<_, i64>("room_id")?,
        "room_number": number, "room_label": format!("Room {number}"), "in_house": true,
    }))
}

/// Room `id` in the room-list shape (§16): `is_occupied` is whether it has guests.
fn room_json(db: &Connection, id: i64) -> Result<Value, ApiError> {
    let (hotel, number, slug, name, pin): (i64, i64, String, String, String) = db.query_row(
        "SELECT r.hotel_id, r.room_number, h.slug, h.name, COALESCE(p.guest_id_pin, '')
         FROM rooms r JOIN hotels h ON h.id = r.hotel_id
         LEFT JOIN classic_room_pins p ON p.room_id = r.id WHERE r.id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let guests: Vec<Value> = db
        .prepare(
            "SELECT g.id, g.first_name, g.last_name, d.check_in_date, d.check_out_date,
                    r.hotel_id, h.slug, h.name AS hotel_name, r.id AS room_id, r.room_number,
                    COALESCE(p.guest_id_pin, '') AS pin
             FROM guests g JOIN rooms r ON r.id = g.room_id JOIN hotels h ON h.id = r.hotel_id
             LEFT JOIN classic_guest_dates d ON d.guest_id = g.id
             LEFT JOIN classic_room_pins p ON p.room_id = r.id
             WHERE g.room_id = ?1 ORDER BY g.id",
        )?
        .query_map([id], guest_json)?
        .collect::<rusqlite::Result<_>>()?;
    let ids: Vec<Value> = guests.iter().map(|g| g["id"].clone()).collect();
    let qr = |kind: &str| {
        format!("https://res.cloudinary.com/demo/image/upload/qr/{slug}/{kind}/{number}.png")
    };
    Ok(json!({
        "id": id, "hotel": hotel, "hotel_name": name, "room_number": number, "hotel_slug": slug,
        "is_occupied": !guests.is_empty(), "guests_in_room": guests, "guest_id_pin": pin,
        "guests": ids, "room_service_qr_code": qr("room_service"),
        "in_room_breakfast_qr_code": qr("breakfast"), "dinner_booking_qr_code": qr("dinner"),
        "chat_pin_qr_code": qr("chat_pin"),
    }))
}

/// `GET /api/rooms/rooms/?search=&page=&page_size=`: the caller's hotel's rooms by number, 10 a
/// page, `page_size` up to 100; `search` matches the room number. A user without a staff
/// profile gets an empty list (sandbox's reading; not verified on fd6c529).
async fn rooms(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let user = caller.require_user()?;
    let request = PageRequest::new(&headers, &uri, &state.base_url);
    let page_size = request
        .param("page_size")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p > 0)
        .map_or(PAGE_SIZE, |p| p.min(MAX_PAGE_SIZE));
    let search = request.param("search").unwrap_or("").trim().to_owned();
    let hotel = user.staff.as_ref().map_or(0, |s| s.hotel_id);
    let db = state.db();
    let ids: Vec<i64> = db
        .prepare(
            "SELECT id FROM rooms WHERE hotel_id = ?1 AND CAST(room_number AS TEXT) LIKE ?2
             ORDER BY room_number, id",
        )?
        .query_map(params![hotel, format!("%{search}%")], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let page = request.paginate_query(ids.len(), page_size, |offset, limit| {
        ids.iter()
            .skip(offset)
            .take(limit)
            .map(|id| room_json(&db, *id))
            .collect()
    })?;
    Ok(Json(page))
}

/// `GET /api/rooms/<slug>/checkout-needed/`: a plain array of the occupied rooms whose guests'
/// `check_out_date` is before today. Any signed-in user, any hotel (§16).
async fn checkout_needed(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require_user()?;
    let db = state.db();
    let (hotel, _) = hotel_of(&db, &slug)?;
    let ids: Vec<i64> = db
        .prepare(
            "SELECT DISTINCT r.id FROM rooms r JOIN guests g ON g.room_id = r.id
             JOIN classic_guest_dates d ON d.guest_id = g.id
             WHERE r.hotel_id = ?1 AND d.check_out_date < ?2 ORDER BY r.room_number",
        )?
        .query_map(params![hotel, hotel_date_in(0)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let rooms = ids
        .into_iter()
        .map(|id| room_json(&db, id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(Value::Array(rooms)))
}

/// The ids in `room_ids`, or the sandbox's own 400 (fd6c529's words for a bad body are not
/// recorded in §16).
fn room_ids(data: &crate::body::RequestData) -> Result<Vec<i64>, ApiError> {
    let list = data.get("room_ids").and_then(Value::as_array);
    let ids: Vec<i64> = list
        .map(|l| l.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    if ids.is_empty() || list.is_some_and(|l| l.len() != ids.len()) {
        return Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            "room_ids must be a non-empty list of room ids.",
        ));
    }
    Ok(ids)
}

/// `POST /api/rooms/<slug>/checkout/ {"room_ids": [..]}`: deletes the rooms' guests, guest-chat
/// conversations and their messages (the sandbox has no room-service or breakfast orders), and
/// gives each room a new `guest_id_pin`. Any signed-in user, any hotel; no event (§16).
async fn checkout(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    caller.require_user()?;
    let data = body.parse().await?;
    let ids = room_ids(&data)?;
    let mut db = state.db();
    let (hotel, _) = hotel_of(&db, &slug)?;
    let tx = db.transaction()?;
    let mut done = 0;
    for id in ids {
        let of_hotel: Option<i64> = tx
            .query_row(
                "SELECT id FROM rooms WHERE id = ?1 AND hotel_id = ?2",
                params![id, hotel],
                |r| r.get(0),
            )
            .optional()?;
        let Some(room) = of_hotel else { continue };
        let chats = "SELECT id FROM conversations WHERE room_id = ?1";
        tx.execute(
            &format!("UPDATE messages SET booking_id = NULL WHERE conversation_id IN ({chats})"),
            [room],
        )?;
        tx.execute(
            &format!("DELETE FROM messages WHERE conversation_id IN ({chats})"),
            [room],
        )?;
        tx.execute("DELETE FROM conversations WHERE room_id = ?1", [room])?;
        tx.execute(
            "UPDATE bookings SET guest_id = NULL WHERE room_id = ?1",
            [room],
        )?;
        tx.execute("DELETE FROM guests WHERE room_id = ?1", [room])?;
        tx.execute(
            "INSERT OR REPLACE INTO classic_room_pins (room_id, guest_id_pin) VALUES (?1, ?2)",
            params![room, new_pin(room)],
        )?;
        done += 1;
    }
    tx.commit()?;
    Ok(Json(json!({"detail": format!(
        "Checked out {done} room(s) in hotel '{slug}', deleted guests, chat sessions, conversations, and messages."
    )})))
}

/// A `YYYY-MM-DD` query date, or fd6c529's 400 (§16).
fn query_date(request: &PageRequest, key: &str) -> Result<Option<String>, ApiError> {
    match request.param(key).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) if d.parse::<jiff::civil::Date>().is_ok() => Ok(Some(d.to_owned())),
        Some(_) => Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            &format!("Invalid {key} format. Use YYYY-MM-DD"),
        )),
    }
}

/// One booking in the 18-key shape (§16): no room and no check-in fields.
fn booking_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let (check_in, check_out): (String, String) = (r.get("check_in")?, r.get("check_out")?);
    let nights = match (
        check_in.parse::<jiff::civil::Date>(),
        check_out.parse::<jiff::civil::Date>(),
    ) {
        (Ok(a), Ok(b)) => (b - a).get_days(),
        _ => 0,
    };
    let (first, last): (String, String) = (r.get("first_name")?, r.get("last_name")?);
    let status: String = r.get("status")?;
    let paid = status != "PENDING_PAYMENT";
    Ok(json!({
        "id": r.get::<_, i64>("id")?, "booking_id": r.get::<_, String>("booking_id")?,
        "confirmation_number": r.get::<_, String>("confirmation_number")?, "status": status,
        "check_in": check_in, "check_out": check_out, "nights": nights,
        "adults": r.get::<_, i64>("adults")?, "children": r.get::<_, i64>("children")?,
        "guest_name": format!("{first} {last}"), "guest_email": r.get::<_, String>("email")?,
        "guest_phone": "", "hotel_name": r.get::<_, String>("hotel_name")?,
        "room_type_name": r.get::<_, Option<String>>("room_type")?.unwrap_or_else(|| "Standard Double".into()),
        "total_amount": r.get::<_, String>("total_amount")?, "currency": r.get::<_, String>("currency")?,
        "paid_at": paid.then(|| r.get::<_, String>("created_at")).transpose()?,
        "created_at": r.get::<_, String>("created_at")?,
    }))
}

/// `GET /api/staff/hotel/<slug>/bookings/?status=&start_date=&end_date=`: a plain array, newest
/// first. `start_date` keeps `check_in >= start`, `end_date` keeps `check_out <= end` (§16). The
/// statuses are fd6c529's: a 2026 `PENDING_APPROVAL` reads `PENDING_PAYMENT`, a stay checked out
/// `COMPLETED`.
async fn bookings(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    let request = PageRequest::new(&headers, &uri, &state.base_url);
    let start = query_date(&request, "start_date")?;
    let end = query_date(&request, "end_date")?;
    let status = request
        .param("status")
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let db = state.db();
    let list: Vec<Value> = db
        .prepare(
            "SELECT * FROM (SELECT b.id, b.booking_id, b.confirmation_number,
                    CASE WHEN b.checked_out_at IS NOT NULL THEN 'COMPLETED'
                         WHEN b.status = 'PENDING_APPROVAL' THEN 'PENDING_PAYMENT'
                         ELSE b.status END AS status,
                    b.check_in, b.check_out, b.adults, b.children, b.first_name, b.last_name,
                    b.email, h.name AS hotel_name, k.room_type, b.total_amount, b.currency,
                    b.created_at
             FROM room_bookings b JOIN hotels h ON h.id = b.hotel_id
             LEFT JOIN hk_rooms k ON k.hotel_id = b.hotel_id AND k.room_number = b.room_number
             WHERE b.hotel_id = ?1)
             WHERE (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR check_in >= ?3)
               AND (?4 IS NULL OR check_out <= ?4)
             ORDER BY created_at DESC, id DESC",
        )?
        .query_map(params![staff.hotel_id, status, start, end], booking_json)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Json(Value::Array(list)))
}
