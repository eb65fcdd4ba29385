//! Offers: the list, edits, photos and the changes waiting for the user.

use hotelmate_core::desk::{Conflict, ErrorCode, FieldProblem, OutboxSummary, Resolution};
use hotelmate_core::events::ResourceKind;
use hotelmate_core::features::offers::{Offer, OfferPatch};
use hotelmate_core::notify::ToastSetting;
use hotelmate_core::{Desk, UiError};
use tauri::ipc::Request;
use tauri::State;

#[tauri::command]
pub fn offers_list(desk: State<'_, Desk>) -> Result<Vec<Offer>, UiError> {
    Ok(desk.offers().list()?)
}

#[tauri::command]
pub fn offer_create(desk: State<'_, Desk>, fields: OfferPatch) -> Result<Offer, UiError> {
    Ok(desk.offers().create(&fields)?)
}

#[tauri::command]
pub fn offer_update(desk: State<'_, Desk>, id: i64, changes: OfferPatch) -> Result<Offer, UiError> {
    Ok(desk.offers().update(id, &changes)?)
}

#[tauri::command]
pub fn offers_reorder(desk: State<'_, Desk>, ids: Vec<i64>) -> Result<Vec<Offer>, UiError> {
    Ok(desk.offers().reorder(&ids)?)
}

#[tauri::command]
pub fn offer_delete(desk: State<'_, Desk>, id: i64) -> Result<(), UiError> {
    Ok(desk.offers().delete(id)?)
}

/// What is wrong with an edit, field by field (`id` is `None` for a new offer).
#[tauri::command]
pub fn offer_check(
    desk: State<'_, Desk>,
    id: Option<i64>,
    fields: OfferPatch,
) -> Result<Vec<FieldProblem>, UiError> {
    Ok(desk.offers().check(id, &fields)?)
}

/// The image arrives as the raw request body; the offer id and file name as headers.
#[tauri::command]
pub async fn offer_set_photo(
    desk: State<'_, Desk>,
    request: Request<'_>,
) -> Result<Offer, UiError> {
    let file = super::raw_file(&request, "offer-id", "photo")
        .and_then(|(id, name, bytes)| Some((id.parse::<i64>().ok()?, name, bytes)));
    let Some((id, name, bytes)) = file else {
        return Err(UiError {
            code: ErrorCode::InvalidInput,
            field: Some("photo".into()),
            message: "The photo did not arrive; try again.".into(),
        });
    };
    Ok(desk.offers().set_photo(id, name, bytes).await?)
}

#[tauri::command]
pub fn offer_clear_photo(desk: State<'_, Desk>, id: i64) -> Result<Offer, UiError> {
    Ok(desk.offers().clear_photo(id)?)
}

#[tauri::command]
pub fn sanitize_html(html: String) -> String {
    hotelmate_core::features::offers::sanitize_html(&html)
}

#[tauri::command]
pub fn outbox_summary(desk: State<'_, Desk>) -> Result<OutboxSummary, UiError> {
    Ok(desk.outbox_summary()?)
}

#[tauri::command]
pub fn conflicts_list(desk: State<'_, Desk>) -> Result<Vec<Conflict>, UiError> {
    Ok(desk.conflicts()?)
}

#[tauri::command]
pub fn conflict_resolve(
    desk: State<'_, Desk>,
    seq: i64,
    resolution: Resolution,
) -> Result<(), UiError> {
    Ok(desk.resolve_conflict(seq, resolution)?)
}

#[tauri::command]
pub fn toast_settings(desk: State<'_, Desk>) -> Vec<ToastSetting> {
    desk.toast_settings()
}

#[tauri::command]
pub async fn toast_mute(
    desk: State<'_, Desk>,
    category: ResourceKind,
    muted: bool,
) -> Result<Vec<ToastSetting>, UiError> {
    Ok(desk.set_toast_muted(category, muted).await?)
}
