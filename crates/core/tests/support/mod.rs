//! Shared pieces of the core's integration tests: a desk on a temporary folder with its own
//! keyring service, the sandbox, and polling helpers. Their desks show no desktop toasts: the
//! toasts are the window tests' (one at a time in the test session, so each knows its own).
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use hotelmate_core::session::config::{DataDir, PusherEndpoint};
use hotelmate_core::session::secrets::TokenVault;
use hotelmate_core::{Desk, DeskOptions, SignInRequest};
use hotelmate_sandbox::{Sandbox, SandboxHandle};

pub const PASSWORD: &str = "killarney-demo";

pub async fn sandbox() -> SandboxHandle {
    Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// The sandbox of the 2026 server (API.md §10, §14–§17), seeded with the demo hotel.
pub async fn sandbox_2026() -> SandboxHandle {
    Sandbox::start_generation(
        "127.0.0.1:0".parse().unwrap(),
        hotelmate_sandbox::Generation::Hotelmate2026,
    )
    .await
    .unwrap()
}

pub fn unique(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("hotelmate-desk-test-{name}-{}-{nanos}", std::process::id())
}

/// A desk with its own data folder and keyring service (kept alive by the returned folder).
pub fn desk(name: &str) -> (Desk, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut options = DeskOptions::new(DataDir::at(dir.path()));
    options.vault = TokenVault::with_service(unique(name));
    options.request_timeout = Duration::from_secs(5);
    options.toasts = false;
    (Desk::open(options).unwrap(), dir)
}

/// The demo hotel as the app's `demo` feature plugs it in: the sandbox on a loopback port.
pub struct SandboxDemo;

impl hotelmate_core::desk::DemoLauncher for SandboxDemo {
    fn start<'a>(
        &'a self,
        data_dir: &'a std::path::Path,
    ) -> hotelmate_core::desk::DemoFuture<'a, Result<hotelmate_core::desk::DemoServer, String>>
    {
        Box::pin(async move {
            let handle = Sandbox::start_with(hotelmate_sandbox::SandboxConfig {
                listen: "127.0.0.1:0".parse().unwrap(),
                data_dir: Some(data_dir.to_path_buf()),
                simulator: false,
                generation: hotelmate_sandbox::Generation::Classic,
            })
            .await
            .map_err(|e| e.to_string())?;
            let pusher = handle.pusher();
            Ok(hotelmate_core::desk::DemoServer {
                api_base: handle.base_url(),
                pusher: PusherEndpoint::SelfHosted {
                    key: pusher.key,
                    host: pusher.host,
                    port: pusher.port,
                    tls: pusher.tls,
                },
                username: hotelmate_sandbox::DEMO_LOGINS[0].username.into(),
                password: hotelmate_sandbox::DEMO_LOGINS[0].password.into(),
                stop: Box::new(move || Box::pin(handle.shutdown())),
            })
        })
    }
}

/// A desk as [`desk`] makes it, that can also try the demo hotel ([`SandboxDemo`]).
pub fn desk_with_demo(name: &str) -> (Desk, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut options = DeskOptions::new(DataDir::at(dir.path()));
    options.vault = TokenVault::with_service(unique(name));
    options.request_timeout = Duration::from_secs(5);
    options.toasts = false;
    options.demo = Some(std::sync::Arc::new(SandboxDemo));
    (Desk::open(options).unwrap(), dir)
}

/// A desk's folder and keyring service, so the same desk can be opened again (a restart).
pub struct Home {
    pub dir: tempfile::TempDir,
    pub vault: TokenVault,
}

impl Home {
    pub fn new(name: &str) -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            vault: TokenVault::with_service(unique(name)),
        }
    }

    /// Opens the desk as the app does at start (before `resume`).
    pub fn open(&self) -> Desk {
        self.open_with_poll(hotelmate_core::engine::POLL_INTERVAL)
    }

    /// Opens the desk reading what the server does not announce every `poll` (live or not).
    pub fn open_with_poll(&self, poll: Duration) -> Desk {
        self.open_with(|options| {
            options.poll_interval = poll;
            options.quiet_interval = poll;
        })
    }

    /// Opens the desk with the test's options, `change`d as a test needs.
    pub fn open_with(&self, change: impl FnOnce(&mut DeskOptions)) -> Desk {
        let mut options = DeskOptions::new(DataDir::at(self.dir.path()));
        options.vault = self.vault.clone();
        options.request_timeout = Duration::from_secs(5);
        options.toasts = false;
        change(&mut options);
        Desk::open(options).unwrap()
    }
}

/// Signs `desk` in as `username` through `addr` (the sandbox itself or a proxy in front of it),
/// with live updates on the same address.
pub async fn sign_in(desk: &Desk, server: &SandboxHandle, addr: SocketAddr, username: &str) {
    let pusher = server.pusher();
    let request = SignInRequest {
        server_url: format!("http://{addr}"),
        username: username.into(),
        password: PASSWORD.into(),
        pusher: Some(PusherEndpoint::SelfHosted {
            key: pusher.key,
            host: addr.ip().to_string(),
            port: addr.port(),
            tls: false,
        }),
    };
    desk.sign_in(request).await.unwrap();
}

