//! The owner task: one `Connection` owns the socket and every piece of connection state; the
//! [`Client`](crate::Client) handles talk to it over a channel.
//!
//! Lifecycle: connect -> session -> (wait | idle) -> connect ... until shutdown. Reconnects never stop on
//! their own; only close codes 4001-4099 park the task in `Failed` until the configuration changes.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{sleep, sleep_until, timeout};
use tokio_tungstenite::tungstenite::Message;

use crate::auth::{ChannelAuth, UserAuth};
use crate::backoff::Backoff;
use crate::channels::{Channels, SubscriptionState};
use crate::clock::{SleepDetector, TokenBucket, CLIENT_EVENTS_PER_SECOND, SLEEP_CHECK_INTERVAL};
use crate::config::Config;
use crate::error::{AuthError, Error, FailReason};
use crate::events::Listeners;
use crate::noise::{frame_warn, FrameWarning, FrameWarnings};
use crate::presence::Members;
use crate::protocol::{classify, decode_frame, ServerMessage};
use crate::state::{ConnectionState, StateHub};
use crate::transport::{self, Socket};

/// A connection that lasted this long was a good one: the next drop starts the backoff from the base.
const STABLE_CONNECTION: Duration = Duration::from_secs(10);
/// How long a polite close may take before the socket is simply dropped.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// What the handles share with the task.
pub(crate) struct Shared {
    pub(crate) states: StateHub,
    pub(crate) listeners: Listeners,
}

pub(crate) enum Command {
    Subscribe {
        name: String,
        reply: oneshot::Sender<Result<watch::Receiver<SubscriptionState>, Error>>,
    },
    Unsubscribe {
        name: String,
        reply: oneshot::Sender<()>,
    },
    Trigger {
        channel: String,
        event: String,
        data: Value,
        reply: oneshot::Sender<Result<(), Error>>,
    },
    Members {
        channel: String,
        reply: oneshot::Sender<Result<Members, Error>>,
    },
    Signin {
        reply: oneshot::Sender<Result<(), Error>>,
    },
    ReconnectNow,
    CheckConnection,
    Reconfigure(Box<Config>),
    Disconnect {
        reply: oneshot::Sender<()>,
    },
    Shutdown,
}

/// Answers of background work (authorizers) coming back to the task.
pub(crate) enum Internal {
    ChannelAuth {
        channel: String,
        socket_id: String,
        ticket: u64,
        key_refresh: bool,
        result: Result<ChannelAuth, AuthError>,
    },
    UserAuth {
        socket_id: String,
        ticket: u64,
        result: Result<UserAuth, AuthError>,
    },
}

/// A command that changes what the task is doing.
pub(crate) enum Interrupt {
    Reconnect,
    Check,
    Disconnect(oneshot::Sender<()>),
    Shutdown,
}

enum Next {
    Connect,
    Wait {
        delay: Duration,
        reason: String,
    },
    Idle {
        state: ConnectionState,
        reply: Option<oneshot::Sender<()>>,
    },
    Exit,
}

/// How a session ended.
enum SessionEnd {
    Closed { code: Option<u16>, reason: String },
    PongTimeout,
    Interrupted(Interrupt),
    HandlesGone,
}

#[derive(Default)]
pub(crate) struct Signin {
    pub(crate) wanted: bool,
    pub(crate) ticket: u64,
    pub(crate) user_id: Option<String>,
}

pub(crate) struct Connection {
    pub(crate) config: Config,
    pub(crate) commands: mpsc::UnboundedReceiver<Command>,
    pub(crate) internal_tx: mpsc::UnboundedSender<Internal>,
    pub(crate) internal_rx: mpsc::UnboundedReceiver<Internal>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) channels: Channels,
    pub(crate) backoff: Backoff,
    pub(crate) force_tls: bool,
    /// Some while a session is up.
    pub(crate) socket_id: Option<String>,
    /// Frames the handlers queued; the session loop writes them.
    pub(crate) outbox: Vec<String>,
    pub(crate) bucket: TokenBucket,
    pub(crate) signin: Signin,
    /// What the server's frames made the client warn of lately (a few lines a minute).
    pub(crate) frame_warnings: FrameWarnings,
    attempt: u32,
}

impl Connection {
    pub(crate) fn new(
        config: Config,
        commands: mpsc::UnboundedReceiver<Command>,
        shared: Arc<Shared>,
    ) -> Self {
        let (internal_tx, internal_rx) = mpsc::unbounded_channel();
        let backoff = Backoff::new(config.backoff_base, config.backoff_cap);
        Self {
            config,
            commands,
            internal_tx,
            internal_rx,
            shared,
            channels: Channels::default(),
            backoff,
            force_tls: false,
            socket_id: None,
            outbox: Vec::new(),
            bucket: TokenBucket::new(CLIENT_EVENTS_PER_SECOND, Instant::now()),
            signin: Signin::default(),
            frame_warnings: FrameWarnings::default(),
            attempt: 0,
        }
    }

