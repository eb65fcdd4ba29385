//! Opens a web address in the computer's own browser (links in guests' messages never open
//! inside the desk's window).

use std::process::{Command, Stdio};

/// Starts the system's opener for `url` (already checked to be `http`/`https`) and does not
/// wait for it.
pub fn open(url: &str) -> std::io::Result<()> {
    let mut command = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut start = Command::new("rundll32");
        start.arg("url.dll,FileProtocolHandler");
        start
    } else {
        Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
}
