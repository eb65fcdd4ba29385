//! Where to connect and how to behave: endpoint (hosted cluster or self-hosted), proxy, timeouts,
//! reconnect delays, frame limit, and the authorizers.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::auth::{Authorizer, UserAuthenticator};
use crate::error::ConfigError;

/// pusher-js's default; the server's `activity_timeout` lowers it.
pub const DEFAULT_ACTIVITY_TIMEOUT: Duration = Duration::from_secs(120);
/// How long to wait for any frame after a ping before the connection counts as dead.
pub const DEFAULT_PONG_TIMEOUT: Duration = Duration::from_secs(30);
/// After a resume from sleep the socket is usually dead; a short check finds out fast.
pub const DEFAULT_RESUME_CHECK_TIMEOUT: Duration = Duration::from_secs(5);
/// TCP, TLS, proxy, WebSocket upgrade and `pusher:connection_established` together.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(15);
/// An authorizer that never answers must not hold a channel forever.
pub const DEFAULT_AUTH_TIMEOUT: Duration = Duration::from_secs(15);
/// A subscription the server has not answered in this time is reported failed.
pub const DEFAULT_SUBSCRIPTION_TIMEOUT: Duration = Duration::from_secs(30);
/// First reconnect delay ceiling.
pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_secs(1);
/// Largest reconnect delay.
pub const DEFAULT_BACKOFF_CAP: Duration = Duration::from_secs(60);
/// Text frames above this are dropped and told as [`crate::FRAME_DROPPED`], the connection
/// kept (Pusher events are at most 10 KB; this leaves room for presence lists). A message
/// above [`MAX_MESSAGE_FACTOR`] times the limit is not read at all: the WebSocket layer ends
/// the connection, which is opened again with backoff. So no frame costs more than 4 MiB.
pub const DEFAULT_MAX_FRAME_BYTES: usize = 1024 * 1024;
/// How many times the frame limit the WebSocket layer reads of one message before it ends the
/// connection (between the two, a frame is read, dropped and told).
pub const MAX_MESSAGE_FACTOR: usize = 4;

/// Where the Pusher server is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// Pusher's hosted service: `ws-<cluster>.pusher.com`.
    Hosted {
        /// The cluster, e.g. `eu` or `mt1`.
        cluster: String,
        /// TLS (port 443) or plain (port 80).
        tls: bool,
    },
    /// A self-hosted server (sockudo, soketi, ...).
    SelfHosted {
        /// Host name or IP address.
        host: String,
        /// Port of plain connections, or of TLS connections when `tls`.
        port: u16,
        /// Connect with TLS.
        tls: bool,
        /// Port for TLS when the server asks for it (close code 4000) while `tls` is off.
        tls_port: u16,
        /// Path prefix before `/app/<key>`, e.g. `/pusher`; empty for none.
        path: String,
    },
}

/// An HTTP proxy reached with `CONNECT`.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    pub(crate) host: String,
    pub(crate) port: u16,
    /// `user:password` for `Proxy-Authorization: Basic`.
    pub(crate) credentials: Option<String>,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("credentials", &self.credentials.as_ref().map(|_| "***"))
            .finish()
    }
}

impl Proxy {
    /// Parses `http://[user:password@]host:port`.
    pub fn parse(proxy: &str) -> Result<Self, ConfigError> {
        let invalid = |reason: &str| ConfigError::InvalidProxy {
            proxy: redact(proxy),
            reason: reason.into(),
        };
        let url = Url::parse(proxy).map_err(|error| invalid(&error.to_string()))?;
        if url.scheme() != "http" {
            return Err(invalid("only http:// proxies (HTTP CONNECT) are supported"));
        }
        let host = url.host_str().ok_or_else(|| invalid("no host"))?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = url.port_or_known_default().unwrap_or(80);
        let credentials = (!url.username().is_empty()).then(|| {
            let user = percent_decode(url.username());
            let password = url.password().map(percent_decode).unwrap_or_default();
            format!("{user}:{password}")
        });
        Ok(Self {
            host,
            port,
            credentials,
        })
    }
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

fn redact(proxy: &str) -> String {
    match Url::parse(proxy) {
        Ok(mut url) if !url.username().is_empty() => {
            let _ = url.set_username("***");
            let _ = url.set_password(None);
            url.to_string()
        }
        _ => proxy.to_owned(),
    }
}

/// Everything the client needs to know. Build with [`Config::hosted`] or [`Config::self_hosted`], then
/// adjust with the `with_*` methods.
#[derive(Clone)]
pub struct Config {
    pub(crate) key: String,
    pub(crate) endpoint: Endpoint,
    pub(crate) proxy: Option<Proxy>,
    pub(crate) activity_timeout: Duration,
    pub(crate) pong_timeout: Duration,
    pub(crate) resume_check_timeout: Duration,
    pub(crate) handshake_timeout: Duration,
    pub(crate) auth_timeout: Duration,
    pub(crate) subscription_timeout: Duration,
    pub(crate) backoff_base: Duration,
    pub(crate) backoff_cap: Duration,
    pub(crate) max_frame_bytes: usize,
    pub(crate) authorizer: Option<Arc<dyn Authorizer>>,
    pub(crate) user_authenticator: Option<Arc<dyn UserAuthenticator>>,
    /// Extra trusted roots (DER), for self-hosted servers with a private CA.
    pub(crate) extra_roots: Vec<Vec<u8>>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("key", &self.key)
            .field("endpoint", &self.endpoint)
            .field("proxy", &self.proxy)
            .field("activity_timeout", &self.activity_timeout)
            .field("pong_timeout", &self.pong_timeout)
            .field("max_frame_bytes", &self.max_frame_bytes)
            .field("authorizer", &self.authorizer.is_some())
            .field("user_authenticator", &self.user_authenticator.is_some())
            .finish_non_exhaustive()
    }
}

