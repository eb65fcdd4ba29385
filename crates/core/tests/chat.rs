//! Guest chat as the front desk lives it: a guest writes and the desk hears it once, reads it
//! only when the thread is in front of the user, answers offline and the answer arrives once
//! and in order, catches up on what guests wrote during an outage, never sends a reply twice
//! when the answer to its request was lost, and opens with the same list and threads after a
//! restart with no network. Each of these stories runs on both generations of HotelMate
//! (API.md §8 and §10): on the 2026 server the same desk finds the chat at its new paths, hears
//! guests through the server's envelope, survives its 500 after a reply was saved (never sending
//! it twice), reads colleagues' replies it is not told of, and says why it offers no edit or
//! delete there. Real sandbox over HTTP and WebSocket (guests write through its REST API without
//! a token, as the guest page does), real SQLite files; network cuts go through a TCP proxy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::features::chat::{ConversationFilter, MessageStatus, ThreadView};
use hotelmate_core::{ConnectionStatus, Desk, DeskEvent};
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::{Generation, Sandbox, SandboxHandle};
use serde_json::{json, Value};
use tokio::sync::broadcast;

const WAIT: Duration = Duration::from_secs(20);
/// Room 102's conversation in the seed (its guest's last message was read).
const ROOM_102: i64 = 2;

