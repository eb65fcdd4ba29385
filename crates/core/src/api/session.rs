//! Signing in (API.md §2.1) and "who am I" (§2.2). There is no logout endpoint: the desk
//! signs out by forgetting the token.

use serde::{Deserialize, Serialize};

use super::generation::ClockWay;
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
    /// `off_duty`, `on_duty` or `on_break` (2026, §10.2: `is_on_duty` is not updated on some
    /// clock-out paths there, so this one is believed first).
    #[serde(default)]
    pub duty_status: Option<String>,
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

impl Me {
    /// Whether I am on duty: `duty_status` where the server gives it (a break is still duty),
    /// else `is_on_duty`.
    pub(crate) fn on_duty(&self) -> Option<bool> {
        match self.duty_status.as_deref() {
            Some("on_duty" | "on_break") => Some(true),
            Some("off_duty") => Some(false),
            _ => self.is_on_duty,
        }
    }
}

/// What a clock in or out answered: my duty now, and on a server that closes clock-ins by
/// their log (2026), the log this clock-in opened.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub(crate) struct ClockAnswer {
    /// Whether I am clocked in now.
    pub is_on_duty: bool,
    /// When the server recorded it (ISO 8601).
    #[serde(default)]
    pub clock_time: Option<String>,
    /// The clock log this clock-in opened (2026), to be closed by the clock-out.
    #[serde(skip)]
    pub open_log: Option<i64>,
}

/// A 2026 clock log, as far as the desk reads it.
#[derive(Debug, Deserialize)]
struct ClockLog {
    id: i64,
    #[serde(default)]
    time_in: Option<String>,
    #[serde(default)]
    time_out: Option<String>,
}

/// The 201 answer of the 2026 unrostered clock-in.
#[derive(Debug, Deserialize)]
struct UnrosteredAnswer {
    log: ClockLog,
}

/// The 200 answer of the 2026 clock-out.
#[derive(Debug, Deserialize)]
struct ClockOutAnswer {
    #[serde(default)]
    log: Option<ClockLog>,
}

/// The 2026 `clock-logs/status/` answer: the caller's state. It names no log (§10.3); a log
/// id is read where a server adds one.
#[derive(Debug, Deserialize)]
struct ClockStatus {
    status: String,
    #[serde(default)]
    log: Option<ClockLog>,
    #[serde(default)]
    log_id: Option<i64>,
}

/// Said when a clock-out needs the log of a clock-in made elsewhere and the server does not
/// tell which it is.
pub(crate) const CLOCKED_IN_ELSEWHERE: &str =
    "You were clocked in somewhere else (at the face terminal or on another computer), and this \
     server does not tell the desk which clock-in that was, so the desk cannot clock you out. \
     Clock out where you clocked in, or ask a manager.";

impl ApiClient {
    /// Clocks me (`staff_id`) in (`clock_in`) or out, the way this generation of server does
    /// it (Decision 5's toggle; §10.3's unrostered clock-in and the clock-out of its log,
    /// `open_log` when the desk kept it, else asked of the server).
    pub(crate) async fn clock(
        &self,
        hotel_slug: &str,
        staff_id: i64,
        clock_in: bool,
        open_log: Option<i64>,
    ) -> Result<ClockAnswer, ApiError> {
        let slug = encode_segment(hotel_slug);
        match &self.generation().contract().clock {
            ClockWay::Toggle { path } => self.post_empty(&path.replace("{slug}", &slug)).await,
            ClockWay::Unrostered { clock_in: path, .. } if clock_in => {
                let answer: UnrosteredAnswer = self
                    .post(
                        &path.replace("{slug}", &slug),
                        &serde_json::json!({ "staff_id": staff_id }),
                    )
                    .await?;
                Ok(ClockAnswer {
                    is_on_duty: true,
                    clock_time: answer.log.time_in,
                    open_log: Some(answer.log.id),
                })
            }
            ClockWay::Unrostered {
                clock_out, status, ..
            } => {
                let log = match open_log {
                    Some(log) => log,
                    None => {
                        let now: ClockStatus = self.get(&status.replace("{slug}", &slug)).await?;
                        if now.status != "clocked_in" {
                            // Already out (clocked out elsewhere): nothing to close.
                            return Ok(ClockAnswer {
                                is_on_duty: false,
                                clock_time: None,
                                open_log: None,
                            });
                        }
                        now.log_id.or(now.log.map(|log| log.id)).ok_or_else(|| {
                            ApiError::Conflict {
                                message: CLOCKED_IN_ELSEWHERE.to_owned(),
                            }
                        })?
                    }
                };
                let path = clock_out
                    .replace("{slug}", &slug)
                    .replace("{id}", &log.to_string());
                let answer: ClockOutAnswer = self.post_empty(&path).await?;
                Ok(ClockAnswer {
                    is_on_duty: false,
                    clock_time: answer.log.and_then(|log| log.time_out),
                    open_log: None,
                })
            }
        }
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

    /// The Pusher channel this generation of server tells the hotel's changes on.
    pub(crate) fn live_channel(&self, hotel_slug: &str) -> String {
        self.generation()
            .contract()
            .live_channel
            .replace("{slug}", hotel_slug)
    }

    /// The other channels this generation tells the hotel's changes on (§15).
    pub(crate) fn also_heard(&self, hotel_slug: &str) -> Vec<String> {
        self.generation()
            .contract()
            .also_heard
            .iter()
            .map(|pattern| pattern.replace("{slug}", hotel_slug))
            .collect()
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