/// Polls `check` until it is true, or fails with `what`.
pub async fn eventually<F, Fut>(what: &str, timeout: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if check().await {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// As [`eventually`]; a failure also says what `explain` finds then, so it names the state the
/// wait ended in.
pub async fn eventually_explained<F, Fut, E, EFut>(
    what: &str,
    timeout: Duration,
    mut check: F,
    explain: E,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
    E: FnOnce() -> EFut,
    EFut: Future<Output = String>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if check().await {
            return;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out waiting until {what}: {}", explain().await);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A raw REST call as another client would make it (a colleague's browser).
pub async fn rest(
    server: &SandboxHandle,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> serde_json::Value {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", server.base_url()))
        .header("Authorization", format!("Token {token}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

pub async fn token(server: &SandboxHandle, username: &str) -> String {
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/api/staff/login/", server.base_url()))
        .json(&serde_json::json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_owned()
}

/// Every offer on the server (all pages), as `(id, title)`, sorted by id.
pub async fn server_offers(server: &SandboxHandle, token: &str) -> Vec<serde_json::Value> {
    server_rows(server, token, "offers").await
}

/// Every row of a paginated staff collection (`offers`, `galleries`, `room-types`), all pages.
pub async fn server_rows(
    server: &SandboxHandle,
    token: &str,
    collection: &str,
) -> Vec<serde_json::Value> {
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let body = rest(
            server,
            token,
            reqwest::Method::GET,
            &format!("/api/staff/hotel/killarney/{collection}/?page={page}"),
            None,
        )
        .await;
        all.extend(body["results"].as_array().unwrap().iter().cloned());
        if body["next"].is_null() {
            break;
        }
        page += 1;
    }
    all.sort_by_key(|o| o["id"].as_i64());
    all
}

/// A guest's flood: `count` messages ("<prefix> <n>") written from `connections` connections at
/// once, as fast as the server takes them (no token: guest messages). Returns their ids, sorted.
pub async fn guest_floods(
    server: &SandboxHandle,
    conversation_id: i64,
    count: usize,
    connections: usize,
    prefix: &str,
) -> Vec<i64> {
    let url = guest_send_url(server, conversation_id);
    let writers: Vec<_> = (0..connections)
        .map(|writer| {
            let (url, prefix) = (url.clone(), prefix.to_owned());
            tokio::spawn(async move {
                let guest = reqwest::Client::new();
                let mut ids = Vec::new();
                for n in (writer..count).step_by(connections) {
                    ids.push(send_as_guest(&guest, &url, &format!("{prefix} {n}")).await);
                }
                ids
            })
        })
        .collect();
    let mut ids = Vec::new();
    for writer in writers {
        ids.extend(writer.await.unwrap());
    }
    ids.sort_unstable();
    ids
}

/// A guest writes from the room's chat page (no token: the server stores a guest message).
pub async fn guest_writes(server: &SandboxHandle, conversation_id: i64, text: &str) -> i64 {
    let url = guest_send_url(server, conversation_id);
    send_as_guest(&reqwest::Client::new(), &url, text).await
}

/// Where a guest's page sends a message of the conversation, on either generation.
fn guest_send_url(server: &SandboxHandle, conversation_id: i64) -> String {
    server.guest_send_url(conversation_id)
}

/// Sends one message as the guest (no token); the id the server gave it.
async fn send_as_guest(guest: &reqwest::Client, url: &str, text: &str) -> i64 {
    let answer: serde_json::Value = guest
        .post(url)
        .json(&serde_json::json!({ "message": text }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["message"]["sender_type"], "guest", "{answer}");
    answer["message"]["id"].as_i64().unwrap()
}

/// The name the test binary knows a test by, from `concat!(module_path!(), "::test")` in its
/// file: `file::test` (the files are modules of one binary, `tests/suite.rs`), for a test that
/// runs another of its file's tests as a child process (`--exact`).
pub fn test_name(path: &'static str) -> &'static str {
    path.split_once("::")
        .map(|(_suite, name)| name)
        .expect("a module path names the suite first")
}

/// Whether the desk tells the screen of `view` to read again within [`WAIT_TOLD`]: waited for,
/// since the event follows the row's storing by a moment (looking at once after the row shows
/// missed it on busy machines).
pub async fn told_of(
    events: &mut tokio::sync::broadcast::Receiver<hotelmate_core::DeskEvent>,
    view: hotelmate_core::events::View,
) -> bool {
    use tokio::sync::broadcast::error::RecvError;
    tokio::time::timeout(WAIT_TOLD, async {
        loop {
            match events.recv().await {
                Ok(hotelmate_core::DeskEvent::ViewChanged { view: told }) if told == view => {
                    return true
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return false,
            }
        }
    })
    .await
    .unwrap_or(false)
}

/// How long [`told_of`] waits.
pub const WAIT_TOLD: Duration = Duration::from_secs(20);

/// The requests `server` got while `window` passed, by request line ("METHOD /path/"), only
/// those with any. A rate is measured over real time (the desk reads a real server over HTTP,
/// so no paused clock can stand in): the wait is the measuring window, not a wait for something.
pub async fn requests_during(
    server: &hotelmate_sandbox::SandboxHandle,
    window: std::time::Duration,
) -> std::collections::HashMap<String, u64> {
    let before = server.request_counts();
    tokio::time::sleep(window).await;
    server
        .request_counts()
        .into_iter()
        .filter_map(|(line, n)| {
            let new = n - before.get(&line).copied().unwrap_or(0);
            (new > 0).then_some((line, new))
        })
        .collect()
}
