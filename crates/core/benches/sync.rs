//! `cargo bench -p hotelmate-core --bench sync` (or `cargo xtask bench sync`): the sync engine
//! against plain HTTP on the same in-process sandbox, in the same run.
//!
//! - full reconcile of 1,000 offers into SQLite vs a plain sequential fetch of the same pages;
//! - outbox replay of 500 queued edits vs 500 plain PATCHes: with the live socket subscribed
//!   (merge bases read in one go, rows an event names read again) and without it (GET + PATCH
//!   each).
//!
//! Prints a table and writes `target/bench/sync.json`. Ratios matter; absolute times on shared
//! machines are noisy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

#[path = "support/short.rs"]
mod short;

use std::sync::Arc;
use std::time::{Duration, Instant};

use hotelmate_core::api::{ApiClient, Progress};
use hotelmate_core::engine::heard::HeardLog;
use hotelmate_core::engine::store::Store;
use hotelmate_core::engine::{live, pull, push};
use hotelmate_core::features as resources;
use hotelmate_core::features::offers::spec::OFFERS;
use hotelmate_core::media::MediaCache;
use hotelmate_core::session::config::{ApiBase, PusherEndpoint};
use hotelmate_core::session::secrets::StaffToken;
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::Sandbox;
use serde_json::{json, Value};

