//! The 2026 backend's token clock (API.md §10.3), under `/api/staff/hotel/<slug>/attendance/`:
//! an unrostered clock-in "pending a manager's approval" (`clock-logs/unrostered-confirm/`), the
//! clock-out of that log (`clock-logs/<id>/force-clock-out/`), and the caller's state
//! (`clock-logs/status/`). Each sets the staff member's duty and tells `<slug>.attendance` with
//! `clock_status_updated` in the 2026 envelope. The classic backend has none of these paths.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

use crate::auth::Caller;
use crate::body::RawBody;
use crate::errors::ApiError;
use crate::people::{self, Staff};
use crate::state::AppState;
use crate::timefmt::{now_drf, now_isoformat};

/// The 2026 channel of a hotel's attendance events.
pub(crate) fn attendance_channel(slug: &str) -> String {
    format!("{slug}.attendance")
}

/// `clock_status_updated` on `<slug>.attendance` in the 2026 envelope (§10.2, the clock event
/// row): what the real backend sends after each clock in or out.
pub(crate) fn publish_2026(state: &AppState, staff: &Staff, on: bool, at: &str) {
    let duty = if on { "on_duty" } else { "off_duty" };
    state.hub.publish(
        &attendance_channel(&staff.hotel_slug),
        "clock_status_updated",
        &json!({
            "category": "attendance",
            "type": "clock_status_updated",
            "payload": {
                "staff_id": staff.id,
                "staff_name": format!("{} {}", staff.first_name, staff.last_name).trim(),
                "user_id": staff.user_id,
                "department": staff.department.as_ref().map(|d| d.name.clone()),
                "department_slug": staff.department.as_ref().map(|d| d.slug.clone()),
                "role": staff.role.as_ref().map(|r| r.name.clone()),
                "role_slug": staff.role.as_ref().map(|r| r.slug.clone()),
                "duty_status": duty,
                "action": if on { "clock_in" } else { "clock_out" },
                "timestamp": at,
                "source": "unrostered",
                "is_on_duty": on,
                "is_on_break": false,
                "current_status": {"status": duty, "label": if on { "On duty" } else { "Off duty" }},
            },
            "meta": {
                "hotel_slug": staff.hotel_slug,
                "event_id": format!("clock-{}-{}", staff.id, at),
                "ts": at,
                "scope": {"staff_id": staff.id},
            },
        }),
    );
}

/// The caller, a staff member of `slug` on a 2026 sandbox (a classic one has no such path).
fn caller_2026(state: &AppState, caller: &Caller, slug: &str) -> Result<Staff, ApiError> {
    if state.generation != crate::Generation::Hotelmate2026 {
        return Err(ApiError::detail(StatusCode::NOT_FOUND, "Not found."));
    }
    let staff = caller.require_staff_of(slug)?;
    people::by_id(&state.db(), staff.staff_id)?.ok_or_else(|| ApiError::no_match("Staff"))
}

/// `POST …/attendance/clock-logs/unrostered-confirm/ {"staff_id": <own id>}` → 201
/// `{action: "unrostered_clock_in_created", message, log}`; 400 when already clocked in.
pub(crate) async fn unrostered_confirm(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    body: RawBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let data = body.parse().await?;
    let named = data.get("staff_id").and_then(|id| {
        id.as_i64()
            .or_else(|| id.as_str().and_then(|s| s.trim().parse().ok()))
    });
    if named.is_some_and(|id| id != staff.id) {
        return Err(ApiError::forbidden(
            "You can only confirm an unrostered clock-in for yourself.",
        ));
    }
    let time_in = now_drf();
    let log = {
        let db = state.db();
        let open: Option<i64> = db
            .query_row(
                "SELECT id FROM clock_logs WHERE staff_id = ?1 AND time_out IS NULL",
                params![staff.id],
                |row| row.get(0),
            )
            .optional()?;
        if open.is_some() {
            return Err(ApiError::error(
                StatusCode::BAD_REQUEST,
                "Staff member is already clocked in.",
            ));
        }
        db.execute(
            "INSERT INTO clock_logs (staff_id, hotel_id, time_in, is_unrostered, is_approved) \
             VALUES (?1, ?2, ?3, 1, 0)",
            params![staff.id, staff.hotel_id, time_in],
        )?;
        let id = db.last_insert_rowid();
        db.execute(
            "UPDATE staff SET is_on_duty = 1 WHERE id = ?1",
            params![staff.id],
        )?;
        super::my_attendance::log_2026(&db, id, None)?
    };
    publish_2026(&state, &staff, true, &now_isoformat());
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "action": "unrostered_clock_in_created",
            "message": "Unrostered clock-in recorded, pending manager approval.",
            "log": log,
        })),
    ))
}

/// `POST …/attendance/clock-logs/<id>/force-clock-out/` → 200 for the log's owner.
pub(crate) async fn force_clock_out(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let id = super::parse_pk(&pk).ok_or_else(|| ApiError::no_match("ClockLog"))?;
    let time_out = now_drf();
    let (time_in, log) = {
        let db = state.db();
        let log: Option<(i64, String, Option<String>)> = db
            .query_row(
                "SELECT staff_id, time_in, time_out FROM clock_logs WHERE id = ?1 AND hotel_id = ?2",
                params![id, staff.hotel_id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let Some((owner, time_in, out)) = log else {
            return Err(ApiError::no_match("ClockLog"));
        };
        if owner != staff.id && !staff.is_admin_2026() {
            return Err(ApiError::forbidden(
                "You can only force-clock-out your own clock log.",
            ));
        }
        if out.is_some() {
            return Err(ApiError::detail(
                StatusCode::BAD_REQUEST,
                "Log is already closed.",
            ));
        }
        db.execute(
            "UPDATE clock_logs SET time_out = ?1 WHERE id = ?2",
            params![time_out, id],
        )?;
        db.execute(
            "UPDATE staff SET is_on_duty = 0 WHERE id = ?1",
            params![owner],
        )?;
        // §14.3: the answer says the hours, but they are not stored (a later read says null).
        let hours = super::my_attendance::hours_between(&time_in, &time_out);
        (time_in, super::my_attendance::log_2026(&db, id, hours)?)
    };
    tracing::debug!(%time_in, id, "clocked out by force-clock-out");
    publish_2026(&state, &staff, false, &now_isoformat());
    Ok(Json(json!({
        "detail": "Clocked out.",
        "action": "force_clock_out",
        "log": log,
    })))
}

/// `GET …/attendance/clock-logs/status/`: the caller's state, from their latest log
/// (`not_clocked_in`, `clocked_in` with `since`, `clocked_out` with `last_log`), no log id.
pub(crate) async fn status(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let last: Option<(String, Option<String>)> = state
        .db()
        .query_row(
            "SELECT time_in, time_out FROM clock_logs WHERE staff_id = ?1 ORDER BY time_in DESC, id DESC LIMIT 1",
            params![staff.id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    Ok(Json(match last {
        None => json!({"status": "not_clocked_in"}),
        Some((_, Some(out))) => json!({"status": "clocked_out", "last_log": out}),
        Some((since, None)) => json!({"status": "clocked_in", "since": since}),
    }))
}
