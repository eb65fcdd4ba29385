//! The desk's life across restarts, as staff live it: quit and reopen and carry on editing; reopen
//! with the network down; the server ending a sign-in; a photo picked while its offer is still on
//! its way. Real sandbox over HTTP and WebSocket, real SQLite files, the real keyring of the test
//! session; network cuts go through a TCP proxy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::{Duration, Instant};

use crate::support::*;
use hotelmate_core::engine::view::RowSync;
use hotelmate_core::features::offers::OfferPatch;
use hotelmate_core::session::secrets::StaffToken;
use hotelmate_core::{ConnectionStatus, Desk, DeskEvent};
use hotelmate_sandbox::network::CutProxy;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);

/// An offer edit as the editor sends it.
fn fields(value: Value) -> OfferPatch {
    serde_json::from_value(value).unwrap()
}

async fn server_offer(server: &hotelmate_sandbox::SandboxHandle, id: i64) -> Value {
    let tok = token(server, "anna.byrne").await;
    rest(
        server,
        &tok,
        reqwest::Method::GET,
        &format!("/api/staff/hotel/killarney/offers/{id}/"),
        None,
    )
    .await
}

async fn loaded(desk: &Desk) {
    eventually("the offers are loaded", WAIT, || async {
        !desk.offers().list().unwrap().is_empty()
    })
    .await;
}

async fn synced(desk: &Desk) {
    eventually("the outbox is empty", WAIT, || async {
        desk.outbox_summary().unwrap().pending == 0
    })
    .await;
}

/// Sign in, quit, reopen: an edit, a switch and a reorder made after the restart each reach the
/// server, and so does an edit that was still queued when the desk quit.
#[tokio::test(flavor = "multi_thread")]
async fn after_a_restart_every_kind_of_edit_reaches_the_server() {
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("restart-edits");
    let desk = home.open();
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    loaded(&desk).await;
    let offers = desk.offers().list().unwrap();
    let (first, second) = (offers[0].id, offers[1].id);

    // Queued with the network down, then the desk quits.
    proxy.cut();
    desk.offers()
        .update(first, &fields(json!({"tag": "Queued before quitting"})))
        .unwrap();
    desk.shutdown().await;
    drop(desk);
    proxy.restore();

    let started = Instant::now();
    let reopened = home.open();
    let session = reopened.resume().await.unwrap().expect("opens signed in");
    assert_eq!(session.display_name, "Seán Murphy");
    eventually("the queued edit reaches the server", WAIT, || async {
        server_offer(&server, first).await["tag"] == "Queued before quitting"
    })
    .await;
    println!(
        "restart to queued edit on the server: {} ms",
        started.elapsed().as_millis()
    );

    let edited = Instant::now();
    reopened
        .offers()
        .update(second, &fields(json!({"title": "Edited after restart"})))
        .unwrap();
    eventually(
        "the edit after the restart reaches the server",
        WAIT,
        || async { server_offer(&server, second).await["title"] == "Edited after restart" },
    )
    .await;
    println!(
        "edit after restart to the server: {} ms",
        edited.elapsed().as_millis()
    );
    reopened.offers().set_active(second, false).unwrap();
    eventually("the switch reaches the server", WAIT, || async {
        server_offer(&server, second).await["is_active"] == false
    })
    .await;
    let mut order: Vec<i64> = reopened
        .offers()
        .list()
        .unwrap()
        .iter()
        .map(|o| o.id)
        .collect();
    order.swap(0, 1);
    reopened.offers().reorder(&order).unwrap();
    synced(&reopened).await;
    let (a, b) = (
        server_offer(&server, order[0]).await,
        server_offer(&server, order[1]).await,
    );
    assert!(
        a["sort_order"].as_i64() < b["sort_order"].as_i64(),
        "the new order is on the server: {} before {}",
        a["sort_order"],
        b["sort_order"]
    );
    eventually("the status bar says connected", WAIT, || async {
        reopened.connection_status() == ConnectionStatus::Online
    })
    .await;
    reopened.shutdown().await;
    server.shutdown().await;
}

