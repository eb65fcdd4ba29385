//! The desk's local SQLite database: WAL, versioned migrations, one writer.
//!
//! Everything the UI shows comes from here first, so the desk opens with no network. Writes that
//! belong together are one transaction. Secrets never go in here (see [`crate::secrets`]).

pub(crate) mod migrations;
mod outbox;
pub mod records;
mod session;
mod written;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

pub use migrations::Migration;
#[cfg(feature = "test-support")]
pub use outbox::Target;
pub use outbox::{Cancelled, EntryState, Op, OutboxEntry, Undone};
pub use records::{Replaced, Row};
pub use session::{SessionRow, UnsentWork};

/// Why the local database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened.
    #[error("cannot open the desk's database at '{path}': {source}")]
    Open {
        /// The database file.
        path: String,
        /// SQLite's reason.
        source: rusqlite::Error,
    },
    /// The database was made by a newer version of the desk.
    #[error(
        "the desk's database is from a newer HotelMate Desk (schema {found}, this version knows \
         {known}); update the app"
    )]
    TooNew {
        /// The schema version the database has.
        found: i64,
        /// The newest schema version this desk knows.
        known: i64,
    },
    /// Bringing the database's schema up to date failed.
    #[error("cannot upgrade the desk's database to schema {version}: {source}")]
    Migration {
        /// The schema version that could not be reached.
        version: i64,
        /// SQLite's reason.
        source: rusqlite::Error,
    },
    /// A query or write failed.
    #[error("the desk's database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The folder (or the file) for the database could not be created.
    #[error("cannot create '{path}' for the desk's database: {source}")]
    Folder {
        /// The folder or file.
        path: String,
        /// The system's reason.
        source: std::io::Error,
    },
}

impl StoreError {
    /// Whether the write failed because the disk (or the database's allowed size) is full:
    /// SQLite answers `SQLITE_FULL` for both, and for `ENOSPC` from the system.
    pub fn is_disk_full(&self) -> bool {
        let sqlite = match self {
            Self::Sqlite(err)
            | Self::Open { source: err, .. }
            | Self::Migration { source: err, .. } => err,
            Self::Folder { source, .. } => {
                return source.kind() == std::io::ErrorKind::StorageFull;
            }
            Self::TooNew { .. } => return false,
        };
        matches!(
            sqlite,
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == rusqlite::ErrorCode::DiskFull
        )
    }
}

/// What a feature keeps in the store beside the engine's records and outbox (its own tables,
/// its own queue). The desk hands every feature's to [`Store::open`], so the engine names none
/// of them, and no account's data can be left behind by a feature it forgot.
pub struct LocalData {
    /// The migrations that make and change its tables, numbered in the one sequence of the
    /// database's versions ([`migrations`]).
    pub migrations: &'static [Migration],
    /// Tables holding a signed-in account's data: emptied with the account, in the same
    /// transaction as the engine's.
    pub account_tables: &'static [&'static str],
    /// Its work not on the server yet: (waiting to be sent, refused and waiting for the
    /// person), counted in the status bar's "waiting" and "refused".
    pub waiting: fn(&Connection) -> rusqlite::Result<(u32, u32)>,
    /// Adds its share of what a sign-out would delete.
    pub unsent: fn(&Connection, &mut UnsentWork) -> rusqlite::Result<()>,
}

/// Every feature's [`LocalData`], as the desk registers them.
pub type LocalDataList = &'static [&'static LocalData];

