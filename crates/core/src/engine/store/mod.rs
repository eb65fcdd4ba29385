//! The desk's local SQLite database: WAL, versioned migrations, one writer.
//!
//! Everything the UI shows comes from here first, so the desk opens with no network. Writes that
//! belong together are one transaction. Secrets never go in here (see [`crate::secrets`]).

pub(crate) mod migrations;
mod outbox;
pub mod records;
mod session;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

pub use outbox::{
    order_of, EntryState, Op, OutboxEntry, ADDED_FILE, ADDED_PLACE, CHILDREN_BEFORE, IMAGE_FIELD,
    ORDER,
};
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

/// The one owner of the database connection.
pub struct Store {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
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
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll
        // back), so a poisoned lock is safe to keep using.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
