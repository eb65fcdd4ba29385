//! The marks `cargo xtask bench app` times the desk by. With `HOTELMATE_BENCH_MARKS` set to a
//! file, the UI reports moments (its first paint, the first painted offers list) and each is
//! appended there as `<name> <µs since the Unix epoch>`; the benchmark took the time it started
//! the process on the same clock. Without the variable nothing is written, and a mark that
//! cannot be written is only logged.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// The variable naming the marks file.
const MARKS_VAR: &str = "HOTELMATE_BENCH_MARKS";

/// Appends the mark `name` (lowercase letters and dashes) to the marks file, if there is one.
pub fn mark(name: &str) {
    let Some(path) = std::env::var_os(MARKS_VAR) else {
        return;
    };
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return;
    }
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_micros());
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(format!("{name} {micros}\n").as_bytes()));
    if let Err(error) = written {
        tracing::warn!(%error, "cannot write a benchmark mark");
    }
}
