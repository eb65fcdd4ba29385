//! Killing the desk (SIGKILL) while photos are being added to a gallery loses and duplicates
//! none of them. A child process (this test binary) replays a real SQLite outbox of gallery
//! uploads against the sandbox and is killed at random points, half of them while an upload is
//! on its way (the server may or may not have the file: the outcome is unknown), with more
//! photos added between kills; then it finishes. Every photo must be in the gallery exactly
//! once, told apart by its bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use hotelmate_core::api::ApiClient;
use hotelmate_core::config::ApiBase;
use hotelmate_core::media::MediaCache;
use hotelmate_core::resources::galleries::GALLERIES;
use hotelmate_core::secrets::StaffToken;
use hotelmate_core::store::{EntryState, Store};
use hotelmate_core::sync::{pull, push};
use reqwest::Method;
use sha2::Digest;
use support::*;

const KILLS: usize = 16;
const GALLERY: i64 = 1;

fn client_for(url: &str, token: &str) -> ApiClient {
    ApiClient::new(ApiBase::parse(url).unwrap())
        .unwrap()
        .authenticated(StaffToken::new(token))
}

async fn replay_all(store: &Store, client: &ApiClient, media: &MediaCache) {
    let progress: hotelmate_core::api::Progress = Arc::new(|_, _| {});
    let at = push::Replay {
        client,
        store,
        media,
        resource: GALLERIES,
        slug: "killarney",
        before_send: None,
        heard: None,
        permanent: hotelmate_core::sync::spec::no_permanent_failures,
    };
    if let Err(err) = push::replay_all(at, |_| progress.clone(), |_, _| {}).await {
        panic!("replay failed: {err}");
    }
}

#[tokio::test]
#[ignore = "run by photos_added_while_the_desk_is_killed_reach_the_gallery_once_each"]
async fn child_uploads_the_photos() {
    let env = |k: &str| std::env::var(k).unwrap();
    let store = Store::open(std::path::Path::new(&env("CHILD_DB"))).unwrap();
    let media = MediaCache::open(env("CHILD_MEDIA")).unwrap();
    replay_all(
        &store,
        &client_for(&env("CHILD_URL"), &env("CHILD_TOKEN")),
        &media,
    )
    .await;
}

/// A photo of its own: a gradient whose colour is `n`'s.
fn photo(n: usize) -> Vec<u8> {
    let mut png = Vec::new();
    let shade = [
        (n * 37 % 256) as u8,
        (n * 91 % 256) as u8,
        (n * 13 % 256) as u8,
    ];
    image::RgbImage::from_fn(96, 64, |x, y| {
        image::Rgb([shade[0] ^ x as u8, shade[1] ^ y as u8, shade[2]])
    })
    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    .unwrap();
    png
}

#[tokio::test(flavor = "multi_thread")]
async fn photos_added_while_the_desk_is_killed_reach_the_gallery_once_each() {
    let server = sandbox().await;
    let tok = token(&server, "sean.murphy").await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let store = Store::open(&db).unwrap();
    let media = MediaCache::open(dir.path().join("media")).unwrap();
    let client = client_for(&server.base_url(), &tok);
    pull::reconcile(&client, &store, GALLERIES, "killarney")
        .await
        .unwrap();

    let mut seed: u64 = 0x2545_f491;
    let mut random = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let child = |kill_after: Option<Duration>, when_sending: bool| {
        let mut command = std::process::Command::new(std::env::current_exe().unwrap());
        command
            .args([
                "--exact",
                "child_uploads_the_photos",
                "--ignored",
                "--nocapture",
            ])
            .env("CHILD_DB", &db)
            .env("CHILD_MEDIA", dir.path().join("media"))
            .env("CHILD_URL", server.base_url())
            .env("CHILD_TOKEN", &tok)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let watched = db.clone();
        async move {
            let mut process = tokio::process::Command::from(command).spawn().unwrap();
            match kill_after {
                Some(delay) => {
                    if when_sending {
                        let watcher = Store::open(&watched).unwrap();
                        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
                        while tokio::time::Instant::now() < deadline
                            && !watcher
                                .all_outbox()
                                .unwrap()
                                .iter()
                                .any(|e| e.state == EntryState::Sending)
                        {
                            tokio::time::sleep(Duration::from_millis(1)).await;
                        }
                    }
                    tokio::time::sleep(delay).await;
                    let _ = process.start_kill(); // SIGKILL
                    let _ = process.wait().await;
                }
                None => {
                    let output = process.wait_with_output().await.unwrap();
                    assert!(
                        output.status.success(),
                        "{}",
                        String::from_utf8_lossy(&output.stderr)
                    );
                }
            }
        }
    };

    let mut added = Vec::new();
    let mut unknown_outcomes = 0;
    for round in 0..KILLS {
        for i in 0..2 {
            let n = round * 2 + i;
            let cached = media.put(&format!("photo-{n}.png"), &photo(n)).unwrap();
            store
                .queue_added_image(
                    "galleries",
                    GALLERY,
                    &cached.hash,
                    &format!("photo-{n}.png"),
                )
                .unwrap();
            added.push(cached.hash);
        }
        let mid_send = round % 2 == 0;
        let delay = if mid_send {
            Duration::from_millis(random(4))
        } else {
            Duration::from_millis(5 + random(60))
        };
        child(Some(delay), mid_send).await;
        unknown_outcomes += store
            .all_outbox()
            .unwrap()
            .iter()
            .filter(|e| e.state == EntryState::Sending)
            .count();
    }
    child(None, false).await;
    assert!(
        unknown_outcomes >= KILLS / 4,
        "kills must land while an upload is on its way for the test to mean anything: \
         {unknown_outcomes} uploads were left with an unknown outcome"
    );
    assert!(
        store.all_outbox().unwrap().is_empty(),
        "everything was sent in the end"
    );

    let gallery = rest(
        &server,
        &tok,
        Method::GET,
        &format!("/api/staff/hotel/killarney/galleries/{GALLERY}/"),
        None,
    )
    .await;
    let mut on_server = Vec::new();
    for image in gallery["images"].as_array().unwrap() {
        let url = image["image_url"].as_str().unwrap();
        let bytes = reqwest::get(url).await.unwrap().bytes().await.unwrap();
        on_server.push(hex::encode(sha2::Sha256::digest(&bytes)));
    }
    for (n, hash) in added.iter().enumerate() {
        let copies = on_server.iter().filter(|h| *h == hash).count();
        assert_eq!(copies, 1, "photo {n} is in the gallery exactly once");
    }
    let posts = server.requests_to(&format!(
        "POST /api/staff/hotel/killarney/galleries/{GALLERY}/upload_image/"
    ));
    eprintln!(
        "{KILLS} kills; {unknown_outcomes} uploads left with an unknown outcome; {} photos, {posts} upload requests",
        added.len()
    );
    server.shutdown().await;
}
