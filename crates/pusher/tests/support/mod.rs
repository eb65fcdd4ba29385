//! Test support: real sockudo processes, the official Python `pusher` library as publisher and auth
//! server, a fault-injecting TCP proxy, and helpers to watch states and events with timeouts.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod proxy;
pub mod scripted;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use pusher_channels::{
    AuthError, AuthRequest, ChannelAuth, Client, ConnectionState, Event, EventStream, StateStream,
    UserAuth,
};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::Mutex;

pub const APP_ID: &str = "4242";
pub const APP_KEY: &str = "test-key";
pub const APP_SECRET: &str = "test-secret";
/// 32 bytes, base64: the encryption master key the Python library derives channel keys from.
pub const MASTER_KEY_B64: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
pub const WAIT: Duration = Duration::from_secs(15);

pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "pusher_channels=debug".into()),
        )
        .with_test_writer()
        .try_init();
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `SOCKUDO_BIN`, else `<workspace>/target/tools/bin/sockudo`, else `sockudo` on PATH; fails loudly.
pub fn sockudo_bin() -> PathBuf {
    if let Ok(bin) = std::env::var("SOCKUDO_BIN") {
        return PathBuf::from(bin);
    }
    let local = workspace_root().join("target/tools/bin/sockudo");
    if local.exists() {
        return local;
    }
    if let Some(found) = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("sockudo"))
        .find(|path| path.exists())
    {
        return found;
    }
    panic!(
        "sockudo not found: install it with `cargo install sockudo --debug --locked \
         --no-default-features --features local --root {}/target/tools` or set SOCKUDO_BIN",
        workspace_root().display()
    );
}

pub fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A sockudo server on a loopback port, killed on drop.
pub struct Sockudo {
    pub port: u16,
    child: Option<Child>,
    env: Vec<(String, String)>,
    /// sockudo's log as JSON lines, when started with [`Sockudo::start_logged`].
    log: Option<Arc<std::sync::Mutex<Vec<Value>>>>,
}

impl Sockudo {
    pub async fn start() -> Self {
        let mut server = Self {
            port: free_port(),
            child: None,
            env: Vec::new(),
            log: None,
        };
        server.spawn().await;
        server
    }

    /// A server with extra environment settings whose log (JSON lines) the test can read.
    pub async fn start_logged(env: &[(&str, &str)]) -> Self {
        let mut server = Self {
            port: free_port(),
            child: None,
            env: env
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .chain([("LOG_OUTPUT_FORMAT".to_owned(), "json".to_owned())])
                // Info, so warnings carry their spans (the event name, the batch).
                .chain([("RUST_LOG".to_owned(), "info".to_owned())])
                .collect(),
            log: Some(Arc::default()),
        };
        server.spawn().await;
        server
    }

    /// The log lines so far whose `fields.message` starts with `message`.
    pub fn logged(&self, message: &str) -> Vec<Value> {
        let Some(log) = &self.log else {
            panic!("start the server with Sockudo::start_logged to read its log");
        };
        log.lock()
            .unwrap()
            .iter()
            .filter(|line| {
                line["fields"]["message"]
                    .as_str()
                    .is_some_and(|text| text.starts_with(message))
            })
            .cloned()
            .collect()
    }

