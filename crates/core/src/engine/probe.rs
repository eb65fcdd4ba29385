//! Asking the hotel's server whether it answers, when nothing else would tell (one bare request
//! for its root, no token, nothing read: [`crate::api::ApiClient::reachable`]):
//!
//! - **while nothing answers** (a request found no network or no answer, or the live socket
//!   dropped), every [`NETWORK_PROBE`]: the desk is back within moments of the network, whatever
//!   its retry delay has grown to; after the socket dropped, a probe's failure is what says
//!   "Offline" when nothing else is sent or read (until then only live updates are known to be
//!   out);
//! - **while the server answers and the desk window is shown**, once it has been silent for
//!   [`ANSWER_STALE`]: the status bar does not go on saying "Connected" about a server that has
//!   not answered for longer (issue 63.13: a desk whose Django server froze behind a live
//!   socket said "Connected" for 590 s, its socket's pings answered by the separate
//!   live-update server). Any answer resets the silence, so an idle desk's probes only fill it:
//!   at most one a minute, and none while the window is hidden (nobody reads the status then;
//!   the window's return asks at once when the last answer is that old).
//!
//! A probe's answer that comes within [`CHECKING_SHOWN_AFTER`] changes nothing on screen (no
//! flicker each minute); one still awaited then shows "Checking the connection…" until it
//! comes, or until its wait ends in "not answering" ([`super::link::Link::checking`]). A frozen
//! server is so no longer called "Connected" a second after a minute's silence, and said to be
//! not answering when the probe's wait (a request's, 10 s) is over.

use std::time::{Duration, Instant};

use super::plan::Watch;
use super::{SyncShared, NETWORK_PROBE};
use crate::events::ConnectionStatus;

/// While the desk window is shown, a server silent this long is asked whether it answers
/// (issue 63.13).
pub const ANSWER_STALE: Duration = Duration::from_secs(60);
/// A probe unanswered this long is shown as "Checking the connection…"; a quicker answer shows
/// nothing.
const CHECKING_SHOWN_AFTER: Duration = Duration::from_secs(1);

/// Resolves when the network is back after nothing answered (then the retry delay starts over,
/// everything is read again and the live socket, whose own backoff has grown too, is retried).
/// While the server answers, it breaks each long silence with a probe and never resolves.
pub(super) async fn until_back(shared: &SyncShared, probe_at: &mut tokio::time::Instant) {
    loop {
        let watch = shared.plan().watch;
        if watch == Watch::Answering {
            break_silence(shared).await;
            let mut plan = shared.plan();
            if plan.watch != Watch::Answering {
                // Nothing answers any more, or the live socket dropped: the first probe one
                // NETWORK_PROBE on (a request under way may still find the answer first), or at
                // once after the socket found the server silent.
                let wait = if std::mem::take(&mut plan.probe_now) {
                    Duration::ZERO
                } else {
                    NETWORK_PROBE
                };
                *probe_at = tokio::time::Instant::now() + wait;
            }
            continue;
        }
        tokio::time::sleep_until(*probe_at).await;
        *probe_at = tokio::time::Instant::now() + NETWORK_PROBE;
        // As it is now: an answer meanwhile may have ended the watch.
        let watch = shared.plan().watch;
        if watch != Watch::Answering && probe_once(shared, watch).await {
            return;
        }
    }
}

/// The round's first step while nothing answered: the server's root is asked before anything
/// is sent or read; `true` when it answered. Unanswered, the round has failed as a request's
/// failure fails it: the retry delay grows and the status bar says when the next try is.
pub(super) async fn probe_round(shared: &SyncShared) -> bool {
    match shared.client.reachable(NETWORK_PROBE).await {
        Err(err) => {
            shared.went_offline_waiting(super::link::plain_reason(&err), None);
            false
        }
        Ok(()) => answered(shared),
    }
}

