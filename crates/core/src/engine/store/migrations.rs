//! Versioned schema migrations, tracked in `PRAGMA user_version`: the engine's own
//! ([`MIGRATIONS`]) and those each feature registers with its tables
//! ([`super::LocalData::migrations`]), run in the order of their versions, which are one
//! sequence for the whole database. Add a migration with the next free version, in the module
//! whose tables it changes; never edit one that has shipped.

use rusqlite::Connection;

use super::{LocalDataList, StoreError};

/// One schema step.
#[derive(Debug)]
pub struct Migration {
    /// The schema version after it runs.
    pub version: i64,
    /// What it does, for the log.
    pub name: &'static str,
    /// Its SQL, run in one transaction.
    pub sql: &'static str,
}

/// The engine's own migrations (its session, records, outbox and preferences).
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
    version: 1,
    name: "session: who is signed in, on which server",
    sql: "CREATE TABLE session (
              id            INTEGER PRIMARY KEY CHECK (id = 1),
              account       TEXT NOT NULL,
              username      TEXT NOT NULL,
              api_base      TEXT NOT NULL,
              pusher        TEXT,
              is_demo       INTEGER NOT NULL DEFAULT 0,
              hotel_id      INTEGER,
              hotel_name    TEXT NOT NULL,
              hotel_slug    TEXT NOT NULL,
              staff_id      INTEGER NOT NULL,
              first_name    TEXT NOT NULL DEFAULT '',
              last_name     TEXT NOT NULL DEFAULT '',
              role          TEXT,
              department    TEXT,
              access_level  TEXT,
              signed_in_at  TEXT NOT NULL
          );",
    },
    Migration {
        version: 2,
        name: "records, outbox and sync state: the offline-first sync engine",
        sql: "CREATE TABLE records (
              resource   TEXT NOT NULL,
              id         INTEGER NOT NULL,
              server     TEXT NOT NULL,
              seen_at    TEXT NOT NULL,
              PRIMARY KEY (resource, id)
          );
          CREATE TABLE outbox (
              seq        INTEGER PRIMARY KEY AUTOINCREMENT,
              resource   TEXT NOT NULL,
              op         TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete', 'upload', 'clear_image')),
              target     INTEGER NOT NULL,
              fields     TEXT NOT NULL DEFAULT '{}',
              base       TEXT NOT NULL DEFAULT '{}',
              media      TEXT,
              state      TEXT NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'sending', 'conflict', 'rejected')),
              problem    TEXT,
              attempts   INTEGER NOT NULL DEFAULT 0,
              created_at TEXT NOT NULL
          );
          CREATE INDEX outbox_target ON outbox (resource, target);
          CREATE TABLE sync_state (
              resource      TEXT PRIMARY KEY,
              reconciled_at TEXT,
              last_error    TEXT
          );",
    },
    Migration {
        version: 3,
        name: "preferences of this desk (muted toast categories)",
        sql: "CREATE TABLE preferences (
              key   TEXT PRIMARY KEY,
              value TEXT NOT NULL
          );",
    },
    Migration {
        version: 4,
        name: "id_map: server ids of rows created here, for edits made while the create was sent",
        sql: "CREATE TABLE id_map (
              resource TEXT NOT NULL,
              temp_id  INTEGER NOT NULL,
              id       INTEGER NOT NULL,
              PRIMARY KEY (resource, temp_id)
          );",
    },
    Migration {
        version: 5,
        name: "outbox: a reorder is one entry (the whole order), so the outbox table allows it",
        // SQLite cannot change a CHECK in place: copy into a new table. The AUTOINCREMENT
        // counter is carried over, so a new create never gets a temporary id used before.
        sql: "CREATE TABLE outbox_new (
              seq        INTEGER PRIMARY KEY AUTOINCREMENT,
              resource   TEXT NOT NULL,
              op         TEXT NOT NULL
                         CHECK (op IN ('create', 'update', 'delete', 'upload', 'clear_image', 'reorder')),
              target     INTEGER NOT NULL,
              fields     TEXT NOT NULL DEFAULT '{}',
              base       TEXT NOT NULL DEFAULT '{}',
              media      TEXT,
              state      TEXT NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'sending', 'conflict', 'rejected')),
              problem    TEXT,
              attempts   INTEGER NOT NULL DEFAULT 0,
              created_at TEXT NOT NULL
          );
          INSERT INTO outbox_new SELECT seq, resource, op, target, fields, base, media, state,
              problem, attempts, created_at FROM outbox;
          INSERT INTO sqlite_sequence (name, seq)
              SELECT 'outbox_new', seq FROM sqlite_sequence WHERE name = 'outbox'
              AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox_new');
          UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'outbox'))
              WHERE name = 'outbox_new' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox');
          DROP TABLE outbox;
          ALTER TABLE outbox_new RENAME TO outbox;
          CREATE INDEX outbox_target ON outbox (resource, target);",
    },
    Migration {
        version: 6,
        name: "session: whether I am on duty, as the server last said (NULL: not said yet)",
        sql: "ALTER TABLE session ADD COLUMN is_on_duty INTEGER;",
    },
    Migration {
        version: 9,
        name: "outbox: a child added to a row, and the order of a row's children, are operations of their own (issue 24.2)",
        // Before, a photo added to a gallery was an 'upload' whose fields had an `adds` key, and
        // the order of a gallery's photos a 'reorder' of a row (target != 0). Entries waiting in
        // the outbox are carried over under the new names; a damaged entry's fields are not
        // read (it stays what it was, and is set aside as damaged when read). The table is
        // copied as in migration 5, its AUTOINCREMENT counter with it.
        sql: "CREATE TABLE outbox_new (
              seq        INTEGER PRIMARY KEY AUTOINCREMENT,
              resource   TEXT NOT NULL,
              op         TEXT NOT NULL
                         CHECK (op IN ('create', 'update', 'delete', 'upload', 'clear_image', 'reorder',
                                       'add_child', 'reorder_children')),
              target     INTEGER NOT NULL,
              fields     TEXT NOT NULL DEFAULT '{}',
              base       TEXT NOT NULL DEFAULT '{}',
              media      TEXT,
              state      TEXT NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'sending', 'conflict', 'rejected')),
              problem    TEXT,
              attempts   INTEGER NOT NULL DEFAULT 0,
              created_at TEXT NOT NULL
          );
          INSERT INTO outbox_new SELECT seq, resource,
              CASE
                  WHEN op = 'reorder' AND target != 0 THEN 'reorder_children'
                  WHEN op = 'upload' THEN
                      CASE WHEN json_valid(fields) THEN
                          CASE WHEN json_type(fields) = 'object' AND json_type(fields, '$.adds') IS NOT NULL
                               THEN 'add_child' ELSE 'upload' END
                      ELSE 'upload' END
                  ELSE op
              END,
              target, fields, base, media, state, problem, attempts, created_at FROM outbox;
          INSERT INTO sqlite_sequence (name, seq)
              SELECT 'outbox_new', seq FROM sqlite_sequence WHERE name = 'outbox'
              AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox_new');
          UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'outbox'))
              WHERE name = 'outbox_new' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox');
          DROP TABLE outbox;
          ALTER TABLE outbox_new RENAME TO outbox;
          CREATE INDEX outbox_target ON outbox (resource, target);",
    },
    Migration {
        version: 10,
        name: "session: which HotelMate the server is, and what the person may do there (issue 27.1)",
        // A session signed in before this was made on the classic server (the only one the
        // desk spoke); its capabilities were never said (NULL).
        sql: "ALTER TABLE session ADD COLUMN generation TEXT NOT NULL DEFAULT 'classic';
          ALTER TABLE session ADD COLUMN capabilities TEXT;",
    },
    Migration {
        version: 16,
        name: "outbox: a one-off action on a row (a booking marked seen, API.md §15.2) is an operation of its own (issue 66.1)",
        // The CHECK of `op` takes 'action'; entries waiting are carried over as they are. The
        // table is copied as in migration 9, its AUTOINCREMENT counter with it.
        sql: "CREATE TABLE outbox_new (
              seq        INTEGER PRIMARY KEY AUTOINCREMENT,
              resource   TEXT NOT NULL,
              op         TEXT NOT NULL
                         CHECK (op IN ('create', 'update', 'delete', 'upload', 'clear_image', 'reorder',
                                       'add_child', 'reorder_children', 'action')),
              target     INTEGER NOT NULL,
              fields     TEXT NOT NULL DEFAULT '{}',
              base       TEXT NOT NULL DEFAULT '{}',
              media      TEXT,
              state      TEXT NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'sending', 'conflict', 'rejected')),
              problem    TEXT,
              attempts   INTEGER NOT NULL DEFAULT 0,
              created_at TEXT NOT NULL
          );
          INSERT INTO outbox_new SELECT seq, resource, op, target, fields, base, media, state,
              problem, attempts, created_at FROM outbox;
          INSERT INTO sqlite_sequence (name, seq)
              SELECT 'outbox_new', seq FROM sqlite_sequence WHERE name = 'outbox'
              AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox_new');
          UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'outbox'))
              WHERE name = 'outbox_new' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox');
          DROP TABLE outbox;
          ALTER TABLE outbox_new RENAME TO outbox;
          CREATE INDEX outbox_target ON outbox (resource, target);",
    },
    Migration {
        version: 17,
        name: "own_writes: what this desk wrote to rows no event announces, until it reads them back (issue 65 item 6)",
        // seq 0: the writes the server answered; else the outbox entry on its way. `record` is
        // the engine's JSON (fields written, their base, this desk's own values).
        sql: "CREATE TABLE own_writes (
              resource TEXT NOT NULL,
              id       INTEGER NOT NULL,
              seq      INTEGER NOT NULL,
              record   TEXT NOT NULL,
              PRIMARY KEY (resource, id, seq)
          );",
    },
];

