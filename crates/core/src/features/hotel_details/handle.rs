//! `desk.handle::<HotelDetailsHandle>()`: the hotel's public page as this desk keeps it (no network).

use std::sync::Arc;

use super::spec::SPEC;
use super::HotelDetails;
use crate::api::SINGLETON_ID;
use crate::context::{Context, DeskError, Handle, Parts};

/// The hotel's public page.
pub struct HotelDetailsHandle<'a> {
    cx: &'a Arc<Context>,
}

impl<'a> Handle<'a> for HotelDetailsHandle<'a> {
    fn open(parts: Parts<'a>) -> Self {
        Self { cx: parts.0 }
    }
}

impl<'a> HotelDetailsHandle<'a> {

    /// The page as last read from the server; `None` until it has been read once.
    pub fn get(&self) -> Result<Option<HotelDetails>, DeskError> {
        // Read-only: nothing of it waits in the outbox, so the stored row is what shows.
        Ok(self
            .cx
            .store
            .record(SPEC.name(), SINGLETON_ID)?
            .map(|row| HotelDetails::from_row(&row)))
    }
}