impl Config {
    fn new(key: &str, endpoint: Endpoint) -> Self {
        Self {
            key: key.to_owned(),
            endpoint,
            proxy: None,
            activity_timeout: DEFAULT_ACTIVITY_TIMEOUT,
            pong_timeout: DEFAULT_PONG_TIMEOUT,
            resume_check_timeout: DEFAULT_RESUME_CHECK_TIMEOUT,
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            auth_timeout: DEFAULT_AUTH_TIMEOUT,
            subscription_timeout: DEFAULT_SUBSCRIPTION_TIMEOUT,
            backoff_base: DEFAULT_BACKOFF_BASE,
            backoff_cap: DEFAULT_BACKOFF_CAP,
            max_frame_bytes: DEFAULT_MAX_FRAME_BYTES,
            authorizer: None,
            user_authenticator: None,
            extra_roots: Vec::new(),
        }
    }

    /// Pusher's hosted service over TLS: `wss://ws-<cluster>.pusher.com:443/app/<key>`.
    pub fn hosted(key: &str, cluster: &str) -> Self {
        Self::new(
            key,
            Endpoint::Hosted {
                cluster: cluster.to_owned(),
                tls: true,
            },
        )
    }

    /// A self-hosted server at `host:port`, with or without TLS.
    pub fn self_hosted(host: &str, port: u16, tls: bool, key: &str) -> Self {
        Self::new(
            key,
            Endpoint::SelfHosted {
                host: host.to_owned(),
                port,
                tls,
                tls_port: port,
                path: String::new(),
            },
        )
    }

    /// Path prefix of a self-hosted server (e.g. `/pusher` for `ws://host/pusher/app/<key>`).
    pub fn with_path(mut self, prefix: &str) -> Self {
        if let Endpoint::SelfHosted { path, .. } = &mut self.endpoint {
            *path = format!("/{}", prefix.trim_matches('/'));
            if path == "/" {
                path.clear();
            }
        }
        self
    }

    /// The TLS port of a self-hosted server, used when the server demands TLS (close code 4000).
    pub fn with_tls_port(mut self, port: u16) -> Self {
        if let Endpoint::SelfHosted { tls_port, .. } = &mut self.endpoint {
            *tls_port = port;
        }
        self
    }

    /// Connect through an HTTP proxy with `CONNECT`: `http://[user:password@]host:port`.
    pub fn with_proxy(mut self, proxy: &str) -> Result<Self, ConfigError> {
        self.proxy = Some(Proxy::parse(proxy)?);
        Ok(self)
    }

    /// The authorizer for private, presence and encrypted channels.
    pub fn with_authorizer(mut self, authorizer: impl Authorizer) -> Self {
        self.authorizer = Some(Arc::new(authorizer));
        self
    }

    /// The user authenticator for [`Client::signin`](crate::Client::signin).
    pub fn with_user_authenticator(mut self, authenticator: impl UserAuthenticator) -> Self {
        self.user_authenticator = Some(Arc::new(authenticator));
        self
    }

    /// Idle time before the client pings; the server's `activity_timeout` lowers it.
    pub fn with_activity_timeout(mut self, timeout: Duration) -> Self {
        self.activity_timeout = timeout;
        self
    }

    /// How long to wait for any frame after a ping.
    pub fn with_pong_timeout(mut self, timeout: Duration) -> Self {
        self.pong_timeout = timeout;
        self
    }

    /// How long a check after resume from sleep (or [`Client::check_connection`](crate::Client::check_connection))
    /// waits for an answer.
    pub fn with_resume_check_timeout(mut self, timeout: Duration) -> Self {
        self.resume_check_timeout = timeout;
        self
    }

    /// Limit for the whole opening: TCP, proxy, TLS, upgrade and `pusher:connection_established`.
    pub fn with_handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// Limit for one call of the authorizer.
    pub fn with_auth_timeout(mut self, timeout: Duration) -> Self {
        self.auth_timeout = timeout;
        self
    }

    /// How long a `pusher:subscribe` may go unanswered before the subscription is reported failed (it is
    /// tried again on the next connection or `subscribe`). Checked every 2 s.
    pub fn with_subscription_timeout(mut self, timeout: Duration) -> Self {
        self.subscription_timeout = timeout;
        self
    }