    pub(crate) async fn run(mut self) {
        let mut next = Next::Connect;
        loop {
            next = match next {
                Next::Connect => self.connect().await,
                Next::Wait { delay, reason } => self.wait(delay, reason).await,
                Next::Idle { state, reply } => self.idle(state, reply).await,
                Next::Exit => break,
            };
        }
        tracing::debug!("pusher connection task ended");
        self.shared.states.close();
        self.shared.listeners.close();
    }

    /// What an interrupt means when no session is up.
    fn interrupt_offline(&mut self, interrupt: Interrupt) -> Option<Next> {
        match interrupt {
            Interrupt::Reconnect | Interrupt::Check => Some(Next::Connect),
            Interrupt::Disconnect(reply) => Some(Next::Idle {
                state: ConnectionState::Disconnected,
                reply: Some(reply),
            }),
            Interrupt::Shutdown => Some(Next::Exit),
        }
    }

    async fn connect(&mut self) -> Next {
        self.attempt = self.attempt.saturating_add(1);
        self.shared.states.set(ConnectionState::Connecting {
            attempt: self.attempt,
        });
        let config = self.config.clone();
        let force_tls = self.force_tls;
        let opening = timeout(config.handshake_timeout, open(config.clone(), force_tls));
        tokio::pin!(opening);
        let opened = loop {
            tokio::select! {
                opened = &mut opening => break opened,
                command = self.commands.recv() => {
                    let Some(command) = command else { return Next::Exit };
                    if let Some(interrupt) = self.handle_command(command) {
                        if let Interrupt::Check = interrupt {
                            continue;
                        }
                        if let Some(next) = self.interrupt_offline(interrupt) {
                            return next;
                        }
                    }
                }
            }
        };
        match opened {
            Err(_) => self.plan_after_close(
                None,
                "the server did not complete the handshake in time".into(),
            ),
            Ok(Err(Opening { code, reason })) => self.plan_after_close(code, reason),
            Ok(Ok((socket, socket_id, activity_timeout))) => {
                self.session(socket, socket_id, activity_timeout).await
            }
        }
    }

    fn plan_after_close(&mut self, code: Option<u16>, reason: String) -> Next {
        tracing::info!(?code, %reason, "pusher connection ended");
        match code {
            Some(4000) if !self.config.uses_tls(self.force_tls) => {
                self.force_tls = true;
                Next::Wait {
                    delay: Duration::ZERO,
                    reason,
                }
            }
            Some(code @ 4001..=4099) => Next::Idle {
                state: ConnectionState::Failed(FailReason {
                    code: Some(code),
                    message: reason,
                }),
                reply: None,
            },
            Some(4100..=4199) => Next::Wait {
                delay: self.backoff.next_delay().max(Duration::from_secs(1)),
                reason,
            },
            Some(4200..=4299) => {
                // "Reconnect now", honoured at once after a connection that lasted (or the
                // first time); a server that says it again right after each open is backed
                // off like any failure, or it gets ~300 connections a second (issue 63.6;
                // pusher-js does the same storm).
                let first = self.backoff.is_fresh();
                let delay = self.backoff.next_delay();
                Next::Wait {
                    delay: if first { Duration::ZERO } else { delay },
                    reason,
                }
            }
            _ => Next::Wait {
                delay: self.backoff.next_delay(),
                reason,
            },
        }
    }

    async fn wait(&mut self, delay: Duration, reason: String) -> Next {
        self.shared.states.set(ConnectionState::Unavailable {
            retry_in: delay,
            reason,
        });
        let until = sleep(delay);
        tokio::pin!(until);
        let mut detector = SleepDetector::new(Instant::now(), SystemTime::now());
        let mut tick = tokio::time::interval(SLEEP_CHECK_INTERVAL);
        loop {
            tokio::select! {
                () = &mut until => return Next::Connect,
                command = self.commands.recv() => {
                    let Some(command) = command else { return Next::Exit };
                    if let Some(next) = self.handle_command(command).and_then(|i| self.interrupt_offline(i)) {
                        return next;
                    }
                }
                _ = tick.tick() => {
                    if let Some(asleep) = detector.observe(Instant::now(), SystemTime::now()) {
                        tracing::info!(?asleep, "resumed from sleep: connecting now");
                        return Next::Connect;
                    }
                }
            }
        }
    }

