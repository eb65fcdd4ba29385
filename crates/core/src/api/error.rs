//! What can go wrong talking to a HotelMate server, in kinds the UI branches on.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::Value;

/// An API failure. `Display` is a plain-words sentence for staff.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ApiError {
    /// 401: the token is unknown or missing; the user must sign in again.
    #[error("the server no longer accepts this sign-in ({message}); please sign in again")]
    Unauthorized {
        /// The server's words, or a description of its answer.
        message: String,
    },
    /// 403: this account may not do or see this.
    #[error("not allowed: {message}")]
    Forbidden {
        /// The server's words, or a description of its answer.
        message: String,
    },
    /// 404 with a JSON body: the row or address is not on the server.
    #[error("not found: {message}")]
    NotFound {
        /// The server's words, or a description of its answer.
        message: String,
    },
    /// 405: the address exists but does not take this method (a different backend version).
    #[error("the server does not offer this here: {message}")]
    MethodNotAllowed {
        /// The server's words, or a description of its answer.
        message: String,
    },
    /// 400 with DRF field errors; `non_field_errors` holds the messages about the whole request.
    #[error("{}", validation_summary(fields))]
    Validation {
        /// Field name to the server's messages about it (`non_field_errors` for the whole request).
        fields: BTreeMap<String, Vec<String>>,
    },
    /// 409 or 412: someone else changed the row on the server first.
    #[error("someone else changed this first: {message}")]
    Conflict {
        /// The server's words, or a description of its answer.
        message: String,
    },
    /// Any other failing status: a 5xx, or a 4xx not named above (408 and 429 among them).
    #[error("the server had a problem (HTTP {status}): {message}")]
    Server {
        /// The HTTP status code.
        status: u16,
        /// The server's words, or a description of its answer.
        message: String,
        /// How long the server asked the desk to wait (a 429 or 503 with `Retry-After`, at
        /// most [`MAX_RETRY_AFTER`]); nothing is sent to it meanwhile.
        retry_after: Option<std::time::Duration>,
    },
    /// The request did not complete: no connection, or the answer was cut off.
    #[error("cannot reach the server: {message}")]
    Network {
        /// What went wrong, in words.
        message: String,
    },
    /// No answer within the request's time limit.
    #[error("the server did not answer within {seconds} seconds; it may be down or overloaded")]
    Timeout {
        /// The time limit that passed, in seconds.
        seconds: u64,
    },
    /// The server answers, but not in a way this desk understands (wrong URL, old/new backend).
    #[error("{message}")]
    Unsupported {
        /// What the server answered instead, in words.
        message: String,
    },
    /// A file the server named (an image, a guest's attachment) could not be fetched from its
    /// host, whatever that host answered: never the hotel's server refusing the sign-in.
    #[error("the file cannot be fetched: {message}")]
    FileHost {
        /// What went wrong, in words.
        message: String,
    },
}

