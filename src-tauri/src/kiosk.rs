//! The reception display as a kiosk: its window full screen on the chosen screen, the screen
//! kept awake while it shows (the desktop's screensaver inhibited over D-Bus, the
//! freedesktop `org.freedesktop.ScreenSaver` interface GNOME, KDE and Xfce answer), no toasts
//! on this computer meanwhile, and left only through the display's unlock (a PIN or a staff
//! sign-in, checked by the core). While it shows, the desk window is closed ([`park_desk`]) and
//! made again when the display closes.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use hotelmate_core::Desk;
use tauri::{AppHandle, Manager};

use crate::windows::{DISPLAY, MAIN};

const SCREENSAVER: &str = "org.freedesktop.ScreenSaver";
/// After a failure to hold the screensaver off, how long before it is tried again (the display
/// asks every 15 s).
const INHIBIT_RETRY: Duration = Duration::from_secs(10 * 60);
const SCREENSAVER_PATH: &str = "/org/freedesktop/ScreenSaver";

/// The screensaver inhibition while the display shows: released with the connection it was
/// made on (so a crash releases it too).
pub struct Inhibition {
    connection: zbus::Connection,
    cookie: u32,
}

/// The kiosk's state in the app.
#[derive(Default)]
pub struct Kiosk {
    inhibition: tokio::sync::Mutex<Option<Inhibition>>,
    /// When holding the screensaver off last failed (no such service on this desktop): tried
    /// again only after [`INHIBIT_RETRY`], and said once in the log, not every 15 s.
    inhibit_failed_at: Mutex<Option<Instant>>,
    /// The display shows (set before the window is shown, so two opens do not race).
    shown: Mutex<bool>,
    /// The desk window is to be closed once the display shows something ([`display_painted`]).
    desk_to_close: Mutex<bool>,
}

async fn inhibit() -> zbus::Result<Inhibition> {
    let connection = zbus::Connection::session().await?;
    let reply = connection
        .call_method(
            Some(SCREENSAVER),
            SCREENSAVER_PATH,
            Some(SCREENSAVER),
            "Inhibit",
            &("HotelMate Desk", "Showing the reception display"),
        )
        .await?;
    let cookie: u32 = reply.body().deserialize()?;
    Ok(Inhibition { connection, cookie })
}

async fn release(inhibition: Inhibition) {
    let released = inhibition
        .connection
        .call_method(
            Some(SCREENSAVER),
            SCREENSAVER_PATH,
            Some(SCREENSAVER),
            "UnInhibit",
            &(inhibition.cookie,),
        )
        .await;
    if let Err(error) = released {
        tracing::info!(%error, "the screensaver was not told the display closed");
    }
}

/// Opens the reception display as a kiosk (or brings it to the front).
pub fn open(app: &AppHandle) -> Result<(), String> {
    let desk = app.state::<Desk>();
    // A kiosk nobody could leave during an outage is never started.
    if let Some(why) = desk
        .display()
        .cannot_start()
        .map_err(|error| error.to_string())?
    {
        return Err(why);
    }
    // Made the first time it opens: a hidden window costs a web process of its own.
    let window = crate::windows::display(app)?;
    let kiosk = app.state::<Kiosk>();
    let first = !std::mem::replace(&mut *lock(&kiosk.shown), true);
    if first {
        desk.display().opened();
    }
    desk.set_toasts_paused(true);
    let monitor = desk.display().settings().ok().and_then(|s| s.monitor);
    if let Some(name) = monitor {
        match window.available_monitors() {
            Ok(monitors) => match monitors.iter().find(|m| m.name() == Some(&name)) {
                Some(screen) => {
                    if let Err(error) = window.set_position(*screen.position()) {
                        tracing::warn!(%error, "cannot move the display to its screen");
                    }
                }
                None => tracing::warn!(
                    name,
                    "the display's screen is not connected; showing it where it opens"
                ),
            },
            Err(error) => tracing::warn!(%error, "cannot list the screens"),
        }
    }
    window
        .show()
        .and_then(|()| window.set_fullscreen(true))
        .and_then(|()| window.set_focus())
        .map_err(|error| format!("cannot show the reception display: {error}"))?;
    // Nothing of the signed-in desk (guest chats, offers, Sign out) stays reachable behind
    // the kiosk: no Alt+Tab, no Alt+F4 on it.
    crate::windows::hide(app, MAIN);
    if first {
        *lock(&kiosk.desk_to_close) = true;
        // Opened outside its hours it starts asleep: the screensaver is not held off at all
        // (before, it was held off until the page's first look at the hours).
        let asleep = match desk.display().opening() {
            Ok(state) => state.asleep,
            Err(error) => {
                tracing::warn!(%error, "the display's hours cannot be read; it opens awake");
                false
            }
        };
        let app = app.clone();
        tauri::async_runtime::spawn(async move { set_asleep(&app, asleep).await });
    }
    Ok(())
}

