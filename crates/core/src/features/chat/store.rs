//! Guest chat in the local database: the messages of each thread as the server sent them, what
//! is known of each thread (whether its oldest message is here, who handles it), and the replies
//! written on this desk that the server has not confirmed yet (the chat's outbox).
//!
//! A reply is stored before anything is sent and leaves the outbox only in the transaction that
//! stores the server's copy, so a kill at any point loses nothing and sends nothing twice (a
//! reply that may have reached the server is `sending` and is looked for before a retry).

use std::sync::MutexGuard;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use crate::engine::store::{Store, StoreError};

mod outbox;
mod schema;
mod written;
pub(crate) use outbox::{ChatOp, NewChatEntry, QueuedFile, QueuedReply, ReplyState, LOCAL_DATA};
pub use written::MESSAGE_CHARS;
pub(crate) use written::CLIPPED_KEY;
use written::{message_id, patch_body, upsert};

/// The chat's tables in the desk's store: every read and write of guest chat goes through this
/// view of the engine's [`Store`] (its one connection, its transactions), so the engine's type
/// has no method of any feature's (issue 64.4).
#[derive(Debug, Clone, Copy)]
pub struct ChatStore<'a> {
    store: &'a Store,
}

impl<'a> ChatStore<'a> {
    /// The chat's tables in `store`.
    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// The store's one connection, for the chat's own statements.
    pub(in crate::features::chat) fn lock(&self) -> MutexGuard<'a, Connection> {
        self.store.lock()
    }
}

/// What is known of one thread besides its messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ThreadState {
    /// The thread's oldest message is cached: there is nothing earlier to load.
    pub complete: bool,
    /// Who handles the conversation, as the server last said (a staff-assigned event, a
    /// takeover, or a reply sent here).
    pub handled_by: Option<String>,
    pub handled_by_id: Option<i64>,
    /// The newest message of the thread this desk had when it learned `handled_by` (`None`:
    /// it had none then, and the first messages stored after are taken as older): a staff
    /// message newer than this one made its sender the handler since (API.md §8.4).
    pub handler_after: Option<i64>,
}

/// The newest staff message this desk has of a thread, and who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StaffSender {
    /// The message's id.
    pub message_id: i64,
    /// The name it is signed with (`staff_info.name` or `staff_display_name`).
    pub name: Option<String>,
    /// The staff member's id, when the message names it.
    pub staff_id: Option<i64>,
}

/// What storing messages changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredMessages {
    /// Messages this desk did not have before, by id.
    pub new: Vec<i64>,
    /// New or changed messages.
    pub changed: usize,
}

