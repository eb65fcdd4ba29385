//! Sending the chat's outbox, in order: a reply whose request may have reached the server is
//! looked for in the thread before it is sent again; a reply no connection reached waits again;
//! what the server refuses for good waits for the user with the reason.

use crate::features::chat::store::ChatStore;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::broadcast;

use super::catch_up::{catch_up_all, Pace};
use super::files::{read_file, remove_file};
use super::{is_mine, ChatShared, Turn, CHECK_PAGE};
use crate::api::{ApiError, ErrorClass, ImageFile};
use crate::engine::runner;
use crate::events::{DeskEvent, ResourceKind};
use crate::features::chat::store::{ChatOp, QueuedReply, ReplyState};

/// Why an entry was not sent: the server's answer, or this desk's own trouble, which is never
/// taken for a refusal by the server.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SendError {
    #[error(transparent)]
    Api(#[from] ApiError),
    /// This desk's database failed: the entry stays as it is and is tried again later.
    #[error("this desk's database failed: {0}")]
    Store(#[from] crate::engine::store::StoreError),
    /// The file to send is gone from this computer: the entry waits for the person.
    #[error("{0}")]
    File(String),
}

/// The chat's lane of the runner ([`crate::engine::runner`]): a round sends the chat's
/// outbox, then catches threads up at the background pace.
pub(crate) struct ChatLane {
    chat: Arc<ChatShared>,
    /// The status the desk tells: the sync lane probes the network and says when it is back.
    status: broadcast::Receiver<DeskEvent>,
    pace: Pace,
}

impl ChatLane {
    pub(crate) fn new(chat: Arc<ChatShared>) -> Self {
        let status = chat.sync.events.subscribe();
        Self {
            chat,
            status,
            pace: Pace::default(),
        }
    }
}

impl runner::Lane for ChatLane {
    const NAME: &'static str = "chat_sender";

    async fn turn(&mut self) -> runner::Turn {
        let mut turn = send_all(&self.chat).await;
        if matches!(turn, Turn::Done) {
            turn = catch_up_all(&self.chat, &mut self.pace).await;
        }
        match turn {
            Turn::Done => runner::Turn::Idle { after: None },
            // New work (a reply, an opened thread) is done at once; else the background reads
            // go on when the pace allows.
            Turn::Later(after) => runner::Turn::Idle { after: Some(after) },
            // While the server's asked wait lasts, the chat waits exactly that: what failed was
            // held back by it, not refused by the server again.
            Turn::Failed => runner::Turn::Failed {
                after: self.chat.sync.asked_wait_left(),
            },
            Turn::Stopped => runner::Turn::Stopped,
        }
    }

    async fn network_back(&mut self, failed: bool) {
        runner::status_says_back(&mut self.status, failed).await;
    }
}

/// Sends the chat's outbox and catches threads up until stopped (the task is aborted).
pub(crate) async fn run(chat: Arc<ChatShared>) {
    let wake = chat.clone();
    runner::run(ChatLane::new(chat), &wake.wake, &wake.sync.activity).await;
}

async fn send_all(chat: &Arc<ChatShared>) -> Turn {
    let store = &chat.sync.store;
    loop {
        let entry = match ChatStore::new(store).next_reply() {
            Ok(Some(entry)) => entry,
            Ok(None) => return Turn::Done,
            Err(err) => {
                tracing::error!(error = %err, "cannot read the chat's outbox");
                return Turn::Failed;
            }
        };
        let conversation_id = entry.conversation_id;
        let outcome = send_one(chat, &entry).await;
        let stored = match outcome {
            Ok(message) => {
                chat.sync.came_online();
                after_sent(chat, &entry, message.as_ref())
            }
            Err(SendError::Store(err)) => {
                tracing::error!(error = %err, seq = entry.seq, "the chat's outbox cannot be written; trying again later");
                return Turn::Failed;
            }
            Err(SendError::File(problem)) => {
                tracing::warn!(seq = entry.seq, %problem, "a file for a guest cannot be read");
                ChatStore::new(store).reject_reply(entry.seq, &problem)
            }
            Err(SendError::Api(ApiError::Unauthorized { message })) => {
                chat.sync.report_unauthorized(message);
                return Turn::Stopped;
            }
            Err(SendError::Api(err)) if err.class_of_write() == ErrorClass::Transient => {
                tracing::info!(error = %err, seq = entry.seq, "a chat message waits for the server");
                // Only a reply that was plainly waiting before this attempt goes back to
                // waiting: one that may have reached the server earlier keeps its check.
                if entry.state == ReplyState::Pending && err.never_reached_server() {
                    if let Err(err) = ChatStore::new(store).not_sent(entry.seq) {
                        tracing::warn!(error = %err, "cannot mark a chat message as waiting");
                    }
                }
                chat.sync.went_offline(&err);
                chat.changed(Some(conversation_id));
                return Turn::Failed;
            }
            Err(SendError::Api(err)) => {
                chat.sync.came_online();
                tracing::warn!(error = %err, seq = entry.seq, "the server refused a chat message");
                ChatStore::new(store).reject_reply(entry.seq, &refusal(&entry, &err))
            }
        };
        if let Err(err) = stored {
            tracing::error!(error = %err, "cannot store what the server answered");
            return Turn::Failed;
        }
        chat.changed(Some(conversation_id));
    }
}

/// The refusal in the user's words.
fn refusal(entry: &QueuedReply, error: &ApiError) -> String {
    let what = match entry.op {
        ChatOp::Send | ChatOp::Unreadable { .. } => "The server did not take this message",
        ChatOp::Edit { .. } => "The server did not take this change",
        ChatOp::Delete { .. } => "The server did not delete this message",
        ChatOp::Read => "The server did not mark this conversation read",
    };
    match error {
        ApiError::NotFound { .. } => format!("{what}: the conversation is no longer there."),
        other => format!("{what}: {other}."),
    }
}

/// Stores what the server answered for an entry, and what that changed.
fn after_sent(
    chat: &ChatShared,
    entry: &QueuedReply,
    message: Option<&Value>,
) -> Result<(), crate::engine::store::StoreError> {
    let store = &chat.sync.store;
    ChatStore::new(store).reply_sent(entry, message)?;
    if let Some(file) = &entry.file {
        remove_file(&chat.files, &file.key);
    }
    if entry.op == ChatOp::Send {
        if let Some(message) = message {
            // Sending makes me the conversation's handler (§8.4).
            ChatStore::new(store).set_handler(entry.conversation_id, &chat.my_name, Some(chat.me))?;
            chat.note_last_message(entry.conversation_id, std::slice::from_ref(message))?;
        }
    }
    if entry.op == ChatOp::Read {
        chat.settle_unread()?;
    }
    Ok(())
}

/// One request for an entry; the message it concerns as the server has it now, if any.
async fn send_one(chat: &ChatShared, entry: &QueuedReply) -> Result<Option<Value>, SendError> {
    let sync = &chat.sync;
    let (client, slug) = (&sync.client, sync.slug.as_str());
    match entry.op {
        ChatOp::Send => {
            if entry.state == ReplyState::Sending {
                if let Some(found) = find_sent(chat, entry).await? {
                    tracing::info!(
                        seq = entry.seq,
                        "a reply had reached the server; not sent again"
                    );
                    return Ok(Some(found));
                }
            }
            let file = match &entry.file {
                Some(file) => Some(ImageFile {
                    name: file.name.clone(),
                    mime: file.mime.clone(),
                    bytes: read_file(&chat.files, &file.key)
                        .map_err(SendError::File)?
                        .into(),
                }),
                None => None,
            };
            ChatStore::new(&sync.store).mark_sending(entry.seq)?;
            Ok(match file {
                None => client
                    .chat_send(slug, entry.conversation_id, &entry.message, entry.reply_to)
                    .await
                    .map(Some)?,
                Some(file) => {
                    let events = sync.events.clone();
                    // No window listening is fine.
                    let progress = runner::upload_progress(
                        move |event| drop(events.send(event)),
                        ResourceKind::Conversations,
                        -entry.seq,
                        entry.seq,
                        false,
                    );
                    client
                        .chat_upload(
                            slug,
                            entry.conversation_id,
                            file,
                            &entry.message,
                            entry.reply_to,
                            progress,
                        )
                        .await
                        .map(Some)?
                }
            })
        }
        ChatOp::Edit { target } => Ok(Some(client.chat_edit(slug, target, &entry.message).await?)),
        ChatOp::Delete { target } => match client.chat_delete(slug, target).await {
            Ok(message) => Ok(Some(message)),
            // Already gone: what the user wanted.
            Err(ApiError::NotFound { .. }) => {
                ChatStore::new(&sync.store).remove_message(target)?;
                Ok(None)
            }
            Err(err) => Err(err.into()),
        },
        ChatOp::Read => {
            let through = ChatStore::new(&sync.store).newest_id(entry.conversation_id)?;
            client.chat_mark_read(slug, entry.conversation_id).await?;
            if let Some(through) = through {
                chat.read_told(entry.conversation_id, through);
            }
            Ok(None)
        }
        // Set aside by `chat_next_reply` before it is ever handed out.
        ChatOp::Unreadable { reason } => Err(SendError::File(format!(
            "This desk's copy of this message is damaged ({reason}), so it was not sent."
        ))),
    }
}

/// A reply whose request may have reached the server: the thread's newest messages are read
/// and a message of mine with its text (or file), newer than the thread was when the reply was
/// written, is it.
async fn find_sent(chat: &ChatShared, entry: &QueuedReply) -> Result<Option<Value>, ApiError> {
    let sync = &chat.sync;
    let newest = sync
        .client
        .chat_messages(&sync.slug, entry.conversation_id, CHECK_PAGE, None)
        .await?;
    if let Err(err) = chat.take_messages(entry.conversation_id, &newest, true) {
        tracing::warn!(error = %err, "cannot store a thread's newest messages");
    }
    Ok(newest.into_iter().find(|m| {
        is_mine(m, chat.me)
            && m.get("id").and_then(Value::as_i64) > Some(entry.after_id)
            && match &entry.file {
                None => {
                    m.get("message").and_then(Value::as_str).map(str::trim)
                        == Some(entry.message.trim())
                }
                Some(file) => m
                    .get("attachments")
                    .and_then(Value::as_array)
                    .is_some_and(|list| {
                        list.iter().any(|a| {
                            a.get("file_name").and_then(Value::as_str) == Some(file.name.as_str())
                        })
                    }),
            }
    }))
}
