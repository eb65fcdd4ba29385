//! The offline-first sync engine, generic over resources (API.md Decision 7: events are hints,
//! REST is the truth):
//!
//! - **pull** reconciles a resource with the server (every page);
//! - **push** replays the outbox in order, merging offline edits field by field;
//! - **live** applies well-formed Pusher payloads at once, then asks for a debounced reconcile;
//!   every (re)subscription reconciles everything, so nothing is lost while the socket was down.
//!
//! One worker task owns all sync traffic, so a reconcile never races an edit being sent.
//! The engine names no resource: each is described once ([`spec::ResourceSpec`]) in
//! `crate::features`, and the desk hands the list to [`SyncEngine::start`].
//!
//! ## Tuning
//! The replay sends updates of different rows four at a time (each row's own edits in order), and
//! reads the drain's merge bases with one read of the list while the socket is subscribed: the
//! list's read that is due anyway (a reconnect, the start, the poll) made just before the drain,
//! or else, from a distant server (one answering in 2 ms or more), a read of the list for them; a
//! row an event names after that read is read again on its own before its PATCH ([`heard`]), so a
//! colleague's change is still offered as a conflict. At the start and when the network is back,
//! the worker sends and reads nothing until the live socket has subscribed (5 s and 3 s at most),
//! so a reconnect reads each list once and its edits find their bases in that read. A change
//! queued while a list is being read again is sent first (the reread starts over after it, and
//! finishes first once it has been put off for 5 s); a new order's PATCHes go four at a time,
//! with updates that leave `sort_order` alone beside them, and while nothing answers, the worker
//! asks the server's root every 2 s between its backed-off retries, so a desk is back within
//! moments of the network; while the desk window is shown, it asks it too after a minute in
//! which nothing answered ([`probe`]). An image added to a gallery is an outbox entry of its own
//! (three are uploaded at a time); before one whose outcome is unknown is sent again, the gallery
//! is read and a new image with the same bytes means it arrived. A gallery's new image order is one entry sent as one `reorder_images` call. A list
//! read again asks at once for every page it filled last time. Galleries, room types and the
//! hotel's settings are not announced row by row, so what a reconcile finds changed (and this desk
//! did not change) is told as a colleague's change (`toasts_from_reconcile`). Every failure has a
//! class (`api::ErrorClass`): transient (retried with backoff; a round in which something failed
//! keeps its delay whatever else answered), unavailable (a 403/404/405 or an unreadable answer on a
//! list: the area is marked in `SyncShared`, its queued changes wait, and it is asked again every 15
//! minutes on the quiet timer), refused (a write's 4xx: kept for the person with the server's
//! words), sign-in (401). Resources no event announces are read on their own timer, so an event's
//! reconcile reads only what the event named. A restore ("keep mine" on a row deleted elsewhere) is
//! a create of the whole remembered row whose target is the deleted id; the id map then marks the
//! new row as restored.

mod areas;
pub mod heard;
pub(crate) mod link;
pub mod live;
pub(crate) mod merge;
mod plan;
mod probe;
pub mod pull;
pub mod push;
mod replaced;
pub(crate) mod runner;
pub mod spec;
mod status;
mod storage;
pub mod store;
pub mod supervise;
pub mod view;
mod worker;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{broadcast, watch, Notify};
use tokio::task::JoinHandle;

use crate::api::{ApiClient, ApiError, Generation, Progress};
use crate::engine::store::{EntryState, Store};
use crate::events::{DeskEvent, OutboxSummary};
use crate::media::MediaCache;
use areas::Unavailable;
use link::{Link, Socket};
use plan::Plan;
pub use probe::ANSWER_STALE;
pub(crate) use pull::SyncError;
use push::Replayed;
use spec::Resources;

