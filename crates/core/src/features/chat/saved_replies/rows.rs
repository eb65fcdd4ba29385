//! Saved replies as the desk's database keeps them (`chat_saved_replies`): read in order,
//! added, and a file's replies added in one transaction.

use crate::features::chat::store::ChatStore;
use rusqlite::{params, Connection, OptionalExtension};

use super::file::FileReply;
use super::{new_key, SavedReply};
use crate::engine::store::StoreError;
use crate::session::system::REPLY_NAME_MAX_CHARS;

impl ChatStore<'_> {
    pub(super) fn saved_reply_rows(&self, deleted: bool) -> Result<Vec<SavedReply>, StoreError> {
        let conn = self.lock();
        let sql = if deleted {
            "SELECT id, name, text FROM chat_saved_replies WHERE deleted_at IS NOT NULL
             ORDER BY deleted_at DESC, id DESC LIMIT 1"
        } else {
            "SELECT id, name, text FROM chat_saved_replies WHERE deleted_at IS NULL
             ORDER BY place, id"
        };
        let mut statement = conn.prepare_cached(sql)?;
        let rows = statement
            .query_map([], |r| {
                Ok(SavedReply {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    text: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Every reply kept (not deleted), in order, with the key that names it across desks.
    pub(super) fn saved_replies_to_hand_on(&self) -> Result<Vec<FileReply>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(
            "SELECT key, name, text FROM chat_saved_replies WHERE deleted_at IS NULL
             ORDER BY place, id",
        )?;
        let rows = statement
            .query_map([], |r| {
                Ok(FileReply {
                    key: r.get(0)?,
                    name: r.get(1)?,
                    text: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub(super) fn add_saved_reply(&self, key: &str, name: &str, text: &str) -> Result<i64, StoreError> {
        Ok(insert(&self.lock(), key, name, text)?)
    }

    /// Adds the replies of a file that the desk can use ([`super::file`] checked it whole), in
    /// one transaction: one known here by its key is skipped when it is the same, and added
    /// beside this desk's own under a new key, named "… (imported)", when either was changed.
    /// Nothing is written when the desk would then hold more than `most` replies
    /// ([`Imported::would_hold`] says how many), nor when any write fails.
    pub(super) fn import_saved_replies(
        &self,
        replies: &[FileReply],
        most: usize,
    ) -> Result<Imported, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut done = Imported::default();
        let mut new: Vec<(String, String, &str)> = Vec::new();
        for reply in replies {
            let name = reply.name.trim();
            let had: Option<(String, String)> = tx
                .query_row(
                    "SELECT name, text FROM chat_saved_replies WHERE key = ?1",
                    [&reply.key],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match had {
                Some((had_name, had_text)) if had_name == name && had_text == reply.text => {
                    done.already_here += 1;
                }
                Some(_) => {
                    done.beside_own += 1;
                    new.push((new_key(), imported_name(name), &reply.text));
                }
                None => {
                    done.added += 1;
                    new.push((reply.key.clone(), name.to_owned(), &reply.text));
                }
            }
        }
        let have: i64 = tx.query_row(
            "SELECT COUNT(*) FROM chat_saved_replies WHERE deleted_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        done.would_hold = usize::try_from(have).unwrap_or(usize::MAX) + new.len();
        if done.would_hold > most {
            return Ok(done);
        }
        for (key, name, text) in &new {
            insert(&tx, key, name, text)?;
        }
        tx.commit()?;
        done.written = true;
        Ok(done)
    }
}

/// What [`Store::import_saved_replies`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Imported {
    pub added: u32,
    pub already_here: u32,
    pub beside_own: u32,
    /// How many replies the desk holds after it (or would have, when not written).
    pub would_hold: usize,
    /// Whether the replies were written (false: the desk would hold too many).
    pub written: bool,
}

/// The name of a reply added beside this desk's own: "… (imported)", its own name shortened
/// (between whole characters) so the whole stays within a name's bound.
fn imported_name(name: &str) -> String {
    const MARK: &str = " (imported)";
    let room = REPLY_NAME_MAX_CHARS - MARK.chars().count();
    let kept = match crate::rules::text::clip(name, room) {
        Some((kept, _)) => kept,
        None => name.to_owned(),
    };
    format!("{}{MARK}", kept.trim_end())
}

/// Adds one reply last in the list.
fn insert(conn: &Connection, key: &str, name: &str, text: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO chat_saved_replies (key, name, text, place)
         VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(place), 0) + 1 FROM chat_saved_replies))",
        params![key, name, text],
    )?;
    Ok(conn.last_insert_rowid())
}
