//! `desk.handle::<PublicPageHandle>()`: the public page as this desk keeps it (no network).

use std::sync::Arc;

use super::presets::StyleNames;
use super::spec::{PRESETS_SPEC, SECTIONS_SPEC, SPEC, WHO_MAY_EDIT};
use super::PublicPage;
use crate::api::{PAGE_EDITOR, SINGLETON_ID};
use crate::context::{Context, DeskError, Handle, Parts};

/// The hotel's public page on the 2026 server.
pub struct PublicPageHandle<'a> {
    pub(super) cx: &'a Arc<Context>,
}

impl<'a> Handle<'a> for PublicPageHandle<'a> {
    fn open(parts: Parts<'a>) -> Self {
        Self { cx: parts.0 }
    }
}

impl<'a> PublicPageHandle<'a> {
    /// Whether the signed-in person may change the page (§17.1, from the login answer).
    pub fn may_edit(&self) -> bool {
        self.cx
            .session()
            .and_then(|s| s.capabilities)
            .is_some_and(|caps| caps.iter().any(|c| c == PAGE_EDITOR))
    }

    /// This hotel's id on the server, from the login answer (or the public read's `hotel`).
    pub(crate) fn hotel_id(&self) -> Result<Option<i64>, DeskError> {
        if let Some(id) = self.cx.store.load_session()?.and_then(|s| s.hotel_id) {
            return Ok(Some(id));
        }
        let public = self.cx.store.record(SPEC.name(), SINGLETON_ID)?;
        Ok(public
            .as_ref()
            .and_then(|p| p.get("hotel"))
            .and_then(|h| h.get("id"))
            .and_then(serde_json::Value::as_i64))
    }

    /// The page as last read: the published sections for everyone, every section (hidden ones
    /// marked) for an editor; with why it cannot be refreshed when the server fails on it.
    /// `None` until it has been read once.
    pub fn get(&self) -> Result<Option<PublicPage>, DeskError> {
        let public = self.cx.store.record(SPEC.name(), SINGLETON_ID)?;
        let editable = self.may_edit();
        let staff = if editable {
            Some(self.cx.view_rows(&SECTIONS_SPEC)?)
        } else {
            None
        };
        let page = PublicPage::from_rows(
            public.as_ref(),
            staff.as_deref(),
            (editable, self.hotel_id()?),
            WHO_MAY_EDIT,
        );
        let stale = self
            .cx
            .sync()
            .ok()
            .and_then(|sync| sync.unavailable_words(SPEC.name()));
        let Some(mut page) = page else {
            return Ok(None);
        };
        page.stale_because = stale;
        let presets = self.cx.store.record(PRESETS_SPEC.name(), SINGLETON_ID)?;
        let names = StyleNames::from_row(presets.as_ref());
        for section in &mut page.sections {
            section.styles = names.choices(&section.section_type);
        }
        if editable {
            self.show_editor_heroes(&mut page)?;
            self.show_editor_galleries(&mut page)?;
        }
        Ok(Some(page))
    }
}