/// The display is asleep outside its opening hours (issue 39.2): the screensaver is no longer
/// held off, so the desktop blanks the screen by its own power settings where it offers that;
/// awake again, it is held off. Nothing changes while the display is not shown.
pub async fn set_asleep(app: &AppHandle, asleep: bool) {
    let kiosk = app.state::<Kiosk>();
    let mut slot = kiosk.inhibition.lock().await;
    if asleep || !*lock(&kiosk.shown) {
        if let Some(inhibition) = slot.take() {
            release(inhibition).await;
            tracing::info!("the display sleeps; the desktop may blank the screen");
        }
        return;
    }
    if slot.is_some() {
        return;
    }
    let failed_at = *lock(&kiosk.inhibit_failed_at);
    if failed_at.is_some_and(|at| at.elapsed() < INHIBIT_RETRY) {
        return;
    }
    match inhibit().await {
        Ok(inhibition) => {
            *slot = Some(inhibition);
            if lock(&kiosk.inhibit_failed_at).take().is_some() {
                tracing::info!("the screensaver is held off again");
            }
        }
        Err(error) => {
            if failed_at.is_none() {
                tracing::warn!(%error, "the screensaver cannot be held off; the screen may go dark (tried again every 10 minutes)");
            } else {
                tracing::debug!(%error, "the screensaver still cannot be held off");
            }
            *lock(&kiosk.inhibit_failed_at) = Some(Instant::now());
        }
    }
}

/// Leaves the kiosk (after the core checked who asked): the display closes and the desk shows.
pub fn close(app: &AppHandle) {
    let kiosk = app.state::<Kiosk>();
    *lock(&kiosk.desk_to_close) = false;
    if std::mem::replace(&mut *lock(&kiosk.shown), false) {
        app.state::<Desk>().display().closed();
    }
    app.state::<Desk>().set_toasts_paused(false);
    if let Some(window) = app.get_webview_window(DISPLAY) {
        if let Err(error) = window.set_fullscreen(false).and_then(|()| window.hide()) {
            tracing::warn!(%error, "cannot close the reception display");
        }
    }
    let app_for_release = app.clone();
    tauri::async_runtime::spawn(async move {
        let kiosk = app_for_release.state::<Kiosk>();
        let taken = kiosk.inhibition.lock().await.take();
        if let Some(inhibition) = taken {
            release(inhibition).await;
        }
    });
    if let Err(error) = crate::windows::desk(app) {
        tracing::error!(%error, "the desk window cannot be made again");
    }
    crate::windows::show(app, MAIN);
}

/// Sets the desk window aside while the display shows (issue 39.4): hidden, its page still
/// cost about 2.5 % of a core (measured on a GPU-less PC, which paints on the CPU, with every
/// timer of the page stopped) and its web process about 90 MiB (PSS) kept only for a window
/// nobody can reach. The window is closed, its web process with it; [`close`] makes it again
/// (the desk's work is the core's; the page keeps in the window's storage where the person was,
/// the offer open in the editor and whatever is typed in an editor and not saved, so it opens
/// as it was left, and the window's title gets its unread count back at once: issue 63.20).
///
/// Closed only once the display shows its first slide (or sleeps): the click that opened it has
/// long been handled, and a display that shows nothing (signed out, no content yet) still has
/// the desk behind it, hidden.
pub fn display_painted(app: &AppHandle) {
    if std::mem::take(&mut *lock(&app.state::<Kiosk>().desk_to_close)) {
        park_desk(app);
    }
}

fn park_desk(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        if let Err(error) = window.destroy() {
            tracing::warn!(%error, "the desk window is kept behind the display");
        }
    }
}

/// Whether the reception display shows now.
pub fn is_shown(app: &AppHandle) -> bool {
    *lock(&app.state::<Kiosk>().shown)
}

/// The desk was asked for (the tray's Open or Quit, a second launch, a toast): shown at once,
/// unless the reception display shows; then the display comes forward and asks for the PIN or
/// a staff sign-in, the one way past it (the core checks; `close` then shows the desk).
pub fn show_desk(app: &AppHandle) {
    if is_shown(app) {
        crate::windows::show(app, DISPLAY);
        app.state::<Desk>().ask_to_leave_display();
    } else {
        crate::windows::show(app, MAIN);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
