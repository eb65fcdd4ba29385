//! The 2026 backend's actions on a stay (API.md §15.2), under
//! `/api/staff/hotel/<slug>/room-bookings/<booking_id>/`: the rooms that fit
//! (`available-rooms/`), assigning, unassigning and moving a room, check-in and check-out.
//! Faults kept (§15.5): a check-in by anyone below a manager answers 500 and saves nothing (the
//! room change is made as the caller, whom the front-desk matrix forbids `READY_FOR_GUEST →
//! OCCUPIED`); a repeat check-in answers 200 and stamps `checked_in_at` again; no booking event
//! is sent. A check-out deletes the room's guest conversations and their messages, as the
//! server does, without an event saying so.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use super::front_desk::{caller_2026, detail_value};
use super::housekeeping::{publish_room_updated, room_event_payload};
use crate::auth::Caller;
use crate::body::RawBody;
use crate::errors::ApiError;
use crate::front_desk::hotel_date_in;
use crate::people::Staff;
use crate::state::AppState;
use crate::timefmt::{now_drf, now_isoformat};

/// What an action needs of a booking.
struct Stay {
    id: i64,
    status: String,
    check_in: String,
    room: Option<i64>,
    checked_in: bool,
    checked_out: bool,
    missing: i64,
}

/// One room of `hk_rooms`: id, number, status.
struct RoomRef {
    id: i64,
    number: i64,
    status: String,
}

fn stay(db: &Connection, hotel_id: i64, booking_id: &str) -> Result<Option<Stay>, ApiError> {
    Ok(db
        .query_row(
            "SELECT id, status, check_in, room_number, checked_in_at IS NOT NULL,
                 checked_out_at IS NOT NULL, party_missing
             FROM room_bookings WHERE hotel_id = ?1 AND booking_id = ?2",
            params![hotel_id, booking_id],
            |r| {
                Ok(Stay {
                    id: r.get(0)?,
                    status: r.get(1)?,
                    check_in: r.get(2)?,
                    room: r.get(3)?,
                    checked_in: r.get(4)?,
                    checked_out: r.get(5)?,
                    missing: r.get(6)?,
                })
            },
        )
        .optional()?)
}

/// The booking, or the detail view's 404.
fn stay_or_404(db: &Connection, hotel_id: i64, booking_id: &str) -> Result<Stay, ApiError> {
    stay(db, hotel_id, booking_id)?.ok_or_else(|| {
        ApiError::json(
            StatusCode::NOT_FOUND,
            json!({"detail": "No RoomBooking matches the given query."}),
        )
    })
}

