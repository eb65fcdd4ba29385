//! Issue 35.9: a kind of change the server refuses this account (the fd6c529 backend answers
//! 403 "You can only access resources from your hotel." to everyone on single gallery photos)
//! is learned from the first refusal and said once, in the desk's words: the changes of that
//! kind waiting behind it are set aside unsent, and a new one is refused at once, instead of
//! one refused request per edit in the server's misleading words. (Updates of different rows
//! go four at a time, so the first refusal can come with up to three more of its batch.) Against the in-process
//! sandbox, told to refuse those requests as that backend does; the network cut by a proxy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::desk::ImagePatch;
use hotelmate_core::ConnectionStatus;
use hotelmate_sandbox::network::CutProxy;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

fn caption(text: &str) -> ImagePatch {
    ImagePatch {
        caption: Some(text.to_owned()),
        ..ImagePatch::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kind_of_change_the_server_refuses_is_learned_once_and_said_in_words() {
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let (desk, _dir) = desk("learned-refusal");
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    eventually("the photos are read", WAIT, || async {
        desk.pictures()
            .overview()
            .is_ok_and(|o| o.galleries.iter().map(|g| g.images.len()).sum::<usize>() >= 8)
    })
    .await;
    let images: Vec<i64> = desk
        .pictures()
        .overview()
        .unwrap()
        .galleries
        .iter()
        .flat_map(|g| g.images.iter().map(|i| i.id))
        .take(8)
        .collect();
    let line = |id: i64| format!("PATCH /api/staff/hotel/killarney/gallery-images/{id}/");
    for id in &images {
        server.refuse_every(
            &line(*id),
            403,
            json!({ "detail": "You can only access resources from your hotel." }),
        );
    }

    // Seven captions written offline wait; the network returns.
    proxy.cut();
    eventually("the desk is offline", WAIT, || async {
        matches!(desk.connection_status(), ConnectionStatus::Offline { .. })
    })
    .await;
    for (n, id) in images[..7].iter().enumerate() {
        desk.pictures()
            .edit_image(*id, &caption(&format!("Caption {n}")))
            .unwrap();
    }
    proxy.restore();

    // The first batch is refused; the captions behind it are set aside unsent, in the desk's
    // words.
    eventually("the refusal is learned and said", WAIT, || async {
        desk.pictures()
            .overview()
            .is_ok_and(|o| o.changes_refused.len() == 1)
    })
    .await;
    eventually("the captions behind it are set aside too", WAIT, || async {
        desk.pictures()
            .overview()
            .unwrap()
            .galleries
            .iter()
            .flat_map(|g| &g.images)
            .filter(|i| images[..7].contains(&i.id))
            .all(|i| {
                matches!(
                    i.sync,
                    hotelmate_core::engine::view::RowSync::Rejected { .. }
                )
            })
    })
    .await;
    let words = desk.pictures().overview().unwrap().changes_refused[0].clone();
    assert!(
        words.starts_with("This server refuses changes to gallery photos to your account")
            && words.contains("You can only access resources from your hotel.")
            && words.contains("hotel's web app"),
        "{words}"
    );
    let sent: Vec<u64> = images[..7]
        .iter()
        .map(|id| server.requests_to(&line(*id)))
        .collect();
    assert!(
        sent.iter().all(|n| *n <= 1) && sent.iter().sum::<u64>() <= 4 && sent[4..] == [0, 0, 0],
        "one batch of refused requests at most, the rest never sent: {sent:?}"
    );

    // A new caption is refused at once, in the same words, and nothing is sent.
    let refused = desk
        .pictures()
        .edit_image(images[7], &caption("Caption 7"))
        .unwrap_err();
    assert_eq!(refused.to_string(), words);
    // Refused before it was queued: nothing waits to go for that photo, nothing went.
    let untouched = desk
        .pictures()
        .overview()
        .unwrap()
        .galleries
        .iter()
        .flat_map(|g| &g.images)
        .any(|i| i.id == images[7] && i.sync == hotelmate_core::engine::view::RowSync::Synced);
    assert!(untouched, "the refused caption was queued");
    assert_eq!(server.requests_to(&line(images[7])), 0);
}

/// Issue 63.10: fd6c529 refuses single-photo deletes to everyone (403). The engine's own view
/// kept the photo after the refusal, but the Pictures screen filtered every queued delete, refused
/// ones too, so the photo stayed hidden until "keep theirs" although the server and the public
/// site still had it. Tried: a delete refused while online; the photo is back on the screen with
/// the server's words at once, and nothing else of its gallery changed.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_photo_delete_shows_the_photo_again_with_the_refusal_at_once() {
    let server = sandbox().await;
    let (desk, _dir) = desk("refused-delete");
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    eventually("the photos are read", WAIT, || async {
        desk.pictures()
            .overview()
            .is_ok_and(|o| o.galleries.iter().any(|g| g.images.len() >= 2))
    })
    .await;
    let gallery = desk
        .pictures()
        .overview()
        .unwrap()
        .galleries
        .into_iter()
        .find(|g| g.images.len() >= 2)
        .unwrap();
    let photo = gallery.images[0].id;
    server.refuse_every(
        &format!("DELETE /api/staff/hotel/killarney/gallery-images/{photo}/"),
        403,
        json!({ "detail": "You can only access resources from your hotel." }),
    );
    desk.pictures().delete_image(photo).unwrap();
    let shown = || {
        desk.pictures()
            .overview()
            .unwrap()
            .galleries
            .into_iter()
            .find(|g| g.id == gallery.id)
            .unwrap()
            .images
    };
    eventually(
        "the photo is back with the server's words",
        WAIT,
        || async {
            shown().iter().any(|i| {
                i.id == photo
                    && matches!(&i.sync, hotelmate_core::engine::view::RowSync::Rejected { message }
                    if message.contains("You can only access resources from your hotel."))
            })
        },
    )
    .await;
    assert_eq!(
        shown().iter().map(|i| i.id).collect::<Vec<_>>(),
        gallery.images.iter().map(|i| i.id).collect::<Vec<_>>(),
        "every photo of the gallery is shown, in its place"
    );
}
