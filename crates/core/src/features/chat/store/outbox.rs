//! The chat's outbox: replies, files, edits, deletes and "mark read" written on this desk
//! that the server has not confirmed yet, in order. An entry leaves it only in the transaction
//! that stores the server's copy of its message.

use crate::features::chat::store::ChatStore;
use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::{message_id, upsert};
use crate::engine::store::{LocalData, StoreError, UnsentWork};

/// What the chat keeps in the store beside the engine's tables: its messages, threads and
/// outbox, emptied with the account; its outbox's entries (not "mark read": the server learns
/// it again when the thread is opened) are work waiting, replies and files apart, the refused
/// ones waiting for the person.
pub(crate) static LOCAL_DATA: LocalData = LocalData {
    migrations: super::schema::MIGRATIONS,
    account_tables: &[
        "chat_messages",
        "chat_threads",
        "chat_outbox",
        "chat_drafts",
        "chat_search",
    ],
    waiting: waiting_and_refused,
    unsent: unsent_replies_and_files,
};

fn waiting_and_refused(conn: &rusqlite::Connection) -> rusqlite::Result<(u32, u32)> {
    conn.query_row(
        "SELECT COUNT(*) FILTER (WHERE state != 'rejected'), COUNT(*) FILTER (WHERE state = 'rejected') \
         FROM chat_outbox WHERE op != 'read'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

fn unsent_replies_and_files(
    conn: &rusqlite::Connection,
    work: &mut UnsentWork,
) -> rusqlite::Result<()> {
    let refused: u32;
    (work.replies, work.files, refused) = conn.query_row(
        "SELECT COUNT(*) FILTER (WHERE file_key IS NULL AND state != 'rejected'), \
                COUNT(*) FILTER (WHERE file_key IS NOT NULL AND state != 'rejected'), \
                COUNT(*) FILTER (WHERE state = 'rejected') \
         FROM chat_outbox WHERE op != 'read'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    // A refused reply or file is not on its way: it waits for the person (issue 63.20).
    work.to_decide += refused;
    work.drafts = conn.query_row("SELECT COUNT(*) FROM chat_drafts", [], |r| r.get(0))?;
    Ok(())
}

/// What a chat outbox entry asks of the server. An edit or a delete carries the message it is
/// about: there is no such entry without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChatOp {
    /// Send a reply (text, or a file with a caption).
    Send,
    /// Change the text of one of my messages.
    Edit { target: i64 },
    /// Delete one of my messages.
    Delete { target: i64 },
    /// Mark the thread's guest messages read.
    Read,
    /// This desk's copy of the entry cannot be read (its kind, its state or its target is
    /// damaged): it is never sent, and waits as refused, with `reason`, for the person.
    Unreadable { reason: &'static str },
}

impl ChatOp {
    fn as_str(self) -> &'static str {
        match self {
            Self::Send | Self::Unreadable { .. } => "send",
            Self::Edit { .. } => "edit",
            Self::Delete { .. } => "delete",
            Self::Read => "read",
        }
    }

    /// The message an edit or a delete is about.
    pub(crate) fn target(self) -> Option<i64> {
        match self {
            Self::Edit { target } | Self::Delete { target } => Some(target),
            _ => None,
        }
    }

    /// The stored kind and target, read strictly: anything else is damage, never a guess.
    fn read(kind: &str, target: Option<i64>) -> Self {
        match (kind, target) {
            ("send", None) => Self::Send,
            ("read", None) => Self::Read,
            ("edit", Some(target)) => Self::Edit { target },
            ("delete", Some(target)) => Self::Delete { target },
            ("edit" | "delete", None) => Self::Unreadable {
                reason: "the message it changes is not recorded",
            },
            ("send" | "read", Some(_)) => Self::Unreadable {
                reason: "it names a message it should not",
            },
            _ => Self::Unreadable {
                reason: "what it asks of the server is not known to this desk",
            },
        }
    }
}

/// Where an entry written on this desk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReplyState {
    /// Not sent yet.
    Pending,
    /// A request went out and its outcome is not known (no answer, a server error, or the desk
    /// was stopped): the thread is checked for it before it is sent again.
    Sending,
    /// The server refused it for good (`problem` says why); it stays until the user retries or
    /// discards it.
    Rejected,
}

impl ReplyState {
    fn read(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "sending" => Some(Self::Sending),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// A file waiting in the media cache to be sent with a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueuedFile {
    /// Its content hash in the media cache.
    pub key: String,
    pub name: String,
    pub mime: String,
}

/// An entry of the chat's outbox.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueuedReply {
    pub seq: i64,
    pub op: ChatOp,
    pub conversation_id: i64,
    /// The reply's text, or an edit's new text.
    pub message: String,
    pub reply_to: Option<i64>,
    pub file: Option<QueuedFile>,
    /// Any copy of a reply the server stored has a higher id than this.
    pub after_id: i64,
    pub state: ReplyState,
    pub problem: Option<String>,
    pub attempts: i64,
    pub created_at: String,
}

/// What to queue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewChatEntry<'a> {
    pub op: ChatOp,
    pub conversation_id: i64,
    pub message: &'a str,
    pub reply_to: Option<i64>,
    pub file: Option<&'a QueuedFile>,
}