fn thread_state_of(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<ThreadState> {
    Ok(ThreadState {
        complete: row.get(first)?,
        handled_by: row.get(first + 1)?,
        handled_by_id: row.get(first + 2)?,
        handler_after: row.get(first + 3)?,
    })
}

impl ChatStore<'_> {
    /// Stores messages of a thread as the server sent them.
    pub fn store_messages(
        &self,
        conversation_id: i64,
        messages: &[Value],
    ) -> Result<StoredMessages, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut stored = StoredMessages::default();
        for message in messages {
            match upsert(&tx, conversation_id, message)? {
                Some(true) => {
                    stored.changed += 1;
                    stored.new.extend(message_id(message));
                }
                Some(false) => stored.changed += 1,
                None => {}
            }
        }
        if !stored.new.is_empty() {
            // A handler heard before the desk had any of the thread is newer than what the
            // thread's first read brings (a later staff message comes with its own event).
            tx.execute(
                "UPDATE chat_threads
                 SET handler_after = (SELECT MAX(id) FROM chat_messages WHERE conversation_id = ?1)
                 WHERE conversation_id = ?1 AND handled_by IS NOT NULL AND handler_after IS NULL",
                [conversation_id],
            )?;
        }
        tx.commit()?;
        Ok(stored)
    }

    /// Sets fields (read flags, a delivery status) on stored messages; returns how many
    /// changed. Messages this desk does not have are skipped (they arrive with their thread).
    pub(crate) fn patch_messages(
        &self,
        ids: &[i64],
        fields: &serde_json::Map<String, Value>,
    ) -> Result<usize, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut changed = 0;
        for id in ids {
            changed += usize::from(patch_body(&tx, *id, fields)?);
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Every guest message of a thread that no staff member has read, by id.
    pub(crate) fn unread_ids(&self, conversation_id: i64) -> Result<Vec<i64>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(
            "SELECT id FROM chat_messages WHERE conversation_id = ?1 AND guest_unread = 1",
        )?;
        let ids = statement
            .query_map([conversation_id], |r| r.get(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ids)
    }

    /// A hard-deleted message leaves the cache.
    pub(crate) fn remove_message(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .lock()
            .execute("DELETE FROM chat_messages WHERE id = ?1", [id])?
            > 0)
    }

    /// One cached message.
    pub(crate) fn message(&self, id: i64) -> Result<Option<Value>, StoreError> {
        let text: Option<String> = self
            .lock()
            .query_row("SELECT body FROM chat_messages WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// The newest `limit` cached messages of a thread older than `before` (all when `None`),
    /// oldest first. A damaged cached message (unreadable JSON) drops the thread's cache, which
    /// is read again from the server, so no message is shown wrong or silently missing.
    pub(crate) fn thread(
        &self,
        conversation_id: i64,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Value>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(
            "SELECT id, body FROM chat_messages WHERE conversation_id = ?1 AND id < ?2
             ORDER BY id DESC LIMIT ?3",
        )?;
        let rows = statement
            .query_map(
                params![
                    conversation_id,
                    before.unwrap_or(i64::MAX),
                    i64::try_from(limit).unwrap_or(i64::MAX)
                ],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let mut messages = Vec::with_capacity(rows.len());
        for (id, body) in rows.into_iter().rev() {
            match serde_json::from_str(&body) {
                Ok(message) => messages.push(message),
                Err(err) => {
                    tracing::error!(conversation_id, id, error = %err, "a damaged cached chat message: the thread's cache is dropped and read again from the server");
                    conn.execute(
                        "DELETE FROM chat_messages WHERE conversation_id = ?1",
                        [conversation_id],
                    )?;
                    // Nothing earlier is known to be here any more.
                    conn.execute(
                        "UPDATE chat_threads SET complete = 0 WHERE conversation_id = ?1",
                        [conversation_id],
                    )?;
                    return Ok(Vec::new());
                }
            }
        }
        Ok(messages)
    }

    /// The id of the newest cached message of a thread.
    pub(crate) fn newest_id(&self, conversation_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self.lock().query_row(
            "SELECT MAX(id) FROM chat_messages WHERE conversation_id = ?1",
            [conversation_id],
            |r| r.get(0),
        )?)
    }

    /// The newest cached message's id and timestamp of one thread.
    pub(crate) fn newest_of_thread(
        &self,
        conversation_id: i64,
    ) -> Result<Option<(i64, Option<String>)>, StoreError> {
        Ok(self
            .lock()
            .query_row(
                "SELECT id, sent_at FROM chat_messages
                 WHERE conversation_id = ?1 ORDER BY id DESC LIMIT 1",
                [conversation_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The newest cached message's id and timestamp of every thread with a cache.
    pub(crate) fn newest_of_threads(
        &self,
    ) -> Result<Vec<(i64, i64, Option<String>)>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(
            "SELECT conversation_id, id, sent_at FROM chat_messages
             WHERE id IN (SELECT MAX(id) FROM chat_messages GROUP BY conversation_id)",
        )?;
        let rows = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// How many cached messages a thread has.
    pub(crate) fn count(&self, conversation_id: i64) -> Result<usize, StoreError> {
        let n: i64 = self.lock().query_row(
            "SELECT COUNT(*) FROM chat_messages WHERE conversation_id = ?1",
            [conversation_id],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or_default())
    }

    /// Guest messages this desk has that no staff member has read, per conversation.
    pub(crate) fn unread_counts(&self) -> Result<Vec<(i64, u32)>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(
            "SELECT conversation_id, COUNT(*) FROM chat_messages WHERE guest_unread = 1
             GROUP BY conversation_id",
        )?;
        let counts = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(counts)
    }

    pub(crate) fn thread_state(
        &self,
        conversation_id: i64,
    ) -> Result<ThreadState, StoreError> {
        Ok(self
            .lock()
            .query_row(
                "SELECT complete, handled_by, handled_by_id, handler_after FROM chat_threads
                 WHERE conversation_id = ?1",
                [conversation_id],
                |r| thread_state_of(r, 0),
            )
            .optional()?
            .unwrap_or_default())
    }

    /// Every thread's state (for the conversation list).
    pub(crate) fn thread_states(&self) -> Result<Vec<(i64, ThreadState)>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(
            "SELECT conversation_id, complete, handled_by, handled_by_id, handler_after
             FROM chat_threads",
        )?;
        let states = statement
            .query_map([], |r| Ok((r.get(0)?, thread_state_of(r, 1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(states)
    }

    /// The author of each thread's newest cached staff message: whoever sent last handles the
    /// conversation (the server makes the sender its handler, API.md §8.4).
    /// `conversation_id`: of one thread only.
    pub(crate) fn last_staff_senders(
        &self,
        conversation_id: Option<i64>,
    ) -> Result<Vec<(i64, StaffSender)>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(
            "SELECT conversation_id, id, staff_name, staff_id FROM chat_messages
             WHERE id IN (SELECT MAX(id) FROM chat_messages
                          WHERE from_staff = 1 AND (?1 IS NULL OR conversation_id = ?1)
                          GROUP BY conversation_id)",
        )?;
        let senders = statement
            .query_map([conversation_id], |r| {
                Ok((
                    r.get(0)?,
                    StaffSender {
                        message_id: r.get(1)?,
                        name: r.get(2)?,
                        staff_id: r.get(3)?,
                    },
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(senders)
    }

    /// Forgets a thread's cached messages older than `before_id` (a gap after them is not
    /// known): the thread reads them from the server again when scrolled back.
    pub(crate) fn forget_older(
        &self,
        conversation_id: i64,
        before_id: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM chat_messages WHERE conversation_id = ?1 AND id < ?2",
            params![conversation_id, before_id],
        )?;
        tx.execute(
            "UPDATE chat_threads SET complete = 0 WHERE conversation_id = ?1",
            [conversation_id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Forgets conversations the server deleted (a check-out deletes the room's, API.md §15.2,
    /// and says nothing): their row, cached messages (and their search entries), what is known
    /// of each thread, its draft and any reply or mark still waiting to be sent, in one
    /// transaction. Returns how many conversation rows went.
    pub(crate) fn forget_conversations(&self, ids: &[i64]) -> Result<usize, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut gone = 0;
        for id in ids {
            for table in ["chat_messages", "chat_threads", "chat_drafts", "chat_outbox"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE conversation_id = ?1"),
                    [id],
                )?;
            }
            gone += tx.execute(
                "DELETE FROM records WHERE resource = 'conversations' AND id = ?1",
                [id],
            )?;
        }
        tx.commit()?;
        Ok(gone)
    }

    pub(crate) fn set_complete(&self, conversation_id: i64) -> Result<(), StoreError> {
        self.lock().execute(
            "INSERT INTO chat_threads (conversation_id, complete) VALUES (?1, 1)
             ON CONFLICT (conversation_id) DO UPDATE SET complete = 1",
            [conversation_id],
        )?;
        Ok(())
    }

    /// Who handles a conversation now, as of the newest message this desk has of it (a staff
    /// message newer than that names the next handler); returns whether anything changed.
    pub(crate) fn set_handler(
        &self,
        conversation_id: i64,
        name: &str,
        staff_id: Option<i64>,
    ) -> Result<bool, StoreError> {
        let changed = self.lock().execute(
            "INSERT INTO chat_threads (conversation_id, handled_by, handled_by_id, handler_after)
             VALUES (?1, ?2, ?3,
                     (SELECT MAX(id) FROM chat_messages WHERE conversation_id = ?1))
             ON CONFLICT (conversation_id) DO UPDATE SET handled_by = excluded.handled_by,
                 handled_by_id = COALESCE(excluded.handled_by_id,
                     CASE WHEN chat_threads.handled_by IS excluded.handled_by
                          THEN chat_threads.handled_by_id END),
                 handler_after = excluded.handler_after
             WHERE chat_threads.handled_by IS NOT excluded.handled_by
                OR chat_threads.handled_by_id IS NOT COALESCE(excluded.handled_by_id, chat_threads.handled_by_id)
                OR chat_threads.handler_after IS NOT excluded.handler_after",
            params![conversation_id, name, staff_id],
        )?;
        Ok(changed > 0)
    }
}

#[cfg(test)]
pub(super) mod tests;
