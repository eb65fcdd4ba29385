//! One message from the server as the chat's tables keep it: its text bounded to
//! [`MESSAGE_CHARS`], what the lists and counts read of it kept in columns beside it, and the
//! insert or change of its row. The reads and the threads' state are [`super::ChatStore`]'s.

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use crate::engine::store::StoreError;
use crate::rules::text::clip;

pub(super) fn message_id(message: &Value) -> Option<i64> {
    message.get("id").and_then(Value::as_i64)
}

/// The longest message text the desk keeps, in characters (a long letter is a few thousand). A
/// longer text is kept to this length; the rest stays on the server, fetched when someone asks
/// for the whole message. A guest can write megabytes; the desk keeps kilobytes.
pub const MESSAGE_CHARS: usize = 5_000;
/// Added by the desk to a message it clipped: the whole text's length, in characters.
pub(crate) const CLIPPED_KEY: &str = "desk_clipped_from";

/// A message as the desk keeps it: its text, and a quoted message's, at most
/// [`MESSAGE_CHARS`] characters, the whole length noted under [`CLIPPED_KEY`]. The server's
/// own fields are otherwise as sent (a `CLIPPED_KEY` from the server is not believed).
fn bounded(message: &Value) -> std::borrow::Cow<'_, Value> {
    let long = |value: &Value| {
        value
            .get("message")
            .and_then(Value::as_str)
            .is_some_and(|t| t.len() > MESSAGE_CHARS)
    };
    let quoted = message.get("reply_to_message");
    if !long(message) && !quoted.is_some_and(long) && message.get(CLIPPED_KEY).is_none() {
        return std::borrow::Cow::Borrowed(message);
    }
    let mut message = message.clone();
    if let Some(object) = message.as_object_mut() {
        object.remove(CLIPPED_KEY);
        if let Some((kept, whole)) = object
            .get("message")
            .and_then(Value::as_str)
            .and_then(|t| clip(t, MESSAGE_CHARS))
        {
            object.insert("message".into(), kept.into());
            object.insert(CLIPPED_KEY.into(), whole.into());
        }
        if let Some(quoted) = object
            .get_mut("reply_to_message")
            .and_then(Value::as_object_mut)
        {
            if let Some((kept, _)) = quoted
                .get("message")
                .and_then(Value::as_str)
                .and_then(|t| clip(t, MESSAGE_CHARS))
            {
                quoted.insert("message".into(), kept.into());
            }
        }
    }
    std::borrow::Cow::Owned(message)
}

/// What the conversation list, the unread counts and the catch-up read of a message, kept in
/// columns beside it when it is stored so that no count parses every cached message.
struct Facts {
    guest_unread: bool,
    from_staff: bool,
    staff_id: Option<i64>,
    staff_name: Option<String>,
    sent_at: Option<String>,
}

impl Facts {
    fn of(message: &Value) -> Self {
        let flag = |key: &str| message.get(key).and_then(Value::as_bool).unwrap_or(false);
        let sender = message.get("sender_type").and_then(Value::as_str);
        let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
        Self {
            guest_unread: sender == Some("guest") && !flag("read_by_staff") && !flag("is_deleted"),
            from_staff: sender == Some("staff"),
            staff_id: message.get("staff").and_then(Value::as_i64),
            staff_name: text(message.get("staff_info").and_then(|i| i.get("name")))
                .or_else(|| text(message.get("staff_display_name"))),
            sent_at: text(message.get("timestamp")),
        }
    }
}

/// Stores one message; `Some(true)` when it is new to this desk, `Some(false)` when it changed,
/// `None` when it was already stored as it is (or has no id).
pub(super) fn upsert(
    conn: &rusqlite::Connection,
    conversation_id: i64,
    message: &Value,
) -> Result<Option<bool>, StoreError> {
    let Some(id) = message_id(message) else {
        tracing::warn!(
            conversation_id,
            "a chat message without an id was not stored"
        );
        return Ok(None);
    };
    if !crate::features::chat::is_whole_message(message) {
        // Never applied in part (issue 63.8): what the desk has of it stays as it is.
        tracing::warn!(
            conversation_id,
            id,
            "a chat message that is not whole (no text, sender or time) was not stored"
        );
        return Ok(None);
    }
    write(conn, conversation_id, id, &bounded(message))
}

/// Stores a message as the desk keeps it (bounded already); as [`upsert`] says.
pub(super) fn write(
    conn: &rusqlite::Connection,
    conversation_id: i64,
    id: i64,
    message: &Value,
) -> Result<Option<bool>, StoreError> {
    let known: Option<String> = conn
        .prepare_cached("SELECT body FROM chat_messages WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let body = message.to_string();
    if known.as_ref() == Some(&body) {
        return Ok(None);
    }
    // A deleted message stays deleted: the server has no way back from a delete, so a copy
    // that is not deleted is older news (an edit's live event that came after the delete's
    // answer) and must not bring the words back, nor let them be edited again.
    let deleted = |m: &Value| m.get("is_deleted").and_then(Value::as_bool) == Some(true);
    let kept = known
        .as_deref()
        .and_then(|k| serde_json::from_str::<Value>(k).ok());
    if !deleted(message) && kept.as_ref().is_some_and(deleted) {
        return Ok(None);
    }
    // Stored words are never replaced by nothing (issue 63.8).
    if kept
        .as_ref()
        .is_some_and(|kept| crate::features::chat::empties_kept_words(kept, message))
    {
        tracing::warn!(id, "a copy of a message without its words was not stored over it");
        return Ok(None);
    }
    let facts = Facts::of(message);
    conn.prepare_cached(
        "INSERT INTO chat_messages (id, conversation_id, body, guest_unread, from_staff,
             staff_id, staff_name, sent_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET conversation_id = excluded.conversation_id,
             body = excluded.body, guest_unread = excluded.guest_unread,
             from_staff = excluded.from_staff, staff_id = excluded.staff_id,
             staff_name = excluded.staff_name, sent_at = excluded.sent_at",
    )?
    .execute(params![
        id,
        conversation_id,
        body,
        facts.guest_unread,
        facts.from_staff,
        facts.staff_id,
        facts.staff_name,
        facts.sent_at
    ])?;
    Ok(Some(known.is_none()))
}

/// Sets `fields` on a stored message's JSON; whether anything changed.
pub(super) fn patch_body(
    conn: &rusqlite::Connection,
    id: i64,
    fields: &serde_json::Map<String, Value>,
) -> Result<bool, StoreError> {
    let Some((conversation_id, text)) = conn
        .prepare_cached("SELECT conversation_id, body FROM chat_messages WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .optional()?
    else {
        return Ok(false);
    };
    let Ok(Value::Object(mut body)) = serde_json::from_str::<Value>(&text) else {
        // Read again with its thread: `chat_thread` drops a damaged thread cache.
        return Ok(false);
    };
    let mut changed = false;
    for (key, value) in fields {
        if body.get(key) != Some(value) {
            body.insert(key.clone(), value.clone());
            changed = true;
        }
    }
    if changed {
        // The stored body is the desk's own (its clip mark is kept).
        write(conn, conversation_id, id, &Value::Object(body))?;
    }
    Ok(changed)
}
