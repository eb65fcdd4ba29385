//! The signed-in staff member and their server (never the token).

use rusqlite::{params, OptionalExtension, Row};

use super::{Store, StoreError};
use crate::api::Generation;

/// Who is signed in, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    /// The keyring account the token is stored under.
    pub account: String,
    /// The name signed in with.
    pub username: String,
    /// The server's address (its validated API base URL).
    pub api_base: String,
    /// The Pusher endpoint as JSON (`None` when the server has no live updates configured).
    pub pusher: Option<String>,
    /// Whether this is the demo hotel on this computer.
    pub is_demo: bool,
    /// The hotel's id on the server, when the login answer gave it.
    pub hotel_id: Option<i64>,
    /// The hotel's name (its slug when the server gives no name).
    pub hotel_name: String,
    /// The hotel's short name in the server's URLs.
    pub hotel_slug: String,
    /// The staff member's id on the server.
    pub staff_id: i64,
    /// The staff member's first name (may be empty).
    pub first_name: String,
    /// The staff member's last name (may be empty).
    pub last_name: String,
    /// The staff member's role, as the server names it.
    pub role: Option<String>,
    /// The staff member's department, as the server names it.
    pub department: Option<String>,
    /// The staff member's access level, as the login answer names it.
    pub access_level: Option<String>,
    /// When this sign-in was made (RFC 3339).
    pub signed_in_at: String,
    /// Whether I am clocked in, as the server last said.
    pub is_on_duty: Option<bool>,
    /// Which HotelMate the server is, as told at sign-in.
    pub generation: Generation,
    /// What I may do, where the server says (the 2026 backend's `allowed_capabilities`).
    pub capabilities: Option<Vec<String>>,
}

/// A column this desk wrote that no longer reads: the session is damaged, said as such.
fn damaged(column: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, what.into())
}

impl SessionRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            account: row.get("account")?,
            username: row.get("username")?,
            api_base: row.get("api_base")?,
            pusher: row.get("pusher")?,
            is_demo: row.get("is_demo")?,
            hotel_id: row.get("hotel_id")?,
            hotel_name: row.get("hotel_name")?,
            hotel_slug: row.get("hotel_slug")?,
            staff_id: row.get("staff_id")?,
            first_name: row.get("first_name")?,
            last_name: row.get("last_name")?,
            role: row.get("role")?,
            department: row.get("department")?,
            access_level: row.get("access_level")?,
            signed_in_at: row.get("signed_in_at")?,
            is_on_duty: row.get("is_on_duty")?,
            generation: {
                let name: String = row.get("generation")?;
                Generation::from_stored(&name).ok_or_else(|| {
                    damaged(
                        0,
                        format!("the stored server generation {name:?} is unknown"),
                    )
                })?
            },
            capabilities: match row.get::<_, Option<String>>("capabilities")? {
                None => None,
                Some(json) => Some(serde_json::from_str(&json).map_err(|err| {
                    damaged(0, format!("the stored capabilities cannot be read: {err}"))
                })?),
            },
        })
    }
}

impl Store {
    pub(crate) fn load_session(&self) -> Result<Option<SessionRow>, StoreError> {
        Ok(self
            .lock()
            .query_row(
                "SELECT * FROM session WHERE id = 1",
                [],
                SessionRow::from_row,
            )
            .optional()?)
    }

