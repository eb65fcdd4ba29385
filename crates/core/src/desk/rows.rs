//! What every resource area of the desk shares: the rows as shown (server rows with this desk's
//! queued changes folded over them), telling the UI a resource changed, and the changes that
//! wait for the user (conflicts and refusals), whatever resource they belong to.

use serde_json::Value;

use super::{Conflict, Desk, DeskError, DeskEvent, OutboxSummary, Resolution};
use crate::engine::push::ConflictDetail;
use crate::engine::spec::ResourceSpec;
use crate::engine::store::{EntryState, Op, Row};
use crate::engine::view::{self, ViewRow};
use crate::features as resources;

impl Desk {
    /// Every row of `spec` as shown here (no network).
    pub(crate) fn view_rows(&self, spec: &ResourceSpec) -> Result<Vec<ViewRow>, DeskError> {
        let store = &self.inner.store;
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
        let base: Row = changes
            .keys()
            .map(|k| (k.clone(), shown.get(k).cloned().unwrap_or(Value::Null)))
            .collect();
        self.inner
            .store
            .queue_update(spec.name(), id, changes, &base)?;
        self.changed(spec)
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
        let resolved = self.inner.store.resolve_id(spec.name(), id)?;
        if let Some(row) = find(resolved)? {
            return Ok(row);
        }
        let now = self.inner.store.resolve_id(spec.name(), id)?;
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

    /// Local changes not yet on the server.
    pub fn outbox_summary(&self) -> Result<OutboxSummary, DeskError> {
        Ok(self.sync()?.outbox_summary())
    }

    /// Changes waiting for the user: conflicts and refusals, of every resource.
    pub fn conflicts(&self) -> Result<Vec<Conflict>, DeskError> {
        let mut list = Vec::new();
        for entry in self.inner.store.all_outbox()? {
            if !matches!(entry.state, EntryState::Conflict | EntryState::Rejected) {
                continue;
            }
            let spec = resources::named(&entry.resource);
            let shown_title = spec.and_then(|spec| {
                self.view_row(spec, entry.target, "row")
                    .ok()
                    .and_then(|v| (spec.title)(&v.row))
            });
            let title = (entry.op == Op::Reorder)
                .then(|| format!("The order of the {}", entry.resource.replace('_', " ")))
                .or(shown_title)
                .or_else(|| spec.and_then(|spec| (spec.title)(&entry.fields)))
                .unwrap_or_else(|| format!("#{}", entry.target));
            let (deleted_elsewhere, fields, refused) = match entry.state {
                EntryState::Conflict => {
                    let detail = conflict_detail(&entry.problem);
                    (
                        detail.as_ref().is_some_and(|d| d.deleted_elsewhere),
                        detail.map(|d| d.fields).unwrap_or_default(),
                        None,
                    )
                }
                _ => (false, Vec::new(), entry.problem.clone()),
            };
            list.push(Conflict {
                seq: entry.seq,
                resource: entry.resource.clone(),
                id: entry.target,
                title,
                deleted_elsewhere,
                fields,
                refused,
            });
        }
        Ok(list)
    }

    /// Settles a conflict (or a refused change) as the user chose.
    pub fn resolve_conflict(&self, seq: i64, resolution: Resolution) -> Result<(), DeskError> {
        let store = &self.inner.store;
        let entry = store
            .outbox_entry(seq)?
            .ok_or(DeskError::Missing("change"))?;
        let spec = resources::named(&entry.resource).ok_or(DeskError::Missing("change"))?;
        let detail = match entry.state {
            EntryState::Conflict => conflict_detail(&entry.problem),
            _ => None,
        };
        let theirs: Row = detail
            .as_ref()
            .map(|d| {
                d.fields
                    .iter()
                    .map(|f| (f.field.clone(), f.theirs.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let deleted = detail.as_ref().is_some_and(|d| d.deleted_elsewhere);
        match resolution {
            Resolution::KeepTheirs if deleted => {
                // The row is gone and stays gone: this change and every other one still queued
                // for it go too (each would otherwise come back as another "deleted elsewhere").
                let dropped = store.drop_entries_for(&entry.resource, entry.target)?;
                tracing::info!(resource = %entry.resource, target = entry.target, dropped, "changes to a row deleted elsewhere dropped");
                store.delete_record(&entry.resource, entry.target)?;
            }
            Resolution::KeepTheirs => store.resolve_entry(seq, None)?,
            Resolution::KeepMine if deleted && entry.op == Op::Update => {
                // Restored as a new row: the whole row as this desk last knew it, with this
                // change in it. Never a part of a row, and never merged into a row that merely
                // looks like it (a visible duplicate beats overwriting a colleague's row).
                let known = store
                    .record(&entry.resource, entry.target)?
                    .ok_or(DeskError::CannotRestore)?;
                let mut fields: Row = known
                    .into_iter()
                    .filter(|(k, _)| spec.editable.contains(&k.as_str()))
                    .collect();
                fields.extend(entry.fields.clone());
                let fields = (spec.validate)(&fields, None, true)?;
                store.restore_entry(seq, &entry.resource, &fields)?;
            }
            Resolution::KeepMine if entry.state == EntryState::Rejected => {
                store.resolve_entry(seq, None)?
            }
            Resolution::KeepMine => store.resolve_entry(seq, Some((&entry.fields, &theirs)))?,
            Resolution::Edit { values } => {
                let current = self.view_row(spec, entry.target, "row").ok().map(|v| v.row);
                let values = (spec.validate)(&values, current.as_ref(), false)?;
                let mut fields = entry.fields.clone();
                fields.extend(values);
                let base: Row = fields
                    .keys()
                    .map(|k| (k.clone(), theirs.get(k).cloned().unwrap_or(Value::Null)))
                    .collect();
                store.resolve_entry(seq, Some((&fields, &base)))?;
            }
        }
        self.changed(spec)
    }
}

/// The stored detail of a conflict. A damaged one is logged and read as "no detail": the entry
/// is still listed (as a conflict to settle), never dropped.
fn conflict_detail(problem: &Option<String>) -> Option<ConflictDetail> {
    let text = problem.as_deref()?;
    match serde_json::from_str(text) {
        Ok(detail) => Some(detail),
        Err(err) => {
            tracing::error!(error = %err, "a conflict's detail cannot be read");
            None
        }
    }
}
