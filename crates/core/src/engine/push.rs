//! Push: replay the outbox against the server, oldest first, one entry at a time.
//!
//! Updates are merged field by field with what the server has now (`merge`); a create whose
//! outcome is unknown (sent, then the answer was lost or the process died) is first looked for on
//! the server and adopted, since the server has no idempotency keys.
//!
//! The merge bases of a drain's updates are read in one go while the live socket is
//! subscribed: the list the reconcile was about to read anyway, read just before the drain
//! ([`Replay::read_whole`]), or else, from a distant server, the list's pages read for them; a
//! row an event names after that read, or any row once the socket is not subscribed all along,
//! has its base read again on its own before its PATCH (`heard`). So a colleague's change the
//! desk can know of is merged, never overwritten.

use std::collections::{HashMap, HashSet};

use futures_util::StreamExt;
use serde_json::{json, Value};

use super::heard::{HeardLog, Mark};
use super::merge::{merge, same, FieldConflict};
use super::pull::SyncError;
use super::spec::{Children, FieldImage};
use crate::api::{ApiClient, ApiError, ErrorClass, ImageFile, Progress, Resource};
use crate::engine::store::{EntryState, Op, OutboxEntry, Row, Store};
use crate::media::MediaCache;

mod files;
mod places;
mod rows;
use files::{replay_added_child, replay_added_children, replay_children_order, replay_upload};
use rows::{replay_create, replay_delete, replay_reorder, replay_update};

/// What replaying one entry did.
#[derive(Debug, Clone, PartialEq)]
pub enum Replayed {
    /// Done; the server has it.
    Sent {
        /// The row it was for (its server id once created).
        target: i64,
        /// An update's row as the server answered it (`None` for other changes): what this
        /// desk wrote, before any later event could be stored over it.
        answered: Option<Row>,
    },
    /// Paused for the user.
    Conflict {
        /// The row it was for.
        target: i64,
        /// An update's fields that did not conflict and were sent all the same, as the server
        /// answered them (empty when nothing was sent): written, and watched as any write is
        /// (issue 65 item 6: a partly sent update was not, and a colleague's caption it
        /// replaced went unasked).
        wrote: Row,
    },
    /// Refused by the server.
    Rejected {
        /// The row it was for.
        target: i64,
        /// The server's words.
        message: String,
        /// The server refused this kind of change to this account (403 or 405), not this
        /// change's values: the next of its kind will be refused too.
        kind_refused: bool,
    },
    /// Gone or paused before it was sent (the user settled or withdrew it meanwhile).
    Gone {
        /// The row it was for.
        target: i64,
    },
}

/// A change other than an update done on the server (its row's answer is not noted).
pub(super) fn sent(entry: &OutboxEntry) -> Replayed {
    Replayed::Sent {
        target: entry.target.id(),
        answered: None,
    }
}

/// How a conflict's `problem` column reads: either field conflicts or "deleted elsewhere".
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct ConflictDetail {
    #[serde(default)]
    pub deleted_elsewhere: bool,
    /// The change reached the server, a moment after a colleague's save of the same field
    /// that it replaced unseen (issue 35.1); else it waits, not sent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overwrote_colleague: bool,
    /// The change reached the server, and a colleague's save of the same field arrived a
    /// moment after it and replaced it, from a desk that may not have seen it (issue 63.21):
    /// "keep mine" sends it again, "keep theirs" lets it go.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replaced_by_colleague: bool,
    #[serde(default)]
    pub fields: Vec<FieldConflict>,
}

/// Whether the entry is a question about a save that reached the server a moment apart from a
/// colleague's, unseen by one of them (it replaced theirs, [`overwrote_colleague`], or theirs
/// replaced it: issue 63.21): it holds back no later change of its row, and the row shows as
/// the server has it.
pub(crate) fn question_about_the_past(entry: &OutboxEntry) -> bool {
    entry.state == EntryState::Conflict
        && entry
            .problem
            .as_deref()
            .and_then(|text| serde_json::from_str::<ConflictDetail>(text).ok())
            .is_some_and(|detail| detail.overwrote_colleague || detail.replaced_by_colleague)
}

/// Whether `entry` is paused for a person's decision and holds back the later changes of its
/// row until then. A refused added child holds back nothing (the row's other children are their
/// own), nor does a question about the past ([`question_about_the_past`]).
fn holds_back_its_row(entry: &OutboxEntry) -> bool {
    match entry.state {
        EntryState::Conflict | EntryState::Rejected if entry.op == Op::AddChild => false,
        EntryState::Conflict if question_about_the_past(entry) => false,
        EntryState::Conflict | EntryState::Rejected => true,
        EntryState::Pending | EntryState::Sending => false,
    }
}

