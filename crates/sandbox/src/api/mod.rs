//! The HTTP surface: every route of API.md the sandbox serves, plus media files and the Pusher endpoints, and
//! the Django-style answers for unknown URLs (HTML 404) and wrong methods (DRF 405).

pub(crate) mod attendance;
pub(crate) mod builder;
pub(crate) mod builder_page;
pub(crate) mod chat;
pub(crate) mod chat_2026;
pub(crate) mod chat_attachments;
pub(crate) mod chat_edit;
pub(crate) mod chat_events_2026;
pub(crate) mod chat_model;
pub(crate) mod classic_desk;
pub(crate) mod front_desk;
pub(crate) mod galleries;
pub(crate) mod hotel_settings;
pub(crate) mod housekeeping;
pub(crate) mod my_attendance;
pub(crate) mod my_attendance_2026;
pub(crate) mod offers;
pub(crate) mod public;
pub(crate) mod room_types;
pub(crate) mod seen;
pub(crate) mod session;
pub(crate) mod settings;
pub(crate) mod staff;
pub(crate) mod stays;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, patch, post};
use axum::Router;

use crate::auth::Caller;
use crate::body::MAX_UPLOAD_BYTES;
use crate::errors::ApiError;
use crate::state::AppState;

/// Every route of the sandbox, without fallback or layers.
fn routes() -> Router<AppState> {
    Router::new()
        .merge(session_and_offers())
        .merge(pictures())
        .merge(staff_and_chat())
        .merge(front_desk())
        .merge(public_and_transport())
        .merge(my_attendance::classic_routes())
}

/// Sign-in, offers and the hotel's settings (API.md §2–§4).
fn session_and_offers() -> Router<AppState> {
    Router::new()
        .route("/api/staff/login/", post(session::login))
        .route("/api/staff/{hotel_slug}/me/", get(session::me))
        .route("/api/staff/hotel/{hotel_slug}/me/", get(session::hotel_me))
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
        .route(
            "/api/staff/hotel/{hotel_slug}/settings/",
            get(hotel_settings::get)
                .put(hotel_settings::put)
                .patch(hotel_settings::patch),
        )
}

/// Galleries, their images and room types (API.md §5, §6).
fn pictures() -> Router<AppState> {
    Router::new()
        .route(
            "/api/staff/hotel/{hotel_slug}/galleries/",
            get(galleries::list).post(galleries::create),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/galleries/{pk}/",
            get(galleries::retrieve)
                .put(galleries::update)
                .patch(galleries::partial_update)
                .delete(galleries::destroy),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/galleries/{pk}/upload_image/",
            post(galleries::upload_image),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/galleries/{pk}/reorder_images/",
            post(galleries::reorder_images),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/room-types/",
            get(room_types::list).post(room_types::create),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/room-types/{pk}/",
            get(room_types::retrieve)
                .put(room_types::update)
                .patch(room_types::partial_update)
                .delete(room_types::destroy),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/room-types/{pk}/upload-image/",
            post(room_types::upload_image),
        )
}

/// The gallery images of fd6c529 (API.md §5.4); the 2026 server serves the page builder's
/// gallery images at the same path (§17.4).
fn classic_gallery_images() -> Router<AppState> {
    Router::new()
        .route(
            "/api/staff/hotel/{hotel_slug}/gallery-images/",
            get(galleries::image_list).post(galleries::image_create),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/gallery-images/{pk}/",
            get(galleries::image_retrieve)
                .put(galleries::image_update)
                .patch(galleries::image_update)
                .delete(galleries::image_destroy),
        )
}

/// A front desk's day at 2026 (API.md §15): bookings and the housekeeping board.
fn front_desk() -> Router<AppState> {
    Router::new()
        .route(
            "/api/staff/hotel/{hotel_slug}/room-bookings/",
            get(front_desk::list),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/room-bookings/{booking_id}/",
            get(front_desk::detail),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/room-bookings/{booking_id}/available-rooms/",
            get(stays::available_rooms),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/room-bookings/{booking_id}/safe-assign-room/",
            post(stays::assign),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/room-bookings/{booking_id}/unassign-room/",
            post(stays::unassign),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/room-bookings/{booking_id}/move-room/",
            post(stays::move_room),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/room-bookings/{booking_id}/check-in/",
            post(stays::check_in),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/room-bookings/{booking_id}/check-out/",
            post(stays::check_out),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/room-bookings/{booking_id}/mark-seen/",
            post(seen::mark_seen),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/turnover/stats/",
            get(seen::turnover_stats),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/housekeeping/dashboard/",
            get(housekeeping::dashboard),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/housekeeping/rooms/{room_id}/status/",
            post(housekeeping::change_status),
        )
}

