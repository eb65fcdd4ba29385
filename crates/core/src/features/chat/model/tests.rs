use std::collections::HashMap;

use serde_json::json;

use super::*;
use crate::features::chat::store::StaffSender;

/// The server's messages list as API.md §8 and the sandbox have it: the `limit` newest by
/// time among ids below `before`, oldest first. Messages 5 and 6 were written at the same
/// moment by two connections: 6 got the earlier time.
fn server_page(times: &[(i64, u32)], before: Option<i64>, limit: usize) -> Vec<i64> {
    let mut rows: Vec<(i64, u32)> = times
        .iter()
        .copied()
        .filter(|(id, _)| *id < before.unwrap_or(i64::MAX))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    rows.truncate(limit);
    rows.reverse();
    rows.into_iter().map(|(id, _)| id).collect()
}

#[test]
fn paging_back_reads_a_message_whose_id_and_time_disagree() {
    let mut times: Vec<(i64, u32)> = (1..=30).map(|id| (id, id as u32 * 10)).collect();
    times[4].1 = 61; // message 5 written at 61
    times[5].1 = 59; // message 6 at 59: its time is before message 5's
    let read_all = |next: &dyn Fn(&[i64]) -> Option<i64>| {
        let mut seen = std::collections::BTreeSet::new();
        let mut before = None;
        loop {
            let page = server_page(&times, before, 5);
            seen.extend(page.iter().copied());
            if page.len() < 5 {
                return seen;
            }
            before = next(&page);
        }
    };
    let from_first = read_all(&|page: &[i64]| page.first().copied());
    assert!(
        !from_first.contains(&6),
        "paging from the first element skips message 6 (the model is right)"
    );
    let overlapped = read_all(&|page: &[i64]| page_back_from(page));
    assert_eq!(overlapped.len(), 30, "{overlapped:?}");
}

#[test]
fn links_are_only_http_and_never_swallow_punctuation_or_markup() {
    let parts = linkify("See https://example.com/spa. Or <b>javascript:alert(1)</b>");
    assert_eq!(
        parts,
        [
            TextPart {
                text: "See ".into(),
                href: None
            },
            TextPart {
                text: "https://example.com/spa".into(),
                href: Some("https://example.com/spa".into())
            },
            TextPart {
                text: ". Or <b>javascript:alert(1)</b>".into(),
                href: None
            },
        ]
    );
    assert_eq!(linkify("no links").len(), 1);
    assert!(linkify("http://").iter().all(|p| p.href.is_none()));
}

#[test]
fn a_staff_message_is_signed_with_staff_info_never_staff_name() {
    let message = json!({
        "id": 812, "sender_type": "staff", "staff": 12,
        "staff_name": "Anna Byrne - Front Office - Receptionist",
        "staff_info": {"name": "Anna Byrne", "role": "Receptionist"},
        "message": "Towels are on the way.", "read_by_guest": true
    });
    let view = message_view(&message, 12).unwrap();
    assert_eq!(view.author, "Anna Byrne");
    assert!(view.mine);
    assert_eq!(view.status, MessageStatus::Read);
    let guest = json!({"id": 1, "sender_type": "guest", "staff": null,
        "staff_name": "<bound method>", "guest_name": "John Doe", "message": "hi"});
    let view = message_view(&guest, 12).unwrap();
    assert_eq!(view.author, "John Doe");
    assert!(!view.mine);
}

