//! The offers as cards on the 2026 server (issue 65 item 5; API.md §17.5, §17.9 items 2 and 8):
//! three cards made with the network cut, each with its picture, kept through a restart,
//! reach the server once and in order with their pictures; a colleague's change of the same
//! card's title meanwhile is a decision shown to the person, never overwritten; and no request
//! body carries `hotel` or an id of another hotel's list or card, even when the server's
//! answers list one. Real sandbox (2026 generation) over HTTP through a cuttable TCP proxy,
//! real SQLite files, real image preparation, the test session's keyring.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::engine::view::RowSync;
use hotelmate_core::features::public_page::{CardPatch, OfferCard, OfferCards, PageCards};
use hotelmate_core::Desk;
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::SandboxHandle;
use reqwest::Method;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);
const CARDS: &str = "/api/staff/hotel/killarney/cards/";
const LISTS: &str = "/api/staff/hotel/killarney/list-containers/";

fn offers(desk: &Desk) -> OfferCards {
    desk.handle::<PageCards>().get().unwrap()
}

fn titled(desk: &Desk, title: &str) -> OfferCard {
    offers(desk)
        .cards
        .into_iter()
        .find(|c| c.title == title)
        .unwrap_or_else(|| panic!("no card {title}: {:?}", titles(desk)))
}

fn titles(desk: &Desk) -> Vec<String> {
    offers(desk).cards.into_iter().map(|c| c.title).collect()
}

/// Waits for the lists to be read, and chooses the one the desk proposes (the demo's
/// "Offers").
async fn chosen(desk: &Desk) {
    eventually("the admin's desk proposes a list", WAIT, || async {
        offers(desk).proposed.is_some()
    })
    .await;
    let proposed = offers(desk).proposed.unwrap();
    let cards = desk.handle::<PageCards>().choose_list(proposed).unwrap();
    assert!(cards.note.contains("“Offers”"), "{}", cards.note);
    eventually("the offers' cards are read", WAIT, || async {
        offers(desk).cards.len() == 3
    })
    .await;
}

async fn synced(desk: &Desk) {
    eventually("the outbox is empty", WAIT, || async {
        desk.outbox_summary().unwrap().pending == 0
    })
    .await;
}

fn jpeg(shade: u8) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8, y as u8, shade]));
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    bytes
}

fn card(title: &str) -> CardPatch {
    CardPatch {
        title: Some(title.into()),
        subtitle: Some(format!("{title}, the subtitle")),
        description: Some(format!("{title}, told plainly.")),
    }
}

/// The demo list's cards on the server, by (`sort_order`, id): (title, has a picture).
async fn on_server(server: &SandboxHandle, list: i64) -> Vec<(String, bool)> {
    let token = token(server, "sean.murphy").await;
    let mut rows: Vec<Value> = server_rows(server, &token, "cards")
        .await
        .into_iter()
        .filter(|c| c["list_container"] == list)
        .collect();
    rows.sort_by_key(|r| (r["sort_order"].as_i64(), r["id"].as_i64()));
    rows.iter()
        .map(|r| {
            (
                r["title"].as_str().unwrap().to_owned(),
                r["image"].is_string(),
            )
        })
        .collect()
}

