//! Staff on duty (API.md §7 and Decision 5): the token clock toggle `POST /api/staff/<slug>/clock/` with its
//! `clock-status-updated` event, the staff-chat staff list (§7.2), and the face clock endpoint's answers
//! (§13.18: no faces are registered in the sandbox, so a well-formed descriptor is never recognised).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Json;
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

use super::hotel_channel;
use crate::auth::Caller;
use crate::body::RawBody;
use crate::errors::ApiError;
use crate::pagination::PageRequest;
use crate::people;
use crate::state::AppState;
use crate::timefmt::{now_drf, now_isoformat};

const STAFF_LIST_PAGE_SIZE: usize = 50;
const STAFF_LIST_MAX_PAGE_SIZE: usize = 200;
const FACE_DESCRIPTOR_LEN: usize = 128;

/// Toggles a staff member's duty, records the clock log and fires `clock-status-updated`.
/// Shared by the REST endpoint and the simulator. Returns (is_on_duty, clock_time).
pub(crate) fn toggle_clock(state: &AppState, staff_id: i64) -> Result<(bool, String), ApiError> {
    let staff = {
        let db = state.db();
        let staff = people::by_id(&db, staff_id)?.ok_or_else(|| ApiError::no_match("Staff"))?;
        let on = !staff.is_on_duty;
        db.execute(
            "UPDATE staff SET is_on_duty = ?1 WHERE id = ?2",
            params![on as i64, staff.id],
        )?;
        if on {
            db.execute(
                "INSERT INTO clock_logs (staff_id, hotel_id, time_in) VALUES (?1, ?2, ?3)",
                params![staff.id, staff.hotel_id, now_drf()],
            )?;
        } else {
            db.execute(
                "UPDATE clock_logs SET time_out = ?1 WHERE staff_id = ?2 AND time_out IS NULL",
                params![now_drf(), staff.id],
            )?;
        }
        staff
    };
    let is_on_duty = !staff.is_on_duty;
    let clock_time = now_isoformat();
    if state.generation == crate::Generation::Hotelmate2026 {
        // §10.2: the 2026 backend tells `<slug>.attendance`, in its envelope; the hotel
        // channel carries nothing.
        super::attendance::publish_2026(state, &staff, is_on_duty, &clock_time);
        return Ok((is_on_duty, clock_time));
    }
    state.hub.publish(
        &hotel_channel(&staff.hotel_slug),
        "clock-status-updated",
        &json!({
            "user_id": staff.user_id,
            "staff_id": staff.id,
            "is_on_duty": is_on_duty,
            "clock_time": clock_time,
            "first_name": staff.first_name,
            "last_name": staff.last_name,
            "action": if is_on_duty { "clock_in" } else { "clock_out" },
            "department": staff.department.as_ref().map(|d| d.name.clone()),
            "department_slug": staff.department.as_ref().map(|d| d.slug.clone()),
        }),
    );
    Ok((is_on_duty, clock_time))
}

/// `POST /api/staff/<slug>/clock/`.
pub(crate) async fn clock(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller.require_staff_of(&slug)?;
    if !state.token_clock.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(ApiError::forbidden(
            "You do not have permission to perform this action.",
        ));
    }
    let (is_on_duty, clock_time) = toggle_clock(&state, staff.staff_id)?;
    Ok(Json(
        json!({"success": true, "is_on_duty": is_on_duty, "clock_time": clock_time}),
    ))
}

/// `GET /api/staff/hotel/<slug>/staff_chat/staff-list/`: active colleagues, caller excluded; an empty list
/// (not an error) when the slug is not the caller's hotel.
pub(crate) async fn staff_list(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let user = caller.require_user()?;
    let page = PageRequest::new(&headers, &uri, &state.base_url);
    let size = page
        .param("page_size")
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .map_or(STAFF_LIST_PAGE_SIZE, |n| n.min(STAFF_LIST_MAX_PAGE_SIZE));
    let search = page
        .param("search")
        .map(str::to_lowercase)
        .unwrap_or_default();
    let items: Vec<Value> = match &user.staff {
        Some(me) if me.hotel_slug == slug => {
            people::colleagues(&state.db(), me.hotel_id, me.staff_id)?
                .iter()
                .filter(|s| {
                    search.is_empty()
                        || [
                            s.first_name.as_str(),
                            s.last_name.as_str(),
                            s.email.as_str(),
                            s.department.as_ref().map_or("", |d| d.name.as_str()),
                            s.role.as_ref().map_or("", |r| r.name.as_str()),
                        ]
                        .iter()
                        .any(|f| f.to_lowercase().contains(&search))
                })
                .map(|s| s.list_item(&state))
                .collect()
        }
        _ => Vec::new(),
    };
    Ok(Json(page.paginate(items, size)?))
}

