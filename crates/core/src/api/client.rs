//! The HTTP plumbing shared by every resource module.

use std::time::Duration;

use reqwest::{header, Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::ApiError;
use crate::config::ApiBase;
use crate::secrets::StaffToken;

/// How long one request may wait for its answer before the user is told the server is not
/// answering (a server that accepts connections and never answers is noticed within this).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// An upload may take longer: the answer's wait plus its bytes at this slowest uplink a hotel
/// may have (a 5 MB photo: 10 s + 160 s), so a slow line is not taken for a silent server.
const SLOWEST_UPLINK_BYTES_PER_SECOND: u64 = 32 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const USER_AGENT: &str = concat!("HotelMateDesk/", env!("CARGO_PKG_VERSION"));

/// A client for one HotelMate server, with or without a staff token.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: ApiBase,
    token: Option<StaffToken>,
    timeout: Duration,
    /// How far the server is, in microseconds: the floor of the times to an answer's headers
    /// (a faster answer lowers it at once, slower ones raise it slowly, so a busy server does
    /// not look far; 0 until measured), shared by the client's copies.
    round_trip: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl ApiClient {
    pub fn new(base: ApiBase) -> Result<Self, ApiError> {
        Self::with_timeout(base, DEFAULT_REQUEST_TIMEOUT)
    }

    pub fn with_timeout(base: ApiBase, timeout: Duration) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            .timeout(timeout)
            .use_rustls_tls()
            .build()
            .map_err(|err| ApiError::Network {
                message: format!("cannot start the HTTP client: {err}"),
            })?;
        Ok(Self {
            http,
            base,
            token: None,
            timeout,
            round_trip: std::sync::Arc::default(),
        })
    }

    /// The same client, authenticating as a staff member.
    pub fn authenticated(&self, token: StaffToken) -> Self {
        Self {
            token: Some(token),
            ..self.clone()
        }
    }

    /// The same client without a token (login must never carry a stale one: API.md §13.2).
    pub fn anonymous(&self) -> Self {
        Self {
            token: None,
            ..self.clone()
        }
    }

    pub fn base(&self) -> &ApiBase {
        &self.base
    }

    /// Whether the server can be reached at all: any answer to a bare request for its root
    /// (no token, nothing read), within `wait`. What a desk whose network failed asks between
    /// its backed-off retries, so it notices the network is back at once.
    pub async fn reachable(&self, wait: Duration) -> bool {
        self.http
            .head(self.base.url().clone())
            .timeout(wait)
            .send()
            .await
            .is_ok()
    }

    /// How long the server takes to answer a quick request, once one has been answered: the
    /// distance to it, more than its work.
    pub fn typical_round_trip(&self) -> Option<Duration> {
        let micros = self.round_trip.load(std::sync::atomic::Ordering::Relaxed);
        (micros > 0).then(|| Duration::from_micros(micros))
    }

    fn record_round_trip(&self, took: Duration) {
        use std::sync::atomic::Ordering;
        let sample = u64::try_from(took.as_micros()).unwrap_or(u64::MAX).max(1);
        // A lost race between two updates only drops one sample.
        let old = self.round_trip.load(Ordering::Relaxed);
        let new = if old == 0 || sample < old {
            sample
        } else {
            old + (sample - old) / 32
        };
        self.round_trip.store(new.max(1), Ordering::Relaxed);
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self
            .http
            .request(method, self.base.join(path))
            .header(header::ACCEPT, "application/json");
        match &self.token {
            Some(token) => {
                builder.header(header::AUTHORIZATION, format!("Token {}", token.expose()))
            }
            None => builder,
        }
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    /// POST with no body (an action such as the clock toggle).
    pub async fn post_empty<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(self.request(Method::POST, path)).await
    }

    pub async fn patch<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        self.send(self.request(Method::PATCH, path).json(body))
            .await
    }

    /// A multipart request (each image is its own request: API.md Decision 4) carrying about
    /// `bytes` of files, given the time to send them at a slow uplink on top of the answer's
    /// wait.
    pub async fn multipart<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        form: reqwest::multipart::Form,
        bytes: usize,
    ) -> Result<T, ApiError> {
        let sending = Duration::from_secs(
            u64::try_from(bytes).unwrap_or(u64::MAX) / SLOWEST_UPLINK_BYTES_PER_SECOND,
        );
        let timeout = self.timeout.saturating_add(sending);
        self.send_within(
            self.request(method, path).multipart(form).timeout(timeout),
            timeout,
        )
        .await
    }

    /// DELETE; success is any 2xx, with or without a body.
    pub async fn delete(&self, path: &str) -> Result<(), ApiError> {
        self.send_raw(self.request(Method::DELETE, path))
            .await
            .map(|_| ())
    }

    /// DELETE answered with a JSON body.
    pub async fn delete_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(self.request(Method::DELETE, path)).await
    }

    /// A file the server names by its full address (a chat attachment), without the token:
    /// such files are public and may live on another host.
    pub async fn download(&self, url: &str) -> Result<bytes::Bytes, ApiError> {
        self.send_raw(self.http.get(url)).await
    }

    async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, ApiError> {
        self.send_within(request, self.timeout).await
    }

    async fn send_within<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        timeout: Duration,
    ) -> Result<T, ApiError> {
        let body = self.send_raw_within(request, timeout).await?;
        serde_json::from_slice(&body).map_err(|err| ApiError::Unsupported {
            message: format!(
                "the server's answer could not be read ({err}); is this a HotelMate server?"
            ),
        })
    }

    async fn send_raw(&self, request: RequestBuilder) -> Result<bytes::Bytes, ApiError> {
        self.send_raw_within(request, self.timeout).await
    }

    async fn send_raw_within(
        &self,
        request: RequestBuilder,
        timeout: Duration,
    ) -> Result<bytes::Bytes, ApiError> {
        let seconds = timeout.as_secs().max(1);
        let started = std::time::Instant::now();
        let response = request
            .send()
            .await
            .map_err(|e| ApiError::from_transport(&e, seconds))?;
        self.record_round_trip(started.elapsed());
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response
            .bytes()
            .await
            .map_err(|e| ApiError::from_transport(&e, seconds))?;
        if !status.is_success() {
            return Err(ApiError::from_response(
                status,
                content_type.as_deref(),
                &body,
            ));
        }
        Ok(body)
    }
}