    async fn spawn(&mut self) {
        let mut child = Command::new(sockudo_bin())
            .env("HOST", "127.0.0.1")
            .env("PORT", self.port.to_string())
            .env("SOCKUDO_DEFAULT_APP_ID", APP_ID)
            .env("SOCKUDO_DEFAULT_APP_KEY", APP_KEY)
            .env("SOCKUDO_DEFAULT_APP_SECRET", APP_SECRET)
            .env("SOCKUDO_DEFAULT_APP_ENABLE_CLIENT_MESSAGES", "true")
            .env("SOCKUDO_ENABLE_CLIENT_MESSAGES", "true")
            .env("SOCKUDO_DEFAULT_APP_ENABLE_USER_AUTHENTICATION", "true")
            .env("ADAPTER_DRIVER", "local")
            .env("CACHE_DRIVER", "memory")
            .env("QUEUE_DRIVER", "memory")
            .env("RATE_LIMITER_DRIVER", "memory")
            .env("RATE_LIMITER_ENABLED", "false")
            .env("APP_MANAGER_DRIVER", "memory")
            .env("METRICS_ENABLED", "false")
            .envs(self.env.iter().cloned())
            .stdout(if self.log.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "cannot start sockudo ({}): {error}; install it with `cargo install sockudo --locked \
                     --no-default-features --features local --root {}/target/tools` or fix SOCKUDO_BIN",
                    sockudo_bin().display(),
                    workspace_root().display()
                )
            });
        // sockudo logs to stdout; reading it all the time keeps it from blocking on a full pipe.
        if let (Some(log), Some(stdout)) = (self.log.clone(), child.stdout.take()) {
            tokio::spawn(async move {
                let mut lines = BufReader::new(stdout).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Ok(value) = serde_json::from_str(&line) {
                        log.lock().unwrap().push(value);
                    }
                }
            });
        }
        self.child = Some(child);
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let up = reqwest_like_get(self.port, &format!("/app/{APP_KEY}")).await;
            if up {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "sockudo did not start on port {}",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Kills the server (like a crash) and returns at once.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
            let _ = child.wait().await;
        }
    }

    /// Starts it again on the same port.
    pub async fn restart(&mut self) {
        self.kill().await;
        self.spawn().await;
    }
}

/// Whether the port answers HTTP at all (sockudo is ready once it does).
async fn reqwest_like_get(port: u16, path: &str) -> bool {
    let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
        return false;
    };
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut buf = [0u8; 16];
    matches!(tokio::io::AsyncReadExt::read(&mut stream, &mut buf).await, Ok(n) if n > 0)
}

/// The official Python `pusher` library in a helper process: publishes events and signs auth.
#[derive(Clone)]
pub struct PyPusher {
    io: Arc<Mutex<(ChildStdin, BufReader<ChildStdout>, Child)>>,
}

impl PyPusher {
    pub async fn start(port: u16) -> Self {
        let config = json!({"app_id": APP_ID, "key": APP_KEY, "secret": APP_SECRET, "host": "127.0.0.1",
                            "port": port, "master_key": MASTER_KEY_B64});
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pusher_helper.py");
        let mut child = Command::new(python())
            .arg(&script)
            .arg(config.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "cannot start {} (set PYTHON to a Python 3 with `pip install pusher`): {error}",
                    python()
                )
            });
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let helper = Self {
            io: Arc::new(Mutex::new((stdin, stdout, child))),
        };
        // The import fails here, with a clear message, when the library is missing.
        let answer = helper.call(json!({"op": "noop"})).await;
        assert_eq!(
            answer["error"], "unknown op noop",
            "the Python pusher helper is not working"
        );
        helper
    }

    pub async fn call(&self, request: Value) -> Value {
        let mut io = self.io.lock().await;
        let (stdin, stdout, _) = &mut *io;
        stdin
            .write_all(format!("{request}\n").as_bytes())
            .await
            .unwrap();
        let mut line = String::new();
        let read = stdout.read_line(&mut line).await.unwrap();
        assert!(
            read > 0,
            "the Python helper exited: install the library with `{} -m pip install pusher`",
            python()
        );
        serde_json::from_str(&line).unwrap()
    }

    pub async fn trigger(&self, channel: &str, event: &str, data: Value) {
        let answer = self
            .call(json!({"op": "trigger", "channel": channel, "event": event, "data": data}))
            .await;
        assert_eq!(answer["ok"], true, "trigger failed: {answer}");
    }

    pub async fn auth(
        &self,
        request: &AuthRequest,
        custom_data: Option<Value>,
    ) -> Result<ChannelAuth, AuthError> {
        let answer = self
            .call(
                json!({"op": "auth", "channel": request.channel, "socket_id": request.socket_id,
                         "custom_data": custom_data}),
            )
            .await;
        if answer["ok"] != true {
            return Err(AuthError::new(answer["error"].to_string()));
        }
        Ok(serde_json::from_value(answer["result"].clone()).unwrap())
    }

    pub async fn user_auth(
        &self,
        socket_id: &str,
        user_data: Value,
    ) -> Result<UserAuth, AuthError> {
        let answer = self
            .call(json!({"op": "user_auth", "socket_id": socket_id, "user_data": user_data}))
            .await;
        if answer["ok"] != true {
            return Err(AuthError::new(answer["error"].to_string()));
        }
        Ok(serde_json::from_value(answer["result"].clone()).unwrap())
    }
}

