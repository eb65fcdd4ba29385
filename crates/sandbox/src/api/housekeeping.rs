//! The 2026 backend's housekeeping for a front desk (API.md §15.1), under
//! `/api/staff/hotel/<slug>/housekeeping/`: the dashboard (`dashboard/`) and a room's status
//! change (`rooms/<room_id>/status/`), which tells `<slug>.rooms` with `room_updated` (public).
//! The classic backend has none of these paths (404).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, OptionalExtension, Row};
use serde_json::{json, Map, Value};

use super::front_desk::caller_2026;
use crate::auth::Caller;
use crate::body::RawBody;
use crate::errors::ApiError;
use crate::state::AppState;
use crate::timefmt::{now_drf, now_isoformat};

/// `Room.room_status` values (§15.1).
pub(crate) const STATUSES: [&str; 7] = [
    "OCCUPIED",
    "CHECKOUT_DIRTY",
    "CLEANING_IN_PROGRESS",
    "CLEANED_UNINSPECTED",
    "MAINTENANCE_REQUIRED",
    "OUT_OF_ORDER",
    "READY_FOR_GUEST",
];

/// One room of the dashboard (§15.1).
fn dashboard_room(r: &Row<'_>) -> rusqlite::Result<(String, Value)> {
    Ok((
        r.get(3)?,
        json!({
            "id": r.get::<_, i64>(0)?,
            "room_number": r.get::<_, i64>(1)?,
            "room_type": r.get::<_, String>(2)?,
            "maintenance_required": r.get::<_, bool>(4)?,
            "last_cleaned_at": r.get::<_, Option<String>>(5)?,
            "last_inspected_at": r.get::<_, Option<String>>(6)?,
            "is_out_of_order": r.get::<_, bool>(7)?,
            "cleaned_by_staff_name": r.get::<_, Option<String>>(8)?,
            "inspected_by_staff_name": r.get::<_, Option<String>>(9)?,
        }),
    ))
}

/// `GET housekeeping/dashboard/` → `{counts, rooms_by_status, my_open_tasks, open_tasks,
/// total_rooms}`; only statuses that have rooms appear as keys.
pub(crate) async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let db = state.db();
    let rooms: Vec<(String, Value)> = db
        .prepare(
            "SELECT id, room_number, room_type, room_status, maintenance_required,
                last_cleaned_at, last_inspected_at, is_out_of_order, cleaned_by, inspected_by
             FROM hk_rooms WHERE hotel_id = ?1 ORDER BY room_number",
        )?
        .query_map([staff.hotel_id], dashboard_room)?
        .collect::<rusqlite::Result<_>>()?;
    let mut counts = Map::new();
    let mut by_status = Map::new();
    for (status, room) in &rooms {
        let n = counts.get(status).and_then(Value::as_i64).unwrap_or(0);
        counts.insert(status.clone(), (n + 1).into());
        if let Value::Array(list) = by_status
            .entry(status.clone())
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            list.push(room.clone());
        }
    }
    Ok(Json(json!({
        "counts": counts,
        "rooms_by_status": by_status,
        "my_open_tasks": [],
        "open_tasks": [],
        "total_rooms": rooms.len(),
    })))
}

/// The room's own state machine (§15.1; from `OCCUPIED` only `CHECKOUT_DIRTY`; the other
/// moves **(inferred)** from the housekeeping flow).
fn machine_allows(from: &str, to: &str) -> bool {
    let allowed: &[&str] = match from {
        "OCCUPIED" => &["CHECKOUT_DIRTY"],
        "CHECKOUT_DIRTY" => &[
            "CLEANING_IN_PROGRESS",
            "MAINTENANCE_REQUIRED",
            "OUT_OF_ORDER",
        ],
        "CLEANING_IN_PROGRESS" => &[
            "CLEANED_UNINSPECTED",
            "CHECKOUT_DIRTY",
            "MAINTENANCE_REQUIRED",
        ],
        "CLEANED_UNINSPECTED" => &["READY_FOR_GUEST", "CHECKOUT_DIRTY", "MAINTENANCE_REQUIRED"],
        "READY_FOR_GUEST" => &[
            "OCCUPIED",
            "MAINTENANCE_REQUIRED",
            "CHECKOUT_DIRTY",
            "OUT_OF_ORDER",
        ],
        "MAINTENANCE_REQUIRED" => &["CHECKOUT_DIRTY", "OUT_OF_ORDER"],
        "OUT_OF_ORDER" => &["MAINTENANCE_REQUIRED", "CHECKOUT_DIRTY"],
        _ => &[],
    };
    allowed.contains(&to)
}

