//! Issue 65.10: the hotel's server upgraded under the desk. The 2026 server dropped offers and
//! galleries without copying them (API.md §10), so a desk that holds them may hold the hotel's
//! only copy. Here the classic sandbox's offers and galleries paths start answering 404, as
//! the upgraded server's do, under a desk that has read them: the desk keeps every offer and
//! gallery, says so (once a restart has it read every list again), and exports them on request into one new folder (a page a person reads,
//! the same as data, and the photos byte for byte, gallery photos in their order), with a
//! hostile offer title escaped in the page. Real sandbox over HTTP, real SQLite files, real
//! files written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::features::older_server::OlderServer;
use hotelmate_core::ConnectionStatus;
use hotelmate_sandbox::network::CutProxy;
use reqwest::Method;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);
const GONE: &[&str] = &[
    "GET /api/staff/hotel/killarney/offers/",
    "GET /api/staff/hotel/killarney/galleries/",
    "GET /api/staff/hotel/killarney/gallery-images/",
];

async fn get(server: &hotelmate_sandbox::SandboxHandle, token: &str, path: &str) -> Vec<Value> {
    let answer = rest(server, token, Method::GET, path, None).await;
    answer
        .get("results")
        .cloned()
        .unwrap_or(answer)
        .as_array()
        .cloned()
        .unwrap()
}

