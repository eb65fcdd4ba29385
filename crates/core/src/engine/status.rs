//! What the engine says of its link to the hotel's server: the status bar's state (online,
//! offline and why, live updates on or off, a wait the server asked for), and the token's
//! refusal, which signs the desk out.

use std::time::{Duration, Instant};

use super::link::{plain_reason, Link, Socket};
use super::plan::Watch;
use super::{lock, runner, SyncShared};
use crate::api::ApiError;
use crate::events::{ConnectionStatus, DeskEvent};

impl SyncShared {
    /// The link as the status bar shows it.
    pub(crate) fn connection_status(&self) -> ConnectionStatus {
        lock(&self.link).status()
    }

    /// Changes the link and tells the UI when what it shows changed. The event is sent while
    /// the link is locked, so the UI receives the changes in the order they happened.
    pub(super) fn update_link<R>(&self, change: impl FnOnce(&mut Link) -> R) -> R {
        let mut link = lock(&self.link);
        let before = link.status();
        let result = change(&mut link);
        let after = link.status();
        if before != after {
            self.emit(DeskEvent::Connection { status: after });
        }
        result
    }

    /// Tells the UI the link's state as it is now (a desk that just started).
    pub(crate) fn announce_link(&self) {
        let link = lock(&self.link);
        self.emit(DeskEvent::Connection {
            status: link.status(),
        });
    }

    /// The live socket's news.
    pub(crate) fn socket_changed(&self, socket: Socket) {
        if socket == Socket::Connecting && lock(&self.link).is_live() {
            // The connection's "connected", read by another task than its channel's
            // subscription, arrived after "subscribed": it says nothing new (a lost connection
            // always passes through `Down` or `Off` first). Taken as news, it marked the socket
            // unsubscribed in `heard` until the next subscription, so a replay read each of its
            // rows again (issue 63.14; reconnect_load's fifty edits, one run in two).
            return;
        }
        let live = socket == Socket::Subscribed;
        let lost = matches!(socket, Socket::Down { .. }) && lock(&self.link).is_live();
        if lost {
            // The live socket dropped: the network may be gone though no request has failed
            // yet. The worker checks every NETWORK_PROBE whether the server answers, so the
            // desk is back within moments of the network, not at the socket's next backoff.
            let mut plan = self.plan();
            plan.watch = Watch::SocketLost;
            // A socket lost because the server stopped answering its pings: whether the rest of
            // the server answers is asked at once (a frozen server is "not answering" within
            // about 16 s, not a probe's interval later).
            plan.probe_now = matches!(socket, Socket::Down { silent: true, .. });
            drop(plan);
            self.link_news.notify_one();
        }
        if matches!(socket, Socket::NotConfigured | Socket::Off { .. }) {
            // No live socket to wait for before the worker sends and reads.
            self.plan().awaits_live_until = None;
        }
        if matches!(socket, Socket::Down { .. }) {
            // The attempt begun when the network came back failed: the live-update server is
            // out of reach still, so no subscription is coming to wait for (a queued edit would
            // wait the whole grace for nothing, the socket cut while the server answers).
            let began = self
                .plan()
                .awaits_live_until
                .and_then(|until| until.checked_sub(super::RESUBSCRIBE_GRACE));
            if began.is_some_and(|began| lock(&self.link).attempt_began_since(began)) {
                self.plan().awaits_live_until = None;
                self.kick();
            }
        }
        if live {
            let mut plan = self.plan();
            if plan.watch == Watch::SocketLost {
                plan.watch = Watch::Unreachable;
            }
        }
        self.heard.subscribed(live);
        self.update_link(|link| link.socket(socket));
        if !live {
            // Nothing arrives live now: look at the server now and then meanwhile.
            self.reconcile_within(self.poll);
        }
    }