fn offers_total() -> usize {
    short::size(1000, 40)
}
fn edits() -> usize {
    short::size(500, 20)
}
fn runs() -> usize {
    short::size(5, 1)
}
fn near_rounds() -> usize {
    short::size(3, 1)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
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
    let collection = format!("{base}/api/staff/hotel/killarney/offers/");
    let existing: Value = http
        .get(&collection)
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let start_count = existing["count"].as_u64().unwrap() as usize;
    for i in start_count..offers_total() {
        http.post(&collection)
            .header("Authorization", &auth)
            .json(&json!({"title": format!("Bench offer {i}"), "short_description": "Benchmark", "tag": "bench"}))
            .send()
            .await
            .unwrap();
    }
    let client = ApiClient::new(ApiBase::parse(&base).unwrap())
        .unwrap()
        .authenticated(StaffToken::new(&token));

    // Reconcile vs plain sequential fetch.
    let mut ours = Vec::new();
    let mut plain = Vec::new();
    for _ in 0..runs() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            &dir.path().join("desk.sqlite3"),
            hotelmate_core::features::LOCAL_DATA,
        )
        .unwrap();
        let started = Instant::now();
        pull::reconcile(&client, &store, OFFERS, "killarney", true)
            .await
            .unwrap();
        ours.push(started.elapsed());
        assert_eq!(store.records("offers").unwrap().len(), offers_total());

        let started = Instant::now();
        let mut next = Some(collection.clone());
        let mut items = 0;
        while let Some(url) = next {
            let page: Value = http
                .get(&url)
                .header("Authorization", &auth)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            items += page["results"].as_array().unwrap().len();
            next = page["next"].as_str().map(str::to_owned);
        }
        plain.push(started.elapsed());
        assert_eq!(items, offers_total());
    }
    let (reconcile, sequential) = (median(ours), median(plain));

    // Replay of queued edits vs plain PATCHes, with the socket (bulk bases) and without.
    let pusher = server.pusher();
    let endpoint = PusherEndpoint::SelfHosted {
        key: pusher.key,
        host: "127.0.0.1".into(),
        port: server.addr().port(),
        tls: false,
    };
    let heard = Arc::new(HeardLog::default());
    let (socket, _listening) =
        live::follow_heard(&endpoint, "killarney", resources::ALL, heard.clone())
            .await
            .unwrap();
    // The same server near (in-process, answers within a millisecond) and far (3 ms each way,
    // through a proxy): the desk reads merge bases row by row, pipelined, from a near server,
    // and in one read of the list from a far one while the socket can tell of later changes.
    let far_proxy = CutProxy::start_with_delay(server.addr(), Duration::from_millis(3))
        .await
        .unwrap();
    let far_base = format!("http://{}", far_proxy.addr());
    let far_client = ApiClient::new(ApiBase::parse(&far_base).unwrap())
        .unwrap()
        .authenticated(StaffToken::new(&token));
    let near = replay_rounds(&client, &base, &auth, &heard, near_rounds(), false).await;
    let far = replay_rounds(&far_client, &far_base, &auth, &heard, 1, true).await;
    socket.shutdown().await;

    let (runs, replay_rounds, offers_total, edits) =
        (runs(), near_rounds(), offers_total(), edits());
    println!(
        "sync benchmark (in-process sandbox; median of {runs} reconciles, {replay_rounds} replay rounds near, 1 far)"
    );
    println!(
        "{:<64} {:>10} {:>12} {:>8}",
        "case", "ours ms", "reference ms", "ratio"
    );
    let line = |case: String, ours: Duration, reference: Duration| {
        println!(
            "{:<64} {:>10.1} {:>12.1} {:>8.2}",
            case,
            ms(ours),
            ms(reference),
            ms(ours) / ms(reference)
        )
    };
    line(
        format!("reconcile {offers_total} offers into SQLite vs sequential GET"),
        reconcile,
        sequential,
    );
    for (distance, rounds) in [("near", &near), ("far, 3 ms each way", &far)] {
        line(
            format!("replay {edits} edits, socket live, {distance}, vs {edits} PATCH"),
            rounds.live,
            rounds.plain,
        );
        line(
            format!("replay {edits} edits, no socket, {distance}, vs {edits} PATCH"),
            rounds.alone,
            rounds.plain,
        );
    }
    println!("read-to-write window of each replayed edit (issue 35.1), ms:");
    for (distance, rounds) in [("near", &near), ("far", &far)] {
        for (how, windows) in [
            ("own GET per edit (no socket)", &rounds.alone_windows),
            (
                "socket live (far: bases from one list read)",
                &rounds.live_windows,
            ),
        ] {
            println!(
                "  {distance:<5} {how:<42} p50 {:>8.1}  p99 {:>8.1}",
                quantile(windows, 0.5),
                quantile(windows, 0.99)
            );
        }
    }
    let out = short::out_dir();
    std::fs::create_dir_all(&out).unwrap();
    let report = json!({
        "reconcile": {"offers": offers_total, "ours_ms": ms(reconcile), "sequential_ms": ms(sequential)},
        "replay": {
            "edits": edits,
            "near": {"live_socket_ms": ms(near.live), "no_socket_ms": ms(near.alone), "plain_patch_ms": ms(near.plain)},
            "far_3ms_each_way": {"live_socket_ms": ms(far.live), "no_socket_ms": ms(far.alone), "plain_patch_ms": ms(far.plain)},
            "read_to_write_window_ms": {
                "near_own_get": {"p50": quantile(&near.alone_windows, 0.5), "p99": quantile(&near.alone_windows, 0.99)},
                "near_list_bases": {"p50": quantile(&near.live_windows, 0.5), "p99": quantile(&near.live_windows, 0.99)},
                "far_own_get": {"p50": quantile(&far.alone_windows, 0.5), "p99": quantile(&far.alone_windows, 0.99)},
                "far_list_bases": {"p50": quantile(&far.live_windows, 0.5), "p99": quantile(&far.live_windows, 0.99)},
            },
        },
    });
    std::fs::write(
        out.join("sync.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
    server.shutdown().await;
}

/// Median replay times (with the socket's log, without) and plain PATCH times.
struct Rounds {
    live: Duration,
    alone: Duration,
    plain: Duration,
    /// Every edit's read-to-write window (ms), with the socket's log and without.
    live_windows: Vec<f64>,
    alone_windows: Vec<f64>,
}

/// Rounds interleave the three cases; the socket stays subscribed throughout, so the server
/// does the same work (an event per PATCH) in each.
async fn replay_rounds(
    client: &ApiClient,
    base: &str,
    auth: &str,
    heard: &HeardLog,
    rounds: usize,
    far: bool,
) -> Rounds {
    let http = reqwest::Client::new();
    let ids = first_ids(client).await;
    let (mut live, mut alone, mut plain) = (Vec::new(), Vec::new(), Vec::new());
    let (mut live_windows, mut alone_windows) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let (took, windows) =
            replay_edits(client, Some(heard), &format!("live {base} {round}"), far).await;
        live.push(took);
        live_windows.extend(windows);
        let (took, windows) =
            replay_edits(client, None, &format!("alone {base} {round}"), false).await;
        alone.push(took);
        alone_windows.extend(windows);
        let started = Instant::now();
        for (n, id) in ids.iter().enumerate() {
            let response = http
                .patch(format!("{base}/api/staff/hotel/killarney/offers/{id}/"))
                .header("Authorization", auth)
                .json(&json!({"tag": format!("plain {base} {round} {n}")}))
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
        }
        plain.push(started.elapsed());
    }
    Rounds {
        live: median(live),
        alone: median(alone),
        plain: median(plain),
        live_windows,
        alone_windows,
    }
}