    /// Reconnect delays: the first ceiling and the largest delay.
    pub fn with_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_cap = cap.max(base);
        self
    }

    /// Trusts an extra root certificate (DER) besides the public web roots, for a self-hosted server
    /// behind a private certificate authority.
    pub fn with_root_certificate(mut self, der: Vec<u8>) -> Self {
        self.extra_roots.push(der);
        self
    }

    /// Frames longer than this are dropped and told ([`crate::FRAME_DROPPED`]); a message over
    /// [`MAX_MESSAGE_FACTOR`] times it (at least 64 KiB) ends the connection unread.
    pub fn with_max_frame_bytes(mut self, limit: usize) -> Self {
        self.max_frame_bytes = limit;
        self
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if self.key.trim().is_empty() {
            return Err(ConfigError::EmptyKey);
        }
        let host = self.host();
        let bad = host.is_empty()
            || host
                .chars()
                .any(|c| c.is_whitespace() || matches!(c, '/' | '?' | '#' | '@'));
        if bad {
            return Err(ConfigError::InvalidHost(host));
        }
        Ok(())
    }

    pub(crate) fn uses_tls(&self, force_tls: bool) -> bool {
        force_tls
            || match &self.endpoint {
                Endpoint::Hosted { tls, .. } | Endpoint::SelfHosted { tls, .. } => *tls,
            }
    }

    pub(crate) fn host(&self) -> String {
        match &self.endpoint {
            Endpoint::Hosted { cluster, .. } => format!("ws-{cluster}.pusher.com"),
            Endpoint::SelfHosted { host, .. } => host.clone(),
        }
    }

    pub(crate) fn port(&self, force_tls: bool) -> u16 {
        let tls = self.uses_tls(force_tls);
        match &self.endpoint {
            Endpoint::Hosted { .. } if tls => 443,
            Endpoint::Hosted { .. } => 80,
            Endpoint::SelfHosted {
                port,
                tls_port,
                tls: configured_tls,
                ..
            } => {
                if tls && !configured_tls {
                    *tls_port
                } else {
                    *port
                }
            }
        }
    }

    /// The WebSocket URL, e.g. `wss://ws-eu.pusher.com:443/app/<key>?protocol=7&client=...&version=...`.
    pub fn url(&self) -> String {
        self.url_with(false)
    }

    pub(crate) fn url_with(&self, force_tls: bool) -> String {
        let scheme = if self.uses_tls(force_tls) {
            "wss"
        } else {
            "ws"
        };
        let path = match &self.endpoint {
            Endpoint::Hosted { .. } => "",
            Endpoint::SelfHosted { path, .. } => path.as_str(),
        };
        let host = self.host();
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host
        };
        format!(
            "{scheme}://{host}:{port}{path}/app/{key}?protocol=7&client={client}&version={version}&flash=false",
            port = self.port(force_tls),
            key = url::form_urlencoded::byte_serialize(self.key.as_bytes()).collect::<String>(),
            client = CLIENT_NAME,
            version = env!("CARGO_PKG_VERSION"),
        )
    }
}

/// The `client` query parameter the server sees.
pub const CLIENT_NAME: &str = "rust-pusher-channels";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosted_url_uses_the_cluster_host_and_port_443() {
        let url = Config::hosted("abc", "eu").url();
        assert!(
            url.starts_with("wss://ws-eu.pusher.com:443/app/abc?protocol=7&client=rust-pusher-channels&version="),
            "{url}"
        );
    }

    #[test]
    fn self_hosted_url_has_host_port_and_path() {
        let config = Config::self_hosted("127.0.0.1", 6001, false, "key").with_path("pusher/");
        assert!(config
            .url()
            .starts_with("ws://127.0.0.1:6001/pusher/app/key?protocol=7"));
        let tls = Config::self_hosted("example.org", 6001, false, "key").with_tls_port(6002);
        assert!(tls
            .url_with(true)
            .starts_with("wss://example.org:6002/app/key?"));
    }

    #[test]
    fn bad_configurations_are_refused_with_a_reason() {
        assert_eq!(
            Config::hosted("", "eu").validate(),
            Err(ConfigError::EmptyKey)
        );
        assert!(matches!(
            Config::self_hosted("http://x/", 1, false, "k").validate(),
            Err(ConfigError::InvalidHost(_))
        ));
        assert!(Config::hosted("k", "eu")
            .with_proxy("socks5://p:1")
            .is_err());
    }

    #[test]
    fn proxy_credentials_are_parsed_and_not_printed() {
        let proxy = Proxy::parse("http://me:s%40cret@proxy.local:3128").unwrap();
        assert_eq!(proxy.host, "proxy.local");
        assert_eq!(proxy.port, 3128);
        assert_eq!(proxy.credentials.as_deref(), Some("me:s@cret"));
        assert!(!format!("{proxy:?}").contains("cret"));
    }
}
