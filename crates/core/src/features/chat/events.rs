//! The guest-chat channels (API.md §9.3) and what their events mean for the desk's copy of the
//! chat. Pure: `crate::desk` subscribes and applies.
//!
//! Every event is read the same way whichever channel brought it, so one that arrives on two
//! channels (`new-message` on the conversation's, `new-guest-message` on mine) is applied twice
//! to the same effect: the store keeps one copy of a message by its id.

use serde_json::{Map, Value};

use crate::api::generation::ChatChannels;

/// The chat channels of one hotel, named as its server's generation names them.
pub(crate) struct Channels {
    slug: String,
    way: &'static ChatChannels,
}

impl Channels {
    pub(crate) fn new(slug: &str, way: &'static ChatChannels) -> Self {
        Self {
            slug: slug.to_owned(),
            way,
        }
    }

    /// One conversation's: messages, delivery, read state, edits and deletes.
    pub(crate) fn conversation(&self, conversation_id: i64) -> String {
        ChatChannels::name(self.way.conversation, &self.slug, conversation_id)
    }

    /// One room's: who handles its conversation (`staff-assigned`), where a desk can hear it.
    pub(crate) fn room(&self, room_number: &str) -> Option<String> {
        self.way.room.map(|pattern| {
            ChatChannels::name(pattern, &self.slug, 0).replace("{room}", room_number)
        })
    }

    /// Mine: guest messages for the staff who answer them (`new-guest-message`).
    pub(crate) fn mine(&self, staff_id: i64) -> String {
        ChatChannels::name(self.way.mine, &self.slug, staff_id)
    }

    /// The hotel's new conversations, where a desk can hear them.
    pub(crate) fn new_conversations(&self) -> Option<String> {
        self.way
            .new_conversations
            .map(|pattern| ChatChannels::name(pattern, &self.slug, 0))
    }

    /// The conversation a conversation channel is about.
    pub(crate) fn conversation_of(&self, channel: &str) -> Option<i64> {
        let pattern = self.way.conversation.replace("{slug}", &self.slug);
        let (before, after) = pattern.split_once("{id}")?;
        channel
            .strip_prefix(before)?
            .strip_suffix(after)?
            .parse()
            .ok()
    }
}

/// What one chat event means.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ChatHint {
    /// A message as the server has it now: new, edited or soft-deleted.
    Message {
        conversation_id: i64,
        message: Value,
    },
    /// Fields to set on stored messages (read flags).
    Patch {
        ids: Vec<i64>,
        fields: Map<String, Value>,
    },
    /// A message was delivered: its delivery fields. It comes before the message's own event
    /// (§9.3), which may never come (over Pusher's 10 KB, §9.1): a message it names that the
    /// desk does not have soon is read with its thread (issue 63.7).
    Delivered {
        conversation_id: Option<i64>,
        message_id: i64,
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
    /// A message named, not carried: its thread is read unless the desk has it.
    Named {
        conversation_id: i64,
        message_id: i64,
    },
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

/// A message as an event carries it, only when it is a whole message of the contract (§8.5,
/// §10.2): an `id`, its conversation, who sent it (`guest`, `staff` or `system`), its text and
/// its time. Anything else is a hint to read the thread again, never applied in part
/// (issue 63.8: HotelMate's own history renamed `message` to `text` and `message_id` to `id`
/// once; such an event wiped a stored guest message and added empty bubbles).
fn a_message(data: &Value) -> Option<ChatHint> {
    let conversation_id = data
        .get("conversation")
        .or_else(|| data.get("conversation_id"))?
        .as_i64()?;
    crate::features::chat::is_whole_message(data).then(|| ChatHint::Message {
        conversation_id,
        message: data.clone(),
    })
}

/// Reads one event of a chat channel; `None` for events the desk does not use (they are
/// logged and ignored).
pub(crate) fn interpret(
    channels: &Channels,
    channel: &str,
    event: &str,
    data: &Value,
) -> Option<ChatHint> {
    let read = match event {
        // §10.2 "Chat events": the 2026 server's envelope around a guest's message.
        "realtime_event" => return enveloped(channels, channel, data),
        // §10.2: at 2026 my channel's `new-guest-message` names the message, it does not
        // carry it; the thread is read if the desk does not have it yet.
        "new-guest-message"
            if data.get("type").and_then(Value::as_str) == Some("guest_message") =>
        {
            named_message(data)
        }
        "new-message" | "new-staff-message" | "new-guest-message" | "message-updated" => {
            a_message(data)
        }
        "message-delivered" => delivered(channels.conversation_of(channel), data),
        "messages-read-by-staff" | "messages-read-by-guest" => {
            read_by(data, event == "messages-read-by-guest")
        }
        "conversation-unread" | "conversation-read" => data
            .get("conversation_id")
            .and_then(Value::as_i64)
            .map(|conversation_id| ChatHint::Unread {
                conversation_id,
                unread: event == "conversation-unread",
            }),
        "message-deleted" | "message-removed" | "content-deleted" => deleted(data),
        "staff-assigned" => handler(data),
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
            conversation_id: channels.conversation_of(channel),
        })
    })
}

