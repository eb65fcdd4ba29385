//! When the sync worker reads and sends next: its timers, its backoff, the server's asked
//! waits and its watch for the network's return.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::{lock, runner, spec, SyncShared, RECONCILE_DEBOUNCE};

#[derive(Default)]
pub(super) struct Plan {
    /// When the next reconcile is due.
    pub(super) reconcile_at: Option<Instant>,
    /// When the resources no event announces (and unavailable areas due for a check) are read
    /// again: a timer of their own, so an event's reconcile never takes them along.
    pub(super) quiet_at: Option<Instant>,
    /// Which resources it reads: only those events named, unless `everything`.
    pub(super) stale: std::collections::BTreeSet<&'static str>,
    /// The resources the reconcile under way has still to begin reading: a read asked of one
    /// of them meanwhile is that read (it begins after the ask), not another one.
    pub(super) reading: std::collections::BTreeSet<&'static str>,
    /// When each resource's list was last read whole.
    pub(super) read_at: HashMap<&'static str, Instant>,
    /// The view of the screen the person has open, if the screen says (`looking_at`).
    pub(super) shown: Option<crate::events::View>,
    /// Resources read only while shown whose read was due while their screen was not: read
    /// when it is next opened, however recent their last read.
    pub(super) outdated: std::collections::BTreeSet<&'static str>,
    /// When what the shown screen refreshes while shown is read again (`refresh_while_shown`).
    pub(super) shown_refresh_at: Option<Instant>,
    /// The next reconcile reads every resource (start, reconnect, polling, a failure).
    pub(super) everything: bool,
    /// Failed attempts in a row (for the retry delay).
    pub(super) failures: u32,
    /// Not before this is anything read again after a failed round (a wake to send a fresh
    /// change does not cut the delay short: a failing area beside it waits its turn).
    pub(super) retry_at: Option<Instant>,
    /// Until when the server asked the desk to wait (`Retry-After`). What fails meanwhile was
    /// held back by that wait (nothing was sent), so it does not grow the backoff.
    pub(super) asked_until: Option<Instant>,
    /// Which of the worker's rounds this is, and the last one that failed: a round in which
    /// several resources fail is one failed attempt, not one per resource.
    pub(super) round: u64,
    pub(super) failed_round: Option<u64>,
    /// Whether the worker watches for the network's return while it waits to retry.
    pub(super) watch: Watch,
    /// The first probe of that watch goes at once, not a probe's interval on.
    pub(super) probe_now: bool,
    /// Until when the worker waits for the live socket's subscription before it sends or reads
    /// (at the start, and when the network is back): see `RESUBSCRIBE_GRACE`.
    pub(super) awaits_live_until: Option<Instant>,
    pub(super) stopped: bool,
}

impl Plan {
    /// This round failed (once, however many of its requests did): the delay grows and
    /// nothing is read again before it has passed. Returns the failures in a row.
    pub(super) fn round_failed(&mut self) -> u32 {
        if self.failed_round != Some(self.round) {
            self.failed_round = Some(self.round);
            self.failures += 1;
            self.retry_at = Some(Instant::now() + runner::retry_delay(self.failures));
        }
        self.failures.max(1)
    }

    /// A request failed with the server's `Retry-After` of `asked`: nothing is read or sent
    /// before it passes, nor before the backoff of a failed round. Returns the whole wait from
    /// now. A failure while an asked wait lasts is the desk's own refusal to send (or an answer
    /// already on its way): it keeps the server's time and adds no failed round, else every
    /// queue held back in the wait would stretch it by the backoff, far past what was asked.
    pub(super) fn asked_to_wait(&mut self, asked: Duration) -> Duration {
        let now = Instant::now();
        if self.asked_until.is_some_and(|until| until > now) {
            return self.wait_at_least(asked);
        }
        self.asked_until = Some(now + asked);
        let backoff = runner::retry_delay(self.round_failed());
        self.wait_at_least(asked.max(backoff))
    }

    /// Nothing is read or sent before `wait` has passed, whatever the backoff says. Returns
    /// the whole wait from now.
    pub(super) fn wait_at_least(&mut self, wait: Duration) -> Duration {
        let asked = Instant::now() + wait;
        let at = self.retry_at.map_or(asked, |at| at.max(asked));
        self.retry_at = Some(at);
        at.saturating_duration_since(Instant::now())
    }
}

