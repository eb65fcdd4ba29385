//! The hotel's public page on the 2026 server (page builder): read here, read-only for those
//! who may not edit it.

use hotelmate_core::features::public_page::{PublicPage, PublicPageHandle};
use hotelmate_core::{Desk, UiError};
use tauri::State;

command! {
    /// The public page as this desk keeps it; `null` until read once.
    pub fn public_page(desk: State<'_, Desk>) -> Result<Option<PublicPage>, UiError> {
        Ok(desk.handle::<PublicPageHandle>().get()?)
    }
}
