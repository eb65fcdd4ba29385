//! `cargo bench -p hotelmate-core --bench sync` (or `cargo xtask bench sync`): the sync engine
//! against plain HTTP on the same in-process sandbox, in the same run.
//!
//! - full reconcile of 1,000 offers into SQLite vs a plain sequential fetch of the same pages;
//! - outbox replay of 500 queued edits (merge: GET + PATCH each) vs 500 plain PATCHes.
//!
//! Prints a table and writes `target/bench/sync.json`. Ratios matter; absolute times on shared
//! machines are noisy.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use hotelmate_core::api::{ApiClient, Progress};
use hotelmate_core::config::ApiBase;
use hotelmate_core::media::MediaCache;
use hotelmate_core::resources::offers::OFFERS;
use hotelmate_core::secrets::StaffToken;
use hotelmate_core::store::Store;
use hotelmate_core::sync::{pull, push};
use hotelmate_sandbox::Sandbox;
use serde_json::{json, Value};

const OFFERS_TOTAL: usize = 1000;
const EDITS: usize = 500;
const RUNS: usize = 5;

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
    for i in start_count..OFFERS_TOTAL {
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
    for _ in 0..RUNS {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("desk.sqlite3")).unwrap();
        let started = Instant::now();
        pull::reconcile(&client, &store, OFFERS, "killarney")
            .await
            .unwrap();
        ours.push(started.elapsed());
        assert_eq!(store.records("offers").unwrap().len(), OFFERS_TOTAL);

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
        assert_eq!(items, OFFERS_TOTAL);
    }
    let (reconcile, sequential) = (median(ours), median(plain));

    // Replay of queued edits vs plain PATCHes.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("desk.sqlite3")).unwrap();
    let media = MediaCache::open(dir.path().join("media")).unwrap();
    pull::reconcile(&client, &store, OFFERS, "killarney")
        .await
        .unwrap();
    let ids: Vec<i64> = store
        .records("offers")
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .take(EDITS)
        .collect();
    for (n, id) in ids.iter().enumerate() {
        let base = store.record("offers", *id).unwrap().unwrap();
        let fields = json!({"tag": format!("replayed {n}")})
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
    let at = push::Replay {
        client: &client,
        store: &store,
        media: &media,
        resource: OFFERS,
        slug: "killarney",
        before_send: None,
        permanent: hotelmate_core::sync::spec::no_permanent_failures,
    };
    let replayed = push::replay_all(at, |_| progress.clone(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(replayed, EDITS);
    let replay = started.elapsed();
    let started = Instant::now();
    for (n, id) in ids.iter().enumerate() {
        let response = http
            .patch(format!("{collection}{id}/"))
            .header("Authorization", &auth)
            .json(&json!({"tag": format!("plain {n}")}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
    }
    let patches = started.elapsed();

    println!("sync benchmark (in-process sandbox, median of {RUNS} for reconcile)");
    println!(
        "{:<46} {:>10} {:>12} {:>8}",
        "case", "ours ms", "reference ms", "ratio"
    );
    println!(
        "{:<46} {:>10.1} {:>12.1} {:>8.2}",
        format!("reconcile {OFFERS_TOTAL} offers into SQLite vs sequential GET"),
        ms(reconcile),
        ms(sequential),
        ms(reconcile) / ms(sequential)
    );
    println!(
        "{:<46} {:>10.1} {:>12.1} {:>8.2}",
        format!("replay {EDITS} queued edits vs {EDITS} plain PATCH"),
        ms(replay),
        ms(patches),
        ms(replay) / ms(patches)
    );
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&out).unwrap();
    let report = json!({
        "reconcile": {"offers": OFFERS_TOTAL, "ours_ms": ms(reconcile), "sequential_ms": ms(sequential)},
        "replay": {"edits": EDITS, "ours_ms": ms(replay), "plain_patch_ms": ms(patches)},
    });
    std::fs::write(
        out.join("sync.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
    server.shutdown().await;
}
