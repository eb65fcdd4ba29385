//! The offline-first sync engine, generic over resources (API.md Decision 7: events are hints,
//! REST is the truth):
//!
//! - **pull** reconciles a resource with the server (every page);
//! - **push** replays the outbox in order, merging offline edits field by field;
//! - **live** applies well-formed Pusher payloads at once, then asks for a debounced reconcile;
//!   every (re)subscription reconciles everything, so nothing is lost while the socket was down.
//!
//! One worker task owns all sync traffic, so a reconcile never races an edit being sent.
//! Adding a resource means describing it (`Resource`) and mapping its events in `live`.

pub mod live;
pub mod merge;
pub mod pull;
pub mod push;
pub mod view;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{broadcast, Notify};
use tokio::task::JoinHandle;

use crate::api::{ApiClient, ApiError, Progress, Resource, OFFERS};
use crate::desk::{ConnectionStatus, DeskEvent, OutboxSummary};
use crate::media::MediaCache;
use crate::store::{EntryState, Store};
pub use pull::SyncError;
use push::Replayed;

/// Every resource the engine keeps in sync.
pub const RESOURCES: &[Resource] = &[OFFERS];
/// How long after a hint the reconcile runs, so a burst of events costs one fetch.
pub const RECONCILE_DEBOUNCE: Duration = Duration::from_millis(400);
const RETRY_BASE: Duration = Duration::from_secs(1);
const RETRY_CAP: Duration = Duration::from_secs(30);
/// Changes this desk sent are recognised in live events for this long (no toast for them).
const OWN_CHANGE_MEMORY: Duration = Duration::from_secs(20);

/// What the worker shares with the live task and the desk.
pub struct SyncShared {
    pub client: ApiClient,
    pub store: Arc<Store>,
    pub media: MediaCache,
    pub slug: String,
    pub events: broadcast::Sender<DeskEvent>,
    wake: Notify,
    plan: Mutex<Plan>,
    own_changes: Mutex<HashMap<(&'static str, i64), Instant>>,
}

#[derive(Default)]
struct Plan {
    /// When the next reconcile of everything is due.
    reconcile_at: Option<Instant>,
    /// Failed attempts in a row (for the retry delay).
    failures: u32,
    offline_since: Option<String>,
    stopped: bool,
}

impl SyncShared {
    pub fn emit(&self, event: DeskEvent) {
        let _ = self.events.send(event);
    }

    fn plan(&self) -> std::sync::MutexGuard<'_, Plan> {
        self.plan
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Something to send: wake the worker.
    pub fn kick(&self) {
        self.wake.notify_one();
    }

    /// Reconcile everything soon (`now`: at once, e.g. after a reconnect).
    pub fn request_reconcile(&self, now: bool) {
        let due = Instant::now()
            + if now {
                Duration::ZERO
            } else {
                RECONCILE_DEBOUNCE
            };
        {
            let mut plan = self.plan();
            plan.reconcile_at = Some(plan.reconcile_at.map_or(due, |at| at.min(due)));
            if now {
                plan.failures = 0;
            }
        }
        self.wake.notify_one();
    }

    pub fn remember_own(&self, resource: &'static str, id: i64) {
        let mut own = self
            .own_changes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        own.retain(|_, at| at.elapsed() < OWN_CHANGE_MEMORY);
        own.insert((resource, id), Instant::now());
    }

    pub fn is_own(&self, resource: &str, id: i64) -> bool {
        let own = self
            .own_changes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        own.iter()
            .any(|((r, i), at)| *r == resource && *i == id && at.elapsed() < OWN_CHANGE_MEMORY)
    }

    /// Whether a row announced by the server is one this desk is creating right now: the
    /// server announces a new row before it answers the request that made it.
    pub fn is_own_create(&self, resource: &str, row: &crate::store::Row) -> bool {
        self.store
            .all_outbox()
            .unwrap_or_default()
            .iter()
            .any(|entry| {
                entry.resource == resource
                    && entry.op == crate::store::Op::Create
                    && entry.state == EntryState::Sending
                    && entry.fields.iter().all(|(k, v)| {
                        merge::same(row.get(k).unwrap_or(&serde_json::Value::Null), v)
                    })
            })
    }

    pub fn outbox_summary(&self) -> OutboxSummary {
        let counts = self.store.outbox_counts().unwrap_or_default();
        let count = |wanted: &[EntryState]| {
            counts
                .iter()
                .filter(|(state, _)| wanted.contains(state))
                .map(|(_, n)| n)
                .sum::<u32>()
        };
        OutboxSummary {
            pending: count(&[EntryState::Pending, EntryState::Sending]),
            conflicts: count(&[EntryState::Conflict]),
            rejected: count(&[EntryState::Rejected]),
        }
    }

    fn went_offline(&self, err: &ApiError) {
        let since = {
            let mut plan = self.plan();
            plan.failures += 1;
            plan.offline_since
                .get_or_insert_with(|| chrono::Utc::now().to_rfc3339())
                .clone()
        };
        self.emit(DeskEvent::Connection {
            status: ConnectionStatus::Offline {
                since,
                reason: err.to_string(),
                retry_in_seconds: None,
            },
        });
    }

    fn came_online(&self) {
        let was_offline = {
            let mut plan = self.plan();
            plan.failures = 0;
            plan.offline_since.take().is_some()
        };
        if was_offline {
            self.emit(DeskEvent::Connection {
                status: ConnectionStatus::Online,
            });
        }
    }

