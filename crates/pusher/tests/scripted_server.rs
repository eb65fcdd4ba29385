//! Behaviour that an honest server never shows, driven by a scripted WebSocket server inside the test:
//! bad frames, silence, pings, close codes by range, TLS.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::scripted::{closing_server, tls_server, ScriptedServer};
use crate::support::{
    connected, event_named, init_tracing, no_event_named, state_matching, states_while_time_passes,
    WAIT,
};
use futures_util::StreamExt;
use pusher_channels::{Client, Config, ConnectionState};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn a_server_that_never_establishes_the_connection_is_retried() {
    init_tracing();
    let server = ScriptedServer::start(|mut conn| {
        Box::pin(async move { while conn.recv().await.is_some() {} })
    })
    .await;
    let client = Client::connect(server.config()).unwrap();
    let mut states = client.states();
    let (down, _) = state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
    match down {
        ConnectionState::Unavailable { reason, .. } => {
            assert!(reason.contains("handshake"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    state_matching(&mut states, "a second attempt", |s| {
        *s == ConnectionState::Connecting { attempt: 2 }
    })
    .await;
    client.shutdown().await;
}

#[tokio::test]
async fn bad_frames_are_skipped_and_the_connection_survives() {
    init_tracing();
    let server = ScriptedServer::start(|mut conn| {
        Box::pin(async move {
            conn.establish(120).await;
            let subscribe = conn.recv().await.unwrap();
            assert_eq!(subscribe["event"], "pusher:subscribe");
            conn.send(json!({"event": "pusher_internal:subscription_succeeded", "channel": "c", "data": "{}"}))
                .await;
            conn.send_raw(Message::text("not json at all")).await;
            conn.send_raw(Message::binary(vec![0u8, 159, 146, 150])).await;
            conn.send_raw(Message::text("[1,2,3]")).await;
            conn.send_raw(Message::text(r#"{"no":"event"}"#)).await;
            conn.send_raw(Message::text(r#"{"event":"pusher:who-knows","data":{}}"#)).await;
            conn.send_raw(Message::text(r#"{"event":"pusher_internal:member_added","channel":"c","data":"{}"}"#))
                .await;
            let huge = "x".repeat(4096);
            conn.send(json!({"event": "too-big", "channel": "c", "data": huge})).await;
            conn.send(json!({"event": "elsewhere", "channel": "not-subscribed", "data": "{}"})).await;
            conn.send(json!({"event": "plain", "channel": "c", "data": "just text"})).await;
            conn.send(json!({"event": "good", "channel": "c", "data": "{\"ok\":true}"})).await;
            conn.serve().await;
        })
    })
    .await;
    let client = Client::connect(server.config().with_max_frame_bytes(1024)).unwrap();
    let mut states = client.states();
    let channel = client.subscribe("c").await.unwrap();
    let mut events = client.events();
    let mut on_channel = channel.events();
    connected(&mut states).await;
    // A dropped frame is not silent: every listener (a channel's too) hears that something was
    // lost, and can read again what it may have missed.
    let mut dropped = Vec::new();
    while dropped.len() < 4 {
        let event = event_named(&mut on_channel, pusher_channels::FRAME_DROPPED).await;
        dropped.push(event.data["reason"].as_str().unwrap_or_default().to_owned());
    }
    assert!(
        dropped
            .iter()
            .any(|reason| reason.contains("over the limit of 1024 bytes")),
        "{dropped:?}"
    );
    let plain = event_named(&mut events, "plain").await;
    assert_eq!(plain.data, json!("just text"));
    let good = event_named(&mut events, "good").await;
    assert_eq!(good.data, json!({"ok": true}));
    no_event_named(&mut events, "too-big", Duration::from_millis(200)).await;
    let after: Vec<_> = std::iter::from_fn(|| states.try_recv()).collect();
    assert!(after.is_empty(), "the connection never dropped: {after:?}");
    assert_eq!(server.accepted.load(Ordering::SeqCst), 1);
    drop(channel);
    client.shutdown().await;
}

/// Issue 36.7: the documented limits are the ones in force. A frame over the limit is
/// dropped and told with the connection kept (above); one over four times the limit is never
/// read: the connection ends and is opened again.
#[tokio::test]
async fn a_message_over_four_times_the_frame_limit_ends_the_connection_unread() {
    init_tracing();
    let server = ScriptedServer::start(|mut conn| {
        Box::pin(async move {
            conn.establish(120).await;
            if conn.index == 0 {
                let huge = "x".repeat(64 * 1024 * pusher_channels::MAX_MESSAGE_FACTOR);
                conn.send(json!({"event": "far-too-big", "data": huge}))
                    .await;
            }
            conn.serve().await;
        })
    })
    .await;
    let client = Client::connect(server.config().with_max_frame_bytes(1024)).unwrap();
    let mut states = client.states();
    connected(&mut states).await;
    let (down, _) = state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
    assert!(!down.server_went_silent(), "{down:?}");
    connected(&mut states).await;
    assert_eq!(server.accepted.load(Ordering::SeqCst), 2);
    client.shutdown().await;
}

#[tokio::test]
async fn pings_from_the_server_are_answered() {
    init_tracing();
    let (tx, rx) = tokio::sync::oneshot::channel::<(Value, bool)>();
    let tx = Arc::new(Mutex::new(Some(tx)));
    let server = ScriptedServer::start(move |mut conn| {
        let tx = tx.clone();
        Box::pin(async move {
            conn.establish(120).await;
            conn.send(json!({"event": "pusher:ping", "data": "{}"}))
                .await;
            let pong = conn.recv().await.unwrap();
            conn.send_raw(Message::Ping(b"hi".to_vec().into())).await;
            let mut got_ws_pong = false;
            while let Some(Ok(message)) = conn.ws.next().await {
                if let Message::Pong(payload) = message {
                    got_ws_pong = &payload[..] == b"hi";
                    break;
                }
            }
            if let Some(tx) = tx.lock().unwrap().take() {
                let _ = tx.send((pong, got_ws_pong));
            }
            conn.serve().await;
        })
    })
    .await;
    let client = Client::connect(server.config()).unwrap();
    let (pong, ws_pong) = tokio::time::timeout(WAIT, rx).await.unwrap().unwrap();
    assert_eq!(pong["event"], "pusher:pong");
    assert!(
        ws_pong,
        "a WebSocket ping gets a pong with the same payload"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn the_server_activity_timeout_lowers_ours_and_silence_after_a_ping_reconnects() {
    init_tracing();
    let server = ScriptedServer::start(|mut conn| {
        Box::pin(async move {
            conn.establish(1).await;
            // Records frames, never answers.
            while conn.recv().await.is_some() {}
        })
    })
    .await;
    let config = server
        .config()
        .with_pong_timeout(Duration::from_millis(700));
    let client = Client::connect(config).unwrap();
    let mut states = client.states();
    connected(&mut states).await;
    let (down, _) = state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
    match down {
        ConnectionState::Unavailable { reason, .. } => assert!(reason.contains("pong"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let pings = server.frames("pusher:ping");
    assert!(
        pings.iter().any(|(conn, _)| *conn == 0),
        "pinged after 1 s, not 120 s"
    );
    connected(&mut states).await;
    assert!(server.accepted.load(Ordering::SeqCst) >= 2);
    client.shutdown().await;
}

#[tokio::test]
async fn close_codes_4001_to_4099_stop_with_an_actionable_error_until_reconfigured() {
    init_tracing();
    let server = closing_server(4001, true).await;
    let client = Client::connect(server.config()).unwrap();
    let mut states = client.states();
    let (failed, _) = state_matching(&mut states, "failed", |s| s.name() == "failed").await;
    let ConnectionState::Failed(reason) = failed else {
        unreachable!()
    };
    assert_eq!(reason.code, Some(4001));
    assert!(reason.to_string().contains("app key"), "{reason}");
    let meanwhile = states_while_time_passes(&client).await;
    assert!(meanwhile.is_empty(), "no retry after 4001: {meanwhile:?}");
    assert_eq!(server.accepted.load(Ordering::SeqCst), 1);
    assert_eq!(client.state().name(), "failed");

    client.reconfigure(server.config()).unwrap();
    connected(&mut states).await;
    client.shutdown().await;
}

#[tokio::test]
async fn close_codes_4200_to_4299_reconnect_at_once() {
    init_tracing();
    let server = closing_server(4200, false).await;
    let client = Client::connect(
        server
            .config()
            .with_backoff(Duration::from_secs(30), Duration::from_secs(60)),
    )
    .unwrap();
    let mut states = client.states();
    let first = connected(&mut states).await;
    let (down, _) = state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
    assert_eq!(down.retry_in(), Some(Duration::ZERO));
    assert_ne!(connected(&mut states).await, first);
    client.shutdown().await;
}

#[tokio::test]
async fn close_codes_4100_to_4199_back_off_at_least_a_second() {
    init_tracing();
    let server = closing_server(4100, false).await;
    let client = Client::connect(server.config()).unwrap();
    let mut states = client.states();
    connected(&mut states).await;
    let (down, _) = state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
    assert!(
        down.retry_in().unwrap() >= Duration::from_secs(1),
        "{down:?}"
    );
    connected(&mut states).await;
    client.shutdown().await;
}

#[tokio::test]
async fn other_close_codes_back_off_within_the_cap() {
    init_tracing();
    let server = closing_server(1011, false).await;
    let client = Client::connect(server.config()).unwrap();
    let mut states = client.states();
    connected(&mut states).await;
    let (down, _) = state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
    assert!(
        down.retry_in().unwrap() <= Duration::from_millis(200),
        "{down:?}"
    );
    connected(&mut states).await;
    client.shutdown().await;
}

#[tokio::test]
async fn wss_works_with_a_trusted_private_root() {
    init_tracing();
    let (port, cert) = tls_server().await;
    let config = Config::self_hosted("localhost", port, true, "key").with_root_certificate(cert);
    assert!(config.url().starts_with("wss://localhost:"));
    let client = Client::connect(config).unwrap();
    let mut states = client.states();
    assert_eq!(connected(&mut states).await, "7.7");
    client
        .subscribe("over-tls")
        .await
        .unwrap()
        .subscribed()
        .await
        .unwrap();
    client.shutdown().await;
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_and_retried() {
    init_tracing();
    let (port, _cert) = tls_server().await;
    let config = Config::self_hosted("localhost", port, true, "key")
        .with_backoff(Duration::from_millis(50), Duration::from_millis(200));
    let client = Client::connect(config).unwrap();
    let mut states = client.states();
    let (down, _) = state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
    match down {
        ConnectionState::Unavailable { reason, .. } => {
            assert!(reason.to_lowercase().contains("certificate"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    state_matching(&mut states, "a retry", |s| {
        *s == ConnectionState::Connecting { attempt: 2 }
    })
    .await;
    client.shutdown().await;
}

#[tokio::test]
async fn close_code_4000_retries_with_tls_on_the_tls_port() {
    init_tracing();
    let server = closing_server(4000, true).await;
    let (tls_port, cert) = tls_server().await;
    let config = Config::self_hosted("localhost", server.port, false, "key")
        .with_tls_port(tls_port)
        .with_root_certificate(cert);
    let client = Client::connect(config).unwrap();
    let mut states = client.states();
    let (_, seen) = state_matching(&mut states, "connected over TLS", |s| {
        s.socket_id() == Some("7.7")
    })
    .await;
    assert!(
        seen.iter().any(|s| s.retry_in() == Some(Duration::ZERO)),
        "retried at once: {seen:?}"
    );
    assert_eq!(server.accepted.load(Ordering::SeqCst), 1);
    client.shutdown().await;
}

#[tokio::test]
async fn a_proxy_that_refuses_connect_is_reported_and_retried() {
    init_tracing();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut buf).await;
            let refusal = b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n";
            let _ = tokio::io::AsyncWriteExt::write_all(&mut stream, refusal).await;
        }
    });
    let config = Config::self_hosted("127.0.0.1", 9, false, "key")
        .with_proxy(&format!("http://127.0.0.1:{proxy_port}"))
        .unwrap()
        .with_backoff(Duration::from_millis(50), Duration::from_millis(200));
    let client = Client::connect(config).unwrap();
    let mut states = client.states();
    let (down, _) = state_matching(&mut states, "unavailable", |s| s.name() == "unavailable").await;
    match down {
        ConnectionState::Unavailable { reason, .. } => assert!(reason.contains("407"), "{reason}"),
        other => panic!("{other:?}"),
    }
    state_matching(&mut states, "a retry", |s| {
        *s == ConnectionState::Connecting { attempt: 2 }
    })
    .await;
    client.shutdown().await;
}

#[tokio::test]
async fn dropping_every_handle_closes_the_connection() {
    init_tracing();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let tx = Arc::new(Mutex::new(Some(tx)));
    let server = ScriptedServer::start(move |mut conn| {
        let tx = tx.clone();
        Box::pin(async move {
            conn.establish(120).await;
            conn.serve().await;
            if let Some(tx) = tx.lock().unwrap().take() {
                let _ = tx.send(());
            }
        })
    })
    .await;
    let client = Client::connect(server.config()).unwrap();
    let mut states = client.states();
    let channel = client.subscribe("c").await.unwrap();
    connected(&mut states).await;
    channel.subscribed().await.unwrap();
    drop(channel);
    drop(client);
    tokio::time::timeout(WAIT, rx)
        .await
        .expect("the server saw the client go")
        .unwrap();
    while let Some(_state) = tokio::time::timeout(WAIT, states.recv()).await.unwrap() {}
}
