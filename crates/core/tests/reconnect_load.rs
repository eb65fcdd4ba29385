//! Issue 63.14, light on the hotel's server after an outage, counted from the sandbox's access
//! log with the server at a distance (3 ms each way through a proxy, as a hotel's server on
//! the internet is; the REST API and the live socket through the same proxy, so an outage of
//! the hotel's network cuts both): the edits made in the outage go out with the one read of
//! their list the reconnect makes anyway, not a read of each row, and a reconnect reads each
//! list once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::support::*;
use hotelmate_core::ConnectionStatus;
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::SandboxHandle;
use reqwest::Method;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);
/// The distance to the hotel's server, each way.
const ONE_WAY: Duration = Duration::from_millis(3);

/// The requests the desk made since `before`, by "METHOD /path/" (the test's own are made
/// directly, not through the proxy, and counted apart by the caller).
fn asked_since(server: &SandboxHandle, before: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    server
        .request_counts()
        .into_iter()
        .filter_map(|(line, n)| {
            let more = n - before.get(&line).copied().unwrap_or(0);
            (more > 0).then_some((line, more))
        })
        .collect()
}

fn total(asked: &BTreeMap<String, u64>) -> u64 {
    asked.values().sum()
}

/// A desk signed in through a distant proxy, online and settled, on a hotel with `extra` more
/// offers than the demo's.
async fn distant_desk(
    name: &str,
    extra: usize,
) -> (
    SandboxHandle,
    CutProxy,
    hotelmate_core::Desk,
    tempfile::TempDir,
) {
    let server = sandbox().await;
    let tok = token(&server, "anna.byrne").await;
    for n in 0..extra {
        rest(
            &server,
            &tok,
            Method::POST,
            "/api/staff/hotel/killarney/offers/",
            Some(json!({ "title": format!("Extra offer {n}"), "short_description": "More" })),
        )
        .await;
    }
    let proxy = CutProxy::start_with_delay(server.addr(), ONE_WAY)
        .await
        .unwrap();
    let (desk, dir) = desk(name);
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    eventually("the desk is online", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    eventually("the offers are read", WAIT, || async {
        desk.offers().list().is_ok_and(|o| o.len() > extra)
    })
    .await;
    desk.settled().await;
    (server, proxy, desk, dir)
}

/// The reviewer's count: 50 edits made in an outage went out with 50 reads of their rows beside
/// their 50 PATCHes (here 116 requests: 2.32 a PATCH, the reconnect's reads included), as the
/// drain began a moment before the socket subscribed again, so nothing could tell it of a
/// colleague's later change. Now the drain waits for the subscription, and the list of offers
/// the reconnect reads anyway is their merge bases: besides the PATCHes, the reconnect's reads
/// alone, each list once.
#[tokio::test(flavor = "multi_thread")]
async fn fifty_edits_made_in_an_outage_go_out_with_one_read_of_their_list() {
    const EDITS: usize = 50;
    let (server, proxy, desk, _dir) = distant_desk("outage-edits", EDITS).await;
    let offers = desk.offers().list().unwrap();
    let pages = offers.len().div_ceil(10) as u64;

    proxy.cut();
    eventually("the desk says it is offline", WAIT, || async {
        matches!(desk.connection_status(), ConnectionStatus::Offline { .. })
    })
    .await;
    for (n, offer) in offers.iter().take(EDITS).enumerate() {
        desk.offers()
            .update(
                offer.id,
                &serde_json::from_value(json!({ "tag": format!("Outage edit {n}") })).unwrap(),
            )
            .unwrap();
    }
    desk.settled().await;
    let before = server.request_counts();
    let restored = Instant::now();
    proxy.restore();
    eventually("every edit is sent", WAIT, || async {
        desk.outbox_summary().unwrap().pending == 0
    })
    .await;
    let sent_after = restored.elapsed();
    desk.settled().await;
    let asked = asked_since(&server, &before);
    let patches: u64 = asked
        .iter()
        .filter(|(line, _)| line.starts_with("PATCH "))
        .map(|(_, n)| n)
        .sum();
    let is_row = |line: &str| {
        line.trim_end_matches('/')
            .rsplit('/')
            .next()
            .is_some_and(|id| id.parse::<i64>().is_ok())
    };
    let row_reads: u64 = asked
        .iter()
        .filter(|(line, _)| line.starts_with("GET ") && is_row(line))
        .map(|(_, n)| n)
        .sum();
    let others = total(&asked) - patches;
    println!(
        "{EDITS} edits after an outage: {} requests ({patches} PATCH, {row_reads} row reads, \
         {others} others: the reconnect's), {:.2} a PATCH, all sent {:.2} s after the network \
         came back",
        total(&asked),
        total(&asked) as f64 / patches as f64,
        sent_after.as_secs_f64()
    );
    for (line, n) in asked.iter().filter(|(line, _)| !is_row(line)) {
        println!("    {n:>4} × {line}");
    }
    assert_eq!(patches, EDITS as u64, "one PATCH per edit");
    assert_eq!(row_reads, 0, "no edit read its row on its own");
    assert_eq!(
        asked["GET /api/staff/hotel/killarney/offers/"], pages,
        "the offers' list read once, its {pages} pages"
    );
    let twice: Vec<_> = asked
        .iter()
        .filter(|(line, n)| line.starts_with("GET ") && !paged(line) && **n > 1)
        .collect();
    assert!(twice.is_empty(), "read more than once: {twice:?}");
    desk.shutdown().await;
    server.shutdown().await;
}

/// My hours' clock logs at fd6c529 (issue 67.2): the hotel's logs, read page by page (`?page=N`
/// on one path) until a page reaches before the five weeks shown; one read is several lines.
const MY_LOGS: &str = "/api/attendance/clock-logs/department-logs/";

/// Lists counted by their pages here: the offers, and my hours' logs.
fn paged(line: &str) -> bool {
    line.ends_with("/offers/") || line.ends_with(MY_LOGS)
}

/// The reviewer's count: a reconnect read the offers, staff and on-duty lists twice (the
/// network's return read everything, and the socket's subscription a moment later dropped
/// that read and began it again). Now each list is read once.
#[tokio::test(flavor = "multi_thread")]
async fn a_reconnect_reads_each_list_once() {
    let (server, proxy, desk, _dir) = distant_desk("outage-lists", 0).await;
    proxy.cut();
    eventually("the desk says it is offline", WAIT, || async {
        matches!(desk.connection_status(), ConnectionStatus::Offline { .. })
    })
    .await;
    desk.settled().await;
    let before = server.request_counts();
    proxy.restore();
    eventually("the desk is online again", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    desk.settled().await;
    let asked = asked_since(&server, &before);
    println!("a reconnect: {} requests", total(&asked));
    for (line, n) in &asked {
        println!("    {n:>4} × {line}");
    }
    let twice: Vec<(&String, &u64)> = asked
        .iter()
        .filter(|(line, n)| line.starts_with("GET ") && !line.ends_with(MY_LOGS) && **n > 1)
        .collect();
    assert!(twice.is_empty(), "read more than once: {twice:?}");
    desk.shutdown().await;
    server.shutdown().await;
}
