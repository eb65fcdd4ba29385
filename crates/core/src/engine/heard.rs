//! What the live socket has told the desk, for the replay's bulk merge bases.
//!
//! The replay reads the merge bases of many queued edits with one read of the list instead of
//! one GET per edit. A colleague's change made after that read would then be invisible to the
//! merge, so the replay asks this log, just before each PATCH, whether an event has named the
//! row since the read (or the socket was not subscribed all along, so nothing can be told): if
//! so, the row is read again on its own. With no subscribed socket, every edit reads its own
//! base, as before.
//!
//! It also finds, by rule, where a row the desk stored may be older than the server's:
//! - two changes of one row heard within [`CONTENDED`] of each other may have been made at
//!   once on the server, and a server publishes each request's event after its write with
//!   nothing ordering the two (Django's `perform_update`): the later write's event may come
//!   first, and storing each event as told would keep the earlier value for good;
//! - a list read during which an event named its resource may have been answered before
//!   that change ([`HeardLog::named_since`]): storing it would put the older row back.
//!
//! Either way the list is read again once the burst is over: it is then the newest.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::spec::Hint;

/// Two changes of one row heard within this of each other are read again from the server: its
/// events for writes made at once may arrive in either order. Events of one request come
/// within milliseconds of its write; this is far wider.
pub(crate) const CONTENDED: Duration = Duration::from_secs(2);

/// What one event told the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Heard {
    /// It may say something the desk has not been told: `false` for a bare refetch that only
    /// follows a row event already heard.
    pub news: bool,
    /// It names a row another change of which was heard within [`CONTENDED`].
    pub contended: bool,
}

/// A point in what was heard, returned by [`HeardLog::mark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark(u64);

#[derive(Default)]
struct Inner {
    /// Counts everything heard; each change gets the next number.
    seq: u64,
    /// Whether the socket is subscribed to the hotel channel now.
    live: bool,
    /// When the socket last (re)subscribed or dropped: events may have been missed before it.
    gap: u64,
    /// The last time an event named a row, per resource and id (in the count and the clock).
    rows: HashMap<(&'static str, i64), (u64, Instant)>,
    /// The last time an event named a resource without a row ("refetch").
    whole: HashMap<&'static str, u64>,
    /// Row events not yet followed by their bare "refetch", per resource whose server follows
    /// each row event with one (`ResourceSpec::refetch_follows_row_events`; offers, API.md
    /// §9.2), which then says nothing new;
    /// with several changes at once they interleave, hence a count. A bare one with no row
    /// event owing it (the row event was too large to deliver) means any row.
    rows_owed: HashMap<&'static str, u64>,
}

/// The log the live task writes and the replay reads.
#[derive(Default)]
pub struct HeardLog {
    inner: Mutex<Inner>,
}

impl HeardLog {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The socket was subscribed (`true`) or lost its subscription (`false`).
    pub(crate) fn subscribed(&self, live: bool) {
        let mut inner = self.inner();
        inner.seq += 1;
        inner.gap = inner.seq;
        inner.live = live;
    }

    /// An event named row `id` of `resource`; returns whether another change of it was heard
    /// within [`CONTENDED`].
    pub(crate) fn heard_row(&self, resource: &'static str, id: i64) -> bool {
        self.heard_row_at(resource, id, Instant::now())
    }

    fn heard_row_at(&self, resource: &'static str, id: i64, now: Instant) -> bool {
        let mut inner = self.inner();
        inner.seq += 1;
        let seq = inner.seq;
        inner
            .rows
            .insert((resource, id), (seq, now))
            .is_some_and(|(_, before)| now.saturating_duration_since(before) < CONTENDED)
    }

    /// An event named `resource` without saying which row.
    pub(crate) fn heard_resource(&self, resource: &'static str) {
        let mut inner = self.inner();
        inner.rows_owed.remove(resource);
        inner.seq += 1;
        let seq = inner.seq;
        inner.whole.insert(resource, seq);
    }

    /// What an event means for `resource`, as [`super::live::interpret`] read it;
    /// `refetch_follows`: the server follows each of its row events with a bare refetch.
    pub(crate) fn heard(
        &self,
        resource: &'static str,
        hint: &Hint,
        refetch_follows: bool,
    ) -> Heard {
        let row = match hint {
            Hint::Upsert { row, .. } => row.get("id").and_then(Value::as_i64),
            Hint::Patch { id, .. } | Hint::Delete { id, .. } => Some(*id),
            Hint::Reconcile => None,
        };
        match row {
            Some(id) => {
                let contended = self.heard_row(resource, id);
                if refetch_follows {
                    *self.inner().rows_owed.entry(resource).or_default() += 1;
                }
                Heard {
                    news: true,
                    contended,
                }
            }
            None => {
                let owed = {
                    let mut inner = self.inner();
                    let owed = inner.rows_owed.entry(resource).or_default();
                    let was = *owed;
                    *owed = owed.saturating_sub(1);
                    was > 0
                };
                if !owed {
                    self.heard_resource(resource);
                }
                Heard {
                    news: !owed,
                    contended: false,
                }
            }
        }
    }

    /// Now, if the socket is subscribed (otherwise nothing that follows could be told).
    pub fn mark(&self) -> Option<Mark> {
        let inner = self.inner();
        inner.live.then_some(Mark(inner.seq))
    }

    /// Whether row `id` may have changed on the server since `mark`: an event named it or its
    /// resource, or the socket is not subscribed now or was not all along.
    pub fn changed_since(&self, resource: &str, id: i64, mark: Mark) -> bool {
        let inner = self.inner();
        let Mark(at) = mark;
        !inner.live
            || inner.gap > at
            || inner.whole.get(resource).is_some_and(|seq| *seq > at)
            || inner
                .rows
                .get(&(resource, id))
                .is_some_and(|(seq, _)| *seq > at)
    }

