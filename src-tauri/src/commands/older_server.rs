//! What this desk kept from the server of the brief's time when its hotel moved to the 2026
//! server (issue 65.10): said, exported on request, and put on the 2026 public page one item
//! at a time. Nothing here deletes anything.

use hotelmate_core::features::older_server::{ExportDone, KeptItems, KeptWork, OlderServer};
use hotelmate_core::{Desk, UiError};
use tauri::State;

command! {
    /// The offers and galleries this desk keeps that the server no longer has; `null` when
    /// the server has offers or nothing is kept.
    pub fn older_server_kept(desk: State<'_, Desk>) -> Result<Option<KeptWork>, UiError> {
        Ok(desk.handle::<OlderServer>().kept()?)
    }
}

command! {
    /// Writes them, with their photos, into a new folder in Downloads; says where and what.
    pub async fn older_server_export(desk: State<'_, Desk>) -> Result<ExportDone, UiError> {
        Ok(desk.handle::<OlderServer>().export_to_downloads().await?)
    }
}

command! {
    /// Each kept offer and gallery, with what a card has no place for and what it became on
    /// the page; `null` when the server has offers or nothing is kept.
    pub fn older_server_items(desk: State<'_, Desk>) -> Result<Option<KeptItems>, UiError> {
        Ok(desk.handle::<OlderServer>().kept_items()?)
    }
}

command! {
    /// Puts kept offer `id` on the page as a card (queued); `again` after the person was
    /// asked, when it is already there.
    pub async fn older_server_republish_offer(desk: State<'_, Desk>, id: i64, again: bool) -> Result<KeptItems, UiError> {
        Ok(desk.handle::<OlderServer>().republish_offer(id, again).await?)
    }
}

command! {
    /// Puts kept gallery `id` into gallery section `section` as a gallery with its photos
    /// (queued); `again` after the person was asked, when it is already there.
    pub async fn older_server_republish_gallery(desk: State<'_, Desk>, id: i64, section: i64, again: bool) -> Result<KeptItems, UiError> {
        Ok(desk.handle::<OlderServer>().republish_gallery(id, section, again).await?)
    }
}
