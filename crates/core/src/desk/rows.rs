//! The changes that wait for the user (conflicts and refusals), whatever resource they belong
//! to, and the count of what waits to be sent.

use serde_json::Value;

use super::{Conflict, Desk, DeskError, OutboxSummary, Resolution};
use crate::engine::push::ConflictDetail;
use crate::engine::spec::ResourceSpec;
use crate::engine::store::{EntryState, Op, OutboxEntry, Row};
use crate::features as resources;

impl Desk {
    /// Local changes not yet on the server.
    pub fn outbox_summary(&self) -> Result<OutboxSummary, DeskError> {
        Ok(self.inner.cx.sync()?.outbox_summary())
    }

    /// Changes waiting for the user: conflicts and refusals, of every resource.
    pub fn conflicts(&self) -> Result<Vec<Conflict>, DeskError> {
        let mut list = Vec::new();
        for entry in self.inner.cx.store.all_outbox()? {
            if !matches!(entry.state, EntryState::Conflict | EntryState::Rejected) {
                continue;
            }
            let spec = resources::named(&entry.resource);
            let shown_title = spec.and_then(|spec| {
                self.inner
                    .cx
                    .view_row(spec, entry.target.id(), "row")
                    .ok()
                    .and_then(|v| (spec.title)(&v.row))
            });
            let title = (entry.op == Op::Reorder)
                .then(|| format!("The order of the {}", entry.resource.replace('_', " ")))
                .or(shown_title)
                .or_else(|| spec.and_then(|spec| (spec.title)(&entry.fields)))
                .unwrap_or_else(|| format!("#{}", entry.target.id()));
            let detail = match entry.state {
                EntryState::Conflict => conflict_detail(&entry.problem),
                _ => None,
            };
            let said = |flag: fn(&ConflictDetail) -> bool| detail.as_ref().is_some_and(flag);
            let (deleted_elsewhere, overwrote_colleague, replaced_by_colleague) = (
                said(|d| d.deleted_elsewhere),
                said(|d| d.overwrote_colleague),
                said(|d| d.replaced_by_colleague),
            );
            let refused = (entry.state == EntryState::Rejected)
                .then(|| entry.problem.clone())
                .flatten();
            let fields = detail.map(|d| d.fields).unwrap_or_default();
            let may_bring_back = deleted_elsewhere
                && entry.op == Op::Update
                && spec.is_some_and(|spec| self.restored(spec, &entry).is_ok());
            list.push(Conflict {
                seq: entry.seq,
                resource: entry.resource.clone(),
                id: entry.target.id(),
                title,
                deleted_elsewhere,
                may_bring_back,
                overwrote_colleague,
                replaced_by_colleague,
                fields,
                refused,
            });
        }
        Ok(list)
    }

    /// A row deleted elsewhere, restored as a new row: the whole row as this desk last knew it,
    /// with this change in it. Never a part of a row, and never merged into a row that merely
    /// looks like it (a visible duplicate beats overwriting a colleague's row). Errors: the row
    /// is not known here ([`DeskError::CannotRestore`]), or its resource cannot make a row from
    /// fields alone (a page photo needs its file: [`DeskError::InvalidInput`]).
    fn restored(&self, spec: &ResourceSpec, entry: &OutboxEntry) -> Result<Row, DeskError> {
        let known = self
            .inner
            .cx
            .store
            .record(&entry.resource, entry.target.id())?
            .ok_or(DeskError::CannotRestore)?;
        let mut fields: Row = known
            .into_iter()
            .filter(|(k, _)| spec.editable.contains(&k.as_str()))
            .collect();
        fields.extend(entry.fields.clone());
        Ok((spec.validate)(&fields, None, true)?)
    }

    /// Settles a conflict (or a refused change) as the user chose.
    pub fn resolve_conflict(&self, seq: i64, resolution: Resolution) -> Result<(), DeskError> {
        let store = &self.inner.cx.store;
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
        let overwrote = detail.as_ref().is_some_and(|d| d.overwrote_colleague);
        match resolution {
            Resolution::KeepTheirs if deleted => {
                // The row is gone and stays gone: this change and every other one still queued
                // for it go too (each would otherwise come back as another "deleted elsewhere").
                let dropped = store.drop_entries_for(&entry.resource, entry.target.id())?;
                tracing::info!(resource = %entry.resource, target = entry.target.id(), dropped, "changes to a row deleted elsewhere dropped");
                store.delete_record(&entry.resource, entry.target.id())?;
            }
            // This desk's save replaced a colleague's (issue 35.1): the server has mine, so
            // theirs is what must be sent to put it back, and mine needs nothing.
            Resolution::KeepTheirs if overwrote => {
                store.resolve_entry(seq, Some((&theirs, &entry.fields)))?
            }
            Resolution::KeepMine if overwrote => store.resolve_entry(seq, None)?,
            Resolution::KeepTheirs => store.resolve_entry(seq, None)?,
            Resolution::KeepMine if deleted && entry.op == Op::Update => {
                let fields = self.restored(spec, &entry)?;
                store.restore_entry(seq, &entry.resource, &fields)?;
            }
            Resolution::KeepMine if entry.state == EntryState::Rejected => {
                store.resolve_entry(seq, None)?
            }
            Resolution::KeepMine => store.resolve_entry(seq, Some((&entry.fields, &theirs)))?,
            Resolution::Edit { values } => {
                let current = self
                    .inner
                    .cx
                    .view_row(spec, entry.target.id(), "row")
                    .ok()
                    .map(|v| v.row);
                let values = (spec.validate)(&values, current.as_ref(), false)?;
                let mut fields = entry.fields.clone();
                fields.extend(values);
                // What the server has now: theirs, or mine where mine replaced theirs.
                let server = if overwrote { &entry.fields } else { &theirs };
                let base: Row = fields
                    .keys()
                    .map(|k| (k.clone(), server.get(k).cloned().unwrap_or(Value::Null)))
                    .collect();
                store.resolve_entry(seq, Some((&fields, &base)))?;
            }
        }
        self.inner.cx.changed(spec)
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
