//! Issue 65.10, the upgrade story: a desk that synced three offers (each with a photo, dates,
//! a tag and a link) and two galleries from fd6c529 meets the 2026 server at the same address
//! (the old server stopped, the new one started there; the person signs in again). Nothing
//! kept is lost, the export is complete from the desk's own copies, and each kept item is put
//! on the page in one step with the network cut: three cards last in the offers list (title,
//! subtitle, description; the photo as the desk prepares a picture), two gallery containers
//! last in the gallery section with their photos in the kept order. Kept through a restart,
//! sent once when the network is back; the offer's dates, tag and link are said beside it,
//! never put into a card field; a second republish asks; no body carries `hotel` or a parent
//! id that is not this hotel's. Real sandboxes (both generations) over HTTP through a cuttable
//! proxy, real SQLite files, real image preparation, real files written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::collections::HashSet;
use std::time::Duration;

use crate::support::*;
use hotelmate_core::features::older_server::{KeptItems, OlderServer};
use hotelmate_core::features::public_page::PageCards;
use hotelmate_core::media::{prepare, ImagePolicy};
use hotelmate_core::{ConnectionStatus, Desk, DeskError};
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::{Generation, Sandbox};
use reqwest::Method;
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(30);
const OFFERS: &str = "/api/staff/hotel/killarney/offers/";

fn items(desk: &Desk) -> Option<KeptItems> {
    desk.handle::<OlderServer>().kept_items().unwrap()
}

async fn synced(desk: &Desk) {
    eventually("the outbox is empty", WAIT, || async {
        desk.outbox_summary().unwrap().pending == 0
    })
    .await;
}

/// `rows` by (`sort_order`, id), as §17.4 and §17.5 order them.
fn in_order(mut rows: Vec<Value>) -> Vec<Value> {
    rows.sort_by_key(|r| (r["sort_order"].as_i64(), r["id"].as_i64()));
    rows
}

