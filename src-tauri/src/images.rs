//! The `hmimg:` URI scheme: every image the webview shows comes from the desk's image cache
//! (`Desk::image`), so photos show with no network. The UI asks for
//! `hmimg://localhost/<percent-encoded image URL>` (see `shownImage` in ui/src/lib/backend.ts).

use hotelmate_core::desk::ErrorCode;
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
    tauri::async_runtime::spawn(async move {
        let url = percent_decode_str(&encoded)
            .decode_utf8_lossy()
            .into_owned();
        let response = match desk.image(&url).await {
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