/// Clocking, the staff list and the guest chat (API.md §7, §8).
fn staff_and_chat() -> Router<AppState> {
    Router::new()
        .route("/api/staff/{hotel_slug}/clock/", post(staff::clock))
        .route(
            "/api/staff/hotel/{hotel_slug}/attendance/clock-logs/unrostered-confirm/",
            post(attendance::unrostered_confirm),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/attendance/clock-logs/{pk}/force-clock-out/",
            post(attendance::force_clock_out),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/attendance/clock-logs/status/",
            get(attendance::status),
        )
        .route(
            "/api/staff/hotel/{hotel_slug}/staff_chat/staff-list/",
            get(staff::staff_list),
        )
        .route(
            "/api/attendance/clock-logs/face-clock-in/{hotel_slug}/",
            post(staff::face_clock_in),
        )
        .route(
            "/api/chat/{hotel_slug}/conversations/",
            get(chat::conversations),
        )
        .route(
            "/api/chat/{hotel_slug}/active-rooms/",
            get(chat::active_rooms),
        )
        .route(
            "/api/chat/{hotel_slug}/conversations/{pk}/messages/",
            get(chat::messages),
        )
        .route(
            "/api/chat/{hotel_slug}/conversations/{pk}/messages/send/",
            post(chat::send),
        )
        .route(
            "/api/chat/{hotel_slug}/conversations/{pk}/assign-staff/",
            post(chat::assign_staff),
        )
        .route(
            "/api/chat/conversations/{pk}/mark-read/",
            post(chat::mark_read),
        )
        .route(
            "/api/chat/{hotel_slug}/conversations/unread-count/",
            get(chat::unread_counts),
        )
        .route(
            "/api/chat/hotels/{hotel_slug}/conversations/unread-count/",
            get(chat::unread_conversations),
        )
        .route(
            "/api/attendance/clock-logs/status/",
            get(staff::clock_status),
        )
        .route(
            "/api/attendance/clock-logs/currently-clocked-in/",
            get(staff::currently_clocked_in),
        )
}

/// The public pages, retired paths, media files and the Pusher transport.
fn public_and_transport() -> Router<AppState> {
    Router::new()
        .route("/api/staff/{hotel_slug}/", get(staff::staff_viewset_list))
        .route(
            "/api/staff/hotel/{hotel_slug}/staff/login/",
            post(session::login),
        )
        .route("/api/hotel/public/page/{hotel_slug}/", get(public::page))
        .route(
            "/api/hotel/public/{hotel_slug}/settings/",
            get(public::settings),
        )
        .route(
            "/api/guest/hotels/{hotel_slug}/site/offers/",
            get(public::guest_site_offers),
        )
        .route("/api/hotel/staff/offers/", any(public::legacy_staff_route))
        .route(
            "/api/hotel/staff/offers/{pk}/",
            any(public::legacy_staff_route),
        )
        .route(
            "/api/hotel/staff/room-types/",
            any(public::legacy_staff_route),
        )
        .route(
            "/api/hotel/staff/room-types/{pk}/",
            any(public::legacy_staff_route),
        )
        .route(
            "/api/chat/{hotel_slug}/conversations/{pk}/upload-attachment/",
            post(chat_attachments::upload),
        )
        .route("/api/chat/messages/{pk}/update/", patch(chat_edit::update))
        .route("/api/chat/messages/{pk}/delete/", delete(chat_edit::delete))
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
}