    /// The hotel channel's subscription went back to pending.
    pub(crate) fn subscription_lost(&self) {
        if lock(&self.link).is_live() {
            // As in `socket_changed`: check whether the server still answers.
            self.plan().watch = Watch::SocketLost;
            self.link_news.notify_one();
        }
        self.heard.subscribed(false);
        self.update_link(Link::subscription_lost);
        self.reconcile_within(self.poll);
    }

    /// The live socket, while there is one.
    pub(crate) fn socket_client(&self) -> Option<pusher_channels::Client> {
        lock(&self.socket).clone()
    }

    pub(crate) fn set_socket_client(&self, client: Option<pusher_channels::Client>) {
        *lock(&self.socket) = client;
    }

    /// A request failed for a reason that may pass: the status bar says so. When nothing
    /// answered (the network), the worker checks between retries whether it answers again.
    pub(crate) fn went_offline(&self, err: &ApiError) {
        let unreachable = matches!(err, ApiError::Network { .. } | ApiError::Timeout { .. });
        if unreachable {
            let mut plan = self.plan();
            if plan.watch != Watch::Unreachable {
                // Nothing answered: the network is gone, not only the socket (after a socket's
                // loss too, so that the worker asks the server's root before it sends again and
                // the network's return is found one way: the socket awaited, then the lists and
                // the merge bases read once; issue 63.14).
                plan.watch = Watch::Unreachable;
                // The probes for the network's return begin.
                self.link_news.notify_one();
            }
        }
        self.went_offline_waiting(plain_reason(err), err.retry_after());
    }

    /// While the server's asked wait (`Retry-After`) lasts, what is left of the desk's wait
    /// (the server's time, or the backoff of its repeated asks): every queue sends again when
    /// it ends, not a backoff of its own later.
    pub(crate) fn asked_wait_left(&self) -> Option<Duration> {
        let plan = self.plan();
        let now = Instant::now();
        plan.asked_until.filter(|until| *until > now)?;
        plan.retry_at.map(|at| at.saturating_duration_since(now))
    }

    /// The server answered, but not as the desk hoped (a refusal that is not an entry's own):
    /// the worker waits its backed-off delay before it tries again; the status bar, which
    /// speaks of reachability only, stays as it is.
    pub(super) fn went_astray(&self, err: &ApiError) {
        tracing::warn!(error = %err, "the server refused a request the desk needs; trying again later");
        self.plan().round_failed();
    }

    /// As [`SyncShared::went_offline`], for a failure of this desk's or an unreadable answer.
    pub(super) fn went_offline_because(&self, reason: (crate::events::OfflineCause, String)) {
        self.went_offline_waiting(reason, None);
    }

    /// The round failed: the backoff grows, or, when the server asked for a wait
    /// (`Retry-After`), nothing is read or sent before the longer of the two has passed.
    pub(super) fn went_offline_waiting(
        &self,
        reason: (crate::events::OfflineCause, String),
        asked: Option<Duration>,
    ) {
        let wait = {
            let mut plan = self.plan();
            match asked {
                Some(asked) => {
                    tracing::info!(?asked, "the server asked the desk to wait");
                    plan.asked_to_wait(asked)
                }
                None => runner::retry_delay(plan.round_failed()),
            }
        };
        self.update_link(|link| link.http_failed(reason, Some(wait)));
    }

    /// A request reached the server (and the socket is retried at once if it is down). After
    /// the live socket dropped, only a probe ends the watch for the network's return (see
    /// [`Watch::SocketLost`]).
    pub(crate) fn came_online(&self) {
        let (waiting, back) = {
            let mut plan = self.plan();
            let back = plan.watch == Watch::Unreachable;
            // A round in which something failed keeps its backoff, whatever else answered in it
            // (else one area's 500 beside another's answers would be retried at once, forever);
            // but when what failed was reaching the server at all, an answer from it (a guest
            // reply sent, say) means it is back: the queue goes now, not at its backoff (a
            // queued edit waited ~21 s under "Connected · 1 waiting", issue 36.10).
            let unreachable = plan.watch != Watch::Answering;
            let waiting = plan.retry_at.is_some_and(|at| at > Instant::now());
            let reset = plan.failed_round != Some(plan.round) || unreachable;
            if reset {
                plan.failures = 0;
                plan.retry_at = None;
            }
            if plan.watch == Watch::Unreachable {
                plan.watch = Watch::Answering;
            }
            // (An unreachable server's answer always resets, so it is the one to send now.)
            (unreachable && waiting, back)
        };
        if back {
            self.expect_live_again();
        }
        if waiting {
            self.kick();
        }
        if self.update_link(Link::http_ok) {
            self.retry_live("the server answers again; retrying live updates now");
        }
    }