/// A probe was answered after nothing did: the desk is back ([`SyncShared::network_back`]).
fn answered(shared: &SyncShared) -> bool {
    tracing::info!("the network is back; retrying now");
    shared.network_back();
    true
}

/// One probe while the network may be gone; `true` when the server answered (then the desk
/// is back: [`SyncShared::network_back`]).
pub(super) async fn probe_once(shared: &SyncShared, watch: Watch) -> bool {
    match shared.client.reachable(NETWORK_PROBE).await {
        Err(err) if watch == Watch::SocketLost => {
            tracing::debug!(error = %err, "the server's root did not answer the probe");
            shared.update_link(|link| {
                link.http_failed(super::link::plain_reason(&err), Some(NETWORK_PROBE))
            });
            // The socket's loss was the network's: from now on only a probe's answer says it
            // is back, before anything is sent (a queued edit's answer would otherwise be the
            // first to find it, and the drain would run before the socket subscribed again,
            // each edit reading its row; issue 63.14).
            let mut plan = shared.plan();
            if plan.watch == Watch::SocketLost {
                plan.watch = Watch::Unreachable;
            }
            false
        }
        Err(_) => false,
        Ok(()) => answered(shared),
    }
}

/// While the server answers: waits until the silence is due to be broken (or something
/// changed: the window shown or hidden, the socket lost), then probes if it still is.
async fn break_silence(shared: &SyncShared) {
    let news = shared.link_news.notified();
    tokio::pin!(news);
    let Some(due) = shared.silence_probe_due() else {
        news.await;
        return;
    };
    tokio::select! {
        () = &mut news => return,
        () = tokio::time::sleep_until(tokio::time::Instant::from_std(due)) => {}
    }
    if shared
        .silence_probe_due()
        .is_some_and(|due| due <= Instant::now())
    {
        probe_silence(shared).await;
    }
}

/// Asks the server's root whether it answers after a long silence; no answer within the
/// client's wait is "not answering" (or "Offline" when nothing answers at all).
async fn probe_silence(shared: &SyncShared) {
    let probe = shared.client.reachable(shared.client.timeout());
    tokio::pin!(probe);
    let mut checking = None;
    let outcome = tokio::select! {
        biased;
        outcome = &mut probe => outcome,
        () = tokio::time::sleep(CHECKING_SHOWN_AFTER) => {
            checking = Some(Checking::begin(shared));
            probe.await
        }
    };
    match outcome {
        Ok(()) => shared.came_online(),
        Err(err) => {
            tracing::info!(error = %err, "the server did not answer after a long silence");
            shared.went_offline(&err);
        }
    }
    drop(checking);
}

/// "Checking the connection…" while it lives (a probe dropped on its way ends it too).
struct Checking<'a>(&'a SyncShared);

impl<'a> Checking<'a> {
    fn begin(shared: &'a SyncShared) -> Self {
        shared.update_link(|link| link.checking(true));
        Self(shared)
    }
}

impl Drop for Checking<'_> {
    fn drop(&mut self) {
        self.0.update_link(|link| link.checking(false));
    }
}

impl SyncShared {
    /// The desk window is shown (`true`) or hidden, minimised or closed: while it is hidden,
    /// nothing is asked of the server only to keep the status bar honest.
    pub(crate) fn window_shown(&self, shown: bool) {
        if self
            .shown
            .send_if_modified(|was| std::mem::replace(was, shown) != shown)
        {
            self.link_news.notify_one();
        }
    }

    /// When the server's silence is due to be broken by a probe: `None` while the window is
    /// hidden, while the status says nothing of an answering server, or before any answer.
    fn silence_probe_due(&self) -> Option<Instant> {
        if !*self.shown.borrow() {
            return None;
        }
        let claims_connected = matches!(
            self.connection_status(),
            ConnectionStatus::Online
                | ConnectionStatus::LiveReconnecting { .. }
                | ConnectionStatus::LiveOff { .. }
        );
        let last = self.client.last_answer().filter(|_| claims_connected)?;
        Some(last + self.stale)
    }
}
