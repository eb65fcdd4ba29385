//! How the desk asks for its updates: an HTTP client that follows a redirect only within the
//! address's own origin (scheme, host and port: a feed's redirect to another port on this
//! computer was followed before issue 63.5), and a body read that stops at a ceiling as the
//! bytes arrive, at once when the answer's `Content-Length` is over it.

use std::time::Duration;

use hotelmate_core::updates::UpdateError;

/// How many redirects within an origin are followed (a moved feed, a versioned path).
pub const MAX_REDIRECTS: usize = 5;
/// How long a connection may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// A client whose every request ends within `whole` (connecting, the answer and its whole body)
/// and goes silent for at most `stall` between two reads; redirects as the module says.
pub fn client(whole: Duration, stall: Duration) -> Result<reqwest::Client, UpdateError> {
    reqwest::Client::builder()
        .user_agent(concat!("HotelMate-Desk/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            let from = attempt.previous().first().map(url::Url::origin);
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else if from.as_ref() == Some(&attempt.url().origin()) {
                attempt.follow()
            } else {
                let to = attempt.url().origin().ascii_serialization();
                attempt.error(format!(
                    "a redirect to another server ({to}) is not followed"
                ))
            }
        }))
        .connect_timeout(CONNECT_TIMEOUT.min(whole))
        .read_timeout(stall)
        .timeout(whole)
        .build()
        .map_err(|error| UpdateError::NotReached(error.to_string()))
}

/// Why a read of an answer stopped.
#[derive(Debug)]
pub enum ReadError {
    /// The network failed, or the time ran out: trying again later may help.
    Network(reqwest::Error),
    /// A redirect was refused (see the module's doc), in words.
    Redirect(String),
    /// The answer is over this many bytes (said by its `Content-Length`, or found as it came).
    TooLarge(u64),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Network(error) => error.fmt(f),
            Self::Redirect(words) => f.write_str(words),
            Self::TooLarge(limit) => write!(f, "the answer is over {limit} bytes"),
        }
    }
}

impl From<reqwest::Error> for ReadError {
    fn from(error: reqwest::Error) -> Self {
        if error.is_redirect() {
            let words = std::error::Error::source(&error)
                .map_or_else(|| error.to_string(), ToString::to_string);
            Self::Redirect(words)
        } else {
            Self::Network(error)
        }
    }
}

/// An answer's body read chunk by chunk that stops once more than its limit came: at most the
/// limit and one chunk are ever read.
pub struct Capped {
    response: reqwest::Response,
    limit: u64,
    read: u64,
}

impl Capped {
    /// `response`'s body, refused at once when its `Content-Length` is over `limit` bytes.
    pub fn new(response: reqwest::Response, limit: u64) -> Result<Self, ReadError> {
        if response
            .content_length()
            .is_some_and(|length| length > limit)
        {
            return Err(ReadError::TooLarge(limit));
        }
        Ok(Self {
            response,
            limit,
            read: 0,
        })
    }

    /// The next chunk, `None` at the end; [`ReadError::TooLarge`] as soon as the bytes read
    /// pass the limit.
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>, ReadError> {
        let Some(chunk) = self.response.chunk().await? else {
            return Ok(None);
        };
        self.read = self.read.saturating_add(chunk.len() as u64);
        if self.read > self.limit {
            return Err(ReadError::TooLarge(self.limit));
        }
        Ok(Some(chunk))
    }

    /// The whole body (it is at most the limit).
    pub async fn all(mut self) -> Result<Vec<u8>, ReadError> {
        let mut body = Vec::new();
        while let Some(chunk) = self.chunk().await? {
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}
