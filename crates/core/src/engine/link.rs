//! The desk's link to its server, as the status bar shows it: what the last HTTP request and the
//! live socket each say, folded into one [`ConnectionStatus`] in plain words.
//!
//! "Connected" means both work: the last request reached the server and the hotel channel is
//! subscribed. Raw errors (URLs, handshake details) go to the log, never to the status bar.

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
    at: Instant,
    /// The server stopped answering (rather than the connection failing).
    silent: bool,
}

/// What the last HTTP request said.
#[derive(Debug, Clone, PartialEq)]
enum Http {
    Unknown,
    Ok {
        at: Instant,
    },
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
}

impl Link {
    pub(crate) fn new(socket: Socket) -> Self {
        Self {
            http: Http::Unknown,
            socket,
            lost: None,
        }
    }

    /// A request reached the server. Returns whether the socket should be retried at once (it
    /// is down although the network works).
    pub(crate) fn http_ok(&mut self) -> bool {
        self.http = Http::Ok { at: Instant::now() };
        matches!(self.socket, Socket::Down { .. })
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
            Socket::Down { silent, .. } => match &mut self.lost {
                Some(lost) => lost.silent = *silent,
                None => {
                    self.lost = Some(Lost {
                        since: chrono::Utc::now(),
                        at: Instant::now(),
                        silent: *silent,
                    });
                }
            },
            Socket::Subscribed | Socket::NotConfigured | Socket::Off { .. } => self.lost = None,
            Socket::Connecting => {}
        }
        self.socket = socket;
    }

    /// The channel's subscription went back to pending (the connection was lost or is being
    /// replaced): live updates stop until it is confirmed again.
    pub(crate) fn subscription_lost(&mut self) {
        if self.socket == Socket::Subscribed {
            self.socket = Socket::Connecting;
        }
    }

    /// Whether changes arrive live (otherwise the engine reconciles periodically).
    pub(crate) fn is_live(&self) -> bool {
        self.socket == Socket::Subscribed
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
        let retry_at = match &self.socket {
            Socket::Down { retry_at, .. } => *retry_at,
            _ => None,
        };
        if let (Some(lost), Socket::Down { .. } | Socket::Connecting) = (&self.lost, &self.socket) {
            return match self.http {
                // The server answered after live updates were lost: only they are out.
                Http::Ok { at: ok_at } if ok_at > lost.at => ConnectionStatus::LiveReconnecting {
                    retry_in_seconds: seconds_until(&retry_at),
                },
                _ => {
                    let (cause, reason) = if lost.silent {
                        not_answering()
                    } else {
                        no_connection()
                    };
                    ConnectionStatus::Offline {
                        since: lost.since.to_rfc3339(),
                        cause,
                        reason,
                        retry_in_seconds: seconds_until(&retry_at),
                    }
                }
            };
        }
        match &self.socket {
            // Connected means the server answers requests, not only that the socket is up.
            Socket::Subscribed => match self.http {
                Http::Ok { .. } => ConnectionStatus::Online,
                _ => ConnectionStatus::Unknown,
            },
            Socket::Connecting | Socket::Down { .. } => ConnectionStatus::Unknown,
            Socket::NotConfigured => match self.http {
                Http::Ok { .. } => ConnectionStatus::LiveOff {
                    reason: "This sign-in has no live updates set up, so colleagues' changes \
                             are fetched every minute."
                        .into(),
                },
                _ => ConnectionStatus::Unknown,
            },
            Socket::Off { reason } => match self.http {
                Http::Ok { .. } => ConnectionStatus::LiveOff {
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

    #[test]
    fn a_lost_socket_is_offline_until_the_server_answers_then_only_live_updates_are_out() {
        let mut link = Link::new(Socket::Subscribed);
        link.http_ok();
        link.socket(down(Duration::from_millis(300)));
        let ConnectionStatus::Offline {
            retry_in_seconds, ..
        } = link.status()
        else {
            panic!("{:?}", link.status());
        };
        assert_eq!(
            retry_in_seconds,
            Some(1),
            "a part second rounds up, never 0 s"
        );
        std::thread::sleep(Duration::from_millis(5));
        assert!(link.http_ok(), "the socket should be retried at once");
        assert!(matches!(
            link.status(),
            ConnectionStatus::LiveReconnecting { .. }
        ));
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
            matches!(link.status(), ConnectionStatus::Offline { .. }),
            "reconnecting after a loss with no answer since: {:?}",
            link.status()
        );
    }

    /// Issue 35.2: with only the live-update server stopped (requests answered), each socket
    /// retry started a new outage, so the status said "No connection to the hotel's server."
    /// nearly all the time; it says live updates are reconnecting through every attempt once
    /// the server answered after the loss, and a server gone silent is "not answering".
    #[test]
    fn retries_of_the_socket_are_one_outage_and_the_status_names_the_half_that_is_down() {
        let mut link = Link::new(Socket::Subscribed);
        link.http_ok();
        link.socket(Socket::Down {
            retry_at: None,
            silent: true,
        });
        let ConnectionStatus::Offline {
            reason,
            since,
            cause,
            ..
        } = link.status()
        else {
            panic!("{:?}", link.status());
        };
        assert_eq!(cause, OfflineCause::NotAnswering);
        assert_eq!(reason, "The hotel's server is not answering.");
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

    #[test]
    fn no_live_updates_configured_is_said_once_the_server_answers() {
        let mut link = Link::new(Socket::NotConfigured);
        assert_eq!(link.status(), ConnectionStatus::Unknown);
        link.http_ok();
        assert!(matches!(link.status(), ConnectionStatus::LiveOff { .. }));
    }
}