/// Whether the network may be gone. While it may, the worker checks every [`NETWORK_PROBE`]
/// whether the server answers again.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum Watch {
    /// The server answered last.
    #[default]
    Answering,
    /// The last failure was the network's (nothing answered); a request that succeeds ends it.
    Unreachable,
    /// The live socket dropped, and no probe has answered since. A request that succeeds
    /// meanwhile does not end it: its answer may have been on its way before the network went
    /// (the socket and the request learn of a cut in either order), and then nothing would
    /// notice the network's return but the socket's grown backoff.
    SocketLost,
}

/// What the worker is asked to read, and when: the reconciles events, timers, the person's
/// screens and the network's return ask for.
impl SyncShared {
    /// Reconcile everything soon (`now`: at once, e.g. after a reconnect).
    pub(crate) fn request_reconcile(&self, now: bool) {
        self.reconcile_within(if now {
            Duration::ZERO
        } else {
            RECONCILE_DEBOUNCE
        });
        if now {
            let mut plan = self.plan();
            plan.failures = 0;
            plan.retry_at = None;
        }
    }

    /// Tests: the lists were read `by` earlier than they were, as if that time had passed since
    /// (the poll interval the app waits on purpose, without waiting it out).
    #[cfg(feature = "test-support")]
    pub(crate) fn age_reads_by(&self, by: Duration) {
        for at in self.plan().read_at.values_mut() {
            *at = at.checked_sub(by).unwrap_or(*at);
        }
    }

    /// The person opened the screen of `view`: what it shows that no event announces, unless
    /// read within the poll interval (a minute), is read now (with live updates the quiet
    /// timer reads it only every [`QUIET_INTERVAL`]).
    pub(crate) fn looking_at(&self, view: crate::events::View) {
        let now = Instant::now();
        {
            let mut plan = self.plan();
            plan.shown = Some(view);
            let refreshes = self
                .resources
                .iter()
                .any(|spec| spec.refresh_while_shown && spec.views.contains(&view));
            plan.shown_refresh_at = refreshes.then(|| now + self.poll);
            let old: Vec<&'static str> = self
                .resources
                .iter()
                .filter(|spec| {
                    (!spec.broadcast || spec.read_only_while_shown) && spec.views.contains(&view)
                })
                .map(|spec| spec.name())
                .filter(|name| {
                    plan.outdated.contains(name)
                        || plan
                            .read_at
                            .get(name)
                            .is_none_or(|at| now.saturating_duration_since(*at) > self.poll)
                })
                .collect();
            if old.is_empty() {
                drop(plan);
                // The worker sleeps on its old timers: woken, it takes the refresh's (no read).
                if refreshes {
                    self.wake.notify_one();
                }
                return;
            }
            plan.stale.extend(old);
            plan.reconcile_at = Some(now);
        }
        self.wake.notify_one();
    }

    /// The person left the screen they had open for one that reads nothing of its own (the
    /// Overview, Settings): what is read only while shown waits for its screen again.
    pub(crate) fn looking_away(&self) {
        let mut plan = self.plan();
        plan.shown = None;
        plan.shown_refresh_at = None;
    }

    /// The shown screen's refresh is due: what it refreshes while shown joins the next
    /// reconcile, unless the desk window is not seen (then nobody is watching: it waits for the
    /// next interval, or the screen's next opening).
    pub(super) fn take_shown_refresh(&self) {
        let now = Instant::now();
        let window_seen = *self.shown.borrow();
        let mut plan = self.plan();
        let (Some(at), Some(view)) = (plan.shown_refresh_at, plan.shown) else {
            return;
        };
        if at > now {
            return;
        }
        plan.shown_refresh_at = Some(now + self.poll);
        if !window_seen {
            return;
        }
        let due: Vec<&'static str> = self
            .resources
            .iter()
            .filter(|spec| spec.refresh_while_shown && spec.views.contains(&view))
            .map(|spec| spec.name())
            .collect();
        plan.stale.extend(due);
        plan.reconcile_at = Some(now);
    }