/// Reopened with no network: the cached offers show at once with their pending badges, the
/// status bar says offline in plain words, and everything is sent when the network returns.
#[tokio::test(flavor = "multi_thread")]
async fn a_restart_with_the_network_cut_shows_the_cache_and_sends_when_it_returns() {
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("restart-offline");
    let desk = home.open();
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    loaded(&desk).await;
    let id = desk.offers().list().unwrap()[2].id;
    desk.shutdown().await;
    drop(desk);

    proxy.cut();
    let reopened = home.open();
    let mut events = reopened.subscribe();
    reopened.resume().await.unwrap().expect("opens signed in");
    assert!(
        reopened.offers().list().unwrap().len() >= 6,
        "cached offers show"
    );
    let shown = reopened
        .offers()
        .update(id, &fields(json!({"tag": "Made with no network"})))
        .unwrap();
    assert_eq!(shown.sync, RowSync::Pending, "marked as waiting to be sent");
    let offline = tokio::time::timeout(WAIT, async {
        loop {
            if let DeskEvent::Connection {
                status: status @ ConnectionStatus::Offline { .. },
            } = events.recv().await.unwrap()
            {
                break status;
            }
        }
    })
    .await
    .expect("the status bar says offline");
    let ConnectionStatus::Offline { reason, .. } = offline else {
        unreachable!()
    };
    assert_eq!(reason, "No connection to the hotel's server.");

    proxy.restore();
    eventually(
        "the edit reaches the server",
        Duration::from_secs(40),
        || async { server_offer(&server, id).await["tag"] == "Made with no network" },
    )
    .await;
    eventually("connected again", WAIT, || async {
        reopened.connection_status() == ConnectionStatus::Online
    })
    .await;
    reopened.shutdown().await;
    server.shutdown().await;
}

/// The server stops accepting the token while an edit waits: the desk signs out cleanly, keeps
/// the edit, offers to sign in as the same person, and sends the edit once they do.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_token_signs_out_keeps_the_edits_and_sends_them_after_signing_in_again() {
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("revoked");
    let desk = home.open();
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    // Issue 23.3: a reply to a guest and a gallery photo wait too, and are kept the same way.
    let waiting = each_kind_waiting_offline(
        &desk,
        &server,
        &proxy,
        ["Kept through a sign-in", "Kept reply through a sign-in"],
    )
    .await;
    let (id, gallery) = (waiting.offer, waiting.gallery);
    desk.shutdown().await;
    drop(desk);
    // Meanwhile the token was revoked on the server (an admin deleted it): the keyring holds a
    // token the server refuses.
    let account = format!("sean.murphy@{}", proxy.addr().ip());
    home.vault
        .store(&account, &StaffToken::new("0".repeat(40)))
        .await
        .unwrap();
    proxy.restore();

    let reopened = home.open();
    let mut events = reopened.subscribe();
    reopened.resume().await.unwrap().expect("opens signed in");
    let again = tokio::time::timeout(WAIT, async {
        loop {
            if let DeskEvent::SessionExpired { message, again } = events.recv().await.unwrap() {
                assert!(message.contains("sign in again"), "{message}");
                break again;
            }
        }
    })
    .await
    .expect("the desk says the sign-in ended")
    .expect("and offers to sign in as the same person");
    assert_eq!(again.username, "sean.murphy");
    assert_eq!(again.waiting_edits, 3, "the edit, the reply and the photo");
    assert!(reopened.session().is_none(), "signed out");
    assert!(
        home.vault.load(&account).await.unwrap().is_none(),
        "token gone"
    );
    assert!(
        reopened
            .offers()
            .update(id, &fields(json!({"tag": "x"})))
            .is_err(),
        "no edits while signed out"
    );

    let images_before = waiting.images_before;
    sign_in(&reopened, &server, proxy.addr(), "sean.murphy").await;
    eventually("the kept edit reaches the server", WAIT, || async {
        server_offer(&server, id).await["tag"] == "Kept through a sign-in"
    })
    .await;
    eventually("the kept reply reaches the guest", WAIT, || async {
        thread_texts(&server, ROOM_102)
            .await
            .iter()
            .filter(|t| *t == "Kept reply through a sign-in")
            .count()
            == 1
    })
    .await;
    eventually("the kept photo reaches the gallery", WAIT, || async {
        gallery_images(&server, gallery).await == images_before + 1
    })
    .await;
    reopened.shutdown().await;
    server.shutdown().await;
}

