//! Guest chat as the Messages screen shows it, built from what the desk stores (API.md §8): the
//! conversation list with unread counts, filters and search, and a thread's messages with this
//! desk's waiting replies after them. Pure: the desk reads the store, this builds the views.
//!
//! Not for: fetching, sending or applying live events (`crate::desk` does that; `events` reads
//! what the chat channels say).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::Row;
use crate::features::chat::store::{ChatOp, QueuedReply, ReplyState, ThreadState};

mod conversations;
pub use conversations::*;

/// Which conversations the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConversationFilter {
    /// Every conversation.
    #[default]
    All,
    /// Handled by me.
    Mine,
    /// Handled by nobody yet (as far as this desk knows).
    Unassigned,
    /// With a guest message no staff member has read.
    Unread,
    /// With a guest waiting for an answer (as far as this desk knows).
    Waiting,
}

/// How many conversations each view holds (all of them, whatever is searched).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct ViewCounts {
    /// Every conversation.
    pub all: u32,
    /// Handled by me.
    pub mine: u32,
    /// Handled by nobody yet, as far as the desk knows.
    pub unassigned: u32,
    /// Whose handler the desk has not learned yet (their threads are not read here yet): in
    /// neither "mine" nor "unassigned".
    pub handler_unknown: u32,
    /// With an unread guest message.
    pub unread: u32,
    /// With a guest waiting for an answer.
    pub waiting: u32,
}

/// The order of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConversationSort {
    /// Newest message first.
    #[default]
    Newest,
    /// The guest who has waited longest for an answer first; then the rest, newest first.
    WaitingLongest,
}

/// One conversation in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConversationView {
    /// The conversation's id on the server.
    #[ts(type = "number")]
    pub conversation_id: i64,
    /// The guest's room number (`?` when the server gave none).
    pub room_number: String,
    /// The guest's name, when the server gave one.
    pub guest_name: Option<String>,
    /// The start of the last message (up to [`PREVIEW_CHARS`] characters).
    pub last_message: Option<String>,
    /// RFC 3339.
    pub last_message_time: Option<String>,
    /// Unread guest messages (at least 1 when the server says the conversation has some).
    pub unread: u32,
    /// The staff member handling the conversation, as far as this desk knows.
    pub handled_by: Option<String>,
    /// Whether the desk knows who handles it (the server's list does not say: it is learnt
    /// from the thread, so a conversation not read here is "not known yet", never "nobody").
    pub handler_known: bool,
    /// Whether I handle it.
    pub mine: bool,
    /// Replies of mine not confirmed by the server yet.
    pub waiting: u32,
    /// Since when the guest has waited for an answer (RFC 3339): their first message after the
    /// last staff message this desk holds. `None`: nobody waits, or this desk has not read the
    /// thread's newest messages and cannot tell.
    pub guest_waiting_since: Option<String>,
    /// False when older messages not read here may make the wait longer ("at least").
    pub guest_waiting_exact: bool,
    /// The id of the message the wait began with (a wait is the same wait by it).
    #[ts(type = "number | null")]
    pub guest_waiting_from: Option<i64>,
}

/// The list as the screen shows it, newest message first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConversationList {
    /// The conversations, filtered and searched.
    pub conversations: Vec<ConversationView>,
    /// Unread guest messages in every conversation (the tray and the window title).
    pub unread_total: u32,
    /// When the list was last read from the server (RFC 3339), if ever.
    pub as_of: Option<String>,
    /// How many conversations each view holds, for its button.
    pub counts: ViewCounts,
    /// Every room with a conversation, in room order, with what each holds (whatever is
    /// filtered or searched): the list's room picker.
    pub rooms: Vec<RoomCount>,
    /// While something is searched, where the search finds conversations besides the view
    /// shown, so a view with none of them says where they are (issue 63.15).
    pub found: Option<SearchFound>,
}

/// How many conversations a search finds in each view and room.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct SearchFound {
    /// What was searched, as the screen quotes it: its start when long, cut between whole
    /// characters (a pasted page is quoted as a line).
    pub searched: String,
    /// In each view, in the room chosen (every room when none is).
    pub views: ViewCounts,
    /// In every room, of the view shown.
    pub every_room: u32,
}

/// One room's conversations, as the room picker offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoomCount {
    /// The room, as the list shows it.
    pub room_number: String,
    /// Its conversations.
    pub conversations: u32,
    /// Its unread guest messages.
    pub unread: u32,
    /// Its conversations with a guest waiting for an answer.
    pub waiting: u32,
}

