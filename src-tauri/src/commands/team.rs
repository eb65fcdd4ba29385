//! The team: the on-duty board and my clock.

use hotelmate_core::features::team::TeamBoard;
use hotelmate_core::{Desk, SessionInfo, UiError};
use tauri::State;

command! {
    /// The board as stored on this desk, searched by name, role or department.
    windows: [main, display]
    pub fn team_board(desk: State<'_, Desk>, query: String) -> Result<TeamBoard, UiError> {
        Ok(desk.team().board(&query)?)
    }
}

command! {
    /// Clocks me in or out; answers with my session as it is now.
    asks: server
    pub async fn clock_toggle(desk: State<'_, Desk>) -> Result<SessionInfo, UiError> {
        Ok(desk.team().clock().await?)
    }
}
