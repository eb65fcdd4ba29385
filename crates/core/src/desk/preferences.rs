//! This computer's settings, kept in the desk's preferences (they belong to the computer, not
//! the account): which colleagues' changes become desktop toasts (one switch per kind of
//! resource), and whether closing the window keeps the desk in the tray.

use std::collections::BTreeSet;

use super::{Desk, DeskError};
use crate::events::ResourceKind;
use crate::notify::ToastSetting;

const MUTED_TOASTS: &str = "muted_toasts";

impl Desk {
    pub(super) fn muted_toasts(&self) -> BTreeSet<ResourceKind> {
        self.inner
            .store
            .preference(MUTED_TOASTS)
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    /// Each toast category and whether it is muted on this desk.
    pub fn toast_settings(&self) -> Vec<ToastSetting> {
        let muted = self.muted_toasts();
        ResourceKind::ALL
            .iter()
            .map(|c| ToastSetting {
                category: *c,
                muted: muted.contains(c),
            })
            .collect()
    }

    pub async fn set_toast_muted(
        &self,
        category: ResourceKind,
        muted: bool,
    ) -> Result<Vec<ToastSetting>, DeskError> {
        let mut set = self.muted_toasts();
        if muted {
            set.insert(category);
        } else {
            set.remove(&category);
        }
        let json = serde_json::to_string(&set).unwrap_or_else(|_| "[]".into());
        self.inner.store.set_preference(MUTED_TOASTS, &json)?;
        if let Ok(running) = self.running() {
            if let Some(notifier) = super::lock(&running.tasks)
                .as_ref()
                .and_then(|tasks| tasks.notifier.as_ref())
            {
                notifier.set_muted(category, muted);
            }
        }
        Ok(self.toast_settings())
    }
}

const CLOSE_TO_TRAY: &str = "close_to_tray";

impl Desk {
    /// Whether closing the window keeps the desk running in the tray (front-desk PCs).
    pub fn close_to_tray(&self) -> bool {
        matches!(
            self.inner.store.preference(CLOSE_TO_TRAY),
            Ok(Some(value)) if value == "true"
        )
    }

    pub fn set_close_to_tray(&self, on: bool) -> Result<(), DeskError> {
        Ok(self
            .inner
            .store
            .set_preference(CLOSE_TO_TRAY, if on { "true" } else { "false" })?)
    }
}
