//! Keeps the images the stored rows name on this desk, so the desk and the reception display
//! show every photo with no network (fetched after each change of the local data, in the
//! background, one at a time), and keeps the folder within its limit without removing any
//! image a row still names.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;

use super::DeskEvent;
use crate::engine::store::Store;
use crate::features as resources;
use crate::media::shown::image_urls;
use crate::media::ShownImages;

/// A burst of changes (a reconcile, a colleague's edits) costs one pass.
const SETTLE: Duration = Duration::from_millis(500);

pub(crate) async fn keep_shown_images(
    store: Arc<Store>,
    shown: ShownImages,
    mut events: broadcast::Receiver<DeskEvent>,
) {
    loop {
        keep_once(&store, &shown).await;
        // Wait for the next change of local data, then let a burst settle.
        loop {
            match events.recv().await {
                Ok(DeskEvent::ResourceChanged { .. }) => break,
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => break,
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
        tokio::time::sleep(SETTLE).await;
        while events.try_recv().is_ok() {}
    }
}

async fn keep_once(store: &Store, shown: &ShownImages) {
    let mut rows = Vec::new();
    for spec in resources::ALL {
        match store.records(spec.name()) {
            Ok(found) => rows.extend(found),
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the stored rows to keep their images");
                return;
            }
        }
    }
    let urls = image_urls(&rows);
    for url in &urls {
        if shown.has(url) {
            continue;
        }
        if let Err(err) = shown.get(url).await {
            // Offline, or the server lost it: tried again after the next change.
            tracing::debug!(error = %err, "an image was not kept yet");
        }
    }
    match shown.evict(&urls) {
        Ok(0) => {}
        Ok(removed) => tracing::info!(removed, "old images removed to stay within the limit"),
        Err(err) => tracing::warn!(error = %err, "cannot keep the image folder within its limit"),
    }
}
