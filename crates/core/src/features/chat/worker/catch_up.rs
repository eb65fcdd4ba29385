//! Catching threads up with the server: after every resubscription and every read of the
//! conversation list, each thread the list says is behind (or a damaged event, or the person
//! opening it, named) is read back to the newest message this desk has. Threads nobody asked for
//! are read in the background at a bounded pace, unread and newest first: a hotel with thousands
//! of conversations is never read all at once (issue 36.4: 30,000 threads read at 15 requests a
//! second froze the desk and loaded the server).

use crate::features::chat::store::ChatStore;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::{ChatShared, Turn};
use crate::api::ApiError;
use crate::context::lock;
use crate::features::chat::spec::CONVERSATIONS;

/// A thread is never read back further than this many pages in one catch-up...
const CATCH_UP_PAGES: usize = 20;
/// ...of this many messages each (each page stored in one transaction, the screen told once).
const CATCH_UP_BATCH: usize = 100;
/// Pages of threads nobody asked for that the desk reads per minute at most. A thread the list
/// flags unread already counts in the badge (at least one), so reading it early only refines
/// the count; a thread the person opens is read at once, outside this pace. Thirty a minute
/// reads the few threads of a quiet hotel at once and keeps a busy one's server and desk calm.
pub const BACKGROUND_READS_PER_MINUTE: usize = 30;
/// The span [`BACKGROUND_READS_PER_MINUTE`] counts over.
const PACE_SPAN: Duration = Duration::from_secs(60);

/// When the background reads of the last [`PACE_SPAN`] were made: whether one more may be made
/// now, and else when. Owned by the chat's sender task.
#[derive(Debug, Default)]
pub(crate) struct Pace {
    reads: VecDeque<Instant>,
}

impl Pace {
    /// Whether the pace allows a background read now; else how long until it does.
    fn room(&mut self, now: Instant) -> Result<(), Duration> {
        while self
            .reads
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) >= PACE_SPAN)
        {
            self.reads.pop_front();
        }
        match self.reads.front() {
            Some(oldest) if self.reads.len() >= BACKGROUND_READS_PER_MINUTE => {
                Err((*oldest + PACE_SPAN).saturating_duration_since(now))
            }
            _ => Ok(()),
        }
    }

    /// Takes one background read if the pace allows it now; else how long until it does.
    fn take(&mut self, now: Instant) -> Result<(), Duration> {
        self.room(now)?;
        self.reads.push_back(now);
        Ok(())
    }
}

/// A thread to read, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Behind {
    conversation_id: i64,
    /// The newest message this desk has of it (`None`: none).
    newest: Option<i64>,
    /// Named (opened, or a damaged event): read now, outside the pace.
    named: bool,
}

/// Reads the threads that changed on the server since this desk last had them: any thread
/// named (opened by the person, or named by a damaged event) at once; then, at the pace
/// [`BACKGROUND_READS_PER_MINUTE`] allows, every thread with a cache whose conversation has a
/// newer last message and every thread this desk has none of (its newest page: who handles
/// it is learnt from its messages), unread first, then newest first. [`Turn::Later`] when the
/// pace holds some back.
pub(crate) async fn catch_up_all(chat: &Arc<ChatShared>, pace: &mut Pace) -> Turn {
    let named: Vec<i64> = std::mem::take(&mut *lock(&chat.refetch))
        .into_iter()
        .collect();
    let requested = chat.catch_up.swap(false, Ordering::SeqCst);
    if !requested && named.is_empty() {
        return Turn::Done;
    }
    // While the pace allows no background read, only the named threads are read: every
    // conversation is not looked through on each wake (a reply sent, a thread marked read).
    let held = if requested {
        pace.room(Instant::now()).err()
    } else {
        None
    };
    let behind = match threads_behind(chat, named, requested && held.is_none()) {
        Ok(behind) => behind,
        Err(err) => {
            tracing::error!(error = %err, "cannot read the chat's cache to catch it up");
            return Turn::Failed;
        }
    };
    for thread in behind {
        let paced = (!thread.named).then_some(&mut *pace);
        match catch_up_thread(chat, thread.conversation_id, thread.newest, paced).await {
            Ok(CaughtUp::Whole) => {}
            Ok(CaughtUp::Paused { after }) => {
                // The rest is read when the pace allows; the list is looked at again then.
                chat.catch_up.store(true, Ordering::SeqCst);
                tracing::debug!(
                    ?after,
                    "threads nobody has open wait for the background pace"
                );
                return Turn::Later(after);
            }
            Err(ApiError::Unauthorized { message }) => {
                chat.sync.report_unauthorized(message);
                return Turn::Stopped;
            }
            Err(err) if err.is_transient() => {
                chat.catch_up.store(true, Ordering::SeqCst);
                chat.sync.went_offline(&err);
                return Turn::Failed;
            }
            Err(err) => {
                // The conversation is gone or not this hotel's: the list's next read says so.
                tracing::warn!(error = %err, conversation_id = thread.conversation_id, "a thread could not be caught up");
            }
        }
    }
    match held {
        Some(after) => {
            chat.catch_up.store(true, Ordering::SeqCst);
            Turn::Later(after)
        }
        None => Turn::Done,
    }
}

