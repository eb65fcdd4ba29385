//! The desk's link to its server, as the status bar shows it: what the last HTTP request and the
//! live socket each say, folded into one [`ConnectionStatus`] in plain words.
//!
//! "Connected" means both work: the last request reached the server and the hotel channel is
//! subscribed. A lost socket says only that live updates are out until a request or a probe
//! finds the server silent too (issue 63.13: it said "No connection to the hotel's server" for
//! the first moments of every socket-only outage). Raw errors (URLs, handshake details) go to
//! the log, never to the status bar.

use std::time::{Duration, Instant};

use crate::api::ApiError;
use crate::events::{ConnectionStatus, OfflineCause};

/// What the live socket is doing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Socket {
    /// This sign-in has no live updates configured.
    NotConfigured,
    /// Live updates cannot work with these settings; `reason` says why in plain words.
    Off { reason: String },
    /// Connecting or (re)subscribing; not receiving events yet.
    Connecting,
    /// The hotel channel is subscribed: changes arrive as they happen.
    Subscribed,
    /// Lost; the next attempt is at `retry_at`. `silent`: it was lost because the server
    /// stopped answering (no pong to a ping), not because the connection closed or failed.
    Down {
        retry_at: Option<Instant>,
        silent: bool,
    },
}

/// When live updates were lost, held through every reconnect attempt until the channel is
/// subscribed again (each attempt's failure is the same outage, not a new one).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Lost {
    since: chrono::DateTime<chrono::Utc>,
}

/// What the last HTTP request said.
#[derive(Debug, Clone, PartialEq)]
enum Http {
    Unknown,
    Ok,
    Failing {
        since: chrono::DateTime<chrono::Utc>,
        cause: OfflineCause,
        reason: String,
        retry_at: Option<Instant>,
    },
}

/// Both halves of the link; [`Link::status`] is what the user sees.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    http: Http,
    socket: Socket,
    lost: Option<Lost>,
    /// The server has been silent too long and is being asked whether it answers.
    checking: bool,
    /// Since when the socket's attempt under way (`Connecting`) began.
    attempt_since: Option<Instant>,
}

/// A socket attempt under way longer than this may hang on a network that went away meanwhile:
/// when the server answers again it is begun anew (a younger one is left to finish: beginning
/// it again would drop it, a second handshake for nothing).
const ATTEMPT_MAY_HANG: Duration = Duration::from_secs(2);

impl Link {
    pub(crate) fn new(socket: Socket) -> Self {
        Self {
            http: Http::Unknown,
            socket,
            lost: None,
            checking: false,
            attempt_since: None,
        }
    }

    /// A request reached the server. Returns whether the socket should be retried at once (it
    /// is down although the network works).
    pub(crate) fn http_ok(&mut self) -> bool {
        self.http = Http::Ok;
        self.checking = false;
        matches!(self.socket, Socket::Down { .. })
    }

    /// The desk began a new attempt of the socket (it dropped any under way).
    pub(crate) fn attempt_begun(&mut self) {
        if self.socket != Socket::Subscribed {
            self.socket(Socket::Connecting);
            self.attempt_since = Some(Instant::now());
        }
    }

    /// Whether the attempt under way (or the one that just failed) began at `at` or later.
    pub(crate) fn attempt_began_since(&self, at: Instant) -> bool {
        self.attempt_since.is_some_and(|since| since >= at)
    }

    /// Whether the socket should be begun anew now that the network is back: it is down, or
    /// its attempt under way may hang ([`ATTEMPT_MAY_HANG`]).
    pub(crate) fn socket_stalled(&self) -> bool {
        match self.socket {
            Socket::Down { .. } => true,
            Socket::Connecting => self
                .attempt_since
                .is_none_or(|since| since.elapsed() > ATTEMPT_MAY_HANG),
            _ => false,
        }
    }

    /// The server has not answered for so long that the status may not say "Connected" of it,
    /// and a probe is asking it (`true`), or that probe is over (`false`; its answer, or its
    /// failure, is told as any request's).
    pub(crate) fn checking(&mut self, checking: bool) {
        self.checking = checking;
    }

