//! The sync worker: one loop that sends every queued change (`drain`), then reads what is due
//! (`reconcile_all`), waits for the next due time or the network's return, and classifies each
//! failure (transient: retry with backoff; unavailable: said, checked rarely; refused: kept for
//! the person). Moved out of `engine/mod.rs`, which keeps what the worker shares with the live
//! task and the desk ([`SyncShared`]).

use super::*;
use plan::Watch;

/// A reconcile gives way to fresh changes until it has been put off this long, then finishes
/// first (a desk saving without pause still sees its colleagues' changes).
const RECONCILE_PUT_OFF: Duration = Duration::from_secs(5);

/// The sync worker's lane of the runner ([`runner`]): a round sends the outbox, then reads
/// what is due; it plans its own waits (its reads' timers, and the backoff of the
/// [`super::plan::Plan`] that live updates and the chat's failures feed too), and it is the
/// lane that probes for the network's return.
pub(super) struct SyncLane {
    shared: Arc<SyncShared>,
    /// Since when reconciles have been giving way to fresh changes.
    put_off_since: Option<Instant>,
    /// Whether the last send failed: changes wait in the outbox for the retry, not for the
    /// next read (with live updates, that may be ten minutes away).
    unsent: bool,
    /// When the network is probed next, while it may be gone: every [`NETWORK_PROBE`] of
    /// waiting, however the waits between rounds are cut.
    probe_at: tokio::time::Instant,
}

impl runner::Lane for SyncLane {
    const NAME: &'static str = "sync";

    async fn turn(&mut self) -> runner::Turn {
        let shared = &self.shared;
        let watch = {
            let mut plan = shared.plan();
            if plan.stopped {
                return runner::Turn::Stopped;
            }
            plan.round += 1;
            plan.watch
        };
        // Nothing answered last: the server's root is asked first, so the network's return is
        // found one way (the live socket awaited, then everything read once), not by whichever
        // request of this round gets through first. (After the socket alone dropped, the round
        // goes on: its requests may well be answered, and only a probe ends that watch.)
        if watch == Watch::Unreachable && !super::probe::probe_round(shared).await {
            return self.next();
        }
        if let Some(left) = shared.awaiting_live() {
            // The live socket is about to subscribe (which reads everything): nothing is sent
            // or read before, so the reconnect reads each list once and the edits' merge bases
            // come from that read.
            return runner::Turn::Soon { after: left };
        }
        if !shared.check_storage() {
            // Nothing read could be kept: tried again at the next round, with its backoff.
            shared.plan().round_failed();
            return self.next();
        }
        match drain(shared).await {
            Ok(()) => {
                self.unsent = false;
                if let Err(err) = super::replaced::confirm(shared).await {
                    match handle_error(shared, SyncError::Api(err)) {
                        Stop::Offline => return self.next(),
                        Stop::SignedOut => return runner::Turn::Stopped,
                    }
                }
            }
            Err(Stop::Offline) => {
                self.unsent = true;
                return self.next();
            }
            Err(Stop::SignedOut) => return runner::Turn::Stopped,
        }
        shared.take_quiet_round();
        shared.take_shown_refresh();
        if let Err(Stop::SignedOut) = reconcile_if_due(shared, &mut self.put_off_since).await {
            return runner::Turn::Stopped;
        }
        self.next()
    }

    async fn network_back(&mut self, _failed: bool) {
        super::probe::until_back(&self.shared, &mut self.probe_at).await;
    }
}

impl SyncLane {
    /// The next round: when a read is due, or the retry of what failed to send.
    fn next(&self) -> runner::Turn {
        let (reconcile_at, retry_at, stopped) = {
            let plan = self.shared.plan();
            let next = [
                plan.reconcile_at,
                plan.quiet_at,
                plan.shown_refresh_at,
                self.shared.own_writes.next_follow_up(),
            ]
            .into_iter()
            .flatten()
            .min();
            (next, plan.retry_at, plan.stopped)
        };
        if stopped {
            return runner::Turn::Stopped;
        }
        let after = next_wake(Instant::now(), reconcile_at, retry_at, self.unsent)
            .unwrap_or(self.shared.poll);
        if self.unsent {
            runner::Turn::Failed { after: Some(after) }
        } else if after <= super::RECONCILE_DEBOUNCE {
            // A read an event (or the person) asked for, put off a moment: about to be.
            runner::Turn::Soon { after }
        } else {
            runner::Turn::Idle { after: Some(after) }
        }
    }
}