    /// A probe found the server answering after nothing did: the retry delay starts over,
    /// everything is read again (what was missed meanwhile) once the live socket, whose own
    /// backoff has grown too, subscribes again (it is retried now).
    pub(super) fn network_back(&self) {
        {
            let mut plan = self.plan();
            plan.failures = 0;
            plan.retry_at = None;
            plan.watch = Watch::Answering;
            plan.probe_now = false;
        }
        self.expect_live_again();
        let stalled = self.update_link(|link| {
            link.http_ok();
            link.socket_stalled()
        });
        self.request_reconcile(true);
        // Down, or trying since before (an attempt may hang on a dead network): try again now.
        if stalled {
            self.retry_live("the network is back; retrying live updates now");
        }
    }

    /// While the live socket is on its way back (configured, not subscribed), the worker waits
    /// for its subscription before it sends or reads, at most [`super::RESUBSCRIBE_GRACE`].
    fn expect_live_again(&self) {
        if lock(&self.link).awaits_subscription() {
            self.plan().awaits_live_until = Some(Instant::now() + super::RESUBSCRIBE_GRACE);
        }
    }

    /// How long the worker still waits for the live socket's subscriptions (the hotel channel
    /// and those [`SyncShared::follow_subscription`] names) before it sends or reads (`None`:
    /// it does not).
    pub(super) fn awaiting_live(&self) -> Option<Duration> {
        let until = self.plan().awaits_live_until?;
        let all_live = lock(&self.link).is_live()
            && lock(&self.followed)
                .values()
                .all(|state| *state.borrow() == pusher_channels::SubscriptionState::Subscribed);
        let left = until
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero() && !all_live);
        if left.is_none() {
            self.plan().awaits_live_until = None;
        }
        left
    }

    /// `follower`'s channel on the live socket asks for a read each time it is (re)subscribed
    /// (and wakes the worker then): the worker's wait for the live socket at the start and
    /// after an outage waits for it too, so that read and the hotel channel's are one. It
    /// replaces what `follower` named before (a task started again).
    pub(crate) fn follow_subscription(
        &self,
        follower: &'static str,
        state: tokio::sync::watch::Receiver<pusher_channels::SubscriptionState>,
    ) {
        lock(&self.followed).insert(follower, state);
    }

    /// Retries the live socket now. It counts as connecting from here: another answer a moment
    /// later does not retry it again (a retry drops the attempt under way and starts over).
    fn retry_live(&self, why: &'static str) {
        let Some(socket) = lock(&self.socket).clone() else {
            return;
        };
        tracing::info!("{why}");
        match socket.reconnect_now() {
            Ok(()) => self.update_link(Link::attempt_begun),
            Err(err) => tracing::warn!(error = %err, "cannot retry live updates"),
        }
    }

    /// The server refused the token: the desk signs out (keeping this account's edits).
    pub(crate) fn report_unauthorized(&self, message: String) {
        self.expired.send_replace(Some(message));
    }

    /// Resolves when the server has refused the token, with its words.
    pub(crate) async fn expired(&self) -> String {
        let mut watch = self.expired.subscribe();
        let message = match watch.wait_for(Option::is_some).await {
            Ok(message) => message.clone(),
            Err(_) => None,
        };
        match message {
            Some(message) => message,
            // The engine is gone: nothing will expire, so wait forever (the task is aborted).
            None => std::future::pending().await,
        }
    }
}
