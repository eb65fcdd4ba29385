//! DRF `TokenAuthentication` as the reference backend runs it (API.md §1.2) and the staff permission classes
//! `IsStaffMember` / `IsSameHotel` (§1.3). Also password hashing and token creation for the seed and login.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::StatusCode;
use rand::Rng;
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::errors::ApiError;
use crate::state::AppState;

/// The authenticated user of a request, if any. A `Bearer` header or no header means anonymous; an unknown
/// `Token` is rejected with 401 before any view runs, even on open endpoints.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    Anonymous,
    User(User),
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub user_id: i64,
    pub staff: Option<StaffRef>,
}

/// The caller's `staff_profile`.
#[derive(Debug, Clone)]
pub(crate) struct StaffRef {
    pub staff_id: i64,
    pub hotel_id: i64,
    pub hotel_slug: String,
}

impl Caller {
    pub(crate) fn staff(&self) -> Option<&StaffRef> {
        match self {
            Caller::User(u) => u.staff.as_ref(),
            Caller::Anonymous => None,
        }
    }

    /// `IsAuthenticated`.
    pub(crate) fn require_user(&self) -> Result<&User, ApiError> {
        match self {
            Caller::User(u) => Ok(u),
            Caller::Anonymous => Err(ApiError::not_authenticated()),
        }
    }

    /// `IsAuthenticated` + `IsStaffMember` + `IsSameHotel` for a URL slug.
    pub(crate) fn require_staff_of(&self, hotel_slug: &str) -> Result<&StaffRef, ApiError> {
        let user = self.require_user()?;
        let staff = user.staff.as_ref().ok_or_else(|| {
            ApiError::forbidden("You must be a staff member to access this resource.")
        })?;
        if staff.hotel_slug != hotel_slug {
            return Err(ApiError::other_hotel());
        }
        Ok(staff)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Caller::Anonymous);
        };
        let raw = String::from_utf8_lossy(header.as_bytes()).into_owned();
        let words: Vec<&str> = raw.split_whitespace().collect();
        match words.first() {
            Some(first) if first.eq_ignore_ascii_case("token") => {}
            _ => return Ok(Caller::Anonymous),
        }
        match words.len() {
            1 => {
                return Err(ApiError::detail(
                    StatusCode::UNAUTHORIZED,
                    "Invalid token header. No credentials provided.",
                ))
            }
            2 => {}
            _ => {
                return Err(ApiError::detail(
                    StatusCode::UNAUTHORIZED,
                    "Invalid token header. Token string should not contain spaces.",
                ))
            }
        }
        let db = state.db();
        let Some((user_id, active)) = user_for_token(&db, words[1])? else {
            return Err(ApiError::invalid_token());
        };
        if !active {
            return Err(ApiError::detail(
                StatusCode::UNAUTHORIZED,
                "User inactive or deleted.",
            ));
        }
        let staff = staff_of_user(&db, user_id)?;
        Ok(Caller::User(User { user_id, staff }))
    }
}

fn user_for_token(db: &Connection, key: &str) -> rusqlite::Result<Option<(i64, bool)>> {
    // Every request asks these two: prepared once per connection, not parsed each time.
    db.prepare_cached(
        "SELECT u.id, u.is_active FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.key = ?1",
    )?
    .query_row([key], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? != 0)))
    .optional()
}

/// The staff profile of a user, if there is one.
pub(crate) fn staff_of_user(db: &Connection, user_id: i64) -> rusqlite::Result<Option<StaffRef>> {
    db.prepare_cached(
        "SELECT s.id, s.hotel_id, h.slug FROM staff s JOIN hotels h ON h.id = s.hotel_id WHERE s.user_id = ?1",
    )?
    .query_row(
        [user_id],
        |r| {
            Ok(StaffRef {
                staff_id: r.get(0)?,
                hotel_id: r.get(1)?,
                hotel_slug: r.get(2)?,
            })
        },
    )
    .optional()
}

/// Salted SHA-256, stored as `sha256$<salt>$<hex>`. The demo's passwords are public; this only keeps the file
/// from holding them in clear.
pub(crate) fn hash_password(password: &str) -> String {
    let salt: String = hex::encode(rand::rng().random::<[u8; 8]>());
    format!("sha256${salt}${}", digest(&salt, password))
}

pub(crate) fn check_password(stored: &str, password: &str) -> bool {
    let mut parts = stored.splitn(3, '$');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("sha256"), Some(salt), Some(hash)) => digest(salt, password) == hash,
        _ => false,
    }
}

fn digest(salt: &str, password: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(b"$");
    h.update(password.as_bytes());
    hex::encode(h.finalize())
}

/// `Token.objects.get_or_create(user=user)`: 40 lowercase hex chars, one per user, never rotated.
pub(crate) fn get_or_create_token(db: &Connection, user_id: i64) -> rusqlite::Result<String> {
    if let Some(key) = db
        .query_row(
            "SELECT key FROM tokens WHERE user_id = ?1",
            [user_id],
            |r| r.get(0),
        )
        .optional()?
    {
        return Ok(key);
    }
    let key = hex::encode(rand::rng().random::<[u8; 20]>());
    db.execute(
        "INSERT INTO tokens (key, user_id, created) VALUES (?1, ?2, ?3)",
        rusqlite::params![key, user_id, crate::timefmt::now_drf()],
    )?;
    Ok(key)
}
