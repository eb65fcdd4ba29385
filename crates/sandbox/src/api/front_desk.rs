//! The 2026 backend's room bookings (API.md §15.2), under `/api/staff/hotel/<slug>/`: the list
//! with its buckets and `bucket_counts` (`room-bookings/`) and a booking's detail
//! (`room-bookings/<booking_id>/`). Faults kept (§15.5): no booking event is ever sent. The
//! classic backend has none of these paths (404). The rooms' side is `housekeeping.rs`; the
//! data and the seeded day are `crate::front_desk`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Json;
use rusqlite::{params, OptionalExtension, Row};
use serde_json::{json, Map, Value};

use crate::auth::Caller;
use crate::errors::ApiError;
use crate::front_desk::hotel_date_in;
use crate::pagination::{PageRequest, PAGE_SIZE};
use crate::people::{self, Staff};
use crate::state::AppState;

/// The nine buckets of the list (§15.2).
const BUCKETS: [&str; 9] = [
    "arrivals",
    "departures",
    "in_house",
    "pending",
    "checked_out",
    "cancelled",
    "expired",
    "no_show",
    "overdue_checkout",
];

/// The orderings the list accepts, each also with `-`.
const ORDERINGS: [(&str, &str); 7] = [
    ("check_in", "check_in"),
    ("check_out", "check_out"),
    ("created_at", "created_at"),
    ("updated_at", "created_at"),
    ("booking_id", "booking_id"),
    ("status", "status"),
    ("total_amount", "CAST(total_amount AS REAL)"),
];

/// The caller, a staff member of `slug` on a 2026 sandbox (a classic one has no such path).
pub(crate) fn caller_2026(
    state: &AppState,
    caller: &Caller,
    slug: &str,
) -> Result<Staff, ApiError> {
    if state.generation != crate::Generation::Hotelmate2026 {
        return Err(ApiError::detail(StatusCode::NOT_FOUND, "Not found."));
    }
    let staff = caller.require_staff_of(slug)?;
    people::by_id(&state.db(), staff.staff_id)?.ok_or_else(|| ApiError::no_match("Staff"))
}

/// The SQL condition of a bucket over `room_bookings`, its dates `?1`..`?2`.
fn bucket_sql(bucket: &str) -> &'static str {
    match bucket {
        "arrivals" => {
            "check_in BETWEEN ?1 AND ?2 AND checked_in_at IS NULL \
             AND status IN ('CONFIRMED', 'PENDING_APPROVAL')"
        }
        "departures" => {
            "check_out BETWEEN ?1 AND ?2 AND checked_in_at IS NOT NULL AND checked_out_at IS NULL"
        }
        "in_house" => "checked_in_at IS NOT NULL AND checked_out_at IS NULL",
        "pending" => "status = 'PENDING_APPROVAL'",
        "checked_out" => "checked_out_at IS NOT NULL",
        "cancelled" => "status = 'CANCELLED'",
        "expired" => "status = 'EXPIRED'",
        "no_show" => "status = 'NO_SHOW'",
        "overdue_checkout" => {
            "check_out < ?1 AND checked_in_at IS NOT NULL AND checked_out_at IS NULL"
        }
        _ => "1",
    }
}

/// What the list is asked: its bucket, dates, text and room.
struct ListQuery {
    bucket: Option<String>,
    from: String,
    to: String,
    q: Option<String>,
    room: Option<i64>,
    order: String,
}

fn invalid_filter(field: &str, message: &str) -> ApiError {
    ApiError::json(
        StatusCode::BAD_REQUEST,
        json!({"error": {"code": "INVALID_FILTER_PARAMETERS",
                         "message": "Invalid filter parameters provided",
                         "details": {field: message}}}),
    )
}