/// How many of `entries` (every resource's, oldest first) wait to be sent behind a change of
/// their row that is paused for a person's decision: nothing sends them until it is settled.
pub(crate) fn held_for_a_decision(entries: &[OutboxEntry]) -> u32 {
    let mut paused: HashSet<(&str, i64)> = HashSet::new();
    let mut held = 0;
    for entry in entries {
        let row = (entry.resource.as_str(), entry.target.id());
        if holds_back_its_row(entry) {
            paused.insert(row);
        } else if matches!(entry.state, EntryState::Pending | EntryState::Sending)
            && paused.contains(&row)
        {
            held += 1;
        }
    }
    held
}

/// The next entry that may be sent: not paused, and not behind a paused entry of the same row.
pub(crate) fn next_sendable(entries: &[OutboxEntry]) -> Option<&OutboxEntry> {
    let mut blocked: HashSet<i64> = HashSet::new();
    for entry in entries {
        match entry.state {
            EntryState::Conflict | EntryState::Rejected => {
                if holds_back_its_row(entry) {
                    blocked.insert(entry.target.id());
                }
            }
            EntryState::Pending | EntryState::Sending => {
                let waits_for_create = entry.op != Op::Create && entry.target.is_unsent();
                if !blocked.contains(&entry.target.id()) && !waits_for_create {
                    return Some(entry);
                }
                blocked.insert(entry.target.id());
            }
        }
    }
    None
}

/// Replays every sendable entry of `at.resource`, oldest first, calling `done` after each.
/// The outbox is read once and re-read only when it may have changed underneath (after a create,
/// whose temporary id is remapped in later entries, or a paused entry), so draining n entries
/// costs n replays, not n reads of the whole outbox.
///
/// Updates of different rows that follow each other are sent [`PIPELINE`] at a time (each row's
/// own edits stay in order, and nothing passes a create, delete, upload or reorder).
pub async fn replay_all(
    at: Replay<'_>,
    progress: impl Fn(&OutboxEntry) -> Progress,
    mut done: impl FnMut(&OutboxEntry, &Replayed),
) -> Result<usize, SyncError> {
    let mut entries = at.store.outbox_entries(at.resource.name)?;
    let mut bases = bulk_bases(at, &entries).await?;
    let mut count = 0;
    loop {
        if next_sendable(&entries).is_some_and(|e| e.op == Op::AddChild) {
            count += replay_added_children(at, &progress, &mut done).await?;
            entries = at.store.outbox_entries(at.resource.name)?;
            continue;
        }
        let batch = next_batch(&entries, at.resource.order_field);
        if batch.is_empty() {
            return Ok(count);
        }
        if let Some(before_send) = at.before_send {
            for entry in &batch {
                before_send(entry);
            }
        }
        let results = futures_util::future::join_all(
            batch
                .iter()
                .map(|entry| replay(at, entry, progress(entry), bases.as_ref())),
        )
        .await;
        let mut reread = false;
        let mut failure = None;
        for (entry, result) in batch.iter().zip(results) {
            match result {
                Ok(replayed) => {
                    done(entry, &replayed);
                    count += 1;
                    match replayed {
                        Replayed::Sent { target, .. } if entry.op != Op::Create => {
                            entries.retain(|e| e.seq != entry.seq);
                            if let Some(bases) = bases.as_mut() {
                                // The next edit of this row merges with what this one left
                                // (its own event, when it comes, has the row read again).
                                bases.remember(at.store.record(at.resource.name, target)?, target);
                            }
                        }
                        _ => reread = true,
                    }
                }
                Err(err) => {
                    failure.get_or_insert(err);
                }
            }
        }
        if let Some(err) = failure {
            return Err(err);
        }
        if reread {
            entries = at.store.outbox_entries(at.resource.name)?;
        }
    }
}

/// How many updates of different rows are on their way at once.
pub(crate) const PIPELINE: usize = 4;

