//! Forwards the core's events to every webview as the `desk-event` event, and to the tray.

use hotelmate_core::DeskEvent;
use tauri::{AppHandle, Emitter};
use tokio::sync::broadcast::{error::RecvError, Receiver};

/// The event name the UI listens to (ui/src/lib/backend.ts).
pub const DESK_EVENT: &str = "desk-event";

pub fn forward(app: AppHandle, mut events: Receiver<DeskEvent>) {
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    crate::tray::update(&app, &event);
                    if let Err(error) = app.emit(DESK_EVENT, &event) {
                        tracing::warn!(%error, "could not pass an event to the windows");
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "the windows missed events")
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}
