//! The replay's merge bases read in bulk (issue 15.1): one read of the list while the live
//! socket is subscribed, instead of a GET per queued edit, without losing a colleague's change
//! made after that read. Real sandbox (HTTP and its Pusher server), real SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::*;
use hotelmate_core::api::{ApiClient, Progress};
use hotelmate_core::engine::heard::HeardLog;
use hotelmate_core::engine::store::{EntryState, Row, Store};
use hotelmate_core::engine::{live, pull, push};
use hotelmate_core::features as resources;
use hotelmate_core::features::offers::spec::OFFERS;
use hotelmate_core::media::MediaCache;
use hotelmate_core::session::config::{ApiBase, PusherEndpoint};
use hotelmate_core::session::secrets::StaffToken;
use hotelmate_sandbox::network::CutProxy;
use reqwest::Method;
use serde_json::{json, Value};

fn object(value: Value) -> Row {
    value.as_object().cloned().unwrap()
}

/// Queues a new title for each of `ids`, based on what the store has.
fn queue_titles(store: &Store, ids: &[i64], prefix: &str) {
    for id in ids {
        let stored = store.record("offers", *id).unwrap().unwrap();
        store
            .queue_update(
                "offers",
                *id,
                &object(json!({"title": format!("{prefix} {id}")})),
                &object(json!({"title": stored["title"].clone()})),
            )
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_colleagues_change_made_after_the_bulk_read_is_a_conflict_not_overwritten() {
    let server = sandbox().await;
    let colleague = token(&server, "anna.byrne").await;
    let token = token(&server, "sean.murphy").await;
    for n in 0..8 {
        rest(
            &server,
            &token,
            Method::POST,
            "/api/staff/hotel/killarney/offers/",
            Some(json!({"title": format!("Extra offer {n}"), "short_description": "More"})),
        )
        .await;
    }
    // The hotel's server is some distance away (3 ms each way): there, one read of the list
    // costs fewer round trips than a read per edit (a server answering within 2 ms is near, and
    // each edit reads its own base, pipelined).
    let far = CutProxy::start_with_delay(server.addr(), Duration::from_millis(3))
        .await
        .unwrap();
    let client = ApiClient::new(ApiBase::parse(&format!("http://{}", far.addr())).unwrap())
        .unwrap()
        .authenticated(StaffToken::new(&token));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &dir.path().join("desk.sqlite3"),
        hotelmate_core::features::LOCAL_DATA,
    )
    .unwrap();
    let media = MediaCache::open(dir.path().join("media")).unwrap();
    pull::reconcile(&client, &store, OFFERS, "killarney", true)
        .await
        .unwrap();
    let mut ids: Vec<i64> = store
        .records("offers")
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .collect();
    ids.sort_unstable();
    let ids = &ids[..8];
    queue_titles(&store, ids, "Desk title");

    let pusher = server.pusher();
    let endpoint = PusherEndpoint::SelfHosted {
        key: pusher.key,
        host: pusher.host,
        port: pusher.port,
        tls: false,
    };
    let heard = Arc::new(HeardLog::default());
    let (socket, _task) = live::follow_heard(&endpoint, "killarney", resources::ALL, heard.clone())
        .await
        .unwrap();
    let before = heard.mark().unwrap();
    let contested = ids[2];
    let item = |id: i64| format!("GET /api/staff/hotel/killarney/offers/{id}/");
    let gets_before: Vec<u64> = ids
        .iter()
        .map(|id| server.requests_to(&item(*id)))
        .collect();

    // Just before the first edit is sent (the list has been read by then), a colleague renames
    // the third offer; the desk hears of it on its socket before its own PATCH goes.
    let runtime = tokio::runtime::Handle::current();
    let interfered = std::sync::atomic::AtomicBool::new(false);
    let before_send = |_: &hotelmate_core::engine::store::OutboxEntry| {
        if interfered.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        tokio::task::block_in_place(|| {
            runtime.block_on(async {
                rest(
                    &server,
                    &colleague,
                    Method::PATCH,
                    &format!("/api/staff/hotel/killarney/offers/{contested}/"),
                    Some(json!({"title": "Colleague's title"})),
                )
                .await;
                let deadline = Instant::now() + Duration::from_secs(10);
                while !heard.changed_since("offers", contested, before) {
                    assert!(
                        Instant::now() < deadline,
                        "the colleague's event never came"
                    );
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            })
        });
    };
    let progress: Progress = Arc::new(|_, _| {});
    let at = push::Replay {
        client: &client,
        store: &store,
        media: &media,
        resource: OFFERS,
        slug: "killarney",
        before_send: Some(&before_send),
        permanent: hotelmate_core::engine::spec::no_permanent_failures,
        children: None,
        field_images: &[],
        heard: Some(&heard),
        read_whole: None,
        learned: None,
    };
    let mut outcomes = Vec::new();
    push::replay_all(
        at,
        |_| progress.clone(),
        |entry, replayed| outcomes.push((entry.target.id(), replayed.clone())),
    )
    .await
    .unwrap();

    // Their bases came from the one read of the list: only the offer an event named since was
    // read on its own.
    let gets: Vec<u64> = ids
        .iter()
        .zip(&gets_before)
        .map(|(id, before)| server.requests_to(&item(*id)) - before)
        .collect();
    let expected: Vec<u64> = ids.iter().map(|id| u64::from(*id == contested)).collect();
    assert_eq!(gets, expected, "individual base reads per offer {ids:?}");

    // The contested offer keeps the colleague's title, and the desk is asked which to keep.
    let on_server = rest(
        &server,
        &token,
        Method::GET,
        &format!("/api/staff/hotel/killarney/offers/{contested}/"),
        None,
    )
    .await;
    assert_eq!(on_server["title"], "Colleague's title");
    assert!(
        outcomes
            .iter()
            .any(|(id, r)| *id == contested && matches!(r, push::Replayed::Conflict { .. })),
        "{outcomes:?}"
    );
    let paused = store.outbox_entries("offers").unwrap();
    assert!(
        paused
            .iter()
            .any(|e| e.target.id() == contested && e.state == EntryState::Conflict),
        "{paused:?}"
    );
    // The others arrived as the desk wrote them.
    for id in ids.iter().filter(|id| **id != contested) {
        let row = rest(
            &server,
            &token,
            Method::GET,
            &format!("/api/staff/hotel/killarney/offers/{id}/"),
            None,
        )
        .await;
        assert_eq!(row["title"], format!("Desk title {id}"));
    }
    // Without the socket, each edit reads its own base (nothing could tell of a change).
    queue_titles(
        &store,
        &[ids[0], ids[1], ids[3], ids[4], ids[5]],
        "Second title",
    );
    let outbox: Vec<_> = store.outbox_entries("offers").unwrap();
    let waiting: Vec<i64> = outbox
        .iter()
        .filter(|e| e.state == EntryState::Pending && e.target.id() != contested)
        .map(|e| e.target.id())
        .collect();
    socket.shutdown().await;
    let before_alone: Vec<u64> = waiting
        .iter()
        .map(|id| server.requests_to(&item(*id)))
        .collect();
    let at = push::Replay {
        before_send: None,
        heard: Some(&heard),
        read_whole: None,
        learned: None,
        ..at
    };
    push::replay_all(at, |_| progress.clone(), |_, _| {})
        .await
        .unwrap();
    for (id, before) in waiting.iter().zip(before_alone) {
        assert!(
            server.requests_to(&item(*id)) > before,
            "offer {id}: with the socket gone, its base is read on its own"
        );
    }
    server.shutdown().await;
}

/// Issue 65 item 6: a row a list of several pages lacks is read by its id before it is taken
/// for deleted, and a colleague's many deletes cost a bounded number of reads a round: 50
/// offers deleted are read 40 in the first round (their rows removed), and the other 10 are
/// kept, said as waiting (the worker reads the list again for them), and removed in the
/// second. Each deleted offer is read once, the offers still there not at all. Real sandbox,
/// real SQLite.
#[tokio::test(flavor = "multi_thread")]
async fn many_rows_a_list_lacks_are_confirmed_gone_a_bounded_number_a_round() {
    let server = sandbox().await;
    let token = token(&server, "sean.murphy").await;
    let mut made = Vec::new();
    for n in 0..55 {
        let offer = rest(
            &server,
            &token,
            Method::POST,
            "/api/staff/hotel/killarney/offers/",
            Some(json!({"title": format!("Extra offer {n}"), "short_description": "More"})),
        )
        .await;
        made.push(offer["id"].as_i64().unwrap());
    }
    let client = ApiClient::new(ApiBase::parse(&server.base_url()).unwrap())
        .unwrap()
        .authenticated(StaffToken::new(&token));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &dir.path().join("desk.sqlite3"),
        hotelmate_core::features::LOCAL_DATA,
    )
    .unwrap();
    pull::reconcile(&client, &store, OFFERS, "killarney", true)
        .await
        .unwrap();
    let stored = store.records("offers").unwrap().len();
    for id in &made[..50] {
        let path = format!("/api/staff/hotel/killarney/offers/{id}/");
        rest(&server, &token, Method::DELETE, &path, None).await;
    }
    let reads = |ids: &[i64]| -> u64 {
        ids.iter()
            .map(|id| server.requests_to(&format!("GET /api/staff/hotel/killarney/offers/{id}/")))
            .sum()
    };

    let first = pull::reconcile(&client, &store, OFFERS, "killarney", true)
        .await
        .unwrap();
    assert_eq!(first.removed.len(), 40, "40 confirmed gone this round");
    assert_eq!(first.unconfirmed, 10, "10 wait for the next round");
    assert_eq!(store.records("offers").unwrap().len(), stored - 40);
    let second = pull::reconcile(&client, &store, OFFERS, "killarney", true)
        .await
        .unwrap();
    assert_eq!((second.removed.len(), second.unconfirmed), (10, 0));
    assert_eq!(store.records("offers").unwrap().len(), stored - 50);
    assert_eq!(reads(&made[..50]), 50, "each deleted offer read once");
    assert_eq!(
        reads(&made[50..]),
        0,
        "the offers still listed are not read one by one"
    );
    server.shutdown().await;
}
