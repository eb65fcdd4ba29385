//! Servers that misbehave in a loop, scripted in the test: a client's reconnects and its log
//! stay bounded whatever the server does (issue 63.6).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::event_named;
use crate::support::scripted::ScriptedServer;
use pusher_channels::{Client, DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_CAP};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

/// How many connections a storm test waits for.
const CONNECTS: usize = 100;

/// A server closing every connection with `code` right after it opens (after
/// `connection_established`, or before it when `in_handshake`): how many connections a minute
/// a client with the default backoff opens, over the time its first [`CONNECTS`] take on
/// tokio's clock (paused: the client's waits pass at once).
async fn connects_a_minute(code: u16, in_handshake: bool) -> f64 {
    let server = ScriptedServer::start(move |mut conn| {
        Box::pin(async move {
            if !in_handshake {
                conn.establish(120).await;
            }
            conn.close(code, "scripted").await;
            while conn.recv().await.is_some() {}
        })
    })
    .await;
    let config = server
        .config()
        .with_backoff(DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_CAP);
    let client = Client::connect(config).unwrap();
    tokio::time::pause();
    let started = tokio::time::Instant::now();
    while server.accepted.load(Ordering::SeqCst) < CONNECTS {
        // A day of the paused clock is far more than a hundred of the longest waits.
        assert!(started.elapsed() < Duration::from_secs(24 * 3600));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    tokio::time::resume();
    client.shutdown().await;
    CONNECTS as f64 / minutes.max(f64::MIN_POSITIVE)
}

/// Issue 63.6: a server that closes each connection at once, with 4200-4299 ("reconnect
/// now") or any other code, in the handshake or just after it, is backed off like any failure:
/// a handful of connections a minute (the backoff's cap is 60 s, its delays full jitter), not
/// the ~300 a second a 4200 after each open got before. A single 4200 after a connection that
/// lasted still reconnects at once (`close_codes_4200_to_4299_reconnect_at_once`).
#[tokio::test]
async fn a_server_that_keeps_closing_at_once_is_backed_off_whatever_the_code() {
    crate::support::init_tracing();
    for (code, in_handshake) in [(4200, false), (4299, true), (4100, false), (1011, false)] {
        let rate = connects_a_minute(code, in_handshake).await;
        eprintln!("closing with {code} (in the handshake: {in_handshake}): {rate:.1} connections a minute");
        assert!(
            rate <= 6.0,
            "{rate:.1} connections a minute to a server closing with {code} (in the handshake: {in_handshake})"
        );
    }
}

/// The log lines of a test, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Issue 63.6: a server that sends junk in a loop (text that is not Pusher's, binary frames,
/// `pusher:error`s, each different) makes a few log lines a minute, not one a frame; the
/// connection survives and a good event after the flood arrives.
#[tokio::test]
async fn a_flood_of_junk_frames_makes_a_few_log_lines_not_one_each() {
    const JUNK: usize = 3_000;
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let server = ScriptedServer::start(|mut conn| {
        Box::pin(async move {
            conn.establish(120).await;
            let subscribe = conn.recv().await.unwrap();
            let channel = subscribe["data"]["channel"].clone();
            conn.send(json!({"event": "pusher_internal:subscription_succeeded",
                             "channel": channel, "data": "{}"}))
                .await;
            for n in 0..JUNK {
                conn.send_raw(Message::text(format!("junk {n} {}", "x".repeat(n % 97))))
                    .await;
                conn.send_raw(Message::binary(vec![n as u8; n % 31 + 1]))
                    .await;
                conn.send(json!({"event": "pusher:error", "data": {"code": 4300 + n % 9, "message": format!("error {n}")}}))
                    .await;
            }
            conn.send(json!({"event": "good", "channel": "c", "data": "{}"}))
                .await;
            conn.serve().await;
        })
    })
    .await;
    let client = Client::connect(server.config()).unwrap();
    let channel = client.subscribe("c").await.unwrap();
    let mut events = channel.events();
    event_named(&mut events, "good").await;
    assert_eq!(
        server.accepted.load(Ordering::SeqCst),
        1,
        "the connection survived"
    );
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let lines = text.lines().count();
    assert!(
        lines <= 20 && text.len() < 8 * 1024,
        "{lines} lines, {} bytes for {} junk frames:\n{}",
        text.len(),
        3 * JUNK,
        text.lines().take(30).collect::<Vec<_>>().join("\n")
    );
    drop(channel);
    client.shutdown().await;
}
