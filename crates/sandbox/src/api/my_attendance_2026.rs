//! My shifts and my hours at 12e538a (API.md §14.3, §14.6): regular staff read their own logs
//! and shifts (`shifts/mine/` includes drafts), the hotel's shifts and periods are 403, and a
//! manager's approval or rejection of an unrostered clock-in is told on the person's own
//! channel. The shapes are [`super::my_attendance`]'s.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::params;
use serde_json::{json, Value};

use super::my_attendance::{
    log_json_2026, logs_where, read_filter, shift_json, shifts_where, Log, ShiftFilter,
};
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::pagination::{PageRequest, PAGE_SIZE};
use crate::people::{self, Staff};
use crate::state::AppState;
use crate::timefmt::now_drf;

/// The 2026 (12e538a) reads and a manager's approval, under `/api/staff/hotel/<slug>/attendance/`.
pub(crate) fn routes_2026() -> Router<AppState> {
    const AT: &str = "/api/staff/hotel/{hotel_slug}/attendance";
    Router::new()
        .route(&format!("{AT}/clock-logs/"), get(own_logs))
        .route(&format!("{AT}/clock-logs/{{pk}}/"), get(own_log))
        .route(&format!("{AT}/clock-logs/{{pk}}/approve/"), post(approve))
        .route(&format!("{AT}/clock-logs/{{pk}}/reject/"), post(reject))
        .route(&format!("{AT}/shifts/mine/"), get(my_shifts))
        .route(&format!("{AT}/shifts/"), get(no_shifts))
        .route(&format!("{AT}/roster-periods/"), get(no_periods))
}

/// The caller, a staff member of `slug` on a 2026 sandbox.
fn staff_2026(state: &AppState, caller: &Caller, slug: &str) -> Result<Staff, ApiError> {
    if state.generation != crate::Generation::Hotelmate2026 {
        return Err(ApiError::detail(StatusCode::NOT_FOUND, "Not found."));
    }
    let staff = caller.require_staff_of(slug)?;
    people::by_id(&state.db(), staff.staff_id)?.ok_or_else(|| ApiError::no_match("Staff"))
}

/// Whether the 2026 caller reads the whole hotel's logs (`attendance.log.read_all`: a
/// `super_staff_admin`, §14.3); everyone else reads their own.
fn reads_all(staff: &Staff) -> bool {
    staff.access_level == "super_staff_admin"
}

/// `GET …/attendance/clock-logs/`: own logs (the hotel's for `log.read_all`), 10 a page, no
/// filter read (§14.3).
async fn own_logs(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let staff = staff_2026(&state, &caller, &slug)?;
    let page = PageRequest::new(&headers, &uri, &state.base_url);
    let db = state.db();
    let logs = if reads_all(&staff) {
        logs_where(&db, "l.hotel_id = ?1", &[&staff.hotel_id])?
    } else {
        logs_where(
            &db,
            "l.hotel_id = ?1 AND l.staff_id = ?2",
            &[&staff.hotel_id, &staff.id],
        )?
    };
    let page = page.paginate_rows(&logs, PAGE_SIZE, |log| {
        log_json_2026(&db, log, None).unwrap_or(Value::Null)
    })?;
    Ok(Json(page))
}

/// `GET …/attendance/clock-logs/<id>/`: own log; another person's is a 404.
async fn own_log(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = staff_2026(&state, &caller, &slug)?;
    let id = super::parse_pk(&pk).ok_or_else(|| ApiError::no_match("ClockLog"))?;
    let db = state.db();
    let log = logs_where(
        &db,
        "l.id = ?1 AND l.hotel_id = ?2",
        &[&id, &staff.hotel_id],
    )?
    .into_iter()
    .find(|log| log.staff_id == staff.id || reads_all(&staff))
    .ok_or_else(|| ApiError::no_match("ClockLog"))?;
    Ok(Json(log_json_2026(&db, &log, None)?))
}

fn crash_2026(message: &str) -> ApiError {
    ApiError::server_error(message)
}