const REPLY_COLUMNS: &str = "seq, op, conversation_id, message, reply_to, target_id, file_key, \
     file_name, file_mime, after_id, state, problem, attempts, created_at";

fn reply_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<QueuedReply> {
    let file_key: Option<String> = row.get(6)?;
    let state = ReplyState::read(&row.get::<_, String>(10)?);
    let op = match state {
        Some(_) => ChatOp::read(&row.get::<_, String>(1)?, row.get(5)?),
        None => ChatOp::Unreadable {
            reason: "whether it was sent is not recorded",
        },
    };
    Ok(QueuedReply {
        seq: row.get(0)?,
        op,
        conversation_id: row.get(2)?,
        message: row.get(3)?,
        reply_to: row.get(4)?,
        file: match file_key {
            Some(key) => Some(QueuedFile {
                key,
                name: row.get::<_, Option<String>>(7)?.unwrap_or_default(),
                mime: row.get::<_, Option<String>>(8)?.unwrap_or_default(),
            }),
            None => None,
        },
        after_id: row.get(9)?,
        // An unreadable state is the entry's damage (its op says so): refused, never sent.
        state: state.unwrap_or(ReplyState::Rejected),
        problem: row.get(11)?,
        attempts: row.get(12)?,
        created_at: row.get(13)?,
    })
}

