//! `desk.handle::<GuestPageHandle>()`: the public page as this desk keeps it (no network).

use std::sync::Arc;

use super::spec::SPEC;
use super::GuestPage;
use crate::api::SINGLETON_ID;
use crate::context::{Context, DeskError, Handle, Parts};

/// The hotel's public page as guests see it.
pub struct GuestPageHandle<'a> {
    cx: &'a Arc<Context>,
}

impl<'a> Handle<'a> for GuestPageHandle<'a> {
    fn open(parts: Parts<'a>) -> Self {
        Self { cx: parts.0 }
    }
}

impl<'a> GuestPageHandle<'a> {
    /// The page as last read from the server, its offers' dates judged against today on this
    /// computer; `None` until it has been read once.
    pub fn get(&self) -> Result<Option<GuestPage>, DeskError> {
        let today = jiff::Zoned::now().date();
        // Read-only: nothing of it waits in the outbox, so the stored row is what shows.
        Ok(self
            .cx
            .store
            .record(SPEC.name(), SINGLETON_ID)?
            .map(|row| GuestPage::from_row(&row, today)))
    }
}
