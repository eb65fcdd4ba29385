//! The `hmimg:` URI scheme: every image the webview shows comes from the desk's image cache
//! (`Desk::image`), so photos show with no network, rendered by the desk at the size it is shown
//! at (issue 63.1). The UI asks for `hmimg://localhost/<percent-encoded image URL>?size=<thumbnail
//! | pane | screen>` (see `shownImage` in ui/src/lib/backend.ts).

use hotelmate_core::desk::{ErrorCode, ShownSize};
use hotelmate_core::{Desk, UiError};
use percent_encoding::percent_decode_str;
use tauri::http::{header, HeaderValue, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

pub const SCHEME: &str = "hmimg";

pub fn serve<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let desk = ctx.app_handle().state::<Desk>().inner().clone();
    let encoded = request.uri().path().trim_start_matches('/').to_owned();
    let size = request
        .uri()
        .query()
        .and_then(|query| query.split('&').find_map(|pair| pair.strip_prefix("size=")))
        .map_or(ShownSize::Pane, ShownSize::named);
    tauri::async_runtime::spawn(async move {
        let url = percent_decode_str(&encoded)
            .decode_utf8_lossy()
            .into_owned();
        let response = match desk.image(&url, size).await {
            Ok(image) => respond(StatusCode::OK, image.mime, image.bytes),
            Err(error) => {
                let error = UiError::from(error);
                let status = if error.code == ErrorCode::Network {
                    StatusCode::BAD_GATEWAY
                } else {
                    StatusCode::NOT_FOUND
                };
                respond(status, "text/plain", error.message.into_bytes())
            }
        };
        responder.respond(response);
    });
}

fn respond(status: StatusCode, mime: &str, body: Vec<u8>) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(mime) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}