/// The threads to read, named ones first, then (with `background`) the rest, unread first and
/// newest first (the order the list shows them in, so what the person sees at the top is read
/// first).
fn threads_behind(
    chat: &ChatShared,
    named: Vec<i64>,
    background: bool,
) -> Result<Vec<Behind>, crate::engine::store::StoreError> {
    let store = &chat.sync.store;
    let cached: std::collections::HashMap<i64, (i64, Option<String>)> = ChatStore::new(store).newest_of_threads()?
        .into_iter()
        .map(|(conversation, id, at)| (conversation, (id, at)))
        .collect();
    let mut behind: Vec<Behind> = named
        .into_iter()
        .map(|id| Behind {
            conversation_id: id,
            newest: cached.get(&id).map(|(newest, _)| *newest),
            named: true,
        })
        .collect();
    if !background {
        return Ok(behind);
    }
    // Threads read whole that hold no message: nothing to read again until the list says so.
    let whole: std::collections::HashSet<i64> = ChatStore::new(store).thread_states()?
        .into_iter()
        .filter(|(_, state)| state.complete)
        .map(|(id, _)| id)
        .collect();
    // (unread, last message time, thread) of those read in the background.
    let mut later: Vec<(bool, Option<chrono::DateTime<chrono::FixedOffset>>, Behind)> = Vec::new();
    for row in store.records(CONVERSATIONS.name)? {
        let Some(id) = row.get("id").and_then(Value::as_i64) else {
            continue;
        };
        if behind.iter().any(|b| b.conversation_id == id) {
            continue;
        }
        let unread = row.get("has_unread").and_then(Value::as_bool) == Some(true);
        let newest = match cached.get(&id) {
            Some((newest, at)) if crate::features::chat::is_behind(&row, at.as_deref()) => {
                Some(*newest)
            }
            // Never read here: its newest page says who handles it (the server's list does
            // not), and whether a guest waits (issue 63.18).
            None if !whole.contains(&id) || has_a_message(&row) => None,
            _ => continue,
        };
        let time = row
            .get("last_message_time")
            .and_then(Value::as_str)
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
        later.push((
            unread,
            time,
            Behind {
                conversation_id: id,
                newest,
                named: false,
            },
        ));
    }
    later.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    behind.extend(later.into_iter().map(|(_, _, thread)| thread));
    Ok(behind)
}

/// Whether the list says the conversation has a message at all.
fn has_a_message(row: &crate::engine::store::Row) -> bool {
    row.get("last_message_time").is_some_and(|t| !t.is_null())
}

/// How far a thread was read.
enum CaughtUp {
    /// To the newest message this desk had (or a page, for a thread it had none of).
    Whole,
    /// The background pace stopped it; it may be read further after this long. What was read
    /// has no gap (see the first page's note in [`catch_up_thread`]).
    Paused { after: Duration },
}

/// A thread read could not be stored: said as the server's answer the desk cannot use, and,
/// when the disk is full, read again once it has room (issue 63.9: before, it was never read
/// again).
fn unkept(
    chat: &ChatShared,
    conversation_id: i64,
    err: &crate::engine::store::StoreError,
) -> ApiError {
    chat.keep_when_there_is_room(Some(conversation_id), err);
    ApiError::Unsupported {
        message: format!("the thread cannot be stored: {err}"),
    }
}