    /// Whether `spec` is read only while its screen shows and its screen does not show now
    /// (after its first read): its read is then put off until the screen is opened.
    pub(super) fn waits_for_its_screen(&self, spec: &spec::ResourceSpec) -> bool {
        if !spec.read_only_while_shown {
            return false;
        }
        let mut plan = self.plan();
        let shown = plan.shown.is_some_and(|view| spec.views.contains(&view));
        if shown || !plan.read_at.contains_key(spec.name()) {
            return false;
        }
        plan.outdated.insert(spec.name());
        true
    }

    /// Whether `spec` is read rarely and was read within the quiet interval: a read of
    /// everything leaves it out (a read asked of it by name, its screen's opening, does not).
    pub(super) fn read_recently(&self, spec: &spec::ResourceSpec) -> bool {
        spec.rarely_read
            && self
                .plan()
                .read_at
                .get(spec.name())
                .is_some_and(|at| at.elapsed() < self.quiet)
    }

    /// Whether `spec`'s list is due to be read now by the reconcile that follows the drain; if
    /// so, it is taken out of that reconcile, and the caller reads it now instead.
    pub(super) fn take_due_read(&self, spec: &'static spec::ResourceSpec) -> bool {
        if !self.may_read(spec.name()) || !self.read_due_now(spec.name()) {
            return false;
        }
        if self.waits_for_its_screen(spec) {
            return false;
        }
        // Everything, as a list: without what is read rarely and was read lately.
        let everything: std::collections::BTreeSet<&'static str> = self
            .resources
            .iter()
            .filter(|spec| !self.read_recently(spec))
            .map(|spec| spec.name())
            .collect();
        let mut plan = self.plan();
        if std::mem::take(&mut plan.everything) {
            plan.stale = everything;
        }
        plan.stale.remove(spec.name());
        true
    }

    /// Whether the reconcile that follows the drain is due now and reads `resource`.
    pub(super) fn read_due_now(&self, resource: &str) -> bool {
        let plan = self.plan();
        let now = Instant::now();
        plan.reconcile_at.is_some_and(|at| at <= now)
            && plan.retry_at.is_none_or(|at| at <= now)
            && (plan.everything || plan.stale.contains(resource))
    }

    /// Reconcile one resource after [`RECONCILE_DEBOUNCE`] (an event named it), so a burst of
    /// events costs one fetch of what they were about and nothing else.
    pub(crate) fn request_reconcile_of(&self, resource: &'static str) {
        let due = Instant::now() + RECONCILE_DEBOUNCE;
        {
            let mut plan = self.plan();
            if plan.reading.contains(resource) {
                // The reconcile under way reads it from now on: after what asked for it (a
                // reconnect read the chat's conversations twice, issue 63.14).
                return;
            }
            plan.stale.insert(resource);
            plan.reconcile_at = Some(plan.reconcile_at.map_or(due, |at| at.min(due)));
        }
        self.wake.notify_one();
    }

    /// While live, the resources the server does not announce are read every [`QUIET_INTERVAL`]
    /// all the same (a colleague's new room type reaches no socket), on a timer of their own:
    /// a reconcile an event asks for reads what the event named and nothing else.
    pub(super) fn poll_unannounced(&self) {
        let due = Instant::now() + self.quiet;
        // Never later than it is (each event's reconcile would put it off forever), and never
        // as late as an unavailable area's check (15 minutes): the earlier of the two.
        let mut plan = self.plan();
        plan.quiet_at = Some(plan.quiet_at.map_or(due, |at| at.min(due)));
    }

