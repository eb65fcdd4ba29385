use serde_json::json;

use super::*;

/// `message` made whole as the server sends one (§8.5): a sender, a text and a time where the
/// test does not give them (the store keeps nothing less, issue 63.8).
fn whole(mut message: serde_json::Value) -> serde_json::Value {
    for (key, value) in [
        ("sender_type", json!("guest")),
        ("message", json!("")),
        ("timestamp", json!("2026-11-24T08:00:00Z")),
    ] {
        if message.get(key).is_none() {
            message[key] = value;
        }
    }
    message
}

fn send(conversation_id: i64, message: &str) -> NewChatEntry<'_> {
    NewChatEntry {
        op: ChatOp::Send,
        conversation_id,
        message,
        reply_to: None,
        file: None,
    }
}

/// A chat store in a file of its own, with every feature's tables.
pub(in crate::features::chat) fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &dir.path().join("desk.sqlite3"),
        crate::features::LOCAL_DATA,
    )
    .unwrap();
    (dir, store)
}

#[test]
fn a_sent_reply_leaves_the_outbox_with_its_copy_and_later_replies_follow_it() {
    let (_dir, store) = store();
    ChatStore::new(&store).store_messages(45, &[whole(json!({"id": 10, "message": "hi"}))])
        .unwrap();
    ChatStore::new(&store).queue(send(45, "OK")).unwrap();
    ChatStore::new(&store).queue(send(45, "OK")).unwrap();
    let first = ChatStore::new(&store).next_reply().unwrap().unwrap();
    assert_eq!(first.after_id, 10);
    ChatStore::new(&store).reply_sent(&first, Some(&whole(json!({"id": 12, "message": "OK"}))))
        .unwrap();
    let second = ChatStore::new(&store).next_reply().unwrap().unwrap();
    assert_eq!(second.message, "OK");
    assert_eq!(
        second.after_id, 12,
        "the second identical reply must not be taken for the first"
    );
    let thread = ChatStore::new(&store).thread(45, None, 10).unwrap();
    assert_eq!(
        thread.iter().map(|m| m["id"].clone()).collect::<Vec<_>>(),
        [json!(10), json!(12)]
    );
}

/// Tried: my edit's live event arriving after the delete's answer was stored (seen once in
/// the suite as "a deleted message cannot be edited" failing: the stale copy had brought the
/// words back).
#[test]
fn a_deleted_message_is_not_brought_back_by_an_older_copy_arriving_late() {
    let (_dir, store) = store();
    let edited = whole(json!({"id": 7, "message": "Check-out is at 12.", "is_deleted": false}));
    let deleted = whole(json!({"id": 7, "message": "[deleted]", "is_deleted": true}));
    ChatStore::new(&store).store_messages(45, std::slice::from_ref(&edited))
        .unwrap();
    ChatStore::new(&store).store_messages(45, std::slice::from_ref(&deleted))
        .unwrap();
    ChatStore::new(&store).store_messages(45, &[edited]).unwrap();
    assert_eq!(ChatStore::new(&store).message(7).unwrap(), Some(deleted));
}

#[test]
fn a_damaged_cached_message_drops_the_threads_cache_instead_of_hiding_the_message() {
    let (_dir, store) = store();
    ChatStore::new(&store).store_messages(45, &[whole(json!({"id": 1})), whole(json!({"id": 2}))])
        .unwrap();
    ChatStore::new(&store).set_complete(45).unwrap();
    store
        .lock()
        .execute("UPDATE chat_messages SET body = '{broken' WHERE id = 2", [])
        .unwrap();
    assert!(ChatStore::new(&store).thread(45, None, 10).unwrap().is_empty());
    assert_eq!(ChatStore::new(&store).count(45).unwrap(), 0);
    assert!(!ChatStore::new(&store).thread_state(45).unwrap().complete);
}