pub(super) async fn run(shared: Arc<SyncShared>) {
    let lane = SyncLane {
        shared: shared.clone(),
        put_off_since: None,
        unsent: false,
        probe_at: tokio::time::Instant::now() + NETWORK_PROBE,
    };
    runner::run(lane, &shared.wake, &shared.activity).await;
}

/// Reads what is due, unless a change queued meanwhile goes first (then the read is put off,
/// for at most [`RECONCILE_PUT_OFF`]). `Err` only when the token was refused.
async fn reconcile_if_due(
    shared: &Arc<SyncShared>,
    put_off_since: &mut Option<Instant>,
) -> Result<(), Stop> {
    let due = {
        let plan = shared.plan();
        let now = Instant::now();
        plan.reconcile_at.is_some_and(|at| at <= now) && plan.retry_at.is_none_or(|at| at <= now)
    };
    if !due {
        return Ok(());
    }
    let which = {
        let mut plan = shared.plan();
        plan.reconcile_at = None;
        let stale = std::mem::take(&mut plan.stale);
        if std::mem::take(&mut plan.everything) {
            None
        } else {
            Some(stale)
        }
    };
    // A change queued meanwhile is sent first: the reconcile is dropped (between its reads;
    // each resource's rows are stored in one transaction) and run again after.
    let fresh = shared.fresh.notified();
    let may_yield = put_off_since.is_none_or(|since| since.elapsed() < RECONCILE_PUT_OFF);
    let outcome = tokio::select! {
        outcome = reconcile_all(shared, which.as_ref()) => Some(outcome),
        () = fresh, if may_yield => None,
    };
    shared.plan().reading.clear();
    let Some(outcome) = outcome else {
        put_off_since.get_or_insert_with(Instant::now);
        let mut plan = shared.plan();
        match which {
            None => plan.everything = true,
            Some(names) => plan.stale.extend(names),
        }
        plan.reconcile_at = Some(Instant::now());
        return Ok(());
    };
    *put_off_since = None;
    match outcome {
        Ok(()) => {
            if lock(&shared.link).is_live() {
                shared.poll_unannounced();
            } else {
                shared.reconcile_within(shared.poll);
            }
        }
        Err(Stop::SignedOut) => return Err(Stop::SignedOut),
        Err(Stop::Offline) => {
            // What failed was marked stale (a failing area alone is read again, not
            // everything); the network's return rereads everything anyway.
            shared.plan().reconcile_at.get_or_insert_with(Instant::now);
        }
    }
    Ok(())
}

/// How long the worker sleeps: until the next read is due (never before a failed round's
/// delay has passed) or, when changes failed to send (`unsent`), until that delay is over;
/// `None` when nothing is due (it waits for work or the poll).
fn next_wake(
    now: Instant,
    reconcile_at: Option<Instant>,
    retry_at: Option<Instant>,
    unsent: bool,
) -> Option<Duration> {
    // A delay that has passed no longer holds anything back.
    let retry_at = retry_at.filter(|at| *at > now);
    let read = reconcile_at.map(|at| retry_at.map_or(at, |retry| at.max(retry)));
    let send = unsent.then(|| retry_at.unwrap_or(now));
    [read, send]
        .into_iter()
        .flatten()
        .min()
        .map(|at| at.saturating_duration_since(now))
}

enum Stop {
    Offline,
    SignedOut,
}

