//! Which HotelMate the desk talks to. API.md §1–9 describe the backend as of fd6c529 (the
//! "classic" one); §10 and §10.3 the 2026 backend, which moved paths, changed shapes and gates
//! what each person may do by capability. The login answer tells them apart (§10.3), once, at
//! sign-in; the session keeps it. How the two differ in what the desk asks is data here
//! ([`Contract`]), chosen with the generation, so no other code tests which one it is.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// The keys only the 2026 backend's login answer carries (§10.3; fd6c529's has exactly the 14
/// keys of §2.1).
const MARKERS: [&str; 4] = ["allowed_capabilities", "tier", "rbac", "navigation_items"];

/// Capabilities kept of a login answer; more are not read (a broken or hostile answer cannot
/// grow the session without bound).
const MAX_CAPABILITIES: usize = 500;
/// A capability name longer than this is not one (`room.type.manage`).
const MAX_CAPABILITY_CHARS: usize = 100;

/// A generation of the HotelMate backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Generation {
    /// The backend of API.md §1–9 (fd6c529, 2025).
    Classic,
    /// The backend of API.md §10 (2026): capabilities per person, new mounts.
    Hotelmate2026,
}

/// What the desk asks a generation of server, where the two differ.
#[derive(Debug)]
pub(crate) struct Contract {
    /// "Who am I", with `{slug}` for the hotel (§2.2; §10.3: the 2026 staff-management path
    /// refuses regular staff, the hotel path answers everyone).
    pub me: &'static str,
    /// How a person clocks in and out from the desk.
    pub clock: ClockWay,
    /// The Pusher channel the desk follows, with `{slug}` for the hotel (Decision 8: the hotel
    /// channel; §10.3: at 2026 it carries nothing, and the clock is told on `<slug>.attendance`).
    pub live_channel: &'static str,
    /// Other public channels whose events are read as the live channel's, with `{slug}` (§15:
    /// at 2026 rooms and bookings are told on channels of their own).
    pub also_heard: &'static [&'static str],
    /// Where the guest chat is and how it is heard.
    pub chat: ChatWay,
}

/// The guest chat of a generation: its paths (with `{slug}`, and `{id}` for a conversation or
/// a message) and its channels.
#[derive(Debug)]
pub(crate) struct ChatWay {
    /// The hotel's chat, under which `conversations/…` are (§8.2; §10.2 "Chat paths").
    pub base: &'static str,
    /// Marking a conversation's guest messages read (§8.2: without the slug at fd6c529).
    pub mark_read: &'static str,
    /// Changing and deleting my sent messages, or why the desk offers neither (§10.3: the 2026
    /// server answers 500 to both).
    pub changes: Result<ChatChanges, &'static str>,
    /// The channels a staff desk can hear the chat on.
    pub channels: ChatChannels,
    /// How often the thread in front of the person is read again, where the server does not
    /// announce colleagues' replies to a staff desk (§10.3); `None` where it does.
    pub poll_viewed: Option<std::time::Duration>,
}

/// Where my sent messages are changed and deleted (`{id}`: the message).
#[derive(Debug)]
pub(crate) struct ChatChanges {
    /// `PATCH {"message": …}`.
    pub update: &'static str,
    /// `DELETE`: a soft delete.
    pub delete: &'static str,
}

/// The chat channels, with `{slug}`, `{id}` (a conversation or a staff member) and `{room}`.
#[derive(Debug)]
pub(crate) struct ChatChannels {
    /// One conversation's messages and read receipts.
    pub conversation: &'static str,
    /// One room's: who handles its conversation (none a staff desk can hear at 2026).
    pub room: Option<&'static str>,
    /// Mine: guest messages for the staff who answer them.
    pub mine: &'static str,
    /// New conversations of the hotel (none at 2026).
    pub new_conversations: Option<&'static str>,
}

impl ChatChannels {
    /// `pattern` with its placeholders filled.
    pub(crate) fn name(pattern: &str, slug: &str, id: i64) -> String {
        pattern
            .replace("{slug}", slug)
            .replace("{id}", &id.to_string())
    }
}