    /// Whether an event named `resource` or any of its rows since `mark`: a list read begun
    /// at `mark` may be older than what the desk stored meanwhile. (A socket that dropped or
    /// came back meanwhile is not counted: its return reads everything anyway.)
    pub fn named_since(&self, resource: &str, mark: Mark) -> bool {
        let inner = self.inner();
        let Mark(at) = mark;
        inner.whole.get(resource).is_some_and(|seq| *seq > at)
            || inner
                .rows
                .iter()
                .any(|((name, _), (seq, _))| *name == resource && *seq > at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::Row;

    #[test]
    fn nothing_can_be_told_without_a_subscribed_socket() {
        let log = HeardLog::default();
        assert_eq!(log.mark(), None);
        log.subscribed(true);
        let mark = log.mark().unwrap();
        assert!(!log.changed_since("offers", 7, mark));
        log.subscribed(false);
        assert!(log.changed_since("offers", 7, mark));
        log.subscribed(true);
        assert!(
            log.changed_since("offers", 7, mark),
            "events may have been missed while the socket was down"
        );
    }

    #[test]
    fn an_event_marks_its_row_or_its_whole_resource_as_changed() {
        let log = HeardLog::default();
        log.subscribed(true);
        log.heard_row("offers", 3);
        let mark = log.mark().unwrap();
        assert!(
            !log.changed_since("offers", 3, mark),
            "heard before the mark"
        );
        log.heard_row("offers", 4);
        assert!(log.changed_since("offers", 4, mark));
        assert!(!log.changed_since("offers", 5, mark));
        assert!(!log.changed_since("galleries", 4, mark));
        log.heard_resource("galleries");
        assert!(log.changed_since("galleries", 9, mark));
        assert!(!log.changed_since("offers", 5, mark));
    }

    #[test]
    fn a_bare_refetch_after_a_row_event_is_its_pair_and_alone_means_any_row() {
        let log = HeardLog::default();
        log.subscribed(true);
        let mark = log.mark().unwrap();
        let updated = Hint::Patch {
            id: 4,
            fields: Row::new(),
            action: "updated",
            title: None,
        };
        log.heard("offers", &updated, true);
        log.heard("offers", &Hint::Reconcile, true);
        assert!(log.changed_since("offers", 4, mark));
        assert!(
            !log.changed_since("offers", 5, mark),
            "offers-updated follows every offer event and says nothing more"
        );
        // The next change's own event was dropped (too large): only its refetch arrives.
        log.heard("offers", &Hint::Reconcile, true);
        assert!(log.changed_since("offers", 5, mark));
    }

    #[test]
    fn refetches_of_changes_made_at_once_may_come_after_both_row_events() {
        let log = HeardLog::default();
        log.subscribed(true);
        let mark = log.mark().unwrap();
        for id in [4, 6] {
            log.heard(
                "offers",
                &Hint::Upsert {
                    row: serde_json::json!({"id": id}).as_object().cloned().unwrap(),
                    action: "updated",
                },
                true,
            );
        }
        log.heard("offers", &Hint::Reconcile, true);
        log.heard("offers", &Hint::Reconcile, true);
        assert!(
            !log.changed_since("offers", 5, mark),
            "each refetch had its row event"
        );
        log.heard("offers", &Hint::Reconcile, true);
        assert!(
            log.changed_since("offers", 5, mark),
            "one refetch too many: any row"
        );
    }

    /// A resource whose server does not pair its row events with a refetch (room types, the
    /// hotel's settings): every refetch may mean any row.
    #[test]
    fn without_the_pairing_habit_every_refetch_means_any_row() {
        let log = HeardLog::default();
        log.subscribed(true);
        let mark = log.mark().unwrap();
        let updated = Hint::Patch {
            id: 4,
            fields: Row::new(),
            action: "updated",
            title: None,
        };
        log.heard("room_types", &updated, false);
        log.heard("room_types", &Hint::Reconcile, false);
        assert!(log.changed_since("room_types", 4, mark));
        assert!(log.changed_since("room_types", 5, mark));
    }

    #[test]
    fn two_changes_of_one_row_heard_within_moments_are_contended() {
        let log = HeardLog::default();
        log.subscribed(true);
        let start = Instant::now();
        let later = |ms| start + Duration::from_millis(ms);
        assert!(
            !log.heard_row_at("offers", 4, start),
            "the row's first change"
        );
        assert!(!log.heard_row_at("offers", 5, later(10)), "another row");
        assert!(
            log.heard_row_at("offers", 4, later(30)),
            "its second, 30 ms on"
        );
        assert!(
            !log.heard_row_at("offers", 4, later(30) + CONTENDED),
            "one {CONTENDED:?} after the last"
        );
        assert!(
            !log.heard_row_at("galleries", 4, later(40) + CONTENDED),
            "another resource's row of that id"
        );
    }

    #[test]
    fn a_list_read_is_overtaken_by_any_event_naming_its_resource_after_its_start() {
        let log = HeardLog::default();
        log.subscribed(true);
        log.heard_row("offers", 3);
        let mark = log.mark().unwrap();
        assert!(!log.named_since("offers", mark), "heard before the read");
        log.heard_row("galleries", 3);
        assert!(!log.named_since("offers", mark), "another resource");
        log.subscribed(false);
        log.subscribed(true);
        assert!(
            !log.named_since("offers", mark),
            "a socket's return reads everything anyway"
        );
        log.heard_row("offers", 9);
        assert!(log.named_since("offers", mark), "a row it did not hold");
        let mark = log.mark().unwrap();
        log.heard_resource("offers");
        assert!(log.named_since("offers", mark), "the whole resource");
    }
}