/// `GET …/attendance/shifts/mine/?start=&end=&period=`: own shifts, drafts included, a plain
/// array; without a range every shift ever (§14.3).
async fn my_shifts(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let staff = staff_2026(&state, &caller, &slug)?;
    let page = PageRequest::new(&headers, &uri, &state.base_url);
    let asked = read_filter(&page, crash_2026)?;
    let filter = ShiftFilter {
        hotel_slug: Some(staff.hotel_slug.clone()),
        staff: Some(staff.id),
        period: asked.period,
        range: asked.range,
    };
    let db = state.db();
    let shifts = shifts_where(&db, &filter)?;
    let items = shifts
        .iter()
        .map(|s| shift_json(&db, s))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(Value::Array(items)))
}

/// `GET …/attendance/shifts/`: the hotel's roster, 403 for regular staff (§14.3).
async fn no_shifts(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let staff = staff_2026(&state, &caller, &slug)?;
    if !reads_all(&staff) {
        return Err(ApiError::forbidden(
            "You do not have permission to read shifts.",
        ));
    }
    let db = state.db();
    let filter = ShiftFilter {
        hotel_slug: Some(staff.hotel_slug.clone()),
        ..ShiftFilter::default()
    };
    let items = shifts_where(&db, &filter)?
        .iter()
        .map(|s| shift_json(&db, s))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(Value::Array(items)))
}

/// `GET …/attendance/roster-periods/`: 403 for regular staff (§14.3).
async fn no_periods(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let staff = staff_2026(&state, &caller, &slug)?;
    if !reads_all(&staff) {
        return Err(ApiError::forbidden(
            "You do not have permission to read roster periods.",
        ));
    }
    Ok(Json(json!([])))
}

/// A manager's verdict on an unrostered clock-in: the log, its owner, and whether it was open.
fn judged(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    pk: &str,
) -> Result<(Staff, Log), ApiError> {
    let manager = staff_2026(state, caller, slug)?;
    if !manager.is_admin_2026() {
        return Err(ApiError::forbidden(
            "You do not have permission to approve attendance logs.",
        ));
    }
    let id = super::parse_pk(pk).ok_or_else(|| ApiError::no_match("ClockLog"))?;
    let db = state.db();
    let log = logs_where(
        &db,
        "l.id = ?1 AND l.hotel_id = ?2",
        &[&id, &manager.hotel_id],
    )?
    .into_iter()
    .next()
    .ok_or_else(|| ApiError::no_match("ClockLog"))?;
    Ok((manager, log))
}

/// The person's own attendance channel (§14.6).
pub(crate) fn staff_channel(slug: &str, staff_id: i64) -> String {
    format!("attendance-{slug}-staff-{staff_id}")
}

/// `POST …/clock-logs/<id>/approve/` (a manager): approved, and told on the owner's channel
/// with `clocklog-approved` (§14.6).
async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (manager, log) = judged(&state, &caller, &slug, &pk)?;
    state.db().execute(
        "UPDATE clock_logs SET is_approved = 1 WHERE id = ?1",
        [log.id],
    )?;
    state.hub.publish(
        &staff_channel(&slug, log.staff_id),
        "clocklog-approved",
        &json!({"clock_log_id": log.id, "message": "Your unrostered clock-in has been approved.",
                "approved_by": manager.first_name}),
    );
    Ok(Json(json!({"detail": "Clock log approved."})))
}

/// `POST …/clock-logs/<id>/reject/` (a manager): rejected and closed without `hours_worked`,
/// told only on the owner's channel with `clocklog-rejected` (§14.4, §14.6).
async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (manager, log) = judged(&state, &caller, &slug, &pk)?;
    {
        let db = state.db();
        db.execute(
            "UPDATE clock_logs SET is_rejected = 1, is_approved = 0, time_out = COALESCE(time_out, ?1) WHERE id = ?2",
            params![now_drf(), log.id],
        )?;
        db.execute(
            "UPDATE staff SET is_on_duty = 0 WHERE id = ?1",
            [log.staff_id],
        )?;
    }
    state.hub.publish(
        &staff_channel(&slug, log.staff_id),
        "clocklog-rejected",
        &json!({"clock_log_id": log.id,
                "message": "Your unrostered clock-in has been rejected and you have been clocked out.",
                "rejected_by": manager.first_name}),
    );
    Ok(Json(json!({"detail": "Clock log rejected."})))
}