/// The next entries to send together: the next sendable entry, and, if it is an update of a
/// stored row or a new order, the updates of other rows that follow it (up to [`PIPELINE`];
/// beside an order, only those that leave `order_field` alone), stopping at the first sendable
/// entry of another kind. (Added children go through `replay_added_children`.)
fn next_batch(entries: &[OutboxEntry], order_field: Option<&str>) -> Vec<OutboxEntry> {
    let Some(first) = next_sendable(entries) else {
        return Vec::new();
    };

    let is_plain_update = |e: &OutboxEntry| e.op == Op::Update && e.target.is_saved();
    // A new order only sets the order field: updates that follow it and do not touch it
    // may go beside it instead of waiting for every row it moves.
    let beside_an_order = first.op == Op::Reorder;
    if !is_plain_update(first) && !beside_an_order {
        return vec![first.clone()];
    }
    let mut batch: Vec<OutboxEntry> = Vec::new();
    if beside_an_order {
        batch.push(first.clone());
    }
    let mut blocked: HashSet<i64> = HashSet::new();
    for entry in entries {
        if batch.len() == PIPELINE {
            break;
        }
        if (entry.seq == first.seq && beside_an_order) || question_about_the_past(entry) {
            continue;
        }
        let sendable = matches!(entry.state, EntryState::Pending | EntryState::Sending)
            && !blocked.contains(&entry.target.id())
            && !(entry.op != Op::Create && entry.target.is_unsent());
        if sendable {
            let moves = order_field.is_some_and(|field| entry.fields.contains_key(field));
            if !is_plain_update(entry) || (beside_an_order && moves) {
                break;
            }
            batch.push(entry.clone());
        }
        blocked.insert(entry.target.id());
    }
    batch
}

/// Below this many queued updates, each reads its own base (a list read would cost more).
pub(crate) const BULK_BASES_FROM: usize = 3;
/// A server that answers faster than this is near (the same machine or building): there, its
/// work, not the distance, is what a request costs, and per-row reads pipelined with the
/// PATCHes cost less than reading every page of the list.
pub(crate) const BULK_BASES_ROUND_TRIP: std::time::Duration = std::time::Duration::from_millis(2);

/// The merge bases read in one go, and when: a row the socket heard of since is read again.
pub(crate) struct Bases {
    rows: HashMap<i64, Row>,
    mark: Mark,
}

impl Bases {
    fn remember(&mut self, row: Option<Row>, id: i64) {
        match row {
            Some(row) => self.rows.insert(id, row),
            None => self.rows.remove(&id),
        };
    }

    /// The row as the server has it, if nothing since the read says it may have changed.
    fn current(&self, heard: &HeardLog, resource: &str, id: i64) -> Option<&Row> {
        if heard.changed_since(resource, id, self.mark) {
            return None;
        }
        self.rows.get(&id)
    }
}

/// How many of `entries` are updates of saved rows waiting to be merged and sent.
pub(crate) fn updates_to_merge(entries: &[OutboxEntry]) -> usize {
    entries
        .iter()
        .filter(|e| e.op == Op::Update && e.target.is_saved())
        .filter(|e| !matches!(e.state, EntryState::Conflict | EntryState::Rejected))
        .count()
}

/// The bases of the queued updates in one go: the stored rows when the list was just read
/// whole ([`Replay::read_whole`]); else the list read once, when there are enough of them, the
/// resource is paginated (has rows of its own), the server is far, and the socket is
/// subscribed so that later changes can be told.
async fn bulk_bases(at: Replay<'_>, entries: &[OutboxEntry]) -> Result<Option<Bases>, SyncError> {
    let Some(heard) = at.heard else {
        return Ok(None);
    };
    if let Some(mark) = at.read_whole {
        let rows = at
            .store
            .records(at.resource.name)?
            .into_iter()
            .filter_map(|row| Some((row.get("id").and_then(Value::as_i64)?, row)))
            .collect();
        return Ok(Some(Bases { rows, mark }));
    }
    let updates = updates_to_merge(entries);
    if updates < BULK_BASES_FROM || at.resource.listing != crate::api::Listing::Paginated {
        return Ok(None);
    }
    // The list must cost fewer round trips than the reads it replaces: its pages go
    // CONCURRENT_PAGES at a time, before the first PATCH; the per-row reads go in the pipeline
    // beside the PATCHes, a round trip each batch.
    let far = at
        .client
        .typical_round_trip()
        .is_some_and(|rtt| rtt >= BULK_BASES_ROUND_TRIP);
    let pages = at
        .store
        .record_count(at.resource.name)?
        .div_ceil(crate::api::ROWS_PER_PAGE);
    let list_trips = pages.div_ceil(crate::api::CONCURRENT_PAGES);
    let read_trips = updates.div_ceil(PIPELINE);
    if !far || list_trips >= read_trips {
        return Ok(None);
    }
    // The mark comes before the read: an event that arrives while the pages are read marks
    // its row as changed, even if the page already had the change.
    let Some(mark) = heard.mark() else {
        return Ok(None);
    };
    let mut rows = HashMap::new();
    for item in at.client.list(at.resource, at.slug).await? {
        let row = as_row(item, at.resource)?;
        if let Some(id) = row.get("id").and_then(Value::as_i64) {
            rows.insert(id, row);
        }
    }
    Ok(Some(Bases { rows, mark }))
}

