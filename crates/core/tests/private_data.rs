//! Issue 28.8: the desk's data (guest conversations, the display PIN's hash, photos waiting to
//! be sent) is readable by this user only: folders 0700 and files 0600, made so at creation and
//! put right at start-up for data made before. Real folders and the real SQLite file.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::unique;
use hotelmate_core::session::config::DataDir;
use hotelmate_core::session::secrets::TokenVault;
use hotelmate_core::{Desk, DeskOptions};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn open(dir: &Path) -> Desk {
    let mut options = DeskOptions::new(DataDir::at(dir));
    options.vault = TokenVault::with_service(unique("private"));
    options.toasts = false;
    Desk::open(options).unwrap()
}

/// Every file and folder under `dir` that another user could read.
fn readable_by_others(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        if mode(&folder) & 0o077 != 0 {
            found.push(format!("{} {:o}", folder.display(), mode(&folder)));
        }
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if mode(&path) & 0o077 != 0 {
                found.push(format!("{} {:o}", path.display(), mode(&path)));
            }
        }
    }
    found
}

#[test]
fn a_new_desks_data_is_readable_by_this_user_only() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("hotelmate-desk");
    let desk = open(&dir);
    // A write, so SQLite has made its WAL and shared-memory files too.
    desk.set_close_to_tray(true).unwrap();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("desk.sqlite3")), 0o600);
    assert!(dir.join("desk.sqlite3-wal").exists());
    assert_eq!(readable_by_others(&dir), Vec::<String>::new());
}

#[test]
fn data_made_before_with_wide_modes_is_made_private_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    drop(open(path));
    // As an older desk (or a copy) left them: the folder and files readable by everyone.
    std::fs::create_dir_all(path.join("media/chat-files")).unwrap();
    std::fs::write(path.join("media/chat-files/abc"), b"a guest's file").unwrap();
    for (file, wide) in [
        (path.to_path_buf(), 0o755),
        (path.join("media"), 0o755),
        (path.join("media/chat-files"), 0o755),
        (path.join("media/chat-files/abc"), 0o644),
        (path.join("desk.sqlite3"), 0o644),
    ] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(wide)).unwrap();
    }
    assert!(!readable_by_others(path).is_empty());
    drop(open(path));
    assert_eq!(readable_by_others(path), Vec::<String>::new());
    assert_eq!(
        std::fs::read(path.join("media/chat-files/abc")).unwrap(),
        b"a guest's file",
        "nothing is lost on the way"
    );
}
