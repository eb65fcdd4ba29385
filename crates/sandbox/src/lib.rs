//! HotelMate sandbox: a local HotelMate-compatible server for the demo hotel and for tests.
//!
//! It serves the REST API of `shared/API.md` (the reference backend at fd6c529, with its error bodies and quirks),
//! a Pusher protocol 7 WebSocket endpoint at `/app/<key>` and the Pusher HTTP trigger API
//! (`/apps/<id>/events`, `/apps/<id>/batch_events`), all on one port. It shares no code with the desk's core or
//! Pusher client: it is an independent reading of the same contracts.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hotelmate_sandbox::SandboxError> {
//! let sandbox = hotelmate_sandbox::Sandbox::start("127.0.0.1:0".parse().expect("addr")).await?;
//! println!("{} hotel {}", sandbox.base_url(), sandbox.hotel_slug());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

// Every public item says what it is for, and nothing is `pub` that no other crate can reach
// (issue 37.3: a `pub` item is part of the crate's surface, not a way around a module's walls).
#![deny(missing_docs, unreachable_pub)]
// Unit tests may run long; the production code is checked in its own build (issue 64.5).
#![cfg_attr(test, allow(clippy::too_many_lines))]

mod api;
mod auth;
mod bodies;
mod body;
mod builder;
mod classic_desk;
mod db;
mod errors;
mod front_desk;
#[cfg(test)]
mod images;
mod media;
#[cfg(feature = "test-support")]
pub mod network;
mod pagination;
mod people;
mod pusher;
mod seed;
mod seed_attendance;
mod seed_chat;
mod simulator;
mod state;
mod timefmt;
mod url_field;
mod validate;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use errors::SandboxError;
pub use seed::{DemoLogin, DEMO_LOGINS};
pub use seed_chat::ROOM_WITHOUT_BOOKING;

use state::AppState;

/// Slug of the demo hotel.
pub(crate) const DEMO_HOTEL_SLUG: &str = "killarney";
/// Pusher app of the sandbox.
pub(crate) const PUSHER_APP_ID: &str = "1";
pub(crate) const PUSHER_KEY: &str = "hotelmate-demo-key";
pub(crate) const PUSHER_SECRET: &str = "hotelmate-demo-secret";

/// How long shutdown waits for open HTTP requests before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How a sandbox is started.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// `Some(dir)`: the SQLite db and media persist there (seeded only when empty). `None`: a temporary folder
    /// deleted on shutdown.
    pub data_dir: Option<PathBuf>,
    /// Whether simulated guests and colleagues keep the demo hotel alive.
    pub simulator: bool,
    /// Which HotelMate backend the sandbox plays.
    pub generation: Generation,
}

/// A generation of the HotelMate backend the sandbox can play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Generation {
    /// The backend of API.md §1–9 (fd6c529).
    #[default]
    Classic,
    /// The 2026 backend of API.md §10 and §10.3: capabilities per person, new mounts.
    Hotelmate2026,
}

impl Generation {
    /// From its command-line name: `classic` or `2026`.
    pub fn from_arg(name: &str) -> Option<Self> {
        match name {
            "classic" | "2025" => Some(Self::Classic),
            "2026" => Some(Self::Hotelmate2026),
            _ => None,
        }
    }
}

/// Where the sandbox's Pusher server is and how to sign for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PusherInfo {
    /// The Pusher app's id.
    pub app_id: String,
    /// The Pusher app key a desk connects with.
    pub key: String,
    /// The secret that signs private and presence subscriptions and the HTTP API's requests.
    pub secret: String,
    /// The host the socket listens on (the sandbox's own).
    pub host: String,
    /// The port the socket listens on (the sandbox's own).
    pub port: u16,
    /// Whether the socket needs TLS (never: the sandbox speaks plain `ws://`).
    pub tls: bool,
}

/// Entry point.
pub struct Sandbox;

/// A running sandbox. Dropping it without [`SandboxHandle::shutdown`] leaves the server running until the
/// runtime ends.
pub struct SandboxHandle {
    addr: SocketAddr,
    base_url: String,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<()>,
    simulator: Option<JoinHandle<()>>,
    _temp: Option<tempfile::TempDir>,
}

