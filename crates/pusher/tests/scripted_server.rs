//! Behaviour that an honest server never shows, driven by a scripted WebSocket server inside the test:
//! bad frames, silence, close codes by range, pings, stale auth answers, cancelled subscriptions,
//! encrypted key refresh.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use crypto_secretbox::aead::{Aead, KeyInit};
use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use pusher_channels::{AuthRequest, ChannelAuth, Client, Config, ConnectionState};
use serde_json::{json, Value};
use support::{connected, event_named, init_tracing, no_event_named, state_matching, WAIT};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// One accepted connection, numbered from 0, recording every text frame it receives.
struct Conn {
    index: usize,
    ws: WebSocketStream<TcpStream>,
    log: Arc<Mutex<Vec<(usize, Value)>>>,
}

impl Conn {
    async fn send(&mut self, frame: Value) {
        let _ = self.ws.send(Message::text(frame.to_string())).await;
    }

    async fn send_raw(&mut self, message: Message) {
        let _ = self.ws.send(message).await;
    }

    async fn establish(&mut self, activity_timeout: u64) -> String {
        let socket_id = format!("{}.{}", self.index + 1, self.index + 1);
        let data =
            json!({"socket_id": socket_id, "activity_timeout": activity_timeout}).to_string();
        self.send(json!({"event": "pusher:connection_established", "data": data}))
            .await;
        socket_id
    }

    async fn close(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.to_owned().into(),
        };
        let _ = self.ws.close(Some(frame)).await;
    }

    /// The next text frame as JSON (recorded), `None` when the client is gone.
    async fn recv(&mut self) -> Option<Value> {
        while let Some(Ok(message)) = self.ws.next().await {
            if let Message::Text(text) = message {
                let value: Value = serde_json::from_str(&text).unwrap();
                self.log.lock().unwrap().push((self.index, value.clone()));
                return Some(value);
            }
        }
        None
    }

    /// Acts like a plain server: confirms subscriptions, answers pings; returns when the client leaves.
    async fn serve(&mut self) {
        while let Some(frame) = self.recv().await {
            match frame["event"].as_str() {
                Some("pusher:subscribe") => {
                    let channel = frame["data"]["channel"].clone();
                    self.send(json!({"event": "pusher_internal:subscription_succeeded", "channel": channel,
                                     "data": "{}"}))
                        .await;
                }
                Some("pusher:ping") => {
                    self.send(json!({"event": "pusher:pong", "data": "{}"}))
                        .await
                }
                _ => {}
            }
        }
    }
}

type Script = Arc<dyn Fn(Conn) -> BoxFuture<'static, ()> + Send + Sync>;

struct ScriptedServer {
    port: u16,
    accepted: Arc<AtomicUsize>,
    log: Arc<Mutex<Vec<(usize, Value)>>>,
}

impl ScriptedServer {
    async fn start(
        script: impl Fn(Conn) -> BoxFuture<'static, ()> + Send + Sync + 'static,
    ) -> Self {
        let script: Script = Arc::new(script);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (count, frames) = (accepted.clone(), log.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let index = count.fetch_add(1, Ordering::SeqCst);
                let (script, log) = (script.clone(), frames.clone());
                tokio::spawn(async move {
                    if let Ok(ws) = tokio_tungstenite::accept_async(stream).await {
                        script(Conn { index, ws, log }).await;
                    }
                });
            }
        });
        Self {
            port,
            accepted,
            log,
        }
    }

    fn config(&self) -> Config {
        Config::self_hosted("127.0.0.1", self.port, false, "key")
            .with_handshake_timeout(Duration::from_millis(800))
            .with_backoff(Duration::from_millis(50), Duration::from_millis(200))
    }

    fn frames(&self, event: &str) -> Vec<(usize, Value)> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, frame)| frame["event"] == event)
            .cloned()
            .collect()
    }
}

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
    connected(&mut states).await;
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