    /// A request failed for a reason that may pass (network, timeout, 5xx, an answer the desk
    /// cannot read); `reason` is in plain words (see [`plain_reason`]).
    pub(crate) fn http_failed(
        &mut self,
        (cause, reason): (OfflineCause, String),
        retry_in: Option<Duration>,
    ) {
        let since = match (&self.http, &self.lost) {
            (Http::Failing { since, .. }, _) => *since,
            (_, Some(lost)) => lost.since,
            _ => chrono::Utc::now(),
        };
        self.http = Http::Failing {
            since,
            cause,
            reason,
            retry_at: retry_in.map(|d| Instant::now() + d),
        };
        self.checking = false;
    }

    pub(crate) fn socket(&mut self, socket: Socket) {
        // The socket's states and its channel's events are read by two tasks, so "connected"
        // can arrive after "subscribed" for the same connection; it must not undo it. A lost
        // connection always passes through `Down` (or `Off`) first.
        if self.socket == Socket::Subscribed && socket == Socket::Connecting {
            return;
        }
        match &socket {
            // Still down after another attempt: the same outage, since when it began (before,
            // each retry began a new one, so "live updates reconnecting" hardly ever showed
            // while the server answered requests).
            Socket::Down { .. } => {
                self.lost.get_or_insert_with(|| Lost {
                    since: chrono::Utc::now(),
                });
            }
            Socket::Subscribed | Socket::NotConfigured | Socket::Off { .. } => self.lost = None,
            Socket::Connecting => {}
        }
        if socket != Socket::Connecting {
            self.attempt_since = None;
        } else if self.socket != Socket::Connecting {
            self.attempt_since = Some(Instant::now());
        }
        self.socket = socket;
    }

    /// The channel's subscription went back to pending (the connection was lost or is being
    /// replaced): live updates stop until it is confirmed again.
    pub(crate) fn subscription_lost(&mut self) {
        if self.socket == Socket::Subscribed {
            self.socket = Socket::Connecting;
            // Live updates are out from this moment: the status says "reconnecting" now, not
            // "Connecting…" until the socket's own loss arrives (issue 63.13; under load the
            // two came apart and the status bar said the one, then the other).
            self.lost.get_or_insert_with(|| Lost {
                since: chrono::Utc::now(),
            });
        }
    }

    /// Whether changes arrive live (otherwise the engine reconciles periodically).
    pub(crate) fn is_live(&self) -> bool {
        self.socket == Socket::Subscribed
    }

    /// Whether the live socket is on its way to a subscription (configured and trying, not
    /// subscribed).
    pub(crate) fn awaits_subscription(&self) -> bool {
        matches!(self.socket, Socket::Connecting | Socket::Down { .. })
    }

    pub(crate) fn status(&self) -> ConnectionStatus {
        let seconds_until = |at: &Option<Instant>| {
            at.map(|at| at.saturating_duration_since(Instant::now()))
                .filter(|d| !d.is_zero())
                .map(|d| d.as_secs_f64().ceil() as u64)
        };
        if let Http::Failing {
            since,
            cause,
            reason,
            retry_at,
        } = &self.http
        {
            return ConnectionStatus::Offline {
                since: since.to_rfc3339(),
                cause: *cause,
                reason: reason.clone(),
                retry_in_seconds: seconds_until(retry_at),
            };
        }
        if self.checking && self.http == Http::Ok {
            return ConnectionStatus::Checking;
        }
        let retry_at = match &self.socket {
            Socket::Down { retry_at, .. } => *retry_at,
            _ => None,
        };
        if let (Some(_), Socket::Down { .. } | Socket::Connecting) = (&self.lost, &self.socket) {
            // Only live updates are known to be out: the desk asks the server at once, and its
            // silence (a failing request, above) is what says the rest is out too.
            return ConnectionStatus::LiveReconnecting {
                retry_in_seconds: seconds_until(&retry_at),
            };
        }
        match &self.socket {
            // Connected means the server answers requests, not only that the socket is up.
            Socket::Subscribed => match self.http {
                Http::Ok => ConnectionStatus::Online,
                _ => ConnectionStatus::Unknown,
            },
            Socket::Connecting | Socket::Down { .. } => ConnectionStatus::Unknown,
            Socket::NotConfigured => match self.http {
                Http::Ok => ConnectionStatus::LiveOff {
                    reason: "This sign-in has no live updates set up, so colleagues' changes \
                             are fetched every minute."
                        .into(),
                },
                _ => ConnectionStatus::Unknown,
            },
            Socket::Off { reason } => match self.http {
                Http::Ok => ConnectionStatus::LiveOff {
                    reason: reason.clone(),
                },
                _ => ConnectionStatus::Unknown,
            },
        }
    }
}

