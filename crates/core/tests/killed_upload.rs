//! Killing the desk (SIGKILL) while photos are being sent loses and duplicates none of them. A
//! child process (this test binary) replays a real SQLite outbox of uploads against the sandbox
//! and is killed at random points, half of them while an upload is on its way (the server may
//! or may not have the file: the outcome is unknown), with more photos chosen between kills;
//! then it finishes.
//! - Photos added to a gallery: every one is in the gallery exactly once, told apart by its
//!   bytes.
//! - A room type's photo and the hotel's hero, replaced again and again: the server ends with
//!   the last photo chosen for each, and no upload is sent more than once but one whose outcome
//!   a kill left unknown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::sync::Arc;
use std::time::Duration;

use crate::support::*;
use hotelmate_core::api::{ApiClient, Resource, SINGLETON_ID};
use hotelmate_core::engine::store::{EntryState, Store};
use hotelmate_core::engine::{pull, push};
use hotelmate_core::features::galleries::spec::GALLERIES;
use hotelmate_core::features::hotel_images::spec::SETTINGS;
use hotelmate_core::features::room_types::spec::ROOM_TYPES;
use hotelmate_core::media::MediaCache;
use hotelmate_core::session::config::ApiBase;
use hotelmate_core::session::secrets::StaffToken;
use reqwest::Method;
use sha2::Digest;

const KILLS: usize = 16;
const GALLERY: i64 = 1;

fn client_for(url: &str, token: &str) -> ApiClient {
    ApiClient::new(ApiBase::parse(url).unwrap())
        .unwrap()
        .authenticated(StaffToken::new(token))
}

/// Replays every sendable entry of `resource` once through the real push code.
async fn replay_all(store: &Store, client: &ApiClient, media: &MediaCache, resource: Resource) {
    let progress: hotelmate_core::api::Progress = Arc::new(|_, _| {});
    let at = push::Replay {
        client,
        store,
        media,
        resource,
        slug: "killarney",
        before_send: None,
        heard: None,
        read_whole: None,
        learned: None,
        permanent: hotelmate_core::engine::spec::no_permanent_failures,
        children: hotelmate_core::features::named(resource.name).and_then(|spec| spec.children),
        field_images: &[],
    };
    if let Err(err) = push::replay_all(at, |_| progress.clone(), |_, _| {}).await {
        panic!("replay failed: {err}");
    }
}

