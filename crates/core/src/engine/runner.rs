//! The one runner of every queue's sender: the resource engine's outbox (changes, uploads,
//! photos for galleries) and the guest chat's (replies, files, edits, "read"). Each queue is a
//! [`Lane`]: it says how to do one round (send what is queued, then read what is due) and keeps
//! its own rules (a reply appends and must never be sent twice; a row's edits merge). The
//! runner does the rest, the same way for every lane:
//! - the loop, with its fault point for tests, run under [`super::supervise::supervised`]
//!   (restarted if it panics);
//! - the wait for the next round: new work ends it at once; after a failure, the backed-off
//!   delay ([`retry_delay`], or the wait the lane was told) or the network's return, whichever
//!   comes first ([`Lane::network_back`]);
//! - the count of failures in a row, for the backoff.
//!
//! Both lanes class a failure the same way ([`crate::api::ErrorClass`], from
//! [`crate::api::ApiError::class_of_write`]): transient waits and is retried, a refusal is kept
//! for the person with the server's words, a refused sign-in stops the lane. They tell an
//! upload's progress the same way ([`upload_progress`]).

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{broadcast, watch, Notify};

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

/// What one round of a lane came to, and so how the runner waits for the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Turn {
    /// Nothing failed: the next round starts when new work comes, or after `after` when set
    /// (a read that is due then).
    Idle {
        /// When the next round is due without new work.
        after: Option<Duration>,
    },
    /// Nothing failed, and work asked of the lane starts after `after`, a short wait on
    /// purpose (a read an event asked for, put off a moment so a burst of events costs one
    /// read): the next round starts then, or when new work comes. Unlike [`Turn::Idle`], the
    /// lane is not settled meanwhile: the read is about to be.
    Soon {
        /// When the asked work starts.
        after: Duration,
    },
    /// Something failed that may pass: the next round starts after `after` (when the lane
    /// knows its wait: the server asked for one, or its own plan) or else after the backoff
    /// of the failures in a row (a told wait does not count as one); or when the network is
    /// back; or when new work comes.
    Failed {
        /// The lane's own wait, if it has one.
        after: Option<Duration>,
    },
    /// The lane is done: the server refused the sign-in, or the desk stopped.
    Stopped,
}

/// One queue's sender, run by [`run`].
pub(crate) trait Lane: Send {
    /// Names the lane in logs and at its fault point (`sync`, `chat_sender`).
    const NAME: &'static str;

    /// One round: sends what is queued, then reads what is due.
    fn turn(&mut self) -> impl Future<Output = Turn> + Send;

    /// Resolves when the network may be back (the round after ends a failure's wait early).
    /// `failed`: whether the round before failed. Never resolving is fine.
    fn network_back(&mut self, failed: bool) -> impl Future<Output = ()> + Send;
}

/// What wakes a lane for new work. It counts each ask, so that [`Activity`] can tell a lane
/// that has done all that was asked of it from one about to start again.
#[derive(Default)]
pub(crate) struct Wake {
    notify: Notify,
    asked: Arc<AtomicU64>,
}

impl Wake {
    /// New work: the lane's next round starts now (or right after the one under way).
    pub(crate) fn notify_one(&self) {
        self.asked.fetch_add(1, Ordering::SeqCst);
        self.notify.notify_one();
    }
}

/// Where one lane is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// In a round, or about to start one.
    Busy,
    /// Between rounds, with nothing due now; the number is its wake's count of asks when the
    /// round before began (an ask since means it starts again).
    Waiting(u64),
    /// Done.
    Stopped,
}

/// Which lanes are between rounds with nothing asked of them and nothing due now. The desk is
/// settled when every lane is: nothing is being sent or read, and nothing is about to be,
/// until time passes (a retry, a timed read) or something new comes. A task that is not a lane
/// but asks lanes for work when something it waits for arrives (the chat's follower, when its
/// channel is confirmed) holds the desk unsettled while that is on its way ([`Self::hold`]).
/// What the live socket hears is not covered.
pub(crate) struct Activity {
    lanes: Mutex<HashMap<&'static str, (Phase, Arc<AtomicU64>)>>,
    /// Each holder's "nothing on its way", asked whenever settledness is.
    holders: Mutex<HashMap<&'static str, Holder>>,
    changed: watch::Sender<u64>,
}