/// Waits for the next state matching `predicate`, returning it and every state seen on the way.
pub async fn state_matching(
    states: &mut StateStream,
    what: &str,
    predicate: impl Fn(&ConnectionState) -> bool,
) -> (ConnectionState, Vec<ConnectionState>) {
    let mut seen = Vec::new();
    let found = tokio::time::timeout(WAIT, async {
        while let Some(state) = states.recv().await {
            seen.push(state.clone());
            if predicate(&state) {
                return Some(state);
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(state)) => (state, seen),
        _ => panic!("no state {what} within {WAIT:?}; saw {seen:?}"),
    }
}

pub async fn connected(states: &mut StateStream) -> String {
    let (state, _) = state_matching(states, "connected", |s| s.socket_id().is_some()).await;
    state.socket_id().unwrap().to_owned()
}

/// How far [`states_while_time_passes`] moves the clock: past the longest delay the client ever waits
/// before trying again (the default backoff cap; the 1 s floor after codes 4100-4199 is shorter), and
/// well short of the activity timeout (120 s): the client reckons that from the system's clock, which
/// tokio's stays this far ahead of once resumed, so its next ping comes this much early, still long
/// after any test has ended.
const PARKED_FOR: Duration =
    Duration::from_secs(pusher_channels::DEFAULT_BACKOFF_CAP.as_secs() + 1);

/// The states a client goes through while [`PARKED_FOR`] passes on tokio's clock, paused for it: none
/// for a client parked in `Failed` or `Disconnected`, which tries again only when told to. Any retry
/// waits out a delay on tokio's clock, so moving the paused clock past every such delay fires it.
/// Needs the tests' single-threaded runtime, the only one whose clock can be paused.
pub async fn states_while_time_passes(client: &Client) -> Vec<ConnectionState> {
    let mut states = client.states();
    let _current = states.try_recv();
    tokio::time::pause();
    tokio::time::advance(PARKED_FOR).await;
    // Once the client's task has answered this (a channel never subscribed: nothing changes), it has
    // run with the clock moved, so a retry whose delay has passed has begun, and a retry begins by
    // reporting `Connecting`.
    client.unsubscribe("never-subscribed").await.unwrap();
    tokio::time::resume();
    std::iter::from_fn(|| states.try_recv()).collect()
}

/// The next event named `name`, skipping others.
pub async fn event_named(events: &mut EventStream, name: &str) -> Event {
    let found = tokio::time::timeout(WAIT, async {
        while let Some(event) = events.recv().await {
            if event.event == name {
                return Some(event);
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(event)) => event,
        _ => panic!("no event '{name}' within {WAIT:?}"),
    }
}

/// Asserts that no event named `name` arrives within `window`.
pub async fn no_event_named(events: &mut EventStream, name: &str, window: Duration) {
    let found = tokio::time::timeout(window, async {
        while let Some(event) = events.recv().await {
            if event.event == name {
                return event;
            }
        }
        std::future::pending().await
    })
    .await;
    if let Ok(event) = found {
        panic!("unexpected event {event:?}");
    }
}
