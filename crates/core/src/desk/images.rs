//! Keeps the images the stored rows name on this desk, so the desk and the reception display
//! show every photo with no network (fetched after each change of the local data, in the
//! background, one at a time), and keeps the folder within its limit without removing any
//! image a row still names.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;

use super::DeskEvent;
use crate::engine::runner;
use crate::engine::store::Store;
use crate::engine::SyncShared;
use crate::events::ConnectionStatus;
use crate::features as resources;
use crate::media::shown::image_urls;
use crate::media::ShownImages;

/// A burst of changes (a reconcile, a colleague's edits) costs one pass.
const SETTLE: Duration = Duration::from_millis(500);

/// Keeping the photos is a lane of the runner ([`runner::run`]): a round (after the first) lets
/// a burst of changes settle, then fetches what is missing and trims the folder; the next round
/// starts when stored rows change again ([`SyncShared::rows_changed`]). As a lane it is part of
/// what the tests' `Desk::settled()` waits for. It asks nothing of a server that asked the desk
/// to wait, or while the desk is offline: it waits until then, or for the network's return.
struct PhotoKeeper {
    store: Arc<Store>,
    shown: ShownImages,
    sync: Arc<SyncShared>,
    /// The status the desk tells, for the network's return.
    status: broadcast::Receiver<DeskEvent>,
    first: bool,
}

impl runner::Lane for PhotoKeeper {
    const NAME: &'static str = "photo_keeper";

    async fn turn(&mut self) -> runner::Turn {
        if !std::mem::take(&mut self.first) {
            tokio::time::sleep(SETTLE).await;
        }
        if let Some(wait) = self.sync.asked_wait_left() {
            return runner::Turn::Failed { after: Some(wait) };
        }
        let may_ask = || {
            self.sync.asked_wait_left().is_none()
                && !matches!(
                    self.sync.connection_status(),
                    ConnectionStatus::Offline { .. }
                )
        };
        if !may_ask() {
            return runner::Turn::Failed { after: None };
        }
        match keep_once(&self.store, &self.shown, may_ask).await {
            // An image not kept (the server lost it) is tried at the next change.
            Kept::All => runner::Turn::Idle { after: None },
            Kept::Stopped => runner::Turn::Failed { after: None },
        }
    }

    async fn network_back(&mut self, failed: bool) {
        runner::status_says_back(&mut self.status, failed).await
    }
}

pub(crate) async fn keep_shown_images(
    store: Arc<Store>,
    shown: ShownImages,
    sync: Arc<SyncShared>,
) {
    let keeper = PhotoKeeper {
        store,
        shown,
        status: sync.events.subscribe(),
        sync: sync.clone(),
        first: true,
    };
    runner::run(keeper, &sync.rows_changed, &sync.activity).await;
}

/// How a round of keeping the photos ended.
enum Kept {
    /// Every image the rows name was tried (each kept, or left for the next change).
    All,
    /// The desk went offline or the server asked it to wait: the rest waits for that to end.
    Stopped,
}

async fn keep_once(store: &Store, shown: &ShownImages, may_ask: impl Fn() -> bool) -> Kept {
    let mut rows = Vec::new();
    for spec in resources::ALL {
        match store.records(spec.name()) {
            Ok(found) => rows.extend(found),
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the stored rows to keep their images");
                return Kept::All;
            }
        }
    }
    let urls = image_urls(&rows);
    let mut kept = Kept::All;
    for url in &urls {
        if shown.has(url) {
            continue;
        }
        if !may_ask() {
            kept = Kept::Stopped;
            break;
        }
        if let Err(err) = shown.original(url).await {
            // Offline, or the server lost it: tried again after the next change.
            tracing::debug!(error = %err, "an image was not kept yet");
        }
    }
    match shown.evict(&urls) {
        Ok(0) => {}
        Ok(removed) => tracing::info!(removed, "old images removed to stay within the limit"),
        Err(err) => tracing::warn!(error = %err, "cannot keep the image folder within its limit"),
    }
    kept
}
