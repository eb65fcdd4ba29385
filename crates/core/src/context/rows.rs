//! What every resource area shares: the rows as shown (server rows with this desk's queued
//! changes folded over them), queueing an edit against what is shown, and telling the UI a
//! resource changed.

use serde_json::Value;

use super::{Context, DeskError, DeskEvent};
use crate::engine::spec::ResourceSpec;
use crate::engine::store::{Op, Row, Undone};
use crate::engine::view::{self, ViewRow};

/// How long an undo waits for a delete on its way to be answered (a request's own wait is
/// 10 s, API.md §1; most end in moments).
pub(crate) const UNDO_WAIT: std::time::Duration = std::time::Duration::from_secs(12);

impl Context {
    /// Every row of `spec` as shown here (no network).
    pub(crate) fn view_rows(&self, spec: &ResourceSpec) -> Result<Vec<ViewRow>, DeskError> {
        let store = &self.store;
        let (records, outbox) = store.rows_and_outbox(spec.name())?;
        let mut rows = view::fold(records, &outbox, spec);
        let restored = store.restored_ids(spec.name())?;
        if !restored.is_empty() {
            for view in &mut rows {
                let id = view.row.get("id").and_then(Value::as_i64);
                view.restored |= id.is_some_and(|id| restored.contains(&id));
            }
        }
        Ok(rows)
    }

    /// Queues `changes` to row `id` with, as their merge base, the values this desk shows now:
    /// the server's row with this desk's earlier queued changes, so an edit made while an earlier
    /// one is still on its way is not mistaken for someone else's change.
    pub(crate) fn queue_edit(
        &self,
        spec: &ResourceSpec,
        id: i64,
        changes: &Row,
        shown: &Row,
    ) -> Result<(), DeskError> {
        self.may_queue(spec, Op::Update)?;
        let base: Row = changes
            .keys()
            .map(|k| (k.clone(), shown.get(k).cloned().unwrap_or(Value::Null)))
            .collect();
        self.store.queue_update(spec.name(), id, changes, &base)?;
        self.changed(spec)
    }

    /// Queues the delete of row `id` (unless this server refuses such deletes to this account)
    /// and tells the UI and the sync worker.
    pub(crate) fn queue_delete(&self, spec: &ResourceSpec, id: i64) -> Result<(), DeskError> {
        self.may_queue(spec, Op::Delete)?;
        self.store.queue_delete(spec.name(), id)?;
        self.changed(spec)
    }

    /// Takes back the queued delete of row `id` if it has not reached the server, and tells the
    /// UI. A delete on its way (sent, its answer not in) is waited for, at most [`UNDO_WAIT`]:
    /// one the network failed under never got through, waits again, and is taken back; one
    /// still unanswered then is [`Undone::OnItsWay`] (the person is told it is on its way).
    pub(crate) async fn undo_delete(
        &self,
        spec: &ResourceSpec,
        id: i64,
    ) -> Result<Undone, DeskError> {
        let deadline = tokio::time::Instant::now() + UNDO_WAIT;
        let undone = loop {
            let seen = self.store.attempts_ended_so_far();
            let undone = self.store.undo_delete(spec.name(), id)?;
            if undone != Undone::OnItsWay {
                break undone;
            }
            let ended = self.store.attempt_ended(seen);
            if tokio::time::timeout_at(deadline, ended).await.is_err() {
                break undone;
            }
        };
        self.changed(spec)?;
        Ok(undone)
    }

    /// Queues a one-off action on row `id` of `spec` at `path` (an address made from what the
    /// server gave; sent once, [`Op::Action`]) unless this server refuses such actions to this
    /// account, and tells the UI and the sync worker. Returns whether it was queued now
    /// (`false`: the same action of the row already waits).
    pub(crate) fn queue_action(
        &self,
        spec: &ResourceSpec,
        id: i64,
        path: &str,
    ) -> Result<bool, DeskError> {
        self.may_queue(spec, Op::Action)?;
        let queued = self.store.queue_action(spec.name(), id, path)?;
        self.changed(spec)?;
        Ok(queued)
    }

    /// Queues a new row of `spec` (it shows at once under the temporary id returned).
    pub(crate) fn queue_create(&self, spec: &ResourceSpec, fields: &Row) -> Result<i64, DeskError> {
        self.may_queue(spec, Op::Create)?;
        let id = self.store.queue_create(spec.name(), fields)?;
        self.changed(spec)?;
        Ok(id)
    }

    /// Queues a new order of `spec`'s rows (ids first to last).
    pub(crate) fn queue_reorder(&self, spec: &ResourceSpec, ids: &[i64]) -> Result<(), DeskError> {
        self.may_queue(spec, Op::Reorder)?;
        self.store.queue_reorder(spec.name(), ids)?;
        self.changed(spec)
    }