fn read_query(request: &PageRequest) -> Result<ListQuery, ApiError> {
    let bucket = request.param("bucket").filter(|b| !b.is_empty());
    if let Some(bucket) = bucket {
        if !BUCKETS.contains(&bucket) {
            return Err(invalid_filter(
                "bucket",
                &format!("Select a valid choice. {bucket} is not one of the available choices."),
            ));
        }
    }
    let date = |key: &str| -> Result<Option<String>, ApiError> {
        match request.param(key).filter(|d| !d.is_empty()) {
            None => Ok(None),
            Some(d) if d.parse::<jiff::civil::Date>().is_ok() => Ok(Some(d.to_owned())),
            Some(_) => Err(invalid_filter(key, "Enter a valid date.")),
        }
    };
    let today = hotel_date_in(0);
    let from = date("date_from")?.unwrap_or_else(|| today.clone());
    let to = date("date_to")?.unwrap_or(today);
    let ordering = request.param("ordering").unwrap_or("-created_at");
    let (descending, key) = match ordering.strip_prefix('-') {
        Some(key) => (true, key),
        None => (false, ordering),
    };
    let Some((_, column)) = ORDERINGS.iter().find(|(name, _)| *name == key) else {
        let allowed: Vec<String> = ORDERINGS
            .iter()
            .flat_map(|(name, _)| [(*name).to_owned(), format!("-{name}")])
            .collect();
        return Err(ApiError::json(
            StatusCode::BAD_REQUEST,
            json!({"error": {"code": "INVALID_ORDERING",
                             "message": format!("Invalid ordering: {ordering}. Allowed: {}", allowed.join(", ")),
                             "field": "ordering"}}),
        ));
    };
    Ok(ListQuery {
        bucket: bucket.map(str::to_owned),
        from,
        to,
        q: request
            .param("q")
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_lowercase),
        room: request.param("room_number").and_then(|r| r.parse().ok()),
        order: format!(
            "{column} {}, id DESC",
            if descending { "DESC" } else { "ASC" }
        ),
    })
}

const BOOKING_COLUMNS: &str = "booking_id, confirmation_number, status, check_in, check_out, \
    room_number, checked_in_at, checked_out_at, first_name, last_name, email, adults, children, \
    party_missing, special_requests, precheckin_submitted_at, total_amount, currency, \
    staff_seen_at, created_at";

/// The filters other than the bucket, as SQL over `?3` (hotel), `?4` (text), `?5` (room).
const FILTERS: &str = "hotel_id = ?3 \
    AND (?4 IS NULL OR instr(lower(first_name || ' ' || last_name || ' ' || booking_id || ' ' || \
         confirmation_number || ' ' || email || ' ' || COALESCE(room_number, '')), ?4) > 0) \
    AND (?5 IS NULL OR room_number = ?5)";

/// One booking as the list serializer shows it (§15.2: the keys a desk reads of the 43).
fn list_item(r: &Row<'_>) -> rusqlite::Result<Value> {
    let first: String = r.get(8)?;
    let last: String = r.get(9)?;
    let adults: i64 = r.get(11)?;
    let children: i64 = r.get(12)?;
    let missing: i64 = r.get(13)?;
    let room: Option<i64> = r.get(5)?;
    let check_in: String = r.get(3)?;
    let check_out: String = r.get(4)?;
    let nights = match (
        check_in.parse::<jiff::civil::Date>(),
        check_out.parse::<jiff::civil::Date>(),
    ) {
        (Ok(a), Ok(b)) => (b - a).get_days(),
        _ => 0,
    };
    let name = format!("{first} {last}");
    let seen: Option<String> = r.get(18)?;
    let total = adults + children;
    Ok(json!({
        "booking_id": r.get::<_, String>(0)?,
        "confirmation_number": r.get::<_, String>(1)?,
        "status": r.get::<_, String>(2)?,
        "check_in": check_in,
        "check_out": check_out,
        "nights": nights,
        "assigned_room_number": room,
        "room_number": room,
        "checked_in_at": r.get::<_, Option<String>>(6)?,
        "checked_out_at": r.get::<_, Option<String>>(7)?,
        "booker_type": "SELF",
        "booker_summary": name,
        "guest_display_name": name,
        "party_primary_full_name": name,
        "primary_email": r.get::<_, String>(10)?,
        "booker_email": r.get::<_, String>(10)?,
        "party_total_count": total,
        "party_complete": missing == 0,
        "party_missing_count": missing,
        "party_status_display": if missing == 0 { "Complete".to_owned() } else { format!("{missing} guest name(s) missing") },
        "precheckin_submitted_at": r.get::<_, Option<String>>(15)?,
        "total_amount": r.get::<_, String>(16)?,
        "currency": r.get::<_, String>(17)?,
        "is_overstay": false,
        "overstay_minutes": 0,
        "staff_seen_at": seen,
        "staff_seen_by": null,
        "staff_seen_by_display": null,
        "is_new_for_staff": seen.is_none(),
        "created_at": r.get::<_, String>(19)?,
        "updated_at": r.get::<_, String>(19)?,
        "special_requests_": r.get::<_, String>(14)?,
    }))
}

