//! My shifts and my hours as both generations serve them (API.md §14), quirks included: the
//! shapes of both (§14.2, §14.4), and fd6c529's reads, open to any signed-in person of any hotel
//! (§14.2: all logs of all hotels, `shifts/` scoped only by its query, `hours_worked` never
//! served). The 2026 reads are [`super::my_attendance_2026`]. Clock logs are UTC; shifts are the
//! hotel's naive wall clock (§14.5).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::get;
use axum::{Json, Router};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::auth::Caller;
use crate::errors::ApiError;
use crate::pagination::{PageRequest, PAGE_SIZE};
use crate::people::{self, Staff};
use crate::state::AppState;

/// The classic (fd6c529) reads, under the legacy `/api/attendance/` mount.
pub(crate) fn classic_routes() -> Router<AppState> {
    Router::new()
        .route("/api/attendance/clock-logs/", get(classic_logs))
        .route(
            "/api/attendance/clock-logs/department-logs/",
            get(department_logs),
        )
        .route("/api/attendance/{hotel_slug}/shifts/", get(classic_shifts))
        .route("/api/attendance/{hotel_slug}/periods/", get(periods))
}

/// One stored clock log.
pub(super) struct Log {
    pub(super) id: i64,
    pub(super) staff_id: i64,
    time_in: String,
    time_out: Option<String>,
    hours_worked: Option<String>,
    is_unrostered: bool,
    is_approved: bool,
    is_rejected: bool,
    total_break_minutes: i64,
    roster_shift_id: Option<i64>,
}

const LOG_COLUMNS: &str =
    "l.id, l.staff_id, l.time_in, l.time_out, l.hours_worked, l.is_unrostered, \
     l.is_approved, l.is_rejected, l.total_break_minutes, l.roster_shift_id";

fn read_log(r: &rusqlite::Row<'_>) -> rusqlite::Result<Log> {
    Ok(Log {
        id: r.get(0)?,
        staff_id: r.get(1)?,
        time_in: r.get(2)?,
        time_out: r.get(3)?,
        hours_worked: r.get(4)?,
        is_unrostered: r.get(5)?,
        is_approved: r.get(6)?,
        is_rejected: r.get(7)?,
        total_break_minutes: r.get(8)?,
        roster_shift_id: r.get(9)?,
    })
}