const NO_CONNECTION: &str = "No connection to the hotel's server.";
const NOT_ANSWERING: &str = "The hotel's server is not answering.";

fn no_connection() -> (OfflineCause, String) {
    (OfflineCause::Network, NO_CONNECTION.into())
}

fn not_answering() -> (OfflineCause, String) {
    (OfflineCause::NotAnswering, NOT_ANSWERING.into())
}

/// What failed and the sentence the status bar shows for a failed request (the raw error goes
/// to the log).
pub(crate) fn plain_reason(error: &ApiError) -> (OfflineCause, String) {
    match error {
        ApiError::Network { .. } => no_connection(),
        ApiError::Timeout { .. } => not_answering(),
        ApiError::Server {
            retry_after: Some(wait),
            ..
        } => (
            OfflineCause::AskedToWait,
            format!(
                "The hotel's server asked the desk to wait until {}.",
                (chrono::Local::now() + *wait).format("%H:%M")
            ),
        ),
        ApiError::Server { status, .. } => (
            OfflineCause::ServerTrouble,
            format!("The hotel's server has a problem (error {status})."),
        ),
        other => (
            OfflineCause::ServerTrouble,
            format!("The hotel's server refused a request ({}).", other.code()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn down(retry: Duration) -> Socket {
        Socket::Down {
            retry_at: Some(Instant::now() + retry),
            silent: false,
        }
    }

    #[test]
    fn connected_only_with_the_channel_subscribed_and_the_server_answering() {
        let mut link = Link::new(Socket::Connecting);
        assert_eq!(link.status(), ConnectionStatus::Unknown);
        link.http_ok();
        assert_eq!(
            link.status(),
            ConnectionStatus::Unknown,
            "socket not yet up"
        );
        link.socket(Socket::Subscribed);
        assert_eq!(link.status(), ConnectionStatus::Online);
        link.http_failed(
            plain_reason(&ApiError::Network {
                message: "tcp connect error 127.0.0.1:9".into(),
            }),
            Some(Duration::from_secs(8)),
        );
        let ConnectionStatus::Offline {
            reason,
            retry_in_seconds,
            cause,
            ..
        } = link.status()
        else {
            panic!("a failing request is offline: {:?}", link.status());
        };
        assert_eq!(cause, OfflineCause::Network);
        assert_eq!(reason, "No connection to the hotel's server.");
        assert_eq!(retry_in_seconds, Some(8));
        assert!(!reason.contains("127.0.0.1"), "no raw error in the status");
    }

    /// Issue 63.13: for the first moments of a socket-only outage the status said "No
    /// connection to the hotel's server" (until a request answered after the loss). A lost
    /// socket says only that live updates are out; a request or probe that finds no server
    /// says the rest, since when the live updates were lost.
    #[test]
    fn a_lost_socket_says_live_updates_are_out_until_a_request_finds_the_server_silent_too() {
        let mut link = Link::new(Socket::Subscribed);
        link.http_ok();
        link.socket(down(Duration::from_millis(300)));
        assert_eq!(
            link.status(),
            ConnectionStatus::LiveReconnecting {
                retry_in_seconds: Some(1)
            },
            "from its first moment (a part second rounds up, never 0 s)"
        );
        assert!(link.http_ok(), "the socket should be retried at once");
        assert!(matches!(
            link.status(),
            ConnectionStatus::LiveReconnecting { .. }
        ));
        link.http_failed(not_answering(), None);
        let ConnectionStatus::Offline { cause, reason, .. } = link.status() else {
            panic!("{:?}", link.status());
        };
        assert_eq!(cause, OfflineCause::NotAnswering);
        assert_eq!(reason, "The hotel's server is not answering.");
    }

    #[test]
    fn connected_arriving_after_subscribed_does_not_undo_it() {
        let mut link = Link::new(Socket::Connecting);
        link.http_ok();
        link.socket(Socket::Subscribed);
        link.socket(Socket::Connecting);
        assert_eq!(link.status(), ConnectionStatus::Online);
        link.socket(down(Duration::from_secs(2)));
        link.socket(Socket::Connecting);
        assert!(
            matches!(link.status(), ConnectionStatus::LiveReconnecting { .. }),
            "reconnecting after a loss: {:?}",
            link.status()
        );
    }

    /// Issue 35.2: with only the live-update server stopped (requests answered), each socket
    /// retry started a new outage; it is one outage through every attempt, and when the
    /// network goes too it is offline since the live updates were first lost.
    #[test]
    fn retries_of_the_socket_are_one_outage_and_the_status_names_the_half_that_is_down() {
        let mut link = Link::new(Socket::Subscribed);
        link.http_ok();
        link.socket(Socket::Down {
            retry_at: None,
            silent: true,
        });
        link.http_failed(not_answering(), None);
        let ConnectionStatus::Offline { since, .. } = link.status() else {
            panic!("{:?}", link.status());
        };
        std::thread::sleep(Duration::from_millis(5));
        link.http_ok();
        for _ in 0..3 {
            link.socket(Socket::Connecting);
            assert!(
                matches!(link.status(), ConnectionStatus::LiveReconnecting { .. }),
                "{:?}",
                link.status()
            );
            std::thread::sleep(Duration::from_millis(2));
            link.socket(down(Duration::from_secs(4)));
            assert_eq!(
                link.status(),
                ConnectionStatus::LiveReconnecting {
                    retry_in_seconds: Some(4)
                }
            );
        }
        // The network goes too: offline since the live updates were first lost.
        link.http_failed(no_connection(), None);
        let ConnectionStatus::Offline { since: then, .. } = link.status() else {
            panic!("{:?}", link.status());
        };
        assert_eq!(then, since, "one outage, from its start");
        link.socket(Socket::Subscribed);
        link.http_ok();
        assert_eq!(link.status(), ConnectionStatus::Online);
    }

    /// Issue 63.13: a server silent too long is not called "Connected" while it is asked;
    /// its answer (or its silence) ends the question, however the socket is.
    #[test]
    fn a_server_asked_after_a_long_silence_is_checking_until_it_answers_or_not() {
        let mut link = Link::new(Socket::Subscribed);
        link.http_ok();
        link.checking(true);
        assert_eq!(link.status(), ConnectionStatus::Checking);
        link.http_ok();
        assert_eq!(link.status(), ConnectionStatus::Online, "it answered");
        link.checking(true);
        link.http_failed(not_answering(), Some(Duration::from_secs(1)));
        assert!(matches!(
            link.status(),
            ConnectionStatus::Offline {
                cause: OfflineCause::NotAnswering,
                ..
            }
        ));
        link.checking(true);
        assert!(
            matches!(link.status(), ConnectionStatus::Offline { .. }),
            "a failing server is said to fail, not to be checked"
        );
        let mut reconnecting = Link::new(Socket::Subscribed);
        reconnecting.http_ok();
        reconnecting.socket(down(Duration::from_secs(4)));
        reconnecting.checking(true);
        assert_eq!(reconnecting.status(), ConnectionStatus::Checking);
        reconnecting.checking(false);
        assert!(matches!(
            reconnecting.status(),
            ConnectionStatus::LiveReconnecting { .. }
        ));
    }

    #[test]
    fn no_live_updates_configured_is_said_once_the_server_answers() {
        let mut link = Link::new(Socket::NotConfigured);
        assert_eq!(link.status(), ConnectionStatus::Unknown);
        link.http_ok();
        assert!(matches!(link.status(), ConnectionStatus::LiveOff { .. }));
    }
}