/// How long after a hint the reconcile runs, so a burst of events costs one fetch.
pub(crate) const RECONCILE_DEBOUNCE: Duration = Duration::from_millis(400);
/// With live updates on, the worker's first round waits for the channel's subscription (which
/// reconciles anyway) at most this long, so starting costs one fetch, not two, and the edits
/// queued before read their merge bases in one read of their list.
const SUBSCRIBE_GRACE: Duration = Duration::from_secs(5);
/// When the network is back after nothing answered, the worker waits this long at most for the
/// live socket to subscribe again before it sends or reads: the reconnect then reads each list
/// once, not again when the subscription comes a moment later, and the edits made meanwhile
/// take their merge bases from that read instead of a read of each row (issue 63.14). A socket
/// that does not come back (its server down) costs its outage this wait once.
const RESUBSCRIBE_GRACE: Duration = Duration::from_secs(3);
/// Without live updates, colleagues' changes are fetched this often.
pub const POLL_INTERVAL: Duration = Duration::from_secs(60);
/// With live updates, what no event announces (galleries, room types, the conversation list)
/// is read again this often, and at once when the person opens the screen that shows it
/// ([`SyncShared::looking_at`]): a hotel's twenty desks idle cost its server about a request a
/// minute each, not eight (issue 35.8).
pub const QUIET_INTERVAL: Duration = Duration::from_secs(10 * 60);
/// While the network is down, how often the worker checks (one bare request, no data) whether
/// the server answers again, so the desk is back within this of the network's return whatever
/// its retry delay has grown to.
pub(crate) const NETWORK_PROBE: Duration = Duration::from_secs(2);
/// An area this server or account does not offer (a 403, 404 or 405 on its list) is asked
/// again this often, besides at every sign-in: a desk never floods a server that says no.
pub(crate) const UNAVAILABLE_RECHECK: Duration = Duration::from_secs(15 * 60);
/// Changes this desk sent are recognised in live events for this long (no toast for them).
const OWN_CHANGE_MEMORY: Duration = Duration::from_secs(20);

