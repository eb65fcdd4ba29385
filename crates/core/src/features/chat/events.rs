//! The guest-chat channels (API.md §9.3) and what their events mean for the desk's copy of the
//! chat. Pure: `crate::desk` subscribes and applies.
//!
//! Every event is read the same way whichever channel brought it, so one that arrives on two
//! channels (`new-message` on the conversation's, `new-guest-message` on mine) is applied twice
//! to the same effect: the store keeps one copy of a message by its id.

use serde_json::{Map, Value};

/// The channel of one conversation: messages, delivery, read state, edits and deletes.
pub(crate) fn conversation_channel(slug: &str, conversation_id: i64) -> String {
    format!("{slug}-conversation-{conversation_id}-chat")
}

/// The channel of one room: who handles its conversation (`staff-assigned`).
pub(crate) fn room_channel(slug: &str, room_number: &str) -> String {
    format!("{slug}-room-{room_number}-chat")
}

/// My own channel: guest messages for receptionists (`new-guest-message`).
pub(crate) fn staff_channel(slug: &str, staff_id: i64) -> String {
    format!("{slug}-staff-{staff_id}-chat")
}

/// New conversations of the hotel.
pub(crate) fn new_conversation_channel(slug: &str) -> String {
    format!("{slug}-new-conversation")
}

/// Whether a channel is one of the chat's (not the hotel channel's).
pub(crate) fn is_chat_channel(slug: &str, channel: &str) -> bool {
    channel
        .strip_prefix(slug)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|rest| rest.ends_with("-chat") || rest == "new-conversation")
}

/// The conversation a conversation channel is about.
pub(crate) fn conversation_of_channel(slug: &str, channel: &str) -> Option<i64> {
    channel
        .strip_prefix(slug)?
        .strip_prefix("-conversation-")?
        .strip_suffix("-chat")?
        .parse()
        .ok()
}

/// What one chat event means.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ChatHint {
    /// A message as the server has it now: new, edited or soft-deleted.
    Message {
        conversation_id: i64,
        message: Value,
    },
    /// Fields to set on stored messages (read flags, delivery).
    Patch {
        ids: Vec<i64>,
        fields: Map<String, Value>,
    },
    /// A message deleted for good.
    Removed { message_id: i64 },
    /// Whether a conversation has guest messages no staff member has read.
    Unread { conversation_id: i64, unread: bool },
    /// Who handles a conversation now.
    Handler { conversation_id: i64, name: String },
    /// The conversation list changed (a guest started a conversation).
    Conversations,
    /// An event the desk uses whose payload cannot be read: read the thread again.
    Refetch { conversation_id: Option<i64> },
}

fn ids(data: &Value) -> Option<Vec<i64>> {
    data.get("message_ids")?
        .as_array()?
        .iter()
        .map(Value::as_i64)
        .collect()
}

