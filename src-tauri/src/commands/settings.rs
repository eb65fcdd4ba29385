//! This computer's settings: keep running in the tray when the window is closed; start at login;
//! what its IT presets for every user (the system settings file); the locale and time zone dates
//! are written in.

use hotelmate_core::desk::{ComputerSettings, ErrorCode};
use hotelmate_core::locale::SystemLocale;
use hotelmate_core::session::system::SystemSettings;
use hotelmate_core::{Desk, UiError};
use tauri::State;

fn current(desk: &Desk) -> ComputerSettings {
    ComputerSettings {
        close_to_tray: desk.close_to_tray(),
        start_at_login: crate::autostart::enabled(),
        guest_wait_reminder_minutes: desk.guest_wait_reminder(),
    }
}

command! {
    pub fn computer_settings(desk: State<'_, Desk>) -> ComputerSettings {
        current(&desk)
    }
}

command! {
    /// What this computer's IT presets for every user (the system settings file).
    pub fn system_settings(desk: State<'_, Desk>) -> SystemSettings {
        desk.system_settings()
    }
}

command! {
    /// The locale and time zone dates and times are written in on this computer.
    windows: [main, display]
    pub fn system_locale() -> SystemLocale {
        SystemLocale::of_this_computer()
    }
}

command! {
    pub fn set_close_to_tray(desk: State<'_, Desk>, on: bool) -> Result<ComputerSettings, UiError> {
        desk.set_close_to_tray(on)?;
        Ok(current(&desk))
    }
}

command! {
    /// After how many minutes of waiting a guest is reminded of (0: never).
    pub fn set_guest_wait_reminder(
        desk: State<'_, Desk>,
        minutes: u32,
    ) -> Result<ComputerSettings, UiError> {
        desk.set_guest_wait_reminder(minutes)?;
        Ok(current(&desk))
    }
}

command! {
    pub fn set_start_at_login(desk: State<'_, Desk>, on: bool) -> Result<ComputerSettings, UiError> {
        crate::autostart::set(on).map_err(|message| UiError::new(ErrorCode::Storage, message))?;
        Ok(current(&desk))
    }
}

command! {
    /// Quits the desk as the tray's Quit does (Ctrl+Q in the window), saying first when work
    /// is waiting to be sent.
    pub fn quit_desk(app: tauri::AppHandle) -> () {
        crate::windows::quit(&app);
    }
}

command! {
    /// The person opened the screen of `view`: what it shows that no live event announces is
    /// read again if it is old (issue 35.8).
    pub fn looking_at(desk: State<'_, Desk>, view: hotelmate_core::events::View) -> () {
        desk.looking_at(view);
    }
}

command! {
    /// The person opened a screen that reads nothing of its own: what is read only while its
    /// screen shows waits for it.
    pub fn looking_away(desk: State<'_, Desk>) -> () {
        desk.looking_away();
    }
}

command! {
    /// The page of the calling window is alive (every 2 s): a shown page silent for 10 s is
    /// taken for hung and loaded again (issue 35.7).
    windows: [main, display]
    pub fn page_alive(window: tauri::WebviewWindow, beats: State<'_, crate::heartbeat::Heartbeats>) -> () {
        beats.beat(window.label());
    }
}

command! {
    /// The places of the texts that `query` finds among a list the screen holds (the
    /// settings, the saved replies' names), best first: the desk's one search rule.
    pub fn find_in(desk: State<'_, Desk>, query: String, texts: Vec<String>) -> Vec<u32> {
        desk.find_in(&query, &texts)
    }
}
