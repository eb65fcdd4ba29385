//! `cargo bench -p hotelmate-core --bench pictures` (or `cargo xtask bench pictures`): the hotel's
//! pictures against plain HTTP on the same in-process sandbox, in the same run.
//!
//! - reconcile of 500 gallery images in 10 galleries (the galleries and the gallery-images list,
//!   into SQLite, as the periodic reconcile does) vs a plain sequential fetch of the same pages,
//!   with the server in-process and 3 ms away;
//! - 50 photos of 12 MP read from disk, prepared (resized, metadata stripped) and uploaded
//!   through the outbox, two prepared and three uploaded at a time, vs uploading the same
//!   already-resized bytes one after another with plain HTTP, over a hotel uplink of 20 Mbit/s
//!   (a proxy shares that rate among all connections) and with no limit; peak resident memory
//!   of this process while ours runs.
//!
//! Prints a table and writes `target/bench/pictures.json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

#[path = "support/short.rs"]
mod short;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use hotelmate_core::api::{ApiClient, Progress};
use hotelmate_core::engine::store::Store;
use hotelmate_core::engine::{pull, push};
use hotelmate_core::features::galleries::spec::{GALLERIES, GALLERY_IMAGES};
use hotelmate_core::media::{ImagePolicy, MediaCache};
use hotelmate_core::session::config::ApiBase;
use hotelmate_core::session::secrets::StaffToken;
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::Sandbox;
use serde_json::{json, Value};

fn gallery_count() -> usize {
    short::size(10, 2)
}
fn images_per_gallery() -> usize {
    short::size(50, 4)
}
fn photos() -> usize {
    short::size(50, 2)
}
fn runs() -> usize {
    short::size(5, 1)
}
/// 20 Mbit/s.
const UPLINK_BYTES_PER_SECOND: u64 = 20_000_000 / 8;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn client(base: &str, token: &str) -> ApiClient {
    ApiClient::new(ApiBase::parse(base).unwrap())
        .unwrap()
        .authenticated(StaffToken::new(token))
}

fn tiny_png(n: usize) -> Vec<u8> {
    let mut png = Vec::new();
    image::RgbImage::from_fn(8, 8, |x, y| {
        image::Rgb([(n % 256) as u8, (n / 256) as u8, (x * y) as u8])
    })
    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    .unwrap();
    png
}