#[test]
fn a_threads_mark_read_is_queued_once_and_my_echoed_reply_completes_the_one_sending() {
    let (_dir, store) = store();
    ChatStore::new(&store).store_messages(45, &[whole(json!({"id": 10, "message": "hi"}))])
        .unwrap();
    let read = NewChatEntry {
        op: ChatOp::Read,
        ..send(45, "")
    };
    assert_eq!(
        ChatStore::new(&store).queue(read).unwrap(),
        ChatStore::new(&store).queue(read).unwrap()
    );
    let waiting = ChatStore::new(&store).queue(send(45, "On its way")).unwrap();
    ChatStore::new(&store).queue(send(45, "On its way")).unwrap();
    let echo = whole(json!({"id": 11, "conversation": 45, "message": "On its way"}));
    assert_eq!(
        ChatStore::new(&store).adopt_own(45, &echo).unwrap(),
        None,
        "a reply not sent yet is not taken for an echo"
    );
    ChatStore::new(&store).mark_sending(waiting).unwrap();
    let adopted = ChatStore::new(&store).adopt_own(45, &echo).unwrap().unwrap();
    assert_eq!(adopted.seq, waiting);
    let left: Vec<ChatOp> = ChatStore::new(&store).replies(Some(45))
        .unwrap()
        .iter()
        .map(|r| r.op)
        .collect();
    assert_eq!(
        left,
        [ChatOp::Read, ChatOp::Send],
        "the second copy still waits"
    );
}

#[test]
fn a_reply_no_connection_reached_waits_again() {
    let (_dir, store) = store();
    let seq = ChatStore::new(&store).queue(send(45, "Hello")).unwrap();
    ChatStore::new(&store).mark_sending(seq).unwrap();
    ChatStore::new(&store).not_sent(seq).unwrap();
    let entry = ChatStore::new(&store).next_reply().unwrap().unwrap();
    assert_eq!(entry.state, ReplyState::Pending);
    assert_eq!(entry.attempts, 1);
}

/// Issue 23.7: an entry whose kind, state or target cannot be read is refused with the
/// reason and kept, never sent as a reply (the old reading made an unknown kind a reply and
/// an unknown state "waiting", skipping the look-before-resend check), and an edit without
/// its message is never an edit of message 0.
#[test]
fn a_damaged_chat_entry_is_set_aside_as_refused_with_the_reason_and_never_handed_out() {
    let (_dir, store) = store();
    let edit_without_target = ChatStore::new(&store).queue(send(45, "new text")).unwrap();
    let bad_state = ChatStore::new(&store).queue(send(45, "state damaged")).unwrap();
    let good = ChatStore::new(&store).queue(send(45, "fine")).unwrap();
    {
        let conn = store.lock();
        conn.execute(
            "UPDATE chat_outbox SET op = 'edit', target_id = NULL WHERE seq = ?1",
            [edit_without_target],
        )
        .unwrap();
        conn.pragma_update(None, "ignore_check_constraints", true)
            .unwrap();
        conn.execute(
            "UPDATE chat_outbox SET state = 'in-flight?' WHERE seq = ?1",
            [bad_state],
        )
        .unwrap();
        conn.pragma_update(None, "ignore_check_constraints", false)
            .unwrap();
    }
    let next = ChatStore::new(&store).next_reply().unwrap().unwrap();
    assert_eq!(next.seq, good, "only the readable entry is handed out");
    let all = ChatStore::new(&store).replies(Some(45)).unwrap();
    assert_eq!(all.len(), 3, "the damaged ones are kept: {all:?}");
    for seq in [edit_without_target, bad_state] {
        let entry = all.iter().find(|e| e.seq == seq).unwrap();
        assert_eq!(entry.state, ReplyState::Rejected, "{entry:?}");
        let problem = entry.problem.as_deref().unwrap_or_default();
        assert!(problem.contains("damaged"), "{problem}");
    }
}

