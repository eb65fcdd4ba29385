//! The Desk's offers API (queries read the local store at once; actions write locally, queue
//! for the server and wake the sync worker) and the conflicts list.

use serde_json::{Map, Value};

use super::{Conflict, Desk, DeskError, DeskEvent, FieldProblem, OutboxSummary, Resolution};
use crate::api::OFFERS;
use crate::media::{prepare, ImagePolicy};
use crate::notify::{ToastCategory, ToastSetting};
use crate::offers::{self, Offer};
use crate::store::{EntryState, Op, Row};
use crate::sync::push::ConflictDetail;
use crate::sync::view;

impl Desk {
    /// Every offer, as stored here, with local changes applied (no network).
    pub fn offers(&self) -> Result<Vec<Offer>, DeskError> {
        let store = &self.inner.store;
        let rows = view::fold(
            store.records(OFFERS.name)?,
            &store.outbox_entries(OFFERS.name)?,
        );
        let mut list: Vec<Offer> = rows.iter().map(Offer::from_view).collect();
        offers::sort(&mut list);
        Ok(list)
    }

    /// One offer as shown (only that row is built and sanitized).
    pub fn offer(&self, id: i64) -> Result<Offer, DeskError> {
        Ok(Offer::from_view(&self.offer_view(id)?))
    }

    /// The offer as currently shown, as raw fields (for validation and the merge base).
    fn offer_row(&self, id: i64) -> Result<Row, DeskError> {
        Ok(self.offer_view(id)?.row)
    }

    fn offer_view(&self, id: i64) -> Result<view::ViewRow, DeskError> {
        let store = &self.inner.store;
        // The UI may still hold the temporary id of an offer whose create has since finished.
        let id = store.resolve_id(OFFERS.name, id)?;
        view::fold(
            store.records(OFFERS.name)?,
            &store.outbox_entries(OFFERS.name)?,
        )
        .into_iter()
        .find(|v| v.row.get("id").and_then(Value::as_i64) == Some(id))
        .ok_or(DeskError::Missing("offer"))
    }

    fn changed(&self) -> Result<(), DeskError> {
        let sync = self.sync()?;
        sync.emit(DeskEvent::ResourceChanged {
            resource: OFFERS.name.into(),
        });
        sync.emit(DeskEvent::Outbox {
            summary: sync.outbox_summary(),
        });
        sync.kick();
        Ok(())
    }

    /// What is wrong with an edit of offer `id` (a new offer when `None`), field by field, as
    /// the server would judge it: the editor shows this as the user types.
    pub fn check_offer(
        &self,
        id: Option<i64>,
        fields: Map<String, Value>,
    ) -> Result<Vec<FieldProblem>, DeskError> {
        let current = id.map(|id| self.offer_row(id)).transpose()?;
        let (_, problems) = offers::check(&fields, current.as_ref(), id.is_none());
        Ok(problems
            .into_iter()
            .map(|p| FieldProblem {
                field: p.field.to_owned(),
                message: p.message,
            })
            .collect())
    }

    /// Creates an offer; it shows at once (with a negative id) and reaches the server when it can.
    pub fn create_offer(&self, fields: Map<String, Value>) -> Result<Offer, DeskError> {
        let mut fields = offers::validate(&fields, None, true)?;
        fields.entry("is_active").or_insert(Value::Bool(true));
        self.sync()?;
        let id = self.inner.store.queue_create(OFFERS.name, &fields)?;
        self.changed()?;
        self.offer(id)
    }

    /// Changes some fields; they are merged with the server's row when sent.
    pub fn update_offer(&self, id: i64, changes: Map<String, Value>) -> Result<Offer, DeskError> {
        let current = self.offer_row(id)?;
        let changes = offers::validate(&changes, Some(&current), false)?;
        if changes.is_empty() {
            return self.offer(id);
        }
        self.sync()?;
        // The base is what this desk shows: the server's row with this desk's earlier queued
        // changes, so an edit made while an earlier one is still on its way is not mistaken for
        // someone else's change.
        let base: Row = changes
            .keys()
            .map(|k| (k.clone(), current.get(k).cloned().unwrap_or(Value::Null)))
            .collect();
        self.inner
            .store
            .queue_update(OFFERS.name, id, &changes, &base)?;
        self.changed()?;
        self.offer(id)
    }

    pub fn set_offer_active(&self, id: i64, active: bool) -> Result<Offer, DeskError> {
        self.update_offer(
            id,
            Map::from_iter([("is_active".to_owned(), Value::Bool(active))]),
        )
    }

    /// Puts the offers in this order (`sort_order` 0, 1, 2, …): one outbox entry and one
    /// refresh, however many offers move; a later reorder replaces an unsent earlier one.
    pub fn reorder_offers(&self, ids: &[i64]) -> Result<Vec<Offer>, DeskError> {
        let shown = self.offers()?;
        let store = &self.inner.store;
        for id in ids {
            let id = store.resolve_id(OFFERS.name, *id)?;
            if !shown.iter().any(|o| o.id == id) {
                return Err(DeskError::Missing("offer"));
            }
        }
        self.sync()?;
        store.queue_reorder(OFFERS.name, ids)?;
        self.changed()?;
        self.offers()
    }

    pub fn delete_offer(&self, id: i64) -> Result<(), DeskError> {
        self.offer_row(id)?;
        self.sync()?;
        self.inner.store.queue_delete(OFFERS.name, id)?;
        self.changed()
    }

