//! Errors of the client, typed so a caller can act on the kind instead of parsing a message.

use std::fmt;

/// An error returned by a [`Client`](crate::Client) or [`Channel`](crate::Channel) call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The connection task has ended ([`Client::shutdown`](crate::Client::shutdown) was called).
    #[error("the Pusher client has shut down")]
    Shutdown,
    /// A channel name the protocol does not allow.
    #[error("invalid channel name '{name}': {reason}")]
    InvalidChannel {
        /// The name given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A client event that the rules of the protocol refuse.
    #[error("cannot send client event '{event}' on '{channel}': {reason}")]
    ClientEvent {
        /// The channel.
        channel: String,
        /// The event name.
        event: String,
        /// Which rule refused it.
        reason: &'static str,
    },
    /// The server or the authorizer refused a subscription.
    #[error(transparent)]
    Subscription(#[from] SubscriptionError),
    /// The channel is not a presence channel.
    #[error("'{0}' is not a presence channel, so it has no members")]
    NotPresence(String),
    /// [`Client::signin`](crate::Client::signin) was called without a user authenticator.
    #[error(
        "user sign-in needs a UserAuthenticator: set one with Config::with_user_authenticator"
    )]
    NoUserAuthenticator,
    /// [`Client::connect`](crate::Client::connect) was called outside a tokio runtime.
    #[error(
        "Client::connect needs a tokio runtime: call it from async code or inside Runtime::enter"
    )]
    NoRuntime,
    /// The configuration cannot work.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// A configuration that cannot work, found before any connection attempt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The app key is empty.
    #[error("the Pusher app key is empty: set it to the key of your Pusher app")]
    EmptyKey,
    /// The host is empty or has characters a host cannot have.
    #[error("invalid Pusher host '{0}': give a host name or IP address, without scheme or path")]
    InvalidHost(String),
    /// The proxy address cannot be used.
    #[error("invalid proxy '{proxy}': {reason}")]
    InvalidProxy {
        /// The proxy as given.
        proxy: String,
        /// Why it cannot be used.
        reason: String,
    },
}

/// Why a subscription failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("subscription to '{channel}' failed: {reason}")]
pub struct SubscriptionError {
    /// The channel.
    pub channel: String,
    /// HTTP-like status from the server or authorizer, if any.
    pub status: Option<u16>,
    /// What went wrong.
    pub reason: String,
}

/// An authorizer's refusal or failure. The message is shown to the user, so say what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AuthError {
    /// HTTP-like status, if the authorizer had one (403: refused, 5xx: try again later).
    pub status: Option<u16>,
    /// What went wrong.
    pub message: String,
}

impl AuthError {
    /// An error with a message and no status.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            status: None,
            message: message.into(),
        }
    }
}

/// Why the client stopped retrying (close codes 4001-4099). A configuration change restarts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailReason {
    /// The Pusher close or error code.
    pub code: Option<u16>,
    /// The server's own message.
    pub message: String,
}

impl FailReason {
    /// What to change, for the codes the protocol defines.
    pub fn advice(&self) -> &'static str {
        match self.code {
            Some(4001) => "the app key does not exist on this server: check the Pusher key and cluster or host",
            Some(4003) => "the app is disabled on the server: enable it in the Pusher dashboard",
            Some(4004) => "the app is over its connection quota: raise the plan or close other connections",
            Some(4005) => "the server does not know this path: check the self-hosted path setting",
            Some(4006) => "the server rejected the protocol version format",
            Some(4007) => "the server does not support protocol 7",
            Some(4008) => "the server did not receive a protocol version",
            Some(4009) => "the connection is unauthorized: check the app key",
            _ => "the server refused the connection: check the Pusher settings",
        }
    }
}

impl fmt::Display for FailReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "{} (code {code}: {})", self.advice(), self.message),
            None => write!(f, "{} ({})", self.advice(), self.message),
        }
    }
}