/// The front-desk matrix (§15.1): its two moves, every other refusal in the server's words.
fn front_desk_refusal(from: &str, to: &str) -> Option<String> {
    match (from, to) {
        ("OCCUPIED", "CHECKOUT_DIRTY") | ("READY_FOR_GUEST", "MAINTENANCE_REQUIRED") => None,
        (_, "READY_FOR_GUEST" | "CLEANING_IN_PROGRESS") => {
            Some(format!("Front desk staff cannot set room status to {to}"))
        }
        _ => Some(format!(
            "Front desk staff cannot change room status from {from} to {to}"
        )),
    }
}

fn non_field(message: &str) -> ApiError {
    ApiError::json(
        StatusCode::BAD_REQUEST,
        json!({"non_field_errors": [message]}),
    )
}

/// Checks a status change's body: `to_status` and `source` (§15.1's field errors).
fn read_change(data: &crate::body::RequestData) -> Result<(String, String, String), ApiError> {
    let text = |key: &str| data.get(key).and_then(Value::as_str).map(str::trim);
    let Some(to) = text("to_status").filter(|t| !t.is_empty()) else {
        return Err(ApiError::field("to_status", "This field is required."));
    };
    if !STATUSES.contains(&to) {
        return Err(ApiError::field(
            "to_status",
            &format!("Invalid status. Must be one of: {STATUSES:?}"),
        ));
    }
    let source = text("source").unwrap_or("HOUSEKEEPING");
    if !["HOUSEKEEPING", "FRONT_DESK", "SYSTEM", "MANAGER_OVERRIDE"].contains(&source) {
        return Err(ApiError::field(
            "source",
            "Invalid source. Must be one of: ['HOUSEKEEPING', 'FRONT_DESK', 'SYSTEM', 'MANAGER_OVERRIDE']",
        ));
    }
    Ok((
        to.to_owned(),
        source.to_owned(),
        text("note").unwrap_or("").to_owned(),
    ))
}