#[test]
fn the_list_is_newest_first_filtered_and_counts_unread_the_server_reports() {
    let rows: Vec<Row> = [
        json!({"conversation_id": 1, "room_number": 101, "guest_name": "John Doe",
               "last_message_time": "2025-11-25T17:00:00Z", "has_unread": true}),
        json!({"conversation_id": 2, "room_number": 204, "guest_name": "Pierre Dubois",
               "last_message_time": "2025-11-25T18:00:00Z", "has_unread": false}),
    ]
    .into_iter()
    .map(|v| v.as_object().cloned().unwrap())
    .collect();
    // Room 101's thread is here whole, with no staff message: nobody handles it.
    let threads = HashMap::from([
        (
            1,
            ThreadState {
                complete: true,
                ..ThreadState::default()
            },
        ),
        (
            2,
            ThreadState {
                complete: false,
                handled_by: Some("Anna Byrne".into()),
                handled_by_id: Some(12),
                handler_after: None,
            },
        ),
    ]);
    let unread = HashMap::from([(1, 3)]);
    let waiting = HashMap::new();
    let wait = |since: &str| crate::features::chat::waiting::GuestWait {
        since: since.into(),
        first: 7,
        exact: true,
    };
    // Room 101's guest has waited since 16:50; room 204's thread here is older than the list's
    // last message (a staff answer may be in what it has not read): no wait is shown for it.
    let guest_waits = HashMap::from([
        (1, wait("2025-11-25T16:50:00Z")),
        (2, wait("2025-11-25T17:30:00Z")),
    ]);
    let newest_at = HashMap::from([
        (1, Some("2025-11-25T17:00:00Z".to_owned())),
        (2, Some("2025-11-25T17:30:00Z".to_owned())),
    ]);
    let known = Known {
        threads: &threads,
        unread: &unread,
        waiting: &waiting,
        guest_waits: &guest_waits,
        newest_at: &newest_at,
        me: 12,
        my_name: "Anna Byrne",
    };
    let all = conversation_list(
        &rows,
        &known,
        (ConversationFilter::All, ConversationSort::Newest),
        ("", None),
        None,
    );
    let waited: Vec<_> = all
        .conversations
        .iter()
        .map(|c| (c.conversation_id, c.guest_waiting_since.as_deref()))
        .collect();
    assert_eq!(waited, [(2, None), (1, Some("2025-11-25T16:50:00Z"))]);
    let longest = conversation_list(
        &rows,
        &known,
        (ConversationFilter::All, ConversationSort::WaitingLongest),
        ("", None),
        None,
    );
    assert_eq!(
        longest
            .conversations
            .iter()
            .map(|c| c.conversation_id)
            .collect::<Vec<_>>(),
        [1, 2],
        "the guest who waits comes first, whatever is newer"
    );
    let waiting = conversation_list(
        &rows,
        &known,
        (ConversationFilter::Waiting, ConversationSort::Newest),
        ("pierre", None),
        None,
    );
    assert!(
        waiting.conversations.is_empty(),
        "room 204 waits for nobody here"
    );
    assert_eq!(
        waiting.counts,
        ViewCounts {
            all: 2,
            mine: 1,
            unassigned: 1,
            handler_unknown: 0,
            unread: 1,
            waiting: 1,
        },
        "every view counted, whatever is searched"
    );
    assert_eq!(
        all.conversations
            .iter()
            .map(|c| c.conversation_id)
            .collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(all.unread_total, 3);
    let mine = conversation_list(
        &rows,
        &known,
        (ConversationFilter::Mine, ConversationSort::Newest),
        ("", None),
        None,
    );
    assert_eq!(mine.conversations.len(), 1);
    assert_eq!(mine.conversations[0].conversation_id, 2);
    let unassigned = conversation_list(
        &rows,
        &known,
        (ConversationFilter::Unassigned, ConversationSort::Newest),
        ("", None),
        None,
    );
    assert_eq!(unassigned.conversations[0].conversation_id, 1);
    let search = conversation_list(
        &rows,
        &known,
        (ConversationFilter::All, ConversationSort::Newest),
        ("pierre 204", None),
        None,
    );
    assert_eq!(search.conversations.len(), 1);
}

#[test]
fn a_lists_last_message_is_a_message_by_its_time_to_the_millisecond_and_its_text() {
    let row = |time: &str, text: &str| -> Row {
        [
            ("last_message_time".to_owned(), json!(time)),
            ("last_message".to_owned(), json!(text)),
        ]
        .into_iter()
        .collect()
    };
    // The event gave milliseconds, the list microseconds: the same message.
    let heard = json!({"timestamp": "2026-11-26T04:41:36.597Z", "message": "Late checkout?"});
    assert!(last_message_is(
        &row("2026-11-26T04:41:36.597735Z", "Late checkout?"),
        &heard
    ));
    // A message a millisecond later, or with other words, is another message.
    assert!(!last_message_is(
        &row("2026-11-26T04:41:36.598001Z", "Late checkout?"),
        &heard
    ));
    assert!(!last_message_is(
        &row("2026-11-26T04:41:36.597735Z", "Thanks!"),
        &heard
    ));
    // A list that kept only the start of a long message still names it.
    let long = json!({"timestamp": "2026-11-26T04:41:36.597Z", "message": "Late checkout? We fly at nine."});
    assert!(last_message_is(
        &row("2026-11-26T04:41:36.597735Z", "Late checkout?"),
        &long
    ));
    // An unreadable time names nothing.
    assert!(!last_message_is(
        &row("yesterday", "Late checkout?"),
        &heard
    ));
}

#[test]
fn a_room_view_shows_that_rooms_conversations_only_and_the_picker_counts_every_room() {
    let rows: Vec<Row> = [
        (1, json!(102), "2025-11-25T17:00:00Z"),
        (2, json!(9), "2025-11-25T18:00:00Z"),
        (3, json!(102), "2025-11-25T19:00:00Z"),
        (4, json!("Suite A"), "2025-11-25T16:00:00Z"),
        (5, json!(10), "2025-11-25T15:00:00Z"),
    ]
    .into_iter()
    .map(|(id, room, at)| {
        json!({"conversation_id": id, "room_number": room, "last_message_time": at})
            .as_object()
            .cloned()
            .unwrap()
    })
    .collect();
    let (threads, waiting) = (HashMap::new(), HashMap::new());
    let unread = HashMap::from([(1, 2), (3, 1)]);
    // Room 102's newer conversation has a guest waiting (its thread is read up to the list).
    let newest_at = HashMap::from([(3, Some("2025-11-25T19:00:00Z".to_owned()))]);
    let guest_waits = HashMap::from([(
        3,
        crate::features::chat::waiting::GuestWait {
            since: "2025-11-25T19:00:00Z".into(),
            first: 9,
            exact: true,
        },
    )]);
    let known = Known {
        threads: &threads,
        unread: &unread,
        waiting: &waiting,
        guest_waits: &guest_waits,
        newest_at: &newest_at,
        me: 12,
        my_name: "Anna Byrne",
    };
    let list = |filter, room| {
        conversation_list(
            &rows,
            &known,
            (filter, ConversationSort::Newest),
            ("", room),
            None,
        )
    };
    let ids = |list: &ConversationList| -> Vec<i64> {
        list.conversations
            .iter()
            .map(|c| c.conversation_id)
            .collect()
    };
    let room_102 = list(ConversationFilter::All, Some("102"));
    assert_eq!(ids(&room_102), [3, 1], "room 102's two, newest first");
    assert_eq!(
        ids(&list(ConversationFilter::All, Some("10"))),
        [5],
        "a room is its number exactly: 10 is not 102"
    );
    assert_eq!(
        ids(&list(ConversationFilter::Unread, Some("9"))),
        Vec::<i64>::new()
    );
    assert_eq!(room_102.counts.all, 5, "the views still count every room");
    let picker: Vec<(&str, u32, u32, u32)> = room_102
        .rooms
        .iter()
        .map(|r| (r.room_number.as_str(), r.conversations, r.unread, r.waiting))
        .collect();
    assert_eq!(
        picker,
        [
            ("9", 1, 0, 0),
            ("10", 1, 0, 0),
            ("102", 2, 3, 1),
            ("Suite A", 1, 0, 0)
        ],
        "in the order a person counts rooms, each with what it holds"
    );
}

/// Issue 63.10: on fd6c529 a refused single-photo delete hid the photo until "keep theirs";
/// the chat's own fold did the same with a refused delete or edit of a message (the 2026
/// server answers 500 to both, §10.3). Tried: a refused delete, a refused edit, and the same two
/// still on their way.
#[test]
fn a_refused_edit_or_delete_shows_the_servers_message_with_the_refusal() {
    let messages = [
        json!({"id": 1, "conversation": 45, "sender_type": "staff", "staff": 12,
               "staff_info": {"name": "Anna Byrne"}, "message": "Towels at 6"}),
        json!({"id": 2, "conversation": 45, "sender_type": "staff", "staff": 12,
               "staff_info": {"name": "Anna Byrne"}, "message": "Breakfast at 7"}),
    ];
    let entry = |seq: i64, op: ChatOp, message: &str, state: ReplyState| QueuedReply {
        seq,
        op,
        conversation_id: 45,
        message: message.into(),
        reply_to: None,
        file: None,
        after_id: 0,
        state,
        problem: (state == ReplyState::Rejected).then(|| "The server refused it (500)".into()),
        attempts: 1,
        created_at: "2026-11-29T10:00:00Z".into(),
    };
    let state = ThreadState::default();
    let view = |entries: &[QueuedReply]| {
        thread_view(&ThreadParts {
            conversation_id: 45,
            conversation: None,
            messages: &messages,
            entries,
            state: &state,
            has_older: false,
            me: 12,
            my_name: "Anna Byrne",
        })
    };
    let words = |m: &ChatMessageView| {
        m.parts
            .iter()
            .map(|p| p.text.as_str())
            .collect::<String>()
    };
    let refused = view(&[
        entry(1, ChatOp::Delete { target: 1 }, "", ReplyState::Rejected),
        entry(2, ChatOp::Edit { target: 2 }, "Breakfast at 8", ReplyState::Rejected),
    ]);
    assert_eq!(refused.messages.len(), 2);
    for message in &refused.messages {
        assert!(!message.is_deleted && !message.is_edited, "{message:?}");
        assert_eq!(message.status, MessageStatus::Failed);
        assert_eq!(message.problem.as_deref(), Some("The server refused it (500)"));
    }
    assert_eq!(words(&refused.messages[0]), "Towels at 6");
    assert_eq!(words(&refused.messages[1]), "Breakfast at 7");

    let waiting = view(&[
        entry(1, ChatOp::Delete { target: 1 }, "", ReplyState::Pending),
        entry(2, ChatOp::Edit { target: 2 }, "Breakfast at 8", ReplyState::Pending),
    ]);
    assert!(waiting.messages[0].is_deleted);
    assert_eq!(words(&waiting.messages[1]), "Breakfast at 8");
    assert_eq!(waiting.messages[1].status, MessageStatus::Waiting);
}

/// Issue 63.15: the list is searched the way people type, an exact room before the rooms it
/// begins, and where a search finds conversations outside the view shown is said.
#[test]
fn the_list_is_searched_the_way_people_type_exact_rooms_first() {
    let rows: Vec<Row> = [
        (1, json!(1020), "Hans Müller", "2025-11-25T19:00:00Z"),
        (2, json!(102), "Mary O’Connor", "2025-11-25T18:00:00Z"),
        (3, json!(2102), "Seán Kelly", "2025-11-25T17:00:00Z"),
        (4, json!(310), "Zoë Dubois", "2025-11-25T16:00:00Z"),
    ]
    .into_iter()
    .map(|(id, room, guest, at)| {
        json!({"conversation_id": id, "room_number": room, "guest_name": guest,
               "last_message_time": at})
        .as_object()
        .cloned()
        .unwrap()
    })
    .collect();
    let threads = HashMap::from([(
        4,
        ThreadState {
            complete: true,
            handled_by: Some("Anna Byrne".into()),
            handled_by_id: Some(12),
            handler_after: None,
        },
    )]);
    let (unread, waiting, guest_waits, newest_at) =
        (HashMap::new(), HashMap::new(), HashMap::new(), HashMap::new());
    let known = Known {
        threads: &threads,
        unread: &unread,
        waiting: &waiting,
        guest_waits: &guest_waits,
        newest_at: &newest_at,
        me: 12,
        my_name: "Anna Byrne",
    };
    let search = |filter, query: &str, room: Option<&str>| {
        conversation_list(
            &rows,
            &known,
            (filter, ConversationSort::Newest),
            (query, room),
            None,
        )
    };
    let ids = |list: &ConversationList| -> Vec<i64> {
        list.conversations.iter().map(|c| c.conversation_id).collect()
    };
    let all = ConversationFilter::All;
    assert_eq!(ids(&search(all, "102", None)), [2, 1], "102 first, then 1020; never 2102");
    assert_eq!(ids(&search(all, "room 102", None)), [2, 1]);
    for (typed, id) in [
        ("muller", 1),
        ("MÜLLER", 1),
        ("Müll", 1),
        ("oconnor", 2),
        ("o'connor", 2),
        ("O’Connor mary", 2),
        ("sean", 3),
        ("zoe", 4),
    ] {
        assert_eq!(ids(&search(all, typed, None)), [id], "{typed:?}");
    }
    assert!(search(all, "", None).found.is_none(), "nothing searched");
    // Zoë's conversation is mine: searched from the Unread view, it is not there, and the
    // list says it is in All and Mine.
    let elsewhere = search(ConversationFilter::Unread, "zoe", None);
    assert!(elsewhere.conversations.is_empty());
    let found = elsewhere.found.unwrap();
    assert_eq!((found.views.all, found.views.mine, found.views.unread), (1, 1, 0));
    // In another room: the room chosen has none, every room has one.
    let other_room = search(all, "muller", Some("102"));
    assert!(other_room.conversations.is_empty());
    let other_room = other_room.found.unwrap();
    assert_eq!((other_room.every_room, other_room.views.all), (1, 0));
    // A pasted page is read as its first words (every one of them must match).
    let page = "room ".repeat(2_500);
    let pasted = search(all, &page, None);
    assert_eq!(pasted.conversations.len(), 4);
    assert_eq!(
        pasted.found.unwrap().searched,
        format!("{}…", "room ".repeat(12).trim_end()),
        "quoted as a line"
    );
}

/// Issue 63.18: the server makes the sender of a staff message the conversation's handler
/// (API.md §8.4), so the newest staff message the desk holds names the handler, unless a
/// handler was heard (an event, a takeover) after the desk had that message.
#[test]
fn the_newest_staff_sender_handles_a_conversation_unless_a_handler_was_heard_after_it() {
    let niamh = |message_id| StaffSender {
        message_id,
        name: Some("Niamh Kelly".into()),
        staff_id: Some(14),
    };
    let heard = |after| ThreadState {
        handled_by: Some("Anna Byrne".into()),
        handled_by_id: Some(12),
        handler_after: after,
        ..ThreadState::default()
    };
    // Anna took it over when the desk had message 10; Niamh wrote 11 since: Niamh's.
    let state = handler_of(heard(Some(10)), Some(niamh(11)));
    assert_eq!(state.handled_by.as_deref(), Some("Niamh Kelly"));
    assert!(!is_mine(&state, 12, "Anna Byrne"));
    // Niamh's 9 is older than Anna's takeover: Anna's.
    let state = handler_of(heard(Some(10)), Some(niamh(9)));
    assert!(is_mine(&state, 12, "Anna Byrne"));
    // Heard before the desk had any of the thread: what its first read brings is older.
    assert!(is_mine(&handler_of(heard(None), Some(niamh(40))), 12, "Anna Byrne"));
    // Nothing heard: the newest staff message's sender.
    let state = handler_of(ThreadState::default(), Some(niamh(3)));
    assert_eq!(state.handled_by.as_deref(), Some("Niamh Kelly"));
    assert!(handler_known(&state));
    // Nothing heard and no staff message in what is here: not known, unless it is all here.
    assert!(!handler_known(&handler_of(ThreadState::default(), None)));
}

/// Issue 63.18: a conversation whose thread the desk has not read is neither "mine" nor
/// "unassigned" (the Overview said "15 conversations nobody handles" while a colleague
/// handled them all): it is counted apart, as not known yet.
#[test]
fn a_conversation_not_read_here_is_counted_apart_never_as_nobodys() {
    let rows: Vec<Row> = [json!({"conversation_id": 7, "room_number": 310})]
        .into_iter()
        .map(|v| v.as_object().cloned().unwrap())
        .collect();
    let empty = HashMap::new();
    let known = Known {
        threads: &HashMap::new(),
        unread: &empty,
        waiting: &empty,
        guest_waits: &HashMap::new(),
        newest_at: &HashMap::new(),
        me: 12,
        my_name: "Anna Byrne",
    };
    let list = conversation_list(
        &rows,
        &known,
        (ConversationFilter::Unassigned, ConversationSort::Newest),
        ("", None),
        None,
    );
    assert!(list.conversations.is_empty());
    assert_eq!((list.counts.unassigned, list.counts.handler_unknown), (0, 1));
}