/// Issue 28.2: what the counts read is kept beside each message (no JSON is parsed per
/// count), brought over from a database of the previous schema; a damaged cached message
/// no longer stops the list from being counted (json_extract failed on it before).
#[test]
fn unread_counts_and_handlers_come_from_kept_facts_and_survive_the_upgrade_and_a_damaged_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.sqlite3");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        crate::engine::store::migrations::migrate_to(&mut conn, crate::features::LOCAL_DATA, 7)
            .unwrap();
        for (id, conversation, body) in [
            (1, 45, json!({"id": 1, "sender_type": "guest", "read_by_staff": false, "timestamp": "2026-11-24T08:00:00Z"}).to_string()),
            (2, 45, json!({"id": 2, "sender_type": "guest", "read_by_staff": true}).to_string()),
            (3, 45, json!({"id": 3, "sender_type": "staff", "staff": 12, "staff_info": {"name": "Anna Byrne"}}).to_string()),
            (4, 46, json!({"id": 4, "sender_type": "guest", "is_deleted": true}).to_string()),
            (5, 46, "{damaged".to_owned()),
            (6, 46, json!({"id": 6, "sender_type": "guest"}).to_string()),
        ] {
            conn.execute(
                "INSERT INTO chat_messages (id, conversation_id, body) VALUES (?1, ?2, ?3)",
                params![id, conversation, body],
            )
            .unwrap();
        }
    }
    let store = Store::open(&path, crate::features::LOCAL_DATA).unwrap();
    let mut counts = ChatStore::new(&store).unread_counts().unwrap();
    counts.sort_unstable();
    assert_eq!(counts, [(45, 1), (46, 1)]);
    assert_eq!(ChatStore::new(&store).unread_ids(45).unwrap(), [1]);
    let senders = ChatStore::new(&store).last_staff_senders(None).unwrap();
    assert_eq!(senders.len(), 1);
    assert_eq!(senders[0].1.name.as_deref(), Some("Anna Byrne"));
    assert_eq!(senders[0].1.staff_id, Some(12));
    assert_eq!(senders[0].1.message_id, 3);
    assert_eq!(
        ChatStore::new(&store).newest_of_thread(45).unwrap(),
        Some((3, None)),
        "the newest message's time, as kept"
    );

    // Marking read and storing new messages keep the facts current.
    let read: serde_json::Map<String, Value> = [("read_by_staff".to_owned(), Value::Bool(true))]
        .into_iter()
        .collect();
    assert_eq!(ChatStore::new(&store).patch_messages(&[1], &read).unwrap(), 1);
    ChatStore::new(&store).store_messages(
            45,
            &[whole(json!({"id": 7, "sender_type": "guest", "timestamp": "2026-11-24T09:00:00Z"}))],
        )
        .unwrap();
    assert_eq!(ChatStore::new(&store).unread_ids(45).unwrap(), [7]);
    assert_eq!(
        ChatStore::new(&store).newest_of_thread(45).unwrap(),
        Some((7, Some("2026-11-24T09:00:00Z".into())))
    );
}

/// Issue 28.2: a guest's megabyte is kept as its first [`MESSAGE_CHARS`] characters, with
/// the whole length noted; a quoted one too; a server's own clip mark is not believed.
#[test]
fn a_long_message_is_kept_clipped_with_its_whole_length() {
    let (_dir, store) = store();
    let long = "é".repeat(1_000_000);
    ChatStore::new(&store).store_messages(
            45,
            &[
                whole(json!({"id": 1, "sender_type": "guest", "message": long,
                       "reply_to_message": {"message": long}})),
                whole(json!({"id": 2, "sender_type": "guest", "message": "short", CLIPPED_KEY: 99})),
            ],
        )
        .unwrap();
    let kept = ChatStore::new(&store).message(1).unwrap().unwrap();
    assert_eq!(
        kept["message"].as_str().unwrap().chars().count(),
        MESSAGE_CHARS
    );
    assert_eq!(kept[CLIPPED_KEY], 1_000_000);
    assert_eq!(
        kept["reply_to_message"]["message"]
            .as_str()
            .unwrap()
            .chars()
            .count(),
        MESSAGE_CHARS
    );
    let body_bytes: i64 = store
        .lock()
        .query_row(
            "SELECT length(body) FROM chat_messages WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        body_bytes < 25_000,
        "{body_bytes} bytes kept for a 2 MB message"
    );
    assert!(ChatStore::new(&store).message(2)
        .unwrap()
        .unwrap()
        .get(CLIPPED_KEY)
        .is_none());
    // Marked read (a patch of the kept copy), it is still known to be clipped.
    let read: serde_json::Map<String, Value> = [("read_by_staff".to_owned(), Value::Bool(true))]
        .into_iter()
        .collect();
    assert_eq!(ChatStore::new(&store).patch_messages(&[1], &read).unwrap(), 1);
    assert_eq!(
        ChatStore::new(&store).message(1).unwrap().unwrap()[CLIPPED_KEY],
        1_000_000
    );
    // The same long message sent again is no change.
    let again = ChatStore::new(&store).store_messages(
            45,
            &[whole(json!({"id": 1, "sender_type": "guest", "message": long,
                     "reply_to_message": {"message": long}, "read_by_staff": true}))],
        )
        .unwrap();
    assert_eq!(again.changed, 0);
}

