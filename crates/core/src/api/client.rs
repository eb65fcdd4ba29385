//! The HTTP plumbing shared by every resource module.

use std::time::Duration;

use reqwest::{header, Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::ApiError;
use crate::session::config::ApiBase;
use crate::session::secrets::StaffToken;

/// How long one request may wait for its answer before the user is told the server is not
/// answering (a server that accepts connections and never answers is noticed within this).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// An upload may take longer: the answer's wait plus its bytes at this slowest uplink a hotel
/// may have (a 5 MB photo: 10 s + 160 s), so a slow line is not taken for a silent server.
const SLOWEST_UPLINK_BYTES_PER_SECOND: u64 = 32 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest API answer read: a page of a hundred rows is a few hundred kilobytes; a larger
/// answer is refused as it arrives (or at once, when its length is said), never read whole.
pub const MAX_ANSWER_BYTES: u64 = 8 * 1024 * 1024;
/// The largest file for a guest the server keeps (API.md §8.6: 50 MB).
pub const MAX_ATTACHMENT_BYTES: u64 = 50 * 1024 * 1024;
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
    /// Hosts files named by the server may be fetched from, besides the server itself.
    media_hosts: std::sync::Arc<Vec<String>>,
    /// Which HotelMate the server is (told at sign-in): what is asked where they differ.
    generation: super::Generation,
    /// Until when the server asked to be left alone (a 429 or 503 with `Retry-After`), and
    /// with which status: shared by the client's copies, so no queue, read or probe of this
    /// desk asks it anything before then.
    asked_to_wait: std::sync::Arc<std::sync::Mutex<Option<(std::time::Instant, u16)>>>,
    /// When the server last answered anything (any status), shared by the client's copies:
    /// the engine asks it whether it answers only when it has been silent (issue 63.13).
    answered: std::sync::Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

impl ApiClient {
    /// A client of the server at `base`, with no token, each request waiting at most
    /// [`DEFAULT_REQUEST_TIMEOUT`] for its answer.
    #[cfg(feature = "test-support")]
    pub fn new(base: ApiBase) -> Result<Self, ApiError> {
        Self::with_timeout(base, DEFAULT_REQUEST_TIMEOUT)
    }

    pub(crate) fn with_timeout(base: ApiBase, timeout: Duration) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            .timeout(timeout)
            // The desk asks for exact addresses; a redirect could lead a file's fetch into
            // this computer's network, so none is followed.
            .redirect(reqwest::redirect::Policy::none())
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
            media_hosts: std::sync::Arc::default(),
            asked_to_wait: std::sync::Arc::default(),
            answered: std::sync::Arc::default(),
            generation: super::Generation::Classic,
        })
    }

    /// The same client, fetching files named by the server from these hosts too (https only).
    pub(crate) fn with_media_hosts(&self, hosts: &[String]) -> Self {
        Self {
            media_hosts: std::sync::Arc::new(hosts.to_vec()),
            ..self.clone()
        }
    }

    /// The same client, speaking to a server of `generation`.
    pub(crate) fn with_generation(&self, generation: super::Generation) -> Self {
        Self {
            generation,
            ..self.clone()
        }
    }

    /// Which HotelMate the server is, as told at sign-in.
    pub(crate) fn generation(&self) -> super::Generation {
        self.generation
    }

    /// The same client, authenticating as a staff member.
    pub fn authenticated(&self, token: StaffToken) -> Self {
        Self {
            token: Some(token),
            ..self.clone()
        }
    }

    /// The same client without a token (login must never carry a stale one: API.md §13.2).
    pub(crate) fn anonymous(&self) -> Self {
        Self {
            token: None,
            ..self.clone()
        }
    }

    pub(crate) fn base(&self) -> &ApiBase {
        &self.base
    }

    /// Whether the server can be reached at all: any answer to a bare request for its root
    /// (no token, nothing read), within `wait`; else why not (the network, or no answer in
    /// time). What a desk whose network failed asks between its backed-off retries, so it
    /// notices the network is back at once.
    pub(crate) async fn reachable(&self, wait: Duration) -> Result<(), ApiError> {
        self.http
            .head(self.base.url().clone())
            .timeout(wait)
            .send()
            .await
            .map(|_| self.note_answer())
            .map_err(|err| ApiError::from_transport(&err, wait.as_secs().max(1)))
    }

    /// When the server last answered a request of this client or its copies (whatever it
    /// said); `None` before its first answer.
    pub(crate) fn last_answer(&self) -> Option<std::time::Instant> {
        *self
            .answered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long a request waits for its answer.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    fn note_answer(&self) {
        *self
            .answered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(std::time::Instant::now());
    }

    /// How long the server takes to answer a quick request, once one has been answered: the
    /// distance to it, more than its work.
    pub(crate) fn typical_round_trip(&self) -> Option<Duration> {
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

    /// GETs `path` (relative to the server's API address) and reads the JSON answer as `T`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(self.request(Method::GET, path)).await
    }

    pub(crate) async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    /// POST with no body (an action such as the clock toggle).
    pub(crate) async fn post_empty<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(self.request(Method::POST, path)).await
    }

    pub(crate) async fn patch<B: Serialize + ?Sized, T: DeserializeOwned>(
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
    pub(crate) async fn multipart<T: DeserializeOwned>(
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
    pub(crate) async fn delete(&self, path: &str) -> Result<(), ApiError> {
        self.send_raw(self.request(Method::DELETE, path))
            .await
            .map(|_| ())
    }

    /// DELETE answered with a JSON body.
    pub(crate) async fn delete_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(self.request(Method::DELETE, path)).await
    }

    /// A file the server names by its full address (a gallery image, a chat attachment),
    /// without the token, from the hotel's server or its media hosts only, at most `max_bytes`.
    /// Whatever the file's host answers, it is never taken for the hotel's server refusing the
    /// sign-in.
    pub(crate) async fn download(&self, url: &str, max_bytes: u64) -> Result<Vec<u8>, ApiError> {
        let mut body = Vec::new();
        self.download_into(url, max_bytes, &mut body).await?;
        Ok(body)
    }

    /// As [`ApiClient::download`], written to `path` as it arrives: into a new hidden file of
    /// its own beside it (`.hotelmate-<random>.part`, never a name a person's file could have:
    /// `report.part` was taken over and deleted when `report.pdf` was saved), moved into place
    /// once whole, never over a file that appeared at `path` meanwhile.
    pub async fn download_to_file(
        &self,
        url: &str,
        max_bytes: u64,
        path: &std::path::Path,
    ) -> Result<(), ApiError> {
        let failed = |err: std::io::Error| ApiError::FileHost {
            message: format!("'{}' cannot be written: {err}", path.display()),
        };
        let folder = path.parent().unwrap_or(std::path::Path::new("."));
        let partial = tempfile::Builder::new()
            .prefix(".hotelmate-")
            .suffix(".part")
            .tempfile_in(folder)
            .map_err(failed)?;
        let mut file = tokio::fs::File::from_std(partial.as_file().try_clone().map_err(failed)?);
        let written = async {
            let mut sink = FileSink(&mut file);
            self.download_into(url, max_bytes, &mut sink).await?;
            tokio::io::AsyncWriteExt::flush(&mut file)
                .await
                .map_err(failed)
        }
        .await;
        drop(file);
        // On failure the partial file is removed with `partial`.
        written?;
        partial
            .persist_noclobber(path)
            .map(drop)
            .map_err(|err| failed(err.error))
    }

    async fn download_into(
        &self,
        url: &str,
        max_bytes: u64,
        sink: &mut impl Sink,
    ) -> Result<(), ApiError> {
        crate::media::hosts::ImageHosts::new(&self.base, &self.media_hosts)
            .check(url)
            .map_err(|refused| ApiError::FileHost {
                message: refused.to_string(),
            })?;
        let seconds = self.timeout.as_secs().max(1);
        let mut response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| ApiError::from_transport(&e, seconds))?;
        let status = response.status();
        if !status.is_success() {
            return Err(ApiError::FileHost {
                message: format!("the file's host answered {status}"),
            });
        }
        let too_large = || ApiError::FileHost {
            message: format!(
                "the file is larger than {} MB, more than the desk fetches",
                max_bytes / (1024 * 1024)
            ),
        };
        if response.content_length().is_some_and(|n| n > max_bytes) {
            return Err(too_large());
        }
        let mut received = 0u64;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| ApiError::from_transport(&e, seconds))?
        {
            received += chunk.len() as u64;
            if received > max_bytes {
                return Err(too_large());
            }
            sink.take(&chunk).await?;
        }
        Ok(())
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
        read_json(&body)
    }

    /// As [`ApiClient::get`], with how many bytes the answer took (a list's pages are bounded
    /// by what they took, without writing them out again to count).
    pub(crate) async fn get_sized<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<(T, usize), ApiError> {
        let body = self.send_raw(self.request(Method::GET, path)).await?;
        Ok((read_json(&body)?, body.len()))
    }

    async fn send_raw(&self, request: RequestBuilder) -> Result<Vec<u8>, ApiError> {
        self.send_raw_within(request, self.timeout).await
    }

    async fn send_raw_within(
        &self,
        request: RequestBuilder,
        timeout: Duration,
    ) -> Result<Vec<u8>, ApiError> {
        self.still_asked_to_wait()?;
        let seconds = timeout.as_secs().max(1);
        let started = std::time::Instant::now();
        let response = request
            .send()
            .await
            .map_err(|e| ApiError::from_transport(&e, seconds))?;
        self.record_round_trip(started.elapsed());
        self.note_answer();
        let status = response.status();
        let retry_after = super::error::retry_after_of(
            status.as_u16(),
            response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            chrono::Utc::now(),
        );
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let too_large = || ApiError::Unsupported {
            message: format!(
                "the server's answer is larger than {} MB, more than the desk reads; is this a \
                 HotelMate server?",
                MAX_ANSWER_BYTES / (1024 * 1024)
            ),
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER_BYTES)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        let mut response = response;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| ApiError::from_transport(&e, seconds))?
        {
            if (body.len() + chunk.len()) as u64 > MAX_ANSWER_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            let mut error = ApiError::from_response(status, content_type.as_deref(), &body);
            if let (
                ApiError::Server {
                    retry_after: asked, ..
                },
                Some(wait),
            ) = (&mut error, retry_after)
            {
                *asked = Some(wait);
                *self.waits() = Some((std::time::Instant::now() + wait, status.as_u16()));
            }
            return Err(error);
        }
        Ok(body)
    }

    fn waits(&self) -> std::sync::MutexGuard<'_, Option<(std::time::Instant, u16)>> {
        self.asked_to_wait
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Refuses at once, sending nothing, while the server's asked wait lasts (with what is
    /// left of it, so every queue waits it out).
    fn still_asked_to_wait(&self) -> Result<(), ApiError> {
        let mut asked = self.waits();
        let Some((until, status)) = *asked else {
            return Ok(());
        };
        let left = until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            *asked = None;
            return Ok(());
        }
        Err(ApiError::Server {
            status,
            message: "the server asked the desk to wait before asking again".into(),
            retry_after: Some(left),
        })
    }
}

/// Where a download's bytes go: memory or a file.
trait Sink {
    async fn take(&mut self, chunk: &[u8]) -> Result<(), ApiError>;
}

impl Sink for Vec<u8> {
    async fn take(&mut self, chunk: &[u8]) -> Result<(), ApiError> {
        self.extend_from_slice(chunk);
        Ok(())
    }
}

struct FileSink<'a>(&'a mut tokio::fs::File);

impl Sink for FileSink<'_> {
    async fn take(&mut self, chunk: &[u8]) -> Result<(), ApiError> {
        tokio::io::AsyncWriteExt::write_all(self.0, chunk)
            .await
            .map_err(|err| ApiError::FileHost {
                message: format!("the file cannot be written: {err}"),
            })
    }
}

/// The server's answer read as JSON, or refused in words.
fn read_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|err| ApiError::Unsupported {
        message: format!(
            "the server's answer could not be read ({err}); is this a HotelMate server?"
        ),
    })
}
