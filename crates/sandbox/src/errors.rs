//! Error responses shaped like the reference backend's: DRF JSON bodies, and Django's debug pages for unknown
//! URLs and crashes (DEBUG = True at fd6c529, API.md §1.5).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// Failures of the sandbox itself (start-up, storage), as opposed to HTTP answers.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The address to listen on is taken or not allowed.
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The folder for the database and the media cannot be made.
    #[error("cannot prepare the data directory {path}: {source}")]
    DataDir {
        /// The folder.
        path: std::path::PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The sandbox's SQLite database failed.
    #[error("sandbox database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// The start-up work (seeding, migrations) stopped unexpectedly.
    #[error("sandbox start-up task failed: {0}")]
    Startup(String),
}

/// Body of an HTTP error answer.
#[derive(Debug)]
enum Body {
    Json(Value),
    Html(String),
    Text(String),
}

/// An HTTP answer that is not a success. Handlers return `Result<_, ApiError>`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    body: Box<Body>,
    www_authenticate: bool,
}

impl ApiError {
    /// Any JSON body with any status.
    pub(crate) fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body: Box::new(Body::Json(body)),
            www_authenticate: status == StatusCode::UNAUTHORIZED,
        }
    }

    /// DRF's `{"detail": "..."}`.
    pub(crate) fn detail(status: StatusCode, message: &str) -> Self {
        Self::json(status, json!({ "detail": message }))
    }

    /// The hand-written `{"error": "..."}` of the views.
    pub(crate) fn error(status: StatusCode, message: &str) -> Self {
        let mut e = Self::json(status, json!({ "error": message }));
        // Hand-written 401s (face clock, chat) do not go through DRF's authenticate header.
        e.www_authenticate = false;
        e
    }

    /// A DRF validation error for one field.
    pub(crate) fn field(field: &str, message: &str) -> Self {
        Self::json(StatusCode::BAD_REQUEST, json!({ field: [message] }))
    }

    pub(crate) fn not_authenticated() -> Self {
        Self::detail(
            StatusCode::UNAUTHORIZED,
            "Authentication credentials were not provided.",
        )
    }

    pub(crate) fn invalid_token() -> Self {
        Self::detail(StatusCode::UNAUTHORIZED, "Invalid token.")
    }

    pub(crate) fn forbidden(message: &str) -> Self {
        Self::detail(StatusCode::FORBIDDEN, message)
    }

    pub(crate) fn other_hotel() -> Self {
        Self::forbidden("You can only access resources from your hotel.")
    }

    /// DRF's 404 from `get_object()`.
    pub(crate) fn no_match(model: &str) -> Self {
        Self::detail(
            StatusCode::NOT_FOUND,
            &format!("No {model} matches the given query."),
        )
    }

    pub(crate) fn method_not_allowed(method: &str) -> Self {
        Self::detail(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("Method \"{method}\" not allowed."),
        )
    }

    /// Django's technical 404 page (HTML), served for URLs no pattern matches.
    pub(crate) fn page_not_found(method: &str, path: &str) -> Self {
        let path = html_escape(path);
        let method = html_escape(method);
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\">\n  <title>Page not found at {path}</title>\n  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n</head>\n<body>\n  <div id=\"summary\">\n    <h1>Page not found <span>(404)</span></h1>\n    <table class=\"meta\">\n      <tr><th>Request Method:</th><td>{method}</td></tr>\n      <tr><th>Request URL:</th><td>{path}</td></tr>\n    </table>\n  </div>\n  <div id=\"info\">\n    <p>Using the URLconf defined in <code>HotelMateBackend.urls</code>, Django tried these URL patterns, in this order:</p>\n    <ol>\n      <li>admin/</li>\n      <li>api/staff/</li>\n      <li>api/guest/</li>\n      <li>api/chat/</li>\n      <li>api/attendance/</li>\n      <li>api/hotel/</li>\n    </ol>\n    <p>The current path, <code>{path}</code>, didn\u{2019}t match any of these.</p>\n  </div>\n  <div id=\"explanation\">\n    <p>You\u{2019}re seeing this error because you have <code>DEBUG = True</code> in your Django settings file. Change that to <code>False</code>, and Django will display a standard 404 page.</p>\n  </div>\n</body>\n</html>\n"
        );
        Self {
            status: StatusCode::NOT_FOUND,
            body: Box::new(Body::Html(html)),
            www_authenticate: false,
        }
    }

    /// Django's debug 500 answer in its plain-text form (clients of an API do not ask for HTML).
    pub(crate) fn crash(exception: &str, message: &str) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            body: Box::new(Body::Text(format!(
                "{exception} at request\n{message}\n\nYou're seeing this error because you have DEBUG = True in your Django settings file."
            ))),
            www_authenticate: false,
        }
    }

    /// Django's answer to a crash with `DEBUG = False` (the 2026 backend, API.md §10.1): a bare HTML page
    /// that names no cause. The cause goes to the sandbox's log, as it goes to the server's.
    pub(crate) fn server_error(cause: &str) -> Self {
        tracing::warn!(cause, "answering 500 as the 2026 backend does");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            body: Box::new(Body::Html(SERVER_ERROR_PAGE.to_string())),
            www_authenticate: false,
        }
    }
}

/// Django's `ERROR_PAGE_TEMPLATE` filled in for a 500.
const SERVER_ERROR_PAGE: &str = "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n";

impl ApiError {
    /// The HTTP status of the answer (the simulator logs it).
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        tracing::error!(error = %e, "sandbox database error");
        Self::crash("OperationalError", &e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = match *self.body {
            Body::Json(v) => (self.status, axum::Json(v)).into_response(),
            Body::Html(h) => (self.status, axum::response::Html(h)).into_response(),
            Body::Text(t) => (
                self.status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                t,
            )
                .into_response(),
        };
        if self.www_authenticate {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Token"));
        }
        response
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