/// A server whose first connection ends with `code`; later connections behave.
async fn closing_server(code: u16, in_handshake: bool) -> ScriptedServer {
    ScriptedServer::start(move |mut conn| {
        Box::pin(async move {
            if conn.index == 0 {
                if !in_handshake {
                    conn.establish(120).await;
                }
                conn.send(
                    json!({"event": "pusher:error", "data": {"code": code, "message": "scripted"}}),
                )
                .await;
                conn.close(code, "scripted").await;
                while conn.recv().await.is_some() {}
                return;
            }
            conn.establish(120).await;
            conn.serve().await;
        })
    })
    .await
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
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        server.accepted.load(Ordering::SeqCst),
        1,
        "no retry after 4001"
    );
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

/// A TLS Pusher server for `localhost` with a fresh self-signed certificate; returns its port and the
/// certificate (DER) a client must trust.
async fn tls_server() -> (u16, Vec<u8>) {
    let rcgen::CertifiedKey { cert, key_pair } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert_der = cert.der().to_vec();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![rustls::pki_types::CertificateDer::from(cert_der.clone())],
        rustls::pki_types::PrivateKeyDer::Pkcs8(key_pair.serialize_der().into()),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let Ok(mut ws) = tokio_tungstenite::accept_async(tls).await else {
                    return;
                };
                let established = json!({"socket_id": "7.7", "activity_timeout": 120}).to_string();
                let hello = json!({"event": "pusher:connection_established", "data": established});
                let _ = ws.send(Message::text(hello.to_string())).await;
                while let Some(Ok(Message::Text(text))) = ws.next().await {
                    let frame: Value = serde_json::from_str(&text).unwrap();
                    if frame["event"] == "pusher:subscribe" {
                        let ok = json!({"event": "pusher_internal:subscription_succeeded",
                                        "channel": frame["data"]["channel"], "data": "{}"});
                        let _ = ws.send(Message::text(ok.to_string())).await;
                    }
                }
            });
        }
    });
    (port, cert_der)
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

/// An authorizer that signs `key:<socket_id>` and, for the first socket, answers only after `delay`.
fn slow_first_authorizer(delay: Duration) -> impl pusher_channels::Authorizer {
    move |request: AuthRequest| async move {
        if request.socket_id.starts_with("1.") {
            tokio::time::sleep(delay).await;
        }
        Ok(ChannelAuth {
            auth: format!("key:{}", request.socket_id),
            channel_data: None,
            shared_secret: None,
        })
    }
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
    let client = Client::connect(
        server
            .config()
            .with_authorizer(slow_first_authorizer(Duration::from_millis(600))),
    )
    .unwrap();
    let channel = client.subscribe("private-a").await.unwrap();
    channel.subscribed().await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let subscribes = server.frames("pusher:subscribe");
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
    let client = Client::connect(
        server
            .config()
            .with_authorizer(slow_first_authorizer(Duration::from_millis(300))),
    )
    .unwrap();
    let mut states = client.states();
    connected(&mut states).await;
    let channel = client.subscribe("private-b").await.unwrap();
    client.unsubscribe("private-b").await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        server.frames("pusher:subscribe").is_empty(),
        "cancelled before the answer"
    );
    assert!(channel.subscribed().await.is_err());

    let again = client.subscribe("private-b").await.unwrap();
    again.subscribed().await.unwrap();
    assert_eq!(server.frames("pusher:subscribe").len(), 1);
    client.unsubscribe("private-b").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.frames("pusher:unsubscribe").len(), 1);
    client.shutdown().await;
}

fn encrypt(key: &[u8; 32], plain: &str) -> String {
    let cipher = crypto_secretbox::XSalsa20Poly1305::new(crypto_secretbox::Key::from_slice(key));
    let nonce = [9u8; 24];
    let ciphertext = cipher
        .encrypt(
            crypto_secretbox::Nonce::from_slice(&nonce),
            plain.as_bytes(),
        )
        .unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    json!({"nonce": b64.encode(nonce), "ciphertext": b64.encode(ciphertext)}).to_string()
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
