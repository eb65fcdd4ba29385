//! Tauri commands, one file per area; each is a few lines that call the core.

pub mod display;
pub mod messages;
pub mod offers;
pub mod pictures;
pub mod session;
pub mod settings;
pub mod team;

/// A file sent as the raw request body (no JSON encoding of a large image), with what it is
/// for (`for_header`: the offer id, the image slot) and its file name as headers. `None` when
/// the body or that header did not arrive.
pub fn raw_file(
    request: &tauri::ipc::Request<'_>,
    for_header: &str,
    default_name: &str,
) -> Option<(String, String, Vec<u8>)> {
    let target = header(request, for_header)?;
    let name = header(request, "file-name").unwrap_or_else(|| default_name.to_owned());
    match request.body() {
        tauri::ipc::InvokeBody::Raw(bytes) => Some((target, name, bytes.clone())),
        tauri::ipc::InvokeBody::Json(_) => None,
    }
}

/// A request header, percent-decoded (the UI encodes names and text with
/// `encodeURIComponent`).
pub fn header(request: &tauri::ipc::Request<'_>, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(urlencoding_decode)
}

fn urlencoding_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("n={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| text.to_owned())
}
