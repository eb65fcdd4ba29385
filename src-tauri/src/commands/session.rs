//! Signing in and out, and who is signed in.

use hotelmate_core::desk::DeskInfo;
use hotelmate_core::desk::UnsentWork;
use hotelmate_core::events::AreaStatus;
use hotelmate_core::{ConnectionStatus, Desk, SessionInfo, SignInRequest, UiError};
use tauri::State;

command! {
    pub async fn session_resume(desk: State<'_, Desk>) -> Result<Option<SessionInfo>, UiError> {
        Ok(desk.resume().await?)
    }
}

command! {
    windows: [main, display]
    pub fn session_current(desk: State<'_, Desk>) -> Option<SessionInfo> {
        desk.session()
    }
}

command! {
    asks: server
    pub async fn sign_in(
        desk: State<'_, Desk>,
        request: SignInRequest,
    ) -> Result<SessionInfo, UiError> {
        Ok(desk.sign_in(request).await?)
    }
}

command! {
    asks: server
    pub async fn sign_in_demo(desk: State<'_, Desk>) -> Result<SessionInfo, UiError> {
        Ok(desk.sign_in_demo().await?)
    }
}

command! {
    /// Signs out; with work not yet sent, only when `discard` (the person chose to delete it).
    pub async fn sign_out(desk: State<'_, Desk>, discard: bool) -> Result<(), UiError> {
        Ok(desk.sign_out_discarding(discard).await?)
    }
}

command! {
    pub fn unsent_work(desk: State<'_, Desk>) -> Result<UnsentWork, UiError> {
        Ok(desk.unsent_work()?)
    }
}

command! {
    windows: [main, display]
    pub fn desk_info(desk: State<'_, Desk>) -> DeskInfo {
        desk.info()
    }
}

command! {
    windows: [main, display]
    pub fn connection_status(desk: State<'_, Desk>) -> ConnectionStatus {
        desk.connection_status()
    }
}

command! {
    /// Since when the disk has been too full to keep what arrives (RFC 3339), while it is.
    pub fn storage_full_since(desk: State<'_, Desk>) -> Option<String> {
        desk.storage_full_since()
    }
}

command! {
    pub fn unavailable_areas(desk: State<'_, Desk>) -> Vec<AreaStatus> {
        desk.unavailable_areas()
    }
}
