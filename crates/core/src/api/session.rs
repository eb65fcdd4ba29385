//! Signing in (API.md §2.1) and "who am I" (§2.2). There is no logout endpoint: the desk
//! signs out by forgetting the token.

use serde::{Deserialize, Serialize};

use super::{ApiClient, ApiError};
use crate::session::secrets::StaffToken;

#[derive(Serialize)]
struct Credentials<'a> {
    username: &'a str,
    password: &'a str,
}

/// A hotel as the login answer names it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub(crate) struct HotelRef {
    pub id: i64,
    pub name: String,
    pub slug: String,
}

/// The 200 answer of `POST /api/staff/login/` (the fields the desk uses; others are ignored).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct LoginResponse {
    pub username: String,
    pub token: StaffToken,
    #[serde(default)]
    pub hotel_id: Option<i64>,
    #[serde(default)]
    pub hotel_name: Option<String>,
    #[serde(default)]
    pub hotel_slug: Option<String>,
    #[serde(default)]
    pub hotel: Option<HotelRef>,
    #[serde(default)]
    pub access_level: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    pub staff_id: i64,
}

impl LoginResponse {
    /// The hotel slug, from `hotel_slug` or the nested `hotel` object.
    pub(crate) fn slug(&self) -> Option<&str> {
        self.hotel_slug
            .as_deref()
            .or(self.hotel.as_ref().map(|h| h.slug.as_str()))
    }

    pub(crate) fn hotel_name(&self) -> Option<&str> {
        self.hotel_name
            .as_deref()
            .or(self.hotel.as_ref().map(|h| h.name.as_str()))
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub(crate) struct NamedRef {
    #[serde(default)]
    pub name: Option<String>,
}

/// The 200 answer of `GET /api/staff/<slug>/me/` (StaffSerializer; only what the desk shows).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub(crate) struct Me {
    pub id: i64,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub is_on_duty: Option<bool>,
    #[serde(default)]
    pub hotel_name: Option<String>,
    #[serde(default)]
    pub hotel_slug: Option<String>,
    #[serde(default)]
    pub access_level: Option<String>,
    #[serde(default)]
    pub role_detail: Option<NamedRef>,
    #[serde(default)]
    pub department_detail: Option<NamedRef>,
    #[serde(default)]
    pub profile_image_url: Option<String>,
}

/// The 200 answer of the clock toggle `POST /api/staff/<slug>/clock/` (API.md Decision 5).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ClockAnswer {
    pub is_on_duty: bool,
    /// When the server recorded it (ISO 8601).
    #[serde(default)]
    pub clock_time: Option<String>,
}

impl ApiClient {
    /// `POST /api/staff/<slug>/clock/`, no body: toggles the caller's duty.
    pub async fn clock(&self, hotel_slug: &str) -> Result<ClockAnswer, ApiError> {
        self.post_empty(&format!("api/staff/{}/clock/", encode_segment(hotel_slug)))
            .await
    }

    /// `POST /api/staff/login/`, always without a token.
    pub(crate) async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<LoginResponse, ApiError> {
        self.anonymous()
            .post("api/staff/login/", &Credentials { username, password })
            .await
    }

    /// `GET /api/staff/<slug>/me/`.
    pub(crate) async fn me(&self, hotel_slug: &str) -> Result<Me, ApiError> {
        self.get(&format!("api/staff/{}/me/", encode_segment(hotel_slug)))
            .await
    }
}

/// Percent-encodes one path segment (slugs are plain, but a server could send anything).
pub(crate) fn encode_segment(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}
