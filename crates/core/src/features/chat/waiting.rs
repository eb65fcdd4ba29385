//! Who is waiting (issue 38.3): for each conversation, since when its guest has waited, from
//! the first guest message after the last staff message this desk holds. By rule, never a
//! guess: a thread whose newest messages the desk has not read (the list names a newer last
//! message) shows no wait; a thread whose cached messages are all the guest's, with older
//! pages not read here, shows its wait as "at least".

use std::collections::HashMap;

use crate::engine::store::{Store, StoreError};

/// Since when a conversation's guest has waited for an answer, as far as this desk knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GuestWait {
    /// The first unanswered guest message's time (RFC 3339).
    pub since: String,
    /// That message's id: a wait is the same wait by it (its time may be read again in
    /// another precision).
    pub first: i64,
    /// False when older messages not read here may make the wait longer ("at least").
    pub exact: bool,
}

impl Store {
    /// Every conversation whose last cached messages are the guest's, unanswered by staff.
    pub(crate) fn chat_guest_waits(&self) -> Result<HashMap<i64, GuestWait>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(
            "SELECT m.conversation_id, MIN(m.sent_at), MIN(m.id),
                    EXISTS (SELECT 1 FROM chat_messages s
                            WHERE s.conversation_id = m.conversation_id AND s.from_staff = 1)
                    OR COALESCE((SELECT complete FROM chat_threads t
                                 WHERE t.conversation_id = m.conversation_id), 0)
             FROM chat_messages m
             WHERE m.from_staff = 0
               AND json_extract(m.body, '$.sender_type') = 'guest'
               AND COALESCE(json_extract(m.body, '$.is_deleted'), 0) = 0
               AND m.sent_at IS NOT NULL
               AND m.id > COALESCE((SELECT MAX(s.id) FROM chat_messages s
                                    WHERE s.conversation_id = m.conversation_id
                                      AND s.from_staff = 1), 0)
             GROUP BY m.conversation_id",
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