/// A piece of a message's text: plain, or a web link (only `http`/`https`; the text is never
/// read as HTML).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TextPart {
    /// The text of this piece.
    pub text: String,
    /// Where the link goes (`None`: plain text).
    pub href: Option<String>,
}

/// Where a message is, as its sender sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Mine, written on this desk, not sent yet (offline, or waiting its turn).
    Waiting,
    /// Mine, sent, the server's answer not received: checked before it is sent again.
    Checking,
    /// Mine, refused by the server (`problem` says why).
    Failed,
    /// Reached the server, not read by the other party yet.
    Delivered,
    /// Read by the other party.
    Read,
}

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AttachmentView {
    /// The file's name ("attachment" when the server gave none).
    pub name: String,
    /// Where to fetch it (`None` for a file of a reply not sent yet).
    pub url: Option<String>,
    /// Whether it is an image.
    pub is_image: bool,
    /// Its size as the server words it, when it gave one.
    pub size: Option<String>,
}

/// The message a message answers, as quoted above it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReplyPreview {
    /// Who wrote the quoted message ("Guest" or "Staff" when the server gave no name).
    pub author: String,
    /// The quoted message's text.
    pub text: String,
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChatMessageView {
    /// The server's id; a reply waiting on this desk has `-seq` of its outbox entry.
    #[ts(type = "number")]
    pub id: i64,
    /// Written by the guest (otherwise by staff, or by the server itself).
    pub from_guest: bool,
    /// The server's own note, not a person's (§10.2: "Anna Byrne has joined the
    /// conversation." at 2026).
    pub from_server: bool,
    /// Written by me (from this desk or another).
    pub mine: bool,
    /// The sender's name ("Guest" or "Staff" when the server gave none).
    pub author: String,
    /// A staff sender's role, when the server gave one.
    pub role: Option<String>,
    /// The text, split into plain runs and web links.
    pub parts: Vec<TextPart>,
    /// RFC 3339; `None` for a reply not sent yet.
    pub timestamp: Option<String>,
    /// Where the message is, as its sender sees it.
    pub status: MessageStatus,
    /// Why the server refused it, in its words (for [`MessageStatus::Failed`]).
    pub problem: Option<String>,
    /// The text was changed after it was sent.
    pub is_edited: bool,
    /// The message was deleted: its text and files are not shown.
    pub is_deleted: bool,
    /// The message it answers, when it answers one.
    pub reply_to: Option<ReplyPreview>,
    /// Its files.
    pub attachments: Vec<AttachmentView>,
    /// Only the start of the text is here: the whole text has this many characters, kept on
    /// the server ("Show the whole message" reads it).
    pub clipped_from: Option<u32>,
}

/// A thread as the screen shows it: oldest first, my waiting replies last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ThreadView {
    /// The conversation's id on the server.
    #[ts(type = "number")]
    pub conversation_id: i64,
    /// "Room 101 · John Doe".
    pub title: String,
    /// The messages, oldest first, my waiting replies last.
    pub messages: Vec<ChatMessageView>,
    /// Earlier messages exist that this desk has not loaded.
    pub has_older: bool,
    /// The staff member handling the conversation, as far as this desk knows.
    pub handled_by: Option<String>,
    /// Whether the desk knows who handles it (see [`ConversationView::handler_known`]).
    pub handler_known: bool,
    /// Whether I handle it.
    pub mine: bool,
    /// Why this person cannot reply here (the server names a capability they lack).
    pub reply_refused: Option<String>,
    /// Why my sent messages cannot be changed or deleted on this server.
    pub changes_refused: Option<String>,
}

/// A text field as staff read it: trimmed, its disguising characters shown (guests write these).
fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(crate::rules::text::reveal)
}

fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A room number as shown (`101`), whether the server sent a number or a string.
pub(crate) fn room_label(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(crate::rules::text::reveal(s.trim())),
        _ => None,
    }
}

/// The name a staff message is signed with: `staff_info.name` or `staff_display_name`, never
/// `staff_name` (API.md §8.5: it is the Staff object's text form, junk for guests).
pub(crate) fn staff_author(message: &Value) -> Option<String> {
    message
        .get("staff_info")
        .and_then(|info| text(info, "name"))
        .or_else(|| text(message, "staff_display_name"))
}

