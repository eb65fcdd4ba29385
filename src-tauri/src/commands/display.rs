//! The reception display: a second, full-screen window (a kiosk), its settings and leaving it.

use hotelmate_core::desk::{
    DisplayContent, DisplayHealth, DisplayReport, DisplaySettings, DisplaySettingsChange,
    ErrorCode, LeaveDisplay, OpeningState, ScanSites,
};
use hotelmate_core::{Desk, UiError};
use tauri::{AppHandle, Manager, State};

command! {
    pub fn open_reception_display(app: AppHandle) -> Result<(), UiError> {
        crate::kiosk::open(&app).map_err(|message| UiError::new(ErrorCode::Internal, message))
    }
}

command! {
    /// What the display shows, from this desk's store (it keeps showing through an outage).
    windows: [main, display]
    pub fn display_content(desk: State<'_, Desk>) -> Result<DisplayContent, UiError> {
        Ok(desk.display().content()?)
    }
}

command! {
    pub fn display_settings(desk: State<'_, Desk>) -> Result<DisplaySettings, UiError> {
        Ok(desk.display().settings()?)
    }
}

command! {
    /// Changes this computer's display settings; being a display also starts it at login, into
    /// the display.
    pub fn display_settings_set(
        desk: State<'_, Desk>,
        settings: DisplaySettingsChange,
    ) -> Result<DisplaySettings, UiError> {
        let saved = desk.display().set_settings(&settings)?;
        crate::autostart::set_display(saved.is_display)
            .map_err(|message| UiError::new(ErrorCode::Storage, message))?;
        Ok(saved)
    }
}

command! {
    /// Where the display's codes may open (sites IT set or a manager confirmed) and what waits.
    pub fn display_scan_sites(desk: State<'_, Desk>) -> Result<ScanSites, UiError> {
        Ok(desk.display().scan_sites()?)
    }
}

command! {
    /// A manager trusts `site` for the display's codes.
    pub fn display_confirm_scan_site(
        desk: State<'_, Desk>,
        site: String,
    ) -> Result<ScanSites, UiError> {
        Ok(desk.display().confirm_scan_site(&site)?)
    }
}

command! {
    /// A manager takes back a site confirmed here.
    pub fn display_forget_scan_site(
        desk: State<'_, Desk>,
        site: String,
    ) -> Result<ScanSites, UiError> {
        Ok(desk.display().forget_scan_site(&site)?)
    }
}

command! {
    pub fn display_set_pin(
        desk: State<'_, Desk>,
        pin: Option<String>,
    ) -> Result<DisplaySettings, UiError> {
        Ok(desk.display().set_pin(pin.as_deref())?)
    }
}

command! {
    /// The names of the screens connected to this computer.
    pub fn display_monitors(app: AppHandle) -> Result<Vec<String>, UiError> {
        let window = app
            .get_webview_window("main")
            .ok_or_else(|| UiError::new(ErrorCode::Internal, "The desk window is missing."))?;
        let monitors = window.available_monitors().map_err(|error| {
            UiError::new(
                ErrorCode::Internal,
                format!("Cannot list the screens: {error}."),
            )
        })?;
        Ok(monitors.iter().filter_map(|m| m.name().cloned()).collect())
    }
}

command! {
    pub fn time_zones() -> Vec<String> {
        hotelmate_core::desk::time_zones()
    }
}

command! {
    /// Leaves the kiosk when the PIN or a staff sign-in is right.
    windows: [display]
    asks: server
    pub async fn display_leave(
        app: AppHandle,
        desk: State<'_, Desk>,
        credentials: LeaveDisplay,
    ) -> Result<(), UiError> {
        desk.display().leave(&credentials).await?;
        crate::kiosk::close(&app);
        Ok(())
    }
}

command! {
    /// Whether the display shows now (its opening hours) and until when. Asked by the display
    /// window, it also lets the desktop blank the screen while the display sleeps.
    windows: [main, display]
    pub async fn display_opening(
        app: AppHandle,
        desk: State<'_, Desk>,
        from_display: bool,
    ) -> Result<OpeningState, UiError> {
        let state = desk.display().opening()?;
        if from_display {
            crate::kiosk::set_asleep(&app, state.asleep).await;
            if state.asleep {
                crate::kiosk::display_painted(&app);
            }
        }
        Ok(state)
    }
}

command! {
    /// Wakes a sleeping display for half an hour when the PIN or a staff sign-in is right (and
    /// holds the screensaver off again).
    windows: [display]
    asks: server
    pub async fn display_wake(
        app: AppHandle,
        desk: State<'_, Desk>,
        credentials: LeaveDisplay,
    ) -> Result<OpeningState, UiError> {
        let state = desk.display().wake(&credentials).await?;
        // Awake, the screen is kept on at once, not at the page's next look at the hours.
        crate::kiosk::set_asleep(&app, state.asleep).await;
        Ok(state)
    }
}

command! {
    /// What the display's page sees (whether it is live, the slide on screen), kept for the
    /// Overview of the desk it gives way to (issue 39.5).
    windows: [display]
    pub fn display_report(
        app: AppHandle,
        desk: State<'_, Desk>,
        report: DisplayReport,
    ) -> Result<(), UiError> {
        if report.showing.is_some() {
            crate::kiosk::display_painted(&app);
        }
        Ok(desk.display().report(report)?)
    }
}

command! {
    /// How this computer's display has been since the desk started: its last showing, the
    /// spans it was not live, what was on the screen last.
    windows: [main]
    pub fn display_health(desk: State<'_, Desk>) -> DisplayHealth {
        desk.display().health()
    }
}