fn room_by(db: &Connection, hotel_id: i64, column: &str, key: i64) -> Result<RoomRef, ApiError> {
    db.query_row(
        &format!(
            "SELECT id, room_number, room_status FROM hk_rooms WHERE hotel_id = ?1 AND {column} = ?2"
        ),
        params![hotel_id, key],
        |r| {
            Ok(RoomRef {
                id: r.get(0)?,
                number: r.get(1)?,
                status: r.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| ApiError::detail(StatusCode::NOT_FOUND, "No Room matches the given query."))
}

/// `{"error": {"code", "message", "details": {}}}` with `status`.
fn coded(status: StatusCode, code: &str, message: &str) -> ApiError {
    ApiError::json(
        status,
        json!({"error": {"code": code, "message": message, "details": {}}}),
    )
}

fn set_room_status(db: &Connection, room_id: i64, status: &str) -> Result<(), ApiError> {
    db.execute(
        "UPDATE hk_rooms SET room_status = ?1 WHERE id = ?2",
        params![status, room_id],
    )?;
    Ok(())
}

/// The booking's detail with the action's `message` (and `extra` keys) in front.
fn answer(
    db: &Connection,
    hotel_id: i64,
    booking_id: &str,
    message: &str,
    extra: &[(&str, Value)],
) -> Result<Json<Value>, ApiError> {
    let mut detail = detail_value(db, hotel_id, booking_id)?.unwrap_or_else(|| json!({}));
    if let Value::Object(fields) = &mut detail {
        fields.insert("message".into(), message.into());
        for (key, value) in extra {
            fields.insert((*key).into(), value.clone());
        }
    }
    Ok(Json(detail))
}

/// A READY room no booking not yet out holds, else the server's refusal.
fn bookable(
    db: &Connection,
    hotel_id: i64,
    room_id: i64,
    booking: i64,
) -> Result<RoomRef, ApiError> {
    let room = room_by(db, hotel_id, "id", room_id)?;
    if room.status != "READY_FOR_GUEST" {
        return Err(coded(
            StatusCode::BAD_REQUEST,
            "ROOM_NOT_BOOKABLE",
            &format!(
                "Room {} is not bookable (status: {})",
                room.number, room.status
            ),
        ));
    }
    let taken: i64 = db.query_row(
        "SELECT COUNT(*) FROM room_bookings WHERE hotel_id = ?1 AND room_number = ?2
             AND checked_out_at IS NULL AND id != ?3 AND status NOT IN ('CANCELLED', 'NO_SHOW')",
        params![hotel_id, room.number, booking],
        |r| r.get(0),
    )?;
    if taken > 0 {
        // (from code) a date overlap on a bookable room.
        return Err(coded(
            StatusCode::CONFLICT,
            "ROOM_OVERLAP_CONFLICT",
            &format!(
                "Room {} is already assigned to another booking for these dates",
                room.number
            ),
        ));
    }
    Ok(room)
}

/// `GET …/<id>/available-rooms/` → `{"available_rooms": [{id, room_number, room_type (name),
/// room_status, is_bookable}]}`: `READY_FOR_GUEST` rooms no stay holds.
pub(crate) async fn available_rooms(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, booking_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let db = state.db();
    stay_or_404(&db, staff.hotel_id, &booking_id)?;
    let rooms: Vec<Value> = db
        .prepare(
            "SELECT id, room_number, room_type, room_status FROM hk_rooms r
             WHERE hotel_id = ?1 AND room_status = 'READY_FOR_GUEST'
               AND NOT EXISTS (SELECT 1 FROM room_bookings b WHERE b.hotel_id = r.hotel_id
                   AND b.room_number = r.room_number AND b.checked_out_at IS NULL
                   AND b.status NOT IN ('CANCELLED', 'NO_SHOW'))
             ORDER BY room_number",
        )?
        .query_map([staff.hotel_id], |r| {
            Ok(
                json!({"id": r.get::<_, i64>(0)?, "room_number": r.get::<_, i64>(1)?,
                      "room_type": r.get::<_, String>(2)?, "room_status": r.get::<_, String>(3)?,
                      "is_bookable": true}),
            )
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Json(json!({"available_rooms": rooms})))
}

/// A room id in the body under `key`.
async fn room_id_in(body: RawBody, key: &str) -> Result<i64, ApiError> {
    let data = body.parse().await?;
    data.get(key)
        .and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        })
        .ok_or_else(|| ApiError::field(key, "This field is required."))
}

/// `POST …/<id>/safe-assign-room/ {"room_id", "notes"?}` → 200 `{message, …detail}`; a party
/// not fully named → 400 `{"code": "PARTY_INCOMPLETE", "message"}` (no `error` wrapper); a room
/// not ready → 400 `ROOM_NOT_BOOKABLE`; a room another stay holds → 409.
pub(crate) async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, booking_id)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let room_id = room_id_in(body, "room_id").await?;
    let db = state.db();
    let stay = stay_or_404(&db, staff.hotel_id, &booking_id)?;
    if stay.missing > 0 {
        return Err(ApiError::json(
            StatusCode::BAD_REQUEST,
            json!({"code": "PARTY_INCOMPLETE",
                   "message": "Please provide all staying guest names before room assignment."}),
        ));
    }
    if stay.checked_in {
        // (inferred) a stay in house changes room by a move.
        return Err(coded(
            StatusCode::BAD_REQUEST,
            "BOOKING_ALREADY_CHECKED_IN",
            "Booking is already checked in; use move-room to change its room.",
        ));
    }
    let room = bookable(&db, staff.hotel_id, room_id, stay.id)?;
    db.execute(
        "UPDATE room_bookings SET room_number = ?1 WHERE id = ?2",
        params![room.number, stay.id],
    )?;
    answer(
        &db,
        staff.hotel_id,
        &booking_id,
        "Room assigned successfully",
        &[],
    )
}

/// `POST …/<id>/unassign-room/` → 200 `{"message": "Room unassigned successfully", …detail}`.
pub(crate) async fn unassign(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, booking_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let db = state.db();
    let stay = stay_or_404(&db, staff.hotel_id, &booking_id)?;
    if stay.checked_in && !stay.checked_out {
        // (inferred) the guest sleeps there.
        return Err(coded(
            StatusCode::BAD_REQUEST,
            "BOOKING_ALREADY_CHECKED_IN",
            "Cannot unassign the room of a checked-in booking.",
        ));
    }
    db.execute(
        "UPDATE room_bookings SET room_number = NULL WHERE id = ?1",
        [stay.id],
    )?;
    answer(
        &db,
        staff.hotel_id,
        &booking_id,
        "Room unassigned successfully",
        &[],
    )
}

