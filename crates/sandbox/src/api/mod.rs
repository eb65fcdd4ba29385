//! The HTTP surface: every route of API.md the sandbox serves, plus media files and the Pusher endpoints, and
//! the Django-style answers for unknown URLs (HTML 404) and wrong methods (DRF 405).

pub mod offers;
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
        .route(
            "/api/staff/hotel/{hotel_slug}/offers/",
            get(offers::list).post(offers::create),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/offers/{pk}/",
            get(offers::retrieve)
                .put(offers::update)
                .patch(offers::partial_update)
                .delete(offers::destroy),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/offers/{pk}/upload-image/",
            post(offers::upload_image),
        )
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

/// The hotel channel of API.md Decision 8: literally `"hotel-" + slug`.
pub fn hotel_channel(slug: &str) -> String {
    format!("hotel-{slug}")
}

/// A URL primary key; anything that is not an integer matches nothing (DRF turns the ValueError into a 404).
pub fn parse_pk(pk: &str) -> Option<i64> {
    pk.parse().ok()
}

/// The sandbox's answer to a non-image file in an image field of a serializer (Django's ImageField text).
pub fn upload_field_error() -> &'static str {
    "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
}
