//! The reception display: a second, full-screen window.

use hotelmate_core::UiError;
use tauri::{AppHandle, Manager};

#[tauri::command]
pub fn open_reception_display(app: AppHandle) -> Result<(), UiError> {
    let window = app.get_webview_window("display").ok_or_else(|| UiError {
        code: "window".into(),
        message: "The reception display window is missing from this build.".into(),
    })?;
    window
        .show()
        .and_then(|()| window.set_focus())
        .map_err(|error| UiError {
            code: "window".into(),
            message: format!("Cannot show the reception display: {error}."),
        })
}
