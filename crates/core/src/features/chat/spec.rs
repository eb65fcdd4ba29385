//! The guest-chat conversations as the engine syncs them (§8.2, a plain array keyed by
//! `conversation_id`). Messages are not rows of the engine: they are written through the chat's
//! own outbox ([`super::store`]); conversation rows are never edited on the desk.

use serde_json::Value;

use crate::api::{Listing, Mount, Resource};
use crate::engine::spec::ResourceSpec;
use crate::events::{ResourceKind, View};
use crate::rules::not_on_the_desk_yet;

/// The guest chat: `/api/chat/<slug>/<path>/` (§8.2), at 2026
/// `/api/staff/hotel/<slug>/chat/<path>/` (the generation's
/// [`ChatWay`](crate::api::generation::ChatWay)).
const CHAT_MOUNT: Mount = Mount {
    name: "chat",
    collection: |slug, path, contract| {
        format!("{}{path}/", contract.chat.base.replace("{slug}", slug))
    },
    item: None,    create: None,
};

/// §8.2: every conversation, one plain array, newest first.
pub(crate) const CONVERSATIONS: Resource = Resource {
    name: "conversations",
    path: "conversations",
    mount: CHAT_MOUNT,
    listing: Listing::PlainArray,
    id_key: "conversation_id",
    upload: None,
    order_field: None,
    // A guest's last message, as long as the guest made it.
    clipped: &[("last_message", crate::features::chat::store::MESSAGE_CHARS)],
    renamed: &[],
};

/// What a reply needs on a server that names capabilities (§10.3), and the words for it.
pub(crate) const REPLY: (&str, &str) = ("chat.message.send", "reply to guests");

pub(crate) static CONVERSATIONS_SPEC: ResourceSpec = ResourceSpec {
    title: |row| {
        let room = row.get("room_number").map(Value::to_string);
        room.map(|r| format!("Room {}", r.trim_matches('"')))
    },
    validate: |_, _, _| Err(not_on_the_desk_yet("Conversations")),
    views: &[View::Messages],
    // Not `broadcast`: announced on chat channels, not the hotel's (§9.3), so read every minute
    // until the desk listens there.
    ..ResourceSpec::base(ResourceKind::Conversations, CONVERSATIONS)
};