/// A 4000 × 3000 JPEG with a photo's texture (smooth light, fine grain), different for each `n`.
fn twelve_megapixels(n: usize) -> Vec<u8> {
    let mut seed = 0x9e37_79b9_u32.wrapping_add(n as u32 * 7919);
    let picture = image::RgbImage::from_fn(4000, 3000, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let grain = (seed % 24) as u8;
        image::Rgb([
            ((x / 16) as u8).wrapping_add(grain).wrapping_add(n as u8),
            ((y / 12) as u8).wrapping_add(grain),
            (((x + y) / 28) as u8).wrapping_add(grain / 2),
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
        .encode_image(&picture)
        .unwrap();
    jpeg
}

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

async fn get(http: &reqwest::Client, auth: &str, url: &str) -> Value {
    http.get(url)
        .header("Authorization", auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Every page of a list, one after another, following `next`: the plain reference.
async fn walk(http: &reqwest::Client, auth: &str, url: String) -> usize {
    let mut next = Some(url);
    let mut items = 0;
    while let Some(url) = next {
        let page = get(http, auth, &url).await;
        items += page["results"].as_array().unwrap().len();
        next = page["next"].as_str().map(str::to_owned);
    }
    items
}

struct Row {
    case: String,
    ours: Duration,
    plain: Duration,
}

#[tokio::main]
async fn main() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = server.base_url();
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{base}/api/staff/login/"))
        .json(&json!({"username": "sean.murphy", "password": "killarney-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_owned();
    let auth = format!("Token {token}");
    let galleries_url = format!("{base}/api/staff/hotel/killarney/galleries/");

    // Exactly 10 galleries of 50 images: the demo's galleries go first.
    let demo = get(&http, &auth, &galleries_url).await;
    for gallery in demo["results"].as_array().unwrap() {
        http.delete(format!("{galleries_url}{}/", gallery["id"]))
            .header("Authorization", &auth)
            .send()
            .await
            .unwrap();
    }
    let mut gallery_ids = Vec::new();
    for g in 0..gallery_count() {
        let made: Value = http
            .post(&galleries_url)
            .header("Authorization", &auth)
            .json(&json!({"name": format!("Bench gallery {g}"), "category": "other"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = made["id"].as_i64().unwrap();
        gallery_ids.push(id);
        for i in 0..images_per_gallery() {
            let form = reqwest::multipart::Form::new().part(
                "image",
                reqwest::multipart::Part::bytes(tiny_png(g * 1000 + i))
                    .file_name("bench.png")
                    .mime_str("image/png")
                    .unwrap(),
            );
            http.post(format!("{galleries_url}{id}/upload_image/"))
                .header("Authorization", &auth)
                .multipart(form)
                .send()
                .await
                .unwrap();
        }
    }

    // Reconcile, near and far.
    let far = CutProxy::start_with_delay(server.addr(), Duration::from_millis(3))
        .await
        .unwrap();
    let far_base = format!("http://{}", far.addr());
    let mut rows = Vec::new();
    for (case, at) in [
        ("server in-process", base.clone()),
        ("server 3 ms each way", far_base.clone()),
    ] {
        let api = client(&at, &token);
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            &dir.path().join("desk.sqlite3"),
            hotelmate_core::features::LOCAL_DATA,
        )
        .unwrap();
        // The periodic reconcile: the desk has read these lists before.
        pull::reconcile(&api, &store, GALLERIES, "killarney", true)
            .await
            .unwrap();
        pull::reconcile(&api, &store, GALLERY_IMAGES, "killarney", true)
            .await
            .unwrap();
        let (mut ours, mut plain) = (Vec::new(), Vec::new());
        for _ in 0..runs() {
            let started = Instant::now();
            pull::reconcile(&api, &store, GALLERIES, "killarney", true)
                .await
                .unwrap();
            pull::reconcile(&api, &store, GALLERY_IMAGES, "killarney", true)
                .await
                .unwrap();
            ours.push(started.elapsed());
            assert_eq!(
                store.records("gallery_images").unwrap().len(),
                gallery_count() * images_per_gallery()
            );
            let started = Instant::now();
            let galleries = walk(
                &http,
                &auth,
                format!("{at}/api/staff/hotel/killarney/galleries/"),
            )
            .await;
            let images = walk(
                &http,
                &auth,
                format!("{at}/api/staff/hotel/killarney/gallery-images/"),
            )
            .await;
            plain.push(started.elapsed());
            assert_eq!(
                (galleries, images),
                (gallery_count(), gallery_count() * images_per_gallery())
            );
        }
        rows.push(Row {
            case: format!("reconcile 500 images in 10 galleries, {case}"),
            ours: median(ours),
            plain: median(plain),
        });
    }

    // 50 photos of 12 MP from disk.
    eprintln!("making {} photos of 12 MP…", photos());
    let photos_dir = tempfile::tempdir().unwrap();
    let paths: Vec<std::path::PathBuf> = futures_util::stream::iter(0..photos())
        .map(|n| {
            let path = photos_dir.path().join(format!("IMG_{n:04}.jpg"));
            async move {
                let bytes = tokio::task::spawn_blocking(move || twelve_megapixels(n))
                    .await
                    .unwrap();
                tokio::fs::write(&path, bytes).await.unwrap();
                path
            }
        })
        .buffered(2)
        .collect()
        .await;
    let source_bytes: u64 = paths
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    let mut peaks = Vec::new();
    let mut uploaded_bytes = 0;
    for (case, uplink) in [
        ("uplink 20 Mbit/s", Some(UPLINK_BYTES_PER_SECOND)),
        ("no uplink limit", None),
    ] {
        let proxy = match uplink {
            Some(rate) => CutProxy::start_with_uplink(server.addr(), rate)
                .await
                .unwrap(),
            None => CutProxy::start(server.addr()).await.unwrap(),
        };
        let at = format!("http://{}", proxy.addr());
        let api = client(&at, &token);
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(
            Store::open(
                &dir.path().join("desk.sqlite3"),
                hotelmate_core::features::LOCAL_DATA,
            )
            .unwrap(),
        );
        let media = MediaCache::open(dir.path().join("media")).unwrap();
        let gallery = gallery_ids[0];
        pull::reconcile(&api, &store, GALLERIES, "killarney", true)
            .await
            .unwrap();

        let sampling = Arc::new(AtomicBool::new(true));
        let peak = Arc::new(AtomicU64::new(resident_kib()));
        let sampler = {
            let (sampling, peak) = (sampling.clone(), peak.clone());
            tokio::spawn(async move {
                while sampling.load(Ordering::Relaxed) {
                    peak.fetch_max(resident_kib(), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        };
        let started = Instant::now();
        let queued = Arc::new(tokio::sync::Notify::new());
        let made = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let producing = Arc::new(AtomicBool::new(true));
        // The desk's two halves: files prepared two at a time and queued; the outbox sent
        // (three uploads at a time) as entries arrive.
        let producer = {
            let (store, media, queued, producing) = (
                store.clone(),
                media.clone(),
                queued.clone(),
                producing.clone(),
            );
            let made = made.clone();
            let paths = paths.clone();
            async move {
                futures_util::stream::iter(paths)
                    .map(|path| {
                        let (store, media, queued, made) =
                            (store.clone(), media.clone(), queued.clone(), made.clone());
                        async move {
                            let bytes = tokio::fs::read(&path).await.unwrap();
                            let name = path.file_name().unwrap().to_string_lossy().into_owned();
                            let cached = tokio::task::spawn_blocking(move || {
                                let prepared = hotelmate_core::media::prepare(
                                    &name,
                                    &bytes,
                                    &ImagePolicy::default(),
                                )
                                .unwrap();
                                (media.put_prepared(&prepared).unwrap(), name)
                            })
                            .await
                            .unwrap();
                            store
                                .queue_added_child(
                                    "galleries",
                                    gallery,
                                    &cached.0.image.hash,
                                    &cached.1,
                                )
                                .unwrap();
                            made.lock().unwrap().push(cached.0.image.hash.clone());
                            queued.notify_one();
                        }
                    })
                    .buffer_unordered(2)
                    .collect::<Vec<()>>()
                    .await;
                producing.store(false, Ordering::SeqCst);
                queued.notify_one();
            }
        };
        let sender = {
            let (store, media, queued, producing) = (
                store.clone(),
                media.clone(),
                queued.clone(),
                producing.clone(),
            );
            let api = api.clone();
            async move {
                let progress: Progress = Arc::new(|_, _| {});
                loop {
                    let at = push::Replay {
                        client: &api,
                        store: &store,
                        media: &media,
                        resource: GALLERIES,
                        slug: "killarney",
                        before_send: None,
                        heard: None,
                        read_whole: None,
                        learned: None,
                        permanent: hotelmate_core::engine::spec::no_permanent_failures,
                        children: Some(&hotelmate_core::features::galleries::spec::IMAGES),
                        field_images: &[],
                    };
                    push::replay_all(at, |_| progress.clone(), |_, _| {})
                        .await
                        .unwrap();
                    if !producing.load(Ordering::SeqCst)
                        && store.outbox_entries("galleries").unwrap().is_empty()
                    {
                        return;
                    }
                    let _ =
                        tokio::time::timeout(Duration::from_millis(50), queued.notified()).await;
                }
            }
        };
        tokio::join!(producer, sender);
        let ours = started.elapsed();
        sampling.store(false, Ordering::Relaxed);
        sampler.await.unwrap();
        peaks.push((case, peak.load(Ordering::Relaxed)));

        // The same resized bytes, one after another, plain multipart POSTs.
        let hashes = std::mem::take(&mut *made.lock().unwrap());
        assert_eq!(hashes.len(), photos());
        let prepared: Vec<Vec<u8>> = hashes
            .iter()
            .map(|hash| std::fs::read(media.get(hash).unwrap().unwrap().path).unwrap())
            .collect();
        uploaded_bytes = prepared.iter().map(|b| b.len() as u64).sum();
        let target = gallery_ids[1];
        let started = Instant::now();
        for bytes in prepared {
            let form = reqwest::multipart::Form::new().part(
                "image",
                reqwest::multipart::Part::bytes(bytes)
                    .file_name("photo.jpg")
                    .mime_str("image/jpeg")
                    .unwrap(),
            );
            let status = http
                .post(format!(
                    "{at}/api/staff/hotel/killarney/galleries/{target}/upload_image/"
                ))
                .header("Authorization", &auth)
                .multipart(form)
                .send()
                .await
                .unwrap()
                .status();
            assert!(status.is_success());
        }
        let plain = started.elapsed();
        rows.push(Row {
            case: format!("50 photos of 12 MP prepared and uploaded, {case}"),
            ours,
            plain,
        });
    }

    println!();
    println!("| case | ours | plain HTTP | ratio |");
    println!("|---|---|---|---|");
    for row in &rows {
        println!(
            "| {} | {:.1} ms | {:.1} ms | {:.2} |",
            row.case,
            ms(row.ours),
            ms(row.plain),
            row.ours.as_secs_f64() / row.plain.as_secs_f64()
        );
    }
    println!();
    println!(
        "photos: {:.1} MB of JPEGs on disk, {:.1} MB after preparing (long edge 2560 px)",
        source_bytes as f64 / 1e6,
        uploaded_bytes as f64 / 1e6
    );
    for (case, kib) in &peaks {
        println!("peak resident memory of this process (server included) while ours ran, {case}: {:.0} MiB", *kib as f64 / 1024.0);
    }
    let out = short::out_dir();
    std::fs::create_dir_all(&out).unwrap();
    let report = json!({
        "rows": rows.iter().map(|r| json!({"case": r.case, "ours_ms": ms(r.ours), "plain_ms": ms(r.plain), "ratio": r.ours.as_secs_f64() / r.plain.as_secs_f64()})).collect::<Vec<_>>(),
        "peak_rss_mib": peaks.iter().map(|(c, k)| json!({"case": c, "mib": *k as f64 / 1024.0})).collect::<Vec<_>>(),
        "source_mb": source_bytes as f64 / 1e6,
        "prepared_mb": uploaded_bytes as f64 / 1e6,
    });
    std::fs::write(
        out.join("pictures.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
    drop(far);
    server.shutdown().await;
}
