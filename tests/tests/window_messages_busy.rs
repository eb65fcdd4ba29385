//! The Messages screen of a busy front desk, in the real window (issue 36, items 4 and 9):
//! opening the screen marks nothing read (the person chooses a conversation, and that is what
//! reads it); 2,000 conversations scroll in a list that draws only the rows in view, keeping the
//! chosen one chosen and the keyboard working; the "as of" note that comes with an outage moves
//! no row under the pointer; and a conversation never read on this desk, opened with the server
//! unreachable, says so in words, takes a reply that waits, keeps its unread badge, and is read
//! (and the reply sent) once the server answers. Screenshots under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use fantoccini::key::Key;
use fantoccini::Client;
use hotelmate_e2e::{
    as_user, click, content_of, conversation_row, listed_count, open_thread_id, screenshot,
    sign_in, sign_in_through, text_of, thread_shown, type_into, unread_badge, until, AppProfile,
    CutProxy, Driver,
};
use hotelmate_sandbox::{Sandbox, SandboxHandle};
use serde_json::{json, Value};

/// Room 102's conversation in the seed (everything in it read).
const ROOM_102: i64 = 2;
/// Room 204's conversation in the seed (two unread guest messages).
const ROOM_204: i64 = 3;
/// Conversations added to the demo hotel's five for the busy desk.
const SEEDED: usize = 2_000;

async fn guest_writes(server: &SandboxHandle, conversation_id: i64, text: &str) -> i64 {
    let answer: Value = reqwest::Client::new()
        .post(server.guest_send_url(conversation_id))
        .json(&json!({ "message": text }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["message"]["id"].as_i64().unwrap()
}

/// A thread as the server has it (newest 100), oldest first.
async fn server_thread(server: &SandboxHandle, conversation_id: i64) -> Vec<Value> {
    as_user(
        server,
        "anna.byrne",
        reqwest::Method::GET,
        &format!("/api/chat/killarney/conversations/{conversation_id}/messages/?limit=100"),
    )
    .await
    .as_array()
    .unwrap()
    .clone()
}

async fn read_on_server(server: &SandboxHandle, conversation_id: i64, message_id: i64) -> bool {
    server_thread(server, conversation_id)
        .await
        .iter()
        .any(|m| m["id"] == message_id && m["read_by_staff"] == true)
}

/// Runs `script` and reads its answer as a number (-1 when it answered none).
async fn number(app: &Client, script: &str) -> i64 {
    app.execute(script, vec![])
        .await
        .ok()
        .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f.round() as i64)))
        .unwrap_or(-1)
}

/// Conversation rows in the page.
async fn rows_drawn(app: &Client) -> i64 {
    number(
        app,
        "return document.querySelectorAll('[data-testid=conversation]').length;",
    )
    .await
}

/// The conversation at `position` (1-based) of the list, when its row is drawn.
async fn conversation_at(app: &Client, position: usize) -> Option<i64> {
    app.execute(
        "const row = document.querySelector(`li[aria-posinset='${arguments[0]}'] [data-testid=conversation]`);
         return row ? Number(row.dataset.conversationId) : null;",
        vec![Value::from(position)],
    )
    .await
    .ok()
    .and_then(|v| v.as_i64())
}

/// Where the top of a conversation's row is in the window, in CSS px (None: not drawn).
async fn row_top(app: &Client, conversation_id: i64) -> Option<f64> {
    app.execute(
        "const row = document.querySelector(`[data-testid=conversation][data-conversation-id='${arguments[0]}']`);
         return row ? row.getBoundingClientRect().top : null;",
        vec![Value::from(conversation_id)],
    )
    .await
    .ok()
    .and_then(|v| v.as_f64())
}