/// What the worker shares with the live task and the desk.
pub(crate) struct SyncShared {
    pub client: ApiClient,
    pub store: Arc<Store>,
    pub media: MediaCache,
    pub slug: String,
    pub events: broadcast::Sender<DeskEvent>,
    /// What the engine keeps in sync (it names no resource itself).
    pub resources: Resources,
    /// How often everything is read without live updates ([`POLL_INTERVAL`] but in tests).
    poll: Duration,
    /// How often what no event announces is read with live updates ([`QUIET_INTERVAL`] but in
    /// tests).
    quiet: Duration,
    wake: runner::Wake,
    /// Asked each time stored rows change (each [`DeskEvent::ResourceChanged`] told): work
    /// that follows the rows, as keeping their photos does, is a lane woken by it, so that
    /// [`runner::Activity`] counts the change as asked of it the moment it is told.
    pub(crate) rows_changed: runner::Wake,
    /// Where the runner's lanes are (the sync worker's and the features').
    pub activity: runner::Activity,
    /// Told of each queued change, so a reconcile under way gives way to sending it.
    fresh: Notify,
    plan: Mutex<Plan>,
    link: Mutex<Link>,
    /// The live socket, retried at once when a request shows the network is back.
    socket: Mutex<Option<pusher_channels::Client>>,
    /// Set (once) when the server refuses the token; the desk signs out on it.
    expired: watch::Sender<Option<String>>,
    /// Whether the desk is asking the server whether it was upgraded (`areas.rs`): several
    /// areas found missing at once ask once.
    asking_upgrade: std::sync::atomic::AtomicBool,
    /// Rows this desk changed on the server lately: their events are not colleagues' news.
    own_changes: Recent,
    /// What this desk's updates wrote lately, to find one a colleague's replaced (issue 35.1).
    own_writes: replaced::OwnWrites,
    /// Rows this desk is deleting or deleted on the server lately: a copy of them elsewhere (a
    /// gallery's list of its images) may still show them until it is read again.
    own_deletes: Recent,
    /// What the live socket heard, so the replay may read merge bases in bulk.
    pub heard: heard::HeardLog,
    /// The areas this server or account does not offer, and when each is asked again.
    unavailable: Mutex<HashMap<&'static str, Unavailable>>,
    /// How often an unavailable area is asked again ([`UNAVAILABLE_RECHECK`] but in tests).
    recheck: Duration,
    /// How long the server may be silent before the shown status may no longer say
    /// "Connected" of it ([`ANSWER_STALE`] but in tests).
    stale: Duration,
    /// Whether the desk window is shown (the shell says, every second): while it is not,
    /// nothing is asked of the server only to keep the status bar honest.
    shown: watch::Sender<bool>,
    /// Told when what the probes watch for changed (the window shown or hidden, the live
    /// socket lost), so they look again at once.
    link_news: Notify,
    /// Channels besides the hotel's whose (re)subscription asks for a read (the chat's own),
    /// by who follows them: the worker's wait for the live socket waits for them too.
    followed: Mutex<HashMap<&'static str, watch::Receiver<pusher_channels::SubscriptionState>>>,
    /// The kinds of change this server refused this account (a 403 or 405 on a write), in
    /// words: learned once, never sent again until the desk starts again (issue 35.9).
    refused_kinds: Mutex<HashMap<(&'static str, crate::engine::store::Op), String>>,
    /// Whether the disk is full (issue 63.9).
    storage: storage::Storage,
}

/// Rows (resource and id) this desk touched in the last [`OWN_CHANGE_MEMORY`].
#[derive(Default)]
struct Recent(Mutex<HashMap<(&'static str, i64), Instant>>);

impl Recent {
    fn note(&self, resource: &'static str, id: i64) {
        let mut rows = lock(&self.0);
        rows.retain(|_, at| at.elapsed() < OWN_CHANGE_MEMORY);
        rows.insert((resource, id), Instant::now());
    }

    fn forget(&self, resource: &'static str, id: i64) {
        lock(&self.0).remove(&(resource, id));
    }

    fn holds(&self, resource: &str, id: i64) -> bool {
        lock(&self.0)
            .iter()
            .any(|((r, i), at)| *r == resource && *i == id && at.elapsed() < OWN_CHANGE_MEMORY)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SyncShared {
    /// Tells the windows (none listening is fine); a changed resource is followed by each view
    /// its description says it feeds.
    pub(crate) fn emit(&self, event: DeskEvent) {
        let (views, rows) = match &event {
            DeskEvent::ResourceChanged { resource } => (
                spec::spec_of(self.resources, *resource).map_or(&[][..], |spec| spec.views),
                true,
            ),
            _ => (&[][..], false),
        };
        let _ = self.events.send(event);
        for view in views {
            let _ = self.events.send(DeskEvent::ViewChanged { view: *view });
        }
        if rows {
            self.rows_changed.notify_one();
        }
    }

    fn plan(&self) -> std::sync::MutexGuard<'_, Plan> {
        lock(&self.plan)
    }

    /// Something to send: wake the worker (a reconcile under way is put off until it is sent).
    pub(crate) fn kick(&self) {
        self.wake.notify_one();
        self.fresh.notify_waiters();
    }

    /// The row `id` as an event or a read shows it: when it contradicts what this desk wrote
    /// there a moment ago, the worker reads it again (see [`replaced`]).
    pub(crate) fn saw_row(
        &self,
        resource: &'static str,
        id: i64,
        seen: &crate::engine::store::Row,
    ) {
        if self.own_writes.saw((resource, id), seen) {
            self.wake.notify_one();
        }
    }

    pub(crate) fn remember_own(&self, resource: &'static str, id: i64) {
        self.own_changes.note(resource, id);
    }

    /// A change of row `id` of `spec` also changes the rows of `spec.also_changes` that list it
    /// among their children (a gallery image's gallery): those changes are this desk's own too.
    fn remember_own_parents(&self, spec: &spec::ResourceSpec, id: i64) {
        for parent in spec.also_changes {
            let Some(children) = spec::spec_named(self.resources, parent).and_then(|p| p.children)
            else {
                continue;
            };
            let rows = match self.store.records(parent) {
                Ok(rows) => rows,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot read the stored rows to mark an own change");
                    continue;
                }
            };
            let lists = |row: &crate::engine::store::Row| {
                row.get(children.list_key)
                    .and_then(serde_json::Value::as_array)
                    .is_some_and(|nested| {
                        nested
                            .iter()
                            .any(|i| i.get("id").and_then(serde_json::Value::as_i64) == Some(id))
                    })
            };
            for row in rows.iter().filter(|row| lists(row)) {
                if let Some(parent_id) = row.get("id").and_then(serde_json::Value::as_i64) {
                    self.remember_own(parent, parent_id);
                }
            }
        }
    }

    /// Whether this desk deleted row `id` on the server in the last moments.
    pub(crate) fn deleted_here(&self, resource: &str, id: i64) -> bool {
        self.own_deletes.holds(resource, id)
    }

    pub(crate) fn is_own(&self, resource: &str, id: i64) -> bool {
        self.own_changes.holds(resource, id)
    }

    /// Whether a row the server announces as new was created by this desk and its answer is
    /// already stored: the announcement can be read just after the create left the outbox and
    /// before the replay noted the row as this desk's own.
    pub(crate) fn created_here(&self, resource: &str, row: &crate::engine::store::Row) -> bool {
        let Some(id) = crate::engine::store::records::row_id(row) else {
            return false;
        };
        self.store.created_here(resource, id).unwrap_or_else(|err| {
            tracing::warn!(error = %err, "cannot read which rows this desk created");
            false
        })
    }

    /// Whether a row announced by the server is one this desk is creating right now: the
    /// server announces a new row before it answers the request that made it.
    pub(crate) fn is_own_create(&self, resource: &str, row: &crate::engine::store::Row) -> bool {
        let sending = match self.store.sending_creates(resource) {
            Ok(entries) => entries,
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the outbox to recognise an own create");
                return false;
            }
        };
        sending.iter().any(|entry| {
            entry
                .fields
                .iter()
                .all(|(k, v)| merge::same(row.get(k).unwrap_or(&serde_json::Value::Null), v))
        })
    }

    pub(crate) fn outbox_summary(&self) -> OutboxSummary {
        let counts = match self.store.outbox_counts() {
            Ok(counts) => counts,
            Err(err) => {
                tracing::warn!(error = %err, "cannot count the outbox");
                Vec::new()
            }
        };
        let count = |wanted: &[EntryState]| {
            counts
                .iter()
                .filter(|(state, _)| wanted.contains(state))
                .map(|(_, n)| n)
                .sum::<u32>()
        };
        // What the features queue themselves (replies and files for guests) waits too: every
        // "waiting" count includes it.
        let (local_waiting, local_refused) = self.store.local_waiting().unwrap_or_else(|err| {
            tracing::warn!(error = %err, "cannot count the features' own queues");
            (0, 0)
        });
        // Held edits are counted from the entries themselves, read only while some change
        // waits for a decision (reading every entry on every change would cost a long queue).
        let held = if count(&[EntryState::Conflict, EntryState::Rejected]) == 0 {
            0
        } else {
            match self.store.all_outbox() {
                Ok(entries) => push::held_for_a_decision(&entries),
                Err(err) => {
                    tracing::warn!(error = %err, "cannot read the outbox to count held edits");
                    0
                }
            }
        };
        OutboxSummary {
            pending: count(&[EntryState::Pending, EntryState::Sending]) + local_waiting,
            held,
            conflicts: count(&[EntryState::Conflict]),
            rejected: count(&[EntryState::Rejected]) + local_refused,
        }
    }
}

/// The running engine of one signed-in desk. Dropping it does not stop it: call `stop`.
pub(crate) struct SyncEngine {
    pub shared: Arc<SyncShared>,
    worker: JoinHandle<()>,
}

/// What the engine keeps in sync and how it starts.
pub(crate) struct Schedule {
    pub resources: Resources,
    /// Which HotelMate the server is: the resources its generation does not have at all
    /// ([`spec::ResourceSpec::absent`]) are never asked for, their queued changes kept waiting.
    pub generation: Generation,
    /// What the person may do, where the server says: the resources whose reads need a
    /// capability they lack ([`spec::ResourceSpec::read_needs`]) are never asked for.
    pub capabilities: Option<Vec<String>>,
    /// The live socket as it is at the start (`Connecting` when live updates are configured).
    pub socket: Socket,
    /// How often everything is read without live updates.
    pub poll: Duration,
    /// How often what no event announces is read with live updates.
    pub quiet: Duration,
    /// How often an area the server refused is asked again ([`UNAVAILABLE_RECHECK`]).
    pub recheck: Duration,
    /// How long the server may be silent while the desk window is shown before it is asked
    /// whether it answers ([`ANSWER_STALE`]).
    pub stale: Duration,
    /// Whether the desk window is shown at the start.
    pub shown: bool,
}

/// The areas `generation` of HotelMate does not have at all, in words: never asked for.
fn absent_areas(
    resources: Resources,
    generation: Generation,
    capabilities: Option<&[String]>,
) -> HashMap<&'static str, Unavailable> {
    resources
        .iter()
        .filter_map(|spec| {
            let lacked = spec.read_needs.filter(|(needed, _)| {
                !capabilities.is_some_and(|held| held.iter().any(|c| c == needed))
            });
            let why = match spec.absent.iter().find(|(g, _)| *g == generation) {
                Some((_, why)) => *why,
                None => lacked?.1,
            };
            let area = Unavailable {
                kind: spec.kind,
                message: format!("{why} Everything else keeps working."),
                check_at: None,
            };
            Some((spec.name(), area))
        })
        .collect()
}

impl SyncEngine {
    /// Starts the worker: with live updates (`socket` is `Connecting`) its first round, which
    /// sends the queued edits and reads everything, waits for the channel's subscription at
    /// most [`SUBSCRIBE_GRACE`]; without, it begins at once.
    pub(crate) fn start(
        client: ApiClient,
        store: Arc<Store>,
        media: MediaCache,
        slug: String,
        events: broadcast::Sender<DeskEvent>,
        schedule: Schedule,
    ) -> Self {
        let Schedule {
            resources,
            generation,
            capabilities,
            socket,
            poll,
            quiet,
            recheck,
            stale,
            shown,
        } = schedule;
        let first_reconcile = if socket == Socket::Connecting {
            SUBSCRIBE_GRACE
        } else {
            Duration::ZERO
        };
        let plan = Plan {
            awaits_live_until: (socket == Socket::Connecting)
                .then(|| Instant::now() + SUBSCRIBE_GRACE),
            ..Plan::default()
        };
        let (expired, _) = watch::channel(None);
        // What this desk wrote before it last stopped and has not read back (issue 65 item 6).
        let own_writes = replaced::OwnWrites::restored(&store, resources);
        let shared = Arc::new(SyncShared {
            client,
            store,
            media,
            slug,
            events,
            resources,
            poll,
            quiet,
            wake: runner::Wake::default(),
            rows_changed: runner::Wake::default(),
            activity: runner::Activity::default(),
            fresh: Notify::new(),
            plan: Mutex::new(plan),
            link: Mutex::new(Link::new(socket)),
            socket: Mutex::new(None),
            expired,
            own_changes: Recent::default(),
            own_writes,
            own_deletes: Recent::default(),
            asking_upgrade: std::sync::atomic::AtomicBool::new(false),
            heard: heard::HeardLog::default(),
            unavailable: Mutex::new(absent_areas(resources, generation, capabilities.as_deref())),
            recheck,
            stale,
            shown: watch::channel(shown).0,
            link_news: Notify::new(),
            followed: Mutex::new(HashMap::new()),
            refused_kinds: Mutex::new(HashMap::new()),
            storage: storage::Storage::default(),
        });
        let worker = {
            let shared = shared.clone();
            crate::engine::supervise::supervised(
                "sending changes and reading the server",
                shared.events.clone(),
                move || worker::run(shared.clone()),
            )
        };
        shared.reconcile_within(first_reconcile);
        shared.kick();
        Self { shared, worker }
    }

    pub(crate) async fn stop(self) {
        self.shared.plan().stopped = true;
        self.shared.wake.notify_one();
        self.worker.abort();
        let _ = self.worker.await;
    }
}
