//! The hotel's public page on the 2026 server (page builder): read here, read-only for those
//! who may not edit it; its sections added, renamed, hidden, moved and deleted by those who may.

use hotelmate_core::features::public_page::{NewSection, PublicPage, PublicPageHandle, SectionUndo};
use hotelmate_core::{Desk, UiError};
use tauri::State;

command! {
    /// The public page as this desk keeps it; `null` until read once.
    pub fn public_page(desk: State<'_, Desk>) -> Result<Option<PublicPage>, UiError> {
        Ok(desk.handle::<PublicPageHandle>().get()?)
    }
}

command! {
    /// A new section, last on the page.
    pub fn page_section_add(desk: State<'_, Desk>, section: NewSection) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().add_section(&section)?)
    }
}

command! {
    pub fn page_section_rename(desk: State<'_, Desk>, id: i64, name: String) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().rename_section(id, &name)?)
    }
}

command! {
    pub fn page_section_hide(desk: State<'_, Desk>, id: i64, hidden: bool) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().set_section_hidden(id, hidden)?)
    }
}

command! {
    /// One place up (`by` -1) or down (`by` 1).
    pub fn page_section_move(desk: State<'_, Desk>, id: i64, by: i64) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().move_section(id, by)?)
    }
}

command! {
    /// The whole page in a new order (dragged), each section once.
    pub fn page_sections_reorder(desk: State<'_, Desk>, ids: Vec<i64>) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().reorder_sections(&ids)?)
    }
}

command! {
    /// Style variant 1–5.
    pub fn page_section_style(desk: State<'_, Desk>, id: i64, style: i64) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().set_section_style(id, style)?)
    }
}

command! {
    pub fn page_section_delete(desk: State<'_, Desk>, id: i64) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().delete_section(id)?)
    }
}

command! {
    /// Takes back a delete that has not reached the server (waiting a moment for one on its
    /// way); says so when it is too late.
    pub async fn page_section_undo_delete(desk: State<'_, Desk>, id: i64) -> Result<SectionUndo, UiError> {
        Ok(desk.handle::<PublicPageHandle>().undo_delete_section(id).await?)
    }
}