impl Sandbox {
    /// Tests: temporary data (deleted on shutdown), simulator off. Port 0 supported.
    pub async fn start(addr: SocketAddr) -> Result<SandboxHandle, SandboxError> {
        Self::start_with(SandboxConfig {
            listen: addr,
            data_dir: None,
            simulator: false,
            generation: Generation::Classic,
        })
        .await
    }

    /// [`Sandbox::start`], playing the backend of `generation`.
    pub async fn start_generation(
        addr: SocketAddr,
        generation: Generation,
    ) -> Result<SandboxHandle, SandboxError> {
        Self::start_with(SandboxConfig {
            listen: addr,
            data_dir: None,
            simulator: false,
            generation,
        })
        .await
    }

    /// Demo: with `data_dir` the SQLite db + media persist there and are seeded only when empty, so tokens stay
    /// valid across app restarts.
    pub async fn start_with(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
        let (root, temp) = data_root(&config)?;
        let media_dir = root.join("media");
        std::fs::create_dir_all(&media_dir).map_err(|source| SandboxError::DataDir {
            path: media_dir.clone(),
            source,
        })?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| SandboxError::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
            addr: config.listen,
            source,
        })?;
        let (base_url, pusher) = addresses(addr);

        // Opening and seeding block (SQLite, image rendering): keep them off the async workers.
        let (db_path, seed_media) = (root.join("sandbox.sqlite3"), media_dir.clone());
        let conn = tokio::task::spawn_blocking(move || -> Result<_, SandboxError> {
            let conn = db::open(&db_path)?;
            seed::seed_if_empty(&conn, &seed_media)?;
            front_desk::seed_if_empty(&conn)?;
            classic_desk::seed_if_empty(&conn)?;
            Ok(conn)
        })
        .await
        .map_err(|e| SandboxError::Startup(e.to_string()))??;
        let state = AppState::new(conn, media_dir, base_url.clone(), pusher, config.generation);

        let app = api::router(state.clone());
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let serve = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                let _ = stop_rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "sandbox server stopped with an error");
            }
        });
        let simulator = config
            .simulator
            .then(|| tokio::spawn(simulator::run(state.clone())));
        tracing::info!(%base_url, "sandbox listening");
        Ok(SandboxHandle {
            addr,
            base_url,
            state,
            stop: Some(stop_tx),
            server,
            simulator,
            _temp: temp,
        })
    }
}

/// Where the sandbox keeps its database and media: the configured folder, or a temporary one
/// removed with the handle.
fn data_root(
    config: &SandboxConfig,
) -> Result<(std::path::PathBuf, Option<tempfile::TempDir>), SandboxError> {
    Ok(match &config.data_dir {
        Some(dir) => (dir.clone(), None),
        None => {
            let t = tempfile::Builder::new()
                .prefix("hotelmate-sandbox-")
                .tempdir()
                .map_err(|source| SandboxError::DataDir {
                    path: std::env::temp_dir(),
                    source,
                })?;
            (t.path().to_path_buf(), Some(t))
        }
    })
}

/// The REST base address and the Pusher settings of a sandbox listening at `addr`.
fn addresses(addr: SocketAddr) -> (String, PusherInfo) {
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else if addr.is_ipv6() {
        format!("[{}]", addr.ip())
    } else {
        addr.ip().to_string()
    };
    let base_url = format!("http://{host}:{}", addr.port());
    let pusher = PusherInfo {
        app_id: PUSHER_APP_ID.into(),
        key: PUSHER_KEY.into(),
        secret: PUSHER_SECRET.into(),
        host: host.trim_matches(|c| c == '[' || c == ']').to_string(),
        port: addr.port(),
        tls: false,
    };
    (base_url, pusher)
}

impl SandboxHandle {
    /// Where the sandbox listens, for REST and the Pusher socket alike.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every offer write the server accepted, in order: `{op: create|update|delete, id, fields}`.
    pub fn writes(&self) -> Vec<serde_json::Value> {
        self.state.writes()
    }

    /// Every JSON body a client sent the API, oldest first: `{method, path, body}` (bodies
    /// that are not JSON, or are too long to log, have `body: null` and say why in `unread`).
    pub fn request_bodies(&self) -> Vec<serde_json::Value> {
        self.state.bodies.all()
    }