/// `POST …/<id>/move-room/ {"to_room_id", "reason"?}` **(from code)** → 200 `{message, …detail}`;
/// a booking not checked in → 409 `BOOKING_NOT_CHECKED_IN`. The old room is left dirty, the new
/// one occupied, both told on `<slug>.rooms`.
pub(crate) async fn move_room(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, booking_id)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let room_id = room_id_in(body, "to_room_id").await?;
    let db = state.db();
    let stay = stay_or_404(&db, staff.hotel_id, &booking_id)?;
    if !stay.checked_in || stay.checked_out {
        return Err(coded(
            StatusCode::CONFLICT,
            "BOOKING_NOT_CHECKED_IN",
            "Booking must be checked in to move rooms.",
        ));
    }
    let to = bookable(&db, staff.hotel_id, room_id, stay.id)?;
    let from = stay
        .room
        .map(|n| room_by(&db, staff.hotel_id, "room_number", n))
        .transpose()?;
    db.execute(
        "UPDATE room_bookings SET room_number = ?1 WHERE id = ?2",
        params![to.number, stay.id],
    )?;
    set_room_status(&db, to.id, "OCCUPIED")?;
    let mut told = vec![room_event_payload(&db, to.id)?];
    if let Some(from) = from {
        set_room_status(&db, from.id, "CHECKOUT_DIRTY")?;
        told.push(room_event_payload(&db, from.id)?);
    }
    let reply = answer(
        &db,
        staff.hotel_id,
        &booking_id,
        "Room moved successfully",
        &[],
    )?;
    drop(db);
    for room in &told {
        publish_room_updated(&state, &slug, room);
    }
    Ok(reply)
}

/// Whether the caller holds the housekeeping override a check-in's room change needs: the
/// `super_staff_admin` tier and every manager role (§15.2).
fn holds_override(staff: &Staff) -> bool {
    staff.is_admin_2026() || staff.role.as_ref().is_some_and(|r| r.slug == "manager")
}

/// `{"error": <code>, "detail": <text>}`, the check-in's refusals.
fn checkin_refusal(code: &str, detail: &str) -> ApiError {
    ApiError::json(
        StatusCode::BAD_REQUEST,
        json!({"error": code, "detail": detail}),
    )
}

/// `POST …/<id>/check-in/` (§15.2): validation, then the room set `OCCUPIED` inside a
/// transaction as the caller; below a manager that change is refused and the whole check-in
/// rolls back into **500 "Server Error (500)"**. A repeat on a checked-in booking answers 200
/// and stamps `checked_in_at` again, with no room change and no policy check.
pub(crate) async fn check_in(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, booking_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let mut db = state.db();
    let Some(stay) = stay(&db, staff.hotel_id, &booking_id)? else {
        return Err(ApiError::json(
            StatusCode::NOT_FOUND,
            json!({"error": "BOOKING_NOT_FOUND", "detail": "Booking not found"}),
        ));
    };
    let now = now_drf();
    if stay.checked_in && !stay.checked_out {
        db.execute(
            "UPDATE room_bookings SET checked_in_at = ?1 WHERE id = ?2",
            params![now, stay.id],
        )?;
        let extra = [("guest_token", Value::Null)];
        return answer(
            &db,
            staff.hotel_id,
            &booking_id,
            "Guest checked in successfully",
            &extra,
        );
    }
    if stay.status != "CONFIRMED" {
        let text = format!("Status {} not eligible for check-in", stay.status);
        return Err(checkin_refusal("BOOKING_NOT_ELIGIBLE", &text));
    }
    let Some(number) = stay.room else {
        return Err(checkin_refusal(
            "BOOKING_NOT_ELIGIBLE",
            "No room assigned to booking",
        ));
    };
    let room = room_by(&db, staff.hotel_id, "room_number", number)?;
    if room.status != "READY_FOR_GUEST" {
        let text = format!("Room {} not ready (status: {})", room.number, room.status);
        return Err(checkin_refusal("ROOM_NOT_READY", &text));
    }
    if stay.check_in > hotel_date_in(0) {
        let text = format!("Check-in not allowed before arrival date {}", stay.check_in);
        return Err(checkin_refusal("CHECKIN_WRONG_DATE", &text));
    }
    let tx = db.transaction()?;
    tx.execute(
        "UPDATE room_bookings SET checked_in_at = ?1 WHERE id = ?2",
        params![now, stay.id],
    )?;
    if !holds_override(&staff) {
        // Dropping the transaction rolls the booking back: nothing is saved, nothing is told.
        drop(tx);
        return Err(ApiError::server_error(
            "Permission denied: Front desk staff cannot change room status from \
             READY_FOR_GUEST to OCCUPIED; Check-in failed - could not update room status",
        ));
    }
    set_room_status(&tx, room.id, "OCCUPIED")?;
    tx.commit()?;
    let told = room_event_payload(&db, room.id)?;
    let token = format!("guest-{}-{}", stay.id, now.len());
    let reply = answer(
        &db,
        staff.hotel_id,
        &booking_id,
        "Guest checked in successfully",
        &[("guest_token", token.into())],
    )?;
    drop(db);
    publish_room_updated(&state, &slug, &told);
    Ok(reply)
}

