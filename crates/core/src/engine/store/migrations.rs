//! Versioned schema migrations, tracked in `PRAGMA user_version`. Add a migration by appending to
//! [`MIGRATIONS`]; never edit one that has shipped.

use rusqlite::Connection;

use super::StoreError;

/// One schema step. `version` is the schema version after it runs.
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

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
        version: 7,
        name: "guest chat: cached messages, what is known of each thread, and replies waiting to be sent",
        sql: "CREATE TABLE chat_messages (
              id              INTEGER PRIMARY KEY,
              conversation_id INTEGER NOT NULL,
              body            TEXT NOT NULL
          );
          CREATE INDEX chat_messages_thread ON chat_messages (conversation_id, id);
          CREATE TABLE chat_threads (
              conversation_id INTEGER PRIMARY KEY,
              -- The oldest message is cached: nothing earlier to load.
              complete        INTEGER NOT NULL DEFAULT 0,
              handled_by      TEXT,
              handled_by_id   INTEGER
          );
          CREATE TABLE chat_outbox (
              seq             INTEGER PRIMARY KEY AUTOINCREMENT,
              -- 'send' a reply (text, or files with a caption), 'edit' or 'delete' one of my
              -- messages (target_id), or 'read': mark the thread's guest messages read.
              op              TEXT NOT NULL DEFAULT 'send'
                              CHECK (op IN ('send', 'edit', 'delete', 'read')),
              conversation_id INTEGER NOT NULL,
              message         TEXT NOT NULL,
              reply_to        INTEGER,
              target_id       INTEGER,
              -- An attachment waiting in the media cache (content hash), with its name and type.
              file_key        TEXT,
              file_name       TEXT,
              file_mime       TEXT,
              -- The newest message id this desk knew in the thread when the reply was written:
              -- a reply the server stored has a higher id.
              after_id        INTEGER NOT NULL DEFAULT 0,
              -- 'sending': a request may have reached the server; its outcome is checked
              -- against the thread before any retry.
              state           TEXT NOT NULL DEFAULT 'pending'
                              CHECK (state IN ('pending', 'sending', 'rejected')),
              problem         TEXT,
              attempts        INTEGER NOT NULL DEFAULT 0,
              created_at      TEXT NOT NULL
          );",
    },
    Migration {
        version: 8,
        name: "guest chat: what the list counts kept beside each message, indexed (issue 28.2)",
        // A guest's flood must not cost a JSON parse of every cached message on every change:
        // what the unread counts, the handler and the catch-up read is set when a message is
        // stored (store::chat::Facts), and read through partial indexes. A cached message whose
        // JSON is damaged gets no facts here; reading its thread drops and refetches it.
        sql: "ALTER TABLE chat_messages ADD COLUMN guest_unread INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE chat_messages ADD COLUMN from_staff INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE chat_messages ADD COLUMN staff_id INTEGER;
          ALTER TABLE chat_messages ADD COLUMN staff_name TEXT;
          ALTER TABLE chat_messages ADD COLUMN sent_at TEXT;
          UPDATE chat_messages SET
              guest_unread = COALESCE(json_extract(body, '$.sender_type') = 'guest'
                  AND NOT COALESCE(json_extract(body, '$.read_by_staff'), 0)
                  AND NOT COALESCE(json_extract(body, '$.is_deleted'), 0), 0),
              from_staff = COALESCE(json_extract(body, '$.sender_type') = 'staff', 0),
              staff_id = json_extract(body, '$.staff'),
              staff_name = COALESCE(json_extract(body, '$.staff_info.name'),
                                    json_extract(body, '$.staff_display_name')),
              sent_at = json_extract(body, '$.timestamp')
          WHERE CASE WHEN json_valid(body) THEN json_type(body) = 'object' ELSE 0 END;
          CREATE INDEX chat_messages_unread ON chat_messages (conversation_id)
              WHERE guest_unread = 1;
          CREATE INDEX chat_messages_staff ON chat_messages (conversation_id, id)
              WHERE from_staff = 1;",
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
        version: 11,
        name: "the guest chat's drafts: what is typed in a thread's reply box, kept until sent or cleared (issue 38.2)",
        sql: "CREATE TABLE chat_drafts (
              conversation_id INTEGER PRIMARY KEY,
              text TEXT NOT NULL,
              updated_at TEXT NOT NULL
          );",
    },
];

/// The schema version this build writes.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// Runs every migration newer than the database, each in its own transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Brings the database to `target` (tests build old schemas with it).
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    for migration in MIGRATIONS
        .iter()
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

    /// Builds a database at every earlier schema version, with a row where the schema has a
    /// table for it, and checks that opening it brings it to the current version intact.
    #[test]
    fn every_earlier_schema_version_migrates_to_the_current_one() {
        for start in 0..SCHEMA_VERSION {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("desk.sqlite3");
            {
                let mut conn = Connection::open(&path).unwrap();
                migrate_to(&mut conn, start).unwrap();
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
            let store = Store::open(&path, &[]).unwrap();
            let version: i64 = store
                .lock()
                .pragma_query_value(None, "user_version", |row| row.get(0))
                .unwrap();
            assert_eq!(version, SCHEMA_VERSION, "from version {start}");
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
            conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .unwrap();
        }
        let err = Store::open(&path, &[]).unwrap_err();
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
            migrate_to(&mut conn, 4).unwrap();
            for _ in 0..3 {
                conn.execute(
                    "INSERT INTO outbox (resource, op, target, created_at) VALUES ('offers', 'create', 0, 'now')",
                    [],
                )
                .unwrap();
            }
            conn.execute("DELETE FROM outbox", []).unwrap();
        }
        let store = Store::open(&path, &[]).unwrap();
        let fields = serde_json::Map::new();
        assert_eq!(store.queue_create("offers", &fields).unwrap(), -4);
    }

    #[test]
    fn versions_are_increasing_and_start_at_one() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
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
            migrate_to(&mut conn, 8).unwrap();
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
        let store = Store::open(&path, &[]).unwrap();
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
