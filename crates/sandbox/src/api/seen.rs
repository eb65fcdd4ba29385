//! The 2026 backend's "mark seen" of a room booking (API.md §15.2) and its broken turnover
//! counters (§15.5), under `/api/staff/hotel/<slug>/`. A booking is new for staff until someone
//! marks it seen; a repeat answers the first `staff_seen_at` and the first who saw it. No event
//! is sent (the `booking_updated` it would send never arrives, §15.2). The classic backend has
//! neither path (404).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

use super::front_desk::caller_2026;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::state::AppState;
use crate::timefmt::now_drf;

/// Who saw a booking first, made on open (beside `room_bookings.staff_seen_at`).
pub(crate) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS room_booking_seen (
    booking_id TEXT PRIMARY KEY, staff_id INTEGER NOT NULL, staff_name TEXT NOT NULL
);
"#;

/// `POST room-bookings/<id>/mark-seen/` → 200 `{booking_id, staff_seen_at, staff_seen_by: {id,
/// name}, is_new_for_staff: false}`; a repeat keeps the first time and person. Unknown booking
/// → 404 as the detail's.
pub(crate) async fn mark_seen(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, booking_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let mut db = state.db();
    let tx = db.transaction()?;
    let seen: Option<Option<String>> = tx
        .query_row(
            "SELECT staff_seen_at FROM room_bookings WHERE hotel_id = ?1 AND booking_id = ?2",
            params![staff.hotel_id, booking_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(seen) = seen else {
        return Err(ApiError::json(
            StatusCode::NOT_FOUND,
            json!({"detail": "No RoomBooking matches the given query."}),
        ));
    };
    if seen.is_none() {
        tx.execute(
            "UPDATE room_bookings SET staff_seen_at = ?1 WHERE hotel_id = ?2 AND booking_id = ?3",
            params![now_drf(), staff.hotel_id, booking_id],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO room_booking_seen (booking_id, staff_id, staff_name)
             VALUES (?1, ?2, ?3)",
            params![booking_id, staff.id, staff.full_name()],
        )?;
    }
    let (at, by_id, by_name): (String, Option<i64>, Option<String>) = tx.query_row(
        "SELECT b.staff_seen_at, s.staff_id, s.staff_name FROM room_bookings b
         LEFT JOIN room_booking_seen s ON s.booking_id = b.booking_id
         WHERE b.hotel_id = ?1 AND b.booking_id = ?2",
        params![staff.hotel_id, booking_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    tx.commit()?;
    let by = match (by_id, by_name) {
        (Some(id), Some(name)) => json!({"id": id, "name": name}),
        _ => Value::Null,
    };
    Ok(Json(json!({
        "booking_id": booking_id,
        "staff_seen_at": at,
        "staff_seen_by": by,
        "is_new_for_staff": false,
    })))
}

/// `GET turnover/stats/` → **500** at 12e538a (§15.5: it reads a `rooms` attribute the hotel
/// does not have); counters come from the housekeeping dashboard.
pub(crate) async fn turnover_stats(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller_2026(&state, &caller, &slug)?;
    Err(ApiError::server_error(
        "AttributeError: 'Hotel' object has no attribute 'rooms'",
    ))
}
