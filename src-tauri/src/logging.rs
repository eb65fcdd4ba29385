//! The desk's log: `<data dir>/logs/desk.log` and the files it was rotated into, each at most
//! [`LOG_FILE_BYTES`] and one line, the newest [`LOG_FILES`] kept, so the folder never holds
//! more than about 100 MB whatever is logged and however fast (issue 63.6); a message repeated
//! within a minute is written a few times and then counted ([`repeats`]). Secrets are never
//! formatted (their types print `***`). Not for: what is logged (each module says).

mod repeats;

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use file_rotate::compression::Compression;
use file_rotate::suffix::{AppendTimestamp, FileLimit};
use file_rotate::{ContentLimit, FileRotate};
use hotelmate_core::session::config::DataDir;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

use repeats::Repeats;

/// A file is closed and a new one begun once it passes this size: large enough for days of an
/// ordinary desk's log (a few hundred KB a day), small enough to open in any editor.
pub const LOG_FILE_BYTES: usize = 10 * 1024 * 1024;
/// How many files are kept, the one being written included: with [`LOG_FILE_BYTES`] and
/// [`MAX_LINE_BYTES`] the folder's ceiling, about 100 MB (weeks of an ordinary desk's log, an
/// hour of a storm's).
pub const LOG_FILES: usize = 10;
/// A longer line (a server's megabyte quoted in an error) is cut here: one line may not fill a
/// file by itself.
pub const MAX_LINE_BYTES: usize = 16 * 1024;
/// The file being written; the others are `desk.log.<when it was closed>`.
const LOG_FILE: &str = "desk.log";

/// Logs to `<data dir>/logs/` (see the module's doc) or, when that folder cannot be written,
/// to stderr.
pub fn init(data_dir: &DataDir) {
    let filter = EnvFilter::try_from_env("HOTELMATE_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tao=warn,wry=warn"));
    let folder = data_dir.logs();
    match std::fs::create_dir_all(&folder) {
        Ok(()) => {
            forget_daily_files(&folder);
            let files = LogFiles::new(&folder, LOG_FILE_BYTES, LOG_FILES);
            tracing_subscriber::registry()
                .with(filter)
                .with(Repeats::new(files.clone()))
                .with(fmt_layer(files))
                .init();
        }
        Err(error) => {
            tracing_subscriber::registry()
                .with(filter)
                .with(Repeats::new(std::io::stderr))
                .with(fmt_layer(std::io::stderr))
                .init();
            tracing::warn!(%error, "logging to stderr: the log folder cannot be written");
        }
    }
}

/// The desk's lines as they were before (plain text, no colours).
fn fmt_layer<S, W>(writer: W) -> impl tracing_subscriber::Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(writer)
}

/// Removes the daily files of the desks before 63.6 (`desk.2026-11-29.log`): nothing capped
/// them, and the rotation below only counts its own.
fn forget_daily_files(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(date) = name
            .to_str()
            .and_then(|name| name.strip_prefix("desk."))
            .and_then(|rest| rest.strip_suffix(".log"))
        else {
            continue;
        };
        if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The log's files, rotated by size with `file-rotate`, each line cut at [`MAX_LINE_BYTES`];
/// shared by the lines and [`Repeats`]' counts.
#[derive(Clone)]
pub struct LogFiles(Arc<Mutex<FileRotate<AppendTimestamp>>>);

impl LogFiles {
    /// Files in `folder` (which must exist) of at most `file_bytes` (a line more), `files` in
    /// all kept.
    pub fn new(folder: &Path, file_bytes: usize, files: usize) -> Self {
        Self(Arc::new(Mutex::new(FileRotate::new(
            folder.join(LOG_FILE),
            AppendTimestamp::default(FileLimit::MaxFiles(files.saturating_sub(1).max(1))),
            ContentLimit::BytesSurpassed(file_bytes.max(1)),
            Compression::None,
            None,
        ))))
    }
}

/// One line's writer: holds the files while the line is written.
pub struct LineWriter<'a>(std::sync::MutexGuard<'a, FileRotate<AppendTimestamp>>);

impl Write for LineWriter<'_> {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        if line.len() <= MAX_LINE_BYTES {
            self.0.write_all(line)?;
        } else {
            let mut cut = line[..MAX_LINE_BYTES].to_vec();
            cut.extend_from_slice(b" [cut]\n");
            self.0.write_all(&cut)?;
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogFiles {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        // A panic while a line was written leaves at worst half a line: go on writing.
        LineWriter(self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder_bytes(folder: &Path) -> (usize, u64) {
        let files: Vec<_> = std::fs::read_dir(folder)
            .unwrap()
            .flatten()
            .map(|entry| entry.metadata().unwrap().len())
            .collect();
        (files.len(), files.iter().sum())
    }

    /// Issue 63.6: whatever is logged, and however long a line, the folder keeps at most its
    /// files, each at most its size and one (cut) line.
    #[test]
    fn the_log_folder_never_holds_more_than_its_ceiling() {
        let dir = tempfile::tempdir().unwrap();
        let (file_bytes, files) = (64 * 1024, 4);
        let log = LogFiles::new(dir.path(), file_bytes, files);
        let subscriber = tracing_subscriber::registry().with(fmt_layer(log));
        tracing::subscriber::with_default(subscriber, || {
            for n in 0..20_000 {
                tracing::warn!(n, "a junk frame was dropped");
            }
            tracing::warn!(junk = %"x".repeat(4 * 1024 * 1024), "a megabyte quoted");
        });
        let (count, bytes) = folder_bytes(dir.path());
        assert_eq!(count, files, "the oldest files were removed");
        let ceiling = (files * (file_bytes + MAX_LINE_BYTES + 64)) as u64;
        assert!(
            bytes <= ceiling,
            "{bytes} bytes over the ceiling of {ceiling}"
        );
        let newest = std::fs::read_to_string(dir.path().join(LOG_FILE)).unwrap();
        assert!(newest.contains("a megabyte quoted"), "{}", newest.len());
        assert!(newest.ends_with(" [cut]\n"));
    }

    #[test]
    fn the_daily_files_of_earlier_desks_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "desk.2026-11-28.log",
            "desk.2026-11-29.log",
            "desk.log",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        forget_daily_files(dir.path());
        let mut left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["desk.log", "notes.txt"]);
    }
}
