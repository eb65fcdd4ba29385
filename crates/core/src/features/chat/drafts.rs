//! Drafts: what is typed in a thread's reply box, kept in the desk's database as it is typed,
//! so it survives switching threads, quitting, a crash and an outage, until it is sent or
//! cleared (issue 38.2). A sign-out counts them as work that would be lost.

use crate::features::chat::store::ChatStore;
use rusqlite::params;

use super::handle::Chat;
use crate::context::DeskError;
use crate::engine::store::StoreError;

/// The longest draft kept: far beyond any reply (the server keeps what a paste holds), and a
/// bound on what one keystroke writes.
pub const DRAFT_MAX_CHARS: usize = 20_000;

/// What is typed in one conversation's reply box.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Draft {
    /// The conversation.
    #[ts(type = "number")]
    pub conversation_id: i64,
    /// The text, as typed.
    pub text: String,
}

impl ChatStore<'_> {
    /// Keeps `text` as the conversation's draft; an empty one (only spaces) clears it.
    pub(crate) fn set_draft(
        &self,
        conversation_id: i64,
        text: &str,
    ) -> Result<(), StoreError> {
        let conn = self.lock();
        if text.trim().is_empty() {
            conn.execute(
                "DELETE FROM chat_drafts WHERE conversation_id = ?1",
                [conversation_id],
            )?;
        } else {
            conn.execute(
                "INSERT INTO chat_drafts (conversation_id, text, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text,
                     updated_at = excluded.updated_at",
                params![conversation_id, text, chrono::Utc::now().to_rfc3339()],
            )?;
        }
        Ok(())
    }

    /// A reply was queued with `message`: the conversation's draft is done if that is what it
    /// held (a draft typed since is kept).
    pub(crate) fn draft_sent(
        &self,
        conversation_id: i64,
        message: &str,
    ) -> Result<(), StoreError> {
        self.lock().execute(
            "DELETE FROM chat_drafts WHERE conversation_id = ?1 AND trim(text) = ?2",
            params![conversation_id, message.trim()],
        )?;
        Ok(())
    }

    /// Every draft, by conversation.
    pub(crate) fn drafts(&self) -> Result<Vec<Draft>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(
            "SELECT conversation_id, text FROM chat_drafts ORDER BY conversation_id",
        )?;
        let drafts = statement
            .query_map([], |r| {
                Ok(Draft {
                    conversation_id: r.get(0)?,
                    text: r.get(1)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(drafts)
    }
}

impl Chat<'_> {
    /// Keeps what is typed in a conversation's reply box (empty: clears it). Works offline.
    pub fn set_draft(&self, conversation_id: i64, text: &str) -> Result<(), DeskError> {
        self.chat()?;
        if text.chars().count() > DRAFT_MAX_CHARS {
            return Err(DeskError::InvalidInput {
                field: "message",
                message: format!(
                    "A reply can be up to {DRAFT_MAX_CHARS} characters long; this one is longer, \
                     so it is not kept as a draft."
                ),
            });
        }
        Ok(ChatStore::new(&self.cx.store).set_draft(conversation_id, text)?)
    }

    /// Every conversation's draft, for the reply boxes and the list's marks.
    pub fn drafts(&self) -> Result<Vec<Draft>, DeskError> {
        self.chat()?;
        Ok(ChatStore::new(&self.cx.store).drafts()?)
    }
}