/// Answers whether a task that is not a lane has nothing on its way.
type Holder = Box<dyn Fn() -> bool + Send + Sync>;

impl Default for Activity {
    fn default() -> Self {
        Self {
            lanes: Mutex::new(HashMap::new()),
            holders: Mutex::new(HashMap::new()),
            changed: watch::channel(0).0,
        }
    }
}

impl Activity {
    fn set(&self, lane: &'static str, phase: Phase, wake: &Wake) {
        self.lanes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(lane, (phase, wake.asked.clone()));
        self.touch();
    }

    /// `holder` (a task that is not a lane, by its name) answers, each time settledness is
    /// asked, whether it has nothing on its way; it replaces the holder of that name (a task
    /// restarted). The task calls [`Self::touch`] when its answer may have changed.
    pub(crate) fn hold(
        &self,
        holder: &'static str,
        idle: impl Fn() -> bool + Send + Sync + 'static,
    ) {
        self.holders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(holder, Box::new(idle));
        self.touch();
    }

    /// A holder's answer may have changed: whoever waits for the desk to settle asks again.
    pub(crate) fn touch(&self) {
        self.changed.send_modify(|generation| *generation += 1);
    }

    #[cfg(any(test, feature = "test-support"))]
    fn is_settled(&self) -> bool {
        let lanes_settled = self
            .lanes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .values()
            .all(|(phase, asked)| match phase {
                Phase::Busy => false,
                Phase::Waiting(seen) => asked.load(Ordering::SeqCst) == *seen,
                Phase::Stopped => true,
            });
        lanes_settled
            && self
                .holders
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .values()
                .all(|idle| idle())
    }

    /// Resolves when every lane is settled (at once if they are).
    #[cfg(any(test, feature = "test-support"))]
    pub(crate) async fn settled(&self) {
        let mut changes = self.changed.subscribe();
        loop {
            if self.is_settled() {
                return;
            }
            if changes.changed().await.is_err() {
                return;
            }
        }
    }
}

/// Runs `lane` until it stops: a round, then a wait that `wake` (new work) ends at once. Where
/// it is, is told to `activity`.
pub(crate) async fn run<L: Lane>(mut lane: L, wake: &Wake, activity: &Activity) {
    let mut failures = 0u32;
    loop {
        crate::engine::supervise::faults::point(L::NAME);
        activity.set(L::NAME, Phase::Busy, wake);
        let asked = wake.asked.load(Ordering::SeqCst);
        let turn = lane.turn().await;
        let phase = match turn {
            Turn::Idle { after } | Turn::Failed { after } if after == Some(Duration::ZERO) => {
                Phase::Busy
            }
            Turn::Soon { .. } => Phase::Busy,
            Turn::Stopped => Phase::Stopped,
            _ => Phase::Waiting(asked),
        };
        activity.set(L::NAME, phase, wake);
        let (after, failed) = match turn {
            Turn::Idle { after } => {
                failures = 0;
                (after, false)
            }
            Turn::Soon { after } => {
                failures = 0;
                (Some(after), false)
            }
            // A wait the lane was told (the server's) is not one more failure of its own.
            Turn::Failed { after: Some(after) } => (Some(after), true),
            Turn::Failed { after: None } => {
                failures = failures.saturating_add(1);
                (Some(retry_delay(failures)), true)
            }
            Turn::Stopped => return,
        };
        tracing::trace!(lane = L::NAME, ?after, failed, "waiting for the next round");
        tokio::select! {
            () = wake.notify.notified() => {}
            () = sleep_for(after) => {}
            () = lane.network_back(failed) => {}
        }
    }
}

async fn sleep_for(after: Option<Duration>) {
    match after {
        Some(delay) => tokio::time::sleep(delay).await,
        None => std::future::pending().await,
    }
}

