//! The Pusher HTTP trigger API: `POST /apps/<app_id>/events` and `/batch_events`, with the REST signature
//! (`auth_key`, `auth_timestamp`, `auth_version`, `body_md5`, `auth_signature`) checked so that the official
//! server libraries can publish into the sandbox. Errors are plain text, as Pusher answers them.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::hub::MAX_EVENT_DATA_BYTES;
use super::signing;
use super::Endpoint;

/// Requests older or newer than this are refused (Pusher allows 600 s of clock skew).
const MAX_TIMESTAMP_SKEW_SECS: i64 = 600;
/// Pusher's limits on one request.
const MAX_CHANNELS_PER_EVENT: usize = 100;
const MAX_BATCH: usize = 10;

/// A plain-text refusal, as Pusher answers bad requests.
#[derive(Debug)]
struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, self.1).into_response()
    }
}

fn text(status: StatusCode, body: impl Into<String>) -> Refusal {
    Refusal(status, body.into())
}

/// Checks app id and signature; `Err` is the answer to send.
fn authenticate(state: &Endpoint, app_id: &str, uri: &Uri, body: &[u8]) -> Result<(), Refusal> {
    if app_id != state.pusher.app_id {
        return Err(text(
            StatusCode::NOT_FOUND,
            format!("Unknown app id {app_id}\n"),
        ));
    }
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let get = |k: &str| {
        params
            .iter()
            .find(|(pk, _)| pk == k)
            .map(|(_, v)| v.as_str())
    };
    let unauthorized = |m: String| Err(text(StatusCode::UNAUTHORIZED, m + "\n"));
    match get("auth_key") {
        Some(k) if k == state.pusher.key => {}
        Some(k) => return unauthorized(format!("Unknown auth_key {k}")),
        None => return unauthorized("Missing auth_key".into()),
    }
    let Some(ts) = get("auth_timestamp").and_then(|t| t.parse::<i64>().ok()) else {
        return unauthorized("Missing or invalid auth_timestamp".into());
    };
    if (chrono::Utc::now().timestamp() - ts).abs() > MAX_TIMESTAMP_SKEW_SECS {
        return unauthorized(
            "Timestamp expired: Given timestamp not within 600s of server time".into(),
        );
    }
    if get("auth_version") != Some("1.0") {
        return unauthorized("Missing or unsupported auth_version (expected 1.0)".into());
    }
    if !body.is_empty() {
        let md5 = signing::md5_hex(body);
        if get("body_md5") != Some(md5.as_str()) {
            return unauthorized(format!("Invalid body_md5: expected {md5}"));
        }
    }
    let to_sign = signing::rest_string_to_sign("POST", uri.path(), &params);
    let sig = get("auth_signature").unwrap_or("");
    if !signing::verify_hex(&state.pusher.secret, &to_sign, sig) {
        return unauthorized(format!(
            "Invalid signature: you should have sent HmacSHA256Hex({:?}, your_secret_key), but you sent {sig:?}",
            to_sign
        ));
    }
    Ok(())
}

/// One event of a request body, validated.
struct EventSpec {
    name: String,
    data: String,
    channels: Vec<String>,
    socket_id: Option<String>,
}

fn parse_event(v: &Value, batch: bool) -> Result<EventSpec, Refusal> {
    let bad = |m: &str| Err(text(StatusCode::BAD_REQUEST, format!("{m}\n")));
    let Some(name) = v.get("name").and_then(Value::as_str) else {
        return bad("Missing event name");
    };
    if name.len() > 200 {
        return bad("Event name too long");
    }
    let data = match v.get("data") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => return bad("Missing data"),
    };
    if data.len() > MAX_EVENT_DATA_BYTES {
        return Err(text(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload too large: data over 10 KB\n",
        ));
    }
    let channels: Vec<String> = if batch {
        v.get("channel")
            .and_then(Value::as_str)
            .map(|c| vec![c.to_string()])
            .unwrap_or_default()
    } else if let Some(list) = v.get("channels").and_then(Value::as_array) {
        list.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    } else {
        v.get("channel")
            .and_then(Value::as_str)
            .map(|c| vec![c.to_string()])
            .unwrap_or_default()
    };
    if channels.is_empty() {
        return bad("Missing channel or channels");
    }
    if channels.len() > MAX_CHANNELS_PER_EVENT {
        return bad("Too many channels (at most 100)");
    }
    let socket_id = v
        .get("socket_id")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(EventSpec {
        name: name.to_string(),
        data,
        channels,
        socket_id,
    })
}

fn deliver(state: &Endpoint, e: &EventSpec) {
    for c in &e.channels {
        state
            .hub
            .trigger_raw(c, &e.name, &e.data, e.socket_id.as_deref());
    }
}

/// `POST /apps/<app_id>/events`.
pub(crate) async fn events(
    State(state): State<Endpoint>,
    Path(app_id): Path<String>,
    uri: Uri,
    body: Bytes,
) -> Response {
    if let Err(r) = authenticate(&state, &app_id, &uri, &body) {
        return r.into_response();
    }
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return text(StatusCode::BAD_REQUEST, "Invalid JSON body\n").into_response();
    };
    match parse_event(&v, false) {
        Ok(e) => {
            deliver(&state, &e);
            Json(json!({})).into_response()
        }
        Err(r) => r.into_response(),
    }
}

/// `POST /apps/<app_id>/batch_events`.
pub(crate) async fn batch_events(
    State(state): State<Endpoint>,
    Path(app_id): Path<String>,
    uri: Uri,
    body: Bytes,
) -> Response {
    if let Err(r) = authenticate(&state, &app_id, &uri, &body) {
        return r.into_response();
    }
    let Some(list) = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("batch").and_then(Value::as_array).cloned())
    else {
        return text(
            StatusCode::BAD_REQUEST,
            "Invalid JSON body: expected {\"batch\": [...]}\n",
        )
        .into_response();
    };
    if list.len() > MAX_BATCH {
        return text(
            StatusCode::BAD_REQUEST,
            "Batch too large (at most 10 events)\n",
        )
        .into_response();
    }
    let mut specs = Vec::with_capacity(list.len());
    for v in &list {
        match parse_event(v, true) {
            Ok(e) => specs.push(e),
            Err(r) => return r.into_response(),
        }
    }
    for e in &specs {
        deliver(&state, e);
    }
    Json(json!({"batch": specs.iter().map(|_| json!({})).collect::<Vec<_>>()})).into_response()
}
