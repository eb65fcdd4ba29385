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

/// One page of the 2026 `clock-logs/` (own logs, newest first), as far as the clock-out reads it.
#[derive(Debug, Deserialize)]
struct OwnLogs {
    #[serde(default)]
    results: Vec<ClockLog>,
}

/// What a clock-out closes (API.md §14.7 rule 5): item 0 of page 1 of my own logs, and only when
/// it is open; `None` when I am already out. Any other open log on the page is stale (left open
/// while a newer one is closed) and is never closed from the desk: refused, with its date.
fn log_to_close(page: &[ClockLog]) -> Result<Option<i64>, ApiError> {
    match page.first() {
        Some(newest) if newest.time_out.is_none() => Ok(Some(newest.id)),
        _ => match page.iter().find(|log| log.time_out.is_none()) {
            Some(stale) => Err(ApiError::Conflict {
                message: stale_log_words(stale.time_in.as_deref()),
            }),
            None => Ok(None),
        },
    }
}

/// "An open clock-in from 2026-11-20 …: ask a manager" (the date as the server stamped it, UTC).
fn stale_log_words(time_in: Option<&str>) -> String {
    let day = time_in
        .and_then(|t| t.get(..10))
        .filter(|d| d.chars().all(|c| c.is_ascii_digit() || c == '-'))
        .unwrap_or("an earlier day");
    format!(
        "You are clocked out, but an older clock-in from {day} is still open on the server. \
         The desk does not close it: ask a manager to correct it."
    )
}

impl ApiClient {
    /// Clocks me (`staff_id`) in (`clock_in`) or out, the way this generation of server does
    /// it (Decision 5's toggle; §10.3's unrostered clock-in, and the clock-out of my newest own
    /// log when it is open, wherever it was opened: §14.7 rule 5).
    pub(crate) async fn clock(
        &self,
        hotel_slug: &str,
        staff_id: i64,
        clock_in: bool,
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
                clock_out,
                own_logs,
                ..
            } => {
                // Not a log this desk kept: it may have been closed, and another opened,
                // elsewhere (the face terminal, another computer); §14.7 rule 5.
                let page: OwnLogs = self.get(&own_logs.replace("{slug}", &slug)).await?;
                let Some(log) = log_to_close(&page.results)? else {
                    // Already out (clocked out elsewhere): nothing to close.
                    return Ok(ClockAnswer {
                        is_on_duty: false,
                        clock_time: None,
                        open_log: None,
                    });
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

impl ApiClient {
    /// Whether the server this client speaks to as the older one (fd6c529) has become the 2026
    /// HotelMate under it (upgraded in place: the 2026 server keeps the tokens table, so this
    /// sign-in still works while the older paths answer 404). Asks the 2026 "who am I"
    /// (§10.3: `GET /api/staff/hotel/<slug>/me/` answers every staff member, with the
    /// capability payload the login answer has); the older server has no such path (404).
    /// `Ok(false)` for a client that already speaks the 2026 server's paths.
    ///
    /// Errors: the request's, but 404 (the older server) is `Ok(false)`.
    pub(crate) async fn upgraded_to_2026(&self, hotel_slug: &str) -> Result<bool, ApiError> {
        if self.generation() == super::Generation::Hotelmate2026 {
            return Ok(false);
        }
        let path = super::Generation::Hotelmate2026
            .contract()
            .me
            .replace("{slug}", &encode_segment(hotel_slug));
        match self.get::<serde_json::Value>(&path).await {
            Ok(serde_json::Value::Object(answer)) => {
                Ok(super::Generation::of_login(&answer) == super::Generation::Hotelmate2026)
            }
            Ok(_) | Err(ApiError::NotFound { .. }) => Ok(false),
            Err(err) => Err(err),
        }
    }
}

/// Percent-encodes one path segment (slugs are plain, but a server could send anything).
pub(crate) fn encode_segment(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(id: i64, time_in: &str, open: bool) -> ClockLog {
        ClockLog {
            id,
            time_in: Some(time_in.to_owned()),
            time_out: (!open).then(|| "2026-11-29T15:00:00.000000Z".to_owned()),
        }
    }

    /// §14.7 rule 5: only item 0 of page 1, only when open; an older open log is stale, said with
    /// its date and never closed from the desk.
    #[test]
    fn a_clock_out_closes_only_the_newest_log_and_names_a_stale_one() {
        let newest_open = [
            log(9, "2026-11-29T07:00:00Z", true),
            log(8, "2026-11-20T07:00:00Z", true),
        ];
        assert_eq!(log_to_close(&newest_open).unwrap(), Some(9));
        assert_eq!(
            log_to_close(&[log(9, "2026-11-29T07:00:00Z", false)]).unwrap(),
            None
        );
        assert_eq!(log_to_close(&[]).unwrap(), None);
        let stale = [
            log(9, "2026-11-29T07:00:00Z", false),
            log(8, "2026-11-20T07:00:00Z", true),
        ];
        let Err(ApiError::Conflict { message }) = log_to_close(&stale) else {
            panic!("a stale open log is closed from the desk");
        };
        assert!(
            message.contains("2026-11-20") && message.contains("ask a manager"),
            "{message}"
        );
    }
}