/// Every migration of the engine and of the features in `local`, by version.
fn all(local: LocalDataList) -> Vec<&'static Migration> {
    let mut all: Vec<&'static Migration> = MIGRATIONS
        .iter()
        .chain(local.iter().flat_map(|data| data.migrations.iter()))
        .collect();
    all.sort_by_key(|migration| migration.version);
    all
}

/// The schema version this build writes, with the features in `local`.
pub(crate) fn schema_version(local: LocalDataList) -> i64 {
    all(local).last().map_or(0, |migration| migration.version)
}

/// Runs every migration newer than the database, each in its own transaction.
pub(crate) fn migrate(conn: &mut Connection, local: LocalDataList) -> Result<(), StoreError> {
    migrate_to(conn, local, schema_version(local))
}

/// Gives the connection the SQL functions the schema's triggers and migrations call:
/// `search_key(text)`, the words the desk's one search rule finds in a text
/// ([`crate::rules::search::key`]; NULL stays NULL), for a full-text index of them.
fn add_functions(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "search_key",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| crate::rules::search::key(&t)))
        },
    )
}

/// Brings the database to `target` (tests build old schemas with it).
pub(crate) fn migrate_to(
    conn: &mut Connection,
    local: LocalDataList,
    target: i64,
) -> Result<(), StoreError> {
    add_functions(conn)?;
    let known = schema_version(local);
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    for migration in all(local)
        .into_iter()
        .filter(|m| m.version > current && m.version <= target)
    {
        let step = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            tx.execute_batch(migration.sql)?;
            tx.pragma_update(None, "user_version", migration.version)?;
            tx.commit()
        };
        step(conn).map_err(|source| StoreError::Migration {
            version: migration.version,
            source,
        })?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "database migrated"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::Store;

    /// Every feature's data, as the desk registers it.
    const LOCAL: LocalDataList = crate::features::LOCAL_DATA;

    /// Builds a database at every earlier schema version, with a row where the schema has a
    /// table for it, and checks that opening it brings it to the current version intact.
    #[test]
    fn every_earlier_schema_version_migrates_to_the_current_one() {
        let current = schema_version(LOCAL);
        for start in 0..current {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("desk.sqlite3");
            {
                let mut conn = Connection::open(&path).unwrap();
                migrate_to(&mut conn, LOCAL, start).unwrap();
                if start >= 2 {
                    conn.execute(
                        "INSERT INTO outbox (resource, op, target, fields, created_at)
                         VALUES ('offers', 'update', 3, '{\"title\":\"x\"}', 'now')",
                        [],
                    )
                    .unwrap();
                }
                if start >= 1 {
                    conn.execute(
                        "INSERT INTO session (id, account, username, api_base, hotel_name, hotel_slug,
                                              staff_id, signed_in_at)
                         VALUES (1, 'demo:anna', 'anna', 'http://127.0.0.1:1/', 'Hotel', 'h', 7, 'now')",
                        [],
                    )
                    .unwrap();
                }
            }
            let store = Store::open(&path, LOCAL).unwrap();
            let version: i64 = store
                .lock()
                .pragma_query_value(None, "user_version", |row| row.get(0))
                .unwrap();
            assert_eq!(version, current, "from version {start}");
            if start >= 1 {
                let row = store
                    .load_session()
                    .unwrap()
                    .expect("session kept through migration");
                assert_eq!(row.staff_id, 7);
            }
        }
    }

    #[test]
    fn a_database_from_a_newer_desk_is_refused_not_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", schema_version(LOCAL) + 1)
                .unwrap();
        }
        let err = Store::open(&path, LOCAL).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
        assert!(err.to_string().contains("newer HotelMate Desk"));
    }

    /// Temporary ids are `-seq`; the outbox copy of migration 5 must not let SQLite hand out a
    /// seq again, or a new offer would be mapped to the server id of an old one (`id_map`).
    #[test]
    fn temporary_ids_are_never_reused_across_the_outbox_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.sqlite3");
        {
            let mut conn = Connection::open(&path).unwrap();
            migrate_to(&mut conn, LOCAL, 4).unwrap();
            for _ in 0..3 {
                conn.execute(
                    "INSERT INTO outbox (resource, op, target, created_at) VALUES ('offers', 'create', 0, 'now')",
                    [],
                )
                .unwrap();
            }
            conn.execute("DELETE FROM outbox", []).unwrap();
        }
        let store = Store::open(&path, LOCAL).unwrap();
        let fields = serde_json::Map::new();
        assert_eq!(store.queue_create("offers", &fields).unwrap(), -4);
    }

    /// The engine's and the features' migrations are one sequence: no version twice, none
    /// missing (a feature's migration numbered like another's would never run on a database
    /// already past it).
    #[test]
    fn versions_of_the_engine_and_the_features_count_up_from_one() {
        for (index, migration) in all(LOCAL).iter().enumerate() {
            assert_eq!(migration.version, index as i64 + 1, "{}", migration.name);
        }
    }

    /// Entries waiting in an outbox written before migration 9 keep what they mean: a photo
    /// added to a gallery and the order of a gallery's photos get their own operations, plain
    /// uploads and orders stay, a damaged entry is carried over untouched, and no seq is reused.
    #[test]
    fn waiting_entries_keep_their_meaning_across_migration_9() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.sqlite3");
        {
            let mut conn = Connection::open(&path).unwrap();
            migrate_to(&mut conn, LOCAL, 8).unwrap();
            for (op, target, fields) in [
                ("upload", 7, r#"{"adds": "beach.jpg"}"#),
                ("upload", 3, r#"{"field": "hero_image"}"#),
                ("upload", 4, "{}"),
                ("reorder", 7, r#"{"order": [3, 2, 1]}"#),
                ("reorder", 0, r#"{"order": [1, 2]}"#),
                ("upload", 5, "{not json"),
                ("update", 5, r#"{"adds": 1}"#),
            ] {
                conn.execute(
                    "INSERT INTO outbox (resource, op, target, fields, created_at) VALUES ('r', ?1, ?2, ?3, 'now')",
                    rusqlite::params![op, target, fields],
                )
                .unwrap();
            }
        }
        let store = Store::open(&path, LOCAL).unwrap();
        let ops: Vec<String> = {
            let conn = store.lock();
            let mut statement = conn.prepare("SELECT op FROM outbox ORDER BY seq").unwrap();
            let ops = statement
                .query_map([], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            ops
        };
        assert_eq!(
            ops,
            [
                "add_child",
                "upload",
                "upload",
                "reorder_children",
                "reorder",
                "upload",
                "update"
            ]
        );
        let entries = store.outbox_entries("r").unwrap();
        assert_eq!(entries[0].op, crate::engine::store::Op::AddChild);
        assert!(entries[5].is_damaged(), "{:?}", entries[5]);
        let fields = serde_json::Map::new();
        assert_eq!(store.queue_create("r", &fields).unwrap(), -8);
    }
}
