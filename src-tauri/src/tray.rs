//! The tray icon: how the desk's link is doing, how many edits wait to be sent and how many
//! guest messages are unread (also in its tooltip and the window's title), my clock (clock in or
//! out from the tray), Open, the reception display and Quit. Kept current from the core's
//! events (see `events.rs`).

use hotelmate_core::{ConnectionStatus, Desk, DeskEvent, SessionInfo};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::windows::APP_TITLE;

/// The menu lines that change, and what the icon shows.
pub struct TrayItems {
    status: MenuItem<Wry>,
    pending: MenuItem<Wry>,
    unread: MenuItem<Wry>,
    clock: MenuItem<Wry>,
    look: std::sync::Mutex<Look>,
}

/// What the tray's icon tells at a glance (it looked the same in every state, issue 36.10):
/// a dot in its corner, red for unread guest messages, grey while the server cannot be
/// worked with, amber while work waits to be sent; none when all is well.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Look {
    unread: bool,
    out: bool,
    waiting: bool,
}

impl Look {
    fn dot(self) -> Option<[u8; 4]> {
        if self.unread {
            Some([0xc0, 0x39, 0x2b, 0xff])
        } else if self.out {
            Some([0x80, 0x88, 0x90, 0xff])
        } else if self.waiting {
            Some([0xe0, 0x9a, 0x1a, 0xff])
        } else {
            None
        }
    }
}

/// `rgba` (`width` × `height`) with a dot of `color` in its lower right corner, ringed in
/// white so it shows on any panel.
fn with_dot(rgba: &[u8], width: u32, height: u32, color: [u8; 4]) -> Vec<u8> {
    let mut out = rgba.to_vec();
    let radius = f64::from(width.min(height)) * 0.2;
    let (cx, cy) = (
        f64::from(width) - radius - 1.0,
        f64::from(height) - radius - 1.0,
    );
    for y in 0..height {
        for x in 0..width {
            let distance = (f64::from(x) + 0.5 - cx).hypot(f64::from(y) + 0.5 - cy);
            let paint = if distance <= radius {
                color
            } else if distance <= radius + 1.5 {
                [0xff, 0xff, 0xff, 0xff]
            } else {
                continue;
            };
            let at = ((y * width + x) * 4) as usize;
            if let Some(pixel) = out.get_mut(at..at + 4) {
                pixel.copy_from_slice(&paint);
            }
        }
    }
    out
}

/// Shows `look` on the tray's icon.
fn show_look(app: &AppHandle, look: Look) {
    let (Some(tray), Some(icon)) = (app.tray_by_id("desk"), app.default_window_icon()) else {
        return;
    };
    let image = match look.dot() {
        Some(color) => tauri::image::Image::new_owned(
            with_dot(icon.rgba(), icon.width(), icon.height(), color),
            icon.width(),
            icon.height(),
        ),
        None => icon.clone().to_owned(),
    };
    if let Err(error) = tray.set_icon(Some(image)) {
        tracing::debug!(%error, "cannot update the tray's icon");
    }
}

