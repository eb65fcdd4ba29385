//! The reception display: a second, full-screen window.

use hotelmate_core::desk::ErrorCode;
use hotelmate_core::UiError;
use tauri::{AppHandle, Manager};

#[tauri::command]
pub fn open_reception_display(app: AppHandle) -> Result<(), UiError> {
    let window = app.get_webview_window("display").ok_or_else(|| {
        UiError::new(
            ErrorCode::Internal,
            "The reception display window is missing from this build.",
        )
    })?;
    window
        .show()
        .and_then(|()| window.set_focus())
        .map_err(|error| {
            UiError::new(
                ErrorCode::Internal,
                format!("Cannot show the reception display: {error}."),
            )
        })
}

/// What the display shows, from this desk's store (it keeps showing through an outage).
#[tauri::command]
pub fn display_content(
    desk: tauri::State<'_, hotelmate_core::Desk>,
) -> Result<hotelmate_core::desk::DisplayContent, UiError> {
    Ok(desk.display().content()?)
}