async fn bytes_of(url: &str) -> Vec<u8> {
    reqwest::get(url)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

/// A kept photo as the desk prepares a picture before sending it.
fn prepared(original: &[u8]) -> Vec<u8> {
    prepare("kept.jpg", original, &ImagePolicy::default())
        .unwrap()
        .image
        .bytes
}

/// Whether `body` names `key` anywhere in it.
fn names_key(body: &Value, key: &str) -> bool {
    match body {
        Value::Object(map) => map.iter().any(|(k, v)| k == key || names_key(v, key)),
        Value::Array(items) => items.iter().any(|v| names_key(v, key)),
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_desk_with_three_offers_and_two_galleries_from_the_older_server_puts_each_on_the_2026_page_once(
) {
    // The hotel on fd6c529: three offers, each with a photo, dates, a tag and a link; two
    // galleries of four photos each.
    let classic = sandbox().await;
    let addr = classic.addr();
    let token_then = token(&classic, "sean.murphy").await;
    let seeded = rest(
        &classic,
        &token_then,
        Method::GET,
        &format!("{OFFERS}?page_size=100"),
        None,
    )
    .await;
    let seeded = seeded.get("results").cloned().unwrap_or(seeded);
    for offer in seeded.as_array().unwrap().iter().skip(3) {
        let path = format!("{OFFERS}{}/", offer["id"]);
        rest(&classic, &token_then, Method::DELETE, &path, None).await;
    }
    let home = Home::new("older-server-republish");
    let desk = home.open_with_poll(Duration::from_millis(300));
    let proxy = CutProxy::start(addr).await.unwrap();
    sign_in(&desk, &classic, proxy.addr(), "sean.murphy").await;
    eventually(
        "the desk has the three offers and both galleries",
        WAIT,
        || async {
            desk.offers().list().unwrap().len() == 3
                && desk.pictures().overview().unwrap().galleries.len() == 2
        },
    )
    .await;
    let offers = desk.offers().list().unwrap();
    let galleries = desk.pictures().overview().unwrap().galleries;
    assert!(offers.iter().all(|o| o.photo_url.is_some()
        && o.valid_from.is_some()
        && !o.tag.is_empty()
        && !o.book_now_url.is_empty()));
    assert!(galleries.iter().all(|g| g.images.len() == 4));
    let photo_urls: Vec<String> = offers
        .iter()
        .filter_map(|o| o.photo_url.clone())
        .chain(
            galleries
                .iter()
                .flat_map(|g| g.images.iter().filter_map(|i| i.url.clone())),
        )
        .collect();
    // The desk keeps every photo it shows (its image keeper reads each once from the server).
    eventually("the desk has kept every photo", WAIT, || async {
        let asked = classic.request_counts();
        photo_urls.iter().all(|url| {
            let path = url.trim_start_matches(&classic.base_url());
            asked.keys().any(|line| line == &format!("GET {path}"))
        })
    })
    .await;
    // The originals (read after the desk kept them), to compare with what reaches the new
    // server.
    let mut originals = std::collections::HashMap::new();
    for url in &photo_urls {
        originals.insert(url.clone(), bytes_of(url).await);
    }

    // The upgrade: the old server stops; the 2026 server starts at the same address with no
    // offers or galleries (API.md §10.2), and the person signs in again.
    proxy.cut();
    classic.shutdown().await;
    let server = Sandbox::start_generation(addr, Generation::Hotelmate2026)
        .await
        .unwrap();
    proxy.restore();
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    eventually("the desk says what it keeps", WAIT, || async {
        items(&desk).is_some()
    })
    .await;
    let kept = desk.handle::<OlderServer>().kept().unwrap().unwrap();
    assert_eq!(
        (kept.offers, kept.galleries, kept.photos),
        (3, 2, 11),
        "nothing lost"
    );
    let export = tempfile::tempdir().unwrap();
    let done = desk
        .handle::<OlderServer>()
        .export_to(export.path())
        .await
        .unwrap();
    assert!(done.photos_missing.is_empty(), "{:?}", done.photos_missing);
    assert_eq!(
        (done.offers, done.galleries, done.photos),
        (3, 2, 11),
        "the export is complete"
    );

    // The offers list and the gallery section are read while online.
    eventually(
        "the page's lists and gallery sections are read",
        WAIT,
        || async {
            desk.handle::<PageCards>().get().unwrap().proposed.is_some()
                && items(&desk).unwrap().proposed_section.is_some()
        },
    )
    .await;
    let list = desk.handle::<PageCards>().get().unwrap().proposed.unwrap();
    desk.handle::<PageCards>().choose_list(list).unwrap();
    let section = items(&desk).unwrap().proposed_section.unwrap();
    let token = token(&server, "sean.murphy").await;
    let cards_before = server_rows(&server, &token, "cards").await.len();
    let containers_before = server_rows(&server, &token, "gallery-containers")
        .await
        .len();

    // Offline, one step per item.
    proxy.cut();
    eventually("the desk knows it is offline", WAIT, || async {
        desk.connection_status() != ConnectionStatus::Online
    })
    .await;
    let republish = desk.handle::<OlderServer>();
    for offer in &offers {
        republish.republish_offer(offer.id, false).await.unwrap();
    }
    for gallery in &galleries {
        republish
            .republish_gallery(gallery.id, section, false)
            .await
            .unwrap();
    }
    let shown = items(&desk).unwrap();
    for offer in &shown.offers {
        let state = offer.republished.as_ref().unwrap();
        assert!(state.id < 0 && !state.on_the_page, "{state:?}");
        assert!(state.words.contains("On its way"), "{}", state.words);
        assert!(
            offer.beside.iter().any(|b| b.starts_with("Valid from")),
            "{:?}",
            offer.beside
        );
        assert!(offer.beside.iter().any(|b| b.starts_with("Tag: ")));
        assert!(offer
            .beside
            .iter()
            .any(|b| b.starts_with("Booking link: https://")));
    }
    assert!(shown.galleries.iter().all(|g| g.republished.is_some()));

    // A restart before the network is back.
    desk.shutdown().await;
    drop(desk);
    let desk = home.open_with_poll(Duration::from_millis(300));
    desk.resume().await.unwrap().unwrap();
    assert!(
        items(&desk)
            .unwrap()
            .offers
            .iter()
            .all(|o| o.republished.is_some()),
        "what each became is kept through the restart"
    );
    proxy.restore();
    synced(&desk).await;

    // Exactly three new cards, last in the list, in the kept order, each with its photo as
    // the desk prepared it; the dates, tag and link in no card field.
    let cards: Vec<Value> = in_order(
        server_rows(&server, &token, "cards")
            .await
            .into_iter()
            .filter(|c| c["list_container"] == list)
            .collect(),
    );
    assert_eq!(
        server_rows(&server, &token, "cards").await.len(),
        cards_before + 3
    );
    let new_cards = &cards[cards.len() - 3..];
    for (card, offer) in new_cards.iter().zip(&offers) {
        assert_eq!(card["title"], offer.title.as_str());
        assert_eq!(card["subtitle"], offer.short_description.as_str());
        let shown = card["image_url"].as_str().unwrap();
        let original = &originals[offer.photo_url.as_ref().unwrap()];
        assert!(
            bytes_of(shown).await == prepared(original),
            "{}'s photo",
            offer.title
        );
        for field in ["title", "subtitle", "description"] {
            let text = card[field].as_str().unwrap();
            assert!(
                !text.contains(&offer.tag) || offer.title.contains(&offer.tag),
                "{field}: {text}"
            );
            assert!(!text.contains(&offer.book_now_url), "{field}: {text}");
        }
    }
    // Exactly two new containers, last in the section, named as kept, photos in order.
    let containers: Vec<Value> = in_order(
        server_rows(&server, &token, "gallery-containers")
            .await
            .into_iter()
            .filter(|c| c["section"] == section)
            .collect(),
    );
    assert_eq!(
        server_rows(&server, &token, "gallery-containers")
            .await
            .len(),
        containers_before + 2
    );
    let images = server_rows(&server, &token, "gallery-images").await;
    for (container, gallery) in containers[containers.len() - 2..].iter().zip(&galleries) {
        assert_eq!(container["name"], gallery.name.as_str());
        let theirs = in_order(
            images
                .iter()
                .filter(|i| i["gallery"] == container["id"])
                .cloned()
                .collect(),
        );
        assert_eq!(theirs.len(), gallery.images.len(), "{}", gallery.name);
        for (image, kept) in theirs.iter().zip(&gallery.images) {
            let original = &originals[kept.url.as_ref().unwrap()];
            assert!(
                bytes_of(image["image_url"].as_str().unwrap()).await == prepared(original),
                "{}: {}",
                gallery.name,
                kept.caption
            );
        }
    }
    eventually("each item says it is on the page", WAIT, || async {
        all_on_the_page(&items(&desk).unwrap())
    })
    .await;

    // The kept rows are still there, and a second republish asks instead of doing it.
    assert_eq!(desk.offers().list().unwrap().len(), 3);
    assert_eq!(desk.pictures().overview().unwrap().galleries.len(), 2);
    let again = desk
        .handle::<OlderServer>()
        .republish_offer(offers[0].id, false)
        .await;
    match again {
        Err(DeskError::InvalidInput {
            field: "again",
            message,
        }) => {
            assert!(message.contains("already"), "{message}");
        }
        other => panic!("a second republish asks first: {other:?}"),
    }
    let again = desk
        .handle::<OlderServer>()
        .republish_gallery(galleries[0].id, section, false)
        .await;
    assert!(matches!(
        again,
        Err(DeskError::InvalidInput { field: "again", .. })
    ));
    synced(&desk).await;
    assert_eq!(
        server_rows(&server, &token, "cards").await.len(),
        cards_before + 3
    );

    // No body carries `hotel`, and every parent id sent is this hotel's.
    let lists: HashSet<i64> = server_rows(&server, &token, "list-containers")
        .await
        .iter()
        .filter_map(|l| l["id"].as_i64())
        .collect();
    let ours: HashSet<i64> = server_rows(&server, &token, "gallery-containers")
        .await
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    let sections: HashSet<i64> = server_rows(&server, &token, "public-sections")
        .await
        .iter()
        .filter_map(|s| s["id"].as_i64())
        .collect();
    let sent: Vec<Value> = server
        .request_bodies()
        .into_iter()
        .filter(|r| r["path"].as_str().unwrap().starts_with("/api/staff/hotel/"))
        .collect();
    assert!(sent.len() >= 5, "the desk's writes were logged: {sent:?}");
    for request in &sent {
        let body = &request["body"];
        assert!(!names_key(body, "hotel"), "{request}");
        for (key, known) in [
            ("list_container", &lists),
            ("gallery", &ours),
            ("section", &sections),
        ] {
            if let Some(id) = body
                .get(key)
                .and_then(|v| v.as_str().map_or(v.as_i64(), |s| s.parse().ok()))
            {
                assert!(
                    known.contains(&id),
                    "{key} {id} is not this hotel's: {request}"
                );
            }
        }
    }
    desk.shutdown().await;
    server.shutdown().await;
}

/// Whether every kept item says the server has it all.
fn all_on_the_page(shown: &KeptItems) -> bool {
    let on = |r: Option<&hotelmate_core::features::older_server::Republished>| {
        r.is_some_and(|r| r.on_the_page)
    };
    shown.offers.iter().all(|o| on(o.republished.as_ref()))
        && shown.galleries.iter().all(|g| on(g.republished.as_ref()))
}
