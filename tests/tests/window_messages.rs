//! Guest messages in the real window, as the front desk lives them: a guest writes (through the
//! sandbox's REST API without a token, as the guest's page does) and exactly one desktop toast
//! reaches the notification service (read from the session's dbus-monitor log); invoking the
//! toast's action through the notification daemon (`dunstctl action`) opens that thread, which
//! is then read on the server; a reply written with the network cut waits, then arrives once;
//! after the app is reopened the conversation is still read. The first story runs on both
//! generations of HotelMate (API.md §8 and §10): on the 2026 server the guest is heard through
//! its envelope, the reply to a conversation Niamh handled is saved there before its 500 (the
//! desk finds it and never sends it twice), and the thread says why it offers no edit or delete.
//! Screenshots under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Instant;

use fantoccini::Client;
use hotelmate_e2e::{
    as_user, click, content_of, conversation_row, open_screen, open_thread_id, press, retype,
    screenshot, sign_in, sign_in_through, text_of, thread_shown, type_into, unread_badge, until,
    until_some, AppProfile, CutProxy, Driver,
};
use hotelmate_sandbox::{Generation, Sandbox, SandboxHandle};
use serde_json::{json, Value};

/// Room 102's conversation in the seed (everything in it read).
const ROOM_102: i64 = 2;

/// `dunstctl` on the notification daemon of `profile`'s computer.
fn dunstctl(profile: &AppProfile, args: &[&str]) {
    let status = profile
        .machine
        .command("dunstctl")
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "dunstctl {args:?}: {status}");
}

