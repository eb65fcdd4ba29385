//! `cargo bench -p hotelmate-core --bench chat` (or `cargo xtask bench chat`): the Messages
//! screen's reads from the desk's own SQLite file, side by side in the same run with the least
//! any desk must do to show the same cached rows (read them and encode them for the webview).
//!
//! - open a thread of 1,000 cached messages: the newest 50 (what the screen asks first) and all
//!   1,000 (scrolled back to the start), built into the thread view and encoded for the webview;
//! - the conversation list of 200 conversations.
//!
//! Goals (issue 13): a 1,000-message thread under 100 ms, 200 conversations under 50 ms. The
//! webview's own painting is not in these figures (the window tests print theirs).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use hotelmate_core::engine::store::Store;
use hotelmate_core::features::chat::{self, ConversationFilter, Reader};
use serde_json::{json, Value};

const MESSAGES: i64 = 1000;
const CONVERSATIONS: i64 = 200;
const RUNS: usize = 21;
const THREAD: i64 = 1;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn time(mut work: impl FnMut() -> usize) -> Duration {
    median(
        (0..RUNS)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(work());
                started.elapsed()
            })
            .collect(),
    )
}

/// A message as the server sends it (API.md §8.5), a guest's or Anna's in turn.
fn message(id: i64) -> Value {
    let guest = id % 2 == 0;
    json!({
        "id": id, "conversation": THREAD, "room": 17, "room_number": 101,
        "sender_type": if guest { "guest" } else { "staff" },
        "staff": if guest { Value::Null } else { json!(12) },
        "staff_name": if guest { "<bound method>" } else { "Anna Byrne - Front Office - Receptionist" },
        "guest_name": "John Doe",
        "staff_info": if guest { Value::Null } else { json!({"name": "Anna Byrne", "role": "Receptionist", "profile_image": null}) },
        "message": format!("Message {id}: could we have extra towels and a late checkout? See https://example.com/spa for the spa."),
        "timestamp": format!("2025-11-25T{:02}:{:02}:00Z", (id / 60) % 24, id % 60),
        "status": "read", "is_read_by_recipient": true, "read_at": null,
        "read_by_staff": true, "read_by_guest": true, "staff_read_at": null, "guest_read_at": null,
        "delivered_at": null, "staff_display_name": if guest { Value::Null } else { json!("Anna Byrne") },
        "staff_role_name": null, "is_edited": false, "edited_at": null, "is_deleted": false,
        "deleted_at": null, "reply_to": null, "reply_to_message": null, "attachments": [],
        "has_attachments": false
    })
}

fn conversation(id: i64) -> serde_json::Map<String, Value> {
    json!({
        "id": id, "conversation_id": id, "room_number": 100 + id, "guest_name": format!("Guest {id}"),
        "guest_first_name": "Guest", "guest_last_name": format!("{id}"),
        "last_message": "Can I get extra towels?",
        "last_message_time": format!("2025-11-25T17:{:02}:40.120311Z", id % 60),
        "has_unread": id % 3 == 0
    })
    .as_object()
    .cloned()
    .unwrap()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.sqlite3");
    let store = Store::open(&path, hotelmate_core::features::LOCAL_DATA).unwrap();
    let messages: Vec<Value> = (1..=MESSAGES).map(message).collect();
    store.chat_store_messages(THREAD, &messages).unwrap();
    let rows: Vec<_> = (1..=CONVERSATIONS).map(conversation).collect();
    store.replace_records("conversations", &rows).unwrap();
    let reader = Reader {
        me: 12,
        my_name: "Anna Byrne",
    };
    // The reference reads the same file through its own connection, as plainly as it can.
    let raw = rusqlite::Connection::open(&path).unwrap();
    let raw_thread = |limit: i64| {
        let mut statement = raw
            .prepare_cached(
                "SELECT body FROM chat_messages WHERE conversation_id = ?1 ORDER BY id DESC LIMIT ?2",
            )
            .unwrap();
        let bodies: Vec<Value> = statement
            .query_map([THREAD, limit], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|b| serde_json::from_str(&b.unwrap()).unwrap())
            .collect();
        serde_json::to_vec(&bodies).unwrap().len()
    };

    let mut rows_out = Vec::new();
    for limit in [50usize, MESSAGES as usize] {
        let ours = time(|| {
            let view = chat::read_thread(&store, reader, THREAD, limit).unwrap();
            assert_eq!(view.messages.len(), limit);
            serde_json::to_vec(&view).unwrap().len()
        });
        let reference = time(|| raw_thread(limit as i64));
        rows_out.push((
            format!("open a {MESSAGES}-message thread, newest {limit}"),
            ours,
            reference,
            100.0,
        ));
    }
    let ours = time(|| {
        let list = chat::read_conversations(
            &store,
            reader,
            (ConversationFilter::All, Default::default()),
            "",
        )
        .unwrap();
        assert_eq!(list.conversations.len(), CONVERSATIONS as usize);
        serde_json::to_vec(&list).unwrap().len()
    });
    let reference = time(|| {
        serde_json::to_vec(&store.records("conversations").unwrap())
            .unwrap()
            .len()
    });
    rows_out.push((
        format!("the list of {CONVERSATIONS} conversations"),
        ours,
        reference,
        50.0,
    ));

    println!("chat benchmark (the desk's SQLite file, median of {RUNS})");
    println!(
        "{:<44} {:>9} {:>13} {:>7} {:>9}",
        "case", "ours ms", "reference ms", "ratio", "goal ms"
    );
    let mut report = Vec::new();
    for (case, ours, reference, goal) in &rows_out {
        println!(
            "{:<44} {:>9.2} {:>13.2} {:>7.2} {:>9.0}",
            case,
            ms(*ours),
            ms(*reference),
            ms(*ours) / ms(*reference),
            goal
        );
        report.push(json!({"case": case, "ours_ms": ms(*ours), "reference_ms": ms(*reference), "goal_ms": goal}));
    }
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("chat.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
}