    /// Replaces the session. Signing in as someone else first wipes the previous account's data.
    pub(crate) fn save_session(&self, row: &SessionRow) -> Result<(), StoreError> {
        let capabilities = row
            .capabilities
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|err| rusqlite::Error::ToSqlConversionFailure(Box::new(err)))?;
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let previous: Option<String> = tx
            .query_row("SELECT account FROM session WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        if previous.is_some_and(|account| account != row.account) {
            wipe_account_tables(&tx, self.local)?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO session (id, account, username, api_base, pusher, is_demo,
                 hotel_id, hotel_name, hotel_slug, staff_id, first_name, last_name, role,
                 department, access_level, signed_in_at, is_on_duty, generation, capabilities)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18)",
            params![
                row.account,
                row.username,
                row.api_base,
                row.pusher,
                row.is_demo,
                row.hotel_id,
                row.hotel_name,
                row.hotel_slug,
                row.staff_id,
                row.first_name,
                row.last_name,
                row.role,
                row.department,
                row.access_level,
                row.signed_in_at,
                row.is_on_duty,
                row.generation.stored_name(),
                capabilities,
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Updates the names and roles from a fresh "me" answer.
    pub(crate) fn update_identity(
        &self,
        first_name: &str,
        last_name: &str,
        role: Option<&str>,
        department: Option<&str>,
    ) -> Result<(), StoreError> {
        self.lock().execute(
            "UPDATE session SET first_name = ?1, last_name = ?2,
                 role = COALESCE(?3, role), department = COALESCE(?4, department)
             WHERE id = 1",
            params![first_name, last_name, role, department],
        )?;
        Ok(())
    }

    /// Whether I am on duty, from the server's answer or its clock event.
    pub(crate) fn set_on_duty(&self, on: bool) -> Result<(), StoreError> {
        self.lock()
            .execute("UPDATE session SET is_on_duty = ?1 WHERE id = 1", [on])?;
        Ok(())
    }

    /// Deletes the signed-in account and everything cached for it, in one transaction.
    pub(crate) fn wipe_account(&self) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        wipe_account_tables(&tx, self.local)?;
        tx.execute("DELETE FROM session", [])?;
        tx.commit()?;
        Ok(())
    }
}

/// Work made on this desk that has not reached the server (what a sign-out would delete), by
/// what becomes of it: on its way (sent as soon as the server can be reached), waiting for the
/// person's decision (never sent by itself), or a draft (kept here, never sent by itself).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
pub struct UnsentWork {
    /// Changes to offers, galleries, room types, the hotel's settings on their way to the server.
    pub edits: u32,
    /// Photos and images on their way to the server.
    pub uploads: u32,
    /// Replies to guests, and edits or deletes of my messages, on their way to the server.
    pub replies: u32,
    /// Files and photos for guests on their way to the server.
    pub files: u32,
    /// Changes, photos, replies and files that are not on their way: the server refused them,
    /// or a colleague changed the same thing. Each waits for the person's decision.
    pub to_decide: u32,
    /// Replies typed and not sent (a conversation's draft): kept on this desk, never sent by
    /// themselves.
    pub drafts: u32,
}

impl UnsentWork {
    /// Everything a sign-out would delete, of every kind.
    pub fn total(&self) -> u32 {
        self.on_its_way() + self.to_decide + self.drafts
    }

    /// What is sent by itself as soon as the server can be reached.
    pub fn on_its_way(&self) -> u32 {
        self.edits + self.uploads + self.replies + self.files
    }
}

impl Store {
    /// What this desk holds that the server does not have yet, by kind ("mark read" is not
    /// work: the server learns it again when the thread is opened).
    pub(crate) fn unsent_work(&self) -> Result<UnsentWork, StoreError> {
        let conn = self.lock();
        let (edits, uploads, to_decide) = conn.query_row(
            "SELECT COUNT(*) FILTER (WHERE op NOT IN ('upload', 'add_child')
                                     AND state IN ('pending', 'sending')),
                    COUNT(*) FILTER (WHERE op IN ('upload', 'add_child')
                                     AND state IN ('pending', 'sending')),
                    COUNT(*) FILTER (WHERE state NOT IN ('pending', 'sending'))
             FROM outbox",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let mut work = UnsentWork {
            edits,
            uploads,
            to_decide,
            ..UnsentWork::default()
        };
        for local in self.local {
            (local.unsent)(&conn, &mut work)?;
        }
        Ok(work)
    }
}

/// The engine's tables holding an account's data; each feature names its own
/// ([`super::LocalData::account_tables`]).
const ACCOUNT_TABLES: &[&str] = &["records", "outbox", "sync_state", "id_map", "own_writes"];

fn wipe_account_tables(
    tx: &rusqlite::Transaction<'_>,
    local: super::LocalDataList,
) -> rusqlite::Result<()> {
    let features = local.iter().flat_map(|data| data.account_tables.iter());
    for table in ACCOUNT_TABLES.iter().chain(features) {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    Ok(())
}

impl Store {
    /// A preference of this desk (kept across sign-outs: it belongs to the computer).
    pub fn preference(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .lock()
            .query_row("SELECT value FROM preferences WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub(crate) fn delete_preference(&self, key: &str) -> Result<(), StoreError> {
        self.lock()
            .execute("DELETE FROM preferences WHERE key = ?1", [key])?;
        Ok(())
    }

    pub(crate) fn set_preference(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.lock().execute(
            "INSERT INTO preferences (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}
