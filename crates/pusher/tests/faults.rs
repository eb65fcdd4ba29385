//! Faults between the client and a real sockudo: a TCP proxy in the test cuts, black-holes, refuses and
//! delays the connection, and sockudo itself is killed and restarted. After each, the client must
//! reconnect, resubscribe, deliver new events, and its state stream must have told the truth.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::proxy::FaultProxy;
use crate::support::*;
use pusher_channels::{AuthRequest, Client, Config, ConnectionState, SubscriptionState};
use serde_json::json;

/// Short timeouts so a dead link is found in seconds rather than minutes.
fn fast(port: u16) -> Config {
    Config::self_hosted("127.0.0.1", port, false, APP_KEY)
        .with_activity_timeout(Duration::from_secs(1))
        .with_pong_timeout(Duration::from_millis(1500))
        .with_handshake_timeout(Duration::from_secs(2))
        .with_resume_check_timeout(Duration::from_secs(1))
        .with_backoff(Duration::from_millis(100), Duration::from_millis(800))
}

fn assert_no_transition(states: &mut pusher_channels::StateStream) {
    let extra: Vec<_> = std::iter::from_fn(|| states.try_recv()).collect();
    assert!(extra.is_empty(), "unexpected transitions: {extra:?}");
}

#[tokio::test]
async fn a_cut_connection_reconnects_resubscribes_and_the_states_say_so() {
    init_tracing();
    let server = Sockudo::start().await;
    let py = PyPusher::start(server.port).await;
    let proxy = FaultProxy::start(server.port).await;
    let client = Client::connect(fast(proxy.port)).unwrap();
    let mut states = client.states();
    let channel = client.subscribe("hotel-cut").await.unwrap();
    let mut events = channel.events();
    let first = connected(&mut states).await;
    event_named(&mut events, "pusher:subscription_succeeded").await;

    proxy.cut();
    let (down, seen) =
        state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
    assert_eq!(
        seen.len(),
        1,
        "connected goes straight to unavailable: {seen:?}"
    );
    assert!(
        down.retry_in().unwrap() <= Duration::from_millis(800),
        "{down:?}"
    );
    assert_eq!(down.socket_id(), None);
    let (_, seen) = state_matching(&mut states, "connected", |s| s.socket_id().is_some()).await;
    assert!(
        matches!(
            seen.as_slice(),
            [
                ConnectionState::Connecting { attempt: 1 },
                ConnectionState::Connected { .. }
            ]
        ),
        "{seen:?}"
    );
    let second = seen[1].socket_id().unwrap().to_owned();
    assert_ne!(first, second, "a new socket id after the reconnect");
    assert_eq!(client.socket_id().as_deref(), Some(second.as_str()));

    event_named(&mut events, "pusher:subscription_succeeded").await;
    py.trigger("hotel-cut", "after-cut", json!({"n": 1})).await;
    assert_eq!(
        event_named(&mut events, "after-cut").await.data,
        json!({"n": 1})
    );
    client.shutdown().await;
}

