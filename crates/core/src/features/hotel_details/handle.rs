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
        let rows = self.cx.view_rows(&SPEC)?;
        Ok(rows
            .iter()
            .find(|v| v.row.get("id").and_then(serde_json::Value::as_i64) == Some(SINGLETON_ID))
            .map(|v| HotelDetails::from_row(&v.row)))
    }
}
