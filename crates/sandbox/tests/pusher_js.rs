//! pusher-js (the reference client) against the sandbox: connect, subscribe to the hotel channel and to a
//! private channel (signed in the client's custom authorizer), and receive the events of a REST write with
//! `data` parsed. Skipped (with a note) without `node` or without pusher-js in `$PUSHER_JS_DIR/node_modules`
//! (default `<workspace>/tests/node`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use crate::common::start;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};

fn pusher_js_dir() -> Option<PathBuf> {
    let dir = std::env::var("PUSHER_JS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/node"));
    let has_node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if has_node && dir.join("node_modules/pusher-js").is_dir() {
        Some(dir)
    } else {
        panic!(
            "node or pusher-js not found (PUSHER_JS_DIR={}); run `npm ci` in tests/node \
             (cargo xtask setup does)",
            dir.display()
        );
    }
}

const SCRIPT: &str = r#"
const Pusher = require('pusher-js');
const crypto = require('crypto');
const [port, key, secret] = process.argv.slice(1);
const sign = (s) => key + ':' + crypto.createHmac('sha256', secret).update(s).digest('hex');
const pusher = new Pusher(key, {
  wsHost: '127.0.0.1', wsPort: Number(port), forceTLS: false, enabledTransports: ['ws'], cluster: 'mt1',
  disableStats: true,
  channelAuthorization: { customHandler: (p, cb) => cb(null, { auth: sign(p.socketId + ':' + p.channelName) }) },
});
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let subscribed = 0;
const ready = () => { if (++subscribed === 2) out({ ready: pusher.connection.socket_id }); };
const hotel = pusher.subscribe('hotel-killarney');
hotel.bind('pusher:subscription_succeeded', ready);
const priv = pusher.subscribe('private-hotel-killarney-desk');
priv.bind('pusher:subscription_succeeded', ready);
priv.bind('pusher:subscription_error', (e) => out({ error: e }));
hotel.bind_global((event, data) => {
  if (event.startsWith('pusher')) return;
  out({ event, data });
  if (event === 'offers-updated') { pusher.disconnect(); setTimeout(() => process.exit(0), 50); }
});
setTimeout(() => { out({ timeout: true }); process.exit(1); }, 15000);
"#;

async fn next(lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>) -> Value {
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    serde_json::from_str::<Value>(&line).unwrap()
}

#[tokio::test]
async fn pusher_js_receives_the_events_of_a_rest_write() {
    let Some(dir) = pusher_js_dir() else { return };
    let c = start().await;
    let p = c.sandbox.pusher();
    let t = c.token("anna.byrne").await;
    let mut child = tokio::process::Command::new("node")
        .args(["-e", SCRIPT, &p.port.to_string(), &p.key, &p.secret])
        .env("NODE_PATH", dir.join("node_modules"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = next(&mut lines).await;
    assert!(ready["ready"].is_string(), "{ready}");
    let (s, offer) = c
        .send(
            reqwest::Method::PATCH,
            "/api/staff/hotel/killarney/offers/1/",
            Some(&t),
            Some(json!({"tag": "From pusher-js test"})),
        )
        .await;
    assert_eq!(s, 200);
    let first = next(&mut lines).await;
    assert_eq!(first["event"], "offer-updated");
    // pusher-js parses the JSON string of `data` into the object.
    assert_eq!(first["data"], json!({"action": "updated", "offer": offer}));
    let second = next(&mut lines).await;
    assert_eq!(
        second,
        json!({"event": "offers-updated", "data": {"action": "sync"}})
    );
    assert!(child.wait().await.unwrap().success());
    c.sandbox.shutdown().await;
}
