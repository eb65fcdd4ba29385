//! Load figure: N WebSocket clients (default 500) on `hotel-killarney` of an in-process sandbox, one event
//! published through the signed Pusher HTTP API, and how long until each client has it (p50, p99, max).
//!
//! `cargo run --release -p hotelmate-sandbox --example load -- [CLIENTS] [ROUNDS]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use tokio_tungstenite::tungstenite::Message;

const CHANNEL: &str = "hotel-killarney";

fn signed_query(path: &str, body: &str, key: &str, secret: &str) -> String {
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let md5 = hex::encode(Md5::digest(body.as_bytes()));
    let params = format!("auth_key={key}&auth_timestamp={ts}&auth_version=1.0&body_md5={md5}");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("POST\n{path}\n{params}").as_bytes());
    format!(
        "{params}&auth_signature={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let clients: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let sandbox = hotelmate_sandbox::Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let p = sandbox.pusher();
    let ws_url = format!(
        "ws://{}:{}/app/{}?protocol=7&client=load&version=1",
        p.host, p.port, p.key
    );

    let connect_started = Instant::now();
    let mut receivers = Vec::with_capacity(clients);
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(clients);
    let (go_tx, _) = tokio::sync::broadcast::channel::<usize>(4);
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<(usize, Instant)>();
    for _ in 0..clients {
        let url = ws_url.clone();
        let ready = ready_tx.clone();
        let done = done_tx.clone();
        let mut go = go_tx.subscribe();
        receivers.push(tokio::spawn(async move {
            let (mut ws, _) = tokio_tungstenite::connect_async(url)
                .await
                .expect("connect");
            ws.next().await.expect("established").expect("frame");
            let sub = format!(
                "{{\"event\":\"pusher:subscribe\",\"data\":{{\"channel\":\"{CHANNEL}\"}}}}"
            );
            ws.send(Message::text(sub)).await.expect("subscribe");
            ws.next().await.expect("subscribed").expect("frame");
            ready.send(()).await.expect("ready");
            while let Ok(round) = go.recv().await {
                loop {
                    match ws.next().await {
                        Some(Ok(Message::Text(t))) if t.as_str().contains("load-test") => {
                            let _ = done.send((round, Instant::now()));
                            break;
                        }
                        Some(Ok(_)) => continue,
                        _ => return,
                    }
                }
            }
        }));
    }
    for _ in 0..clients {
        ready_rx.recv().await.expect("client ready");
    }
    println!(
        "{clients} clients connected and subscribed in {:?}",
        connect_started.elapsed()
    );

    let http = reqwest::Client::new();
    let path = format!("/apps/{}/events", p.app_id);
    for round in 0..rounds {
        let _ = go_tx.send(round);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let body = format!("{{\"name\":\"load-test\",\"channel\":\"{CHANNEL}\",\"data\":\"{{\\\"round\\\":{round}}}\"}}");
        let url = format!(
            "{}{path}?{}",
            sandbox.base_url(),
            signed_query(&path, &body, &p.key, &p.secret)
        );
        let sent = Instant::now();
        let r = http
            .post(url)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "trigger failed: {}", r.status());
        let mut latencies = Vec::with_capacity(clients);
        while latencies.len() < clients {
            let (r, at) = tokio::time::timeout(Duration::from_secs(30), done_rx.recv())
                .await
                .expect("all clients receive")
                .expect("open");
            if r == round {
                latencies.push(at.duration_since(sent));
            }
        }
        latencies.sort();
        println!(
            "round {round}: p50 {:?}  p99 {:?}  all {:?}",
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            latencies[latencies.len() - 1]
        );
    }
    drop(go_tx);
    sandbox.shutdown().await;
    for r in receivers {
        let _ = r.await;
    }
}
