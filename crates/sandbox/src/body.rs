//! Request bodies the way DRF's default parsers see them (JSON, form, multipart; API.md §1.4), with the
//! 50 MB upload limit. Over the limit the sandbox answers 413 `{"detail": "Request body is larger than the
//! 50 MB upload limit."}` (Django itself raises `RequestDataTooBig`; a client should treat 400 and 413 alike).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::errors::ApiError;

/// `DATA_UPLOAD_MAX_MEMORY_SIZE` / `FILE_UPLOAD_MAX_MEMORY_SIZE`.
pub(crate) const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

/// The unparsed body and its content type. Parsing waits until the view has authenticated and authorized,
/// as DRF parses lazily on first access to `request.data`.
pub(crate) struct RawBody {
    content_type: Option<String>,
    bytes: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = req.into_body();
        let bytes = axum::body::to_bytes(body, MAX_UPLOAD_BYTES)
            .await
            .map_err(|_| {
                ApiError::detail(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Request body is larger than the 50 MB upload limit.",
                )
            })?;
        Ok(Self {
            content_type,
            bytes,
        })
    }
}

/// One uploaded file part.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub file_name: String,
    pub bytes: Bytes,
}

/// `request.data` and `request.FILES`.
#[derive(Debug, Default)]
pub(crate) struct RequestData {
    /// Text values (for forms: the last value of each key, as a string; for JSON: the object's members).
    pub fields: Map<String, Value>,
    pub files: HashMap<String, Upload>,
    /// Every file part in order, repeated field names included (chat attachments send several `files`).
    pub file_list: Vec<(String, Upload)>,
    /// The JSON body when it was not an object (DRF then reports "Expected a dictionary").
    pub non_object_json: Option<Value>,
    /// Whether the body was JSON (types are then real JSON types, not strings).
    pub is_json: bool,
}

impl RequestData {
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }
}

impl RawBody {
    /// The body parsed as DRF would, or DRF's 400/415 answer.
    pub(crate) async fn parse(&self) -> Result<RequestData, ApiError> {
        if self.bytes.is_empty() {
            return Ok(RequestData::default());
        }
        let ct = self.content_type.clone().unwrap_or_default();
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match mime.as_str() {
            "application/json" => parse_json(&self.bytes),
            "application/x-www-form-urlencoded" => Ok(parse_form(&self.bytes)),
            "multipart/form-data" => parse_multipart(&ct, self.bytes.clone()).await,
            _ => Err(ApiError::detail(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &format!("Unsupported media type \"{ct}\" in request."),
            )),
        }
    }
}

fn parse_json(bytes: &[u8]) -> Result<RequestData, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::detail(StatusCode::BAD_REQUEST, &format!("JSON parse error - {e}"))
    })?;
    let mut data = RequestData {
        is_json: true,
        ..RequestData::default()
    };
    match value {
        Value::Object(map) => data.fields = map,
        other => data.non_object_json = Some(other),
    }
    Ok(data)
}

fn parse_form(bytes: &[u8]) -> RequestData {
    let mut data = RequestData::default();
    for (k, v) in url::form_urlencoded::parse(bytes) {
        data.fields
            .insert(k.into_owned(), Value::String(v.into_owned()));
    }
    data
}

pub(crate) async fn parse_multipart(
    content_type: &str,
    bytes: Bytes,
) -> Result<RequestData, ApiError> {
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        ApiError::detail(
            StatusCode::BAD_REQUEST,
            "Multipart form parse error - Invalid boundary in multipart: None",
        )
    })?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut data = RequestData::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(ApiError::detail(
                    StatusCode::BAD_REQUEST,
                    &format!("Multipart form parse error - {e}"),
                ))
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let content = field.bytes().await.map_err(|e| {
            ApiError::detail(
                StatusCode::BAD_REQUEST,
                &format!("Multipart form parse error - {e}"),
            )
        })?;
        match file_name {
            // Django skips file parts without a file name.
            Some(f) if f.is_empty() => {}
            Some(file_name) => {
                let upload = Upload {
                    file_name,
                    bytes: content,
                };
                data.file_list.push((name.clone(), upload.clone()));
                data.files.insert(name, upload);
            }
            None => {
                let text = String::from_utf8_lossy(&content).into_owned();
                data.fields.insert(name, Value::String(text));
            }
        }
    }
    Ok(data)
}