    /// Queues row `id`'s new photo (`Some(hash)` of a prepared image in the media cache) or
    /// its removal (`None`).
    pub(crate) fn queue_image(
        &self,
        spec: &ResourceSpec,
        id: i64,
        hash: Option<&str>,
    ) -> Result<(), DeskError> {
        self.may_queue(spec, Op::Upload)?;
        self.store.queue_image(spec.name(), id, hash)?;
        self.changed(spec)
    }

    /// Queues an image sent as the file part `field` of a PATCH of row `id` (the hotel's hero,
    /// landing-page image and logo, API.md §4.1).
    pub(crate) fn queue_field_image(
        &self,
        spec: &ResourceSpec,
        id: i64,
        field: &str,
        hash: &str,
    ) -> Result<(), DeskError> {
        self.may_queue(spec, Op::Upload)?;
        self.store.queue_field_image(spec.name(), id, field, hash)?;
        self.changed(spec)
    }

    /// Queues a file added to row `id`'s children (a photo to a gallery); returns the upload's
    /// number.
    pub(crate) fn queue_added_child(
        &self,
        spec: &ResourceSpec,
        id: i64,
        hash: &str,
        file_name: &str,
    ) -> Result<i64, DeskError> {
        self.may_queue(spec, Op::AddChild)?;
        let seq = self
            .store
            .queue_added_child(spec.name(), id, hash, file_name)?;
        self.changed(spec)?;
        Ok(seq)
    }

    /// Queues a new order of row `id`'s children (ids first to last).
    pub(crate) fn queue_children_order(
        &self,
        spec: &ResourceSpec,
        id: i64,
        ids: &[i64],
    ) -> Result<(), DeskError> {
        self.may_queue(spec, Op::ReorderChildren)?;
        self.store.queue_children_order(spec.name(), id, ids)?;
        self.changed(spec)
    }

    /// Whether a change of kind `op` to `spec` may be queued: never one this server cannot take
    /// (issue 63.11). An area this server's generation does not have, or that it answers with
    /// "not here" or "not for you" (API.md §10; rechecked every 15 minutes), refuses it at once
    /// in the area's words; so does a kind of change this server has refused this account
    /// (issue 35.9), in the desk's words with the server's. Called before any work (a photo is
    /// not prepared for a change that would be refused).
    pub(crate) fn may_queue(&self, spec: &ResourceSpec, op: Op) -> Result<(), DeskError> {
        let sync = self.sync()?;
        if let Some(words) = sync.unavailable_words(spec.name()) {
            return Err(DeskError::Unavailable(words));
        }
        match sync.learned_refusal(spec.name(), op) {
            Some(words) => Err(DeskError::NotAllowed(words)),
            None => Ok(()),
        }
    }

    /// What this server has refused this account among `specs`, each in words (a screen's
    /// notes).
    pub(crate) fn refused_changes(&self, specs: &[&ResourceSpec]) -> Vec<String> {
        let Ok(sync) = self.sync() else {
            return Vec::new();
        };
        specs
            .iter()
            .flat_map(|spec| {
                crate::engine::store::Op::ALL
                    .iter()
                    .filter_map(|op| sync.learned_refusal(spec.name(), *op))
            })
            .collect()
    }

    /// One row as shown. The UI may still hold the temporary id of a row whose create has since
    /// reached the server; it is found under its server id, also when the create reaches the
    /// server while the row is being read (a new offer's answer can be stored between the two
    /// reads: the save that queued it then said the offer was missing).
    pub(crate) fn view_row(
        &self,
        spec: &ResourceSpec,
        id: i64,
        what: &'static str,
    ) -> Result<ViewRow, DeskError> {
        self.find_resolved(spec, id, |wanted| {
            Ok(self
                .view_rows(spec)?
                .into_iter()
                .find(|v| v.row.get("id").and_then(Value::as_i64) == Some(wanted)))
        })?
        .ok_or(DeskError::Missing(what))
    }

    /// What `find` finds under the id row `id` of `spec` is shown under, also when its create
    /// reaches the server as it is looked for (see `Store::find_resolved`). Every lookup of a
    /// row the UI names goes through it: a photo dropped into a new gallery, or an offer
    /// saved, just as the gallery's or offer's create was answered was refused as "missing"
    /// (issue 65: three of a republished gallery's four photos were never queued).
    pub(crate) fn find_resolved<T>(
        &self,
        spec: &ResourceSpec,
        id: i64,
        find: impl FnMut(i64) -> Result<Option<T>, DeskError>,
    ) -> Result<Option<T>, DeskError> {
        self.store.find_resolved(spec.name(), id, find)
    }

    /// Something of `spec` was queued: tell the UI and wake the sync worker.
    pub(crate) fn changed(&self, spec: &ResourceSpec) -> Result<(), DeskError> {
        let sync = self.sync()?;
        sync.emit(DeskEvent::ResourceChanged {
            resource: spec.kind,
        });
        sync.emit(DeskEvent::Outbox {
            summary: sync.outbox_summary(),
        });
        sync.kick();
        Ok(())
    }
}
