//! Guest chat as the Messages screen shows it, built from what the desk stores (API.md §8): the
//! conversation list with unread counts, filters and search, and a thread's messages with this
//! desk's waiting replies after them. Pure: the desk reads the store, this builds the views.
//!
//! Not for: fetching, sending or applying live events (`crate::desk` does that; `events` reads
//! what the chat channels say).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::{Row, Store, StoreError};
use crate::features::chat::spec::CONVERSATIONS;
use crate::features::chat::store::{ChatOp, QueuedReply, ReplyState, ThreadState};

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
    let reply_to = message.get("reply_to_message").and_then(|r| {
        let body = text(r, "message")?;
        Some(ReplyPreview {
            author: text(r, "sender_name").unwrap_or_else(|| {
                if r.get("sender_type").and_then(Value::as_str) == Some("guest") {
                    "Guest".into()
                } else {
                    "Staff".into()
                }
            }),
            text: body,
        })
    });
    let deleted = flag(message, "is_deleted");
    let attachments = message
        .get("attachments")
        .filter(|_| !deleted)
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
        .unwrap_or_default();
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

/// The most of a conversation's last message the list shows (one or two lines of it).
pub const PREVIEW_CHARS: usize = 200;

/// A conversation's last message as the list shows it: its start, disguises shown.
fn preview(text: &str) -> String {
    let mut chars = text.char_indices();
    match chars.nth(PREVIEW_CHARS) {
        Some((end, _)) => format!("{}…", crate::rules::text::reveal(&text[..end])),
        None => crate::rules::text::reveal(text),
    }
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
        if entry.state == ReplyState::Rejected {
            shown.status = MessageStatus::Failed;
            shown.problem = entry.problem.clone();
        }
    }
    messages.extend(
        parts
            .entries
            .iter()
            .filter(|e| matches!(e.op, ChatOp::Send | ChatOp::Unreadable { .. }))
            .map(|e| queued_view(e, parts.my_name)),
    );
    let mine = parts.state.handled_by_id.map_or_else(
        || parts.state.handled_by.as_deref() == Some(parts.my_name),
        |id| id == parts.me,
    );
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

/// "Room 101 · John Doe".
pub(crate) fn title_of(conversation: &Row) -> String {
    let room = room_label(conversation.get("room_number")).unwrap_or_else(|| "?".into());
    // Through the one reader of outside text (a right-to-left override in a guest's name made
    // "Mary [RLO]gnp.exe" read "Mary exe.png" in the thread's header, issue 36.6).
    let guest = conversation
        .get("guest_name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(crate::rules::text::reveal);
    match guest {
        Some(guest) => format!("Room {room} · {guest}"),
        None => format!("Room {room}"),
    }
}

/// A conversation's unread guest messages: those counted in its cached thread, and at least
/// one when the server says it has some (its thread may not be cached).
fn unread_of(row: &Row, counted: u32) -> u32 {
    let flagged = row
        .get("has_unread")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if flagged {
        counted.max(1)
    } else {
        counted
    }
}

/// Unread guest messages in every conversation (the badge, the tray, the window title); my
/// own messages never count.
pub(crate) fn unread_total(rows: &[Row], counted: &HashMap<i64, u32>) -> u32 {
    rows.iter()
        .filter_map(|row| {
            let id = row.get("conversation_id").and_then(Value::as_i64)?;
            Some(unread_of(row, counted.get(&id).copied().unwrap_or(0)))
        })
        .sum()
}

/// A web address the desk may open or fetch: `http` or `https` with a host, nothing else (no
/// `javascript:`, no `file:`).
pub fn safe_link(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    (matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some())
        .then(|| parsed.to_string())
}

/// What the desk knows of one conversation besides its row.
pub(crate) struct Known<'a> {
    pub threads: &'a HashMap<i64, ThreadState>,
    pub unread: &'a HashMap<i64, u32>,
    pub waiting: &'a HashMap<i64, u32>,
    pub me: i64,
    pub my_name: &'a str,
}

/// Whether `state` tells who handles the conversation: someone is named (by the server's
/// event, a takeover, or a staff reply the desk holds), or the whole thread is here and no
/// staff member wrote in it. Otherwise the answer is in messages the desk has not read.
fn handler_known(state: &ThreadState) -> bool {
    state.handled_by.is_some() || state.complete
}

impl Known<'_> {
    fn handler(&self, id: i64) -> (Option<String>, bool, bool) {
        let state = self.threads.get(&id);
        let name = state.and_then(|s| s.handled_by.clone());
        let mine = state.is_some_and(|s| {
            s.handled_by_id.map_or_else(
                || s.handled_by.as_deref() == Some(self.my_name),
                |id| id == self.me,
            )
        });
        (name, mine, state.is_some_and(handler_known))
    }
}