/// Issue 36.9 (a): the person read room 102, went to Offers, and its guest wrote again. Opening
/// Messages shows the list with no conversation chosen, and room 102 stays unread, here and on
/// the server, while the person reads another conversation; choosing room 102 reads it.
#[tokio::test(flavor = "multi_thread")]
async fn window_opening_messages_marks_nothing_read_until_the_person_chooses_a_conversation() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("messages-unseen");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    // The seed's four unread guest messages (rooms 101, 204 and 310), read in the background.
    until(
        "the window title counts the seed's unread messages",
        || async { app.title().await.unwrap_or_default().starts_with("(4)") },
    )
    .await;
    click(&app, "[data-testid=nav-messages]").await;
    click(&app, &conversation_row(ROOM_102)).await;
    until("room 102's thread shows", || async {
        open_thread_id(&app).await == Some(ROOM_102) && !thread_shown(&app).await.is_empty()
    })
    .await;

    click(&app, "[data-testid=nav-offers]").await;
    let text = format!("Is the pool heated? ({})", std::process::id());
    let id = guest_writes(&server, ROOM_102, &text).await;
    until("the desk has the guest's message", || async {
        app.title().await.unwrap_or_default().starts_with("(5)")
    })
    .await;

    // The guest's toast took the focus (no window manager here); the person comes back to
    // the desk: opening it again brings its window to the front with the focus.
    assert!(hotelmate_e2e::launch_again(&profile, &[]).success());
    until("the desk's window has the focus again", || async {
        app.execute("return document.hasFocus();", vec![])
            .await
            .ok()
            == Some(Value::Bool(true))
    })
    .await;
    click(&app, "[data-testid=nav-messages]").await;
    until("the screen opens on the list, nothing chosen", || async {
        app.find(fantoccini::Locator::Css("[data-testid=no-thread]"))
            .await
            .is_ok()
            && open_thread_id(&app).await.is_none()
    })
    .await;
    until("room 102 shows its unread message", || async {
        unread_badge(&app, ROOM_102).await == 1
    })
    .await;
    screenshot(&app, "60-messages-opened-nothing-chosen").await;

    // Reading room 204 is told to the desk after anything the screen's opening could have told
    // (the desk hears what is in front of the person in order): room 102 is still unread then.
    click(&app, &conversation_row(ROOM_204)).await;
    hotelmate_e2e::until_explained(
        "room 204, chosen, is read",
        || async { unread_badge(&app, ROOM_204).await == 0 },
        || async {
            format!(
                "{:?}",
                app.execute(
                    "const t = document.querySelector('[data-testid=thread]');
                     return [document.hasFocus(), document.visibilityState, t ? t.dataset.conversationId : null,
                             t ? t.textContent.slice(0, 300) : null];",
                    vec![],
                )
                .await
            )
        },
    )
    .await;
    until("room 204 is read on the server", || async {
        server_thread(&server, ROOM_204)
            .await
            .iter()
            .all(|m| m["sender_type"] != "guest" || m["read_by_staff"] == true)
    })
    .await;
    assert_eq!(
        unread_badge(&app, ROOM_102).await,
        1,
        "room 102, not chosen, is still unread"
    );
    assert!(
        !read_on_server(&server, ROOM_102, id).await,
        "nor read on the server"
    );

    click(&app, &conversation_row(ROOM_102)).await;
    until("room 102, chosen, shows the message", || async {
        thread_shown(&app)
            .await
            .iter()
            .any(|(shown, _)| shown.contains(&text))
    })
    .await;
    until("and is read", || async {
        unread_badge(&app, ROOM_102).await == 0
    })
    .await;
    until("on the server too", || async {
        read_on_server(&server, ROOM_102, id).await
    })
    .await;
    app.close().await.unwrap();
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