    pub fn offline_since(&self) -> Option<String> {
        self.plan().offline_since.clone()
    }
}

/// The running engine of one signed-in desk. Dropping it does not stop it: call `stop`.
pub struct SyncEngine {
    pub shared: Arc<SyncShared>,
    worker: JoinHandle<()>,
}

impl SyncEngine {
    pub fn start(
        client: ApiClient,
        store: Arc<Store>,
        media: MediaCache,
        slug: String,
        events: broadcast::Sender<DeskEvent>,
    ) -> Self {
        let shared = Arc::new(SyncShared {
            client,
            store,
            media,
            slug,
            events,
            wake: Notify::new(),
            plan: Mutex::new(Plan::default()),
            own_changes: Mutex::new(HashMap::new()),
        });
        let worker = tokio::spawn(run(shared.clone()));
        shared.request_reconcile(true);
        Self { shared, worker }
    }

    pub async fn stop(self) {
        self.shared.plan().stopped = true;
        self.shared.wake.notify_one();
        self.worker.abort();
        let _ = self.worker.await;
    }
}

async fn run(shared: Arc<SyncShared>) {
    loop {
        let (reconcile_at, failures, stopped) = {
            let plan = shared.plan();
            (plan.reconcile_at, plan.failures, plan.stopped)
        };
        if stopped {
            return;
        }
        let retry_wait = (failures > 0).then(|| retry_delay(failures));
        let wait = match (reconcile_at, retry_wait) {
            (Some(at), Some(retry)) => at.saturating_duration_since(Instant::now()).max(retry),
            (Some(at), None) => at.saturating_duration_since(Instant::now()),
            (None, Some(retry)) => retry,
            (None, None) => Duration::from_secs(3600),
        };
        if !wait.is_zero() {
            let _ = tokio::time::timeout(wait, shared.wake.notified()).await;
        }
        if shared.plan().stopped {
            return;
        }
        match drain(&shared).await {
            Ok(()) => {}
            Err(Stop::Offline) => continue,
            Err(Stop::SignedOut) => return,
        }
        let due = shared
            .plan()
            .reconcile_at
            .is_some_and(|at| at <= Instant::now());
        if due {
            shared.plan().reconcile_at = None;
            if let Err(stop) = reconcile_all(&shared).await {
                if matches!(stop, Stop::SignedOut) {
                    return;
                }
                shared.plan().reconcile_at.get_or_insert_with(Instant::now);
            }
        }
    }
}

enum Stop {
    Offline,
    SignedOut,
}

fn retry_delay(failures: u32) -> Duration {
    let exponent = failures.saturating_sub(1).min(6);
    (RETRY_BASE * 2u32.pow(exponent)).min(RETRY_CAP)
}

fn handle_error(shared: &SyncShared, err: SyncError) -> Stop {
    match err {
        SyncError::Api(ApiError::Unauthorized { message }) => {
            shared.emit(DeskEvent::SessionExpired {
                message: format!(
                    "The server no longer accepts your sign-in ({message}). Please sign in again."
                ),
            });
            Stop::SignedOut
        }
        SyncError::Api(api) => {
            tracing::info!(error = %api, "sync paused");
            shared.went_offline(&api);
            Stop::Offline
        }
        other => {
            tracing::warn!(error = %other, "sync step failed");
            shared.plan().failures += 1;
            Stop::Offline
        }
    }
}

/// Sends every sendable outbox entry, oldest first (per resource).
async fn drain(shared: &Arc<SyncShared>) -> Result<(), Stop> {
    for resource in RESOURCES.iter().copied() {
        let at = push::Replay {
            client: &shared.client,
            store: &shared.store,
            media: &shared.media,
            resource,
            slug: &shared.slug,
        };
        let progress = |id: i64| -> Progress {
            let shared = shared.clone();
            Arc::new(move |sent, total| {
                shared.emit(DeskEvent::UploadProgress {
                    resource: resource.name.into(),
                    id,
                    sent,
                    total,
                });
            })
        };
        let done = |entry: &crate::store::OutboxEntry, replayed: &Replayed| {
            shared.came_online();
            match replayed {
                Replayed::Sent { target, .. } => {
                    shared.remember_own(resource.name, *target);
                    if entry.target < 0 && *target > 0 {
                        shared.emit(DeskEvent::IdAssigned {
                            resource: resource.name.into(),
                            temp_id: entry.target,
                            id: *target,
                        });
                    }
                }
                Replayed::Conflict { target, .. } => {
                    tracing::info!(
                        resource = resource.name,
                        target,
                        "edit paused on a conflict"
                    )
                }
                Replayed::Rejected {
                    target, message, ..
                } => {
                    tracing::warn!(resource = resource.name, target, %message, "the server refused an edit")
                }
            }
            shared.emit(DeskEvent::ResourceChanged {
                resource: resource.name.into(),
            });
            shared.emit(DeskEvent::Outbox {
                summary: shared.outbox_summary(),
            });
        };
        push::replay_all(at, progress, done)
            .await
            .map_err(|e| handle_error(shared, e))?;
    }
    Ok(())
}

async fn reconcile_all(shared: &Arc<SyncShared>) -> Result<(), Stop> {
    for resource in RESOURCES {
        let changed = pull::reconcile(&shared.client, &shared.store, *resource, &shared.slug)
            .await
            .map_err(|e| handle_error(shared, e))?;
        shared.came_online();
        if changed {
            shared.emit(DeskEvent::ResourceChanged {
                resource: resource.name.into(),
            });
        }
    }
    shared.emit(DeskEvent::Outbox {
        summary: shared.outbox_summary(),
    });
    Ok(())
}