/// Whether an error means "try again later" (the request may not have arrived).
fn as_row(value: Value, resource: Resource) -> Result<Row, SyncError> {
    match value {
        Value::Object(row) => Ok(row),
        other => Err(SyncError::Malformed {
            resource: resource.name,
            detail: format!("expected an object, got {other}"),
        }),
    }
}

/// Where entries are replayed: one server, one local store, one resource.
#[derive(Clone, Copy)]
pub struct Replay<'a> {
    /// The server to send to.
    pub client: &'a ApiClient,
    /// This desk's database, where the outbox is.
    pub store: &'a Store,
    /// Where images waiting to be uploaded are kept.
    pub media: &'a MediaCache,
    /// The resource the entries belong to.
    pub resource: Resource,
    /// The hotel's short name in the server's URLs.
    pub slug: &'a str,
    /// Told of each entry just before it is sent: the server announces a change on the hotel
    /// channel before it answers the request, so the desk must know the change is its own
    /// before the answer comes.
    pub before_send: Option<&'a (dyn Fn(&OutboxEntry) + Sync)>,
    /// Which server errors are final for the request (`ResourceSpec::permanent_failure`).
    pub permanent: fn(&ApiError) -> Option<String>,
    /// The rows nested in each row, with their actions (`ResourceSpec::children`).
    pub children: Option<&'a Children>,
    /// The row's images set on their own (`ResourceSpec::field_images`).
    pub field_images: &'a [FieldImage],
    /// What the live socket heard, so that merge bases may be read in bulk; `None`: each
    /// update reads its own.
    pub heard: Option<&'a HeardLog>,
    /// The resource's list was just read whole and stored, as the server had it at this mark
    /// of `heard` (the reconcile's read, made before the drain): the stored rows are the
    /// merge bases, and only a row an event named since is read on its own.
    pub read_whole: Option<Mark>,
    /// The kinds of change this server has refused this account (issue 35.9), in words: an
    /// entry of such a kind is set aside with them, unsent; `None`: nothing learned.
    pub learned: Option<&'a (dyn Fn(Op) -> Option<String> + Sync)>,
}

/// Replays `entry`, its update merged with `bases` when they were read in bulk. Transient
/// failures come back as `Err` with the entry left to retry.
async fn replay(
    at: Replay<'_>,
    entry: &OutboxEntry,
    progress: Progress,
    bases: Option<&Bases>,
) -> Result<Replayed, SyncError> {
    let Replay {
        store, resource, ..
    } = at;
    if let Some(words) = at.learned.and_then(|learned| learned(entry.op)) {
        store.mark_retry(entry.seq, EntryState::Rejected, &words)?;
        return Ok(Replayed::Rejected {
            target: entry.target.id(),
            message: words,
            kind_refused: false,
        });
    }
    let result = send_entry(at, entry, progress, bases).await;
    judge_failure(store, entry, at.permanent, resource, result)
}

/// Sends one entry by its kind of change.
async fn send_entry(
    at: Replay<'_>,
    entry: &OutboxEntry,
    progress: Progress,
    bases: Option<&Bases>,
) -> Result<Replayed, SyncError> {
    let Replay {
        client,
        store,
        resource,
        slug,
        ..
    } = at;
    match entry.op {
        Op::Create => replay_create(at, entry).await,
        Op::Update => replay_update(at, entry, bases).await,
        Op::Delete => replay_delete(at, entry).await,
        Op::Upload => replay_upload(at, entry, progress).await,
        Op::AddChild => match at.children {
            Some(children) => replay_added_child(at, children, entry, progress).await,
            None => refuse(
                store,
                entry,
                "it adds to a collection this resource does not have",
            ),
        },
        Op::ReorderChildren => match at.children {
            Some(children) => replay_children_order(at, children, entry).await,
            None => refuse(
                store,
                entry,
                "it orders a collection this resource does not have",
            ),
        },
        Op::Reorder => match resource.order_field {
            Some(order_field) => replay_reorder(at, order_field, entry).await,
            None => refuse(store, entry, "the hotel does not put these in order"),
        },
        Op::Action => replay_action(at, entry).await,
        Op::ClearImage => {
            store.mark_sending(entry.seq)?;
            let row = as_row(
                client
                    .clear_image(resource, slug, entry.target.id())
                    .await?,
                resource,
            )?;
            store.finish_entry(entry.seq, Some(&row), None)?;
            Ok(sent(entry))
        }
    }
}

