//! A complete [Pusher Channels](https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/)
//! client (protocol 7) on tokio-tungstenite and rustls.
//!
//! It speaks to Pusher's hosted service and to self-hosted servers (sockudo, soketi), directly or
//! through an HTTP `CONNECT` proxy, and is built to stay connected on a desk that runs for weeks:
//!
//! - **Never gives up.** Reconnects forever with exponential backoff and full jitter (1 s base, 60 s
//!   cap); close codes are handled by range (4000: TLS, 4001-4099: stop with an actionable
//!   [`FailReason`] until [`Client::reconfigure`], 4100-4199: back off at least 1 s, 4200-4299: at once).
//!   A server that closes again right after each open, whatever the code (4200-4299 included), is
//!   backed off like any failure: a connection that did not last 10 s never resets the backoff.
//! - **Notices dead sockets.** Any frame counts as activity; after `min(configured, server)` activity
//!   timeout it pings and waits 30 s for an answer. A suspended process (wall clock jumps, monotonic
//!   clock does not) is noticed and the connection checked at once.
//! - **Loses no channel.** Every wanted channel is resubscribed and re-authorized after every reconnect;
//!   authorizer answers for an old socket id or a cancelled subscription are dropped.
//! - **Tells the truth.** [`Client::states`] yields every [`ConnectionState`] transition with the socket
//!   id and the delay until the next attempt; each channel reports `pusher:subscription_succeeded`, the
//!   moment to reconcile anything that may have been missed while disconnected.
//! - **Survives bad input.** Non-JSON, binary, unknown and oversized frames are skipped, and logged a
//!   few times a minute (the rest counted), however fast a server sends them.
//!
//! Channels: public, private and presence (with an async [`Authorizer`]), end-to-end encrypted
//! (`private-encrypted-`, NaCl secretbox), cache channels (`pusher:cache_miss` arrives as an event),
//! client events, and user sign-in with the server-to-user channel. Event `data` sent as a JSON string
//! is decoded a second time.
//!
//! # Example
//!
//! ```no_run
//! use pusher_channels::{Client, Config, ConnectionState};
//!
//! # async fn run() -> Result<(), pusher_channels::Error> {
//! let client = Client::connect(Config::self_hosted("127.0.0.1", 6001, false, "app-key"))?;
//! // or: Client::connect(Config::hosted("app-key", "eu"))?
//! let mut states = client.states();
//! tokio::spawn(async move {
//!     while let Some(state) = states.recv().await {
//!         if let ConnectionState::Unavailable { retry_in, reason } = &state {
//!             eprintln!("offline ({reason}), retrying in {retry_in:?}");
//!         }
//!     }
//! });
//!
//! let channel = client.subscribe("hotel-killarney").await?;
//! let mut events = channel.events();
//! while let Some(event) = events.recv().await {
//!     match event.event.as_str() {
//!         // After every (re)subscription: fetch what may have been missed.
//!         "pusher:subscription_succeeded" => println!("reconcile everything"),
//!         "offer-updated" => println!("offer {}", event.data["offer"]["id"]),
//!         other => println!("ignoring {other}"),
//!     }
//! }
//! client.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Private and presence channels need an [`Authorizer`]; a closure works:
//!
//! ```no_run
//! use pusher_channels::{AuthError, AuthRequest, ChannelAuth, Config};
//!
//! let config = Config::hosted("app-key", "eu").with_authorizer(|request: AuthRequest| async move {
//!     // POST socket_id and channel_name to your server; its JSON answer deserializes to ChannelAuth.
//!     let _ = (request.socket_id, request.channel);
//!     Err::<ChannelAuth, _>(AuthError::new("no auth server in this example"))
//! });
//! ```
//!
//! Not for: triggering events from a server (use the HTTP API), or protocol versions other than 7.

// Every public item says what it is for, and nothing is `pub` that no other crate can reach
// (issue 37.3: a `pub` item is part of the crate's surface, not a way around a module's walls).
#![deny(missing_docs, unreachable_pub)]
// Unit tests may run long; the production code is checked in its own build (issue 64.5).
#![cfg_attr(test, allow(clippy::too_many_lines))]

#[cfg(feature = "client")]
mod auth;
#[cfg(feature = "client")]
mod backoff;
#[cfg(feature = "client")]
mod channels;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod clock;
#[cfg(feature = "client")]
mod config;
#[cfg(feature = "client")]
mod connection;
#[cfg(feature = "client")]
mod encrypted;
#[cfg(feature = "client")]
mod error;
#[cfg(feature = "client")]
mod events;
#[cfg(feature = "client")]
mod noise;
#[cfg(feature = "client")]
mod presence;
pub mod protocol;
#[cfg(feature = "client")]
mod session;
#[cfg(feature = "client")]
mod state;
#[cfg(feature = "client")]
mod transport;

#[cfg(feature = "client")]
pub use auth::{AuthRequest, Authorizer, BoxFuture, ChannelAuth, UserAuth, UserAuthenticator};
#[cfg(feature = "client")]
pub use channels::{ChannelKind, SubscriptionState, MAX_CHANNEL_NAME_CHARS};
#[cfg(feature = "client")]
pub use client::{Channel, Client};
#[cfg(feature = "client")]
pub use config::{
    Config, Endpoint, Proxy, CLIENT_NAME, DEFAULT_ACTIVITY_TIMEOUT, DEFAULT_AUTH_TIMEOUT,
    DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_CAP, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_MAX_FRAME_BYTES,
    DEFAULT_PONG_TIMEOUT, DEFAULT_RESUME_CHECK_TIMEOUT, DEFAULT_SUBSCRIPTION_TIMEOUT,
    MAX_MESSAGE_FACTOR,
};
#[cfg(feature = "client")]
pub use error::{AuthError, ConfigError, Error, FailReason, SubscriptionError};
#[cfg(feature = "client")]
pub use events::{Event, EventStream, FRAME_DROPPED, USER_CHANNEL_PREFIX};
#[cfg(feature = "client")]
pub use presence::Members;
#[cfg(feature = "client")]
pub use state::{ConnectionState, StateStream};
