//! The public page's galleries changed on the desk (issue 65 item 4; API.md §17.4, §17.9
//! items 2, 5 and 6): an admin's gallery made offline and the photos dropped into it, kept
//! through a restart, reach the server once each and in the order they were dropped (each by
//! its own POST, behind its new gallery); photos moved are numbered apart, one PATCH per
//! moved photo; a colleague's caption change meanwhile is a decision shown to the person,
//! never overwritten; and no request body carries `hotel` or a gallery of another hotel, even
//! when the server's list names one. Real sandbox (2026 generation) over HTTP through a
//! cuttable TCP proxy, real SQLite files, real image preparation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::desk::Resolution;
use hotelmate_core::engine::view::RowSync;
use hotelmate_core::features::public_page::{
    PageGallery, PageImagePatch, PageSection, PublicPageHandle,
};
use hotelmate_core::Desk;
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::SandboxHandle;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Digest;

const WAIT: Duration = Duration::from_secs(30);
const CONTAINERS: &str = "/api/staff/hotel/killarney/gallery-containers/";
const IMAGES: &str = "/api/staff/hotel/killarney/gallery-images/";

/// A small PNG of one colour: each photo's bytes differ.
fn picture(shade: u8) -> Vec<u8> {
    let mut png = Vec::new();
    image::RgbImage::from_fn(64, 48, |x, _| image::Rgb([shade, (x * 3) as u8, 90]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

fn gallery_section(desk: &Desk) -> PageSection {
    desk.handle::<PublicPageHandle>()
        .get()
        .unwrap()
        .and_then(|p| p.sections.into_iter().find(|s| s.name == "Gallery"))
        .expect("the Gallery section")
}

fn gallery(desk: &Desk, name: &str) -> PageGallery {
    gallery_section(desk)
        .galleries
        .into_iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no gallery {name}"))
}

/// The admin's desk has read the staff list of galleries (its images carry their sync state
/// and both seeded galleries show, with three photos each).
async fn loaded(desk: &Desk) {
    eventually("the admin's desk has read the galleries", WAIT, || async {
        let page = desk.handle::<PublicPageHandle>().get().ok().flatten();
        page.is_some_and(|p| {
            p.sections
                .iter()
                .find(|s| s.name == "Gallery")
                .is_some_and(|s| s.galleries.len() == 2 && s.galleries[0].images.len() == 3)
        })
    })
    .await;
}

/// The admin's desk in a home of its own named `name`, signed in to `server` through `addr`,
/// once it has read the galleries.
async fn admin_desk(
    server: &SandboxHandle,
    addr: std::net::SocketAddr,
    name: &str,
) -> (Home, Desk) {
    let home = Home::new(name);
    let desk = home.open();
    sign_in(&desk, server, addr, "sean.murphy").await;
    loaded(&desk).await;
    (home, desk)
}

/// The person captions photo `image` `text` on `desk` (queued, shown at once).
fn caption(desk: &Desk, image: i64, text: &str) {
    desk.handle::<PublicPageHandle>()
        .edit_gallery_image(
            image,
            &PageImagePatch {
                caption: Some(text.into()),
                alt_text: None,
            },
        )
        .unwrap();
}

async fn synced(desk: &Desk) {
    eventually("the outbox is empty", WAIT, || async {
        desk.outbox_summary().unwrap().pending == 0
    })
    .await;
}

async fn offline(desk: &Desk) {
    eventually("the desk knows it is offline", WAIT, || async {
        desk.connection_status() != hotelmate_core::ConnectionStatus::Online
    })
    .await;
}

/// A container on the server, by name, with its images by (`sort_order`, id) (§17.9 item 5).
async fn server_gallery(server: &SandboxHandle, name: &str) -> Value {
    let token = token(server, "sean.murphy").await;
    let mut found = server_rows(server, &token, "gallery-containers")
        .await
        .into_iter()
        .filter(|c| c["name"] == name)
        .collect::<Vec<_>>();
    assert_eq!(found.len(), 1, "one gallery {name}: {found:?}");
    let mut container = found.remove(0);
    let images = container["images"].as_array_mut().unwrap();
    images.sort_by_key(|i| (i["sort_order"].as_i64(), i["id"].as_i64()));
    container
}

/// The SHA-256 of each image file of `container`, in its order.
async fn file_hashes(container: &Value) -> Vec<String> {
    let mut hashes = Vec::new();
    for image in container["images"].as_array().unwrap() {
        let url = image["image_url"].as_str().unwrap();
        let bytes = reqwest::get(url).await.unwrap().bytes().await.unwrap();
        hashes.push(hex::encode(sha2::Sha256::digest(&bytes)));
    }
    hashes
}

/// The media hash of each photo waiting in `gallery`, in the order they were dropped.
fn waiting_hashes(gallery: &PageGallery) -> Vec<String> {
    gallery
        .uploads
        .iter()
        .map(|u| {
            u.preview
                .as_deref()
                .and_then(|p| p.strip_prefix("desk-media:"))
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gallery_made_offline_with_its_photos_reaches_the_server_once_in_order_after_a_restart() {
    const PHOTOS: u8 = 12;
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let (home, desk) = admin_desk(&server, proxy.addr(), "page-galleries-restart").await;
    let page = desk.handle::<PublicPageHandle>();
    let section = gallery_section(&desk).id;
    let lake = gallery(&desk, "The lake");

    proxy.cut();
    offline(&desk).await;
    page.add_gallery(section, "Spa").unwrap();
    let spa = gallery(&desk, "Spa");
    assert!(spa.id < 0, "shown at once, under a temporary id");
    for shade in 0..PHOTOS {
        page.add_gallery_photo(spa.id, format!("spa-{shade:02}.png"), picture(shade * 20))
            .await
            .unwrap();
    }
    page.add_gallery_photo(lake.id, "lake-new.png".into(), picture(250))
        .await
        .unwrap();
    // The lake's last photo moved to the front: the order is sent when the network returns.
    let last = lake.images[2].id;
    page.move_gallery_image(lake.id, last, -1).unwrap();
    page.move_gallery_image(lake.id, last, -1).unwrap();
    let dropped = waiting_hashes(&gallery(&desk, "Spa"));
    assert_eq!(
        dropped.len(),
        usize::from(PHOTOS),
        "each photo shows as waiting"
    );
    desk.shutdown().await;
    drop(desk);

    // Started again, still offline: the gallery and its photos are there, waiting.
    let desk = home.open();
    desk.resume().await.unwrap().unwrap();
    let spa = gallery(&desk, "Spa");
    assert_eq!(spa.sync, RowSync::Pending);
    assert_eq!(
        waiting_hashes(&spa),
        dropped,
        "kept through the restart, in order"
    );
    assert_eq!(gallery(&desk, "The lake").images[0].id, last);
    assert!(
        server.request_bodies().is_empty()
            || server
                .request_bodies()
                .iter()
                .all(|r| !r["path"].as_str().unwrap().contains("gallery")),
        "nothing reached the server"
    );

    proxy.restore();
    synced(&desk).await;
    let on_server = server_gallery(&server, "Spa").await;
    assert_eq!(
        file_hashes(&on_server).await,
        dropped,
        "each photo once, in the order it was dropped"
    );
    assert_eq!(
        server.requests_to(&format!("POST {CONTAINERS}")),
        1,
        "the gallery made once"
    );
    let lake_there = server_gallery(&server, "The lake").await;
    let lake_ids: Vec<i64> = lake_there["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(lake_ids.len(), 4, "{lake_there}");
    assert_eq!(lake_ids[..3], [last, lake.images[0].id, lake.images[1].id]);
    let moved = server
        .request_bodies()
        .into_iter()
        .filter(|r| r["method"] == "PATCH" && r["path"].as_str().unwrap().starts_with(IMAGES))
        .count();
    assert_eq!(moved, 3, "one PATCH of sort_order per moved photo");
    eventually("the desk shows the server's photos", WAIT, || async {
        let spa = gallery(&desk, "Spa");
        spa.id > 0 && spa.uploads.is_empty() && spa.images.len() == usize::from(PHOTOS)
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn photos_sharing_a_place_are_numbered_apart_when_one_is_moved() {
    let server = sandbox_2026().await;
    let token = token(&server, "sean.murphy").await;
    let before = server_gallery(&server, "Our rooms").await;
    let ids: Vec<i64> = before["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    // A colleague's bulk upload left the first two photos at place 0 (§17.9 item 5).
    for id in &ids[..2] {
        rest(
            &server,
            &token,
            Method::PATCH,
            &format!("{IMAGES}{id}/"),
            Some(json!({"sort_order": 0})),
        )
        .await;
    }
    let (_home, desk) = admin_desk(&server, server.addr(), "page-galleries-numbering").await;
    let rooms = gallery(&desk, "Our rooms");
    let shown: Vec<i64> = rooms.images.iter().map(|i| i.id).collect();
    assert_eq!(shown, ids, "read by (sort_order, id)");
    let patches_before = server.requests_to(&format!("PATCH {IMAGES}{}/", ids[0]));
    desk.handle::<PublicPageHandle>()
        .move_gallery_image(rooms.id, ids[2], -1)
        .unwrap();
    synced(&desk).await;
    let there = server_gallery(&server, "Our rooms").await;
    let places: Vec<(i64, i64)> = there["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_i64().unwrap(), i["sort_order"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        places,
        [(ids[0], 0), (ids[2], 1), (ids[1], 2)],
        "numbered apart, in the order shown"
    );
    assert_eq!(
        server.requests_to(&format!("PATCH {IMAGES}{}/", ids[0])),
        patches_before,
        "a photo already at its place is not sent"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_colleagues_caption_change_meanwhile_is_shown_not_overwritten() {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let (_home, desk) = admin_desk(&server, proxy.addr(), "page-galleries-colleague").await;
    let image = gallery(&desk, "The lake").images[0].id;

    proxy.cut();
    offline(&desk).await;
    caption(&desk, image, "Mine");
    assert_eq!(gallery(&desk, "The lake").images[0].caption, "Mine");
    let token = token(&server, "sean.murphy").await;
    rest(
        &server,
        &token,
        Method::PATCH,
        &format!("{IMAGES}{image}/"),
        Some(json!({"caption": "Theirs"})),
    )
    .await;
    proxy.restore();
    eventually("the desk asks its person", WAIT, || async {
        desk.outbox_summary().unwrap().conflicts == 1
    })
    .await;
    let conflicts = desk.conflicts().unwrap();
    assert_eq!(conflicts[0].id, image);
    let field = &conflicts[0].fields[0];
    assert_eq!(
        (field.mine.as_str(), field.theirs.as_str()),
        (Some("Mine"), Some("Theirs"))
    );
    let shown = gallery(&desk, "The lake").images[0].clone();
    assert_eq!(shown.sync, RowSync::Conflict);
    let there = server_gallery(&server, "The lake").await;
    assert_eq!(
        there["images"][0]["caption"], "Theirs",
        "the colleague's caption stays until the person decides"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 65 item 6: an update that conflicts on one field sends its other fields all the same,
/// and those are written like any other: read back shortly after, and a colleague's caption
/// that replaced them a moment later is put to the person. It was not: a partly sent update was
/// noted as not sent, so the caption it wrote was never read back, and the convergence harness
/// saw a caption replaced unseen about once in 35 small runs. Tried: caption and alt text saved
/// together offline while a colleague changed the alt text; back online, the caption lands and
/// the alt text is asked about; a colleague's caption lands right after.
#[tokio::test(flavor = "multi_thread")]
async fn a_caption_sent_beside_a_conflict_and_replaced_a_moment_later_is_put_to_its_person() {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let (_home, desk) = admin_desk(&server, proxy.addr(), "page-galleries-partly-sent").await;
    let image = gallery(&desk, "The lake").images[0].id;
    let token = token(&server, "sean.murphy").await;
    let path = format!("{IMAGES}{image}/");

    proxy.cut();
    offline(&desk).await;
    desk.handle::<PublicPageHandle>()
        .edit_gallery_image(
            image,
            &PageImagePatch {
                caption: Some("Mine".into()),
                alt_text: Some("My words".into()),
            },
        )
        .unwrap();
    let patch = |body: Value| {
        let (server, token, path) = (&server, token.clone(), path.clone());
        async move { rest(server, &token, Method::PATCH, &path, Some(body)).await }
    };
    patch(json!({"alt_text": "Their words"})).await;
    proxy.restore();
    // Waited for together: the server has the caption a moment before the desk keeps the alt
    // text's question (a bare assertion after the first would race the desk's note of it).
    eventually(
        "the caption beside the conflict is sent and the alt text asked about",
        WAIT,
        || async {
            rest(&server, &token, Method::GET, &path, None).await["caption"] == "Mine"
                && desk.outbox_summary().unwrap().conflicts == 1
        },
    )
    .await;
    // A colleague's caption, its merge base read before "Mine" landed, arrives a moment later.
    patch(json!({"caption": "Theirs"})).await;

    eventually(
        "the replaced caption is put to the person",
        WAIT,
        || async { desk.outbox_summary().unwrap().conflicts == 2 },
    )
    .await;
    let asked = desk.conflicts().unwrap();
    let replaced = asked
        .iter()
        .find(|c| c.replaced_by_colleague)
        .unwrap_or_else(|| panic!("no replaced caption asked about: {asked:?}"));
    assert_eq!(replaced.id, image);
    let fields: Vec<_> = replaced
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.mine.as_str(), f.theirs.as_str()))
        .collect();
    assert_eq!(fields, [("caption", Some("Mine"), Some("Theirs"))]);
    let alt = asked.iter().find(|c| !c.replaced_by_colleague).unwrap();
    assert_eq!(alt.fields[0].field, "alt_text", "{asked:?}");
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 65 item 6: nothing announces a photo's caption on the 2026 server and nothing makes a
/// write conditional (API.md §17.9 items 7 and 8), so the desk reads a photo back shortly
/// after it wrote its caption, to find a colleague's caption that replaced its own unseen.
/// A desk stopped right after its caption landed (killed, as the convergence harness does, or
/// closed) did not read it back when started again, and the colleague's earlier save that
/// arrived second replaced the caption with no one told. Now what the desk wrote is kept in its
/// database until read back: started again, it reads the photo and asks its person. (The
/// shutdown writes nothing of it: the record is kept when the caption is sent and answered, so
/// a kill leaves the same.) Tried: stopped the moment the server has the caption, the
/// colleague's caption landing while it is stopped; "keep mine" sends it again.
#[tokio::test(flavor = "multi_thread")]
async fn a_caption_replaced_while_the_desk_was_stopped_is_put_to_its_person_when_it_starts_again() {
    let server = sandbox_2026().await;
    let (home, desk) = admin_desk(
        &server,
        server.addr(),
        "page-galleries-replaced-while-stopped",
    )
    .await;
    let image = gallery(&desk, "The lake").images[0].id;
    let token = token(&server, "sean.murphy").await;
    let path = format!("{IMAGES}{image}/");
    let caption_on_server = || {
        let (server, token, path) = (&server, token.clone(), path.clone());
        async move {
            rest(server, &token, Method::GET, &path, None).await["caption"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
    };

    caption(&desk, image, "Mine");
    eventually("the caption is on the server", WAIT, || async {
        caption_on_server().await == "Mine"
    })
    .await;
    // And the desk has the answer (stopped before, its update is still on its way and is
    // replayed as an ordinary merge: a plain conflict, another story; 1 batch run in 4).
    synced(&desk).await;
    desk.shutdown().await;
    drop(desk);
    // A colleague's save, its merge base read before "Mine" landed, arrives a moment later.
    rest(
        &server,
        &token,
        Method::PATCH,
        &path,
        Some(json!({"caption": "Theirs"})),
    )
    .await;

    let desk = home.open();
    desk.resume().await.unwrap().unwrap();
    eventually("the desk started again asks its person", WAIT, || async {
        desk.outbox_summary().unwrap().conflicts == 1
    })
    .await;
    let asked = desk.conflicts().unwrap();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(
        asked[0].replaced_by_colleague && !asked[0].overwrote_colleague,
        "{asked:?}"
    );
    assert_eq!(asked[0].id, image);
    assert_eq!(
        (
            asked[0].fields[0].mine.as_str(),
            asked[0].fields[0].theirs.as_str()
        ),
        (Some("Mine"), Some("Theirs"))
    );
    assert_eq!(caption_on_server().await, "Theirs", "nothing sent unasked");
    desk.resolve_conflict(asked[0].seq, Resolution::KeepMine)
        .unwrap();
    eventually("keep mine sends the caption again", WAIT, || async {
        caption_on_server().await == "Mine"
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

/// A caption changed offline on a photo a colleague then deletes: the person is asked, but a
/// photo is made only with its file, so "bring it back" is not offered, and asked anyway it is
/// refused in words with the question kept (before, the desk POSTed the caption alone and the
/// server refused it: "gallery/image: This field is required", found by the convergence
/// harness). Letting it go ends the question and sends nothing more.
#[tokio::test(flavor = "multi_thread")]
async fn a_caption_of_a_photo_a_colleague_deleted_cannot_be_brought_back_and_is_let_go() {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let (_home, desk) = admin_desk(&server, proxy.addr(), "page-galleries-deleted-photo").await;
    let image = gallery(&desk, "The lake").images[0].id;

    proxy.cut();
    offline(&desk).await;
    caption(&desk, image, "Mine");
    let token = token(&server, "sean.murphy").await;
    rest(
        &server,
        &token,
        Method::DELETE,
        &format!("{IMAGES}{image}/"),
        None,
    )
    .await;
    proxy.restore();
    eventually("the desk asks its person", WAIT, || async {
        desk.outbox_summary().unwrap().conflicts == 1
    })
    .await;
    let conflict = desk.conflicts().unwrap().remove(0);
    assert!(conflict.deleted_elsewhere, "{conflict:?}");
    assert!(
        !conflict.may_bring_back,
        "a photo cannot be brought back from its caption: {conflict:?}"
    );
    let posts_before = server.requests_to(&format!("POST {IMAGES}"));
    let refused = desk
        .resolve_conflict(conflict.seq, Resolution::KeepMine)
        .unwrap_err();
    // Said in words: why a photo cannot be made again, or, when a read has meanwhile taken the
    // deleted photo from this desk's copy, that the desk no longer has it whole (seen in CI).
    let words = refused.to_string();
    assert!(
        words.contains("with its file") || words.contains("cannot be brought back whole"),
        "said in words: {words}"
    );
    assert_eq!(
        desk.outbox_summary().unwrap().conflicts,
        1,
        "the question stays"
    );
    desk.resolve_conflict(conflict.seq, Resolution::KeepTheirs)
        .unwrap();
    eventually("the question is gone and nothing waits", WAIT, || async {
        let summary = desk.outbox_summary().unwrap();
        summary.conflicts == 0 && summary.pending == 0
    })
    .await;
    assert_eq!(
        server.requests_to(&format!("POST {IMAGES}")),
        posts_before,
        "no photo was POSTed without its file"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// Whether `value` has a key `hotel` anywhere, or `id` anywhere (as a number or as the text a
/// multipart field carries).
fn carries(value: &Value, id: i64) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| k == "hotel" || carries(v, id)),
        Value::Array(items) => items.iter().any(|v| carries(v, id)),
        Value::Number(n) => n.as_i64() == Some(id),
        Value::String(s) => s.trim() == id.to_string(),
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_gallery_request_carries_the_hotel_or_a_gallery_of_another_hotel() {
    const FOREIGN: i64 = 9_999;
    let server = sandbox_2026().await;
    // The containers list answers with this hotel's galleries and one of Galway Bay's, on a
    // section of that hotel (§17.9 item 2: the server does not check parent ids), every time
    // it is read (so a new gallery would vanish from it: the story of a new gallery's photos
    // is the first test's).
    let token = token(&server, "sean.murphy").await;
    let mut list = rest(&server, &token, Method::GET, CONTAINERS, None).await;
    list["results"].as_array_mut().unwrap().push(json!({
        "id": FOREIGN, "section": FOREIGN - 1, "name": "Galway Bay's rooms", "style_variant": 1,
        "sort_order": 0, "images": [{"id": FOREIGN - 2, "gallery": FOREIGN, "caption": "Theirs",
            "alt_text": "", "image": "image/upload/v1/x.jpg", "image_url": null, "sort_order": 0,
            "image_style_preset": null, "created_at": "2026-01-01T00:00:00.000000Z",
            "updated_at": "2026-01-01T00:00:00.000000Z"}],
        "image_count": 1, "created_at": "2026-01-01T00:00:00.000000Z",
        "updated_at": "2026-01-01T00:00:00.000000Z"}));
    list["count"] = json!(3);
    server.refuse_every(&format!("GET {CONTAINERS}"), 200, list);

    let (_home, desk) = admin_desk(&server, server.addr(), "page-galleries-foreign").await;
    let page = desk.handle::<PublicPageHandle>();
    let shown: Vec<String> = page
        .get()
        .unwrap()
        .unwrap()
        .sections
        .iter()
        .flat_map(|s| s.galleries.iter().map(|g| g.name.clone()))
        .collect();
    assert!(
        !shown.contains(&"Galway Bay's rooms".to_owned()),
        "{shown:?}"
    );
    assert!(page.rename_gallery(FOREIGN, "Mine now").is_err());
    assert!(page.delete_gallery(FOREIGN).is_err());
    assert!(page
        .add_gallery_photo(FOREIGN, "x.png".into(), picture(3))
        .await
        .is_err());
    assert!(page.delete_gallery_image(FOREIGN - 2).is_err());
    let lake = gallery(&desk, "The lake");
    page.rename_gallery(lake.id, "Lough Leane").unwrap();
    page.add_gallery_photo(lake.id, "lake.png".into(), picture(40))
        .await
        .unwrap();
    page.edit_gallery_image(
        lake.images[1].id,
        &PageImagePatch {
            caption: None,
            alt_text: Some("The jetty at dawn".into()),
        },
    )
    .unwrap();
    synced(&desk).await;

    let sent: Vec<Value> = server
        .request_bodies()
        .into_iter()
        .filter(|r| r["path"].as_str().unwrap().starts_with("/api/staff/hotel/"))
        .collect();
    let uploads = sent.iter().filter(|r| r["files"].is_array()).count();
    assert_eq!(uploads, 1, "the photo logged with its fields: {sent:?}");
    for request in &sent {
        assert!(
            !carries(&request["body"], FOREIGN) && request["unread"].is_null(),
            "a body with `hotel` or another hotel's gallery: {request}"
        );
    }
    let asked_foreign: Vec<String> = server
        .request_counts()
        .into_keys()
        .filter(|line| line.contains(&FOREIGN.to_string()))
        .collect();
    assert!(asked_foreign.is_empty(), "{asked_foreign:?}");
    server.stop_refusing(&format!("GET {CONTAINERS}"));
    let lake_there = server_gallery(&server, "Lough Leane").await;
    assert_eq!(
        lake_there["images"].as_array().unwrap().len(),
        4,
        "the photo added"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 65, found by the convergence harness: a colleague deleted a photo between this desk's
/// read of the gallery and its PATCH of that photo's place. The photo's 404 was taken for the
/// gallery's: the reorder became "the gallery was deleted elsewhere" (it was not), and every
/// later change of the gallery (photos added, moved) waited behind that question. The server
/// here answers the photo's PATCH with the 404 it gives for a photo deleted meanwhile (the
/// window between the read and the PATCH is too short to hit on purpose).
#[tokio::test(flavor = "multi_thread")]
async fn a_photo_deleted_by_a_colleague_during_a_reorder_is_left_out_not_taken_for_its_gallery() {
    let server = sandbox_2026().await;
    let (_home, desk) = admin_desk(&server, server.addr(), "page-galleries-reorder-gone").await;
    let page = desk.handle::<PublicPageHandle>();
    let lake = gallery(&desk, "The lake");
    let ids: Vec<i64> = lake.images.iter().map(|i| i.id).collect();
    let gone = ids[0];
    server.refuse_every(
        &format!("PATCH {IMAGES}{gone}/"),
        404,
        json!({"detail": "No GalleryImage matches the given query."}),
    );
    let reversed: Vec<i64> = ids.iter().rev().copied().collect();
    page.reorder_gallery_images(lake.id, &reversed).unwrap();
    synced(&desk).await;
    assert_eq!(
        desk.conflicts().unwrap(),
        Vec::new(),
        "no question about a gallery that is there"
    );
    // A later change of the gallery is sent, not held behind a question.
    page.add_gallery_photo(lake.id, "after.png".into(), picture(7))
        .await
        .unwrap();
    synced(&desk).await;
    let on_server = server_gallery(&server, "The lake").await;
    assert_eq!(
        on_server["images"].as_array().unwrap().len(),
        4,
        "{on_server}"
    );
    let order: Vec<i64> = on_server["images"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["id"].as_i64())
        .filter(|id| *id != gone)
        .take(2)
        .collect();
    assert_eq!(order, [ids[2], ids[1]], "the others in the desk's order");
    desk.shutdown().await;
    server.shutdown().await;
}

/// Photos dropped into a new gallery just as its create reaches the server (the desk then
/// knows it under its server id): none is refused as "gallery missing", and each reaches the
/// server once. The desk looked the gallery up under its temporary id and read the page after
/// the create's answer was stored, which knows only the server id: the drop was refused, and
/// in the upgrade story three of a republished gallery's four photos were never queued (issue
/// 65). The answer of the gallery's POST is held by the sandbox and let go while photos are
/// being dropped, so the answer lands among the drops; the exact moment (between a drop's
/// resolution of the id and its read of the page) cannot be aimed at from outside: the store's
/// `a_row_whose_create_lands_as_it_is_looked_up_is_found_under_its_server_id` puts it there.
#[tokio::test(flavor = "multi_thread")]
async fn photos_dropped_into_a_new_gallery_as_its_create_is_answered_are_all_kept_and_sent_once() {
    const AFTER_LANDING: usize = 4;
    let server = sandbox_2026().await;
    let (_home, desk) = admin_desk(&server, server.addr(), "page-galleries-landing").await;
    let page = desk.handle::<PublicPageHandle>();
    let section = gallery_section(&desk).id;
    let held = server.hold_answer_of(&format!("POST {CONTAINERS}"));
    page.add_gallery(section, "Spa").unwrap();
    let spa = gallery(&desk, "Spa").id;
    assert!(spa < 0, "shown at once, under a temporary id");
    eventually("the gallery's create reached the server", WAIT, || async {
        held.arrived()
    })
    .await;

    // Drops one after another under the temporary id the screen holds, the answer let go
    // after the second, until a few after the desk shows the gallery under its server id.
    let mut dropped = 0usize;
    let mut refused = Vec::new();
    let mut after_landing = 0;
    while after_landing < AFTER_LANDING && dropped < 200 {
        if dropped == 2 {
            held.release();
        }
        let name = format!("spa-{dropped:03}.png");
        match page
            .add_gallery_photo(spa, name.clone(), picture(dropped as u8))
            .await
        {
            Ok(_) => {}
            Err(err) => refused.push(format!("{name}: {err}")),
        }
        dropped += 1;
        if gallery(&desk, "Spa").id > 0 {
            after_landing += 1;
        }
    }
    assert_eq!(refused, Vec::<String>::new(), "no drop refused");
    synced(&desk).await;
    let container = server_gallery(&server, "Spa").await;
    let hashes = file_hashes(&container).await;
    let distinct: std::collections::HashSet<&String> = hashes.iter().collect();
    assert_eq!(hashes.len(), dropped, "each photo on the server");
    assert_eq!(distinct.len(), dropped, "each once");
}

/// Issue 65 item 6: a list read page by page is no snapshot. While a desk read the photos' two
/// pages, colleagues deleted photos from the first page, and a photo moved from the second page
/// onto the first, read already: the read lacked a photo the server still had. The desk took
/// it for deleted, and with it dropped the question about its caption (the convergence
/// harness's last caption "replaced unseen", once in about ten 10-desk runs). Tried: 18
/// photos; the desk, holding a question on the 13th, starts again; each time a second page is
/// asked for, a colleague deletes the first photo before it is answered (three times: the
/// paged read, then its fallbacks read again, the last walking `next` links).
#[tokio::test(flavor = "multi_thread")]
async fn a_photo_a_busy_list_read_lacks_is_kept_with_its_question() {
    let server = sandbox_2026().await;
    let (home, desk) = admin_desk(&server, server.addr(), "page-galleries-busy-list").await;
    let page = desk.handle::<PublicPageHandle>();
    let lake = gallery(&desk, "The lake").id;
    for shade in 0..12u8 {
        page.add_gallery_photo(lake, format!("lake-{shade:02}.png"), picture(shade * 20))
            .await
            .unwrap();
    }
    synced(&desk).await;
    let token = token(&server, "sean.murphy").await;
    let mut order = Vec::new();
    for path in [IMAGES.to_owned(), format!("{IMAGES}?page=2")] {
        let listed = rest(&server, &token, Method::GET, &path, None).await;
        order.extend(
            listed["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap()),
        );
    }
    assert_eq!(order.len(), 18, "two pages of photos: {order:?}");
    let photo = order[12];

    // The person's caption, replaced by a colleague's while the desk was stopped: asked.
    caption(&desk, photo, "Mine");
    synced(&desk).await;
    eventually("the caption is on the server", WAIT, || async {
        rest(
            &server,
            &token,
            Method::GET,
            &format!("{IMAGES}{photo}/"),
            None,
        )
        .await["caption"]
            == "Mine"
    })
    .await;
    desk.shutdown().await;
    drop(desk);
    let patch = json!({"caption": "Theirs"});
    rest(
        &server,
        &token,
        Method::PATCH,
        &format!("{IMAGES}{photo}/"),
        Some(patch),
    )
    .await;
    let desk = home.open();
    desk.resume().await.unwrap().unwrap();
    eventually("the person is asked", WAIT, || async {
        desk.outbox_summary().unwrap().conflicts == 1
    })
    .await;
    // And the desk has stored the 18 photos its start read found: started again, it asks for
    // both pages at once (a desk with fewer asks for the first before the second).
    let db = rusqlite::Connection::open(home.dir.path().join("desk.sqlite3")).unwrap();
    let stored = || -> Vec<i64> {
        let mut statement = db
            .prepare("SELECT id FROM records WHERE resource = 'page_gallery_images'")
            .unwrap();
        let ids = statement.query_map([], |r| r.get(0)).unwrap();
        ids.map(Result::unwrap).collect()
    };
    eventually("the desk has stored the 18 photos", WAIT, || async {
        stored().len() == 18
    })
    .await;
    desk.shutdown().await;
    drop(desk);

    // Started again: its read of the photos meets colleagues deleting the first one, each time
    // between its first page and its second.
    let second_page = format!("GET {IMAGES}?page=2");
    let first_answered = server.hold_answer_of(&format!("GET {IMAGES}"));
    let mut held = server.hold_next(&second_page);
    let desk = home.open();
    desk.resume().await.unwrap().unwrap();
    eventually("the first page is answered", WAIT, || async {
        first_answered.arrived()
    })
    .await;
    for deleted in &order[..3] {
        eventually("the second page is asked for", WAIT, || async {
            held.arrived()
        })
        .await;
        rest(
            &server,
            &token,
            Method::DELETE,
            &format!("{IMAGES}{deleted}/"),
            None,
        )
        .await;
        let next = (*deleted != order[2]).then(|| server.hold_next(&second_page));
        first_answered.release();
        held.release();
        if let Some(next) = next {
            held = next;
        }
    }

    eventually(
        "the read is stored: the first two deleted photos are gone",
        WAIT,
        || async {
            let ids = stored();
            !ids.contains(&order[0]) && !ids.contains(&order[1])
        },
    )
    .await;
    assert!(
        stored().contains(&photo),
        "the photo the read lacked is kept: {:?}",
        stored()
    );
    let asked = desk.conflicts().unwrap();
    assert_eq!(asked.len(), 1, "the question stays: {asked:?}");
    assert_eq!(asked[0].id, photo);
    assert_eq!(
        (
            asked[0].fields[0].mine.as_str(),
            asked[0].fields[0].theirs.as_str()
        ),
        (Some("Mine"), Some("Theirs"))
    );
    desk.shutdown().await;
    server.shutdown().await;
}