    /// Makes the server answer the next "METHOD /path/" request with `status` and `body`, as a
    /// real server does in states the sandbox does not reach on its own (a test's refusal).
    pub fn refuse_next(&self, line: &str, status: u16, body: serde_json::Value) {
        self.state.refuse_next(line, status, body)
    }

    /// Holds the next "METHOD /path/" request before the server handles it, until
    /// [`HeldRequest::release`]: another client's write can then land between a client's read
    /// and its write, as in a real race. A line with a query (`GET /path/?page=2`) holds only
    /// a request with that query: one page of a list read page by page.
    pub fn hold_next(&self, line: &str) -> HeldRequest {
        self.state.hold_next(line)
    }

    /// Handles the next "METHOD /path/" request at once but holds its answer until
    /// [`HeldRequest::release`] (`arrived` says the answer is made): another client's write
    /// can then land after the server read a row and before the client has the answer, as in
    /// a real race.
    pub fn hold_answer_of(&self, line: &str) -> HeldRequest {
        self.state.hold_answer_of(line)
    }

    /// Makes the server answer every "METHOD /path/" request with `status` and `body` until
    /// [`SandboxHandle::stop_refusing`] (a part of the server failing for a while).
    pub fn refuse_every(&self, line: &str, status: u16, body: serde_json::Value) {
        self.state.set_refusal(line, Some((status, body, true)))
    }

    /// Ends [`SandboxHandle::refuse_every`] for "METHOD /path/": the server answers it again.
    pub fn stop_refusing(&self, line: &str) {
        self.state.set_refusal(line, None)
    }

    /// From the next API request on, for `length`, the server answers every API request 503
    /// with `Retry-After` (the whole seconds left), as a server overloaded or in maintenance
    /// does.
    pub fn busy_for(&self, length: std::time::Duration) {
        self.state.set_busy(Some(length))
    }

    /// When each request of the busy spell came, after its first ([`SandboxHandle::busy_for`]);
    /// `None` before one was set.
    pub fn busy_requests(&self) -> Option<Vec<std::time::Duration>> {
        self.state.busy_spell().map(|spell| spell.asked_at)
    }

    /// Whether the busy spell set by [`SandboxHandle::busy_for`] began and has ended.
    pub fn busy_over(&self) -> bool {
        self.state.busy_spell().is_some_and(|spell| {
            spell
                .started
                .is_some_and(|started| started.elapsed() >= spell.length)
        })
    }

    /// How many requests the server received for "METHOD /path/" (query left out), so a test
    /// can say what a client sent.
    pub fn requests_to(&self, line: &str) -> u64 {
        self.state.requests_to(line)
    }

    /// When "METHOD /path/" was last asked (query left out), oldest first: the newest 64.
    pub fn request_times(&self, line: &str) -> Vec<std::time::Instant> {
        self.state.request_times(line)
    }

    /// How many requests each "METHOD /path/" received so far (query left out), so a test can
    /// count everything a client sent in a while.
    pub fn request_counts(&self) -> std::collections::BTreeMap<String, u64> {
        self.state.request_counts()
    }

    /// `http://127.0.0.1:<port>` (no trailing slash).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// `killarney`.
    pub fn hotel_slug(&self) -> &str {
        DEMO_HOTEL_SLUG
    }

    /// Where a guest of the demo hotel writes to conversation `conversation_id`, with a POST of
    /// `{"message": "…"}` and no token, on the backend the sandbox plays: the classic send
    /// (`/api/chat/<slug>/conversations/<id>/messages/send/`, API.md §8.4), or on the 2026 backend the
    /// sandbox's own guest door `/api/guest/hotel/<slug>/chat/conversations/<id>/messages/send/` (that
    /// backend's guest API is not described in API.md). Both answer 200 `{conversation_id, message}` and
    /// fire what a guest's message fires there.
    ///
    /// ```no_run
    /// # async fn demo(sandbox: &hotelmate_sandbox::SandboxHandle) {
    /// let url = sandbox.guest_send_url(1);
    /// // POST url with {"message": "Could we have more towels?"}
    /// # }
    /// ```
    pub fn guest_send_url(&self, conversation_id: i64) -> String {
        let slug = DEMO_HOTEL_SLUG;
        match self.state.generation {
            Generation::Classic => format!(
                "{}/api/chat/{slug}/conversations/{conversation_id}/messages/send/",
                self.base_url
            ),
            Generation::Hotelmate2026 => format!(
                "{}/api/guest/hotel/{slug}/chat/conversations/{conversation_id}/messages/send/",
                self.base_url
            ),
        }
    }

