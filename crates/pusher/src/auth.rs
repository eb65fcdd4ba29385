//! Authorization of private, presence and encrypted channels, and user sign-in: traits the application
//! implements (usually a POST to its own server), and the answers they return.

use std::future::Future;
use std::pin::Pin;

use serde::Deserialize;

use crate::error::AuthError;

/// A boxed future, as the traits below return (so they stay object-safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the server needs to authorize: the connection and the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    /// The socket id of the connection the answer is for.
    pub socket_id: String,
    /// The channel to subscribe to.
    pub channel: String,
}

/// The answer of an auth endpoint: `{"auth": "...", "channel_data": "...", "shared_secret": "..."}`, so a
/// standard endpoint's JSON body deserializes straight into it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChannelAuth {
    /// `<key>:<signature>`.
    pub auth: String,
    /// Presence channels: the member's `{"user_id": ..., "user_info": ...}` as a JSON string.
    #[serde(default)]
    pub channel_data: Option<String>,
    /// Encrypted channels: the base64 key of the channel.
    #[serde(default)]
    pub shared_secret: Option<String>,
}

/// Authorizes subscriptions to private, presence and encrypted channels. Called again after every
/// reconnect (a new socket id needs a new signature); an answer that arrives for an old socket id is dropped.
///
/// Implemented for closures: `|request: AuthRequest| async move { ... }`.
pub trait Authorizer: Send + Sync + 'static {
    /// Signs `request`, usually by asking the application's server.
    fn authorize(&self, request: AuthRequest)
        -> BoxFuture<'static, Result<ChannelAuth, AuthError>>;
}

impl<F, Fut> Authorizer for F
where
    F: Fn(AuthRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ChannelAuth, AuthError>> + Send + 'static,
{
    fn authorize(
        &self,
        request: AuthRequest,
    ) -> BoxFuture<'static, Result<ChannelAuth, AuthError>> {
        Box::pin(self(request))
    }
}

/// The answer of a user-authentication endpoint: `{"auth": "...", "user_data": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UserAuth {
    /// `<key>:<signature>`.
    pub auth: String,
    /// The user as a JSON string with at least an `id`.
    pub user_data: String,
}

/// Signs the user in (`pusher:signin`) on every connection, for the server-to-user channel.
pub trait UserAuthenticator: Send + Sync + 'static {
    /// Authenticates the user for the connection `socket_id`.
    fn authenticate(&self, socket_id: String) -> BoxFuture<'static, Result<UserAuth, AuthError>>;
}

impl<F, Fut> UserAuthenticator for F
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<UserAuth, AuthError>> + Send + 'static,
{
    fn authenticate(&self, socket_id: String) -> BoxFuture<'static, Result<UserAuth, AuthError>> {
        Box::pin(self(socket_id))
    }
}