/// The routes only the 2026 backend has (API.md §10): its guest chat, the sandbox's guest door to it and
/// the Pusher auth endpoint. A classic sandbox does not route them at all, so they answer there as any
/// unknown URL does.
fn routes_2026() -> Router<AppState> {
    const CHAT: &str = "/api/staff/hotel/{hotel_slug}/chat";
    Router::new()
        .route(
            &format!("{CHAT}/conversations/"),
            get(chat_2026::conversations),
        )
        .route(
            &format!("{CHAT}/conversations/{{pk}}/messages/"),
            get(chat_2026::messages),
        )
        .route(
            &format!("{CHAT}/conversations/{{pk}}/messages/send/"),
            post(chat_2026::send),
        )
        .route(
            &format!("{CHAT}/conversations/{{pk}}/mark-read/"),
            post(chat_2026::mark_read),
        )
        .route(
            &format!("{CHAT}/conversations/{{pk}}/assign-staff/"),
            post(chat_2026::assign_staff),
        )
        .route(
            &format!("{CHAT}/conversations/{{pk}}/upload-attachment/"),
            post(chat_2026::upload),
        )
        .route(
            &format!("{CHAT}/messages/{{pk}}/update/"),
            patch(chat_2026::update),
        )
        .route(
            &format!("{CHAT}/messages/{{pk}}/delete/"),
            delete(chat_2026::delete),
        )
        .route(
            "/api/guest/hotel/{hotel_slug}/chat/conversations/{pk}/messages/send/",
            post(chat_2026::guest_send),
        )
        .route(
            "/api/notifications/pusher/auth/",
            post(chat_2026::pusher_auth),
        )
}

