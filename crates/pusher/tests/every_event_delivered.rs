//! Every event the server sends reaches the listener: a burst far larger than any buffer arrives complete
//! and in order at a listener that does not read until it is over, and against sockudo the only events
//! missing are the ones sockudo itself drops for a stalled connection (its queue per connection is
//! bounded; it drops the overflow and only logs it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::collections::HashSet;
use std::time::Duration;

use crate::support::proxy::FaultProxy;
use crate::support::scripted::ScriptedServer;
use crate::support::*;
use futures_util::SinkExt;
use pusher_channels::{Client, Config};
use serde_json::json;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

/// The realtime benchmark's burst.
const BURST_EVENTS: u64 = 50_000;
/// What sockudo logs for each message it drops because a connection's queue is full.
const SOCKUDO_DROP_MESSAGE: &str = "Dropping message for slow consumer";
/// How often the drain looks at what has arrived and what sockudo logged as dropped.
const POLL: Duration = Duration::from_millis(100);

#[tokio::test]
async fn a_burst_reaches_a_listener_that_reads_only_after_it_complete_and_in_order() {
    init_tracing();
    let (written_tx, mut written) = watch::channel(false);
    let server = ScriptedServer::start(move |mut conn| {
        let written_tx = written_tx.clone();
        Box::pin(async move {
            conn.establish(120).await;
            let subscribe = conn.recv().await.unwrap();
            assert_eq!(subscribe["event"], "pusher:subscribe");
            conn.send(json!({"event": "pusher_internal:subscription_succeeded",
                             "channel": "burst", "data": "{}"}))
                .await;
            for i in 0..BURST_EVENTS {
                let frame = json!({"event": "burst", "channel": "burst",
                                   "data": json!({"i": i}).to_string()});
                conn.ws
                    .feed(Message::text(frame.to_string()))
                    .await
                    .unwrap();
            }
            conn.send(json!({"event": "end", "channel": "burst", "data": "{}"}))
                .await;
            written_tx.send_replace(true);
            conn.serve().await;
        })
    })
    .await;
    let client = Client::connect(server.config()).unwrap();
    // Listening before subscribing, so no event can come before the listener.
    let mut bursts = client.bind("burst");
    let mut ends = client.bind("end");
    client.subscribe("burst").await.unwrap();
    tokio::time::timeout(WAIT, written.wait_for(|written| *written))
        .await
        .expect("the server did not write the burst in time")
        .unwrap();

    for expected in 0..BURST_EVENTS {
        let event = tokio::time::timeout(WAIT, bursts.recv())
            .await
            .unwrap_or_else(|_| panic!("event {expected} did not arrive"))
            .unwrap();
        assert_eq!(
            (event.event.as_str(), event.data["i"].as_u64()),
            ("burst", Some(expected)),
            "event {expected} is missing or out of order"
        );
    }
    event_named(&mut ends, "end").await;
    assert!(
        bursts.try_recv().is_none(),
        "more events than the server sent"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn against_sockudo_the_only_missing_events_are_those_it_dropped_for_a_stalled_connection() {
    init_tracing();
    // With `false` sockudo names the socket in each drop; it drops (and keeps the connection) either way.
    let server = Sockudo::start_logged(&[("WEBSOCKET_DISCONNECT_ON_BUFFER_FULL", "false")]).await;
    let py = PyPusher::start(server.port).await;
    let proxy = FaultProxy::start(server.port).await;
    let client =
        Client::connect(Config::self_hosted("127.0.0.1", proxy.port, false, APP_KEY)).unwrap();
    let mut states = client.states();
    let socket_id = connected(&mut states).await;
    let channel = client.subscribe("burst").await.unwrap();
    channel.subscribed().await.unwrap();
    let mut events = channel.events();

    // The client stops draining: the kernel buffers fill, then sockudo's queue of 1000 messages. 20 MB
    // of events is far more than both hold.
    proxy.hold_downstream();
    let published = 20_000;
    let answer = py
        .call(
            json!({"op": "bench_burst", "channel": "burst", "count": published, "threads": 4,
                     "batch_size": 100, "pad_bytes": 1000}),
        )
        .await;
    assert_eq!(answer["ok"], true, "publishing failed: {answer}");
    assert_eq!(answer["published"], published);
    // sockudo fans out each request after answering it: released once it has dropped for this
    // socket (the stall overflowed its queue). What it fans out after that still arrives.
    let dropped_now = || {
        server
            .logged(SOCKUDO_DROP_MESSAGE)
            .iter()
            .filter(|line| {
                line["fields"]["socket_id"] == socket_id.as_str()
                    && line["span"]["event_name"] == "burst"
            })
            .count() as u64
    };
    let deadline = tokio::time::Instant::now() + WAIT;
    while dropped_now() == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the stall should have overflowed sockudo's queue"
        );
        tokio::time::sleep(POLL).await;
    }
    proxy.release_downstream();

    // Drain until every event is either here or logged as dropped, then mark the end: a burst
    // event that still comes before the marker was delivered twice, or also logged as dropped.
    let mut received = HashSet::new();
    let mut duplicates = 0;
    let mut record = |received: &mut HashSet<u64>, event: pusher_channels::Event| {
        if event.event == "burst" && !received.insert(event.data["i"].as_u64().unwrap()) {
            duplicates += 1;
        }
    };
    // A bound for a failing run, not a wait: 20,000 drops are logged and parsed meanwhile.
    let deadline = tokio::time::Instant::now() + 4 * WAIT;
    loop {
        // Counted when the events pause (reading sockudo's log after each one would be slow).
        match tokio::time::timeout(POLL, events.recv()).await {
            Ok(Some(event)) => {
                record(&mut received, event);
                continue;
            }
            Ok(None) => panic!("the channel closed while draining"),
            Err(_) => {}
        }
        let accounted = received.len() as u64 + dropped_now();
        if accounted >= published {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{accounted} of {published} events received or logged as dropped"
        );
    }
    py.trigger("burst", "end", json!({})).await;
    loop {
        let event = tokio::time::timeout(WAIT, events.recv())
            .await
            .expect("the end marker did not arrive")
            .unwrap();
        if event.event == "end" {
            break;
        }
        record(&mut received, event);
    }
    let dropped = dropped_now();
    assert_eq!(duplicates, 0);
    assert_eq!(
        received.len() as u64 + dropped,
        published,
        "received {} + dropped by sockudo {dropped} != published {published}",
        received.len()
    );
    assert_eq!(
        client.socket_id().as_deref(),
        Some(socket_id.as_str()),
        "the events went over one connection"
    );
    client.shutdown().await;
}