fn session_of(account: &str) -> crate::engine::store::SessionRow {
    crate::engine::store::SessionRow {
        account: account.into(),
        username: account.into(),
        api_base: "http://127.0.0.1:8000/api/".into(),
        pusher: None,
        is_demo: false,
        hotel_id: Some(1),
        hotel_name: "Killarney".into(),
        hotel_slug: "killarney".into(),
        staff_id: 7,
        first_name: String::new(),
        last_name: String::new(),
        role: None,
        department: None,
        access_level: None,
        signed_in_at: "2026-11-26T00:00:00Z".into(),
        is_on_duty: None,
        generation: crate::api::Generation::Classic,
        capabilities: None,
    }
}

/// Issue 37.1: the chat registers its tables and its queue with the store (`LOCAL_DATA`)
/// rather than the engine naming them. What it registers is still counted as unsent work and
/// in the status bar's "waiting", and is wiped with its account: tried with a reply, a file,
/// a refused reply and a "mark read" (which is no work), then another account signing in.
#[test]
fn the_chats_own_tables_are_counted_as_waiting_work_and_wiped_with_their_account() {
    let (_dir, store) = store();
    store.save_session(&session_of("anna")).unwrap();
    ChatStore::new(&store).store_messages(45, &[whole(json!({"id": 10, "message": "hi"}))])
        .unwrap();
    ChatStore::new(&store).queue(send(45, "On its way")).unwrap();
    let file = QueuedFile {
        key: "k".into(),
        name: "map.pdf".into(),
        mime: "application/pdf".into(),
    };
    ChatStore::new(&store).queue(NewChatEntry {
            file: Some(&file),
            ..send(45, "The map")
        })
        .unwrap();
    let refused = ChatStore::new(&store).queue(send(46, "Refused")).unwrap();
    ChatStore::new(&store).reject_reply(refused, "no").unwrap();
    ChatStore::new(&store).queue(NewChatEntry {
            op: ChatOp::Read,
            ..send(45, "")
        })
        .unwrap();

    let work = store.unsent_work().unwrap();
    // The refused reply is not on its way: it waits for the person (issue 63.20).
    assert_eq!(
        (work.replies, work.files, work.to_decide),
        (1, 1, 1),
        "{work:?}"
    );
    assert_eq!(store.local_waiting().unwrap(), (2, 1), "waiting, refused");

    store.save_session(&session_of("niamh")).unwrap();
    assert_eq!(store.unsent_work().unwrap().total(), 0);
    assert!(ChatStore::new(&store).replies(None).unwrap().is_empty());
    assert_eq!(ChatStore::new(&store).count(45).unwrap(), 0, "Anna's guests' messages");
}

#[test]
fn a_guest_waits_from_the_first_guest_message_after_the_last_staff_message() {
    let (_dir, store) = store();
    let message = |id: i64, sender: &str, deleted: bool| {
        whole(json!({"id": id, "sender_type": sender, "message": format!("m{id}"), "is_deleted": deleted,
               "timestamp": format!("2026-11-26T10:00:{id:02}Z")}))
    };
    // Answered, then a deleted guest message and the server's own note, then the guest twice.
    ChatStore::new(&store).store_messages(
            1,
            &[
                message(1, "guest", false),
                message(2, "staff", false),
                message(3, "guest", true),
                message(4, "system", false),
                message(5, "guest", false),
                message(6, "guest", false),
            ],
        )
        .unwrap();
    // Only the guest's messages here, older pages not read: "at least".
    ChatStore::new(&store).store_messages(
            7,
            &[message(10, "guest", false), message(11, "guest", false)],
        )
        .unwrap();
    // Answered last: nobody waits.
    ChatStore::new(&store).store_messages(
            8,
            &[message(20, "guest", false), message(21, "staff", false)],
        )
        .unwrap();
    let waits = ChatStore::new(&store).guest_waits().unwrap();
    let wait = |id: i64| waits.get(&id).map(|w| (w.first, w.exact));
    assert_eq!(wait(1), Some((5, true)));
    assert_eq!(waits[&1].since, "2026-11-26T10:00:05Z");
    assert_eq!(wait(7), Some((10, false)));
    assert_eq!(wait(8), None);
    assert_eq!(waits.len(), 2);
}