/// All routes, with Django's answers for the rest: a slashless URL whose slashed form exists is redirected
/// (GET/HEAD, 301) or refused with the debug `RuntimeError` (other methods), as `APPEND_SLASH` does; anything
/// else gets the technical 404 page.
pub(crate) fn router(state: AppState) -> Router {
    let routes = match state.generation {
        crate::Generation::Classic => routes()
            .merge(classic_gallery_images())
            .merge(classic_desk::routes()),
        crate::Generation::Hotelmate2026 => routes()
            .merge(routes_2026())
            .merge(my_attendance_2026::routes_2026())
            .merge(builder::routes())
            .merge(builder_page::routes()),
    };
    let app = routes.with_state(state.clone());
    let probe = app.clone();
    app.fallback(move |req: Request| not_found(probe.clone(), req))
        .layer(middleware::from_fn_with_state(
            state,
            drf_method_not_allowed,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

async fn not_found(probe: Router, req: Request) -> Response {
    let method = req.method().clone();
    let uri = req.uri().clone();
    let path = uri.path();
    if !path.ends_with('/') && slashed_route_exists(probe, path).await {
        let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
        if method == Method::GET || method == Method::HEAD {
            return (
                StatusCode::MOVED_PERMANENTLY,
                [(axum::http::header::LOCATION, format!("{path}/{query}"))],
            )
                .into_response();
        }
        return ApiError::crash(
            "RuntimeError",
            &format!(
                "You called this URL via {method}, but the URL doesn't end in a slash and you have APPEND_SLASH set. \
                 Django can't redirect to the slash URL while maintaining {method} data. Change your form to point \
                 to {path}/ (note the trailing slash), or set APPEND_SLASH=False in your Django settings."
            ),
        )
        .into_response();
    }
    ApiError::page_not_found(method.as_str(), path).into_response()
}

/// Whether `path + "/"` is a route. Asked with OPTIONS, which no route serves: a known path answers 405
/// without running any handler, an unknown one the router's own empty 404.
async fn slashed_route_exists(probe: Router, path: &str) -> bool {
    use tower::ServiceExt;
    let Ok(req) = Request::builder()
        .method(Method::OPTIONS)
        .uri(format!("{path}/"))
        .body(axum::body::Body::empty())
    else {
        return false;
    };
    match probe.oneshot(req).await {
        Ok(r) => r.status() == StatusCode::METHOD_NOT_ALLOWED,
        Err(never) => match never {},
    }
}

/// axum answers a known path with an unknown method by an empty 405; DRF answers with a body, and only after
/// authentication and the login requirement have passed (`initial()` runs before the handler lookup).
async fn drf_method_not_allowed(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    state.count_request(method.as_str(), &path);
    let req = state.bodies.note(req).await;
    // A hold naming a query (`GET /path/?page=2`) holds only that request; one naming the path
    // holds the next request to it, whatever its query.
    let with_query = req.uri().query().map(|query| format!("{path}?{query}"));
    let held = with_query
        .and_then(|line| state.take_hold(method.as_str(), &line))
        .or_else(|| state.take_hold(method.as_str(), &path));
    if let Some(held) = held {
        held.wait().await;
    }
    let answer_held = state.take_answer_hold(method.as_str(), &path);
    let answer = answer_of(state, req, next, method, path).await;
    if let Some(held) = answer_held {
        held.wait().await;
    }
    answer
}

/// The answer [`drf_method_not_allowed`] gives, once any hold before handling is over.
async fn answer_of(
    state: AppState,
    req: Request,
    next: Next,
    method: Method,
    path: String,
) -> Response {
    if let Some(seconds) = state.busy_for() {
        let mut answer = ApiError::detail(
            StatusCode::SERVICE_UNAVAILABLE,
            "The service is busy; try again later.",
        )
        .into_response();
        answer.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from(seconds),
        );
        return answer;
    }
    if let Some((status, body)) = state.take_refusal(method.as_str(), &path) {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        return (status, axum::Json(body)).into_response();
    }
    if state.generation == crate::Generation::Hotelmate2026 && removed_in_2026(&path) {
        return ApiError::detail(StatusCode::NOT_FOUND, "Not found.").into_response();
    }
    if state.generation == crate::Generation::Hotelmate2026
        && method != axum::http::Method::GET
        && path.contains("/room-types/")
    {
        // §10.3: regular staff may read room types, not write them.
        let (mut parts, body) = req.into_parts();
        let admin = match Caller::from_request_parts(&mut parts, &state).await {
            Ok(Caller::User(user)) => crate::people::by_user(&state.db(), user.user_id)
                .ok()
                .flatten()
                .is_some_and(|staff| staff.is_admin_2026()),
            _ => false,
        };
        if !admin {
            return ApiError::detail(
                StatusCode::FORBIDDEN,
                "You do not have permission to manage room types.",
            )
            .into_response();
        }
        return finish(state, Request::from_parts(parts, body), next, method, path).await;
    }
    finish(state, req, next, method, path).await
}

/// The rest of [`drf_method_not_allowed`]: the handler's answer, its bare 405 made DRF's.
async fn finish(
    state: AppState,
    req: Request,
    next: Next,
    method: axum::http::Method,
    path: String,
) -> Response {
    let headers = req.headers().clone();
    let response = next.run(req).await;
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    let mut probe = Request::new(axum::body::Body::empty());
    *probe.headers_mut() = headers;
    let (mut parts, _) = probe.into_parts();
    match Caller::from_request_parts(&mut parts, &state).await {
        Err(e) => return e.into_response(),
        Ok(Caller::Anonymous) if requires_login(&path) => {
            return ApiError::not_authenticated().into_response()
        }
        Ok(_) => {}
    }
    let allow = response.headers().get(axum::http::header::ALLOW).cloned();
    let mut replaced = ApiError::method_not_allowed(method.as_str()).into_response();
    if let Some(allow) = allow {
        replaced
            .headers_mut()
            .insert(axum::http::header::ALLOW, allow);
    }
    replaced
}

/// What the 2026 backend no longer serves (API.md §10.1 and §10.2): offers, the old galleries,
/// the public settings and page, the `/api/chat/` and `/api/attendance/` mounts, and the token
/// clock toggle of Decision 5. Each answers the 404 of a route that does not exist.
fn removed_in_2026(path: &str) -> bool {
    let token_clock = path.starts_with("/api/staff/") && path.ends_with("/clock/");
    let staff_hotel = path
        .strip_prefix("/api/staff/hotel/")
        .and_then(|rest| rest.split_once('/'))
        .map(|(_, rest)| rest);
    let removed_staff = staff_hotel
        .is_some_and(|rest| rest.starts_with("offers/") || rest.starts_with("galleries/"));
    removed_staff
        || token_clock
        || path.starts_with("/api/hotel/public/")
        || path.starts_with("/api/chat/")
        || path.starts_with("/api/attendance/")
}

/// Paths whose views require `IsAuthenticated` (everything in the staff zone but login, and attendance).
fn requires_login(path: &str) -> bool {
    let staff_zone = path.starts_with("/api/staff/") && !path.ends_with("/login/");
    staff_zone || path.starts_with("/api/attendance/") || path.starts_with("/api/hotel/staff/")
}

/// The hotel channel of API.md Decision 8: literally `"hotel-" + slug`.
pub(crate) fn hotel_channel(slug: &str) -> String {
    format!("hotel-{slug}")
}

/// A URL primary key; anything that is not an integer matches nothing (DRF turns the ValueError into a 404).
pub(crate) fn parse_pk(pk: &str) -> Option<i64> {
    pk.parse().ok()
}

/// The sandbox's answer to a non-image file in an image field of a serializer (Django's ImageField text).
pub(crate) fn upload_field_error() -> &'static str {
    "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hotel_channel_is_the_literal_prefix_plus_slug() {
        assert_eq!(hotel_channel("killarney"), "hotel-killarney");
        assert_eq!(hotel_channel("hotel-killarney"), "hotel-hotel-killarney");
    }
}
