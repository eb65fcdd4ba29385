//! The reception display as a kiosk: its window full screen on the chosen screen, the screen
//! kept awake while it shows (the desktop's screensaver inhibited over D-Bus, the
//! freedesktop `org.freedesktop.ScreenSaver` interface GNOME, KDE and Xfce answer), no toasts
//! on this computer meanwhile, and left only through the display's unlock (a PIN or a staff
//! sign-in, checked by the core). While it shows, the desk window's page is set aside
//! ([`park_desk`]) and loaded again where it was when the display closes.

use std::sync::Mutex;

use hotelmate_core::Desk;
use tauri::{AppHandle, Manager, Url};

use crate::windows::{DISPLAY, MAIN};

const SCREENSAVER: &str = "org.freedesktop.ScreenSaver";
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
    /// The display shows (set before the window is shown, so two opens do not race).
    shown: Mutex<bool>,
    /// Where the desk window's page was when the display opened ([`park_desk`]).
    parked: Mutex<Option<Url>>,
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
        park_desk(app);
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
    match inhibit().await {
        Ok(inhibition) => *slot = Some(inhibition),
        Err(error) => {
            tracing::warn!(%error, "the screensaver cannot be held off; the screen may go dark")
        }
    }
}

/// Leaves the kiosk (after the core checked who asked): the display closes and the desk shows.
pub fn close(app: &AppHandle) {
    let kiosk = app.state::<Kiosk>();
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
    unpark_desk(app);
    crate::windows::show(app, MAIN);
}

/// Sets the hidden desk window's page aside while the display shows (issue 39.4): hidden,
/// WebKit still spent about 2.5 % of a core on it (measured on a GPU-less PC, which paints on
/// the CPU, with every timer of the page stopped) and kept its scripts and pictures in memory,
/// for nothing anyone can see; an empty page costs neither. [`unpark_desk`] loads it again
/// where it was (the desk's work is the core's: nothing on the page is lost).
fn park_desk(app: &AppHandle) {
    let Some(window) = app.get_webview_window(MAIN) else {
        return;
    };
    let was = match window.url() {
        Ok(url) if url.scheme() != "about" => url,
        Ok(_) => return,
        Err(error) => {
            tracing::warn!(%error, "the desk window's page is kept behind the display");
            return;
        }
    };
    let parked = Url::parse("about:blank")
        .map_err(|error| error.to_string())
        .and_then(|blank| window.navigate(blank).map_err(|error| error.to_string()));
    match parked {
        Ok(()) => *lock(&app.state::<Kiosk>().parked) = Some(was),
        Err(error) => tracing::warn!(%error, "the desk window's page is kept behind the display"),
    }
}

/// Loads the desk window's page again where it was before the display opened.
fn unpark_desk(app: &AppHandle) {
    let Some(was) = lock(&app.state::<Kiosk>().parked).take() else {
        return;
    };
    if let Some(window) = app.get_webview_window(MAIN) {
        if let Err(error) = window.navigate(was) {
            tracing::warn!(%error, "the desk window's page cannot be loaded again");
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
