//! Session endpoints (API.md §2): `POST /api/staff/login/` and `GET /api/staff/<slug>/me/`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::OptionalExtension;
use serde_json::{json, Value};

use crate::auth::{check_password, get_or_create_token, Caller};
use crate::body::RawBody;
use crate::errors::ApiError;
use crate::people;
use crate::state::AppState;
use crate::validate::{expected_dictionary, Form};

/// `CustomAuthToken` (`ObtainAuthToken` + `StaffLoginOutputSerializer`).
pub(crate) async fn login(
    State(state): State<AppState>,
    _caller: Caller,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let data = body.parse().await?;
    if let Some(v) = &data.non_object_json {
        return Err(expected_dictionary(v));
    }
    let mut form = Form::new(&data, false);
    let username = form.string("username", None, true, false);
    // `AuthTokenSerializer.password` does not trim whitespace.
    let password = match data.get("password") {
        Some(Value::String(p)) if !p.is_empty() => Some(p.clone()),
        Some(Value::String(_)) => {
            form.fail("password", crate::validate::BLANK);
            None
        }
        Some(Value::Null) => {
            form.fail("password", crate::validate::NULL);
            None
        }
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => {
            form.fail("password", "Not a valid string.");
            None
        }
        None => {
            form.fail("password", crate::validate::REQUIRED);
            None
        }
    };
    form.finish()?;
    let (Some(username), Some(password)) = (username, password) else {
        return Err(bad_credentials());
    };

    let db = state.db();
    let user: Option<(i64, String, bool)> = db
        .query_row(
            "SELECT id, password_hash, is_active FROM users WHERE username = ?1",
            [&username],
            |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? != 0)),
        )
        .optional()?;
    let newer = state.generation == crate::Generation::Hotelmate2026;
    let user_id = match user {
        Some((id, hash, true)) if check_password(&hash, &password) => id,
        _ if newer => {
            return Err(ApiError::json(
                StatusCode::UNAUTHORIZED,
                json!({"error": "Invalid username or password"}),
            ))
        }
        _ => return Err(bad_credentials()),
    };
    let token = get_or_create_token(&db, user_id)?;
    let Some(staff) = people::by_user(&db, user_id)? else {
        return Err(ApiError::crash(
            "DoesNotExist",
            "Staff matching query does not exist.",
        ));
    };
    if newer {
        return Ok(Json(staff.login_output_2026(&token)));
    }
    Ok(Json(staff.login_output(&token)))
}

fn bad_credentials() -> ApiError {
    ApiError::json(
        StatusCode::BAD_REQUEST,
        json!({"non_field_errors": ["Unable to log in with provided credentials."]}),
    )
}

/// `StaffViewSet.me`.
pub(crate) async fn me(
    State(state): State<AppState>,
    caller: Caller,
    Path(hotel_slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let user = caller.require_user()?;
    let db = state.db();
    match people::by_user(&db, user.user_id)? {
        // §10.3: the staff-management router's `me` is gated by that module on the 2026
        // backend; regular staff are refused.
        Some(staff)
            if state.generation == crate::Generation::Hotelmate2026 && !staff.is_admin_2026() =>
        {
            Err(ApiError::detail(
                StatusCode::FORBIDDEN,
                "You do not have permission to view the staff management module.",
            ))
        }
        Some(staff) if staff.hotel_slug == hotel_slug => Ok(Json(staff.serialize(&state))),
        _ => Err(ApiError::detail(
            StatusCode::NOT_FOUND,
            "Staff profile not found for the current user and hotel.",
        )),
    }
}

/// `StaffMeView` (2026, API.md §10.2): `GET /api/staff/hotel/<slug>/me/`, answering every staff
/// member; absent from the classic backend.
pub(crate) async fn hotel_me(
    State(state): State<AppState>,
    caller: Caller,
    Path(hotel_slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if state.generation != crate::Generation::Hotelmate2026 {
        return Err(ApiError::detail(StatusCode::NOT_FOUND, "Not found."));
    }
    let user = caller.require_user()?;
    let db = state.db();
    match people::by_user(&db, user.user_id)? {
        Some(staff) if staff.hotel_slug == hotel_slug => {
            let mut body = staff.serialize(&state);
            if let Value::Object(map) = &mut body {
                let duty = if staff.is_on_duty {
                    "on_duty"
                } else {
                    "off_duty"
                };
                map.insert("duty_status".into(), json!(duty));
                map.insert(
                    "allowed_capabilities".into(),
                    json!(staff.capabilities_2026()),
                );
                map.insert("can_edit_self_profile".into(), json!(true));
            }
            Ok(Json(body))
        }
        _ => Err(ApiError::detail(
            StatusCode::NOT_FOUND,
            "Staff profile not found for the current user and hotel.",
        )),
    }
}