    /// The generation of HotelMate this sandbox plays.
    pub fn generation(&self) -> Generation {
        self.state.generation
    }

    /// Where the sandbox's Pusher server is and how to sign for it.
    pub fn pusher(&self) -> PusherInfo {
        (*self.state.pusher).clone()
    }

    /// Adds `count` guests' conversations to the hotel, each in a room of its own (from room
    /// 1000; the newest has the highest number) with one unread message ("Could room 1000
    /// have more towels?"): a busy hotel. Guests' conversations come from the hotel's rooms,
    /// not from an API, so they are written into the sandbox's own database. Returns the
    /// conversations' ids, oldest first.
    #[cfg(feature = "test-support")]
    pub fn add_guest_conversations(&self, count: usize) -> Result<Vec<i64>, SandboxError> {
        let mut db = self.state.db();
        let tx = db.transaction()?;
        let now = chrono::Utc::now();
        let mut ids = Vec::with_capacity(count);
        for n in 0..count {
            let room = 1000 + i64::try_from(n).unwrap_or(i64::MAX - 1000);
            let ago = i64::try_from(count - n).unwrap_or(i64::MAX);
            let at = (now - chrono::Duration::seconds(ago))
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            tx.execute(
                "INSERT INTO rooms (hotel_id, room_number) VALUES (1, ?1)",
                [room],
            )?;
            let room_id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO guests (room_id, first_name, last_name) VALUES (?1, 'Guest', ?2)",
                rusqlite::params![room_id, format!("of room {room}")],
            )?;
            tx.execute(
                "INSERT INTO conversations (hotel_id, room_id, has_unread, created_at, updated_at)
                 VALUES (1, ?1, 1, ?2, ?2)",
                rusqlite::params![room_id, at],
            )?;
            let conversation_id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO messages (conversation_id, sender_type, message, timestamp, status,
                    read_by_staff, delivered_at)
                 VALUES (?1, 'guest', ?2, ?3, 'delivered', 0, ?3)",
                rusqlite::params![
                    conversation_id,
                    format!("Could room {room} have more towels?"),
                    at
                ],
            )?;
            ids.push(conversation_id);
        }
        // The sandbox looks each conversation's guest and last message up by these.
        tx.execute_batch(
            "CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id);
             CREATE INDEX IF NOT EXISTS guests_by_room ON guests (room_id);
             CREATE INDEX IF NOT EXISTS bookings_by_room ON bookings (room_id);",
        )?;
        tx.commit()?;
        Ok(ids)
    }

    /// Gives the guest staying in `conversation_id`'s room the name `first` `last`: guests come
    /// from the hotel's bookings, not from an API, so it is written into the sandbox's database.
    #[cfg(feature = "test-support")]
    pub fn rename_guest(
        &self,
        conversation_id: i64,
        first: &str,
        last: &str,
    ) -> Result<(), SandboxError> {
        self.state.db().execute(
            "UPDATE guests SET first_name = ?1, last_name = ?2
             WHERE room_id = (SELECT room_id FROM conversations WHERE id = ?3)",
            rusqlite::params![first, last, conversation_id],
        )?;
        Ok(())
    }

    /// Publishes `event` with `data` on hotel `slug`'s channel as the server does: a test's
    /// stand-in for what the API offers no request for (a bare "refetch" with no row event
    /// before it, as when that row event was too large to deliver).
    #[cfg(feature = "test-support")]
    pub fn publish_to_hotel(&self, slug: &str, event: &str, data: &serde_json::Value) {
        self.state
            .hub
            .publish(&api::hotel_channel(slug), event, data);
    }

    /// Publishes `event` with `data` on `channel` as the server does: a test's stand-in for
    /// what the API offers no request for on that channel.
    #[cfg(feature = "test-support")]
    pub fn publish_on(&self, channel: &str, event: &str, data: &serde_json::Value) {
        self.state.hub.publish(channel, event, data);
    }

    /// Deletes `username`'s token, as an administrator removing it in Django's admin does:
    /// every request with it is refused (401) from now on; signing in makes a new one.
    pub fn revoke_token(&self, username: &str) {
        let revoked = self.state.db().execute(
            "DELETE FROM tokens WHERE user_id = (SELECT id FROM users WHERE username = ?1)",
            [username],
        );
        if let Err(err) = revoked {
            tracing::warn!(error = %err, username, "the token could not be revoked");
        }
    }

    /// Makes `key` the token of `username`, as an upgrade of the server in place keeps its
    /// tokens table: a desk signed in to the older server is still let in by this one.
    /// Errors: the database's (an unknown `username` changes nothing).
    #[cfg(feature = "test-support")]
    pub fn keep_token(&self, username: &str, key: &str) -> rusqlite::Result<()> {
        let db = self.state.db();
        let tx = db.unchecked_transaction()?;
        tx.execute(
            "DELETE FROM tokens WHERE user_id = (SELECT id FROM users WHERE username = ?1)",
            [username],
        )?;
        tx.execute(
            "INSERT INTO tokens (key, user_id, created) SELECT ?2, id, ?3 FROM users WHERE username = ?1",
            rusqlite::params![username, key, timefmt::now_drf()],
        )?;
        tx.commit()
    }

    /// Leaves room type `room_type_id` one rate plan, so its variants share one price: a rooms
    /// section listing it makes the 2026 public page answer 500 (API.md §17.9 item 1).
    pub fn leave_one_rate_plan(&self, room_type_id: i64) {
        let left = self.state.db().execute(
            "DELETE FROM rate_links WHERE room_type_id = ?1 AND id <> \
             (SELECT MIN(id) FROM rate_links WHERE room_type_id = ?1)",
            [room_type_id],
        );
        if let Err(err) = left {
            tracing::warn!(error = %err, room_type_id, "the rate plans could not be cut");
        }
    }

    /// Replaces the global preset table (API.md §17.7) with `presets`, each with the fields
    /// the public read gives (`target_type`, `section_type`, `key`, `name`, …); `id`s are new.
    /// Errors: a preset that is not a JSON object, or the database's (nothing is replaced).
    #[cfg(feature = "test-support")]
    pub fn set_presets(&self, presets: &[serde_json::Value]) -> rusqlite::Result<()> {
        let db = self.state.db();
        let tx = db.unchecked_transaction()?;
        builder::presets::replace(&tx, presets)?;
        tx.commit()
    }

    /// Answers the desk's clock toggle as the reference backend does (403: it clocks staff only
    /// by face, API.md Decision 5), or toggles again (`true`, the default).
    pub fn set_token_clock(&self, on: bool) {
        self.state
            .token_clock
            .store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Plays `actions` of the simulator's hotel activity at once (guests write, colleagues clock
    /// in or out, the manager edits an offer), chosen at random as the simulator does: its
    /// pauses average 35 s, so about 100 actions are a simulated hour. Returns how many
    /// succeeded.
    #[cfg(feature = "test-support")]
    pub fn simulate(&self, actions: usize) -> usize {
        (0..actions)
            .filter(|_| simulator::step(&self.state, simulator::random_action()).is_ok())
            .count()
    }

    /// Stops the simulator, closes every WebSocket (code 4200, "reconnect"), finishes open requests (at most
    /// a few seconds), and deletes temporary data.
    pub async fn shutdown(mut self) {
        if let Some(sim) = self.simulator.take() {
            sim.abort();
            let _ = sim.await;
        }
        self.state.hub.close_all(4200, "Server shutting down");
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let abort = self.server.abort_handle();
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut self.server)
            .await
            .is_err()
        {
            abort.abort();
        }
        tracing::info!(base_url = %self.base_url, "sandbox stopped");
    }
}

/// A request the server holds ([`SandboxHandle::hold_next`]).
#[derive(Clone, Default)]
pub struct HeldRequest {
    arrived: std::sync::Arc<std::sync::atomic::AtomicBool>,
    release: std::sync::Arc<tokio::sync::Notify>,
}

impl HeldRequest {
    /// Whether the held request has come (and waits).
    pub fn arrived(&self) -> bool {
        self.arrived.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Lets the held request go on (before or after it came).
    pub fn release(&self) {
        self.release.notify_one();
    }

    pub(crate) async fn wait(&self) {
        self.arrived
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.release.notified().await;
    }
}