/// How a person clocks in and out from the desk (paths with `{slug}`, and `{id}` for a log).
#[derive(Debug)]
pub(crate) enum ClockWay {
    /// Decision 5: one POST toggles the caller's duty (a server without it answers 403, 404 or
    /// 405: it clocks only by face).
    Toggle {
        /// The toggle.
        path: &'static str,
    },
    /// §10.3: a clock-in is an unrostered one, pending a manager's approval, and a clock-out
    /// closes that clock log by its id.
    Unrostered {
        /// `POST {"staff_id": <own id>}` → 201 `{action, message, log}`.
        clock_in: &'static str,
        /// `POST`, the open log's `{id}` in the path → 200.
        clock_out: &'static str,
        /// `GET`: the caller's own clock logs, newest first, 10 a page (§14.3): item 0 of page 1
        /// is the log `clock-logs/status/` reports, the one a clock-out closes (§14.7 rule 5).
        own_logs: &'static str,
    },
}

impl ClockWay {
    /// What a clock-in from the desk is on this server, where it is not a plain one (§10.3:
    /// the 2026 server records it as unrostered, pending a manager's approval).
    pub(crate) fn note(&self) -> Option<&'static str> {
        match self {
            Self::Toggle { .. } => None,
            Self::Unrostered { .. } => Some(
                "This server records a clock-in from the desk as unrostered, pending a \
                 manager's approval.",
            ),
        }
    }
}

static CLASSIC: Contract = Contract {
    me: "api/staff/{slug}/me/",
    clock: ClockWay::Toggle {
        path: "api/staff/{slug}/clock/",
    },
    live_channel: "hotel-{slug}",
    also_heard: &[],
    chat: ChatWay {
        base: "api/chat/{slug}/",
        mark_read: "api/chat/conversations/{id}/mark-read/",
        changes: Ok(ChatChanges {
            update: "api/chat/messages/{id}/update/",
            delete: "api/chat/messages/{id}/delete/",
        }),
        channels: ChatChannels {
            conversation: "{slug}-conversation-{id}-chat",
            room: Some("{slug}-room-{room}-chat"),
            mine: "{slug}-staff-{id}-chat",
            new_conversations: Some("{slug}-new-conversation"),
        },
        poll_viewed: None,
    },
};

static HOTELMATE_2026: Contract = Contract {
    me: "api/staff/hotel/{slug}/me/",
    clock: ClockWay::Unrostered {
        clock_in: "api/staff/hotel/{slug}/attendance/clock-logs/unrostered-confirm/",
        clock_out: "api/staff/hotel/{slug}/attendance/clock-logs/{id}/force-clock-out/",
        own_logs: "api/staff/hotel/{slug}/attendance/clock-logs/?page=1",
    },
    live_channel: "{slug}.attendance",
    also_heard: &["{slug}.rooms", "{slug}.room-bookings"],
    chat: ChatWay {
        base: "api/staff/hotel/{slug}/chat/",
        mark_read: "api/staff/hotel/{slug}/chat/conversations/{id}/mark-read/",
        changes: Err(
            "This HotelMate server (2026) fails every change to a sent message, so the desk \
             offers neither editing nor deleting; send a new message instead.",
        ),
        channels: ChatChannels {
            conversation: "{slug}-conversation-{id}-chat",
            // §10.2 "Chat events": the rest goes to private booking channels, which the
            // server's Pusher auth refuses staff (§10.3).
            room: None,
            mine: "{slug}.staff-{id}-notifications",
            new_conversations: None,
        },
        poll_viewed: Some(std::time::Duration::from_secs(10)),
    },
};

impl Generation {
    /// The generation whose login answer this is.
    pub(crate) fn of_login(answer: &serde_json::Map<String, Value>) -> Self {
        if MARKERS.iter().any(|key| answer.contains_key(*key)) {
            Self::Hotelmate2026
        } else {
            Self::Classic
        }
    }

    /// What this generation is asked, where generations differ.
    pub(crate) fn contract(self) -> &'static Contract {
        match self {
            Self::Classic => &CLASSIC,
            Self::Hotelmate2026 => &HOTELMATE_2026,
        }
    }

    /// The name the session is stored under.
    pub(crate) fn stored_name(self) -> &'static str {
        match self {
            Self::Classic => "classic",
            Self::Hotelmate2026 => "2026",
        }
    }

    /// The generation stored as `name`, if it is one.
    pub(crate) fn from_stored(name: &str) -> Option<Self> {
        [Self::Classic, Self::Hotelmate2026]
            .into_iter()
            .find(|g| g.stored_name() == name)
    }
}