    /// The quiet timer is due: what no event announces, and the unavailable areas whose check
    /// is due, join the next reconcile. While the desk window is shown, those lists are read
    /// one a minute, the longest unread first: each is an answer that keeps the status honest
    /// (issue 63.13), where reading them at once and then asking the server's root in each
    /// silent minute after cost an idle desk 1.3 requests a minute.
    pub(super) fn take_quiet_round(&self) {
        let now = Instant::now();
        let due_areas: Vec<&'static str> = lock(&self.unavailable)
            .iter()
            .filter(|(_, area)| area.check_at.is_some_and(|at| at <= now))
            .map(|(name, _)| *name)
            .collect();
        // One a minute: those a minute's read can take (no screen waits for them, the server
        // offers them); the others as before.
        let (one_by_one, others): (Vec<&'static str>, Vec<&'static str>) = self
            .resources
            .iter()
            .filter(|spec| !spec.broadcast && !spec.rarely_read)
            .map(|spec| spec.name())
            .partition(|name| {
                self.may_read(name)
                    && spec::spec_named(self.resources, name)
                        .is_some_and(|spec| !spec.read_only_while_shown)
            });
        let shown = *self.shown.borrow();
        let mut plan = self.plan();
        if plan.quiet_at.is_none_or(|at| at > now) {
            return;
        }
        plan.quiet_at = None;
        let taken: Vec<&'static str> = if shown && !one_by_one.is_empty() {
            // Not read yet in this round, which spans a minute for each.
            let span = self.stale * u32::try_from(one_by_one.len()).unwrap_or(u32::MAX);
            let mut due: Vec<&'static str> = one_by_one
                .into_iter()
                .filter(|name| {
                    plan.read_at.get(name).is_none_or(|at| {
                        now.saturating_duration_since(*at) >= self.quiet.saturating_sub(span)
                    })
                })
                .collect();
            due.sort_by_key(|name| plan.read_at.get(name).copied());
            if due.len() > 1 {
                // The next before the minute's silence would send a probe.
                plan.quiet_at = Some(now + self.stale * 9 / 10);
            }
            due.into_iter().take(1).chain(others).collect()
        } else {
            one_by_one.into_iter().chain(others).collect()
        };
        plan.stale.extend(taken.into_iter().chain(due_areas));
        plan.reconcile_at = Some(now);
    }

    /// Wakes the worker within `delay` to send and confirm what waits, reading nothing unless
    /// a read is due by then.
    pub(crate) fn wake_within(&self, delay: Duration) {
        let due = Instant::now() + delay;
        {
            let mut plan = self.plan();
            plan.reconcile_at = Some(plan.reconcile_at.map_or(due, |at| at.min(due)));
        }
        self.wake.notify_one();
    }

    pub(super) fn reconcile_within(&self, delay: Duration) {
        let due = Instant::now() + delay;
        {
            let mut plan = self.plan();
            plan.everything = true;
            plan.reconcile_at = Some(plan.reconcile_at.map_or(due, |at| at.min(due)));
        }
        self.wake.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flake this fixed (one full run in nine): while the server's 6 s wait lasted, each
    /// queue held back by it (the sync worker woken by a new edit, the chat's catch-up) counted
    /// a failed round, the backoff grew to 16 or 30 s, and the edit went 20 s after the wait.
    #[test]
    fn what_the_asked_wait_holds_back_does_not_stretch_it() {
        let mut plan = Plan::default();
        let asked = Duration::from_secs(6);
        let first = plan.asked_to_wait(asked);
        assert!(
            first <= asked && first > asked - Duration::from_millis(100),
            "the first ask is waited as asked: {first:?}"
        );
        let end = plan.retry_at;
        for round in 0..8 {
            plan.round += 1;
            let left = plan.asked_to_wait(Duration::from_secs(5));
            assert!(
                left <= asked,
                "round {round}: waits {left:?}, more than asked"
            );
        }
        assert_eq!(
            plan.retry_at, end,
            "the desk still sends when the server said"
        );
        assert_eq!(plan.failures, 1, "held back is not refused again");
    }

    #[test]
    fn a_server_asking_again_after_the_wait_gets_the_backoff_too() {
        let mut plan = Plan::default();
        plan.asked_to_wait(Duration::ZERO);
        for _ in 0..4 {
            plan.round += 1;
            plan.asked_to_wait(Duration::ZERO);
        }
        plan.round += 1;
        let wait = plan.asked_to_wait(Duration::from_secs(1));
        assert_eq!(
            plan.failures, 6,
            "each real ask after a wait is a failed round"
        );
        assert!(
            wait >= Duration::from_secs(30) - Duration::from_millis(50),
            "a server asking for 1 s again and again is asked at the backoff's pace: {wait:?}"
        );
    }
}