/// The longest wait a server's `Retry-After` is followed for: a desk never goes quiet for
/// hours because a server (or a proxy in front of it) said so.
pub(super) const MAX_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// What a 429 or 503's `Retry-After` asks: seconds, or an HTTP date (`Wed, 25 Nov 2026
/// 14:05:00 GMT`), as a wait from `now`, capped at [`MAX_RETRY_AFTER`]. `None` when the
/// status does not carry one or its value cannot be read (then the usual backoff applies).
pub(crate) fn retry_after_of(
    status: u16,
    value: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<std::time::Duration> {
    if !matches!(status, 429 | 503) {
        return None;
    }
    let value = value?.trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => std::time::Duration::from_secs(seconds),
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
            (at.with_timezone(&chrono::Utc) - now).to_std().ok()?
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

fn validation_summary(fields: &BTreeMap<String, Vec<String>>) -> String {
    let mut parts = Vec::new();
    if let Some(general) = fields.get("non_field_errors") {
        parts.extend(general.iter().cloned());
    }
    for (field, messages) in fields
        .iter()
        .filter(|(k, _)| k.as_str() != "non_field_errors")
    {
        parts.push(format!(
            "{}: {}",
            field.replace('_', " "),
            messages.join(" ")
        ));
    }
    if parts.is_empty() {
        "the server refused the request as invalid".to_owned()
    } else {
        parts.join("; ")
    }
}

/// What a failure means for what the desk does next (one rule for resources and chat alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// It may pass (no network, no answer in time, a 5xx not known to be permanent, 429): retry
    /// with backoff; the status bar says the server cannot be reached or is not answering.
    Transient,
    /// The server answered, but this server or this account does not offer what was asked (a
    /// 403, 404 or 405 on a collection, an answer that is not this API's): the area says so in
    /// words and is checked again rarely; the rest of the desk works and the status stays.
    Unavailable,
    /// The server answered a write with a refusal (4xx): the change is kept for the person with
    /// the server's words, never sent again on its own.
    Refused,
    /// The server no longer accepts the sign-in (401).
    SignIn,
}

impl ApiError {
    /// Whether the failure may pass by itself: retried with backoff.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Self::Network { .. } | Self::Timeout { .. } => true,
            // 408 Request Timeout and 429 Too Many Requests are the server asking for later.
            Self::Server { status, .. } => *status >= 500 || matches!(status, 408 | 429),
            _ => false,
        }
    }

    /// The class of a failed read of a collection (a list, the settings object).
    pub(crate) fn class_of_read(&self) -> ErrorClass {
        match self {
            Self::Unauthorized { .. } => ErrorClass::SignIn,
            err if err.is_transient() => ErrorClass::Transient,
            _ => ErrorClass::Unavailable,
        }
    }

    /// The class of a failed write (create, update, delete, upload, an action).
    pub(crate) fn class_of_write(&self) -> ErrorClass {
        match self {
            Self::Unauthorized { .. } => ErrorClass::SignIn,
            err if err.is_transient() => ErrorClass::Transient,
            _ => ErrorClass::Refused,
        }
    }

    /// A short stable code for the UI (`unauthorized`, `validation`, …).
    pub(crate) fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized { .. } => "unauthorized",
            Self::Forbidden { .. } => "forbidden",
            Self::NotFound { .. } => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Validation { .. } => "validation",
            Self::Conflict { .. } => "conflict",
            Self::Server { .. } => "server",
            Self::Network { .. } => "network",
            Self::Timeout { .. } => "timeout",
            Self::Unsupported { .. } => "unsupported",
            Self::FileHost { .. } => "file_host",
        }
    }

    /// Builds the error for a non-success response from its status and raw body.
    pub(crate) fn from_response(
        status: StatusCode,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Self {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let message = json
            .as_ref()
            .and_then(message_of)
            .unwrap_or_else(|| non_json_message(status, content_type, body));
        match status.as_u16() {
            400 => match json.as_ref().and_then(field_errors) {
                Some(fields) => Self::Validation { fields },
                None => Self::Validation {
                    fields: BTreeMap::from([("non_field_errors".to_owned(), vec![message])]),
                },
            },
            401 => Self::Unauthorized { message },
            403 => Self::Forbidden { message },
            404 if json.is_none() => Self::Unsupported {
                message: format!(
                    "the server has no such page (HTTP 404); check the server address ({message})"
                ),
            },
            404 => Self::NotFound { message },
            405 => Self::MethodNotAllowed { message },
            409 | 412 => Self::Conflict { message },
            code => Self::Server {
                status: code,
                message,
                retry_after: None,
            },
        }
    }

    /// How long the server asked the desk to wait before asking again, if it did.
    pub(crate) fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Self::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// No connection could be made: the request never reached the server (unlike a timeout
    /// or a dropped connection, after which it may have).
    pub(crate) fn never_reached_server(&self) -> bool {
        matches!(self, Self::Network { message } if message == UNREACHABLE)
    }

    pub(crate) fn from_transport(err: &reqwest::Error, timeout_seconds: u64) -> Self {
        if err.is_timeout() {
            Self::Timeout {
                seconds: timeout_seconds,
            }
        } else if err.is_connect() {
            Self::Network {
                message: UNREACHABLE.into(),
            }
        } else if err.is_decode() || err.is_body() {
            Self::Network {
                message: "the answer was cut off".into(),
            }
        } else {
            Self::Network {
                message: root_cause(err),
            }
        }
    }
}

const UNREACHABLE: &str = "the connection was refused or the host is unreachable";

fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// `{"detail": "..."}` or `{"error": "..."}` (API.md §1.5).
/// The 2026 backend's coded errors nest their words: `{"error": {"code", "message"}}` (§15.2).
fn message_of(json: &Value) -> Option<String> {
    ["detail", "error", "message"]
        .iter()
        .find_map(|key| json.get(*key).and_then(Value::as_str).map(str::to_owned))
        .or_else(|| {
            json.get("error")
                .and_then(|e| e.get("message"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
}

/// DRF's `{"field": ["msg", ...]}` shape.
fn field_errors(json: &Value) -> Option<BTreeMap<String, Vec<String>>> {
    let object = json.as_object()?;
    let mut fields = BTreeMap::new();
    for (key, value) in object {
        let messages: Vec<String> = match value {
            Value::Array(items) => items
                .iter()
                .map(|m| {
                    m.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| m.to_string())
                })
                .collect(),
            Value::String(text) => vec![text.clone()],
            other => vec![other.to_string()],
        };
        fields.insert(key.clone(), messages);
    }
    (!fields.is_empty()).then_some(fields)
}

fn non_json_message(status: StatusCode, content_type: Option<&str>, body: &[u8]) -> String {
    let reason = status.canonical_reason().unwrap_or("error");
    let is_html = content_type.is_some_and(|t| t.contains("html"))
        || body.trim_ascii_start().starts_with(b"<");
    if is_html {
        format!(
            "the server answered with an error page instead of data ({} {reason})",
            status.as_u16()
        )
    } else if body.is_empty() {
        format!("{} {reason}", status.as_u16())
    } else {
        let text = String::from_utf8_lossy(body);
        let line = text.lines().next().unwrap_or_default().trim();
        format!(
            "{} {reason}: {}",
            status.as_u16(),
            crate::rules::text::shorten(line, 120)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_credentials_become_a_validation_error_with_the_server_words() {
        let body = br#"{"non_field_errors": ["Unable to log in with provided credentials."]}"#;
        let err = ApiError::from_response(StatusCode::BAD_REQUEST, Some("application/json"), body);
        assert_eq!(err.code(), "validation");
        assert_eq!(
            err.to_string(),
            "Unable to log in with provided credentials."
        );
    }

    #[test]
    fn field_errors_name_the_field() {
        let body = br#"{"username": ["This field is required."]}"#;
        let err = ApiError::from_response(StatusCode::BAD_REQUEST, None, body);
        assert_eq!(err.to_string(), "username: This field is required.");
    }

    #[test]
    fn an_html_error_page_is_reported_without_its_markup() {
        let body = b"<!DOCTYPE html><html><head><title>OperationalError</title></head></html>";
        let err =
            ApiError::from_response(StatusCode::INTERNAL_SERVER_ERROR, Some("text/html"), body);
        assert!(matches!(err, ApiError::Server { status: 500, .. }));
        let text = err.to_string();
        assert!(text.contains("error page"), "{text}");
        assert!(!text.contains('<'), "{text}");
    }

    #[test]
    fn a_stale_token_asks_to_sign_in_again() {
        let err = ApiError::from_response(
            StatusCode::UNAUTHORIZED,
            Some("application/json"),
            br#"{"detail": "Invalid token."}"#,
        );
        assert_eq!(err.code(), "unauthorized");
        assert!(err.to_string().contains("sign in again"));
    }

    #[test]
    fn an_html_404_means_the_address_is_wrong() {
        let err = ApiError::from_response(
            StatusCode::NOT_FOUND,
            Some("text/html"),
            b"<html>Page not found</html>",
        );
        assert_eq!(err.code(), "unsupported");
        assert!(err.to_string().contains("server address"));
    }

    #[test]
    fn every_failure_has_a_class_for_reads_and_for_writes() {
        let json = Some("application/json");
        let status = |code: u16| StatusCode::from_u16(code).unwrap();
        let answered = |code: u16, body: &[u8]| ApiError::from_response(status(code), json, body);
        let network = ApiError::Network {
            message: UNREACHABLE.into(),
        };
        let timeout = ApiError::Timeout { seconds: 10 };
        for transient in [
            network,
            timeout,
            answered(500, b"{}"),
            answered(502, b""),
            answered(503, b"{}"),
            answered(429, br#"{"detail": "Request was throttled."}"#),
        ] {
            assert_eq!(
                transient.class_of_read(),
                ErrorClass::Transient,
                "{transient:?}"
            );
            assert_eq!(
                transient.class_of_write(),
                ErrorClass::Transient,
                "{transient:?}"
            );
        }
        for answer in [
            answered(403, br#"{"detail": "You do not have permission."}"#),
            answered(404, br#"{"detail": "Not found."}"#),
            // Django's HTML 404: the path is not this server's.
            ApiError::from_response(status(404), Some("text/html"), b"<html>Not Found</html>"),
            answered(405, br#"{"detail": "Method \"GET\" not allowed."}"#),
            answered(410, b"{}"),
        ] {
            assert_eq!(
                answer.class_of_read(),
                ErrorClass::Unavailable,
                "{answer:?}"
            );
            assert_eq!(answer.class_of_write(), ErrorClass::Refused, "{answer:?}");
            assert!(!answer.is_transient());
        }
        let refused = answered(400, br#"{"title": ["This field is required."]}"#);
        assert_eq!(refused.class_of_write(), ErrorClass::Refused);
        let signed_out = answered(401, br#"{"detail": "Invalid token."}"#);
        assert_eq!(signed_out.class_of_read(), ErrorClass::SignIn);
        assert_eq!(signed_out.class_of_write(), ErrorClass::SignIn);
    }
}
