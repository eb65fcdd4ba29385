//! Saved replies (issue 38.1): a hotel's ready answers to guests (Wi-Fi, breakfast, late
//! check-out…), each a short name and a text whose fields (`{guest}`, `{room}`, `{me}`,
//! `{hotel}`, `{date}`) are filled in when it is put in a reply box. They belong to the
//! computer, not an account: kept in the desk's database across sign-outs and shared by the
//! staff who use it. IT can preset them in the fleet file and lock them there; a manager hands a
//! set to other desks as a file (export, import).
//!
//! A field that cannot be filled (no room known) stays in the text as it was written and is
//! named, never replaced by nothing; what fills a field is inserted as text and never read for
//! fields again, so a guest called "{room}" stays "{room}".

use crate::features::chat::store::ChatStore;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::features::chat::handle::Chat;
use crate::context::DeskError;
use crate::engine::store::StoreError;
use crate::session::system::{
    preset_reply_problem, PresetReply, MAX_SAVED_REPLIES, REPLY_NAME_MAX_CHARS,
};

mod file;
mod rows;

pub use file::{ImportError, ImportOutcome, MAX_IMPORT_BYTES, REPLY_KEY_MAX_CHARS};

/// The preference that records that the first replies were put in (once per computer).
const STARTED: &str = "saved_replies_started";

/// The fields a saved reply's text may hold, as written in it.
pub const FIELDS: &[(&str, &str)] = &[
    ("guest", "the guest's name"),
    ("room", "the guest's room"),
    ("me", "my first name"),
    ("hotel", "the hotel's name"),
    ("date", "today's date"),
];

/// The replies a desk starts with when IT presets none: examples to edit, each using fields.
const STARTERS: &[(&str, &str)] = &[
    (
        "Welcome",
        "Hello {guest}, welcome to {hotel}! I'm {me} at reception: write here any time.",
    ),
    (
        "Late check-out",
        "Hello {guest}, a late check-out for room {room} is fine until 13:00 today ({date}).",
    ),
    (
        "Taxi",
        "Hello {guest}, your taxi is booked; we will call room {room} when it arrives.",
    ),
];

/// One saved reply, as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedReply {
    /// Its number on this desk (negative for one IT's file sets while it locks them).
    #[ts(type = "number")]
    pub id: i64,
    /// Its short name ("Wi-Fi").
    pub name: String,
    /// Its text, fields unfilled.
    pub text: String,
}

/// Every saved reply, in order, and what the screen may do with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedReplies {
    /// The replies, first to last.
    pub replies: Vec<SavedReply>,
    /// Set when IT locked them in the fleet file: why they cannot be changed here.
    pub locked: Option<String>,
    /// The reply deleted last, which "Undo" brings back.
    pub deleted: Option<SavedReply>,
}

/// A saved reply filled in for one conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FilledReply {
    /// The text to put in the reply box.
    pub text: String,
    /// The fields that could not be filled (left in the text as written), in words.
    pub unfilled: Vec<String>,
}

/// What fills the fields for one conversation; `None` (or blank) leaves a field as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
pub struct FieldValues {
    /// The guest's name.
    pub guest: Option<String>,
    /// The guest's room.
    pub room: Option<String>,
    /// Today's date, as the screen writes dates.
    pub date: Option<String>,
}

