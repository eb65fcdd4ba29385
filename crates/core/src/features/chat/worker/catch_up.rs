//! Catching threads up with the server: after every resubscription and every read of the
//! conversation list, each thread the list says is behind (or a damaged event named) is read back
//! to the newest message this desk has.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::Value;

use super::{ChatShared, Turn};
use crate::api::ApiError;
use crate::context::lock;
use crate::features::chat::spec::CONVERSATIONS;

/// A thread is never read back further than this many pages in one catch-up...
const CATCH_UP_PAGES: usize = 20;
/// ...of this many messages each (each page stored in one transaction, the screen told once).
const CATCH_UP_BATCH: usize = 100;

/// Reads the threads that changed on the server since this desk last had them: every thread
/// with a cache whose conversation has a newer last message, every thread with unread guest
/// messages, and any thread a damaged event named.
pub(crate) async fn catch_up_all(chat: &Arc<ChatShared>) -> Turn {
    let named: Vec<i64> = std::mem::take(&mut *lock(&chat.refetch))
        .into_iter()
        .collect();
    if !chat.catch_up.swap(false, Ordering::SeqCst) && named.is_empty() {
        return Turn::Done;
    }
    let behind = match threads_behind(chat, named) {
        Ok(behind) => behind,
        Err(err) => {
            tracing::error!(error = %err, "cannot read the chat's cache to catch it up");
            return Turn::Failed;
        }
    };
    for (conversation_id, newest) in behind {
        match catch_up_thread(chat, conversation_id, newest).await {
            Ok(()) => {}
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
                tracing::warn!(error = %err, conversation_id, "a thread could not be caught up");
            }
        }
    }
    Turn::Done
}

/// The threads to read: `(conversation, newest cached message id)`; `named` are read
/// whatever the list says.
fn threads_behind(
    chat: &ChatShared,
    named: Vec<i64>,
) -> Result<Vec<(i64, Option<i64>)>, crate::engine::store::StoreError> {
    let store = &chat.sync.store;
    let cached: std::collections::HashMap<i64, (i64, Option<String>)> = store
        .chat_newest_of_threads()?
        .into_iter()
        .map(|(conversation, id, at)| (conversation, (id, at)))
        .collect();
    let mut behind: Vec<(i64, Option<i64>)> = named
        .into_iter()
        .map(|id| (id, cached.get(&id).map(|(newest, _)| *newest)))
        .collect();
    for row in store.records(CONVERSATIONS.name)? {
        let Some(id) = row.get("id").and_then(Value::as_i64) else {
            continue;
        };
        if behind.iter().any(|(c, _)| *c == id) {
            continue;
        }
        match cached.get(&id) {
            Some((newest, at)) if crate::features::chat::is_behind(&row, at.as_deref()) => {
                behind.push((id, Some(*newest)));
            }
            None if row.get("has_unread").and_then(Value::as_bool) == Some(true) => {
                behind.push((id, None));
            }
            _ => {}
        }
    }
    Ok(behind)
}

/// Reads a thread's newest messages back to the newest this desk has (`None`: one page). A
/// thread the desk had none of is history, not news: nothing in it is announced (its unread
/// messages still count, in the list, the tray and the title).
async fn catch_up_thread(
    chat: &ChatShared,
    conversation_id: i64,
    newest: Option<i64>,
) -> Result<(), ApiError> {
    let sync = &chat.sync;
    let mut before = None;
    let mut changed = 0;
    for page_number in 0..CATCH_UP_PAGES {
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
            // rest arrives; scrolling back reads the older part from the server again.
            chat.sync
                .store
                .chat_forget_older(conversation_id, oldest)
                .map_err(|err| ApiError::Unsupported {
                    message: format!("the thread cannot be stored: {err}"),
                })?;
            tracing::info!(
                conversation_id,
                "a thread has more new messages than a page: its older part is read again when scrolled to"
            );
            changed += 1;
        }
        changed += chat
            .take_messages(conversation_id, &page, newest.is_some())
            .map_err(|err| ApiError::Unsupported {
                message: format!("the thread cannot be stored: {err}"),
            })?;
        if reached {
            break;
        }
        before = crate::features::chat::page_back_from(&ids);
    }
    if changed > 0 {
        chat.changed(Some(conversation_id));
    }
    Ok(())
}