/// Logs matching `filter` (an SQL condition on `l` and `h`, the hotel), newest `time_in` first.
pub(super) fn logs_where(
    db: &Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> rusqlite::Result<Vec<Log>> {
    let sql = format!(
        "SELECT {LOG_COLUMNS} FROM clock_logs l JOIN hotels h ON h.id = l.hotel_id \
         JOIN staff s ON s.id = l.staff_id LEFT JOIN departments d ON d.id = s.department_id \
         WHERE {filter} ORDER BY l.time_in DESC, l.id DESC"
    );
    let mut stmt = db.prepare(&sql)?;
    let rows = stmt.query_map(args, read_log)?;
    rows.collect()
}

fn department(staff: Option<&Staff>) -> Value {
    staff.and_then(|s| s.department.as_ref()).map_or(
        json!({"name": "N/A", "slug": null}),
        |d| json!({"name": d.name, "slug": d.slug}),
    )
}

/// A log as fd6c529's serializer shows it: 11 keys, no `hours_worked` (§14.2).
fn classic_json(db: &Connection, log: &Log) -> rusqlite::Result<Value> {
    let staff = people::by_id(db, log.staff_id)?;
    Ok(json!({
        "id": log.id,
        "staff": log.staff_id,
        "staff_name": staff.as_ref().map(Staff::full_name),
        "hotel": staff.as_ref().map(|s| s.hotel_id),
        "hotel_slug": staff.as_ref().map(|s| s.hotel_slug.clone()),
        "time_in": log.time_in,
        "time_out": log.time_out,
        "verified_by_face": false,
        "location_note": null,
        "auto_clock_out": false,
        "department": department(staff.as_ref()),
    }))
}

/// `time_out − time_in` in hours, two decimals (`"7.52"`), for a closed log.
pub(crate) fn hours_between(time_in: &str, time_out: &str) -> Option<String> {
    let start = chrono::DateTime::parse_from_rfc3339(time_in).ok()?;
    let end = chrono::DateTime::parse_from_rfc3339(time_out).ok()?;
    let hours = (end - start).num_seconds() as f64 / 3600.0;
    Some(format!("{hours:.2}"))
}

/// A log as 12e538a's serializer shows it: the 25 keys of §14.4; `hours_worked` as stored
/// (null where the path that closed it wrote none), unless `hours` says otherwise.
pub(super) fn log_json_2026(
    db: &Connection,
    log: &Log,
    hours: Option<String>,
) -> rusqlite::Result<Value> {
    let mut v = classic_json(db, log)?;
    let shift = match log.roster_shift_id {
        Some(id) => shift_by_id(db, id)?.map(|s| {
            json!({"id": s.id, "date": s.shift_date, "start": s.shift_start, "end": s.shift_end,
                   "location": s.location_name, "department": s.department.map(|d| d.0)})
        }),
        None => None,
    };
    if let Value::Object(map) = &mut v {
        map.insert("verified_by_face".into(), json!(log.is_unrostered));
        for (key, value) in [
            ("staff_image", Value::Null),
            (
                "hours_worked",
                json!(hours.or_else(|| log.hours_worked.clone())),
            ),
            ("roster_shift", json!(shift)),
            ("is_unrostered", json!(log.is_unrostered)),
            ("is_approved", json!(log.is_approved)),
            ("is_rejected", json!(log.is_rejected)),
            ("break_warning_sent", json!(false)),
            ("overtime_warning_sent", json!(false)),
            ("hard_limit_warning_sent", json!(false)),
            ("long_session_ack_mode", Value::Null),
            ("is_on_break", json!(false)),
            ("break_start", Value::Null),
            ("break_end", Value::Null),
            ("total_break_minutes", json!(log.total_break_minutes)),
        ] {
            map.insert(key.into(), value);
        }
    }
    Ok(v)
}

/// The 2026 log `id` of hotel `hotel_id`, as its serializer shows it (`hours` overriding the
/// stored `hours_worked`, as the `force-clock-out` answer does).
pub(crate) fn log_2026(
    db: &Connection,
    id: i64,
    hours: Option<String>,
) -> rusqlite::Result<Option<Value>> {
    let log = logs_where(db, "l.id = ?1", &[&id])?.into_iter().next();
    log.map(|log| log_json_2026(db, &log, hours)).transpose()
}

fn classic_only(state: &AppState) -> Result<(), ApiError> {
    match state.generation {
        crate::Generation::Classic => Ok(()),
        crate::Generation::Hotelmate2026 => {
            Err(ApiError::detail(StatusCode::NOT_FOUND, "Not found."))
        }
    }
}

/// `GET /api/attendance/clock-logs/`: every log of every hotel, 10 a page (§14.2).
async fn classic_logs(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    classic_only(&state)?;
    caller.require_user()?;
    let page = PageRequest::new(&headers, &uri, &state.base_url);
    let db = state.db();
    let logs = logs_where(&db, "1 = 1", &[])?;
    let page = page.paginate_rows(&logs, PAGE_SIZE, |log| {
        classic_json(&db, log).unwrap_or(Value::Null)
    })?;
    Ok(Json(page))
}

/// `GET /api/attendance/clock-logs/department-logs/?hotel_slug=<slug>[&department_slug=<d>]`:
/// that hotel's logs (any hotel), optionally one department's staff (§14.2).
async fn department_logs(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    classic_only(&state)?;
    caller.require_user()?;
    let page = PageRequest::new(&headers, &uri, &state.base_url);
    let slug = page.param("hotel_slug").ok_or_else(|| {
        ApiError::detail(
            StatusCode::BAD_REQUEST,
            "hotel_slug query parameter required",
        )
    })?;
    let db = state.db();
    let logs = match page.param("department_slug") {
        Some(dept) => logs_where(&db, "h.slug = ?1 AND d.slug = ?2", &[&slug, &dept])?,
        None => logs_where(&db, "h.slug = ?1", &[&slug])?,
    };
    let page = page.paginate_rows(&logs, PAGE_SIZE, |log| {
        classic_json(&db, log).unwrap_or(Value::Null)
    })?;
    Ok(Json(page))
}

/// One stored shift.
pub(super) struct Shift {
    id: i64,
    hotel_id: i64,
    staff_id: i64,
    period: Option<(i64, String)>,
    shift_date: String,
    shift_start: String,
    shift_end: String,
    break_start: Option<String>,
    break_end: Option<String>,
    shift_type: String,
    notes: Option<String>,
    location_name: Option<String>,
    created_at: String,
    updated_at: String,
    /// (slug, name) of the staff member's department.
    department: Option<(String, String)>,
}

const SHIFT_SELECT: &str = "SELECT r.id, r.hotel_id, r.staff_id, p.id, p.title, r.shift_date, r.shift_start, \
     r.shift_end, r.break_start, r.break_end, r.shift_type, r.notes, r.location_name, r.created_at, r.updated_at, \
     d.slug, d.name FROM roster_shifts r JOIN staff s ON s.id = r.staff_id \
     LEFT JOIN roster_periods p ON p.id = r.period_id LEFT JOIN departments d ON d.id = s.department_id";

fn read_shift(r: &rusqlite::Row<'_>) -> rusqlite::Result<Shift> {
    let period: Option<i64> = r.get(3)?;
    let dept: Option<String> = r.get(15)?;
    Ok(Shift {
        id: r.get(0)?,
        hotel_id: r.get(1)?,
        staff_id: r.get(2)?,
        period: period
            .map(|id| Ok::<_, rusqlite::Error>((id, r.get(4)?)))
            .transpose()?,
        shift_date: r.get(5)?,
        shift_start: r.get(6)?,
        shift_end: r.get(7)?,
        break_start: r.get(8)?,
        break_end: r.get(9)?,
        shift_type: r.get(10)?,
        notes: r.get(11)?,
        location_name: r.get(12)?,
        created_at: r.get(13)?,
        updated_at: r.get(14)?,
        department: dept
            .map(|slug| Ok::<_, rusqlite::Error>((slug, r.get(16)?)))
            .transpose()?,
    })
}

fn shift_by_id(db: &Connection, id: i64) -> rusqlite::Result<Option<Shift>> {
    db.query_row(&format!("{SHIFT_SELECT} WHERE r.id = ?1"), [id], read_shift)
        .optional()
}

/// What narrows a shift list: the query's own filters (§14.2, §14.3).
#[derive(Default)]
pub(super) struct ShiftFilter {
    pub(super) hotel_slug: Option<String>,
    pub(super) staff: Option<i64>,
    pub(super) period: Option<i64>,
    /// Both ends, inclusive; one alone is ignored.
    pub(super) range: Option<(String, String)>,
}

pub(super) fn shifts_where(db: &Connection, filter: &ShiftFilter) -> rusqlite::Result<Vec<Shift>> {
    let sql = format!(
        "{SHIFT_SELECT} JOIN hotels h ON h.id = r.hotel_id \
         WHERE (?1 IS NULL OR h.slug = ?1) AND (?2 IS NULL OR r.staff_id = ?2) \
         AND (?3 IS NULL OR r.period_id = ?3) AND (?4 IS NULL OR r.shift_date >= ?4) \
         AND (?5 IS NULL OR r.shift_date <= ?5) ORDER BY r.shift_date, r.shift_start, r.id"
    );
    let (start, end) = filter.range.clone().unzip();
    let mut stmt = db.prepare(&sql)?;
    let rows = stmt.query_map(
        params![filter.hotel_slug, filter.staff, filter.period, start, end],
        read_shift,
    )?;
    rows.collect()
}

/// The 22 keys of §14.4 (20 without a department and a period).
pub(super) fn shift_json(db: &Connection, s: &Shift) -> rusqlite::Result<Value> {
    let staff = people::by_id(db, s.staff_id)?;
    let hotel: Option<(String, String)> = db
        .query_row(
            "SELECT name, slug FROM hotels WHERE id = ?1",
            [s.hotel_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (hotel_name, hotel_slug) = hotel.unwrap_or_default();
    let night = s.shift_end < s.shift_start;
    let expected = hours_of_day(&s.shift_start, &s.shift_end).map(|h| {
        let pause = match (&s.break_start, &s.break_end) {
            (Some(a), Some(b)) => hours_of_day(a, b).unwrap_or(0.0),
            _ => 0.0,
        };
        format!("{:.2}", h - pause)
    });
    let mut v = json!({
        "id": s.id, "hotel": s.hotel_id, "staff": s.staff_id,
        "staff_name": staff.as_ref().map(Staff::full_name),
        "department": s.department.as_ref().map(|d| d.0.clone()),
        "period": s.period.as_ref().map(|p| p.0),
        "shift_date": s.shift_date, "shift_start": s.shift_start, "shift_end": s.shift_end,
        "break_start": s.break_start, "break_end": s.break_end, "shift_type": s.shift_type,
        "is_split_shift": s.shift_type == "split", "is_night_shift": night,
        "expected_hours": expected, "approved_by": null, "notes": s.notes,
        "created_at": s.created_at, "updated_at": s.updated_at,
        "location": s.location_name.as_ref().map(|name| json!({
            "id": s.hotel_id * 100 + 1, "name": name, "color": "#0d6efd", "hotel": s.hotel_id,
            "hotel_name": hotel_name, "hotel_slug": hotel_slug,
        })),
    });
    if let Value::Object(map) = &mut v {
        if let Some((_, name)) = &s.department {
            map.insert("department_name".into(), json!(name));
        }
        if let Some((_, title)) = &s.period {
            map.insert("period_title".into(), json!(title));
        }
    }
    Ok(v)
}

/// Hours from `start` to `end` (`HH:MM:SS`), past midnight when `end` is earlier.
fn hours_of_day(start: &str, end: &str) -> Option<f64> {
    let at = |t: &str| chrono::NaiveTime::parse_from_str(t, "%H:%M:%S").ok();
    let (a, b) = (at(start)?, at(end)?);
    let mut secs = (b - a).num_seconds();
    if secs < 0 {
        secs += 86_400;
    }
    Some(secs as f64 / 3600.0)
}

/// A query's `start`/`end` (both or neither) and `period`; malformed → the server's 500.
pub(super) fn read_filter(
    page: &PageRequest,
    crash: fn(&str) -> ApiError,
) -> Result<ShiftFilter, ApiError> {
    let date = |key: &str| -> Result<Option<String>, ApiError> {
        page.param(key)
            .map(|d| {
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map(|_| d.to_owned())
                    .map_err(|_| crash(&format!("“{d}” value has an invalid date format.")))
            })
            .transpose()
    };
    let id = |key: &str| -> Result<Option<i64>, ApiError> {
        page.param(key)
            .map(|v| {
                v.parse()
                    .map_err(|_| crash(&format!("Field 'id' expected a number but got '{v}'.")))
            })
            .transpose()
    };
    let range = match (date("start")?, date("end")?) {
        (Some(start), Some(end)) => Some((start, end)),
        _ => None,
    };
    Ok(ShiftFilter {
        range,
        period: id("period")?,
        staff: match id("staff")? {
            Some(staff) => Some(staff),
            None => id("staff_id")?,
        },
        hotel_slug: page.param("hotel_slug").map(str::to_owned),
    })
}

fn classic_crash(message: &str) -> ApiError {
    ApiError::crash("ValidationError", message)
}

/// `GET /api/attendance/<any slug>/shifts/`: a plain array scoped only by the query (§14.2):
/// without `hotel_slug` every hotel's, without `staff` everyone's.
async fn classic_shifts(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    classic_only(&state)?;
    caller.require_user()?;
    let page = PageRequest::new(&headers, &uri, &state.base_url);
    let filter = read_filter(&page, classic_crash)?;
    let db = state.db();
    let shifts = shifts_where(&db, &filter)?;
    let items = shifts
        .iter()
        .map(|s| shift_json(&db, s))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(Value::Array(items)))
}

/// `GET /api/attendance/<slug>/periods/`: the path slug's hotel, drafts included, any reader.
async fn periods(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    classic_only(&state)?;
    caller.require_user()?;
    let db = state.db();
    let hotel: Option<i64> = db
        .query_row("SELECT id FROM hotels WHERE slug = ?1", [&slug], |r| {
            r.get(0)
        })
        .optional()?;
    let hotel = hotel.ok_or_else(|| ApiError::no_match("Hotel"))?;
    let mut stmt = db.prepare(
        "SELECT id, title, start_date, end_date, published FROM roster_periods WHERE hotel_id = ?1 ORDER BY id",
    )?;
    let items = stmt
        .query_map([hotel], |r| {
            Ok(json!({"id": r.get::<_, i64>(0)?, "title": r.get::<_, String>(1)?, "hotel": hotel,
                      "start_date": r.get::<_, String>(2)?, "end_date": r.get::<_, String>(3)?,
                      "created_by": null, "created_by_name": null, "published": r.get::<_, bool>(4)?}))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(Value::Array(items)))
}