/// A message was delivered to the guest's page.
fn delivered(conversation_id: Option<i64>, data: &Value) -> Option<ChatHint> {
    let message_id = data.get("message_id").and_then(Value::as_i64)?;
    Some(ChatHint::Delivered {
        conversation_id,
        message_id,
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

/// Messages were read by staff or (`by_guest`) by the guest.
fn read_by(data: &Value, by_guest: bool) -> Option<ChatHint> {
    let ids = ids(data)?;
    let fields = if by_guest {
        fields(&[
            ("read_by_guest", true.into()),
            ("is_read_by_recipient", true.into()),
            ("status", "read".into()),
            (
                "guest_read_at",
                data.get("read_at").cloned().unwrap_or(Value::Null),
            ),
        ])
    } else {
        fields(&[
            ("read_by_staff", true.into()),
            ("status", "read".into()),
            (
                "staff_read_at",
                data.get("read_at").cloned().unwrap_or(Value::Null),
            ),
        ])
    };
    Some(ChatHint::Patch { ids, fields })
}

/// A message was deleted: gone for good (`hard_delete`), or kept as the server's "deleted".
fn deleted(data: &Value) -> Option<ChatHint> {
    if data.get("hard_delete").and_then(Value::as_bool) == Some(true) {
        data.get("message_id")
            .and_then(Value::as_i64)
            .map(|message_id| ChatHint::Removed { message_id })
    } else {
        data.get("message").and_then(a_message)
    }
}

/// A member of staff took a conversation over.
fn handler(data: &Value) -> Option<ChatHint> {
    match (
        data.get("conversation_id").and_then(Value::as_i64),
        data.get("staff_name").and_then(Value::as_str),
    ) {
        (Some(conversation_id), Some(name)) if !name.trim().is_empty() => Some(ChatHint::Handler {
            conversation_id,
            name: name.trim().to_owned(),
        }),
        _ => None,
    }
}

/// A message the event names without carrying it.
fn named_message(data: &Value) -> Option<ChatHint> {
    Some(ChatHint::Named {
        conversation_id: data.get("conversation_id")?.as_i64()?,
        message_id: data.get("message_id")?.as_i64()?,
    })
}

/// The 2026 envelope `{category: "guest_chat", type, payload, meta}`: a message created,
/// changed or deleted is its payload; any other guest-chat news has its thread read again.
fn enveloped(channels: &Channels, channel: &str, data: &Value) -> Option<ChatHint> {
    if data.get("category").and_then(Value::as_str) != Some("guest_chat") {
        return None;
    }
    let kind = data.get("type").and_then(Value::as_str).unwrap_or_default();
    let payload = data.get("payload").unwrap_or(&Value::Null);
    let read = match kind {
        "chat.message.created" | "chat.message.edited" | "chat.message.deleted" => {
            a_message(payload)
        }
        _ => None,
    };
    read.or_else(|| {
        tracing::debug!(
            kind,
            channel,
            "guest-chat news without a message; the thread is read again"
        );
        Some(ChatHint::Refetch {
            conversation_id: channels.conversation_of(channel).or_else(|| {
                payload
                    .get("conversation_id")
                    .or_else(|| payload.get("conversation"))
                    .and_then(Value::as_i64)
            }),
        })
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const CHANNEL: &str = "killarney-conversation-45-chat";

    fn classic() -> Channels {
        of(crate::api::Generation::Classic)
    }

    fn of(generation: crate::api::Generation) -> Channels {
        Channels::new("killarney", &generation.contract().chat.channels)
    }

    #[test]
    fn the_channels_are_named_as_each_generation_names_them() {
        let classic = classic();
        assert_eq!(classic.conversation(45), CHANNEL);
        assert_eq!(
            classic.room("101").as_deref(),
            Some("killarney-room-101-chat")
        );
        assert_eq!(classic.mine(12), "killarney-staff-12-chat");
        assert_eq!(
            classic.new_conversations().as_deref(),
            Some("killarney-new-conversation")
        );
        assert_eq!(classic.conversation_of(CHANNEL), Some(45));
        assert_eq!(classic.conversation_of("hotel-killarney"), None);
        assert_eq!(
            classic.conversation_of("killarney-conversation-x-chat"),
            None
        );

        let newer = of(crate::api::Generation::Hotelmate2026);
        assert_eq!(newer.conversation(45), CHANNEL);
        assert_eq!(newer.room("101"), None, "private at 2026: not heard");
        assert_eq!(newer.mine(12), "killarney.staff-12-notifications");
        assert_eq!(newer.new_conversations(), None);
        assert_eq!(newer.conversation_of(CHANNEL), Some(45));
    }

    #[test]
    fn the_2026_envelope_carries_a_guests_message_and_my_channel_names_one() {
        let newer = of(crate::api::Generation::Hotelmate2026);
        let message = json!({"id": 812, "conversation": 45, "conversation_id": 45,
                             "sender_type": "guest", "message": "hi",
                             "timestamp": "2026-05-11T10:00:00.000000Z"});
        let envelope = json!({"category": "guest_chat", "type": "chat.message.created",
                              "payload": message, "meta": {"hotel_slug": "killarney"}});
        assert_eq!(
            interpret(&newer, CHANNEL, "realtime_event", &envelope),
            Some(ChatHint::Message {
                conversation_id: 45,
                message: message.clone()
            })
        );
        let read = json!({"category": "guest_chat", "type": "chat.message.read", "payload": {}});
        assert_eq!(
            interpret(&newer, CHANNEL, "realtime_event", &read),
            Some(ChatHint::Refetch {
                conversation_id: Some(45)
            }),
            "news the desk cannot apply has the thread read"
        );
        let elsewhere = json!({"category": "attendance", "type": "clock_status_updated"});
        assert_eq!(
            interpret(&newer, CHANNEL, "realtime_event", &elsewhere),
            None
        );
        let damaged = json!({"category": "guest_chat", "type": "chat.message.created",
                             "payload": {"message": "no id"}});
        assert_eq!(
            interpret(&newer, CHANNEL, "realtime_event", &damaged),
            Some(ChatHint::Refetch {
                conversation_id: Some(45)
            }),
            "a damaged message is read with its thread, never dropped"
        );
        let named = json!({"type": "guest_message", "message_id": 812, "conversation_id": 45,
                           "booking_id": 3, "room_number": 101, "guest_message": "hi"});
        assert_eq!(
            interpret(
                &newer,
                "killarney.staff-12-notifications",
                "new-guest-message",
                &named
            ),
            Some(ChatHint::Named {
                conversation_id: 45,
                message_id: 812
            })
        );
    }

    #[test]
    fn a_message_is_read_the_same_from_every_channel_and_read_receipts_patch() {
        let message =
            json!({"id": 812, "conversation": 45, "sender_type": "guest", "message": "hi",
                   "timestamp": "2025-11-25T18:02:11.532918Z"});
        for event in ["new-message", "new-guest-message", "message-updated"] {
            assert_eq!(
                interpret(&classic(), CHANNEL, event, &message),
                Some(ChatHint::Message {
                    conversation_id: 45,
                    message: message.clone()
                })
            );
        }
        let read = interpret(
            &classic(),
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
                &classic(),
                CHANNEL,
                "message-removed",
                &json!({"message_id": 9, "hard_delete": true})
            ),
            Some(ChatHint::Removed { message_id: 9 })
        );
        assert!(matches!(
            interpret(
                &classic(),
                CHANNEL,
                "message-deleted",
                &json!({"message_id": 9, "hard_delete": false,
                        "message": {"id": 9, "conversation": 45, "is_deleted": true,
                                    "sender_type": "staff", "message": "[Message deleted]",
                                    "timestamp": "2025-11-25T18:02:11.532918Z"}})
            ),
            Some(ChatHint::Message { .. })
        ));
        assert_eq!(
            interpret(&classic(), CHANNEL, "client-typing", &json!({})),
            None,
            "an event the desk does not use is ignored"
        );
        assert_eq!(
            interpret(&classic(), CHANNEL, "new-message", &json!({"oops": 1})),
            Some(ChatHint::Refetch {
                conversation_id: Some(45)
            }),
            "a damaged message is read again with its thread, never dropped"
        );
    }
}
