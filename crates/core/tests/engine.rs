//! The engine with resources of every shape the server has: paginated (room types), one object
//! (the hotel's settings), one plain array keyed by another name (chat conversations); a
//! resource no event announces is read again while live; a server error that is final for a
//! request (§6.2's 500 for an upload to a room type that is gone) refuses the entry instead of
//! retrying it forever. Real sandbox over HTTP and WebSocket, real SQLite files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::sync::Arc;
use std::time::Duration;

use crate::support::*;
use hotelmate_core::api::{ApiClient, Progress};
use hotelmate_core::desk::ImagePatch;
use hotelmate_core::engine::push;
use hotelmate_core::engine::store::{EntryState, Store};
use hotelmate_core::features::room_types::spec::SPEC as ROOM_TYPES_SPEC;
use hotelmate_core::media::MediaCache;
use hotelmate_core::session::config::{ApiBase, DataDir};
use hotelmate_core::session::secrets::StaffToken;
use hotelmate_core::{ConnectionStatus, Desk, DeskOptions};
use reqwest::Method;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

/// What the desk has stored of `resource`, read from its database file as the next start would.
fn stored(
    dir: &std::path::Path,
    resource: &str,
) -> Vec<serde_json::Map<String, serde_json::Value>> {
    Store::open(
        &DataDir::at(dir).database(),
        hotelmate_core::features::LOCAL_DATA,
    )
    .unwrap()
    .records(resource)
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_shape_of_collection_is_kept_and_an_unannounced_one_is_read_again_while_live() {
    let server = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut options = DeskOptions::new(DataDir::at(dir.path()));
    options.vault = hotelmate_core::session::secrets::TokenVault::with_service(unique("engine"));
    options.request_timeout = Duration::from_secs(5);
    // A minute in the app; a second here, so the test sees a poll.
    options.poll_interval = Duration::from_secs(1);
    options.quiet_interval = Duration::from_secs(1);
    options.toasts = false;
    let desk = Desk::open(options).unwrap();
    sign_in(&desk, &server, server.addr(), "anna.byrne").await;
    eventually("the desk is live", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    eventually(
        "room types, settings and conversations are stored",
        WAIT,
        || async {
            !stored(dir.path(), "room_types").is_empty()
                && !stored(dir.path(), "settings").is_empty()
                && !stored(dir.path(), "conversations").is_empty()
        },
    )
    .await;
    let settings = stored(dir.path(), "settings");
    assert_eq!(settings.len(), 1, "one object");
    assert_eq!(settings[0]["id"], json!(1));
    assert!(
        settings[0].contains_key("hero_image_display"),
        "{settings:?}"
    );
    let conversations = stored(dir.path(), "conversations");
    assert!(
        conversations
            .iter()
            .all(|c| c["id"] == c["conversation_id"] && c["id"].is_i64()),
        "stored under their conversation_id: {conversations:?}"
    );

    // A colleague adds a room type: the server announces nothing, the desk reads it anyway.
    let tok = token(&server, "sean.murphy").await;
    let created = rest(
        &server,
        &tok,
        Method::POST,
        "/api/staff/hotel/killarney/room-types/",
        Some(
            json!({"code": "LOFT", "name": "Attic Loft", "max_occupancy": 2,
                    "starting_price_from": "189.00", "currency": "EUR"}),
        ),
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    eventually(
        "the new room type reaches the desk with no event",
        WAIT,
        || async {
            stored(dir.path(), "room_types")
                .iter()
                .any(|r| r["id"] == json!(id) && r["name"] == "Attic Loft")
        },
    )
    .await;
    assert_eq!(desk.connection_status(), ConnectionStatus::Online);
    desk.shutdown().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_to_a_room_type_that_is_gone_is_refused_in_words_not_retried_forever() {
    let server = sandbox().await;
    let (_dir, store, media, client) = outbox_of(&server).await;
    let mut png = Vec::new();
    image::RgbImage::from_pixel(16, 16, image::Rgb([20, 90, 160]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let photo = media.put("room.png", &png).unwrap();
    store
        .queue_image("room_types", 987_654, Some(&photo.hash))
        .unwrap();
    let outcomes = replay(&store, &client, &media, &ROOM_TYPES_SPEC).await;
    assert!(
        matches!(&outcomes[..], [push::Replayed::Rejected { message, .. }] if message.contains("no longer on the hotel's server")),
        "{outcomes:?}"
    );
    let entries = store.outbox_entries("room_types").unwrap();
    assert_eq!(entries.len(), 1, "kept for the user to see, not dropped");
    assert_eq!(entries[0].state, EntryState::Rejected);
    assert!(
        replay(&store, &client, &media, &ROOM_TYPES_SPEC)
            .await
            .is_empty(),
        "a refused entry is not sent again"
    );
    server.shutdown().await;
}

/// The hotel's hero image and logo replaced offline (the hero twice): each slot is sent alone
/// as a multipart PATCH of the settings once the network returns, only the last hero goes, and
/// the settings are read again so the desk shows what the server now has.
#[tokio::test(flavor = "multi_thread")]
async fn hotel_images_set_offline_reach_the_server_each_alone_and_only_the_last_of_a_slot() {
    use hotelmate_core::desk::HotelImageSlot;
    use hotelmate_sandbox::network::CutProxy;
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let (desk, dir) = desk("hotel-images");
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    eventually("the settings are stored", WAIT, || async {
        !stored(dir.path(), "settings").is_empty()
    })
    .await;
    let tok = token(&server, "sean.murphy").await;
    let settings = |tok: String| {
        let server = &server;
        async move {
            rest(
                server,
                &tok,
                Method::GET,
                "/api/staff/hotel/killarney/settings/",
                None,
            )
            .await
        }
    };
    let before = settings(tok.clone()).await;
    let picture = |rgb: [u8; 3]| {
        let mut jpeg = Vec::new();
        image::RgbImage::from_pixel(640, 360, image::Rgb(rgb))
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        jpeg
    };
    proxy.cut();
    for (slot, name, rgb) in [
        (HotelImageSlot::Hero, "first-hero.jpg", [200, 30, 30]),
        (HotelImageSlot::Logo, "logo.jpg", [30, 30, 200]),
        (HotelImageSlot::Hero, "hero.jpg", [30, 160, 60]),
    ] {
        desk.hotel_images()
            .set(slot, name.into(), picture(rgb), None)
            .await
            .unwrap();
    }
    assert_eq!(
        desk.outbox_summary().unwrap().pending,
        2,
        "one image per slot waits: the second hero replaced the first"
    );
    proxy.restore();
    eventually("both images are sent", WAIT, || async {
        desk.outbox_summary().unwrap().pending == 0
    })
    .await;
    let after = settings(tok.clone()).await;
    for field in ["hero_image_display", "logo_display"] {
        assert_ne!(after[field], before[field], "{field} changed on the server");
        assert!(after[field].is_string(), "{field}: {}", after[field]);
    }
    let shown = stored(dir.path(), "settings");
    assert_eq!(
        shown[0]["hero_image_display"], after["hero_image_display"],
        "the desk shows what the server has now"
    );
    let hero = reqwest::get(after["hero_image_display"].as_str().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let pixel = image::load_from_memory(&hero).unwrap().to_rgb8();
    let [r, g, b] = pixel.get_pixel(10, 10).0;
    assert!(
        g > r && g > b,
        "the last hero (green) went, not the first (red): {r} {g} {b}"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// A desk's store, media cache and client, as the sync worker has them, signed in as Seán.
async fn outbox_of(
    server: &hotelmate_sandbox::SandboxHandle,
) -> (tempfile::TempDir, Store, MediaCache, ApiClient) {
    let tok = token(server, "sean.murphy").await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &dir.path().join("desk.sqlite3"),
        hotelmate_core::features::LOCAL_DATA,
    )
    .unwrap();
    let media = MediaCache::open(dir.path().join("media")).unwrap();
    let client = ApiClient::new(ApiBase::parse(&server.base_url()).unwrap())
        .unwrap()
        .authenticated(StaffToken::new(&tok));
    (dir, store, media, client)
}

/// Replays `resource`'s outbox through the real push code as the desk's worker does.
async fn replay(
    store: &Store,
    client: &ApiClient,
    media: &MediaCache,
    spec: &hotelmate_core::engine::spec::ResourceSpec,
) -> Vec<push::Replayed> {
    let progress: Progress = Arc::new(|_, _| {});
    let at = push::Replay {
        client,
        store,
        media,
        resource: spec.api,
        slug: "killarney",
        before_send: None,
        heard: None,
        read_whole: None,
        learned: None,
        permanent: spec.permanent_failure,
        children: spec.children,
        field_images: spec.field_images,
    };
    let mut outcomes = Vec::new();
    push::replay_all(
        at,
        |_| progress.clone(),
        |_, replayed| outcomes.push(replayed.clone()),
    )
    .await
    .unwrap();
    outcomes
}

/// A gallery created offline with an image added to it (a child of a row the server has not
/// numbered yet): the image follows the gallery's new id and lands in it. A second gallery named
/// like an existing one (the server's 500, §5.1) is refused in words, once.
#[tokio::test(flavor = "multi_thread")]
async fn an_image_added_to_a_gallery_made_offline_lands_in_it_and_a_duplicate_name_is_refused() {
    use hotelmate_core::features::galleries::spec::SPEC as GALLERIES;
    let server = sandbox().await;
    let (_dir, store, media, client) = outbox_of(&server).await;
    let tok = token(&server, "sean.murphy").await;
    let fields = |v: serde_json::Value| v.as_object().cloned().unwrap();
    let temp = store
        .queue_create(
            "galleries",
            &fields(
                json!({"name": "Winter Garden", "category": "exterior", "description": "Frost"}),
            ),
        )
        .unwrap();
    assert!(temp < 0, "a temporary id until the server numbers it");
    let mut png = Vec::new();
    image::RgbImage::from_pixel(32, 24, image::Rgb([240, 240, 250]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let frost = media.put("frost.png", &png).unwrap();
    store
        .queue_added_child("galleries", temp, &frost.hash, "frost.png")
        .unwrap();
    store
        .queue_create(
            "galleries",
            &fields(json!({"name": "Lake & Grounds", "category": "exterior"})),
        )
        .unwrap();

    let outcomes = replay(&store, &client, &media, &GALLERIES).await;
    assert!(
        matches!(
            &outcomes[..],
            [push::Replayed::Sent { .. }, push::Replayed::Sent { .. }, push::Replayed::Rejected { message, .. }]
                if message == "A gallery with this name exists; choose another name."
        ),
        "{outcomes:?}"
    );
    let created = store
        .records("galleries")
        .unwrap()
        .into_iter()
        .find(|g| g["name"] == "Winter Garden")
        .expect("the new gallery is stored under its server id");
    let id = created["id"].as_i64().unwrap();
    let on_server = rest(
        &server,
        &tok,
        Method::GET,
        &format!("/api/staff/hotel/killarney/galleries/{id}/"),
        None,
    )
    .await;
    assert_eq!(on_server["image_count"], json!(1), "{on_server}");
    let galleries = rest(
        &server,
        &tok,
        Method::GET,
        "/api/staff/hotel/killarney/galleries/?page_size=100",
        None,
    )
    .await;
    let named_lake = galleries["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["name"] == "Lake & Grounds")
        .count();
    assert_eq!(named_lake, 1, "no second 'Lake & Grounds'");
    assert!(
        replay(&store, &client, &media, &GALLERIES).await.is_empty(),
        "the refused create is not sent again"
    );
    server.shutdown().await;
}

/// A caption and alt text changed offline show at once as waiting, reach the server when the
/// network returns, and stay shown (the gallery's own copy of the image is read later). The
/// images list fails (a 500) until the network returns, so the edit is made on an image the
/// desk knows only from its gallery, as at a first sign-in whose images list is still on its
/// way: it shows at once all the same (before, it showed only once the list had been read; the
/// test failed so once in a full run).
#[tokio::test(flavor = "multi_thread")]
async fn an_image_caption_edited_offline_shows_at_once_and_reaches_the_server() {
    use hotelmate_core::engine::view::RowSync;
    use hotelmate_sandbox::network::CutProxy;
    let server = sandbox().await;
    let images_list = "GET /api/staff/hotel/killarney/gallery-images/";
    server.refuse_every(
        images_list,
        500,
        json!({"detail": "A server error occurred."}),
    );
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let (desk, _dir) = desk("captions");
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    eventually("galleries and their images are stored", WAIT, || async {
        desk.pictures()
            .overview()
            .is_ok_and(|o| o.galleries.iter().any(|g| !g.images.is_empty()))
    })
    .await;
    // The images list has been asked for and refused (the desk knows the image only from its
    // gallery); the first read of it may still be on its way when the galleries are stored.
    eventually("the images list was asked for", WAIT, || async {
        server.requests_to(images_list) > 0
    })
    .await;
    let image = desk.pictures().overview().unwrap().galleries[0].images[0].clone();
    proxy.cut();
    let shown = desk
        .pictures()
        .edit_image(
            image.id,
            &ImagePatch {
                caption: Some("  The lake at dawn ".into()),
                alt_text: Some("Mist over the lake".into()),
                is_featured: None,
            },
        )
        .unwrap();
    let edited = shown
        .galleries
        .iter()
        .flat_map(|g| &g.images)
        .find(|i| i.id == image.id)
        .unwrap()
        .clone();
    assert_eq!(
        (
            edited.caption.as_str(),
            edited.alt_text.as_str(),
            edited.sync
        ),
        ("The lake at dawn", "Mist over the lake", RowSync::Pending)
    );
    let too_long: hotelmate_core::UiError = desk
        .pictures()
        .edit_image(
            image.id,
            &ImagePatch {
                caption: Some("x".repeat(256)),
                alt_text: Some(String::new()),
                is_featured: None,
            },
        )
        .unwrap_err()
        .into();
    assert_eq!(too_long.field.as_deref(), Some("caption"));
    server.stop_refusing(images_list);
    proxy.restore();
    eventually("the edit is sent", WAIT, || async {
        desk.outbox_summary().unwrap().pending == 0
    })
    .await;
    let tok = token(&server, "sean.murphy").await;
    let on_server = rest(
        &server,
        &tok,
        Method::GET,
        &format!("/api/staff/hotel/killarney/gallery-images/{}/", image.id),
        None,
    )
    .await;
    assert_eq!(on_server["caption"], "The lake at dawn");
    assert_eq!(on_server["alt_text"], "Mist over the lake");
    let after = desk.pictures().overview().unwrap();
    let still = after
        .galleries
        .iter()
        .flat_map(|g| &g.images)
        .find(|i| i.id == image.id)
        .unwrap();
    assert_eq!(
        (still.caption.as_str(), &still.sync),
        ("The lake at dawn", &RowSync::Synced)
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// A gallery image deleted offline is gone from view at once, is deleted on the server when the
/// network returns, and never shows again (the gallery is read again right after).
#[tokio::test(flavor = "multi_thread")]
async fn a_gallery_image_deleted_offline_is_gone_at_once_and_on_the_server_after() {
    use hotelmate_sandbox::network::CutProxy;
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let (desk, dir) = desk("image-delete");
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    eventually("galleries and their images are stored", WAIT, || async {
        desk.pictures()
            .overview()
            .is_ok_and(|o| o.galleries.iter().any(|g| g.images.len() >= 2))
    })
    .await;
    let gallery = desk.pictures().overview().unwrap().galleries[0].clone();
    let image = gallery.images[0].id;
    let shows = |desk: &Desk| {
        desk.pictures()
            .overview()
            .unwrap()
            .galleries
            .iter()
            .flat_map(|g| g.images.iter().map(|i| i.id))
            .any(|id| id == image)
    };
    proxy.cut();
    desk.pictures().delete_image(image).unwrap();
    assert!(!shows(&desk), "gone from view at once");
    proxy.restore();
    eventually("the gallery as stored no longer lists it", WAIT, || async {
        assert!(!shows(&desk), "the deleted image showed again");
        desk.outbox_summary().unwrap().pending == 0
            && stored(dir.path(), "galleries").iter().all(|g| {
                g["images"]
                    .as_array()
                    .is_some_and(|images| images.iter().all(|i| i["id"] != json!(image)))
            })
    })
    .await;
    let tok = token(&server, "sean.murphy").await;
    let on_server = rest(
        &server,
        &tok,
        Method::GET,
        &format!("/api/staff/hotel/killarney/galleries/{}/", gallery.id),
        None,
    )
    .await;
    assert_eq!(
        on_server["image_count"],
        json!(gallery.images.len() - 1),
        "{on_server}"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// A gallery made and renamed offline shows at once, reaches the server once with its final
/// name; hidden and then deleted, the server follows.
#[tokio::test(flavor = "multi_thread")]
async fn a_gallery_made_renamed_hidden_and_deleted_from_the_desk_reaches_the_server() {
    use hotelmate_core::desk::GalleryPatch;
    use hotelmate_core::engine::view::RowSync;
    use hotelmate_sandbox::network::CutProxy;
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let (desk, _dir) = desk("gallery-edits");
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    eventually("the galleries are stored", WAIT, || async {
        desk.pictures()
            .overview()
            .is_ok_and(|o| !o.galleries.is_empty())
    })
    .await;
    let named = |name: &str| {
        desk.pictures()
            .overview()
            .unwrap()
            .galleries
            .into_iter()
            .find(|g| g.name == name)
    };
    proxy.cut();
    let nameless: hotelmate_core::UiError = desk
        .pictures()
        .create_gallery(&GalleryPatch {
            name: Some("   ".into()),
            ..GalleryPatch::default()
        })
        .unwrap_err()
        .into();
    assert_eq!(nameless.field.as_deref(), Some("name"));
    desk.pictures()
        .create_gallery(&GalleryPatch {
            name: Some("Spa & Pool".into()),
            category: Some("facilities".into()),
            description: Some("Warm water, cold lake".into()),
            is_active: Some(true),
        })
        .unwrap();
    let draft = named("Spa & Pool").expect("shown at once");
    assert!(draft.id < 0 && draft.sync == RowSync::Pending, "{draft:?}");
    desk.pictures()
        .update_gallery(
            draft.id,
            &GalleryPatch {
                name: Some("Spa and Pool".into()),
                ..GalleryPatch::default()
            },
        )
        .unwrap();
    proxy.restore();
    eventually("the gallery is on the server", WAIT, || async {
        desk.outbox_summary().unwrap().pending == 0
            && named("Spa and Pool").is_some_and(|g| g.id > 0)
    })
    .await;
    let tok = token(&server, "sean.murphy").await;
    let server_named = |name: &'static str| {
        let server = &server;
        let tok = tok.clone();
        async move {
            rest(
                server,
                &tok,
                Method::GET,
                "/api/staff/hotel/killarney/galleries/?page_size=100",
                None,
            )
            .await["results"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|g| g["name"] == name)
                .cloned()
                .collect::<Vec<_>>()
        }
    };
    let made = server_named("Spa and Pool").await;
    assert_eq!(made.len(), 1, "created once, with its final name");
    assert!(server_named("Spa & Pool").await.is_empty());
    let id = made[0]["id"].as_i64().unwrap();
    desk.pictures()
        .update_gallery(
            id,
            &GalleryPatch {
                is_active: Some(false),
                ..GalleryPatch::default()
            },
        )
        .unwrap();
    eventually("hidden on the server", WAIT, || async {
        server_named("Spa and Pool").await[0]["is_active"] == json!(false)
    })
    .await;
    desk.pictures().delete_gallery(id).unwrap();
    assert!(named("Spa and Pool").is_none(), "gone from view at once");
    eventually("deleted on the server", WAIT, || async {
        server_named("Spa and Pool").await.is_empty()
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}