/// Splits text into plain runs and `http(s)` links. Trailing punctuation is not part of a link.
pub(crate) fn linkify(input: &str) -> Vec<TextPart> {
    let mut parts = Vec::new();
    let mut plain = String::new();
    let mut rest = input;
    while !rest.is_empty() {
        let start = ["https://", "http://"]
            .iter()
            .filter_map(|scheme| {
                rest.char_indices()
                    .find(|(i, _)| {
                        rest[*i..]
                            .get(..scheme.len())
                            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
                            && (*i == 0
                                || rest[..*i]
                                    .chars()
                                    .next_back()
                                    .is_some_and(|c| c.is_whitespace() || "([<\"'".contains(c)))
                    })
                    .map(|(i, _)| i)
            })
            .min();
        let Some(start) = start else {
            plain.push_str(rest);
            break;
        };
        plain.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || "<>\"".contains(c))
            .unwrap_or(tail.len());
        let mut link = &tail[..end];
        while let Some(last) = link.chars().next_back() {
            if ".,;:!?)]'".contains(last) {
                link = &link[..link.len() - last.len_utf8()];
            } else {
                break;
            }
        }
        let host_ok = url::Url::parse(link).is_ok_and(|u| u.host_str().is_some());
        if host_ok {
            if !plain.is_empty() {
                parts.push(TextPart {
                    text: std::mem::take(&mut plain),
                    href: None,
                });
            }
            parts.push(TextPart {
                text: link.to_owned(),
                href: Some(link.to_owned()),
            });
        } else {
            plain.push_str(link);
        }
        rest = &tail[link.len()..];
    }
    if !plain.is_empty() {
        parts.push(TextPart {
            text: plain,
            href: None,
        });
    }
    parts
}

/// A stored RoomMessage as the thread shows it. `me`: my staff id.
pub(crate) fn message_view(message: &Value, me: i64) -> Option<ChatMessageView> {
    let id = message.get("id").and_then(Value::as_i64)?;
    let sender = message.get("sender_type").and_then(Value::as_str);
    let from_guest = sender == Some("guest");
    let from_server = sender == Some("system");
    let mine = sender == Some("staff") && message.get("staff").and_then(Value::as_i64) == Some(me);
    let author = if from_guest {
        text(message, "guest_name").unwrap_or_else(|| "Guest".into())
    } else if from_server {
        "HotelMate".into()
    } else {
        staff_author(message).unwrap_or_else(|| "Staff".into())
    };
    let role = if from_guest {
        None
    } else {
        message
            .get("staff_info")
            .and_then(|info| text(info, "role"))
            .or_else(|| text(message, "staff_role_name"))
    };
    let read = if from_guest {
        flag(message, "read_by_staff")
    } else {
        flag(message, "read_by_guest")
    } || flag(message, "is_read_by_recipient");
    let reply_to = message.get("reply_to_message").and_then(reply_preview);
    let deleted = flag(message, "is_deleted");
    let attachments = if deleted {
        Vec::new()
    } else {
        attachments_of(message)
    };
    Some(ChatMessageView {
        id,
        from_guest,
        from_server,
        mine,
        author,
        role,
        // A deleted message's text is the server's "[Message deleted]": the screen says so in
        // its own words.
        parts: if deleted {
            Vec::new()
        } else {
            whole_text(message).unwrap_or_default()
        },
        timestamp: text(message, "timestamp"),
        status: if read {
            MessageStatus::Read
        } else {
            MessageStatus::Delivered
        },
        problem: None,
        is_edited: flag(message, "is_edited"),
        is_deleted: deleted,
        reply_to,
        attachments,
        clipped_from: message
            .get(crate::features::chat::store::CLIPPED_KEY)
            .and_then(Value::as_u64)
            .filter(|_| !deleted)
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
    })
}

/// How much of a replied message the server quotes: its first 100 code points, cut wherever
/// they end (API.md §8, `reply_to_message`).
const SERVER_QUOTE_CHARS: usize = 100;

/// The message a reply answers, as the thread shows it above the reply: the server's quote,
/// a piece of a cluster its cut left at the end left out.
fn reply_preview(answered: &Value) -> Option<ReplyPreview> {
    let quoted = answered.get("message").and_then(Value::as_str)?;
    let body = crate::rules::text::mend_cut(quoted, SERVER_QUOTE_CHARS);
    let body = Some(body.trim())
        .filter(|t| !t.is_empty())
        .map(crate::rules::text::reveal)?;
    Some(ReplyPreview {
        author: text(answered, "sender_name").unwrap_or_else(|| {
            if answered.get("sender_type").and_then(Value::as_str) == Some("guest") {
                "Guest".into()
            } else {
                "Staff".into()
            }
        }),
        text: body,
    })
}

