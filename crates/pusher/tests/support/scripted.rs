//! A scripted Pusher WebSocket server inside the test process: it misbehaves on purpose.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use crypto_secretbox::aead::{Aead, KeyInit};
use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use pusher_channels::{AuthRequest, ChannelAuth, Config};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::WAIT;

/// One accepted connection, numbered from 0, recording every text frame it receives.
pub struct Conn {
    pub index: usize,
    pub ws: WebSocketStream<TcpStream>,
    log: Arc<Mutex<Vec<(usize, Value)>>>,
}

impl Conn {
    pub async fn send(&mut self, frame: Value) {
        let _ = self.ws.send(Message::text(frame.to_string())).await;
    }

    pub async fn send_raw(&mut self, message: Message) {
        let _ = self.ws.send(message).await;
    }

    pub async fn establish(&mut self, activity_timeout: u64) -> String {
        let socket_id = format!("{}.{}", self.index + 1, self.index + 1);
        let data =
            json!({"socket_id": socket_id, "activity_timeout": activity_timeout}).to_string();
        self.send(json!({"event": "pusher:connection_established", "data": data}))
            .await;
        socket_id
    }

    pub async fn close(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.to_owned().into(),
        };
        let _ = self.ws.close(Some(frame)).await;
    }

    /// The next text frame as JSON (recorded), `None` when the client is gone.
    pub async fn recv(&mut self) -> Option<Value> {
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
    pub async fn serve(&mut self) {
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

pub type Script = Arc<dyn Fn(Conn) -> BoxFuture<'static, ()> + Send + Sync>;

pub struct ScriptedServer {
    pub port: u16,
    pub accepted: Arc<AtomicUsize>,
    log: Arc<Mutex<Vec<(usize, Value)>>>,
}

impl ScriptedServer {
    pub async fn start(
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

    pub fn config(&self) -> Config {
        Config::self_hosted("127.0.0.1", self.port, false, "key")
            .with_handshake_timeout(Duration::from_millis(800))
            .with_backoff(Duration::from_millis(50), Duration::from_millis(200))
    }

    /// Waits (at most [`WAIT`]) until the server has received a frame named `event`, then returns every
    /// such frame.
    pub async fn frames_once_there(&self, event: &str) -> Vec<(usize, Value)> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let frames = self.frames(event);
            if !frames.is_empty() {
                return frames;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no {event} frame within {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub fn frames(&self, event: &str) -> Vec<(usize, Value)> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, frame)| frame["event"] == event)
            .cloned()
            .collect()
    }
}

/// A server whose first connection ends with `code`; later connections behave.
pub async fn closing_server(code: u16, in_handshake: bool) -> ScriptedServer {
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

/// A TLS Pusher server for `localhost` with a fresh self-signed certificate; returns its port and the
/// certificate (DER) a client must trust.
pub async fn tls_server() -> (u16, Vec<u8>) {
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

/// An authorizer that signs `key:<socket_id>` and, for the first socket, answers only after `delay`;
/// the watch counts the slow answers given so far (see [`slow_answer_given`]).
pub fn slow_first_authorizer(
    delay: Duration,
) -> (impl pusher_channels::Authorizer, watch::Receiver<usize>) {
    let (given, count) = watch::channel(0);
    let given = Arc::new(given);
    let authorizer = move |request: AuthRequest| {
        let given = given.clone();
        async move {
            let slow = request.socket_id.starts_with("1.");
            if slow {
                tokio::time::sleep(delay).await;
            }
            let auth = ChannelAuth {
                auth: format!("key:{}", request.socket_id),
                channel_data: None,
                shared_secret: None,
            };
            if slow {
                given.send_modify(|count| *count += 1);
            }
            Ok(auth)
        }
    };
    (authorizer, count)
}

/// Waits (at most [`WAIT`]) until [`slow_first_authorizer`] has given its first slow answer, which is
/// then already queued in the client: the client's auth task hands an answer to its connection task
/// in the same poll in which the authorizer's future completes, with no await between, so on the
/// tests' single-threaded runtime the test cannot run in between. The connection task takes answers
/// in the order they were queued, so any answer the authorizer gives after this one is handled after
/// it.
pub async fn slow_answer_given(count: &mut watch::Receiver<usize>) {
    tokio::time::timeout(WAIT, count.wait_for(|given| *given >= 1))
        .await
        .expect("the slow authorizer answered in time")
        .unwrap();
}

pub fn encrypt(key: &[u8; 32], plain: &str) -> String {
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