/// For a lane that hears the network's return from the status the desk tells (the sync lane
/// is the one that probes, and says so in that status): resolves after a failed round when the
/// status stops saying "offline", or when events were missed; never after a round that did
/// not fail.
pub(crate) async fn status_says_back(events: &mut broadcast::Receiver<DeskEvent>, failed: bool) {
    if failed {
        network_back(events).await;
    } else {
        std::future::pending().await
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

    /// A lane that plays `script` and notes when (in the test's paused time) each round began;
    /// its network comes back when `back` is notified.
    struct Scripted {
        script: std::collections::VecDeque<Turn>,
        began: std::sync::Arc<std::sync::Mutex<Vec<Duration>>>,
        start: tokio::time::Instant,
        back: std::sync::Arc<Notify>,
    }

    impl Lane for Scripted {
        const NAME: &'static str = "scripted";

        async fn turn(&mut self) -> Turn {
            self.began.lock().unwrap().push(self.start.elapsed());
            self.script.pop_front().unwrap_or(Turn::Stopped)
        }

        async fn network_back(&mut self, failed: bool) {
            if failed {
                self.back.notified().await;
            } else {
                std::future::pending().await
            }
        }
    }

    fn scripted(script: &[Turn]) -> (Scripted, std::sync::Arc<std::sync::Mutex<Vec<Duration>>>) {
        let began = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let lane = Scripted {
            script: script.iter().copied().collect(),
            began: began.clone(),
            start: tokio::time::Instant::now(),
            back: std::sync::Arc::new(Notify::new()),
        };
        (lane, began)
    }

    fn seconds(began: &std::sync::Mutex<Vec<Duration>>) -> Vec<u64> {
        began
            .lock()
            .unwrap()
            .iter()
            .map(Duration::as_secs)
            .collect()
    }

    /// Three failures in a row wait 1, 2 and 4 s; a success resets the count, so the next
    /// failure waits 1 s again; a lane that stops ends the run.
    #[tokio::test(start_paused = true)]
    async fn failures_in_a_row_back_off_and_a_success_starts_over() {
        let failed = Turn::Failed { after: None };
        let (lane, began) = scripted(&[
            failed,
            failed,
            failed,
            Turn::Idle {
                after: Some(Duration::from_secs(10)),
            },
            failed,
        ]);
        run(lane, &Wake::default(), &Activity::default()).await;
        assert_eq!(seconds(&began), [0, 1, 3, 7, 17, 18]);
    }

    /// The server's asked wait is waited as told and grows no backoff of the lane's own.
    #[tokio::test(start_paused = true)]
    async fn a_told_wait_is_kept_and_is_not_one_more_failure() {
        let told = Turn::Failed {
            after: Some(Duration::from_secs(6)),
        };
        let (lane, began) = scripted(&[told, told, Turn::Failed { after: None }]);
        run(lane, &Wake::default(), &Activity::default()).await;
        assert_eq!(seconds(&began), [0, 6, 12, 13]);
    }

    /// New work ends an idle wait, and a failure's wait, at once.
    #[tokio::test(start_paused = true)]
    async fn new_work_starts_the_next_round_at_once() {
        let (lane, began) = scripted(&[
            Turn::Idle { after: None },
            Turn::Failed {
                after: Some(Duration::from_secs(3600)),
            },
        ]);
        let wake = Wake::default();
        let work = async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            wake.notify_one();
            tokio::time::sleep(Duration::from_secs(5)).await;
            wake.notify_one();
        };
        let activity = Activity::default();
        tokio::join!(run(lane, &wake, &activity), work);
        assert_eq!(seconds(&began), [0, 5, 10]);
    }

    /// After a failure, the network's return ends the wait; after a round that did not fail,
    /// it does not start one.
    #[tokio::test(start_paused = true)]
    async fn the_networks_return_ends_a_failures_wait_only() {
        let (lane, began) = scripted(&[
            Turn::Failed {
                after: Some(Duration::from_secs(3600)),
            },
            Turn::Idle {
                after: Some(Duration::from_secs(100)),
            },
        ]);
        let back = lane.back.clone();
        let network = async {
            tokio::time::sleep(Duration::from_secs(20)).await;
            back.notify_one();
            tokio::time::sleep(Duration::from_secs(20)).await;
            back.notify_one();
        };
        let wake = Wake::default();
        let activity = Activity::default();
        tokio::join!(run(lane, &wake, &activity), network);
        assert_eq!(seconds(&began), [0, 20, 120]);
    }

    /// The desk is settled when every lane waits with nothing asked of it: not during a round,
    /// not while new work waits for one, not when a round is due at once; and a lane that
    /// stopped holds nothing back.
    #[tokio::test(start_paused = true)]
    async fn settled_means_every_lane_waits_with_nothing_asked() {
        let activity = Activity::default();
        let (wake, other) = (Wake::default(), Wake::default());
        activity.set("a", Phase::Busy, &wake);
        activity.set("b", Phase::Waiting(0), &other);
        assert!(!activity.is_settled(), "a lane in a round");
        activity.set("a", Phase::Waiting(0), &wake);
        assert!(activity.is_settled());
        wake.notify_one();
        assert!(!activity.is_settled(), "new work asked of a waiting lane");
        activity.set("a", Phase::Stopped, &wake);
        assert!(activity.is_settled(), "a stopped lane");

        let (lane, began) = scripted(&[
            Turn::Idle {
                after: Some(Duration::ZERO),
            },
            Turn::Failed {
                after: Some(Duration::from_secs(30)),
            },
        ]);
        assert_eq!(
            rounds_until_settled(lane, &began).await,
            2,
            "settled after the failed round, not the due one"
        );
    }

    /// Runs `lane` until the desk it alone makes up is settled: how many rounds it had begun.
    async fn rounds_until_settled(
        lane: Scripted,
        began: &std::sync::Mutex<Vec<Duration>>,
    ) -> usize {
        let activity = Activity::default();
        let wake = Wake::default();
        let watch = async {
            activity.settled().await;
            began.lock().unwrap().len()
        };
        // The lane first, so that it has told where it is before the watch first looks (with
        // no lane at all, the desk is settled at once).
        tokio::select! {
            biased;
            () = run(lane, &wake, &activity) => panic!("the lane stopped before it settled"),
            rounds = watch => rounds,
        }
    }

    /// A read asked for and put off a moment (an event's debounce) is about to be: the desk
    /// settles after the round that made it, not while it waits.
    #[tokio::test(start_paused = true)]
    async fn a_read_due_in_a_moment_keeps_the_desk_unsettled() {
        let (lane, began) = scripted(&[
            Turn::Soon {
                after: Duration::from_millis(400),
            },
            Turn::Idle { after: None },
        ]);
        assert_eq!(
            rounds_until_settled(lane, &began).await,
            2,
            "settled after the put-off read, not before it"
        );
    }

    /// A task that is not a lane holds the desk unsettled while it says something is on its
    /// way, is asked again when it touches, and a restarted task's answer replaces its old one.
    #[tokio::test(start_paused = true)]
    async fn a_holder_keeps_the_desk_unsettled_until_its_work_is_asked() {
        let activity = Activity::default();
        let idle = Arc::new(AtomicBool::new(false));
        let answer = idle.clone();
        activity.hold("follower", move || answer.load(Ordering::SeqCst));
        assert!(!activity.is_settled(), "a holder with work on its way");
        let watch = activity.settled();
        let answered = async {
            tokio::task::yield_now().await;
            idle.store(true, Ordering::SeqCst);
            activity.touch();
        };
        tokio::time::timeout(Duration::from_secs(1), async {
            tokio::join!(watch, answered)
        })
        .await
        .expect("settled once the holder answered and touched");
        activity.hold("follower", || false);
        assert!(
            !activity.is_settled(),
            "the restarted holder's answer counts"
        );
        activity.hold("follower", || true);
        assert!(activity.is_settled());
    }

    #[tokio::test]
    async fn the_status_saying_online_is_the_networks_return() {
        let (events, mut heard) = broadcast::channel(8);
        let wait = status_says_back(&mut heard, true);
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
