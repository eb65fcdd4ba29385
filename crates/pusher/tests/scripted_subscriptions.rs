//! Subscription races and key refresh against a scripted server: stale auth answers, cancelled
//! subscriptions, encrypted channels whose key changes, subscriptions the server never answers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::support::scripted::{encrypt, slow_answer_given, slow_first_authorizer, ScriptedServer};
use crate::support::{connected, event_named, init_tracing, no_event_named, WAIT};
use base64::Engine;
use pusher_channels::{AuthRequest, ChannelAuth, Client};
use serde_json::json;

/// The subscribe frames the server received for `channel`.
fn subscribes_to(server: &ScriptedServer, channel: &str) -> Vec<(usize, serde_json::Value)> {
    server
        .frames("pusher:subscribe")
        .into_iter()
        .filter(|(_, frame)| frame["data"]["channel"] == channel)
        .collect()
}

#[tokio::test]
async fn an_auth_answer_for_an_old_socket_is_dropped() {
    init_tracing();
    let server = ScriptedServer::start(|mut conn| {
        Box::pin(async move {
            conn.establish(120).await;
            if conn.index == 0 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                conn.close(4200, "go away").await;
                while conn.recv().await.is_some() {}
                return;
            }
            conn.serve().await;
        })
    })
    .await;
    let (authorizer, mut slow_answers) = slow_first_authorizer(Duration::from_millis(600));
    let client = Client::connect(server.config().with_authorizer(authorizer)).unwrap();
    let channel = client.subscribe("private-a").await.unwrap();
    channel.subscribed().await.unwrap();
    // The old socket's answer is queued in the client; the next channel's answer is queued after it
    // and handled after it, so once the server has that channel's subscribe frame, a subscribe the
    // old answer caused would have reached it first on the same connection.
    slow_answer_given(&mut slow_answers).await;
    let later = client.subscribe("private-later").await.unwrap();
    later.subscribed().await.unwrap();
    let subscribes = subscribes_to(&server, "private-a");
    assert_eq!(subscribes.len(), 1, "{subscribes:?}");
    assert_eq!(subscribes[0].0, 1, "sent on the second connection");
    assert_eq!(
        subscribes[0].1["data"]["auth"], "key:2.2",
        "signed for the current socket"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn unsubscribing_during_authorization_never_subscribes_and_resubscribing_works() {
    init_tracing();
    let server = ScriptedServer::start(|mut conn| {
        Box::pin(async move {
            conn.establish(120).await;
            conn.serve().await;
        })
    })
    .await;
    let (authorizer, mut slow_answers) = slow_first_authorizer(Duration::from_millis(300));
    let client = Client::connect(server.config().with_authorizer(authorizer)).unwrap();
    let mut states = client.states();
    connected(&mut states).await;
    let channel = client.subscribe("private-b").await.unwrap();
    client.unsubscribe("private-b").await.unwrap();
    // The cancelled answer is queued in the client; the next channel's answer is queued after it and
    // handled after it, so once that channel is subscribed, a subscribe the cancelled answer caused
    // would have reached the server first on the same connection.
    slow_answer_given(&mut slow_answers).await;
    let later = client.subscribe("private-later").await.unwrap();
    later.subscribed().await.unwrap();
    assert!(
        subscribes_to(&server, "private-b").is_empty(),
        "cancelled before the answer"
    );
    assert!(channel.subscribed().await.is_err());

    let again = client.subscribe("private-b").await.unwrap();
    again.subscribed().await.unwrap();
    assert_eq!(subscribes_to(&server, "private-b").len(), 1);
    client.unsubscribe("private-b").await.unwrap();
    assert_eq!(
        server.frames_once_there("pusher:unsubscribe").await.len(),
        1
    );
    client.shutdown().await;
}

#[tokio::test]
async fn a_decrypt_failure_refreshes_the_key_once() {
    init_tracing();
    let (old_key, new_key, wrong_key) = ([1u8; 32], [2u8; 32], [3u8; 32]);
    let server = ScriptedServer::start(move |mut conn| {
        Box::pin(async move {
            conn.establish(120).await;
            let subscribe = conn.recv().await.unwrap();
            let channel = subscribe["data"]["channel"].clone();
            conn.send(json!({"event": "pusher_internal:subscription_succeeded", "channel": channel, "data": "{}"}))
                .await;
            conn.send(json!({"event": "rotated", "channel": channel, "data": encrypt(&new_key, "{\"n\":1}")}))
                .await;
            conn.send(json!({"event": "garbage", "channel": channel, "data": encrypt(&wrong_key, "{}")}))
                .await;
            conn.send(json!({"event": "last", "channel": channel, "data": encrypt(&new_key, "{\"n\":2}")}))
                .await;
            conn.serve().await;
        })
    })
    .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let config = server
        .config()
        .with_authorizer(move |_request: AuthRequest| {
            let call = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                let key = if call == 0 { old_key } else { new_key };
                if call > 0 {
                    // Slow enough that every event below is held for the one refresh.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Ok(ChannelAuth {
                    auth: "key:sig".into(),
                    channel_data: None,
                    shared_secret: Some(base64::engine::general_purpose::STANDARD.encode(key)),
                })
            }
        });
    let client = Client::connect(config).unwrap();
    let channel = client.subscribe("private-encrypted-x").await.unwrap();
    let mut events = channel.events();
    assert_eq!(
        event_named(&mut events, "rotated").await.data,
        json!({"n": 1})
    );
    assert_eq!(event_named(&mut events, "last").await.data, json!({"n": 2}));
    // The subscription and one refresh; "garbage" fails again with the fresh key and is dropped.
    no_event_named(&mut events, "garbage", Duration::from_millis(200)).await;
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    client.shutdown().await;
}

#[tokio::test]
async fn an_unanswered_subscription_fails_instead_of_waiting_forever_and_a_late_answer_still_counts(
) {
    init_tracing();
    let server = ScriptedServer::start(|mut conn| {
        Box::pin(async move {
            conn.establish(120).await;
            let subscribe = conn.recv().await.unwrap();
            tokio::time::sleep(Duration::from_millis(3500)).await;
            let channel = subscribe["data"]["channel"].clone();
            conn.send(json!({"event": "pusher_internal:subscription_succeeded", "channel": channel, "data": "{}"}))
                .await;
            conn.serve().await;
        })
    })
    .await;
    let client = Client::connect(
        server
            .config()
            .with_subscription_timeout(Duration::from_secs(1)),
    )
    .unwrap();
    let channel = client.subscribe("quiet").await.unwrap();
    match channel.subscribed().await {
        Err(pusher_channels::Error::Subscription(error)) => {
            assert!(error.reason.contains("did not answer"), "{error}")
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    let mut state = channel.state_watch();
    tokio::time::timeout(
        WAIT,
        state.wait_for(|s| *s == pusher_channels::SubscriptionState::Subscribed),
    )
    .await
    .unwrap()
    .unwrap();
    client.shutdown().await;
}
