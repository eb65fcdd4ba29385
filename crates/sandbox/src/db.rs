//! The sandbox's own SQLite database: the schema, created on open, and columns added since the first release.

use std::path::Path;

use rusqlite::Connection;

const SCHEMA: &str = r#"
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS hotels (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, slug TEXT NOT NULL UNIQUE, is_active INTEGER NOT NULL DEFAULT 1,
    tagline TEXT NOT NULL DEFAULT '', city TEXT NOT NULL DEFAULT '', country TEXT NOT NULL DEFAULT '',
    address_line_1 TEXT NOT NULL DEFAULT '', address_line_2 TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '', latitude TEXT, longitude TEXT, phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '', website_url TEXT NOT NULL DEFAULT '', booking_url TEXT NOT NULL DEFAULT '',
    hero_image TEXT, landing_page_image TEXT, logo TEXT
);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '', is_active INTEGER NOT NULL DEFAULT 1, is_staff INTEGER NOT NULL DEFAULT 0,
    is_superuser INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
    key TEXT PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE REFERENCES users(id), created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS departments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hotel_id INTEGER NOT NULL REFERENCES hotels(id), name TEXT NOT NULL,
    slug TEXT NOT NULL, description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hotel_id INTEGER NOT NULL REFERENCES hotels(id), name TEXT NOT NULL,
    slug TEXT NOT NULL, description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS staff (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL UNIQUE REFERENCES users(id),
    hotel_id INTEGER NOT NULL REFERENCES hotels(id), first_name TEXT NOT NULL, last_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '', phone_number TEXT NOT NULL DEFAULT '', department_id INTEGER REFERENCES departments(id),
    role_id INTEGER REFERENCES roles(id), access_level TEXT NOT NULL DEFAULT 'regular_staff',
    is_active INTEGER NOT NULL DEFAULT 1, is_on_duty INTEGER NOT NULL DEFAULT 0, profile_image TEXT,
    allowed_navs TEXT NOT NULL DEFAULT '[]', has_registered_face INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS clock_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, staff_id INTEGER NOT NULL REFERENCES staff(id), hotel_id INTEGER NOT NULL,
    time_in TEXT NOT NULL, time_out TEXT
);
-- My shifts (API.md §14.2–§14.4): roster periods (a draft has published = 0) and their shifts,
-- whose dates and times are the hotel's naive wall clock (§14.5).
CREATE TABLE IF NOT EXISTS roster_periods (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hotel_id INTEGER NOT NULL REFERENCES hotels(id), title TEXT NOT NULL,
    start_date TEXT NOT NULL, end_date TEXT NOT NULL, published INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS roster_shifts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hotel_id INTEGER NOT NULL REFERENCES hotels(id),
    staff_id INTEGER NOT NULL REFERENCES staff(id), period_id INTEGER REFERENCES roster_periods(id),
    shift_date TEXT NOT NULL, shift_start TEXT NOT NULL, shift_end TEXT NOT NULL, break_start TEXT, break_end TEXT,
    shift_type TEXT NOT NULL DEFAULT 'custom', notes TEXT, location_name TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS offers (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hotel_id INTEGER NOT NULL REFERENCES hotels(id), title TEXT NOT NULL,
    short_description TEXT NOT NULL, details_text TEXT NOT NULL DEFAULT '', details_html TEXT NOT NULL DEFAULT '',
    valid_from TEXT, valid_to TEXT, tag TEXT NOT NULL DEFAULT '', book_now_url TEXT NOT NULL DEFAULT '',
    photo TEXT, sort_order INTEGER NOT NULL DEFAULT 0, is_active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL
);
-- Each page of the offers list is read in the model's order (§3.1): without this, every page
-- sorted all of the hotel's offers again, and with a thousand that sort was most of the
-- sandbox's time (the sync benchmark's reference and the desk then measured the sort).
CREATE INDEX IF NOT EXISTS offers_in_order ON offers (hotel_id, sort_order, created_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS hotel_settings_2026 (
    hotel_id INTEGER PRIMARY KEY REFERENCES hotels(id), data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS public_settings (
    hotel_id INTEGER PRIMARY KEY REFERENCES hotels(id), data TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS galleries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hotel_id INTEGER NOT NULL REFERENCES hotels(id), name TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT 'other', description TEXT NOT NULL DEFAULT '', is_active INTEGER NOT NULL DEFAULT 1,
    display_order INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    UNIQUE (hotel_id, name)
);
CREATE TABLE IF NOT EXISTS gallery_images (
    id INTEGER PRIMARY KEY AUTOINCREMENT, gallery_id INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    image TEXT NOT NULL, caption TEXT NOT NULL DEFAULT '', alt_text TEXT NOT NULL DEFAULT '',
    display_order INTEGER NOT NULL DEFAULT 0, is_featured INTEGER NOT NULL DEFAULT 0, uploaded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS room_types (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hotel_id INTEGER NOT NULL REFERENCES hotels(id), code TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL, short_description TEXT NOT NULL DEFAULT '', max_occupancy INTEGER NOT NULL DEFAULT 2,
    bed_setup TEXT NOT NULL DEFAULT '', photo TEXT, starting_price_from TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR', booking_code TEXT NOT NULL DEFAULT '', booking_url TEXT NOT NULL DEFAULT '',
    availability_message TEXT NOT NULL DEFAULT '', sort_order INTEGER NOT NULL DEFAULT 0,
    is_active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE, file TEXT NOT NULL,
    file_name TEXT NOT NULL, file_type TEXT NOT NULL, file_size INTEGER NOT NULL, mime_type TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rooms (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hotel_id INTEGER NOT NULL REFERENCES hotels(id), room_number INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS guests (
    id INTEGER PRIMARY KEY AUTOINCREMENT, room_id INTEGER NOT NULL REFERENCES rooms(id), first_name TEXT NOT NULL,
    last_name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hotel_id INTEGER NOT NULL REFERENCES hotels(id), room_id INTEGER NOT NULL UNIQUE REFERENCES rooms(id),
    has_unread INTEGER NOT NULL DEFAULT 0, handler_staff_id INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    sender_type TEXT NOT NULL, staff_id INTEGER REFERENCES staff(id), message TEXT NOT NULL, timestamp TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'delivered', read_by_staff INTEGER NOT NULL DEFAULT 0,
    read_by_guest INTEGER NOT NULL DEFAULT 0, staff_read_at TEXT, guest_read_at TEXT, delivered_at TEXT,
    staff_display_name TEXT, staff_role_name TEXT, reply_to INTEGER, edited_at TEXT, deleted_at TEXT,
    booking_id INTEGER REFERENCES bookings(id)
);
CREATE TABLE IF NOT EXISTS bookings (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hotel_id INTEGER NOT NULL REFERENCES hotels(id),
    room_id INTEGER NOT NULL REFERENCES rooms(id), booking_id TEXT NOT NULL UNIQUE, guest_id INTEGER REFERENCES guests(id),
    checked_in_at TEXT, checked_out_at TEXT
);
-- The 2026 page builder (API.md §17): one table per model, each row's fields as JSON beside
-- its parent's id (the hotel for a page and a section, else the parent row's).
CREATE TABLE IF NOT EXISTS builder_page (
    id INTEGER PRIMARY KEY AUTOINCREMENT, parent INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS builder_section (
    id INTEGER PRIMARY KEY AUTOINCREMENT, parent INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS builder_hero (
    id INTEGER PRIMARY KEY AUTOINCREMENT, parent INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS builder_gallery (
    id INTEGER PRIMARY KEY AUTOINCREMENT, parent INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS builder_image (
    id INTEGER PRIMARY KEY AUTOINCREMENT, parent INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS builder_list (
    id INTEGER PRIMARY KEY AUTOINCREMENT, parent INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS builder_card (
    id INTEGER PRIMARY KEY AUTOINCREMENT, parent INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS builder_news (
    id INTEGER PRIMARY KEY AUTOINCREMENT, parent INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS builder_rooms (
    id INTEGER PRIMARY KEY AUTOINCREMENT, parent INTEGER NOT NULL, data TEXT NOT NULL
);
-- The global preset table (§17.7), filled on the server by a script: each preset's fields.
CREATE TABLE IF NOT EXISTS builder_preset (id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);
-- A room type's rate plans with their prices (§17.8 `rooms_data.room_types`), going with
-- their room type as its links do on the server.
CREATE TABLE IF NOT EXISTS rate_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT, room_type_id INTEGER NOT NULL REFERENCES room_types(id) ON DELETE CASCADE,
    rate_plan_name TEXT NOT NULL, rate_plan_code TEXT NOT NULL, price TEXT NOT NULL,
    is_refundable INTEGER NOT NULL DEFAULT 1
);
"#;

/// Opens (creating if needed) the database file and makes sure the schema exists.
pub(crate) fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    never_reuse_ids(&conn)?;
    conn.execute_batch(SCHEMA)?;
    conn.execute_batch(crate::front_desk::SCHEMA)?;
    conn.execute_batch(crate::classic_desk::SCHEMA)?;
    conn.execute_batch(crate::api::seen::SCHEMA)?;
    add_missing_columns(&conn)?;
    Ok(conn)
}

/// Django never gives a deleted row's id to a new row (PostgreSQL sequences only go up); a plain
/// SQLite rowid table does, and a stale conflict on a desk would then act on a different row.
/// Every id table is `AUTOINCREMENT`; a demo database made before that is rebuilt once, its
/// rows and ids kept (the standard table rebuild, with foreign keys off meanwhile).
fn never_reuse_ids(conn: &Connection) -> rusqlite::Result<()> {
    let old: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
             AND sql LIKE '%id INTEGER PRIMARY KEY,%'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if old.is_empty() {
        return Ok(());
    }
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let rebuilt = (|| {
        for (table, sql) in &old {
            let create = sql
                .replacen(
                    &format!("CREATE TABLE {table} ("),
                    &format!("CREATE TABLE {table}_autoinc ("),
                    1,
                )
                .replacen(
                    "id INTEGER PRIMARY KEY,",
                    "id INTEGER PRIMARY KEY AUTOINCREMENT,",
                    1,
                );
            conn.execute_batch(&create)?;
            conn.execute_batch(&format!(
                "INSERT INTO {table}_autoinc SELECT * FROM {table}; DROP TABLE {table}; \
                 ALTER TABLE {table}_autoinc RENAME TO {table};"
            ))?;
        }
        Ok(())
    })();
    match rebuilt {
        Ok(()) => conn.execute_batch("COMMIT")?,
        Err(err) => {
            conn.execute_batch("ROLLBACK")?;
            return Err(err);
        }
    }
    conn.pragma_update(None, "foreign_keys", "ON")
}

/// Columns added after the first release, for demo databases created before them.
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    ("messages", "edited_at", "TEXT"),
    ("messages", "deleted_at", "TEXT"),
    ("messages", "booking_id", "INTEGER REFERENCES bookings(id)"),
    // §14.4: what the 2026 ClockLog says of a log beyond its times.
    ("clock_logs", "hours_worked", "TEXT"),
    ("clock_logs", "is_unrostered", "INTEGER NOT NULL DEFAULT 0"),
    ("clock_logs", "is_approved", "INTEGER NOT NULL DEFAULT 1"),
    ("clock_logs", "is_rejected", "INTEGER NOT NULL DEFAULT 0"),
    (
        "clock_logs",
        "total_break_minutes",
        "INTEGER NOT NULL DEFAULT 0",
    ),
    ("clock_logs", "roster_shift_id", "INTEGER"),
];

fn add_missing_columns(conn: &Connection) -> rusqlite::Result<()> {
    for (table, column, kind) in ADDED_COLUMNS {
        let mut stmt = conn.prepare(&format!(
            "SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = ?1"
        ))?;
        let present: i64 = stmt.query_row([column], |r| r.get(0))?;
        if present == 0 {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {kind}"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The tables keyed by their own `id` (not `hotel_id` and the like).
    fn id_tables(conn: &Connection) -> Vec<(String, String)> {
        conn.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            .unwrap()
            .query_map([], |r| Ok((r.get(0).unwrap(), r.get(1).unwrap())))
            .unwrap()
            .map(Result::unwrap)
            .filter(|(_, sql): &(String, String)| {
                sql.lines()
                    .any(|line| line.trim_start().starts_with("id INTEGER PRIMARY KEY"))
            })
            .collect()
    }

    /// A hotel, then a room and a conversation with one message, so every id table can take
    /// a row; then a new row after the newest was deleted.
    fn next_id_after_deleting_the_newest(conn: &Connection, table: &str) -> (i64, i64) {
        let insert = |conn: &Connection| -> i64 {
            match table {
                "offers" => conn.execute(
                    "INSERT INTO offers (hotel_id, title, short_description, created_at) VALUES (1, 't', 's', 'now')",
                    [],
                ),
                "galleries" => conn.execute(
                    "INSERT INTO galleries (hotel_id, name, created_at, updated_at) \
                     VALUES (1, 'g' || (SELECT COUNT(*) FROM galleries), 'now', 'now')",
                    [],
                ),
                _ => conn.execute(
                    "INSERT INTO messages (conversation_id, sender_type, message, timestamp) VALUES (1, 'guest', 'hi', 'now')",
                    [],
                ),
            }
            .unwrap();
            conn.last_insert_rowid()
        };
        let deleted = insert(conn);
        conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [deleted])
            .unwrap();
        (deleted, insert(conn))
    }

    fn seed_minimum(conn: &Connection) {
        conn.execute_batch(
            "INSERT INTO hotels (id, name, slug) VALUES (1, 'H', 'h');
             INSERT INTO rooms (id, hotel_id, room_number) VALUES (1, 1, 101);
             INSERT INTO conversations (id, hotel_id, room_id, created_at, updated_at) VALUES (1, 1, 1, 'now', 'now');",
        )
        .unwrap();
    }

    #[test]
    fn every_id_table_never_gives_a_deleted_rows_id_to_a_new_row() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("db.sqlite3")).unwrap();
        let tables = id_tables(&conn);
        assert!(tables.len() >= 15, "{tables:?}");
        for (table, sql) in &tables {
            assert!(
                sql.contains("AUTOINCREMENT"),
                "{table} may reuse ids: {sql}"
            );
        }
        seed_minimum(&conn);
        for table in ["offers", "galleries", "messages"] {
            let (deleted, next) = next_id_after_deleting_the_newest(&conn, table);
            assert!(next > deleted, "{table}: {next} after deleting {deleted}");
        }
    }

    #[test]
    fn a_demo_database_made_before_the_rule_is_rebuilt_with_its_rows_and_ids() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(&SCHEMA.replace(" AUTOINCREMENT", ""))
                .unwrap();
            seed_minimum(&conn);
            conn.execute_batch(
                "INSERT INTO offers (id, hotel_id, title, short_description, created_at) VALUES (7, 1, 'Spa', 's', 'now');
                 INSERT INTO offers (id, hotel_id, title, short_description, created_at) VALUES (9, 1, 'Golf', 's', 'now');
                 DELETE FROM offers WHERE id = 9;",
            )
            .unwrap();
        }
        let conn = open(&path).unwrap();
        for (table, sql) in id_tables(&conn) {
            assert!(sql.contains("AUTOINCREMENT"), "{table} not rebuilt: {sql}");
        }
        let title: String = conn
            .query_row("SELECT title FROM offers WHERE id = 7", [], |r| r.get(0))
            .unwrap();
        assert_eq!(title, "Spa", "rows and their ids are kept");
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1, "foreign keys are on again");
        let (deleted, next) = next_id_after_deleting_the_newest(&conn, "offers");
        assert!(next > deleted && deleted > 7, "{deleted} then {next}");
    }
}
