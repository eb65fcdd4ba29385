//! The reference `cargo xtask bench app` sets the desk beside: one Tauri v2 window showing a
//! static page, nothing else (no tray, no plugin, no state). Its page reports its first paint
//! with `bench_mark`, as the desk's UI does: appended to the file `HOTELMATE_BENCH_MARKS`
//! names, as `<name> <µs since the Unix epoch>`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

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

fn main() {
    let ran = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![bench_mark])
        .run(tauri::generate_context!());
    if let Err(error) = ran {
        eprintln!("the minimal window could not run: {error}");
        std::process::exit(1);
    }
}