impl ChatStore<'_> {
    /// Queues an entry; nothing is sent here. Returns its sequence number. A thread's unsent
    /// "mark read" is not queued twice.
    pub(crate) fn queue(&self, entry: NewChatEntry<'_>) -> Result<i64, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        if entry.op == ChatOp::Read {
            let waiting: Option<i64> = tx
                .query_row(
                    "SELECT seq FROM chat_outbox WHERE op = 'read' AND conversation_id = ?1
                       AND state = 'pending'",
                    [entry.conversation_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(seq) = waiting {
                return Ok(seq);
            }
        }
        let newest: Option<i64> = tx.query_row(
            "SELECT MAX(id) FROM chat_messages WHERE conversation_id = ?1",
            [entry.conversation_id],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO chat_outbox (op, conversation_id, message, reply_to, target_id, file_key,
                 file_name, file_mime, after_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                entry.op.as_str(),
                entry.conversation_id,
                entry.message,
                entry.reply_to,
                entry.op.target(),
                entry.file.map(|f| &f.key),
                entry.file.map(|f| &f.name),
                entry.file.map(|f| &f.mime),
                newest.unwrap_or_default(),
                chrono::Utc::now().to_rfc3339()
            ],
        )?;
        let seq = tx.last_insert_rowid();
        tx.commit()?;
        Ok(seq)
    }

    /// The entries not confirmed by the server, oldest first (`conversation_id`: of one thread).
    pub(crate) fn replies(
        &self,
        conversation_id: Option<i64>,
    ) -> Result<Vec<QueuedReply>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(&format!(
            "SELECT {REPLY_COLUMNS} FROM chat_outbox
             WHERE ?1 IS NULL OR conversation_id = ?1 ORDER BY seq"
        ))?;
        let replies = statement
            .query_map([conversation_id], reply_of)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(replies)
    }

    /// The oldest entry that can be sent now (not refused). An entry this desk cannot read is
    /// set aside as refused, with the reason, on the way: kept for the person, never sent.
    pub(crate) fn next_reply(&self) -> Result<Option<QueuedReply>, StoreError> {
        loop {
            let next = self
                .lock()
                .query_row(
                    &format!(
                        "SELECT {REPLY_COLUMNS} FROM chat_outbox WHERE state != 'rejected'
                         ORDER BY seq LIMIT 1"
                    ),
                    [],
                    reply_of,
                )
                .optional()?;
            match next {
                Some(QueuedReply {
                    seq,
                    op: ChatOp::Unreadable { reason },
                    ..
                }) => {
                    tracing::error!(seq, reason, "a damaged chat outbox entry was set aside");
                    self.reject_reply(
                        seq,
                        &format!("This desk's copy of this message is damaged ({reason}), so it was not sent."),
                    )?;
                }
                other => return Ok(other),
            }
        }
    }

    /// A request for the entry is about to go out: from now on its outcome is unknown until
    /// the server answers.
    pub(crate) fn mark_sending(&self, seq: i64) -> Result<(), StoreError> {
        self.lock().execute(
            "UPDATE chat_outbox SET state = 'sending', attempts = attempts + 1, problem = NULL
             WHERE seq = ?1",
            [seq],
        )?;
        Ok(())
    }

    /// A request for the entry could not be made at all (no connection): it is waiting again,
    /// as it was.
    pub(crate) fn not_sent(&self, seq: i64) -> Result<(), StoreError> {
        self.lock().execute(
            "UPDATE chat_outbox SET state = 'pending' WHERE seq = ?1 AND state = 'sending'",
            [seq],
        )?;
        Ok(())
    }

    /// The server did what the entry asked; `message` is its copy of the message concerned (a
    /// reply, an edited or soft-deleted message). The entry leaves the outbox and the message
    /// joins the thread in one transaction. Later replies of the thread are newer than it.
    pub(crate) fn reply_sent(
        &self,
        reply: &QueuedReply,
        message: Option<&Value>,
    ) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        if let Some(message) = message {
            upsert(&tx, reply.conversation_id, message)?;
            if let (ChatOp::Send, Some(id)) = (reply.op, message_id(message)) {
                tx.execute(
                    "UPDATE chat_outbox SET after_id = MAX(after_id, ?2) WHERE conversation_id = ?1",
                    params![reply.conversation_id, id],
                )?;
            }
        }
        tx.execute("DELETE FROM chat_outbox WHERE seq = ?1", [reply.seq])?;
        tx.commit()?;
        Ok(())
    }

    /// A message of mine announced live before the answer to its request came: the waiting
    /// reply it is (same thread and text, newer than the reply's base) is done. Returns the
    /// reply it completed.
    pub(crate) fn adopt_own(
        &self,
        conversation_id: i64,
        message: &Value,
    ) -> Result<Option<QueuedReply>, StoreError> {
        let Some(id) = message_id(message) else {
            return Ok(None);
        };
        let text = message
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim();
        let candidate = self.replies(Some(conversation_id))?
            .into_iter()
            .find(|r| {
                r.op == ChatOp::Send
                    && r.state == ReplyState::Sending
                    && r.after_id < id
                    && r.file.is_none()
                    && r.message.trim() == text
            });
        if let Some(reply) = &candidate {
            self.reply_sent(reply, Some(message))?;
        }
        Ok(candidate)
    }

    /// The server refused the entry for good.
    pub(crate) fn reject_reply(&self, seq: i64, problem: &str) -> Result<(), StoreError> {
        self.lock().execute(
            "UPDATE chat_outbox SET state = 'rejected', problem = ?2 WHERE seq = ?1",
            params![seq, problem],
        )?;
        Ok(())
    }

    /// The user asks for a refused entry to be sent again.
    pub(crate) fn retry_reply(&self, seq: i64) -> Result<bool, StoreError> {
        Ok(self.lock().execute(
            "UPDATE chat_outbox SET state = 'pending', problem = NULL WHERE seq = ?1 AND state = 'rejected'",
            [seq],
        )? > 0)
    }

    /// The user discards a refused entry; returns it (its file can go).
    pub(crate) fn discard_reply(&self, seq: i64) -> Result<Option<QueuedReply>, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let entry = tx
            .query_row(
                &format!(
                    "SELECT {REPLY_COLUMNS} FROM chat_outbox WHERE seq = ?1 AND state = 'rejected'"
                ),
                [seq],
                reply_of,
            )
            .optional()?;
        tx.execute(
            "DELETE FROM chat_outbox WHERE seq = ?1 AND state = 'rejected'",
            [seq],
        )?;
        tx.commit()?;
        Ok(entry)
    }
}
