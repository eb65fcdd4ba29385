//! The HTTP surface: every route of API.md the sandbox serves, plus media files and the Pusher endpoints, and
//! the Django-style answers for unknown URLs (HTML 404) and wrong methods (DRF 405).

pub mod session;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::body::MAX_UPLOAD_BYTES;
use crate::errors::ApiError;
use crate::state::AppState;

/// All routes. Django URLs end in a slash; the slashless forms fall through to the 404 page.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/staff/login/", post(session::login))
        .route("/api/staff/{hotel_slug}/me/", get(session::me))
        .route("/media/{*path}", get(crate::media::serve))
        .route("/app/{key}", get(crate::pusher::socket::upgrade))
        .route(
            "/apps/{app_id}/events",
            post(crate::pusher::http_api::events),
        )
        .route(
            "/apps/{app_id}/batch_events",
            post(crate::pusher::http_api::batch_events),
        )
        .fallback(not_found)
        .layer(middleware::from_fn(drf_method_not_allowed))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .with_state(state)
}

async fn not_found(State(_): State<AppState>, method: Method, uri: Uri) -> Response {
    ApiError::page_not_found(method.as_str(), uri.path()).into_response()
}

/// axum answers a known path with an unknown method by an empty 405; DRF answers with a body.
async fn drf_method_not_allowed(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let response = next.run(req).await;
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        let allow = response.headers().get(axum::http::header::ALLOW).cloned();
        let mut replaced = ApiError::method_not_allowed(method.as_str()).into_response();
        if let Some(allow) = allow {
            replaced
                .headers_mut()
                .insert(axum::http::header::ALLOW, allow);
        }
        return replaced;
    }
    response
}
