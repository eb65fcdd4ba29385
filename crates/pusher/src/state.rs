//! The connection state as callers observe it: a current value and a stream of every transition.

use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;
use tokio::sync::{mpsc, watch};

use crate::error::FailReason;

/// The state of the connection, named as in pusher-js.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    /// Created, no attempt made yet.
    Initialized,
    /// An attempt is under way (`attempt` counts from 1 since the last good connection).
    Connecting {
        /// Attempt number since the last connection that held.
        attempt: u32,
    },
    /// Connected; channels are being (re)subscribed.
    Connected {
        /// The socket id the server gave this connection.
        socket_id: String,
    },
    /// Not connected; the next attempt starts after `retry_in`.
    Unavailable {
        /// Delay until the next attempt.
        retry_in: Duration,
        /// Why the last connection ended or the last attempt failed.
        reason: String,
    },
    /// Stopped: the server refused this configuration (close codes 4001-4099). A new configuration
    /// ([`Client::reconfigure`](crate::Client::reconfigure)) or
    /// [`Client::reconnect_now`](crate::Client::reconnect_now) starts again.
    Failed(FailReason),
    /// Disconnected on request ([`Client::disconnect`](crate::Client::disconnect)).
    Disconnected,
}

/// Why a connection ended when no frame answered a ping within the pong timeout.
pub(crate) const SILENT_SERVER: &str = "no answer from the server within the pong timeout";

impl ConnectionState {
    /// The socket id while connected.
    pub fn socket_id(&self) -> Option<&str> {
        match self {
            Self::Connected { socket_id } => Some(socket_id),
            _ => None,
        }
    }

    /// Whether the last connection ended because the server stopped answering (no frame came
    /// within the pong timeout after a ping): a server that is up but frozen, or a network
    /// that silently drops everything, rather than one that closed or refused the connection.
    pub fn server_went_silent(&self) -> bool {
        matches!(self, Self::Unavailable { reason, .. } if reason == SILENT_SERVER)
    }

    /// The delay until the next attempt while unavailable.
    pub fn retry_in(&self) -> Option<Duration> {
        match self {
            Self::Unavailable { retry_in, .. } => Some(*retry_in),
            _ => None,
        }
    }

    /// The pusher-js name of the state: `initialized`, `connecting`, `connected`, `unavailable`, `failed`,
    /// `disconnected`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Initialized => "initialized",
            Self::Connecting { .. } => "connecting",
            Self::Connected { .. } => "connected",
            Self::Unavailable { .. } => "unavailable",
            Self::Failed(_) => "failed",
            Self::Disconnected => "disconnected",
        }
    }
}

/// Publishes state transitions to the watch and to every [`StateStream`].
pub(crate) struct StateHub {
    watch: watch::Sender<ConnectionState>,
    streams: Mutex<Vec<mpsc::UnboundedSender<ConnectionState>>>,
}

impl StateHub {
    pub(crate) fn new() -> Self {
        Self {
            watch: watch::Sender::new(ConnectionState::Initialized),
            streams: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn set(&self, state: ConnectionState) {
        tracing::debug!(state = state.name(), ?state, "pusher connection state");
        if let Ok(mut streams) = self.streams.lock() {
            streams.retain(|tx| tx.send(state.clone()).is_ok());
        }
        self.watch.send_replace(state);
    }

    pub(crate) fn current(&self) -> ConnectionState {
        self.watch.borrow().clone()
    }

    pub(crate) fn watch(&self) -> watch::Receiver<ConnectionState> {
        self.watch.subscribe()
    }

    pub(crate) fn stream(&self) -> StateStream {
        let (tx, rx) = mpsc::unbounded_channel();
        if let Ok(mut streams) = self.streams.lock() {
            // The current state first, under the lock, so no transition falls between it and the next.
            let _ = tx.send(self.current());
            streams.push(tx);
        }
        StateStream { rx }
    }

    /// Ends every stream (the client shut down).
    pub(crate) fn close(&self) {
        if let Ok(mut streams) = self.streams.lock() {
            streams.clear();
        }
    }
}

/// Every state transition, starting with the state at the time of the call; none is skipped.
/// Ends when the client shuts down.
#[derive(Debug)]
pub struct StateStream {
    rx: mpsc::UnboundedReceiver<ConnectionState>,
}

impl StateStream {
    /// The next state, or `None` once the client has shut down.
    pub async fn recv(&mut self) -> Option<ConnectionState> {
        self.rx.recv().await
    }

    /// A transition already queued, without waiting.
    pub fn try_recv(&mut self) -> Option<ConnectionState> {
        self.rx.try_recv().ok()
    }
}

impl Stream for StateStream {
    type Item = ConnectionState;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}