/// The one owner of the database connection.
pub struct Store {
    conn: Mutex<Connection>,
    /// What the features keep besides the engine's tables.
    local: LocalDataList,
    /// Counts each time an outbox entry's attempt ends (sent, or back to waiting), so that a
    /// person's undo of a delete on its way can wait for its outcome ([`Self::attempt_ended`]).
    attempts_ended: tokio::sync::watch::Sender<u64>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date. `local`
    /// is what the features keep in it besides the engine's tables (`features::LOCAL_DATA`).
    pub fn open(path: &Path, local: LocalDataList) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent() {
            crate::session::config::private::create_dir(parent).map_err(|source| {
                StoreError::Folder {
                    path: parent.display().to_string(),
                    source,
                }
            })?;
        }
        // Created 0600 before SQLite opens it: its WAL and shared-memory files take the
        // database's mode, so guest conversations are never readable by other users.
        crate::session::config::private::create_file(path).map_err(|source| {
            StoreError::Folder {
                path: path.display().to_string(),
                source,
            }
        })?;
        let mut conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // A display runs for months: after each checkpoint the write-ahead log is cut back to
        // this size rather than kept at its largest (a long read can let it grow past SQLite's
        // 4 MB checkpoint mark; issue 39.4's disk bound).
        conn.pragma_update(None, "journal_size_limit", 8 * 1024 * 1024)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::migrate(&mut conn, local)?;
        Ok(Self {
            conn: Mutex::new(conn),
            local,
            attempts_ended: tokio::sync::watch::channel(0).0,
        })
    }

    /// A write that needs room, as a message or a row does, undone in the same transaction:
    /// it fails as they do when the disk is full (issue 63.9: the sync worker tries it every
    /// round until the disk has room again). A few pages' worth, so that space freed inside a
    /// page is not taken for room.
    pub(crate) fn probe_write(&self) -> Result<(), StoreError> {
        const PROBE_BYTES: i64 = 16 * 1024;
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO preferences (key, value) VALUES ('storage_probe', zeroblob(?1))
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [PROBE_BYTES],
        )?;
        tx.execute("DELETE FROM preferences WHERE key = 'storage_probe'", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Test support: fills the database as a full disk would (it may grow no more, and what
    /// room it has is taken), so that writes fail with `SQLITE_FULL`, as on a full disk.
    #[cfg(feature = "test-support")]
    pub fn fill_for_test(&self) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.execute_batch("CREATE TABLE IF NOT EXISTS test_filler (bytes BLOB)")?;
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        for size in [4096, 512, 64] {
            for _ in 0..100_000 {
                let filled = conn.execute(
                    "INSERT INTO test_filler (bytes) VALUES (zeroblob(?1))",
                    [size],
                );
                match filled.map_err(StoreError::from) {
                    Ok(_) => {}
                    Err(err) if err.is_disk_full() => break,
                    Err(err) => return Err(err),
                }
            }
        }
        Ok(())
    }

    /// Test support: gives the database its room back after [`Store::fill_for_test`].
    #[cfg(feature = "test-support")]
    pub fn free_for_test(&self) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.execute_batch("DROP TABLE IF EXISTS test_filler")?;
        conn.query_row("PRAGMA max_page_count = 1073741823", [], |_| Ok(()))?;
        Ok(())
    }

    /// The features' work not on the server yet: (waiting to be sent, refused and waiting for
    /// the person).
    pub(crate) fn local_waiting(&self) -> Result<(u32, u32), StoreError> {
        let conn = self.lock();
        let mut total = (0, 0);
        for local in self.local {
            let (waiting, refused) = (local.waiting)(&conn)?;
            total = (total.0 + waiting, total.1 + refused);
        }
        Ok(total)
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll
        // back), so a poisoned lock is safe to keep using.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What the store's own tests share: a store in a fresh folder with no feature's tables, and
/// rows written as JSON.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Row, Store};

    /// A store in a folder of its own (kept while the folder lives), with no feature's data.
    pub(crate) fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("desk.sqlite3"), &[]).unwrap();
        (dir, store)
    }

    /// A row from JSON written in a test.
    pub(crate) fn row(value: serde_json::Value) -> Row {
        match value {
            serde_json::Value::Object(row) => row,
            _ => unreachable!("a test row is an object"),
        }
    }
}

#[cfg(test)]
mod tests {
    /// A write far bigger than SQLite's checkpoint mark (12 MB in one go, as a long catch-up
    /// might) leaves the write-ahead log at most the limit once it is checkpointed and written
    /// to again, not at its largest for as long as the desk runs.
    #[test]
    fn the_write_ahead_log_is_cut_back_after_a_big_write() {
        let (dir, store) = super::testing::store();
        let wal = dir.path().join("desk.sqlite3-wal");
        let big = "x".repeat(1024 * 1024);
        {
            let conn = store.lock();
            conn.execute_batch("BEGIN; CREATE TABLE filler (text TEXT);")
                .unwrap();
            for _ in 0..12 {
                conn.execute("INSERT INTO filler VALUES (?1)", [&big])
                    .unwrap();
            }
            conn.execute_batch("COMMIT;").unwrap();
        }
        let grown = std::fs::metadata(&wal).unwrap().len();
        assert!(grown > 12 * 1024 * 1024, "the log grew: {grown}");
        store.set_preference("after", "a checkpoint").unwrap();
        store
            .lock()
            .execute_batch("PRAGMA wal_checkpoint(PASSIVE);")
            .unwrap();
        store.set_preference("and", "another write").unwrap();
        let kept = std::fs::metadata(&wal).unwrap().len();
        assert!(kept <= 8 * 1024 * 1024, "the log kept {kept} bytes");
    }
}