/// The conversation list: filtered, searched by room or guest (every word must match), newest
/// message first.
pub(crate) fn conversation_list(
    rows: &[Row],
    known: &Known<'_>,
    filter: ConversationFilter,
    query: &str,
    as_of: Option<String>,
) -> ConversationList {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut unread_total = 0;
    let mut conversations: Vec<ConversationView> = rows
        .iter()
        .filter_map(|row| {
            let id = row.get("conversation_id").and_then(Value::as_i64)?;
            let unread = unread_of(row, known.unread.get(&id).copied().unwrap_or(0));
            unread_total += unread;
            let (handled_by, mine, handler_known) = known.handler(id);
            Some(ConversationView {
                conversation_id: id,
                room_number: room_label(row.get("room_number")).unwrap_or_else(|| "?".into()),
                guest_name: row
                    .get("guest_name")
                    .and_then(Value::as_str)
                    .map(crate::rules::text::reveal),
                last_message: row.get("last_message").and_then(Value::as_str).map(preview),
                last_message_time: row
                    .get("last_message_time")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                unread,
                handled_by,
                handler_known,
                mine,
                waiting: known.waiting.get(&id).copied().unwrap_or(0),
            })
        })
        .filter(|c| match filter {
            ConversationFilter::All => true,
            ConversationFilter::Mine => c.mine,
            ConversationFilter::Unassigned => c.handled_by.is_none(),
            ConversationFilter::Unread => c.unread > 0,
        })
        .filter(|c| {
            let haystack = format!(
                "room {} {}",
                c.room_number,
                c.guest_name.as_deref().unwrap_or("")
            )
            .to_lowercase();
            words.iter().all(|w| haystack.contains(w.as_str()))
        })
        .collect();
    conversations.sort_by(|a, b| {
        let time = |c: &ConversationView| {
            c.last_message_time
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        };
        time(b)
            .cmp(&time(a))
            .then(a.conversation_id.cmp(&b.conversation_id))
    });
    ConversationList {
        conversations,
        unread_total,
        as_of,
    }
}

/// Who is reading: my staff id and name.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    /// My staff id on the server.
    pub me: i64,
    /// My name, as my replies are signed on this desk.
    pub my_name: &'a str,
}

/// The conversation list as stored on this desk (what the Messages screen opens with).
pub fn read_conversations(
    store: &Store,
    reader: Reader<'_>,
    filter: ConversationFilter,
    query: &str,
) -> Result<ConversationList, StoreError> {
    let rows = store.records(CONVERSATIONS.name)?;
    let mut threads: HashMap<i64, ThreadState> = store.chat_thread_states()?.into_iter().collect();
    for (id, sender) in store.chat_last_staff_senders(None)? {
        let state = threads.entry(id).or_default();
        if state.handled_by.is_none() {
            state.handled_by = sender.handled_by;
            state.handled_by_id = sender.handled_by_id;
        }
    }
    let unread: HashMap<_, _> = store.chat_unread_counts()?.into_iter().collect();
    let mut waiting: HashMap<i64, u32> = HashMap::new();
    for entry in store.chat_replies(None)? {
        if entry.op == ChatOp::Send {
            *waiting.entry(entry.conversation_id).or_default() += 1;
        }
    }
    let known = Known {
        threads: &threads,
        unread: &unread,
        waiting: &waiting,
        me: reader.me,
        my_name: reader.my_name,
    };
    Ok(conversation_list(
        &rows,
        &known,
        filter,
        query,
        store.reconciled_at(CONVERSATIONS.name)?,
    ))
}

/// A thread's newest `limit` messages as stored on this desk, with my waiting changes.
pub fn read_thread(
    store: &Store,
    reader: Reader<'_>,
    conversation_id: i64,
    limit: usize,
) -> Result<ThreadView, StoreError> {
    let messages = store.chat_thread(conversation_id, None, limit)?;
    let entries = store.chat_replies(Some(conversation_id))?;
    let mut state = store.chat_thread_state(conversation_id)?;
    if state.handled_by.is_none() {
        if let Some((_, sender)) = store
            .chat_last_staff_senders(Some(conversation_id))?
            .into_iter()
            .next()
        {
            state.handled_by = sender.handled_by;
            state.handled_by_id = sender.handled_by_id;
        }
    }
    let conversation = store.record(CONVERSATIONS.name, conversation_id)?;
    let has_older = !state.complete || store.chat_count(conversation_id)? > messages.len();
    Ok(thread_view(&ThreadParts {
        conversation_id,
        conversation: conversation.as_ref(),
        messages: &messages,
        entries: &entries,
        state: &state,
        has_older,
        me: reader.me,
        my_name: reader.my_name,
    }))
}

/// Messages read again when a thread is paged back (see [`page_back_from`]).
pub(crate) const PAGE_OVERLAP: usize = 10;

/// The `before_id` that reads the messages older than `ids` (a page, or what the desk has of a
/// thread). The server pages by time, not by id (API.md §8: "the `limit` newest messages older
/// than `before_id`"), and messages written at the same moment can have their ids and times in
/// different orders; paging from the oldest one would skip such a message at a page's edge.
/// So a few of `ids` are read again (they are the same rows by id, stored once).
pub(crate) fn page_back_from(ids: &[i64]) -> Option<i64> {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted
        .get(PAGE_OVERLAP.min(sorted.len().saturating_sub(1)))
        .copied()
}

/// Whether the server has newer messages of a thread than this desk: its conversation's last
/// message is newer than the newest cached one (or either time cannot be read).
pub(crate) fn is_behind(conversation: &Row, newest_cached_at: Option<&str>) -> bool {
    let time = |text: Option<&str>| text.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    let last = time(
        conversation
            .get("last_message_time")
            .and_then(Value::as_str),
    );
    let ours = time(newest_cached_at);
    last.is_none() || ours.is_none() || last > ours
}

#[cfg(test)]
mod tests;
