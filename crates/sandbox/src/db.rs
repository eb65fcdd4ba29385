//! The sandbox's own SQLite database: the schema, created on open, and columns added since the first release.

use std::path::Path;

use rusqlite::Connection;

const SCHEMA: &str = r#"
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS hotels (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, slug TEXT NOT NULL UNIQUE, is_active INTEGER NOT NULL DEFAULT 1,
    tagline TEXT NOT NULL DEFAULT '', city TEXT NOT NULL DEFAULT '', country TEXT NOT NULL DEFAULT '',
    address_line_1 TEXT NOT NULL DEFAULT '', address_line_2 TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '', latitude TEXT, longitude TEXT, phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '', website_url TEXT NOT NULL DEFAULT '', booking_url TEXT NOT NULL DEFAULT '',
    hero_image TEXT, landing_page_image TEXT, logo TEXT
);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '', is_active INTEGER NOT NULL DEFAULT 1, is_staff INTEGER NOT NULL DEFAULT 0,
    is_superuser INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
    key TEXT PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE REFERENCES users(id), created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS departments (
    id INTEGER PRIMARY KEY, hotel_id INTEGER NOT NULL REFERENCES hotels(id), name TEXT NOT NULL,
    slug TEXT NOT NULL, description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS roles (
    id INTEGER PRIMARY KEY, hotel_id INTEGER NOT NULL REFERENCES hotels(id), name TEXT NOT NULL,
    slug TEXT NOT NULL, description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS staff (
    id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE REFERENCES users(id),
    hotel_id INTEGER NOT NULL REFERENCES hotels(id), first_name TEXT NOT NULL, last_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '', phone_number TEXT NOT NULL DEFAULT '', department_id INTEGER REFERENCES departments(id),
    role_id INTEGER REFERENCES roles(id), access_level TEXT NOT NULL DEFAULT 'regular_staff',
    is_active INTEGER NOT NULL DEFAULT 1, is_on_duty INTEGER NOT NULL DEFAULT 0, profile_image TEXT,
    allowed_navs TEXT NOT NULL DEFAULT '[]', has_registered_face INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS clock_logs (
    id INTEGER PRIMARY KEY, staff_id INTEGER NOT NULL REFERENCES staff(id), hotel_id INTEGER NOT NULL,
    time_in TEXT NOT NULL, time_out TEXT
);
CREATE TABLE IF NOT EXISTS offers (
    id INTEGER PRIMARY KEY, hotel_id INTEGER NOT NULL REFERENCES hotels(id), title TEXT NOT NULL,
    short_description TEXT NOT NULL, details_text TEXT NOT NULL DEFAULT '', details_html TEXT NOT NULL DEFAULT '',
    valid_from TEXT, valid_to TEXT, tag TEXT NOT NULL DEFAULT '', book_now_url TEXT NOT NULL DEFAULT '',
    photo TEXT, sort_order INTEGER NOT NULL DEFAULT 0, is_active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS public_settings (
    hotel_id INTEGER PRIMARY KEY REFERENCES hotels(id), data TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS galleries (
    id INTEGER PRIMARY KEY, hotel_id INTEGER NOT NULL REFERENCES hotels(id), name TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT 'other', description TEXT NOT NULL DEFAULT '', is_active INTEGER NOT NULL DEFAULT 1,
    display_order INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    UNIQUE (hotel_id, name)
);
CREATE TABLE IF NOT EXISTS gallery_images (
    id INTEGER PRIMARY KEY, gallery_id INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    image TEXT NOT NULL, caption TEXT NOT NULL DEFAULT '', alt_text TEXT NOT NULL DEFAULT '',
    display_order INTEGER NOT NULL DEFAULT 0, is_featured INTEGER NOT NULL DEFAULT 0, uploaded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS room_types (
    id INTEGER PRIMARY KEY, hotel_id INTEGER NOT NULL REFERENCES hotels(id), code TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL, short_description TEXT NOT NULL DEFAULT '', max_occupancy INTEGER NOT NULL DEFAULT 2,
    bed_setup TEXT NOT NULL DEFAULT '', photo TEXT, starting_price_from TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR', booking_code TEXT NOT NULL DEFAULT '', booking_url TEXT NOT NULL DEFAULT '',
    availability_message TEXT NOT NULL DEFAULT '', sort_order INTEGER NOT NULL DEFAULT 0,
    is_active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE, file TEXT NOT NULL,
    file_name TEXT NOT NULL, file_type TEXT NOT NULL, file_size INTEGER NOT NULL, mime_type TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rooms (
    id INTEGER PRIMARY KEY, hotel_id INTEGER NOT NULL REFERENCES hotels(id), room_number INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS guests (
    id INTEGER PRIMARY KEY, room_id INTEGER NOT NULL REFERENCES rooms(id), first_name TEXT NOT NULL,
    last_name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY, hotel_id INTEGER NOT NULL REFERENCES hotels(id), room_id INTEGER NOT NULL UNIQUE REFERENCES rooms(id),
    has_unread INTEGER NOT NULL DEFAULT 0, handler_staff_id INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    sender_type TEXT NOT NULL, staff_id INTEGER REFERENCES staff(id), message TEXT NOT NULL, timestamp TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'delivered', read_by_staff INTEGER NOT NULL DEFAULT 0,
    read_by_guest INTEGER NOT NULL DEFAULT 0, staff_read_at TEXT, guest_read_at TEXT, delivered_at TEXT,
    staff_display_name TEXT, staff_role_name TEXT, reply_to INTEGER, edited_at TEXT, deleted_at TEXT
);
"#;

/// Opens (creating if needed) the database file and makes sure the schema exists.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.execute_batch(SCHEMA)?;
    add_missing_columns(&conn)?;
    Ok(conn)
}

/// Columns added after the first release, for demo databases created before them.
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    ("messages", "edited_at", "TEXT"),
    ("messages", "deleted_at", "TEXT"),
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