fn card_writes(server: &SandboxHandle, op: &str) -> Vec<Value> {
    server
        .writes()
        .into_iter()
        .filter(|w| w["resource"] == "card" && w["op"] == op)
        .map(|w| w["fields"].clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn three_cards_made_offline_reach_the_server_once_in_order_with_their_pictures_after_a_restart(
) {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("page-cards-offline");
    let desk = home.open();
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    chosen(&desk).await;
    let list = offers(&desk).chosen.unwrap();

    proxy.cut();
    eventually("the desk knows it is offline", WAIT, || async {
        desk.connection_status() != hotelmate_core::ConnectionStatus::Online
    })
    .await;
    let cards = desk.handle::<PageCards>();
    for (shade, title) in [(10, "Spa Day"), (90, "Golf Weekend"), (200, "Family Break")] {
        cards.add_card(&card(title)).unwrap();
        let new = titled(&desk, title);
        assert!(new.id < 0, "shown at once under a temporary id");
        let shown = cards
            .set_card_image(new.id, format!("{title}.jpg"), jpeg(shade))
            .await
            .unwrap();
        assert!(shown
            .cards
            .iter()
            .any(|c| c.title == title && c.image_waiting));
    }
    assert!(
        card_writes(&server, "create").is_empty(),
        "nothing reached the server"
    );
    desk.shutdown().await;
    drop(desk);

    let desk = home.open();
    desk.resume().await.unwrap().unwrap();
    let kept = [
        "Lakeside Spa Retreat",
        "Golf Getaway",
        "Winter Escape",
        "Spa Day",
        "Golf Weekend",
        "Family Break",
    ];
    assert_eq!(titles(&desk), kept, "kept through the restart, in order");
    assert_eq!(titled(&desk, "Golf Weekend").sync, RowSync::Pending);
    proxy.restore();
    synced(&desk).await;
    let there = on_server(&server, list).await;
    assert_eq!(
        there.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        kept,
        "each once, in order"
    );
    assert!(
        there.iter().all(|(_, picture)| *picture),
        "each with its picture: {there:?}"
    );
    let creates = card_writes(&server, "create");
    assert_eq!(creates.len(), 3, "{creates:?}");
    assert_eq!(
        server.requests_to(&format!("POST {CARDS}")),
        3,
        "three creates"
    );
    let uploads: u64 = server
        .request_counts()
        .iter()
        .filter(|(line, _)| {
            line.starts_with(&format!("POST {CARDS}")) && line.ends_with("/upload-image/")
        })
        .map(|(_, n)| n)
        .sum();
    assert_eq!(uploads, 3, "three uploads, none twice");
    eventually(
        "the new cards show under their server ids",
        WAIT,
        || async {
            offers(&desk)
                .cards
                .iter()
                .all(|c| c.id > 0 && c.sync == RowSync::Synced && c.image_url.is_some())
        },
    )
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_colleagues_title_change_of_the_same_card_meanwhile_is_shown_not_overwritten() {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("page-cards-colleague");
    let desk = home.open();
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    chosen(&desk).await;
    let golf = titled(&desk, "Golf Getaway").id;

    proxy.cut();
    let mine = CardPatch {
        title: Some("Golf for Two".into()),
        ..CardPatch::default()
    };
    desk.handle::<PageCards>().update_card(golf, &mine).unwrap();
    let token = token(&server, "sean.murphy").await;
    rest(
        &server,
        &token,
        Method::PATCH,
        &format!("{CARDS}{golf}/"),
        Some(json!({"title": "Golf & Dine"})),
    )
    .await;
    proxy.restore();
    eventually("the desk asks its person", WAIT, || async {
        desk.outbox_summary().unwrap().conflicts == 1
    })
    .await;
    let conflicts = desk.conflicts().unwrap();
    assert_eq!((conflicts.len(), conflicts[0].id), (1, golf));
    let field = &conflicts[0].fields[0];
    assert_eq!(
        (field.mine.as_str(), field.theirs.as_str()),
        (Some("Golf for Two"), Some("Golf & Dine"))
    );
    assert_eq!(titled(&desk, "Golf for Two").sync, RowSync::Conflict);
    let list = offers(&desk).chosen.unwrap();
    assert!(
        on_server(&server, list)
            .await
            .iter()
            .any(|(t, _)| t == "Golf & Dine"),
        "the colleague's title stays until the person decides"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// Whether `value` has a key `hotel` anywhere, or the number `id` anywhere.
fn carries(value: &Value, id: i64) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| k == "hotel" || carries(v, id)),
        Value::Array(items) => items.iter().any(|v| carries(v, id)),
        Value::Number(n) => n.as_i64() == Some(id),
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_card_request_carries_the_hotel_or_an_id_of_another_hotels_list_or_card() {
    const FOREIGN_LIST: i64 = 9_998;
    const FOREIGN_CARD: i64 = 9_997;
    let server = sandbox_2026().await;
    let token = token(&server, "sean.murphy").await;
    // Answers that mix hotels (§17.9 item 2): a list on a section of hotel 2, and a card in it.
    let mut lists = rest(&server, &token, Method::GET, LISTS, None).await;
    lists["results"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": FOREIGN_LIST, "section": 4_242,
        "title": "Galway Bay's offers", "style_variant": 1, "sort_order": 0, "cards": [],
        "card_count": 1}));
    server.refuse_every(&format!("GET {LISTS}"), 200, lists);
    let mut cards = rest(&server, &token, Method::GET, CARDS, None).await;
    let ours = cards["results"][0]["list_container"].as_i64().unwrap();
    let mut theirs = cards["results"][0].clone();
    theirs["id"] = json!(FOREIGN_CARD);
    theirs["list_container"] = json!(FOREIGN_LIST);
    theirs["title"] = json!("Galway Bay's card");
    cards["results"].as_array_mut().unwrap().push(theirs);
    cards["count"] = json!(4);
    server.refuse_every(&format!("GET {CARDS}"), 200, cards);

    let home = Home::new("page-cards-foreign");
    let desk = home.open();
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    eventually("the admin's desk proposes a list", WAIT, || async {
        offers(&desk).proposed.is_some()
    })
    .await;
    let shown = offers(&desk);
    assert!(
        shown.lists.iter().all(|l| l.id != FOREIGN_LIST),
        "another hotel's list is not offered: {:?}",
        shown.lists
    );
    let handle = desk.handle::<PageCards>();
    assert!(handle.choose_list(FOREIGN_LIST).is_err());
    handle.choose_list(ours).unwrap();
    eventually("the cards are read", WAIT, || async {
        offers(&desk).cards.len() == 3
    })
    .await;
    assert!(titles(&desk).iter().all(|t| !t.starts_with("Galway")));
    assert!(handle.update_card(FOREIGN_CARD, &card("Mine now")).is_err());
    assert!(handle.delete_card(FOREIGN_CARD).is_err());
    // The server answers truthfully again for the edits below (a fixed list would hide them).
    server.stop_refusing(&format!("GET {LISTS}"));
    server.stop_refusing(&format!("GET {CARDS}"));
    // A read of the fixed answers still on its way lands first (waited for, not slept).
    desk.settled().await;
    handle.add_card(&card("Spa Day")).unwrap();
    handle
        .update_card(titled(&desk, "Golf Getaway").id, &card("Golf for Two"))
        .unwrap();
    handle.move_card(titled(&desk, "Spa Day").id, 0).unwrap();
    handle
        .clear_card_image(titled(&desk, "Winter Escape").id)
        .unwrap();
    synced(&desk).await;

    let sent: Vec<Value> = server
        .request_bodies()
        .into_iter()
        .filter(|r| r["path"].as_str().unwrap().starts_with("/api/staff/hotel/"))
        .collect();
    assert!(sent.len() >= 4, "the desk's writes were logged: {sent:?}");
    for request in &sent {
        for foreign in [FOREIGN_LIST, FOREIGN_CARD] {
            assert!(
                !carries(&request["body"], foreign) && request["unread"].is_null(),
                "a body with `hotel` or another hotel's id: {request}"
            );
        }
    }
    let asked_foreign: Vec<String> = server
        .request_counts()
        .into_keys()
        .filter(|line| line.contains(&FOREIGN_CARD.to_string()))
        .collect();
    assert!(asked_foreign.is_empty(), "{asked_foreign:?}");
    desk.shutdown().await;
    server.shutdown().await;
}

/// The page builder's requests while `intervals` poll intervals pass.
async fn builder_reads_over(server: &SandboxHandle, poll: Duration, intervals: u32) -> u64 {
    requests_during(server, poll * intervals)
        .await
        .iter()
        .filter(|(line, _)| {
            ["public-sections/", "list-containers/", "cards/"]
                .iter()
                .any(|path| line.starts_with(&format!("GET /api/staff/hotel/killarney/{path}")))
                || line.starts_with("GET /api/public/hotel/")
        })
        .map(|(_, n)| n)
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cards_are_read_each_interval_while_the_offers_show_and_not_otherwise() {
    let server = sandbox_2026().await;
    let home = Home::new("page-cards-pace");
    let poll = Duration::from_millis(1500);
    // Both timers short: without live updates everything is read each poll interval (a
    // minute); with them, what no event announces (all of the page builder, §17.9 item 7) each
    // quiet interval (ten minutes) while its screen shows.
    let desk = home.open_with(|options| {
        options.poll_interval = poll;
        options.quiet_interval = poll;
    });
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    chosen(&desk).await;
    desk.looking_at(hotelmate_core::events::View::Offers);
    let intervals = 4;
    let open = builder_reads_over(&server, poll, intervals).await;
    desk.looking_away();
    desk.settled().await;
    let closed = builder_reads_over(&server, poll, intervals).await;
    let per_interval = open as f64 / f64::from(intervals);
    println!(
        "page-builder requests per timer interval with the Offers screen open on 2026: \
         {per_interval:.1} (live: one each ten minutes, {:.2} a minute); closed: {:.1}",
        per_interval / 10.0,
        closed as f64 / f64::from(intervals)
    );
    assert!(
        open >= u64::from(intervals - 2) * 3,
        "sections, lists and cards read about once an interval while shown: {open}"
    );
    assert!(per_interval <= 4.0, "one page of each, no more: {open}");
    assert_eq!(closed, 0, "nothing read while the screen is closed");
    desk.shutdown().await;
}