    async fn idle(&mut self, state: ConnectionState, reply: Option<oneshot::Sender<()>>) -> Next {
        if let ConnectionState::Failed(reason) = &state {
            tracing::error!(%reason, "pusher connection stopped");
        }
        self.shared.states.set(state);
        if let Some(reply) = reply {
            let _ = reply.send(());
        }
        loop {
            let Some(command) = self.commands.recv().await else {
                return Next::Exit;
            };
            match self.handle_command(command) {
                Some(Interrupt::Reconnect) => {
                    self.backoff.reset();
                    self.attempt = 0;
                    return Next::Connect;
                }
                Some(Interrupt::Disconnect(reply)) => {
                    if self.shared.states.current() != ConnectionState::Disconnected {
                        self.shared.states.set(ConnectionState::Disconnected);
                    }
                    let _ = reply.send(());
                }
                Some(Interrupt::Shutdown) => return Next::Exit,
                Some(Interrupt::Check) | None => {}
            }
        }
    }

    async fn session(
        &mut self,
        mut socket: Socket,
        socket_id: String,
        server_timeout: Option<Duration>,
    ) -> Next {
        // On tokio's clock: a test that pauses it sees the connection last as long as it says.
        let started = tokio::time::Instant::now();
        self.attempt = 0;
        self.socket_id = Some(socket_id.clone());
        self.shared
            .states
            .set(ConnectionState::Connected { socket_id });
        self.on_connected();
        let activity_timeout = server_timeout.map_or(self.config.activity_timeout, |server| {
            server.min(self.config.activity_timeout)
        });
        let mut last_activity = Instant::now();
        let mut pong_deadline: Option<tokio::time::Instant> = None;
        let mut detector = SleepDetector::new(Instant::now(), SystemTime::now());
        let mut tick = tokio::time::interval(SLEEP_CHECK_INTERVAL);
        let end = loop {
            if !self.outbox.is_empty() {
                if let Err(reason) = self.flush(&mut socket).await {
                    break SessionEnd::Closed { code: None, reason };
                }
            }
            let deadline = pong_deadline.unwrap_or_else(|| {
                tokio::time::Instant::from_std(last_activity + activity_timeout)
            });
            let mut check_now = false;
            tokio::select! {
                message = socket.next() => {
                    last_activity = Instant::now();
                    pong_deadline = None;
                    if let Some(end) = self.on_message(&mut socket, message).await {
                        break end;
                    }
                }
                command = self.commands.recv() => {
                    let Some(command) = command else { break SessionEnd::HandlesGone };
                    match self.handle_command(command) {
                        Some(Interrupt::Check) => check_now = true,
                        Some(interrupt) => break SessionEnd::Interrupted(interrupt),
                        None => {}
                    }
                }
                Some(internal) = self.internal_rx.recv() => self.on_internal(internal),
                () = sleep_until(deadline) => {
                    if pong_deadline.is_some() {
                        break SessionEnd::PongTimeout;
                    }
                    self.outbox.push(crate::protocol::encode::ping());
                    pong_deadline = Some(tokio::time::Instant::now() + self.config.pong_timeout);
                }
                _ = tick.tick() => {
                    if let Some(asleep) = detector.observe(Instant::now(), SystemTime::now()) {
                        tracing::info!(?asleep, "resumed from sleep: checking the connection");
                        check_now = true;
                    }
                    self.expire_unanswered();
                }
            }
            if check_now {
                self.outbox.push(crate::protocol::encode::ping());
                let check = tokio::time::Instant::now() + self.config.resume_check_timeout;
                pong_deadline = Some(pong_deadline.map_or(check, |current| current.min(check)));
            }
        };
        self.after_session(socket, end, started).await
    }

    /// A frame from the server: `Some` when it ends the session.
    async fn on_message(
        &mut self,
        socket: &mut Socket,
        message: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    ) -> Option<SessionEnd> {
        match message {
            None => Some(SessionEnd::Closed {
                code: None,
                reason: "the server closed the connection".into(),
            }),
            Some(Err(error)) => Some(SessionEnd::Closed {
                code: None,
                reason: format!("network error: {error}"),
            }),
            Some(Ok(Message::Text(text))) => {
                self.on_text(&text);
                None
            }
            Some(Ok(Message::Binary(bytes))) => {
                let len = bytes.len();
                frame_warn!(
                    self.frame_warnings,
                    FrameWarning::Binary,
                    len,
                    "ignoring a binary frame: Pusher sends text only"
                );
                None
            }
            Some(Ok(Message::Ping(_))) => {
                // tungstenite queued the pong; write it now rather than with the next frame.
                let _ = timeout(self.config.pong_timeout, socket.flush()).await;
                None
            }
            Some(Ok(Message::Close(frame))) => {
                let code = frame.as_ref().map(|frame| u16::from(frame.code));
                let reason = frame
                    .map(|frame| frame.reason.to_string())
                    .unwrap_or_default();
                Some(SessionEnd::Closed {
                    code,
                    reason: format!("the server closed the connection: {reason}"),
                })
            }
            Some(Ok(_)) => None,
        }
    }

