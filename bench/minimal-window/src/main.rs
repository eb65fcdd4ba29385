//! The reference `cargo xtask bench app` sets the desk beside: one Tauri v2 window showing a
//! static page, nothing else (no tray, no plugin, no state). Its page reports its first paint
//! with `bench_mark`, as the desk's UI does: appended to the file `HOTELMATE_BENCH_MARKS`
//! names, as `<name> <µs since the Unix epoch>`.
//!
//! `cargo xtask bench soak` sets it beside the reception display: with `HOTELMATE_MINIMAL_PHOTO`
//! set to a photo's address and `HOTELMATE_MINIMAL_SIZE` to `<width>x<height>`, the window
//! shows that one photo at that size, and nothing else.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use tauri::Manager;

#[tauri::command]
fn bench_mark(name: String) {
    let Some(path) = std::env::var_os("HOTELMATE_BENCH_MARKS") else {
        return;
    };
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_micros());
    let line = format!("{name} {micros}\n");
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut marks| marks.write_all(line.as_bytes()));
    if let Err(error) = appended {
        eprintln!("cannot write the mark {name}: {error}");
    }
}

/// The soak's reference: one static photo at the display's size, when the variables ask for it.
fn show_photo(app: &tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let Some(photo) = std::env::var_os("HOTELMATE_MINIMAL_PHOTO") else {
        return Ok(());
    };
    let window = app
        .get_webview_window("main")
        .ok_or("the window \"main\" is missing")?;
    let size = std::env::var("HOTELMATE_MINIMAL_SIZE").unwrap_or_else(|_| "1920x1080".into());
    let (width, height) = size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<f64>().ok()?, h.parse::<f64>().ok()?)))
        .ok_or_else(|| format!("HOTELMATE_MINIMAL_SIZE {size}: not <width>x<height>"))?;
    window.set_size(tauri::LogicalSize::new(width, height))?;
    window.navigate(tauri::Url::parse(&photo.to_string_lossy())?)?;
    Ok(())
}

fn main() {
    let ran = tauri::Builder::default()
        .setup(|app| show_photo(app))
        .invoke_handler(tauri::generate_handler![bench_mark])
        .run(tauri::generate_context!());
    if let Err(error) = ran {
        eprintln!("the minimal window could not run: {error}");
        std::process::exit(1);
    }
}