/// Sends a one-off action ([`Op::Action`]): an empty POST to its address; the fields of the
/// answer that the stored row has replace its values (the server's answer, before the read
/// back the sync worker asks for).
async fn replay_action(at: Replay<'_>, entry: &OutboxEntry) -> Result<Replayed, SyncError> {
    let Replay {
        client,
        store,
        resource,
        ..
    } = at;
    let Some(path) = entry.action_path() else {
        return refuse(store, entry, "its address cannot be read");
    };
    store.mark_sending(entry.seq)?;
    let answer: serde_json::Value = client.post(path, &serde_json::json!({})).await?;
    let row = store
        .record(resource.name, entry.target.id())?
        .map(|mut row| {
            if let serde_json::Value::Object(answered) = answer {
                for (key, value) in answered {
                    if row.contains_key(&key) {
                        row.insert(key, value);
                    }
                }
            }
            row
        });
    store.finish_entry(entry.seq, row.as_ref(), None)?;
    Ok(sent(entry))
}

/// What a failed send leaves: a refusal kept for the person in the server's words (or the
/// entry's row gone on the server), a failure the server will never take set aside, anything
/// else left to retry and returned.
fn judge_failure(
    store: &Store,
    entry: &OutboxEntry,
    permanent: fn(&ApiError) -> Option<String>,
    resource: Resource,
    result: Result<Replayed, SyncError>,
) -> Result<Replayed, SyncError> {
    match result {
        Err(SyncError::Api(err)) if err.class_of_write() == ErrorClass::Refused => {
            if matches!(err, ApiError::NotFound { .. })
                && !matches!(entry.op, Op::Create | Op::Action)
            {
                return deleted_elsewhere(store, entry);
            }
            let message = err.to_string();
            store.mark_retry(entry.seq, EntryState::Rejected, &message)?;
            Ok(Replayed::Rejected {
                target: entry.target.id(),
                message,
                kind_refused: matches!(
                    err,
                    ApiError::Forbidden { .. } | ApiError::MethodNotAllowed { .. }
                ),
            })
        }
        Err(SyncError::Api(err)) => {
            if let Some(message) = permanent(&err) {
                tracing::warn!(resource = resource.name, %err, "the server will never take this edit");
                store.mark_retry(entry.seq, EntryState::Rejected, &message)?;
                return Ok(Replayed::Rejected {
                    target: entry.target.id(),
                    message,
                    kind_refused: false,
                });
            }
            // A create whose answer never came, or came as a 5xx, may have been saved (API.md
            // §10: a 500 after saving), so it stays "sending" and is looked for on the server
            // before it is sent again; anything else is retried as it is.
            let state = if entry.op == Op::Create && err.is_transient() {
                EntryState::Sending
            } else {
                EntryState::Pending
            };
            store.mark_retry(entry.seq, state, &err.to_string())?;
            Err(SyncError::Api(err))
        }
        other => other,
    }
}

/// Sets aside an entry that names something its resource's description does not have (it was
/// written by another version of the desk), in words; it is never sent.
fn refuse(store: &Store, entry: &OutboxEntry, why: &str) -> Result<Replayed, SyncError> {
    let message = format!("This change cannot be sent: {why}. Discard it and make it again.");
    store.mark_retry(entry.seq, EntryState::Rejected, &message)?;
    Ok(Replayed::Rejected {
        target: entry.target.id(),
        message,
        kind_refused: false,
    })
}

fn deleted_elsewhere(store: &Store, entry: &OutboxEntry) -> Result<Replayed, SyncError> {
    let detail = ConflictDetail {
        deleted_elsewhere: true,
        overwrote_colleague: false,
        replaced_by_colleague: false,
        fields: Vec::new(),
    };
    let problem = serde_json::to_string(&detail).unwrap_or_default();
    store.keep_as_conflict(entry.seq, &entry.fields, &entry.base, &problem, None)?;
    Ok(Replayed::Conflict {
        target: entry.target.id(),
        wrote: Row::new(),
    })
}
