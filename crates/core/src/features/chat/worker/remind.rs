//! The guest-wait reminder (issue 38.3): one notification when a guest has waited longer than
//! this computer's reminder time for an answer. Once per wait (a wait is its conversation and
//! the message it began with), never for a conversation a colleague handles (their answer ends
//! the wait on every desk), never repeated.

use crate::features::chat::store::ChatStore;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use super::ChatShared;
use crate::events::DeskEvent;
use crate::features::chat::{read_conversations, ConversationFilter, ConversationSort};

/// This computer's reminder time in minutes (0: no reminders), in the desk's preferences.
pub(crate) const GUEST_WAIT_REMINDER: &str = "guest_wait_reminder_minutes";
/// The waits already reminded of that still last, as `[[conversation, first message], …]`.
const REMINDED: &str = "guest_waits_reminded";
/// The reminder time until someone chooses another.
pub(crate) const DEFAULT_REMINDER_MINUTES: u32 = 10;
/// The longest reminder time that can be chosen (a shift).
pub(crate) const MAX_REMINDER_MINUTES: u32 = 480;
/// How often the waits are looked at, in reminder minutes (a quarter of one).
const LOOKS_PER_MINUTE: u32 = 4;

/// The reminder time kept in `value` (a preference), or the default when none was chosen or
/// what is kept is damaged (said in the log).
pub(crate) fn reminder_minutes(value: Option<&str>) -> u32 {
    match value.map(str::parse::<u32>) {
        None => DEFAULT_REMINDER_MINUTES,
        Some(Ok(minutes)) => minutes.min(MAX_REMINDER_MINUTES),
        Some(Err(err)) => {
            tracing::warn!(error = %err, "a damaged reminder time; using the default");
            DEFAULT_REMINDER_MINUTES
        }
    }
}

/// Looks at the waits until stopped (the task is aborted).
pub(crate) async fn remind(chat: Arc<ChatShared>) {
    let minute = chat.reminder_minute;
    let mut reminded = kept_reminded(&chat);
    let mut ticks = tokio::time::interval(minute / LOOKS_PER_MINUTE);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(err) = look(&chat, minute, &mut reminded) {
            tracing::warn!(error = %err, "cannot look at who is waiting; trying again later");
        }
    }
}

/// The waits reminded of before a restart (none when nothing is kept; a damaged list is said
/// in the log and read as none: at worst a wait is reminded of once more).
fn kept_reminded(chat: &ChatShared) -> HashSet<(i64, i64)> {
    match chat.sync.store.preference(REMINDED) {
        Ok(Some(json)) => serde_json::from_str(&json).unwrap_or_else(|err| {
            tracing::warn!(error = %err, "a damaged list of waits reminded of; reading none");
            HashSet::new()
        }),
        Ok(None) => HashSet::new(),
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the waits reminded of; reading none");
            HashSet::new()
        }
    }
}

fn look(
    chat: &ChatShared,
    minute: Duration,
    reminded: &mut HashSet<(i64, i64)>,
) -> Result<(), crate::engine::store::StoreError> {
    let store = &chat.sync.store;
    let threshold = reminder_minutes(store.preference(GUEST_WAIT_REMINDER)?.as_deref());
    if threshold == 0 {
        return Ok(());
    }
    // Waits that ended (a staff message after them is here) are forgotten, so the list stays
    // as short as the waits that last. By what is cached, not by what the list shows: a wait
    // hidden for a moment (its thread behind the list) has not ended. Read before the list:
    // read after it, an answer and the guest's next message stored in between made the wait
    // the list still showed look ended, so it was forgotten and then reminded of again from
    // the older list (seen once under load: the guest's old wait and the new one, one after
    // the other). Messages are only added, so a wait that lasts in the later list either
    // lasted here too or is a new one.
    let lasting = ChatStore::new(store).guest_waits()?;
    let before = reminded.clone();
    reminded.retain(|(id, first)| lasting.get(id).is_some_and(|wait| wait.first == *first));
    let list = read_conversations(
        store,
        chat.reader(),
        (
            ConversationFilter::Waiting,
            ConversationSort::WaitingLongest,
        ),
        ("", None),
    )?;
    let now = chrono::Utc::now();
    for conversation in list.conversations {
        let (Some(since), Some(first)) = (
            conversation.guest_waiting_since,
            conversation.guest_waiting_from,
        ) else {
            continue;
        };
        // A colleague handles it: their answer ends the wait; it is not mine to be reminded of.
        if conversation.handled_by.is_some() && !conversation.mine {
            continue;
        }
        let Ok(began) = chrono::DateTime::parse_from_rfc3339(&since) else {
            continue;
        };
        let waited = (now - began.with_timezone(&chrono::Utc))
            .to_std()
            .unwrap_or_default();
        let minutes =
            u32::try_from(waited.as_millis() / minute.as_millis().max(1)).unwrap_or(u32::MAX);
        if minutes < threshold || !reminded.insert((conversation.conversation_id, first)) {
            continue;
        }
        chat.sync.emit(DeskEvent::GuestWaiting {
            conversation_id: conversation.conversation_id,
            room_number: conversation.room_number,
            guest_name: conversation.guest_name,
            minutes,
        });
    }
    if *reminded != before {
        let json = serde_json::to_string(&*reminded).unwrap_or_else(|_| "[]".into());
        store.set_preference(REMINDED, &json)?;
    }
    Ok(())
}
