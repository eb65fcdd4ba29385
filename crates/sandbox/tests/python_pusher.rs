//! The official Python `pusher` library against the sandbox: `trigger`, `trigger_batch`, a wrong secret
//! (PusherBadAuth), and its `authenticate` signature accepted by the socket. Skipped (with a note) when
//! `$PYTHON` (default `python3`) cannot `import pusher` (`pip install pusher`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common::start;
use serde_json::{json, Value};

fn python() -> Option<String> {
    let py = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = std::process::Command::new(&py)
        .args(["-c", "import pusher"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if ok {
        Some(py)
    } else {
        panic!(
            "{py} cannot import the official `pusher` library; install it with \
             `python3 -m pip install pusher` (cargo xtask setup does)"
        );
    }
}

async fn run_python(py: &str, script: &str) -> String {
    let out = tokio::process::Command::new(py)
        .args(["-c", script])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "python failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn client(port: u16, secret: &str) -> String {
    format!(
        "import pusher, json\np = pusher.Pusher(app_id='1', key='hotelmate-demo-key', secret='{secret}', host='127.0.0.1', port={port}, ssl=False)\n"
    )
}

#[tokio::test]
async fn python_pusher_trigger_and_batch_reach_subscribers() {
    let Some(py) = python() else { return };
    let c = start().await;
    let port = c.sandbox.pusher().port;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let script = client(port, "hotelmate-demo-secret")
        + "print(json.dumps(p.trigger('hotel-killarney', 'offers-updated', {'action': 'sync'})))\n"
        + "p.trigger_batch([{'channel': 'hotel-killarney', 'name': 'a', 'data': {'n': 1}}, {'channel': 'hotel-killarney', 'name': 'b', 'data': {'n': 2}}])\n";
    run_python(&py, &script).await;
    let events = ws.drain(500).await;
    let names: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, ["offers-updated", "a", "b"]);
    assert_eq!(events[0].2, json!({"action": "sync"}));
    assert_eq!(events[2].2, json!({"n": 2}));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn python_pusher_with_a_wrong_secret_gets_bad_auth() {
    let Some(py) = python() else { return };
    let c = start().await;
    let port = c.sandbox.pusher().port;
    let script = client(port, "wrong-secret")
        + "import pusher.errors\ntry:\n    p.trigger('hotel-killarney', 'x', {})\n    print('ACCEPTED')\nexcept pusher.errors.PusherBadAuth:\n    print('BADAUTH')\n";
    assert_eq!(run_python(&py, &script).await.trim(), "BADAUTH");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn python_pusher_channel_auth_is_accepted_by_the_socket() {
    let Some(py) = python() else { return };
    let c = start().await;
    let port = c.sandbox.pusher().port;
    let mut ws = c.ws().await;
    let channel = "presence-hotel-killarney";
    let script = client(port, "hotelmate-demo-secret")
        + &format!(
            "print(json.dumps(p.authenticate(channel='{channel}', socket_id='{}', custom_data={{'user_id': '7', 'user_info': {{'name': 'Anna'}}}})))\n",
            ws.socket_id
        );
    let auth: Value = serde_json::from_str(run_python(&py, &script).await.trim()).unwrap();
    ws.send(json!({"event": "pusher:subscribe", "data": {"channel": channel, "auth": auth["auth"], "channel_data": auth["channel_data"]}})).await;
    let v = ws.next(2000).await.unwrap();
    assert_eq!(v["event"], "pusher_internal:subscription_succeeded", "{v}");
    c.sandbox.shutdown().await;
}