/// Issue 23.3: with no network and work waiting (an edit, a reply to a guest, a photo), Sign out
/// does not delete it: the desk refuses, says what would be lost, and stays signed in; the work
/// reaches the server when the network returns. Discarding is the person's explicit choice.
#[tokio::test(flavor = "multi_thread")]
async fn sign_out_with_unsent_work_asks_first_and_staying_signed_in_sends_it_all() {
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("sign-out-keeps");
    let desk = home.open();
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    let waiting = each_kind_waiting_offline(
        &desk,
        &server,
        &proxy,
        ["Not lost by a sign-out", "A reply not lost by a sign-out"],
    )
    .await;
    let (id, gallery, images_before) = (waiting.offer, waiting.gallery, waiting.images_before);

    let err = desk.sign_out().await.unwrap_err();
    assert_eq!(err.code(), hotelmate_core::desk::ErrorCode::UnsentWork);
    assert_eq!(
        err.to_string(),
        "signing out now would delete what has not reached the server: 1 edit, 1 photo and \
         1 reply to a guest not sent yet"
    );
    assert!(desk.session().is_some(), "still signed in");
    assert_eq!(
        desk.outbox_summary().unwrap().pending,
        3,
        "every kind is counted"
    );

    proxy.restore();
    eventually("the edit reaches the server", WAIT, || async {
        server_offer(&server, id).await["tag"] == "Not lost by a sign-out"
    })
    .await;
    eventually("the reply reaches the guest", WAIT, || async {
        thread_texts(&server, ROOM_102)
            .await
            .contains(&"A reply not lost by a sign-out".to_owned())
    })
    .await;
    eventually("the photo reaches the gallery", WAIT, || async {
        gallery_images(&server, gallery).await == images_before + 1
    })
    .await;
    eventually("nothing waits", WAIT, || async {
        desk.unsent_work().unwrap().total() == 0
    })
    .await;
    desk.sign_out().await.unwrap();
    assert!(desk.session().is_none());

    // Discarding is possible, when chosen.
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    loaded(&desk).await;
    proxy.cut();
    desk.offers()
        .update(id, &fields(json!({"tag": "Discarded on purpose"})))
        .unwrap();
    desk.sign_out_discarding(true).await.unwrap();
    assert!(desk.session().is_none());
    proxy.restore();
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    loaded(&desk).await;
    assert_eq!(desk.unsent_work().unwrap().total(), 0);
    assert_eq!(
        server_offer(&server, id).await["tag"],
        "Not lost by a sign-out"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// Room 102's conversation in the seed.
const ROOM_102: i64 = 2;

/// What `each_kind_waiting_offline` left waiting, and where.
struct Waiting {
    offer: i64,
    gallery: i64,
    /// The gallery's images on the server before the photo was added.
    images_before: usize,
}

/// With `desk` signed in through `proxy`: cuts the network and leaves one of each kind of work
/// waiting: the first offer's tag set to `texts[0]`, a reply `texts[1]` to room 102, and a
/// photo added to the first gallery.
async fn each_kind_waiting_offline(
    desk: &Desk,
    server: &hotelmate_sandbox::SandboxHandle,
    proxy: &CutProxy,
    texts: [&str; 2],
) -> Waiting {
    loaded(desk).await;
    eventually("the galleries are here", WAIT, || async {
        !desk.pictures().overview().unwrap().galleries.is_empty()
    })
    .await;
    let offer = desk.offers().list().unwrap()[0].id;
    let gallery = desk.pictures().overview().unwrap().galleries[0].id;
    let images_before = gallery_images(server, gallery).await;
    proxy.cut();
    desk.offers()
        .update(offer, &fields(json!({ "tag": texts[0] })))
        .unwrap();
    desk.chat().send(ROOM_102, texts[1], None).unwrap();
    desk.pictures()
        .add_image(gallery, "waiting-photo.png".into(), png(64, 48))
        .await
        .unwrap();
    Waiting {
        offer,
        gallery,
        images_before,
    }
}

/// The texts of a conversation's messages on the server.
async fn thread_texts(
    server: &hotelmate_sandbox::SandboxHandle,
    conversation_id: i64,
) -> Vec<String> {
    let tok = token(server, "anna.byrne").await;
    let answer = rest(
        server,
        &tok,
        reqwest::Method::GET,
        &format!("/api/chat/killarney/conversations/{conversation_id}/messages/?limit=100"),
        None,
    )
    .await;
    let messages = answer
        .get("messages")
        .or(answer.get("results"))
        .cloned()
        .unwrap_or(answer);
    messages
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|m| m["message"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// How many images the server's copy of a gallery has.
async fn gallery_images(server: &hotelmate_sandbox::SandboxHandle, gallery: i64) -> usize {
    let tok = token(server, "anna.byrne").await;
    rest(
        server,
        &tok,
        reqwest::Method::GET,
        &format!("/api/staff/hotel/killarney/galleries/{gallery}/"),
        None,
    )
    .await["images"]
        .as_array()
        .map_or(0, Vec::len)
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut png = Vec::new();
    image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 3) as u8, (y * 5) as u8, 90])
    })
    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    .unwrap();
    png
}