/// Each story below runs on both generations of the sandbox, as a test of its own.
macro_rules! on_both_generations {
    ($($story:ident),* $(,)?) => {$(
        mod $story {
            #[tokio::test(flavor = "multi_thread")]
            async fn classic() {
                super::$story(hotelmate_sandbox::Generation::Classic).await;
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn hotelmate_2026() {
                super::$story(hotelmate_sandbox::Generation::Hotelmate2026).await;
            }
        }
    )*};
}

on_both_generations!(
    a_guest_message_is_announced_once_and_read_only_while_its_thread_is_in_front,
    a_fresh_desk_counts_old_unread_messages_without_announcing_them,
    replies_written_offline_arrive_once_and_in_order_and_a_colleague_sees_them,
    what_guests_wrote_during_an_outage_is_caught_up_without_gaps_or_duplicates,
    a_reply_whose_answer_was_lost_is_not_sent_twice_after_a_restart,
    read_state_and_who_handles_a_conversation_survive_a_restart_with_no_network,
    my_messages_are_changed_where_the_server_allows_it_and_a_file_is_sent_with_a_caption,
);

/// A conversation's path on the server of `generation` (API.md §8.2; §10.2 "Chat paths").
fn thread_path(generation: Generation, conversation_id: i64) -> String {
    match generation {
        Generation::Classic => format!("/api/chat/killarney/conversations/{conversation_id}/"),
        Generation::Hotelmate2026 => {
            format!("/api/staff/hotel/killarney/chat/conversations/{conversation_id}/")
        }
    }
}

/// The thread as the server has it (newest 100), oldest first.
async fn server_thread(server: &SandboxHandle, token: &str, conversation_id: i64) -> Vec<Value> {
    rest(
        server,
        token,
        reqwest::Method::GET,
        &format!(
            "{}messages/?limit=100",
            thread_path(server.generation(), conversation_id)
        ),
        None,
    )
    .await
    .as_array()
    .unwrap()
    .clone()
}

fn texts(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .map(|m| m["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn shown(thread: &ThreadView) -> Vec<(String, MessageStatus)> {
    thread
        .messages
        .iter()
        .map(|m| {
            let text: String = m.parts.iter().map(|p| p.text.as_str()).collect();
            (text, m.status)
        })
        .collect()
}

/// Whether the thread, as the desk shows it, has the message `id`.
async fn shows(desk: &Desk, conversation_id: i64, id: i64) -> bool {
    desk.chat()
        .thread(conversation_id, 50)
        .await
        .unwrap()
        .messages
        .iter()
        .any(|m| m.id == id)
}

fn unread(desk: &Desk, conversation_id: i64) -> u32 {
    desk.chat()
        .conversations(ConversationFilter::All, "")
        .unwrap()
        .conversations
        .iter()
        .find(|c| c.conversation_id == conversation_id)
        .map_or(0, |c| c.unread)
}

async fn online(desk: &Desk) {
    eventually("the desk is connected", WAIT, || async {
        desk.connection_status() == hotelmate_core::ConnectionStatus::Online
    })
    .await;
}

async fn sandbox_of(generation: Generation) -> SandboxHandle {
    Sandbox::start_generation("127.0.0.1:0".parse().unwrap(), generation)
        .await
        .unwrap()
}

/// Signed in as the receptionist through a proxy, with the conversation list read.
async fn front_desk(name: &str, generation: Generation) -> (SandboxHandle, CutProxy, Home, Desk) {
    let server = sandbox_of(generation).await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new(name);
    let desk = home.open();
    sign_in(&desk, &server, proxy.addr(), "anna.byrne").await;
    online(&desk).await;
    eventually("the conversations are listed", WAIT, || async {
        desk.chat()
            .conversations(ConversationFilter::All, "")
            .unwrap()
            .conversations
            .len()
            >= 5
    })
    .await;
    (server, proxy, home, desk)
}

/// The guest messages the desk announced (toast and sound) within `quiet` of the last event.
async fn announced(events: &mut broadcast::Receiver<DeskEvent>, quiet: Duration) -> Vec<i64> {
    told(events, || tokio::time::Instant::now() + quiet).await
}

/// The guest messages the desk announced within `span` from now (for a desk that never falls
/// quiet).
async fn announced_for(events: &mut broadcast::Receiver<DeskEvent>, span: Duration) -> Vec<i64> {
    let end = tokio::time::Instant::now() + span;
    told(events, || end).await
}

/// The guest messages announced until an event waited for past its `deadline`.
async fn told(
    events: &mut broadcast::Receiver<DeskEvent>,
    mut deadline: impl FnMut() -> tokio::time::Instant,
) -> Vec<i64> {
    let mut ids = Vec::new();
    while let Ok(Ok(event)) = tokio::time::timeout_at(deadline(), events.recv()).await {
        if let DeskEvent::GuestMessage { message_id, .. } = event {
            ids.push(message_id);
        }
    }
    ids
}

async fn a_guest_message_is_announced_once_and_read_only_while_its_thread_is_in_front(
    generation: Generation,
) {
    let (server, _proxy, _home, desk) = front_desk("chat-guest", generation).await;
    desk.chat().thread(ROOM_102, 50).await.unwrap();
    assert_eq!(unread(&desk, ROOM_102), 0, "the seed's room 102 is read");
    let mut events = desk.subscribe();

    let id = guest_writes(&server, ROOM_102, "Is the pool open late tonight?").await;
    eventually("the guest's message reaches the desk", WAIT, || async {
        shows(&desk, ROOM_102, id).await
    })
    .await;
    // It came on the conversation's channel and, Anna being a receptionist, on hers too.
    assert_eq!(
        announced(&mut events, Duration::from_millis(1500)).await,
        [id],
        "one announcement for one message"
    );
    assert_eq!(unread(&desk, ROOM_102), 1);
    let list = desk
        .chat()
        .conversations(ConversationFilter::Unread, "")
        .unwrap();
    assert_eq!(
        list.conversations[0].conversation_id, ROOM_102,
        "newest first"
    );
    assert_eq!(
        list.conversations[0].last_message.as_deref(),
        Some("Is the pool open late tonight?")
    );

    // Opening the thread is not reading it: only a thread in front of the user is read.
    let tok = token(&server, "anna.byrne").await;
    let on_server = |id: i64| {
        let (server, tok) = (&server, tok.clone());
        async move {
            server_thread(server, &tok, ROOM_102)
                .await
                .into_iter()
                .find(|m| m["id"] == id)
                .unwrap()["read_by_staff"]
                .as_bool()
                .unwrap()
        }
    };
    assert!(!on_server(id).await, "not read by opening");

    desk.chat().viewing(Some(ROOM_102)).unwrap();
    assert_eq!(unread(&desk, ROOM_102), 0, "read here at once");
    eventually("the server has it read", WAIT, || on_server(id)).await;

    // While the thread is in front of the user, a new message is read there: no toast.
    let second = guest_writes(&server, ROOM_102, "Thanks!").await;
    eventually("the second message is read on the server", WAIT, || {
        on_server(second)
    })
    .await;
    assert!(
        announced(&mut events, Duration::from_millis(500))
            .await
            .is_empty(),
        "no toast for the thread the user is reading"
    );
    desk.chat().viewing(None).unwrap();
    let third = guest_writes(&server, ROOM_102, "One more thing").await;
    assert_eq!(
        announced(&mut events, Duration::from_millis(1500)).await,
        [third]
    );
    assert_eq!(unread(&desk, ROOM_102), 1);
    // The person says they have read it (the E key), with no thread in front of them.
    assert!(desk.chat().mark_read(ROOM_102).unwrap(), "marked read");
    assert_eq!(unread(&desk, ROOM_102), 0, "read here at once");
    eventually("the server has it read too", WAIT, || on_server(third)).await;
    desk.shutdown().await;
    server.shutdown().await;
}

async fn a_fresh_desk_counts_old_unread_messages_without_announcing_them(generation: Generation) {
    let server = sandbox_of(generation).await;
    let home = Home::new("chat-fresh");
    let desk = home.open();
    let mut events = desk.subscribe();
    sign_in(&desk, &server, server.addr(), "anna.byrne").await;
    eventually("the unread threads are fetched", WAIT, || async {
        desk.chat()
            .conversations(ConversationFilter::Unread, "")
            .map(|list| list.unread_total >= 4)
            .unwrap_or(false)
    })
    .await;
    assert!(
        announced(&mut events, Duration::from_millis(1500))
            .await
            .is_empty(),
        "messages from before the desk was signed in are no news"
    );
    assert_eq!(desk.chat().unread_total().unwrap(), 4, "but they count");
    desk.shutdown().await;
    server.shutdown().await;
}

async fn replies_written_offline_arrive_once_and_in_order_and_a_colleague_sees_them(
    generation: Generation,
) {
    let (server, proxy, _home, desk) = front_desk("chat-offline", generation).await;
    let colleague = Home::new("chat-colleague");
    let other = colleague.open();
    sign_in(&other, &server, server.addr(), "sean.murphy").await;
    online(&other).await;
    other.chat().thread(ROOM_102, 50).await.unwrap();
    // Seán has the thread in front of him: the classic server tells his desk of Anna's
    // replies, the 2026 one does not (§10.3), so his desk reads the thread every few seconds.
    other.chat().viewing(Some(ROOM_102)).unwrap();
    desk.chat().thread(ROOM_102, 50).await.unwrap();

    proxy.cut();
    let first = desk
        .chat()
        .send(ROOM_102, "Your table is booked for 8 pm.", None)
        .unwrap();
    let (text, status) = shown(&first).last().unwrap().clone();
    assert_eq!(text, "Your table is booked for 8 pm.", "shown at once");
    // Waiting, or on its way (the desk tries at once; the cut refuses the connection).
    assert!(
        matches!(status, MessageStatus::Waiting | MessageStatus::Checking),
        "{status:?}"
    );
    desk.chat()
        .send(ROOM_102, "Enjoy your evening!", None)
        .unwrap();
    desk.settled().await;
    let tok = token(&server, "anna.byrne").await;
    assert!(
        !texts(&server_thread(&server, &tok, ROOM_102).await)
            .contains(&"Your table is booked for 8 pm.".to_owned()),
        "nothing reached the server while cut"
    );
    let waiting = desk.chat().thread(ROOM_102, 50).await.unwrap();
    let unsent: Vec<MessageStatus> = waiting
        .messages
        .iter()
        .filter(|m| m.id < 0)
        .map(|m| m.status)
        .collect();
    assert_eq!(unsent.len(), 2, "both wait, offline");
    assert!(
        !unsent.contains(&MessageStatus::Failed),
        "no network is not a refusal: {unsent:?}"
    );

    proxy.restore();
    let wanted = [
        "Your table is booked for 8 pm.".to_owned(),
        "Enjoy your evening!".to_owned(),
    ];
    eventually("both replies reach the server", WAIT, || async {
        texts(&server_thread(&server, &tok, ROOM_102).await).ends_with(&wanted)
    })
    .await;
    eventually("the colleague's desk has both, unasked", WAIT, || async {
        shown(&other.chat().thread(ROOM_102, 50).await.unwrap())
            .iter()
            .map(|(t, _)| t.clone())
            .collect::<Vec<_>>()
            .ends_with(&wanted)
    })
    .await;
    eventually("the replies are sent on the desk", WAIT, || async {
        let thread = desk.chat().thread(ROOM_102, 50).await.unwrap();
        thread.messages.iter().all(|m| m.id > 0) && thread.mine
    })
    .await;
    let on_server = texts(&server_thread(&server, &tok, ROOM_102).await);
    for text in &wanted {
        assert_eq!(
            on_server.iter().filter(|t| *t == text).count(),
            1,
            "'{text}' once on the server"
        );
    }
    let thread = desk.chat().thread(ROOM_102, 50).await.unwrap();
    for text in &wanted {
        assert_eq!(
            shown(&thread).iter().filter(|(t, _)| t == text).count(),
            1,
            "'{text}' once on the desk"
        );
    }
    other.shutdown().await;
    desk.shutdown().await;
    server.shutdown().await;
}

async fn what_guests_wrote_during_an_outage_is_caught_up_without_gaps_or_duplicates(
    generation: Generation,
) {
    let (server, proxy, _home, desk) = front_desk("chat-catch-up", generation).await;
    desk.chat().thread(ROOM_102, 50).await.unwrap();
    let mut events = desk.subscribe();
    proxy.cut();
    let mut written = Vec::new();
    for n in 1..=3 {
        written.push(guest_writes(&server, ROOM_102, &format!("Written offline {n}")).await);
    }
    // They were written with the desk's live link gone, so they can only arrive by catching up.
    eventually("the desk knows its live link is gone", WAIT, || async {
        !matches!(desk.connection_status(), ConnectionStatus::Online)
    })
    .await;
    proxy.restore();
    eventually("the three messages are on the desk", WAIT, || async {
        let ids: Vec<i64> = desk
            .chat()
            .thread(ROOM_102, 50)
            .await
            .unwrap()
            .messages
            .iter()
            .map(|m| m.id)
            .collect();
        written.iter().all(|id| ids.contains(id))
    })
    .await;
    let thread = desk.chat().thread(ROOM_102, 50).await.unwrap();
    let ids: Vec<i64> = thread.messages.iter().map(|m| m.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "in order, each once");
    let mut toasted = announced(&mut events, Duration::from_millis(1500)).await;
    toasted.sort_unstable();
    assert_eq!(toasted, written, "each announced once");
    assert_eq!(unread(&desk, ROOM_102), 3);
    desk.shutdown().await;
    server.shutdown().await;
}

async fn a_reply_whose_answer_was_lost_is_not_sent_twice_after_a_restart(generation: Generation) {
    let (server, proxy, home, desk) = front_desk("chat-lost-answer", generation).await;
    desk.chat().thread(ROOM_102, 50).await.unwrap();
    proxy.cut();
    desk.chat()
        .send(ROOM_102, "A taxi is waiting outside.", None)
        .unwrap();
    desk.shutdown().await;
    drop(desk);
    // What a desk killed after its request reached the server leaves behind: the reply is
    // marked as possibly sent in its database, and the server has it. (The kill itself is
    // not run here; killed_replay.rs kills desks for the offers' outbox.)
    let db = rusqlite::Connection::open(home.dir.path().join("desk.sqlite3")).unwrap();
    db.execute("UPDATE chat_outbox SET state = 'sending'", [])
        .unwrap();
    drop(db);
    let tok = token(&server, "anna.byrne").await;
    let status = reqwest::Client::new()
        .post(format!(
            "{}{}messages/send/",
            server.base_url(),
            thread_path(generation, ROOM_102)
        ))
        .header("Authorization", format!("Token {tok}"))
        .json(&json!({"message": "A taxi is waiting outside."}))
        .send()
        .await
        .unwrap()
        .status();
    // §10.3: the 2026 server saves a reply to a conversation another member of staff handled
    // last (Niamh answered room 102) and then answers 500.
    let expected = match generation {
        Generation::Classic => 200,
        Generation::Hotelmate2026 => 500,
    };
    assert_eq!(status.as_u16(), expected, "the server has the reply");

    proxy.restore();
    let desk = home.open();
    desk.resume().await.unwrap().unwrap();
    eventually("the reply is taken as sent", WAIT, || async {
        let thread = desk.chat().thread(ROOM_102, 50).await.unwrap();
        thread.messages.iter().all(|m| m.id > 0)
            && shown(&thread)
                .iter()
                .any(|(t, _)| t == "A taxi is waiting outside.")
    })
    .await;
    desk.settled().await;
    let on_server = texts(&server_thread(&server, &tok, ROOM_102).await);
    assert_eq!(
        on_server
            .iter()
            .filter(|t| *t == "A taxi is waiting outside.")
            .count(),
        1,
        "the guest got it once"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

async fn read_state_and_who_handles_a_conversation_survive_a_restart_with_no_network(
    generation: Generation,
) {
    let (server, proxy, home, desk) = front_desk("chat-restart", generation).await;
    // Room 204: only its guest has written, and nobody has read it.
    let room_204 = 3;
    assert!(
        unread(&desk, room_204) >= 1,
        "the seed's room 204 is unread"
    );
    let before = desk.chat().thread(room_204, 50).await.unwrap();
    assert_eq!(before.handled_by, None, "nobody handles it yet");
    // Room 101's last answer is Anna's: she handles it, as far as the desk can tell.
    assert!(desk.chat().thread(1, 50).await.unwrap().mine);
    let claimed = desk.chat().claim(room_204).await.unwrap();
    assert!(claimed.mine, "claimed");
    assert_eq!(claimed.handled_by.as_deref(), Some("Anna Byrne"));
    assert_eq!(unread(&desk, room_204), 0, "taking it over reads it");
    let messages = claimed.messages.len();
    desk.shutdown().await;
    drop(desk);

    proxy.cut();
    let desk = home.open();
    desk.resume().await.unwrap().unwrap();
    let list = desk
        .chat()
        .conversations(ConversationFilter::Mine, "")
        .unwrap();
    let mine: Vec<i64> = list
        .conversations
        .iter()
        .map(|c| c.conversation_id)
        .collect();
    assert!(
        mine.contains(&room_204),
        "mine, offline, after a restart: {mine:?}"
    );
    assert!(
        !mine.contains(&ROOM_102),
        "Niamh answered room 102 last: {mine:?}"
    );
    assert_eq!(unread(&desk, room_204), 0);
    let thread = desk.chat().thread(room_204, 50).await.unwrap();
    assert_eq!(thread.messages.len(), messages, "the thread reads offline");
    assert!(thread.mine);
    // Answering works offline too, and the answer goes once the network is back.
    desk.chat()
        .send(room_204, "A taxi is booked for 9.", None)
        .unwrap();
    proxy.restore();
    let tok = token(&server, "anna.byrne").await;
    eventually("the answer reaches the server", WAIT, || async {
        texts(&server_thread(&server, &tok, room_204).await)
            .contains(&"A taxi is booked for 9.".into())
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

async fn my_messages_are_changed_where_the_server_allows_it_and_a_file_is_sent_with_a_caption(
    generation: Generation,
) {
    let (server, _proxy, _home, desk) = front_desk("chat-edit", generation).await;
    desk.chat().thread(ROOM_102, 50).await.unwrap();
    desk.chat()
        .send(ROOM_102, "Check-out is at 11.", None)
        .unwrap();
    let tok = token(&server, "anna.byrne").await;
    let find = |text: &'static str| {
        let (server, tok) = (&server, tok.clone());
        async move {
            server_thread(server, &tok, ROOM_102)
                .await
                .into_iter()
                .find(|m| m["message"] == text)
        }
    };
    eventually("the reply is sent", WAIT, || async {
        find("Check-out is at 11.").await.is_some()
    })
    .await;
    let id = find("Check-out is at 11.").await.unwrap()["id"]
        .as_i64()
        .unwrap();
    eventually("the desk has its id", WAIT, || async {
        shows(&desk, ROOM_102, id).await
    })
    .await;

    match generation {
        Generation::Classic => {
            let edited = desk.chat().edit(id, "Check-out is at 12.").unwrap();
            let shown_edit = edited.messages.iter().find(|m| m.id == id).unwrap();
            assert!(shown_edit.is_edited, "shown edited at once");
            assert_eq!(edited.changes_refused, None);
            eventually("the edit reaches the server", WAIT, || async {
                find("Check-out is at 12.").await.is_some()
            })
            .await;

            desk.chat().delete(id).unwrap();
            eventually("the delete reaches the server", WAIT, || async {
                server_thread(&server, &tok, ROOM_102)
                    .await
                    .iter()
                    .any(|m| m["id"] == id && m["is_deleted"] == true)
            })
            .await;
            let refused = desk.chat().edit(id, "again");
            assert!(refused.is_err(), "a deleted message cannot be edited");
        }
        Generation::Hotelmate2026 => {
            // §10.3: that server answers 500 to every edit and delete, so the desk offers
            // neither and says why, before anything is queued.
            let thread = desk.chat().thread(ROOM_102, 50).await.unwrap();
            let why = thread.changes_refused.expect("the thread says why");
            assert!(why.contains("neither editing nor deleting"), "{why}");
            for refused in [
                desk.chat().edit(id, "Check-out is at 12.").unwrap_err(),
                desk.chat().delete(id).unwrap_err(),
            ] {
                assert_eq!(refused.code(), hotelmate_core::desk::ErrorCode::Forbidden);
                assert_eq!(refused.to_string(), why);
            }
            assert_eq!(desk.unsent_work().unwrap().total(), 0, "nothing queued");
            desk.settled().await;
            let asked: Vec<String> = server
                .request_counts()
                .into_keys()
                .filter(|line| line.contains("/update/") || line.contains("/delete/"))
                .collect();
            assert!(asked.is_empty(), "never asked: {asked:?}");
            assert!(find("Check-out is at 11.").await.is_some(), "unchanged");
        }
    }

    let refused = desk
        .chat()
        .attach(ROOM_102, "virus.exe", b"MZ".to_vec(), "")
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("virus.exe"), "{refused}");
    desk.chat()
        .attach(
            ROOM_102,
            "breakfast-menu.txt",
            b"Full Irish, 7-10".to_vec(),
            "Our breakfast menu",
        )
        .await
        .unwrap();
    eventually("the file reaches the server", WAIT, || async {
        server_thread(&server, &tok, ROOM_102)
            .await
            .iter()
            .any(|m| {
                m["message"] == "Our breakfast menu"
                    && m["attachments"][0]["file_name"] == "breakfast-menu.txt"
            })
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_out_takes_the_files_of_unsent_replies_with_them() {
    let (server, proxy, home, desk) = front_desk("chat-sign-out", Generation::Classic).await;
    proxy.cut();
    desk.chat()
        .attach(ROOM_102, "menu.txt", b"Full Irish".to_vec(), "")
        .await
        .unwrap();
    let files = home.dir.path().join("media/chat-files");
    assert_eq!(
        std::fs::read_dir(&files).unwrap().count(),
        1,
        "the file waits on this computer"
    );
    // Issue 23.3: signing out would delete the file: the desk asks first and keeps it.
    let err = desk.sign_out().await.unwrap_err();
    assert_eq!(err.code(), hotelmate_core::desk::ErrorCode::UnsentWork);
    assert!(
        err.to_string()
            .ends_with(": 1 file for a guest not sent yet"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&files).unwrap().count(), 1, "kept");
    assert!(desk.session().is_some());
    desk.sign_out_discarding(true).await.unwrap();
    assert!(!files.exists(), "nothing of the account is left behind");
    server.shutdown().await;
}

/// What the desk told during a guest's flood.
#[derive(Default)]
struct Told {
    /// `ChatChanged` events (each makes the screen read the list again).
    chat_changed: usize,
    /// Guest messages announced, itemised or counted with one (`earlier`).
    messages_announced: u64,
    /// Events a plain listener missed because the desk emitted faster than it could read.
    lagged: u64,
    /// The message each announcement named (the last of those it counts).
    announced_ids: Vec<i64>,
}

/// Issue 28.2: a guest (no token, 8 connections at once) writes 1,500 messages as fast as the
/// sandbox takes them. The desk stores every one; each is announced exactly once (itemised, or
/// counted in the announcement it arrived with, so the toast says how many); the screen is told
/// a few times a second, not once a message; a listener of the desk's events misses none; and
/// afterwards the receptionist's reply goes out as usual. Before, each message was told to the
/// screen on its own and made it count every cached message with JSON parsing.
#[tokio::test(flavor = "multi_thread")]
async fn a_guests_flood_is_stored_whole_announced_once_each_and_told_to_the_screen_a_few_times_a_second(
) {
    const FLOOD: usize = 1500;
    const CONNECTIONS: usize = 8;
    let (server, _proxy, _home, desk) = front_desk("chat-flood", Generation::Classic).await;
    desk.chat().thread(ROOM_102, 50).await.unwrap();
    let before = unread(&desk, ROOM_102);
    let told = std::sync::Arc::new(std::sync::Mutex::new(Told::default()));
    let mut events = desk.subscribe();
    let listener = {
        let told = told.clone();
        tokio::spawn(async move {
            loop {
                let event = events.recv().await;
                let mut told = told.lock().unwrap();
                match event {
                    Ok(DeskEvent::ChatChanged { .. }) => told.chat_changed += 1,
                    Ok(DeskEvent::GuestMessage {
                        earlier,
                        message_id,
                        ..
                    }) => {
                        told.messages_announced += 1 + u64::from(earlier);
                        told.announced_ids.push(message_id);
                    }
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(missed)) => told.lagged += missed,
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        })
    };

    let started = std::time::Instant::now();
    guest_floods(&server, ROOM_102, FLOOD, CONNECTIONS, "Flood message").await;
    let sent_in = started.elapsed();
    eventually(
        "every message of the flood is on the desk",
        Duration::from_secs(90),
        || async { unread(&desk, ROOM_102) as usize == before as usize + FLOOD },
    )
    .await;
    // Then the guest writes once more: once that is announced, whatever the flood still had
    // to tell (a message told twice included) has been told before it.
    let marker = guest_writes(&server, ROOM_102, "One last thing").await;
    eventually("the guest's last message is announced", WAIT, || {
        let announced = told.lock().unwrap().announced_ids.contains(&marker);
        async move { announced }
    })
    .await;
    let took = started.elapsed();
    listener.abort();
    let told = std::mem::take(&mut *told.lock().unwrap());
    println!(
        "{FLOOD} messages sent in {} ms; stored and told within {} ms: {} list updates, {} messages announced",
        sent_in.as_millis(),
        took.as_millis(),
        told.chat_changed,
        told.messages_announced
    );
    assert_eq!(
        told.lagged, 0,
        "a listener of the desk's events missed some"
    );
    assert_eq!(
        told.messages_announced,
        FLOOD as u64 + 1,
        "every message (the flood's and the last) announced once: none lost, none twice"
    );
    // At most one telling per 200 ms, plus the first.
    let allowed = (took.as_millis() / 200) as usize + 2;
    assert!(
        told.chat_changed <= allowed,
        "the screen was told {} times in {} ms (at most {allowed})",
        told.chat_changed,
        took.as_millis()
    );
    assert!(told.chat_changed >= 1, "the screen heard of the flood");

    // The desk still does its work: a reply goes out and reaches the server.
    desk.chat()
        .send(ROOM_102, "Sorry for the wait, how can we help?", None)
        .unwrap();
    let tok = token(&server, "anna.byrne").await;
    eventually("the reply reaches the server", WAIT, || async {
        server_thread(&server, &tok, ROOM_102)
            .await
            .iter()
            .any(|m| m["message"] == "Sorry for the wait, how can we help?")
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 28.2: a guest's one-megabyte message is kept as its start (the list shows a line of
/// it), the thread says how long it is, and "Show the whole message" reads the whole from the
/// server; nothing of the desk's own work is in the way.
#[tokio::test(flavor = "multi_thread")]
async fn a_megabyte_message_is_kept_as_its_start_and_read_whole_on_request() {
    // Pusher refuses events over 10 KB and the backend only logs it (API.md §9.1; the sandbox
    // does the same), so a long message is never announced live: the desk finds it from the
    // small events sent with it (`chat_lost_events.rs`), or when it reads the conversation
    // list, here every 2 seconds.
    let server = sandbox().await;
    let home = Home::new("chat-long");
    let desk = home.open_with_poll(Duration::from_secs(2));
    sign_in(&desk, &server, server.addr(), "anna.byrne").await;
    online(&desk).await;
    desk.chat().thread(ROOM_102, 50).await.unwrap();
    let long = format!(
        "Dear staff, {}Thanks!",
        "the towels are lovely. ".repeat(45_000)
    );
    let whole_chars = long.chars().count();
    let id = guest_writes(&server, ROOM_102, &long).await;
    eventually("the long message reaches the desk", WAIT, || async {
        shows(&desk, ROOM_102, id).await
    })
    .await;
    let thread = desk.chat().thread(ROOM_102, 50).await.unwrap();
    let shown = thread.messages.iter().find(|m| m.id == id).unwrap();
    let kept: String = shown.parts.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        kept.chars().count(),
        hotelmate_core::features::chat::store::MESSAGE_CHARS
    );
    assert!(long.starts_with(&kept));
    assert_eq!(shown.clipped_from, Some(whole_chars as u32));
    let list = desk
        .chat()
        .conversations(ConversationFilter::All, "")
        .unwrap();
    let row = list
        .conversations
        .iter()
        .find(|c| c.conversation_id == ROOM_102)
        .unwrap();
    let preview = row.last_message.as_deref().unwrap();
    assert!(
        preview.chars().count() <= hotelmate_core::features::chat::PREVIEW_CHARS + 1,
        "the list shows a line of it, not {} characters",
        preview.chars().count()
    );

    // What the desk keeps of it, in its database: the start, in the message and in the
    // conversation's row alike (not a megabyte parsed at every count).
    let db = rusqlite::Connection::open(home.dir.path().join("desk.sqlite3")).unwrap();
    let kept_bytes: Vec<i64> = db
        .prepare(
            "SELECT length(body) FROM chat_messages WHERE id = ?1
             UNION ALL SELECT length(server) FROM records
                 WHERE resource = 'conversations' AND id = ?2",
        )
        .unwrap()
        .query_map([id, ROOM_102], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kept_bytes.len(), 2);
    assert!(
        kept_bytes.iter().all(|bytes| *bytes < 12_000),
        "bytes kept: {kept_bytes:?}"
    );

    let whole = desk.chat().whole_message(ROOM_102, id).await.unwrap();
    let whole: String = whole.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(whole, long);
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 28.2: a guest writes 2,300 messages while the desk is offline, more than one catch-up
/// reads (20 pages of 100). The desk catches up the newest in batches, and the thread never
/// shows with a silent gap: what it had before is read again from the server when scrolled
/// back, so every message is there, in order, once.
#[tokio::test(flavor = "multi_thread")]
async fn a_flood_during_an_outage_is_caught_up_in_batches_and_the_thread_has_no_silent_gap() {
    const FLOOD: usize = 2300;
    const CONNECTIONS: usize = 8;
    let (server, proxy, _home, desk) = front_desk("chat-outage-flood", Generation::Classic).await;
    let before: Vec<i64> = desk
        .chat()
        .thread(ROOM_102, 50)
        .await
        .unwrap()
        .messages
        .iter()
        .map(|m| m.id)
        .collect();
    proxy.cut();
    let written = guest_floods(&server, ROOM_102, FLOOD, CONNECTIONS, "Offline flood").await;
    let newest = *written.last().unwrap();
    proxy.restore();
    eventually("the newest message is on the desk", WAIT, || async {
        shows(&desk, ROOM_102, newest).await
    })
    .await;
    // Scrolled back to the start: each read fills what the desk does not have from the server.
    let mut ids = Vec::new();
    for _ in 0..40 {
        let thread = desk.chat().thread(ROOM_102, 5000).await.unwrap();
        ids = thread.messages.iter().map(|m| m.id).collect();
        if !thread.has_older {
            break;
        }
    }
    let mut expected: Vec<i64> = before.iter().chain(&written).copied().collect();
    expected.sort_unstable();
    let missing: Vec<&i64> = expected.iter().filter(|id| !ids.contains(id)).collect();
    assert!(
        missing.is_empty(),
        "missing {missing:?} (before {before:?}, newest {newest}, oldest shown {:?})",
        ids.first()
    );
    assert_eq!(ids.len(), expected.len(), "every message once, no gap");
    assert_eq!(ids, expected, "in order, no gap, nothing twice");
    desk.shutdown().await;
    server.shutdown().await;
}

/// §10.3: the 2026 server sends no chat event at all for a room without a checked-in booking
/// (room 310 in the sandbox). What its guest writes still reaches the desk, by the conversation
/// list read on the desk's own schedule (2 s here instead of a minute), and is announced once.
#[tokio::test(flavor = "multi_thread")]
async fn on_a_2026_server_a_guest_in_a_room_without_a_booking_is_heard_by_reading_the_list() {
    let room_310 = 5;
    let server = sandbox_of(Generation::Hotelmate2026).await;
    let home = Home::new("chat-no-booking");
    let desk = home.open_with_poll(Duration::from_secs(2));
    sign_in(&desk, &server, server.addr(), "anna.byrne").await;
    online(&desk).await;
    eventually("the conversations are listed", WAIT, || async {
        desk.chat()
            .conversations(ConversationFilter::All, "")
            .unwrap()
            .conversations
            .iter()
            .any(|c| c.conversation_id == room_310)
    })
    .await;
    desk.chat().thread(room_310, 50).await.unwrap();
    let mut events = desk.subscribe();
    let id = guest_writes(&server, room_310, "Is there a kettle in the room?").await;
    eventually("the unannounced message reaches the desk", WAIT, || async {
        shows(&desk, room_310, id).await
    })
    .await;
    // The list is read every 2 s, so the desk never falls quiet: listen for a set time.
    assert_eq!(
        announced_for(&mut events, Duration::from_secs(5)).await,
        [id],
        "announced once, though the server told nobody"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// A hotel with `count` more guests' conversations, each with one unread message (the
/// newest has the highest room number, from room 1000): the sandbox's own busy hotel.
async fn busy_hotel(count: usize) -> SandboxHandle {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    server.add_guest_conversations(count).unwrap();
    server
}

/// The conversations whose messages the server was asked for, each with how many times.
fn threads_read(server: &SandboxHandle) -> std::collections::BTreeMap<i64, u64> {
    server
        .request_counts()
        .into_iter()
        .filter_map(|(line, n)| {
            let id = line
                .strip_prefix("GET /api/chat/killarney/conversations/")?
                .strip_suffix("/messages/")?
                .parse()
                .ok()?;
            Some((id, n))
        })
        .collect()
}

/// Issue 36.4: a hotel with thousands of conversations, each with an unread guest message the
/// desk has never read (here 2,000 beside the demo hotel's five), is not read all at once: in
/// the background the desk reads at most `BACKGROUND_READS_PER_MINUTE` threads a minute, the
/// newest unread first, while a thread the person opens is read at once, and every conversation
/// still counts in the unread badge.
#[tokio::test(flavor = "multi_thread")]
async fn thousands_of_unread_conversations_are_read_at_a_bounded_pace_and_an_opened_one_at_once() {
    const SEEDED: usize = 2_000;
    /// How long the pace is watched after the first background read: well within the minute
    /// it counts over, and long enough for a desk reading every thread to read hundreds.
    const WATCHED: Duration = Duration::from_secs(10);
    let pace = hotelmate_core::features::chat::BACKGROUND_READS_PER_MINUTE;
    let server = busy_hotel(SEEDED).await;
    let home = Home::new("chat-busy-hotel");
    let desk = home.open();
    sign_in(&desk, &server, server.addr(), "anna.byrne").await;
    eventually("every conversation is listed", WAIT, || async {
        desk.chat()
            .conversations(ConversationFilter::All, "")
            .unwrap()
            .conversations
            .len()
            > SEEDED
    })
    .await;
    let list = desk
        .chat()
        .conversations(ConversationFilter::All, "")
        .unwrap();
    assert!(
        list.unread_total as usize > SEEDED,
        "every unread conversation counts before it is read: {}",
        list.unread_total
    );
    eventually("the background reads begin", WAIT, || async {
        !threads_read(&server).is_empty()
    })
    .await;
    let started = std::time::Instant::now();
    while started.elapsed() < WATCHED {
        let read = threads_read(&server).values().sum::<u64>();
        assert!(
            read <= pace as u64,
            "{read} thread reads within {:?}: at most {pace} a minute",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eventually("a minute's worth of threads is read", WAIT, || async {
        threads_read(&server).values().sum::<u64>() == pace as u64
    })
    .await;
    // Unread first, newest first: the list's top, the seeded conversations with the highest ids.
    let newest: Vec<i64> = list
        .conversations
        .iter()
        .take(pace)
        .map(|c| c.conversation_id)
        .collect();
    let read: Vec<i64> = threads_read(&server).into_keys().collect();
    let mut expected = newest.clone();
    expected.sort_unstable();
    assert_eq!(read, expected, "the newest unread conversations first");

    // The person opens the oldest seeded conversation, which the pace has not reached: it is
    // read at once.
    let oldest = list
        .conversations
        .iter()
        .find(|c| c.room_number == "1000")
        .unwrap()
        .conversation_id;
    assert!(!read.contains(&oldest));
    let opened = desk.chat().thread(oldest, 50).await.unwrap();
    assert_eq!(
        shown(&opened)
            .into_iter()
            .map(|(text, _)| text)
            .collect::<Vec<_>>(),
        ["Could room 1000 have more towels?"],
        "its message shows at once"
    );
    assert_eq!(threads_read(&server).get(&oldest), Some(&1));
    assert_eq!(
        threads_read(&server).values().sum::<u64>(),
        pace as u64 + 1,
        "opening it read it alone, not the rest"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// The conversation list is read while this desk's "read" is on its way: the server answers
/// the list before it takes the read, so the answer still says "unread". Stored as told, it
/// would bring the badge back for good (the server's own "read" event came before it, and with
/// live updates the list is read again only when something announces it). Tried: the list's
/// answer held while the thread is read here and the server takes that, then let go.
#[tokio::test(flavor = "multi_thread")]
async fn a_list_answered_before_my_read_reached_the_server_does_not_bring_the_badge_back() {
    let (server, _proxy, _home, desk) =
        front_desk("chat-read-overtaken", Generation::Classic).await;
    desk.chat().thread(ROOM_102, 50).await.unwrap();
    let id = guest_writes(&server, ROOM_102, "Could we check out late?").await;
    eventually("the guest's message is unread here", WAIT, || async {
        shows(&desk, ROOM_102, id).await && unread(&desk, ROOM_102) == 1
    })
    .await;
    let as_of = || {
        desk.chat()
            .conversations(ConversationFilter::All, "")
            .unwrap()
            .as_of
    };
    let held = server.hold_answer_of("GET /api/chat/killarney/conversations/");
    server.publish_on(
        "killarney-new-conversation",
        "new-conversation",
        &json!({"conversation_id": 99, "room_number": 199}),
    );
    eventually("the list is read, its answer held", WAIT, || async {
        held.arrived()
    })
    .await;
    desk.chat().viewing(Some(ROOM_102)).unwrap();
    assert_eq!(unread(&desk, ROOM_102), 0, "read here at once");
    let tok = token(&server, "anna.byrne").await;
    eventually("the server has it read", WAIT, || async {
        server_thread(&server, &tok, ROOM_102)
            .await
            .iter()
            .any(|m| m["id"] == id && m["read_by_staff"] == true)
    })
    .await;

    let released = chrono::Utc::now();
    held.release();
    eventually("the held list is stored", WAIT, || async {
        as_of()
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok())
            .is_some_and(|at| at >= released)
    })
    .await;
    eventually("the thread stays read here", WAIT, || async {
        unread(&desk, ROOM_102) == 0
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 38.2: what is typed in a thread's reply box is kept as it is typed: it survives a
/// restart with no network, counts as work a sign-out would lose, and is done when its reply is
/// queued (a draft typed since is kept). Tried: drafts kept, the desk shut down and opened
/// again with the network cut; a reply queued from a draft; a draft of spaces; one too long.
#[tokio::test(flavor = "multi_thread")]
async fn a_draft_survives_a_restart_offline_and_is_done_when_its_reply_is_queued() {
    use hotelmate_core::features::chat::{Draft, DRAFT_MAX_CHARS};
    let (server, proxy, home, desk) = front_desk("chat-drafts", Generation::Classic).await;
    let chat = desk.chat();
    chat.set_draft(ROOM_102, "Your taxi is booked for nine.")
        .unwrap();
    chat.set_draft(3, "Breakfast is served").unwrap();
    chat.set_draft(4, "   ").unwrap();
    assert_eq!(
        desk.unsent_work().unwrap().drafts,
        2,
        "a draft of spaces is no draft"
    );
    desk.shutdown().await;

    proxy.cut();
    let desk = home.open();
    desk.resume().await.unwrap().expect("the session is kept");
    let draft = |id: i64, text: &str| Draft {
        conversation_id: id,
        text: text.to_owned(),
    };
    assert_eq!(
        desk.chat().drafts().unwrap(),
        [
            draft(ROOM_102, "Your taxi is booked for nine."),
            draft(3, "Breakfast is served"),
        ],
        "what was typed is there after the restart, offline"
    );

    // The reply goes (queued offline): its draft is done; the other thread's stays.
    desk.chat()
        .send(ROOM_102, "Your taxi is booked for nine.", None)
        .unwrap();
    assert_eq!(
        desk.chat().drafts().unwrap(),
        [draft(3, "Breakfast is served")]
    );
    // A draft typed after a reply was written is not taken for it.
    desk.chat()
        .set_draft(3, "Breakfast is served from seven")
        .unwrap();
    desk.chat().send(3, "Breakfast is served", None).unwrap();
    assert_eq!(
        desk.chat().drafts().unwrap(),
        [draft(3, "Breakfast is served from seven")]
    );
    // Too long to keep: refused in words, and the draft before it is not lost.
    let refused = desk
        .chat()
        .set_draft(3, &"x".repeat(DRAFT_MAX_CHARS + 1))
        .unwrap_err();
    assert!(refused.to_string().contains("characters"), "{refused}");
    assert_eq!(
        desk.chat().drafts().unwrap(),
        [draft(3, "Breakfast is served from seven")]
    );
    assert_eq!(desk.unsent_work().unwrap().drafts, 1);
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 38.3: a guest waits from their first message that no staff answer followed, until a
/// colleague's answer (heard live) ends the wait; the list can put the guest who has waited
/// longest first. Tried: Niamh answers room 102, its guest writes twice, Niamh answers again.
#[tokio::test(flavor = "multi_thread")]
async fn a_guest_waits_from_their_first_unanswered_message_until_a_colleague_answers() {
    use hotelmate_core::features::chat::ConversationSort;
    let (server, _proxy, _home, desk) = front_desk("chat-waiting", Generation::Classic).await;
    desk.chat().thread(ROOM_102, 50).await.unwrap();
    let niamh = token(&server, "niamh.kelly").await;
    let answer = |text: &'static str| {
        let (server, niamh) = (&server, niamh.clone());
        async move {
            rest(
                server,
                &niamh,
                reqwest::Method::POST,
                &format!(
                    "{}messages/send/",
                    thread_path(Generation::Classic, ROOM_102)
                ),
                Some(json!({ "message": text })),
            )
            .await["message"]["id"]
                .as_i64()
                .unwrap()
        }
    };
    let waited = || {
        desk.chat()
            .conversations(ConversationFilter::All, "")
            .unwrap()
            .conversations
            .into_iter()
            .find(|c| c.conversation_id == ROOM_102)
            .and_then(|c| {
                c.guest_waiting_since
                    .map(|since| (since, c.guest_waiting_exact))
            })
    };
    let answered = answer("Breakfast is from seven.").await;
    eventually("Niamh's answer is here: nobody waits", WAIT, || async {
        shows(&desk, ROOM_102, answered).await && waited().is_none()
    })
    .await;

    let first = guest_writes(&server, ROOM_102, "And the spa?").await;
    let second = guest_writes(&server, ROOM_102, "Is it open late?").await;
    eventually("both guest messages are here", WAIT, || async {
        shows(&desk, ROOM_102, first).await && shows(&desk, ROOM_102, second).await
    })
    .await;
    let first_at = server_thread(&server, &niamh, ROOM_102)
        .await
        .into_iter()
        .find(|m| m["id"] == first)
        .unwrap()["timestamp"]
        .as_str()
        .unwrap()
        .to_owned();
    let (since, exact) = waited().expect("the guest waits");
    let millis = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .unwrap()
            .timestamp_millis()
    };
    assert_eq!(
        millis(&since),
        millis(&first_at),
        "from the first unanswered message"
    );
    assert!(exact, "Niamh's answer before it is here: the wait is exact");
    let longest = desk
        .chat()
        .conversations_sorted(
            ConversationFilter::All,
            "",
            ConversationSort::WaitingLongest,
            None,
        )
        .unwrap();
    let waiting: Vec<bool> = longest
        .conversations
        .iter()
        .map(|c| c.guest_waiting_since.is_some())
        .collect();
    assert!(
        waiting.windows(2).all(|w| w[0] || !w[1]),
        "those who wait come first: {waiting:?}"
    );

    let again = answer("Until nine tonight.").await;
    eventually("Niamh's answer ends the wait here", WAIT, || async {
        shows(&desk, ROOM_102, again).await && waited().is_none()
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 38.3: a guest who has waited past this computer's reminder time is reminded of once
/// per wait, a restart included; never for a conversation a colleague handles; and again only
/// for a new wait, after an answer. The reminder's minute is 200 ms here (the desk's option for tests), the reminder
/// time 2 of them. Tried: the seed's room 101 (Anna's, its guest waiting) and room 102
/// (Niamh's, its guest's thanks unanswered); Anna answers 101 and its guest writes again.
#[tokio::test(flavor = "multi_thread")]
async fn a_waiting_guest_is_reminded_of_once_per_wait_and_never_in_a_colleagues_conversation() {
    const ROOM_101: i64 = 1;
    let server = sandbox_of(Generation::Classic).await;
    let home = Home::new("chat-remind");
    let desk = home.open_with(|options| options.reminder_minute = Duration::from_millis(200));
    assert_eq!(
        desk.guest_wait_reminder(),
        10,
        "ten minutes until someone chooses"
    );
    assert!(
        desk.set_guest_wait_reminder(100_000).is_err(),
        "a day is no reminder"
    );
    desk.set_guest_wait_reminder(2).unwrap();
    // Listening from before the sign-in: the background catch-up may read room 101 at once.
    let mut events = desk.subscribe();
    sign_in(&desk, &server, server.addr(), "anna.byrne").await;
    online(&desk).await;
    desk.chat().thread(ROOM_101, 50).await.unwrap();
    desk.chat().thread(ROOM_102, 50).await.unwrap();

    let reminded = |events: Vec<DeskEvent>| -> Vec<i64> {
        events
            .into_iter()
            .filter_map(|e| match e {
                DeskEvent::GuestWaiting {
                    conversation_id, ..
                } => Some(conversation_id),
                _ => None,
            })
            .collect()
    };
    // Ten looks at the waits: room 101 once, room 102 (Niamh's) never.
    let first = reminded(events_for(&mut events, Duration::from_millis(500)).await);
    assert_eq!(
        first.iter().filter(|id| **id == ROOM_101).count(),
        1,
        "room 101's guest, once: {first:?}"
    );
    assert!(
        !first.contains(&ROOM_102),
        "Niamh handles room 102: {first:?}"
    );

    // Anna answers: the wait ends; the guest writes again: a new wait, reminded of once more.
    let sent = desk.chat().send(ROOM_101, "They are on their way.", None);
    sent.unwrap();
    let tok = token(&server, "anna.byrne").await;
    eventually("Anna's answer reaches the server", WAIT, || async {
        server_thread(&server, &tok, ROOM_101)
            .await
            .iter()
            .any(|m| m["message"] == "They are on their way.")
    })
    .await;
    let again = guest_writes(&server, ROOM_101, "Thank you! And a second pillow?").await;
    eventually("the guest's new message is here", WAIT, || async {
        shows(&desk, ROOM_101, again).await
    })
    .await;
    let second = reminded(events_for(&mut events, Duration::from_millis(1200)).await);
    assert_eq!(
        second.iter().filter(|id| **id == ROOM_101).count(),
        1,
        "the new wait, once: {second:?}"
    );

    // A restart does not remind of a wait again.
    desk.shutdown().await;
    let desk = home.open_with(|options| options.reminder_minute = Duration::from_millis(200));
    let mut events = desk.subscribe();
    desk.resume().await.unwrap().expect("the session is kept");
    let after_restart = reminded(events_for(&mut events, Duration::from_millis(800)).await);
    assert!(
        !after_restart.contains(&ROOM_101),
        "room 101's wait was reminded of before the restart: {after_restart:?}"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// Every event the desk sent within `span` from now.
async fn events_for(events: &mut broadcast::Receiver<DeskEvent>, span: Duration) -> Vec<DeskEvent> {
    let end = tokio::time::Instant::now() + span;
    let mut seen = Vec::new();
    loop {
        match tokio::time::timeout_at(end, events.recv()).await {
            Ok(Ok(event)) => seen.push(event),
            Ok(Err(broadcast::error::RecvError::Lagged(missed))) => {
                panic!("{missed} events missed: the test's buffer is too small")
            }
            Ok(Err(broadcast::error::RecvError::Closed)) | Err(_) => return seen,
        }
    }
}

/// Issue 38.1: saved replies belong to the computer. Tried: the first replies a desk starts
/// with; one added with every field, filled for a guest with no room known (the field stays and
/// is named); delete and undo; a new order; a sign-out, a sign-in and a restart with the network
/// cut (all still there, in order); an export read on a second computer, imported again
/// (nothing doubled) and after a change on either side (added beside, never replaced); files
/// the desk cannot use (not JSON, another kind, too large, a reply with no text), each refused
/// whole with nothing changed.
#[tokio::test(flavor = "multi_thread")]
async fn saved_replies_are_kept_by_the_computer_filled_per_guest_and_handed_on_as_a_file() {
    use hotelmate_core::features::chat::{FieldValues, MAX_IMPORT_BYTES};
    let (server, proxy, home, desk) = front_desk("saved-replies", Generation::Classic).await;
    let names = |desk: &Desk| -> Vec<String> {
        let list = desk.chat().saved_replies().unwrap();
        list.replies.into_iter().map(|r| r.name).collect()
    };
    assert_eq!(
        names(&desk),
        ["Welcome", "Late check-out", "Taxi"],
        "a new desk starts with examples"
    );

    let list = desk
        .chat()
        .save_reply(
            None,
            "  Wi-Fi ",
            "Hello {guest}, the Wi-Fi is KillarneyGuest. Room {room}, {me} at {hotel}, {date}.",
        )
        .unwrap();
    let wifi = list.replies.iter().find(|r| r.name == "Wi-Fi").unwrap().id;
    let filled = desk
        .chat()
        .fill_saved_reply(
            wifi,
            &FieldValues {
                guest: Some("Mary O'Neill".into()),
                room: None,
                date: Some("26 November 2026".into()),
            },
        )
        .unwrap();
    assert_eq!(
        filled.text,
        "Hello Mary O'Neill, the Wi-Fi is KillarneyGuest. Room {room}, Anna at Hotel Killarney, 26 November 2026."
    );
    assert_eq!(filled.unfilled, ["the guest's room"]);
    let refused = desk.chat().save_reply(None, "", "text").unwrap_err();
    assert!(refused.to_string().contains("needs a name"), "{refused}");

    let taxi = list.replies.iter().find(|r| r.name == "Taxi").unwrap().id;
    let list = desk.chat().delete_saved_reply(taxi).unwrap();
    assert_eq!(list.deleted.as_ref().map(|r| r.name.as_str()), Some("Taxi"));
    desk.chat().restore_saved_reply(taxi).unwrap();
    assert_eq!(names(&desk), ["Welcome", "Late check-out", "Taxi", "Wi-Fi"]);
    desk.chat().order_saved_replies(&[wifi, taxi]).unwrap();
    assert_eq!(names(&desk), ["Wi-Fi", "Taxi", "Welcome", "Late check-out"]);

    desk.sign_out().await.unwrap();
    assert_eq!(
        names(&desk),
        ["Wi-Fi", "Taxi", "Welcome", "Late check-out"],
        "signed out"
    );
    sign_in(&desk, &server, proxy.addr(), "anna.byrne").await;
    desk.shutdown().await;
    proxy.cut();
    let desk = home.open();
    desk.resume().await.unwrap().expect("the session is kept");
    assert_eq!(
        names(&desk),
        ["Wi-Fi", "Taxi", "Welcome", "Late check-out"],
        "after a restart, offline"
    );
    let file = desk.chat().export_saved_replies().unwrap();

    // A second computer: its own examples, then the file.
    let other_home = Home::new("saved-replies-other");
    let other = other_home.open();
    let outcome = other.chat().import_saved_replies(&file).unwrap();
    assert_eq!(
        (outcome.added, outcome.already_here, outcome.beside_own),
        (1, 3, 0)
    );
    assert_eq!(
        names(&other),
        ["Welcome", "Late check-out", "Taxi", "Wi-Fi"]
    );
    let outcome = other.chat().import_saved_replies(&file).unwrap();
    assert_eq!(
        (outcome.added, outcome.already_here, outcome.beside_own),
        (0, 4, 0)
    );
    // Changed here since: the file's version is added beside this desk's, which stays.
    let list = other.chat().saved_replies().unwrap();
    let other_wifi = list.replies.iter().find(|r| r.name == "Wi-Fi").unwrap();
    other
        .chat()
        .save_reply(
            Some(other_wifi.id),
            "Wi-Fi",
            "The Wi-Fi password is at reception.",
        )
        .unwrap();
    let outcome = other.chat().import_saved_replies(&file).unwrap();
    assert_eq!(
        (outcome.added, outcome.already_here, outcome.beside_own),
        (0, 3, 1)
    );
    assert_eq!(
        names(&other),
        [
            "Welcome",
            "Late check-out",
            "Taxi",
            "Wi-Fi",
            "Wi-Fi (imported)"
        ]
    );

    let before = names(&other);
    let kind = r#""kind": "hotelmate-desk saved replies", "version": 1"#;
    for (bad, says) in [
        ("{ not json".to_owned(), "not a file of saved replies"),
        (
            r#"{"kind": "offers", "version": 1, "replies": []}"#.to_owned(),
            "it says it is 'offers'",
        ),
        (" ".repeat(MAX_IMPORT_BYTES + 1), "larger than"),
        (
            format!(
                r#"{{{kind}, "replies": [{{"key": "k", "name": "n", "text": "t", "colour": 1}}]}}"#
            ),
            "not a file of saved replies",
        ),
        (
            format!(
                r#"{{{kind}, "replies": [{{"key": "k1", "name": "Fine", "text": "fine"}},
                    {{"key": "k2", "name": "Empty", "text": "  "}}]}}"#
            ),
            "has no text",
        ),
    ] {
        let err = other
            .chat()
            .import_saved_replies(&bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains(says), "{}: {err}", &bad[..bad.len().min(60)]);
        assert_eq!(names(&other), before, "a refused file changes nothing");
    }
    other.shutdown().await;
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 38.1: IT's locked saved replies are the ones every member of staff uses here, and
/// cannot be changed or imported over. Tried: add, delete, import on a locked desk.
#[tokio::test(flavor = "multi_thread")]
async fn saved_replies_locked_by_it_are_used_and_cannot_be_changed_here() {
    use hotelmate_core::features::chat::FieldValues;
    use hotelmate_core::session::system::SystemSettings;
    let home = Home::new("saved-replies-locked");
    let system = SystemSettings::parse(
        "[saved_replies]\nlocked = true\n[[saved_replies.reply]]\nname = \"Parking\"\n\
         text = \"Parking is free for room {room}.\"\n",
        "/etc/hotelmate-desk/desk.toml",
    )
    .unwrap();
    let desk = home.open_with(|options| options.system = system);
    let list = desk.chat().saved_replies().unwrap();
    assert_eq!(list.replies.len(), 1);
    assert!(
        list.locked
            .as_deref()
            .unwrap()
            .contains("/etc/hotelmate-desk/desk.toml"),
        "{:?}",
        list.locked
    );
    let parking = list.replies[0].id;
    let filled = desk
        .chat()
        .fill_saved_reply(
            parking,
            &FieldValues {
                room: Some("214".into()),
                ..FieldValues::default()
            },
        )
        .unwrap();
    assert_eq!(filled.text, "Parking is free for room 214.");
    for refused in [
        desk.chat().save_reply(None, "Mine", "text").unwrap_err(),
        desk.chat().delete_saved_reply(parking).unwrap_err(),
        desk.chat().import_saved_replies("{}").unwrap_err(),
    ] {
        assert!(refused.to_string().contains("set by your IT"), "{refused}");
    }
    assert_eq!(desk.chat().saved_replies().unwrap().replies.len(), 1);
    desk.shutdown().await;
}

/// Issue 63.12: a file with two replies under one key was half imported, with the database's
/// own words. Now a file the desk cannot use in full is refused whole, in plain words naming
/// the replies, and the desk's replies (their keys, names, texts and order) are as they were.
/// Tried: one key given twice, a key of 5,000 characters.
#[tokio::test(flavor = "multi_thread")]
async fn a_file_of_saved_replies_the_desk_cannot_use_in_full_is_refused_whole() {
    let home = Home::new("saved-replies-refused-whole");
    let desk = home.open();
    desk.chat()
        .save_reply(None, "Wi-Fi", "The password is lakes2026.")
        .unwrap();
    let before = desk.chat().export_saved_replies().unwrap();
    let kind = r#""kind": "hotelmate-desk saved replies", "version": 1"#;
    let long_key = "k".repeat(5_000);
    for (file, says) in [
        (
            format!(
                r#"{{{kind}, "replies": [
                    {{"key": "parking", "name": "Parking", "text": "Free for guests."}},
                    {{"key": "spa", "name": "Spa", "text": "Open until 21:00."}},
                    {{"key": "parking", "name": "Parking (new)", "text": "Five euro a day."}}]}}"#
            ),
            "Nothing was imported: reply 3 (“Parking (new)”) has the same key as reply 1 (“Parking”).",
        ),
        (
            format!(
                r#"{{{kind}, "replies": [
                    {{"key": "spa", "name": "Spa", "text": "Open until 21:00."}},
                    {{"key": "{long_key}", "name": "Long", "text": "A key of a page."}}]}}"#
            ),
            "Nothing was imported: reply 2 (“Long”) has a key of 5000 characters (a key is at most 100).",
        ),
    ] {
        let err = desk.chat().import_saved_replies(&file).unwrap_err();
        assert_eq!(err.to_string(), says);
        assert_eq!(err.code(), hotelmate_core::desk::ErrorCode::InvalidInput);
        assert_eq!(
            desk.chat().export_saved_replies().unwrap(),
            before,
            "nothing of the file was kept"
        );
    }
    desk.shutdown().await;
}

/// Issue 63.18: the Overview said "15 conversations nobody handles" and their rows "Handler not
/// known yet" while a colleague handled every one (the server makes the sender of a staff
/// message the handler, API.md §8.4; its list names nobody). Niamh takes over and answers 15
/// guests before Anna's desk first opens: the desk reads those threads too (not only unread
/// ones), and until it has, none of them is counted as nobody's. Then Anna takes one over, and
/// Niamh answers it again while Anna's desk is cut off: the newer answer makes Niamh its
/// handler again, in the list and in the thread's header alike.
#[tokio::test(flavor = "multi_thread")]
async fn a_colleagues_answers_make_them_the_handler_in_the_list_its_views_and_the_thread() {
    const ANSWERED: usize = 15;
    let server = busy_hotel(ANSWERED).await;
    let ids: Vec<i64> = {
        let tok = token(&server, "anna.byrne").await;
        let list = rest(
            &server,
            &tok,
            reqwest::Method::GET,
            "/api/chat/killarney/conversations/",
            None,
        )
        .await;
        list.as_array()
            .unwrap()
            .iter()
            .filter(|c| c["room_number"].as_i64().is_some_and(|room| room >= 1000))
            .map(|c| c["conversation_id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids.len(), ANSWERED);
    let niamh = token(&server, "niamh.kelly").await;
    let answer = |id: i64, text: &'static str| {
        let (server, niamh) = (&server, niamh.clone());
        async move {
            let path = thread_path(Generation::Classic, id);
            rest(
                server,
                &niamh,
                reqwest::Method::POST,
                &format!("{path}assign-staff/"),
                None,
            )
            .await;
            rest(
                server,
                &niamh,
                reqwest::Method::POST,
                &format!("{path}messages/send/"),
                Some(json!({ "message": text })),
            )
            .await;
        }
    };
    for &id in &ids {
        answer(id, "Fresh towels are on their way.").await;
    }

    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("chat-colleague-handles");
    let desk = home.open();
    sign_in(&desk, &server, proxy.addr(), "anna.byrne").await;
    let rows = |filter| {
        desk.chat()
            .conversations(filter, "")
            .unwrap()
            .conversations
            .into_iter()
            .filter(|c| ids.contains(&c.conversation_id))
            .collect::<Vec<_>>()
    };
    eventually("every conversation is listed", WAIT, || async {
        rows(ConversationFilter::All).len() == ANSWERED
    })
    .await;
    eventually_explained(
        "the desk says Niamh handles all 15, and never that nobody does",
        WAIT,
        || async {
            let nobodys = rows(ConversationFilter::Unassigned);
            assert!(
                nobodys.is_empty(),
                "counted as nobody's while Niamh handles them: {:?}",
                nobodys.iter().map(|c| &c.room_number).collect::<Vec<_>>()
            );
            // One read for both (the desk reads threads meanwhile, so two reads may differ).
            let unassigned = desk
                .chat()
                .conversations(ConversationFilter::Unassigned, "")
                .unwrap();
            assert_eq!(
                unassigned.counts.unassigned as usize,
                unassigned.conversations.len(),
                "the Overview's count is the Unassigned view's"
            );
            rows(ConversationFilter::All).iter().all(|c| {
                c.handled_by.as_deref() == Some("Niamh Kelly") && c.handler_known && !c.mine
            })
        },
        || async { format!("{:?}", rows(ConversationFilter::All)) },
    )
    .await;
    assert!(rows(ConversationFilter::Mine).is_empty());
    eventually(
        "every thread is read: no conversation's handler is unknown",
        WAIT,
        || async {
            desk.chat()
                .conversations(ConversationFilter::All, "")
                .unwrap()
                .counts
                .handler_unknown
                == 0
        },
    )
    .await;

    // Anna takes one over; then Niamh answers it while Anna's desk hears nothing.
    let taken = ids[0];
    assert!(desk.chat().claim(taken).await.unwrap().mine);
    assert!(rows(ConversationFilter::Mine)
        .iter()
        .any(|c| c.conversation_id == taken));
    proxy.cut();
    answer(taken, "I'll bring them myself.").await;
    proxy.restore();
    eventually(
        "Niamh's newer answer makes her the handler again",
        WAIT,
        || async {
            let thread = desk.chat().thread(taken, 50).await.unwrap();
            let row = rows(ConversationFilter::All)
                .into_iter()
                .find(|c| c.conversation_id == taken)
                .unwrap();
            !thread.mine
                && thread.handled_by.as_deref() == Some("Niamh Kelly")
                && !row.mine
                && row.handled_by.as_deref() == Some("Niamh Kelly")
        },
    )
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 63.20: a file that can no longer be sent (here its copy on this computer is gone, as
/// when a file could not be prepared) was counted as on its way: "1 waiting to be sent" while
/// signed out, "will be sent when HotelMate Desk runs again" at quitting, "sent when you sign in
/// again" after a forced sign-out. It waits for the person's decision, counted as such
/// everywhere, and never as on its way.
#[tokio::test(flavor = "multi_thread")]
async fn a_file_that_cannot_be_sent_is_counted_as_needing_attention_never_as_on_its_way() {
    let (server, proxy, home, desk) = front_desk("chat-file-refused", Generation::Classic).await;
    proxy.cut();
    desk.chat()
        .attach(ROOM_102, "menu.txt", b"Full Irish".to_vec(), "")
        .await
        .unwrap();
    let work = desk.unsent_work().unwrap();
    assert_eq!((work.files, work.to_decide), (1, 0), "on its way: {work:?}");
    assert_eq!(desk.outbox_summary().unwrap().pending, 1);
    // The file is lost while the desk is closed (a disk cleaned, a copy restored without it):
    // removed while the sender ran, a try that had just read it could go out once the network
    // was back and be sent (one run in four).
    desk.shutdown().await;
    for file in std::fs::read_dir(home.dir.path().join("media/chat-files")).unwrap() {
        std::fs::remove_file(file.unwrap().path()).unwrap();
    }
    proxy.restore();
    let desk = home.open();
    desk.resume().await.unwrap().expect("the session is kept");
    eventually("the desk finds it cannot send the file", WAIT, || async {
        desk.outbox_summary().unwrap().rejected == 1
    })
    .await;
    assert_eq!(desk.outbox_summary().unwrap().pending, 0, "not on its way");
    let work = desk.unsent_work().unwrap();
    assert_eq!(
        (work.files, work.to_decide, work.on_its_way()),
        (0, 1, 0),
        "it waits for a decision: {work:?}"
    );
    assert_eq!(
        desk.work_kept_at_quit().unwrap().as_deref(),
        Some("1 change that could not be sent waits for your decision."),
    );
    let err = desk.sign_out().await.unwrap_err();
    assert!(
        err.to_string()
            .ends_with(": 1 change waiting for your decision"),
        "{err}"
    );
    desk.shutdown().await;
    server.shutdown().await;
}