pub fn install(app: &AppHandle) -> tauri::Result<()> {
    let status = MenuItem::with_id(app, "status", "Not signed in", false, None::<&str>)?;
    let pending = MenuItem::with_id(
        app,
        "pending",
        "Nothing waiting to be sent",
        false,
        None::<&str>,
    )?;
    let unread = MenuItem::with_id(app, "unread", NO_UNREAD, true, None::<&str>)?;
    let clock = MenuItem::with_id(app, "clock", "Clock in", false, None::<&str>)?;
    let open = MenuItem::with_id(app, "open", "Open HotelMate Desk", true, None::<&str>)?;
    let display = MenuItem::with_id(
        app,
        "display",
        "Open the reception display",
        true,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(
        app,
        &[
            &status, &pending, &unread, &clock, &separator, &open, &display, &quit,
        ],
    )?;
    let mut tray = TrayIconBuilder::with_id("desk")
        .tooltip("HotelMate Desk")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" | "unread" => crate::kiosk::show_desk(app),
            "display" => {
                if let Err(error) = crate::kiosk::open(app) {
                    tracing::warn!(%error, "the reception display cannot open");
                }
            }
            // Quitting would leave the lobby screen to the desktop behind it, and the clock
            // would clock whoever is signed in from the lobby: while the display shows, both
            // ask who is leaving it first (its PIN or a staff password, with its lockout).
            "clock" | "quit" if crate::kiosk::is_shown(app) => crate::kiosk::show_desk(app),
            "clock" => toggle_clock(app),
            "quit" => crate::windows::quit(app),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon().cloned() {
        tray = tray.icon(icon);
    }
    tray.build(app)?;
    app.manage(TrayItems {
        status,
        pending,
        unread,
        clock,
        look: std::sync::Mutex::new(Look::default()),
    });
    Ok(())
}

/// Clocks me in or out; the answer (or why not) comes as a notification, since the menu has
/// closed by then.
fn toggle_clock(app: &AppHandle) {
    let desk = app.state::<Desk>().inner().clone();
    tauri::async_runtime::spawn(async move {
        let (summary, body) = match desk.team().clock().await {
            Ok(session) => match session.is_on_duty {
                Some(true) => ("Clocked in", "You are on duty.".to_owned()),
                _ => ("Clocked out", "You are off duty.".to_owned()),
            },
            Err(error) => {
                let error = hotelmate_core::UiError::from(error);
                ("Clock not changed", error.message)
            }
        };
        hotelmate_core::notify::show_message(summary, &body).await;
    });
}

/// The clock line: what a click does, or why it cannot.
fn clock_line(session: &SessionInfo) -> (String, bool) {
    if session.clock_refused.is_some() {
        return ("Clock in at the face terminal".to_owned(), false);
    }
    match session.is_on_duty {
        Some(true) => ("Clock out (on duty)".to_owned(), true),
        _ => ("Clock in".to_owned(), true),
    }
}

/// Brings the tray's lines (and the window's title) up to date with an event of the core.
pub fn update(app: &AppHandle, event: &DeskEvent) {
    match event {
        // A guest's toast was clicked: the thread opens in the desk's window (the UI shows it).
        DeskEvent::OpenThread { .. } => crate::kiosk::show_desk(app),
        DeskEvent::ChatChanged { unread_total, .. } => show_unread(app, *unread_total),
        // Signed out: the last account's count is not the next person's (it stayed in the
        // title). Signed in or reopened: the count kept on this desk, before the chat's first
        // change (the title had lost it after a restart).
        DeskEvent::SessionChanged { session: None } => show_unread(app, 0),
        DeskEvent::SessionChanged { session: Some(_) } => show_unread_now(app),
        _ => {}
    }
    let Some(items) = app.try_state::<TrayItems>() else {
        return;
    };
    let result = match event {
        DeskEvent::Connection { status } => items.status.set_text(status_line(status)),
        DeskEvent::SessionChanged { session: None } => items
            .status
            .set_text("Not signed in")
            .and_then(|()| items.clock.set_enabled(false))
            .and_then(|()| items.unread.set_text(NO_UNREAD)),
        DeskEvent::SessionChanged {
            session: Some(session),
        } => {
            let (text, enabled) = clock_line(session);
            items
                .clock
                .set_text(text)
                .and_then(|()| items.clock.set_enabled(enabled))
        }
        DeskEvent::ChatChanged { unread_total, .. } => {
            items.unread.set_text(unread_line(*unread_total))
        }
        DeskEvent::Outbox { summary } => items.pending.set_text(match summary.pending {
            0 => "Nothing waiting to be sent".to_owned(),
            1 => "1 change waiting to be sent".to_owned(),
            n => format!("{n} changes waiting to be sent"),
        }),
        _ => Ok(()),
    };
    if let Err(error) = result {
        tracing::debug!(%error, "cannot update the tray");
    }
    let changed = {
        let mut look = items
            .look
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let before = *look;
        match event {
            DeskEvent::Connection { status } => {
                look.out = matches!(status, ConnectionStatus::Offline { .. });
            }
            DeskEvent::ChatChanged { unread_total, .. } => look.unread = *unread_total > 0,
            DeskEvent::Outbox { summary } => look.waiting = summary.pending > 0,
            DeskEvent::SessionChanged { session: None } => *look = Look::default(),
            _ => {}
        }
        (*look != before).then_some(*look)
    };
    if let Some(look) = changed {
        show_look(app, look);
    }
}

const NO_UNREAD: &str = "No unread guest messages";

fn unread_line(unread: u32) -> String {
    match unread {
        0 => NO_UNREAD.to_owned(),
        1 => "1 unread guest message".to_owned(),
        n => format!("{n} unread guest messages"),
    }
}

/// The unread total kept on this desk, in the tray's tooltip and the window's title: at a
/// sign-in or a reopen.
fn show_unread_now(app: &AppHandle) {
    match app.state::<Desk>().chat().unread_total() {
        Ok(unread) => show_unread(app, unread),
        Err(error) => tracing::debug!(%error, "the unread count is not known yet"),
    }
}

/// The unread total in the tray's tooltip and the window's title ("(3) HotelMate Desk").
fn show_unread(app: &AppHandle, unread: u32) {
    let tooltip = match unread {
        0 => APP_TITLE.to_owned(),
        n => format!("{APP_TITLE} · {}", unread_line(n)),
    };
    if let Some(tray) = app.tray_by_id("desk") {
        if let Err(error) = tray.set_tooltip(Some(tooltip)) {
            tracing::debug!(%error, "cannot update the tray's tooltip");
        }
    }
    crate::windows::show_unread_in_title(app, unread);
}

fn status_line(status: &ConnectionStatus) -> String {
    match status {
        ConnectionStatus::Unknown => "Connecting…".into(),
        ConnectionStatus::Online => "Connected".into(),
        ConnectionStatus::LiveReconnecting { .. } => "Connected · live updates reconnecting".into(),
        ConnectionStatus::LiveOff { .. } => "Connected · no live updates".into(),
        ConnectionStatus::Checking => "Checking the connection…".into(),
        ConnectionStatus::Offline { reason, .. } => format!("Offline: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 36.10: the tray icon looked the same unread, waiting and offline.
    #[test]
    fn each_state_has_its_own_dot_and_all_well_has_none() {
        assert_eq!(Look::default().dot(), None);
        let unread = Look {
            unread: true,
            out: true,
            waiting: true,
        };
        let out = Look {
            out: true,
            waiting: true,
            ..Look::default()
        };
        let waiting = Look {
            waiting: true,
            ..Look::default()
        };
        let dots = [unread.dot(), out.dot(), waiting.dot()];
        assert!(dots.iter().all(Option::is_some));
        assert_ne!(dots[0], dots[1]);
        assert_ne!(dots[1], dots[2]);
        assert_ne!(dots[0], dots[2]);
    }

    #[test]
    fn the_dot_is_painted_in_the_corner_and_the_rest_is_left() {
        let (w, h) = (32, 32);
        let icon = vec![10u8; (w * h * 4) as usize];
        let red = [0xc0, 0x39, 0x2b, 0xff];
        let painted = with_dot(&icon, w, h, red);
        let pixel = |x: u32, y: u32| &painted[((y * w + x) * 4) as usize..][..4];
        assert_eq!(pixel(25, 25), red, "the corner has the dot");
        assert_eq!(pixel(4, 4), [10, 10, 10, 10], "the rest is the icon");
        assert_eq!(painted.len(), icon.len());
    }
}