/// Issue 36.4 (e), 36.9 (c) and (b): a hotel with 2,005 conversations.
#[tokio::test(flavor = "multi_thread")]
async fn window_thousands_of_conversations_scroll_in_a_short_page_and_one_never_read_says_so_offline(
) {
    let server = busy_hotel(SEEDED).await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let profile = AppProfile::new("messages-busy");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_through(&app, &server, proxy.addr(), "anna.byrne").await;
    click(&app, "[data-testid=nav-messages]").await;
    let listed = SEEDED as u64 + 5;
    hotelmate_e2e::until_explained(
        "the list says it has every conversation",
        || async { listed_count(&app).await == listed },
        || async {
            format!(
                "{:?} · {:?}",
                content_of(&app, "[data-testid=chat-count]").await,
                content_of(&app, "[data-testid=status-bar]").await
            )
        },
    )
    .await;

    // (e) Only the rows in view are in the page, each saying where it is in the whole list.
    let drawn = rows_drawn(&app).await;
    assert!(
        drawn > 0 && drawn < 100,
        "{drawn} rows in the page for {listed} conversations"
    );
    assert_eq!(
        number(
            &app,
            "return Number(document.querySelector(`li[aria-posinset='1']`).getAttribute('aria-setsize'));"
        )
        .await,
        listed as i64,
        "each row says how long the list is"
    );
    screenshot(&app, "61-messages-busy-list").await;

    // The first conversation chosen, the list scrolled to its end: the last rows are drawn,
    // still few, and the chosen one is still there, chosen.
    let first = conversation_at(&app, 1).await.unwrap();
    let second = conversation_at(&app, 2).await.unwrap();
    click(&app, &conversation_row(first)).await;
    until("the first conversation opens", || async {
        open_thread_id(&app).await == Some(first)
    })
    .await;
    hotelmate_e2e::scroll_conversations_to_end(&app).await;
    until("the last conversation is drawn", || async {
        conversation_at(&app, SEEDED + 5).await.is_some()
    })
    .await;
    let drawn = rows_drawn(&app).await;
    assert!(drawn < 100, "{drawn} rows in the page at the list's end");
    assert_eq!(
        number(
            &app,
            &format!(
                "return document.querySelectorAll(`{}[aria-current=true]`).length;",
                conversation_row(first)
            )
        )
        .await,
        1,
        "the chosen conversation stays chosen, scrolled away"
    );
    screenshot(&app, "62-messages-busy-list-scrolled").await;

    // ↓ from the chosen row (a keyboard user is on it): the next conversation opens, scrolled to.
    app.execute(
        &format!(
            "document.querySelector(`{}`).focus();",
            conversation_row(first)
        ),
        vec![],
    )
    .await
    .unwrap();
    hotelmate_e2e::press(&app, &Key::Down.to_string()).await;
    until("↓ opened the second conversation", || async {
        open_thread_id(&app).await == Some(second)
    })
    .await;
    until("and focused its row, in view", || async {
        let focused = app
            .execute(
                "return Number(document.activeElement?.dataset?.conversationId ?? -1);",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_i64());
        focused == Some(second) && row_top(&app, second).await.is_some_and(|top| top > 0.0)
    })
    .await;

    // (c) The network goes: the list says "as of", and no row moves under the pointer.
    let before = row_top(&app, second).await.unwrap();
    proxy.cut();
    until("the list says how old it is", || async {
        app.find(fantoccini::Locator::Css("[data-testid=chat-as-of]"))
            .await
            .is_ok()
    })
    .await;
    assert_eq!(
        row_top(&app, second).await,
        Some(before),
        "the rows stay where they were"
    );
    screenshot(&app, "63-messages-as-of-offline").await;

    // (b) Offline, the oldest conversation (never read here: the desk reads the newest first,
    // a few a minute) is opened: it says so, takes a reply, and keeps its unread badge.
    type_into(&app, "[data-testid=chat-search]", "1000").await;
    until("the search finds room 1000 alone", || async {
        listed_count(&app).await == 1
            && app
                .execute(
                    "return document.querySelector('[data-testid=conversation] .room')?.textContent ?? '';",
                    vec![],
                )
                .await
                .is_ok_and(|room| room == "1000")
    })
    .await;
    let oldest = conversation_at(&app, 1).await.unwrap();
    assert_eq!(unread_badge(&app, oldest).await, 1);
    click(&app, &conversation_row(oldest)).await;
    until("the thread says it has not been read here yet", || async {
        app.find(fantoccini::Locator::Css("[data-testid=thread-not-read]"))
            .await
            .is_ok()
    })
    .await;
    assert!(
        text_of(&app, "[data-testid=thread-not-read]")
            .await
            .contains("they are read when the server answers"),
        "in words"
    );
    let reply = format!("Towels are on their way. ({})", std::process::id());
    type_into(&app, "[data-testid=composer]", &reply).await;
    click(&app, "[data-testid=send]").await;
    // Waiting, or tried once at once (the cut refuses the connection): not sent either way.
    until("the reply waits", || async {
        thread_shown(&app).await.iter().any(|(shown, status)| {
            shown.contains(&reply) && (status == "waiting" || status == "checking")
        })
    })
    .await;
    until("the list counts the waiting reply", || async {
        app.execute(
            &format!(
                "return document.querySelector(`{}`)?.textContent ?? '';",
                conversation_row(oldest)
            ),
            vec![],
        )
        .await
        .is_ok_and(|row| row.as_str().unwrap_or_default().contains("1 waiting"))
    })
    .await;
    assert_eq!(
        unread_badge(&app, oldest).await,
        1,
        "its guest's message, never shown, is still unread"
    );
    until("the list says it shows one of them", || async {
        content_of(&app, "[data-testid=chat-count]")
            .await
            .as_deref()
            == Some("1 conversation shown")
    })
    .await;
    screenshot(&app, "64-messages-never-read-offline").await;

    // The server answers again: the thread is read, the reply sent once, and, shown to the
    // person, the guest's message is read.
    proxy.restore();
    // The person is at the desk, its window in front (with no window manager here a toast or
    // the test's typing can leave it without the focus; opening the desk again gives it back).
    assert!(hotelmate_e2e::launch_again(&profile, &[]).success());
    until("the thread shows the guest's message", || async {
        thread_shown(&app)
            .await
            .iter()
            .any(|(shown, _)| shown.contains("Could room 1000 have more towels?"))
    })
    .await;
    until("the reply reaches the server", || async {
        server_thread(&server, oldest)
            .await
            .iter()
            .any(|m| m["message"] == reply.as_str())
    })
    .await;
    hotelmate_e2e::until_explained(
        "the conversation is read, here and on the server",
        || async {
            unread_badge(&app, oldest).await == 0
                && server_thread(&server, oldest)
                    .await
                    .iter()
                    .all(|m| m["sender_type"] != "guest" || m["read_by_staff"] == true)
        },
        || async {
            format!(
                "badge {} · focus {:?} · server {:?}",
                unread_badge(&app, oldest).await,
                app.execute("return document.hasFocus();", vec![]).await,
                server_thread(&server, oldest).await
            )
        },
    )
    .await;
    assert_eq!(
        server_thread(&server, oldest)
            .await
            .iter()
            .filter(|m| m["message"] == reply.as_str())
            .count(),
        1,
        "the guest gets the reply once"
    );
    screenshot(&app, "65-messages-never-read-caught-up").await;
    app.close().await.unwrap();
    server.shutdown().await;
}