/// `GET room-bookings/?bucket=&date_from=&date_to=&q=&room_number=&ordering=&page=N` →
/// `{count, next, previous, results, bucket_counts}`, 10 a page (`page_size` ignored).
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let request = PageRequest::new(&headers, &uri, &state.base_url);
    let query = read_query(&request)?;
    let db = state.db();
    let args = params![
        query.from,
        query.to,
        staff.hotel_id,
        query.q.as_deref(),
        query.room
    ];
    let mut counts = Map::new();
    let mut total = 0;
    for bucket in BUCKETS {
        let n: i64 = db.query_row(
            &format!(
                "SELECT COUNT(*) FROM room_bookings WHERE {FILTERS} AND {}",
                bucket_sql(bucket)
            ),
            args,
            |r| r.get(0),
        )?;
        counts.insert(bucket.into(), n.into());
    }
    let condition = bucket_sql(query.bucket.as_deref().unwrap_or(""));
    let rows: Vec<Value> = db
        .prepare(&format!(
            "SELECT {BOOKING_COLUMNS} FROM room_bookings WHERE {FILTERS} AND {condition} \
             ORDER BY {}",
            query.order
        ))?
        .query_map(args, list_item)?
        .collect::<rusqlite::Result<_>>()?;
    total += rows.len();
    counts.insert(String::new(), total.into());
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|mut row| {
            if let Value::Object(fields) = &mut row {
                fields.remove("special_requests_");
            }
            row
        })
        .collect();
    let mut page = request.paginate(rows, PAGE_SIZE)?;
    page["bucket_counts"] = Value::Object(counts);
    Ok(Json(page))
}

/// `GET room-bookings/<booking_id>/` → the detail serializer (§15.2).
pub(crate) async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, booking_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = caller_2026(&state, &caller, &slug)?;
    let db = state.db();
    detail_value(&db, staff.hotel_id, &booking_id)?
        .map(Json)
        .ok_or_else(|| {
            ApiError::json(
                StatusCode::NOT_FOUND,
                json!({"detail": "No RoomBooking matches the given query."}),
            )
        })
}

/// The detail serializer's answer for `booking_id` of hotel `hotel_id`, `None` when there is no
/// such booking (the stay actions of `stays.rs` answer with it too).
pub(crate) fn detail_value(
    db: &rusqlite::Connection,
    hotel_id: i64,
    booking_id: &str,
) -> Result<Option<Value>, ApiError> {
    let found = db
        .query_row(
            &format!(
                "SELECT {BOOKING_COLUMNS} FROM room_bookings WHERE hotel_id = ?1 AND booking_id = ?2"
            ),
            params![hotel_id, booking_id],
            list_item,
        )
        .optional()?;
    let Some(mut row) = found else {
        return Ok(None);
    };
    let room = match row["room_number"].as_i64() {
        Some(number) => db
            .query_row(
                "SELECT id, room_number, room_type, room_status FROM hk_rooms
                 WHERE hotel_id = ?1 AND room_number = ?2",
                params![hotel_id, number],
                |r| {
                    Ok(
                        json!({"id": r.get::<_, i64>(0)?, "room_number": r.get::<_, i64>(1)?,
                              "room_type": r.get::<_, String>(2)?,
                              "room_status": r.get::<_, String>(3)?}),
                    )
                },
            )
            .optional()?
            .unwrap_or(Value::Null),
        None => Value::Null,
    };
    let name = row["guest_display_name"].clone();
    let total = row["party_total_count"].as_i64().unwrap_or(1);
    let missing = row["party_missing_count"].as_i64().unwrap_or(0);
    let guests: Vec<Value> = (0..total)
        .map(|n| {
            if n == 0 {
                json!({"role": "PRIMARY", "full_name": name, "is_named": true})
            } else if n >= total - missing {
                json!({"role": "COMPANION", "full_name": "", "is_named": false})
            } else {
                json!({"role": "COMPANION", "full_name": format!("Companion {n} of {}", name.as_str().unwrap_or("")), "is_named": true})
            }
        })
        .collect();
    if let Value::Object(fields) = &mut row {
        let requests = fields.remove("special_requests_").unwrap_or(Value::Null);
        fields.insert("special_requests".into(), requests);
        fields.insert(
            "party".into(),
            json!({"primary": {"full_name": name}, "guests": guests, "total_count": total,
                   "missing_count": missing, "complete": missing == 0}),
        );
        fields.insert("room".into(), room);
        fields.insert("booker".into(), json!({"type": "SELF", "name": name}));
        fields.insert(
            "flags".into(),
            json!({"is_new_for_staff": fields.get("is_new_for_staff")}),
        );
        let in_house = !fields["checked_in_at"].is_null() && fields["checked_out_at"].is_null();
        fields.insert("in_house".into(), in_house.into());
        fields.insert("precheckin_payload".into(), json!({}));
        fields.insert("internal_notes".into(), "".into());
    }
    Ok(Some(row))
}