/// `POST /api/attendance/clock-logs/face-clock-in/<slug>/`.
pub(crate) async fn face_clock_in(
    State(_state): State<AppState>,
    caller: Caller,
    Path(_slug): Path<String>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    caller.require_user()?;
    let data = body.parse().await?;
    let ok = matches!(data.get("descriptor"), Some(Value::Array(d)) if d.len() == FACE_DESCRIPTOR_LEN && d.iter().all(Value::is_number));
    if !ok {
        return Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            "A 128\u{2011}length descriptor array is required.",
        ));
    }
    Err(ApiError::error(
        StatusCode::UNAUTHORIZED,
        "Face not recognized.",
    ))
}

/// `GET /api/attendance/clock-logs/status/?hotel_slug=<slug>`: from the caller's latest clock log.
pub(crate) async fn clock_status(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let user = caller.require_user()?;
    let page = PageRequest::new(&headers, &uri, &state.base_url);
    let missing = || ApiError::error(StatusCode::BAD_REQUEST, "Missing staff or hotel.");
    let slug = page.param("hotel_slug").ok_or_else(missing)?;
    let staff = user
        .staff
        .as_ref()
        .filter(|s| s.hotel_slug == slug)
        .ok_or_else(missing)?;
    let latest: Option<(String, Option<String>)> = state
        .db()
        .query_row(
            "SELECT time_in, time_out FROM clock_logs WHERE staff_id = ?1 ORDER BY time_in DESC, id DESC LIMIT 1",
            [staff.staff_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(Json(match latest {
        None => json!({"status": "not_clocked_in"}),
        Some((_, Some(out))) => json!({"status": "clocked_out", "last_log": out}),
        Some((since, None)) => json!({"status": "clocked_in", "since": since}),
    }))
}

/// `GET /api/attendance/clock-logs/currently-clocked-in/?hotel_slug=<slug>`: open clock logs, newest first,
/// paginated, with no hotel-membership check.
pub(crate) async fn currently_clocked_in(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    caller.require_user()?;
    let page = PageRequest::new(&headers, &uri, &state.base_url);
    let slug = page
        .param("hotel_slug")
        .ok_or_else(|| ApiError::error(StatusCode::BAD_REQUEST, "Missing staff or hotel."))?
        .to_string();
    let items: Vec<Value> = {
        let db = state.db();
        let mut stmt = db.prepare(
            "SELECT l.id, l.staff_id, l.hotel_id, h.slug, l.time_in, l.time_out FROM clock_logs l
             JOIN hotels h ON h.id = l.hotel_id WHERE h.slug = ?1 AND l.time_out IS NULL ORDER BY l.time_in DESC, l.id DESC",
        )?;
        let rows: Vec<(i64, i64, i64, String, String, Option<String>)> = stmt
            .query_map([&slug], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut items = Vec::with_capacity(rows.len());
        for (id, staff_id, hotel_id, hotel_slug, time_in, time_out) in rows {
            let staff = people::by_id(&db, staff_id)?;
            items.push(json!({
                "id": id,
                "staff": staff_id,
                "staff_name": staff.as_ref().map(people::Staff::full_name),
                "hotel": hotel_id,
                "hotel_slug": hotel_slug,
                "time_in": time_in,
                "time_out": time_out,
                "verified_by_face": false,
                "location_note": null,
                "auto_clock_out": false,
                "department": staff
                    .as_ref()
                    .and_then(|s| s.department.as_ref())
                    .map_or(json!({"name": "N/A", "slug": null}), |d| json!({"name": d.name, "slug": d.slug})),
            }));
        }
        items
    };
    Ok(Json(page.paginate(items, crate::pagination::PAGE_SIZE)?))
}

/// `GET /api/staff/<slug>/`: the staff list of `StaffViewSet` needs a superuser at fd6c529.
pub(crate) async fn staff_viewset_list(caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require_user()?;
    Err(ApiError::forbidden(
        "You do not have permission to perform this action.",
    ))
}