async fn guest_writes(server: &SandboxHandle, text: &str) -> i64 {
    let answer: Value = reqwest::Client::new()
        .post(server.guest_send_url(ROOM_102))
        .json(&json!({ "message": text }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["message"]["id"].as_i64().unwrap()
}

async fn server_thread(server: &SandboxHandle) -> Vec<Value> {
    let thread = as_user(
        server,
        "anna.byrne",
        reqwest::Method::GET,
        &match server.generation() {
            Generation::Classic => {
                format!("/api/chat/killarney/conversations/{ROOM_102}/messages/?limit=100")
            }
            Generation::Hotelmate2026 => format!(
                "/api/staff/hotel/killarney/chat/conversations/{ROOM_102}/messages/?limit=100"
            ),
        },
    )
    .await;
    thread.as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn window_a_guest_writes_one_toast_opens_the_thread_and_a_reply_cut_off_arrives_once() {
    a_guest_writes_one_toast_opens_the_thread_and_a_reply_cut_off_arrives_once(Generation::Classic)
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_on_a_2026_server_a_guest_writes_one_toast_opens_the_thread_and_a_reply_cut_off_arrives_once(
) {
    a_guest_writes_one_toast_opens_the_thread_and_a_reply_cut_off_arrives_once(
        Generation::Hotelmate2026,
    )
    .await;
}

async fn a_guest_writes_one_toast_opens_the_thread_and_a_reply_cut_off_arrives_once(
    generation: Generation,
) {
    let server = Sandbox::start_generation("127.0.0.1:0".parse().unwrap(), generation)
        .await
        .unwrap();
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    // Screenshots of the 2026 story are named apart.
    let shot = |name: &str| match generation {
        Generation::Classic => name.to_owned(),
        Generation::Hotelmate2026 => format!("{name}-on-a-2026-server"),
    };
    let profile = AppProfile::new(match generation {
        Generation::Classic => "messages",
        Generation::Hotelmate2026 => "messages-2026",
    });
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_through(&app, &server, proxy.addr(), "anna.byrne").await;
    // The desk is on its first screen (Offers) when the guest writes.
    dunstctl(&profile, &["close-all"]);
    let nonce = std::process::id();
    let text = format!("Could we have a late checkout, please? ({nonce})");
    let written = Instant::now();
    let id = guest_writes(&server, &text).await;
    until(
        "the guest's toast reaches the notification service",
        || async { profile.notifications().contains(&text) },
    )
    .await;
    println!(
        "a guest's message became a desktop toast in {} ms",
        written.elapsed().as_millis()
    );
    // It reached the desk on two channels (the conversation's and the receptionist's). A toast
    // shows once its grouping time (1.5 s) is over, with every copy that reached the desk
    // meanwhile in it; a copy after that would be held for a minute with this thread's next
    // toast (the pacer; the core's notify tests show a message is told once by its id). So the
    // toast is counted as it shows, not after a wait that could not see a later one.
    assert_eq!(
        profile.notifications().matches(&text).count(),
        1,
        "one toast for one message"
    );
    until("the window title counts the unread messages", || async {
        app.title().await.unwrap_or_default().starts_with('(')
    })
    .await;

    // Clicking the toast (its default action, invoked by the notification daemon) opens the
    // thread in the desk.
    dunstctl(&profile, &["action", "0"]);
    until("the toast opened its thread", || async {
        open_thread_id(&app).await == Some(ROOM_102)
    })
    .await;
    until("the thread shows the guest's message", || async {
        thread_shown(&app)
            .await
            .iter()
            .any(|(t, _)| t.contains(&text))
    })
    .await;
    screenshot(&app, &shot("50-messages-thread")).await;
    until("the message is read on the server", || async {
        server_thread(&server)
            .await
            .iter()
            .any(|m| m["id"] == id && m["read_by_staff"] == true)
    })
    .await;

    // A reply written with the network cut waits, then arrives once.
    proxy.cut();
    let reply = format!("Of course, check-out at 1 pm is fine. ({nonce})");
    type_into(&app, "[data-testid=composer]", &reply).await;
    click(&app, "[data-testid=send]").await;
    until("the reply shows as not sent yet", || async {
        thread_shown(&app)
            .await
            .iter()
            .any(|(t, s)| t.contains(&reply) && (s == "waiting" || s == "checking"))
    })
    .await;
    // Offline it says it waits, never "Sending…" for as long as the outage lasts (issue 25.7).
    until("the reply says it waits to be sent", || async {
        app.execute(
            "return [...document.querySelectorAll('[data-testid=message-status]')]
               .filter(s => s.closest('[data-status]')?.textContent.includes(arguments[0]))
               .map(s => s.textContent.trim());",
            vec![Value::from(reply.as_str())],
        )
        .await
        .unwrap()
            == Value::from(vec!["Waiting to be sent"])
    })
    .await;
    screenshot(&app, &shot("51-messages-reply-waiting")).await;
    // The proxy has closed every connection since before the reply was written: what the
    // server has now it keeps until the network returns (no wait would show more).
    assert!(
        !server_thread(&server)
            .await
            .iter()
            .any(|m| m["message"] == reply.as_str()),
        "nothing reaches the server while the network is cut"
    );
    proxy.restore();
    until("the reply reaches the server", || async {
        server_thread(&server)
            .await
            .iter()
            .any(|m| m["message"] == reply.as_str())
    })
    .await;
    until("the reply shows as sent", || async {
        thread_shown(&app)
            .await
            .iter()
            .any(|(t, s)| t.contains(&reply) && (s == "delivered" || s == "read"))
    })
    .await;
    assert_eq!(
        server_thread(&server)
            .await
            .iter()
            .filter(|m| m["message"] == reply.as_str())
            .count(),
        1,
        "the guest gets the reply once"
    );
    assert_eq!(
        thread_shown(&app)
            .await
            .iter()
            .filter(|(t, _)| t.contains(&reply))
            .count(),
        1,
        "the desk shows it once"
    );
    // What this server lets a sent message become: edited and deleted on the classic one;
    // on the 2026 one (which fails both) neither is offered, and the thread says why.
    let offered = app
        .execute(
            "return document.querySelectorAll('[data-testid=edit], [data-testid=delete]').length;",
            vec![],
        )
        .await
        .unwrap();
    match generation {
        Generation::Classic => assert_ne!(offered, Value::from(0), "Edit and Delete"),
        Generation::Hotelmate2026 => {
            assert_eq!(offered, Value::from(0), "no Edit or Delete");
            assert!(
                text_of(&app, "[data-testid=changes-refused]")
                    .await
                    .contains("neither editing nor deleting"),
                "the thread says why"
            );
        }
    }
    screenshot(&app, &shot("52-messages-reply-sent")).await;

    // Reopened, the desk still has the conversation read.
    app.close().await.unwrap();
    let app = driver.launch().await;
    click(&app, "[data-testid=nav-messages]").await;
    until("the list shows room 102 read", || async {
        unread_badge(&app, ROOM_102).await == 0
    })
    .await;
    app.close().await.unwrap();
    server.shutdown().await;
}

/// Issue 28.4 and 28.10, in the real notification service: a guest's markup reaches the
/// notification daemon escaped, shown as typed (no bold red "URGENT from HotelMate IT" with a
/// hidden link), its disguising characters made visible; the thread shows the same as text.
/// Issue 28.2 in the same thread: the guest's very long message (here 60,000 characters,
/// written before the desk signs in) shows as its start with how long it is; "Show the whole
/// message" reads the rest from the server and shows it, to its last word. The conversation
/// list shows a line of it. (One desk for both: each desk a window test starts costs about
/// 3 s of the suite.)
#[tokio::test(flavor = "multi_thread")]
async fn window_a_guests_markup_disguises_and_very_long_message_are_shown_as_typed_in_the_toast_and_the_thread(
) {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let long = format!(
        "Dear front desk, {}and that is all. THE LAST WORDS",
        "the view from room 102 is wonderful. ".repeat(1_600)
    );
    let whole_chars = long.chars().count();
    let id = guest_writes(&server, &long).await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let profile = AppProfile::new("hostile-toast");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_through(&app, &server, proxy.addr(), "anna.byrne").await;
    // The list shows a line of the long message, the conversation's newest for now.
    click(&app, "[data-testid=nav-messages]").await;
    let preview = || async {
        app.execute(
            "const row = document.querySelector(`[data-testid=conversation][data-conversation-id='2']`);
             return row ? row.textContent : '';",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
    };
    until("room 102's row shows the long message's start", || async {
        preview().await.contains("Dear front desk")
    })
    .await;
    let line = preview().await;
    assert!(
        line.chars().count() < 400,
        "the list shows a line of it: {line}"
    );
    open_screen(&app, "overview").await;

    dunstctl(&profile, &["close-all"]);
    let nonce = std::process::id();
    let text = format!(
        "<b><span foreground='red'>URGENT from HotelMate IT</span></b> <a href='http://127.0.0.1:9/x'>sign in here</a> invoice\u{202E}fdp.exe ({nonce})"
    );
    guest_writes(&server, &text).await;
    let marker = format!("({nonce})");
    until(
        "the guest's toast reaches the notification service",
        || async { profile.notifications().contains(&marker) },
    )
    .await;
    let log = profile.notifications();
    let toast = log
        .lines()
        .find(|line| line.contains(&marker))
        .unwrap()
        .to_owned();
    assert!(
        toast.contains("&lt;b&gt;&lt;span foreground=&#39;red&#39;&gt;URGENT"),
        "the markup is escaped: {toast}"
    );
    assert!(
        !toast.contains("<b>") && !toast.contains("<a href"),
        "{toast}"
    );
    assert!(toast.contains("[U+202E]"), "the override is shown: {toast}");

    click(&app, "[data-testid=nav-messages]").await;
    click(&app, "[data-testid=nav-messages]").await;
    click(&app, "[data-testid=conversation][data-conversation-id='2']").await;
    until("the thread shows the message as text", || async {
        thread_shown(&app).await.iter().any(|(shown, _)| {
            shown.contains("<b><span foreground='red'>URGENT")
                && shown.contains("invoice[U+202E]fdp.exe")
        })
    })
    .await;
    screenshot(&app, "33-hostile-message-as-text").await;

    let shown_text = |app: &Client| {
        let app = app.clone();
        async move {
            hotelmate_e2e::page_text(
                &app,
                "const m = [...document.querySelectorAll('[data-testid=message]')]
                     .find(m => m.dataset.messageId === String(arguments[0]));
                 const t = m && m.querySelector('.message-text');
                 return t ? t.textContent : '';",
                vec![Value::from(id)],
            )
            .await
        }
    };
    until(
        "the long message shows as its start, marked long",
        || async {
            app.find(fantoccini::Locator::Css("[data-testid=message-clipped]"))
                .await
                .is_ok()
        },
    )
    .await;
    let start = shown_text(&app).await;
    assert_eq!(start.chars().count(), 5_000, "the start the desk keeps");
    assert!(long.starts_with(&start));
    let note = text_of(&app, "[data-testid=message-clipped]").await;
    let digits = whole_chars.to_string();
    let grouped = format!(
        "{},{}",
        &digits[..digits.len() - 3],
        &digits[digits.len() - 3..]
    );
    assert!(
        note.contains(&grouped) || note.contains(&digits),
        "says how long it is ({digits} characters): {note}"
    );
    click(&app, "[data-testid=show-whole-message]").await;
    until("the whole message shows, to its last words", || async {
        shown_text(&app).await.ends_with("THE LAST WORDS")
    })
    .await;
    assert_eq!(shown_text(&app).await, long);
    drop(app);
    server.shutdown().await;
}

/// What the desk's database keeps as `conversation_id`'s draft (read from the real file while
/// the app runs, as a crash would leave it).
fn kept_draft(profile: &AppProfile, conversation_id: i64) -> Option<String> {
    let db = rusqlite::Connection::open_with_flags(
        profile.data_dir.path().join("desk.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .ok()?;
    db.query_row(
        "SELECT text FROM chat_drafts WHERE conversation_id = ?1",
        [conversation_id],
        |r| r.get(0),
    )
    .ok()
}

/// Issue 38.2: a reply half-typed when the desk is killed (a crash, a power cut) is in its box
/// after the restart, and the list marks its conversation as having a draft; sent, the draft
/// is gone. Issue 38.3: the list says how long the guest has waited, until the answer
/// arrives. Tried: typing offline, SIGKILL once the database has the words, a restart still
/// offline, then the network back.
#[tokio::test(flavor = "multi_thread")]
async fn window_a_half_typed_reply_survives_a_crash_and_goes_once_sent() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let profile = AppProfile::new("messages-draft");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_through(&app, &server, proxy.addr(), "anna.byrne").await;
    click(&app, "[data-testid=nav-messages]").await;
    let row = conversation_row(ROOM_102);
    click(&app, &row).await;
    until("room 102's thread opens", || async {
        open_thread_id(&app).await == Some(ROOM_102)
    })
    .await;
    proxy.cut();
    let words = format!(
        "Your taxi to the Gap of Dunloe is booked for ({})",
        std::process::id()
    );
    type_into(&app, "[data-testid=composer]", &words).await;
    until("the desk's database has the words", || async {
        kept_draft(&profile, ROOM_102).as_deref() == Some(words.as_str())
    })
    .await;

    assert!(hotelmate_e2e::kill_app(&profile) >= 1, "the app was killed");
    drop(app);
    drop(driver);
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    click(&app, "[data-testid=nav-messages]").await;
    until("the list marks room 102 as having a draft", || async {
        app.find(fantoccini::Locator::Css(&format!(
            "{row} [data-testid=conversation-draft]"
        )))
        .await
        .is_ok()
    })
    .await;
    // Issue 38.3: its guest's thanks came after Niamh's answer, and nobody answered it yet.
    until(
        "the list says how long room 102's guest has waited",
        || async {
            content_of(&app, &format!("{row} [data-testid=conversation-waited]"))
                .await
                .is_some_and(|text| text.starts_with("waiting"))
        },
    )
    .await;
    click(&app, &row).await;
    until("the half-typed reply is in its box", || async {
        app.execute(
            "return document.querySelector('[data-testid=composer]')?.value ?? '';",
            vec![],
        )
        .await
        .is_ok_and(|value| value == words.as_str())
    })
    .await;
    screenshot(&app, "87-messages-draft-after-a-crash").await;

    click(&app, "[data-testid=send]").await;
    until("the draft is done once its reply is queued", || async {
        kept_draft(&profile, ROOM_102).is_none()
            && hotelmate_e2e::absent(&app, &format!("{row} [data-testid=conversation-draft]")).await
    })
    .await;
    proxy.restore();
    until("the reply reaches the server once", || async {
        server_thread(&server)
            .await
            .iter()
            .filter(|m| m["message"] == words.as_str())
            .count()
            == 1
    })
    .await;
    hotelmate_e2e::until_gone(
        &app,
        &format!("{row} [data-testid=conversation-waited]"),
        "the answer ends the guest's wait",
    )
    .await;
    app.close().await.unwrap();
    server.shutdown().await;
}

/// Issue 38.4: a colleague's answer that came while I was writing is said before mine goes
/// ("Niamh Kelly answered 3 s ago, while you were writing. Send yours anyway?"); nothing is sent
/// until I choose, and then once. Tried: Niamh answers room 102 through the server while Anna's
/// reply is in her box.
#[tokio::test(flavor = "multi_thread")]
async fn window_a_colleagues_answer_while_i_write_is_said_before_mine_goes() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("messages-meanwhile");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    click(&app, "[data-testid=nav-messages]").await;
    click(&app, &conversation_row(ROOM_102)).await;
    until("room 102's thread opens", || async {
        open_thread_id(&app).await == Some(ROOM_102)
    })
    .await;
    let mine = format!("We can book you a table at eight. ({})", std::process::id());
    type_into(&app, "[data-testid=composer]", &mine).await;

    let niamh = hotelmate_e2e::token_of(&server, "niamh.kelly").await;
    let theirs = "I have booked the table for you at eight.";
    let status = reqwest::Client::new()
        .post(format!(
            "{}/api/chat/killarney/conversations/{ROOM_102}/messages/send/",
            server.base_url()
        ))
        .header("Authorization", format!("Token {niamh}"))
        .json(&json!({ "message": theirs }))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "Niamh's answer was taken: {status}");
    until("Niamh's answer shows in the thread", || async {
        thread_shown(&app)
            .await
            .iter()
            .any(|(shown, _)| shown.contains(theirs))
    })
    .await;

    click(&app, "[data-testid=send]").await;
    until("the desk says Niamh answered meanwhile", || async {
        text_of(&app, "[data-testid=answered-meanwhile]")
            .await
            .contains("Niamh Kelly answered")
    })
    .await;
    screenshot(&app, "88-messages-a-colleague-answered-meanwhile").await;
    assert!(
        !server_thread(&server)
            .await
            .iter()
            .any(|m| m["message"] == mine.as_str()),
        "nothing is sent before the person chooses"
    );
    click(&app, "[data-testid=send-anyway]").await;
    until("the reply reaches the server, once", || async {
        server_thread(&server)
            .await
            .iter()
            .filter(|m| m["message"] == mine.as_str())
            .count()
            == 1
    })
    .await;
    assert!(
        hotelmate_e2e::absent(&app, "[data-testid=answered-meanwhile]").await,
        "the question is gone once answered"
    );
    app.close().await.unwrap();
    server.shutdown().await;
}

/// Issue 38.6: the Messages screen worked with the keyboard alone. J and K move through the
/// conversations (opened, focused and said to a screen reader), E goes to the next one with
/// unread messages (read once on screen), Alt+↓ goes to a guest waiting, R goes to the
/// reply box, Ctrl+Enter sends, ? shows the keys and Esc hides them. Tried: the seeded hotel
/// and three guests who wrote, from the side bar's Messages link, no mouse after it.
#[tokio::test(flavor = "multi_thread")]
async fn window_a_receptionist_answers_a_waiting_guest_with_the_keyboard_alone() {
    use fantoccini::key::Key;
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    server.add_guest_conversations(3).unwrap();
    let profile = AppProfile::new("messages-keys");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    click(&app, "[data-testid=nav-messages]").await;
    until("the list is read", || async {
        app.find(fantoccini::Locator::Css("[data-testid=conversation]"))
            .await
            .is_ok()
    })
    .await;
    let order: Vec<i64> = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=conversation]')].map(r => Number(r.dataset.conversationId));",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    assert!(order.len() >= 3, "{order:?}");

    press(&app, "j").await;
    until("J opens the first conversation", || async {
        open_thread_id(&app).await == Some(order[0])
    })
    .await;
    press(&app, "j").await;
    until("J again, the second", || async {
        open_thread_id(&app).await == Some(order[1])
    })
    .await;
    press(&app, "k").await;
    until("K, the first again, said to a screen reader", || async {
        // textContent: the words are for a screen reader, drawn nowhere (WebDriver's text
        // of an element that is not drawn is "").
        open_thread_id(&app).await == Some(order[0])
            && content_of(&app, "[data-testid=chat-announced]")
                .await
                .is_some_and(|text| text.starts_with("Room "))
    })
    .await;

    // E: the open conversation is read, and the next one with unread messages opens; twice.
    let mut opened_by_e = Vec::new();
    for _ in 0..2 {
        let unread_before = unread_ids(&app).await;
        let from = open_thread_id(&app).await.unwrap();
        press(&app, "e").await;
        let opened = until_some(
            "E opens a conversation that had unread messages",
            || async {
                open_thread_id(&app)
                    .await
                    .filter(|id| *id != from && unread_before.contains(id))
            },
        )
        .await;
        until("the one it left is read", || async {
            !unread_ids(&app).await.contains(&from)
        })
        .await;
        opened_by_e.push(opened);
    }
    assert_ne!(
        opened_by_e[0], opened_by_e[1],
        "each E goes on: {opened_by_e:?}"
    );

    press(&app, "?").await;
    until("? shows the keys", || async {
        text_of(&app, "[data-testid=chat-shortcuts]")
            .await
            .contains("The guest who has waited longest")
    })
    .await;
    screenshot(&app, "89-messages-keyboard-shortcuts").await;
    press(&app, &Key::Escape.to_string()).await;
    hotelmate_e2e::until_gone(&app, "[data-testid=chat-shortcuts]", "Esc hides them").await;

    // Alt+↓: the next conversation whose guest waits for an answer.
    press(&app, &format!("{}{}", Key::Alt, Key::Down)).await;
    let waiting = until_some("Alt+↓ opens a conversation whose guest waits", || async {
        let id = open_thread_id(&app).await?;
        let waits = app
            .execute(
                &format!(
                    "return !!document.querySelector(`[data-testid=conversation][data-conversation-id='{id}'] [data-testid=conversation-waited]`);"
                ),
                vec![],
            )
            .await
            .ok()?
            .as_bool()?;
        waits.then_some(id)
    })
    .await;

    press(&app, "r").await;
    until("R puts the keyboard in the reply box", || async {
        app.execute(
            "return document.activeElement?.dataset?.testid ?? '';",
            vec![],
        )
        .await
        .is_ok_and(|v| v == "composer")
    })
    .await;
    let reply = format!("On its way to you now. ({})", std::process::id());
    press(&app, &reply).await;
    press(&app, &format!("{}{}", Key::Control, Key::Enter)).await;
    let path = format!("/api/chat/killarney/conversations/{waiting}/messages/?limit=100");
    until("Ctrl+Enter sends it, once", || async {
        as_user(&server, "anna.byrne", reqwest::Method::GET, &path)
            .await
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["message"] == reply.as_str())
            .count()
            == 1
    })
    .await;
    app.close().await.unwrap();
    server.shutdown().await;
}

/// The conversations the list marks unread, in its order.
async fn unread_ids(app: &Client) -> Vec<i64> {
    app.execute(
        "return [...document.querySelectorAll('[data-testid=conversation]')]
             .filter(r => r.querySelector('[data-testid=conversation-unread]'))
             .map(r => Number(r.dataset.conversationId));",
        vec![],
    )
    .await
    .unwrap()
    .as_array()
    .map(|a| a.iter().filter_map(Value::as_i64).collect())
    .unwrap_or_default()
}

/// Whether the element `css` is the one the keyboard is in.
async fn focused(app: &Client, testid: &str) -> bool {
    app.execute(
        "return document.activeElement?.dataset?.testid ?? '';",
        vec![],
    )
    .await
    .is_ok_and(|v| v == testid)
}

/// Issue 38.1 and its measure: a saved reply is made on its own screen (delete and Undo
/// tried there), then ten waiting guests are answered with it from the keyboard alone: Alt+↓
/// to the next waiting guest, R to the reply box, `/to` and Enter to put the reply in (filled
/// with that guest's name and room, my first name and the hotel's), Enter to send. Each guest
/// gets exactly one reply, with their own name and room, checked on the server. Prints the
/// keystrokes and the wall time. Tried: ten conversations added to the seeded hotel, each with
/// a guest waiting, beside the seeded ones, whose five guests have waited longer and so are
/// answered first (Alt+↓ goes to the longest wait first, issue 63.19).
#[tokio::test(flavor = "multi_thread")]
async fn window_ten_waiting_guests_are_answered_with_a_saved_reply_from_the_keyboard_alone() {
    use fantoccini::key::Key;
    use std::collections::BTreeMap;
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let added = server.add_guest_conversations(10).unwrap();
    let profile = AppProfile::new("messages-saved-replies");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;

    click(&app, "[data-testid=nav-replies]").await;
    until("the examples a desk starts with are listed", || async {
        text_of(&app, "[data-testid=saved-reply-list]")
            .await
            .contains("Taxi")
    })
    .await;
    click(&app, "[data-testid=saved-reply-new]").await;
    type_into(&app, "[data-testid=saved-reply-name]", "Towels").await;
    type_into(
        &app,
        "[data-testid=saved-reply-text]",
        "Hello {guest}, fresh towels are on their way to room {room}. {me}, {hotel}",
    )
    .await;
    click(&app, "[data-testid=saved-reply-save]").await;
    until("the new reply is listed", || async {
        text_of(&app, "[data-testid=saved-reply-list]")
            .await
            .contains("Towels")
    })
    .await;
    click(&app, "[aria-label='Delete “Taxi”']").await;
    until("a deleted reply says so and offers Undo", || async {
        text_of(&app, "[data-testid=saved-reply-deleted]")
            .await
            .contains("“Taxi” was deleted.")
            && !text_of(&app, "[data-testid=saved-reply-list]")
                .await
                .contains("Taxi")
    })
    .await;
    click(&app, "[data-testid=saved-reply-undo]").await;
    until("Undo brings it back", || async {
        text_of(&app, "[data-testid=saved-reply-list]")
            .await
            .contains("Taxi")
    })
    .await;
    screenshot(&app, "92-saved-replies").await;

    // Who each conversation's guest is, as the server says.
    let listed = as_user(
        &server,
        "anna.byrne",
        reqwest::Method::GET,
        "/api/chat/killarney/conversations/",
    )
    .await;
    let rows = listed
        .get("results")
        .unwrap_or(&listed)
        .as_array()
        .unwrap()
        .clone();
    let guests: BTreeMap<i64, (String, String)> = rows
        .iter()
        .map(|c| {
            let room = match &c["room_number"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let name = c["guest_name"].as_str().unwrap_or("{guest}").to_owned();
            (c["conversation_id"].as_i64().unwrap(), (name, room))
        })
        .collect();
    let expected = |id: i64| {
        let (name, room) = &guests[&id];
        format!("Hello {name}, fresh towels are on their way to room {room}. Anna, Hotel Killarney")
    };
    let replies_in = |id: i64| {
        let server = &server;
        async move {
            as_user(
                server,
                "anna.byrne",
                reqwest::Method::GET,
                &format!("/api/chat/killarney/conversations/{id}/messages/?limit=100"),
            )
            .await
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["sender_type"] == "staff")
            .filter_map(|m| m["message"].as_str().map(str::to_owned))
            .collect::<Vec<_>>()
        }
    };
    let waited = |id: i64| {
        let app = &app;
        async move {
            app.execute(
                &format!(
                    "return !!document.querySelector(`[data-testid=conversation][data-conversation-id='{id}'] [data-testid=conversation-waited]`);"
                ),
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
        }
    };

    click(&app, "[data-testid=nav-messages]").await;
    until("the list is read", || async {
        added.iter().all(|id| guests.contains_key(id))
            && app
                .find(fantoccini::Locator::Css("[data-testid=conversation]"))
                .await
                .is_ok()
    })
    .await;
    // The side bar says how many guests wait, as the Waiting view counts them.
    let side_bar_waiting = || async {
        content_of(&app, "[data-testid=nav-waiting]")
            .await
            .and_then(|t| t.trim_end_matches(" waiting").trim().parse::<usize>().ok())
    };
    let waiting_before = until_some("the side bar counts the guests waiting", || async {
        let view = text_of(&app, "[data-testid=filter-count-waiting]").await;
        side_bar_waiting()
            .await
            .filter(|n| *n >= added.len() && view == n.to_string())
    })
    .await;

    // The room view: one room's conversations only (never 1020's for 102), its choice saying
    // what the room holds; every room's again after.
    let room = guests[&added[0]].1.clone();
    let in_room: Vec<i64> = guests
        .iter()
        .filter(|(_, (_, r))| *r == room)
        .map(|(id, _)| *id)
        .collect();
    choose_room(&app, &room).await;
    until("the list shows that room's conversations only", || async {
        listed_ids(&app).await == in_room
    })
    .await;
    let choice = room_choice(&app, &room).await;
    let waiting_in_room = waiting_in(&choice);
    assert!(
        choice.starts_with(&format!("{room} · "))
            && choice.ends_with(&conversations_words(in_room.len()))
            && waiting_in_room >= 1,
        "{choice}"
    );
    screenshot(&app, "101-messages-room-view").await;
    choose_room(&app, "").await;
    until("every room's conversations are listed again", || async {
        listed_ids(&app).await.len() > in_room.len()
    })
    .await;

    let started = Instant::now();
    let mut keystrokes = 0;
    let mut answered: Vec<i64> = Vec::new();
    while !added.iter().all(|id| answered.contains(id)) {
        assert!(answered.len() < waiting_before, "answered {answered:?}");
        press(&app, &format!("{}{}", Key::Alt, Key::Down)).await;
        keystrokes += 1;
        let id = until_some("Alt+↓ opens a guest still waiting", || async {
            open_thread_id(&app)
                .await
                .filter(|id| !answered.contains(id))
        })
        .await;
        press(&app, "r").await;
        keystrokes += 1;
        until("R puts the keyboard in the reply box", || async {
            focused(&app, "composer").await
        })
        .await;
        press(&app, "/to").await;
        keystrokes += 3;
        until("/to lists the saved reply Towels, chosen", || async {
            text_of(&app, "[data-testid=saved-reply-choice].active")
                .await
                .starts_with("Towels")
        })
        .await;
        if answered.is_empty() {
            screenshot(&app, "94-saved-reply-slash-list").await;
        }
        press(&app, &Key::Enter.to_string()).await;
        keystrokes += 1;
        let want = expected(id);
        until("Enter puts it in, filled for this guest", || async {
            app.execute(
                "return document.querySelector('[data-testid=composer]')?.value ?? '';",
                vec![],
            )
            .await
            .is_ok_and(|v| v == want.as_str())
        })
        .await;
        if answered.is_empty() {
            screenshot(&app, "93-saved-reply-put-in").await;
        }
        press(&app, &Key::Enter.to_string()).await;
        keystrokes += 1;
        until("Enter sends it, and the guest waits no more", || async {
            replies_in(id).await.contains(&want) && waited(id).await == Some(false)
        })
        .await;
        answered.push(id);
    }
    let took = started.elapsed();
    println!(
        "saved replies: {} guests answered from the keyboard with {keystrokes} keystrokes \
         ({:.1} each) in {:.1} s ({:.1} s each)",
        answered.len(),
        f64::from(keystrokes) / answered.len() as f64,
        took.as_secs_f64(),
        took.as_secs_f64() / answered.len() as f64,
    );
    for id in &answered {
        let replies = replies_in(*id).await;
        let own = replies.iter().filter(|r| **r == expected(*id)).count();
        assert_eq!(
            own, 1,
            "conversation {id}: exactly one reply, with its own guest's name and room: {replies:?}"
        );
        if added.contains(id) {
            assert_eq!(replies.len(), 1, "conversation {id}: {replies:?}");
        }
    }
    for id in &added {
        assert!(guests[id].0.contains(&guests[id].1), "{:?}", guests[id]);
    }
    let answered_in_room = in_room.iter().filter(|id| added.contains(id)).count();
    until(
        "the room's choice counts the guests still waiting there",
        || async {
            waiting_in(&room_choice(&app, &room).await) == waiting_in_room - answered_in_room
        },
    )
    .await;
    let waiting_after = waiting_before - answered.len();
    until(
        "the side bar and the Overview count the guests still waiting",
        || async { side_bar_waiting().await.unwrap_or(0) == waiting_after },
    )
    .await;
    click(&app, "[data-testid=nav-overview]").await;
    until("the Overview says how many guests wait", || async {
        text_of(&app, "[data-testid=overview-guests-waiting]").await
            == format!(
                "{waiting_after} {} waiting for an answer",
                if waiting_after == 1 {
                    "guest"
                } else {
                    "guests"
                }
            )
    })
    .await;
    app.close().await.unwrap();
    server.shutdown().await;
}

/// Chooses a room in the list's room picker ("": every room), as a person's pick does.
async fn choose_room(app: &Client, room: &str) {
    app.execute(
        "const e = document.querySelector('[data-testid=chat-room]');
         e.value = arguments[0]; e.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![Value::from(room)],
    )
    .await
    .unwrap();
}

/// The room picker's choice for `room`, in words ("" when it offers none).
async fn room_choice(app: &Client, room: &str) -> String {
    hotelmate_e2e::page_text(
        app,
        "return [...document.querySelectorAll('[data-testid=chat-room] option')]
             .find(o => o.value === arguments[0])?.textContent ?? '';",
        vec![Value::from(room)],
    )
    .await
}

/// "1 conversation", "2 conversations".
fn conversations_words(n: usize) -> String {
    format!("{n} conversation{}", if n == 1 { "" } else { "s" })
}

/// The guests waiting in a room picker's choice ("102 · 1 waiting, 2 conversations": 1).
fn waiting_in(choice: &str) -> usize {
    choice
        .split(['·', ','])
        .find_map(|part| part.trim().strip_suffix(" waiting"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The conversations the list shows, by id, in id order.
async fn listed_ids(app: &Client) -> Vec<i64> {
    let ids = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=conversation]')]
                 .map(e => Number(e.dataset.conversationId));",
            vec![],
        )
        .await
        .unwrap();
    let mut ids: Vec<i64> = ids
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    ids.sort_unstable();
    ids
}

/// Issue 38.5: any message this desk holds is found as the search is typed, offline too, and
/// opens its thread at that message, read back past the first page. The guest's markup in a
/// found message is shown as typed, never drawn.
#[tokio::test(flavor = "multi_thread")]
async fn window_a_message_from_long_ago_is_found_as_typed_and_opens_its_thread_there() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let profile = AppProfile::new("search");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_through(&app, &server, proxy.addr(), "anna.byrne").await;
    click(&app, "[data-testid=nav-messages]").await;
    let asked = guest_writes(
        &server,
        "Could you book us a taxi to Shannon <b>airport</b> for 6 am tomorrow?",
    )
    .await;
    // A long evening after it: the question is far beyond the thread's first page.
    let mut last = asked;
    for n in 1..=80 {
        last = guest_writes(&server, &format!("Another small thing, number {n}.")).await;
    }
    let last_text = "Another small thing, number 80.";
    until("the desk holds the whole evening", || async {
        content_of(&app, "[data-testid=conversation][data-conversation-id='2']")
            .await
            .unwrap_or_default()
            .contains(last_text)
    })
    .await;
    assert!(last > asked);

    // Searched the way people type (issue 63.15): "obrien" finds Mary O'Brien's room.
    type_into(&app, "[data-testid=chat-search]", "obrien").await;
    until(
        "Mary O'Brien's conversation is found without its apostrophe",
        || async { listed_ids(&app).await == [ROOM_102] },
    )
    .await;
    // A page pasted into the search box costs what a line costs, and is quoted as a line:
    // timed from the paste to the list's answer on screen.
    let page = "Could you book us a taxi? ".repeat(500);
    let pasted = Instant::now();
    app.execute(
        "const box = document.querySelector('[data-testid=chat-search]');
         box.value = arguments[0];
         box.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![Value::from(&page[..12_500])],
    )
    .await
    .unwrap();
    until("the paste is searched, and quoted as a line", || async {
        content_of(&app, "[data-testid=chat-empty]")
            .await
            .is_some_and(|note| {
                note.starts_with("No conversation matches “Could you book us a taxi?")
                    && note.ends_with("…”.")
                    && note.chars().count() < 120
            })
    })
    .await;
    println!(
        "a 12,500-character paste in the search box was searched and shown in {} ms",
        pasted.elapsed().as_millis()
    );
    // Words no room or guest has, but a message: the list says where they are, and shows them.
    retype(&app, "[data-testid=chat-search]", "shann TAXI").await;
    // The list answers each letter as it is typed ("shann TAX" finds the same message): it is
    // read once its note names the whole of what was typed.
    until("the list says the words are in a message", || async {
        content_of(&app, "[data-testid=chat-empty]")
            .await
            .as_deref()
            == Some("No conversation matches “shann TAXI”.")
            && content_of(&app, "[data-testid=search-elsewhere]")
                .await
                .is_some_and(|said| said.contains("1 message has it"))
    })
    .await;
    screenshot(&app, "92-messages-search-elsewhere").await;
    click(&app, "[data-testid=search-elsewhere-messages]").await;
    until("the question is found, its words marked", || async {
        let marked = app
            .execute(
                "return [...document.querySelectorAll('[data-testid=search-hit] mark')].map(m => m.textContent).join(' ');",
                vec![],
            )
            .await
            .unwrap();
        let marked = marked.as_str().unwrap_or_default().to_lowercase();
        marked.contains("shannon") && marked.contains("taxi")
    })
    .await;
    let hits = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=search-hit]')].map(h => [Number(h.dataset.messageId), h.textContent, h.querySelector('b') === null]);",
            vec![],
        )
        .await
        .unwrap();
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1, "only the question has both words: {hits:?}");
    assert_eq!(hits[0][0].as_i64(), Some(asked));
    let text = hits[0][1].as_str().unwrap();
    assert!(text.contains("Room 102"), "says whose: {text}");
    assert!(
        text.contains("<b>airport</b>"),
        "the guest's markup as typed: {text}"
    );
    assert_eq!(hits[0][2], Value::Bool(true), "the markup is not drawn");
    screenshot(&app, "90-messages-search").await;

    click(&app, "[data-testid=search-hit]").await;
    until("the thread opens at the question, scrolled to it and marked", || async {
        app.execute(
            "const m = document.querySelector(`[data-message-id=\"${arguments[0]}\"].found-message`);
             if (!m) return false;
             const box = m.getBoundingClientRect();
             return box.top >= 0 && box.bottom <= window.innerHeight;",
            vec![Value::from(asked)],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false)
    })
    .await;
    assert_eq!(open_thread_id(&app).await, Some(ROOM_102));
    screenshot(&app, "91-messages-search-opened").await;

    // A long message's preview in the list is cut between whole characters (issue 63.16): an
    // England flag (a black flag, five tags and the cancel tag) where the cut falls is kept
    // whole or left out, never shown as half a flag or the marks of its tags.
    let england = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}";
    let family = "👨\u{200D}👩\u{200D}👧";
    guest_writes(
        &server,
        &format!(
            "{}{england}{family} and more words after the cut",
            "Go team ".repeat(24) + "Go!"
        ),
    )
    .await;
    retype(&app, "[data-testid=chat-search]", "obrien").await;
    click(&app, "[data-testid=search-in-conversations]").await;
    until(
        "the list shows the new message's start, cut whole",
        || async {
            content_of(
                &app,
                "[data-testid=conversation][data-conversation-id='2'] .last-message",
            )
            .await
            .is_some_and(|preview| preview.starts_with("Go team") && preview.ends_with('…'))
        },
    )
    .await;
    let preview = text_of(
        &app,
        "[data-testid=conversation][data-conversation-id='2'] .last-message",
    )
    .await;
    assert!(
        !preview.contains("[U+"),
        "no tag shown as a mark: {preview}"
    );
    assert!(
        !preview
            .chars()
            .any(|c| ('\u{E0000}'..='\u{E007F}').contains(&c))
            || preview.contains(england),
        "the flag is whole or left out: {preview:?}"
    );
    screenshot(&app, "93-messages-preview-cut-whole").await;

    // Offline, the desk searches what it holds, and says so.
    click(&app, "[data-testid=search-in-messages]").await;
    proxy.cut();
    until(
        "offline, found among what the desk holds, and said",
        || async {
            // Searched again as the person types on (the desk learns it is offline meanwhile).
            retype(&app, "[data-testid=chat-search]", "small thing 79").await;
            let note = app
                .find(fantoccini::Locator::Css("[data-testid=search-offline]"))
                .await
                .is_ok();
            let found = content_of(&app, "[data-testid=search-hits]")
                .await
                .unwrap_or_default();
            note && found.contains("number 79")
        },
    )
    .await;
    drop(app);
    server.shutdown().await;
}