fn fields(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn a_message(data: &Value) -> Option<ChatHint> {
    let conversation_id = data.get("conversation")?.as_i64()?;
    data.get("id")?.as_i64()?;
    Some(ChatHint::Message {
        conversation_id,
        message: data.clone(),
    })
}

/// Reads one event of a chat channel; `None` for events the desk does not use (they are
/// logged and ignored).
pub(crate) fn interpret(slug: &str, channel: &str, event: &str, data: &Value) -> Option<ChatHint> {
    let read = match event {
        "new-message" | "new-staff-message" | "new-guest-message" | "message-updated" => {
            a_message(data)
        }
        "message-delivered" => {
            data.get("message_id")
                .and_then(Value::as_i64)
                .map(|id| ChatHint::Patch {
                    ids: vec![id],
                    fields: fields(&[
                        (
                            "status",
                            data.get("status").cloned().unwrap_or("delivered".into()),
                        ),
                        (
                            "delivered_at",
                            data.get("delivered_at").cloned().unwrap_or(Value::Null),
                        ),
                    ]),
                })
        }
        "messages-read-by-staff" => ids(data).map(|ids| ChatHint::Patch {
            ids,
            fields: fields(&[
                ("read_by_staff", true.into()),
                ("status", "read".into()),
                (
                    "staff_read_at",
                    data.get("read_at").cloned().unwrap_or(Value::Null),
                ),
            ]),
        }),
        "messages-read-by-guest" => ids(data).map(|ids| ChatHint::Patch {
            ids,
            fields: fields(&[
                ("read_by_guest", true.into()),
                ("is_read_by_recipient", true.into()),
                ("status", "read".into()),
                (
                    "guest_read_at",
                    data.get("read_at").cloned().unwrap_or(Value::Null),
                ),
            ]),
        }),
        "conversation-unread" | "conversation-read" => data
            .get("conversation_id")
            .and_then(Value::as_i64)
            .map(|conversation_id| ChatHint::Unread {
                conversation_id,
                unread: event == "conversation-unread",
            }),
        "message-deleted" | "message-removed" | "content-deleted" => {
            if data.get("hard_delete").and_then(Value::as_bool) == Some(true) {
                data.get("message_id")
                    .and_then(Value::as_i64)
                    .map(|message_id| ChatHint::Removed { message_id })
            } else {
                data.get("message").and_then(a_message)
            }
        }
        "staff-assigned" => match (
            data.get("conversation_id").and_then(Value::as_i64),
            data.get("staff_name").and_then(Value::as_str),
        ) {
            (Some(conversation_id), Some(name)) if !name.trim().is_empty() => {
                Some(ChatHint::Handler {
                    conversation_id,
                    name: name.trim().to_owned(),
                })
            }
            _ => None,
        },
        "new-conversation" => return Some(ChatHint::Conversations),
        _ => return None,
    };
    read.or_else(|| {
        tracing::warn!(
            event,
            channel,
            "a chat event that cannot be read; the thread is read again"
        );
        Some(ChatHint::Refetch {
            conversation_id: conversation_of_channel(slug, channel),
        })
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const CHANNEL: &str = "killarney-conversation-45-chat";

    #[test]
    fn the_channels_are_named_as_the_server_names_them() {
        assert_eq!(conversation_channel("killarney", 45), CHANNEL);
        assert_eq!(room_channel("killarney", "101"), "killarney-room-101-chat");
        assert_eq!(staff_channel("killarney", 12), "killarney-staff-12-chat");
        assert_eq!(conversation_of_channel("killarney", CHANNEL), Some(45));
        assert!(is_chat_channel("killarney", "killarney-new-conversation"));
        assert!(is_chat_channel("killarney", CHANNEL));
        assert!(!is_chat_channel("killarney", "hotel-killarney"));
    }

    #[test]
    fn a_message_is_read_the_same_from_every_channel_and_read_receipts_patch() {
        let message =
            json!({"id": 812, "conversation": 45, "sender_type": "guest", "message": "hi"});
        for event in ["new-message", "new-guest-message", "message-updated"] {
            assert_eq!(
                interpret("killarney", CHANNEL, event, &message),
                Some(ChatHint::Message {
                    conversation_id: 45,
                    message: message.clone()
                })
            );
        }
        let read = interpret(
            "killarney",
            CHANNEL,
            "messages-read-by-staff",
            &json!({"message_ids": [1, 2], "read_at": "2025-11-25T18:00:00Z", "conversation_id": 45}),
        );
        let Some(ChatHint::Patch { ids, fields }) = read else {
            panic!("{read:?}");
        };
        assert_eq!(ids, [1, 2]);
        assert_eq!(fields["read_by_staff"], json!(true));
    }

    #[test]
    fn deletes_soft_and_hard_and_unknown_or_damaged_events() {
        assert_eq!(
            interpret(
                "killarney",
                CHANNEL,
                "message-removed",
                &json!({"message_id": 9, "hard_delete": true})
            ),
            Some(ChatHint::Removed { message_id: 9 })
        );
        assert!(matches!(
            interpret(
                "killarney",
                CHANNEL,
                "message-deleted",
                &json!({"message_id": 9, "hard_delete": false,
                        "message": {"id": 9, "conversation": 45, "is_deleted": true}})
            ),
            Some(ChatHint::Message { .. })
        ));
        assert_eq!(
            interpret("killarney", CHANNEL, "client-typing", &json!({})),
            None,
            "an event the desk does not use is ignored"
        );
        assert_eq!(
            interpret("killarney", CHANNEL, "new-message", &json!({"oops": 1})),
            Some(ChatHint::Refetch {
                conversation_id: Some(45)
            }),
            "a damaged message is read again with its thread, never dropped"
        );
    }
}
