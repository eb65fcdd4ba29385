//! The desk's own updates: the feed in effect, setting it, looking for a newer version and
//! installing it (see `crate::updates`).

use hotelmate_core::updates::{UpdateSettings, UpdateStatus};
use hotelmate_core::{Desk, UiError};
use tauri::{AppHandle, State};

use crate::updates::Updates;

command! {
    /// The update feed in effect and whether IT locked it.
    pub fn update_settings(desk: State<'_, Desk>) -> UpdateSettings {
        desk.update_settings()
    }
}

command! {
    /// Sets this person's update feed (`None`: IT's, if any).
    pub fn set_update_feed(desk: State<'_, Desk>, feed: Option<String>) -> Result<UpdateSettings, UiError> {
        desk.set_update_feed(feed.as_deref())?;
        Ok(desk.update_settings())
    }
}

command! {
    /// What the About box says about updates now (also while downloading).
    pub fn update_status(updates: State<'_, Updates>) -> UpdateStatus {
        updates.status()
    }
}

command! {
    /// Looks at the feed for a newer version; never fails (the status says what happened).
    pub async fn check_for_update(app: AppHandle, desk: State<'_, Desk>, updates: State<'_, Updates>) -> Result<UpdateStatus, UiError> {
        Ok(updates.check(&app, desk.update_source()).await)
    }
}

command! {
    /// Downloads, verifies and installs the offered version, or says what to ask IT.
    pub async fn install_update(updates: State<'_, Updates>) -> Result<UpdateStatus, UiError> {
        Ok(updates.install().await)
    }
}