fn handle_error(shared: &Arc<SyncShared>, err: SyncError) -> Stop {
    match err {
        SyncError::Api(ApiError::Unauthorized { message }) => {
            tracing::warn!(%message, "the server refused the token");
            shared.report_unauthorized(message);
            Stop::SignedOut
        }
        SyncError::Api(api) => {
            tracing::info!(error = %api, "sync paused");
            if api.is_transient() {
                shared.went_offline(&api);
            } else {
                // A write's refusal that reached here (a merge base's read refused, say): the
                // server answered, so the link is fine; the entry waits and is tried again
                // with backoff, never in a loop.
                shared.went_astray(&api);
            }
            Stop::Offline
        }
        SyncError::Malformed { resource, detail } => {
            tracing::warn!(resource, %detail, "the server sent something the desk cannot read");
            shared.went_offline_because((
                crate::events::OfflineCause::ServerTrouble,
                format!("The hotel's server sent {resource} this desk cannot read; trying again."),
            ));
            Stop::Offline
        }
        SyncError::Store(err) if shared.storage_failed(&err) => {
            // Not the network: the status bar's storage line says it. Tried again each round,
            // with the backoff of failed rounds (issue 63.9).
            shared.plan().round_failed();
            Stop::Offline
        }
        SyncError::Store(err) => {
            tracing::error!(error = %err, "the desk's database failed during sync");
            shared.went_offline_because((
                crate::events::OfflineCause::ThisDesk,
                format!("This desk's database failed: {err}."),
            ));
            Stop::Offline
        }
    }
}

/// Sends every sendable outbox entry, oldest first (per resource). A resource that fails does
/// not hold back the others; a refused token stops everything.
async fn drain(shared: &Arc<SyncShared>) -> Result<(), Stop> {
    let mut outcome = Ok(());
    for spec in shared
        .resources
        .iter()
        .copied()
        .filter(|spec| !shared.is_unavailable(spec.name()))
    {
        let read_whole = match read_for_bases(shared, spec).await {
            Ok(mark) => mark,
            Err(Stop::SignedOut) => return Err(Stop::SignedOut),
            Err(Stop::Offline) => {
                outcome = Err(Stop::Offline);
                continue;
            }
        };
        let mark_own = |entry: &crate::engine::store::OutboxEntry| before_send(shared, spec, entry);
        let learned = |op| shared.learned_refusal(spec.name(), op);
        let at = push::Replay {
            client: &shared.client,
            store: &shared.store,
            media: &shared.media,
            resource: spec.api,
            slug: &shared.slug,
            before_send: Some(&mark_own),
            permanent: spec.permanent_failure,
            children: spec.children,
            field_images: spec.field_images,
            heard: Some(&shared.heard),
            read_whole,
            learned: Some(&learned),
        };
        let progress = |entry: &crate::engine::store::OutboxEntry| -> Progress {
            let shared = shared.clone();
            // Its first bytes: the upload is on its way (the screen shows it so).
            runner::upload_progress(
                move |event| shared.emit(event),
                spec.kind,
                entry.target.id(),
                entry.seq,
                true,
            )
        };
        let done = |entry: &crate::engine::store::OutboxEntry, replayed: &Replayed| {
            after_replayed(shared, spec, entry, replayed);
        };
        if let Err(err) = push::replay_all(at, progress, done).await {
            // An entry that was tried and waits again shows so (an upload's row says "waiting").
            shared.emit(DeskEvent::ResourceChanged {
                resource: spec.kind,
            });
            match handle_error(shared, err) {
                Stop::SignedOut => return Err(Stop::SignedOut),
                Stop::Offline => outcome = Err(Stop::Offline),
            }
        }
    }
    outcome
}

/// The changes a reconcile found that this desk did not make, as `RemoteChange` events (so
/// they toast): for resources the server does not announce row by row. What a first read finds
/// is history, not news.
fn tell_colleagues_changes(
    shared: &SyncShared,
    spec: &'static spec::ResourceSpec,
    replaced: &crate::engine::store::Replaced,
) {
    if replaced.first {
        return;
    }
    let id_of = |row: &crate::engine::store::Row| row.get("id").and_then(serde_json::Value::as_i64);
    let server = shared.client.base().host();
    let changes = replaced
        .added
        .iter()
        .map(|row| ("added", row))
        .chain(
            replaced
                .updated
                .iter()
                .filter_map(|(old, new)| Some((change_of(spec, &server, old, new)?, new))),
        )
        .chain(replaced.removed.iter().map(|row| ("removed", row)));
    for (action, row) in changes {
        let Some(id) = id_of(row) else { continue };
        if shared.is_own(spec.name(), id) {
            shared.saw_row(spec.name(), id, row);
            continue;
        }
        shared.emit(DeskEvent::RemoteChange {
            resource: spec.kind,
            action: action.into(),
            id,
            title: (spec.title)(row),
        });
    }
}