/// A photo picked for a new offer is prepared for a while; the create finishes meanwhile and the
/// offer gets its server id. The photo, queued under the temporary id the editor still holds,
/// reaches that offer on the server.
#[tokio::test(flavor = "multi_thread")]
async fn a_photo_picked_while_the_offer_is_being_created_reaches_the_server() {
    let server = sandbox().await;
    let (desk, _dir) = desk("photo-during-create");
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    loaded(&desk).await;
    let mut events = desk.subscribe();
    let draft = desk
        .offers()
        .create(&fields(
            json!({"title": "Photo during create", "short_description": "Race"}),
        ))
        .unwrap();
    assert!(draft.id < 0);
    let id = tokio::time::timeout(WAIT, async {
        loop {
            if let DeskEvent::IdAssigned { temp_id, id, .. } = events.recv().await.unwrap() {
                if temp_id == draft.id {
                    break id;
                }
            }
        }
    })
    .await
    .expect("the create reaches the server");
    // The editor still holds the temporary id when the prepared photo is queued.
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(800, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    }))
    .write_to(
        &mut std::io::Cursor::new(&mut jpeg),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    let shown = desk
        .offers()
        .set_photo(draft.id, "pool.jpg".into(), jpeg)
        .await
        .expect("the offer is found by its temporary id");
    assert_eq!(shown.id, id, "shown under its server id");
    synced(&desk).await;
    let on_server = server_offer(&server, id).await;
    assert!(
        on_server["photo_url"]
            .as_str()
            .is_some_and(|u| !u.is_empty()),
        "the photo is on the server: {on_server}"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// A saved live-update setting that cannot be read (a damaged row) is said, not swallowed: the
/// desk opens, works over REST, and the status bar says live updates are off and why.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_live_update_setting_is_said_and_the_desk_still_works() {
    let server = sandbox().await;
    let home = Home::new("damaged-pusher");
    let desk = home.open();
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    loaded(&desk).await;
    desk.shutdown().await;
    drop(desk);
    {
        let conn = rusqlite::Connection::open(
            hotelmate_core::session::config::DataDir::at(home.dir.path()).database(),
        )
        .unwrap();
        conn.execute(
            "UPDATE session SET pusher = '{\"SelfHosted\": {\"key\"' WHERE id = 1",
            [],
        )
        .unwrap();
    }
    let desk = home.open();
    desk.resume().await.unwrap().expect("still signed in");
    eventually(
        "the status bar says live updates are off, and why",
        WAIT,
        || async {
            matches!(
                desk.connection_status(),
                ConnectionStatus::LiveOff { ref reason } if reason.contains("live-update settings")
            )
        },
    )
    .await;
    let id = desk.offers().list().unwrap()[0].id;
    desk.offers()
        .update(id, &fields(json!({"tag": "Still works"})))
        .unwrap();
    synced(&desk).await;
    assert_eq!(server_offer(&server, id).await["tag"], "Still works");
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 23.7: a background task that panics (a bug) is logged, told to the UI and started
/// again; what it was doing is not lost. The chat sender and the sync worker are made to panic
/// through the test-support fault hook; the reply and the edit queued meanwhile still arrive.
#[tokio::test(flavor = "multi_thread")]
async fn a_background_task_that_panics_is_restarted_and_its_work_goes_on() {
    use hotelmate_core::engine::supervise::faults;
    let server = sandbox().await;
    let home = Home::new("supervised");
    let desk = home.open();
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    loaded(&desk).await;
    let mut events = desk.subscribe();
    let id = desk.offers().list().unwrap()[0].id;

    faults::panic_next("chat_sender");
    faults::panic_next("sync");
    desk.chat()
        .send(ROOM_102, "Sent after a restart of the sender", None)
        .unwrap();
    desk.offers()
        .update(
            id,
            &fields(json!({"tag": "Sent after a restart of the worker"})),
        )
        .unwrap();

    let mut restarted = Vec::new();
    tokio::time::timeout(WAIT, async {
        while restarted.len() < 2 {
            if let DeskEvent::TaskRestarted { task, restarts } = events.recv().await.unwrap() {
                assert_eq!(restarts, 1);
                restarted.push(task);
            }
        }
    })
    .await
    .expect("both restarts are told");
    restarted.sort();
    assert_eq!(
        restarted,
        [
            "sending changes and reading the server",
            "sending replies to guests"
        ]
    );
    eventually("the reply reaches the guest", WAIT, || async {
        thread_texts(&server, ROOM_102)
            .await
            .contains(&"Sent after a restart of the sender".to_owned())
    })
    .await;
    eventually("the edit reaches the server", WAIT, || async {
        server_offer(&server, id).await["tag"] == "Sent after a restart of the worker"
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}