    /// After a session: the socket closed as its end asks, and what comes next.
    async fn after_session(
        &mut self,
        mut socket: Socket,
        end: SessionEnd,
        started: tokio::time::Instant,
    ) -> Next {
        self.socket_id = None;
        self.outbox.clear();
        self.channels.on_disconnect();
        self.signin.user_id = None;
        self.frame_warnings.say_all();
        if started.elapsed() >= STABLE_CONNECTION {
            self.backoff.reset();
        }
        match end {
            SessionEnd::Closed { code, reason } => self.plan_after_close(code, reason),
            SessionEnd::PongTimeout => {
                drop(socket);
                self.plan_after_close(None, crate::state::SILENT_SERVER.into())
            }
            SessionEnd::Interrupted(interrupt) => {
                let _ = timeout(CLOSE_TIMEOUT, socket.close(None)).await;
                match interrupt {
                    Interrupt::Reconnect | Interrupt::Check => {
                        self.backoff.reset();
                        Next::Connect
                    }
                    Interrupt::Disconnect(reply) => Next::Idle {
                        state: ConnectionState::Disconnected,
                        reply: Some(reply),
                    },
                    Interrupt::Shutdown => Next::Exit,
                }
            }
            SessionEnd::HandlesGone => {
                let _ = timeout(CLOSE_TIMEOUT, socket.close(None)).await;
                Next::Exit
            }
        }
    }

    async fn flush(&mut self, socket: &mut Socket) -> Result<(), String> {
        let frames = std::mem::take(&mut self.outbox);
        let write = async {
            for frame in frames {
                socket.feed(Message::text(frame)).await?;
            }
            socket.flush().await
        };
        match timeout(self.config.pong_timeout, write).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(format!("cannot write to the server: {error}")),
            Err(_) => Err("writing to the server stalled".into()),
        }
    }
}

/// Why an opening attempt failed, with the Pusher code if the server gave one.
struct Opening {
    code: Option<u16>,
    reason: String,
}

/// Opens the socket and waits for `pusher:connection_established`. A `pusher:error` before it (e.g. 4001
/// for an unknown key) is kept, so the close is handled by its code.
async fn open(
    config: Config,
    force_tls: bool,
) -> Result<(Socket, String, Option<Duration>), Opening> {
    let tls = transport::tls_config(&config).map_err(|error| Opening {
        code: None,
        reason: error.to_string(),
    })?;
    let mut socket = transport::open(&config, force_tls, &tls)
        .await
        .map_err(|error| Opening {
            code: None,
            reason: error.to_string(),
        })?;
    let mut code = None;
    let mut reason = String::from("the server closed the connection before it was established");
    // A handshake lasts at most its timeout; what a flood in it was is said once when it ends.
    let mut warnings = FrameWarnings::default();
    while let Some(message) = socket.next().await {
        match message {
            Ok(Message::Text(text)) => match decode_frame(&text, config.max_frame_bytes)
                .map(classify)
            {
                Ok(ServerMessage::ConnectionEstablished {
                    socket_id,
                    activity_timeout_secs,
                }) => {
                    warnings.say_all();
                    return Ok((
                        socket,
                        socket_id,
                        activity_timeout_secs.map(Duration::from_secs),
                    ));
                }
                Ok(ServerMessage::Error {
                    code: error_code,
                    message,
                    ..
                }) => {
                    frame_warn!(warnings, FrameWarning::ServerError, ?error_code, %message, "pusher error during the handshake");
                    code = error_code.or(code);
                    reason = message;
                }
                Ok(other) => tracing::debug!(?other, "frame before connection_established ignored"),
                Err(error) => {
                    frame_warn!(warnings, FrameWarning::NotPusher, %error, "bad frame during the handshake ignored");
                }
            },
            Ok(Message::Close(frame)) => {
                if let Some(frame) = frame {
                    let close_code = u16::from(frame.code);
                    if (4000..5000).contains(&close_code) {
                        code = Some(close_code);
                    }
                    if !frame.reason.is_empty() {
                        reason = frame.reason.to_string();
                    }
                }
                break;
            }
            Ok(_) => {}
            Err(error) => {
                reason = format!("network error during the handshake: {error}");
                break;
            }
        }
    }
    warnings.say_all();
    Err(Opening { code, reason })
}
