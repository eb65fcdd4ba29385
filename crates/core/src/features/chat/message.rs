//! What a guest-chat message from outside must be before the desk stores or shows it: a whole
//! message of the contract (API.md §8.5 RoomMessage; §10.2 adds fields, changes none of these).
//! A message missing any of them (an event of another shape, a server of another version) is
//! never applied in part: its thread is read again (issue 63.8).

use serde_json::Value;

/// Who may have written a message (§8.1; `system` at 2026, §10.2).
const SENDERS: &[&str] = &["guest", "staff", "system"];

/// Whether `message` is whole: a numeric `id`, a known `sender_type`, its text as a string in
/// `message` (an attachment's placeholder text or a deleted message's "[Message deleted]"
/// included) and its `timestamp`.
pub(crate) fn is_whole_message(message: &Value) -> bool {
    message.get("id").and_then(Value::as_i64).is_some()
        && message
            .get("sender_type")
            .and_then(Value::as_str)
            .is_some_and(|sender| SENDERS.contains(&sender))
        && message.get("message").is_some_and(Value::is_string)
        && message.get("timestamp").is_some_and(Value::is_string)
}

/// Whether `incoming` would replace words the desk keeps with nothing: `kept` has text, and
/// `incoming`, not a delete, has none. A whole message's text is never emptied by the server
/// (an edit to nothing is refused, §8.2), so such a copy is damage and is not stored.
pub(crate) fn empties_kept_words(kept: &Value, incoming: &Value) -> bool {
    let words = |m: &Value| {
        m.get("message")
            .and_then(Value::as_str)
            .is_some_and(|text| !text.trim().is_empty())
    };
    let deleted = incoming.get("is_deleted").and_then(Value::as_bool) == Some(true);
    words(kept) && !words(incoming) && !deleted
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_a_whole_message_of_the_contract_is_one() {
        let whole = json!({"id": 812, "conversation": 45, "sender_type": "guest",
                           "message": "Towels?", "timestamp": "2025-11-25T18:02:11.532918Z"});
        assert!(is_whole_message(&whole));
        // Tried: each field missing, renamed or of another type, and an unknown sender.
        for (key, value) in [
            ("id", Value::Null),
            ("id", json!("812")),
            ("message", Value::Null),
            ("message", json!({"text": "Towels?"})),
            ("sender_type", json!("robot")),
            ("timestamp", Value::Null),
        ] {
            let mut other = whole.clone();
            other[key] = value.clone();
            assert!(!is_whole_message(&other), "{key}: {value}");
        }
        let renamed = json!({"id": 812, "conversation": 45, "sender_type": "guest",
                             "text": "Towels?", "timestamp": "2025-11-25T18:02:11Z"});
        assert!(!is_whole_message(&renamed), "text instead of message");
    }

    #[test]
    fn kept_words_are_never_replaced_by_nothing_but_by_a_delete() {
        let kept = json!({"message": "Towels?"});
        assert!(empties_kept_words(&kept, &json!({"message": ""})));
        assert!(empties_kept_words(&kept, &json!({"message": "  "})));
        assert!(!empties_kept_words(&kept, &json!({"message": "Towels!"})));
        assert!(!empties_kept_words(
            &kept,
            &json!({"message": "", "is_deleted": true})
        ));
        assert!(!empties_kept_words(&json!({"message": ""}), &json!({"message": ""})));
    }
}
