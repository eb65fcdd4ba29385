//! What every resource area shares: the rows as shown (server rows with this desk's queued
//! changes folded over them), queueing an edit against what is shown, and telling the UI a
//! resource changed.

use serde_json::Value;

use super::{Context, DeskError, DeskEvent};
use crate::engine::spec::ResourceSpec;
use crate::engine::store::Row;
use crate::engine::view::{self, ViewRow};

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
        self.refuse_if_learned(spec, crate::engine::store::Op::Update)?;
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
        self.refuse_if_learned(spec, crate::engine::store::Op::Delete)?;
        self.store.queue_delete(spec.name(), id)?;
        self.changed(spec)
    }

    /// A change of kind `op` to `spec` that this server has refused this account is refused
    /// here at once, in the desk's words with the server's (issue 35.9): never queued to be
    /// refused again.
    fn refuse_if_learned(
        &self,
        spec: &ResourceSpec,
        op: crate::engine::store::Op,
    ) -> Result<(), DeskError> {
        match self.sync()?.learned_refusal(spec.name(), op) {
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
        let find = |wanted: i64| -> Result<Option<ViewRow>, DeskError> {
            Ok(self
                .view_rows(spec)?
                .into_iter()
                .find(|v| v.row.get("id").and_then(Value::as_i64) == Some(wanted)))
        };
        let resolved = self.store.resolve_id(spec.name(), id)?;
        if let Some(row) = find(resolved)? {
            return Ok(row);
        }
        let now = self.store.resolve_id(spec.name(), id)?;
        if now == resolved {
            return Err(DeskError::Missing(what));
        }
        find(now)?.ok_or(DeskError::Missing(what))
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
