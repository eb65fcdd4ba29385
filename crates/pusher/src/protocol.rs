//! The wire format of Pusher protocol 7: decoding server frames and encoding client frames.
//!
//! Pure functions, no I/O: the fuzz target drives [`decode_frame`] and [`classify`] directly. Nothing here
//! panics on input; every malformed frame is a [`DecodeError`].

use serde_json::Value;

/// A decoded server frame, before the client gives it meaning.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Event name, e.g. `offer-updated` or `pusher:connection_established`.
    pub event: String,
    /// Channel the event belongs to, if any.
    pub channel: Option<String>,
    /// The payload. A JSON string that itself holds JSON is decoded a second time.
    pub data: Value,
    /// Sender of a client event on a presence channel, as the server reports it.
    pub user_id: Option<String>,
}

/// Why a frame could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The frame is longer than the configured limit.
    #[error("frame of {len} bytes is over the limit of {limit} bytes")]
    TooLarge {
        /// Length of the frame in bytes.
        len: usize,
        /// The limit it broke.
        limit: usize,
    },
    /// The frame is not JSON.
    #[error("frame is not JSON: {0}")]
    NotJson(#[from] serde_json::Error),
    /// The frame is JSON but not an object.
    #[error("frame is not a JSON object")]
    NotAnObject,
    /// The frame has no string `event` field.
    #[error("frame has no event name")]
    MissingEvent,
}

/// Decodes one text frame. `data` is decoded twice when it is a string holding JSON (the official server
/// libraries send it that way); a string that is not JSON stays a string.
pub fn decode_frame(text: &str, limit_bytes: usize) -> Result<Frame, DecodeError> {
    if text.len() > limit_bytes {
        return Err(DecodeError::TooLarge {
            len: text.len(),
            limit: limit_bytes,
        });
    }
    let value: Value = serde_json::from_str(text)?;
    let Value::Object(mut object) = value else {
        return Err(DecodeError::NotAnObject);
    };
    let event = match object.remove("event") {
        Some(Value::String(event)) => event,
        _ => return Err(DecodeError::MissingEvent),
    };
    let channel = match object.remove("channel") {
        Some(Value::String(channel)) => Some(channel),
        _ => None,
    };
    let user_id = object.remove("user_id").and_then(id_to_string);
    let data = decode_data(object.remove("data").unwrap_or(Value::Null));
    Ok(Frame {
        event,
        channel,
        data,
        user_id,
    })
}

/// Decodes `data` a second time when it is a JSON string; otherwise returns it unchanged.
pub fn decode_data(data: Value) -> Value {
    match data {
        Value::String(text) => match serde_json::from_str::<Value>(&text) {
            Ok(inner) => inner,
            Err(_) => Value::String(text),
        },
        other => other,
    }
}