#[tokio::test]
async fn an_idle_link_is_kept_alive_and_a_black_holed_one_is_replaced() {
    init_tracing();
    let server = Sockudo::start().await;
    let py = PyPusher::start(server.port).await;
    let proxy = FaultProxy::start(server.port).await;
    let client = Client::connect(fast(proxy.port)).unwrap();
    let mut states = client.states();
    let channel = client.subscribe("hotel-hole").await.unwrap();
    let mut events = channel.events();
    let first = connected(&mut states).await;
    channel.subscribed().await.unwrap();

    // Idle for four activity timeouts: four pings are answered, nothing changes.
    proxy.until_more_pongs(4).await;
    assert_no_transition(&mut states);
    assert_eq!(client.socket_id().as_deref(), Some(first.as_str()));

    proxy.blackhole();
    let (down, _) = state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
    match &down {
        ConnectionState::Unavailable { reason, .. } => assert!(reason.contains("pong"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(
        down.server_went_silent(),
        "a silent server is told apart: {down:?}"
    );
    assert_eq!(
        channel.state(),
        SubscriptionState::Pending,
        "the channel is not subscribed while down"
    );
    // Attempts into the black hole time out in the handshake and are retried.
    let (again, _) = state_matching(&mut states, "a failed attempt", |s| {
        s.name() == "unavailable"
    })
    .await;
    match &again {
        ConnectionState::Unavailable { reason, .. } => {
            assert!(reason.contains("handshake"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert!(!again.server_went_silent(), "{again:?}");

    proxy.pass();
    let second = connected(&mut states).await;
    assert_ne!(first, second);
    channel.subscribed().await.unwrap();
    py.trigger("hotel-hole", "after-hole", json!({})).await;
    event_named(&mut events, "after-hole").await;
    client.shutdown().await;
}

#[tokio::test]
async fn a_slow_link_is_not_mistaken_for_a_dead_one() {
    init_tracing();
    let server = Sockudo::start().await;
    let py = PyPusher::start(server.port).await;
    let proxy = FaultProxy::start(server.port).await;
    let client =
        Client::connect(fast(proxy.port).with_pong_timeout(Duration::from_secs(3))).unwrap();
    let mut states = client.states();
    let channel = client.subscribe("hotel-slow").await.unwrap();
    let mut events = channel.events();
    connected(&mut states).await;
    channel.subscribed().await.unwrap();

    proxy.delay(Duration::from_millis(400));
    // Four activity timeouts with every answer late: four pings answered 400 ms late each.
    proxy.until_more_pongs(4).await;
    py.trigger("hotel-slow", "slow", json!({})).await;
    event_named(&mut events, "slow").await;
    assert_no_transition(&mut states);
    client.shutdown().await;
}

#[tokio::test]
async fn a_server_that_closes_mid_handshake_is_retried_until_it_answers() {
    init_tracing();
    let server = Sockudo::start().await;
    let proxy = FaultProxy::start(server.port).await;
    proxy.refuse();
    let client = Client::connect(fast(proxy.port)).unwrap();
    let mut states = client.states();
    for _ in 0..3 {
        let (down, seen) =
            state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
        assert!(seen.iter().all(|s| s.socket_id().is_none()), "{seen:?}");
        assert!(down.retry_in().is_some());
    }
    proxy.pass();
    connected(&mut states).await;
    client.shutdown().await;
}

#[tokio::test]
async fn check_connection_finds_a_dead_socket_at_once() {
    init_tracing();
    let server = Sockudo::start().await;
    let proxy = FaultProxy::start(server.port).await;
    // Default activity (120 s) and pong (30 s) timeouts: only the check can find the hole quickly.
    let config = Config::self_hosted("127.0.0.1", proxy.port, false, APP_KEY)
        .with_resume_check_timeout(Duration::from_secs(1))
        .with_handshake_timeout(Duration::from_secs(2))
        .with_backoff(Duration::from_millis(100), Duration::from_millis(500));
    let client = Client::connect(config).unwrap();
    let mut states = client.states();
    connected(&mut states).await;
    proxy.blackhole();
    let started = Instant::now();
    client.check_connection().unwrap();
    state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "found after {:?}",
        started.elapsed()
    );
    proxy.pass();
    connected(&mut states).await;
    client.shutdown().await;
}

#[tokio::test]
async fn a_sockudo_restart_is_survived_with_channels_resubscribed_and_reauthorized() {
    init_tracing();
    let mut server = Sockudo::start().await;
    let py = PyPusher::start(server.port).await;
    let authorized = Arc::new(Mutex::new(Vec::<String>::new()));
    let (log, signer) = (authorized.clone(), py.clone());
    let config = fast(server.port).with_authorizer(move |request: AuthRequest| {
        log.lock().unwrap().push(request.socket_id.clone());
        let signer = signer.clone();
        async move { signer.auth(&request, None).await }
    });
    let client = Client::connect(config).unwrap();
    let mut states = client.states();
    let public = client.subscribe("hotel-restart").await.unwrap();
    let private = client.subscribe("private-restart").await.unwrap();
    let mut events = client.events();
    let first = connected(&mut states).await;
    public.subscribed().await.unwrap();
    private.subscribed().await.unwrap();

    server.kill().await;
    state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
    assert_eq!(public.state(), SubscriptionState::Pending);
    // Attempts fail while it is down, and keep coming.
    state_matching(&mut states, "a retry", |s| s.name() == "connecting").await;
    state_matching(&mut states, "unavailable again", |s| {
        s.name() == "unavailable"
    })
    .await;

    server.restart().await;
    let second = connected(&mut states).await;
    assert_ne!(first, second);
    public.subscribed().await.unwrap();
    private.subscribed().await.unwrap();
    assert_eq!(
        *authorized.lock().unwrap(),
        vec![first, second],
        "authorized again for the new socket"
    );
    py.trigger("hotel-restart", "public-after", json!({})).await;
    py.trigger("private-restart", "private-after", json!({}))
        .await;
    event_named(&mut events, "public-after").await;
    event_named(&mut events, "private-after").await;
    client.shutdown().await;
}