/// What this person may do, as the 2026 login answer lists it (`allowed_capabilities`):
/// `None` where the server does not say (the classic backend lets any staff member of the
/// hotel do everything the desk offers, API.md §1.3).
pub(crate) fn capabilities_of_login(
    answer: &serde_json::Map<String, Value>,
) -> Option<Vec<String>> {
    let Value::Array(items) = answer.get("allowed_capabilities")? else {
        return Some(Vec::new());
    };
    let mut names: Vec<String> = items
        .iter()
        .filter_map(Value::as_str)
        .filter(|name| !name.is_empty() && name.chars().count() <= MAX_CAPABILITY_CHARS)
        .take(MAX_CAPABILITIES)
        .map(str::to_owned)
        .collect();
    if may_build_page(answer) {
        names.push(PAGE_EDITOR.to_owned());
    }
    names.sort();
    names.dedup();
    Some(names)
}

/// The right to edit the hotel's public page on the 2026 server. No capability names the page
/// builder (API.md §17.1), so the desk keeps it among the person's capabilities under this name
/// of its own, which no server capability spells (theirs are dotted words without a colon).
pub const PAGE_EDITOR: &str = "desk:public_page.edit";

/// §17.1 (Decision 14): a Django superuser, or a `super_staff_admin` whose navigation includes
/// `hotel_info`, may use the page builder; everyone else is refused, reads included.
fn may_build_page(answer: &serde_json::Map<String, Value>) -> bool {
    let superuser = answer.get("is_superuser").and_then(Value::as_bool) == Some(true);
    let level = answer.get("access_level").and_then(Value::as_str) == Some("super_staff_admin");
    let nav = answer
        .get("allowed_navs")
        .and_then(Value::as_array)
        .is_some_and(|navs| {
            navs.iter()
                .take(MAX_CAPABILITIES)
                .any(|n| n == "hotel_info")
        });
    superuser || (level && nav)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_a_super_staff_admin_with_hotel_info_or_a_superuser_may_build_the_page() {
        let may = |answer: Value| {
            capabilities_of_login(&object(answer))
                .unwrap()
                .contains(&PAGE_EDITOR.to_owned())
        };
        let caps = json!([]);
        assert!(may(
            json!({"allowed_capabilities": caps, "access_level": "super_staff_admin",
            "allowed_navs": ["chat", "hotel_info"]})
        ));
        assert!(!may(
            json!({"allowed_capabilities": caps, "access_level": "super_staff_admin",
            "allowed_navs": ["chat"]})
        ));
        assert!(!may(
            json!({"allowed_capabilities": caps, "access_level": "regular_staff",
            "allowed_navs": ["hotel_info"]})
        ));
        assert!(!may(
            json!({"allowed_capabilities": caps, "access_level": "staff_admin",
            "allowed_navs": ["hotel_info"]})
        ));
        assert!(may(
            json!({"allowed_capabilities": caps, "is_superuser": true})
        ));
    }

    fn object(value: Value) -> serde_json::Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn the_login_answer_tells_the_generation() {
        let classic = object(json!({"token": "t", "staff_id": 1, "username": "anna"}));
        assert_eq!(Generation::of_login(&classic), Generation::Classic);
        assert_eq!(capabilities_of_login(&classic), None);
        let newer = object(json!({
            "token": "t", "staff_id": 1, "username": "anna", "tier": "regular_staff",
            "allowed_capabilities": ["room.type.manage", "chat.message.send", 7, ""],
        }));
        assert_eq!(Generation::of_login(&newer), Generation::Hotelmate2026);
        assert_eq!(
            capabilities_of_login(&newer),
            Some(vec![
                "chat.message.send".to_owned(),
                "room.type.manage".to_owned()
            ])
        );
    }

    #[test]
    fn a_capability_list_that_is_not_one_allows_nothing() {
        let odd = object(json!({"allowed_capabilities": "everything"}));
        assert_eq!(capabilities_of_login(&odd), Some(Vec::new()));
        let many: Vec<String> = (0..10_000).map(|i| format!("area.{i}")).collect();
        let flood = object(json!({ "allowed_capabilities": many }));
        assert_eq!(
            capabilities_of_login(&flood).map(|c| c.len()),
            Some(MAX_CAPABILITIES)
        );
    }

    #[test]
    fn each_generation_is_stored_by_a_name_it_is_read_back_from() {
        for generation in [Generation::Classic, Generation::Hotelmate2026] {
            assert_eq!(
                Generation::from_stored(generation.stored_name()),
                Some(generation)
            );
        }
        assert_eq!(Generation::from_stored("1999"), None);
    }
}