    /// Prepares a dropped image (format check, bounded decode, orientation, resize, metadata
    /// stripped), keeps it in the media cache and queues its upload.
    pub async fn set_offer_photo(
        &self,
        id: i64,
        file_name: String,
        bytes: Vec<u8>,
    ) -> Result<Offer, DeskError> {
        self.offer_row(id)?;
        self.sync()?;
        let cache = self.inner.media.clone();
        let cached = tokio::task::spawn_blocking(move || {
            let prepared = prepare(&file_name, &bytes, &ImagePolicy::default())?;
            cache.put_prepared(&prepared)
        })
        .await
        .map_err(|err| DeskError::Interrupted(format!("preparing the image: {err}")))??;
        self.inner
            .store
            .queue_image(OFFERS.name, id, Some(&cached.image.hash))?;
        self.changed()?;
        self.offer(id)
    }

    pub fn clear_offer_photo(&self, id: i64) -> Result<Offer, DeskError> {
        self.offer_row(id)?;
        self.sync()?;
        self.inner.store.queue_image(OFFERS.name, id, None)?;
        self.changed()?;
        self.offer(id)
    }

    /// Local changes not yet on the server.
    pub fn outbox_summary(&self) -> Result<OutboxSummary, DeskError> {
        Ok(self.sync()?.outbox_summary())
    }

    /// Changes waiting for the user: conflicts and refusals.
    pub fn conflicts(&self) -> Result<Vec<Conflict>, DeskError> {
        let store = &self.inner.store;
        let shown = self.offers()?;
        let mut list = Vec::new();
        for entry in store.all_outbox()? {
            if !matches!(entry.state, EntryState::Conflict | EntryState::Rejected) {
                continue;
            }
            let title = (entry.op == Op::Reorder)
                .then(|| "The order of the offers".to_owned())
                .or_else(|| {
                    shown
                        .iter()
                        .find(|o| o.id == entry.target)
                        .map(|o| o.title.clone())
                })
                .or_else(|| {
                    entry
                        .fields
                        .get("title")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .unwrap_or_else(|| format!("#{}", entry.target));
            let (deleted_elsewhere, fields, refused) = match entry.state {
                EntryState::Conflict => {
                    let detail: Option<ConflictDetail> = entry
                        .problem
                        .as_deref()
                        .and_then(|p| serde_json::from_str(p).ok());
                    let detail = detail.unwrap_or(ConflictDetail {
                        deleted_elsewhere: false,
                        fields: Vec::new(),
                    });
                    (detail.deleted_elsewhere, detail.fields, None)
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
        let detail: Option<ConflictDetail> = entry
            .problem
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok());
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
            Resolution::KeepTheirs => {
                store.resolve_entry(seq, None)?;
                if deleted {
                    store.delete_record(&entry.resource, entry.target)?;
                }
            }
            Resolution::KeepMine if deleted && entry.op == Op::Update => {
                // Bring the offer back as it is shown here, with this change in it.
                let mut fields: Row = self
                    .offer_row(entry.target)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|(k, _)| offers::EDITABLE_FIELDS.contains(&k.as_str()))
                    .collect();
                fields.extend(entry.fields.clone());
                store.delete_record(&entry.resource, entry.target)?;
                store.recreate_entry(seq, &fields)?;
            }
            Resolution::KeepMine if entry.state == EntryState::Rejected => {
                store.resolve_entry(seq, None)?
            }
            Resolution::KeepMine => store.resolve_entry(seq, Some((&entry.fields, &theirs)))?,
            Resolution::Edit { values } => {
                let current = self.offer_row(entry.target).ok();
                let values = offers::validate(&values, current.as_ref(), false)?;
                let mut fields = entry.fields.clone();
                fields.extend(values);
                let base: Row = fields
                    .keys()
                    .map(|k| (k.clone(), theirs.get(k).cloned().unwrap_or(Value::Null)))
                    .collect();
                store.resolve_entry(seq, Some((&fields, &base)))?;
            }
        }
        self.changed()
    }
}

const MUTED_TOASTS: &str = "muted_toasts";

impl Desk {
    pub(super) fn muted_toasts(&self) -> std::collections::BTreeSet<ToastCategory> {
        self.inner
            .store
            .preference(MUTED_TOASTS)
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    /// Each toast category and whether it is muted on this desk.
    pub fn toast_settings(&self) -> Vec<ToastSetting> {
        let muted = self.muted_toasts();
        ToastCategory::ALL
            .iter()
            .map(|c| ToastSetting {
                category: *c,
                muted: muted.contains(c),
            })
            .collect()
    }

    pub async fn set_toast_muted(
        &self,
        category: ToastCategory,
        muted: bool,
    ) -> Result<Vec<ToastSetting>, DeskError> {
        let mut set = self.muted_toasts();
        if muted {
            set.insert(category);
        } else {
            set.remove(&category);
        }
        let json = serde_json::to_string(&set).unwrap_or_else(|_| "[]".into());
        self.inner.store.set_preference(MUTED_TOASTS, &json)?;
        if let Ok(running) = self.running() {
            if let Some(notifier) = super::lock(&running.tasks)
                .as_ref()
                .and_then(|tasks| tasks.notifier.as_ref())
            {
                notifier.set_muted(category, muted);
            }
        }
        Ok(self.toast_settings())
    }
}
