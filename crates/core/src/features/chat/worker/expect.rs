//! Issue 63.7: a guest's message whose own event never comes. Pusher refuses an event over
//! 10 KB and the server only logs it (API.md §9.1), so a guest's long message reached a desk
//! only at the conversation list's next read, minutes later, with no toast. The small events
//! sent with it still arrive (§9.3: `message-delivered` first, naming the message;
//! `conversation-unread` for a guest's), so each is a promise: when what it announces has not
//! arrived [`GRACE`] later (its own event comes within moments when it comes at all), the
//! thread is read from the server.
//!
//! Issue 63.9 is kept here too: news that arrived but could not be kept (a full disk) is a
//! thread to read again once the disk has room ([`ChatShared::keep_when_there_is_room`]).
//!
//! Not for: events that carry their message (applied as they come) or a message the desk has.

use crate::features::chat::store::ChatStore;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use tokio::time::Instant;

use super::ChatShared;
use crate::context::lock;
use crate::features::chat::spec::CONVERSATIONS;

/// How long an announced message may take to arrive live before its thread is read.
pub(super) const GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// The threads an event said had news that has not arrived yet, and those whose news could not
/// be kept.
#[derive(Default)]
pub(crate) struct Expected {
    promises: Mutex<HashMap<i64, Promise>>,
    /// Threads whose news arrived while the disk was full (`None`: the whole list's).
    unkept: Mutex<BTreeSet<Option<i64>>>,
}

struct Promise {
    /// The message named, when the event named one.
    message: Option<i64>,
    /// The newest message the desk had of the thread when the news was announced.
    newest_then: Option<i64>,
    due: Instant,
}

impl ChatShared {
    /// An event announced news in `conversation_id` (the message `message`, when it named one):
    /// if it has not arrived within [`GRACE`], the thread is read.
    pub(super) fn expect(&self, conversation_id: i64, message: Option<i64>) {
        let newest_then = match ChatStore::new(&self.sync.store).newest_id(conversation_id) {
            Ok(newest) => newest,
            Err(err) => {
                tracing::warn!(error = %err, conversation_id, "cannot read a thread's newest message; reading it again");
                self.refetch(conversation_id);
                return;
            }
        };
        let mut promises = lock(&self.expected.promises);
        let promise = promises.entry(conversation_id).or_insert(Promise {
            message: None,
            newest_then,
            due: Instant::now() + GRACE,
        });
        promise.message = promise.message.or(message);
        drop(promises);
        self.expected_wake.notify_one();
    }

    /// When the next promise is due, if any.
    pub(super) fn next_promise_due(&self) -> Option<Instant> {
        lock(&self.expected.promises).values().map(|p| p.due).min()
    }

    /// Reads the threads whose announced news has not arrived by now.
    pub(super) fn keep_due_promises(&self) {
        let now = Instant::now();
        let due: Vec<(i64, Promise)> = {
            let mut promises = lock(&self.expected.promises);
            let ids: Vec<i64> = promises
                .iter()
                .filter(|(_, p)| p.due <= now)
                .map(|(id, _)| *id)
                .collect();
            ids.into_iter()
                .filter_map(|id| promises.remove(&id).map(|p| (id, p)))
                .collect()
        };
        for (conversation_id, promise) in due {
            if !self.arrived(conversation_id, &promise) {
                tracing::info!(
                    conversation_id,
                    message = promise.message,
                    "news announced in a thread did not arrive live (too large for an event?); reading the thread"
                );
                self.refetch(conversation_id);
            }
        }
    }

    /// Writing what arrived for `conversation_id` (every thread when `None`) failed with `err`:
    /// when the disk is full, the thread is read again once it has room, and `true` is
    /// returned; otherwise nothing is noted.
    pub(super) fn keep_when_there_is_room(
        &self,
        conversation_id: Option<i64>,
        err: &crate::engine::store::StoreError,
    ) -> bool {
        if !self.sync.storage_failed(err) {
            return false;
        }
        lock(&self.expected.unkept).insert(conversation_id);
        true
    }

    /// The disk has room again: what could not be kept is read again.
    pub(super) fn read_what_was_not_kept(&self) {
        let unkept = std::mem::take(&mut *lock(&self.expected.unkept));
        if unkept.is_empty() {
            return;
        }
        tracing::info!(threads = unkept.len(), "reading again what the full disk could not keep");
        for thread in unkept {
            match thread {
                Some(conversation_id) => self.refetch(conversation_id),
                None => self.request_catch_up(),
            }
        }
        self.sync.request_reconcile_of(CONVERSATIONS.name);
    }

    fn arrived(&self, conversation_id: i64, promise: &Promise) -> bool {
        let store = &self.sync.store;
        let found = match promise.message {
            Some(id) => ChatStore::new(store).message(id).map(|m| m.is_some()),
            None => ChatStore::new(store).newest_id(conversation_id)
                .map(|newest| newest > promise.newest_then),
        };
        found.unwrap_or_else(|err| {
            tracing::warn!(error = %err, conversation_id, "cannot look for an announced message");
            false
        })
    }
}
