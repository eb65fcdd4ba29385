//! `cargo bench -p hotelmate-core --bench hostile` (or `cargo xtask bench hostile`): what a
//! hostile server's endless list costs the desk now (issue 36.3). A server on loopback answers
//! the offers list three ways, and the desk's own reconcile reads it into a real SQLite file:
//!
//! - `count` 10¹² on page 1;
//! - a count that grows at every page and a `next` link that never ends (ten rows a page);
//! - a count within the ceiling (49,990) on pages each just under the desk's 8 MB answer cap.
//!
//! For each: how it ended, the requests it made, the time, and the rise of this process's peak
//! resident memory (VmHWM, reset before each). Before (40bce7f, measured in the issue): 0.92 GB
//! after 5 s and 8.5 GB after 60 s, 8,266 requests, and no end. Prints a table and writes
//! `target/bench/hostile-list.json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

#[path = "support/short.rs"]
mod short;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use hotelmate_core::api::ApiClient;
use hotelmate_core::engine::pull;
use hotelmate_core::engine::store::Store;
use hotelmate_core::features::offers::spec::OFFERS;
use hotelmate_core::session::config::ApiBase;
use hotelmate_core::session::secrets::StaffToken;
use serde_json::{json, Value};

#[derive(Clone, Copy)]
enum Hostility {
    /// Page 1 claims 10¹² rows.
    HugeCount,
    /// The count grows with every page; `next` never ends.
    Endless,
    /// 49,990 rows claimed, every page just under the 8 MB answer cap.
    FatPages,
}

#[derive(Clone)]
struct Server {
    hostility: Hostility,
    origin: String,
    asked: Arc<AtomicU64>,
}

async fn offers(
    State(server): State<Server>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Json<Value> {
    server.asked.fetch_add(1, Ordering::SeqCst);
    let page: u64 = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let (count, title_bytes) = match server.hostility {
        Hostility::HugeCount => (1_000_000_000_000, 200),
        Hostility::Endless => (page * 10 + 10, 500),
        Hostility::FatPages => (49_990, 780_000),
    };
    let results: Vec<Value> = (0..10)
        .map(
            |i| json!({ "id": page * 10 + i, "title": "x".repeat(title_bytes), "is_active": true }),
        )
        .collect();
    Json(json!({
        "count": count,
        "next": format!("{}/api/staff/hotel/killarney/offers/?page={}", server.origin, page + 1),
        "previous": null,
        "results": results,
    }))
}

async fn serve(hostility: Hostility) -> (String, Arc<AtomicU64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let asked = Arc::new(AtomicU64::new(0));
    let app = Router::new()
        .route("/api/staff/hotel/killarney/offers/", get(offers))
        .with_state(Server {
            hostility,
            origin: origin.clone(),
            asked: asked.clone(),
        });
    tokio::spawn(async move { axum::serve(listener, app).await });
    (origin, asked)
}

/// This process's peak resident memory (VmHWM), in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Starts the peak over from what is resident now (Linux: "5" to clear_refs).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[tokio::main]
async fn main() {
    println!("a hostile server's offers list, read by the desk's reconcile into SQLite");
    println!(
        "{:<34} {:>9} {:>9} {:>14}  how it ended",
        "the server", "requests", "seconds", "peak rise MiB"
    );
    let mut report = Vec::new();
    for (name, hostility) in [
        ("count 10^12", Hostility::HugeCount),
        ("endless next, growing count", Hostility::Endless),
        ("49,990 rows on ~7.8 MB pages", Hostility::FatPages),
    ] {
        let (origin, asked) = serve(hostility).await;
        let client = ApiClient::new(ApiBase::parse(&origin).unwrap())
            .unwrap()
            .authenticated(StaffToken::new("bench"));
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            &dir.path().join("desk.sqlite3"),
            hotelmate_core::features::LOCAL_DATA,
        )
        .unwrap();
        reset_peak();
        let before = peak_mib();
        let started = Instant::now();
        let ended = pull::reconcile(&client, &store, OFFERS, "killarney", true).await;
        let seconds = started.elapsed().as_secs_f64();
        let rise = peak_mib() - before;
        let requests = asked.load(Ordering::SeqCst);
        let words = match &ended {
            Ok(_) => "read (not refused!)".to_owned(),
            Err(err) => err.to_string(),
        };
        println!("{name:<34} {requests:>9} {seconds:>9.1} {rise:>14.0}  {words:.90}");
        assert!(ended.is_err(), "{name}: the list was taken");
        report.push(json!({
            "server": name, "requests": requests, "seconds": seconds,
            "peak_rise_mib": rise, "ended": words,
        }));
    }
    println!(
        "before (40bce7f, the issue): 0.92 GB after 5 s, 8.5 GB after 60 s, 8,266 requests, no end"
    );
    let dir = short::out_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hostile-list.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
}
