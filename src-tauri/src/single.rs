//! One desk per data folder: a second launch hands its arguments to the running desk (which
//! shows its window, or the reception display for `--display`) and ends. Two desks on one
//! computer (`HOTELMATE_DATA_DIR`) each keep their own. A Unix socket in the data folder; a
//! stale one (the desk was killed) is replaced.

use std::io::{Read, Write};
use std::path::Path;

/// What the start-up should do.
pub enum Instance {
    /// This is the desk: listen for later launches.
    First(Option<std::os::unix::net::UnixListener>),
    /// A desk is already running and has the arguments: end.
    Handed,
}

const SOCKET_NAME: &str = "desk.sock";

pub fn claim(data_dir: &Path, args: &[String]) -> Instance {
    let path = data_dir.join(SOCKET_NAME);
    if let Ok(mut running) = std::os::unix::net::UnixStream::connect(&path) {
        if running.write_all(args.join("\n").as_bytes()).is_ok() {
            return Instance::Handed;
        }
    }
    // Nobody answers: the file (if any) was left by a desk that was killed.
    let _ = std::fs::remove_file(&path);
    match std::os::unix::net::UnixListener::bind(&path) {
        Ok(listener) => Instance::First(Some(listener)),
        Err(error) => {
            tracing::warn!(%error, "a second launch will open a second window");
            Instance::First(None)
        }
    }
}

/// The desk is quitting: later launches start a desk of their own instead of handing over to
/// this one (which would not show anything any more).
pub fn release(data_dir: &Path) {
    let _ = std::fs::remove_file(data_dir.join(SOCKET_NAME));
}

/// Serves later launches: each shows the window its arguments ask for.
pub fn listen(listener: std::os::unix::net::UnixListener, app: tauri::AppHandle) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut args = String::new();
            if stream.read_to_string(&mut args).is_err() {
                continue;
            }
            let wants_display = args.lines().any(|a| a == "--display");
            tracing::info!(wants_display, "another launch asked for this desk");
            if wants_display {
                if let Err(error) = crate::kiosk::open(&app) {
                    tracing::warn!(%error, "the reception display cannot open");
                }
            } else {
                crate::kiosk::show_desk(&app);
            }
        }
    });
}
