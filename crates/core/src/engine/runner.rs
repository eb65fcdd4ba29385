//! What every queue's sender shares: the resource engine's outbox and the guest chat's replies
//! differ in their queues and rules (a reply appends and must never be sent twice), not in how
//! they run. Both
//! - class a failure the same way ([`crate::api::ErrorClass`], from
//!   [`crate::api::ApiError::class_of_write`]): transient waits and is retried, a refusal is kept
//!   for the person with the server's words, a refused sign-in stops everything;
//! - wait the same [`retry_delay`] after failures in a row;
//! - end that wait at once when new work comes or the network returns ([`wait_to_retry`]): the
//!   engine is the one that probes the network, and says so through the status it tells;
//! - tell an upload's progress the same way ([`upload_progress`]);
//! - run under [`super::supervise::supervised`], restarted if they panic.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{broadcast, Notify};

use crate::api::Progress;
use crate::events::{ConnectionStatus, DeskEvent, ResourceKind};

const RETRY_BASE: Duration = Duration::from_secs(1);
const RETRY_CAP: Duration = Duration::from_secs(30);

/// How long to wait before trying again after `failures` failures in a row: 1 s, doubling, at
/// most 30 s.
pub(crate) fn retry_delay(failures: u32) -> Duration {
    let exponent = failures.saturating_sub(1).min(6);
    (RETRY_BASE * 2u32.pow(exponent)).min(RETRY_CAP)
}

/// Waits until `wake` is notified (new work), or, after a failure (`retry`), until the delay
/// has passed or the network is back, whichever comes first. With no failure it waits for work
/// alone.
pub(crate) async fn wait_to_retry(
    wake: &Notify,
    retry: Option<Duration>,
    events: &mut broadcast::Receiver<DeskEvent>,
) {
    tokio::select! {
        () = wake.notified() => {}
        () = async {
            match retry {
                Some(delay) => tokio::time::sleep(delay).await,
                None => std::future::pending().await,
            }
        } => {}
        () = network_back(events), if retry.is_some() => {}
    }
}

/// Resolves when the status the desk tells stops saying "offline" (a request reached the
/// server), or when events were missed (then it may have).
async fn network_back(events: &mut broadcast::Receiver<DeskEvent>) {
    loop {
        match events.recv().await {
            Ok(DeskEvent::Connection { status }) => {
                if !matches!(
                    status,
                    ConnectionStatus::Offline { .. } | ConnectionStatus::Unknown
                ) {
                    return;
                }
            }
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => return,
            Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
        }
    }
}

/// The progress of one upload of row `id` of `resource` (`upload` names it to the screen), told
/// through `emit` as [`DeskEvent::UploadProgress`]. With `announce_start`, its first bytes are
/// also told as a change of the resource (the screen shows the upload as on its way).
pub(crate) fn upload_progress(
    emit: impl Fn(DeskEvent) + Send + Sync + 'static,
    resource: ResourceKind,
    id: i64,
    upload: i64,
    announce_start: bool,
) -> Progress {
    let started = AtomicBool::new(!announce_start);
    std::sync::Arc::new(move |sent, total| {
        if !started.swap(true, Ordering::Relaxed) {
            emit(DeskEvent::ResourceChanged { resource });
        }
        emit(DeskEvent::UploadProgress {
            resource,
            id,
            upload,
            sent,
            total,
        });
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_delay_doubles_from_a_second_to_half_a_minute() {
        let delays: Vec<u64> = (1..=8).map(|n| retry_delay(n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 30, 30, 30]);
    }

    #[test]
    fn an_uploads_first_bytes_are_told_once_when_asked() {
        let told = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = told.clone();
        let progress = upload_progress(
            move |event| sink.lock().unwrap().push(event),
            ResourceKind::Galleries,
            4,
            9,
            true,
        );
        progress(10, 100);
        progress(100, 100);
        let told = told.lock().unwrap();
        assert_eq!(told.len(), 3, "{told:?}");
        assert!(matches!(told[0], DeskEvent::ResourceChanged { .. }));
        assert!(matches!(
            told[2],
            DeskEvent::UploadProgress {
                upload: 9,
                sent: 100,
                ..
            }
        ));
    }

    #[tokio::test]
    async fn a_wait_after_a_failure_ends_when_the_network_is_back() {
        let (events, mut heard) = broadcast::channel(8);
        let wake = Notify::new();
        let wait = wait_to_retry(&wake, Some(Duration::from_secs(3600)), &mut heard);
        let back = async {
            events
                .send(DeskEvent::Connection {
                    status: ConnectionStatus::Offline {
                        since: "2026-11-24T08:00:00Z".into(),
                        cause: crate::events::OfflineCause::Network,
                        reason: "no network".into(),
                        retry_in_seconds: None,
                    },
                })
                .unwrap();
            events
                .send(DeskEvent::Connection {
                    status: ConnectionStatus::Online,
                })
                .unwrap();
        };
        tokio::time::timeout(Duration::from_secs(10), async { tokio::join!(wait, back) })
            .await
            .expect("the wait ended when the status said the server answers");
    }
}
