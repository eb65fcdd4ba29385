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
    /// Which HotelMate answered (told from the answer's keys, not read from one).
    #[serde(skip, default = "classic")]
    pub generation: super::Generation,
    /// What this person may do, where the server says (`allowed_capabilities`, 2026).
    #[serde(skip)]
    pub capabilities: Option<Vec<String>>,
}

fn classic() -> super::Generation {
    super::Generation::Classic
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

    /// `POST /api/staff/login/`, always without a token: the answer, with which generation of
    /// HotelMate gave it and what it lets this person do.
    pub(crate) async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<LoginResponse, ApiError> {
        let answer: serde_json::Map<String, serde_json::Value> = self
            .anonymous()
            .post("api/staff/login/", &Credentials { username, password })
            .await?;
        let generation = super::Generation::of_login(&answer);
        let capabilities = super::generation::capabilities_of_login(&answer);
        let mut login: LoginResponse = serde_json::from_value(serde_json::Value::Object(answer))
            .map_err(|err| ApiError::Unsupported {
                message: format!("the sign-in answer cannot be read: {err}"),
            })?;
        login.generation = generation;
        login.capabilities = capabilities;
        Ok(login)
    }

    /// "Who am I" (§2.2; its path depends on the server's generation, §10.3).
    pub(crate) async fn me(&self, hotel_slug: &str) -> Result<Me, ApiError> {
        let path = self
            .generation()
            .contract()
            .me
            .replace("{slug}", &encode_segment(hotel_slug));
        self.get(&path).await
    }
}

/// Percent-encodes one path segment (slugs are plain, but a server could send anything).
pub(crate) fn encode_segment(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}
