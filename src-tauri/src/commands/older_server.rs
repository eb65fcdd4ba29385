//! What this desk kept from the server of the brief's time when its hotel moved to the 2026
//! server (issue 65.10): said, and exported on request. Nothing here deletes anything.

use hotelmate_core::features::older_server::{ExportDone, KeptWork, OlderServer};
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