/// A desk (reading every 300 ms) signed in to the older `server` through a cuttable proxy,
/// once it has read every offer; with the offers as the server has them.
async fn desk_with_every_offer(
    server: &hotelmate_sandbox::SandboxHandle,
    token: &str,
    name: &str,
) -> (Home, hotelmate_core::Desk, CutProxy, Vec<Value>) {
    let home = Home::new(name);
    let desk = home.open_with_poll(Duration::from_millis(300));
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    sign_in(&desk, server, proxy.addr(), "sean.murphy").await;
    let offers = get(
        server,
        token,
        "/api/staff/hotel/killarney/offers/?page_size=100",
    )
    .await;
    eventually("the desk has every offer", WAIT, || async {
        desk.offers().list().unwrap().len() == offers.len()
    })
    .await;
    (home, desk, proxy, offers)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_desk_whose_server_drops_offers_and_galleries_keeps_them_says_so_and_exports_them_whole()
{
    let server = sandbox().await;
    let token = token(&server, "sean.murphy").await;
    rest(
        &server,
        &token,
        Method::POST,
        "/api/staff/hotel/killarney/offers/",
        Some(json!({"title": "<script>alert(1)</script> Spa", "short_description": "Two nights"})),
    )
    .await;
    let (_home, desk, proxy, offers) = desk_with_every_offer(&server, &token, "older-server").await;
    eventually("the desk has the galleries", WAIT, || async {
        !desk.pictures().overview().unwrap().galleries.is_empty()
    })
    .await;
    assert!(
        desk.handle::<OlderServer>().kept().unwrap().is_none(),
        "nothing is said while the server has offers"
    );

    // The server is upgraded: its offers and galleries are gone (404, §10.3).
    for line in GONE {
        server.refuse_every(line, 404, json!({"detail": "Not found."}));
    }
    // The upgrade restarts the server: the desk loses it a moment, and reads every list again
    // when it is back.
    proxy.cut();
    eventually("the desk sees the server gone", WAIT, || async {
        desk.connection_status() != ConnectionStatus::Online
    })
    .await;
    proxy.restore();
    eventually("the desk says what it keeps", WAIT, || async {
        desk.handle::<OlderServer>().kept().unwrap().is_some()
    })
    .await;
    let kept = desk.handle::<OlderServer>().kept().unwrap().unwrap();
    let galleries = desk.pictures().overview().unwrap().galleries;
    assert_eq!(kept.offers as usize, offers.len(), "every offer kept");
    assert_eq!(kept.galleries as usize, galleries.len());
    assert!(kept.words.contains("nothing is deleted"), "{}", kept.words);

    let parent = tempfile::tempdir().unwrap();
    let done = desk
        .handle::<OlderServer>()
        .export_to(parent.path())
        .await
        .unwrap();
    assert_eq!(done.offers as usize, offers.len());
    assert_eq!(done.galleries as usize, galleries.len());
    assert!(done.photos_missing.is_empty(), "{:?}", done.photos_missing);
    let folder = std::path::PathBuf::from(&done.folder);
    assert_eq!(folder.parent().unwrap(), parent.path());
    // Only the finished folder is there: nothing half-written beside it.
    let entries: Vec<_> = std::fs::read_dir(parent.path()).unwrap().collect();
    assert_eq!(entries.len(), 1);

    // The photos, byte for byte, gallery photos in the gallery's order.
    let gallery = galleries.iter().find(|g| g.images.len() >= 2).unwrap();
    let g = galleries.iter().position(|x| x.id == gallery.id).unwrap() + 1;
    for (n, image) in gallery.images.iter().enumerate() {
        let url = image.url.as_deref().unwrap();
        let original = reqwest::get(url).await.unwrap().bytes().await.unwrap();
        let stem = format!("gallery-{g:02}-{:03}", n + 1);
        let file = std::fs::read_dir(folder.join("photos"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_stem().unwrap().to_str() == Some(&stem))
            .unwrap_or_else(|| panic!("{stem} is exported"));
        assert_eq!(std::fs::read(file).unwrap(), original.to_vec(), "{stem}");
    }
    let photos = std::fs::read_dir(folder.join("photos")).unwrap().count();
    assert_eq!(photos as u32, done.photos);

    // The data: every offer with the fields a card has no place for.
    let data: Value =
        serde_json::from_slice(&std::fs::read(folder.join("offers-and-galleries.json")).unwrap())
            .unwrap();
    assert_eq!(data["offers"].as_array().unwrap().len(), offers.len());
    assert!(data["offers"][0].get("valid_to").is_some());
    assert!(data["offers"][0].get("book_now_url").is_some());
    // The page: each offer by name, the hostile one escaped.
    let page = std::fs::read_to_string(folder.join("offers-and-galleries.html")).unwrap();
    for offer in &offers {
        let title = offer["title"].as_str().unwrap();
        if !title.contains('<') {
            assert!(page.contains(&ammonia::clean_text(title)), "{title}");
        }
    }
    assert!(!page.contains("<script>"), "no markup from a title");
    assert!(page.contains("&lt;script&gt;"));

    // Nothing was deleted: the desk still holds them all.
    assert_eq!(desk.offers().list().unwrap().len(), offers.len());
    desk.sign_out().await.ok();
}

/// The hotel's server upgraded in place to the 2026 HotelMate under a signed-in desk: the new
/// server keeps the tokens table, so the desk's sign-in still works while the older paths
/// answer 404 (the sandbox of the 2026 server started at the same address, given the desk's
/// token). The desk does not stay on the older server's rules, saying only "no offers": it
/// asks once whether the server was upgraded (the 2026 "who am I", §10.3), asks the person
/// to sign in again saying why, and keeps everything; signed in again, it knows the new
/// server and says what it kept. Tried: the older server itself (its 404 on the 2026 path
/// asks nothing of the person, as the test above shows) and the upgraded one.
#[tokio::test(flavor = "multi_thread")]
async fn a_server_upgraded_in_place_under_a_signed_in_desk_asks_to_sign_in_again_and_loses_nothing()
{
    use hotelmate_core::events::DeskEvent;
    let classic = sandbox().await;
    let addr = classic.addr();
    let token = token(&classic, "sean.murphy").await;
    let (_home, desk, proxy, offers) =
        desk_with_every_offer(&classic, &token, "server-upgraded").await;
    let mut events = desk.subscribe();

    proxy.cut();
    classic.shutdown().await;
    let server = hotelmate_sandbox::Sandbox::start_generation(
        addr,
        hotelmate_sandbox::Generation::Hotelmate2026,
    )
    .await
    .unwrap();
    server.keep_token("sean.murphy", &token).unwrap();
    proxy.restore();

    let message = tokio::time::timeout(WAIT, async {
        loop {
            if let DeskEvent::SessionExpired { message, .. } = events.recv().await.unwrap() {
                break message;
            }
        }
    })
    .await
    .expect("the desk asks to sign in again");
    assert!(
        message.contains("was upgraded") && message.contains("nothing on this desk is lost"),
        "{message}"
    );
    assert!(desk.session().is_none(), "signed out until signed in again");
    let asked = server.request_counts();
    assert_eq!(
        asked.get("GET /api/staff/hotel/killarney/me/"),
        Some(&1),
        "asked once: {asked:?}"
    );

    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    eventually("the desk says what it kept", WAIT, || async {
        desk.handle::<OlderServer>()
            .kept()
            .unwrap()
            .is_some_and(|kept| kept.offers as usize == offers.len())
    })
    .await;
    assert_eq!(desk.offers().list().unwrap().len(), offers.len());
    desk.sign_out().await.ok();
    server.shutdown().await;
}