/// How `new` differs from `old` as a person sees the row: `images_changed` when its pictures
/// differ, `changed` when anything else does, `None` when nothing a person sees changed.
/// Nothing, null and an empty list look the same (a new gallery's create answer has no photo
/// list, the list read a minute later an empty one: the desk told its own new gallery as
/// "photos added, removed or moved", issue 36.10).
fn change_of(
    spec: &spec::ResourceSpec,
    server: &str,
    old: &crate::engine::store::Row,
    new: &crate::engine::store::Row,
) -> Option<&'static str> {
    let seen = |value: Option<&serde_json::Value>| {
        value
            .filter(|v| !v.is_null() && v.as_array().is_none_or(|items| !items.is_empty()))
            .map(|v| as_seen(v, server))
    };
    let own_fields = |row: &crate::engine::store::Row| {
        row.iter()
            .filter(|(k, _)| !spec.copies.contains(&k.as_str()))
            .filter_map(|(k, v)| Some((k.clone(), seen(Some(v))?)))
            .collect::<crate::engine::store::Row>()
    };
    if own_fields(old) == own_fields(new) {
        return None;
    }
    let images_differ = spec
        .image_fields
        .iter()
        .copied()
        .chain(spec.children.map(|children| children.list_key))
        .any(|field| seen(old.get(field)) != seen(new.get(field)));
    Some(if images_differ {
        "images_changed"
    } else {
        "changed"
    })
}

/// A value as a person sees it: an address on the desk's own server (`server_host`) without
/// its scheme, host and port, so the same picture compares equal after the server moved to
/// another port (the demo hotel's port, and so every image address, changes at each start).
fn as_seen(value: &serde_json::Value, server_host: &str) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(text) if text.starts_with("http") => match url::Url::parse(text) {
            Ok(url) if url.host_str() == Some(server_host) => Value::String(match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_owned(),
            }),
            _ => value.clone(),
        },
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| as_seen(v, server_host)).collect())
        }
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), as_seen(v, server_host)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Why a failed read of `spec` means the server does not offer it (to this account), in words;
/// `None` when the failure may pass (or is the sign-in's).
fn unavailable_because(spec: &spec::ResourceSpec, err: &SyncError) -> Option<String> {
    let what = spec.kind.label();
    match err {
        SyncError::Api(api) => {
            if let Some(message) = (spec.permanent_failure)(api) {
                return Some(message);
            }
            (api.class_of_read() == crate::api::ErrorClass::Unavailable).then(|| match api {
                ApiError::Forbidden { message } => {
                    format!("This account may not see {what} on this server (\"{message}\").")
                }
                _ => format!("This server does not offer {what} ({api})."),
            })
        }
        SyncError::Malformed { detail, .. } => Some(format!(
            "The server's {what} cannot be read by this desk ({detail})."
        )),
        SyncError::Store(_) => None,
    }
}

/// A kind of change refused by the server, in the desk's words with the server's.
pub(super) fn refused_words(
    kind: crate::events::ResourceKind,
    op: crate::engine::store::Op,
    server: &str,
) -> String {
    use crate::engine::store::Op;
    let label = kind.label();
    let what = match op {
        Op::Create => format!("adding {label}"),
        Op::Update => format!("changes to {label}"),
        Op::Delete => format!("deleting {label}"),
        Op::Upload | Op::ClearImage => format!("changing the pictures of {label}"),
        Op::Reorder | Op::ReorderChildren => format!("putting {label} in order"),
        Op::AddChild => format!("adding photos to {label}"),
        Op::Action => format!("marking {label}"),
    };
    format!(
        "This server refuses {what} to your account (it answered: {server}). The desk sends no \
         more of them until it is started again; make them in the hotel's web app, or ask a \
         manager."
    )
}

