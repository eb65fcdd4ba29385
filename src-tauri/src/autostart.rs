//! "Start at login": an XDG autostart entry (`~/.config/autostart/hotelmate-desk.desktop`)
//! that starts this program, so a front-desk PC or a reception display comes up with the desk.

use std::path::PathBuf;

const ENTRY: &str = "hotelmate-desk.desktop";

fn entry_path() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(config.join("autostart").join(ENTRY))
}

pub fn enabled() -> bool {
    entry_path().is_some_and(|path| path.is_file())
}

/// Writes or removes the entry; the error is a sentence for the user.
pub fn set(on: bool) -> Result<(), String> {
    write(on, false)
}

/// This computer is (or stops being) a reception display: it starts at login straight into the
/// display, or (no longer one) stops starting at login until "Start at login" is switched on.
pub fn set_display(on: bool) -> Result<(), String> {
    let is_display_entry = entry_path()
        .and_then(|path| std::fs::read_to_string(path).ok())
        .is_some_and(|entry| entry.contains(DISPLAY_ARG));
    if on || is_display_entry {
        write(on, on)?;
    }
    Ok(())
}

const DISPLAY_ARG: &str = "--display";

fn write(on: bool, display: bool) -> Result<(), String> {
    let path = entry_path().ok_or("there is no home folder to keep the login setting in")?;
    if !on {
        return match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(format!("cannot remove {}: {error}", path.display())),
        };
    }
    let program = std::env::current_exe()
        .map_err(|error| format!("cannot tell where this program is: {error}"))?;
    let entry = format!(
        "[Desktop Entry]\nType=Application\nName=HotelMate Desk\nExec=\"{}\"{}\nX-GNOME-Autostart-enabled=true\n",
        program.display(),
        if display {
            format!(" {DISPLAY_ARG}")
        } else {
            String::new()
        }
    );
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    }
    std::fs::write(&path, entry)
        .map_err(|error| format!("cannot write {}: {error}", path.display()))
}