/// `POST …/<id>/check-out/` (§15.2) → 200 `{message, …detail}`: `status` `COMPLETED`,
/// `checked_out_at` set, the room `CHECKOUT_DIRTY`, and the room's guest conversations and
/// their messages deleted (no event says so). Not checked in, or out already → 400
/// `NOT_CHECKED_IN`. Tells `<slug>.rooms` with `room_updated` and `room_occupancy_updated`.
pub(crate) async fn check_out(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, booking_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let mut db = state.db();
    let stay = stay_or_404(&db, staff.hotel_id, &booking_id)?;
    if !stay.checked_in || stay.checked_out {
        return Err(coded(
            StatusCode::BAD_REQUEST,
            "NOT_CHECKED_IN",
            "Booking must be checked in to check out",
        ));
    }
    let room = stay
        .room
        .map(|n| room_by(&db, staff.hotel_id, "room_number", n))
        .transpose()?;
    let tx = db.transaction()?;
    tx.execute(
        "UPDATE room_bookings SET status = 'COMPLETED', checked_out_at = ?1 WHERE id = ?2",
        params![now_drf(), stay.id],
    )?;
    if let Some(room) = &room {
        set_room_status(&tx, room.id, "CHECKOUT_DIRTY")?;
        forget_room_chats(&tx, staff.hotel_id, room.number)?;
    }
    tx.commit()?;
    let told = room
        .as_ref()
        .map(|r| room_event_payload(&db, r.id))
        .transpose()?;
    let reply = answer(
        &db,
        staff.hotel_id,
        &booking_id,
        "Guest checked out successfully",
        &[],
    )?;
    drop(db);
    if let Some(told) = told {
        publish_room_updated(&state, &slug, &told);
        publish_occupancy(&state, &slug, &told);
    }
    Ok(reply)
}

/// Deletes the guest conversations of room `number` and their messages (attachments go with
/// their messages), as a check-out does on the server.
fn forget_room_chats(db: &Connection, hotel_id: i64, number: i64) -> Result<(), ApiError> {
    let of_room = "SELECT c.id FROM conversations c JOIN rooms r ON r.id = c.room_id
                   WHERE c.hotel_id = ?1 AND r.room_number = ?2";
    db.execute(
        &format!("DELETE FROM messages WHERE conversation_id IN ({of_room})"),
        params![hotel_id, number],
    )?;
    db.execute(
        &format!("DELETE FROM conversations WHERE id IN ({of_room})"),
        params![hotel_id, number],
    )?;
    Ok(())
}

/// `room_occupancy_updated` after a check-out (§15.1: `current_booking: null`).
fn publish_occupancy(state: &AppState, slug: &str, room: &Value) {
    let ts = now_isoformat();
    state.hub.publish(
        &format!("{slug}.rooms"),
        "room_occupancy_updated",
        &json!({
            "category": "guest_management",
            "type": "room_occupancy_updated",
            "payload": {"room_number": room["room_number"], "is_occupied": false,
                        "room_type": room["room_type"], "max_occupancy": room["max_occupancy"],
                        "current_occupancy": 0, "guests_in_room": [], "current_booking": null},
            "meta": {"hotel_slug": slug, "event_id": format!("occupancy-{}-{ts}", room["room_number"]),
                     "ts": ts, "scope": {"room_number": room["room_number"]}},
        }),
    );
}