/// A message's files, as the thread lists them.
fn attachments_of(message: &Value) -> Vec<AttachmentView> {
    message
        .get("attachments")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|a| AttachmentView {
                    name: text(a, "file_name").unwrap_or_else(|| "attachment".into()),
                    url: text(a, "file_url"),
                    is_image: a.get("file_type").and_then(Value::as_str) == Some("image"),
                    size: text(a, "file_size_display"),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The most of a conversation's last message the list shows (one or two lines of it).
pub const PREVIEW_CHARS: usize = 200;

/// A conversation's last message as the list shows it: its start, disguises shown.
fn preview(text: &str) -> String {
    crate::rules::text::reveal(&crate::rules::text::shorten(text, PREVIEW_CHARS))
}

/// A message's text as staff read it: its disguising characters shown, its web links found.
pub(crate) fn whole_text(message: &Value) -> Option<Vec<TextPart>> {
    let text = message.get("message").and_then(Value::as_str)?;
    Some(linkify(&crate::rules::text::reveal(text)))
}

/// A reply waiting on this desk as the thread shows it.
pub(crate) fn queued_view(reply: &QueuedReply, my_name: &str) -> ChatMessageView {
    ChatMessageView {
        id: -reply.seq,
        from_server: false,
        from_guest: false,
        mine: true,
        author: my_name.to_owned(),
        role: None,
        parts: linkify(&reply.message),
        timestamp: None,
        status: match reply.state {
            ReplyState::Pending => MessageStatus::Waiting,
            ReplyState::Sending => MessageStatus::Checking,
            ReplyState::Rejected => MessageStatus::Failed,
        },
        problem: reply.problem.clone(),
        is_edited: false,
        is_deleted: false,
        reply_to: None,
        attachments: reply
            .file
            .iter()
            .map(|file| AttachmentView {
                name: file.name.clone(),
                url: None,
                is_image: file.mime.starts_with("image/"),
                size: None,
            })
            .collect(),
        clipped_from: None,
    }
}

/// What the desk knows of one thread, to show it.
pub(crate) struct ThreadParts<'a> {
    pub conversation_id: i64,
    pub conversation: Option<&'a Row>,
    /// Cached messages, oldest first.
    pub messages: &'a [Value],
    /// This thread's outbox entries, oldest first.
    pub entries: &'a [QueuedReply],
    pub state: &'a ThreadState,
    pub has_older: bool,
    pub me: i64,
    pub my_name: &'a str,
}

/// A thread as the screen shows it: the cached messages with my waiting edits and deletes
/// already applied, then my waiting replies.
pub(crate) fn thread_view(parts: &ThreadParts<'_>) -> ThreadView {
    let mut messages: Vec<ChatMessageView> = parts
        .messages
        .iter()
        .filter_map(|m| message_view(m, parts.me))
        .collect();
    for entry in parts.entries {
        let Some(target) = entry.op.target() else {
            continue;
        };
        let Some(shown) = messages.iter_mut().find(|m| m.id == target) else {
            continue;
        };
        if entry.state == ReplyState::Rejected {
            // Refused: the message as the server still has it, with the refusal beside it
            // (a refused delete hid a message the guest still saw, issue 63.10).
            shown.status = MessageStatus::Failed;
            shown.problem = entry.problem.clone();
            continue;
        }
        match entry.op {
            ChatOp::Edit { .. } => {
                shown.parts = linkify(&entry.message);
                shown.is_edited = true;
                shown.status = MessageStatus::Waiting;
            }
            ChatOp::Delete { .. } => {
                shown.is_deleted = true;
                shown.parts = Vec::new();
                shown.attachments.clear();
                shown.status = MessageStatus::Waiting;
            }
            ChatOp::Send | ChatOp::Read | ChatOp::Unreadable { .. } => {}
        }
    }
    messages.extend(
        parts
            .entries
            .iter()
            .filter(|e| matches!(e.op, ChatOp::Send | ChatOp::Unreadable { .. }))
            .map(|e| queued_view(e, parts.my_name)),
    );
    let mine = is_mine(parts.state, parts.me, parts.my_name);
    ThreadView {
        conversation_id: parts.conversation_id,
        title: parts
            .conversation
            .map(title_of)
            .unwrap_or_else(|| "Conversation".into()),
        messages,
        has_older: parts.has_older,
        handled_by: parts.state.handled_by.clone(),
        handler_known: handler_known(parts.state),
        mine,
        reply_refused: None,
        changes_refused: None,
    }
}

#[cfg(test)]
mod tests;