#[tokio::test]
#[ignore = "run by photos_added_while_the_desk_is_killed_reach_the_gallery_once_each"]
async fn child_uploads_the_photos() {
    let env = |k: &str| std::env::var(k).unwrap();
    let store = Store::open(
        std::path::Path::new(&env("CHILD_DB")),
        hotelmate_core::features::LOCAL_DATA,
    )
    .unwrap();
    let media = MediaCache::open(env("CHILD_MEDIA")).unwrap();
    let client = client_for(&env("CHILD_URL"), &env("CHILD_TOKEN"));
    // As the desk's worker does: each resource's outbox in turn.
    for resource in [GALLERIES, ROOM_TYPES, SETTINGS] {
        replay_all(&store, &client, &media, resource).await;
    }
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

/// A desk's data folder and the server its child process replays to.
struct Killable {
    server: hotelmate_sandbox::SandboxHandle,
    token: String,
    dir: tempfile::TempDir,
    store: Store,
    media: MediaCache,
    seed: u64,
}

impl Killable {
    /// A desk signed in as sean.murphy that has read `resources` once.
    async fn new(resources: &[Resource]) -> Self {
        let server = sandbox().await;
        let token = token(&server, "sean.murphy").await;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            &dir.path().join("desk.sqlite3"),
            hotelmate_core::features::LOCAL_DATA,
        )
        .unwrap();
        let media = MediaCache::open(dir.path().join("media")).unwrap();
        let client = client_for(&server.base_url(), &token);
        for resource in resources {
            pull::reconcile(&client, &store, *resource, "killarney", true)
                .await
                .unwrap();
        }
        Self {
            server,
            token,
            dir,
            store,
            media,
            seed: 0x2545_f491,
        }
    }

    /// A number below `n`, the same sequence every run.
    fn random(&mut self, n: u64) -> u64 {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        self.seed % n
    }

    /// Runs the child that replays the outbox: SIGKILLed after a random moment (on even rounds
    /// a few milliseconds after an upload is on its way), or to the end. Returns how many
    /// uploads the kill left with an unknown outcome.
    async fn child(&mut self, round: Option<usize>) -> usize {
        let db = self.dir.path().join("desk.sqlite3");
        let mut command = std::process::Command::new(std::env::current_exe().unwrap());
        command
            .args([
                "--exact",
                crate::support::test_name(concat!(module_path!(), "::child_uploads_the_photos")),
                "--ignored",
                "--nocapture",
            ])
            .env("CHILD_DB", &db)
            .env("CHILD_MEDIA", self.dir.path().join("media"))
            .env("CHILD_URL", self.server.base_url())
            .env("CHILD_TOKEN", &self.token)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let mut process = tokio::process::Command::from(command).spawn().unwrap();
        let Some(round) = round else {
            let output = process.wait_with_output().await.unwrap();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            return 0;
        };
        let mid_send = round % 2 == 0;
        let delay = if mid_send {
            Duration::from_millis(self.random(4))
        } else {
            Duration::from_millis(5 + self.random(60))
        };
        if mid_send {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            while tokio::time::Instant::now() < deadline && !self.sending() {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        tokio::time::sleep(delay).await;
        let _ = process.start_kill(); // SIGKILL
        let _ = process.wait().await;
        self.store
            .all_outbox()
            .unwrap()
            .iter()
            .filter(|e| e.state == EntryState::Sending)
            .count()
    }

    /// Runs the child to the end: everything is sent, and enough kills landed mid-upload for
    /// the test to mean anything.
    async fn finish(&mut self, unknown_outcomes: usize) {
        self.child(None).await;
        assert!(
            unknown_outcomes >= KILLS / 4,
            "kills must land while an upload is on its way for the test to mean anything: \
             {unknown_outcomes} uploads were left with an unknown outcome"
        );
        assert!(
            self.store.all_outbox().unwrap().is_empty(),
            "everything was sent in the end"
        );
    }

    fn sending(&self) -> bool {
        self.store
            .all_outbox()
            .unwrap()
            .iter()
            .any(|e| e.state == EntryState::Sending)
    }

    /// The SHA-256 of the file at `url`, as the server serves it.
    async fn hash_of(url: &str) -> String {
        let bytes = reqwest::get(url).await.unwrap().bytes().await.unwrap();
        hex::encode(sha2::Sha256::digest(&bytes))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn photos_added_while_the_desk_is_killed_reach_the_gallery_once_each() {
    let mut desk = Killable::new(&[GALLERIES]).await;
    let mut added = Vec::new();
    let mut unknown_outcomes = 0;
    for round in 0..KILLS {
        for i in 0..2 {
            let n = round * 2 + i;
            let cached = desk
                .media
                .put(&format!("photo-{n}.png"), &photo(n))
                .unwrap();
            desk.store
                .queue_added_child(
                    "galleries",
                    GALLERY,
                    &cached.hash,
                    &format!("photo-{n}.png"),
                )
                .unwrap();
            added.push(cached.hash);
        }
        unknown_outcomes += desk.child(Some(round)).await;
    }
    desk.finish(unknown_outcomes).await;

    let gallery = rest(
        &desk.server,
        &desk.token,
        Method::GET,
        &format!("/api/staff/hotel/killarney/galleries/{GALLERY}/"),
        None,
    )
    .await;
    let mut on_server = Vec::new();
    for image in gallery["images"].as_array().unwrap() {
        on_server.push(Killable::hash_of(image["image_url"].as_str().unwrap()).await);
    }
    for (n, hash) in added.iter().enumerate() {
        let copies = on_server.iter().filter(|h| *h == hash).count();
        assert_eq!(copies, 1, "photo {n} is in the gallery exactly once");
    }
    let posts = desk.server.requests_to(&format!(
        "POST /api/staff/hotel/killarney/galleries/{GALLERY}/upload_image/"
    ));
    eprintln!(
        "{KILLS} kills; {unknown_outcomes} uploads left with an unknown outcome; {} photos, {posts} upload requests",
        added.len()
    );
    desk.server.shutdown().await;
}

/// A room type's photo and the hotel's hero, each replaced before every kill: after the last
/// run the server shows the last photo chosen for each, nothing waits, and the only uploads
/// sent twice are those a kill left with an unknown outcome (a photo replaced before it was
/// sent is never sent).
#[tokio::test(flavor = "multi_thread")]
async fn a_room_photo_and_the_hero_replaced_while_the_desk_is_killed_end_as_the_last_chosen() {
    let mut desk = Killable::new(&[ROOM_TYPES, SETTINGS]).await;
    let room = desk
        .store
        .records(ROOM_TYPES.name)
        .unwrap()
        .iter()
        .find_map(|r| r.get("id").and_then(serde_json::Value::as_i64))
        .unwrap();
    let mut last = (String::new(), String::new());
    let mut unknown_outcomes = 0;
    for round in 0..KILLS {
        let photo_of_room = desk
            .media
            .put("room.png", &photo(1000 + round))
            .unwrap()
            .hash;
        desk.store
            .queue_image(ROOM_TYPES.name, room, Some(&photo_of_room))
            .unwrap();
        let hero = desk
            .media
            .put("hero.png", &photo(2000 + round))
            .unwrap()
            .hash;
        desk.store
            .queue_field_image(SETTINGS.name, SINGLETON_ID, "hero_image", &hero)
            .unwrap();
        last = (photo_of_room, hero);
        unknown_outcomes += desk.child(Some(round)).await;
    }
    desk.finish(unknown_outcomes).await;

    let room_type = rest(
        &desk.server,
        &desk.token,
        Method::GET,
        &format!("/api/staff/hotel/killarney/room-types/{room}/"),
        None,
    )
    .await;
    let settings = rest(
        &desk.server,
        &desk.token,
        Method::GET,
        "/api/staff/hotel/killarney/settings/",
        None,
    )
    .await;
    assert_eq!(
        Killable::hash_of(room_type["photo_url"].as_str().unwrap()).await,
        last.0,
        "the room type shows the last photo chosen"
    );
    assert_eq!(
        Killable::hash_of(settings["hero_image_display"].as_str().unwrap()).await,
        last.1,
        "the hero is the last one chosen"
    );
    let posts = desk.server.requests_to(&format!(
        "POST /api/staff/hotel/killarney/room-types/{room}/upload-image/"
    )) + desk
        .server
        .requests_to("PATCH /api/staff/hotel/killarney/settings/");
    assert!(
        posts <= (2 * KILLS + unknown_outcomes) as u64,
        "{posts} uploads for {} photos chosen, {unknown_outcomes} with an unknown outcome",
        2 * KILLS
    );
    eprintln!(
        "{KILLS} kills; {unknown_outcomes} uploads left with an unknown outcome; {} photos chosen, {posts} upload requests",
        2 * KILLS
    );
    desk.server.shutdown().await;
}