/// User ids arrive as strings or numbers depending on the server; the client uses strings.
pub(crate) fn id_to_string(value: Value) -> Option<String> {
    match value {
        Value::String(id) => Some(id),
        Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

/// What a frame means to the client.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerMessage {
    /// `pusher:connection_established`.
    ConnectionEstablished {
        /// The socket id the server gave this connection.
        socket_id: String,
        /// The server's activity timeout in seconds, if it sent one.
        activity_timeout_secs: Option<u64>,
    },
    /// `pusher:error`. It does not end the connection by itself: the close frame that may follow does.
    Error {
        /// The error code.
        code: Option<u16>,
        /// The server's message.
        message: String,
        /// The channel it concerns, when a server reports a refused subscription this way.
        channel: Option<String>,
    },
    /// `pusher:ping`: answer with `pusher:pong`.
    Ping,
    /// `pusher:pong`.
    Pong,
    /// `pusher_internal:subscription_succeeded`.
    SubscriptionSucceeded {
        /// The channel.
        channel: String,
        /// Payload (the member list on presence channels).
        data: Value,
    },
    /// `pusher:subscription_error`.
    SubscriptionError {
        /// The channel.
        channel: String,
        /// The server's explanation.
        data: Value,
    },
    /// `pusher_internal:member_added`.
    MemberAdded {
        /// The presence channel.
        channel: String,
        /// The member's id.
        user_id: String,
        /// What the member's authorizer said about them.
        user_info: Value,
    },
    /// `pusher_internal:member_removed`.
    MemberRemoved {
        /// The presence channel.
        channel: String,
        /// The member's id.
        user_id: String,
    },
    /// `pusher:signin_success`.
    SigninSuccess {
        /// The signed-in user's id, from `user_data`.
        user_id: Option<String>,
        /// The whole `user_data` object.
        user_data: Value,
    },
    /// An event on a channel: application events, client events, `pusher:cache_miss`.
    ChannelEvent(Frame),
    /// A frame without a channel that the client does not know.
    Unknown(Frame),
}

/// Gives a decoded frame its meaning. Internal frames that lack a field they need become
/// [`ServerMessage::Unknown`] rather than an error, so a bad frame is logged and skipped.
pub fn classify(frame: Frame) -> ServerMessage {
    let field = |data: &Value, name: &str| data.get(name).cloned();
    match (frame.event.as_str(), frame.channel.clone()) {
        ("pusher:connection_established", _) => {
            match field(&frame.data, "socket_id").and_then(id_to_string) {
                Some(socket_id) => ServerMessage::ConnectionEstablished {
                    socket_id,
                    activity_timeout_secs: frame
                        .data
                        .get("activity_timeout")
                        .and_then(Value::as_u64),
                },
                None => ServerMessage::Unknown(frame),
            }
        }
        ("pusher:error", channel) => ServerMessage::Error {
            code: frame
                .data
                .get("code")
                .and_then(Value::as_u64)
                .and_then(|code| u16::try_from(code).ok()),
            message: frame
                .data
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            channel,
        },
        ("pusher:ping", _) => ServerMessage::Ping,
        ("pusher:pong", _) => ServerMessage::Pong,
        ("pusher_internal:subscription_succeeded", Some(channel)) => {
            ServerMessage::SubscriptionSucceeded {
                channel,
                data: frame.data,
            }
        }
        ("pusher:subscription_error", Some(channel)) => ServerMessage::SubscriptionError {
            channel,
            data: frame.data,
        },
        ("pusher_internal:member_added", Some(channel)) => {
            match field(&frame.data, "user_id").and_then(id_to_string) {
                Some(user_id) => ServerMessage::MemberAdded {
                    channel,
                    user_id,
                    user_info: field(&frame.data, "user_info").unwrap_or(Value::Null),
                },
                None => ServerMessage::Unknown(frame),
            }
        }
        ("pusher_internal:member_removed", Some(channel)) => {
            match field(&frame.data, "user_id").and_then(id_to_string) {
                Some(user_id) => ServerMessage::MemberRemoved { channel, user_id },
                None => ServerMessage::Unknown(frame),
            }
        }
        ("pusher:signin_success", _) => {
            let user_data = decode_data(field(&frame.data, "user_data").unwrap_or(Value::Null));
            ServerMessage::SigninSuccess {
                user_id: user_data.get("id").cloned().and_then(id_to_string),
                user_data,
            }
        }
        (_, Some(_)) => ServerMessage::ChannelEvent(frame),
        (_, None) => ServerMessage::Unknown(frame),
    }
}

/// Client frames, encoded (for the client: without it, as in the fuzz target, nothing sends).
#[cfg(feature = "client")]
pub(crate) mod encode {
    use super::*;
    use serde_json::{json, Map};

    fn frame(event: &str, data: Value, channel: Option<&str>) -> String {
        let mut object = Map::with_capacity(3);
        object.insert("event".into(), Value::String(event.into()));
        object.insert("data".into(), data);
        if let Some(channel) = channel {
            object.insert("channel".into(), Value::String(channel.into()));
        }
        Value::Object(object).to_string()
    }

    pub(crate) fn subscribe(
        channel: &str,
        auth: Option<&str>,
        channel_data: Option<&str>,
    ) -> String {
        let mut data = Map::new();
        data.insert("channel".into(), Value::String(channel.into()));
        if let Some(auth) = auth {
            data.insert("auth".into(), Value::String(auth.into()));
        }
        if let Some(channel_data) = channel_data {
            data.insert("channel_data".into(), Value::String(channel_data.into()));
        }
        frame("pusher:subscribe", Value::Object(data), None)
    }

    pub(crate) fn unsubscribe(channel: &str) -> String {
        frame("pusher:unsubscribe", json!({ "channel": channel }), None)
    }

    pub(crate) fn ping() -> String {
        frame("pusher:ping", json!({}), None)
    }

    pub(crate) fn pong() -> String {
        frame("pusher:pong", json!({}), None)
    }

    pub(crate) fn client_event(channel: &str, event: &str, data: Value) -> String {
        frame(event, data, Some(channel))
    }

    pub(crate) fn signin(auth: &str, user_data: &str) -> String {
        frame(
            "pusher:signin",
            json!({ "auth": auth, "user_data": user_data }),
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LIMIT: usize = 1 << 20;

    #[test]
    fn data_that_is_a_json_string_is_decoded_twice() {
        let frame = decode_frame(
            r#"{"event":"offer-updated","channel":"hotel-x","data":"{\"action\":\"updated\"}"}"#,
            LIMIT,
        )
        .unwrap();
        assert_eq!(frame.data, json!({"action": "updated"}));
        assert_eq!(frame.channel.as_deref(), Some("hotel-x"));
    }

    #[test]
    fn client_events_carry_the_sender() {
        let frame = decode_frame(
            r#"{"event":"client-typing","channel":"presence-a","data":{},"user_id":"42"}"#,
            LIMIT,
        )
        .unwrap();
        assert_eq!(frame.user_id.as_deref(), Some("42"));
    }

    #[test]
    fn data_that_is_a_plain_string_stays_a_string() {
        let frame = decode_frame(r#"{"event":"e","data":"hello there"}"#, LIMIT).unwrap();
        assert_eq!(frame.data, json!("hello there"));
    }

    #[test]
    fn bad_frames_are_errors_not_panics() {
        assert!(matches!(
            decode_frame("not json", LIMIT),
            Err(DecodeError::NotJson(_))
        ));
        assert!(matches!(
            decode_frame("[1,2]", LIMIT),
            Err(DecodeError::NotAnObject)
        ));
        assert!(matches!(
            decode_frame(r#"{"data":1}"#, LIMIT),
            Err(DecodeError::MissingEvent)
        ));
        assert!(matches!(
            decode_frame(&"x".repeat(11), 10),
            Err(DecodeError::TooLarge { len: 11, limit: 10 })
        ));
    }

    #[test]
    fn connection_established_gives_socket_id_and_activity_timeout() {
        let frame = decode_frame(
            r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":30}"}"#,
            LIMIT,
        )
        .unwrap();
        assert_eq!(
            classify(frame),
            ServerMessage::ConnectionEstablished {
                socket_id: "1.2".into(),
                activity_timeout_secs: Some(30)
            }
        );
    }

    #[test]
    fn internal_frames_missing_fields_are_unknown() {
        let frame = decode_frame(
            r#"{"event":"pusher:connection_established","data":{}}"#,
            LIMIT,
        )
        .unwrap();
        assert!(matches!(classify(frame), ServerMessage::Unknown(_)));
        let frame = decode_frame(
            r#"{"event":"pusher_internal:member_added","channel":"presence-a","data":{}}"#,
            LIMIT,
        )
        .unwrap();
        assert!(matches!(classify(frame), ServerMessage::Unknown(_)));
    }

    #[test]
    fn numeric_user_ids_become_strings() {
        let frame = decode_frame(
            r#"{"event":"pusher_internal:member_removed","channel":"presence-a","data":{"user_id":7}}"#,
            LIMIT,
        )
        .unwrap();
        assert_eq!(
            classify(frame),
            ServerMessage::MemberRemoved {
                channel: "presence-a".into(),
                user_id: "7".into()
            }
        );
    }

    #[test]
    fn error_codes_are_read() {
        let frame = decode_frame(
            r#"{"event":"pusher:error","data":{"code":4001,"message":"App key x does not exist"}}"#,
            LIMIT,
        )
        .unwrap();
        assert_eq!(
            classify(frame),
            ServerMessage::Error {
                code: Some(4001),
                message: "App key x does not exist".into(),
                channel: None,
            }
        );
    }

    #[test]
    fn subscribe_frame_carries_auth_and_channel_data() {
        let encoded: Value = serde_json::from_str(&encode::subscribe(
            "presence-a",
            Some("k:sig"),
            Some("{\"user_id\":\"1\"}"),
        ))
        .unwrap();
        assert_eq!(
            encoded,
            json!({"event": "pusher:subscribe", "data": {"channel": "presence-a", "auth": "k:sig",
                   "channel_data": "{\"user_id\":\"1\"}"}})
        );
    }
}
