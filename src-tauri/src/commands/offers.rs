//! Offers: the list, edits, photos and the changes waiting for the user.

use hotelmate_core::desk::{Conflict, FieldProblem, OutboxSummary, Resolution};
use hotelmate_core::events::ResourceKind;
use hotelmate_core::features::offers::{Offer, OfferPatch};
use hotelmate_core::notify::ToastSetting;
use hotelmate_core::{Desk, UiError};
use tauri::ipc::Request;
use tauri::State;

command! {
    pub fn offers_list(desk: State<'_, Desk>) -> Result<Vec<Offer>, UiError> {
        Ok(desk.offers().list()?)
    }
}

command! {
    pub fn offer_create(desk: State<'_, Desk>, fields: OfferPatch) -> Result<Offer, UiError> {
        Ok(desk.offers().create(&fields)?)
    }
}

command! {
    pub fn offer_update(desk: State<'_, Desk>, id: i64, changes: OfferPatch) -> Result<Offer, UiError> {
        Ok(desk.offers().update(id, &changes)?)
    }
}

command! {
    pub fn offers_reorder(desk: State<'_, Desk>, ids: Vec<i64>) -> Result<Vec<Offer>, UiError> {
        Ok(desk.offers().reorder(&ids)?)
    }
}

command! {
    pub fn offer_delete(desk: State<'_, Desk>, id: i64) -> Result<(), UiError> {
        Ok(desk.offers().delete(id)?)
    }
}

command! {
    /// What is wrong with an edit, field by field (`id` is `None` for a new offer).
    pub fn offer_check(
        desk: State<'_, Desk>,
        id: Option<i64>,
        fields: OfferPatch,
    ) -> Result<Vec<FieldProblem>, UiError> {
        Ok(desk.offers().check(id, &fields)?)
    }
}

command! {
    /// The image arrives as the raw request body; the offer id and file name as headers.
    pub async fn offer_set_photo(
        desk: State<'_, Desk>,
        request: Request<'_>,
    ) -> Result<Offer, UiError> {
        let (id, file) = super::upload(&request, "offer-id", "photo", super::id)?;
        Ok(desk.offers().set_photo(id, file.name, file.bytes).await?)
    }
}

command! {
    pub fn offer_clear_photo(desk: State<'_, Desk>, id: i64) -> Result<Offer, UiError> {
        Ok(desk.offers().clear_photo(id)?)
    }
}

command! {
    pub fn sanitize_html(html: String) -> String {
        hotelmate_core::features::offers::preview_html(&html)
    }
}

command! {
    pub fn outbox_summary(desk: State<'_, Desk>) -> Result<OutboxSummary, UiError> {
        Ok(desk.outbox_summary()?)
    }
}

command! {
    pub fn conflicts_list(desk: State<'_, Desk>) -> Result<Vec<Conflict>, UiError> {
        Ok(desk.conflicts()?)
    }
}

command! {
    pub fn conflict_resolve(
        desk: State<'_, Desk>,
        seq: i64,
        resolution: Resolution,
    ) -> Result<(), UiError> {
        Ok(desk.resolve_conflict(seq, resolution)?)
    }
}

command! {
    pub fn toast_settings(desk: State<'_, Desk>) -> Vec<ToastSetting> {
        desk.toast_settings()
    }
}

command! {
    pub async fn toast_mute(
        desk: State<'_, Desk>,
        category: ResourceKind,
        muted: bool,
    ) -> Result<Vec<ToastSetting>, UiError> {
        Ok(desk.set_toast_muted(category, muted).await?)
    }
}