/// The first [`edits`] offers' ids (the same ones every replay edits).
async fn first_ids(client: &ApiClient) -> Vec<i64> {
    let mut ids: Vec<i64> = client
        .list(OFFERS, "killarney")
        .await
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .collect();
    ids.sort_unstable();
    ids.truncate(edits());
    ids
}

/// Queues one edit to each of the first [`edits`] offers on a fresh store and times the replay.
/// Times the replay; also returns each edit's read-to-write window in ms (issue 35.1): from
/// the read its merge used (its own GET, or the one list read when `list_bases`: a far server
/// with the socket's log) to the server's answer to its PATCH. A colleague's write that
/// lands inside it is replaced unasked unless something shows it afterwards.
async fn replay_edits(
    client: &ApiClient,
    heard: Option<&HeardLog>,
    label: &str,
    list_bases: bool,
) -> (Duration, Vec<f64>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &dir.path().join("desk.sqlite3"),
        hotelmate_core::features::LOCAL_DATA,
    )
    .unwrap();
    let media = MediaCache::open(dir.path().join("media")).unwrap();
    pull::reconcile(client, &store, OFFERS, "killarney", true)
        .await
        .unwrap();
    let ids = first_ids(client).await;
    for (n, id) in ids.iter().enumerate() {
        let base = store.record("offers", *id).unwrap().unwrap();
        let fields = json!({"tag": format!("replayed {label} {n}")})
            .as_object()
            .cloned()
            .unwrap();
        let base = json!({"tag": base.get("tag").cloned().unwrap_or(Value::Null)})
            .as_object()
            .cloned()
            .unwrap();
        store.queue_update("offers", *id, &fields, &base).unwrap();
    }
    let progress: Progress = Arc::new(|_, _| {});
    let started = Instant::now();
    let read_at = std::sync::Mutex::new(std::collections::HashMap::new());
    let before_send = |entry: &hotelmate_core::engine::store::OutboxEntry| {
        read_at.lock().unwrap().insert(entry.seq, Instant::now());
    };
    let mut windows = Vec::new();
    let at = push::Replay {
        client,
        store: &store,
        media: &media,
        resource: OFFERS,
        slug: "killarney",
        before_send: Some(&before_send),
        permanent: hotelmate_core::engine::spec::no_permanent_failures,
        children: None,
        field_images: &[],
        heard,
        read_whole: None,
        learned: None,
    };
    let mut sent = 0;
    push::replay_all(
        at,
        |_| progress.clone(),
        |entry, replayed| {
            assert!(
                matches!(replayed, push::Replayed::Sent { .. }),
                "{replayed:?}"
            );
            sent += 1;
            // Bases from one list read: read at the start.
            let read = match list_bases {
                true => started,
                false => read_at.lock().unwrap()[&entry.seq],
            };
            windows.push(ms(read.elapsed()));
        },
    )
    .await
    .unwrap();
    let took = started.elapsed();
    assert_eq!(sent, edits());
    (took, windows)
}

/// The `q` quantile of `samples` (ms).
fn quantile(samples: &[f64], q: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}