/// `POST housekeeping/rooms/<room_id>/status/ {"to_status", "source"?, "note"?}` → 200
/// `{message, room, status_event}`, then `room_updated` on `<slug>.rooms`. Front-office staff
/// have the front-desk matrix (two moves); housekeeping and managers the room's state machine.
pub(crate) async fn change_status(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, room_id)): Path<(String, i64)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let (to, source, note) = read_change(&body.parse().await?)?;
    let db = state.db();
    let from: String = db
        .query_row(
            "SELECT room_status FROM hk_rooms WHERE id = ?1 AND hotel_id = ?2",
            params![room_id, staff.hotel_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| ApiError::no_match("Room"))?;
    if !machine_allows(&from, &to) {
        return Err(non_field(&format!(
            "Room cannot transition from {from} to {to}"
        )));
    }
    let front_desk = staff
        .department
        .as_ref()
        .is_some_and(|d| d.slug == "front-office");
    if let Some(refusal) = front_desk.then(|| front_desk_refusal(&from, &to)).flatten() {
        return Err(non_field(&refusal));
    }
    let now = now_drf();
    let who = staff.full_name();
    db.execute(
        "UPDATE hk_rooms SET room_status = ?1,
             maintenance_required = CASE WHEN ?1 = 'MAINTENANCE_REQUIRED' THEN 1
                 WHEN ?1 = 'READY_FOR_GUEST' THEN 0 ELSE maintenance_required END,
             is_out_of_order = (?1 = 'OUT_OF_ORDER'),
             last_cleaned_at = CASE WHEN ?1 = 'CLEANED_UNINSPECTED' THEN ?2 ELSE last_cleaned_at END,
             cleaned_by = CASE WHEN ?1 = 'CLEANED_UNINSPECTED' THEN ?3 ELSE cleaned_by END,
             last_inspected_at = CASE WHEN ?1 = 'READY_FOR_GUEST' THEN ?2 ELSE last_inspected_at END,
             inspected_by = CASE WHEN ?1 = 'READY_FOR_GUEST' THEN ?3 ELSE inspected_by END,
             maintenance_notes = CASE WHEN ?4 = '' THEN maintenance_notes
                 ELSE maintenance_notes || '[' || ?2 || '] ' || ?3 || ': ' || ?4 || char(10) END
         WHERE id = ?5",
        params![to, now, who, note, room_id],
    )?;
    let room = room_event_payload(&db, room_id)?;
    drop(db);
    publish_room_updated(&state, &slug, &room);
    Ok(Json(json!({
        "message": format!("Room status changed from {from} to {to}"),
        "room": {"id": room_id, "room_number": room["room_number"], "room_status": to,
                 "last_cleaned_at": room["last_cleaned_at"], "last_inspected_at": room["last_inspected_at"],
                 "maintenance_required": room["maintenance_required"]},
        "status_event": {"from_status": from, "to_status": to, "source": source, "note": note,
                         "changed_by_name": who, "created_at": now},
    })))
}

/// A room as `room_updated` carries it (§15.1: keyed by number, no id).
pub(crate) fn room_event_payload(
    db: &rusqlite::Connection,
    room_id: i64,
) -> Result<Value, ApiError> {
    Ok(db.query_row(
        "SELECT room_number, room_status, is_out_of_order, maintenance_required,
            maintenance_notes, last_cleaned_at, last_inspected_at, room_type, max_occupancy
         FROM hk_rooms WHERE id = ?1",
        [room_id],
        |r| {
            let status: String = r.get(1)?;
            Ok(json!({
                "room_number": r.get::<_, i64>(0)?,
                "room_status": status,
                "is_occupied": status == "OCCUPIED",
                "is_out_of_order": r.get::<_, bool>(2)?,
                "maintenance_required": r.get::<_, bool>(3)?,
                "maintenance_priority": "MEDIUM",
                "maintenance_notes": r.get::<_, String>(4)?,
                "last_cleaned_at": r.get::<_, Option<String>>(5)?.map(|t| iso(&t)),
                "last_inspected_at": r.get::<_, Option<String>>(6)?.map(|t| iso(&t)),
                "changed_fields": ["room_status"],
                "room_type": r.get::<_, String>(7)?,
                "max_occupancy": r.get::<_, i64>(8)?,
                "guests_in_room": 0,
            }))
        },
    )?)
}

/// A stored DRF time (`…Z`) in the event's `+00:00` form.
fn iso(drf: &str) -> String {
    drf.strip_suffix('Z')
        .map_or_else(|| drf.to_owned(), |t| format!("{t}+00:00"))
}

/// `room_updated` on `<slug>.rooms` in the 2026 envelope (§15.1).
pub(crate) fn publish_room_updated(state: &AppState, slug: &str, room: &Value) {
    let ts = now_isoformat();
    state.hub.publish(
        &format!("{slug}.rooms"),
        "room_updated",
        &json!({
            "category": "rooms",
            "type": "room_updated",
            "payload": room,
            "meta": {"hotel_slug": slug, "event_id": format!("room-{}-{ts}", room["room_number"]),
                     "ts": ts, "scope": {"room_number": room["room_number"]}},
        }),
    );
}
