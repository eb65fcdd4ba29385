//! The access log's bodies: every JSON body a client sent the API, with its method and path,
//! so a test can show what a client never sends (a `hotel` in a page-builder write, an id of
//! another hotel; API.md §17.9 item 2). Bounded: bodies over [`BODY_LOGGED_MAX_BYTES`] and
//! bodies that are neither JSON nor multipart are passed on unread and noted as such (a
//! multipart body is noted by its text fields and its files' names); the newest
//! [`BODIES_KEPT`] are kept.

use std::collections::VecDeque;
use std::sync::Mutex;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method};
use serde_json::{json, Value};

/// How many bodies the log keeps (far more than a test sends; bounded for the demo hotel).
pub(crate) const BODIES_KEPT: usize = 10_000;
/// The largest body read into the log; a larger one is noted by its length only.
pub(crate) const BODY_LOGGED_MAX_BYTES: usize = 256 * 1024;

/// The log: `{method, path, body}` per request that carried one, oldest first.
#[derive(Default)]
pub(crate) struct BodyLog(Mutex<VecDeque<Value>>);

impl BodyLog {
    fn push(&self, entry: Value) {
        let mut log = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if log.len() == BODIES_KEPT {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// Every body logged so far, oldest first.
    pub(crate) fn all(&self) -> Vec<Value> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// Notes `req`'s body if it is JSON and small enough, and gives the request back whole.
    pub(crate) async fn note(&self, req: Request) -> Request {
        if req.method() == Method::GET || req.method() == Method::OPTIONS {
            return req;
        }
        let path = req.uri().path().to_owned();
        let method = req.method().to_string();
        let headers = req.headers();
        let is_json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let chunked = headers.contains_key(header::TRANSFER_ENCODING);
        let multipart = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.starts_with("multipart/form-data"))
            .map(str::to_owned);
        if let Some(content_type) = multipart {
            // Read only when its whole length is known and the API takes it: a longer body (or
            // one of unknown length) goes on unread, so the upload limit answers it as before
            // (413), never an emptied body.
            if length.is_some_and(|length| length <= crate::body::MAX_UPLOAD_BYTES) {
                return self.note_multipart(req, &content_type, method, path).await;
            }
            self.push(json!({"method": method, "path": path, "body": null, "unread": "multipart, too long"}));
            return req;
        }
        match length {
            Some(length) if is_json && length <= BODY_LOGGED_MAX_BYTES => {}
            // No body at all (a DELETE): nothing to log.
            None | Some(0) if !is_json && !chunked => return req,
            _ => {
                let kind = if is_json {
                    "json, too long"
                } else {
                    "not json"
                };
                self.push(json!({"method": method, "path": path, "body": null, "unread": kind}));
                return req;
            }
        }
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, BODY_LOGGED_MAX_BYTES)
            .await
            .unwrap_or_default();
        let body = serde_json::from_slice::<Value>(&bytes)
            .unwrap_or_else(|_| Value::from(String::from_utf8_lossy(&bytes).into_owned()));
        self.push(json!({"method": method, "path": path, "body": body}));
        Request::from_parts(parts, Body::from(bytes))
    }

    /// Notes a multipart body's text fields (a photo's `gallery` among them) as the body, and
    /// its files by part and name only; one larger than the API takes is noted unread.
    async fn note_multipart(
        &self,
        req: Request,
        content_type: &str,
        method: String,
        path: String,
    ) -> Request {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, crate::body::MAX_UPLOAD_BYTES).await else {
            self.push(json!({"method": method, "path": path, "body": null, "unread": "multipart, too long"}));
            return Request::from_parts(parts, Body::empty());
        };
        match crate::body::parse_multipart(content_type, bytes.clone()).await {
            Ok(data) => {
                let files: Vec<Value> = data
                    .file_list
                    .iter()
                    .map(|(part, upload)| json!({"part": part, "name": upload.file_name}))
                    .collect();
                self.push(json!({"method": method, "path": path,
                    "body": Value::Object(data.fields), "files": files}));
            }
            Err(_) => {
                self.push(json!({"method": method, "path": path, "body": null, "unread": "multipart, malformed"}));
            }
        }
        Request::from_parts(parts, Body::from(bytes))
    }
}