/// Fills `text`'s fields from `value` (by field name), in one pass: what a field becomes is
/// never read for fields again. A field with no value stays as written and is named.
pub fn fill(text: &str, value: impl Fn(&str) -> Option<String>) -> FilledReply {
    let mut out = String::with_capacity(text.len());
    let mut unfilled = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let field = after.find('}').map(|close| (&after[..close], close));
        match field.and_then(|(name, close)| {
            FIELDS
                .iter()
                .find(|(known, _)| *known == name)
                .map(|known| (known, close))
        }) {
            Some(((name, words), close)) => {
                match value(name).filter(|v| !v.trim().is_empty()) {
                    Some(filled) => out.push_str(filled.trim()),
                    None => {
                        out.push_str(&rest[open..open + close + 2]);
                        if !unfilled.iter().any(|w| w == words) {
                            unfilled.push((*words).to_owned());
                        }
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    FilledReply {
        text: out,
        unfilled,
    }
}

/// The key of a reply IT presets, the same on every desk of the fleet.
fn preset_key(name: &str) -> String {
    format!("it:{}", name.trim())
}

fn new_key() -> String {
    format!("{:032x}", rand::random::<u128>())
}

impl Chat<'_> {
    fn preset(&self) -> &[PresetReply] {
        &self.cx.system.saved_replies
    }

    fn refuse_if_locked(&self) -> Result<(), DeskError> {
        if self.cx.system.saved_replies_locked {
            return Err(DeskError::NotAllowed(
                self.cx.system.locked_message("The list of saved replies"),
            ));
        }
        Ok(())
    }

    /// Puts the first replies in once per computer: IT's presets, or a few examples. Their keys
    /// come from their names, so that every desk's copy of one is known as the same reply.
    fn start_saved_replies(&self) -> Result<(), DeskError> {
        let store = &self.cx.store;
        if store.preference(STARTED)?.is_some() {
            return Ok(());
        }
        let presets: Vec<(String, &str, &str)> = if self.preset().is_empty() {
            STARTERS
                .iter()
                .map(|(name, text)| (format!("example:{name}"), *name, *text))
                .collect()
        } else {
            self.preset()
                .iter()
                .map(|r| (preset_key(&r.name), r.name.trim(), r.text.as_str()))
                .collect()
        };
        for (key, name, text) in presets {
            ChatStore::new(store).add_saved_reply(&key, name, text)?;
        }
        store.set_preference(STARTED, "1")?;
        Ok(())
    }

    /// Every saved reply, in order. Works offline and signed out.
    pub fn saved_replies(&self) -> Result<SavedReplies, DeskError> {
        if self.cx.system.saved_replies_locked {
            let replies = self
                .preset()
                .iter()
                .zip(1..)
                .map(|(r, n)| SavedReply {
                    id: -n,
                    name: r.name.trim().to_owned(),
                    text: r.text.clone(),
                })
                .collect();
            return Ok(SavedReplies {
                replies,
                locked: Some(self.cx.system.locked_message("The list of saved replies")),
                deleted: None,
            });
        }
        self.start_saved_replies()?;
        let store = &self.cx.store;
        Ok(SavedReplies {
            replies: ChatStore::new(store).saved_reply_rows(false)?,
            locked: None,
            deleted: ChatStore::new(store).saved_reply_rows(true)?.pop(),
        })
    }

    /// Adds a saved reply (`id` none) or changes one.
    pub fn save_reply(
        &self,
        id: Option<i64>,
        name: &str,
        text: &str,
    ) -> Result<SavedReplies, DeskError> {
        self.refuse_if_locked()?;
        if let Some(problem) = preset_reply_problem(name, text) {
            let field =
                if name.trim().is_empty() || name.trim().chars().count() > REPLY_NAME_MAX_CHARS {
                    "name"
                } else {
                    "text"
                };
            let mut message = problem;
            if let Some(first) = message.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            return Err(DeskError::InvalidInput { field, message });
        }
        let store = &self.cx.store;
        match id {
            Some(id) => {
                let changed = store
                    .lock()
                    .execute(
                        "UPDATE chat_saved_replies SET name = ?1, text = ?2
                     WHERE id = ?3 AND deleted_at IS NULL",
                        params![name.trim(), text, id],
                    )
                    .map_err(StoreError::from)?;
                if changed == 0 {
                    return Err(DeskError::Missing("saved reply"));
                }
            }
            None => {
                if ChatStore::new(store).saved_reply_rows(false)?.len() >= MAX_SAVED_REPLIES {
                    return Err(DeskError::InvalidInput {
                        field: "name",
                        message: format!(
                            "A desk keeps up to {MAX_SAVED_REPLIES} saved replies; delete one first."
                        ),
                    });
                }
                ChatStore::new(store).add_saved_reply(&new_key(), name.trim(), text)?;
            }
        }
        self.saved_replies()
    }

    /// Deletes a saved reply; it can be brought back until the next one is deleted.
    pub fn delete_saved_reply(&self, id: i64) -> Result<SavedReplies, DeskError> {
        self.refuse_if_locked()?;
        let mut conn = self.cx.store.lock();
        let tx = conn.transaction().map_err(StoreError::from)?;
        tx.execute(
            "DELETE FROM chat_saved_replies WHERE deleted_at IS NOT NULL",
            [],
        )
        .map_err(StoreError::from)?;
        let changed = tx
            .execute(
                "UPDATE chat_saved_replies SET deleted_at = ?1 WHERE id = ?2 AND deleted_at IS NULL",
                params![chrono::Utc::now().to_rfc3339(), id],
            )
            .map_err(StoreError::from)?;
        tx.commit().map_err(StoreError::from)?;
        drop(conn);
        if changed == 0 {
            return Err(DeskError::Missing("saved reply"));
        }
        self.saved_replies()
    }

    /// Brings back the reply deleted last, in its place.
    pub fn restore_saved_reply(&self, id: i64) -> Result<SavedReplies, DeskError> {
        self.refuse_if_locked()?;
        let changed = self.cx.store.lock().execute(
            "UPDATE chat_saved_replies SET deleted_at = NULL WHERE id = ?1 AND deleted_at IS NOT NULL",
            [id],
        ).map_err(StoreError::from)?;
        if changed == 0 {
            return Err(DeskError::Missing("saved reply"));
        }
        self.saved_replies()
    }

    /// Puts the replies in the order of `ids`; any not named keep their order after them.
    pub fn order_saved_replies(&self, ids: &[i64]) -> Result<SavedReplies, DeskError> {
        self.refuse_if_locked()?;
        let current = ChatStore::new(&self.cx.store).saved_reply_rows(false)?;
        let named = ids.iter().filter(|id| current.iter().any(|r| r.id == **id));
        let rest = current.iter().map(|r| &r.id).filter(|id| !ids.contains(id));
        let mut conn = self.cx.store.lock();
        let tx = conn.transaction().map_err(StoreError::from)?;
        for (id, place) in named.chain(rest).zip(1_i64..) {
            tx.execute(
                "UPDATE chat_saved_replies SET place = ?1 WHERE id = ?2",
                params![place, id],
            )
            .map_err(StoreError::from)?;
        }
        tx.commit().map_err(StoreError::from)?;
        drop(conn);
        self.saved_replies()
    }

    /// A saved reply filled in for a conversation: the guest's name and room from `values`, my
    /// first name and the hotel's name from the session, today's date as the screen writes it.
    pub fn fill_saved_reply(
        &self,
        id: i64,
        values: &FieldValues,
    ) -> Result<FilledReply, DeskError> {
        let reply = self
            .saved_replies()?
            .replies
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(DeskError::Missing("saved reply"))?;
        let session = self.cx.session();
        Ok(fill(&reply.text, |field| match field {
            "guest" => values.guest.clone(),
            "room" => values.room.clone(),
            "date" => values.date.clone(),
            "me" => session.as_ref().map(|s| s.first_name.clone()),
            "hotel" => session.as_ref().map(|s| s.hotel_name.clone()),
            _ => None,
        }))
    }

}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |field| {
            pairs
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn fields_are_filled_and_one_that_cannot_be_is_left_visible_and_named() {
        let filled = fill(
            "Hello {guest}, room {room} is ready. {me} at {hotel}, {date}.",
            values(&[
                ("guest", "Seán Ó Briain"),
                ("me", "Anna"),
                ("hotel", "Hotel Killarney"),
                ("date", "26 Nov 2026"),
            ]),
        );
        assert_eq!(
            filled.text,
            "Hello Seán Ó Briain, room {room} is ready. Anna at Hotel Killarney, 26 Nov 2026."
        );
        assert_eq!(filled.unfilled, ["the guest's room"]);
        // A blank value is not a value: the field stays.
        let filled = fill("Room {room}", values(&[("room", "  ")]));
        assert_eq!(filled.text, "Room {room}");
    }

    #[test]
    fn what_fills_a_field_is_never_read_for_fields_and_other_braces_stay() {
        // Tried: a guest whose name is itself a field, braces that name no field, one left open.
        let filled = fill(
            "Hi {guest} {unknown} {room",
            values(&[("guest", "{room}{hotel}"), ("room", "12"), ("hotel", "H")]),
        );
        assert_eq!(filled.text, "Hi {room}{hotel} {unknown} {room");
        assert!(filled.unfilled.is_empty());
    }
}
