//! Who is waiting (issue 38.3): for each conversation, since when its guest has waited, from
//! the first guest message after the last staff message this desk holds. By rule, never a
//! guess: a thread whose newest messages the desk has not read (the list names a newer last
//! message) shows no wait; a thread whose cached messages are all the guest's, with older
//! pages not read here, shows its wait as "at least".

use crate::features::chat::store::ChatStore;
use std::collections::HashMap;

use crate::engine::store::StoreError;

/// Since when a conversation's guest has waited for an answer, as far as this desk knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GuestWait {
    /// The first unanswered guest message's time (RFC 3339), by the server's order (its id).
    pub since: String,
    /// That message's id: a wait is the same wait by it (its time may be read again in
    /// another precision).
    pub first: i64,
    /// False when older messages not read here may make the wait longer ("at least").
    pub exact: bool,
}

impl ChatStore<'_> {
    /// Every conversation whose last cached messages are the guest's, unanswered by staff.
    pub(crate) fn guest_waits(&self) -> Result<HashMap<i64, GuestWait>, StoreError> {
        let conn = self.lock();
        // Per thread: its last staff message, then the first guest message after it, found
        // by walking the thread's index from there (no work per message: a guest's flood of
        // thousands is read a few times a second). Correlating per message instead took
        // 18.5 s for one thread of 10,000 unanswered messages; this takes ~6 ms for 36,000
        // messages in 250 threads.
        let mut statement = conn.prepare_cached(
            "WITH threads AS (
                 SELECT conversation_id, MAX(id) FILTER (WHERE from_staff = 1) AS answered
                 FROM chat_messages GROUP BY conversation_id
             ),
             waits AS (
                 SELECT t.conversation_id, t.answered,
                        (SELECT m.id FROM chat_messages m
                         WHERE m.conversation_id = t.conversation_id
                           AND m.id > COALESCE(t.answered, 0)
                           AND m.from_staff = 0 AND m.sent_at IS NOT NULL
                           AND json_extract(m.body, '$.sender_type') = 'guest'
                           AND COALESCE(json_extract(m.body, '$.is_deleted'), 0) = 0
                         ORDER BY m.id LIMIT 1) AS first
                 FROM threads t
             )
             SELECT w.conversation_id, f.sent_at, w.first,
                    w.answered IS NOT NULL
                    OR COALESCE((SELECT complete FROM chat_threads c
                                 WHERE c.conversation_id = w.conversation_id), 0)
             FROM waits w JOIN chat_messages f ON f.id = w.first",
        )?;
        let waits = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    GuestWait {
                        since: r.get(1)?,
                        first: r.get(2)?,
                        exact: r.get(3)?,
                    },
                ))
            })?
            .collect::<Result<HashMap<_, _>, _>>()?;
        Ok(waits)
    }
}
