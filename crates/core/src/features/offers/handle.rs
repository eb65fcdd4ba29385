//! The desk's offers (`desk.offers()`): queries read the local store at once; actions write
//! locally, queue for the server and wake the sync worker, and answer with the offer as shown.

use std::sync::Arc;

use serde_json::Value;

use crate::context::{Context, DeskError, FieldProblem, Handle, Parts};
use crate::engine::store::{Op, Row};
use crate::features::offers::spec::SPEC;
use crate::features::offers::{self, Offer, OfferPatch};

/// The offers of a signed-in desk.
pub struct Offers<'a> {
    cx: &'a Arc<Context>,
}

impl<'a> Handle<'a> for Offers<'a> {
    fn open(parts: Parts<'a>) -> Self {
        Self { cx: parts.0 }
    }
}

impl Offers<'_> {
    /// Every offer, as stored here, with local changes applied (no network).
    pub fn list(&self) -> Result<Vec<Offer>, DeskError> {
        let mut list: Vec<Offer> = self
            .cx
            .view_rows(&SPEC)?
            .iter()
            .map(Offer::from_view)
            .collect();
        offers::sort(&mut list);
        Ok(list)
    }

    /// One offer as shown (only that row is built and sanitized).
    pub fn get(&self, id: i64) -> Result<Offer, DeskError> {
        Ok(Offer::from_view(&self.cx.view_row(&SPEC, id, "offer")?))
    }

    /// The offer as currently shown, as raw fields (for validation and the merge base).
    fn offer_row(&self, id: i64) -> Result<Row, DeskError> {
        Ok(self.cx.view_row(&SPEC, id, "offer")?.row)
    }

    /// What is wrong with an edit of offer `id` (a new offer when `None`), field by field, as
    /// the server would judge it: the editor shows this as the user types.
    pub fn check(
        &self,
        id: Option<i64>,
        fields: &OfferPatch,
    ) -> Result<Vec<FieldProblem>, DeskError> {
        let current = id.map(|id| self.offer_row(id)).transpose()?;
        let (_, problems) = offers::check(&fields.to_row(), current.as_ref(), id.is_none());
        Ok(problems
            .into_iter()
            .map(|p| FieldProblem {
                field: p.field.to_owned(),
                message: p.message,
            })
            .collect())
    }

    /// Creates an offer; it shows at once (with a negative id) and reaches the server when it can.
    pub fn create(&self, fields: &OfferPatch) -> Result<Offer, DeskError> {
        let mut fields = offers::validate(&fields.to_row(), None, true)?;
        fields.entry("is_active").or_insert(Value::Bool(true));
        let id = self.cx.queue_create(&SPEC, &fields)?;
        self.get(id)
    }

    /// Changes some fields; they are merged with the server's row when sent.
    pub fn update(&self, id: i64, changes: &OfferPatch) -> Result<Offer, DeskError> {
        let current = self.offer_row(id)?;
        let changes = offers::validate(&changes.to_row(), Some(&current), false)?;
        if changes.is_empty() {
            return self.get(id);
        }
        self.cx.sync()?;
        self.cx.queue_edit(&SPEC, id, &changes, &current)?;
        self.get(id)
    }

    pub fn set_active(&self, id: i64, active: bool) -> Result<Offer, DeskError> {
        self.update(
            id,
            &OfferPatch {
                is_active: Some(active),
                ..OfferPatch::default()
            },
        )
    }

    /// Puts the offers in this order (`sort_order` 0, 1, 2, …): one outbox entry and one
    /// refresh, however many offers move; a later reorder replaces an unsent earlier one.
    pub fn reorder(&self, ids: &[i64]) -> Result<Vec<Offer>, DeskError> {
        let shown = self.list()?;
        let store = &self.cx.store;
        for id in ids {
            let id = store.resolve_id(SPEC.name(), *id)?;
            if !shown.iter().any(|o| o.id == id) {
                return Err(DeskError::Missing("offer"));
            }
        }
        self.cx.queue_reorder(&SPEC, ids)?;
        self.list()
    }

    pub fn delete(&self, id: i64) -> Result<(), DeskError> {
        self.offer_row(id)?;
        self.cx.sync()?;
        self.cx.queue_delete(&SPEC, id)
    }

    /// Prepares a dropped image (format check, bounded decode, orientation, resize, metadata
    /// stripped), keeps it in the media cache and queues its upload.
    pub async fn set_photo(
        &self,
        id: i64,
        file_name: String,
        bytes: Vec<u8>,
    ) -> Result<Offer, DeskError> {
        self.offer_row(id)?;
        self.cx.may_queue(&SPEC, Op::Upload)?;
        let cached = self.cx.prepare_image(file_name, bytes, None).await?;
        self.cx.queue_image(&SPEC, id, Some(&cached.image.hash))?;
        self.get(id)
    }

    pub fn clear_photo(&self, id: i64) -> Result<Offer, DeskError> {
        self.offer_row(id)?;
        self.cx.queue_image(&SPEC, id, None)?;
        self.get(id)
    }
}