/// Reads a thread's newest messages back to the newest this desk has (`None`: one page), each
/// page taken from `pace` when it is read in the background. A thread the desk had none of is
/// history, not news: nothing in it is announced (its unread messages still count, in the list,
/// the tray and the title).
async fn catch_up_thread(
    chat: &ChatShared,
    conversation_id: i64,
    newest: Option<i64>,
    mut pace: Option<&mut Pace>,
) -> Result<CaughtUp, ApiError> {
    let sync = &chat.sync;
    let mut before = None;
    let mut changed = 0;
    let mut caught_up = CaughtUp::Whole;
    for page_number in 0..CATCH_UP_PAGES {
        if let Some(pace) = pace.as_deref_mut() {
            if let Err(after) = pace.take(Instant::now()) {
                caught_up = CaughtUp::Paused { after };
                break;
            }
        }
        let page = sync
            .client
            .chat_messages(&sync.slug, conversation_id, CATCH_UP_BATCH, before)
            .await?;
        sync.came_online();
        let ids: Vec<i64> = page
            .iter()
            .filter_map(|m| m.get("id").and_then(Value::as_i64))
            .collect();
        let oldest = ids.iter().min().copied();
        let reached = match (newest, oldest) {
            (Some(newest), Some(oldest)) => oldest <= newest,
            _ => true,
        } || page.len() < CATCH_UP_BATCH;
        if let (0, false, Some(oldest)) = (page_number, reached, oldest) {
            // More was written than a page (a guest's flood during an outage): what this desk
            // had is forgotten first, so the thread is never shown with a gap in it while the
            // rest arrives (or after the pace stops reading it); scrolling back reads the older
            // part from the server again.
            ChatStore::new(&chat.sync.store).forget_older(conversation_id, oldest)
                .map_err(|err| unkept(chat, conversation_id, &err))?;
            tracing::info!(
                conversation_id,
                "a thread has more new messages than a page: its older part is read again when scrolled to"
            );
            changed += 1;
        }
        // A thread this read began with none of may have been read meanwhile (opened on the
        // screen): what is newer than that read is news, announced as any news is. Before, a
        // guest's message written between the two reads was stored as history and never
        // announced (chat_lost_events failed on it one run in about twelve).
        let held_meanwhile = match (newest, page_number) {
            (None, 0) => ChatStore::new(&chat.sync.store)
                .newest_id(conversation_id)
                .map_err(|err| unkept(chat, conversation_id, &err))?,
            _ => None,
        };
        changed += match held_meanwhile {
            Some(held) => {
                let (news, history): (Vec<Value>, Vec<Value>) = page.iter().cloned().partition(
                    |m| m.get("id").and_then(Value::as_i64).is_some_and(|id| id > held),
                );
                chat.take_messages(conversation_id, &history, false)
                    .and_then(|old| Ok(old + chat.take_messages(conversation_id, &news, true)?))
            }
            None => chat.take_messages(conversation_id, &page, newest.is_some()),
        }
        .map_err(|err| unkept(chat, conversation_id, &err))?;
        if newest.is_none() && page.len() < CATCH_UP_BATCH {
            // Its first read brought it whole: nothing earlier to load, and no staff message
            // in it means nobody handles it yet.
            ChatStore::new(&chat.sync.store).set_complete(conversation_id)
                .map_err(|err| unkept(chat, conversation_id, &err))?;
        }
        if reached {
            break;
        }
        before = crate::features::chat::page_back_from(&ids);
    }
    if changed > 0 {
        chat.changed(Some(conversation_id));
    }
    Ok(caught_up)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_background_pace_allows_its_reads_per_minute_then_says_when_the_next_may_go() {
        let start = Instant::now();
        let mut pace = Pace::default();
        for n in 0..BACKGROUND_READS_PER_MINUTE {
            let at = start + Duration::from_millis(u64::try_from(n).unwrap_or(0) * 10);
            assert_eq!(pace.take(at), Ok(()), "read {n} of the minute");
        }
        let later = start + Duration::from_secs(1);
        assert_eq!(
            pace.take(later),
            Err(Duration::from_secs(59)),
            "the next once the first is a minute old"
        );
        assert_eq!(pace.take(start + PACE_SPAN), Ok(()));
        assert!(
            pace.take(start + PACE_SPAN).is_err(),
            "one freed, one taken"
        );
    }
}