/// Reconciles every resource (`only`: those named); one that fails does not hold back the
/// others. An area the server does not offer is left alone until its check is due.
async fn reconcile_all(
    shared: &Arc<SyncShared>,
    only: Option<&std::collections::BTreeSet<&'static str>>,
) -> Result<(), Stop> {
    let mut outcome = Ok(());
    let specs: Vec<&'static spec::ResourceSpec> = shared
        .resources
        .iter()
        .copied()
        .filter(|spec| match only {
            Some(names) => names.contains(spec.name()),
            None => !shared.read_recently(spec),
        })
        .filter(|spec| shared.may_read(spec.name()))
        .filter(|spec| !shared.waits_for_its_screen(spec))
        .collect();
    shared.plan().reading = specs.iter().map(|spec| spec.name()).collect();
    for spec in specs {
        shared.plan().reading.remove(spec.name());
        match reconcile_one(shared, spec).await {
            Ok(_) => {}
            Err(Stop::SignedOut) => return Err(Stop::SignedOut),
            Err(Stop::Offline) => outcome = Err(Stop::Offline),
        }
    }
    shared.emit(DeskEvent::Outbox {
        summary: shared.outbox_summary(),
    });
    outcome
}

/// Reads `spec`'s list whole and stores it. `Ok(Some(mark))`: the stored rows are the server's
/// as of `mark` (taken before the read, while the live socket is subscribed, and no event
/// named the resource during it); `Ok(None)`: read but nothing can say what changed since, or
/// the area is not offered. On `Err` the resource is read again later.
async fn reconcile_one(
    shared: &Arc<SyncShared>,
    spec: &'static spec::ResourceSpec,
) -> Result<Option<heard::Mark>, Stop> {
    let mark = shared.heard.mark();
    match pull::reconcile_kept(&shared.client, &shared.store, spec, &shared.slug).await {
        Ok(replaced) => {
            let overtaken = mark.is_some_and(|mark| shared.heard.named_since(spec.name(), mark));
            if overtaken || replaced.unconfirmed > 0 {
                // An event came while the list was read (its answer may hold an older row, see
                // `heard`), or rows the list lacked are not known yet to be gone.
                tracing::debug!(
                    resource = spec.name(),
                    "an event overtook a list read, or rows it lacked wait; read again"
                );
                shared.request_reconcile_of(spec.name());
            }
            shared.came_online();
            {
                let mut plan = shared.plan();
                plan.read_at.insert(spec.name(), Instant::now());
                plan.outdated.remove(spec.name());
            }
            shared.area_available(spec);
            if replaced.changed() {
                shared.emit(DeskEvent::ResourceChanged {
                    resource: spec.kind,
                });
            }
            if spec.toasts_from_reconcile {
                tell_colleagues_changes(shared, spec, &replaced);
            }
            Ok(mark.filter(|_| !overtaken))
        }
        Err(err) => {
            if let Some(message) = unavailable_because(spec, &err) {
                // The server answered: the link is fine, this area is not offered.
                shared.came_online();
                if shared.area_unavailable(spec, message) {
                    shared.look_for_an_upgrade().await;
                }
                return Ok(None);
            }
            match handle_error(shared, err) {
                Stop::SignedOut => Err(Stop::SignedOut),
                Stop::Offline => {
                    shared.plan().stale.insert(spec.name());
                    Err(Stop::Offline)
                }
            }
        }
    }
}

/// Before `spec`'s queued changes are sent: when its list is due to be read now anyway (a
/// reconnect, the start, the poll) and enough of its updates wait to merge, the list is read
/// first, once, and its stored rows are their merge bases ([`push::Replay::read_whole`]) in
/// place of a read of each row (issue 63.14). `Ok(None)` otherwise.
async fn read_for_bases(
    shared: &Arc<SyncShared>,
    spec: &'static spec::ResourceSpec,
) -> Result<Option<heard::Mark>, Stop> {
    if !spec.api.clipped.is_empty()
        || spec.api.listing != crate::api::Listing::Paginated
        || !shared.read_due_now(spec.name())
    {
        // Its stored rows are not the server's whole (clipped), it has no list of its own, or
        // its list is not due.
        return Ok(None);
    }
    let updates = match shared.store.outbox_entries(spec.name()) {
        Ok(entries) => push::updates_to_merge(&entries),
        Err(err) => return Err(handle_error(shared, SyncError::Store(err))),
    };
    if updates < push::BULK_BASES_FROM || !shared.take_due_read(spec) {
        return Ok(None);
    }
    reconcile_one(shared, spec).await
}

mod sent;
#[cfg(test)]
mod tests;

use sent::{after_replayed, before_send};
