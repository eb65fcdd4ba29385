//! Issue 63.9: a full disk. A guest's message that arrived while the disk was full was never
//! stored and never read again, and the status bar said "Connected". When a write of the desk's
//! own copy fails because the disk is full, the desk says so (the status bar's storage line,
//! [`DeskEvent::Storage`]), every round of the sync worker tries a small write, and once one
//! goes through, everything is read from the server again and each part that could not keep
//! what it read (the guest chat's threads) reads it again ([`DeskEvent::Storage`] with no
//! `full_since` tells them).
//!
//! Not for: the network's state (the link's) or the outbox (what was saved before the disk
//! filled is kept; what cannot be saved is refused at once with the store's error).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{lock, SyncShared};
use crate::engine::store::StoreError;
use crate::events::DeskEvent;

/// How often a full disk is checked for room (a local write, nothing asked of the server).
const ROOM_CHECK: Duration = Duration::from_secs(2);

/// Since when writes of the desk's own copy fail for a full disk (`None`: they do not).
#[derive(Default)]
pub(super) struct Storage {
    full_since: Mutex<Option<chrono::DateTime<chrono::Utc>>>,
    /// Held while room is checked: the worker and the watch never both say the disk has room.
    checking: Mutex<()>,
}

impl SyncShared {
    /// A write of the desk's copy failed with `err`: returns whether it is a full disk, which
    /// is then said (once, from when it began) and checked every [`ROOM_CHECK`] until a write
    /// goes through.
    pub(crate) fn storage_failed(self: &Arc<Self>, err: &StoreError) -> bool {
        if !err.is_disk_full() {
            return false;
        }
        let began = {
            let mut full = lock(&self.storage.full_since);
            if full.is_some() {
                None
            } else {
                let now = chrono::Utc::now();
                *full = Some(now);
                Some(now)
            }
        };
        if let Some(since) = began {
            tracing::error!(error = %err, "the disk is full: what arrives cannot be kept on this computer until there is room");
            self.emit(DeskEvent::Storage {
                full_since: Some(since.to_rfc3339()),
            });
            self.watch_for_room();
        }
        true
    }

    /// Checks for room every [`ROOM_CHECK`] until there is (the engine stops with the desk).
    fn watch_for_room(self: &Arc<Self>) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return; // no runtime: the sync worker's rounds check it
        };
        let weak = Arc::downgrade(self);
        runtime.spawn(async move {
            loop {
                tokio::time::sleep(ROOM_CHECK).await;
                let Some(shared) = weak.upgrade() else {
                    return;
                };
                if shared.plan().stopped || shared.check_storage() {
                    return;
                }
            }
        });
    }

    /// Since when the disk has been full (RFC 3339), while it is.
    pub(crate) fn storage_full_since(&self) -> Option<String> {
        lock(&self.storage.full_since).map(|since| since.to_rfc3339())
    }

    /// While the disk is full, whether a small write goes through now; when it does, the
    /// storage line clears and everything is read again (what could not be kept is read
    /// again by the part that lost it). Returns whether the desk can write.
    pub(super) fn check_storage(&self) -> bool {
        let _one_at_a_time = lock(&self.storage.checking);
        if lock(&self.storage.full_since).is_none() {
            return true;
        }
        match self.store.probe_write() {
            Ok(()) => {
                *lock(&self.storage.full_since) = None;
                tracing::info!("the disk has room again; reading what could not be kept");
                self.emit(DeskEvent::Storage { full_since: None });
                self.request_reconcile(true);
                true
            }
            Err(err) => {
                if !err.is_disk_full() {
                    tracing::warn!(error = %err, "the desk's database cannot be written");
                }
                false
            }
        }
    }
}
